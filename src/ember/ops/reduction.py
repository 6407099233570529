"""Reductions: sum, mean, prod, max/min, amax/amin, argmax/argmin, var/std, norm, logsumexp,
cumsum, cumprod, all/any."""
import numpy as np

from .._errors import wrap_dims
from .._tensor import Tensor
from .._dtype import get_default_dtype
from ._base import Node, unary, expand, unsqueeze

__all__ = ["sum", "mean"]


def _dims(dim, ndim):
    """dim argument (None, int, list or tuple) as a sorted tuple of non-negative dims."""
    if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0):
        return tuple(range(ndim))
    if isinstance(dim, int):
        dim = (dim,)
    return tuple(sorted(wrap_dims(tuple(dim), ndim)))


def _sum_dtype(x, dtype):
    if dtype is not None:
        return dtype.np
    k = x.dtype.kind
    return np.int64 if k in "biu" else x.dtype


class SumBackward0(Node):
    """self: grad.expand_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        (shape,) = self.args
        return (expand(grad, shape),)


class SumBackward1(Node):
    """self: sum_backward(grad, self.sym_sizes(), dim, keepdim)"""
    __slots__ = ()

    def backward(self, grad):
        shape, dims, keepdim = self.args
        if not keepdim and shape:
            grad = unsqueeze(grad, dims)
        return (expand(grad, shape),)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    x = input._data
    out = x.sum(axis=_dims(dim, x.ndim), keepdims=keepdim, dtype=_sum_dtype(x, dtype))
    if dim is None:
        return unary(SumBackward0, input, out, args=(x.shape,))
    return unary(SumBackward1, input, out, args=(x.shape, _dims(dim, x.ndim), keepdim))


class MeanBackward0(Node):
    """self: mean_backward(grad, self.sym_sizes(), self.sym_numel()) = grad.expand(sizes) / numel"""
    __slots__ = ()

    def backward(self, grad):
        (shape, n) = self.args
        return (expand(grad / n, shape),)


class MeanBackward1(Node):
    """self: mean_backward(grad, self.sym_sizes(), dim, self.sym_numel(), keepdim)"""
    __slots__ = ()

    def backward(self, grad):
        shape, dims, keepdim, n = self.args
        if not keepdim and shape:
            grad = unsqueeze(grad, dims)
        return (expand(grad / n, shape),)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    x = input._data
    if dtype is None and x.dtype.kind not in "fc":
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {input.dtype._legacy[:-6]}")
    if dtype is not None:
        x = x.astype(dtype.np)
    dims = _dims(dim, x.ndim)
    out = x.mean(axis=dims, keepdims=keepdim)
    n = 1
    for d in dims:
        n *= x.shape[d]
    if dim is None:
        return unary(MeanBackward0, input, out, args=(x.shape, n))
    return unary(MeanBackward1, input, out, args=(x.shape, dims, keepdim, n))


Tensor.sum = sum
Tensor.mean = mean
