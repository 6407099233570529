"""class Tensor: a NumPy array plus what autograd needs.

Slots:
  _data          the NumPy array (views of other tensors share memory, as torch's views do)
  _requires_grad whether gradients flow to/through this tensor
  grad_fn        the Node that made it (None for leaves)
  _output_nr     which output of grad_fn this is
  _grad          the accumulated gradient of a leaf (or of a non-leaf after retain_grad())
  _vc            version counter: a list shared by a tensor and its views; item 0 is the
                 version, bumped by every in-place op; saved tensors are checked against it.
                 Item 1, once an in-place op was recorded, says which op and where (for
                 the note of the error; autograd/_explain.py)
  _base          the tensor this is a view of (None if not a view)
  _views         of a base: its live views, as weak references (None if none); of a view:
                 unused.  ops/_views.py rebases them when the base is written in place
  _view_meta     of a view: how it was made (None; ops/_views.NO_GRAD, MULTI_OUTPUT, ...),
                 which decides whether torch lets it be written in place
  _hooks         gradient hooks from register_hook (None if none)
  _retains_grad  set by retain_grad()
  _accumulator   weak reference to the leaf's AccumulateGrad node, shared by all its uses
  _post_acc_hooks  {handle id: hook} from register_post_accumulate_grad_hook (None if none)

The ops live in ``ember.ops``; each ops module binds its functions as Tensor methods at
its end (``Tensor.exp = exp``), so a method *is* the function and ``grep "def exp"`` finds it.
"""
import warnings
import weakref
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._dtype import from_numpy_dtype
from .autograd import grad_mode as _gm
from .autograd.grad_mode import InferenceVersion as _InferenceVersion, _inference_flag
from .autograd.node import AccumulateGrad

__all__ = ["Tensor", "Size"]


class Size(tuple):
    """torch.Size: a tuple of ints that prints as ``torch.Size([2, 3])``."""
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


# torch's device types, in the order its error message lists them
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip",
                "ve", "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
                "privateuseone")


class device:
    """torch.device.  Any of torch's device types can be named (``torch.device("cuda")`` is
    fine in torch's CPU build too); putting a tensor there fails as it does in that build
    (``require_cpu``)."""
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, index = type.split(":")
            index = int(index)
        if type not in DEVICE_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at "
                               f"start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and \
            (self.index == other.index or None in (self.index, other.index))

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def require_cpu(d):
    """Tensors live on the CPU: another device raises what torch's CPU-only build raises."""
    kind = d.type if isinstance(d, device) else device(d).type
    if kind == "cpu":
        return
    if kind == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if kind == "xpu":
        raise AssertionError("Torch not compiled with XPU enabled")
    raise RuntimeError(f"PyTorch is not linked with support for {kind} devices")

_new = object.__new__
_NO_GRAD_VIEW = (1, 3)     # ops/_views.NO_GRAD, INHERITED_NO_GRAD
_ndarray = np.ndarray


def _make(data):
    """Wrap a NumPy array (trusted: the caller checked dtype and type) in a new leaf Tensor."""
    t = _new(Tensor)
    t._data = data
    t._requires_grad = False
    t.grad_fn = None
    t._output_nr = 0
    t._grad = None
    t._vc = _InferenceVersion((0,)) if _inference_flag[0] else [0]
    t._base = None
    t._views = None
    t._view_meta = None
    t._hooks = None
    t._retains_grad = False
    t._accumulator = None
    t._post_acc_hooks = None
    return t


def _as_array(data):
    """NumPy scalars from 0-d arithmetic become 0-d arrays."""
    return data if type(data) is _ndarray else np.asarray(data)


