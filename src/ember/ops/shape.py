"""Shape ops: view, reshape, flatten, permute, transpose, t, squeeze, unsqueeze, expand, repeat,
flip, roll, cat, stack, split, chunk, unbind, narrow, diagonal ...

Views (view, reshape when viewable, permute, transpose, t, squeeze, unsqueeze, expand, narrow,
movedim, diagonal and the pieces of split/chunk/unbind) are NumPy views of the input's array:
they share its memory and its version counter, and name its base, as torch's views do.  The
others (repeat, flip, roll, cat, stack, diag_embed) copy.

Derivative formulas run on NumPy arrays in a plain backward pass and on Tensors under
create_graph; the few things operators cannot express (slicing along a dim, concatenating,
embedding a slice into zeros) go through the small dispatching helpers below, whose Tensor side
is the differentiable op of this module.
"""
import operator
import warnings

import numpy as np

from .. import _dtype
from .._dtype import promote_types
from .._errors import wrap_dim, wrap_dims, shape_str
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import (Node, BroadcastingNode, view as _view, unary, record, record_multi,
                    sum_to, sum_dims, permute as _permute, transpose as _transpose)
from .pointwise import contiguous
from . import _views as _views_meta

__all__ = ["reshape", "flatten", "unflatten", "ravel", "permute", "movedim", "moveaxis",
           "transpose", "swapaxes", "swapdims", "t", "squeeze", "unsqueeze", "broadcast_to",
           "broadcast_tensors", "broadcast_shapes", "tile", "flip", "fliplr", "flipud", "roll",
           "rot90", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack",
           "dstack", "column_stack", "split", "chunk", "tensor_split", "hsplit", "vsplit",
           "dsplit", "unbind", "narrow", "diagonal", "diag_embed", "atleast_1d", "atleast_2d",
           "atleast_3d"]

_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one "
               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


# -- argument parsing ---------------------------------------------------------------------

def _int(v, fname, arg):
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{fname}(): argument '{arg}' must be tuple of ints, but found element "
                        f"of type {type(v).__name__}") from None


def _shape_arg(shape, fname="view", arg="size"):
    """Sizes given as varargs (x.view(2, 3)) or as one sequence (x.view((2, 3)))."""
    if not shape:
        raise TypeError(f'{fname}() missing 1 required positional arguments: "{arg}"')
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(_int(s, fname, arg) for s in shape)


def _dims_arg(dims, fname, arg="dims"):
    """An int or a sequence of ints (flip, roll, squeeze ...), as a tuple."""
    if isinstance(dims, (tuple, list)):
        return tuple(_int(d, fname, arg) for d in dims)
    return (_int(dims, fname, arg),)


