"""Recurrent layers: RNN, LSTM, GRU (stacked, bidirectional, packed input) and their cells.

The recurrence is written with ember ops, as torch's CPU kernels (aten/src/ATen/native/
RNN.cpp) write it, so autograd and double backward come for free:

- per layer and direction, the input projection of *all* time steps is one ``F.linear``
  before the time loop; inside the loop only the hidden projection ``h @ W_hh^T`` runs;
- the cell equations (i, f, g, o for LSTM; r, z, n for GRU with b_hn inside r * (...)):
      RNN   h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)            (or relu)
      LSTM  i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of the gates
            c' = f * c + i * g        h' = o * tanh(c')   (h' = h' W_hr^T with proj_size)
      GRU   r = sigmoid(x_r + h_r)    z = sigmoid(x_z + h_z)    n = tanh(x_n + r * h_n)
            h' = (h - n) * z + n = (1 - z) * n + z * h
- the outputs of the time steps are stacked (``StackBackward0``), the two directions
  concatenated (``CatBackward0``) and the final states stacked over layers, as torch does;
- a packed input runs the same loop over the shrinking batch of each time step, the state of
  finished sequences set aside (forward) or joined in (reverse direction).

Where torch's CPU build hands an LSTM to oneDNN (float32, unpadded input, no projection), it
records one ``MkldnnRnnLayerBackward0`` node per layer and direction; ember does the same,
with a NumPy forward and a hand-written backward through time (faster than a dozen nodes per
time step), and differentiates a recomputation of the layer under ``create_graph``.
"""
import math
import numbers
import warnings
import weakref

import numpy as np

from ... import _dtype
from ...autograd import engine as _engine
from ...autograd import grad_mode as _gm
from ...ops._base import OUTPUT, Node, record_multi, transpose, unary
from ...ops.creation import empty, zeros
from ...ops.linalg import addmm, mm
from ...ops.pointwise import relu, sigmoid, tanh
from ...ops.shape import cat, stack
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _apply_permutation(tensor, permutation, dim=1):
    return tensor.index_select(dim, permutation)


class TransposeBackward1(Node):
    """self: grad.transpose(dim0, dim1)  -- transpose_ (torch's rnn_tanh/rnn_relu/gru turn
    their batch_first output back in place)."""
    __slots__ = ()

    def backward(self, grad):
        return (transpose(grad, 0, 1),)


def _transpose01_(t):
    """t.transpose_(0, 1) of a fresh result nobody else holds."""
    return unary(TransposeBackward1, t, np.swapaxes(t._data, 0, 1))


# -- the cells: one time step, given the input projection gi of the step -------------------
# state is a tuple: (h,) for RNN and GRU, (h, c) for LSTM.  p = (W_hh^T, b_hh, W_hr^T): b_hh
# is only passed to GRU (RNN and LSTM have it folded into gi), W_hr^T only with proj_size.

def _tanh_step(gi, state, p):
    return (tanh(addmm(gi, state[0], p[0])),)


def _relu_step(gi, state, p):
    return (relu(addmm(gi, state[0], p[0])),)


def _lstm_step(gi, state, p):
    h, c = state
    gates = addmm(gi, h, p[0])
    i, f, g, o = gates.chunk(4, 1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if p[2] is not None:
        h = mm(h, p[2])
    return h, c


def _gru_step(gi, state, p):
    h = state[0]
    gh = addmm(p[1], h, p[0]) if p[1] is not None else mm(h, p[0])
    i_r, i_z, i_n = gi
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = sigmoid(h_r + i_r)
    z = sigmoid(h_z + i_z)
    n = tanh(i_n + h_n * r)
    return ((h - n) * z + n,)


_STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "LSTM": _lstm_step,
          "GRU": _gru_step}


def _split_weights(w, has_biases):
    """(w_ih, w_hh, b_ih, b_hh, w_hr) of one layer and direction."""
    w_ih, w_hh = w[0], w[1]
    b_ih = b_hh = w_hr = None
    rest = w[2:]
    if has_biases:
        b_ih, b_hh = rest[0], rest[1]
        rest = rest[2:]
    if rest:
        w_hr = rest[0]
    return w_ih, w_hh, b_ih, b_hh, w_hr


