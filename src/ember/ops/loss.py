"""Loss functions: torch.nn.functional's losses with their reductions and legacy
size_average/reduce arguments.

Losses torch computes with a node of its own (``MseLossBackward0``, ``NllLossBackward0``,
``BinaryCrossEntropyBackward0`` ...) are Node classes here, with derivatives.yaml's formula in
the docstring; the others (l1, kl_div, the class-probability and label-smoothing forms of
cross_entropy, the margin and embedding losses, gaussian/poisson nll) are composed of ember ops
exactly as torch's C++ or Python composes them, so their graphs carry the same nodes.

Reductions are torch's enum (torch/nn/_reduction.py): none 0, mean 1, sum 2.
"""
import math
import warnings

import numpy as np

from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import Node, BroadcastingNode, record, promote, where as _where, array_of, _type_name
from . import pointwise as _pw
from .activation import (_log_softmax, logsigmoid, pairwise_distance, _add_scalar, _sub_scalar,
                         _mul_scalar, _div_scalar, _sigmoid, _FactorBackward, _factor_grad)
from .creation import ones_like

__all__ = [
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
    "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
    "hinge_embedding_loss", "gaussian_nll_loss", "poisson_nll_loss", "ctc_loss",
    "soft_margin_loss", "multilabel_soft_margin_loss", "triplet_margin_with_distance_loss",
]

# torch's reduction enum (torch/nn/_reduction.py get_enum)
NONE, MEAN, SUM = 0, 1, 2

# Loss.cpp's EPSILON: a float constant (so 1e-12 rounded to float32, in every dtype)
_EPSILON = float(np.float32(1e-12))


# -- reductions (torch.nn._reduction) ------------------------------------------------------------

def _get_enum(reduction):
    """The enum of a reduction string; torch's ValueError for an unknown one."""
    if reduction == "none":
        return NONE
    if reduction == "mean":
        return MEAN
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", stacklevel=2)
        return MEAN
    if reduction == "sum":
        return SUM
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_get_string(size_average, reduce, emit_warning=True):
    """The reduction string for the deprecated size_average/reduce arguments."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = "mean"
    elif reduce:
        ret = "sum"
    else:
        ret = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{ret}' instead.", stacklevel=2)
    return ret


def _legacy_get_enum(size_average, reduce, emit_warning=True):
    return _get_enum(_legacy_get_string(size_average, reduce, emit_warning))


def _reduce(loss, reduction):
    """apply_loss_reduction: mean(), sum() or the loss itself."""
    if reduction == MEAN:
        return loss.mean()
    if reduction == SUM:
        return loss.sum()
    return loss


def _reduce_array(loss, reduction):
    """apply_loss_reduction on an array (the forward of a fused loss)."""
    if reduction == NONE:
        return loss
    # np.add.reduce rather than ndarray.mean: the same float32 sum, less Python around it
    out = np.add.reduce(loss, axis=None)
    if reduction == MEAN:
        n = loss.size
        with np.errstate(invalid="ignore"):
            out = out / n if n else np.nan
    return np.asarray(out, dtype=loss.dtype)


def _shape(t):
    """t's shape as a tuple; t.size()'s AttributeError for a non-tensor, as in torch."""
    return t._data.shape if isinstance(t, Tensor) else tuple(t.size())


def _warn_target_size(input, target):
    warnings.warn(
        f"Using a target size ({target.size()}) that is different to the input size "
        f"({input.size()}). This will likely lead to incorrect results due to broadcasting. "
        "Please ensure they have the same size.", stacklevel=3)


def _broadcast_pair(input, target):
    """torch.broadcast_tensors(input, target): only an operand whose shape changes is
    expanded (ExpandBackward0)."""
    from .._errors import broadcast_shapes
    a, b = input._data.shape, target._data.shape
    if a == b:
        return input, target
    shape = broadcast_shapes(a, b)
    if a != shape:
        input = input.expand(shape)
    if b != shape:
        target = target.expand(shape)
    return input, target


def _broadcast_shapes_py(*shapes):
    """torch.broadcast_shapes (torch._refs._broadcast_shapes), with its error text."""
    common = [1] * max(len(s) for s in shapes)
    for arg_idx, shape in enumerate(shapes):
        for idx in range(-1, -1 - len(shape), -1):
            if shape[idx] == common[idx]:
                continue
            if common[idx] == 1:
                common[idx] = shape[idx]
            if shape[idx] == 1:
                continue
            if common[idx] != shape[idx]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[idx]} at {idx}! "
                    f"Mismatching argument at index {arg_idx} had {shape}; but expected shape "
                    f"should be broadcastable to {common}")
    return tuple(common)


def _check_no_grad(t, name, fn):
    """torch's check_no_requires_grad for an argument its node does not differentiate."""
    if t is not None and t._requires_grad and _gm._enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument "
                           f"'{name}'. This input cannot have requires_grad True.")


def _dual_clip(v, lo, hi):
    return v.clamp(lo, hi) if isinstance(v, Tensor) else np.clip(v, lo, hi)


# -- mse_loss -------------------------------------------------------------------------------

class MseLossBackward0(BroadcastingNode):
    """self: mse_loss_backward(grad, self, target, reduction)
    target: mse_loss_backward(grad, target, self, reduction)
    where mse_loss_backward(grad, input, target, reduction) = norm * (input - target) * grad,
    norm = 2 / input.numel() for 'mean' and 2 otherwise."""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        (norm,) = self.args
        nf = self.next_functions
        return (norm * (a - b) * grad if nf[0][0] is not None else None,
                norm * (b - a) * grad if nf[1][0] is not None else None)


