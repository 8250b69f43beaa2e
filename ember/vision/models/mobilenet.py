"""MobileNetV2 and MobileNetV3 under one module (torchvision's ``models.mobilenet``).

Example::

    >>> from ember.vision.models.mobilenet import mobilenet_v2, mobilenet_v3_small
    >>> mobilenet_v2(num_classes=4).classifier[1]
    Linear(in_features=1280, out_features=4, bias=True)
"""
from .mobilenetv2 import *  # noqa: F401,F403
from .mobilenetv3 import *  # noqa: F401,F403
from .mobilenetv2 import __all__ as mv2_all
from .mobilenetv3 import __all__ as mv3_all

__all__ = mv2_all + mv3_all
