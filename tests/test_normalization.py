"""Normalization layers and functions against torch: batch_norm (train/eval, running
statistics), instance_norm, layer_norm, group_norm, rms_norm, local_response_norm."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward, TOL


def both(fn):
    return fn(torch), fn(ember)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


RNG = np.random.default_rng(1234)
RM = {c: RNG.uniform(-0.5, 0.5, c) for c in (1, 3, 4, 6)}
RV = {c: RNG.uniform(0.5, 2.0, c) for c in (1, 3, 4, 6)}


def stats(lib, c, like):
    """Running mean and var (fresh tensors) for c channels, of the input's dtype."""
    return (lib.tensor(RM[c].astype(like.detach().numpy().dtype)),
            lib.tensor(RV[c].astype(like.detach().numpy().dtype)))


# -- batch_norm: functional --------------------------------------------------------------------

BN_SHAPES = [(5, 3), (4, 3, 6), (2, 3, 4, 5), (3, 4, 2, 3, 2)]


@pytest.mark.parametrize("shape", BN_SHAPES)
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training(shape, affine):
    c = shape[1]
    if affine:
        def fn(lib, x, w, b):
            rm, rv = stats(lib, c, x)
            out = lib.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.2)
            return out, rm, rv
        check_op(fn, [shape, (c,), (c,)])
    else:
        check_op(lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True),
                 [shape])


@pytest.mark.parametrize("shape", BN_SHAPES)
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_eval(shape, affine):
    c = shape[1]
    if affine:
        def fn(lib, x, w, b):
            rm, rv = stats(lib, c, x)
            return lib.nn.functional.batch_norm(x, rm, rv, w, b, training=False, eps=1e-3)
        check_op(fn, [shape, (c,), (c,)])
    else:
        def fn(lib, x):
            rm, rv = stats(lib, c, x)
            return lib.nn.functional.batch_norm(x, rm, rv)
        check_op(fn, [shape])


def test_batch_norm_weight_only_and_bias_only():
    check_op(lambda lib, x, w: lib.nn.functional.batch_norm(x, None, None, w, None, True),
             [(4, 3, 2), (3,)])
    check_op(lambda lib, x, b: lib.nn.functional.batch_norm(x, None, None, None, b, True),
             [(4, 3, 2), (3,)])


def test_batch_norm_grad_fn_edges():
    def edges(lib):
        x = lib.ones(4, 3, requires_grad=True)
        w = lib.ones(3, requires_grad=True)
        y = lib.nn.functional.batch_norm(x, None, None, w, None, True)
        return [type(f).__name__ for f, _ in y.grad_fn.next_functions]
    t, e = both(edges)
    assert e == t


def test_batch_norm_empty_batch():
    def fn(lib, x, w, b):
        rm, rv = stats(lib, 3, x)
        return lib.nn.functional.batch_norm(x, rm, rv, w, b, training=False)
    check_op(fn, [(0, 3), (3,), (3,)])


def test_batch_norm_running_stats_not_version_bumped():
    def versions(lib):
        rm, rv = lib.zeros(3), lib.ones(3)
        lib.nn.functional.batch_norm(lib.randn(4, 3), rm, rv, training=True)
        return rm._version, rv._version
    t, e = both(versions)
    assert e == t


def test_batch_norm_values_by_hand():
    x = np.array([[1.0, 2.0], [3.0, 6.0]])
    rm, rv = ember.zeros(2, dtype=ember.float64), ember.ones(2, dtype=ember.float64)
    y = ember.nn.functional.batch_norm(ember.tensor(x), rm, rv, training=True, momentum=0.5,
                                       eps=1e-12)
    np.testing.assert_allclose(y.numpy(), [[-1, -1], [1, 1]], atol=1e-6)
    np.testing.assert_allclose(rm.numpy(), [1.0, 2.0])
    # unbiased batch variance (2, 8) mixed half and half with 1
    np.testing.assert_allclose(rv.numpy(), [1.5, 4.5])


