"""The rest of torch's top-level namespace: thread and determinism settings, Tensor predicates,
torch.compile, the top-level aliases of functional ops (torch.conv2d, torch.dropout, ...),
and pixel_shuffle / pixel_unshuffle / channel_shuffle.

The settings exist so that PyTorch scripts run unchanged; what each one does in ember (which
computes with NumPy, deterministically, on the CPU only) is said in its docstring."""
import os
import warnings
import weakref

import numpy as np

from . import _dtype
from ._tensor import Tensor, Size, _make, require_cpu, device as _device_cls
from .ops._base import Node, unary

__all__ = ["set_num_threads", "get_num_threads", "set_num_interop_threads",
           "get_num_interop_threads", "init_num_threads", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_flush_denormal", "set_warn_always",
           "is_warn_always_enabled", "get_default_device", "set_default_device", "typename",
           "is_floating_point", "is_complex", "is_nonzero", "is_same_size", "is_signed",
           "detach", "compile",
           "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "dropout", "dropout_", "alpha_dropout", "alpha_dropout_",
           "feature_dropout", "feature_dropout_", "feature_alpha_dropout",
           "feature_alpha_dropout_", "batch_norm", "layer_norm", "group_norm", "instance_norm",
           "rms_norm", "embedding", "max_pool1d", "max_pool2d", "avg_pool1d",
           "adaptive_avg_pool1d", "adaptive_max_pool1d", "bilinear",
           "binary_cross_entropy_with_logits", "cosine_embedding_loss", "ctc_loss",
           "hinge_embedding_loss", "kl_div", "margin_ranking_loss", "poisson_nll_loss",
           "triplet_margin_loss", "rrelu", "rrelu_", "pixel_shuffle", "pixel_unshuffle",
           "channel_shuffle", "native_channel_shuffle"]


def _tname(obj):
    return type(obj).__name__


def _need_tensor(fn, obj, arg="input", pos=1):
    if not isinstance(obj, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {pos}) must be Tensor, "
                        f"not {_tname(obj)}")


def _one_arg(fn, args):
    if len(args) != 1:
        raise TypeError(f"torch.{fn}() takes exactly one argument ({len(args)} given)")
    return args[0]


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


# -- threads ----------------------------------------------------------------------------------

def _blas_threads():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts) if counts else None


_threads = None            # set_num_threads' value; None: not set yet
_blas_limit = None         # the threadpoolctl limiter that holds it (kept alive on purpose)
_interop_threads = None


