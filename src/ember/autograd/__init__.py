"""ember.autograd: backward, grad, grad mode, Function, gradcheck."""
from .engine import backward, grad
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled)
from .node import Node

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "Node"]
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck, GradcheckError  # noqa: E402

__all__ += ["Function", "FunctionCtx", "once_differentiable", "gradcheck", "gradgradcheck",
            "GradcheckError"]
from .anomaly_mode import (detect_anomaly, set_detect_anomaly,  # noqa: E402
                           set_warn_missing_zero_grad, set_warn_growing_graph)
from . import anomaly_mode, graph  # noqa: E402,F401

__all__ += ["detect_anomaly", "set_detect_anomaly", "set_warn_missing_zero_grad",
            "set_warn_growing_graph"]
from . import functional  # noqa: E402,F401