def _direction(mode, inp, state0, w, has_biases, reverse, batch_sizes):
    """One layer in one direction: (output, final state).  inp is (T, B, I) or, packed,
    (N, I) with batch_sizes a list of ints."""
    w_ih, w_hh, b_ih, b_hh, w_hr = _split_weights(w, has_biases)
    step = _STEPS[mode]
    gi = F.linear(inp, w_ih, b_ih)
    if mode == "GRU":
        p = (w_hh.t(), b_hh, None)
    else:
        if b_hh is not None:
            gi = gi + b_hh          # one broadcast add for all time steps
        p = (w_hh.t(), None, None if w_hr is None else w_hr.t())
    if batch_sizes is None:
        if mode == "GRU":
            parts = [g.unbind(0) for g in gi.chunk(3, -1)]
            steps = list(zip(*parts))
        else:
            steps = gi.unbind(0)
        return _full_layer(step, steps, state0, p, reverse)
    if mode == "GRU":
        steps = list(zip(*[g.split(batch_sizes, 0) for g in gi.chunk(3, -1)]))
    else:
        steps = gi.split(batch_sizes, 0)
    if reverse:
        return _packed_reverse(step, steps, state0, p, batch_sizes)
    return _packed_forward(step, steps, state0, p, batch_sizes)


def _full_layer(step, steps, state, p, reverse):
    n = len(steps)
    outs = [None] * n
    for t in (range(n - 1, -1, -1) if reverse else range(n)):
        state = step(steps[t], state, p)
        outs[t] = state[0]
    return stack(outs, 0), state


def _packed_forward(step, steps, state, p, batch_sizes):
    """torch's PackedLayer: when the batch shrinks, the state rows of the sequences that
    just ended are set aside; the final state joins them again, longest sequence first."""
    outs = []
    done = []
    last = batch_sizes[0]
    for t, b in enumerate(batch_sizes):
        if b < last:
            done.append(tuple(s[b:last] for s in state))
            state = tuple(s[:b] for s in state)
        last = b
        state = step(steps[t], state, p)
        outs.append(state[0])
    done.append(state)
    done.reverse()
    final = tuple(cat([d[k] for d in done], 0) for k in range(len(state)))
    return cat(outs, 0), final


def _packed_reverse(step, steps, state0, p, batch_sizes):
    """torch's ReversedPackedLayer: start from the shortest batch and join in the initial
    state of each sequence when its last step comes up."""
    n = len(batch_sizes)
    outs = [None] * n
    last = batch_sizes[-1]
    state = tuple(s[:last] for s in state0)
    for t in range(n - 1, -1, -1):
        b = batch_sizes[t]
        if b > last:
            state = tuple(cat([s, s0[last:b]], 0) for s, s0 in zip(state, state0))
        last = b
        state = step(steps[t], state, p)
        outs[t] = state[0]
    return cat(outs, 0), state


def _rnn_impl(mode, inp, hx, weights, has_biases, num_layers, dropout_p, train,
              bidirectional, batch_sizes=None):
    """The layer stack: (output, final states stacked over layers and directions).

    hx is a tuple of (num_layers * num_directions, B, *) tensors; a packed input passes its
    data as inp and batch_sizes as a list of ints."""
    if batch_sizes is None and inp.shape[0] == 0:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    num_directions = 2 if bidirectional else 1
    per = len(weights) // (num_layers * num_directions)
    initial = [s.unbind(0) for s in hx]
    finals = [[] for _ in hx]
    for layer in range(num_layers):
        outs = []
        for d in range(num_directions):
            idx = layer * num_directions + d
            state0 = tuple(s[idx] for s in initial)
            out, state = _direction(mode, inp, state0, weights[idx * per:(idx + 1) * per],
                                    has_biases, d == 1, batch_sizes)
            outs.append(out)
            for k, s in enumerate(state):
                finals[k].append(s)
        inp = outs[0] if num_directions == 1 else cat(outs, outs[0].ndim - 1)
        if dropout_p != 0 and train and layer < num_layers - 1:
            inp = F.dropout(inp, dropout_p, True)
    return inp, tuple(stack(f, 0) for f in finals)