def set_num_threads(*args):
    """set_num_threads(int): the number of threads for intra-op parallelism.

    ember computes with NumPy: the value is recorded (get_num_threads returns it) and, when
    threadpoolctl is importable, applied to NumPy's BLAS thread pool with
    threadpoolctl.threadpool_limits (no dependency is added: without it only the record)."""
    global _threads, _blas_limit
    n = _one_arg("set_num_threads", args)
    if not _is_int(n):
        raise RuntimeError(f"set_num_threads expects an int, but got {_tname(n)}")
    if n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _threads = int(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    _blas_limit = threadpool_limits(limits=_threads, user_api="blas")
    return None


def get_num_threads(*args):
    """get_num_threads() -> int: the value set by set_num_threads, else the size of NumPy's
    BLAS thread pool (threadpoolctl), else os.cpu_count()."""
    if args:
        raise TypeError(f"torch.get_num_threads() takes no arguments ({len(args)} given)")
    if _threads is not None:
        return _threads
    return _blas_threads() or os.cpu_count() or 1


def set_num_interop_threads(*args):
    """set_num_interop_threads(int): recorded only (ember runs no inter-op thread pool); as
    in torch it may be called once."""
    global _interop_threads
    n = _one_arg("set_num_interop_threads", args)
    if not _is_int(n):
        raise RuntimeError(f"set_num_interop_threads expects an int, but got {_tname(n)}")
    if n <= 0:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    if _interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _interop_threads = int(n)


def get_num_interop_threads(*args):
    """get_num_interop_threads() -> int: the recorded value, else os.cpu_count()."""
    if args:
        raise TypeError(f"torch.get_num_interop_threads() takes no arguments ({len(args)} "
                        "given)")
    if _interop_threads is not None:
        return _interop_threads
    return os.cpu_count() or 1


def init_num_threads(*args):
    """init_num_threads(): nothing to initialise per thread in ember."""
    if args:
        raise TypeError(f"torch.init_num_threads() takes no arguments ({len(args)} given)")


# -- determinism and other global flags ---------------------------------------------------------

_deterministic = False
_deterministic_warn_only = False


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Record torch's determinism flags.  Every ember op is deterministic already (NumPy on
    the CPU), so no op ever raises or warns for it."""
    global _deterministic, _deterministic_warn_only
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {_tname(mode)}")
    if not isinstance(warn_only, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
                        f"not {_tname(warn_only)}")
    _deterministic = mode
    _deterministic_warn_only = warn_only


def are_deterministic_algorithms_enabled():
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic_warn_only


def set_deterministic_debug_mode(debug_mode):
    """0/"default", 1/"warn", 2/"error": use_deterministic_algorithms(False / True with
    warn_only / True)."""
    if not isinstance(debug_mode, (int, str)):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode == 0:
        use_deterministic_algorithms(False)
    elif debug_mode == 1:
        use_deterministic_algorithms(True, warn_only=True)
    elif debug_mode == 2:
        use_deterministic_algorithms(True)
    else:
        raise RuntimeError("invalid value of debug_mode, expected 0, 1, or 2, "
                           f"but got {debug_mode}")


def get_deterministic_debug_mode():
    if _deterministic:
        return 1 if _deterministic_warn_only else 2
    return 0


_matmul_precision = "highest"


def set_float32_matmul_precision(precision):
    """Recorded only: NumPy's float32 matmul always computes in full float32 ("highest")."""
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError("set_float32_matmul_precision expects a str, but got "
                           f"{_tname(precision)}")
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision():
    return _matmul_precision


def set_flush_denormal(mode):
    """set_flush_denormal(mode) -> bool.  NumPy cannot set the CPU's flush-to-zero /
    denormals-are-zero flags, so ember answers as torch does on a CPU without that support:
    False, and denormal numbers are kept."""
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {_tname(mode)}")
    return False


_warn_always = False


def set_warn_always(b, /):
    """Recorded (is_warn_always_enabled returns it); ember's warnings go through Python's
    warnings module, whose filters decide how often they show."""
    global _warn_always
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {_tname(b)}")
    _warn_always = b


def is_warn_always_enabled():
    return _warn_always


_default_device = None


def set_default_device(device):
    """Only the CPU exists in ember: "cpu" (or a cpu device, or None to reset) is accepted.
    Another device raises here what torch's CPU-only build raises when a tensor is then made
    there (ember's creation functions always make CPU tensors, so it fails at once)."""
    global _default_device
    if device is None:
        _default_device = None
        return
    if _is_int(device):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    d = _device_cls(device)
    require_cpu(d)
    _default_device = d


def get_default_device():
    return _device_cls("cpu") if _default_device is None else _default_device


# -- predicates ---------------------------------------------------------------------------------

def typename(obj, /):
    """The type name of obj: x.type() for a tensor (torch.FloatTensor ...), else
    module.qualname."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


def is_floating_point(input):
    _need_tensor("is_floating_point", input)
    return input._data.dtype.kind == "f"


def is_complex(input):
    _need_tensor("is_complex", input)
    return input._data.dtype.kind == "c"


def is_signed(input):
    _need_tensor("is_signed", input)
    return input.dtype.is_signed


def is_nonzero(input):
    """True if the one-element tensor is not zero (torch's error for none or several)."""
    _need_tensor("is_nonzero", input)
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


def is_same_size(input, other):
    _need_tensor("is_same_size", input)
    _need_tensor("is_same_size", other, "other", 2)
    return input._data.shape == other._data.shape


def detach(input):
    _need_tensor("detach", input)
    return input.detach()


# -- torch.compile --------------------------------------------------------------------------------

_COMPILE_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs",
                  "max-autotune")
