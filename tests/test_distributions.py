"""torch.distributions: values, gradients, samples (same seed), reprs and errors vs torch."""
import numpy as np
import pytest
import torch

import ember
from _oracle import TOL, assert_same, check_double_backward, check_error, check_op

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _validation_on():
    """Argument validation on in both libraries: importing torch._dynamo (torch.compile, in
    another test file of the same worker) turns torch's default off for the process."""
    saved = torch.distributions.Distribution._validate_args
    torch.distributions.Distribution.set_default_validate_args(True)
    ember.distributions.Distribution.set_default_validate_args(True)
    yield
    torch.distributions.Distribution.set_default_validate_args(saved)


F32 = np.float32
F64 = np.float64


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def same_both(fn, dtype=F32, seed=0, tol=None):
    """fn(lib) after lib.manual_seed(seed) on both libraries; every output compared."""
    outs = []
    for lib in (torch, ember):
        lib.manual_seed(seed)
        outs.append(_flat(fn(lib)))
    t_out, e_out = outs
    assert len(t_out) == len(e_out)
    for i, (a, b) in enumerate(zip(t_out, e_out)):
        if isinstance(a, torch.Tensor):
            assert_same(a, b, tol or TOL[dtype], check_grad_fn=False, what=f"output {i}")
        else:
            assert str(a) == str(b), f"output {i}: {b} != torch {a}"


def _pos(lib, x):
    return x.exp() + 0.1


def _value(shape, low=-1.5, high=1.5):
    arr = np.random.default_rng(7).uniform(low, high, size=shape)
    return arr


def normal(lib, loc, scale):
    return lib.distributions.Normal(loc, _pos(lib, scale))


def laplace(lib, loc, scale):
    return lib.distributions.Laplace(loc, _pos(lib, scale))


def exponential(lib, rate):
    return lib.distributions.Exponential(_pos(lib, rate))


def uniform(lib, low, width):
    return lib.distributions.Uniform(low - 3.0, low + _pos(lib, width) + 3.0)


def bern_probs(lib, p):
    return lib.distributions.Bernoulli(probs=p.sigmoid())


def bern_logits(lib, lg):
    return lib.distributions.Bernoulli(logits=lg)


def cat_probs(lib, p):
    return lib.distributions.Categorical(probs=p.exp())


def cat_logits(lib, lg):
    return lib.distributions.Categorical(logits=lg)


def onehot(lib, lg):
    return lib.distributions.OneHotCategorical(logits=lg)


def mvn_tril(lib, loc, a):
    n = a.shape[-1]
    tril = a.tril(-1) + lib.diag_embed(_pos(lib, a.diagonal(dim1=-2, dim2=-1)))
    assert n == loc.shape[-1]
    return lib.distributions.MultivariateNormal(loc, scale_tril=tril)


def mvn_cov(lib, loc, a):
    cov = a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype)
    return lib.distributions.MultivariateNormal(loc, covariance_matrix=cov)


def mvn_prec(lib, loc, a):
    prec = a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype)
    return lib.distributions.MultivariateNormal(loc, precision_matrix=prec)


def indep_normal(lib, loc, scale):
    return lib.distributions.Independent(normal(lib, loc, scale), 1)


CONT = [  # continuous families: ctor, param shapes, value shape
    ("normal", normal, [(3,), (2, 3)], (2, 3)),
    ("normal0d", normal, [(), ()], ()),
    ("laplace", laplace, [(2, 3), (3,)], (2, 3)),
    ("exponential", exponential, [(4,)], (4,)),
    ("uniform", uniform, [(3,), (3,)], (3,)),
    ("mvn_tril", mvn_tril, [(2, 3), (3, 3)], (2, 3)),
    ("mvn_cov", mvn_cov, [(3,), (2, 3, 3)], (2, 3)),
    ("mvn_prec", mvn_prec, [(3,), (3, 3)], (3,)),
    ("independent", indep_normal, [(2, 3), (2, 3)], (2, 3)),
]
CONT_IDS = [c[0] for c in CONT]


def _cont_value(name, shape):
    if name == "exponential":
        return _value(shape, 0.1, 3.0)
    return _value(shape)


