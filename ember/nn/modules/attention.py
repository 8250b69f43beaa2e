"""``nn.MultiheadAttention`` (torch keeps it in ``activation.py``; here it has its own file)."""
import ember
from .. import init
from ..functional_seq import _canonical_mask, _none_or_dtype, multi_head_attention_forward
from ..parameter import Parameter
from . import linear as _linear
from .module import Module

__all__ = ["MultiheadAttention"]


if hasattr(_linear, "NonDynamicallyQuantizableLinear"):
    NonDynamicallyQuantizableLinear = _linear.NonDynamicallyQuantizableLinear
else:
    class NonDynamicallyQuantizableLinear(_linear.Linear):
        """A :class:`Linear` under another name (torch uses it for ``MultiheadAttention.out_proj``
        so that dynamic quantization skips it).

        Example::

            >>> nn.MultiheadAttention(8, 2).out_proj
            NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
        """


class MultiheadAttention(Module):
    r"""Multi-head attention: ``Concat(head_1, ..., head_h) W^O`` with
    ``head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)``.

    Args:
        embed_dim (int): model dimension ``E`` (split across heads).
        num_heads (int): parallel heads; must divide ``embed_dim``.
        dropout (float): dropout on the attention weights. Default: 0.0.
        bias (bool): biases on the input / output projections. Default: True.
        add_bias_kv (bool): learn ``bias_k`` / ``bias_v`` appended to key and value.
        add_zero_attn (bool): append a zero key / value position.
        kdim (int, optional): features of the key (default ``embed_dim``).
        vdim (int, optional): features of the value (default ``embed_dim``).
        batch_first (bool): inputs/outputs are ``(N, L, E)``. Default: False ``(L, N, E)``.

    Parameters are torch's: ``in_proj_weight (3E, E)`` and ``in_proj_bias``, or
    ``q_proj_weight``, ``k_proj_weight``, ``v_proj_weight`` when ``kdim``/``vdim`` differ from
    ``embed_dim``; ``out_proj`` (a Linear); ``bias_k``, ``bias_v``.

    Example::

        >>> mha = nn.MultiheadAttention(8, 2, batch_first=True)
        >>> x = ember.randn(3, 5, 8)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (torch.Size([3, 5, 8]), torch.Size([3, 5, 5]))
    """
    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        fk = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(ember.empty((embed_dim, embed_dim), **fk))
            self.k_proj_weight = Parameter(ember.empty((embed_dim, self.kdim), **fk))
            self.v_proj_weight = Parameter(ember.empty((embed_dim, self.vdim), **fk))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(ember.empty((3 * embed_dim, embed_dim), **fk))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(ember.empty(3 * embed_dim, **fk))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **fk)
        if add_bias_kv:
            self.bias_k = Parameter(ember.empty((1, 1, embed_dim), **fk))
            self.bias_v = Parameter(ember.empty((1, 1, embed_dim), **fk))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """Attend from ``query`` to ``key``/``value``.

        Args:
            query: ``(L, N, E)`` (``(N, L, E)`` if batch_first, ``(L, E)`` unbatched).
            key, value: ``(S, N, E_k)`` / ``(S, N, E_v)``.
            key_padding_mask: ``(N, S)``; True (bool) or -inf (float) ignores that key.
            need_weights (bool): also return the attention weights. Default: True.
            attn_mask: ``(L, S)`` or ``(N * num_heads, L, S)``; True / -inf masks a position.
            average_attn_weights (bool): average the weights over heads. Default: True.
            is_causal (bool): hint that ``attn_mask`` is the causal mask.

        Returns:
            ``(attn_output, attn_weights)``; weights ``(N, L, S)`` (or per head
            ``(N, num_heads, L, S)``), None when ``need_weights=False``.
        """
        is_batched = query.dim() == 3
        key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                           _none_or_dtype(attn_mask), "attn_mask", query.dtype)
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                    check_other=False)
        if self.batch_first and is_batched:
            # keep the ``is`` identities (self-attention takes the packed projection)
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = (x.transpose(1, 0) for x in (query, key))
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        common = dict(training=self.training, key_padding_mask=key_padding_mask,
                      need_weights=need_weights, attn_mask=attn_mask,
                      average_attn_weights=average_attn_weights, is_causal=is_causal)
        if not self._qkv_same_embed_dim:
            out, weights = multi_head_attention_forward(
                query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
                self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
                self.out_proj.weight, self.out_proj.bias, use_separate_proj_weight=True,
                q_proj_weight=self.q_proj_weight, k_proj_weight=self.k_proj_weight,
                v_proj_weight=self.v_proj_weight, **common)
        else:
            out, weights = multi_head_attention_forward(
                query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
                self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
                self.out_proj.weight, self.out_proj.bias, **common)
        if self.batch_first and is_batched:
            return out.transpose(1, 0), weights
        return out, weights

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """Combine ``attn_mask`` and ``key_padding_mask`` into one float mask
        ``(N, num_heads, L, S)`` and return ``(mask, mask_type)`` as torch does
        (mask_type 0 = attn_mask, 1 = key_padding_mask, 2 = both)."""
        mask_type = None
        merged = None
        if key_padding_mask is not None:
            mask_type = 1
            merged = key_padding_mask
        if attn_mask is not None:
            bsz, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                attn_mask_exp = attn_mask.reshape(bsz, -1, seq_len, seq_len)
            else:
                attn_mask_exp = attn_mask.reshape(1, 1, seq_len, seq_len).expand(
                    bsz, self.num_heads, -1, -1)
            merged = attn_mask_exp
            if key_padding_mask is not None:
                kpm = key_padding_mask.reshape(bsz, 1, 1, seq_len).expand(
                    -1, self.num_heads, -1, -1)
                merged = attn_mask_exp + kpm
        return merged, mask_type
