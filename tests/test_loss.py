"""ember.nn losses against torch: functional and module forms, every reduction and option,
gradients of inputs and targets, double backward, legacy arguments, reprs and errors."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

REDUCTIONS = ["mean", "sum", "none"]


def both(fn):
    return fn(torch), fn(ember)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def same_error(fn):
    t, e = both(lambda lib: raised(lambda: fn(lib)))
    assert e == t, f"\nember: {e}\ntorch: {t}"


def F(lib):
    return lib.nn.functional


def rand(shape, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(np.float64)


def classes(shape, c, seed=1, ignore=None):
    t = np.random.default_rng(seed).integers(0, c, size=shape).astype(np.int64)
    if ignore is not None and t.size:
        t.reshape(-1)[::3] = ignore
    return t


def const(lib, a, like):
    """A constant tensor (no grad) of like's dtype."""
    return lib.tensor(a, dtype=like.dtype)


def warnings_of(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [(c.category.__name__, str(c.message)) for c in w]


# -- mse, l1, smooth_l1, huber -------------------------------------------------------------------

POINTWISE = {
    "mse_loss": lambda lib, x, y, r: F(lib).mse_loss(x, y, reduction=r),
    "l1_loss": lambda lib, x, y, r: F(lib).l1_loss(x, y, reduction=r),
    "smooth_l1_loss": lambda lib, x, y, r: F(lib).smooth_l1_loss(x, y, reduction=r),
    "smooth_l1_beta": lambda lib, x, y, r: F(lib).smooth_l1_loss(x, y, reduction=r, beta=0.5),
    "smooth_l1_beta0": lambda lib, x, y, r: F(lib).smooth_l1_loss(x, y, reduction=r, beta=0.0),
    "huber_loss": lambda lib, x, y, r: F(lib).huber_loss(x, y, reduction=r),
    "huber_delta": lambda lib, x, y, r: F(lib).huber_loss(x, y, reduction=r, delta=0.4),
    "MSELoss": lambda lib, x, y, r: lib.nn.MSELoss(reduction=r)(x, y),
    "L1Loss": lambda lib, x, y, r: lib.nn.L1Loss(reduction=r)(x, y),
    "SmoothL1Loss": lambda lib, x, y, r: lib.nn.SmoothL1Loss(reduction=r, beta=0.7)(x, y),
    "HuberLoss": lambda lib, x, y, r: lib.nn.HuberLoss(reduction=r, delta=1.5)(x, y),
}


@pytest.mark.parametrize("name", list(POINTWISE))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (), (2, 3, 4)])
def test_pointwise_loss(name, reduction, shape):
    check_op(lambda lib, x, y: POINTWISE[name](lib, x, y, reduction), [shape, shape])


@pytest.mark.parametrize("name", list(POINTWISE))
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pointwise_loss_double_backward(name, reduction):
    check_double_backward(lambda lib, x, y: POINTWISE[name](lib, x, y, reduction),
                          [(3, 4), (3, 4)])


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_delta"])
def test_pointwise_loss_gradcheck(name):
    gradcheck(lambda lib, x, y: POINTWISE[name](lib, x, y, "mean"), [(2, 3), (2, 3)])


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pointwise_loss_broadcast_warns(name, reduction):
    def run(lib, x, y):
        out, w = warnings_of(lambda: POINTWISE[name](lib, x, y, reduction))
        run.messages.append(w)
        return out
    run.messages = []
    check_op(run, [(3, 1), (3,)])
    assert run.messages[0] == run.messages[1] and len(run.messages[0]) == 1


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_pointwise_loss_weight(name, reduction):
    w = rand((3, 4), 0.1, 2.0, seed=5)
    check_op(lambda lib, x, y: getattr(F(lib), name)(x, y, reduction=reduction,
                                                      weight=const(lib, w, x)),
             [(3, 4), (3, 4)])


def test_pointwise_loss_mixed_dtypes():
    def run(lib):
        x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y = lib.tensor([0.0, 1.0, 0.25], dtype=lib.float64, requires_grad=True)
        out = []
        for name in ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"]:
            for r in REDUCTIONS:
                for a, b in ((x, y), (y, x)):
                    loss = getattr(lib.nn.functional, name)(a, b, reduction=r)
                    out.append((name, r, str(loss.dtype), type(loss.grad_fn).__name__,
                                np.round(loss.detach().numpy(), 6).tolist()))
                    try:    # torch's huber_loss refuses mixed dtypes in its backward
                        g = lib.autograd.grad(loss.sum(), (a, b))
                        out.append([str(t.dtype) for t in g])
                    except RuntimeError as e:
                        out.append(str(e))
        return out
    t, e = both(run)
    assert e == t


@pytest.mark.filterwarnings("ignore:size_average and reduce args")
@pytest.mark.parametrize("size_average, reduce", [(None, False), (False, None), (True, True),
                                                  (False, True), (True, False)])
def test_pointwise_loss_legacy_args(size_average, reduce):
    def run(lib):
        x = lib.tensor([[0.5, -1.0], [2.0, 0.0]])
        y = lib.tensor([[0.0, 1.0], [0.25, 3.0]])
        res = []
        for name in ["mse_loss", "l1_loss", "smooth_l1_loss"]:
            out, w = warnings_of(lambda: getattr(lib.nn.functional, name)(
                x, y, size_average=size_average, reduce=reduce))
            res.append((np.round(out.numpy(), 6).tolist(), w))
        for cls in ["MSELoss", "L1Loss", "SmoothL1Loss", "NLLLoss", "BCELoss", "KLDivLoss",
                    "CrossEntropyLoss", "BCEWithLogitsLoss", "MarginRankingLoss"]:
            m, w = warnings_of(lambda: getattr(lib.nn, cls)(size_average=size_average,
                                                             reduce=reduce))
            res.append((m.reduction, w))
        return res
    t, e = both(run)
    assert e == t


def test_pointwise_loss_values_by_hand():
    x = ember.tensor([0.0, 0.5, 3.0], requires_grad=True)
    y = ember.zeros(3)
    loss = ember.nn.functional.smooth_l1_loss(x, y, reduction="sum")
    assert loss.item() == pytest.approx(0.125 + 2.5)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.5, 1.0])
    h = ember.nn.functional.huber_loss(ember.tensor([3.0]), ember.zeros(1), delta=2.0)
    assert h.item() == pytest.approx(2.0 * (3.0 - 1.0))
    assert ember.nn.functional.l1_loss(ember.tensor([1.0, -3.0]), ember.zeros(2)).item() == 2.0