@pytest.mark.parametrize("name,ctor,shapes,vshape", CONT, ids=CONT_IDS)
def test_log_prob_continuous(name, ctor, shapes, vshape):
    v = _cont_value(name, vshape)
    check_op(lambda lib, *ps: ctor(lib, *ps).log_prob(lib.tensor(v, dtype=ps[0].dtype)),
             shapes)


@pytest.mark.parametrize("name,ctor,shapes,vshape", CONT, ids=CONT_IDS)
def test_rsample(name, ctor, shapes, vshape):
    def fn(lib, *ps):
        d = ctor(lib, *ps)
        lib.manual_seed(3)
        return d.rsample((2,))
    check_op(fn, shapes)


@pytest.mark.parametrize("name,ctor,shapes,vshape", CONT, ids=CONT_IDS)
@pytest.mark.parametrize("prop", ["mean", "mode", "variance", "stddev", "entropy"])
def test_moments_continuous(name, ctor, shapes, vshape, prop):
    def fn(lib, *ps):
        d = ctor(lib, *ps)
        return d.entropy() if prop == "entropy" else getattr(d, prop)
    if prop == "mode" and name in ("uniform",):
        check_op(fn, shapes, check_grad_fn=False, grad=False)   # NaN everywhere in torch
        return
    check_op(fn, shapes)


@pytest.mark.parametrize("name,ctor,shapes,vshape", CONT, ids=CONT_IDS)
def test_sample_same_seed(name, ctor, shapes, vshape):
    for dt in (F32, F64):
        arrays = [np.random.default_rng(0).uniform(-2, 2, size=s).astype(dt) for s in shapes]

        def fn(lib):
            d = ctor(lib, *[lib.tensor(a) for a in arrays])
            s = d.sample((4, 2))
            return [s, d.sample(), lib.Size(d.batch_shape), lib.Size(d.event_shape)]
        same_both(fn, dt)


@pytest.mark.parametrize("which", ["normal", "laplace", "exponential", "uniform"])
def test_cdf_icdf(which):
    ctor = {"normal": normal, "laplace": laplace, "exponential": exponential,
            "uniform": uniform}[which]
    shapes = [(3,)] if which == "exponential" else [(3,), (3,)]
    v = _value((2, 3), 0.2, 1.5)
    q = np.random.default_rng(3).uniform(0.05, 0.95, size=(2, 3))

    def fn(lib, *ps):
        d = ctor(lib, *ps)
        dt = ps[0].dtype
        return d.cdf(lib.tensor(v, dtype=dt)), d.icdf(lib.tensor(q, dtype=dt))
    check_op(fn, shapes)


DISC = [
    ("bern_probs", bern_probs, [(2, 3)], lambda s: (np.random.default_rng(2).uniform(size=s) > .5)
     * 1.0, (2, 3)),
    ("bern_logits", bern_logits, [(3,)], lambda s: (np.random.default_rng(2).uniform(size=s)
                                                    > .5) * 1.0, (2, 3)),
    ("bern0d", bern_logits, [()], lambda s: np.array(1.0), ()),
    ("cat_probs", cat_probs, [(2, 4)], lambda s: np.random.default_rng(2).integers(0, 4, s),
     (2,)),
    ("cat_logits", cat_logits, [(4,)], lambda s: np.random.default_rng(2).integers(0, 4, s),
     (3, 1)),
    ("onehot", onehot, [(2, 4)], lambda s: np.eye(4)[np.random.default_rng(2).integers(0, 4, s)],
     (2,)),
]
DISC_IDS = [d[0] for d in DISC]


@pytest.mark.parametrize("name,ctor,shapes,mkval,vshape", DISC, ids=DISC_IDS)
def test_log_prob_discrete(name, ctor, shapes, mkval, vshape):
    v = mkval(vshape)

    def fn(lib, *ps):
        val = lib.tensor(v) if v.dtype.kind == "i" else lib.tensor(v, dtype=ps[0].dtype)
        return ctor(lib, *ps).log_prob(val)
    check_op(fn, shapes)


