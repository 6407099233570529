"""F.scaled_dot_product_attention and F.multi_head_attention_forward against torch: values,
gradients and grad_fn names on both of torch's CPU paths (the fused flash kernel and the math
composite), masks (bool, float, causal, fully masked rows), scale, grouped-query attention,
dropout with torch's draws, double backward, and error texts."""
import warnings

import numpy as np
import pytest
import torch
from torch.nn.attention import SDPBackend, sdpa_kernel

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


def same_error(fn):
    t, e = both(lambda lib: raised(lambda: fn(lib)))
    assert e == t, f"\nember: {e}\ntorch: {t}"


def sdpa(lib, *args, **kwargs):
    return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)


RNG = np.random.default_rng(7)
BOOL_45 = RNG.random((4, 5)) > 0.3
BOOL_45[1] = False                         # a query row that may attend to nothing
FLOAT_2145 = RNG.standard_normal((2, 1, 4, 5))
FLOAT_45 = RNG.standard_normal((4, 5))


# -- the fused path (torch's ScaledDotProductFlashAttentionForCpuBackward0) -----------------------

FLASH = "ScaledDotProductFlashAttentionForCpuBackward0"


@pytest.mark.parametrize("shapes", [
    [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)],
    [(1, 1, 1, 4), (1, 1, 6, 4), (1, 1, 6, 4)],
    [(2, 2, 6, 3), (2, 2, 6, 3), (2, 2, 6, 3)],
])
def test_sdpa_flash(shapes):
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v), shapes)
    t, e = both(lambda lib: sdpa(lib, *(lib.ones(s, requires_grad=True) for s in shapes)))
    assert type(t.grad_fn).__name__ == type(e.grad_fn).__name__ == FLASH


@pytest.mark.parametrize("kwargs", [
    dict(is_causal=True), dict(scale=0.3), dict(scale=2.0, is_causal=True),
])
def test_sdpa_flash_options(kwargs):
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v, **kwargs),
             [(2, 3, 4, 8), (2, 3, 6, 8), (2, 3, 6, 8)])


@pytest.mark.parametrize("mask", ["bool", "float2d", "float4d", "float_causal"])
def test_sdpa_flash_masks(mask):
    def fn(lib, q, k, v):
        if mask == "bool":
            return sdpa(lib, q, k, v, attn_mask=lib.tensor(BOOL_45))
        dt = q.detach().numpy().dtype
        if mask == "float2d":
            return sdpa(lib, q, k, v, attn_mask=lib.tensor(FLOAT_45.astype(dt)))
        m = lib.tensor(FLOAT_2145.astype(dt))
        # the fused kernel applies a mask and the causal mask together
        return sdpa(lib, q, k, v, attn_mask=m, is_causal=mask == "float_causal")
    check_op(fn, [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)])


def test_sdpa_flash_fully_masked_row_is_zero():
    t, e = both(lambda lib: sdpa(lib, *(lib.ones(1, 1, 4, 3) for _ in range(3)),
                                 attn_mask=lib.tensor(BOOL_45[:, :4])))
    np.testing.assert_array_equal(e.numpy()[0, 0, 1], 0)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)


def test_sdpa_flash_gqa():
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True),
             [(2, 6, 4, 8), (2, 2, 5, 8), (2, 2, 5, 8)])


def test_sdpa_flash_output_layout():
    """The fused kernel writes into empty_like(query): a transposed query gives a transposed
    output, which MultiheadAttention then reshapes without a copy."""
    def fn(lib):
        q = lib.randn(4, 2, 3, 8).permute(1, 2, 0, 3)
        k = lib.randn(2, 3, 5, 8)
        v = lib.randn(2, 3, 5, 8)
        return sdpa(lib, q, k, v)
    t, e = both(fn)
    assert e.stride() == t.stride()
    assert e.is_contiguous() == t.is_contiguous()


def test_sdpa_flash_float16():
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v), [(1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)],
             dtypes=(np.float16,), grad=False)


# -- the math path (torch's _scaled_dot_product_attention_math) -----------------------------------