def _infer(shape, numel):
    """at::infer_size: fill in the one -1 and check the element count, with torch's errors."""
    infer = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s >= 0:
            known *= s
        else:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{shape_str(shape)}")
    if numel == known or (infer is not None and known > 0 and numel % known == 0):
        if infer is None:
            return shape
        if known == 0:
            raise RuntimeError(f"cannot reshape tensor of 0 elements into shape "
                               f"{shape_str(shape)} because the unspecified dimension size -1 "
                               "can be any value and is ambiguous")
        return shape[:infer] + (numel // known,) + shape[infer + 1:]
    raise RuntimeError(f"shape '{shape_str(shape)}' is invalid for input of size {numel}")


def _no_dims_error(dim):
    return IndexError(f"Dimension specified as {dim} but tensor has no dimensions")


def _index(dim, s):
    """The index tuple that applies slice (or int) s along dim."""
    return (slice(None),) * dim + (s,)


# -- dual helpers for the formulas: NumPy on arrays, this module's ops on Tensors ------------

def _slice_dim(g, dim, start, stop):
    if isinstance(g, Tensor):
        return narrow(g, dim, start, stop - start)
    return g[_index(dim, slice(start, stop))]


def _concat(parts, dim):
    if any(isinstance(p, Tensor) for p in parts):
        return cat([p if isinstance(p, Tensor) else _make(p) for p in parts], dim)
    return np.concatenate(parts, axis=dim)


def _stack(parts, dim):
    if any(isinstance(p, Tensor) for p in parts):
        return stack([p if isinstance(p, Tensor) else _make(p) for p in parts], dim)
    return np.stack(parts, axis=dim)


def _flip(g, dims):
    if isinstance(g, Tensor):
        return flip(g, dims)
    return np.flip(g, dims) if g.ndim else g


def _roll(g, shifts, dims):
    if isinstance(g, Tensor):
        return roll(g, shifts, dims)
    return np.roll(g, shifts, axis=None if not dims else dims)


def _t(g):
    return t(g) if isinstance(g, Tensor) else g.T


def _diagonal(g, offset, d1, d2):
    if isinstance(g, Tensor):
        return diagonal(g, offset, d1, d2)
    return _diag_view(g, offset, d1, d2)


# -- view, reshape, flatten ---------------------------------------------------------------

def _try_view(x, shape):
    """x reshaped to shape without a copy, or None where that needs one (as at::view fails)."""
    if x.flags.c_contiguous:
        return x.reshape(shape)
    try:
        return np.reshape(x, shape, copy=False)
    except ValueError:
        return None


class ViewBackward0(Node):
    """self: grad.reshape_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


def view(input, *shape, size=None, dtype=None):
    """x.view(*shape): the same memory seen with another shape (no copy, or an error)."""
    if dtype is None and len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        dtype = shape[0]
    if dtype is not None:
        return _view_dtype(input, dtype)
    if not shape and size is None:
        raise TypeError("view() received an invalid combination of arguments - got (), but "
                        "expected one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n")
    x = input._data
    shape = _infer(_shape_arg(shape if size is None else (size,)), x.size)
    arr = _try_view(x, shape)
    if arr is None:
        raise RuntimeError(_VIEW_ERROR)
    return _view(ViewBackward0, input, arr, args=(x.shape,))


def _view_dtype(input, dtype):
    """x.view(dtype): the same bytes read as another dtype (not differentiable, as in torch)."""
    x = input._data
    old = input.dtype
    if dtype.itemsize != old.itemsize:
        what = (f"to view {old._legacy[:-6]} as {dtype._legacy[:-6]} (different element "
                "sizes)")
        if x.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 {what}")
        stride = x.strides[-1] // x.itemsize if x.shape[-1] != 1 else 1
        if stride != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got {stride}")
        if dtype.itemsize > old.itemsize:
            ratio = dtype.itemsize // old.itemsize
            if x.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but "
                                   f"got {x.shape[-1]}")
    out = _make(x.view(dtype.np))
    out._vc = input._vc
    return out


def view_as(input, other):
    return view(input, other.shape)


class ReshapeAliasBackward0(Node):
    """self: grad.reshape_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


class UnsafeViewBackward0(Node):
    """self: grad.reshape_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


def _reshape(input, shape):
    """torch's reshape: view() of a contiguous input; _reshape_alias (also a view) of one whose
    strides allow it; else a contiguous copy (clone) seen with the new shape (_unsafe_view),
    which shares nothing with the input."""
    x = input._data
    arr = _try_view(x, shape)
    if arr is not None:
        node = ViewBackward0 if x.flags.c_contiguous else ReshapeAliasBackward0
        return _view(node, input, arr, args=(x.shape,))
    copy = contiguous(input)            # CloneBackward0
    return unary(UnsafeViewBackward0, copy, copy._data.reshape(shape), args=(x.shape,))


def reshape(input, *shape, **kwargs):
    """reshape(input, shape) / x.reshape(*shape)."""
    if "shape" in kwargs:
        shape = (kwargs.pop("shape"),)
    if kwargs:
        raise TypeError(f"reshape() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return _reshape(input, _infer(_shape_arg(shape, "reshape", "shape"), input._data.size))


def reshape_as(input, other):
    return _reshape(input, _infer(tuple(other.shape), input._data.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (a view when possible); the input itself when
    there is nothing to merge, as in torch."""
    x = input._data
    s = wrap_dim(start_dim, x.ndim)
    e = wrap_dim(end_dim, x.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if x.ndim == 0:
        return _reshape(input, (1,))
    if s == e:
        return input
    n = 1
    for d in range(s, e + 1):
        n *= x.shape[d]
    return _reshape(input, x.shape[:s] + (n,) + x.shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim into sizes (one of them may be -1)."""
    sizes = _shape_arg((sizes,), "unflatten", "sizes")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        raise RuntimeError(f"unflatten got an unexpected error:\n{_no_dims_error(d)}")
    try:
        sizes = _infer(sizes, x.shape[d])
    except RuntimeError as err:
        if "is invalid for input of size" in str(err):
            raise RuntimeError(f"unflatten: Provided sizes {shape_str(sizes)} don't multiply "
                               f"up to the size of dim {d} ({x.shape[d]}) in the input "
                               "tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{err}") from None
    return view(input, x.shape[:d] + sizes + x.shape[d + 1:])


def ravel(input):
    """input.contiguous().view(-1)."""
    return view(contiguous(input), -1)


# -- permutations -------------------------------------------------------------------------

class PermuteBackward0(Node):
    """self: permute_backwards(grad, dims)"""
    __slots__ = ()

    def backward(self, grad):
        return (_permute(grad, self.args[0]),)


def permute(input, *dims, **kwargs):
    if "dims" in kwargs:
        dims = (kwargs.pop("dims"),)
    dims = _shape_arg(dims, "permute", "dims")
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    wrapped = []
    for d in dims:
        d = wrap_dim(d, nd)
        if d in wrapped:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        wrapped.append(d)
    inverse = [0] * nd
    for i, d in enumerate(wrapped):
        inverse[d] = i
    inverse = tuple(inverse)
    return _view(PermuteBackward0, input, input._data.transpose(wrapped), args=(inverse,))


_WARNED = set()       # torch gives these deprecation warnings once per process


def _reverse_dims(input):
    """x.T: all dims reversed (torch warns, once, unless x is 2-D)."""
    nd = input._data.ndim
    if nd == 0 and "T0" not in _WARNED:
        _WARNED.add("T0")
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in "
                      "these cases.", UserWarning, stacklevel=3)
    elif nd not in (0, 2) and "T" not in _WARNED:
        _WARNED.add("T")
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
                      "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                      UserWarning, stacklevel=3)
    return permute(input, tuple(range(nd - 1, -1, -1)))


def _matrix_transpose(input, name):
    """x.mT, x.mH (the last two dims swapped) and x.H (the same, of a 2-D tensor), for real
    tensors; torch's errors and its once-per-process warning for 0-D inputs (the identity)."""
    x = input._data
    if x.dtype.kind == "c":
        raise NotImplementedError(f"ember's Tensor.{name} of a complex tensor (a conjugate "
                                  "view) is not implemented")
    nd = x.ndim
    if nd == 0:
        if name not in _WARNED:
            _WARNED.add(name)
            tail = ("This function is the identity in these cases." if name == "mT" else
                    "Consider using x.conj().")
            warnings.warn(f"Tensor.{name} is deprecated on 0-D tensors. {tail}", UserWarning,
                          stacklevel=3)
        return input
    if name == "H":
        if nd != 2:
            hint = " For batches of matrices, consider using tensor.mH" if nd > 2 else ""
            raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                               f"{nd}-D tensor.{hint}")
    elif nd < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of "
                           f"matrices. Got {nd}-D tensor.")
    return transpose(input, -2, -1)


class AliasBackward0(Node):
    """self: grad"""
    __slots__ = ()

    def backward(self, grad):
        return (grad,)


def movedim(input, source, destination):
    src = _dims_arg(source, "movedim", "source")
    dst = _dims_arg(destination, "movedim", "destination")
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({shape_str(src)} dims) should contain the same number of dims "
                           f"as destination ({shape_str(dst)} dims)")
    nd = input._data.ndim
    ws = [wrap_dim(d, nd) for d in src]
    wd = [wrap_dim(d, nd) for d in dst]
    if len(set(ws)) != len(ws):
        raise RuntimeError(f"movedim: repeated dim in `source` ({shape_str(src)})")
    if len(set(wd)) != len(wd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({shape_str(dst)})")
    if nd == 0:
        return _view(AliasBackward0, input, input._data.view())
    order = [None] * nd
    for s, d in zip(ws, wd):
        order[d] = s
    rest = iter(d for d in range(nd) if d not in ws)
    order = [next(rest) if o is None else o for o in order]
    return permute(input, order)


moveaxis = movedim


class TransposeBackward0(Node):
    """self: grad.transpose(dim0, dim1)"""
    __slots__ = ()

    def backward(self, grad):
        if grad.ndim == 0:
            return (grad,)
        return (_transpose(grad, *self.args),)


def transpose(input, dim0, dim1):
    nd = input._data.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    x = input._data
    arr = np.swapaxes(x, d0, d1) if x.ndim else x.view()
    return _view(TransposeBackward0, input, arr, args=(d0, d1))


def swapaxes(input, axis0, axis1):
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    return transpose(input, dim0, dim1)


class TBackward0(Node):
    """self: grad.t()"""
    __slots__ = ()

    def backward(self, grad):
        return (_t(grad),)


def t(input):
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return _view(TBackward0, input, x.T)


# -- squeeze, unsqueeze -------------------------------------------------------------------

class SqueezeBackward0(Node):
    """self: unsqueeze_to(grad, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


class SqueezeBackward1(Node):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


class SqueezeBackward2(Node):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


def squeeze(input, dim=None):
    """Drop size-1 dims: all of them, one (int dim) or some (tuple dim)."""
    x = input._data
    if dim is None:
        shape = tuple(s for s in x.shape if s != 1)
        return _view(SqueezeBackward0, input, x.reshape(shape), args=(x.shape,))
    if isinstance(dim, (tuple, list)):
        dims = wrap_dims(_dims_arg(dim, "squeeze", "dim"), x.ndim)
        node = SqueezeBackward2
    else:
        dims = (wrap_dim(_int(dim, "squeeze", "dim"), x.ndim),)
        node = SqueezeBackward1
    shape = tuple(s for i, s in enumerate(x.shape) if not (s == 1 and i in dims))
    return _view(node, input, x.reshape(shape), args=(x.shape,))


class UnsqueezeBackward0(Node):
    """self: grad.squeeze(dim)"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


def unsqueeze(input, dim):
    x = input._data
    d = wrap_dim(_int(dim, "unsqueeze", "dim"), x.ndim + 1)
    shape = x.shape
    return _view(UnsqueezeBackward0, input, x.reshape(shape[:d] + (1,) + shape[d:]),
                 args=(shape,))


# -- expand, repeat -----------------------------------------------------------------------

class ExpandBackward0(Node):
    """self: at::sum_to(grad, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (sum_to(grad, self.args[0]),)


def _expand_shape(input, sizes):
    """at::inferExpandGeometry: the target shape, with torch's errors."""
    x = input._data
    if len(sizes) < x.ndim:
        raise RuntimeError(f"expand(torch.{input.dtype._legacy}{{{shape_str(x.shape)}}}, "
                           f"size={shape_str(sizes)}): the number of sizes provided "
                           f"({len(sizes)}) must be greater or equal to the number of "
                           f"dimensions in the tensor ({x.ndim})")
    lead = len(sizes) - x.ndim
    out = list(sizes)
    for i in range(len(sizes) - 1, -1, -1):
        target = sizes[i]
        if i < lead:
            if target < 0:
                raise RuntimeError(f"The expanded size of the tensor ({target}) isn't allowed "
                                   f"in a leading, non-existing dimension {i}")
            continue
        size = x.shape[i - lead]
        if size != target:
            if target == -1:
                out[i] = size
            elif size != 1:
                raise RuntimeError(f"The expanded size of the tensor ({target}) must match "
                                   f"the existing size ({size}) at non-singleton dimension "
                                   f"{i}.  Target sizes: {shape_str(sizes)}.  Tensor sizes: "
                                   f"{shape_str(x.shape)}")
    return tuple(out)


def expand(input, *sizes, **kwargs):
    """A view with size-1 dims repeated (stride 0) and new leading dims; -1 keeps a size."""
    if "size" in kwargs:
        sizes = (kwargs.pop("size"),)
    shape = _expand_shape(input, _shape_arg(sizes, "expand", "size"))
    x = input._data
    lead = len(shape) - x.ndim
    if shape[lead:] == x.shape and all(s == 1 for s in shape[:lead]):
        arr = x.reshape(shape)      # only leading 1s added: stays writable, as in torch
    else:
        arr = np.broadcast_to(x, shape)
    return _view(ExpandBackward0, input, arr, args=(x.shape,))


def expand_as(input, other):
    return expand(input, tuple(other.shape))


def broadcast_to(input, size):
    return expand(input, size)


def broadcast_shapes(*shapes):
    """The shape all of shapes broadcast to, as a torch.Size (torch._refs._broadcast_shapes,
    whose errors name the offending argument as it was given)."""
    from .._tensor import Size
    shapes = [(s,) if isinstance(s, int) else s for s in shapes if s is not None]
    if not shapes:
        return Size(())
    for s in shapes:
        if not isinstance(s, (tuple, list)):
            raise RuntimeError("Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {s}")
    common = [1] * max(len(s) for s in shapes)
    for i, s in enumerate(shapes):
        for d in range(-1, -1 - len(s), -1):
            if s[d] == common[d]:
                continue
            if common[d] == 1:
                if s[d] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[d] = s[d]
            if s[d] != 1 and common[d] != s[d]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[d]} at "
                                   f"{d}! Mismatching argument at index {i} had {s}; but "
                                   f"expected shape should be broadcastable to {common}")
    return Size(common)