@pytest.mark.parametrize("name,ctor,shapes,mkval,vshape", DISC, ids=DISC_IDS)
@pytest.mark.parametrize("prop", ["mean", "mode", "variance", "stddev", "entropy", "probs",
                                  "logits"])
def test_moments_discrete(name, ctor, shapes, mkval, vshape, prop):
    def fn(lib, *ps):
        d = ctor(lib, *ps)
        return d.entropy() if prop == "entropy" else getattr(d, prop)
    grad = prop != "mode"
    if name.startswith("cat") and prop in ("mean", "variance", "stddev"):
        check_op(fn, shapes, check_grad_fn=False, grad=False)   # NaN-filled in torch
        return
    check_op(fn, shapes, grad=grad)


@pytest.mark.parametrize("name,ctor,shapes,mkval,vshape", DISC, ids=DISC_IDS)
def test_sample_discrete_same_seed(name, ctor, shapes, mkval, vshape):
    arrays = [np.random.default_rng(0).uniform(-2, 2, size=s).astype(F32) for s in shapes]

    def fn(lib):
        d = ctor(lib, *[lib.tensor(a) for a in arrays])
        out = [d.sample((5,)), d.sample(), lib.Size(d.batch_shape), lib.Size(d.event_shape)]
        if name != "bern0d":
            out.append(d.enumerate_support())
            out.append(d.enumerate_support(expand=False))
        return out
    same_both(fn)


def test_categorical_straight_through():
    def fn(lib, lg):
        d = lib.distributions.OneHotCategoricalStraightThrough(logits=lg)
        lib.manual_seed(4)
        return d.rsample((3,))
    check_op(fn, [(2, 4)])


def test_expand():
    def fn(lib):
        loc, scale = lib.tensor([0.5, -1.0]), lib.tensor([1.0, 2.0])
        out = []
        for d in (lib.distributions.Normal(loc, scale), lib.distributions.Laplace(loc, scale),
                  lib.distributions.Uniform(loc, loc + scale),
                  lib.distributions.Exponential(scale),
                  lib.distributions.Bernoulli(logits=loc),
                  lib.distributions.Categorical(logits=lib.stack([loc, scale], -1)),
                  lib.distributions.OneHotCategorical(logits=lib.stack([loc, scale], -1)),
                  lib.distributions.MultivariateNormal(lib.stack([loc, scale]), lib.eye(2)),
                  lib.distributions.Independent(lib.distributions.Normal(loc, scale), 1)):
            e = d.expand((3,) if isinstance(d, lib.distributions.Independent) else (3, 2))
            out += [repr(e), e.sample(), lib.Size(e.batch_shape), lib.Size(e.event_shape)]
        return out
    same_both(fn)


def test_repr_and_constraints():
    def fn(lib):
        D = lib.distributions
        loc = lib.tensor([0.5, -1.0])
        ds = [D.Normal(0.0, 1.0), D.Normal(loc, 1.0), D.Uniform(0.0, 2.0), D.Bernoulli(0.3),
              D.Bernoulli(logits=loc), D.Categorical(probs=lib.tensor([0.2, 0.8])),
              D.OneHotCategorical(logits=lib.zeros(3)), D.Exponential(2.0), D.Laplace(0.0, 1.0),
              D.MultivariateNormal(lib.zeros(2), scale_tril=lib.eye(2)),
              D.MultivariateNormal(lib.zeros(2), precision_matrix=lib.eye(2)),
              D.Independent(D.Normal(loc, 1.0), 1)]
        out = []
        for d in ds:
            out += [repr(d), str(d.support), str(d.arg_constraints), d.has_rsample,
                    d.has_enumerate_support]
        out += [str(D.constraints.real), str(D.constraints.positive),
                str(D.constraints.interval(0.0, 1.0)), str(D.constraints.simplex),
                str(D.constraints.integer_interval(0, 3)),
                D.constraints.positive.check(lib.tensor([1.0, -1.0, 0.0])),
                D.constraints.unit_interval.check(lib.tensor([0.0, 1.0, 1.5])),
                D.constraints.simplex.check(lib.tensor([[0.5, 0.5], [0.2, 0.9]])),
                D.constraints.lower_cholesky.check(lib.eye(2)),
                D.constraints.positive_definite.check(lib.tensor([[1.0, 2.0], [2.0, 1.0]])),
                D.constraints.boolean.check(lib.tensor([0.0, 1.0, 0.5]))]
        return out
    same_both(fn)


