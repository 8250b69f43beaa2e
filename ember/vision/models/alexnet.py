"""AlexNet (torchvision's ``models.alexnet``), the "One weird trick" variant.

Example::

    >>> import ember
    >>> from ember.vision.models import alexnet
    >>> model = alexnet(num_classes=10).eval()  # doctest: +SKIP
    >>> model(ember.randn(1, 3, 64, 64)).shape  # doctest: +SKIP
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

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """AlexNet: five convolutions (``features``), an adaptive 6x6 average pool and a three-layer
    classifier with dropout.

    Args:
        num_classes (int): outputs. Default: 1000
        dropout (float): dropout probability in the classifier. Default: 0.5

    Example::

        >>> from ember.vision.models import AlexNet
        >>> AlexNet().classifier[6]  # doctest: +SKIP
        Linear(in_features=4096, out_features=1000, bias=True)
    """

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = ember.flatten(x, 1)
        x = self.classifier(x)
        return x


_COMMON_META = {
    "categories": _IMAGENET_CATEGORIES,
    "num_params": 61100840,
    "min_size": (63, 63),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
    "_metrics": {
        "ImageNet-1K": {
            "acc@1": 56.522,
            "acc@5": 79.066,
        },
    },
    "_ops": 0.714,
    "_file_size": 233.087,
    "_docs": """
                These weights reproduce closely the results of the paper using a simplified training recipe.
            """,
}


class AlexNet_Weights(WeightsEnum):
    """Pretrained weights of :func:`alexnet`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import AlexNet_Weights
        >>> AlexNet_Weights.DEFAULT
        AlexNet_Weights.IMAGENET1K_V1
        >>> AlexNet_Weights.DEFAULT.meta["num_params"]
        61100840
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
        },
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", AlexNet_Weights.IMAGENET1K_V1))
@_builder_doc(
    """AlexNet from `One weird trick for parallelizing convolutional neural networks
    <https://arxiv.org/abs/1404.5997>`__ (the original is in `ImageNet Classification with Deep
    Convolutional Neural Networks`).""",
    "AlexNet_Weights", "AlexNet", run_example=False)
def alexnet(*, weights: Optional[AlexNet_Weights] = None, progress: bool = True, **kwargs: Any) -> AlexNet:
    weights = AlexNet_Weights.verify(weights)

    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))

    model = AlexNet(**kwargs)

    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))

    return model
