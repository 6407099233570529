"""Tensor creation: tensor, as_tensor, from_numpy, zeros, ones, full, empty, empty_strided,
arange, range, linspace, logspace, eye, scalar_tensor, the *_like forms, the Tensor.new_*
methods and the legacy ``torch.Tensor(...)`` constructor.  (Random creation lives in
ember.random.)

Argument checks reproduce torch's Python argument parser and ATen's messages.  The range
factories reproduce ATen's CPU kernels bit for bit (see ``_arange_values``): their values depend
on the order of floating-point operations, including the fused multiply-adds the compiler emits.
"""
import builtins
import math
import operator
import warnings

import numpy as np

from .. import _dtype
from .._dtype import get_default_dtype, from_numpy_dtype
from .._tensor import Tensor, Size, _make, device as _Device, require_cpu

__all__ = ["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty",
           "empty_strided", "zeros_like", "ones_like", "full_like", "empty_like", "arange",
           "range", "linspace", "logspace", "eye", "scalar_tensor"]

_REQUIRES_GRAD_MSG = "Only Tensors of floating point and complex dtype can require gradients"
_BYTE_ORDER_MSG = ("given numpy array has byte order different from the native byte order. "
                   "Conversion between byte orders is currently not supported.")
_NEGATIVE_STRIDES_MSG = (
    "At least one stride in the given numpy array is negative, and tensors with negative "
    "strides are not currently supported. (You can probably work around this by making a copy "
    "of your array  with array.copy().) ")
_INT64_MIN = -2 ** 63
_INT64_MAX = 2 ** 63 - 1


# -- argument parsing -------------------------------------------------------------------------

def _tp_name(x):
    """The type name torch's argument parser prints (CPython's tp_name)."""
    t = type(x)
    return f"numpy.{t.__name__}" if t.__module__ == "numpy" else t.__name__


_PY_DTYPES = {float: _dtype.float64, int: _dtype.int64, bool: _dtype.bool_,
              complex: _dtype.complex128}


def _dtype_arg(dtype, fn):
    """dtype= as torch accepts it: an ember dtype, or the Python types float/int/bool/complex."""
    if dtype is None or isinstance(dtype, _dtype.dtype):
        return dtype
    d = _PY_DTYPES.get(dtype) if isinstance(dtype, type) else None
    if d is None:
        raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not {_tp_name(dtype)}")
    return d


def _default_complex():
    return _dtype.complex128 if get_default_dtype() is _dtype.float64 else _dtype.complex64


def _is_int(x, allow_bool=False):
    if isinstance(x, (bool, np.bool_)):
        return allow_bool
    if isinstance(x, (int, np.integer)):
        return True
    return isinstance(x, Tensor) and x._data.dtype.kind in "iu" and x._data.size == 1


def _size_arg(fn, args):
    """A size given as f(2, 3) or f((2, 3)) / f([2, 3]) / f(torch.Size), checked as torch's
    argument parser checks it (its messages included)."""
    if not args:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
    first = args[0]
    if isinstance(first, (tuple, list)):
        if len(args) > 1:
            raise TypeError(f"{fn}() takes 1 positional argument but {len(args)} were given")
        dims = first
        if dims and not _is_int(dims[0]):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, but "
                            f"found element of type {_tp_name(dims[0])} at pos 0")
    else:
        if len(args) == 1 and not _is_int(first):
            raise TypeError(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{_tp_name(first)}")
        dims = args
    for i, s in enumerate(dims):
        if not _is_int(s, allow_bool=True):
            raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {i + 1} "
                            f"with error \"type must be tuple of ints,but got {_tp_name(s)}\"")
    return tuple(int(s) for s in dims)


def _check_size(shape):
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"[{', '.join(map(str, shape))}]")
    return shape


def _finish(arr, requires_grad):
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind not in "fc":
            from ..autograd._explain import int_requires_grad
            raise int_requires_grad(RuntimeError(_REQUIRES_GRAD_MSG), arr.dtype)
        t._requires_grad = True
    return t


