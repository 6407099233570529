"""Matrix products: matmul, mm, bmm, mv, dot, vdot, inner, outer, addmm, addmv, addbmm,
baddbmm, einsum, tensordot, kron, trace, diag.

The products compute with NumPy's ``@`` (BLAS) on whole blocks: a batch of matrices times one
matrix is folded into a single 2-D product, as torch folds it.  Each product is one Node
carrying the name torch shows for its result.  Where torch composes an op from several
(``matmul`` of batches ends in ``_unsafe_view``; ``einsum`` in a view, sum, permute or mul),
ember records one node for the whole op, named as torch's last node, and its ``backward``
gives the gradient of the whole op.  Gradients are written with ``@``, ``.mT`` and
``reshape`` (or ember's own einsum), so they run on arrays and, under create_graph, on Tensors.
"""
import itertools
import warnings

import numpy as np

from .._dtype import _BY_NP, _PROMOTE
from .._errors import broadcast_shapes, wrap_dim, wrap_dims
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import (Node, BroadcastingNode, binary, record, unary, inplace, view as _view,
                    permute as _permute, sum_dims as _sum_dims)

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm",
           "addmv", "addbmm", "baddbmm", "einsum", "tensordot", "kron", "trace", "diag"]


# -- messages: torch's names for dtypes, argument errors, expand ---------------------------

_CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def _cpp(dt):
    """The C++ name torch prints for a NumPy dtype ("float", "long int", ...)."""
    return _CPP_NAMES[_BY_NP[dt].name]


def _legacy(dt):
    """torch's ScalarType name for a NumPy dtype ("Float", "Long", ...)."""
    return _BY_NP[dt]._legacy[:-len("Tensor")]


def _not_bool(dt, kernel):
    if dt == np.bool_:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


def _named(name):
    """Class decorator: a fused node takes the name of the node torch's composite op ends with
    (torch's matmul of batches ends in _unsafe_view, its einsum in a view, sum or mul ...)."""
    def rename(cls):
        cls.__name__ = cls.__qualname__ = name
        return cls
    return rename


def _type_error(fn, names, values):
    """torch's TypeError for a non-Tensor argument (called only when an attribute is missing)."""
    for pos, (name, v) in enumerate(zip(names, values), 1):
        if not isinstance(v, Tensor):
            t = type(v)
            tname = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
            raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{tname}")
    raise TypeError(f"{fn}(): expected Tensor arguments")


def _sizes(shape):
    return ", ".join(str(s) for s in shape)


def _check_expand(x, shape):
    """The checks of at::expand_size(x, shape), with torch's texts (x broadcasts to shape)."""
    xs = x.shape
    if len(shape) < len(xs):
        raise RuntimeError(
            f"expand(torch.{_BY_NP[x.dtype]._legacy}{{[{_sizes(xs)}]}}, size=[{_sizes(shape)}]):"
            f" the number of sizes provided ({len(shape)}) must be greater or equal to the "
            f"number of dimensions in the tensor ({len(xs)})")
    lead = len(shape) - len(xs)
    for i in range(len(xs) - 1, -1, -1):
        if xs[i] != 1 and xs[i] != shape[i + lead]:
            raise RuntimeError(
                f"The expanded size of the tensor ({shape[i + lead]}) must match the existing "
                f"size ({xs[i]}) at non-singleton dimension {i + lead}.  Target sizes: "
                f"[{_sizes(shape)}].  Tensor sizes: [{_sizes(xs)}]")


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _into(out, res, fn, dtype_error=None):
    """Write res into the out= tensor the caller passed, as torch's out= variants do."""
    if res._requires_grad or (out._requires_grad and _gm._enabled):
        raise RuntimeError(f"{fn}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    r, o = res._data, out._data
    if r.dtype != o.dtype:
        if dtype_error is not None:
            raise RuntimeError(dtype_error(o.dtype))
        raise RuntimeError(f"Expected out tensor to have dtype {_cpp(r.dtype)}, but got "
                           f"{_cpp(o.dtype)} instead")
    if o.shape == r.shape:
        np.copyto(o, r)
    else:
        if o.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"[{_sizes(o.shape)}], which does not match the required output shape "
                f"[{_sizes(r.shape)}]. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0). (Triggered internally at "
                "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)", UserWarning,
                stacklevel=3)
        out._data = np.array(r, copy=True)
    out._vc[0] += 1
    return out


def _saved2(a, b):
    """What a bilinear product saves: each input only when the *other* one needs its grad
    (torch saves no more, so modifying an unneeded input in place is allowed there too)."""
    return (a if b._requires_grad else None, b if a._requires_grad else None)


def _size(arr, dim):
    """arr.size(dim) with torch's IndexError for a dim out of range."""
    return arr.shape[wrap_dim(dim, arr.ndim)]


# -- the checks of mm, bmm and mv (shapes and dtypes: matmul checks folded operands) -------

def _check_mm_shapes(sa, sb):
    if sa[1] != sb[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                           f"{sb[0]}x{sb[1]})")


def _check_mm_dtypes(da, db):
    if da != db:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cpp(da)} != "
                           f"{_cpp(db)}")
    _not_bool(da, "addmm_impl_cpu_")


def _check_bmm(bs, k, sb, da, db):
    """bmm's size check of batch2's first two dims against [bs, k], then its dtype check."""
    if sb[0] != bs or sb[1] != k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{bs}, {k}] but got: [{sb[0]}, {sb[1]}].")
    if da != db:
        raise RuntimeError(f"expected scalar type {_legacy(da)} but found {_legacy(db)}")


def _check_mv(sm, sv, dm, dv, self_dim, self_numel, self_size0, dself):
    """addmv's checks (mv is addmv into a result of vec's dtype)."""
    if not (len(sm) == 2 and len(sv) == 1 and self_dim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {self_dim}, {len(sm)}, "
                           f"{len(sv)}")
    if not (sm[1] == sv[0] and (sm[0] == self_numel or self_numel == 1)):
        raise RuntimeError(f"size mismatch, got input ({self_size0}), mat ({sm[0]}x{sm[1]}), "
                           f"vec ({sv[0]})")
    if not dself == dm == dv:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_legacy(dself)}, {_legacy(dm)}, and {_legacy(dv)}")
    _not_bool(dm, "addmv_impl_cpu")


def _mv_out_error(dm, dv):
    return lambda do: (f"addmv input tensors must have the same dtype, but got {_legacy(do)}, "
                       f"{_legacy(dm)}, and {_legacy(dv)}")


# -- mm ------------------------------------------------------------------------------------

class MmBackward0(BroadcastingNode):
    """self: grad.mm(mat2.mH)   mat2: self.mH.mm(grad)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        return (grad @ b.mT if nf[0][0] is not None else None,
                a.mT @ grad if nf[1][0] is not None else None)


def mm(input, mat2, *, out=None):
    """input @ mat2 for two matrices (no broadcasting, no type promotion)."""
    try:
        a, b = input._data, mat2._data
    except AttributeError:
        _type_error("mm", ("input", "mat2"), (input, mat2))
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    _check_mm_shapes(a.shape, b.shape)
    _check_mm_dtypes(a.dtype, b.dtype)
    res = binary(MmBackward0, input, mat2, a @ b, saved=_saved2(input, mat2))
    return res if out is None else _into(out, res, "mm")


# -- bmm -----------------------------------------------------------------------------------

class BmmBackward0(BroadcastingNode):
    """self: grad.bmm(mat2.transpose(1, 2).conj())
    mat2: self.transpose(1, 2).conj().bmm(grad)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        return (grad @ b.mT if nf[0][0] is not None else None,
                a.mT @ grad if nf[1][0] is not None else None)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    try:
        a, b = input._data, mat2._data
    except AttributeError:
        _type_error("bmm", ("input", "mat2"), (input, mat2))
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_bmm(a.shape[0], a.shape[2], b.shape, a.dtype, b.dtype)
    _not_bool(a.dtype, "bmm")
    res = binary(BmmBackward0, input, mat2, a @ b, saved=_saved2(input, mat2))
    return res if out is None else _into(out, res, "bmm")


# -- mv ------------------------------------------------------------------------------------

class MvBackward0(BroadcastingNode):
    """self: grad.ger(vec.conj())   vec: self.conj().t().mv(grad)"""
    __slots__ = ()

    def backward(self, grad):
        m, v = self.unpack()
        nf = self.next_functions
        return (grad.reshape((grad.shape[0], 1)) * v if nf[0][0] is not None else None,
                m.mT @ grad if nf[1][0] is not None else None)


def mv(input, vec, *, out=None):
    """Matrix (n, m) times vector (m,)."""
    try:
        m, v = input._data, vec._data
    except AttributeError:
        _type_error("mv", ("input", "vec"), (input, vec))
    n = m.shape[0] if m.ndim else 1
    _check_mv(m.shape, v.shape, m.dtype, v.dtype, 1, n, n, v.dtype)
    res = binary(MvBackward0, input, vec, m @ v, saved=_saved2(input, vec))
    return res if out is None else _into(out, res, "mv", _mv_out_error(m.dtype, v.dtype))


# -- dot, vdot -----------------------------------------------------------------------------

def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_legacy(a.dtype)} and {_legacy(b.dtype)}")
    if a.shape[0] != b.shape[0]:
        n1, n2 = a.shape[0], b.shape[0]
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n1}] and src [{n2}] "
                           f"to have the same number of elements, but got {n1} and {n2} "
                           "elements respectively")
    _not_bool(a.dtype, "dot")


def _dot_out_error(da):
    return lambda do: f"result dtype {_legacy(do)} does not match input dtype {_legacy(da)}"


class DotBackward0(BroadcastingNode):
    """self: grad * tensor.conj()   tensor: grad * self.conj()"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        return (grad * b if nf[0][0] is not None else None,
                grad * a if nf[1][0] is not None else None)


def dot(input, tensor, *, out=None):
    """Inner product of two 1-D tensors of the same size and dtype."""
    try:
        a, b = input._data, tensor._data
    except AttributeError:
        _type_error("dot", ("input", "tensor"), (input, tensor))
    _check_dot(a, b)
    res = binary(DotBackward0, input, tensor, np.dot(a, b), saved=_saved2(input, tensor))
    return res if out is None else _into(out, res, "dot", _dot_out_error(a.dtype))


class VdotBackward0(BroadcastingNode):
    """self: grad.conj() * other   other: grad * self"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        nf = self.next_functions
        return (grad * b if nf[0][0] is not None else None,
                grad * a if nf[1][0] is not None else None)


def vdot(input, other, *, out=None):
    """Inner product of two 1-D tensors, the first conjugated."""
    try:
        a, b = input._data, other._data
    except AttributeError:
        _type_error("vdot", ("input", "other"), (input, other))
    _check_dot(a, b)
    res = binary(VdotBackward0, input, other, np.vdot(a, b), saved=_saved2(input, other))
    return res if out is None else _into(out, res, "vdot", _dot_out_error(a.dtype))


# -- matmul --------------------------------------------------------------------------------

class _MatmulBackward(BroadcastingNode):
    """matmul of operands that are not both matrices or vectors, with np.matmul's semantics
    (a 1-D operand is a row on the left, a column on the right, dropped from the result; batch
    dims broadcast).  With A, B the operands as (batches of) matrices and G the gradient:
        self: G @ B.mT      other: A.mT @ G
    summed back over broadcast batch dims by BroadcastingNode.  When one side has no batch
    dims, the batch is folded into one 2-D product, as torch's matmul folds it."""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        (sa, _), (sb, _) = self.meta
        nf = self.next_functions
        da, db = len(sa), len(sb)
        k = sa[-1]
        A = a if a is None or da > 1 else a.reshape((1, k))
        B = b if b is None or db > 1 else b.reshape((k, 1))
        gshape = tuple(grad.shape)
        batch = gshape[:len(gshape) - (da > 1) - (db > 1)]
        n = gshape[-1 - (db > 1)] if da > 1 else 1
        p = gshape[-1] if db > 1 else 1
        bt = _prod(batch)
        G = grad.reshape(batch + (n, p))
        ga = gb = None
        if nf[0][0] is not None:
            if db <= 2:               # B shared by the whole batch: one product
                ga = (G.reshape((bt * n, p)) @ B.mT).reshape(batch + (n, k))
            elif da <= 2:             # A shared: contract over the batch too
                gf = _permute(G.reshape((bt, n, p)), (1, 0, 2)).reshape((n, bt * p))
                ga = gf @ B.mT.reshape((bt * p, k))
            else:
                ga = G @ B.mT
            if da == 1:
                ga = ga.reshape(tuple(ga.shape[:-2]) + (k,))
        if nf[1][0] is not None:
            if db <= 2:
                gb = A.reshape((bt * n, k)).mT @ G.reshape((bt * n, p))
            else:
                gb = A.mT @ G
            if db == 1:
                gb = gb.reshape(tuple(gb.shape[:-1]))
        return ga, gb


@_named("SqueezeBackward4")
class _MatmulSqueeze(_MatmulBackward):
    """matmul(1-D, 2-D): torch computes input.unsqueeze(0).mm(other).squeeze_(0)."""
    __slots__ = ()


@_named("UnsafeViewBackward0")
class _MatmulUnsafeView(_MatmulBackward):
    """matmul with batch dims: torch ends with _unsafe_view of a folded mm/mv or of a bmm."""
    __slots__ = ()


@_named("CloneBackward0")
class _MatmulClone(_MatmulBackward):
    """matmul(2-D, N-D) that torch folds into mm on the transposed batch: it ends with
    .mT.contiguous(), a copy."""
    __slots__ = ()


@_named("TransposeBackward0")
class _MatmulTranspose(_MatmulBackward):
    """As _MatmulClone where the transposed result is contiguous already (no copy)."""
    __slots__ = ()


