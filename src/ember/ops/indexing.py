"""Indexing ops: x[...] and x[...] = v, select, gather/scatter, index_select/add/fill/copy/put,
masked_fill/select/scatter, take, take_along_dim, nonzero/argwhere, tril/triu, sort/argsort,
topk, kthvalue, unique, searchsorted/bucketize.

``x[index]`` follows torch's ``applySlicing``: the index tuple is walked once; every int, slice
and None is applied as a view (one SelectBackward0 / SliceBackward0 / UnsqueezeBackward0 node
each, in order, as torch records them), and the tensor indices met on the way (int tensors,
lists, bool masks) are applied last by one IndexBackward0 on the sliced view.  The advanced
dims are then placed as NumPy places them (in place when adjacent, else in front), which is
torch's rule too.

Gradients of every "read positions" op scatter into zeros.  Two dual helpers carry that:
``_take(g, index)`` (``g[index]``) and ``_put(g, shape, index)`` (zeros with g added at index).
On arrays they are NumPy (``np.add.at`` where indices may repeat); on Tensors (create_graph)
each is a recorded op whose derivative is the other, so double backward works everywhere.
"""
import warnings

import numpy as np

from .._errors import wrap_dim, broadcast_shapes, shape_str
from .._tensor import Tensor, _make, _as_array
from ..autograd import grad_mode as _gm
from ..autograd._explain import note_inplace
from ._base import (Node, BroadcastingNode, unary, record, record_multi, inplace, _edge,
                    view as _view)
from ._return_types import return_type
from . import _views

__all__ = ["select", "index_select", "gather", "scatter", "scatter_add", "index_add",
           "index_fill", "index_copy", "index_put", "index_put_", "masked_fill", "masked_select",
           "masked_scatter", "nonzero", "argwhere", "take", "take_along_dim", "tril", "triu",
           "sort", "argsort", "topk", "kthvalue", "unique", "searchsorted", "bucketize"]

def _type_name(t):
    """Float, Double, Long ... as torch names a tensor's scalar type in messages."""
    return t.dtype._legacy[:-len("Tensor")]


# -- dual helpers: NumPy on arrays, recorded ops on Tensors ---------------------------------

def _take(g, index):
    """g[index] for a NumPy index tuple; differentiable on Tensors (IndexBackward0)."""
    if isinstance(g, Tensor):
        return _index(g, index)
    return _as_array(g[index])


def _put_array(g, shape, index, accumulate):
    out = np.zeros(shape, g.dtype)
    if accumulate and any(type(i) is np.ndarray and i.dtype != np.bool_ for i in index):
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


class IndexPutImplBackward0(Node):
    """values: grad.index(indices)   (zeros with the gradient put at indices, under
    create_graph: the backward of every gather-like op here)"""
    __slots__ = ()

    def backward(self, grad):
        return (_take(grad, self.args[0]),)


def _put(g, shape, index, accumulate=True):
    """zeros(shape) with g added at index (accumulate: repeated positions sum) or written."""
    if isinstance(g, Tensor):
        return unary(IndexPutImplBackward0, g, _put_array(g._data, shape, index, accumulate),
                     args=(index,))
    return _put_array(g, shape, index, accumulate)


def _zero_at(g, index):
    """g with the positions index set to zero."""
    if isinstance(g, Tensor):
        keep = np.ones(g._data.shape, g._data.dtype)
        keep[index] = 0
        return g * keep
    out = np.array(g, copy=True)
    out[index] = 0
    return out


def _zero_where(g, mask):
    """g with zeros where the bool array mask (broadcastable to g) is true."""
    if isinstance(g, Tensor):
        return g * ~mask
    return np.where(mask, 0, g)


def _zeros_shaped(g, shape):
    """Zeros of shape in g's dtype (a constant Tensor under create_graph)."""
    dt = g._data.dtype if isinstance(g, Tensor) else g.dtype
    z = np.zeros(shape, dt)
    return _make(z) if isinstance(g, Tensor) else z


def _reshape(g, shape):
    return g.reshape(shape) if isinstance(g, Tensor) else np.reshape(g, shape)


# -- select, slice, alias: the views of basic indexing -------------------------------------

class SelectBackward0(Node):
    """self: select_backward_symint(grad, self.sym_sizes(), dim, index)"""
    __slots__ = ()

    def backward(self, grad):
        shape, index = self.args
        return (_put(grad, shape, index, False),)


class SliceBackward0(Node):
    """self: slice_backward_wrapper(grad, self.sym_sizes(), dim, start, end, step)"""
    __slots__ = ()

    def backward(self, grad):
        shape, index = self.args
        return (_put(grad, shape, index, False),)


class AliasBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


def _select(x, dim, i):
    """x.select(dim, i) for a checked, non-negative dim and i: a view."""
    index = (slice(None),) * dim + (i, Ellipsis)      # Ellipsis: a 0-d result stays a view
    return _view(SelectBackward0, x, x._data[index], args=(x._data.shape, index))


def _slice(x, dim, start, stop, step):
    index = (slice(None),) * dim + (slice(start, stop, step),)
    return _view(SliceBackward0, x, x._data[index], args=(x._data.shape, index))


def _alias(x):
    return _view(AliasBackward0, x, x._data.view())


def select(input, dim, index):
    """input.select(dim, index): the slice at index along dim, without that dim (a view)."""
    x = input._data
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, x.ndim)
    index = int(index)
    n = x.shape[dim]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{shape_str(x.shape)} at dimension {dim}")
    return _select(input, dim, index + n if index < 0 else index)


# -- parsing an index the way torch's applySlicing does ------------------------------------

_BAD_INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"
_INDEX_DTYPES = frozenset(np.dtype(t) for t in (np.int64, np.int32, np.uint8, np.bool_))
_INT_INDEX_DTYPES = frozenset(np.dtype(t) for t in (np.int64, np.int32))
_SEQ_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
    "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will "
    "be interpreted as tensor index, x[torch.tensor(seq)], which will result either in an "
    "error or a different result")


def _is_int(obj):
    return (isinstance(obj, (int, np.integer)) and not isinstance(obj, (bool, np.bool_)))


def _as_tuple(index):
    """torch's treatSequenceAsTuple: NumPy's heuristic for a list used as an index."""
    if isinstance(index, tuple):          # torch.Size and named tuples too
        return tuple(index)
    if isinstance(index, (Tensor, np.ndarray)) or not isinstance(index, (list, str)):
        return (index,)
    if len(index) < 32:
        for item in index:
            if (isinstance(item, (Tensor, list, tuple, np.ndarray, slice, str)) or
                    item is None or item is Ellipsis):
                warnings.warn(_SEQ_WARNING, UserWarning, stacklevel=3)
                return tuple(index)
    return (index,)


def _index_array(obj):
    """A list, NumPy array or Tensor used as an index, as a NumPy array (its dtype kept)."""
    if isinstance(obj, Tensor):
        return obj._data
    if isinstance(obj, np.ndarray):
        return obj
    if isinstance(obj, (list, tuple)):
        if len(obj) == 0:
            return np.zeros(0, np.int64)
        arr = np.array([o._data if isinstance(o, Tensor) else o for o in obj])
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64, copy=False)
        if arr.dtype.kind in "bf":
            return arr
    if isinstance(obj, str):
        raise TypeError("new(): invalid data type 'str'")
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(obj).__name__})")


def _classify(obj):
    """One index item as ('int', i) / ('slice', s) / ('none',) / ('ellipsis',) /
    ('bool', b) / ('tensor', array)."""
    if _is_int(obj):
        return ("int", int(obj))
    if isinstance(obj, slice):
        return ("slice", obj)
    if obj is None:
        return ("none",)
    if obj is Ellipsis:
        return ("ellipsis",)
    if isinstance(obj, (bool, np.bool_)):
        return ("bool", bool(obj))
    if isinstance(obj, float):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                         "byte Variables are valid indices (got float)")
    arr = _index_array(obj)
    if arr.ndim == 0 and arr.dtype.kind in "iub":
        if arr.dtype.kind == "b" or arr.dtype == np.uint8:
            return ("bool", bool(arr))
        return ("int", int(arr))
    return ("tensor", arr)


def _is_mask(arr):
    return arr.dtype.kind == "b" or arr.dtype == np.uint8


def _slice_bounds(s, n):
    step = 1 if s.step is None else int(s.step)
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step < 0:
        raise ValueError("step must be greater than zero")
    start, stop, step = slice(s.start, s.stop, step).indices(n)
    return start, max(stop, start), step


def _covers(s, n):
    return ((s.start is None or s.start == 0) and (s.stop is None or s.stop >= n) and
            (s.step is None or s.step == 1))