@pytest.mark.parametrize("case", range(9))
def test_pointwise_loss_errors(case):
    f32 = np.ones((3,), np.float32)
    i64 = np.ones((3,), np.int64)
    cases = [
        (lambda lib, x, y: F(lib).l1_loss(x, y, reduction="bad"), f32, f32),
        (lambda lib, x, y: F(lib).smooth_l1_loss(x, y, beta=-1.0), f32, f32),
        (lambda lib, x, y: F(lib).huber_loss(x, y, delta=0.0), f32, f32),
        (lambda lib, x, y: F(lib).l1_loss(x, y), i64, i64),
        (lambda lib, x, y: F(lib).smooth_l1_loss(x, y), i64, i64),
        (lambda lib, x, y: F(lib).huber_loss(x, y), i64, i64),
        (lambda lib, x, y: F(lib).l1_loss(x, y, weight=lib.ones(2)), f32, f32),
        (lambda lib, x, y: F(lib).mse_loss(x, y, weight=lib.ones(3), reduction="avg"), f32,
         f32),
        (lambda lib, x, y: lib.nn.HuberLoss(delta="1")(x, y), f32, f32),
    ]
    fn, *arrays = cases[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(fn, *arrays)


def test_pointwise_loss_shape_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(lambda lib, x, y: F(lib).l1_loss(x, y), np.ones(3, np.float32),
                    np.ones(2, np.float32))
        check_error(lambda lib, x, y: F(lib).smooth_l1_loss(x, y), np.ones(3, np.float32),
                    np.ones(2, np.float32))


# -- nll_loss --------------------------------------------------------------------------------------

NLL_SHAPES = [((4, 5), (4,)), ((5,), ()), ((2, 3, 4), (2, 4)), ((2, 3, 2, 2), (2, 2, 2)),
              ((2, 3, 2, 1, 2), (2, 2, 1, 2)), ((0, 3), (0,))]


@pytest.mark.parametrize("xshape, tshape", NLL_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["plain", "weight", "ignore", "weight_ignore"])
def test_nll_loss(xshape, tshape, reduction, opts):
    c = xshape[0] if len(xshape) == 1 else xshape[1]
    ignore = 1 if "ignore" in opts else -100
    t = classes(tshape, c, ignore=ignore if opts != "plain" else None)
    w = rand((c,), 0.2, 2.0, seed=3)

    def fn(lib, x, t):
        weight = const(lib, w, x) if "weight" in opts else None
        return F(lib).nll_loss(x, t, weight=weight, ignore_index=ignore, reduction=reduction)
    check_op(fn, [], inputs=[rand(xshape), t])


def test_nll_loss_module_and_uint8_target():
    t = np.array([0, 2, 1], np.uint8)
    check_op(lambda lib, x, t: lib.nn.NLLLoss()(x, t), [], inputs=[rand((3, 4)), t])
    w = rand((4,), 0.2, 2.0)
    check_op(lambda lib, x, t: lib.nn.NLLLoss(weight=const(lib, w, x), ignore_index=2,
                                             reduction="sum")(x, t),
             [], inputs=[rand((3, 4)), t.astype(np.int64)])


def test_nll_loss_1d_target_of_size_one():
    """torch takes a (1,) target for 1-D input; with reduction='none' its backward refuses."""
    t = np.array([2], np.int64)
    for r in REDUCTIONS:
        check_op(lambda lib, x, t: F(lib).nll_loss(x, t, reduction=r), [], inputs=[rand((4,)), t],
                 grad=False)
        same_error(lambda lib: F(lib).nll_loss(lib.ones(4, requires_grad=True), lib.tensor([1]),
                                               reduction=r).backward())


def test_nll_loss_all_ignored_is_nan():
    check_op(lambda lib, x, t: F(lib).nll_loss(x, t), [],
             inputs=[rand((3, 4)), np.full(3, -100, np.int64)])


@pytest.mark.parametrize("xshape, tshape", NLL_SHAPES[:5])
def test_nll_loss_double_backward(xshape, tshape):
    c = xshape[0] if len(xshape) == 1 else xshape[1]
    t = classes(tshape, c)
    for r in REDUCTIONS:
        check_double_backward(lambda lib, x: F(lib).nll_loss(x, lib.tensor(t), reduction=r),
                              [xshape])


def test_nll_loss_grad_fn_chain():
    def run(lib):
        x = lib.zeros(2, 3, 4, requires_grad=True)
        t = lib.zeros(2, 4, dtype=lib.long)
        names = []
        for r in REDUCTIONS:
            y = lib.nn.functional.nll_loss(x, t, reduction=r)
            f = y.grad_fn
            chain = []
            while f is not None:
                chain.append(type(f).__name__)
                f = f.next_functions[0][0] if f.next_functions else None
            names.append(chain)
        y = lib.nn.functional.nll_loss(lib.zeros(2, 3, 2, 2, requires_grad=True),
                                       lib.zeros(2, 2, 2, dtype=lib.long))
        names.append(type(y.grad_fn).__name__)
        return names
    t, e = both(run)
    assert e == t


NLL_ERRORS = [
    ((3, 4), np.array([0, 5, 1])), ((3, 4), np.array([0, -5, 1])), ((3, 4), np.array([0, 1])),
    ((), np.array(0)), ((3, 4), np.array([0.0, 1.0, 2.0], np.float32)),
    ((3, 4), np.array([0, 1, 2], np.int32)), ((3, 4), np.zeros((3, 2), np.int64)),
    ((4,), np.array([1, 2])), ((1, 3, 4), np.zeros((1, 3), np.int64)),
    ((1, 3, 2, 2), np.zeros((1, 2, 3), np.int64)), ((1, 3, 2, 2), np.zeros((1, 4), np.int64)),
    ((1, 3, 2, 2), np.full((1, 2, 2), 7)), ((1, 3, 4), np.full((1, 4), 7)),
    ((1, 4), np.array(1)), ((2, 3, 2, 2), np.zeros((3, 2, 2), np.int64)),
    ((2, 3, 2, 2), np.zeros((2, 2, 2), np.float32)),
]


@pytest.mark.parametrize("i", range(len(NLL_ERRORS)))
def test_nll_loss_errors(i):
    xshape, t = NLL_ERRORS[i]
    if t.dtype == np.int64 or t.dtype.kind == "i" and t.dtype != np.int32:
        t = t.astype(np.int64)
    check_error(lambda lib, x, t: F(lib).nll_loss(x, t), np.ones(xshape, np.float32), t)
    check_error(lambda lib, x, t: F(lib).cross_entropy(x, t), np.ones(xshape, np.float32), t)


@pytest.mark.parametrize("case", range(6))
def test_nll_loss_weight_errors(case):
    t1 = np.array([1, 2, 3], np.int64)
    cases = [
        ((3, 4), t1, np.ones(3, np.float32)), ((3, 4), t1, np.ones(4, np.float64)),
        ((2, 3, 2, 2), np.zeros((2, 2, 2), np.int64), np.ones(2, np.float32)),
        ((2, 3, 2, 2), np.zeros((2, 2, 2), np.int64), np.ones(3, np.float64)),
        ((2, 3, 4), np.zeros((2, 4), np.int64), np.ones(2, np.float32)),
        ((3, 4), np.array([1, 2, 7]), np.ones((2, 2), np.float32)),
    ]
    xshape, t, w = cases[case]
    check_error(lambda lib, x, t, w: F(lib).nll_loss(x, t, weight=w), np.ones(xshape, np.float32),
                t.astype(np.int64), w)


def test_nll_loss_weight_requires_grad_error():
    same_error(lambda lib: F(lib).nll_loss(lib.zeros(3, 4), lib.tensor([0, 1, 2]),
                                           weight=lib.ones(4, requires_grad=True)))
    same_error(lambda lib: F(lib).cross_entropy(lib.zeros(2, 3, 2, 2), lib.zeros(2, 2, 2).long(),
                                                weight=lib.ones(3, requires_grad=True)))

    def no_grad_ok(lib):
        with lib.no_grad():
            return F(lib).nll_loss(lib.zeros(3, 4), lib.tensor([0, 1, 2]),
                                   weight=lib.ones(4, requires_grad=True)).item()
    t, e = both(no_grad_ok)
    assert e == t


def test_nll_loss_int_input_error():
    check_error(lambda lib, x, t: F(lib).nll_loss(x, t), np.ones((3, 4), np.int64),
                np.array([0, 1, 2]))


# -- cross_entropy -------------------------------------------------------------------------------

CE_SHAPES = [((4, 5), (4,)), ((5,), ()), ((2, 3, 4), (2, 4)), ((2, 3, 2, 2), (2, 2, 2)),
             ((2, 3, 1, 2, 2), (2, 1, 2, 2))]


@pytest.mark.parametrize("xshape, tshape", CE_SHAPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["plain", "weight", "ignore", "smooth", "smooth_weight_ignore"])
def test_cross_entropy(xshape, tshape, reduction, opts):
    c = xshape[0] if len(xshape) == 1 else xshape[1]
    ignore = 2 if "ignore" in opts else -100
    t = classes(tshape, c, ignore=ignore if "ignore" in opts else None)
    w = rand((c,), 0.2, 2.0, seed=3)
    ls = 0.15 if "smooth" in opts else 0.0

    def fn(lib, x, t):
        weight = const(lib, w, x) if "weight" in opts else None
        return F(lib).cross_entropy(x, t, weight=weight, ignore_index=ignore,
                                    reduction=reduction, label_smoothing=ls)
    check_op(fn, [], inputs=[rand(xshape, -3, 3), t])


@pytest.mark.parametrize("shape", [(4, 5), (5,), (2, 3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["plain", "weight", "smooth", "smooth_weight"])
def test_cross_entropy_probabilities(shape, reduction, opts):
    c = shape[0] if len(shape) == 1 else shape[1]
    w = rand((c,), 0.2, 2.0, seed=3)
    ls = 0.2 if "smooth" in opts else 0.0
    p = np.random.default_rng(4).dirichlet(np.ones(c), size=int(np.prod(shape)) // c)
    p = np.moveaxis(p.reshape((shape[0],) + shape[2:] + (c,)) if len(shape) > 1 else
                    p.reshape(c), -1, 1 if len(shape) > 1 else 0)

    def fn(lib, x, p):
        weight = const(lib, w, x) if "weight" in opts else None
        return F(lib).cross_entropy(x, p, weight=weight, reduction=reduction,
                                    label_smoothing=ls)
    check_op(fn, [], inputs=[rand(shape, -3, 3), np.ascontiguousarray(p)])


def test_cross_entropy_module():
    w = rand((4,), 0.2, 2.0)
    t = classes((6,), 4)
    check_op(lambda lib, x, t: lib.nn.CrossEntropyLoss()(x, t), [], inputs=[rand((6, 4)), t])
    check_op(lambda lib, x, t: lib.nn.CrossEntropyLoss(weight=const(lib, w, x), ignore_index=0,
                                                      label_smoothing=0.1,
                                                      reduction="sum")(x, t),
             [], inputs=[rand((6, 4)), t])


@pytest.mark.parametrize("opts", ["plain", "smooth", "prob", "prob_smooth", "kd"])
def test_cross_entropy_double_backward(opts):
    if opts == "kd":
        t = classes((2, 4), 3)
        check_double_backward(lambda lib, x: F(lib).cross_entropy(x, lib.tensor(t)),
                              [(2, 3, 4)])
        return
    if opts.startswith("prob"):
        ls = 0.1 if "smooth" in opts else 0.0
        check_double_backward(lambda lib, x, p: F(lib).cross_entropy(x, p.softmax(1),
                                                                     label_smoothing=ls),
                              [(3, 4), (3, 4)])
        return
    t = classes((3,), 4)
    ls = 0.1 if opts == "smooth" else 0.0
    for r in REDUCTIONS:
        check_double_backward(lambda lib, x: F(lib).cross_entropy(x, lib.tensor(t), reduction=r,
                                                                  label_smoothing=ls), [(3, 4)])


def test_cross_entropy_gradcheck():
    t = classes((3,), 4)
    gradcheck(lambda lib, x: F(lib).cross_entropy(x, lib.tensor(t), label_smoothing=0.2),
              [(3, 4)])
    gradcheck(lambda lib, x, p: F(lib).cross_entropy(x, p.softmax(1)), [(2, 3), (2, 3)])


def test_cross_entropy_grad_fn_chains():
    def run(lib):
        x = lib.zeros(3, 4, requires_grad=True)
        t = lib.tensor([0, 1, 2])
        p = lib.full((3, 4), 0.25)
        w = lib.ones(4)

        def chain(y, depth=4):
            out, f = [], y.grad_fn
            while f is not None and len(out) < depth:
                out.append(type(f).__name__)
                nxt = [g for g, _ in f.next_functions if g is not None]
                f = nxt[0] if nxt else None
            return out
        F_ = lib.nn.functional
        return [chain(F_.cross_entropy(x, t)), chain(F_.cross_entropy(x, t, reduction="none")),
                chain(F_.cross_entropy(x, p)), chain(F_.cross_entropy(x, p, reduction="none")),
                chain(F_.cross_entropy(x, p, weight=w, label_smoothing=0.1)),
                chain(F_.cross_entropy(x, t, label_smoothing=0.1)),
                chain(F_.cross_entropy(x, t, label_smoothing=0.1, reduction="sum")),
                chain(F_.cross_entropy(x[0], t[0])),
                chain(F_.cross_entropy(x.view(1, 3, 4), t.view(1, 3)[:, :1].expand(1, 4)))]
    t, e = both(run)
    assert e == t


def test_cross_entropy_by_hand():
    x = ember.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    loss = ember.nn.functional.cross_entropy(x, ember.tensor([2]))
    s = np.exp([1.0, 2.0, 3.0])
    assert loss.item() == pytest.approx(-np.log(s[2] / s.sum()), rel=1e-6)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [s / s.sum() - [0, 0, 1]], rtol=1e-5)


@pytest.mark.parametrize("case", range(9))
def test_cross_entropy_errors(case):
    x = np.ones((3, 4), np.float32)
    t = np.array([0, 1, 2])
    cases = [
        (lambda lib, x, t: F(lib).cross_entropy(x, t.float()), x, t),
        (lambda lib, x, t: F(lib).cross_entropy(x, t), x, np.ones((3, 4), np.int64)),
        (lambda lib, x, t: F(lib).cross_entropy(x, t, ignore_index=1), x,
         np.ones((3, 4), np.float32)),
        (lambda lib, x, t: F(lib).cross_entropy(x, t, weight=lib.ones(3)), x,
         np.ones((3, 4), np.float32)),
        (lambda lib, x, t: F(lib).cross_entropy(x, t, label_smoothing=1.5), x, t),
        (lambda lib, x, t: F(lib).cross_entropy(x, t, label_smoothing=2.0), x,
         np.ones((3, 4), np.float32)),
        (lambda lib, x, t: F(lib).cross_entropy(x, t), x.astype(np.int64), t),
        (lambda lib, x, t: F(lib).cross_entropy(x, t), np.ones((2, 3, 4), np.int64),
         np.zeros((2, 4), np.int64)),
        (lambda lib, x, t: F(lib).cross_entropy(x, t), np.array(1.0, np.float32),
         np.array(0)),
    ]
    fn, *arrays = cases[case]
    check_error(fn, *arrays)


def test_cross_entropy_negative_label_smoothing_runs():
    t = classes((3,), 4)
    check_op(lambda lib, x, t: F(lib).cross_entropy(x, t, label_smoothing=-0.1), [],
             inputs=[rand((3, 4)), t])


# -- binary_cross_entropy ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 4), (), (2, 3, 2)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy(shape, reduction, weighted):
    w = rand(shape[-1:] if shape else (), 0.2, 2.0, seed=7)

    def fn(lib, x, y):
        weight = const(lib, w, x) if weighted else None
        return F(lib).binary_cross_entropy(x, y, weight=weight, reduction=reduction)
    check_op(fn, [shape, shape], low=0.05, high=0.95)
    check_op(lambda lib, x, y: lib.nn.BCELoss(reduction=reduction)(x, y), [shape, shape],
             low=0.05, high=0.95)


def test_binary_cross_entropy_weight_module():
    w = rand((4,), 0.2, 2.0)
    check_op(lambda lib, x, y: lib.nn.BCELoss(weight=const(lib, w, x))(x, y), [(3, 4), (3, 4)],
             low=0.05, high=0.95)


def test_binary_cross_entropy_log_clamp():
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.5], np.float32)
    y = np.array([1.0, 0.0, 0.0, 1.0, 0.3], np.float32)
    check_op(lambda lib, x, y: F(lib).binary_cross_entropy(x, y, reduction="none"), [],
             inputs=[x, y])
    check_op(lambda lib, x, y: F(lib).binary_cross_entropy(x, y), [], inputs=[x, y])


def test_binary_cross_entropy_double_backward_and_gradcheck():
    for r in REDUCTIONS:
        check_double_backward(lambda lib, x, y: F(lib).binary_cross_entropy(x, y, reduction=r),
                              [(3, 4), (3, 4)], low=0.1, high=0.9)
    gradcheck(lambda lib, x, y: F(lib).binary_cross_entropy(x, y), [(2, 3), (2, 3)],
              low=0.1, high=0.9)


@pytest.mark.parametrize("case", range(8))
def test_binary_cross_entropy_errors(case):
    p = np.full(3, 0.5, np.float32)
    cases = [
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), p, np.ones((3, 1), np.float32)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), p, np.ones(3, np.int64)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), np.array([1.5], np.float32),
         np.ones(1, np.float32)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), p, p.astype(np.float64)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y, weight=lib.ones(2)), p, p),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), np.ones(3, np.int64),
         np.ones(3, np.int64)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y), np.array([0.5, np.nan],
                                                                       np.float32),
         np.ones(2, np.float32)),
        (lambda lib, x, y: F(lib).binary_cross_entropy(x, y, reduction="avg"), p, p),
    ]
    fn, *arrays = cases[case]
    check_error(fn, *arrays)