BN_ERRORS = {
    "rm_size": lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(4), lib.ones(4),
                                                           training=True),
    "rv_size": lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(4),
                                                           training=True),
    "eval_no_rm": lambda lib, x: lib.nn.functional.batch_norm(x, None, None),
    "eval_no_rv": lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), None),
    "weight_size": lambda lib, x: lib.nn.functional.batch_norm(x, None, None, lib.ones(4),
                                                               training=True),
    "bias_size": lambda lib, x: lib.nn.functional.batch_norm(x, None, None, None, lib.ones(2),
                                                             training=True),
    "batch_1": lambda lib, x: lib.nn.functional.batch_norm(x[:1], None, None, training=True),
    "eps_train": lambda lib, x: lib.nn.functional.batch_norm(x, None, None, training=True,
                                                             eps=0.0),
    "eps_eval": lambda lib, x: lib.nn.functional.batch_norm(x, lib.zeros(3), lib.ones(3),
                                                            eps=-1.0),
    "one_dim": lambda lib, x: lib.nn.functional.batch_norm(x[0], None, None, training=True),
    "long": lambda lib, x: lib.nn.functional.batch_norm(x.long(), None, None, training=True),
    "mixed_dtype": lambda lib, x: lib.nn.functional.batch_norm(
        x, None, None, lib.ones(3, dtype=lib.float64), training=True),
    "mixed_dtype_double_input": lambda lib, x: lib.nn.functional.batch_norm(
        x.double(), lib.zeros(3), lib.ones(3), training=False),
    "mixed_dtype_bias": lambda lib, x: lib.nn.functional.batch_norm(
        x, None, None, lib.ones(3), lib.ones(3, dtype=lib.float64), training=True),
    "module_1d_4d": lambda lib, x: lib.nn.BatchNorm1d(3)(x.reshape(4, 3, 1, 1)),
    "module_2d_3d": lambda lib, x: lib.nn.BatchNorm2d(3)(x.reshape(4, 3, 1)),
    "module_3d_4d": lambda lib, x: lib.nn.BatchNorm3d(3)(x.reshape(4, 3, 1, 1)),
    "module_channels": lambda lib, x: lib.nn.BatchNorm1d(4)(x),
}


@pytest.mark.parametrize("case", sorted(BN_ERRORS))
def test_batch_norm_errors(case):
    check_error(BN_ERRORS[case], np.arange(12, dtype=np.float32).reshape(4, 3))


def test_batch_norm_gradcheck():
    gradcheck(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, True),
              [(4, 3, 2), (3,), (3,)])
    gradcheck(lambda lib, x, w, b: lib.nn.functional.batch_norm(
        x, lib.zeros(3, dtype=lib.float64), lib.ones(3, dtype=lib.float64) * 2, w, b),
        [(4, 3), (3,), (3,)])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_double_backward(training):
    def fn(lib, x, w, b):
        rm = lib.tensor(RM[3]) if not training else None
        rv = lib.tensor(RV[3]) if not training else None
        return lib.nn.functional.batch_norm(x, rm, rv, w, b, training)
    check_double_backward(fn, [(4, 3, 2), (3,), (3,)])
    check_double_backward(lambda lib, x: lib.nn.functional.batch_norm(
        x, None, None, None, None, True), [(5, 3)])


# -- BatchNorm modules -------------------------------------------------------------------------

def _copy_module(src, dst):
    """Load a torch module's state into an ember module (same values)."""
    sd = {k: ember.tensor(v.detach().numpy().copy()) for k, v in src.state_dict().items()}
    dst.load_state_dict(sd)


