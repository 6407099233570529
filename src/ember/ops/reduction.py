"""Reductions: sum, mean, nansum, nanmean, prod, max/min, amax/amin, argmax/argmin, var/std
(and var_mean/std_mean), norm/vector_norm, logsumexp, cumsum, cumprod, all/any,
count_nonzero, median/nanmedian, mode.

Each differentiable op is a Node class named as PyTorch names it, with derivatives.yaml's
formula in its docstring, beside the function that computes its forward with NumPy.  Formulas
run on NumPy arrays in an ordinary backward pass and on Tensors under create_graph=True; what
does not depend on the input's values differentiably (selection masks, signs, zero masks) is
computed with NumPy and used as a constant, which is what torch's formulas do too.
"""
import math
import warnings

import numpy as np

from .._errors import wrap_dim, wrap_dims
from .._tensor import Tensor, _make
from .._dtype import get_default_dtype, _BY_NP
from ._base import Node, OUTPUT, unary, record_multi, expand, array_of, inplace
from ._return_types import return_type
from ..autograd import grad_mode as _gm

__all__ = ["sum", "mean", "nansum", "nanmean", "prod", "max", "min", "amax", "amin",
           "argmax", "argmin", "var", "std", "var_mean", "std_mean", "norm", "logsumexp",
           "cumsum", "cumprod", "all", "any", "count_nonzero", "median", "nanmedian", "mode"]
# vector_norm is torch.linalg.vector_norm, not torch.vector_norm: the linalg namespace
# imports it from here.

_FULL = object()            # "no dim argument": torch picks a different overload (SumBackward0)


# -- shared helpers ----------------------------------------------------------------------------

def _dims(dim, ndim):
    """dim argument (None, int, list or tuple) as a sorted tuple of non-negative dims; None and
    an empty list mean every dim.  A 0-d tensor accepts dim 0/-1 and reduces nothing."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return tuple(range(ndim))
        out = wrap_dims(tuple(dim), ndim)
    else:
        out = (wrap_dim(dim, ndim),)
    return tuple(sorted(out)) if ndim else ()


def _kshape(shape, dims):
    """The shape of a reduction over dims with keepdim=True."""
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _restore(g, shape, dims, keepdim):
    """restore_reduced_dims: the reduced dims put back as size 1 (array or Tensor)."""
    if keepdim or not shape:
        return g
    return g.reshape(_kshape(shape, dims))


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _cast(g, np_dtype):
    """The engine's cast of a gradient to its input's dtype (reductions with dtype=)."""
    if np_dtype is None:
        return g
    if isinstance(g, Tensor):
        return g if g._data.dtype == np_dtype else g.to(_BY_NP[np_dtype])
    return g if g.dtype == np_dtype else np.asarray(g, dtype=np_dtype)


def _legacy_name(dt):
    return dt._legacy[:-len("Tensor")]


def _acc_input(x, dtype):
    """The array a sum/prod/cumsum accumulates: cast to dtype=, else ints and bools to int64
    (float16 accumulates in float32 as torch's kernels do)."""
    if dtype is not None:       # NumPy sums small ints in int64: cast the result back
        return x.astype(dtype.np, copy=False), (dtype.np if dtype.np.kind in "biu" else None)
    k = x.dtype.kind
    if k in "biu":
        return x.astype(np.int64, copy=False), None
    if x.dtype == np.float16:
        return x.astype(np.float32), np.float16
    return x, None


def _check_grad_dtype(input, dtype):
    """torch's set_history refusal: a differentiable reduction asked for a non-float dtype."""
    if (dtype is not None and input._requires_grad and _gm._enabled
            and not (dtype.is_floating_point or dtype.is_complex)):
        raise RuntimeError(f"Autograd not support dtype: {_legacy_name(dtype)}")


def _flag(dt, x):
    """The input's dtype when the output's differs (its gradient must be cast back)."""
    return x.dtype if dt is not None and dt.np != x.dtype else None


def _mask(cond, dt):
    return cond.astype(dt)


# -- sum, nansum, mean, nanmean ----------------------------------------------------------------

class SumBackward0(Node):
    """self: grad.expand_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        shape, in_dt = self.args
        return (_cast(expand(grad, shape), in_dt),)


class SumBackward1(Node):
    """self: sum_backward(grad, self.sym_sizes(), dim, keepdim)"""
    __slots__ = ()

    def backward(self, grad):
        shape, dims, keepdim, in_dt = self.args
        return (_cast(expand(_restore(grad, shape, dims, keepdim), shape), in_dt),)


def sum(input, dim=_FULL, keepdim=False, *, dtype=None):
    """Sum over dim (int, tuple, list; all dims when omitted or None)."""
    x = input._data
    full = dim is _FULL
    dims = _dims(None if full else dim, x.ndim)
    xs, back = _acc_input(x, dtype)
    out = xs.sum(axis=dims, keepdims=keepdim)
    if back is not None:
        out = np.asarray(out).astype(back)
    _check_grad_dtype(input, dtype)
    if full:
        return unary(SumBackward0, input, out, args=(x.shape, _flag(dtype, x)))
    return unary(SumBackward1, input, out, args=(x.shape, dims, keepdim, _flag(dtype, x)))


class NansumBackward0(Node):
    """self: nansum_backward(grad.to(self.scalar_type()), self, dim, keepdim)
    = restore_reduced_dims(grad) * self.isnan().logical_not()"""
    __slots__ = ()

    def backward(self, grad):
        shape, dims, keepdim, in_dt, keep = self.args
        g = _restore(_cast(grad, in_dt), shape, dims, keepdim)
        return (g * keep,)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum over dim treating NaN as zero."""
    x = input._data
    dims = _dims(dim, x.ndim)
    xs, back = _acc_input(x, dtype)
    if xs.dtype.kind in "fc":
        out = np.nansum(xs, axis=dims, keepdims=keepdim)
    else:
        out = xs.sum(axis=dims, keepdims=keepdim)
    if back is not None:
        out = np.asarray(out).astype(back)
    _check_grad_dtype(input, dtype)
    keep = None
    if input._requires_grad:
        keep = _mask(~np.isnan(x), x.dtype)
    return unary(NansumBackward0, input, out, args=(x.shape, dims, keepdim, _flag(dtype, x),
                                                    keep))


class MeanBackward0(Node):
    """self: grad.expand_symint(self.sym_sizes()) / self.sym_numel()"""
    __slots__ = ()

    def backward(self, grad):
        shape, n, in_dt = self.args
        if n:
            grad = grad / n
        return (_cast(expand(grad, shape), in_dt),)


class MeanBackward1(Node):
    """self: mean_backward(grad, self.sym_sizes(), dim, self.sym_numel(), keepdim)
    = sum_backward(grad, sizes, dim, keepdim) / n"""
    __slots__ = ()

    def backward(self, grad):
        shape, dims, keepdim, n, in_dt = self.args
        grad = _restore(grad, shape, dims, keepdim)
        if n:
            grad = grad / n
        return (_cast(expand(grad, shape), in_dt),)


def mean(input, dim=_FULL, keepdim=False, *, dtype=None):
    """Mean over dim; the input (or dtype=) must be floating point."""
    x = input._data
    if dtype is None:
        if x.dtype.kind not in "fc":
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {_legacy_name(input.dtype)}")
    elif not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Optional dtype must be either a floating "
            f"point or complex dtype. Got: {_legacy_name(dtype)}")
    full = dim is _FULL
    dims = _dims(None if full else dim, x.ndim)
    xs = x if dtype is None else x.astype(dtype.np, copy=False)
    n = _numel(x.shape, dims)
    if n == 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            out = xs.sum(axis=dims, keepdims=keepdim) / 0
    elif xs.dtype == np.float16:        # np.mean accumulates float16 in float32
        out = xs.mean(axis=dims, keepdims=keepdim)
    else:                               # what np.mean computes, without its Python overhead
        out = xs.sum(axis=dims, keepdims=keepdim) / n
    if full:
        return unary(MeanBackward0, input, out, args=(x.shape, n, _flag(dtype, x)))
    return unary(MeanBackward1, input, out, args=(x.shape, dims, keepdim, n, _flag(dtype, x)))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """nansum(input) / (number of non-NaN elements): torch's composite (DivBackward0)."""
    x = input._data
    if x.dtype.kind not in "fc":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_legacy_name(input.dtype)}")
    from .pointwise import div
    total = nansum(input, dim, keepdim, dtype=dtype)
    # torch divides by an int64 count; the same count in the sum's dtype gives the same value
    count = (~np.isnan(x)).sum(axis=_dims(dim, x.ndim), keepdims=keepdim)
    return div(total, _make(np.asarray(count, total._data.dtype)))


# -- prod ---------------------------------------------------------------------------------------

def _exclusive_prod_np(x, d):
    """prod_safe_zeros_backward's products of every element but one along dim d (NumPy)."""
    if x.size == 0:
        return np.ones_like(x)
    ones = np.ones(x.shape[:d] + (1,) + x.shape[d + 1:], x.dtype)
    n = x.shape[d]
    head = np.take(x, np.arange(n - 1), axis=d)
    tail = np.flip(np.take(x, np.arange(1, n), axis=d), d)
    forward = np.cumprod(np.concatenate([ones, head], d), axis=d)
    reverse = np.flip(np.cumprod(np.concatenate([ones, tail], d), axis=d), d)
    return forward * reverse


def _exclusive_prod_t(x, d):
    """The same products as a differentiable function of the Tensor x: element i of dim d is
    the product over dim d+1 of x with its i-th entry replaced by 1 (O(n^2), create_graph
    only)."""
    shape = tuple(x.shape)
    n = shape[d]
    tail = (1,) * (len(shape) - d - 1)
    eye = np.eye(n, dtype=x._data.dtype).reshape((n, n) + tail)
    spread = x.reshape(shape[:d] + (1,) + shape[d:]).expand(shape[:d] + (n,) + shape[d:])
    return (spread * (1 - eye) + eye).prod(d + 1)