def test_binary_cross_entropy_weight_requires_grad_error():
    same_error(lambda lib: F(lib).binary_cross_entropy(lib.full((3,), 0.5), lib.ones(3),
                                                       weight=lib.ones(3, requires_grad=True)))


# -- binary_cross_entropy_with_logits --------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 4), (), (2, 3, 4)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("opts", ["plain", "weight", "pos_weight", "both"])
def test_binary_cross_entropy_with_logits(shape, reduction, opts):
    w = rand(shape[-1:] if shape else (), 0.2, 2.0, seed=7)
    pw = rand(shape[-1:] if shape else (), 0.5, 3.0, seed=8)

    def fn(lib, x, y):
        weight = const(lib, w, x) if opts in ("weight", "both") else None
        pos = const(lib, pw, x) if opts in ("pos_weight", "both") else None
        return F(lib).binary_cross_entropy_with_logits(x, y, weight=weight, pos_weight=pos,
                                                       reduction=reduction)
    check_op(lambda lib, x, y: fn(lib, x * 4 - 2, y), [shape, shape], low=0.0, high=1.0)


def test_binary_cross_entropy_with_logits_module_and_extremes():
    pw = rand((4,), 0.5, 3.0)
    check_op(lambda lib, x, y: lib.nn.BCEWithLogitsLoss(pos_weight=const(lib, pw, x))(x, y),
             [(3, 4), (3, 4)], low=0.0, high=1.0)
    x = np.array([-200.0, -30.0, 0.0, 30.0, 200.0], np.float32)
    y = np.array([1.0, 0.0, 0.5, 1.0, 0.0], np.float32)
    check_op(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y, reduction="none"),
             [], inputs=[x, y])


