"""Seeded randomness, bit-identical to PyTorch's CPU generator (torch 2.x on x86-64).

The engine is MT19937 seeded with ``init_genrand(seed & 0xffffffff)``, exactly the stream
NumPy's ``MT19937._legacy_seeding`` produces, so NumPy generates the 32-bit words in bulk and
every distribution below turns them into values the way ATen's CPU kernels do
(``aten/src/ATen/core/TransformationHelper.h``, ``DistributionsHelper.h``,
``native/cpu/DistributionTemplates.h``).  The recipe, checked value by value against torch,
is in ``shared/reference/torch-rng.md``.  Notes on the parts that need care:

- Elements are drawn one after another in TensorIterator order (memory order), so a
  non-contiguous tensor is filled through a view whose C order is its memory order.
- x86 builds of torch fuse ``a*b + c`` into one FMA (one rounding).  For float32 operands an
  FMA is emulated exactly enough by computing in float64 (the product of two float32 values is
  exact there) and rounding once to float32; for float64 operands by Dekker's two-product.
- ``randn`` on >= 16 contiguous float32 values runs torch's AVX2 kernel, whose log/sin/cos are
  the Cephes polynomials of ``native/cpu/avx_mathfun.h``; they are emulated step by step in
  float32, with the FMA contractions GCC made in the shipped build.
- float64 paths call glibc's ``log``/``sin``/``cos`` through Python's ``math`` where NumPy's
  own SIMD versions round differently (they are used only where a self-check shows that they
  agree with ``math`` bit for bit).
"""
import contextlib
import math
import secrets
import sys
import warnings

import numpy as np

from ._dtype import get_default_dtype
from ._tensor import Tensor, _make
from .autograd import grad_mode as _gm
from .ops import _views
from .ops._base import BroadcastingNode, Node

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "fork_rng", "rand", "rand_like", "randn",
           "randn_like", "randint", "randint_like", "randperm", "normal", "bernoulli",
           "multinomial"]

_f32 = np.float32
_f64 = np.float64
_u64 = np.uint64
_N = 624                                  # MT19937 state words
_STATE_SIZE = 5056                        # sizeof(CPUGeneratorImplState)
_DEFAULT_SEED = 67280421310721            # c10::detail::default_rng_seed_val
_TWO_PI = 2.0 * math.pi


# -- the generator ---------------------------------------------------------------------------

class Generator:
    """torch.Generator: an MT19937 engine plus the two cached normal samples.

    NumPy's MT19937 holds the 624 words and the read position; ``_fresh`` remembers that
    the engine was seeded and not drawn from since (torch stores ``next = 0`` then, and
    ``next = 624`` once a block of 624 words has been used up: same stream, other bytes)."""
    __slots__ = ("_bg", "_gen32", "_seed", "_fresh", "_normal_double", "_normal_float",
                 "device")

    def __init__(self, device="cpu"):
        from ._tensor import device as _device
        self.device = _device(device) if not isinstance(device, _device) else device
        self._bg = np.random.MT19937(0)
        self._gen32 = np.random.Generator(self._bg)     # integers(): 32-bit words, no buffering
        self._set_seed(_DEFAULT_SEED)

    def _set_seed(self, seed):
        self._bg._legacy_seeding(seed & 0xFFFFFFFF)
        self._seed = seed
        self._fresh = True
        self._normal_double = None
        self._normal_float = None

    # -- torch API ------------------------------------------------------------------------
    def manual_seed(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        self._set_seed(_check_seed(int(seed)))
        return self

    def seed(self):
        """Seed from the OS and return the seed."""
        s = _nondeterministic_seed()
        self._set_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as torch's 5056-byte uint8 tensor (CPUGeneratorImplState)."""
        st = self._bg.state["state"]
        pos = int(st["pos"])
        buf = np.zeros(_STATE_SIZE, np.uint8)
        buf[0:8].view(_u64)[0] = self._seed
        buf[8:16].view(np.int32)[:] = (_N + 1 - pos, 1)          # left, seeded
        buf[16:24].view(_u64)[0] = 0 if self._fresh else pos     # next
        buf[24:24 + 8 * _N].view(_u64)[:] = st["key"]
        if self._normal_double is not None:
            buf[5024:5032].view(_f64)[0] = self._normal_double   # normal_y
            buf[5040:5044].view(np.int32)[0] = 1                 # normal_is_valid
        if self._normal_float is not None:
            buf[5048:5052].view(_f32)[0] = self._normal_float
            buf[5052] = 1
        return _make(buf)

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a torch.ByteTensor, but got "
                            f"{type(new_state).__module__}.{type(new_state).__name__}")
        buf = new_state._data
        if buf.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if buf.size != _STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_SIZE} but "
                               f"found the input RNG state size to be {buf.size}")
        buf = np.ascontiguousarray(buf).reshape(-1)
        seed = int(buf[0:8].view(_u64)[0])
        left, seeded = (int(v) for v in buf[8:16].view(np.int32))
        nxt = int(buf[16:24].view(_u64)[0]) & 0xFFFFFFFF
        if not (seeded != 0 and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        key = buf[24:24 + 8 * _N].view(_u64).astype(np.uint32)
        self._bg.state = {"bit_generator": "MT19937",
                          "state": {"key": key, "pos": _N + 1 - left}}
        self._seed = seed
        self._fresh = nxt == 0 and left == 1
        self._normal_double = (float(buf[5024:5032].view(_f64)[0])
                               if buf[5040:5044].view(np.int32)[0] else None)
        self._normal_float = buf[5048:5052].view(_f32)[0] if buf[5052] else None
        return self

    # -- raw draws ------------------------------------------------------------------------
    def _random(self, n):
        """n outputs of random(): 32-bit words (as uint64)."""
        if n:
            self._fresh = False
        return self._bg.random_raw(n)

    def _random32(self, n):
        """n outputs of random() as a uint32 array (the same words, half the memory)."""
        if n:
            self._fresh = False
        return self._gen32.integers(0, 1 << 32, size=n, dtype=np.uint32)

    def _random64(self, n):
        """n outputs of random64(): (hi << 32) | lo from two consecutive words."""
        r = self._random(2 * n)
        return (r[0::2] << _u64(32)) | r[1::2]


def _check_seed(seed):
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


def _nondeterministic_seed():
    """53 random bits from the OS, as c10::detail::getNonDeterministicRandom draws them."""
    return secrets.randbits(53)


default_generator = Generator()
default_generator._set_seed(_nondeterministic_seed())


def _gen(generator):
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


def manual_seed(seed):
    """Seed the default generator (any int in [-2**63, 2**64)); returns it."""
    seed = int(seed)
    default_generator._set_seed(_check_seed(seed))
    return default_generator


def seed():
    """Seed the default generator from the OS and return the seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices",
             device_type="cuda"):
    """Run a block and restore the default generator's state afterwards."""
    if not enabled:
        yield
        return
    state = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(state)


# -- shared helpers ----------------------------------------------------------------------

_SCALAR_NAME = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat",
                "complex128": "ComplexDouble"}
# caffe2::TypeMeta names, which a few of torch's messages print instead
_META_NAME = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
              "int16": "short int", "int32": "int", "int64": "long int",
              "float16": "c10::Half", "float32": "float", "float64": "double",
              "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _name(arr):
    return _SCALAR_NAME[arr.dtype.name]


def _g(v):
    """A double as C++'s ostream prints it (6 significant digits)."""
    return f"{v:g}"


