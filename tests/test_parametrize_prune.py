"""nn.utils.parametrize / parametrizations / prune against the installed torch: forward values,
gradients, grad_fn names, state_dict keys, reprs, seeded masks and error texts."""
import copy
import pickle

import numpy as np
import pytest
import torch
import torch.nn.utils.parametrizations   # noqa: F401
import torch.nn.utils.parametrize   # noqa: F401
import torch.nn.utils.prune   # noqa: F401

import ember
from _oracle import check_error


def _np(t):
    return t.detach().numpy()


def _both(fn):
    """fn(lib) on torch and ember, each seeded the same."""
    out = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        out.append(fn(lib))
    return out


def _close(a, b, tol):
    np.testing.assert_allclose(_np(b), _np(a), rtol=tol, atol=tol)


class _Symmetric:
    """Symmetric(lib): X.triu() + X.triu(1).T, right_inverse A.triu() (torch's doc example)."""

    @staticmethod
    def make(lib):
        class Symmetric(lib.nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).T

            def right_inverse(self, A):
                return A.triu()
        return Symmetric()


def _rank_one(lib):
    class RankOne(lib.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :].clone()
    return RankOne()


def _scale(lib, c=2.0):
    class Scale(lib.nn.Module):
        def forward(self, X):
            return X * c

        def right_inverse(self, X):
            return X / c
    return Scale()


def _compare_module(tm, em, x_shape, dtype, tol):
    """Forward through the module, backward a random gradient; compare values, grads, keys."""
    assert type(em).__name__ == type(tm).__name__
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape).astype(dtype)
    ty = tm(torch.tensor(x))
    ey = em(ember.tensor(x))
    _close(ty, ey, tol)
    g = rng.standard_normal(ty.shape).astype(dtype)
    ty.backward(torch.tensor(g))
    ey.backward(ember.tensor(g))
    for (name, tp), (_, ep) in zip(tm.named_parameters(), em.named_parameters()):
        assert (ep.grad is None) == (tp.grad is None), name
        if tp.grad is not None:
            _close(tp.grad, ep.grad, tol)
    for tb, eb in zip(tm.buffers(), em.buffers()):
        _close(tb, eb, tol)


DTYPES = [(np.float32, 1e-4), (np.float64, 1e-10)]


# -- parametrize ------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,tol", DTYPES)
def test_register_parametrization(dtype, tol):
    def make(lib):
        m = lib.nn.Linear(4, 4).to(lib.float32 if dtype == np.float32 else lib.float64)
        lib.nn.utils.parametrize.register_parametrization(m, "weight", _Symmetric.make(lib))
        return m
    tm, em = _both(make)
    assert type(em).__name__ == "ParametrizedLinear"
    assert type(em.weight.grad_fn).__name__ == type(tm.weight.grad_fn).__name__
    assert list(em.state_dict()) == ["bias", "parametrizations.weight.original"]
    _close(tm.weight, em.weight, tol)
    _compare_module(tm, em, (3, 4), dtype, tol)


def test_register_parametrization_chain_and_assign():
    def make(lib):
        m = lib.nn.Linear(3, 3).double()
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", _Symmetric.make(lib))
        P.register_parametrization(m, "weight", _scale(lib, 3.0))
        A = lib.arange(9.0, dtype=lib.float64).reshape(3, 3)
        m.weight = A + A.T
        return m
    tm, em = _both(make)
    _close(tm.weight, em.weight, 1e-12)
    _close(tm.parametrizations.weight.original, em.parametrizations.weight.original, 1e-12)
    _compare_module(tm, em, (2, 3), np.float64, 1e-10)


def test_register_parametrization_keeps_parameter_identity():
    m = ember.nn.Linear(3, 3)
    w = m.weight
    ember.nn.utils.parametrize.register_parametrization(m, "weight", _scale(ember))
    assert m.parametrizations.weight.original is w
    np.testing.assert_allclose(_np(m.weight), _np(w) * 2.0 * 1.0, rtol=1e-6)
    np.testing.assert_allclose(_np(m.parametrizations.weight.original * 2.0), _np(m.weight))