def test_binary_cross_entropy_with_logits_double_backward():
    for opts in ["plain", "pos_weight"]:
        for r in REDUCTIONS:
            def fn(lib, x, y):
                pos = lib.tensor([0.5, 1.0, 2.0, 3.0], dtype=lib.float64) \
                    if opts == "pos_weight" else None
                return F(lib).binary_cross_entropy_with_logits(x, y, pos_weight=pos,
                                                               reduction=r)
            check_double_backward(fn, [(3, 4), (3, 4)], low=0.0, high=1.0)
    gradcheck(lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(
        x, y, pos_weight=lib.tensor([0.5, 2.0, 3.0], dtype=lib.float64)), [(2, 3), (2, 3)],
        low=0.0, high=1.0)


def test_binary_cross_entropy_with_logits_dtypes():
    def run(lib):
        res = []
        for dx, dy in [(lib.float32, lib.float64), (lib.float64, lib.float32)]:
            x = lib.tensor([0.5, -1.0, 2.0], dtype=dx, requires_grad=True)
            y = lib.tensor([0.0, 1.0, 0.25], dtype=dy, requires_grad=True)
            loss = lib.nn.functional.binary_cross_entropy_with_logits(x, y)
            loss.backward()
            res.append((str(loss.dtype), round(loss.item(), 5), str(x.grad.dtype),
                        str(y.grad.dtype)))
        return res
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("case", range(5))
def test_binary_cross_entropy_with_logits_errors(case):
    p = np.full(3, 0.5, np.float32)
    cases = [
        (lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y), p,
         np.ones((3, 1), np.float32)),
        (lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y), p,
         np.ones(3, np.int64)),
        (lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y), np.ones(3, np.int64),
         p),
        (lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(
            x, y, pos_weight=lib.ones(3, requires_grad=True)), p, p),
        (lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(
            x, y, weight=lib.ones(3, requires_grad=True)), p, p),
    ]
    fn, *arrays = cases[case]
    check_error(fn, *arrays)