def _mse_loss(input, target, reduction):
    """mean/sum/none of (input - target)**2 for input and target of the same shape."""
    a, b, dt = promote(input, target)
    if dt.category < 2:
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{_type_name(dt)}\'')
    diff = a - b
    loss = diff * diff
    n = loss.size
    out = _reduce_array(loss, reduction)
    norm = 2.0 / n if reduction == MEAN and n else 2.0
    return record(MseLossBackward0, (input, target), out, saved=(input, target), args=(norm,))


def _weighted(loss, weight, reduction):
    """The Python-side weighted reduction of mse_loss and l1_loss."""
    weighted = loss * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.sum() / weight.sum()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error between input and target ('mean' | 'sum' | 'none')."""
    if _shape(target) != _shape(input):
        _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        if weight.size() != input.size():
            raise ValueError("Weights and input must have the same size.")
        return _weighted(_pw.pow(input - target, 2), weight, reduction)
    return _mse_loss(input, target, _get_enum(reduction))


# -- l1_loss ------------------------------------------------------------------------------------

def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: |input - target|, reduced (composed as torch composes it)."""
    if _shape(target) != _shape(input):
        _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        if weight.size() != input.size():
            raise ValueError("Weights and input must have the same size.")
        return _weighted((input - target).abs(), weight, reduction)
    return _reduce((input - target).abs(), _get_enum(reduction))


# -- smooth_l1_loss, huber_loss ----------------------------------------------------------------

class SmoothL1LossBackward0(BroadcastingNode):
    """self: smooth_l1_loss_backward(grad, self, target, reduction, beta)
    target: smooth_l1_loss_backward(grad, target, self, reduction, beta)
    with smooth_l1_loss_backward(grad, x, y, ...) = norm * grad * clamp((x - y) / beta, -1, 1)"""
    __slots__ = ()

    def backward(self, grad):
        beta, norm = self.args
        x, y = self.unpack()
        g = (norm * grad) * _dual_clip((x - y) / beta, -1, 1)
        nf = self.next_functions
        return (g if nf[0][0] is not None else None, -g if nf[1][0] is not None else None)


class HuberLossBackward0(BroadcastingNode):
    """self: huber_loss_backward(grad, self, target, reduction, delta)
    target: huber_loss_backward(grad, target, self, reduction, delta)
    with huber_loss_backward(grad, x, y, ...) = norm * grad * clamp(x - y, -delta, delta)"""
    __slots__ = ()

    def backward(self, grad):
        delta, norm = self.args
        x, y = self.unpack()
        xd, yd = array_of(x).dtype, array_of(y).dtype
        if xd != yd:
            raise RuntimeError(f"Found dtype {_np_type_name(yd)} but expected "
                               f"{_np_type_name(xd)}")
        g = (norm * grad) * _dual_clip(x - y, -delta, delta)
        nf = self.next_functions
        return (g if nf[0][0] is not None else None, -g if nf[1][0] is not None else None)


def _np_type_name(np_dtype):
    from .._dtype import from_numpy_dtype
    return _type_name(from_numpy_dtype(np_dtype))


def _pointwise_loss(NodeClass, input, target, reduction, param, kernel, fn, out_dtype=None):
    a, b, dt = promote(input, target)
    if dt.category < 2:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(dt)}\'')
    d = a - b
    ad = np.abs(d)
    loss = fn(d, ad, param).astype(dt.np, copy=False)
    out = _reduce_array(loss, reduction)
    if out_dtype is not None:
        out = out.astype(out_dtype, copy=False)
    norm = 1.0 / loss.size if reduction == MEAN and loss.size else 1.0
    return record(NodeClass, (input, target), out, saved=(input, target), args=(param, norm))


def _smooth_l1(d, ad, beta):
    return np.where(ad < beta, 0.5 * d * d / beta, ad - 0.5 * beta)


def _huber(d, ad, delta):
    return np.where(ad < delta, 0.5 * d * d, delta * (ad - 0.5 * delta))


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target)."""
    if _shape(target) != _shape(input):
        _warn_target_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return _reduce((input - target).abs(), _get_enum(reduction))
    red = _get_enum(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return _pointwise_loss(SmoothL1LossBackward0, input, target, red, beta, "smooth_l1_cpu",
                           _smooth_l1)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere (d = input - target)."""
    if _shape(target) != _shape(input):
        _warn_target_size(input, target)
    input, target = _broadcast_pair(input, target)
    if weight is None:
        red = _get_enum(reduction)
        if delta <= 0:
            raise RuntimeError("huber_loss does not support non-positive values for delta.")
        # torch computes into empty_like(input): the loss keeps the input's dtype
        return _pointwise_loss(HuberLossBackward0, input, target, red, delta, "huber_cpu",
                               _huber, input._data.dtype)
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    weighted = _pointwise_loss(HuberLossBackward0, input, target, NONE, delta, "huber_cpu",
                               _huber, input._data.dtype) * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    if reduction == "mean":
        return weighted.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


# -- nll_loss ------------------------------------------------------------------------------------

class NllLossBackwardBackward0(_FactorBackward):
    """grad_output: nll_loss(grad, target, weight, reduction, ignore_index)
    self: zeros_like(grad)"""
    __slots__ = ()


