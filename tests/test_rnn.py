"""nn.RNN / LSTM / GRU, their cells and nn.utils.rnn against torch: outputs, final states,
grad_fn names and the gradients of inputs, initial states and every parameter (weights
copied from the torch module), in float32 and float64; seeded init; reprs; error texts."""
import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from _oracle import TOL, gradcheck

LIBS = (torch, ember)
DTYPES = (np.float32, np.float64)
MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")
T, B, I, H = 4, 3, 3, 4


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


def build(lib, mode, *args, **kwargs):
    if mode == "RNN_RELU":
        kwargs["nonlinearity"] = "relu"
    name = "RNN" if mode.startswith("RNN_") else mode
    return getattr(lib.nn, name)(*args, **kwargs)


def pair(mode, *args, dtype=np.float64, **kwargs):
    """A torch module and an ember module of the same class holding the same weights."""
    tm = build(torch, mode, *args, **kwargs)
    em = build(ember, mode, *args, **kwargs)
    if dtype == np.float64:
        tm, em = tm.double(), em.double()
    tparams = dict(tm.named_parameters())
    names = [n for n, _ in em.named_parameters()]
    assert names == list(tparams)
    for n, p in em.named_parameters():
        p._data[...] = tparams[n].detach().numpy()
    return tm, em


def flat(x):
    if isinstance(x, (tuple, list)) and not hasattr(x, "batch_sizes"):
        out = []
        for v in x:
            out += flat(v)
        return out
    return [x]


def data_of(x):
    """The tensor inside an output (PackedSequence -> its data)."""
    return x.data if hasattr(x, "batch_sizes") else x


def compare(t_outs, e_outs, dt, what=""):
    tol = TOL[dt]
    assert len(t_outs) == len(e_outs)
    for i, (a, b) in enumerate(zip(t_outs, e_outs)):
        assert tuple(a.shape) == tuple(b.shape), f"{what} {i}: {b.shape} != {a.shape}"
        assert str(a.dtype) == repr(b.dtype), f"{what} {i}: {b.dtype} != {a.dtype}"
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(),
                                   err_msg=f"{what} {i}", **tol)


def grad_fn_names(outs):
    return [None if t.grad_fn is None else type(t.grad_fn).__name__ for t in outs]


def run_module(tm, em, make_inputs, dt, seed=0):
    """Run both modules on the same inputs; compare outputs, grad_fn names, and the
    gradients of every input tensor and parameter under a random upstream gradient."""
    results = []
    for lib, m in ((torch, tm), (ember, em)):
        inputs, leaves = make_inputs(lib)
        out = m(*inputs)
        outs = [data_of(o) for o in flat(out)]
        rng = np.random.default_rng(seed)
        ups = [lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dt)) for o in outs]
        lib.autograd.backward(outs, ups)
        grads = [t.grad for t in leaves] + [p.grad for p in m.parameters()]
        results.append((out, outs, grads))
    (t_out, t_outs, t_grads), (e_out, e_outs, e_grads) = results
    assert type(t_out[0]).__name__ == type(e_out[0]).__name__
    compare(t_outs, e_outs, dt, "output")
    assert grad_fn_names(e_outs) == grad_fn_names(t_outs)
    for i, (a, b) in enumerate(zip(t_grads, e_grads)):
        assert (a is None) == (b is None), f"grad {i}"
        if a is not None:
            compare([a], [b], dt, f"grad {i}")
    return t_out, e_out


def tensor_pair(lib, arr, requires_grad=True):
    return lib.tensor(arr, requires_grad=requires_grad)


def initial_state(lib, mode, shape, dt, rng_seed=7, proj=None):
    rng = np.random.default_rng(rng_seed)
    h_shape = shape if proj is None else shape[:-1] + (proj,)
    h0 = tensor_pair(lib, rng.uniform(-1, 1, h_shape).astype(dt))
    if mode != "LSTM":
        return h0, [h0]
    c0 = tensor_pair(lib, rng.uniform(-1, 1, shape).astype(dt))
    return (h0, c0), [h0, c0]


