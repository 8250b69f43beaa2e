"""Batch normalization layers: BatchNorm1d/2d/3d (torch.nn.BatchNorm*)."""
from ... import functions as _F
from ... import _dtype as D
from .. import functional_conv as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(Module):
    """Common state of batch and instance norm: affine parameters and running statistics."""
    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(_F.empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_F.empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", _F.zeros(num_features, device=device,
                                                          dtype=dtype))
            self.register_buffer("running_var", _F.ones(num_features, device=device,
                                                        dtype=dtype))
            self.register_buffer("num_batches_tracked", _F.tensor(0, dtype=D.int64,
                                                                  device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        """Zero running_mean, fill running_var with 1, zero num_batches_tracked."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """Reset the running statistics, and weight to 1 / bias to 0."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # version 2 added num_batches_tracked: older checkpoints load it as 0
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked
                                   is not None else _F.tensor(0, dtype=D.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            if self.num_batches_tracked is not None:
                self.num_batches_tracked.add_(1)
                if self.momentum is None:   # cumulative moving average
                    factor = 1.0 / float(self.num_batches_tracked)
                else:
                    factor = self.momentum
        bn_training = True if self.training else (self.running_mean is None
                                                  and self.running_var is None)
        use_running = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_running else None,
                            self.running_var if use_running else None, self.weight, self.bias,
                            bn_training, factor, self.eps)


_BN_DOC = """Batch normalization over a {dims} input (statistics per channel, dim 1).

    In training mode the batch statistics normalize the input and update the running
    estimates (``running = (1 - momentum) * running + momentum * batch``, unbiased variance);
    in eval mode the running estimates are used.

    Args:
        num_features (int): C, the number of channels.
        eps (float): added to the variance (default 1e-5).
        momentum (float or None): running-average factor (default 0.1); None gives a
            cumulative average over all batches seen.
        affine (bool): learnable weight and bias (default True).
        track_running_stats (bool): keep running estimates (default True); otherwise batch
            statistics are used in eval mode too.
        device, dtype: where and in which dtype to create parameters and buffers.
        bias (bool, keyword): learn a bias when affine (default True).

    Shape:
        input {shape} -> output of the same shape.

    Example::

        >>> m = nn.BatchNorm{nd}d(4)
        >>> m(ember.randn({ex})).shape
        torch.Size([{ex}])
    """


class BatchNorm1d(_BatchNorm):
    __doc__ = _BN_DOC.format(dims="2-D or 3-D", shape="(N, C) or (N, C, L)", nd=1, ex="8, 4")

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    __doc__ = _BN_DOC.format(dims="4-D", shape="(N, C, H, W)", nd=2, ex="2, 4, 3, 3")

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    __doc__ = _BN_DOC.format(dims="5-D", shape="(N, C, D, H, W)", nd=3, ex="2, 4, 2, 2, 2")

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")
