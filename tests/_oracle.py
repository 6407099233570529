"""The differential-test helpers: run the same lambda on torch and on ember, compare.

check_op(fn, shapes, ...)   fn(lib, *tensors) with lib = torch or ember; compares values, shape,
                            dtype, grad_fn name and every input's gradient under a random
                            upstream gradient, in float32 and float64.
check_error(fn, *arrays)    same exception type and same str(e).
"""
import numpy as np
import torch

import ember

TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-9, atol=1e-10),
       np.float16: dict(rtol=1e-2, atol=1e-3)}


def make_inputs(shapes, dtype=np.float32, low=-2.0, high=2.0, rng=None):
    rng = rng or np.random.default_rng(0)
    return [rng.uniform(low, high, size=s).astype(dtype) for s in shapes]


def to_pair(arr, requires_grad):
    """The same values as a torch tensor and an ember tensor."""
    t = torch.tensor(arr, requires_grad=requires_grad and arr.dtype.kind == "f")
    e = ember.tensor(arr, requires_grad=requires_grad and arr.dtype.kind == "f")
    return t, e


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def assert_same(t_out, e_out, tol, check_grad_fn=True, what="output"):
    """One torch tensor against one ember tensor: shape, dtype, values, grad_fn name."""
    assert isinstance(e_out, ember.Tensor), f"{what}: got {type(e_out)}"
    assert tuple(t_out.shape) == tuple(e_out.shape), \
        f"{what}: shape {tuple(e_out.shape)} != torch {tuple(t_out.shape)}"
    assert str(t_out.dtype) == repr(e_out.dtype), \
        f"{what}: dtype {e_out.dtype} != torch {t_out.dtype}"
    tv = t_out.detach().numpy(force=True)     # force: torch may hand back a ZeroTensor
    ev = e_out.detach().numpy()
    if tv.dtype.kind in "fc":
        np.testing.assert_allclose(ev, tv, equal_nan=True, err_msg=what, **tol)
    else:
        np.testing.assert_array_equal(ev, tv, err_msg=what)
    if check_grad_fn:
        tn = type(t_out.grad_fn).__name__ if t_out.grad_fn is not None else None
        en = type(e_out.grad_fn).__name__ if e_out.grad_fn is not None else None
        assert tn == en, f"{what}: grad_fn {en} != torch {tn}"


def check_op(fn, shapes, dtypes=(np.float32, np.float64), low=-2.0, high=2.0, grad=True,
             inputs=None, check_grad_fn=True, tol=None, seed=0):
    """Compare fn(torch, *xs) with fn(ember, *xs) on random inputs of the given shapes."""
    for dt in dtypes:
        rng = np.random.default_rng(seed)
        arrays = inputs if inputs is not None else make_inputs(shapes, dt, low, high, rng)
        arrays = [a.astype(dt) if a.dtype.kind == "f" else a for a in arrays]
        pairs = [to_pair(a, grad) for a in arrays]
        tt = [p[0] for p in pairs]
        et = [p[1] for p in pairs]
        t_out = _flat(fn(torch, *tt))
        e_out = _flat(fn(ember, *et))
        assert len(t_out) == len(e_out)
        the_tol = tol or TOL[dt]
        for i, (a, b) in enumerate(zip(t_out, e_out)):
            assert_same(a, b, the_tol, check_grad_fn, what=f"output {i} ({dt.__name__})")
        if not grad:
            continue
        # backward with a random upstream gradient through every differentiable output
        t_diff = [(a, b) for a, b in zip(t_out, e_out)
                  if a.requires_grad and a.dtype.is_floating_point]
        if not t_diff:
            continue
        ups = [rng.standard_normal(a.shape).astype(a.detach().numpy().dtype) for a, _ in t_diff]
        torch.autograd.backward([a for a, _ in t_diff], [torch.tensor(u) for u in ups])
        ember.autograd.backward([b for _, b in t_diff], [ember.tensor(u) for u in ups])
        for i, (a, b) in enumerate(zip(tt, et)):
            if a.grad is None:
                assert b.grad is None or not np.any(b.grad.numpy()), f"grad {i}: torch has none"
                continue
            assert b.grad is not None, f"grad {i} ({dt.__name__}): ember has none"
            assert_same(a.grad, b.grad, the_tol, check_grad_fn=False,
                        what=f"grad of input {i} ({dt.__name__})")