# -- full-sequence layers ------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("mode", MODES)
def test_rnn_layers(mode, num_layers, bidirectional, batch_first, with_h0, dt):
    tm, em = pair(mode, I, H, num_layers=num_layers, bidirectional=bidirectional,
                  batch_first=batch_first, dtype=dt)
    x = np.random.default_rng(1).uniform(-1, 1, (B, T, I) if batch_first else (T, B, I))
    x = x.astype(dt)
    D = 2 if bidirectional else 1

    def make(lib):
        xt = tensor_pair(lib, x)
        if not with_h0:
            return (xt,), [xt]
        hx, leaves = initial_state(lib, mode, (num_layers * D, B, H), dt)
        return (xt, hx), [xt] + leaves
    run_module(tm, em, make, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_rnn_unbatched(mode, batch_first, with_h0, dt):
    tm, em = pair(mode, I, H, num_layers=2, bidirectional=True, batch_first=batch_first,
                  dtype=dt)
    x = np.random.default_rng(2).uniform(-1, 1, (T, I)).astype(dt)

    def make(lib):
        xt = tensor_pair(lib, x)
        if not with_h0:
            return (xt,), [xt]
        hx, leaves = initial_state(lib, mode, (4, H), dt)
        return (xt, hx), [xt] + leaves
    run_module(tm, em, make, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_rnn_no_bias(mode, dt):
    tm, em = pair(mode, I, H, num_layers=2, bias=False, bidirectional=True, dtype=dt)
    x = np.random.default_rng(3).uniform(-1, 1, (T, B, I)).astype(dt)
    run_module(tm, em, lambda lib: ((tensor_pair(lib, x),), []), dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("packed", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_lstm_proj_size(num_layers, bidirectional, packed, dt):
    tm, em = pair("LSTM", I, H, num_layers=num_layers, bidirectional=bidirectional,
                  proj_size=2, dtype=dt)
    x = np.random.default_rng(4).uniform(-1, 1, (T, B, I)).astype(dt)
    D = 2 if bidirectional else 1

    def make(lib):
        xt = tensor_pair(lib, x)
        hx, leaves = initial_state(lib, "LSTM", (num_layers * D, B, H), dt, proj=2)
        inp = lib.nn.utils.rnn.pack_padded_sequence(xt, [4, 3, 1]) if packed else xt
        return (inp, hx), [xt] + leaves
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # torch's (and ember's) oneDNN notice
        run_module(tm, em, make, dt)


def test_rnn_empty_batch():
    for mode in MODES:
        tm, em = pair(mode, I, H, dtype=np.float32)
        x = np.zeros((T, 0, I), np.float32)
        run_module(tm, em, lambda lib: ((tensor_pair(lib, x),), []), np.float32)


# -- packed sequences ----------------------------------------------------------------------

@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("mode", MODES)
def test_rnn_packed(mode, num_layers, bidirectional, enforce_sorted, with_h0, dt):
    tm, em = pair(mode, I, H, num_layers=num_layers, bidirectional=bidirectional, dtype=dt)
    x = np.random.default_rng(5).uniform(-1, 1, (5, 4, I)).astype(dt)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    D = 2 if bidirectional else 1

    def make(lib):
        xt = tensor_pair(lib, x)
        packed = lib.nn.utils.rnn.pack_padded_sequence(xt, lengths,
                                                       enforce_sorted=enforce_sorted)
        if not with_h0:
            return (packed,), [xt]
        hx, leaves = initial_state(lib, mode, (num_layers * D, 4, H), dt)
        return (packed, hx), [xt] + leaves
    t_out, e_out = run_module(tm, em, make, dt)
    tp, ep = t_out[0], e_out[0]
    assert isinstance(ep, ember.nn.utils.rnn.PackedSequence)
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    for a, b in ((tp.sorted_indices, ep.sorted_indices),
                 (tp.unsorted_indices, ep.unsorted_indices)):
        assert (a is None and b is None) or a.tolist() == b.tolist()
    # and back to a padded batch
    tpad, tlen = torch.nn.utils.rnn.pad_packed_sequence(tp, batch_first=True)
    epad, elen = ember.nn.utils.rnn.pad_packed_sequence(ep, batch_first=True)
    compare([tpad], [epad], dt, "padded")
    assert elen.tolist() == tlen.tolist()


# -- double backward and finite differences --------------------------------------------------

def _double_backward(mode, dt, packed=False, with_h0=False, **kwargs):
    tm, em = pair(mode, 2, 3, dtype=dt, **kwargs)
    x = np.random.default_rng(6).uniform(-1, 1, (3, 2, 2)).astype(dt)
    D = (2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1)
    res = []
    for lib, m in ((torch, tm), (ember, em)):
        xt = lib.tensor(x, requires_grad=True)
        inp = lib.nn.utils.rnn.pack_padded_sequence(xt, [3, 2]) if packed else xt
        batch = 3 if kwargs.get("batch_first") else 2
        hx, leaves = initial_state(lib, mode, (D, batch, 3), dt) if with_h0 else (None, [])
        out, h = m(inp, hx)
        outs = [data_of(out)] + flat(h)
        rng = np.random.default_rng(8)
        loss = sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dt))).sum()
                   for o in outs)
        wrt = [xt] + leaves + list(m.parameters())
        gs = lib.autograd.grad(loss, wrt, create_graph=True)
        total = sum((g * lib.tensor(rng.standard_normal(tuple(g.shape)).astype(dt))).sum()
                    for g in gs)
        ggs = lib.autograd.grad(total, wrt)
        res.append([g.detach().numpy() for g in gs] + [g.numpy() for g in ggs])
    for i, (a, b) in enumerate(zip(*res)):
        np.testing.assert_allclose(b, a, err_msg=f"double backward {i}", **TOL[dt])


