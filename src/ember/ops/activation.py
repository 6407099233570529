"""Activation functions: torch.nn.functional's activations (relu6, leaky_relu, prelu, elu,
selu, celu, gelu, silu, mish, softplus, hardtanh, hardswish, hardsigmoid, the shrinks,
logsigmoid, threshold, glu), the softmax family (softmax, log_softmax, softmin), and
one_hot, normalize, cosine_similarity, pairwise_distance.

Each op that torch gives a node of its own (``EluBackward0``, ``SoftmaxBackward0`` ...) is a
Node class here, with derivatives.yaml's formula in its docstring; the rest (softsign,
tanhshrink, softmin, normalize, cosine_similarity) are composed of ember ops exactly as torch
composes them, so their graphs carry the same nodes.  Formulas run on NumPy arrays in a plain
backward pass and on Tensors under create_graph: they use operators, masks taken as NumPy
constants, and the small dual helpers below.

In-place forms (``inplace=True``, ``elu_`` ...) go through ``_base.inplace``; where torch's
in-place node has another name (``EluBackward1``, ``LeakyReluBackward1``, ``CeluBackward1``
save the result, ``ThresholdBackward1`` the overwritten input) the op recorded is that variant.

Piecewise-linear activations differentiate to grad times a constant factor; under
create_graph that product is recorded as torch's ``*BackwardBackward0`` node (``_factor_grad``)
so the gradient requires grad, and differentiates to zero in the input, as torch's does.
"""
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from .._errors import wrap_dim, broadcast_shapes
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import (Node, BroadcastingNode, OUTPUT, unary, record, inplace as _inplace,
                    where as _where, array_of, _type_name)
from .. import random as _random
from . import pointwise as _pw
from . import reduction as _red
from . import shape as _shape

__all__ = [
    "threshold", "threshold_", "relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_",
    "prelu", "rrelu", "rrelu_", "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu",
    "silu", "mish",
    "sigmoid", "tanh", "softplus", "softsign", "hardswish", "hardsigmoid", "tanhshrink",
    "softshrink", "hardshrink", "logsigmoid", "glu", "softmax", "log_softmax", "softmin",
    "gumbel_softmax",
    "one_hot", "normalize", "cosine_similarity", "pairwise_distance",
]

# -- helpers ----------------------------------------------------------------------------------

def _check_float(input, kernel):
    """torch's dispatch error for a floating-only kernel given an integral or bool tensor."""
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input.dtype)}\'')


def _mask(cond, like):
    """A bool mask as a float array of like's dtype (a constant factor in a formula)."""
    return cond.astype(array_of(like).dtype)


# NOTE: np.where on a data-dependent mask is ~10x slower than arithmetic (branch
# mispredictions), so the NumPy paths below build results and gradients from masks turned into
# float factors.  That is exact for finite values; _mul_factor restores torch's where-semantics
# (a masked-out inf or nan gradient gives 0) when the gradient is not all finite.

def _mul_factor(grad, factor):
    """grad * factor for a constant factor array that is 0 where the gradient is masked out."""
    r = grad * factor
    if not np.isfinite(grad).all():
        r = np.where(factor == 0, 0, r).astype(r.dtype, copy=False)
    # torch masks with where/masked_fill: a masked-out negative gradient is +0.0, not the
    # -0.0 of a multiply (adding 0.0 turns -0.0 into +0.0 and changes nothing else)
    if type(r) is np.ndarray:
        r += 0.0
        return r
    return r + 0.0


def _np_sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


# Dual helpers: NumPy on arrays, the differentiable op on Tensors (create_graph).

def _exp(v):
    return _pw.exp(v) if isinstance(v, Tensor) else np.exp(v)


def _tanh(v):
    return _pw.tanh(v) if isinstance(v, Tensor) else np.tanh(v)


def _sigmoid(v):
    return _pw.sigmoid(v) if isinstance(v, Tensor) else _np_sigmoid(v)


def _erf(v):
    return _pw.erf(v) if isinstance(v, Tensor) else _pw._erf_array(np.asarray(v))


def _sum_keep(v, axis):
    """sum over one axis keeping it (axis None: a 0-d value, summed over nothing)."""
    if axis is None:
        return v
    if isinstance(v, Tensor):
        return v.sum(axis, keepdim=True)
    return v.sum(axis=axis, keepdims=True)


def _cat(parts, dim):
    if any(isinstance(p, Tensor) for p in parts):
        parts = [p if isinstance(p, Tensor) else _make(np.asarray(p)) for p in parts]
        return _shape.cat(parts, dim)
    return np.concatenate(parts, axis=dim)


def _halves(x, dim, h):
    if isinstance(x, Tensor):
        return _shape.narrow(x, dim, 0, h), _shape.narrow(x, dim, h, h)
    idx_a = [slice(None)] * x.ndim
    idx_b = [slice(None)] * x.ndim
    idx_a[dim] = slice(0, h)
    idx_b[dim] = slice(h, 2 * h)
    return x[tuple(idx_a)], x[tuple(idx_b)]


# -- ops with a Python scalar, as torch's C++ composites record them ---------------------------
# In Python, ``x + 1`` records AddBackward0 (the scalar is wrapped into a tensor); inside torch's
# C++ composites (cosine_embedding_loss, pairwise_distance, cross_entropy ...) the Scalar
# overloads run and record AddBackward1, SubBackward1, MulBackward1, DivBackward1.  These
# helpers record those, so the composites' graphs read as torch's.