def check_error(fn, *arrays, match_type=True):
    """fn(lib, *tensors) raises the same exception type and message on torch and ember."""
    tt = [torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    et = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays]
    try:
        fn(torch, *tt)
    except Exception as e:      # noqa: BLE001 - we compare whatever torch raises
        t_exc = e
    else:
        raise AssertionError("torch raised nothing")
    try:
        fn(ember, *et)
    except Exception as e:      # noqa: BLE001
        e_exc = e
    else:
        raise AssertionError(f"ember raised nothing; torch raised {type(t_exc).__name__}: "
                             f"{t_exc}")
    if match_type:
        assert type(e_exc).__name__ == type(t_exc).__name__, \
            f"{type(e_exc).__name__}: {e_exc} != torch {type(t_exc).__name__}: {t_exc}"
    assert str(e_exc) == str(t_exc), f"\nember: {e_exc}\ntorch: {t_exc}"


def gradcheck(fn, shapes, low=-2.0, high=2.0, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Finite differences in float64 against ember's backward (fn(ember, *xs) -> Tensor)."""
    rng = np.random.default_rng(seed)
    arrays = make_inputs(shapes, np.float64, low, high, rng)
    xs = [ember.tensor(a, requires_grad=True) for a in arrays]
    out = fn(ember, *xs)
    up = rng.standard_normal(tuple(out.shape))
    out.backward(ember.tensor(up))
    for i, a in enumerate(arrays):
        num = np.zeros_like(a)
        flat = a.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            fp = (fn(ember, *[ember.tensor(x) for x in arrays]).numpy() * up).sum()
            flat[j] = old - eps
            fm = (fn(ember, *[ember.tensor(x) for x in arrays]).numpy() * up).sum()
            flat[j] = old
            num.reshape(-1)[j] = (fp - fm) / (2 * eps)
        np.testing.assert_allclose(xs[i].grad.numpy(), num, atol=atol, rtol=rtol,
                                   err_msg=f"gradcheck input {i}")


def check_double_backward(fn, shapes, low=-2.0, high=2.0, tol=None, seed=0):
    """d/dx of sum(v * d(fn)/dx) with create_graph=True, compared with torch (float64)."""
    rng = np.random.default_rng(seed)
    arrays = make_inputs(shapes, np.float64, low, high, rng)
    results = []
    for lib in (torch, ember):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *xs)
        up = lib.tensor(np.random.default_rng(seed + 1).standard_normal(tuple(out.shape)))
        gs = lib.autograd.grad(out, xs, up, create_graph=True, allow_unused=True)
        total = None
        for k, g in enumerate(gs):
            if g is None or not g.requires_grad:
                continue
            w = lib.tensor(np.random.default_rng(seed + 2 + k).standard_normal(tuple(g.shape)))
            term = (g * w).sum()
            total = term if total is None else total + term
        if total is None:
            results.append(None)
            continue
        gg = lib.autograd.grad(total, xs, allow_unused=True)
        results.append([None if g is None else g.detach().numpy(force=True) for g in gs] +
                       [None if g is None else g.detach().numpy(force=True) for g in gg])
    t_res, e_res = results
    assert (t_res is None) == (e_res is None)
    if t_res is None:
        return
    for i, (a, b) in enumerate(zip(t_res, e_res)):
        if a is None:
            assert b is None or not np.any(b), f"double backward {i}: torch has none"
            continue
        assert b is not None, f"double backward {i}: ember has none"
        np.testing.assert_allclose(b, a, err_msg=f"double backward {i}",
                                   **(tol or TOL[np.float64]))