def _parse(shape, items, keep_full_slices=False):
    """torch's applySlicing over a shape.  Returns (steps, tensors): steps are ('select', dim,
    i), ('slice', dim, start, stop, step) and ('unsqueeze', dim) to apply in order, and
    tensors maps dims of the sliced result to the index arrays to apply there."""
    items = [_classify(o) for o in items]
    ndim = len(shape)
    specified = 0
    for it in items:
        if it[0] in ("int", "slice"):
            specified += 1
        elif it[0] == "tensor":
            specified += it[1].ndim if _is_mask(it[1]) else 1
    if specified > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    shape = list(shape)
    steps = []
    tensors = {}
    dim = 0
    for pos, it in enumerate(items):
        kind = it[0]
        if kind == "int":
            n = shape[dim] if dim < len(shape) else 0
            i = it[1]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {pos} with size {n}")
            steps.append(("select", dim, i + n if i < 0 else i))
            del shape[dim]
        elif kind == "slice":
            n = shape[dim]
            s = it[1]
            start, stop, step = _slice_bounds(s, n)
            # torch skips a slice whose *unnormalised* bounds cover the dim ([:], [0:99])
            if keep_full_slices or not _covers(s, n):
                steps.append(("slice", dim, start, stop, step))
                shape[dim] = len(range(start, stop, step))
            dim += 1
        elif kind == "ellipsis":
            dim += ndim - specified
        elif kind == "none":
            steps.append(("unsqueeze", dim))
            shape.insert(dim, 1)
            dim += 1
        elif kind == "bool":
            steps.append(("unsqueeze", dim))
            shape.insert(dim, 1)
            tensors[dim] = np.zeros(1 if it[1] else 0, np.int64)
            dim += 1
        else:
            arr = it[1]
            tensors[dim] = arr
            dim += arr.ndim if _is_mask(arr) else 1
    return steps, tensors


def _advanced(shape, tensors):
    """The NumPy index tuple applying torch's tensor indices {dim: array} to a tensor of
    shape, after torch's checks (dtypes, mask shapes, broadcasting, bounds)."""
    for arr in tensors.values():
        if arr.dtype not in _INDEX_DTYPES:
            raise IndexError(_BAD_INDEX_DTYPE)
    compact = []                  # (dim, integer index array, needs a bounds check)
    for d in sorted(tensors):
        arr = tensors[d]
        if arr.dtype.kind == "b" or arr.dtype == np.uint8:
            if arr.dtype == np.uint8:
                warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                              "dtype torch.bool instead.", UserWarning, stacklevel=4)
                arr = arr.astype(np.bool_)
            for j, s in enumerate(arr.shape):
                if s != shape[d + j]:
                    raise IndexError(f"The shape of the mask {shape_str(arr.shape)} at index "
                                     f"{j} does not match the shape of the indexed tensor "
                                     f"{shape_str(shape)} at index {d + j}")
            if len(tensors) == 1 and arr.ndim:
                # a lone mask: NumPy's boolean indexing is torch's nonzero expansion
                return (slice(None),) * d + (arr,)
            for j, nz in enumerate(np.nonzero(arr)):
                compact.append((d + j, nz, False))
        else:
            compact.append((d, arr, True))
    try:
        bshape = compact[0][1].shape if len(compact) == 1 else \
            np.broadcast_shapes(*[a.shape for _, a, _ in compact])
    except ValueError:
        shapes = ", ".join(shape_str(a.shape) for _, a, _ in compact)
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together "
                         f"with shapes {shapes}") from None
    bad = None
    for d, a, check in compact:
        n = shape[d]
        if check and a.size and (a.min() < -n or a.max() >= n):
            out = np.broadcast_to((a < -n) | (a >= n), bshape)
            bad = out if bad is None else bad | out
    if bad is not None:
        first = int(np.argmax(bad.reshape(-1)))
        for k, (d, a, _) in enumerate(compact):
            v = int(np.broadcast_to(a, bshape).reshape(-1)[first])
            n = shape[d]
            if n == 0:
                raise IndexError("index is out of bounds for dimension with size 0")
            if not -n <= v < n:
                raise IndexError(f"index {v} is out of bounds for dimension {k} with size {n}")
    index = [slice(None)] * (compact[-1][0] + 1)
    for d, a, _ in compact:
        index[d] = a
    return tuple(index)


def _result_shape(shape, index):
    """The shape of x[index] for x of shape and an index tuple from _advanced."""
    last = index[-1]
    if last.dtype == np.bool_:                      # a lone mask
        d = len(index) - 1
        return tuple(shape[:d]) + (int(np.count_nonzero(last)),) + tuple(shape[d + last.ndim:])
    dims = [d for d, it in enumerate(index) if type(it) is not slice]
    arrays = [index[d] for d in dims]
    bshape = arrays[0].shape if len(arrays) == 1 else \
        np.broadcast_shapes(*[a.shape for a in arrays])
    if dims[-1] - dims[0] == len(dims) - 1:           # adjacent: in place
        return tuple(shape[:dims[0]]) + bshape + tuple(shape[dims[-1] + 1:])
    return bshape + tuple(s for d, s in enumerate(shape) if d not in dims)


class IndexBackward0(Node):
    """self: index_backward(grad.new_zeros_symint(self.sym_sizes(), self.options()), indices,
    grad)"""
    __slots__ = ()

    def backward(self, grad):
        shape, index = self.args
        return (_put(grad, shape, index, True),)


def _index(x, index):
    """x[index] for a NumPy index tuple with integer arrays: a copy (IndexBackward0)."""
    data = x._data
    out = data[index]
    if type(out) is np.ndarray and np.may_share_memory(out, data):
        out = out.copy()          # 0-d index arrays act as ints in NumPy: never a view here
    if x._requires_grad and _gm._enabled:
        # the index arrays may be the caller's index tensors: keep copies for backward
        index = tuple(np.array(i) if type(i) is np.ndarray else i for i in index)
    return unary(IndexBackward0, x, out, args=(data.shape, index))


def _run_steps(x, steps):
    """Apply the view steps of _parse to a Tensor, recording each."""
    for st in steps:
        kind = st[0]
        if kind == "select":
            x = _select(x, st[1], st[2])
        elif kind == "slice":
            x = _slice(x, *st[1:])
        else:
            x = x.unsqueeze(st[1])
    return x


def _run_steps_array(a, steps):
    """The same steps on a NumPy array (views of it)."""
    for st in steps:
        kind = st[0]
        if kind == "select":
            a = a[(slice(None),) * st[1] + (st[2], Ellipsis)]
        elif kind == "slice":
            a = a[(slice(None),) * st[1] + (slice(st[2], st[3], st[4]),)]
        else:
            a = np.expand_dims(a, st[1])
    return a


def _getitem(self, index):
    """x[index]: views for ints, slices, None and ..., a copy for tensor/list/mask indices."""
    if _is_int(index):
        x = self._data
        if x.ndim == 0 and int(index) == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        n = x.shape[0] if x.ndim else 0
        i = int(index)
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of bounds for dimension 0 with size {n}")
        return _select(self, 0, i + n if i < 0 else i)
    if type(index) is slice:
        if self._data.ndim == 0:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        start, stop, step = _slice_bounds(index, self._data.shape[0])
        return _slice(self, 0, start, stop, step)
    if index is None:
        return self.unsqueeze(0)
    if index is Ellipsis:
        return _alias(self)
    if (isinstance(index, Tensor) and index._data.ndim and self._data.ndim and
            index._data.dtype in _INT_INDEX_DTYPES):       # x[idx]: the common gather
        return _index(self, _advanced(self._data.shape, {0: index._data}))
    steps, tensors = _parse(self._data.shape, _as_tuple(index))
    result = _run_steps(self, steps)
    if tensors:
        return _index(result, _advanced(result._data.shape, tensors))
    if result is self:
        return _alias(self)
    return result


# -- setitem: in-place writes recorded as CopySlices / IndexPutBackward0 ----------------------

class CopySlices(BroadcastingNode):
    """A write into a region of self:  self: grad with the region zeroed;
    src: grad[region] (summed to src's shape by BroadcastingNode)."""
    __slots__ = ()

    def backward(self, grad):
        shape, pos, accumulate = self.args
        g_self = g_src = None
        if self.next_functions[0][0] is not None:
            if accumulate:
                g_self = grad
            elif pos is None:
                g_self = _zeros_shaped(grad, shape)
            else:
                g_self = _reshape(_zero_at(_reshape(grad, -1), (pos,)), shape)
        if self.next_functions[1][0] is not None:
            g_src = grad if pos is None else _take(_reshape(grad, -1), (pos,))
        return g_self, g_src


