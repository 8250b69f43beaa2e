"""ShuffleNetV2 x0.5/x1.0/x1.5/x2.0 (torchvision's ``models.shufflenetv2``).

Example::

    >>> import ember
    >>> from ember.vision.models import shufflenet_v2_x1_0
    >>> shufflenet_v2_x1_0(num_classes=10).eval()(ember.randn(1, 3, 32, 32)).shape
    torch.Size([1, 10])
"""
from functools import partial
from typing import Any, Optional

import ember
from ember import nn

from ._api import register_model, Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES
from ._presets import ImageClassification
from ._utils import _builder_doc, _ovewrite_named_param, handle_legacy_interface

__all__ = [
    "ShuffleNetV2",
    "ShuffleNet_V2_X0_5_Weights",
    "ShuffleNet_V2_X1_0_Weights",
    "ShuffleNet_V2_X1_5_Weights",
    "ShuffleNet_V2_X2_0_Weights",
    "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
]


def channel_shuffle(x, groups):
    """Interleave the channels of ``x`` (N, C, H, W) across ``groups`` groups.

    Example::

        >>> import ember
        >>> from ember.vision.models.shufflenetv2 import channel_shuffle
        >>> channel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2).flatten().tolist()
        [0.0, 2.0, 1.0, 3.0]
    """
    batchsize, num_channels, height, width = x.size()
    channels_per_group = num_channels // groups

    # reshape
    x = x.view(batchsize, groups, channels_per_group, height, width)
    x = ember.transpose(x, 1, 2).contiguous()

    # flatten
    x = x.view(batchsize, num_channels, height, width)
    return x


class InvertedResidual(nn.Module):
    """ShuffleNetV2 unit: with stride 1 half of the channels pass through and the other half go
    through 1x1 -> 3x3 depthwise -> 1x1; with stride > 1 both branches downsample. The two
    halves are concatenated and channel-shuffled.

    Args:
        inp (int): input channels.
        oup (int): output channels.
        stride (int): 1, 2 or 3.

    Example::

        >>> import ember
        >>> from ember.vision.models.shufflenetv2 import InvertedResidual
        >>> InvertedResidual(8, 16, 2)(ember.randn(1, 8, 8, 8)).shape
        torch.Size([1, 16, 4, 4])
    """

    def __init__(self, inp, oup, stride):
        super().__init__()

        if not (1 <= stride <= 3):
            raise ValueError("illegal stride value")
        self.stride = stride

        branch_features = oup // 2
        if (self.stride == 1) and (inp != branch_features << 1):
            raise ValueError(
                f"Invalid combination of stride {stride}, inp {inp} and oup {oup} values. If stride == 1 then inp should be equal to oup // 2 << 1."
            )

        if self.stride > 1:
            self.branch1 = nn.Sequential(
                self.depthwise_conv(inp, inp, kernel_size=3, stride=self.stride, padding=1),
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
                nn.BatchNorm2d(branch_features),
                nn.ReLU(inplace=True),
            )
        else:
            self.branch1 = nn.Sequential()

        self.branch2 = nn.Sequential(
            nn.Conv2d(
                inp if (self.stride > 1) else branch_features,
                branch_features,
                kernel_size=1,
                stride=1,
                padding=0,
                bias=False,
            ),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
            self.depthwise_conv(branch_features, branch_features, kernel_size=3, stride=self.stride, padding=1),
            nn.BatchNorm2d(branch_features),
            nn.Conv2d(branch_features, branch_features, kernel_size=1, stride=1, padding=0, bias=False),
            nn.BatchNorm2d(branch_features),
            nn.ReLU(inplace=True),
        )

    @staticmethod
    def depthwise_conv(i, o, kernel_size, stride=1, padding=0, bias=False):
        return nn.Conv2d(i, o, kernel_size, stride, padding, bias=bias, groups=i)

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = ember.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = ember.cat((self.branch1(x), self.branch2(x)), dim=1)

        out = channel_shuffle(out, 2)
        return out


