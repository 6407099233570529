"""Differential fuzzing of the pointwise ops against torch: the same lambda runs on torch and
on ember over randomly drawn operands, and results (values, shape, dtype, signed zeros),
exceptions (type and message), grad_fn names and gradients are compared.

Operands are drawn over every dtype (bool, uint8, int8 ... float64, in mixed pairs to exercise
promotion), shapes (0-d, empty, broadcasting pairs), layouts (contiguous, transposed, strided,
expanded), special values (0, -0.0, inf, nan, integer extremes) and Python int/float/bool
scalars and 0-d tensors.  Every draw is seeded, and a failure names its case: the op, the
form, and the operands (dtype, shape, layout and values).

Known differences left out (see each place): the sign of a zero from softshrink in float64
(torch's own result depends on the CPU's vector width), gcd/lcm of integer extremes (C++
overflow of abs(INT_MIN)), and the last float32 bit of a float op written into a float64
``out=`` (torch's vectorized float32 exp/sin differ from NumPy's by an ulp).
"""
import operator
import warnings

import numpy as np
import pytest
import torch

import ember

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]
TOLS = {"float16": dict(rtol=2e-3, atol=1e-3), "float32": dict(rtol=2e-5, atol=1e-6),
        "float64": dict(rtol=1e-10, atol=1e-12)}
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5, 2.0]
SHAPES = [(), (3,), (2, 3), (0,), (2, 0), (1, 3), (3, 1), (2, 1, 3), (4, 2)]
BCAST = [((2, 3), (3,)), ((3, 1), (1, 4)), ((2, 1, 3), (4, 1)), ((), (2, 3)), ((2, 3), ()),
         ((0, 3), (3,)), ((2, 3), (2, 3)), ((1,), (0,)), ((2, 3), (1, 3))]
SCALARS = [0, 1, 2, -3, 0.5, -2.5, 0.0, -0.0, True, False, 300, 1e5, float("inf"),
           float("nan"), 2 ** 40]


# -- drawing operands ---------------------------------------------------------------------------

def draw_values(rng, dtype, shape, special=True, low=-3.0, high=3.0, extremes=True):
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        v = rng.random(n) < 0.5
    elif dtype in INTS:
        info = np.iinfo(dtype)
        lo, hi = (0, 12) if dtype == "uint8" else (-6, 7)
        v = rng.integers(lo, hi, n).astype(np.int64)
        if special and extremes and n:
            m = rng.random(n) < 0.1
            v[m] = rng.choice([info.min, info.max], m.sum())
        v = v.astype(dtype)
    else:
        v = rng.uniform(low, high, n)
        if special and n:
            m = rng.random(n) < 0.2
            v[m] = rng.choice(SPECIAL, m.sum())
        v = v.astype(dtype)
    return v.reshape(shape)


class Arg:
    """A tensor operand: its values and how it is laid out: c(ontiguous), T(ransposed),
    s(trided: every other element of a wider tensor), e(xpanded from one row); ``grad``
    makes the leaf require grad."""

    def __init__(self, arr, layout="c", grad=False):
        self.arr, self.layout, self.grad = arr, layout, grad

    def __repr__(self):
        return (f"Arg({self.arr.dtype}{list(self.arr.shape)}, {self.layout}"
                f"{', grad' if self.grad else ''}, {self.arr.tolist()!r})")

    def build(self, lib):
        a = self.arr
        dt = lib.bool if a.dtype == np.bool_ else getattr(lib, str(a.dtype))
        lay = self.layout
        if lay == "T" and a.ndim >= 2:
            base = np.ascontiguousarray(np.swapaxes(a, -1, -2))
            leaf = lib.tensor(base, dtype=dt, requires_grad=self.grad)
            return leaf, leaf.transpose(-1, -2)
        if lay == "s" and a.ndim >= 1:
            leaf = lib.tensor(np.repeat(a, 2, axis=-1), dtype=dt, requires_grad=self.grad)
            return leaf, leaf[..., ::2]
        if lay == "e" and a.ndim >= 1 and a.shape[0] > 1:
            leaf = lib.tensor(np.ascontiguousarray(a[:1]), dtype=dt, requires_grad=self.grad)
            return leaf, leaf.expand(a.shape)
        leaf = lib.tensor(a, dtype=dt, requires_grad=self.grad)
        return leaf, leaf


def rand_arg(rng, dtype, shape, grad=False, special=True, layouts="cTse", extremes=True):
    lay = layouts[rng.integers(len(layouts))]
    arr = draw_values(rng, dtype, shape, special, extremes=extremes)
    if lay == "e" and arr.ndim >= 1 and arr.shape[0] > 1:
        arr = np.ascontiguousarray(np.broadcast_to(arr[:1], arr.shape))
    return Arg(arr, lay, grad)


def rand_dtype(rng):
    return DTYPES[rng.integers(len(DTYPES))]


def rand_scalar(rng):
    return SCALARS[rng.integers(len(SCALARS))]


# -- running and comparing ----------------------------------------------------------------------

