"""Convolution, pooling, padding, resampling and unfold/fold: torch.nn.functional's spatial ops.

Every op works on a batch of planes ``(N, C, *spatial)`` (or an unbatched ``(C, *spatial)``)
with 1, 2 or 3 spatial dims, written once for any number of them:

- The sliding windows of a (zero-padded) input are strided NumPy views (``_im2col``: one
  ``(N, C, *kernel, *out)`` view; ``_window_slices``: one view per kernel position).  A
  convolution copies them once into columns and multiplies by the weight matrix (one
  ``np.matmul``); pooling reduces over the per-position views.  ``_col2im`` is the adjoint:
  it adds columns back into an image, one strided slice per kernel position (k*k slices,
  never a loop over elements).
- ``convolution`` is the one differentiable primitive behind conv1d/2d/3d and
  conv_transpose1d/2d/3d (torch's ``ConvolutionBackward0``).  Its backward runs on arrays in
  an ordinary backward pass and calls ``convolution`` itself on Tensors under create_graph:
  the input gradient of a convolution is a transposed convolution and vice versa, and the
  weight gradient is a convolution of the input with the output gradient.
- Pooling, padding, upsampling and unfold/fold are linear in the tensor that flows back
  (max pooling's backward scatters into the argmax positions, avg pooling's spreads, padding's
  crops or sums, ...).  Each such backward is one NumPy function with a known adjoint; under
  create_graph it is recorded as a node whose own backward is that adjoint (``_linear``), so
  gradients of any order work without a second formula.
"""
import functools
import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._errors import wrap_dim
from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import Node, unary, record, record_multi, sum_dims

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d",
           "max_pool1d", "max_pool2d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d",
           "max_unpool1d", "max_unpool2d",
           "pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
           "unfold", "fold"]


# -- small helpers ------------------------------------------------------------------------

