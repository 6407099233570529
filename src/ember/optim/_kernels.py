"""NumPy forms of the torch CPU kernels that the optimizers' single-tensor code calls, rounded
as torch rounds them (float32 updates equal torch's bit for bit, up to the square root below).

torch's vectorised CPU kernels (AVX2 / AVX-512, and their scalar tails, compiled with FMA
contraction) fuse some multiply-adds.  Measured on torch 2.13 against float32 arrays:

    a.add(b, alpha=s)           fma(b, s, a)
    a.lerp(b, w), |w| < 0.5     fma(w, b - a, a)      otherwise fma(w - 1, b - a, b)
    a.addcmul(t1, t2, value=v)  fma(v * t1, t2, a)
    a.addcdiv(t1, t2, value=v)  a + (v * t1) / t2     (not fused)
    a * s, a / s, a + s         one float32 operation with s rounded to float32
    s / a                       reciprocal(a) * s     (Tensor.__rtruediv__)

NOTE: torch's CPU sqrt (float32 and float64) goes through MKL's vector math library in its
high-accuracy mode, which is faithfully but not correctly rounded: about one float32 element
in six differs from the correctly rounded root by one ulp (the MKL code path, and so the exact
bits, depend on the processor).  NumPy's sqrt is correctly rounded, so optimizers that take a
square root (Adam, RMSprop, Adagrad, Adadelta, NAdam, RAdam) agree with torch to rounding
rather than bit for bit; the others (SGD, Adamax) agree bit for bit in float32.

A float32 fused multiply-add is formed here in float64, where the product of two float32
numbers is exact, and rounded once.  NumPy has no float64 FMA: float64 results may differ from
torch's in the last bit.  Python scalars are first rounded to the array's dtype, as
``Scalar.to<scalar_t>()`` does in the kernels.

Every function works on ndarrays (0-d included: temporaries may come back as NumPy scalars)
and writes into ``out`` when given; ``out`` may alias an input.
"""
import threading

import numpy as np

from .._tensor import Tensor

_F32 = np.dtype(np.float32)
_F64 = np.float64


def as_real(a):
    """torch.view_as_real: a complex array seen as a real one with a trailing axis of 2
    (a view sharing memory); other arrays are returned as they are."""
    if a.dtype.kind != "c":
        return a
    a = np.asarray(a)
    re = a.real
    return np.lib.stride_tricks.as_strided(re, a.shape + (2,), a.strides + (re.itemsize,))


def as_complex(a, like):
    """torch.view_as_complex of a real array with a trailing axis of 2, when ``like`` (the
    parameter) is complex; otherwise a itself."""
    if like.dtype.kind != "c":
        return a
    return np.ascontiguousarray(a).view(like.dtype).reshape(a.shape[:-1])


def scalar(x):
    """A hyperparameter as the single-tensor code uses it: a (1-element) Tensor becomes a
    NumPy scalar of its dtype, whose arithmetic with Python floats rounds as torch's 0-d
    tensor arithmetic does; anything else is returned as it is."""
    if isinstance(x, Tensor):
        return x._data.reshape(())[()]
    return x


_scratch = threading.local()


def _wide(shape):
    """A float64 scratch array of the given shape: one buffer per thread, grown as needed and
    reused (a fresh large allocation per call costs more than the arithmetic)."""
    n = 1
    for d in shape:
        n *= d
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.size < n:
        buf = np.empty(n)
        _scratch.buf = buf
    return buf[:n].reshape(shape)


_CHUNK = 32768     # elements per block of the blocked fma: float64 scratch stays in L2


def _flat(x, shape):
    """x as a 1-D view when it is a C-contiguous array of the full shape; a 0-d operand as a
    scalar; None otherwise."""
    if np.ndim(x) == 0:
        return x
    if x.shape == shape and x.flags.c_contiguous:
        return x.reshape(-1)
    return None


def _fma_blocked(a, b, c, out):
    """fma on 1-D operands (a may be a scalar) block by block, each block widened into two
    small float64 scratch arrays that stay in cache: on large arrays several times faster
    than one pass per step over the whole arrays, and the same rounding (out may alias c)."""
    n = c.shape[0]
    buf = _wide((2, min(n, _CHUNK)))
    x, y = buf[0], buf[1]
    scalar_a = np.ndim(a) == 0
    if scalar_a:
        a = _F64(a)
    for i in range(0, n, _CHUNK):
        j = min(i + _CHUNK, n)
        xs, ys = x[:j - i], y[:j - i]
        xs[...] = b[i:j]
        if scalar_a:
            xs *= a
        else:
            ys[...] = a[i:j]
            xs *= ys
        ys[...] = c[i:j]
        xs += ys
        out[i:j] = xs


def fma(a, b, c, out=None):
    """a * b + c, rounded once for float32 (the fused multiply-add of torch's kernels)."""
    if c.dtype == _F32:
        shape, sa, sb = c.shape, np.shape(a), np.shape(b)
        if not ((sa == shape or sa == ()) and (sb == shape or sb == ())):
            shape = np.broadcast_shapes(sa, sb, shape)
        if out is None:
            out = np.empty(shape, _F32)
        if np.ndim(b) != 0 and c.size > _CHUNK:
            fa, fb, fc, fo = (_flat(a, shape), _flat(b, shape), _flat(c, shape),
                              _flat(out, shape))
            if not (fa is None or fb is None or fc is None or fo is None
                    or np.ndim(fc) == 0 or fo.dtype != _F32):
                _fma_blocked(fa, fb, fc, fo)
                return out
        wide = _wide(shape)
        # the exact product straight into the scratch (the ufunc widens its operands as it
        # goes: one pass fewer than copying a in first), then the one float64 sum
        np.multiply(a, b, out=wide, dtype=_F64)
        np.add(wide, c, out=wide)
        np.copyto(out, wide, casting="same_kind")
        return out
    return np.add(a * b, c, out=out)


def add(a, b, alpha=1, out=None):
    """a.add(b, alpha=alpha): fma(b, alpha, a) (complex: alpha * b rounded, then added)."""
    if alpha == 1:
        return np.add(a, b, out=out)
    return fma(b, a.dtype.type(alpha), a, out=out)


def mul_(a, s):
    """a.mul_(s) for a scalar s."""
    return np.multiply(a, a.dtype.type(s), out=a)


def lerp_(a, b, w):
    """a.lerp_(b, w) for a scalar weight w."""
    w = a.dtype.type(w)
    diff = b - a
    if abs(w) < 0.5:
        return fma(w, diff, a, out=a)
    return fma(w - 1, diff, b, out=a)


def addcmul(a, t1, t2, value=1, out=None):
    """a.addcmul(t1, t2, value=value): fma(value * t1, t2, a)."""
    return fma(a.dtype.type(value) * t1, t2, a, out=out)


def addcdiv(a, t1, t2, value=1, out=None):
    """a.addcdiv(t1, t2, value=value): a + (value * t1) / t2."""
    return np.add(a, (a.dtype.type(value) * t1) / t2, out=out)


def sqrt(a):
    """a.sqrt(): correctly rounded (see the NOTE above on torch's)."""
    return np.sqrt(a)


def bump(t, n=1):
    """Record n in-place writes to the Tensor t (its version counter)."""
    t._vc[0] += n


def step_(step_t):
    """``step_t += 1`` on the 0-d step Tensor; returns the new step as a Python float
    (``_get_value(step_t)``)."""
    a = step_t._data
    np.add(a, 1, out=a)
    step_t._vc[0] += 1
    return float(a)
