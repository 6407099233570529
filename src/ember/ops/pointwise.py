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
from .._tensor import Tensor, _make, device as _device, require_cpu
from .._tensor import DEVICE_TYPES as _DEVICE_TYPES
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


def _need_input(fn, x):
    """torch's argument parser for a function whose only overloads take a Tensor input."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(x).__name__}")


def _tname(x):
    return "Tensor" if isinstance(x, Tensor) else type(x).__name__


_TENSOR_OR_NUMBER = (" * (Tensor input, Tensor other, *, Tensor out = None)\n"
                     " * (Tensor input, Number other, *, Tensor out = None)\n")


def _need_input_of(fn, input, other, signatures=_TENSOR_OR_NUMBER):
    """torch's argument parser for a function with (Tensor, Tensor) and (Tensor, Number)
    overloads given a non-Tensor input."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got "
                        f"({_tname(input)}, {_tname(other)}), but expected one of:\n"
                        + signatures)


def _out_same(out, dt, fn=None):
    """torch's check of an ``out=`` for ops whose TensorIterator wants every operand of one
    dtype (abs, neg, floor ...): made before the op's own dtype errors."""
    if out is not None and isinstance(out, Tensor) and out.dtype is not dt:
        if fn is not None:
            raise RuntimeError(f"{fn}: dtype of out: {_type_name(out.dtype)} should be same "
                               f"as input: {_type_name(dt)}")
        raise RuntimeError(f"Found dtype {_type_name(out.dtype)} but expected "
                           f"{_type_name(dt)}")


def _out_bool(out, fn):
    if out is not None and isinstance(out, Tensor) and out.dtype is not _dt.bool_:
        raise RuntimeError(f"{fn} does not support non-boolean outputs.")


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
            al = _dt.checked_scalar(alpha, dt)
            with np.errstate(over="ignore", invalid="ignore"):
                r = a + _scaled(b, al, dt)
            if dt is _dt.bool_:
                r = r.astype(np.bool_)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    t = binary(AddBackward0, input, other, r, args=(alpha,))
    return t if out is None else _into(out, t, "add")


def _scaled(b, al, dt):
    """alpha * other as torch's add kernel computes it: a Python-number other is first
    converted to the result dtype (float16 + 1e5 * 0.0 is inf * 0, nan)."""
    if dt.category == _FLOAT and not isinstance(b, _ndarray):
        with np.errstate(over="ignore"):
            b = dt.np.type(b)
    if dt.category < _FLOAT and type(al) is int:
        al = _fit_scalar(al, dt)            # -alpha of sub wraps in an unsigned dtype
    return b * al


def _bool_sub_error():
    raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                       "supported. Use the `^` or `logical_xor()` operator instead.")


def _is_bool(x):
    if isinstance(x, Tensor):
        return x._data.dtype == np.bool_
    return isinstance(x, (bool, np.bool_))


def _sub_check(input, other):
    """torch's sub_check: either operand bool (a Python bool too) is an error, before any
    promotion or broadcasting."""
    bi, bo = _is_bool(input), _is_bool(other)
    if bi and bo:
        _bool_sub_error()
    if bi or bo:
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


class SubBackward0(BroadcastingNode):
    """self: handle_r_to_c(self.scalar_type(), grad)
    other: handle_r_to_c(other.scalar_type(), maybe_multiply(-grad, alpha.conj()))"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return grad, (-grad if alpha == 1 else grad * -alpha)


def sub(input, other, *, alpha=1, out=None):
    _sub_check(input, other)
    a, b, dt = promote(input, other)
    try:
        if alpha == 1 and alpha is not True:
            r = a - b
        else:
            _check_alpha(dt, alpha)
            al = _dt.checked_scalar(alpha, dt)
            with np.errstate(over="ignore", invalid="ignore"):
                r = a + _scaled(b, -al, dt)    # torch: add(self, other, -alpha)
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
    _need_input_of("rsub", input, other,
                   " * (Tensor input, Tensor other, *, Number alpha = 1)\n"
                   " * (Tensor input, Number other, Number alpha = 1)\n")
    _sub_check(input, other)
    a, b, dt = promote(input, other)
    al = alpha
    if alpha != 1 or alpha is True:
        _check_alpha(dt, alpha)
        al = _dt.checked_scalar(alpha, dt)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            r = b - a if alpha == 1 else b + _scaled(a, -al, dt)
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
    a, b, dt = promote(input, other)
    try:
        h = _half_opmath(other, a, dt) if dt is _dt.float16 else None
        r = a * b if h is None else (h[0] * h[1]).astype(np.float16)
    except ValueError:
        _raise_broadcast(input, other)
        raise
    # each input is saved only when the other one needs its gradient, as torch does, so an
    # in-place write to an input whose value no formula needs does not fail backward
    t = binary(MulBackward0, input, other, r,
               saved=(input if _needs_grad(other) else None,
                      other if _needs_grad(input) else None))
    return t if out is None else _into(out, t, "mul")


def _needs_grad(x):
    return isinstance(x, Tensor) and x._requires_grad


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


def _int_zero_check(b, dt, a=None):
    """Integer division by zero raises, unless the broadcast result is empty (torch's
    kernel never meets the zero then)."""
    if dt.category < _FLOAT and np.any(np.asarray(b) == 0):
        if a is not None:
            try:
                if np.broadcast(a, b).size == 0:
                    return
            except ValueError:
                return          # the op's own broadcast raises torch's error
        raise RuntimeError("ZeroDivisionError")


def _promote_to_float(input, other):
    """promote() for ops that promote integer inputs to float (true division, atan2, xlogy,
    copysign ...): when torch's result type is integral or bool, each operand goes to the
    default float dtype straight from its own value (an int64 0-d -5 next to a uint8 tensor
    is -5.0, not 251.0 as a cast through uint8 would make it)."""
    a, b, dt = promote(input, other)
    if dt.category >= _FLOAT:
        return a, b, dt
    f = _dt._default[0]

    def conv(x, cast):
        if isinstance(x, Tensor):
            return x._data.astype(f.np)
        v = _scalar(x)
        if v is not None:
            return float(v)
        return np.asarray(cast).astype(f.np)
    return conv(input, a), conv(other, b), f


def _half_opmath(other, a, dt):
    """torch's mul and div kernels read a CPU-scalar ``other`` (a Python number or a 0-d
    tensor) as a float32 "opmath" value when the result is float16, so float16 * 1e5 is
    not inf * x: (a, b) in float32 to compute with, or None when this does not apply."""
    if dt is not _dt.float16:
        return None
    if isinstance(other, Tensor):
        od = other._data
        if od.ndim or od.dtype.kind == "c":
            return None
        with np.errstate(over="ignore"):
            return np.asarray(a, np.float32), od.astype(np.float32)
    v = _scalar(other)
    if v is None or isinstance(v, complex):
        return None
    with np.errstate(over="ignore"):
        return np.asarray(a, np.float32), np.float32(v)


def _div_floor(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("div_floor_cpu", dt)
    _int_zero_check(b, dt, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.floor_divide(a, b)


def _div_trunc(a, b, dt):
    if dt is _dt.bool_:
        _not_implemented_for("div_trunc_cpu", dt)
    if dt.category < _FLOAT:
        _int_zero_check(b, dt, a)
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
                a, b, _ = _promote_to_float(input, other)
            elif dt is _dt.float16:
                h = _half_opmath(other, a, dt)
                if h is not None:
                    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                        a = (h[0] / h[1]).astype(np.float16)
                    b = 1
            if isinstance(b, (int, float)) and b != 0:
                r = a / b
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    r = a / b
            t = binary(DivBackward0, input, other, r,
                       saved=(input if _needs_grad(other) else None, other))
        else:
            h = _half_opmath(other, a, dt) if dt is _dt.float16 else None
            if h is not None:           # float16 by a number: float32 "opmath", as torch
                a, b = h
            if rounding_mode == "trunc":
                r = _div_trunc(a, b, dt)
            elif rounding_mode == "floor":
                r = _div_floor(a, b, dt)
            else:
                raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or "
                                   f"'floor' but found '{rounding_mode}'")
            if h is not None:
                r = np.asarray(r).astype(np.float16)
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
    _int_zero_check(b, dt, a)
    if dt.category == _FLOAT:
        # torch: m = fmod(a, b); m + b where m != 0 and its sign differs from b's (so a zero
        # keeps a's sign: -1 % 0.5 is -0.0, which NumPy's remainder makes +0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = np.fmod(a, b)
            fix = (m != 0) & ((np.asarray(b) < 0) != (m < 0))
            if fix.any():
                m = np.where(fix, m + b, m).astype(m.dtype, copy=False)
        return m
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
    _int_zero_check(b, dt, a)
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
        # np.power, not **: ndarray ** 0.5 takes NumPy's sqrt shortcut, and torch's pow
        # keeps C's pow(-inf, 0.5) = inf and pow(-0.0, 0.5) = +0.0
        return np.power(a, b)


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
        se = _scalar(exponent)
        if dt.category < _FLOAT and isinstance(se, int) and se < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        _dt.checked_scalar(_scalar(exponent), dt)   # torch's overflow error (int8 ** 300)
        if dt is _dt.bool_:
            # torch answers x ** 0 and x ** 1 without a kernel, so bools pass there
            r = np.ones_like(a) if e == 0 else a.copy()
        else:
            r = _pow_arrays(a, e, dt)
        t = unary(PowBackward0, input, r, saved=(input,), args=(_scalar(exponent),))
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
    _out_same(out, input.dtype)
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
    _out_same(out, input.dtype)
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
    _out_same(out, input.dtype)
    t = unary(SignBackward0, input, _sign_array(np.asarray(input._data)))
    return t if out is None else _into(out, t, "sign")


def sgn(input, *, out=None):
    _out_same(out, input.dtype)
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
    r = np.maximum(x, 0, dtype=x.dtype)
    if x.dtype.kind == "f":
        # x < 0 ? 0 : x, as torch's clamp_min: a -0.0 passes through (NumPy gives +0.0)
        r = _first_on_ties(r, x, 0)
    return unary(ReluBackward0, input, r, saved=(OUTPUT,))


# binary maths -----------------------------------------------------------------------------

def _float_pair(input, other, fn):
    """Operands of a floating binary op (atan2, hypot): both Tensors, promoted; integral
    results go to the default float dtype."""
    _need_input(fn, input)
    _need_tensor(fn, other)
    a, b, dt = _promote_to_float(input, other)
    return np.asarray(a), np.asarray(b), dt


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
    _need_input("arctan2", input)
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
    _need_input("hypot", input)
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
        if weight.dtype is not dt and weight._data.ndim:
            raise RuntimeError(f"expected dtype {_CPP_NAMES[dt.name]} for `weight` but got "
                               f"dtype {_CPP_NAMES[weight.dtype.name]}")
        # a 0-d weight of another dtype takes part in the promotion (int16 tensors and a
        # float64 0-d weight give float64)
        dt = result_type(input, end, weight)
        if dt.category < _FLOAT:
            _not_implemented_for("lerp_kernel_tensor", dt)
    elif dt.category < _FLOAT:
        _not_implemented_for("lerp_kernel_scalar", dt)
    return dt


def lerp(input, end, weight, *, out=None):
    dt = _lerp_check(input, end, weight)
    s, e = input._data.astype(dt.np, copy=False), end._data.astype(dt.np, copy=False)
    half = s.dtype == np.float16
    if half:                    # torch computes a float16 lerp in float32 "opmath"
        s, e = s.astype(np.float32), e.astype(np.float32)
    try:
        if isinstance(weight, Tensor):
            w = weight._data
            w = w.astype(np.float32 if half else s.dtype, copy=False)
            r = _lerp_arrays(s, e, w)
            if half:
                r = r.astype(np.float16)
            t = record(LerpBackward1, (input, end, weight), r, saved=(input, end, weight))
        else:
            w = _scalar(weight)
            r = _lerp_arrays(s, e, w)
            if half:
                r = r.astype(np.float16)
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
    # a float value truncates for integral results; float16 checks as float32 (opmath)
    v = _dt.checked_scalar(value, _dt.float32 if dt is _dt.float16 else dt)
    if dt is _dt.float16:                  # computed in float32 "opmath", as torch's kernel
        s, t1, t2 = s.astype(np.float32), t1.astype(np.float32), t2.astype(np.float32)
    try:
        with np.errstate(over="ignore"):
            r = s + v * t1 * t2 if value != 1 else s + t1 * t2
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
    value = _dt.checked_scalar(value, _dt.float32 if dt is _dt.float16 else dt)
    if dt is _dt.float16:                  # computed in float32 "opmath", as torch's kernel
        s, t1, t2 = s.astype(np.float32), t1.astype(np.float32), t2.astype(np.float32)
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = s + value * (t1 / t2) if value != 1 else s + t1 / t2
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
    _out_same(out, input.dtype)
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


def round(input, *, decimals=None, out=None):
    """Half to even, as torch's nearbyint; with decimals, rint(x * 10**d) / 10**d computed in
    the tensor's dtype (x / 10**-d and back for negative d).  An explicit decimals (even 0)
    is torch's round.decimals overload: RoundBackward1, and no integral inputs."""
    _out_same(out, input.dtype)
    if decimals is None:
        return _rounding(input, np.rint, RoundBackward0, "round_vml_cpu", out, "round")
    x = input._data
    if x.dtype.kind not in "fc":
        _not_implemented_for("round_vml_cpu" if decimals == 0 else "round_cpu", input.dtype)
    if x.dtype == np.float16:       # torch computes a float16 round in float32 "opmath"
        x = x.astype(np.float32)
    if decimals > 0:
        ten = x.dtype.type(10.0 ** decimals)
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.rint(x * ten) / ten
    else:
        ten = x.dtype.type(10.0 ** -decimals)
        with np.errstate(over="ignore", invalid="ignore"):
            r = np.rint(x / ten) * ten
    if r.dtype != input._data.dtype:
        r = r.astype(input._data.dtype)
    t = unary(RoundBackward1, input, r)
    return t if out is None else _into(out, t, "round")


