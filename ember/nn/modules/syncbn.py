"""``nn.SyncBatchNorm``: batch normalization whose statistics span all ranks of a process group.

Without an initialized process group (or with a world of one rank, or in eval mode) it is
exactly ``BatchNorm``. With ``ember.distributed`` initialized, training-mode forward computes
per-channel ``sum``, ``sum of squares`` and ``count`` on each rank and all-reduces them (one
float64 all_reduce), so every rank normalizes with the statistics of the *combined* batch
and updates its running estimates with them; backward all-reduces the two per-channel sums
the input gradient needs (``sum(dy)`` and ``sum(dy * (x - mean))``). Two ranks training
with SyncBatchNorm therefore compute what one process computes on the concatenated batch.

Unlike torch (GPU only), CPU tensors are synchronized too (over MPI).
"""
import sys

import numpy as np

from ..._device import get_xp
from ..._tensor import Tensor
from ...autograd.function import Function, once_differentiable
from .. import functional_conv as F
from .batchnorm import _BatchNorm

__all__ = ["SyncBatchNorm"]


def _reduce_axes(ndim):
    return (0,) + tuple(range(2, ndim))


def _all_reduce_f64(dist, arr, process_group):
    """Sum the float64 array ``arr`` over the group, in place; returns it."""
    t = Tensor._wrap(arr)
    dist.all_reduce(t, group=process_group)
    return t._data


