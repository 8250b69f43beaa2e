"""GoogLeNet / Inception v1 (torchvision's ``models.googlenet``).

In training mode with ``aux_logits=True`` the model returns a :class:`GoogLeNetOutputs`
namedtuple ``(logits, aux_logits2, aux_logits1)``; otherwise the logits tensor.

Example::

    >>> import ember
    >>> from ember.vision.models import googlenet
    >>> model = googlenet(num_classes=10, init_weights=False)
    >>> type(model(ember.randn(2, 3, 64, 64))).__name__
    'GoogLeNetOutputs'
    >>> model.eval()(ember.randn(1, 3, 64, 64)).shape
    torch.Size([1, 10])
"""
import warnings
from collections import namedtuple
from functools import partial
from typing import Any, Optional

import ember
from ember import nn
from ember.nn import functional as F

from ._api import register_model, Weights, WeightsEnum
from ._meta import _IMAGENET_CATEGORIES
from ._presets import ImageClassification
from ._utils import _builder_doc, _ovewrite_named_param, handle_legacy_interface

__all__ = ["GoogLeNet", "GoogLeNetOutputs", "_GoogLeNetOutputs", "GoogLeNet_Weights", "googlenet"]


GoogLeNetOutputs = namedtuple("GoogLeNetOutputs", ["logits", "aux_logits2", "aux_logits1"])
GoogLeNetOutputs.__doc__ = """Training-mode output of GoogLeNet with auxiliary heads: ``(logits, aux_logits2, aux_logits1)``.

Example::

    >>> from ember.vision.models import GoogLeNetOutputs
    >>> GoogLeNetOutputs._fields
    ('logits', 'aux_logits2', 'aux_logits1')
"""

# Script annotations failed with _GoogleNetOutputs = namedtuple ... in torchvision; kept as alias.
_GoogLeNetOutputs = GoogLeNetOutputs


