"""torch.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp against the installed torch."""
import numpy as np
import pytest
import torch
import torch.autograd.functional as TF

import ember
import ember.autograd.functional as EF
from _oracle import TOL, check_error

LIBS = ((torch, TF), (ember, EF))


def _same(t, e, tol, path="result", grad_fn=True):
    """Nested tuples of tensors: same structure, shapes, dtypes, values, grad_fn names."""
    if isinstance(t, tuple):
        assert isinstance(e, tuple) and len(t) == len(e), f"{path}: structure {type(e)}"
        for i, (a, b) in enumerate(zip(t, e)):
            _same(a, b, tol, f"{path}[{i}]", grad_fn)
        return
    assert isinstance(e, ember.Tensor), f"{path}: {type(e)}"
    assert tuple(t.shape) == tuple(e.shape), f"{path}: shape {tuple(e.shape)} != {tuple(t.shape)}"
    assert str(t.dtype) == repr(e.dtype), path
    assert t.requires_grad == e.requires_grad, f"{path}: requires_grad"
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), err_msg=path, **tol)
    if not grad_fn:
        return
    tn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    en = type(e.grad_fn).__name__ if e.grad_fn is not None else None
    assert tn == en, f"{path}: grad_fn {en} != torch {tn}"


def _leaves(res):
    out = []
    stack = [res]
    while stack:
        r = stack.pop()
        if isinstance(r, tuple):
            stack.extend(reversed(r))
        else:
            out.append(r)
    return out


def _run(call, arrays, dtype, further_backward=False, seed=1, grad_fn=True):
    """call(lib, F, *tensors) on torch and ember; compare results (and input grads after a
    backward through every differentiable result when further_backward).

    grad_fn=False skips the grad_fn names: the last node of a double-backward result is
    whatever op the inner backward formulas end in, which is not this module's doing.
    """
    tol = TOL[dtype]
    per_lib = []
    for lib, F in LIBS:
        xs = [lib.tensor(a.astype(dtype), requires_grad=True) for a in arrays]
        per_lib.append((xs, call(lib, F, *xs)))
    (tx, tres), (ex, eres) = per_lib
    _same(tres, eres, tol, grad_fn=grad_fn)
    if not further_backward:
        return
    rng = np.random.default_rng(seed)
    pairs = [(a, b) for a, b in zip(_leaves(tres), _leaves(eres)) if a.requires_grad]
    assert pairs, "nothing to differentiate further"
    ups = [rng.standard_normal(tuple(a.shape)).astype(dtype) for a, _ in pairs]
    torch.autograd.backward([a for a, _ in pairs], [torch.tensor(u) for u in ups])
    ember.autograd.backward([b for _, b in pairs], [ember.tensor(u) for u in ups])
    for i, (a, b) in enumerate(zip(tx, ex)):
        if a.grad is None:
            assert b.grad is None or not np.any(b.grad.numpy()), f"grad {i}: torch has none"
        else:
            np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), err_msg=f"grad {i}",
                                       **tol)


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 1.5, size=s) for s in shapes]


# functions of one input / two inputs, written once for both libraries
def f_tensor(lib, x):
    return (x.exp() * x.sin()).cumsum(0)


def f_scalar(lib, x):
    return (x.sin() * x ** 3).sum()


def f_pair(lib, x, y):
    return (x.exp() * y).sum(), x.sin() * y ** 2


def f_pair_scalar(lib, x, y):
    return (x.tanh().sum() * y.exp()).sum() + (y ** 3).sum() + (x ** 3).sum()


DTYPES = (np.float32, np.float64)
SINGLE = [((3,), f_tensor), ((2, 3), f_tensor), ((), f_tensor), ((2, 2), f_scalar),
          ((), f_scalar)]


