"""Normalization, dropout and embedding: torch.nn.functional's batch_norm, instance_norm,
layer_norm, group_norm, rms_norm, local_response_norm, dropout (and its feature and alpha
forms), embedding and embedding_bag, with the fused nodes torch records for them.

The fused nodes (``NativeBatchNormBackward0``, ``NativeLayerNormBackward0``,
``NativeGroupNormBackward0``, ``EmbeddingBackward0``, ``EmbeddingBagBackward0``) keep what the
forward pass computed (the normalized input, the means and inverse standard deviations, the
bag layout) as NumPy arrays, so a plain backward pass is a handful of array operations.  The
normalized input of batch and layer norm, as large as the input, sits in ``saved`` (after the
input itself), so that it is released with the graph; group norm's backward works from the
input and its statistics, as torch's kernel does.  Under
``create_graph=True`` the same formulas run on Tensors; the statistics are then recomputed
from the saved input with ember's own ops, so that the gradient knows how it depends on the
input and double backward is exact.

Composite forms (instance_norm, rms_norm, local_response_norm, dropout) are written with
ember's public ops in the order torch's C++ code runs them, so grad_fn names and random
draws come out as torch's.
"""
import math
import warnings

import numpy as np

from .. import _dtype as _dt
from .._errors import wrap_dim
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import Node, record, sum_dims
from .creation import arange, zeros
from .shape import cat

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm", "dropout", "alpha_dropout", "feature_alpha_dropout",
           "dropout1d", "dropout2d", "dropout3d", "embedding", "embedding_bag"]

_f64 = np.float64


def _type_name(t):
    """'Float', 'Long', ... as torch's dispatch errors name a dtype."""
    return t.dtype._legacy[:-len("Tensor")]


def _shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _check_float(x, kernel):
    if x._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(x)}\'')


def _check_params(x, *params):
    """torch's CPU norms take parameters of the input's dtype (mixed_data_type.h): the first
    parameter given decides the message, a later mismatch fails in the kernel."""
    given = [p for p in params if p is not None]
    if not given:
        return
    dt = x._data.dtype
    if given[0]._data.dtype != dt:
        if dt == np.float32:
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of "
                               "Float")
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    for p in given[1:]:
        if p._data.dtype != dt:
            raise RuntimeError(f"expected scalar type {_type_name(x)} but found "
                               f"{_type_name(p)}")


# -- normalization formulas -------------------------------------------------------------------
# Under create_graph they run on Tensors, as differentiable ops (_normalized,
# _normalize_backward); a plain backward pass runs the same formulas on arrays, fused into
# fewer passes.
#
# Costs that shape the array code (NumPy 2, measured): ndarray.sum over many short rows is
# several times slower than einsum's loop or one BLAS matrix-vector product doing the same
# sums (_row_dot, _col_dot); an elementwise op that broadcasts a per-row or per-channel value
# runs at about half the speed of one on same-shaped operands, so the formulas are arranged
# to need few of them (statistics folded into per-row coefficients, as torch's CPU kernels
# do).

_BLAS_TYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _row_dot(a, v=None):
    """a (..., K) @ v (K,): the sums over the last axis weighted by v (plain sums when v is
    None).  Plain sums in einsum's loop, as fast as BLAS's and on one thread (on a machine
    with other work, NumPy's threaded BLAS cost group_norm a third more wall time); weighted
    ones as one BLAS matrix-vector product."""
    if a.dtype in _BLAS_TYPES and a.size:
        if v is None:
            return np.einsum("...k->...", a)
        return (a.reshape(-1, a.shape[-1]) @ v).reshape(a.shape[:-1])
    acc = np.float32 if a.dtype == np.float16 else None
    r = a.sum(axis=-1, dtype=acc) if v is None else (a * v).sum(axis=-1, dtype=acc)
    return r.astype(a.dtype, copy=False)


def _col_dot(v, a):
    """v (R,) @ a (R, K): the sums over the rows of a weighted by v (plain sums when v is
    None), as one BLAS matrix-vector product for float32/float64."""
    if a.dtype in _BLAS_TYPES and a.size:
        return (np.ones(a.shape[0], a.dtype) if v is None else v) @ a
    acc = np.float32 if a.dtype == np.float16 else None
    r = a.sum(axis=0, dtype=acc) if v is None else (v[:, None] * a).sum(axis=0, dtype=acc)
    return r.astype(a.dtype, copy=False)


def _normalized(x, axes, eps):
    """((x - mean) * rstd, rstd) with the biased variance over axes (rstd keeps its dims)."""
    xc = x - x.mean(axes, keepdim=True)
    rstd = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
    return xc * rstd, rstd


def _normalize_backward(gxhat, xhat, rstd, axes):
    """d/dx of xhat = (x - mean) * rstd, applied to gxhat = dL/dxhat:
    rstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))."""
    return rstd * (gxhat - gxhat.mean(axes, keepdim=True) -
                   xhat * (gxhat * xhat).mean(axes, keepdim=True))


def _centred_rows(x, eps):
    """(x - mean, mean, rstd) over the last axis of an array (mean and rstd without that
    axis): one pass for the mean, one to centre, one for the variance (einsum's dot, no
    temporary)."""
    k = x.shape[-1]
    mean = _row_dot(x) / k
    xc = x - mean[..., None]
    var = np.einsum("...k,...k->...", xc, xc) / k
    return xc, mean, 1.0 / np.sqrt(var + eps)