def _compare_modules(tm, em, tx_arrays, steps=1, tol=None, seed=0, train=True):
    """Run both modules on the same inputs `steps` times with backward; compare outputs,
    input and parameter gradients, and buffers after every step."""
    rng = np.random.default_rng(seed)
    tm.train(train)
    em.train(train)
    for step in range(steps):
        a = tx_arrays[step % len(tx_arrays)]
        tol_ = tol or TOL[a.dtype.type]
        tx = torch.tensor(a, requires_grad=True)
        ex = ember.tensor(a, requires_grad=True)
        ty, ey = tm(tx), em(ex)
        assert type(ty.grad_fn).__name__ == type(ey.grad_fn).__name__
        np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), **tol_)
        up = rng.standard_normal(tuple(ty.shape)).astype(a.dtype)
        ty.backward(torch.tensor(up))
        ey.backward(ember.tensor(up))
        np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), **tol_)
        for (tn, tp), (en, ep) in zip(tm.named_parameters(), em.named_parameters()):
            assert tn == en
            np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), err_msg=tn, **tol_)
        for (tn, tb), (en, eb) in zip(tm.named_buffers(), em.named_buffers()):
            assert tn == en
            assert str(tb.dtype) == repr(eb.dtype), tn
            np.testing.assert_allclose(eb.numpy(), tb.numpy(), err_msg=tn, **tol_)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (6, 4)), ("BatchNorm1d", (3, 4, 5)),
                                       ("BatchNorm2d", (3, 4, 3, 2)),
                                       ("BatchNorm3d", (2, 4, 2, 2, 2))])
def test_batchnorm_module_running_stats_then_eval(cls, shape, momentum, dtype):
    tm = getattr(torch.nn, cls)(4, momentum=momentum)
    em = getattr(ember.nn, cls)(4, momentum=momentum)
    if dtype == np.float64:
        tm.double()
        em.double()
    rng = np.random.default_rng(7)
    # non-trivial parameters, so that their gradients are checked against real values
    with torch.no_grad():
        tm.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, 4)))
        tm.bias.copy_(torch.tensor(rng.uniform(-1, 1, 4)))
    _copy_module(tm, em)
    xs = [(rng.standard_normal(shape) * (1 + i) + i).astype(dtype) for i in range(3)]
    _compare_modules(tm, em, xs, steps=5)
    assert int(em.num_batches_tracked) == int(tm.num_batches_tracked) == 5
    _compare_modules(tm, em, xs, steps=2, train=False)


@pytest.mark.parametrize("affine,track", [(False, True), (True, False), (False, False)])
def test_batchnorm_module_options(affine, track):
    tm = torch.nn.BatchNorm2d(3, affine=affine, track_running_stats=track, eps=1e-3)
    em = ember.nn.BatchNorm2d(3, affine=affine, track_running_stats=track, eps=1e-3)
    _copy_module(tm, em)
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((2, 3, 3, 3)).astype(np.float32) for _ in range(2)]
    _compare_modules(tm, em, xs, steps=2)
    _compare_modules(tm, em, xs, steps=1, train=False)


def test_batchnorm_module_no_bias():
    tm = torch.nn.BatchNorm1d(3, bias=False)
    em = ember.nn.BatchNorm1d(3, bias=False)
    _compare_modules(tm, em, [np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)],
                     steps=2)
    assert repr(em) == repr(tm)


def test_batchnorm_module_state_dict_and_buffers():
    def run(lib):
        m = lib.nn.BatchNorm2d(4)
        sd = m.state_dict()
        out = [list(sd.keys()), dict(sd._metadata), [str(v.dtype) for v in sd.values()],
               [n for n, _ in m.named_buffers()], [n for n, _ in m.named_parameters()],
               m.weight.tolist(), m.bias.tolist(), m.running_var.tolist(),
               m.num_batches_tracked.item()]
        m2 = lib.nn.BatchNorm2d(4, track_running_stats=False)
        out.append(list(m2.state_dict().keys()))
        out.append(m2.running_mean is None)
        return [str(o) for o in out]
    t, e = both(run)
    assert e == t


def test_batchnorm_module_load_old_state_dict():
    def run(lib):
        m = lib.nn.BatchNorm1d(2)
        sd = m.state_dict()
        del sd["num_batches_tracked"]
        sd._metadata[""]["version"] = 1
        sd["running_mean"] = lib.tensor([1.0, 2.0])
        res = m.load_state_dict(sd)
        return repr(res), m.running_mean.tolist(), m.num_batches_tracked.item()
    t, e = both(run)
    assert e == t