def test_register_parametrization_several_originals():
    def make(lib):
        m = lib.nn.Linear(4, 3).double()
        lib.nn.utils.parametrize.register_parametrization(m, "weight", _rank_one(lib))
        return m
    tm, em = _both(make)
    assert list(em.state_dict()) == ["bias", "parametrizations.weight.original0",
                                     "parametrizations.weight.original1"]
    _compare_module(tm, em, (2, 4), np.float64, 1e-10)


def test_register_parametrization_buffer():
    def make(lib):
        m = lib.nn.BatchNorm1d(3)
        lib.nn.utils.parametrize.register_parametrization(m, "running_var", _scale(lib))
        return m
    tm, em = _both(make)
    assert list(em.state_dict()) == list(tm.state_dict())
    _close(tm.running_var, em.running_var, 1e-6)
    assert [n for n, _ in em.named_buffers()] == [n for n, _ in tm.named_buffers()]


def test_cached():
    calls = []

    class Count(ember.nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2.0

    m = ember.nn.Linear(2, 2)
    P = ember.nn.utils.parametrize
    P.register_parametrization(m, "weight", Count())
    calls.clear()
    with P.cached():
        a = m.weight
        b = m.weight
        assert a is b
    assert len(calls) == 1
    c = m.weight
    assert c is not a
    assert len(calls) == 2


def test_remove_parametrizations():
    def make(lib, leave):
        m = lib.nn.Linear(3, 3).double()
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", _Symmetric.make(lib))
        P.register_parametrization(m, "bias", _scale(lib))
        assert P.is_parametrized(m) and P.is_parametrized(m, "weight")
        assert P.type_before_parametrizations(m) is lib.nn.Linear
        P.remove_parametrizations(m, "weight", leave_parametrized=leave)
        partial = (type(m).__name__, P.is_parametrized(m, "weight"), list(m.state_dict()))
        P.remove_parametrizations(m, "bias")
        return m, partial, type(m).__name__, P.is_parametrized(m)
    for leave in (True, False):
        tr, er = _both(lambda lib: make(lib, leave))
        assert er[1:] == tr[1:]
        assert type(er[0]) is ember.nn.Linear
        _compare_module(tr[0], er[0], (2, 3), np.float64, 1e-10)


def test_remove_parametrizations_several_originals():
    def make(lib):
        m = lib.nn.Linear(4, 3).double()
        P = lib.nn.utils.parametrize
        P.register_parametrization(m, "weight", _rank_one(lib))
        P.remove_parametrizations(m, "weight")
        return m
    tm, em = _both(make)
    _compare_module(tm, em, (2, 4), np.float64, 1e-10)


def test_transfer_parametrizations_and_params():
    def make(lib):
        P = lib.nn.utils.parametrize
        a = lib.nn.Linear(3, 3).double()
        P.register_parametrization(a, "weight", _Symmetric.make(lib))
        b = lib.nn.Linear(3, 3).double()
        P.transfer_parametrizations_and_params(a, b)
        return b, a
    (tb, ta), (eb, ea) = _both(make)
    assert eb.parametrizations.weight.original is ea.parametrizations.weight.original
    _compare_module(tb, eb, (2, 3), np.float64, 1e-10)


def test_parametrized_deepcopy_and_pickle():
    m = ember.nn.Linear(3, 3)
    ember.nn.utils.parametrize.register_parametrization(m, "weight", _scale(ember))
    m2 = copy.deepcopy(m)
    assert type(m2).__name__ == "ParametrizedLinear"
    np.testing.assert_array_equal(_np(m2.weight), _np(m.weight))
    with pytest.raises(RuntimeError, match="Serialization of parametrized modules"):
        pickle.dumps(m)


def test_load_state_dict_parametrized():
    def make(lib):
        src = lib.nn.Linear(3, 2)
        lib.nn.utils.parametrize.register_parametrization(src, "weight", _scale(lib))
        dst = lib.nn.Linear(3, 2)
        lib.nn.utils.parametrize.register_parametrization(dst, "weight", _scale(lib))
        dst.load_state_dict(src.state_dict())
        return dst
    tm, em = _both(make)
    _close(tm.weight, em.weight, 1e-6)


@pytest.mark.parametrize("case", [
    "missing", "shape", "dtype", "shape_second", "remove_missing", "leave_several",
    "not_tensor", "assign_no_inverse"])
def test_register_parametrization_error(case):
    def fn(lib):
        P = lib.nn.utils.parametrize
        m = lib.nn.Linear(3, 2)

        class Flat(lib.nn.Module):
            def forward(self, X):
                return X.flatten()

        class Half(lib.nn.Module):
            def forward(self, X):
                return X.double()

        class Bad(lib.nn.Module):
            def forward(self, X):
                return X

            def right_inverse(self, X):
                return 3

        class NoInv(lib.nn.Module):
            def forward(self, X):
                return X * 2
        if case == "missing":
            P.register_parametrization(m, "foo", Flat())
        elif case == "shape":
            P.register_parametrization(m, "weight", Flat())
        elif case == "dtype":
            P.register_parametrization(m, "weight", Half())
        elif case == "shape_second":
            P.register_parametrization(m, "weight", _scale(lib))
            P.register_parametrization(m, "weight", Flat())
        elif case == "remove_missing":
            P.remove_parametrizations(m, "weight")
        elif case == "leave_several":
            m = lib.nn.Linear(3, 3)
            P.register_parametrization(m, "weight", _rank_one(lib))
            P.remove_parametrizations(m, "weight", leave_parametrized=False)
        elif case == "not_tensor":
            P.register_parametrization(m, "weight", Bad())
        elif case == "assign_no_inverse":
            P.register_parametrization(m, "weight", NoInv())
            m.weight = lib.ones(2, 3)
    check_error(fn)


# -- parametrizations -------------------------------------------------------------------------

@pytest.mark.parametrize("dtype,tol", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_weight_norm(dim, dtype, tol):
    def make(lib):
        m = lib.nn.Linear(4, 3).to(lib.float32 if dtype == np.float32 else lib.float64)
        lib.nn.utils.parametrizations.weight_norm(m, dim=dim)
        return m
    tm, em = _both(make)
    assert type(em.weight.grad_fn).__name__ == type(tm.weight.grad_fn).__name__
    assert list(em.state_dict()) == ["bias", "parametrizations.weight.original0",
                                     "parametrizations.weight.original1"]
    _compare_module(tm, em, (2, 4), dtype, tol)


def test_weight_norm_conv():
    def make(lib):
        m = lib.nn.Conv2d(2, 3, 3).double()
        lib.nn.utils.parametrizations.weight_norm(m)
        return m
    tm, em = _both(make)
    _compare_module(tm, em, (1, 2, 5, 5), np.float64, 1e-10)


def test_weight_norm_loads_old_state_dict():
    def make(lib):
        old = lib.nn.Linear(3, 2)
        sd = {"weight_g": old.weight.norm(dim=1, keepdim=True).detach() * 2.0,
              "weight_v": old.weight.detach(), "bias": old.bias.detach()}
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 2))
        m.load_state_dict(sd)
        return m
    tm, em = _both(make)
    _close(tm.weight, em.weight, 1e-6)


