"""optim.NAdam, operation by operation as torch's ``_single_tensor_nadam``
(torch/optim/nadam.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None, maximize=False,
    capturable=False, differentiable=False)

    mu_t = beta1 * (1 - 0.96^(t * momentum_decay) / 2);  prod_t = mu_1 ... mu_t
    m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    d = sqrt(v / (1 - beta2^t)) + eps
    p -= lr * (1 - mu_t) / (1 - prod_t) * g / d + lr * mu_{t+1} / (1 - prod_{t+1}) * m / d
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
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
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_differentiable(differentiable, "NAdam")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            self._upgrade_step_state(group, keys=("step", "mu_product"))

    def _init_group(self, group):
        items = []
        for p in group["params"]:
            if p._grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _scalar_tensor(0.0)
                state["mu_product"] = _scalar_tensor(1.0)
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
            _single_tensor_nadam(items, beta1=beta1, beta2=beta2, lr=group["lr"],
                                 weight_decay=group["weight_decay"],
                                 momentum_decay=group["momentum_decay"], eps=group["eps"],
                                 decoupled_weight_decay=group["decoupled_weight_decay"],
                                 maximize=group["maximize"], capturable=group["capturable"])
        return loss


def _single_tensor_nadam(items, *, beta1, beta2, lr, weight_decay, momentum_decay, eps,
                         decoupled_weight_decay, maximize, capturable):
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        if maximize:
            grad = -grad
        _check_capturable(capturable, what="params, mu_products and state_steps")
        step = K.step_(state["step"])
        bias_correction2 = 1 - beta2 ** step
        p = param._data
        if weight_decay != 0:
            if decoupled_weight_decay:
                K.mul_(p, 1 - lr * weight_decay)
                K.bump(param)
            else:
                grad = K.add(grad, p, weight_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product_t = state["mu_product"]
        K.mul_(mu_product_t._data, mu)
        K.bump(mu_product_t)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        m, v = K.as_real(exp_avg._data), K.as_real(exp_avg_sq._data)
        K.lerp_(m, grad, 1 - beta1)
        K.mul_(v, beta2)
        K.addcmul(v, grad, grad, 1 - beta2, out=v)
        K.bump(exp_avg)
        K.bump(exp_avg_sq, 2)
        dt = v.dtype.type
        denom = K.sqrt(v / dt(bias_correction2))
        mu_product = float(mu_product_t._data)
        mu_product_next = mu_product * mu_next
        denom = denom + dt(eps)
        K.addcdiv(p, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product), out=p)
        K.addcdiv(p, m, denom, (-lr * mu_next) / (1.0 - mu_product_next), out=p)
        K.bump(param, 2)