class CopyBackwards(CopySlices):
    """self: zeros_like(grad)   src: grad  (x.copy_(src) of the whole tensor)"""
    __slots__ = ()


class FillBackward3(CopySlices):
    """self: zeros_like(grad)   value: grad.sum()  (x.fill_(0-d tensor))"""
    __slots__ = ()


class IndexPutBackward0(CopySlices):
    """self: grad.index_put(indices, zeros_like(values), accumulate)
    values: grad.index(indices)  (summed to values' shape)"""
    __slots__ = ()


def _strip_ones(shape):
    """torch's slicePrefix1sDims: drop leading size-1 dims."""
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return tuple(shape[i:])


def _check_expand(src, dst, legacy):
    """torch's expand() errors for copying a value of shape src (legacy type name) into dst."""
    if len(src) > len(dst):
        raise RuntimeError(f"expand(torch.{legacy}{{{shape_str(src)}}}, size="
                           f"{shape_str(dst)}): the number of sizes provided ({len(dst)}) must "
                           f"be greater or equal to the number of dimensions in the tensor "
                           f"({len(src)})")
    lead = len(dst) - len(src)
    for i, s in enumerate(src):
        if s != 1 and s != dst[lead + i]:
            raise RuntimeError(f"The expanded size of the tensor ({dst[lead + i]}) must match "
                               f"the existing size ({s}) at non-singleton dimension {lead + i}."
                               f"  Target sizes: {shape_str(dst)}.  Tensor sizes: "
                               f"{shape_str(src)}")


def _value_tensor(self, value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, complex, np.bool_, np.number)):
        return _make(np.array(value).astype(self._data.dtype))
    name = type(value).__name__
    module = type(value).__module__
    if module not in ("builtins", None):
        name = f"{module}.{name}"
    raise TypeError(f"can't assign a {name} to a torch.{self.dtype._legacy}")


def _setitem(self, index, value):
    """x[index] = value: writes into x's memory, bumps its version, records the write."""
    v = _value_tensor(self, value)
    if type(index) is not tuple and (index is None or index is Ellipsis or
                                     isinstance(index, (bool, slice)) or _is_int(index)):
        # torch's single-index fast paths (x[False] = v writes nothing)
        if index is False:
            return
        if index is None or index is True:
            steps, tensors = [("unsqueeze", 0)], {}
        elif index is Ellipsis:
            steps, tensors = [], {}
        else:
            if self._data.ndim == 0:        # torch's single-index errors on a 0-d tensor
                if type(index) is slice:
                    raise IndexError("slice() cannot be applied to a 0-dim tensor.")
                if int(index) == 0:
                    raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in "
                                     "Python or `tensor.item<T>()` in C++ to convert a 0-dim "
                                     "tensor to a number")
                raise IndexError(f"index {int(index)} is out of bounds for dimension 0 with "
                                 "size 0")
            steps, tensors = _parse(self._data.shape, (index,))
    else:
        steps, tensors = _parse(self._data.shape, _as_tuple(index))
    _write(self, steps, tensors, v, accumulate=False, index_put=False)


def _write(self, steps, tensors, v, accumulate, index_put, history=None):
    """Write v into self at (steps, tensors) as torch's set_item / index_put_ do.  history is
    the tensor whose graph self continues (self; for out-of-place index_put, its input)."""
    if history is None:
        history = self
    target = _run_steps_array(self._data, steps)
    vd = v._data
    np_index = None
    if tensors:
        np_index = _advanced(target.shape, tensors)
        vshape = _strip_ones(vd.shape)
        if vshape:
            region = _result_shape(target.shape, np_index)
            lead = len(region) - len(vshape)
            if lead < 0 or any(s != 1 and s != region[lead + i] for i, s in enumerate(vshape)):
                raise RuntimeError(f"shape mismatch: value tensor of shape {shape_str(vshape)} "
                                   "cannot be broadcast to indexing result of shape "
                                   f"{shape_str(region)}")
        if (vd.dtype != self._data.dtype and not index_put and vd.size == 1
                and len(tensors) == 1 and next(iter(tensors.values())).dtype.kind in "bu"):
            # x[mask] = one value is torch's masked_fill_ fast path, which casts the value
            v = v.to(self.dtype)
            vd = v._data
        if vd.dtype != self._data.dtype:
            raise RuntimeError(f"Index put requires the source and destination dtypes match, "
                               f"got {_type_name(self)} for the destination and "
                               f"{_type_name(v)} for the source.")
        path = "index_put"
    elif vd.shape == target.shape:
        vshape, path = vd.shape, "copy"
    elif vd.ndim == 0:
        vshape, path = (), "fill"
    else:
        vshape, path = _strip_ones(vd.shape), "copy"
        _check_expand(vshape, target.shape, v.dtype._legacy)

    recording = _gm._enabled and (history._requires_grad or v._requires_grad)
    if recording:
        if history is self and self._base is not None:
            _views.check(self)
        if history is self and self._requires_grad and self.grad_fn is None:
            raise RuntimeError(("a view of a leaf Variable" if steps else "a leaf Variable") +
                               " that requires grad is being used in an in-place operation.")
        if v._requires_grad and vshape != vd.shape:
            v = v.reshape(vshape)                      # ViewBackward0, as torch records
        if v._requires_grad and path == "copy" and vshape != target.shape:
            v = v.expand(target.shape)                 # ExpandBackward0
    if not target.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    src = vd.reshape(vshape) if vshape != vd.shape else vd
    if np_index is None:
        np.copyto(target, src, casting="unsafe")
    elif accumulate:
        np.add.at(target, np_index, src)
    else:
        target[np_index] = src
    self._vc[0] += 1
    note_inplace(self, "index_put_" if index_put else "__setitem__")   # for error notes
    if not recording:
        return
    if not steps and np_index is None:
        pos = None
        Cls = FillBackward3 if path == "fill" else CopyBackwards
    else:
        pos = _run_steps_array(np.arange(self._data.size).reshape(self._data.shape), steps)
        if np_index is not None:
            pos = pos[np_index]
        pos = np.array(pos, copy=True)
        Cls = IndexPutBackward0 if index_put or (np_index is not None and not steps) \
            else CopySlices
    node = Cls((_edge(history), _edge(v)), (), (self._data.shape, pos, accumulate))
    node.meta = ((self._data.shape, self._data.dtype), (v._data.shape, v._data.dtype))
    if history is self:
        _views.rebase_history(self, node)
    else:
        self.grad_fn = node
        self._output_nr = 0
        self._requires_grad = True


def _delitem(self, index):
    raise TypeError("Tensor does not support deleting items")


def index_put_(input, indices, values, accumulate=False):
    """input[indices] = values in place (values added where accumulate); indices a tuple of
    index tensors, one per leading dim."""
    tensors = _index_put_tensors(input, indices)
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put_(): argument 'values' (position 2) must be Tensor, not "
                        f"{type(values).__name__}")
    _write(input, [], tensors, values, accumulate=bool(accumulate), index_put=True)
    return input


def _index_put_tensors(input, indices):
    indices = tuple(indices)
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    ndim = input._data.ndim
    if len(indices) > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim} (got "
                         f"{len(indices)})")
    return {d: t._data for d, t in enumerate(indices)}


def index_put(input, indices, values, accumulate=False):
    """The out-of-place index_put_: a copy of input with values put at indices."""
    tensors = _index_put_tensors(input, indices)
    out = _make(input._data.copy())
    _write(out, [], tensors, values, accumulate=bool(accumulate), index_put=True,
           history=input)
    return out


# -- gather / scatter -------------------------------------------------------------------------

def _dim_index(index, dim):
    """The NumPy index tuple reading input[i][index[i][j]][k] (for dim=1) at every position
    of index: index along dim, aranges along the other dims."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == dim:
            out.append(index)
        else:
            shape = [1] * nd
            shape[d] = index.shape[d]
            out.append(np.arange(index.shape[d]).reshape(shape))
    return tuple(out)


def _at_least_1d(shape):
    return shape if len(shape) else (1,)


def _check_bounds(index, n, dim, exc=RuntimeError, prefix="", negative=False):
    """torch's bounds error for the first index outside [0, n) ([-n, n) if negative)."""
    lo = -n if negative else 0
    if index.size and (index.min() < lo or index.max() >= n):
        flat = index.reshape(-1)
        v = int(flat[np.argmax((flat < lo) | (flat >= n))])
        raise exc(f"{prefix}index {v} is out of bounds for dimension {dim} with size {n}")


def _check_index_dtype(index, who):
    if index.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{who}(): Expected dtype int32/int64 for index")


