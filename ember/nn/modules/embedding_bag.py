"""``nn.EmbeddingBag``: sums / means / maxes of bags of embeddings."""
import ember
from ...autograd.grad_mode import no_grad
from .. import init
from ..functional_seq import embedding_bag
from ..parameter import Parameter
from .module import Module

__all__ = ["EmbeddingBag"]


class EmbeddingBag(Module):
    r"""Sums, means or maxes of "bags" of embeddings, without the intermediate embeddings.

    Args:
        num_embeddings (int): size of the dictionary.
        embedding_dim (int): size of each vector.
        max_norm (float, optional): looked-up rows are renormalised (in place) to this norm.
        norm_type (float): the p of the norm for ``max_norm``. Default: 2.
        scale_grad_by_freq (bool): scale gradients by the inverse index frequency.
        mode (str): ``'sum'``, ``'mean'`` (default) or ``'max'``.
        sparse (bool): accepted for compatibility; the gradient is dense.
        include_last_offset (bool): ``offsets`` carries the end of the last bag as well.
        padding_idx (int, optional): entries with this index are left out of the bags (and the
            row is initialised to zeros).

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, initialised from N(0, 1).

    Example::

        >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
        >>> input = ember.tensor([1, 2, 4, 5, 4, 3, 2, 9])
        >>> offsets = ember.tensor([0, 4])
        >>> bag(input, offsets).shape
        torch.Size([2, 3])
    """
    __constants__ = ["num_embeddings", "embedding_dim", "max_norm", "norm_type",
                     "scale_grad_by_freq", "mode", "sparse", "include_last_offset",
                     "padding_idx"]

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if padding_idx is not None:
            if padding_idx > 0:
                if padding_idx >= self.num_embeddings:
                    raise AssertionError("padding_idx must be within num_embeddings")
            elif padding_idx < 0:
                if padding_idx < -self.num_embeddings:
                    raise AssertionError("padding_idx must be within num_embeddings")
                padding_idx = self.num_embeddings + padding_idx
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(ember.empty((num_embeddings, embedding_dim), device=device,
                                                dtype=dtype))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and "
                                     "embedding_dim")
            self.weight = Parameter(_weight)
        self.mode = mode
        self.sparse = sparse
        self.include_last_offset = include_last_offset

    def reset_parameters(self):
        """Re-draw the weight from N(0, 1) and zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input, offsets=None, per_sample_weights=None):
        """Reduce each bag of ``input`` (2-D: one bag per row; 1-D: bags start at ``offsets``).

        Args:
            input (LongTensor): indices.
            offsets (LongTensor, optional): bag starts for a 1-D ``input``.
            per_sample_weights (Tensor, optional): weights per index (``mode='sum'`` only).

        Returns:
            ``(num_bags, embedding_dim)``.
        """
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = "{num_embeddings}, {embedding_dim}"
        if self.max_norm is not None:
            s += ", max_norm={max_norm}"
        if self.norm_type != 2:
            s += ", norm_type={norm_type}"
        if self.scale_grad_by_freq is not False:
            s += ", scale_grad_by_freq={scale_grad_by_freq}"
        s += ", mode={mode!r}"
        if self.padding_idx is not None:
            s += ", padding_idx={padding_idx}"
        return s.format(**self.__dict__)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, mode="mean", sparse=False,
                        include_last_offset=False, padding_idx=None):
        """Create an EmbeddingBag from a 2-D ``embeddings`` tensor (frozen by default).

        Example::

            >>> w = ember.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
            >>> bag = nn.EmbeddingBag.from_pretrained(w)
            >>> bag(ember.tensor([[1, 0]]))
            tensor([[2.5000, 3.7000, 4.6500]])
        """
        if embeddings.dim() != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(num_embeddings=rows, embedding_dim=cols, _weight=embeddings,
                  max_norm=max_norm, norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq,
                  mode=mode, sparse=sparse, include_last_offset=include_last_offset,
                  padding_idx=padding_idx)
        bag.weight.requires_grad = not freeze
        return bag