class AddBackward1(Node):
    """self: handle_r_to_c(self.scalar_type(), grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


class SubBackward1(Node):
    """self: handle_r_to_c(self.scalar_type(), grad)"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


class MulBackward1(Node):
    """self: mul_tensor_backward(grad, other, self.scalar_type()) = grad * other"""
    __slots__ = ()

    def backward(self, grad):
        return (grad * self.args[0],)


class DivBackward1(Node):
    """self: div_tensor_self_backward(grad, other, self.scalar_type()) = grad / other"""
    __slots__ = ()

    def backward(self, grad):
        return (grad / self.args[0],)


def _scalar_result(x, r):
    a = x._data
    if a.dtype.kind not in "fc":
        return np.asarray(r)
    return np.asarray(r, dtype=a.dtype)


def _add_scalar(x, s):
    """x + s for a Python number s (torch's add.Scalar): AddBackward1."""
    return unary(AddBackward1, x, _scalar_result(x, x._data + s))


def _sub_scalar(x, s):
    """x - s for a Python number s (sub.Scalar): SubBackward1."""
    return unary(SubBackward1, x, _scalar_result(x, x._data - s))


def _mul_scalar(x, s):
    """x * s for a Python number s (mul.Scalar): MulBackward1."""
    return unary(MulBackward1, x, _scalar_result(x, x._data * s), args=(s,))


def _div_scalar(x, s):
    """x / s for a Python number s (div.Scalar): DivBackward1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = x._data / s
    return unary(DivBackward1, x, _scalar_result(x, r), args=(s,))


# -- piecewise-linear activations: gradients that are grad times a constant factor ------------

class _FactorBackward(BroadcastingNode):
    """grad_output: grad * factor    self: zeros_like(grad)
    (the *BackwardBackward node of an op whose derivative is piecewise constant; grad_output
    may have been broadcast against factor, and is summed back)"""
    __slots__ = ()

    def backward(self, gg):
        (factor,) = self.args
        nf = self.next_functions
        g_out = gg * factor if nf[0][0] is not None else None
        g_self = None
        if nf[1][0] is not None:
            z = np.zeros(np.shape(array_of(gg)), array_of(gg).dtype)
            g_self = _make(z) if isinstance(gg, Tensor) else z
        return g_out, g_self


class HardtanhBackwardBackward0(_FactorBackward):
    __slots__ = ()


class LeakyReluBackwardBackward0(_FactorBackward):
    __slots__ = ()


class SoftshrinkBackwardBackward0(_FactorBackward):
    __slots__ = ()


class HardshrinkBackwardBackward0(_FactorBackward):
    __slots__ = ()


class ThresholdBackwardBackward0(_FactorBackward):
    __slots__ = ()


class RreluWithNoiseBackwardBackward0(_FactorBackward):
    __slots__ = ()


def _factor_grad(NodeClass, grad, x, factor):
    """grad * factor, factor a constant array (a mask, or slopes) computed from x.

    Under create_graph the product is recorded with x as a second input whose gradient is
    zero, as torch's *BackwardBackward nodes do, so the result requires grad as torch's."""
    if not (isinstance(grad, Tensor) or isinstance(x, Tensor)):
        return _mul_factor(grad, factor)
    g = grad if isinstance(grad, Tensor) else _make(np.asarray(grad))
    xs = x if isinstance(x, Tensor) else None
    return record(NodeClass, (g, xs), np.asarray(g._data * factor), args=(factor,))


# -- threshold ------------------------------------------------------------------------------

class ThresholdBackward0(Node):
    """self: threshold_backward(grad, self, threshold) = grad where self > threshold, else 0"""
    __slots__ = ()

    def backward(self, grad):
        (th,) = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        return (_factor_grad(ThresholdBackwardBackward0, grad, x, _mask(~(xa <= th), xa)),)


class ThresholdBackward1(ThresholdBackward0):
    """self: threshold_backward(grad, self, threshold), self the input before threshold_
    overwrote it"""
    __slots__ = ()


def _threshold_array(input, threshold, value):
    x = input._data
    if x.dtype == np.bool_:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    # x <= threshold ? value : x, as torch's kernel (so a nan passes through)
    with np.errstate(invalid="ignore"):
        r = np.where(x <= threshold, np.asarray(value).astype(x.dtype), x)
    return r.astype(x.dtype, copy=False)


def _threshold(input, threshold, value):
    return unary(ThresholdBackward0, input, _threshold_array(input, threshold, value),
                 saved=(input,), args=(threshold,))


def _threshold_result(input, threshold, value):
    return unary(ThresholdBackward1, input, _threshold_array(input, threshold, value),
                 saved=(input,), args=(threshold,))


def threshold(input, threshold, value, inplace=False):
    """y = x if x > threshold else value."""
    if inplace:
        return _inplace(input, _threshold_result, threshold, value)
    return _threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place threshold."""
    return _inplace(input, _threshold_result, threshold, value)


# -- hardtanh, relu6 ----------------------------------------------------------------------------

