"""Top-level settings, predicates, torch.compile, top-level aliases of functional ops,
pixel/channel shuffle and the multi-margin losses (ember._misc, nn.functional's s2 section)."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward

RNG = np.random.default_rng(0)


def arr(*shape, dtype=np.float32, low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape).astype(dtype)


def _restore(fn):
    """Run fn, then put the global settings of both libraries back."""
    try:
        fn()
    finally:
        for lib in (torch, ember):
            lib.use_deterministic_algorithms(False)
            lib.set_float32_matmul_precision("highest")
            lib.set_warn_always(False)
            lib.set_default_device(None)


# -- settings ---------------------------------------------------------------------------------

def test_num_threads():
    old = ember.get_num_threads()
    assert isinstance(old, int) and old >= 1
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    ember.set_num_threads(old)
    assert ember.get_num_threads() == old
    assert isinstance(ember.get_num_interop_threads(), int)
    assert ember.init_num_threads() is None


@pytest.mark.parametrize("args", [(0,), (-1,), (1.5,), ("a",), (True,), ()])
def test_set_num_threads_error(args):
    check_error(lambda lib: lib.set_num_threads(*args))


def test_get_num_threads_error():
    check_error(lambda lib: lib.get_num_threads(1))


def test_set_num_interop_threads():
    check_error(lambda lib: lib.set_num_interop_threads(0))
    import ember._misc as m
    prev = m._interop_threads
    m._interop_threads = None
    try:
        ember.set_num_interop_threads(3)
        assert ember.get_num_interop_threads() == 3
        with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
            ember.set_num_interop_threads(2)
    finally:
        m._interop_threads = prev


def test_deterministic():
    def run():
        for lib in (torch, ember):
            states = []
            for call in (lambda: lib.use_deterministic_algorithms(True),
                         lambda: lib.use_deterministic_algorithms(True, warn_only=True),
                         lambda: lib.use_deterministic_algorithms(False),
                         lambda: lib.set_deterministic_debug_mode("warn"),
                         lambda: lib.set_deterministic_debug_mode("error"),
                         lambda: lib.set_deterministic_debug_mode(0),
                         lambda: lib.set_deterministic_debug_mode(2)):
                assert call() is None
                states.append((lib.are_deterministic_algorithms_enabled(),
                               lib.is_deterministic_algorithms_warn_only_enabled(),
                               lib.get_deterministic_debug_mode()))
            if lib is torch:
                expected = states
            else:
                assert states == expected
    _restore(run)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.use_deterministic_algorithms(1),
    lambda lib: lib.use_deterministic_algorithms(True, warn_only=1),
    lambda lib: lib.set_deterministic_debug_mode("x"),
    lambda lib: lib.set_deterministic_debug_mode(3),
    lambda lib: lib.set_deterministic_debug_mode(1.0),
    lambda lib: lib.set_float32_matmul_precision(1),
    lambda lib: lib.set_flush_denormal(1),
    lambda lib: lib.set_warn_always(1),
])
def test_settings_error(fn):
    _restore(lambda: check_error(fn))


def test_float32_matmul_precision():
    def run():
        for p in ("high", "medium", "highest"):
            ember.set_float32_matmul_precision(p)
            assert ember.get_float32_matmul_precision() == p
        with pytest.warns(UserWarning, match="has no effect"):
            ember.set_float32_matmul_precision("x")
        assert ember.get_float32_matmul_precision() == "highest"
    _restore(run)


def test_flush_denormal_and_warn_always():
    def run():
        assert ember.set_flush_denormal(True) is False     # ember cannot flush: as torch w/o DAZ
        assert ember.set_flush_denormal(False) is False
        ember.set_warn_always(True)
        assert ember.is_warn_always_enabled() is True
        ember.set_warn_always(False)
        assert ember.is_warn_always_enabled() is False
    _restore(run)


def test_default_device():
    def run():
        assert repr(ember.get_default_device()) == repr(torch.get_default_device())
        for d in ("cpu", "cpu:0", None):
            torch.set_default_device(d)
            ember.set_default_device(d)
            assert repr(ember.get_default_device()) == repr(torch.get_default_device())
        ember.set_default_device(ember.device("cpu"))
        assert ember.get_default_device() == ember.device("cpu")
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            ember.set_default_device("cuda")
        assert ember.get_default_device() == ember.device("cpu")
        check_error(lambda lib: lib.set_default_device("foo"))
        check_error(lambda lib: lib.set_default_device(3))
    _restore(run)


# -- predicates -------------------------------------------------------------------------------

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128"]


@pytest.mark.parametrize("dt", DTYPES)
def test_dtype_predicates(dt):
    t = torch.zeros(3, dtype=getattr(torch, dt))
    e = ember.zeros(3, dtype=getattr(ember, dt))
    assert ember.typename(e) == torch.typename(t)
    assert ember.is_signed(e) == torch.is_signed(t) == e.is_signed()
    assert ember.is_floating_point(e) == torch.is_floating_point(t)
    assert ember.is_complex(e) == torch.is_complex(t)
    assert e.itemsize == t.itemsize and e.nbytes == t.nbytes
    assert e[1:].nbytes == t[1:].nbytes


def test_typename_other():
    for obj in (3, "a", int, np.zeros(1)):
        assert ember.typename(obj) == torch.typename(obj)
    assert ember.typename(ember.nn.Linear(1, 1)) == "ember.nn.modules.linear.Linear"
    assert ember.typename(ember.nn.Parameter(ember.zeros(1))) == "torch.FloatTensor"


@pytest.mark.parametrize("a", [np.array([0.0]), np.array(1.5), np.array([[False]]),
                               np.array(float("nan")), np.array([3], dtype=np.int64)])
def test_is_nonzero(a):
    assert ember.is_nonzero(ember.tensor(a)) == torch.is_nonzero(torch.tensor(a))
    assert ember.tensor(a).is_nonzero() == torch.tensor(a).is_nonzero()


@pytest.mark.parametrize("fn, args", [
    (lambda lib, x: lib.is_nonzero(x), (np.zeros(0),)),
    (lambda lib, x: lib.is_nonzero(x), (np.zeros(2),)),
    (lambda lib, x: x.is_nonzero(), (np.zeros(2),)),
    (lambda lib: lib.is_nonzero(1), ()),
    (lambda lib: lib.is_floating_point(1), ()),
    (lambda lib: lib.is_complex(1.0), ()),
    (lambda lib: lib.is_signed(1), ()),
    (lambda lib: lib.detach(1), ()),
    (lambda lib, x: lib.is_same_size(x, 1), (np.zeros(2),)),
])
def test_predicates_error(fn, args):
    check_error(fn, *args)


def test_is_same_size():
    for s1, s2 in [((2, 3), (2, 3)), ((2, 3), (3, 2)), ((), ()), ((0,), (0, 1))]:
        want = torch.is_same_size(torch.zeros(s1), torch.zeros(s2))
        assert ember.is_same_size(ember.zeros(s1), ember.zeros(s2)) == want
        assert ember.zeros(s1).is_same_size(ember.zeros(s2)) == want


def test_detach():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ember.detach(x * 2)
    assert not y.requires_grad and y.grad_fn is None
    assert y.tolist() == [2.0, 4.0]


def test_tensor_device_attrs():
    e, t = ember.zeros(2), torch.zeros(2)
    assert e.get_device() == t.get_device() == -1
    assert e.is_cpu is t.is_cpu is True
    assert e.is_inference() is t.is_inference() is False
    assert e.is_pinned() is t.is_pinned() is False
    check_error(lambda lib: lib.zeros(2).pin_memory())
    assert not e.is_shared()
    assert e.share_memory_() is e
    assert e.is_shared() and e[1:].is_shared()


# -- Tensor.new, apply_, map_ ------------------------------------------------------------------

@pytest.mark.parametrize("dt", ["int32", "float64", "float32"])
@pytest.mark.parametrize("args", [([1.5, 2],), (2, 3), (), ((1, 2),), ("size",)])
def test_new(dt, args):
    if args == ("size",):
        args = (torch.Size([2]),), (ember.Size([2]),)
    else:
        args = args, args
    t = torch.zeros(1, dtype=getattr(torch, dt)).new(*args[0])
    e = ember.zeros(1, dtype=getattr(ember, dt)).new(*args[1])
    assert tuple(e.shape) == tuple(t.shape) and repr(e.dtype) == str(t.dtype)
    assert not e.requires_grad
    if args[0] and isinstance(args[0][0], list):
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("fn", [
    lambda lib: lib.zeros(1, dtype=lib.int32).new(lib.tensor([1.5])),
    lambda lib: lib.zeros(1).new("a"),
    lambda lib: lib.zeros(1).new(2.5),
    lambda lib: lib.zeros(1, dtype=lib.int32).new(2, dtype=lib.float32),
])
def test_new_error(fn):
    check_error(fn)


def test_new_same_dtype_tensor():
    """x.new(y) of x's dtype: a view of y (AliasBackward0), not y itself."""
    out = []
    for lib in (torch, ember):
        y = lib.tensor([1.0, 2.0], requires_grad=True)
        a = y.new(y)
        z = lib.ones(2)
        b = z.new(z)
        b.add_(1)
        out.append((a is y, a.requires_grad, type(a.grad_fn).__name__, z.tolist(), z._version))
    assert out[0] == out[1]


