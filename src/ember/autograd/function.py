"""Custom differentiable operations: torch.autograd.Function.

    class MulConst(Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.k = k
            return x * k
        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.k, None

    y = MulConst.apply(x, 3.0)      # y.grad_fn is a MulConstBackward node

The ctx passed to forward *is* the graph node (as in torch, where it is an instance of
``MulConstBackward``): ``save_for_backward`` stores tensors with their versions on it, and the
engine calls its ``apply``, which hands ``backward`` Tensors (run under no_grad, or recording
under create_graph).
"""
import numpy as np

from . import grad_mode as _gm
from .node import Node, _FREED, _freed_error, _raise_modified, _state

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The methods forward/backward use on ctx."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    def mark_dirty(self, *tensors):
        self.dirty_tensors = tensors

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """The node of a custom Function; a subclass named ``<Function>Backward`` is made once
    per Function so that ``grad_fn`` prints torch's name."""
    # no __slots__: ctx takes arbitrary attributes (ctx.k = ...), as torch's does
    _forward_cls = None

    def __init__(self, next_functions):
        Node.__init__(self, next_functions)
        self.to_save = ()
        self.materialize_grads = True
        self.non_differentiable = ()
        self.dirty_tensors = ()

    @property
    def saved_tensors(self):
        saved = self.saved
        if saved is _FREED:
            raise _freed_error(self)
        out = []
        for t, v in zip(saved, self.versions):
            if t is None:
                out.append(None)
                continue
            if t._vc[0] != v:
                _raise_modified(t._data, t.grad_fn, t._vc[0], v, t._output_nr, self, t._vc)
            out.append(t)
        return tuple(out)

    def release(self):
        self.saved = _FREED

    def apply(self, grads):
        from .._tensor import Tensor, _make
        create_graph = _state["create_graph"]
        shapes = self._out_meta
        full = []
        for i, (shape, dtype) in enumerate(shapes):
            g = grads[i] if i < len(grads) else None
            if g is None:
                if self.materialize_grads:
                    g = np.zeros(shape, dtype)
                else:
                    full.append(None)
                    continue
            full.append(g if isinstance(g, Tensor) else _make(np.asarray(g)))
        result = self._forward_cls.backward(self, *full)
        if not isinstance(result, tuple):
            result = (result,)
        n_in = len(self._input_meta)
        if len(result) != n_in:
            # torch allows extra trailing Nones
            if len(result) > n_in and all(r is None for r in result[n_in:]):
                result = result[:n_in]
            else:
                raise RuntimeError(f"function {type(self).__name__} returned an incorrect "
                                   f"number of gradients (expected {n_in}, got {len(result)})")
        out = []
        for i, (g, meta) in enumerate(zip(result, self._input_meta)):
            if meta is None:          # a non-tensor argument
                continue
            if g is None:
                out.append(None)
                continue
            shape, dtype = meta
            if tuple(g.shape) != shape:
                # torch's validate_outputs: a gradient the input broadcasts to is summed down
                if not _check_expandable(shape, tuple(g.shape)):
                    got = "[" + ", ".join(str(s) for s in g.shape) + "]"
                    want = "[" + ", ".join(str(s) for s in shape) + "]"
                    raise RuntimeError(f"Function {type(self).__name__} returned an invalid "
                                       f"gradient at index {i} - got {got} but expected shape "
                                       f"compatible with {want}")
                from ..ops._base import sum_to
                g = sum_to(g, shape)
            if isinstance(g, Tensor):
                out.append(g if create_graph else g._data)
            else:
                out.append(g)
        return tuple(out)


def _check_expandable(shape_from, shape_to):
    if len(shape_from) > len(shape_to):
        return False
    for a, b in zip(reversed(shape_from), reversed(shape_to)):
        if a != b and a != 1:
            return False
    return True


_node_classes = {}


class _FunctionMeta(type):
    pass


class Function(metaclass=_FunctionMeta):
    """Base class of custom ops: subclass with static forward(ctx, ...) and backward(ctx, ...)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @classmethod
    def _node_class(cls):
        node_cls = _node_classes.get(cls)
        if node_cls is None:
            node_cls = type(cls.__name__ + "Backward", (BackwardCFunction,),
                            {"_forward_cls": cls})
            _node_classes[cls] = node_cls
        return node_cls

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor, _make
        from ..ops._base import _edge
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        recording = _gm._enabled and any(a._requires_grad for a in tensor_args)
        ctx = cls._node_class()(tuple(_edge(a) for a in tensor_args))
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad and
                                     _gm._enabled for a in args)
        with _gm.no_grad():
            outputs = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        if not recording:
            return outputs
        ctx._input_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor)
                                else None for a in args)
        for d in ctx.dirty_tensors:
            if d.grad_fn is None and d._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
        non_diff = {id(t) for t in ctx.non_differentiable}
        result = []
        meta = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                result.append(o)
                meta.append(((), np.float32))
                continue
            differentiable = id(o) not in non_diff
            if any(o is a for a in tensor_args) and not any(o is d for d in ctx.dirty_tensors):
                # forward returned an input as-is: the output is a new view of it
                v = _make(o._data)
                v._vc = o._vc
                v._base = o if o._base is None else o._base
                o = v
            meta.append((o._data.shape, o._data.dtype))
            if differentiable and o._data.dtype.kind in "fc":
                o._requires_grad = True
                o.grad_fn = ctx
                o._output_nr = i
            result.append(o)
        ctx._out_meta = tuple(meta)
        saved = tuple(ctx.to_save)
        for i, t in enumerate(saved):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} "
                                f"is of type {type(t).__name__}")
            if t is not None and type(t._vc) is not list:
                raise RuntimeError(_gm.INFERENCE_SAVED)
        ctx.saved = saved
        ctx.versions = tuple(None if t is None else t._vc[0] for t in saved)
        ctx.to_save = ()
        return result[0] if single else tuple(result)


class Error(Node):
    """What a @once_differentiable backward's outputs hang from under create_graph: it raises
    when a second backward reaches it (torch's DelayedError -> Error node)."""
    __slots__ = ()

    def apply(self, grads):
        raise RuntimeError("trying to differentiate twice a function that was marked with "
                           "@once_differentiable")


def once_differentiable(fn):
    """Marks a backward as not differentiable twice: it runs without recording, and under
    create_graph its outputs raise if differentiated (torch's wrapper)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        from .._tensor import Tensor, _make
        from ..ops._base import _edge
        with _gm.no_grad():
            outputs = fn(ctx, *args)
        if not _gm._enabled:
            return outputs
        if not any(isinstance(a, Tensor) and a._requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        leaves = []
        for o in outs:
            if o is not None:
                o = _make(o._data)
                o._requires_grad = True
            leaves.append(o)
        node = Error(tuple(_edge(v) if v is not None else (None, 0) for v in leaves))
        result = []
        for i, v in enumerate(leaves):
            if v is not None:
                v = _make(v._data)
                v._requires_grad = True
                v.grad_fn = node
                v._output_nr = i
            result.append(v)
        return result[0] if single else tuple(result)
    return wrapper
