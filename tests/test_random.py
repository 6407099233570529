"""ember's random numbers against the installed torch, bit for bit.

Each test seeds both libraries the same way, runs the same sequence of calls on each
(``fn(lib)`` with lib = torch or ember) and compares every result with
``np.testing.assert_array_equal`` (values, dtype and shape)."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.random
from _oracle import check_error

SEEDS = (0, 42, 123456789, 2**40 + 7)
SIZES = (1, 3, 15, 16, 17, 1000, 12345)
FLOATS = ("float32", "float64")


def _np(x):
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return x.detach().numpy()
    return np.asarray(x)


def same(fn, seed=0):
    """fn(lib) after lib.manual_seed(seed): every returned value equal, bit for bit (or the
    same exception, when torch raises one)."""
    torch.manual_seed(seed)
    try:
        t_out = fn(torch)
    except Exception as exc:       # noqa: BLE001 - whatever torch raises, ember must too
        ember.manual_seed(seed)
        with pytest.raises(type(exc)) as info:
            fn(ember)
        assert str(info.value) == str(exc)
        return
    ember.manual_seed(seed)
    e_out = fn(ember)
    t_out = t_out if isinstance(t_out, (list, tuple)) else [t_out]
    e_out = e_out if isinstance(e_out, (list, tuple)) else [e_out]
    assert len(t_out) == len(e_out)
    for i, (a, b) in enumerate(zip(t_out, e_out)):
        a, b = _np(a), _np(b)
        assert a.dtype == b.dtype, f"result {i}: dtype {b.dtype} != torch {a.dtype}"
        assert a.shape == b.shape, f"result {i}: shape {b.shape} != torch {a.shape}"
        np.testing.assert_array_equal(b, a, err_msg=f"result {i} (seed {seed})")


def dt(lib, name):
    return getattr(lib, name)


# -- golden values (from torch 2.13 on x86-64) ---------------------------------------------

def test_rand_golden():
    ember.manual_seed(0)
    np.testing.assert_allclose(ember.rand(3).numpy(), [0.4963, 0.7682, 0.0885], atol=1e-4)


def test_randn_golden():
    ember.manual_seed(0)
    np.testing.assert_allclose(ember.randn(3).numpy(), [1.5410, -0.2934, -2.1788], atol=1e-4)


def test_rand_golden_bits():
    """Exact bits, recorded from torch 2.13: 24-bit uniforms are multiples of 2**-24."""
    ember.manual_seed(0)
    assert (ember.rand(3).numpy().astype(np.float64) * 2**24).tolist() == [
        8325804.0, 12888623.0, 1484405.0]
    ember.manual_seed(0)
    assert [float(v).hex() for v in ember.randn(3).tolist()] == [
        "0x1.8a7eb80000000p+0", "-0x1.2c78a00000000p-2", "-0x1.16e2920000000p+1"]


def test_linear_init_golden():
    """nn.Linear(3, 2)'s default init is weight.uniform_(-b, b) then bias.uniform_(-c, c)."""
    ember.manual_seed(0)
    a = math.sqrt(5)
    bound = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + a ** 2)) / math.sqrt(3))
    w = ember.empty(2, 3)
    with ember.no_grad():
        w.uniform_(-bound, bound)
    np.testing.assert_allclose(w.numpy(), [[-0.0043, 0.3097, -0.4752], [-0.4249, -0.2224, 0.1548]],
                               atol=1e-4)


# -- rand / randn over seeds, sizes, dtypes -------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
def test_randn(n, dtype):
    for seed in SEEDS[:2]:
        same(lambda L: L.randn(n, dtype=dt(L, dtype)), seed)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