# ----- jacobian -----

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("shape,fn", SINGLE)
def test_jacobian(shape, fn, vectorize, dtype):
    if shape == () and fn is f_tensor:
        fn = f_scalar
    _run(lambda lib, F, x: F.jacobian(lambda a: fn(lib, a), x, vectorize=vectorize),
         _inputs(shape), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_tuple_inputs_outputs(vectorize, dtype):
    _run(lambda lib, F, x, y: F.jacobian(lambda a, b: f_pair(lib, a, b), (x, y),
                                         vectorize=vectorize),
         _inputs((2, 3), (3,)), dtype)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_tuple_inputs_single_output(vectorize):
    _run(lambda lib, F, x, y: F.jacobian(lambda a, b: a * b.sum(), (x, y),
                                         vectorize=vectorize),
         _inputs((3,), (2,)), np.float64)


def test_jacobian_error_list_output():
    _err(lambda lib, F, x: F.jacobian(lambda a: [a.exp(), a.sum()], x), X3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_create_graph(vectorize, dtype):
    _run(lambda lib, F, x, y: F.jacobian(lambda a, b: f_pair(lib, a, b), (x, y),
                                         create_graph=True, vectorize=vectorize),
         _inputs((2, 3), (3,)), dtype, further_backward=True)


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_independent_input_gives_zeros(vectorize):
    _run(lambda lib, F, x, y: F.jacobian(lambda a, b: a.exp(), (x, y), vectorize=vectorize),
         _inputs((3,), (2,)), np.float64)


def test_jacobian_constant_output():
    # the output does not require grad at all: zeros, no error
    _run(lambda lib, F, x: F.jacobian(lambda a: lib.ones(2, dtype=a.dtype), x),
         _inputs((3,)), np.float64)


def test_jacobian_no_grad_mode():
    # the functional API turns grad mode on itself
    def call(lib, F, x):
        with lib.no_grad():
            return F.jacobian(lambda a: a.exp(), x)
    _run(call, _inputs((3,)), np.float64)


def test_jacobian_hand_computed():
    x = ember.tensor([1.0, 2.0, 3.0])
    jac = EF.jacobian(lambda a: a ** 2, x)
    np.testing.assert_allclose(jac.numpy(), np.diag([2.0, 4.0, 6.0]))


# ----- hessian -----

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("shape", [(3,), (2, 2), ()])
def test_hessian(shape, vectorize, dtype):
    _run(lambda lib, F, x: F.hessian(lambda a: f_scalar(lib, a), x, vectorize=vectorize),
         _inputs(shape), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_tuple_inputs(vectorize, dtype):
    _run(lambda lib, F, x, y: F.hessian(lambda a, b: f_pair_scalar(lib, a, b), (x, y),
                                        vectorize=vectorize),
         _inputs((2,), (3,)), dtype)


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_create_graph(vectorize):
    _run(lambda lib, F, x, y: F.hessian(lambda a, b: f_pair_scalar(lib, a, b), (x, y),
                                        create_graph=True, vectorize=vectorize),
         _inputs((2,), (3,)), np.float64, further_backward=True)


def test_hessian_one_element_output():
    # an output of shape (1, 1) is accepted and squeezed
    _run(lambda lib, F, x: F.hessian(lambda a: (a ** 3).sum().reshape(1, 1), x),
         _inputs((3,)), np.float64)


def test_hessian_hand_computed():
    x = ember.tensor([1.0, 2.0])
    h = EF.hessian(lambda a: (a ** 3).sum(), x)
    np.testing.assert_allclose(h.numpy(), np.diag([6.0, 12.0]))


# ----- vjp / jvp / vhp / hvp -----

def _v_for(lib, x, seed):
    rng = np.random.default_rng(seed)
    return lib.tensor(rng.standard_normal(tuple(x.shape)).astype(x.detach().numpy().dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", ["vjp", "jvp"])
@pytest.mark.parametrize("shape", [(3,), (2, 3), ()])
def test_vjp_jvp(name, shape, create_graph, dtype):
    def call(lib, F, x):
        fn = lambda a: f_tensor(lib, a) if a.dim() else f_scalar(lib, a)  # noqa: E731
        ref = fn(x) if name == "vjp" else x
        return getattr(F, name)(fn, x, _v_for(lib, ref.detach(), 3), create_graph=create_graph)
    _run(call, _inputs(shape), dtype, further_backward=create_graph,
         grad_fn=name == "vjp")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", ["vjp", "jvp"])
def test_vjp_jvp_tuple(name, create_graph, dtype):
    def call(lib, F, x, y):
        fn = lambda a, b: f_pair(lib, a, b)  # noqa: E731
        refs = fn(x, y) if name == "vjp" else (x, y)
        v = tuple(_v_for(lib, r.detach(), 4 + i) for i, r in enumerate(refs))
        return getattr(F, name)(fn, (x, y), v, create_graph=create_graph)
    _run(call, _inputs((2, 3), (3,)), dtype, further_backward=create_graph,
         grad_fn=name == "vjp")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", ["vhp", "hvp"])
@pytest.mark.parametrize("shape", [(3,), (2, 2), ()])
def test_vhp_hvp(name, shape, create_graph, dtype):
    def call(lib, F, x):
        return getattr(F, name)(lambda a: f_scalar(lib, a), x, _v_for(lib, x.detach(), 5),
                                create_graph=create_graph)
    _run(call, _inputs(shape), dtype, further_backward=create_graph)


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", ["vhp", "hvp"])
def test_vhp_hvp_tuple(name, create_graph):
    def call(lib, F, x, y):
        v = (_v_for(lib, x.detach(), 6), _v_for(lib, y.detach(), 7))
        return getattr(F, name)(lambda a, b: f_pair_scalar(lib, a, b), (x, y), v,
                                create_graph=create_graph)
    _run(call, _inputs((2,), (3,)), np.float64, further_backward=create_graph)


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp"])
def test_v_none_single_element(name):
    _run(lambda lib, F, x: getattr(F, name)(lambda a: (a.sin() * a ** 2).sum(), x),
         _inputs((1,)), np.float64)


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp"])
def test_independent_input_gives_zeros(name):
    def call(lib, F, x, y):
        v = (_v_for(lib, y.detach(), 1).sum().reshape(()) if name == "vjp"
             else (_v_for(lib, x.detach(), 1), _v_for(lib, y.detach(), 2)))
        return getattr(F, name)(lambda a, b: (a ** 3).sum(), (x, y), v)
    _run(call, _inputs((3,), (2,)), np.float64)


def test_hvp_equals_vhp_for_symmetric_hessian():
    x = ember.tensor(_inputs((4,))[0])
    v = ember.tensor(np.arange(4.0))
    _, a = EF.hvp(lambda t: (t.exp() * t.sin()).sum(), x, v)
    _, b = EF.vhp(lambda t: (t.exp() * t.sin()).sum(), x, v)
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


# ----- errors -----

def _err(call, *arrays):
    """Same exception type and text from call(lib, F, *tensors) on torch and ember."""
    def fn(lib, *xs):
        return call(lib, TF if lib is torch else EF, *xs)
    check_error(fn, *arrays)


X3 = np.array([0.5, 1.0, 1.5])
X2 = np.array([0.5, 1.5])


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp", "jacobian", "hessian"])
def test_error_inputs_type(name):
    _err(lambda lib, F, x: getattr(F, name)(lambda a: a.sum(), [x]), X3)
    _err(lambda lib, F, x: getattr(F, name)(lambda a, b: a.sum(), (x, 2.0)), X3)


@pytest.mark.parametrize("name", ["vjp", "jvp", "jacobian"])
def test_error_outputs_type(name):
    _err(lambda lib, F, x: getattr(F, name)(lambda a: 3.0, x, *((x,) if name == "jvp" else ())),
         X3)


@pytest.mark.parametrize("name", ["vjp", "jvp", "vhp", "hvp"])
def test_error_v_none(name):
    _err(lambda lib, F, x: getattr(F, name)(lambda a: a.exp(), x), X3)


@pytest.mark.parametrize("name", ["jvp", "vhp", "hvp"])
def test_error_v_size(name):
    _err(lambda lib, F, x: getattr(F, name)(lambda a: (a ** 3).sum(), x, lib.ones(2,
                                            dtype=x.dtype)), X3)
    _err(lambda lib, F, x, y: getattr(F, name)(lambda a, b: (a * b).sum(), (x, y),
                                               (x.detach(), lib.ones(2, dtype=x.dtype))), X3, X3)
    _err(lambda lib, F, x, y: getattr(F, name)(lambda a, b: (a * b).sum(), (x, y),
                                               (x.detach(),)), X3, X3)
    _err(lambda lib, F, x: getattr(F, name)(lambda a: (a ** 3).sum(), x,
                                            (x.detach(), x.detach())), X3)


def test_error_vjp_v_size():
    _err(lambda lib, F, x: F.vjp(lambda a: a.exp(), x, lib.ones(2, dtype=x.dtype)), X3)
    _err(lambda lib, F, x: F.vjp(lambda a: (a.exp(), a.sum()), x, (x.detach(),)), X3)


@pytest.mark.parametrize("name", ["vhp", "hvp", "hessian"])
def test_error_not_single_output(name):
    args = () if name == "hessian" else (lambda lib, x: (x.detach(),))
    def call(lib, F, x, fn):
        return getattr(F, name)(fn, x, *(args(lib, x) if args else ()))
    _err(lambda lib, F, x: call(lib, F, x, lambda a: a.exp()), X3)
    _err(lambda lib, F, x: call(lib, F, x, lambda a: (a.sum(), a.sum())), X3)


def test_error_strategy():
    _err(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strategy="fwd"), X3)
    _err(lambda lib, F, x: F.hessian(lambda a: a.sum(), x, outer_jacobian_strategy="fwd"), X3)
    _err(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strategy="forward-mode",
                                      create_graph=True), X3)
    _err(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strategy="forward-mode",
                                      strict=True), X3)
    _err(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strategy="forward-mode"), X3)
    _err(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strict=True, vectorize=True), X3)