class NllLoss2DBackwardBackward0(_FactorBackward):
    """grad_output: nll_loss2d(grad, target, weight, reduction, ignore_index)
    self: zeros_like(grad)"""
    __slots__ = ()


class _NllNode(Node):
    """self: nll_loss_backward(grad, self, target, weight, reduction, ignore_index, total_weight)
    = -weight[target] * grad (/ total_weight for 'mean') at each target entry, 0 elsewhere
    target: non_differentiable"""
    __slots__ = ()
    _double = NllLossBackwardBackward0

    def backward(self, grad):
        t, vals, axis, shape, dtype, unreduced, bad_1d = self.args
        if bad_1d:
            raise RuntimeError(f"size mismatch (got input: {_shape_list(shape)}, target: "
                               f"{_shape_list(bad_1d)})")
        (x,) = self.unpack()
        coef = np.zeros(shape, dtype)
        if len(shape) == 2:
            coef[np.arange(shape[0]), t] = vals
        else:
            np.put_along_axis(coef, np.expand_dims(t, axis), np.expand_dims(vals, axis), axis)
        if unreduced and len(shape) > 1:
            grad = grad.unsqueeze(axis) if isinstance(grad, Tensor) else \
                np.expand_dims(grad, axis)
        return (_factor_grad(self._double, grad, x, coef),)


class NllLossBackward0(_NllNode):
    __doc__ = _NllNode.__doc__
    __slots__ = ()


class NllLoss2DBackward0(_NllNode):
    """self: nll_loss2d_backward(grad, self, target, weight, reduction, ignore_index,
    total_weight), the same formula for (N, C, H, W) input"""
    __slots__ = ()
    _double = NllLoss2DBackwardBackward0


def _nll_forward(NodeClass, input, target, weight, reduction, ignore_index):
    """The kernel of nll_loss/nll_loss2d on checked arguments: class axis 0 for 1-D input,
    1 otherwise."""
    x = input._data
    t = target._data
    bad_1d = None
    if x.ndim == 1 and t.ndim == 1:
        # torch's forward takes a (1,) target for 1-D input; its backward refuses it
        bad_1d = t.shape
        t = t.reshape(())
    t = t.astype(np.int64, copy=False)
    axis = 0 if x.ndim == 1 else 1
    c = x.shape[axis]
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    ts = np.where(valid, t, 0)
    if x.ndim == 2:
        picked = x[np.arange(x.shape[0]), ts]
    else:
        picked = np.take_along_axis(x, np.expand_dims(ts, axis), axis).squeeze(axis)
    if weight is None:
        wt = valid.astype(x.dtype)
    else:
        wt = np.where(valid, weight._data[ts], 0).astype(x.dtype, copy=False)
    losses = np.where(valid, -(picked * wt), 0).astype(x.dtype, copy=False)
    if reduction == NONE:
        out = losses
        vals = -wt
    elif reduction == SUM:
        out = np.asarray(np.add.reduce(losses, axis=None), dtype=x.dtype)
        vals = -wt
    else:
        tw = np.add.reduce(wt, axis=None)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.asarray(np.add.reduce(losses, axis=None) / tw, dtype=x.dtype)
            vals = np.where(valid, -wt / tw, 0).astype(x.dtype, copy=False)
    return record(NodeClass, (input,), out, saved=(input,),
                  args=(ts, vals, axis, x.shape, x.dtype, reduction == NONE, bad_1d))


def _check_nll_dtypes(input, target, weight):
    td = target._data.dtype
    if td != np.int64 and td != np.uint8:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_type_name(target.dtype)}")


def _check_weight_dtype(input, weight):
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found "
                           f"{_type_name(weight.dtype)}")


def _shape_list(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _nll_loss(input, target, weight, reduction, ignore_index):
    """at::nll_loss for 1-D or 2-D input: NllLossBackward0."""
    _check_no_grad(weight, "weight", "nll_loss_forward")
    x, t = input._data, target._data
    if t.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    _check_nll_dtypes(input, target, weight)
    if x.ndim == 1 and t.ndim == 1 and t.shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{t.shape[0]}")
    c = x.shape[-1]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != c):
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no "
                           f"classes but got weight tensor of shape: "
                           f"{_shape_list(weight._data.shape)}")
    _check_weight_dtype(input, weight)
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"nll_loss_out_frame" not implemented for '
                                  f"'{_type_name(input.dtype)}'")
    return _nll_forward(NllLossBackward0, input, target, weight, reduction, ignore_index)


def _nll_loss2d(input, target, weight, reduction, ignore_index):
    """at::nll_loss2d for (N, C, H, W) input and (N, H, W) target: NllLoss2DBackward0."""
    _check_no_grad(weight, "weight", "nll_loss2d_forward")
    x, t = input._data, target._data
    if t.ndim != 3:
        raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {t.ndim}")
    _check_nll_dtypes(input, target, weight)
    if weight is not None and weight._data.size != x.shape[1]:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if (x.shape[0], x.shape[2], x.shape[3]) != t.shape:
        raise RuntimeError(f"size mismatch (got input: {_shape_list(x.shape)} , target: "
                           f"{_shape_list(t.shape)}")
    _check_weight_dtype(input, weight)
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"nll_loss2d_forward_out_frame" not implemented for '
                                  f"'{_type_name(input.dtype)}'")
    return _nll_forward(NllLoss2DBackward0, input, target, weight, reduction, ignore_index)