def _strides(arr):
    return [s // arr.itemsize for s in arr.strides]


def _should_fold(a, b, a_rg, b_rg):
    """torch's should_fold: compute batch @ matrix (or vector) as one mm (mv) on the folded
    batch?  Always when the smaller operand requires grad; else when the fold is a view."""
    d1, d2 = a.ndim, b.ndim
    larger = d1 >= d2
    if not (max(d1, d2) >= 3 and min(d1, d2) <= 2):
        return False
    if b_rg if larger else a_rg:
        return True
    if d1 == 2:
        return False
    if larger:
        shape, st = a.shape, _strides(a)
    else:                       # b.mT
        shape = b.shape[:-2] + (b.shape[-1], b.shape[-2])
        st = _strides(b)
        st[-1], st[-2] = st[-2], st[-1]
    if _prod(shape) == 0:
        return True
    for i in range(len(shape) - 2):
        if st[i] != st[i + 1] * shape[i + 1]:
            return False
    return True


def _matmul_nd(input, other, a, b):
    """matmul with batch dims: torch's checks along torch's path (the path decides which
    error text shows) and the node class named as the node torch's path ends with."""
    a_rg, b_rg = input._requires_grad, other._requires_grad
    d1, d2 = a.ndim, b.ndim
    if d1 == 3 and d2 == 3 and a.shape[0] != b.shape[0]:
        # torch drops a size-1 batch of an operand that requires grad (cheaper gradient)
        if a.shape[0] == 1 and a_rg:
            a, d1 = a[0], 2
        elif b.shape[0] == 1 and b_rg:
            b, d2 = b[0], 2
    if _should_fold(a, b, a_rg, b_rg):
        if d2 > d1:                                   # b.mT folded, times a.t() (or a)
            m = _prod(b.shape[:-2]) * b.shape[-1]
            if d1 == 1:
                _check_mv((m, b.shape[-2]), a.shape, b.dtype, a.dtype, 1, m, m, a.dtype)
                return _MatmulUnsafeView
            _check_mm_shapes((m, b.shape[-2]), (a.shape[1], a.shape[0]))
            _check_mm_dtypes(b.dtype, a.dtype)
            n, p = a.shape[0], b.shape[-1]
            if n == 1 or p == 1 or m * n == 0:
                return _MatmulTranspose
            return _MatmulClone
        m = _prod(a.shape[:-1])
        if d2 == 1:
            _check_mv((m, a.shape[-1]), b.shape, a.dtype, b.dtype, 1, m, m, b.dtype)
        else:
            _check_mm_shapes((m, a.shape[-1]), b.shape)
            _check_mm_dtypes(a.dtype, b.dtype)
        return _MatmulUnsafeView
    m1 = a.shape[-1]
    m2 = b.shape[-2] if d2 > 1 else b.shape[0]
    batch = broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    bs = _prod(batch)
    _check_bmm(bs, m1, (bs, m2), a.dtype, b.dtype)
    _not_bool(a.dtype, "bmm")
    return _MatmulUnsafeView


def _matmul_forward(a, b):
    """np.matmul, with a batch times a matrix (or vector) done as one 2-D product."""
    if a.ndim >= 3 and b.ndim <= 2:
        lead = a.shape[:-1]
        r = a.reshape((_prod(lead), a.shape[-1])) @ b
        return r.reshape(lead + b.shape[1:])
    return a @ b


def matmul(input, other, *, out=None):
    """torch.matmul: dot, mv, mm, or a batched product with broadcast batch dims."""
    try:
        a, b = input._data, other._data
    except AttributeError:
        _type_error("matmul", ("input", "other"), (input, other))
    d1, d2 = a.ndim, b.ndim
    if d1 == 2 and d2 == 2:
        res = mm(input, other)
    elif d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{d1}D and {d2}D")
    elif d1 == 1 and d2 == 1:
        res = dot(input, other)
    elif d1 == 2 and d2 == 1:
        res = mv(input, other)
    else:
        if d1 == 1 and d2 == 2:
            _check_mm_shapes((1, a.shape[0]), b.shape)
            _check_mm_dtypes(a.dtype, b.dtype)
            NodeClass = _MatmulSqueeze
        else:
            NodeClass = _matmul_nd(input, other, a, b)
        res = binary(NodeClass, input, other, _matmul_forward(a, b),
                     saved=_saved2(input, other))
    return res if out is None else _into(out, res, "matmul")


def _matmul_op(self, other):
    """Tensor @ other; a non-Tensor operand gives Python's TypeError, as torch's does."""
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


# -- addmm, addmv, addbmm, baddbmm ---------------------------------------------------------

def _scalars(dt, beta, alpha):
    """beta and alpha as torch uses them: truncated to integers for integer tensors."""
    if dt.kind in "iub":
        return int(beta), int(alpha)
    return beta, alpha


def _product(fn, a, b, shape, alpha):
    """fn(a, b), or zeros where alpha == 0: BLAS then reads neither operand (nan, inf)."""
    return fn(a, b) if alpha != 0 else np.zeros(shape, a.dtype)


def _blend(prod, c, beta, alpha):
    """alpha * prod + beta * c, where beta == 0 ignores c (nan and inf included), as BLAS
    does."""
    if alpha != 1 and alpha != 0:
        prod *= alpha
    if beta == 0:
        return prod
    c = c if beta == 1 else c * beta
    if (isinstance(prod, np.ndarray) and prod.dtype == c.dtype and prod.flags.writeable
            and prod.shape == np.broadcast_shapes(prod.shape, c.shape)):
        prod += c               # prod is the product's own fresh array: no second one
        return prod
    return prod + c


def _check_add_dtypes(c, a, b):
    """addmm's and addbmm's dtype checks: self against mat2, then mat1 against mat2."""
    if c.dtype != b.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{_legacy(c.dtype)} and {_legacy(b.dtype)}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_legacy(a.dtype)} and {_legacy(b.dtype)}")


def _column_major(a):
    """mm_mat1_backward's / mm_mat2_backward's test of a matrix operand's layout (taken in
    the forward: the operand is saved only when the other one needs a gradient): strides
    (1, rows), as the transpose of a row-major matrix (linear's weight.t()) has."""
    st = a.strides
    return a.ndim == 2 and st[0] == a.itemsize and st[1] == a.shape[0] * a.itemsize


class AddmmBackward0(BroadcastingNode):
    """self: maybe_multiply(grad, beta)   mat1: grad.mm(mat2.mH) * alpha
    mat2: mat1.mH.mm(grad) * alpha

    As torch's mm_mat1_backward / mm_mat2_backward, a column-major operand gets its gradient
    as the transpose of the transposed product (grad.t().mm(mat1).t()), column-major too: the
    gradient of linear's weight.t() then reaches weight row-major, as its memory lies (the
    optimizer's arithmetic on grad and weight then runs on contiguous memory)."""
    __slots__ = ()

    def backward(self, grad):
        m1, m2 = self.unpack()
        beta, alpha, cm1, cm2 = self.args
        nf = self.next_functions
        g = grad if alpha == 1 else grad * alpha
        g1 = g2 = None
        if nf[1][0] is not None:
            g1 = (m2 @ g.mT).mT if cm1 else g @ m2.mT
        if nf[2][0] is not None:
            g2 = (g.mT @ m1).mT if cm2 else m1.mT @ g
        return (None if nf[0][0] is None else grad if beta == 1 else grad * beta, g1, g2)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2); input broadcasts to the product's shape."""
    try:
        c, a, b = input._data, mat1._data, mat2._data
    except AttributeError:
        _type_error("addmm", ("input", "mat1", "mat2"), (input, mat1, mat2))
    _check_add_dtypes(c, a, b)
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    _check_mm_shapes(a.shape, b.shape)
    _check_expand(c, (a.shape[0], b.shape[1]))
    _not_bool(a.dtype, "addmm_impl_cpu_")
    beta, alpha = _scalars(a.dtype, beta, alpha)
    prod = _product(np.matmul, a, b, (a.shape[0], b.shape[1]), alpha)
    res = record(AddmmBackward0, (input, mat1, mat2), _blend(prod, c, beta, alpha),
                 saved=_saved2(mat1, mat2),
                 args=(beta, alpha, _column_major(a), _column_major(b)))
    return res if out is None else _into(out, res, "addmm")


class AddmvBackward0(BroadcastingNode):
    """self: maybe_multiply(grad, beta.conj())   mat: grad.ger(vec.conj()) * alpha.conj()
    vec: mat.t().conj().mv(grad) * alpha.conj()"""
    __slots__ = ()

    def backward(self, grad):
        m, v = self.unpack()
        beta, alpha = self.args
        nf = self.next_functions
        g = grad if alpha == 1 else grad * alpha
        return (None if nf[0][0] is None else grad if beta == 1 else grad * beta,
                g.reshape((g.shape[0], 1)) * v if nf[1][0] is not None else None,
                m.mT @ g if nf[2][0] is not None else None)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    try:
        c, m, v = input._data, mat._data, vec._data
    except AttributeError:
        _type_error("addmv", ("input", "mat", "vec"), (input, mat, vec))
    _check_mv(m.shape, v.shape, m.dtype, v.dtype, c.ndim, c.size, c.shape[0] if c.ndim else 1,
              c.dtype)
    beta, alpha = _scalars(m.dtype, beta, alpha)
    prod = _product(np.matmul, m, v, m.shape[:1], alpha)
    res = record(AddmvBackward0, (input, mat, vec), _blend(prod, c, beta, alpha),
                 saved=_saved2(mat, vec), args=(beta, alpha))
    return res if out is None else _into(out, res, "addmv", _mv_out_error(m.dtype, v.dtype))


class AddbmmBackward0(BroadcastingNode):
    """self: maybe_multiply(grad, beta)
    batch1: grad.unsqueeze(0).expand({b, n, p}).bmm(batch2.transpose(1, 2)) * alpha
    batch2: batch1.transpose(1, 2).bmm(grad.unsqueeze(0).expand({b, n, p})) * alpha"""
    __slots__ = ()

    def backward(self, grad):
        b1, b2 = self.unpack()
        beta, alpha = self.args
        nf = self.next_functions
        g = grad if alpha == 1 else grad * alpha
        return (None if nf[0][0] is None else grad if beta == 1 else grad * beta,
                g @ b2.mT if nf[1][0] is not None else None,
                b1.mT @ g if nf[2][0] is not None else None)


def _sum_of_products(a, b):
    """sum_i a[i] @ b[i] as one product: (n, bs*k) @ (bs*k, p)."""
    bs, n, k = a.shape
    return a.transpose(1, 0, 2).reshape((n, bs * k)) @ b.reshape((bs * k, b.shape[2]))


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_i batch1[i] @ batch2[i]."""
    try:
        c, a, b = input._data, batch1._data, batch2._data
    except AttributeError:
        _type_error("addbmm", ("input", "batch1", "batch2"), (input, batch1, batch2))
    _check_expand(c, (_size(a, 1), _size(b, 2)))
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{a.shape[0]} and {b.shape[0]}")
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and "
                           f"{b.shape[1]}x{b.shape[2]})")
    _check_add_dtypes(c, a, b)
    _not_bool(a.dtype, "addmm_impl_cpu_")
    beta, alpha = _scalars(a.dtype, beta, alpha)
    prod = _product(_sum_of_products, a, b, (a.shape[1], b.shape[2]), alpha)
    res = record(AddbmmBackward0, (input, batch1, batch2), _blend(prod, c, beta, alpha),
                 saved=_saved2(batch1, batch2), args=(beta, alpha))
    return res if out is None else _into(out, res, "addbmm")


class BaddbmmBackward0(BroadcastingNode):
    """self: maybe_multiply(grad, beta.conj())
    batch1: grad.bmm(batch2.transpose(1, 2).conj()) * alpha.conj()
    batch2: batch1.transpose(1, 2).conj().bmm(grad) * alpha.conj()"""
    __slots__ = ()

    def backward(self, grad):
        b1, b2 = self.unpack()
        beta, alpha = self.args
        nf = self.next_functions
        g = grad if alpha == 1 else grad * alpha
        return (None if nf[0][0] is None else grad if beta == 1 else grad * beta,
                g @ b2.mT if nf[1][0] is not None else None,
                b1.mT @ g if nf[2][0] is not None else None)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (batch1 @ batch2), batch by batch."""
    try:
        c, a, b = input._data, batch1._data, batch2._data
    except AttributeError:
        _type_error("baddbmm", ("input", "batch1", "batch2"), (input, batch1, batch2))
    _check_expand(c, (_size(a, 0), _size(a, 1), _size(b, 2)))
    if c.dtype != a.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_cpp(c.dtype)}, "
                           f"batch1: {_cpp(a.dtype)}, batch2: {_cpp(b.dtype)}")
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_bmm(a.shape[0], a.shape[2], b.shape, a.dtype, b.dtype)
    _not_bool(a.dtype, "baddbmm")
    beta, alpha = _scalars(a.dtype, beta, alpha)
    prod = _product(np.matmul, a, b, a.shape[:2] + b.shape[2:], alpha)
    res = record(BaddbmmBackward0, (input, batch1, batch2), _blend(prod, c, beta, alpha),
                 saved=_saved2(batch1, batch2), args=(beta, alpha))
    return res if out is None else _into(out, res, "baddbmm")


def _result_shape(name, a, b):
    """The shape addmm & co. give for well-formed operands (None if they are not)."""
    sa, sb = a._data.shape, b._data.shape
    if name == "addmm" and len(sa) == 2 and len(sb) == 2:
        return (sa[0], sb[1])
    if name == "addmv" and len(sa) == 2:
        return (sa[0],)
    if name == "addbmm" and len(sa) == 3 and len(sb) == 3:
        return (sa[1], sb[2])
    if name == "baddbmm" and len(sa) == 3 and len(sb) == 3:
        return (sa[0], sa[1], sb[2])
    return None