@pytest.mark.parametrize("shapes", [
    [(4, 8), (5, 8), (5, 8)],                                   # 2-D: mm
    [(3, 4, 8), (3, 5, 8), (3, 5, 8)],                          # 3-D: bmm
    [(2, 2, 3, 4, 8), (2, 2, 3, 5, 8), (2, 2, 3, 5, 8)],       # 5-D
    [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)],                 # value head size differs
    [(2, 3, 4, 8), (1, 3, 5, 8), (1, 3, 5, 8)],                 # broadcast batch
    [(4, 8), (2, 3, 5, 8), (2, 3, 5, 8)],                       # broadcast query
])
def test_sdpa_math(shapes):
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v), shapes)


@pytest.mark.parametrize("kwargs", [dict(is_causal=True), dict(scale=0.4), dict(scale=-0.4)])
@pytest.mark.parametrize("lq, s", [(4, 4), (6, 3), (3, 6)])
def test_sdpa_math_options(kwargs, lq, s):
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v, **kwargs), [(2, lq, 8), (2, s, 8),
                                                                 (2, s, 5)])


@pytest.mark.parametrize("mask", ["bool", "float", "float_grad", "bool3d"])
def test_sdpa_math_masks(mask):
    def fn(lib, q, k, v, m):
        if mask == "bool":
            return sdpa(lib, q, k, v, attn_mask=lib.tensor(BOOL_45))
        if mask == "bool3d":
            return sdpa(lib, q, k, v, attn_mask=lib.tensor(np.stack([BOOL_45, ~BOOL_45])))
        if mask == "float":
            return sdpa(lib, q, k, v, attn_mask=m.detach())
        return sdpa(lib, q, k, v, attn_mask=m)       # a mask that needs a gradient
    check_op(fn, [(2, 4, 8), (2, 5, 8), (2, 5, 6), (4, 5)])


def test_sdpa_float_mask_needing_grad_takes_math_path():
    def fn(lib):
        q, k, v = (lib.ones(1, 2, 3, 4, requires_grad=True) for _ in range(3))
        return sdpa(lib, q, k, v, attn_mask=lib.zeros(3, 3, requires_grad=True))
    t, e = both(fn)
    assert type(t.grad_fn).__name__ == type(e.grad_fn).__name__ == "UnsafeViewBackward0"


def test_sdpa_math_gqa():
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True),
             [(2, 6, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)])


def test_sdpa_math_fully_masked_row():
    """_safe_softmax: a row with every key masked gives 0 output and 0 gradient."""
    def fn(lib, q, k, v):
        return sdpa(lib, q, k, v, attn_mask=lib.tensor(BOOL_45))
    check_op(fn, [(4, 8), (5, 8), (5, 6)])


def node_names(fn):
    """The names of every node reachable from fn (an explicit stack, no recursion)."""
    names, stack, seen = set(), [fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(type(node).__name__)
        stack.extend(f for f, _ in node.next_functions)
    return names


def test_sdpa_math_graph():
    """The math path's own nodes, as ATen records them (matmul's inner nodes are linalg's)."""
    def fn(lib):
        q, k, v = (lib.ones(s, requires_grad=True) for s in [(2, 4, 8), (2, 5, 8), (2, 5, 6)])
        out = sdpa(lib, q, k, v, attn_mask=lib.zeros(4, 5, requires_grad=True), dropout_p=0.2)
        return node_names(out.grad_fn) & {"SafeSoftmaxBackward0", "AddBackward0",
                                          "MulBackward0", "MulBackward1", "TransposeBackward0",
                                          "SoftmaxBackward0"}
    t, e = both(fn)
    assert e == t == {"SafeSoftmaxBackward0", "AddBackward0", "MulBackward0", "MulBackward1",
                      "TransposeBackward0"}


@pytest.mark.parametrize("shapes", [[(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)],
                                    [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]])
def test_sdpa_dropout(shapes):
    """Dropout draws the same Bernoulli mask as torch's at::dropout after manual_seed."""
    def fn(lib, q, k, v):
        lib.manual_seed(3)
        return sdpa(lib, q, k, v, dropout_p=0.4)
    check_op(fn, shapes)


def test_sdpa_dropout_one():
    check_op(lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=1.0),
             [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)])


