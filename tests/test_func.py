"""ember.func (torch.func) against the installed torch: values, shapes, dtypes, pytree
structure and error texts."""
import numpy as np
import pytest
import torch
import torch.func  # noqa: F401
import torch.utils._pytree as tpytree

import ember
import ember.func as efunc

from _oracle import check_error

pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning:torch.fx.experimental.const_fold"),
              pytest.mark.filterwarnings("ignore::DeprecationWarning:torch.jit._script")]


def _same(e_out, t_out, tol):
    fe, se = efunc.tree_flatten(e_out)
    ft, st = tpytree.tree_flatten(t_out)
    assert repr(se) == repr(st), f"structure {se} != torch {st}"
    for a, b in zip(fe, ft):
        if isinstance(b, torch.Tensor):
            assert isinstance(a, ember.Tensor), type(a)
            assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
            assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(),
                                       rtol=tol, atol=tol)
        else:
            assert a == b


def _run(case, dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrs = [rng.uniform(-1.5, 1.5, s).astype(dtype) for s in case["shapes"]]
    t = case["fn"](torch, *[torch.tensor(a) for a in arrs])
    e = case["fn"](ember, *[ember.tensor(a) for a in arrs])
    _same(e, t, 1e-4 if dtype == np.float32 else 1e-10)


def _f(lib, x, y):
    return (x.sin() * y).sum()


def _vjp_case(lib, x, y):
    out, fn = lib.func.vjp(lambda a, b: (a * b, {"e": a.exp()}), x, y)
    return out, fn((x.cos(), {"e": x * 2}))


def _vjp_aux(lib, x):
    out, fn, aux = lib.func.vjp(lambda a: (a.tanh(), [a * 3, a.sum()]), x, has_aux=True)
    return out, fn(x), aux


def _linearize(lib, x):
    out, fn = lib.func.linearize(lambda a: (a.sin() * 2, a.exp().sum()), x)
    return out, fn(x.cos()), fn(x)


def _psg(lib, w, b, x):
    """The per-sample-gradient tutorial pattern."""
    model = lib.nn.Linear(3, 2)
    params = {"weight": w, "bias": b}

    def loss_fn(p, xb, yb):
        out = lib.func.functional_call(model, p, (xb.unsqueeze(0),))
        return ((out - yb) ** 2).mean()
    y = x[:, :2].cos()
    return lib.func.vmap(lib.func.grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)


def _ensemble(lib, w, x):
    models = [lib.nn.Linear(3, 2, dtype=w.dtype) for _ in range(4)]
    with lib.no_grad():
        for i, m in enumerate(models):
            m.weight.copy_(w[i])
            m.bias.fill_(0.1 * i)
    params, buffers = lib.func.stack_module_state(models)

    def call(p, b, data):
        return lib.func.functional_call(models[0], (p, b), (data,))
    out = lib.func.vmap(call, in_dims=(0, 0, None))(params, buffers, x)
    return out, params, buffers, params["weight"].requires_grad


CASES = {
    "grad": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.grad(
        lambda a, b: _f(lib, a, b))(x, y)),
    "grad_argnums_tuple": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.grad(
        lambda a, b: _f(lib, a, b), argnums=(0, 1))(x, y)),
    "grad_argnum_neg": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.grad(
        lambda a, b: _f(lib, a, b), argnums=-1)(x, y)),
    "grad_0d": dict(shapes=[()], fn=lambda lib, x: lib.func.grad(lambda a: a.exp() * a)(x)),
    "grad_pytree_arg": dict(shapes=[(2, 3), (3,)], fn=lambda lib, x, y: lib.func.grad(
        lambda d: (d["w"].sin() * d["b"][0][0]).sum())({"w": x, "b": [(y.sum(),)]})),
    "grad_kwargs": dict(shapes=[(3,), (3,)], fn=lambda lib, x, y: lib.func.grad(
        lambda a, *, k: (a * k).sum())(x, k=y)),
    "grad_has_aux": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.grad(
        lambda a: ((a ** 2).sum(), {"s": a.sin(), "t": (a.cos(),)}), has_aux=True)(x)),
    "grad_unused_input": dict(shapes=[(3,), (2,)], fn=lambda lib, x, y: lib.func.grad(
        lambda a, b: (a * 2).sum(), argnums=(0, 1))(x, y)),
    "grad_constant_output": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.grad(
        lambda a: lib.tensor(1.0, dtype=a.dtype))(x)),
    "grad_int_output": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.grad(
        lambda a: a.sum().long())(x)),
    "vmap_kwargs": dict(shapes=[(3, 2), (2,)], fn=lambda lib, x, y: lib.func.vmap(
        lambda a, *, k: a * k)(x, k=y)),
    "grad_and_value": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.grad_and_value(
        lambda a, b: _f(lib, a, b), argnums=1)(x, y)),
    "grad_and_value_aux": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.grad_and_value(
        lambda a: (a.exp().sum(), a * 2), has_aux=True)(x)),
    "grad_grad": dict(shapes=[()], fn=lambda lib, x: lib.func.grad(lib.func.grad(
        lambda a: a.sin() * a ** 2))(x)),
    "grad_grad_grad": dict(shapes=[()], fn=lambda lib, x: lib.func.grad(lib.func.grad(
        lib.func.grad(lambda a: a.exp() * a.sin())))(x)),
    "grad_of_closure": dict(shapes=[(), ()], fn=lambda lib, x, y: lib.func.grad(
        lambda a: lib.func.grad(lambda b: (a * b).sin())(y) * a)(x)),
    "vjp": dict(shapes=[(3, 4), (4,)], fn=_vjp_case),
    "vjp_aux": dict(shapes=[(2, 3)], fn=_vjp_aux),
    "jvp": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.jvp(
        lambda a, b: ((a * b).tanh(), b.exp()), (x, y), (x.cos(), y * 2))),
    "jvp_aux": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.jvp(
        lambda a: (a.sin(), {"aux": a * 2}), (x,), (x.exp(),), has_aux=True)),
    "jvp_constant_output": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.jvp(
        lambda a: lib.ones(2, dtype=a.dtype), (x,), (x,))),
    "linearize": dict(shapes=[(2, 3)], fn=_linearize),
    "jacrev": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.jacrev(
        lambda a, b: (a * b).tanh(), argnums=(0, 1))(x, y)),
    "jacrev_multi_out": dict(shapes=[(2, 3)], fn=lambda lib, x: lib.func.jacrev(
        lambda a: {"s": a.sin().sum(0), "p": (a.exp(), a[0, 0] * 3)})(x)),
    "jacrev_aux_chunk": dict(shapes=[(4,)], fn=lambda lib, x: lib.func.jacrev(
        lambda a: (a.sin() * a, a.cos()), has_aux=True, chunk_size=2)(x)),
    "jacrev_0d": dict(shapes=[()], fn=lambda lib, x: lib.func.jacrev(lambda a: a.exp() * 2)(x)),
    "jacfwd": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.jacfwd(
        lambda a, b: {"t": (a * b).tanh(), "e": b.exp()}, argnums=(0, 1))(x, y)),
    "jacfwd_aux": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.jacfwd(
        lambda a: (a.sin().cumsum(0), a.sum()), has_aux=True)(x)),
    "jacfwd_jacrev": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.jacfwd(lib.func.jacrev(
        lambda a: (a.sin() * a.cos().sum()).sum()))(x)),
    "jacrev_jacrev": dict(shapes=[(3,)], fn=lambda lib, x: lib.func.jacrev(lib.func.jacrev(
        lambda a: a.sin() * a.prod()))(x)),
    "hessian": dict(shapes=[(2, 2)], fn=lambda lib, x: lib.func.hessian(
        lambda a: (a.sin() * a.exp()).sum())(x)),
    "hessian_argnums": dict(shapes=[(3,), (2,)], fn=lambda lib, x, y: lib.func.hessian(
        lambda a, b: (a.sin().sum() * b.exp()).sum(), argnums=(0, 1))(x, y)),
    "vmap": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.vmap(
        lambda a, b: a * b)(x, y.unsqueeze(0).expand(3, 4))),
    "vmap_in_dims": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.vmap(
        lambda a, b: (a * b.sum()).sin(), in_dims=(1, None))(x, y)),
    "vmap_neg_dims": dict(shapes=[(3, 4), (4, 2)], fn=lambda lib, x, y: lib.func.vmap(
        lambda a, b: a @ b, in_dims=(-2, None), out_dims=-1)(x, y)),
    "vmap_nested_in_dims": dict(shapes=[(3, 4), (4, 3)], fn=lambda lib, x, y: lib.func.vmap(
        lambda d, c: d["a"] + d["b"] * c, in_dims=({"a": 0, "b": 1}, None))(
            {"a": x, "b": y}, 2.0)),
    "vmap_out_dims_tuple": dict(shapes=[(3, 4)], fn=lambda lib, x: lib.func.vmap(
        lambda a: (a.sin(), [a.sum(), a * 2]), out_dims=(1, 0))(x)),
    "vmap_out_none": dict(shapes=[(3, 4), (2,)], fn=lambda lib, x, y: lib.func.vmap(
        lambda a, b: (a.exp(), b), in_dims=(0, None), out_dims=(0, None))(x, y)),
    "vmap_0d_out": dict(shapes=[(5,)], fn=lambda lib, x: lib.func.vmap(lambda a: a * 2)(x)),
    "vmap_chunk": dict(shapes=[(5, 2)], fn=lambda lib, x: lib.func.vmap(
        lambda a: a.sum(), chunk_size=2)(x)),
    "vmap_vmap": dict(shapes=[(2, 3, 4), (4,)], fn=lambda lib, x, y: lib.func.vmap(
        lib.func.vmap(lambda a, b: (a * b).sum(), in_dims=(0, None)), in_dims=(1, None))(x, y)),
    "vmap_grad": dict(shapes=[(3, 4), (4,)], fn=lambda lib, x, y: lib.func.vmap(
        lib.func.grad(lambda a, b: (a.sin() * b).sum()), in_dims=(0, None))(x, y)),
    "grad_vmap": dict(shapes=[(3, 4)], fn=lambda lib, x: lib.func.grad(
        lambda a: lib.func.vmap(lambda r: (r * r.sin()).sum())(a).sum())(x)),
    "vmap_jacrev": dict(shapes=[(2, 3)], fn=lambda lib, x: lib.func.vmap(
        lib.func.jacrev(lambda a: a.sin() * a.sum()))(x)),
    "vmap_alias": dict(shapes=[(3, 2)], fn=lambda lib, x: lib.vmap(lambda a: a.cos())(x)),
    "per_sample_grad": dict(shapes=[(2, 3), (2,), (5, 3)], fn=_psg),
    "ensemble": dict(shapes=[(4, 2, 3), (5, 3)], fn=_ensemble),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_func(name, dtype):
    _run(CASES[name], dtype)


