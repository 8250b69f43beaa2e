"""LayerNorm, RMSNorm, GroupNorm, LocalResponseNorm, CrossMapLRN2d and InstanceNorm1d/2d/3d
(torch.nn)."""
import numbers
import warnings

from ... import functions as _F
from .. import functional_conv as F
from .. import functional_extra as _FX
from ...ops import nn_extra as _nx
from .. import init
from ..parameter import Parameter
from .batchnorm import _NormBase
from .module import Module

__all__ = ["LayerNorm", "GroupNorm", "LocalResponseNorm", "InstanceNorm1d", "InstanceNorm2d",
           "InstanceNorm3d", "RMSNorm", "CrossMapLRN2d"]


class LayerNorm(Module):
    """Layer normalization over the trailing ``normalized_shape`` dims.

    Args:
        normalized_shape (int or tuple): the trailing shape to normalize over.
        eps (float): added to the variance (default 1e-5).
        elementwise_affine (bool): learnable per-element weight (and bias) (default True).
        bias (bool): learn a bias when elementwise_affine (default True).
        device, dtype: where and in which dtype to create the parameters.

    Shape:
        input (*, *normalized_shape) -> output of the same shape.

    Example::

        >>> m = nn.LayerNorm(10)
        >>> m(ember.randn(4, 10)).shape
        torch.Size([4, 10])
    """
    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_F.empty(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_F.empty(self.normalized_shape, device=device,
                                               dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """weight to 1, bias to 0."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class GroupNorm(Module):
    """Group normalization: channels split into groups, each group normalized per sample.

    Args:
        num_groups (int): number of groups (must divide num_channels).
        num_channels (int): C.
        eps (float): added to the variance (default 1e-5).
        affine (bool): learnable per-channel weight and bias (default True).
        device, dtype: where and in which dtype to create the parameters.
        bias (bool, keyword): learn a bias when affine (default True).

    Shape:
        input (N, C, *) -> output of the same shape.

    Example::

        >>> m = nn.GroupNorm(2, 6)
        >>> m(ember.randn(3, 6, 4)).shape
        torch.Size([3, 6, 4])
    """
    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if self.affine:
            self.weight = Parameter(_F.empty(num_channels, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(_F.empty(num_channels, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """weight to 1, bias to 0."""
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return ("{num_groups}, {num_channels}, eps={eps}, affine={affine}, "
                "bias={use_bias}".format(**self.__dict__, use_bias=self.bias is not None))


class LocalResponseNorm(Module):
    """Local response normalization across neighbouring channels.

    Args:
        size (int): neighbouring channels used. alpha (float): multiplicative factor
            (default 1e-4). beta (float): exponent (default 0.75). k (float): additive
            factor (default 1).

    Example::

        >>> nn.LocalResponseNorm(2)(ember.randn(1, 4, 3, 3)).shape
        torch.Size([1, 4, 3, 3])
    """
    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)


class _InstanceNorm(_NormBase):
    _no_batch_dim = 3

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def _check_input_dim(self, input):
        n = self._no_batch_dim
        if input.dim() not in (n, n + 1):
            raise ValueError(f"expected {n}D or {n + 1}D input (got {input.dim()}D input)")

    def _apply_instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight,
                               self.bias, self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if version is None and not self.track_running_stats:
            keys = [prefix + n for n in ("running_mean", "running_var") if prefix + n in
                    state_dict]
            if keys:
                error_msgs.append(
                    "Unexpected running stats buffer(s) {names} for {klass} with "
                    "track_running_stats=False. If state_dict is a checkpoint saved before "
                    "0.4.0, this may be expected because {klass} does not track running stats "
                    "by default since 0.4.0. Please remove these keys from state_dict. If the "
                    "running stats are actually needed, instead set track_running_stats=True "
                    "in {klass} to enable them. See the documentation of {klass} for "
                    "details.".format(names=" and ".join(f'"{k}"' for k in keys),
                                      klass=self.__class__.__name__))
                for k in keys:
                    state_dict.pop(k)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self._no_batch_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You "
                          "can silence this warning by not passing in num_features, which is "
                          "not used because affine=False", stacklevel=2)
        if input.dim() == self._no_batch_dim:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


_IN_DOC = """Instance normalization: each (sample, channel) {what} normalized on its own.

    Args:
        num_features (int): C.
        eps (float): added to the variance (default 1e-5).
        momentum (float): running-average factor (default 0.1).
        affine (bool): learnable per-channel weight and bias (default False).
        track_running_stats (bool): keep running estimates and use them in eval mode
            (default False).
        device, dtype: where and in which dtype to create parameters and buffers.

    Shape:
        input {shape} -> output of the same shape.

    Example::

        >>> nn.InstanceNorm{nd}d(3)(ember.randn({ex})).shape
        torch.Size([{ex}])
    """


class InstanceNorm1d(_InstanceNorm):
    __doc__ = _IN_DOC.format(what="sequence", shape="(N, C, L) or (C, L)", nd=1, ex="2, 3, 5")
    _no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    __doc__ = _IN_DOC.format(what="plane", shape="(N, C, H, W) or (C, H, W)", nd=2,
                             ex="2, 3, 4, 4")
    _no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    __doc__ = _IN_DOC.format(what="volume", shape="(N, C, D, H, W) or (C, D, H, W)", nd=3,
                             ex="1, 3, 2, 3, 3")
    _no_batch_dim = 4


class RMSNorm(Module):
    """Root-mean-square layer normalization over the trailing ``normalized_shape`` dims.

    ``y = x / sqrt(mean(x^2) + eps) * weight`` (no centring, no bias).

    Args:
        normalized_shape (int or tuple): the trailing shape to normalize over.
        eps (float, optional): added to the mean square; ``None`` (default) uses the machine
            epsilon of the computation dtype (``finfo(float32).eps`` for half/float inputs,
            ``finfo(float64).eps`` for double).
        elementwise_affine (bool): learnable per-element weight, initialised to ones
            (default True).
        device, dtype: where and in which dtype to create the weight.

    Shape:
        input (*, *normalized_shape) -> output of the same shape.

    Example::

        >>> m = nn.RMSNorm([2, 3])
        >>> m(ember.randn(4, 2, 3)).shape
        torch.Size([4, 2, 3])
        >>> m
        RMSNorm((2, 3), eps=None, elementwise_affine=True)
    """
    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = Parameter(_F.empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        """weight to 1."""
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return _FX.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return ("{normalized_shape}, eps={eps}, "
                "elementwise_affine={elementwise_affine}".format(**self.__dict__))


class CrossMapLRN2d(Module):
    """Legacy (Lua torch) local response normalization across channels of (N, C, H, W).

    ``y_c = x_c * (k + alpha / size * sum_{j in window(c)} x_j^2) ^ -beta``; the window and the
    gradient follow torch's ``CrossMapLRN2d`` exactly (including its slightly asymmetric
    running-sum window), so results match torch bit for bit up to rounding.

    Args:
        size (int): number of neighbouring channels in the window.
        alpha (float): multiplicative factor (default 1e-4).
        beta (float): exponent (default 0.75).
        k (float): additive factor (default 1).

    Example::

        >>> m = nn.CrossMapLRN2d(3, alpha=1e-2)
        >>> m(ember.ones(1, 2, 1, 1))
        tensor([[[[0.9950]],
        <BLANKLINE>
                 [[0.9950]]]])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        if input.ndim != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.ndim}D "
                             "instead.")
        return _nx.CrossMapLRN2d.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return "{size}, alpha={alpha}, beta={beta}, k={k}".format(**self.__dict__)
