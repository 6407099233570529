"""nn.utils.weight_norm / spectral_norm (the hook-based API) against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.nn.utils.weight_norm import _weight_norm as _ember_weight_norm
from _oracle import check_op, check_double_backward


def _make(lib, kind):
    lib.manual_seed(0)
    if kind == "linear":
        return lib.nn.Linear(3, 4), (2, 3)
    if kind == "conv":
        return lib.nn.Conv2d(2, 3, 2), (1, 2, 4, 4)
    return lib.nn.ConvTranspose2d(2, 3, 2), (1, 2, 3, 3)


def _same(a, b, **tol):
    np.testing.assert_allclose(np.asarray(b), np.asarray(a), **(tol or dict(rtol=1e-5,
                                                                               atol=1e-6)))


def _wn(lib, kind, dim, x):
    m, _ = _make(lib, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib.nn.utils.weight_norm(m, dim=dim)
    y = m(lib.tensor(x))
    y.backward(lib.ones_like(y) * 0.5 + y.detach())
    params = {n: (tuple(p.shape), p.grad.numpy()) for n, p in m.named_parameters()}
    return y.detach().numpy(), type(m.weight.grad_fn).__name__, params


@pytest.mark.parametrize("kind,dim", [("linear", 0), ("linear", 1), ("linear", None),
                                      ("linear", -1), ("conv", 0), ("conv", 1), ("conv", 3),
                                      ("conv", None)])
def test_weight_norm(kind, dim):
    x = np.random.default_rng(0).standard_normal(_make(torch, kind)[1]).astype(np.float32)
    t, e = _wn(torch, kind, dim, x), _wn(ember, kind, dim, x)
    _same(t[0], e[0])
    assert t[1] == e[1]
    assert list(t[2]) == list(e[2])
    for k in t[2]:
        assert t[2][k][0] == e[2][k][0]
        _same(t[2][k][1], e[2][k][1])


def test_weight_norm_warns_and_removes():
    m = ember.nn.Linear(3, 4)
    w = m.weight.detach().clone()
    with pytest.warns(FutureWarning, match="`torch.nn.utils.weight_norm` is deprecated"):
        ember.nn.utils.weight_norm(m)
    with pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks on the "
                                           "same parameter weight"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ember.nn.utils.weight_norm(m)
    ember.nn.utils.remove_weight_norm(m)
    assert sorted(n for n, _ in m.named_parameters()) == ["bias", "weight"]
    _same(w.numpy(), m.weight.detach().numpy())
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found in Linear"):
        ember.nn.utils.remove_weight_norm(m)


def _wn_fn(dim):
    def fn(lib, v, g):
        if lib is torch:
            return torch._weight_norm(v, g, dim)
        return _ember_weight_norm(v, g, dim)
    return fn


@pytest.mark.parametrize("dim,gshape", [(0, (3, 1, 1)), (2, (1, 1, 5)), (1, (1, 4, 1)),
                                        (-1, ())])
def test_weight_norm_primitive(dim, gshape):
    check_op(_wn_fn(dim), [(3, 4, 5), gshape], low=0.5, high=2.0)
    check_double_backward(_wn_fn(dim), [(3, 4, 5), gshape], low=0.5, high=2.0)


# -- spectral_norm ------------------------------------------------------------------------------

def _sn(lib, kind, n_iter, steps, eval_last):
    m, xs = _make(lib, kind)
    lib.nn.utils.spectral_norm(m, n_power_iterations=n_iter)
    lib.manual_seed(1)
    x = lib.randn(*xs)
    opt = lib.optim.SGD(m.parameters(), lr=0.1)
    outs = []
    for i in range(steps):
        if eval_last and i == steps - 1:
            m.eval()
        opt.zero_grad()
        y = m(x)
        (y * y).sum().backward()
        opt.step()
        outs.append(y.detach().numpy())
    return (outs, m.weight_u.numpy(), m.weight_v.numpy(), m.weight_orig.grad.numpy(),
            sorted(n for n, _ in m.named_parameters()), sorted(n for n, _ in m.named_buffers()),
            type(m.weight.grad_fn).__name__)


@pytest.mark.parametrize("kind", ["linear", "conv", "convt"])
@pytest.mark.parametrize("n_iter,eval_last", [(1, False), (3, True)])
def test_spectral_norm(kind, n_iter, eval_last):
    t, e = _sn(torch, kind, n_iter, 3, eval_last), _sn(ember, kind, n_iter, 3, eval_last)
    for a, b in zip(t[0], e[0]):
        _same(a, b)
    _same(t[1], e[1])
    _same(t[2], e[2])
    _same(t[3], e[3], rtol=1e-4, atol=1e-5)
    assert t[4:] == e[4:]


def test_spectral_norm_initial_u_bit_identical():
    res = []
    for lib in (torch, ember):
        lib.manual_seed(3)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(5, 6))
        res.append((m.weight_u.numpy(), m.weight_v.numpy()))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


def test_spectral_norm_state_dict_and_remove():
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 4))
        m(lib.ones(1, 3))
        sd = m.state_dict()
        meta = dict(sd._metadata[""])
        lib.manual_seed(5)
        m2 = lib.nn.utils.spectral_norm(lib.nn.Linear(3, 4))
        m2.load_state_dict(sd)
        u2 = m2.weight_u.numpy()
        lib.nn.utils.remove_spectral_norm(m2)
        names = sorted(n for n, _ in m2.named_parameters())
        try:
            lib.nn.utils.remove_spectral_norm(m2)
        except ValueError as err:
            msg = str(err)
        res.append((list(sd.keys()), meta, u2, names, m2.weight.detach().numpy(), msg,
                    sorted(n for n, _ in m2.named_buffers())))
    t, e = res
    assert t[0] == e[0] and t[1] == e[1] and t[3] == e[3] and t[5] == e[5] and t[6] == e[6]
    _same(t[2], e[2])
    _same(t[4], e[4])


def test_spectral_norm_errors():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="Expected n_power_iterations to be positive, but "
                                             "got n_power_iterations=0"):
            lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2), n_power_iterations=0)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2))
        with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks on "
                                               "the same parameter weight"):
            lib.nn.utils.spectral_norm(m)
        with pytest.raises(ValueError, match="`SpectralNorm` cannot be applied as parameter "
                                             "`bias` is None"):
            lib.nn.utils.spectral_norm(lib.nn.Linear(2, 2, bias=False), name="bias")
