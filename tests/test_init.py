"""ember.nn.init against torch.nn.init: after the same manual_seed every scheme fills the
tensor with bit-identical values (orthogonal_ to LAPACK's rounding), with torch's errors
and warnings."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember

LIBS = (torch, ember)
DTYPES = {"float32": (torch.float32, ember.float32), "float64": (torch.float64, ember.float64)}


def bits(t):
    return t.detach().numpy().tobytes()


def drawn(fn, shape, dtype="float32", seed=3):
    """fn(lib, tensor) on an empty tensor of shape after manual_seed(seed), for both libs;
    returns the two results as arrays, plus the next draw (to check the stream position)."""
    out = []
    for lib, dt in zip(LIBS, DTYPES[dtype]):
        lib.manual_seed(seed)
        t = lib.empty(shape, dtype=dt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn(lib, t)
        assert r is t
        out.append((t.detach().numpy().copy(), lib.rand(2, dtype=dt).numpy()))
    return out


def assert_bit_identical(fn, shape, dtype="float32", seed=3):
    (tv, tnext), (ev, enext) = drawn(fn, shape, dtype, seed)
    assert tv.dtype == ev.dtype and tv.shape == ev.shape
    assert tv.tobytes() == ev.tobytes(), f"\nember {ev}\ntorch {tv}"
    assert tnext.tobytes() == enext.tobytes(), "the generator ended at another position"


SCHEMES = {
    "uniform_": lambda lib, t: lib.nn.init.uniform_(t),
    "uniform_ab": lambda lib, t: lib.nn.init.uniform_(t, -3.5, 0.25),
    "normal_": lambda lib, t: lib.nn.init.normal_(t),
    "normal_mean_std": lambda lib, t: lib.nn.init.normal_(t, 2.0, 0.3),
    "xavier_uniform_": lambda lib, t: lib.nn.init.xavier_uniform_(t),
    "xavier_uniform_gain": lambda lib, t: lib.nn.init.xavier_uniform_(
        t, gain=lib.nn.init.calculate_gain("tanh")),
    "xavier_normal_": lambda lib, t: lib.nn.init.xavier_normal_(t, gain=0.5),
    "kaiming_uniform_": lambda lib, t: lib.nn.init.kaiming_uniform_(t),
    "kaiming_uniform_relu_fan_out": lambda lib, t: lib.nn.init.kaiming_uniform_(
        t, mode="fan_out", nonlinearity="relu"),
    "kaiming_uniform_a": lambda lib, t: lib.nn.init.kaiming_uniform_(t, a=math.sqrt(5)),
    "kaiming_normal_": lambda lib, t: lib.nn.init.kaiming_normal_(t),
    "kaiming_normal_leaky": lambda lib, t: lib.nn.init.kaiming_normal_(
        t, a=0.2, mode="FAN_OUT", nonlinearity="leaky_relu"),
    "trunc_normal_": lambda lib, t: lib.nn.init.trunc_normal_(t),
    "trunc_normal_narrow": lambda lib, t: lib.nn.init.trunc_normal_(t, std=0.02, a=-0.04,
                                                                    b=0.04),
    "trunc_normal_rejection": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=0.5, std=1.0,
                                                                       a=-0.1, b=0.2),
    "trunc_normal_one_sided": lambda lib, t: lib.nn.init.trunc_normal_(t, mean=0.0, std=1.0,
                                                                       a=1.0, b=4.0),
    "constant_": lambda lib, t: lib.nn.init.constant_(t, 0.3),
    "ones_": lambda lib, t: lib.nn.init.ones_(t),
    "zeros_": lambda lib, t: lib.nn.init.zeros_(t),
    "sparse_": lambda lib, t: _sparse_flat(lib, t),
}


def _sparse_flat(lib, t):
    lib.nn.init.sparse_(t.view(t.shape[0], -1), 0.3, std=0.5)
    return t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 3), (20, 7), (4, 3, 2, 2)])
@pytest.mark.parametrize("name", list(SCHEMES))
def test_init_bit_identical(name, shape, dtype):
    assert_bit_identical(SCHEMES[name], shape, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_init_generator_argument(dtype):
    def fn(lib, t):
        g = lib.Generator().manual_seed(11)
        lib.nn.init.normal_(t[0], generator=g)
        lib.nn.init.uniform_(t[1], -1, 1, generator=g)
        lib.nn.init.xavier_normal_(t[2:4], generator=g)
        lib.nn.init.kaiming_uniform_(t[4:6], generator=g)
        lib.nn.init.trunc_normal_(t[6], generator=g)
        lib.nn.init.trunc_normal_(t[7], a=0.5, b=0.6, generator=g)
        return t
    assert_bit_identical(fn, (8, 19), dtype)


def test_init_non_contiguous_and_parameter():
    def fn(lib, t):
        lib.nn.init.kaiming_uniform_(t.t(), a=1.0)          # filled in memory order
        lib.nn.init.trunc_normal_(t[:, 1::2].t())
        p = lib.nn.Parameter(lib.empty(4, 3))
        lib.nn.init.normal_(p)
        assert p.requires_grad and p.grad_fn is None
        with lib.no_grad():
            t[:4, :3] = p
        return t
    assert_bit_identical(fn, (6, 9))


def test_init_under_grad_mode_records_nothing():
    p = ember.nn.Parameter(ember.empty(3, 3))
    for fn in (ember.nn.init.uniform_, ember.nn.init.normal_, ember.nn.init.zeros_,
               ember.nn.init.ones_, ember.nn.init.eye_, ember.nn.init.orthogonal_,
               ember.nn.init.xavier_uniform_, ember.nn.init.trunc_normal_):
        assert fn(p) is p
        assert p.grad_fn is None and p.requires_grad


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4)])
def test_init_eye(shape):
    assert_bit_identical(lambda lib, t: lib.nn.init.eye_(t), shape)


@pytest.mark.parametrize("shape,groups", [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 4, 3, 1, 2), 1),
                                          ((8, 2, 5, 5), 4)])
def test_init_dirac(shape, groups):
    assert_bit_identical(lambda lib, t: lib.nn.init.dirac_(t, groups), shape)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape,gain", [((6, 4), 1), ((4, 6), 2.0), ((5, 2, 3), 0.5),
                                        ((3, 3), 1)])
def test_init_orthogonal(shape, gain, dtype):
    """The same normal draws and the same QR with torch's sign fix: equal up to LAPACK's
    rounding, and (semi-)orthogonal."""
    (tv, tnext), (ev, enext) = drawn(lambda lib, t: lib.nn.init.orthogonal_(t, gain), shape,
                                     dtype)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(ev, tv, rtol=tol, atol=tol)
    assert tnext.tobytes() == enext.tobytes()
    flat = ev.reshape(shape[0], -1).astype(np.float64) / gain
    small = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    np.testing.assert_allclose(small, np.eye(small.shape[0]), atol=1e-5)


def test_init_linear_default_init_matches_torch():
    for lib in LIBS:
        lib.manual_seed(0)
    t = torch.nn.Linear(7, 5)
    e = ember.nn.Linear(7, 5)
    assert bits(t.weight) == bits(e.weight)
    assert bits(t.bias) == bits(e.bias)


@pytest.mark.parametrize("name,param", [
    ("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
    ("conv_transpose1d", None), ("conv_transpose2d", None), ("conv_transpose3d", None),
    ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
    ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain(name, param):
    t = torch.nn.init.calculate_gain(name, param)
    e = ember.nn.init.calculate_gain(name, param)
    assert type(e) is type(t) and e == t


def raised(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


@pytest.mark.parametrize("case", [
    "gain_unknown", "gain_bool", "gain_str", "fan_1d", "fan_0d", "mode", "kaiming_normal_mode",
    "eye_3d", "dirac_2d", "dirac_groups", "orthogonal_1d", "sparse_3d", "uniform_bounds",
    "xavier_1d", "deprecated_uniform_1d"])
def test_init_errors(case):
    def run(lib):
        init = lib.nn.init
        action = {
            "gain_unknown": lambda: init.calculate_gain("softmax"),
            "gain_bool": lambda: init.calculate_gain("leaky_relu", True),
            "gain_str": lambda: init.calculate_gain("leaky_relu", "0.1"),
            "fan_1d": lambda: init.kaiming_uniform_(lib.empty(3)),
            "fan_0d": lambda: init.kaiming_normal_(lib.empty(())),
            "mode": lambda: init.kaiming_uniform_(lib.empty(2, 2), mode="fan_avg"),
            "kaiming_normal_mode": lambda: init.kaiming_normal_(lib.empty(2, 2), mode="x"),
            "eye_3d": lambda: init.eye_(lib.empty(2, 2, 2)),
            "dirac_2d": lambda: init.dirac_(lib.empty(2, 2)),
            "dirac_groups": lambda: init.dirac_(lib.empty(3, 2, 2), groups=2),
            "orthogonal_1d": lambda: init.orthogonal_(lib.empty(3)),
            "sparse_3d": lambda: init.sparse_(lib.empty(2, 2, 2), 0.5),
            "uniform_bounds": lambda: init.uniform_(lib.empty(2), 1.0, 0.0),
            "xavier_1d": lambda: init.xavier_normal_(lib.empty(4)),
            "deprecated_uniform_1d": lambda: init.xavier_uniform(lib.empty(4)),
        }[case]
        return raised(action)
    t, e = run(torch), run(ember)
    assert e == t, f"\nember: {e}\ntorch: {t}"


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(c.category.__name__, str(c.message)) for c in w]


@pytest.mark.parametrize("name", ["uniform", "normal", "constant", "eye", "dirac",
                                  "xavier_uniform", "xavier_normal", "kaiming_uniform",
                                  "kaiming_normal", "orthogonal", "sparse"])
def test_init_deprecated_aliases(name):
    args = {"constant": (0.5,), "sparse": (0.5,)}.get(name, ())
    shape = (2, 2, 3) if name == "dirac" else (4, 3)
    out = []
    for lib in LIBS:
        lib.manual_seed(1)
        t = lib.empty(shape)
        w = caught(lambda: getattr(lib.nn.init, name)(t, *args))
        out.append((w, t.detach().numpy().tobytes() if name != "orthogonal" else None))
    assert out[0] == out[1]
    assert getattr(ember.nn.init, name).__name__ == name


def test_init_warnings():
    def run(lib):
        init = lib.nn.init
        return [caught(lambda: init.kaiming_uniform_(lib.empty(0, 3))),
                caught(lambda: init.kaiming_normal_(lib.empty(3, 0))),
                caught(lambda: init.trunc_normal_(lib.empty(3), mean=10.0, std=1.0))]
    assert run(ember) == run(torch)


def test_init_trunc_normal_range_and_moments():
    """A hand check that the recipe samples the right distribution."""
    ember.manual_seed(0)
    t = ember.nn.init.trunc_normal_(ember.empty(20000), mean=0.0, std=1.0, a=-1.0, b=2.0)
    v = t.numpy()
    assert v.min() >= -1.0 and v.max() <= 2.0
    # mean of N(0,1) truncated to [-1, 2]
    phi = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)   # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2              # noqa: E731
    mean = (phi(-1.0) - phi(2.0)) / (cdf(2.0) - cdf(-1.0))
    assert abs(v.mean() - mean) < 0.02


def test_init_all_names():
    assert sorted(ember.nn.init.__all__) == sorted(torch.nn.init.__all__)
