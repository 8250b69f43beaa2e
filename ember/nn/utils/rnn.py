"""Variable-length sequences for recurrent layers, as ``torch.nn.utils.rnn``.

A :class:`PackedSequence` stores a batch of sequences of different lengths time step by time
step: ``data`` holds, for each step ``t``, the rows of the ``batch_sizes[t]`` sequences that are
still running (sequences sorted by decreasing length). ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU``
accept it and skip the padding entirely.

Example::

    >>> from ember.nn.utils.rnn import pack_sequence, pad_packed_sequence
    >>> packed = pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
    >>> packed.batch_sizes
    tensor([2, 2, 1])
    >>> pad_packed_sequence(packed, batch_first=True)
    (tensor([[1, 2, 3],
            [4, 5, 0]]), tensor([3, 2]))
"""
from collections import namedtuple
from collections.abc import Iterable

import numpy as np

import ember
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]

_PackedSequenceBase = namedtuple("PackedSequence",
                                 ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _long(values):
    return ember.from_numpy(np.asarray(values, dtype=np.int64))


class PackedSequence(_PackedSequenceBase):
    """Holds the data and the ``batch_sizes`` of a packed batch of sequences (a namedtuple).

    Never build one by hand: use :func:`pack_padded_sequence` or :func:`pack_sequence`.

    Attributes:
        data (Tensor): the packed rows, ``(sum(lengths), *)``.
        batch_sizes (Tensor): int64 (on CPU), how many sequences run at each time step.
        sorted_indices (Tensor, optional): how the original batch was sorted by length.
        unsorted_indices (Tensor, optional): the inverse permutation, back to the original order.

    Example::

        >>> p = pack_sequence([ember.tensor([1., 2.]), ember.tensor([3.])])
        >>> p.data, p.batch_sizes
        (tensor([1., 3., 2.]), tensor([2, 1]))
    """
    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":
                raise ValueError(
                    "batch_sizes should always be on CPU. Instances of PackedSequence should "
                    "never be created manually. They should be instantiated by functions like "
                    "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        if not (isinstance(data, (list, tuple)) and len(data) == 2):
            raise AssertionError("Expected data to be a list or tuple of length 2")
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def _with_data(self, data):
        if data is self.data:
            return self
        dev = data.device
        s = self.sorted_indices
        u = self.unsorted_indices
        return type(self)(data, self.batch_sizes, None if s is None else s.to(dev),
                          None if u is None else u.to(dev))

    def to(self, *args, **kwargs):
        """Convert ``data`` like ``Tensor.to`` (dtype and/or device); ``batch_sizes`` stays.

        Returns ``self`` when nothing changes.

        Example::

            >>> p = pack_sequence([ember.tensor([1., 2.])])
            >>> p.to(ember.float64).data.dtype
            torch.float64
        """
        return self._with_data(self.data.to(*args, **kwargs))

    def cuda(self, *args, **kwargs):
        """Move ``data`` (and the indices) to a CUDA device."""
        return self._with_data(self.data.cuda(*args, **kwargs))

    def cpu(self, *args, **kwargs):
        """Move ``data`` (and the indices) to the CPU."""
        return self._with_data(self.data.cpu(*args, **kwargs))

    def pin_memory(self):
        """Accepted for compatibility (returns ``self``; ember has no pinned memory)."""
        return self

    def double(self):
        return self.to(dtype=ember.float64)

    def float(self):
        return self.to(dtype=ember.float32)

    def half(self):
        return self.to(dtype=ember.float16)

    def long(self):
        return self.to(dtype=ember.int64)

    def int(self):
        return self.to(dtype=ember.int32)

    def short(self):
        return self.to(dtype=ember.int16)

    def char(self):
        return self.to(dtype=ember.int8)

    def byte(self):
        return self.to(dtype=ember.uint8)

    @property
    def is_cuda(self):
        """True if ``data`` lives on a CUDA device."""
        return self.data.is_cuda

    def is_pinned(self):
        """False: ember has no pinned memory."""
        return False


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (``None`` gives ``None``).

    Example::

        >>> invert_permutation(ember.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    p = permutation.cpu().numpy().astype(np.int64).reshape(-1)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size, dtype=np.int64)
    return _long(inv).to(permutation.device)


def _as_lengths(lengths):
    if isinstance(lengths, Tensor):
        return lengths.cpu().numpy().astype(np.int64).reshape(-1)
    return np.asarray([int(v) for v in lengths], dtype=np.int64).reshape(-1)


def _pack_rows(T, lengths):
    """``(batch_sizes, rows)``: the packed rows as indices into a time-major ``(T*B)`` view."""
    B = len(lengths)
    steps = np.arange(T)[:, None]
    valid = steps < lengths[None, :]                    # (T, B), a prefix of each row
    batch_sizes = valid.sum(1)
    batch_sizes = batch_sizes[batch_sizes > 0]
    rows = np.nonzero(valid.reshape(-1))[0]             # row-major: step by step
    return batch_sizes.astype(np.int64), rows, B


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch of variable-length sequences.

    Args:
        input (Tensor): ``(T, B, *)`` padded sequences (``(B, T, *)`` if ``batch_first``).
        lengths (Tensor or list(int)): the length of each sequence (on the CPU).
        batch_first (bool): whether ``input`` is batch-major. Default: False.
        enforce_sorted (bool): if True, ``lengths`` must be in decreasing order; if False the
            batch is sorted here and ``sorted_indices`` / ``unsorted_indices`` are recorded.

    Returns:
        a :class:`PackedSequence` (differentiable w.r.t. ``input``).

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 0]])
        >>> pack_padded_sequence(x, [3, 2], batch_first=True).data
        tensor([1, 4, 2, 5, 3])
    """
    lens = _as_lengths(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = _long(order).to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    T, B = input.shape[0], input.shape[1]
    if len(lens) != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lens)} (batch_size={B})")
    if B and lens.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element "
                           "in 'lengths' that is <= 0")
    if np.any(lens[1:] > lens[:-1]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
            "sidestep this requirement if you do not need ONNX exportability.")
    if B and lens.max() > T:
        raise RuntimeError(f"pack_padded_sequence: a length ({int(lens.max())}) is larger than "
                           f"the padded sequence length ({T}); check `lengths` and `batch_first`")
    batch_sizes, rows, _ = _pack_rows(T, lens)
    flat = input.reshape((T * B,) + tuple(input.shape[2:]))
    data = flat.index_select(0, _long(rows).to(input.device))
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo :func:`pack_padded_sequence`: a padded batch and the lengths of its sequences.

    Args:
        sequence (PackedSequence): the batch to pad.
        batch_first (bool): return ``(B, T, *)`` instead of ``(T, B, *)``.
        padding_value (float): the value of the padding entries.
        total_length (int, optional): pad to this length instead of the longest sequence.

    Returns:
        ``(padded, lengths)``; ``lengths`` is an int64 tensor in the original batch order.

    Example::

        >>> p = pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4])])
        >>> pad_packed_sequence(p)
        (tensor([[1, 4],
                [2, 0],
                [3, 0]]), tensor([3, 1]))
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes
    bs = batch_sizes.cpu().numpy().astype(np.int64)
    max_len = len(bs)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_len}")
        max_len = int(total_length)
    B = int(bs[0]) if len(bs) else 0
    lens = (np.arange(B)[None, :] < bs[:, None]).sum(0).astype(np.int64)
    _, rows, _ = _pack_rows(max_len, lens)
    n = data.shape[0]
    # position of each padded entry in [data; padding row]: the padding row is index n
    where = np.full(max_len * B, n, dtype=np.int64)
    where[rows] = np.arange(n, dtype=np.int64)
    rest = tuple(data.shape[1:])
    pad_row = ember.full((1,) + rest, padding_value, dtype=data.dtype, device=data.device)
    src = ember.cat([data, pad_row], 0)
    padded = src.index_select(0, _long(where).to(data.device)).reshape((max_len, B) + rest)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = _long(lens)
    if sequence.unsorted_indices is not None:
        u = sequence.unsorted_indices
        padded = padded.index_select(0 if batch_first else 1, u)
        lengths = _long(lens[u.cpu().numpy().astype(np.int64)])
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack variable-length tensors ``(L_i, *)`` into one padded tensor.

    Args:
        sequences (list[Tensor]): the sequences.
        batch_first (bool): ``(B, T, *)`` output instead of ``(T, B, *)``.
        padding_value (float): the value of the padding. Default: 0.
        padding_side (str): ``'right'`` (default) or ``'left'``.

    Example::

        >>> pad_sequence([ember.tensor([1, 2]), ember.tensor([3])], batch_first=True)
        tensor([[1, 2],
                [3, 0]])
    """
    if isinstance(sequences, Tensor) or not isinstance(sequences, Iterable):
        if isinstance(sequences, Tensor):
            sequences = sequences.unbind(0)
        else:
            raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                               f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    T = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        L = s.shape[0]
        if L < T:
            pad = ember.full((T - L,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype,
                             device=s.device)
            s = ember.cat([s, pad] if padding_side == "right" else [pad, s], 0)
        padded.append(s)
    return ember.stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences (inverse of pad_sequence).

    Args:
        padded_sequences (Tensor): ``(T, B, *)`` (or ``(B, T, *)`` if ``batch_first``).
        lengths (Tensor or list(int)): the length of each sequence.
        batch_first (bool): the layout of ``padded_sequences``.

    Example::

        >>> x = ember.tensor([[1, 2], [3, 0]])
        >>> unpad_sequence(x, ember.tensor([2, 1]), batch_first=True)
        [tensor([1, 2]), tensor([3])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    lens = _as_lengths(lengths)
    if len(lens) != padded_sequences.shape[0]:
        raise ValueError(f"unpad_sequence: got {len(lens)} lengths for a batch of "
                         f"{padded_sequences.shape[0]} sequences")
    return [padded_sequences[i, :int(n)] for i, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors ``(L_i, *)`` (pad_sequence + pack_padded_sequence).

    Args:
        sequences (list[Tensor]): the sequences, in decreasing length unless
            ``enforce_sorted=False``.
        enforce_sorted (bool): require decreasing lengths. Default: True.

    Example::

        >>> pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5]), ember.tensor([6])])
        PackedSequence(data=tensor([1, 4, 6, 2, 5, 3]), batch_sizes=tensor([3, 2, 1]), sorted_indices=None, unsorted_indices=None)
    """
    lengths = [int(v.shape[0]) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """Turn a :class:`PackedSequence` back into the list of its sequences (original order).

    Example::

        >>> unpack_sequence(pack_sequence([ember.tensor([1, 2]), ember.tensor([3])]))
        [tensor([1, 2]), tensor([3])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