@pytest.mark.parametrize("mode", MODES)
def test_rnn_double_backward(mode):
    _double_backward(mode, np.float64, num_layers=2, bidirectional=True)
    _double_backward(mode, np.float64, with_h0=True, batch_first=True)


@pytest.mark.parametrize("mode", MODES)
def test_rnn_double_backward_packed(mode):
    _double_backward(mode, np.float64, packed=True, with_h0=True)


def test_lstm_double_backward_float32():
    # torch's oneDNN LSTM layer (MkldnnRnnLayerBackward0) differentiates its own backward
    _double_backward("LSTM", np.float32, num_layers=2)
    _double_backward("LSTM", np.float32, bidirectional=True, batch_first=True)
    _double_backward("LSTM", np.float32, bias=False, with_h0=True)


@pytest.mark.parametrize("mode", MODES)
def test_rnn_gradcheck(mode):
    ember.manual_seed(0)
    m = build(ember, mode, 2, 3, bidirectional=True).double().requires_grad_(False)

    def fn(lib, x, h):
        hx = (h, h * 0.5) if mode == "LSTM" else h
        out, hn = m(x, hx)
        return out.sum(-1) + flat(hn)[0].sum()
    gradcheck(fn, [(3, 2, 2), (2, 2, 3)], low=-1.0, high=1.0)


# -- oneDNN-path details --------------------------------------------------------------------

def test_lstm_float32_graph():
    tm, em = pair("LSTM", I, H, dtype=np.float32)
    x = np.random.default_rng(9).uniform(-1, 1, (T, B, I)).astype(np.float32)

    def nf(lib, m):
        out, (h, c) = m(lib.tensor(x, requires_grad=True))
        fn = out.grad_fn
        return (type(fn).__name__, [None if n is None else type(n).__name__
                                    for n, _ in fn.next_functions],
                h.grad_fn.next_functions[0][1], c.grad_fn.next_functions[0][1],
                type(h.grad_fn.next_functions[0][0]).__name__)
    assert nf(ember, em) == nf(torch, tm)


def test_lstm_inplace_output_then_backward():
    # torch's oneDNN layer saves its output: writing into it breaks the backward pass
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.LSTM(2, 3, num_layers=2)
        out, _ = m(lib.ones(2, 1, 2))
        out.mul_(2)
        out.sum().backward()
    same_error(run)


def test_lstm_no_grad():
    tm, em = pair("LSTM", I, H, num_layers=2, dtype=np.float32)
    x = np.random.default_rng(10).uniform(-1, 1, (T, B, I)).astype(np.float32)
    with torch.no_grad():
        t = tm(torch.tensor(x))
    with ember.no_grad():
        e = em(ember.tensor(x))
    compare(flat(t), flat(e), np.float32)
    assert all(v.grad_fn is None for v in flat(e))


