"""nn.Parameter: a Tensor that a Module registers as one of its parameters when assigned."""
from .. import _printing
from .._tensor import Tensor, _make
from ..ops.creation import empty

__all__ = ["Parameter"]


class Parameter(Tensor):
    """Parameter(data=None, requires_grad=True): shares data's memory and version counter,
    is a leaf, and requires grad by default (even under no_grad, as torch's does)."""
    # No __slots__: a Parameter carries a __dict__, as torch's does (users tag parameters).

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = empty(0)
        if requires_grad and data._data.dtype.kind not in "fc":
            # torch's _make_subclass words it differently from requires_grad_()
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t = cls._from(data.detach())
        t._requires_grad = bool(requires_grad)
        return t

    def __repr__(self):
        return _printing.parameter_repr(self)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(_make(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._data, self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(_make(data), requires_grad)
