"""optim.RMSprop, operation by operation as torch's ``_single_tensor_rmsprop``
(torch/optim/rmsprop.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
    centered=False, capturable=False, foreach=None, maximize=False, differentiable=False)

    g = grad (negated if maximize) + weight_decay * p;  v = alpha * v + (1 - alpha) * g * g
    avg = sqrt(v - mean_g^2) with mean_g = lerp(mean_g, g, 1 - alpha) if centered, else
    sqrt(v);  avg += eps;  b = momentum * b + g / avg, p -= lr * b  (momentum > 0),
    else p -= lr * g / avg
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_differentiable(differentiable, "RMSprop")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
            self._upgrade_step_state(group)

    def _init_group(self, group):
        items = []
        for p in group["params"]:
            if p._grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _scalar_tensor(0.0)
                state["square_avg"] = _make(np.zeros_like(p._data))
                if group["momentum"] > 0:
                    state["momentum_buffer"] = _make(np.zeros_like(p._data))
                if group["centered"]:
                    state["grad_avg"] = _make(np.zeros_like(p._data))
            items.append((p, p._grad._data, state))
        return items

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns closure() if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            items = self._init_group(group)
            _single_tensor_rmsprop(items, lr=group["lr"], alpha=group["alpha"],
                                   eps=group["eps"], weight_decay=group["weight_decay"],
                                   momentum=group["momentum"], centered=group["centered"],
                                   maximize=group["maximize"], capturable=group["capturable"])
        return loss


def _single_tensor_rmsprop(items, *, lr, alpha, eps, weight_decay, momentum, centered,
                           maximize, capturable):
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        _check_capturable(capturable)
        if maximize:
            grad = -grad
        K.step_(state["step"])
        p = param._data
        if weight_decay != 0:
            grad = K.add(grad, p, weight_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        square_avg = state["square_avg"]
        v = K.as_real(square_avg._data)
        K.mul_(v, alpha)
        K.addcmul(v, grad, grad, 1 - alpha, out=v)
        K.bump(square_avg, 2)
        if centered:
            grad_avg = state["grad_avg"]
            mean = K.as_real(grad_avg._data)
            K.lerp_(mean, grad, 1 - alpha)
            K.bump(grad_avg)
            avg = K.sqrt(K.addcmul(v, mean, mean, -1))
        else:
            avg = K.sqrt(v)
        avg = avg + avg.dtype.type(eps)
        if momentum > 0:
            momentum_buffer = state["momentum_buffer"]
            buf = K.as_real(momentum_buffer._data)
            K.mul_(buf, momentum)
            K.addcdiv(buf, grad, avg, out=buf)
            K.bump(momentum_buffer, 2)
            K.add(p, buf, -lr, out=p)
        else:
            K.addcdiv(p, grad, avg, -lr, out=p)
        K.bump(param)