def _gather_plan(x, dim, index):
    """(x's shape as >= 1-D, NumPy index tuple, index's shape as >= 1-D) for reading x at
    index along dim (0-d tensors count as 1-D, as in torch), after the bounds check."""
    xs = _at_least_1d(x.shape)
    ixv = np.array(index.reshape(_at_least_1d(index.shape)))    # ours: saved for backward
    _check_bounds(ixv, xs[dim], dim)
    return xs, _dim_index(ixv, dim), ixv.shape


class GatherBackward0(Node):
    """self: gather_backward(grad, self, dim, index, sparse_grad) = zeros.scatter_add(dim,
    index, grad)"""
    __slots__ = ()

    def backward(self, grad):
        shape, xs, idx, ishape = self.args
        if idx is None:                       # an empty index read nothing
            return (_zeros_shaped(grad, shape),)
        return (_reshape(_put(_reshape(grad, ishape), xs, idx, True), shape),)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (dim=0): values read along dim at index."""
    x = input._data
    ix = index._data
    dim = wrap_dim(dim, x.ndim)
    _check_index_dtype(ix, "gather")
    if max(ix.ndim, 1) != max(x.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    for d in range(ix.ndim):
        if d != dim and x.ndim and ix.shape[d] > x.shape[d] and ix.size:
            raise RuntimeError(f"Size does not match at dimension {d} expected index "
                               f"{shape_str(ix.shape)} to be no larger than self "
                               f"{shape_str(x.shape)} apart from dimension {dim}")
    if ix.size == 0:
        return unary(GatherBackward0, input, np.zeros(ix.shape, x.dtype),
                     args=(x.shape, None, None, None))
    xs, idx, ishape = _gather_plan(x, dim, ix)
    res = x.reshape(xs)[idx].reshape(ix.shape)
    return unary(GatherBackward0, input, res, args=(x.shape, xs, idx, ishape))


def _scatter_plan(x, dim, index, src_shape, who):
    """Checks of scatter/scatter_add and the plan of _gather_plan for writing at index."""
    _check_index_dtype(index, who)
    if index.size == 0:                   # torch checks nothing more: nothing is written
        return _at_least_1d(x.shape), None, _at_least_1d(index.shape)
    if max(index.ndim, 1) != max(x.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self "
                           "tensor")
    xs = _at_least_1d(x.shape)
    ishape = _at_least_1d(index.shape)
    wrong = any(d != dim and n > xs[d] for d, n in enumerate(ishape))
    if not wrong and src_shape is not None:
        for d, n in enumerate(ishape):
            # torch reads src.size(d) for every dim of index: a lower-dim src fails here
            m = src_shape[wrap_dim(d, len(src_shape))] if src_shape else 1
            if n > m:
                wrong = True
                break
    if wrong:
        msg = (f"Expected index {shape_str(index.shape)} to be no larger than self "
               f"{shape_str(x.shape)} apart from dimension {dim}")
        if src_shape is not None:
            msg += f" and to be no larger size than src {shape_str(src_shape)}"
        raise RuntimeError(msg)
    return _gather_plan(x, dim, index)


def _src_values(src, ishape):
    """(values scatter reads from src: its leading ishape block, that block's index)."""
    part = tuple(slice(0, n) for n in ishape)
    return src.reshape(_at_least_1d(src.shape))[part], part


def _src_grad(grad, self_args):
    """The gradient of scatter's src: grad read back at index, padded to src's shape."""
    shape, xs, idx, ishape, sshape, part = self_args
    if idx is None:
        return _zeros_shaped(grad, sshape)
    g = _take(_reshape(grad, xs), idx)
    ss = _at_least_1d(sshape)
    if tuple(ishape) != tuple(ss):
        g = _put(g, ss, part, False)
    return _reshape(g, sshape)


class ScatterBackward0(BroadcastingNode):
    """self: grad.scatter(dim, index, 0)   src: grad.gather(dim, index)"""
    __slots__ = ()

    def backward(self, grad):
        shape, xs, idx = self.args[:3]
        g_self = g_src = None
        if self.next_functions[0][0] is not None:
            g_self = grad if idx is None else _reshape(_zero_at(_reshape(grad, xs), idx), shape)
        if self.next_functions[1][0] is not None:
            g_src = _src_grad(grad, self.args)
        return g_self, g_src


class ScatterBackward1(Node):
    """self: grad.scatter(dim, index, 0)"""
    __slots__ = ()

    def backward(self, grad):
        shape, xs, idx = self.args
        if idx is None:
            return (grad,)
        return (_reshape(_zero_at(_reshape(grad, xs), idx), shape),)


class ScatterAddBackward0(BroadcastingNode):
    """self: grad   src: grad.gather(dim, index)"""
    __slots__ = ()

    def backward(self, grad):
        g_src = None
        if self.next_functions[1][0] is not None:
            g_src = _src_grad(grad, self.args)
        return grad, g_src


class _ScatterReduceNode(Node):
    """scatter(..., reduce=) has no derivative in torch; its node is named NotImplemented."""
    __slots__ = ()

    def apply(self, grads):
        raise RuntimeError("derivative for aten::scatter is not implemented")


_ScatterReduceNode.__name__ = _ScatterReduceNode.__qualname__ = "NotImplemented"


def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    """A copy of input with src (or value) written at index along dim:
    out[index[i][j]][j] = src[i][j] (dim=0).  reduce='add'/'multiply' combines instead."""
    if src is None:
        src = value
    x = input._data
    ix = index._data
    dim = wrap_dim(dim, x.ndim)
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    is_tensor = isinstance(src, Tensor)
    if is_tensor:
        s = src._data
        xs, idx, ishape = _scatter_plan(x, dim, ix, s.shape, "scatter")
        if s.dtype != x.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        vals, part = _src_values(s, ishape)
    else:
        xs, idx, ishape = _scatter_plan(x, dim, ix, None, "scatter")
        vals = np.array(src).astype(x.dtype)
    res = x.reshape(xs).copy()
    if reduce is None:
        if idx is not None:
            res[idx] = vals
        res = res.reshape(x.shape)
    else:
        if is_tensor:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated "
                          "and will be removed in a future PyTorch release. Use "
                          "torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        if idx is not None:
            (np.add if reduce == "add" else np.multiply).at(res, idx, vals)
        return record(_ScatterReduceNode, (input, src) if is_tensor else (input,),
                      res.reshape(x.shape))
    if is_tensor:
        return record(ScatterBackward0, (input, src), res,
                      args=(x.shape, xs, idx, ishape, s.shape, part))
    return unary(ScatterBackward1, input, res, args=(x.shape, xs, idx))


def scatter_add(input, dim, index, src):
    """A copy of input with src added at index along dim (repeated indices accumulate)."""
    x = input._data
    ix = index._data
    s = src._data
    dim = wrap_dim(dim, x.ndim)
    xs, idx, ishape = _scatter_plan(x, dim, ix, s.shape, "scatter")
    if s.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    vals, part = _src_values(s, ishape)
    res = x.reshape(xs).copy()
    if idx is not None:
        np.add.at(res, idx, vals)
    return record(ScatterAddBackward0, (input, src), res.reshape(x.shape),
                  args=(x.shape, xs, idx, ishape, s.shape, part))


# -- index_select / index_add / index_fill / index_copy -------------------------------------

def _dim_slices(dim, index):
    return (slice(None),) * dim + (index,)


class IndexSelectBackward0(Node):
    """self: index_select_backward_symint(grad, self.sym_sizes(), dim, index)"""
    __slots__ = ()

    def backward(self, grad):
        shape, xs, idx, gshape = self.args
        return (_reshape(_put(_reshape(grad, gshape), xs, idx, True), shape),)


def index_select(input, dim, index):
    """The slices of input at the (1-D) index along dim, in index's order."""
    x = input._data
    ix = index._data
    dim = wrap_dim(dim, x.ndim)
    if ix.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if ix.dtype not in (np.int64, np.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    ix = ix.reshape(-1).copy()          # saved for backward: not the caller's buffer
    if x.ndim == 0 and ix.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                           f"{ix.size} value(s)")
    xs = _at_least_1d(x.shape)
    if ix.size and xs[dim] == 0 and x.ndim > 1:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if ix.size and (ix.min() < 0 or ix.max() >= xs[dim]):
        raise IndexError("index out of range in self")
    idx = _dim_slices(dim, ix)
    res = x.reshape(xs)[idx]
    gshape = res.shape
    if x.ndim == 0:
        res = res.reshape(())
    return unary(IndexSelectBackward0, input, res, args=(x.shape, xs, idx, gshape))


class IndexAddBackward0(BroadcastingNode):
    """self: grad   source: maybe_multiply(grad.index_select(dim, index).expand_as(source),
    alpha)"""
    __slots__ = ()

    def backward(self, grad):
        idx, alpha, flat = self.args
        g_src = None
        if self.next_functions[1][0] is not None:
            g = _take(_reshape(grad, (1,)) if flat else grad, idx)
            g_src = g if alpha == 1 else g * alpha
        return grad, g_src


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """A copy of input with alpha * source's slices added at index along dim."""
    x = input._data
    ix = index._data
    s = source._data
    dim = wrap_dim(dim, x.ndim)
    if ix.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{ix.ndim} with type: {_type_name(index)} and size: "
                         f"{shape_str(ix.shape)}")
    if ix.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_type_name(index)}")
    if x.dtype != s.dtype:
        raise RuntimeError(f"index_add_(): self ({_type_name(input)}) and source "
                           f"({_type_name(source)}) must have the same scalar type")
    xs = x.shape if x.ndim else (1,)
    ss = s.shape if s.ndim else (1,)
    if len(xs) != len(ss) or any(a != b for d, (a, b) in enumerate(zip(xs, ss)) if d != dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {shape_str(x.shape)} "
                           f"source.shape = {shape_str(s.shape)}")
    ix = ix.reshape(-1).copy()          # saved for backward: not the caller's buffer
    if ix.size != ss[dim] and x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if ix.size != ss[dim]:
        raise RuntimeError(f"index_add_(): Number of indices ({ix.size}) should be equal to "
                           f"source.size(dim): ({ss[dim]}), for dim: {dim}")
    if x.size == 0:
        pass                            # torch returns before checking an empty self's indices
    elif (alpha != 1 or x.ndim <= 1) and ix.size and (ix.min() < 0 or ix.max() >= xs[dim]):
        raise IndexError("index out of range in self")     # torch's 1-d / alpha != 1 kernel
    else:
        _check_bounds(ix, xs[dim], dim)
    flat = x.ndim == 0
    idx = _dim_slices(dim, ix)
    res = x.reshape(xs).copy()
    if res.size:
        np.add.at(res, idx, (s * alpha if alpha != 1 else s).reshape(ss))
    return record(IndexAddBackward0, (input, source), res.reshape(x.shape),
                  args=(idx, alpha, flat))


