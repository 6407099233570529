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