def _channel_sums(a):
    """sum over batch and the rest of a (N, C) or (N, C, M) array -> (C,).  (N, C, M) keeps
    NumPy's pairwise sums: batch_norm over planes runs at torch's speed with them, and a
    training run's path (Adam steps on gradients that are zero up to rounding) keeps its
    rounding."""
    if a.ndim == 2:
        return _col_dot(None, a)
    return a.sum(axis=2).sum(axis=0)


def _channel_dot(g, xhat):
    """sum over (batch, rest) of g * xhat: (N, C, M) (or (N, C) arrays) -> (C,)"""
    if isinstance(g, Tensor):
        return sum_dims(g * xhat, (0, 2))
    if g.ndim == 2:
        return _col_dot(None, g * xhat)
    return np.einsum("ncm,ncm->nc", g, xhat).sum(axis=0)


# -- batch_norm ------------------------------------------------------------------------------

class NativeBatchNormBackward0(Node):
    """input, weight, bias: native_batch_norm_backward(grad, input, weight, running_mean,
    running_var, result1, result2, training, eps, grad_input_mask), i.e. with
    xhat = (input - mean) * invstd over all dims but 1:
      training:  input: invstd * weight * (grad - mean(grad) - xhat * mean(grad * xhat))
      eval:      input: grad * invstd * weight   (running statistics are constants)
      weight: sum(grad * xhat)    bias: sum(grad)
    Everything runs on the input viewed as (N, C, rest), or as (N, C) when rest is 1 (an
    inner axis of length one would make every NumPy loop one element long)."""
    __slots__ = ()

    def backward(self, grad):
        x, w, xhat = self.unpack()
        invstd, training, eps, shape3, running = self.args
        nf = self.next_functions
        need_in, need_w, need_b = (nf[i][0] is not None for i in range(3))
        if isinstance(grad, Tensor):
            return self._backward_graph(grad, x, w, need_in, need_w, need_b)
        g = grad.reshape(xhat.shape)
        g_in = g_w = g_b = None
        gsum = _channel_sums(g) if (need_b or need_in and training) else None
        dotp = _channel_dot(g, xhat) if (need_w or need_in and training) else None
        if need_in:
            scale = invstd if w is None else invstd * w
            if training:
                n = shape3[0] * shape3[2]
                g_in = g - _per_channel(gsum / n, g.ndim)
                g_in -= xhat * _per_channel(dotp / n, g.ndim)
                g_in *= _per_channel(scale, g.ndim)
            else:
                g_in = g * _per_channel(scale, g.ndim)
            g_in = g_in.reshape(grad.shape)
        if need_w:
            g_w = dotp
        if need_b:
            g_b = gsum
        return g_in, g_w, g_b

    def _backward_graph(self, grad, x, w, need_in, need_w, need_b):
        """The same formulas in differentiable ops (create_graph); in training the batch
        statistics are recomputed from x, so that the gradient's graph sees them."""
        invstd, training, eps, shape3, running = self.args
        g = grad.reshape(shape3)
        x3 = x.reshape(shape3)
        if training:
            xhat, rstd = _normalized(x3, (0, 2), eps)
        else:
            rstd = invstd[:, None]
            xhat = (x3 - running[:, None]) * rstd
        g_in = g_w = g_b = None
        if need_in:
            scale = rstd if w is None else rstd * w.reshape((-1, 1))
            if training:
                g_in = _normalize_backward(g, xhat, 1, (0, 2)) * scale
            else:
                g_in = g * scale
            g_in = g_in.reshape(tuple(grad.shape))
        if need_w:
            g_w = _channel_dot(g, xhat)
        if need_b:
            g_b = sum_dims(g, (0, 2))
        return g_in, g_w, g_b


def _per_channel(v, ndim):
    """A per-channel vector (C,) shaped to broadcast against (N, C) or (N, C, M)."""
    return v if ndim == 2 else v[:, None]


def _check_features(what, expected, t):
    if t._data.size != expected:
        raise RuntimeError(f"{what} should contain {expected} elements not {t._data.size}")


def _affine(xhat, weight, bias, wshape):
    """xhat * weight + bias (weight and bias reshaped to wshape), always a new array."""
    if weight is not None:
        out = xhat * weight._data.reshape(wshape)
        if bias is not None:
            out += bias._data.reshape(wshape)
        return out
    if bias is not None:
        return xhat + bias._data.reshape(wshape)
    return xhat.copy()      # xhat is kept for backward: the output must not alias it


