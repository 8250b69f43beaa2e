"""Building blocks shared by several architectures (torchvision's ``ops.misc`` and
``ops.stochastic_depth``): conv-norm-activation stacks, squeeze-and-excitation, the transformer
MLP and stochastic depth. Same class names, arguments, ``state_dict`` keys and reprs.
"""
import warnings
from collections.abc import Sequence

import ember
from ember import nn

__all__ = ["ConvNormActivation", "Conv2dNormActivation", "SqueezeExcitation", "MLP", "Permute",
           "StochasticDepth", "stochastic_depth"]


def _make_ntuple(x, n):
    if isinstance(x, Sequence) and not isinstance(x, str):
        return tuple(x)
    return (x,) * n


class ConvNormActivation(nn.Sequential):
    """Convolution, then an optional normalization layer, then an optional activation.

    Use :class:`Conv2dNormActivation`; this base class takes the conv class as ``conv_layer``.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size=3,
        stride=1,
        padding=None,
        groups=1,
        norm_layer=nn.BatchNorm2d,
        activation_layer=nn.ReLU,
        dilation=1,
        inplace=True,
        bias=None,
        conv_layer=nn.Conv2d,
    ):
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                _conv_dim = len(kernel_size) if isinstance(kernel_size, Sequence) else len(dilation)
                kernel_size = _make_ntuple(kernel_size, _conv_dim)
                dilation = _make_ntuple(dilation, _conv_dim)
                padding = tuple((kernel_size[i] - 1) // 2 * dilation[i] for i in range(_conv_dim))
        if bias is None:
            bias = norm_layer is None

        layers = [
            conv_layer(
                in_channels,
                out_channels,
                kernel_size,
                stride,
                padding,
                dilation=dilation,
                groups=groups,
                bias=bias,
            )
        ]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            params = {} if inplace is None else {"inplace": inplace}
            layers.append(activation_layer(**params))
        super().__init__(*layers)
        self.out_channels = out_channels

        if self.__class__ == ConvNormActivation:
            warnings.warn(
                "Don't use ConvNormActivation directly, please use Conv2dNormActivation and Conv3dNormActivation instead."
            )


class Conv2dNormActivation(ConvNormActivation):
    """``Conv2d`` -> normalization -> activation, as one ``Sequential`` (keys ``0``, ``1``, ``2``).

    Args:
        in_channels (int): input channels.
        out_channels (int): output channels.
        kernel_size (int or tuple): conv kernel size. Default: 3
        stride (int or tuple): conv stride. Default: 1
        padding (int, tuple or str, optional): conv padding; ``None`` means
            ``(kernel_size - 1) // 2 * dilation`` ("same" for odd kernels). Default: None
        groups (int): conv groups. Default: 1
        norm_layer (callable, optional): built as ``norm_layer(out_channels)``; ``None`` for
            none. Default: ``nn.BatchNorm2d``
        activation_layer (callable, optional): built as ``activation_layer(inplace=inplace)``;
            ``None`` for none. Default: ``nn.ReLU``
        dilation (int or tuple): conv dilation. Default: 1
        inplace (bool, optional): passed to the activation (``None``: not passed). Default: True
        bias (bool, optional): conv bias; by default only when there is no norm layer.

    Example::

        >>> import ember
        >>> from ember.vision.models._layers import Conv2dNormActivation
        >>> block = Conv2dNormActivation(3, 8, stride=2)
        >>> block(ember.randn(1, 3, 16, 16)).shape
        torch.Size([1, 8, 8, 8])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size=3,
        stride=1,
        padding=None,
        groups=1,
        norm_layer=nn.BatchNorm2d,
        activation_layer=nn.ReLU,
        dilation=1,
        inplace=True,
        bias=None,
    ):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer,
                         activation_layer, dilation, inplace, bias, nn.Conv2d)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation block (https://arxiv.org/abs/1709.01507): scales each channel of
    the input by ``scale_activation(fc2(activation(fc1(avgpool(x)))))``.

    Args:
        input_channels (int): channels of the input.
        squeeze_channels (int): channels of the bottleneck.
        activation (callable): the ``delta`` activation. Default: ``nn.ReLU``
        scale_activation (callable): the ``sigma`` activation. Default: ``nn.Sigmoid``

    Example::

        >>> import ember
        >>> from ember.vision.models._layers import SqueezeExcitation
        >>> se = SqueezeExcitation(16, 4)
        >>> se(ember.randn(2, 16, 5, 5)).shape
        torch.Size([2, 16, 5, 5])
    """

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):
        scale = self.avgpool(input)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        return self.scale_activation(scale)

    def forward(self, input):
        scale = self._scale(input)
        return scale * input


class MLP(nn.Sequential):
    """Multi-layer perceptron: ``Linear`` (+ norm) + activation + ``Dropout`` per hidden layer,
    then a last ``Linear`` + ``Dropout``.

    Args:
        in_channels (int): input features.
        hidden_channels (list[int]): the output sizes of the linear layers.
        norm_layer (callable, optional): norm after each hidden linear layer. Default: None
        activation_layer (callable, optional): activation. Default: ``nn.ReLU``
        inplace (bool, optional): passed to activation and dropout (``None``: their default).
        bias (bool): linear bias. Default: True
        dropout (float): dropout probability. Default: 0.0

    Example::

        >>> import ember
        >>> from ember.vision.models._layers import MLP
        >>> MLP(8, [16, 4])(ember.randn(2, 8)).shape
        torch.Size([2, 4])
    """

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU, inplace=None,
                 bias=True, dropout=0.0):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            in_dim = hidden_dim
        layers.append(nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """Return ``input.permute(dims)``.

    Args:
        dims (list[int]): the new order of the dimensions.

    Example::

        >>> import ember
        >>> from ember.vision.models._layers import Permute
        >>> Permute([0, 2, 3, 1])(ember.randn(1, 3, 4, 5)).shape
        torch.Size([1, 4, 5, 3])
    """

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return ember.permute(x, self.dims)


def stochastic_depth(input, p, mode, training=True):
    """Stochastic depth (https://arxiv.org/abs/1603.09382): randomly zero the whole input
    (``mode="batch"``) or whole rows of the batch (``mode="row"``) with probability ``p``, scaling
    the kept values by ``1 / (1 - p)``. Identity when not training or ``p == 0``.

    Args:
        input (Tensor): ``(N, ...)`` input.
        p (float): probability of zeroing.
        mode (str): ``"batch"`` or ``"row"``.
        training (bool): apply only when True. Default: True

    Example::

        >>> import ember
        >>> from ember.vision.models._layers import stochastic_depth
        >>> x = ember.ones(4, 3)
        >>> bool((stochastic_depth(x, 0.5, "row", training=False) == x).all())
        True
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ["batch", "row"]:
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input

    survival_rate = 1.0 - p
    if mode == "row":
        size = [input.shape[0]] + [1] * (input.ndim - 1)
    else:
        size = [1] * input.ndim
    noise = ember.empty(size, dtype=input.dtype, device=input.device)
    noise = noise.bernoulli_(survival_rate)
    if survival_rate > 0.0:
        noise.div_(survival_rate)
    return input * noise


class StochasticDepth(nn.Module):
    """Module form of :func:`stochastic_depth`.

    Args:
        p (float): probability of zeroing a row / the batch.
        mode (str): ``"batch"`` or ``"row"``.

    Example::

        >>> from ember.vision.models._layers import StochasticDepth
        >>> StochasticDepth(0.2, "row")
        StochasticDepth(p=0.2, mode=row)
    """

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