# -- torch's oneDNN LSTM layer: float32, unpadded input, no projection -------------------------
# torch's CPU build runs such an LSTM one layer and direction at a time through
# at::mkldnn_rnn_layer, one graph node per layer (MkldnnRnnLayerBackward0).  ember does the
# same with a NumPy forward and a hand-written backward through time (BPTT): one node per
# layer instead of a dozen per time step, and the weight gradients as one matmul each.

def _sigmoid_(a):
    """a = 1 / (1 + exp(-a)) in place."""
    np.negative(a, out=a)
    with np.errstate(over="ignore"):
        np.exp(a, out=a)
    a += 1
    np.reciprocal(a, out=a)
    return a


def _lstm_layer_forward(x, w_ih, w_hh, bias, h, c, reverse):
    """One LSTM layer on arrays: (output (T, B, H), h_T, c_T, gate activations (T, B, 4H)
    as [i, f, g, o], cell states (T, B, H))."""
    steps, batch = x.shape[0], x.shape[1]
    hs = w_hh.shape[1]
    dt = x.dtype
    # row-major copies of the transposed weights: BLAS multiplies by them faster than by
    # the transposed views, and the recurrent one is used once per step
    gi = np.matmul(x.reshape(steps * batch, x.shape[2]), np.ascontiguousarray(w_ih.T))
    if bias is not None:
        gi += bias
    acts = gi.reshape(steps, batch, 4 * hs)
    out = np.empty((steps, batch, hs), dt)
    cells = np.empty((steps, batch, hs), dt)
    whh_t = np.ascontiguousarray(w_hh.T)
    rec = np.empty((batch, 4 * hs), dt)          # per-step scratch, reused
    g = np.empty((batch, hs), dt)
    tmp = np.empty((batch, hs), dt)
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        a = acts[t]
        np.matmul(h, whh_t, out=rec)
        a += rec
        np.tanh(a[:, 2 * hs:3 * hs], out=g)
        _sigmoid_(a)
        a[:, 2 * hs:3 * hs] = g
        c_new = cells[t]
        np.multiply(a[:, hs:2 * hs], c, out=c_new)
        np.multiply(a[:, :hs], g, out=tmp)
        c_new += tmp
        c = c_new
        h = out[t]
        np.tanh(c, out=tmp)
        np.multiply(a[:, 3 * hs:], tmp, out=h)
    return out, h.copy(), c.copy(), acts, cells


def _lstm_layer_backward(x, w_ih, w_hh, h0, c0, out, acts, cells, g_out, g_hy, g_cy, reverse,
                         need):
    """BPTT through one LSTM layer on arrays: the gradients of (x, w_ih, w_hh, b_ih, b_hh,
    h0, c0) for the outputs' gradients (None where an output got none)."""
    steps, batch = x.shape[0], x.shape[1]
    hs = w_hh.shape[1]
    dt = x.dtype
    dh = np.zeros((batch, hs), dt) if g_hy is None else np.array(g_hy, dt)
    dc = np.zeros((batch, hs), dt) if g_cy is None else np.array(g_cy, dt)
    tc = np.tanh(cells)
    # d(activation)/d(pre-activation): s (1 - s) for the sigmoid gates, 1 - g^2 for g
    dact = acts * (1 - acts)
    gate = acts[..., 2 * hs:3 * hs]
    dact[..., 2 * hs:3 * hs] = 1 - gate * gate
    dc_dh = acts[..., 3 * hs:] * (1 - tc * tc)           # o (1 - tanh(c)^2)
    dgates = np.empty_like(acts)
    tmp = np.empty((batch, hs), dt)
    # the steps whose output got a nonzero gradient (often only the last one is read)
    live = None if g_out is None else g_out.reshape(steps, -1).any(1)
    order = range(steps) if reverse else range(steps - 1, -1, -1)
    first = steps - 1 if reverse else 0
    step = 1 if reverse else -1
    for t in order:
        if live is not None and live[t]:
            dh += g_out[t]
        np.multiply(dh, dc_dh[t], out=tmp)
        dc += tmp
        a = acts[t]
        d = dgates[t]
        c_prev = c0 if t == first else cells[t + step]
        np.multiply(dc, a[:, 2 * hs:3 * hs], out=d[:, :hs])          # di = dc g
        np.multiply(dc, c_prev, out=d[:, hs:2 * hs])                  # df = dc c_{t-1}
        np.multiply(dc, a[:, :hs], out=d[:, 2 * hs:3 * hs])          # dg = dc i
        np.multiply(dh, tc[t], out=d[:, 3 * hs:])                     # do = dh tanh(c)
        d *= dact[t]
        dc *= a[:, hs:2 * hs]                                          # dc_{t-1} = dc f
        dh = np.matmul(d, w_hh)                                        # dh_{t-1}
    flat = dgates.reshape(steps * batch, 4 * hs)
    gx = gw_ih = gw_hh = gb = None
    if need[0]:
        gx = np.matmul(flat, w_ih).reshape(x.shape)
    if need[1]:
        gw_ih = np.matmul(flat.T, x.reshape(steps * batch, x.shape[2]))
    if need[2]:
        # the hidden state each step started from
        if reverse:
            h_prev = np.concatenate([out[1:], h0[None]])
        else:
            h_prev = np.concatenate([h0[None], out[:-1]])
        gw_hh = np.matmul(flat.T, h_prev.reshape(steps * batch, hs))
    if need[3] or need[4]:
        gb = flat.sum(0)
    return (gx, gw_ih, gw_hh, gb if need[3] else None, gb if need[4] else None,
            dh if need[5] else None, dc if need[6] else None)