def _inplace_add(op):
    """Tensor.addmm_ and friends: self = op(self, a, b); the result must have self's shape."""
    def method(self, a, b, *, beta=1, alpha=1):
        shape = _result_shape(op.__name__, a, b) if isinstance(a, Tensor) and \
            isinstance(b, Tensor) else None
        if shape is not None and shape != self._data.shape and op.__name__ != "addbmm":
            raise RuntimeError(f"Bad in-place call: input tensor size [{_sizes(self.shape)}] "
                               f"and output tensor size [{_sizes(shape)}] should match")
        return inplace(self, op, a, b, beta=beta, alpha=alpha)
    method.__name__ = op.__name__ + "_"
    method.__qualname__ = "Tensor." + method.__name__
    method.__doc__ = f"In-place {op.__name__}: self = {op.__name__}(self, ...)."
    return method


# -- outer, inner, tensordot, kron ---------------------------------------------------------

def outer(input, vec2, *, out=None):
    """Outer product of two 1-D tensors: input.reshape(n, 1) * vec2 (torch's composition)."""
    try:
        a, b = input._data, vec2._data
    except AttributeError:
        _type_error("outer", ("input", "vec2"), (input, vec2))
    if a.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {a.ndim}-D")
    if b.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {b.ndim}-D")
    res = input.reshape((a.shape[0], 1)) * vec2
    return res if out is None else _into(out, res, "outer")


ger = outer


def inner(input, other, *, out=None):
    """Sum over the last dims of both (a product when either is 0-d)."""
    try:
        a, b = input._data, other._data
    except AttributeError:
        _type_error("inner", ("input", "other"), (input, other))
    if a.ndim == 0 or b.ndim == 0:
        res = input * other
    else:
        if a.shape[-1] != b.shape[-1]:
            raise RuntimeError(f"inner() the last dimension must match on both input tensors "
                               f"but got shapes [{_sizes(a.shape)}] and [{_sizes(b.shape)}]")
        res = _tensordot(input, other, [-1], [-1])
    return res if out is None else _into(out, res, "inner")


def _dims_list(d):
    if isinstance(d, Tensor):
        d = d.tolist()
    if isinstance(d, int):
        raise TypeError("tensordot(): argument 'dims_self' (position 3) must be tuple of ints, "
                        "not int")
    return [int(x) for x in d]


def tensordot(a, b, dims=2, out=None):
    """Contract dims of a with dims of b: an int n (the last n of a with the first n of b)
    or a pair of lists of dims."""
    if isinstance(dims, bool) or not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                           f"list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            dims_a, dims_b = _dims_list(dims[0]), _dims_list(dims[1])
        else:
            n = int(dims.item())
            if n < 0:
                raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
            dims_a, dims_b = list(range(-n, 0)), list(range(n))
    elif isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got "
                               f"dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = dims
        dims_a, dims_b = _dims_list(dims_a), _dims_list(dims_b)
    res = _tensordot(a, b, dims_a, dims_b)
    return res if out is None else _into(out, res, "tensordot")


def _tensordot(input1, input2, dims1, dims2):
    """at::tensordot: sum away contracted dims of size 1 (broadcast), permute both so the
    contracted dims meet, one mm of the two reshaped operands, reshape to the result."""
    if len(dims1) != len(dims2):
        raise RuntimeError("both dimension lists should have same length")
    x, y = input1._data, input2._data
    if x.dtype != y.dtype:
        raise RuntimeError("both inputs should have same dtype")
    csize = 1
    t1, t2 = input1, input2
    for d1, d2 in zip(dims1, dims2):
        s1, s2 = _size(x, d1), _size(y, d2)
        if s2 == 1:
            t1 = t1.sum(d1, keepdim=True)
        elif s1 == 1:
            t2 = t2.sum(d2, keepdim=True)
        elif s1 != s2:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} "
                               f"in dim {d1} and second has size {s2} in dim {d2}")
        else:
            csize *= s1
    c1 = set(wrap_dims(tuple(dims1), x.ndim))
    c2 = set(wrap_dims(tuple(dims2), y.ndim))
    keep1 = [i for i in range(x.ndim) if i not in c1]
    keep2 = [i for i in range(y.ndim) if i not in c2]
    r1 = [t1.shape[i] for i in keep1]
    r2 = [t2.shape[i] for i in keep2]
    t1 = t1.permute(keep1 + list(dims1)).reshape((_prod(r1), csize))
    t2 = t2.permute(list(dims2) + keep2).reshape((csize, _prod(r2)))
    return mm(t1, t2).reshape(tuple(r1 + r2))


def _interleave_left(shape):
    return tuple(s for d in shape for s in (d, 1))


def _interleave_right(shape):
    return tuple(s for d in shape for s in (1, d))


@_named("UnsafeViewBackward0")
class _KronBackward(BroadcastingNode):
    """kron (torch: _unsafe_view of self and other reshaped to interleaved dims and
    multiplied); with grad viewed as (a0, b0, a1, b1, ...):
        self: sum over the b dims of grad * other   other: sum over the a dims of grad * self"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        sa, sb, ra, rb = self.args
        nf = self.next_functions
        nd = len(ra)
        g = grad.reshape(tuple(s for pair in zip(ra, rb) for s in pair))
        ga = gb = None
        if nf[0][0] is not None:
            ga = _sum_dims(g * b.reshape(_interleave_right(rb)),
                           tuple(range(1, 2 * nd, 2))).reshape(sa)
        if nf[1][0] is not None:
            gb = _sum_dims(g * a.reshape(_interleave_left(ra)),
                           tuple(range(0, 2 * nd, 2))).reshape(sb)
        return ga, gb


def kron(input, other, *, out=None):
    """Kronecker product: the block (i, j) of the result is input[i, j] * other."""
    try:
        x, y = input._data, other._data
    except AttributeError:
        _type_error("kron", ("input", "other"), (input, other))
    nd = max(x.ndim, y.ndim)
    ra = (1,) * (nd - x.ndim) + x.shape
    rb = (1,) * (nd - y.ndim) + y.shape
    dt = _PROMOTE[_BY_NP[x.dtype], _BY_NP[y.dtype]].np
    prod = (x.astype(dt, copy=False).reshape(_interleave_left(ra)) *
            y.astype(dt, copy=False).reshape(_interleave_right(rb)))
    res = record(_KronBackward, (input, other), prod.reshape(tuple(p * q for p, q in zip(ra, rb))),
                 saved=_saved2(input, other), args=(x.shape, y.shape, ra, rb))
    return res if out is None else _into(out, res, "kron")


# -- trace, diag ---------------------------------------------------------------------------

class TraceBackward0(Node):
    """self: trace_backward_symint(grad, self.sym_sizes())  (grad on the diagonal)"""
    __slots__ = ()

    def backward(self, grad):
        n, m, dtype = self.args
        return (grad * np.eye(n, m, dtype=dtype),)


def trace(input):
    """Sum of the main diagonal of a matrix."""
    try:
        x = input._data
    except AttributeError:
        _type_error("trace", ("input",), (input,))
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    _not_bool(x.dtype, "trace")
    dt = np.int64 if x.dtype.kind in "iu" else x.dtype
    return unary(TraceBackward0, input, np.trace(x, dtype=dt),
                 args=(x.shape[0], x.shape[1], x.dtype))


def _diagonal_places(shape, offset):
    """Row and column indices of diagonal ``offset`` of a matrix of this shape."""
    n, m = shape
    if offset >= 0:
        rows = np.arange(max(0, min(n, m - offset)))
        return rows, rows + offset
    cols = np.arange(max(0, min(n + offset, m)))
    return cols - offset, cols


class DiagEmbedBackward0(Node):
    """self: grad.diagonal(offset, dim1, dim2)"""
    __slots__ = ()

    def backward(self, grad):
        (offset,) = self.args
        if isinstance(grad, Tensor):
            return (diag(grad, offset),)
        return (np.diagonal(grad, offset).copy(),)


class DiagonalBackward0_copy(Node):
    """self: diagonal_backward_symint(grad, self.sym_sizes(), offset, dim1, dim2)
    (zeros of self's shape with grad written on the diagonal)"""
    __slots__ = ()

    def backward(self, grad):
        shape, offset = self.args
        rows, cols = _diagonal_places(shape, offset)
        if isinstance(grad, Tensor):
            # placed by two 0/1 matrices, differentiably: (P * grad) @ Q with
            # P[rows[k], k] = 1 and Q[k, cols[k]] = 1
            k = np.arange(rows.shape[0])
            p = np.zeros((shape[0], k.shape[0]), grad._data.dtype)
            q = np.zeros((k.shape[0], shape[1]), grad._data.dtype)
            p[rows, k] = 1
            q[k, cols] = 1
            return (mm(_make(p) * grad, _make(q)),)
        out = np.zeros(shape, grad.dtype)
        out[rows, cols] = grad
        return (out,)


def diag(input, diagonal=0, *, out=None):
    """1-D input: a square matrix with input on diagonal ``diagonal``; 2-D: that diagonal."""
    try:
        x = input._data
    except AttributeError:
        _type_error("diag", ("input",), (input,))
    if x.ndim == 1:
        res = unary(DiagEmbedBackward0, input, np.diag(x, diagonal), args=(diagonal,))
    elif x.ndim == 2:
        res = unary(DiagonalBackward0_copy, input, np.diagonal(x, diagonal).copy(),
                    args=(x.shape, diagonal))
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x.ndim}D")
    return res if out is None else _into(out, res, "diag")


# -- einsum --------------------------------------------------------------------------------
#
# Labels are ints: a letter's subscript (A-Z -> 0-25, a-z -> 26-51, torch's order), the dims
# an ellipsis covers are -E..-1 (E = the most dims any ellipsis covers, right-aligned), and a
# gradient's einsum adds fresh labels from 1000 up.  The computation follows torch's: align
# every operand to (output labels, contracted labels) with diagonals for repeated labels and
# size-1 dims for missing ones, then contract left to right, each pair by one batched matmul
# (sumproduct_pair).  So results, broadcasting, dtypes and errors are torch's.

_ELL = 52


def _label_char(s):
    return chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26)


def _subscript(c):
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


def _is_label(c):
    return c.isascii() and c.isalpha()


def _einsum_parse(equation, operands):
    """torch's einsum parser and checks -> (labels per operand, output labels)."""
    num_ops = len(operands)
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels = [[] for _ in range(num_ops)]
    ell_in_input = False
    curr = 0
    i = 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell_in_input:
                raise RuntimeError(f"einsum(): found '.' for operand {curr} for which an "
                                   "ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {curr} that is not part "
                                   "of any ellipsis")
            i += 2
            op_labels[curr].append(_ELL)
            ell_in_input = True
        elif c == ",":
            curr += 1
            if curr >= num_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in "
                                   "the equation")
            ell_in_input = False
        else:
            if not _is_label(c):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            op_labels[curr].append(_subscript(c))
        i += 1
    if curr != num_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")

    label_count = [0] * _ELL
    ell_num_dim = 0
    for k, (x, labels) in enumerate(zip(operands, op_labels)):
        ndims = x._data.ndim
        nlabels = len(labels)
        has_ell = False
        for s in labels:
            if s == _ELL:
                nlabels -= 1
                has_ell = True
                ell_num_dim = max(ell_num_dim, ndims - nlabels)
            else:
                label_count[s] += 1
        if (nlabels > ndims) if has_ell else (nlabels != ndims):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) " +
                ("is more than the number of dimensions (" if has_ell else
                 "does not match the number of dimensions (") +
                f"{ndims}) for operand {k}" + ("" if has_ell else " and no ellipsis was given"))

    ell = list(range(-ell_num_dim, 0))
    if arrow < 0:
        out = ell + [s for s in range(_ELL) if label_count[s] == 1]
    else:
        rhs = equation[arrow + 2:]
        out = []
        ell_in_output = False
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) "
                                       "was already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                       "ellipsis (...)")
                i += 2
                out += ell
                ell_in_output = True
            else:
                if not _is_label(c):
                    raise RuntimeError(f"einsum(): invalid subscript given at index "
                                       f"{len(lhs) + 2 + i} in the equation string, "
                                       "subscripts must be in [a-zA-Z]")
                s = _subscript(c)
                if label_count[s] == 0 or s in out:
                    raise RuntimeError(
                        f"einsum(): output subscript {c}" +
                        (" appears more than once in the output" if s in out else
                         " does not appear in the equation for any input operand"))
                out.append(s)
            i += 1

    # operands' labels with the ellipsis expanded, and torch's size checks in its order
    labels = []
    label_size = {}
    ell_sizes = [1] * ell_num_dim
    for k, (x, op) in enumerate(zip(operands, op_labels)):
        shape = list(x._data.shape)
        mine = []
        first = {}
        dim = 0
        for s in op:
            if s == _ELL:
                covered = x._data.ndim - (len(op) - 1)
                for j in range(ell_num_dim - covered, ell_num_dim):
                    size = shape[dim]
                    if size != 1:
                        if ell_sizes[j] != 1 and ell_sizes[j] != size:
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {k}"
                                f"has size {size} which does not broadcast with previously seen"
                                f" ellipsis with size {ell_sizes[j]} for the respective "
                                "dimension")
                        ell_sizes[j] = size
                    mine.append(j - ell_num_dim)
                    dim += 1
            elif s not in first:
                size = shape[dim]
                if size != 1:
                    seen = label_size.get(s, 1)
                    if seen != 1 and seen != size:
                        raise RuntimeError(
                            f"einsum(): subscript {_label_char(s)} has size {size} for operand "
                            f"{k} which does not broadcast with previously seen size {seen}")
                    label_size[s] = size
                first[s] = dim
                mine.append(s)
                dim += 1
            else:
                prev = first[s]
                if shape[dim] != shape[prev]:
                    raise RuntimeError(
                        f"einsum(): subscript {_label_char(s)} is repeated for operand {k} but "
                        f"the sizes don't match, {shape[dim]} != {shape[prev]}")
                del shape[dim]      # the diagonal keeps dim prev
                mine.append(s)
        labels.append(mine)
    return labels, out


