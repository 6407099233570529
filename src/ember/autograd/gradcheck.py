"""gradcheck / gradgradcheck: compare backward's Jacobian with central finite differences.

Use float64 inputs: in float32 the finite differences are too coarse for the default
tolerances.  The Jacobian of output o w.r.t. input i is laid out as torch lays it out,
``[input numel, output numel]``, and a mismatch raises torch's GradcheckError text.
"""
import numpy as np

from .engine import grad as _grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return x if isinstance(x, tuple) else (tuple(x) if isinstance(x, list) else (x,))


def _is_diff(t):
    from .._tensor import Tensor
    return isinstance(t, Tensor) and t.requires_grad


def _numerical(func, inputs, diff_idx, outputs, eps):
    """jac[o][i]: array [numel(input i), numel(output o)] by central differences."""
    jac = [[np.zeros((inputs[i]._data.size, outputs[o]._data.size)) for i in diff_idx]
           for o in range(len(outputs))]
    for k, i in enumerate(diff_idx):
        data = inputs[i]._data
        for j in range(data.size):
            idx = np.unravel_index(j, data.shape)
            old = data[idx]
            data[idx] = old + eps
            plus = [o._data.astype(np.float64).ravel().copy()
                    for o in _as_tuple(func(*inputs))]
            data[idx] = old - eps
            minus = [o._data.astype(np.float64).ravel().copy()
                     for o in _as_tuple(func(*inputs))]
            data[idx] = old
            for o in range(len(outputs)):
                jac[o][k][j] = (plus[o] - minus[o]) / (2 * eps)
    return jac


def _analytical(inputs, diff_idx, outputs):
    from .._tensor import _make
    jac = [[np.zeros((inputs[i]._data.size, outputs[o]._data.size)) for i in diff_idx]
           for o in range(len(outputs))]
    for o, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        for j in range(out._data.size):
            onehot = np.zeros(out._data.size, out._data.dtype)
            onehot[j] = 1
            grads = _grad(out, [inputs[i] for i in diff_idx],
                          _make(onehot.reshape(out._data.shape)), retain_graph=True,
                          allow_unused=True)
            for k, g in enumerate(grads):
                if g is not None:
                    jac[o][k][:, j] = g._data.astype(np.float64).ravel()
    return jac


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """True if backward's Jacobians match finite differences (else GradcheckError/False)."""
    from .._tensor import _make
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if _is_diff(x)]
    if not diff_idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of the them have requires_grad=True.")
    outputs = tuple(o for o in _as_tuple(func(*inputs)) if hasattr(o, "_data"))
    num = _numerical(func, inputs, diff_idx, outputs, eps)
    ana = _analytical(inputs, diff_idx, outputs)
    for o in range(len(outputs)):
        for k, i in enumerate(diff_idx):
            n, a = num[o][k], ana[o][k]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {o} with respect to input {i},\n"
                    f"numerical:{_make(n)!r}\nanalytical:{_make(a)!r}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False, check_rev_over_rev=True,
                  fast_mode=False, masked=False):
    """gradcheck of the gradient itself (second derivatives, via create_graph=True)."""
    from .._tensor import _make
    inputs = _as_tuple(inputs)
    n_in = len(inputs)
    if grad_outputs is None:
        outs = _as_tuple(func(*inputs))
        rng = np.random.default_rng(0)
        grad_outputs = tuple(
            _make(rng.standard_normal(o._data.shape).astype(o._data.dtype)).requires_grad_()
            for o in outs if o.requires_grad)
    grad_outputs = _as_tuple(grad_outputs)
    diff_idx = [i for i, x in enumerate(inputs) if _is_diff(x)]

    def first_grads(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = [o for o in _as_tuple(func(*ins)) if o.requires_grad]
        gs = _grad(outs, [ins[i] for i in diff_idx], gos, create_graph=True,
                   allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
