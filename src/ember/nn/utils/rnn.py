"""torch.nn.utils.rnn: PackedSequence and the helpers that pack, pad and unpad batches of
sequences of different lengths.

A packed sequence stores only the valid time steps of a (time, batch, *) padded batch, time
step after time step: ``data`` holds the rows, ``batch_sizes[t]`` says how many sequences are
still running at step t (sequences sorted longest first; ``sorted_indices`` /
``unsorted_indices`` map to and from the caller's batch order).
"""
from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ... import _dtype
from ..._errors import broadcast_shapes, shape_str
from ..._tensor import Tensor, _make
from ...ops._base import Node, transpose, unary
from ...ops.creation import as_tensor, full, tensor, zeros

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


def bind(optional, fn):
    if optional is None:
        return None
    return fn(optional)


class PackedSequence(PackedSequence_):
    """The packed form of a batch of variable-length sequences (built by pack_padded_sequence
    or pack_sequence, consumed by RNN/LSTM/GRU and pad_packed_sequence)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        return super().__new__(cls, *_packed_sequence_init_args(data, batch_sizes,
                                                                  sorted_indices,
                                                                  unsorted_indices))

    def pin_memory(self):
        # What Tensor.pin_memory() raises on torch's CPU-only build.
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def to(self, *args, **kwargs):
        """The sequence with data moved/cast as Tensor.to does (self if nothing changes)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cuda(self, *args, **kwargs):
        ex = tensor((), dtype=self.data.dtype).to(*args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, **kwargs)

    def double(self):
        return self.to(dtype=_dtype.float64)

    def float(self):
        return self.to(dtype=_dtype.float32)

    def half(self):
        return self.to(dtype=_dtype.float16)

    def long(self):
        return self.to(dtype=_dtype.int64)

    def int(self):
        return self.to(dtype=_dtype.int32)

    def short(self):
        return self.to(dtype=_dtype.int16)

    def char(self):
        return self.to(dtype=_dtype.int8)

    def byte(self):
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def _packed_sequence_init_args(data, batch_sizes=None, sorted_indices=None,
                               unsorted_indices=None):
    if unsorted_indices is None:
        unsorted_indices = invert_permutation(sorted_indices)
    if batch_sizes is not None:
        return data, batch_sizes, sorted_indices, unsorted_indices
    if not (isinstance(data, (list, tuple)) and len(data) == 2):
        raise AssertionError("Expected data to be a list or tuple of length 2")
    return data[0], data[1], sorted_indices, unsorted_indices


def _packed_sequence_init(data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
    data, batch_sizes, sorted_indices, unsorted_indices = _packed_sequence_init_args(
        data, batch_sizes, sorted_indices, unsorted_indices)
    return PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)


def invert_permutation(permutation):
    """The inverse permutation: output[permutation[i]] = i (None for None)."""
    if permutation is None:
        return None
    p = permutation._data
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=p.dtype)
    return _make(out)


# -- packing -----------------------------------------------------------------------------------

def _check_lengths(lengths):
    """torch's checkLongTensor for the lengths / batch_sizes argument."""
    d = lengths._data
    if d.ndim != 1 or d.dtype != np.int64:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{d.ndim}D cpu {lengths.dtype._legacy[:-len('Tensor')]} tensor")
    return d


class PackPaddedSequenceBackward0(Node):
    """input: _pack_padded_sequence_backward(grad, input.sizes(), result1, batch_first)
    -- the packed rows written back into zeros of the padded input's shape."""
    __slots__ = ()

    def backward(self, grad):
        shape, t_idx, b_idx, batch_first = self.args      # shape is time-major (T, B, *)
        if isinstance(grad, Tensor):
            rows = shape[0] * shape[1]
            flat = zeros((rows,) + tuple(shape[2:]), dtype=grad.dtype)
            g = flat.index_add(0, _make(t_idx * shape[1] + b_idx), grad).reshape(shape)
        else:
            g = np.zeros(shape, dtype=grad.dtype)
            g[t_idx, b_idx] = grad
        if batch_first:
            g = transpose(g, 0, 1)
        return (g,)