def test_rand(n, dtype):
    for seed in SEEDS[:2]:
        same(lambda L: L.rand(n, dtype=dt(L, dtype)), seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_randn_seeds_large(seed):
    same(lambda L: [L.randn(3001), L.randn(17, 33), L.randn(5, 16, dtype=L.float64)], seed)


def test_randn_shapes():
    same(lambda L: [L.randn(2, 3), L.randn((4, 5)), L.randn([2, 2, 4]), L.randn(()),
                    L.randn(0), L.randn(3, 0), L.rand(L.Size([2, 8])), L.rand(2, 3, 4)])


def test_randn_float16():
    same(lambda L: [L.randn(5, dtype=L.float16), L.randn(16, dtype=L.float16),
                    L.randn(17, dtype=L.float16), L.randn(300, dtype=L.float16),
                    L.rand(33, dtype=L.float16)])


def test_randn_complex():
    same(lambda L: [L.randn(5, dtype=L.complex64), L.randn(20, dtype=L.complex128),
                    L.randn(3, 4, dtype=L.complex64), L.rand(7, dtype=L.complex64),
                    L.zeros(4, 3, dtype=L.complex64).t().normal_(),
                    L.zeros(5, 4, dtype=L.complex128).t().uniform_(-1, 2),
                    L.zeros(20, dtype=L.complex64).normal_(1, 2)])


# -- interleavings and the normal cache -----------------------------------------------------

def test_randn_cache_across_calls():
    """randn(3) then randn(1) equals randn(4): the second Box-Muller sample is cached."""
    ember.manual_seed(3)
    a = np.concatenate([ember.randn(3).numpy(), ember.randn(1).numpy()])
    ember.manual_seed(3)
    np.testing.assert_array_equal(a, ember.randn(4).numpy())
    same(lambda L: [L.randn(3), L.randn(1)], 3)


def test_interleaved_sequence():
    same(lambda L: [L.randn(3), L.rand(2), L.randn(1), L.randn(20), L.randn(5),
                    L.randn(2, dtype=L.float64), L.rand(7, dtype=L.float64), L.randn(1),
                    L.randint(10, (4,)), L.randn(7), L.randperm(6), L.randn(33)])


def test_avx_path_leaves_cache():
    """The >= 16 float path neither reads nor clears the cached double sample."""
    same(lambda L: [L.randn(1), L.randn(16), L.randn(1), L.randn(3)])


def test_manual_seed_clears_cache():
    ember.manual_seed(0)
    ember.randn(1)
    ember.manual_seed(0)
    a = ember.randn(2).numpy()
    ember.manual_seed(0)
    np.testing.assert_array_equal(a, ember.randn(2).numpy())


# -- generators -----------------------------------------------------------------------------

def test_generator_object():
    def fn(L):
        g = L.Generator().manual_seed(77)
        return [L.rand(3, generator=g), L.randn(20, generator=g), L.randn(3, generator=g),
                L.rand(2), L.randperm(5, generator=g), L.randint(9, (4,), generator=g),
                L.empty(5).uniform_(-2, 2, generator=g), L.empty(4).normal_(generator=g),
                g.initial_seed()]
    same(fn, 5)


def test_generator_default_seed():
    same(lambda L: [L.Generator().initial_seed(), L.rand(3, generator=L.Generator())])


def test_generator_manual_seed_returns_self():
    g = ember.Generator()
    assert g.manual_seed(1) is g
    assert ember.manual_seed(1) is ember.default_generator
    assert ember.random.manual_seed(2) is ember.default_generator
    assert ember.initial_seed() == 2


def test_generators_independent():
    g1 = ember.Generator().manual_seed(5)
    ember.manual_seed(5)
    a = ember.rand(4, generator=g1).numpy()
    b = ember.rand(4).numpy()
    np.testing.assert_array_equal(a, b)


def test_seed_nondeterministic():
    s = ember.seed()
    assert 0 <= s < 2**64 and ember.initial_seed() == s
    a = ember.rand(3).numpy()
    ember.manual_seed(s)
    np.testing.assert_array_equal(a, ember.rand(3).numpy())
    g = ember.Generator()
    s2 = g.seed()
    assert g.initial_seed() == s2


@pytest.mark.parametrize("seed", [-1, 2**63 + 5, 2**64 - 1, 1.5, -2**63])
def test_manual_seed_range(seed):
    same(lambda L: [L.manual_seed(seed).initial_seed(), L.initial_seed(), L.rand(3)])


# -- state: round trips and interchange with torch ------------------------------------------

def _state_after(L, calls):
    for c in calls:
        c(L)
    return L.get_rng_state()


@pytest.mark.parametrize("calls", [
    [],
    [lambda L: L.rand(5)],
    [lambda L: L.rand(624)],
    [lambda L: L.rand(1248)],
    [lambda L: L.randn(3)],
    [lambda L: L.randn(3), lambda L: L.randn(1)],
    [lambda L: L.randn(1000), lambda L: L.rand(7, dtype=L.float64)],
])
def test_state_bytes_equal_torch(calls):
    same(lambda L: _state_after(L, calls), 11)


def test_state_round_trip():
    ember.manual_seed(9)
    ember.randn(5)                       # leaves a cached normal sample
    st = ember.get_rng_state()
    assert st.dtype == ember.uint8 and tuple(st.shape) == (5056,)
    a = [ember.randn(3).numpy(), ember.rand(700).numpy()]
    ember.set_rng_state(st)
    b = [ember.randn(3).numpy(), ember.rand(700).numpy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_state_from_torch_to_ember():
    torch.manual_seed(21)
    torch.randn(3)
    torch.rand(1000)
    st = torch.get_rng_state()
    expected = [torch.randn(5).numpy(), torch.rand(9).numpy(), torch.randn(40).numpy()]
    ember.set_rng_state(ember.tensor(st.numpy()))
    got = [ember.randn(5).numpy(), ember.rand(9).numpy(), ember.randn(40).numpy()]
    for x, y in zip(expected, got):
        np.testing.assert_array_equal(y, x)


def test_state_from_ember_to_torch():
    ember.manual_seed(4)
    ember.randn(7)
    ember.rand(650)
    st = ember.get_rng_state()
    got = [ember.randn(1).numpy(), ember.rand(3).numpy()]
    torch.set_rng_state(torch.from_numpy(st.numpy().copy()))
    expected = [torch.randn(1).numpy(), torch.rand(3).numpy()]
    for x, y in zip(expected, got):
        np.testing.assert_array_equal(y, x)


def test_generator_state():
    g = ember.Generator().manual_seed(3)
    ember.rand(10, generator=g)
    st = g.get_state()
    a = ember.randn(4, generator=g).numpy()
    g2 = ember.Generator()
    g2.set_state(st)
    np.testing.assert_array_equal(a, ember.randn(4, generator=g2).numpy())
    assert g2.initial_seed() == 3


def test_fork_rng():
    ember.manual_seed(0)
    with ember.random.fork_rng():
        inside = ember.rand(3).numpy()
        ember.manual_seed(99)
        ember.rand(5)
    after = ember.rand(3).numpy()
    np.testing.assert_array_equal(inside, after)
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)


def test_state_errors():
    check_error(lambda L: L.set_rng_state(L.zeros(10, dtype=L.uint8)))
    check_error(lambda L: L.set_rng_state(L.zeros(5056)))
    check_error(lambda L: L.set_rng_state(L.zeros(5056, dtype=L.uint8)))
    check_error(lambda L: L.manual_seed(2**64))
    check_error(lambda L: L.manual_seed("a"))
    check_error(lambda L: L.Generator().manual_seed("5"))
    check_error(lambda L: L.Generator().manual_seed(1.5))


# -- uniform_ / normal_ and friends ---------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS + ("float16",))
@pytest.mark.parametrize("bounds", [(0, 1), (-0.37, 0.37), (-3, 7.5), (2, 2), (-1e-3, 1e6)])
def test_uniform_(bounds, dtype):
    a, b = bounds
    same(lambda L: [L.empty(1000, dtype=dt(L, dtype)).uniform_(a, b),
                    L.empty(3, 5, dtype=dt(L, dtype)).uniform_(a, b)], 7)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("ms", [(0.5, 0.02), (-3, 7.5), (0, 0.02), (1, 0)])
def test_normal_(ms, n, dtype):
    mean, std = ms
    same(lambda L: L.empty(n, dtype=dt(L, dtype)).normal_(mean, std), 1)


def test_inplace_noncontiguous_order():
    """Elements are drawn in memory order (TensorIterator's), views write into their base."""
    def fn(L):
        base = L.zeros(6, 8)
        base[:, ::2].uniform_()
        return [L.zeros(5, 7).t().uniform_(-1, 2), L.zeros(6, 8)[:, 1:5].uniform_(),
                L.zeros(4, 5, 6).permute(2, 0, 1).normal_(), L.zeros(40, 3).t().normal_(1, 2),
                L.zeros(40, 3, dtype=L.float64).t().normal_(), base,
                L.zeros(20, 3).t().random_(0, 100), L.zeros(9, 4).t().exponential_()]
    same(fn, 2)


def test_like_functions_keep_layout():
    same(lambda L: [L.rand_like(L.zeros(5, 7).t()), L.randn_like(L.zeros(8, 7).t()),
                    L.randn_like(L.zeros(3, 4, dtype=L.float64)),
                    L.randint_like(L.zeros(5, 3).t(), 10), L.randint_like(L.zeros(5), 2, 9),
                    L.rand_like(L.zeros(3, 2)[:, :1]), L.randn_like(L.zeros(20), dtype=L.float64)])


def test_inplace_version_and_identity():
    x = ember.zeros(3)
    v = x._version
    assert x.uniform_() is x and x._version == v + 1
    x.normal_()
    x.random_(5)
    x.exponential_()
    x.bernoulli_(0.5)
    assert x._version == v + 5


def test_inplace_leaf_requires_grad():
    check_error(lambda L: L.zeros(3, requires_grad=True).uniform_())
    check_error(lambda L: L.zeros(3, requires_grad=True).normal_())
    check_error(lambda L: L.zeros(3, requires_grad=True).bernoulli_(0.5))


def test_inplace_under_no_grad():
    """nn.init's calls: in-place fills of a leaf that requires grad, under no_grad."""
    same(_under_no_grad)


def _under_no_grad(L):
    w = L.zeros(4, 5, requires_grad=True)
    with L.no_grad():
        w.uniform_(-1, 1)
        a = w.clone()
        w.normal_(0, 0.02)
    assert w.requires_grad and w.grad_fn is None
    return [a, w]


@pytest.mark.parametrize("name, call", [
    ("UniformBackward0", lambda L, y: y.uniform_()),
    ("NormalBackward0", lambda L, y: y.normal_()),
    ("RandomBackward0", lambda L, y: y.random_(0, 5)),
    ("ExponentialBackward0", lambda L, y: y.exponential_()),
    ("BernoulliBackward2", lambda L, y: y.bernoulli_(0.5)),
    ("BernoulliBackward1", lambda L, y: y.bernoulli_(L.full((3,), 0.5))),
    ("GeometricBackward0", lambda L, y: y.geometric_(0.5)),
    ("CauchyBackward0", lambda L, y: y.cauchy_()),
    ("LogNormalBackward0", lambda L, y: y.log_normal_()),
])
def test_inplace_grad_fn_and_zero_grad(name, call):
    for L in (torch, ember):
        L.manual_seed(0)
        x = L.ones(3, requires_grad=True)
        y = call(L, x * 2)
        assert type(y.grad_fn).__name__ == name
        (y * L.arange(3.0)).sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("name, call", [
    ("NormalBackward1", lambda L, m, s: L.normal(m, 1.0)),
    ("NormalBackward2", lambda L, m, s: L.normal(1.0, s)),
    ("NormalBackward3", lambda L, m, s: L.normal(m, s)),
    ("BernoulliBackward0", lambda L, m, s: L.bernoulli(s * 0.5)),
])
def test_out_of_place_grad_fn(name, call):
    for L in (torch, ember):
        L.manual_seed(0)
        m = L.zeros(2, 3, requires_grad=True)
        s = L.ones(3, requires_grad=True)
        y = call(L, m, s)
        assert type(y.grad_fn).__name__ == name
        y.sum().backward()
        for t in (m, s):
            assert t.grad is None or not t.grad.numpy().any()


def test_uniform_from_keyword():
    same(lambda L: L.empty(3).uniform_(**{"from": -1, "to": 1}))


# -- integers -------------------------------------------------------------------------------

def test_randint():
    same(lambda L: [L.randint(10, (100,)), L.randint(-5, 5, (3, 4)), L.randint(0, 2**40, (50,)),
                    L.randint(3, (7,), dtype=L.float32), L.randint(0, 2**33, (5,)),
                    L.randint(low=2, high=9, size=(3,)), L.randint(5, ())], 4)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64", "float32",
                                   "float64", "float16"])