# -- dropout ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("mode", MODES)
def test_rnn_dropout_training(mode, dt):
    tm, em = pair(mode, I, H, num_layers=3, dropout=0.4, bidirectional=True, dtype=dt)
    x = np.random.default_rng(11).uniform(-1, 1, (T, B, I)).astype(dt)

    def make(lib):
        lib.manual_seed(123)
        xt = tensor_pair(lib, x)
        return (xt,), [xt]
    run_module(tm, em, make, dt)
    assert torch.rand(3).tolist() == ember.rand(3).tolist()     # same draws consumed


@pytest.mark.parametrize("mode", MODES)
def test_rnn_dropout_eval_and_packed(mode):
    tm, em = pair(mode, I, H, num_layers=2, dropout=0.5)
    x = np.random.default_rng(12).uniform(-1, 1, (5, 4, I))

    def make(lib):
        lib.manual_seed(7)
        xt = tensor_pair(lib, x)
        return (lib.nn.utils.rnn.pack_padded_sequence(xt, [5, 4, 2, 1]),), [xt]
    run_module(tm, em, make, np.float64)
    tm.eval()
    em.eval()
    run_module(tm, em, lambda lib: ((tensor_pair(lib, x),), []), np.float64)


def test_rnn_dropout_warning():
    for lib in LIBS:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.GRU(3, 4, dropout=0.3)
        assert [str(x.message) for x in w] == [
            "dropout option adds dropout after all but last recurrent layer, so non-zero "
            "dropout expects num_layers greater than 1, but got dropout=0.3 and num_layers=1"]


def test_lstm_proj_onednn_warning():
    from ember.nn.modules import rnn as ember_rnn
    ember_rnn._warned_proj[0] = False
    m = ember.nn.LSTM(3, 4, proj_size=2)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m(ember.zeros(2, 3))
        m(ember.zeros(2, 3))
    assert [str(x.message) for x in w] == [
        "LSTM with projections is not supported with oneDNN. Using default implementation. "
        "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/RNN.cpp:1512.)"]


# -- cells ------------------------------------------------------------------------------------

CELLS = ("RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell")


def cell_pair(name, *args, dtype=np.float64, **kwargs):
    if name == "RNNCell_relu":
        name = "RNNCell"
        kwargs["nonlinearity"] = "relu"
    tm = getattr(torch.nn, name)(*args, **kwargs)
    em = getattr(ember.nn, name)(*args, **kwargs)
    if dtype == np.float64:
        tm, em = tm.double(), em.double()
    for (n, p), (n2, q) in zip(tm.named_parameters(), em.named_parameters()):
        assert n == n2
        q._data[...] = p.detach().numpy()
    return tm, em


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("name", CELLS)
def test_rnn_cells(name, batched, with_h0, bias, dt):
    tm, em = cell_pair(name, I, H, bias=bias, dtype=dt)
    rng = np.random.default_rng(13)
    x = rng.uniform(-1, 1, (B, I) if batched else (I,)).astype(dt)
    hshape = (B, H) if batched else (H,)
    h = rng.uniform(-1, 1, hshape).astype(dt)
    c = rng.uniform(-1, 1, hshape).astype(dt)

    def make(lib):
        xt = tensor_pair(lib, x)
        if not with_h0:
            return (xt,), [xt]
        ht = tensor_pair(lib, h)
        if name == "LSTMCell":
            ct = tensor_pair(lib, c)
            return (xt, (ht, ct)), [xt, ht, ct]
        return (xt, ht), [xt, ht]
    run_module(tm, em, make, dt)


@pytest.mark.parametrize("name", CELLS)
def test_rnn_cells_double_backward(name):
    tm, em = cell_pair(name, 2, 3)
    x = np.random.default_rng(14).uniform(-1, 1, (2, 2))
    res = []
    for lib, m in ((torch, tm), (ember, em)):
        xt = lib.tensor(x, requires_grad=True)
        out = flat(m(xt))
        loss = sum((o * o * o).sum() for o in out)
        params = list(m.parameters())
        gs = lib.autograd.grad(loss, [xt] + params, create_graph=True)
        ggs = lib.autograd.grad(sum((g * g).sum() for g in gs), [xt] + params)
        res.append([g.detach().numpy() for g in gs + ggs])
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, **TOL[np.float64])


