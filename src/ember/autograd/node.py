"""The autograd graph: Node (one per recorded op) and AccumulateGrad (one per leaf).

A Node is created by an op when grad mode is on and an input requires grad.  Its class name
is PyTorch's (``MulBackward0``), so ``grad_fn=<MulBackward0>`` needs no table.  It holds:

- ``next_functions``: one ``(node, output_nr)`` edge per differentiable input, ``(None, 0)``
  for inputs that need no gradient — exactly torch's tuple;
- ``saved``: the tensors ``backward`` needs, with the version each had when saved (checked on
  use, which is how in-place modification of a saved tensor is caught); the op's own output
  is saved as ``OUTPUT`` (a Tensor in the output would point back to the node: a cycle);
- ``args``: plain values (dims, shapes, masks as NumPy arrays) that need no checking.

``backward(grad)`` returns one gradient per input (``None`` where not needed).  It runs on
NumPy arrays in an ordinary backward pass and on Tensors under ``create_graph=True`` (so the
backward pass records a graph of its own): formulas use operators, which both support, and
the few helpers in ``ops._base`` that dispatch on the type.  ``unpack()`` hands the saved
tensors over in the same form.
"""
import itertools
import re
from sys import getrefcount as _refcount

import numpy as np

__all__ = ["Node", "AccumulateGrad", "OUTPUT"]

OUTPUT = object()          # marks "the op's own output" in Node.saved
# Nodes torch implements by hand in C++: their name() carries the namespace.
_CPP_NAMES = frozenset({"AccumulateGrad", "CopySlices", "CopyBackwards", "Error"})


class _Freed(tuple):
    """Node.saved after the graph was released (an empty tuple that is not ``()``)."""


_FREED = _Freed()
_sequence = itertools.count()

# Set by the engine for the duration of a backward pass: unpack() returns Tensors when true.
_state = {"create_graph": False}

# Anomaly mode (ember.autograd.set_detect_anomaly): while on, every node records the forward
# traceback that created it.  Read once per node; off, it costs that one read.
_anomaly = False
_anomaly_check_nan = True
# The "missing zero_grad()" warning counts in-place accumulations into .grad while this is on
# (ember.autograd.set_warn_missing_zero_grad; off for good once the warning has fired).
_count_accumulations = True

_SECOND_BACKWARD = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


