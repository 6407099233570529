"""Attention: F.scaled_dot_product_attention and F.multi_head_attention_forward.

scaled_dot_product_attention picks its implementation as torch's CPU build does
(sdp_utils_cpp.cpp, ``use_flash_attention_cpp``):

- the *flash* path (4-D inputs, no dropout, equal batch sizes and heads or grouped-query
  heads, equal head sizes, a 2-D/4-D mask that needs no gradient, last-dim stride 1): one
  fused node, ``ScaledDotProductFlashAttentionForCpuBackward0``, whose output takes the
  query's memory layout as torch's kernel does;
- otherwise the *math* path (``_scaled_dot_product_attention_math``), composed of ember ops
  exactly as ATen composes it: q and k^T each scaled by sqrt(scale) (MulBackward1), matmul,
  the additive mask, ``_safe_softmax`` (SafeSoftmaxBackward0: rows that are all -inf give 0,
  not NaN), dropout (the same Bernoulli draws as torch), matmul.

Both give 0 for a query row whose keys are all masked out.  Unlike torch's flash kernel, the
fused node's backward also runs under create_graph (it recomputes the probabilities from the
saved inputs with ember ops), so double backward works on both paths.

multi_head_attention_forward is torch/nn/functional.py's function, line by line, on ember ops.
"""
import math
import warnings

import numpy as np

from .._errors import broadcast_shapes
from .._tensor import Tensor, _make
from ._base import Node, OUTPUT, unary, record, sum_dims
from .activation import SoftmaxBackward0, softmax, _mul_scalar
from .linalg import matmul, bmm, baddbmm
from .normalization import dropout
from .shape import cat

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_FLASH_DTYPES = ("float32", "float64", "float16")


def _meta_name(t):
    from ..random import _META_NAME
    return _META_NAME[t._data.dtype.name]


# -- _safe_softmax ------------------------------------------------------------------------------

class SafeSoftmaxBackward0(SoftmaxBackward0):
    """self: _softmax_backward_data(grad, result, dim, self.scalar_type())
    = result * (grad - (grad * result).sum(dim, keepdim=True))"""
    __slots__ = ()


def _np_safe_softmax(x, axis=-1):
    """softmax along axis; a row whose entries are all -inf gives zeros (not NaN).  x is
    overwritten (it is a temporary of the caller's)."""
    with np.errstate(invalid="ignore", over="ignore"):
        m = np.max(x, axis=axis, keepdims=True)
        dead = m == -np.inf          # the row max is -inf exactly when the row is all -inf
        if dead.any():
            m = np.where(dead, 0, m)
        x -= m
        np.exp(x, out=x)
        s = x.sum(axis=axis, keepdims=True)
        x /= s
    if dead.any():
        x = np.where(dead, 0, x).astype(x.dtype, copy=False)
    return x


def _safe_softmax(input, dim=-1):
    """at::_safe_softmax: softmax(input, dim), with 0 where a row is entirely -inf."""
    x = input._data
    axis = dim % x.ndim
    out = _np_safe_softmax(np.array(x, copy=True), axis)
    return unary(SafeSoftmaxBackward0, input, out, saved=(OUTPUT,), args=(axis,))


# -- the fused (flash) path ---------------------------------------------------------------------

def _repeat_heads(k, rep):
    """k.repeat_interleave(rep, dim=1) for (B, H, S, E) arrays or Tensors."""
    if rep == 1:
        return k
    if isinstance(k, Tensor):
        b, h, s, e = k.shape
        return k.unsqueeze(2).expand(b, h, rep, s, e).reshape(b, h * rep, s, e)
    return np.repeat(k, rep, axis=1)