def broadcast_tensors(*tensors):
    """Each tensor expanded to the common broadcast shape."""
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(x).__name__}")
    from .._errors import broadcast_shapes as _pair
    shape = ()
    for x in tensors:
        shape = _pair(shape, x._data.shape)
    return tuple(x if x._data.shape == shape else expand(x, shape) for x in tensors)


class RepeatBackward0(Node):
    """self: repeat_backward(grad, repeats, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        shape, padded, repeats = self.args
        # grad's dim i holds repeats[i] blocks of padded[i]: split each dim into (block, size)
        # and sum over the blocks.
        split = []
        for r, s in zip(repeats, padded):
            split += [r, s]
        g = sum_dims(grad.reshape(tuple(split)), tuple(range(0, len(split), 2)))
        return (g.reshape(shape),)


def repeat(input, *repeats, **kwargs):
    """The tensor tiled repeats[i] times along each dim (a copy)."""
    if "repeats" in kwargs:
        repeats = (kwargs.pop("repeats"),)
    repeats = _shape_arg(repeats, "repeat", "repeats")
    x = input._data
    if len(repeats) < x.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    padded = (1,) * (len(repeats) - x.ndim) + x.shape
    target = tuple(r * s for r, s in zip(repeats, padded))
    for d in target:
        if d < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {d}: "
                               f"{shape_str(target)}")
    out = np.tile(x.reshape(padded), repeats) if repeats else x.copy()
    return unary(RepeatBackward0, input, out, args=(x.shape, padded, repeats))


def tile(input, dims):
    """repeat, with dims padded by leading 1s to the tensor's number of dims."""
    dims = _dims_arg(dims, "tile", "dims")
    nd = input._data.ndim
    if len(dims) < nd:
        dims = (1,) * (nd - len(dims)) + dims
    return repeat(input, dims)


# -- flip, roll, rot90 ----------------------------------------------------------------------

class FlipBackward0(Node):
    """self: grad.flip(dims)"""
    __slots__ = ()

    def backward(self, grad):
        return (_flip(grad, self.args[0]),)


def flip(input, *dims, **kwargs):
    if "dims" in kwargs:
        dims = (kwargs.pop("dims"),)
    x = input._data
    dims = wrap_dims(_shape_arg(dims, "flip", "dims"), x.ndim)
    out = np.flip(x, dims).copy() if x.ndim else x.copy()
    return unary(FlipBackward0, input, out, args=(dims,))


def fliplr(input):
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class RollBackward0(Node):
    """self: grad.roll_symint(fmap(reverse_list_symint(shifts), [](c10::SymInt i){return -i;}),
    reverse_list(dims))"""
    __slots__ = ()

    def backward(self, grad):
        shifts, dims = self.args
        return (_roll(grad, tuple(-s for s in shifts), dims),)


def roll(input, shifts, dims=None):
    """Shift elements cyclically along dims (the flattened tensor when dims are not given)."""
    shifts = _dims_arg(shifts, "roll", "shifts")
    dims = () if dims is None else _dims_arg(dims, "roll", "dims")
    if not shifts:
        raise RuntimeError("`shifts` required")
    x = input._data
    if not dims and len(shifts) == 1:
        out = np.roll(x, shifts[0])
    else:
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        if x.ndim == 0:
            raise _no_dims_error(dims[0])
        dims = tuple(wrap_dim(d, x.ndim) for d in dims)
        out = np.roll(x, shifts, axis=dims)
    return unary(RollBackward0, input, out, args=(shifts, dims))


class Rot90Backward0(Node):
    """self: grad.rot90(-k, dims)"""
    __slots__ = ()

    def backward(self, grad):
        k, dims = self.args
        if isinstance(grad, Tensor):
            return (rot90(grad, -k, dims),)
        return (np.rot90(grad, -k, dims),)


def rot90(input, k=1, dims=(0, 1)):
    dims = _dims_arg(dims, "rot90", "dims")
    x = input._data
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = wrap_dim(dims[0], x.ndim), wrap_dim(dims[1], x.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return unary(Rot90Backward0, input, np.rot90(x, k, (d0, d1)).copy(), args=(k, (d0, d1)))


# -- cat, stack ---------------------------------------------------------------------------

def _tensor_list(tensors, fname):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(x).__name__}")
    return list(tensors)


def _common_dtype(tensors):
    first = tensors[0]._data.dtype
    if all(x._data.dtype == first for x in tensors):
        return _dtype._BY_NP[first]
    dt = tensors[0].dtype
    for x in tensors[1:]:
        dt = promote_types(dt, x.dtype)
    return dt


class CatBackward0(BroadcastingNode):
    """tensors: cat_tensors_backward(grad, to_args_sizes_symint(tensors),
    to_args_scalartypes(tensors), dim)"""
    __slots__ = ()

    def backward(self, grad):
        dim, sizes = self.args
        grads = []
        offset = 0
        for (fn, _), size in zip(self.next_functions, sizes):
            if size is None:        # a skipped 1-D empty input
                grads.append(None if fn is None else _zeros_like_grad(grad, (0,)))
                continue
            if fn is not None:
                grads.append(_slice_dim(grad, dim, offset, offset + size))
            else:
                grads.append(None)
            offset += size
        return tuple(grads)


def _zeros_like_grad(grad, shape):
    z = np.zeros(shape, dtype=grad.dtype.np if isinstance(grad, Tensor) else grad.dtype)
    return _make(z) if isinstance(grad, Tensor) else z


def cat(tensors, dim=0, *, axis=None, out=None):
    """Join tensors along an existing dim.  1-D empty tensors are skipped (torch's legacy
    rule), and the result has the promoted dtype of all inputs."""
    if out is not None:
        raise NotImplementedError("ember's cat does not support out=")
    if axis is not None:
        dim = axis
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if x._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    kept = [i for i, x in enumerate(tensors) if x._data.shape != (0,)]
    dt = _common_dtype(tensors)
    if kept:
        ref = tensors[kept[0]]._data
        dim = wrap_dim(dim, ref.ndim)
        for i in kept[1:]:
            a = tensors[i]._data
            if a.ndim != ref.ndim:
                raise RuntimeError(f"Tensors must have same number of dimensions: got "
                                   f"{ref.ndim} and {a.ndim}")
            for d in range(ref.ndim):
                if d != dim and a.shape[d] != ref.shape[d]:
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}."
                                       f" Expected size {ref.shape[d]} but got size "
                                       f"{a.shape[d]} for tensor number {i} in the list.")
        arrays = [tensors[i]._data for i in kept]
        if all(a.dtype == dt.np for a in arrays):
            result = np.concatenate(arrays, axis=dim)
        else:
            result = np.concatenate(arrays, axis=dim, dtype=dt.np, casting="unsafe")
    else:
        result = np.empty((0,), dt.np)
    sizes = tuple(None if x._data.shape == (0,) else x._data.shape[dim] for x in tensors)
    return record(CatBackward0, tensors, result, args=(dim, sizes))


concat = cat
concatenate = cat


class StackBackward0(BroadcastingNode):
    """tensors: stack_tensors_backward(grad, dim, to_args_scalartypes(tensors))"""
    __slots__ = ()

    def backward(self, grad):
        dim = self.args[0]
        if isinstance(grad, Tensor):
            parts = unbind(grad, dim)
        else:
            parts = [grad[_index(dim, i) + (Ellipsis,)] for i in range(grad.shape[dim])]
        return tuple(None if fn is None else g for (fn, _), g in zip(self.next_functions, parts))