_compile_warned = False


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, name=None, disable=False, recompile_limit=None,
            isolate_recompiles=False, shapes_spec=None):
    """ember has no compiler: returns model (a function or Module) unchanged, warning once.
    With no model it is a decorator: @compile and @compile(mode=...) both work."""
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is not None and mode not in _COMPILE_MODES:
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                           f"{', '.join(_COMPILE_MODES)}")
    if model is None:
        def fn(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, name=name, disable=disable,
                           recompile_limit=recompile_limit,
                           isolate_recompiles=isolate_recompiles, shapes_spec=shapes_spec)
        return fn
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is "
                             "provided.")
    global _compile_warned
    if not _compile_warned and not disable:
        _compile_warned = True
        warnings.warn("ember has no compiler: torch.compile returns the model unchanged and "
                      "it runs eagerly", UserWarning, stacklevel=2)
    return model


# -- top-level aliases of functional ops ----------------------------------------------------------
# torch exposes the ATen ops under these names; where ATen's signature differs from F's
# (positional train, int reductions, embedding's (weight, indices)), it is followed here.

from .ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,  # noqa: E402
                       conv_transpose3d)
from .ops import conv as _conv  # noqa: E402
from .ops import loss as _loss  # noqa: E402
from .ops import normalization as _norm  # noqa: E402
from .ops import activation as _act  # noqa: E402


_NO_TRAIN = object()


def _check_p(p, train, name):
    if train is _NO_TRAIN:
        raise TypeError(f'{name}() missing 1 required positional arguments: "train"')
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input, p, train=_NO_TRAIN):
    """torch.dropout(input, p, train): F.dropout with a positional train flag."""
    _check_p(p, train, "dropout")
    return _norm._dropout_impl(input, p, train, False)


def dropout_(input, p, train=_NO_TRAIN):
    _check_p(p, train, "dropout_")
    return _norm._dropout_impl(input, p, train, True)


def alpha_dropout(input, p, train=_NO_TRAIN):
    _check_p(p, train, "alpha_dropout")
    return _norm._dropout_impl(input, p, train, False, alpha=True)


def alpha_dropout_(input, p, train=_NO_TRAIN):
    _check_p(p, train, "alpha_dropout_")
    return _norm._dropout_impl(input, p, train, True, alpha=True)


def feature_dropout(input, p, train=_NO_TRAIN):
    """Zero whole channels (noise of shape (N, C, 1, ...))."""
    _check_p(p, train, "feature_dropout")
    return _norm._dropout_impl(input, p, train, False, feature=True)


def feature_dropout_(input, p, train=_NO_TRAIN):
    _check_p(p, train, "feature_dropout_")
    return _norm._dropout_impl(input, p, train, True, feature=True)


def feature_alpha_dropout(input, p, train=_NO_TRAIN):
    _check_p(p, train, "feature_alpha_dropout")
    return _norm._dropout_impl(input, p, train, False, feature=True, alpha=True)