def _prod_backward(grad, x, result, d):
    """prod_backward: grad * result / self when self has no zeros, else grad times the product
    of the other elements (grad and result already have the reduced dim restored)."""
    xa = array_of(x)
    zeros = np.count_nonzero(xa == 0)
    if not zeros:
        return grad * (result / x)
    if d is None and zeros > 1 and not isinstance(grad, Tensor):
        # torch: zeros_like(input) when grad mode is off (not under create_graph), even
        # beside NaNs
        return np.zeros(xa.shape, grad.dtype)
    if isinstance(grad, Tensor):
        if d is None:
            return grad * _exclusive_prod_t(x.reshape(-1), 0).reshape(tuple(xa.shape))
        return grad * _exclusive_prod_t(x, d)
    if d is None:
        return grad * _exclusive_prod_np(xa.reshape(-1), 0).reshape(xa.shape)
    return grad * _exclusive_prod_np(xa, d)


class ProdBackward0(Node):
    """self: prod_backward(grad, self.to(grad.scalar_type()), result)"""
    __slots__ = ()

    def backward(self, grad):
        (in_dt,) = self.args
        x, result = self.unpack()
        if x.ndim == 0:
            return (_cast(grad, in_dt),)
        return (_cast(_prod_backward(grad, x, result, None), in_dt),)


class ProdBackward1(Node):
    """self: prod_backward(grad, self.to(grad.scalar_type()), result, dim, keepdim)"""
    __slots__ = ()

    def backward(self, grad):
        d, keepdim, in_dt = self.args
        x, result = self.unpack()
        if x.ndim == 0:
            return (_cast(grad, in_dt),)
        shape = tuple(x.shape)
        grad = _restore(grad, shape, (d,), keepdim)
        result = _restore(result, shape, (d,), keepdim)
        return (_cast(_prod_backward(grad, x, result, d), in_dt),)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or over one dim."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    x = input._data
    xs, back = _acc_input(x, dtype)
    _check_grad_dtype(input, dtype)
    if dim is None:
        out = xs.prod()
        if back is not None:
            out = np.asarray(out).astype(back)
        return unary(ProdBackward0, input, out, saved=(input, OUTPUT), args=(_flag(dtype, x),))
    d = wrap_dim(dim, x.ndim)
    out = xs.prod(axis=(d,) if x.ndim else (), keepdims=keepdim)
    if back is not None:
        out = np.asarray(out).astype(back)
    return unary(ProdBackward1, input, out, saved=(input, OUTPUT),
                 args=(d, keepdim, _flag(dtype, x)))


# -- max, min, median, nanmedian, mode: full reductions and (values, indices) ---------------

def _evenly_distribute(grad, xa, result):
    """evenly_distribute_backward: grad split evenly among the elements equal to result (NaN
    counts as equal to a NaN result)."""
    ra = array_of(result)
    if xa.dtype.kind == "f" and np.isnan(ra):
        hit = np.isnan(xa)
    else:
        hit = xa == ra
    return grad * (_mask(hit, xa.dtype) / int(hit.sum()))


class _EvenlyDistribute(Node):
    """self: evenly_distribute_backward(grad, self, result)"""
    __slots__ = ()

    def backward(self, grad):
        x, result = self.unpack()
        return (_evenly_distribute(grad, array_of(x), result),)


class MaxBackward1(_EvenlyDistribute):
    """self: evenly_distribute_backward(grad, self, result)"""
    __slots__ = ()


class MinBackward1(_EvenlyDistribute):
    """self: evenly_distribute_backward(grad, self, result)"""
    __slots__ = ()


class MedianBackward0(_EvenlyDistribute):
    """self: evenly_distribute_backward(grad, self, result)"""
    __slots__ = ()


class NanmedianBackward0(_EvenlyDistribute):
    """self: evenly_distribute_backward(grad, self, result)"""
    __slots__ = ()


class _ValueSelecting(Node):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)
    = zeros(sizes).scatter(dim, indices, grad)"""
    __slots__ = ()

    def backward(self, grad):
        shape, d, keepdim, index, dt = self.args
        if not shape:
            return (grad,)
        grad = _restore(grad, shape, (d,), keepdim)
        pos = np.arange(shape[d]).reshape((-1,) + (1,) * (len(shape) - d - 1))
        return (grad * _mask(pos == index, dt),)


class MaxBackward0(_ValueSelecting):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)"""
    __slots__ = ()


class MinBackward0(_ValueSelecting):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)"""
    __slots__ = ()


class MedianBackward1(_ValueSelecting):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)"""
    __slots__ = ()


class NanmedianBackward1(_ValueSelecting):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)"""
    __slots__ = ()


class ModeBackward0(_ValueSelecting):
    """self: value_selecting_reduction_backward(grad, dim, indices, self.sym_sizes(), keepdim)"""
    __slots__ = ()


def _check_nonempty_dim(name, x, d):
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _select(NodeClass, result_type, input, d, keepdim, index):
    """(values, indices) from the keepdim-shaped indices of the selected elements."""
    x = input._data
    if x.ndim == 0:
        values, index = x.copy(), np.zeros((), np.int64)
        kindex = index
    else:
        kindex = index.astype(np.int64, copy=False)
        values = np.take_along_axis(x, kindex, axis=d)
        index = kindex
        if not keepdim:
            values = values.squeeze(d)
            index = kindex.squeeze(d)
    values, indices = record_multi(NodeClass, (input,), (values, index),
                                   args=(x.shape, d, keepdim, kindex, x.dtype),
                                   differentiable=(0,))
    return result_type((values, indices))


def _binary(name, input, other):
    """max(input, other) is maximum(input, other); min(input, other) is minimum."""
    from . import pointwise
    return (pointwise.maximum if name == "max" else pointwise.minimum)(input, other)


def _max_min(name, input, dim, keepdim, other, FullNode, DimNode, result_type, arg):
    if other is not None:
        return _binary(name, input, other)
    if isinstance(dim, Tensor):
        return _binary(name, input, dim)
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        out = x.max() if name == "max" else x.min()
        return unary(FullNode, input, out, saved=(input, OUTPUT))
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = wrap_dim(dim, x.ndim)
    _check_nonempty_dim(name, x, d)
    index = None if x.ndim == 0 else arg(x, axis=d, keepdims=True)
    return _select(DimNode, result_type, input, d, keepdim, index)


def max(input, dim=None, keepdim=False, *, other=None):
    """max(input) -> 0-d; max(input, dim, keepdim) -> (values, indices);
    max(input, other) -> maximum(input, other)."""
    return _max_min("max", input, dim, keepdim, other, MaxBackward1, MaxBackward0,
                    return_type("max"), np.argmax)


def min(input, dim=None, keepdim=False, *, other=None):
    """min(input) -> 0-d; min(input, dim, keepdim) -> (values, indices);
    min(input, other) -> minimum(input, other)."""
    return _max_min("min", input, dim, keepdim, other, MinBackward1, MinBackward0,
                    return_type("min"), np.argmin)


def _median_k(n, nans, skip_nan):
    """Position, in a stable ascending sort with NaNs last, of the median torch returns: the
    lower median, or the first NaN when NaNs are not skipped."""
    if skip_nan:        # a slice of NaNs only: the middle one
        return np.where(nans < n, (n - nans - 1) // 2, (n - 1) // 2)
    return np.where(nans > 0, n - nans, (n - 1) // 2)


def _median(name, input, dim, keepdim, skip_nan, FullNode, DimNode, result_type):
    x = input._data
    if dim is not None:
        wrap_dim(dim, x.ndim)
    if x.dtype == np.bool_:
        kernel = "median_cpu" if dim is None else "median_out"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    if dim is None:
        flat = x.reshape(-1)
        if skip_nan and flat.dtype.kind == "f":
            flat = flat[~np.isnan(flat)]
        if flat.size == 0:
            out = np.array(np.nan if x.dtype.kind == "f" else np.iinfo(x.dtype).min, x.dtype)
        elif flat.dtype.kind == "f" and np.isnan(flat).any():
            out = np.array(np.nan, x.dtype)
        else:
            k = (flat.size - 1) // 2
            out = np.partition(flat, k)[k]
        return unary(FullNode, input, out, saved=(input, OUTPUT))
    d = wrap_dim(dim, x.ndim)
    # nanmedian's empty-dim message says "median()", as torch's does
    _check_nonempty_dim("median", x, d)
    if x.ndim == 0:
        return _select(DimNode, result_type, input, d, keepdim, None)
    order = np.argsort(x, axis=d, kind="stable")
    nans = np.isnan(x).sum(axis=d, keepdims=True) if x.dtype.kind == "f" else 0
    k = np.broadcast_to(_median_k(x.shape[d], nans, skip_nan), _kshape(x.shape, (d,)))
    return _select(DimNode, result_type, input, d, keepdim,
                   np.take_along_axis(order, k, axis=d))


def median(input, dim=None, keepdim=False):
    """The lower median: of all elements (0-d), or over dim -> (values, indices)."""
    return _median("median", input, dim, keepdim, False, MedianBackward0, MedianBackward1,
                   return_type("median"))


def nanmedian(input, dim=None, keepdim=False):
    """median ignoring NaNs."""
    return _median("nanmedian", input, dim, keepdim, True, NanmedianBackward0,
                   NanmedianBackward1, return_type("nanmedian"))


def mode(input, dim=-1, keepdim=False):
    """The most frequent value over dim (the smallest among equally frequent ones) and the
    index of its last occurrence -> (values, indices)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    _check_nonempty_dim("mode", x, d)
    if x.ndim == 0:
        return _select(ModeBackward0, return_type("mode"), input, d, keepdim, None)
    moved = np.moveaxis(x, d, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    index = np.empty(rows.shape[0], np.int64)
    isf = x.dtype.kind == "f"
    for r, row in enumerate(rows):
        uniq, counts = np.unique(row, return_counts=True, equal_nan=False)
        value = uniq[np.argmax(counts)]
        index[r] = np.flatnonzero((row == value) | (np.isnan(row) & np.isnan(value))
                                  if isf else row == value)[-1]
    index = np.moveaxis(index.reshape(moved.shape[:-1] + (1,)), -1, d)
    return _select(ModeBackward0, return_type("mode"), input, d, keepdim, index)


# -- amax, amin, argmax, argmin -----------------------------------------------------------

class _AmaxAmin(Node):
    """self: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim),
                                 restore_reduced_dims(result, dim, keepdim) == self, dim)
    = (grad / mask.sum(dim, true)) * mask"""
    __slots__ = ()

    def backward(self, grad):
        dims, keepdim = self.args
        x, result = self.unpack()
        xa = array_of(x)
        hit = xa == _restore(array_of(result), xa.shape, dims, keepdim)
        count = hit.sum(axis=dims, keepdims=True).astype(xa.dtype)
        return ((_restore(grad, xa.shape, dims, keepdim) / count) * _mask(hit, xa.dtype),)


class AmaxBackward0(_AmaxAmin):
    """self: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim),
                                 restore_reduced_dims(result, dim, keepdim) == self, dim)"""
    __slots__ = ()


class AminBackward0(_AmaxAmin):
    """self: scale_grad_by_count(restore_reduced_dims(grad, dim, keepdim),
                                 restore_reduced_dims(result, dim, keepdim) == self, dim)"""
    __slots__ = ()


def _amax_amin(name, input, dim, keepdim, NodeClass):
    x = input._data
    full = dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0)
    if x.size == 0:
        if full:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for dd in (dim if isinstance(dim, (list, tuple)) else (dim,)):
            if x.shape[wrap_dim(dd, x.ndim)] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {dd} to have non-zero size.")
    dims = _dims(dim, x.ndim)
    out = x.max(axis=dims, keepdims=keepdim) if name == "amax" else \
        x.min(axis=dims, keepdims=keepdim)
    return unary(NodeClass, input, out, saved=(input, OUTPUT), args=(dims, keepdim))


