"""torch.utils.checkpoint: trade compute for memory by running a region's forward again
during backward.

Two variants, as torch's:

- ``use_reentrant=True`` (what ``use_reentrant=None`` falls back to, with torch's warning):
  ``CheckpointFunction``, a custom Function whose forward runs the region under no_grad and
  whose backward (grad_fn ``CheckpointFunctionBackward``) reruns it on detached inputs and
  calls backward on that graph.  Only tensors passed as arguments get gradients through it.
- ``use_reentrant=False``: the region runs normally, so its graph (grad_fn names, parameters
  used inside) is the ordinary one, but the values its nodes saved are dropped.  The first
  node of the region whose backward needs its saved values reruns the region (with the
  forward's RNG state restored) and takes the saved values of the matching recomputed
  nodes (matched in creation order, as torch matches saved tensors).  Under create_graph
  those values carry the recomputed graph, so double backward works.
"""
import contextlib
import warnings
import weakref

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "noop_context_fn"]

_DETERMINISM_CHECKS = ["default", "none"]


class CheckpointError(RuntimeError):
    pass


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def _tensor_cls():
    from .._tensor import Tensor
    return Tensor


def check_backward_validity(inputs):
    Tensor = _tensor_cls()
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)


def detach_variable(inputs):
    if isinstance(inputs, tuple):
        Tensor = _tensor_cls()
        out = []
        for inp in inputs:
            if not isinstance(inp, Tensor):
                out.append(inp)
                continue
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            out.append(x)
        return tuple(out)
    raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                       f"{type(inputs).__name__}")


# -- use_reentrant=True -----------------------------------------------------------------------

def _checkpoint_function():
    from ..autograd.function import Function
    from .. import autograd, random as _random
    from ..autograd import grad_mode as _gm

    class CheckpointFunction(Function):
        @staticmethod
        def forward(ctx, run_function, preserve_rng_state, *args):
            check_backward_validity(args)
            ctx.run_function = run_function
            ctx.preserve_rng_state = preserve_rng_state
            if preserve_rng_state:
                ctx.fwd_cpu_state = _random.get_rng_state()
            Tensor = _tensor_cls()
            ctx.inputs = []
            ctx.tensor_indices = []
            tensor_inputs = []
            for i, arg in enumerate(args):
                if isinstance(arg, Tensor):
                    tensor_inputs.append(arg)
                    ctx.tensor_indices.append(i)
                    ctx.inputs.append(None)
                else:
                    ctx.inputs.append(arg)
            ctx.save_for_backward(*tensor_inputs)
            with _gm.no_grad():
                outputs = run_function(*args)
            return outputs

        @staticmethod
        def backward(ctx, *args):
            Tensor = _tensor_cls()
            inputs = list(ctx.inputs)
            for i, idx in enumerate(ctx.tensor_indices):
                inputs[idx] = ctx.saved_tensors[i]
            with _random.fork_rng(enabled=ctx.preserve_rng_state):
                if ctx.preserve_rng_state:
                    _random.set_rng_state(ctx.fwd_cpu_state)
                detached_inputs = detach_variable(tuple(inputs))
                with _gm.enable_grad():
                    outputs = ctx.run_function(*detached_inputs)
            if isinstance(outputs, Tensor):
                outputs = (outputs,)
            outputs_with_grad = []
            args_with_grad = []
            for i in range(len(outputs)):
                if isinstance(outputs[i], Tensor) and outputs[i].requires_grad:
                    outputs_with_grad.append(outputs[i])
                    args_with_grad.append(args[i])
            if len(outputs_with_grad) == 0:
                raise RuntimeError("none of output has requires_grad=True, this checkpoint() "
                                   "is not necessary")
            autograd.backward(outputs_with_grad, args_with_grad)
            grads = tuple(inp.grad if isinstance(inp, Tensor) else None
                          for inp in detached_inputs)
            return (None, None) + grads

    return CheckpointFunction


class _Lazy:
    """Module attribute CheckpointFunction, built on first use (avoids import cycles)."""
    cls = None


def __getattr__(name):
    if name == "CheckpointFunction":
        if _Lazy.cls is None:
            _Lazy.cls = _checkpoint_function()
        return _Lazy.cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- use_reentrant=False ----------------------------------------------------------------------