def test_randint_dtypes(dtype):
    same(lambda L: [L.randint(0, 100, (9,), dtype=dt(L, dtype)),
                    L.randint_like(L.zeros(4, dtype=dt(L, dtype)), 3, 50)], 6)


def test_randperm():
    same(lambda L: [L.randperm(10), L.randperm(1), L.randperm(0), L.randperm(1000),
                    L.randperm(7, dtype=L.float32), L.randperm(33, dtype=L.uint8),
                    L.randperm(60000)], 8)


def test_dataloader_shuffle_recipe():
    """DataLoader(shuffle=True): _base_seed, then the sampler's seed, then randperm(n)."""
    def fn(L):
        base = L.empty((), dtype=L.int64).random_().item()
        seed = int(L.empty((), dtype=L.int64).random_().item())
        g = L.Generator()
        g.manual_seed(seed)
        return [base, seed, L.randperm(10, generator=g)]
    same(fn, 0)
    ember.manual_seed(0)
    ember.empty((), dtype=ember.int64).random_()
    seed = int(ember.empty((), dtype=ember.int64).random_().item())
    g = ember.Generator().manual_seed(seed)
    assert ember.randperm(10, generator=g).tolist() == [6, 7, 1, 4, 2, 0, 9, 8, 3, 5]


INT_DTYPES = ("int64", "int32", "int16", "int8", "uint8")