def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """at::batch_norm on CPU: native_batch_norm, updating the running statistics in place
    (without bumping their version, as torch's kernel writes them directly)."""
    x = input._data
    if x.size == 0:
        # torch: "don't return view of input, don't return empty tensor because it will
        # break gradient chain"
        out = input.clone()
        if weight is not None:
            out = out * weight[0]
        if bias is not None:
            out = out + bias[0]
        return out
    nd = x.ndim
    C = x.shape[wrap_dim(1, nd)]
    if running_mean is not None:
        _check_features("running_mean", C, running_mean)
    elif not training:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    if running_var is not None:
        _check_features("running_var", C, running_var)
    elif not training:
        raise RuntimeError("running_var must be defined in evaluation mode")
    if weight is not None:
        _check_features("weight", C, weight)
    if bias is not None:
        _check_features("bias", C, bias)
    _check_float(input, "batch_norm")
    _check_params(input, weight, bias, running_mean, running_var)
    N = x.shape[0]
    n = x.size // C
    shape3 = (N, C, n // N)
    x3 = x.reshape(shape3 if shape3[2] != 1 else shape3[:2])
    if training:
        mean = _channel_sums(x3) / n
        xc = x3 - _per_channel(mean, x3.ndim)
        var_sum = _channel_dot(xc, xc).astype(_f64)
        # torch's CPU kernel turns the sums into statistics in double (acc_type on CPU)
        var = var_sum / n
        with np.errstate(divide="ignore", invalid="ignore"):
            invstd64 = np.where((var != 0) | (eps != 0), 1.0 / np.sqrt(var + eps), 0.0)
            if running_mean is not None:
                rm = running_mean._data
                rm[...] = momentum * mean.astype(_f64) + (1 - momentum) * rm
            if running_var is not None:
                rv = running_var._data
                rv[...] = momentum * (var_sum / (n - 1)) + (1 - momentum) * rv
        invstd = invstd64.astype(x.dtype)
        xhat = xc
        xhat *= _per_channel(invstd, x3.ndim)
        running = None
    else:
        running = running_mean._data.reshape(C).copy()
        invstd = 1 / np.sqrt(running_var._data.reshape(C) + eps)
        xhat = x3 - _per_channel(running, x3.ndim)
        xhat *= _per_channel(invstd, x3.ndim)
    out = _affine(xhat, weight, bias, (C, 1) if x3.ndim == 3 else (C,)).reshape(x.shape)
    return record(NativeBatchNormBackward0, (input, weight, bias), out,
                  saved=(input, weight, xhat),
                  args=(invstd, bool(training), eps, shape3, running))


def _verify_batch_size(size):
    size_prods = size[0]
    for i in range(len(size) - 2):
        size_prods *= size[i + 2]
    if size_prods == 1:
        raise ValueError("Expected more than 1 value per channel when training, got input "
                         f"size {size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalize over every dim but 1 with the batch statistics (training) or the running
    ones (eval); training updates running_mean/var in place with `momentum`."""
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    elif eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    _check_momentum(momentum, "batch_norm")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum,
                       eps)


def _check_momentum(momentum, fn):
    """torch.batch_norm/instance_norm's argument parser: momentum is a float (position 7)."""
    if not isinstance(momentum, (int, float)):
        raise TypeError(f"{fn}(): argument 'momentum' (position 7) must be float, not "
                        f"{type(momentum).__name__}")


# -- instance_norm ---------------------------------------------------------------------------

def _verify_spatial_size(size):
    size_prods = 1
    for i in range(2, len(size)):
        size_prods *= size[i]
    if size_prods == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input size "
                         f"{size}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalize each (sample, channel) over its spatial dims: torch's at::instance_norm,
    batch_norm of the input viewed as (1, N*C, ...) with the parameters repeated N times."""
    if use_input_stats:
        _verify_spatial_size(input.size())
    _check_momentum(momentum, "instance_norm")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    shape = list(input.shape)
    b = shape[0]
    c = input.size(1)
    shape[1] = b * c
    shape[0] = 1
    weight_ = weight.repeat(b) if weight is not None else None
    bias_ = bias.repeat(b) if bias is not None else None
    running_mean_ = running_mean.repeat(b) if running_mean is not None else None
    running_var_ = running_var.repeat(b) if running_var is not None else None
    input_reshaped = input.contiguous().view(shape)
    out = _batch_norm(input_reshaped, weight_, bias_, running_mean_, running_var_,
                      use_input_stats, momentum, eps)
    # torch copies the averaged statistics back through an alias (a version bump)
    for stat, repeated in ((running_mean, running_mean_), (running_var, running_var_)):
        if stat is not None and use_input_stats:
            stat._data[...] = repeated._data.reshape(b, c).mean(axis=0)
            stat._vc[0] += 1
    return out.view(input.shape)


# -- layer_norm ------------------------------------------------------------------------------

class NativeLayerNormBackward0(Node):
    """input, weight, bias: native_layer_norm_backward(grad, input, normalized_shape, result1,
    result2, weight, bias, grad_input_mask), i.e. with xhat = (input - mean) * rstd over the
    normalized dims:  input: rstd * (g - mean(g) - xhat * mean(g * xhat)), g = grad * weight;
    weight: sum(grad * xhat) over the leading dims;  bias: sum(grad) over the leading dims.
    The input is viewed as (rows, normalized size)."""
    __slots__ = ()

    def backward(self, grad):
        x, w, xhat = self.unpack()
        rstd, eps, nshape = self.args
        nf = self.next_functions
        need_in, need_w, need_b = (nf[i][0] is not None for i in range(3))
        if isinstance(grad, Tensor):
            return self._backward_graph(grad, x, w, xhat.shape, eps, nshape, need_in, need_w,
                                        need_b)
        rows, M = xhat.shape
        g = grad.reshape(rows, M)
        if w is not None:
            w = w.reshape(M)
        g_in = g_w = g_b = None
        gx = g * xhat if (need_in or need_w) else None
        if need_w:
            g_w = _col_dot(None, gx).reshape(nshape)
        if need_b:
            g_b = _col_dot(None, g).reshape(nshape)
        if need_in:
            if g.size == 0:
                return np.zeros(grad.shape, grad.dtype), g_w, g_b
            # rstd * (gw - mean(gw) - xhat * mean(gw * xhat)), gw = grad * weight, as
            # gw * rstd - xhat * c2 - c1 with per-row c1, c2 (row sums as matrix-vector
            # products)
            k = rstd / M
            c1 = _row_dot(g, w) * k
            c2 = _row_dot(gx, w) * k
            if w is None:
                g_in = g * rstd[:, None]
            else:
                g_in = g * w
                g_in *= rstd[:, None]
            g_in -= np.multiply(xhat, c2[:, None], out=gx)   # gx's buffer is free now
            g_in -= c1[:, None]
            g_in = g_in.reshape(grad.shape)
        return g_in, g_w, g_b

    def _backward_graph(self, grad, x, w, shape2, eps, nshape, need_in, need_w, need_b):
        """The same formulas in differentiable ops (create_graph), the statistics recomputed
        as functions of x, so that the gradient's graph sees them."""
        g = grad.reshape(shape2)
        if w is not None:
            w = w.reshape(shape2[1:])
        xhat, rstd = _normalized(x.reshape(shape2), (1,), eps)
        g_in = g_w = g_b = None
        if need_in:
            g_in = _normalize_backward(g if w is None else g * w, xhat, rstd,
                                       (1,)).reshape(tuple(grad.shape))
        if need_w:
            g_w = sum_dims(g * xhat, (0,)).reshape(nshape)
        if need_b:
            g_b = sum_dims(g, (0,)).reshape(nshape)
        return g_in, g_w, g_b


def _normalized_shape_arg(normalized_shape, fn):
    if isinstance(normalized_shape, (int, np.integer)) and not isinstance(normalized_shape,
                                                                          bool):
        raise TypeError(f"{fn}(): argument 'normalized_shape' (position 2) must be tuple of "
                        f"ints, not {type(normalized_shape).__name__}")
    return tuple(int(s) for s in normalized_shape)


def _check_layer_norm_inputs(input, normalized_shape, weight, bias, star=", "):
    nshape = normalized_shape
    if len(nshape) < 1:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = "
                           f"{_shape_str(nshape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and p._data.shape != nshape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {_shape_str(p._data.shape)} and "
                               f"normalized_shape = {_shape_str(nshape)}")
    xs = input._data.shape
    if len(xs) < len(nshape) or xs[len(xs) - len(nshape):] != nshape:
        raise RuntimeError(f"Given normalized_shape={_shape_str(nshape)}, expected input with "
                           f"shape [*{star}{', '.join(str(s) for s in nshape)}], but got "
                           f"input of size{_shape_str(xs)}")


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the last len(normalized_shape) dims, then scale and shift elementwise."""
    nshape = _normalized_shape_arg(normalized_shape, "layer_norm")
    _check_layer_norm_inputs(input, nshape, weight, bias)
    _check_float(input, "LayerNormKernelImpl")
    _check_params(input, weight, bias)
    x = input._data
    M = 1
    for d in nshape:
        M *= d
    rows = x.size // M if M else 0
    x2 = x.reshape(rows, M)
    if x.size:
        xhat, _, rstd = _centred_rows(x2, eps)
        xhat *= rstd[:, None]
    else:
        xhat, rstd = x2.copy(), np.ones(rows, x.dtype)
    out = _affine(xhat, weight, bias, (M,)).reshape(x.shape)
    return record(NativeLayerNormBackward0, (input, weight, bias), out,
                  saved=(input, weight, xhat), args=(rstd, eps, nshape))


# -- group_norm ------------------------------------------------------------------------------

class NativeGroupNormBackward0(Node):
    """input, weight, bias: native_group_norm_backward(grad, input, result1, result2, weight,
    N, C, HxW, group, grad_input_mask), i.e. the layer-norm formula within each group of
    channels (g = grad * weight[c]), and per channel  weight: sum(grad * xhat),
    bias: sum(grad) over the batch and spatial dims.  The input is viewed as
    (N, groups, rest) for the statistics and as (N, C, HxW) for the affine part.

    On arrays it runs as torch's CPU kernel does (group_norm_kernel.cpp): from per-(sample,
    channel) sums of grad and grad * input, input: c1 * grad + c2 * input + c3 with c1 per
    (sample, channel) and c2, c3 per (sample, group); weight: (sum(grad * x) -
    sum(grad) * mean) * rstd summed over the batch.  So only mean and rstd are kept, not
    the normalized input."""
    __slots__ = ()

    def backward(self, grad):
        x, w = self.unpack()
        mean, rstd, eps, shape3 = self.args
        nf = self.next_functions
        need_in, need_w, need_b = (nf[i][0] is not None for i in range(3))
        if isinstance(grad, Tensor):
            return self._backward_graph(grad, x, w, eps, shape3, mean.shape[1], need_in,
                                        need_w, need_b)
        N, C, HW = shape3
        G = mean.shape[1]
        Cg = C // G
        g = grad.reshape(shape3)
        x3 = x.reshape(shape3)
        g_in = g_w = g_b = None
        gsum = _row_dot(g)                                      # (N, C): sum of grad
        gx = g * x3 if (need_in or need_w) else None
        gxsum = _row_dot(gx) if gx is not None else None        # (N, C): sum of grad * x
        rstd_c = np.repeat(rstd, Cg, axis=1)                    # per (sample, channel)
        if need_w:
            g_w = ((gxsum - gsum * np.repeat(mean, Cg, axis=1)) * rstd_c).sum(axis=0)
        if need_b:
            g_b = gsum.sum(axis=0)
        if need_in:
            if g.size == 0:
                return np.zeros(grad.shape, grad.dtype), g_w, g_b
            wc = np.ones(C, g.dtype) if w is None else w
            ds = (gxsum * wc).reshape(N, G, Cg).sum(axis=2)     # (N, G)
            db = (gsum * wc).reshape(N, G, Cg).sum(axis=2)
            s = 1.0 / (Cg * HW)
            c2 = (db * mean - ds) * (rstd * rstd * rstd * s)
            c3 = -c2 * mean - db * (rstd * s)
            g_in = np.multiply(g, (rstd_c * wc)[:, :, None], out=gx)   # gx's buffer is free
            grouped = g_in.reshape(N, G, Cg * HW)
            grouped += x.reshape(N, G, Cg * HW) * c2[:, :, None]
            grouped += c3[:, :, None]
            g_in = g_in.reshape(grad.shape)
        return g_in, g_w, g_b

    def _backward_graph(self, grad, x, w, eps, shape3, G, need_in, need_w, need_b):
        """The layer-norm formulas in differentiable ops (create_graph), the statistics
        recomputed as functions of x, so that the gradient's graph sees them."""
        N, C, HW = shape3
        grouped = (N, G, (C // G) * HW)
        g = grad.reshape(shape3)
        xhat, rstd = _normalized(x.reshape(grouped), (2,), eps)
        g_in = g_w = g_b = None
        if need_in:
            gx = g if w is None else g * w.reshape((-1, 1))
            g_in = _normalize_backward(gx.reshape(grouped), xhat, rstd,
                                       (2,)).reshape(tuple(grad.shape))
        if need_w:
            g_w = _channel_dot(g, xhat.reshape(shape3))
        if need_b:
            g_b = sum_dims(sum_dims(g, (2,)), (0,))
        return g_in, g_w, g_b


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalize each sample over groups of num_groups channels (and the spatial dims),
    then scale and shift per channel."""
    if input.dim() < 2:
        raise RuntimeError("Expected at least 2 dimensions for input tensor but received "
                           f"{input.dim()}")
    _verify_batch_size([input.size(0) * input.size(1) // num_groups, num_groups] +
                       list(input.size()[2:]))
    x = input._data
    N, C = x.shape[:2]
    if C % num_groups != 0:
        raise RuntimeError("Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {_shape_str(x.shape)} and "
                           f"num_groups={num_groups}")
    if weight is not None and not (weight.dim() == 1 and weight.numel() == C):
        raise RuntimeError("Expected weight to be a vector of size equal to the number of "
                           "channels in input, but got weight of shape "
                           f"{_shape_str(weight.shape)} and input of shape "
                           f"{_shape_str(x.shape)}")
    if bias is not None and not (bias.dim() == 1 and bias.numel() == C):
        # NOTE: torch's message shows the *weight's* shape here ([0] when there is none)
        wshape = weight.shape if weight is not None else (0,)
        raise RuntimeError("Expected bias to be a vector of size equal to the number of "
                           "channels in input, but got bias of shape "
                           f"{_shape_str(wshape)} and input of shape {_shape_str(x.shape)}")
    _check_float(input, "GroupNormKernelImpl")
    _check_params(input, weight, bias)
    shape3 = (N, C, x.size // (N * C) if N * C else 0)
    G = num_groups
    grouped = (N, G, (C // G) * shape3[2])
    if x.size:
        out, mean, rstd = _centred_rows(x.reshape(grouped), eps)
        # (x - mean) * rstd * weight + bias: the centred input scaled in place by one factor
        # per (sample, channel), then shifted
        if weight is None:
            out *= rstd[:, :, None]
        else:
            scale = rstd[:, :, None] * weight._data.reshape(G, C // G)
            out = out.reshape(shape3)
            out *= scale.reshape(N, C, 1)
        out = out.reshape(shape3)
        if bias is not None:
            out += bias._data.reshape(C, 1)
    else:
        mean, rstd = np.zeros((N, G), x.dtype), np.ones((N, G), x.dtype)
        out = _affine(x.reshape(shape3), weight, bias, (C, 1))
    return record(NativeGroupNormBackward0, (input, weight, bias), out.reshape(x.shape),
                  saved=(input, weight), args=(mean, rstd, eps, shape3))


# -- rms_norm and local_response_norm (composites, as torch's) ------------------------------

def rms_norm(input, normalized_shape, weight=None, eps=None):
    """input * rsqrt(mean(input**2 over the normalized dims) + eps) * weight; eps defaults to
    the dtype's machine epsilon."""
    nshape = _normalized_shape_arg(normalized_shape, "rms_norm")
    _check_layer_norm_inputs(input, nshape, weight, None, star="")
    _check_float(input, "rms_norm")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(-len(nshape), 0))
    rsqrt_input = (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    result = input.mul(rsqrt_input)
    if weight is not None:
        result = result.mul(weight)
    return result


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of input**2 over a window of `size` channels) ** beta."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    shape = tuple(input.shape)
    # zero padding of size//2 channels in front and (size-1)//2 behind, then the window sums
    # that torch's avg_pool with stride 1 (count_include_pad) computes
    front, back = size // 2, (size - 1) // 2
    parts = []
    if front:
        parts.append(zeros((shape[0], front) + shape[2:], dtype=input.dtype))
    parts.append(div)
    if back:
        parts.append(zeros((shape[0], back) + shape[2:], dtype=input.dtype))
    padded = cat(parts, 1) if len(parts) > 1 else div
    C = shape[1]
    window = padded.narrow(1, 0, C)
    for j in range(1, size):
        window = window + padded.narrow(1, j, C)
    div = (window / size).mul(alpha).add(k).pow(beta)
    return input / div


# -- dropout ---------------------------------------------------------------------------------

_SELU_ALPHA = 1.7580993408473766


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout_impl(input, p, train, inplace, feature=False, alpha=False, noise_shape=None):
    """at::native::_dropout_impl (the CPU path of dropout, feature_dropout, alpha_dropout):
    a noise tensor filled by bernoulli_(1 - p) from the global generator, scaled, and
    multiplied into the input (MulBackward0; alpha dropout adds a shift: AddBackward0)."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = _make(np.zeros((), input._data.dtype))
        return input.mul_(zero) if inplace else input.mul(zero)
    if feature:
        if noise_shape is None:
            if input.dim() < 2:
                raise RuntimeError("Feature dropout requires at least 2 dimensions in the "
                                   "input")
            noise_shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
        noise = _make(np.empty(noise_shape, input._data.dtype))
    else:
        # empty_like keeps the input's memory layout: the draws follow memory order
        noise = _make(np.empty_like(input._data))
    noise.bernoulli_(1 - p)
    if alpha:
        a = 1. / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
        b = noise.add(-1).mul_(_SELU_ALPHA * a).add_(_SELU_ALPHA * a * p)
        noise.mul_(a)
        out = input.mul_(noise) if inplace else input.mul(noise)
        return out.add_(b)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input.mul(noise)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's self-normalizing mean and variance."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _unbatched_noise(input):
    """Noise shape for an unbatched input dropped in place: (1, C, 1, ...) without its
    leading 1 (the same draws; torch unsqueezes the input in place instead)."""
    return (input.shape[0],) + (1,) * (input.dim() - 1)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input with probability p."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {inp_dim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs).")
    if inp_dim == 3:
        return _dropout_impl(input, p, training, inplace, feature=True)
    if inplace:
        return _dropout_impl(input, p, training, True, feature=True,
                             noise_shape=_unbatched_noise(input))
    return _dropout_impl(input.unsqueeze(0), p, training, False, feature=True).squeeze(0)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input with probability p."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if inp_dim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p."""
    _check_p(p)
    inp_dim = input.dim()
    if inp_dim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is deprecated and "
            "will result in an error in a future release. To retain the behavior and silence "
            "this warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    if inp_dim == 5:
        return _dropout_impl(input, p, training, inplace, feature=True)
    if inplace:
        return _dropout_impl(input, p, training, True, feature=True,
                             noise_shape=_unbatched_noise(input))
    return _dropout_impl(input.unsqueeze(0), p, training, False, feature=True).squeeze(0)


# -- embedding -------------------------------------------------------------------------------

_SPARSE = ("ember has no sparse tensors, so sparse=True (sparse gradients for the embedding "
           "weight) is not supported; use sparse=False (dense gradients, the same values)")


def _check_indices(indices, arg, name, fn):
    if indices._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"Expected tensor for argument #{arg} '{name}' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"torch.{indices.dtype._legacy} instead (while checking arguments "
                           f"for {fn})")


def _scatter_rows(num, rows_idx, values, dtype):
    """A (num, ...) array with values' rows added at rows_idx (repeats accumulate)."""
    out = np.zeros((num,) + values.shape[1:], dtype)
    if values.ndim == 2:
        # NOTE: np.add.at is fast only for 1-D indices into a 1-D array: scattering the
        # flattened elements is 3-5x faster than scattering rows (same order of additions)
        D = values.shape[1]
        flat = (rows_idx[:, None] * D + np.arange(D)).reshape(-1)
        np.add.at(out.reshape(-1), flat, np.asarray(values, dtype).reshape(-1))
    else:
        np.add.at(out, rows_idx, values)
    return out


def _scatter_rows_tensor(num, rows_idx, values):
    """_scatter_rows on a Tensor of values (differentiable): zeros.index_add."""
    base = zeros((num,) + tuple(values.shape[1:]), dtype=values.dtype)
    return base.index_add(0, _make(rows_idx), values)


class EmbeddingBackward0(Node):
    """weight: embedding_backward_symint(grad, indices, weight.sym_size(0), padding_idx,
    scale_grad_by_freq, sparse): row k of the gradient is the sum of grad's rows at the
    positions where indices == k (none for padding_idx), each divided by k's count when
    scale_grad_by_freq."""
    __slots__ = ()

    def backward(self, grad):
        flat, num, scale = self.args
        D = grad.shape[-1]
        g = grad.reshape((flat.size, D))
        if scale is not None:
            g = g * scale
        if isinstance(g, Tensor):
            return (_scatter_rows_tensor(num, flat, g),)
        return (_scatter_rows(num, flat, g, g.dtype),)


def _embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse)."""
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(indices, 1, "indices", "embedding")
    if sparse:
        raise NotImplementedError(_SPARSE)
    w = weight._data
    idx = indices._data
    num = w.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")
    out = np.take(w, idx, axis=0)
    if not (weight._requires_grad and _gm._enabled):
        return _make(out)
    flat = idx.reshape(-1).astype(np.int64)
    scale = None
    if scale_grad_by_freq:
        counts = np.bincount(flat, minlength=num)
        scale = (1.0 / counts[flat]).astype(w.dtype).reshape(-1, 1)
    if padding_idx is not None and padding_idx >= 0:
        keep = (flat != padding_idx).astype(w.dtype).reshape(-1, 1)
        scale = keep if scale is None else scale * keep
    return record(EmbeddingBackward0, (weight,), out, args=(flat, num, scale))


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """torch.embedding_renorm_ under no_grad: each referenced row whose norm_type-norm
    exceeds max_norm is scaled in place to max_norm / (norm + 1e-7) of itself."""
    if weight.dim() != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {weight.dim()}-dimensional "
                           "tensor for argument #1 'self' (while checking arguments for "
                           "embedding_renorm_)")
    _check_indices(indices, 2, "indices", "embedding_renorm_")
    w = weight._data
    num = w.shape[0]
    uniq = np.unique(indices._data)
    bad = (uniq < -num) | (uniq >= num)
    stop = int(np.argmax(bad)) if bad.any() else uniq.size
    # torch walks the sorted indices and stops at the first one out of range
    rows = uniq[:stop] % num if num else uniq[:stop]
    if rows.size:
        rows = np.unique(rows)
        norms = np.linalg.norm(w[rows].astype(_f64), ord=norm_type, axis=1)
        norms = norms.astype(w.dtype).astype(_f64)      # torch's norm is computed in dtype
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[rows[big]] *= scale[:, None]
    if stop < uniq.size:
        raise IndexError(f"select(): index {uniq[stop]} out of range for tensor of size "
                         f"{_shape_str(w.shape)} at dimension 0")
    weight._vc[0] += 1          # one in-place op on the weight
    return weight


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of weight picked by the integer tensor input: out[..., :] = weight[input[...]]."""
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = weight.size(0) + padding_idx
    else:
        padding_idx = -1
    if max_norm is not None:
        input = input.contiguous()
        _embedding_renorm_(weight, input, max_norm, norm_type)
    return _embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)


