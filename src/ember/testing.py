"""torch.testing.assert_close: compare tensors, NumPy arrays, Python numbers and (nested)
sequences and mappings of them, with torch's default tolerances and its failure messages."""
import collections.abc as _abc
import math

import numpy as np

from ._tensor import Tensor, Size, _make

__all__ = ["assert_close"]

# (rtol, atol) by dtype name; other dtypes compare for equality
_PRECISIONS = {"float16": (0.001, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


class _Failure(Exception):
    def __init__(self, exc_type, message):
        super().__init__(message)
        self.exc_type = exc_type
        self.message = message


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise AssertionError unless actual and expected are close: |a - e| <= atol + rtol*|e|
    elementwise (equal for integers and bools), with equal shapes and (check_dtype) dtypes."""
    if (rtol is None) ^ (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but "
                         f"got no {'rtol' if rtol is None else 'atol'}.")
    stack = [(actual, expected, ())]
    while stack:
        a, e, path = stack.pop()
        try:
            pairs = _children(a, e)
            if pairs is not None:
                stack.extend((x, y, path + (k,)) for k, x, y in reversed(pairs))
                continue
            _compare_leaf(a, e, rtol, atol, equal_nan, check_dtype)
        except _Failure as f:
            text = f.message
            if msg is not None:
                text = msg(text) if callable(msg) else msg
            elif path:
                text += "\n\nThe failure occurred for item " + "".join(
                    f"[{k!r}]" for k in path)
            raise f.exc_type(text) from None


def _is_sequence(x):
    return isinstance(x, _abc.Sequence) and not isinstance(x, str)


def _children(a, e):
    """[(key, a_item, e_item)] for two sequences or two mappings; None for leaves."""
    if _is_sequence(a) and _is_sequence(e) and not isinstance(a, Size):
        if len(a) != len(e):
            raise _Failure(AssertionError, f"The length of the sequences mismatch: {len(a)} "
                                           f"!= {len(e)}")
        return [(i, x, y) for i, (x, y) in enumerate(zip(a, e))]
    if isinstance(a, _abc.Mapping) and isinstance(e, _abc.Mapping):
        ka, ke = set(a.keys()), set(e.keys())
        if ka != ke:
            missing = ke - ka
            extra = ka - ke
            text = "The keys of the mappings do not match:\n"
            if missing:
                text += f"Missing keys in the actual mapping: {sorted(missing)}\n"
            if extra:
                text += f"Extra keys in the actual mapping: {sorted(extra)}\n"
            raise _Failure(AssertionError, text.strip())
        return [(k, a[k], e[k]) for k in a.keys()]
    return None


_NUMBER = (bool, int, float, complex)


def _compare_leaf(a, e, rtol, atol, equal_nan, check_dtype):
    if isinstance(a, _NUMBER) and isinstance(e, _NUMBER):
        return _compare_numbers(a, e, rtol, atol, equal_nan)
    tensor_like = (Tensor, np.ndarray)
    if not (isinstance(a, tensor_like) and isinstance(e, tensor_like)
            and type(a) is type(e)):
        raise _Failure(TypeError, f"No comparison pair was able to handle inputs of type "
                                  f"{type(a)} and {type(e)}.")
    ta = a if isinstance(a, Tensor) else _make(np.asarray(a))
    te = e if isinstance(e, Tensor) else _make(np.asarray(e))
    if ta.shape != te.shape:
        raise _Failure(AssertionError, f"The values for attribute 'shape' do not match: "
                                       f"{ta.shape} != {te.shape}.")
    if check_dtype and ta.dtype is not te.dtype:
        raise _Failure(AssertionError, f"The values for attribute 'dtype' do not match: "
                                       f"{ta.dtype!r} != {te.dtype!r}.")
    xa, xe = ta._data, te._data
    if xa.dtype != xe.dtype:
        common = np.promote_types(xa.dtype, xe.dtype)
        xa, xe = xa.astype(common), xe.astype(common)
    if rtol is None:
        ra, aa = _PRECISIONS.get(ta.dtype.name, (0.0, 0.0))
        rb, ab = _PRECISIONS.get(te.dtype.name, (0.0, 0.0))
        rtol, atol = max(ra, rb), max(aa, ab)
    matches = _isclose(xa, xe, rtol, atol, equal_nan)
    if matches.all():
        return
    if xa.ndim == 0:
        raise _Failure(AssertionError, _scalar_message(xa.item(), xe.item(), rtol, atol))
    raise _Failure(AssertionError, _tensor_message(xa, xe, matches, rtol, atol))


def _isclose(a, e, rtol, atol, equal_nan):
    if a.dtype.kind not in "fc":
        return a == e
    with np.errstate(invalid="ignore", over="ignore"):
        close = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
    close &= np.isfinite(a) | (a == e)
    if equal_nan:
        close |= np.isnan(a) & np.isnan(e)
    return close


def _compare_numbers(a, e, rtol, atol, equal_nan):
    if rtol is None:
        if isinstance(a, bool) and isinstance(e, bool):
            rtol = atol = 0.0
        elif isinstance(a, (float, complex)) or isinstance(e, (float, complex)):
            rtol, atol = _PRECISIONS["complex128" if isinstance(a, complex) or
                                     isinstance(e, complex) else "float64"]
        else:
            rtol = atol = 0
    if a == e:
        return
    if equal_nan and _isnan(a) and _isnan(e):
        return
    diff = abs(a - e)
    if math.isfinite(diff) and diff <= atol + rtol * abs(e):
        return
    raise _Failure(AssertionError, _scalar_message(a, e, rtol, atol))


def _isnan(x):
    return isinstance(x, (float, complex)) and x != x


def _scalar_message(a, e, rtol, atol):
    abs_diff = abs(a - e)
    rel_diff = float("inf") if e == 0 else abs_diff / abs(e)
    return _message("Scalars", f"Expected {e} but got {a}.", abs_diff, None, atol, rel_diff,
                    None, rtol)


def _tensor_message(a, e, matches, rtol, atol):
    total = matches.size
    mismatches = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatches} / {total} ({mismatches / total:.1%})"
    af = a.reshape(-1)
    ef = e.reshape(-1)
    if a.dtype.kind not in "fc":
        af = af.astype(np.int64)
        ef = ef.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_diff = np.abs(af - ef)
        abs_diff[matches.reshape(-1)] = 0
        rel_diff = abs_diff / np.abs(ef)
        if rel_diff.dtype == np.float64 and a.dtype.kind not in "fc":
            rel_diff = rel_diff.astype(np.float32)      # int / int: torch's float32
        rel_diff[matches.reshape(-1)] = 0
    ia = _argmax_nan_first(abs_diff)
    ir = _argmax_nan_first(rel_diff)
    return _message("Tensor-likes", extra, abs_diff[ia].item(),
                    np.unravel_index(ia, a.shape), atol, rel_diff[ir].item(),
                    np.unravel_index(ir, a.shape), rtol)


def _argmax_nan_first(x):
    """torch.max's index: the first NaN if any, else the first maximum."""
    if x.dtype.kind in "fc":
        nan = np.isnan(x)
        if nan.any():
            return int(np.argmax(nan))
    return int(np.argmax(x))


def _message(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0

    def diff_line(kind, diff, idx, tol):
        if idx is None:
            line = f"{kind.title()} difference: {diff}"
        else:
            idx = tuple(int(i) for i in idx)
            line = f"Greatest {kind} difference: {diff} at index {idx}"
        if not equality:
            line += f" (up to {tol} allowed)"
        return line + "\n"

    text = f"{identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    text += diff_line("absolute", abs_diff, abs_idx, atol)
    text += diff_line("relative", rel_diff, rel_idx, rtol)
    return text.strip()
