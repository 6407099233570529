"""Dropout (masks drawn like torch's after manual_seed, train/eval), Embedding and
EmbeddingBag against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import check_op, check_error, gradcheck, check_double_backward


def both(fn):
    return fn(torch), fn(ember)


def raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - type and text are compared
        return type(e).__name__, str(e)
    raise AssertionError("nothing raised")


def assert_same_arrays(t, e):
    assert len(t) == len(e)
    for a, b in zip(t, e):
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape
            np.testing.assert_array_equal(b, a)
        else:
            assert a == b


def seeded(fn, seed=0):
    """fn(lib) after lib.manual_seed(seed), for torch and ember."""
    def run(lib):
        lib.manual_seed(seed)
        return fn(lib)
    return both(run)


def np_of(t):
    return t.detach().numpy().copy()


# -- dropout: masks equal to torch's -----------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(7,), (4, 5), (3, 4, 5), (2, 3, 17, 5)])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_mask_matches_torch(shape, p, dtype):
    def run(lib):
        x = lib.ones(shape, dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.nn.functional.dropout(x, p)
        y2 = lib.nn.functional.dropout(x, p, training=True)     # the stream goes on
        return [np_of(y), np_of(y2), type(y.grad_fn).__name__]
    t, e = seeded(run)
    assert_same_arrays(t, e)


def test_dropout_mask_non_contiguous_input():
    def run(lib):
        x = lib.ones(6, 5).t()
        return [np_of(lib.nn.functional.dropout(x, 0.4))]
    assert_same_arrays(*seeded(run, 3))


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4)])
def test_dropout_values_and_grads(shape):
    """Same mask on both sides, so check_op can compare values and gradients."""
    def fn(lib, x):
        lib.manual_seed(1)
        return lib.nn.functional.dropout(x, 0.3)
    check_op(fn, [shape])
    check_op(lambda lib, x: (lib.manual_seed(2), x * lib.nn.functional.dropout(x * 2, 0.6))[1],
             [shape])


def test_dropout_eval_and_edges_return_input():
    def run(lib):
        F = lib.nn.functional
        x = lib.randn(3, 4)
        x4 = lib.randn(2, 3, 4, 4)
        return [F.dropout(x, 0.5, training=False) is x, F.dropout(x, 0.0) is x,
                F.dropout(x, 0.5, False, True) is x, F.dropout2d(x4, 0.5, False) is x4,
                F.alpha_dropout(x, 0.5) is x, F.feature_alpha_dropout(x, 0.5) is x,
                F.dropout(lib.ones(0, 3), 0.5).shape == (0, 3)]
    t, e = both(run)
    assert e == t


def test_dropout_p_one_and_grad_fn():
    def run(lib):
        x = lib.randn(3, 4, requires_grad=True)
        y = lib.nn.functional.dropout(x, 1.0)
        y.sum().backward()
        return [np_of(y), np_of(x.grad), type(y.grad_fn).__name__,
                [type(f).__name__ for f, _ in y.grad_fn.next_functions]]
    assert_same_arrays(*seeded(run))


def test_dropout_inplace():
    def run(lib):
        x = lib.randn(4, 6)
        y = x * 1.0
        z = lib.nn.functional.dropout(y, 0.5, inplace=True)
        return [z is y, np_of(y), y._version]
    assert_same_arrays(*seeded(run))

    def run_graph(lib):
        x = lib.randn(4, 6, requires_grad=True)
        y = x * 2.0
        lib.nn.functional.dropout(y, 0.5, inplace=True)
        y.backward(lib.ones(4, 6))
        return [type(y.grad_fn).__name__, np_of(x.grad)]
    assert_same_arrays(*seeded(run_graph))


@pytest.mark.parametrize("name,shape", [("dropout1d", (3, 4, 5)), ("dropout1d", (4, 5)),
                                        ("dropout2d", (2, 3, 4, 5)), ("dropout2d", (3, 4, 5)),
                                        ("dropout3d", (2, 3, 2, 2, 2)),
                                        ("dropout3d", (3, 2, 2, 2)),
                                        ("feature_alpha_dropout", (3, 4, 5)),
                                        ("alpha_dropout", (3, 4, 5))])
@pytest.mark.parametrize("inplace", [False, True])
def test_channel_and_alpha_dropout_match_torch(name, shape, inplace):
    def run(lib):
        x = lib.randn(shape, dtype=lib.float64)
        leaf = x.clone().requires_grad_()
        y0 = leaf * 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = getattr(lib.nn.functional, name)(y0, 0.4, True, inplace)
        y.backward(lib.ones(shape, dtype=lib.float64) * 3)
        out = [np_of(y), np_of(leaf.grad), (y is y0) == inplace]
        if not inplace:
            out.append(type(y.grad_fn).__name__)
        return out
    assert_same_arrays(*seeded(run, 5))


def test_dropout2d_warnings():
    def run(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.functional.dropout2d(lib.ones(2, 3, 4), 0.5)
            lib.nn.functional.dropout2d(lib.ones(2, 3), 0.5)
            lib.nn.functional.dropout3d(lib.ones(2, 3), 0.5)
        return [str(x.message) for x in w]
    t, e = both(run)
    assert e == t


@pytest.mark.parametrize("cls", ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d",
                                 "AlphaDropout", "FeatureAlphaDropout"])
def test_dropout_modules_train_eval_and_repr(cls):
    shape = {"Dropout1d": (2, 3, 4), "Dropout2d": (2, 3, 4, 3)}.get(cls, (2, 3, 4, 3, 2))

    def run(lib):
        m = getattr(lib.nn, cls)(0.25)
        x = lib.randn(shape)
        y = m(x)
        m.eval()
        same = m(x) is x
        m2 = getattr(lib.nn, cls)(p=0.7, inplace=True)
        return [np_of(y), same, repr(m), repr(m2), m2.inplace]
    assert_same_arrays(*seeded(run, 11))


def test_dropout_inside_model_training_steps():
    def run(lib):
        nn = lib.nn
        model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Dropout(0.3), nn.Linear(8, 1))
        opt = lib.optim.SGD(model.parameters(), lr=0.05)
        x = lib.ones(16, 5)
        for _ in range(3):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
        return [np_of(p) for p in model.parameters()]
    t, e = seeded(run, 4)
    for a, b in zip(t, e):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


DROPOUT_ERRORS = {
    "p_high": lambda lib, x: lib.nn.functional.dropout(x, 1.5),
    "p_low": lambda lib, x: lib.nn.functional.dropout2d(x, -0.1),
    "module_p": lambda lib, x: lib.nn.Dropout(2),
    "alpha_p": lambda lib, x: lib.nn.functional.alpha_dropout(x, 1.1),
    "dropout1d_dim": lambda lib, x: lib.nn.functional.dropout1d(x[None, None], 0.5),
    "feature_1d": lambda lib, x: lib.nn.functional.feature_alpha_dropout(x[0, 0], 0.5, True),
    "long": lambda lib, x: lib.nn.functional.dropout(x.long(), 0.5),
    "inplace_leaf": lambda lib, x: lib.nn.functional.dropout(x.requires_grad_(), 0.5,
                                                             inplace=True),
}


@pytest.mark.parametrize("case", sorted(DROPOUT_ERRORS))
def test_dropout_errors(case):
    check_error(DROPOUT_ERRORS[case], np.ones((2, 3), np.float32))


def test_dropout_gradcheck():
    def fn(lib, x):
        lib.manual_seed(0)      # the same mask on every call
        return lib.nn.functional.dropout(x, 0.4) * x
    gradcheck(fn, [(3, 4)])
    gradcheck(lambda lib, x: (lib.manual_seed(1),
                              lib.nn.functional.alpha_dropout(x, 0.3, True))[1], [(3, 4)])


def test_dropout_double_backward():
    def fn(lib, x):
        lib.manual_seed(0)
        return lib.nn.functional.dropout(x * x, 0.5)
    check_double_backward(fn, [(4, 5)])


# -- Embedding ---------------------------------------------------------------------------------

IDX = np.array([[1, 2, 4], [4, 3, 9], [0, 0, 2]])


@pytest.mark.parametrize("indices", [IDX, IDX[0], np.array(3), IDX.astype(np.int32),
                                     np.zeros((2, 0), np.int64), IDX[:, :, None]])
def test_embedding_functional(indices):
    check_op(lambda lib, w: lib.nn.functional.embedding(lib.tensor(indices), w), [(10, 4)])


@pytest.mark.parametrize("padding_idx", [0, 4, -1, -10])
def test_embedding_padding_idx(padding_idx):
    check_op(lambda lib, w: lib.nn.functional.embedding(lib.tensor(IDX), w,
                                                        padding_idx=padding_idx), [(10, 4)])


def test_embedding_scale_grad_by_freq():
    check_op(lambda lib, w: lib.nn.functional.embedding(
        lib.tensor(IDX), w, padding_idx=2, scale_grad_by_freq=True), [(10, 4)])


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, float("inf")])
def test_embedding_max_norm_renorms_in_place(norm_type):
    def run(lib):
        w = lib.tensor(np.random.default_rng(0).uniform(-2, 2, (10, 4)), dtype=lib.float32,
                       requires_grad=True)
        v0 = w._version
        y = lib.nn.functional.embedding(lib.tensor(IDX), w, max_norm=1.5, norm_type=norm_type)
        y.backward(lib.ones(y.shape))
        return [np_of(w), np_of(y), np_of(w.grad), w._version - v0]
    t, e = both(run)
    for a, b in zip(t[:3], e[:3]):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    assert e[3] == t[3]


def test_embedding_module_init_matches_torch():
    def run(lib):
        e1 = lib.nn.Embedding(7, 3)
        e2 = lib.nn.Embedding(5, 4, padding_idx=2)
        e3 = lib.nn.Embedding(20, 16, dtype=lib.float64)
        return [np_of(e1.weight), np_of(e2.weight), np_of(e3.weight),
                e1.weight.requires_grad]
    assert_same_arrays(*seeded(run, 3))


def test_embedding_module_forward_backward_padding():
    def run(lib):
        m = lib.nn.Embedding(10, 3, padding_idx=0)
        y = m(lib.tensor(IDX))
        y.backward(lib.tensor(np.arange(27.0).reshape(3, 3, 3), dtype=lib.float32))
        return [np_of(y), np_of(m.weight.grad), type(y.grad_fn).__name__,
                [type(f).__name__ for f, _ in y.grad_fn.next_functions]]
    assert_same_arrays(*seeded(run))


def test_embedding_module_max_norm():
    def run(lib):
        m = lib.nn.Embedding(10, 3, max_norm=1.0)
        y = m(lib.tensor(IDX))
        return [np_of(m.weight), np_of(y)]
    t, e = seeded(run, 9)
    for a, b in zip(t, e):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_embedding_from_pretrained():
    def run(lib):
        w = lib.tensor(np.arange(12.0).reshape(4, 3), dtype=lib.float32)
        frozen = lib.nn.Embedding.from_pretrained(w)
        free = lib.nn.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
        y = free(lib.tensor([1, 2, 2]))
        y.sum().backward()
        return [frozen.weight.requires_grad, free.weight.requires_grad,
                np_of(frozen(lib.tensor([3, 0]))), np_of(free.weight.grad), repr(free),
                np.shares_memory(frozen.weight.detach().numpy(), w.numpy())]
    assert_same_arrays(*both(run))


def test_embedding_reprs():
    def run(lib):
        nn = lib.nn
        return [repr(m) for m in (nn.Embedding(3, 4), nn.Embedding(3, 4, padding_idx=-1),
                                  nn.Embedding(3, 4, max_norm=2.0, norm_type=1.0,
                                               scale_grad_by_freq=True),
                                  nn.EmbeddingBag(3, 4), nn.EmbeddingBag(3, 4, mode="sum",
                                                                         max_norm=1.5,
                                                                         padding_idx=0),
                                  nn.EmbeddingBag(5, 2, norm_type=3, scale_grad_by_freq=True,
                                                  mode="max"))]
    t, e = both(run)
    assert e == t


def test_embedding_state_dict():
    def run(lib):
        m = lib.nn.Embedding(4, 2)
        return [list(m.state_dict().keys()), [n for n, _ in m.named_parameters()]]
    t, e = both(run)
    assert e == t


def test_embedding_sparse_not_implemented():
    with pytest.raises(NotImplementedError, match="sparse"):
        ember.nn.Embedding(4, 2, sparse=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        ember.nn.functional.embedding(ember.tensor([1]), ember.ones(4, 2), sparse=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        ember.nn.EmbeddingBag(4, 2, sparse=True)


W = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
EMB_ERRORS = {
    "out_of_range": lambda lib, w: lib.nn.functional.embedding(lib.tensor([5]), w),
    "negative": lambda lib, w: lib.nn.functional.embedding(lib.tensor([[0, -1]]), w),
    "float_idx": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1.0]), w),
    "weight_1d": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[0]),
    "padding": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w, padding_idx=5),
    "padding_neg": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w,
                                                              padding_idx=-6),
    "module_padding": lambda lib, w: lib.nn.Embedding(5, 3, padding_idx=7),
    "renorm_float_idx": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1.0]), w,
                                                                   max_norm=1.0),
    "renorm_oor": lambda lib, w: lib.nn.functional.embedding(lib.tensor([1, 7]), w,
                                                             max_norm=1.0),
    "from_pretrained_1d": lambda lib, w: lib.nn.Embedding.from_pretrained(w[0]),
    "weight_shape": lambda lib, w: lib.nn.Embedding(4, 3, _weight=w),
}


@pytest.mark.parametrize("case", sorted(EMB_ERRORS))
def test_embedding_errors(case):
    check_error(EMB_ERRORS[case], W)


def test_embedding_renorm_error_after_partial_renorm():
    def run(lib):
        w = lib.tensor(W * 3)
        r = raised(lambda: lib.nn.functional.embedding(lib.tensor([1, 9, 0]), w, max_norm=1.0))
        return [r, np_of(w)]
    t, e = both(run)
    assert t[0] == e[0]
    np.testing.assert_allclose(e[1], t[1], rtol=1e-6)


def test_embedding_gradcheck():
    # (padding_idx and scale_grad_by_freq change the gradient on purpose: not checked here)
    gradcheck(lambda lib, w: lib.nn.functional.embedding(lib.tensor(IDX), w) ** 2, [(10, 3)])


def test_embedding_double_backward():
    # the gradient of a lookup does not depend on the weight: no second-order graph, as torch
    check_double_backward(lambda lib, w: lib.nn.functional.embedding(lib.tensor(IDX), w),
                          [(10, 3)])
    # through a function of the looked-up rows
    check_double_backward(lambda lib, w: lib.nn.functional.embedding(
        lib.tensor(IDX), w, padding_idx=4).pow(2), [(10, 3)])


# -- EmbeddingBag ------------------------------------------------------------------------------

BAG_IDX = np.array([1, 2, 4, 4, 3, 9, 0, 0, 2, 7])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("layout", ["2d", "offsets", "empty_bags", "last_offset"])
@pytest.mark.parametrize("padding_idx", [None, 4, 0])
def test_embedding_bag(mode, layout, padding_idx):
    def fn(lib, w):
        F = lib.nn.functional
        if layout == "2d":
            return F.embedding_bag(lib.tensor(BAG_IDX[:9].reshape(3, 3)), w, mode=mode,
                                   padding_idx=padding_idx)
        if layout == "offsets":
            off = lib.tensor([0, 3, 4, 8])
            return F.embedding_bag(lib.tensor(BAG_IDX), w, off, mode=mode,
                                   padding_idx=padding_idx)
        if layout == "empty_bags":
            off = lib.tensor([0, 0, 3, 3, 10])
            return F.embedding_bag(lib.tensor(BAG_IDX), w, off, mode=mode,
                                   padding_idx=padding_idx)
        off = lib.tensor([0, 2, 2, 10])
        return F.embedding_bag(lib.tensor(BAG_IDX), w, off, mode=mode,
                               include_last_offset=True, padding_idx=padding_idx)
    check_op(fn, [(10, 4)])


def test_embedding_bag_include_last_offset_ignores_the_tail():
    # offsets[-1] < len(input) is undefined in torch: its float32 sum ignores the tail (as
    # ember does in every mode), its float64 kernel adds the tail to the last bag, its mean
    # divides by the length up to the end, its max includes the tail, and its backward
    # reads past its buffers.  Only the consistent case is compared.
    check_op(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor(BAG_IDX), w, lib.tensor([0, 2, 2, 7]), mode="sum",
        include_last_offset=True), [(10, 4)], grad=False, dtypes=(np.float32,))


@pytest.mark.parametrize("mode", ["sum", "mean"])
@pytest.mark.parametrize("indices", [BAG_IDX, np.array([3, 3, 3, 1, 5, 5, 0, 8, 8, 8])])
def test_embedding_bag_scale_grad_by_freq(mode, indices):
    # (torch's frequencies are those of the sorted positions: see ops.normalization)
    check_op(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor(indices), w, lib.tensor([0, 4, 6]), mode=mode, scale_grad_by_freq=True,
        padding_idx=0), [(10, 3)])


@pytest.mark.parametrize("layout", ["2d", "offsets"])
def test_embedding_bag_per_sample_weights(layout):
    def fn(lib, w, psw):
        if layout == "2d":
            return lib.nn.functional.embedding_bag(lib.tensor(BAG_IDX[:8].reshape(2, 4)), w,
                                                   mode="sum", per_sample_weights=psw,
                                                   padding_idx=4)
        return lib.nn.functional.embedding_bag(lib.tensor(BAG_IDX), w, lib.tensor([0, 5, 5]),
                                               mode="sum", per_sample_weights=psw.reshape(-1))
    shape = (2, 4) if layout == "2d" else (10,)
    check_op(fn, [(10, 4), shape])


def test_embedding_bag_int32_indices_and_empty():
    check_op(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor(BAG_IDX.astype(np.int32)), w, lib.tensor([0, 5], dtype=lib.int32),
        mode="sum"), [(10, 2)])
    check_op(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor(np.zeros(0, np.int64)), w, lib.tensor([0, 0]), mode="mean"), [(10, 2)])


def test_embedding_bag_max_ties_take_first():
    w = np.array([[1.0, 5.0], [1.0, 2.0], [0.0, 5.0]], np.float32)

    def fn(lib, w):
        return lib.nn.functional.embedding_bag(lib.tensor([[0, 1, 2]]), w, mode="max")
    check_op(fn, [], inputs=[w])


def test_embedding_bag_module():
    def run(lib):
        m = lib.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=1)
        x = lib.tensor(BAG_IDX)
        y = m(x, lib.tensor([0, 3, 6]))
        y.backward(lib.ones(y.shape))
        m2 = lib.nn.EmbeddingBag.from_pretrained(m.weight.detach() * 2, mode="max")
        return [np_of(m.weight), np_of(y), np_of(m.weight.grad), m2.weight.requires_grad,
                np_of(m2(lib.tensor([[1, 2], [3, 4]]))), type(y.grad_fn).__name__]
    t, e = seeded(run, 2)
    np.testing.assert_array_equal(e[0], t[0])       # init
    for a, b in zip(t[1:5], e[1:5]):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
    assert e[5] == t[5]


def test_embedding_bag_max_norm():
    def run(lib):
        w = lib.tensor(W * 2)
        y = lib.nn.functional.embedding_bag(lib.tensor([[0, 1], [1, 3]]), w, max_norm=1.0)
        return [np_of(w), np_of(y)]
    t, e = both(run)
    for a, b in zip(t, e):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)


def test_embedding_bag_deprecated_argument_order_warns():
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = lib.nn.functional.embedding_bag(lib.tensor(W), lib.tensor([[0, 1]]))
        return [np_of(y), [str(c.message) for c in caught]]
    t, e = both(run)
    np.testing.assert_allclose(e[0], t[0], rtol=1e-6)
    assert e[1] == t[1]


BAG_ERRORS = {
    "3d": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[[1]]]), w),
    "2d_offsets": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1]]), w,
                                                                 lib.tensor([0])),
    "1d_no_offsets": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1]), w),
    "offsets_2d": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1]), w,
                                                                 lib.tensor([[0]])),
    "mode": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1]]), w, mode="min"),
    "psw_mean": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([[1]]), w, per_sample_weights=lib.ones(1, 1)),
    "psw_shape": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([[1]]), w, mode="sum", per_sample_weights=lib.ones(2)),
    "psw_dtype": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([[1]]), w, mode="sum", per_sample_weights=lib.ones(1, 1,
                                                                      dtype=lib.float64)),
    "weight_1d": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1]]), w[0]),
    "weight_long": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1]]), w.long()),
    "out_of_range": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1, 7]]), w),
    "negative": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[-1]]), w),
    "offsets_start": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([1, 2, 3]), w, lib.tensor([1, 2])),
    "offsets_end": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([1, 2, 3]), w, lib.tensor([0, 5])),
    "float_idx": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([1.0, 2.0]), w,
                                                                lib.tensor([0])),
    "max_scale": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([[1]]), w, mode="max", scale_grad_by_freq=True),
    "max_sparse": lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor([[1]]), w, mode="max", sparse=True),
    "padding": lambda lib, w: lib.nn.functional.embedding_bag(lib.tensor([[1]]), w,
                                                              padding_idx=5),
    "module_padding": lambda lib, w: lib.nn.EmbeddingBag(5, 3, padding_idx=5),
}


@pytest.mark.parametrize("case", sorted(BAG_ERRORS))
def test_embedding_bag_errors(case):
    check_error(BAG_ERRORS[case], W)


def test_embedding_bag_gradcheck():
    gradcheck(lambda lib, w, p: lib.nn.functional.embedding_bag(
        lib.tensor(BAG_IDX), w, lib.tensor([0, 3, 7]), mode="sum", per_sample_weights=p,
        padding_idx=2), [(10, 3), (10,)])
    gradcheck(lambda lib, w: lib.nn.functional.embedding_bag(
        lib.tensor(BAG_IDX), w, lib.tensor([0, 3, 7]), mode="mean"), [(10, 3)])


def test_embedding_bag_double_backward_not_implemented():
    def run(lib):
        w = lib.randn(10, 3, dtype=lib.float64, requires_grad=True)
        p = lib.rand(10, dtype=lib.float64, requires_grad=True)
        y = lib.nn.functional.embedding_bag(lib.tensor(BAG_IDX), w, lib.tensor([0, 4]),
                                            mode="sum", per_sample_weights=p)
        up = lib.ones(y.shape, dtype=lib.float64, requires_grad=True)
        gw, gp = lib.autograd.grad(y, (w, p), up, create_graph=True)
        return [type(gp.grad_fn).__name__, type(gw.grad_fn).__name__,
                raised(lambda: lib.autograd.grad(gp.sum(), w)),
                raised(lambda: lib.autograd.grad(gw.sum(), p)),
                raised(lambda: lib.autograd.grad(gw.sum(), up))]
    t, e = seeded(run)
    assert e == t

    def plain(lib):
        w = lib.randn(10, 3, dtype=lib.float64, requires_grad=True)
        y = lib.nn.functional.embedding_bag(lib.tensor(BAG_IDX), w, lib.tensor([0, 4]),
                                            mode="max")
        (gw,) = lib.autograd.grad(y, (w,), lib.ones(y.shape, dtype=lib.float64),
                                  create_graph=True)
        return gw.requires_grad
    t, e = seeded(plain)
    assert e == t