def _not_implemented(kernel, arr):
    raise NotImplementedError(f'"{kernel}" not implemented for \'{_name(arr)}\'')


def _ordered(arr):
    """A view of arr whose C order is its memory order: TensorIterator's order of filling."""
    if arr.flags.c_contiguous or arr.ndim < 2:
        return arr
    return arr.transpose(_perm_of(arr))


def _perm_of(arr):
    """The dims of arr from the largest stride to the smallest (size-1 dims last)."""
    strides = arr.strides
    return sorted(range(arr.ndim), key=lambda d: (arr.shape[d] != 1, abs(strides[d])),
                  reverse=True)


def _check_writable(arr):
    if not arr.flags.writeable or any(s == 0 and n > 1 for s, n in zip(arr.strides, arr.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")


def _put(arr, vals):
    """Write vals (in drawing order) into arr's memory."""
    if arr.ndim == 0:
        arr[()] = vals[0]
        return
    view = _ordered(arr)
    view[...] = vals.reshape(view.shape)


def _real_view(arr):
    """view_as_real: a complex array as float pairs (same memory)."""
    if arr.ndim == 0:
        arr = arr.reshape(1)
    return arr.view(arr.real.dtype).reshape(arr.shape + (2,)) if arr.flags.c_contiguous \
        else np.lib.stride_tricks.as_strided(
            arr.real, arr.shape + (2,), arr.strides + (arr.itemsize // 2,))


def _fma32(a, b, c):
    """float32 fma(a, b, c), one rounding: the float64 product of float32 values is exact."""
    r = np.multiply(a, b, dtype=_f64)
    r += c
    return r.astype(_f32)


def _fma64(a, b, c):
    """float64 fma(a, b, c) via Dekker's two-product and Knuth's two-sum (correctly rounded
    except in double-rounding ties, which need the exact sum to sit on a midpoint)."""
    p = a * b
    sa = a * 134217729.0
    ahi = sa - (sa - a)
    alo = a - ahi
    sb = b * 134217729.0
    bhi = sb - (sb - b)
    blo = b - bhi
    e = ((ahi * bhi - p) + ahi * blo + alo * bhi) + alo * blo
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)
    return s + (t + e)


# glibc's log/sin/cos/log1p/exp/tan, vectorised with NumPy where NumPy agrees with them.
_LIBM_OK = {}


def _libm(name, x):
    """math.<name> (the C library's, as torch calls it) over a float64 array."""
    ok = _LIBM_OK.get(name)
    if ok is None:
        probe = np.random.default_rng(12345).random(4096)
        probe = np.concatenate([probe, probe * 8.0, -probe * 0.999, probe * 1e-6])
        if name == "log":
            probe = np.abs(probe) + 1e-300
        mf = getattr(math, name)
        ok = bool(np.array_equal(getattr(np, name)(probe),
                                 np.fromiter(map(mf, probe.tolist()), _f64, probe.size)))
        _LIBM_OK[name] = ok
    if ok:
        return getattr(np, name)(x)
    x = np.asarray(x, _f64)
    return np.fromiter(map(getattr(math, name), x.ravel().tolist()), _f64,
                       x.size).reshape(x.shape)


# -- uniform ---------------------------------------------------------------------------------

def _uniform_bits(gen, n, dtype):
    """n uniforms in [0, 1) as uniform_real_distribution<dtype> draws them, as float64:
    53 bits of random64() for double, 24 bits of random() for float (and half, which
    draws as float)."""
    if dtype == _f64:
        r = gen._random64(n)
        r &= _u64((1 << 53) - 1)
        x = r.astype(_f64)
        x *= 2.0 ** -53
        return x
    r = gen._random32(n)
    r &= 0xFFFFFF
    x = r.astype(_f64)
    x *= 2.0 ** -24
    return x


def _uniform_values(gen, n, dtype, a, b):
    """x*(to-from)+from computed in the dtype's opmath type (float for half), fused as
    torch's x86 build fuses it; a value that rounds to ``to`` becomes ``from``."""
    if dtype == _f32 and a == 0.0 and b == 1.0:
        # rand(): k * 2**-24 is exact in float32 and below 1, so no float64 detour
        r = gen._random32(n)
        r &= 0xFFFFFF
        x = r.view(np.int32).astype(_f32)
        x *= _f32(2.0 ** -24)
        return x
    x = _uniform_bits(gen, n, dtype)
    if dtype == _f64:
        if not (a == 0.0 and b == 1.0):
            x = _fma64(x, b - a, a)
    else:
        fa = _f32(a)
        fb = _f32(b)
        x *= _f64(_f32(fb - fa))       # exact: at most 24 + 24 bits
        x += _f64(fa)
        x = x.astype(_f32).astype(dtype, copy=False)
    top = dtype.type(b)
    if x.size and x.max() >= top:      # the cast rounded up to the upper bound
        x[x == top] = dtype.type(a)
    return x


def _uniform_fill(arr, a, b, gen):
    kind = arr.dtype.kind
    if kind == "c":
        if arr.size:
            _uniform_fill(_real_view(arr), a, b, gen)
        return
    if kind != "f":
        _not_implemented("check_uniform_bounds", arr)
    a = float(a)
    b = float(b)
    finfo = np.finfo(arr.dtype)
    lo, hi = float(finfo.min), float(finfo.max)
    if not lo <= a <= hi:
        raise RuntimeError(f"from is out of bounds for {_META_NAME[arr.dtype.name]}")
    if not lo <= b <= hi:
        raise RuntimeError(f"to is out of bounds for {_META_NAME[arr.dtype.name]}")
    if not a <= b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_g(a)} > to={_g(b)}")
    if not b - a <= hi:
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{_name(arr)}>"
                           f"::max(), but found to={_g(b)} and from={_g(a)} which result in "
                           f"to-from to exceed the limit")
    if arr.size == 0:
        return
    _check_writable(arr)
    _put(arr, _uniform_values(gen, arr.size, arr.dtype, a, b))


# -- normal ----------------------------------------------------------------------------------

def _box_muller_scalar(gen, n):
    """n draws of normal_distribution<double>: Box-Muller, one sample cached per pair."""
    out = np.empty(n, _f64)
    start = 0
    if n and gen._normal_double is not None:
        out[0] = gen._normal_double
        gen._normal_double = None
        start = 1
    k = n - start
    if k <= 0:
        return out
    pairs = (k + 1) // 2
    u = _uniform_bits(gen, 2 * pairs, _f64)
    u1 = u[0::2]
    u2 = u[1::2]
    r = np.sqrt(-2.0 * _libm("log1p", -u2))
    theta = _TWO_PI * u1
    c = r * _libm("cos", theta)
    s = r * _libm("sin", theta)
    both = np.empty(2 * pairs, _f64)
    both[0::2] = c
    both[1::2] = s
    out[start:] = both[:k]
    if k % 2:
        gen._normal_double = float(s[-1])
    return out


def _affine64(v, std, mean):
    """v*std + mean in double, fused (transformation::normal)."""
    if std == 1.0 and mean == 0.0:
        return v
    return _fma64(v, _f64(std), _f64(mean))


# Cephes constants of avx_mathfun.h, as float32
_SQRTHF = _f32(0.707106781186547524)
_SQRTHF_MANT = int(_SQRTHF.view(np.int32)) & 0x7FFFFF       # 0x3504F3
_LOG_P = [_f32(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                            -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                            2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]
_LOG_Q1 = _f32(-2.12194440e-4)
_LOG_Q2 = _f32(0.693359375)
_DP = [_f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(-3.77489497744594108e-8)]
_SINCOF = [_f32(-1.9515295891E-4), _f32(8.3321608736E-3), _f32(-1.6666654611E-1)]
_COSCOF = [_f32(2.443315711809948E-005), _f32(-1.388731625493765E-003),
           _f32(4.166664568298827E-002)]
_FOPI = _f32(1.27323954473516)
_TWO_PI_F = _f32(2.0 * math.pi)
_HALF = _f32(0.5)
_ONE = _f32(1.0)


_CHUNK_BLOCKS = 4096          # 16-value blocks per pass: the work arrays stay in cache


class _AvxWork:
    """Work arrays for one chunk of normal_fill_16_AVX2 (m = 8 lanes per block)."""
    __slots__ = ("k1", "k2", "bits", "expo", "x", "z", "y", "e", "r", "x64", "z64", "y64",
                 "j", "y2", "y2_64")

    def __init__(self, m):
        self.k1 = np.empty(m, np.int32)
        self.k2 = np.empty(m, np.int32)
        self.bits = np.empty(m, np.int32)
        self.expo = np.empty(m, np.int32)
        self.x = np.empty(m, _f32)
        self.z = np.empty(m, _f32)
        self.y = np.empty(m, _f32)
        self.e = np.empty(m, _f32)
        self.r = np.empty(m, _f32)
        self.x64 = np.empty(m, _f64)
        self.z64 = np.empty(m, _f64)
        self.y64 = np.empty(m, _f64)
        self.j = np.empty(m, np.int32)
        self.y2 = np.empty((2, m), _f32)
        self.y2_64 = np.empty((2, m), _f64)

    def view(self, m):
        """The first m lanes of every array (for the last, shorter chunk)."""
        w = _AvxWork.__new__(_AvxWork)
        for name in _AvxWork.__slots__:
            a = getattr(self, name)
            setattr(w, name, a[:, :m] if a.ndim == 2 else a[:m])
        return w


# Full-size work arrays kept between calls: fresh multi-megabyte arrays cost a page fault
# per 4 KiB on first touch, as much as the arithmetic.  A pool (list.pop/append are atomic)
# keeps concurrent calls from different threads on different arrays.
_WORK_POOL = []


def _round32(y64, y32):
    """Round a float64 array to float32 (into y32) and back (into y64): one rounding."""
    np.copyto(y32, y64, casting="same_kind")
    np.copyto(y64, y32)


def _log256(k1, w):
    """log256_ps of avx_mathfun.h of u1 = (2**24 - k1) * 2**-24, into w.x (float32).

    GCC fused every Horner step y*x + p into an FMA, and the tail into fma(y, z, e*q1);
    an FMA of float32 operands is emulated in float64 (the product is exact there) with one
    rounding to float32.  u1 is in (0, 1], so the NaN and denormal guards never fire."""
    x, z, y, e, bits, expo = w.x, w.z, w.y, w.e, w.bits, w.expo
    x64, z64, y64 = w.x64, w.z64, w.y64
    np.subtract(16777216, k1, out=bits)
    np.copyto(x, bits, casting="same_kind")          # exact: at most 2**24
    xb = x.view(np.int32)                            # u1 * 2**24: exponent E, mantissa m
    # The kernel splits u1 into e and a mantissa xm in [0.5, 1), then, where xm < sqrt(1/2),
    # takes e - 1 and 2*xm.  In integers: adding 2**23 - mant(sqrt(1/2)) carries into the
    # exponent exactly when xm >= sqrt(1/2), so (xb + C) >> 23 is E + [xm >= sqrt(1/2)];
    # subtracting that minus 127 from the exponent field leaves xm or 2*xm.
    np.add(xb, 0x800000 - _SQRTHF_MANT, out=expo)
    expo >>= 23
    np.subtract(expo, 24 + 126 + 1, out=bits)
    np.copyto(e, bits, casting="same_kind")          # e (+1, -1 where xm < sqrt(1/2))
    expo -= 127
    expo <<= 23
    np.subtract(xb, expo, out=bits)                  # xm or 2*xm, in [sqrt(1/2), sqrt(2))
    np.subtract(bits.view(_f32), _ONE, out=x)        # x - 1: exact
    np.multiply(x, x, out=z)
    np.copyto(x64, x)
    np.multiply(x64, _f64(_LOG_P[0]), out=y64)
    y64 += _f64(_LOG_P[1])
    _round32(y64, y)
    for c in _LOG_P[2:]:
        y64 *= x64
        y64 += _f64(c)
        _round32(y64, y)
    y *= x
    np.copyto(y64, y)
    np.copyto(z64, z)
    y64 *= z64
    np.multiply(e, _LOG_Q1, out=y)                   # tmp = e*q1, rounded
    np.copyto(x64, y)
    y64 += x64
    np.copyto(y, y64, casting="same_kind")
    z *= _HALF
    y -= z
    x += y
    e *= _LOG_Q2                                     # exact: small integer times 0.693359375
    x += e
    return x


def _sincos256(k2, w):
    """sincos256_ps of avx_mathfun.h of theta = (float)(2*pi) * k2 * 2**-24, theta >= 0;
    returns (sin, cos) as float32 work arrays.

    FMA contractions as GCC made them: the Cody-Waite steps x + y*DPi, the Horner steps,
    the cosine's last step fma(y, z, -0.5*z) and the sine's fma(y*z, x, x).  The first two
    Cody-Waite products are exact (y <= 8, DP1 and DP2 are short), so they need no emulation.
    The selection and sign steps are the kernel's own bit operations on int32 views."""
    x, z, y, j = w.x, w.z, w.y, w.j
    x64, z64 = w.x64, w.z64
    y2, y2_64 = w.y2, w.y2_64
    np.copyto(x, k2, casting="same_kind")
    x *= _TWO_PI_F * _f32(2.0 ** -24)               # == (2*pi)_f * u2: a power-of-2 scale
    np.multiply(x, _FOPI, out=z)
    np.copyto(j, z, casting="unsafe")                # cvttps: truncation
    j += 1
    j &= ~1
    np.copyto(y, j, casting="same_kind")
    sin_sign = w.bits
    np.bitwise_and(j, 4, out=sin_sign)
    sin_sign <<= 29
    cos_sign = w.expo
    np.subtract(j, 2, out=cos_sign)
    np.invert(cos_sign, out=cos_sign)
    cos_sign &= 4
    cos_sign <<= 29
    poly = j                                         # -1 where (j & 2) == 0, else 0
    poly &= 2
    poly >>= 1
    poly -= 1
    np.multiply(y, _DP[0], out=z)
    x += z
    np.multiply(y, _DP[1], out=z)
    x += z
    np.copyto(x64, x)
    np.copyto(z64, y)
    z64 *= _f64(_DP[2])
    x64 += z64
    np.copyto(x, x64, casting="same_kind")
    np.copyto(x64, x)
    np.multiply(x, x, out=z)
    np.copyto(z64, z)
    # both polynomials at once: row 0 the cosine's, row 1 the sine's
    np.multiply(z64, _CS0, out=y2_64)
    y2_64 += _CS1
    _round32(y2_64, y2)
    y2_64 *= z64
    y2_64 += _CS2
    np.copyto(y2, y2_64, casting="same_kind")
    y2 *= z
    np.copyto(y2_64, y2)
    y2_64[0] *= z64                                  # cos: fma(y, z, -0.5*z)
    z64 *= -0.5
    y2_64[0] += z64
    y2_64[1] *= x64                                  # sin: fma(y, x, x)
    y2_64[1] += x64
    np.copyto(y2, y2_64, casting="same_kind")
    y2[0] += _ONE
    yc = y2[0].view(np.int32)
    ys = y2[1].view(np.int32)
    # sin = poly ? ys : yc and cos = poly ? yc : ys, by and/andnot as the kernel does
    d = w.y.view(np.int32)
    np.bitwise_xor(yc, ys, out=d)
    d &= poly
    yc ^= d
    ys ^= d
    # NOTE: the kernel adds the two masked halves, one of them +0.0; that only turns -0.0
    # into +0.0, and neither polynomial can give -0.0 (cos >= 0.7; the sine is x*(1 + s),
    # |s| < 1, zero only for x = +0.0), so the add is left out.
    yc ^= sin_sign
    ys ^= cos_sign
    return y2[0], y2[1]


_CS0 = np.array([[_COSCOF[0]], [_SINCOF[0]]], _f64)
_CS1 = np.array([[_COSCOF[1]], [_SINCOF[1]]], _f64)
_CS2 = np.array([[_COSCOF[2]], [_SINCOF[2]]], _f64)


def _normal_avx2(gen, n, mean, std, lazy_tail=False):
    """normal_fill_AVX2: float32, contiguous, n >= 16.

    All n uniforms are drawn first; each block of 16 turns u1 = 1 - d[j], u2 = d[j+8]
    (j < 8) into d[j] = r*cos, d[j+8] = r*sin; when n % 16 != 0, 16 fresh uniforms
    recompute the last 16 outputs.  Half tensors (lazy_tail) run the same float kernel
    without drawing the n % 16 uniforms that the tail replaces [verified against torch]."""
    nb = n // 16
    out = np.empty(n, _f32)
    _avx2_blocks(gen, out[:nb * 16].reshape(nb, 2, 8))
    if n % 16:
        if not lazy_tail:
            gen._random32(n % 16)      # drawn for the partial block, then overwritten
        tail = np.empty((1, 2, 8), _f32)
        _avx2_blocks(gen, tail)
        out[n - 16:] = tail.reshape(-1)
    fm, fs = _f32(mean), _f32(std)
    if not (fs == 1 and fm == 0):
        if fm == 0:
            out *= fs                  # fma(n, std, +0.0): the rounded product, -0.0 -> +0.0
            out += _f32(0)
        else:
            out = _fma32(out, fs, fm)
    return out


_V32 = np.dtype((np.void, 32))       # 8 float32/int32 lanes: half of a 16-value block


def _avx2_blocks(gen, res):
    """normal_fill_16_AVX2 over the blocks of res (rows, 2, 8), drawing 16 words a block.

    Drawn a chunk of blocks at a time, so that no array as large as the output is made.
    The halves of the blocks are gathered into contiguous arrays (and the results scattered
    back) as 32-byte units, which NumPy copies much faster than 8-lane strided rows."""
    rows = res.shape[0]
    halves = res.view(_V32)
    full = rows >= _CHUNK_BLOCKS
    if full:
        work = _WORK_POOL.pop() if _WORK_POOL else _AvxWork(_CHUNK_BLOCKS * 8)
    else:
        work = _AvxWork(rows * 8)
    for b0 in range(0, rows, _CHUNK_BLOCKS):
        b1 = min(rows, b0 + _CHUNK_BLOCKS)
        w = work.view((b1 - b0) * 8) if full and b1 - b0 < _CHUNK_BLOCKS else work
        k = gen._random32((b1 - b0) * 16)
        k &= 0xFFFFFF
        k = k.view(_V32).reshape(b1 - b0, 2)
        w.k1.view(_V32)[...] = k[:, 0]
        w.k2.view(_V32)[...] = k[:, 1]
        r = w.r
        np.multiply(_log256(w.k1, w), _f32(-2.0), out=r)
        np.sqrt(r, out=r)
        sin, cos = _sincos256(w.k2, w)
        cos *= r
        sin *= r
        halves[b0:b1, 0, 0] = cos.view(_V32)
        halves[b0:b1, 1, 0] = sin.view(_V32)
    if full:
        _WORK_POOL.append(work)


def _normal_fill16(gen, n, dtype, mean, std):
    """normal_fill<double>: n >= 16 contiguous, 16-value blocks, glibc's log/cos/sin."""
    u = _uniform_bits(gen, n, dtype).astype(dtype)
    nb = n // 16
    if n % 16:
        tail = _uniform_bits(gen, 16, dtype).astype(dtype)
        blocks = np.concatenate([u[:nb * 16], tail]).reshape(nb + 1, 2, 8)
    else:
        blocks = u.reshape(nb, 2, 8)
    u1 = 1.0 - blocks[:, 0]
    u2 = blocks[:, 1]
    radius = np.sqrt(-2.0 * _libm("log", u1))
    theta = _TWO_PI * u2
    res = np.empty(blocks.shape, _f64)
    res[:, 0] = radius * _libm("cos", theta)
    res[:, 1] = radius * _libm("sin", theta)
    res = _affine64(res, std, mean)
    res = res.reshape(-1)
    if n % 16 == 0:
        return res
    out = np.empty(n, dtype)
    out[:nb * 16] = res[:nb * 16]
    out[n - 16:] = res[nb * 16:]
    return out


def _normal_fill(arr, mean, std, gen):
    """normal_kernel: dispatch on dtype, size and contiguity as torch does."""
    kind = arr.dtype.kind
    std = float(std)
    mean = float(mean)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
    if arr.size == 0:
        return
    if kind == "c":
        _normal_fill(_real_view(arr), mean, std / math.sqrt(2), gen)
        return
    if kind != "f":
        _not_implemented("normal_kernel_cpu", arr)
    _check_writable(arr)
    _put(arr, _normal_values(gen, arr.size, arr.dtype, mean, std, arr.flags.c_contiguous))


def _normal_values(gen, n, dtype, mean, std, contiguous):
    """n normal samples in drawing order, by the kernel torch picks for this tensor."""
    if n >= 16 and contiguous:
        if dtype == _f32:
            return _normal_avx2(gen, n, mean, std)
        if dtype == np.float16:
            return _normal_avx2(gen, n, mean, std, lazy_tail=True).astype(np.float16)
        return _normal_fill16(gen, n, dtype, mean, std)
    return _from_double(_affine64(_box_muller_scalar(gen, n), std, mean), dtype)


def _from_double(v, dtype):
    """static_cast<scalar_t>(double): c10::Half converts through float (two roundings)."""
    if dtype == np.float16:
        return v.astype(_f32).astype(np.float16)
    return v.astype(dtype, copy=False)


# -- integers --------------------------------------------------------------------------------

def _int_limits(dt):
    if dt == np.bool_:
        return 0, 1
    info = np.iinfo(dt)
    return int(info.min), int(info.max)


def _random_from_to(arr, frm, to, gen):
    """random_(from, to) / random_(from) / random_() with torch's bounds and draws."""
    dt = arr.dtype
    kind = dt.kind
    meta = _META_NAME[dt.name]
    full64 = False
    if to is not None:
        if not frm < to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={frm} >= to={to}")
        if kind == "f":
            frm = _update_from(frm, dt)
            to = _update_to(to, dt)
            if not frm < to:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than "
                                   f"'to' casted to dtype, but got from={frm} >= to={to}")
        _check_from_to(frm, to - 1, dt, meta)
        rng = to - frm
    elif frm != -(1 << 63):
        if kind == "f":
            to_inc = 1 << np.finfo(dt).nmant + 1
            frm = _update_from(frm, dt)
            if not frm < to_inc:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than "
                                   f"or equal to 'to_inc' casted to dtype, but got from={frm} "
                                   f"> to_inc={to_inc}")
        elif kind in "iub":
            to_inc = _int_limits(dt)[1]
        else:
            raise RuntimeError("random_from_to_impl handles only integral, floating-point and "
                               "boolean types")
        _check_from_to(frm, to_inc, dt, meta)
        rng = to_inc - frm + 1
    else:
        full64 = True
        rng = 0
    if arr.size == 0:
        return
    _check_writable(arr)
    n = arr.size
    if full64:
        if dt not in (np.int64, _f64, _f32):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, "
                               "double, float and bfloat16")
        vals = gen._random64(n).view(np.int64)
    elif rng >= (1 << 28):
        # torch >= 2.4 (open-source builds): 64-bit draws from a range of 2**28 up, "to allow
        # approx 5% skew" [verified: randint(0, 2**29) and random_(3, None) on int32]
        vals = (gen._random64(n) % _u64(rng)).view(np.int64) + np.int64(frm)
    else:
        vals = (gen._random(n) % _u64(rng)).astype(np.int64) + np.int64(frm)
    _put(arr, vals.astype(dt))


