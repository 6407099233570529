"""The pointwise / special maths added beside the core family (deg2rad ... bit shifts) and
torch.special, compared with torch (the oracle)."""
import math

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

SHAPES_1 = [(), (3,), (2, 3)]
PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 5)), ((), (3,))]


def both(fn, *arrays):
    tt = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    et = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    return fn(torch, *tt), fn(ember, *et)


def same(t, e, rtol=1e-6, atol=1e-7):
    assert isinstance(e, ember.Tensor)
    assert str(t.dtype) == repr(e.dtype), (t.dtype, e.dtype)
    assert tuple(t.shape) == tuple(e.shape)
    tv, ev = t.detach().numpy(), e.detach().numpy()
    if tv.dtype.kind == "f":
        np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(ev, tv)


def check_same(fn, *arrays, **tol):
    t, e = both(fn, *arrays)
    same(t, e, **tol)


# -- unary differentiable ops: (name, fn, low, high) ----------------------------------------------

UNARY = [
    ("deg2rad", lambda lib, x: lib.deg2rad(x), -3, 3),
    ("rad2deg", lambda lib, x: x.rad2deg(), -3, 3),
    ("sinc", lambda lib, x: lib.sinc(x), -2.5, 2.5),
    ("lgamma", lambda lib, x: x.lgamma(), 0.1, 6),
    ("lgamma_neg", lambda lib, x: lib.lgamma(x - 3.5), 0.1, 0.9),
    ("digamma", lambda lib, x: lib.digamma(x), 0.1, 12),
    ("digamma_neg", lambda lib, x: lib.digamma(x - 2.5), 0.1, 0.9),
    ("polygamma1", lambda lib, x: lib.polygamma(1, x), 0.2, 8),
    ("polygamma1_neg", lambda lib, x: lib.polygamma(1, x - 1.5), 0.1, 0.9),
    ("polygamma2", lambda lib, x: x.polygamma(2), 0.2, 12),
    ("polygamma3", lambda lib, x: lib.polygamma(3, x), 0.5, 4),
    ("mvlgamma", lambda lib, x: lib.mvlgamma(x, 3), 1.2, 5),
    ("mvlgamma1", lambda lib, x: x.mvlgamma(1), 0.2, 5),
    ("erfinv", lambda lib, x: x.erfinv(), -0.95, 0.95),
    ("i0", lambda lib, x: lib.i0(x * 6), -2, 2),
    ("copysign_scalar", lambda lib, x: lib.copysign(x, -1.5), -2, 2),
    ("float_power_scalar", lambda lib, x: lib.float_power(x, 2.5), 0.2, 2),
    ("frexp", lambda lib, x: lib.frexp(x * 5)[0], -2, 2),
    ("xlogy_scalar_other", lambda lib, x: lib.xlogy(x, 1.5), -2, 2),
    ("xlogy_scalar_self", lambda lib, x: lib.xlogy(2.0, x), 0.2, 3),
    ("special_expit", lambda lib, x: lib.special.expit(x), -2, 2),
    ("special_logit", lambda lib, x: lib.special.logit(x), 0.1, 0.9),
    ("special_erf", lambda lib, x: lib.special.erf(x), -2, 2),
    ("special_erfc", lambda lib, x: lib.special.erfc(x), -2, 2),
    ("special_log1p", lambda lib, x: lib.special.log1p(x), 0, 2),
    ("special_expm1", lambda lib, x: lib.special.expm1(x), -2, 2),
    ("special_exp2", lambda lib, x: lib.special.exp2(x), -2, 2),
    ("special_psi", lambda lib, x: lib.special.psi(x), 0.3, 5),
    ("special_gammaln", lambda lib, x: lib.special.gammaln(x), 0.3, 5),
    ("special_multigammaln", lambda lib, x: lib.special.multigammaln(x, 2), 0.8, 5),
    ("special_i0e", lambda lib, x: lib.special.i0e(x * 6), -2, 2),
    ("special_i1", lambda lib, x: lib.special.i1(x * 6), -2, 2),
    ("special_i1e", lambda lib, x: lib.special.i1e(x * 6), -2, 2),
    ("special_sinc", lambda lib, x: lib.special.sinc(x), -2, 2),
    ("special_entr", lambda lib, x: lib.special.entr(x), 0.1, 3),
    ("special_ndtr", lambda lib, x: lib.special.ndtr(x), -3, 3),
    ("special_ndtri", lambda lib, x: lib.special.ndtri(x), 0.02, 0.98),
    ("special_log_ndtr", lambda lib, x: lib.special.log_ndtr(x * 3), -2, 2),
    ("special_xlog1py_other", lambda lib, x: lib.special.xlog1py(x, 0.5), -2, 2),
    ("special_round", lambda lib, x: lib.special.round(x), -2, 2),
]


