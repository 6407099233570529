"""What ember adds to PyTorch's errors: notes that say where and why, and two warnings.

``str(e)`` always stays exactly PyTorch's message; everything here goes into exception notes
(PEP 678 ``add_note``: shown under the traceback, never in ``str(e)``) or into warnings that
fire once.  An op that succeeds runs nothing here, except an in-place op (which records its
line) and any op in anomaly mode (which records its forward traceback); backward() calls in
only when a .grad is added into without a reset or when its graph is larger than the last.

- ``record_traceback``   anomaly mode: the forward stack of each node (node.metadata)
- ``note_inplace``       the source line of an in-place op, kept on the version counter
- ``modified``/``freed`` notes for the two autograd errors of saved tensors
- ``anomaly_apply``      anomaly mode: run a node; a failure reports its forward stack
- ``check_nan``          anomaly mode: torch's NaN check of a node's outputs
- ``count_accumulation`` the "missing zero_grad()" warning
- ``check_growing``      the "growing graph" warning
"""
import linecache
import os
import sys
import traceback
import warnings
import weakref

import numpy as np

from . import node as _node

__all__ = []

_EMBER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Frames of ember's op machinery are left out of forward tracebacks (torch's ops are C++ and
# show none); ember.nn frames stay, as torch.nn's Python frames do.
_NN = _EMBER + "nn" + os.sep

ZERO_GRAD_LIMIT = 1000      # backward calls summed into one .grad before the warning
UPDATES_LIMIT = 10          # ... during which the leaf itself changed at least this often
GROWING_LIMIT = 100         # consecutive backward calls through a grown graph

# The switches of the two warnings (ember.autograd.set_warn_missing_zero_grad / _growing_graph)
# and whether each has fired (each fires once per process; AccumulateGrad stops calling
# count_accumulation once its warning has fired or is off).
flags = {"missing_zero_grad": True, "growing_graph": True}
warned = {"missing_zero_grad": False, "growing_graph": False}


def set_warning(name, mode):
    """Turn one of the two warnings on or off (and, on, let it fire again)."""
    flags[name] = bool(mode)
    if mode:
        warned[name] = False
    _node._count_accumulations = flags["missing_zero_grad"] and not warned["missing_zero_grad"]
    if name == "missing_zero_grad":
        _accum.clear()
    else:
        growing[:] = [-1, 0, 0]


def add_note(e, text):
    """e.add_note(text) where Python has it (3.11+); on 3.10 the note is dropped."""
    if hasattr(e, "add_note"):
        e.add_note(text)
    return e


def _stacklevel():
    """warnings.warn's stacklevel that points at the user's line (the first frame outside
    ember), for a warning issued from the function calling this one."""
    f = sys._getframe(2)
    level = 2
    while f is not None and f.f_code.co_filename.startswith(_EMBER):
        f = f.f_back
        level += 1
    return level


def display_name(node):
    """The node's name without torch's C++ namespace (CopySlices, AccumulateGrad)."""
    return node.name().rsplit("::", 1)[-1]


def shape_str(shape):
    """(3, 2), (3,), (): a shape as Python writes a tuple."""
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


# -- where things happened ---------------------------------------------------------------------

def forward_stack(frame):
    """torch's formatted forward traceback (a list of strings, outermost first) from frame,
    less ember's op machinery at the inner end."""
    frames = traceback.extract_stack(frame)
    n = len(frames)
    while n > 1 and frames[n - 1].filename.startswith(_EMBER) and \
            not frames[n - 1].filename.startswith(_NN):
        n -= 1
    return traceback.format_list(frames[:n])


def record_traceback(node):
    """Anomaly mode: keep the forward stack that created node, where torch keeps it."""
    if type(node) is _node.AccumulateGrad:
        return
    node.metadata["traceback_"] = forward_stack(sys._getframe(2))