def test_grad_composes_with_autograd():
    for lib in (torch, ember):
        x = lib.tensor([0.3, -0.7, 1.1], dtype=lib.float64, requires_grad=True)
        g = lib.func.grad(lambda a: (a.sin() * a).sum())(x)
        assert g.requires_grad
        g.sum().backward()
        if lib is torch:
            t_grad = x.grad.numpy()
        else:
            np.testing.assert_allclose(x.grad.numpy(), t_grad, rtol=1e-12)
    # an outermost transform on inputs that need no grad returns plain tensors
    x = ember.tensor([0.3, 0.5])
    assert ember.func.grad(lambda a: (a * a).sum())(x).grad_fn is None
    out, fn = ember.func.vjp(lambda a: a.exp(), x)
    assert out.grad_fn is None and fn(x)[0].grad_fn is None


def test_vjp_fn_reusable():
    x = ember.tensor([0.3, 0.5])
    _, fn = ember.func.vjp(lambda a: a.exp(), x)
    np.testing.assert_allclose(fn(ember.ones(2))[0].numpy(), fn(ember.ones(2))[0].numpy())


# -- randomness ---------------------------------------------------------------------------------

def test_vmap_randomness_error():
    check_error(lambda lib, x: lib.func.vmap(lambda a: a + lib.rand(3))(x), np.ones((2, 3)))
    check_error(lambda lib, x: lib.func.vmap(
        lambda a: lib.nn.functional.dropout(a, 0.5))(x), np.ones((2, 3)))
    check_error(lambda lib, x: lib.func.vmap(lib.func.vmap(
        lambda a: a + lib.randn(()), randomness="different"))(x), np.ones((2, 3)))
    # the guard is gone once vmap returns, also after an error
    ember.rand(2)


