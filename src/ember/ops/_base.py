"""What every op shares: recording a node, operand promotion, undoing broadcasting, and the
few helpers derivative formulas need that exist on both arrays and Tensors.

An op is a plain function that computes its forward on NumPy arrays and hands the result to
``unary``/``binary``/``record``, which wrap it in a Tensor and, when grad mode is on and an
input requires grad, attach the op's Node.  Grad mode is read once per op.

Derivative formulas (``Node.backward``) receive NumPy arrays in an ordinary backward pass and
Tensors under ``create_graph=True``.  Operators work on both; for the rest, formulas call the
helpers below (``sum_to``, ``expand``, ``sum_dims``, ``transpose``, ...), which run NumPy on
arrays and ember's own differentiable ops on Tensors.  So each formula is written once and
double backward works through it.
"""
from weakref import ref as _ref

import numpy as np

from .. import _dtype
from .._dtype import _PROMOTE, _BY_NP, result_type
from .._tensor import Tensor, _make, _as_array
from ..autograd import grad_mode as _gm
from ..autograd._explain import note_inplace
from ..autograd.node import Node, OUTPUT
from . import _views

__all__ = ["Node", "OUTPUT", "Tensor", "unary", "binary", "record", "promote", "sum_to",
           "expand", "sum_dims", "transpose", "permute", "unsqueeze", "where", "is_tensor_grad",
           "BinaryNode", "BroadcastingNode", "record_multi", "inplace", "view",
           "array_of", "check_inplace"]

_ndarray = np.ndarray


def _edge(x):
    """next_functions entry for one input: (grad_fn, output_nr), the leaf's accumulator, or None."""
    if isinstance(x, Tensor):
        fn = x.grad_fn
        if fn is not None:
            return (fn, x._output_nr)
        if x._requires_grad:
            return (x._grad_node(), 0)
    return (None, 0)


def _versions(saved):
    out = []
    for s in saved:
        if s is OUTPUT:
            out.append(0)
        elif isinstance(s, Tensor):
            if type(s._vc) is not list:
                raise RuntimeError(_gm.INFERENCE_SAVED)
            out.append(s._vc[0])
        else:
            out.append(None)
    return out


def _attach(node, t, saved):
    t._requires_grad = True
    t.grad_fn = node
    if saved:
        versions = []
        for s in saved:
            if s is OUTPUT:
                versions.append(0)
                node.out = (t._data, t._vc)
            elif isinstance(s, Tensor):
                if type(s._vc) is not list:
                    raise RuntimeError(_gm.INFERENCE_SAVED)
                versions.append(s._vc[0])
            else:
                versions.append(None)
        node.versions = versions


def unary(NodeClass, x, out, saved=(), args=()):
    """Wrap the forward result of a one-input op; record NodeClass if x needs grad."""
    t = _make(out if type(out) is _ndarray else np.asarray(out))
    if x._requires_grad and _gm._enabled:
        fn = x.grad_fn
        edge = (fn, x._output_nr) if fn is not None else (x._grad_node(), 0)
        _attach(NodeClass((edge,), saved, args), t, saved)
    return t


def binary(NodeClass, a, b, out, saved=(), args=()):
    """Wrap the forward result of a two-input op (either input may be a Python scalar)."""
    t = _make(out if type(out) is _ndarray else np.asarray(out))
    if _gm._enabled and ((isinstance(a, Tensor) and a._requires_grad) or
                         (isinstance(b, Tensor) and b._requires_grad)):
        node = NodeClass((_edge(a), _edge(b)), saved, args)
        node.meta = (_meta(a), _meta(b))
        _attach(node, t, saved)
    return t


def record(NodeClass, inputs, out, saved=(), args=()):
    """Wrap the result of an op with any number of tensor inputs (a list for cat/stack)."""
    t = _make(out if type(out) is _ndarray else np.asarray(out))
    if _gm._enabled and any(isinstance(x, Tensor) and x._requires_grad for x in inputs):
        node = NodeClass(tuple(_edge(x) for x in inputs), saved, args)
        if isinstance(node, BroadcastingNode):
            node.meta = tuple(_meta(x) for x in inputs)
        _attach(node, t, saved)
    return t