@pytest.mark.parametrize("dt, f", [
    ("float32", lambda v: v * 2 + 1), ("int64", lambda v: v * 2.7), ("bool", lambda v: not v),
    ("float64", lambda v: True), ("complex64", lambda v: v * 1j), ("uint8", lambda v: v + 3),
])
def test_apply_(dt, f):
    a = np.array([1, 0, 3, 2])
    t = torch.tensor(a).to(getattr(torch, dt))
    e = ember.tensor(a).to(getattr(ember, dt))
    assert e.apply_(f) is e
    t.apply_(f)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_apply_view():
    for lib in (torch, ember):
        v = lib.zeros(3)
        v[::2].apply_(lambda q: 5.0)
        assert v.tolist() == [5.0, 0.0, 5.0]


def test_map_():
    for other in ([10.0, 20.0], [10.0]):
        t = torch.tensor([1.0, 2.0]).map_(torch.tensor(other), lambda a, b: a * b + 1)
        e = ember.tensor([1.0, 2.0]).map_(ember.tensor(other), lambda a, b: a * b + 1)
        assert e.tolist() == t.tolist()


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([1.0], requires_grad=True).apply_(lambda v: v),
    lambda lib: lib.tensor([1.0], requires_grad=True).map_(lib.zeros(1), lambda a, b: a),
    lambda lib: lib.tensor([1.0]).map_(lib.zeros(1, requires_grad=True), lambda a, b: a),
    lambda lib: lib.tensor([1.0]).apply_(lambda v: None),
    lambda lib: lib.tensor([1, 2], dtype=lib.uint8).apply_(lambda q: q + 300),
    lambda lib: lib.tensor([1.0, 2.0]).map_(lib.tensor([1, 2]), lambda a, b: a),
    lambda lib: lib.tensor([1.0, 2.0]).map_(lib.zeros(3), lambda a, b: a),
])
def test_apply_map_error(fn):
    check_error(fn)


