"""The engine, grad mode, hooks, in-place safety and custom Functions, each against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember

LIBS = pytest.mark.parametrize("lib", [torch, ember], ids=["torch", "ember"])


def both(scenario):
    """Run scenario(lib) on torch and ember; return both results as NumPy-friendly values."""
    return scenario(torch), scenario(ember)


def np_of(x):
    if x is None:
        return None
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


def same_error(scenario):
    t = raised(lambda: scenario(torch))
    e = raised(lambda: scenario(ember))
    assert t is not None, "torch raised nothing"
    assert e == t


# -- the course's first cells ---------------------------------------------------------------

def test_sum_backward_grad_is_ones():
    t = ember.tensor([1.0, 5.0, 10.0], requires_grad=True)
    t.sum().backward()
    assert repr(t.grad) == "tensor([1., 1., 1.])"


def test_numpy_refused_when_requires_grad():
    same_error(lambda lib: lib.tensor([1.0, 5.0, 10.0], requires_grad=True).numpy())


def test_detach_numpy_shares_memory():
    t = ember.tensor([1.0, 5.0, 10.0], requires_grad=True)
    a = t.detach().numpy()
    assert repr(a) == "array([ 1.,  5., 10.], dtype=float32)"
    a[0] = 7
    assert t[0].item() == 7.0 if hasattr(t, "__getitem__") else True
    assert t.detach().numpy()[0] == 7


# -- accumulation, retain_graph, errors ----------------------------------------------------

def test_grad_accumulates_across_backward_calls():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).sum().backward()
        (x * 3).sum().backward()
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t))


def test_diamond_graph_sums_both_paths():
    def run(lib):
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        a = x.exp()
        b = a * x
        c = (a + b) * a
        c.sum().backward()
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t), rtol=1e-6)


def test_second_backward_raises():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()
    same_error(run)


def test_retain_graph_allows_second_backward():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t))


def test_second_backward_without_saved_values_works():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t))


def test_backward_non_scalar_needs_gradient():
    same_error(lambda lib: (lib.tensor([1.0, 2.0], requires_grad=True) * 2).backward())


def test_backward_gradient_shape_mismatch():
    same_error(lambda lib: (lib.tensor([1.0, 2.0, 3.0], requires_grad=True) * 2)
               .backward(lib.ones(2)))


def test_backward_on_tensor_without_grad():
    same_error(lambda lib: lib.tensor([1.0]).sum().backward())


def test_backward_with_gradient_argument():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * x).backward(lib.tensor([0.1, 1.0, 10.0]))
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t))


def test_backward_inputs_restricts_accumulation():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0], requires_grad=True)
        (x * w).sum().backward(inputs=[w])
        return x.grad, w.grad
    (tx, tw), (ex, ew) = both(run)
    assert tx is None and ex is None
    np.testing.assert_allclose(np_of(ew), np_of(tw))


def test_requires_grad_only_for_floats():
    same_error(lambda lib: lib.tensor([1, 2]).requires_grad_())
    same_error(lambda lib: lib.tensor([1, 2], requires_grad=True))


def test_requires_grad_of_non_leaf_cannot_be_cleared():
    def run(lib):
        y = lib.tensor([1.0], requires_grad=True) * 2
        y.requires_grad = False
    same_error(run)


def test_is_leaf_and_grad_fn():
    x = ember.tensor([1.0], requires_grad=True)
    y = x * 2
    assert x.is_leaf and not y.is_leaf and x.grad_fn is None
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert ember.tensor([1.0]).is_leaf


def test_next_functions_scalar_operand_is_none():
    for lib in (torch, ember):
        x = lib.tensor([1.0], requires_grad=True)
        nf = (x + 1).grad_fn.next_functions
        assert len(nf) == 2 and nf[1] == (None, 0)
        assert type(nf[0][0]).__name__ == "AccumulateGrad"
        assert nf[0][0].variable is x


def test_accumulate_grad_node_is_shared_by_uses_of_a_leaf():
    x = ember.tensor([1.0], requires_grad=True)
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]


def test_non_leaf_grad_access_warns_and_retain_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.warns(UserWarning, match="not a leaf Tensor"):
        assert y.grad is None
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [4.0, 8.0])
    assert y.retains_grad


# -- hooks ------------------------------------------------------------------------------

def test_tensor_hooks_modify_gradients():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(np_of(g).copy()))
        y = x * 3
        y.register_hook(lambda g: g * 10)
        (y * y).sum().backward()
        return x.grad, seen
    (tg, ts), (eg, es) = both(run)
    np.testing.assert_allclose(np_of(eg), np_of(tg))
    np.testing.assert_allclose(es[0], ts[0])


def test_hook_handle_remove():
    x = ember.tensor([1.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    (x * 2).sum().backward()
    assert x.grad.item() == 2.0


def test_hook_on_tensor_without_grad_raises():
    same_error(lambda lib: lib.tensor([1.0]).register_hook(lambda g: g))


# -- autograd.grad -----------------------------------------------------------------------

def test_autograd_grad_does_not_touch_dot_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    (g,) = ember.autograd.grad((x * x).sum(), x)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0])
    assert x.grad is None


def test_autograd_grad_unused_input():
    def run(lib):
        x = lib.tensor([1.0], requires_grad=True)
        z = lib.tensor([1.0], requires_grad=True)
        lib.autograd.grad((x * 2).sum(), [x, z])
    same_error(run)
    x = ember.tensor([1.0], requires_grad=True)
    z = ember.tensor([1.0], requires_grad=True)
    gx, gz = ember.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.item() == 2.0


def test_autograd_grad_of_non_leaf():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        return lib.autograd.grad((y * 3).sum(), y)[0]
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t))


def test_create_graph_second_derivative():
    def run(lib):
        x = lib.tensor([0.3, -1.2, 2.0], dtype=lib.float64, requires_grad=True)
        y = (x.exp() * x * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return g, h
    (tg, th), (eg, eh) = both(run)
    np.testing.assert_allclose(np_of(eg), np_of(tg))
    np.testing.assert_allclose(np_of(eh), np_of(th))


def test_backward_create_graph_then_backward_of_grad():
    def run(lib):
        x = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
        with pytest.warns(UserWarning, match="create a reference cycle"):
            (x * x * x).sum().backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return g, x.grad
    (tg, th), (eg, eh) = both(run)
    np.testing.assert_allclose(np_of(eg), np_of(tg))
    np.testing.assert_allclose(np_of(eh), np_of(th))


# -- grad mode -------------------------------------------------------------------------------

@LIBS
def test_no_grad_context_and_decorator(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.no_grad():
        assert not lib.is_grad_enabled()
        y = x * 2
        with lib.enable_grad():
            z = x * 2
    assert lib.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad
    assert z.requires_grad

    @lib.no_grad()
    def f(a):
        return a * 2
    assert not f(x).requires_grad
    assert lib.is_grad_enabled()


@LIBS
def test_set_grad_enabled_as_function_and_context(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert lib.is_grad_enabled()
    lib.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        lib.set_grad_enabled(True)


@LIBS
def test_inference_mode(lib):
    x = lib.tensor([1.0], requires_grad=True)
    with lib.inference_mode():
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad

    @lib.inference_mode()
    def f(a):
        return a * 2
    assert not f(x).requires_grad


def test_no_grad_restores_after_exception():
    with pytest.raises(ValueError):
        with ember.no_grad():
            raise ValueError
    assert ember.is_grad_enabled()


# -- in-place safety ---------------------------------------------------------------------------

def test_version_counter_bumps():
    for lib in (torch, ember):
        y = lib.tensor([1.0, 2.0]) * 1
        assert y._version == 0
        y.add_(1)
        y.mul_(2)
        assert y._version == 2


def test_inplace_on_leaf_requiring_grad_raises():
    same_error(lambda lib: lib.tensor([1.0], requires_grad=True).add_(1))


def test_inplace_on_leaf_under_no_grad_is_allowed():
    x = ember.tensor([1.0], requires_grad=True)
    with ember.no_grad():
        x.add_(1)
    assert x.item() == 2.0 and x.requires_grad and x.grad_fn is None


def test_modified_saved_input_raises():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        a = x * 2
        b = a * a
        a.add_(1)
        b.sum().backward()
    same_error(run)


def test_modified_saved_output_raises():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x.exp()
        y.mul_(2)
        y.sum().backward()
    same_error(run)


def test_modified_saved_constant_raises():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        c = lib.ones(3)
        z = x * c
        c.add_(1)
        z.sum().backward()
    same_error(run)


def test_modification_not_saved_is_fine():
    def run(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        z = y.exp()            # saves its output, not y
        y.add_(1)
        z.sum().backward()
        return x.grad
    t, e = both(run)
    np.testing.assert_allclose(np_of(e), np_of(t), rtol=1e-6)


def test_inplace_on_non_leaf_records_graph():
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, 0.5, 2.0], requires_grad=True)
        y = x * 1
        y.mul_(w)
        y.add_(x, alpha=2)
        (y * y).sum().backward()
        return type(y.grad_fn).__name__, x.grad, w.grad
    (tn, tx, tw), (en, ex, ew) = both(run)
    assert en == tn
    np.testing.assert_allclose(np_of(ex), np_of(tx))
    np.testing.assert_allclose(np_of(ew), np_of(tw))


def test_inplace_dtype_error():
    same_error(lambda lib: lib.ones(3, dtype=lib.int64).add_(1.5))


# -- the engine at scale ---------------------------------------------------------------------

def test_long_chain_does_not_recurse():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_saved_values_freed_after_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    node = y.grad_fn
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        node.unpack()


# -- custom Function ---------------------------------------------------------------------------

def _mul_const(lib):
    class MulConst(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.save_for_backward(x, y)
            ctx.k = k
            return x * k * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * ctx.k * y, None, g * ctx.k * x
    return MulConst


def test_function_forward_backward_and_name():
    def run(lib):
        F = _mul_const(lib)
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        y = lib.tensor([0.5, -1.0], requires_grad=True)
        z = F.apply(x, 3.0, y)
        (z * z).sum().backward()
        return type(z.grad_fn).__name__, len(z.grad_fn.next_functions), z, x.grad, y.grad
    t, e = both(run)
    assert e[0] == t[0] == "MulConstBackward"
    assert e[1] == t[1]
    for a, b in zip(t[2:], e[2:]):
        np.testing.assert_allclose(np_of(b), np_of(a))


def test_function_needs_input_grad():
    for lib in (torch, ember):
        seen = []

        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, y):
                seen.append(ctx.needs_input_grad)
                return x * y

            @staticmethod
            def backward(ctx, g):
                return g, None, None
        F.apply(lib.ones(2, requires_grad=True), 1.0, lib.ones(2))
        assert seen == [(True, False, False)]


def test_function_wrong_number_of_grads():
    def run(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, g
        Bad.apply(lib.ones(2, requires_grad=True)).sum().backward()
    same_error(run)


def test_function_invalid_grad_shape():
    def run(lib):
        class Bad2(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.sum(0)
        Bad2.apply(lib.ones(2, 3, requires_grad=True)).sum().backward()
    same_error(run)


def test_function_saved_tensors_freed():
    def run(lib):
        F = _mul_const(lib)
        z = F.apply(lib.ones(2, requires_grad=True), 3.0, lib.ones(2))
        z.sum().backward()
        z.grad_fn.saved_tensors
    same_error(run)


def test_function_double_backward():
    def run(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x * x

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * 3 * x * x
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return g, h
    (tg, th), (eg, eh) = both(run)
    np.testing.assert_allclose(np_of(eg), np_of(tg))
    np.testing.assert_allclose(np_of(eh), np_of(th))


# -- gradcheck ---------------------------------------------------------------------------------

def test_gradcheck_passes_and_fails_like_torch():
    a = np.array([0.3, 0.7, 0.1])
    assert ember.autograd.gradcheck(lambda x: (x * x.exp()).sum(),
                                    (ember.tensor(a, requires_grad=True),))

    def run(lib):
        class Wrong(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3
        lib.autograd.gradcheck(Wrong.apply, (lib.tensor(a, requires_grad=True),))
    same_error(run)


def test_gradgradcheck():
    x = ember.tensor([0.3, -0.2], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda v: v * v * v.exp(), (x,))


def test_inplace_write_to_an_input_no_formula_needs():
    """mul and div save an input only when the other input needs a gradient (torch's rule),
    so writing it in place afterwards leaves backward working; writing a saved one fails."""
    import torch as _torch
    out = []
    for lib in (_torch, ember):
        w = lib.ones(3, requires_grad=True)
        x = w * 1
        y = x * 2
        z = x * lib.ones(3)
        q = x / lib.full((3,), 2.0)
        x.add_(1)
        (y.sum() + z.sum() + q.sum()).backward()
        out.append(w.grad.tolist())
    assert out[0] == out[1]

    def saved_one_written(lib):
        w = lib.ones(3, requires_grad=True)
        c = lib.ones(3)
        z = c * (w * 1)        # w's gradient needs c: c is saved
        c.add_(1)
        z.sum().backward()
    from _oracle import check_error
    check_error(saved_one_written)


def test_complex_autograd_is_refused_not_wrong():
    """ember's formulas are written for real inputs; a gradient reaching a complex leaf
    raises instead of silently missing torch's conjugate convention."""
    a = ember.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    assert repr(a) == "tensor([1.+2.j, 3.-1.j], requires_grad=True)"
    with pytest.raises(NotImplementedError, match="complex tensors"):
        (a * a).abs().sum().backward()
