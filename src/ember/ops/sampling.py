"""Spatial sampling: F.affine_grid (AffineGridGeneratorBackward0) and F.grid_sample on 4-D
and 5-D input (GridSampler2DBackward0 / GridSampler3DBackward0), with bilinear (trilinear) /
nearest / bicubic (4-D only) interpolation and zeros / border / reflection padding,
following ATen's GridSampler kernels formula by formula.

grid_sample is written once, as ``_sample``: the source coordinates are computed from the
grid with ember ops (unnormalize, clip or reflect), the integer taps are found with NumPy,
the input values are gathered and weighted.  The forward runs it under no_grad; the
node's backward differentiates it again (an inner autograd pass), so the gradients w.r.t.
input and grid, and double backward under create_graph, are those of the same formulas."""
import itertools
import warnings

import numpy as np

from .._tensor import Tensor, _make
from ..autograd import grad_mode as _gm
from ._base import Node, record
from .pointwise import where

__all__ = ["affine_grid", "grid_sample"]

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.")


def _sizes(shape):
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


# -- affine_grid ------------------------------------------------------------------------------

def _linspace_from_neg_one(steps, align_corners, dt):
    if steps <= 1:
        return np.zeros(1, dtype=dt)
    r = np.linspace(-1, 1, steps, dtype=np.float64).astype(dt)
    if not align_corners:
        r = (r * (steps - 1) / steps).astype(dt)
    return r


def _base_grid(size, align_corners, dt):
    """(prod(spatial), k+1): the homogeneous coordinates (x, y[, z], 1) of every output
    point, x varying fastest, as ATen's make_base_grid_4D/5D."""
    spatial = [int(s) for s in size[2:]]
    axes = [_linspace_from_neg_one(s, align_corners, dt) for s in spatial]
    mesh = np.meshgrid(*axes, indexing="ij")           # (D,) H, W order
    cols = [m.reshape(-1) for m in reversed(mesh)]      # x, y[, z]
    cols.append(np.ones(cols[0].shape, dtype=dt))
    return np.stack(cols, axis=1)


class AffineGridGeneratorBackward0(Node):
    """theta: affine_grid_generator_backward(grad, size, align_corners)
    = base_grid.view(N, -1, k+1).transpose(1, 2).bmm(grad.view(N, -1, k)).transpose(1, 2)."""
    __slots__ = ()

    def backward(self, grad):
        base, n, k = self.args
        g = grad.reshape((n, base.shape[0], k))
        if isinstance(g, Tensor):
            return (g.mT @ _make(base),)
        return (g.swapaxes(1, 2) @ base,)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) or (N, D, H, W, 3) of a batch of affine matrices."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
        spatial = size[-3:]
    else:
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      UserWarning, stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    n = int(size[0])
    k = len(size) - 2
    th = theta._data
    if th.shape[0] != n:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{n}, {k + 1}] but got: [{th.shape[0]}, {k + 1}].")
    base = _base_grid(size, bool(align_corners), th.dtype)
    out = (base @ th.swapaxes(1, 2)).astype(th.dtype, copy=False)
    out = out.reshape((n,) + tuple(int(s) for s in spatial) + (k,))
    return record(AffineGridGeneratorBackward0, [theta], out, args=(base, n, k))


# -- grid_sample ------------------------------------------------------------------------------

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADS = {"zeros": 0, "border": 1, "reflection": 2}


def _unnormalize(c, size, align):
    if align:
        return ((c + 1) / 2) * (size - 1)
    return ((c + 1) * size - 1) / 2


def _reflect(c, twice_low, twice_high):
    """ATen's reflect_coordinates (ember ops, differentiable in c)."""
    if twice_low == twice_high:
        return c * 0
    lo = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (c - lo).abs()
    extra = c.fmod(span)
    flips = np.floor(c.detach()._data / span)
    even = _make((flips % 2 == 0))
    return where(even, extra + lo, span - extra + lo)