def _update_from(frm, dt):
    t = dt.type
    plus1 = int(t(frm + 1))
    if plus1 < frm:
        n = abs(frm + 1).bit_length() - 1
        frm = plus1 + (1 << (n - (np.finfo(dt).nmant + 1) + 1))
    return frm


def _update_to(to, dt):
    t = dt.type
    minus1 = int(t(to - 1))
    if minus1 >= to:
        n = abs(to - 1).bit_length() - 1
        to = minus1 - (1 << (n - (np.finfo(dt).nmant + 1) + 1))
    return to


def _check_from_to(frm, to_inc, dt, meta):
    if dt.kind == "f":
        info = np.finfo(dt)
        lo, hi = float(info.min), float(info.max)
        if not lo <= frm <= hi:
            raise RuntimeError(f"from is out of bounds for {meta}")
        if not lo <= to_inc <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {meta}")
        digits = info.nmant + 1
        for v, name in ((frm, "from"), (to_inc, "to - 1")):
            if v < -(1 << digits) or v > (1 << digits):
                _warn(f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                      f"precision limitations {meta} can support discrete uniform "
                      f"distribution only within this range. This warning will become an "
                      f"error in version 1.7 release, please fix the code in advance")
    else:
        lo, hi = _int_limits(dt)
        if not lo <= frm <= hi:
            raise RuntimeError(f"from is out of bounds for {meta}")
        if not lo <= to_inc <= hi:
            raise RuntimeError(f"to - 1 is out of bounds for {meta}")