class MkldnnRnnLayerBackward0(Node):
    """input, weight0, weight1, weight2, weight3, hx_, cx_:
        GradMode::is_enabled() ? mkldnn_rnn_layer_differentiable_backward(...)
                               : mkldnn_rnn_layer_backward(...)
    -- backward through time of one LSTM layer (outputs: output, hy, cy).  Under create_graph
    the layer is recomputed with ember ops and differentiated, so double backward works."""
    __slots__ = ()

    def apply(self, grads):
        grads = list(grads) + [None] * (3 - len(grads))
        need = [e[0] is not None for e in self.next_functions]
        reverse, acts, cells = self.args
        saved = self.unpack()
        if _engine._state["create_graph"]:
            return _lstm_layer_differentiable_backward(saved[:7], grads, need, reverse)
        x, w_ih, w_hh, _, _, h0, c0, out = saved
        return _lstm_layer_backward(x, w_ih, w_hh, h0, c0, out, acts, cells, grads[0],
                                    grads[1], grads[2], reverse, need)


def _lstm_layer_differentiable_backward(saved, grads, need, reverse):
    """The gradients as ember Tensors that are themselves differentiable: the layer run
    again with ember ops, then autograd.grad(create_graph=True) through it."""
    x, w_ih, w_hh, b_ih, b_hh, h0, c0 = saved
    gi = F.linear(x, w_ih, b_ih) + b_hh
    out, (h, c) = _full_layer(_lstm_step, gi.unbind(0), (h0, c0), (w_hh.t(), None, None),
                              reverse)
    pairs = [(o, g) for o, g in zip((out, h, c), grads) if g is not None]
    targets = [t for t, n in zip(saved, need) if n]
    got = iter(_engine.grad([o for o, _ in pairs], targets, [g for _, g in pairs],
                            create_graph=True, allow_unused=True))
    return tuple(next(got) if n else None for n in need)


def _mkldnn_lstm_layer(x, w_ih, w_hh, b_ih, b_hh, h0, c0, reverse):
    """(output, h_n, c_n) of one LSTM layer and direction, recorded as one node."""
    bias = None if b_ih is None else b_ih._data + b_hh._data
    out, h, c, acts, cells = _lstm_layer_forward(x._data, w_ih._data, w_hh._data, bias,
                                                 h0._data, c0._data, reverse)
    if b_ih is None:
        # torch hands the kernel zero biases (which need no gradient)
        b_ih = zeros(w_ih.shape[0], dtype=x.dtype)
        b_hh = zeros(w_hh.shape[0], dtype=x.dtype)
    inputs = (x, w_ih, w_hh, b_ih, b_hh, h0, c0)
    if not _gm._enabled or not any(t._requires_grad for t in inputs):
        return record_multi(MkldnnRnnLayerBackward0, inputs, (out, h, c))
    res = record_multi(MkldnnRnnLayerBackward0, inputs, (out, h, c), saved=inputs + (OUTPUT,),
                       args=(reverse, acts, cells))
    res[0].grad_fn.out = (res[0]._data, res[0]._vc)     # the output is saved (version-checked)
    return res