def _check_device(device):
    """ember runs on the CPU: any other device raises as torch's CPU-only build does."""
    if device is not None and not (isinstance(device, _Device) and device.type == "cpu"):
        if isinstance(device, int) and not isinstance(device, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        require_cpu(device)


def _no_out(out, fn):
    if out is not None:
        raise NotImplementedError(f"ember: {fn}(out=...) is not supported; use the result")


def _np_dtype(dtype):
    return (get_default_dtype() if dtype is None else dtype).np


# -- Python scalars converted as ATen converts a Scalar to a dtype ------------------------------

# c10's names of the C++ types, as the overflow message prints them
_CPP_NAMES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
              "int64": "int64_t", "float16": "c10::Half", "float32": "float",
              "float64": "double", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _overflows(v, d):
    """c10::overflows<To, From>: would the Python number v overflow dtype d?"""
    if d is _dtype.bool_:
        return False
    if isinstance(v, complex):
        if not d.is_complex and v.imag != 0:
            return True
        return _overflows(v.real, d) or (d.is_complex and _overflows(v.imag, d))
    if d.np.kind in "fc":
        hi = float(np.finfo(d.np).max)
        if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
            return False
        return v < -hi or v > hi
    info = np.iinfo(d.np)
    if isinstance(v, float):
        return math.isnan(v) or v < info.min or v > info.max
    if info.min == 0:       # unsigned: negative numbers wrap (two's complement) when in range
        return v > info.max or (v < 0 and -v > info.max)
    return v < info.min or v > info.max


def _astype(arr, np_dtype):
    """arr converted as c10 converts: to float16 from a wider type via float32 (c10::Half is
    built from a float, so a double or int64 is rounded twice)."""
    if np_dtype == np.float16 and arr.dtype.kind in "iuf" and arr.dtype.itemsize > 4:
        arr = arr.astype(np.float32)
    return arr.astype(np_dtype)


def _number(x):
    """A Python number from a Python/NumPy scalar or a one-element tensor (torch's Scalar)."""
    if isinstance(x, Tensor):
        x = x._data.reshape(()).item()
    elif isinstance(x, np.complexfloating) and not isinstance(x, complex):
        x = float(x)          # torch's Scalar parser reads it as a double (the real part)
    elif isinstance(x, np.generic):
        x = x.item()
    return x


def _scalar_to(value, d, numel=0):
    """value (a Python number) as a 0-d array of dtype d, raising torch's overflow error.
    (ATen fills a one-element float16 tensor without the check, so numel=1 skips it.)"""
    value = _number(value)
    if _overflows(value, d) and not (numel == 1 and d is _dtype.float16):
        raise RuntimeError(f"value cannot be converted to type {_CPP_NAMES[d.name]} without "
                           "overflow")
    if d.np.kind in "iu" and not isinstance(value, int):
        value = math.trunc(value.real if isinstance(value, complex) else value)
    if isinstance(value, int) and d.np.kind in "iu":
        value = (value + 2 ** 63) % 2 ** 64 - 2 ** 63     # wrap as C++ does, via int64
        return np.array(value, np.int64).astype(d.np)
    if isinstance(value, complex) and not d.is_complex:
        value = value.real
    with np.errstate(over="ignore"):
        return _astype(np.array(value), d.np)


def _fill_dtype(value):
    """The dtype full() infers from its fill value: by category, as a Scalar does."""
    if isinstance(value, Tensor):
        k = value._data.dtype.kind
        return (_dtype.bool_ if k == "b" else _dtype.int64 if k in "iu" else
                _default_complex() if k == "c" else get_default_dtype())
    if isinstance(value, (bool, np.bool_)) and type(value) is bool:
        return _dtype.bool_
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return _dtype.int64
    if isinstance(value, complex):      # np.complex64 is read as a double
        return _default_complex()
    return get_default_dtype()


# -- tensor(): torch's dtype inference and data conversion for nested Python data ---------------

def _is_seq(x):
    return isinstance(x, (list, tuple, builtins.range, np.ndarray))


def _leaf_dtype(x):
    """infer_scalar_type of one non-sequence item (torch/csrc/utils/tensor_new.cpp)."""
    t = type(x)
    if t is float:
        return get_default_dtype()
    if t is int:
        return _dtype.int64
    if t is bool:
        return _dtype.bool_
    if t is complex:
        return _default_complex()
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, np.generic):
        if isinstance(x, (np.str_, np.bytes_)):
            raise TypeError(f"new(): invalid data type '{_tp_name(x)}'")
        return from_numpy_dtype(x.dtype)
    if isinstance(x, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_tp_name(x)}'")
    if isinstance(x, bool):
        return _dtype.bool_
    if isinstance(x, int):
        return _dtype.int64
    if isinstance(x, float):
        return get_default_dtype()
    if isinstance(x, complex):
        return _default_complex()
    raise RuntimeError(f"Could not infer dtype of {_tp_name(x)}")


_FAST_LEAVES = {float, int, bool}


def _infer_dtype(data):
    """torch's dtype for nested data: every item's type promoted together (Python floats as
    the default dtype, ints as int64, NumPy scalars/arrays and tensors with their own)."""
    if isinstance(data, np.ndarray):
        return from_numpy_dtype(data.dtype)
    if not isinstance(data, (list, tuple, builtins.range)):
        return _leaf_dtype(data)
    result = None
    stack = [data]
    while stack:
        seq = stack.pop()
        if len(seq) == 0:
            d = get_default_dtype()
            result = d if result is None else _dtype.promote_types(result, d)
            continue
        types = set(map(type, seq))
        if types <= _FAST_LEAVES:          # plain Python numbers: one look per type suffices
            for t in types:
                d = _leaf_dtype(t())
                result = d if result is None else _dtype.promote_types(result, d)
            continue
        for x in seq:
            if isinstance(x, (list, tuple, builtins.range)):
                stack.append(x)
                continue
            d = from_numpy_dtype(x.dtype) if isinstance(x, np.ndarray) else _leaf_dtype(x)
            result = d if result is None else _dtype.promote_types(result, d)
        if result is _dtype.complex128:
            return result
    return result


_MAX_DIMS = 128


def _is_pyseq(x):
    """PySequence_Check as compute_sizes sees it: lists, tuples, ranges, NumPy arrays and also
    str/bytes (whose items are strs again: torch then runs out of dimensions)."""
    return isinstance(x, (list, tuple, builtins.range, np.ndarray, str, bytes))


def _compute_sizes(data):
    """The shape torch reads off nested data: the length at each level, following first items."""
    sizes = []
    obj = data
    while _is_pyseq(obj):
        if isinstance(obj, np.ndarray):
            if obj.ndim == 0:
                raise TypeError("len() of unsized object")
            for n in obj.shape:       # torch reads it level by level: stops at a 0
                sizes.append(n)
                if n == 0:
                    break
            break
        sizes.append(len(obj))
        if len(sizes) > _MAX_DIMS:
            raise ValueError(f"too many dimensions '{_tp_name(obj)}'")
        if len(obj) == 0:
            break
        obj = obj[0]
    return tuple(sizes)


# -- store_scalar (torch/csrc/utils/python_scalars.h): one Python object stored as dtype d ----
# The CPython conversions torch calls, with their messages: PyLong_AsLongLongAndOverflow
# (__index__), PyFloat_AsDouble (__float__, then __index__), PyComplex_AsCComplex.

def _c_long(x):
    """PyLong_AsLongLongAndOverflow: the integer (unbounded here; callers check overflow)."""
    if isinstance(x, int):
        return int(x)
    return operator.index(x)


def _c_double(x):
    """PyFloat_AsDouble."""
    if isinstance(x, float):
        return float(x)
    if isinstance(x, Tensor) and x._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    t = type(x)
    f = getattr(t, "__float__", None)
    if f is not None:
        return float(f(x))
    i = getattr(t, "__index__", None)
    if i is not None:
        return float(i(x))
    raise TypeError(f"must be real number, not {_tp_name(x)}")


def _c_complex(x):
    """PyComplex_AsCComplex."""
    if isinstance(x, complex):
        return complex(x)
    if isinstance(x, Tensor) and x._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")
    c = getattr(type(x), "__complex__", None)
    if c is not None:
        return complex(c(x))
    return complex(_c_double(x), 0.0)