class ShuffleNetV2(nn.Module):
    """ShuffleNetV2 (https://arxiv.org/abs/1807.11164).

    Args:
        stages_repeats (list of 3 ints): units per stage.
        stages_out_channels (list of 5 ints): channels of conv1, the three stages and conv5.
        num_classes (int): outputs. Default: 1000
        inverted_residual (callable): the unit class. Default: :class:`InvertedResidual`

    Example::

        >>> from ember.vision.models import ShuffleNetV2
        >>> ShuffleNetV2([1, 1, 1], [8, 16, 32, 64, 128], num_classes=3).fc
        Linear(in_features=128, out_features=3, bias=True)
    """

    def __init__(self, stages_repeats, stages_out_channels, num_classes=1000, inverted_residual=InvertedResidual):
        super().__init__()

        if len(stages_repeats) != 3:
            raise ValueError("expected stages_repeats as list of 3 positive ints")
        if len(stages_out_channels) != 5:
            raise ValueError("expected stages_out_channels as list of 5 positive ints")
        self._stage_out_channels = stages_out_channels

        input_channels = 3
        output_channels = self._stage_out_channels[0]
        self.conv1 = nn.Sequential(
            nn.Conv2d(input_channels, output_channels, 3, 2, 1, bias=False),
            nn.BatchNorm2d(output_channels),
            nn.ReLU(inplace=True),
        )
        input_channels = output_channels

        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

        stage_names = [f"stage{i}" for i in [2, 3, 4]]
        for name, repeats, output_channels in zip(stage_names, stages_repeats, self._stage_out_channels[1:]):
            seq = [inverted_residual(input_channels, output_channels, 2)]
            for i in range(repeats - 1):
                seq.append(inverted_residual(output_channels, output_channels, 1))
            setattr(self, name, nn.Sequential(*seq))
            input_channels = output_channels

        output_channels = self._stage_out_channels[-1]
        self.conv5 = nn.Sequential(
            nn.Conv2d(input_channels, output_channels, 1, 1, 0, bias=False),
            nn.BatchNorm2d(output_channels),
            nn.ReLU(inplace=True),
        )

        self.fc = nn.Linear(output_channels, num_classes)

    def _forward_impl(self, x):
        x = self.conv1(x)
        x = self.maxpool(x)
        x = self.stage2(x)
        x = self.stage3(x)
        x = self.stage4(x)
        x = self.conv5(x)
        x = x.mean([2, 3])  # globalpool
        x = self.fc(x)
        return x

    def forward(self, x):
        return self._forward_impl(x)


def _shufflenetv2(weights, progress, *args, **kwargs):
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))

    model = ShuffleNetV2(*args, **kwargs)

    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))

    return model


_COMMON_META = {
    "categories": _IMAGENET_CATEGORIES,
    "min_size": (1, 1),
}