def test_random_():
    same(lambda L: [L.empty(5, dtype=d).random_() for d in
                    (L.int64, L.int32, L.int16, L.int8, L.uint8, L.bool, L.float32, L.float64,
                     L.float16)])
    same(lambda L: [L.empty(5, dtype=d).random_(7) for d in
                    (L.int64, L.int32, L.uint8, L.float32, L.float64)])
    same(lambda L: [L.empty(5, dtype=d).random_(-3, 9) for d in
                    (L.int64, L.int32, L.int8, L.float32, L.float64)])
    same(lambda L: [L.empty(5, dtype=d).random_(3, None) for d in
                    (L.int64, L.int32, L.uint8, L.float32, L.float64)])
    same(lambda L: [L.empty(5, dtype=d).random_(-2**63, None) for d in
                    (L.int64, L.float32, L.float64)])
    same(lambda L: [L.empty(5, dtype=L.int64).random_(0, 2**40),
                    L.empty(5, dtype=L.bool).random_(0, 2)])


def test_random_warns_like_torch():
    for L in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            L.zeros(3).random_(2**25)
        assert any("to - 1 is out of bounds [-(2^24), 2^24]" in str(x.message) for x in w)


# -- bernoulli, normal overloads, other distributions ----------------------------------------

def _mkl_bernoulli_path():
    """torch's bernoulli_(float) takes an MKL (VSL_BRNG_MCG31) path on Intel CPUs."""
    try:
        with open("/proc/cpuinfo") as f:
            intel = "GenuineIntel" in f.read()
    except OSError:
        intel = False
    return intel and torch.backends.mkl.is_available()