def _store_int(x, d):
    """unpackIntegral<T>: floats through checked_convert<T>(double), the rest through
    PyLong_AsLongLong (no __index__: TypeError; beyond int64: ValueError) and
    checked_convert<T>(int64)."""
    if isinstance(x, float):
        if _overflows(float(x), d):
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
        return math.trunc(x)
    v = _c_long(x)
    if not _INT64_MIN <= v <= _INT64_MAX:
        raise ValueError("Overflow when unpacking long long")
    if _overflows(v, d):
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return v


def _store_bool(x):
    """THPUtils_unpackNumberAsBool: floats and complexes by value, the rest by __index__
    (an int beyond int64 is simply true)."""
    if isinstance(x, (float, np.bool_)):
        return bool(x)
    if isinstance(x, complex):
        return x != 0
    return _c_long(x) != 0


def _leaf_store(d):
    if d is _dtype.bool_:
        return _store_bool
    if d.np.kind in "iu":
        return lambda x: _store_int(x, d)
    if d.is_complex:
        return _c_complex
    return _c_double


def _store_ndarray(arr, d, store, out):
    """The items of a NumPy array met inside nested data, stored one by one as torch does
    (each is a NumPy scalar), vectorised where that cannot change the result."""
    if arr.size == 0:
        return
    flat = arr.reshape(-1)
    store(flat[0])                 # a type the conversion refuses fails on the first item
    k = flat.dtype.kind
    if d is _dtype.bool_:
        out.extend((flat != 0).tolist())
        return
    if d.np.kind in "iu":
        info = np.iinfo(d.np)
        with np.errstate(invalid="ignore"):
            if k == "f":
                bad = np.isnan(flat) | (flat < info.min) | (flat > info.max)
            elif k == "u" and info.min == 0:
                bad = flat > info.max
            elif k == "u":
                bad = flat > min(info.max, _INT64_MAX)
            elif info.min == 0:
                bad = (flat > info.max) | (flat < -int(info.max))
            else:
                bad = (flat < info.min) | (flat > info.max)
        if k not in "fiu" or bad.any():
            out.extend(store(v) for v in flat)
            return
        vals = np.trunc(flat) if k == "f" else flat
        out.extend(vals.astype(np.int64).tolist())
        return
    if d.is_complex:
        out.extend(flat.astype(np.complex128).tolist())
        return
    out.extend((flat.real if k == "c" else flat).astype(np.float64).tolist())


def _recursive_store(data, sizes, d):
    """torch's recursive_store: walk data in order against sizes, storing each item as dtype d;
    the first problem met (a length, a non-sequence, an item that does not convert) raises."""
    ndim = len(sizes)
    store = _leaf_store(d)
    out = []

    def rec(obj, dim):
        if dim == ndim:
            out.append(store(obj))
            return
        if isinstance(obj, np.ndarray) and obj.ndim and obj.shape == sizes[dim:]:
            _store_ndarray(obj, d, store, out)
            return
        if isinstance(obj, (list, tuple)):
            seq = obj
        else:
            try:
                seq = list(iter(obj))
            except TypeError:
                raise TypeError("not a sequence") from None
        if len(seq) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                             f"(got {len(seq)})")
        for x in seq:
            rec(x, dim + 1)

    rec(data, 0)
    if d is _dtype.bool_:
        arr = np.array(out, np.bool_)
    elif d.np.kind in "iu":
        arr = np.array(out, np.int64).astype(d.np)     # negative values wrap into uint8
    elif d.is_complex:
        arr = np.array(out, np.complex128).astype(d.np)
    else:
        with np.errstate(over="ignore"):
            arr = _astype(np.array(out, np.float64), d.np)
    return arr.reshape(sizes)


def _plain_numbers(data):
    """Is data nested lists/tuples of plain Python numbers only (the NumPy fast path)?"""
    stack = [data]
    while stack:
        seq = stack.pop()
        types = set(map(type, seq))
        if types <= _FAST_LEAVES:
            continue
        for t in types - _FAST_LEAVES:
            if t is not list and t is not tuple and t is not complex:
                return False
        stack.extend(x for x in seq if type(x) is list or type(x) is tuple)
    return True


def _int_store_ok(arr, d):
    """Plain Python numbers stored into an integer dtype: does every one convert?"""
    info = np.iinfo(d.np)
    k = arr.dtype.kind
    if k == "b" or arr.size == 0:
        return True
    if k not in "iuf":
        return False
    with np.errstate(invalid="ignore"):
        if k == "f":      # (>= max + 1: a Python int past int64 may have become a float)
            bad = (np.isnan(arr) | (arr < info.min) | (arr > info.max) |
                   (arr >= float(info.max) + 1))
        elif info.min == 0:
            bad = (arr > info.max) | ((arr < 0) & (arr < -int(info.max)))
        else:
            bad = (arr < info.min) | (arr > info.max)
    return not bad.any()


def _data_to_array(data, dtype):
    """The NumPy array torch.tensor(data, dtype=dtype) holds (always a fresh copy)."""
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{_tp_name(data)}'")
    if isinstance(data, Tensor):
        arr = data._data
        # torch copies with preserve_format: dense layouts keep their strides (order="K")
        return arr.copy(order="K") if dtype is None else _astype(arr, dtype.np)
    if isinstance(data, np.ndarray):
        arr = _check_numpy(data)
        return arr.copy(order="K") if dtype is None else _astype(arr, dtype.np)
    sizes = _compute_sizes(data)
    d = _infer_dtype(data) if dtype is None else dtype
    if 0 in sizes:
        return np.empty(sizes, d.np)          # torch stores nothing: ragged tails go unread
    if not sizes or not isinstance(data, (list, tuple)) or not _plain_numbers(data):
        return _recursive_store(data, sizes, d)
    # Fast path: nested lists of Python numbers through NumPy; anything NumPy's conversion
    # would treat differently from torch's item-by-item store goes the slow way, which raises
    # torch's error for the first item (in order) that fails.
    try:
        arr = np.array(data)
    except (ValueError, TypeError, OverflowError):
        return _recursive_store(data, sizes, d)
    k = arr.dtype.kind
    if arr.shape != sizes or k not in "biufc":
        return _recursive_store(data, sizes, d)
    if d.np.kind in "iu":
        if k == "c" or not _int_store_ok(arr, d):
            return _recursive_store(data, sizes, d)
        return arr.astype(np.int64).astype(d.np)     # negative values wrap into uint8
    if k == "c" and not d.is_complex:
        return _recursive_store(data, sizes, d)
    if d is _dtype.bool_:
        return arr.astype(np.bool_)
    with np.errstate(over="ignore", invalid="ignore"):
        return _astype(arr, d.np)