def _warn(message):
    """A UserWarning attributed to the caller's line, outside this module."""
    level = 2                          # 1 is this function, 2 its caller
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
        level += 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _random_default(arr, gen):
    """random_() with no bounds: uniform_int_distribution<T>."""
    dt = arr.dtype
    if arr.size == 0:
        return
    _check_writable(arr)
    n = arr.size
    if dt in (_f64, np.int64):
        r = gen._random64(n)
    else:
        r = gen._random(n)
    if dt == np.bool_:
        vals = (r & _u64(1)).astype(np.bool_)
    elif dt.kind == "f":
        vals = (r % _u64((1 << (np.finfo(dt).nmant + 1)) + 1)).astype(dt)
    else:
        vals = (r % _u64(_int_limits(dt)[1] + 1)).astype(dt)
    _put(arr, vals)


# -- other distributions ---------------------------------------------------------------------

def _exponential_fill(arr, lambd, gen):
    lambd = float(lambd)
    if arr.dtype.kind != "f":
        raise RuntimeError(f"Exponential distribution is a continuous probability "
                           f"distribution. dtype must be a floating point but you specified "
                           f"{_name(arr)}")
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_g(lambd)}")
    if arr.size == 0:
        return
    _check_writable(arr)
    u = _uniform_bits(gen, arr.size, _f64)
    np.negative(u, out=u)
    if arr.dtype == _f64:
        u = _libm("log1p", u)
    else:
        # NOTE: NumPy's log1p may differ from glibc's by an ulp of the double; that changes
        # the rounded float32/half value with probability ~2**-29, so it is used for speed.
        np.log1p(u, out=u)
    u *= -1.0 / lambd
    _put(arr, _from_double(u, arr.dtype))