def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _sizes(shape):
    """[2, 3, 4]: how torch prints an IntArrayRef."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _ints(value, fn, name, pos=None):
    """An int or a sequence of ints as a tuple (what torch's IntArrayRef arguments accept)."""
    if isinstance(value, (bool, np.bool_)):
        return (int(value),)
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    if isinstance(value, (tuple, list)):
        out = []
        for i, v in enumerate(value):
            if not isinstance(v, (int, np.integer)):
                raise TypeError(f"{fn}(): argument '{name}' must be tuple of ints, but found "
                                f"element of type {type(v).__name__} at pos {i}")
            out.append(int(v))
        return tuple(out)
    where = f" (position {pos})" if pos is not None else ""
    raise TypeError(f"{fn}(): argument '{name}'{where} must be tuple of ints, not "
                    f"{type(value).__name__}")


def _int_list(value, n, fn, name):
    """An IntArrayRef[n] argument: a single int stands for n copies of itself."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return (int(value),) * n
    return _ints(value, fn, name)


def _ntuple(value, n):
    """torch.nn.modules.utils._single/_pair/_triple: an int repeated n times, a sequence kept."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,) * n


_C_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
                 "int64": "long int", "int32": "int", "int16": "short int",
                 "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
                 "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _scalar_name(dt):
    """ScalarType name as torch prints it: Float, Double, Long ..."""
    return dt._legacy[:-len("Tensor")]


def _not_implemented_for(op, t):
    raise NotImplementedError(f'"{op}" not implemented for \'{_scalar_name(t.dtype)}\'')


def _check_floating(op, t):
    if t._data.dtype.kind != "f":
        _not_implemented_for(op, t)


# -- NumPy kernels: sliding windows as views, and their adjoint ---------------------------

def _pad_for_windows(x, K, s, p, d, out, fill=0):
    """x (N, C, *S) padded by p on the left and as much as the windows need on the right."""
    nd = len(K)
    S = x.shape[2:]
    right = [max(0, (out[i] - 1) * s[i] + (K[i] - 1) * d[i] + 1 - p[i] - S[i])
             for i in range(nd)]
    if not any(p) and not any(right):
        return x
    xp = np.full(x.shape[:2] + tuple(S[i] + p[i] + right[i] for i in range(nd)), fill,
                 dtype=x.dtype)
    xp[(slice(None), slice(None)) + tuple(slice(p[i], p[i] + S[i]) for i in range(nd))] = x
    return xp


def _windows(xp, K, s, d, out):
    """The view (N, C, *K, *out) of every window of xp (already padded); no copy."""
    nd = len(K)
    st = xp.strides
    shape = xp.shape[:2] + tuple(K) + tuple(out)
    strides = st[:2] + tuple(st[2 + i] * d[i] for i in range(nd)) + \
        tuple(st[2 + i] * s[i] for i in range(nd))
    return as_strided(xp, shape, strides, writeable=False)


def _im2col(x, K, s, p, d, out):
    """Windows of x zero-padded by p: a view (N, C, *K, *out)."""
    return _windows(_pad_for_windows(x, K, s, p, d, out), K, s, d, out)


def _im2col_copy(x, K, s, p, d, out):
    """_im2col as a contiguous array: one strided slice copied per kernel position (NumPy
    copies those much faster than it reshapes the 2*nd-dim window view)."""
    nd = len(K)
    xp = _pad_for_windows(x, K, s, p, d, out)
    cols = np.empty(x.shape[:2] + tuple(K) + tuple(out), dtype=x.dtype)
    lead = (slice(None), slice(None))
    for k in np.ndindex(*K):
        cols[lead + k] = xp[lead + tuple(slice(k[i] * d[i], k[i] * d[i] + (out[i] - 1) * s[i] + 1,
                                               s[i]) for i in range(nd))]
    return cols


def _col2im(cols, size, K, s, p, d):
    """Adjoint of _im2col: cols (N, C, *K, *out) summed back into an image (N, C, *size)."""
    nd = len(K)
    out = cols.shape[2 + nd:]
    full = tuple(max((out[i] - 1) * s[i] + (K[i] - 1) * d[i] + 1, p[i] + size[i])
                 for i in range(nd))
    buf = np.zeros(cols.shape[:2] + full, dtype=cols.dtype)
    if all(o > 0 for o in out):
        lead = (slice(None), slice(None))
        for k in np.ndindex(*K):
            sl = tuple(slice(k[i] * d[i], k[i] * d[i] + (out[i] - 1) * s[i] + 1, s[i])
                       for i in range(nd))
            buf[lead + sl] += cols[lead + k]
    crop = (slice(None), slice(None)) + tuple(slice(p[i], p[i] + size[i]) for i in range(nd))
    res = buf[crop]
    return res if res.flags.c_contiguous else np.ascontiguousarray(res)


def _conv_out(S, K, s, p, d):
    return tuple((S[i] + 2 * p[i] - d[i] * (K[i] - 1) - 1) // s[i] + 1 for i in range(len(K)))


class _Flat:
    """Stride-1 windows as offsets into the flattened padded image.

    With stride 1, element k of the window at output position o sits at flat index
    ``flat(o) + off[k]`` of the padded image.  Taking the output grid over the *whole* padded
    width (and height, for 3-d) instead of the valid part makes each kernel position one
    contiguous slice of the flat image, ``[off[k], off[k] + L)``; the extra (wrapped-around)
    columns are computed and dropped.  Copies of long contiguous runs are several times
    faster in NumPy than the short strided rows of the window view."""
    __slots__ = ("P", "out", "offs", "L", "total", "p", "S")

    def __init__(self, S, K, p, d):
        nd = len(K)
        self.S, self.p = tuple(S), tuple(p)
        self.P = tuple(S[i] + 2 * p[i] for i in range(nd))
        self.out = tuple(self.P[i] - d[i] * (K[i] - 1) for i in range(nd))
        st = [1] * nd
        for i in range(nd - 2, -1, -1):
            st[i] = st[i + 1] * self.P[i + 1]
        self.offs = [sum(k[i] * d[i] * st[i] for i in range(nd)) for k in np.ndindex(*K)]
        self.L = self.out[0] * st[0]
        self.total = max(self.offs[-1] + self.L, _prod(self.P))

    def image(self, x):
        """(N, C, total): x zero-padded, flattened, zero-extended."""
        N, C = x.shape[:2]
        xf = np.zeros((N, C, self.total), dtype=x.dtype)
        inner = (slice(None), slice(None)) + tuple(slice(q, q + n) for q, n in zip(self.p, self.S))
        xf[:, :, :_prod(self.P)].reshape((N, C) + self.P)[inner] = x
        return xf

    def cols(self, x):
        """(N, C, prod(K), L): one contiguous slice of the flat image per kernel position."""
        xf = self.image(x)
        c = np.empty(x.shape[:2] + (len(self.offs), self.L), dtype=x.dtype)
        for j, o in enumerate(self.offs):
            c[:, :, j] = xf[:, :, o:o + self.L]
        return c

    def crop(self, yf, out):
        """(N, O, L) on the full grid -> (N, O, *out), contiguous."""
        y = yf.reshape(yf.shape[:2] + (self.out[0],) + self.P[1:])
        return np.ascontiguousarray(y[(slice(None), slice(None)) +
                                      tuple(slice(0, n) for n in out)])

    def spread(self, gy, pitch=None):
        """gy (N, O, *out) placed on the full grid, zeros elsewhere: (N, O, pitch), pitch L
        by default (zeros after L when longer)."""
        N, O = gy.shape[:2]
        gf = np.zeros((N, O, pitch or self.L), dtype=gy.dtype)
        grid = gf[:, :, :self.L].reshape((N, O, self.out[0]) + self.P[1:])
        grid[(slice(None), slice(None)) + tuple(slice(0, n) for n in gy.shape[2:])] = gy
        return gf

    def col2im(self, wt, xf):
        """The adjoint of cols() applied to the product wt @ xf: wt (g, prod(K), C/g, A/g)
        (the weight, rows in (kernel position, channel) order), xf (N, g, A/g, total) (from
        spread(.., total)); the result (N, C, *S).

        Each plane (group, channel, sample) takes ``total`` entries of one flat line, so the
        columns of kernel position k, shifted by off[k], are added to the line as *one*
        contiguous 1-d slice: a contiguous add runs several times faster in NumPy than the
        same add over (N*C) rows of a 2-d view.  Entries a plane pushes past its end come
        from the zero columns at [L, total) and land harmlessly in the next plane.  The
        columns are made a few kernel positions at a time, in a buffer of about 2 MiB that
        stays in cache."""
        g, nk, Cg, Ag = wt.shape
        N, T = xf.shape[0], xf.shape[3]
        n = Cg * N * T
        line = np.zeros((g, n + self.offs[-1]), dtype=xf.dtype)
        chunk = min(nk, max(1, (2 << 20) // max(1, g * n * xf.itemsize)))
        cols = np.empty((g, chunk, Cg, N, T), dtype=xf.dtype)
        rows = cols.reshape(g, chunk * Cg, N, T)
        for k0 in range(0, nk, chunk):
            kc = min(chunk, nk - k0)
            # BLAS writes each sample's product straight into the (k, channel, sample) layout
            np.matmul(wt[:, k0:k0 + kc].reshape(g, kc * Cg, Ag), xf,
                      out=rows[:, :kc * Cg].transpose(2, 0, 1, 3))
            for j in range(kc):
                o = self.offs[k0 + j]
                line[:, o:o + n] += cols[:, j].reshape(g, n)
        img = line[:, :n].reshape(g, Cg, N, T)[..., :_prod(self.P)]
        img = img.reshape((g, Cg, N) + self.P)[(slice(None),) * 3 +
                                                 tuple(slice(q, q + m)
                                                       for q, m in zip(self.p, self.S))]
        sp = tuple(range(3, 3 + len(self.S)))
        return np.ascontiguousarray(img.transpose((2, 0, 1) + sp)).reshape((N, g * Cg) + self.S)


@functools.lru_cache(maxsize=64)
def _flat(S, K, p, d):
    """The _Flat layout of one geometry, built once (a training loop meets the same few)."""
    return _Flat(S, K, p, d)


def _stride1(s):
    return all(v == 1 for v in s)


def _conv_fwd(x, w, s, p, d, g, out=None):
    """Cross-correlation of x (N, C, *S) with w (O, C/g, *K): (N, O, *out), and the columns
    (N, g, C/g*prod(K), L) it multiplied (the weight gradient needs them again)."""
    N, C = x.shape[:2]
    O = w.shape[0]
    K = w.shape[2:]
    if out is None:
        out = _conv_out(x.shape[2:], K, s, p, d)
    Cg, Og = C // g, O // g
    wm = w.reshape(g, Og, Cg * _prod(K))
    if _stride1(s):
        flat = _flat(tuple(x.shape[2:]), tuple(K), tuple(p), tuple(d))
        cols = flat.cols(x).reshape(N, g, Cg * _prod(K), flat.L)
        y = np.matmul(wm, cols).reshape(N, O, flat.L)
        return flat.crop(y, out), cols
    cols = _im2col_copy(x, K, s, p, d, out).reshape(N, g, Cg * _prod(K), _prod(out))
    y = np.matmul(wm, cols)                                     # (N, g, Og, L)
    return y.reshape((N, O) + tuple(out)), cols


def _conv_tr_fwd(x, w, s, p, d, g, size):
    """Transposed convolution of x (N, C, *I) with w (C, O/g, *K) into (N, O, *size)."""
    N, C = x.shape[:2]
    Og = w.shape[1]
    K = w.shape[2:]
    I = x.shape[2:]
    Cg = C // g
    nk = _prod(K)
    if _stride1(s):
        flat = _flat(tuple(size), tuple(K), tuple(p), tuple(d))
        xf = flat.spread(x, flat.total).reshape(N, g, Cg, flat.total)
        # rows ordered (kernel position, channel), C-contiguous: BLAS takes its fast path
        # for small products, and the columns come out in the layout col2im adds from
        wt = np.ascontiguousarray(w.reshape(g, Cg, Og, nk).transpose(0, 3, 2, 1))
        return flat.col2im(wt, xf)
    wt = np.ascontiguousarray(w.reshape(g, Cg, Og * nk).transpose(0, 2, 1))    # (g, Og*K, Cg)
    cols = np.matmul(wt, x.reshape(N, g, Cg, _prod(I)))         # (N, g, Og*K, L)
    return _col2im(cols.reshape((N, g * Og) + tuple(K) + tuple(I)), size, K, s, p, d)


def _conv_wgrad(x, gy, K, s, p, d, g, cols=None):
    """Weight gradient of a convolution of x (N, C, *S) whose output gradient is gy
    (N, O, *out): (O, C/g, *K).  cols: the forward's columns of x, if kept."""
    N, C = x.shape[:2]
    O = gy.shape[1]
    out = gy.shape[2:]
    Cg, Og = C // g, O // g
    if _stride1(s):
        flat = _flat(tuple(x.shape[2:]), tuple(K), tuple(p), tuple(d))
        if cols is None:
            cols = flat.cols(x).reshape(N, g, Cg * _prod(K), flat.L)
        gyr = flat.spread(gy).reshape(N, g, Og, flat.L)
    else:
        if cols is None:
            cols = _im2col_copy(x, K, s, p, d, out).reshape(N, g, Cg * _prod(K), _prod(out))
        gyr = gy.reshape(N, g, Og, _prod(out))
    if Og >= 16:
        # gw^T = sum over samples of cols_n @ gy_n^T, with gy_n^T copied contiguous: on
        # contiguous operands BLAS runs small products without packing them (OpenBLAS's
        # "direct" sgemm), two to three times faster; the copy costs little unless gy has
        # few channels (its rows are then too short to copy fast)
        gyt = np.ascontiguousarray(gyr.transpose(0, 1, 3, 2))
        gw = np.matmul(cols, gyt).sum(0).transpose(0, 2, 1)
    else:
        # one small product per sample and group (BLAS reads the transposed view), summed
        gw = np.matmul(gyr, cols.transpose(0, 1, 3, 2)).sum(0)
    return gw.reshape((O, Cg) + tuple(K))


# -- convolution: one primitive, one node ------------------------------------------------------

def _narrow_spatial(t, size):
    """t[..., :size0, :size1, ...] on the spatial dims (after N, C), if t is bigger."""
    if tuple(t.shape[2:]) == tuple(size):
        return t
    return t[(slice(None), slice(None)) + tuple(slice(0, n) for n in size)]


def _conv_wgrad_t(x, gy, K, s, p, d, g):
    """_conv_wgrad on Tensors, as one differentiable convolution: batch and channels of x
    trade places, gy becomes the weight, stride and dilation swap."""
    N, C = x.shape[:2]
    O = gy.shape[1]
    nd = len(K)
    Cg, Og = C // g, O // g
    sp = tuple(range(3, 3 + nd))
    xs = x.reshape((N, g, Cg) + tuple(x.shape[2:])).permute((2, 1, 0) + sp)
    xs = xs.reshape((Cg, g * N) + tuple(x.shape[2:]))
    ws = gy.reshape((N, g, Og) + tuple(gy.shape[2:])).permute((1, 2, 0) + sp)
    ws = ws.reshape((g * Og, N) + tuple(gy.shape[2:]))
    r = convolution(xs, ws, None, d, p, s, False, (0,) * nd, g)      # (Cg, O, *R), R >= K
    return _narrow_spatial(r, K).transpose(0, 1)


class ConvolutionBackward0(Node):
    """input, weight, bias: convolution_backward(grad, input, weight, bias_sizes, stride,
    padding, dilation, transposed, output_padding, groups, grad_input_mask)

    grad_input  = conv_transpose(grad, weight)   (conv(grad, weight) when transposed)
    grad_weight = conv(input, grad) with batch and channels swapped (roles of input and grad
                  swapped when transposed)
    grad_bias   = grad.sum over batch and spatial dims"""
    __slots__ = ()

    def backward(self, grad):
        x, w = self.unpack()
        s, p, d, transposed, op, g, cols = self.args
        nf = self.next_functions
        K = tuple(w.shape[2:])
        nd = len(K)
        gx = gw = gb = None
        if isinstance(grad, Tensor):
            if nf[0][0] is not None:
                if transposed:
                    gx = _narrow_spatial(convolution(grad, w, None, s, p, d, False, (0,) * nd, g),
                                         x.shape[2:])
                else:
                    S, out = x.shape[2:], grad.shape[2:]
                    rem = tuple(S[i] + 2 * p[i] - d[i] * (K[i] - 1) - 1 - (out[i] - 1) * s[i]
                                for i in range(nd))
                    gx = convolution(grad, w, None, s, p, d, True, rem, g)
            if nf[1][0] is not None:
                gw = _conv_wgrad_t(grad, x, K, s, p, d, g) if transposed else \
                    _conv_wgrad_t(x, grad, K, s, p, d, g)
        else:
            if nf[0][0] is not None:
                if transposed:
                    gx = _conv_fwd(grad, w, s, p, d, g, out=x.shape[2:])[0]
                else:
                    gx = _conv_tr_fwd(grad, w, s, p, d, g, x.shape[2:])
            if nf[1][0] is not None:
                gw = _conv_wgrad(grad, x, K, s, p, d, g) if transposed else \
                    _conv_wgrad(x, grad, K, s, p, d, g, cols)
        if nf[2][0] is not None:
            gb = sum_dims(grad, (0,) + tuple(range(2, 2 + nd)))
        return gx, gw, gb


def _expand_param(vals, name, dim):
    if len(vals) == 1:
        return vals * dim
    if len(vals) != dim:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dim} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={_sizes(vals)}")
    return tuple(vals)


def _check_shape_forward(xs, ws, bias, s, p, d, transposed, op, groups):
    """at::native::check_shape_forward: torch's checks, in torch's order."""
    k = len(xs)
    if any(v < 0 for v in p):
        raise RuntimeError("negative padding is not supported")
    if any(v < 0 for v in op):
        raise RuntimeError("negative output_padding is not supported")
    if any(v <= 0 for v in s):
        raise RuntimeError("non-positive stride is not supported")
    if any(v < 0 for v in d):
        raise RuntimeError("dilation should be greater than zero")
    if len(ws) != k:
        raise RuntimeError(f"Expected {len(ws)}-dimensional input for {len(ws)}-dimensional "
                           f"weight {_sizes(ws)}, but got {k}-dimensional input of size "
                           f"{_sizes(xs)} instead")
    if ws[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {_sizes(ws)} instead")
    if ws[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_sizes(ws)}] instead")
    bs = None if bias is None else tuple(bias.shape)
    if not transposed:
        if xs[1] != ws[1] * groups:
            raise RuntimeError(f"Given groups={groups}, weight of size {_sizes(ws)}, expected "
                               f"input{_sizes(xs)} to have {ws[1] * groups} channels, but got "
                               f"{xs[1]} channels instead")
        if bs is not None and not (len(bs) == 1 and bs[0] == ws[0]):
            raise RuntimeError(f"Given weight of size {_sizes(ws)}, expected bias to be "
                               f"1-dimensional with {ws[0]} elements, but got bias of size "
                               f"{_sizes(bs)} instead")
        padded = [xs[2 + i] + 2 * p[i] for i in range(k - 2)]
        kern = [d[i] * (ws[2 + i] - 1) + 1 for i in range(k - 2)]
        if any(a < b for a, b in zip(padded, kern)):
            raise RuntimeError(f"Calculated padded input size per channel: "
                               f"({' x '.join(map(str, padded))}). Kernel size: "
                               f"({' x '.join(map(str, kern))}). Kernel size can't be greater "
                               f"than actual input size")
    else:
        if xs[1] != ws[0]:
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected "
                               f"input{_sizes(xs)} to have {ws[0]} channels, but got {xs[1]} "
                               f"channels instead")
        if bs is not None and not (len(bs) == 1 and bs[0] == ws[1] * groups):
            raise RuntimeError(f"Given transposed=1, weight of size {_sizes(ws)}, expected bias "
                               f"to be 1-dimensional with {ws[1] * groups} elements, but got "
                               f"bias of size {_sizes(bs)} instead")


_AXES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def _check_transposed(xs, ws, s, p, d, op, mkldnn=False):
    """slow_conv_transpose shape checks (1-d runs as 2-d with a unit height, as in torch).
    oneDNN (mkldnn) checks no output size: an empty output is computed, a negative one fails
    to build its memory descriptor."""
    nd = len(xs) - 2
    I, K = list(xs[2:]), list(ws[2:])
    s, p, d, op = list(s), list(p), list(d), list(op)
    if nd == 1:
        I, K, s, p, d, op = [1] + I, [1] + K, [1] + s, [0] + p, [1] + d, [0] + op
    names = _AXES[len(I)]
    if any(op[i] >= s[i] and op[i] >= d[i] for i in range(len(I))):
        parts = [f"output_padding_{n}: {v}" for n, v in zip(names, op)] + \
                [f"stride_{n}: {v}" for n, v in zip(names, s)] + \
                [f"dilation_{n}: {v}" for n, v in zip(names, d)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                           "got " + " ".join(parts))
    out = [(I[i] - 1) * s[i] - 2 * p[i] + d[i] * (K[i] - 1) + op[i] + 1 for i in range(len(I))]
    if mkldnn:
        if any(o < 0 for o in out):
            raise RuntimeError("could not construct a memory descriptor using a format tag")
        return
    if any(o < 1 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, I))}). "
                           f"Calculated output size per channel: "
                           f"({' x '.join(map(str, out))}). Output size is too small")