class Tensor:
    __slots__ = ("_data", "_requires_grad", "grad_fn", "_output_nr", "_grad", "_vc", "_base",
                 "_views", "_view_meta", "_hooks", "_retains_grad", "_accumulator",
                 "_post_acc_hooks", "__weakref__")

    # Let NumPy defer to Tensor's reflected operators (array * tensor -> Tensor.__rmul__).
    __array_ufunc__ = None

    def __new__(cls, *args, **kwargs):
        """torch.Tensor(data) / torch.Tensor(*sizes): a tensor of the default float dtype."""
        from .ops.creation import _legacy_constructor
        t = _legacy_constructor(*args, **kwargs)
        if cls is not Tensor:
            t = cls._from(t)
        return t

    @classmethod
    def _from(cls, t):
        out = _new(cls)
        for name in Tensor.__slots__[:-1]:
            setattr(out, name, getattr(t, name))
        return out

    # -- attributes ---------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        from ._errors import wrap_dim
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return _dtype._BY_NP[self._data.dtype]

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def layout(self):
        return "torch.strided"

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def is_contiguous(self, memory_format=None):
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return st
        from ._errors import wrap_dim
        return st[wrap_dim(dim, self._data.ndim)]

    def storage_offset(self):
        base = self._data
        while isinstance(base.base, np.ndarray):
            base = base.base
        return (self._data.__array_interface__["data"][0] -
                base.__array_interface__["data"][0]) // self._data.itemsize

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables."
                               + ("" if flag else " If you want to use a computed variable in "
                                  "a subgraph that doesn't require differentiation use "
                                  "var_no_grad = var.detach()."))
        if flag and self.grad_fn is None and self._data.dtype.kind not in "fc":
            from .autograd._explain import int_requires_grad
            raise int_requires_grad(RuntimeError("only Tensors of floating point and complex "
                                                 "dtype can require gradients"), self._data.dtype)
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fc":
            from .autograd._explain import int_requires_grad
            raise int_requires_grad(RuntimeError("only Tensors of floating point dtype can "
                                                 "require gradients"), self._data.dtype)
        if requires_grad and type(self._vc) is _InferenceVersion and not _gm._inference:
            raise RuntimeError("Setting requires_grad=True on inference tensor outside "
                               "InferenceMode is not allowed.")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information. (Triggered "
                "internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{_shape_list(value._data.shape)}'"
                    f" to a tensor of size '{_shape_list(self._data.shape)}'. Please ensure "
                    "that the gradient and the tensor are the same size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_c_name(value.dtype)}' to "
                    f"a tensor with grad_dtype '{self.dtype._legacy[:-6]}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
                    "set the tensor's grad_dtype attribute with a specific dtype, or None to "
                    "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a "
                    "tensor and its gradient may break downstream systems that assume they "
                    "match.")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        """The same data, detached from the graph (shares memory and nothing else)."""
        t = _make(self._data)
        return t

    @data.setter
    def data(self, value):
        self._data = value._data

    @property
    def _version(self):
        if type(self._vc) is _InferenceVersion:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vc[0]

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def _is_view(self):
        return self._base is not None

    def _is_view_method(self):
        return self._base is not None

    @property
    def T(self):
        from .ops.shape import _reverse_dims
        return _reverse_dims(self)

    @property
    def mT(self):
        from .ops.shape import _matrix_transpose
        return _matrix_transpose(self, "mT")

    @property
    def H(self):
        from .ops.shape import _matrix_transpose
        return _matrix_transpose(self, "H")

    @property
    def mH(self):
        from .ops.shape import _matrix_transpose
        return _matrix_transpose(self, "mH")

    # -- autograd -----------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from .autograd.engine import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self):
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        node = self.grad_fn
        if node._retain is None:
            node._retain = {}
        node._retain[self._output_nr] = weakref.ref(self)

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; may return a new grad."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            from .autograd.node import _RemovableHandle
            self._hooks.append(hook)
            return _RemovableHandle(self._hooks, hook)
        nr = self._output_nr

        def pre_hook(grads):
            g = grads[nr]
            if g is None:
                return None
            r = _call_tensor_hook(hook, g)
            if r is None:
                return None
            grads = list(grads)
            grads[nr] = r
            return grads
        pre_hook.tensor_hook = hook
        return self.grad_fn.register_prehook(pre_hook)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs after a backward pass has accumulated this leaf's ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require "
                               "gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        from .nn.modules.module import RemovableHandle
        if self._post_acc_hooks is None:
            self._post_acc_hooks = OrderedDict()     # RemovableHandle holds a weak reference
        handle = RemovableHandle(self._post_acc_hooks)
        self._post_acc_hooks[handle.id] = hook
        return handle

    def _grad_node(self):
        """The node gradients of this tensor flow into: grad_fn, or the leaf's accumulator."""
        if self.grad_fn is not None:
            return self.grad_fn
        if not self._requires_grad or self._view_meta in _NO_GRAD_VIEW:
            return None         # a view made in no_grad mode: torch records no edge
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._accumulator = weakref.ref(acc)
        return acc

    def detach(self):
        t = _make(self._data)
        t._vc = self._vc          # torch's detach() shares the version counter
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are "
                               "using DistributedDataParallel (DDP) for training, and "
                               "gradient_as_bucket_view is set as True, gradients are views "
                               "of DDP buckets, and hence detach_() cannot be called on these "
                               "gradients. To fix this error, please refer to the "
                               "Optimizer.zero_grad() function in torch/optim/optimizer.py as "
                               "the solution.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    # -- conversions --------------------------------------------------------------------
    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            from .autograd._explain import numpy_requires_grad
            raise numpy_requires_grad(RuntimeError("Can't call numpy() on Tensor that requires "
                                                   "grad. Use tensor.detach().numpy() instead."),
                                      self)
        return self._data

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._data
        return self._data.astype(dtype, copy=False)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is "
                               "ambiguous")
        return bool(self._data.reshape(()))

    def _scalar_for_python(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self):
        return float(self._scalar_for_python())

    def __int__(self):
        return int(self._scalar_for_python())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        return complex(self._scalar_for_python())

    def __format__(self, spec):
        if self._data.ndim == 0 and type(self) is Tensor:      # torch: plain 0-d tensors only
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._printing import tensor_repr
        return tensor_repr(self, tensor_contents)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data, self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        t = type(self)._from(_make(self._data.copy())) if type(self) is not Tensor \
            else _make(self._data.copy())
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t


def _shape_list(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _c_name(dt):
    """The C++ scalar name torch prints in some messages ('float', 'double', 'long', ...)."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}.get(dt.name, dt.name)


def _rebuild(data, requires_grad):
    t = _make(data)
    t._requires_grad = requires_grad
    return t


def _call_tensor_hook(hook, g):
    """Run a user's tensor hook on a gradient given as an array or a Tensor."""
    if isinstance(g, Tensor):
        return _check_hook_result(hook, g, hook(g))
    g = _make(_as_array(g))
    r = _check_hook_result(hook, g, hook(g))
    return None if r is None else r._data


def _check_hook_result(hook, g, r):
    """torch's check_single_result: a hook must return a Tensor (or None) of g's type and
    size."""
    if r is None:
        return None
    if not isinstance(r, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
    name = getattr(hook, "__name__", None) or repr(hook)
    if r._data.dtype != g._data.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"torch.{g.dtype._legacy} got torch.{r.dtype._legacy})")
    if r._data.shape != g._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return r


# The ops modules bind their functions as methods at their end; importing them here means
# `ember._tensor.Tensor` always comes with all its methods.
from .ops import pointwise, reduction, shape, indexing, linalg, creation  # noqa: E402,F401
from . import _printing  # noqa: E402,F401
