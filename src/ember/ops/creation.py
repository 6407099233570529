"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty, arange, linspace,
logspace, eye and the *_like forms.  (Random creation lives in ember.random.)"""
import numpy as np

from .. import _dtype
from .._dtype import get_default_dtype, from_numpy_dtype
from .._tensor import Tensor, _make

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty",
           "zeros_like", "ones_like", "full_like", "empty_like"]


def _infer_np_dtype(arr, data):
    """torch's dtype for data given as Python scalars/lists (NumPy arrays keep theirs)."""
    k = arr.dtype.kind
    if k == "f":
        return get_default_dtype().np
    if k in "iu":
        return np.int64
    if k == "b":
        return np.bool_
    if k == "c":
        return (_dtype.complex128 if get_default_dtype() is _dtype.float64
                else _dtype.complex64).np
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _to_array(data, dtype):
    if isinstance(data, Tensor):
        arr = data._data
        return arr if dtype is None else arr.astype(dtype.np)
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.asarray(data)
        from_numpy_dtype(arr.dtype)      # refuses dtypes torch lacks
        return arr if dtype is None else arr.astype(dtype.np)
    if isinstance(data, (list, tuple)) and _has_tensor(data):
        arr = np.array(_unwrap(data))
    else:
        arr = np.array(data)
    if arr.dtype == object:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}")
    if dtype is not None:
        return arr.astype(dtype.np)
    if isinstance(data, (list, tuple)) and _has_tensor(data):
        return arr
    return arr.astype(_infer_np_dtype(arr, data), copy=False)


def _has_tensor(seq):
    stack = [seq]
    while stack:
        s = stack.pop()
        for x in s:
            if isinstance(x, Tensor):
                return True
            if isinstance(x, (list, tuple)):
                stack.append(x)
    return False


def _unwrap(seq):
    if isinstance(seq, Tensor):
        return seq._data
    if isinstance(seq, (list, tuple)):
        return [_unwrap(x) for x in seq]
    return seq


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data (lists, scalars, NumPy arrays, Tensors)."""
    if isinstance(data, Tensor):
        import warnings
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    arr = np.array(_to_array(data, dtype), copy=True)
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or Tensor of the right dtype."""
    if isinstance(data, Tensor):
        if dtype is None or dtype is data.dtype:
            return data
        return data.to(dtype)
    if isinstance(data, np.ndarray):
        from_numpy_dtype(data.dtype)
        if dtype is None or dtype.np == data.dtype:
            return _make(data)
    return _make(np.array(_to_array(data, dtype)))


def from_numpy(ndarray):
    """A tensor sharing ndarray's memory (writes through either show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(map(str, size))}]")
    return size


def _np_dtype(dtype):
    return (get_default_dtype() if dtype is None else dtype).np


def _finish(arr, requires_grad):
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _finish(np.zeros(_size(size), _np_dtype(dtype)), requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _finish(np.ones(_size(size), _np_dtype(dtype)), requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    return _finish(np.empty(_size(size), _np_dtype(dtype)), requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    if dtype is None:
        dtype = _dtype.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor)
                                    else fill_value)
    return _finish(np.full(_size((size,)), fill_value, dtype.np), requires_grad)


def _like_dtype(input, dtype):
    return input._data.dtype if dtype is None else dtype.np


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return _finish(np.zeros(input._data.shape, _like_dtype(input, dtype)), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return _finish(np.ones(input._data.shape, _like_dtype(input, dtype)), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    return _finish(np.empty(input._data.shape, _like_dtype(input, dtype)), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    return _finish(np.full(input._data.shape, fill_value, _like_dtype(input, dtype)),
                   requires_grad)


def _legacy_constructor(*args, **kwargs):
    """torch.Tensor(data) copies data as the default dtype; torch.Tensor(2, 3) is uninitialised."""
    if len(args) == 1 and not isinstance(args[0], int):
        data = args[0]
        if isinstance(data, Tensor):
            return data
        return _make(np.array(_to_array(data, get_default_dtype()), copy=True))
    return empty(*args)