def _sum_keep(x, dims):
    """x.sum(dims, keepdim=True) with torch's dtype (integers and bools sum to int64)."""
    return x.sum(axis=tuple(dims), keepdims=True,
                 dtype=np.int64 if x.dtype.kind in "biu" else None)


def _sumproduct_pair(left, right, sum_dims):
    """(left * right).sum(sum_dims, keepdim=True) by one batched matmul (torch's
    sumproduct_pair); left and right have the same number of dims."""
    if not sum_dims:
        dt = _PROMOTE[_BY_NP[left.dtype], _BY_NP[right.dtype]].np
        return left.astype(dt, copy=False) * right.astype(dt, copy=False)
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(left.ndim):
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                sum_size *= left.shape[i]
            elif sl:
                left = _sum_keep(left, (i,))
            elif sr:
                right = _sum_keep(right, (i,))
        elif sl and sr:
            lro.append(i)
            lro_size *= left.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left.shape[i]
        else:
            ro.append(i)
            ro_size *= right.shape[i]
    out_size = ([left.shape[d] for d in lro] + [left.shape[d] for d in lo] +
                [1] * len(sum_dims) + [right.shape[d] for d in ro])
    lperm = lro + lo + sum_dims + ro
    rperm = lro + sum_dims + ro + lo
    operm = [0] * len(lperm)
    for pos, d in enumerate(lperm):
        operm[d] = pos
    left = left.transpose(lperm).reshape((lro_size, lo_size, sum_size))
    right = right.transpose(rperm).reshape((lro_size, sum_size, ro_size))
    _check_bmm(lro_size, sum_size, right.shape, left.dtype, right.dtype)
    _not_bool(left.dtype, "bmm")
    return (left @ right).reshape(out_size).transpose(operm)


def _contract(arrays, labels, out):
    """The einsum of arrays (each with its list of int labels) into the labels ``out``."""
    out_num = len(out)
    contracted = sorted({s for mine in labels for s in mine}.difference(out))
    index = {s: k for k, s in enumerate(list(out) + contracted)}
    perm_index = len(index)
    ops = []
    dim_counts = [0] * perm_index
    for x, mine in zip(arrays, labels):
        perm = [-1] * perm_index
        dim = 0
        for s in mine:
            k = index[s]
            if perm[k] == -1:
                perm[k] = dim
                dim += 1
            else:       # repeated label: its diagonal, kept at the first occurrence
                x = np.moveaxis(np.diagonal(x, 0, perm[k], dim), -1, perm[k])
        missing = 0
        for k in range(perm_index):
            if perm[k] == -1:
                perm[k] = dim + missing
                missing += 1
        if missing:
            x = x.reshape(x.shape + (1,) * missing)
        x = x.transpose(perm)
        for k in range(perm_index):
            if x.shape[k] != 1:
                dim_counts[k] += 1
        ops.append(x)

    if len(ops) == 1:
        x = ops[0]
        if perm_index > out_num:
            return _sum_keep(x, range(out_num, perm_index)).reshape(x.shape[:out_num])
        return x
    while len(ops) > 1:
        a, b = ops[0], ops[1]
        del ops[:2]
        sum_dims, a_sum, b_sum = [], [], []
        for d in range(out_num, perm_index):
            if a.shape[d] != 1 and b.shape[d] != 1:
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a.shape[d] != 1:
                    a_sum.append(d)
                    dim_counts[d] = 0
                elif b.shape[d] != 1:
                    b_sum.append(d)
                    dim_counts[d] = 0
        if a_sum:
            a = _sum_keep(a, a_sum)
        if b_sum:
            b = _sum_keep(b, b_sum)
        ops.insert(0, _sumproduct_pair(a, b, sum_dims))
    x = ops[0]
    return x.reshape(x.shape[:out_num]) if perm_index > out_num else x


class _EinsumBackward(Node):
    """einsum: the gradient of operand i is the einsum of grad with the other operands, into
    operand i's labels (written by _einsum_grad).  Subclassed under the name of the node torch's
    einsum ends with."""
    __slots__ = ()

    def backward(self, grad):
        ops = self.unpack() if self.saved else ()       # one operand: nothing saved
        labels, out, shapes, dtypes = self.args
        nf = self.next_functions
        return tuple(None if nf[i][0] is None else
                     _einsum_grad(grad, i, ops, labels, out, shapes, dtypes[i])
                     for i in range(len(labels)))


@_named("PermuteBackward0")
class _EinsumPermute(_EinsumBackward):
    """One operand, nothing summed: torch's einsum returns a permuted view."""
    __slots__ = ()


@_named("SumBackward1")
class _EinsumSum(_EinsumBackward):
    """One operand with summed labels: torch ends with sum(dims)."""
    __slots__ = ()


@_named("ViewBackward0")
class _EinsumView(_EinsumBackward):
    """Several operands with contracted labels: torch ends with a view dropping them."""
    __slots__ = ()


@_named("MulBackward0")
class _EinsumMul(_EinsumBackward):
    """Several operands, nothing contracted: torch ends with a mul."""
    __slots__ = ()


def _einsum_class(num_ops, labels, out):
    contracted = len({s for mine in labels for s in mine}) > len(out)
    if num_ops == 1:
        return _EinsumSum if contracted else _EinsumPermute
    return _EinsumView if contracted else _EinsumMul


def _einsum_record(operands, labels, out, arr):
    """Wrap the einsum result arr of Tensors operands, recording its node."""
    NodeClass = _einsum_class(len(operands), labels, out)
    args = (labels, out, tuple(x._data.shape for x in operands),
            tuple(x._data.dtype for x in operands))
    if len(operands) == 1:
        x = operands[0]
        if NodeClass is _EinsumPermute:
            if len(set(labels[0])) == len(labels[0]):
                return _view(NodeClass, x, arr, args=args)      # a view, as torch's
            arr = arr.copy()        # a diagonal: NumPy's view of it is read-only
        return unary(NodeClass, x, arr, args=args)
    return record(NodeClass, operands, arr, saved=tuple(operands), args=args)


def _einsum_grad(grad, i, ops, labels, out, shapes, dtype):
    """d einsum / d operand i: the einsum of grad (labels ``out``) with the other operands,
    into operand i's labels.  Constant operands fill what they lack: eye(n) for a label
    repeated in operand i (its gradient lives on the diagonal), ones(n) for a label the
    others do not carry at operand i's size (the gradient is constant along it), ones(1) under
    a fresh label for a size-1 dim of operand i that the others broadcast (that label is then
    summed over)."""
    tensors = isinstance(grad, Tensor)
    gdt = grad._data.dtype if tensors else grad.dtype
    size = {}
    for mine, shape in zip(labels, shapes):
        for s, n in zip(mine, shape):
            if n != 1:
                size[s] = n
    operands = [grad]
    op_labels = [list(out)]
    carried = {s: size.get(s, 1) for s in out}          # label -> size the inputs give it
    for j, x in enumerate(ops):
        if j != i:
            operands.append(x)
            op_labels.append(labels[j])
            for s, n in zip(labels[j], shapes[j]):
                carried[s] = max(carried.get(s, 1), n)
    consts = []
    result = []
    seen = set()
    fresh = itertools.count(1000)
    for s, n in zip(labels[i], shapes[i]):
        if s in seen:
            m = next(fresh)
            consts.append((np.eye(n, dtype=gdt), [s, m]))
            result.append(m)
        elif n == 1 and size.get(s, 1) != 1:
            m = next(fresh)
            consts.append((np.ones(1, gdt), [m]))
            result.append(m)
        else:
            if carried.get(s) != n:
                consts.append((np.ones(n, gdt), [s]))
            result.append(s)
        seen.add(s)
    for arr, mine in consts:
        operands.append(_make(arr) if tensors else arr)
        op_labels.append(mine)
    if tensors:
        operands = [x if x._data.dtype == gdt else x.to(_BY_NP[gdt]) for x in operands]
        g = _einsum_record(operands, op_labels, result,
                           _contract([x._data for x in operands], op_labels, result))
        return g if g._data.dtype == dtype else g.to(_BY_NP[dtype])
    arrays = [x if x.dtype == gdt else x.astype(gdt) for x in operands]
    g = _contract(arrays, op_labels, result)
    return g if g.dtype == dtype else g.astype(dtype)


def _sublist_equation(args):
    """torch's sublist form einsum(op1, [0, 1], op2, [1, 2], [0, 2]) as an equation."""
    def sub(n):
        if n is Ellipsis:
            return "..."
        if 0 <= n < 26:
            return chr(ord("A") + n)
        if 26 <= n < 52:
            return chr(ord("a") + n - 26)
        raise ValueError("einsum(): subscript in subscript list is not within the valid range "
                         "[0, 52)")
    equation = ",".join("".join(sub(s) for s in sl) for sl in args[1::2])
    if len(args) % 2 == 1:
        return equation + "->" + "".join(sub(s) for s in args[-1]), args[:-1:2]
    return equation, args[::2]


def einsum(*args):
    """einsum(equation, *operands), einsum(equation, [operands]) or the sublist form
    einsum(op1, sublist1, op2, sublist2, ..., [sublist_out]), with torch's semantics:
    broadcasting of size-1 dims and of '...', diagonals for repeated subscripts, implicit
    output (ellipsis first, then the subscripts seen once, in order A-Z a-z)."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):
        equation, operands = _sublist_equation(args)
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        return einsum(equation, *operands[0])
    operands = list(operands)
    labels, out = _einsum_parse(equation, operands)
    arr = _contract([x._data for x in operands], labels, out)
    return _einsum_record(operands, labels, out, arr)


# -- Tensor methods ------------------------------------------------------------------------

Tensor.matmul = matmul
Tensor.__matmul__ = _matmul_op
Tensor.__rmatmul__ = _rmatmul
Tensor.mm = mm
Tensor.bmm = bmm
Tensor.mv = mv
Tensor.dot = dot
Tensor.vdot = vdot
Tensor.inner = inner
Tensor.outer = outer
Tensor.ger = ger
Tensor.addmm = addmm
Tensor.addmv = addmv
Tensor.addbmm = addbmm
Tensor.baddbmm = baddbmm
Tensor.addmm_ = _inplace_add(addmm)
Tensor.addmv_ = _inplace_add(addmv)
Tensor.addbmm_ = _inplace_add(addbmm)
Tensor.baddbmm_ = _inplace_add(baddbmm)
Tensor.kron = kron
Tensor.trace = trace
Tensor.diag = diag


# ==========================================================================================
# -- torch.linalg: decompositions, solvers, inverses, norms (det, inv, solve, cholesky, qr,
#    eigh, svd, pinv, matrix_exp, lstsq, cross, ...) and the legacy top-level forms.
#
# NumPy's LAPACK computes the forwards (float32 stays float32).  Derivatives follow
# torch/csrc/autograd/FunctionsManual.cpp; they are written with operators and the small dual
# helpers below (NumPy on arrays, ember's own differentiable ops on Tensors), so double
# backward works.  A node with several outputs saves the outputs it needs as Tensors (output 0
# through OUTPUT); the engine hands it the list of its outputs' gradients.
# ==========================================================================================

from ._base import OUTPUT, _versions, _fit, _edge, array_of, unsqueeze as _unsqueeze
from ._return_types import return_type as _return_type


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a linear-algebra failure (singular, not positive-definite)."""


_LinAlgError.__module__ = "ember.linalg"


# -- argument checks, with torch's texts ---------------------------------------------------

def _arr(x, fn, name="A"):
    try:
        return x._data
    except AttributeError:
        _type_error(fn, (name,), (x,))


def _check_dims(fn, a, name="A"):
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")


def _check_float(fn, a):
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got "
                           f"{_legacy(a.dtype)}")


def _check_square(fn, a, name="A"):
    _check_dims(fn, a, name)
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: {name} must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")


def _square_float(fn, x):
    a = _arr(x, fn)
    _check_square(fn, a)
    _check_float(fn, a)
    return a


def _batch_prefix(a, i):
    return f"(Batch element {i}): " if a.ndim > 2 else ""


def _info_array(a, infos=None):
    info = np.zeros(a.shape[:-2], dtype=np.int32)
    if infos is not None:
        info.reshape(-1)[:] = infos
    return info


# -- LU with partial pivoting (LAPACK getf2's order): only for the pivot info of an error ----

def _lu_info(m):
    """1-based index of the first zero pivot of m's LU factorization (0 when none)."""
    m = np.array(m, dtype=np.float64 if m.dtype == np.float64 else m.dtype, copy=True)
    n = m.shape[-1]
    info = 0
    for k in range(n):
        p = k + int(np.argmax(np.abs(m[k:, k])))
        if p != k:
            m[[k, p]] = m[[p, k]]
        if m[k, k] == 0:
            if info == 0:
                info = k + 1
            continue
        m[k + 1:, k] /= m[k, k]
        m[k + 1:, k + 1:] -= np.outer(m[k + 1:, k], m[k, k + 1:])
    return info


def _batch_infos(a, info_fn):
    flat = a.reshape((-1,) + a.shape[-2:])
    return [info_fn(m) for m in flat]