def _tensors_in(value):
    """The tensors in a (nested) tuple, list or dict of outputs."""
    Tensor = _tensor_cls()
    out = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, Tensor):
            out.append(v)
        elif isinstance(v, (tuple, list)):
            stack.extend(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
    return out


def _region_nodes(outputs, start):
    """The nodes created since sequence number start that saved values, reachable from the
    outputs, in creation order."""
    from ..autograd.function import BackwardCFunction
    stack = [t.grad_fn for t in _tensors_in(outputs) if t.grad_fn is not None]
    seen = set()
    found = []
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or node.sequence_nr < start:
            continue
        seen.add(id(node))
        if getattr(node, "saved", None) and not isinstance(node, BackwardCFunction):
            found.append(node)
        stack.extend(n for n, _ in node.next_functions)
    found.sort(key=lambda n: n.sequence_nr)
    return found


_lazy_classes = {}
_frames = weakref.WeakKeyDictionary()       # node -> its region's _Frame


def _lazy_unpack(self):
    frame = _frames.get(self)
    if frame is not None:
        frame.recompute()
    cls = type(self)
    if "_checkpoint_original" in cls.__dict__:
        self.__class__ = cls = cls._checkpoint_original
    return cls.unpack(self)


def _lazy_class(cls):
    sub = _lazy_classes.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls,), {"__slots__": (), "unpack": _lazy_unpack,
                                          "__module__": cls.__module__,
                                          "__qualname__": cls.__qualname__,
                                          "_checkpoint_original": cls})
        _lazy_classes[cls] = sub
    return sub


def _shape_dtype(node):
    """Shape and dtype of each saved tensor of node (its own output included)."""
    from ..autograd.node import OUTPUT
    Tensor = _tensor_cls()
    out = []
    for s in node.saved:
        if isinstance(s, Tensor):
            out.append((tuple(s._data.shape), s._data.dtype))
        elif s is OUTPUT and node.out is not None:
            out.append((tuple(node.out[0].shape), node.out[0].dtype))
        else:
            out.append(None)
    return out


class _Frame:
    def __init__(self, fn, args, kwargs, rng_state, recompute_context, check):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.rng_state = rng_state
        self.recompute_context = recompute_context
        self.check = check
        self.nodes = []
        self.meta = []

    def hold(self, nodes):
        """Drop the saved values of the region's nodes until a backward needs them.  The
        frame refers to them weakly (_frames maps each node to its frame)."""
        self.nodes = [weakref.ref(n) for n in nodes]
        for node in nodes:
            self.meta.append(_shape_dtype(node))
            node.saved = ()
            node.versions = None
            node.out = None
            node.__class__ = _lazy_class(type(node))
            _frames[node] = self

    def recompute(self):
        from .. import random as _random
        from ..autograd import grad_mode as _gm
        from ..autograd import node as _node
        nodes = [r() for r in self.nodes]
        for node in nodes:
            if node is not None:
                _frames.pop(node, None)
                node.__class__ = type(node)._checkpoint_original
        preserve = self.rng_state is not None
        with _random.fork_rng(enabled=preserve):
            if preserve:
                _random.set_rng_state(self.rng_state)
            with _gm.enable_grad(), self.recompute_context:
                start = next(_node._sequence)
                out = self.fn(*self.args, **self.kwargs)
        fresh = _region_nodes(out, start)
        if len(fresh) != len(nodes):
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the "
                "original forward and recomputation.\n"
                f"Number of tensors saved during forward: {len(nodes)}\n"
                f"Number of tensors saved during recomputation: {len(fresh)}.\n")
        if self.check:
            for i, (old, new) in enumerate(zip(self.meta, fresh)):
                if old != _shape_dtype(new):
                    raise CheckpointError(
                        "torch.utils.checkpoint: Recomputed values for the following tensors "
                        "have different metadata than during the forward pass.\n"
                        f"node {i} ({type(new).__name__}): saved {old}, recomputed "
                        f"{_shape_dtype(new)}\n")
        for node, new in zip(nodes, fresh):
            if node is None:
                continue
            node.saved = new.saved
            node.versions = new.versions
            node.out = new.out


def _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, args,
                                  kwargs):
    from .. import random as _random
    from ..autograd import grad_mode as _gm
    from ..autograd import node as _node
    if determinism_check not in _DETERMINISM_CHECKS:
        raise ValueError(f"determinism_check should be one of {_DETERMINISM_CHECKS}, but got "
                         f"{determinism_check}")
    forward_context, recompute_context = context_fn()
    rng_state = _random.get_rng_state() if preserve else None
    start = next(_node._sequence)
    with forward_context:
        ret = function(*args, **kwargs)
    if _gm._enabled:
        nodes = _region_nodes(ret, start)
        if nodes:
            _Frame(function, args, kwargs, rng_state, recompute_context,
                   determinism_check == "default").hold(nodes)
    return ret


# -- the public functions ---------------------------------------------------------------------

def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn,
               determinism_check="default", debug=False, early_stop=True, **kwargs):
    """Run function(*args, **kwargs) without keeping its intermediate values for backward;
    they are recomputed when backward needs them."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for "
            "more details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        return __getattr__("CheckpointFunction").apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check,
                                         args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run a sequence of modules in ``segments`` checkpointed chunks (the last one plain)."""
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should "
            "be passed explicitly. In version 2.9 we will raise an exception if "
            "use_reentrant is not passed. use_reentrant=False is recommended, but if you need "
            "to preserve the current default behavior, you can pass use_reentrant=True. "
            "Refer to docs for more details on the differences between the two variants.",
            stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    from ..nn import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input,
                           use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
