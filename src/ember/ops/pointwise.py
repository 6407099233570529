"""Pointwise ops: arithmetic, unary maths, rounding, clamp, where, comparisons, logical and
bitwise ops, and dtype conversions (to, float(), clone, copy_, fill_ ...).

Each differentiable op is a Node class (PyTorch's node name, derivatives.yaml's formula in
the docstring) beside the function that computes its forward.  Broadcasting is undone by
BroadcastingNode, never here.  Formulas run on NumPy arrays in a plain backward pass and on
Tensors under create_graph: they use operators and the small ``_sin``/``_exp``/... helpers
below, which pick NumPy or the differentiable op here by the type of their argument.  Factors
whose own derivative is zero (signs, masks, floor quotients) are taken as NumPy constants.
"""
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from .._dtype import _BY_NP, result_type
from .._errors import broadcast_shapes
from .._tensor import Tensor, _make, device as _device
from ..autograd import grad_mode as _gm
from . import _views
from ._base import (Node, BroadcastingNode, OUTPUT, unary, binary, record, promote, inplace,
                    where as _where, array_of, _can_cast, _type_name, _scalar, _edge, _meta,
                    _fit_scalar)

__all__ = [
    # arithmetic
    "add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "pow", "neg", "negative", "reciprocal", "square",
    "abs", "absolute", "sign", "sgn",
    # maths
    "exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos",
    "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
    "arcsin", "arccos", "arctan", "arctan2", "arcsinh", "arccosh", "arctanh", "erf", "erfc",
    "sigmoid", "logit", "lerp", "addcmul", "addcdiv", "hypot", "relu",
    # rounding
    "floor", "ceil", "round", "trunc", "fix", "frac",
    # clamp, extrema, selection, special values
    "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin", "where",
    "isnan", "isinf", "isposinf", "isneginf", "isfinite", "isclose", "allclose", "equal",
    "nan_to_num",
    # comparisons, logical and bitwise
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_not", "logical_xor", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not",
    # copies
    "clone", "zero_", "fill_", "fill",
    # module-level in-place forms torch has
    "neg_", "negative_", "reciprocal_", "square_", "abs_", "exp_", "exp2_", "log_", "log2_",
    "log10_", "log1p_", "expm1_", "sqrt_", "rsqrt_", "sin_", "cos_", "tan_", "asin_", "acos_",
    "atan_", "sinh_", "cosh_", "tanh_", "asinh_", "acosh_", "atanh_", "arcsin_", "arccos_",
    "arctan_", "arcsinh_", "arccosh_", "arctanh_", "erf_", "erfc_", "sigmoid_", "logit_",
    "relu_", "floor_", "ceil_", "round_", "trunc_", "fix_", "frac_", "clamp_", "clip_",
    "clamp_min_", "clamp_max_", "nan_to_num_",
]

_ndarray = np.ndarray
_FLOAT = _dt._FLOAT

# c10's names of scalar types, as some of torch's messages spell them.
_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


# -- helpers ------------------------------------------------------------------------------

def _fdata(x):
    """x's array as a floating array: integral and bool tensors take the default float dtype,
    as torch's floating ops (exp, sqrt, sin, ...) do."""
    a = x._data
    return a if a.dtype.kind in "fc" else a.astype(_dt._default[0].np)


def _wrap(r):
    """A NumPy result (0-d results come back as NumPy scalars) as a Tensor without history."""
    return _make(r if type(r) is _ndarray else np.asarray(r))


def _shape_of(x):
    return x._data.shape if isinstance(x, Tensor) else np.shape(x)


def _raise_broadcast(*operands):
    """NumPy refused to broadcast the operands: raise torch's error, which names the first
    mismatching size as torch's TensorIterator meets it (operands in torch's order)."""
    shape = None
    for x in operands:
        if x is None:
            continue
        s = tuple(_shape_of(x))
        shape = s if shape is None else broadcast_shapes(shape, s)


def _not_implemented_for(kernel, dt):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dt)}\'')


def _need_tensor(fn, x, name="other", pos=2):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")


def _into(out, r, name):
    """Write the result r into ``out=`` (resized when its shape differs, as torch does)."""
    if _gm._enabled and (r._requires_grad or out._requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                           "automatic differentiation, but one of the arguments requires grad.")
    if not _can_cast(r.dtype, out.dtype):
        raise RuntimeError(f"result type {_type_name(r.dtype)} can't be cast to the desired "
                           f"output type {_type_name(out.dtype)}")
    rd = r._data
    if out._data.shape != rd.shape:
        if out._data.size:
            old = ", ".join(str(s) for s in out._data.shape)
            new = ", ".join(str(s) for s in rd.shape)
            warnings.warn(
                f"An output with one or more elements was resized since it had shape [{old}],"
                f" which does not match the required output shape [{new}]. This behavior is "
                "deprecated, and in a future PyTorch release outputs will not be resized "
                "unless they have zero elements. You can explicitly reuse an out tensor t by "
                "resizing it, inplace, to zero elements with t.resize_(0).", UserWarning,
                stacklevel=3)
        out._data = np.empty(rd.shape, out._data.dtype)
    np.copyto(out._data, rd, casting="unsafe")
    out._vc[0] += 1
    return out


def _zeros(grad):
    """zeros_like(grad): a constant (no history), in the form the pass uses."""
    z = np.zeros(grad.shape, array_of(grad).dtype)
    return _make(z) if isinstance(grad, Tensor) else z


# Formula helpers: NumPy on arrays, the differentiable op on Tensors (create_graph).

def _sin(v):
    return sin(v) if isinstance(v, Tensor) else np.sin(v)


def _cos(v):
    return cos(v) if isinstance(v, Tensor) else np.cos(v)


def _sinh(v):
    return sinh(v) if isinstance(v, Tensor) else np.sinh(v)


def _cosh(v):
    return cosh(v) if isinstance(v, Tensor) else np.cosh(v)


def _exp(v):
    return exp(v) if isinstance(v, Tensor) else np.exp(v)


def _log(v):
    return log(v) if isinstance(v, Tensor) else np.log(v)


def _rsqrt(v):
    return rsqrt(v) if isinstance(v, Tensor) else 1 / np.sqrt(v)


def _as_dtype(g, dt):
    """g converted to the ember dtype dt (ToCopyBackward0 under create_graph)."""
    if isinstance(g, Tensor):
        return _convert(g, dt)
    return np.asarray(g, dtype=dt.np)


# -- arithmetic -----------------------------------------------------------------------------

def _check_alpha(dt, alpha, what="alpha"):
    if isinstance(alpha, bool):
        if dt is not _dt.bool_:
            raise RuntimeError(f"Boolean {what} only supported for Boolean results.")
    elif isinstance(alpha, float) and dt.category < _FLOAT:
        raise RuntimeError(f"For integral input tensors, argument {what} must not be a "
                           "floating point number.")


class AddBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), grad)
    other: handle_r_to_c(other.scalar_type(), maybe_multiply(grad, alpha.conj()))"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return grad, (grad if alpha == 1 else grad * alpha)


def add(input, other, *, alpha=1, out=None):
    a, b, dt = promote(input, other)
    try:
        if alpha == 1 and alpha is not True:
            r = a + b
        else:
            _check_alpha(dt, alpha)
            r = a + b * alpha
            if dt is _dt.bool_:
                r = r.astype(np.bool_)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(AddBackward0, input, other, r, args=(alpha,))
    return t if out is None else _into(out, t, "add")


def _bool_sub_error():
    raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                       "supported. Use the `^` or `logical_xor()` operator instead.")


class SubBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), grad)
    other: handle_r_to_c(other.scalar_type(), maybe_multiply(-grad, alpha.conj()))"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return grad, (-grad if alpha == 1 else grad * -alpha)


def sub(input, other, *, alpha=1, out=None):
    a, b, dt = promote(input, other)
    if dt is _dt.bool_:
        _bool_sub_error()
    try:
        if alpha == 1 and alpha is not True:
            r = a - b
        else:
            _check_alpha(dt, alpha)
            r = a - b * alpha
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(SubBackward0, input, other, r, args=(alpha,))
    return t if out is None else _into(out, t, "sub")


subtract = sub


class RsubBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), maybe_multiply(-grad, alpha.conj()))
    other: handle_r_to_c(other.scalar_type(), grad)"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return (-grad if alpha == 1 else grad * -alpha), grad


class RsubBackward1(Node):
    """self: handle_r_to_c(self.scalar_type(), maybe_multiply(-grad, alpha.conj()))"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return (-grad if alpha == 1 else grad * -alpha,)


def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    a, b, dt = promote(input, other)
    if dt is _dt.bool_:
        _bool_sub_error()
    if alpha != 1 or alpha is True:
        _check_alpha(dt, alpha)
    try:
        r = b - a if alpha == 1 else b - a * alpha
    except ValueError:
        _raise_broadcast(input, other)
        raise
    if isinstance(other, Tensor):
        return binary(RsubBackward0, input, other, r, args=(alpha,))
    return unary(RsubBackward1, input, r, args=(alpha,))


class MulBackward0(BroadcastingNode):
    """self: mul_tensor_backward(grad, other, self.scalar_type())   (grad * other)
    other: mul_tensor_backward(grad, self, other.scalar_type())   (grad * self)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        return (grad * b if nf[0][0] is not None else None,
                grad * a if nf[1][0] is not None else None)


def mul(input, other, *, out=None):
    a, b, _ = promote(input, other)
    try:
        r = a * b
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(MulBackward0, input, other, r, saved=(input, other))
    return t if out is None else _into(out, t, "mul")


multiply = mul


