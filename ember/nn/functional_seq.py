"""Sequence-model functions of ``ember.nn.functional``: attention and embedding bags.

``scaled_dot_product_attention``, ``multi_head_attention_forward`` and ``embedding_bag``, with
torch's semantics, composed from ember ops (so they are differentiable, twice included).
Re-exported by ``ember.nn.functional``.
"""
import math
import warnings

import numpy as np

import ember
from .. import _dtype as D
from .._tensor import Tensor
from .._device import get_xp, on_device
from ..autograd.grad_mode import no_grad

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward", "embedding_bag"]


def _F():
    from . import functional
    return functional


# ---------------------------------------------------------------- masks


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask (True = masked out) becomes a float mask of 0 / -inf; float masks pass."""
    if mask is None:
        return None
    is_float = mask.dtype.is_floating_point
    if mask.dtype is not D.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use "
                      "same type for both instead.", stacklevel=3)
    if not is_float:
        mask = ember.zeros_like(mask, dtype=target_type).masked_fill(mask, float("-inf"))
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


# ---------------------------------------------------------------- attention


def _dtype_name(dt):
    names = {"float32": "float", "float64": "double", "float16": "c10::Half",
             "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
             "bool": "bool"}
    return names.get(dt.name, dt.name)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    r"""Attention ``softmax(Q K^T * scale + bias) V`` over the last two dimensions.

    Args:
        query (Tensor): ``(N, ..., L, E)``.
        key (Tensor): ``(N, ..., S, E)``.
        value (Tensor): ``(N, ..., S, Ev)``.
        attn_mask (Tensor, optional): broadcastable to ``(N, ..., L, S)``. A bool mask says
            which positions may be attended (True = attend); a float mask is added to the
            scores.
        dropout_p (float): dropout probability on the attention weights (always applied
            when > 0: pass 0.0 in evaluation).
        is_causal (bool): apply a lower-triangular (top-left aligned) causal mask; an error
            together with ``attn_mask``.
        scale (float, optional): the score scale; default ``1 / sqrt(E)``.
        enable_gqa (bool): grouped-query attention: key/value heads (dim -3) are repeated to
            match the query heads.

    Rows that may attend to nothing give zeros (as torch).

    Example::

        >>> q = ember.randn(2, 4, 5, 8)
        >>> F.scaled_dot_product_attention(q, q, q, is_causal=True).shape
        torch.Size([2, 4, 5, 8])
    """
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError("Expected query, key, and value to have the same dtype, but got "
                           f"query.dtype: {_dtype_name(query.dtype)} key.dtype: "
                           f"{_dtype_name(key.dtype)} and value.dtype: "
                           f"{_dtype_name(value.dtype)} instead.")
    if attn_mask is not None and attn_mask.dtype is not D.bool and \
            not attn_mask.dtype.is_floating_point and attn_mask.dtype != query.dtype:
        raise RuntimeError("Expected attn_mask dtype to be bool or float or to match query "
                           f"dtype, but got attn_mask.dtype: {_dtype_name(attn_mask.dtype)} "
                           f"and  query.dtype: {_dtype_name(query.dtype)} instead.")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    L, S = query.size(-2), key.size(-2)
    E = query.size(-1)
    scale_factor = 1.0 / math.sqrt(E) if scale is None else float(scale)
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3:
        hq, hk, hv = query.size(-3), key.size(-3), value.size(-3)
        if hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of "
                               "heads in query")
        if hk != hq:
            key = key.repeat_interleave(hq // hk, -3)
        if hv != hq:
            value = value.repeat_interleave(hq // hv, -3)
    scores = ember.matmul(query, key.transpose(-2, -1)) * scale_factor
    # ``allowed``: a bool array (on the scores' backend: the mask never goes through the
    # host) broadcastable to the scores, where something masks
    xp = get_xp(scores._data)
    on_cpu = type(scores._data) is np.ndarray   # the only backend where a sync is free
    allowed = None
    if is_causal:
        with on_device(scores.device):
            allowed = xp.tri(L, S, dtype=bool)
    float_mask = attn_mask is not None and attn_mask.dtype is not D.bool
    if attn_mask is not None:
        if float_mask:
            scores = scores + attn_mask.to(scores.dtype)
            neg = xp.isneginf(attn_mask.detach()._data)
            if not on_cpu or neg.any():
                allowed = ~neg
        else:
            allowed = attn_mask.detach()._data
    if allowed is None:
        attn = scores.softmax(-1)
    else:
        allowed = xp.broadcast_to(allowed, np.broadcast_shapes(allowed.shape,
                                                               tuple(scores.shape)))
        empty = ~allowed.any(-1, keepdims=True)   # rows that may attend to nothing
        # off the CPU, masking rows that may be empty costs less than asking the device
        has_empty = bool(empty.any()) if on_cpu else True
        if has_empty:
            empty_t = Tensor._wrap(xp.ascontiguousarray(empty), D.bool)
        if not float_mask:
            bias = xp.where(allowed | empty, 0.0, -np.inf).astype(scores.dtype.np)
            scores = scores + Tensor._wrap(bias, scores.dtype)
        elif has_empty:
            scores = scores.masked_fill(empty_t, 0.0)
        attn = scores.softmax(-1)
        if has_empty:
            attn = attn.masked_fill(empty_t, 0.0)   # torch gives zeros for such rows
    if dropout_p > 0.0:
        attn = _F().dropout(attn, dropout_p, True)
    return ember.matmul(attn, value)


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError("For batched (3-D) `query`, expected `key` and `value` to be 3-D"
                                 f" but found {key.dim()}-D and {value.dim()}-D tensors "
                                 "respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError("For batched (3-D) `query`, expected `key_padding_mask` to be "
                                 f"`None` or 2-D but found {key_padding_mask.dim()}-D tensor "
                                 "instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError("For batched (3-D) `query`, expected `attn_mask` to be `None`, "
                                 f"2-D or 3-D but found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError("For unbatched (2-D) `query`, expected `key` and `value` to be "
                                 f"2-D but found {key.dim()}-D and {value.dim()}-D tensors "
                                 "respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError("For unbatched (2-D) `query`, expected `key_padding_mask` to be "
                                 f"`None` or 1-D but found {key_padding_mask.dim()}-D tensor "
                                 "instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError("For unbatched (2-D) `query`, expected `attn_mask` to be "
                                     f"`None`, 2-D or 3-D but found {attn_mask.dim()}-D tensor "
                                     "instead")
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                         f"{attn_mask.shape}")
        return False
    raise AssertionError("query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _in_projection_packed(q, k, v, w, b=None):
    F = _F()
    E = q.size(-1)
    if k is v:
        if q is k:
            proj = F.linear(q, w, b)
            return tuple(proj.chunk(3, -1))
        w_q, w_kv = w.split([E, E * 2])
        b_q, b_kv = (None, None) if b is None else b.split([E, E * 2])
        q_p = F.linear(q, w_q, b_q)
        k_p, v_p = F.linear(k, w_kv, b_kv).chunk(2, -1)
        return q_p, k_p, v_p
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def _pad_last(t):
    return ember.cat([t, ember.zeros(tuple(t.shape[:-1]) + (1,), dtype=t.dtype,
                                     device=t.device)], -1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    r"""The computation of :class:`~ember.nn.MultiheadAttention` (sequence-first layout).

    Args:
        query, key, value: ``(L, N, E)``, ``(S, N, E_k)``, ``(S, N, E_v)`` (or unbatched 2-D).
        embed_dim_to_check (int): the expected ``E``.
        num_heads (int): parallel attention heads.
        in_proj_weight, in_proj_bias: the packed ``(3E, E)`` projection and its bias.
        bias_k, bias_v: ``(1, 1, E)`` biases appended to key / value, or None.
        add_zero_attn (bool): append a zero key / value position.
        dropout_p (float): dropout on the attention weights (training only).
        out_proj_weight, out_proj_bias: the output projection.
        training (bool): apply dropout.
        key_padding_mask: ``(N, S)``; True / -inf marks padding keys to ignore.
        need_weights (bool): also return the attention weights.
        attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``; True / -inf is masked out.
        use_separate_proj_weight (bool): use ``q/k/v_proj_weight`` instead of the packed one.
        static_k, static_v: precomputed ``(N * num_heads, S, E / num_heads)`` keys / values.
        average_attn_weights (bool): average the returned weights over heads.
        is_causal (bool): hint that ``attn_mask`` is the causal mask.

    Returns:
        ``(attn_output (L, N, E), attn_weights or None)``.

    Example::

        >>> x = ember.randn(5, 2, 8)
        >>> mha = nn.MultiheadAttention(8, 2)
        >>> out, w = F.multi_head_attention_forward(x, x, x, 8, 2, mha.in_proj_weight,
        ...     mha.in_proj_bias, None, None, False, 0.0, mha.out_proj.weight, mha.out_proj.bias)
        >>> out.shape, w.shape
        (torch.Size([5, 2, 8]), torch.Size([2, 5, 5]))
    """
    F = _F()
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                       _none_or_dtype(attn_mask), "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if key_padding_mask is not None:
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
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight "
                                     "is None")
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q = F.linear(query, q_proj_weight, b_q)
        k = F.linear(key, k_proj_weight, b_k)
        v = F.linear(value, v_proj_weight, b_v)
    # attention mask to 3-D
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            correct = (tgt_len, src_len)
            if tuple(attn_mask.shape) != correct:
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but "
                                   f"should be {correct}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            correct = (bsz * num_heads, tgt_len, src_len)
            if tuple(attn_mask.shape) != correct:
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but "
                                   f"should be {correct}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    # bias_k / bias_v: one extra key position
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = ember.cat([k, bias_k.repeat(1, bsz, 1)])
        v = ember.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    # heads into the batch dimension: (N * H, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_k.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_k.size(0) of {bsz * num_heads}, but got "
                                 f"{static_k.size(0)}")
        if static_k.size(2) != head_dim:
            raise AssertionError(f"expecting static_k.size(2) of {head_dim}, but got "
                                 f"{static_k.size(2)}")
        k = static_k
    if static_v is None:
        v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    else:
        if static_v.size(0) != bsz * num_heads:
            raise AssertionError(f"expecting static_v.size(0) of {bsz * num_heads}, but got "
                                 f"{static_v.size(0)}")
        if static_v.size(2) != head_dim:
            raise AssertionError(f"expecting static_v.size(2) of {head_dim}, but got "
                                 f"{static_v.size(2)}")
        v = static_v
    if add_zero_attn:
        zshape = (bsz * num_heads, 1, head_dim)
        k = ember.cat([k, ember.zeros(zshape, dtype=k.dtype, device=k.device)], 1)
        v = ember.cat([v, ember.zeros(zshape, dtype=v.dtype, device=v.device)], 1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.size(1)
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        key_padding_mask = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(
            -1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    if need_weights:
        E = q.shape[-1]
        q_scaled = q * math.sqrt(1.0 / float(E))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        scores = ember.bmm(q_scaled, k.transpose(-2, -1))
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = scores.softmax(-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, p=dropout_p)
        out = ember.bmm(weights, v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias)
        out = out.reshape(tgt_len, bsz, out.size(1))
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias)
    out = out.reshape(tgt_len, bsz, out.size(1))
    if not is_batched:
        out = out.squeeze(1)
    return out, None


# ---------------------------------------------------------------- embedding bags

_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False,
                  padding_idx=None):
    r"""Sums, means or maxes of bags of embeddings, without building the per-index embeddings.

    Args:
        input (LongTensor): indices; 2-D ``(B, N)`` = B bags of N indices, or 1-D together
            with ``offsets``.
        weight (Tensor): the ``(num_embeddings, embedding_dim)`` table.
        offsets (LongTensor, optional): start of each bag in a 1-D ``input``.
        max_norm (float, optional): renormalise looked-up rows (in place) to at most this norm.
        norm_type (float): the p of the norm for ``max_norm``. Default: 2.
        scale_grad_by_freq (bool): scale gradients by the inverse index frequency (not with
            ``mode='max'``).
        mode (str): ``'sum'``, ``'mean'`` (default) or ``'max'``.
        sparse (bool): accepted for compatibility; the gradient is dense.
        per_sample_weights (Tensor, optional): a weight per index, same shape as ``input``
            (``mode='sum'`` only).
        include_last_offset (bool): ``offsets`` has one extra entry, the end of the last bag.
        padding_idx (int, optional): entries equal to it are left out of every bag.

    Returns:
        ``(num_bags, embedding_dim)``; empty bags give zeros.

    Example::

        >>> w = ember.arange(12.).reshape(4, 3)
        >>> F.embedding_bag(ember.tensor([0, 1, 2, 3]), w, ember.tensor([0, 2]), mode="sum")
        tensor([[ 3.,  5.,  7.],
                [15., 17., 19.]])
    """
    if per_sample_weights is not None and tuple(input.size()) != tuple(per_sample_weights.size()):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                         f"not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.type()} instead "
                           "(while checking arguments for embedding_bag)")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets)}")
        B, N = input.shape
        idx = input.cpu().numpy().reshape(-1).astype(np.int64)
        starts = np.arange(0, B * N, N, dtype=np.int64) if N else np.zeros(B, dtype=np.int64)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        include_last_offset = False
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        idx = input.cpu().numpy().astype(np.int64)
        starts = offsets.cpu().numpy().astype(np.int64)
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in _BAG_MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    n_emb, dim = weight.shape
    if idx.size and (idx.min() < 0 or idx.max() >= n_emb):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _F()._embedding_renorm_(weight, input, max_norm, norm_type)
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n_emb
    # bag boundaries
    total = idx.size
    if include_last_offset:
        ends = starts[1:]
        starts = starts[:-1]
    else:
        ends = np.append(starts[1:], total)
    if starts.size and (starts[0] != 0 and input.dim() == 1):
        raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
                           f"has to start from position 0. However, got {int(starts[0])}")
    if starts.size and np.any(ends < starts):
        raise RuntimeError("offsets has to be a monotonically increasing sequence")
    n_bags = starts.size
    bag_of = np.repeat(np.arange(n_bags, dtype=np.int64), np.maximum(ends - starts, 0))
    pos = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)]) if n_bags else \
        np.zeros(0, dtype=np.int64)
    pos = pos.astype(np.int64)
    sel = idx[pos]
    if padding_idx is not None:
        keep = sel != padding_idx
        pos, sel, bag_of = pos[keep], sel[keep], bag_of[keep]
    dev = weight.device

    def long(a):
        t = ember.from_numpy(np.ascontiguousarray(a, dtype=np.int64))
        return t if dev.type == "cpu" else t.to(dev)

    out_shape = (n_bags, dim)
    if mode == "max":
        if sel.size == 0:
            return ember.zeros(out_shape, dtype=weight.dtype, device=dev) + weight.sum() * 0
        with no_grad():
            vals = weight.detach().cpu().numpy()[sel]              # (M, dim)
        nonempty = np.unique(bag_of)
        seg_start = np.searchsorted(bag_of, nonempty)
        best = np.maximum.reduceat(vals, seg_start, axis=0)        # (n_nonempty, dim)
        seg_id = np.searchsorted(nonempty, bag_of)
        hit = vals == best[seg_id]
        first = np.where(hit, np.arange(sel.size)[:, None], sel.size)
        arg = np.minimum.reduceat(first, seg_start, axis=0)        # element index per (bag, d)
        rows = sel[arg]                                            # weight row per (bag, d)
        cols = np.broadcast_to(np.arange(dim), rows.shape)
        picked = weight[long(rows), long(cols)]                    # (n_nonempty, dim)
        if nonempty.size == n_bags:
            return picked
        z = ember.zeros(out_shape, dtype=weight.dtype, device=dev)
        return z.index_add(0, long(nonempty), picked)
    rows = weight.index_select(0, long(sel))
    if scale_grad_by_freq:
        # scale the gradient (not the value) by 1 / frequency of the index in this call
        counts = np.bincount(sel, minlength=n_emb)[sel].astype(weight.dtype.np)[:, None]
        inv = ember.from_numpy(1.0 / counts)
        rows = rows * inv.to(dev) + (rows * (1 - inv.to(dev))).detach()
    if per_sample_weights is not None:
        psw = per_sample_weights.index_select(0, long(pos))
        rows = rows * psw.unsqueeze(1)
    out = ember.zeros(out_shape, dtype=weight.dtype, device=dev).index_add(0, long(bag_of), rows)
    if mode == "mean":
        cnt = np.maximum(np.bincount(bag_of, minlength=n_bags), 1).astype(weight.dtype.np)
        out = out / ember.from_numpy(cnt[:, None]).to(dev)
    return out