def _use_mkldnn(input, ws, s, d, groups, transposed, op):
    """ConvParams::use_mkldnn on the CPU: which backend torch runs (its errors differ).

    Only float32 goes to oneDNN, 1-d convolution as 2-d of height 1, and small single-batch
    ungrouped problems stay on the native kernels."""
    if input.dtype.name != "float32":
        return False
    xs = input._data.shape
    K = list(ws[2:])
    S = list(xs[2:])
    if len(K) == 1:
        K, S, s, d, op = [1] + K, [1] + S, [1] + list(s), [1] + list(d), [0] + list(op)
    if transposed and any(op[i] >= s[i] for i in range(len(K))):
        return False
    # torch also picks oneDNN for a 1x1 kernel when it runs multi-threaded; ember takes the
    # thread count set with set_num_threads, and one thread (the differential tests'
    # torch.set_num_threads(1)) when none was set
    from .. import _misc
    N = xs[0]
    first = (any(v != 1 for v in s) or any(v != 1 for v in d) or N >= 16 or K[-1] != 1 or
             K[-2] != 1 or (_misc._threads or 1) > 1)
    return first and (groups > 1 or (K[-1] > 3 and K[-2] > 3) or N > 1 or
                      N * xs[1] * S[0] * S[1] > 20480)


def _check_dilation(d, K, transposed, mkldnn):
    """A zero dilation: oneDNN's error, or the native kernels' shape check (1-d as 2-d).
    oneDNN's deconvolution takes a zero dilation along a kernel dim of size 1 (where it
    changes nothing) while every longer kernel dim is undilated."""
    if mkldnn:
        if transposed and len(d) < 3:
            if all(v == 1 or k == 1 for v, k in zip(d, K)):
                return
            raise RuntimeError("could not create a primitive descriptor for the deconvolution "
                               "forward propagation primitive. Run workload with environment "
                               "variable ONEDNN_VERBOSE=all to get additional diagnostic "
                               "information.")
        if not transposed:
            raise RuntimeError("non-positive dilation is not supported")
    d = [1] + list(d) if len(d) == 1 else list(d)
    if transposed:
        parts = [f"dilation_{n}: {v}" for n, v in zip(_AXES[len(d)], d)]
        raise RuntimeError("dilation should be greater than zero, but got " + ", ".join(parts))
    raise RuntimeError(f"dilation should be greater than zero, but got {d}")


def _check_types(input, weight, bias, mkldnn=True):
    xd, wd = input.dtype, weight.dtype
    bd = None if bias is None else bias.dtype
    if xd is wd and (bd is None or bd is xd):
        return
    if xd.name == "float32" and mkldnn:     # the oneDNN (mkldnn) path words it its own way
        if xd is not wd:
            raise RuntimeError(f"Input type (torch.{xd._legacy}) and weight type "
                               f"(torch.{wd._legacy}) should be the same or input should be a "
                               "MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"Input type (torch.{xd._legacy}) and bias type (torch.{bd._legacy}) "
                           "should be the same or input should be a MKLDNN tensor and bias is a "
                           "dense tensor")
    other = wd if xd is not wd else bd
    raise RuntimeError(f"expected scalar type {_scalar_name(xd)} but found {_scalar_name(other)}")


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """torch.convolution: the N-d (transposed) convolution every conv function runs."""
    xs, ws = input._data.shape, weight._data.shape
    dim = len(ws) - 2
    if dim <= 0:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    s = _expand_param(tuple(stride), "stride", dim)
    p = _expand_param(tuple(padding), "padding", dim)
    d = _expand_param(tuple(dilation), "dilation", dim)
    op = _expand_param(tuple(output_padding), "output_padding", dim)
    _check_shape_forward(xs, ws, bias, s, p, d, transposed, op, groups)
    if xs[0] != 0 and xs[1] != 0 and _prod(xs) == 0:
        raise RuntimeError("Only zero batch or zero channel inputs are supported, but got input "
                           f"shape: {_sizes(xs)}")
    mkldnn = _use_mkldnn(input, ws, s, d, groups, transposed, op)
    if any(v == 0 for v in d):
        _check_dilation(d, ws[2:], transposed, mkldnn)
    if transposed:
        _check_transposed(xs, ws, s, p, d, op, mkldnn)
    # the native transposed kernels add a bias of another dtype (cast to the input's)
    _check_types(input, weight, None if transposed and not mkldnn else bias, mkldnn)
    kind = input._data.dtype
    if kind.kind in "biu" and kind != np.int64:
        # torch's CPU kernels: integer convolution only in the plain (undilated) int path
        if transposed:
            _not_implemented_for(f"slow_conv_transpose{max(dim, 2)}d_out_cpu", input)
        if any(v != 1 for v in d):
            _not_implemented_for("slow_conv_dilated<>", input)
        if kind == np.bool_:
            _not_implemented_for("slow_conv2d_cpu", input)
    x, w = input._data, weight._data
    K = ws[2:]
    cols = None
    if transposed:
        size = tuple((xs[2 + i] - 1) * s[i] - 2 * p[i] + d[i] * (K[i] - 1) + op[i] + 1
                     for i in range(dim))
        if xs[0] == 0 or xs[1] == 0:
            out = np.zeros((xs[0], ws[1] * groups) + size, dtype=x.dtype)
        else:
            out = _conv_tr_fwd(x, w, s, p, d, groups, size)
    else:
        if xs[0] == 0 or xs[1] == 0:
            size = _conv_out(xs[2:], K, s, p, d)
            out = np.zeros((xs[0], 0 if xs[1] == 0 else ws[0]) + size, dtype=x.dtype)
        else:
            out, cols = _conv_fwd(x, w, s, p, d, groups)
            if not (weight._requires_grad and _gm._enabled):
                cols = None         # kept only for the weight gradient
    if bias is not None:
        out += bias._data.reshape((1, -1) + (1,) * dim)
    return record(ConvolutionBackward0, (input, weight, bias), out, saved=(input, weight),
                  args=(s, p, d, bool(transposed), op, groups, cols))


def _batchify(input, nd, name):
    n = input._data.ndim
    if n != nd + 1 and n != nd + 2:
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {_sizes(input._data.shape)}")
    return (input, True) if n == nd + 2 else (input.unsqueeze(0), False)


_same_warned = [False]


def _conv_nd(nd, name, input, weight, bias, stride, padding, dilation, groups):
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({_C_TYPE_NAMES[input.dtype.name]}) and bias type "
                           f"({_C_TYPE_NAMES[bias.dtype.name]}) should be the same")
    x, batched = _batchify(input, nd, name)
    s = _int_list(stride, nd, name, "stride")
    d = _int_list(dilation, nd, name, "dilation")
    if isinstance(padding, str):
        out = _convolution_mode(x, weight, bias, s, padding, d, groups)
    else:
        p = _int_list(padding, nd, name, "padding")
        out = convolution(x, weight, bias, s, p, d, False, (0,), groups)
    return out if batched else out.squeeze(0)


