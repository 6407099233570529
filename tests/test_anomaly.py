"""Anomaly mode: torch's switches, its NaN error and its forward-traceback warning."""
import warnings

import numpy as np
import pytest
import torch

import ember

HERE = __file__.replace(".pyc", ".py")


@pytest.fixture(autouse=True)
def _anomaly_off():
    yield
    ember.set_anomaly_enabled(False)
    torch.set_anomaly_enabled(False)


def run(lib, fn):
    """fn(lib) with every warning recorded: (exception or None, [warning messages])."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            fn(lib)
        except RuntimeError as e:       # noqa: PERF203
            return e, [str(w.message) for w in rec], rec
    return None, [str(w.message) for w in rec], rec


def planted_nan(lib):
    with lib.autograd.detect_anomaly():
        x = lib.tensor([1.0, 4.0], requires_grad=True)
        y = x * 2
        z = lib.sqrt(-y)                                  # the planted NaN
        (z * 3).sum().backward()


def test_anomaly_finds_planted_sqrt_nan():
    te, tw, _ = run(torch, planted_nan)
    ee, ew, erec = run(ember, planted_nan)
    assert str(ee) == str(te) == "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert type(ee) is RuntimeError
    # torch warns with the forward traceback of the op that made the node: so does ember
    (tmsg,) = [m for m in tw if m.startswith("Error detected")]
    (emsg,) = [m for m in ew if m.startswith("Error detected")]
    head = "Error detected in SqrtBackward0. Traceback of forward call that caused the error:\n"
    assert tmsg.startswith(head) and emsg.startswith(head)
    assert "z = lib.sqrt(-y)                                  # the planted NaN" in emsg
    # the innermost frame is the user's line, as in torch (ember's op machinery is left out)
    assert emsg.rstrip().splitlines()[-1].strip() == \
        tmsg.split(" (Triggered internally")[0].rstrip().splitlines()[-1].strip()
    assert "ember" + "/ops" not in emsg
    # the warning points at the user's backward() line
    w = [r for r in erec if str(r.message).startswith("Error detected")][0]
    assert w.filename == HERE and w.category is UserWarning
    # and the exception carries the same traceback as a note; str(e) is untouched
    note = "\n".join(ee.__notes__)
    assert "SqrtBackward0 was created by this forward call" in note
    assert "z = lib.sqrt(-y)" in note and "z = lib.sqrt(-y)" not in str(ee)


def test_anomaly_traceback_recorded_like_torch():
    def build(lib):
        with lib.autograd.set_detect_anomaly(True):
            x = lib.tensor([1.0, 2.0], requires_grad=True)
            y = x.exp()
        return y

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ty, ey = build(torch), build(ember)
    tt, et = ty.grad_fn.metadata["traceback_"], ey.grad_fn.metadata["traceback_"]
    assert isinstance(et, list) and all(isinstance(s, str) for s in et)
    assert et[-1] == tt[-1]                      # '  File "...", line N, in build\n    y = ...'
    assert "y = x.exp()" in et[-1]
    assert len(et) == len(tt)


def test_anomaly_off_by_default_records_nothing():
    assert not ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()
    x = ember.tensor([1.0], requires_grad=True)
    y = x.exp()
    assert "traceback_" not in y.grad_fn.metadata
    # NaN gradients go through silently, as in torch
    z = ember.sqrt(-ember.tensor([1.0], requires_grad=True))
    z.sum().backward()


def test_anomaly_nan_in_later_output():
    def fn(lib):
        with lib.autograd.detect_anomaly():
            a = lib.tensor([1.0, float("nan")], requires_grad=True)
            b = lib.tensor([2.0, 3.0], requires_grad=True)
            (a * b).sum().backward()

    te, _, _ = run(torch, fn)
    ee, _, _ = run(ember, fn)
    assert str(ee) == str(te) == "Function 'MulBackward0' returned nan values in its 1th output."


def test_anomaly_check_nan_false_keeps_tracebacks_only():
    def fn(lib):
        with lib.autograd.detect_anomaly(check_nan=False):
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
            x = lib.tensor([1.0, 4.0], requires_grad=True)
            z = lib.sqrt(-x)
            assert "traceback_" in z.grad_fn.metadata
            z.sum().backward()
            return x.grad

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(fn(ember).numpy(), fn(torch).numpy())
    assert not ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()


def test_detect_anomaly_warns_like_torch():
    _, tw, _ = run(torch, lambda lib: lib.autograd.detect_anomaly())
    _, ew, erec = run(ember, lambda lib: lib.autograd.detect_anomaly())
    assert ew == tw == ["Anomaly Detection has been enabled. This mode will increase the "
                        "runtime and should only be enabled for debugging."]


def test_set_detect_anomaly_function_and_context_manager():
    for lib in (torch, ember):
        lib.autograd.set_detect_anomaly(True)
        assert lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(False):
            assert not lib.is_anomaly_enabled()
        assert lib.is_anomaly_enabled()
        lib.autograd.set_detect_anomaly(False)
        assert not lib.is_anomaly_enabled()
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
        lib.set_anomaly_enabled(True)
        assert lib.is_anomaly_enabled()
        lib.set_anomaly_enabled(False)


def test_detect_anomaly_as_decorator():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")

        @ember.autograd.detect_anomaly()
        def step():
            assert ember.is_anomaly_enabled()
            x = ember.tensor([1.0], requires_grad=True)
            return ember.sqrt(-x).sum()

        loss = step()
        assert not ember.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            with ember.autograd.detect_anomaly():
                loss.backward()


def test_anomaly_error_in_custom_backward_reports_forward():
    class Broken(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("broken backward")

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        with ember.autograd.set_detect_anomaly(True):
            x = ember.tensor([1.0], requires_grad=True)
            y = Broken.apply(x)                         # the line to find
            with pytest.raises(ValueError, match="broken backward") as info:
                y.sum().backward()
    msgs = [str(w.message) for w in rec if str(w.message).startswith("Error detected")]
    assert msgs and msgs[0].startswith("Error detected in BrokenBackward. Traceback of forward")
    assert "y = Broken.apply(x)" in msgs[0]
    assert "y = Broken.apply(x)" in "\n".join(info.value.__notes__)


def test_anomaly_without_forward_information():
    def fn(lib):
        x = lib.tensor([1.0, 4.0], requires_grad=True)
        z = lib.sqrt(-x).sum()                    # recorded outside anomaly mode
        with lib.autograd.set_detect_anomaly(True):
            z.backward()

    te, tw, _ = run(torch, fn)
    ee, ew, _ = run(ember, fn)
    assert str(ee) == str(te)
    want = ("Error detected in SqrtBackward0. No forward pass information available. Enable "
            "detect anomaly during forward pass for more information.")
    assert [m for m in ew if m.startswith("Error")] == [want]
    assert [m.split(" (Triggered internally")[0] for m in tw if m.startswith("Error")] == [want]


def test_anomaly_create_graph_and_grad():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ember.autograd.detect_anomaly():
            x = ember.tensor([1.0, 2.0], requires_grad=True)
            y = (x ** 3).sum()
            (g,) = ember.autograd.grad(y, x, create_graph=True)
            g.sum().backward()
            np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])
            x2 = ember.tensor([-1.0], requires_grad=True)
            with pytest.raises(RuntimeError, match="returned nan values in its 0th output"):
                ember.autograd.grad(ember.sqrt(x2).sum(), x2)


def test_anomaly_mode_ordinary_training_is_unchanged():
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 1))
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x, y = ember.randn(16, 4), ember.randn(16, 1)

    def train():
        losses = []
        for _ in range(5):
            opt.zero_grad()
            loss = ember.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses

    state = {k: v.clone() for k, v in model.state_dict().items()}
    plain = train()
    model.load_state_dict(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no warning at all in a healthy loop
        with ember.autograd.set_detect_anomaly(True):
            assert train() == plain