# -- compile ----------------------------------------------------------------------------------

def test_compile():
    import ember._misc as m
    m._compile_warned = False
    f = lambda x: x * 2          # noqa: E731
    with pytest.warns(UserWarning, match="no compiler"):
        assert ember.compile(f) is f
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ember.compile(f, mode="max-autotune") is f       # warns once only
    model = ember.nn.Linear(2, 2)
    assert ember.compile(model) is model

    @ember.compile
    def g(x):
        return x + 1

    @ember.compile(fullgraph=True, dynamic=False)
    def h(x):
        return x - 1
    assert g(1) == 2 and h(1) == 0


@pytest.mark.parametrize("fn", [
    lambda lib: lib.compile(3),
    lambda lib: lib.compile(lambda x: x, mode="foo"),
    lambda lib: lib.compile(lambda x: x, mode="default", options={"a": 1}),
])
def test_compile_error(fn):
    check_error(fn)


# -- top-level aliases of functional ops --------------------------------------------------------

def test_conv_aliases():
    check_op(lambda lib, x, w, b: lib.conv1d(x, w, b, 1, 1), [(2, 3, 7), (4, 3, 3), (4,)])
    check_op(lambda lib, x, w: lib.conv2d(x, w, None, 2, 0, 1, 1),
             [(1, 2, 5, 5), (3, 2, 3, 3)])
    check_op(lambda lib, x, w: lib.conv3d(x, w, padding="same"), [(1, 2, 4, 4, 4), (2, 2, 3, 3, 3)])
    check_op(lambda lib, x, w: lib.conv_transpose1d(x, w, None, 2), [(1, 2, 5), (2, 3, 3)])
    check_op(lambda lib, x, w: lib.conv_transpose2d(x, w, stride=2, output_padding=1),
             [(1, 2, 3, 3), (2, 3, 3, 3)])
    check_op(lambda lib, x, w: lib.conv_transpose3d(x, w), [(1, 2, 3, 3, 3), (2, 1, 2, 2, 2)])