def _convolution_mode(x, weight, bias, s, padding, d, groups):
    if padding == "valid":
        return convolution(x, weight, bias, s, (0,), d, False, (0,), groups)
    if padding != "same":
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    ws = weight._data.shape
    k = len(ws)
    if k <= 2:
        raise RuntimeError("weight should have at least three dimensions")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    dim = k - 2
    if k != x._data.ndim:
        raise RuntimeError(f"Expected {k}-dimensional input for {k}-dimensional weight"
                           f"{_sizes(ws)}, but got {x._data.ndim}-dimensional input of size "
                           f"{_sizes(x._data.shape)} instead")
    if len(s) not in (1, dim):
        raise RuntimeError(f"stride cannot broadcast to {dim} dimensions")
    if len(d) not in (1, dim):
        raise RuntimeError(f"dilation cannot broadcast to {dim} dimensions")
    if any(v != 1 for v in s):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    left, right = [], []
    for i in range(dim):
        total = (d[0] if len(d) == 1 else d[i]) * (ws[2 + i] - 1)
        left.append(total // 2)
        right.append(total - total // 2)
    if left == right:
        return convolution(x, weight, bias, s, tuple(left), d, False, (0,) * dim, groups)
    if not _same_warned[0]:
        _same_warned[0] = True
        warnings.warn("Using padding='same' with even kernel lengths and odd dilation may "
                      "require a zero-padded copy of the input be created", UserWarning,
                      stacklevel=4)
    pads = [0] * (2 * dim)
    for i in range(dim):
        pads[2 * (dim - 1 - i) + 1] = right[i] - left[i]
    x = constant_pad_nd(x, pads, 0)
    return convolution(x, weight, bias, s, tuple(left), d, False, (0,) * dim, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d cross-correlation over (N, C, L) or (C, L); padding may be 'same' or 'valid'."""
    return _conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d cross-correlation over (N, C, H, W) or (C, H, W); padding may be 'same'/'valid'."""
    return _conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d cross-correlation over (N, C, D, H, W) or (C, D, H, W)."""
    return _conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose_nd(nd, name, input, weight, bias, stride, padding, output_padding, groups,
                       dilation):
    x, batched = _batchify(input, nd, name)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    out = convolution(x, weight, bias, _int_list(stride, nd, name, "stride"),
                      _int_list(padding, nd, name, "padding"),
                      _int_list(dilation, nd, name, "dilation"), True,
                      _int_list(output_padding, nd, name, "output_padding"), groups)
    return out if batched else out.squeeze(0)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-d transposed convolution ("deconvolution"); weight is (C_in, C_out/groups, k)."""
    return _conv_transpose_nd(1, "conv_transpose1d", input, weight, bias, stride, padding,
                              output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-d transposed convolution; weight is (C_in, C_out/groups, kH, kW)."""
    return _conv_transpose_nd(2, "conv_transpose2d", input, weight, bias, stride, padding,
                              output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-d transposed convolution; weight is (C_in, C_out/groups, kD, kH, kW)."""
    return _conv_transpose_nd(3, "conv_transpose3d", input, weight, bias, stride, padding,
                              output_padding, groups, dilation)


# -- linear backward maps and their adjoints ---------------------------------------------------

class _LinearNode(Node):
    """A node whose backward is a fixed linear map of grad.

    args = (adjoint, forward, adjoint node class, input shape or None): ``adjoint`` maps grad
    (NumPy) to the input gradient.  Under create_graph it is recorded as a node of the adjoint
    class, whose own backward is ``forward``: every derivative order works with no second
    formula.  When the op saved its input (torch's backward op takes ``self`` as well, e.g.
    ``avg_pool2d_backward(grad, self, ...)``), the recorded node has the input as a second,
    zero-derivative input, as torch's does (``self: zeros_like(self)``)."""
    __slots__ = ()

    def backward(self, grad):
        adjoint, forward, adjoint_cls, shape = self.args
        saved = self.unpack() if self.saved else None
        if isinstance(grad, Tensor):
            if saved:
                x = saved[0]
                g = record(adjoint_cls, (grad, x), adjoint(grad._data),
                           args=(forward, adjoint, type(self), tuple(x.shape)))
            else:
                g = _linear(adjoint_cls, grad, adjoint, forward, type(self))
        else:
            g = adjoint(grad)
        if shape is None:
            return (g,)
        zero = np.zeros(shape, dtype=grad.dtype if not isinstance(grad, Tensor)
                        else grad._data.dtype)
        return g, (_make(zero) if isinstance(grad, Tensor) else zero)


def _linear(NodeClass, x, fn, adjoint, adjoint_cls, saved=()):
    """fn(x) for a linear NumPy map fn whose adjoint is known, recorded as NodeClass."""
    return unary(NodeClass, x, fn(x._data), saved=saved, args=(adjoint, fn, adjoint_cls, None))


# -- max pooling ------------------------------------------------------------------------------

class MaxPool2DWithIndicesBackward0(_LinearNode):
    """self: max_pool2d_with_indices_backward(grad, self, ..., result1)  (scatter into the
    argmax positions)"""
    __slots__ = ()


class MaxPool2DWithIndicesBackwardBackward0(_LinearNode):
    """grad_output: max_pool_double_backward(grad, indices, 2)  (gather at the argmax)"""
    __slots__ = ()


class AdaptiveMaxPool2DBackward0(_LinearNode):
    """self: adaptive_max_pool2d_backward(grad, self, result1)"""
    __slots__ = ()


class AdaptiveMaxPool2DBackwardBackward0(_LinearNode):
    """grad_output: max_pool_double_backward(grad, indices, 2)"""
    __slots__ = ()


def _scatter_flat(g, idx, S, unique=False):
    """g, idx (N, C, *out) -> (N, C, *S): g added at the flat spatial positions idx.
    unique: no position appears twice in a plane (pooling windows that do not overlap), so
    the sum is a plain assignment, about twice as fast as np.bincount."""
    N, C = g.shape[:2]
    Sp = _prod(S)
    base = np.arange(N * C, dtype=np.int64).reshape((N, C) + (1,) * (idx.ndim - 2)) * Sp
    flat = (base + idx).ravel()
    weights = g.ravel()
    if idx.size and (idx.min() < 0 or idx.max() >= Sp):
        # a window entirely in the padding has no element to send its gradient to
        ok = ((idx >= 0) & (idx < Sp)).ravel()
        flat, weights = flat[ok], np.broadcast_to(g, idx.shape).ravel()[ok]
    if unique:
        r = np.zeros(N * C * Sp, dtype=g.dtype)
        r[flat] = weights
        return r.reshape((N, C) + tuple(S))
    r = np.bincount(flat, weights=weights, minlength=N * C * Sp)
    return r.astype(g.dtype, copy=False).reshape((N, C) + tuple(S))


def _gather_flat(a, idx):
    """a (N, C, *S), idx (N, C, *out) -> a at the flat spatial positions idx."""
    N, C = a.shape[:2]
    flat = a.reshape(N, C, -1)
    ix = idx.reshape(N, C, -1)
    bad = (ix < 0) | (ix >= flat.shape[2]) if idx.size else None
    if bad is not None and bad.any():          # windows entirely in the padding
        r = np.take_along_axis(flat, np.where(bad, 0, ix), 2)
        return np.where(bad, 0, r).reshape(idx.shape)
    return np.take_along_axis(flat, ix, 2).reshape(idx.shape)


def _window_slices(xp, K, s, d, out):
    """The prod(K) strided views of xp (N, C, *padded): the k-th element of every window."""
    nd = len(K)
    lead = (slice(None), slice(None))
    return [xp[lead + tuple(slice(k[i] * d[i], k[i] * d[i] + (out[i] - 1) * s[i] + 1, s[i])
                            for i in range(nd))] for k in np.ndindex(*K)]


def _max_pool_np(x, K, s, p, d, out):
    """Max over each window of x (N, C, *S) padded with -inf: values and flat indices.

    Elementwise maxima of the prod(K) window slices (no copy of the windows); the argmax is
    the first slice equal to the max, as torch's strict > keeps the first; NaN wins, the last
    NaN (torch's ``|| isnan(val)``)."""
    nd = len(K)
    S = x.shape[2:]
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    sls = _window_slices(_pad_for_windows(x, K, s, p, d, out, fill), K, s, d, out)
    val = sls[0].copy()
    for sl in sls[1:]:
        np.maximum(val, sl, out=val)
    # kid = index of the first slice equal to the max, in branch-free integer arithmetic:
    # masked writes (np.where, copyto(where=)) branch on every element and, on a random
    # mask like this one, run about ten times slower
    kdt = np.uint8 if len(sls) < 256 else np.int64
    kid = np.zeros(val.shape, dtype=kdt)
    miss = sls[0] != val
    for j in range(1, len(sls)):
        hit = sls[j] == val
        hit &= miss                     # equal to the max, and no earlier slice was
        miss ^= hit
        kid += hit.astype(kdt) * kdt(j)
    if x.dtype.kind == "f" and np.isnan(val).any():
        for j, sl in enumerate(sls):
            np.copyto(kid, j, where=np.isnan(sl))
    # flat offset of each kernel position, and of each window's origin
    offs = np.zeros(1, np.int64)
    base = np.zeros((), np.int64)
    first = np.zeros((), np.int64)
    for i in range(nd):
        offs = np.add.outer(offs * S[i], np.arange(K[i], dtype=np.int64) * d[i]).ravel()
        start = np.arange(out[i], dtype=np.int64) * s[i] - p[i]
        base = np.add.outer(base * S[i], start)
        # torch's start of the window moved past the padding (by whole dilation steps)
        first = np.add.outer(first * S[i], np.where(start < 0, start + (-start + d[i] - 1) //
                                                    d[i] * d[i], start))
    idx = base + np.take(offs, kid)
    low = val == fill
    if low.any():
        # no element beat torch's initial -inf (all padding or all -inf): it keeps the
        # window's first in-range position
        idx = np.where(low, first, idx)
    return val, idx


def _pool_out(size, k, p, s, d, ceil_mode):
    """pooling_output_shape, with its checks."""
    if s == 0:
        raise RuntimeError("stride should not be zero")
    if p < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    if p > ((k - 1) * d + 1) // 2:
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={p}, kernel_size={k} and dilation={d}")
    out = (size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _pool2d_shape_check(xs, K, s, p, d, out):
    if K[0] <= 0 or K[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {K[0]} "
                           f"kW: {K[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {s[0]} "
                           f"dW: {s[1]}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} "
                           f"dilationW: {d[1]}")
    n = len(xs)
    valid = xs[1] != 0 and xs[2] != 0
    if not ((n == 3 and xs[0] != 0 and valid) or (n == 4 and valid and xs[3] != 0)):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{_sizes(xs)}")
    if not (K[1] // 2 >= p[1] and K[0] // 2 >= p[0]):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but got "
                           f"padW = {p[1]}, padH = {p[0]}, kW = {K[1]}, kH = {K[0]}")
    if out[0] < 1 or out[1] < 1:
        raise RuntimeError(f"Given input size: ({xs[-3]}x{xs[-2]}x{xs[-1]}). Calculated output "
                           f"size: ({xs[-3]}x{out[0]}x{out[1]}). Output size is too small")


def _pair_arg(fn, name, vals, allow_empty=False, text="must either be a single int, or a tuple "
              "of two ints"):
    if len(vals) == 0 and allow_empty:
        return None
    if len(vals) not in (1, 2):
        raise RuntimeError(f"{fn}: {name} {text}")
    return (vals[0], vals[0]) if len(vals) == 1 else tuple(vals)


def _as_planes(x):
    """(N, C, *S) view of a batched or unbatched (C, *S) array."""
    return x if x.ndim == 4 else x[None]


def _max_pool2d_impl(input, kernel_size, stride, padding, dilation, ceil_mode):
    """max_pool2d_with_indices: (values, indices), grad_fn MaxPool2DWithIndicesBackward0."""
    K = _pair_arg("max_pool2d", "kernel_size", kernel_size)
    if len(stride) not in (0, 1, 2):
        raise RuntimeError("max_pool2d: stride must either be omitted, a single int, or a tuple "
                           "of two ints")
    s = K if len(stride) == 0 else _pair_arg("max_pool2d", "stride", stride)
    p = _pair_arg("max_pool2d", "padding", padding)
    d = _pair_arg("max_pool2d", "dilation", dilation, text="must be either a single int, or a "
                  "tuple of two ints")
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    S = x.shape[-2:]
    out = (_pool_out(S[0], K[0], p[0], s[0], d[0], ceil_mode),
           _pool_out(S[1], K[1], p[1], s[1], d[1], ceil_mode))
    _pool2d_shape_check(x.shape, K, s, p, d, out)
    if x.dtype == np.bool_:
        _not_implemented_for("max_pool2d", input)
    xp = _as_planes(x)
    val, idx = _max_pool_np(xp, K, s, p, d, out)
    if x.ndim == 3:
        val, idx = val[0], idx[0]
    shape = x.shape

    # windows that do not overlap send each input element at most one gradient
    apart = all(s[i] >= (K[i] - 1) * d[i] + 1 for i in range(2))

    def scatter(g):
        return _scatter_flat(_as_planes(g), _as_planes(idx), S, apart).reshape(shape)

    def gather(a):
        return _gather_flat(_as_planes(a), _as_planes(idx)).reshape(idx.shape)

    ts = record_multi(MaxPool2DWithIndicesBackward0, (input,), (val, idx), saved=(input,),
                      args=(scatter, gather, MaxPool2DWithIndicesBackwardBackward0, None),
                      differentiable=(0,))
    return ts[0], ts[1]


def _stride_arg(stride):
    return () if stride is None else stride


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """2-d max pooling over (N, C, H, W) or (C, H, W): (values, argmax flat indices)."""
    return _max_pool2d_impl(input, _ints(kernel_size, "max_pool2d_with_indices", "kernel_size"),
                            _ints(_stride_arg(stride), "max_pool2d_with_indices", "stride"),
                            _ints(padding, "max_pool2d_with_indices", "padding"),
                            _ints(dilation, "max_pool2d_with_indices", "dilation"), ceil_mode)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling; with return_indices=True also the argmax (flat over H*W)."""
    if return_indices:
        return max_pool2d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _max_pool2d_impl(input, _ints(kernel_size, "max_pool2d", "kernel_size", 2),
                            _ints(_stride_arg(stride), "max_pool2d", "stride", 3),
                            _ints(padding, "max_pool2d", "padding", 4),
                            _ints(dilation, "max_pool2d", "dilation", 5), ceil_mode)[0]


def _check_dim_range(input, fn, lo, hi):
    n = input._data.ndim
    if not lo <= n < hi:
        raise RuntimeError(f"Expected {lo} to {hi - 1} dimensions, but got {n}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {fn})")


def _check1d(fn, name, vals):
    if len(vals) != 1:
        raise RuntimeError(f"{fn}() argument '{name}' should contain one int (got {len(vals)})")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """1-d max pooling over (N, C, L) or (C, L): (values, argmax indices)."""
    _check_dim_range(input, "max_pool1d", 2, 4)
    k = _ints(kernel_size, "max_pool1d_with_indices", "kernel_size")
    s = _ints(_stride_arg(stride), "max_pool1d_with_indices", "stride")
    p = _ints(padding, "max_pool1d_with_indices", "padding")
    d = _ints(dilation, "max_pool1d_with_indices", "dilation")
    if len(s) == 0:
        s = k
    _check1d("max_pool1d", "kernel_size", k)
    _check1d("max_pool1d", "stride", s)
    _check1d("max_pool1d", "padding", p)
    _check1d("max_pool1d", "dilation", d)
    val, idx = _max_pool2d_impl(input.unsqueeze(-2), (1, k[0]), (1, s[0]), (0, p[0]),
                                (1, d[0]), ceil_mode)
    return val.squeeze(-2), idx.squeeze(-2)


def _check_max_pool1d(x, k, s, p, d, ceil_mode):
    xs = x.shape
    n = len(xs)
    if not ((n == 2 and xs[0] != 0 and xs[1] != 0) or (n == 3 and xs[1] != 0 and xs[2] != 0)):
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{_sizes(xs)}")
    if len(k) != 1:
        raise RuntimeError("max_pool1d() kernel_size must be an int, list of ints or tuple of "
                           f"ints of size 1 but got size {len(k)}")
    if len(s) not in (0, 1):
        raise RuntimeError("max_pool1d() stride must be None, an int, list of ints, or tuple of "
                           f"ints of size 1 but got size {len(s)}")
    if len(p) != 1:
        raise RuntimeError("max_pool1d() padding must be an int, list of ints, or tuple of ints "
                           f"of size 1 but got size {len(p)}")
    if len(d) != 1:
        raise RuntimeError("max_pool1d() dilation must be an int, list of ints or tuple of ints "
                           f"of size 1 but got size {len(d)}")
    if len(s) == 0:
        s = k
    if k[0] <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k[0]}")
    if s[0] <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s[0]}")
    if p[0] < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p[0]}")
    if p[0] > k[0] // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but got "
                           f"padding={p[0]} and kernel_size={k[0]}")
    if d[0] <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d[0]}")
    ow = _pool_out(xs[-1], k[0], p[0], s[0], d[0], ceil_mode)
    if ow <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {ow}")
    return s


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling; with return_indices=True also the argmax indices."""
    if return_indices:
        return max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode)
    k = _ints(kernel_size, "max_pool1d", "kernel_size", 2)
    s = _ints(_stride_arg(stride), "max_pool1d", "stride", 3)
    p = _ints(padding, "max_pool1d", "padding", 4)
    d = _ints(dilation, "max_pool1d", "dilation", 5)
    s = _check_max_pool1d(input._data, k, s, p, d, ceil_mode)
    val, _ = _max_pool2d_impl(input.unsqueeze(-2), (1, k[0]), (1, s[0]), (0, p[0]),
                              (1, d[0]), ceil_mode)
    return val.squeeze(-2)


# -- average pooling --------------------------------------------------------------------------

class AvgPool2DBackward0(_LinearNode):
    """self: avg_pool2d_backward(grad, self, kernel_size, stride, padding, ceil_mode,
    count_include_pad, divisor_override)"""
    __slots__ = ()


class AvgPool2DBackwardBackward0(_LinearNode):
    """grad_output: avg_pool2d(grad, kernel_size, stride, padding, ceil_mode,
    count_include_pad, divisor_override)"""
    __slots__ = ()


def _avg_divisor(S, K, s, p, out, count_include_pad, divisor_override):
    """The divisor of every output position (torch's pool_size / count rules)."""
    if divisor_override is not None:
        return np.full(tuple(out), divisor_override, dtype=np.int64)
    div = np.ones((), dtype=np.int64)
    for i in range(len(K)):
        start = np.arange(out[i], dtype=np.int64) * s[i] - p[i]
        end = np.minimum(start + K[i], S[i] + p[i])
        if count_include_pad:
            n = end - start
        else:
            n = np.minimum(end, S[i]) - np.maximum(start, 0)
        div = np.multiply.outer(div, n)
    return div


def _avg_pool_np(x, K, s, p, out, div):
    nd = len(K)
    sls = _window_slices(_pad_for_windows(x, K, s, p, (1,) * nd, out), K, s, (1,) * nd, out)
    tot = sls[0].copy()
    for sl in sls[1:]:
        tot += sl
    if x.dtype.kind in "iu":
        q = np.abs(tot) // div          # C++ integer division truncates toward zero
        return (np.sign(tot) * q).astype(x.dtype)
    return (tot / div).astype(x.dtype, copy=False)


def _avg_pool_adj(g, S, K, s, p, div):
    nd = len(K)
    gd = (g / div).astype(g.dtype, copy=False)
    cols = np.broadcast_to(gd[(slice(None), slice(None)) + (None,) * nd],
                           g.shape[:2] + tuple(K) + g.shape[2:])
    return _col2im(cols, S, K, s, p, (1,) * nd)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-d average pooling over (N, C, H, W) or (C, H, W)."""
    return _avg_pool2d_impl(input, _ints(kernel_size, "avg_pool2d", "kernel_size", 2),
                            _ints(_stride_arg(stride), "avg_pool2d", "stride", 3),
                            _ints(padding, "avg_pool2d", "padding", 4), ceil_mode,
                            count_include_pad, divisor_override)


def _avg_pool2d_impl(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override):
    K = _pair_arg("avg_pool2d", "kernel_size", kernel_size)
    if len(stride) not in (0, 1, 2):
        raise RuntimeError("avg_pool2d: stride must either be omitted, a single int, or a tuple "
                           "of two ints")
    s = K if len(stride) == 0 else _pair_arg("avg_pool2d", "stride", stride)
    p = _pair_arg("avg_pool2d", "padding", padding)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    x = input._data
    xs = x.shape
    wrap_dim(-3, x.ndim)
    S = xs[-2:]
    out = (_pool_out(S[0], K[0], p[0], s[0], 1, ceil_mode),
           _pool_out(S[1], K[1], p[1], s[1], 1, ceil_mode))
    _pool2d_shape_check(xs, K, s, p, (1, 1), out)
    if x.dtype == np.bool_:
        _not_implemented_for("avg_pool2d", input)
    div = _avg_divisor(S, K, s, p, out, count_include_pad, divisor_override)
    y = _avg_pool_np(_as_planes(x), K, s, p, out, div)
    if x.ndim == 3:
        y = y[0]

    def forward(a):
        return _avg_pool_np(_as_planes(a), K, s, p, out, div).reshape(y.shape)

    def adjoint(g):
        return _avg_pool_adj(_as_planes(g), S, K, s, p, div).reshape(xs)

    return unary(AvgPool2DBackward0, input, y, saved=(input,),
                 args=(adjoint, forward, AvgPool2DBackwardBackward0, None))


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L) (runs as 2-d pooling of height 1)."""
    _check_dim_range(input, "avg_pool1d", 2, 4)
    k = _ints(kernel_size, "avg_pool1d", "kernel_size", 2)
    s = _ints(_stride_arg(stride), "avg_pool1d", "stride", 3)
    p = _ints(padding, "avg_pool1d", "padding", 4)
    if len(s) == 0:
        s = k
    _check1d("avg_pool1d", "kernel_size", k)
    _check1d("avg_pool1d", "stride", s)
    _check1d("avg_pool1d", "padding", p)
    y = _avg_pool2d_impl(input.unsqueeze(-2), (1, k[0]), (1, s[0]), (0, p[0]), ceil_mode,
                         count_include_pad, None)
    return y.squeeze(-2)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum over the window of x**p) ** (1/p)."""
    from .pointwise import relu, sign
    kw, kh = _ntuple(kernel_size, 2)
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool2d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool2d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool2d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (sign(out) * relu(out.abs())).mul(kw * kh).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-d power-average pooling."""
    from .pointwise import relu, sign
    if isinstance(norm_type, (int, float)):
        if norm_type == float("inf"):
            return max_pool1d(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
        if norm_type == -float("inf"):
            return -max_pool1d(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if stride is not None:
        out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    else:
        out = avg_pool1d(input.pow(norm_type), kernel_size, padding=0, ceil_mode=ceil_mode)
    return (sign(out) * relu(out.abs())).mul(kernel_size).pow(1.0 / norm_type)


# -- adaptive pooling -------------------------------------------------------------------------

class AdaptiveAvgPool2DBackward0(_LinearNode):
    """self: _adaptive_avg_pool2d_backward(grad, self)"""
    __slots__ = ()


class AdaptiveAvgPool2DBackwardBackward0(_LinearNode):
    """grad_output: _adaptive_avg_pool2d(grad, output_size)"""
    __slots__ = ()


def _adaptive_bounds(I, O):
    o = np.arange(O, dtype=np.int64)
    return (o * I) // O, ((o + 1) * I + O - 1) // O


def _adaptive_matrix(I, O, dtype):
    """(O, I): row o averages input positions [floor(o*I/O), ceil((o+1)*I/O))."""
    start, end = _adaptive_bounds(I, O)
    j = np.arange(I)
    mask = (j >= start[:, None]) & (j < end[:, None])
    return (mask / (end - start)[:, None]).astype(dtype)


def _list_with_default(out_size, defaults):
    if isinstance(out_size, (int, np.integer)):
        return out_size
    if len(defaults) <= len(out_size):
        raise ValueError(f"Input dimension should be at least {len(out_size) + 1}")
    return [v if v is not None else d for v, d in zip(out_size, defaults[-len(out_size):])]


def _adaptive_avg_pool2d_impl(input, osize):
    if len(osize) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    if osize[0] < 0 or osize[1] < 0:
        raise RuntimeError("adaptive_avg_pool2d: elements of output_size must be greater than or "
                           f"equal to 0 but received {{{osize[0]}, {osize[1]}}}")
    if osize[0] == 1 and osize[1] == 1:
        return input.mean((-1, -2), keepdim=True)
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{_sizes(x.shape)}")
    for i in (-2, -1):
        if x.shape[i] <= 0:
            raise RuntimeError("adaptive_avg_pool2d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes {_sizes(x.shape)} "
                               f"with dimension {i + x.ndim} being empty")
    _check_floating("adaptive_avg_pool2d", input)
    H, W = x.shape[-2:]
    ah = _adaptive_matrix(H, osize[0], x.dtype)
    aw = _adaptive_matrix(W, osize[1], x.dtype)

    def forward(a):
        return np.matmul(np.matmul(ah, a), aw.T)

    def adjoint(g):
        return np.matmul(np.matmul(ah.T, g), aw)

    return _linear(AdaptiveAvgPool2DBackward0, input, forward, adjoint,
                   AdaptiveAvgPool2DBackwardBackward0, saved=(input,))


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (H_out, W_out); None keeps an input size."""
    osize = _list_with_default(output_size, input.shape)
    return _adaptive_avg_pool2d_impl(
        input, _pair_osize(_ints(osize, "adaptive_avg_pool2d", "output_size")))


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) or (C, L) to a fixed length."""
    _check_dim_range(input, "adaptive_avg_pool1d", 2, 4)
    o = _ints(output_size, "adaptive_avg_pool1d", "output_size", 2)
    _check1d("adaptive_avg_pool1d", "output_size", o)
    return _adaptive_avg_pool2d_impl(input.unsqueeze(-2), (1, o[0])).squeeze(-2)


def _adaptive_max_pool2d_impl(input, osize):
    x = input._data
    xs = x.shape
    if x.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{_sizes(xs)}")
    for i in range(1, x.ndim):
        if xs[i] <= 0:
            raise RuntimeError("adaptive_max_pool2d(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but input has sizes {_sizes(xs)} with "
                               f"dimension {i} being empty")
    if len(osize) != 2:
        raise RuntimeError("adaptive_max_pool2d(): internal error: output_size.size() must be 2")
    _check_floating("adaptive_max_pool2d", input)
    H, W = xs[-2:]
    oh, ow = osize
    xp = _as_planes(x)
    if oh == 0 or ow == 0:
        val = np.zeros(xp.shape[:2] + (oh, ow), dtype=x.dtype)
        idx = np.zeros(val.shape, dtype=np.int64)
    else:
        hs, he = _adaptive_bounds(H, oh)
        ws, we = _adaptive_bounds(W, ow)
        ih = np.minimum(hs[:, None] + np.arange((he - hs).max()), he[:, None] - 1)   # (oh, Lh)
        iw = np.minimum(ws[:, None] + np.arange((we - ws).max()), we[:, None] - 1)   # (ow, Lw)
        v = xp[:, :, ih[:, :, None, None], iw[None, None, :, :]]    # (N, C, oh, Lh, ow, Lw)
        v = v.transpose(0, 1, 2, 4, 3, 5).reshape(xp.shape[:2] + (oh, ow, -1))
        am = v.argmax(-1)
        val = np.take_along_axis(v, am[..., None], -1)[..., 0]
        lh, lw = np.divmod(am, iw.shape[1])
        idx = ih[np.arange(oh)[:, None], lh] * W + iw[np.arange(ow), lw]
    if x.ndim == 3:
        val, idx = val[0], idx[0]

    def scatter(g):
        return _scatter_flat(_as_planes(g), _as_planes(idx), (H, W)).reshape(xs)

    def gather(a):
        return _gather_flat(_as_planes(a), _as_planes(idx)).reshape(idx.shape)

    ts = record_multi(AdaptiveMaxPool2DBackward0, (input,), (val, idx), saved=(input,),
                      args=(scatter, gather, AdaptiveMaxPool2DBackwardBackward0, None),
                      differentiable=(0,))
    return ts[0], ts[1]


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """Max pooling to a fixed output size: (values, argmax flat indices)."""
    osize = _list_with_default(output_size, input.shape)
    return _adaptive_max_pool2d_impl(
        input, _pair_osize(_ints(osize, "adaptive_max_pool2d", "output_size")))


def _pair_osize(o):
    return (o[0], o[0]) if len(o) == 1 else o


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size (H_out, W_out)."""
    r = adaptive_max_pool2d_with_indices(input, output_size)
    return r if return_indices else r[0]


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to a fixed length: (values, indices)."""
    _check_dim_range(input, "adaptive_max_pool1d", 2, 4)
    o = _ints(output_size, "adaptive_max_pool1d", "output_size", 2)
    _check1d("adaptive_max_pool1d", "output_size", o)
    val, idx = _adaptive_max_pool2d_impl(input.unsqueeze(-2), (1, o[0]))
    return val.squeeze(-2), idx.squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) or (C, L) to a fixed length."""
    r = adaptive_max_pool1d_with_indices(input, output_size)
    return r if return_indices else r[0]


# -- max unpooling ----------------------------------------------------------------------------

class MaxUnpool2DBackward0(_LinearNode):
    """self: max_pool_double_backward(grad, indices, 2)  (gather at the indices)"""
    __slots__ = ()


class MaxUnpool2DBackwardBackward0(_LinearNode):
    """grad: max_unpool2d(grad, indices, output_size)  (scatter to the indices)"""
    __slots__ = ()


def _unpool_output_size(input, kernel_size, stride, padding, output_size):
    input_size = input.shape
    default_size = [(input_size[-len(kernel_size) + d] - 1) * stride[d] + kernel_size[d] -
                    2 * padding[d] for d in range(len(kernel_size))]
    if output_size is None:
        ret = default_size
    else:
        if len(output_size) == len(kernel_size) + 2:
            output_size = output_size[2:]
        if len(output_size) != len(kernel_size):
            raise ValueError(f"output_size should be a sequence containing {len(kernel_size)} or "
                             f"{len(kernel_size) + 2} elements, but it has a length of "
                             f"'{len(output_size)}'")
        for d in range(len(kernel_size)):
            min_size = default_size[d] - stride[d]
            max_size = default_size[d] + stride[d]
            if not (min_size < output_size[d] < max_size):
                raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between '
                                 f'{min_size} and {max_size})')
        ret = output_size
    for d in range(len(kernel_size)):
        if ret[d] < 0:
            raise ValueError("max_unpooling: output_size must contain non-negative spatial "
                             f"dimensions, but got output_size[{d}]={ret[d]}")
    return ret


def _max_unpool2d_impl(input, indices, output_size):
    if indices.dtype.name != "int64":
        raise RuntimeError("elements in indices should be type int64 but got: "
                           f"{_scalar_name(indices.dtype)}")
    x, ix = input._data, indices._data
    if x.ndim not in (3, 4):
        raise RuntimeError("Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                           f"tensor with {x.ndim} dimensions.")
    if x.shape != ix.shape:
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({_sizes(x.shape)}) but got indices tensor with shape: "
                           f"{_sizes(ix.shape)}")
    for i in range(1, x.ndim):
        if x.shape[i] <= 0:
            raise RuntimeError("max_unpooling2d_forward_out_cpu(): Expected input to have "
                               f"non-zero size for non-batch dimensions, but got "
                               f"{_sizes(x.shape)} with dimension {i} being empty.")
    _check_floating("max_unpool2d", input)
    oh, ow = output_size
    if ix.size and (ix.min() < 0 or ix.max() >= oh * ow):
        bad = ix[(ix < 0) | (ix >= oh * ow)].ravel()[-1]     # torch reports the last one
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{oh}x{ow})")
    shape = x.shape[:-2] + (oh, ow)
    ixp = _as_planes(ix)
    N, C = ixp.shape[:2]
    flat = (np.arange(N * C, dtype=np.int64).reshape(N, C, 1, 1) * (oh * ow) + ixp).ravel()

    def forward(a):
        # a write, not a sum: where windows overlap, an index repeats with the same value
        out = np.zeros(N * C * oh * ow, dtype=a.dtype)
        out[flat] = a.ravel()
        return out.reshape(shape)

    def adjoint(g):
        return _gather_flat(_as_planes(g), _as_planes(ix)).reshape(x.shape)

    def adjoint_of_gather(a):
        return _scatter_flat(_as_planes(a), ixp, (oh, ow)).reshape(shape)

    return unary(MaxUnpool2DBackward0, input, forward(x),
                 args=(adjoint, adjoint_of_gather, MaxUnpool2DBackwardBackward0, None))


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool2d: values put back at their argmax, zeros elsewhere."""
    kernel_size = _ntuple(kernel_size, 2)
    stride = _ntuple(stride, 2) if stride is not None else kernel_size
    padding = _ntuple(padding, 2)
    osize = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _max_unpool2d_impl(input, indices, tuple(osize))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool1d."""
    kernel_size = _ntuple(kernel_size, 1)
    stride = _ntuple(stride, 1) if stride is not None else kernel_size
    padding = _ntuple(padding, 1)
    osize = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _max_unpool2d_impl(input.unsqueeze(-1), indices.unsqueeze(-1),
                              (osize[0], 1)).squeeze(-1)


# -- padding ----------------------------------------------------------------------------------

class ConstantPadNdBackward0(_LinearNode):
    """self: constant_pad_nd_backward(grad, pad)  (crop; zero-pad where pad < 0)"""
    __slots__ = ()


class ConstantPadNdBackwardBackward0(_LinearNode):
    """grad: constant_pad_nd(grad, pad, 0)"""
    __slots__ = ()


def _constant_pad_np(x, pads, value):
    """x padded by pads (last dim first, negative pads crop) with value."""
    nd = len(pads) // 2
    src = [slice(None)] * x.ndim
    dst = [slice(None)] * x.ndim
    shape = list(x.shape)
    for j in range(nd):
        dim = x.ndim - 1 - j
        left, right = pads[2 * j], pads[2 * j + 1]
        size = x.shape[dim]
        a, b = max(-left, 0), size - max(-right, 0)
        src[dim] = slice(a, b)
        shape[dim] = size + left + right
        dst[dim] = slice(max(left, 0), max(left, 0) + (b - a))
    out = np.full(shape, value, dtype=x.dtype)
    out[tuple(dst)] = x[tuple(src)]
    return out


def constant_pad_nd(input, pad, value=0):
    """torch.constant_pad_nd: pad the last len(pad)//2 dims with value (negative pads crop)."""
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    x = input._data
    if len(pad) // 2 > x.ndim:
        raise RuntimeError("Length of pad should be no more than twice the number of dimensions "
                           f"of the input. Pad length is {len(pad)}while the input has "
                           f"{x.ndim}dimensions.")
    for j in range(len(pad) // 2):
        size = x.shape[x.ndim - 1 - j]
        left, right = pad[2 * j], pad[2 * j + 1]
        if left < 0:
            size += left
            if size < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        if right < 0:
            size += right
            if size < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
    neg = tuple(-v for v in pad)
    out = _constant_pad_np(x, pad, value)
    return unary(ConstantPadNdBackward0, input, out,
                 args=(lambda g: _constant_pad_np(g, neg, 0),
                       lambda g: _constant_pad_np(g, pad, 0), ConstantPadNdBackwardBackward0,
                       None))


def _take_axes(a, idxs):
    """a indexed along its last len(idxs) axes by the index arrays idxs."""
    return a[(Ellipsis,) + np.ix_(*idxs)]


def _scatter_axis(g, idx, n, axis):
    """Adjoint of np.take(a, idx, axis) for an axis of length n."""
    g = np.moveaxis(g, axis, -1)
    lead = g.shape[:-1]
    m = _prod(lead)
    if m == 0:
        return np.zeros(g.shape[:axis] + (n,) + g.shape[axis:-1], dtype=g.dtype)
    flat = (np.arange(m, dtype=np.int64)[:, None] * n + idx[None, :]).ravel()
    r = np.bincount(flat, weights=g.reshape(m, -1).ravel(), minlength=m * n)
    return np.moveaxis(r.astype(g.dtype, copy=False).reshape(lead + (n,)), -1, axis)


def _scatter_axes(g, idxs, sizes):
    """Adjoint of _take_axes."""
    k = len(idxs)
    for j in range(k):
        g = _scatter_axis(g, idxs[j], sizes[j], g.ndim - k + j)
    return np.ascontiguousarray(g)


def _index_op(NodeClass, AdjointClass, input, idxs, saved=()):
    """input gathered along its last dims by idxs: a linear op recorded as NodeClass."""
    sizes = input._data.shape[input._data.ndim - len(idxs):]
    return _linear(NodeClass, input, lambda a: _take_axes(a, idxs),
                   lambda g: _scatter_axes(g, idxs, sizes), AdjointClass, saved)


class ReflectionPad1DBackward0(_LinearNode):
    """self: reflection_pad1d_backward(grad, self, padding)"""
    __slots__ = ()


class ReflectionPad2DBackward0(_LinearNode):
    """self: reflection_pad2d_backward(grad, self, padding)"""
    __slots__ = ()


class ReflectionPad3DBackward0(_LinearNode):
    """self: reflection_pad3d_backward(grad, self, padding)"""
    __slots__ = ()


class ReplicationPad1DBackward0(_LinearNode):
    """self: replication_pad1d_backward(grad, self, padding)"""
    __slots__ = ()


class ReplicationPad2DBackward0(_LinearNode):
    """self: replication_pad2d_backward(grad, self, padding)"""
    __slots__ = ()


class ReplicationPad3DBackward0(_LinearNode):
    """self: replication_pad3d_backward(grad, self, padding)"""
    __slots__ = ()


class CopySlices(_LinearNode):
    """circular padding: torch writes the wrapped slices into a new tensor (copy_ into slices),
    so its node is CopySlices; the gradient sums the wrapped copies back."""
    __slots__ = ()


class _IndexPadBackwardBackward(_LinearNode):
    """grad: the padding itself (gather along the padded dims)"""
    __slots__ = ()


def _reflect_index(size, left, right):
    j = np.arange(size + left + right, dtype=np.int64)
    i = np.where(j < left, 2 * left - j, np.where(j < size + left, j, 2 * (size + left - 1) - j))
    return i + max(0, -left) - max(0, left)


def _replicate_index(size, left, right):
    j = np.arange(size + left + right, dtype=np.int64)
    i = np.where(j < left, left, np.where(j < size + left, j, size + left - 1))
    return i + max(0, -left) - max(0, left)


def _circular_index(size, left, right):
    # torch crops negative pads first, then wraps around what is left
    a, b = max(-left, 0), size - max(-right, 0)
    n = b - a
    j = np.arange(size + left + right, dtype=np.int64)
    return a + (j - max(left, 0)) % max(n, 1)


_PAD_NODES = {("reflect", 1): ReflectionPad1DBackward0, ("reflect", 2): ReflectionPad2DBackward0,
              ("reflect", 3): ReflectionPad3DBackward0,
              ("replicate", 1): ReplicationPad1DBackward0,
              ("replicate", 2): ReplicationPad2DBackward0,
              ("replicate", 3): ReplicationPad3DBackward0}


def _pad_check_valid_input(xs, dim):
    n = len(xs)
    batch = n == dim + 2
    if batch:
        valid = all(xs[d] != 0 for d in range(1, n))
    else:
        valid = all(xs[d] != 0 for d in range(n))
    if not valid:
        raise RuntimeError(f"Expected {dim + 1}D or {dim + 2}D (batch mode) tensor with possibly "
                           "0 batch size and other non-zero dimensions for input, but got: "
                           f"{_sizes(xs)}")


def _edge_pad(input, pad, mode):
    """reflect / replicate: torch's padding kernels, as index maps along the padded dims."""
    x = input._data
    xs = x.shape
    dim = len(pad) // 2
    if mode == "replicate" and x.dtype == np.bool_:
        raise NotImplementedError(f'"replication_pad{dim}d" not implemented for \'Bool\'')
    _pad_check_valid_input(xs, dim)
    n = len(xs)
    sizes = xs[n - dim:]
    if mode == "reflect":
        arg = 4
        for j in range(dim):                     # width first: Argument #4, #6, #8
            size = xs[n - 1 - j]
            left, right = pad[2 * j], pad[2 * j + 1]
            if not (left < size and right < size):
                raise RuntimeError(f"Argument #{arg}: Padding size should be less than the "
                                   "corresponding input dimension, but got: padding "
                                   f"({left}, {right}) at dimension {n - 1 - j} of input "
                                   f"{_sizes(xs)}")
            arg += 2
    outs = [sizes[i] + pad[2 * (dim - 1 - i)] + pad[2 * (dim - 1 - i) + 1] for i in range(dim)]
    if all(o < 1 for o in outs):
        # torch's kernels word this three slightly different ways
        if dim == 1:
            raise RuntimeError(f"input (W: {sizes[0]}) is too small. Calculated output W: "
                               f"{outs[0]}")
        tail = " " if mode == "replicate" and dim == 2 else ""
        ins = " ".join(f"{a}: {b}" for a, b in zip(("D", "H", "W")[3 - dim:-1], sizes[:-1]))
        raise RuntimeError(f"input ({ins}, W: {sizes[-1]}{tail}) is too small. Calculated output "
                           + " ".join(f"{a}: {b}" for a, b in zip(("D", "H", "W")[3 - dim:],
                                                                  outs)))
    if any(o < 0 for o in outs):        # where torch's size checks let one through
        if dim == 2 and mode == "reflect":
            raise RuntimeError("numel: integer multiplication overflow")
        shape = xs[:n - dim] + tuple(outs)
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{next(o for o in shape if o < 0)}: {_sizes(shape)}")
    make = _reflect_index if mode == "reflect" else _replicate_index
    idxs = [make(sizes[i], pad[2 * (dim - 1 - i)], pad[2 * (dim - 1 - i) + 1])
            for i in range(dim)]
    return _index_op(_PAD_NODES[(mode, dim)], _IndexPadBackwardBackward, input, idxs,
                     saved=(input,))


def _pad_circular(input, pad):
    x = input._data
    xs = x.shape
    dim = len(pad) // 2
    nonpadded = len(xs) - dim
    if nonpadded not in (1, 2):
        raise RuntimeError("Invalid padding size, expected 1 or 2 non-padded dimensions, which "
                           f"would be equivalent to padding of length {(len(xs) - 1) * 2} or "
                           f"{(len(xs) - 2) * 2} respectively but got {len(pad)}")
    idxs = []
    for i in range(dim):
        left, right = pad[2 * (dim - i - 1)], pad[2 * (dim - i - 1) + 1]
        size = xs[nonpadded + i]
        if not (left <= size and right <= size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if size + left + right < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
        idxs.append(_circular_index(size, left, right))
    return _index_op(CopySlices, _IndexPadBackwardBackward, input, idxs)


_NOT_SUPPORTED_PAD = ("Supported combinations for non-constant padding:\n"
                      "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                      "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                      "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad)//2 dims: pad = (left, right, top, bottom, ...), last dim first.

    mode 'constant' (with value, any number of dims, negative pads crop), 'reflect',
    'replicate' or 'circular' (1 to 3 trailing dims of a batched or unbatched input)."""
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if not isinstance(pad, (tuple, list)):
        pad = _ints(pad, "pad", "pad", 2)
    for i, v in enumerate(pad):
        if not isinstance(v, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(v).__name__} at pos {i}")
    pad = tuple(int(v) for v in pad)
    n = input._data.ndim
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) > n * 2:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{n}")
    if mode == "constant":
        return constant_pad_nd(input, pad, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad)
    if (k == 2 and n in (2, 3)) or (k == 4 and n in (3, 4)) or (k == 6 and n in (4, 5)):
        if mode == "circular":
            return _pad_circular(input, pad)
        return _edge_pad(input, pad, mode)
    raise NotImplementedError(f"Padding size {k} is not supported for {n}D input tensor.\n" +
                              _NOT_SUPPORTED_PAD)


# -- interpolation ----------------------------------------------------------------------------

class UpsampleNearest1DBackward0(_LinearNode):
    """self: upsample_nearest1d_backward(grad, output_size, self.sym_sizes(), scales)"""
    __slots__ = ()


class UpsampleNearest2DBackward0(_LinearNode):
    """self: upsample_nearest2d_backward(grad, output_size, self.sym_sizes(), scales_h, ...)"""
    __slots__ = ()


class UpsampleNearest3DBackward0(_LinearNode):
    """self: upsample_nearest3d_backward(grad, output_size, self.sym_sizes(), scales_d, ...)"""
    __slots__ = ()


class UpsampleNearestExact1DBackward0(_LinearNode):
    """self: _upsample_nearest_exact1d_backward(grad, output_size, self.sym_sizes(), scales)"""
    __slots__ = ()


class UpsampleNearestExact2DBackward0(_LinearNode):
    """self: _upsample_nearest_exact2d_backward(grad, output_size, self.sym_sizes(), ...)"""
    __slots__ = ()


class UpsampleNearestExact3DBackward0(_LinearNode):
    """self: _upsample_nearest_exact3d_backward(grad, output_size, self.sym_sizes(), ...)"""
    __slots__ = ()


class UpsampleLinear1DBackward0(_LinearNode):
    """self: upsample_linear1d_backward(grad, output_size, self.sym_sizes(), align_corners,
    scales)"""
    __slots__ = ()


class UpsampleBilinear2DBackward0(_LinearNode):
    """self: upsample_bilinear2d_backward(grad, output_size, self.sym_sizes(), align_corners,
    scales_h, scales_w)"""
    __slots__ = ()


class UpsampleTrilinear3DBackward0(_LinearNode):
    """self: upsample_trilinear3d_backward(grad, output_size, self.sym_sizes(), align_corners,
    scales_d, scales_h, scales_w)"""
    __slots__ = ()


class UpsampleBicubic2DBackward0(_LinearNode):
    """self: upsample_bicubic2d_backward(grad, output_size, self.sym_sizes(), align_corners,
    scales_h, scales_w)"""
    __slots__ = ()


class _UpsampleBackwardBackward(_LinearNode):
    """grad_output: the upsampling itself"""
    __slots__ = ()


_NEAREST_NODES = {(False, 1): UpsampleNearest1DBackward0, (False, 2): UpsampleNearest2DBackward0,
                  (False, 3): UpsampleNearest3DBackward0,
                  (True, 1): UpsampleNearestExact1DBackward0,
                  (True, 2): UpsampleNearestExact2DBackward0,
                  (True, 3): UpsampleNearestExact3DBackward0}
_LINEAR_NODES = {1: UpsampleLinear1DBackward0, 2: UpsampleBilinear2DBackward0,
                 3: UpsampleTrilinear3DBackward0}
_LINEAR_NAMES = {1: "linear1d", 2: "bilinear2d", 3: "trilinear3d"}


def _nearest_index(I, O, scale, exact, backward=False):
    """torch's nearest_idx / nearest_exact_idx (in float32, as its kernels compute them).

    NOTE: torch's nearest backward kernels (and its 2-d forward kernel) still take the
    shortcuts "same size: copy" and "twice the size: index >> 1" even when a scale_factor
    makes the 1-d and 3-d forward kernels use the scale (e.g. size 5, scale_factor 1.1);
    backward=True gives those indices."""
    if backward and not exact:
        if O == I:
            return np.arange(O)
        if O == 2 * I:
            return np.arange(O) >> 1
    if scale is not None and scale > 0:
        sc = np.float32(1.0 / scale)
    else:
        sc = np.float32(I) / np.float32(O)
    o = np.arange(O)
    if exact:
        src = np.floor(((o + 0.5) * np.float64(sc)).astype(np.float32))
    else:
        src = np.floor(o.astype(np.float32) * sc)
    return np.minimum(src.astype(np.int64), I - 1)


def _linear_weights(I, O, align_corners, scale, dt):
    """Source indices and weights of linear interpolation along one dim (opmath type dt)."""
    o = np.arange(O)
    if O == I:
        return o, o, np.ones(O, dt), np.zeros(O, dt)
    if align_corners:
        ratio = dt(I - 1) / dt(O - 1) if O > 1 else dt(0)
        real = ratio * o.astype(dt)
    else:
        ratio = dt(1.0 / scale) if scale is not None and scale > 0 else dt(I) / dt(O)
        real = np.maximum(ratio * (o.astype(dt) + dt(0.5)) - dt(0.5), dt(0))
    i0 = np.minimum(np.floor(real).astype(np.int64), I - 1)
    l1 = np.minimum(np.maximum(real - i0.astype(dt), dt(0)), dt(1))
    i1 = i0 + (i0 < I - 1)
    return i0, i1, dt(1) - l1, l1


def _cubic_weights(I, O, align_corners, scale, dt):
    """The 4 clamped source indices and Keys (A = -0.75) weights of bicubic interpolation
    along one dim (torch's compute_indices_weights_cubic, opmath type dt): (4, O) each."""
    o = np.arange(O).astype(dt)
    if align_corners:
        ratio = dt(I - 1) / dt(O - 1) if O > 1 else dt(0)
        real = ratio * o
    else:
        ratio = dt(1.0 / scale) if scale is not None and scale > 0 else dt(I) / dt(O)
        real = ratio * (o + dt(0.5)) - dt(0.5)          # no clamp at 0 for cubic
    i0 = np.floor(real)
    t = (real - i0).astype(dt)
    A = dt(-0.75)

    def cc1(x):
        return ((A + dt(2)) * x - (A + dt(3))) * x * x + dt(1)

    def cc2(x):
        return ((A * x - dt(5) * A) * x + dt(8) * A) * x - dt(4) * A

    u = dt(1) - t
    w = np.stack([cc2(t + dt(1)), cc1(t), cc1(u), cc2(u + dt(1))])
    base = i0.astype(np.int64)
    idx = np.stack([np.clip(base - 1 + k, 0, I - 1) for k in range(4)])
    return idx, w


def _upsample_bicubic(input, osize, align_corners, scales):
    x = input._data
    xs = x.shape
    _upsample_check(xs, osize, "bicubic")
    if x.dtype.kind != "f":
        _not_implemented_for("compute_indices_weights_cubic", input)
    dt = np.float64 if x.dtype == np.float64 else np.float32
    ws = [_cubic_weights(xs[2 + i], osize[i], align_corners,
                         None if scales is None else scales[i], dt) for i in range(2)]
    ws = [(idx, w.astype(x.dtype)) for idx, w in ws]

    def forward(a):
        for i in (1, 0):
            idx, w = ws[i]
            shape = [1] * a.ndim
            shape[2 + i] = -1
            a = sum(np.take(a, idx[k], 2 + i) * w[k].reshape(shape) for k in range(4))
        return a

    def adjoint(g):
        for i in (0, 1):
            idx, w = ws[i]
            shape = [1] * g.ndim
            shape[2 + i] = -1
            g = sum(_scatter_axis(g * w[k].reshape(shape), idx[k], xs[2 + i], 2 + i)
                    for k in range(4))
        return g

    return _linear(UpsampleBicubic2DBackward0, input, forward, adjoint,
                   _UpsampleBackwardBackward)


def _upsample_check(xs, osize, name):
    nd = len(osize)
    axes = ("D", "H", "W")[3 - nd:]
    ins = xs[2:]
    if any(v <= 0 for v in ins) or any(v <= 0 for v in osize):
        i = ", ".join(f"{a}: {v}" for a, v in zip(axes, ins))
        o = ", ".join(f"{a}: {v}" for a, v in zip(axes, osize))
        sep = " and" if nd == 1 else ""
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({i}){sep} output ({o})")
    if _prod(xs) == 0 and _prod(xs[1:]) == 0:
        raise RuntimeError(f"Non-empty {nd + 2}D data tensor expected but got a tensor with sizes "
                           f"{_sizes(xs)}")


def _upsample_nearest(input, osize, scales, exact):
    xs = input._data.shape
    nd = len(osize)
    _upsample_check(xs, osize, "nearest")
    if input._data.dtype.kind != "f":
        what = "compute_indices_weights_nearest" if nd == 1 else \
            f"upsample_nearest{nd}d_channels_last"
        _not_implemented_for(what, input)
    sc = [None if scales is None else scales[i] for i in range(nd)]
    # NOTE: torch's 2-d nearest forward kernel takes the same shortcuts as its backward
    idxs = [_nearest_index(xs[2 + i], osize[i], sc[i], exact, backward=nd == 2)
            for i in range(nd)]
    back = [_nearest_index(xs[2 + i], osize[i], sc[i], exact, backward=True) for i in range(nd)]
    sizes = xs[2:]
    return _linear(_NEAREST_NODES[(exact, nd)], input, lambda a: _take_axes(a, idxs),
                   lambda g: _scatter_axes(g, back, sizes), _UpsampleBackwardBackward)


def _interp_axis(a, i0, i1, l0, l1, axis):
    shape = [1] * a.ndim
    shape[axis] = -1
    return np.take(a, i0, axis) * l0.reshape(shape) + np.take(a, i1, axis) * l1.reshape(shape)


def _interp_axis_adj(g, i0, i1, l0, l1, n, axis):
    shape = [1] * g.ndim
    shape[axis] = -1
    return _scatter_axis(g * l0.reshape(shape), i0, n, axis) + \
        _scatter_axis(g * l1.reshape(shape), i1, n, axis)


def _upsample_linear(input, osize, align_corners, scales):
    x = input._data
    xs = x.shape
    nd = len(osize)
    _upsample_check(xs, osize, "linear")
    if x.dtype.kind != "f":
        what = "compute_indices_weights_linear" if nd == 1 else \
            f"upsample_{_LINEAR_NAMES[nd]}_channels_last"
        _not_implemented_for(what, input)
    dt = np.float64 if x.dtype == np.float64 else np.float32
    ws = [_linear_weights(xs[2 + i], osize[i], align_corners,
                          None if scales is None else scales[i], dt) for i in range(nd)]
    ws = [(i0, i1, l0.astype(x.dtype), l1.astype(x.dtype)) for i0, i1, l0, l1 in ws]
    n = x.ndim

    def forward(a):
        for i in reversed(range(nd)):           # width first, as torch nests the weights
            a = _interp_axis(a, *ws[i], n - nd + i)
        return a

    def adjoint(g):
        for i in range(nd):
            g = _interp_axis_adj(g, *ws[i], xs[2 + i], n - nd + i)
        return g

    return _linear(_LINEAR_NODES[nd], input, forward, adjoint, _UpsampleBackwardBackward)


def _is_integer(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, *spatial) by size or scale_factor: nearest, nearest-exact, linear,
    bilinear, trilinear or area."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size of "
                    f"{size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and "
                    "output size in (o1, o2, ...,oK) format.")
            if not all(_is_integer(v) for v in size):
                raise TypeError("expected size to be one of int or Tuple[int] or Tuple[int, int] "
                                "or Tuple[int, int, int], but got size with types "
                                f"{[type(v) for v in size]}")
            output_size = [int(v) for v in size]
        else:
            if not _is_integer(size):
                raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] "
                                f"or Tuple[int, int, int], but got size with types "
                                f"{[type(size)] * dim}")
            output_size = [int(size)] * dim
    elif scale_factor is not None:
        output_size = None
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in "
                    "(N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scale_factors = [float(v) for v in scale_factor]
        else:
            scale_factors = [float(scale_factor)] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" and output_size is None:
        recompute_scale_factor = True
    if recompute_scale_factor is not None and recompute_scale_factor:
        output_size = [int(math.floor(float(input.size(i + 2)) * scale_factors[i]))
                       for i in range(dim)]
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError("Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
                         "and requires a 4-D tensor as input")
    if antialias:
        raise NotImplementedError("ember does not implement antialiased interpolation yet")
    if output_size is None:
        # the C++ kernels: output size = int(input size * scale)
        output_size = [int(input.size(i + 2) * scale_factors[i]) for i in range(dim)]
    n = input.dim()
    if n in (3, 4, 5) and mode in ("nearest", "nearest-exact"):
        return _upsample_nearest(input, output_size, scale_factors, mode == "nearest-exact")
    if n in (3, 4) and mode == "area":
        if n == 3:
            return adaptive_avg_pool1d(input, output_size)
        return adaptive_avg_pool2d(input, output_size)
    if (n, mode) in ((3, "linear"), (4, "bilinear"), (5, "trilinear")):
        return _upsample_linear(input, output_size, align_corners, scale_factors)
    if n == 4 and mode == "bicubic":
        return _upsample_bicubic(input, output_size, align_corners, scale_factors)
    if n == 5 and mode == "area":
        from .pool3d import adaptive_avg_pool3d
        return adaptive_avg_pool3d(input, output_size)
    if n == 4 and mode == "lanczos":
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        raise ValueError("Lanczos mode requires antialias=True")
    if n == 3 and mode == "bilinear":
        raise NotImplementedError("Got 3D input, but bilinear mode needs 4D input")
    if n == 3 and mode == "trilinear":
        raise NotImplementedError("Got 3D input, but trilinear mode needs 5D input")
    if n == 4 and mode == "linear":
        raise NotImplementedError("Got 4D input, but linear mode needs 3D input")
    if n == 4 and mode == "trilinear":
        raise NotImplementedError("Got 4D input, but trilinear mode needs 5D input")
    if n == 5 and mode == "linear":
        raise NotImplementedError("Got 5D input, but linear mode needs 3D input")
    if n == 5 and mode == "bilinear":
        raise NotImplementedError("Got 5D input, but bilinear mode needs 4D input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {n}D) for the modes: "
        "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact "
        f"(got {mode})")


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate(..., mode='nearest')."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate(..., mode='bilinear', align_corners=True)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- unfold / fold ----------------------------------------------------------------------------

class Im2ColBackward0(_LinearNode):
    """self: im2col_backward(grad, self.sym_size(-2), ...)  (= col2im, i.e. fold)"""
    __slots__ = ()


class Col2ImBackward0(_LinearNode):
    """self: im2col(grad, kernel_size, dilation, padding, stride)  (= unfold)"""
    __slots__ = ()


def _fold_params(kernel_size, dilation, padding, stride):
    out = []
    for name, v in (("kernel_size", kernel_size), ("dilation", dilation), ("padding", padding),
                    ("stride", stride)):
        v = _ntuple(v, 2)
        if len(v) != 2:
            raise RuntimeError(f"It is expected {name} equals to 2, but got size {len(v)}")
        out.append(tuple(v))
    return out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: sliding blocks of (N, C, H, W) (or (C, H, W)) as columns (N, C*kH*kW, L)."""
    K, d, p, s = _fold_params(kernel_size, dilation, padding, stride)
    x = input._data
    xs = x.shape
    if K[0] <= 0 or K[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{K[0]} kernel_width: {K[1]}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")
    if p[0] < 0 or p[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    n = x.ndim
    valid = xs[wrap_dim(1, n)] != 0 and xs[wrap_dim(2, n)] != 0
    if not ((n == 3 and xs[0] and valid) or (n == 4 and valid and xs[3] != 0)):
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {_sizes(xs)}")
    S = xs[-2:]
    out = _conv_out(S, K, s, p, d)
    if out[0] < 1 or out[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({S[0]}, {S[1]}), kernel_size=({K[0]}, "
                           f"{K[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), "
                           f"calculated shape of the array of sliding blocks as ({out[0]}, "
                           f"{out[1]}), but its components must be at least one.")
    _check_floating("im2col_out_cpu", input)
    C = xs[-3]
    oshape = xs[:-3] + (C * K[0] * K[1], out[0] * out[1])

    def forward(a):
        return _im2col(_as_planes(a), K, s, p, d, out).reshape(oshape)

    def adjoint(g):
        cols = g.reshape((-1, C) + K + out)
        return _col2im(cols, S, K, s, p, d).reshape(xs)

    return _linear(Im2ColBackward0, input, forward, adjoint, Col2ImBackward0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: sum columns (N, C*kH*kW, L) (or (C*kH*kW, L)) back into (N, C, H, W)."""
    osize = _ntuple(output_size, 2)
    if len(osize) != 2:
        raise RuntimeError(f"It is expected output_size equals to 2, but got size {len(osize)}")
    K, d, p, s = _fold_params(kernel_size, dilation, padding, stride)
    x = input._data
    xs = x.shape
    if K[0] <= 0 or K[1] <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{K[0]} kernel_width: {K[1]}")
    if s[0] <= 0 or s[1] <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    if d[0] <= 0 or d[1] <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")
    if p[0] < 0 or p[1] < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")
    n = x.ndim
    if not ((n == 2 and xs[0] != 0 and xs[1] != 0) or (n == 3 and xs[1] != 0 and xs[2] != 0)):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           f"size and non-zero dimensions for input, but got: {_sizes(xs)}")
    planes, length = xs[-2], xs[-1]
    if planes % (K[0] * K[1]):
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={planes} and "
                           f"kernel_size=({K[0]}, {K[1]}).")
    blocks = _conv_out(osize, K, s, p, d)
    if length != blocks[0] * blocks[1]:
        raise RuntimeError(f"Given output_size=({osize[0]}, {osize[1]}), kernel_size=({K[0]}, "
                           f"{K[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), "
                           f"stride=({s[0]}, {s[1]}), expected size of input's dimension 2 to "
                           "match the calculated number of sliding blocks "
                           f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
                           f"input.size(2)={length}.")
    if blocks[0] < 1 or blocks[1] < 1:
        raise RuntimeError(f"Given output_size=({osize[0]}, {osize[1]}), kernel_size=({K[0]}, "
                           f"{K[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), "
                           f"stride=({s[0]}, {s[1]}), calculated shape of the array of sliding "
                           f"blocks as ({blocks[0]}, {blocks[1]}), which is too small "
                           "(non-positive)")
    if osize[0] < 1 or osize[1] < 1:
        raise RuntimeError("Expected output spatial size to be positive, but got: "
                           f"output_size=({osize[0]}, {osize[1]}).")
    _check_floating("col2im_out_cpu", input)
    C = planes // (K[0] * K[1])
    yshape = xs[:-2] + (C,) + tuple(osize)

    def forward(a):
        cols = a.reshape((-1, C) + K + blocks)
        return _col2im(cols, osize, K, s, p, d).reshape(yshape)

    def adjoint(g):
        return _im2col(_as_planes(g), K, s, p, d, blocks).reshape(xs)

    return _linear(Col2ImBackward0, input, forward, adjoint, Im2ColBackward0)
