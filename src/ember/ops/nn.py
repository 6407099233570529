"""The differentiable primitives behind torch.nn.functional: losses (mse_loss so far).

The public wrappers (argument parsing, warnings, broadcasting) live in ember.nn.functional;
the functions here take tensors already checked and of one shape.
"""
import numpy as np

from ._base import BroadcastingNode, record, promote

__all__ = []

# torch's reduction enum (torch/nn/_reduction.py get_enum)
NONE, MEAN, SUM = 0, 1, 2


class MseLossBackward0(BroadcastingNode):
    """self: mse_loss_backward(grad, self, target, reduction)
    target: mse_loss_backward(grad, target, self, reduction)
    where mse_loss_backward(grad, input, target, reduction) = norm * (input - target) * grad,
    norm = 2 / input.numel() for 'mean' and 2 otherwise."""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        (norm,) = self.args
        nf = self.next_functions
        return (norm * (a - b) * grad if nf[0][0] is not None else None,
                norm * (b - a) * grad if nf[1][0] is not None else None)


def mse_loss(input, target, reduction):
    """mean/sum/none of (input - target)**2 for input and target of the same shape."""
    a, b, dt = promote(input, target)
    if dt.category < 2:
        raise NotImplementedError(f'"mse_cpu" not implemented for \'{dt._legacy[:-6]}\'')
    diff = a - b
    loss = diff * diff
    n = loss.size
    if reduction == NONE:
        out = loss
    else:
        # np.add.reduce rather than ndarray.mean: the same float32 sum, less Python around it
        out = np.add.reduce(loss, axis=None)
        if reduction == MEAN:
            out = out / n if n else np.nan
        out = np.asarray(out, dtype=loss.dtype)
    norm = 2.0 / n if reduction == MEAN and n else 2.0
    return record(MseLossBackward0, (input, target), out, saved=(input, target), args=(norm,))
