"""ember.nn: torch.nn's modules, functional, init and Parameter."""
from .parameter import Buffer, Parameter
from .modules import *  # noqa: F401,F403
from . import functional, init
from . import utils
from . import parallel  # noqa: E402