@pytest.mark.parametrize("name,fn,low,high", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, fn, low, high):
    for shape in SHAPES_1:
        check_op(fn, [shape], low=low, high=high)


DOUBLE = [u for u in UNARY if u[0] not in ("frexp", "special_round")]


@pytest.mark.parametrize("name,fn,low,high", DOUBLE, ids=[u[0] for u in DOUBLE])
def test_unary_double_backward(name, fn, low, high):
    check_double_backward(fn, [(2, 3)], low=low, high=high)


@pytest.mark.parametrize("name,fn,low,high", UNARY[:14], ids=[u[0] for u in UNARY[:14]])
def test_unary_gradcheck(name, fn, low, high):
    gradcheck(fn, [(4,)], low=low, high=high)


# -- binary differentiable ops ----------------------------------------------------------------

BINARY = [
    ("xlogy", lambda lib, x, y: lib.xlogy(x, y + 2.5), -2, 2),
    ("xlogy_method", lambda lib, x, y: x.xlogy(y + 2.5), -2, 2),
    ("special_xlogy", lambda lib, x, y: lib.special.xlogy(x, y + 2.5), -2, 2),
    ("special_xlog1py", lambda lib, x, y: lib.special.xlog1py(x, y), -0.9, 2),
    ("copysign", lambda lib, x, y: lib.copysign(x, y), -2, 2),
    ("float_power", lambda lib, x, y: lib.float_power(x + 2.5, y), -2, 2),
    ("ldexp", lambda lib, x, y: lib.ldexp(x, y), -2, 2),
    ("logaddexp", lambda lib, x, y: lib.logaddexp(x, y), -3, 3),
    ("logaddexp2", lambda lib, x, y: x.logaddexp2(y), -3, 3),
    ("nextafter", lambda lib, x, y: lib.nextafter(x, y), -2, 2),
]


@pytest.mark.parametrize("name,fn,low,high", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, fn, low, high):
    for shapes in PAIRS:
        check_op(fn, list(shapes), low=low, high=high)


DOUBLE2 = [b for b in BINARY if b[0] != "nextafter"]


@pytest.mark.parametrize("name,fn,low,high", DOUBLE2, ids=[b[0] for b in DOUBLE2])
def test_binary_double_backward(name, fn, low, high):
    check_double_backward(fn, [(2, 3), (3,)], low=low, high=high)


def test_xlogy_gradcheck():
    gradcheck(lambda lib, x, y: lib.xlogy(x, y + 2.5), [(3,), (3,)])


def test_logaddexp_gradcheck():
    gradcheck(lambda lib, x, y: lib.logaddexp(x, y), [(2, 3), (3,)])


def test_float_power_scalar_base():
    check_op(lambda lib, x: lib.float_power(2, x), [(3,)])


def test_ldexp_int_exponent():
    e = np.array([1, -2, 3])
    check_op(lambda lib, x, k: lib.ldexp(x, k), None,
             inputs=[np.array([0.5, 1.5, -2.0]), e])


# -- special values and domains ---------------------------------------------------------------

EDGE = np.array([0.0, -0.0, 1.0, 2.0, -1.0, -2.5, -3.0, 0.5, 1e-8, 30.0, 1e6, -100.25,
                 math.inf, -math.inf, math.nan])


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["lgamma", "digamma", "sinc", "i0", "erfinv", "deg2rad",
                                  "signbit", "poly1", "poly2", "poly4"])
def test_special_values(name, dt):
    fns = {"poly1": lambda lib, x: lib.polygamma(1, x), "poly2": lambda lib, x: lib.polygamma(2, x),
           "poly4": lambda lib, x: lib.polygamma(4, x)}
    fn = fns.get(name, lambda lib, x: getattr(lib, name)(x))
    x = EDGE.astype(dt)
    if name in ("poly1", "poly2", "poly4"):
        x = x[np.isfinite(x) & (np.abs(x) < 1e5)]
    if name == "erfinv":
        x = np.array([0.0, -0.0, 1.0, -1.0, 1.5, 0.999, -0.9999, 1e-6, math.nan], dt)
    rtol = 1e-5 if dt == np.float32 else 1e-10
    check_same(fn, x, rtol=rtol, atol=0)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["i0e", "i1", "i1e", "entr", "ndtr", "ndtri", "log_ndtr"])