class Node:
    __slots__ = ("next_functions", "saved", "versions", "args", "out", "sequence_nr",
                 "_hooks", "_pre_hooks", "_retain", "metadata_", "__weakref__")

    def __init__(self, next_functions, saved=(), args=()):
        self.next_functions = next_functions
        self.saved = saved
        self.versions = None
        self.args = args
        self.out = None            # (data, version counter) of output 0 when saved
        self.sequence_nr = next(_sequence)
        self._hooks = None
        self._pre_hooks = None
        self._retain = None        # {output_nr: tensor} for retain_grad() on outputs
        if _anomaly:
            from ._explain import record_traceback
            record_traceback(self)

    # -- what torch shows -------------------------------------------------------------
    def name(self):
        n = type(self).__name__
        return "torch::autograd::" + n if n in _CPP_NAMES else n

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def metadata(self):
        try:
            return self.metadata_
        except AttributeError:
            self.metadata_ = {}
            return self.metadata_

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) after the node runs; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) before the node runs; may return new grad_outputs."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        self._pre_hooks.append(fn)
        return _RemovableHandle(self._pre_hooks, fn)

    def __call__(self, *grads):
        """grad_fn(*grad_outputs): this node's backward formula applied directly (recording
        a graph when grad mode is on), as torch's nodes are callable."""
        from .._tensor import Tensor, _make
        from . import grad_mode as _gm
        create_graph = _gm._enabled
        prev = _state["create_graph"]
        _state["create_graph"] = create_graph
        try:
            outs = self.apply([g if g is None or create_graph else g._data for g in grads])
        finally:
            _state["create_graph"] = prev
        res = tuple(None if o is None else o if isinstance(o, Tensor) else _make(np.asarray(o))
                    for o in outs)
        return res[0] if len(res) == 1 else res

    # -- saved values -----------------------------------------------------------------
    def unpack(self):
        """The saved tensors, version-checked, as arrays (or Tensors under create_graph)."""
        saved = self.saved
        if saved is _FREED:
            raise _freed_error(self)
        tensors = _state["create_graph"]
        versions = self.versions
        result = []
        for i, t in enumerate(saved):
            v = versions[i]
            if v is None:               # a Python scalar operand, passed through
                result.append(t)
            elif t is OUTPUT:
                data, vc = self.out
                if vc[0] != v:
                    _raise_modified(data, self, vc[0], v, 0, self, vc)
                result.append(self._output_tensor() if tensors else data)
            else:
                if t._vc[0] != v:
                    _raise_modified(t._data, t.grad_fn, t._vc[0], v, t._output_nr, self, t._vc)
                result.append(t if tensors else t._data)
        return result

    def _output_tensor(self):
        from .._tensor import _make
        data, vc = self.out
        t = _make(data)
        t._vc = vc
        t._requires_grad = True
        t.grad_fn = self
        md = getattr(self, "metadata_", None)
        if md and "view_of_" in md:
            # an in-place op on a view: its output is that region of the base
            from ..ops._views import AsStridedBackward0
            copy_slices, geom = md["view_of_"]
            t.grad_fn = AsStridedBackward0(((copy_slices(), 0),), (), (geom,))
        return t

    def release(self):
        """Drop saved values after a backward pass without retain_graph."""
        if self.saved:
            self.saved = _FREED
            self.out = None

    def apply(self, grads):
        """Gradients for next_functions from the gradients of this node's outputs."""
        return self.backward(grads[0])

    def backward(self, grad):
        raise NotImplementedError(f"{type(self).__name__} has no backward")

    @property
    def _saved_tensors(self):
        return tuple(self.unpack())


def _freed_error(node):
    """torch's second-backward error, with a note naming the node and the usual fixes."""
    from ._explain import freed
    return freed(RuntimeError(_SECOND_BACKWARD), node)


def _raise_modified(data, grad_fn, version, expected, output_nr, saver=None, vc=None):
    """torch's error for a saved tensor changed in place; the note says which node saved it
    (saver) and which in-place op changed it (recorded on the version counter vc)."""
    from .._dtype import from_numpy_dtype
    from ._explain import modified
    shape = ", ".join(str(s) for s in data.shape)
    # torch names the node without "Backward", and without the overload digit when it is 0:
    # "which is output 0 of Exp" (ExpBackward0), "... of Elu1" (EluBackward1).
    where = ""
    if grad_fn is not None:
        name = re.sub(r"Backward0?(\d*)$", r"\1", grad_fn.name())
        where = f", which is output {output_nr} of {name},"
    if _anomaly:
        hint = ("the backtrace further above shows the operation that failed to compute its "
                "gradient. The variable in question was changed in there or anywhere later. "
                "Good luck!")
    else:
        hint = ("enable anomaly detection to find the operation that failed to compute its "
                "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    raise modified(RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{from_numpy_dtype(data.dtype)._legacy} [{shape}]]{where}"
        f" is at version {version}; expected version {expected} instead. Hint: {hint}"),
        saver, vc, version, expected)


def _unshared(g, like):
    """Whether the gradient array g may become ``.grad`` as it is: writable, of the variable's
    dtype, shape and (row-major) layout, and referenced by nobody but the engine's buffer list
    and AccumulateGrad.apply -- its memory its own, or its base's that nothing else views.
    Anyone else holding the memory (another edge, a hook, a saved tensor, a view) holds a
    reference to g or to its base, so the reference counts tell."""
    if type(g) is not np.ndarray or g.dtype != like.dtype or g.shape != like.shape \
            or not g.flags.writeable or not _same_layout(g, like):
        return False
    base = g.base
    if base is not None and (type(base) is not np.ndarray or base.base is not None
                             or _refcount(base) > 2):
        return False
    # the buffer list, apply's local, this call's argument, getrefcount's argument
    return _refcount(g) <= 4