def record_multi(NodeClass, inputs, outs, saved=(), args=(), differentiable=None):
    """Wrap an op with several outputs (max's values and indices, split, unbind, ...).

    ``differentiable`` lists which outputs get the node (indices never do)."""
    ts = [_make(_as_array(o)) for o in outs]
    if _gm._enabled and any(isinstance(x, Tensor) and x._requires_grad for x in inputs):
        node = NodeClass(tuple(_edge(x) for x in inputs), saved, args)
        if saved:
            node.versions = _versions(saved)
        for i, t in enumerate(ts):
            if differentiable is None or i in differentiable:
                t._requires_grad = True
                t.grad_fn = node
                t._output_nr = i
    return ts


def _meta(x):
    return (x._data.shape, x._data.dtype) if isinstance(x, Tensor) else None


class BroadcastingNode(Node):
    """A node whose inputs may have been broadcast: its gradients are summed back to each
    input's shape and cast to each input's dtype here, once, instead of in every op."""
    __slots__ = ("meta",)

    def apply(self, grads):
        out = list(self.backward(grads[0]))
        for i, m in enumerate(self.meta):
            g = out[i]
            if g is not None and m is not None and (g.shape != m[0] or g.dtype != m[1]):
                out[i] = _fit(g, m)
        return out


BinaryNode = BroadcastingNode


def _fit(g, meta):
    shape, dtype = meta
    if g.shape != shape:
        g = sum_to(g, shape)
    if isinstance(g, Tensor):
        if g._data.dtype != dtype:
            g = g.to(_BY_NP[dtype])
    elif g.dtype != dtype:
        g = np.asarray(g, dtype=dtype)
    return g


# -- operand promotion ------------------------------------------------------------------

def _scalar(x):
    """A non-Tensor operand as a Python scalar (NumPy scalars and 0-d arrays included)."""
    if isinstance(x, (bool, int, float, complex)):
        return x
    if isinstance(x, (np.generic, _ndarray)):
        return x.item() if np.ndim(x) == 0 else None
    return None


def promote(a, b):
    """(array_or_scalar, array_or_scalar, dtype): the operands cast for a binary op so that
    NumPy computes in torch's result dtype.  Python scalars stay Python scalars (they are
    "weak": float32 tensor * 2.5 stays float32, int64 tensor * 2.5 becomes float32)."""
    if isinstance(a, Tensor):
        da = a._data
        tb = type(b)
        if tb is float and da.dtype.kind == "f" or tb is int and da.dtype.kind in "fc":
            return da, b, _BY_NP[da.dtype]      # the common case: no promotion
        if isinstance(b, Tensor):
            db = b._data
            if da.dtype == db.dtype:
                return da, db, _BY_NP[da.dtype]
            rt = result_type(a, b)
            return _cast(da, rt), _cast(db, rt), rt
        sb = _as_operand(b)
        if isinstance(sb, Tensor):
            return promote(a, sb)
        ta = _BY_NP[da.dtype]
        rt = _combine_scalar(ta, sb)
        return _cast(da, rt), _fit_scalar(sb, rt), rt
    sa = _as_operand(a)
    if isinstance(sa, Tensor):
        return promote(sa, b)
    if not isinstance(b, Tensor):
        raise TypeError("expected at least one Tensor operand")
    db, sa_, rt = promote(b, sa)
    return sa_, db, rt


def _as_operand(x):
    s = _scalar(x)
    if s is not None:
        return s
    if isinstance(x, _ndarray):
        return _make(x)
    if isinstance(x, (list, tuple)):
        from .creation import tensor
        return tensor(x)
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def _combine_scalar(tdtype, s):
    sd = _dtype.scalar_dtype(s)
    if sd.category > tdtype.category:
        if sd.category == _dtype._COMPLEX and tdtype is _dtype.float64:
            return _dtype.complex128
        return sd
    return tdtype