def _nll_loss_nd(input, target, weight, reduction, ignore_index):
    """at::nll_loss_nd: 1-D/2-D input to nll_loss, 4-D to nll_loss2d, other K-d input viewed
    as (N, C, 1, -1) for nll_loss2d (and the 'none' result viewed back)."""
    x, t = input._data, target._data
    nd = x.ndim
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and x.shape[0] != (t.shape[0] if t.ndim else 0):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target "
                         f"batch_size ({t.shape[0] if t.ndim else 0}).")
    if nd <= 2:
        return _nll_loss(input, target, weight, reduction, ignore_index)
    if nd == 4:
        return _nll_loss2d(input, target, weight, reduction, ignore_index)
    n, c = x.shape[0], x.shape[1]
    out_size = (n,) + x.shape[2:]
    if t.shape[1:] != x.shape[2:]:
        raise RuntimeError(f"Expected target size {_shape_list(out_size)}, got "
                           f"{_shape_list(t.shape)}")
    s = 1
    for d in x.shape[2:]:
        s *= d
    input_ = input.view(n, c, 1, s)
    target_ = target.contiguous().view(n, 1, s)
    if reduction != NONE:
        return _nll_loss2d(input_, target_, weight, reduction, ignore_index)
    return _nll_loss2d(input_, target_, weight, reduction, ignore_index).view(out_size)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-input[n, target[n]] * weight[target[n]], reduced (mean divides by the weight sum)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    return _nll_loss_nd(input, target, weight, _get_enum(reduction), ignore_index)


# -- cross_entropy ----------------------------------------------------------------------------

def _weight_view(weight, ndim, class_dim):
    shape = [1] * ndim
    shape[class_dim] = weight._data.shape[0]
    return weight.view(tuple(shape))


def _cross_entropy_prob(input, target, weight, reduction, label_smoothing):
    """cross_entropy_loss_prob_target: -(log_softmax(input) * target * weight) summed over the
    class dim, reduced (mean divides by the number of samples)."""
    x = input._data
    class_dim = 0 if x.ndim == 1 else 1
    c = x.shape[class_dim]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != c):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {c} "
                           "classes or no classes but got weight tensor of shape: "
                           f"{_shape_list(weight._data.shape)}")
    logp = _log_softmax(input, class_dim, input.dtype)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing:g}")
        target = _add_scalar(_mul_scalar(target, 1 - label_smoothing), label_smoothing / c)
    prod = logp * target
    if weight is not None:
        prod = prod * (_weight_view(weight, x.ndim, class_dim) if x.ndim > 1 else weight)
    if reduction == MEAN:
        if x.size == 0:
            return (-prod.sum()).fill_(math.nan)
        return _div_scalar(-prod.sum(), x.size // c)
    if reduction == SUM:
        return -prod.sum()
    return -prod.sum(class_dim)


def _cross_entropy_label_smoothing(input, target, weight, reduction, ignore_index,
                                   label_smoothing):
    """cross_entropy_loss_label_smoothing: (1 - eps) * nll + eps / C * smooth_loss."""
    x = input._data
    class_dim = 0 if x.ndim == 1 else 1
    c = x.shape[class_dim]
    logp = _log_softmax(input, class_dim, input.dtype)
    nll = _nll_loss_nd(logp, target, weight, reduction, ignore_index)
    ignore_mask = target._data == ignore_index
    if weight is not None:
        smooth = -(logp * _weight_view(weight, x.ndim, class_dim)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = smooth.masked_fill(_make(ignore_mask), 0.0)
    if reduction == MEAN:
        if weight is not None:
            picked = target._data[~ignore_mask].reshape(-1)
            ret = smooth.sum() / _make(np.asarray(weight._data[picked].sum()))
        else:
            ret = smooth.sum() / _make(np.asarray((~ignore_mask).sum(), np.int64))
    elif reduction == SUM:
        ret = smooth.sum()
    else:
        ret = smooth
    return _mul_scalar(nll, 1 - label_smoothing) + _mul_scalar(ret, label_smoothing / c)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim), target) for class indices; for class
    probabilities (target shaped like input) -sum(target * log_softmax(input))."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    red = _get_enum(reduction)
    x = input._data
    if x.shape == target._data.shape:
        if target._data.dtype.kind != "f":
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {_type_name(target.dtype)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_prob(input, target, weight, red, label_smoothing)
    if label_smoothing > 0.0:
        if label_smoothing > 1.0:
            raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                               f"{label_smoothing:g}")
        return _cross_entropy_label_smoothing(input, target, weight, red, ignore_index,
                                              label_smoothing)
    class_dim = 0 if x.ndim == 1 else 1
    return _nll_loss_nd(_log_softmax(input, class_dim, input.dtype), target, weight, red,
                        ignore_index)


# -- binary_cross_entropy -------------------------------------------------------------------------

