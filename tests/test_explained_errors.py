"""Errors that explain: str(e) is exactly torch's, and ember's note says where and how to fix;
the "missing zero_grad()" and "growing graph" warnings fire once, and not in healthy loops."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import _explain

HERE = __file__.replace(".pyc", ".py")
SOURCE = open(HERE).read().splitlines()


def line_of(marker):
    """The line number (1-based) of the one line of this file ending with marker."""
    (n,) = [i + 1 for i, s in enumerate(SOURCE) if s.rstrip().endswith(marker)]
    return n


def both(fn):
    """fn(lib) on torch and on ember: each must raise; same type and str; ember's exception."""
    excs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:      # noqa: PT011 - compared below
            fn(lib)
        excs.append(info.value)
    t, e = excs
    assert type(e).__name__ == type(t).__name__
    assert str(e) == str(t)
    notes = getattr(e, "__notes__", [])
    assert notes, "ember's exception carries no note"
    for note in notes:
        assert note not in str(e)
    return e, "\n".join(notes)


@pytest.fixture(autouse=True)
def _fresh_warnings():
    """Each test sees the two warnings armed and their counters empty."""
    for name in ("missing_zero_grad", "growing_graph"):
        _explain.set_warning(name, True)
    yield
    for name in ("missing_zero_grad", "growing_graph"):
        _explain.set_warning(name, True)


# -- in-place modification of a saved tensor ---------------------------------------------------

def inplace_after_save(lib):
    a = lib.tensor([0.5, 1.0, 2.0], requires_grad=True)
    b = a.sigmoid()
    c = b * b                                    # MulBackward0 saves b
    b.add_(1)                                    # <- in-place add
    c.sum().backward()


def test_inplace_error_names_saver_and_inplace_op():
    e, note = both(inplace_after_save)
    assert "MulBackward0 saved this tensor" in note
    assert f"add_ at {HERE}:{line_of('# <- in-place add')}" in note
    assert "b.add_(1)" in note
    assert ".clone()" in note and "out-of-place" in note
    assert "detect_anomaly()" in note                 # how to get the full tracebacks


def test_inplace_error_on_saved_output():
    def fn(lib):
        a = lib.tensor([0.5, 1.0], requires_grad=True)
        b = a.exp()                                   # ExpBackward0 saves its result
        b.mul_(2)                                     # <- in-place on a saved output
        b.sum().backward()

    _, note = both(fn)
    assert "ExpBackward0 saved this tensor" in note
    assert f"mul_ at {HERE}:{line_of('# <- in-place on a saved output')}" in note


def test_inplace_error_operator_and_relu_():
    def fn(lib):
        a = lib.tensor([0.5, -1.0], requires_grad=True)
        h = a * 3
        out = h.tanh()                                # saves its result
        out += 1                                      # <- augmented assignment
        out.sum().backward()

    _, note = both(fn)
    assert f"add_ at {HERE}:{line_of('# <- augmented assignment')}" in note

    def fn2(lib):
        a = lib.tensor([0.5, -1.0], requires_grad=True)
        h = a * 3
        y = h * h
        lib.nn.functional.relu(h, inplace=True)       # <- relu in place
        y.sum().backward()

    _, note = both(fn2)
    assert f"relu_ at {HERE}:{line_of('# <- relu in place')}" in note


def test_inplace_error_indexed_assignment():
    def fn(lib):
        a = lib.tensor([0.5, 1.0], requires_grad=True)
        b = a * 1
        c = b * b
        b[0] = 5.0                                    # <- indexed assignment
        c.sum().backward()

    _, note = both(fn)
    assert f"__setitem__ at {HERE}:{line_of('# <- indexed assignment')}" in note


def test_inplace_error_unrecorded_write():
    def fn(lib):
        a = lib.tensor([0.5, 1.0], requires_grad=True)
        b = a * 1
        c = b * b
        with lib.no_grad():
            b.mul_(2.0)                               # an optimizer-style fast path
        c.sum().backward()

    _, note = both(fn)
    assert "does not record" in note and ".clone()" in note