def _cast(arr, dt):
    return arr if arr.dtype == dt.np else arr.astype(dt.np)


def _fit_scalar(s, dt):
    """Python ints that overflow a small integer dtype wrap, as torch's do."""
    if dt.category == 1 and isinstance(s, int) and not isinstance(s, bool):
        info = np.iinfo(dt.np)
        if not info.min <= s <= info.max:
            return np.array(s).astype(dt.np)
    return s


# -- helpers for derivative formulas (arrays in plain backward, Tensors under create_graph) --

def is_tensor_grad(g):
    return isinstance(g, Tensor)


def sum_to(g, shape):
    """Sum g down to shape: the one place broadcasting is undone."""
    gshape = g.shape
    if tuple(gshape) == tuple(shape):
        return g
    lead = len(gshape) - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and gshape[i + lead] != 1)
    if isinstance(g, Tensor):
        if dims:
            g = g.sum(dims, keepdim=True)
        return g.reshape(tuple(shape))
    if dims:
        g = g.sum(axis=dims, keepdims=True)
    return _as_array(g).reshape(shape)


def expand(g, shape):
    if isinstance(g, Tensor):
        return g.expand(tuple(shape))
    return np.broadcast_to(g, shape)


def sum_dims(g, dims, keepdim=False):
    if isinstance(g, Tensor):
        return g.sum(dims, keepdim=keepdim)
    return _as_array(g.sum(axis=dims, keepdims=keepdim))


def transpose(g, d0, d1):
    if isinstance(g, Tensor):
        return g.transpose(d0, d1)
    return np.swapaxes(g, d0, d1)


def permute(g, dims):
    if isinstance(g, Tensor):
        return g.permute(dims)
    return np.transpose(g, dims)


def unsqueeze(g, dims):
    """Insert size-1 dims at the (sorted, non-negative) positions dims."""
    if isinstance(g, Tensor):
        for d in dims:
            g = g.unsqueeze(d)
        return g
    return np.expand_dims(g, dims)


def where(cond, x, y):
    """cond is a NumPy bool array; x or y may be 0."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        from .pointwise import where as _where
        return _where(_make(cond), x, y)
    return np.where(cond, x, y)


# -- in-place ops ---------------------------------------------------------------------------

def _type_name(dt):
    return dt._legacy[:-len("Tensor")]


def check_inplace(x, result_dtype):
    """torch's checks before writing into x: leaf that requires grad, dtype cast, overlap."""
    if _gm._enabled and x._requires_grad and x.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    xd = x.dtype
    if result_dtype is not xd and not _can_cast(result_dtype, xd):
        raise RuntimeError(f"result type {_type_name(result_dtype)} can't be cast to the "
                           f"desired output type {_type_name(xd)}")
    if not x._data.flags.writeable:
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")


def _can_cast(src, dst):
    # c10::canCast: no complex -> non-complex, no float -> integral, no non-bool -> bool.
    if src.category == _dtype._COMPLEX and dst.category != _dtype._COMPLEX:
        return False
    if src.category == _dtype._FLOAT and dst.category < _dtype._FLOAT:
        return False
    if src is not _dtype.bool_ and dst is _dtype.bool_:
        return False
    return True


def _check_out_shape(x, r):
    """An in-place result must keep x's shape (torch does not resize x to the broadcast)."""
    if r._data.shape != x._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, x._data.shape))}] doesn't match the "
            f"broadcast shape [{', '.join(map(str, r._data.shape))}]")