def test_batchnorm_module_reset_and_double():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.BatchNorm1d(3)
        m(lib.randn(5, 3))
        m.reset_running_stats()
        vals = [m.running_mean.tolist(), m.running_var.tolist(), m.num_batches_tracked.item()]
        m.double()
        vals += [str(m.running_mean.dtype), str(m.num_batches_tracked.dtype),
                 str(m.weight.dtype)]
        return vals
    t, e = both(run)
    assert e == t


def test_batchnorm_eval_without_running_stats_uses_batch():
    tm = torch.nn.BatchNorm1d(3, track_running_stats=False).eval()
    em = ember.nn.BatchNorm1d(3, track_running_stats=False).eval()
    a = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(a)).detach().numpy(),
                               tm(torch.tensor(a)).detach().numpy(), **TOL[np.float32])


def test_norm_reprs():
    def reprs(lib):
        nn = lib.nn
        return [repr(m) for m in (
            nn.BatchNorm1d(3), nn.BatchNorm2d(4, eps=1e-3, momentum=None, affine=False),
            nn.BatchNorm3d(2, track_running_stats=False, bias=False),
            nn.InstanceNorm1d(3), nn.InstanceNorm2d(5, affine=True, track_running_stats=True),
            nn.InstanceNorm3d(2), nn.LayerNorm(4), nn.LayerNorm([2, 3], eps=1e-6,
                                                                   elementwise_affine=False),
            nn.LayerNorm((4,), bias=False), nn.GroupNorm(2, 4), nn.GroupNorm(1, 3, affine=False),
            nn.RMSNorm(4), nn.RMSNorm([2, 3], eps=1e-5, elementwise_affine=False),
            nn.LocalResponseNorm(2), nn.LocalResponseNorm(3, alpha=1e-3, beta=0.5, k=2.0),
            nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.LayerNorm(3)))]
    t, e = both(reprs)
    assert e == t


# -- instance_norm -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(2, 3, 5), (3, 3, 4, 2), (2, 3, 2, 2, 2)])
def test_instance_norm(shape):
    check_op(lambda lib, x: lib.nn.functional.instance_norm(x), [shape])
    check_op(lambda lib, x, w, b: lib.nn.functional.instance_norm(x, weight=w, bias=b),
             [shape, (3,), (3,)])


def test_instance_norm_running_stats():
    def fn(lib, x, w, b):
        rm, rv = stats(lib, 3, x)
        out = lib.nn.functional.instance_norm(x, rm, rv, w, b, momentum=0.3)
        return out, rm, rv
    check_op(fn, [(2, 3, 4), (3,), (3,)])

    def fn_eval(lib, x, w, b):
        rm, rv = stats(lib, 3, x)
        return lib.nn.functional.instance_norm(x, rm, rv, w, b, use_input_stats=False)
    check_op(fn_eval, [(2, 3, 4), (3,), (3,)])


def test_instance_norm_running_stats_versions():
    def versions(lib):
        rm, rv = lib.zeros(3), lib.ones(3)
        lib.nn.functional.instance_norm(lib.randn(2, 3, 4), rm, rv)
        out = [rm._version, rv._version]
        lib.nn.functional.instance_norm(lib.randn(2, 3, 4), rm, rv, use_input_stats=False)
        return out + [rm._version, rv._version]
    t, e = both(versions)
    assert e == t


def test_instance_norm_graph():
    def names(lib):
        x = lib.ones(2, 3, 4, requires_grad=True)
        w = lib.ones(3, requires_grad=True)
        y = lib.nn.functional.instance_norm(x, weight=w, bias=w)
        node = y.grad_fn.next_functions[0][0]
        return type(y.grad_fn).__name__, type(node).__name__, \
            [type(f).__name__ for f, _ in node.next_functions]
    t, e = both(names)
    assert e == t


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (2, 3, 5)),
                                       ("InstanceNorm1d", (3, 5)),
                                       ("InstanceNorm2d", (2, 3, 3, 4)),
                                       ("InstanceNorm2d", (3, 3, 4)),
                                       ("InstanceNorm3d", (2, 3, 2, 2, 3))])