def _cholesky_info(m):
    """(info, L) of an unblocked Cholesky (LAPACK potf2): the order of the first leading minor
    that is not positive-definite, and the factor as far as it got."""
    n = m.shape[-1]
    low = np.tril(m).astype(m.dtype)
    for j in range(n):
        ajj = low[j, j] - low[j, :j] @ low[j, :j]
        if not ajj > 0:
            low[j, j] = ajj
            return j + 1, low
        low[j, j] = np.sqrt(ajj)
        if j + 1 < n:
            low[j + 1:, j] = (low[j + 1:, j] - low[j + 1:, :j] @ low[j, :j]) / low[j, j]
    return 0, low


# -- dual helpers for the derivative formulas (arrays, or Tensors under create_graph) --------

def _eye_like(x, n):
    return np.eye(n, dtype=array_of(x).dtype)


def _diagonal(x):
    if isinstance(x, Tensor):
        return x.diagonal(0, -2, -1)
    return np.diagonal(x, axis1=-2, axis2=-1)


def _diag_embed(v):
    if isinstance(v, Tensor):
        return v.diag_embed()
    n = v.shape[-1]
    return v[..., None] * np.eye(n, dtype=v.dtype)


def _tril(x, k=0):
    return x.tril(k) if isinstance(x, Tensor) else np.tril(x, k)


def _triu(x, k=0):
    return x.triu(k) if isinstance(x, Tensor) else np.triu(x, k)


def _col(v):
    """(..., n) -> (..., n, 1)."""
    return _unsqueeze(v, (v.ndim,))


def _row(v):
    """(..., n) -> (..., 1, n)."""
    return _unsqueeze(v, (v.ndim - 1,))


def _cat(xs, dim):
    if any(isinstance(x, Tensor) for x in xs):
        from .shape import cat as _cat_op
        return _cat_op([x if isinstance(x, Tensor) else _make(x) for x in xs], dim)
    return np.concatenate(xs, axis=dim)


def _narrow(x, dim, start, length):
    idx = [slice(None)] * x.ndim
    idx[dim] = slice(start, start + length)
    return x[tuple(idx)]


def _inv(x):
    return inv(x) if isinstance(x, Tensor) else np.linalg.inv(x)


def _solve_mat(a, b):
    """a^-1 b for (batches of) matrices b."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return solve(_as_t(a), _as_t(b))
    return _np_solve(a, b)


def _solve_tri(a, b, upper, left=True, unitriangular=False):
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return solve_triangular(_as_t(a), _as_t(b), upper=upper, left=left,
                                unitriangular=unitriangular)
    return _np_solve_tri(a, b, upper, left, unitriangular)


def _matrix_exp_d(x):
    return matrix_exp(x) if isinstance(x, Tensor) else _np_expm(x)


def _as_t(x):
    return x if isinstance(x, Tensor) else _make(np.asarray(x))


def _np_solve(a, b):
    shape = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, shape + a.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    return np.linalg.solve(a, b)


def _np_solve_tri(a, b, upper, left, unitriangular):
    t = np.triu(a) if upper else np.tril(a)
    if unitriangular:
        n = a.shape[-1]
        t = t * (1 - np.eye(n, dtype=a.dtype)) + np.eye(n, dtype=a.dtype)
    if not left:
        t = np.swapaxes(t, -1, -2)
        b = np.swapaxes(b, -1, -2)
        upper = not upper
    shape = broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(t, shape + t.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    try:
        x = np.linalg.solve(t, b)
    except np.linalg.LinAlgError:
        x = _substitute(t, b, upper)
    return x if left else np.swapaxes(x, -1, -2)


def _substitute(t, b, upper):
    """Forward/back substitution (trsm's order): a zero diagonal gives inf/nan, no error."""
    n = t.shape[-1]
    x = np.zeros(b.shape, dtype=np.result_type(t, b))
    rows = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in rows:
            s = b[..., i, :] - np.einsum("...j,...jk->...k", t[..., i, :], x)
            x[..., i, :] = s / t[..., i, i, None]
    return x


# Padé(13) scaling and squaring (Higham 2005), the method of scipy.linalg.expm.
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)


def _np_expm(a):
    dt = a.dtype
    x = a.astype(np.float64)
    n = x.shape[-1]
    if x.size == 0:
        return x.astype(dt)
    norm = np.abs(x).sum(-2).max(-1)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(norm / 5.371920351148152))).astype(np.int64)
    s = np.where(np.isfinite(norm), s, 0)
    x = x / (2.0 ** s)[..., None, None]
    b = _PADE13
    eye = np.eye(n)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2
             + b[1] * eye)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 \
        + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    for k in range(int(s.max()) if s.size else 0):
        sq = r @ r
        r = np.where((k < s)[..., None, None], sq, r)
    return r.astype(dt)


# -- recording nodes that save their outputs -----------------------------------------------

class _LinalgNode(BroadcastingNode):
    """A linalg node: backward gets the list of its outputs' gradients (None where an output
    got none; the list may stop short); broadcast batch dims are summed away afterwards."""
    __slots__ = ()

    def apply(self, grads):
        n = self.args[0]
        grads = list(grads) + [None] * (n - len(grads))
        out = list(self.backward(grads))
        for i, m in enumerate(self.meta):
            g = out[i]
            if g is not None and m is not None and (g.shape != m[0] or g.dtype != m[1]):
                out[i] = _fit(g, m)
        return out



def _record(NodeClass, inputs, outs, saved_inputs=(), saved_outs=(), args=(),
            differentiable=None):
    """Wrap outs (arrays) as Tensors; record NodeClass when grad is needed.  The node saves
    saved_inputs then the outputs whose indices saved_outs lists; args[0] is len(outs)."""
    args = (len(outs),) + tuple(args)
    ts = [_make(o if type(o) is np.ndarray else np.asarray(o)) for o in outs]
    if not (_gm._enabled and any(isinstance(x, Tensor) and x._requires_grad for x in inputs)):
        return ts
    saved = tuple(saved_inputs) + tuple(OUTPUT if i == 0 else ts[i] for i in saved_outs)
    node = NodeClass(tuple(_edge(x) for x in inputs), saved, args)
    node.meta = tuple((x._data.shape, x._data.dtype) if isinstance(x, Tensor) else None
                      for x in inputs)
    if 0 in saved_outs:
        node.out = (ts[0]._data, ts[0]._vc)
    if saved:
        node.versions = _versions(saved)
    for i, t in enumerate(ts):
        if differentiable is None or i in differentiable:
            t._requires_grad = True
            t.grad_fn = node
            t._output_nr = i
    return ts



def _warn_deprecated(msg):
    warnings.warn(msg, UserWarning, stacklevel=3)


# -- det, slogdet, logdet ------------------------------------------------------------------

class LinalgDetBackward0(_LinalgNode):
    """A: linalg_det_backward(grad, result, A, LU, pivots)
    = (grad * det) * A^-H for an invertible A (the cofactor matrix through the SVD else)"""
    __slots__ = ()

    def backward(self, grads):
        a, d = self.unpack()
        g = grads[0]
        if g is None:
            return (None,)
        gd = _col(_col(g * d))
        if not isinstance(a, Tensor) and not np.all(d != 0):
            return (_np_cofactor(a) * _col(_col(g)),)
        return (gd * _inv(a).mT,)


def _np_cofactor(a):
    """The cofactor matrix of (batches of) square a, singular ones included, through the SVD:
    adj(A)^T = det(U) det(V) U diag(prod_{j != i} s_j) V^T."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    prods = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], -1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return (u * prods[..., None, :]) @ vh * sign[..., None, None]


def det(A, *, out=None):
    """torch.linalg.det: the determinant of (batches of) square matrices."""
    a = _square_float("linalg.det", A)
    res = _record(LinalgDetBackward0, (A,), (np.linalg.det(a),), (A,), (0,))[0]
    return res if out is None else _into(out, res, "linalg_det")


class LinalgSlogdetBackward0(_LinalgNode):
    """A: slogdet_backward(grad_sign, grad_logabsdet, A, sign, LU, pivots)
    = grad_logabsdet * A^-H (real A: the sign has no gradient)"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[1]
        if g is None:
            return (None,)
        a, = self.unpack()
        return (_col(_col(g)) * _inv(a).mT,)


def _slogdet(fn, A):
    a = _square_float(fn, A)
    sign, logabs = np.linalg.slogdet(a)
    return _record(LinalgSlogdetBackward0, (A,), (sign, logabs), (A,))


def linalg_slogdet(A, *, out=None):
    """torch.linalg.slogdet: (sign, logabsdet) of the determinant."""
    if out is not None:
        raise NotImplementedError("ember's linalg.slogdet does not support out=")
    return _return_type("linalg_slogdet", ("sign", "logabsdet"))(_slogdet("linalg.slogdet", A))


def slogdet(input, *, out=None):
    """torch.slogdet: torch.return_types.slogdet(sign, logabsdet)."""
    if out is not None:
        raise NotImplementedError("ember's slogdet does not support out=")
    return _return_type("slogdet", ("sign", "logabsdet"))(_slogdet("linalg.slogdet", input))


def logdet(input):
    """log(det(input)): nan where the determinant is negative."""
    sign, logabs = _slogdet("logdet", input)
    from .pointwise import where as _where_op
    return _where_op(_make(sign._data == -1), float("nan"), logabs)


# -- inv, inv_ex, inverse -------------------------------------------------------------------

class LinalgInvExBackward0(_LinalgNode):
    """A: -at::matmul(inverse.mH(), at::matmul(grad, inverse.mH()))"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None,)
        ainv, = self.unpack()
        return (-(ainv.mT @ (g @ ainv.mT)),)


def _inv_forward(a):
    """(inverse, infos or None): NumPy's inverse; where a matrix is singular, nan and its
    LAPACK info (the 1-based index of the zero pivot)."""
    try:
        return np.linalg.inv(a), None
    except np.linalg.LinAlgError:
        pass
    flat = a.reshape((-1,) + a.shape[-2:])
    infos = _batch_infos(a, _lu_info)
    res = np.empty_like(flat)
    for i, m in enumerate(flat):
        if infos[i]:
            res[i] = np.nan
        else:
            res[i] = np.linalg.inv(m)
    return res.reshape(a.shape), infos


def _inv_error(fn, a, infos):
    for i, info in enumerate(infos):
        if info:
            raise _LinAlgError(f"{fn}: {_batch_prefix(a, i)}The diagonal element {info} is "
                               "zero, the inversion could not be completed because the input "
                               "matrix is singular.")


def inv_ex(A, *, check_errors=False, out=None):
    """torch.linalg.inv_ex: (inverse, info); info > 0 marks a singular matrix."""
    if out is not None:
        raise NotImplementedError("ember's linalg.inv_ex does not support out=")
    a = _square_float("linalg.inv_ex", A)
    res, infos = _inv_forward(a)
    if check_errors and infos is not None:
        _inv_error("linalg.inv_ex", a, infos)
    ts = _record(LinalgInvExBackward0, (A,), (res, _info_array(a, infos)), (), (0,),
                 differentiable=(0,))
    return _return_type("linalg_inv_ex", ("inverse", "info"))(ts)


def inv(A, *, out=None):
    """torch.linalg.inv: the inverse of (batches of) square matrices."""
    a = _square_float("linalg.inv", A)
    res, infos = _inv_forward(a)
    if infos is not None:
        _inv_error("linalg.inv", a, infos)
    res = _record(LinalgInvExBackward0, (A,), (res,), (), (0,))[0]
    return res if out is None else _into(out, res, "linalg_inv")


def inverse(input, *, out=None):
    """torch.inverse: linalg.inv."""
    return inv(input, out=out)


# -- solve, solve_ex ------------------------------------------------------------------------

class LinalgSolveExBackward0(_LinalgNode):
    """A, B: linalg_solve_backward(grad, result, A, LU, pivots, left, B_requires_grad)
    left: gB = A^-H grad, gA = -gB X^H;  right (XA = B): gB = grad A^-H, gA = -X^H gB
    (a vector B as a column)"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None, None)
        _, left, vector = self.args
        a, x = self.unpack()
        if vector:
            g = _col(g)
            x = _col(x)
        if left:
            gb = _solve_mat(a.mT, g)
            ga = -(gb @ x.mT) if self.next_functions[0][0] is not None else None
        else:
            gb = _solve_mat(a, g.mT).mT
            ga = -(x.mT @ gb) if self.next_functions[0][0] is not None else None
        if vector:
            gb = gb[..., 0]
        return (ga, gb)


def _solve_checks(fn, A, B, left):
    a = _arr(A, fn)
    b = _arr(B, fn, "B")
    _check_square("linalg.solve", a)
    _check_float("linalg.solve", a)
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {_legacy(a.dtype)} and B of type {_legacy(b.dtype)} "
                           "instead")
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    bm = b[..., None] if vector else b
    if a.shape[-1] != (bm.shape[-2] if left else bm.shape[-1]):
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a.shape[-2]}x{a.shape[-1]} "
                           f"and {bm.shape[-2]}x{bm.shape[-1]})")
    if not left:
        bm = np.swapaxes(bm, -1, -2)
    return a, bm, vector


