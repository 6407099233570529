"""torch.optim.swa_utils (AveragedModel, avg fns, SWALR, update_bn) against the installed torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_error


def _models(dtype=np.float32):
    """The same small model (with a BatchNorm) in torch and ember, same initial weights."""
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(),
                            torch.nn.Linear(4, 2))
    e = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4), ember.nn.ReLU(),
                            ember.nn.Linear(4, 2))
    if dtype == np.float64:
        t = t.double()
        e = e.double()
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, e


def _batches(n, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((5, 3)).astype(dtype), rng.standard_normal((5, 2)).astype(dtype))
            for _ in range(n)]


def _same_state(t_mod, e_mod, rtol=1e-5, atol=1e-6):
    ts = t_mod.state_dict()
    es = e_mod.state_dict()
    assert list(ts) == list(es)
    for k in ts:
        assert str(ts[k].dtype) == repr(es[k].dtype), k
        np.testing.assert_allclose(es[k].numpy(), ts[k].numpy(), rtol=rtol, atol=atol, err_msg=k)


def _train_and_average(lib, model, averaged, data, lr=0.1):
    opt = lib.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for x, y in data:
        opt.zero_grad()
        loss = ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()
        loss.backward()
        opt.step()
        averaged.update_parameters(model)


def _compare_averaging(make_kwargs, use_buffers=False, dtype=np.float32, steps=5):
    t, e = _models(dtype)
    ta = torch.optim.swa_utils.AveragedModel(t, use_buffers=use_buffers, **make_kwargs(torch))
    ea = ember.optim.swa_utils.AveragedModel(e, use_buffers=use_buffers, **make_kwargs(ember))
    data = _batches(steps, dtype)
    _train_and_average(torch, t, ta, data)
    _train_and_average(ember, e, ea, data)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    _same_state(t, e, **tol)
    _same_state(ta, ea, **tol)
    assert int(ea.n_averaged) == int(ta.n_averaged) == steps
    # the averaged model runs like the model
    x = _batches(1, dtype, seed=3)[0][0]
    ta.eval()
    ea.eval()
    np.testing.assert_allclose(ea(ember.tensor(x)).detach().numpy(),
                               ta(torch.tensor(x)).detach().numpy(), **tol)
    return ta, ea


AVG_FNS = {
    "swa_default": lambda lib: {},
    "swa_avg_fn": lambda lib: {"avg_fn": lib.optim.swa_utils.get_swa_avg_fn()},
    "swa_multi": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_swa_multi_avg_fn()},
    "ema_avg_fn": lambda lib: {"avg_fn": lib.optim.swa_utils.get_ema_avg_fn(0.9)},
    "ema_multi": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_ema_multi_avg_fn(0.8)},
    "custom": lambda lib: {"avg_fn": lambda a, m, n: 0.5 * a + 0.5 * m},
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
# swa_multi with use_buffers: torch raises, see test_averaged_model_error_swa_multi_int_buffers
@pytest.mark.parametrize("name,use_buffers", [(n, b) for n in AVG_FNS for b in (False, True)
                                              if not (n == "swa_multi" and b)])
def test_averaged_model(name, use_buffers, dtype):
    _compare_averaging(AVG_FNS[name], use_buffers, dtype)


def test_averaged_model_swa_is_mean():
    # hand-computed: the default average is the arithmetic mean of every snapshot
    m = ember.nn.Linear(2, 1)
    avg = ember.optim.swa_utils.AveragedModel(m)
    snaps = []
    for k in range(4):
        with ember.no_grad():
            m.weight.fill_(float(k * k))
        snaps.append(float(k * k))
        avg.update_parameters(m)
    np.testing.assert_allclose(avg.module.weight.detach().numpy(), np.mean(snaps), rtol=1e-6)
    assert repr(avg.n_averaged) == "tensor(4)"


def test_averaged_model_structure():
    t, e = _models()
    ta = torch.optim.swa_utils.AveragedModel(t)
    ea = ember.optim.swa_utils.AveragedModel(e)
    assert repr(ta) == repr(ea)
    assert list(ta.state_dict()) == list(ea.state_dict())
    assert repr(ea.n_averaged) == repr(ta.n_averaged)
    # a deep copy: the source model's parameters are not shared
    assert ea.module[0].weight is not e[0].weight


def test_averaged_model_error_both_fns():
    def fn(lib):
        m = lib.nn.Linear(2, 2)
        s = lib.optim.swa_utils
        s.AveragedModel(m, avg_fn=s.get_swa_avg_fn(), multi_avg_fn=s.get_swa_multi_avg_fn())
    check_error(fn)


@pytest.mark.parametrize("name", ["get_ema_avg_fn", "get_ema_multi_avg_fn"])
@pytest.mark.parametrize("decay", [-0.1, 1.5])
def test_ema_error_decay(name, decay):
    check_error(lambda lib: getattr(lib.optim.swa_utils, name)(decay))


def test_ema_multi_avg_fn_int_tensors():
    # integer tensors take the non-lerp branch
    out = []
    for lib in (torch, ember):
        b = [lib.tensor([10, 20, 31], dtype=lib.int64)]
        c = [lib.tensor([4, 8, 3], dtype=lib.int64)]
        lib.optim.swa_utils.get_ema_multi_avg_fn(0.5)(b, c, 2)
        out.append(b[0].numpy())
    assert out[0].dtype == out[1].dtype
    np.testing.assert_array_equal(out[1], out[0])


@pytest.mark.parametrize("num_averaged", [2, "tensor"])
def test_swa_multi_avg_fn_error_int_tensors(num_averaged):
    # torch's integer branch raises (addcdiv_ / add_ with a float alpha on integers)
    def fn(lib):
        n = lib.tensor(2) if num_averaged == "tensor" else num_averaged
        a = [lib.tensor([10, 20, 31], dtype=lib.int64)]
        c = [lib.tensor([4, 8, 3], dtype=lib.int64)]
        lib.optim.swa_utils.get_swa_multi_avg_fn()(a, c, n)
    check_error(fn)


def test_averaged_model_error_swa_multi_int_buffers():
    # with use_buffers the BatchNorm's int64 num_batches_tracked reaches the integer branch
    def fn(lib):
        t, e = _models()
        model = t if lib is torch else e
        avg = lib.optim.swa_utils.AveragedModel(
            model, use_buffers=True, multi_avg_fn=lib.optim.swa_utils.get_swa_multi_avg_fn())
        _train_and_average(lib, model, avg, _batches(2))
    check_error(fn)


def test_avg_fns_values():
    rng = np.random.default_rng(0)
    a, c = rng.standard_normal((2, 3, 4)).astype(np.float32)
    for name, args in [("get_swa_avg_fn", ()), ("get_ema_avg_fn", (0.7,))]:
        tr = getattr(torch.optim.swa_utils, name)(*args)(torch.tensor(a), torch.tensor(c), 3)
        er = getattr(ember.optim.swa_utils, name)(*args)(ember.tensor(a), ember.tensor(c), 3)
        assert repr(er.dtype) == str(tr.dtype)
        np.testing.assert_allclose(er.numpy(), tr.numpy(), rtol=1e-6)


# ----- update_bn -----

@pytest.mark.parametrize("with_targets", [False, True])
def test_update_bn(with_targets):
    t, e = _models()
    t[1].momentum = 0.3
    e[1].momentum = 0.3
    t.eval()
    e.eval()
    data = _batches(4)
    torch.optim.swa_utils.update_bn(
        [(torch.tensor(x), torch.tensor(y)) if with_targets else torch.tensor(x)
         for x, y in data], t)
    ember.optim.swa_utils.update_bn(
        [(ember.tensor(x), ember.tensor(y)) if with_targets else ember.tensor(x)
         for x, y in data], e)
    _same_state(t, e)
    # the momentum and the training flag are restored
    assert e[1].momentum == 0.3 and not e.training and not e[1].training
    # cumulative average: the running mean is the mean of the batch means
    means = [(x @ e[0].weight.detach().numpy().T + e[0].bias.detach().numpy()).mean(0)
             for x, _ in data]
    np.testing.assert_allclose(e[1].running_mean.numpy(), np.mean(means, 0), rtol=1e-5)


def test_update_bn_without_batchnorm():
    m = ember.nn.Linear(3, 2)
    before = m.weight.detach().numpy().copy()
    ember.optim.swa_utils.update_bn([ember.ones(2, 3)], m)
    np.testing.assert_array_equal(m.weight.detach().numpy(), before)


# ----- SWALR -----

def _lrs(lib, steps, groups=1, **kwargs):
    params = [lib.nn.Parameter(lib.zeros(2)) for _ in range(groups)]
    opt = lib.optim.SGD([{"params": [p], "lr": 0.5 + i} for i, p in enumerate(params)], lr=1.0)
    sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
    out = [sched.get_last_lr()]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out, opt, sched


@pytest.mark.parametrize("kwargs", [
    dict(swa_lr=0.05),
    dict(swa_lr=0.05, anneal_strategy="linear"),
    dict(swa_lr=0.05, anneal_epochs=3),
    dict(swa_lr=0.05, anneal_epochs=3, anneal_strategy="linear"),
    dict(swa_lr=0.05, anneal_epochs=0),
    dict(swa_lr=2.0, anneal_epochs=1),
])
def test_swalr(kwargs):
    t_lrs, _, _ = _lrs(torch, 14, **kwargs)
    e_lrs, _, _ = _lrs(ember, 14, **kwargs)
    np.testing.assert_allclose(np.array(e_lrs), np.array(t_lrs), rtol=1e-12, atol=1e-15)


def test_swalr_groups():
    kwargs = dict(swa_lr=[0.05, 0.2], anneal_epochs=4)
    t_lrs, t_opt, _ = _lrs(torch, 8, groups=2, **kwargs)
    e_lrs, e_opt, _ = _lrs(ember, 8, groups=2, **kwargs)
    np.testing.assert_allclose(np.array(e_lrs), np.array(t_lrs), rtol=1e-12)
    assert [g["swa_lr"] for g in e_opt.param_groups] == [g["swa_lr"] for g in t_opt.param_groups]


def test_swalr_state_dict():
    _, _, t_s = _lrs(torch, 3, swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear")
    _, e_opt, e_s = _lrs(ember, 3, swa_lr=0.05, anneal_epochs=5, anneal_strategy="linear")
    ts, es = t_s.state_dict(), e_s.state_dict()
    assert "anneal_func" not in es and "optimizer" not in es
    for key in ("anneal_epochs", "_anneal_strategy", "last_epoch", "_step_count", "base_lrs"):
        assert es[key] == ts[key], key
    # a fresh scheduler loaded from the state continues the same schedule
    sched = ember.optim.swa_utils.SWALR(e_opt, swa_lr=0.05)
    sched.load_state_dict(es)
    assert sched.anneal_func is ember.optim.swa_utils.SWALR._linear_anneal


def test_swalr_get_lr_warns():
    _, _, sched = _lrs(ember, 1, swa_lr=0.05)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        sched.get_lr()
    assert any("get_last_lr()" in str(x.message) for x in w)


@pytest.mark.parametrize("kwargs", [
    dict(swa_lr=0.1, anneal_strategy="exp"),
    dict(swa_lr=0.1, anneal_epochs=-1),
    dict(swa_lr=0.1, anneal_epochs=2.0),
    dict(swa_lr=[0.1, 0.2]),
])
def test_swalr_errors(kwargs):
    def fn(lib):
        opt = lib.optim.SGD([lib.nn.Parameter(lib.zeros(2))], lr=1.0)
        lib.optim.swa_utils.SWALR(opt, **kwargs)
    check_error(fn)
