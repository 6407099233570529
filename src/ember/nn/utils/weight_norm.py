"""torch.nn.utils.weight_norm: the (deprecated) hook-based weight normalization,
w = g * v / ||v||, with parameters ``<name>_g`` and ``<name>_v`` recomputed into ``<name>``
before every forward.

``_weight_norm`` dispatches as ATen's: the fused ``_weight_norm_interface`` (grad_fn
WeightNormInterfaceBackward0) when the norm is taken over every dim but the first or the
last, else ``v * (g / norm_except_dim(v, 2, dim))`` (grad_fn MulBackward0)."""
import warnings

import numpy as np

from ...ops._base import Node, record, sum_dims

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _other_dims(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


class WeightNormInterfaceBackward0(Node):
    """v, g: _weight_norm_differentiable_backward(grad, v, g, result1, dim), with
    result1 = norm = ||v|| over every dim but dim (kept; a non-differentiable output, so a
    constant under double backward, as torch's): s = sum(grad * v) except dim,
    grad_g = s / norm, grad_v = (g / norm) * (grad - v * (s / (norm * norm)))."""
    __slots__ = ()

    def backward(self, grad):
        v, g = self.unpack()
        dims, gshape, norm = self.args
        gg = sum_dims(grad * v, dims, keepdim=True) / norm
        grad_v = None
        if self.next_functions[0][0] is not None:
            grad_v = (g.reshape(tuple(norm.shape)) / norm) * (grad - v * (gg / norm))
        grad_g = gg.reshape(gshape) if self.next_functions[1][0] is not None else None
        return grad_v, grad_g


def _weight_norm_interface(v, g, dim):
    vd = v._data
    dims = _other_dims(vd.ndim, dim)
    norm = np.sqrt((vd * vd).sum(axis=dims, keepdims=True))
    gd = g._data.reshape(norm.shape)
    out = vd * (gd / norm)
    return record(WeightNormInterfaceBackward0, [v, g], out, saved=(v, g),
                  args=(dims, tuple(g._data.shape), norm))


def norm_except_dim(v, pow=2, dim=0):
    """The norm of v over every dim but dim (kept as size 1); dim=-1: the whole norm."""
    if dim == -1:
        return v.norm(pow)
    dims = _other_dims(v.dim(), dim)
    if pow == 2:
        return (v * v).sum(dims, keepdim=True).sqrt()
    return v.abs().pow(pow).sum(dims, keepdim=True).pow(1.0 / pow)


def _weight_norm(v, g, dim=0):
    if dim == 0 or dim == v.dim() - 1:
        if v._data.dtype != np.float16 and g._data.dtype != np.float16:
            return _weight_norm_interface(v, g, dim)
    return v * (g / norm_except_dim(v, 2, dim))


class WeightNorm:
    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                      "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                      stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same "
                                   f"parameter {name}")
        if dim is None:
            dim = -1
        from ..parameter import Parameter
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        from ..parameter import Parameter
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Replace module.<name> by g * v / ||v|| (parameters <name>_g, <name>_v)."""
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
