"""``ember.vision.transforms.v2``: torchvision's v2 transforms.

The v2 transforms take any nest of tuples, lists and dicts and transform every input they
know, consistently: :class:`~ember.vision.tv_tensors.Image`, Video,
:class:`~ember.vision.tv_tensors.Mask`, :class:`~ember.vision.tv_tensors.BoundingBoxes`, PIL
images and plain tensors (treated as images when the sample holds no explicit image), passing
everything else (labels, ids, strings) through. So detection samples ``(image, target_dict)``
are flipped, cropped or resized with their boxes and masks. The functionals live in
:mod:`ember.vision.transforms.v2.functional`.

Example::

    >>> import ember
    >>> from ember.vision import tv_tensors
    >>> from ember.vision.transforms import v2
    >>> img = tv_tensors.Image(ember.zeros(3, 4, 6, dtype=ember.uint8))
    >>> target = {"boxes": tv_tensors.BoundingBoxes([[0, 0, 2, 2]], format="XYXY",
    ...                                             canvas_size=(4, 6)), "labels": ember.tensor([1])}
    >>> t = v2.Compose([v2.RandomHorizontalFlip(p=1.0), v2.ToDtype(ember.float32, scale=True),
    ...                 v2.ToPureTensor()])
    >>> img, target = t(img, target)
    >>> img.dtype, target["boxes"].tolist(), type(target["boxes"]).__name__
    (torch.float32, [[4, 0, 6, 2]], 'Tensor')
"""
from ember.vision.transforms.functional import InterpolationMode

from . import functional
from ._transform import Transform
from ._augment import CutMix, MixUp, RandomErasing
from ._auto_augment import AugMix, AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide
from ._color import (ColorJitter, Grayscale, RandomAdjustSharpness, RandomAutocontrast,
                     RandomChannelPermutation, RandomEqualize, RandomGrayscale, RandomInvert,
                     RandomPhotometricDistort, RandomPosterize, RandomSolarize)
from ._container import Compose, RandomApply, RandomChoice, RandomOrder
from ._geometry import (CenterCrop, ElasticTransform, FiveCrop, Pad, RandomAffine, RandomCrop,
                        RandomHorizontalFlip, RandomIoUCrop, RandomPerspective, RandomResize,
                        RandomResizedCrop, RandomRotation, RandomShortestSize, RandomVerticalFlip,
                        RandomZoomOut, Resize, ScaleJitter, TenCrop)
from ._meta import ClampBoundingBoxes, ConvertBoundingBoxFormat
from ._misc import (ConvertImageDtype, GaussianBlur, GaussianNoise, Identity, Lambda,
                    LinearTransformation, Normalize, SanitizeBoundingBoxes, ToDtype)
from ._temporal import UniformTemporalSubsample
from ._type_conversion import PILToTensor, ToImage, ToPILImage, ToPureTensor
from ._utils import check_type, get_bounding_boxes, has_all, has_any, query_chw, query_size

__all__ = [
    "InterpolationMode", "functional", "Transform", "Compose", "RandomApply", "RandomChoice",
    "RandomOrder", "ToImage", "ToPureTensor", "PILToTensor", "ToPILImage", "ToDtype",
    "ConvertImageDtype", "Normalize", "Resize", "CenterCrop", "RandomCrop", "RandomResizedCrop",
    "RandomHorizontalFlip", "RandomVerticalFlip", "Pad", "RandomRotation", "RandomAffine",
    "ColorJitter", "RandomPhotometricDistort", "Grayscale", "RandomGrayscale",
    "RandomChannelPermutation", "GaussianBlur", "RandomErasing", "ClampBoundingBoxes",
    "SanitizeBoundingBoxes", "ConvertBoundingBoxFormat", "Lambda", "Identity", "check_type",
    "has_any", "has_all", "get_bounding_boxes", "query_chw", "query_size",
    "RandomEqualize", "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAutocontrast",
    "RandomAdjustSharpness", "GaussianNoise", "FiveCrop", "TenCrop", "RandomPerspective",
    "ElasticTransform", "RandomZoomOut", "RandomIoUCrop", "ScaleJitter", "RandomShortestSize",
    "RandomResize", "AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide",
    "AugMix", "MixUp", "CutMix", "LinearTransformation", "UniformTemporalSubsample",
]
