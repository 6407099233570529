"""The module classes of torch.nn, one family a file."""
from .module import Module
from .linear import Identity, Linear
from .activation import ReLU
from .loss import MSELoss
from .container import Sequential, ModuleList

__all__ = ["Module", "Identity", "Linear", "ReLU", "MSELoss", "Sequential", "ModuleList"]