def _seeded(fn):
    def run(lib, *xs):
        lib.manual_seed(3)
        return fn(lib, *xs)
    return run


@pytest.mark.parametrize("name", ["dropout", "alpha_dropout", "feature_dropout",
                                  "feature_alpha_dropout"])
@pytest.mark.parametrize("train", [True, False])
def test_dropout_aliases(name, train):
    check_op(_seeded(lambda lib, x: getattr(lib, name)(x * 1, 0.4, train)), [(4, 3, 5)])
    check_op(_seeded(lambda lib, x: getattr(lib, name + "_")(x * 1, 0.4, train)), [(4, 3, 5)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.dropout(x, 1.5, True),
    lambda lib, x: lib.feature_dropout(x, -0.1, True),
    lambda lib, x: lib.dropout(x, 0.5),
    lambda lib, x: lib.feature_dropout(x[0, 0], 0.5, True),
])
def test_dropout_aliases_error(fn):
    check_error(fn, arr(2, 3))


def test_norm_aliases():
    check_op(lambda lib, x, w, b: lib.layer_norm(x, [4], w, b, 1e-5, True),
             [(2, 3, 4), (4,), (4,)])
    check_op(lambda lib, x, w: lib.rms_norm(x, [4], w), [(2, 3, 4), (4,)])
    check_op(lambda lib, x, w, b: lib.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)])
    check_op(lambda lib, x, w, b: lib.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
             [(5, 3, 2), (3,), (3,)])
    check_op(lambda lib, x: lib.instance_norm(x, None, None, None, None, True, 0.1, 1e-5,
                                              False), [(2, 3, 4)])


