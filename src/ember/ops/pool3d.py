"""3-d pooling: torch.nn.functional's max_pool3d, avg_pool3d, adaptive_avg_pool3d,
adaptive_max_pool3d, max_unpool3d and lp_pool3d.

The NumPy kernels of ops.conv work for any number of spatial dims (window slices over a
padded ``(N, C, *S)`` array, their adjoints, flat-index scatter and gather); this module
gives them torch's 3-d argument handling, checks and error texts, and records torch's 3-d
nodes.  Every backward is linear in the incoming gradient, so each node is an ops.conv
``_LinearNode`` whose create_graph form records the adjoint node (``...BackwardBackward0``)."""
import numpy as np

from ._base import unary, record_multi
from .conv import (_LinearNode, _linear, _ints, _ntuple, _sizes, _stride_arg, _pool_out,
                   _max_pool_np, _scatter_flat, _gather_flat, _avg_divisor, _avg_pool_np,
                   _avg_pool_adj, _adaptive_bounds, _adaptive_matrix, _list_with_default,
                   _unpool_output_size, _not_implemented_for, _check_floating)

__all__ = ["max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool3d",
           "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "max_unpool3d",
           "lp_pool3d"]


def _vol(x):
    """(N, C, D, H, W) view of a batched or unbatched (C, D, H, W) array."""
    return x if x.ndim == 5 else x[None]


def _triple_arg(fn, name, vals, text):
    if len(vals) not in (1, 3):
        raise RuntimeError(f"{fn}: {name} {text}")
    return (vals[0],) * 3 if len(vals) == 1 else tuple(vals)


def _pool3d_shape_check(x, nslices, K, s, p, d, S, out, fn_name, check_input_size=False):
    """ATen's pool3d_shape_check (Pool.h)."""
    if min(K) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kT: {K[0]} "
                           f"kH: {K[1]} kW: {K[2]}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dT: {s[0]} "
                           f"dH: {s[1]} dW: {s[2]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationT: {d[0]} "
                           f"dilationH: {d[1]} dilationW: {d[2]}")
    n = x.ndim
    for i in range(n):
        if n == 5 and i == 0:
            continue
        if x.shape[i] <= 0:
            raise RuntimeError(f"{fn_name}: Expected input's non-batch dimensions to have "
                               f"positive length, but input has a shape of {_sizes(x.shape)} "
                               f"and non-batch dimension {x.shape[i]} has length zero!")
    if check_input_size and (S[0] < K[0] or S[1] < K[1] or S[2] < K[2]):
        raise RuntimeError(f"input image (T: {S[0]} H: {S[1]} W: {S[2]}) smaller than kernel "
                           f"size (kT: {K[0]} kH: {K[1]} kW: {K[2]})")
    if not (K[0] // 2 >= p[0] and K[2] // 2 >= p[2] and K[1] // 2 >= p[1]):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"kT: {K[0]} kW: {K[2]} kH: {K[1]} padT: {p[0]} padW: {p[2]} "
                           f"padH: {p[1]}")
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({nslices}x{S[0]}x{S[1]}x{S[2]}). Calculated "
                           f"output size: ({nslices}x{out[0]}x{out[1]}x{out[2]}). Output size "
                           "is too small")


# -- max pooling ------------------------------------------------------------------------------

class MaxPool3DWithIndicesBackward0(_LinearNode):
    """self: max_pool3d_with_indices_backward(grad, self, kernel_size, stride, padding,
    dilation, ceil_mode, result1)  (scatter into the argmax positions)"""
    __slots__ = ()


class MaxPool3DWithIndicesBackwardBackward0(_LinearNode):
    """grad_output: max_pool_double_backward(grad, indices, 3)  (gather at the argmax)"""
    __slots__ = ()