def stack(tensors, dim=0, *, out=None):
    """Join equal-shaped tensors along a new dim."""
    if out is not None:
        raise NotImplementedError("ember's stack does not support out=")
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    dim = wrap_dim(dim, len(ref) + 1)
    for i, x in enumerate(tensors[1:], 1):
        if x._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{shape_str(ref)} at entry 0 and {shape_str(x._data.shape)} at "
                               f"entry {i}")
    dt = _common_dtype(tensors)
    result = np.stack([x._data for x in tensors], axis=dim, dtype=dt.np, casting="unsafe")
    return record(StackBackward0, tensors, result, args=(dim,))


def _nonempty(tensors, fname):
    tensors = _tensor_list(tensors, fname)
    if not tensors:
        raise RuntimeError(f"{fname} expects a non-empty TensorList")
    return tensors


def hstack(tensors):
    tensors = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors):
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2)


def column_stack(tensors):
    tensors = _nonempty(tensors, "column_stack")
    cols = [_reshape(x, (x._data.size, 1)) if x._data.ndim <= 1 else x for x in tensors]
    return cat(cols, 1)


def _atleast(tensors, fn):
    if len(tensors) == 1:
        if isinstance(tensors[0], Tensor):
            return fn(tensors[0])
        tensors = tensors[0]
    return tuple(fn(x) for x in tensors)


def _atleast_1d(x):
    return _reshape(x, (1,)) if x._data.ndim == 0 else x


def _atleast_2d(x):
    nd = x._data.ndim
    if nd == 0:
        return _reshape(x, (1, 1))
    return unsqueeze(x, 0) if nd == 1 else x


def _atleast_3d(x):
    nd = x._data.ndim
    if nd == 0:
        return _reshape(x, (1, 1, 1))
    if nd == 1:
        return unsqueeze(unsqueeze(x, 0), -1)
    return unsqueeze(x, -1) if nd == 2 else x


def atleast_1d(*tensors):
    return _atleast(tensors, _atleast_1d)


def atleast_2d(*tensors):
    return _atleast(tensors, _atleast_2d)


def atleast_3d(*tensors):
    return _atleast(tensors, _atleast_3d)


# -- split, chunk, unbind, narrow ---------------------------------------------------------

class _ManyOutputs(Node):
    """A node with several outputs: backward receives the list of their gradients (None for
    an output that got none, and the list may stop short of the last outputs)."""
    __slots__ = ()

    def apply(self, grads):
        return self.backward(grads)


def _filled(grads, shapes, dtype):
    """The gradients of all outputs, zeros where an output got none."""
    n = len(grads)
    return [grads[i] if i < n and grads[i] is not None else np.zeros(s, dtype)
            for i, s in enumerate(shapes)]


def _piece_shapes(shape, dim, sizes):
    return [shape[:dim] + (s,) + shape[dim + 1:] for s in sizes]


class SplitBackward0(_ManyOutputs):
    """self: split_backward(grads, split_size, dim, self.sym_sizes(), self.options())"""
    __slots__ = ()

    def backward(self, grads):
        shape, dtype, dim, sizes = self.args
        return (_concat(_filled(grads, _piece_shapes(shape, dim, sizes), dtype), dim),)


class SplitWithSizesBackward0(_ManyOutputs):
    """self: split_with_sizes_backward(grads, split_sizes, dim, self.sym_sizes(),
    self.options())"""
    __slots__ = ()

    def backward(self, grads):
        shape, dtype, dim, sizes = self.args
        return (_concat(_filled(grads, _piece_shapes(shape, dim, sizes), dtype), dim),)


class UnbindBackward0(_ManyOutputs):
    """self: unbind_backward(grads, dim)"""
    __slots__ = ()

    def backward(self, grads):
        shape, dtype, dim = self.args
        piece = shape[:dim] + shape[dim + 1:]
        return (_stack(_filled(grads, [piece] * shape[dim], dtype), dim),)


def _views(NodeClass, input, pieces, args):
    """Several views of input recorded under one node (split, chunk, unbind)."""
    outs = record_multi(NodeClass, (input,), pieces, args=args)
    base = input if input._base is None else input._base
    if _gm._enabled:
        meta = _views_meta.MULTI_OUTPUT
    else:
        meta = _views_meta.NO_GRAD
    for o in outs:
        o._vc = input._vc
        o._base = base
        if meta == _views_meta.NO_GRAD:
            o._view_meta = meta
            o._requires_grad = input._requires_grad
        else:
            _views_meta.register(base, o, meta)
    return tuple(outs)


def _split_pieces(x, dim, sizes):
    pieces = []
    offset = 0
    for s in sizes:
        pieces.append(x[_index(dim, slice(offset, offset + s))])
        offset += s
    return pieces


def _split_size(input, split_size, dim):
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if split_size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got "
                           f"split_size={split_size}")
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if split_size == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {n}")
    count = max((n + split_size - 1) // split_size, 1) if split_size else 1
    sizes = [split_size] * (count - 1) + [split_size - (split_size * count - n)]
    return _views(SplitBackward0, input, _split_pieces(x, d, sizes),
                  args=(x.shape, x.dtype, d, sizes))


def _split_with_sizes(input, sizes, dim):
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    for s in sizes:
        if s < 0:
            raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={shape_str(sizes)}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                           f"tensor's size at dimension {dim}), but got "
                           f"split_sizes={shape_str(sizes)}")
    return _views(SplitWithSizesBackward0, input, _split_pieces(x, d, sizes),
                  args=(x.shape, x.dtype, d, list(sizes)))


def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Pieces of split_size along dim (the last may be smaller), or pieces of the given sizes.
    Each piece is a view."""
    s = split_size_or_sections if split_size is None else split_size
    if isinstance(s, (tuple, list)):
        return _split_with_sizes(tensor, _shape_arg((s,), "split_with_sizes", "split_sizes"),
                                 dim)
    return _split_size(tensor, _int(s, "split", "split_size"), dim)


def chunk(input, chunks, dim=0):
    """split into `chunks` pieces of ceil(size / chunks) (fewer when they run out)."""
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    chunks = _int(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = x.shape[wrap_dim(dim, x.ndim)]
    size = (n + chunks - 1) // chunks
    if size == 0 and n == 0:
        return _split_with_sizes(input, (0,) * chunks, dim)
    return _split_size(input, size, dim)


def unbind(input, dim=0):
    """The slices along dim, each a view with that dim removed."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        raise _no_dims_error(d)
    pieces = [x[_index(d, i) + (Ellipsis,)] for i in range(x.shape[d])]
    return _views(UnbindBackward0, input, pieces, args=(x.shape, x.dtype, d))


class SliceBackward0(Node):
    """self: slice_backward_wrapper(grad, self.sym_sizes(), dim, start, end, step)"""
    __slots__ = ()

    def backward(self, grad):
        shape, dim, start, stop = self.args
        if isinstance(grad, Tensor):
            return (_slice_backward(grad, shape, dim, start, stop),)
        out = np.zeros(shape, grad.dtype)
        out[_index(dim, slice(start, stop))] = grad
        return (out,)


class SliceBackwardBackward0(Node):
    """grad_output: grad.slice_symint(dim, start, end, step)"""
    __slots__ = ()

    def backward(self, grad):
        dim, start, stop = self.args
        return (_slice_dim(grad, dim, start, stop),)


def _slice_backward(grad, shape, dim, start, stop):
    """Zeros of shape with grad written at [start:stop] along dim (differentiable)."""
    out = np.zeros(shape, grad._data.dtype)
    out[_index(dim, slice(start, stop))] = grad._data
    return unary(SliceBackwardBackward0, grad, out, args=(dim, start, stop))


def _slice(input, dim, start, stop):
    """input[..., start:stop] along dim (wrapped, in range) as a view: SliceBackward0."""
    x = input._data
    return _view(SliceBackward0, input, x[_index(dim, slice(start, stop))],
                 args=(x.shape, dim, start, stop))


def narrow(input, dim, start, length):
    """The view of `length` elements along dim from start."""
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        if start._data.ndim != 0 or start._data.dtype.kind not in "iu":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start._data)
    start = _int(start, "narrow", "start")
    length = _int(length, "narrow", "length")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    if start < 0:
        start += n
    if start > n - length:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _slice(input, d, start, start + length)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Split into `sections` nearly equal pieces or at the given indices (slices, clamped
    like Python's); each piece is a view with its own SliceBackward0."""
    arg = next((a for a in (indices_or_sections, sections, indices,
                            tensor_indices_or_sections) if a is not None), None)
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    if isinstance(arg, Tensor):
        a = arg._data
        if a.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a "
                               "zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {a.ndim} dims")
        if a.dtype != np.int64:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to have dtype "
                               f"of long, but got {arg.dtype._legacy[:-6]}")
        arg = int(a) if a.ndim == 0 else [int(v) for v in a]
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if isinstance(arg, (tuple, list)):
        bounds = [0] + [_int(i, "tensor_split", "indices") for i in arg] + [n]
        pieces = []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            lo, hi = _clamp_slice(lo, hi, n)
            pieces.append(_slice(input, d, lo, hi))
        return tuple(pieces)
    k = _int(arg, "tensor_split", "sections")
    if k <= 0:
        raise RuntimeError(f"number of sections must be larger than 0, got {k}")
    small, extra = divmod(n, k)
    pieces = []
    lo = 0
    for i in range(k):
        hi = lo + small + (1 if i < extra else 0)
        pieces.append(_slice(input, d, lo, hi))
        lo = hi
    return tuple(pieces)