def _mkldnn_lstm(inp, hx, weights, has_biases, num_layers, dropout_p, train, bidirectional):
    """torch's mkldnn_rnn for LSTM: the layers one by one, directions concatenated,
    dropout between layers, final states stacked."""
    h0, c0 = hx
    num_directions = 2 if bidirectional else 1
    per = len(weights) // (num_layers * num_directions)
    hy = []
    cy = []
    for layer in range(num_layers):
        outs = []
        for d in range(num_directions):
            idx = layer * num_directions + d
            w_ih, w_hh, b_ih, b_hh, _ = _split_weights(weights[idx * per:(idx + 1) * per],
                                                       has_biases)
            out, h, c = _mkldnn_lstm_layer(inp, w_ih, w_hh, b_ih, b_hh, h0[idx], c0[idx],
                                           d == 1)
            outs.append(out)
            hy.append(h)
            cy.append(c)
        inp = outs[0] if num_directions == 1 else cat(outs, -1)
        if dropout_p != 0 and train and layer < num_layers - 1:
            inp = F.dropout(inp, dropout_p, True)
    return inp, (stack(hy, 0), stack(cy, 0))


# -- the modules ----------------------------------------------------------------------------

class RNNBase(Module):
    """What RNN, LSTM and GRU share: the parameters (weight_ih_l{k}, weight_hh_l{k},
    bias_ih_l{k}, bias_hh_l{k}, weight_hr_l{k}, each with a _reverse twin when
    bidirectional), their init, the argument checks and the repr."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]
    __jit_unused_properties__ = ["all_weights"]

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._flat_weight_refs = []
        num_directions = 2 if bidirectional else 1

        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or \
                isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, "
                          "so non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: "
                            f"{type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: "
                            f"{type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")

        if mode == "LSTM":
            gate_size = 4 * hidden_size
        elif mode == "GRU":
            gate_size = 3 * hidden_size
        elif mode in ("RNN_TANH", "RNN_RELU"):
            gate_size = hidden_size
        else:
            raise ValueError("Unrecognized RNN mode: " + mode)

        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                real_hidden_size = proj_size if proj_size > 0 else hidden_size
                layer_input_size = input_size if layer == 0 else \
                    real_hidden_size * num_directions
                w_ih = Parameter(empty((gate_size, layer_input_size), **factory_kwargs))
                w_hh = Parameter(empty((gate_size, real_hidden_size), **factory_kwargs))
                b_ih = Parameter(empty(gate_size, **factory_kwargs))
                # Second bias vector included for CuDNN compatibility (as in torch).
                b_hh = Parameter(empty(gate_size, **factory_kwargs))
                if self.proj_size == 0:
                    layer_params = (w_ih, w_hh, b_ih, b_hh) if bias else (w_ih, w_hh)
                else:
                    w_hr = Parameter(empty((proj_size, hidden_size), **factory_kwargs))
                    layer_params = (w_ih, w_hh, b_ih, b_hh, w_hr) if bias else \
                        (w_ih, w_hh, w_hr)

                suffix = "_reverse" if direction == 1 else ""
                param_names = ["weight_ih_l{}{}", "weight_hh_l{}{}"]
                if bias:
                    param_names += ["bias_ih_l{}{}", "bias_hh_l{}{}"]
                if self.proj_size > 0:
                    param_names += ["weight_hr_l{}{}"]
                param_names = [x.format(layer, suffix) for x in param_names]

                for name, param in zip(param_names, layer_params, strict=True):
                    setattr(self, name, param)
                self._flat_weights_names.extend(param_names)
                self._all_weights.append(param_names)

        self._init_flat_weights()
        self.reset_parameters()

    def _init_flat_weights(self):
        self._flat_weights = [getattr(self, wn) if hasattr(self, wn) else None
                              for wn in self._flat_weights_names]
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None
                                  for w in self._flat_weights]
        self.flatten_parameters()

    def __setattr__(self, attr, value):
        if hasattr(self, "_flat_weights_names") and attr in self._flat_weights_names:
            # keep self._flat_weights up to date if you do self.weight = ...
            idx = self._flat_weights_names.index(attr)
            self._flat_weights[idx] = value
        super().__setattr__(attr, value)

    def flatten_parameters(self):
        """Packs the weights into one buffer for cuDNN in torch; a no-op on the CPU."""
        return None

    def _apply(self, fn, recurse=True):
        self._flat_weight_refs = []
        ret = super()._apply(fn, recurse)
        self._init_flat_weights()
        return ret

    def reset_parameters(self):
        """Every parameter from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in
        registration order."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def check_input(self, input, batch_sizes):
        wdtype = self._flat_weights[0].dtype
        if input.dtype != wdtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({wdtype}). Convert input: input.to({wdtype}), or convert "
                             f"model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got "
                               f"{input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        if self.proj_size > 0:
            return (self.num_layers * num_directions, mini_batch, self.proj_size)
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_hidden_size(self, hx, expected_hidden_size,
                          msg="Expected hidden size {}, got {}"):
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def _weights_have_changed(self):
        # True if the weight tensors were replaced since the last forward (functional_call).
        for ref, name in zip(self._flat_weight_refs, self._flat_weights_names, strict=True):
            weight = getattr(self, name) if hasattr(self, name) else None
            if weight is not None and ref is not None and ref() is not weight:
                return True
        return False

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        expected_hidden_size = self.get_expected_hidden_size(input, batch_sizes)
        self.check_hidden_size(hidden, expected_hidden_size)

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return _apply_permutation(hx, permutation)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    def _update_flat_weights(self):
        if self._weights_have_changed():
            self._init_flat_weights()

    def __getstate__(self):
        self._update_flat_weights()
        state = self.__dict__.copy()
        del state["_flat_weight_refs"]      # weak references do not pickle
        return state

    def __setstate__(self, d):
        super().__setstate__(d)
        if "all_weights" in d:
            self._all_weights = d["all_weights"]
        if "proj_size" not in d:
            self.proj_size = 0
        self._flat_weight_refs = [weakref.ref(w) if w is not None else None
                                  for w in self._flat_weights]

    @property
    def all_weights(self):
        return [[getattr(self, weight) for weight in weights] for weights in self._all_weights]

    def _run(self, input, hx, batch_sizes):
        """The layer stack on a time-major input (or packed data): (output, states)."""
        if batch_sizes is None and self.mode == "LSTM" and self.proj_size == 0 and \
                input.dtype is _dtype.float32 and input.numel() != 0:
            return _mkldnn_lstm(input, hx, self._flat_weights, self.bias, self.num_layers,
                                self.dropout, self.training, self.bidirectional)
        bs = None if batch_sizes is None else batch_sizes._data.tolist()
        return _rnn_impl(self.mode, input, hx, self._flat_weights, self.bias, self.num_layers,
                         self.dropout, self.training, self.bidirectional, bs)