def amax(input, dim=(), keepdim=False):
    """Maximum over dim (all dims by default); the gradient is shared evenly among ties."""
    return _amax_amin("amax", input, dim, keepdim, AmaxBackward0)


def amin(input, dim=(), keepdim=False):
    """Minimum over dim (all dims by default); the gradient is shared evenly among ties."""
    return _amax_amin("amin", input, dim, keepdim, AminBackward0)


def _arg(name, input, dim, keepdim, fn):
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        out = np.asarray(fn(x), np.int64)
        if keepdim:
            out = out.reshape((1,) * x.ndim)
        return _make(out)
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _make(np.zeros((), np.int64))
    _check_nonempty_dim(name, x, d)
    return _make(np.asarray(fn(x, axis=d, keepdims=keepdim), np.int64))


def argmax(input, dim=None, keepdim=False):
    """Index of the (first) maximum, of the flattened input when dim is None."""
    return _arg("argmax", input, dim, keepdim, np.argmax)


def argmin(input, dim=None, keepdim=False):
    """Index of the (first) minimum, of the flattened input when dim is None."""
    return _arg("argmin", input, dim, keepdim, np.argmin)


# -- var, std, var_mean, std_mean --------------------------------------------------------------

def _correction(name, unbiased, correction):
    if correction is None:
        return 1 if unbiased is None or unbiased else 0
    if unbiased is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: pass either "
                        "unbiased or correction, not both")
    return correction


def _moments(name, input, dim, unbiased, keepdim, correction, check_name):
    """(variance, mean, dims, correction) with torch's checks and dof warning."""
    x = input._data
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"{check_name} only support floating point and complex dtypes")
    if isinstance(dim, bool):          # var(input, unbiased) overload
        unbiased, dim = dim, None
    c = _correction(name, unbiased, correction)
    dims = _dims(dim, x.ndim)
    n = _numel(x.shape, dims)
    dof = n - c
    if dof <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
        dof = 0
    with np.errstate(invalid="ignore", divide="ignore"):
        m = x.sum(axis=dims, keepdims=True) / n if n else x.sum(axis=dims, keepdims=True) / 0
        dev = x - m
        v = np.asarray((dev * dev).sum(axis=dims, keepdims=keepdim) / dof)
    if not keepdim:
        m = m.reshape(v.shape)
    return v, m, dim, c


def _var_backward(grad, x, dim, c, keepdim):
    """var_backward(grad, self, dim, correction, keepdim)."""
    xa = array_of(x)
    if xa.ndim == 0 or dim is None:
        dof = xa.size - c
        if dof <= 0:
            with np.errstate(invalid="ignore"):
                edge = np.where(xa == xa.mean(), np.nan, np.inf).astype(xa.dtype)
            return grad * edge
        return (2.0 / dof) * grad * (x - x.mean())
    given = () if isinstance(dim, (list, tuple)) and len(dim) == 0 else _dims(dim, xa.ndim)
    grad = _restore(grad, xa.shape, given if given else tuple(range(xa.ndim)), keepdim)
    dof = _numel(xa.shape, given) - c
    scale = 2.0 / dof if dof != 0 else math.inf
    centered = x - (x.mean(given, keepdim=True) if isinstance(x, Tensor)
                    else xa.mean(axis=given or None, keepdims=True))
    return scale * grad * centered


def _std_to_var_grad(grad, result):
    """std_backward: (grad / (result * 2)).masked_fill_(result == 0, 0), then var_backward."""
    zero = array_of(result) == 0
    if not zero.any():
        return grad / (result * 2)
    z = _mask(zero, array_of(result).dtype)
    return grad / (result * 2 + z) * (1 - z)


def _mean_backward(grad, shape, dim, keepdim):
    """mean_backward(grad, sizes, dim, numel, keepdim)."""
    given = () if dim is None or (isinstance(dim, (list, tuple)) and len(dim) == 0) \
        else _dims(dim, len(shape))
    dims = given if given else tuple(range(len(shape)))
    n = _numel(shape, dims)
    grad = _restore(grad, shape, dims, keepdim)
    return expand(grad / n if n else grad, shape)


class VarBackward0(Node):
    """self: var_backward(grad, self, dim, correction, keepdim)"""
    __slots__ = ()

    def backward(self, grad):
        dim, c, keepdim = self.args
        (x,) = self.unpack()
        return (_var_backward(grad, x, dim, c, keepdim),)


class StdBackward0(Node):
    """self: std_backward(result, grad, self, dim, correction, keepdim)
    = var_backward((grad / (result * 2)).masked_fill_(result == 0, 0), self, ...)"""
    __slots__ = ()

    def backward(self, grad):
        dim, c, keepdim = self.args
        x, result = self.unpack()
        return (_var_backward(_std_to_var_grad(grad, result), x, dim, c, keepdim),)


class VarMeanBackward0(Node):
    """self: var_mean_backward(grads[0], grads[1], self, dim, correction, keepdim)
    = var_backward(grads[0], ...) + mean_backward(grads[1], ...)"""
    __slots__ = ()

    def apply(self, grads):
        dim, c, keepdim = self.args
        (x,) = self.unpack()
        return (_combine(grads, x, dim, c, keepdim, None),)


class StdMeanBackward0(Node):
    """self: std_mean_backward(grads[0], grads[1], self, result0, dim, correction, keepdim)
    = std_backward(result0, grads[0], ...) + mean_backward(grads[1], ...)"""
    __slots__ = ()

    def apply(self, grads):
        dim, c, keepdim = self.args
        x, result = self.unpack()
        return (_combine(grads, x, dim, c, keepdim, result),)


def _combine(grads, x, dim, c, keepdim, std):
    gvar = grads[0]
    gmean = grads[1] if len(grads) > 1 else None
    out = None
    if gvar is not None:
        if std is not None:
            gvar = _std_to_var_grad(gvar, std)
        out = _var_backward(gvar, x, dim, c, keepdim)
    if gmean is not None:
        g = _mean_backward(gmean, tuple(array_of(x).shape), dim, keepdim)
        out = g if out is None else out + g
    return out


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over dim with `correction` (default 1; unbiased=False means 0)."""
    v, _, dim, c = _moments("var", input, dim, unbiased, keepdim, correction, "std and var")
    return unary(VarBackward0, input, v, saved=(input,), args=(dim, c, keepdim))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation: sqrt(var(...))."""
    v, _, dim, c = _moments("std", input, dim, unbiased, keepdim, correction, "std and var")
    return unary(StdBackward0, input, np.sqrt(v), saved=(input, OUTPUT), args=(dim, c, keepdim))


def _two_outputs(NodeClass, input, first, m, dim, c, keepdim, saved):
    out = record_multi(NodeClass, (input,), (first, m), saved=saved, args=(dim, c, keepdim))
    node = out[0].grad_fn
    if node is not None and OUTPUT in saved:    # the saved OUTPUT is the first output
        node.out = (out[0]._data, out[0]._vc)
    return tuple(out)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var(input, ...), mean(input, ...)) in one pass."""
    v, m, dim, c = _moments("var_mean", input, dim, unbiased, keepdim, correction, "var_mean")
    return _two_outputs(VarMeanBackward0, input, v, m, dim, c, keepdim, (input,))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std(input, ...), mean(input, ...)) in one pass."""
    v, m, dim, c = _moments("std_mean", input, dim, unbiased, keepdim, correction, "std_mean")
    return _two_outputs(StdMeanBackward0, input, np.sqrt(v), m, dim, c, keepdim,
                        (input, OUTPUT))


