"""optim.Adam (and the update AdamW shares), operation by operation as torch's
``_single_tensor_adam`` (torch/optim/adam.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable,
                        _get_scalar_dtype, _scalar_tensor, _to_scalar,
                        _use_grad_for_differentiable)

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
    foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
    decoupled_weight_decay=False)

    g = grad (negated if maximize);  g += weight_decay * p, or p *= 1 - lr * weight_decay
    when decoupled;  m = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    (v_max = max(v_max, v) for amsgrad);  p -= lr / (1 - beta1^t) * m
    / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    On the CPU ``foreach`` and ``fused`` select torch kernels that ember does not mirror:
    they are accepted and the single-tensor update is used (values agree to rounding).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and "
                                 "foreach=True")
            if lr.numel() != 1:
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
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for "
                                     "capturable=False and foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable,
                    "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_differentiable(differentiable, type(self).__name__)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            fused = group.setdefault("fused", None)
            self._upgrade_step_state(group, fused=fused)

    def _init_group(self, group):
        """(param, grad array, state) for every parameter of the group that has a gradient,
        creating the state on first use."""
        items = []
        for p in group["params"]:
            if p._grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _scalar_tensor(0.0, _get_scalar_dtype(is_fused=group["fused"]))
                state["exp_avg"] = _make(np.zeros_like(p._data))
                state["exp_avg_sq"] = _make(np.zeros_like(p._data))
                if group["amsgrad"]:
                    state["max_exp_avg_sq"] = _make(np.zeros_like(p._data))
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
            _single_tensor_adam(items, amsgrad=group["amsgrad"], beta1=beta1, beta2=beta2,
                                lr=group["lr"], weight_decay=group["weight_decay"],
                                eps=group["eps"], maximize=group["maximize"],
                                capturable=group["capturable"],
                                decoupled_weight_decay=group["decoupled_weight_decay"])
        return loss


def _single_tensor_adam(items, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize,
                        capturable, decoupled_weight_decay):
    lr = K.scalar(_to_scalar(lr))
    beta1 = K.scalar(_to_scalar(beta1))
    beta2 = K.scalar(_to_scalar(beta2))
    for param, grad, state in items:
        _check_capturable(capturable)
        p = param._data
        if maximize:
            grad = -grad
        exp_avg = state["exp_avg"]
        exp_avg_sq = state["exp_avg_sq"]
        step = K.step_(state["step"])
        if weight_decay != 0:
            if decoupled_weight_decay:
                K.mul_(p, 1 - lr * weight_decay)
                K.bump(param)
            else:
                grad = K.add(grad, p, weight_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        m, v = K.as_real(exp_avg._data), K.as_real(exp_avg_sq._data)
        K.lerp_(m, grad, 1 - beta1)
        K.mul_(v, beta2)
        K.addcmul(v, grad, grad, 1 - beta2, out=v)
        K.bump(exp_avg)
        K.bump(exp_avg_sq, 2)

        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        if amsgrad:
            max_sq = state["max_exp_avg_sq"]
            vmax = K.as_real(max_sq._data)
            np.maximum(vmax, v, out=vmax)
            K.bump(max_sq)
            v = vmax
        dt = v.dtype.type
        denom = K.sqrt(v)
        denom /= dt(bias_correction2_sqrt)       # in place on arrays (fewer allocations)
        denom += dt(eps)
        K.addcdiv(p, m, denom, -step_size, out=p)
        K.bump(param)
