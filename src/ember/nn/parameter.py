"""nn.Parameter and nn.Buffer: Tensors that a Module registers when they are assigned to it."""
from .. import _printing
from .._tensor import Tensor, _make
from ..ops.creation import empty

__all__ = ["Parameter", "Buffer", "is_lazy"]


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


class Buffer(Tensor):
    """Buffer(data=None, *, persistent=True): a tensor that a Module registers as a buffer
    when it is assigned (``self.running_mean = nn.Buffer(torch.zeros(3))``).

    It shares data's memory and keeps its requires_grad; ``persistent`` says whether it goes
    into the module's state_dict.  (torch returns a plain Tensor carrying a flag; ember's
    Tensor has no room for attributes, so a Buffer is a Tensor subclass.)"""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = empty(0)
        t = cls._from(data.detach())
        t._requires_grad = data._requires_grad
        t.persistent = persistent
        return t

    def __repr__(self):
        return _printing.tensor_repr(Tensor._from(self))     # prints as torch's plain tensor

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = _make(self._data.copy())
        result._requires_grad = self._requires_grad
        result = Buffer(result, persistent=self.persistent)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        return (_rebuild_buffer, (self._data, self._requires_grad, self.persistent))


def _rebuild_buffer(data, requires_grad, persistent):
    t = _make(data)
    t._requires_grad = requires_grad
    return Buffer(t, persistent=persistent)


def is_lazy(param):
    """Whether param is an uninitialised parameter of a lazy module (ember has none)."""
    return False