@pytest.mark.parametrize("affine,track", [(False, False), (True, True), (True, False)])
def test_instancenorm_modules(cls, shape, affine, track):
    tm = getattr(torch.nn, cls)(3, affine=affine, track_running_stats=track, momentum=0.2)
    em = getattr(ember.nn, cls)(3, affine=affine, track_running_stats=track, momentum=0.2)
    rng = np.random.default_rng(5)
    if affine:
        with torch.no_grad():
            tm.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, 3), dtype=torch.float32))
            tm.bias.copy_(torch.tensor(rng.uniform(-1, 1, 3), dtype=torch.float32))
    _copy_module(tm, em)
    xs = [(rng.standard_normal(shape) * 2 + 1).astype(np.float32) for _ in range(2)]
    _compare_modules(tm, em, xs, steps=3)
    _compare_modules(tm, em, xs, steps=1, train=False)


def test_instancenorm_module_channel_mismatch_warns():
    def run(lib):
        m = lib.nn.InstanceNorm1d(3)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(lib.ones(2, 4, 5))
        return [str(x.message) for x in w]
    t, e = both(run)
    assert e == t


def test_instancenorm_module_load_state_dict_unexpected_stats():
    def run(lib):
        m = lib.nn.InstanceNorm1d(2)
        sd = {"running_mean": lib.zeros(2), "running_var": lib.ones(2)}
        return raised(lambda: m.load_state_dict(sd))
    t, e = both(run)
    assert e == t


IN_ERRORS = {
    "spatial_1": lambda lib, x: lib.nn.functional.instance_norm(x[:, :, :1]),
    "eval_no_stats": lambda lib, x: lib.nn.functional.instance_norm(x, use_input_stats=False),
    "module_dim": lambda lib, x: lib.nn.InstanceNorm1d(3)(x.reshape(2, 3, 2, 2)),
    "module_dim_2d": lambda lib, x: lib.nn.InstanceNorm2d(3)(x[0, 0]),
    "module_channels_affine": lambda lib, x: lib.nn.InstanceNorm1d(2, affine=True)(x),
}


@pytest.mark.parametrize("case", sorted(IN_ERRORS))
def test_instance_norm_errors(case):
    check_error(IN_ERRORS[case], np.arange(24, dtype=np.float32).reshape(2, 3, 4))


def test_instance_norm_gradcheck():
    gradcheck(lambda lib, x, w, b: lib.nn.functional.instance_norm(x, weight=w, bias=b),
              [(2, 3, 4), (3,), (3,)])


def test_instance_norm_double_backward():
    check_double_backward(lambda lib, x, w, b: lib.nn.functional.instance_norm(
        x, weight=w, bias=b), [(2, 3, 4), (3,), (3,)])


# -- layer_norm --------------------------------------------------------------------------------

LN_CASES = [((4, 5), (5,)), ((2, 3, 4), (4,)), ((2, 3, 4), (3, 4)), ((3,), (3,)),
            ((2, 2, 3, 2), (2, 3, 2))]


@pytest.mark.parametrize("shape,nshape", LN_CASES)
def test_layer_norm(shape, nshape):
    check_op(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, nshape, w, b),
             [shape, nshape, nshape])
    check_op(lambda lib, x: lib.nn.functional.layer_norm(x, list(nshape), eps=1e-3), [shape])
    check_op(lambda lib, x, w: lib.nn.functional.layer_norm(x, nshape, w), [shape, nshape])


def test_layer_norm_module():
    for kwargs in ({}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-2}):
        tm = torch.nn.LayerNorm([3, 4], **kwargs)
        em = ember.nn.LayerNorm([3, 4], **kwargs)
        rng = np.random.default_rng(2)
        if tm.weight is not None:
            with torch.no_grad():
                tm.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, (3, 4))))
        _copy_module(tm, em)
        _compare_modules(tm, em, [rng.standard_normal((2, 3, 4)).astype(np.float32)])
        assert em.normalized_shape == tm.normalized_shape