def test_sdpa_no_grad():
    def fn(lib):
        q, k, v = (lib.ones(1, 2, 3, 4, requires_grad=True) for _ in range(3))
        with lib.no_grad():
            return sdpa(lib, q, k, v)
    t, e = both(fn)
    assert t.grad_fn is None and e.grad_fn is None and not e.requires_grad


def test_sdpa_requires_grad_subset():
    """Only the inputs that need a gradient get one."""
    for needs in [(True, False, False), (False, True, False), (False, False, True)]:
        for vdim in (8, 6):
            def fn(lib):
                lib.manual_seed(0)
                q = lib.randn(2, 3, 4, 8, requires_grad=needs[0])
                k = lib.randn(2, 3, 5, 8, requires_grad=needs[1])
                v = lib.randn(2, 3, 5, vdim, requires_grad=needs[2])
                sdpa(lib, q, k, v).pow(2).sum().backward()
                return [None if x.grad is None else x.grad.numpy() for x in (q, k, v)]
            t, e = both(fn)
            for a, b in zip(t, e):
                assert (a is None) == (b is None)
                if a is not None:
                    np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)


def test_sdpa_gradcheck():
    gradcheck(lambda lib, q, k, v: sdpa(lib, q, k, v), [(1, 2, 3, 4), (1, 2, 4, 4),
                                                        (1, 2, 4, 4)])
    gradcheck(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True),
              [(2, 3, 4), (2, 3, 4), (2, 3, 2)])


def _torch_math(fn):
    """fn with torch restricted to its math kernel (its fused kernel has no double backward)."""
    def go(lib, *xs):
        if lib is torch:
            with sdpa_kernel([SDPBackend.MATH]):
                return fn(lib, *xs)
        return fn(lib, *xs)
    return go


@pytest.mark.parametrize("shapes", [[(2, 3, 4), (2, 5, 4), (2, 5, 3)],
                                    [(1, 2, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)]])
def test_sdpa_double_backward(shapes):
    check_double_backward(_torch_math(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True)),
                          shapes)
    check_double_backward(_torch_math(
        lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.tensor(BOOL_45[:3]))), shapes)


def test_sdpa_double_backward_gqa():
    check_double_backward(_torch_math(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True)),
                          [(1, 4, 3, 4), (1, 2, 5, 4), (1, 2, 5, 4)])


def test_sdpa_torch_flash_has_no_double_backward():
    """torch's fused kernel refuses a second derivative; ember's fused node computes it (the
    same values as torch's math path, checked above)."""
    q = torch.ones(1, 1, 2, 4, requires_grad=True)
    g, = torch.autograd.grad(sdpa(torch, q * 1, q * 2, q * 3).sum(), q, create_graph=True)
    with pytest.raises(RuntimeError, match="derivative for aten::_scaled_dot_product_flash"):
        g.sum().backward()


# -- errors ---------------------------------------------------------------------------------------

def test_sdpa_errors():
    q = np.ones((2, 3, 4, 8), np.float32)
    k = np.ones((2, 3, 5, 8), np.float32)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v), q, k.astype(np.float64), k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v), q[0, 0, 0], k[0, 0, 0], k[0, 0, 0])
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(4, 5,
                                                                           dtype=lib.int64)),
                q, k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(
        4, 5, dtype=lib.float64)), q, k, k)
    # the math path refuses a mask together with is_causal (dropout forces the math path)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(4, 5),
                                          is_causal=True, dropout_p=0.1), q, k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True), q, k[:, :2], k[:, :2])
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v), q, k[:, :2], k[:, :2])
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(3, 5)), q, k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(2, 3, 3, 4, 5)),
                q, k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.zeros(2, 2, 3, 4, 5)),
                q[..., :6], k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=-0.1), q, k, k)
    check_error(lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=1.5), q, k, k)


def test_sdpa_scale_is_keyword_only():
    same_error(lambda lib: sdpa(lib, *(lib.ones(2, 3) for _ in range(3)), None, 0.0, False, 1.0))


