"""torch.nn.functional: the functional forms of every nn family.  Each family's functions live
beside their differentiable primitives (ember.ops.activation, ops.loss, ops.conv,
ops.normalization) and are star-imported here; linear, bilinear and relu are defined here."""
import numpy as np

from .._tensor import Tensor
from ..ops._base import inplace as _inplace
from ..ops._base import Node as _Node, record as _record
from ..ops.linalg import addmm, matmul
from ..ops.pointwise import relu as _relu

__all__ = ["linear", "bilinear", "relu", "relu_"]

# The functional forms of each family live beside their differentiable primitives:
from ..ops.activation import *  # noqa: F401,F403,E402
from ..ops.loss import *  # noqa: F401,F403,E402
from ..ops.conv import *  # noqa: F401,F403,E402
from ..ops.normalization import *  # noqa: F401,F403,E402
from ..ops.attention import *  # noqa: F401,F403,E402


def linear(input, weight, bias=None):
    """y = input @ weight.T + bias, as torch's at::linear computes it.

    2-D input with a bias is one ``addmm`` (grad_fn AddmmBackward0); contiguous N-D input
    with a 1-D bias is flattened to 2-D, run through addmm and viewed back (ViewBackward0);
    everything else is ``matmul`` plus an add."""
    nd = input.ndim
    if bias is not None:
        if nd == 2:
            return addmm(bias, input, weight.t())
        if input.is_contiguous() and (nd == 3 or bias.ndim == 1) and nd != 0:
            shape = input.shape
            rows = 1
            for s in shape[:-1]:
                rows *= s
            out = addmm(bias, input.reshape(rows, shape[-1]), weight.t())
            return out.view(tuple(shape[:-1]) + (out.shape[1],))
    output = matmul(input, weight.t())
    if bias is not None:
        output = output + bias
    return output


class TrilinearBackward0(_Node):
    """i1, i2, i3: _trilinear_backward(grad, i1, i2, i3, expand1, expand2, expand3, sumdim,
    grad_input_mask), for bilinear's pattern out[b,o] = sum_ij i1[b,i] i2[o,i,j] i3[b,j]:
    grad_i1 = sum_oj grad[b,o] i2[o,i,j] i3[b,j], grad_i2 = sum_b grad[b,o] i1[b,i] i3[b,j],
    grad_i3 = sum_oi grad[b,o] i2[o,i,j] i1[b,i]."""
    __slots__ = ()

    def backward(self, grad):
        i1, i2, i3 = self.unpack()
        nf = self.next_functions
        g1 = _einsum("bo,oij,bj->bi", grad, i2, i3) if nf[0][0] is not None else None
        g2 = _einsum("bo,bi,bj->oij", grad, i1, i3) if nf[1][0] is not None else None
        g3 = _einsum("bo,oij,bi->bj", grad, i2, i1) if nf[2][0] is not None else None
        return g1, g2, g3


def _einsum(equation, *operands):
    """np.einsum on arrays (plain backward), ember's differentiable einsum on Tensors."""
    if any(isinstance(op, Tensor) for op in operands):
        from ..ops.linalg import einsum
        return einsum(equation, *operands)
    return np.einsum(equation, *operands, optimize=True)


def _dim_size(t, dim):
    """t.size(dim) with torch's IndexError for a dim the tensor does not have."""
    nd = t.ndim
    if nd == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, "
                         f"{nd - 1}], but got {dim})")
    return t.shape[dim]


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o], as
    at::bilinear computes it: both inputs flattened to 2-D, one _trilinear
    (TrilinearBackward0), the result reshaped back, then the bias added."""
    from ..random import _META_NAME
    tensors = [("input1", input1), ("input2", input2), ("weight", weight)]
    if bias is not None:
        tensors.append(("bias", bias))
    if len({t._data.dtype for _, t in tensors}) > 1:
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{name}: {_META_NAME[t._data.dtype.name]}" for name, t in tensors))
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for i in range(input1.ndim - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {input1.shape[i]} and {input2.shape[i]}")
    n1 = _dim_size(input1, input1.ndim - 1)
    if n1 != _dim_size(weight, 1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got {n1} but "
                           f"expected {weight.shape[1]}")
    n2 = _dim_size(input2, input2.ndim - 1)
    if n2 != _dim_size(weight, 2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got {n2} but "
                           f"expected {weight.shape[2]}")
    if bias is not None and _dim_size(bias, 0) != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    if weight.ndim != 3:
        raise RuntimeError("number of dimensions must match")
    output_size = tuple(input1.shape[:-1]) + (weight.shape[0],)
    x1 = input1.reshape(-1, n1)
    x2 = input2.reshape(-1, n2)
    w = weight
    needs = [t._requires_grad for t in (x1, w, x2)]
    out = np.einsum("bi,oij,bj->bo", x1._data, w._data, x2._data, optimize=True)
    # torch saves each input only where another input's gradient needs it
    saved = (x1 if needs[1] or needs[2] else None, w if needs[0] or needs[2] else None,
             x2 if needs[0] or needs[1] else None)
    output = _record(TrilinearBackward0, (x1, w, x2), out, saved=saved).reshape(output_size)
    if bias is not None:
        output = output + bias
    return output


def relu(input, inplace=False):
    """max(input, 0) elementwise; inplace=True writes into input (torch.relu_)."""
    if inplace:
        return relu_(input)
    return _relu(input)


def relu_(input):
    """In-place relu."""
    return _inplace(input, _relu)