def test_layer_norm_empty_batch():
    check_op(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (3,), w, b),
             [(0, 3), (3,), (3,)])


LN_ERRORS = {
    "shape": lambda lib, x: lib.nn.functional.layer_norm(x, (4,)),
    "shape2": lambda lib, x: lib.nn.functional.layer_norm(x, (3, 2)),
    "too_long": lambda lib, x: lib.nn.functional.layer_norm(x, (1, 2, 3)),
    "weight": lambda lib, x: lib.nn.functional.layer_norm(x, (3,), lib.ones(4)),
    "bias": lambda lib, x: lib.nn.functional.layer_norm(x, (3,), None, lib.ones(2, 3)),
    "empty": lambda lib, x: lib.nn.functional.layer_norm(x, ()),
    "int": lambda lib, x: lib.nn.functional.layer_norm(x, 3),
    "long": lambda lib, x: lib.nn.functional.layer_norm(x.long(), (3,)),
    "mixed": lambda lib, x: lib.nn.functional.layer_norm(x, (3,), None,
                                                         lib.ones(3, dtype=lib.float64)),
    "module": lambda lib, x: lib.nn.LayerNorm(4)(x),
}


@pytest.mark.parametrize("case", sorted(LN_ERRORS))
def test_layer_norm_errors(case):
    check_error(LN_ERRORS[case], np.arange(6, dtype=np.float32).reshape(2, 3))


def test_layer_norm_gradcheck():
    gradcheck(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (2, 3), w, b),
              [(2, 2, 3), (2, 3), (2, 3)])


def test_layer_norm_double_backward():
    check_double_backward(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b),
                          [(3, 4), (4,), (4,)])
    check_double_backward(lambda lib, x: lib.nn.functional.layer_norm(x, (2, 3)), [(2, 2, 3)])


def test_layer_norm_values_by_hand():
    y = ember.nn.functional.layer_norm(ember.tensor([[1.0, 3.0], [2.0, 5.0]]), (2,), eps=0.0)
    np.testing.assert_allclose(y.numpy()[0], [-1.0, 1.0], atol=1e-6)


# -- group_norm --------------------------------------------------------------------------------

GN_CASES = [((3, 6), 2), ((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4, 3), 1), ((2, 4, 3), 4)]


@pytest.mark.parametrize("shape,groups", GN_CASES)
def test_group_norm(shape, groups):
    c = shape[1]
    check_op(lambda lib, x, w, b: lib.nn.functional.group_norm(x, groups, w, b),
             [shape, (c,), (c,)])
    check_op(lambda lib, x: lib.nn.functional.group_norm(x, groups, eps=1e-3), [shape])


def test_group_norm_module():
    for kwargs in ({}, {"affine": False}, {"bias": False}):
        tm = torch.nn.GroupNorm(2, 6, **kwargs)
        em = ember.nn.GroupNorm(2, 6, **kwargs)
        rng = np.random.default_rng(4)
        if tm.weight is not None:
            with torch.no_grad():
                tm.weight.copy_(torch.tensor(rng.uniform(0.5, 1.5, 6)))
        _copy_module(tm, em)
        _compare_modules(tm, em, [rng.standard_normal((3, 6, 2, 2)).astype(np.float32)])


GN_ERRORS = {
    "divisible": lambda lib, x: lib.nn.functional.group_norm(x, 2),
    "one_dim": lambda lib, x: lib.nn.functional.group_norm(x[0, 0], 1),
    "weight": lambda lib, x: lib.nn.functional.group_norm(x, 3, lib.ones(2)),
    "bias": lambda lib, x: lib.nn.functional.group_norm(x, 3, None, lib.ones(2)),
    "bias_with_weight": lambda lib, x: lib.nn.functional.group_norm(x, 3, lib.ones(3),
                                                                    lib.ones(2)),
    "batch": lambda lib, x: lib.nn.functional.group_norm(x[:1, :, 0], 3),
    "module": lambda lib, x: lib.nn.GroupNorm(2, 3),
    "long": lambda lib, x: lib.nn.functional.group_norm(x.long(), 3),
    "mixed": lambda lib, x: lib.nn.functional.group_norm(x.double(), 3, lib.ones(3)),
}