# -- multi_head_attention_forward -------------------------------------------------------------

E, H = 8, 2


def mha_weights(seed, kdim=E, vdim=E, bias=True, bias_kv=False):
    rng = np.random.default_rng(seed)
    w = dict(in_proj_weight=rng.standard_normal((3 * E, E)) * 0.3,
             q=rng.standard_normal((E, E)) * 0.3, k=rng.standard_normal((E, kdim)) * 0.3,
             v=rng.standard_normal((E, vdim)) * 0.3,
             in_proj_bias=rng.standard_normal(3 * E) * 0.1 if bias else None,
             out_w=rng.standard_normal((E, E)) * 0.3,
             out_b=rng.standard_normal(E) * 0.1 if bias else None,
             bias_k=rng.standard_normal((1, 1, E)) if bias_kv else None,
             bias_v=rng.standard_normal((1, 1, E)) if bias_kv else None)
    return w


def mha_fn(separate=False, bias_kv=False, self_attn=True, need_weights=True,
           add_zero_attn=False, **kwargs):
    def fn(lib, x, mem):
        dt = x.detach().numpy().dtype
        w = mha_weights(0, kdim=mem.shape[-1], vdim=mem.shape[-1], bias_kv=bias_kv)
        t = {k: None if a is None else lib.tensor(a.astype(dt), requires_grad=True)
             for k, a in w.items()}
        key = x if self_attn else mem
        out, weights = lib.nn.functional.multi_head_attention_forward(
            x, key, key, E, H, None if separate else t["in_proj_weight"], t["in_proj_bias"],
            t["bias_k"], t["bias_v"], add_zero_attn, 0.0, t["out_w"], t["out_b"],
            training=False, need_weights=need_weights, use_separate_proj_weight=separate,
            q_proj_weight=t["q"], k_proj_weight=t["k"], v_proj_weight=t["v"], **kwargs)
        if not need_weights:
            assert weights is None
            return out
        return out, weights
    return fn


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("config", [
    dict(), dict(self_attn=False), dict(separate=True, self_attn=False),
    dict(bias_kv=True, self_attn=False), dict(add_zero_attn=True),
    dict(average_attn_weights=False),
])
def test_multi_head_attention_forward(config, need_weights):
    mem_dim = 6 if config.get("separate") else E
    check_op(mha_fn(need_weights=need_weights, **dict(config)), [(5, 3, E), (4, 3, mem_dim)])


def test_multi_head_attention_forward_unbatched():
    check_op(mha_fn(self_attn=False), [(5, E), (4, E)])
    check_op(mha_fn(need_weights=False), [(5, E), (4, E)])


@pytest.mark.parametrize("need_weights", [True, False])
def test_multi_head_attention_forward_masks(need_weights):
    kpm = np.array([[False, False, True, True], [False] * 4, [True, False, False, True]])
    am = np.triu(np.ones((5, 4), bool), 1)

    def fn_bool(lib, x, mem):
        return mha_fn(self_attn=False, need_weights=need_weights, key_padding_mask=lib.tensor(kpm),
                      attn_mask=lib.tensor(am))(lib, x, mem)
    check_op(fn_bool, [(5, 3, E), (4, 3, E)])
    fam = np.random.default_rng(1).standard_normal((3 * H, 5, 4))

    def fn(lib, x, mem):
        return mha_fn(self_attn=False, need_weights=need_weights,
                      attn_mask=lib.tensor(fam.astype(x.detach().numpy().dtype)))(lib, x, mem)
    check_op(fn, [(5, 3, E), (4, 3, E)])