class BinaryCrossEntropyBackward0(Node):
    """self: binary_cross_entropy_backward(grad, self, target, weight, reduction)
      = grad * (self - target) / max((1 - self) * self, EPSILON) * weight (/ numel for 'mean')
    target: binary_cross_entropy_target_backward(grad, self, target, weight, reduction)
      = -logit(self) * grad * weight (/ numel for 'mean')"""
    __slots__ = ()

    def backward(self, grad):
        w, norm = self.args
        x, t = self.unpack()
        nf = self.next_functions
        g = grad if norm == 1.0 else grad * norm
        if w is not None:
            g = g * w
        gx = gt = None
        if nf[0][0] is not None:
            if isinstance(x, Tensor):
                gx = g * (x - t) / ((1 - x) * x).clamp_min(_EPSILON)
            else:
                gx = g * (x - t) / np.maximum((1 - x) * x, _EPSILON)
        if nf[1][0] is not None:
            if isinstance(x, Tensor):
                gt = -_pw.logit(x) * g
            else:
                with np.errstate(divide="ignore"):
                    gt = -np.log(x / (1 - x)) * g
        return gx, gt


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-weight * (target * log(input) + (1 - target) * log(1 - input)), logs clamped at -100."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    if target.size() != input.size():
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the "
                         "same size.")
    if weight is not None:
        weight = weight.expand(_broadcast_shapes_py(target.size(), weight.size()))
    _check_no_grad(weight, "weight", "binary_cross_entropy")
    x, t = input._data, target._data
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_type_name(target.dtype)} but expected "
                           f"{_type_name(input.dtype)}")
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"binary_cross_entropy" not implemented for '
                                  f"'{_type_name(input.dtype)}'")
    if not np.all((x >= 0) & (x <= 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = ((t - 1) * np.maximum(np.log(1 - x), -100) - t * np.maximum(np.log(x), -100))
    w = None
    if weight is not None:
        w = weight._data
        full = np.broadcast_shapes(w.shape, x.shape)
        if full != x.shape:
            raise RuntimeError(f"output with shape {_shape_list(x.shape)} doesn't match the "
                               f"broadcast shape {_shape_list(full)}")
        loss = loss * w
    loss = loss.astype(x.dtype, copy=False)
    out = _reduce_array(loss, red)
    norm = 1.0 / x.size if red == MEAN and x.size else 1.0
    return record(BinaryCrossEntropyBackward0, (input, target), out, saved=(input, target),
                  args=(w, norm))


class BinaryCrossEntropyWithLogitsBackward0(BroadcastingNode):
    """self: binary_cross_entropy_with_logits_backward(grad, self, target, weight, pos_weight,
      reduction) = grad * ((pos_weight * target + 1 - target) * sigmoid(self)
                           - pos_weight * target) * weight (/ numel for 'mean');
      without pos_weight grad * (sigmoid(self) - target) * weight
    target: binary_cross_entropy_with_logits_target_backward(...)
      = grad * (log_sigmoid(-self) - log_sigmoid(self) * pos_weight) * weight, or
        -self * grad * weight without pos_weight (/ numel for 'mean')"""
    __slots__ = ()

    def backward(self, grad):
        w, pw, norm = self.args
        x, t = self.unpack()
        nf = self.next_functions
        g = grad if norm == 1.0 else grad * norm
        if w is not None:
            g = g * w
        gx = gt = None
        if nf[0][0] is not None:
            if pw is None:
                gx = g * (_sigmoid(x) - t)
            else:
                pt = t * pw
                gx = g * ((pt + 1 - t) * _sigmoid(x) - pt)
        if nf[1][0] is not None:
            if pw is None:
                gt = -x * g
            else:
                gt = g * (_logsigmoid(-x) - _logsigmoid(x) * pw)
        return gx, gt


def _logsigmoid(v):
    if isinstance(v, Tensor):
        return logsigmoid(v)
    return np.minimum(v, 0) - np.log1p(np.exp(-np.abs(v)))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target) computed stably from the logits:
    (1 - target) * input - log_sigmoid(input) * (1 + (pos_weight - 1) * target)."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    if not (target.size() == input.size()):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    _check_no_grad(weight, "weight", "binary_cross_entropy_with_logits")
    _check_no_grad(pos_weight, "pos_weight", "binary_cross_entropy_with_logits")
    x, t = input._data, target._data
    if x.dtype.kind != "f":
        raise NotImplementedError(f'"log_sigmoid_cpu" not implemented for '
                                  f"'{_type_name(input.dtype)}'")
    if t.dtype.kind != "f":
        raise RuntimeError(f"result type {_type_name(input.dtype)} can't be cast to the desired "
                           f"output type {_type_name(target.dtype)}")
    ls = _logsigmoid(x)
    pw = None
    if pos_weight is not None:
        pw = pos_weight._data
        ls = ls * (1 + (pw - 1) * t).astype(x.dtype, copy=False)
    loss = (1 - t) * x - ls
    w = None
    if weight is not None:
        w = weight._data
        loss = loss * w
    loss = loss.astype(t.dtype, copy=False)
    out = _reduce_array(loss, red)
    norm = 1.0 / x.size if red == MEAN and x.size else 1.0
    return record(BinaryCrossEntropyWithLogitsBackward0, (input, target), out,
                  saved=(input, target), args=(w, pw, norm))


# -- kl_div -------------------------------------------------------------------------------------

class XlogyBackward0(BroadcastingNode):
    """self: at::xlogy(grad, other).masked_fill((self == 0.) & (other <= 0.), 0.)
    other: grad * self / other"""
    __slots__ = ()

    def backward(self, grad):
        x, y = self.unpack()
        nf = self.next_functions
        gx = gy = None
        if nf[0][0] is not None:
            zero = (array_of(x) == 0) & (array_of(y) <= 0)
            gx = _where(zero, 0, _xlogy_dual(grad, y))
        if nf[1][0] is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                gy = grad * x / y
        return gx, gy


def _xlogy_array(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(x == 0, 0, x * np.log(y))
    return np.where(np.isnan(y), y, r).astype(np.result_type(x, y), copy=False)


def _xlogy(x, y):
    """torch.xlogy(x, y) = x * log(y), 0 where x == 0 (nan where y is nan)."""
    a, b, dt = promote(x, y)
    return record(XlogyBackward0, (x, y), _xlogy_array(np.asarray(a), np.asarray(b)),
                  saved=(x, y))


def _xlogy_dual(x, y):
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        x = x if isinstance(x, Tensor) else _make(np.asarray(x))
        y = y if isinstance(y, Tensor) else _make(np.asarray(y))
        return _xlogy(x, y)
    return _xlogy_array(x, y)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """target * (log(target) - input) (exp(target) * (target - input) with log_target),
    reduced; 'batchmean' divides the sum by the batch size."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the "
                "support size.'batchmean' divides only by the batch size, and aligns with the "
                "KL div math definition.'mean' will be changed to behave the same as "
                "'batchmean' in the next major release.", stacklevel=2)
        red = SUM if reduction == "batchmean" else _get_enum(reduction)
    if input._data.dtype.kind not in "fc" or target._data.dtype.kind not in "fc":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = _xlogy(target, target) - target * input
    reduced = _reduce(out, red)
    if reduction == "batchmean" and input.dim() != 0:
        reduced = reduced / input.size()[0]
    return reduced


# -- margin and embedding losses ------------------------------------------------------------------

def _zero_like(t):
    return _make(np.zeros(t._data.shape, t._data.dtype))


def _scalar_tensor(value, like):
    return _make(np.asarray(value, dtype=like._data.dtype))


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    td = target._data.ndim
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    s1, s2 = _shape_list(input1._data.shape), _shape_list(input2._data.shape)
    if td == 1 and input1._data.ndim != 2:
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {s1} and {s2}.")
    if td == 0 and input1._data.ndim != 1:
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {s1} and {s2}.")
    prod_sum = (input1 * input2).sum(td)
    mag_square1 = _add_scalar((input1 * input1).sum(td), _EPSILON)
    mag_square2 = _add_scalar((input2 * input2).sum(td), _EPSILON)
    denom = (mag_square1 * mag_square2).sqrt()
    cos = prod_sum / denom
    zeros = _zero_like(cos)
    pos = _scalar_tensor(1, cos) - cos
    neg = _sub_scalar(cos, margin).clamp_min(0)
    output_pos = _pw.where(target == 1, pos, zeros)
    output_neg = _pw.where(target == -1, neg, zeros)
    return _reduce(output_pos + output_neg, red)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin)."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _reduce(_add_scalar(-target * (input1 - input2), margin).clamp_min(0), red)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise p-distance."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, pd, nd = anchor.dim(), positive.dim(), negative.dim()
    if not (a == pd and pd == nd):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a}D, positive {pd}D, "
                           f"and negative {nd}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_swap = pairwise_distance(positive, negative, p, eps)
        dist_neg = _pw.minimum(dist_neg, dist_swap)
    return _reduce(_pw.clamp_min(_add_scalar(dist_pos, margin) - dist_neg, 0), red)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    zeros = _zero_like(input)
    margin_clamp = (_scalar_tensor(margin, input) - input).clamp_min(0)
    output_margin = _pw.where(target != 1, margin_clamp, zeros)
    output_self = _pw.where(target != -1, input, zeros)
    return _reduce(output_margin + output_self, red)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                     margin=1.0, swap=False, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)) for any distance function
    (pairwise_distance by default), composed as torch's Python composes it."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim and p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a_dim}D, positive "
                           f"{p_dim}D, and negative {n_dim}D inputs")
    if distance_function is None:
        distance_function = pairwise_distance
    dist_pos = distance_function(anchor, positive)
    dist_neg = distance_function(anchor, negative)
    if swap:
        dist_swap = distance_function(positive, negative)
        dist_neg = _pw.minimum(dist_neg, dist_swap)
    loss = _pw.clamp_min(margin + dist_pos - dist_neg, 0)
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    return loss


# -- soft margin losses ------------------------------------------------------------------------

class SoftMarginLossBackward0(Node):
    """self: soft_margin_loss_backward(grad, self, target, reduction)
    = -norm * target * z / (1 + z) * grad, z = exp(-target * self)   (target: not
    differentiable)"""
    __slots__ = ()

    def backward(self, grad):
        (norm,) = self.args
        x, t = self.unpack()
        z = _pw.exp(-t * x) if isinstance(x, Tensor) else np.exp(-t * x)
        return ((-norm * t) * z / (1 + z) * grad,)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), reduced."""
    if size_average is not None or reduce is not None:
        red = _legacy_get_enum(size_average, reduce)
    else:
        red = _get_enum(reduction)
    _check_no_grad(target, "target", "soft_margin_loss")
    x, t = input._data, target._data
    from .._errors import broadcast_shapes
    full = broadcast_shapes(x.shape, t.shape)
    if x.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_type_name(input.dtype)}")
    if full != x.shape:
        raise RuntimeError(f"output with shape {_shape_list(x.shape)} doesn't match the "
                           f"broadcast shape {_shape_list(full)}")
    # torch computes in place in an output of the input's dtype: neg, mul_, exp_, add_, log_
    with np.errstate(over="ignore"):
        loss = np.log(np.exp((-x * t).astype(x.dtype, copy=False)) + 1).astype(x.dtype,
                                                                              copy=False)
    out = _reduce_array(loss, red)
    norm = 1.0 / x.size if red == MEAN and x.size else 1.0
    return record(SoftMarginLossBackward0, (input,), out, saved=(input, target), args=(norm,))


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-(target * log_sigmoid(input) + (1 - target) * log_sigmoid(-input)), averaged over the
    classes (the last dim), then reduced; composed as torch's Python composes it."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    c = input.size(class_dim)
    loss = loss.sum(dim=class_dim) / c
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


# -- gaussian and poisson nll ---------------------------------------------------------------------

def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 * (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi))."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * ones_like(input)
    elif bool(np.any(var._data < 0)):
        raise ValueError("var has negative entry/entries")
    if var.size() != input.size():
        if input.size()[:-1] == var.size():
            var = var.unsqueeze(-1)
        elif input.ndim == var.ndim and sum(
                y for x, y in zip(input.size(), var.size()) if x != y) == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with _gm.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (_pw.log(var) + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), else input - target * log(input + eps);
    full adds Stirling's term where target > 1."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    if reduction != "none" and reduction != "mean" and reduction != "sum":
        raise ValueError(reduction + " is not a valid value for reduction")
    red = _get_enum(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * _add_scalar(input, eps).log()
    if full:
        stirling = (target * target.log() - target
                    + _mul_scalar(_mul_scalar(target, 2 * math.pi).log(), 0.5))
        loss += stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, red)