def test_inplace_error_in_anomaly_mode_has_both_tracebacks():
    def fn(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly(check_nan=False):
                inplace_after_save(lib)

    _, note = both(fn)
    assert "MulBackward0 was created at (forward traceback)" in note
    assert "c = b * b" in note
    assert "add_ was called from:" in note
    assert note.count("c = b * b") == 1                # one note, not repeated by anomaly mode


def test_inplace_custom_function_saved_tensors():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    y = Square.apply(b)
    b.sub_(1)                                         # <- in-place after Function saved
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    note = "\n".join(info.value.__notes__)
    assert "SquareBackward saved this tensor" in note
    assert f"sub_ at {HERE}:{line_of('# <- in-place after Function saved')}" in note


# -- second backward -------------------------------------------------------------------------

def test_second_backward_names_node_and_fixes():
    def fn(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        loss = (a * a).sum()
        loss.backward()
        loss.backward()

    _, note = both(fn)
    assert "MulBackward0 already ran in an earlier backward()" in note
    assert "retain_graph=True" in note and ".detach()" in note


def test_second_backward_rnn_hidden_state():
    def fn(lib):
        lib.manual_seed(0)
        cell = lib.nn.RNNCell(2, 3)
        h = lib.zeros(1, 3)
        for _ in range(2):
            h = cell(lib.ones(1, 2), h)              # h carries the previous graph
            h.sum().backward()

    e, note = both(fn)
    assert "hidden = hidden.detach()" in note


def test_second_backward_custom_function():
    class Keep(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2

    a = ember.tensor([1.0], requires_grad=True)
    y = Keep.apply(a * 1).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time") as info:
        y.backward()
    assert "KeepBackward already ran" in info.value.__notes__[0]


# -- shape mismatch inside a module ----------------------------------------------------------

def test_module_shape_mismatch_note():
    def fn(lib):
        lib.manual_seed(0)
        lib.nn.Linear(3, 3)(lib.ones(3, 2))

    _, note = both(fn)
    assert "Linear(in_features=3, out_features=3, bias=True) got input of shape (3, 2)" in note
    assert "in_features=3" in note


def test_module_shape_mismatch_innermost_module_only():
    def fn(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 4), lib.nn.ReLU(), lib.nn.Linear(3, 1))
        model(lib.ones(5, 2))

    e, note = both(fn)
    assert len(e.__notes__) == 1
    assert note.startswith("ember: Linear(in_features=3, out_features=1, bias=True) got input "
                           "of shape (5, 4)")


def test_module_error_note_with_hooks_and_same_exception_object():
    lin = ember.nn.Linear(3, 3)
    lin.register_forward_hook(lambda m, i, o: None)
    err = RuntimeError("boom")

    class Boom(ember.nn.Module):
        def forward(self, x, y):
            raise err

    with pytest.raises(RuntimeError) as info:
        lin(ember.ones(2, 2))
    assert "got input of shape (2, 2)" in info.value.__notes__[0]
    with pytest.raises(RuntimeError) as info:
        Boom()(ember.ones(2), y=ember.ones(1, 3))
    assert info.value is err                          # re-raised, not wrapped
    assert "got inputs of shapes (2,), (1, 3)" in info.value.__notes__[0]
    # other exception types pass through untouched
    with pytest.raises(TypeError) as info:
        lin()
    assert not getattr(info.value, "__notes__", None)


# -- numpy(), non-scalar backward, integer requires_grad -------------------------------------

def test_numpy_of_tensor_requiring_grad():
    _, note = both(lambda lib: lib.ones(2, 3, requires_grad=True).numpy())
    assert ".detach().numpy()" in note and "(2, 3)" in note


def test_backward_on_non_scalar():
    _, note = both(lambda lib: (lib.ones(3, 1, requires_grad=True) * 2).backward())
    assert "shape (3, 1)" in note and "ones_like(output)" in note and ".sum()" in note
    _, note = both(lambda lib: lib.autograd.backward(lib.ones(2, requires_grad=True) * 2))
    assert "shape (2,)" in note

    def grad_of_vector(lib):
        x = lib.ones(2, requires_grad=True)
        lib.autograd.grad(x * 2, x)

    _, note = both(grad_of_vector)
    assert "autograd.grad()" in note and "grad_outputs=torch.ones_like(output)" in note


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1, 2], requires_grad=True),
    lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.tensor([1, 2]).requires_grad_(),
    lambda lib: setattr(lib.tensor([1, 2], dtype=lib.int32), "requires_grad", True),
], ids=["tensor", "zeros", "requires_grad_", "setter"])
def test_integer_tensor_requires_grad(make):
    _, note = both(make)
    assert "floating-point" in note and ".float()" in note
    assert "torch.int" in note


# -- the missing zero_grad() warning ---------------------------------------------------------

def _zero_grad_warnings(rec):
    return [w for w in rec if "without being reset" in str(w.message)]


def test_missing_zero_grad_warns_once():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for i in range(2500):
            (w * 3).sum().backward()                  # <- accumulates forever
            with ember.no_grad():
                w -= 1e-6 * w.grad                    # the update, but no w.grad.zero_()
            if i == 998:
                assert not _zero_grad_warnings(rec)   # 999 calls summed: not yet
    (msg,) = _zero_grad_warnings(rec)
    assert msg.category is UserWarning
    assert msg.filename == HERE and msg.lineno == line_of("# <- accumulates forever")
    assert "1000 backward() calls" in str(msg.message)
    assert "zero_grad()" in str(msg.message)
    assert "set_warn_missing_zero_grad(False)" in str(msg.message)
    np.testing.assert_allclose(w.grad.numpy(), [7500.0, 7500.0])