def _geometric_fill(arr, p, gen):
    p = float(p)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_g(p)}")
    if arr.size == 0:
        return
    if arr.dtype.kind == "c":
        _not_implemented("geometric_cpu", arr)
    _check_writable(arr)
    u = _uniform_bits(gen, arr.size, _f64)
    with np.errstate(divide="ignore"):
        vals = np.ceil(_libm("log", u) / math.log(1.0 - p))
    _put(arr, vals.astype(arr.dtype))


def _cauchy_fill(arr, median, sigma, gen):
    median = float(median)
    sigma = float(sigma)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_g(sigma)}")
    if arr.dtype.kind != "f":
        raise RuntimeError(f"Cauchy distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_META_NAME[arr.dtype.name]}")
    if arr.size == 0:
        return
    _check_writable(arr)
    u = _uniform_bits(gen, arr.size, _f64)
    t = _libm("tan", math.pi * (u - 0.5))
    vals = _fma64(np.full_like(t, sigma), t, _f64(median))     # median + sigma*tan, fused
    _put(arr, _from_double(vals, arr.dtype))


def _log_normal_fill(arr, mean, std, gen):
    mean = float(mean)
    std = float(std)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_g(std)}")
    if arr.size == 0:
        return
    if arr.dtype.kind != "f":
        _not_implemented("log_normal_cpu", arr)
    _check_writable(arr)
    v = _affine64(_box_muller_scalar(gen, arr.size), std, mean)
    _put(arr, _from_double(_libm("exp", v), arr.dtype))


def _bernoulli_scalar_fill(arr, p, gen):
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_g(p)}")
    if arr.size == 0:
        return
    if arr.dtype.kind == "c":
        _not_implemented("bernoulli_scalar_cpu_", arr)
    _check_writable(arr)
    _put(arr, _bernoulli_mask(gen, arr.size, p))


def _bernoulli_mask(gen, n, p):
    """n draws of bernoulli_distribution<double>(p): u < p for u = (random64() & (2**53 - 1))
    * 2**-53, compared in integers: u < p exactly when the 53 bits are below ceil(p * 2**53),
    so only the high word's 21 low bits need a look, and the low word only where they tie
    (one draw in two million).  Same draws and results as _uniform_bits(..., float64) < p,
    at a third of the passes over memory."""
    limit = math.ceil(p * 2.0 ** 53)
    top, bottom = limit >> 32, limit & 0xFFFFFFFF
    words = gen._random32(2 * n).reshape(n, 2)       # (high, low) word of each random64()
    high = words[:, 0] & 0x1FFFFF
    mask = high < top
    tie = np.flatnonzero(high == top)
    if tie.size:
        mask[tie] = words[tie, 1] < bottom
    return mask