def test_torch_special_values(name, dt):
    x = np.array([0.0, -0.0, 1.0, -1.0, 3.0, -7.5, 8.5, 12.0, -20.0, 0.25, math.nan], dt)
    if name == "ndtri":
        x = np.array([0.0, 1.0, 1.5, -0.1, 0.5, 0.01, 0.99, 1e-20, 1 - 1e-7, math.nan], dt)
    if name == "log_ndtr":
        x = np.array([-40.0, -30.0, -10.0, -1.5, -1.0, 0.0, 3.0, 40.0, math.nan], dt)
    rtol = 1e-5 if dt == np.float32 else 1e-10
    check_same(lambda lib, v: getattr(lib.special, name)(v), x, rtol=rtol, atol=1e-300)


def test_xlogy_special_values():
    x = np.array([0.0, 0.0, 1.0, 0.0, 2.0], np.float32)
    y = np.array([0.0, math.nan, 0.0, -1.0, math.inf], np.float32)
    check_same(lambda lib, a, b: lib.xlogy(a, b), x, y)
    check_same(lambda lib, a, b: lib.special.xlog1py(a, b), x, y - 1)


def test_copysign_and_heaviside_values():
    x = np.array([0.0, -1.0, 1.0, math.nan, -0.0], np.float32)
    check_same(lambda lib, a: lib.heaviside(a, lib.tensor(0.5)), x)
    check_same(lambda lib, a: lib.copysign(lib.ones(5), a), x)
    check_same(lambda lib, a, b: lib.heaviside(a, b), x, np.arange(5, dtype=np.float32))


def test_copysign_other_grad_is_zero():
    check_op(lambda lib, x, y: lib.copysign(x, y), [(3,), (3,)])
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    xe = ember.tensor([0.0, 1.0], requires_grad=True)
    torch.copysign(x, -1.0).sum().backward()
    ember.copysign(xe, -1.0).sum().backward()
    same(x.grad, xe.grad)


def test_sinc_grad_at_zero():
    for lib in (torch, ember):
        x = lib.tensor([0.0, 0.5], requires_grad=True)
        lib.sinc(x).sum().backward()
        assert x.grad.tolist()[0] == 0.0


def test_i1_grad_at_zero():
    t = torch.tensor([0.0, 1.0], requires_grad=True)
    e = ember.tensor([0.0, 1.0], requires_grad=True)
    torch.special.i1(t).sum().backward()
    ember.special.i1(e).sum().backward()
    same(t.grad, e.grad)
    assert e.grad.tolist()[0] == 0.5


def test_heaviside_not_differentiable():
    check_op(lambda lib, x, v: lib.heaviside(x, v), [(3,), (3,)], grad=False)
    x = ember.tensor([1.0, -1.0], requires_grad=True)
    y = ember.heaviside(x, ember.tensor([0.5, 0.5]))
    assert y.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        y.sum().backward()


def test_frexp():
    x = np.array([0.0, 1.0, -3.5, 1e-3, 1024.0, 0.75], np.float32)
    t, e = both(lambda lib, a: lib.frexp(a), x)
    assert type(e).__name__ == "frexp"
    same(t.mantissa, e.mantissa)
    same(t.exponent, e.exponent)
    m, k = e
    assert m is e[0] and k is e[1]
    assert repr(e).startswith("torch.return_types.frexp(\nmantissa=")
    assert e.exponent.grad_fn is None


# -- dtype promotion --------------------------------------------------------------------------

I64 = np.array([1, 2, 3])
BOOL = np.array([True, False, True])
F32 = np.array([0.5, 1.5, 2.5], np.float32)
F64 = np.array([0.5, 1.5, 2.5])