def _pack_padded(input, lengths, batch_first):
    """torch's _VF._pack_padded_sequence: (data, batch_sizes) of a padded input whose
    sequences are sorted by decreasing length."""
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    x = input._data
    if batch_first:
        x = np.swapaxes(x, 0, 1)
    lens = _check_lengths(lengths)
    batch_size = x.shape[1]
    if lens.shape[0] != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lens.shape[0]} (batch_size={batch_size})")
    if lens[batch_size - 1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    # Steps past the padded length hold no rows (torch's slices of the input are clipped).
    mask = np.arange(min(int(lens[0]), x.shape[0]))[:, None] < lens[None, :]
    t_idx, b_idx = np.nonzero(mask)           # row-major: time step after time step
    batch_sizes = (np.arange(int(lens[0]))[:, None] < lens[None, :]).sum(1).astype(np.int64)
    data = x[t_idx, b_idx]
    out = unary(PackPaddedSequenceBackward0, input, data,
                args=(x.shape, t_idx, b_idx, batch_first))
    return out, _make(batch_sizes)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T x B x * or B x T x * with batch_first) of sequences with the
    given lengths; enforce_sorted=False sorts them by length first."""
    if not isinstance(lengths, Tensor):
        lengths = as_tensor(lengths, dtype=_dtype.int64)
    else:
        lengths = lengths.to(dtype=_dtype.int64)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = lengths.sort(descending=True)
        batch_dim = 0 if batch_first else 1
        input = input.index_select(batch_dim, sorted_indices)
    data, batch_sizes = _pack_padded(input, lengths, batch_first)
    return _packed_sequence_init(data, batch_sizes, sorted_indices, None)


def _pad_packed(data, batch_sizes, batch_first, padding_value, total_length):
    """torch's _VF._pad_packed_sequence: the padded (T, B, *) output (the rows written in
    one block per run of equal batch sizes) and the lengths."""
    bs = _check_lengths(batch_sizes)
    max_batch_size = int(bs[0])
    max_real_seq_length = bs.shape[0]
    if total_length < max_real_seq_length:
        raise RuntimeError(f"Expected total_length to be at least the length of the longest "
                           f"sequence in input, but got total_length={total_length} and max "
                           f"sequence length being {max_real_seq_length}")
    max_seq_length = total_length if total_length > 0 else max_real_seq_length
    trailing = tuple(data.shape[1:])
    output = full((max_seq_length, max_batch_size) + trailing, padding_value, dtype=data.dtype)
    offset = 0
    prev_i = 0
    prev_bs = max_batch_size
    for i in range(max_real_seq_length + 1):
        b = int(bs[i]) if i != max_real_seq_length else 0
        if b != prev_bs:
            n = prev_bs * (i - prev_i)
            block = data[offset:offset + n].view((i - prev_i, prev_bs) + trailing)
            output[prev_i:i, :prev_bs] = block
            offset += n
            prev_i = i
        prev_bs = b
    lengths = (bs[None, :] > np.arange(max_batch_size)[:, None]).sum(1).astype(np.int64)
    if batch_first:
        output = output.transpose(0, 1)
    return output, _make(lengths)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: (padded, lengths), padded to total_length if given."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and "
                             f"max sequence length being {max_seq_length}")
        max_seq_length = total_length
    padded_output, lengths = _pad_packed(sequence.data, sequence.batch_sizes, batch_first,
                                         padding_value, max_seq_length)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is not None:
        batch_dim = 0 if batch_first else 1
        return (padded_output.index_select(batch_dim, unsorted_indices),
                lengths[unsorted_indices.cpu()])
    return padded_output, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences of different lengths (L_i x *) into one L x B x * tensor (B x L x *
    with batch_first), filled with padding_value on the right (or the left)."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    n = len(sequences)
    if n == 0:
        raise RuntimeError("received an empty list of sequences")
    first = sequences[0]
    trailing = tuple(first.shape[1:])
    max_len = max(s.size(0) for s in sequences)
    out_dims = (n, max_len) if batch_first else (max_len, n)
    out = full(out_dims + trailing, padding_value, dtype=first.dtype)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    for i, seq in enumerate(sequences):
        length = seq.size(0)
        start = max_len - length if padding_side == "left" else 0
        _check_copy((length,) + trailing, tuple(seq.shape))
        if batch_first:
            out[i, start:start + length] = seq
        else:
            out[start:start + length, i] = seq
    return out


def _check_copy(dst, src):
    """Tensor.copy_'s shape errors for writing src into a region of shape dst."""
    shape = broadcast_shapes(dst, src)
    if shape != dst:
        raise RuntimeError(f"output with shape {shape_str(dst)} doesn't match the broadcast "
                           f"shape {shape_str(shape)}")


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of unpadded sequences of a padded batch (inverse of pad_sequence)."""
    # NOTE: torch transposes the caller's tensor in place here (transpose_) when
    # batch_first is False; ember leaves the caller's tensor alone.
    unpadded_sequences = []
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_length = padded_sequences.shape[1]
    idx = np.arange(max_length)
    for seq, length in zip(padded_sequences, lengths, strict=True):
        mask = _make(idx < int(length))
        unpadded_sequences.append(seq[mask])
    return unpadded_sequences


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length sequences (L_i x *), longest first unless
    enforce_sorted=False."""
    lengths = as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds (inverse of pack_sequence)."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)