def _dense(a):
    """torch's is_non_overlapping_and_dense: the elements fill a block without gaps."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return True
    expected = a.itemsize
    for stride, size in sorted((abs(st), sz) for st, sz in zip(a.strides, a.shape) if sz != 1):
        if stride != expected:
            return False
        expected *= size
    return True


def _same_layout(g, like):
    """Whether g obeys torch's gradient layout contract for a parameter like: row-major
    for a row-major (or non-dense) parameter, the parameter's strides for a dense one."""
    if like.flags.c_contiguous or not _dense(like):
        return g.flags.c_contiguous
    return all(a == b for a, b, n in zip(g.strides, like.strides, like.shape) if n != 1)


def _grad_like(g, like):
    """A fresh copy of gradient g laid out as torch lays out a new .grad of like."""
    if like.flags.c_contiguous or not _dense(like):
        return np.array(g, dtype=like.dtype, copy=True, order="C")
    out = np.empty_like(like)           # order K: the parameter's strides
    np.copyto(out, g, casting="unsafe")
    return out


class AccumulateGrad(Node):
    """The node of a leaf that requires grad: adds the incoming gradient into ``.grad``."""
    __slots__ = ("variable",)

    def __init__(self, variable):
        Node.__init__(self, ())
        self.variable = variable

    def apply(self, grads):
        from .._tensor import _make
        var = self.variable
        g = grads[0]
        if var._data.dtype.kind == "c":
            # the derivative formulas are written for real inputs: a complex gradient would
            # silently miss torch's conjugate convention
            raise NotImplementedError("ember does not support autograd for complex tensors yet "
                                      "(a gradient reached a complex leaf)")
        if isinstance(g, np.ndarray) or np.isscalar(g):
            old = var._grad
            if old is None:
                if _unshared(g, var._data):
                    var._grad = _make(g)      # torch's AccumulateGrad steals it too
                else:
                    # A fresh, writable copy: the array may be shared with other edges.
                    # Laid out as the variable is (torch's layout contract: a row-major
                    # parameter gets a row-major .grad, whatever strides the gradient had).
                    var._grad = _make(_grad_like(g, var._data))
            elif old._data.flags.writeable:
                # torch adds in place (under no_grad): a .grad that has a graph of its own
                # (from create_graph=True) keeps its grad_fn
                np.add(old._data, g, out=old._data, casting="unsafe")
                old._vc[0] += 1
                if _count_accumulations:
                    from ._explain import count_accumulation
                    count_accumulation(var, old)
            else:
                od = old._data
                if any(st == 0 and n > 1 for st, n in zip(od.strides, od.shape)):
                    raise RuntimeError(
                        "unsupported operation: more than one element of the written-to "
                        "tensor refers to a single memory location. Please clone() the tensor "
                        "before performing the operation.")
                var._grad = _make(od + g)
        else:  # create_graph: keep the graph of the gradient
            old = var._grad
            if old is None:
                # torch's clone_obey_contract: new_empty_strided(...).copy_(g)
                var._grad = _make(_grad_like(g._data, var._data)).copy_(g)
            else:
                var._grad = old + g
        if var._post_acc_hooks:
            _run_post_accumulate_grad_hooks(var)
        return ()


def _run_post_accumulate_grad_hooks(t):
    """t.register_post_accumulate_grad_hook's hooks, once t.grad holds the accumulated
    gradient (DistributedDataParallel starts its all-reduces from here)."""
    for hook in tuple(t._post_acc_hooks.values()):
        r = hook(t)
        if r is not None:
            from .._tensor import Tensor
            if isinstance(r, Tensor):
                raise RuntimeError("Tensor post accumulate grad hooks should return None.")
            raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")


class _RemovableHandle:
    __slots__ = ("hooks", "fn")
    _ids = itertools.count()

    def __init__(self, hooks, fn):
        self.hooks = hooks
        self.fn = fn

    def remove(self):
        try:
            self.hooks.remove(self.fn)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