def test_vmap_randomness_same_and_different():
    x = ember.zeros(4, 3)
    ember.manual_seed(0)
    same = ember.func.vmap(lambda a: a + ember.rand(3), randomness="same")(x)
    after_same = ember.rand(2)
    ember.manual_seed(0)
    one = ember.rand(3)
    assert all(ember.equal(same[i], one) for i in range(4))
    np.testing.assert_array_equal(after_same.numpy(), ember.rand(2).numpy())
    ember.manual_seed(0)
    diff = ember.func.vmap(lambda a: a + ember.rand(3), randomness="different")(x)
    ember.manual_seed(0)
    np.testing.assert_array_equal(diff.numpy(), ember.rand(4, 3).numpy())
    # torch agrees that 'same' repeats one draw and 'different' does not
    torch.manual_seed(0)
    t_same = torch.func.vmap(lambda a: a + torch.rand(3), randomness="same")(torch.zeros(4, 3))
    assert all(torch.equal(t_same[i], t_same[0]) for i in range(4))


# -- errors -------------------------------------------------------------------------------------

X = np.ones((2, 3), np.float32)
ERRORS = {
    "vmap_randomness_arg": lambda lib, x: lib.func.vmap(lambda a: a, randomness="bad")(x),
    "vmap_in_dims_structure": lambda lib, x: lib.func.vmap(lambda a: a, in_dims=(0, 0))(x),
    "vmap_in_dims_list": lambda lib, x: lib.func.vmap(lambda a, b: a, in_dims=[0, 0])(x, x),
    "vmap_in_dims_none": lambda lib, x: lib.func.vmap(lambda a: a, in_dims=None)(x),
    "vmap_in_dim_range": lambda lib, x: lib.func.vmap(lambda a: a, in_dims=2)(x),
    "vmap_in_dim_float": lambda lib, x: lib.func.vmap(lambda a: a, in_dims=(0.5,))(x),
    "vmap_sizes": lambda lib, x: lib.func.vmap(lambda a, b: a, in_dims=(0, 1))(x, x),
    "vmap_non_tensor_in": lambda lib, x: lib.func.vmap(lambda a, b: a, in_dims=(0, 0))(x, 3.0),
    "vmap_dict_keys": lambda lib, x: lib.func.vmap(lambda d: d["a"], in_dims=({"b": 0},))(
        {"a": x}),
    "vmap_no_inputs": lambda lib, x: lib.func.vmap(lambda: x)(),
    "vmap_nothing_mapped": lambda lib, x: lib.func.vmap(lambda a: a, in_dims=(None,))(x),
    "vmap_non_tensor_out": lambda lib, x: lib.func.vmap(lambda a: 1.0)(x),
    "vmap_batched_out_none": lambda lib, x: lib.func.vmap(lambda a: a, out_dims=None)(x),
    "vmap_batched_out_none2": lambda lib, x: lib.func.vmap(lambda a: a.exp(), out_dims=None)(
        x * lib.arange(2.).unsqueeze(1)),
    "vmap_out_dims_structure": lambda lib, x: lib.func.vmap(lambda a: (a, a),
                                                            out_dims=(0, 0, 0))(x),
    "vmap_out_dims_type": lambda lib, x: lib.func.vmap(lambda a: a, out_dims="a")(x),
    "vmap_out_dim_range": lambda lib, x: lib.func.vmap(lambda a: a.sum(), out_dims=1)(x),
    "vmap_chunk_size": lambda lib, x: lib.func.vmap(lambda a: a, chunk_size=0)(x),
    "grad_not_scalar": lambda lib, x: lib.func.grad(lambda a: a)(x),
    "grad_not_tensor": lambda lib, x: lib.func.grad(lambda a: 3.0)(x),
    "grad_input_not_tensor": lambda lib, x: lib.func.grad(lambda a: a.sum())(3.0),
    "grad_argnum_range": lambda lib, x: lib.func.grad(lambda a: a.sum(), argnums=1)(x),
    "grad_argnums_unique": lambda lib, x: lib.func.grad(lambda a: a.sum(), argnums=(0, 0))(x),
    "grad_argnums_empty": lambda lib, x: lib.func.grad(lambda a: a.sum(), argnums=())(x),
    "grad_argnums_type": lambda lib, x: lib.func.grad(lambda a: a.sum(), argnums=0.5)(x),
    "grad_aux_not_tuple": lambda lib, x: lib.func.grad(lambda a: a.sum(), has_aux=True)(x),
    "grad_aux_len": lambda lib, x: lib.func.grad(lambda a: (a.sum(), 1, 2), has_aux=True)(x),
    "grad_aux_non_tensor": lambda lib, x: lib.func.grad(lambda a: (a.sum(), 3),
                                                        has_aux=True)(x),
    "grad_int_input": lambda lib, x: lib.func.grad(lambda a: a.sum())(x.long()),
    "vjp_shape": lambda lib, x: lib.func.vjp(lambda a: a * 2, x)[1](lib.ones(3)),
    "vjp_structure": lambda lib, x: lib.func.vjp(lambda a: (a * 2, a), x)[1](lib.ones(2, 3)),
    "vjp_non_tensor_out": lambda lib, x: lib.func.vjp(lambda a: 3, x),
    "vjp_empty_out": lambda lib, x: lib.func.vjp(lambda a: (), x),
    "vjp_int_out": lambda lib, x: lib.func.vjp(lambda a: a.long(), x),
    "vjp_non_tensor_in": lambda lib, x: lib.func.vjp(lambda a: a * 2, 3.0),
    "vjp_aux": lambda lib, x: lib.func.vjp(lambda a: a * 2, x, has_aux=True),
    "jvp_primals_tuple": lambda lib, x: lib.func.jvp(lambda a: a * 2, x, x),
    "jvp_structure": lambda lib, x: lib.func.jvp(lambda a: a * 2, (x,), (x, x)),
    "jvp_structure_list": lambda lib, x: lib.func.jvp(lambda a: a * 2, (x,), [x]),
    "jvp_shape": lambda lib, x: lib.func.jvp(lambda a: a * 2, (x,), (lib.ones(3),)),
    "jvp_non_tensor_out": lambda lib, x: lib.func.jvp(lambda a: 3, (x,), (x,)),
    "jvp_non_tensor_in": lambda lib, x: lib.func.jvp(lambda a: a * 2, (3.0,), (3.0,)),
    "jvp_empty": lambda lib, x: lib.func.jvp(lambda: x, (), ()),
    "jvp_aux": lambda lib, x: lib.func.jvp(lambda a: a * 2, (x,), (x,), has_aux=True),
    "jvp_strict": lambda lib, x: lib.func.jvp(lambda a: (a * 2, lib.ones(2)), (x,), (x,),
                                              strict=True),
    "jacrev_chunk": lambda lib, x: lib.func.jacrev(lambda a: a, chunk_size=0)(x),
    "jacrev_non_tensor_out": lambda lib, x: lib.func.jacrev(lambda a: 3)(x),
    "jacrev_non_tensor_in": lambda lib, x: lib.func.jacrev(lambda a: a)(3.0),
    "jacfwd_non_tensor_out": lambda lib, x: lib.func.jacfwd(lambda a: 3)(x),
    "jacfwd_randomness": lambda lib, x: lib.func.jacfwd(lambda a: a, randomness="x")(x),
    "linearize_shape": lambda lib, x: lib.func.linearize(lambda a: a.sin(), x)[1](lib.ones(3)),
    "fcall_type": lambda lib, x: lib.func.functional_call(lib.nn.Linear(3, 2), 3, (x,)),
    "fcall_elem_type": lambda lib, x: lib.func.functional_call(lib.nn.Linear(3, 2), [{}, 1],
                                                               (x,)),
    "fcall_repeated": lambda lib, x: lib.func.functional_call(
        lib.nn.Linear(3, 2), ({"weight": x}, {"weight": x}), (x,)),
    "fcall_strict": lambda lib, x: lib.func.functional_call(lib.nn.Linear(3, 2), {"foo": x},
                                                            (x,), strict=True),
    "stack_empty": lambda lib, x: lib.func.stack_module_state([]),
    "stack_mode": lambda lib, x: lib.func.stack_module_state(
        [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).eval()]),
    "stack_class": lambda lib, x: lib.func.stack_module_state(
        [lib.nn.Linear(2, 2), lib.nn.Identity()]),
    "stack_requires_grad": lambda lib, x: lib.func.stack_module_state(
        [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).requires_grad_(False)]),
}


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_func_error(name):
    check_error(ERRORS[name], X)


