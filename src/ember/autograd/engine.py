"""The backward pass: torch.autograd.backward and torch.autograd.grad.

1. Walk the graph from the roots once (an explicit stack, no recursion) and count, for each
   node, the edges that feed it.
2. Run nodes from a ready queue: a node is ready when every edge into it has delivered its
   gradient.  Among ready nodes the most recently created runs first (torch's CPU order).
3. Each node's gradients are summed per output before it runs; leaves accumulate into .grad
   through AccumulateGrad; saved values are released as soon as a node has run, unless
   retain_graph.

Gradients travel as NumPy arrays, or as Tensors under create_graph=True (grad mode then stays
on during the pass, so the formulas record a graph of their own).

The pass is one generator, ``_walk``: backward() and grad() run it to its end in one go (it
yields nothing), and ember.autograd.graph.trace_backward runs the same pass with trace=True
(``backward_steps``), pausing after each node to show what flowed through it.  In anomaly
mode each node's failure (and NaN output) is reported with the forward traceback that
created it.
"""
import heapq
import warnings

import numpy as np

from . import _explain
from . import grad_mode as _gm
from . import node as _node
from .node import AccumulateGrad, _state

__all__ = ["backward", "grad"]


_cls = []


def _tensor_cls():
    """(Tensor, _make), imported on first use (ember._tensor imports this package)."""
    if not _cls:
        from .._tensor import Tensor, _make
        _cls.extend((Tensor, _make))
    return _cls


def _as_tuple(x, n):
    """torch's _tensor_or_tensors_to_tuple."""
    Tensor, _ = _tensor_cls()
    if x is None:
        return (None,) * n
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_roots(tensors, grad_tensors, create_graph, who):
    """torch's _make_grads, then the C++ engine's checks of the roots."""
    Tensor, _make = _tensor_cls()
    from .._tensor import Size
    grads = _as_tuple(grad_tensors, len(tensors))
    made = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not isinstance(t, Tensor):
            raise AssertionError("Expected output to be a torch.Tensor")
        if isinstance(g, Tensor):
            if g._data.shape != t._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{grads.index(g)}] has a shape of "
                    f"{Size(g._data.shape)} and output[{tensors.index(t)}] has a shape "
                    f"of {Size(t._data.shape)}.")
            if (t._data.dtype.kind == "c") != (g._data.dtype.kind == "c"):
                raise RuntimeError(
                    "For complex Tensors, both grad_output and output are required to have "
                    f"the same dtype. Mismatch in dtype: grad_output[{grads.index(g)}] "
                    f"has a dtype of {g.dtype} and output[{tensors.index(t)}] has a "
                    f"dtype of {t.dtype}.")
        elif g is None:
            if t._requires_grad:
                if t._data.size != 1:
                    raise _explain.non_scalar_backward(
                        RuntimeError("grad can be implicitly created only for scalar outputs"),
                        t, who)
                if t._data.dtype.kind != "f":
                    raise RuntimeError("grad can be implicitly created only for real scalar "
                                       "outputs but got " + repr(t.dtype))
                g = _make(np.ones_like(t._data))
        else:
            raise TypeError("gradients can be either Tensors or None, but got "
                            + type(g).__name__)
        made.append(g)
    if len(tensors) != len(made):
        raise RuntimeError(f"got {len(tensors)} tensors and {len(made)} gradients")
    roots = []
    for i, (t, g) in enumerate(zip(tensors, made)):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        if g is None:
            continue
        if g._data.dtype != t._data.dtype:
            # the engine casts a root gradient to its output's dtype (validate_outputs)
            g = g.to(t.dtype) if create_graph else _make(g._data.astype(t._data.dtype))
        roots.append((t._grad_node(), t._output_nr, g if create_graph else g._data))
    return roots


def _check_input(t):
    Tensor, _ = _tensor_cls()
    if not isinstance(t, Tensor):
        raise RuntimeError("all inputs have to be Tensors or GradientEdges, but got "
                           + type(t).__name__)


