"""Matrix products: matmul, mm, bmm, mv, dot, outer, addmm, einsum, tensordot."""
import numpy as np

from .._tensor import Tensor
from ._base import Node, BroadcastingNode, binary, record, promote

__all__ = ["mm", "addmm", "matmul"]


def _check_mm(a, b):
    if a.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                           f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")


def _check_dtypes(a, b, name="self", other="mat2"):
    if a.dtype != b.dtype:
        from .._dtype import from_numpy_dtype
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{from_numpy_dtype(a.dtype).name} != "
                           f"{from_numpy_dtype(b.dtype).name}")


class MmBackward0(BroadcastingNode):
    """self: grad.mm(mat2.mH)   mat2: self.mH.mm(grad)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        need_a, need_b = self.next_functions[0][0], self.next_functions[1][0]
        return (grad @ b.T if need_a is not None else None,
                a.T @ grad if need_b is not None else None)


def mm(input, mat2):
    a, b = input._data, mat2._data
    _check_mm(a, b)
    _check_dtypes(a, b)
    return binary(MmBackward0, input, mat2, a @ b, saved=(input, mat2))


class AddmmBackward0(BroadcastingNode):
    """self: maybe_multiply(grad, beta)   mat1: grad.mm(mat2.mH) * alpha
    mat2: mat1.mH.mm(grad) * alpha"""
    __slots__ = ()

    def backward(self, grad):
        m1, m2 = self.unpack()
        beta, alpha = self.args
        nf = self.next_functions
        g = grad if alpha == 1 else grad * alpha
        return (grad if beta == 1 else grad * beta,
                g @ m2.T if nf[1][0] is not None else None,
                m1.T @ g if nf[2][0] is not None else None)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    a, b = mat1._data, mat2._data
    _check_mm(a, b)
    _check_dtypes(a, b)
    prod = a @ b
    if alpha != 1:
        prod *= alpha
    c = input._data
    out = prod + (c if beta == 1 else c * beta)
    return record(AddmmBackward0, (input, mat1, mat2), out, saved=(mat1, mat2),
                  args=(beta, alpha))


def matmul(input, other):
    a, b = input._data, other._data
    if a.ndim == 2 and b.ndim == 2:
        return mm(input, other)
    raise NotImplementedError("matmul of non-2-D tensors lands with the linalg family")


Tensor.mm = mm
Tensor.addmm = addmm
Tensor.matmul = matmul
Tensor.__matmul__ = matmul