# -- kl_div ----------------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:reduction")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("shape", [(3, 4), (5,), ()])
def test_kl_div(reduction, log_target, shape):
    def fn(lib, x, y):
        target = y.log() if log_target else y
        return F(lib).kl_div(x.log_softmax(-1) if shape else x, target, reduction=reduction,
                             log_target=log_target)
    check_op(fn, [shape, shape], low=0.05, high=1.0)
    check_op(lambda lib, x, y: lib.nn.KLDivLoss(reduction=reduction, log_target=log_target)(
        x, y.log() if log_target else y), [shape, shape], low=0.05, high=1.0)


def test_kl_div_zero_and_negative_target():
    y = np.array([0.0, -1.0, 0.5, 1.0], np.float32)
    check_op(lambda lib, x, y: F(lib).kl_div(x, y, reduction="none"), [],
             inputs=[rand((4,)).astype(np.float32), y])


@pytest.mark.filterwarnings("ignore:reduction")
def test_kl_div_double_backward():
    for r in ["mean", "batchmean", "none"]:
        for lt in (False, True):
            check_double_backward(lambda lib, x, y: F(lib).kl_div(x, y, reduction=r,
                                                                  log_target=lt),
                                  [(3, 4), (3, 4)], low=0.1, high=1.0)
    gradcheck(lambda lib, x, y: F(lib).kl_div(x, y, reduction="batchmean"), [(2, 3), (2, 3)],
              low=0.1, high=1.0)


def test_kl_div_mean_warning_and_legacy():
    def run(lib):
        x = lib.tensor([[-1.0, -2.0]])
        y = lib.tensor([[0.3, 0.7]])
        a, wa = warnings_of(lambda: lib.nn.functional.kl_div(x, y))
        b, wb = warnings_of(lambda: lib.nn.functional.kl_div(x, y, reduction="batchmean"))
        c, wc = warnings_of(lambda: lib.nn.functional.kl_div(x, y, size_average=False))
        d, wd = warnings_of(lambda: lib.nn.KLDivLoss()(x, y))
        return [round(v.item(), 6) for v in (a, b, c, d)], wa, wb, wc, wd
    t, e = both(run)
    assert e == t


@pytest.mark.filterwarnings("ignore:reduction")
def test_kl_div_errors():
    check_error(lambda lib, x, y: F(lib).kl_div(x, y), np.ones(3, np.int64),
                np.ones(3, np.int64))
    check_error(lambda lib, x, y: F(lib).kl_div(x, y, reduction="batch"),
                np.ones(3, np.float32), np.ones(3, np.float32))