def _hidden_forward(self, input, hx, name, is_lstm=False):
    """RNN.forward and GRU.forward (one hidden state), as torch writes them."""
    self._update_flat_weights()
    num_directions = 2 if self.bidirectional else 1
    orig_input = input
    if isinstance(orig_input, PackedSequence):
        input, batch_sizes, sorted_indices, unsorted_indices = input
        max_batch_size = int(batch_sizes[0])
        if hx is None:
            hx = zeros(self.num_layers * num_directions, max_batch_size, self.hidden_size,
                       dtype=input.dtype)
        else:
            hx = self.permute_hidden(hx, sorted_indices)
    else:
        batch_sizes = None
        if input.dim() not in (2, 3):
            what = "RNN: Expected input to be 2D or 3D, got {}D tensor instead" \
                if name == "RNN" else name + ": Expected input to be 2D or 3D, got {}D instead"
            raise ValueError(what.format(input.dim()))
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but "
                                       f"got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got "
                               f"{hx.dim()}-D tensor")
        max_batch_size = input.size(0) if self.batch_first else input.size(1)
        sorted_indices = None
        unsorted_indices = None
        if hx is None:
            hx = zeros(self.num_layers * num_directions, max_batch_size, self.hidden_size,
                       dtype=input.dtype)
        else:
            hx = self.permute_hidden(hx, sorted_indices)

    self.check_forward_args(input, hx, batch_sizes)
    if batch_sizes is None and self.batch_first:
        output, (hidden,) = self._run(input.transpose(0, 1), (hx,), None)
        output = _transpose01_(output)
    else:
        output, (hidden,) = self._run(input, (hx,), batch_sizes)

    if isinstance(orig_input, PackedSequence):
        output_packed = PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
        return output_packed, self.permute_hidden(hidden, unsorted_indices)
    if not is_batched:
        output = output.squeeze(batch_dim)
        hidden = hidden.squeeze(1)
    return output, self.permute_hidden(hidden, unsorted_indices)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True,
    batch_first=False, dropout=0.0, bidirectional=False); forward(input, hx=None) returns
    (output, h_n)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        return _hidden_forward(self, input, hx, "RNN")