def note_inplace(x, name):
    """Remember on x's version counter which in-place op wrote it last, and where: the
    innermost frame outside ember (the user's line).

    The version counter is a list shared by a tensor and its views; item 0 is the version,
    item 1 (this record) is (version after the write, op name, (file, line), anomaly stack)."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_EMBER):
        f = f.f_back
    site = None if f is None else (f.f_code.co_filename, f.f_lineno)
    vc = x._vc
    rec = (vc[0], name, site, forward_stack(sys._getframe(1)) if _node._anomaly else None)
    if len(vc) == 1:
        vc.append(rec)
    else:
        vc[1] = rec


def _source(site):
    filename, lineno = site
    line = linecache.getline(filename, lineno).strip()
    where = f"{filename}:{lineno}"
    return f"{where}\n    {line}" if line else where


def _traceback_of(node):
    """The forward traceback anomaly mode recorded for node, or None."""
    md = getattr(node, "metadata_", None)
    return md.get("traceback_") if md else None


# -- the errors of saved tensors ---------------------------------------------------------------

def modified(e, saver, vc, version, expected):
    """Note for "one of the variables needed for gradient computation has been modified by an
    inplace operation": who saved the tensor, which in-place op changed it, and the fix."""
    lines = []
    if saver is not None:
        lines.append(f"ember: {display_name(saver)} saved this tensor for its backward pass "
                     f"at version {expected}; by the time backward reached it, it was at "
                     f"version {version}.")
        tb = _traceback_of(saver)
        if tb:
            e._ember_anomaly_noted = True
            lines.append(f"{display_name(saver)} was created at (forward traceback):\n" +
                         "".join(tb).rstrip())
    rec = vc[1] if vc is not None and len(vc) > 1 else None
    if rec is not None and rec[0] == version:
        _, name, site, stack = rec
        where = f" at {_source(site)}" if site is not None else ""
        lines.append(f"It was changed by the in-place operation {name}{where}")
        if stack:
            lines.append(f"{name} was called from:\n" + "".join(stack).rstrip())
    else:
        lines.append("It was changed in place by an operation whose line ember does not "
                     "record (an in-place update under no_grad, like an optimizer's step, or a "
                     "write through .data or NumPy).")
    if saver is not None and _traceback_of(saver) is None:
        lines.append("Run the forward pass under ember.autograd.detect_anomaly() to see the "
                     "full traceback of both operations.")
    lines.append("Fix: keep the saved value intact: call .clone() on the tensor before the "
                 "in-place operation and change the clone (y = x.clone(); y.add_(1)), or use "
                 "the out-of-place form (x = x + 1 instead of x += 1 or x.add_(1)).")
    add_note(e, "\n".join(lines))
    return e


def freed(e, node):
    """Note for "Trying to backward through the graph a second time": which node, two fixes."""
    lines = [f"ember: {display_name(node)} already ran in an earlier backward() and freed the "
             "tensors it had saved; this backward() reached it again."]
    tb = _traceback_of(node)
    if tb:
        e._ember_anomaly_noted = True
        lines.append(f"{display_name(node)} was created at (forward traceback):\n" +
                     "".join(tb).rstrip())
    lines.append(
        "Two usual fixes:\n"
        "  1. If you really need to backpropagate through the same graph twice, pass "
        "retain_graph=True to the first backward().\n"
        "  2. If a tensor computed in an earlier iteration is carried into this one (an RNN's "
        "hidden state, a running total of losses), cut it from the old graph with .detach() "
        "(hidden = hidden.detach()) or keep a plain number (total += loss.item()).")
    add_note(e, "\n".join(lines))
    return e


# -- anomaly mode --------------------------------------------------------------------------