def test_weight_norm_remove():
    def make(lib):
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 2).double())
        with lib.no_grad():
            m.parametrizations.weight.original0.mul_(3.0)
        lib.nn.utils.parametrize.remove_parametrizations(m, "weight")
        return m
    tm, em = _both(make)
    _compare_module(tm, em, (2, 3), np.float64, 1e-10)


@pytest.mark.parametrize("dtype,tol", DTYPES)
@pytest.mark.parametrize("kind", ["linear", "conv", "convT", "bias_1d"])
def test_spectral_norm(kind, dtype, tol):
    def make(lib):
        if kind == "linear":
            m, x = lib.nn.Linear(5, 4), (3, 5)
        elif kind == "conv":
            m, x = lib.nn.Conv2d(2, 3, 2), (1, 2, 4, 4)
        elif kind == "convT":
            m, x = lib.nn.ConvTranspose2d(2, 3, 2), (1, 2, 3, 3)
        else:
            m, x = lib.nn.Linear(5, 4), (3, 5)
        m = m.to(lib.float32 if dtype == np.float32 else lib.float64)
        name = "bias" if kind == "bias_1d" else "weight"
        lib.nn.utils.parametrizations.spectral_norm(m, name, n_power_iterations=2)
        return m, x
    (tm, x), (em, _) = _both(make)
    assert type(em.weight.grad_fn).__name__ == type(tm.weight.grad_fn).__name__
    _compare_module(tm, em, x, dtype, tol)
    # a second training forward runs the power method again; eval mode does not
    _compare_module(tm, em, x, dtype, tol)
    tm.eval()
    em.eval()
    _compare_module(tm, em, x, dtype, tol)