# -- construction: parameters, init, repr ------------------------------------------------------

@pytest.mark.parametrize("args, kwargs", [
    (("RNN", 10, 20), {}),
    (("RNN", 10, 20, 2, "relu", False), dict(bidirectional=True)),
    (("LSTM", 10, 20), dict(num_layers=2, batch_first=True)),
    (("LSTM", 5, 7), dict(num_layers=2, bidirectional=True, proj_size=3)),
    (("LSTM", 5, 7), dict(bias=False, proj_size=2)),
    (("GRU", 3, 6), dict(num_layers=3, bidirectional=True, dropout=0.25)),
    (("RNNCell", 4, 5), {}),
    (("RNNCell", 4, 5), dict(nonlinearity="relu", bias=False)),
    (("LSTMCell", 4, 5), {}),
    (("GRUCell", 4, 5), dict(bias=False)),
])
def test_rnn_init_names_repr(args, kwargs):
    def make(lib):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = getattr(lib.nn, args[0])(*args[1:], **kwargs)
        return m, [(n, tuple(p.shape), p.detach().numpy()) for n, p in m.named_parameters()]
    (tm, t_params), (em, e_params) = both(make)
    assert repr(em) == repr(tm)
    assert [p[:2] for p in e_params] == [p[:2] for p in t_params]
    for (_, _, a), (_, _, b) in zip(t_params, e_params):
        assert np.array_equal(a, b)          # bit-identical draws
    assert list(em.state_dict()) == list(tm.state_dict())
    assert torch.rand(2).tolist() == ember.rand(2).tolist()


def test_rnn_module_attributes():
    def attrs(lib):
        m = lib.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
        return (m.mode, m.input_size, m.hidden_size, m.num_layers, m.bias, m.batch_first,
                m.dropout, m.bidirectional, m.proj_size, m._flat_weights_names,
                m._all_weights, [[tuple(w.shape) for w in ws] for ws in m.all_weights],
                m.flatten_parameters(), [tuple(w.shape) for w in m._flat_weights])
    t, e = both(attrs)
    assert e == t
    r = ember.nn.RNN(2, 3, nonlinearity="relu")
    assert (r.nonlinearity, r.mode) == ("relu", "RNN_RELU")


def test_rnn_dtype_factory_and_double():
    m = ember.nn.GRU(2, 3, dtype=ember.float64)
    assert all(p.dtype is ember.float64 for p in m.parameters())
    m = ember.nn.LSTM(2, 3).double()
    assert all(w.dtype is ember.float64 for w in m._flat_weights)
    out, _ = m(ember.zeros(2, 1, 2, dtype=ember.float64))
    assert out.dtype is ember.float64


def test_rnn_reassign_parameter():
    tm, em = pair("GRU", I, H)
    for lib, m in ((torch, tm), (ember, em)):
        with lib.no_grad():
            m.weight_hh_l0 = lib.nn.Parameter(m.weight_hh_l0 * 0.5)
    x = np.random.default_rng(15).uniform(-1, 1, (T, B, I))
    run_module(tm, em, lambda lib: ((tensor_pair(lib, x),), []), np.float64)


def test_rnn_copy_and_pickle():
    tm, em = pair("LSTM", I, H, num_layers=2)
    x = np.random.default_rng(16).uniform(-1, 1, (T, B, I))
    for em2 in (copy.deepcopy(em), pickle.loads(pickle.dumps(em))):
        with ember.no_grad():
            em2.weight_ih_l0.mul_(0)
        run_module(tm, em, lambda lib: ((tensor_pair(lib, x),), []), np.float64)
        o2, _ = em2(ember.tensor(x))
        o1, _ = em(ember.tensor(x))
        assert not np.allclose(o2.detach().numpy(), o1.detach().numpy())


# -- errors ---------------------------------------------------------------------------------------

def _lstm(lib, *args, **kwargs):
    return lib.nn.LSTM(*args, **kwargs)