# -- norms ------------------------------------------------------------------------------------

class LinalgVectorNormBackward0(Node):
    """self: linalg_vector_norm_backward(grad, self, ord, result, dim, keepdim)
    (norm_backward: p=0 none; p=1 sgn(self)*grad; p=2 grad*self/norm masked where norm==0;
    inf: sgn(self) * grad/count * (|self|==norm); p<1: sgn*|self|^(p-1) masked where self==0,
    times grad*norm^(1-p); else self*|self|^(p-2) (sgn*|self|^(p-1) for p<2) *
    grad/norm^(p-1) masked where norm==0)"""
    __slots__ = ()

    def backward(self, grad):
        p, dims, keepdim, in_dt = self.args
        x, norm_ = self.unpack()
        xa = array_of(x)
        if p == 0:
            return (None,)
        shape = xa.shape
        grad = _restore(grad, shape, dims, keepdim)
        norm_ = _restore(norm_, shape, dims, keepdim)
        na = array_of(norm_)
        dt = np.result_type(xa.dtype, na.dtype)
        sgn = np.sign(xa).astype(dt)
        if xa.dtype.kind == "f":
            sgn = np.where(np.isnan(sgn), 0, sgn).astype(dt)      # torch's sgn(nan) is 0
        if p == 1:
            return (_cast(sgn * grad, in_dt),)
        if p == 2:
            zero = na == 0
            if zero.any():
                return (_cast(grad * (x / (norm_ + _mask(zero, dt))), in_dt),)
            return (_cast(grad * (x / norm_), in_dt),)
        if math.isinf(p):
            hit = (np.abs(xa) == na) | np.isnan(xa)
            count = hit.sum(axis=dims, keepdims=True).astype(dt)
            return (_cast(sgn * ((grad / count) * _mask(hit, dt)), in_dt),)
        absx = x * sgn                      # |self|, with abs's derivative sgn(self)
        if p < 1:
            zero = _mask(xa == 0, dt)
            scaled = sgn * (absx + zero) ** (p - 1) * (1 - zero)
            return (_cast(scaled * grad * norm_ ** (1 - p), in_dt),)
        scaled = sgn * absx ** (p - 1) if p < 2 else x * absx ** (p - 2)
        zero = na == 0
        if zero.any():
            z = _mask(zero, dt)
            scale = grad / (norm_ + z) ** (p - 1) * (1 - z)
        else:
            scale = grad / norm_ ** (p - 1)
        return (_cast(scaled * scale, in_dt),)


def _ord_str(p):
    return str(int(p)) if float(p).is_integer() else f"{p:g}"


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """torch.linalg.vector_norm: (sum |x|^ord)^(1/ord) over dim (all dims by default)."""
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, "
                        f"not {type(ord).__name__}")
    a = x._data
    if a.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_legacy_name(x.dtype)}")
    if dtype is not None:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, "
                               f"but got {_legacy_name(dtype)}")
        a = a.astype(dtype.np, copy=False)
    given = None if dim is None else (tuple(dim) if isinstance(dim, (list, tuple)) else (dim,))
    dims = _dims(given, a.ndim)
    p = float(ord)
    if a.size == 0 and (p < 0 or p == math.inf):
        if not given:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_str(ord)} norm on "
                               "an empty tensor because the operation does not have an "
                               "identity")
        for dd in given:
            if a.shape[wrap_dim(dd, a.ndim)] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_ord_str(ord)} norm "
                                   f"on the dimension {dd}because this dimension is empty and "
                                   "the operation does not have an identity")
    absa = np.abs(a)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if p == 2:
            out = np.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
        elif p == 1:
            out = absa.sum(axis=dims, keepdims=keepdim)
        elif p == math.inf:
            out = absa.max(axis=dims, keepdims=keepdim)
        elif p == -math.inf:
            out = absa.min(axis=dims, keepdims=keepdim)
        elif p == 0:
            out = (a != 0).sum(axis=dims, keepdims=keepdim).astype(a.dtype)
        else:
            out = (absa ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
    out = np.asarray(out).astype(a.real.dtype, copy=False)
    in_dt = x._data.dtype if a.dtype != x._data.dtype else None
    return unary(LinalgVectorNormBackward0, x, out, saved=(x, OUTPUT),
                 args=(p, dims, keepdim, in_dt))


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """torch.norm: vector_norm for numbers p and for 'fro' over at most two dims."""
    if out is not None:
        raise NotImplementedError("ember's norm does not support out=")
    if isinstance(dim, int):
        dim = [dim]
    if isinstance(p, str):
        if p == "fro" and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if p not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if input._data.ndim < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                               "dimensions.")
        if p == "fro":
            raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                               + " ".join(str(d) for d in dim))
        raise NotImplementedError("ember's norm does not compute the nuclear norm (it needs "
                                  "an SVD); use the singular values from linalg")
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)


# -- logsumexp ---------------------------------------------------------------------------------

class LogsumexpBackward0(Node):
    """self: logsumexp_backward(grad, self, result, dim, keepdim)
    = unsqueeze(grad) * (self - unsqueeze(result)).exp()"""
    __slots__ = ()

    def backward(self, grad):
        dims, keepdim = self.args
        x, result = self.unpack()
        shape = tuple(array_of(x).shape)
        grad = _restore(grad, shape, dims, keepdim)
        diff = x - _restore(result, shape, dims, keepdim)
        return (grad * (diff.exp() if isinstance(diff, Tensor) else np.exp(diff)),)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input), dim)), computed stably (the max is taken out first)."""
    x = input._data
    dims = _dims(dim, x.ndim)
    if isinstance(dim, (tuple, list)) and not dim and x.size and not keepdim:
        # torch reduces every dim into a keepdim-shaped buffer, then fails to copy it out
        raise RuntimeError("output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(['1'] * x.ndim)}]")
    if x.dtype.kind not in "fc":
        x = x.astype(get_default_dtype().np)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m = np.max(x, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        out = np.log(np.exp(x - m).sum(axis=dims, keepdims=True)) + m
    if not keepdim:
        out = out.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims))
    return unary(LogsumexpBackward0, input, out, saved=(input, OUTPUT), args=(dims, keepdim))


# -- cumsum, cumprod -------------------------------------------------------------------------

def _reversed_cumsum(w, d):
    """w.flip(d).cumsum(d).flip(d); on Tensors as sum - cumsum + w (no flip needed)."""
    if isinstance(w, Tensor):
        return w.sum(d, keepdim=True) - w.cumsum(d) + w
    return np.flip(np.cumsum(np.flip(w, d), axis=d), d)


class CumsumBackward0(Node):
    """self: cumsum_backward(grad.to(self.scalar_type()), dim) = reversed_cumsum(grad, dim)"""
    __slots__ = ()

    def backward(self, grad):
        d, shape, in_dt = self.args
        grad = _cast(grad, in_dt)
        if not shape or shape[d] <= 1:
            return (grad,)
        return (_reversed_cumsum(grad, d),)


def _cum_input(input, dim, dtype):
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if dtype is not None:
        xs = x.astype(dtype.np, copy=False)
    elif x.dtype.kind in "biu":
        xs = x.astype(np.int64, copy=False)
    else:
        xs = x
    return x, xs, d


def _cumulate(fn, xs, d):
    if xs.ndim == 0:
        return xs.copy()
    if xs.dtype == np.float16:      # accumulate in float32, round each output
        return fn(xs, axis=d, dtype=np.float32).astype(np.float16)
    if xs.dtype.kind in "bu" or xs.dtype.itemsize < 8 and xs.dtype.kind == "i":
        return fn(xs, axis=d).astype(xs.dtype)     # NumPy widens small ints
    return fn(xs, axis=d)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along dim."""
    x, xs, d = _cum_input(input, dim, dtype)
    out = _cumulate(np.cumsum, xs, d)
    _check_grad_dtype(input, dtype)
    return unary(CumsumBackward0, input, out, args=(d, x.shape, _flag(dtype, x)))


def _cumprod_grad_np(grad, xa, result, d):
    """cumprod_backward's O(n) path for inputs with zeros: before the first zero of a slice
    the formula without zeros holds; at the first zero the gradient is
    sum_{k >= z} grad_k * prod_{j <= k, j != z} x_j; after it, zero."""
    w = result * grad
    is_zero = xa == 0
    zeros_so_far = np.cumsum(is_zero, axis=d)
    before = zeros_so_far == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(before, _reversed_cumsum(np.where(before, w, 0), d) /
                       np.where(before, xa, 1), 0)
    first = is_zero & (zeros_so_far == 1)
    others = np.cumprod(np.where(first, 1, xa), axis=d)
    at_zero = np.where(zeros_so_far >= 1, grad * others, 0).sum(axis=d, keepdims=True)
    return out + np.where(first, at_zero, 0)


def _cumprod_grad_t(grad, x, d):
    """sum_{k >= i} grad_k * prod_{j <= k, j != i} x_j as a differentiable function of the
    Tensors grad and x (O(n^2): create_graph with zeros in the input only)."""
    shape = tuple(x.shape)
    n = shape[d]
    dt = x._data.dtype
    tail = (1,) * (len(shape) - d - 1)
    inserted = shape[:d] + (1,) + shape[d:]
    eye = np.eye(n, dtype=dt).reshape((n, n) + tail)
    upper = np.triu(np.ones((n, n), dt)).reshape((n, n) + tail)       # k >= i
    spread = x.reshape(inserted).expand(shape[:d] + (n,) + shape[d:])
    omitted = (spread * (1 - eye) + eye).cumprod(d + 1)
    return (grad.reshape(inserted) * omitted * upper).sum(d + 1)