class HardtanhBackward0(Node):
    """self: hardtanh_backward(grad, self, min_val, max_val)
    = 0 where self <= min_val or self >= max_val, else grad"""
    __slots__ = ()

    def backward(self, grad):
        lo, hi = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        return (_factor_grad(HardtanhBackwardBackward0, grad, x,
                             _mask(~((xa <= lo) | (xa >= hi)), xa)),)


def _hardtanh(input, min_val, max_val):
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    r = np.clip(x, min_val, max_val)
    if r.dtype != x.dtype:
        r = r.astype(x.dtype)
    return unary(HardtanhBackward0, input, r, saved=(input,), args=(min_val, max_val))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(x, min_val, max_val)."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return _inplace(input, _hardtanh, min_val, max_val)
    return _hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place hardtanh."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """min(max(x, 0), 6): hardtanh(x, 0, 6), as torch computes it (HardtanhBackward0)."""
    if inplace:
        return _inplace(input, _hardtanh, 0.0, 6.0)
    return _hardtanh(input, 0.0, 6.0)


# -- leaky_relu ------------------------------------------------------------------------------

class LeakyReluBackward0(Node):
    """self: leaky_relu_backward(grad, self, negative_slope, false)
    = grad where self > 0, else grad * negative_slope"""
    __slots__ = ()

    def backward(self, grad):
        (slope,) = self.args
        (x,) = self.unpack()
        return (_factor_grad(LeakyReluBackwardBackward0, grad, x, _leaky_factor(x, slope)),)


class LeakyReluBackward1(Node):
    """self: leaky_relu_backward(grad, result, negative_slope, true)   (leaky_relu_)"""
    __slots__ = ()

    def backward(self, grad):
        (slope,) = self.args
        if slope < 0:
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope "
                "which is not supported. This is caused by calling in-place forward function "
                "with a negative slope, please call out-of-place version instead. File an "
                "issue at https://github.com/pytorch/pytorch if you do require supporting "
                "in-place leakRelu backward calculation with negative slope")
        (y,) = self.unpack()
        return (_factor_grad(LeakyReluBackwardBackward0, grad, y, _leaky_factor(y, slope)),)


def _leaky_factor(x, slope):
    """1 where x > 0, else slope (as x's dtype)."""
    xa = array_of(x)
    pos = (xa > 0).astype(xa.dtype)
    if 0 <= slope <= 1:
        return np.maximum(pos, xa.dtype.type(slope))
    return np.where(pos, 1, slope).astype(xa.dtype)


def _leaky_array(input, slope):
    _check_float(input, "leaky_relu_cpu")
    x = input._data
    if 0 <= slope <= 1:
        return np.maximum(x, x * slope)
    return np.where(x > 0, x, x * slope).astype(x.dtype, copy=False)


def _leaky_relu(input, negative_slope):
    return unary(LeakyReluBackward0, input, _leaky_array(input, negative_slope),
                 saved=(input,), args=(negative_slope,))


def _leaky_relu_result(input, negative_slope):
    return unary(LeakyReluBackward1, input, _leaky_array(input, negative_slope),
                 saved=(OUTPUT,), args=(negative_slope,))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """max(0, x) + negative_slope * min(0, x)."""
    if inplace:
        return _inplace(input, _leaky_relu_result, negative_slope)
    return _leaky_relu(input, negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    """In-place leaky_relu."""
    return _inplace(input, _leaky_relu_result, negative_slope)


# -- rrelu ----------------------------------------------------------------------------------

class RreluWithNoiseBackward0(Node):
    """self: rrelu_with_noise_backward(grad, self, noise, lower, upper, training, false)
    = grad * noise when training with upper - lower > 1e-6, else
      leaky_relu_backward(grad, self, (lower + upper) / 2, false)"""
    __slots__ = ()

    def backward(self, grad):
        noise, slope = self.args
        (x,) = self.unpack()
        factor = noise if noise is not None else _leaky_factor(x, slope)
        return (_factor_grad(RreluWithNoiseBackwardBackward0, grad, x, factor),)


class RreluWithNoiseBackward1(RreluWithNoiseBackward0):
    """self: rrelu_with_noise_backward(grad, result, noise, lower, upper, training, true)
    (rrelu_, in place: the same factor, read from the result)"""
    __slots__ = ()


def _rrelu_op(NodeClass, saves_output):
    def op(input, lower, upper, training):
        x = input._data
        slope = (lower + upper) / 2
        if not training:
            _check_float(input, "leaky_relu_cpu")
            r = _leaky_array(input, slope)
            noise = None
        else:
            if x.dtype.kind != "f" or x.dtype == np.float16:
                raise NotImplementedError('"rrelu_with_noise_out_cpu" not implemented for '
                                          f"'{_type_name(input.dtype)}'")
            if lower > upper:
                raise RuntimeError("Lower bound should be less than or equal to the upper bound")
            # one uniform_real_distribution<double>(lower, upper) draw per element <= 0, in
            # memory order, rounded to the op's math type (float for float32 and half)
            # (the bounds are taken in the math type first: float32-rounded for float input)
            neg = (x <= 0).reshape(-1)
            u = _random._uniform_bits(_random._gen(None), int(neg.sum()), np.float64)
            math_dt = np.float64 if x.dtype == np.float64 else np.float32
            lo, hi = float(math_dt(lower)), float(math_dt(upper))
            draws = u * (hi - lo) + lo
            noise = np.ones(x.size, math_dt)
            noise[neg] = draws.astype(math_dt)
            noise = noise.reshape(x.shape)
            r = (x.astype(math_dt, copy=False) * noise).astype(x.dtype, copy=False)
            noise = noise.astype(x.dtype, copy=False)
            if upper - lower <= 1e-6:
                noise = None
        return unary(NodeClass, input, r, saved=(OUTPUT,) if saves_output else (input,),
                     args=(noise, slope))
    return op


_rrelu = _rrelu_op(RreluWithNoiseBackward0, False)
_rrelu_result = _rrelu_op(RreluWithNoiseBackward1, True)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky relu: slopes drawn from U(lower, upper) for each element <= 0 when
    training (from the global generator, as torch draws them), (lower + upper) / 2 otherwise."""
    if inplace:
        return _inplace(input, _rrelu_result, lower, upper, training)
    return _rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place rrelu."""
    return _inplace(input, _rrelu_result, lower, upper, training)


# -- prelu ----------------------------------------------------------------------------------

class PreluKernelBackward0(BroadcastingNode):
    """self, weight: _prelu_kernel_backward(grad, self, weight)
    = (where(self > 0, grad, weight * grad), where(self > 0, 0, self * grad))"""
    __slots__ = ()

    def backward(self, grad):
        x, w = self.unpack()
        xa = array_of(x)
        pos = xa > 0
        nf = self.next_functions
        if isinstance(grad, Tensor) or isinstance(x, Tensor):
            return (_where(pos, grad, w * grad) if nf[0][0] is not None else None,
                    _where(pos, 0, x * grad) if nf[1][0] is not None else None)
        neg = _mask(~pos, xa)
        gx = _mul_factor(grad, pos + neg * w) if nf[0][0] is not None else None
        gw = _mul_factor(grad, xa * neg) if nf[1][0] is not None else None
        return gx, gw


def prelu(input, weight):
    """max(0, x) + weight * min(0, x), weight a scalar or one value per channel (dim 1)."""
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{_type_name(input.dtype)} and {_type_name(weight.dtype)}")
    x = input._data
    nd = x.ndim
    wn = weight._data.size
    if wn != 1:
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = x.shape[1] if nd > 1 else 1
        if channels != wn:
            raise RuntimeError("Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {wn} and channel size = {channels}.")
    if weight._data.ndim > 1:
        raise RuntimeError("prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight._data.ndim}")
    w = weight
    if nd != weight._data.ndim:
        shape = [1] * nd
        if nd > 1:
            shape[1] = wn
        w = _shape.reshape(weight, tuple(shape))
    _check_float(input, "prelu_cpu")
    wa = w._data
    r = np.maximum(x, 0) + np.minimum(x, 0) * wa
    if r.dtype != x.dtype:
        r = r.astype(x.dtype)
    return record(PreluKernelBackward0, (input, w), r, saved=(input, w))


# -- elu, selu, celu ----------------------------------------------------------------------------

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu_input_grad(grad, x, alpha, scale, input_scale):
    """elu_backward(grad, alpha, scale, input_scale, is_result=false, self)
    = grad * input_scale * alpha * scale * exp(self * input_scale) where self <= 0,
      grad * scale elsewhere"""
    xa = array_of(x)
    neg = xa <= 0
    c = input_scale * alpha * scale
    if isinstance(grad, Tensor) or isinstance(x, Tensor):
        return grad * _where(neg, c * _exp(x * input_scale), scale)
    negf = neg.astype(xa.dtype)
    factor = negf * (c * np.exp(np.minimum(xa, 0) * input_scale)) + (1 - negf) * scale
    return grad * factor


def _elu_result_grad(grad, y, alpha, scale, input_scale, what):
    """elu_backward(grad, alpha, scale, input_scale, is_result=true, result)
    = grad * input_scale * (result + alpha * scale) where result <= 0, grad * scale elsewhere"""
    if alpha < 0:
        raise RuntimeError(f"In-place {what} backward calculation is triggered with a negative "
                           "slope which is not supported. This is caused by calling in-place "
                           "forward function with a negative slope, please call out-of-place "
                           "version instead.")
    ya = array_of(y)
    neg = ya <= 0
    if isinstance(grad, Tensor) or isinstance(y, Tensor):
        return grad * _where(neg, input_scale * (y + alpha * scale), scale)
    negf = neg.astype(ya.dtype)
    return grad * (negf * (input_scale * (ya + alpha * scale)) + (1 - negf) * scale)


class EluBackward0(Node):
    """self: elu_backward(grad, alpha, scale, input_scale, /* is_result */ false, self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (_elu_input_grad(grad, x, *self.args),)


class EluBackward1(Node):
    """self: elu_backward(grad, alpha, scale, input_scale, /* is_result */ true, result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (_elu_result_grad(grad, y, *self.args, "elu"),)


class CeluBackward0(Node):
    """self: elu_backward(grad, alpha, 1, 1.0/alpha.toFloat(), /* is_result */ false, self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (_elu_input_grad(grad, x, *self.args),)


class CeluBackward1(Node):
    """self: elu_backward(grad, alpha, 1, 1.0/alpha.toFloat(), /* is_result */ true, result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (_elu_result_grad(grad, y, *self.args, "elu"),)


def _elu_array(input, alpha, scale, input_scale):
    _check_float(input, "elu_cpu")
    x = input._data
    # max(x, 0) * scale + expm1(min(x, 0) * input_scale) * alpha * scale: each term is 0 on the
    # other side, so this is exactly torch's two-branch formula
    r = np.maximum(x, 0) * scale + np.expm1(np.minimum(x, 0) * input_scale) * (alpha * scale)
    r = np.array(r, dtype=x.dtype, copy=None, ndmin=0)
    z = x == 0
    if z.any():             # torch's x <= 0 branch keeps the sign of a zero: elu(-0.0) is -0.0
        r = np.where(z, x, r).astype(x.dtype, copy=False)
    return r


def _elu_op(NodeClass, saves_output):
    def op(input, alpha, scale, input_scale, grad_input_scale=None):
        r = _elu_array(input, alpha, scale, input_scale)
        gs = input_scale if grad_input_scale is None else grad_input_scale
        return unary(NodeClass, input, r, saved=(OUTPUT,) if saves_output else (input,),
                     args=(alpha, scale, gs))
    return op


_elu = _elu_op(EluBackward0, False)
_elu_result = _elu_op(EluBackward1, True)
_celu_op = _elu_op(CeluBackward0, False)
_celu_result = _elu_op(CeluBackward1, True)


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    if inplace:
        return _inplace(input, _elu_result, alpha, 1.0, 1.0)
    return _elu(input, alpha, 1.0, 1.0)


def elu_(input, alpha=1.0):
    """In-place elu."""
    return _inplace(input, _elu_result, alpha, 1.0, 1.0)


def selu(input, inplace=False):
    """scale * (max(0, x) + min(0, alpha * (exp(x) - 1))), torch's fixed alpha and scale."""
    if inplace:
        return _inplace(input, _elu_result, _SELU_ALPHA, _SELU_SCALE, 1.0)
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0)


def selu_(input):
    """In-place selu."""
    return selu(input, inplace=True)


def _celu_scales(alpha):
    """(forward, backward) input_scale: torch's forward divides by alpha, its derivative by
    alpha.toFloat() (alpha rounded to float32)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return 1.0 / alpha, 1.0 / float(np.float32(alpha))


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    inv, inv_grad = _celu_scales(alpha)
    if inplace:
        return _inplace(input, _celu_result, alpha, 1.0, inv, inv_grad)
    return _celu_op(input, alpha, 1.0, inv, inv_grad)


def celu_(input, alpha=1.0):
    """In-place celu."""
    return celu(input, alpha, inplace=True)


# -- gelu ----------------------------------------------------------------------------------------

_SQRT1_2 = 0.70710678118654752440
_GELU_BETA = math.sqrt(2.0) * (2.0 / math.sqrt(math.pi)) * 0.5     # sqrt(2 / pi)
_GELU_KAPPA = 0.044715
_INV_SQRT_2PI = (2.0 / math.sqrt(math.pi)) * _SQRT1_2 * 0.5         # 1 / sqrt(2 pi)


class GeluBackward0(Node):
    """self: gelu_backward(grad, self, approximate)
    'none': grad * (0.5 * (1 + erf(x / sqrt(2))) + x * exp(-x^2 / 2) / sqrt(2 pi))
    'tanh': with t = tanh(sqrt(2/pi) * (x + 0.044715 x^3)):
            grad * (0.5 * (1 + t) + 0.5 * x * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2))"""
    __slots__ = ()

    def backward(self, grad):
        approximate, cdf = self.args
        (x,) = self.unpack()
        if approximate == "tanh":
            x_sq = x * x
            t = _tanh(_GELU_BETA * (x + _GELU_KAPPA * x_sq * x))
            left = 0.5 * x
            right = 1 + t
            d = 0.5 * right + left * (1 - t * t) * (_GELU_BETA * (1 + 3 * _GELU_KAPPA * x_sq))
            return (grad * d,)
        if isinstance(x, Tensor):
            cdf = 0.5 * (1 + _erf(x * _SQRT1_2))
        pdf = _exp(-0.5 * x * x) * _INV_SQRT_2PI
        return (grad * (cdf + x * pdf),)


# Numerical Recipes' erfc (Chebyshev fit, fractional error < 1.2e-7 everywhere): enough for a
# float32 result, and a few times cheaper than the float64-exact erf used for float64 input.
_ERFC_C = (0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
           0.09678418, 0.37409196, 1.00002368, -1.26551223)


def _erf_fast(x):
    """erf(x) for float32/float16 x, in x's dtype (float64 goes to the exact erf)."""
    if x.dtype == np.float64:
        return _pw._erf_array(x)
    xf = x.astype(np.float32, copy=False)
    z = np.abs(xf)
    t = 1 / (1 + np.float32(0.5) * z)
    p = np.full_like(t, _ERFC_C[0])
    for c in _ERFC_C[1:]:
        p *= t
        p += np.float32(c)
    with np.errstate(under="ignore"):
        erfc = t * np.exp(p - z * z)                # erfc(|x|)
    return np.copysign(1 - erfc, xf).astype(x.dtype, copy=False)


def _normal_cdf(x):
    """Phi(x) = 0.5 * (1 + erf(x / sqrt(2))), rounded as torch's kernel rounds it."""
    return 0.5 * (1 + _erf_fast(x * _SQRT1_2))


def gelu(input, approximate="none"):
    """x * Phi(x); approximate='tanh' uses torch's tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_float(input, "GeluKernelImpl")
    x = input._data
    cdf = None
    if approximate == "tanh":
        inner = _GELU_BETA * (x + _GELU_KAPPA * x * x * x)
        r = 0.5 * x * (1 + np.tanh(inner))
    else:
        cdf = _normal_cdf(x)
        r = x * cdf
    return unary(GeluBackward0, input, r.astype(x.dtype, copy=False), saved=(input,),
                 args=(approximate, cdf))


# -- silu, mish, softplus ---------------------------------------------------------------------

class SiluBackward0(Node):
    """self: GradMode::is_enabled() ? infinitely_differentiable_silu_backward(grad, self)
                                   : silu_backward(grad, self)
    = grad * sigmoid(self) * (1 + self * (1 - sigmoid(self)))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        s = _sigmoid(x)
        return (grad * (s * (1 + x * (1 - s))),)


def _silu(input):
    _check_float(input, "silu_cpu")
    x = input._data
    return unary(SiluBackward0, input, (x * _np_sigmoid(x)).astype(x.dtype, copy=False),
                 saved=(input,))


def silu(input, inplace=False):
    """x * sigmoid(x)."""
    if inplace:
        return _inplace(input, _silu)
    return _silu(input)


class MishBackward0(Node):
    """self: GradMode::is_enabled() ? infinitely_differentiable_mish_backward(grad, self)
                                   : mish_backward(grad, self)
    = grad * (tanh(softplus(self)) + self * sigmoid(self) * (1 - tanh(softplus(self))^2))"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        s = _sigmoid(x)
        if isinstance(x, Tensor):
            t = _tanh(softplus(x))
        else:
            with np.errstate(over="ignore"):
                t = np.tanh(np.log1p(np.exp(x)))
        return (grad * (t + x * s * (1 - t * t)),)


def _mish(input):
    _check_float(input, "mish_cpu")
    x = input._data
    with np.errstate(over="ignore"):
        r = x * np.tanh(np.log1p(np.exp(x)))
    return unary(MishBackward0, input, r.astype(x.dtype, copy=False), saved=(input,))


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    if inplace:
        return _inplace(input, _mish)
    return _mish(input)


class SoftplusBackward0(Node):
    """self: softplus_backward(grad, self, beta, threshold)
    = grad where self * beta > threshold, else grad * z / (z + 1), z = exp(self * beta)"""
    __slots__ = ()

    def backward(self, grad):
        beta, th = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        linear = xa * beta > th
        if not linear.any():
            return (grad * _sigmoid(x * beta),)
        return (grad * _where(linear, 1, _sigmoid(x * beta)),)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold."""
    _check_float(input, "softplus_cpu")
    x = input._data
    xb = x * beta
    linear = xb > threshold
    with np.errstate(over="ignore"):
        r = np.log1p(np.exp(xb)) / beta
    if linear.any():
        r = np.where(linear, x, r)
    return unary(SoftplusBackward0, input, r.astype(x.dtype, copy=False), saved=(input,),
                 args=(beta, threshold))


# -- sigmoid, tanh, softsign, tanhshrink, logsigmoid -------------------------------------------

def sigmoid(input):
    """1 / (1 + exp(-x))  (torch.nn.functional.sigmoid is input.sigmoid())."""
    return _pw.sigmoid(input)


def tanh(input):
    """tanh(x)  (torch.nn.functional.tanh is input.tanh())."""
    return _pw.tanh(input)


def softsign(input):
    """x / (1 + |x|), composed as torch composes it."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x), composed as torch composes it."""
    return input - input.tanh()


class LogSigmoidBackward0(Node):
    """self: log_sigmoid_backward(grad, self, buffer) = grad * sigmoid(-self)"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        return (grad * _sigmoid(-x),)


def logsigmoid(input):
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), computed stably."""
    _check_float(input, "log_sigmoid_cpu")
    x = input._data
    r = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    return unary(LogSigmoidBackward0, input, r.astype(x.dtype, copy=False), saved=(input,))


# -- hardswish, hardsigmoid ------------------------------------------------------------------

class HardswishBackward0(Node):
    """self: hardswish_backward(grad, self)
    = 0 where self < -3, grad * (self / 3 + 0.5) where self <= 3, grad elsewhere"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        xa = array_of(x)
        if isinstance(grad, Tensor) or isinstance(x, Tensor):
            return (_where(xa < -3, 0, _where(xa <= 3, grad * (x / 3 + 0.5), grad)),)
        mid = ((xa >= -3) & (xa <= 3)).astype(xa.dtype)
        return (_mul_factor(grad, mid * (xa / 3 + 0.5) + (xa > 3)),)


def _hardswish(input):
    _check_float(input, "hardswish_cpu")
    x = input._data
    r = x * np.clip(x + 3, 0, 6) / 6
    return unary(HardswishBackward0, input, r.astype(x.dtype, copy=False), saved=(input,))


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    if inplace:
        return _inplace(input, _hardswish)
    return _hardswish(input)


# NOTE: torch's kernel multiplies by 1.0f / 6.0f, a float constant, in every dtype
_ONE_SIXTH = float(np.float32(1.0) / np.float32(6.0))


class HardsigmoidBackward0(Node):
    """self: hardsigmoid_backward(grad, self) = grad / 6 where -3 < self < 3, else 0"""
    __slots__ = ()

    def backward(self, grad):
        (x,) = self.unpack()
        xa = array_of(x)
        factor = _mask((xa > -3) & (xa < 3), xa) * _ONE_SIXTH
        if isinstance(grad, Tensor) or isinstance(x, Tensor):
            # torch defines no derivative for hardsigmoid_backward
            g = grad if isinstance(grad, Tensor) else _make(np.asarray(grad))
            return (_pw._not_differentiable("hardsigmoid_backward", [g, x],
                                            np.asarray(g._data * factor)),)
        return (_mul_factor(grad, factor),)


def _hardsigmoid(input):
    _check_float(input, "hardsigmoid_cpu")
    x = input._data
    r = np.clip(x + 3, 0, 6) / 6
    return unary(HardsigmoidBackward0, input, r.astype(x.dtype, copy=False), saved=(input,))


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    if inplace:
        return _inplace(input, _hardsigmoid)
    return _hardsigmoid(input)


# -- softshrink, hardshrink ----------------------------------------------------------------------

def _shrink_mask(xa, lambd):
    return (xa >= -lambd) & (xa <= lambd)


class SoftshrinkBackward0(Node):
    """self: softshrink_backward(grad, self, lambd) = 0 where |self| <= lambd, else grad"""
    __slots__ = ()

    def backward(self, grad):
        (lambd,) = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        return (_factor_grad(SoftshrinkBackwardBackward0, grad, x,
                             _mask(~_shrink_mask(xa, lambd), xa)),)


def _lambda_max(dt):
    # torch prints the bound with "%g" (std::ostream's default precision, 6 digits)
    return f"{float(np.finfo(dt).max):g}"


def softshrink(input, lambd=0.5):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""
    _check_float(input, "softshrink_check")
    x = input._data
    if not 0 <= lambd <= float(np.finfo(x.dtype).max):
        raise RuntimeError(f"lambda must be in range [0, {_lambda_max(x.dtype)}] for input "
                           f"dtype {_type_name(input.dtype)}, but found {lambd:g}")
    # x - lambd above, x + lambd below, and torch's x * 0 (a signed zero) in between
    r = np.copysign(x - np.clip(x, -lambd, lambd), x)
    return unary(SoftshrinkBackward0, input, r.astype(x.dtype, copy=False), saved=(input,),
                 args=(lambd,))


class HardshrinkBackward0(Node):
    """self: hardshrink_backward(grad, self, lambd) = 0 where |self| <= lambd, else grad"""
    __slots__ = ()

    def backward(self, grad):
        (lambd,) = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        return (_factor_grad(HardshrinkBackwardBackward0, grad, x,
                             _mask(~_shrink_mask(xa, lambd), xa)),)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    _check_float(input, "hardshrink_cpu")
    x = input._data
    r = x * _mask(~_shrink_mask(x, lambd), x) + 0.0       # + 0.0: torch's zeros are +0
    return unary(HardshrinkBackward0, input, r, saved=(input,), args=(lambd,))


# -- glu -----------------------------------------------------------------------------------------

class GluBackward0(Node):
    """self: glu_backward(grad, self, dim)
    = cat(grad * sigmoid(b), grad * a * sigmoid(b) * (1 - sigmoid(b))) with (a, b) = halves"""
    __slots__ = ()

    def backward(self, grad):
        dim, h = self.args
        (x,) = self.unpack()
        a, b = _halves(x, dim, h)
        s = _sigmoid(b)
        ga = grad * s
        return (_cat([ga, ga * a * (1 - s)], dim),)


def glu(input, dim=-1):
    """a * sigmoid(b), with a and b the two halves of input along dim."""
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    _check_float(input, "glu_cpu")
    h = n // 2
    a, b = _halves(x, d, h)
    r = (a * _np_sigmoid(b)).astype(x.dtype, copy=False)
    return unary(GluBackward0, input, r, saved=(input,), args=(d, h))


# -- softmax, log_softmax, softmin ---------------------------------------------------------------

class SoftmaxBackward0(Node):
    """self: _softmax_backward_data(grad, result, dim, self.scalar_type())
    = result * (grad - (grad * result).sum(dim, keepdim=True))"""
    __slots__ = ()

    def backward(self, grad):
        (axis,) = self.args
        (y,) = self.unpack()
        gy = grad * y
        if isinstance(gy, Tensor) or axis is None:
            return (gy - y * _sum_keep(gy, axis),)
        gy -= y * gy.sum(axis=axis, keepdims=True)
        return (gy,)


class LogSoftmaxBackward0(Node):
    """self: _log_softmax_backward_data(grad, result, dim, self.scalar_type())
    = grad - exp(result) * grad.sum(dim, keepdim=True)"""
    __slots__ = ()

    def backward(self, grad):
        (axis,) = self.args
        (y,) = self.unpack()
        return (grad - _exp(y) * _sum_keep(grad, axis),)


def _softmax_input(input, dim, dtype, kernel):
    """(input converted to dtype, the axis (None for 0-d)) after torch's checks."""
    d = wrap_dim(dim, input._data.ndim)
    if dtype is not None and dtype is not input.dtype:
        input = input.to(dtype)
    x = input._data
    if x.dtype.kind != "f":
        last = x.ndim == 0 or d == x.ndim - 1
        name = f"{kernel}_lastdim_kernel_impl" if last else f"{kernel}_kernel_impl"
        _check_float(input, name)
    return input, (d if x.ndim else None)


def _softmax(input, dim, dtype=None):
    input, axis = _softmax_input(input, dim, dtype, "softmax")
    x = input._data
    if axis is None:
        r = np.exp(x - x)
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
            r = np.subtract(x, m, dtype=x.dtype)
            np.exp(r, out=r)
            r /= r.sum(axis=axis, keepdims=True)
    return unary(SoftmaxBackward0, input, r.astype(x.dtype, copy=False), saved=(OUTPUT,),
                 args=(axis,))


def _log_softmax(input, dim, dtype=None):
    input, axis = _softmax_input(input, dim, dtype, "log_softmax")
    x = input._data
    if axis is None:
        r = x - x
    else:
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)
            m = np.where(np.isfinite(m), m, 0).astype(x.dtype, copy=False)
            s = x - m
            r = s - np.log(np.exp(s).sum(axis=axis, keepdims=True))
    return unary(LogSoftmaxBackward0, input, r.astype(x.dtype, copy=False), saved=(OUTPUT,),
                 args=(axis,))


_NO_DIM = object()


def torch_softmax(input, dim=_NO_DIM, dtype=None):
    """torch.softmax(input, dim, dtype=None) and Tensor.softmax(dim, dtype=None)."""
    if dim is _NO_DIM:
        raise TypeError('softmax() missing 1 required positional arguments: "dim"')
    return _softmax(input, dim, dtype)


def torch_log_softmax(input, dim=_NO_DIM, dtype=None):
    """torch.log_softmax(input, dim, dtype=None) and Tensor.log_softmax(dim, dtype=None)."""
    if dim is _NO_DIM:
        raise TypeError('log_softmax() missing 1 required positional arguments: "dim"')
    return _log_softmax(input, dim, dtype)


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / exp(x).sum(dim); dtype= converts the input first."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - logsumexp(x, dim), computed stably; dtype= converts the input first."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x, dim), composed as torch composes it."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax(-input, dim, dtype)


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + Gumbel noise) / tau); hard=True returns the one-hot argmax with the
    soft sample's gradient (straight through).  The noise is -log(Exp(1)) drawn with
    exponential_ from the global generator, as torch draws it."""
    from .creation import empty_like, zeros_like
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = torch_softmax(gumbels, dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


# -- one_hot, normalize, cosine_similarity, pairwise_distance --------------------------------

def one_hot(tensor, num_classes=-1):
    """(..., num_classes) int64 tensor with a 1 at each index of tensor."""
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if a.size == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return _make(np.zeros(a.shape + (num_classes,), np.int64))
    if a.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(a.max()) + 1
    elif a.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _make((a[..., None] == np.arange(num_classes)).astype(np.int64))


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps), composed as torch composes it."""
    if out is None:
        denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
        return input / denom
    denom = input.norm(p, dim, keepdim=True).clamp_min_(eps).expand_as(input)
    return _pw.div(input, denom, out=out)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1/||x1|| * x2/||x2||, dim), each norm clamped to eps, as torch composes it."""
    common = _dt.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError("expected common dtype to be floating point, yet common dtype is "
                           f"{_type_name(common)}")
    if not x1.dtype.is_floating_point:
        x1 = x1.to(common)
    if not x2.dtype.is_floating_point:
        x2 = x2.to(common)
    s1, s2 = x1._data.shape, x2._data.shape
    if s1 != s2:
        shape = broadcast_shapes(s1, s2)
        x1 = x1.expand(shape)
        x2 = x2.expand(shape)
    n1 = _red.vector_norm(x1, 2, dim, keepdim=True).clone()
    n2 = _red.vector_norm(x2, 2, dim, keepdim=True).clone()
    with _gm.no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


class NormBackward1(_red.LinalgVectorNormBackward0):
    """self: norm_backward(grad, self, p, result, dim, keepdim)   (at::norm with a dim)"""
    __slots__ = ()


def _norm_dim(input, p, dim, keepdim):
    """at::norm(input, p, dim, keepdim): torch.norm's values with the node NormBackward1."""
    with _gm.no_grad():
        r = _red.vector_norm(input, p, dim, keepdim)
    dims = () if input._data.ndim == 0 else (wrap_dim(dim, input._data.ndim),)
    return unary(NormBackward1, input, r._data, saved=(input, OUTPUT),
                 args=(float(p), dims, keepdim, None))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p over the last dim, as torch composes it."""
    nd = max(x1._data.ndim, x2._data.ndim)
    return _norm_dim(_add_scalar(x1 - x2, eps), p, nd - 1 if nd else -1, keepdim)


# -- Tensor methods ------------------------------------------------------------------------------

Tensor.softmax = torch_softmax
Tensor.log_softmax = torch_log_softmax
Tensor.prelu = prelu
Tensor.hardshrink = hardshrink