@pytest.mark.parametrize("case", sorted(GN_ERRORS))
def test_group_norm_errors(case):
    check_error(GN_ERRORS[case], np.arange(24, dtype=np.float32).reshape(2, 3, 4))


def test_group_norm_gradcheck():
    gradcheck(lambda lib, x, w, b: lib.nn.functional.group_norm(x, 2, w, b),
              [(2, 4, 3), (4,), (4,)])


def test_group_norm_double_backward():
    check_double_backward(lambda lib, x, w, b: lib.nn.functional.group_norm(x, 2, w, b),
                          [(2, 4, 3), (4,), (4,)])


# -- rms_norm, local_response_norm -------------------------------------------------------------

@pytest.mark.parametrize("shape,nshape", LN_CASES)
def test_rms_norm(shape, nshape):
    check_op(lambda lib, x, w: lib.nn.functional.rms_norm(x, nshape, w), [shape, nshape])
    check_op(lambda lib, x: lib.nn.functional.rms_norm(x, nshape, eps=1e-3), [shape])


def test_rms_norm_module_and_errors():
    tm, em = torch.nn.RMSNorm([3]), ember.nn.RMSNorm([3])
    _compare_modules(tm, em, [np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)])
    check_error(lambda lib, x: lib.nn.functional.rms_norm(x, (4,)),
                np.ones((2, 3), np.float32))
    check_error(lambda lib, x: lib.nn.functional.rms_norm(x, (3,), lib.ones(4)),
                np.ones((2, 3), np.float32))


def test_rms_norm_double_backward():
    check_double_backward(lambda lib, x, w: lib.nn.functional.rms_norm(x, (4,), w),
                          [(3, 4), (4,)])


@pytest.mark.parametrize("shape,size", [((2, 5, 3), 2), ((2, 5, 3), 3), ((2, 6, 2, 3), 4),
                                        ((1, 4, 2, 2, 2), 1), ((2, 3, 4), 5)])
def test_local_response_norm(shape, size):
    check_op(lambda lib, x: lib.nn.functional.local_response_norm(x, size, alpha=0.5,
                                                                   beta=0.6, k=1.5), [shape])
    tm, em = torch.nn.LocalResponseNorm(size), ember.nn.LocalResponseNorm(size)
    _compare_modules(tm, em, [np.random.default_rng(1).standard_normal(shape).astype(np.float32)])


def test_local_response_norm_errors_and_empty():
    check_error(lambda lib, x: lib.nn.functional.local_response_norm(x, 2),
                np.ones((2, 3), np.float32))
    e = ember.zeros(0, 3, 2)
    assert ember.nn.functional.local_response_norm(e, 2) is e


def test_local_response_norm_double_backward():
    check_double_backward(lambda lib, x: lib.nn.functional.local_response_norm(x, 3, alpha=0.5),
                          [(2, 4, 3)])


# -- training a small model end to end ---------------------------------------------------------

def test_mlp_with_norms_trains_like_torch():
    def build(lib):
        nn = lib.nn
        lib.manual_seed(0)
        return nn.Sequential(nn.Linear(6, 8), nn.BatchNorm1d(8), nn.ReLU(),
                             nn.Linear(8, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    tm, em = both(build)
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((16, 6)).astype(np.float32) for _ in range(4)]
    ys = [rng.standard_normal((16, 2)).astype(np.float32) for _ in range(4)]
    for lib, m in ((torch, tm), (ember, em)):
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        for x, y in zip(xs, ys):
            opt.zero_grad()
            loss = lib.nn.functional.mse_loss(m(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            opt.step()
    for (n, a), (_, b) in zip(tm.state_dict().items(), em.state_dict().items()):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)
    tm.eval()
    em.eval()
    np.testing.assert_allclose(em(ember.tensor(xs[0])).detach().numpy(),
                               tm(torch.tensor(xs[0])).detach().numpy(), rtol=1e-4, atol=1e-5)
