"""AdaptiveLogSoftmaxWithLoss (torch.nn): the efficient softmax approximation of Grave et al."""
from collections import namedtuple

from ... import functions as _F
from .. import functional as F
from .container import ModuleList, Sequential
from .linear import Linear
from .module import Module

__all__ = ["AdaptiveLogSoftmaxWithLoss"]

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax approximation for large output spaces (Grave et al., 2016).

    The classes are split by ``cutoffs`` into a frequent *shortlist* (scored directly by the
    ``head``) and tail clusters; the head also scores one logit per cluster, and each cluster
    has its own low-rank projection ``tail[i]`` (``in_features -> in_features //
    div_value**(i+1) -> cluster size``). Sort the classes by decreasing frequency.

    Args:
        in_features (int): size of each input sample.
        n_classes (int): number of classes.
        cutoffs (sequence of int): increasing cutoffs in [1, n_classes - 1] splitting the
            classes into clusters, e.g. ``[10, 100, 1000]``.
        div_value (float): the divisor of each cluster's projection size (default 4.0).
        head_bias (bool): give the head a bias (default False).
        device, dtype: where and in which dtype to create the parameters.

    Returns (forward):
        ``_ASMoutput(output, loss)``: ``output`` (N,) is the log-probability of each target,
        ``loss`` the mean negative log-likelihood (a scalar).

    Shape:
        input (N, in_features) or (in_features,); target (N,) or () with values in
        [0, n_classes).

    Example::

        >>> asm = nn.AdaptiveLogSoftmaxWithLoss(16, 10, cutoffs=[4, 8])
        >>> out = asm(ember.randn(5, 16), ember.tensor([0, 3, 5, 9, 2]))
        >>> out.output.shape, out.loss.shape
        (torch.Size([5]), torch.Size([]))
        >>> asm.log_prob(ember.randn(5, 16)).exp().sum(1).detach()
        tensor([1.0000, 1.0000, 1.0000, 1.0000, 1.0000])
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs)) or (min(cutoffs) <= 0) or (
                max(cutoffs) > (n_classes - 1)) or (len(set(cutoffs)) != len(cutoffs)) or any(
                int(c) != c for c in cutoffs):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        kw = {"device": device, "dtype": dtype}
        self.head = Linear(self.in_features, self.head_size, bias=self.head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(self.in_features // (self.div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(self.in_features, hsz, bias=False, **kw),
                                        Linear(hsz, osz, bias=False, **kw)))

    def reset_parameters(self):
        """Re-initialise the head and every tail projection as in ``__init__``."""
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_, target_):
        targ_dim = target_.ndim
        if targ_dim == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch "
                                   "dimension.")
            if input_.ndim != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {input_.shape}")
        elif targ_dim == 0:
            if input_.ndim != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {input_.shape}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        is_batched = targ_dim > 0
        input = input_ if is_batched else input_.unsqueeze(0)
        target = target_ if is_batched else target_.unsqueeze(0)
        used_rows = 0
        batch_size = target.shape[0]
        output = input.new_zeros(batch_size)
        gather_inds = target.new_zeros(batch_size)
        cutoff_values = [0] + self.cutoffs
        for i in range(len(cutoff_values) - 1):
            low_idx, high_idx = cutoff_values[i], cutoff_values[i + 1]
            target_mask = (target >= low_idx) & (target < high_idx)
            row_indices = target_mask.nonzero().reshape(-1)
            if row_indices.numel() == 0:
                continue
            if i == 0:
                gather_inds = gather_inds.index_copy(0, row_indices, target[target_mask])
            else:
                relative_target = target[target_mask] - low_idx
                input_subset = input.index_select(0, row_indices)
                cluster_output = self.tail[i - 1](input_subset)
                cluster_index = self.shortlist_size + i - 1
                gather_inds = gather_inds.index_fill(0, row_indices, cluster_index)
                cluster_logprob = F.log_softmax(cluster_output, dim=1)
                local_logprob = cluster_logprob.gather(1, relative_target.unsqueeze(1))
                output = output.index_copy(0, row_indices, local_logprob.squeeze(1))
            used_rows += row_indices.numel()
        if used_rows != batch_size:
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                               f"values in range [{target.min().item()}, "
                               f"{target.max().item()}] were found. ")
        head_output = self.head(input)
        head_logprob = F.log_softmax(head_output, dim=1)
        output = output + head_logprob.gather(1, gather_inds.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        if not is_batched:
            output = output.squeeze(0)
        return _ASMoutput(output, loss)

    def _get_full_log_prob(self, input, head_output):
        """log-probabilities of all n_classes from the input and the head's output."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i in range(self.n_clusters):
            cluster_logprob = F.log_softmax(self.tail[i](input), dim=1)
            c = self.shortlist_size + i
            parts.append(cluster_logprob + head_logprob[:, c:c + 1])
        return _F.cat(parts, dim=1)

    def log_prob(self, input):
        """Log-probabilities of all ``n_classes`` classes.

        Args:
            input (Tensor): (N, in_features).

        Returns:
            Tensor (N, n_classes).

        Example::

            >>> asm = nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[2])
            >>> asm.log_prob(ember.randn(3, 8)).shape
            torch.Size([3, 6])
        """
        head_output = self.head(input)
        return self._get_full_log_prob(input, head_output)

    def predict(self, input):
        """The most probable class of each row (``log_prob(input).argmax(1)``, cheaper).

        Args:
            input (Tensor): (N, in_features).

        Returns:
            int64 Tensor (N,).

        Example::

            >>> asm = nn.AdaptiveLogSoftmaxWithLoss(8, 6, cutoffs=[2])
            >>> x = ember.randn(3, 8)
            >>> bool((asm.predict(x) == asm.log_prob(x).argmax(1)).all())
            True
        """
        head_output = self.head(input)
        output = _F.argmax(head_output, dim=1)
        not_in_shortlist = output >= self.shortlist_size
        if not bool(not_in_shortlist.any()):
            return output
        if bool(not_in_shortlist.all()):
            return _F.argmax(self._get_full_log_prob(input, head_output), dim=1)
        log_prob = self._get_full_log_prob(input[not_in_shortlist],
                                           head_output[not_in_shortlist])
        output[not_in_shortlist] = _F.argmax(log_prob, dim=1)
        return output