class _SyncBatchNormFn(Function):
    """Training-mode batch norm with statistics all-reduced over ``process_group``."""

    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, eps, momentum,
                process_group, world_size):
        dist = sys.modules["ember.distributed"]
        x = input._data
        xp = get_xp(x)
        C = x.shape[1]
        axes = _reduce_axes(x.ndim)
        pshape = (1, C) + (1,) * (x.ndim - 2)
        local_n = x.size // C
        if local_n == 1 and world_size < 2:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {local_n}")
        # per-channel sum, sum of squares and the count, accumulated in float64
        x64 = x.astype(np.float64, copy=False)
        stats = xp.empty(2 * C + 1, dtype=np.float64)
        stats[:C] = x64.sum(axis=axes)
        stats[C:2 * C] = (x64 * x64).sum(axis=axes)
        stats[2 * C] = local_n
        stats = _all_reduce_f64(dist, stats, process_group)
        n = float(stats[2 * C])
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {int(n)} over all ranks")
        mean = stats[:C] / n
        var = xp.maximum(stats[C:2 * C] / n - mean * mean, 0.0)   # biased
        invstd = 1.0 / xp.sqrt(var + eps)
        if running_mean is not None:
            rd = running_mean._data
            rd *= (1 - momentum)
            rd += (momentum * mean).astype(rd.dtype, copy=False)
            running_mean._version_box[0] += 1
        if running_var is not None:
            rd = running_var._data
            rd *= (1 - momentum)
            rd += (momentum * var * (n / (n - 1))).astype(rd.dtype, copy=False)
            running_var._version_box[0] += 1
        dt = x.dtype
        mean_b = mean.astype(dt).reshape(pshape)
        invstd_b = invstd.astype(dt).reshape(pshape)
        out = (x - mean_b) * invstd_b
        if weight is not None:
            out *= weight._data.reshape(pshape)
        if bias is not None:
            out += bias._data.reshape(pshape)
        ctx.save_for_backward(input, weight)
        ctx.raw = (mean_b, invstd_b, n)
        ctx.meta = (axes, pshape, process_group, bias is not None)
        return Tensor._wrap(out, input._dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        dist = sys.modules["ember.distributed"]
        x, weight = ctx.saved_tensors
        mean_b, invstd_b, n = ctx.raw
        axes, pshape, process_group, has_bias = ctx.meta
        nx, nw, nb = ctx.needs_input_grad[:3]
        g = grad_output._data
        xp = get_xp(g)
        C = pshape[1]
        xmu = x._data - mean_b
        sums = xp.empty(2 * C, dtype=np.float64)
        sums[:C] = g.astype(np.float64, copy=False).sum(axis=axes)               # sum(dy)
        sums[C:] = (g * xmu).astype(np.float64, copy=False).sum(axis=axes)       # sum(dy*xmu)
        gx = gw = gb = None
        # weight/bias gradients stay local (DDP averages them, as in torch)
        if nw:
            gw = Tensor._wrap((sums[C:] * invstd_b.reshape(C)).astype(weight._data.dtype),
                              weight._dtype)
        if nb and has_bias:
            gb = Tensor._wrap(sums[:C].astype(g.dtype), grad_output._dtype)
        if nx:
            sums = _all_reduce_f64(dist, sums, process_group)
            mean_dy = (sums[:C] / n).astype(g.dtype).reshape(pshape)
            mean_dy_xmu = (sums[C:] / n).astype(g.dtype).reshape(pshape)
            gi = g - mean_dy - xmu * (invstd_b * invstd_b) * mean_dy_xmu
            gi *= invstd_b
            if weight is not None:
                gi *= weight._data.reshape(pshape)
            gx = Tensor._wrap(gi, x._dtype)
        return gx, gw, gb, None, None, None, None, None, None


class SyncBatchNorm(_BatchNorm):
    """Batch normalization with the batch statistics computed over all ranks of a process group.

    In training mode with ``ember.distributed`` initialized (and more than one rank in the
    group), the per-channel mean and variance are those of the batches of *all* ranks
    together (sum, sum of squares and count are all-reduced), and backward all-reduces the
    sums the input gradient needs; so N ranks training with SyncBatchNorm (and DDP, which
    averages the parameter gradients) match one process training on the concatenated batch.
    Without a process group, with one rank, or in eval mode it behaves exactly like
    ``BatchNorm``. Inputs are ``(N, C, *)``. ember synchronizes CPU tensors too (over MPI);
    torch requires GPU tensors.

    Args:
        num_features (int): C, the number of channels.
        eps (float): added to the variance. Default: 1e-5.
        momentum (float or None): running-average factor (None: cumulative average).
            Default: 0.1.
        affine (bool): learnable weight and bias. Default: ``True``.
        track_running_stats (bool): keep running estimates. Default: ``True``.
        process_group (ProcessGroup, optional): the ranks to synchronize over.
            Default: the whole world.
        device, dtype: where and in which dtype to create parameters and buffers.
        bias (bool, keyword): learn a bias when affine. Default: ``True``.

    Example::

        >>> m = ember.nn.SyncBatchNorm(4)
        >>> m(ember.randn(8, 4, 3)).shape      # no process group: plain batch norm
        torch.Size([8, 4, 3])
        >>> net = ember.nn.Sequential(ember.nn.Conv2d(3, 4, 3), ember.nn.BatchNorm2d(4))
        >>> ember.nn.SyncBatchNorm.convert_sync_batchnorm(net)[1]
        SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, process_group=None, device=None, dtype=None, *,
                 bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats,
                         device=device, dtype=dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _check_non_zero_input_channels(self, input):
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input):
        self._check_input_dim(input)
        self._check_non_zero_input_channels(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:   # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
            else:
                factor = self.momentum
        bn_training = True if self.training else (self.running_mean is None
                                                  and self.running_var is None)
        use_running = not self.training or self.track_running_stats
        running_mean = self.running_mean if use_running else None
        running_var = self.running_var if use_running else None
        # synchronize only when training with a process group of more than one rank
        dist = sys.modules.get("ember.distributed")   # never initialized if never imported
        need_sync = bn_training and self.training and dist is not None and \
            dist.is_initialized()
        if need_sync:
            process_group = self.process_group if self.process_group else dist.group.WORLD
            world_size = dist.get_world_size(process_group)
            need_sync = world_size > 1
        if not need_sync:
            return F.batch_norm(input, running_mean, running_var, self.weight, self.bias,
                                bn_training, factor, self.eps)
        C = input.shape[1]
        for name, t in (("running_mean", running_mean), ("running_var", running_var),
                        ("weight", self.weight), ("bias", self.bias)):
            if t is not None and t.numel() != C:
                raise RuntimeError(f"{name} should contain {C} elements not {t.numel()}")
        return _SyncBatchNormFn.apply(input, self.weight, self.bias, running_mean, running_var,
                                      self.eps, factor, process_group, world_size)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Replace every ``BatchNorm*d`` in ``module`` by a ``SyncBatchNorm`` with the same state.

        The new layers share the old ones' parameters and buffers (weight, bias, running
        statistics, ``num_batches_tracked``) and training flag. Returns the converted module:
        ``module`` itself with its children replaced, or a new ``SyncBatchNorm`` when
        ``module`` is a batch-norm layer.

        Args:
            module (nn.Module): the module (tree) to convert.
            process_group (ProcessGroup, optional): the group to synchronize over.
                Default: the whole world.

        Returns:
            nn.Module: the converted module.

        Example::

            >>> net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.BatchNorm1d(8))
            >>> net = ember.nn.SyncBatchNorm.convert_sync_batchnorm(net)
            >>> type(net[1]).__name__
            'SyncBatchNorm'
        """
        module_output = module
        if isinstance(module, _BatchNorm):
            module_output = SyncBatchNorm(module.num_features, module.eps, module.momentum,
                                          module.affine, module.track_running_stats,
                                          process_group, bias=module.bias is not None)
            if module.affine:
                module_output.weight = module.weight
                module_output.bias = module.bias
            module_output.running_mean = module.running_mean
            module_output.running_var = module.running_var
            module_output.num_batches_tracked = module.num_batches_tracked
            module_output.training = module.training
            if hasattr(module, "qconfig"):
                module_output.qconfig = module.qconfig
        for name, child in module.named_children():
            module_output.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return module_output
