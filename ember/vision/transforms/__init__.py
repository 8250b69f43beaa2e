"""``ember.vision.transforms``: torchvision's image transforms for PIL images and ember tensors.

Example:
    >>> from ember.vision import transforms
    >>> preprocess = transforms.Compose([
    ...     transforms.Resize(256),
    ...     transforms.CenterCrop(224),
    ...     transforms.ToTensor(),
    ...     transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ... ])
"""

from . import functional
from .functional import InterpolationMode
from .transforms import *  # noqa: F401,F403
from .transforms import __all__ as _transforms_all
from . import autoaugment
from .autoaugment import *  # noqa: F401,F403
from .autoaugment import __all__ as _autoaugment_all

__all__ = list(_transforms_all) + list(_autoaugment_all) + ["functional", "autoaugment"]