def _clamp_slice(lo, hi, n):
    """at::slice's handling of start/end: wrap negatives, clamp to [0, n], end >= start."""
    if lo < 0:
        lo += n
    if hi < 0:
        hi += n
    lo = min(max(lo, 0), n)
    hi = min(max(hi, lo), n)
    return lo, hi


def _dim_split(input, arg, dim, name, min_dims):
    nd = input._data.ndim
    if nd < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} "
                           f"dimension, but got a tensor with {nd} dimensions!")
    if not isinstance(arg, (tuple, list, Tensor)):
        n = input._data.shape[dim]
        if arg != 0 and n % arg:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but "
                               f"the size of the dimension {n} is not divisible by the "
                               f"split_size {arg}!")
    return tensor_split(input, arg, dim)


def hsplit(input, indices_or_sections):
    return _dim_split(input, indices_or_sections, 0 if input._data.ndim == 1 else 1, "hsplit",
                      1)


def vsplit(input, indices_or_sections):
    return _dim_split(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    return _dim_split(input, indices_or_sections, 2, "dsplit", 3)


# -- diagonal, diag_embed -----------------------------------------------------------------

def _diag_view(a, offset, d1, d2):
    """The (writable) strided view of a's diagonal over dims d1, d2, appended as the last dim:
    at::diagonal's geometry."""
    n1, n2 = a.shape[d1], a.shape[d2]
    if offset >= 0:
        size = max(min(n1, n2 - offset), 0)
    else:
        size = max(min(n1 + offset, n2), 0)
    s1, s2 = a.strides[d1], a.strides[d2]
    if size > 0:
        if offset >= 0:
            a = a[_index(d2, slice(offset, None))]
        else:
            a = a[_index(d1, slice(-offset, None))]
    keep = [i for i in range(a.ndim) if i not in (d1, d2)]
    shape = tuple(a.shape[i] for i in keep) + (size,)
    strides = tuple(a.strides[i] for i in keep) + (s1 + s2,)
    return np.lib.stride_tricks.as_strided(a, shape, strides)


class DiagonalBackward0(Node):
    """self: diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)"""
    __slots__ = ()

    def backward(self, grad):
        shape, offset, d1, d2 = self.args
        if isinstance(grad, Tensor):
            out = np.zeros(shape, grad._data.dtype)
            _diag_view(out, offset, d1, d2)[...] = grad._data
            return (unary(DiagonalBackwardBackward0, grad, out, args=(offset, d1, d2)),)
        out = np.zeros(shape, grad.dtype)
        _diag_view(out, offset, d1, d2)[...] = grad
        return (out,)


class DiagonalBackwardBackward0(Node):
    """grad_output: grad.diagonal(offset, dim1, dim2)"""
    __slots__ = ()

    def backward(self, grad):
        return (_diagonal(grad, *self.args),)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal over dims dim1, dim2 as a view, appended as the last dim."""
    x = input._data
    d1, d2 = wrap_dim(dim1, x.ndim), wrap_dim(dim2, x.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _view(DiagonalBackward0, input, _diag_view(x, offset, d1, d2),
                 args=(x.shape, offset, d1, d2))


class DiagEmbedBackward0(Node):
    """self: grad.diagonal(offset, dim1, dim2)"""
    __slots__ = ()

    def backward(self, grad):
        return (_diagonal(grad, *self.args),)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonals over (dim1, dim2) are input's last dim; zeros elsewhere."""
    x = input._data
    nd = x.ndim + 1
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = abs(offset) + x.shape[wrap_dim(-1, x.ndim)]
    shape = list(x.shape[:-1])
    shape.insert(min(d1, d2), n)
    shape.insert(max(d1, d2), n)
    out = np.zeros(shape, x.dtype)
    _diag_view(out, offset, d1, d2)[...] = x
    return unary(DiagEmbedBackward0, input, out, args=(offset, d1, d2))


Tensor.view = view
Tensor.view_as = view_as
Tensor.reshape = reshape
Tensor.reshape_as = reshape_as
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.ravel = ravel
Tensor.permute = permute
Tensor.movedim = movedim
Tensor.moveaxis = moveaxis
Tensor.transpose = transpose
Tensor.swapaxes = swapaxes
Tensor.swapdims = swapdims
Tensor.t = t
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.broadcast_to = broadcast_to
Tensor.repeat = repeat
Tensor.tile = tile
Tensor.flip = flip
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.roll = roll
Tensor.rot90 = rot90
Tensor.split = split
Tensor.chunk = chunk
Tensor.tensor_split = tensor_split
Tensor.hsplit = hsplit
Tensor.vsplit = vsplit
Tensor.dsplit = dsplit
Tensor.unbind = unbind
Tensor.narrow = narrow
Tensor.diagonal = diagonal
Tensor.diag_embed = diag_embed


# =========================================================================================
# -- more shape ops: in-place metadata ops, as_strided, unfold, repeat_interleave, block_diag,
#    meshgrid, cartesian_prod, combinations, vander, split_with_sizes, unsafe_split/chunk,
#    sum_to_size, the *_scatter ops and the *_copy forms of the views ----------------------
# =========================================================================================

from .indexing import (_take, _put, _reshape as _reshape_dual, select as _select_op,  # noqa: E402
                       _slice as _slice_step, SelectBackward0 as _SelectBackward0,
                       SliceBackward0 as _IdxSliceBackward0, AliasBackward0 as _AliasBackward0,
                       index_select as _index_select, masked_select as _masked_select)

_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def _inplace_meta(x, arr, NodeClass, args):
    """x's own metadata changed in place (squeeze_, t_ ...): x now holds arr, a NumPy view of
    the same memory; its version is bumped and NodeClass recorded on top of its history."""
    if _gm._enabled and x._requires_grad:
        if x.grad_fn is None:
            raise RuntimeError(_LEAF_INPLACE)
        if x._base is not None:
            _views_meta.check(x)
        x.grad_fn = NodeClass(((x.grad_fn, x._output_nr),), (), args)
        x._output_nr = 0
    x._data = arr
    x._vc[0] += 1
    return x


class SqueezeBackward3(Node):
    """self: unsqueeze_to(grad, self.sym_sizes())   (squeeze_())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


class SqueezeBackward4(SqueezeBackward3):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())   (squeeze_(dim))"""
    __slots__ = ()


class SqueezeBackward5(SqueezeBackward3):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())   (squeeze_(dims))"""
    __slots__ = ()


class UnsqueezeBackward1(SqueezeBackward3):
    """self: grad.squeeze(dim)   (unsqueeze_(dim))"""
    __slots__ = ()


class TransposeBackward1(TransposeBackward0):
    """self: grad.transpose(dim0, dim1)   (transpose_)"""
    __slots__ = ()


class TBackward1(TBackward0):
    """self: grad.t()   (t_)"""
    __slots__ = ()


def squeeze_(input, dim=None):
    """squeeze in place: input's own shape loses its size-1 dims."""
    with _gm.no_grad():
        arr = squeeze(input, dim)._data
    if dim is None:
        node = SqueezeBackward3
    elif isinstance(dim, (tuple, list)):
        node = SqueezeBackward5
    else:
        node = SqueezeBackward4
    return _inplace_meta(input, arr, node, (input._data.shape,))


def unsqueeze_(input, dim):
    with _gm.no_grad():
        arr = unsqueeze(input, dim)._data
    return _inplace_meta(input, arr, UnsqueezeBackward1, (input._data.shape,))


def transpose_(input, dim0, dim1):
    nd = input._data.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    x = input._data
    arr = np.swapaxes(x, d0, d1) if x.ndim else x.view()
    return _inplace_meta(input, arr, TransposeBackward1, (d0, d1))


