"""dtype objects (ember.float32, ...) and PyTorch's type-promotion rules.

A dtype wraps a NumPy dtype.  Promotion follows c10's ``promoteTypes`` table (categories
bool < integer < floating < complex; inside a category NumPy's rules agree with torch's) and
``at::native::result_type``'s three tiers: dimensioned tensors, zero-dim tensors and Python
scalars ("wrapped numbers"), a lower tier only winning when its category is higher.
"""
import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype", "promote_types", "result_type"]

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    __slots__ = ("name", "np", "category", "itemsize", "is_floating_point", "is_complex",
                 "is_signed", "_legacy")

    def __init__(self, name, np_dtype, category, legacy):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == _FLOAT
        self.is_complex = category == _COMPLEX
        self.is_signed = name not in ("uint8", "bool")
        self._legacy = legacy          # torch.FloatTensor ... used in error messages

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        return {"float32": complex64, "float64": complex128, "float16": complex64}.get(self.name, self)


bool_ = dtype("bool", np.bool_, _BOOL, "BoolTensor")
uint8 = dtype("uint8", np.uint8, _INT, "ByteTensor")
int8 = dtype("int8", np.int8, _INT, "CharTensor")
int16 = dtype("int16", np.int16, _INT, "ShortTensor")
int32 = dtype("int32", np.int32, _INT, "IntTensor")
int64 = dtype("int64", np.int64, _INT, "LongTensor")
float16 = dtype("float16", np.float16, _FLOAT, "HalfTensor")
float32 = dtype("float32", np.float32, _FLOAT, "FloatTensor")
float64 = dtype("float64", np.float64, _FLOAT, "DoubleTensor")
complex64 = dtype("complex64", np.complex64, _COMPLEX, "ComplexFloatTensor")
complex128 = dtype("complex128", np.complex128, _COMPLEX, "ComplexDoubleTensor")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The ember dtype of a NumPy dtype; TypeError for dtypes torch has no counterpart of."""
    d = _BY_NP.get(np_dtype)
    if d is None:
        d = _BY_NP.get(np.dtype(np_dtype))
        if d is None:
            name = np.dtype(np_dtype).type.__name__
            if name in ("uint16", "uint32", "uint64"):
                raise TypeError(f"can't convert np.ndarray of type numpy.{name}: ember has no "
                                f"torch.{name} dtype")
            raise TypeError(
                f"can't convert np.ndarray of type numpy.{name}. The only "
                "supported types are: float64, float32, float16, complex64, complex128, int64, "
                "int32, int16, int8, uint64, uint32, uint16, uint8, and bool.")
    return d


# The default float dtype, read by every creation op and by scalar promotion.
_default = [float32]


def get_default_dtype():
    return _default[0]


def set_default_dtype(d):
    if d not in (float32, float64, float16):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def _promote_pair(a, b):
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == _COMPLEX and lo.category == _FLOAT and lo.itemsize > hi.itemsize // 2:
            return complex128
        return hi
    if a.category == _FLOAT and {a.name, b.name} == {"float16", "float32"}:
        return float32
    return _BY_NP[np.promote_types(a.np, b.np)]


_PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL}


def promote_types(type1, type2):
    return _PROMOTE[type1, type2]


def scalar_dtype(value):
    """dtype a Python scalar takes as a wrapped number (bool, int64, default float/complex)."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, complex):
        return complex128 if _default[0] is float64 else complex64
    return _default[0]


def _combine_categories(higher, lower):
    # c10's combine_categories: a lower tier only matters when its category is higher.
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == _COMPLEX:
        return higher
    if lower.category == _COMPLEX:
        return higher.to_complex() if higher.category == _FLOAT else lower
    if higher.category == _FLOAT:
        return higher
    if higher is bool_ or lower.category == _FLOAT:
        return _PROMOTE[higher, lower]
    return higher


def result_type(*operands):
    """torch.result_type over Tensors and Python scalars (any number of them)."""
    from ._tensor import Tensor
    dim_t = zero_t = wrapped = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x._data.ndim:
                dim_t = d if dim_t is None else _PROMOTE[dim_t, d]
            else:
                zero_t = d if zero_t is None else _PROMOTE[zero_t, d]
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else _PROMOTE[wrapped, d]
    return _combine_categories(dim_t, _combine_categories(zero_t, wrapped))


# -- torch.finfo / torch.iinfo ---------------------------------------------------------------

class finfo:
    """torch.finfo(dtype=default dtype): the numerical limits of a floating dtype."""
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=None):
        t = get_default_dtype() if type is None else type
        if not isinstance(t, dtype):
            raise TypeError(f"finfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f"{builtins_type(t).__name__}")
        if t.category == _COMPLEX:
            t = t.to_real()
        if t.category != _FLOAT:
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        info = np.finfo(t.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.tiny)
        self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision
        self.dtype = t.name

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))


class iinfo:
    """torch.iinfo(dtype): the limits of an integer dtype."""
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):
        if not isinstance(type, dtype):
            raise TypeError(f"iinfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f"{builtins_type(type).__name__}")
        if type.category != _INT:
            if type is bool_:
                raise TypeError("torch.bool is not supported by torch.iinfo")
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo "
                            "to handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits = info.bits
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))


builtins_type = type
__all__ += ["finfo", "iinfo"]


# -- c10's checked conversion of Scalar arguments (alpha, clamp bounds, where values ...) --

_C_NAMES = {"bool": "bool", "uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t",
            "int32": "int", "int64": "int64_t", "float16": "c10::Half", "float32": "float",
            "float64": "double", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def checked_scalar(value, dt):
    """A Python number converted the way torch converts a Scalar argument to dtype dt
    (c10::checked_convert): RuntimeError where it overflows dt.  Integers of a small dtype
    wrap (an unsigned dtype takes -max..max, as two's complement), floats going to an
    integral dtype truncate, nan and infinities go to floating dtypes unchecked.  Returns the
    value to compute with (a NumPy scalar of dt where it had to be cast)."""
    if isinstance(value, (bool, np.bool_)) or dt is bool_ or dt.category == _COMPLEX:
        return value
    if isinstance(value, complex):
        return value
    if dt.category == _INT:
        info = np.iinfo(dt.np)
        v = value if isinstance(value, (int, np.integer)) else float(value)
        if v != v or v in (float("inf"), float("-inf")):
            bad = True
        elif isinstance(v, float):          # no two's complement wrap for floats
            bad = not info.min <= v <= info.max
        elif info.min < 0:
            bad = not info.min <= v <= info.max
        else:
            bad = v > info.max or (v < 0 and -v > info.max)
        if bad:
            raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} "
                               "without overflow")
        v = int(v)
        return v if info.min <= v <= info.max else np.array(v).astype(dt.np)[()]
    v = float(value)
    if v == v and abs(v) != float("inf") and abs(v) > float(np.finfo(dt.np).max):
        raise RuntimeError(f"value cannot be converted to type {_C_NAMES[dt.name]} "
                           "without overflow")
    return value
