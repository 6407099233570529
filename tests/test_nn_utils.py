"""ember.nn.utils against torch.nn.utils: clip_grad_norm_ (bit-identical total norm and
clipped gradients), clip_grad_value_, get_total_norm, clip_grads_with_norm_,
parameters_to_vector and vector_to_parameters."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember

LIBS = (torch, ember)


def params_with_grads(lib, arrays, grads=None):
    ps = [lib.nn.Parameter(lib.tensor(a)) for a in arrays]
    for p, a, g in zip(ps, arrays, grads or [a * 1.5 for a in arrays]):
        if g is not None:
            p.grad = lib.tensor(g)
    return ps


def random_arrays(rng, shapes, dtype, scale=None):
    return [(rng.standard_normal(s) * (scale or rng.uniform(0.01, 10))).astype(dtype)
            for s in shapes]


def both_clip(arrays, max_norm, norm_type=2.0, grads=None, **kw):
    """clip_grad_norm_ on the same parameters in both libs: (total norm, clipped grads)."""
    out = []
    for lib in LIBS:
        ps = params_with_grads(lib, arrays, grads)
        total = lib.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type, **kw)
        out.append((total, [None if p.grad is None else p.grad.numpy() for p in ps]))
    return out


def assert_same_bits(t, e):
    assert str(t.dtype) == repr(e.dtype)
    assert tuple(t.shape) == tuple(e.shape)
    assert t.numpy().tobytes() == e.numpy().tobytes(), f"ember {e} != torch {t}"


SHAPES = [
    [(3,)], [(8,)], [(13,)], [(4, 5)], [(64, 33)], [(7,), (3, 3), ()],
    [(), ()], [(12,), (1,), (2, 9)], [(300,)], [(5, 4, 3), (11,), (6, 6)],
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm_type", [2.0, 1, math.inf, 3.0, 0.5, -math.inf, 0, "inf"])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_clip_grad_norm_bit_identical(shapes, norm_type, dtype):
    rng = np.random.default_rng(len(shapes) * 7 + sum(len(s) for s in shapes))
    arrays = random_arrays(rng, shapes, dtype)
    for max_norm in (0.5, 1e4):          # clipping and not clipping
        (tt, tg), (et, eg) = both_clip(arrays, max_norm, norm_type)
        assert_same_bits(tt, et)
        for a, b in zip(tg, eg):
            assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("seed", range(8))
def test_clip_grad_norm_bit_identical_random_sizes(seed):
    """Every tail length of the vectorised 2-norm (sizes 1 to 40, 8 lanes of float, 4 of
    double) and a few bigger tensors."""
    rng = np.random.default_rng(100 + seed)
    dtype = (np.float32, np.float64)[seed % 2]
    shapes = [(int(n),) for n in rng.integers(1, 41, size=6)] + [(int(rng.integers(50, 900)),)]
    arrays = random_arrays(rng, shapes, dtype)
    (tt, tg), (et, eg) = both_clip(arrays, 1.0)
    assert_same_bits(tt, et)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(tg, eg))


def test_clip_grad_norm_mixed_dtypes_and_missing_grads():
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((5, 3)).astype(np.float32),
              rng.standard_normal(7).astype(np.float64),
              rng.standard_normal(4).astype(np.float32)]
    grads = [arrays[0] * 2, None, arrays[2] * 3]
    (tt, tg), (et, eg) = both_clip(arrays, 0.7, grads=grads)
    assert_same_bits(tt, et)
    assert tg[1] is None and eg[1] is None
    grads = [arrays[0] * 2, arrays[1], None]
    (tt, tg), (et, eg) = both_clip(arrays, 0.7, grads=grads)
    assert_same_bits(tt, et)
    for a, b in zip(tg, eg):
        assert (a is None and b is None) or a.tobytes() == b.tobytes()


def test_clip_grad_norm_values_by_hand():
    p = ember.nn.Parameter(ember.zeros(2))
    p.grad = ember.tensor([3.0, 4.0])
    total = ember.nn.utils.clip_grad_norm_(p, 1.0)
    assert total.item() == 5.0
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-6)
    p.grad = ember.tensor([0.3, 0.4])
    ember.nn.utils.clip_grad_norm_([p], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), np.float32([0.3, 0.4]))


@pytest.mark.parametrize("foreach", [None, True, False])
def test_clip_grad_norm_foreach_and_single_tensor(foreach):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((6, 5)).astype(np.float32)
    out = []
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor(a))
        p.grad = lib.tensor(a * 4)
        total = lib.nn.utils.clip_grad_norm_(p, 2.0, foreach=foreach)
        out.append((total.numpy().tobytes(), p.grad.numpy().tobytes(), total.requires_grad,
                    total.grad_fn))
    assert out[0] == out[1]


def test_clip_grad_norm_module_parameters_generator():
    """A generator of a model's parameters (used twice inside): torch's backward gives the
    gradients, both libraries clip the same ones."""
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    tm(torch.linspace(-2, 2, 12).reshape(3, 4)).pow(2).sum().backward()
    grads = [p.grad.numpy().copy() for p in tm.parameters()]
    ember.manual_seed(0)
    em = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    for p, g in zip(em.parameters(), grads):
        p.grad = ember.tensor(g)
    out = []
    for m in (tm, em):
        total = (torch if m is tm else ember).nn.utils.clip_grad_norm_(m.parameters(), 0.1)
        out.append([total.numpy().tobytes()] + [p.grad.numpy().tobytes()
                                                for p in m.parameters()])
    assert out[0] == out[1]


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = fn()
    return r, [(c.category.__name__, str(c.message)) for c in w]


def test_clip_grad_norm_empty():
    out = []
    for lib in LIBS:
        r1, w1 = caught(lambda: lib.nn.utils.clip_grad_norm_((p for p in []), 1.0))
        r2, w2 = caught(lambda: lib.nn.utils.clip_grad_norm_([], 1.0))
        p = lib.nn.Parameter(lib.ones(2))
        r3, w3 = caught(lambda: lib.nn.utils.clip_grad_norm_([p], 1.0))
        out.append([(r.item(), str(r.dtype), tuple(r.shape)) for r in (r1, r2, r3)] +
                   [w1, w2, w3])
    assert out[0] == out[1]


@pytest.mark.parametrize("bad", [math.inf, math.nan, -math.inf])
@pytest.mark.parametrize("norm_type", [2.0, math.inf, 1])
def test_clip_grad_norm_error_if_nonfinite(bad, norm_type):
    a = np.float32([1.0, 2.0, 3.0])
    g = a.copy()
    g[1] = bad
    out = []
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor(a))
        p.grad = lib.tensor(g)
        try:
            lib.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type, error_if_nonfinite=True)
            err = None
        except RuntimeError as e:
            err = str(e)
        p.grad = lib.tensor(g)
        total = lib.nn.utils.clip_grad_norm_([p], 1.0, norm_type=norm_type)
        out.append((err, total.numpy().tobytes(), p.grad.numpy().tobytes()))
    assert out[0] == out[1]


def test_clip_grad_norm_deprecated_alias():
    out = []
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.full((3,), 2.0)
        total, w = caught(lambda: lib.nn.utils.clip_grad_norm(p, 1.0))
        out.append((total.numpy().tobytes(), w, p.grad.numpy().tobytes()))
    assert out[0] == out[1]


def test_get_total_norm_and_clip_grads_with_norm_():
    rng = np.random.default_rng(3)
    arrays = random_arrays(rng, [(9,), (4, 4)], np.float32)
    out = []
    for lib in LIBS:
        ps = params_with_grads(lib, arrays)
        total = lib.nn.utils.get_total_norm([p.grad for p in ps], norm_type=3.0)
        lib.nn.utils.clip_grads_with_norm_(ps, 0.25, total)
        single = lib.nn.utils.get_total_norm(ps[0].grad)
        out.append([total.numpy().tobytes(), single.numpy().tobytes()] +
                   [p.grad.numpy().tobytes() for p in ps])
    assert out[0] == out[1]


def test_clip_grad_value_():
    rng = np.random.default_rng(4)
    arrays = random_arrays(rng, [(5, 3), (7,)], np.float32, scale=3.0)
    out = []
    for lib in LIBS:
        ps = params_with_grads(lib, arrays)
        ps.append(lib.nn.Parameter(lib.ones(2)))           # no grad: skipped
        r = lib.nn.utils.clip_grad_value_(ps, 1.5)
        single = lib.nn.Parameter(lib.tensor(arrays[1]))
        single.grad = lib.tensor(arrays[1] * 10)
        lib.nn.utils.clip_grad_value_(single, 2, foreach=True)
        gen_params = params_with_grads(lib, arrays)
        lib.nn.utils.clip_grad_value_((p for p in gen_params), 0.5, foreach=False)
        out.append([r, ps[2].grad] + [p.grad.numpy().tobytes() for p in ps[:2]] +
                   [single.grad.numpy().tobytes()] +
                   [p.grad.numpy().tobytes() for p in gen_params])
    assert out[0] == out[1]


def test_clip_grad_value_nan_stays_nan():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.tensor([float("nan"), 5.0, -5.0])
        lib.nn.utils.clip_grad_value_([p], 1.0)
        np.testing.assert_array_equal(p.grad.numpy(), np.float32([np.nan, 1.0, -1.0]))


def test_parameters_to_vector_and_back():
    out = []
    for lib in LIBS:
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Linear(2, 1, bias=False))
        vec = lib.nn.utils.parameters_to_vector(m.parameters())
        info = [tuple(vec.shape), type(vec.grad_fn).__name__, vec.requires_grad,
                vec.detach().numpy().tobytes()]
        (vec * lib.arange(vec.numel(), dtype=vec.dtype)).sum().backward()
        info.append([p.grad.numpy().tolist() for p in m.parameters()])
        new = lib.arange(11, dtype=lib.float32) / 10
        w = m[0].weight
        lib.nn.utils.vector_to_parameters(new, m.parameters())
        info += [m[0].weight is w, [p.detach().numpy().tolist() for p in m.parameters()],
                 [tuple(p.shape) for p in m.parameters()]]
        with lib.no_grad():
            new[0] = 100.0                            # the parameters share vec's memory
        info.append(m[0].weight[0, 0].item())
        out.append(info)
    assert out[0] == out[1]


@pytest.mark.parametrize("case", ["not_tensor", "empty", "non_contiguous"])
def test_parameters_vector_errors(case):
    def run(lib):
        action = {
            "not_tensor": lambda: lib.nn.utils.vector_to_parameters([1.0], []),
            "empty": lambda: lib.nn.utils.parameters_to_vector([]),
            "non_contiguous": lambda: lib.nn.utils.parameters_to_vector(
                [lib.nn.Parameter(lib.ones(2, 3)).t()]),
        }[case]
        try:
            action()
        except Exception as e:  # noqa: BLE001 - type and text are compared
            return type(e).__name__, str(e)
        return None
    t, e = run(torch), run(ember)
    assert e == t, f"\nember: {e}\ntorch: {t}"


def test_nn_utils_names():
    for name in ("clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
                 "clip_grads_with_norm_", "parameters_to_vector", "vector_to_parameters"):
        assert name in torch.nn.utils.__all__
        assert callable(getattr(ember.nn.utils, name))