def _check_numpy(arr):
    """The NumPy arrays torch takes: native byte order, no negative strides, a dtype it has."""
    if not arr.dtype.isnative:
        raise ValueError(_BYTE_ORDER_MSG)
    if any(s < 0 for s in arr.strides):
        raise ValueError(_NEGATIVE_STRIDES_MSG)
    from_numpy_dtype(arr.dtype)
    return arr


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data (nested lists/tuples of numbers, NumPy arrays and
    scalars, tensors); the dtype is inferred as torch infers it unless given."""
    _check_device(device)
    dtype = _dtype_arg(dtype, "tensor")
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    return _finish(_data_to_array(data, dtype), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a NumPy array or tensor of the right dtype."""
    _check_device(device)
    dtype = _dtype_arg(dtype, "as_tensor")
    if isinstance(data, Tensor):
        if dtype is None or dtype is data.dtype:
            return data
        return data.to(dtype)
    if isinstance(data, np.ndarray):
        _check_numpy(data)
        if dtype is None or dtype.np == data.dtype:
            return _make(data)
        return _make(_astype(data, dtype.np))
    return _make(_data_to_array(data, dtype))


def from_numpy(ndarray):
    """A tensor sharing ndarray's memory (writes through either show in both)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {_tp_name(ndarray)})")
    return _make(_check_numpy(ndarray))


def scalar_tensor(s, *, dtype=None, layout=None, device=None, pin_memory=False,
                  requires_grad=False):
    """A 0-d tensor holding the number s, of the default float dtype unless dtype is given."""
    _check_device(device)
    if not isinstance(s, (int, float, complex, np.number, np.bool_)) and not (
            isinstance(s, Tensor) and s._data.size == 1):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{_tp_name(s)}")
    dtype = _dtype_arg(dtype, "scalar_tensor") or get_default_dtype()
    return _finish(_scalar_to(s, dtype, 1), requires_grad)


# -- filled tensors ---------------------------------------------------------------------------

def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None, **kw):
    _check_device(device)
    _no_out(out, "zeros")
    shape = _size_arg("zeros", size or _kw_size(kw))
    if any(s < 0 for s in shape):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    dtype = _dtype_arg(dtype, "zeros")
    return _finish(np.zeros(shape, _np_dtype(dtype)), requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, memory_format=None, **kw):
    _check_device(device)
    _no_out(out, "ones")
    shape = _check_size(_size_arg("ones", size or _kw_size(kw)))
    dtype = _dtype_arg(dtype, "ones")
    return _finish(np.ones(shape, _np_dtype(dtype)), requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None, **kw):
    _check_device(device)
    _no_out(out, "empty")
    shape = _check_size(_size_arg("empty", size or _kw_size(kw)))
    dtype = _dtype_arg(dtype, "empty")
    return _finish(np.empty(shape, _np_dtype(dtype)), requires_grad)


def _kw_size(kw):
    if "size" in kw:
        return (kw.pop("size"),)
    if kw:
        raise TypeError(f"got an unexpected keyword argument '{next(iter(kw))}'")
    return ()


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor of shape size filled with fill_value; the dtype follows the value's kind
    (bool, int64, the default float or complex dtype) unless given."""
    _check_device(device)
    _no_out(out, "full")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{_tp_name(size)}")
    shape = _check_size(_size_arg("full", (size,)))
    dtype = _dtype_arg(dtype, "full") or _fill_dtype(fill_value)
    return _finish(np.full(shape, _scalar_to(fill_value, dtype, math.prod(shape))),
                   requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """An uninitialised tensor with the given shape and strides (in elements)."""
    _check_device(device)
    shape = _check_size(_size_arg("empty_strided", (size,)))
    stride = tuple(int(s) for s in stride)
    if len(stride) != len(shape):
        raise RuntimeError(f"dimensionality of sizes ({len(shape)}) must match dimensionality "
                           f"of strides ({len(stride)})")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes="
                           f"[{', '.join(map(str, shape))}] and strides="
                           f"[{', '.join(map(str, stride))}]")
    dt = np.dtype(_np_dtype(_dtype_arg(dtype, "empty_strided")))
    storage = 0 if 0 in shape else 1 + sum((n - 1) * s for n, s in zip(shape, stride))
    buf = np.empty(storage, dt)
    arr = np.lib.stride_tricks.as_strided(buf, shape, tuple(s * dt.itemsize for s in stride))
    return _finish(arr, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, pin_memory=False,
        requires_grad=False):
    """The n x m identity matrix (m defaults to n)."""
    _check_device(device)
    _no_out(out, "eye")
    if not _is_int(n):
        raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {_tp_name(n)}")
    if m is not None and not _is_int(m):
        raise TypeError(f"eye(): argument 'm' (position 2) must be int, not {_tp_name(m)}")
    n = int(n)
    m = n if m is None else int(m)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = _dtype_arg(dtype, "eye")
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype)), requires_grad)


# -- *_like and Tensor.new_* ------------------------------------------------------------------

def _like_array(input, d, kind):
    """A new array shaped as input's, laid out as torch's preserve_format lays it out: the
    input's own stride order (dense strides sorted as the input's), as NumPy's order="K"."""
    fn = {"zeros": np.zeros_like, "ones": np.ones_like, "empty": np.empty_like}[kind]
    return fn(input._data, dtype=d.np, order="K")