def swapaxes_(input, axis0, axis1):
    return transpose_(input, axis0, axis1)


def swapdims_(input, dim0, dim1):
    return transpose_(input, dim0, dim1)


def t_(input):
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return _inplace_meta(input, x.T, TBackward1, ())


# -- as_strided, unfold: views read at arbitrary (possibly repeated) positions -------------

def _strided_positions(n, shape, arr_fn):
    """Which element of a contiguous input of `n` elements and `shape` every element of the
    view arr_fn(array) reads: arr_fn applied to arange(n)."""
    return np.ascontiguousarray(arr_fn(np.arange(n, dtype=np.int64).reshape(shape)))


class AsStridedBackward0(Node):
    """self: as_strided_backward(grad, self_geometry, size, stride, storage_offset)
    (zeros of the input's shape with grad added at the elements the view reads)"""
    __slots__ = ()

    def backward(self, grad):
        shape, pos = self.args
        return (_reshape_dual(_put(grad, (int(np.prod(shape)),), (pos,), True), shape),)


class UnfoldBackward0(AsStridedBackward0):
    """self: unfold_backward(grad, self.sym_sizes(), dimension, size, step)"""
    __slots__ = ()


def _as_strided_arr(a, size, stride, offset):
    flat = a.reshape(-1)
    item = a.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:], tuple(size),
                                           tuple(s * item for s in stride))


def as_strided(input, size, stride, storage_offset=None):
    """The view of input's storage with the given sizes, strides (in elements) and offset."""
    x = input._data
    size = tuple(_int(s, "as_strided", "size") for s in size)
    stride = tuple(_int(s, "as_strided", "stride") for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    root = x
    while isinstance(root.base, np.ndarray):
        root = root.base
    if not (x.flags.c_contiguous and x.nbytes == root.nbytes and
            input.data_ptr() == root.__array_interface__["data"][0]):
        raise NotImplementedError("ember's as_strided supports only tensors that own their "
                                  "whole (contiguous) storage; call .contiguous() first")
    offset = 0 if storage_offset is None else _int(storage_offset, "as_strided",
                                                   "storage_offset")
    if any(s < 0 for s in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes="
                           f"{shape_str(size)} and strides={shape_str(stride)}")
    for s in stride:
        if s < 0:
            raise RuntimeError("as_strided: Negative strides are not supported at the moment, "
                               f"got strides: {shape_str(stride)}")
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > x.size:
        raise RuntimeError(f"setStorage: sizes {shape_str(size)}, strides "
                           f"{shape_str(stride)}, storage offset {offset}, and itemsize "
                           f"{x.itemsize} requiring a storage size of {need * x.itemsize} are "
                           f"out of bounds for storage of size {x.size * x.itemsize}")
    arr = _as_strided_arr(x, size, stride, offset)
    pos = _strided_positions(x.size, x.shape, lambda a: _as_strided_arr(a, size, stride, offset))
    if any(n > 1 and s == 0 for n, s in zip(size, stride)):
        arr.flags.writeable = False     # torch refuses in-place writes through a 0 stride
    return _view(AsStridedBackward0, input, arr, args=(x.shape, pos))


def _strided_view(input, arr_fn):
    """The view arr_fn(input's array) (a NumPy strided view of it), recorded as
    AsStridedBackward0 (fill_diagonal_'s diagonals)."""
    x = input._data
    pos = _strided_positions(x.size, x.shape, arr_fn)
    return _view(AsStridedBackward0, input, arr_fn(x), args=(x.shape, pos))


def _unfold_arr(a, d, size, step):
    n = (a.shape[d] - size) // step + 1 if a.ndim else (1 - size) // step + 1
    if a.ndim == 0:
        return np.lib.stride_tricks.as_strided(a, (size,), (0,))
    shape = a.shape[:d] + (n,) + a.shape[d + 1:] + (size,)
    strides = a.strides[:d] + (a.strides[d] * step,) + a.strides[d + 1:] + (a.strides[d],)
    return np.lib.stride_tricks.as_strided(a, shape, strides)


def unfold(input, dimension, size, step):
    """All slices of `size` elements along dimension, `step` apart, as a new last dim (a view)."""
    x = input._data
    d = wrap_dim(dimension, x.ndim) if x.ndim else wrap_dim(dimension, 1)
    n = x.shape[d] if x.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is "
                           f"{size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    arr = _unfold_arr(x, d, size, step)
    pos = _strided_positions(x.size, x.shape, lambda a: _unfold_arr(a, d, size, step))
    return _view(UnfoldBackward0, input, arr, args=(x.shape, pos))


# -- repeat_interleave, block_diag, meshgrid, cartesian_prod, combinations, vander ----------

def _repeats_index(repeats):
    """repeat_interleave(repeats) of a 1-D int tensor: [0]*r0 + [1]*r1 + ..."""
    r = repeats._data
    if r.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if r.dtype not in (np.int64, np.int32):
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for '
                                  f"'{repeats.dtype._legacy[:-len('Tensor')]}'")
    r = r.reshape(-1)
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return np.repeat(np.arange(r.size, dtype=r.dtype), r)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along dim) repeated repeats times, in place of the original."""
    if repeats is None:
        if not isinstance(input, Tensor):
            raise TypeError("repeat_interleave(): argument 'repeats' must be Tensor")
        return _make(_repeats_index(input))
    x = input._data
    if dim is None:
        input = flatten(input)
        d = 0
    else:
        d = wrap_dim(dim, x.ndim)
    if isinstance(repeats, Tensor) and repeats._data.ndim == 1 and repeats._data.size != 1:
        n = input._data.shape[d] if input._data.ndim else 1
        if repeats._data.size != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {repeats._data.size} and input.size({d}) = "
                               f"{n}")
        idx = _repeats_index(repeats)
        if output_size is not None and output_size != idx.size:
            raise RuntimeError("allocated size does not match required size")
        return _index_select(input, d, _make(idx.astype(np.int64)))
    if isinstance(repeats, Tensor):
        r = repeats._data
        if r.dtype not in (np.int64, np.int32):
            raise RuntimeError("repeats has to be Long or Int tensor")
        repeats = int(r.reshape(-1)[0])
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        return _index_select(input, d, _make(np.repeat(
            np.arange(input._data.shape[d] if input._data.ndim else 1), repeats)))
    repeats = _int(repeats, "repeat_interleave", "repeats")
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    if input._data.ndim == 0:
        input = input.reshape(1)
    shape = input._data.shape
    y = input.unsqueeze(d + 1).expand(shape[:d + 1] + (repeats,) + shape[d + 1:])
    from .pointwise import clone
    return clone(y).view(shape[:d] + (shape[d] * repeats,) + shape[d + 1:])


def diagflat(input, offset=0):
    """A 2-D tensor with input's elements (flattened) on diagonal `offset`."""
    return diag_embed(input.reshape(-1) if input._data.ndim != 1 else input, offset)


class BlockDiagBackward0(_ManyOutputs):
    """tensors: block_diag_backward(grad, sizes, dtypes)"""
    __slots__ = ()

    def apply(self, grads):
        grad = grads[0]
        shapes, dtypes = self.args
        out = []
        r = c = 0
        for s, dt in zip(shapes, dtypes):
            rows, cols = s[0], s[1]
            g = grad[r:r + rows, c:c + cols] if not isinstance(grad, Tensor) else \
                narrow(narrow(grad, 0, r, rows), 1, c, cols)
            if isinstance(grad, Tensor):
                g = g.to(_dtype._BY_NP[dt]) if grad._data.dtype != dt else g
                g = g.reshape(s[2])
            else:
                g = g.astype(dt, copy=False).reshape(s[2])
            out.append(g)
            r += rows
            c += cols
        return out


def block_diag(*tensors):
    """The tensors (0-, 1- or 2-D) placed along the diagonal of a 2-D tensor."""
    shapes = []
    for i, t in enumerate(tensors):
        nd = t._data.ndim
        if nd > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {nd} dimensions")
        s = t._data.shape
        rc = (1, 1) if nd == 0 else (1, s[0]) if nd == 1 else s
        shapes.append((rc[0], rc[1], s))
    if tensors:
        dt = tensors[0]._data.dtype
        for t in tensors[1:]:
            dt = promote_types(_dtype._BY_NP[dt], t.dtype).np
    else:
        return _make(np.zeros((1, 0), _dtype.get_default_dtype().np))
    out = np.zeros((sum(s[0] for s in shapes), sum(s[1] for s in shapes)), dt)
    r = c = 0
    for t, s in zip(tensors, shapes):
        out[r:r + s[0], c:c + s[1]] = t._data.reshape(s[0], s[1])
        r += s[0]
        c += s[1]
    return record(BlockDiagBackward0, tensors, out,
                  args=(shapes, [t._data.dtype for t in tensors]))