def _solve_forward(a, bm, left, vector):
    """(X, infos or None) with nan for singular matrices."""
    at = a if left else np.swapaxes(a, -1, -2)
    try:
        x = _np_solve(at, bm)
        infos = None
    except np.linalg.LinAlgError:
        shape = broadcast_shapes(a.shape[:-2], bm.shape[:-2])
        ab = np.broadcast_to(at, shape + at.shape[-2:])
        bb = np.broadcast_to(bm, shape + bm.shape[-2:])
        fa = ab.reshape((-1,) + ab.shape[-2:])
        fb = bb.reshape((-1,) + bb.shape[-2:])
        infos = [_lu_info(m) for m in fa]
        x = np.empty(fb.shape, dtype=a.dtype)
        for i in range(len(fa)):
            x[i] = np.nan if infos[i] else np.linalg.solve(fa[i], fb[i])
        x = x.reshape(bb.shape)
        a = ab
    if not left:
        x = np.swapaxes(x, -1, -2)
    if vector:
        x = x[..., 0]
    return x, infos, a


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """torch.linalg.solve_ex: (result, info)."""
    if out is not None:
        raise NotImplementedError("ember's linalg.solve_ex does not support out=")
    a, bm, vector = _solve_checks("linalg_solve_ex", A, B, left)
    x, infos, ab = _solve_forward(a, bm, left, vector)
    if check_errors and infos is not None:
        _solve_error(ab, infos)
    info = np.zeros(broadcast_shapes(a.shape[:-2], bm.shape[:-2]), dtype=np.int32)
    if infos is not None:
        info.reshape(-1)[:] = infos
    ts = _record(LinalgSolveExBackward0, (A, B), (x, info), (A,), (0,), (left, vector),
                 differentiable=(0,))
    return _return_type("linalg_solve_ex", ("result", "info"))(ts)


def _solve_error(ab, infos):
    for i, info in enumerate(infos):
        if info:
            raise _LinAlgError(f"torch.linalg.solve: {_batch_prefix(ab, i)}The solver failed "
                               "because the input matrix is singular.")


def solve(A, B, *, left=True, out=None):
    """torch.linalg.solve: X with AX = B (XA = B when left=False)."""
    a, bm, vector = _solve_checks("linalg_solve", A, B, left)
    x, infos, ab = _solve_forward(a, bm, left, vector)
    if infos is not None:
        _solve_error(ab, infos)
    res = _record(LinalgSolveExBackward0, (A, B), (x,), (A,), (0,), (left, vector))[0]
    return res if out is None else _into(out, res, "linalg_solve")


# -- cholesky, cholesky_ex, torch.cholesky ---------------------------------------------------

def _cholesky_backward(gl, l, upper):
    """cholesky_backward(gL, upper, L): phi = tril(L^H gL) with its diagonal halved,
    gA = L^-H phi L^-1, symmetrized"""
    if upper:
        l = l.mT
        gl = gl.mT
    p = l.mT @ gl
    phi = _tril(p) - 0.5 * _diag_embed(_diagonal(p))
    n = l.shape[-1]
    linv = _solve_tri(l, _eye_like(l, n) if not isinstance(l, Tensor)
                      else _make(_eye_like(l, n)), upper=False)
    ga = linv.mT @ (phi @ linv)
    return 0.5 * (ga + ga.mT)


class LinalgCholeskyExBackward0(_LinalgNode):
    """self: cholesky_backward(grad, upper, L)"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None,)
        l, = self.unpack()
        return (_cholesky_backward(g, l, self.args[1]),)


class CholeskyBackward0(LinalgCholeskyExBackward0):
    """self: cholesky_backward(grad, upper, result)"""
    __slots__ = ()


def _cholesky_forward(a, upper):
    try:
        low = np.linalg.cholesky(a)
        infos = None
    except np.linalg.LinAlgError:
        flat = a.reshape((-1,) + a.shape[-2:])
        infos = []
        low = np.empty_like(flat)
        for i, m in enumerate(flat):
            info, li = _cholesky_info(m)
            infos.append(info)
            low[i] = li
        low = low.reshape(a.shape)
    if upper:
        low = np.swapaxes(low, -1, -2).copy()
    return low, infos


def _cholesky_error(fn, a, infos):
    for i, info in enumerate(infos):
        if info:
            raise _LinAlgError(f"{fn}: {_batch_prefix(a, i)}The factorization could not be "
                               "completed because the input is not positive-definite (the "
                               f"leading minor of order {info} is not positive-definite).")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """torch.linalg.cholesky_ex: (L, info)."""
    if out is not None:
        raise NotImplementedError("ember's linalg.cholesky_ex does not support out=")
    a = _square_float("linalg.cholesky", A)
    low, infos = _cholesky_forward(a, upper)
    if check_errors and infos is not None:
        _cholesky_error("linalg.cholesky_ex", a, infos)
    ts = _record(LinalgCholeskyExBackward0, (A,), (low, _info_array(a, infos)), (), (0,),
                 (upper,), differentiable=(0,))
    return _return_type("linalg_cholesky_ex", ("L", "info"))(ts)


def linalg_cholesky(A, *, upper=False, out=None):
    """torch.linalg.cholesky: L with A = L L^H (U with A = U^H U when upper)."""
    a = _square_float("linalg.cholesky", A)
    low, infos = _cholesky_forward(a, upper)
    if infos is not None:
        _cholesky_error("linalg.cholesky", a, infos)
    res = _record(LinalgCholeskyExBackward0, (A,), (low,), (), (0,), (upper,))[0]
    return res if out is None else _into(out, res, "linalg_cholesky")


_CHOLESKY_DEPRECATED = (
    "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
    "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
    "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
    "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results for "
    "all valid (symmetric positive definite) inputs. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:1765.)")


def cholesky(input, upper=False, *, out=None):
    """torch.cholesky (deprecated): linalg.cholesky with its own node name."""
    _warn_deprecated(_CHOLESKY_DEPRECATED)
    a = _square_float("cholesky", input)
    low, infos = _cholesky_forward(a, upper)
    if infos is not None:
        _cholesky_error("cholesky", a, infos)
    res = _record(CholeskyBackward0, (input,), (low,), (), (0,), (upper,))[0]
    return res if out is None else _into(out, res, "cholesky")


# -- qr ---------------------------------------------------------------------------------------

class LinalgQrBackward0(_LinalgNode):
    """A: linalg_qr_backward(grad_Q, grad_R, Q, R, mode)
    m >= n: M = R gR^H - gQ^H Q, gA = (gQ + Q copyltu(M)) R^-H;
    m < n: A = [X|Y], gY = Q gR_Y, and X's gradient with gQ + Y gR_Y^H"""
    __slots__ = ()

    def backward(self, grads):
        gq, gr = grads[0], grads[1]
        mode = self.args[1]
        if mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
                               "are going to differentiate through linalg.qr.")
        q, r = self.unpack()
        m, n = q.shape[-2], r.shape[-1]
        if mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return (_qr_square_backward(gq, gr, q, r),)
        rx = _narrow(r, -1, 0, m)
        ry = _narrow(r, -1, m, n - m)
        gry = None if gr is None else _narrow(gr, -1, m, n - m)
        grx = None if gr is None else _narrow(gr, -1, 0, m)
        if gry is not None:
            y = q @ ry
            gy = q @ gry
            gq = y @ gry.mT if gq is None else gq + y @ gry.mT
        else:
            gy = 0 * ry
        gx = _qr_square_backward(gq, grx, q, rx)
        return (_cat([gx, gy], -1),)


def _qr_square_backward(gq, gr, q, r):
    m = 0
    if gr is not None:
        m = r @ gr.mT
    if gq is not None:
        m = m - gq.mT @ q
    c = _tril(m) + _tril(m, -1).mT
    x = q @ c if gq is None else gq + q @ c
    return _solve_tri(r.mT, x, upper=False, left=False)


def linalg_qr(A, mode="reduced", *, out=None):
    """torch.linalg.qr: (Q, R); mode 'reduced', 'complete' or 'r' (Q empty)."""
    if out is not None:
        raise NotImplementedError("ember's linalg.qr does not support out=")
    a = _arr(A, "linalg_qr")
    _check_dims("linalg.qr", a)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _check_float("linalg.qr", a)
    if mode == "r":
        r = np.linalg.qr(a, mode="r")
        q = np.empty((0,), dtype=a.dtype)
    else:
        q, r = np.linalg.qr(a, mode=mode)
    ts = _record(LinalgQrBackward0, (A,), (q, r), (), (0, 1), (mode,))
    return _return_type("linalg_qr", ("Q", "R"))(ts)


_QR_DEPRECATED = (
    "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
    "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string parameter "
    "'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\nQ, R = torch.linalg.qr(A, "
    "'reduced' if some else 'complete') (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/BatchLinearAlgebra.cpp:2505.)")


def qr(input, some=True, *, out=None):
    """torch.qr (deprecated): linalg.qr with some=True meaning mode='reduced'."""
    _warn_deprecated(_QR_DEPRECATED)
    q, r = linalg_qr(input, "reduced" if some else "complete", out=out)
    return _return_type("qr", ("Q", "R"))((q, r))


# -- eigh, eigvalsh ---------------------------------------------------------------------------

class LinalgEighBackward0(_LinalgNode):
    """A: linalg_eig_backward(gL, gV, L, V, /*is_hermitian=*/true)
    = V (diag(gL) + skew(V^H gV)/2 / E) V^H,  E_ij = L_j - L_i"""
    __slots__ = ()

    def backward(self, grads):
        gl, gv = grads[0], grads[1]
        lam, v = self.unpack()
        if gv is None and gl is None:
            return (None,)
        if gv is None:
            return ((v * _row(gl)) @ v.mT,)
        vgv = v.mT @ gv
        e = _row(lam) - _col(lam)
        n = lam.shape[-1]
        eye = _eye_like(lam, n)
        inner = 0.5 * (vgv - vgv.mT) / (e + eye)
        inner = inner * (1 - eye)
        if gl is not None:
            inner = inner + _diag_embed(gl)
        return (v @ (inner @ v.mT),)


def _eigh_checks(fn, A, UPLO):
    a = _arr(A, fn)
    _check_square("linalg.eigh", a)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    _check_float("linalg.eigh", a)
    return a


def eigh(A, UPLO="L", *, out=None):
    """torch.linalg.eigh: (eigenvalues ascending, eigenvectors) of symmetric matrices
    (read from the UPLO triangle)."""
    if out is not None:
        raise NotImplementedError("ember's linalg.eigh does not support out=")
    a = _eigh_checks("linalg_eigh", A, UPLO)
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    ts = _record(LinalgEighBackward0, (A,), (w, v), (), (0, 1))
    return _return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))(ts)


def eigvalsh(A, UPLO="L", *, out=None):
    """torch.linalg.eigvalsh: the eigenvalues of symmetric matrices, ascending."""
    a = _eigh_checks("linalg_eigvalsh", A, UPLO)
    if _gm._enabled and A._requires_grad:
        w, v = np.linalg.eigh(a, UPLO=UPLO)
        res = _record(LinalgEighBackward0, (A,), (w, v), (), (0, 1))[0]
    else:
        res = _make(np.linalg.eigvalsh(a, UPLO=UPLO))
    return res if out is None else _into(out, res, "linalg_eigvalsh")


# -- svd, svdvals, torch.svd ------------------------------------------------------------------

class LinalgSvdBackward0(_LinalgNode):
    """A: svd_backward(gU, gS, gVh, U, S, Vh) (U, Vh narrowed to k = min(m, n) columns/rows):
    gA = U [(skew(U^H gU) S + S skew(Vh gVh^H)) / E + diag(gS)] Vh, E_ij = S_j^2 - S_i^2,
    plus (I - UU^H) gU S^-1 Vh when m > n, or U S^-1 gVh (I - V V^H) when m < n"""
    __slots__ = ()

    def backward(self, grads):
        gu, gs, gvh = grads[0], grads[1], grads[2]
        u, s, vh = self.unpack()
        m, n = u.shape[-2], vh.shape[-1]
        k = s.shape[-1]
        if gu is None and gvh is None:
            if gs is None:
                return (None,)
            return ((_narrow(u, -1, 0, k) * _row(gs)) @ _narrow(vh, -2, 0, k),)
        u = _narrow(u, -1, 0, k)
        vh = _narrow(vh, -2, 0, k)
        if gu is not None:
            gu = _narrow(gu, -1, 0, k)
        if gvh is not None:
            gvh = _narrow(gvh, -2, 0, k)
        s2 = s * s
        eye = _eye_like(s, k)
        e = _row(s2) - _col(s2) + eye
        ga = 0
        if gu is not None:
            ugu = u.mT @ gu
            ga = (ugu - ugu.mT) * _row(s)
        if gvh is not None:
            vgv = vh @ gvh.mT
            ga = ga + _col(s) * (vgv - vgv.mT)
        ga = ga / e
        if gs is not None:
            ga = ga + _diag_embed(gs)
        if m > n and gu is not None:
            ga = u @ ga
            gus = gu / _row(s)
            ga = ga + gus - u @ (u.mT @ gus)
            ga = ga @ vh
        elif m < n and gvh is not None:
            ga = ga @ vh
            sgv = gvh / _col(s)
            ga = ga + sgv - (sgv @ vh.mT) @ vh
            ga = u @ ga
        else:
            ga = u @ (ga @ vh)
        return (ga,)


def _svd_checks(A, fn="linalg_svd"):
    a = _arr(A, fn)
    _check_dims("linalg.svd", a)
    _check_float("linalg.svd", a)
    return a


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """torch.linalg.svd: (U, S, Vh) with A = U diag(S) Vh."""
    if out is not None:
        raise NotImplementedError("ember's linalg.svd does not support out=")
    a = _svd_checks(A)
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    ts = _record(LinalgSvdBackward0, (A,), (u, s, vh), (), (0, 1, 2))
    return _return_type("linalg_svd", ("U", "S", "Vh"))(ts)


def svdvals(A, *, driver=None, out=None):
    """torch.linalg.svdvals: the singular values, descending."""
    a = _svd_checks(A, "linalg_svdvals")
    if _gm._enabled and A._requires_grad:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        res = _svdvals_record(A, u, s, vh)
    else:
        res = _make(np.linalg.svd(a, compute_uv=False))
    return res if out is None else _into(out, res, "linalg_svdvals")