@pytest.mark.parametrize("expr", [
    "lib.lgamma(i)", "lib.digamma(i)", "lib.polygamma(1, i)", "lib.polygamma(2, i)",
    "lib.mvlgamma(i + 3, 2)", "lib.erfinv(i)", "lib.i0(i)", "lib.sinc(b)", "lib.sinc(i)",
    "lib.deg2rad(i)", "lib.rad2deg(b)", "lib.copysign(i, i)", "lib.copysign(i, -1)",
    "lib.copysign(b, b)", "lib.copysign(f, d)", "lib.heaviside(i, i)", "lib.heaviside(b, b)",
    "lib.float_power(i, 2)", "lib.float_power(i, i)", "lib.float_power(2, i)",
    "lib.float_power(f, 2.5)", "d.clone().float_power_(i)", "lib.ldexp(f, i)",
    "lib.ldexp(i, i)", "lib.ldexp(f, d)", "lib.logaddexp(f, d)", "lib.nextafter(f, d)",
    "lib.xlogy(i, i)", "lib.xlogy(2, i)", "lib.xlogy(i, 2)", "lib.xlogy(b, b)",
    "lib.xlogy(f, 2.5)", "lib.special.xlog1py(i, i)", "lib.special.i0e(i)",
    "lib.special.i1(i)", "lib.special.i1e(b)", "lib.special.entr(i)", "lib.special.ndtr(i)",
    "lib.special.ndtri(i)", "lib.special.log_ndtr(i)", "lib.special.expit(i)",
    "lib.special.logsumexp(f, 0)", "lib.special.softmax(f, 0)",
    "lib.special.log_softmax(d, 0)", "lib.special.softmax(f, 0, dtype=lib.float64)",
    "lib.signbit(i)", "lib.signbit(b)", "lib.signbit(-f)", "lib.positive(i)",
    "lib.gcd(i, i.int())", "lib.lcm(-i, i)", "lib.gcd(-i, lib.tensor([0, 4, -6]))",
    "lib.gcd(i, i).dtype and lib.gcd(lib.tensor([12, 18]), lib.tensor([8, 27]))",
    "lib.lcm(lib.tensor([4, 6, 0]), lib.tensor([6, 4, 5]))",
])
def test_promotion_and_values(expr):
    def fn(lib, i, b, f, d):
        return eval(expr)
    check_same(fn, I64, BOOL, F32, F64)


def test_signbit_negative_zero():
    check_same(lambda lib, x: lib.signbit(x), np.array([-0.0, 0.0, -1.0, math.nan]))


def test_positive_is_self():
    x = ember.tensor([1.0, -2.0])
    assert ember.positive(x) is x and x.positive() is x


@pytest.mark.parametrize("expr", [
    "lib.bitwise_left_shift(i, i)", "lib.bitwise_left_shift(i, 2)",
    "lib.bitwise_left_shift(2, i)", "lib.bitwise_right_shift(-i, 1)",
    "lib.bitwise_left_shift(i, 70)", "lib.bitwise_right_shift(i, 70)",
    "lib.bitwise_right_shift(-i, 70)", "lib.bitwise_left_shift(i, -1)",
    "i << 2", "i << i", "2 << i", "i >> 1", "-i >> i", "16 >> i", "i.int() << 3",
    "lib.tensor([200, 3], dtype=lib.uint8) >> lib.tensor([3, 9], dtype=lib.uint8)",
    "lib.tensor([100, 3], dtype=lib.int8) << 2", "i.bitwise_left_shift(i)",
    "i.clone().bitwise_right_shift_(1)", "i.clone().__ilshift__(2)",
])
def test_shifts(expr):
    def fn(lib, i):
        return eval(expr)
    check_same(fn, np.array([1, 2, 3]))


# -- in-place forms ---------------------------------------------------------------------------

INPLACE = [
    ("deg2rad_", lambda x: x.deg2rad_()), ("rad2deg_", lambda x: x.rad2deg_()),
    ("sinc_", lambda x: x.sinc_()), ("lgamma_", lambda x: x.lgamma_()),
    ("digamma_", lambda x: x.digamma_()), ("polygamma_", lambda x: x.polygamma_(1)),
    ("mvlgamma_", lambda x: x.mvlgamma_(1)), ("erfinv_", lambda x: (x / 4).erfinv_()),
    ("i0_", lambda x: x.i0_()), ("copysign_", lambda x: x.copysign_(-1.0)),
    ("xlogy_", lambda x: x.xlogy_(2.0)), ("float_power_", lambda x: x.double().float_power_(2)),
    ("ldexp_", lambda x: x.ldexp_(x.detach() * 0 + 2)),
    ("nextafter_", lambda x: x.nextafter_(x.detach() * 0)),
]