def frac(input, *, out=None):
    _out_same(out, input.dtype)
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


def _clamp_numbers(input, lo, hi, kernel="clamp_scalar_cpu"):
    dt = result_type(input, *[v for v in (lo, hi) if v is not None])
    if dt is _dt.bool_:
        _not_implemented_for(kernel, dt)
    x = input._data
    if lo is not None and hi is not None and (lo != lo or hi != hi):
        return np.full(x.shape, np.nan, dt.np)      # torch fills nan before converting
    r = x.astype(dt.np, copy=False)
    lo = None if lo is None else _dt.checked_scalar(lo, dt)   # torch's overflow error
    hi = None if hi is None else _dt.checked_scalar(hi, dt)
    lo = None if lo is None else _fit_scalar(lo, dt)      # ints wrap into small int dtypes
    hi = None if hi is None else _fit_scalar(hi, dt)
    if r.dtype.kind == "f":
        lo = None if lo is None else np.asarray(lo, r.dtype)
        hi = None if hi is None else np.asarray(hi, r.dtype)
    if lo is not None:
        r = _t_maximum(r, lo)
    if hi is not None:
        r = _t_minimum(r, hi)
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
        if dt is _dt.bool_ and tmin and tmax:
            _not_implemented_for("clamp_cpu", dt)
        r = input._data.astype(dt.np, copy=False)
        try:
            if tmin:
                r = _t_maximum(r, min._data.astype(dt.np, copy=False))
            if tmax:
                r = _t_minimum(r, max._data.astype(dt.np, copy=False))
        except ValueError:
            _raise_broadcast(input, min, max)
            raise
        t = record(ClampBackward0, (input, min, max), r, saved=(input, min, max))
        return t if out is None else _into(out, t, "clamp")
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    lo = None if min is None else _scalar(min)
    hi = None if max is None else _scalar(max)
    if out is not None:
        _out_same(out, result_type(input, *[v for v in (lo, hi) if v is not None]))
    kernel = ("clamp_scalar_cpu" if lo is not None and hi is not None else
              "clamp_min_scalar_cpu" if lo is not None else "clamp_max_scalar_cpu")
    t = unary(ClampBackward1, input, _clamp_numbers(input, lo, hi, kernel), saved=(input,),
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
            r = _t_maximum(a, b)
        except ValueError:
            _raise_broadcast(input, min)
            raise
        t = binary(ClampMinBackward1, input, min, r, saved=(input, min))
    else:
        lo = _scalar(min)
        if lo is None:
            raise _bound_type_error("clamp_min", "min", min)
        t = unary(ClampMinBackward0, input,
                  _clamp_numbers(input, lo, None, "clamp_min_scalar_cpu"), saved=(input,),
                  args=(lo,))
    return t if out is None else _into(out, t, "clamp_min")


def clamp_max(input, max, *, out=None):
    if isinstance(max, Tensor):
        a, b, _ = promote(input, max)
        try:
            r = _t_minimum(a, b)
        except ValueError:
            _raise_broadcast(input, max)
            raise
        t = binary(ClampMaxBackward1, input, max, r, saved=(input, max))
    else:
        hi = _scalar(max)
        if hi is None:
            raise _bound_type_error("clamp_max", "max", max)
        t = unary(ClampMaxBackward0, input,
                  _clamp_numbers(input, None, hi, "clamp_max_scalar_cpu"), saved=(input,),
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


def _masked(g, keep):
    """g where keep, else 0: torch's masked_fill(~keep, 0), so a masked-out negative or
    infinite gradient gives +0.0 (a plain g * keep would give -0.0 or nan)."""
    if isinstance(g, Tensor):
        return g * keep
    r = g * keep
    if not np.isfinite(g).all():
        return np.where(keep, g, 0).astype(r.dtype, copy=False)
    if type(r) is np.ndarray:
        r += 0.0
        return r
    return r + 0.0


class MaximumBackward0(BroadcastingNode):
    """self: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
    other: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        aa, ba = array_of(a), array_of(b)
        tie = aa == ba
        g = _where(tie, grad * 0.5, grad) if tie.any() else grad
        return _masked(g, ~(aa < ba)), _masked(g, ~(aa > ba))


class MinimumBackward0(BroadcastingNode):
    """self: at::where(self == other, grad / 2, grad).masked_fill_(self > other, 0)
    other: at::where(self == other, grad / 2, grad).masked_fill_(self < other, 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        aa, ba = array_of(a), array_of(b)
        tie = aa == ba
        g = _where(tie, grad * 0.5, grad) if tie.any() else grad
        return _masked(g, ~(aa > ba)), _masked(g, ~(aa < ba))


class FmaxBackward0(BroadcastingNode):
    """self: grad.masked_fill((self >= other).logical_or_(other.isnan()).logical_not_(), 0)
    other: grad.masked_fill((self >= other).logical_or_(other.isnan()), 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        ba = array_of(b)
        m = (array_of(a) >= ba) | np.isnan(ba)
        return _masked(grad, m), _masked(grad, ~m)


class FminBackward0(BroadcastingNode):
    """self: grad.masked_fill((self <= other).logical_or_(other.isnan()).logical_not_(), 0)
    other: grad.masked_fill((self <= other).logical_or_(other.isnan()), 0)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        ba = array_of(b)
        m = (array_of(a) <= ba) | np.isnan(ba)
        return _masked(grad, m), _masked(grad, ~m)


def _is_float_array(a):
    return getattr(a, "dtype", None) is not None and a.dtype.kind in "fc"


def _first_on_ties(r, a, b):
    """torch's maximum/minimum/fmax/fmin and clamp hand back their first operand between
    equal values (-0.0 against 0.0), where NumPy's hand back the second.  (Fixing the ties
    after NumPy's ufunc keeps its speed: np.where on a data-dependent mask is ~9x slower.)"""
    with np.errstate(invalid="ignore"):
        m = a == b
    if np.any(m):
        r = np.asarray(r)
        if not r.flags.writeable or r.base is not None:
            r = r.copy()
        np.copyto(r, np.asarray(a).astype(r.dtype, copy=False), where=m)
    return r


def _t_maximum(a, b):
    """torch.maximum: nan from either side; between equal values (-0.0 and 0.0) the first
    operand."""
    r = np.maximum(a, b)
    if not (_is_float_array(a) or _is_float_array(b)):
        return r
    return _first_on_ties(r, a, b)


def _t_minimum(a, b):
    r = np.minimum(a, b)
    if not (_is_float_array(a) or _is_float_array(b)):
        return r
    return _first_on_ties(r, a, b)


def _t_fmax(a, b):
    """torch.fmax: nan only where both are; equal values give the first operand."""
    r = np.fmax(a, b)
    if not (_is_float_array(a) or _is_float_array(b)):
        return r
    return _first_on_ties(r, a, b)


def _t_fmin(a, b):
    r = np.fmin(a, b)
    if not (_is_float_array(a) or _is_float_array(b)):
        return r
    return _first_on_ties(r, a, b)


def _extremum(fn, np_fn, NodeClass, input, other, out):
    _need_input(fn, input)
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
    return _extremum("maximum", _t_maximum, MaximumBackward0, input, other, out)


def minimum(input, other, *, out=None):
    return _extremum("minimum", _t_minimum, MinimumBackward0, input, other, out)


def fmax(input, other, *, out=None):
    return _extremum("fmax", _t_fmax, FmaxBackward0, input, other, out)


def fmin(input, other, *, out=None):
    return _extremum("fmin", _t_fmin, FminBackward0, input, other, out)


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
    if out is not None and isinstance(out, Tensor) and out.dtype is not dt:
        raise RuntimeError(f"Expected out type to be {_type_name(dt)} but got "
                           f"{_type_name(out.dtype)}")
    if isinstance(xs, _ndarray):
        xs = xs.astype(dt.np, copy=False)
    else:
        # torch's overflow error (uint8 and 300), though not for float16 (1e5 gives inf)
        xs = _fit_scalar(xs if dt is _dt.float16 else _dt.checked_scalar(xs, dt), dt)
    if isinstance(ys, _ndarray):
        ys = ys.astype(dt.np, copy=False)
    else:
        ys = _fit_scalar(ys if dt is _dt.float16 else _dt.checked_scalar(ys, dt), dt)
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
    _out_bool(out, "isposinf")
    x = input._data
    t = _wrap(np.isposinf(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_))
    return t if out is None else _into(out, t, "isposinf")


def isneginf(input, *, out=None):
    _out_bool(out, "isneginf")
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
    _out_same(out, input.dtype, "nan_to_num")
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
    _need_input_of(name, input, other)
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


def greater(input, other, *, out=None):
    return _compare(np.greater, "greater", input, other, out)


def greater_equal(input, other, *, out=None):
    return _compare(np.greater_equal, "greater_equal", input, other, out)


def less(input, other, *, out=None):
    return _compare(np.less, "less", input, other, out)


def less_equal(input, other, *, out=None):
    return _compare(np.less_equal, "less_equal", input, other, out)


def not_equal(input, other, *, out=None):
    return _compare(np.not_equal, "not_equal", input, other, out)


def _logical(np_fn, name, input, other, out):
    _need_input(name, input)
    _need_tensor(name, other)
    try:
        # torch casts both to their common dtype first (an int64 0-d -2**63 next to an int8
        # tensor wraps to 0, so it tests false)
        a, b, _ = promote(input, other)
        r = np_fn(a, b)
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
    if out is not None and isinstance(out, Tensor) and not _can_cast(dt, out.dtype):
        raise RuntimeError(f"result type {_type_name(dt)} can't be cast to the desired "
                           f"output type {_type_name(out.dtype)}")
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
    _out_same(out, input.dtype)
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


def _check_device(d):
    """Validate a to() device; True when it names an index ("cpu:0"), which torch treats as
    another device than the tensor's plain "cpu" (so to() copies)."""
    if isinstance(d, int) and not isinstance(d, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if isinstance(d, str):
        if d.split(":")[0] not in _DEVICE_TYPES:
            raise RuntimeError(f"Invalid device string: '{d}'")
        d = _device(d)
    if not isinstance(d, _device):
        raise TypeError(f"to() received an invalid device: {type(d).__name__}")
    require_cpu(d)
    return d.index is not None


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
        # float16 * 1e5: torch's kernels read the number in float32 (see _half_opmath)
        return other if x.dtype.kind == "f" and x.dtype != np.float16 else None
    if t is int:
        return other if (x.dtype.kind == "f" and x.dtype != np.float16) or \
            x.dtype == np.int64 else None
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
    _sub_check(self, other)
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


def round_(input, *, decimals=None):
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


# == more pointwise maths: angles, sinc, xlogy, gamma family, erfinv, Bessel I0/I1, copysign,
# heaviside, float_power, ldexp, frexp, logaddexp, nextafter, gcd/lcm, signbit, positive,
# bit shifts, and the kernels torch.special adds (ember/special.py binds the public names) ====
# NOTE: NumPy has none of lgamma, digamma, polygamma, erfinv, i0e, i1, i1e, ndtri.  Each is
# vectorised below in float64 (every branch evaluated on all elements, the right one picked),
# following ATen's native/Math.h (Cephes-derived: see the Cephes 3-clause BSD note there) so
# that values agree with torch's to float64 rounding, not just to the function's true value.
# float32 inputs are evaluated in float64 and rounded once to float32.

from ._base import record_multi
from ._return_types import return_type as _return_type


def _f64(fn, x):
    """fn evaluated on float64 copies of x, rounded back to x's (floating) dtype."""
    with np.errstate(all="ignore"):
        r = fn(np.asarray(x, dtype=np.float64))
        return np.asarray(r).astype(x.dtype, copy=False)


def _native(fn, x):
    """fn evaluated in x's own floating dtype (the series torch runs in float32 for float32
    inputs: digamma, trigamma, erfinv, the Bessel functions), as an array of that dtype."""
    with np.errstate(all="ignore"):
        r = fn(x)
        return np.asarray(r).astype(x.dtype, copy=False)


def _dual(v, op, arr_fn, native=False):
    """op(v) on a Tensor (recorded, for create_graph), arr_fn(v) on an array."""
    if isinstance(v, Tensor):
        return op(v)
    return _native(arr_fn, v) if native else _f64(arr_fn, v)


def _float_operands(input, other):
    """Operands of a floating binary op (xlogy, copysign, ...): promoted as torch does, with
    integral and bool results going to the default float dtype."""
    a, b, dt = _promote_to_float(input, other)
    # a Python-number operand as a 0-d array of the result dtype (np.where is not "weak")
    return np.asarray(a, dt.np), np.asarray(b, dt.np), dt


def _broadcasting(fn, input, other, *arrays):
    try:
        return fn(*arrays)
    except ValueError:
        _raise_broadcast(input, other)
        raise


def _polevl(x, coeffs):
    r = np.zeros_like(x)
    for c in coeffs:
        r = r * x + c
    return r


# deg2rad, rad2deg, sinc --------------------------------------------------------------------

_PI_180 = math.pi / 180.0
_180_PI = 180.0 / math.pi


class Deg2RadBackward0(Node):
    """self: deg2rad_backward(grad) = grad * (M_PI / 180)"""
    __slots__ = ()

    def backward(self, grad):
        return (grad * _PI_180,)


class Rad2DegBackward0(Node):
    """self: rad2deg_backward(grad) = grad * (180 / M_PI)"""
    __slots__ = ()

    def backward(self, grad):
        return (grad * _180_PI,)


def deg2rad(input, *, out=None):
    t = unary(Deg2RadBackward0, input, _fdata(input) * _PI_180)
    return t if out is None else _into(out, t, "deg2rad")


def rad2deg(input, *, out=None):
    t = unary(Rad2DegBackward0, input, _fdata(input) * _180_PI)
    return t if out is None else _into(out, t, "rad2deg")


def _sinc_array(x):
    """torch's kernel: 1 at 0, else sin(pi * x) / (pi * x) in x's dtype."""
    with np.errstate(all="ignore"):
        p = x * x.dtype.type(math.pi)
        return np.where(x == 0, x.dtype.type(1), np.sin(p) / p)


class SincBackward0(Node):
    """self: sinc_backward(grad, self)
    = where(self * self * M_PI == 0, 0,
            grad * (self * M_PI * cos(self * M_PI) - sin(self * M_PI)) / (self * self * M_PI))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        xa = array_of(x)
        with np.errstate(all="ignore"):
            xp = x * math.pi
            out = grad * (xp * _cos(xp) - _sin(xp)) / (x * x * math.pi)
            return (_where(xa * xa * math.pi == 0, 0, out),)


def sinc(input, *, out=None):
    t = unary(SincBackward0, input, _sinc_array(_fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "sinc")


# xlogy / xlog1py ---------------------------------------------------------------------------

def _xlogy_array(x, y):
    """torch: nan where y is nan, 0 where x == 0, else x * log(y)."""
    with np.errstate(all="ignore"):
        return np.where(np.isnan(y), y, np.where(x == 0, 0, x * np.log(y)))


def _xlog1py_array(x, y):
    with np.errstate(all="ignore"):
        return np.where(np.isnan(y), y, np.where(x == 0, 0, x * np.log1p(y)))


def _xlogy_any(x, y):
    """xlogy on formula values: recorded when either is a Tensor."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return xlogy(x, y)
    return _xlogy_array(x, y)


def _xlog1py_any(x, y):
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return _special_xlog1py(x, y)
    return _xlog1py_array(x, y)


class XlogyBackward0(BroadcastingNode):
    """self: at::xlogy(grad, other).masked_fill((self == 0.) & (other <= 0.), 0.)
    other: grad * self / other"""
    __slots__ = ()

    def backward(self, grad):
        x, y = self.unpack()
        nf = self.next_functions
        gx = gy = None
        with np.errstate(all="ignore"):
            if nf[0][0] is not None:
                gx = _where((array_of(x) == 0) & (array_of(y) <= 0), 0, _xlogy_any(grad, y))
            if nf[1][0] is not None:
                gy = grad * x / y
        return gx, gy


class XlogyBackward1(Node):
    """other: grad * self / other   (self a Python number)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        with np.errstate(all="ignore"):
            return (grad * self.args[0] / y,)


class XlogyBackward2(Node):
    """self: other > 0 ? at::xlogy(grad, other)
                       : at::xlogy(grad, other).masked_fill(self == 0., 0.)   (other a number)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        other = self.args[0]
        g = _xlogy_any(grad, other)
        if other > 0:
            return (g,)
        return (_where(array_of(x) == 0, 0, g),)


class SpecialXlog1PyBackward0(BroadcastingNode):
    """self: at::special_xlog1py(grad, other).masked_fill((self == 0.) & (other <= -1.), 0.)
    other: grad * self / (other + 1)"""
    __slots__ = ()

    def backward(self, grad):
        x, y = self.unpack()
        nf = self.next_functions
        gx = gy = None
        with np.errstate(all="ignore"):
            if nf[0][0] is not None:
                gx = _where((array_of(x) == 0) & (array_of(y) <= -1), 0, _xlog1py_any(grad, y))
            if nf[1][0] is not None:
                gy = grad * x / (y + 1)
        return gx, gy


class SpecialXlog1PyBackward1(Node):
    """other: grad * self / (other + 1)   (self a Python number)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        with np.errstate(all="ignore"):
            return (grad * self.args[0] / (y + 1),)


class SpecialXlog1PyBackward2(Node):
    """self: other > -1 ? at::special_xlog1py(grad, other)
                        : at::special_xlog1py(grad, other).masked_fill(self == 0., 0.)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        other = self.args[0]
        g = _xlog1py_any(grad, other)
        if other > -1:
            return (g,)
        return (_where(array_of(x) == 0, 0, g),)


def _xlogy_like(name, arr_fn, nodes, input, other, out):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {type(other).__name__}), but expected one of:\n"
            " * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Number self, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n")
    a, b, _ = _float_operands(input, other)
    r = _broadcasting(arr_fn, input, other, a, b)
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        t = binary(nodes[0], input, other, r, saved=(input, other))
    elif isinstance(other, Tensor):
        t = unary(nodes[1], other, r, saved=(other,), args=(_scalar(input),))
    else:
        t = unary(nodes[2], input, r, saved=(input,), args=(_scalar(other),))
    return t if out is None else _into(out, t, name)


def xlogy(input, other, *, out=None):
    return _xlogy_like("xlogy", _xlogy_array,
                       (XlogyBackward0, XlogyBackward1, XlogyBackward2), input, other, out)


def _special_xlog1py(input, other, *, out=None):
    return _xlogy_like("special_xlog1py", _xlog1py_array,
                       (SpecialXlog1PyBackward0, SpecialXlog1PyBackward1,
                        SpecialXlog1PyBackward2), input, other, out)


# lgamma, digamma, polygamma, mvlgamma --------------------------------------------------------

# Lanczos approximation, g = 7, n = 9 (the coefficients of Numerical Recipes / Godfrey).
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)
_HALF_LOG_2PI = 0.9189385332046727418


def _lgamma64(x):
    """log|Gamma(x)| for float64 x: Lanczos for x >= 0.5, reflection below, inf at the poles
    (0, -1, -2, ...) and at +-inf."""
    refl = x < 0.5
    y = np.where(refl, 1.0 - x, x)
    z = y - 1.0
    a = np.full_like(z, _LANCZOS[0])
    for i in range(1, 9):
        a = a + _LANCZOS[i] / (z + i)
    t = z + 7.5
    lg = _HALF_LOG_2PI + (z + 0.5) * np.log(t) - t + np.log(a)
    # |sin(pi x)| from x's distance to the nearest integer, which is exact
    s = np.abs(np.sin(math.pi * (x - np.rint(x))))
    r = np.where(refl, np.log(math.pi / s) - lg, lg)
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole | np.isinf(x), math.inf, r)