def test_missing_zero_grad_with_optimizer():
    ember.manual_seed(0)
    model = ember.nn.Linear(2, 1)
    opt = ember.optim.SGD(model.parameters(), lr=1e-4)
    x, y = ember.randn(4, 2), ember.randn(4, 1)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for _ in range(1100):
            ember.nn.functional.mse_loss(model(x), y).backward()
            opt.step()                                # opt.zero_grad() forgotten
    assert len(_zero_grad_warnings(rec)) == 1


def test_missing_zero_grad_not_for_training_loops():
    ember.manual_seed(0)
    model = ember.nn.Linear(2, 1)
    x, y = ember.randn(4, 2), ember.randn(4, 1)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for set_to_none in (True, False):
            opt = ember.optim.SGD(model.parameters(), lr=0.01)
            for _ in range(1200):
                opt.zero_grad(set_to_none=set_to_none)
                ember.nn.functional.mse_loss(model(x), y).backward()
                opt.step()
        # deliberate accumulation over a handful of micro-batches
        opt = ember.optim.SGD(model.parameters(), lr=0.01)
        for step in range(1200):
            ember.nn.functional.mse_loss(model(x), y).backward()
            if step % 4 == 3:
                opt.step()
                opt.zero_grad()
        # an input that requires grad, whose .grad nobody resets (the course's input_data),
        # and deliberate accumulation without updates (e.g. summing gradients over a dataset)
        inp = ember.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        for _ in range(1200):
            opt.zero_grad()
            ember.nn.functional.mse_loss(model(inp), y[:2]).backward()
            opt.step()
        for _ in range(1200):
            ember.nn.functional.mse_loss(model(x), y).backward()
        # the course's manual update: w.grad.zero_() after each step
        w = ember.tensor([1.0], requires_grad=True)
        for _ in range(1200):
            (w * 2).sum().backward()
            with ember.no_grad():
                w -= 0.01 * w.grad
            w.grad.zero_()
    assert not _zero_grad_warnings(rec)


def test_missing_zero_grad_switch_off():
    ember.autograd.set_warn_missing_zero_grad(False)
    w = ember.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for _ in range(1200):
            (w * 3).sum().backward()
            with ember.no_grad():
                w -= 1e-6 * w.grad
    assert not _zero_grad_warnings(rec)


# -- the growing-graph warning --------------------------------------------------------------

def _growing_warnings(rec):
    return [w for w in rec if "grew on each of its last" in str(w.message)]


def test_growing_graph_warns_once():
    w = ember.tensor([1.0, 2.0], requires_grad=True)
    total = 0
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for i in range(160):
            loss = (w * 2).sum()
            total = total + loss                      # keeps every loss with its graph
            total.backward(retain_graph=True)         # <- walks all of them
            w.grad = None
            if i == 98:
                assert not _growing_warnings(rec)
    (msg,) = _growing_warnings(rec)
    assert msg.filename == HERE and msg.lineno == line_of("# <- walks all of them")
    text = str(msg.message)
    assert "total_loss += loss.item()" in text and "hidden.detach()" in text
    assert "set_warn_growing_graph(False)" in text


def test_growing_graph_rnn_hidden_state():
    ember.manual_seed(0)
    cell = ember.nn.RNNCell(2, 3)
    head = ember.nn.Linear(3, 1)
    h = ember.zeros(1, 3)
    x = ember.ones(1, 2)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for _ in range(110):
            h = cell(x, h)                            # never detached
            loss = ember.nn.functional.mse_loss(head(h), ember.zeros(1, 1))
            loss.backward(retain_graph=True)
            cell.zero_grad()
            head.zero_grad()
    assert len(_growing_warnings(rec)) == 1


def test_growing_graph_not_for_training_loops():
    ember.manual_seed(0)
    cell = ember.nn.RNNCell(2, 3)
    opt = ember.optim.SGD(cell.parameters(), lr=0.01)
    x = ember.ones(1, 2)
    h = ember.zeros(1, 3)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        total = 0.0
        for _ in range(300):
            opt.zero_grad()
            h = cell(x, h.detach())                   # truncated: a fresh graph each step
            loss = h.pow(2).sum()
            loss.backward()
            opt.step()
            total += loss.item()
        # two losses from one forward pass, every step (the second graph is larger and
        # shares the first one's nodes)
        lin = ember.nn.Linear(3, 3)
        for _ in range(150):
            hid = lin(ember.ones(2, 3)).tanh()
            hid.sum().backward(retain_graph=True)
            (lin(hid).pow(2).sum() + hid.sum()).backward()
        # graphs that grow but do not contain the previous one (longer and longer chains)
        w = ember.tensor([1.0], requires_grad=True)
        for n in range(1, 150):
            y = w
            for _ in range(n):
                y = y * 1.0
            y.sum().backward()
    assert not _growing_warnings(rec)


def test_growing_graph_switch_off():
    ember.autograd.set_warn_growing_graph(False)
    w = ember.tensor([1.0], requires_grad=True)
    total = 0
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        for _ in range(120):
            total = total + (w * 2).sum()
            total.backward(retain_graph=True)
    assert not _growing_warnings(rec)