# -- embedding_bag ---------------------------------------------------------------------------

_SUM, _MEAN, _MAX = 0, 1, 2


class _NotImplemented(Node):
    """The gradient of a per_sample_weights gradient, which torch cannot compute (its node
    is named ``NotImplemented``): backward raises torch's error."""
    __slots__ = ()

    def backward(self, grad):
        raise RuntimeError("derivative for aten::_embedding_bag_per_sample_weights_backward is "
                           "not implemented")


_NotImplemented.__name__ = _NotImplemented.__qualname__ = "NotImplemented"


class EmbeddingBagBackwardBackward0(Node):
    """_embedding_bag_backward has no derivative formula in torch: backward raises."""
    __slots__ = ()

    def backward(self, grad):
        raise NotImplementedError("the derivative for '_embedding_bag_backward' is not "
                                  "implemented.")


class EmbeddingBagBackward0(Node):
    """weight: _embedding_bag_backward_symint(grad, indices, offsets, result1, result2,
    result3, weight.sym_size(0), scale_grad_by_freq, mode, sparse, per_sample_weights,
    padding_idx):  sum/mean: weight[idx_i] gets grad[bag_i] times per_sample_weights_i or
    1/bag_size (and torch's frequency scale with scale_grad_by_freq); max: each output
    element's gradient goes to the row that held the maximum.
    per_sample_weights: _embedding_bag_per_sample_weights_backward(grad, weight, indices,
    offsets, result1, mode, padding_idx): dot(grad[bag_i], weight[idx_i]).
    Neither result is differentiable again in torch: under create_graph they carry nodes
    that raise torch's errors."""
    __slots__ = ()

    def backward(self, grad):
        w, psw = self.unpack()
        mode, num, pos_idx, bag, coef, max_idx, nonempty, n_input = self.args
        nf = self.next_functions
        tensors = isinstance(grad, Tensor)
        ga = grad._data if tensors else grad
        g_w = g_psw = None
        if nf[0][0] is not None:
            if mode == _MAX:
                D = ga.shape[1]
                flat = (max_idx * D + np.arange(D)).reshape(-1)
                g_w = _scatter_rows(num * D, flat, ga[nonempty].reshape(-1),
                                    ga.dtype).reshape(num, D)
            else:
                rows = ga[bag] * coef
                if psw is not None:
                    pa = psw._data if tensors else psw
                    rows = rows * pa[:bag.size].reshape(-1, 1)
                g_w = _scatter_rows(num, pos_idx, rows, ga.dtype)
            if tensors:
                g_w = record(EmbeddingBagBackwardBackward0, (grad, psw), g_w)
        if nf[1][0] is not None:
            wa = w._data if tensors else w
            keep = coef.reshape(-1) != 0
            g_psw = np.zeros(n_input, ga.dtype)
            g_psw[:bag.size] = np.einsum("ij,ij->i", ga[bag], wa[pos_idx]) * keep
            if tensors:
                g_psw = record(_NotImplemented, (w,), g_psw)
        return g_w, g_psw