_warned_proj = [False]


class LSTM(RNNBase):
    """Long short-term memory: i, f, g, o gates; c_t = f * c_{t-1} + i * g,
    h_t = o * tanh(c_t) (projected by W_hr with proj_size > 0).

    LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0); forward(input, (h_0, c_0)=None) returns
    (output, (h_n, c_n))."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return (_apply_permutation(hx[0], permutation),
                _apply_permutation(hx[1], permutation))

    def forward(self, input, hx=None):
        self._update_flat_weights()
        orig_input = input
        batch_sizes = None
        num_directions = 2 if self.bidirectional else 1
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        if isinstance(orig_input, PackedSequence):
            input, batch_sizes, sorted_indices, unsorted_indices = input
            max_batch_size = int(batch_sizes[0])
            if hx is None:
                h_zeros = zeros(self.num_layers * num_directions, max_batch_size,
                                real_hidden_size, dtype=input.dtype)
                c_zeros = zeros(self.num_layers * num_directions, max_batch_size,
                                self.hidden_size, dtype=input.dtype)
                hx = (h_zeros, c_zeros)
            else:
                hx = self.permute_hidden(hx, sorted_indices)
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D "
                                 "instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            max_batch_size = input.size(0) if self.batch_first else input.size(1)
            sorted_indices = None
            unsorted_indices = None
            if hx is None:
                h_zeros = zeros(self.num_layers * num_directions, max_batch_size,
                                real_hidden_size, dtype=input.dtype)
                c_zeros = zeros(self.num_layers * num_directions, max_batch_size,
                                self.hidden_size, dtype=input.dtype)
                hx = (h_zeros, c_zeros)
                self.check_forward_args(input, hx, batch_sizes)
            else:
                if is_batched:
                    if hx[0].dim() != 3 or hx[1].dim() != 3:
                        raise RuntimeError(f"For batched 3-D input, hx and cx should also be "
                                           f"3-D but got ({hx[0].dim()}-D, {hx[1].dim()}-D) "
                                           "tensors")
                else:
                    if hx[0].dim() != 2 or hx[1].dim() != 2:
                        raise RuntimeError(f"For unbatched 2-D input, hx and cx should also "
                                           f"be 2-D but got ({hx[0].dim()}-D, "
                                           f"{hx[1].dim()}-D) tensors")
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
                self.check_forward_args(input, hx, batch_sizes)
                hx = self.permute_hidden(hx, sorted_indices)

        if self.proj_size > 0 and input.dtype is _dtype.float32 and input.numel() != 0 \
                and batch_sizes is None and not _warned_proj[0]:
            # torch's TORCH_WARN_ONCE where its oneDNN kernel would have run
            _warned_proj[0] = True
            warnings.warn("LSTM with projections is not supported with oneDNN. Using default "
                          "implementation. (Triggered internally at /__w/pytorch/pytorch/aten/"
                          "src/ATen/native/RNN.cpp:1512.)", UserWarning, stacklevel=2)
        if batch_sizes is None and self.batch_first:
            output, hidden = self._run(input.transpose(0, 1), hx, None)
            output = output.transpose(0, 1)
        else:
            output, hidden = self._run(input, hx, batch_sizes)

        if isinstance(orig_input, PackedSequence):
            output_packed = PackedSequence(output, batch_sizes, sorted_indices,
                                           unsorted_indices)
            return output_packed, self.permute_hidden(hidden, unsorted_indices)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = (hidden[0].squeeze(1), hidden[1].squeeze(1))
        return output, self.permute_hidden(hidden, unsorted_indices)


class GRU(RNNBase):
    """Gated recurrent unit: r = sigmoid(.), z = sigmoid(.), n = tanh(x W_in^T + b_in +
    r * (h W_hn^T + b_hn)), h_t = (1 - z) * n + z * h_{t-1}.

    GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False); forward(input, hx=None) returns (output, h_n)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return _hidden_forward(self, input, hx, "GRU")


