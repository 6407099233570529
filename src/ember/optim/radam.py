"""optim.RAdam, operation by operation as torch's ``_single_tensor_radam``
(torch/optim/radam.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
    differentiable=False)

    m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
    p -= lr * m / (1 - beta1^t) * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t  if rho_t > 5
    (r_t the variance rectification), else p -= lr * m / (1 - beta1^t)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
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
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_differentiable(differentiable, "RAdam")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
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
                state["exp_avg_sq"] = _make(np.zeros_like(p._data))
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
            _single_tensor_radam(items, beta1=beta1, beta2=beta2, lr=group["lr"],
                                 weight_decay=group["weight_decay"], eps=group["eps"],
                                 decoupled_weight_decay=group["decoupled_weight_decay"],
                                 maximize=group["maximize"], capturable=group["capturable"])
        return loss


def _single_tensor_radam(items, *, beta1, beta2, lr, weight_decay, eps,
                         decoupled_weight_decay, maximize, capturable):
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        if maximize:
            grad = -grad
        _check_capturable(capturable)
        step = K.step_(state["step"])
        p = param._data
        if weight_decay != 0:
            if decoupled_weight_decay:
                K.mul_(p, 1 - lr * weight_decay)
                K.bump(param)
            else:
                grad = K.add(grad, p, weight_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        m, v = K.as_real(exp_avg._data), K.as_real(exp_avg_sq._data)
        K.lerp_(m, grad, 1 - beta1)
        K.mul_(v, beta2)
        K.addcmul(v, grad, grad, 1 - beta2, out=v)
        K.bump(exp_avg)
        K.bump(exp_avg_sq, 2)

        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        dt = v.dtype.type
        update = m / dt(bias_correction1)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        update = update * dt(lr)
        if rho_t > 5.0:
            # (bias_correction2 ** 0.5) / (sqrt(v) + eps), as Tensor.__rtruediv__ computes it
            exp_avg_sq_sqrt = K.sqrt(v)
            exp_avg_sq_sqrt = exp_avg_sq_sqrt + dt(eps)
            adaptive_lr = np.reciprocal(exp_avg_sq_sqrt) * dt(bias_correction2 ** 0.5)
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            update = update * adaptive_lr
            update = update * dt(rect)
        np.subtract(p, update, out=p)
        K.bump(param)
