"""VGG 11/13/16/19 with and without batch norm (torchvision's ``models.vgg``).

Example::

    >>> import ember
    >>> from ember.vision.models import vgg11
    >>> model = vgg11(num_classes=10).eval()  # doctest: +SKIP
    >>> model(ember.randn(1, 3, 32, 32)).shape  # doctest: +SKIP
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
    "VGG",
    "VGG11_Weights",
    "VGG11_BN_Weights",
    "VGG13_Weights",
    "VGG13_BN_Weights",
    "VGG16_Weights",
    "VGG16_BN_Weights",
    "VGG19_Weights",
    "VGG19_BN_Weights",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]


class VGG(nn.Module):
    """VGG (https://arxiv.org/abs/1409.1556): a stack of 3x3 convolutions (``features``, built by
    :func:`make_layers`), an adaptive 7x7 average pool and a three-layer classifier.

    Args:
        features (Module): the convolutional part.
        num_classes (int): outputs. Default: 1000
        init_weights (bool): kaiming-normal convs, N(0, 0.01) linears, zero biases. Default: True
        dropout (float): dropout probability in the classifier. Default: 0.5

    Example::

        >>> from ember.vision.models.vgg import VGG, make_layers
        >>> net = VGG(make_layers([8, "M"]), num_classes=4)  # doctest: +SKIP
        >>> make_layers([8, "M"])
        Sequential(
          (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
          (1): ReLU(inplace=True)
          (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
        )
    """

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = ember.flatten(x, 1)
        x = self.classifier(x)
        return x


def make_layers(cfg, batch_norm=False):
    """Build VGG's ``features`` from a config: an int is a 3x3 conv with that many channels
    (+ BatchNorm) + ReLU, ``"M"`` a 2x2 max pool.

    Args:
        cfg (list): e.g. ``cfgs["A"]``.
        batch_norm (bool): add ``BatchNorm2d`` after each conv. Default: False

    Example::

        >>> from ember.vision.models.vgg import make_layers
        >>> len(make_layers([64, "M"], batch_norm=True))
        4
    """
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, weights, progress, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


_COMMON_META = {
    "min_size": (32, 32),
}


class VGG11_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg11`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG11_Weights
        >>> VGG11_Weights.DEFAULT
        VGG11_Weights.IMAGENET1K_V1
        >>> VGG11_Weights.DEFAULT.meta["num_params"]
        132863336
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg11-8a719046.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 132863336,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 69.02,
                    "acc@5": 88.628,
                },
            },
            "_ops": 7.609,
            "_file_size": 506.84,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg11_bn`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG11_BN_Weights
        >>> VGG11_BN_Weights.DEFAULT
        VGG11_BN_Weights.IMAGENET1K_V1
        >>> VGG11_BN_Weights.DEFAULT.meta["num_params"]
        132868840
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg11_bn-6002323d.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 132868840,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 70.37,
                    "acc@5": 89.81,
                },
            },
            "_ops": 7.609,
            "_file_size": 506.881,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg13`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG13_Weights
        >>> VGG13_Weights.DEFAULT
        VGG13_Weights.IMAGENET1K_V1
        >>> VGG13_Weights.DEFAULT.meta["num_params"]
        133047848
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg13-19584684.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 133047848,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 69.928,
                    "acc@5": 89.246,
                },
            },
            "_ops": 11.308,
            "_file_size": 507.545,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg13_bn`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG13_BN_Weights
        >>> VGG13_BN_Weights.DEFAULT
        VGG13_BN_Weights.IMAGENET1K_V1
        >>> VGG13_BN_Weights.DEFAULT.meta["num_params"]
        133053736
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg13_bn-abd245e5.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 133053736,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 71.586,
                    "acc@5": 90.374,
                },
            },
            "_ops": 11.308,
            "_file_size": 507.59,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg16`: ``IMAGENET1K_V1``, ``IMAGENET1K_FEATURES``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG16_Weights
        >>> VGG16_Weights.DEFAULT
        VGG16_Weights.IMAGENET1K_V1
        >>> VGG16_Weights.DEFAULT.meta["num_params"]
        138357544
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg16-397923af.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 138357544,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 71.592,
                    "acc@5": 90.382,
                },
            },
            "_ops": 15.47,
            "_file_size": 527.796,
        },
    )
    IMAGENET1K_FEATURES = Weights(
        url="https://download.pytorch.org/models/vgg16_features-amdegroot-88682ab5.pth",
        transforms=partial(ImageClassification, crop_size=224, mean=(0.48235, 0.45882, 0.40784), std=(0.00392156862745098, 0.00392156862745098, 0.00392156862745098)),
        meta={
            **_COMMON_META,
            "categories": None,
            "recipe": "https://github.com/amdegroot/ssd.pytorch#training-ssd",
            "_docs": """
                These weights can't be used for classification because they are missing values in the `classifier`
                module. Only the `features` module has valid values and can be used for feature extraction. The weights
                were trained using the original input standardization method as described in the paper.
            """,
            "num_params": 138357544,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": float("nan"),
                    "acc@5": float("nan"),
                },
            },
            "_ops": 15.47,
            "_file_size": 527.802,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg16_bn`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG16_BN_Weights
        >>> VGG16_BN_Weights.DEFAULT
        VGG16_BN_Weights.IMAGENET1K_V1
        >>> VGG16_BN_Weights.DEFAULT.meta["num_params"]
        138365992
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg16_bn-6c64b313.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 138365992,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 73.36,
                    "acc@5": 91.516,
                },
            },
            "_ops": 15.47,
            "_file_size": 527.866,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg19`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG19_Weights
        >>> VGG19_Weights.DEFAULT
        VGG19_Weights.IMAGENET1K_V1
        >>> VGG19_Weights.DEFAULT.meta["num_params"]
        143667240
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg19-dcbb9e9d.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 143667240,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 72.376,
                    "acc@5": 90.876,
                },
            },
            "_ops": 19.632,
            "_file_size": 548.051,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    """Pretrained weights of :func:`vgg19_bn`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import VGG19_BN_Weights
        >>> VGG19_BN_Weights.DEFAULT
        VGG19_BN_Weights.IMAGENET1K_V1
        >>> VGG19_BN_Weights.DEFAULT.meta["num_params"]
        143678248
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/vgg19_bn-c79401a0.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
            "categories": _IMAGENET_CATEGORIES,
            "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
            "_docs": "These weights were trained from scratch by using a simplified training recipe.",
            "num_params": 143678248,
            "_metrics": {
                "ImageNet-1K": {
                    "acc@1": 74.218,
                    "acc@5": 91.842,
                },
            },
            "_ops": 19.632,
            "_file_size": 548.143,
        },
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG11_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-11 from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG11_Weights", "VGG", run_example=False)
def vgg11(*, weights: Optional[VGG11_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG11_Weights.verify(weights)

    return _vgg("A", False, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG11_BN_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-11-BN from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG11_BN_Weights", "VGG", run_example=False)
def vgg11_bn(*, weights: Optional[VGG11_BN_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG11_BN_Weights.verify(weights)

    return _vgg("A", True, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG13_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-13 from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG13_Weights", "VGG", run_example=False)
def vgg13(*, weights: Optional[VGG13_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG13_Weights.verify(weights)

    return _vgg("B", False, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG13_BN_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-13-BN from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG13_BN_Weights", "VGG", run_example=False)
def vgg13_bn(*, weights: Optional[VGG13_BN_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG13_BN_Weights.verify(weights)

    return _vgg("B", True, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG16_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-16 from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG16_Weights", "VGG", run_example=False)
def vgg16(*, weights: Optional[VGG16_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG16_Weights.verify(weights)

    return _vgg("D", False, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG16_BN_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-16-BN from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG16_BN_Weights", "VGG", run_example=False)
def vgg16_bn(*, weights: Optional[VGG16_BN_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG16_BN_Weights.verify(weights)

    return _vgg("D", True, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG19_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-19 from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG19_Weights", "VGG", run_example=False)
def vgg19(*, weights: Optional[VGG19_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG19_Weights.verify(weights)

    return _vgg("E", False, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", VGG19_BN_Weights.IMAGENET1K_V1))
@_builder_doc(
    """VGG-19_BN from `Very Deep Convolutional Networks for Large-Scale Image Recognition
    <https://arxiv.org/abs/1409.1556>`__.""",
    "VGG19_BN_Weights", "VGG", run_example=False)
def vgg19_bn(*, weights: Optional[VGG19_BN_Weights] = None, progress: bool = True, **kwargs: Any) -> VGG:
    weights = VGG19_BN_Weights.verify(weights)

    return _vgg("E", True, weights, progress, **kwargs)
