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


def fma(a, b, c, out=None):
    """a * b + c, rounded once for float32 (the fused multiply-add of torch's kernels)."""
    if c.dtype == _F32:
        shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(c))
        wide = _wide(shape)
        np.copyto(wide, a)
        np.multiply(wide, b, out=wide)
        np.add(wide, c, out=wide)
        if out is None:
            out = np.empty(shape, _F32)
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
