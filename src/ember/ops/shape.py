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
                               f"up to the size of dim {dim} ({x.shape[d]}) in the input "
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
