"""Gradient clipping: clip_grad_norm_, clip_grad_value_, get_total_norm, clip_grads_with_norm_
(torch/nn/utils/clip_grad.py).

The total norm is bit-identical to torch's: each gradient's norm is computed the way ATen's
CPU norm kernel reduces (``aten/src/ATen/native/cpu/ReduceOpsKernel.cpp``), then the norm of
those norms the same way.  For the 2-norm of float32/float64 that kernel keeps one running
sum of squares per lane of a 256-bit vector (8 floats, 4 doubles) over the tensor in memory
order, adds the lanes left to right, then the tail elements one by one (as the compiled code
does: fused multiply-adds, except the first four of a float tail); a single element is its
own absolute value.  Other norms are one sequential accumulation (``binary_kernel_reduce``;
torch splits tensors of 32768 or more elements between threads for those, which ember does
not reproduce: there the last bits may differ).
"""
import functools
import itertools
import math
import types
import warnings
from fractions import Fraction

import numpy as np

from ..._tensor import Tensor, _make
from ...autograd import grad_mode as _gm

__all__ = ["clip_grad_norm", "clip_grad_norm_", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]

_LANE_BYTES = 32                  # one AVX2 register: the vectorised 2-norm's accumulator


def _no_grad(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _gm.no_grad():
            return func(*args, **kwargs)
    return wrapper


def _norm_array(a, p):
    """torch.linalg.vector_norm(a, p) over all of a (an ndarray), with ATen's CPU order of
    accumulation; a 0-d array of the result dtype."""
    is_complex = a.dtype.kind == "c"
    if is_complex:
        a = np.abs(a)
    out_dtype = a.dtype
    # opmath: half accumulates in float
    acc = np.dtype(np.float32) if out_dtype == np.float16 else out_dtype
    x = np.ravel(a, order="K").astype(acc, copy=False)
    n = x.size
    if n == 0:
        return np.asarray(math.inf if p < 0 else 0.0, out_dtype)
    if n == 1:
        # torch reduces nothing over a single element: |x| (x != 0 for p = 0)
        return np.asarray(x[0] != 0 if p == 0 else abs(x[0]), out_dtype)
    t = acc.type
    if p == 2 and out_dtype == acc and not is_complex:
        lanes = _LANE_BYTES // acc.itemsize
        m = n - n % lanes
        total = t(0)
        if m:
            sq = x[:m].reshape(-1, lanes)
            sq = sq * sq
            lane_sums = np.add.reduce(sq, axis=0)      # row after row: one sum per lane
            total = lane_sums[0]
            for j in range(1, lanes):
                total = t(total + lane_sums[j])
        tail = x[m:]
        if acc == np.float32 and tail.size >= 4:
            # GCC turns the first four steps of the float tail loop into one vector multiply
            # and four in-order adds; the rest (and every double step) is a fused a*a + b.
            for v in tail[:4]:
                total = t(total + v * v)
            tail = tail[4:]
        for v in tail:
            total = _fma(v, v, total)
        return np.asarray(np.sqrt(total), out_dtype)
    if p == 2:
        if a.dtype == np.float16:
            # half: the float square of a half is exact, so the fused steps are plain adds
            return np.asarray(np.sqrt(np.cumsum(x * x)[-1]), out_dtype)
        total = t(0)              # complex: one fused |z|*|z| + acc after another
        for v in x:
            total = _fma(v, v, total)
        return np.asarray(np.sqrt(total), out_dtype)
    absx = np.abs(x)
    if p == math.inf:
        r = np.max(absx)
    elif p == -math.inf:
        r = np.min(absx)
    elif p == 0:
        r = t(np.count_nonzero(x))
    elif p == 1:
        r = np.cumsum(absx)[-1]
    else:
        # std::pow as glibc computes it (NumPy's SIMD power rounds differently); for float
        # powf, the double result rounded once.
        powed = np.fromiter(map(math.pow, absx.astype(np.float64).tolist(),
                                itertools.repeat(float(t(p)))), np.float64, n).astype(acc)
        total = np.cumsum(powed)[-1]
        r = t(_pow(float(total), float(t(1) / t(p))))
    return np.asarray(r, out_dtype)


def _fma(a, b, c):
    """a*b + c rounded once to the type of c: C's fma, as the compiler contracts it."""
    if type(c) is np.float64:
        if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
            return np.float64(float(a) * float(b) + float(c))
        try:
            return np.float64(float(Fraction(float(a)) * Fraction(float(b)) +
                                    Fraction(float(c))))
        except OverflowError:
            return np.float64(math.copysign(math.inf, float(a) * float(b) + float(c)))
    # float: the product of two floats is exact in a double, the sum may round twice
    p = float(a) * float(b)
    c = float(c)
    s = p + c
    bb = s - p
    err = (p - (s - bb)) + (c - bb)           # s + err == p + c exactly (two-sum)
    r = np.float32(s)
    if err != 0 and math.isfinite(s) and float(r) != s:
        other = np.nextafter(r, np.float32(math.copysign(math.inf, s - float(r))))
        if s - float(r) == float(other) - s and (err > 0) == (float(other) > float(r)):
            r = other                          # s was a tie that the exact sum is past
    return r


def _pow(x, y):
    try:
        return math.pow(x, y)
    except OverflowError:
        return math.inf


@_no_grad
def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the given tensors' norms: as if all of them were one vector."""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    else:
        tensors = list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _make(np.asarray(0.0, np.float32))
    # torch groups the tensors by dtype (first appearance first) and takes each one's norm
    groups = {}
    for t in tensors:
        groups.setdefault(t._data.dtype, []).append(t)
    with np.errstate(over="ignore", invalid="ignore"):     # inf/nan pass through silently
        norms = [_norm_array(t._data, norm_type) for group in groups.values() for t in group]
        total_norm = _norm_array(np.stack(norms), norm_type)
    if error_if_nonfinite and not np.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return _make(total_norm)


@_no_grad
def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """grad *= min(max_norm / (total_norm + 1e-6), 1) for every parameter's gradient."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    max_norm = float(max_norm)
    if len(grads) == 0:
        return
    # max_norm / (total + 1e-6) as torch computes it: Tensor.__rtruediv__ is
    # reciprocal() * max_norm, every step rounded to the norm's dtype.
    tn = total_norm._data
    t = tn.dtype.type
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        clip_coef = (t(1) / (tn + t(1e-6))) * t(max_norm)
    clip_coef_clamped = _make(np.asarray(np.minimum(clip_coef, t(1.0)), tn.dtype))
    with np.errstate(over="ignore", invalid="ignore"):     # inf * 0 is nan, silently
        for g in grads:
            g.mul_(clip_coef_clamped)


@_no_grad
def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients so that their total norm is at most max_norm; returns the total
    norm before clipping."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)      # a generator would be used up by the first pass
        if is_generator and len(parameters) == 0:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                          "occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated alias of clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@_no_grad
def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient into [-clip_value, clip_value] in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    grads = [p.grad for p in parameters if p.grad is not None]
    for grad in grads:
        grad.clamp_(min=-clip_value, max=clip_value)