def test_batch_norm_alias_running_stats():
    x = arr(6, 3)
    rt, re_ = torch.zeros(3), ember.zeros(3)
    vt, ve = torch.ones(3), ember.ones(3)
    t = torch.batch_norm(torch.tensor(x), None, None, rt, vt, True, 0.2, 1e-5, False)
    e = ember.batch_norm(ember.tensor(x), None, None, re_, ve, True, 0.2, 1e-5, False)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(re_.numpy(), rt.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ve.numpy(), vt.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("padding_idx", [-1, 2])
def test_embedding_alias(padding_idx):
    idx = np.array([[0, 2, 4], [2, 1, 2]])
    check_op(lambda lib, w: lib.embedding(w, lib.tensor(idx), padding_idx), [(5, 3)])


def test_pool_aliases():
    check_op(lambda lib, x: lib.max_pool1d(x, 2), [(2, 3, 6)])
    check_op(lambda lib, x: lib.max_pool1d(x, 3, 2, 1, 1, True), [(2, 3, 7)])
    check_op(lambda lib, x: lib.max_pool2d(x, 2, 1), [(1, 2, 4, 5)])
    check_op(lambda lib, x: lib.avg_pool1d(x, 3, 2, 1, False, False), [(2, 3, 7)])
    check_op(lambda lib, x: lib.adaptive_avg_pool1d(x, 3), [(2, 3, 7)])
    check_op(lambda lib, x: lib.adaptive_max_pool1d(x, 3), [(2, 3, 7)])
    out = ember.adaptive_max_pool1d(ember.zeros(1, 2, 4), 2)
    assert type(out) is tuple and len(out) == 2
    check_error(lambda lib, x: lib.max_pool1d(x, 2, return_indices=True), arr(1, 2, 4))


def test_bilinear_alias():
    check_op(lambda lib, a, b, w, c: lib.bilinear(a, b, w, c),
             [(3, 2), (3, 4), (5, 2, 4), (5,)])


POS = dict(low=0.1, high=0.9)


@pytest.mark.parametrize("red", [0, 1, 2])
def test_loss_aliases(red):
    sign = np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]])
    check_op(lambda lib, x, t: lib.binary_cross_entropy_with_logits(x, t.detach(), None,
                                                                     None, red),
             [(2, 3), (2, 3)])
    check_op(lambda lib, x, w, pw, t: lib.binary_cross_entropy_with_logits(
        x, t.detach(), w.detach(), pw.detach(), reduction=red), [(2, 3), (3,), (3,), (2, 3)])
    check_op(lambda lib, a, b: lib.cosine_embedding_loss(a, b, lib.tensor([1.0, -1.0]), 0.1,
                                                         red), [(2, 3), (2, 3)])
    check_op(lambda lib, x: lib.hinge_embedding_loss(x, lib.tensor(sign).to(x.dtype), 0.5, red),
             [(2, 3)])
    check_op(lambda lib, x, t: lib.kl_div(x, t.detach(), red), [(2, 3), (2, 3)], **POS)
    check_op(lambda lib, x, t: lib.kl_div(x, t, red, log_target=True), [(2, 3), (2, 3)])
    check_op(lambda lib, a, b: lib.margin_ranking_loss(a, b, lib.tensor(sign).to(a.dtype), 0.2,
                                                       red), [(2, 3), (2, 3)])
    check_op(lambda lib, x, t: lib.poisson_nll_loss(x, t.detach(), True, True, 1e-8, red),
             [(2, 3), (2, 3)], **POS)
    check_op(lambda lib, x, t: lib.poisson_nll_loss(x, t.detach(), False, False, 1e-6, red),
             [(2, 3), (2, 3)], **POS)
    check_op(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, True, red),
             [(4, 3), (4, 3), (4, 3)])


def test_loss_aliases_default_reduction():
    # torch 2.13's bindings reduce nothing when reduction is left out
    check_op(lambda lib, x, t: lib.kl_div(x, t.detach()), [(2, 3), (2, 3)], **POS)
    check_op(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n), [(4, 3), (4, 3), (4, 3)])


@pytest.mark.parametrize("red", [0, 1, 2])
def test_ctc_loss_alias(red):
    targets = np.array([[1, 2], [1, 1]])

    def fn(lib, x):
        lp = x.log_softmax(2)
        return lib.ctc_loss(lp, lib.tensor(targets), [5, 5], [2, 2], 0, red)
    check_op(fn, [(5, 2, 4)])


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.kl_div(x, x, "mean"),
    lambda lib, x: lib.hinge_embedding_loss(x, x, 1.0, "sum"),
    lambda lib, x: lib.binary_cross_entropy_with_logits(x, x, None, None, 1.5),
])
def test_loss_aliases_error(fn):
    check_error(fn, arr(2, 3))


@pytest.mark.parametrize("training", [False, True])
def test_rrelu_alias(training):
    check_op(_seeded(lambda lib, x: lib.rrelu(x, 0.1, 0.3, training)), [(3, 4)])
    check_op(_seeded(lambda lib, x: lib.rrelu_(x * 1, 0.1, 0.3, training)), [(3, 4)])


# -- pixel_shuffle / pixel_unshuffle / channel_shuffle -----------------------------------------

@pytest.mark.parametrize("shape, r", [((1, 8, 2, 3), 2), ((2, 9, 2, 2), 3), ((4, 1, 1), 2),
                                      ((2, 2, 4, 1, 2), 2)])
def test_pixel_shuffle(shape, r):
    check_op(lambda lib, x: lib.pixel_shuffle(x, r), [shape])
    check_op(lambda lib, x: lib.nn.functional.pixel_shuffle(x, r), [shape])
    check_op(lambda lib, x: lib.nn.PixelShuffle(r)(x), [shape])