@pytest.mark.parametrize("case", [
    "input_size", "hidden_size_gru", "hidden0_lstm", "hidden1_lstm", "dim4_rnn",
    "dim4_lstm", "dim4_gru", "batched_hx2d", "unbatched_hx3d", "lstm_batched_hx2d",
    "lstm_unbatched_hx3d", "dtype", "seq_len0", "packed_input_size", "packed_hidden",
    "proj_hidden", "unbatched_hidden_size",
])
def test_rnn_forward_errors(case):
    def run(lib):
        lib.manual_seed(0)
        z = lib.zeros
        action = {
            "input_size": lambda: _lstm(lib, 10, 20)(z(5, 3, 5)),
            "hidden_size_gru": lambda: lib.nn.GRU(10, 20)(z(5, 3, 10), z(1, 4, 20)),
            "hidden0_lstm": lambda: _lstm(lib, 10, 20)(z(5, 3, 10), (z(1, 3, 21), z(1, 3, 20))),
            "hidden1_lstm": lambda: _lstm(lib, 10, 20)(z(5, 3, 10), (z(1, 3, 20), z(2, 3, 20))),
            "dim4_rnn": lambda: lib.nn.RNN(2, 3)(z(1, 2, 3, 2)),
            "dim4_lstm": lambda: _lstm(lib, 2, 3)(z(1, 2, 3, 2)),
            "dim4_gru": lambda: lib.nn.GRU(2, 3)(z(1, 2, 3, 2)),
            "batched_hx2d": lambda: lib.nn.RNN(2, 3)(z(4, 2, 2), z(2, 3)),
            "unbatched_hx3d": lambda: lib.nn.GRU(2, 3)(z(4, 2), z(1, 1, 3)),
            "lstm_batched_hx2d": lambda: _lstm(lib, 2, 3)(z(4, 2, 2), (z(2, 3), z(1, 2, 3))),
            "lstm_unbatched_hx3d": lambda: _lstm(lib, 2, 3)(z(4, 2), (z(1, 3), z(1, 1, 3))),
            "dtype": lambda: lib.nn.GRU(2, 3)(z(4, 2, 2, dtype=lib.float64)),
            "seq_len0": lambda: lib.nn.RNN(2, 3)(z(0, 2, 2)),
            "packed_input_size": lambda: lib.nn.GRU(3, 3)(
                lib.nn.utils.rnn.pack_sequence([z(3, 2), z(2, 2)])),
            "packed_hidden": lambda: lib.nn.RNN(2, 3)(
                lib.nn.utils.rnn.pack_sequence([z(3, 2), z(2, 2)]), z(1, 3, 3)),
            "proj_hidden": lambda: _lstm(lib, 2, 4, proj_size=2)(z(3, 1, 2),
                                                                (z(1, 1, 4), z(1, 1, 4))),
            "unbatched_hidden_size": lambda: lib.nn.RNN(2, 3)(z(4, 2), z(1, 4)),
        }[case]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            action()
    same_error(run)


@pytest.mark.parametrize("case", [
    "dropout_range", "dropout_bool", "bias", "batch_first", "input_size_type",
    "input_size_zero", "hidden_size_type", "hidden_size_zero", "num_layers", "proj_negative",
    "proj_too_big", "nonlinearity", "proj_rnn", "proj_gru",
])
def test_rnn_constructor_errors(case):
    def run(lib):
        nn = lib.nn
        {
            "dropout_range": lambda: nn.LSTM(2, 3, dropout=1.5),
            "dropout_bool": lambda: nn.LSTM(2, 3, dropout=True),
            "bias": lambda: nn.GRU(2, 3, bias=1),
            "batch_first": lambda: nn.GRU(2, 3, batch_first=None),
            "input_size_type": lambda: nn.RNN(2.0, 3),
            "input_size_zero": lambda: nn.RNN(0, 3),
            "hidden_size_type": lambda: nn.RNN(2, "3"),
            "hidden_size_zero": lambda: nn.RNN(2, 0),
            "num_layers": lambda: nn.RNN(2, 3, num_layers=0),
            "proj_negative": lambda: nn.LSTM(2, 3, proj_size=-1),
            "proj_too_big": lambda: nn.LSTM(2, 3, proj_size=3),
            "nonlinearity": lambda: nn.RNN(2, 3, nonlinearity="sigmoid"),
            "proj_rnn": lambda: nn.RNN(2, 3, proj_size=1),
            "proj_gru": lambda: nn.GRU(2, 3, proj_size=1),
        }[case]()
    same_error(run)