class CumprodBackward0(Node):
    """self: cumprod_backward(grad.to(self.scalar_type()), self, dim, result)
    = reversed_cumsum(result * grad, dim) / self without zeros in self"""
    __slots__ = ()

    def backward(self, grad):
        d, in_dt = self.args
        x, result = self.unpack()
        xa = array_of(x)
        grad = _cast(grad, xa.dtype)
        if xa.size <= 1 or xa.shape[d] == 1:
            return (grad,)
        if not (xa == 0).any():
            return (_cast(_reversed_cumsum(result * grad, d) / x, in_dt),)
        if isinstance(grad, Tensor):
            return (_cast(_cumprod_grad_t(grad, x, d), in_dt),)
        return (_cast(_cumprod_grad_np(grad, xa, array_of(result), d), in_dt),)


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along dim."""
    x, xs, d = _cum_input(input, dim, dtype)
    out = _cumulate(np.cumprod, xs, d)
    _check_grad_dtype(input, dtype)
    return unary(CumprodBackward0, input, out, saved=(input, OUTPUT),
                 args=(d, _flag(dtype, x)))


# -- all, any, count_nonzero -------------------------------------------------------------------

def _logical(input, dim, keepdim, fn):
    x = input._data
    if isinstance(dim, (tuple, list)) and len(dim) == 0:     # all/any over no dim: elementwise
        out = fn(x[..., None], axis=-1) if x.ndim else np.asarray(fn(x))
    else:
        out = fn(x, axis=_dims(dim, x.ndim), keepdims=keepdim)
    # torch keeps uint8 for uint8 inputs, bool for everything else
    return _make(np.asarray(out, np.uint8 if x.dtype == np.uint8 else np.bool_))


def all(input, dim=None, keepdim=False):
    """Whether every element (over dim) is nonzero."""
    return _logical(input, dim, keepdim, np.all)


def any(input, dim=None, keepdim=False):
    """Whether some element (over dim) is nonzero."""
    return _logical(input, dim, keepdim, np.any)


def count_nonzero(input, dim=None):
    """The number of nonzero elements (over dim), int64."""
    x = input._data
    return _make(np.asarray((x != 0).sum(axis=_dims(dim, x.ndim)), np.int64))


Tensor.sum = sum
Tensor.mean = mean
Tensor.nansum = nansum
Tensor.nanmean = nanmean
Tensor.prod = prod
Tensor.max = max
Tensor.min = min
Tensor.amax = amax
Tensor.amin = amin
Tensor.argmax = argmax
Tensor.argmin = argmin
Tensor.median = median
Tensor.nanmedian = nanmedian
Tensor.mode = mode
Tensor.var = var
Tensor.std = std
Tensor.norm = norm
Tensor.logsumexp = logsumexp
Tensor.cumsum = cumsum
Tensor.cumsum_ = lambda self, dim, *, dtype=None: inplace(self, cumsum, dim, dtype=dtype)
Tensor.cumprod = cumprod
Tensor.cumprod_ = lambda self, dim, *, dtype=None: inplace(self, cumprod, dim, dtype=dtype)
Tensor.all = all
Tensor.any = any
Tensor.count_nonzero = count_nonzero


# ==============================================================================================
# -- more reductions, scans and statistics: aminmax, cummax/cummin, logcumsumexp, diff,
#    quantile/nanquantile, msort, bincount, histc, histogram, dist, cov, corrcoef, trapezoid,
#    trapz, cumulative_trapezoid, renorm, unique_consecutive, isin, cdist, pdist
# ==============================================================================================

from ._base import record, BroadcastingNode  # noqa: E402


def _norm_grad(grad, diff, result, p, dims, keepdim):
    """norm_backward(grad, diff, p, result, dims, keepdim): the formula of
    LinalgVectorNormBackward0, run on given values (arrays, or Tensors under create_graph)
    instead of a node's saved ones."""
    node = LinalgVectorNormBackward0(((None, 0),), (diff, result), (p, dims, keepdim, None))
    node.versions = [None, None]            # plain values: unpack hands them back as they are
    return node.backward(grad)[0]


# -- aminmax ------------------------------------------------------------------------------------

class AminmaxBackward0(Node):
    """self: (grad_min.defined() ? scale_grad_by_count(restore_reduced_dims(grad_min, dim,
    keepdim), restore_reduced_dims(min, dim, keepdim) == self, dim) : 0) + (the same for max)"""
    __slots__ = ()

    def apply(self, grads):
        dims, keepdim = self.args
        x, lo, hi = self.unpack()
        xa = array_of(x)
        out = None
        for g, r in zip(grads, (lo, hi)):
            if g is None:
                continue
            hit = xa == _restore(array_of(r), xa.shape, dims, keepdim)
            count = hit.sum(axis=dims, keepdims=True).astype(xa.dtype)
            term = (_restore(g, xa.shape, dims, keepdim) / count) * _mask(hit, xa.dtype)
            out = term if out is None else out + term
        return (out,)


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) of all elements, or over dim -> torch.return_types.aminmax(min, max)."""
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                               "operation has no identity.")
        dims = tuple(range(x.ndim))
    else:
        d = wrap_dim(dim, x.ndim)
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if x.ndim else ()
    if dim is None and keepdim:
        lo = x.min(axis=dims, keepdims=True)
        hi = x.max(axis=dims, keepdims=True)
    else:
        lo = x.min(axis=dims, keepdims=keepdim)
        hi = x.max(axis=dims, keepdims=keepdim)
    lo_t, hi_t = record_multi(AminmaxBackward0, (input,), (lo, hi), args=(dims, keepdim))
    node = lo_t.grad_fn
    if node is not None:
        node.saved = (input, lo_t.detach(), hi_t.detach())
        node.versions = [input._vc[0], None, None]
    return return_type("aminmax", ("min", "max"))((lo_t, hi_t))


# -- cummax, cummin ----------------------------------------------------------------------------

class _CumMaxMin(Node):
    """self: cummaxmin_backward(grad, self, indices, dim)
    = zeros_like(self).scatter_add(dim, indices, grad)"""
    __slots__ = ()

    def backward(self, grad):
        shape, index = self.args
        if not shape or 0 in shape:
            return (grad,)
        from .indexing import _put
        return (_put(grad, shape, index, True),)


class CummaxBackward0(_CumMaxMin):
    """self: cummaxmin_backward(grad, self, indices, dim)"""
    __slots__ = ()


class CumminBackward0(_CumMaxMin):
    """self: cummaxmin_backward(grad, self, indices, dim)"""
    __slots__ = ()


def _cummaxmin(name, input, dim, NodeClass, better):
    x = input._data
    if x.ndim == 0 and dim not in (-1, 0):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0 or x.size == 0:
        values, indices = x.copy(), np.zeros(x.shape, np.int64)
        index = None
    else:
        moved = np.moveaxis(x, d, 0)
        vals = np.empty_like(moved)
        idx = np.empty(moved.shape, np.int64)
        vals[0] = moved[0]
        idx[0] = 0
        isf = x.dtype.kind in "fc"
        for i in range(1, moved.shape[0]):
            cur = moved[i]
            # torch takes the new element when it is at least as good (>=/<=) or NaN, and a
            # NaN already taken stays
            take = better(cur, vals[i - 1]) | (cur == vals[i - 1])
            if isf:
                take = (take & ~np.isnan(vals[i - 1])) | np.isnan(cur)
            vals[i] = np.where(take, cur, vals[i - 1])
            idx[i] = np.where(take, i, idx[i - 1])
        values = np.moveaxis(vals, 0, d)
        indices = np.moveaxis(idx, 0, d)
        from .indexing import _dim_index
        index = _dim_index(indices, d)
    vt, it = record_multi(NodeClass, (input,), (values, indices), args=(x.shape, index),
                          differentiable=(0,))
    return return_type(name)((vt, it))


def cummax(input, dim):
    """Running maximum along dim and the index where it was found -> (values, indices)."""
    return _cummaxmin("cummax", input, dim, CummaxBackward0, np.greater)


def cummin(input, dim):
    """Running minimum along dim and the index where it was found -> (values, indices)."""
    return _cummaxmin("cummin", input, dim, CumminBackward0, np.less)


# -- logcumsumexp ------------------------------------------------------------------------------

def _reverse_logcumsumexp(w, d):
    if isinstance(w, Tensor):
        return logcumsumexp(w.flip(d), d).flip(d)
    return np.flip(np.logaddexp.accumulate(np.flip(w, d), axis=d), d)


class LogcumsumexpBackward0(Node):
    """self: logcumsumexp_backward(grad, self, result, dim)
    = exp(reverse_logcumsumexp(log|grad+| - result) + self)
      - exp(reverse_logcumsumexp(log|grad-| - result) + self)   (in log space: stable)"""
    __slots__ = ()

    def backward(self, grad):
        (d,) = self.args
        x, result = self.unpack()
        xa = array_of(x)
        if xa.ndim == 0 or xa.size == 0:
            return (grad,)
        ga = array_of(grad)
        lowest = np.finfo(xa.dtype).min
        with np.errstate(divide="ignore"):
            if isinstance(grad, Tensor):
                log_abs = grad.abs().log()
            else:
                log_abs = np.log(np.abs(grad))
        from ._base import where as _where
        pos = _where(ga > 0, log_abs, np.asarray(lowest, xa.dtype))
        neg = _where(ga < 0, log_abs, np.asarray(lowest, xa.dtype))
        with np.errstate(over="ignore", invalid="ignore"):
            a = _reverse_logcumsumexp(pos - result, d) + x
            b = _reverse_logcumsumexp(neg - result, d) + x
            if isinstance(a, Tensor):
                return (a.exp() - b.exp(),)
            return (np.exp(a) - np.exp(b),)


def logcumsumexp(input, dim):
    """log(cumsum(exp(input), dim)), computed stably."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.dtype.kind not in "fc":
        raise NotImplementedError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{_legacy_name(input.dtype)}'")
    if x.ndim == 0 or x.size == 0:
        out = x.copy()
    else:
        out = np.logaddexp.accumulate(x, axis=d)
    return unary(LogcumsumexpBackward0, input, out, saved=(input, OUTPUT), args=(d,))