def _like_dtype(input, dtype, fn):
    dtype = _dtype_arg(dtype, fn)
    return input.dtype if dtype is None else dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    _check_device(device)
    d = _like_dtype(input, dtype, "zeros_like")
    return _finish(_like_array(input, d, 'zeros'), requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    _check_device(device)
    d = _like_dtype(input, dtype, "ones_like")
    return _finish(_like_array(input, d, 'ones'), requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    _check_device(device)
    d = _like_dtype(input, dtype, "empty_like")
    return _finish(_like_array(input, d, 'empty'), requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    _check_device(device)
    d = _like_dtype(input, dtype, "full_like")
    arr = _like_array(input, d, "empty")
    arr[...] = _scalar_to(fill_value, d, input._data.size)
    return _finish(arr, requires_grad)


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None,
               pin_memory=False):
    """A new tensor holding a copy of data, of this tensor's dtype unless dtype is given."""
    _check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
    d = _dtype_arg(dtype, "new_tensor") or self.dtype
    return _finish(_data_to_array(data, d), requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False, **kw):
    _check_device(device)
    shape = _check_size(_size_arg("new_zeros", size or _kw_size(kw)))
    d = _dtype_arg(dtype, "new_zeros") or self.dtype
    return _finish(np.zeros(shape, d.np), requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False, **kw):
    _check_device(device)
    shape = _check_size(_size_arg("new_ones", size or _kw_size(kw)))
    d = _dtype_arg(dtype, "new_ones") or self.dtype
    return _finish(np.ones(shape, d.np), requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, layout=None,
              pin_memory=False, **kw):
    _check_device(device)
    shape = _check_size(_size_arg("new_empty", size or _kw_size(kw)))
    d = _dtype_arg(dtype, "new_empty") or self.dtype
    return _finish(np.empty(shape, d.np), requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False,
             layout=None, pin_memory=False):
    _check_device(device)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, not "
                        f"{_tp_name(size)}")
    shape = _check_size(_size_arg("new_full", (size,)))
    d = _dtype_arg(dtype, "new_full") or self.dtype
    return _finish(np.full(shape, _scalar_to(fill_value, d, math.prod(shape))), requires_grad)


def _legacy_constructor(*args, **kwargs):
    """torch.Tensor(data) copies data as the default dtype; torch.Tensor(2, 3) and
    torch.Tensor(torch.Size([2, 3])) are uninitialised; torch.Tensor() is empty."""
    for k in kwargs:
        if k != "device":
            raise TypeError(f"new() got an unexpected keyword argument '{k}'")
    if not args:
        return _make(np.empty(0, get_default_dtype().np))
    if len(args) == 1:
        data = args[0]
        if isinstance(data, Tensor):
            return data
        if type(data) is Size or _is_int(data, allow_bool=False) and not isinstance(data, Tensor):
            shape = _check_size(tuple(data) if type(data) is Size else (int(data),))
            return _make(np.empty(shape, get_default_dtype().np))
        if isinstance(data, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{_tp_name(data)}'")
        if not _is_seq(data):
            raise TypeError(f"new(): data must be a sequence (got {_tp_name(data)})")
        return _make(_data_to_array(data, get_default_dtype()))
    for i, s in enumerate(args):
        if not _is_int(s, allow_bool=True):
            raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {i + 1} "
                            f"with error \"type must be tuple of ints,but got {_tp_name(s)}\"")
    shape = _check_size(tuple(int(s) for s in args))
    return _make(np.empty(shape, get_default_dtype().np))


# -- range factories: ATen's CPU kernels, operation for operation ------------------------------
#
# NOTE: arange's and linspace's kernels (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp)
# run the AVX2 build on x86-64 (AVX512 machines included: they are not registered for AVX512),
# compiled with FMA contraction.  So `start + step * i` is one fused multiply-add, and arange
# fills 32-byte vectors, two at a time, each from a base value rounded to the output dtype:
# lane k of the vector at b is fma(k, step, T(base_b)), lane 0 the base itself; the tail that
# does not fill two vectors is computed one element at a time.  range and logspace live in
# RangeFactories.cpp, built without FMA: plain multiply, then add.  (Checked bit for bit
# against torch 2.13 with one thread; torch splits ranges over 32768 elements between its
# threads, which moves the vector bases, so multi-threaded torch can differ in the last bit.)
# NumPy has no fma, so _fma64 computes a correctly rounded one from exact products and sums
# (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums", IEEE TC 2008, Alg. 5.4).

_VECTOR_BYTES = 32
_SPLITTER = 134217729.0          # 2**27 + 1, Dekker's splitting constant for binary64


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_prod(a, b):
    p = a * b
    t = _SPLITTER * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLITTER * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _sum_round_odd(a, b):
    """a + b rounded to odd: exact sums stay, inexact ones go to the neighbour whose last
    mantissa bit is 1 (so a later rounding to fewer bits cannot round twice)."""
    s, e = _two_sum(a, b)
    s = np.array(s, np.float64, ndmin=1)
    e = np.broadcast_to(e, s.shape)
    fix = (e != 0) & ((s.view(np.int64) & 1) == 0) & np.isfinite(s)
    if fix.any():
        s[fix] = np.nextafter(s[fix], np.where(e[fix] > 0, np.inf, -np.inf))
    return s


def _fma64(a, b, c):
    """Correctly rounded a * b + c in binary64, element-wise."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    with np.errstate(over="ignore", invalid="ignore"):
        uh, ul = _two_prod(a, b)
        th, tl = _two_sum(c, uh)
        out = th + _sum_round_odd(tl, ul).reshape(np.broadcast(th, tl).shape)
        plain = a * b + c
    # where the exact product/sum machinery overflows, the plain result is the right one;
    # an exact zero result takes its sign from the plain sum too (a*b is then exact)
    return np.where(np.isfinite(out) & (out != 0), out, plain)


def _fma32(a, b, c):
    """Correctly rounded a * b + c in binary32 (inputs float32): the product is exact in
    binary64, the sum is rounded to odd there, then rounded once to binary32."""
    a, b, c = (np.asarray(v, np.float64) for v in (a, b, c))
    p = a * b
    with np.errstate(over="ignore", invalid="ignore"):
        s = _sum_round_odd(p, c).reshape(np.broadcast(p, c).shape)
        return s.astype(np.float32)


def _fma_acc(acc, a, b, c):
    return _fma32(a, b, c) if acc is np.float32 else _fma64(a, b, c)


def _range_scalar(x, fn, name, pos):
    """A range bound or step as a Python number (torch's Number argument)."""
    if isinstance(x, Tensor):
        if x._data.ndim != 0:
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Number, not "
                            "Tensor")
        return x._data.item()
    if isinstance(x, (bool, np.bool_)):
        return int(x)
    if isinstance(x, (int, float, complex, np.number)):
        x = x.item() if isinstance(x, np.generic) else x
        if isinstance(x, complex):
            raise RuntimeError("value cannot be converted to type double without overflow")
        return x
    raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Number, not "
                    f"{_tp_name(x)}")


