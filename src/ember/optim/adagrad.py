"""optim.Adagrad, operation by operation as torch's ``_single_tensor_adagrad``
(torch/optim/adagrad.py), in NumPy on the parameters' memory."""
import numpy as np

from .._tensor import Tensor, _make
from ..autograd.grad_mode import enable_grad
from . import _kernels as K
from .optimizer import (Optimizer, _check_differentiable, _get_scalar_dtype, _scalar_tensor,
                        _to_scalar, _use_grad_for_differentiable)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
    eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None)

    g = grad (negated if maximize) + weight_decay * p;  clr = lr / (1 + (t - 1) * lr_decay)
    s += g * g;  p -= clr * g / (sqrt(s) + eps)

    The state ("step", "sum") of every parameter exists from construction, as in torch.
    ``fused`` selects a torch CPU kernel that ember does not mirror: it is accepted and the
    single-tensor update is used.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_differentiable(differentiable, "Adagrad")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p, group)

    def _init_state(self, state, p, group):
        state["step"] = _scalar_tensor(0.0, _get_scalar_dtype(is_fused=group["fused"]))
        init_value = self.defaults["initial_accumulator_value"]
        if p.is_complex():
            init_value = complex(init_value, init_value)
        state["sum"] = _make(np.full_like(p._data, init_value))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            fused = group.setdefault("fused", None)
            self._upgrade_step_state(group, fused=fused)

    def share_memory(self):
        """Calls share_memory_() on the state sum tensors (a no-op for ember's arrays, which
        worker processes receive by pickling)."""

    def _init_group(self, group):
        items = []
        for p in group["params"]:
            if p._grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                self._init_state(state, p, group)
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
            _single_tensor_adagrad(items, lr=group["lr"], weight_decay=group["weight_decay"],
                                   lr_decay=group["lr_decay"], eps=group["eps"],
                                   maximize=group["maximize"])
        return loss


def _single_tensor_adagrad(items, *, lr, weight_decay, lr_decay, eps, maximize):
    lr = K.scalar(_to_scalar(lr))
    for param, grad, state in items:
        step = K.step_(state["step"])
        if maximize:
            grad = -grad
        p = param._data
        if weight_decay != 0:
            grad = K.add(grad, p, weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        p, grad = K.as_real(p), K.as_real(grad)
        state_sum = state["sum"]
        s = K.as_real(state_sum._data)
        K.addcmul(s, grad, grad, 1, out=s)
        K.bump(state_sum)
        std = K.sqrt(s)
        std = std + std.dtype.type(eps)
        K.addcdiv(p, grad, std, -clr, out=p)
        K.bump(param)