class IndexFillBackward0(Node):
    """self: grad.index_fill(dim, index, 0)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zero_where(grad, self.args[0]),)


class IndexFillBackward1(BroadcastingNode):
    """self: grad.index_fill(dim, index, 0)
    value: grad.index_select(dim, std::get<0>(at::_unique(index, false))).sum()"""
    __slots__ = ()

    def backward(self, grad):
        (mask,) = self.args
        g_self = g_value = None
        if self.next_functions[0][0] is not None:
            g_self = _zero_where(grad, mask)
        if self.next_functions[1][0] is not None:
            g_value = _zero_where(grad, ~mask)
        return g_self, g_value


def index_fill(input, dim, index, value):
    """A copy of input with the slices at index along dim filled with value."""
    x = input._data
    ix = index._data
    dim = wrap_dim(dim, x.ndim)
    if ix.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if ix.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    ix = ix.reshape(-1).copy()          # saved for backward: not the caller's buffer
    xs = x.shape if x.ndim else (1,)
    _check_bounds(ix, xs[dim], dim, IndexError, negative=True)
    mask = np.zeros(xs, np.bool_)
    mask[_dim_slices(dim, ix)] = True
    mask = mask.reshape(x.shape)
    fill = value._data if isinstance(value, Tensor) else value
    res = np.where(mask, np.array(fill).astype(x.dtype), x)
    if isinstance(value, Tensor):
        return record(IndexFillBackward1, (input, value), res, args=(mask,))
    return unary(IndexFillBackward0, input, res, args=(mask,))


class IndexCopyBackward0(BroadcastingNode):
    """self: grad.index_fill(dim, index, 0)   source: grad.index_select(dim, index)"""
    __slots__ = ()

    def backward(self, grad):
        mask, idx, flat, sshape = self.args
        g_self = g_src = None
        if self.next_functions[0][0] is not None:
            g_self = _zero_where(grad, mask)
        if self.next_functions[1][0] is not None:
            g_src = _reshape(_take(_reshape(grad, (1,)) if flat else grad, idx), sshape)
        return g_self, g_src


def index_copy(input, dim, index, source):
    """A copy of input with source's slices written at index along dim."""
    x = input._data
    ix = index._data
    s = source._data
    dim = wrap_dim(dim, x.ndim)
    if ix.ndim > 1:
        raise IndexError("index_copy_(): Index should have dimension 1 or 0 (got "
                         f"{ix.ndim})")
    n_idx = ix.size
    if s.ndim and x.ndim and s.ndim != x.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({s.ndim}), "
                         f"destination dimensionality ({x.ndim})")
    xs = x.shape if x.ndim else (1,)
    ss = s.shape if s.ndim else (1,)
    if n_idx != ss[dim]:
        raise IndexError(f"index_copy_(): Number of indices ({n_idx}) should be equal to "
                         f"source.size(dim) ({ss[dim]})")
    for d in range(len(xs)):
        if d != dim and xs[d] != ss[d]:
            k = d if d < dim else d - 1           # torch counts the dims of the slices
            raise RuntimeError("index_copy_(): Source/destination tensor must have same slice "
                               f"shapes. Destination slice shape: {xs[d]} at dimension {k} "
                               f"and source slice shape: {ss[d]} at dimension {k}.")
    if ix.dtype != np.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{_type_name(index)}")
    if x.dtype != s.dtype:
        raise RuntimeError("index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {_type_name(input)} and (source) "
                           f"{_type_name(source)}")
    ix = ix.reshape(-1).copy()          # saved for backward: not the caller's buffer
    _check_bounds(ix, xs[dim], dim, IndexError, "index_copy_(): ")
    idx = _dim_slices(dim, ix)
    res = x.reshape(xs).copy()
    res[idx] = s.reshape(ss)
    mask = np.zeros(xs, np.bool_)
    mask[idx] = True
    return record(IndexCopyBackward0, (input, source), res.reshape(x.shape),
                  args=(mask.reshape(x.shape), idx, x.ndim == 0, s.shape))


# -- masked ops -------------------------------------------------------------------------

class MaskedFillBackward0(BroadcastingNode):
    """self: grad.masked_fill(mask, 0)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zero_where(grad, self.args[0]),)


class MaskedFillBackward1(BroadcastingNode):
    """self: grad.masked_fill(mask, 0)   value: masked_fill_backward(grad, mask) =
    grad.masked_select(mask).sum()"""
    __slots__ = ()

    def backward(self, grad):
        (mask,) = self.args
        g_self = g_value = None
        if self.next_functions[0][0] is not None:
            g_self = _zero_where(grad, mask)
        if self.next_functions[1][0] is not None:
            g_value = _zero_where(grad, ~mask)
        return g_self, g_value


def masked_fill(input, mask, value):
    """input with value where mask (broadcast against input) is true."""
    x = input._data
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_TYPE_NAMES.get(m.dtype.name, m.dtype.name)}")
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value._data.ndim} dimension(s).")
        fill = value._data.astype(x.dtype)
    else:
        fill = np.array(value).astype(x.dtype)
    shape = broadcast_shapes(m.shape, x.shape)
    res = np.where(m, fill, x)
    if res.shape != shape:
        res = np.broadcast_to(res, shape).copy()
    if isinstance(value, Tensor):
        return record(MaskedFillBackward1, (input, value), res, args=(m.copy(),))
    return record(MaskedFillBackward0, (input,), res, args=(m.copy(),))


_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                 "uint8": "unsigned char", "int8": "signed char", "int16": "short",
                 "int32": "int", "int64": "long int", "complex64": "c10::complex<float>",
                 "complex128": "c10::complex<double>"}


def _masked_fill_(input, mask, value):
    shape = broadcast_shapes(mask._data.shape, input._data.shape)
    if shape != input._data.shape:
        raise RuntimeError(f"output with shape {shape_str(input._data.shape)} doesn't match the "
                           f"broadcast shape {shape_str(shape)}")
    return inplace(input, masked_fill, mask, value)


class MaskedSelectBackward0(BroadcastingNode):
    """self: masked_select_backward(grad, self, mask)"""
    __slots__ = ()

    def backward(self, grad):
        shape, mask = self.args
        return (_put(grad, shape, (mask,), False),)


def masked_select(input, mask):
    """The elements of input (broadcast with mask) where mask is true, as a 1-D tensor."""
    x = input._data
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = broadcast_shapes(m.shape, x.shape)
    mb = np.broadcast_to(m.copy(), shape)
    res = np.broadcast_to(x, shape)[mb]
    return record(MaskedSelectBackward0, (input,), res, args=(shape, mb))


class MaskedScatterBackward0(BroadcastingNode):
    """self: grad.masked_fill(mask, 0)
    source: masked_scatter_backward(grad, mask, source.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        mask, sshape, n = self.args
        g_self = g_src = None
        if self.next_functions[0][0] is not None:
            g_self = _zero_where(grad, mask)
        if self.next_functions[1][0] is not None:
            size = int(np.prod(sshape))
            g = _take(grad, (mask,))
            g_src = _reshape(_put(g, (size,), (slice(0, n),), False), sshape)
        return g_self, g_src


def masked_scatter(input, mask, source):
    """A copy of input with source's leading elements written, in order, where mask is true."""
    x = input._data
    m = mask._data
    s = source._data
    if m.dtype != np.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {_type_name(mask)}")
    if x.dtype != s.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but "
                           f"got{_type_name(input)} and {_type_name(source)}")
    shape = broadcast_shapes(m.shape, x.shape)
    mb = np.broadcast_to(m.copy(), shape)
    n = int(mb.sum())
    if n > s.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    res = np.array(np.broadcast_to(x, shape))
    res[mb] = s.reshape(-1)[:n]
    return record(MaskedScatterBackward0, (input, source), res, args=(mb, s.shape, n))