class _SvdvalsNode(LinalgSvdBackward0):
    """svdvals' node: output 0 is S; U and Vh are saved beside it."""
    __slots__ = ()

    def backward(self, grads):
        # outputs are (S, U, Vh): the formula takes (gU, gS, gVh)
        return LinalgSvdBackward0.backward(self, [grads[1], grads[0], grads[2]])

    def unpack(self):
        s, u, vh = Node.unpack(self)
        return u, s, vh


_SvdvalsNode.__name__ = _SvdvalsNode.__qualname__ = "LinalgSvdBackward0"


def _svdvals_record(A, u, s, vh):
    ts = _record(_SvdvalsNode, (A,), (s, u, vh), (), (0, 1, 2))
    return ts[0]


def svd(input, some=True, compute_uv=True, *, out=None):
    """torch.svd: (U, S, V) with V = Vh^H (reduced unless some=False); zero U and V when
    compute_uv=False."""
    if out is not None:
        raise NotImplementedError("ember's svd does not support out=")
    a = _svd_checks(input)
    if not compute_uv:
        s = svdvals(input)
        m, n = a.shape[-2], a.shape[-1]
        u = _make(np.zeros(a.shape[:-2] + (m, m), dtype=a.dtype))
        v = _make(np.zeros(a.shape[:-2] + (n, n), dtype=a.dtype))
        return _return_type("svd", ("U", "S", "V"))((u, s, v))
    u, s, vh = linalg_svd(input, full_matrices=not some)
    return _return_type("svd", ("U", "S", "V"))((u, s, vh.transpose(-2, -1)))


# -- norms ------------------------------------------------------------------------------------

def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """torch.linalg.matrix_norm: 'fro', 'nuc', +-1, +-2, +-inf over the two dims."""
    if out is not None:
        raise NotImplementedError("ember's linalg.matrix_norm does not support out=")
    from .reduction import vector_norm as _vector_norm
    a = _arr(A, "linalg_matrix_norm")
    _check_dims("linalg.matrix_norm", a)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif ord not in (1, -1, 2, -2, float("inf"), float("-inf")):
        raise RuntimeError(f"linalg.matrix_norm: Order {_fmt_ord(ord)} not supported.")
    dim = tuple(dim)
    if ord == "fro":
        return _vector_norm(A, 2, dim, keepdim, dtype=dtype)
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (wrap_dim(d, a.ndim) for d in dim)
    if ord == "nuc" or abs(ord) == 2:
        perm = [i for i in range(a.ndim) if i not in (d0, d1)] + [d0, d1]
        s = svdvals(A.permute(perm))
        if ord == "nuc":
            res = s.sum(-1, keepdim)
        else:
            res = s.amax(-1, keepdim) if ord > 0 else s.amin(-1, keepdim)
        if keepdim:
            res = res.unsqueeze(-1).permute([perm.index(i) for i in range(a.ndim)])
        return res
    if abs(ord) == float("inf"):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    v = _vector_norm(A, 1, (d0,), keepdim)
    return v.amax(d1, keepdim) if ord > 0 else v.amin(d1, keepdim)


def _fmt_ord(o):
    if isinstance(o, float) and o.is_integer():
        return str(int(o))
    return str(o)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """torch.linalg.norm: a vector or matrix norm, chosen from ord and dim as torch does."""
    if out is not None:
        raise NotImplementedError("ember's linalg.norm does not support out=")
    from .reduction import vector_norm as _vector_norm
    a = _arr(A, "linalg_norm")
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        dim = tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or "
                               f"2. Got [{', '.join(map(str, dim))}]")
    elif ord is not None and not isinstance(ord, str) and a.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must "
                           f"be 1D or 2D. Got {a.ndim}D.")
    if isinstance(ord, str):
        if dim is not None and len(dim) != 2 or dim is None and a.ndim != 2:
            if dim is None and a.ndim < 2:
                _check_dims("linalg.matrix_norm", a)
            raise RuntimeError(f"linalg.norm: If dim is specified, it mut be of length 2. Got "
                               f"[{', '.join(map(str, dim or ()))}]")
        return matrix_norm(A, ord, dim or (-2, -1), keepdim, dtype=dtype)
    if ord is not None and (dim is not None and len(dim) == 2 or dim is None and a.ndim == 2):
        return matrix_norm(A, ord, dim or (0, 1), keepdim, dtype=dtype)
    return _vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


# -- pinv, pinverse, matrix_rank ------------------------------------------------------------

class LinalgPinvBackward0(_LinalgNode):
    """self: pinv_backward(grad, result, self)"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None,)
        a, p = self.unpack()
        m, n = a.shape[-2], a.shape[-1]
        ph = p.mT
        gh = g.mT
        if m <= n:
            k = gh @ p
            kp = k @ ph
            ga = -(p @ k).mT + kp - (a @ p) @ kp + (ph @ p) @ (gh - k @ a)
        else:
            k = p @ gh
            pk = ph @ k
            ga = -(k @ p).mT + ((gh - a @ k) @ p) @ ph + pk - (pk @ p) @ a
        return (ga,)


def _tolerances(a, atol, rtol, s_max):
    """max(atol, rtol * s_max) with torch's defaults (rtol = eps * max(m, n) when neither is
    given, 0 when only atol is)."""
    atol_v = 0.0 if atol is None else (atol._data if isinstance(atol, Tensor) else atol)
    if rtol is None:
        rtol_v = (np.finfo(a.dtype).eps * max(a.shape[-2], a.shape[-1])
                  if atol is None or np.all(np.asarray(atol_v) <= 0) else 0.0)
    else:
        rtol_v = rtol._data if isinstance(rtol, Tensor) else rtol
    return np.maximum(np.asarray(atol_v, dtype=a.dtype),
                      np.asarray(rtol_v, dtype=a.dtype) * s_max)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """torch.linalg.pinv: the pseudo-inverse through the SVD (eigh when hermitian), singular
    values at most max(atol, rtol * s_max) dropped."""
    a = _arr(A, "linalg_pinv")
    if a.ndim < 2 or a.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.pinv({_legacy(a.dtype)}{{[{_sizes(a.shape)}]}}): "
                           "expected a tensor with 2 or more dimensions of float, double, "
                           "cfloat or cdouble types")
    if rcond is not None:
        rtol = rcond
    if a.size == 0:
        p = np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), dtype=a.dtype)
    elif hermitian:
        w, v = np.linalg.eigh(a)
        aw = np.abs(w)
        tol = _tolerances(a, atol, rtol, aw.max(-1))
        with np.errstate(divide="ignore"):
            wi = np.where(aw > tol[..., None], 1 / w, 0).astype(a.dtype)
        p = (v * wi[..., None, :]) @ np.swapaxes(v, -1, -2)
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        tol = _tolerances(a, atol, rtol, s[..., 0] if s.shape[-1] else 0)
        with np.errstate(divide="ignore"):
            si = np.where(s > tol[..., None], 1 / s, 0).astype(a.dtype)
        p = (np.swapaxes(vh, -1, -2) * si[..., None, :]) @ np.swapaxes(u, -1, -2)
    res = _record(LinalgPinvBackward0, (A,), (p,), (A,), (0,))[0]
    return res if out is None else _into(out, res, "linalg_pinv")


def pinverse(input, rcond=1e-15):
    """torch.pinverse: linalg.pinv with rtol=rcond."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """torch.linalg.matrix_rank: how many singular values exceed max(atol, rtol * s_max)."""
    a = _arr(A, "linalg_matrix_rank")
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    if tol is not None:
        atol, rtol = tol, 0.0
    if hermitian:
        s = np.abs(np.linalg.eigvalsh(a))
    else:
        s = np.linalg.svd(a, compute_uv=False)
    smax = s.max(-1) if s.shape[-1] else np.zeros(s.shape[:-1], dtype=s.dtype)
    tol_v = _tolerances(a, atol, rtol, smax)
    res = _make(np.asarray((s > tol_v[..., None]).sum(-1), dtype=np.int64))
    return res if out is None else _into(out, res, "linalg_matrix_rank")


# -- matrix_power, matrix_exp -----------------------------------------------------------------

def matrix_power(A, n, *, out=None):
    """torch.linalg.matrix_power: A^n by repeated squaring (A^-1 first for n < 0)."""
    a = _arr(A, "linalg_matrix_power")
    _check_square("linalg.matrix_power", a)
    if n == 0:
        from .pointwise import clone as _clone
        res = _clone(A)
        res.copy_(_make(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)))
    elif n == 1:
        from .pointwise import clone as _clone
        res = _clone(A)
    else:
        if n < 0:
            A = inv(A)
            n = -n
        if n == 2:
            res = matmul(A, A)
        elif n == 3:
            res = matmul(matmul(A, A), A)
        else:
            z = res = None
            while n > 0:
                bit = n % 2
                n //= 2
                z = A if z is None else matmul(z, z)
                if bit:
                    res = z if res is None else matmul(res, z)
    return res if out is None else _into(out, res, "linalg_matrix_power")


class LinalgMatrixExpBackward0(_LinalgNode):
    """self: linalg_matrix_exp_differential(self, grad, /*adjoint=*/true)
    = the upper-right block of matrix_exp([[A^H, grad], [0, A^H]])"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None,)
        a, = self.unpack()
        n = a.shape[-1]
        at = a.mT
        zero = 0 * at
        big = _cat([_cat([at, g], -1), _cat([zero, at], -1)], -2)
        e = _matrix_exp_d(big)
        return (_narrow(_narrow(e, -2, 0, n), -1, n, n),)


def matrix_exp(A):
    """torch.linalg.matrix_exp: the matrix exponential (Padé 13, scaling and squaring)."""
    a = _square_float("linalg.matrix_exp", A)
    return _record(LinalgMatrixExpBackward0, (A,), (_np_expm(a),), (A,))[0]


# -- lstsq -------------------------------------------------------------------------------------

class LinalgLstsqBackward0(_LinalgNode):
    """self, b: linalg_lstsq_backward(grad_solution, grad_residuals, self, b, ...):
    X = pinv(A) B, so gB = pinv(A)^H gX and gA = pinv_backward(gX B^H, pinv(A), A);
    residuals r = sum((AX - B)^2): gA += 2 (AX - B) X^H, gB -= 2 (AX - B)"""
    __slots__ = ()

    def backward(self, grads):
        gx, gr = grads[0], grads[1]
        vector = self.args[1]
        a, b, x = self.unpack()
        if vector:
            b = _col(b)
            x = _col(x)
            gx = None if gx is None else _col(gx)
        nf = self.next_functions
        ga = gb = None
        if gx is not None:
            p = pinv(a) if isinstance(a, Tensor) else _np_pinv(a)
            gb = p.mT @ gx
            if nf[0][0] is not None:
                ga = _pinv_grad(gx @ b.mT, a, p)
        if gr is not None and array_of(gr).size:
            res = a @ x - b
            ga2 = 2 * res @ (x.mT * _col(gr))
            gb2 = -2 * res * _row(gr)
            ga = ga2 if ga is None else ga + ga2
            gb = gb2 if gb is None else gb + gb2
        if vector and gb is not None:
            gb = gb[..., 0]
        return (ga, gb)


def _pinv_grad(g, a, p):
    m, n = a.shape[-2], a.shape[-1]
    ph = p.mT
    gh = g.mT
    if m <= n:
        k = gh @ p
        kp = k @ ph
        return -(p @ k).mT + kp - (a @ p) @ kp + (ph @ p) @ (gh - k @ a)
    k = p @ gh
    pk = ph @ k
    return -(k @ p).mT + ((gh - a @ k) @ p) @ ph + pk - (pk @ p) @ a


def _np_pinv(a, rtol=None):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    tol = _tolerances(a, None, rtol, s[..., 0] if s.shape[-1] else 0)
    with np.errstate(divide="ignore"):
        si = np.where(s > tol[..., None], 1 / s, 0).astype(a.dtype)
    return (np.swapaxes(vh, -1, -2) * si[..., None, :]) @ np.swapaxes(u, -1, -2)


def lstsq(A, B, rcond=None, *, driver=None):
    """torch.linalg.lstsq: (solution, residuals, rank, singular_values) of min ||AX - B||.
    The solution is pinv(A) B; residuals are given for m > n with full rank (not by 'gelsy'),
    rank by all drivers but 'gels', singular values by 'gelsd' and 'gelss'."""
    a = _arr(A, "linalg_lstsq")
    b = _arr(B, "linalg_lstsq", "b")
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    vector = b.ndim == a.ndim - 1
    if vector:
        if a.shape[-2] != b.shape[-1]:
            raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match "
                               "other.size(-1)")
    elif a.shape[-2] != b.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    driver = driver or "gelsy"
    m, n = a.shape[-2], a.shape[-1]
    bm = b[..., None] if vector else b
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    rtol = None if rcond is None or rcond < 0 else rcond
    tol = _tolerances(a, None, rtol, s[..., 0] if s.shape[-1] else 0)
    keep = s > tol[..., None]
    with np.errstate(divide="ignore"):
        si = np.where(keep, 1 / s, 0).astype(a.dtype)
    p = (np.swapaxes(vh, -1, -2) * si[..., None, :]) @ np.swapaxes(u, -1, -2)
    x = p @ bm
    rank = keep.sum(-1).astype(np.int64)
    if m > n and driver != "gelsy" and np.all(rank == n):
        r = ((a @ x - bm) ** 2).sum(-2)
        resid = r[..., 0] if vector else r
    else:
        resid = np.empty((0,), dtype=a.dtype)
    if vector:
        x = x[..., 0]
    rank_out = np.empty((0,), dtype=np.int64) if driver == "gels" else rank
    sv = s if driver in ("gelsd", "gelss") else np.empty((0,), dtype=a.dtype)
    ts = _record(LinalgLstsqBackward0, (A, B), (x, resid, rank_out, sv), (A, B), (0,),
                 (vector,), differentiable=(0, 1))
    return _return_type("linalg_lstsq",
                        ("solution", "residuals", "rank", "singular_values"))(ts)