def test_bernoulli_tensor_p():
    same(lambda L: [L.bernoulli(L.rand(1000)), L.bernoulli(L.rand(300, dtype=L.float64)),
                    L.zeros(6, 5).bernoulli_(L.rand(5)),
                    L.zeros(4, 30).bernoulli_(L.rand(30, dtype=L.float64)),
                    L.rand(2, 3).bernoulli(), L.zeros(30, dtype=L.int32).bernoulli_(L.rand(30))])


def test_bernoulli_scalar_p():
    def fn(L):
        return [L.bernoulli(L.rand(100), 0.3), L.zeros(50).bernoulli_(0.7),
                L.zeros(50, dtype=L.int64).bernoulli_(0.2), L.zeros(30, dtype=L.bool).bernoulli_()]
    if not _mkl_bernoulli_path():
        same(fn, 12)
    # the default recipe, re-implemented with NumPy: uniform53(random64()) < p
    ember.manual_seed(12)
    ember.rand(100)
    got = ember.zeros(2000).bernoulli_(0.3).numpy()
    bg = np.random.MT19937()
    bg._legacy_seeding(12)
    bg.random_raw(100)
    r = bg.random_raw(4000)
    u = (((r[0::2] << np.uint64(32)) | r[1::2]) & np.uint64(2**53 - 1)) * 2.0 ** -53
    np.testing.assert_array_equal(got, (u < 0.3).astype(np.float32))


