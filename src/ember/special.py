"""torch.special: the special functions, under the names torch gives them there.

Most are the pointwise ops under another name (expit is sigmoid, gammaln is lgamma, psi is
digamma, multigammaln is mvlgamma); the kernels only torch.special has (i0e, i1, i1e, entr,
ndtri, log_ndtr, xlog1py) live in ops/pointwise.py beside the rest of the family.
"""
import math

from .ops import pointwise as _pw
from .ops.activation import (torch_softmax as _softmax, torch_log_softmax as _log_softmax,
                             _add_scalar, _mul_scalar)
from .ops.reduction import logsumexp as _logsumexp

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "log1p", "expm1", "exp2", "digamma",
           "psi", "gammaln", "polygamma", "multigammaln", "i0", "i0e", "i1", "i1e", "sinc",
           "round", "softmax", "log_softmax", "xlogy", "xlog1py", "entr", "ndtr", "ndtri",
           "log_ndtr", "logsumexp"]

expit = _pw.sigmoid
logit = _pw.logit
erf = _pw.erf
erfc = _pw.erfc
erfinv = _pw.erfinv
log1p = _pw.log1p
expm1 = _pw.expm1
exp2 = _pw.exp2
digamma = _pw.digamma
psi = _pw.digamma
gammaln = _pw.lgamma
polygamma = _pw.polygamma
i0 = _pw.i0
i0e = _pw._special_i0e
i1 = _pw._special_i1
i1e = _pw._special_i1e
sinc = _pw.sinc
xlogy = _pw.xlogy
xlog1py = _pw._special_xlog1py
entr = _pw._special_entr
ndtri = _pw._special_ndtri
log_ndtr = _pw._special_log_ndtr


def multigammaln(input, p, *, out=None):
    return _pw.mvlgamma(input, p, out=out)


def round(input, *, decimals=0, out=None):
    """torch.round with decimals, which records RoundBackward1 even for decimals=0."""
    if decimals == 0:
        if input._data.dtype.kind not in "fc":
            _pw._not_implemented_for("round_vml_cpu", input.dtype)
        return _pw._rounding(input, _pw.np.rint, _pw.RoundBackward1, "round_vml_cpu", out,
                             "round")
    return _pw.round(input, decimals=decimals, out=out)


def softmax(input, dim, *, dtype=None):
    return _softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return _log_softmax(input, dim, dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):
    r = _logsumexp(input, dim, keepdim)
    return r if out is None else _pw._into(out, r, "logsumexp")


def ndtr(input, *, out=None):
    """The standard normal CDF as ATen composes it: (1 + erf(x * M_SQRT1_2)) * 0.5."""
    x = input
    if x._data.dtype.kind not in "fc":
        x = _pw._convert(x, _pw._dt._default[0])
    r = _mul_scalar(_add_scalar(_pw.erf(_mul_scalar(x, math.sqrt(0.5))), 1), 0.5)
    return r if out is None else _pw._into(out, r, "special_ndtr")