class ShuffleNet_V2_X0_5_Weights(WeightsEnum):
    """Pretrained weights of :func:`shufflenet_v2_x0_5`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import ShuffleNet_V2_X0_5_Weights
        >>> ShuffleNet_V2_X0_5_Weights.DEFAULT
        ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1
        >>> ShuffleNet_V2_X0_5_Weights.DEFAULT.meta["num_params"]
        1366792
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/shufflenetv2_x0.5-f707e7126e.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": "https://github.com/ericsun99/Shufflenet-v2-Pytorch",
            "num_params": 1366792,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 60.552,
                    "acc@5": 81.746,
                },
            },
            "_ops": 0.04,
            "_file_size": 5.282,
            "_docs": "These weights were trained from scratch to reproduce closely the results of the paper.",
        },
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_0_Weights(WeightsEnum):
    """Pretrained weights of :func:`shufflenet_v2_x1_0`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import ShuffleNet_V2_X1_0_Weights
        >>> ShuffleNet_V2_X1_0_Weights.DEFAULT
        ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1
        >>> ShuffleNet_V2_X1_0_Weights.DEFAULT.meta["num_params"]
        2278604
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/shufflenetv2_x1-5666bf0f80.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "recipe": "https://github.com/ericsun99/Shufflenet-v2-Pytorch",
            "num_params": 2278604,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 69.362,
                    "acc@5": 88.316,
                },
            },
            "_ops": 0.145,
            "_file_size": 8.791,
            "_docs": "These weights were trained from scratch to reproduce closely the results of the paper.",
        },
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X1_5_Weights(WeightsEnum):
    """Pretrained weights of :func:`shufflenet_v2_x1_5`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import ShuffleNet_V2_X1_5_Weights
        >>> ShuffleNet_V2_X1_5_Weights.DEFAULT
        ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1
        >>> ShuffleNet_V2_X1_5_Weights.DEFAULT.meta["num_params"]
        3503624
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/shufflenetv2_x1_5-3c479a10.pth",
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "recipe": "https://github.com/pytorch/vision/pull/5906",
            "num_params": 3503624,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 72.996,
                    "acc@5": 91.086,
                },
            },
            "_ops": 0.296,
            "_file_size": 13.557,
            "_docs": """
                These weights were trained from scratch by using TorchVision's `new training recipe
                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.
            """,
        },
    )
    DEFAULT = IMAGENET1K_V1


class ShuffleNet_V2_X2_0_Weights(WeightsEnum):
    """Pretrained weights of :func:`shufflenet_v2_x2_0`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import ShuffleNet_V2_X2_0_Weights
        >>> ShuffleNet_V2_X2_0_Weights.DEFAULT
        ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1
        >>> ShuffleNet_V2_X2_0_Weights.DEFAULT.meta["num_params"]
        7393996
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/shufflenetv2_x2_0-8be3c8ee.pth",
        transforms=partial(ImageClassification, crop_size=224, resize_size=232),
        meta={
            **_COMMON_META,
            "recipe": "https://github.com/pytorch/vision/pull/5906",
            "num_params": 7393996,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 76.23,
                    "acc@5": 93.006,
                },
            },
            "_ops": 0.583,
            "_file_size": 28.433,
            "_docs": """
                These weights were trained from scratch by using TorchVision's `new training recipe
                <https://pytorch.org/blog/how-to-train-state-of-the-art-models-using-torchvision-latest-primitives/>`_.
            """,
        },
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X0_5_Weights.IMAGENET1K_V1))
@_builder_doc(
    """ShuffleNetV2 with 0.5x output channels, from `ShuffleNet V2: Practical Guidelines for
    Efficient CNN Architecture Design <https://arxiv.org/abs/1807.11164>`__.""",
    "ShuffleNet_V2_X0_5_Weights", "ShuffleNetV2")
def shufflenet_v2_x0_5(*, weights: Optional[ShuffleNet_V2_X0_5_Weights] = None, progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    weights = ShuffleNet_V2_X0_5_Weights.verify(weights)

    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 48, 96, 192, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1))
@_builder_doc(
    """ShuffleNetV2 with 1.0x output channels, from `ShuffleNet V2: Practical Guidelines for
    Efficient CNN Architecture Design <https://arxiv.org/abs/1807.11164>`__.""",
    "ShuffleNet_V2_X1_0_Weights", "ShuffleNetV2")
def shufflenet_v2_x1_0(*, weights: Optional[ShuffleNet_V2_X1_0_Weights] = None, progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    weights = ShuffleNet_V2_X1_0_Weights.verify(weights)

    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 116, 232, 464, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X1_5_Weights.IMAGENET1K_V1))
@_builder_doc(
    """ShuffleNetV2 with 1.5x output channels, from `ShuffleNet V2: Practical Guidelines for
    Efficient CNN Architecture Design <https://arxiv.org/abs/1807.11164>`__.""",
    "ShuffleNet_V2_X1_5_Weights", "ShuffleNetV2")
def shufflenet_v2_x1_5(*, weights: Optional[ShuffleNet_V2_X1_5_Weights] = None, progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    weights = ShuffleNet_V2_X1_5_Weights.verify(weights)

    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 176, 352, 704, 1024], **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ShuffleNet_V2_X2_0_Weights.IMAGENET1K_V1))
@_builder_doc(
    """ShuffleNetV2 with 2.0x output channels, from `ShuffleNet V2: Practical Guidelines for
    Efficient CNN Architecture Design <https://arxiv.org/abs/1807.11164>`__.""",
    "ShuffleNet_V2_X2_0_Weights", "ShuffleNetV2")
def shufflenet_v2_x2_0(*, weights: Optional[ShuffleNet_V2_X2_0_Weights] = None, progress: bool = True, **kwargs: Any) -> ShuffleNetV2:
    weights = ShuffleNet_V2_X2_0_Weights.verify(weights)

    return _shufflenetv2(weights, progress, [4, 8, 4], [24, 244, 488, 976, 2048], **kwargs)
