"""nn.MultiheadAttention and the transformer modules against torch: seeded initialisation
(bit-identical parameters), outputs, attention weights and the gradients of inputs and of
every parameter, with weights copied from torch through state_dict; masks (key padding,
attention bool/float, causal), batch_first both ways, unbatched input, norm_first, gelu and
callable activations, dropout draws in training mode, eval mode (torch's fast paths), float32
and float64; reprs, warnings and error texts."""
import warnings

import numpy as np
import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

import ember

TOL = {np.float32: dict(rtol=2e-4, atol=2e-5), np.float64: dict(rtol=1e-9, atol=1e-10)}
E, H, FF = 8, 2, 16


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


def to_ember_state(sd):
    return {k: ember.tensor(v.detach().numpy()) for k, v in sd.items()}


def make_pair(ctor, seed=0, dtype=np.float32):
    """The module built by ctor(lib) in torch and ember after manual_seed(seed): their
    parameters must be bit-identical; then converted to dtype."""
    torch.manual_seed(seed)
    tm = ctor(torch)
    ember.manual_seed(seed)
    em = ctor(ember)
    tsd, esd = tm.state_dict(), em.state_dict()
    assert list(tsd) == list(esd)
    for name in tsd:
        np.testing.assert_array_equal(esd[name].numpy(), tsd[name].numpy(), err_msg=name)
    if dtype == np.float64:
        tm.double()
        em.double()
    return tm, em


def check_module(ctor, call, inputs, dtypes=(np.float32, np.float64), train=False, seed=0,
                 grad=True, load=False):
    """call(lib, module, *tensors) on torch and ember: outputs (values, shape, dtype, grad_fn
    name), then the gradients of every input and parameter under a random upstream
    gradient.  With load=True the ember module gets torch's weights through load_state_dict
    instead of sharing the seed."""
    for dt in dtypes:
        tol = TOL[dt]
        tm, em = make_pair(ctor, seed, dt)
        if load:
            ember.manual_seed(seed + 100)
            em = ctor(ember)
            if dt == np.float64:
                em.double()
            em.load_state_dict(to_ember_state(tm.state_dict()))
        tm.train(train)
        em.train(train)
        rng = np.random.default_rng(seed)
        arrays = [a if a.dtype == np.bool_ else a.astype(dt) for a in
                  (x(rng) if callable(x) else x for x in inputs)]
        tx = [torch.tensor(a, requires_grad=a.dtype != np.bool_ and grad) for a in arrays]
        ex = [ember.tensor(a, requires_grad=a.dtype != np.bool_ and grad) for a in arrays]
        torch.manual_seed(seed + 1)
        t_out = call(torch, tm, *tx)
        ember.manual_seed(seed + 1)
        e_out = call(ember, em, *ex)
        t_out = list(t_out) if isinstance(t_out, tuple) else [t_out]
        e_out = list(e_out) if isinstance(e_out, tuple) else [e_out]
        assert len(t_out) == len(e_out)
        for i, (a, b) in enumerate(zip(t_out, e_out)):
            if a is None:
                assert b is None, f"output {i}: torch gives None"
                continue
            assert tuple(b.shape) == tuple(a.shape), f"output {i} shape"
            assert repr(b.dtype) == str(a.dtype)
            np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(),
                                       err_msg=f"output {i} ({dt.__name__})", **tol)
            tn = type(a.grad_fn).__name__ if a.grad_fn is not None else None
            en = type(b.grad_fn).__name__ if b.grad_fn is not None else None
            assert en == tn, f"output {i}: grad_fn {en} != torch {tn}"
        if not grad:
            continue
        pairs = [(a, b) for a, b in zip(t_out, e_out) if a is not None and a.requires_grad]
        ups = [rng.standard_normal(tuple(a.shape)).astype(dt) for a, _ in pairs]
        torch.autograd.backward([a for a, _ in pairs], [torch.tensor(u) for u in ups])
        ember.autograd.backward([b for _, b in pairs], [ember.tensor(u) for u in ups])
        for i, (a, b) in enumerate(zip(tx, ex)):
            if a.grad is None:
                assert b.grad is None, f"input {i}: torch has no grad"
                continue
            np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(),
                                       err_msg=f"grad of input {i} ({dt.__name__})", **tol)
        eparams = dict(em.named_parameters())
        for name, p in tm.named_parameters():
            q = eparams[name]
            if p.grad is None:
                assert q.grad is None or not np.any(q.grad.numpy()), f"{name}: torch has none"
                continue
            assert q.grad is not None, f"grad of {name}: ember has none"
            np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(),
                                       err_msg=f"grad of {name} ({dt.__name__})", **tol)


