"""optim.Adadelta, operation by operation as torch's ``_single_tensor_adadelta``
(torch/optim/adadelta.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_capturable, _check_differentiable, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
    capturable=False, maximize=False, differentiable=False)

    g = grad (negated if maximize) + weight_decay * p;  v = rho * v + (1 - rho) * g * g
    delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho * u + (1 - rho) * delta^2
    p -= lr * delta
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_differentiable(differentiable, "Adadelta")

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
                state["square_avg"] = _make(np.zeros_like(p._data))
                state["acc_delta"] = _make(np.zeros_like(p._data))
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
            _single_tensor_adadelta(items, lr=group["lr"], rho=group["rho"], eps=group["eps"],
                                    weight_decay=group["weight_decay"],
                                    maximize=group["maximize"], capturable=group["capturable"])
        return loss


def _single_tensor_adadelta(items, *, lr, rho, eps, weight_decay, maximize, capturable):
    if items:
        _check_capturable(capturable, devices="['cuda', 'xpu', 'hpu', 'privateuseone']")
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        K.step_(state["step"])
        if maximize:
            grad = -grad
        p = param._data
        if weight_decay != 0:
            grad = K.add(grad, p, weight_decay)
        grad = K.as_real(grad)
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        v, u = K.as_real(square_avg._data), K.as_real(acc_delta._data)
        K.mul_(v, rho)
        K.addcmul(v, grad, grad, 1 - rho, out=v)
        K.bump(square_avg, 2)
        dt = v.dtype.type
        std = K.sqrt(v + dt(eps))
        delta = K.sqrt(u + dt(eps))
        delta = delta / std
        delta = delta * grad
        K.mul_(u, rho)
        K.addcmul(u, delta, delta, 1 - rho, out=u)
        K.bump(acc_delta, 2)
        # the update is added to the complex parameter itself (torch views delta back)
        K.add(p, K.as_complex(delta, p), -lr, out=p)
        K.bump(param)