# -- ctc_loss ------------------------------------------------------------------------------------

class CtcLossBackward0(Node):
    """log_probs: _ctc_loss_backward(grad, log_probs, targets, input_lengths, target_lengths,
    result0, result1, blank, zero_infinity)
    = (exp(log_probs) - exp(log(sum over s with l'[s] == c of alpha_t(s) beta_t(s)) + nll
      - log_probs)) * grad, for t < input_length (0 elsewhere, and for an infinite loss with
      zero_infinity)   [Graves et al. 2006, eq. (16)]"""
    __slots__ = ()

    def backward(self, grad):
        (lp,) = self.unpack()
        value = _ctc_grad(array_of(lp), array_of(grad), *self.args)
        if isinstance(grad, Tensor) or isinstance(lp, Tensor):
            # torch defines no derivative for _ctc_loss_backward
            return (_pw._not_differentiable("_ctc_loss_backward",
                                            [g for g in (grad, lp) if isinstance(g, Tensor)],
                                            value),)
        return (value,)


def _logsumexp3(a, b, c):
    """log(exp(a) + exp(b) + exp(c)) with the max taken out, as torch's CTC kernel does."""
    m = np.maximum(np.maximum(a, b), c)
    m = np.where(m == -np.inf, 0, m)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


def _ctc_extended(targets, il, tl, blank):
    """(l' as a (N, 2L+1) array with the blanks interleaved, valid (N, 2L+1) positions,
    skip (N, 2L+1): l'[s] may follow l'[s-2] directly)."""
    n = tl.shape[0]
    lmax = int(tl.max()) if n else 0
    s = 2 * lmax + 1
    ext = np.full((n, s), blank, np.int64)
    ext[:, 1::2] = targets[:, :lmax]
    pos = np.arange(s)
    valid = pos[None, :] <= 2 * tl[:, None]
    skip = np.zeros((n, s), bool)
    skip[:, 2:] = ext[:, 2:] != ext[:, :-2]
    return ext, valid, skip