def test_spectral_norm_double_backward():
    def run(lib):
        m = lib.nn.utils.parametrizations.spectral_norm(lib.nn.Linear(3, 3).double())
        m.eval()
        w = m.parametrizations.weight.original
        (g,) = lib.autograd.grad((m.weight ** 2).sum(), w, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), w)
        return gg
    tg, eg = _both(run)
    _close(tg, eg, 1e-9)


@pytest.mark.parametrize("case", ["dim", "iters", "missing"])
def test_spectral_norm_error(case):
    def fn(lib):
        m = lib.nn.Linear(3, 2)
        sn = lib.nn.utils.parametrizations.spectral_norm
        if case == "dim":
            sn(m, dim=2)
        elif case == "iters":
            sn(m, n_power_iterations=0)
        else:
            sn(m, "foo")
    check_error(fn)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-4), (np.float64, 1e-9)])
@pytest.mark.parametrize("omap,shape", [
    (None, (3, 3)), ("cayley", (3, 3)), ("householder", (3, 3)), (None, (4, 3)),
    (None, (2, 4)), ("matrix_exp", (4, 2)), ("cayley", (2, 3))])
def test_orthogonal(omap, shape, dtype, tol):
    def make(lib):
        m = lib.nn.Linear(shape[1], shape[0]).to(lib.float32 if dtype == np.float32
                                                 else lib.float64)
        lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=omap)
        # move the unconstrained tensor away from its start so every map is exercised
        with lib.no_grad():
            orig = m.parametrizations.weight.original
            step = lib.linspace(-0.3, 0.4, orig.numel(), dtype=orig.dtype).reshape(orig.shape)
            # off the diagonal: householder reads the diagonal's signs through .int()
            orig.add_(step * (1 - lib.eye(*orig.shape, dtype=orig.dtype)))
        return m
    tm, em = _both(make)
    assert type(em.weight.grad_fn).__name__ == type(tm.weight.grad_fn).__name__
    w = _np(em.weight).astype(np.float64)
    small = min(shape)
    gram = w.T @ w if shape[0] >= shape[1] else w @ w.T
    np.testing.assert_allclose(gram, np.eye(small), atol=10 * tol)
    _compare_module(tm, em, (2, shape[1]), dtype, tol)


def test_orthogonal_assign():
    def make(lib):
        m = lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3).double())
        A = lib.tensor([[2.0, 1.0, 0.0], [0.5, 3.0, 1.0], [1.0, 0.0, 1.5]], dtype=lib.float64)
        m.weight = A
        return m
    tm, em = _both(make)
    _close(tm.weight, em.weight, 1e-10)
    _close(tm.parametrizations.weight[0].base, em.parametrizations.weight[0].base, 1e-10)


def test_orthogonal_double_backward():
    def run(lib):
        m = lib.nn.utils.parametrizations.orthogonal(lib.nn.Linear(3, 3).double(),
                                                     orthogonal_map="householder")
        w = m.parametrizations.weight.original
        with lib.no_grad():
            w.add_(lib.linspace(-0.3, 0.4, 9, dtype=w.dtype).reshape(3, 3))
        c = lib.linspace(-1.0, 1.0, 9, dtype=w.dtype).reshape(3, 3)
        (g,) = lib.autograd.grad((m.weight * c).sum(), w, create_graph=True)
        (gg,) = lib.autograd.grad((g * c).sum(), w)
        return gg
    tg, eg = _both(run)
    _close(tg, eg, 1e-9)


@pytest.mark.parametrize("omap", ["matrix_exp", "cayley"])
def test_orthogonal_no_trivialization(omap):
    def make(lib):
        m = lib.nn.Linear(3, 3).double()
        lib.nn.utils.parametrizations.orthogonal(m, orthogonal_map=omap, use_trivialization=False)
        return m
    tm, em = _both(make)
    assert not hasattr(em.parametrizations.weight[0], "base")
    _compare_module(tm, em, (2, 3), np.float64, 1e-10)


def test_orthogonal_householder_no_trivialization_not_implemented():
    with pytest.raises(NotImplementedError, match="geqrf"):
        ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(2, 3), use_trivialization=False)