def test_multi_head_attention_forward_static_kv():
    static = np.random.default_rng(3).standard_normal((3 * H, 4, E // H))

    def fn(lib, x, mem):
        s = lib.tensor(static.astype(x.detach().numpy().dtype))
        return mha_fn(self_attn=False, static_k=s, static_v=s * 2)(lib, x, mem)
    check_op(fn, [(5, 3, E), (4, 3, E)])


def test_multi_head_attention_forward_dropout():
    def fn(lib, x, mem):
        lib.manual_seed(5)
        w = mha_weights(0)
        t = {k: None if a is None else lib.tensor(a.astype(x.detach().numpy().dtype))
             for k, a in w.items()}
        return lib.nn.functional.multi_head_attention_forward(
            x, mem, mem, E, H, t["in_proj_weight"], t["in_proj_bias"], None, None, False, 0.5,
            t["out_w"], t["out_b"], training=True)
    check_op(fn, [(5, 3, E), (4, 3, E)])


def test_multi_head_attention_forward_mask_warning():
    def fn(lib):
        x = lib.ones(5, 3, E)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mha_fn(self_attn=False, key_padding_mask=lib.zeros(3, 5, dtype=lib.bool),
                   attn_mask=lib.zeros(5, 5))(lib, x, x)
        return [str(m.message) for m in w]
    t, e = both(fn)
    assert e == t and len(e) == 1


@pytest.mark.parametrize("case", [
    "query_4d", "key_2d", "kpm_3d", "mask_4d", "unbatched_kpm_2d", "unbatched_mask_3d_shape",
    "embed_dim", "heads", "kv_shape", "mask_2d_shape", "mask_3d_shape", "kpm_shape", "kpm_len",
    "mask_int", "causal_no_mask", "bias_k_only", "static_k_size", "separate_no_weight",
    "weight_shape",
])
def test_multi_head_attention_forward_errors(case):
    def fn(lib):
        x = lib.ones(5, 3, E)
        m = lib.ones(4, 3, E)
        w = {k: None if a is None else lib.tensor(a.astype(np.float32))
             for k, a in mha_weights(0, bias_kv=True).items()}
        F = lib.nn.functional

        def call(q=x, k=m, v=m, embed=E, heads=H, separate=False, bias_k=None, bias_v=None,
                 qw=w["q"], **kw):
            return F.multi_head_attention_forward(
                q, k, v, embed, heads, w["in_proj_weight"], w["in_proj_bias"], bias_k, bias_v,
                False, 0.0, w["out_w"], w["out_b"], use_separate_proj_weight=separate,
                q_proj_weight=qw, k_proj_weight=w["k"], v_proj_weight=w["v"], **kw)
        cases = {
            "query_4d": lambda: call(q=lib.ones(5, 3, 1, E)),
            "key_2d": lambda: call(k=lib.ones(4, E)),
            "kpm_3d": lambda: call(key_padding_mask=lib.ones(3, 4, 1, dtype=lib.bool)),
            "mask_4d": lambda: call(attn_mask=lib.ones(1, 1, 5, 4, dtype=lib.bool)),
            "unbatched_kpm_2d": lambda: call(q=x[:, 0], k=m[:, 0], v=m[:, 0],
                                             key_padding_mask=lib.ones(1, 4, dtype=lib.bool)),
            "unbatched_mask_3d_shape": lambda: call(q=x[:, 0], k=m[:, 0], v=m[:, 0],
                                                    attn_mask=lib.ones(3, 5, 4)),
            "embed_dim": lambda: call(embed=6),
            "heads": lambda: call(heads=3),
            "kv_shape": lambda: call(v=lib.ones(3, 3, E)),
            "mask_2d_shape": lambda: call(attn_mask=lib.zeros(5, 5)),
            "mask_3d_shape": lambda: call(attn_mask=lib.zeros(2, 5, 4)),
            "kpm_shape": lambda: call(key_padding_mask=lib.zeros(2, 4)),
            "kpm_len": lambda: call(key_padding_mask=lib.zeros(3, 5)),
            "mask_int": lambda: call(attn_mask=lib.zeros(5, 4, dtype=lib.int64)),
            "causal_no_mask": lambda: call(is_causal=True),
            "bias_k_only": lambda: call(bias_k=w["bias_k"]),
            "static_k_size": lambda: call(static_k=lib.zeros(5, 4, E // H)),
            "separate_no_weight": lambda: call(separate=True, qw=None),
            "weight_shape": lambda: call(separate=True, qw=lib.ones(E, E + 1)),
        }
        return cases[case]()
    same_error(fn)