def _report(node, e):
    """torch's anomaly warning (the forward traceback of the node that failed), and the same
    traceback as a note on the exception."""
    tb = _traceback_of(node)
    name = node.name()
    if tb:
        msg = (f"Error detected in {name}. Traceback of forward call that caused the error:\n"
               + "".join(tb))
    else:
        msg = (f"Error detected in {name}. No forward pass information available. Enable "
               "detect anomaly during forward pass for more information.")
    warnings.warn(msg, UserWarning, stacklevel=_stacklevel())
    if tb and not getattr(e, "_ember_anomaly_noted", False):
        e._ember_anomaly_noted = True
        add_note(e, f"ember (anomaly mode): {name} was created by this forward call:\n" +
                 "".join(tb).rstrip())


def anomaly_apply(node, grads):
    """node.apply(grads) in anomaly mode: a failure reports the node's forward traceback."""
    try:
        return node.apply(grads)
    except Exception as e:
        _report(node, e)
        raise


def check_nan(node, outs):
    """torch's NaN check of a node's outputs in anomaly mode."""
    for i, g in enumerate(outs):
        if g is None:
            continue
        a = g._data if hasattr(g, "_data") else g
        if getattr(a, "dtype", None) is not None and a.dtype.kind in "fc" and \
                np.isnan(a).any():
            e = RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                             "output.")
            _report(node, e)
            raise e


# -- the two warnings ----------------------------------------------------------------------

# id(.grad tensor) -> [weakref to it, its version after our last add, adds since it was last
# reset, the leaf's version then, how often the leaf changed between two adds]
_accum = {}


def count_accumulation(var, grad):
    """Called after a backward() added into var's existing .grad in place.

    Counts the adds into the same .grad tensor that nobody touched in between: zero_grad()
    replaces the tensor (set_to_none) or zeroes it (a new version), and either starts the
    count again.  The warning also needs the leaf itself to be changing between the adds (an
    optimizer step or ``w -= lr * w.grad``): a leaf that is being trained.  An input with
    requires_grad=True whose .grad nobody resets (the course's input_data) is not one."""
    key = id(grad)
    v = grad._vc[0]
    vv = var._vc[0]
    entry = _accum.get(key)
    if entry is not None and entry[0]() is grad and entry[1] == v - 1:
        entry[1] = v
        entry[2] += 1
        if entry[3] != vv:
            entry[3] = vv
            entry[4] += 1
        if entry[2] >= ZERO_GRAD_LIMIT - 1 and entry[4] >= UPDATES_LIMIT:
            warned["missing_zero_grad"] = True
            _node._count_accumulations = False
            _accum.clear()
            shape = shape_str(grad._data.shape)
            warnings.warn(
                f"ember: the .grad of a leaf tensor of shape {shape} has summed the gradients "
                f"of {ZERO_GRAD_LIMIT} backward() calls without being reset, while the tensor "
                "itself was being updated. Gradients add up across backward() calls: call "
                "optimizer.zero_grad() (or model.zero_grad(), or w.grad = None) once per "
                "training step, before loss.backward(). If you accumulate on purpose, turn "
                "this warning off with ember.autograd.set_warn_missing_zero_grad(False).",
                UserWarning, stacklevel=_stacklevel())
        return

    def forget(ref, key=key):
        e = _accum.get(key)
        if e is not None and e[0] is ref:
            del _accum[key]
    _accum[key] = [weakref.ref(grad, forget), v, 1, vv, 0]


# [the newest node of the previous backward()'s graph (its sequence number), that graph's
#  size, how many calls in a row the graph grew]; the engine updates it itself when the
#  graph did not grow, and calls check_growing when it did.
growing = [-1, 0, 0]