class GoogLeNet(nn.Module):
    """GoogLeNet (https://arxiv.org/abs/1409.4842).

    Args:
        num_classes (int): outputs. Default: 1000
        aux_logits (bool): build the two auxiliary classifiers (used in training mode).
            Default: True
        transform_input (bool): re-normalize inputs given with ImageNet mean/std to the
            ``(x - 0.5) / 0.5`` normalization the original weights expect. Default: False
        init_weights (bool, optional): truncated-normal init (std 0.01) of convs and linears;
            ``None`` means True with torchvision's FutureWarning.
        blocks (list, optional): ``[conv_block, inception_block, inception_aux_block]``.
        dropout (float): dropout before ``fc``. Default: 0.2
        dropout_aux (float): dropout of the auxiliary heads. Default: 0.7

    Example::

        >>> from ember.vision.models import GoogLeNet
        >>> GoogLeNet(aux_logits=False, init_weights=False).aux1 is None
        True
    """

    __constants__ = ["aux_logits", "transform_input"]

    def __init__(self, num_classes=1000, aux_logits=True, transform_input=False, init_weights=None, blocks=None,
                 dropout=0.2, dropout_aux=0.7):
        super().__init__()
        if blocks is None:
            blocks = [BasicConv2d, Inception, InceptionAux]
        if init_weights is None:
            warnings.warn(
                "The default weight initialization of GoogleNet will be changed in future releases of "
                "torchvision. If you wish to keep the old behavior (which leads to long initialization times"
                " due to scipy/scipy#11299), please set init_weights=True.",
                FutureWarning,
            )
            init_weights = True
        if len(blocks) != 3:
            raise ValueError(f"blocks length should be 3 instead of {len(blocks)}")
        conv_block = blocks[0]
        inception_block = blocks[1]
        inception_aux_block = blocks[2]

        self.aux_logits = aux_logits
        self.transform_input = transform_input

        self.conv1 = conv_block(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.conv2 = conv_block(64, 64, kernel_size=1)
        self.conv3 = conv_block(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception3a = inception_block(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = inception_block(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)

        self.inception4a = inception_block(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = inception_block(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = inception_block(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = inception_block(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = inception_block(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = nn.MaxPool2d(2, stride=2, ceil_mode=True)

        self.inception5a = inception_block(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = inception_block(832, 384, 192, 384, 48, 128, 128)

        if aux_logits:
            self.aux1 = inception_aux_block(512, num_classes, dropout=dropout_aux)
            self.aux2 = inception_aux_block(528, num_classes, dropout=dropout_aux)
        else:
            self.aux1 = None
            self.aux2 = None

        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(1024, num_classes)

        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d) or isinstance(m, nn.Linear):
                    nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)

    def _transform_input(self, x):
        if self.transform_input:
            x_ch0 = ember.unsqueeze(x[:, 0], 1) * (0.229 / 0.5) + (0.485 - 0.5) / 0.5
            x_ch1 = ember.unsqueeze(x[:, 1], 1) * (0.224 / 0.5) + (0.456 - 0.5) / 0.5
            x_ch2 = ember.unsqueeze(x[:, 2], 1) * (0.225 / 0.5) + (0.406 - 0.5) / 0.5
            x = ember.cat((x_ch0, x_ch1, x_ch2), 1)
        return x

    def _forward(self, x):
        # N x 3 x 224 x 224
        x = self.conv1(x)
        x = self.maxpool1(x)
        x = self.conv2(x)
        x = self.conv3(x)
        x = self.maxpool2(x)

        x = self.inception3a(x)
        x = self.inception3b(x)
        x = self.maxpool3(x)
        x = self.inception4a(x)
        # N x 512 x 14 x 14
        aux1 = None
        if self.aux1 is not None:
            if self.training:
                aux1 = self.aux1(x)

        x = self.inception4b(x)
        x = self.inception4c(x)
        x = self.inception4d(x)
        # N x 528 x 14 x 14
        aux2 = None
        if self.aux2 is not None:
            if self.training:
                aux2 = self.aux2(x)

        x = self.inception4e(x)
        x = self.maxpool4(x)
        x = self.inception5a(x)
        x = self.inception5b(x)
        # N x 1024 x 7 x 7

        x = self.avgpool(x)
        x = ember.flatten(x, 1)
        x = self.dropout(x)
        x = self.fc(x)
        return x, aux2, aux1

    def eager_outputs(self, x, aux2, aux1):
        if self.training and self.aux_logits:
            return _GoogLeNetOutputs(x, aux2, aux1)
        return x

    def forward(self, x):
        x = self._transform_input(x)
        x, aux2, aux1 = self._forward(x)
        return self.eager_outputs(x, aux2, aux1)


class Inception(nn.Module):
    """Inception module: 1x1, 1x1->3x3, 1x1->3x3 and maxpool->1x1 branches, concatenated.

    Example::

        >>> import ember
        >>> from ember.vision.models.googlenet import Inception
        >>> Inception(8, 4, 4, 4, 2, 2, 2)(ember.randn(1, 8, 5, 5)).shape
        torch.Size([1, 12, 5, 5])
    """

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj, conv_block=None):
        super().__init__()
        if conv_block is None:
            conv_block = BasicConv2d
        self.branch1 = conv_block(in_channels, ch1x1, kernel_size=1)

        self.branch2 = nn.Sequential(
            conv_block(in_channels, ch3x3red, kernel_size=1), conv_block(ch3x3red, ch3x3, kernel_size=3, padding=1)
        )

        self.branch3 = nn.Sequential(
            conv_block(in_channels, ch5x5red, kernel_size=1),
            # Here, kernel_size=3 instead of kernel_size=5 is a known bug (kept for the weights).
            conv_block(ch5x5red, ch5x5, kernel_size=3, padding=1),
        )

        self.branch4 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1, ceil_mode=True),
            conv_block(in_channels, pool_proj, kernel_size=1),
        )

    def _forward(self, x):
        branch1 = self.branch1(x)
        branch2 = self.branch2(x)
        branch3 = self.branch3(x)
        branch4 = self.branch4(x)
        return [branch1, branch2, branch3, branch4]

    def forward(self, x):
        outputs = self._forward(x)
        return ember.cat(outputs, 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier: 4x4 adaptive average pool, 1x1 conv, two linear layers.

    Example::

        >>> import ember
        >>> from ember.vision.models.googlenet import InceptionAux
        >>> InceptionAux(16, 5)(ember.randn(2, 16, 14, 14)).shape
        torch.Size([2, 5])
    """

    def __init__(self, in_channels, num_classes, conv_block=None, dropout=0.7):
        super().__init__()
        if conv_block is None:
            conv_block = BasicConv2d
        self.conv = conv_block(in_channels, 128, kernel_size=1)

        self.fc1 = nn.Linear(2048, 1024)
        self.fc2 = nn.Linear(1024, num_classes)
        self.dropout = nn.Dropout(p=dropout)

    def forward(self, x):
        # aux1: N x 512 x 14 x 14, aux2: N x 528 x 14 x 14
        x = F.adaptive_avg_pool2d(x, (4, 4))
        x = self.conv(x)
        x = ember.flatten(x, 1)
        x = F.relu(self.fc1(x), inplace=True)
        x = self.dropout(x)
        x = self.fc2(x)
        return x


class BasicConv2d(nn.Module):
    """Conv2d (no bias) + BatchNorm2d(eps=0.001) + ReLU.

    Example::

        >>> from ember.vision.models.googlenet import BasicConv2d
        >>> BasicConv2d(3, 8, kernel_size=3).conv
        Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), bias=False)
    """

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, bias=False, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels, eps=0.001)

    def forward(self, x):
        x = self.conv(x)
        x = self.bn(x)
        return F.relu(x, inplace=True)


_COMMON_META = {
    "categories": _IMAGENET_CATEGORIES,
    "num_params": 6624904,
    "min_size": (15, 15),
    "recipe": "https://github.com/pytorch/vision/tree/main/references/classification#googlenet",
    "_metrics": {
        "ImageNet-1K": {
            "acc@1": 69.778,
            "acc@5": 89.53,
        },
    },
    "_ops": 1.498,
    "_file_size": 49.731,
    "_docs": "These weights are ported from the original paper.",
}


class GoogLeNet_Weights(WeightsEnum):
    """Pretrained weights of :func:`googlenet`: ``IMAGENET1K_V1``; ``DEFAULT`` is ``IMAGENET1K_V1``.

    Each member has ``url``, ``transforms`` (call it to build the preprocessing) and ``meta``.

    Example::

        >>> from ember.vision.models import GoogLeNet_Weights
        >>> GoogLeNet_Weights.DEFAULT
        GoogLeNet_Weights.IMAGENET1K_V1
        >>> GoogLeNet_Weights.DEFAULT.meta["num_params"]
        6624904
    """

    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/googlenet-1378be20.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta={
            **_COMMON_META,
        },
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", GoogLeNet_Weights.IMAGENET1K_V1))
@_builder_doc(
    """GoogLeNet (Inception v1) from `Going Deeper with Convolutions <http://arxiv.org/abs/1409.4842>`_.

    With pretrained weights ``transform_input`` defaults to True and the (untrained) auxiliary
    heads are dropped unless ``aux_logits=True`` is passed.""",
    "GoogLeNet_Weights", "GoogLeNet", run_example=False)
def googlenet(*, weights: Optional[GoogLeNet_Weights] = None, progress: bool = True, **kwargs: Any) -> GoogLeNet:
    weights = GoogLeNet_Weights.verify(weights)

    original_aux_logits = kwargs.get("aux_logits", False)
    if weights is not None:
        if "transform_input" not in kwargs:
            _ovewrite_named_param(kwargs, "transform_input", True)
        _ovewrite_named_param(kwargs, "aux_logits", True)
        _ovewrite_named_param(kwargs, "init_weights", False)
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))

    model = GoogLeNet(**kwargs)

    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
        if not original_aux_logits:
            model.aux_logits = False
            model.aux1 = None
            model.aux2 = None
        else:
            warnings.warn(
                "auxiliary heads in the pretrained googlenet model are NOT pretrained, so make sure to train them"
            )

    return model