def _max_pool3d_impl(input, kernel_size, stride, padding, dilation, ceil_mode):
    K = _triple_arg("max_pool3d", "kernel_size", kernel_size,
                    "must either be a single int, or a tuple of three ints")
    if len(stride) not in (0, 1, 3):
        raise RuntimeError("max_pool3d: stride must either be omitted, a single int, or a tuple "
                           "of three ints")
    s = K if len(stride) == 0 else _triple_arg("max_pool3d", "stride", stride, "")
    p = _triple_arg("max_pool3d", "padding", padding,
                    "must either be a single int, or a tuple of three ints")
    d = _triple_arg("max_pool3d", "dilation", dilation,
                    "must be either a single int, or a tuple of three ints")
    x = input._data
    if x.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    S = x.shape[-3:]
    out = tuple(_pool_out(S[i], K[i], p[i], s[i], d[i], ceil_mode) for i in range(3))
    _pool3d_shape_check(x, x.shape[-4], K, s, p, d, S, out,
                        "max_pool3d_with_indices_out_cpu_template()")
    if x.dtype == np.bool_:
        _not_implemented_for("max_pool3d", input)
    xs = x.shape
    val, idx = _max_pool_np(_vol(x), K, s, p, d, out)
    if x.ndim == 4:
        val, idx = val[0], idx[0]
    apart = all(s[i] >= (K[i] - 1) * d[i] + 1 for i in range(3))

    def scatter(g):
        return _scatter_flat(_vol(g), _vol(idx), S, apart).reshape(xs)

    def gather(a):
        return _gather_flat(_vol(a), _vol(idx)).reshape(idx.shape)

    ts = record_multi(MaxPool3DWithIndicesBackward0, (input,), (val, idx), saved=(input,),
                      args=(scatter, gather, MaxPool3DWithIndicesBackwardBackward0, None),
                      differentiable=(0,))
    return ts[0], ts[1]


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W): (values, argmax flat indices
    over D*H*W)."""
    fn = "max_pool3d_with_indices"
    return _max_pool3d_impl(input, _ints(kernel_size, fn, "kernel_size", 2),
                            _ints(_stride_arg(stride), fn, "stride", 3),
                            _ints(padding, fn, "padding", 4), _ints(dilation, fn, "dilation", 5),
                            ceil_mode)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-d max pooling; with return_indices=True also the argmax (flat over D*H*W)."""
    if return_indices:
        return max_pool3d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _max_pool3d_impl(input, _ints(kernel_size, "max_pool3d", "kernel_size", 2),
                            _ints(_stride_arg(stride), "max_pool3d", "stride", 3),
                            _ints(padding, "max_pool3d", "padding", 4),
                            _ints(dilation, "max_pool3d", "dilation", 5), ceil_mode)[0]


# -- average pooling --------------------------------------------------------------------------

class AvgPool3DBackward0(_LinearNode):
    """self: avg_pool3d_backward(grad, self, kernel_size, stride, padding, ceil_mode,
    count_include_pad, divisor_override)"""
    __slots__ = ()


class AvgPool3DBackwardBackward0(_LinearNode):
    """grad_output: avg_pool3d(grad, kernel_size, stride, padding, ceil_mode,
    count_include_pad, divisor_override)"""
    __slots__ = ()


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W)."""
    K = _triple_arg("avg_pool3d", "kernel_size", _ints(kernel_size, "avg_pool3d",
                                                       "kernel_size", 2),
                    "must be a single int, or a tuple of three ints")
    stride = _ints(_stride_arg(stride), "avg_pool3d", "stride", 3)
    if len(stride) not in (0, 1, 3):
        raise RuntimeError("avg_pool3d: stride must be omitted, a single int, or a tuple of "
                           "three ints")
    s = K if len(stride) == 0 else _triple_arg("avg_pool3d", "stride", stride, "")
    p = _triple_arg("avg_pool3d", "padding", _ints(padding, "avg_pool3d", "padding", 4),
                    "must be a single int, or a tuple of three ints")
    x = input._data
    if x.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    xs = x.shape
    S = xs[-3:]
    out = tuple(_pool_out(S[i], K[i], p[i], s[i], 1, ceil_mode) for i in range(3))
    _pool3d_shape_check(x, xs[-4], K, s, p, (1, 1, 1), S, out, "avg_pool3d()",
                        check_input_size=True)
    if x.dtype == np.bool_:
        _not_implemented_for("avg_pool3d_out_frame", input)
    div = _avg_divisor(S, K, s, p, out, count_include_pad, divisor_override)
    y = _avg_pool_np(_vol(x), K, s, p, out, div)
    if x.ndim == 4:
        y = y[0]

    def forward(a):
        return _avg_pool_np(_vol(a), K, s, p, out, div).reshape(y.shape)

    def adjoint(g):
        return _avg_pool_adj(_vol(g), S, K, s, p, div).reshape(xs)

    return unary(AvgPool3DBackward0, input, y, saved=(input,),
                 args=(adjoint, forward, AvgPool3DBackwardBackward0, None))


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum over the window of x**p) ** (1/p)."""
    from .pointwise import relu, sign
    kd, kw, kh = _ntuple(kernel_size, 3)
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool3d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool3d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool3d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (sign(out) * relu(out.abs())).mul(kd * kw * kh).pow(1.0 / norm_type)


