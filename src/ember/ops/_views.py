"""In-place ops on views, as torch's autograd records them.

A view (``x[0]``, ``x.t()``, ``x.view(-1)`` ...) shares its base's memory and version counter.
When an in-place op writes through a view while a graph is recorded, the *base* changed too,
so torch rewrites the base's history (``rebase_history``):

- the op's node ``fn`` is computed as if the view owned its memory;
- the base gets ``CopySlices(fn)``: its gradient is the incoming one with the view's region
  replaced by what ``fn`` sends back to its first input, and ``fn``'s other inputs get the
  rest of ``fn``'s gradients;
- every view of the base, the written one included, now reads the new base, so its
  ``grad_fn`` becomes ``AsStridedBackward0`` from the base (torch does this lazily, when the
  view's grad_fn is next read; ember does it at the write, for the views still alive, which
  each base lists by weak reference).

Views made by a multi-output op (``split``, ``chunk``, ``unbind``) or in no_grad mode may not
be written in place with grad mode on: torch refuses with the texts built in ``_refusal``.

Where a view sits in its base is computed from the NumPy arrays (data pointers and strides),
as flat indices into the base, so no view op needs a replay function.
"""
import re
import weakref

import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode as _gm
from ..autograd.node import Node

# creation meta of a view (Tensor._view_meta); None is torch's DEFAULT
NO_GRAD = 1              # made in no_grad mode
MULTI_OUTPUT = 2         # one of several views returned by one op (split, chunk, unbind)
INHERITED_NO_GRAD = 3    # a view of a NO_GRAD view

_ref = weakref.ref


class _ViewList(list):
    """A base's live views, as weak references; dead ones are dropped when the list has
    doubled since the last sweep, so a base indexed millions of times stays small."""
    __slots__ = ("limit",)


def register(base, view, meta):
    """Record view (made from base, the root) with its creation meta (None, or one of the
    constants above, already combined with its parent's)."""
    view._view_meta = meta
    if meta == NO_GRAD or meta == INHERITED_NO_GRAD:
        return      # made in no_grad mode (optimizers make many): left out, refused on write
    views = base._views
    if views is None:
        views = base._views = _ViewList()
        views.limit = 32
    views.append(_ref(view))
    if len(views) > views.limit:
        sweep(views)


def sweep(views):
    """Drop the dead views from a base's list."""
    views[:] = [r for r in views if r() is not None]
    views.limit = 2 * len(views) + 32


def child_meta(parent, new):
    """torch's propagate_creation_meta: the meta of a view of ``parent`` made as ``new``."""
    if new is not None:
        return new
    if parent == NO_GRAD or parent == INHERITED_NO_GRAD:
        return INHERITED_NO_GRAD
    return parent


# -- refusals --------------------------------------------------------------------------------

_MULTI = (" This view is the output of a function that returns multiple views. Such functions "
          "do not allow the output views to be modified inplace. You should replace the "
          "inplace operation by an out-of-place one.")
_NO_GRAD = (" Given that this use case is ambiguous and error-prone, it is forbidden. You can "
            "clarify your code by moving both the view and the inplace either both inside the "
            "no_grad block (if you don't want the inplace to be tracked) or both outside (if "
            "you want the inplace to be tracked).")


def _refusal(view, indirect):
    """torch's handle_view_on_rebase message for a view whose creation meta forbids it."""
    meta = view._view_meta
    fn = view.grad_fn
    if fn is not None:
        name = re.sub(r"Backward0?(\d*)$", r"\1", fn.name())
        msg = f"Output {view._output_nr} of {name} is a view"
        if meta == INHERITED_NO_GRAD:
            msg += " of a view which was created in no_grad mode"
    else:
        msg = "A view was created in no_grad mode"
    if indirect:
        msg += " and its base or another view of its base has been modified inplace"
    else:
        msg += " and is being modified inplace"
    if fn is None or meta != MULTI_OUTPUT:
        msg += " with grad mode enabled"
    return msg + "." + (_MULTI if meta == MULTI_OUTPUT else _NO_GRAD)


def check(view):
    """torch's checks before an in-place op on a view is recorded."""
    if view._view_meta is not None:
        raise RuntimeError(_refusal(view, indirect=False))
    base = view._base
    if view._requires_grad and base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


# -- rebasing --------------------------------------------------------------------------------