# -- cosine_embedding, margin_ranking, triplet_margin, hinge_embedding -----------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.3])
def test_cosine_embedding_loss(reduction, margin):
    t = np.array([1, -1, 1, -1, 0])
    check_op(lambda lib, a, b, t: F(lib).cosine_embedding_loss(a, b, t, margin=margin,
                                                               reduction=reduction),
             [], inputs=[rand((5, 3)), rand((5, 3), seed=2), t])
    check_op(lambda lib, a, b, t: lib.nn.CosineEmbeddingLoss(margin, reduction=reduction)(
        a, b, t), [], inputs=[rand((4,)), rand((4,), seed=2), np.array(-1)])


def test_cosine_embedding_loss_double_backward():
    t = np.array([1, -1, 1])
    check_double_backward(lambda lib, a, b: F(lib).cosine_embedding_loss(a, b, lib.tensor(t),
                                                                         margin=-0.5),
                          [(3, 4), (3, 4)])


@pytest.mark.parametrize("case", range(3))
def test_cosine_embedding_loss_errors(case):
    x = np.ones((3, 4), np.float32)
    cases = [(x, x, np.ones((3, 1), np.float32)), (x[0], x[0], np.ones(3, np.float32)),
             (x, x, np.array(1.0, np.float32))]
    check_error(lambda lib, a, b, t: F(lib).cosine_embedding_loss(a, b, t), *cases[case])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(5,), (3, 4), ()])
def test_margin_ranking_loss(reduction, shape):
    t = np.sign(rand(shape, seed=9))
    check_op(lambda lib, a, b, t: F(lib).margin_ranking_loss(a, b, t, margin=0.2,
                                                             reduction=reduction),
             [], inputs=[rand(shape), rand(shape, seed=2), t])
    check_op(lambda lib, a, b, t: lib.nn.MarginRankingLoss(reduction=reduction)(a, b, t),
             [shape, shape, shape])
    check_double_backward(lambda lib, a, b: F(lib).margin_ranking_loss(
        a, b, lib.tensor(t), margin=0.2, reduction=reduction), [shape, shape])


def test_margin_ranking_loss_errors():
    x = np.ones((3, 4), np.float32)
    check_error(lambda lib, a, b, t: F(lib).margin_ranking_loss(a, b, t), x, x[0], x)
    check_error(lambda lib, a, b, t: F(lib).margin_ranking_loss(a, b, t), x, x[:2], x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kwargs", [{}, {"margin": 0.5, "p": 1.0}, {"swap": True},
                                    {"p": 3.0, "eps": 1e-3}])
def test_triplet_margin_loss(reduction, kwargs):
    check_op(lambda lib, a, p, n: F(lib).triplet_margin_loss(a, p, n, reduction=reduction,
                                                             **kwargs), [(4, 3)] * 3)
    check_op(lambda lib, a, p, n: lib.nn.TripletMarginLoss(reduction=reduction, **kwargs)(
        a, p, n), [(5,)] * 3)


def test_triplet_margin_loss_double_backward():
    check_double_backward(lambda lib, a, p, n: F(lib).triplet_margin_loss(a, p, n, swap=True),
                          [(4, 3)] * 3)


def test_triplet_margin_loss_errors():
    x = np.ones((3, 4), np.float32)
    check_error(lambda lib, a, p, n: F(lib).triplet_margin_loss(a, p, n, margin=0.0), x, x, x)
    check_error(lambda lib, a, p, n: F(lib).triplet_margin_loss(a, p, n), x, x, x[0])
    same_error(lambda lib: lib.nn.TripletMarginLoss(margin=-1.0))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding_loss(reduction):
    t = np.array([1, -1, 1, -1, 1, 0])
    check_op(lambda lib, x, t: F(lib).hinge_embedding_loss(x, t, margin=0.5,
                                                           reduction=reduction),
             [], inputs=[rand((6,)), t])
    check_op(lambda lib, x, t: lib.nn.HingeEmbeddingLoss(reduction=reduction)(x, t), [],
             inputs=[rand((6,)), t.astype(np.float64)])
    check_double_backward(lambda lib, x: F(lib).hinge_embedding_loss(x, lib.tensor(t),
                                                                     reduction=reduction),
                          [(6,)])


# -- gaussian_nll_loss, poisson_nll_loss ---------------------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("vshape", [(3, 4), (3,), (3, 1)])
def test_gaussian_nll_loss(reduction, full, vshape):
    check_op(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, full=full,
                                                           reduction=reduction),
             [(3, 4), (3, 4), vshape], low=0.01, high=2.0)
    check_op(lambda lib, x, y, v: lib.nn.GaussianNLLLoss(full=full, reduction=reduction)(
        x, y, v), [(3, 4), (3, 4), vshape], low=0.01, high=2.0)


def test_gaussian_nll_loss_float_var_and_clamp():
    check_op(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, 0.5), [(3, 4), (3, 4)])
    v = np.array([[1e-9, 0.5, 2.0]], np.float32)
    check_op(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, reduction="none"),
             [], inputs=[rand((1, 3)), rand((1, 3), seed=4), v])


def test_gaussian_nll_loss_double_backward():
    check_double_backward(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v),
                          [(3, 4), (3, 4), (3, 4)], low=0.1, high=2.0)


