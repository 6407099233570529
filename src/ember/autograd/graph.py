"""See the autograd graph: draw it, print it, step through backward.

    from ember.autograd.graph import make_dot, describe, trace_backward

    make_dot(loss, params=dict(model.named_parameters()))   # a graphviz.Digraph (Jupyter
                                                            # shows it; .render() writes files)
    describe(loss, params=dict(model.named_parameters()))   # the same DAG as an indented tree
    for step in trace_backward(loss):                        # a real backward pass, one node
        print(step)                                          # at a time

The graph is the one backward() walks: each Node (``AddmmBackward0``, named as PyTorch names
it) points to the nodes of its inputs through ``next_functions``; a leaf that requires grad
ends in an ``AccumulateGrad`` node that adds the gradient into its ``.grad``.  Every walk
here is an explicit stack (graphs of any depth), and a node reached twice is shown once.
``make_dot`` needs the ``graphviz`` package (``pip install 'ember[viz]'``) and, to render
images, the Graphviz program ``dot``; ``describe`` and ``trace_backward`` need nothing.
"""
import sys

import numpy as np

from . import engine
from ._explain import add_note, display_name, shape_str
from .node import AccumulateGrad, OUTPUT

__all__ = ["make_dot", "describe", "trace_backward", "BackwardStep"]


# -- what the three share ------------------------------------------------------------------

def _tensors(output):
    from .._tensor import Tensor
    if isinstance(output, Tensor):
        return [output]
    out = list(output)
    for t in out:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected a Tensor or a sequence of Tensors, got "
                            f"{type(t).__name__}")
    return out


def _param_names(params):
    """{id(tensor): name} from a dict (or pairs) such as model.named_parameters()."""
    if params is None:
        return {}
    items = params.items() if hasattr(params, "items") else params
    return {id(t): name for name, t in items}


def _root_node(t):
    return t.grad_fn if t.grad_fn is not None else (t._grad_node() if t._requires_grad
                                                    else None)


def _saved_items(node):
    """(label, shape, dtype) for what node keeps for backward: saved tensors (its own output
    as "result") and NumPy arrays among its arguments (masks, indices)."""
    items = []
    saved = node.saved if isinstance(node.saved, tuple) else ()
    for i, s in enumerate(saved):
        if s is OUTPUT:
            if node.out is not None:
                items.append(("result", node.out[0].shape, node.out[0].dtype))
        elif hasattr(s, "_data"):
            items.append((f"saved[{i}]", s._data.shape, s._data.dtype))
    args = node.args if isinstance(node.args, tuple) else ()
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            items.append((f"args[{i}]", a.shape, a.dtype))
    return items


def _known_shapes(roots, order):
    """{(node, output_nr): shape} for the outputs whose shape the graph records: the roots,
    leaves, saved tensors and outputs, the input shapes broadcasting nodes keep, and those of
    custom Functions.  Nodes do not store their output shape otherwise (it would cost every
    op), so describe() shows the shape where one of these knows it."""
    shapes = {}
    for t in roots:
        node = _root_node(t)
        if node is not None:
            shapes[(node, t._output_nr if t.grad_fn is not None else 0)] = t._data.shape
    for node in order:
        if type(node) is AccumulateGrad:
            shapes[(node, 0)] = node.variable._data.shape
            continue
        if node.out is not None:
            shapes.setdefault((node, 0), node.out[0].shape)
        saved = node.saved if isinstance(node.saved, tuple) else ()
        for s in saved:
            if hasattr(s, "_data") and s.grad_fn is not None:
                shapes.setdefault((s.grad_fn, s._output_nr), s._data.shape)
        if hasattr(node, "_input_meta"):        # a custom Function: an entry per argument
            metas = tuple(m for m in node._input_meta if m is not None)
        else:                                   # a broadcasting node: an entry per edge
            metas = getattr(node, "meta", None)
        if isinstance(metas, tuple):
            for (child, nr), m in zip(node.next_functions, metas):
                if child is not None and m is not None:
                    shapes.setdefault((child, nr), tuple(m[0]))
        out_meta = getattr(node, "_out_meta", None)
        if isinstance(out_meta, (tuple, list)):
            for nr, m in enumerate(out_meta):
                shapes.setdefault((node, nr), tuple(m[0]))
    return shapes