def _input_tuple(inputs, who):
    """inputs= of backward()/grad(): a tensor, a sequence, or a dict (its values)."""
    Tensor, _ = _tensor_cls()
    if isinstance(inputs, Tensor):
        return (inputs,)
    if type(inputs) is dict:
        return tuple(inputs.values())
    from collections.abc import Mapping
    if isinstance(inputs, Mapping):
        raise TypeError(f"`inputs` argument to `{who}()` must be a dict, not "
                        f"{type(inputs).__name__}. Other Mapping types are not supported.")
    return tuple(inputs)


_CYCLE_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaves) into the leaves' .grad."""
    roots, retain_graph, targets = _backward_roots(tensors, grad_tensors, retain_graph,
                                                   create_graph, inputs, 4, grad_variables)
    captured = None if targets is None else [None] * len(targets)
    _drain(_walk(roots, retain_graph, create_graph, targets, True, False, captured))


def backward_steps(tensors, grad_tensors=None, retain_graph=None, inputs=None):
    """backward() paused after each node: yields (node, gradients in, gradients out).
    What ember.autograd.graph.trace_backward runs."""
    roots, retain_graph, targets = _backward_roots(tensors, grad_tensors, retain_graph, False,
                                                   inputs, 4)
    captured = None if targets is None else [None] * len(targets)
    yield from _walk(roots, retain_graph, False, targets, True, True, captured)


def _backward_roots(tensors, grad_tensors, retain_graph, create_graph, inputs, stacklevel,
                    grad_variables=None):
    """backward()'s arguments checked: (roots, retain_graph, targets or None)."""
    Tensor, _ = _tensor_cls()
    if grad_variables is not None:
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.",
                      FutureWarning, stacklevel=stacklevel)
        if grad_tensors is None:
            grad_tensors = grad_variables
        else:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments "
                               "both passed to `backward()`. Please only use `grad_tensors`.")
    targets = None
    if inputs is not None:
        targets = list(_input_tuple(inputs, "backward"))
        if not targets:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    roots = _make_roots(tensors, grad_tensors, create_graph, "backward")
    if targets is not None:
        for t in targets:
            _check_input(t)
            # torch's engine retains the grad of every input (non-leaf ones keep it)
            t.retain_grad()
            if not t._requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph:
        warnings.warn(_CYCLE_WARNING, UserWarning, stacklevel=stacklevel)
    return roots, retain_graph, targets


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """d(outputs)/d(inputs) returned as a tuple, without touching any .grad."""
    Tensor, _make = _tensor_cls()
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    as_dict = type(inputs) is dict
    keys = tuple(inputs.keys()) if as_dict else None
    inputs = _input_tuple(inputs, "grad")
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if is_grads_batched:
        raise NotImplementedError("ember does not support autograd.grad(is_grads_batched=True)")
    if not only_inputs:
        warnings.warn("only_inputs argument is deprecated and is ignored now (defaults to "
                      "True). To accumulate gradient for other parts of the graph, please use "
                      "torch.autograd.backward.", FutureWarning, stacklevel=2)
    roots = _make_roots(outputs, grad_outputs, create_graph, "grad")
    for t in inputs:
        _check_input(t)
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    captured = [None] * len(inputs)
    _drain(_walk(roots, retain_graph, create_graph, list(inputs), False, False, captured))
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not "
                                   "have been used in the graph. Set allow_unused=True if "
                                   "this is the desired behavior.")
            if materialize_grads:
                z = _make(np.zeros_like(t._data))
                z._requires_grad = bool(create_graph)
                result.append(z)
            else:
                result.append(None)
            continue
        result.append(g if isinstance(g, Tensor) else _make(np.array(g, dtype=t._data.dtype)))
    if as_dict:
        return dict(zip(keys, result))
    return tuple(result)


def _discover(root_nodes):
    """Dependency counts and a post-order (children before parents) of the reachable graph."""
    deps = {}
    order = []
    seen = set()
    for root in root_nodes:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, it = stack[-1]
            for child, _ in it:
                if child is None:
                    continue
                deps[child] = deps.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(child.next_functions)))
                    break
            else:
                stack.pop()
                order.append(node)
    return deps, order


