"""Anomaly mode, as torch's (torch/autograd/anomaly_mode.py), and ember's two warning switches.

While anomaly mode is on, every node records the forward traceback that created it (in
``grad_fn.metadata["traceback_"]``, where torch keeps it).  A backward function that fails
warns with that traceback ("Error detected in MulBackward0. Traceback of forward call that
caused the error: ..."); with ``check_nan`` one that returns NaN raises torch's
``RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.``

    with ember.autograd.detect_anomaly():
        loss = model(x).sum()
        loss.backward()

Off (the default) it costs one read of a flag per recorded node.
"""
import functools
import warnings

from . import _explain
from . import node as _node

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_anomaly_enabled", "set_warn_missing_zero_grad",
           "set_warn_growing_graph"]


def is_anomaly_enabled():
    """torch.is_anomaly_enabled: whether anomaly mode is on."""
    return _node._anomaly


def is_anomaly_check_nan_enabled():
    """torch.is_anomaly_check_nan_enabled: whether anomaly mode checks backward for NaN."""
    return _node._anomaly_check_nan


def set_anomaly_enabled(enabled, check_nan=True):
    """torch.set_anomaly_enabled(enabled, check_nan=True)."""
    _node._anomaly = bool(enabled)
    _node._anomaly_check_nan = bool(check_nan)


class detect_anomaly:
    """Context manager (and, in ember, also a decorator) that turns anomaly mode on.

    check_nan=False keeps the forward tracebacks without checking for NaN."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Turn anomaly mode on or off: as a function (``set_detect_anomaly(True)``) or as a
    context manager that restores the previous setting on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


def set_warn_missing_zero_grad(mode):
    """ember's warning when one .grad has summed the gradients of 1,000 backward() calls
    without being reset (a missing optimizer.zero_grad()); on by default."""
    _explain.set_warning("missing_zero_grad", mode)


def set_warn_growing_graph(mode):
    """ember's warning when backward() walked a graph that grew on each of its last 100 calls
    (a tensor carried across iterations with its graph); on by default."""
    _explain.set_warning("growing_graph", mode)
