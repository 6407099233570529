"""ember.nn: torch.nn's modules, functional, init and Parameter."""
from .parameter import Parameter
from .modules import Module, Identity, Linear, ReLU, MSELoss, Sequential, ModuleList
from . import functional, init

__all__ = ["Parameter", "Module", "Identity", "Linear", "ReLU", "MSELoss", "Sequential",
           "ModuleList", "functional", "init"]
