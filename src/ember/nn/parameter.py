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
    """Whether param is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


# == s7_nn_more: UninitializedParameter / UninitializedBuffer (lazy modules) =================

class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet: lazy modules materialize it on
    their first forward.  (torch also refuses every op but a few on it, through
    __torch_function__; ember's ops read the data directly, so they see an empty tensor.)"""

    def materialize(self, shape, device=None, dtype=None):
        """Become a cls_to_become (Parameter, or a buffer) of the given shape, with this one's
        dtype (or dtype), its contents uninitialised, as torch.empty."""
        if dtype is None:
            dtype = self.dtype
        self._data = empty(shape, dtype=dtype)._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. "
            "This error usually happens in `load_state_dict` when trying to load "
            "an uninitialized parameter into an initialized one. "
            "Call `forward` to initialize the parameters before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. "
            "Call `forward` to initialize the parameters before calling "
            "`module.share_memory()`.")

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    def __reduce_ex__(self, proto):
        return (self.__class__, (self.requires_grad,))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is still unknown; materialize() makes it a Parameter."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return Parameter.__new__(cls, empty(0, device=device, dtype=dtype), requires_grad)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, None, self.dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer whose shape is still unknown; materialize() makes it a buffer tensor (torch's
    becomes a plain Tensor; ember's a Buffer, a Tensor subclass that keeps ``persistent``)."""

    cls_to_become = Buffer

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = Buffer.__new__(cls, empty(0, device=device, dtype=dtype), persistent=persistent)
        t._requires_grad = bool(requires_grad)
        return t

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, None, self.dtype, self.persistent)
        memo[id(self)] = result
        return result


__all__ += ["UninitializedParameter", "UninitializedBuffer", "UninitializedTensorMixin"]