class DivBackward0(BroadcastingNode):
    """self: div_tensor_self_backward(grad, other, self.scalar_type())   (grad / other)
    other: div_tensor_other_backward(grad, self, other)   (-grad * ((self / other) / other))"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        if isinstance(b, _ndarray):
            with np.errstate(divide="ignore", invalid="ignore"):   # x / 0: inf, as torch
                ga = grad / b
                return ga, (-ga * a / b if self.next_functions[1][0] is not None else None)
        ga = grad / b
        return ga, (-ga * a / b if self.next_functions[1][0] is not None else None)


class DivBackward2(BroadcastingNode):
    """self: rounding_mode.has_value() ? grad.new_zeros(...) : ...   (zero: a step function)
    other: rounding_mode.has_value() ? grad.new_zeros(...) : ..."""
    __slots__ = ()

    def backward(self, grad):
        z = _zeros(grad)
        return z, z


def _int_zero_check(b, dt):
    if dt.category < _FLOAT and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")


def _div_floor(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("div_floor_cpu", dt)
    _int_zero_check(b, dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(a, b)


def _div_trunc(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("div_trunc_cpu", dt)
    if dt.category < _FLOAT:
        _int_zero_check(b, dt)
        q = np.floor_divide(a, b)
        # floor and trunc differ where the division is inexact and the signs differ
        fix = (np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0))
        return q + fix.astype(q.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.trunc(np.true_divide(a, b))


def div(input, other, *, rounding_mode=None, out=None):
    a, b, dt = promote(input, other)
    try:
        if rounding_mode is None:
            if dt.category < _FLOAT:     # integer true division gives the default float dtype
                f = _dt._default[0].np
                a = a.astype(f) if isinstance(a, _ndarray) else a
                b = b.astype(f) if isinstance(b, _ndarray) else b
            if isinstance(b, (int, float)) and b != 0:
                r = a / b
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    r = a / b
            t = binary(DivBackward0, input, other, r, saved=(input, other))
        else:
            if rounding_mode == "trunc":
                r = _div_trunc(a, b, dt)
            elif rounding_mode == "floor":
                r = _div_floor(a, b, dt)
            else:
                raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or "
                                   f"'floor' but found '{rounding_mode}'")
            t = binary(DivBackward2, input, other, r)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    return t if out is None else _into(out, t, "div")


divide = div


def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


class _NotImplementedBackward(Node):
    """The node torch records for a result whose derivative it does not define
    (floor_divide, remainder with a scalar dividend): backward raises."""
    __slots__ = ()

    def name(self):
        return "torch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError(f"derivative for aten::{self.args[0]} is not implemented")


_NotImplementedBackward.__name__ = _NotImplementedBackward.__qualname__ = "NotImplemented"


def _not_differentiable(name, inputs, r):
    return record(_NotImplementedBackward, [x for x in inputs if isinstance(x, Tensor)], r,
                  args=(name,))


def floor_divide(input, other, *, out=None):
    a, b, dt = promote(input, other)
    try:
        r = _div_floor(a, b, dt)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = _not_differentiable("floor_divide", (input, other), r)
    return t if out is None else _into(out, t, "floor_divide")


class RemainderBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


class RemainderBackward1(BroadcastingNode):
    """self: grad
    other: -grad * self.div(other, rounding_mode="floor")"""
    __slots__ = ()

    def backward(self, grad):
        if self.next_functions[1][0] is None:
            return grad, None
        a, b = self.unpack()
        if isinstance(a, Tensor):
            return grad, -grad * div(a, b, rounding_mode="floor")
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad, -grad * np.floor_divide(a, b)


def _remainder_arrays(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("remainder_cpu", dt)
    _int_zero_check(b, dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.remainder(a, b)


def remainder(input, other, *, out=None):
    a, b, dt = promote(input, other)
    try:
        r = _remainder_arrays(a, b, dt)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    if not isinstance(input, Tensor):
        t = _not_differentiable("remainder", (other,), r)
    elif isinstance(other, Tensor):
        t = binary(RemainderBackward1, input, other, r, saved=(input, other))
    else:
        t = unary(RemainderBackward0, input, r)
    return t if out is None else _into(out, t, "remainder")


class FmodBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


class FmodBackward1(BroadcastingNode):
    """self: grad
    other: -grad * self.div(other, rounding_mode="trunc")"""
    __slots__ = ()

    def backward(self, grad):
        if self.next_functions[1][0] is None:
            return grad, None
        a, b = self.unpack()
        if isinstance(a, Tensor):
            return grad, -grad * div(a, b, rounding_mode="trunc")
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad, -grad * np.trunc(a / b)


def fmod(input, other, *, out=None):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"fmod() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {type(other).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n")
    a, b, dt = promote(input, other)
    if dt is _dt.bool_:
        _not_implemented_for("fmod_cpu", dt)
    _int_zero_check(b, dt)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.fmod(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    if isinstance(other, Tensor):
        t = binary(FmodBackward1, input, other, r, saved=(input, other))
    else:
        t = unary(FmodBackward0, input, r)
    return t if out is None else _into(out, t, "fmod")


# pow ------------------------------------------------------------------------------------

class PowBackward0(Node):
    """self: pow_backward(grad, self, exponent)
    = exponent == 0 ? zeros_like(self) : grad * (exponent * self.pow(exponent - 1)).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (exponent,) = self.args
        if exponent == 0:
            return (_zeros(grad),)
        (x,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * (exponent * x ** (exponent - 1)),)


class PowBackward1(BroadcastingNode):
    """self: pow_backward_self(grad, self, exponent)
      = where(exponent == 0.0, 0, grad * (exponent * self.pow(exponent - 1)).conj())
    exponent: pow_backward_exponent(grad, self, exponent, result)
      = grad * where(self == 0 & exponent >= 0, 0, (result * self.log()).conj())"""
    __slots__ = ()

    def backward(self, grad):
        x, e, result = self.unpack()
        xa, ea = array_of(x), array_of(e)
        nf = self.next_functions
        gx = ge = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if nf[0][0] is not None:
                gx = _where(ea == 0, 0, grad * (e * x ** (e - 1)))
            if nf[1][0] is not None:
                ge = grad * _where((xa == 0) & (ea >= 0), 0, result * _log(x))
        return gx, ge


class PowBackward2(Node):
    """exponent: pow_backward_exponent(grad, self, exponent, result)
      = grad * (self == 0 ? where(exponent >= 0, 0, result * log(self)) : result * log(self))
    (self is the Python scalar base)"""
    __slots__ = ()

    def backward(self, grad):
        base, nonneg = self.args
        (result,) = self.unpack()
        if base == 0:       # log(0) = -inf, and no gradient where exponent >= 0
            with np.errstate(invalid="ignore"):
                return (_where(nonneg, 0, grad * result * -math.inf),)
        lb = math.log(base) if base > 0 else math.nan
        return (grad * result * lb,)


def _int_pow(a, b):
    """Integer power with torch's rule for negative exponents: 1 ** -n = 1,
    (-1) ** -n = +-1, anything else ** -n = 0.  (Python-number operands stay Python numbers,
    so NumPy keeps the tensor's dtype.)"""
    if not isinstance(b, _ndarray) or not (b < 0).any():
        return np.power(a, b)
    neg = b < 0
    r = np.power(a, np.where(neg, 0, b))
    odd = (b % 2) != 0
    special = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0))
    return np.where(neg, special.astype(r.dtype), r)


def _pow_arrays(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("pow", dt)
    if dt.category < _FLOAT:
        return _int_pow(a, b)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return a ** b


def pow(input, exponent, *, out=None):
    if not isinstance(input, Tensor):
        base = _scalar(input)
        if base is None or not isinstance(exponent, Tensor):
            raise TypeError(f"pow() received an invalid combination of arguments - got "
                            f"({type(input).__name__}, {type(exponent).__name__})")
        b, e, dt = promote(base, exponent)
        nonneg = np.asarray(exponent._data >= 0) if base == 0 else None
        t = unary(PowBackward2, exponent, _pow_arrays(b, e, dt), saved=(OUTPUT,),
                  args=(base, nonneg))
    elif isinstance(exponent, Tensor):
        a, e, dt = promote(input, exponent)
        try:
            r = _pow_arrays(a, e, dt)
        except ValueError:
            _raise_broadcast(input, exponent)
            raise
        t = binary(PowBackward1, input, exponent, r, saved=(input, exponent, OUTPUT))
    else:
        a, e, dt = promote(input, exponent)
        if dt.category < _FLOAT and isinstance(e, int) and e < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        t = unary(PowBackward0, input, _pow_arrays(a, e, dt), saved=(input,),
                  args=(_scalar(exponent),))
    return t if out is None else _into(out, t, "pow")


def square(input, *, out=None):
    return pow(input, 2, out=out)


class NegBackward0(Node):
    """self: grad.neg()"""
    __slots__ = ()

    def backward(self, grad):
        return (-grad,)


def neg(input, *, out=None):
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    t = unary(NegBackward0, input, -x)
    return t if out is None else _into(out, t, "neg")


negative = neg


class ReciprocalBackward0(Node):
    """self: -grad * (result * result).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (-grad * (result * result),)


def reciprocal(input, *, out=None):
    with np.errstate(divide="ignore"):
        r = 1 / _fdata(input)
    t = unary(ReciprocalBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "reciprocal")


class AbsBackward0(Node):
    """self: grad * self.sgn()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        if isinstance(x, Tensor):       # keep the graph: torch's grad * self.sgn() is one
            return (grad * sgn(x),)
        return (grad * _sign_array(x),)


def abs(input, *, out=None):
    x = input._data
    if x.dtype == np.bool_:
        _not_implemented_for("abs_cpu", _dt.bool_)
    t = unary(AbsBackward0, input, np.abs(x), saved=(input,))
    return t if out is None else _into(out, t, "abs")


absolute = abs


def _sign_array(x):
    """torch's sign: (0 < x) - (x < 0), so sign(nan) = 0 and sign(-0.) = 0."""
    if x.dtype.kind == "f":
        return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)
    if x.dtype == np.bool_:
        return x.copy()
    return np.sign(x)


class SignBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class SgnBackward0(Node):
    """self: sgn_backward(self, grad, result)   (zero for real inputs)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


def sign(input, *, out=None):
    t = unary(SignBackward0, input, _sign_array(np.asarray(input._data)))
    return t if out is None else _into(out, t, "sign")


def sgn(input, *, out=None):
    t = unary(SgnBackward0, input, _sign_array(np.asarray(input._data)))
    return t if out is None else _into(out, t, "sgn")


# -- unary maths ----------------------------------------------------------------------------

class ExpBackward0(Node):
    """self: grad * result.conj()"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * result,)


def exp(input, *, out=None):
    with np.errstate(over="ignore"):
        r = np.exp(_fdata(input))
    t = unary(ExpBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "exp")


class Exp2Backward0(Node):
    """self: grad * result.conj() * M_LN2"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * result * math.log(2.0),)


def exp2(input, *, out=None):
    with np.errstate(over="ignore"):
        r = np.exp2(_fdata(input))
    t = unary(Exp2Backward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "exp2")


class Expm1Backward0(Node):
    """self: grad * (result.conj() + 1)"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * (result + 1),)


def expm1(input, *, out=None):
    with np.errstate(over="ignore"):
        r = np.expm1(_fdata(input))
    t = unary(Expm1Backward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "expm1")


class LogBackward0(Node):
    """self: grad.div(self.conj())"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):     # log at 0: inf, as torch
            return (grad / x,)


def log(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(_fdata(input))
    t = unary(LogBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "log")


class Log2Backward0(Node):
    """self: grad / (self.conj() * 0.6931471805599453)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad / (x * 0.6931471805599453),)


def log2(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log2(_fdata(input))
    t = unary(Log2Backward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "log2")


class Log10Backward0(Node):
    """self: grad / (self.conj() * 2.3025850929940456)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad / (x * 2.3025850929940456),)


def log10(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log10(_fdata(input))
    t = unary(Log10Backward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "log10")


class Log1PBackward0(Node):
    """self: log1p_backward(grad, self) = grad / (self + 1).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad / (x + 1),)


def log1p(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log1p(_fdata(input))
    t = unary(Log1PBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "log1p")


class SqrtBackward0(Node):
    """self: grad / (2 * result.conj())"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):     # sqrt(0): inf, as torch
            return (grad / (2 * result),)


def sqrt(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.sqrt(_fdata(input))
    t = unary(SqrtBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "sqrt")


class RsqrtBackward0(Node):
    """self: -0.5 * grad * result.pow(3).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (-0.5 * grad * result ** 3,)


def rsqrt(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = 1 / np.sqrt(_fdata(input))
    t = unary(RsqrtBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "rsqrt")


class SinBackward0(Node):
    """self: grad * self.cos().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _cos(x),)


def sin(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.sin(_fdata(input))
    t = unary(SinBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "sin")


class CosBackward0(Node):
    """self: grad * -self.sin().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * -_sin(x),)


def cos(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.cos(_fdata(input))
    t = unary(CosBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "cos")


class TanBackward0(Node):
    """self: grad * (1 + result.pow(2)).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * (1 + result ** 2),)


def tan(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.tan(_fdata(input))
    t = unary(TanBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "tan")


class AsinBackward0(Node):
    """self: grad * (-self * self + 1).rsqrt().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * _rsqrt(-x * x + 1),)


def asin(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.arcsin(_fdata(input))
    t = unary(AsinBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "asin")


class AcosBackward0(Node):
    """self: grad * -((-self * self + 1).rsqrt()).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * -_rsqrt(-x * x + 1),)


def acos(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.arccos(_fdata(input))
    t = unary(AcosBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "acos")


class AtanBackward0(Node):
    """self: grad / (self * self + 1).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad / (x * x + 1),)


def atan(input, *, out=None):
    t = unary(AtanBackward0, input, np.arctan(_fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "atan")


class SinhBackward0(Node):
    """self: grad * self.cosh().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _cosh(x),)


def sinh(input, *, out=None):
    with np.errstate(over="ignore"):
        r = np.sinh(_fdata(input))
    t = unary(SinhBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "sinh")


class CoshBackward0(Node):
    """self: grad * self.sinh().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _sinh(x),)


def cosh(input, *, out=None):
    with np.errstate(over="ignore"):
        r = np.cosh(_fdata(input))
    t = unary(CoshBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "cosh")


class TanhBackward0(Node):
    """self: tanh_backward(grad, result) = grad * (1 - result * result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (grad * (1 - y * y),)


def tanh(input, *, out=None):
    t = unary(TanhBackward0, input, np.tanh(_fdata(input)), saved=(OUTPUT,))
    return t if out is None else _into(out, t, "tanh")


class AsinhBackward0(Node):
    """self: grad * (self.pow(2) + 1).rsqrt().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _rsqrt(x ** 2 + 1),)