def test_forward_mode_not_implemented():
    x = ember.tensor(X3)
    with pytest.raises(NotImplementedError, match="forward-mode AD"):
        EF.jacobian(lambda a: a.exp(), x, strategy="forward-mode", vectorize=True)
    with pytest.raises(NotImplementedError, match="forward-mode AD"):
        EF.hessian(lambda a: (a ** 3).sum(), x, vectorize=True,
                   outer_jacobian_strategy="forward-mode")


# strict mode: every message torch raises for a function that ignores (part of) its inputs

def test_error_strict_output_independent():
    _err(lambda lib, F, x: F.jacobian(lambda a: lib.ones(3, dtype=a.dtype), x, strict=True), X3)
    _err(lambda lib, F, x: F.vjp(lambda a: lib.ones(3, dtype=a.dtype), x, x.detach(),
                                 strict=True), X3)
    _err(lambda lib, F, x: F.hessian(lambda a: lib.ones((), dtype=a.dtype), x, strict=True), X3)


def test_error_strict_input_unused():
    _err(lambda lib, F, x, y: F.jacobian(lambda a, b: a.exp(), (x, y), strict=True), X3, X2)
    _err(lambda lib, F, x, y: F.vjp(lambda a, b: a.exp(), (x, y), x.detach(), strict=True),
         X3, X2)
    _err(lambda lib, F, x, y: F.jvp(lambda a, b: a.exp(), (x, y), (x.detach(), y.detach()),
                                    strict=True), X3, X2)
    _err(lambda lib, F, x, y: F.vhp(lambda a, b: (a ** 3).sum(), (x, y),
                                    (x.detach(), y.detach()), strict=True), X3, X2)
    _err(lambda lib, F, x, y: F.hvp(lambda a, b: (a ** 3).sum(), (x, y),
                                    (x.detach(), y.detach()), strict=True), X3, X2)
    _err(lambda lib, F, x, y: F.hessian(lambda a, b: (a ** 3).sum(), (x, y), strict=True),
         X3, X2)


def test_error_strict_linear():
    # the jacobian of a linear function does not depend on the input
    _err(lambda lib, F, x: F.hessian(lambda a: (2 * a).sum(), x, strict=True), X3)
    _err(lambda lib, F, x: F.vhp(lambda a: (2 * a).sum(), x, x.detach(), strict=True), X3)
    _err(lambda lib, F, x: F.hvp(lambda a: (2 * a).sum(), x, x.detach(), strict=True), X3)
    _err(lambda lib, F, x: F.jacobian(lambda a: 2 * a, x, strict=True, create_graph=True), X3)
    _err(lambda lib, F, x: F.vjp(lambda a: 2 * a, x, x.detach(), strict=True,
                                 create_graph=True), X3)


def test_strict_ok_matches():
    _run(lambda lib, F, x: F.jacobian(lambda a: a.exp(), x, strict=True), [X3], np.float64)
    _run(lambda lib, F, x: F.hessian(lambda a: (a ** 3).sum(), x, strict=True), [X3],
         np.float64)
    _run(lambda lib, F, x: F.hvp(lambda a: (a ** 3).sum(), x, x.detach() + 1, strict=True),
         [X3], np.float64)