@pytest.mark.parametrize("dim", [0, None])
def test_weight_norm_double_backward(dim):
    def run(lib):
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(3, 4).double(), dim=dim)
        g0, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
        c = lib.linspace(-1.0, 1.0, 12, dtype=lib.float64).reshape(4, 3)
        gs = lib.autograd.grad((m.weight * c).sum(), (g0, v), create_graph=True)
        return lib.autograd.grad(sum((g * g).sum() for g in gs), (g0, v))
    tg, eg = _both(run)
    for a, b in zip(tg, eg):
        _close(a, b, 1e-9)


@pytest.mark.parametrize("case", ["vector", "map", "missing", "shape_assign"])
def test_orthogonal_error(case):
    def fn(lib):
        orth = lib.nn.utils.parametrizations.orthogonal
        if case == "vector":
            m = lib.nn.Linear(3, 2)
            orth(m, "bias")
        elif case == "map":
            orth(lib.nn.Linear(3, 2), orthogonal_map="foo")
        elif case == "missing":
            orth(lib.nn.Linear(3, 2), "foo")
        else:
            m = orth(lib.nn.Linear(3, 2))
            m.weight = lib.ones(3, 3)
    check_error(fn)


# -- prune ------------------------------------------------------------------------------------

def _prune_all(lib):
    P = lib.nn.utils.prune
    m = lib.nn.Linear(5, 4).double()
    P.random_unstructured(m, "weight", 0.3)
    P.l1_unstructured(m, "weight", amount=3)
    P.random_structured(m, "weight", 0.25, dim=0)
    P.ln_structured(m, "weight", 1, 2, dim=1)
    P.l1_unstructured(m, "bias", 0.5)
    return m


def test_prune_methods_seeded():
    tm, em = _both(_prune_all)
    assert list(em.state_dict()) == ["weight_orig", "bias_orig", "weight_mask", "bias_mask"]
    assert list(em.state_dict()) == list(tm.state_dict())
    np.testing.assert_array_equal(_np(em.weight_mask), _np(tm.weight_mask))
    np.testing.assert_array_equal(_np(em.bias_mask), _np(tm.bias_mask))
    assert type(em.weight.grad_fn).__name__ == type(tm.weight.grad_fn).__name__
    th = [type(h).__name__ for h in tm._forward_pre_hooks.values()]
    assert [type(h).__name__ for h in em._forward_pre_hooks.values()] == th
    assert [type(h).__name__ for h in em._forward_pre_hooks[next(iter(em._forward_pre_hooks))]] \
        == [type(h).__name__ for h in tm._forward_pre_hooks[next(iter(tm._forward_pre_hooks))]]
    _compare_module(tm, em, (3, 5), np.float64, 1e-10)
    assert ember.nn.utils.prune.is_pruned(em)


@pytest.mark.parametrize("amount", [0, 2, 0.5, 1.0])
def test_prune_unstructured(amount):
    def make(lib):
        m = lib.nn.Conv2d(2, 3, 2)
        lib.nn.utils.prune.random_unstructured(m, "weight", amount)
        lib.nn.utils.prune.l1_unstructured(m, "bias", amount if amount != 2 else 1)
        return m
    tm, em = _both(make)
    np.testing.assert_array_equal(_np(em.weight_mask), _np(tm.weight_mask))
    np.testing.assert_array_equal(_np(em.bias_mask), _np(tm.bias_mask))
    _compare_module(tm, em, (1, 2, 3, 3), np.float32, 1e-5)


@pytest.mark.parametrize("n,dim", [(1, 0), (2, 1), (float("inf"), -1), (2, 3)])
def test_prune_structured(n, dim):
    def make(lib):
        m = lib.nn.Conv2d(3, 4, 2).double()
        P = lib.nn.utils.prune
        P.ln_structured(m, "weight", 0.5, n, dim)
        P.random_structured(m, "weight", 1, dim=dim)
        return m
    tm, em = _both(make)
    np.testing.assert_array_equal(_np(em.weight_mask), _np(tm.weight_mask))
    _compare_module(tm, em, (1, 3, 3, 3), np.float64, 1e-10)


def test_prune_importance_scores():
    def make(lib):
        m = lib.nn.Linear(4, 3)
        P = lib.nn.utils.prune
        scores = lib.arange(12.0).reshape(3, 4).flip(1)
        P.l1_unstructured(m, "weight", 5, importance_scores=scores)
        return m
    tm, em = _both(make)
    np.testing.assert_array_equal(_np(em.weight_mask), _np(tm.weight_mask))