@pytest.mark.parametrize("pair", ["normal", "laplace", "exponential", "uniform", "bernoulli",
                                  "categorical", "onehot", "mvn", "independent",
                                  "normal_laplace", "exp_normal", "uniform_normal"])
def test_kl_divergence(pair):
    D = "distributions"

    def fn(lib, a, b, c, d):
        dist = getattr(lib, D)
        ctors = {
            "normal": lambda: (normal(lib, a, b), normal(lib, c, d)),
            "laplace": lambda: (laplace(lib, a, b), laplace(lib, c, d)),
            "exponential": lambda: (exponential(lib, a), exponential(lib, c)),
            "uniform": lambda: (dist.Uniform(a - 1.0, a + _pos(lib, b)),
                                dist.Uniform(a - 2.0, a + _pos(lib, b) + _pos(lib, d))),
            "bernoulli": lambda: (bern_logits(lib, a), bern_probs(lib, c)),
            "categorical": lambda: (cat_logits(lib, a), cat_probs(lib, c)),
            "onehot": lambda: (onehot(lib, a), onehot(lib, c)),
            "mvn": lambda: (mvn_tril(lib, a[..., :3], b.reshape(2, 3, 3)[0]),
                            mvn_cov(lib, c[..., :3], d.reshape(2, 3, 3))),
            "independent": lambda: (indep_normal(lib, a, b), indep_normal(lib, c, d)),
            "normal_laplace": lambda: (normal(lib, a, b), laplace(lib, c, d)),
            "exp_normal": lambda: (exponential(lib, a), normal(lib, c, d)),
            "uniform_normal": lambda: (dist.Uniform(a - 1.0, a + _pos(lib, b)),
                                       normal(lib, c, d)),
        }
        p, q = ctors[pair]()
        return dist.kl_divergence(p, q)
    shapes = [(2, 9), (2, 9), (2, 9), (2, 9)] if pair == "mvn" else [(2, 3)] * 4
    check_op(fn, shapes)


def test_kl_infinite_and_missing():
    def fn(lib):
        D = lib.distributions
        return [D.kl_divergence(D.Normal(0.0, 1.0), D.Uniform(0.0, 1.0)),
                D.kl_divergence(D.Uniform(lib.tensor([0.0, -1.0]), 1.0),
                                D.Uniform(lib.tensor([0.5, -2.0]), 2.0)),
                D.kl_divergence(D.Categorical(lib.tensor([0.5, 0.5])),
                                D.Categorical(lib.tensor([1.0, 0.0])))]
    same_both(fn)
    check_error(lambda lib: lib.distributions.kl_divergence(
        lib.distributions.Normal(0.0, 1.0), lib.distributions.Categorical(lib.ones(2))))


def test_register_kl():
    class MyNormal(ember.distributions.Normal):
        pass

    @ember.distributions.register_kl(MyNormal, MyNormal)
    def _kl(p, q):
        return ember.zeros(())

    p = MyNormal(0.0, 1.0)
    assert ember.distributions.kl_divergence(p, p).item() == 0.0
    # the parent's rule still applies to a subclass against its parent
    assert ember.distributions.kl_divergence(p, ember.distributions.Normal(1.0, 1.0)).item() \
        == pytest.approx(0.5)


@pytest.mark.parametrize("name,ctor,shapes", [
    ("normal", lambda lib, a, b: normal(lib, a, b).log_prob(a * 0.5), [(3,), (3,)]),
    ("laplace", lambda lib, a, b: laplace(lib, a, b).log_prob(a * 0.5 + 0.3), [(3,), (3,)]),
    ("mvn", lambda lib, a, b: mvn_tril(lib, a, b).log_prob(a * 0.5), [(3,), (3, 3)]),
    ("mvn_cov", lambda lib, a, b: mvn_cov(lib, a, b).entropy(), [(3,), (3, 3)]),
    ("categorical", lambda lib, a: cat_logits(lib, a).entropy(), [(2, 4)]),
    ("bernoulli", lambda lib, a: bern_logits(lib, a).log_prob(lib.ones_like(a)), [(3,)]),
    ("kl_normal", lambda lib, a, b: lib.distributions.kl_divergence(
        normal(lib, a, b), normal(lib, b, a)), [(3,), (3,)]),
])
def test_double_backward(name, ctor, shapes):
    check_double_backward(ctor, shapes)


