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
    if dtype is not None:
        return x.astype(dtype.np, copy=False), None
    k = x.dtype.kind
    if k in "biu":
        return x.astype(np.int64, copy=False), None
    if x.dtype == np.float16:
        return x.astype(np.float32), np.float16
    return x, None


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
    if not (xa == 0).any():
        return grad * (result / x)
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
    for r, row in enumerate(rows):
        uniq, counts = np.unique(row, return_counts=True)
        value = uniq[np.argmax(counts)]
        index[r] = np.flatnonzero(row == value)[-1]
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
    dims = _dims(dim, x.ndim)
    if x.size == 0:
        if full:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        for dd in (dim if isinstance(dim, (list, tuple)) else (dim,)):
            if x.shape[wrap_dim(dd, x.ndim)] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {dd} to have non-zero size.")
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
    return fn(xs, axis=d)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along dim."""
    x, xs, d = _cum_input(input, dim, dtype)
    out = _cumulate(np.cumsum, xs, d)
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
    return unary(CumprodBackward0, input, out, saved=(input, OUTPUT),
                 args=(d, _flag(dtype, x)))


# -- all, any, count_nonzero -------------------------------------------------------------------

def _logical(input, dim, keepdim, fn):
    x = input._data
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
