"""The nn modules torch has and ember lacked: CosineSimilarity / PairwiseDistance, 3-d pooling
(functional forms, nodes and modules), against torch: values, grads, grad_fn names, double
backward, reprs and error texts."""
import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

F32, F64 = np.float32, np.float64

# AdaptiveLogSoftmaxWithLoss builds 0-feature Linears (torch and ember both warn)
pytestmark = pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")


def arr(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).uniform(-2, 2, size=shape).astype(dtype)


def distinct(*shape, dtype=F32, seed=0):
    """A permutation of a grid: no ties, so max pooling's gradient is well defined."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) * 0.25 - n / 8).astype(dtype)


def F(lib):
    return lib.nn.functional


# -- distance modules ------------------------------------------------------------------------

@pytest.mark.parametrize("shapes,kw", [
    (((4, 5), (4, 5)), {}), (((4, 5), (1, 5)), dict(dim=1)), (((3, 4, 5), (3, 4, 5)),
                                                              dict(dim=-1, eps=1e-3)),
    (((5,), (5,)), dict(dim=0))], ids=str)
def test_cosine_similarity_module(shapes, kw):
    check_op(lambda lib, a, b: lib.nn.CosineSimilarity(**kw)(a, b), shapes)


@pytest.mark.parametrize("shapes,kw", [
    (((4, 5), (4, 5)), {}), (((4, 5), (1, 5)), dict(p=1.0)),
    (((4, 5), (4, 5)), dict(p=3.0, eps=1e-3, keepdim=True)), (((5,), (5,)), {})], ids=str)
def test_pairwise_distance_module(shapes, kw):
    check_op(lambda lib, a, b: lib.nn.PairwiseDistance(**kw)(a, b), shapes)


def test_distance_module_reprs_and_double_backward():
    for cls, kw in (("CosineSimilarity", {}), ("CosineSimilarity", dict(dim=0, eps=0.1)),
                    ("PairwiseDistance", {}), ("PairwiseDistance", dict(p=1, keepdim=True))):
        t, e = getattr(torch.nn, cls)(**kw), getattr(ember.nn, cls)(**kw)
        assert repr(t) == repr(e)
        assert vars(t).get("norm") == vars(e).get("norm")
    check_double_backward(lambda lib, a, b: lib.nn.CosineSimilarity()(a, b), [(3, 4), (3, 4)])
    check_double_backward(lambda lib, a, b: lib.nn.PairwiseDistance()(a, b), [(3, 4), (3, 4)])


# -- 3-d max pooling -------------------------------------------------------------------------

MAX3D = [
    ((2, 2, 4, 6, 5), dict(kernel_size=2)),
    ((2, 2, 5, 6, 5), dict(kernel_size=3, stride=2, padding=1)),
    ((1, 2, 5, 6, 7), dict(kernel_size=(2, 3, 2), stride=(2, 1, 2), padding=(1, 0, 1),
                           dilation=(2, 1, 1))),
    ((1, 2, 5, 5, 5), dict(kernel_size=3, stride=2, ceil_mode=True)),
    ((1, 2, 5, 4, 6), dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)),
    ((2, 5, 5, 6), dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ((0, 2, 4, 4, 4), dict(kernel_size=2)),
]


@pytest.mark.parametrize("shape,kw", MAX3D, ids=str)
def test_max_pool3d(shape, kw):
    x = distinct(*shape)
    check_op(lambda lib, a: F(lib).max_pool3d(a, **kw), None, inputs=[x])
    check_op(lambda lib, a: F(lib).max_pool3d(a, **kw, return_indices=True), None, inputs=[x])
    check_op(lambda lib, a: F(lib).max_pool3d_with_indices(a, **kw), None, inputs=[x])
    check_op(lambda lib, a: lib.nn.MaxPool3d(**kw, return_indices=True)(a), None, inputs=[x])


def test_max_pool3d_ties_nan_int_and_double_backward():
    x = np.zeros((1, 1, 2, 4, 4), F32)
    x[0, 0, 1, 1, 1] = x[0, 0, 0, 1, 0] = 1.0
    check_op(lambda lib, a: F(lib).max_pool3d(a, 2, return_indices=True), None, inputs=[x])
    x = distinct(1, 2, 4, 4, 4)
    x[0, 0, 0, 0, 0] = x[0, 0, 1, 1, 1] = np.nan
    check_op(lambda lib, a: F(lib).max_pool3d(a, 2, return_indices=True), None, inputs=[x],
             grad=False)
    xi = (distinct(1, 2, 4, 4, 4) * 4).astype(np.int64)
    check_op(lambda lib, a: F(lib).max_pool3d(a, 2, return_indices=True), None, inputs=[xi],
             grad=False)
    xd = distinct(1, 2, 4, 5, 4, dtype=F64)
    for kw in (dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1)):
        _double_backward_on(lambda lib, a: F(lib).max_pool3d(a, **kw), xd)
    gradcheck(lambda lib, a: F(lib).max_pool3d(a, 2, 1), [(1, 1, 3, 3, 3)])


def _double_backward_on(fn, x):
    """check_double_backward on a given input (rather than random values)."""
    res = []
    for lib in (torch, ember):
        a = lib.tensor(x, requires_grad=True)
        out = fn(lib, a)
        up = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)),
                        requires_grad=True)
        g, = lib.autograd.grad(out, a, up, create_graph=True)
        w = lib.tensor(np.random.default_rng(2).standard_normal(tuple(g.shape)))
        gg = lib.autograd.grad((g * w).sum(), up)[0]
        name = type(g.grad_fn).__name__
        res.append((g.detach().numpy(), gg.detach().numpy(), name))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-9, atol=1e-10)
    assert res[0][2] == res[1][2]


# -- 3-d average pooling ---------------------------------------------------------------------

AVG3D = [
    ((2, 2, 4, 6, 5), dict(kernel_size=2)),
    ((2, 2, 5, 6, 5), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 2, 5, 6, 5), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ((1, 2, 5, 6, 7), dict(kernel_size=(2, 3, 2), stride=(2, 1, 2), padding=(1, 0, 1),
                           ceil_mode=True)),
    ((1, 2, 5, 5, 5), dict(kernel_size=3, stride=2, ceil_mode=True, count_include_pad=False)),
    ((2, 5, 5, 6), dict(kernel_size=2, divisor_override=3)),
    ((0, 2, 4, 4, 4), dict(kernel_size=2)),
]


@pytest.mark.parametrize("shape,kw", AVG3D, ids=str)
def test_avg_pool3d(shape, kw):
    check_op(lambda lib, a: F(lib).avg_pool3d(a, **kw), [shape])
    check_op(lambda lib, a: lib.nn.AvgPool3d(**kw)(a), [shape])


def test_avg_pool3d_int_gradcheck_and_double_backward():
    xi = np.random.default_rng(0).integers(-20, 20, size=(1, 2, 4, 4, 4))
    check_op(lambda lib, a: F(lib).avg_pool3d(a, 2, padding=1), None, inputs=[xi], grad=False)
    gradcheck(lambda lib, a: F(lib).avg_pool3d(a, 2, 1, 1, count_include_pad=False),
              [(1, 1, 3, 3, 3)])
    x = arr(1, 2, 4, 5, 4, dtype=F64)
    _double_backward_on(lambda lib, a: F(lib).avg_pool3d(a, 3, 2, 1, ceil_mode=True), x)
    check_double_backward(lambda lib, a: F(lib).avg_pool3d(a * a, 2), [(1, 2, 4, 4, 4)])


# -- 3-d adaptive pooling ---------------------------------------------------------------------

ADAPT3D = [((2, 2, 6, 5, 7), 2), ((2, 2, 6, 5, 7), (3, 2, 4)), ((2, 6, 5, 7), (4, None, 3)),
           ((1, 2, 3, 4, 5), (5, 6, 7)), ((2, 2, 6, 5, 7), 1), ((0, 2, 3, 4, 5), 2),
           ((1, 2, 3, 4, 5), (0, 2, 2))]


@pytest.mark.parametrize("shape,osize", ADAPT3D, ids=str)
def test_adaptive_pool3d(shape, osize):
    x = distinct(*shape)
    grad = 0 not in (osize if isinstance(osize, tuple) else (osize,))  # torch's backward raises
    check_op(lambda lib, a: F(lib).adaptive_avg_pool3d(a, osize), None, inputs=[x], grad=grad)
    check_op(lambda lib, a: lib.nn.AdaptiveAvgPool3d(osize)(a), None, inputs=[x], grad=grad)
    check_op(lambda lib, a: F(lib).adaptive_max_pool3d(a, osize), None, inputs=[x], grad=grad)
    check_op(lambda lib, a: F(lib).adaptive_max_pool3d(a, osize, True), None, inputs=[x],
             grad=grad)
    check_op(lambda lib, a: F(lib).adaptive_max_pool3d_with_indices(a, osize), None,
             inputs=[x], grad=grad)
    check_op(lambda lib, a: lib.nn.AdaptiveMaxPool3d(osize, True)(a), None, inputs=[x],
             grad=grad)


def test_adaptive_pool3d_double_backward():
    x = distinct(1, 2, 5, 4, 6, dtype=F64)
    _double_backward_on(lambda lib, a: F(lib).adaptive_avg_pool3d(a, (3, 2, 4)), x)
    _double_backward_on(lambda lib, a: F(lib).adaptive_max_pool3d(a, (3, 2, 4)), x)
    gradcheck(lambda lib, a: F(lib).adaptive_avg_pool3d(a, (2, 3, 2)), [(1, 1, 3, 4, 3)])


# -- 3-d max unpooling and lp pooling ---------------------------------------------------------

@pytest.mark.parametrize("shape,kw,osize", [
    ((2, 2, 4, 6, 4), dict(kernel_size=2), None),
    ((1, 2, 5, 6, 5), dict(kernel_size=3, stride=2, padding=1), (5, 6, 5)),
    ((2, 4, 6, 4), dict(kernel_size=2), (5, 7, 5)),
    ((1, 2, 4, 6, 4), dict(kernel_size=2), (1, 2, 4, 6, 4)),
    ((1, 2, 5, 5, 5), dict(kernel_size=3, stride=1), None)], ids=str)
def test_max_unpool3d(shape, kw, osize):
    x = distinct(*shape)
    tp = torch.nn.functional.max_pool3d(torch.tensor(x), **kw, return_indices=True)
    y, i = tp[0].numpy(), tp[1].numpy()
    unkw = {k: v for k, v in kw.items() if k in ("kernel_size", "stride", "padding")}
    check_op(lambda lib, a, ix: F(lib).max_unpool3d(a, ix, **unkw, output_size=osize), None,
             inputs=[y, i])
    check_op(lambda lib, a, ix: lib.nn.MaxUnpool3d(**unkw)(a, ix, output_size=osize), None,
             inputs=[y, i])
    check_op(lambda lib, a: F(lib).max_unpool3d(*F(lib).max_pool3d(a, **kw, return_indices=True),
                                                **unkw, output_size=osize), None, inputs=[x])


def test_max_unpool3d_double_backward():
    x = distinct(1, 2, 4, 4, 4, dtype=F64)
    _double_backward_on(lambda lib, a: F(lib).max_unpool3d(*F(lib).max_pool3d(
        a, 2, return_indices=True), 2), x)


@pytest.mark.parametrize("shape,args,kw", [
    ((2, 2, 4, 6, 4), (2.0, 2), {}), ((1, 2, 5, 6, 5), (3, (2, 3, 2)), dict(stride=1)),
    ((2, 5, 5, 6), (1.5, 2), dict(ceil_mode=True)), ((1, 2, 4, 4, 4), (float("inf"), 2), {})],
    ids=str)
def test_lp_pool3d(shape, args, kw):
    check_op(lambda lib, a: F(lib).lp_pool3d(a, *args, **kw), [shape], low=0.5, high=2.0)
    check_op(lambda lib, a: lib.nn.LPPool3d(*args, **kw)(a), [shape], low=0.5, high=2.0)


def test_lp_pool3d_double_backward():
    check_double_backward(lambda lib, a: F(lib).lp_pool3d(a, 2, 2), [(1, 2, 4, 4, 4)],
                          low=0.5, high=2.0)


def test_pool3d_module_reprs():
    cases = [("MaxPool3d", (2,), {}), ("MaxPool3d", ((2, 3, 1),), dict(stride=1, padding=(1, 1, 0),
                                                                       dilation=2, ceil_mode=True)),
             ("AvgPool3d", (2,), {}), ("AvgPool3d", (3, 2, 1, True, False, 4), {}),
             ("AdaptiveAvgPool3d", (2,), {}), ("AdaptiveAvgPool3d", ((2, None, 3),), {}),
             ("AdaptiveMaxPool3d", ((2, None, 3),), dict(return_indices=True)),
             ("MaxUnpool3d", (2,), {}), ("MaxUnpool3d", ((2, 3, 1), 1, (1, 0, 0)), {}),
             ("LPPool3d", (2, 3), {}), ("LPPool3d", (1.5, (2, 3, 2), 1, True), {})]
    for name, args, kw in cases:
        t, e = getattr(torch.nn, name)(*args, **kw), getattr(ember.nn, name)(*args, **kw)
        assert repr(t) == repr(e), name
        assert {k: v for k, v in vars(t).items() if not k.startswith("_") and k != "training"} \
            == {k: v for k, v in vars(e).items() if not k.startswith("_") and k != "training"}


# -- errors ----------------------------------------------------------------------------------

X5 = arr(2, 3, 4, 6, 8)
POOL3D_ERRORS = [
    lambda lib, x: F(lib).max_pool3d(lib.zeros(3, 4, 5), 2),
    lambda lib, x: F(lib).max_pool3d(x, 0),
    lambda lib, x: F(lib).max_pool3d(x, 2, 0),
    lambda lib, x: F(lib).max_pool3d(x, 2, 1, 2),
    lambda lib, x: F(lib).max_pool3d(x, 2, 1, -1),
    lambda lib, x: F(lib).max_pool3d(x, 2, 1, 0, 0),
    lambda lib, x: F(lib).max_pool3d(x, (2, 2)),
    lambda lib, x: F(lib).max_pool3d(x, 5),
    lambda lib, x: F(lib).max_pool3d(x, 2, (1, 2)),
    lambda lib, x: F(lib).max_pool3d(x, 2, 1, (1, 1)),
    lambda lib, x: F(lib).max_pool3d(x, 2, 1, 0, (1, 1)),
    lambda lib, x: F(lib).max_pool3d(x, 3, 1, 2, 3),
    lambda lib, x: F(lib).max_pool3d(x, 2.0),
    lambda lib, x: F(lib).max_pool3d_with_indices(x, 2, 1.5),
    lambda lib, x: F(lib).avg_pool3d(x, 2.0),
    lambda lib, x: F(lib).max_pool3d(lib.zeros(2, 0, 4, 4, 4), 2),
    lambda lib, x: F(lib).max_pool3d(lib.zeros(2, 3, 4, 4, 4, dtype=lib.bool), 2),
    lambda lib, x: F(lib).avg_pool3d(lib.zeros(3, 4, 5), 2),
    lambda lib, x: F(lib).avg_pool3d(x, 0),
    lambda lib, x: F(lib).avg_pool3d(x, 2, 0),
    lambda lib, x: F(lib).avg_pool3d(x, 2, 1, 2),
    lambda lib, x: F(lib).avg_pool3d(x, (2, 2)),
    lambda lib, x: F(lib).avg_pool3d(x, 2, (1, 2)),
    lambda lib, x: F(lib).avg_pool3d(x, 2, 1, (1, 1)),
    lambda lib, x: F(lib).avg_pool3d(x, 5),
    lambda lib, x: F(lib).avg_pool3d(x, 2, divisor_override=0),
    lambda lib, x: F(lib).avg_pool3d(lib.zeros(2, 0, 4, 4, 4), 2),
    lambda lib, x: F(lib).avg_pool3d(lib.zeros(2, 3, 4, 4, 4, dtype=lib.bool), 2),
    lambda lib, x: F(lib).adaptive_avg_pool3d(lib.zeros(3, 4, 5), 2),
    lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, 2)),
    lambda lib, x: F(lib).adaptive_avg_pool3d(x, -1),
    lambda lib, x: F(lib).adaptive_avg_pool3d(x.long(), 2),
    lambda lib, x: F(lib).adaptive_avg_pool3d(lib.zeros(2, 3, 0, 4, 4), 2),
    lambda lib, x: F(lib).adaptive_max_pool3d(lib.zeros(3, 4, 5), 2),
    lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, 2)),
    lambda lib, x: F(lib).adaptive_max_pool3d(x, -1),
    lambda lib, x: F(lib).adaptive_max_pool3d(x.long(), 2),
    lambda lib, x: F(lib).adaptive_max_pool3d(lib.zeros(2, 3, 0, 4, 4), 2),
    lambda lib, x: F(lib).max_unpool3d(x, x.long(), 2, output_size=(1, 2)),
    lambda lib, x: F(lib).max_unpool3d(x, x.int(), 2),
    lambda lib, x: F(lib).max_unpool3d(x[0, 0], x[0, 0].long(), 2),
    lambda lib, x: F(lib).max_unpool3d(x, x[:1].long(), 2),
    lambda lib, x: F(lib).max_unpool3d(x, (x.abs() * 1000).long(), 2),
    lambda lib, x: F(lib).max_unpool3d(x.long(), x.long(), 2),
    lambda lib, x: F(lib).max_unpool3d(x, x.long(), 2, output_size=(4, 6, 30)),
    lambda lib, x: F(lib).lp_pool3d(lib.zeros(3, 4, 5), 2, 2),
    lambda lib, x: F(lib).lp_pool3d(x, 2, (2, 2)),
]


@pytest.mark.parametrize("k", range(len(POOL3D_ERRORS)))
def test_pool3d_errors(k):
    check_error(POOL3D_ERRORS[k], X5)


# -- lazy modules ----------------------------------------------------------------------------

LAZY = [("LazyLinear", (3,), {}, (2, 5)), ("LazyLinear", (2,), dict(bias=False), (4, 2, 3)),
        ("LazyConv1d", (4, 3), {}, (2, 3, 8)),
        ("LazyConv2d", (4, 3), dict(padding=1, groups=2), (2, 4, 6, 6)),
        ("LazyConv3d", (2, 2), {}, (3, 4, 4, 4)),
        ("LazyConvTranspose1d", (4, 3), {}, (2, 3, 8)),
        ("LazyConvTranspose2d", (4, 3), dict(stride=2), (2, 4, 5, 5)),
        ("LazyConvTranspose3d", (2, 2), dict(bias=False), (1, 3, 4, 4, 4)),
        ("LazyBatchNorm1d", (), {}, (4, 5)), ("LazyBatchNorm2d", (), dict(affine=False),
                                              (2, 3, 4, 4)),
        ("LazyBatchNorm3d", (), dict(momentum=0.3), (2, 3, 3, 3, 3)),
        ("LazyInstanceNorm1d", (), {}, (2, 3, 8)),
        ("LazyInstanceNorm2d", (), dict(affine=True), (2, 3, 4, 4)),
        ("LazyInstanceNorm3d", (), dict(track_running_stats=True), (2, 3, 3, 3, 3))]


def _state(lib, m):
    return {k: (repr(v) if lib.nn.parameter.is_lazy(v) else v.detach().double().numpy())
            for k, v in m.state_dict().items()}


@pytest.mark.parametrize("name,args,kw,shape", LAZY, ids=str)
def test_lazy_module(name, args, kw, shape):
    x = arr(*shape)
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args, **kw)
        before = (repr(m), type(m).__name__, m.has_uninitialized_params(), _state(lib, m))
        y = m(lib.tensor(x, requires_grad=True))
        after = (repr(m), type(m).__name__, type(m.weight).__name__ if m.weight is not None
                 else None, _state(lib, m))
        y.backward(lib.ones_like(y))
        grads = [p.grad.numpy() for p in m.parameters()]
        res.append((before, after, y.detach().numpy(), grads))
    (tb, ta, ty, tg), (eb, ea, ey, eg) = res
    assert tb[:3] == eb[:3] and ta[:3] == ea[:3]
    for st_t, st_e in ((tb[3], eb[3]), (ta[3], ea[3])):
        assert list(st_t) == list(st_e)
        for k in st_t:
            if isinstance(st_t[k], str):
                assert st_t[k] == st_e[k]
            else:
                np.testing.assert_allclose(st_e[k], st_t[k], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ey, ty, rtol=1e-4, atol=1e-5)
    assert len(tg) == len(eg)
    for a, b in zip(tg, eg):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-4)


def test_lazy_load_state_dict_dtype_deepcopy_and_errors():
    import copy
    out = []
    for lib in (torch, ember):
        nn, r = lib.nn, []
        m = nn.LazyLinear(3).double()
        r.append((repr(m.weight), str(m.weight.dtype)))
        m(lib.ones(2, 4, dtype=lib.float64))
        r.append((str(m.weight.dtype), type(m.weight).__name__))
        m2 = nn.LazyLinear(3)
        m2.load_state_dict(m.state_dict())
        r.append((repr(m2), tuple(m2.weight.shape), m2.has_uninitialized_params()))
        m2(lib.ones(2, 4))
        r.append(type(m2).__name__)
        m3 = copy.deepcopy(nn.LazyConv2d(2, 3))
        r.append((repr(m3), repr(m3.weight)))
        for f in (lambda: nn.LazyLinear(3).weight.shape,
                  lambda: nn.LazyConv2d(2, 3)(lib.ones(3, 3)),
                  lambda: nn.LazyConv2d(2, 3, groups=2)(lib.ones(1, 3, 5, 5)),
                  lambda: nn.LazyBatchNorm2d()(lib.ones(3, 3))):
            try:
                f()
                r.append(None)
            except Exception as e:      # noqa: BLE001
                r.append((type(e).__name__, str(e)))
        r.append((nn.parameter.is_lazy(nn.LazyLinear(2).bias),
                  nn.parameter.is_lazy(nn.Linear(2, 2).bias)))
        b = nn.parameter.UninitializedBuffer()
        p = nn.UninitializedParameter(requires_grad=False)
        r.append((repr(b), b.requires_grad, b.persistent, repr(p), p.requires_grad,
                  isinstance(p, nn.Parameter), repr(nn.LazyBatchNorm1d().running_mean)))
        p.materialize((2, 3), dtype=lib.float64)
        r.append((type(p).__name__, tuple(p.shape), str(p.dtype), p.requires_grad))
        out.append(r)
    assert out[0] == out[1]


# -- TripletMarginWithDistanceLoss, DataParallel, SyncBatchNorm --------------------------------

@pytest.mark.parametrize("kw", [{}, dict(margin=0.5, swap=True), dict(reduction="sum"),
                                dict(reduction="none"), "cosine"], ids=str)
def test_triplet_margin_with_distance_loss_module(kw):
    def fn(lib, a, p, n):
        k = dict(distance_function=lambda x, y: 1 - lib.nn.functional.cosine_similarity(x, y)) \
            if kw == "cosine" else kw
        return lib.nn.TripletMarginWithDistanceLoss(**k)(a, p, n)
    check_op(fn, [(4, 5), (4, 5), (4, 5)])
    if kw == {}:
        check_double_backward(fn, [(3, 4), (3, 4), (3, 4)])
        assert repr(torch.nn.TripletMarginWithDistanceLoss()) == \
            repr(ember.nn.TripletMarginWithDistanceLoss())
        check_error(lambda lib: lib.nn.TripletMarginWithDistanceLoss(margin=0))


def test_data_parallel_cpu():
    out = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        lin = lib.nn.Linear(2, 3)
        dp = lib.nn.DataParallel(lin)
        dp2 = lib.nn.parallel.DataParallel(lib.nn.Linear(2, 3), device_ids=[0, 1],
                                           output_device=1, dim=1)
        y = dp(lib.ones(4, 2))
        try:
            lib.nn.parallel.data_parallel(lin, lib.ones(1, 2))
            err = None
        except RuntimeError as e:
            err = str(e)
        out.append((repr(dp), dp.device_ids, dp2.device_ids, hasattr(dp2, "dim"),
                    list(dp.state_dict()), dp.module is lin, y.detach().numpy().tolist(),
                    type(y.grad_fn).__name__, err))
    assert out[0] == out[1]


def test_sync_batch_norm_cpu():
    x = arr(4, 3, 5)
    out = []
    for lib in (torch, ember):
        nn, r = lib.nn, []
        s = nn.SyncBatchNorm(3, momentum=None)
        r.append((repr(s), s.process_group))
        for train in (True, True, False):
            s.train(train)
            y = s(lib.tensor(x))
            r.append((y.detach().numpy(), s.running_mean.numpy().copy(),
                      s.running_var.numpy().copy(), int(s.num_batches_tracked)))
        for bad in (lib.ones(4), lib.ones(4, 0, 2)):
            try:
                s(bad)
                r.append(None)
            except ValueError as e:
                r.append(str(e))
        m = nn.Sequential(nn.Conv2d(3, 3, 1), nn.BatchNorm2d(3),
                          nn.Sequential(nn.BatchNorm1d(4, affine=False).eval()))
        c = nn.SyncBatchNorm.convert_sync_batchnorm(m)
        r.append((repr(c), c[1].weight is m[1].weight, c[1].running_mean is m[1].running_mean,
                  c[2][0].training, type(c[0]).__name__))
        r.append(repr(nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm3d(2, bias=False))))
        out.append(r)
    t, e = out
    assert len(t) == len(e)
    for a, b in zip(t, e):
        if isinstance(a, tuple) and a and isinstance(a[0], np.ndarray):
            for u, v in zip(a, b):
                np.testing.assert_allclose(v, u, rtol=1e-5, atol=1e-6)
        else:
            assert a == b
    check_op(lambda lib, a: lib.nn.SyncBatchNorm(3)(a), [(4, 3, 2, 2)], dtypes=(F32,))


# -- AdaptiveLogSoftmaxWithLoss ----------------------------------------------------------------

@pytest.mark.parametrize("args,kw,n", [((16, 10, [3, 6]), {}, 8), ((8, 12, [4]), dict(
    head_bias=True, div_value=2.0), 6), ((16, 10, [3, 6]), {}, None)], ids=str)
def test_adaptive_log_softmax_with_loss(args, kw, n):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n if n else 1, args[0])).astype(F32)
    tgt = np.array([0, 9, 4, 2, 7, 5, 1, 8][:n or 1]) % args[1]
    if n is None:
        x, tgt = x[0], np.array(tgt[0])
    res = []
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.AdaptiveLogSoftmaxWithLoss(*args, **kw)
        xi = lib.tensor(x, requires_grad=True)
        out, loss = m(xi, lib.tensor(tgt))
        loss.backward()
        r = [repr(m), out.detach().numpy(), loss.detach().numpy(), type(out.grad_fn).__name__,
             type(loss.grad_fn).__name__, xi.grad.numpy()] + \
            [p.grad.numpy() for p in m.parameters() if p.grad is not None]
        if n:
            xb = lib.tensor(x)
            r += [m.log_prob(xb).detach().numpy(), m.predict(xb).numpy()]
        res.append(r)
    t, e = res
    assert len(t) == len(e)
    for a, b in zip(t, e):
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
        else:
            assert a == b


def test_adaptive_log_softmax_errors():
    x = arr(4, 8)
    check_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, []))
    check_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3]))
    check_error(lambda lib: lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [10]))

    def fwd(target, inp=x):
        def fn(lib):
            lib.manual_seed(0)
            return lib.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6])(lib.tensor(inp),
                                                                  lib.tensor(target))
        return fn
    check_error(fwd(np.array([0, 1, 2])))
    check_error(fwd(np.array([0, 1, 2, 12])))
    check_error(fwd(np.array([[0, 1, 2, 3]])))
    check_error(fwd(np.array(1)))
    check_error(fwd(np.array([0, 1, 2, 3]), arr(4, 8, 1)))