@pytest.mark.parametrize("case", [
    "input3d", "hidden3d", "lstm_hx3d", "input_size", "batch", "hidden_size",
    "lstm_cell_batch", "lstm_cell_size", "nonlinearity",
])
def test_rnn_cell_errors(case):
    def run(lib):
        nn, z = lib.nn, lib.zeros
        lib.manual_seed(0)
        bad = nn.RNNCell(2, 3)
        bad.nonlinearity = "gelu"
        {
            "input3d": lambda: nn.GRUCell(2, 3)(z(1, 1, 2)),
            "hidden3d": lambda: nn.RNNCell(2, 3)(z(1, 2), z(1, 1, 3)),
            "lstm_hx3d": lambda: nn.LSTMCell(2, 3)(z(1, 2), (z(1, 3), z(1, 1, 3))),
            "input_size": lambda: nn.GRUCell(10, 3)(z(4, 5)),
            "batch": lambda: nn.RNNCell(2, 3)(z(4, 2), z(3, 3)),
            "hidden_size": lambda: nn.GRUCell(2, 3)(z(4, 2), z(4, 5)),
            "lstm_cell_batch": lambda: nn.LSTMCell(2, 3)(z(4, 2), (z(4, 3), z(2, 3))),
            "lstm_cell_size": lambda: nn.LSTMCell(2, 3)(z(4, 2), (z(4, 3), z(4, 2))),
            "nonlinearity": lambda: bad(z(1, 2)),
        }[case]()
    same_error(run)


# -- nn.utils.rnn -------------------------------------------------------------------------------

def utils(lib):
    return lib.nn.utils.rnn


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_pad_roundtrip(enforce_sorted, batch_first, dt):
    x = np.random.default_rng(17).uniform(-1, 1, (6, 4, 2)).astype(dt)
    if batch_first:
        x = np.ascontiguousarray(x.transpose(1, 0, 2))
    lengths = [6, 4, 4, 1] if enforce_sorted else [4, 6, 1, 4]
    res = []
    for lib in LIBS:
        xt = lib.tensor(x, requires_grad=True)
        p = utils(lib).pack_padded_sequence(xt, lengths, batch_first=batch_first,
                                            enforce_sorted=enforce_sorted)
        padded, lens = utils(lib).pad_packed_sequence(p, batch_first=batch_first,
                                                      padding_value=-3.0, total_length=7)
        up = np.random.default_rng(18).standard_normal(tuple(padded.shape)).astype(dt)
        (padded * lib.tensor(up)).sum().backward()
        res.append((p, padded, lens, xt.grad))
    (tp, tpad, tlen, tg), (ep, epad, elen, eg) = res
    compare([tp.data, tpad, tg], [ep.data, epad, eg], dt)
    assert grad_fn_names([ep.data, epad]) == grad_fn_names([tp.data, tpad])
    for a, b in zip(tp[1:], ep[1:]):
        assert (a is None and b is None) or (a.tolist() == b.tolist() and
                                             str(a.dtype) == repr(b.dtype))
    assert elen.tolist() == tlen.tolist() and repr(elen.dtype) == str(tlen.dtype)
    assert repr(ep) == repr(tp)


def test_pack_padded_sequence_lengths_tensor():
    x = np.random.default_rng(19).uniform(-1, 1, (3, 3, 1))
    t, e = both(lambda lib: utils(lib).pack_padded_sequence(
        lib.tensor(x), lib.tensor([2, 3, 1], dtype=lib.int32), enforce_sorted=False))
    assert repr(e) == repr(t)


def test_packed_sequence_namedtuple():
    def run(lib):
        p = utils(lib).pack_sequence([lib.tensor([1., 2., 3.]), lib.tensor([4., 5.])])
        data, batch_sizes, s, u = p
        q = utils(lib).PackedSequence(p.data * 2, p.batch_sizes)
        return (type(p).__name__, p._fields, data.tolist(), batch_sizes.tolist(), s, u,
                repr(q), repr(p.double()), p.to(lib.float32) is p, p.is_cuda, p.is_pinned(),
                repr(utils(lib).PackedSequence(p.data, p.batch_sizes, lib.tensor([1, 0]))))
    t, e = both(run)
    assert e == t