# -- adaptive pooling -------------------------------------------------------------------------

class AdaptiveAvgPool3DBackward0(_LinearNode):
    """self: _adaptive_avg_pool3d_backward(grad, self)"""
    __slots__ = ()


class AdaptiveAvgPool3DBackwardBackward0(_LinearNode):
    """grad_output: _adaptive_avg_pool3d(grad, output_size)"""
    __slots__ = ()


def _triple_osize(o):
    return (o[0],) * 3 if len(o) == 1 else tuple(o)


def adaptive_avg_pool3d(input, output_size):
    """Average pooling to a fixed output size (D_out, H_out, W_out); None keeps an input
    size."""
    osize = _list_with_default(output_size, input.shape)
    osize = _triple_osize(_ints(osize, "adaptive_avg_pool3d", "output_size"))
    if len(osize) != 3:
        raise RuntimeError("adaptive_avg_pool3d: output_size must be 3")
    if min(osize) < 0:
        raise RuntimeError("adaptive_avg_pool3d: elements of output_size must be greater than or "
                           f"equal to 0 but received {{{osize[0]}, {osize[1]},{osize[2]}}}")
    if osize == (1, 1, 1):
        return input.mean((-1, -2, -3), keepdim=True)
    x = input._data
    if x.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got "
                           f"{_sizes(x.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError("adaptive_avg_pool3d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes {_sizes(x.shape)} "
                               f"with dimension {i} being empty")
    if x.dtype.kind != "f":
        _not_implemented_for("adaptive_avg_pool3d_cpu", input)
    D, H, W = x.shape[-3:]
    ad = _adaptive_matrix(D, osize[0], x.dtype)
    ah = _adaptive_matrix(H, osize[1], x.dtype)
    aw = _adaptive_matrix(W, osize[2], x.dtype)

    def forward(a):
        return np.einsum("...dhw,pd,qh,rw->...pqr", a, ad, ah, aw, optimize=True)

    def adjoint(g):
        return np.einsum("...pqr,pd,qh,rw->...dhw", g, ad, ah, aw, optimize=True)

    return _linear(AdaptiveAvgPool3DBackward0, input, forward, adjoint,
                   AdaptiveAvgPool3DBackwardBackward0, saved=(input,))


class AdaptiveMaxPool3DBackward0(_LinearNode):
    """self: adaptive_max_pool3d_backward(grad, self, result1)"""
    __slots__ = ()


class AdaptiveMaxPool3DBackwardBackward0(_LinearNode):
    """grad_output: max_pool_double_backward(grad, indices, 3)"""
    __slots__ = ()