def feature_alpha_dropout_(input, p, train=_NO_TRAIN):
    _check_p(p, train, "feature_alpha_dropout_")
    return _norm._dropout_impl(input, p, train, True, feature=True, alpha=True)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return _norm.batch_norm(input, running_mean, running_var, weight, bias, training,
                            momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    return _norm.instance_norm(input, running_mean, running_var, weight, bias,
                               use_input_stats, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _norm.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return _norm.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return _norm.rms_norm(input, normalized_shape, weight, eps)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """torch.embedding(weight, indices, ...): ATen's order; a negative padding_idx is none."""
    return _norm.embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                           None, 2.0, scale_grad_by_freq, sparse)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _conv.max_pool1d(input, kernel_size, stride if stride != () else None, padding,
                            dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _conv.max_pool2d(input, kernel_size, stride if stride != () else None, padding,
                            dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False,
               count_include_pad=True):
    return _conv.avg_pool1d(input, kernel_size, stride if stride != () else None, padding,
                            ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    return _conv.adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """(values, indices), always: ATen's adaptive_max_pool1d returns both."""
    return tuple(_conv.adaptive_max_pool1d(input, output_size, return_indices=True))


def bilinear(input1, input2, weight, bias=None):
    from .nn.functional import bilinear as _bilinear
    return _bilinear(input1, input2, weight, bias)


def _reduction(fn, reduction, pos):
    """ATen's int reduction (0 none, 1 mean, 2 sum) as F's string; another int is 'none'."""
    if not _is_int(reduction):
        raise TypeError(f"{fn}(): argument 'reduction' (position {pos}) must be int, "
                        f"not {_tname(reduction)}")
    return {1: "mean", 2: "sum"}.get(int(reduction), "none")


# NOTE: torch 2.13's Python bindings of these ATen losses reduce nothing when `reduction` is
# left out (the schema says Mean, but the binding passes 0), so the default here is 0.

def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    red = _reduction("binary_cross_entropy_with_logits", reduction, 5)
    return _loss.binary_cross_entropy_with_logits(input, target, weight, reduction=red,
                                                  pos_weight=pos_weight)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    red = _reduction("cosine_embedding_loss", reduction, 5)
    return _loss.cosine_embedding_loss(input1, input2, target, margin, reduction=red)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    red = _reduction("ctc_loss", reduction, 6)
    return _loss.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, red,
                          zero_infinity)


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    red = _reduction("hinge_embedding_loss", reduction, 4)
    return _loss.hinge_embedding_loss(input, target, margin, reduction=red)


def kl_div(input, target, reduction=0, *, log_target=False):
    """ATen's kl_div: 'mean' here is the plain mean (F.kl_div's warning is F's alone)."""
    red = _reduction("kl_div", reduction, 3)
    out = _loss.kl_div(input, target, reduction="none" if red == "mean" else red,
                       log_target=log_target)
    return out.mean() if red == "mean" else out


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    red = _reduction("margin_ranking_loss", reduction, 5)
    return _loss.margin_ranking_loss(input1, input2, target, margin, reduction=red)


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    red = _reduction("poisson_nll_loss", reduction, 6)
    return _loss.poisson_nll_loss(input, target, log_input, full, eps=eps, reduction=red)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False,
                        reduction=0):
    red = _reduction("triplet_margin_loss", reduction, 8)
    return _loss.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     reduction=red)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    if generator is not None:
        raise NotImplementedError("ember's rrelu draws from the global generator only; "
                                  "pass generator=None")
    return _act.rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    if generator is not None:
        raise NotImplementedError("ember's rrelu_ draws from the global generator only; "
                                  "pass generator=None")
    return _act.rrelu_(input, lower, upper, training)


# -- pixel_shuffle, pixel_unshuffle, channel_shuffle --------------------------------------

def _pixel_shuffle_array(a, r):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    *lead, c, h, w = a.shape
    oc = c // (r * r)
    a = a.reshape(*lead, oc, r, r, h, w)
    n = len(lead)
    a = a.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(a).reshape(*lead, oc, h * r, w * r)


def _pixel_unshuffle_array(a, r):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    *lead, c, h, w = a.shape
    oh, ow = h // r, w // r
    a = a.reshape(*lead, c, oh, r, ow, r)
    n = len(lead)
    a = a.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return np.ascontiguousarray(a).reshape(*lead, c * r * r, oh, ow)


class PixelShuffleBackward0(Node):
    """self: pixel_unshuffle(grad, upscale_factor)"""
    __slots__ = ()

    def backward(self, grad):
        r = self.args[0]
        if isinstance(grad, Tensor):
            return (pixel_unshuffle(grad, r),)
        return (_pixel_unshuffle_array(grad, r),)


