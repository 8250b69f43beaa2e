"""Building blocks of ``torchvision.ops.misc``.

``ConvNormActivation``, ``Conv2dNormActivation``, ``SqueezeExcitation``, ``MLP`` and
``Permute`` are the classes ``ember.vision.models`` builds its architectures from (defined in
``ember.vision.models._layers``, re-exported here so ``isinstance`` checks agree);
``Conv3dNormActivation`` and ``FrozenBatchNorm2d`` are defined here.
"""
import ember
from ember import nn
from ember.vision.models._layers import (MLP, Conv2dNormActivation, ConvNormActivation, Permute,
                                         SqueezeExcitation)

__all__ = ["FrozenBatchNorm2d", "Conv2dNormActivation", "Conv3dNormActivation",
           "SqueezeExcitation", "MLP", "Permute"]

interpolate = nn.functional.interpolate


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d whose statistics and affine parameters are fixed buffers (no parameters, no
    running-stat updates): ``y = (x - running_mean) / sqrt(running_var + eps) * weight + bias``.
    Loading a ``BatchNorm2d`` state dict works (``num_batches_tracked`` is dropped).

    Args:
        num_features (int): number of channels ``C`` of a ``(N, C, H, W)`` input.
        eps (float): added to the variance for numerical stability. Default: 1e-5

    Example::

        >>> import ember
        >>> from ember.vision.ops import FrozenBatchNorm2d
        >>> bn = FrozenBatchNorm2d(3)
        >>> bn
        FrozenBatchNorm2d(3, eps=1e-05)
        >>> bn(ember.ones(1, 3, 2, 2)).shape
        torch.Size([1, 3, 2, 2])
    """

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", ember.ones(num_features))
        self.register_buffer("bias", ember.zeros(num_features))
        self.register_buffer("running_mean", ember.zeros(num_features))
        self.register_buffer("running_var", ember.ones(num_features))

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        num_batches_tracked_key = prefix + "num_batches_tracked"
        if num_batches_tracked_key in state_dict:
            del state_dict[num_batches_tracked_key]
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, x):
        w = self.weight.reshape(1, -1, 1, 1)
        b = self.bias.reshape(1, -1, 1, 1)
        rv = self.running_var.reshape(1, -1, 1, 1)
        rm = self.running_mean.reshape(1, -1, 1, 1)
        scale = w * (rv + self.eps).rsqrt()
        bias = b - rm * scale
        return x * scale + bias

    def __repr__(self):
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


class Conv3dNormActivation(ConvNormActivation):
    """``Conv3d`` -> normalization -> activation, as one ``Sequential`` (keys ``0``, ``1``, ``2``).

    Args:
        in_channels (int): input channels.
        out_channels (int): output channels.
        kernel_size (int or tuple): conv kernel size. Default: 3
        stride (int or tuple): conv stride. Default: 1
        padding (int, tuple or str, optional): conv padding; ``None`` means
            ``(kernel_size - 1) // 2 * dilation``. Default: None
        groups (int): conv groups. Default: 1
        norm_layer (callable, optional): built as ``norm_layer(out_channels)``; ``None`` for
            none. Default: ``nn.BatchNorm3d``
        activation_layer (callable, optional): built as ``activation_layer(inplace=inplace)``;
            ``None`` for none. Default: ``nn.ReLU``
        dilation (int or tuple): conv dilation. Default: 1
        inplace (bool, optional): passed to the activation (``None``: not passed). Default: True
        bias (bool, optional): conv bias; by default only when there is no norm layer.

    Example::

        >>> import ember
        >>> from ember.vision.ops import Conv3dNormActivation
        >>> block = Conv3dNormActivation(2, 4, stride=2)
        >>> block(ember.randn(1, 2, 4, 6, 6)).shape
        torch.Size([1, 4, 2, 3, 3])
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv3d)