def _walk(root_nodes):
    """Every node reachable from root_nodes, each once, in pre-order, and how many edges
    point at each (no recursion)."""
    order, indegree, seen = [], {}, set()
    for root in root_nodes:
        if root is None or root in seen:
            continue
        seen.add(root)
        order.append(root)
        stack = [iter(root.next_functions)]
        while stack:
            for child, _ in stack[-1]:
                if child is None:
                    continue
                indegree[child] = indegree.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    order.append(child)
                    stack.append(iter(child.next_functions))
                    break
            else:
                stack.pop()
    return order, indegree


# -- make_dot --------------------------------------------------------------------------------

_NO_DOT = ("ember: rendering needs the Graphviz program `dot` (the graphviz Python package "
           "only writes the DOT text). Install it with your system's package manager: "
           "apt-get install graphviz (Debian, Ubuntu), brew install graphviz (macOS), "
           "conda install -c conda-forge graphviz, or see https://graphviz.org/download/. "
           "Without it, print(dot.source) shows the graph's DOT text and "
           "ember.autograd.graph.describe(output) prints it as a tree.")

_DIGRAPH = []


def _digraph_class():
    """graphviz.Digraph whose rendering errors say how to install `dot` (made on first use:
    graphviz is an optional dependency)."""
    if _DIGRAPH:
        return _DIGRAPH[0]
    try:
        import graphviz
    except ImportError as e:
        raise ImportError("make_dot needs the graphviz Python package: pip install graphviz "
                          "(or pip install 'ember[viz]'). describe(output) prints the same "
                          "graph as text without it.") from e

    class Digraph(graphviz.Digraph):
        """A graphviz.Digraph; when `dot` is missing its error says how to install it."""

        def pipe(self, *args, **kwargs):
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                add_note(e, _NO_DOT)
                raise

        def render(self, *args, **kwargs):
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound as e:
                add_note(e, _NO_DOT)
                raise

    _DIGRAPH.append(Digraph)
    return Digraph


def make_dot(output, params=None, show_saved=False):
    """The autograd graph of output (a Tensor or a sequence of them) as a graphviz.Digraph.

    Boxes are backward nodes with PyTorch's names; leaves (blue) are labelled with their
    name from ``params`` (e.g. ``dict(model.named_parameters())``) and shape; the output is
    green; ``show_saved=True`` adds what each node saved for backward (orange), with shape
    and dtype.  Edges point the way the forward pass went (from an input to the node that
    used it).  Node ids are numbered in the order of the walk, so the DOT text is the same
    on every run."""
    Digraph = _digraph_class()
    names = _param_names(params)
    tensors = _tensors(output)
    dot = Digraph(node_attr=dict(style="filled", shape="box", align="left", fontsize="10",
                                 ranksep="0.1", height="0.2", fontname="monospace"),
                  graph_attr=dict(size="12,12"))
    ids = {}

    def nid(node):
        i = ids.get(node)
        if i is None:
            i = ids[node] = f"n{len(ids)}"
        return i

    for k, t in enumerate(tensors):
        label = names.get(id(t), "output" if len(tensors) == 1 else f"output {k}") + " "
        dot.node(f"out{k}", label + shape_str(t._data.shape), fillcolor="darkolivegreen1")
        node = _root_node(t)
        if node is not None:
            dot.edge(nid(node), f"out{k}")

    order, _ = _walk([_root_node(t) for t in tensors])
    # Statements in walk order: a node, then the edges from its inputs.
    n_vars = n_saved = 0
    for node in order:
        if type(node) is AccumulateGrad:
            var = node.variable
            name = names.get(id(var))
            label = (f"{name} " if name else "") + shape_str(var._data.shape)
            vid = f"v{n_vars}"
            n_vars += 1
            dot.node(vid, label, fillcolor="lightblue")
            dot.edge(vid, nid(node))
        elif show_saved:
            for label, shape, dtype in _saved_items(node):
                sid = f"s{n_saved}"
                n_saved += 1
                dot.node(sid, f"{label} {shape_str(shape)} {dtype}", fillcolor="orange")
                dot.edge(sid, nid(node), dir="none")
        dot.node(nid(node), display_name(node))
        for child, _ in node.next_functions:
            if child is not None:
                dot.edge(nid(child), nid(node))
    return dot