class PixelUnshuffleBackward0(Node):
    """self: pixel_shuffle(grad, downscale_factor)"""
    __slots__ = ()

    def backward(self, grad):
        r = self.args[0]
        if isinstance(grad, Tensor):
            return (pixel_shuffle(grad, r),)
        return (_pixel_shuffle_array(grad, r),)


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r): sub-pixel convolution's rearrangement."""
    _need_tensor("pixel_shuffle", input)
    nd = input.dim()
    if nd < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {nd} dimension(s)")
    r = upscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r) != 0:
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be "
                           "divisible by the square of upscale_factor, but input.size(-3)="
                           f"{c} is not divisible by {r * r}")
    return unary(PixelShuffleBackward0, input, _pixel_shuffle_array(input._data, r),
                 args=(r,))


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W): the inverse of pixel_shuffle."""
    _need_tensor("pixel_unshuffle", input)
    nd = input.dim()
    if nd < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {nd} dimension(s)")
    r = downscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2], input.shape[-1]
    if h % r != 0:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r != 0:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    return unary(PixelUnshuffleBackward0, input, _pixel_unshuffle_array(input._data, r),
                 args=(r,))


def _channel_shuffle_array(a, g):
    """(N, g*k, *) -> (N, k*g, *): channel i*k + j moves to j*g + i."""
    n, c = a.shape[0], a.shape[1]
    rest = a.shape[2:]
    a = a.reshape(n, g, c // g, *rest).swapaxes(1, 2)
    return np.ascontiguousarray(a).reshape(n, c, *rest)


class ChannelShuffleBackward0(Node):
    """self: channel_shuffle(grad, self.size(1) / groups): the inverse permutation."""
    __slots__ = ()

    def backward(self, grad):
        inv = self.args[0]
        if isinstance(grad, Tensor):
            return (channel_shuffle(grad, inv),)
        return (_channel_shuffle_array(grad, inv),)


def channel_shuffle(input, groups):
    """Split the channels into groups and interleave them (ShuffleNet)."""
    _need_tensor("channel_shuffle", input)
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    if input.dim() <= 2:
        raise RuntimeError("channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes [{', '.join(map(str, input.shape))}]")
    c = input.shape[1]
    if c % groups != 0:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    return unary(ChannelShuffleBackward0, input, _channel_shuffle_array(input._data, groups),
                 args=(c // groups,))


native_channel_shuffle = channel_shuffle


# -- Tensor predicates and CPU-only storage methods -----------------------------------------------

def _itemsize(self):
    return self._data.itemsize


def _nbytes(self):
    return self._data.size * self._data.itemsize


def _is_cpu(self):
    return True


def _is_inference(self):
    """Whether self was made in inference_mode (its version counter says so)."""
    from .autograd.grad_mode import InferenceVersion
    return type(self._vc) is InferenceVersion


def _is_pinned(self, device=None):
    return False


def _pin_memory(self, device=None):
    raise RuntimeError("Cannot access accelerator device when none is available.")


_shared = {}        # id(base tensor) -> weakref: the tensors share_memory_() was called on


def _share_memory_(self):
    """Marks the tensor shared (is_shared() is then True).  ember's tensors are NumPy arrays
    in this process; nothing is moved: ember has no torch.multiprocessing to share them with."""
    base = self._base if self._base is not None else self
    key = id(base)
    _shared[key] = weakref.ref(base, lambda r, k=key: _shared.pop(k, None))
    return self


def _is_shared(self):
    base = self._base if self._base is not None else self
    r = _shared.get(id(base))
    return r is not None and r() is base


def _get_device(self):
    return -1


def _new(self, *args, **kwargs):
    """x.new(...): the legacy constructor with x's dtype (torch.Tensor(...) with x.dtype)."""
    for k in kwargs:
        if k != "device":
            raise TypeError(_new_kw_error(args, kwargs))
    if "device" in kwargs and kwargs["device"] is not None:
        _device_cls(kwargs["device"])
    dt = self.dtype
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not dt:
            raise TypeError(f"expected TensorOptions({_options(dt)}) "
                            f"(got TensorOptions({_options(other.dtype)}))")
        from .ops.indexing import _alias
        return _alias(other)              # a view of other (AliasBackward0), as torch's
    from .ops.creation import _legacy_constructor, tensor
    t = _legacy_constructor(*args)        # torch's checks and shapes, in the default dtype
    if t.dtype is dt:
        return t
    if len(args) == 1 and not _is_int(args[0]) and not isinstance(args[0], Size):
        return tensor(args[0], dtype=dt)  # data: converted as tensor(data, dtype=x.dtype)
    return _make(np.empty(t._data.shape, dt.np))


_C_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
           "int32": "int", "int16": "short int", "int8": "signed char",
           "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
           "complex128": "c10::complex<double>"}


def _options(dt):
    return (f"dtype={_C_TYPE[repr(dt)[6:]]}, device=cpu, layout=Strided, requires_grad=false "
            "(default), pinned_memory=false (default), memory_format=(nullopt)")