def _bernoulli_tensor_fill(arr, p, gen):
    """bernoulli_(p_tensor): p broadcast to arr; float draws for float p, double for double."""
    if arr.size == 0:
        return
    if arr.dtype.kind == "c":
        _not_implemented("bernoulli_tensor_cpu_self_", arr)
    if p.dtype.kind != "f":
        _not_implemented("bernoulli_tensor_cpu_p_", p)
    _check_writable(arr)
    try:
        pv = np.broadcast_to(p, arr.shape)
    except ValueError:
        n = len(arr.shape)
        ps = (1,) * (n - p.ndim) + p.shape if p.ndim <= n else p.shape
        d = next((i for i in range(n) if ps[i] not in (1, arr.shape[i])), 0)
        raise RuntimeError(f"The expanded size of the tensor ({arr.shape[d]}) must match the "
                           f"existing size ({ps[d]}) at non-singleton dimension {d}.  Target "
                           f"sizes: [{', '.join(map(str, arr.shape))}].  Tensor sizes: "
                           f"[{', '.join(map(str, p.shape))}]") from None
    if arr.ndim > 1 and not arr.flags.c_contiguous:
        pv = pv.transpose(_perm_of(arr))
    pv = pv.reshape(-1)
    if not np.all((pv >= 0) & (pv <= 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                           "(Could this error message be improved?  If so, please report an "
                           "enhancement request to PyTorch.)")
    if p.dtype == _f64:
        u = _uniform_bits(gen, arr.size, _f64)
        vals = u < pv
    else:
        # bernoulli_distribution<float>: a 24-bit float draw compared in float
        u = _uniform_bits(gen, arr.size, _f32).astype(_f32)
        vals = u < pv.astype(_f32)
    _put(arr, vals.astype(arr.dtype))


# -- autograd: random ops pass a zero gradient -------------------------------------------

def _zeros_like(g):
    if isinstance(g, Tensor):
        from .ops.creation import zeros_like
        return zeros_like(g)
    return np.zeros_like(g)


class _ZeroGrad(Node):
    """Random sampling has no useful derivative: every input gets zeros_like(grad)."""
    __slots__ = ()

    def backward(self, grad):
        return (_zeros_like(grad),)


class UniformBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class NormalBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class RandomBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class ExponentialBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class GeometricBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class CauchyBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class LogNormalBackward0(_ZeroGrad):
    """self: zeros_like(grad)"""
    __slots__ = ()


class BernoulliBackward0(_ZeroGrad):
    """bernoulli(self): self: zeros_like(grad)"""
    __slots__ = ()


class BernoulliBackward1(BroadcastingNode):
    """bernoulli_.Tensor(self, p): self: zeros_like(grad); p: zeros_like(p)"""
    __slots__ = ()

    def backward(self, grad):
        z = _zeros_like(grad)
        return (z, z)


class BernoulliBackward2(_ZeroGrad):
    """bernoulli_.float(self, p): self: zeros_like(grad)"""
    __slots__ = ()


class NormalBackward1(_ZeroGrad):
    """normal.Tensor_float(mean, std): mean: at::zeros(mean.sizes(), grad.options())"""
    __slots__ = ()


class NormalBackward2(_ZeroGrad):
    """normal.float_Tensor(mean, std): std: at::zeros(std.sizes(), grad.options())"""
    __slots__ = ()


class NormalBackward3(BroadcastingNode):
    """normal.Tensor_Tensor(mean, std): mean: zeros(mean.sizes()); std: zeros(std.sizes())"""
    __slots__ = ()

    def backward(self, grad):
        z = _zeros_like(grad)
        return (z, z)


def _inplace(t, NodeClass, fill, *args, inputs=()):
    """Fill t's memory by fill(t._data, *args); record NodeClass when t is in a graph."""
    recording = _gm._enabled and (t._requires_grad or any(
        isinstance(x, Tensor) and x._requires_grad for x in inputs))
    if recording and t._base is not None:
        _views.check(t)
    if recording and t._requires_grad and t.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    fill(t._data, *args)
    t._vc[0] += 1
    if recording:
        from .ops._base import _edge, _meta
        edges = (_edge(t),) + tuple(_edge(x) for x in inputs)
        node = NodeClass(edges)
        if isinstance(node, BroadcastingNode):
            node.meta = (_meta(t),) + tuple(_meta(x) for x in inputs)
        _views.rebase_history(t, node)
    return t


# -- Tensor methods --------------------------------------------------------------------------

def uniform_(self, from_=0, to=1, *, generator=None, **kwargs):
    """Fill with U[from, to): 24-bit (float) or 53-bit (double) draws, fused x*(to-from)+from.
    (torch names the first argument ``from``, a Python keyword: it is accepted as **kwargs.)"""
    if kwargs:
        from_ = kwargs.pop("from", from_)
        if kwargs:
            raise TypeError(f"uniform_() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
    return _inplace(self, UniformBackward0, _uniform_fill, from_, to, _gen(generator))


def normal_(self, mean=0, std=1, *, generator=None):
    """Fill with N(mean, std**2) drawn as torch's CPU kernel draws it."""
    return _inplace(self, NormalBackward0, _normal_fill, mean, std, _gen(generator))


def random_(self, *args, generator=None, **kwargs):
    """random_(): the dtype's full range; random_(to): [0, to); random_(from, to): [from, to);
    random_(from, None): [from, the dtype's largest value]."""
    gen = _gen(generator)
    frm = kwargs.pop("from", None)
    to = kwargs.pop("to", None)
    if kwargs:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if len(args) == 1 and frm is None and to is None:
        to = args[0]
        frm = 0
    elif len(args) == 1:
        frm = args[0]
    elif len(args) == 2:
        frm, to = args
    elif len(args) > 2:
        raise TypeError(f"random_() takes from 0 to 2 positional arguments but {len(args)} "
                        f"were given")
    if frm is None and to is None:
        return _inplace(self, RandomBackward0, _random_default, gen)
    frm = 0 if frm is None else int(frm)
    to = None if to is None else int(to)
    return _inplace(self, RandomBackward0, _random_from_to, frm, to, gen)


def exponential_(self, lambd=1, *, generator=None):
    return _inplace(self, ExponentialBackward0, _exponential_fill, lambd, _gen(generator))


def geometric_(self, p, *, generator=None):
    return _inplace(self, GeometricBackward0, _geometric_fill, p, _gen(generator))


def cauchy_(self, median=0, sigma=1, *, generator=None):
    return _inplace(self, CauchyBackward0, _cauchy_fill, median, sigma, _gen(generator))


def log_normal_(self, mean=1, std=2, *, generator=None):
    return _inplace(self, LogNormalBackward0, _log_normal_fill, mean, std, _gen(generator))


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with Bernoulli(p) draws: p a float (53-bit draws) or a tensor broadcast to self."""
    gen = _gen(generator)
    if isinstance(p, Tensor):
        return _inplace(self, BernoulliBackward1, _bernoulli_tensor_fill, p._data, gen,
                        inputs=(p,))
    return _inplace(self, BernoulliBackward2, _bernoulli_scalar_fill, p, gen)


# -- factories -------------------------------------------------------------------------------

def _shape(sizes, size=None):
    """A size given as f(2, 3), f((2, 3)), f([2, 3]), f(torch.Size) or f(size=...)."""
    if size is not None:
        sizes = (size,)
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    shape = tuple(int(v) for v in sizes)
    for v in shape:
        if v < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {v}: "
                               f"[{', '.join(map(str, shape))}]")
    return shape


def _np_dtype(dtype, out=None):
    if dtype is not None:
        return dtype.np
    if out is not None:
        return out._data.dtype
    return get_default_dtype().np


def _target(shape, npdt, out):
    """The array a factory fills: out's own memory when it has the shape, else a new one."""
    if out is not None and out._data.shape == tuple(shape) and out._data.dtype == npdt:
        return out._data
    return np.empty(shape, npdt)


def _result(arr, requires_grad, out=None):
    if out is not None:
        if out._data is not arr:
            out._data = arr
        out._vc[0] += 1
        return out
    t = _make(arr)
    if requires_grad:
        if arr.dtype.kind not in "fc":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                               "gradients")
        t._requires_grad = True
    return t


def _empty_like(a, npdt):
    """empty_like(memory_format=preserve): a dense input's layout is kept, else contiguous."""
    if a.ndim < 2 or a.flags.c_contiguous:
        return np.empty(a.shape, npdt)
    perm = _perm_of(a)
    t = a.transpose(perm)
    if not t.flags.c_contiguous:
        return np.empty(a.shape, npdt)
    return np.empty(t.shape, npdt).transpose(np.argsort(perm))


def rand(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Uniform samples on [0, 1)."""
    npdt = _np_dtype(dtype, out)
    shape = _shape(sizes, size)
    if out is None and npdt.kind == "f":
        # a fresh contiguous tensor: the drawn values are its array, no copy
        arr = _uniform_values(_gen(generator), math.prod(shape), npdt, 0.0, 1.0)
        return _result(arr.reshape(shape), requires_grad)
    arr = _target(shape, npdt, out)
    _uniform_fill(arr, 0.0, 1.0, _gen(generator))
    return _result(arr, requires_grad, out)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None):
    arr = _empty_like(input._data, input._data.dtype if dtype is None else dtype.np)
    _uniform_fill(arr, 0.0, 1.0, _gen(generator))
    return _result(arr, requires_grad)


def randn(*sizes, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Standard normal samples (torch's Box-Muller kernels, value for value)."""
    npdt = _np_dtype(dtype, out)
    shape = _shape(sizes, size)
    if out is None and npdt.kind == "f":
        # a fresh contiguous tensor: the drawn values are its array, no copy
        arr = _normal_values(_gen(generator), math.prod(shape), npdt, 0.0, 1.0, True)
        return _result(arr.reshape(shape), requires_grad)
    arr = _target(shape, npdt, out)
    _normal_fill(arr, 0.0, 1.0, _gen(generator))
    return _result(arr, requires_grad, out)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None):
    arr = _empty_like(input._data, input._data.dtype if dtype is None else dtype.np)
    _normal_fill(arr, 0.0, 1.0, _gen(generator))
    return _result(arr, requires_grad)


_RANDINT_SIGS = (
    " * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, "
    "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False)\n"
    " * (int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, "
    "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n"
    " * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = "
    "None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False)\n"
    " * (int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = "
    "None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n")


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False):
    """randint(high, size) / randint(low, high, size): integers uniform on [low, high)."""
    pos = list(args)
    if size is None and pos:
        size = pos.pop()
    if high is None and pos:
        high = pos.pop()
    if low is None:
        low = pos.pop() if pos else 0
    if size is None or high is None or pos:
        got = ", ".join(type(a).__name__ for a in args)
        raise TypeError(f"randint() received an invalid combination of arguments - got "
                        f"({got}), but expected one of:\n" + _RANDINT_SIGS)
    if not isinstance(size, (tuple, list)):
        where = 3 if len(args) == 3 else 2
        raise TypeError(f"randint(): argument 'size' (position {where}) must be tuple of "
                        f"ints, not {type(size).__name__}")
    npdt = dtype.np if dtype is not None else (out._data.dtype if out is not None
                                               else np.dtype(np.int64))
    arr = _target(_shape((size,)), npdt, out)
    _random_from_to(arr, int(low), int(high), _gen(generator))
    return _result(arr, requires_grad, out)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None):
    """randint_like(input, high) / randint_like(input, low, high)."""
    if high is None:
        low, high = 0, low
    arr = _empty_like(input._data, input._data.dtype if dtype is None else dtype.np)
    _random_from_to(arr, int(low), int(high), _gen(generator))
    return _result(arr, requires_grad)


