"""``ember.vision.models``: torchvision's classification models on ember.

Same builders, constructor arguments, module names, ``state_dict`` keys, initialisation and
reprs as ``torchvision.models``, so torchvision checkpoints load directly:

* AlexNet; VGG 11/13/16/19 (+ ``_bn``); ResNet 18/34/50/101/152, ResNeXt, Wide ResNet;
  DenseNet 121/161/169/201; SqueezeNet 1.0/1.1; MobileNetV2; MobileNetV3 small/large;
  ShuffleNetV2 x0.5-x2.0; EfficientNet B0-B7 and V2-S/M/L; GoogLeNet; ViT B/16, B/32, L/16,
  L/32, H/14.
* Pretrained weights: ``weights=None | "DEFAULT" | "IMAGENET1K_V1" | <Model>_Weights.<MEMBER>``
  (each member carries ``url``, ``transforms`` and ``meta``). The checkpoints are torchvision's
  files, downloaded once with :func:`ember.hub.load_state_dict_from_url` (SHA-256 checked) into
  ``$EMBER_HOME/hub/checkpoints``; a copy PyTorch already downloaded is reused. The
  deprecated ``pretrained=True`` still works, with torchvision's warnings.
* Registry: :func:`list_models`, :func:`get_model`, :func:`get_model_builder`,
  :func:`get_model_weights`, :func:`get_weight`.

Example::

    >>> from ember.vision import models
    >>> model = models.resnet18(num_classes=2)
    >>> model.fc
    Linear(in_features=512, out_features=2, bias=True)
    >>> models.ResNet18_Weights.DEFAULT.transforms()
    ImageClassification(
        crop_size=[224]
        resize_size=[256]
        mean=[0.485, 0.456, 0.406]
        std=[0.229, 0.224, 0.225]
        interpolation=InterpolationMode.BILINEAR
    )
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .efficientnet import *  # noqa: F401,F403
from .googlenet import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .shufflenetv2 import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .vision_transformer import *  # noqa: F401,F403
from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models, Weights, WeightsEnum  # noqa: F401,E501