def asinh(input, *, out=None):
    t = unary(AsinhBackward0, input, np.arcsinh(_fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "asinh")


class AcoshBackward0(Node):
    """self: grad * (self.pow(2) - 1).rsqrt().conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            return (grad * _rsqrt(x ** 2 - 1),)


def acosh(input, *, out=None):
    with np.errstate(invalid="ignore"):
        r = np.arccosh(_fdata(input))
    t = unary(AcoshBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "acosh")


class AtanhBackward0(Node):
    """self: grad * 1 / (1 - self.pow(2)).conj()"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(divide="ignore"):
            return (grad * 1 / (1 - x ** 2),)


def atanh(input, *, out=None):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.arctanh(_fdata(input))
    t = unary(AtanhBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "atanh")


arcsin = asin
arccos = acos
arctan = atan
arcsinh = asinh
arccosh = acosh
arctanh = atanh


# erf / erfc -------------------------------------------------------------------------------
# NOTE: NumPy has no erf.  This is fdlibm's s_erf.c (Sun Microsystems, 1993: "Permission to
# use, copy, modify, and distribute this software is freely granted, provided that this
# notice is preserved"), vectorised: each branch is evaluated on every element in float64 and
# the right one picked.  Within 1 ulp (erf) / 4 ulp (erfc) of glibc.  Coefficients are
# listed highest degree first.
_ERX = 8.45062911510467529297e-01
_EFX = 1.28379167095512586316e-01
_PP = (-2.37630166566501626084e-05, -5.77027029648944159157e-03, -2.84817495755985104766e-02,
       -3.25042107247001499370e-01, 1.28379167095512558561e-01)
_QQ = (-3.96022827877536812320e-06, 1.32494738004321644526e-04, 5.08130628187576562776e-03,
       6.50222499887672944485e-02, 3.97917223959155352819e-01, 1.0)
_PA = (-2.16637559486879084300e-03, 3.54783043256182359371e-02, -1.10894694282396677476e-01,
       3.18346619901161753674e-01, -3.72207876035701323847e-01, 4.14856118683748331666e-01,
       -2.36211856075265944077e-03)
_QA = (1.19844998467991074170e-02, 1.36370839120290507362e-02, 1.26171219808761642112e-01,
       7.18286544141962662868e-02, 5.40397917702171048937e-01, 1.06420880400844228286e-01, 1.0)
_RA = (-9.81432934416914548592e+00, -8.12874355063065934246e+01, -1.84605092906711035994e+02,
       -1.62396669462573470355e+02, -6.23753324503260060396e+01, -1.05586262253232909814e+01,
       -6.93858572707181764372e-01, -9.86494403484714822705e-03)
_SA = (-6.04244152148580987438e-02, 6.57024977031928170135e+00, 1.08635005541779435134e+02,
       4.29008140027567833386e+02, 6.45387271733267880336e+02, 4.34565877475229228821e+02,
       1.37657754143519042600e+02, 1.96512716674392571292e+01, 1.0)
_RB = (-4.83519191608651397019e+02, -1.02509513161107724954e+03, -6.37566443368389627722e+02,
       -1.60636384855821916062e+02, -1.77579549177547519889e+01, -7.99283237680523006574e-01,
       -9.86494292470009928597e-03)
_SB = (-2.24409524465858183362e+01, 4.74528541206955367215e+02, 2.55305040643316442583e+03,
       3.19985821950859553908e+03, 1.53672958608443695994e+03, 3.25792512996573918826e+02,
       3.03380607434824582924e+01, 1.0)


def _poly(c, z):
    r = np.full_like(z, c[0])
    for k in c[1:]:
        r = r * z + k
    return r


def _erf_parts(x):
    """The pieces erf and erfc share, for float64 x (call under np.errstate(all="ignore"))."""
    ax = np.abs(x)
    z = x * x
    y = _poly(_PP, z) / _poly(_QQ, z)                   # |x| < 0.84375: erf = x + x*y
    pq = _poly(_PA, ax - 1.0) / _poly(_QA, ax - 1.0)    # 0.84375 <= |x| < 1.25
    s = 1.0 / z
    rs = np.where(ax < 1 / 0.35, _poly(_RA, s) / _poly(_SA, s), _poly(_RB, s) / _poly(_SB, s))
    # exp(-x*x) as exp(-zt*zt) * exp((zt - x)(zt + x)), zt = x with its low word cleared
    zt = (ax.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)
    tail = np.exp(-zt * zt - 0.5625) * np.exp((zt - ax) * (zt + ax) + rs) / ax   # erfc(|x|)
    return ax, y, pq, tail


def _erf_array(x):
    dt = x.dtype
    x = x.astype(np.float64)
    with np.errstate(all="ignore"):
        ax, y, pq, tail = _erf_parts(x)
        sgn = np.where(x < 0, -1.0, 1.0)
        r = np.where(ax < 0.84375, x + x * y,
                     np.where(ax < 1.25, sgn * (_ERX + pq),
                              np.where(ax < 6.0, sgn * (1.0 - tail), sgn)))
        r = np.where(ax < 2.0 ** -28, x + _EFX * x, r)
    return np.where(np.isnan(x), x, r).astype(dt, copy=False)


def _erfc_array(x):
    dt = x.dtype
    x = x.astype(np.float64)
    with np.errstate(all="ignore"):
        ax, y, pq, tail = _erf_parts(x)
        xy = x * y
        small = np.where(x < 0.25, 1.0 - (x + xy), 0.5 - (xy + (x - 0.5)))
        mid = np.where(x >= 0, 1.0 - _ERX - pq, 1.0 + (_ERX + pq))
        big = np.where(x > 0, tail, 2.0 - tail)
        big = np.where(x < -6.0, 2.0, np.where(ax >= 28.0, np.where(x > 0, 0.0, 2.0), big))
        r = np.where(ax < 0.84375, small, np.where(ax < 1.25, mid, big))
        r = np.where(ax < 2.0 ** -56, 1.0 - x, r)
    return np.where(np.isnan(x), x, r).astype(dt, copy=False)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class ErfBackward0(Node):
    """self: 2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (_TWO_OVER_SQRT_PI * _exp(-(x ** 2)) * grad,)


def erf(input, *, out=None):
    t = unary(ErfBackward0, input, _erf_array(np.asarray(_fdata(input))), saved=(input,))
    return t if out is None else _into(out, t, "erf")


class ErfcBackward0(Node):
    """self: -2.0 / sqrt(M_PI) * exp(-(self.pow(2))) * grad"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (-_TWO_OVER_SQRT_PI * _exp(-(x ** 2)) * grad,)


def erfc(input, *, out=None):
    t = unary(ErfcBackward0, input, _erfc_array(np.asarray(_fdata(input))), saved=(input,))
    return t if out is None else _into(out, t, "erfc")


# sigmoid, logit, relu -------------------------------------------------------------------

class SigmoidBackward0(Node):
    """self: sigmoid_backward(grad, result) = grad * result * (1 - result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (grad * y * (1 - y),)


def sigmoid(input, *, out=None):
    x = _fdata(input)
    with np.errstate(over="ignore"):
        r = 1 / (1 + np.exp(-x))
    t = unary(SigmoidBackward0, input, r, saved=(OUTPUT,))
    return t if out is None else _into(out, t, "sigmoid")


class LogitBackward0(Node):
    """self: GradMode::is_enabled() ? infinitely_differentiable_logit_backward(grad, self, eps)
                                   : logit_backward(grad, self, eps)
    = where(lo <= self <= hi, grad / (self * (1 - self)), eps ? 0 : nan)
    with [lo, hi] = [eps, 1 - eps], or [0, 1] without eps"""
    __slots__ = ()

    def backward(self, grad):
        (eps,) = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        lo, hi, fill = (0.0, 1.0, math.nan) if eps is None else (eps, 1.0 - eps, 0.0)
        inside = (xa >= lo) & (xa <= hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (_where(inside, grad / (x * (1 - x)), fill),)


def logit(input, eps=None, *, out=None):
    x = _fdata(input)
    z = x if eps is None else np.clip(x, eps, 1 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.log(z / (1 - z))
    t = unary(LogitBackward0, input, r, saved=(input,), args=(eps,))
    return t if out is None else _into(out, t, "logit")


class ReluBackward0(Node):
    """self: threshold_backward(grad, result, 0)"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (_threshold_backward(grad, result),)


class ThresholdBackwardBackward0(BroadcastingNode):
    """grad_output: threshold_backward(grad, self, threshold)    self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return _threshold_backward(grad, result), _zeros(grad)


def _threshold_backward(grad, result):
    """threshold_backward(grad, result, 0): 0 where result <= 0, else grad (nan passes).
    On Tensors (create_graph) it is recorded, with result as an input, as torch does."""
    if not (isinstance(grad, Tensor) or isinstance(result, Tensor)):
        drop = result <= 0
        if not np.isfinite(grad).all():
            return np.where(drop, 0, grad)      # inf * 0 would be nan where torch gives 0
        # A multiply by the mask is ~10x faster than np.where on a random mask; adding 0.0
        # turns the -0.0 of a negative gradient times 0 into torch's +0.0.
        out = grad * ~drop
        out += 0.0
        return out
    g = grad if isinstance(grad, Tensor) else _make(np.asarray(grad))
    r = np.where(array_of(result) <= 0, 0, g._data)
    return record(ThresholdBackwardBackward0, (g, result), r, saved=(result,))


def relu(input):
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return unary(ReluBackward0, input, np.maximum(x, 0, dtype=x.dtype), saved=(OUTPUT,))


# binary maths -----------------------------------------------------------------------------

def _float_pair(input, other, fn):
    """Operands of a floating binary op (atan2, hypot): both Tensors, promoted; integral
    results go to the default float dtype."""
    _need_tensor(fn, other)
    a, b, dt = promote(input, other)
    if dt.category < _FLOAT:
        f = _dt._default[0].np
        a, b = np.asarray(a).astype(f), np.asarray(b).astype(f)
    return a, b, dt


class Atan2Backward0(BroadcastingNode):
    """self, other: atan2_backward(grad, self, other, grad_input_mask)
    recip = (self * self + other * other).reciprocal()
    self: grad * other * recip    other: grad * -self * recip"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            recip = 1 / (a * a + b * b)
            return grad * b * recip, grad * -a * recip


def atan2(input, other, *, out=None):
    a, b, _ = _float_pair(input, other, "atan2")
    try:
        r = np.arctan2(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(Atan2Backward0, input, other, r, saved=(input, other))
    return t if out is None else _into(out, t, "atan2")


def arctan2(input, other, *, out=None):
    _need_tensor("arctan2", other)
    return atan2(input, other, out=out)


class HypotBackward0(BroadcastingNode):
    """self: grad * self / result    other: grad * other / result"""
    __slots__ = ()

    def backward(self, grad):
        a, b, result = self.unpack()
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad * a / result, grad * b / result


def hypot(input, other, *, out=None):
    _need_tensor("hypot", other)
    a, b, dt = promote(input, other)
    if dt.category < _FLOAT:
        _not_implemented_for("hypot_cpu", dt)
    try:
        r = np.hypot(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(HypotBackward0, input, other, r, saved=(input, other, OUTPUT))
    return t if out is None else _into(out, t, "hypot")


def _lerp_arrays(s, e, w):
    """torch's lerp: weight < 0.5 ? self + weight * (end - self)
                                   : end - (end - self) * (1 - weight)"""
    d = e - s
    if isinstance(w, (int, float)):
        return s + w * d if math.fabs(w) < 0.5 else e - d * (1 - w)
    return np.where(np.abs(w) < 0.5, s + w * d, e - d * (1 - w))


class LerpBackward0(BroadcastingNode):
    """self: grad * (1 - weight.toDouble())    end: grad * weight"""
    __slots__ = ()

    def backward(self, grad):
        (w,) = self.args
        return grad * (1 - w), grad * w


class LerpBackward1(BroadcastingNode):
    """self: grad * (1 - weight).conj()    end: grad * weight.conj()
    weight: grad * (end - self).conj()"""
    __slots__ = ()

    def backward(self, grad):
        s, e, w = self.unpack()
        gw = grad * (e - s) if self.next_functions[2][0] is not None else None
        return grad * (1 - w), grad * w, gw


def _lerp_check(input, end, weight):
    if not isinstance(end, Tensor):
        wt = "Tensor" if isinstance(weight, Tensor) else type(weight).__name__
        raise TypeError(
            f"lerp() received an invalid combination of arguments - got (Tensor, "
            f"{type(end).__name__}, {wt}), but expected one of:\n"
            " * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n"
            " * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n")
    dt = input.dtype
    if end.dtype is not dt:
        raise RuntimeError(f"expected dtype {_CPP_NAMES[dt.name]} for `end` but got dtype "
                           f"{_CPP_NAMES[end.dtype.name]}")
    if isinstance(weight, Tensor):
        if weight.dtype is not dt:
            raise RuntimeError(f"expected dtype {_CPP_NAMES[dt.name]} for `weight` but got "
                               f"dtype {_CPP_NAMES[weight.dtype.name]}")
        if dt.category < _FLOAT:
            _not_implemented_for("lerp_kernel_tensor", dt)
    elif dt.category < _FLOAT:
        _not_implemented_for("lerp_kernel_scalar", dt)


def lerp(input, end, weight, *, out=None):
    _lerp_check(input, end, weight)
    s, e = input._data, end._data
    try:
        if isinstance(weight, Tensor):
            r = _lerp_arrays(s, e, weight._data)
            t = record(LerpBackward1, (input, end, weight), r, saved=(input, end, weight))
        else:
            w = _scalar(weight)
            r = _lerp_arrays(s, e, w)
            t = binary(LerpBackward0, input, end, r, args=(w,))
    except ValueError:
        _raise_broadcast(input, end, weight)
        raise
    return t if out is None else _into(out, t, "lerp")


class AddcmulBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), grad)
    tensor1: handle_r_to_c(tensor1.scalar_type(), grad * (tensor2 * value).conj())
    tensor2: handle_r_to_c(tensor2.scalar_type(), grad * (tensor1 * value).conj())"""
    __slots__ = ()

    def backward(self, grad):
        (value,) = self.args
        t1, t2 = self.unpack()
        nf = self.next_functions
        return (grad,
                grad * (t2 * value) if nf[1][0] is not None else None,
                grad * (t1 * value) if nf[2][0] is not None else None)


def _three(fn, input, tensor1, tensor2):
    _need_tensor(fn, tensor1, "tensor1", 2)
    _need_tensor(fn, tensor2, "tensor2", 3)
    dt = result_type(input, tensor1, tensor2)
    return (input._data.astype(dt.np, copy=False), tensor1._data.astype(dt.np, copy=False),
            tensor2._data.astype(dt.np, copy=False), dt)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    s, t1, t2, dt = _three("addcmul", input, tensor1, tensor2)
    if dt is _dt.bool_:
        _not_implemented_for("addcmul_cpu_out", dt)
    try:
        r = s + value * t1 * t2 if value != 1 else s + t1 * t2
    except ValueError:
        _raise_broadcast(input, tensor1, tensor2)
        raise
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    t = record(AddcmulBackward0, (input, tensor1, tensor2), r, saved=(tensor1, tensor2),
               args=(value,))
    return t if out is None else _into(out, t, "addcmul")


class AddcdivBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), grad)
    tensor1: handle_r_to_c(tensor1.scalar_type(), grad * (value / tensor2).conj())
    tensor2: handle_r_to_c(tensor2.scalar_type(),
                           -grad * (value * tensor1 / (tensor2 * tensor2)).conj())"""
    __slots__ = ()

    def backward(self, grad):
        (value,) = self.args
        t1, t2 = self.unpack()
        nf = self.next_functions
        return (grad,
                grad * (value / t2) if nf[1][0] is not None else None,
                -grad * (value * t1 / (t2 * t2)) if nf[2][0] is not None else None)


_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes.")


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    _need_tensor("addcdiv", tensor1, "tensor1", 2)
    _need_tensor("addcdiv", tensor2, "tensor2", 3)
    if tensor1.dtype.category < _FLOAT and tensor2.dtype.category < _FLOAT:
        raise RuntimeError(_ADDCDIV_INT)
    s, t1, t2, dt = _three("addcdiv", input, tensor1, tensor2)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = s + value * t1 / t2 if value != 1 else s + t1 / t2
    except ValueError:
        _raise_broadcast(input, tensor1, tensor2)
        raise
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    t = record(AddcdivBackward0, (input, tensor1, tensor2), r, saved=(tensor1, tensor2),
               args=(value,))
    return t if out is None else _into(out, t, "addcdiv")


# -- rounding -------------------------------------------------------------------------------

class FloorBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class CeilBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class RoundBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class RoundBackward1(Node):
    """self: zeros_like(grad)   (round.decimals)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class TruncBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class FracBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


def _rounding(input, np_fn, NodeClass, kernel, out, name):
    x = input._data
    if x.dtype == np.bool_:
        _not_implemented_for(kernel, _dt.bool_)
    r = np_fn(x) if x.dtype.kind in "fc" else x.copy()
    t = unary(NodeClass, input, r)
    return t if out is None else _into(out, t, name)


def floor(input, *, out=None):
    return _rounding(input, np.floor, FloorBackward0, "floor_vml_cpu", out, "floor")


def ceil(input, *, out=None):
    return _rounding(input, np.ceil, CeilBackward0, "ceil_vml_cpu", out, "ceil")


def trunc(input, *, out=None):
    return _rounding(input, np.trunc, TruncBackward0, "trunc_vml_cpu", out, "trunc")


fix = trunc


def round(input, *, decimals=0, out=None):
    """Half to even, as torch's nearbyint; with decimals, rint(x * 10**d) / 10**d computed in
    the tensor's dtype (x / 10**-d and back for negative d)."""
    if decimals == 0:
        return _rounding(input, np.rint, RoundBackward0, "round_vml_cpu", out, "round")
    x = input._data
    if x.dtype.kind not in "fc":
        _not_implemented_for("round_cpu", input.dtype)
    if decimals > 0:
        ten = x.dtype.type(10.0 ** decimals)
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.rint(x * ten) / ten
    else:
        ten = x.dtype.type(10.0 ** -decimals)
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.rint(x / ten) * ten
    t = unary(RoundBackward1, input, r)
    return t if out is None else _into(out, t, "round")


def frac(input, *, out=None):
    x = input._data
    if x.dtype.kind not in "fc":
        _not_implemented_for("frac_cpu", input.dtype)
    with np.errstate(invalid="ignore"):
        r = x - np.trunc(x)
    t = unary(FracBackward0, input, r)
    return t if out is None else _into(out, t, "frac")


# -- clamp and extrema ------------------------------------------------------------------------

def _clamp_mask(xa, lo, hi):
    """Where clamp passes its input through: self >= min and self <= max (given bounds)."""
    if lo is None:
        return xa <= hi
    if hi is None:
        return xa >= lo
    return (xa >= lo) & (xa <= hi)


class ClampBackward1(Node):
    """self: clamp_backward(grad, self, min, max)
    = where(self >= min and self <= max, grad, 0)   (only the bounds given are tested)"""
    __slots__ = ()

    def backward(self, grad):
        lo, hi = self.args
        (x,) = self.unpack()
        return (_where(_clamp_mask(array_of(x), lo, hi), grad, 0),)


class ClampBackward0(BroadcastingNode):
    """self: clamp_backward(grad, self, min, max)
    min, max: clamp_backward_min_max(grad, self, min, max, grad_input_mask)
      both bounds: min gets where(self < min and min < max, grad, 0),
                   max gets where(self > max or max < min, grad, 0);
      one bound:   min gets where(self < min, grad, 0), max gets where(self > max, grad, 0)"""
    __slots__ = ()

    def backward(self, grad):
        x, lo, hi = self.unpack()
        xa = array_of(x)
        la = None if lo is None else array_of(lo)
        ha = None if hi is None else array_of(hi)
        nf = self.next_functions
        gx = _where(_clamp_mask(xa, la, ha), grad, 0) if nf[0][0] is not None else None
        glo = ghi = None
        if la is not None and nf[1][0] is not None:
            m = xa < la if ha is None else (xa < la) & (la < ha)
            glo = _where(m, grad, 0)
        if ha is not None and nf[2][0] is not None:
            m = xa > ha if la is None else (xa > ha) | (ha < la)
            ghi = _where(m, grad, 0)
        return gx, glo, ghi


def _clamp_signature_error(got):
    return TypeError(
        f"clamp() received an invalid combination of arguments - got ({', '.join(got)}), but "
        "expected one of:\n"
        " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
        " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")


def _clamp_numbers(input, lo, hi):
    dt = result_type(input, *[v for v in (lo, hi) if v is not None])
    x = input._data
    r = x.astype(dt.np, copy=False)
    lo = None if lo is None else _fit_scalar(lo, dt)      # ints wrap into small int dtypes
    hi = None if hi is None else _fit_scalar(hi, dt)
    if lo is not None:
        r = np.maximum(r, lo)
    if hi is not None:
        r = np.minimum(r, hi)
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    return r


def clamp(input, min=None, max=None, *, out=None):
    tmin, tmax = isinstance(min, Tensor), isinstance(max, Tensor)
    if tmin or tmax:
        if (min is not None and not tmin) or (max is not None and not tmax):
            raise _clamp_signature_error(
                ["Tensor"] + [type(v).__name__ if not isinstance(v, Tensor) else "Tensor"
                              for v in (min, max)])
        dt = result_type(*[v for v in (input, min, max) if v is not None])
        r = input._data.astype(dt.np, copy=False)
        try:
            if tmin:
                r = np.maximum(r, min._data.astype(dt.np, copy=False))
            if tmax:
                r = np.minimum(r, max._data.astype(dt.np, copy=False))
        except ValueError:
            _raise_broadcast(input, min, max)
            raise
        t = record(ClampBackward0, (input, min, max), r, saved=(input, min, max))
        return t if out is None else _into(out, t, "clamp")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    lo = None if min is None else _scalar(min)
    hi = None if max is None else _scalar(max)
    t = unary(ClampBackward1, input, _clamp_numbers(input, lo, hi), saved=(input,),
              args=(lo, hi))
    return t if out is None else _into(out, t, "clamp")


clip = clamp


def _clamp_method(self, min=None, max=None):
    """Tensor.clamp: torch's method reports a mixed Tensor/Number call in its own words."""
    tmin, tmax = isinstance(min, Tensor), isinstance(max, Tensor)
    if (tmin or tmax) and ((min is not None and not tmin) or (max is not None and not tmax)):
        got = ", ".join("Tensor" if isinstance(v, Tensor) else type(v).__name__
                        for v in (min, max))
        bad = ", ".join(("!Tensor!" if isinstance(v, Tensor) else f"!{type(v).__name__}!")
                        if v is not None else "NoneType" for v in (min, max))
        raise TypeError(
            f"clamp() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n"
            " * (Tensor min = None, Tensor max = None)\n"
            f"      didn't match because some of the arguments have invalid types: ({bad})\n"
            " * (Number min = None, Number max = None)\n"
            f"      didn't match because some of the arguments have invalid types: ({bad})\n")
    return clamp(self, min, max)


class ClampMinBackward0(Node):
    """self: where(self >= min, grad, at::scalar_tensor(0., grad.options()))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (_where(array_of(x) >= self.args[0], grad, 0),)


class ClampMinBackward1(BroadcastingNode):
    """self: where(self >= min, grad, at::scalar_tensor(0., grad.options()))
    min: where(self < min, grad, at::scalar_tensor(0., grad.options()))"""
    __slots__ = ()

    def backward(self, grad):
        x, lo = self.unpack()
        xa, la = array_of(x), array_of(lo)
        return _where(xa >= la, grad, 0), _where(xa < la, grad, 0)


class ClampMaxBackward0(Node):
    """self: where(self <= max, grad, at::scalar_tensor(0., grad.options()))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (_where(array_of(x) <= self.args[0], grad, 0),)


class ClampMaxBackward1(BroadcastingNode):
    """self: where(self <= max, grad, at::scalar_tensor(0., grad.options()))
    max: where(self > max, grad, at::scalar_tensor(0., grad.options()))"""
    __slots__ = ()

    def backward(self, grad):
        x, hi = self.unpack()
        xa, ha = array_of(x), array_of(hi)
        return _where(xa <= ha, grad, 0), _where(xa > ha, grad, 0)


def _bound_type_error(fn, name, value):
    bad = type(value).__name__
    return TypeError(
        f"{fn}() received an invalid combination of arguments - got ({bad}), but expected "
        "one of:\n"
        f" * (Tensor {name})\n"
        f"      didn't match because some of the arguments have invalid types: (!{bad}!)\n"
        f" * (Number {name})\n"
        f"      didn't match because some of the arguments have invalid types: (!{bad}!)\n")


def clamp_min(input, min, *, out=None):
    if isinstance(min, Tensor):
        a, b, _ = promote(input, min)
        try:
            r = np.maximum(a, b)
        except ValueError:
            _raise_broadcast(input, min)
            raise
        t = binary(ClampMinBackward1, input, min, r, saved=(input, min))
    else:
        lo = _scalar(min)
        if lo is None:
            raise _bound_type_error("clamp_min", "min", min)
        if input._data.dtype == np.bool_:
            _not_implemented_for("clamp_min_scalar_cpu", _dt.bool_)
        t = unary(ClampMinBackward0, input, _clamp_numbers(input, lo, None), saved=(input,),
                  args=(lo,))
    return t if out is None else _into(out, t, "clamp_min")


def clamp_max(input, max, *, out=None):
    if isinstance(max, Tensor):
        a, b, _ = promote(input, max)
        try:
            r = np.minimum(a, b)
        except ValueError:
            _raise_broadcast(input, max)
            raise
        t = binary(ClampMaxBackward1, input, max, r, saved=(input, max))
    else:
        hi = _scalar(max)
        if hi is None:
            raise _bound_type_error("clamp_max", "max", max)
        if input._data.dtype == np.bool_:
            _not_implemented_for("clamp_max_scalar_cpu", _dt.bool_)
        t = unary(ClampMaxBackward0, input, _clamp_numbers(input, None, hi), saved=(input,),
                  args=(hi,))
    return t if out is None else _into(out, t, "clamp_max")


def _check_clamp_inplace(self, *bounds):
    """clamp_ with Number bounds names the output type as c10 spells it ("long int")."""
    nums = [b for b in bounds if b is not None and not isinstance(b, Tensor)]
    if nums and self._data.dtype.kind not in "fc":
        vals = [_scalar(b) for b in nums]
        if None not in vals:
            dt = result_type(self, *vals)
            if not _can_cast(dt, self.dtype):
                raise RuntimeError(f"result type {_type_name(dt)} can't be cast to the desired "
                                   f"output type {_CPP_NAMES[self.dtype.name]}")


def clamp_(input, min=None, max=None):
    _check_clamp_inplace(input, min, max)
    return inplace(input, clamp, min, max)


clip_ = clamp_


def clamp_min_(input, min):
    _check_clamp_inplace(input, min)
    return inplace(input, clamp_min, min)


def clamp_max_(input, max):
    _check_clamp_inplace(input, max)
    return inplace(input, clamp_max, max)


class MaximumBackward0(BroadcastingNode):
    """self: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
    other: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        aa, ba = array_of(a), array_of(b)
        tie = aa == ba
        g = _where(tie, grad * 0.5, grad) if tie.any() else grad
        return g * ~(aa < ba), g * ~(aa > ba)


class MinimumBackward0(BroadcastingNode):
    """self: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
    other: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        aa, ba = array_of(a), array_of(b)
        tie = aa == ba
        g = _where(tie, grad * 0.5, grad) if tie.any() else grad
        return g * ~(aa > ba), g * ~(aa < ba)


class FmaxBackward0(BroadcastingNode):
    """self: grad.masked_fill((self >= other).logical_or_(other.isnan()).logical_not_(), 0)
    other: grad.masked_fill((self >= other).logical_or_(other.isnan()), 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        ba = array_of(b)
        m = (array_of(a) >= ba) | np.isnan(ba)
        return grad * m, grad * ~m


class FminBackward0(BroadcastingNode):
    """self: grad.masked_fill((self <= other).logical_or_(other.isnan()).logical_not_(), 0)
    other: grad.masked_fill((self <= other).logical_or_(other.isnan()), 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        ba = array_of(b)
        m = (array_of(a) <= ba) | np.isnan(ba)
        return grad * m, grad * ~m


def _extremum(fn, np_fn, NodeClass, input, other, out):
    _need_tensor(fn, other)
    a, b, _ = promote(input, other)
    try:
        r = np_fn(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(NodeClass, input, other, r, saved=(input, other))
    return t if out is None else _into(out, t, fn)


def maximum(input, other, *, out=None):
    return _extremum("maximum", np.maximum, MaximumBackward0, input, other, out)


def minimum(input, other, *, out=None):
    return _extremum("minimum", np.minimum, MinimumBackward0, input, other, out)


def fmax(input, other, *, out=None):
    return _extremum("fmax", np.fmax, FmaxBackward0, input, other, out)


def fmin(input, other, *, out=None):
    return _extremum("fmin", np.fmin, FminBackward0, input, other, out)


# -- where ------------------------------------------------------------------------------------

class WhereBackward0(BroadcastingNode):
    """condition: non_differentiable
    self: where(condition, grad, 0)    other: where(condition, 0, grad)"""
    __slots__ = ()

    def backward(self, grad):
        (cond,) = self.args
        nf = self.next_functions
        return (_where(cond, grad, 0) if nf[0][0] is not None else None,
                _where(cond, 0, grad) if nf[1][0] is not None else None)


def _nonzero_tuple(condition):
    from . import indexing
    nz = getattr(indexing, "nonzero", None)
    if nz is not None:
        return nz(condition, as_tuple=True)
    c = np.atleast_1d(condition._data)
    return tuple(_make(i.astype(np.int64)) for i in np.nonzero(c))


def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other): input where condition holds, else other (either may be a
    Python number).  where(condition) is nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        return _nonzero_tuple(condition)
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{type(condition).__name__}")
    c = condition._data
    if c.dtype != np.bool_:
        if c.dtype != np.uint8:
            raise RuntimeError("where expected condition to be a boolean tensor, but got a "
                               f"tensor with dtype {_type_name(condition.dtype)}")
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated "
                      "and will be removed in a future version of PyTorch. Use a boolean "
                      "condition instead.", UserWarning, stacklevel=2)
        c = c.astype(np.bool_)
    xs = input._data if isinstance(input, Tensor) else _scalar(input)
    ys = other._data if isinstance(other, Tensor) else _scalar(other)
    dt = result_type(xs if not isinstance(input, Tensor) else input,
                     ys if not isinstance(other, Tensor) else other)
    if isinstance(xs, _ndarray):
        xs = xs.astype(dt.np, copy=False)
    if isinstance(ys, _ndarray):
        ys = ys.astype(dt.np, copy=False)
    try:
        r = np.where(c, xs, ys)
    except ValueError:
        _raise_broadcast(condition, input, other)
        raise
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    t = record(WhereBackward0, (input, other), r, args=(c,))
    return t if out is None else _into(out, t, "where")


# -- special values -------------------------------------------------------------------------

def isnan(input):
    return _wrap(np.isnan(input._data))


def isinf(input):
    x = input._data
    return _wrap(np.isinf(x) if x.dtype.kind in "fc" else np.zeros(x.shape, np.bool_))


def isposinf(input, *, out=None):
    x = input._data
    t = _wrap(np.isposinf(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_))
    return t if out is None else _into(out, t, "isposinf")


def isneginf(input, *, out=None):
    x = input._data
    t = _wrap(np.isneginf(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_))
    return t if out is None else _into(out, t, "isneginf")


def isfinite(input):
    x = input._data
    return _wrap(np.isfinite(x) if x.dtype.kind in "fc" else np.ones(x.shape, np.bool_))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, in the inputs' dtype (integers in the default
    float dtype), or both equal; nans equal only with equal_nan."""
    _need_tensor("isclose", other)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{_type_name(input.dtype)} did not match "
                           f"{_type_name(other.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._data, other._data
    try:
        close = a == b
    except ValueError:
        _raise_broadcast(input, other)
        raise
    if a.dtype.kind not in "fc":
        if rtol == 0 and atol == 0:
            return _wrap(close)
        f = _dt._default[0].np
        a, b = a.astype(f), b.astype(f)
    elif equal_nan:
        close = close | (np.isnan(a) & np.isnan(b))
    if rtol == 0 and atol == 0:
        return _wrap(close)
    with np.errstate(invalid="ignore", over="ignore"):
        allowed = atol + np.abs(rtol * b)
        actual = np.abs(a - b)
        close = close | (np.isfinite(actual) & (actual <= allowed))
    return _wrap(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other):
    """True when both have the same shape and the same values."""
    _need_tensor("equal", other)
    if input._data.shape != other._data.shape:
        return False
    a, b, _ = promote(input, other)
    return bool(np.array_equal(a, b))


class NanToNumBackward0(Node):
    """self: grad * at::isfinite(self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * np.isfinite(array_of(x)),)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    x = input._data
    if x.dtype.kind == "f":
        r = np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
        if r.dtype != x.dtype:
            r = r.astype(x.dtype)
    else:
        r = x.copy()
    t = unary(NanToNumBackward0, input, r, saved=(input,))
    return t if out is None else _into(out, t, "nan_to_num")


