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


# == s2_api: pixel/channel shuffle, pdist, multi_margin_loss, multilabel_margin_loss ==========
from .._misc import pixel_shuffle, pixel_unshuffle, channel_shuffle  # noqa: E402
from .._misc import native_channel_shuffle  # noqa: E402
from .._tensor import _make as _mk  # noqa: E402
from ..ops._base import record as _rec  # noqa: E402
from ..ops import loss as _loss_mod  # noqa: E402


def pdist(input, p=2):
    """Pairwise p-norm distances between the rows of input (the upper triangle, flattened);
    ember.pdist (ops.reduction) computes it, imported when called."""
    from ..ops.reduction import pdist as _pdist
    return _pdist(input, p)


def _loss_enum(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _loss_mod._legacy_get_enum(size_average, reduce)
    return _loss_mod._get_enum(reduction)


def _not_differentiable_twice(name, grad, inputs, arr):
    """Under create_graph: torch defines no derivative of this backward, so the gradient's
    node raises when it is differentiated."""
    from ..ops.pointwise import _NotImplementedBackward
    return _rec(_NotImplementedBackward, [grad] + list(inputs), arr, args=(name,))


def _reduced_grad(grad, red, n, shape):
    """The upstream gradient of a loss as one value per sample, shape (N, 1)."""
    g = grad._data if isinstance(grad, Tensor) else np.asarray(grad)
    if red == _loss_mod.NONE:
        return g.reshape(n, 1)
    g = np.broadcast_to(g.reshape(1, 1), (n, 1))
    return g / n if red == _loss_mod.MEAN else g


class MultiMarginLossBackward0(_Node):
    """self: multi_margin_loss_backward(grad, self, target, p, margin, weight, reduction):
    d/dx_i = w[y] p max(0, margin - x_y + x_i)^(p-1) / C for i != y, d/dx_y = -sum of those."""
    __slots__ = ()

    def backward(self, grad):
        coef, red, shape, dt = self.args
        n = coef.shape[0]
        g = (coef * _reduced_grad(grad, red, n, shape)).reshape(shape).astype(dt, copy=False)
        if isinstance(grad, Tensor):
            return (_not_differentiable_twice("multi_margin_loss_backward", grad,
                                              self.unpack()[:1], g), None)
        return g, None


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum_{i != y} max(0, margin - x[y] + x[i])^p (times weight[y]) / C per sample."""
    red = _loss_enum(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    nd = input.dim()
    shape = tuple(input.shape)
    if not ((nd == 2 and shape[1] != 0) or (nd == 1 and shape[0] != 0) or nd == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: [{', '.join(map(str, shape))}]")
    n = shape[0] if nd == 2 else 1
    c = shape[-1] if nd >= 1 else 1
    if target.dim() > 1 or target.numel() != n:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got "
            f"[{', '.join(map(str, target.shape))}]. Input has shape "
            f"[{', '.join(map(str, shape))}].")
    if weight is not None and weight.numel() != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                           f"[{', '.join(map(str, weight.shape))}]")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_c10(target)}")
    x = input._data.reshape(n, c)
    dt = x.dtype
    if weight is not None and weight._data.dtype != dt:
        raise RuntimeError(f"expected scalar type {_c10(input)} but found {_c10(weight)}")
    y = target._data.reshape(n)
    if n and (y.min() < 0 or y.max() >= c):
        raise RuntimeError("target out of range")
    rows = np.arange(n)
    z = margin - x[rows, y][:, None] + x
    pos = z > 0
    pos[rows, y] = False
    h = np.where(pos, z, 0).astype(dt, copy=False)
    w = weight._data[y][:, None] if weight is not None else None
    loss = h * h if p == 2 else h
    coef = (2 * h if p == 2 else pos.astype(dt))
    if w is not None:
        loss = loss * w
        coef = coef * w
    per = (loss.sum(axis=1) / c).astype(dt, copy=False)
    coef = (coef / c).astype(dt, copy=False)
    coef[rows, y] = -coef.sum(axis=1)
    if red == _loss_mod.MEAN:
        out = np.asarray(per.mean() if n else np.float64("nan"), dtype=dt)
    elif red == _loss_mod.SUM:
        out = np.asarray(per.sum(), dtype=dt)
    else:
        out = per.reshape(tuple(target.shape))
    return _rec(MultiMarginLossBackward0, [input, target], out, saved=(input,),
                args=(coef, red, shape, dt))


class MultilabelMarginLossBackward0(_Node):
    """self: multilabel_margin_loss_backward(grad, self, target, reduction, is_target):
    each (j in targets, i not in targets) pair with 1 - x_j + x_i > 0 adds 1/C to d/dx_i
    and -1/C to d/dx_j."""
    __slots__ = ()

    def backward(self, grad):
        coef, red, shape, dt = self.args
        n = coef.shape[0]
        g = (coef * _reduced_grad(grad, red, n, shape)).reshape(shape).astype(dt, copy=False)
        if isinstance(grad, Tensor):
            return (_not_differentiable_twice("multilabel_margin_loss_backward", grad,
                                              self.unpack()[:1], g), None)
        return g, None


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """sum over targets j (up to the first -1) and non-targets i of
    max(0, 1 - (x[j] - x[i])) / C per sample."""
    red = _loss_enum(size_average, reduce, reduction)
    nd = input.dim()
    shape = tuple(input.shape)
    if not ((nd == 2 and shape[1] != 0) or (nd == 1 and shape[0] != 0) or nd == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: [{', '.join(map(str, shape))}]")
    if tuple(target.shape) != shape:
        raise RuntimeError(f"inconsistent target size: [{', '.join(map(str, target.shape))}] "
                           f"for input of size: [{', '.join(map(str, shape))}]")
    if target._data.dtype != np.int64:
        raise RuntimeError(f"expected scalar type Long but found {_c10(target)}")
    n = shape[0] if nd == 2 else 1
    c = shape[-1] if nd >= 1 else 1
    x = input._data.reshape(n, c)
    dt = x.dtype
    t = target._data.reshape(n, c)
    valid = np.cumsum(t == -1, axis=1) == 0
    if np.any(valid & ((t < -1) | (t >= c))):
        raise RuntimeError("argument #2 'target' is out of range")
    rows = np.repeat(np.arange(n), c)[valid.reshape(-1)]
    count = np.zeros((n, c), dtype=np.int64)
    np.add.at(count, (rows, t[valid]), 1)
    is_target = count > 0
    z = 1 - x[:, :, None] + x[:, None, :]          # z[n, j, i] = 1 - x_j + x_i
    active = (z > 0) & is_target[:, :, None] & ~is_target[:, None, :]
    weight = active * count[:, :, None]             # a target listed twice counts twice
    per = ((np.where(active, z, 0) * count[:, :, None]).sum(axis=(1, 2)) / c).astype(dt)
    coef = ((weight.sum(axis=1) - weight.sum(axis=2)) / c).astype(dt)
    if red == _loss_mod.MEAN:
        out = np.asarray(per.mean() if n else np.float64("nan"), dtype=dt)
    elif red == _loss_mod.SUM:
        out = np.asarray(per.sum(), dtype=dt)
    else:
        out = per if nd == 2 else per.reshape(())
    return _rec(MultilabelMarginLossBackward0, [input, target], out, saved=(input,),
                args=(coef, red, shape, dt))


def _c10(t):
    """c10's scalar type name (Long, Float, Double ...) for error messages."""
    return t.dtype._legacy[:-len("Tensor")]


__all__ += ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle",
            "pdist", "multi_margin_loss", "multilabel_margin_loss"]


# -- spatial sampling: affine_grid, grid_sample (ember.ops.sampling) -------------------------
from ..ops.sampling import affine_grid, grid_sample  # noqa: E402

__all__ += ["affine_grid", "grid_sample"]


# == s7_nn_more: 3-d pooling (ember.ops.pool3d) ==============================================
from ..ops.pool3d import *  # noqa: F401,F403,E402
from ..ops import pool3d as _pool3d  # noqa: E402

__all__ += list(_pool3d.__all__)