def _check_range_bounds(start, end, step):
    dstart, dend, dstep = float(start), float(end), float(step)
    if not (dstep > 0 or dstep < 0):
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(dstart) and math.isfinite(dend)):
        raise RuntimeError(f"unsupported range: {dstart:g} -> {dend:g}")
    if not ((dstep > 0 and dend >= dstart) or (dstep < 0 and dend <= dstart)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")


def _not_implemented(kernel, d):
    names = {"bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{names[d.name]}'")


def _c_trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _arange_values(start, step, size, d):
    """Element i = start + step * i, computed as ATen's arange kernel computes it for dtype d."""
    i = np.arange(size, dtype=np.int64)
    if d.np.kind in "iu":
        s = math.trunc(start)
        st = math.trunc(step)
        with np.errstate(over="ignore"):
            return (np.int64(s) + np.int64(st) * i).astype(d.np)
    acc = np.float32 if d is _dtype.float16 else np.float64
    s = acc(start)
    st = acc(step)
    vn = _VECTOR_BYTES // d.np.itemsize
    nvec = size // (2 * vn) * (2 * vn)
    out = np.empty(size, d.np)
    with np.errstate(over="ignore"):
        if nvec:
            bases = _fma_acc(acc, st, i[:nvec:vn].astype(acc), s).astype(d.np).astype(acc)
            k = np.arange(vn, dtype=acc)
            block = _fma_acc(acc, k[None, :], st, bases[:, None])
            block[:, 0] = bases                 # lane 0 is the base itself (keeps -0.0)
            out[:nvec] = block.reshape(-1)
        if nvec < size:
            out[nvec:] = _fma_acc(acc, st, i[nvec:].astype(acc), s)
    return out


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """[start, end) in steps of step; int64 when every argument is an integer, else the
    default float dtype (unless dtype is given)."""
    _check_device(device)
    _no_out(out, "arange")
    if end is None:
        start, end = 0, _range_scalar(start, "arange", "end", 1)
    start = _range_scalar(start, "arange", "start", 1)
    end = _range_scalar(end, "arange", "end", 2)
    step = _range_scalar(step, "arange", "step", 3)
    dtype = _dtype_arg(dtype, "arange")
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = get_default_dtype() if floating else _dtype.int64
    if dtype is _dtype.bool_ or dtype.is_complex:
        _not_implemented("arange_cpu", dtype)
    _check_range_bounds(start, end, step)
    if dtype.np.kind in "iu":
        for v in (start, end, step):           # Scalar.to<int64_t>() of each argument
            _scalar_to(v, _dtype.int64)
    if dtype is _dtype.int64:
        xs, xe, xst = (math.trunc(v) for v in (start, end, step))
        if xst == 0:
            raise ValueError("step must be nonzero")
        sgn = (xst > 0) - (xst < 0)
        size = _c_trunc_div(xe - xs + xst - sgn, xst)
    else:
        size_d = math.ceil((float(end) - float(start)) / float(step))
        size = size_d
    if size < 0 or size > _INT64_MAX:
        raise RuntimeError("invalid size, possible overflow?")
    if requires_grad and not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(_REQUIRES_GRAD_MSG)
    return _finish(_arange_values(start, step, size, dtype), requires_grad)


def _range(start, end, step=1, *, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """torch.range (deprecated): [start, end] inclusive, of the default float dtype."""
    _check_device(device)
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    _no_out(out, "range")
    start = _range_scalar(start, "range", "start", 1)
    end = _range_scalar(end, "range", "end", 2)
    step = _range_scalar(step, "range", "step", 3)
    d = _dtype_arg(dtype, "range") or get_default_dtype()
    if d is _dtype.bool_ or d.is_complex:
        _not_implemented("range_cpu", d)
    _check_range_bounds(start, end, step)
    if d.np.kind in "iu":
        xs, xe, xst = (math.trunc(v) for v in (start, end, step))
        size = _c_trunc_div(xe - xs, xst) + 1
        vals = (np.int64(xs) + np.int64(xst) * np.arange(size, dtype=np.int64)).astype(d.np)
    else:
        acc = np.float32 if d is _dtype.float16 else np.float64
        xs, xe, xst = acc(start), acc(end), acc(step)
        size = int((xe - xs) / xst + 1)
        # NOTE: RangeFactories.cpp is not a per-CPU kernel file: no FMA contraction here
        vals = (xs + np.arange(size, dtype=acc) * xst).astype(d.np)
    return _finish(vals, requires_grad)


def _space_args(start, end, steps, fn):
    if isinstance(start, Tensor) or isinstance(end, Tensor):
        bad_s = isinstance(start, Tensor) and start._data.ndim != 0
        bad_e = isinstance(end, Tensor) and end._data.ndim != 0
        if isinstance(start, Tensor) and isinstance(end, Tensor):
            if bad_s or bad_e:
                raise RuntimeError(f"{fn} only supports 0-dimensional start and end tensors, "
                                   f"but got start with {start._data.ndim} dimension(s) and "
                                   f"end with {end._data.ndim} dimension(s).")
        elif bad_s:
            raise RuntimeError(f"{fn} only supports 0-dimensional start and end tensors, but got "
                               f"start with {start._data.ndim} dimension(s).")
        elif bad_e:
            raise RuntimeError(f"{fn} only supports 0-dimensional start and end tensors, but got "
                               f"end with {end._data.ndim} dimension(s).")
    start = _number(start)
    end = _number(end)
    for name, v in (("start", start), ("end", end)):
        if not isinstance(v, (int, float, complex)):
            raise TypeError(f"{fn}(): argument '{name}' must be Number, not {_tp_name(v)}")
    if not _is_int(steps):
        raise TypeError(f"{fn}(): argument 'steps' (position 3) must be int, not "
                        f"{_tp_name(steps)}")
    steps = int(steps)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return start, end, steps


def _to_dtype_value(v, d):
    """Scalar.to<scalar_t>(): a Python number converted (and checked) as ATen converts it."""
    return _scalar_to(v, d)[()]


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """steps values evenly spaced from start to end inclusive (ATen's halfway scheme: the
    first half counted up from start, the second half down from end)."""
    _check_device(device)
    _no_out(out, "linspace")
    start, end, steps = _space_args(start, end, steps, "linspace")
    d = _dtype_arg(dtype, "linspace")
    if d is None:
        d = _default_complex() if isinstance(start, complex) or isinstance(end, complex) \
            else get_default_dtype()
    if requires_grad and not (d.is_floating_point or d.is_complex):
        raise RuntimeError(_REQUIRES_GRAD_MSG)
    if steps == 0:
        return _finish(np.empty(0, d.np), requires_grad)
    if steps == 1:             # a fill, no kernel: every dtype (bool too)
        return _finish(_scalar_to(start, d, 1).reshape(1), requires_grad)
    if d is _dtype.bool_:
        _not_implemented("linspace_cpu", d)
    i = np.arange(steps, dtype=np.int64)
    half = steps // 2
    lo, hi = i[:half], steps - i[half:] - 1
    out = np.empty(steps, d.np)
    s, e = _to_dtype_value(start, d), _to_dtype_value(end, d)
    if d.np.kind in "iu":
        st = (float(e) - float(s)) / (steps - 1)
        out[:half] = _fma64(st, lo.astype(np.float64), float(s)).astype(d.np)
        out[half:] = _fma64(-st, hi.astype(np.float64), float(e)).astype(d.np)
    elif d is _dtype.float16:
        # c10::Half arithmetic: every operation rounded to half, no fused multiply-add
        with np.errstate(over="ignore"):
            st = (e - s) / np.float16(steps - 1)
            out[:half] = s + st * lo.astype(np.float16)
            out[half:] = e - st * hi.astype(np.float16)
    elif d.is_complex:
        st = (e - s) / d.np.type(steps - 1)
        out[:half] = s + st * lo.astype(d.np)
        out[half:] = e - st * hi.astype(d.np)
    else:
        acc = d.np.type
        st = (e - s) / acc(steps - 1)
        out[:half] = _fma_acc(acc, st, lo.astype(acc), s)
        out[half:] = _fma_acc(acc, -st, hi.astype(acc), e)
    return _finish(out, requires_grad)


def _c_pow(base, x):
    """C's pow(double, double): math.pow, with IEEE results where Python would raise."""
    try:
        return math.pow(base, x)
    except (OverflowError, ValueError):
        with np.errstate(all="ignore"):
            return float(np.power(np.float64(base), np.float64(x)))


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             pin_memory=False, requires_grad=False):
    """base ** linspace(start, end, steps), computed as ATen's logspace kernel computes it."""
    _check_device(device)
    _no_out(out, "logspace")
    start, end, steps = _space_args(start, end, steps, "logspace")
    base = float(_number(base))
    d = _dtype_arg(dtype, "logspace")
    if d is None:
        d = _default_complex() if isinstance(start, complex) or isinstance(end, complex) \
            else get_default_dtype()
    if requires_grad and not (d.is_floating_point or d.is_complex):
        raise RuntimeError(_REQUIRES_GRAD_MSG)
    if steps == 0:
        return _finish(np.empty(0, d.np), requires_grad)
    if steps == 1 and not d.is_complex:
        # result.fill_(pow(base, start)): a double Scalar, checked for overflow as fill_ does
        return _finish(_scalar_to(_c_pow(base, float(start)), d, 1).reshape(1), requires_grad)
    if d is _dtype.bool_:
        _not_implemented("logspace_cpu", d)
    if d.is_complex:
        s, e = d.np.type(start), d.np.type(end)
        if steps == 1:
            return _finish(np.array([np.power(np.complex128(base), complex(start))], d.np),
                           requires_grad)
        st = (e - s) / d.np.type(steps - 1)
        i = np.arange(steps)
        half = steps // 2
        expo = np.where(i < half, s + st * i.astype(d.np), e - st * (steps - i - 1).astype(d.np))
        return _finish(np.power(d.np.type(base), expo).astype(d.np), requires_grad)
    s, e = _to_dtype_value(start, d), _to_dtype_value(end, d)
    with np.errstate(over="ignore"):
        diff = int(e) - int(s) if d.np.kind in "iu" else e - s     # C++ int promotion
    st = float(diff) / (steps - 1)
    i = np.arange(steps, dtype=np.int64)
    half = steps // 2
    # NOTE: RangeFactories.cpp is not a per-CPU kernel file: no FMA contraction here
    expo = np.concatenate([float(s) + st * i[:half].astype(np.float64),
                           float(e) - st * (steps - i[half:] - 1).astype(np.float64)])
    vals = np.array([_c_pow(base, x) for x in expo.tolist()], np.float64)
    with np.errstate(all="ignore"):
        return _finish(_astype(vals, d.np), requires_grad)


range = _range     # noqa: A001 (torch.range); the builtin stays reachable as builtins.range

Tensor.new_tensor = new_tensor
Tensor.new_zeros = new_zeros
Tensor.new_ones = new_ones
Tensor.new_empty = new_empty
Tensor.new_full = new_full


# =========================================================================================
# -- more creation ops: asarray, frombuffer, window functions -------------------------------
# =========================================================================================

_UNSET = object()
_ASARRAY_WARNING = ("torch.asarray: unspecified requires_grad now defaults to "
                    "obj.requires_grad instead of False. Pass requires_grad=False explicitly "
                    "to get the old behavior and silence this warning.")


def _stem(d):
    return d._legacy[:-len("Tensor")]


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=_UNSET):
    """obj as a tensor, sharing its memory (a tensor or NumPy array of the right dtype) unless
    copy=True or a dtype conversion makes a copy necessary (copy=False then raises)."""
    _check_device(device)
    dtype = _dtype_arg(dtype, "asarray")
    if isinstance(obj, Tensor):
        if requires_grad is _UNSET:
            requires_grad = obj._requires_grad
            if requires_grad:
                warnings.warn(_ASARRAY_WARNING, UserWarning, stacklevel=2)
        if dtype is not None and dtype is not obj.dtype:
            if copy is False:
                raise ValueError(f"can't alias tensor with dtype '{_stem(obj.dtype)}' into "
                                 f"dtype '{_stem(dtype)}'.")
            t = _make(obj._data.astype(dtype.np))
        elif copy:
            t = _make(obj._data.copy())
        else:
            t = obj
            if bool(requires_grad) == t._requires_grad:
                return t
        return t.requires_grad_(bool(requires_grad))
    if requires_grad is _UNSET:
        requires_grad = False
    if isinstance(obj, np.ndarray):
        _check_numpy(obj)
        if dtype is None:
            dtype = from_numpy_dtype(obj.dtype)
        if dtype.np != obj.dtype:
            if copy is False:
                raise ValueError(f"can't alias tensor with dtype "
                                 f"'{_stem(from_numpy_dtype(obj.dtype))}' into dtype "
                                 f"'{_stem(dtype)}'.")
            arr = _astype(obj, dtype.np)
        else:
            arr = obj.copy() if copy else obj
        return _finish(arr, requires_grad)
    if copy is False:
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    return _finish(_data_to_array(obj, dtype), requires_grad)