@pytest.mark.parametrize("shape, r", [((1, 2, 4, 6), 2), ((2, 1, 3, 6), 3), ((1, 2, 2), 2),
                                      ((2, 1, 2, 4, 2), 2)])
def test_pixel_unshuffle(shape, r):
    check_op(lambda lib, x: lib.pixel_unshuffle(x, r), [shape])
    check_op(lambda lib, x: lib.nn.PixelUnshuffle(r)(x), [shape])


@pytest.mark.parametrize("shape, g", [((1, 6, 2, 2), 2), ((2, 6, 3), 3), ((2, 4, 1, 2, 2), 4),
                                      ((3, 5, 2), 1)])
def test_channel_shuffle(shape, g):
    check_op(lambda lib, x: lib.channel_shuffle(x, g), [shape])
    check_op(lambda lib, x: lib.nn.functional.channel_shuffle(x, g), [shape])
    check_op(lambda lib, x: lib.nn.ChannelShuffle(g)(x), [shape])


def test_shuffle_int_and_repr():
    a = np.arange(16).reshape(1, 4, 2, 2)
    assert ember.pixel_shuffle(ember.tensor(a), 2).tolist() == \
        torch.pixel_shuffle(torch.tensor(a), 2).tolist()
    assert ember.channel_shuffle(ember.tensor(a), 2).tolist() == \
        torch.channel_shuffle(torch.tensor(a), 2).tolist()
    assert repr(ember.nn.PixelShuffle(2)) == repr(torch.nn.PixelShuffle(2))
    assert repr(ember.nn.PixelUnshuffle(3)) == repr(torch.nn.PixelUnshuffle(3))
    assert repr(ember.nn.ChannelShuffle(2)) == repr(torch.nn.ChannelShuffle(2))


@pytest.mark.parametrize("fn, shape", [
    (lambda lib, x: lib.pixel_shuffle(x, 2), (1, 3, 2, 2)),
    (lambda lib, x: lib.pixel_shuffle(x, 2), (3, 2)),
    (lambda lib, x: lib.pixel_shuffle(x, 0), (1, 4, 2, 2)),
    (lambda lib, x: lib.pixel_unshuffle(x, 2), (1, 1, 3, 4)),
    (lambda lib, x: lib.pixel_unshuffle(x, 2), (1, 1, 4, 3)),
    (lambda lib, x: lib.pixel_unshuffle(x, 2), (4, 3)),
    (lambda lib, x: lib.pixel_unshuffle(x, 0), (1, 1, 4, 4)),
    (lambda lib, x: lib.channel_shuffle(x, 2), (1, 3, 2, 2)),
    (lambda lib, x: lib.channel_shuffle(x, 2), (4,)),
    (lambda lib, x: lib.channel_shuffle(x, 2), (1, 4)),
    (lambda lib, x: lib.channel_shuffle(x, 0), (1, 4, 2, 2)),
])
def test_shuffle_error(fn, shape):
    check_error(fn, arr(*shape))


def test_shuffle_gradcheck_double_backward():
    gradcheck(lambda lib, x: lib.pixel_shuffle(x, 2) * lib.pixel_shuffle(x, 2), [(1, 4, 2, 1)])
    check_double_backward(lambda lib, x: lib.pixel_shuffle(x, 2) ** 2, [(1, 4, 2, 2)])
    check_double_backward(lambda lib, x: lib.pixel_unshuffle(x, 2) ** 2, [(1, 1, 4, 2)])
    check_double_backward(lambda lib, x: lib.channel_shuffle(x, 3) ** 2, [(2, 6, 2)])


# -- F.pdist ----------------------------------------------------------------------------------

@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_functional_pdist(p):
    check_op(lambda lib, x: lib.nn.functional.pdist(x, p), [(4, 3)])


# -- multi_margin_loss / multilabel_margin_loss -----------------------------------------------