def check_growing(roots, order):
    """Called by backward() when the graph it is about to walk (order: all its nodes) is
    larger than the previous backward()'s.

    The graph has "grown" when it also holds a node that was already there when that
    backward() ran: one made no later than that graph's newest node (leaves' AccumulateGrad
    nodes aside: every graph of a model shares them).  In a training loop each step's graph
    is made of new nodes; a tensor carried across iterations with its graph (a running total
    of losses, an RNN's hidden state) brings old ones."""
    g = growing
    prev = g[0]
    acc = _node.AccumulateGrad
    grown = False
    if flags["growing_graph"] and not warned["growing_graph"]:
        for node in order:
            if node.sequence_nr <= prev and type(node) is not acc:
                grown = True
                break
    if grown:
        g[2] += 1
        if g[2] >= GROWING_LIMIT:
            warned["growing_graph"] = True
            warnings.warn(
                f"ember: backward() has walked a graph that grew on each of its last "
                f"{GROWING_LIMIT} calls (now {len(order)} nodes): each graph still contains "
                "the one before it, so every step keeps all earlier steps' tensors alive and "
                "backpropagates through all of them. A tensor is being carried from one "
                "iteration to the next with its graph, e.g. total_loss += loss (keep a number: "
                "total_loss += loss.item()) or an RNN hidden state (hidden = hidden.detach() "
                "between iterations). Turn this warning off with "
                "ember.autograd.set_warn_growing_graph(False).", UserWarning,
                stacklevel=_stacklevel())
    else:
        g[2] = 0
    g[0] = max(node.sequence_nr for node, _, _ in roots)
    g[1] = len(order)


# -- notes for tensor errors ---------------------------------------------------------------

def numpy_requires_grad(e, t):
    shape = shape_str(t._data.shape)
    add_note(e, f"ember: this tensor (shape {shape}) requires grad, so it is part of an "
                "autograd graph, and a NumPy array cannot carry gradients. t.detach() is the "
                "same data cut from the graph: t.detach().numpy() returns an array that shares "
                "the tensor's memory (changing one changes the other); t.tolist() or t.item() "
                "give plain Python numbers.")
    return e


def non_scalar_backward(e, t, who="backward"):
    shape = shape_str(t._data.shape)
    if who == "grad":
        add_note(e, f"ember: autograd.grad() was given an output of shape {shape} with "
                    f"{t._data.size} values and no grad_outputs. Reduce the output to a scalar "
                    "first (output.sum()), or pass the gradient of every value: "
                    "grad_outputs=torch.ones_like(output).")
        return e
    add_note(e, f"ember: backward() was called on a tensor of shape {shape} with "
                f"{t._data.size} values. Without an argument, backward() needs a scalar (a "
                "loss): reduce the output first, e.g. output.sum().backward() or "
                "criterion(output, target).backward(), or pass the gradient of every value "
                "explicitly: output.backward(torch.ones_like(output)).")
    return e


def int_requires_grad(e, np_dtype):
    from .._dtype import _BY_NP
    add_note(e, f"ember: this tensor has dtype {_BY_NP[np.dtype(np_dtype)]!r}, and gradients "
                "exist only for floating-point values (a list of Python ints makes an int64 "
                "tensor). Make it floating point: write the numbers as floats "
                "(torch.tensor([1., 2.])), pass dtype=torch.float32, or call .float() first.")
    return e


def module_error(e, module, args, kwargs):
    """Note on an error raised inside module.forward: the module and what it was given.
    Added once, by the innermost module."""
    if getattr(e, "_ember_module_noted", False) or isinstance(e, NotImplementedError):
        return
    e._ember_module_noted = True
    shapes = [shape_str(a._data.shape) for a in (*args, *kwargs.values()) if hasattr(a, "_data")]
    if len(shapes) == 1:
        got = f"got input of shape {shapes[0]}"
    elif shapes:
        got = f"got inputs of shapes {', '.join(shapes)}"
    else:
        got = "got no tensor input"
    text = f"ember: {module!r} {got}"
    in_features = getattr(module, "in_features", None)
    if isinstance(in_features, int) and len(shapes) == 1:
        text += (f"; it expects the last dimension to be in_features={in_features}, e.g. "
                 f"input of shape (batch, {in_features})")
    add_note(e, text + ".")