# -- cells ----------------------------------------------------------------------------------

def _check_cell(input, hx, w_ih, w_hh, labels):
    """torch's check_rnn_cell_forward_input / _hidden."""
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected "
                           f"{w_ih.size(1)}")
    hidden_size = w_hh.size(1)
    for h, label in zip(hx, labels):
        if input.size(0) != h.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{label} "
                               f"batch size {h.size(0)}")
        if h.size(1) != hidden_size:
            raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {h.size(1)}, "
                               f"expected {hidden_size}")


def _cell(mode, input, state, w_ih, w_hh, b_ih, b_hh):
    """One step of a cell module (the input projection computed here)."""
    gi = F.linear(input, w_ih, b_ih)
    if mode == "GRU":
        return _gru_step(gi.chunk(3, 1), state, (w_hh.t(), b_hh, None))
    if b_hh is not None:
        gi = gi + b_hh
    return _STEPS[mode](gi, state, (w_hh.t(), None, None))


class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        factory_kwargs = {"device": device, "dtype": dtype}
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size),
                                         **factory_kwargs))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size),
                                         **factory_kwargs))
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, **factory_kwargs))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, **factory_kwargs))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu) for one time step."""

    __constants__ = ["input_size", "hidden_size", "bias", "nonlinearity"]

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        if input.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.dim()}D "
                             "instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = zeros(input.size(0), self.hidden_size, dtype=input.dtype)
        else:
            hx = hx.unsqueeze(0) if not is_batched else hx
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        _check_cell(input, (hx,), self.weight_ih, self.weight_hh, ("0",))
        ret = _cell(mode, input, (hx,), self.weight_ih, self.weight_hh, self.bias_ih,
                    self.bias_hh)[0]
        if not is_batched:
            ret = ret.squeeze(0)
        return ret


class LSTMCell(RNNCellBase):
    """(h', c') of one LSTM time step."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        if input.dim() not in (1, 2):
            raise ValueError(f"LSTMCell: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got "
                                     f"{value.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            z = zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            hx = (z, z)
        else:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0)) if not is_batched else hx
        if len(hx) != 2:
            raise RuntimeError("lstm_cell expects two hidden states")
        _check_cell(input, hx, self.weight_ih, self.weight_hh, ("0", "1"))
        ret = _cell("LSTM", input, tuple(hx), self.weight_ih, self.weight_hh, self.bias_ih,
                    self.bias_hh)
        if not is_batched:
            ret = (ret[0].squeeze(0), ret[1].squeeze(0))
        return ret


class GRUCell(RNNCellBase):
    """h' of one GRU time step."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        if input.dim() not in (1, 2):
            raise ValueError(f"GRUCell: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"GRUCell: Expected hidden to be 1D or 2D, got {hx.dim()}D "
                             "instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = zeros(input.size(0), self.hidden_size, dtype=input.dtype)
        else:
            hx = hx.unsqueeze(0) if not is_batched else hx
        _check_cell(input, (hx,), self.weight_ih, self.weight_hh, ("0",))
        ret = _cell("GRU", input, (hx,), self.weight_ih, self.weight_hh, self.bias_ih,
                    self.bias_hh)[0]
        if not is_batched:
            ret = ret.squeeze(0)
        return ret