def _sum_heads(g, rep):
    """The gradient of _repeat_heads: sum each group of rep heads."""
    if rep == 1:
        return g
    b, h, s, e = g.shape
    return sum_dims(g.reshape(b, h // rep, rep, s, e), (2,))


class ScaledDotProductFlashAttentionForCpuBackward0(Node):
    """query, key, value: _scaled_dot_product_flash_attention_for_cpu_backward(grad, query,
    key, value, output, logsumexp, dropout_p, is_causal, attn_mask, scale).
    With P = softmax(Q K^T * scale + mask): dV = P^T dO, dP = dO V^T,
    dS = P * (dP - rowsum(dP * P)), dQ = dS K * scale, dK = dS^T Q * scale
    (K and V repeated over the query heads for grouped-query attention, their gradients
    summed back)."""
    __slots__ = ()

    def backward(self, grad):
        q, k, v = self.unpack()
        p, bias, scale, rep = self.args
        nf = self.next_functions
        dtypes = None
        if isinstance(grad, Tensor):
            # create_graph: the probabilities as a function of q and k, so that the
            # gradient knows how it depends on them
            kk = _repeat_heads(k, rep)
            scores = matmul(q, kk.mT) * scale
            if bias is not None:
                scores = scores + bias
            p = _safe_softmax(scores, -1)
        else:
            dtypes = (q.dtype, k.dtype, v.dtype)
            if p.dtype != q.dtype:       # float16 is computed in float32
                grad, q, k, v = (a.astype(p.dtype) for a in (grad, q, k, v))
            kk = _repeat_heads(k, rep)
        vv = _repeat_heads(v, rep)
        gq = gk = gv = None
        if nf[2][0] is not None:
            gv = _sum_heads(p.mT @ grad, rep)
        if nf[0][0] is not None or nf[1][0] is not None:
            dp = grad @ vv.mT
            ds = p * (dp - sum_dims(dp * p, (-1,), keepdim=True))
            if nf[0][0] is not None:
                gq = (ds @ kk) * scale
            if nf[1][0] is not None:
                gk = _sum_heads((ds.mT @ q) * scale, rep)
        if dtypes is not None:
            gq, gk, gv = (g if g is None else g.astype(dt, copy=False)
                          for g, dt in zip((gq, gk, gv), dtypes))
        return gq, gk, gv

    def release(self):
        # the probabilities are as large as the scores: drop them with the saved tensors
        Node.release(self)
        self.args = (None,) + tuple(self.args[1:])


def _flash_ok(query, key, value, attn_mask, dropout_p, enable_gqa):
    """sdp::use_flash_attention_cpp: whether torch's CPU build runs the fused kernel."""
    if dropout_p > 0.0:
        return False
    q, k, v = query._data, key._data, value._data
    if not q.ndim == k.ndim == v.ndim == 4:
        return False
    if not q.shape[0] == k.shape[0] == v.shape[0]:
        return False
    qh, kh, vh = q.shape[1], k.shape[1], v.shape[1]
    if enable_gqa:
        if kh != vh or qh % kh:
            return False
    elif not qh == kh == vh:
        return False
    if attn_mask is not None:
        m = attn_mask._data
        if attn_mask._requires_grad:
            return False
        if m.ndim < 2 or m.shape[-2] not in (q.shape[2], 1) or m.shape[-1] not in (k.shape[2], 1):
            return False
        if m.ndim == 4:
            if m.shape[0] not in (1, q.shape[0]) or m.shape[1] not in (1, qh):
                return False
        elif m.ndim != 2:
            return False
    if not q.shape[3] == k.shape[3] == v.shape[3]:
        return False
    # torch's kernel reads past a value shorter than the key; ember takes the math path there
    if q.shape[2] == 0 or k.shape[2] == 0 or k.shape[2] != v.shape[2]:
        return False
    for a in (q, k, v) + ((attn_mask._data,) if attn_mask is not None else ()):
        if a.ndim and a.strides[-1] != a.itemsize:
            return False
    return q.dtype.name in _FLASH_DTYPES and q.dtype == k.dtype == v.dtype


def _flash(query, key, value, attn_mask, dropout_p, is_causal, scale):
    """at::_scaled_dot_product_flash_attention_for_cpu: one fused node."""
    if dropout_p != 0.0:
        raise RuntimeError("scaled_dot_product_attention_flash_attention: Currently do not "
                           "support dropout > 0")
    q, k, v = query._data, key._data, value._data
    dtype = q.dtype
    compute = np.dtype(np.float32) if dtype == np.float16 else dtype
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    rep = q.shape[1] // k.shape[1]
    bias = None
    if attn_mask is not None:
        m = attn_mask._data
        if m.dtype == np.bool_:
            bias = np.where(m, 0.0, -np.inf).astype(compute)
        else:
            bias = m
    if is_causal:
        L, S = q.shape[2], k.shape[2]
        causal = np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(compute)
        bias = causal if bias is None else bias + causal
    qc, kc, vc = (a.astype(compute, copy=False) for a in (q, k, v))
    kk, vv = _repeat_heads(kc, rep), _repeat_heads(vc, rep)
    scores = np.matmul(qc, kk.swapaxes(-1, -2))
    scores *= scale
    if bias is not None:
        scores += bias
    p = _np_safe_softmax(scores)
    out = np.matmul(p, vv)
    if out.dtype != dtype or not q.flags.c_contiguous:
        # torch's kernel writes into empty_like(query): the output has the query's layout
        res = np.empty_like(q)
        res[...] = out
        out = res
    return record(ScaledDotProductFlashAttentionForCpuBackward0, (query, key, value), out,
                  saved=(query, key, value), args=(p, bias, scale, rep))


# -- the math path ------------------------------------------------------------------------------

def _repeat_interleave_heads(t, rep):
    """t.repeat_interleave(rep, dim=-3), composed of differentiable ember ops."""
    if rep == 1:
        return t
    shape = tuple(t.shape)
    expanded = shape[:-2] + (rep,) + shape[-2:]
    return t.unsqueeze(-3).expand(*expanded).reshape(
        shape[:-3] + (shape[-3] * rep,) + shape[-2:])


def _bool_to_additive(mask, dtype):
    """convert_boolean_attn_mask: True (take part) -> 0, False -> -inf, in dtype."""
    if np.dtype(dtype).kind in "biu":
        raise RuntimeError(f"value cannot be converted to type {np.dtype(dtype).name}_t without "
                           "overflow")
    return _make(np.where(mask._data, 0.0, -np.inf).astype(dtype))


def _scale(t, factor):
    """t * factor (mul.Scalar): an integer tensor promotes to the default float dtype, as in
    torch (ember's float fast path keeps float dtypes and records MulBackward1)."""
    if t._data.dtype.kind in "biu":
        return t * factor
    return _mul_scalar(t, factor)


def _math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """at::_scaled_dot_product_attention_math, op for op."""
    origin = query.dtype
    if query._data.dtype == np.float16:
        from .. import _dtype
        query, key, value = (t.to(_dtype.float32) for t in (query, key, value))
    mask = attn_mask
    if mask is not None and mask._data.dtype == np.bool_:
        mask = _bool_to_additive(mask, query._data.dtype)
    negative = scale is not None and scale < 0.0
    s = (abs(scale) if negative else scale) if scale is not None else \
        1.0 / math.sqrt(query._data.shape[-1])
    factor = math.sqrt(s)
    q = _scale(query, 0.0 - factor if negative else factor)
    if is_causal:
        if mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        L, S = q._data.shape[-2], key._data.shape[-2]
        mask = _make(np.where(np.tri(L, S, dtype=bool), 0.0, -np.inf).astype(q._data.dtype))
    if enable_gqa:
        qh, kh, vh = q.size(-3), key.size(-3), value.size(-3)
        if not (qh == kh == vh or (qh % kh == 0 and qh % vh == 0)):
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in ")
        key = _repeat_interleave_heads(key, qh // kh)
        value = _repeat_interleave_heads(value, qh // vh)
    attn = matmul(q, _scale(key.transpose(-2, -1), factor))
    if mask is not None:
        # attn.add_(mask): the mask broadcasts into attn's shape, never beyond it
        shape = tuple(attn._data.shape)
        full = broadcast_shapes(shape, tuple(mask._data.shape))
        if full != shape:
            raise RuntimeError(f"output with shape [{', '.join(map(str, shape))}] doesn't "
                               f"match the broadcast shape [{', '.join(map(str, full))}]")
        attn = attn + mask
    attn = _safe_softmax(attn, -1)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            # at::dropout's check (F.dropout's own is a ValueError)
            raise RuntimeError(f"dropout probability has to be between 0 and 1, but got "
                               f"{dropout_p:g}")
        attn = dropout(attn, dropout_p, True)
    out = matmul(attn, value)
    if out.dtype is not origin:
        out = out.to(origin)
    return out


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    """softmax(Q K^T * scale + mask) V, scale = 1/sqrt(E) by default; a bool attn_mask marks
    the pairs that take part, a float one is added; is_causal masks j > i; dropout_p drops
    attention weights (always, as torch's does: pass 0.0 in eval mode)."""
    qd, kd, vd = query._data, key._data, value._data
    if not qd.dtype == kd.dtype == vd.dtype:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_meta_name(query)} key.dtype: {_meta_name(key)} and value.dtype: "
            f"{_meta_name(value)} instead.")
    if qd.ndim < 2 or kd.ndim < 2 or vd.ndim < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {qd.ndim} key.dim: {kd.ndim} and value.dim: {vd.ndim} instead.")
    if attn_mask is not None:
        md = attn_mask._data.dtype
        if md != np.bool_ and md != np.float32 and md != qd.dtype:
            raise RuntimeError(
                "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {_meta_name(attn_mask)} and  query.dtype: "
                f"{_meta_name(query)} instead.")
    if _flash_ok(query, key, value, attn_mask, dropout_p, enable_gqa):
        return _flash(query, key, value, attn_mask, dropout_p, is_causal, scale)
    return _math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


# -- multi_head_attention_forward ---------------------------------------------------------------

def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched, after torch's shape checks."""
    if query.dim() == 3:
        is_batched = True
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D"
                f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D"
                f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                f" but found {attn_mask.dim()}-D tensor instead")
    elif query.dim() == 2:
        is_batched = False
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D"
                f" but found {key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D"
                f" but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D"
                    f" but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3:
                expected_shape = (num_heads, query.shape[0], key.shape[0])
                if attn_mask.shape != expected_shape:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected_shape} "
                                         f"but got {attn_mask.shape}")
    else:
        raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                             f"{query.dim()}-D query tensor")
    return is_batched


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask as an additive float mask of target_type (True -> -inf); float masks pass."""
    if mask is not None:
        mask_dtype = mask.dtype
        mask_is_float = mask.is_floating_point()
        if mask_dtype is not _bool() and not mask_is_float:
            raise AssertionError(f"only bool and floating types of {mask_name} are supported")
        if check_other and other_type is not None and mask_dtype is not other_type:
            warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. "
                          "Use same type for both instead.", stacklevel=2)
        if not mask_is_float:
            mask = _make(np.where(mask._data, -np.inf, 0.0).astype(target_type.np))
    return mask


def _bool():
    from .. import _dtype
    return _dtype.bool_


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _linear(x, w, b=None):
    from ..nn.functional import linear
    return linear(x, w, b)


def _in_projection_packed(q, k, v, w, b=None):
    """The q, k, v projections with the packed (3E, E) weight (one matmul for self-attention,
    two for encoder-decoder attention)."""
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = _linear(q, w, b)
            proj = (proj.unflatten(-1, (3, E)).unsqueeze(0).transpose(0, -2).squeeze(-2)
                    .contiguous())
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([E, E * 2])
        if b is None:
            b_q = b_kv = None
        else:
            b_q, b_kv = b.split([E, E * 2])
        q_proj = _linear(q, w_q, b_q)
        kv_proj = _linear(k, w_kv, b_kv)
        kv_proj = (kv_proj.unflatten(-1, (2, E)).unsqueeze(0).transpose(0, -2).squeeze(-2)
                   .contiguous())
        return q_proj, kv_proj[0], kv_proj[1]
    w_q, w_k, w_v = w.chunk(3)
    if b is None:
        b_q = b_k = b_v = None
    else:
        b_q, b_k, b_v = b.chunk(3)
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None):
    """The q, k, v projections with separate weights (kdim/vdim differ from embed_dim)."""
    Eq, Ek, Ev = q.size(-1), k.size(-1), v.size(-1)
    if w_q.shape != (Eq, Eq):
        raise AssertionError(f"expecting query weights shape of {(Eq, Eq)}, but got {w_q.shape}")
    if w_k.shape != (Eq, Ek):
        raise AssertionError(f"expecting key weights shape of {(Eq, Ek)}, but got {w_k.shape}")
    if w_v.shape != (Eq, Ev):
        raise AssertionError(f"expecting value weights shape of {(Eq, Ev)}, but got {w_v.shape}")
    if b_q is not None and b_q.shape != (Eq,):
        raise AssertionError(f"expecting query bias shape of {(Eq,)}, but got {b_q.shape}")
    if b_k is not None and b_k.shape != (Eq,):
        raise AssertionError(f"expecting key bias shape of {(Eq,)}, but got {b_k.shape}")
    if b_v is not None and b_v.shape != (Eq,):
        raise AssertionError(f"expecting value bias shape of {(Eq,)}, but got {b_v.shape}")
    return _linear(q, w_q, b_q), _linear(k, w_k, b_k), _linear(v, w_v, b_v)


def _check_key_padding_mask(key_padding_mask, src_len, bsz):
    if key_padding_mask.shape[0] != bsz:
        raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                             f"{key_padding_mask.shape[0]}")
    if key_padding_mask.shape[1] != src_len:
        raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                             f"{key_padding_mask.shape[1]}")


def _pad_last(mask):
    """pad(mask, (0, 1)): one more key column, 0 (attend) for the bias or zero key."""
    from .. import nn
    return nn.functional.pad(mask, (0, 1))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention on (L, N, E) query and (S, N, E) key/value (or unbatched (L, E),
    (S, E)): in-projection, per-head scaled dot-product attention, out-projection.  Returns
    (attn_output, attn_weights or None)."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query = query.unsqueeze(1)
        key = key.unsqueeze(1)
        value = value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)

    tgt_len, bsz, embed_dim = query.shape
    src_len, _, _ = key.shape

    key_padding_mask = _canonical_mask(
        mask=key_padding_mask, mask_name="key_padding_mask",
        other_type=_none_or_dtype(attn_mask), other_name="attn_mask",
        target_type=query.dtype)

    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask.")

    if is_causal and key_padding_mask is None and not need_weights:
        # SDPA is told is_causal instead of getting the mask
        attn_mask = None
    else:
        attn_mask = _canonical_mask(
            mask=attn_mask, mask_name="attn_mask", other_type=None, other_name="",
            target_type=query.dtype, check_other=False)
        if key_padding_mask is not None:
            # the merged mask is no longer causal
            is_causal = False

    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match "
                                 f"value's {value.shape[:2]}")
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    # in-projection
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        if q_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but q_proj_weight is None")
        if k_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but k_proj_weight is None")
        if v_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is True but v_proj_weight is None")
        if in_proj_bias is None:
            b_q = b_k = b_v = None
        else:
            b_q, b_k, b_v = in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight,
                                 v_proj_weight, b_q, b_k, b_v)

    # attention mask to 3-D
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            correct_2d_size = (tgt_len, src_len)
            if attn_mask.shape != correct_2d_size:
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but "
                                   f"should be {correct_2d_size}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            correct_3d_size = (bsz * num_heads, tgt_len, src_len)
            if attn_mask.shape != correct_3d_size:
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but "
                                   f"should be {correct_3d_size}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    # bias along the sequence dimension
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    else:
        if bias_k is not None:
            raise AssertionError("bias_k is set but bias_v is None")
        if bias_v is not None:
            raise AssertionError("bias_v is set but bias_k is None")

    # heads into the batch dimension, batch first
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.view(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_k.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_k.size(0) of {bsz * num_heads}, but got "
                                 f"{static_k.size(0)}")
        if static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k.size(2) of {head_dim}, but got "
                                 f"{static_k.size(2)}")
        k = static_k
    if static_v is None:
        v = v.view(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_v.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_v.size(0) of {bsz * num_heads}, but got "
                                 f"{static_v.size(0)}")
        if static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v.size(2) of {head_dim}, but got "
                                 f"{static_v.size(2)}")
        v = static_v

    # a zero key and value that every query may attend to
    if add_zero_attn:
        zero_attn_shape = (bsz * num_heads, 1, head_dim)
        k = cat([k, _make(np.zeros(zero_attn_shape, k._data.dtype))], dim=1)
        v = cat([v, _make(np.zeros(zero_attn_shape, v._data.dtype))], dim=1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)

    src_len = k.size(1)

    # merge the key padding mask into the attention mask
    if key_padding_mask is not None:
        _check_key_padding_mask(key_padding_mask, src_len, bsz)
        key_padding_mask = (key_padding_mask.view(bsz, 1, 1, src_len)
                            .expand(-1, num_heads, -1, -1)
                            .reshape(bsz * num_heads, 1, src_len))
        if attn_mask is None:
            attn_mask = key_padding_mask
        else:
            attn_mask = attn_mask + key_padding_mask

    if not training:
        dropout_p = 0.0

    if need_weights:
        _B, _Nt, E = q.shape
        q_scaled = q * math.sqrt(1.0 / float(E))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            attn_output_weights = baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            attn_output_weights = bmm(q_scaled, k.transpose(-2, -1))
        attn_output_weights = softmax(attn_output_weights, dim=-1)
        if dropout_p > 0.0:
            attn_output_weights = dropout(attn_output_weights, p=dropout_p)
        attn_output = bmm(attn_output_weights, v)
        attn_output = attn_output.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
        attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
        attn_output_weights = attn_output_weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            attn_output_weights = attn_output_weights.mean(dim=1)
        if not is_batched:
            attn_output = attn_output.squeeze(1)
            attn_output_weights = attn_output_weights.squeeze(0)
        return attn_output, attn_output_weights

    # attn_mask is (1, L, S) or (N * num_heads, L, S): make it 4-D for SDPA
    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    attn_output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    attn_output = attn_output.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    attn_output = _linear(attn_output, out_proj_weight, out_proj_bias)
    attn_output = attn_output.view(tgt_len, bsz, attn_output.size(1))
    if not is_batched:
        attn_output = attn_output.squeeze(1)
    return attn_output, None