def _ctc_forward(lp, targets, il, tl, blank):
    """(nll (N,), log_alpha (T, N, S')) by the alpha recursion, vectorised over the batch and
    the extended target positions."""
    t_max, n, _ = lp.shape
    ext, valid, skip = _ctc_extended(targets, il, tl, blank)
    s = ext.shape[1]
    lpp = np.take_along_axis(lp, np.broadcast_to(ext[None], (t_max, n, s)), axis=2)
    neg = lp.dtype.type(-np.inf)
    la = np.full((t_max, n, s), neg, lp.dtype)
    if t_max:
        la[0, :, 0] = lpp[0, :, 0]
        if s > 1:
            la[0, :, 1] = np.where(tl > 0, lpp[0, :, 1], neg)
    for t in range(1, t_max):
        prev = la[t - 1]
        a2 = np.full_like(prev, neg)
        a2[:, 1:] = prev[:, :-1]
        a3 = np.full_like(prev, neg)
        a3[:, 2:] = np.where(skip[:, 2:], prev[:, :-2], neg)
        la[t] = np.where(valid, _logsumexp3(prev, a2, a3) + lpp[t], neg)
    b = np.arange(n)
    last = la[np.maximum(il - 1, 0), b]
    l1 = last[b, 2 * tl]
    l2 = np.where(tl > 0, last[b, np.maximum(2 * tl - 1, 0)], neg)
    m = np.maximum(l1, l2)
    m = np.where(m == -np.inf, 0, m)
    with np.errstate(divide="ignore"):
        nll = -(np.log(np.exp(l1 - m) + np.exp(l2 - m)) + m)
    return nll.astype(lp.dtype, copy=False), la


