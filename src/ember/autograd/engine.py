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


def _make_roots(tensors, grad_tensors, create_graph, who):
    Tensor, _make = _tensor_cls()
    roots = []
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
        g = None if grad_tensors is None else grad_tensors[i]
        if g is None:
            if t._data.size != 1:
                raise _explain.non_scalar_backward(
                    RuntimeError("grad can be implicitly created only for scalar outputs"), t,
                    who)
            if t._data.dtype.kind != "f":
                raise RuntimeError("grad can be implicitly created only for real scalar "
                                   "outputs but got " + repr(t.dtype))
            g = np.ones_like(t._data)
            if create_graph:
                g = _make(g)
        else:
            if not isinstance(g, Tensor):
                g = Tensor(g) if not isinstance(g, (int, float)) else _make(
                    np.full(t._data.shape, g, t._data.dtype))
            if g._data.shape != t._data.shape:
                from .._tensor import Size
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of "
                    f"{Size(g._data.shape)} and output[{i}] has a shape of "
                    f"{Size(t._data.shape)}.")
            if not create_graph:
                g = g._data
        roots.append((t._grad_node(), t._output_nr, g))
    return roots


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaves) into the leaves' .grad."""
    roots, retain_graph, targets = _backward_roots(tensors, grad_tensors, retain_graph,
                                                   create_graph, inputs, 4)
    captured = None if targets is None else [None] * len(targets)
    _drain(_walk(roots, retain_graph, create_graph, targets, True, False, captured))
    _backward_inputs(targets, captured)


def backward_steps(tensors, grad_tensors=None, retain_graph=None, inputs=None):
    """backward() paused after each node: yields (node, gradients in, gradients out).
    What ember.autograd.graph.trace_backward runs."""
    roots, retain_graph, targets = _backward_roots(tensors, grad_tensors, retain_graph, False,
                                                   inputs, 4)
    captured = None if targets is None else [None] * len(targets)
    yield from _walk(roots, retain_graph, False, targets, True, True, captured)
    _backward_inputs(targets, captured)


def _backward_roots(tensors, grad_tensors, retain_graph, create_graph, inputs, stacklevel):
    """backward()'s arguments checked: (roots, retain_graph, targets or None)."""
    Tensor, _ = _tensor_cls()
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        if isinstance(inputs, Tensor):
            inputs = (inputs,)
        if len(inputs) == 0:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        targets = [t for t in inputs]
    roots = _make_roots(tensors, grad_tensors, create_graph, "backward")
    if create_graph and inputs is None:
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.", UserWarning, stacklevel=stacklevel)
    return roots, retain_graph, targets


def _backward_inputs(targets, captured):
    """backward(inputs=...): non-leaf inputs get their .grad too."""
    if targets is not None:
        _, _make = _tensor_cls()
        for t, g in zip(targets, captured):
            if t.grad_fn is not None and g is not None:
                g = g if hasattr(g, "_data") else _make(np.array(g, dtype=t._data.dtype))
                t._grad = g if t._grad is None else t._grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """d(outputs)/d(inputs) returned as a tuple, without touching any .grad."""
    Tensor, _make = _tensor_cls()
    single = isinstance(inputs, Tensor)
    if isinstance(outputs, Tensor):
        outputs = (outputs,)
    if single:
        inputs = (inputs,)
    inputs = tuple(inputs)
    if isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots = _make_roots(tuple(outputs), grad_outputs, create_graph, "grad")
    captured = [None] * len(inputs)
    _drain(_walk(roots, retain_graph, create_graph, list(inputs), False, False, captured))
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not "
                                   "have been used in the graph. Set allow_unused=True if "
                                   "this is the desired behavior.")
            else:
                result.append(None)
                continue
        result.append(g if isinstance(g, Tensor) else _make(np.array(g, dtype=t._data.dtype)))
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

            if node._pre_hooks:
                for hook in node._pre_hooks:
                    r = hook(grads)
                    if r is not None:
                        grads = list(r)
            if node._retain:
                _retain_grads(node, grads, _make)

            if type(node) is AccumulateGrad:
                if node.variable._hooks and grads[0] is not None:
                    from .._tensor import _call_tensor_hook
                    for hook in node.variable._hooks:
                        r = _call_tensor_hook(hook, grads[0])
                        if r is not None:
                            grads[0] = r
                if capture is not None and node in capture:
                    for i, _ in capture[node]:
                        results[i] = grads[0]
                    if accumulate and grads[0] is not None:
                        node.apply(grads)
                elif accumulate and capture is None and grads[0] is not None:
                    node.apply(grads)
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
                    r = hook(_wrap_all(outs, _make), _wrap_all(grads, _make))
                    if r is not None:
                        outs = _unwrap_all(r, create_graph)
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


def _wrap_all(gs, _make):
    return tuple(None if g is None else (g if hasattr(g, "_data") else _make(np.asarray(g)))
                 for g in gs)


def _unwrap_all(gs, create_graph):
    if create_graph:
        return tuple(gs)
    return tuple(None if g is None else g._data for g in gs)