def _source_index(c, size, pad, align):
    c = _unnormalize(c, size, align)
    if pad == 1:
        c = c.clamp(0, size - 1)
    elif pad == 2:
        c = _reflect(c, 0, 2 * (size - 1)) if align else _reflect(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def _bound_index(i, size, pad, align):
    """ATen's compute_coordinates on integer taps (bicubic): padding applied to an index."""
    if pad == 1:
        return np.clip(i, 0, size - 1)
    if pad == 2:
        lo, hi = (0, 2 * (size - 1)) if align else (-1, 2 * size - 1)
        if lo == hi:
            r = np.zeros_like(i)
        else:
            m = lo / 2
            span = (hi - lo) / 2
            a = np.abs(i - m)
            extra = np.fmod(a, span)
            flips = np.floor(a / span)
            r = np.where(flips % 2 == 0, extra + m, span - extra + m)
        return np.clip(r, 0, size - 1)
    return i


class _Taps:
    """Gathers input[n, :, (z,) y, x] at integer tap positions (zero outside the input)."""

    def __init__(self, x):
        self.n, self.c = x.shape[0], x.shape[1]
        self.sizes = tuple(reversed(x.shape[2:]))          # W, H(, D)
        self.flat = x.reshape(self.n, self.c, int(np.prod(x.shape[2:])))

    def __call__(self, idx):
        """idx: one float array of integral values per axis, x first."""
        n, c = self.n, self.c
        shape = idx[0].shape
        valid = np.ones(shape, dtype=bool)
        for i, size in zip(idx, self.sizes):
            valid &= (i >= 0) & (i < size)              # NaN compares False: invalid
        flat = np.zeros(shape, dtype=np.int64)
        for i, size in zip(reversed(idx), reversed(self.sizes)):
            flat = flat * size + np.where(valid, i, 0).astype(np.int64)
        m = int(np.prod(shape[1:]))
        flat = np.ascontiguousarray(np.broadcast_to(flat.reshape(n, 1, m), (n, c, m)))
        v = self.flat.gather(2, _make(flat)).reshape((n, c) + shape[1:])
        if valid.all():
            return v
        return v * valid.reshape((n, 1) + shape[1:]).astype(v._data.dtype)


def _cubic1(t, a):
    return ((a + 2) * t - (a + 3)) * t * t + 1


def _cubic2(t, a):
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a


def _sample(x, grid, mode, pad, align):
    """grid_sampler_2d / _3d as ember ops: x (N, C, [D,] H, W), grid (N, [Do,] Ho, Wo, k)."""
    sizes = tuple(reversed(x.shape[2:]))                  # W, H(, D)
    coords = [grid[..., i] for i in range(len(sizes))]   # x, y(, z)
    taps = _Taps(x)
    if mode == 2:                       # bicubic (2-D only): padding applies to each tap
        w, h = sizes
        ix = _unnormalize(coords[0], w, align)
        iy = _unnormalize(coords[1], h, align)
        fx = np.floor(ix.detach()._data)
        fy = np.floor(iy.detach()._data)
        tx = ix - _make(fx)
        ty = iy - _make(fy)
        a = -0.75
        wx = [_cubic2(tx + 1, a), _cubic1(tx, a), _cubic1(1 - tx, a), _cubic2(2 - tx, a)]
        wy = [_cubic2(ty + 1, a), _cubic1(ty, a), _cubic1(1 - ty, a), _cubic2(2 - ty, a)]
        xs = [_bound_index(fx - 1 + i, w, pad, align) for i in range(4)]
        out = None
        for j in range(4):
            yj = _bound_index(fy - 1 + j, h, pad, align)
            row = None
            for i in range(4):
                term = taps([xs[i], yj]) * wx[i].unsqueeze(1)
                row = term if row is None else row + term
            term = row * wy[j].unsqueeze(1)
            out = term if out is None else out + term
        return out
    src = [_source_index(c, size, pad, align) for c, size in zip(coords, sizes)]
    if mode == 1:                       # nearest (round half to even, as nearbyint)
        return taps([np.round(c.detach()._data) for c in src])
    # bilinear / trilinear: the 2^k corners, x varying fastest (nw, ne, sw, se, ...);
    # each weight is the product of (c - lo) or (lo + 1 - c) along x, y(, z)
    lo = [np.floor(c.detach()._data) for c in src]
    out = None
    for corner in itertools.product((0, 1), repeat=len(src)):
        corner = corner[::-1]
        weight = None
        for c, l, d in zip(src, lo, corner):
            f = c - _make(l) if d else _make(l + 1) - c
            weight = f if weight is None else weight * f
        term = taps([l + d for l, d in zip(lo, corner)]) * weight.unsqueeze(1)
        out = term if out is None else out + term
    return out


class _GridSamplerBackward(Node):
    """input, grid: grid_sampler_2d_backward / grid_sampler_3d_backward(grad, input, grid,
    interpolation_mode, padding_mode, align_corners, grad_input_mask): here the derivative
    of the same sampling formulas (``_sample``), taken by an inner autograd pass; under
    create_graph that pass records a graph, so double backward works."""
    __slots__ = ()

    def backward(self, grad):
        from ..autograd.engine import grad as _autograd_grad
        x, g = self.unpack()
        mode, pad, align = self.args
        need = [self.next_functions[i][0] is not None for i in (0, 1)]
        tensors = isinstance(grad, Tensor)
        if tensors:
            # fresh aliases, so the inner pass captures d(out)/d(alias) only
            xa = x.view(tuple(x.shape)) if need[0] else x.detach()
            ga = g.view(tuple(g.shape)) if need[1] else g.detach()
            up = grad
        else:
            xa = _make(x).requires_grad_(need[0])
            ga = _make(g).requires_grad_(need[1])
            up = _make(grad)
        targets = [t for t, n in zip((xa, ga), need) if n]
        with _gm.enable_grad():
            out = _sample(xa, ga, mode, pad, align)
            if out.requires_grad:
                got = list(_autograd_grad(out, targets, up, create_graph=tensors,
                                          allow_unused=True))
            else:
                got = [None] * len(targets)
        result = []
        for t, n in zip((xa, ga), need):
            if not n:
                result.append(None)
                continue
            r = got.pop(0)
            if r is None:
                r = _make(np.zeros(t._data.shape, t._data.dtype))
            result.append(r if tensors else r._data)
        return tuple(result)


class GridSampler2DBackward0(_GridSamplerBackward):
    __slots__ = ()


class GridSampler3DBackward0(_GridSamplerBackward):
    __slots__ = ()


def _check_grid_sampler(input, grid, mode):
    xs, gs = tuple(input.shape), tuple(grid.shape)
    if xs[0] != gs[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, "
                           f"but got input with sizes {_sizes(xs)} and grid with sizes "
                           f"{_sizes(gs)}")
    if gs[-1] != len(xs) - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {len(xs) - 2} in last "
                           f"dimension, but got grid with sizes {_sizes(gs)}")
    for i in range(2, len(xs)):
        if xs[i] <= 0:
            raise RuntimeError("grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {_sizes(xs)} with dimension "
                               f"{i} being empty")
    nd = 4 if len(xs) == 4 else 5
    if len(xs) != nd or len(gs) != nd:
        raise RuntimeError(f"grid_sampler(): expected {nd}D input and grid with same number "
                           f"of dimensions, but got input with sizes {_sizes(xs)} and grid "
                           f"with sizes {_sizes(gs)}")
    if nd == 5 and mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    xd, gd = input._data.dtype, grid._data.dtype
    if xd.kind != "f":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if nd == 4 else "grid_sampler3d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{input.dtype._legacy[:-len('Tensor')]}'")
    if gd != xd:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy[:-len('Tensor')]} but "
                           f"found {grid.dtype._legacy[:-len('Tensor')]}")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input (N, C, [D,] H, W) at the normalized positions grid
    (N, [Do,] Ho, Wo, 2 or 3): x, y(, z) in [-1, 1]."""
    if mode not in _MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in _PADS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=2)
        align_corners = False
    m, p, a = _MODES[mode], _PADS[padding_mode], bool(align_corners)
    _check_grid_sampler(input, grid, m)
    with _gm.no_grad():
        out = _sample(_make(input._data), _make(grid._data), m, p, a)
    Cls = GridSampler2DBackward0 if input.dim() == 4 else GridSampler3DBackward0
    return record(Cls, [input, grid], out._data, saved=(input, grid), args=(m, p, a))