def test_gaussian_nll_loss_errors():
    x = np.ones((3, 4), np.float32)
    check_error(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v), x, x, -x)
    check_error(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v), x, x, x[:2])
    check_error(lambda lib, x, y, v: F(lib).gaussian_nll_loss(x, y, v, reduction="avg"), x, x,
                x)
    check_error(lambda lib, x, y: F(lib).gaussian_nll_loss(x, y, -1.0), x, x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_input", [True, False])
@pytest.mark.parametrize("full", [False, True])
def test_poisson_nll_loss(reduction, log_input, full):
    def fn(lib, x, y):
        return F(lib).poisson_nll_loss(x, y * 3, log_input=log_input, full=full,
                                       reduction=reduction)
    check_op(fn, [(3, 4), (3, 4)], low=0.1, high=2.0)
    check_op(lambda lib, x, y: lib.nn.PoissonNLLLoss(log_input, full, reduction=reduction)(
        x, y * 3), [(3, 4), (3, 4)], low=0.1, high=2.0)
    check_double_backward(fn, [(3, 4), (3, 4)], low=0.1, high=2.0)


def test_poisson_nll_loss_errors():
    x = np.ones(3, np.float32)
    check_error(lambda lib, x, y: F(lib).poisson_nll_loss(x, y, reduction="avg"), x, x)


# -- modules: reprs, buffers, state ---------------------------------------------------------------

REPRS = [
    lambda nn, lib: nn.MSELoss(), lambda nn, lib: nn.L1Loss(reduction="sum"),
    lambda nn, lib: nn.SmoothL1Loss(beta=0.5), lambda nn, lib: nn.HuberLoss(delta=2.0),
    lambda nn, lib: nn.CrossEntropyLoss(), lambda nn, lib: nn.CrossEntropyLoss(
        weight=lib.ones(3), label_smoothing=0.1), lambda nn, lib: nn.NLLLoss(ignore_index=0),
    lambda nn, lib: nn.BCELoss(), lambda nn, lib: nn.BCEWithLogitsLoss(pos_weight=lib.ones(2)),
    lambda nn, lib: nn.KLDivLoss(reduction="batchmean"), lambda nn, lib: nn.CosineEmbeddingLoss(),
    lambda nn, lib: nn.MarginRankingLoss(0.5), lambda nn, lib: nn.TripletMarginLoss(),
    lambda nn, lib: nn.HingeEmbeddingLoss(), lambda nn, lib: nn.GaussianNLLLoss(),
    lambda nn, lib: nn.PoissonNLLLoss(),
    lambda nn, lib: nn.Sequential(nn.Linear(2, 2), nn.LogSoftmax(1), nn.NLLLoss()),
]


@pytest.mark.parametrize("i", range(len(REPRS)))
def test_loss_repr(i):
    t, e = both(lambda lib: repr(REPRS[i](lib.nn, lib)))
    assert e == t


def test_loss_module_state():
    def run(lib):
        nn = lib.nn
        ce = nn.CrossEntropyLoss(weight=lib.tensor([1.0, 2.0]))
        bce = nn.BCEWithLogitsLoss(pos_weight=lib.tensor([3.0]))
        plain = nn.CrossEntropyLoss()
        return (sorted(ce.state_dict()), ce.weight.tolist(), plain.weight,
                sorted(bce.state_dict()), bce.weight, [n for n, _ in ce.named_buffers()],
                ce.ignore_index, ce.label_smoothing, ce.reduction,
                nn.TripletMarginLoss().p, nn.HuberLoss().delta, nn.SmoothL1Loss().beta,
                nn.KLDivLoss().log_target, nn.PoissonNLLLoss().eps, nn.GaussianNLLLoss().eps,
                list(ce.double().state_dict().values())[0].dtype == lib.float64)
    t, e = both(run)
    assert e == t


def test_loss_in_training_step():
    """A tiny classifier step gives the same loss and gradients on both libraries."""
    def run(lib):
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 3))
        x = lib.tensor(rand((6, 4)).astype(np.float32))
        t = lib.tensor(classes((6,), 3))
        loss = nn.CrossEntropyLoss(label_smoothing=0.05)(model(x), t)
        loss.backward()
        return round(loss.item(), 5), [np.round(p.grad.numpy(), 5).tolist()
                                       for p in model.parameters()]
    t, e = both(run)
    assert e == t


# -- ctc_loss --------------------------------------------------------------------------------------

def ctc_inputs(t=7, n=3, c=5, seed=0):
    lp = rand((t, n, c), -2, 2, seed=seed)
    return lp - np.log(np.exp(lp).sum(-1, keepdims=True))


CTC_TARGETS = np.array([[1, 2, 2], [3, 1, 0], [4, 4, 4]])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", ["padded", "concatenated", "lists", "blank", "short_inputs",
                                  "empty_target", "int32"])