def _inplace_precheck(x, args, exc):
    """The op of x.op_(*args) failed in its kernel (a dtype it has no kernel for, an integer
    division by zero): raise the error torch's TensorIterator raises before any kernel runs,
    if there is one (broadcast shape not x's, then a result dtype x cannot hold); else
    return and let the op's own error stand."""
    if not (isinstance(exc, NotImplementedError) or str(exc) == "ZeroDivisionError"):
        return
    shapes = [a._data.shape for a in args if isinstance(a, Tensor)]
    try:
        shape = np.broadcast_shapes(x._data.shape, *shapes)
    except ValueError:
        return
    if shape != x._data.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, x._data.shape))}] doesn't match the "
            f"broadcast shape [{', '.join(map(str, shape))}]")
    ops = [a for a in args if isinstance(a, (Tensor, bool, int, float))]
    if ops:
        rt = result_type(x, *ops)
        if rt is not x.dtype and not _can_cast(rt, x.dtype):
            raise RuntimeError(f"result type {_type_name(rt)} can't be cast to the "
                               f"desired output type {_type_name(x.dtype)}")


def inplace(x, op, *args, **kwargs):
    """x.op_(*args): run the out-of-place ``op`` and write its result into x's memory.

    Without a graph to record this is one NumPy write.  With one, the op runs on an alias
    holding x's old value (so a formula that needs the old x gets it, as torch's saved
    ``original_self`` does), and x takes over the op's node; x's version counter is bumped,
    which is what makes any earlier node that saved x refuse to run."""
    recording = _gm._enabled and (x._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if not recording:
        with _gm.no_grad():
            try:
                r = op(x, *args, **kwargs)
            except (NotImplementedError, RuntimeError) as e:
                _inplace_precheck(x, args, e)   # torch's shape/cast errors come first
                raise
        _check_out_shape(x, r)
        check_inplace(x, r.dtype)
        np.copyto(x._data, r._data, casting="unsafe")
        x._vc[0] += 1
        note_inplace(x, op.__name__ + "_")      # for the note of a saved-tensor error
        return x
    if x._base is not None:
        _views.check(x)
    if x._requires_grad and x.grad_fn is None:
        check_inplace(x, x.dtype)
    old = _make(x._data.copy())
    old._requires_grad = x._requires_grad
    old.grad_fn = x.grad_fn
    old._output_nr = x._output_nr
    try:
        r = op(old, *args, **kwargs)
    except (NotImplementedError, RuntimeError) as e:
        _inplace_precheck(x, args, e)
        raise
    _check_out_shape(x, r)
    check_inplace(x, r.dtype)
    np.copyto(x._data, r._data, casting="unsafe")
    x._vc[0] += 1
    note_inplace(x, op.__name__ + "_")
    node = r.grad_fn
    if node is None:
        # a non-differentiable op (logical_and_, ...): torch leaves x's history as it was
        return x
    if node.out is not None:
        # the node saved its output: that output is x now
        node.out = (x._data, x._vc)
        node.versions = tuple(x._vc[0] if s is OUTPUT else v
                              for s, v in zip(node.saved, node.versions))
    _views.rebase_history(x, node)
    return x


def view(NodeClass, x, arr, args=()):
    """Like unary, for ops whose result shares x's memory: the result is a view of x's base
    and shares its version counter (an in-place write through either is seen by both).
    A view made in no_grad mode of a tensor that requires grad still says it requires grad,
    as torch's do, though no gradient flows through it."""
    t = unary(NodeClass, x, arr, args=args)
    t._vc = x._vc
    base = x._base
    if base is None:
        base = x
    t._base = base
    views = base._views
    enabled = _gm._enabled
    if views is not None and enabled and x._view_meta is None:
        # the common case, inlined from _views.register: list t on its base
        views.append(_ref(t))
        if len(views) > views.limit:
            _views.sweep(views)
    elif enabled:
        _views.register(base, t, _views.child_meta(x._view_meta, None))
    else:
        t._view_meta = _views.child_meta(x._view_meta, _views.NO_GRAD)
        t._requires_grad = x._requires_grad
    return t


def array_of(x):
    """The NumPy array behind a formula value (array, NumPy scalar or Tensor)."""
    return x._data if isinstance(x, Tensor) else x