@pytest.mark.parametrize("name,fn", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace(name, fn):
    a = np.array([0.5, 1.5, 2.5], np.float32)
    results = []
    for lib in (torch, ember):
        leaf = lib.tensor(a, requires_grad=True)
        x = leaf * 1
        y = fn(x)
        names = type(y.grad_fn).__name__
        up = lib.tensor(np.array([0.3, -1.0, 2.0], np.float32))
        y.backward(up.to(y.dtype))
        results.append((y, names, leaf.grad))
    (ty, tn, tg), (ey, en, eg) = results
    same(ty, ey, rtol=1e-5, atol=1e-6)
    assert tn == en
    same(tg, eg, rtol=1e-5, atol=1e-6)


def test_module_level_inplace():
    for name in ["deg2rad_", "rad2deg_", "sinc_", "i0_"]:
        t = torch.tensor([0.5, 1.5])
        e = ember.tensor([0.5, 1.5])
        r = getattr(ember, name)(e)
        getattr(torch, name)(t)
        assert r is e
        same(t, e)
    t, e = both(lambda lib, a, b: getattr(lib, "gcd_")(a, b), np.array([4, 6]), np.array([6, 9]))
    same(t, e)


# -- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fn,args", [
    (lambda lib, x: lib.polygamma(-1, x), [F32]),
    (lambda lib, x: lib.polygamma(2.5, x), [F32]),
    (lambda lib, x: lib.mvlgamma(x, 0), [F32]),
    (lambda lib, x: lib.mvlgamma(x, 2.0), [F32]),
    (lambda lib, x: lib.mvlgamma(x, 2), [BOOL]),
    (lambda lib, x, y: lib.heaviside(x, y), [F32, F64]),
    (lambda lib, x: lib.heaviside(x, 0.5), [F32]),
    (lambda lib, x: x.float_power_(2), [F32]),
    (lambda lib, x: lib.ldexp(x, 2), [F32]),
    (lambda lib, x: lib.frexp(x), [I64]),
    (lambda lib, x: lib.logaddexp(x, x), [I64]),
    (lambda lib, x: lib.logaddexp(x, 1.0), [F32]),
    (lambda lib, x: lib.logaddexp2(x, x), [BOOL]),
    (lambda lib, x: lib.nextafter(x, x), [I64]),
    (lambda lib, x: lib.gcd(x, x), [F32]),
    (lambda lib, x: lib.gcd(x, x), [BOOL]),
    (lambda lib, x: lib.lcm(x, 2), [I64]),
    (lambda lib, x: lib.bitwise_left_shift(x, x), [F32]),
    (lambda lib, x: lib.bitwise_right_shift(x, x), [BOOL]),
    (lambda lib, x: x << 1, [F32]),
    (lambda lib, x: x >> 1, [F32]),
    (lambda lib, x: lib.positive(x), [BOOL]),
    (lambda lib: lib.xlogy(2, 3), []),
    (lambda lib, x: lib.special.round(x), [I64]),
    (lambda lib, x, y: lib.xlogy(x, y), [np.ones((2, 3)), np.ones((4,))]),
    (lambda lib, x, y: lib.copysign(x, y), [np.ones((2, 3)), np.ones((4,))]),
    (lambda lib, x: x.clone().copysign_(x), [I64]),
])
def test_errors(fn, args):
    check_error(fn, *args)


def test_special_namespace():
    names = ["expit", "logit", "erf", "erfc", "erfinv", "log1p", "expm1", "exp2", "digamma",
             "psi", "gammaln", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "sinc",
             "round", "softmax", "log_softmax", "xlogy", "xlog1py", "entr", "ndtr", "ndtri",
             "log_ndtr", "logsumexp"]
    for n in names:
        assert hasattr(torch.special, n) and hasattr(ember.special, n), n
    check_op(lambda lib, x: lib.special.softmax(x, 1), [(2, 3)])
    check_op(lambda lib, x: lib.special.log_softmax(x, 0), [(2, 3)])
    check_op(lambda lib, x: lib.special.logsumexp(x, 1, keepdim=True), [(2, 3)])
    check_op(lambda lib, x: lib.special.round(x, decimals=1), [(2, 3)])
