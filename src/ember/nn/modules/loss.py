"""Loss modules: nn.MSELoss."""
from .. import functional as F
from .module import Module

__all__ = ["MSELoss"]


class _Loss(Module):
    """Base of the losses: holds the reduction ('mean' | 'sum' | 'none')."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = F._legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction


class MSELoss(_Loss):
    """Mean squared error: mean/sum/none of (input - target)**2."""

    __constants__ = ["reduction"]

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)