def _masked_scatter_(input, mask, source):
    shape = broadcast_shapes(mask._data.shape, input._data.shape)
    if shape != input._data.shape:
        raise RuntimeError(f"output with shape {shape_str(input._data.shape)} doesn't match the "
                           f"broadcast shape {shape_str(shape)}")
    return inplace(input, masked_scatter, mask, source)


# -- nonzero, take, take_along_dim ---------------------------------------------------------

def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    x = input._data
    if as_tuple:
        if x.ndim == 0:
            return (_make(np.zeros(1 if x.item() else 0, np.int64)),)
        return tuple(_make(i.astype(np.int64)) for i in np.nonzero(x))
    if x.ndim == 0:
        return _make(np.zeros((1 if x.item() else 0, 0), np.int64))
    return _make(np.argwhere(x).astype(np.int64, copy=False))


def argwhere(input):
    """nonzero(input): an (n, ndim) tensor of the indices of the non-zero elements."""
    return nonzero(input)


class TakeBackward0(Node):
    """self: take_backward(grad, self, index) = zeros.put_(index, grad, accumulate=true)"""
    __slots__ = ()

    def backward(self, grad):
        shape, size, idx = self.args
        return (_reshape(_put(grad, (size,), (idx,), True), shape),)


def take(input, index):
    """input.flatten()[index], shaped like index."""
    x = input._data
    ix = index._data
    if ix.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{_type_name(index)}")
    n = x.size
    if n == 0 and ix.size:
        raise IndexError("take(): tried to take from an empty tensor")
    if ix.size and (ix.min() < -n or ix.max() >= n):
        flat = ix.reshape(-1)
        v = int(flat[np.argmax((flat < -n) | (flat >= n))])
        raise IndexError(f"out of range: tried to access index {v} on a tensor of {n} "
                         "elements.")
    res = x.reshape(-1)[ix]
    return unary(TakeBackward0, input, res, args=(x.shape, n, ix.copy()))


def take_along_dim(input, indices, dim=None, *, out=None):
    """Values of input at indices along dim (input and indices broadcast apart from dim);
    with dim=None, of the flattened input."""
    ix = indices._data
    if ix.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_type_name(indices)}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    x = input._data
    if x.ndim != ix.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {x.ndim} dimensions for input, and "
                           f"{ix.ndim} dimensions for indices")
    dim = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    xs = list(x.shape)
    xs[dim] = ix.shape[dim]
    ishape = broadcast_shapes(tuple(xs), ix.shape)
    ins = list(ix.shape)
    ins[dim] = x.shape[dim]
    xshape = broadcast_shapes(tuple(ins), x.shape)
    return gather(input.expand(xshape), dim, indices.expand(ishape))


# -- tril / triu ----------------------------------------------------------------------------

def _tri_mask(shape, diagonal, lower):
    rows, cols = shape[-2], shape[-1]
    keep = np.tri(rows, cols, diagonal, dtype=np.bool_)
    return keep if lower else ~np.tri(rows, cols, diagonal - 1, dtype=np.bool_)


class TrilBackward0(Node):
    """self: grad.tril(diagonal)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zero_where(grad, self.args[0]),)


class TriuBackward0(Node):
    """self: grad.triu(diagonal)"""
    __slots__ = ()

    def backward(self, grad):
        return (_zero_where(grad, self.args[0]),)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle (on and below diagonal) of the last two dims; zeros elsewhere."""
    x = input._data
    if x.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    drop = ~_tri_mask(x.shape, diagonal, True)
    return unary(TrilBackward0, input, np.where(drop, np.zeros((), x.dtype), x), args=(drop,))


def triu(input, diagonal=0, *, out=None):
    """The upper triangle (on and above diagonal) of the last two dims; zeros elsewhere."""
    x = input._data
    if x.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    drop = ~_tri_mask(x.shape, diagonal, False)
    return unary(TriuBackward0, input, np.where(drop, np.zeros((), x.dtype), x), args=(drop,))


# -- sort, argsort, topk, kthvalue -----------------------------------------------------------

def _argsort(x, dim, descending):
    """Stable argsort along dim; NaN sorts as the largest value, as in torch."""
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    n = x.shape[dim]
    rev = np.flip(x, axis=dim)
    return np.flip(n - 1 - np.argsort(rev, axis=dim, kind="stable"), axis=dim)


class _ValueSelectingNode(Node):
    """self: value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(),
    keepdim) = zeros(sizes).scatter(dim, indices, grad)"""
    __slots__ = ()

    def backward(self, grad):
        shape, idx, gshape = self.args
        return (_put(_reshape(grad, gshape), shape, idx, False),)


class SortBackward0(_ValueSelectingNode):
    """self: value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(),
    true)"""
    __slots__ = ()


class SortBackward1(_ValueSelectingNode):
    """self: value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(),
    true)  (sort.stable)"""
    __slots__ = ()


class TopkBackward0(_ValueSelectingNode):
    """self: value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(),
    true)"""
    __slots__ = ()


class KthvalueBackward0(_ValueSelectingNode):
    """self: value_selecting_reduction_backward_symint(grad, dim, indices, self.sym_sizes(),
    keepdim)"""
    __slots__ = ()


def _select_along(input, NodeClass, order, dim, out_shape, name):
    """(values, indices) read at order (indices along dim, keepdim layout) -> named tuple."""
    x = input._data
    if x.ndim == 0:
        values = x.copy()
        idx = ()
        gshape = ()
        indices = np.zeros((), np.int64)
    else:
        idx = _dim_index(order, dim)
        values = x[idx]
        gshape = values.shape
        values = values.reshape(out_shape)
        indices = order.reshape(out_shape).astype(np.int64, copy=False)
    vt, it = record_multi(NodeClass, (input,), (values, indices), args=(x.shape, idx, gshape),
                          differentiable=(0,))
    return return_type(name)((vt, it))


_NOT_GIVEN = object()


