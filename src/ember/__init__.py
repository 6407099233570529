"""ember: a deep-learning framework on NumPy whose public API is PyTorch's.

``import ember as torch`` — this namespace mirrors ``torch``: dtypes, creation functions,
ops, grad mode, and the submodules nn, optim, autograd, utils.
"""
from . import _malloc  # noqa: F401  (glibc thresholds for large temporaries; see the module)
import warnings as _warnings

# NumPy's floating-point warnings ("overflow encountered in multiply", inf - inf ...) raised
# inside ember's own ops: torch computes the same inf/nan silently.  Matched by message and by
# the module they are attributed to, so the user's own NumPy code still warns.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ember\.",
                         message=r"(overflow|invalid value|divide by zero|underflow) "
                                 r"encountered in")
from ._dtype import (dtype, bool_ as bool, uint8, int8, int16, int32, int64, float16,
                     float32, float64, complex64, complex128, get_default_dtype,
                     set_default_dtype, promote_types, result_type, finfo, iinfo)
from ._tensor import Tensor, Size, device
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                 is_grad_enabled, is_inference_mode_enabled)
from .ops.creation import *  # noqa: F401,F403  (each module's __all__ lists its names)
from .ops.pointwise import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.indexing import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .ops.activation import (torch_softmax as softmax, torch_log_softmax as log_softmax,  # noqa: E402,F401,E501
                             selu, selu_, celu, celu_, prelu, threshold, threshold_,
                             hardshrink, cosine_similarity, pairwise_distance)
from . import autograd  # noqa: E402
from .autograd.anomaly_mode import (is_anomaly_enabled, is_anomaly_check_nan_enabled,  # noqa: E402,F401,E501
                                    set_anomaly_enabled)
from . import linalg  # noqa: E402
from . import special  # noqa: E402
from ._printing import set_printoptions  # noqa: E402

half = float16
float = float32
double = float64
short = int16
int = int32
long = int64
cfloat = complex64
cdouble = complex128

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


from . import nn, optim  # noqa: E402
from . import utils, datasets  # noqa: E402
from .serialization import save, load  # noqa: E402
from . import cuda, backends, mps, accelerator, amp, testing  # noqa: E402,F401
from .amp import autocast  # noqa: E402,F401

# -- settings, predicates, torch.compile and top-level aliases of functional ops (ember._misc) --
from ._misc import *  # noqa: F401,F403,E402
from . import distributions  # noqa: E402,F401

# -- torch.func (ember.func) and the torch.vmap alias --
from . import func  # noqa: E402,F401
from .func import vmap  # noqa: E402,F401