def randn(*shape):
    return lambda rng: rng.standard_normal(shape)


KPM = np.array([[False, False, False, True, True], [False] * 5, [False, True, False, True,
                                                                  False]])
CAUSAL5 = np.triu(np.ones((5, 5), bool), 1)


# -- MultiheadAttention: construction -----------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(), dict(bias=False), dict(add_bias_kv=True), dict(kdim=4, vdim=6),
    dict(kdim=4, vdim=6, add_bias_kv=True, bias=False), dict(dropout=0.3, batch_first=True),
])
def test_multihead_attention_init(kwargs):
    """Seeded construction draws exactly torch's numbers (make_pair checks every tensor)."""
    tm, em = make_pair(lambda lib: lib.nn.MultiheadAttention(E, H, **kwargs))
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert repr(em) == repr(tm)
    assert type(em.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert isinstance(em.out_proj, ember.nn.Linear)
    for attr in ("embed_dim", "kdim", "vdim", "num_heads", "head_dim", "dropout", "batch_first",
                 "_qkv_same_embed_dim", "add_zero_attn"):
        assert getattr(em, attr) == getattr(tm, attr), attr
    assert (em.bias_k is None) == (tm.bias_k is None)


def test_multihead_attention_init_errors():
    same_error(lambda lib: lib.nn.MultiheadAttention(0, 2))
    same_error(lambda lib: lib.nn.MultiheadAttention(8, -1))
    same_error(lambda lib: lib.nn.MultiheadAttention(8, 3))


# -- MultiheadAttention: forward ------------------------------------------------------------------

def mha(**kwargs):
    return lambda lib: lib.nn.MultiheadAttention(E, H, **kwargs)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("average", [True, False])
def test_multihead_attention_self(need_weights, average):
    check_module(mha(), lambda lib, m, x: m(x, x, x, need_weights=need_weights,
                                            average_attn_weights=average), [randn(5, 3, E)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_cross(need_weights):
    check_module(mha(), lambda lib, m, x, mem: m(x, mem, mem, need_weights=need_weights),
                 [randn(5, 3, E), randn(4, 3, E)])
    check_module(mha(), lambda lib, m, x, k, v: m(x, k, v, need_weights=need_weights),
                 [randn(5, 3, E), randn(4, 3, E), randn(4, 3, E)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_batch_first(need_weights):
    check_module(mha(batch_first=True),
                 lambda lib, m, x: m(x, x, x, need_weights=need_weights), [randn(3, 5, E)])
    check_module(mha(batch_first=True),
                 lambda lib, m, x, mem: m(x, mem, mem, need_weights=need_weights,
                                          key_padding_mask=lib.tensor(KPM)),
                 [randn(3, 4, E), randn(3, 5, E)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_unbatched(need_weights):
    check_module(mha(batch_first=True),
                 lambda lib, m, x, mem: m(x, mem, mem, need_weights=need_weights,
                                          key_padding_mask=lib.tensor(KPM[0])),
                 [randn(4, E), randn(5, E)])


@pytest.mark.parametrize("kwargs", [dict(kdim=4, vdim=6), dict(add_bias_kv=True),
                                    dict(add_zero_attn=True), dict(bias=False),
                                    dict(add_bias_kv=True, add_zero_attn=True, kdim=3, vdim=5)])
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_options(kwargs, need_weights):
    kdim, vdim = kwargs.get("kdim", E), kwargs.get("vdim", E)
    check_module(mha(**kwargs),
                 lambda lib, m, x, k, v: m(x, k, v, need_weights=need_weights,
                                           key_padding_mask=lib.tensor(KPM),
                                           attn_mask=lib.tensor(np.triu(np.ones((4, 5), bool),
                                                                        2))),
                 [randn(4, 3, E), randn(5, 3, kdim), randn(5, 3, vdim)])


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", ["kpm_bool", "kpm_float", "attn_bool", "attn_float",
                                   "attn_3d", "both_bool", "both_float"])
def test_multihead_attention_masks(masks, need_weights):
    rng = np.random.default_rng(4)
    fkpm = np.where(KPM, -1e9, rng.standard_normal(KPM.shape))
    fattn = rng.standard_normal((5, 5))

    def call(lib, m, x):
        dt = x.detach().numpy().dtype
        kw = {}
        if masks in ("kpm_bool", "both_bool"):
            kw["key_padding_mask"] = lib.tensor(KPM)
        if masks in ("kpm_float", "both_float"):
            kw["key_padding_mask"] = lib.tensor(fkpm.astype(dt))
        if masks in ("attn_bool", "both_bool"):
            kw["attn_mask"] = lib.tensor(CAUSAL5)
        if masks in ("attn_float", "both_float"):
            kw["attn_mask"] = lib.tensor(fattn.astype(dt))
        if masks == "attn_3d":
            kw["attn_mask"] = lib.tensor(np.stack([CAUSAL5, CAUSAL5.T] * 3))
        return m(x, x, x, need_weights=need_weights, **kw)
    check_module(mha(), call, [randn(5, 3, E)])


@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("kpm", [True, False])
def test_multihead_attention_causal(need_weights, kpm):
    def call(lib, m, x):
        mask = lib.nn.Transformer.generate_square_subsequent_mask(5, dtype=x.dtype)
        k = lib.tensor(KPM) if kpm else None
        return m(x, x, x, attn_mask=mask, is_causal=True, need_weights=need_weights,
                 key_padding_mask=k)
    check_module(mha(batch_first=True), call, [randn(3, 5, E)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_dropout(need_weights):
    """Training-mode dropout on the attention weights: torch's draws after manual_seed."""
    check_module(mha(dropout=0.4), lambda lib, m, x: m(x, x, x, need_weights=need_weights),
                 [randn(5, 3, E)], train=True)
    # eval mode: no dropout
    check_module(mha(dropout=0.4), lambda lib, m, x: m(x, x, x), [randn(5, 3, E)])


def test_multihead_attention_eval_fast_path():
    """torch's inference fast path (_native_multi_head_attention) gives the ordinary values."""
    def call(lib, m, x):
        with lib.no_grad():
            return m(x, x, x, key_padding_mask=lib.tensor(KPM))
    check_module(mha(batch_first=True), call, [randn(3, 5, E)], grad=False)


def test_multihead_attention_load_state_dict():
    check_module(mha(kdim=4, vdim=6, add_bias_kv=True),
                 lambda lib, m, x, k, v: m(x, k, v), [randn(5, 3, E), randn(4, 3, 4),
                                                      randn(4, 3, 6)], load=True)


def test_multihead_attention_double_backward():
    """Second derivatives through MultiheadAttention (the need_weights path, which torch
    differentiates twice), float64."""
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.MultiheadAttention(4, 2, kdim=3, vdim=3).double()
        rng = np.random.default_rng(0)
        x = lib.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
        mem = lib.tensor(rng.standard_normal((5, 2, 3)), requires_grad=True)
        out, w = m(x, mem, mem, key_padding_mask=lib.tensor(KPM[:2]))
        g = lib.autograd.grad((out * lib.tensor(rng.standard_normal((3, 2, 4)))).sum(),
                              [x, mem], create_graph=True)
        (g[0].pow(2).sum() + g[1].pow(2).sum()).backward()
        return [x.grad.numpy(), mem.grad.numpy(), m.in_proj_bias.grad.numpy()]
    t, e = both(run)
    for a, b in zip(t, e):
        np.testing.assert_allclose(b, a, rtol=1e-8, atol=1e-10)


def test_multihead_attention_mask_warnings():
    def run(lib):
        m = lib.nn.MultiheadAttention(E, H)
        x = lib.ones(5, 3, E)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m(x, x, x, key_padding_mask=lib.tensor(KPM), attn_mask=lib.zeros(5, 5))
        return [(m.category.__name__, str(m.message)) for m in w]
    t, e = both(run)
    assert e == t and len(e) == 1


@pytest.mark.parametrize("case", ["query_4d", "kv_dims", "kpm_dims", "mask_shape", "kpm_dtype",
                                  "embed_dim", "kv_shape", "causal_without_mask",
                                  "unbatched_kpm"])
def test_multihead_attention_errors(case):
    def run(lib):
        m = lib.nn.MultiheadAttention(E, H)
        x = lib.ones(5, 3, E)
        calls = {
            "query_4d": lambda: m(x[None], x[None], x[None]),
            "kv_dims": lambda: m(x, x[0], x),
            "kpm_dims": lambda: m(x, x, x, key_padding_mask=lib.ones(3, dtype=lib.bool)),
            "mask_shape": lambda: m(x, x, x, attn_mask=lib.ones(4, 5, dtype=lib.bool)),
            "kpm_dtype": lambda: m(x, x, x, key_padding_mask=lib.ones(3, 5, dtype=lib.int64)),
            "embed_dim": lambda: m(x[..., :6], x[..., :6], x[..., :6]),
            "kv_shape": lambda: m(x, x, x[:4]),
            "causal_without_mask": lambda: m(x, x, x, is_causal=True),
            "unbatched_kpm": lambda: m(x[:, 0], x[:, 0], x[:, 0], key_padding_mask=lib.ones(
                2, 5, dtype=lib.bool)),
        }
        return calls[case]()
    same_error(run)


# -- TransformerEncoderLayer ------------------------------------------------------------------

def enc_layer(**kwargs):
    return lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF, **kwargs)


@pytest.mark.parametrize("kwargs", [
    dict(), dict(norm_first=True), dict(activation="gelu"), dict(batch_first=True),
    dict(bias=False), dict(layer_norm_eps=1e-3, norm_first=True, activation="gelu"),
])
@pytest.mark.parametrize("train", [True, False])
def test_transformer_encoder_layer(kwargs, train):
    """dropout=0 in training mode, and eval mode with the default dropout."""
    if train:
        kwargs = dict(kwargs, dropout=0.0)
    check_module(enc_layer(**kwargs), lambda lib, m, x: m(x), [randn(5, 3, E)], train=train)


def test_transformer_encoder_layer_callable_activation():
    check_module(enc_layer(activation=lambda x: x.tanh() * 2, dropout=0.0),
                 lambda lib, m, x: m(x), [randn(5, 3, E)], train=True)
    check_module(lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF, dropout=0.0,
                                                            activation=lib.nn.GELU()),
                 lambda lib, m, x: m(x), [randn(5, 3, E)], train=True)


def test_transformer_encoder_layer_dropout():
    """Every dropout (attention weights, both residual branches, feed-forward) draws as
    torch's does, in torch's order."""
    check_module(enc_layer(dropout=0.3), lambda lib, m, x: m(x), [randn(5, 3, E)], train=True)
    check_module(enc_layer(dropout=0.3, norm_first=True, batch_first=True),
                 lambda lib, m, x: m(x, src_key_padding_mask=lib.tensor(KPM)),
                 [randn(3, 5, E)], train=True)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("masks", ["kpm", "mask", "both", "float", "causal"])
def test_transformer_encoder_layer_masks(masks, train):
    def call(lib, m, x):
        dt = x.detach().numpy().dtype
        kw = {}
        if masks in ("kpm", "both"):
            kw["src_key_padding_mask"] = lib.tensor(KPM)
        if masks in ("mask", "both"):
            kw["src_mask"] = lib.tensor(CAUSAL5)
        if masks == "float":
            kw["src_mask"] = lib.tensor(np.where(CAUSAL5, -np.inf, 0.5).astype(dt))
            kw["src_key_padding_mask"] = lib.tensor(np.where(KPM, -np.inf, 0.0).astype(dt))
        if masks == "causal":
            kw["src_mask"] = lib.nn.Transformer.generate_square_subsequent_mask(5, dtype=x.dtype)
            kw["is_causal"] = True
        return m(x, **kw)
    check_module(enc_layer(batch_first=True, dropout=0.0), call, [randn(3, 5, E)], train=train)


def test_transformer_encoder_layer_unbatched():
    check_module(enc_layer(dropout=0.0), lambda lib, m, x: m(x), [randn(5, E)], train=True)


def test_transformer_encoder_layer_eval_fast_path():
    """torch's _transformer_encoder_layer_fwd (eval, no grad, batch_first) gives the same
    values as the ordinary path ember takes."""
    def call(lib, m, x):
        with lib.no_grad():
            return m(x, src_key_padding_mask=lib.tensor(KPM))
    check_module(enc_layer(batch_first=True), call, [randn(3, 5, E)], grad=False)
    check_module(enc_layer(batch_first=True, activation="gelu", norm_first=True), call,
                 [randn(3, 5, E)], grad=False)


def test_transformer_encoder_layer_repr_and_attributes():
    tm, em = make_pair(enc_layer(activation="gelu", norm_first=True))
    assert repr(em) == repr(tm)
    assert em.activation_relu_or_gelu == tm.activation_relu_or_gelu == 2
    assert em.activation is ember.nn.functional.gelu
    tm, em = make_pair(lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF,
                                                                  activation=lib.nn.ReLU()))
    assert repr(em) == repr(tm)
    assert em.activation_relu_or_gelu == tm.activation_relu_or_gelu == 1


def test_transformer_encoder_layer_errors():
    same_error(lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF, activation="tanh"))
    same_error(lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF)(lib.ones(5, 3, 6)))
    same_error(lambda lib: lib.nn.TransformerEncoderLayer(E, H, FF)(
        lib.ones(5, 3, E), src_mask=lib.ones(4, 4, dtype=lib.bool)))


# -- TransformerDecoderLayer ------------------------------------------------------------------

def dec_layer(**kwargs):
    return lambda lib: lib.nn.TransformerDecoderLayer(E, H, FF, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(), dict(norm_first=True, activation="gelu"),
                                    dict(batch_first=True, bias=False)])
@pytest.mark.parametrize("train", [True, False])
def test_transformer_decoder_layer(kwargs, train):
    if train:
        kwargs = dict(kwargs, dropout=0.0)
    shapes = ([randn(3, 4, E), randn(3, 5, E)] if kwargs.get("batch_first")
              else [randn(4, 3, E), randn(5, 3, E)])
    check_module(dec_layer(**kwargs), lambda lib, m, t, mem: m(t, mem), shapes, train=train)


@pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask")
def test_transformer_decoder_layer_masks_and_dropout():
    def call(lib, m, t, mem):
        return m(t, mem, tgt_mask=lib.nn.Transformer.generate_square_subsequent_mask(4),
                 tgt_is_causal=True, memory_key_padding_mask=lib.tensor(KPM),
                 tgt_key_padding_mask=lib.tensor(KPM[:, :4]),
                 memory_mask=lib.tensor(np.triu(np.ones((4, 5), bool), 3)))
    check_module(dec_layer(dropout=0.0), call, [randn(4, 3, E), randn(5, 3, E)], train=True)
    check_module(dec_layer(dropout=0.3), call, [randn(4, 3, E), randn(5, 3, E)], train=True)


def test_transformer_decoder_layer_repr():
    tm, em = make_pair(dec_layer())
    assert repr(em) == repr(tm)


# -- TransformerEncoder / TransformerDecoder ----------------------------------------------------

def test_transformer_encoder_init_copies():
    """The layer is deep-copied num_layers times: same values, separate parameters."""
    def ctor(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, H, FF), 3,
                                             norm=lib.nn.LayerNorm(E))
    tm, em = make_pair(ctor)
    assert repr(em) == repr(tm)
    assert em.layers[0].linear1.weight is not em.layers[1].linear1.weight
    np.testing.assert_array_equal(em.layers[0].linear1.weight.detach().numpy(),
                                  em.layers[2].linear1.weight.detach().numpy())
    assert len(list(em.parameters())) == len(list(tm.parameters()))


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_first=True), dict(norm_first=True),
                                    dict(batch_first=True, activation=lambda x: x * 2)])