def _err_normal(lib):
    return lib.distributions.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, -1.0]))


@pytest.mark.parametrize("fn", [
    _err_normal,
    lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob(lib.tensor([0.0, float("nan")])),
    lambda lib: lib.distributions.Normal(0.0, 1.0).log_prob([0.0]),
    lambda lib: lib.distributions.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2)),
    lambda lib: lib.distributions.Uniform(1.0, 0.0),
    lambda lib: lib.distributions.Uniform(0.0, 1.0).log_prob(lib.tensor(2.0)),
    lambda lib: lib.distributions.Bernoulli(probs=1.5),
    lambda lib: lib.distributions.Bernoulli(),
    lambda lib: lib.distributions.Bernoulli(0.3, 0.1),
    lambda lib: lib.distributions.Bernoulli(0.3).log_prob(lib.tensor(0.5)),
    lambda lib: lib.distributions.Categorical(lib.tensor([0.5, -0.5])),
    lambda lib: lib.distributions.Categorical(lib.tensor(0.5)),
    lambda lib: lib.distributions.Categorical(lib.ones(3)).log_prob(lib.tensor(3)),
    lambda lib: lib.distributions.OneHotCategorical(lib.ones(3)).log_prob(lib.tensor([1.0, 1, 0])),
    lambda lib: lib.distributions.Exponential(-1.0),
    lambda lib: lib.distributions.Exponential(1.0).log_prob(lib.tensor(-1.0)),
    lambda lib: lib.distributions.Laplace(0.0, 0.0),
    lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)),
    lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), lib.eye(2), lib.eye(2)),
    lambda lib: lib.distributions.MultivariateNormal(lib.tensor(0.0), lib.eye(2)),
    lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), lib.zeros(2)),
    lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), lib.tensor([[1.0, 2.0],
                                                                                [2.0, 1.0]])),
    lambda lib: lib.distributions.Independent(lib.distributions.Normal(0.0, 1.0), 1),
    lambda lib: lib.distributions.Normal(lib.zeros(2), 1.0).expand((3,)),
    lambda lib: lib.distributions.Normal(0.0, 1.0).cdf(lib.tensor(float("nan"))),
    lambda lib: lib.distributions.Bernoulli(0.3).rsample(),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf inside torch's simplex check
def test_errors(fn):
    check_error(fn)


def test_validate_args_off():
    def fn(lib):
        d = lib.distributions.Normal(0.0, -1.0, validate_args=False)
        lib.distributions.Distribution.set_default_validate_args(False)
        try:
            e = lib.distributions.Uniform(1.0, 0.0)
        finally:
            lib.distributions.Distribution.set_default_validate_args(True)
        return [d.log_prob(lib.tensor(0.5)), e.low, repr(d)]
    same_both(fn)


def test_sample_n_and_grad_free_sample():
    def fn(lib):
        loc = lib.tensor([0.5, -1.0], requires_grad=True)
        d = lib.distributions.Normal(loc, 1.0)
        s = d.sample((2,))
        return [s, s.requires_grad, d.rsample().requires_grad]
    same_both(fn)


def test_hand_computed_values():
    import math
    D = ember.distributions
    assert D.Normal(0.0, 1.0).log_prob(ember.tensor(0.0)).item() == pytest.approx(
        -0.5 * math.log(2 * math.pi))
    assert D.Exponential(2.0).log_prob(ember.tensor(1.0)).item() == pytest.approx(
        math.log(2.0) - 2.0)
    assert D.Categorical(ember.tensor([0.25, 0.75])).log_prob(ember.tensor(1)).item() == \
        pytest.approx(math.log(0.75))
    assert D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0)).item() == pytest.approx(0.5)
    assert isinstance(D.Normal(0.0, 1.0).sample(), ember.Tensor)