def test_invert_permutation():
    t, e = both(lambda lib: (utils(lib).invert_permutation(lib.tensor([2, 0, 3, 1])).tolist(),
                             utils(lib).invert_permutation(None)))
    assert e == t


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence(batch_first, padding_side, dt):
    rng = np.random.default_rng(20)
    seqs = [rng.uniform(-1, 1, (n, 2)).astype(dt) for n in (3, 5, 1)]
    res = []
    for lib in LIBS:
        ts = [lib.tensor(s, requires_grad=True) for s in seqs]
        out = utils(lib).pad_sequence(ts, batch_first=batch_first, padding_value=0.5,
                                      padding_side=padding_side)
        up = np.random.default_rng(21).standard_normal(tuple(out.shape)).astype(dt)
        (out * lib.tensor(up)).sum().backward()
        res.append([out] + [t.grad for t in ts])
    compare(res[0], res[1], dt)
    assert grad_fn_names(res[1][:1]) == grad_fn_names(res[0][:1])


def test_pad_sequence_no_grad_and_int():
    def run(lib):
        a = utils(lib).pad_sequence([lib.tensor([1, 2]), lib.tensor([3])], padding_value=-1)
        b = utils(lib).pad_sequence(lib.ones(2, 3), batch_first=True)   # a tensor iterates
        return a.tolist(), repr(a.dtype), b.tolist()
    t, e = both(run)
    assert e[0] == t[0] and e[2] == t[2] and e[1] == str(torch.int64)


def test_pack_sequence_and_unpack():
    rng = np.random.default_rng(22)
    seqs = [rng.uniform(-1, 1, (n, 2)) for n in (2, 4, 3)]
    res = []
    for lib in LIBS:
        ts = [lib.tensor(s, requires_grad=True) for s in seqs]
        p = utils(lib).pack_sequence(ts, enforce_sorted=False)
        back = utils(lib).unpack_sequence(p)
        sum((b * (k + 1)).sum() for k, b in enumerate(back)).backward()
        res.append([p.data] + back + [t.grad for t in ts])
        res[-1].append((p.batch_sizes.tolist(), p.sorted_indices.tolist()))
    compare(res[0][:-1], res[1][:-1], np.float64)
    assert res[0][-1] == res[1][-1]
    assert grad_fn_names(res[1][:-1][1:4]) == grad_fn_names(res[0][:-1][1:4])


def test_unpad_sequence():
    x = np.random.default_rng(23).uniform(-1, 1, (4, 3, 2))
    t, e = both(lambda lib: [s.tolist() for s in utils(lib).unpad_sequence(
        lib.tensor(x), lib.tensor([4, 2, 3]))])
    assert e == t


@pytest.mark.parametrize("case", [
    "unsorted", "len_mismatch", "zero_length", "empty", "lengths_2d", "total_length",
    "pad_empty", "padding_side", "not_iterable", "pad_trailing", "pad_trailing_1d",
    "pad_extra_dim",
])
def test_rnn_utils_errors(case):
    def run(lib):
        u, z = utils(lib), lib.zeros
        {
            "unsorted": lambda: u.pack_padded_sequence(z(3, 2, 1), [1, 3]),
            "len_mismatch": lambda: u.pack_padded_sequence(z(3, 2, 1), [3, 2, 1]),
            "zero_length": lambda: u.pack_padded_sequence(z(3, 2, 1), [3, 0]),
            "empty": lambda: u.pack_padded_sequence(z(0, 2, 1), [1, 1]),
            "lengths_2d": lambda: u.pack_padded_sequence(z(3, 2, 1), lib.tensor([[3, 2]])),
            "total_length": lambda: u.pad_packed_sequence(
                u.pack_padded_sequence(z(3, 2, 1), [3, 2]), total_length=2),
            "pad_empty": lambda: u.pad_sequence([]),
            "padding_side": lambda: u.pad_sequence([z(2)], padding_side="middle"),
            "not_iterable": lambda: u.pad_sequence(3),
            "pad_trailing": lambda: u.pad_sequence([z(2, 3), z(2, 4)]),
            "pad_trailing_1d": lambda: u.pad_sequence([z(2, 3), z(2)]),
            "pad_extra_dim": lambda: u.pad_sequence([z(2, 3), z(1, 2, 3)]),
        }[case]()
    same_error(run)