# -- diff ----------------------------------------------------------------------------------------

def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim (after concatenating prepend and append):
    narrow(1:) - narrow(:-1) repeated n times (logical_xor for bool)."""
    from .shape import narrow, cat
    from .pointwise import sub, logical_xor
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, x.ndim)
    parts = []
    for t in (prepend, append):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            from .creation import tensor
            t = tensor(t)
        if t.ndim != x.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as "
                               "input")
        for i in range(x.ndim):
            if i != d and t.shape[i] != x.shape[i]:
                raise RuntimeError(
                    "diff expects the shape of tensor to prepend or append to match that of "
                    "input except along the differencing dimension; input.size("
                    f"{i}) = {x.shape[i]}, but got tensor.size({i}) = {t.shape[i]}")
        parts.append(t)
    if n == 0:
        from .creation import zeros_like
        return zeros_like(input).copy_(input)
    result = input
    if parts:
        result = cat(_diff_parts(input, prepend, append), d)
    length = result.shape[d] - 1
    n = builtins_min(n, result.shape[d])
    op = logical_xor if result._data.dtype == np.bool_ else sub
    for _ in range(n):
        result = op(narrow(result, d, 1, length), narrow(result, d, 0, length))
        length -= 1
    return result


def _diff_parts(input, prepend, append):
    from .creation import tensor
    seq = []
    for t in (prepend, input, append):
        if t is None:
            continue
        seq.append(t if isinstance(t, Tensor) else tensor(t))
    return seq


# -- quantile, nanquantile, msort --------------------------------------------------------------

class SqueezeBackward4(Node):
    """self: unsqueeze_multiple(grad, dim, self.sym_sizes().size())  (squeeze_(dim): the
    last step of quantile, reshaping its result to the output shape)"""
    __slots__ = ()

    def backward(self, grad):
        (shape,) = self.args
        return (grad.reshape(shape),)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    name = "quantile"           # nanquantile's messages say quantile() too
    from .creation import tensor as _tensor
    from .indexing import sort, gather
    from .pointwise import lerp
    x = input._data
    if x.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    q_is_tensor = isinstance(q, Tensor)
    if q_is_tensor:
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if x.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if q_is_tensor:
        if q._data.dtype != x.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._data.astype(np.float64)
    else:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        qa = np.asarray(float(q))
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    if dim is not None:
        d = wrap_dim(dim, x.ndim)
    if not ((qa >= 0) & (qa <= 1)).all():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    # the reduced values as the last dim, then sorted (NaNs last)
    if dim is None:
        reduced = input.reshape(-1)
        out_shape = (1,) * x.ndim if keepdim else ()
    else:
        if x.ndim == 0:
            reduced = input.reshape(1)
            out_shape = ()
        else:
            reduced = input.movedim(d, -1) if d != x.ndim - 1 else input
            out_shape = tuple(1 if (i == d and keepdim) else s for i, s in enumerate(x.shape)
                              if i != d or keepdim)
    q_shape = tuple(qa.shape)
    n = reduced.shape[-1]
    srt = sort(reduced, -1)[0]
    sa = srt._data
    qf = qa.reshape(-1)
    if ignore_nan:
        count = (~np.isnan(sa)).sum(axis=-1, keepdims=True)
        ranks = qf * (count - 1)
        ranks = np.where(ranks < 0, 0, ranks)
    else:
        has_nan = np.isnan(sa).any(axis=-1, keepdims=True)
        ranks = np.where(has_nan, n - 1, qf * (n - 1) + np.zeros(has_nan.shape))
    if interpolation == "lower":
        ranks = np.floor(ranks)
    elif interpolation == "higher":
        ranks = np.ceil(ranks)
    elif interpolation == "nearest":
        ranks = np.round(ranks)
    below = ranks.astype(np.int64)
    values = gather(srt, -1, _tensor(below))
    if interpolation in ("linear", "midpoint"):
        above = np.ceil(ranks).astype(np.int64)
        if interpolation == "midpoint":
            weights = np.full(ranks.shape, 0.5, x.dtype)
        else:
            weights = (ranks - below).astype(x.dtype)
        values = lerp(values, gather(srt, -1, _tensor(above)), _tensor(weights))
    # values: lead + (nq,); the quantiles go first
    values = values.movedim(-1, 0)
    final = q_shape + out_shape
    return unary(SqueezeBackward4, values, values._data.reshape(final),
                 args=(tuple(values.shape),))


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles of input (over dim, or of all elements), interpolating between the
    two nearest sorted values as interpolation says."""
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """quantile ignoring NaNs (a slice of NaNs only gives NaN)."""
    return _quantile(input, q, dim, keepdim, interpolation, True)


def msort(input):
    """input sorted along its first dim: sort(input, 0).values."""
    from .indexing import sort
    return sort(input, 0)[0]


# -- bincount, histc, histogram (no gradient) -------------------------------------------------

def bincount(input, weights=None, minlength=0):
    """Counts of each non-negative integer in a 1-d input (sums of weights if given)."""
    x = input._data
    if x.dtype.kind not in "iu":
        kind = "Bool" if x.dtype == np.bool_ else _legacy_name(input.dtype)
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{kind}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None:
        w = weights._data
        if w.ndim != 1 or w.shape[0] != x.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        dt = np.float32 if w.dtype == np.float32 else np.float64
        out = np.bincount(x, weights=w.astype(np.float64), minlength=minlength).astype(dt)
        return _make(out)
    return _make(np.bincount(x, minlength=minlength).astype(np.int64))


def _bin_index(v, lo, hi, bins):
    """torch's linear bin of each value in [lo, hi] (the last bin includes hi)."""
    pos = ((v - lo) * bins / (hi - lo)).astype(np.int64)
    return np.minimum(pos, bins - 1)


def histc(input, bins=100, min=0, max=0):
    """A histogram of input with bins equal-width bins over [min, max] (the data's range when
    both are 0); values outside are ignored."""
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"histogram_cpu\" not implemented for '{_legacy_name(input.dtype)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           "dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_fmt(lo)}, {_fmt(hi)}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    v = x.reshape(-1).astype(np.float64)
    v = v[(v >= lo) & (v <= hi)]
    counts = np.bincount(_bin_index(v, lo, hi, bins), minlength=bins)
    return _make(counts.astype(x.dtype))


def _fmt(v):
    if math.isnan(v):
        return "-nan"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def histogram(input, bins, *, range=None, weight=None, density=False):
    """A histogram of input -> torch.return_types.histogram(hist, bin_edges); bins is a count
    (equal-width bins over range, else the data's range) or the tensor of edges."""
    x = input._data
    if x.dtype.kind != "f":
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{_legacy_name(input.dtype)}'")
    if isinstance(bins, Tensor):
        e = bins._data
        if e.ndim != 1:
            raise RuntimeError("torch.histogramdd: bins tensor should have one dimension, but "
                               f"got {e.ndim} dimensions in the bins tensor for dimension 0")
        if e.size == 0:
            raise RuntimeError("torch.histogramdd: bins tensor should have at least 1 element, "
                               "but got 0 elements in the bins tensor for dimension 0")
        if e.dtype != x.dtype:
            raise RuntimeError(
                "torch.histogramdd: input tensor and bins tensors should have the same dtype, "
                f"but got input with dtype {_legacy_name(input.dtype).lower()} and bins for "
                f"dimension 0 with dtype {_legacy_name(bins.dtype).lower()}")
        if e.size - 1 <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {e.size - 1} for "
                               "dimension 0")
        edges = e.copy()
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               "dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif x.size:
            lo, hi = float(x.min()), float(x.max())
        else:
            lo, hi = 0.0, 1.0
        if lo > hi:
            raise RuntimeError("torch.histogramdd: min should not exceed max, but got min "
                               f"{_fmt(lo)} max {_fmt(hi)} for dimension 0")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{_fmt(lo)}, "
                               f"{_fmt(hi)}] is not finite")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        from .creation import linspace
        edges = linspace(lo, hi, bins + 1, dtype=input.dtype)._data
    if weight is not None:
        w = weight._data
        if w.dtype != x.dtype:
            raise RuntimeError(
                "torch.histogramdd: if weight tensor is provided, input tensor and weight "
                "tensor should have the same dtype, but got "
                f"input({_legacy_name(input.dtype).lower()}), and "
                f"weight({_legacy_name(weight.dtype).lower()})")
        if w.shape != x.shape:
            raise RuntimeError(
                "torch.histogramdd: if weight tensor is provided it should have the same shape "
                "as the input tensor excluding its innermost dimension, but got input with "
                f"shape [{x.size}, 1] and weight with shape "
                f"[{', '.join(str(s) for s in w.shape)}]")
        w = w.reshape(-1)
    nb = edges.size - 1
    v = x.reshape(-1)
    keep = (v >= edges[0]) & (v <= edges[-1])
    idx = np.clip(np.searchsorted(edges, v[keep], side="right") - 1, 0, nb - 1)
    ww = None if weight is None else w[keep].astype(np.float64)
    hist = np.bincount(idx, weights=ww, minlength=nb).astype(x.dtype)
    if density:
        with np.errstate(divide="ignore", invalid="ignore"):
            hist = (hist / hist.sum() / np.diff(edges)).astype(x.dtype)
    return return_type("histogram", ("hist", "bin_edges"))((_make(hist), _make(edges)))