def sort(input, dim=-1, descending=False, *, stable=_NOT_GIVEN, out=None):
    """(values, indices) sorted along dim, ascending unless descending; ties keep their
    order.  Returns torch.return_types.sort."""
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    Cls = SortBackward0 if stable is _NOT_GIVEN else SortBackward1
    if x.ndim == 0:
        return _select_along(input, Cls, None, 0, (), "sort")
    order = _argsort(x, dim, descending)
    return _select_along(input, Cls, order, dim, x.shape, "sort")


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort input along dim."""
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _make(np.zeros((), np.int64))
    return _make(_argsort(x, dim, descending).astype(np.int64, copy=False))


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The k largest (or smallest) elements along dim and their indices, largest first.
    Returns torch.return_types.topk."""
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    n = x.shape[dim] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if x.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if x.ndim == 0:
        return _select_along(input, TopkBackward0, None, 0, (), "topk")
    order = np.take(_argsort(x, dim, largest), np.arange(k), axis=dim)
    shape = list(x.shape)
    shape[dim] = k
    return _select_along(input, TopkBackward0, order, dim, tuple(shape), "topk")


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest element along dim and its index.  Returns
    torch.return_types.kthvalue."""
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    n = x.shape[dim] if x.ndim else 1
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {dim} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if x.dtype == np.bool_ and x.ndim:
        raise NotImplementedError('"kthvalue_cpu" not implemented for \'Bool\'')
    if x.ndim == 0:
        return _select_along(input, KthvalueBackward0, None, 0, (), "kthvalue")
    order = np.take(_argsort(x, dim, False), [k - 1], axis=dim)
    shape = list(x.shape)
    if keepdim:
        shape[dim] = 1
    else:
        del shape[dim]
    return _select_along(input, KthvalueBackward0, order, dim, tuple(shape), "kthvalue")


# -- unique, searchsorted, bucketize ---------------------------------------------------------

def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values of input, sorted (or its distinct slices along dim); optionally
    the inverse indices and the counts.  No gradient."""
    x = input._data
    if dim is None:
        vals, inv, counts = np.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(x.shape)
    else:
        dim = wrap_dim(dim, x.ndim)
        vals, inv, counts = np.unique(x, return_inverse=True, return_counts=True, axis=dim)
        inv = inv.reshape(-1)
    out = [_make(vals)]
    if return_inverse:
        out.append(_make(inv.astype(np.int64, copy=False)))
    if return_counts:
        out.append(_make(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    """Indices where input's values would be inserted into sorted_sequence (along its last
    dim) to keep it sorted; right/side='right' places them after equal values."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    odt = np.int32 if out_int32 else np.int64
    how = "right" if right else "left"
    if seq.ndim <= 1:
        res = np.searchsorted(seq.reshape(-1), vals, side=how)
        return _make(np.asarray(res, odt))
    if scalar or seq.shape[:-1] != vals.shape[:-1]:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           "the first N-1 dimensions of boundaries tensor and input value "
                           "tensor must match, but we got boundaries tensor "
                           f"{shape_str(seq.shape)} and input value tensor "
                           f"{shape_str(vals.shape)}")
    rows = seq.reshape(-1, seq.shape[-1])
    vrows = vals.reshape(-1, vals.shape[-1])
    res = np.empty(vrows.shape, odt)
    for r in range(rows.shape[0]):
        res[r] = np.searchsorted(rows[r], vrows[r], side=how)
    return _make(res.reshape(vals.shape))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value of input among the 1-D boundaries:
    boundaries[i-1] < v <= boundaries[i] (right=False) or boundaries[i-1] <= v < boundaries[i]."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got "
                           f"dim({boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# -- Tensor methods -------------------------------------------------------------------------

def _scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    return inplace(self, scatter, dim, index, src, value, reduce=reduce)


Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem
Tensor.__delitem__ = _delitem
Tensor.select = select
Tensor.index_select = index_select
Tensor.gather = gather
Tensor.scatter = scatter
Tensor.scatter_ = _scatter_
Tensor.scatter_add = scatter_add
Tensor.scatter_add_ = lambda self, dim, index, src: inplace(self, scatter_add, dim, index, src)
Tensor.index_add = index_add
Tensor.index_add_ = lambda self, dim, index, source, *, alpha=1: inplace(
    self, index_add, dim, index, source, alpha=alpha)
Tensor.index_fill = index_fill
Tensor.index_fill_ = lambda self, dim, index, value: inplace(self, index_fill, dim, index,
                                                             value)
Tensor.index_copy = index_copy
Tensor.index_copy_ = lambda self, dim, index, source: inplace(self, index_copy, dim, index,
                                                              source)
Tensor.index_put = index_put
Tensor.index_put_ = index_put_
Tensor.masked_fill = masked_fill
Tensor.masked_fill_ = _masked_fill_
Tensor.masked_select = masked_select
Tensor.masked_scatter = masked_scatter
Tensor.masked_scatter_ = _masked_scatter_
Tensor.nonzero = nonzero
Tensor.argwhere = argwhere
Tensor.take = take
Tensor.take_along_dim = take_along_dim
Tensor.tril = tril
Tensor.tril_ = lambda self, diagonal=0: inplace(self, tril, diagonal)
Tensor.triu = triu
Tensor.triu_ = lambda self, diagonal=0: inplace(self, triu, diagonal)
Tensor.sort = sort
Tensor.argsort = argsort
Tensor.topk = topk
Tensor.kthvalue = kthvalue
Tensor.unique = unique


# =========================================================================================
# -- more indexing ops: scatter_reduce, index_reduce, put, fill_diagonal_, tril_indices,
#    triu_indices, unravel_index -------------------------------------------------------------
# =========================================================================================

from ._base import OUTPUT  # noqa: E402

_REDUCE_ERROR = "reduce argument must be either sum, prod, mean, amax or amin, got {}"


def _reduce_init(reduce, dtype):
    """The value a scattered-to position starts from when include_self=False."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _scatter_reduce_arr(x, xs, idx, vals, reduce, include_self):
    """x (reshaped to xs) with vals combined in at idx by reduce: a new array of x's shape."""
    res = x.reshape(xs).copy()
    if idx is None:
        return res.reshape(x.shape)
    if not include_self:
        res[idx] = _reduce_init(reduce, x.dtype)
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
             "amin": np.minimum}[reduce]
    ufunc.at(res, idx, vals)
    if reduce == "mean":
        count = np.full(xs, 1 if include_self else 0, np.int64)
        np.add.at(count, idx, 1)
        count[count == 0] = 1
        if x.dtype.kind in "fc":
            res = (res / count).astype(x.dtype)
        else:
            res = np.floor_divide(res, count).astype(x.dtype)
    return res.reshape(x.shape)


def _dual(fn, *values):
    """Run fn (written in ember ops) on formula values: as they are under create_graph, or
    wrapped as constants in no_grad mode (and unwrapped after) in a plain backward pass."""
    if any(isinstance(v, Tensor) for v in values if v is not None):
        return fn(*[v if v is None or isinstance(v, Tensor) else _make(np.asarray(v))
                    for v in values])
    with _gm.no_grad():
        out = fn(*[None if v is None else _make(np.asarray(v)) for v in values])
    return tuple(None if o is None else o._data for o in out)


def _scatter_reduce_grads(grad, self_, src, result, dim, index, reduce, include_self,
                          need_src):
    """torch's scatter_reduce_backward (FunctionsManual.cpp) in ember ops, on full-size
    index/src (the region of src that index reads)."""
    from .pointwise import where as _where
    if reduce == "sum":
        grad_self = grad
        grad_src = gather(grad, dim, index) if need_src else None
    elif reduce == "prod":
        masked_self = masked_fill(self_, self_ == 0, 1)
        masked_self_result = scatter_reduce(masked_self, dim, index, src, reduce,
                                            include_self=include_self)
        grad_self = grad * masked_self_result / masked_self
        grad_src = None
        if need_src:
            src_zero = src == 0
            src_num_zeros = scatter_add(self_.new_zeros(self_.shape), dim, index,
                                        src_zero.to(self_.dtype))
            src_num_zeros = gather(src_num_zeros, dim, index)
            if (src_num_zeros > 1)._data.any() and isinstance(grad, Tensor) and \
                    grad.requires_grad:
                raise RuntimeError("scatter_reduce(): Double backward is unsupported for src "
                                   "when >1 zeros in src are scattered to the same position. "
                                   "This may happen for reduce=prod with include_self=False")
            src_single_zero = src_zero & (src_num_zeros == 1)
            masked_src = masked_fill(src, src_single_zero, 1)
            masked_src_result = scatter_reduce(self_, dim, index, masked_src, reduce,
                                               include_self=include_self)
            grad_src1 = _where(src_single_zero, gather(grad * masked_src_result, dim, index),
                               gather(grad * result, dim, index) / masked_fill(src, src_zero,
                                                                                1))
            grad_src = grad_src1
            if (src_num_zeros > 1)._data.any():
                grad_src = masked_fill(grad_src, src_num_zeros > 1, 0)
    elif reduce == "mean":
        n = self_.new_ones(self_.shape) if include_self else self_.new_zeros(self_.shape)
        n = scatter_add(n, dim, index, src.new_ones(src.shape))
        n = masked_fill(n, n == 0, 1)
        grad_self = grad / n
        grad_src = gather(grad, dim, index) / gather(n, dim, index) if need_src else None
    else:       # amax, amin
        value = gather(result, dim, index)
        self_is_result = (self_ == result).to(self_.dtype)
        src_is_result = (src == value).to(self_.dtype)
        n = scatter_add(self_is_result, dim, index, src_is_result)
        grad_distributed = grad / n
        grad_self = self_is_result * grad_distributed
        grad_src = src_is_result * gather(grad_distributed, dim, index) if need_src else None
    if not include_self:
        grad_self = scatter(grad_self, dim, index, 0)
    return grad_self, grad_src


class ScatterReduceBackward0(BroadcastingNode):
    """self, src: scatter_reduce_backward(grad, self, dim, index, src, reduce, include_self,
    result)"""
    __slots__ = ()

    def backward(self, grad):
        self_, src, result = self.unpack()
        dim, index, reduce, include_self, ishape, sshape, part = self.args
        need_src = self.next_functions[1][0] is not None
        if index is None:           # nothing was scattered
            return grad, (None if not need_src else _zeros_shaped(grad, sshape))
        if tuple(ishape) != tuple(sshape):
            src = _take(src, part)

        def f(g, s, sr, r):
            return _scatter_reduce_grads(g, s, sr, r, dim, _make(index), reduce,
                                         include_self, need_src)
        g_self, g_src = _dual(f, grad, self_, src, result)
        if g_src is not None and tuple(ishape) != tuple(sshape):
            g_src = _put(g_src, sshape, part, False)
        return g_self, g_src


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """A copy of input with src's values combined in at index along dim by reduce
    ('sum', 'prod', 'mean', 'amax', 'amin'); include_self=False leaves input's values at
    the scattered-to positions out of the reduction."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(_REDUCE_ERROR.format(reduce))
    x = input._data
    ix = index._data
    s = src._data
    dim = wrap_dim(dim, x.ndim)
    xs, idx, ishape = _scatter_plan(x, dim, ix, s.shape, "scatter")
    if s.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    vals, part = _src_values(s, ishape)
    res = _scatter_reduce_arr(x, xs, idx, vals, reduce, include_self)
    full_index = None if idx is None else np.array(ix.reshape(ishape))
    return record(ScatterReduceBackward0, (input, src), res,
                  saved=(input, src, OUTPUT),
                  args=(dim, full_index, reduce, include_self, tuple(ishape),
                        s.shape, part))


def _scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    return inplace(self, scatter_reduce, dim, index, src, reduce, include_self=include_self)


class IndexReduceBackward0(ScatterReduceBackward0):
    """self, source: index_reduce_backward(grad, self, dim, index, source, reduce,
    include_self, result)"""
    __slots__ = ()


_index_reduce_warned = []


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """A copy of input with source's slices combined in at index along dim by reduce
    ('prod', 'mean', 'amax', 'amin')."""
    if not _index_reduce_warned:
        _index_reduce_warned.append(True)
        warnings.warn("index_reduce() is in beta and the API may change at any time.",
                      UserWarning, stacklevel=2)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    x = input._data
    ix = index._data
    s = source._data
    dim = wrap_dim(dim, x.ndim)
    if ix.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{ix.ndim} with type: {_type_name(index)} and size: "
                         f"{shape_str(ix.shape)}")
    if ix.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{_type_name(index)}")
    ssize = s.shape[dim] if s.ndim else 1
    if ix.size != ssize:
        raise RuntimeError(f"index_reduce_(): Number of indices ({ix.size}) should be equal "
                           f"to source.size(dim): ({ssize}), for dim: {dim}")
    if s.dtype != x.dtype:
        raise RuntimeError(f"index_reduce_(): self ({_type_name(input)}) and source "
                           f"({_type_name(source)}) must have the same scalar type")
    xs = _at_least_1d(x.shape)
    ix1 = ix.reshape(-1).astype(np.int64)
    if ix1.size and (ix1.min() < 0 or ix1.max() >= xs[dim]):
        raise IndexError("index out of range in self")
    ss = _at_least_1d(s.shape)
    shape = [1] * len(ss)
    shape[dim] = ix1.size
    full = np.ascontiguousarray(np.broadcast_to(ix1.reshape(shape), ss))
    idx = _dim_index(full, dim) if full.size else None
    res = _scatter_reduce_arr(x, xs, idx, s.reshape(ss), reduce, include_self)
    return record(IndexReduceBackward0, (input, source), res,
                  saved=(input, source, OUTPUT),
                  args=(dim, None if idx is None else full, reduce, include_self,
                        tuple(ss), s.shape, None))


def _index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    return inplace(self, index_reduce, dim, index, source, reduce, include_self=include_self)


class PutBackward0(BroadcastingNode):
    """self: grad.put(index, zeros_like(source), accumulate)
    source: grad.take(index).reshape_as(source)"""
    __slots__ = ()

    def backward(self, grad):
        shape, pos, sshape, accumulate = self.args
        g_self = g_src = None
        flat = _reshape(grad, (-1,))
        if self.next_functions[0][0] is not None:
            g_self = grad if accumulate else _reshape(_zero_at(flat, (pos,)), shape)
        if self.next_functions[1][0] is not None:
            g_src = _reshape(_take(flat, (pos,)), sshape)
        return g_self, g_src


def put(input, index, source, accumulate=False):
    """A copy of input with source's elements written (or added) at the flat positions index."""
    x = input._data
    ix = index._data
    s = source._data
    if ix.dtype != np.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{_type_name(index)}")
    if s.dtype != x.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {_type_name(input)} and source.dtype = "
                           f"{_type_name(source)}")
    if ix.size != s.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {s.size}, index.numel() = "
                         f"{ix.size}")
    n = x.size
    pos = ix.reshape(-1).copy()
    bad = (pos < -n) | (pos >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(pos[np.argmax(bad)])} on "
                         f"a tensor of {n} elements.")
    pos[pos < 0] += n
    res = x.copy()
    flat = res.reshape(-1)
    if accumulate:
        np.add.at(flat, pos, s.reshape(-1))
    else:
        flat[pos] = s.reshape(-1)
    return record(PutBackward0, (input, source), res,
                  args=(x.shape, pos, s.shape, bool(accumulate)))