# -- functional_call ----------------------------------------------------------------------------

def _bn_call(lib):
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3))
    x = lib.arange(12.0).reshape(4, 3) / 7
    w = lib.full((3, 3), 0.25)
    rm = lib.ones(3)
    out = lib.func.functional_call(m, ({"0.weight": w}, {"1.running_mean": rm}), x)
    out_eval = lib.func.functional_call(m.eval(), {"1.running_mean": rm}, args=(x,),
                                        kwargs=None)
    return out, out_eval, rm, m[0].weight is not w, type(m[0].weight).__name__


def test_functional_call_buffers_and_restore():
    t, e = _bn_call(torch), _bn_call(ember)
    _same(e, t, 1e-6)


def _tied(lib, tie):
    lib.manual_seed(0)
    m = lib.nn.Module()
    m.a = lib.nn.Linear(2, 2, bias=False)
    m.b = lib.nn.Linear(2, 2, bias=False)
    m.b.weight = m.a.weight
    m.forward = lambda x: m.b(m.a(x))
    w = lib.eye(2) * 2
    return lib.func.functional_call(m, {"a.weight": w}, (lib.ones(1, 2),), tie_weights=tie)


def test_functional_call_tie_weights():
    for tie in (True, False):
        _same(_tied(ember, tie), _tied(torch, tie), 1e-6)


def test_functional_call_restores_on_error():
    m = ember.nn.Linear(3, 2)
    w0 = m.weight
    with pytest.raises(RuntimeError):
        ember.func.functional_call(m, {"weight": ember.ones(5, 5)}, (ember.ones(1, 3),))
    assert m.weight is w0 and isinstance(m.weight, ember.nn.Parameter)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]


def test_functional_call_grad_through_params():
    for lib in (torch, ember):
        m = lib.nn.Linear(3, 1)
        w = lib.full((1, 3), 0.5, requires_grad=True)
        lib.func.functional_call(m, {"weight": w}, lib.ones(2, 3)).sum().backward()
        assert w.grad.tolist() == [[2.0, 2.0, 2.0]] and m.weight.grad is None


def test_signatures():
    import inspect
    for name in efunc.__all__:
        assert str(inspect.signature(getattr(efunc, name))) == \
            _torch_sig(name), name
    assert ember.vmap is ember.func.vmap


def _torch_sig(name):
    import inspect
    sig = inspect.signature(getattr(torch.func, name))
    params = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))