def test_normal_overloads():
    same(lambda L: [L.normal(L.zeros(20) + 2, 3.0), L.normal(1.5, L.ones(20) * 2),
                    L.normal(L.ones(3, 20), L.ones(20) * 0.5), L.normal(2, 3, (2, 20)),
                    L.normal(2., 3., size=(5,), dtype=L.float64), L.normal(L.zeros(5), 1.0),
                    L.normal(L.zeros(20, dtype=L.float64), L.ones(20)),
                    L.normal(L.zeros(20), L.ones(20, dtype=L.float64)),
                    L.normal(0.0, 1.0, (3,), generator=L.Generator().manual_seed(1))], 3)


def test_exponential_():
    same(lambda L: [L.empty(1000).exponential_(), L.empty(1000, dtype=L.float64).exponential_(2.5),
                    L.empty(3).exponential_(0.1), L.empty(20, dtype=L.float16).exponential_()], 5)


def test_other_distributions():
    same(lambda L: [L.empty(1000).geometric_(0.3), L.empty(500, dtype=L.float64).geometric_(0.01),
                    L.empty(10, dtype=L.int64).geometric_(0.5), L.empty(1000).cauchy_(),
                    L.empty(500, dtype=L.float64).cauchy_(1.5, 2.0), L.empty(1000).log_normal_(),
                    L.empty(5, dtype=L.float64).log_normal_(0.2, 0.5), L.randn(1)], 6)


def test_multinomial_with_replacement():
    same(lambda L: [L.multinomial(L.tensor([0.1, 0.2, 0.7]), 50, True),
                    L.multinomial(L.rand(4, 10), 20, replacement=True),
                    L.multinomial(L.tensor([0., 3., 1.], dtype=L.float64), 10, True),
                    L.rand(3, 6).multinomial(4, True)], 9)


def test_multinomial_without_replacement():
    same(lambda L: [L.multinomial(L.tensor([0.1, 0.2, 0.7]), 3), L.multinomial(L.rand(4, 10), 5),
                    L.multinomial(L.rand(4, 10), 1),
                    L.multinomial(L.rand(10, dtype=L.float64), 1, True),
                    L.multinomial(L.tensor([0., 1., 1., 0.]), 2)], 9)


def test_multinomial_frequencies():
    """Statistical sanity on top of the bit equality above."""
    ember.manual_seed(0)
    p = np.array([0.1, 0.2, 0.7])
    idx = ember.multinomial(ember.tensor(p), 20000, True).numpy()
    np.testing.assert_allclose(np.bincount(idx, minlength=3) / idx.size, p, atol=0.02)


# -- errors ---------------------------------------------------------------------------------