def test_transformer_encoder_nested_tensor_warning(kwargs):
    def run(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, H, FF, **kwargs), 2)
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(E, H, FF, **kwargs), 2,
                                      enable_nested_tensor=False)
        return [(m.category.__name__, str(m.message)) for m in w]
    t, e = both(run)
    assert e == t


def encoder(num_layers=2, norm=True, **kwargs):
    def ctor(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.TransformerEncoder(
                lib.nn.TransformerEncoderLayer(E, H, FF, **kwargs), num_layers,
                norm=lib.nn.LayerNorm(E) if norm else None)
    return ctor


@pytest.mark.parametrize("train", [True, False])
def test_transformer_encoder(train):
    check_module(encoder(dropout=0.0), lambda lib, m, x: m(x, mask=lib.tensor(CAUSAL5)),
                 [randn(5, 3, E)], train=train)
    check_module(encoder(dropout=0.0, batch_first=True, norm=False),
                 lambda lib, m, x: m(x, src_key_padding_mask=lib.tensor(KPM)),
                 [randn(3, 5, E)], train=train)


def test_transformer_encoder_causal_detection():
    """A mask equal to the square subsequent mask is detected as causal (is_causal=None)."""
    check_module(encoder(dropout=0.0, batch_first=True),
                 lambda lib, m, x: m(x, mask=lib.nn.Transformer.generate_square_subsequent_mask(
                     5)), [randn(3, 5, E)], train=True)


def test_transformer_encoder_dropout():
    check_module(encoder(dropout=0.2, norm_first=True), lambda lib, m, x: m(x),
                 [randn(5, 3, E)], train=True)


def test_transformer_encoder_nested_eval():
    """Eval mode, no grad, batch_first and a left-aligned padding mask: torch runs the layers
    on a nested tensor, and the padded positions come out as zeros (before the final norm)."""
    def call_with(kpm):
        def call(lib, m, x):
            with lib.no_grad():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return m(x, src_key_padding_mask=lib.tensor(kpm))
        return call
    for norm in (True, False):
        check_module(encoder(batch_first=True, norm=norm), call_with(KPM[:2]),
                     [randn(2, 5, E)], grad=False)
    # not left-aligned: no nested tensor, the padded positions are computed
    check_module(encoder(batch_first=True), call_with(KPM[2:]), [randn(1, 5, E)], grad=False)


def test_transformer_decoder():
    def ctor(lib):
        return lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(E, H, FF, dropout=0.0),
                                         2, norm=lib.nn.LayerNorm(E))
    check_module(ctor, lambda lib, m, t, mem: m(
        t, mem, tgt_mask=lib.nn.Transformer.generate_square_subsequent_mask(4),
        memory_key_padding_mask=lib.tensor(KPM)), [randn(4, 3, E), randn(5, 3, E)], train=True)