def _adaptive_max_pool3d_impl(input, osize):
    x = input._data
    xs = x.shape
    if x.ndim not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: "
                           f"{_sizes(xs)}")
    for i in range(1, x.ndim):
        if xs[i] <= 0:
            raise RuntimeError("adaptive_max_pool3d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes {_sizes(xs)} with "
                               f"dimension {i} being empty")
    if len(osize) != 3:
        raise RuntimeError("adaptive_max_pool3d(): internal error: output_size.size() must be 3")
    if min(osize) < 0:
        bad = next(o for o in osize if o < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: "
                           f"{_sizes(xs[:-3] + tuple(osize))}")
    _check_floating("adaptive_max_pool3d_cpu", input)
    S = xs[-3:]
    xp = _vol(x)
    lead = xp.shape[:2]
    if min(osize) == 0:
        val = np.zeros(lead + tuple(osize), dtype=x.dtype)
        idx = np.zeros(val.shape, dtype=np.int64)
    else:
        ix = []
        for i in range(3):
            st, en = _adaptive_bounds(S[i], osize[i])
            ix.append(np.minimum(st[:, None] + np.arange((en - st).max()), en[:, None] - 1))
        i0, i1, i2 = ix                                              # (o_i, L_i)
        # v: (N, C, o0, L0, o1, L1, o2, L2) -> (N, C, o0, o1, o2, L0 * L1 * L2)
        v = xp[:, :, i0[:, :, None, None, None, None], i1[None, None, :, :, None, None],
               i2[None, None, None, None, :, :]]
        window = i0.shape[1] * i1.shape[1] * i2.shape[1]
        v = v.transpose(0, 1, 2, 4, 6, 3, 5, 7).reshape(lead + tuple(osize) + (window,))
        am = v.argmax(-1)
        val = np.take_along_axis(v, am[..., None], -1)[..., 0]
        l0, l1, l2 = np.unravel_index(am, (i0.shape[1], i1.shape[1], i2.shape[1]))
        o0, o1, o2 = np.ix_(*(np.arange(o) for o in osize))
        idx = (i0[o0, l0] * S[1] + i1[o1, l1]) * S[2] + i2[o2, l2]
    if x.ndim == 4:
        val, idx = val[0], idx[0]

    def scatter(g):
        return _scatter_flat(_vol(g), _vol(idx), S).reshape(xs)

    def gather(a):
        return _gather_flat(_vol(a), _vol(idx)).reshape(idx.shape)

    ts = record_multi(AdaptiveMaxPool3DBackward0, (input,), (val, idx), saved=(input,),
                      args=(scatter, gather, AdaptiveMaxPool3DBackwardBackward0, None),
                      differentiable=(0,))
    return ts[0], ts[1]


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """Max pooling to a fixed output size: (values, argmax flat indices over D*H*W)."""
    osize = _list_with_default(output_size, input.shape)
    return _adaptive_max_pool3d_impl(
        input, _triple_osize(_ints(osize, "adaptive_max_pool3d", "output_size")))


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size (D_out, H_out, W_out)."""
    r = adaptive_max_pool3d_with_indices(input, output_size)
    return r if return_indices else r[0]


# -- max unpooling ----------------------------------------------------------------------------

class MaxUnpool3DBackward0(_LinearNode):
    """self: max_pool_double_backward(grad, indices, 3)  (gather at the indices)"""
    __slots__ = ()


class MaxUnpool3DBackwardBackward0(_LinearNode):
    """grad: max_unpool3d(grad, indices, output_size, stride, padding)  (scatter to the
    indices)"""
    __slots__ = ()


def _max_unpool3d_impl(input, indices, output_size):
    if indices.dtype.name != "int64":
        raise RuntimeError("elements in indices should be type int64")
    x, ix = input._data, indices._data
    if x.ndim not in (4, 5):
        raise RuntimeError("Input to max_unpooling3d should be a 4d or 5d Tensor, but got a "
                           f"tensor with {x.ndim} dimensions.")
    if x.shape != ix.shape:
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({_sizes(x.shape)}) but got indices tensor with shape: "
                           f"{_sizes(ix.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError("max_unpooling3d_forward_out_cpu(): Expected input to have "
                               f"non-zero size for non-batch dimensions, but got "
                               f"{_sizes(x.shape)} with dimension {i} being empty.")
    _check_floating("max_unpool3d", input)
    od, oh, ow = output_size
    n = od * oh * ow
    if ix.size and (ix.min() < 0 or ix.max() >= n):
        bad = ix[(ix < 0) | (ix >= n)].ravel()[-1]     # torch reports the last one
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{od}x{oh}x{ow})")
    shape = x.shape[:-3] + (od, oh, ow)
    ixp = _vol(ix)
    N, C = ixp.shape[:2]
    flat = (np.arange(N * C, dtype=np.int64).reshape(N, C, 1, 1, 1) * n + ixp).ravel()

    def forward(a):
        # a write, not a sum: where windows overlap, an index repeats with the same value
        out = np.zeros(N * C * n, dtype=a.dtype)
        out[flat] = a.ravel()
        return out.reshape(shape)

    def adjoint(g):
        return _gather_flat(_vol(g), _vol(ix)).reshape(x.shape)

    def adjoint_of_gather(a):
        return _scatter_flat(_vol(a), ixp, (od, oh, ow)).reshape(shape)

    return unary(MaxUnpool3DBackward0, input, forward(x),
                 args=(adjoint, adjoint_of_gather, MaxUnpool3DBackwardBackward0, None))


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool3d: values put back at their argmax, zeros elsewhere."""
    kernel_size = _ntuple(kernel_size, 3)
    stride = _ntuple(stride, 3) if stride is not None else kernel_size
    padding = _ntuple(padding, 3)
    osize = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _max_unpool3d_impl(input, indices, tuple(osize))
