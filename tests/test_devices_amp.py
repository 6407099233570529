"""torch.cuda / backends / mps / accelerator as torch's CPU-only build answers, devices,
finfo/iinfo, torch.testing.assert_close and torch.amp (autocast, GradScaler)."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_error

torch.set_num_threads(1)


def _outcome(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = fn()
        except Exception as e:      # noqa: BLE001 - compared with torch's
            r = (type(e).__name__, str(e))
    return r, [str(x.message) for x in w]


QUERIES = [
    ("cuda.is_available", lambda L: L.cuda.is_available()),
    ("cuda.device_count", lambda L: L.cuda.device_count()),
    ("cuda.is_initialized", lambda L: L.cuda.is_initialized()),
    ("cuda.manual_seed", lambda L: L.cuda.manual_seed(0)),
    ("cuda.manual_seed_all", lambda L: L.cuda.manual_seed_all(0)),
    ("cuda.empty_cache", lambda L: L.cuda.empty_cache()),
    ("cuda.memory_allocated", lambda L: L.cuda.memory_allocated()),
    ("cuda.synchronize", lambda L: L.cuda.synchronize()),
    ("cuda.current_device", lambda L: L.cuda.current_device()),
    ("cuda.get_device_name", lambda L: L.cuda.get_device_name()),
    ("accelerator.is_available", lambda L: L.accelerator.is_available()),
    ("accelerator.current_accelerator", lambda L: L.accelerator.current_accelerator()),
    ("accelerator.device_count", lambda L: L.accelerator.device_count()),
    ("backends.mps.is_available", lambda L: L.backends.mps.is_available()),
    ("backends.mps.is_built", lambda L: L.backends.mps.is_built()),
    ("backends.cudnn.is_available", lambda L: L.backends.cudnn.is_available()),
    ("backends.cudnn.flags", lambda L: (L.backends.cudnn.enabled, L.backends.cudnn.benchmark,
                                        L.backends.cudnn.deterministic)),
    ("backends.cuda.matmul.allow_tf32", lambda L: L.backends.cuda.matmul.allow_tf32),
    ("backends.cuda.is_built", lambda L: L.backends.cuda.is_built()),
    ("mps.device_count", lambda L: L.mps.device_count()),
    ("mps.synchronize", lambda L: L.mps.synchronize()),
    ("device cuda", lambda L: repr(L.device("cuda"))),
    ("device cuda:1", lambda L: repr(L.device("cuda:1"))),
    ("device mps", lambda L: repr(L.device("mps"))),
    ("device unknown", lambda L: L.device("foo")),
    ("ones on cuda", lambda L: L.ones(2, device="cuda")),
    ("ones on cuda device", lambda L: L.ones(2, device=L.device("cuda"))),
    ("to cuda", lambda L: L.ones(2).to("cuda")),
    ("to mps", lambda L: L.ones(2).to("mps")),
    ("to device cuda", lambda L: L.ones(2).to(L.device("cuda"))),
    ("module to cuda", lambda L: L.nn.Linear(2, 2).to("cuda")),
    ("module cuda()", lambda L: L.nn.Linear(2, 2).cuda()),
    ("is_cuda", lambda L: L.ones(2).is_cuda),
]


@pytest.mark.parametrize("name,fn", QUERIES, ids=[q[0] for q in QUERIES])
def test_cpu_only_build_answers(name, fn):
    assert _outcome(lambda: fn(ember)) == _outcome(lambda: fn(torch))


def test_tutorial_device_lines_pick_the_cpu():
    for lib in (torch, ember):
        device = ("cuda" if lib.cuda.is_available() else "mps"
                  if lib.backends.mps.is_available() else "cpu")
        assert device == "cpu"
        device = (lib.accelerator.current_accelerator().type
                  if lib.accelerator.is_available() else "cpu")
        assert device == "cpu"
        lib.backends.cudnn.benchmark = True       # accepted, as in torch
        assert lib.ones(2, device=device).device.type == "cpu"
        lib.backends.cudnn.benchmark = False


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "complex64"])
def test_finfo(dtype):
    t, e = torch.finfo(getattr(torch, dtype)), ember.finfo(getattr(ember, dtype))
    assert repr(e) == repr(t)
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution",
                 "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(dtype):
    t, e = torch.iinfo(getattr(torch, dtype)), ember.iinfo(getattr(ember, dtype))
    assert repr(e) == repr(t)
    assert (e.bits, e.min, e.max, e.dtype) == (t.bits, t.min, t.max, t.dtype)


def test_finfo_default_and_errors():
    assert repr(ember.finfo()) == repr(torch.finfo())
    check_error(lambda L: L.finfo(L.int32))
    check_error(lambda L: L.iinfo(L.float32))
    check_error(lambda L: L.iinfo(L.bool))


# -- torch.testing.assert_close ---------------------------------------------------------------

CLOSE = [
    ("int tensors", lambda L: L.testing.assert_close(L.tensor([1, 2, 3]), L.tensor([1, 3, 3]))),
    ("floats", lambda L: L.testing.assert_close(1.0, 1.5)),
    ("ints", lambda L: L.testing.assert_close(1, 2)),
    ("list of floats", lambda L: L.testing.assert_close([1.0, 2.0], [1.0, 2.5])),
    ("only rtol", lambda L: L.testing.assert_close(L.ones(2), L.ones(2), rtol=1e-3)),
    ("2-d", lambda L: L.testing.assert_close(L.tensor([[1., 2.], [3, 4]]),
                                             L.tensor([[1., 2.], [3, 4.1]]))),
    ("0-d", lambda L: L.testing.assert_close(L.tensor(1.), L.tensor(1.1))),
    ("nan", lambda L: L.testing.assert_close(L.tensor([1., float("nan")]),
                                             L.tensor([1., float("nan")]))),
    ("equal_nan", lambda L: L.testing.assert_close(L.tensor([1., float("nan")]),
                                                   L.tensor([1., float("nan")]),
                                                   equal_nan=True)),
    ("mapping", lambda L: L.testing.assert_close({"a": L.ones(2)}, {"a": L.zeros(2)})),
    ("check_dtype off", lambda L: L.testing.assert_close(L.ones(2), L.ones(2, dtype=L.float64),
                                                         check_dtype=False)),
    ("msg", lambda L: L.testing.assert_close(L.ones(2), L.zeros(2), msg="custom")),
    ("lengths", lambda L: L.testing.assert_close([1.0], [1.0, 2.0])),
    ("inf", lambda L: L.testing.assert_close(L.tensor([1., float("inf")]), L.tensor([1., 2.]))),
    ("shape", lambda L: L.testing.assert_close(L.ones(2), L.ones(3))),
    ("dtype", lambda L: L.testing.assert_close(L.ones(2), L.ones(2, dtype=L.float64))),
    ("bool", lambda L: L.testing.assert_close(L.tensor([True, False]), L.tensor([True, True]))),
    ("within float64 tolerance", lambda L: L.testing.assert_close(
        L.tensor([1.0, 2.0], dtype=L.float64), L.tensor([1.0, 2.0000001], dtype=L.float64))),
    ("atol rtol", lambda L: L.testing.assert_close(L.tensor([1.0, 2.0]), L.tensor([1.0, 2.1]),
                                                   rtol=0, atol=0.2)),
    ("numpy", lambda L: L.testing.assert_close(np.ones(2), np.zeros(2))),
    ("nested", lambda L: L.testing.assert_close([L.ones(2), (L.ones(1), L.zeros(1))],
                                                [L.ones(2), (L.ones(1), L.ones(1))])),
]


@pytest.mark.parametrize("name,fn", CLOSE, ids=[c[0] for c in CLOSE])
def test_assert_close(name, fn):
    assert _outcome(lambda: fn(ember)) == _outcome(lambda: fn(torch))


# -- torch.amp -----------------------------------------------------------------------------------

def test_autocast_for_cuda_disables_itself():
    for lib in (torch, ember):
        r = _outcome(lambda: lib.autocast("cuda").__enter__())
        assert r[1] == ["CUDA is not available or torch_xla is imported. Disabling autocast."]
        with lib.autocast("cpu", enabled=False):
            y = lib.ones(2, 2) @ lib.ones(2, 2)
        assert y.dtype == lib.float32


def test_autocast_on_the_cpu_is_refused():
    with pytest.raises(NotImplementedError, match="float32/float64 only"):
        ember.autocast("cpu", dtype=ember.float16)


def test_grad_scaler_for_cuda_disables_itself():
    outs = []
    for lib in (torch, ember):
        r, w = _outcome(lambda: lib.amp.GradScaler("cuda"))
        s = r
        outs.append((w, s.is_enabled(), s.get_scale(), s.state_dict(),
                     s.scale(lib.ones(2)).tolist()))
    assert outs[0] == outs[1]


def _train_with_scaler(lib, steps, init_scale, growth_interval):
    lib.manual_seed(0)
    model = lib.nn.Linear(3, 2)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    scaler = lib.amp.GradScaler("cpu", init_scale=init_scale, growth_interval=growth_interval)
    x = lib.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))
    scales, losses = [], []
    for i in range(steps):
        opt.zero_grad()
        loss = ((model(x) - 1) ** 2).mean()
        if i == 2:
            loss = loss * float("inf")       # an overflowing step: skipped, scale backs off
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        losses.append(loss.item())
    return scales, losses, [p.detach().numpy().copy() for p in model.parameters()], \
        scaler.state_dict()


def test_grad_scaler_on_the_cpu_matches_torch():
    t = _train_with_scaler(torch, 8, 1024.0, 3)
    e = _train_with_scaler(ember, 8, 1024.0, 3)
    assert t[0] == e[0]                      # scale: back-off after the inf, growth after 3
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6)
    for a, b in zip(e[2], t[2]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert e[3] == t[3]


def test_grad_scaler_errors():
    for lib in (torch, ember):
        model = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        scaler = lib.amp.GradScaler("cpu")
        scaler.scale(model(lib.ones(1, 2)).sum()).backward()
        scaler.unscale_(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called on "
                                               "this optimizer since the last update\\(\\)."):
            scaler.unscale_(opt)
        scaler.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called since the "
                                               "last update\\(\\)."):
            scaler.step(opt)
        with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
            lib.amp.GradScaler("cpu", growth_factor=1.0)