# -- dist ----------------------------------------------------------------------------------------

class DistBackward0(BroadcastingNode):
    """self: norm_backward(grad, self - other, p, result)
    other: -norm_backward(grad, self - other, p, result)"""
    __slots__ = ()

    def backward(self, grad):
        (p,) = self.args
        x, y, result = self.unpack()
        diff_ = x - y
        g = _norm_grad(grad, diff_, result, p, tuple(builtins_range(array_of(diff_).ndim)),
                       False)
        if g is None:
            g = array_of(diff_) * 0
        return (g, -g)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    if not isinstance(other, Tensor):
        raise TypeError("dist(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    from ._base import promote
    a, b, dt = promote(input, other)
    if np.dtype(dt.np).kind not in "fc":
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {_legacy_name(dt)} instead.")
    from .._errors import broadcast_shapes
    broadcast_shapes(a.shape, b.shape)
    d = a - b
    with _no_grad():
        out = vector_norm(_make(d), float(p))._data
    return record(DistBackward0, (input, other), out, saved=(input, other, OUTPUT),
                  args=(float(p),))


# -- cov, corrcoef ------------------------------------------------------------------------------

def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in input's rows (observations in its columns),
    with optional frequency and importance weights; torch's composite of mm and true_divide."""
    from .linalg import mm
    from .pointwise import true_divide
    x = input._data
    if x.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {x.ndim} dimensions")
    if x.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    inp = input.view(1, -1) if x.ndim < 2 else input
    nobs = inp.shape[1]
    w = None
    if fweights is not None:
        fw = fweights._data
        if fw.ndim > 1:
            raise RuntimeError("cov(): expected fweights to have one or fewer dimensions but "
                               f"got fweights with {fw.ndim} dimensions")
        if fw.dtype.kind not in "iu":
            raise RuntimeError("cov(): expected fweights to have integral dtype but got "
                               f"fweights with {_legacy_name(fweights.dtype)} dtype")
        if fw.size != nobs:
            raise RuntimeError("cov(): expected fweights to have the same numel as there are "
                               f"observations in the input but got {fw.size} != {nobs}")
        if nobs and fw.min() < 0:
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        aw = aweights._data
        if aw.ndim > 1:
            raise RuntimeError("cov(): expected aweights to have one or fewer dimensions but "
                               f"got aweights with {aw.ndim} dimensions")
        if aw.dtype.kind != "f":
            raise RuntimeError("cov(): expected aweights to have floating point dtype but got "
                               f"aweights with {_legacy_name(aweights.dtype)} dtype")
        if aw.size != nobs:
            raise RuntimeError("cov(): expected aweights to have the same numel as there are "
                               f"observations in the input but got {aw.size} != {nobs}")
        if nobs and aw.min() < 0:
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if w is not None:
        w_sum = w.sum()
        if w_sum._data == 0:
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    else:
        w_sum = _make(np.asarray(nobs, np.int64))
    avg = (inp * w if w is not None else inp).sum(1) / w_sum
    if w is None:
        norm_factor = _make(np.asarray(nobs - correction, np.int64))
    elif correction == 0:
        norm_factor = w_sum
    elif aweights is None:
        norm_factor = w_sum - correction
    elif fweights is None and nobs == 1 and correction == 1:
        norm_factor = _make(np.asarray(0, np.int64))
    else:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    if norm_factor._data <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = _make(np.zeros((), norm_factor._data.dtype))
    if nobs == 1 and (fweights is None) != (aweights is None):
        inp = _make(np.zeros(inp.shape, inp._data.dtype if inp._data.dtype.kind in "fc"
                             else np.float32))
    else:
        inp = inp - avg.unsqueeze(1)
    c = mm(inp, (inp * w if w is not None else inp).t())
    with np.errstate(divide="ignore", invalid="ignore"):
        return true_divide(c, norm_factor).squeeze()


def corrcoef(input):
    """Pearson correlation coefficients of the variables in input's rows, clipped to
    [-1, 1]."""
    from .pointwise import sqrt
    x = input._data
    if x.ndim > 2:
        raise RuntimeError("corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {x.ndim} dimensions")
    with warnings.catch_warnings():
        c = cov(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        if c.ndim == 0:
            return c / c
        stddev = sqrt(c.diagonal())
        c = c / stddev.view(-1, 1)
        c = c / stddev.view(1, -1)
    return c.clip(-1, 1)


# -- trapezoid, trapz, cumulative_trapezoid ----------------------------------------------------

def _trap_dim(y, dim):
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, y.ndim)


def _zeros_except(y, d):
    shape = tuple(s for i, s in enumerate(y.shape) if i != d)
    return _make(np.zeros(shape, y._data.dtype))


def _trap_dx(name, y, x, d):
    """x's spacings along dim d, shaped to broadcast against y's slices."""
    xa = x._data
    if x.ndim == 1:
        if xa.shape[0] != y.shape[d]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = xa.shape[0]
        xv = x.view(*shape)
    elif x.ndim < y.ndim:
        xv = x.view(*((1,) * (y.ndim - x.ndim) + tuple(x.shape)))
    else:
        xv = x
    n = xv.shape[d]
    return _narrow(xv, d, 1, n - 1) - _narrow(xv, d, 0, n - 1)


def _narrow(t, d, start, length):
    from .shape import narrow
    return narrow(t, d, start, builtins_max(length, 0))


def _check_trap_args(name, y, x, dx):
    if x is not None and dx is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got (Tensor, "
                        "Tensor, dx=float), but expected one of:\n"
                        " * (Tensor y, Tensor x, *, int dim = -1)\n"
                        " * (Tensor y, *, Number dx = 1, int dim = -1)\n")
    if y._data.dtype == np.bool_ or (x is not None and x._data.dtype == np.bool_):
        raise RuntimeError(f"{name}: received a bool input for `y`, but bool is not supported")
    if isinstance(dx, (bool, complex)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")


class MulBackward1(Node):
    """self: mul_tensor_backward(grad, other, self.scalar_type())  (tensor * Scalar, as
    torch's C++ composites multiply by a double) = grad * other"""
    __slots__ = ()

    def backward(self, grad):
        other, in_dt = self.args
        return (_cast(grad * other, in_dt),)


class DivBackward1(Node):
    """self: div_tensor_self_backward(grad, other, self.scalar_type())  (tensor / Scalar)
    = grad / other"""
    __slots__ = ()

    def backward(self, grad):
        other, in_dt = self.args
        return (_cast(grad / other, in_dt),)


def _scalar_op(NodeClass, t, s, fn):
    x = t._data
    if x.dtype.kind not in "fc":
        x = x.astype(get_default_dtype().np)
    out = fn(x, s)
    return unary(NodeClass, t, np.asarray(out, x.dtype), args=(s, t._data.dtype))


def _mul_scalar(t, s):
    return _scalar_op(MulBackward1, t, s, np.multiply)


def _div_scalar(t, s):
    return _scalar_op(DivBackward1, t, s, np.true_divide)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule along dim, with sample points x or spacing dx (default 1)."""
    _check_trap_args("trapezoid", y, x, dx)
    d = _trap_dim(y, dim)
    if y.shape[d] == 0:
        return _zeros_except(y, d)
    n = y.shape[d]
    if x is not None:
        spacing = _trap_dx("trapezoid", y, x, d)
        return _div_scalar(((_narrow(y, d, 1, n - 1) + _narrow(y, d, 0, n - 1)) * spacing)
                           .sum(d), 2.0)
    dxv = 1 if dx is None else dx
    from .indexing import select
    return _mul_scalar(y.sum(d) - _mul_scalar(select(y, d, 0) + select(y, d, -1), 0.5),
                       float(dxv))


def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: trapezoid under its older name."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal rule along dim (one element fewer than y along dim)."""
    _check_trap_args("cumulative_trapezoid", y, x, dx)
    if y.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, y.ndim)
    n = y.shape[d]
    if n == 0:
        return _make(np.zeros(y.shape, y._data.dtype))
    pair = _narrow(y, d, 0, n - 1) + _narrow(y, d, 1, n - 1)
    if x is not None:
        spacing = _trap_dx("cumulative_trapezoid", y, x, d)
        return _div_scalar((pair * spacing).cumsum(d), 2.0)
    dxv = 1 if dx is None else dx
    return _mul_scalar(pair, float(dxv) / 2.0).cumsum(d)


# -- renorm ---------------------------------------------------------------------------------------

class RenormBackward0(Node):
    """self: renorm_backward(grad, self, p, dim, maxnorm)
    = where(norm > maxnorm, maxnorm / (norm + 1e-7) * (grad - nb / (norm + 1e-7)), grad)
    with nb = norm_backward(sum(self * grad, reduce_dims, keepdim), self, p, norm)"""
    __slots__ = ()

    def backward(self, grad):
        p, dims, maxnorm = self.args
        (x,) = self.unpack()
        xa = array_of(x)
        if isinstance(x, Tensor):
            norm_ = vector_norm(x, p, dims, True)
        else:
            norm_ = _renorm_norm(xa, p, dims).astype(xa.dtype)
        big = array_of(norm_) > maxnorm
        gsum = x * grad
        gsum = gsum.sum(dims, keepdim=True) if isinstance(gsum, Tensor) else \
            gsum.sum(axis=dims, keepdims=True)
        nb = _norm_grad(gsum, x, norm_, p, dims, True)
        invnorm = 1.0 / (norm_ + 1e-7)
        from ._base import where as _where
        return (_where(big, maxnorm * invnorm * (grad - invnorm * nb), grad),)


def _renorm_norm(xa, p, dims):
    with _no_grad():
        return vector_norm(_make(xa.astype(np.float64)), p, dims, True)._data


def renorm(input, p, dim, maxnorm):
    """Each slice along dim rescaled so that its p-norm is at most maxnorm."""
    x = input._data
    if x.dtype.kind not in "fc":
        raise RuntimeError(f"\"renorm_cpu\" not implemented for '{_legacy_name(input.dtype)}'")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_fmt(maxnorm)}")
    if x.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {x.ndim} "
                           "dimensions")
    d = wrap_dim(dim, x.ndim)
    dims = tuple(i for i in builtins_range(x.ndim) if i != d)
    p = float(p)
    norm_ = _renorm_norm(x, p, dims)
    factor = np.where(norm_ > maxnorm, maxnorm / (norm_ + 1e-7), 1.0).astype(x.dtype)
    return unary(RenormBackward0, input, x * factor, saved=(input,),
                 args=(p, dims, float(maxnorm)))