_MESHGRID_WARNING = ("torch.meshgrid: in an upcoming release, it will be required to pass the "
                     "indexing argument.")


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D (or 0-D) tensors: 'ij' (matrix) or 'xy' (Cartesian) order."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn(_MESHGRID_WARNING, UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors[1:]:
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got: {t}")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}')
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    out = []
    for i, t in enumerate(ts):
        view_shape = [1] * len(ts)
        view_shape[i] = -1
        out.append(t.view(view_shape).expand(shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def cartesian_prod(*tensors):
    """All combinations of the 1-D tensors' elements, as rows of a 2-D tensor."""
    for t in tensors:
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {shape_str(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.flatten() for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """All r-length combinations of input's elements (a 1-D tensor), as rows."""
    x = input._data
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {shape_str(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _make(np.empty((0,), x.dtype))
    n = x.size
    grids = meshgrid(*([input] * r), indexing="ij")
    idx = np.indices((n,) * r)
    mask = np.ones((n,) * r, bool)
    for i in range(r - 1):
        mask &= (idx[i] <= idx[i + 1]) if with_replacement else (idx[i] < idx[i + 1])
    m = _make(mask)
    return stack([_masked_select(g, m) for g in grids], 1)


def vander(x, N=None, increasing=False):
    """Columns x**0, x**1, ..., x**(N-1) (reversed unless increasing) of the 1-D x."""
    a = x._data
    if a.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is None:
        N = a.shape[0]
    elif N < 0:
        raise RuntimeError("N must be non-negative.")
    dt = promote_types(x.dtype, _dtype.int64)
    from .creation import zeros
    from .reduction import cumprod
    result = zeros((a.shape[0], N), dtype=dt)
    if N > 0:
        result[:, 0] = 1
        if N > 1:
            result[:, 1:] = x.unsqueeze(1)      # torch records this copy too
            result[:, 1:] = cumprod(x.unsqueeze(1).expand(a.shape[0], N - 1).to(dt), 1)
        if not increasing:
            return flip(result, (1,))
    return result


# -- split_with_sizes, unsafe_split, unsafe_chunk, sum_to_size ------------------------------

def split_with_sizes(input, split_sizes, dim=0):
    return _split_with_sizes(input, _shape_arg((split_sizes,), "split_with_sizes",
                                               "split_sizes"), dim)


class UnsafeSplitBackward0(_ManyOutputs):
    """self: split_backward(grads, split_size, dim, self.sym_sizes(), self.options())"""
    __slots__ = ()

    def backward(self, grads):
        shape, dtype, dim, sizes = self.args
        return (_concat(_filled(grads, _piece_shapes(shape, dim, sizes), dtype), dim),)


class UnsafeSplitWithSizesBackward0(UnsafeSplitBackward0):
    """self: split_with_sizes_backward(grads, split_sizes, dim, self.sym_sizes(),
    self.options())"""
    __slots__ = ()


def _unsafe(pieces, NodeClass):
    """split's pieces, no longer views (torch's unsafe_split: outputs that may be written in
    place freely), under NodeClass."""
    node = pieces[0].grad_fn if pieces else None
    outs = [_make(p._data) for p in pieces]
    for p, o in zip(pieces, outs):
        o._vc = p._vc
        o._base = None
    if node is not None:
        new = NodeClass(node.next_functions, (), node.args)
        for i, o in enumerate(outs):
            o._requires_grad = True
            o.grad_fn = new
            o._output_nr = i
    return tuple(outs)


def unsafe_split(input, split_size, dim=0):
    return _unsafe(_split_size(input, _int(split_size, "unsafe_split", "split_size"), dim),
                   UnsafeSplitBackward0)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    return _unsafe(split_with_sizes(input, split_sizes, dim), UnsafeSplitWithSizesBackward0)


def unsafe_chunk(input, chunks, dim=0):
    pieces = chunk(input, chunks, dim)
    node = pieces[0].grad_fn if pieces else None
    cls = UnsafeSplitWithSizesBackward0 if isinstance(node, SplitWithSizesBackward0) else \
        UnsafeSplitBackward0
    return _unsafe(pieces, cls)


def sum_to_size(input, *size):
    """input summed down to size (which input must be expandable to)."""
    size = _shape_arg(size, "sum_to_size", "size")
    x = input._data
    ok = len(size) <= x.ndim and all(
        s == 1 or s == n for s, n in zip(size[::-1], x.shape[::-1]))
    if not ok:
        raise RuntimeError(f"size {{{shape_str(size)}}} is not expandable to size "
                           f"{{{shape_str(x.shape)}}}.")
    if tuple(size) == x.shape:
        return input
    lead = x.ndim - len(size)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(size)
                                      if s == 1 and x.shape[i + lead] != 1)
    out = input.sum(dims, keepdim=True) if dims else input
    return out.view(size) if lead else out


# -- slice_scatter, select_scatter, diagonal_scatter --------------------------------------

class SliceScatterBackward0(BroadcastingNode):
    """self: slice_scatter_symint(grad, zeros_like(src), dim, start, end, step)
    src: grad.slice_symint(dim, start, end, step)"""
    __slots__ = ()

    def backward(self, grad):
        keep, index = self.args
        gs = grad * keep if self.next_functions[0][0] is not None else None
        gsrc = _take(grad, index) if self.next_functions[1][0] is not None else None
        return gs, gsrc


class SelectScatterBackward0(SliceScatterBackward0):
    """self: select_scatter_symint(grad, zeros_like(src), dim, index)
    src: grad.select_symint(dim, index)"""
    __slots__ = ()


class DiagonalScatterBackward0(BroadcastingNode):
    """self: diagonal_scatter(grad, zeros_like(src), offset, dim1, dim2)
    src: grad.diagonal(offset, dim1, dim2)"""
    __slots__ = ()

    def backward(self, grad):
        keep, offset, d1, d2 = self.args
        gs = grad * keep if self.next_functions[0][0] is not None else None
        gsrc = None
        if self.next_functions[1][0] is not None:
            gsrc = _diagonal(grad, offset, d1, d2)
            if not isinstance(gsrc, Tensor):
                gsrc = np.array(gsrc)
        return gs, gsrc


def _scatter_into(input, src, region, NodeClass, args):
    """A copy of input with src written at the NumPy view region(copy): the *_scatter ops."""
    x = input._data
    out = x.copy()
    target = region(out)
    if target.shape != src._data.shape:
        return None, target.shape
    target[...] = src._data         # cast to input's dtype, as torch's copy_ does
    keep = np.ones(x.shape, x.dtype)
    region(keep)[...] = 0
    return record(NodeClass, (input, src), out, args=(keep,) + args), None


def _scatter_shape_error(name, want, got):
    return RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                        f"{shape_str(got)}, slice size = {shape_str(want)}")


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of input with src written at input[start:end:step] along dim."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    index = _index(d, slice(*slice(start, end, step).indices(x.shape[d])))
    r, want = _scatter_into(input, src, lambda a: a[index], SliceScatterBackward0, (index,))
    if r is None:
        raise _scatter_shape_error("slice", want, src._data.shape)
    return r


def select_scatter(input, src, dim, index):
    """A copy of input with src written at input.select(dim, index)."""
    x = input._data
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, x.ndim)
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{shape_str(x.shape)} at dimension {d}")
    ix = _index(d, index % n) + (Ellipsis,)
    r, want = _scatter_into(input, src, lambda a: a[ix], SelectScatterBackward0, (ix,))
    if r is None:
        raise _scatter_shape_error("select", want, src._data.shape)
    return r


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src written at input.diagonal(offset, dim1, dim2)."""
    x = input._data
    d1, d2 = wrap_dim(dim1, x.ndim), wrap_dim(dim2, x.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    r, want = _scatter_into(input, src, lambda a: _diag_view(a, offset, d1, d2),
                            DiagonalScatterBackward0, (offset, d1, d2))
    if r is None:
        raise _scatter_shape_error("diagonal", want, src._data.shape)
    return r


# -- the *_copy forms: the view ops' values as fresh tensors, with "_copy" nodes ------------

class ViewBackward0_copy(ViewBackward0):
    """self: grad.reshape_symint(self.sym_sizes())"""
    __slots__ = ()


class PermuteBackward0_copy(PermuteBackward0):
    """self: permute_backwards(grad, dims)"""
    __slots__ = ()


class TransposeBackward0_copy(TransposeBackward0):
    """self: grad.transpose(dim0, dim1)"""
    __slots__ = ()


class TBackward0_copy(TBackward0):
    """self: grad.t()"""
    __slots__ = ()


class ExpandBackward0_copy(ExpandBackward0):
    """self: at::sum_to(grad, self.sym_sizes())"""
    __slots__ = ()


class SqueezeBackward0_copy(SqueezeBackward0):
    """self: unsqueeze_to(grad, self.sym_sizes())"""
    __slots__ = ()


class SqueezeBackward1_copy(SqueezeBackward1):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())"""
    __slots__ = ()


class SqueezeBackward2_copy(SqueezeBackward2):
    """self: unsqueeze_to(grad, dim, self.sym_sizes())"""
    __slots__ = ()


class UnsqueezeBackward0_copy(UnsqueezeBackward0):
    """self: grad.squeeze(dim)"""
    __slots__ = ()


class SelectBackward0_copy(_SelectBackward0):
    """self: select_backward_symint(grad, self.sym_sizes(), dim, index)"""
    __slots__ = ()


class SliceBackward0_copy(_IdxSliceBackward0):
    """self: slice_backward_wrapper(grad, self.sym_sizes(), dim, start, end, step)"""
    __slots__ = ()


class NarrowCopyBackward0(SliceBackward0):
    """self: slice_backward_wrapper(grad, self.sym_sizes(), dim, start, start + length, 1)"""
    __slots__ = ()


class DiagonalBackward0_copy(DiagonalBackward0):
    """self: diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)"""
    __slots__ = ()


class UnbindBackward0_copy(UnbindBackward0):
    """self: unbind_backward(grads, dim)"""
    __slots__ = ()


class SplitBackward0_copy(SplitBackward0):
    """self: split_backward(grads, split_size, dim, self.sym_sizes(), self.options())"""
    __slots__ = ()


class SplitWithSizesBackward0_copy(SplitWithSizesBackward0):
    """self: split_with_sizes_backward(grads, split_sizes, dim, self.sym_sizes(),
    self.options())"""
    __slots__ = ()


class AliasBackward0_copy(_AliasBackward0):
    """self: grad"""
    __slots__ = ()


class AsStridedBackward0_copy(AsStridedBackward0):
    """self: as_strided_backward(grad, self_geometry, size, stride, storage_offset)"""
    __slots__ = ()


class UnfoldBackward0_copy(UnfoldBackward0):
    """self: unfold_backward(grad, self.sym_sizes(), dimension, size, step)"""
    __slots__ = ()


def _copy_of(r, NodeClass):
    """The view r as a fresh contiguous tensor whose node is NodeClass (r's node, renamed)."""
    out = _make(r._data.copy())
    fn = r.grad_fn
    if fn is not None and _gm._enabled:
        out._requires_grad = True
        out.grad_fn = NodeClass(fn.next_functions, (), fn.args)
    return out


def _copies_of(pieces, NodeClass):
    outs = [_make(p._data.copy()) for p in pieces]
    fn = pieces[0].grad_fn if pieces else None
    if fn is not None and _gm._enabled:
        node = NodeClass(fn.next_functions, (), fn.args)
        for i, o in enumerate(outs):
            o._requires_grad = True
            o.grad_fn = node
            o._output_nr = i
    return outs


def view_copy(input, size):
    if not isinstance(size, (tuple, list)):
        from .._dtype import dtype as _dtype_cls
        if isinstance(size, _dtype_cls):
            raise NotImplementedError("view_copy(dtype) is not supported by ember")
    r = view(input, size)
    if not isinstance(r.grad_fn, (ViewBackward0, type(None))):
        return _copy_of(r, type(r.grad_fn))
    return _copy_of(r, ViewBackward0_copy)


def permute_copy(input, dims):
    return _copy_of(permute(input, dims), PermuteBackward0_copy)


def transpose_copy(input, dim0, dim1):
    return _copy_of(transpose(input, dim0, dim1), TransposeBackward0_copy)


def t_copy(input):
    return _copy_of(t(input), TBackward0_copy)


def expand_copy(input, size, *, implicit=False):
    return _copy_of(expand(input, size), ExpandBackward0_copy)


def squeeze_copy(input, dim=None):
    if dim is None:
        node = SqueezeBackward0_copy
    elif isinstance(dim, (tuple, list)):
        node = SqueezeBackward2_copy
    else:
        node = SqueezeBackward1_copy
    return _copy_of(squeeze(input, dim), node)


def unsqueeze_copy(input, dim):
    return _copy_of(unsqueeze(input, dim), UnsqueezeBackward0_copy)


def select_copy(input, dim, index):
    return _copy_of(_select_op(input, dim, index), SelectBackward0_copy)


def slice_copy(input, dim=0, start=None, end=None, step=1):
    x = input._data
    if x.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = wrap_dim(dim, x.ndim)
    lo, hi, _ = slice(start, end, step).indices(x.shape[d])
    return _copy_of(_slice_step(input, d, lo, max(hi, lo), step), SliceBackward0_copy)


def diagonal_copy(input, offset=0, dim1=0, dim2=1):
    return _copy_of(diagonal(input, offset, dim1, dim2), DiagonalBackward0_copy)


def narrow_copy(input, dim, start, length):
    return _copy_of(narrow(input, dim, start, length), NarrowCopyBackward0)


def unbind_copy(input, dim=0):
    return tuple(_copies_of(unbind(input, dim), UnbindBackward0_copy))


def split_copy(input, split_size, dim=0):
    return tuple(_copies_of(_split_size(input, _int(split_size, "split_copy", "split_size"),
                                        dim), SplitBackward0_copy))


def split_with_sizes_copy(input, split_sizes, dim=0):
    return tuple(_copies_of(split_with_sizes(input, split_sizes, dim),
                            SplitWithSizesBackward0_copy))


def alias_copy(input):
    from .indexing import _alias
    return _copy_of(_alias(input), AliasBackward0_copy)


class _DetachCopyNode(Node):
    """detach_copy has no derivative in torch: its node is named NotImplemented."""
    __slots__ = ()

    def apply(self, grads):
        raise RuntimeError("derivative for aten::detach_copy is not implemented")


_DetachCopyNode.__name__ = "NotImplemented"
_DetachCopyNode.__qualname__ = "NotImplemented"


def detach_copy(input):
    out = _make(input._data.copy())
    if _gm._enabled and input._requires_grad:
        out._requires_grad = True
        out.grad_fn = _DetachCopyNode((), ())
    return out


def as_strided_copy(input, size, stride, storage_offset=None):
    return _copy_of(as_strided(input, size, stride, storage_offset), AsStridedBackward0_copy)


def unfold_copy(input, dimension, size, step):
    return _copy_of(unfold(input, dimension, size, step), UnfoldBackward0_copy)


Tensor.squeeze_ = squeeze_
Tensor.unsqueeze_ = unsqueeze_
Tensor.transpose_ = transpose_
Tensor.swapaxes_ = swapaxes_
Tensor.swapdims_ = swapdims_
Tensor.t_ = t_
Tensor.as_strided = as_strided
Tensor.unfold = unfold
Tensor.repeat_interleave = repeat_interleave
Tensor.diagflat = diagflat
Tensor.split_with_sizes = split_with_sizes
Tensor.unsafe_split = unsafe_split
Tensor.unsafe_split_with_sizes = unsafe_split_with_sizes
Tensor.unsafe_chunk = unsafe_chunk
Tensor.sum_to_size = sum_to_size
Tensor.slice_scatter = slice_scatter
Tensor.select_scatter = select_scatter
Tensor.diagonal_scatter = diagonal_scatter
Tensor.narrow_copy = narrow_copy

__all__ += ["as_strided", "repeat_interleave", "diagflat", "block_diag", "meshgrid",
            "cartesian_prod", "combinations", "vander", "split_with_sizes", "unsafe_split",
            "unsafe_split_with_sizes", "unsafe_chunk", "slice_scatter", "select_scatter",
            "diagonal_scatter", "view_copy", "permute_copy", "transpose_copy", "t_copy",
            "expand_copy", "squeeze_copy", "unsqueeze_copy", "select_copy", "slice_copy",
            "diagonal_copy", "narrow_copy", "unbind_copy", "split_copy",
            "split_with_sizes_copy", "alias_copy", "detach_copy", "as_strided_copy",
            "unfold_copy"]