# -- describe --------------------------------------------------------------------------------

def describe(output, params=None, show_saved=False, file=None):
    """Print the autograd graph of output as an indented tree, root first.

    Each line is a node with the shape of its output where the graph records it; leaves
    show their name from ``params`` and shape.  A node's inputs are listed below it: a single
    input on the next line in the same column, several as ``├─``/``└─`` branches.  A node
    reached along several paths is printed once with a tag ``[1]`` and referenced by that
    tag afterwards.  ``file`` is where to print (sys.stdout by default).

        loss ()
        └─ MseLossBackward0 ()
           AddmmBackward0 (3, 1)
           ├─ AccumulateGrad fc2.bias (1,)
           ├─ ReluBackward0 (3, 3)
           ...
    """
    print(_describe(output, params, show_saved), file=file if file is not None else sys.stdout)


def _describe(output, params, show_saved):
    names = _param_names(params)
    tensors = _tensors(output)
    root_nodes = [_root_node(t) for t in tensors]
    order, indegree = _walk(root_nodes)
    shapes = _known_shapes(tensors, order)
    for node in root_nodes:
        if node is not None:
            indegree[node] = indegree.get(node, 0) + 1
    tags = {}
    lines = []

    def text(node, nr):
        if type(node) is AccumulateGrad:
            var = node.variable
            name = names.get(id(var))
            s = "AccumulateGrad " + (f"{name} " if name else "") + shape_str(var._data.shape)
        else:
            s = display_name(node)
            shape = shapes.get((node, nr))
            if shape is not None:
                s += " " + shape_str(shape)
        if nr:
            s = f"(output {nr}) " + s
        return s

    def line(prefix, node, nr):
        """The line for node; returns whether its inputs are to be listed below it."""
        s = text(node, nr)
        if node in tags:
            lines.append(f"{prefix}{s} [{tags[node]}] (shown above)")
            return False
        if indegree.get(node, 0) > 1:
            tags[node] = len(tags) + 1
            s += f" [{tags[node]}]"
        if show_saved and type(node) is not AccumulateGrad:
            items = _saved_items(node)
            if items:
                s += "  saved: " + ", ".join(f"{label} {shape_str(shape)} {dtype}"
                                             for label, shape, dtype in items)
        lines.append(prefix + s)
        return True

    for k, (t, root) in enumerate(zip(tensors, root_nodes)):
        label = names.get(id(t), "output" if len(tensors) == 1 else f"output {k}")
        if root is None:
            lines.append(f"{label} {shape_str(t._data.shape)}: no graph (it does not require "
                         "grad)")
            continue
        lines.append(f"{label} {shape_str(t._data.shape)}")
        if not line("└─ ", root, t._output_nr if t.grad_fn is not None else 0):
            continue
        # A node's inputs are listed below it: one input on the next line in the same column
        # (so a chain of 10,000 ops does not drift right), several as branches.  The stack
        # holds [inputs, index of the next one, column, whether it is a single input].
        kids = [e for e in root.next_functions if e[0] is not None]
        stack = [[kids, 0, "   ", len(kids) == 1]]
        while stack:
            top = stack[-1]
            kids, i, column, single = top
            if i == len(kids):
                stack.pop()
                continue
            top[1] = i + 1
            child, nr = kids[i]
            if single:
                prefix = inner = column
            else:
                last = i + 1 == len(kids)
                prefix = column + ("└─ " if last else "├─ ")
                inner = column + ("   " if last else "│  ")
            if line(prefix, child, nr):
                grandkids = [e for e in child.next_functions if e[0] is not None]
                if grandkids:
                    stack.append([grandkids, 0, inner, len(grandkids) == 1])
    return "\n".join(lines)