def _drain(walk):
    """Run an untraced _walk (which yields nothing) to its end; then the callbacks that
    queue_callback() queued during it (grad mode off, as torch runs them)."""
    callbacks = []
    _final_callbacks.append(callbacks)
    try:
        for _ in walk:      # (a for loop: a generator that returns None raises nothing)
            raise AssertionError("an untraced backward pass paused")
    finally:
        _final_callbacks.pop()
    if callbacks:
        prev, _gm._enabled = _gm._enabled, False
        try:
            i = 0
            while i < len(callbacks):       # a callback may queue more
                callbacks[i]()
                i += 1
        finally:
            _gm._enabled = prev


# One list per backward pass in progress (nested passes each have their own).
_final_callbacks = []


def queue_callback(callback):
    """Run callback() when the current backward pass has finished (torch's
    ``Variable._execution_engine.queue_callback``; DistributedDataParallel waits for its
    gradient all-reduces this way)."""
    if not _final_callbacks:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _final_callbacks[-1].append(callback)


def _pause(node, grads, outs, modes, create_graph):
    """trace=True: hand (node, gradients in, gradients out) to the caller, with the caller's
    grad mode restored while the pass is paused."""
    _gm._enabled, _state["create_graph"] = modes
    yield node, grads, outs
    _gm._enabled = create_graph
    _state["create_graph"] = create_graph


def _walk(roots, retain_graph, create_graph, targets, accumulate, trace, results):
    """The backward pass (a generator; see the module docstring).  With targets, the
    gradients reaching them are written into results (a list as long as targets)."""
    Tensor, _make = _tensor_cls()
    deps, order = _discover([r[0] for r in roots])
    if accumulate and targets is None:
        # the "growing graph" warning: a scan only when this graph is larger than the last
        grow = _explain.growing
        if len(order) > grow[1]:
            _explain.check_growing(roots, order)
        else:
            grow[0] = roots[0][0].sequence_nr
            grow[1] = len(order)
            grow[2] = 0
    anomaly = _node._anomaly
    check_nan = anomaly and _node._anomaly_check_nan

    # With targets (autograd.grad, or backward(inputs=...)), gradients are captured at the
    # target's node: its accumulator for a leaf, (grad_fn, output_nr) otherwise.  Only nodes
    # on a path to a target run.
    capture = None
    needed = None
    if targets is not None:
        capture = {}
        for i, t in enumerate(targets):
            node = t._grad_node()
            capture.setdefault(node, []).append((i, t._output_nr if t.grad_fn else 0))
        needed = set()
        for node in order:          # children first
            if node in capture or any(c in needed for c, _ in node.next_functions):
                needed.add(node)

    # buffers[node] is the list of gradients summed so far for each of node's outputs
    buffers = {}
    ready = []
    for node, nr, g in roots:
        _deliver(buffers, node, nr, g)
    for node in buffers:
        if deps.get(node, 0) == 0:
            heapq.heappush(ready, (-node.sequence_nr, node))

    prev_mode, prev_cg = _gm._enabled, _state["create_graph"]
    _gm._enabled = create_graph
    _state["create_graph"] = create_graph
    pop, push = heapq.heappop, heapq.heappush
    try:
        while ready:
            node = pop(ready)[1]
            # A node whose every incoming gradient was None still "runs" (sending None on),
            # so the dependency counts of the nodes after it still reach zero.
            grads = buffers.pop(node, None) or [None]

            # torch's order: tensor hooks, then retain_grad, then the node's own pre-hooks
            user_pre = None
            if node._pre_hooks:
                for hook in node._pre_hooks:
                    if not hasattr(hook, "tensor_hook"):
                        user_pre = True
                        continue
                    r = hook(grads)
                    if r is not None:
                        grads = list(r)
            if node._retain:
                _retain_grads(node, grads, _make)
            if user_pre:
                for hook in node._pre_hooks:
                    if not hasattr(hook, "tensor_hook"):
                        wrapped = _wrap_all(grads, _make)
                        r = hook(wrapped)
                        if r is not None:
                            grads = list(_unwrap_all(_check_hook_values(hook, wrapped, r),
                                                     create_graph))

            if type(node) is AccumulateGrad:
                if node.variable._hooks and grads[0] is not None:
                    from .._tensor import _call_tensor_hook
                    for hook in node.variable._hooks:
                        r = _call_tensor_hook(hook, grads[0])
                        if r is not None:
                            grads[0] = r
                ran = accumulate and grads[0] is not None
                if capture is not None and node in capture:
                    for i, _ in capture[node]:
                        results[i] = grads[0]
                    if ran:
                        node.apply(grads)
                elif ran and capture is None:
                    node.apply(grads)
                else:
                    ran = False
                if ran and node._hooks:
                    for hook in node._hooks:
                        r = hook((), _wrap_all(grads, _make))
                        if r is not None:
                            _check_hook_values(hook, (), r)
                if trace:
                    yield from _pause(node, grads, (), (prev_mode, prev_cg), create_graph)
                continue

            if capture is not None and node in capture:
                for i, nr in capture[node]:
                    if nr < len(grads):
                        results[i] = grads[nr]
                if not any(c in needed for c, _ in node.next_functions):
                    if not retain_graph:
                        node.release()
                    if trace:
                        yield from _pause(node, grads, (), (prev_mode, prev_cg), create_graph)
                    continue

            if grads[0] is None and all(g is None for g in grads):
                outs = (None,) * len(node.next_functions)
            elif anomaly:
                outs = _explain.anomaly_apply(node, grads)
            else:
                outs = node.apply(grads)
            if node._hooks:
                for hook in node._hooks:
                    wrapped = _wrap_all(outs, _make)
                    r = hook(wrapped, _wrap_all(grads, _make))
                    if r is not None:
                        outs = _unwrap_all(_check_hook_values(hook, wrapped, r), create_graph)
            if check_nan:
                _explain.check_nan(node, outs)
            if not retain_graph:
                node.release()

            for (child, nr), g in zip(node.next_functions, outs):
                if child is None:
                    continue
                if g is not None:
                    buf = buffers.get(child)
                    if buf is None and nr == 0:
                        buffers[child] = [g]
                    else:
                        _deliver(buffers, child, nr, g)
                d = deps[child] - 1
                deps[child] = d
                if d == 0 and (needed is None or child in needed):
                    push(ready, (-child.sequence_nr, child))
            if trace:
                yield from _pause(node, grads, outs, (prev_mode, prev_cg), create_graph)
            # no stale references to the gradients sent on: AccumulateGrad keeps an array
            # that only the engine holds as .grad without copying it
            outs = g = None
    finally:
        _gm._enabled = prev_mode
        _state["create_graph"] = prev_cg