_PSI_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
          -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
          8.33333333333333333333E-2)
_PSI_10 = 2.25175258906672110764


def _digamma64(x):
    """ATen's calc_digamma: reflection for x < 0, recurrence up to 10, asymptotic series."""
    neg = x < 0
    frac = np.asarray(x - np.trunc(x), np.float64)
    refl = (-math.pi / np.tan(math.pi * frac)).astype(x.dtype)
    y = np.where(neg, 1.0 - x, x)
    res = np.zeros_like(y)
    for _ in range(10):
        m = y < 10
        if not m.any():
            break
        res = res - np.where(m, 1.0 / y, 0.0)
        y = np.where(m, y + 1.0, y)
    z = 1.0 / (y * y)
    asym = np.where(y < 1.0e17, z * _polevl(z, _PSI_A), 0.0)
    val = np.where(y == 10, res + _PSI_10, res + np.log(y) - 0.5 / y - asym)
    val = np.where(neg, val + refl, val)
    val = np.where(x == 0, np.copysign(math.inf, -x), val)
    return np.where(neg & (x == np.trunc(x)), math.nan, val)


def _trigamma64(x):
    """ATen's trigamma: reflection below 0.5, six recurrence steps, asymptotic series."""
    low = x < 0.5
    s = np.sin(math.pi * x)
    res = np.where(low, -(math.pi * math.pi) / (s * s), 0.0)
    y = np.where(low, 1.0 - x, x)
    for _ in range(6):
        res = res + 1.0 / (y * y)
        y = y + 1.0
    ixx = 1.0 / (y * y)
    res = res + (1 + 1 / (2 * y) + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / y
    return np.where(low, -res, res)


_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta64(s, q):
    """Hurwitz zeta(s, q) for a number s > 1 and float64 q (Cephes' zeta, as ATen's): a
    direct sum until q + i > 9 (and at least 9 terms), then the Euler-Maclaurin tail."""
    total = q ** -s
    a = q.copy()
    b = np.zeros_like(q)
    finite = q[np.isfinite(q)]
    qmin = finite.min() if finite.size else 9.0
    n = max(9, int(math.ceil(9.0 - qmin)) + 1)
    for i in range(n):
        active = (a <= 9.0) if i >= 9 else np.ones(q.shape, bool)
        a = np.where(active, a + 1.0, a)
        bn = a ** -s
        total = total + np.where(active, bn, 0.0)
        b = np.where(active, bn, b)
    w = a
    total = total + b * w / (s - 1.0) - 0.5 * b
    fact = 1.0
    k = 0.0
    for i in range(12):
        fact *= s + k
        b = b / w
        total = total + fact * b / _ZETA_A[i]
        k += 1.0
        fact *= s + k
        b = b / w
        k += 1.0
    return np.where((q <= 0) & (q == np.floor(q)), math.inf, total)


def _polygamma64(n, x):
    if n == 0:
        return _digamma64(x)
    if n == 1:
        return _trigamma64(x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.exp(math.lgamma(n + 1.0)) * _zeta64(n + 1.0, x)


class LgammaBackward0(Node):
    """self: grad * digamma(self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _dual(x, digamma, _digamma64, True),)


class DigammaBackward0(Node):
    """self: grad * polygamma(1, self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _dual(x, lambda v: polygamma(1, v), _trigamma64, True),)


class PolygammaBackward0(Node):
    """self: grad * polygamma(n + 1, self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        n = self.args[0] + 1
        return (grad * _dual(x, lambda v: polygamma(n, v), lambda v: _polygamma64(n, v),
                             n < 2),)


class PolygammaBackward1(PolygammaBackward0):
    """self: grad * polygamma(n + 1, self)   (polygamma_, which derivatives.yaml lists apart)"""
    __slots__ = ()


class MvlgammaBackward0(Node):
    """self: mvlgamma_backward(grad, self, p)
    = grad * digamma(self.unsqueeze(-1) + arange(-p / 2. + 0.5, 0.5, 0.5)).sum(-1)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        offsets = self.args[0]
        if isinstance(x, Tensor):
            args = x.unsqueeze(-1) + offsets.astype(x._data.dtype)
            return (grad * digamma(args).sum(-1),)
        return (grad * _native(_digamma64, x[..., None] + offsets.astype(x.dtype)).sum(-1),)


def lgamma(input, *, out=None):
    x = _fdata(input)
    t = unary(LgammaBackward0, input, _f64(_lgamma64, x), saved=(input,))
    return t if out is None else _into(out, t, "lgamma")


def digamma(input, *, out=None):
    x = _fdata(input)
    t = unary(DigammaBackward0, input, _native(_digamma64, x), saved=(input,))
    return t if out is None else _into(out, t, "digamma")


def _check_int_arg(fn, name, pos, v):
    if isinstance(v, Tensor) and v._data.ndim == 0 and v._data.dtype.kind in "iu":
        return int(v._data)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not "
                        f"{type(v).__name__}")
    return int(v)


def polygamma(n, input, *, out=None, _node=PolygammaBackward0):
    n = _check_int_arg("polygamma", "n", 1, n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = _fdata(input)
    fn = _native if n < 2 else _f64      # ATen's zeta accumulates in double
    t = unary(_node, input, fn(lambda v: _polygamma64(n, v), x),
              saved=(input,), args=(n,))
    return t if out is None else _into(out, t, "polygamma")


def mvlgamma(input, p, *, out=None):
    p = _check_int_arg("mvlgamma", "p", 2, p)
    if input._data.dtype == np.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _fdata(input)
    offsets = np.arange(-p / 2.0 + 0.5, 0.5, 0.5)
    terms = _f64(_lgamma64, x[..., None] + offsets.astype(x.dtype))
    r = terms.sum(-1) + x.dtype.type(p * (p - 1) * math.log(math.pi) * 0.25)
    t = unary(MvlgammaBackward0, input, np.asarray(r, x.dtype), saved=(input,),
              args=(offsets,))
    return t if out is None else _into(out, t, "mvlgamma")


# erfinv -----------------------------------------------------------------------------------

_ERFINV_A = (0.886226899, -1.645349621, 0.914624893, -0.140543331)
_ERFINV_B = (-2.118377725, 1.442710462, -0.329097515, 0.012229801)
_ERFINV_C = (-1.970840454, -1.624906493, 3.429567803, 1.641345311)
_ERFINV_D = (3.543889200, 1.637067800)


def _erfinv64(y):
    """ATen's calc_erfinv: a rational first guess, then two Newton steps."""
    a, b, c, d = _ERFINV_A, _ERFINV_B, _ERFINV_C, _ERFINV_D
    ay = np.abs(y)
    z = y * y
    central = y * (((a[3] * z + a[2]) * z + a[1]) * z + a[0]) / \
        ((((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + 1.0)
    z = np.sqrt(-np.log((1.0 - ay) / 2.0))
    tail = np.copysign(((c[3] * z + c[2]) * z + c[1]) * z + c[0], y) / \
        ((d[1] * z + d[0]) * z + 1.0)
    x = np.where(ay <= 0.7, central, tail)
    k = 2.0 / math.sqrt(math.pi)
    x = x - (_erf_array(x) - y) / (k * np.exp(-x * x))
    x = x - (_erf_array(x) - y) / (k * np.exp(-x * x))
    x = np.where(ay == 1.0, np.copysign(math.inf, y), x)
    return np.where(ay > 1.0, math.nan, x)


class ErfinvBackward0(Node):
    """self: 0.5 * sqrt(M_PI) * exp(self.erfinv().pow(2)) * grad"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        e = _dual(x, erfinv, _erfinv64, True)
        return (0.5 * math.sqrt(math.pi) * _exp(e ** 2) * grad,)


def erfinv(input, *, out=None):
    t = unary(ErfinvBackward0, input, _native(_erfinv64, _fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "erfinv")


# modified Bessel functions i0, i0e, i1, i1e (Cephes' Chebyshev expansions) -------------------

_I0E_A = (-4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
          1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
          -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
          9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
          -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
          1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
          -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
          1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
          -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
          1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1)
_I0E_B = (-7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
          3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
          1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
          -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
          7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
          -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
          3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
          2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
          8.04490411014108831608E-1)
_I1E_A = (2.77791411276104639959E-18, -2.11142121435816608115E-17, 1.55363195773620046921E-16,
          -1.10559694773538630805E-15, 7.60068429473540693410E-15, -5.04218550472791168711E-14,
          3.22379336594557470981E-13, -1.98397439776494371520E-12, 1.17361862988909016308E-11,
          -6.66348972350202774223E-11, 3.62559028155211703701E-10, -1.88724975172282928790E-9,
          9.38153738649577178388E-9, -4.44505912879632808065E-8, 2.00329475355213526229E-7,
          -8.56872026469545474066E-7, 3.47025130813767847674E-6, -1.32731636560394358279E-5,
          4.78156510755005422638E-5, -1.61760815825896745588E-4, 5.12285956168575772895E-4,
          -1.51357245063125314899E-3, 4.15642294431288815669E-3, -1.05640848946261981558E-2,
          2.47264490306265168283E-2, -5.29459812080949914269E-2, 1.02643658689847095384E-1,
          -1.76416518357834055153E-1, 2.52587186443633654823E-1)
_I1E_B = (7.51729631084210481353E-18, 4.41434832307170791151E-18, -4.65030536848935832153E-17,
          -3.20952592199342395980E-17, 2.96262899764595013876E-16, 3.30820231092092828324E-16,
          -1.88035477551078244854E-15, -3.81440307243700780478E-15, 1.04202769841288027642E-14,
          4.27244001671195135429E-14, -2.10154184277266431302E-14, -4.08355111109219731823E-13,
          -7.19855177624590851209E-13, 2.03562854414708950722E-12, 1.41258074366137813316E-11,
          3.25260358301548823856E-11, -1.89749581235054123450E-11, -5.58974346219658380687E-10,
          -3.83538038596423702205E-9, -2.63146884688951950684E-8, -2.51223623787020892529E-7,
          -3.88256480887769039346E-6, -1.10588938762623716291E-4, -9.76109749136146840777E-3,
          7.78576235018280120474E-1)


def _chbevl(x, coeffs):
    b0 = np.full_like(x, coeffs[0])
    b1 = np.zeros_like(x)
    b2 = b1
    for c in coeffs[1:]:
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + c
    return 0.5 * (b0 - b2)


def _bessel_parts(x, A, B):
    """(|x|, the [0, 8] expansion, the (8, inf) expansion / sqrt|x|).  For float32 ATen keeps
    only the I1 coefficients that float32 can tell apart (the tails of the lists)."""
    if x.dtype == np.float32 and A is _I1E_A:
        A, B = A[-17:], B[-7:]
    ax = np.abs(x)
    return ax, _chbevl(ax / 2.0 - 2.0, A), _chbevl(32.0 / ax - 2.0, B) / np.sqrt(ax)


def _i0e64(x):
    ax, lo, hi = _bessel_parts(x, _I0E_A, _I0E_B)
    return np.where(ax <= 8.0, lo, hi)


def _i064(x):
    ax, lo, hi = _bessel_parts(x, _I0E_A, _I0E_B)
    return np.exp(ax) * np.where(ax <= 8.0, lo, hi)


def _i1e64(x):
    ax, lo, hi = _bessel_parts(x, _I1E_A, _I1E_B)
    r = np.where(ax <= 8.0, lo * ax, hi)
    return np.where(x < 0, -r, r)


def _i164(x):
    ax, lo, hi = _bessel_parts(x, _I1E_A, _I1E_B)
    r = np.exp(ax) * np.where(ax <= 8.0, ax * lo, hi)
    return np.where(x < 0, -r, r)


def _sgn_any(v):
    return sgn(v) if isinstance(v, Tensor) else _sign_array(v)


class I0Backward0(Node):
    """self: grad * at::special_i1(self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _dual(x, _special_i1, _i164, True),)


class SpecialI0EBackward0(Node):
    """self: grad * (at::special_i1e(self) - self.sgn() * result)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        return (grad * (_dual(x, _special_i1e, _i1e64, True) - _sgn_any(x) * result),)


def _safe_self(x):
    """i1_backward's guard: (|self| > eps, self with eps where it is not)."""
    xa = array_of(x)
    eps = np.finfo(xa.dtype).eps
    big = np.abs(xa) > eps
    return big, _where(big, x, float(eps))


class SpecialI1Backward0(Node):
    """self: i1_backward(grad, self, result)
    = grad * where(|self| > eps, i0(safe_self) - result / safe_self, 0.5)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        big, s = _safe_self(x)
        gx = _dual(s, i0, _i064, True) - result * (1 / s)
        return (grad * _where(big, gx, 0.5),)


class SpecialI1EBackward0(Node):
    """self: i1e_backward(grad, self, result)
    = grad * where(|self| > eps, i0e(safe_self) - result * (sgn(safe_self) + 1 / safe_self),
                   0.5)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        big, s = _safe_self(x)
        gx = _dual(s, _special_i0e, _i0e64, True) - result * (_sgn_any(s) + 1 / s)
        return (grad * _where(big, gx, 0.5),)


def i0(input, *, out=None):
    t = unary(I0Backward0, input, _native(_i064, _fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "i0")


def _special_i0e(input, *, out=None):
    t = unary(SpecialI0EBackward0, input, _native(_i0e64, _fdata(input)), saved=(input, OUTPUT))
    return t if out is None else _into(out, t, "special_i0e")


def _special_i1(input, *, out=None):
    t = unary(SpecialI1Backward0, input, _native(_i164, _fdata(input)), saved=(input, OUTPUT))
    return t if out is None else _into(out, t, "special_i1")


def _special_i1e(input, *, out=None):
    t = unary(SpecialI1EBackward0, input, _native(_i1e64, _fdata(input)), saved=(input, OUTPUT))
    return t if out is None else _into(out, t, "special_i1e")


# entr, ndtri, log_ndtr (torch.special) --------------------------------------------------------

class SpecialEntrBackward0(Node):
    """self: grad * (-(1 + self.log()))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        with np.errstate(all="ignore"):
            return (grad * (-(1 + _log(x))),)


def _entr_array(x):
    with np.errstate(all="ignore"):
        r = np.where(x > 0, -x * np.log(x), np.where(x == 0, 0, -math.inf))
    return np.where(np.isnan(x), x, r).astype(x.dtype, copy=False)


def _special_entr(input, *, out=None):
    t = unary(SpecialEntrBackward0, input, _entr_array(_fdata(input)), saved=(input,))
    return t if out is None else _into(out, t, "special_entr")


_NDTRI_P0 = (-5.99633501014107895267E1, 9.80010754185999661536E1, -5.66762857469070293439E1,
             1.39312609387279679503E1, -1.23916583867381258016E0)
_NDTRI_Q0 = (1.0, 1.95448858338141759834E0, 4.67627912898881538453E0, 8.63602421390890590575E1,
             -2.25462687854119370527E2, 2.00260212380060660359E2, -8.20372256168333339912E1,
             1.59056225126211695515E1, -1.18331621121330003142E0)
_NDTRI_P1 = (4.05544892305962419923E0, 3.15251094599893866154E1, 5.71628192246421288162E1,
             4.40805073893200834700E1, 1.46849561928858024014E1, 2.18663306850790267539E0,
             -1.40256079171354495875E-1, -3.50424626827848203418E-2, -8.57456785154685413611E-4)
_NDTRI_Q1 = (1.0, 1.57799883256466749731E1, 4.53907635128879210584E1, 4.13172038254672030440E1,
             1.50425385692907503408E1, 2.50464946208309415979E0, -1.42182922854787788574E-1,
             -3.80806407691578277194E-2, -9.33259480895457427372E-4)
_NDTRI_P2 = (3.23774891776946035970E0, 6.91522889068984211695E0, 3.93881025292474443415E0,
             1.33303460815807542389E0, 2.01485389549179081538E-1, 1.23716634817820021358E-2,
             3.01581553508235416007E-4, 2.65806974686737550832E-6, 6.23974539184983293730E-9)
_NDTRI_Q2 = (1.0, 6.02427039364742014255E0, 3.67983563856160859403E0, 1.37702099489081330271E0,
             2.16236993594496635890E-1, 1.34204006088543189037E-2, 3.28014464682127739104E-4,
             2.89247864745380683936E-6, 6.79019408009981274425E-9)
_EXP_M2 = 0.13533528323661269189


def _ndtri64(y0):
    """Cephes' ndtri (ATen's calc_ndtri): the inverse of the standard normal CDF."""
    flip = y0 > 1.0 - _EXP_M2
    y = np.where(flip, 1.0 - y0, y0)
    yc = y - 0.5
    y2 = yc * yc
    central = (yc + yc * (y2 * _polevl(y2, _NDTRI_P0) / _polevl(y2, _NDTRI_Q0))) * \
        2.50662827463100050242
    x = np.sqrt(-2.0 * np.log(y))
    x0 = x - np.log(x) / x
    z = 1.0 / x
    x1 = np.where(x < 8.0, z * _polevl(z, _NDTRI_P1) / _polevl(z, _NDTRI_Q1),
                  z * _polevl(z, _NDTRI_P2) / _polevl(z, _NDTRI_Q2))
    tail = x0 - x1
    tail = np.where(flip, tail, -tail)
    r = np.where(y > _EXP_M2, central, tail)
    r = np.where(y0 == 0, -math.inf, np.where(y0 == 1, math.inf, r))
    return np.where((y0 < 0) | (y0 > 1), math.nan, r)


class SpecialNdtriBackward0(Node):
    """self: grad * std::sqrt(2 * M_PI) * (result.square() / 2).exp()"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * math.sqrt(2 * math.pi) * _exp(result * result / 2),)


def _special_ndtri(input, *, out=None):
    t = unary(SpecialNdtriBackward0, input, _f64(_ndtri64, _fdata(input)), saved=(OUTPUT,))
    return t if out is None else _into(out, t, "special_ndtri")


def _log_ndtr64(x):
    """SciPy's / ATen's log_ndtr: log1p(-erfc(x / sqrt 2) / 2) for x >= -1, else
    log(erfc(-x / sqrt 2) / 2), with erfc's tail from the continued fraction of erfcx where
    erfc itself would underflow."""
    t = x * (1.0 / math.sqrt(2.0))
    u = -t
    upper = np.log1p(-_erfc_array(t) / 2.0)
    direct = np.log(_erfc_array(u) / 2.0)
    u2 = u * u
    erfcx = (1.0 / math.sqrt(math.pi)) * (u2 * (u2 + 4.5) + 2.0) / \
        (u * (u2 * (u2 + 5.0) + 3.75))
    far = np.log(erfcx / 2.0) - u2
    lower = np.where(u < 25.0, direct, far)
    return np.where(x < -1.0, lower, upper)


class SpecialLogNdtrBackward0(Node):
    """self: grad / std::sqrt(2 * M_PI) * (result + self.pow(2) / 2).neg().exp()"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        return (grad / math.sqrt(2 * math.pi) * _exp(-(result + x ** 2 / 2)),)


def _special_log_ndtr(input, *, out=None):
    t = unary(SpecialLogNdtrBackward0, input, _f64(_log_ndtr64, _fdata(input)),
              saved=(input, OUTPUT))
    return t if out is None else _into(out, t, "special_log_ndtr")


# copysign, heaviside --------------------------------------------------------------------------

def _copysign_self_grad(grad, x, result):
    """copysign_tensor_self_backward: grad * (result / self), 0 where self == 0."""
    with np.errstate(all="ignore"):
        return _where(array_of(x) == 0, 0, grad * (result / x))


class CopysignBackward0(BroadcastingNode):
    """self: copysign_tensor_self_backward(grad, self, result)    other: zeros_like(other)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        nf = self.next_functions
        gx = _copysign_self_grad(grad, x, result) if nf[0][0] is not None else None
        return gx, (_zeros(grad) if nf[1][0] is not None else None)


class CopysignBackward1(Node):
    """self: copysign_tensor_self_backward(grad, self, result)   (other a number)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        return (_copysign_self_grad(grad, x, result),)


def copysign(input, other, *, out=None):
    _need_input_of("copysign", input, other)
    a, b, _ = _float_operands(input, other)
    r = _broadcasting(np.copysign, input, other, a, b)
    if isinstance(other, Tensor):
        t = binary(CopysignBackward0, input, other, r, saved=(input, OUTPUT))
    else:
        t = unary(CopysignBackward1, input, r, saved=(input, OUTPUT))
    return t if out is None else _into(out, t, "copysign")


def heaviside(input, values, *, out=None):
    """values where input == 0, else (input > 0) (so nan gives 0, as torch's kernel)."""
    _need_input("heaviside", input)
    _need_tensor("heaviside", values, "values")
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    x, v = input._data, values._data
    r = _broadcasting(lambda p, q: np.where(p == 0, q, p > 0).astype(p.dtype), input, values,
                      x, v)
    t = _not_differentiable("heaviside", (input, values), r)
    return t if out is None else _into(out, t, "heaviside")


# float_power, ldexp, frexp --------------------------------------------------------------------

def float_power(input, exponent, *, out=None):
    """pow computed in float64 (complex128 for complex operands)."""
    if not isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        raise TypeError(f"float_power() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(exponent).__name__})")
    if isinstance(input, Tensor):
        input = _convert(input, _dt.float64)
    else:
        input = float(input)
    if isinstance(exponent, Tensor):
        exponent = _convert(exponent, _dt.float64)
    else:
        exponent = float(exponent)
    return pow(input, exponent, out=out)


def float_power_(input, exponent):
    if input.dtype is not _dt.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{_type_name(input.dtype)} but the operation's result requires "
                           "dtype Double")
    return inplace(input, float_power, exponent)


class LdexpBackward0(BroadcastingNode):
    """self: grad * at::pow(2, other).conj()    other: grad * result.conj() * M_LN2"""
    __slots__ = ()

    def backward(self, grad):
        other, result = self.unpack()
        nf = self.next_functions
        ga = go = None
        with np.errstate(all="ignore"):
            if nf[0][0] is not None:
                # at::pow(2, other): an integral other gives integral powers, so 2 ** -n is 0
                if array_of(other).dtype.kind in "iub":
                    p2 = 2 ** other if isinstance(other, Tensor) else _int_pow(2, other)
                else:
                    p2 = 2.0 ** other
                ga = grad * p2
            if nf[1][0] is not None:
                go = grad * result * math.log(2.0)
        return ga, go


def ldexp(input, other, *, out=None):
    """input * 2 ** other."""
    _need_input("ldexp", input)
    _need_tensor("ldexp", other)
    if other._data.dtype == np.bool_ and input._data.dtype.kind == "f":
        _not_implemented_for("ldexp_cpu_exp", _dt.bool_)      # torch's integral-exponent kernel
    # the result dtype is input's and other's, integral results going to the default float
    # (float16 * 2 ** int32 stays float16)
    a, o, dt = _promote_to_float(input, other)
    if input._data.dtype.kind == "f" and other._data.dtype.kind in "iu":
        # torch's integral-exponent kernel: std::ldexp with the exponent as a C int (an int64
        # exponent wraps), so inf * 2 ** -n stays inf and 3 * 2 ** 2000 is inf
        e = other._data.astype(np.int32)
        with np.errstate(all="ignore"):
            r = _broadcasting(np.ldexp, input, other, np.asarray(a, dt.np), e)
    else:
        # torch: self * pow(2.0, other), the power in other's own floating dtype
        od = other._data
        od = od if od.dtype.kind == "f" else od.astype(_dt._default[0].np)
        with np.errstate(over="ignore"):
            # computed in float64 and rounded once: torch's float32 pow is correctly rounded
            # where NumPy's can be an ulp off
            b = np.power(2.0, od.astype(np.float64))
            # (a 0-d exponent is a "scalar" of the common dtype: its power is in that dtype)
            b = b.astype(dt.np if od.ndim == 0 else od.dtype)
        with np.errstate(all="ignore"):
            r = _broadcasting(lambda u, v: u * v, input, other, a, b)
        r = np.asarray(r).astype(dt.np, copy=False)     # a 0-d exponent does not promote
    t = binary(LdexpBackward0, input, other, r, saved=(other, OUTPUT))
    return t if out is None else _into(out, t, "ldexp")


def ldexp_(input, other):
    return inplace(input, ldexp, other)


class FrexpBackward0(Node):
    """self: grad / exponent.exp2()"""
    __slots__ = ()

    def backward(self, grad):
        (scale,) = self.args
        return (grad / scale,)


def frexp(input, *, out=None):
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    with np.errstate(invalid="ignore"):
        m, e = np.frexp(x)
    e = np.asarray(e, np.int32)
    ts = record_multi(FrexpBackward0, (input,), (m, e),
                      args=(np.exp2(e).astype(x.dtype),), differentiable=(0,))
    r = _return_type("frexp", ("mantissa", "exponent"))(ts)
    if out is not None:
        _into(out[0], r[0], "frexp")
        _into(out[1], r[1], "frexp")
        return _return_type("frexp", ("mantissa", "exponent"))(out)
    return r


# logaddexp, logaddexp2, nextafter --------------------------------------------------------------

class LogaddexpBackward0(BroadcastingNode):
    """self: grad / (1 + exp(other - self)).conj()    other: grad / (1 + exp(self - other))"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        with np.errstate(all="ignore"):
            return (grad / (1 + _exp(b - a)) if nf[0][0] is not None else None,
                    grad / (1 + _exp(a - b)) if nf[1][0] is not None else None)


class Logaddexp2Backward0(BroadcastingNode):
    """self: grad / (1 + pow(2, other - self))    other: grad / (1 + pow(2, self - other))"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        with np.errstate(all="ignore"):
            return (grad / (1 + 2.0 ** (b - a)) if nf[0][0] is not None else None,
                    grad / (1 + 2.0 ** (a - b)) if nf[1][0] is not None else None)


def _floating_only(fn, kernel, input, other):
    _need_input(fn, input)
    _need_tensor(fn, other)
    a, b, dt = promote(input, other)
    if dt.category != _FLOAT:
        _not_implemented_for(kernel, dt)
    return a, b


def logaddexp(input, other, *, out=None):
    a, b = _floating_only("logaddexp", "logaddexp_cpu", input, other)
    with np.errstate(all="ignore"):
        r = _broadcasting(np.logaddexp, input, other, a, b)
    t = binary(LogaddexpBackward0, input, other, r, saved=(input, other))
    return t if out is None else _into(out, t, "logaddexp")


def logaddexp2(input, other, *, out=None):
    a, b = _floating_only("logaddexp2", "logaddexp2_cpu", input, other)
    with np.errstate(all="ignore"):
        r = _broadcasting(np.logaddexp2, input, other, a, b)
    t = binary(Logaddexp2Backward0, input, other, r, saved=(input, other))
    return t if out is None else _into(out, t, "logaddexp2")


class NextafterBackward0(BroadcastingNode):
    """self: at::where(self != other, grad, 0)    other: zeros_like(other)"""
    __slots__ = ()

    def backward(self, grad):
        (ne,) = self.args
        nf = self.next_functions
        return (_where(ne, grad, 0) if nf[0][0] is not None else None,
                _zeros(grad) if nf[1][0] is not None else None)


def nextafter(input, other, *, out=None):
    a, b = _floating_only("nextafter", "nextafter_cpu", input, other)
    r = _broadcasting(np.nextafter, input, other, a, b)
    if r.dtype == np.float16:
        # C's nextafter gives y where x == y (-0.0 towards +0.0 is +0.0); NumPy's float16
        # loop gives x
        r = np.where(a == b, b, r).astype(np.float16, copy=False)
    t = binary(NextafterBackward0, input, other, r, args=(np.asarray(a != b),))
    return t if out is None else _into(out, t, "nextafter")


def nextafter_(input, other):
    return inplace(input, nextafter, other)


# gcd, lcm, signbit, positive, bit shifts ---------------------------------------------------------

def _integral_only(fn, kernel, input, other):
    _need_input(fn, input)
    _need_tensor(fn, other)
    a, b, dt = promote(input, other)
    if dt.category >= _FLOAT or dt is _dt.bool_:
        _not_implemented_for(kernel, dt)
    return a, b, dt


def gcd(input, other, *, out=None):
    a, b, dt = _integral_only("gcd", "gcd_cpu", input, other)
    t = _wrap(np.asarray(_broadcasting(np.gcd, input, other, a, b), dt.np))
    return t if out is None else _into(out, t, "gcd")


def lcm(input, other, *, out=None):
    a, b, dt = _integral_only("lcm", "lcm_cpu", input, other)
    t = _wrap(np.asarray(_broadcasting(np.lcm, input, other, a, b), dt.np))
    return t if out is None else _into(out, t, "lcm")


def gcd_(input, other):
    return inplace(input, gcd, other)


def lcm_(input, other):
    return inplace(input, lcm, other)


def signbit(input, *, out=None):
    _out_bool(out, "signbit")
    x = input._data
    if x.dtype.kind == "f":
        r = np.signbit(x)
    elif x.dtype == np.bool_:
        r = np.zeros(x.shape, np.bool_)
    else:
        r = x < 0
    t = _wrap(r)
    return t if out is None else _into(out, t, "signbit")


def positive(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _shift_arrays(a, b, left):
    """torch's shifts: a count outside [0, bits) gives 0 (left) or the sign fill (right)."""
    a = np.asarray(a)
    bits = a.dtype.itemsize * 8
    b = np.asarray(b)
    bad = (b < 0) | (b >= bits)
    safe = np.where(bad, 0, b).astype(a.dtype)
    if left:
        return np.where(bad, 0, np.left_shift(a, safe)).astype(a.dtype)
    fill = np.right_shift(a, a.dtype.type(bits - 1)) if a.dtype.kind == "i" else 0 * a
    return np.where(bad, fill, np.right_shift(a, safe)).astype(a.dtype)


def _shift(input, other, left, out, name):
    a, b, dt = promote(input, other)
    if dt.category >= _FLOAT or dt is _dt.bool_:
        _not_implemented_for("lshift_cpu" if left else "rshift_cpu", dt)
    a = np.asarray(a, dt.np)
    r = _broadcasting(lambda u, v: _shift_arrays(u, v, left), input, other, a, b)
    t = _wrap(r)
    return t if out is None else _into(out, t, name)


def bitwise_left_shift(input, other, *, out=None):
    return _shift(input, other, True, out, "bitwise_left_shift")


def bitwise_right_shift(input, other, *, out=None):
    return _shift(input, other, False, out, "bitwise_right_shift")


def bitwise_left_shift_(input, other):
    return inplace(input, bitwise_left_shift, other)


def bitwise_right_shift_(input, other):
    return inplace(input, bitwise_right_shift, other)


def _op_lshift(self, other):
    return bitwise_left_shift(self, other)


def _op_rlshift(self, other):
    return bitwise_left_shift(other, self)


def _op_rshift(self, other):
    return bitwise_right_shift(self, other)


def _op_rrshift(self, other):
    return bitwise_right_shift(other, self)


def _op_ilshift(self, other):
    return bitwise_left_shift_(self, other)


def _op_irshift(self, other):
    return bitwise_right_shift_(self, other)


# in-place forms ----------------------------------------------------------------------------------

def deg2rad_(input):
    return inplace(input, deg2rad)


def rad2deg_(input):
    return inplace(input, rad2deg)


def sinc_(input):
    return inplace(input, sinc)


def xlogy_(input, other):
    return inplace(input, xlogy, other)


def lgamma_(input):
    return inplace(input, lgamma)


def digamma_(input):
    return inplace(input, digamma)


def _polygamma_method(self, n):
    return polygamma(n, self)


def _polygamma_inplace_op(self, n):
    return polygamma(n, self, _node=PolygammaBackward1)


def _polygamma_(self, n):
    return inplace(self, _polygamma_inplace_op, n)


def mvlgamma_(input, p):
    return inplace(input, mvlgamma, p)


def erfinv_(input):
    return inplace(input, erfinv)


def i0_(input):
    return inplace(input, i0)


def copysign_(input, other):
    return inplace(input, copysign, other)


def heaviside_(input, values):
    return inplace(input, heaviside, values)


def _heaviside_method(self, values):
    _need_tensor("heaviside", values, "values", 1)
    return heaviside(self, values)


def _ldexp_method(self, other):
    _need_tensor("ldexp", other, pos=1)
    return ldexp(self, other)


Tensor.deg2rad = deg2rad
Tensor.deg2rad_ = deg2rad_
Tensor.rad2deg = rad2deg
Tensor.rad2deg_ = rad2deg_
Tensor.sinc = sinc
Tensor.sinc_ = sinc_
Tensor.xlogy = xlogy
Tensor.xlogy_ = xlogy_
Tensor.lgamma = lgamma
Tensor.lgamma_ = lgamma_
Tensor.digamma = digamma
Tensor.digamma_ = digamma_
Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = _polygamma_
Tensor.mvlgamma = mvlgamma
Tensor.mvlgamma_ = mvlgamma_
Tensor.erfinv = erfinv
Tensor.erfinv_ = erfinv_
Tensor.i0 = i0
Tensor.i0_ = i0_
Tensor.copysign = copysign
Tensor.copysign_ = copysign_
Tensor.heaviside = _heaviside_method
Tensor.heaviside_ = heaviside_
Tensor.float_power = float_power
Tensor.float_power_ = float_power_
Tensor.ldexp = _ldexp_method
Tensor.ldexp_ = ldexp_
Tensor.frexp = frexp
Tensor.logaddexp = logaddexp
Tensor.logaddexp2 = logaddexp2
Tensor.nextafter = nextafter
Tensor.nextafter_ = nextafter_
Tensor.gcd = gcd
Tensor.gcd_ = gcd_
Tensor.lcm = lcm
Tensor.lcm_ = lcm_
Tensor.signbit = signbit
Tensor.positive = positive
Tensor.bitwise_left_shift = bitwise_left_shift
Tensor.bitwise_left_shift_ = bitwise_left_shift_
Tensor.bitwise_right_shift = bitwise_right_shift
Tensor.bitwise_right_shift_ = bitwise_right_shift_
Tensor.__lshift__ = _op_lshift
Tensor.__rlshift__ = _op_rlshift
Tensor.__ilshift__ = _op_ilshift
Tensor.__rshift__ = _op_rshift
Tensor.__rrshift__ = _op_rrshift
Tensor.__irshift__ = _op_irshift

__all__ += [
    "deg2rad", "rad2deg", "sinc", "xlogy", "lgamma", "digamma", "polygamma", "mvlgamma",
    "erfinv", "i0", "copysign", "heaviside", "float_power", "ldexp", "frexp", "logaddexp",
    "logaddexp2", "nextafter", "gcd", "lcm", "signbit", "positive", "bitwise_left_shift",
    "bitwise_right_shift", "deg2rad_", "rad2deg_", "sinc_", "xlogy_", "i0_", "ldexp_", "gcd_",
    "lcm_",
]