_CTYPE = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
          "int64": "int64_t"}


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1: torch's Fisher-Yates from the identity, swapping
    r[i] with r[i + random() % (n - i)] (random64() for n >= 2**32 / 20)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    npdt = dtype.np if dtype is not None else (out._data.dtype if out is not None
                                               else np.dtype(np.int64))
    if npdt == np.bool_ or npdt.kind == "c":
        raise NotImplementedError(f'"randperm" not implemented for '
                                  f'\'{_SCALAR_NAME[npdt.name]}\'')
    if npdt.kind == "f":
        digits = np.finfo(npdt).nmant + 1
        if n > (1 << digits) + 1:
            raise RuntimeError(f"n cannot be greater than 2^{digits}+1 for "
                               f"{_SCALAR_NAME[npdt.name]} type.")
    elif n - 1 > np.iinfo(npdt).max:
        raise RuntimeError(f"value cannot be converted to type {_CTYPE[npdt.name]} without "
                           f"overflow")
    gen = _gen(generator)
    if n < (1 << 32) // 20:
        perm = np.arange(n, dtype=np.int64)
        if n > 1:
            z = gen._random32(n - 1)
            z %= np.arange(n, 1, -1, dtype=np.uint32)
            targets = np.empty(n, np.int32)
            np.add(z.view(np.int32), np.arange(n - 1, dtype=np.int32), out=targets[:-1])
            targets[-1] = n - 1
            if n <= 512:           # a loop over a list is faster than NumPy up to here
                r = list(range(n))
                for i, k in enumerate(targets.tolist()):
                    r[i], r[k] = r[k], r[i]
                perm = np.array(r, dtype=np.int64)
            else:
                perm = _swaps_replayed(targets)
    else:
        perm = _randperm_inside_out(gen, n)
    arr = _target((n,), npdt, out)
    arr[...] = perm
    return _result(arr, requires_grad, out)


def _swaps_replayed(j):
    """r after ``for i in range(n): r[i], r[j[i]] = r[j[i]], r[i]`` from r = arange(n), with
    j[i] >= i (torch's forward Fisher-Yates), without a Python loop over i; int32, n < 2**31.

    Position i is final after step i, and receives what position j[i] holds then: j[i]
    itself if no earlier step swapped into it, else what the last such step k < i carried
    away from its own position k, a(k) = "what position k held at step k".  a(k) is, by the same
    rule, k or a(k') for the last step k' < k that targeted k: the steps form a forest in
    which a(k) is the root of k's chain, found by pointer doubling (log2 of the longest
    chain rounds, about 5 for n = 60000).  Masks are applied by multiplying, not by
    selecting (random masks make NumPy's selections slow), and the arrays are int32 and
    few, since fresh ones cost page faults."""
    n = j.size
    steps = np.arange(n, dtype=np.int32)
    order = _stable_argsort(j).astype(np.int32)    # the steps grouped by target, in order
    js = j[order]
    # prev[i]: the last step before i with the same target, -1 if none
    tmp = np.empty(n, np.int32)
    tmp[0] = -1
    np.add(order[:-1], 1, out=tmp[1:])
    tmp[1:] *= js[1:] == js[:-1]
    tmp[1:] -= 1
    prev = js
    prev[order] = tmp
    # parent[k]: the last step k' < k that targeted position k, or k itself (a root).
    # The steps targeting k are all <= k; the last of them is k exactly when j[k] == k.
    count = np.bincount(j, minlength=n)
    root = count == 0
    end = np.cumsum(count, out=count)
    end -= 1
    parent = order[end]
    np.subtract(prev, parent, out=tmp)
    tmp *= parent == steps
    parent += tmp
    root |= parent < 0
    np.subtract(steps, parent, out=tmp)
    tmp *= root
    parent += tmp
    nxt = np.empty(n, np.int32)
    while True:
        np.take(parent, parent, out=nxt)
        if np.array_equal(nxt, parent):
            break
        parent, nxt = nxt, parent
    r = np.take(parent, prev, out=nxt)
    np.subtract(j, r, out=tmp)
    tmp *= prev < 0
    r += tmp
    return r