def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _run(lib, fn, args):
    leaves, built = [], []
    for a in args:
        if isinstance(a, Arg):
            leaf, t = a.build(lib)
            leaves.append(leaf if a.grad else None)
            built.append(t)
        else:
            built.append(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(lib, *built), None, leaves
        except Exception as e:          # noqa: BLE001 - compared with torch's
            return None, e, leaves


def _cmp_tensor(t, e, what, tol=None, signed_zero=True):
    assert isinstance(e, ember.Tensor), f"{what}: ember gave {type(e).__name__}"
    assert tuple(t.shape) == tuple(e.shape), \
        f"{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}"
    assert str(t.dtype) == repr(e.dtype), f"{what}: dtype {e.dtype} != torch {t.dtype}"
    tv = t.detach().numpy(force=True)
    ev = e.detach().numpy()
    if tv.dtype.kind == "f":
        np.testing.assert_allclose(ev, tv, equal_nan=True, err_msg=what,
                                   **(tol or TOLS[str(tv.dtype)]))
        if signed_zero:
            z = (tv == 0) & (ev == 0)
            assert np.array_equal(np.signbit(tv[z]), np.signbit(ev[z])), \
                f"{what}: signs of zeros differ: ember {ev.tolist()} torch {tv.tolist()}"
    else:
        np.testing.assert_array_equal(ev, tv, err_msg=what)


def compare(name, fn, args, grad=False, tol=None, signed_zero=True):
    """fn(lib, *operands) on torch and on ember: the same result or the same exception;
    with ``grad``, the same gradients of every leaf under a random upstream gradient."""
    what = f"[{name}] operands={args!r}"
    t_out, t_exc, t_leaves = _run(torch, fn, args)
    e_out, e_exc, e_leaves = _run(ember, fn, args)
    if t_exc is not None:
        assert e_exc is not None, \
            f"{what}: ember raised nothing, torch {type(t_exc).__name__}: {t_exc}"
        assert (type(e_exc).__name__, str(e_exc)) == (type(t_exc).__name__, str(t_exc)), \
            f"{what}:\n ember {type(e_exc).__name__}: {e_exc}\n torch " \
            f"{type(t_exc).__name__}: {t_exc}"
        return
    if e_exc is not None:
        raise AssertionError(f"{what}: ember raised {type(e_exc).__name__}: {e_exc}") from e_exc
    to, eo = _flat(t_out), _flat(e_out)
    assert len(to) == len(eo), what
    for i, (a, b) in enumerate(zip(to, eo)):
        if isinstance(a, torch.Tensor):
            _cmp_tensor(a, b, f"{what} output {i}", tol, signed_zero)
            tn = type(a.grad_fn).__name__ if a.grad_fn is not None else None
            en = type(b.grad_fn).__name__ if b.grad_fn is not None else None
            assert tn == en, f"{what} output {i}: grad_fn {en} != torch {tn}"
            assert a.requires_grad == b.requires_grad, f"{what} output {i}: requires_grad"
        else:
            assert type(a) is type(b) and (a == b or (a != a and b != b)), \
                f"{what} output {i}: {b!r} != torch {a!r}"
    if not grad:
        return
    diff = [(a, b) for a, b in zip(to, eo) if isinstance(a, torch.Tensor) and a.requires_grad]
    if not diff:
        return
    rng = np.random.default_rng(len(name))
    ups = [rng.standard_normal(tuple(a.shape)).astype(str(a.dtype)[6:]) for a, _ in diff]
    torch.autograd.backward([a for a, _ in diff], [torch.tensor(u) for u in ups])
    ember.autograd.backward([b for _, b in diff], [ember.tensor(u) for u in ups])
    for i, (tl, el) in enumerate(zip(t_leaves, e_leaves)):
        if tl is None:
            continue
        if tl.grad is None:
            assert el.grad is None or not np.any(el.grad.numpy()), \
                f"{what} grad {i}: torch has none"
            continue
        assert el.grad is not None, f"{what} grad {i}: ember has none"
        gtol = {k: v * 10 for k, v in TOLS[str(tl.dtype)[6:]].items()}
        _cmp_tensor(tl.grad, el.grad, f"{what} grad of operand {i}", gtol, signed_zero)


# -- unary ops ----------------------------------------------------------------------------------

UNARY = ["abs", "neg", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
         "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "asinh", "acosh", "atanh", "erf", "erfc", "sigmoid", "logit", "floor", "ceil",
         "round", "trunc", "frac", "fix", "sign", "sgn", "reciprocal", "square", "relu",
         "logical_not", "bitwise_not", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
         "nan_to_num", "positive", "signbit"]


@pytest.mark.parametrize("name", UNARY)
def test_fuzz_unary(name):
    """torch.op(x), x.op() and x.clone().op_() over every dtype, shape, layout and special
    values (int tensors into float ops, in-place ops whose float result can't be cast back)."""
    rng = np.random.default_rng(sum(map(ord, name)))
    for k in range(90):
        x = rand_arg(rng, rand_dtype(rng), SHAPES[rng.integers(len(SHAPES))])
        form = k % 3
        if form == 0:
            compare(f"{name} fn #{k}", lambda lib, x: getattr(lib, name)(x), [x])
        elif form == 1:
            compare(f"{name} method #{k}", lambda lib, x: getattr(x, name)(), [x])
        elif hasattr(torch.Tensor, name + "_"):
            def fn(lib, x):
                y = x.clone()
                r = getattr(y, name + "_")()
                assert r is y, "in-place result is not self"
                return y
            compare(f"{name}_ #{k}", fn, [x])


# -- binary ops ---------------------------------------------------------------------------------

BINARY = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow",
          "maximum", "minimum", "fmax", "fmin", "atan2", "hypot", "eq", "ne", "lt", "le", "gt",
          "ge", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
          "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "copysign", "nextafter",
          "xlogy", "ldexp", "float_power", "logaddexp", "logaddexp2", "heaviside", "gcd", "lcm"]
OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
             "//": operator.floordiv, "%": operator.mod, "**": operator.pow,
             "&": operator.and_, "|": operator.or_, "^": operator.xor,
             "<<": operator.lshift, ">>": operator.rshift, "==": operator.eq,
             "<": operator.lt, ">=": operator.ge}
IOPERATORS = {"+": operator.iadd, "-": operator.isub, "*": operator.imul,
              "/": operator.itruediv, "//": operator.ifloordiv, "%": operator.imod,
              "**": operator.ipow, "&": operator.iand, "|": operator.ior, "^": operator.ixor}
KINDS = ["tt", "ts", "st", "t0", "0t"]   # tensor / Python scalar / 0-d tensor operands


def _operand(rng, kind, dtype, shape, extremes=True):
    if kind == "s":
        return rand_scalar(rng)
    return rand_arg(rng, dtype, () if kind == "0" else shape, extremes=extremes)


# Integer extremes are not drawn for gcd/lcm (C++'s abs(INT_MIN) overflow makes torch's
# answer -1) nor for integer division (torch dies of SIGFPE on INT_MIN // -1).
NO_EXTREMES = ("gcd", "lcm", "div", "true_divide", "floor_divide", "remainder", "fmod", "/",
               "//", "%")


def _pairs(rng, n, name, tensor_first=False):
    extremes = not any(w in name for w in NO_EXTREMES)
    for k in range(n):
        kinds = KINDS[k % 5]
        if tensor_first and kinds[0] != "t":
            kinds = "tt"
        s1, s2 = BCAST[rng.integers(len(BCAST))]
        yield k, kinds, [_operand(rng, kinds[0], rand_dtype(rng), s1, extremes),
                         _operand(rng, kinds[1], rand_dtype(rng), s2, extremes)]


@pytest.mark.parametrize("name", BINARY)
def test_fuzz_binary(name):
    """torch.op(a, b) over mixed dtypes, broadcasting, scalars and 0-d tensors: promotion,
    integer division by zero, int overflow wrapping, special values."""
    rng = np.random.default_rng(sum(map(ord, name)) + 1)
    for k, kinds, ops in _pairs(rng, 120, name):
        compare(f"{name} {kinds} #{k}", lambda lib, a, b: getattr(lib, name)(a, b), ops)


@pytest.mark.parametrize("op", list(OPERATORS))
def test_fuzz_operator(op):
    """a OP b, including the reflected forms (2 - t, 2 ** t, 3 // t)."""
    rng = np.random.default_rng(sum(map(ord, op)) + 2)
    for k, kinds, ops in _pairs(rng, 120, op):
        compare(f"a {op} b {kinds} #{k}", lambda lib, a, b: OPERATORS[op](a, b), ops)


INPLACE = ["add", "sub", "mul", "div", "floor_divide", "remainder", "fmod", "pow", "atan2",
           "hypot", "bitwise_and", "bitwise_or", "logical_and", "lt", "eq", "copysign",
           "xlogy", "clamp_min", "clamp_max", "fmax", "maximum"]


@pytest.mark.parametrize("name", INPLACE)
def test_fuzz_inplace(name):
    """x.clone().op_(other): torch's "result type ... can't be cast" and "output with shape
    ... doesn't match the broadcast shape" errors, before any kernel's own error."""
    rng = np.random.default_rng(sum(map(ord, name)) + 3)

    def fn(lib, a, b):
        y = a.clone()
        r = getattr(y, name + "_")(b)
        assert r is y, "in-place result is not self"
        return y
    for k, kinds, ops in _pairs(rng, 90, name, tensor_first=True):
        compare(f"{name}_ {kinds} #{k}", fn, ops)


@pytest.mark.parametrize("op", list(IOPERATORS))
def test_fuzz_ioperator(op):
    rng = np.random.default_rng(sum(map(ord, op)) + 4)

    def fn(lib, a, b):
        y = a.clone()
        y0 = y
        y = IOPERATORS[op](y, b)
        assert y is y0, "augmented assignment made a new tensor"
        return y
    for k, kinds, ops in _pairs(rng, 90, op, tensor_first=True):
        compare(f"a {op}= b {kinds} #{k}", fn, ops)


# -- ops with scalar arguments, three operands, out= --------------------------------------------

SH3 = [((2, 3), (3,), (2, 1)), ((), (), ()), ((3,), (2, 3), ()), ((0, 2), (2,), ()),
       ((2, 3), (2, 3), (2, 3)), ((1, 3), (2, 1), (3,))]

