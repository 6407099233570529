"""torch.nn.functional: thin public wrappers over ember's ops (argument handling, torch's
warnings and errors); the differentiable primitives are in ember.ops.nn."""
import warnings

from .._errors import broadcast_shapes
from .._tensor import Tensor
from ..ops import nn as _nn
from ..ops._base import inplace as _inplace
from ..ops.linalg import addmm, matmul
from ..ops.pointwise import relu as _relu

__all__ = ["linear", "relu", "relu_", "mse_loss"]

# The functional forms of each family live beside their differentiable primitives:
from ..ops.activation import *  # noqa: F401,F403,E402
from ..ops.loss import *  # noqa: F401,F403,E402
from ..ops.conv import *  # noqa: F401,F403,E402
from ..ops.normalization import *  # noqa: F401,F403,E402


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias, as torch's at::linear computes it.

    2-D input with a bias is one ``addmm`` (grad_fn AddmmBackward0); contiguous N-D input
    with a 1-D bias is flattened to 2-D, run through addmm and viewed back (ViewBackward0);
    everything else is ``matmul`` plus an add."""
    nd = input.ndim
    if bias is not None:
        if nd == 2:
            return addmm(bias, input, weight.t())
        if input.is_contiguous() and (nd == 3 or bias.ndim == 1) and nd != 0:
            shape = input.shape
            rows = 1
            for s in shape[:-1]:
                rows *= s
            out = addmm(bias, input.reshape(rows, shape[-1]), weight.t())
            return out.view(tuple(shape[:-1]) + (out.shape[1],))
    output = matmul(input, weight.t())
    if bias is not None:
        output = output + bias
    return output


def relu(input, inplace=False):
    """max(input, 0) elementwise; inplace=True writes into input (torch.relu_)."""
    if inplace:
        return relu_(input)
    return _relu(input)


def relu_(input):
    """In-place relu."""
    return _inplace(input, _relu)


def _reduction_enum(reduction):
    if reduction == "none":
        return _nn.NONE
    if reduction == "mean":
        return _nn.MEAN
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", stacklevel=3)
        return _nn.MEAN
    if reduction == "sum":
        return _nn.SUM
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, emit_warning=True):
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
                      f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _shape(t):
    """t's shape as a tuple; t.size()'s AttributeError for a non-tensor, as in torch."""
    return t._data.shape if isinstance(t, Tensor) else tuple(t.size())


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error between input and target ('mean' | 'sum' | 'none')."""
    target_shape, in_shape = _shape(target), _shape(input)
    if target_shape != in_shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", stacklevel=2)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if target_shape != in_shape:
        # torch.broadcast_tensors: only the operands whose shape changes get an expand
        shape = broadcast_shapes(in_shape, target_shape)
        if in_shape != shape:
            input = input.expand(shape)
        if target_shape != shape:
            target = target.expand(shape)
    if weight is not None:
        raise NotImplementedError("mse_loss with weight= is not supported by ember yet")
    return _nn.mse_loss(input, target, _reduction_enum(reduction))