def _new_kw_error(args, kwargs):
    got = ", ".join([_tname(a) for a in args] +
                    [f"{k}={_torch_tname(v)}" for k, v in kwargs.items()])
    bad = ", ".join(k for k in kwargs if k != "device")
    return ("new() received an invalid combination of arguments - got (" + got + "), but "
            "expected one of:\n"
            " * (*, torch.device device = None)\n"
            f"      didn't match because some of the keywords were incorrect: {bad}\n"
            " * (torch.Storage storage)\n"
            " * (Tensor other)\n"
            " * (tuple of ints size, *, torch.device device = None)\n"
            " * (object data, *, torch.device device = None)\n")


def _torch_tname(v):
    """A type's name as torch's argument parser prints it (ember's own types as torch.*)."""
    if type(v).__module__.split(".")[0] == "ember":
        return "torch." + type(v).__name__
    return _tname(v)


def _python_value(dt):
    """The Python type a callable sees for an element of dtype dt (torch's apply_/map_)."""
    if dt.is_floating_point:
        return float
    if dt.is_complex:
        return complex
    if dt is _dtype.bool_:
        return bool
    return int


def _store(arr, idx, value, dt):
    """Write a callable's result into arr[idx] as torch converts it."""
    if isinstance(value, Tensor):
        value = value.item()
    kind = arr.dtype.kind
    if kind == "c":
        arr[idx] = complex(value)
        return
    if not isinstance(value, (bool, int, float, np.number)):
        raise TypeError(f"must be real number, not {_tname(value)}")
    if kind == "f":
        arr[idx] = float(value)
    elif kind == "b":
        arr[idx] = bool(value)
    else:
        v = int(value)
        info = np.iinfo(arr.dtype)
        if not info.min <= v <= info.max:
            raise RuntimeError(f"value cannot be converted to type {repr(dt)[6:]} without "
                               "overflow")
        arr[idx] = v


def _apply_(self, callable):
    """Apply a Python callable to each element in place (slow; CPU only, as in torch)."""
    if self._requires_grad:
        raise RuntimeError("Can't call apply_() on Variable that requires grad. Use "
                           "var.detach().apply_() instead.")
    arr = self._data
    dt = self.dtype
    conv = _python_value(dt)
    for idx in np.ndindex(arr.shape):
        _store(arr, idx, callable(conv(arr[idx])), dt)
    return self


def _map_(self, tensor, callable):
    """self[i] = callable(self[i], tensor[i]), tensor broadcast to self's shape, in place."""
    if self._requires_grad or tensor._requires_grad:
        raise RuntimeError("Can't call map_() on Variable that requires grad. Use "
                           "var.detach().map_() instead.")
    dt = self.dtype
    if tensor.dtype is not dt:
        raise TypeError(f"map_: expected torch.{dt._legacy} for 'other' "
                        f"(got torch.{tensor.dtype._legacy})")
    other = tensor.expand(tuple(self.shape))._data
    arr = self._data
    conv = _python_value(dt)
    for idx in np.ndindex(arr.shape):
        _store(arr, idx, callable(conv(arr[idx]), conv(other[idx])), dt)
    return self


def _is_nonzero_method(self):
    return is_nonzero(self)


def _is_same_size_method(self, other):
    _need_tensor("is_same_size", other, "other", 1)
    return self._data.shape == other._data.shape


def _is_signed_method(self):
    return self.dtype.is_signed


Tensor.itemsize = property(_itemsize)
Tensor.nbytes = property(_nbytes)
Tensor.is_cpu = property(_is_cpu)
Tensor.is_inference = _is_inference
Tensor.is_pinned = _is_pinned
Tensor.pin_memory = _pin_memory
Tensor.share_memory_ = _share_memory_
Tensor.is_shared = _is_shared
Tensor.get_device = _get_device
Tensor.new = _new
Tensor.apply_ = _apply_
Tensor.map_ = _map_
Tensor.is_nonzero = _is_nonzero_method
Tensor.is_same_size = _is_same_size_method
Tensor.is_signed = _is_signed_method