# -- comparisons, logical and bitwise ops (no gradient) -----------------------------------------

def _compare(np_fn, name, input, other, out):
    a, b, _ = promote(input, other)
    try:
        r = np_fn(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = _wrap(r)
    return t if out is None else _into(out, t, name)


def eq(input, other, *, out=None):
    return _compare(np.equal, "eq", input, other, out)


def ne(input, other, *, out=None):
    return _compare(np.not_equal, "ne", input, other, out)


def lt(input, other, *, out=None):
    return _compare(np.less, "lt", input, other, out)


def le(input, other, *, out=None):
    return _compare(np.less_equal, "le", input, other, out)


def gt(input, other, *, out=None):
    return _compare(np.greater, "gt", input, other, out)


def ge(input, other, *, out=None):
    return _compare(np.greater_equal, "ge", input, other, out)


greater = gt
greater_equal = ge
less = lt
less_equal = le
not_equal = ne


def _logical(np_fn, name, input, other, out):
    _need_tensor(name, other)
    try:
        r = np_fn(input._data, other._data)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = _wrap(r)
    return t if out is None else _into(out, t, name)


def logical_and(input, other, *, out=None):
    return _logical(np.logical_and, "logical_and", input, other, out)


def logical_or(input, other, *, out=None):
    return _logical(np.logical_or, "logical_or", input, other, out)


def logical_xor(input, other, *, out=None):
    return _logical(np.logical_xor, "logical_xor", input, other, out)


def logical_not(input, *, out=None):
    t = _wrap(np.logical_not(input._data))
    return t if out is None else _into(out, t, "logical_not")


def _bitwise(np_fn, kernel, name, input, other, out):
    a, b, dt = promote(input, other)
    if dt.category >= _FLOAT:
        _not_implemented_for(kernel, dt)
    try:
        r = np_fn(a, b)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    if r.dtype != dt.np:
        r = r.astype(dt.np)
    t = _wrap(r)
    return t if out is None else _into(out, t, name)


def bitwise_and(input, other, *, out=None):
    return _bitwise(np.bitwise_and, "bitwise_and_cpu", "bitwise_and", input, other, out)


def bitwise_or(input, other, *, out=None):
    return _bitwise(np.bitwise_or, "bitwise_or_cpu", "bitwise_or", input, other, out)


def bitwise_xor(input, other, *, out=None):
    return _bitwise(np.bitwise_xor, "bitwise_xor_cpu", "bitwise_xor", input, other, out)


def bitwise_not(input, *, out=None):
    x = input._data
    if x.dtype.kind not in "biu":
        _not_implemented_for("bitwise_not_cpu", input.dtype)
    t = _wrap(np.invert(x))
    return t if out is None else _into(out, t, "bitwise_not")


def _invert(self):
    if self._data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return _wrap(np.invert(self._data))


# -- dtype conversions and copies --------------------------------------------------------------

class ToCopyBackward0(Node):
    """self: _to_copy_backward(grad, self.options())   (grad converted back to self's dtype)"""
    __slots__ = ()

    def backward(self, grad):
        return (_as_dtype(grad, self.args[0]),)


def _convert(input, dt, copy=False):
    """input in dtype dt: input itself when nothing changes (and no copy is asked), else a
    converted copy (ToCopyBackward0 between floating dtypes)."""
    a = input._data
    if a.dtype == dt.np and not copy:
        return input
    with np.errstate(invalid="ignore", over="ignore"):
        arr = a.astype(dt.np)
    if dt.category < _FLOAT:
        return _make(arr)
    return unary(ToCopyBackward0, input, arr, args=(input.dtype,))


_ACCELERATORS = ("mps", "xpu", "meta", "hpu", "mtia", "xla", "lazy", "ipu", "hip", "ve",
                 "fpga", "maia", "vulkan", "mkldnn", "opengl", "opencl", "ideep", "ort",
                 "privateuseone")


def _check_device(d):
    """Validate a to() device; True when it names an index ("cpu:0"), which torch treats as
    another device than the tensor's plain "cpu" (so to() copies)."""
    if isinstance(d, _device):
        return d.index is not None
    if isinstance(d, int) and not isinstance(d, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if isinstance(d, str):
        kind = d.split(":")[0]
        if kind == "cpu":
            return ":" in d
        if kind == "cuda":
            raise AssertionError("Torch not compiled with CUDA enabled")
        if kind in _ACCELERATORS:
            raise RuntimeError(f"ember runs on the CPU only; device '{d}' is not available")
        raise RuntimeError(f"Invalid device string: '{d}'")
    raise TypeError(f"to() received an invalid device: {type(d).__name__}")


_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n")


def to(self, *args, **kwargs):
    """Tensor.to(dtype) / to(device) / to(device, dtype) / to(other) / to(..., copy=True):
    self when nothing changes, else a converted copy."""
    dtype = kwargs.pop("dtype", None)
    dev = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    rest = list(args)
    if rest:
        first = rest.pop(0)
        if isinstance(first, Tensor):
            dtype = first.dtype
        elif isinstance(first, _dt.dtype):
            dtype = first
        else:
            dev = first
            if rest and isinstance(rest[0], _dt.dtype):
                dtype = rest.pop(0)
        if len(rest) >= 2:
            copy = rest[1]
    if dtype is not None and not isinstance(dtype, _dt.dtype):
        raise TypeError("to() received an invalid combination of arguments - got "
                        f"(dtype={type(dtype).__name__}, ), but expected one of:\n"
                        + _TO_SIGNATURES)
    if dev is not None and _check_device(dev):
        copy = True
    return _convert(self, self.dtype if dtype is None else dtype, copy)


_BY_LEGACY = {"torch." + d._legacy: d for d in _dt.ALL}


def _type(self, dtype=None, non_blocking=False, **kwargs):
    """Tensor.type(): 'torch.FloatTensor'; Tensor.type(dtype or 'torch.DoubleTensor')
    converts."""
    if dtype is None:
        return "torch." + self.dtype._legacy
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            raise AssertionError("Torch not compiled with CUDA enabled")
        d = _BY_LEGACY.get(dtype)
        if d is None:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = d
    return _convert(self, dtype)


def type_as(self, other):
    return _convert(self, other.dtype)


def _to_float(self, memory_format=None):
    return _convert(self, _dt.float32)


def _to_double(self, memory_format=None):
    return _convert(self, _dt.float64)


def _to_half(self, memory_format=None):
    return _convert(self, _dt.float16)


def _to_long(self, memory_format=None):
    return _convert(self, _dt.int64)


def _to_int(self, memory_format=None):
    return _convert(self, _dt.int32)


def _to_short(self, memory_format=None):
    return _convert(self, _dt.int16)


def _to_char(self, memory_format=None):
    return _convert(self, _dt.int8)


def _to_byte(self, memory_format=None):
    return _convert(self, _dt.uint8)


def _to_bool(self, memory_format=None):
    return _convert(self, _dt.bool_)


def _cpu(self, memory_format=None):
    return self


class CloneBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


def clone(input, *, memory_format=None):
    """A copy with its own memory, laid out as input's is (torch's preserve_format)."""
    return unary(CloneBackward0, input, input._data.copy(order="K"))


def contiguous(self, memory_format=None):
    """self when already C-contiguous, else a C-contiguous copy (CloneBackward0)."""
    x = self._data
    if x.flags.c_contiguous:
        return self
    return unary(CloneBackward0, self, np.ascontiguousarray(x))


def _writable(x):
    """x's array, or a writable alias of the same memory when x is an expanded (read-only)
    view: fill_ and zero_ may write there, as torch lets them."""
    a = x._data
    if a.flags.writeable:
        return a
    base = a
    while isinstance(base.base, _ndarray):
        base = base.base
    if not base.flags.writeable:
        _check_writable(x)
    offset = a.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return np.ndarray(a.shape, a.dtype, buffer=base, offset=offset, strides=a.strides)


def _check_writable(x):
    if not x._data.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")


def _records(x, value=None):
    """Whether an in-place write into x must be recorded in the graph."""
    return _gm._enabled and (x._requires_grad or
                             (isinstance(value, Tensor) and value._requires_grad))


class ZeroBackward0(Node):
    """self: zeros_like(grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


def _zeroed(input):
    return unary(ZeroBackward0, input, np.zeros_like(input._data))


def zero_(input):
    if _records(input):
        return inplace(input, _zeroed)
    _writable(input).fill(0)
    input._vc[0] += 1
    return input


class FillBackward0(Node):
    """self: zeros_like(grad)   (fill.Scalar)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class FillBackward1(Node):
    """self: zeros_like(grad)   value: grad.sum()   (fill.Tensor)"""
    __slots__ = ()

    def backward(self, grad):
        return _zeros(grad), (grad.sum() if isinstance(grad, Tensor) else np.asarray(grad.sum()))


class FillBackward2(Node):
    """self: zeros_like(grad)   (fill_.Scalar)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros(grad),)


class FillBackward3(Node):
    """self: zeros_like(grad)   value: grad.sum()   (fill_.Tensor)"""
    __slots__ = ()

    def backward(self, grad):
        return _zeros(grad), (grad.sum() if isinstance(grad, Tensor) else np.asarray(grad.sum()))


def _fill_value(value):
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._data.ndim} dimensions.")
        return value._data
    return value


def _full_of(input, value):
    with np.errstate(invalid="ignore", over="ignore"):
        return np.full_like(input._data, _fill_value(value))


def fill(input, value):
    """A new tensor of input's shape and dtype filled with value."""
    r = _full_of(input, value)
    if isinstance(value, Tensor):
        return record(FillBackward1, (input, value), r)
    return unary(FillBackward0, input, r)


def _filled(input, value):
    r = _full_of(input, value)
    if isinstance(value, Tensor):
        return record(FillBackward3, (input, value), r)
    return unary(FillBackward2, input, r)


def fill_(input, value):
    v = _fill_value(value)
    if _records(input, value):
        return inplace(input, _filled, value)
    with np.errstate(invalid="ignore", over="ignore"):
        _writable(input)[...] = v
    input._vc[0] += 1
    return input


class CopyBackwards(BroadcastingNode):
    """self: zeros_like(grad)   src: grad->to(src_options), then summed to src's shape
    (torch/csrc/autograd/functions/tensor.cpp: CopyBackwards::apply)"""
    __slots__ = ()

    def backward(self, grad):
        src = self.meta[1]
        if src is not None and array_of(grad).dtype != src[1]:
            return _zeros(grad), _as_dtype(grad, _BY_NP[src[1]])
        return _zeros(grad), grad


def copy_(self, src, non_blocking=False):
    """Write src (broadcast to self's shape, cast to self's dtype) into self's memory."""
    x = self._data
    s = src._data if isinstance(src, Tensor) else src
    sshape = tuple(np.shape(s))
    if sshape != x.shape:
        b = broadcast_shapes(x.shape, sshape)
        if tuple(b) != x.shape:
            raise RuntimeError(f"output with shape [{', '.join(map(str, x.shape))}] doesn't "
                               f"match the broadcast shape [{', '.join(map(str, b))}]")
    if not _records(self, src):
        _check_writable(self)
        with np.errstate(invalid="ignore", over="ignore"):
            np.copyto(x, s, casting="unsafe")
        self._vc[0] += 1
        return self
    if self._base is not None:
        _views.check(self)
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    _check_writable(self)
    node = CopyBackwards((_edge(self), _edge(src)))
    node.meta = (_meta(self), _meta(src))
    with np.errstate(invalid="ignore", over="ignore"):
        np.copyto(x, s, casting="unsafe")
    self._vc[0] += 1
    _views.rebase_history(self, node)
    return self


# -- in-place forms ---------------------------------------------------------------------------
# The ones optimizers call every step (add_, sub_, mul_, div_, addcmul_, addcdiv_, lerp_,
# sqrt_) are one NumPy write into the tensor's memory when no graph is recorded and the
# operands already have the tensor's dtype; everything else goes through _base.inplace, which
# runs the out-of-place op and records it.

def _same_dtype(x, other):
    """other's array when it is a Tensor of x's dtype, or a Python number x's (floating or
    int64) dtype takes without promotion; else None."""
    if isinstance(other, Tensor):
        o = other._data
        return o if o.dtype == x.dtype else None
    t = type(other)
    if t is float:
        return other if x.dtype.kind == "f" else None
    if t is int:
        return other if x.dtype.kind == "f" or x.dtype == np.int64 else None
    return None


def _write(self, ufunc, x, *operands):
    """ufunc(*operands, out=x); False when NumPy refuses (a shape that does not fit x): the
    caller then takes the general path, which raises torch's error."""
    try:
        ufunc(*operands, out=x)
    except ValueError:
        return False
    self._vc[0] += 1
    return True


def add_(self, other, *, alpha=1):
    if not _records(self, other):
        x = self._data
        o = _same_dtype(x, other)
        if o is not None and x.flags.writeable and type(alpha) in (int, float) and \
                (alpha == 1 or x.dtype.kind == "f"):
            if _write(self, np.add, x, x, o if alpha == 1 else o * alpha):
                return self
    return inplace(self, add, other, alpha=alpha)


def sub_(self, other, *, alpha=1):
    if not _records(self, other):
        x = self._data
        o = _same_dtype(x, other)
        if o is not None and x.flags.writeable and type(alpha) in (int, float) and \
                (alpha == 1 or x.dtype.kind == "f"):
            if _write(self, np.subtract, x, x, o if alpha == 1 else o * alpha):
                return self
    return inplace(self, sub, other, alpha=alpha)


def mul_(self, other):
    if not _records(self, other):
        x = self._data
        o = _same_dtype(x, other)
        if o is not None and x.flags.writeable:
            if _write(self, np.multiply, x, x, o):
                return self
    return inplace(self, mul, other)


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None and not _records(self, other):
        x = self._data
        o = _same_dtype(x, other)
        if o is not None and x.dtype.kind == "f" and x.flags.writeable:
            with np.errstate(divide="ignore", invalid="ignore"):
                if _write(self, np.divide, x, x, o):
                    return self
    return inplace(self, div, other, rounding_mode=rounding_mode)


def sqrt_(self):
    x = self._data
    if x.dtype.kind == "f" and x.flags.writeable and not _records(self):
        with np.errstate(invalid="ignore"):
            np.sqrt(x, out=x)
        self._vc[0] += 1
        return self
    return inplace(self, sqrt)


def addcmul_(self, tensor1, tensor2, *, value=1):
    if not (_records(self, tensor1) or _records(self, tensor2)):
        x = self._data
        if x.dtype.kind == "f" and x.flags.writeable and type(value) in (int, float) and \
                isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
            t1, t2 = _same_dtype(x, tensor1), _same_dtype(x, tensor2)
            if t1 is not None and t2 is not None:
                # torch's order: self + value * tensor1 * tensor2
                try:
                    prod = (t1 * value if value != 1 else t1) * t2
                except ValueError:
                    prod = None
                if prod is not None and _write(self, np.add, x, x, prod):
                    return self
    return inplace(self, addcmul, tensor1, tensor2, value=value)


def addcdiv_(self, tensor1, tensor2, *, value=1):
    if not (_records(self, tensor1) or _records(self, tensor2)):
        x = self._data
        if x.dtype.kind == "f" and x.flags.writeable and type(value) in (int, float) and \
                isinstance(tensor1, Tensor) and isinstance(tensor2, Tensor):
            t1, t2 = _same_dtype(x, tensor1), _same_dtype(x, tensor2)
            if t1 is not None and t2 is not None:
                # torch's order: self + value * tensor1 / tensor2
                try:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        quot = (t1 * value if value != 1 else t1) / t2
                except ValueError:
                    quot = None
                if quot is not None and _write(self, np.add, x, x, quot):
                    return self
    return inplace(self, addcdiv, tensor1, tensor2, value=value)


def lerp_(self, end, weight):
    if not (_records(self, end) or _records(self, weight)):
        x = self._data
        if x.dtype.kind == "f" and x.flags.writeable and isinstance(end, Tensor) and \
                end._data.dtype == x.dtype:
            w = weight._data if isinstance(weight, Tensor) and weight._data.dtype == x.dtype \
                else (weight if type(weight) in (int, float) else None)
            if w is not None:
                try:
                    r = _lerp_arrays(x, end._data, w)
                except ValueError:
                    r = None
                if r is not None and r.shape == x.shape:
                    np.copyto(x, r)
                    self._vc[0] += 1
                    return self
    return inplace(self, lerp, end, weight)


def neg_(input):
    return inplace(input, neg)


negative_ = neg_


def reciprocal_(input):
    return inplace(input, reciprocal)


def square_(input):
    return inplace(input, square)


def abs_(input):
    return inplace(input, abs)


absolute_ = abs_


def sign_(input):
    return inplace(input, sign)


def sgn_(input):
    return inplace(input, sgn)


def pow_(input, exponent):
    return inplace(input, pow, exponent)


def floor_divide_(input, other):
    r = inplace(input, floor_divide, other)
    if isinstance(r.grad_fn, _NotImplementedBackward):
        r.grad_fn.args = ("floor_divide_",)
    return r


def remainder_(input, other):
    return inplace(input, remainder, other)


def fmod_(input, other):
    return inplace(input, fmod, other)


def exp_(input):
    return inplace(input, exp)


def exp2_(input):
    return inplace(input, exp2)


def expm1_(input):
    return inplace(input, expm1)


def log_(input):
    return inplace(input, log)


def log2_(input):
    return inplace(input, log2)


def log10_(input):
    return inplace(input, log10)


def log1p_(input):
    return inplace(input, log1p)


def rsqrt_(input):
    return inplace(input, rsqrt)


def sin_(input):
    return inplace(input, sin)


def cos_(input):
    return inplace(input, cos)


def tan_(input):
    return inplace(input, tan)


def asin_(input):
    return inplace(input, asin)


def acos_(input):
    return inplace(input, acos)


def atan_(input):
    return inplace(input, atan)


def sinh_(input):
    return inplace(input, sinh)


def cosh_(input):
    return inplace(input, cosh)


def tanh_(input):
    return inplace(input, tanh)


def asinh_(input):
    return inplace(input, asinh)


def acosh_(input):
    return inplace(input, acosh)


def atanh_(input):
    return inplace(input, atanh)


arcsin_ = asin_
arccos_ = acos_
arctan_ = atan_
arcsinh_ = asinh_
arccosh_ = acosh_
arctanh_ = atanh_


def atan2_(input, other):
    _need_tensor("atan2_", other, pos=1)
    return inplace(input, atan2, other)


def arctan2_(input, other):
    _need_tensor("arctan2_", other, pos=1)
    return inplace(input, atan2, other)


def hypot_(input, other):
    _need_tensor("hypot_", other, pos=1)
    return inplace(input, hypot, other)


def erf_(input):
    return inplace(input, erf)


def erfc_(input):
    return inplace(input, erfc)


def sigmoid_(input):
    return inplace(input, sigmoid)


def logit_(input, eps=None):
    return inplace(input, logit, eps)


def relu_(input):
    return inplace(input, relu)


def floor_(input):
    return inplace(input, floor)


def ceil_(input):
    return inplace(input, ceil)


def round_(input, *, decimals=0):
    return inplace(input, round, decimals=decimals)


def trunc_(input):
    return inplace(input, trunc)


fix_ = trunc_


def frac_(input):
    return inplace(input, frac)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    return inplace(input, nan_to_num, nan, posinf, neginf)


class _ComparisonInplaceNode(BroadcastingNode):
    """The node torch records for an in-place comparison on a tensor that requires grad:
    the result is piecewise constant, so every gradient is zero."""
    __slots__ = ()

    def backward(self, grad):
        z = _zeros_like(grad)
        return z, (z if self.next_functions[1][0] is not None else None)


class EqBackward0(_ComparisonInplaceNode):
    """self: zeros_like(self)   (other a scalar)"""
    __slots__ = ()


class EqBackward1(_ComparisonInplaceNode):
    """self: zeros_like(self)   other: zeros_like(other)"""
    __slots__ = ()


class NeBackward0(_ComparisonInplaceNode):
    __slots__ = ()


class NeBackward1(_ComparisonInplaceNode):
    __slots__ = ()


class LtBackward0(_ComparisonInplaceNode):
    __slots__ = ()


class LtBackward1(_ComparisonInplaceNode):
    __slots__ = ()


class LeBackward0(_ComparisonInplaceNode):
    __slots__ = ()


class LeBackward1(_ComparisonInplaceNode):
    __slots__ = ()


class GtBackward0(_ComparisonInplaceNode):
    __slots__ = ()


class GtBackward1(_ComparisonInplaceNode):
    __slots__ = ()


class GeBackward0(_ComparisonInplaceNode):
    __slots__ = ()


class GeBackward1(_ComparisonInplaceNode):
    __slots__ = ()


def _zeros_like(g):
    if isinstance(g, Tensor):
        return g * 0 if not g._data.size else g.new_zeros(g.shape)
    return np.zeros_like(g)


def _compare_(input, op, other, nodes):
    """x.eq_(y) and friends: write the 0/1 result into x; record torch's zero-gradient node."""
    old_edge = (input.grad_fn, input._output_nr) if input.grad_fn is not None else None
    recording = _gm._enabled and (input._requires_grad or
                                  (isinstance(other, Tensor) and other._requires_grad))
    was_leaf_rg = input._requires_grad and input.grad_fn is None
    inplace(input, op, other)
    if recording and not was_leaf_rg:
        from ._base import _edge, _meta
        node = nodes[isinstance(other, Tensor)](
            (old_edge or (None, 0), _edge(other)))
        node.meta = (_meta(input), _meta(other))
        input.grad_fn = node
        input._output_nr = 0
        input._requires_grad = True
    return input


def eq_(input, other):
    return _compare_(input, eq, other, (EqBackward0, EqBackward1))


def ne_(input, other):
    return _compare_(input, ne, other, (NeBackward0, NeBackward1))


def lt_(input, other):
    return _compare_(input, lt, other, (LtBackward0, LtBackward1))


def le_(input, other):
    return _compare_(input, le, other, (LeBackward0, LeBackward1))


def gt_(input, other):
    return _compare_(input, gt, other, (GtBackward0, GtBackward1))


def ge_(input, other):
    return _compare_(input, ge, other, (GeBackward0, GeBackward1))


def logical_and_(input, other):
    _need_tensor("logical_and_", other, pos=1)
    return inplace(input, logical_and, other)


def logical_or_(input, other):
    _need_tensor("logical_or_", other, pos=1)
    return inplace(input, logical_or, other)


def logical_xor_(input, other):
    _need_tensor("logical_xor_", other, pos=1)
    return inplace(input, logical_xor, other)


def logical_not_(input):
    return inplace(input, logical_not)


def bitwise_and_(input, other):
    return inplace(input, bitwise_and, other)


def bitwise_or_(input, other):
    return inplace(input, bitwise_or, other)


def bitwise_xor_(input, other):
    return inplace(input, bitwise_xor, other)


def bitwise_not_(input):
    return inplace(input, bitwise_not)


# -- operators --------------------------------------------------------------------------------
# An operand of a type no op accepts (None, a string, a list) gives NotImplemented, so Python
# raises its own TypeError ("unsupported operand type(s) for +: 'Tensor' and 'list'") and
# `t == None` is False, as with torch.

_OPERANDS = (Tensor, int, float, complex, _ndarray, np.generic)


def _op_add(self, other):
    return add(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_radd(self, other):      # torch: self.add(other), so self's edge comes first
    return add(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_iadd(self, other):
    return add_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_sub(self, other):
    return sub(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rsub(self, other):
    return rsub(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_isub(self, other):
    return sub_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_mul(self, other):
    return mul(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rmul(self, other):      # torch: self.mul(other)
    return mul(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_imul(self, other):
    return mul_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_truediv(self, other):
    return div(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rtruediv(self, other):
    """other / self: torch computes reciprocal(self) * other for a number other."""
    if not isinstance(other, _OPERANDS):
        return NotImplemented
    if isinstance(other, (Tensor, _ndarray)):
        return div(other, self)
    return mul(reciprocal(self), other)


def _op_itruediv(self, other):
    return div_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_floordiv(self, other):
    return floor_divide(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rfloordiv(self, other):
    return floor_divide(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ifloordiv(self, other):
    return floor_divide_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_mod(self, other):
    return remainder(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rmod(self, other):
    return remainder(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_imod(self, other):
    return remainder_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_pow(self, other):
    return pow(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rpow(self, other):
    return pow(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ipow(self, other):
    return pow_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_and(self, other):
    return bitwise_and(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rand(self, other):
    return bitwise_and(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_iand(self, other):
    return bitwise_and_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_or(self, other):
    return bitwise_or(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ror(self, other):
    return bitwise_or(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ior(self, other):
    return bitwise_or_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_xor(self, other):
    return bitwise_xor(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_rxor(self, other):
    return bitwise_xor(other, self) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ixor(self, other):
    return bitwise_xor_(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_eq(self, other):
    return eq(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ne(self, other):
    return ne(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_lt(self, other):
    return lt(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_le(self, other):
    return le(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_gt(self, other):
    return gt(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _op_ge(self, other):
    return ge(self, other) if isinstance(other, _OPERANDS) else NotImplemented


def _where_method(self, condition, other):
    """Tensor.where(condition, other) is where(condition, self, other)."""
    return where(condition, self, other)


def _pos(self):
    if self._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return self


# -- methods whose argument errors count positions from the first argument after self -------

def _maximum_method(self, other):
    _need_tensor("maximum", other, pos=1)
    return maximum(self, other)


def _minimum_method(self, other):
    _need_tensor("minimum", other, pos=1)
    return minimum(self, other)


def _fmax_method(self, other):
    _need_tensor("fmax", other, pos=1)
    return fmax(self, other)


def _fmin_method(self, other):
    _need_tensor("fmin", other, pos=1)
    return fmin(self, other)


def _hypot_method(self, other):
    _need_tensor("hypot", other, pos=1)
    return hypot(self, other)


def _atan2_method(self, other):
    _need_tensor("atan2", other, pos=1)
    return atan2(self, other)


def _arctan2_method(self, other):
    _need_tensor("arctan2", other, pos=1)
    return atan2(self, other)


def _isclose_method(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    _need_tensor("isclose", other, pos=1)
    return isclose(self, other, rtol, atol, equal_nan)


def _allclose_method(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    _need_tensor("allclose", other, pos=1)
    return allclose(self, other, rtol, atol, equal_nan)


def _equal_method(self, other):
    _need_tensor("equal", other, pos=1)
    return equal(self, other)


def _logical_and_method(self, other):
    _need_tensor("logical_and", other, pos=1)
    return logical_and(self, other)


def _logical_or_method(self, other):
    _need_tensor("logical_or", other, pos=1)
    return logical_or(self, other)


def _logical_xor_method(self, other):
    _need_tensor("logical_xor", other, pos=1)
    return logical_xor(self, other)


def _addcmul_method(self, tensor1, tensor2, *, value=1):
    _need_tensor("addcmul", tensor1, "tensor1", 1)
    _need_tensor("addcmul", tensor2, "tensor2", 2)
    return addcmul(self, tensor1, tensor2, value=value)


def _addcdiv_method(self, tensor1, tensor2, *, value=1):
    _need_tensor("addcdiv", tensor1, "tensor1", 1)
    _need_tensor("addcdiv", tensor2, "tensor2", 2)
    return addcdiv(self, tensor1, tensor2, value=value)


def _lerp_method(self, end, weight):
    if not isinstance(end, Tensor):
        got = f"{type(end).__name__}, " + ("Tensor" if isinstance(weight, Tensor)
                                           else type(weight).__name__)
        bad = ", ".join("!Tensor!" if isinstance(v, Tensor) else f"!{type(v).__name__}!"
                        for v in (end, weight))
        raise TypeError(
            f"lerp() received an invalid combination of arguments - got ({got}), but expected "
            "one of:\n"
            " * (Tensor end, Tensor weight)\n"
            f"      didn't match because some of the arguments have invalid types: ({bad})\n"
            " * (Tensor end, Number weight)\n"
            f"      didn't match because some of the arguments have invalid types: ({bad})\n")
    return lerp(self, end, weight)


# -- Tensor methods -----------------------------------------------------------------------------

Tensor.add = add
Tensor.add_ = add_
Tensor.sub = sub
Tensor.sub_ = sub_
Tensor.subtract = sub
Tensor.subtract_ = sub_
Tensor.mul = mul
Tensor.mul_ = mul_
Tensor.multiply = mul
Tensor.multiply_ = mul_
Tensor.div = div
Tensor.div_ = div_
Tensor.divide = div
Tensor.divide_ = div_
Tensor.true_divide = true_divide
Tensor.true_divide_ = div_
Tensor.floor_divide = floor_divide
Tensor.floor_divide_ = floor_divide_
Tensor.remainder = remainder
Tensor.remainder_ = remainder_
Tensor.fmod = fmod
Tensor.fmod_ = fmod_
Tensor.pow = pow
Tensor.pow_ = pow_
Tensor.neg = neg
Tensor.neg_ = neg_
Tensor.negative = neg
Tensor.negative_ = neg_
Tensor.reciprocal = reciprocal
Tensor.reciprocal_ = reciprocal_
Tensor.square = square
Tensor.square_ = square_
Tensor.abs = abs
Tensor.abs_ = abs_
Tensor.absolute = abs
Tensor.absolute_ = abs_
Tensor.sign = sign
Tensor.sign_ = sign_
Tensor.sgn = sgn
Tensor.sgn_ = sgn_
Tensor.exp = exp
Tensor.exp_ = exp_
Tensor.exp2 = exp2
Tensor.exp2_ = exp2_
Tensor.expm1 = expm1
Tensor.expm1_ = expm1_
Tensor.log = log
Tensor.log_ = log_
Tensor.log2 = log2
Tensor.log2_ = log2_
Tensor.log10 = log10
Tensor.log10_ = log10_
Tensor.log1p = log1p
Tensor.log1p_ = log1p_
Tensor.sqrt = sqrt
Tensor.sqrt_ = sqrt_
Tensor.rsqrt = rsqrt
Tensor.rsqrt_ = rsqrt_
Tensor.sin = sin
Tensor.sin_ = sin_
Tensor.cos = cos
Tensor.cos_ = cos_
Tensor.tan = tan
Tensor.tan_ = tan_
Tensor.asin = asin
Tensor.asin_ = asin_
Tensor.arcsin = asin
Tensor.arcsin_ = asin_
Tensor.acos = acos
Tensor.acos_ = acos_
Tensor.arccos = acos
Tensor.arccos_ = acos_
Tensor.atan = atan
Tensor.atan_ = atan_
Tensor.arctan = atan
Tensor.arctan_ = atan_
Tensor.atan2 = _atan2_method
Tensor.atan2_ = atan2_
Tensor.arctan2 = _arctan2_method
Tensor.arctan2_ = arctan2_
Tensor.sinh = sinh
Tensor.sinh_ = sinh_
Tensor.cosh = cosh
Tensor.cosh_ = cosh_
Tensor.tanh = tanh
Tensor.tanh_ = tanh_
Tensor.asinh = asinh
Tensor.asinh_ = asinh_
Tensor.arcsinh = asinh
Tensor.arcsinh_ = asinh_
Tensor.acosh = acosh
Tensor.acosh_ = acosh_
Tensor.arccosh = acosh
Tensor.arccosh_ = acosh_
Tensor.atanh = atanh
Tensor.atanh_ = atanh_
Tensor.arctanh = atanh
Tensor.arctanh_ = atanh_
Tensor.erf = erf
Tensor.erf_ = erf_
Tensor.erfc = erfc
Tensor.erfc_ = erfc_
Tensor.sigmoid = sigmoid
Tensor.sigmoid_ = sigmoid_
Tensor.logit = logit
Tensor.logit_ = logit_
Tensor.relu = relu
Tensor.relu_ = relu_
Tensor.lerp = _lerp_method
Tensor.lerp_ = lerp_
Tensor.addcmul = _addcmul_method
Tensor.addcmul_ = addcmul_
Tensor.addcdiv = _addcdiv_method
Tensor.addcdiv_ = addcdiv_
Tensor.hypot = _hypot_method
Tensor.hypot_ = hypot_
Tensor.floor = floor
Tensor.floor_ = floor_
Tensor.ceil = ceil
Tensor.ceil_ = ceil_
Tensor.round = round
Tensor.round_ = round_
Tensor.trunc = trunc
Tensor.trunc_ = trunc_
Tensor.fix = trunc
Tensor.fix_ = trunc_
Tensor.frac = frac
Tensor.frac_ = frac_
Tensor.clamp = _clamp_method
Tensor.clamp_ = clamp_
Tensor.clip = _clamp_method
Tensor.clip_ = clamp_
Tensor.clamp_min = clamp_min
Tensor.clamp_min_ = clamp_min_
Tensor.clamp_max = clamp_max
Tensor.clamp_max_ = clamp_max_
Tensor.maximum = _maximum_method
Tensor.minimum = _minimum_method
Tensor.fmax = _fmax_method
Tensor.fmin = _fmin_method
Tensor.where = _where_method
Tensor.isnan = isnan
Tensor.isinf = isinf
Tensor.isposinf = isposinf
Tensor.isneginf = isneginf
Tensor.isfinite = isfinite
Tensor.isclose = _isclose_method
Tensor.allclose = _allclose_method
Tensor.equal = _equal_method
Tensor.nan_to_num = nan_to_num
Tensor.nan_to_num_ = nan_to_num_
Tensor.eq = eq
Tensor.eq_ = eq_
Tensor.ne = ne
Tensor.ne_ = ne_
Tensor.not_equal = ne
Tensor.not_equal_ = ne_
Tensor.lt = lt
Tensor.lt_ = lt_
Tensor.less = lt
Tensor.less_ = lt_
Tensor.le = le
Tensor.le_ = le_
Tensor.less_equal = le
Tensor.less_equal_ = le_
Tensor.gt = gt
Tensor.gt_ = gt_
Tensor.greater = gt
Tensor.greater_ = gt_
Tensor.ge = ge
Tensor.ge_ = ge_
Tensor.greater_equal = ge
Tensor.greater_equal_ = ge_
Tensor.logical_and = _logical_and_method
Tensor.logical_and_ = logical_and_
Tensor.logical_or = _logical_or_method
Tensor.logical_or_ = logical_or_
Tensor.logical_xor = _logical_xor_method
Tensor.logical_xor_ = logical_xor_
Tensor.logical_not = logical_not
Tensor.logical_not_ = logical_not_
Tensor.bitwise_and = bitwise_and
Tensor.bitwise_and_ = bitwise_and_
Tensor.bitwise_or = bitwise_or
Tensor.bitwise_or_ = bitwise_or_
Tensor.bitwise_xor = bitwise_xor
Tensor.bitwise_xor_ = bitwise_xor_
Tensor.bitwise_not = bitwise_not
Tensor.bitwise_not_ = bitwise_not_
Tensor.to = to
Tensor.type = _type
Tensor.type_as = type_as
Tensor.float = _to_float
Tensor.double = _to_double
Tensor.half = _to_half
Tensor.long = _to_long
Tensor.int = _to_int
Tensor.short = _to_short
Tensor.char = _to_char
Tensor.byte = _to_byte
Tensor.bool = _to_bool
Tensor.cpu = _cpu
Tensor.clone = clone
Tensor.contiguous = contiguous
Tensor.zero_ = zero_
Tensor.fill_ = fill_
Tensor.copy_ = copy_

Tensor.__add__ = _op_add
Tensor.__radd__ = _op_radd
Tensor.__iadd__ = _op_iadd
Tensor.__sub__ = _op_sub
Tensor.__rsub__ = _op_rsub
Tensor.__isub__ = _op_isub
Tensor.__mul__ = _op_mul
Tensor.__rmul__ = _op_rmul
Tensor.__imul__ = _op_imul
Tensor.__truediv__ = _op_truediv
Tensor.__rtruediv__ = _op_rtruediv
Tensor.__itruediv__ = _op_itruediv
Tensor.__floordiv__ = _op_floordiv
Tensor.__rfloordiv__ = _op_rfloordiv
Tensor.__ifloordiv__ = _op_ifloordiv
Tensor.__mod__ = _op_mod
Tensor.__rmod__ = _op_rmod
Tensor.__imod__ = _op_imod
Tensor.__pow__ = _op_pow
Tensor.__rpow__ = _op_rpow
Tensor.__ipow__ = _op_ipow
Tensor.__and__ = _op_and
Tensor.__rand__ = _op_rand
Tensor.__iand__ = _op_iand
Tensor.__or__ = _op_or
Tensor.__ror__ = _op_ror
Tensor.__ior__ = _op_ior
Tensor.__xor__ = _op_xor
Tensor.__rxor__ = _op_rxor
Tensor.__ixor__ = _op_ixor
Tensor.__invert__ = _invert
Tensor.__eq__ = _op_eq
Tensor.__ne__ = _op_ne
Tensor.__lt__ = _op_lt
Tensor.__le__ = _op_le
Tensor.__gt__ = _op_gt
Tensor.__ge__ = _op_ge
Tensor.__neg__ = neg
Tensor.__abs__ = abs
Tensor.__pos__ = _pos