def test_prune_remove_and_custom_mask():
    def make(lib):
        P = lib.nn.utils.prune
        m = _prune_all(lib)
        P.remove(m, "weight")
        mid = (list(m.state_dict()), P.is_pruned(m))
        P.custom_from_mask(m, "weight", lib.tensor([[1.0, 0, 1, 1, 0]] * 4))
        P.identity(m, "weight")
        P.remove(m, "bias")
        return m, mid, [n for n, _ in m.named_parameters()]
    (tm, tmid, tnames), (em, emid, enames) = _both(make)
    assert emid == tmid and enames == tnames
    np.testing.assert_array_equal(_np(em.weight_mask), _np(tm.weight_mask))
    _compare_module(tm, em, (3, 5), np.float64, 1e-10)


def test_prune_global_unstructured():
    def make(lib):
        P = lib.nn.utils.prune
        a = lib.nn.Linear(3, 2)
        b = lib.nn.Linear(2, 4)
        P.random_unstructured(b, "bias", 1)
        P.global_unstructured([(a, "weight"), (b, "weight"), (b, "bias")],
                              pruning_method=P.L1Unstructured, amount=5)
        P.global_unstructured([(a, "weight"), (b, "weight")],
                              pruning_method=P.RandomUnstructured, amount=0.25)
        return a, b
    (ta, tb), (ea, eb) = _both(make)
    for t, e in ((ta, ea), (tb, eb)):
        for name in ("weight_mask",):
            np.testing.assert_array_equal(_np(getattr(e, name)), _np(getattr(t, name)))
    np.testing.assert_array_equal(_np(eb.bias_mask), _np(tb.bias_mask))


def test_prune_method_prune_and_container():
    def run(lib):
        P = lib.nn.utils.prune
        t = lib.tensor([[0.5, -2.0, 1.0], [3.0, -0.1, 0.7]])
        a = P.L1Unstructured(amount=2).prune(t)
        b = P.LnStructured(amount=1, n=2, dim=0).prune(t)
        c = P.CustomFromMask(lib.tensor([[1.0, 0, 1], [0, 1, 1]])).prune(t)
        return a, b, c
    for x, y in zip(*_both(run)):
        np.testing.assert_array_equal(_np(y), _np(x))


@pytest.mark.parametrize("case", [
    "amount_type", "amount_float", "amount_neg", "amount_big", "structured_1d", "dim",
    "remove_unpruned", "global_type", "scores_dict"])
def test_prune_error(case):
    def fn(lib):
        P = lib.nn.utils.prune
        m = lib.nn.Linear(3, 2)
        if case == "amount_type":
            P.l1_unstructured(m, "weight", "a")
        elif case == "amount_float":
            P.l1_unstructured(m, "weight", 1.5)
        elif case == "amount_neg":
            P.random_unstructured(m, "weight", -1)
        elif case == "amount_big":
            P.l1_unstructured(m, "weight", 7)
        elif case == "structured_1d":
            P.ln_structured(m, "bias", 1, 2, 0)
        elif case == "dim":
            P.random_structured(m, "weight", 1, 2)
        elif case == "remove_unpruned":
            P.remove(m, "weight")
        elif case == "global_type":
            P.global_unstructured(3, P.L1Unstructured, amount=1)
        else:
            P.global_unstructured([(m, "weight")], P.L1Unstructured, importance_scores=[1],
                                  amount=1)
    check_error(fn)


def test_prune_error_global_structured():
    m = ember.nn.Linear(3, 2)
    P = ember.nn.utils.prune
    with pytest.raises(TypeError) as e:
        P.global_unstructured([(m, "weight")], P.RandomStructured, amount=1)
    # torch's text names the class, whose module path differs
    assert str(e.value) == ('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. '
                            "Found method <class 'ember.nn.utils.prune.RandomStructured'> of "
                            "type structured")


def test_prune_amount_big_restores_parameter():
    def make(lib):
        m = lib.nn.Linear(3, 2)
        with pytest.raises(ValueError):
            lib.nn.utils.prune.l1_unstructured(m, "weight", 7)
        return list(m.state_dict()), lib.nn.utils.prune.is_pruned(m)
    tr, er = _both(make)
    assert er == tr
    assert not er[1]
