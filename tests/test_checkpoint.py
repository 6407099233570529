"""torch.utils.checkpoint (both variants) against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
U = RNG.standard_normal((3, 4))
torch.manual_seed(0)
_lin = torch.nn.Linear(4, 4).double()
W = _lin.weight.detach().numpy().copy()
B = _lin.bias.detach().numpy().copy()


def _linear(lib):
    lin = lib.nn.Linear(4, 4).double()
    with lib.no_grad():
        lin.weight.copy_(lib.tensor(W))
        lin.bias.copy_(lib.tensor(B))
    return lin


def _region(lib, lin, calls, drop):
    def f(a, scale=1.0):
        calls[0] += 1
        h = lin(a).tanh()
        if drop:
            h = lib.nn.functional.dropout(h, 0.5, training=True)
        return h * a.sin() * scale
    return f


def _run(lib, use_reentrant, drop, checkpointed=True, preserve=True):
    lin = _linear(lib)
    x = lib.tensor(X, requires_grad=True)
    calls = [0]
    f = _region(lib, lin, calls, drop)
    lib.manual_seed(1)
    if checkpointed:
        y = lib.utils.checkpoint.checkpoint(f, x, use_reentrant=use_reentrant,
                                            preserve_rng_state=preserve)
    else:
        y = f(x)
    after_forward = lib.rand(2).numpy()
    y.backward(lib.tensor(U))
    after_backward = lib.rand(2).numpy()
    return dict(y=y.detach().numpy(), gx=x.grad.numpy(), gw=lin.weight.grad.numpy(),
                gb=lin.bias.grad.numpy(), fn=type(y.grad_fn).__name__,
                name=y.grad_fn.name(), calls=calls[0], r1=after_forward, r2=after_backward)


def _same(a, b):
    for k in a:
        if isinstance(a[k], np.ndarray):
            np.testing.assert_allclose(a[k], b[k], rtol=1e-10, atol=1e-12, err_msg=k)
        else:
            assert a[k] == b[k], (k, a[k], b[k])


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_matches_torch(use_reentrant, drop):
    _same(_run(ember, use_reentrant, drop), _run(torch, use_reentrant, drop))


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_same_gradients_as_plain(use_reentrant):
    # the RNG state is restored for the recomputation: the same dropout mask
    c = _run(ember, use_reentrant, True)
    p = _run(ember, use_reentrant, True, checkpointed=False)
    for k in ("y", "gx", "gw", "gb", "r1", "r2"):
        np.testing.assert_array_equal(c[k], p[k], err_msg=k)
    assert c["calls"] == 2 and p["calls"] == 1


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_no_preserve_rng(use_reentrant):
    _same(_run(ember, use_reentrant, True, preserve=False),
          _run(torch, use_reentrant, True, preserve=False))


def test_checkpoint_default_warns_and_is_reentrant():
    x = ember.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
        y = ember.utils.checkpoint.checkpoint(lambda a: a * 2, x)
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"


def test_checkpoint_reentrant_no_input_requires_grad_warns():
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        y = ember.utils.checkpoint.checkpoint(lambda a: a * 2, ember.ones(2),
                                              use_reentrant=True)
    assert y.grad_fn is None


def _grads_nonreentrant(lib, create_graph):
    lin = _linear(lib)
    x = lib.tensor(X, requires_grad=True)
    f = _region(lib, lin, [0], False)
    y = lib.utils.checkpoint.checkpoint(f, x, use_reentrant=False, scale=2.0)
    gx, gw = lib.autograd.grad(y, (x, lin.weight), lib.tensor(U), create_graph=create_graph)
    out = [gx.detach().numpy(), gw.detach().numpy()]
    if create_graph:
        ggx, ggw = lib.autograd.grad((gx * gx).sum() + (gw * gw).sum(), (x, lin.weight))
        out += [ggx.numpy(), ggw.numpy()]
    return out


@pytest.mark.parametrize("create_graph", [False, True])
def test_checkpoint_nonreentrant_autograd_grad(create_graph):
    for a, b in zip(_grads_nonreentrant(ember, create_graph),
                    _grads_nonreentrant(torch, create_graph)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _multi(lib, nested):
    x = lib.tensor(X, requires_grad=True)
    calls = [0, 0]

    def inner(a):
        calls[1] += 1
        return a.exp() * a

    def outer(a, b):
        calls[0] += 1
        h = lib.utils.checkpoint.checkpoint(inner, a, use_reentrant=False) if nested \
            else inner(a)
        return h.sin(), (h * b).cos(), 3

    y1, y2, k = lib.utils.checkpoint.checkpoint(outer, x, x * 2, use_reentrant=False)
    assert k == 3
    (y1.sum() + (y2 * lib.tensor(U)).sum()).backward()
    return x.grad.numpy(), calls, type(y1.grad_fn).__name__, type(y2.grad_fn).__name__


@pytest.mark.parametrize("nested", [False, True])
def test_checkpoint_nonreentrant_multiple_outputs(nested):
    e, t = _multi(ember, nested), _multi(torch, nested)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-10)
    assert e[1:] == t[1:]


def test_checkpoint_nonreentrant_retain_graph():
    res = []
    for lib in (torch, ember):
        x = lib.tensor(X, requires_grad=True)
        y = lib.utils.checkpoint.checkpoint(lambda a: (a * a.tanh()).sum(), x,
                                            use_reentrant=False)
        y.backward(retain_graph=True)
        y.backward()
        res.append(x.grad.numpy())
    np.testing.assert_allclose(res[1], res[0], rtol=1e-12)


def test_checkpoint_nonreentrant_no_grad_mode():
    x = ember.tensor(X, requires_grad=True)
    with ember.no_grad():
        y = ember.utils.checkpoint.checkpoint(lambda a: a.exp(), x, use_reentrant=False)
    assert y.grad_fn is None and not y.requires_grad


def test_checkpoint_determinism_check():
    x = ember.tensor(X, requires_grad=True)
    state = {"n": 0}

    def f(a):
        state["n"] += 1
        return a[: state["n"]].exp().sum()
    y = ember.utils.checkpoint.checkpoint(f, x, use_reentrant=False)
    with pytest.raises(ember.utils.checkpoint.CheckpointError):
        y.backward()


def _err(fn):
    out = []
    for lib in (torch, ember):
        try:
            fn(lib)
        except Exception as e:      # noqa: BLE001
            out.append((type(e).__name__, str(e)))
        else:
            out.append(None)
    assert out[0] is not None and out[0] == out[1], out


def test_checkpoint_errors():
    ck = lambda lib: lib.utils.checkpoint   # noqa: E731
    f = lambda a, **kw: a * 2               # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _err(lambda lib: ck(lib).checkpoint(f, lib.ones(2, requires_grad=True), foo=1,
                                            use_reentrant=True))
        _err(lambda lib: ck(lib).checkpoint(f, lib.ones(2, requires_grad=True), debug=True,
                                            use_reentrant=True))
        _err(lambda lib: ck(lib).checkpoint(f, lib.ones(2, requires_grad=True),
                                            use_reentrant=False, determinism_check="x"))
        _err(lambda lib: ck(lib).detach_variable([lib.ones(2)]))
        _err(lambda lib: ck(lib).checkpoint_sequential([f], 1, lib.ones(2), foo=1,
                                                       use_reentrant=False))


def test_detach_variable():
    a, b = ember.utils.checkpoint.detach_variable((ember.ones(2, requires_grad=True), 3))
    assert a.requires_grad and a.grad_fn is None and b == 3


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_sequential(use_reentrant):
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 4),
                                  lib.nn.Sigmoid(), lib.nn.Linear(4, 2)).double()
        with lib.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(lib.tensor(np.random.default_rng(i).standard_normal(tuple(p.shape))))
        x = lib.tensor(X, requires_grad=True)
        y = lib.utils.checkpoint.checkpoint_sequential(model, 2, x,
                                                       use_reentrant=use_reentrant)
        y.sum().backward()
        res.append([y.detach().numpy(), x.grad.numpy()] +
                   [p.grad.numpy() for p in model.parameters()] + [type(y.grad_fn).__name__])
    for a, b in zip(*res):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-12)