def _stable_argsort(v):
    """np.argsort(v, kind="stable") for 0 <= v < v.size < 2**32, by NumPy's radix sort of
    16-bit keys (one pass up to 2**16 elements, two least-significant-first above)."""
    if v.size <= 1 << 16:
        return np.argsort(v.astype(np.uint16), kind="stable")
    order = np.argsort((v & 0xFFFF).astype(np.uint16), kind="stable")
    high = (v >> 16)[order].astype(np.uint16)
    return order[np.argsort(high, kind="stable")]


def _randperm_inside_out(gen, n):
    """randperm for n >= 2**32 / 20: the "inside-out" Fisher-Yates with random64() draws
    (sequential, so slow at these sizes; drawn in chunks to bound memory)."""
    r = np.empty(n, np.int64)
    chunk = 1 << 20
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        z = (gen._random64(stop - start) %
             np.arange(start + 1, stop + 1, dtype=np.uint64)).tolist()
        for i, k in zip(range(start, stop), z):
            r[i] = r[k]
            r[k] = i
    return r


_NORMAL_SIGS = (
    " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
    "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device "
    "device = None, bool pin_memory = False, bool requires_grad = False)\n")


def _check_std_tensor(std):
    if std._data.dtype.kind == "c":
        raise RuntimeError("normal expects standard deviation to be non-complex")
    if std._data.size and not np.min(std._data) >= 0:
        raise RuntimeError("normal expects all elements of std >= 0.0")


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """normal(mean, std) with tensor or float mean/std, or normal(mean, std, size)."""
    gen = _gen(generator)
    mt = isinstance(mean, Tensor)
    st = isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            got = ", ".join(type(a).__name__ for a in (mean, std))
            raise TypeError(f"normal() received an invalid combination of arguments - got "
                            f"({got}), but expected one of:\n" + _NORMAL_SIGS)
        arr = _target(_shape((size,)), _np_dtype(dtype, out), out)
        _normal_fill(arr, mean, std, gen)
        return _result(arr, requires_grad, out)
    from .ops._base import record, unary
    if mt and not st:
        std = float(std)
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_g(std)}")
        arr = np.empty(mean._data.shape, mean._data.dtype)
        _normal_fill(arr, 0.0, std, gen)
        np.add(arr, mean._data, out=arr, casting="unsafe")
        return unary(NormalBackward1, mean, arr)
    _check_std_tensor(std)
    if not mt:
        arr = np.empty(std._data.shape, std._data.dtype)
        _normal_fill(arr, 0.0, 1.0, gen)
        np.multiply(arr, std._data, out=arr, casting="unsafe")
        np.add(arr, np.array(mean, arr.dtype), out=arr, casting="unsafe")
        return unary(NormalBackward2, std, arr)
    from ._errors import broadcast_shapes
    shape = broadcast_shapes(mean._data.shape, std._data.shape)
    arr = np.empty(shape, mean._data.dtype)
    _normal_fill(arr, 0.0, 1.0, gen)
    np.multiply(arr, std._data, out=arr, casting="unsafe")
    np.add(arr, mean._data, out=arr, casting="unsafe")
    return record(NormalBackward3, (mean, std), arr)


class _NoDerivative(Node):
    """bernoulli(self, p: float) has no derivative formula in torch; its node is named
    ``NotImplemented`` (renamed below so that the builtin is not shadowed here)."""
    __slots__ = ()

    def backward(self, grad):
        raise RuntimeError("the derivative for 'bernoulli' is not implemented.")


_NoDerivative.__name__ = _NoDerivative.__qualname__ = "NotImplemented"


def bernoulli(input, p=None, *, generator=None, out=None):
    """Bernoulli draws with probabilities input (or the float p) into input's shape/dtype."""
    from .ops._base import unary
    gen = _gen(generator)
    arr = np.empty(input._data.shape, input._data.dtype)
    if p is None:
        _bernoulli_tensor_fill(arr, input._data, gen)
        node = BernoulliBackward0
    else:
        _bernoulli_scalar_fill(arr, p, gen)
        node = _NoDerivative
    if out is not None:
        return _result(arr, False, out)
    return unary(node, input, arr)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the rows of input: with replacement by inverting the cumulative
    distribution (one 53-bit draw a sample); without, as argmax/topk of input / Exp(1)."""
    gen = _gen(generator)
    p = input._data
    n_sample = int(num_samples)
    if not 0 < p.ndim <= 2:
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_name(p)}")
    if n_sample <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = p.shape[-1]
    if not (replacement or n_sample <= n_cat):
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if n_cat > (1 << 24):
        raise RuntimeError("number of categories cannot exceed 2^24")
    shape = p.shape[:-1] + (n_sample,)
    if not replacement or n_sample == 1:
        if p.size and not (np.max(p) < np.inf and np.min(p) >= 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(p.sum(-1) == 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = np.empty(p.shape, p.dtype)
        _exponential_fill(q, 1.0, gen)
        q = p / q
        if n_sample == 1:
            idx = np.argmax(q, axis=-1)[..., None]
        else:
            idx = np.argsort(-q, axis=-1, kind="stable")[..., :n_sample]
        result = idx.astype(np.int64)
    else:
        rows = p.reshape(-1, n_cat)
        acc = _f32 if p.dtype == np.float16 else p.dtype
        cums = []
        for row in rows:
            row = row.astype(acc)
            bad = ~(row >= 0)
            inf = ~np.isfinite(row)
            if bad.any() or inf.any():
                first_bad = np.argmax(bad) if bad.any() else n_cat
                first_inf = np.argmax(inf) if inf.any() else n_cat
                if first_bad <= first_inf:
                    raise RuntimeError("invalid multinomial distribution (encountering "
                                       "probability entry < 0)")
                raise RuntimeError("invalid multinomial distribution (encountering "
                                   "probability entry = infinity or NaN)")
            cum = np.cumsum(row, dtype=acc)
            total = cum[-1]
            if not total > 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities "
                                   "<= 0)")
            cum = cum / total
            cum[-1] = 1
            cums.append(cum)
        u = _uniform_bits(gen, rows.shape[0] * n_sample, _f64).reshape(-1, n_sample)
        result = np.stack([np.searchsorted(c.astype(_f64), uu, side="left")
                           for c, uu in zip(cums, u)]).astype(np.int64).reshape(shape)
    if out is not None:
        return _result(result, False, out)
    return _make(result)


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.random_ = random_
Tensor.exponential_ = exponential_
Tensor.geometric_ = geometric_
Tensor.cauchy_ = cauchy_
Tensor.log_normal_ = log_normal_
Tensor.bernoulli_ = bernoulli_
Tensor.bernoulli = _bernoulli_method
Tensor.multinomial = _multinomial_method