def _ctc_grad(lp, grad, targets, il, tl, blank, zero_infinity, nll, la):
    """The gradient of the per-sample CTC losses: the beta recursion, then eq. (16)."""
    t_max, n, c = lp.shape
    ext, valid, skip = _ctc_extended(targets, il, tl, blank)
    s = ext.shape[1]
    lpp = np.take_along_axis(lp, np.broadcast_to(ext[None], (t_max, n, s)), axis=2)
    neg = lp.dtype.type(-np.inf)
    lb = np.full((t_max, n, s), neg, lp.dtype)
    init = np.full((n, s), neg, lp.dtype)
    b = np.arange(n)
    init[b, 2 * tl] = lpp[np.maximum(il - 1, 0), b, 2 * tl]
    has = tl > 0
    init[b[has], 2 * tl[has] - 1] = lpp[np.maximum(il[has] - 1, 0), b[has], 2 * tl[has] - 1]
    skip_next = np.zeros((n, s), bool)          # l'[s + 2] may be reached from l'[s]
    skip_next[:, :-2] = skip[:, 2:]
    for t in range(t_max - 1, -1, -1):
        start = (t == il - 1)[:, None]
        inside = (t < il - 1)[:, None]
        row = init
        if inside.any():
            nxt = lb[t + 1]
            b2 = np.full_like(nxt, neg)
            b2[:, :-1] = nxt[:, 1:]
            b3 = np.full_like(nxt, neg)
            b3[:, :-2] = np.where(skip_next[:, :-2], nxt[:, 2:], neg)
            rec = np.where(valid, _logsumexp3(nxt, b2, b3) + lpp[t], neg)
            row = np.where(inside, rec, init)
        lb[t] = np.where(start | inside, row, neg)
    # log of the sum of alpha * beta over the positions s showing each class, in float64
    ab = la.astype(np.float64) + lb
    m = ab.max(axis=2, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    onehot = (ext[:, :, None] == np.arange(c)).astype(np.float64)       # (N, S', C)
    with np.errstate(divide="ignore", under="ignore", invalid="ignore"):
        lcab = np.log(np.einsum("tns,nsc->tnc", np.exp(ab - m), onehot)) + m
        lp64 = lp.astype(np.float64)
        g = (np.exp(lp64) - np.exp(lcab + nll.astype(np.float64)[None, :, None] - lp64))
    g = g * grad.astype(np.float64)[None, :, None]
    g[np.arange(t_max)[:, None] >= il[None, :]] = 0
    if zero_infinity:
        g[:, np.isinf(nll)] = 0
    return g.astype(lp.dtype)


def _lengths(lengths, name):
    if isinstance(lengths, Tensor):
        if lengths._data.dtype.kind not in "iu":
            raise RuntimeError(f"{name} must be integral")
        return lengths._data.astype(np.int64).reshape(-1)
    return np.asarray(lengths, np.int64).reshape(-1)


def _ctc_check(lp, targets, il, tl, blank):
    where = " (while checking arguments for ctc_loss_allocate_outputs)"
    if lp.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp.ndim}-dimensional tensor "
                           f"for argument #1 'log_probs'{where}")
    if not 1 <= targets.ndim <= 2:
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional "
                           f"tensor for argument #2 'targets'{where}")
    n, c = lp.shape[1], lp.shape[2]
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    for v in tl:
        if v < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got value "
                               f"{v}{where}")
    lmax = int(tl.max()) if n else 0
    if targets.ndim == 1:
        total = int(tl.sum())
        if targets.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got "
                               f"size {targets.shape[0]} for argument #2 'targets'{where}")
        padded = np.zeros((n, lmax), np.int64)
        offsets = np.concatenate([[0], np.cumsum(tl)[:-1]]).astype(np.int64)
        for i in range(n):          # one slice per sample (the batch is short)
            padded[i, :tl[i]] = targets[offsets[i]:offsets[i] + tl[i]]
        targets = padded
    else:
        if targets.shape[0] != n:
            raise RuntimeError(f"Expected tensor to have size {n} at dimension 0, but got size "
                               f"{targets.shape[0]} for argument #2 'targets'{where}")
        if targets.shape[1] < lmax:
            raise RuntimeError(f"Expected tensor to have size at least {lmax} at dimension 1, "
                               f"but got size {targets.shape[1]} for argument #2 "
                               f"'targets'{where}")
    t_max = lp.shape[0]
    for v in il:
        if v < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got value "
                               f"{v}{where}")
        if v > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got "
                               f"value {v}{where}")
    return targets


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist Temporal Classification loss of (T, N, C) (or (T, C)) log-probabilities
    against targets, by the alpha-beta recursions of Graves et al. (2006)."""
    red = _get_enum(reduction)
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    batched = log_probs._data.ndim == 3
    lp_t = log_probs if batched else log_probs.unsqueeze(1)
    lp = lp_t._data
    if lp.dtype.kind != "f":
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for '
                                  f"'{_type_name(log_probs.dtype)}'")
    tg = _ctc_check(lp, targets._data.astype(np.int64), il, tl, blank)
    nll, la = _ctc_forward(lp, tg, il, tl, blank)
    res = record(CtcLossBackward0, (lp_t,), nll, saved=(lp_t,),
                 args=(tg, il, tl, blank, zero_infinity, nll, la))
    if zero_infinity:
        res = _pw.where(_make(np.isinf(nll) & (nll > 0)), _make(np.zeros((), nll.dtype)), res)
    if red == MEAN:
        return (res / _make(np.maximum(tl, 1).astype(nll.dtype))).mean()
    if red == SUM:
        return res.sum()
    return res if batched else res.squeeze(0)