def _deliver(buffers, node, nr, g):
    """Add gradient g for output nr of node to what node has received so far."""
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * (nr + 1)
    elif len(buf) <= nr:
        buf.extend([None] * (nr + 1 - len(buf)))
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _retain_grads(node, grads, _make):
    for nr, ref in node._retain.items():
        t = ref()
        if t is None or nr >= len(grads) or grads[nr] is None:
            continue
        g = grads[nr]
        if not hasattr(g, "_data"):
            g = _make(np.array(g, dtype=t._data.dtype))
        if t._grad is None:
            t._grad = g
        else:
            t._grad = t._grad + g


def _check_hook_values(hook, values, result):
    """torch's check of what a node hook returned: a tuple as long as values, each item
    None or a Tensor of the value's type and size."""
    from .._tensor import _check_hook_result
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(result) != len(values):
        name = getattr(hook, "__name__", None) or repr(hook)
        raise RuntimeError(f"hook '{name}' has returned an incorrect number of values (got "
                           f"{len(result)}, but expected {len(values)})")
    for v, r in zip(values, result):
        if r is not None and v is not None:
            _check_hook_result(hook, v, r)
        elif r is not None:
            from .._tensor import Tensor
            if not isinstance(r, Tensor):
                raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
    return result


def _wrap_all(gs, _make):
    return tuple(None if g is None else (g if hasattr(g, "_data") else _make(np.asarray(g)))
                 for g in gs)


def _unwrap_all(gs, create_graph):
    if create_graph:
        return tuple(gs)
    return tuple(None if g is None else g._data for g in gs)