_frombuffer_warned = []


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the memory of an object with the buffer protocol (shared: writes
    through either show in both)."""
    try:
        view = memoryview(buffer)
    except TypeError:
        raise ValueError("object does not implement Python buffer protocol.") from None
    n = view.nbytes
    size = dtype.itemsize
    if n == 0 or count == 0:
        raise ValueError(f"both buffer length ({n}) and count ({count}) must not be 0")
    if not 0 <= offset < n:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({n} bytes) minus 1")
    if count < 0:
        if (n - offset) % size:
            raise ValueError(f"buffer length ({n - offset} bytes) after offset ({offset} bytes) "
                             f"must be a multiple of element size ({size})")
        count = (n - offset) // size
    elif offset + count * size > n:
        raise ValueError(f"requested buffer length ({count} * {size} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({n} bytes)")
    if view.readonly and not _frombuffer_warned:
        _frombuffer_warned.append(True)
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of "
                      "this program.", UserWarning, stacklevel=2)
    arr = np.frombuffer(view.cast("B"), dtype=dtype.np, count=count, offset=offset)
    return _finish(arr, requires_grad)


_CPP_TYPE = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
             "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
             "complex128": "c10::complex<double>"}


def _window(name, window_length, periodic, dtype, requires_grad, values):
    """A window of window_length points from values(n, N) (n = 0..L-1 in float64, N the
    denominator: L if periodic else L - 1), computed in float64, cast to dtype."""
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise TypeError(f"{name}(): argument 'window_length' (position 1) must be int, not "
                        f"{_tp_name(window_length)}")
    dtype = _dtype_arg(dtype, name)
    d = get_default_dtype() if dtype is None else dtype
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if d.category != _dtype._FLOAT:
        if d.category == _dtype._COMPLEX:
            raise NotImplementedError(f"\"arange_cpu\" not implemented for '{_stem(d)}'")
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype={_CPP_TYPE[d.name]}"
            ", device=cpu, layout=Strided (default), requires_grad=false (default), "
            "pinned_memory=false, memory_format=(nullopt))")
    if window_length == 0:
        return _finish(np.zeros(0, d.np), requires_grad)
    if window_length == 1:
        return _finish(np.ones(1, d.np), requires_grad)
    n = np.arange(window_length, dtype=np.float64)
    N = window_length if periodic else window_length - 1
    return _finish(np.asarray(values(n, N)).astype(d.np), requires_grad)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                pin_memory=False, requires_grad=False):
    """w[n] = 0.5 - 0.5 cos(2 pi n / N)   (N = L if periodic else L - 1)"""
    _check_device(device)
    return _window("hann_window", window_length, periodic, dtype, requires_grad,
                   lambda n, N: 0.5 - 0.5 * np.cos(2 * np.pi * n / N))


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, pin_memory=False, requires_grad=False):
    """w[n] = alpha - beta cos(2 pi n / N)"""
    _check_device(device)
    return _window("hamming_window", window_length, periodic, dtype, requires_grad,
                   lambda n, N: alpha - beta * np.cos(2 * np.pi * n / N))


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """w[n] = 0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)"""
    _check_device(device)
    return _window("blackman_window", window_length, periodic, dtype, requires_grad,
                   lambda n, N: 0.42 - 0.5 * np.cos(2 * np.pi * n / N) +
                   0.08 * np.cos(4 * np.pi * n / N))


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    pin_memory=False, requires_grad=False):
    """w[n] = 1 - |2n / N - 1|"""
    _check_device(device)
    return _window("bartlett_window", window_length, periodic, dtype, requires_grad,
                   lambda n, N: 1 - np.abs(2 * n / N - 1))


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, pin_memory=False, requires_grad=False):
    """w[n] = I0(beta sqrt(1 - ((n - N/2) / (N/2))^2)) / I0(beta)"""
    _check_device(device)
    return _window("kaiser_window", window_length, periodic, dtype, requires_grad,
                   lambda n, N: np.i0(beta * np.sqrt(np.clip(
                       1 - ((n - N / 2) / (N / 2)) ** 2, 0, None))) / np.i0(beta))


__all__ += ["asarray", "frombuffer", "hann_window", "hamming_window", "blackman_window",
            "bartlett_window", "kaiser_window"]