def rebase_history(t, fn):
    """t was written in place and fn is the node of that write, made as if t owned its
    memory: fn becomes t's grad_fn, or, for a view, CopySlices(fn) its base's."""
    base = t._base
    if base is None:
        t.grad_fn = fn
        t._output_nr = 0
        t._requires_grad = True
        if t._views:
            _refresh(t)
        return
    edge = (base.grad_fn, base._output_nr) if base.grad_fn is not None else (None, 0)
    geom = geometry(base._data, t._data)
    node = CopySlices((edge,) + tuple(fn.next_functions[1:]), (), (fn, geom))
    if fn.out is not None:
        # fn saved its output, which is a region of the base now: under create_graph it is
        # unpacked as a view of the base (node.py, Node._output_tensor)
        fn.metadata["view_of_"] = (_ref(node), geom)
    base.grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    _refresh(base)
    tf = t.grad_fn
    if type(tf) is not AsStridedBackward0 or tf.next_functions[0][0] is not node:
        _regenerate(t, base)        # a view that was not listed


def _refresh(base):
    """Every live view of base reads base's new history."""
    views = base._views
    if not views:
        return
    for r in views:
        v = r()
        if v is not None and v._base is base:
            _regenerate(v, base)


def _regenerate(v, base):
    if v._view_meta is not None:
        v.grad_fn = _Refused((), (), (_refusal(v, indirect=True),))
        return
    v.grad_fn = AsStridedBackward0(((base.grad_fn, 0),), (), (geometry(base._data, v._data),))
    v._output_nr = 0
    v._requires_grad = True


def geometry(base, arr):
    """(base shape, base strides, offset, shape, strides) of arr inside base, in elements."""
    size = base.itemsize
    if arr.itemsize != size:
        raise NotImplementedError("ember does not record in-place operations on views that "
                                  "reinterpret the base's dtype")
    off = arr.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return (base.shape, tuple(s // size for s in base.strides), off // size, arr.shape,
            tuple(s // size for s in arr.strides))


def positions(geom):
    """The flat (row-major) index into the base of every element of the view."""
    bshape, bstrides, off, shape, strides = geom
    offs = _offsets(off, shape, strides)
    c = 1
    contiguous = True
    for n, s in zip(reversed(bshape), reversed(bstrides)):
        if n != 1 and s != c:
            contiguous = False
            break
        c *= n
    if contiguous:
        return offs
    base_offs = _offsets(0, bshape, bstrides).reshape(-1)
    lo = min(int(base_offs.min(initial=0)), int(offs.min(initial=0)))
    hi = max(int(base_offs.max(initial=0)), int(offs.max(initial=0)))
    where = np.full(hi - lo + 1, -1, np.int64)
    where[base_offs - lo] = np.arange(base_offs.size)
    return where[offs - lo]


def _offsets(off, shape, strides):
    o = np.full(shape, off, np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        if n > 1 and s:
            step = np.arange(0, n * s, s, dtype=np.int64)
            o += step.reshape((n,) + (1,) * (len(shape) - d - 1))
    return o


def _overlapping(geom):
    return any(n > 1 and s == 0 for n, s in zip(geom[3], geom[4]))


class CopySlices(Node):
    """An in-place op ``fn`` on a view, as seen from the base:
    base: grad with the view's region replaced by fn's gradient for its first input;
    fn's other inputs: fn's other gradients (torch/csrc/autograd/functions/tensor.cpp).
    (indexing.CopySlices is the same node for ``x[index] = value``, computed in one step.)"""
    __slots__ = ()

    def apply(self, grads):
        fn, geom = self.args
        grad = grads[0]
        pos = positions(geom)
        if isinstance(grad, Tensor):
            return self._apply_graph(grad, fn, pos)
        result = np.array(grad, copy=True, order="C")    # flat below must be a view
        flat = result.reshape(-1)
        res = list(fn.apply([flat[pos]]))
        if self.next_functions[0][0] is not None:
            flat[pos] = 0 if res[0] is None else res[0]
            res[0] = result
        else:
            res[0] = None
        return res

    def _apply_graph(self, grad, fn, pos):
        from .indexing import _take, _zero_at, _put
        flat = grad.reshape(-1)
        res = list(fn.apply([_take(flat, (pos,))]))
        if self.next_functions[0][0] is not None:
            g = _zero_at(flat, (pos,))
            if res[0] is not None:
                g = g + _put(res[0], flat.shape, (pos,), accumulate=False)
            res[0] = g.reshape(grad.shape)
        else:
            res[0] = None
        return res

    def release(self):
        self.args[0].release()


class AsStridedBackward0(Node):
    """A view's history after its base was written in place:
    self: zeros of the base's shape with grad put at the view's elements (summed where the
    view repeats an element, as expand's do)."""
    __slots__ = ()

    def backward(self, grad):
        from .indexing import _put, _reshape
        (geom,) = self.args
        n = 1
        for s in geom[0]:
            n *= s
        g = _put(grad, (n,), (positions(geom),), accumulate=_overlapping(geom))
        return (_reshape(g, geom[0]),)


class _Refused(Node):
    """The history of a view that torch refuses to rebase (made by a multi-output op or in
    no_grad mode, and its base written in place since): using it raises torch's error."""
    __slots__ = ()

    def backward(self, grad):
        raise RuntimeError(self.args[0])
