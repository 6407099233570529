"""Shape ops: view, reshape, flatten, permute, transpose, t, squeeze, unsqueeze, expand, repeat,
flip, roll, cat, stack, split, chunk, unbind, narrow ...  Views share memory and the version
counter with their base, as torch's do."""
import numpy as np

from .._errors import wrap_dim
from .._tensor import Tensor
from ._base import Node, view as _view, sum_to, permute as _permute, transpose as _transpose

__all__ = ["reshape", "permute", "transpose", "t", "expand"]


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer(shape, numel):
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input "
                               f"of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of "
                           f"size {numel}")
    return shape


class ViewBackward0(Node):
    """self: grad.reshape_symint(self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.reshape(self.args[0]),)


def view(input, *shape):
    x = input._data
    shape = _infer(_shape_arg(shape), x.size)
    return _view(ViewBackward0, input, x.reshape(shape), args=(x.shape,))


def reshape(input, *shape):
    x = input._data
    shape = _infer(_shape_arg(shape), x.size)
    return _view(ViewBackward0, input, x.reshape(shape), args=(x.shape,))


class PermuteBackward0(Node):
    """self: permute_backwards(grad, dims)"""
    __slots__ = ()

    def backward(self, grad):
        return (_permute(grad, self.args[0]),)


def permute(input, *dims):
    dims = tuple(wrap_dim(d, input._data.ndim) for d in _shape_arg(dims))
    inverse = tuple(np.argsort(dims))
    return _view(PermuteBackward0, input, input._data.transpose(dims), args=(inverse,))


def _reverse_dims(input):
    nd = input._data.ndim
    return permute(input, tuple(range(nd - 1, -1, -1)))


class TransposeBackward0(Node):
    """self: grad.transpose(dim0, dim1)"""
    __slots__ = ()

    def backward(self, grad):
        return (_transpose(grad, *self.args),)


def transpose(input, dim0, dim1):
    nd = input._data.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    return _view(TransposeBackward0, input, np.swapaxes(input._data, d0, d1), args=(d0, d1))


class TBackward0(Node):
    """self: grad.t()"""
    __slots__ = ()

    def backward(self, grad):
        return (grad.T,)


def t(input):
    x = input._data
    if x.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return _view(TBackward0, input, x.T)


class ExpandBackward0(Node):
    """self: at::sum_to(grad, self.sym_sizes())"""
    __slots__ = ()

    def backward(self, grad):
        return (sum_to(grad, self.args[0]),)


def expand(input, *sizes):
    x = input._data
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(sizes))
    return _view(ExpandBackward0, input, np.broadcast_to(x, shape), args=(x.shape,))


Tensor.view = view
Tensor.reshape = reshape
Tensor.permute = permute
Tensor.transpose = transpose
Tensor.t = t
Tensor.expand = expand