ERRORS = [
    lambda L: L.rand(3, dtype=L.int64),
    lambda L: L.randn(30, dtype=L.int64),
    lambda L: L.zeros(3, dtype=L.int64).normal_(),
    lambda L: L.zeros(3, dtype=L.int64).exponential_(),
    lambda L: L.zeros(3, dtype=L.int64).cauchy_(),
    lambda L: L.zeros(3, dtype=L.int64).log_normal_(),
    lambda L: L.zeros(3).normal_(0, -1),
    lambda L: L.zeros(3).exponential_(0),
    lambda L: L.zeros(3).bernoulli_(1.5),
    lambda L: L.zeros(3).geometric_(1),
    lambda L: L.zeros(3).log_normal_(0, 0),
    lambda L: L.zeros(3).cauchy_(0, 0),
    lambda L: L.randperm(-1),
    lambda L: L.randperm(300, dtype=L.uint8),
    lambda L: L.randperm(3, dtype=L.bool),
    lambda L: L.rand(-1),
    lambda L: L.randint(5, 3, (2,)),
    lambda L: L.randint(3, 5),
    lambda L: L.randint(0, 300, (2,), dtype=L.uint8),
    lambda L: L.zeros(3).expand(3, 3).uniform_(),
    lambda L: L.bernoulli(L.tensor([1.5])),
    lambda L: L.bernoulli(L.tensor([1, 0])),
    lambda L: L.normal(L.zeros(3), L.tensor([-1., 1, 1])),
    lambda L: L.normal(0., L.tensor([-1., 1, 1])),
    lambda L: L.normal(L.zeros(3), -1.),
    lambda L: L.normal(0., 1.),
    lambda L: L.normal(0., -1., (3,)),
    lambda L: L.normal(L.zeros(3), L.ones(2)),
    lambda L: L.zeros(3).uniform_(1, 0),
    lambda L: L.zeros(3).uniform_(0, float("inf")),
    lambda L: L.zeros(3).uniform_(-3e38, 3e38),
    lambda L: L.zeros(3, dtype=L.int64).uniform_(),
    lambda L: L.multinomial(L.tensor([0.2, 0.3, 0.5]), 4),
    lambda L: L.multinomial(L.tensor([0.2, 0.3, 0.5]), 0),
    lambda L: L.multinomial(L.tensor(1.), 1),
    lambda L: L.multinomial(L.tensor([1, 2]), 1),
    lambda L: L.multinomial(L.tensor([-1., 2]), 1),
    lambda L: L.multinomial(L.tensor([-1., 2]), 2, True),
    lambda L: L.multinomial(L.tensor([0., 0]), 2, True),
    lambda L: L.multinomial(L.tensor([0., 0]), 1),
    lambda L: L.multinomial(L.tensor([float("inf"), 0]), 2, True),
    lambda L: L.multinomial(L.tensor([float("nan"), 0]), 2, True),
    lambda L: L.multinomial(L.ones(2, 2, 2), 1),
    lambda L: L.zeros(3, dtype=L.uint8).random_(-1, 5),
    lambda L: L.zeros(3, dtype=L.bool).random_(0, 3),
    lambda L: L.zeros(3).random_(5, 3),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_random_errors(i):
    check_error(ERRORS[i])


# -- speed ----------------------------------------------------------------------------------

def test_factory_requires_grad():
    for L in (torch, ember):
        t = L.rand(3, requires_grad=True)
        assert t.requires_grad and t.is_leaf and t.grad_fn is None
        assert L.randn_like(t, requires_grad=True).requires_grad
    check_error(lambda L: L.randint(3, (2,), requires_grad=True))
    check_error(lambda L: L.randperm(3, requires_grad=True))


def test_uniform_rounding_to_upper_bound():
    """A value that rounds to ``to`` is replaced by ``from`` (torch's clamp in the kernel)."""
    same(lambda L: [L.empty(20000).uniform_(1e6, 1e6 + 64), L.empty(20000).uniform_(100, 100.5),
                    L.empty(20000, dtype=L.float64).uniform_(1e15, 1e15 + 1),
                    L.empty(20000, dtype=L.float16).uniform_(-2, 3)])


def test_randint_range_from_2_pow_28_draws_64_bits():
    same(lambda L: [L.randint(0, 2**28 - 1, (5,)), L.randint(0, 2**28, (5,)),
                    L.randint(0, 2**31, (3,), dtype=L.int32),
                    L.empty(5, dtype=L.int32).random_(3, None),
                    L.randint(0, 2**29, (3,), dtype=L.float64)])


def test_bernoulli_expand_error():
    check_error(lambda L: L.zeros(3).bernoulli_(L.rand(5)))


def test_out_argument():
    def fn(L):
        o = L.empty(3)
        r = L.rand(3, out=o)
        assert r is o and o._version == 1
        o2 = L.empty(2)
        L.randn(4, out=o2)
        o3 = L.empty(0)
        L.randint(5, (3,), out=o3)
        return [o, o2, o3]
    same(fn)


def test_generator_fresh_state_bytes():
    same(lambda L: [L.Generator().get_state(), L.Generator().manual_seed(-1).get_state()])


def test_float16_distributions():
    """Half runs the float kernels (float uniforms, the AVX2 normal) and casts doubles to half
    through float, as c10::Half does."""
    def fn(L):
        h = L.float16
        return [L.empty(40, dtype=h).normal_(0.5, 2), L.empty(45, dtype=h).normal_(-1, 0.02),
                L.empty(7, dtype=h).normal_(0.3, 3), L.empty(2000, dtype=h).exponential_(0.7),
                L.empty(2000, dtype=h).cauchy_(0.1, 0.5),
                L.empty(2000, dtype=h).log_normal_(0.1, 0.3), L.empty(200, dtype=h).geometric_(0.3),
                L.zeros(40, 3, dtype=h).t().normal_(0.2, 1.5),
                L.empty(3000, dtype=h).uniform_(-0.37, 0.37)]
    for seed in SEEDS[:3]:
        same(fn, seed)