def _put_(self, index, source, accumulate=False):
    return inplace(self, put, index, source, accumulate)


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal of self (2-D, or all dims equal) with fill_value, in place;
    wrap: a tall matrix's diagonal starts again every ncols + 1 rows."""
    x = self._data
    if x.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if x.ndim > 2 and any(n != x.shape[0] for n in x.shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    if _gm._enabled and self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    from .shape import _strided_view
    n = min(x.shape)
    _strided_view(self, lambda a: np.lib.stride_tricks.as_strided(a, (n,), (sum(a.strides),))
                  ).fill_(fill_value)
    h, w = x.shape[0], x.shape[-1]
    if wrap and x.ndim == 2 and h > w + 1:
        # torch's second strided view: the diagonal starting again at row w + 1
        count = (x.size + w) // (w + 1) - n

        def wrapped(a):
            return np.lib.stride_tricks.as_strided(a[w + 1:], (count,), (sum(a.strides),))
        _strided_view(self, wrapped).fill_(fill_value)
    return self


def _tri_indices(row, col, offset, lower, dtype):
    from .creation import _np_dtype
    npd = np.int64 if dtype is None else _np_dtype(dtype)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    r, c = np.indices((row, col)) if row and col else (np.zeros((0, 0), np.int64),) * 2
    mask = (c - r <= offset) if lower else (c - r >= offset)
    return _make(np.stack([r[mask], c[mask]]).astype(npd).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, n) indices of the lower triangle (on and below diagonal offset) of a
    row x col matrix, row by row."""
    return _tri_indices(row, col, offset, True, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, n) indices of the upper triangle (on and above diagonal offset)."""
    return _tri_indices(row, col, offset, False, dtype)


def unravel_index(indices, shape):
    """The coordinates in a tensor of shape of each flat index, as a tuple of tensors."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute "
                             "'is_complex'")
    ix = indices._data
    if ix.dtype.kind not in "iu" or ix.dtype == np.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int):
        shape = (shape,)
    shape = tuple(int(s) for s in shape)
    for s in shape:
        if s < 0:
            raise ValueError("'shape' cannot have negative values, but got "
                             f"{tuple(shape)}")
    coords = []
    stride = 1
    for size in reversed(shape):
        # floor division and modulo, as torch computes them: out-of-range indices wrap
        coords.append((ix.astype(np.int64) // stride) % size if size else ix * 0)
        stride *= size
    coords.reverse()
    return tuple(_make(np.asarray(c, np.int64).reshape(ix.shape)) for c in coords)


Tensor.scatter_reduce = scatter_reduce
Tensor.scatter_reduce_ = _scatter_reduce_
Tensor.index_reduce = index_reduce
Tensor.index_reduce_ = _index_reduce_
Tensor.put = put
Tensor.put_ = _put_
Tensor.fill_diagonal_ = _fill_diagonal_

__all__ += ["scatter_reduce", "index_reduce", "put", "tril_indices", "triu_indices",
            "unravel_index"]