TERNARY = {
    "clamp(s, s)": (1, 2, lambda lib, x, lo, hi: lib.clamp(x, lo, hi)),
    "clamp(min=s)": (1, 1, lambda lib, x, lo: lib.clamp(x, min=lo)),
    "x.clamp(max=s)": (1, 1, lambda lib, x, hi: x.clamp(max=hi)),
    "clamp_min(s)": (1, 1, lambda lib, x, lo: lib.clamp_min(x, lo)),
    "clamp_max(s)": (1, 1, lambda lib, x, hi: lib.clamp_max(x, hi)),
    "clamp_(s, s)": (1, 2, lambda lib, x, lo, hi: x.clone().clamp_(lo, hi)),
    "clamp(t, t)": (3, 0, lambda lib, x, lo, hi: lib.clamp(x, lo, hi)),
    "clamp(min=t)": (2, 0, lambda lib, x, lo: lib.clamp(x, min=lo)),
    "clamp_min(t)": (2, 0, lambda lib, x, lo: lib.clamp_min(x, lo)),
    "where(c, t, t)": ("c", 0, lambda lib, c, x, y: lib.where(c, x, y)),
    "where(c, t, s)": ("c1", 1, lambda lib, c, x, v: lib.where(c, x, v)),
    "where(c, s, s)": ("c0", 2, lambda lib, c, v, w: lib.where(c, v, w)),
    "x.where(c, t)": ("c", 0, lambda lib, c, x, y: x.where(c, y)),
    "lerp(t, t, s)": (2, 1, lambda lib, x, y, w: lib.lerp(x, y, w)),
    "lerp(t, t, t)": (3, 0, lambda lib, x, y, w: lib.lerp(x, y, w)),
    "addcmul": (3, 1, lambda lib, x, y, z, v: lib.addcmul(x, y, z, value=v)),
    "addcdiv": (3, 1, lambda lib, x, y, z, v: lib.addcdiv(x, y, z, value=v)),
    "addcmul_": (3, 0, lambda lib, x, y, z: x.clone().addcmul_(y, z)),
    "add(alpha)": (2, 1, lambda lib, x, y, v: lib.add(x, y, alpha=v)),
    "sub(alpha)": (2, 1, lambda lib, x, y, v: lib.sub(x, y, alpha=v)),
    "add(s, alpha)": (1, 2, lambda lib, x, s, v: lib.add(x, s, alpha=v)),
    "rsub(alpha)": (2, 1, lambda lib, x, y, v: lib.rsub(x, y, alpha=v)),
    "div(trunc)": (2, 0, lambda lib, x, y: lib.div(x, y, rounding_mode="trunc")),
    "div(floor)": (2, 0, lambda lib, x, y: lib.div(x, y, rounding_mode="floor")),
    "div(s, floor)": (1, 1, lambda lib, x, v: lib.div(x, v, rounding_mode="floor")),
    "x.div(s, trunc)": (1, 1, lambda lib, x, v: x.div(v, rounding_mode="trunc")),
    "div_": (2, 0, lambda lib, x, y: x.clone().div_(y)),
    "pow(s)": (1, 1, lambda lib, x, v: lib.pow(x, v)),
    "s ** t": (1, 1, lambda lib, x, v: v ** x),
    "pow_(s)": (1, 1, lambda lib, x, v: x.clone().pow_(v)),
    "s / t": (1, 1, lambda lib, x, v: v / x),
    "s // t": (1, 1, lambda lib, x, v: v // x),
    "s % t": (1, 1, lambda lib, x, v: v % x),
    "s - t": (1, 1, lambda lib, x, v: v - x),
    "add(out=)": (3, 0, lambda lib, x, y, z: lib.add(x, y, out=z.clone())),
    "mul(out=empty)": (2, 0, lambda lib, x, y: lib.mul(x, y, out=lib.empty(0, dtype=lib.float64))),
    "isclose": (2, 0, lambda lib, x, y: lib.isclose(x, y)),
    "nan_to_num(...)": (1, 0, lambda lib, x: lib.nan_to_num(x, nan=1.0, posinf=2.0)),
    "round(decimals)": (1, 0, None),
    "lt_": (2, 0, lambda lib, x, y: x.clone().lt_(y)),
    "logical_and_": (2, 0, lambda lib, x, y: x.clone().logical_and_(y)),
    "-t": (1, 0, lambda lib, x: -x),
    "~t": (1, 0, lambda lib, x: ~x),
    "t << s": (1, 0, None),
    "t >> s": (1, 0, None),
}


@pytest.mark.parametrize("form", list(TERNARY))
def test_fuzz_forms(form):
    """Scalar arguments (alpha, value, clamp bounds, where values, exponents: torch's
    "value cannot be converted to type ... without overflow"), three-operand ops, the
    reflected operators and out=."""
    ntens, nscal, fn = TERNARY[form]
    rng = np.random.default_rng(sum(map(ord, form)) + 5)
    ext = not any(w in form for w in NO_EXTREMES)
    for k in range(90):
        shapes = SH3[rng.integers(len(SH3))]
        if isinstance(ntens, str):       # where: a bool condition first
            ops = [rand_arg(rng, "bool", shapes[1])]
            ops += [rand_arg(rng, rand_dtype(rng), s) for s in shapes[:{"c": 2, "c1": 1,
                                                                         "c0": 0}[ntens]]]
        else:
            ops = [rand_arg(rng, rand_dtype(rng), s, extremes=ext) for s in shapes[:ntens]]
        ops += [rand_scalar(rng) for _ in range(nscal)]
        f = fn
        if form == "round(decimals)":
            d = int(rng.integers(-2, 3))
            f = lambda lib, x, d=d: lib.round(x, decimals=d)      # noqa: E731
        elif form in ("t << s", "t >> s"):
            sh = int(rng.integers(-2, 70))
            ops.append(sh)
            f = (lambda lib, x, s: x << s) if "<<" in form else (lambda lib, x, s: x >> s)
        compare(f"{form} #{k}", f, ops)


UNARY_FLOAT_OUT = ["exp", "sin", "sqrt", "tanh", "sigmoid", "abs", "neg", "floor"]


@pytest.mark.parametrize("name", UNARY_FLOAT_OUT)
def test_fuzz_unary_out(name):
    """op(x, out=y): y's dtype (cast rules, resize of a wrong-shaped out).  A float32
    result written into a float64 out is compared at float32 precision (torch's vectorized
    float32 maths and NumPy's differ in the last bit)."""
    rng = np.random.default_rng(sum(map(ord, name)) + 6)
    for k in range(40):
        x = rand_arg(rng, rand_dtype(rng), SHAPES[rng.integers(len(SHAPES))])
        out_dt = rand_dtype(rng)
        o = Arg(draw_values(rng, out_dt, SHAPES[rng.integers(len(SHAPES))]))
        low = "float16" if "float16" in (out_dt, str(x.arr.dtype)) else "float32"
        compare(f"{name}(out=) #{k}", lambda lib, x, o: getattr(lib, name)(x, out=o.clone()),
                [x, o], tol=TOLS[low])


# -- float16 opmath, promotion through 0-d tensors, scalar conversion (directed cases) ----------

DIRECTED = [
    ("f16 * 1e5", lambda lib: lib.tensor([0.5205, 10000.], dtype=lib.float16) * 1e5),
    ("f16 / 1e-5", lambda lib: lib.tensor([0.5, 3.], dtype=lib.float16) / 1e-5),
    ("f16 * 0-d f32", lambda lib: lib.tensor([0.5205], dtype=lib.float16) * lib.tensor(1e5)),
    ("f16.mul_(1e5)", lambda lib: lib.tensor([0.5205], dtype=lib.float16).mul_(1e5)),
    ("f16 + 1e5", lambda lib: lib.tensor([1.], dtype=lib.float16) + 1e5),
    ("f16 lerp", lambda lib: lib.lerp(lib.tensor([1., 6e4], dtype=lib.float16),
                                      lib.tensor([-6e4, 1.], dtype=lib.float16), 0.3)),
    ("f16 addcdiv", lambda lib: lib.addcdiv(lib.tensor([1., 2.], dtype=lib.float16),
                                            lib.tensor([1., 2.], dtype=lib.float16),
                                            lib.tensor([1e-5, 2.], dtype=lib.float16),
                                            value=1e-3)),
    ("int 0-d / uint8", lambda lib: lib.tensor(-5) / lib.tensor([0, 2], dtype=lib.uint8)),
    ("uint8 / int16 0-d", lambda lib: lib.tensor([11, 6], dtype=lib.uint8) /
     lib.tensor(-2, dtype=lib.int16)),
    ("copysign int 0-d", lambda lib: lib.copysign(lib.tensor([6, -3], dtype=lib.int8),
                                                  lib.tensor(2 ** 63 - 1))),
    ("xlogy big int", lambda lib: lib.xlogy(lib.tensor([2, 3], dtype=lib.int16), 2 ** 40)),
    ("logical_and wraps", lambda lib: lib.logical_and(lib.tensor([1, 6], dtype=lib.int8),
                                                      lib.tensor(-2 ** 63))),
    ("-1 % 0.5", lambda lib: lib.tensor([-1., 1., -0., 4.]) % 0.5),
    ("int % 0.5", lambda lib: lib.tensor([-1, 4]) % 0.5),
    ("relu -0", lambda lib: lib.relu(lib.tensor([-0., 0., -1., float("nan")]))),
    ("maximum -0", lambda lib: lib.maximum(lib.tensor([-0., 0.]), lib.tensor([0., -0.]))),
    ("fmin -0", lambda lib: lib.fmin(lib.tensor([-0., 0.]), lib.tensor([0., -0.]))),
    ("clamp -0", lambda lib: lib.clamp(lib.tensor([-0., 0.]), min=0., max=-0.)),
    ("clamp nan bounds", lambda lib: lib.clamp(lib.tensor(-2.5, dtype=lib.float16), 1e5,
                                               float("nan"))),
    ("clamp nan t", lambda lib: lib.clamp(lib.tensor([1., 2.]), min=lib.tensor([float("nan"),
                                                                             1.]))),
    ("empty // 0", lambda lib: lib.tensor([], dtype=lib.int16) // 0),
    ("x // empty zeros", lambda lib: lib.tensor([1], dtype=lib.int16) //
     lib.zeros(0, 1, dtype=lib.int16)),
    ("int // 0", lambda lib: lib.tensor([1, 2]) // 0),
    ("int % zeros", lambda lib: lib.tensor([1, 2]) % lib.tensor([0, 1])),
    ("bool - True", lambda lib: lib.tensor([True]) - True),
    ("int - True", lambda lib: lib.tensor([1]) - True),
    ("True - int", lambda lib: True - lib.tensor([1])),
    ("bool - bool", lambda lib: lib.tensor([True]) - lib.tensor([False])),
    ("bool - 1.5", lambda lib: lib.tensor([True]) - 1.5),
    ("int.sub_(False)", lambda lib: lib.tensor([1]).sub_(False)),
    ("alpha int16 overflow", lambda lib: lib.add(lib.tensor([1], dtype=lib.int16),
                                                 lib.tensor([1], dtype=lib.int16),
                                                 alpha=2 ** 63 - 1)),
    ("alpha f32 overflow", lambda lib: lib.add(lib.tensor([1.]), lib.tensor([1.]), alpha=1e300)),
    ("alpha uint8 -255", lambda lib: lib.add(lib.tensor([1], dtype=lib.uint8), 1, alpha=-255)),
    ("alpha uint8 -256", lambda lib: lib.add(lib.tensor([1], dtype=lib.uint8), 1, alpha=-256)),
    ("alpha f16 65519", lambda lib: lib.add(lib.tensor([1.], dtype=lib.float16), 1,
                                            alpha=65519.)),
    ("alpha f16 inf", lambda lib: lib.add(lib.tensor([1.], dtype=lib.float16), 1,
                                          alpha=float("inf"))),
    ("rsub alpha f16", lambda lib: lib.rsub(lib.tensor([1.], dtype=lib.float16), 1.,
                                            alpha=1e5)),
    ("clamp bool True", lambda lib: lib.clamp(lib.tensor([True, False]), min=True)),
    ("clamp bool 1", lambda lib: lib.clamp(lib.tensor([True, False]), min=1)),
    ("clamp_max bool", lambda lib: lib.clamp_max(lib.tensor([True, False]), True)),
    ("clamp bool both", lambda lib: lib.clamp(lib.tensor([True, False]), True, True)),
    ("clamp int8 300", lambda lib: lib.clamp(lib.tensor([1, 2], dtype=lib.int8), 300)),
    ("clamp uint8 -3", lambda lib: lib.clamp(lib.tensor([1, 2], dtype=lib.uint8), max=-3)),
    ("clamp f16 1e5", lambda lib: lib.clamp(lib.tensor([1.], dtype=lib.float16), min=1e5)),
    ("where uint8 300", lambda lib: lib.where(lib.tensor([True, False]),
                                              lib.tensor([1, 2], dtype=lib.uint8), 300)),
    ("where uint8 -1", lambda lib: lib.where(lib.tensor([True, False]),
                                             lib.tensor([1, 2], dtype=lib.uint8), -1)),
    ("where f16 1e5", lambda lib: lib.where(lib.tensor([True, False]),
                                            lib.tensor([1., 2.], dtype=lib.float16), 1e5)),
    ("where 1e40", lambda lib: lib.where(lib.tensor([True, False]), 1e40, 1.)),
    ("where 0-d 300", lambda lib: lib.where(lib.tensor([True, False]), lib.tensor(300),
                                            lib.tensor([1, 2], dtype=lib.uint8))),
    ("bool ** True", lambda lib: lib.pow(lib.tensor([True, False]), True)),
    ("bool ** False", lambda lib: lib.tensor([True, False]) ** False),
    ("bool ** 0", lambda lib: lib.tensor([True, False]) ** 0),
    ("bool ** bool", lambda lib: lib.pow(lib.tensor([True]), lib.tensor([True]))),
    ("uint8 ** -2", lambda lib: lib.tensor([2], dtype=lib.uint8) ** -2),
    ("bool.pow_(-1)", lambda lib: lib.tensor([True]).pow_(-1)),
    ("int8 ** 300", lambda lib: lib.tensor([1, 2], dtype=lib.int8) ** 300),
    ("f16 ** 1e5", lambda lib: lib.tensor([1., 2.], dtype=lib.float16) ** 1e5),
    ("int8.pow_(2.5)", lambda lib: lib.tensor([1, 2], dtype=lib.int8).pow_(2.5)),
    ("round int decimals=0", lambda lib: lib.round(lib.tensor([1, 2]), decimals=0)),
    ("round int decimals=1", lambda lib: lib.round(lib.tensor([1, 2]), decimals=1)),
    ("round int", lambda lib: lib.round(lib.tensor([1, 2]))),
    ("round decimals=0 grad_fn", lambda lib: lib.round(lib.tensor([1.5], requires_grad=True),
                                                       decimals=0)),
    ("addcmul int value=0.5", lambda lib: lib.addcmul(lib.tensor([1, 2], dtype=lib.int8),
                                                      lib.tensor([1, 2], dtype=lib.int8),
                                                      lib.tensor([1, 2], dtype=lib.int8),
                                                      value=0.5)),
    ("addcmul int8 value=300", lambda lib: lib.addcmul(lib.tensor([1], dtype=lib.int8),
                                                       lib.tensor([1], dtype=lib.int8),
                                                       lib.tensor([1], dtype=lib.int8),
                                                       value=300)),
    ("addcmul f16 value=1e5", lambda lib: lib.addcmul(lib.tensor([1.], dtype=lib.float16),
                                                      lib.tensor([1.], dtype=lib.float16),
                                                      lib.tensor([1.], dtype=lib.float16),
                                                      value=1e5)),
    ("lerp 0-d int weight", lambda lib: lib.lerp(lib.tensor([1., 2.]), lib.tensor([3., 4.]),
                                                 lib.tensor(1, dtype=lib.int32))),
    ("lerp 0-d f64 weight", lambda lib: lib.lerp(lib.tensor([1., 2.]), lib.tensor([3., 4.]),
                                                 lib.tensor(0.25, dtype=lib.float64))),
    ("lerp f64 weight", lambda lib: lib.lerp(lib.tensor([1., 2.]), lib.tensor([3., 4.]),
                                             lib.tensor([1., 2.], dtype=lib.float64))),
    ("lerp bool, 0-d long", lambda lib: lib.lerp(lib.tensor([True]), lib.tensor([False]),
                                                 lib.tensor(4))),
    ("ldexp f16 int32", lambda lib: lib.ldexp(lib.tensor([1.5, 2.], dtype=lib.float16),
                                              lib.tensor([20, -30], dtype=lib.int32))),
    ("ldexp int uint8", lambda lib: lib.ldexp(lib.tensor([1, 2]),
                                              lib.tensor([3, -2], dtype=lib.uint8))),
    ("ldexp f64 bool", lambda lib: lib.ldexp(lib.tensor([1.5], dtype=lib.float64),
                                             lib.tensor([True]))),
    ("hypot_ int shape", lambda lib: lib.tensor([6], dtype=lib.int32).hypot_(
        lib.tensor([], dtype=lib.bool))),
    ("bitwise_and_ float", lambda lib: lib.tensor([1], dtype=lib.int16).bitwise_and_(-0.5)),
    ("//= shape", lambda lib: lib.tensor(1, dtype=lib.uint8).__ifloordiv__(
        lib.tensor([[9, 9, 0]], dtype=lib.uint8))),
    ("exp_ int", lambda lib: lib.tensor([1, 2]).exp_()),
    ("add_ float into int", lambda lib: lib.tensor([1, 2]).add_(0.5)),
    ("add_ broadcast", lambda lib: lib.zeros(3).add_(lib.ones(2, 3))),
    ("int overflow wraps", lambda lib: lib.tensor([127], dtype=lib.int8) + 1),
    ("int64 overflow", lambda lib: lib.tensor([2 ** 63 - 1]) * 2),
    ("uint8 - 1", lambda lib: lib.tensor([0], dtype=lib.uint8) - 1),
    ("abs int8 min", lambda lib: lib.tensor([-128], dtype=lib.int8).abs()),
]


@pytest.mark.parametrize("case", DIRECTED, ids=[c[0] for c in DIRECTED])
def test_directed(case):
    name, fn = case
    compare(name, lambda lib: fn(lib), [])


# -- gradients ----------------------------------------------------------------------------------

GRAD_UNARY = {
    "abs": (-3, 3), "neg": (-3, 3), "exp": (-3, 3), "exp2": (-3, 3), "expm1": (-3, 3),
    "log": (0.1, 3), "log2": (0.1, 3), "log10": (0.1, 3), "log1p": (-0.5, 3),
    "sqrt": (0.1, 3), "rsqrt": (0.1, 3), "sin": (-3, 3), "cos": (-3, 3), "tan": (-1, 1),
    "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": (-3, 3), "sinh": (-3, 3),
    "cosh": (-3, 3), "tanh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 3),
    "atanh": (-0.9, 0.9), "erf": (-3, 3), "erfc": (-3, 3), "sigmoid": (-3, 3),
    "logit": (0.1, 0.9), "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3),
    "trunc": (-3, 3), "frac": (-3, 3), "sign": (-3, 3), "sgn": (-3, 3),
    "reciprocal": (0.2, 3), "square": (-3, 3), "relu": (-3, 3), "erfinv": (-0.9, 0.9),
    "lgamma": (0.2, 3), "digamma": (0.2, 3), "sinc": (-3, 3), "deg2rad": (-3, 3),
    "rad2deg": (-3, 3)}
KINKS = (0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.3, -0.7, 1.2, 0.4, -0.4, 6.0,
         3.0, -3.0)


def _away_from_kinks(a):
    for p in KINKS:
        a[np.abs(a - p) < 0.05] += 0.1
    return a


@pytest.mark.parametrize("name", list(GRAD_UNARY))
def test_fuzz_grad_unary(name):
    lo, hi = GRAD_UNARY[name]
    rng = np.random.default_rng(sum(map(ord, name)) + 7)
    for k in range(8):
        dt = ("float32", "float64")[k % 2]
        sh = SHAPES[rng.integers(len(SHAPES))]
        x = Arg(_away_from_kinks(rng.uniform(lo, hi, sh).astype(dt)), "cTs"[k % 3], grad=True)
        compare(f"grad {name} #{k}", lambda lib, x: getattr(lib, name)(x), [x], grad=True)


ACTIVATIONS = {
    "relu": {}, "relu6": {}, "elu": {"alpha": 1.3}, "selu": {}, "celu": {"alpha": 0.7},
    "gelu": {}, "gelu(tanh)": {"approximate": "tanh"}, "silu": {}, "mish": {},
    "softplus": {"beta": 2.0, "threshold": 3.0}, "softsign": {}, "tanhshrink": {},
    "logsigmoid": {}, "hardswish": {}, "hardsigmoid": {}, "softshrink": {"lambd": 0.4},
    "hardshrink": {"lambd": 0.4}, "leaky_relu": {"negative_slope": 0.2},
    "hardtanh": {"min_val": -0.7, "max_val": 1.2}, "sigmoid": {}, "tanh": {},
    "threshold": {"threshold": 0.3, "value": -2.0}}
HAS_INPLACE = {"relu", "relu6", "elu", "selu", "celu", "silu", "mish", "hardswish",
               "hardsigmoid", "leaky_relu", "hardtanh", "threshold"}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_fuzz_activation(name):
    """F.act(x) and F.act(x * 1, inplace=True): values, grad_fn, gradients (masked-out
    gradients are +0.0 as torch's masked_fill gives)."""
    kw = ACTIVATIONS[name]
    fname = name.split("(")[0]
    # softshrink's zeros: torch's own sign depends on the CPU's vector width (float64 AVX-512
    # lanes give +0.0, the scalar tail -0.0), so it is not compared
    signed = fname != "softshrink"
    rng = np.random.default_rng(sum(map(ord, name)) + 8)
    for k in range(8):
        dt = ("float32", "float64")[k % 2]
        sh = SHAPES[rng.integers(len(SHAPES))]
        x = Arg(_away_from_kinks(rng.uniform(-4, 4, sh).astype(dt)), "cTs"[k % 3], grad=True)
        compare(f"F.{name} #{k}",
                lambda lib, x: getattr(lib.nn.functional, fname)(x, **kw), [x], grad=True,
                signed_zero=signed)
        if fname in HAS_INPLACE:
            compare(f"F.{name}(inplace) #{k}",
                    lambda lib, x: getattr(lib.nn.functional, fname)(x * 1, **kw,
                                                                     inplace=True),
                    [x], grad=True, signed_zero=signed)
    # special values through the activation (no gradient)
    for k in range(6):
        dt = ("float16", "float32", "float64")[k % 3]
        x = rand_arg(rng, dt, SHAPES[rng.integers(len(SHAPES))])
        compare(f"F.{name} special #{k}",
                lambda lib, x: getattr(lib.nn.functional, fname)(x, **kw), [x],
                signed_zero=signed)


GRAD_BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmax", "fmin",
               "atan2", "hypot", "remainder", "fmod", "xlogy", "copysign", "logaddexp",
               "ldexp", "lerp", "lerp(t)", "addcmul", "addcdiv", "clamp(t)", "clamp(s)",
               "where", "reflected"]


@pytest.mark.parametrize("name", GRAD_BINARY)
def test_fuzz_grad_binary(name):
    """Gradients through broadcasting (summed back to each operand's shape) for tensor and
    scalar second operands."""
    rng = np.random.default_rng(sum(map(ord, name)) + 9)
    fns = {
        "lerp": lambda lib, x, y: lib.lerp(x, y, 0.3),
        "lerp(t)": lambda lib, x, y: lib.lerp(x, y, y.sigmoid()),
        "addcmul": lambda lib, x, y: lib.addcmul(x, y, y * 2 + 5, value=0.7),
        "addcdiv": lambda lib, x, y: lib.addcdiv(x, y, y * 2 + 5, value=0.7),
        "clamp(t)": lambda lib, x, y: lib.clamp(x, y, y + 1),
        "clamp(s)": lambda lib, x, y: lib.clamp(x * y, 0.8, 1.9),
        "where": lambda lib, x, y: lib.where(x > 1, x, y),
        "reflected": lambda lib, x, y: 1.7 ** x + 2 / x - 3 * y + (2 - x) % 1.3,
    }
    for k in range(8):
        dt = ("float32", "float64")[k % 2]
        s1, s2 = BCAST[rng.integers(len(BCAST))]
        a = Arg(rng.uniform(0.3, 2.5, s1).astype(dt), "cTs"[k % 3], grad=True)
        b = Arg(_away_from_kinks(rng.uniform(-2.5, 2.5, s2).astype(dt)), "c",
                grad=k % 4 != 1)
        fn = fns.get(name) or (lambda lib, x, y: getattr(lib, name)(x, y))
        compare(f"grad {name} #{k}", fn, [a, b], grad=True)
        if name not in fns:
            compare(f"grad {name}(x, 1.7) #{k}", lambda lib, x: getattr(lib, name)(x, 1.7),
                    [a], grad=True)