def test_ctc_loss(reduction, case):
    il, tl = np.array([7, 5, 7]), np.array([3, 2, 3])
    tg, blank = CTC_TARGETS, 0
    if case == "concatenated":
        tg = np.concatenate([CTC_TARGETS[i, :tl[i]] for i in range(3)])
    if case == "blank":
        tg, blank = np.where(CTC_TARGETS == 2, 0, CTC_TARGETS), 2
    if case == "short_inputs":
        il = np.array([4, 2, 6])
        tl = np.array([3, 1, 2])
    if case == "empty_target":
        tl = np.array([0, 2, 1])

    def fn(lib, lp):
        targets = lib.tensor(tg.astype(np.int32) if case == "int32" else tg)
        if case == "lists":
            return F(lib).ctc_loss(lp, targets, il.tolist(), tuple(tl.tolist()), blank=blank,
                                   reduction=reduction)
        return F(lib).ctc_loss(lp, targets, lib.tensor(il), lib.tensor(tl), blank=blank,
                               reduction=reduction)
    check_op(fn, [], inputs=[ctc_inputs()])
    check_op(lambda lib, lp: lib.nn.CTCLoss(blank=blank, reduction=reduction)(
        lp, lib.tensor(tg), lib.tensor(il), lib.tensor(tl)) if case != "lists" else fn(lib, lp),
        [], inputs=[ctc_inputs(seed=1)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_ctc_loss_unbatched(reduction):
    check_op(lambda lib, lp: F(lib).ctc_loss(lp, lib.tensor([1, 3]), lib.tensor(6),
                                             lib.tensor(2), reduction=reduction),
             [], inputs=[ctc_inputs(6, 1, 4)[:, 0]])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_loss_impossible_alignment(reduction, zero_infinity):
    """A target longer than its input has no alignment: an infinite loss, or 0 with
    zero_infinity (and a zero gradient for that sample)."""
    def fn(lib, lp):
        return F(lib).ctc_loss(lp, lib.tensor([[1, 1, 1], [2, 3, 0]]), lib.tensor([2, 5]),
                               lib.tensor([3, 2]), reduction=reduction,
                               zero_infinity=zero_infinity)
    check_op(fn, [], inputs=[ctc_inputs(5, 2, 4)])


def test_ctc_loss_gradcheck():
    tg = CTC_TARGETS[:2]

    def fn(lib, x):
        return F(lib).ctc_loss(x.log_softmax(2), lib.tensor(tg), lib.tensor([4, 3]),
                               lib.tensor([2, 2]), reduction="sum")
    gradcheck(fn, [(4, 2, 5)])


def test_ctc_loss_double_backward_not_implemented():
    def run(lib):
        lp = lib.tensor(ctc_inputs(), requires_grad=True)
        loss = lib.nn.functional.ctc_loss(lp, lib.tensor(CTC_TARGETS), lib.tensor([7, 5, 7]),
                                          lib.tensor([3, 2, 3]))
        (g,) = lib.autograd.grad(loss, lp, create_graph=True)
        assert type(g.grad_fn).__name__ == "NotImplemented"
        lib.autograd.grad(g.sum(), lp)
    same_error(run)


CTC_ERRORS = [
    dict(il=np.array([7.0, 5.0])), dict(tl=np.array([3.0, 2.0])), dict(blank=5),
    dict(blank=-1), dict(il=np.array([7])), dict(tl=np.array([3])),
    dict(tg=np.ones((2, 3, 1), np.int64)), dict(tg=np.ones((2, 2), np.int64)),
    dict(tg=np.ones(4, np.int64)), dict(il=np.array([8, 5])), dict(il=np.array([-1, 5])),
    dict(tl=np.array([-1, 2])), dict(lp=np.zeros(5, np.float32)),
    dict(lp=np.zeros((7, 2, 5), np.int64)), dict(tg=np.ones((3, 3), np.int64)),
    dict(reduction="avg"),
]


@pytest.mark.parametrize("i", range(len(CTC_ERRORS)))
def test_ctc_loss_errors(i):
    case = dict(lp=ctc_inputs(7, 2, 5).astype(np.float32), tg=CTC_TARGETS[:2],
                il=np.array([7, 5]), tl=np.array([3, 2]), blank=0, reduction="mean")
    case.update(CTC_ERRORS[i])
    check_error(lambda lib, lp, tg, il, tl: F(lib).ctc_loss(
        lp, tg, il, tl, blank=case["blank"], reduction=case["reduction"]),
        case["lp"], case["tg"], case["il"], case["tl"])


def test_ctc_loss_module_repr():
    t, e = both(lambda lib: (repr(lib.nn.CTCLoss()), lib.nn.CTCLoss(3).blank,
                             lib.nn.CTCLoss(zero_infinity=True).zero_infinity))
    assert e == t


# -- soft margin losses, triplet_margin_with_distance_loss ------------------------------------------

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(3, 4), (5,), ()])
def test_soft_margin_loss(reduction, shape):
    t = np.sign(rand(shape, seed=6))
    check_op(lambda lib, x, t: F(lib).soft_margin_loss(x, t.detach(), reduction=reduction), [],
             inputs=[rand(shape), t])
    check_op(lambda lib, x, t: lib.nn.SoftMarginLoss(reduction=reduction)(x, t.detach()), [],
             inputs=[rand(shape), t])
    check_double_backward(lambda lib, x: F(lib).soft_margin_loss(x, lib.tensor(t),
                                                                 reduction=reduction), [shape])


def test_soft_margin_loss_broadcast_target_and_dtypes():
    check_op(lambda lib, x, t: F(lib).soft_margin_loss(x, t.detach()), [],
             inputs=[rand((3, 4)), np.array([1.0, -1.0, 1.0, 1.0])])
    check_op(lambda lib, x, t: F(lib).soft_margin_loss(x, t.detach().double()), [],
             inputs=[rand((3, 4)).astype(np.float32), np.ones((3, 4), np.float32)],
             dtypes=(np.float32,))


def test_soft_margin_loss_errors():
    x = np.ones((3, 1), np.float32)
    check_error(lambda lib, x, t: F(lib).soft_margin_loss(x, t), x, np.ones(3, np.float32))
    check_error(lambda lib, x, t: F(lib).soft_margin_loss(x, t), x, np.ones(2, np.float32))
    check_error(lambda lib, x, t: F(lib).soft_margin_loss(x, t), np.ones(3, np.int64),
                np.ones(3, np.int64))
    same_error(lambda lib: F(lib).soft_margin_loss(lib.ones(3), lib.ones(3, requires_grad=True)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_soft_margin_loss(reduction, weighted):
    w = rand((4,), 0.2, 2.0)

    def fn(lib, x, y):
        weight = const(lib, w, x) if weighted else None
        return F(lib).multilabel_soft_margin_loss(x, y, weight=weight, reduction=reduction)
    check_op(fn, [(3, 4), (3, 4)], low=0.0, high=1.0)
    check_op(lambda lib, x, y: lib.nn.MultiLabelSoftMarginLoss(reduction=reduction)(x, y),
             [(3, 4), (3, 4)], low=0.0, high=1.0)
    check_double_backward(fn, [(3, 4), (3, 4)], low=0.0, high=1.0)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kwargs", [{}, {"swap": True, "margin": 0.5}, {"l1": True}])
def test_triplet_margin_with_distance_loss(reduction, kwargs):
    kw = dict(kwargs)
    l1 = kw.pop("l1", False)

    def fn(lib, a, p, n):
        dist = (lambda u, v: (u - v).abs().sum(-1)) if l1 else None
        return F(lib).triplet_margin_with_distance_loss(a, p, n, distance_function=dist,
                                                        reduction=reduction, **kw)
    check_op(fn, [(4, 3)] * 3)
    check_double_backward(fn, [(4, 3)] * 3)


def test_triplet_margin_with_distance_loss_errors():
    x = np.ones((3, 4), np.float32)
    f = "triplet_margin_with_distance_loss"
    check_error(lambda lib, a, p, n: getattr(F(lib), f)(a, p, n, reduction="avg"), x, x, x)
    check_error(lambda lib, a, p, n: getattr(F(lib), f)(a, p, n, margin=0.0), x, x, x)
    check_error(lambda lib, a, p, n: getattr(F(lib), f)(a, p, n), x, x, x[0])


def test_soft_margin_reprs():
    t, e = both(lambda lib: (repr(lib.nn.SoftMarginLoss()),
                             repr(lib.nn.MultiLabelSoftMarginLoss(weight=lib.ones(2)))))
    assert e == t
