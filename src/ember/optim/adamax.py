"""optim.Adamax, operation by operation as torch's ``_single_tensor_adamax``
(torch/optim/adamax.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
    maximize=False, differentiable=False, capturable=False)

    g = grad (negated if maximize) + weight_decay * p;  m = lerp(m, g, 1 - beta1)
    u = max(beta2 * u, |g| + eps);  p -= lr / (1 - beta1^t) * m / u
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)
        _check_differentiable(differentiable, "Adamax")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
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
                state["exp_avg"] = _make(np.zeros_like(p._data))
                state["exp_inf"] = _make(np.zeros_like(p._data))
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
            beta1, beta2 = group["betas"]
            _single_tensor_adamax(items, eps=group["eps"], beta1=beta1, beta2=beta2,
                                  lr=group["lr"], weight_decay=group["weight_decay"],
                                  maximize=group["maximize"], capturable=group["capturable"])
        return loss


def _single_tensor_adamax(items, *, eps, beta1, beta2, lr, weight_decay, maximize,
                          capturable):
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        if maximize:
            grad = -grad
        _check_capturable(capturable)
        step = K.step_(state["step"])
        p = param._data
        if weight_decay != 0:
            grad = K.add(grad, p, weight_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        m, u = K.as_real(exp_avg._data), K.as_real(exp_inf._data)
        K.lerp_(m, grad, 1 - beta1)
        K.bump(exp_avg)
        K.mul_(u, beta2)
        norm = np.abs(grad)
        np.maximum(u, norm + norm.dtype.type(eps), out=u)
        K.bump(exp_inf, 2)
        clr = lr / (1 - beta1 ** step)
        K.addcdiv(p, m, u, -clr, out=p)
        K.bump(param)