def _freq_scale(idx, num, pos_idx):
    """1 / count for each used position, as torch's CPU embedding_bag backward computes it.

    NOTE: torch (EmbeddingBag.cpp, _embedding_bag_dense_backward_cpu_sum_mean) walks the
    sorted indices by group of equal values and divides group i by
    counts[sorted_indices[i]], the count of the value at *position* i of the sorted array,
    not of group i's own value; the two agree only when no value repeats before it.  ember
    reproduces that, so that gradients equal torch's."""
    counts = np.bincount(idx, minlength=num)
    srt = np.sort(idx)
    rank = np.searchsorted(np.unique(srt), pos_idx)
    return 1.0 / counts[srt[rank]]


def _embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse,
                   per_sample_weights, include_last_offset, padding_idx):
    """torch.embedding_bag for 1-D indices and offsets: (output of shape (bags, D))."""
    _check_indices(indices, 1, "indices", "embedding_bag")
    _check_indices(offsets, 2, "offsets", "embedding_bag")
    if weight._data.dtype.kind != "f":
        raise RuntimeError("Expected tensor for argument #1 'weight' to have one of the "
                           "following scalar types: Half, BFloat16, Float, Double; but got "
                           f"torch.{weight.dtype._legacy} instead (while checking arguments "
                           "for embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError("Expected tensor for argument #1 'weight' to have the same type as "
                           "tensor for argument #1 'per_sample_weights'; but type "
                           f"torch.{weight.dtype._legacy} does not equal "
                           f"torch.{per_sample_weights.dtype._legacy} (while checking "
                           "arguments for embedding_bag)")
    if sparse:
        raise NotImplementedError(_SPARSE)
    w = weight._data
    num, D = w.shape
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, {-num} "
                               f"through {num - 1}, but got {padding_idx}")
        if padding_idx < 0:
            padding_idx += num
    else:
        padding_idx = -1
    idx = indices._data.astype(np.int64).reshape(-1)
    off = offsets._data.astype(np.int64).reshape(-1)
    n = idx.size
    if off.size and off[0] != 0:
        raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {off[0]}\n"
                           f"[ torch.{offsets.dtype._legacy}{{}} ]")
    if off.size and off[-1] > n:
        raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but got "
                           f"offsets[-1] of {off[-1]}")
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        i = int(np.argmax(bad))
        raise RuntimeError(f"Index {i} of input takes value {idx[i]} which is not in the valid "
                           f"range [0, {num})")
    if include_last_offset:
        B = max(off.size - 1, 0)
        starts, ends = off[:B], off[1:B + 1]
    else:
        B = off.size
        starts = off
        ends = np.append(off[1:], n)
    lengths = ends - starts
    if (lengths < 0).any():
        raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this "
                           "error message be improved?  If so, please report an enhancement "
                           "request to PyTorch.)")
    total = int(ends[-1]) if B else 0
    pos_idx = idx[:total]
    bag = np.repeat(np.arange(B), lengths)
    keep = pos_idx != padding_idx
    nonempty_start = starts[lengths > 0]
    out = np.zeros((B, D), w.dtype)
    rows = w[pos_idx]
    psw = per_sample_weights._data.reshape(-1) if per_sample_weights is not None else None
    max_idx = nonempty = None
    if mode == _MAX:
        rows = np.where(keep[:, None], rows, -np.inf).astype(w.dtype)
        has = np.zeros(B, bool)
        has[np.unique(bag[keep])] = True
        nonempty = np.flatnonzero(has)
        if total:
            best = np.maximum.reduceat(rows, nonempty_start, axis=0)
            bag_rows = np.flatnonzero(lengths > 0)
            out[bag_rows] = best
            # the first position holding each maximum (torch keeps the first, strict >)
            cand = np.where(rows == out[bag], np.arange(total)[:, None], total)
            first = np.minimum.reduceat(cand, nonempty_start, axis=0)
            firsts = np.zeros((B, D), np.int64)
            firsts[bag_rows] = first
            max_idx = pos_idx[firsts[nonempty]]
        else:
            max_idx = np.zeros((0, D), np.int64)
        out[~has] = 0
        coef = keep.astype(w.dtype).reshape(-1, 1)
    else:
        coef = keep.astype(w.dtype)
        if mode == _MEAN:
            counts = np.bincount(bag[keep], minlength=B)
            with np.errstate(divide="ignore"):
                inv = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0.0)
            coef = coef * inv[bag].astype(w.dtype)
        if total:
            weighted = rows * (coef if psw is None else coef * psw[:total])[:, None]
            out[lengths > 0] = np.add.reduceat(weighted, nonempty_start, axis=0)
        if scale_grad_by_freq:
            coef = coef * _freq_scale(idx, num, pos_idx)
        coef = coef.astype(w.dtype).reshape(-1, 1)
    return record(EmbeddingBagBackward0, (weight, per_sample_weights), out,
                  saved=(weight, per_sample_weights),
                  args=(mode, num, pos_idx, bag, coef, max_idx, nonempty, n))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embedding rows, without building the (bags, len, D)
    intermediate: 2-D input is one bag per row; 1-D input is split at offsets."""
    if weight.dtype == _dt.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and input.size() != per_sample_weights.size():
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) "
                         "is not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if not weight.dim() == 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found "
                             f"offsets of type {_type_str(offsets)}")
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode == "sum":
        mode_enum = _SUM
    elif mode == "mean":
        mode_enum = _MEAN
    elif mode == "max":
        mode_enum = _MAX
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    else:
        raise ValueError("mode has to be one of sum, mean or max")
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")
    return _embedding_bag(weight, input, offsets, scale_grad_by_freq, mode_enum, sparse,
                          per_sample_weights, include_last_offset, padding_idx)


def _type_str(obj):
    if isinstance(obj, Tensor):
        return "<class 'torch.Tensor'>"
    return str(type(obj))