# -- cross, vecdot, multi_dot, chain_matmul, diagonal, vander ---------------------------------

class LinalgCrossBackward0(BroadcastingNode):
    """self: at::linalg_cross(other.conj(), grad, dim)
    other: at::linalg_cross(grad, self.conj(), dim)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        dim = self.args[0]
        nf = self.next_functions
        return (_cross_d(b, grad, dim) if nf[0][0] is not None else None,
                _cross_d(grad, a, dim) if nf[1][0] is not None else None)


def _cross_d(x, y, dim):
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return linalg_cross(_as_t(x), _as_t(y), dim=dim)
    return np.cross(x, y, axis=dim)


def linalg_cross(input, other, *, dim=-1, out=None):
    """torch.linalg.cross: the cross product of 3-vectors along dim (inputs broadcast)."""
    try:
        a, b = input._data, other._data
    except AttributeError:
        _type_error("linalg_cross", ("input", "other"), (input, other))
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(a.dtype)} but found "
                           f"{_legacy(b.dtype)}")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    shape = broadcast_shapes(a.shape, b.shape)
    res = np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=d)
    res = binary(LinalgCrossBackward0, input, other, res.astype(a.dtype, copy=False),
                 saved=_saved2(input, other), args=(d,))
    return res if out is None else _into(out, res, "linalg_cross")


_CROSS_DEPRECATED = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the "
    "dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to "
    "agree with that of linalg.cross in a future release. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)")


def cross(input, other, dim=None, *, out=None):
    """torch.cross: linalg.cross; without dim, the first dim of size 3 (deprecated)."""
    if dim is None:
        _warn_deprecated(_CROSS_DEPRECATED)
        sizes = input.shape
        for i, s in enumerate(sizes):
            if s == 3:
                dim = i
                break
        else:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim, out=out)


def vecdot(x, y, *, dim=-1, out=None):
    """torch.linalg.vecdot: sum(x.conj() * y, dim) (inputs broadcast)."""
    if x.ndim == 1 and y.ndim == 1 and dim in (0, -1):
        res = vdot(x, y)
    else:
        res = (x * y).sum(dim)
    return res if out is None else _into(out, res, "linalg_vecdot")


def _chain_order(shapes):
    """The optimal parenthesization of a matrix chain (dynamic programming): split[i][j]."""
    n = len(shapes)
    p = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            best = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if best is None or c < best:
                    best = c
                    split[i][j] = k
            cost[i][j] = best
    return split


def _chain(tensors, split, i, j):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return mm(_chain(tensors, split, i, k), _chain(tensors, split, k + 1, j))


def multi_dot(tensors, *, out=None):
    """torch.linalg.multi_dot: the product of a chain of matrices (first and last may be
    vectors) in the cheapest order."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    d0, d1 = first.ndim, last.ndim
    if d0 not in (1, 2):
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {d0}D")
    if d1 not in (1, 2):
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {d1}D")
    for i in range(1, n - 1):
        if tensors[i].ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got "
                               f"{tensors[i].ndim}D")
    dt = first.dtype
    for i, t in enumerate(tensors):
        if t.dtype != dt:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but "
                               f"tensor 0 is {dt} and tensor {i} is {t.dtype}")
    mats = list(tensors)
    if d0 == 1:
        mats[0] = first.view(1, -1)
    if d1 == 1:
        mats[-1] = last.view(-1, 1)
    for i in range(n - 1):
        sa, sb = mats[i].shape, mats[i + 1].shape
        if sa[1] != sb[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"[{_sizes(tensors[i].shape)}] and "
                               f"[{_sizes(tensors[i + 1].shape)}] cannot be multiplied")
    res = _chain(mats, _chain_order([tuple(m.shape) for m in mats]), 0, n - 1)
    shape = ([] if d0 == 1 else [res.shape[0]]) + ([] if d1 == 1 else [res.shape[1]])
    res = res.view(shape)
    return res if out is None else _into(out, res, "linalg_multi_dot")


_CHAIN_DEPRECATED = (
    "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
    "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
    "multiple parameters. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:1102.)")


def chain_matmul(*matrices, out=None):
    """torch.chain_matmul (deprecated): multi_dot of 2-D matrices given as arguments."""
    _warn_deprecated(_CHAIN_DEPRECATED)
    if len(matrices) == 1:
        from .pointwise import clone as _clone
        return _clone(matrices[0])
    return multi_dot(list(matrices), out=out)


def linalg_diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """torch.linalg.diagonal: torch.diagonal with the last two dims by default."""
    from .shape import diagonal as _diagonal_op
    return _diagonal_op(A, offset, dim1, dim2)


def vander(x, *, N=None):
    """torch.linalg.vander: columns x^0, x^1, ..., x^(N-1) (N = x.size(-1) by default)."""
    from .shape import cat as _cat_op
    from .reduction import cumprod as _cumprod
    a = x._data
    if a.ndim < 1:
        raise RuntimeError("N must be greater than 1.")
    n = a.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    dt = np.int64 if a.dtype == np.bool_ else a.dtype
    ones = _make(np.ones(a.shape + (1,), dtype=dt))
    if n == 1:
        return ones
    xe = x.unsqueeze(-1).expand(*a.shape, n - 1)
    return _cat_op([ones, _cumprod(xe, -1)], -1)


# -- solve_triangular, triangular_solve, cholesky_solve, cholesky_inverse -----------------

class LinalgSolveTriangularBackward0(BroadcastingNode):
    """self, B: linalg_solve_triangular_backward(grad, self, result, upper, left,
    unitriangular, grad_input_mask): gB = solve_triangular(A^H, grad, !upper, left, unitri),
    gA = -gB X^H (left) or -X^H gB, kept to A's triangle"""
    __slots__ = ()

    def backward(self, grad):
        a, x = self.unpack()
        upper, left, unitri = self.args
        gb = _solve_tri(a.mT, grad, not upper, left, unitri)
        ga = None
        if self.next_functions[0][0] is not None:
            ga = -(gb @ x.mT) if left else -(x.mT @ gb)
            ga = _triu(ga, int(unitri)) if upper else _tril(ga, -int(unitri))
        return (ga, gb if self.next_functions[1][0] is not None else None)


def _tri_checks(fn, a, b, left):
    _check_dims(fn, a)
    _check_dims(fn, b, "B")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    k = b.shape[-2] if left else b.shape[-1]
    if a.shape[-1] != k:
        raise RuntimeError(f"{fn}: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a.shape[-2]}x{a.shape[-1]} "
                           f"and {b.shape[-2]}x{b.shape[-1]})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"{fn}: Expected A and B to have the same dtype, but found A of "
                           f"type {_legacy(a.dtype)} and B of type {_legacy(b.dtype)} instead")
    _check_float(fn, a)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """torch.linalg.solve_triangular: X with AX = B (XA = B) for triangular A."""
    a, b = A._data, B._data
    _tri_checks("linalg.solve_triangular", a, b, left)
    x = _np_solve_tri(a, b, upper, left, unitriangular)
    res = binary(LinalgSolveTriangularBackward0, A, B, x, saved=(A, OUTPUT),
                 args=(upper, left, unitriangular))
    return res if out is None else _into(out, res, "linalg_solve_triangular")


class TriangularSolveBackward0(_LinalgNode):
    """self, A: triangular_solve_backward(grad_solution, grad_cloned_coefficient, self, A,
    solution, upper, transpose, unitriangular, grad_input_mask)"""
    __slots__ = ()

    def backward(self, grads):
        gx, gm = grads[0], grads[1]
        _, upper, transpose, unitri = self.args
        a, x = self.unpack()
        gb = ga = None
        if gx is not None:
            # op(A) X = B with op(A) = A^T when transpose
            gb = _solve_tri(a, gx, upper, True, unitri) if transpose else \
                _solve_tri(a.mT, gx, not upper, True, unitri)
            if self.next_functions[1][0] is not None:
                ga = -(x @ gb.mT) if transpose else -(gb @ x.mT)
                ga = _triu(ga, int(unitri)) if upper else _tril(ga, -int(unitri))
        if gm is not None:
            ga = gm if ga is None else ga + gm
        return (gb, ga)


def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """torch.triangular_solve (deprecated): (solution, cloned_coefficient) of op(A) X = b."""
    if out is not None:
        raise NotImplementedError("ember's triangular_solve does not support out=")
    b, a = input._data, A._data
    if b.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions "
                           "instead")
    if a.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {a.ndim} dimensions "
                           "instead")
    _tri_checks("linalg.solve_triangular", a, b, True)
    at = np.swapaxes(a, -1, -2) if transpose else a
    x = _np_solve_tri(at, b, upper != transpose, True, unitriangular)
    shape = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    m = np.array(np.broadcast_to(a, shape + a.shape[-2:]))
    ts = _record(TriangularSolveBackward0, (input, A), (x, m), (A,), (0,),
                 (upper, transpose, unitriangular))
    return _return_type("triangular_solve", ("solution", "cloned_coefficient"))(ts)


class CholeskySolveBackward0(BroadcastingNode):
    """self, input2: cholesky_solve_backward(grad, self, input2, result, upper, mask):
    gB = cholesky_solve(grad, L, upper); c = gB X^H + X gB^H;
    gL = -(L c) if upper else -(c L)"""
    __slots__ = ()

    def backward(self, grad):
        l, x = self.unpack()
        upper = self.args[0]
        gb = _chol_solve(grad, l, upper)
        gl = None
        if self.next_functions[1][0] is not None:
            c = gb @ x.mT
            c = c + c.mT
            gl = -(l @ c) if upper else -(c @ l)
        return (gb if self.next_functions[0][0] is not None else None, gl)


def _chol_solve(b, l, upper):
    if upper:
        y = _solve_tri(l.mT, b, upper=False)
        return _solve_tri(l, y, upper=True)
    y = _solve_tri(l, b, upper=False)
    return _solve_tri(l.mT, y, upper=True)


def cholesky_solve(input, input2, upper=False, *, out=None):
    """torch.cholesky_solve: X with (L L^H) X = B, given the Cholesky factor L."""
    b, l = input._data, input2._data
    if b.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions "
                           "instead")
    if l.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {l.ndim} dimensions "
                           "instead")
    if b.dtype != l.dtype:
        raise RuntimeError(f"Expected b and u to have the same dtype, but found b of type "
                           f"{_legacy(b.dtype)} and u of type {_legacy(l.dtype)} instead.")
    x = _chol_solve(b, l, upper)
    res = binary(CholeskySolveBackward0, input, input2, x, saved=(input2, OUTPUT),
                 args=(upper,))
    return res if out is None else _into(out, res, "cholesky_solve")


class CholeskyInverseBackward0(_LinalgNode):
    """self: cholesky_inverse_backward(grad, self, upper, result):
    c = inv (grad + grad^H) inv; gL = -(L c) if upper else -(c L)"""
    __slots__ = ()

    def backward(self, grads):
        g = grads[0]
        if g is None:
            return (None,)
        upper = self.args[1]
        l, res = self.unpack()
        c = res @ ((g + g.mT) @ res)
        return (-(l @ c) if upper else -(c @ l),)


def cholesky_inverse(input, upper=False, *, out=None):
    """torch.cholesky_inverse: (L L^H)^-1 (or (U^H U)^-1) from a Cholesky factor."""
    l = input._data
    _check_square("cholesky_inverse", l)
    _check_float("cholesky_inverse", l)
    n = l.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=l.dtype), l.shape)
    inv_ = _chol_solve(eye, l, upper)
    res = _record(CholeskyInverseBackward0, (input,), (inv_,), (input,), (0,), (upper,))[0]
    return res if out is None else _into(out, res, "cholesky_inverse")


def cond(A, p=None, *, out=None):
    """torch.linalg.cond: s_max / s_min for p in (None, 2, -2); else norm(A) * norm(A^-1)."""
    a = _arr(A, "linalg_cond")
    _check_dims("linalg.cond", a)
    if p in (None, 2, -2):
        s = svdvals(A)
        res = s[..., :1] / s[..., -1:] if p != -2 else s[..., -1:] / s[..., :1]
        res = res.squeeze(-1)
    else:
        _check_square("linalg.cond", a)
        # singular matrices: inverse full of inf/nan, condition number inf
        res = (matrix_norm(A, p) * matrix_norm(inv_ex(A).inverse, p)).nan_to_num(
            float("inf"), float("inf"))
    return res if out is None else _into(out, res, "linalg_cond")


# -- Tensor methods of this section -----------------------------------------------------------

Tensor.det = det
Tensor.logdet = logdet
Tensor.slogdet = slogdet
Tensor.inverse = inverse
Tensor.cholesky = cholesky
Tensor.cholesky_solve = cholesky_solve
Tensor.cholesky_inverse = cholesky_inverse
Tensor.qr = qr
Tensor.svd = svd
Tensor.pinverse = pinverse
Tensor.matrix_power = matrix_power
Tensor.matrix_exp = matrix_exp
Tensor.cross = cross
Tensor.triangular_solve = triangular_solve

# the top-level torch.* names of this section (torch.linalg's are in ember/linalg.py)
__all__ += ["det", "logdet", "slogdet", "inverse", "cholesky", "cholesky_solve",
            "cholesky_inverse", "qr", "svd", "pinverse", "matrix_power", "matrix_exp",
            "chain_matmul", "cross", "triangular_solve"]
