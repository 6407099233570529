"""ember.nn: torch.nn's modules, functional, init and Parameter."""
from .parameter import Buffer, Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init
from . import utils
from . import parallel  # noqa: E402

# == s7_nn_more: torch.nn re-exports the uninitialised parameter types ========================
from .parameter import UninitializedParameter, UninitializedBuffer  # noqa: E402,F401
from .parallel import DataParallel  # noqa: E402,F401