# -- unique_consecutive, isin (no gradient) ---------------------------------------------------

def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """input with each run of equal consecutive elements (or slices along dim) collapsed to
    one; optionally the inverse indices and the run lengths."""
    x = input._data
    if dim is None:
        flat = x.reshape(-1)
        if flat.size:
            change = np.concatenate([[True], flat[1:] != flat[:-1]])
        else:
            change = np.zeros(0, np.bool_)
        vals = flat[change]
        inv = (np.cumsum(change) - 1).reshape(x.shape)
        n = flat.size
    else:
        if x.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = wrap_dim(dim, x.ndim)
        if x.size == 0 and x.shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so "
                               "unique cannot be applied")
        moved = np.moveaxis(x, d, 0)
        n = moved.shape[0]
        rows = moved.reshape(n, int(np.prod(moved.shape[1:])))
        if n:
            change = np.concatenate([[True], (rows[1:] != rows[:-1]).any(axis=1)])
        else:
            change = np.zeros(0, np.bool_)
        vals = np.moveaxis(moved[change], 0, d)
        inv = np.cumsum(change) - 1
    starts = np.flatnonzero(change)
    counts = np.diff(np.append(starts, n))
    out = [_make(np.ascontiguousarray(vals))]
    if return_inverse:
        out.append(_make(inv.astype(np.int64)))
    if return_counts:
        out.append(_make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of elements is in test_elements (one of them may be a number)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(
            f"isin() received an invalid combination of arguments - got "
            f"({type(elements).__name__}, {type(test_elements).__name__}), but expected one "
            "of:\n"
            " * (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool "
            "invert = False, Tensor out = None)\n"
            " * (Number element, Tensor test_elements, *, bool assume_unique = False, bool "
            "invert = False, Tensor out = None)\n"
            " * (Tensor elements, Number test_element, *, bool assume_unique = False, bool "
            "invert = False, Tensor out = None)\n")
    e = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    t = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    for a in (e, t):
        if a.dtype == np.bool_:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    out = np.isin(e, t, invert=invert)
    return _make(np.asarray(out, np.bool_))


# -- cdist, pdist ------------------------------------------------------------------------------

class CdistBackward0(BroadcastingNode):
    """x1: _cdist_backward(grad.contiguous(), x1, x2, p, result)
    x2: _cdist_backward(grad.mT().contiguous(), x2, x1, p, result.mT().contiguous())
    (= sums over the other set of norm_backward of x1_i - x2_j)"""
    __slots__ = ()

    def backward(self, grad):
        (p,) = self.args
        x1, x2, result = self.unpack()
        if isinstance(x1, Tensor):
            diff_ = x1.unsqueeze(-2) - x2.unsqueeze(-3)
        else:
            diff_ = x1[..., :, None, :] - x2[..., None, :, :]
        nd = array_of(diff_).ndim
        g = _norm_grad(grad, diff_, result, p, (nd - 1,), False)
        if g is None:
            g = array_of(diff_) * 0
        g1 = g.sum(-2) if isinstance(g, Tensor) else g.sum(axis=-2)
        g2 = g.sum(-3) if isinstance(g, Tensor) else g.sum(axis=-3)
        return (g1, -g2)


_COMPUTE_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
                  "donot_use_mm_for_euclid_dist")


def _euclidean_dist(x1, x2, out_shape):
    """torch's matrix-product form of the p=2 distances (what it uses for many points)."""
    from .shape import cat
    from .creation import ones_like
    from .pointwise import clamp_min, sqrt
    x1n = x1.pow(2).sum(-1, keepdim=True)
    x2n = x2.pow(2).sum(-1, keepdim=True)
    a = cat([x1.mul(-2), x1n, ones_like(x1n)], -1)
    b = cat([x2, ones_like(x2n), x2n], -1)
    r = sqrt(clamp_min(a.matmul(b.mT), 1e-30))
    return r.view(*out_shape)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distances between each row of x1 (..., P, M) and each row of x2
    (..., R, M) -> (..., P, R)."""
    a, b = x1._data, x2._data
    if a.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.ndim}D")
    if b.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {b.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError("X1 and X2 must have the same number of columns. X1: "
                           f"{a.shape[-1]} X2: {b.shape[-1]}")
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if a.dtype.kind != "f":
        raise RuntimeError("cdist only supports floating-point dtypes, X1 got: "
                           f"{_legacy_name(x1.dtype)}")
    if b.dtype.kind != "f":
        raise RuntimeError("cdist only supports floating-point dtypes, X2 got: "
                           f"{_legacy_name(x2.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_BY_NP[a.dtype]._legacy[:-6]} but found "
                           f"{_BY_NP[b.dtype]._legacy[:-6]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    from .._errors import broadcast_shapes
    batch = tuple(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    P, R, M = a.shape[-2], b.shape[-2], a.shape[-1]
    out_shape = batch + (P, R)
    p = float(p)
    mm_mode = compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == "use_mm_for_euclid_dist_if_necessary" and (P > 25 or R > 25))
    if p == 2 and mm_mode and P and R and M:
        e1 = x1.expand(*(batch + (P, M))).reshape(-1, P, M)
        e2 = x2.expand(*(batch + (R, M))).reshape(-1, R, M)
        return _euclidean_dist(e1, e2, out_shape)
    if P == 0 or R == 0 or M == 0:
        out = np.zeros(out_shape, a.dtype)
    else:
        d = a[..., :, None, :] - b[..., None, :, :]
        with _no_grad():
            out = vector_norm(_make(d), p, -1)._data
    return record(CdistBackward0, (x1, x2), out, saved=(x1, x2, OUTPUT), args=(p,))


class PdistBackward0(Node):
    """self: _pdist_backward(grad, self, p, result)
    (= norm_backward of each row difference x_i - x_j, added to row i, subtracted at j)"""
    __slots__ = ()

    def backward(self, grad):
        p, rows_i, rows_j = self.args
        x, result = self.unpack()
        xa = array_of(x)
        n = xa.shape[0]
        if rows_i.size == 0:
            return (array_of(x) * 0,)
        pairs = rows_i.size
        signs = np.zeros((n, pairs), xa.dtype)
        signs[rows_i, np.arange(pairs)] = 1
        signs[rows_j, np.arange(pairs)] = -1
        if isinstance(x, Tensor):
            from .indexing import index_select
            from .creation import tensor
            diff_ = index_select(x, 0, tensor(rows_i)) - index_select(x, 0, tensor(rows_j))
            g = _norm_grad(grad, diff_, result, p, (1,), False)
            if g is None:
                return (x * 0,)
            return (_make(signs) @ g,)
        diff_ = xa[rows_i] - xa[rows_j]
        g = _norm_grad(grad, diff_, result, p, (1,), False)
        if g is None:
            return (np.zeros_like(xa),)
        return (signs @ g,)


def pdist(input, p=2):
    """The p-norm distance between every pair of rows i < j of a 2-d input, in row-major
    pair order -> (N * (N - 1) / 2,)."""
    x = input._data
    if x.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {x.ndim}D")
    if x.dtype.kind != "f":
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = x.shape[0]
    rows_i, rows_j = np.triu_indices(n, 1)
    p = float(p)
    if rows_i.size == 0:
        out = np.zeros(0, x.dtype)
    else:
        with _no_grad():
            out = vector_norm(_make(x[rows_i] - x[rows_j]), p, -1)._data
    return unary(PdistBackward0, input, out, saved=(input, OUTPUT), args=(p, rows_i, rows_j))


def _no_grad():
    from ..autograd.grad_mode import no_grad
    return no_grad()


import builtins as _builtins  # noqa: E402  (the module's own min/max/range shadow them)
builtins_min = _builtins.min
builtins_max = _builtins.max
builtins_range = _builtins.range

Tensor.aminmax = aminmax
Tensor.cummax = cummax
Tensor.cummin = cummin
Tensor.logcumsumexp = logcumsumexp
Tensor.diff = diff
Tensor.quantile = quantile
Tensor.nanquantile = nanquantile
Tensor.msort = msort
Tensor.bincount = bincount
Tensor.histc = histc
Tensor.histogram = histogram
Tensor.dist = dist
Tensor.cov = cov
Tensor.corrcoef = corrcoef
Tensor.renorm = renorm
Tensor.renorm_ = lambda self, p, dim, maxnorm: inplace(self, renorm, p, dim, maxnorm)
Tensor.unique_consecutive = unique_consecutive
__all__ += ["aminmax", "cummax", "cummin", "logcumsumexp", "diff", "quantile", "nanquantile",
            "msort", "bincount", "histc", "histogram", "dist", "cov", "corrcoef", "trapezoid",
            "trapz", "cumulative_trapezoid", "renorm", "unique_consecutive", "isin", "cdist",
            "pdist"]
