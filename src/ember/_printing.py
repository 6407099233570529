"""repr/str of tensors with PyTorch's formatting rules (torch/_tensor_str.py).

The same algorithm as torch's, run on the NumPy array: a ``_Formatter`` looks once at the
(summarised) values and picks int mode / scientific / fixed notation and a common width;
``_tensor_str`` lays the values out in nested brackets, wrapping at ``linewidth`` and eliding
the middle of long dimensions with ``...``; ``tensor_repr`` adds the suffixes
(``size=``, ``dtype=``, ``grad_fn=``/``requires_grad=``) in torch's order.
"""
import contextlib
import math
import sys

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "get_printoptions"]


class _PrinterOptions:
    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set options for printing (torch.set_printoptions); profile is default/short/full."""
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    # NOTE: as in torch, leaving sci_mode out resets it to automatic.
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict that set_printoptions(**d) accepts."""
    return {"precision": PRINT_OPTS.precision, "threshold": PRINT_OPTS.threshold,
            "edgeitems": PRINT_OPTS.edgeitems, "linewidth": PRINT_OPTS.linewidth,
            "sci_mode": PRINT_OPTS.sci_mode}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (torch._tensor_str.printoptions)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses notation and width from the values of one real array (torch's _Formatter)."""
    __slots__ = ("floating", "int_mode", "sci_mode", "max_width")

    def __init__(self, a):
        self.floating = a.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = a.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        # As torch: min/max of |v| in double (float16 would overflow at 1e8).
        absd = np.abs(vals).astype(np.float64)
        vmin = float(absd.min())
        vmax = float(absd.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        values = vals.tolist()
        if self.sci_mode:
            width = max(len(f"{{:.{p}e}}".format(v)) for v in values)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") for v in values) + 1    # room for the trailing "."
        else:
            width = max(len(f"{{:.{p}f}}".format(v)) for v in values)
        self.max_width = max(self.max_width, width)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                ret = f"{{:{self.max_width}.{PRINT_OPTS.precision}e}}".format(value)
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{{:.{PRINT_OPTS.precision}f}}".format(value)
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(val, formatter1, formatter2):
    real_str = formatter1.format(val.real)
    imag_str = (formatter2.format(val.imag) + "j").lstrip()
    # handles negative numbers, +0.0, -0.0
    if imag_str[0] == "+" or imag_str[0] == "-":
        return real_str + imag_str
    return real_str + "+" + imag_str


def _val_str(val, formatter1, formatter2):
    if formatter2 is not None:
        return _complex_str(val, formatter1, formatter2)
    return formatter1.format(val)


def _vector_str(a, indent, summarize, formatter1, formatter2=None):
    # element length includes the ", " between elements
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        element_length += formatter2.width() + 1      # imaginary part and its "j"
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        data = ([_val_str(v, formatter1, formatter2) for v in a[:edge].tolist()] + [" ..."] +
                [_val_str(v, formatter1, formatter2) for v in a[-edge:].tolist()])
    else:
        data = [_val_str(v, formatter1, formatter2) for v in a.tolist()]
    lines = [", ".join(data[i:i + elements_per_line])
             for i in range(0, len(data), elements_per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a, indent, summarize, formatter1, formatter2=None):
    dim = a.ndim
    if dim == 0:
        return _val_str(a.item(), formatter1, formatter2)
    if dim == 1:
        return _vector_str(a, indent, summarize, formatter1, formatter2)
    edge = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * edge:
        slices = ([_tensor_str_with_formatter(a[i], indent + 1, summarize, formatter1,
                                              formatter2) for i in range(edge)] +
                  ["..."] +
                  [_tensor_str_with_formatter(a[i], indent + 1, summarize, formatter1,
                                              formatter2) for i in range(n - edge, n)])
    else:
        slices = [_tensor_str_with_formatter(a[i], indent + 1, summarize, formatter1,
                                             formatter2) for i in range(n)]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(a):
    """The edge items of every dimension (what a summarised print shows), as one array."""
    dim = a.ndim
    edge = PRINT_OPTS.edgeitems
    if dim == 0:
        return a
    if dim == 1:
        if a.shape[0] > 2 * edge:
            return np.concatenate((a[:edge], a[-edge:]))
        return a
    if not edge:
        return np.empty([0] * dim, a.dtype)
    n = a.shape[0]
    rows = range(n) if n <= 2 * edge else list(range(edge)) + list(range(n - edge, n))
    return np.stack([_summarized_data(a[i]) for i in rows])


def _tensor_str(a, indent):
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    seen = _summarized_data(a) if summarize else a
    if a.dtype.kind == "c":
        return _tensor_str_with_formatter(a, indent, summarize, _Formatter(seen.real),
                                          _Formatter(seen.imag))
    return _tensor_str_with_formatter(a, indent, summarize, _Formatter(seen))


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    tensor_strs = [tensor_str]
    # NOTE: torch's own count (one more than the last line's length when there is a newline,
    # two more when there is none); kept as is, since it decides where suffixes wrap.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if force_newline or last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            tensor_strs.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
            force_newline = False
        else:
            tensor_strs.append(", " + suffix)
            last_line_len += suffix_len + 2
    tensor_strs.append(")")
    return "".join(tensor_strs)


def _parameter_class():
    # No import: while ember.nn.parameter is not loaded no Parameter can exist.
    mod = sys.modules.get("ember.nn.parameter")
    return getattr(mod, "Parameter", None)


def tensor_repr(t, tensor_contents=None):
    """repr(t) exactly as torch prints it: ``tensor([1., 2.], requires_grad=True)``."""
    from ._tensor import Tensor
    param = _parameter_class()
    is_plain = type(t) is Tensor or (param is not None and type(t) is param)
    prefix = "tensor(" if is_plain else f"{type(t).__name__}("
    indent = len(prefix)
    suffixes = []
    a = t._data
    dt = t.dtype
    default = _dtype.get_default_dtype()
    default_complex = _dtype.complex128 if default is _dtype.float64 else _dtype.complex64
    has_default_dtype = dt in (default, default_complex, _dtype.int64, _dtype.bool_)
    if a.size == 0:
        # NumPy-like: the shape is shown unless it is (0,); with no elements to show, the
        # dtype is shown for everything but the default float dtype.
        if a.ndim != 1:
            suffixes.append("size=" + str(tuple(a.shape)))
        if dt is not default:
            suffixes.append("dtype=" + repr(dt))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(a.shape)))
        if not has_default_dtype:
            suffixes.append("dtype=" + repr(dt))
        tensor_str = _tensor_str(a, indent)
    if tensor_contents is not None:
        tensor_str = tensor_contents
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    out = _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)
    if param is not None and isinstance(t, param) and not is_plain:
        out = f"Parameter({out})"
    return out


def parameter_repr(p):
    """repr of nn.Parameter: ``Parameter containing:`` and the tensor's repr."""
    return "Parameter containing:\n" + tensor_repr(p)