# -- trace_backward --------------------------------------------------------------------------

class BackwardStep:
    """One node of a backward pass, as trace_backward yields it.

    name        the node's name (``AddmmBackward0``, ``AccumulateGrad``)
    node        the node itself (its ``next_functions`` are where the gradients went)
    index       0, 1, 2 ... in the order the engine ran the nodes
    grads_in    the gradients that arrived, one per output of the node's forward op
                (a Tensor, or None where none arrived)
    grads_out   (next node, gradient) for each of node.next_functions: what this node sent
                to each input's node (None where that input needs no gradient)
    variable    for AccumulateGrad, the leaf tensor whose .grad received grads_in[0]
    label       the leaf's name from ``params`` (None otherwise)
    """
    __slots__ = ("index", "node", "grads_in", "grads_out", "variable", "label", "_names")

    def __init__(self, index, node, grads_in, grads_out, variable, label, names=None):
        self.index = index
        self.node = node
        self.grads_in = grads_in
        self.grads_out = grads_out
        self.variable = variable
        self.label = label
        self._names = names or {}

    @property
    def name(self):
        return display_name(self.node)

    def __str__(self):
        def shape(g):
            return "None" if g is None else shape_str(g._data.shape)

        if self.variable is not None:
            who = f" {self.label}" if self.label else ""
            return (f"[{self.index}] AccumulateGrad{who}: grad {shape(self.grads_in[0])} "
                    "added into .grad")
        ins = ", ".join(shape(g) for g in self.grads_in)
        out = [f"[{self.index}] {self.name}: grad in {ins}"]
        for child, g in self.grads_out:
            if child is None:
                continue        # an input that needs no gradient
            target = display_name(child)
            if type(child) is AccumulateGrad:
                name = self._names.get(id(child.variable))
                target += f" {name}" if name else f" {shape_str(child.variable._data.shape)}"
            out.append(f"    -> {target}: {shape(g)}")
        return "\n".join(out)

    def __repr__(self):
        return f"<BackwardStep {self.index}: {self.name}>"


def trace_backward(loss, inputs=None, *, gradient=None, retain_graph=None, params=None):
    """Run loss.backward() one node at a time, yielding a BackwardStep after each node.

    It is the engine's own pass (same order, same hooks, same checks), so when the loop ends
    every leaf's .grad is what ``loss.backward(gradient, retain_graph, inputs=inputs)`` would
    have given.  ``params`` (e.g. ``dict(model.named_parameters())``) names the leaves.
    Between steps the caller's grad mode is in force; leaving the loop early stops the pass
    (the leaves not reached yet keep the .grad they had)."""
    from .._tensor import Tensor, _make
    names = _param_names(params)

    def wrap(g):
        if g is None:
            return None
        if isinstance(g, Tensor):
            return g
        return _make(np.array(g, copy=True))

    walk = engine.backward_steps((loss,), None if gradient is None else (gradient,),
                                 retain_graph, inputs)
    try:
        for index, (node, grads, outs) in enumerate(walk):
            grads_in = tuple(wrap(g) for g in grads)
            if type(node) is AccumulateGrad:
                var = node.variable
                yield BackwardStep(index, node, grads_in, (), var, names.get(id(var)), names)
            else:
                grads_out = tuple((child, wrap(g)) for (child, _), g in
                                  zip(node.next_functions, outs))
                yield BackwardStep(index, node, grads_in, grads_out, None, None, names)
    finally:
        walk.close()