# -- Transformer --------------------------------------------------------------------------------

def transformer(**kwargs):
    def ctor(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return lib.nn.Transformer(E, H, 2, 2, FF, **kwargs)
    return ctor


def test_transformer_init():
    tm, em = make_pair(transformer())
    assert repr(em) == repr(tm)
    assert (em.d_model, em.nhead, em.batch_first) == (tm.d_model, tm.nhead, tm.batch_first)


@pytest.mark.parametrize("kwargs", [dict(dropout=0.0), dict(dropout=0.0, batch_first=True,
                                                            norm_first=True)])
def test_transformer(kwargs):
    bf = kwargs.get("batch_first")

    def call(lib, m, src, tgt):
        return m(src, tgt, tgt_mask=m.generate_square_subsequent_mask(4),
                 src_key_padding_mask=lib.tensor(KPM), memory_key_padding_mask=lib.tensor(KPM))
    shapes = ([randn(3, 5, E), randn(3, 4, E)] if bf else [randn(5, 3, E), randn(4, 3, E)])
    check_module(transformer(**kwargs), call, shapes, train=True, dtypes=(np.float32,))


def test_transformer_dropout():
    check_module(transformer(dropout=0.2), lambda lib, m, s, t: m(s, t),
                 [randn(5, 3, E), randn(4, 3, E)], train=True, dtypes=(np.float64,))


def test_transformer_errors():
    def run(lib, src, tgt, **kw):
        return transformer(**kw)(lib)(src, tgt)
    same_error(lambda lib: run(lib, lib.ones(5, 3, E), lib.ones(4, 2, E)))
    same_error(lambda lib: run(lib, lib.ones(3, 5, E), lib.ones(2, 4, E), batch_first=True))
    same_error(lambda lib: run(lib, lib.ones(5, 3, E), lib.ones(4, 3, 6)))


@pytest.mark.parametrize("sz", [1, 4])
def test_generate_square_subsequent_mask(sz):
    t, e = both(lambda lib: lib.nn.Transformer.generate_square_subsequent_mask(sz))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    assert repr(e) == repr(t)
    t, e = both(lambda lib: lib.nn.Transformer.generate_square_subsequent_mask(
        sz, dtype=lib.float64))
    assert repr(e) == repr(t)


def test_transformer_encoder_layer_train_step():
    """A few optimizer steps of an encoder layer with dropout stay equal to torch's."""
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.TransformerEncoderLayer(E, H, FF, dropout=0.1, batch_first=True)
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        x = lib.tensor(np.random.default_rng(0).standard_normal((3, 5, E)).astype(np.float32))
        losses = []
        for _ in range(3):
            opt.zero_grad()
            loss = m(x, src_key_padding_mask=lib.tensor(KPM)).pow(2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        return losses, m.linear1.weight.detach().numpy()
    (tl, tw), (el, ew) = both(run)
    np.testing.assert_allclose(el, tl, rtol=1e-5)
    np.testing.assert_allclose(ew, tw, rtol=1e-4, atol=1e-6)


def test_sdpa_math_backend_agrees_with_module():
    """Sanity check of the oracle itself: torch's fused and math kernels agree here, so the
    comparisons above do not depend on which kernel torch chose."""
    torch.manual_seed(0)
    m = torch.nn.MultiheadAttention(E, H, batch_first=True)
    x = torch.randn(3, 5, E)
    a = m(x, x, x, need_weights=False)[0]
    with sdpa_kernel([SDPBackend.MATH]):
        b = m(x, x, x, need_weights=False)[0]
    torch.testing.assert_close(a, b)