MM_TARGET = np.array([0, 3, 1])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss(reduction, p):
    y = MM_TARGET
    check_op(lambda lib, x: lib.nn.functional.multi_margin_loss(
        x, lib.tensor(y), p, 0.7, reduction=reduction), [(3, 4)])
    check_op(lambda lib, x, w: lib.nn.functional.multi_margin_loss(
        x, lib.tensor(y), p, 1.0, w.detach(), reduction=reduction), [(3, 4), (4,)])
    check_op(lambda lib, x: lib.nn.MultiMarginLoss(p=p, reduction=reduction)(
        x, lib.tensor(np.array([2]))), [(4,)])
    check_op(lambda lib, x: lib.nn.functional.multi_margin_loss(
        x, lib.tensor(np.array(2)), p, reduction=reduction), [(4,)])


def test_multi_margin_loss_gradcheck():
    gradcheck(lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor(MM_TARGET), 2),
              [(3, 4)])


def test_multi_margin_loss_double_backward_error():
    for name, fn in [("multi_margin_loss_backward",
                      lambda F, x: F.multi_margin_loss(x, ember.tensor(MM_TARGET))),
                     ("multilabel_margin_loss_backward",
                      lambda F, x: F.multilabel_margin_loss(x, ember.tensor(ML_TARGET)))]:
        x = ember.tensor(arr(3, 4, dtype=np.float64), requires_grad=True)
        g, = ember.autograd.grad(fn(ember.nn.functional, x), x, create_graph=True)
        assert type(g.grad_fn).__name__ == "NotImplemented"
        with pytest.raises(RuntimeError, match=f"derivative for aten::{name} is not"):
            ember.autograd.grad(g.sum(), x)


@pytest.mark.parametrize("fn, args", [
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 1]), p=3), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 4, 1])), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, -1, 1])), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1])), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0.0, 1, 1])), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 1]),
                                                        weight=lib.ones(3)), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 1]),
                                                        weight=lib.ones(4).double()), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 1]),
                                                        reduction="x"), ()),
    (lambda lib, x: lib.nn.functional.multi_margin_loss(x.reshape(3, 2, 2),
                                                        lib.tensor([0, 1, 1])), ()),
    (lambda lib, x: lib.nn.MultiMarginLoss(p=3), ()),
    (lambda lib, x: lib.nn.MultiMarginLoss(weight=lib.ones(2, 2)), ()),
])
def test_multi_margin_loss_error(fn, args):
    check_error(fn, arr(3, 4))


ML_TARGET = np.array([[0, 3, -1, 0], [1, -1, 2, 2], [2, 1, 0, 3]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multilabel_margin_loss(reduction):
    check_op(lambda lib, x: lib.nn.functional.multilabel_margin_loss(
        x, lib.tensor(ML_TARGET), reduction=reduction), [(3, 4)], low=-0.6, high=0.6)
    check_op(lambda lib, x: lib.nn.MultiLabelMarginLoss(reduction=reduction)(
        x, lib.tensor(np.array([3, 0, -1, 1]))), [(4,)], low=-0.6, high=0.6)
    check_op(lambda lib, x: lib.nn.functional.multilabel_margin_loss(
        x, lib.tensor(np.array([[2, 2, 0], [-1, 1, 0]])), reduction=reduction), [(2, 3)])


def test_multilabel_margin_loss_gradcheck():
    gradcheck(lambda lib, x: lib.nn.functional.multilabel_margin_loss(
        x, lib.tensor(ML_TARGET), reduction="none"), [(3, 4)], low=-0.6, high=0.6)


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.nn.functional.multilabel_margin_loss(x, lib.tensor(ML_TARGET[:2])),
    lambda lib, x: lib.nn.functional.multilabel_margin_loss(x, lib.tensor(ML_TARGET).float()),
    lambda lib, x: lib.nn.functional.multilabel_margin_loss(x, lib.tensor(ML_TARGET + 1)),
    lambda lib, x: lib.nn.functional.multilabel_margin_loss(x.reshape(3, 2, 2),
                                                            lib.tensor(ML_TARGET)),
    lambda lib, x: lib.nn.functional.multilabel_margin_loss(x, lib.tensor(ML_TARGET[:, :3])),
])
def test_multilabel_margin_loss_error(fn):
    check_error(fn, arr(3, 4))


def test_margin_loss_module_repr():
    assert repr(ember.nn.MultiMarginLoss(p=2, margin=0.5)) == "MultiMarginLoss()"
    assert repr(ember.nn.MultiLabelMarginLoss()) == "MultiLabelMarginLoss()"
