"""Transform classes of ``ember.vision.transforms`` (torchvision's ``transforms`` v1 API).

Transforms are callables that take a PIL image or an ember tensor image and return the transformed
image; chain them with :class:`Compose`. Random transforms draw from ember's default generator, so
``ember.manual_seed`` makes an augmentation pipeline reproducible.

Example:
    >>> import ember
    >>> from ember.vision import transforms
    >>> t = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
    >>> print(t)
    Compose(
        ToTensor()
        Normalize(mean=[0.5], std=[0.5])
    )
"""

import math
import numbers
import warnings
from collections.abc import Sequence

import numpy as np

import ember

from . import functional as F
from .functional import InterpolationMode, _interpolation_modes_from_int

__all__ = [
    "Compose",
    "ToTensor",
    "PILToTensor",
    "ConvertImageDtype",
    "ToPILImage",
    "Normalize",
    "Resize",
    "CenterCrop",
    "Pad",
    "Lambda",
    "RandomApply",
    "RandomChoice",
    "RandomOrder",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomVerticalFlip",
    "RandomResizedCrop",
    "FiveCrop",
    "TenCrop",
    "ColorJitter",
    "RandomRotation",
    "RandomAffine",
    "Grayscale",
    "RandomGrayscale",
    "RandomErasing",
    "GaussianBlur",
    "InterpolationMode",
    "RandomInvert",
    "RandomPosterize",
    "RandomSolarize",
    "RandomAdjustSharpness",
    "RandomAutocontrast",
    "RandomEqualize",
    "RandomPerspective",
    "ElasticTransform",
    "LinearTransformation",
]


def _rng():
    """NumPy generator behind ember's default generator (seeded by ``ember.manual_seed``)."""
    return ember.random._get(None)._rng


def _rand():
    return float(_rng().random())


def _randint(low, high):
    return int(_rng().integers(low, high))


def _uniform(low, high):
    return float(_rng().uniform(low, high))


def _module_base():
    # torchvision's tensor transforms are nn.Modules (usable inside nn.Sequential); ours are too
    # whenever ember.nn is importable.
    try:
        from ember.nn import Module
    except Exception:  # pragma: no cover - only while the nn package is unavailable
        return object
    return Module


_Base = _module_base()


class _Transform(_Base):
    """Base of the module-like transforms: ``t(img)`` calls ``t.forward(img)``."""

    if _Base is object:  # pragma: no cover

        def __call__(self, *args, **kwargs):
            return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class Compose:
    """Compose several transforms together.

    Args:
        transforms (list of transforms): transforms applied in order.

    Example:
        >>> t = Compose([CenterCrop(10), PILToTensor(), ConvertImageDtype(ember.float32)])
        >>> from PIL import Image
        >>> out = t(Image.new("RGB", (17, 13)))
        >>> tuple(out.shape), out.dtype == ember.float32
        ((3, 10, 10), True)
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        format_string = self.__class__.__name__ + "("
        for t in self.transforms:
            format_string += "\n"
            format_string += f"    {t}"
        format_string += "\n)"
        return format_string


class ToTensor:
    """Convert a PIL image or ``numpy.ndarray`` (H x W x C) to a float tensor (C x H x W) in ``[0, 1]``.

    ``uint8`` data (PIL modes ``L, LA, P, RGB, YCbCr, RGBA, CMYK, 1`` or ``uint8`` arrays) is divided by
    255; other data keeps its values and dtype (e.g. mode ``I`` gives int32, mode ``F`` float32).

    Example:
        >>> from PIL import Image
        >>> t = ToTensor()(Image.new("RGB", (17, 13), (255, 0, 0)))
        >>> tuple(t.shape), t.dtype == ember.float32, t[0].min().item()
        ((3, 13, 17), True, 1.0)
    """

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """Convert a PIL image to a tensor (C x H x W) of the same dtype, without scaling.

    Example:
        >>> from PIL import Image
        >>> t = PILToTensor()(Image.new("RGB", (17, 13)))
        >>> tuple(t.shape), t.dtype == ember.uint8
        ((3, 13, 17), True)
    """

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ConvertImageDtype(_Transform):
    """Convert a tensor image to ``dtype`` and rescale the values (see ``F.convert_image_dtype``).

    Args:
        dtype (ember.dtype): desired dtype.

    Example:
        >>> ConvertImageDtype(ember.float32)(ember.tensor([[[255]]], dtype=ember.uint8)).item()
        1.0
    """

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class ToPILImage:
    """Convert a tensor (C x H x W) or ndarray (H x W x C) to a PIL image.

    Args:
        mode (str, optional): PIL mode of the input; inferred from the channel count and dtype if ``None``.

    Example:
        >>> ToPILImage()(ember.rand(3, 13, 17)).mode
        'RGB'
    """

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        format_string = self.__class__.__name__ + "("
        if self.mode is not None:
            format_string += f"mode={self.mode}"
        format_string += ")"
        return format_string


class Normalize(_Transform):
    """Normalize a float tensor image: ``output[c] = (input[c] - mean[c]) / std[c]``.

    Args:
        mean (sequence): per-channel means.
        std (sequence): per-channel standard deviations.
        inplace (bool): normalize in place. Default: ``False``.

    Example:
        >>> Normalize([0.5], [0.5])(ember.ones(1, 2, 2)).max().item()
        1.0
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Resize(_Transform):
    """Resize an image to ``size``.

    Args:
        size (int or sequence): ``(h, w)``, or an int to match the smaller edge keeping the aspect ratio.
        interpolation (InterpolationMode): default ``BILINEAR``.
        max_size (int, optional): upper bound for the longer edge when ``size`` is an int.
        antialias (bool, optional): antialias tensor resizing (PIL always does). Default: ``True``.

    Example:
        >>> tuple(Resize(6)(ember.rand(3, 13, 17)).shape)
        (3, 6, 7)
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        detail = (
            f"(size={self.size}, interpolation={self.interpolation.value}, "
            f"max_size={self.max_size}, antialias={self.antialias})"
        )
        return f"{self.__class__.__name__}{detail}"


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join([str(s) for s in req_sizes])
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def _setup_angle(x, name, req_sizes=(2,)):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


_SIZE_MSG = "Please provide only two dimensions (h, w) for size."


class CenterCrop(_Transform):
    """Crop the center of an image (zero-padded first if smaller than the crop).

    Args:
        size (int or sequence): ``(h, w)`` of the crop, or an int for a square.

    Example:
        >>> tuple(CenterCrop(8)(ember.rand(3, 13, 17)).shape)
        (3, 8, 8)
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(_Transform):
    """Pad an image on all sides.

    Args:
        padding (int or sequence): all borders, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``.
        fill (number or tuple): constant fill value. Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Example:
        >>> tuple(Pad(2)(ember.rand(3, 13, 17)).shape)
        (3, 17, 21)
    """

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if isinstance(padding, Sequence) and len(padding) not in [1, 2, 4]:
            raise ValueError(
                f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
            )
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
            f"padding_mode={self.padding_mode})"
        )


class Lambda:
    """Apply a user-defined function as a transform.

    Args:
        lambd (callable): the function.

    Example:
        >>> Lambda(lambda x: x * 2)(ember.ones(1)).item()
        2.0
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class RandomTransforms:
    """Base class for a list of transforms applied with some randomness."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError("subclasses of RandomTransforms implement __call__")

    def __repr__(self):
        format_string = self.__class__.__name__ + "("
        for t in self.transforms:
            format_string += "\n"
            format_string += f"    {t}"
        format_string += "\n)"
        return format_string


class RandomApply(_Transform):
    """Apply a list of transforms, all together, with probability ``p``.

    Args:
        transforms (sequence): transforms to apply.
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomApply([Lambda(lambda x: x + 1)], p=1.0)(ember.zeros(1)).item()
        1.0
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        format_string = self.__class__.__name__ + "("
        format_string += f"\n    p={self.p}"
        for t in self.transforms:
            format_string += "\n"
            format_string += f"    {t}"
        format_string += "\n)"
        return format_string


class RandomOrder(RandomTransforms):
    """Apply a list of transforms in a random order.

    Args:
        transforms (sequence): transforms to apply.

    Example:
        >>> RandomOrder([Lambda(lambda x: x + 1), Lambda(lambda x: x + 2)])(ember.zeros(1)).item()
        3.0
    """

    def __call__(self, img):
        order = _rng().permutation(len(self.transforms))
        for i in order:
            img = self.transforms[int(i)](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one transform picked at random from a list.

    Args:
        transforms (sequence): candidate transforms.
        p (sequence of float, optional): relative weights of the candidates.

    Example:
        >>> RandomChoice([Lambda(lambda x: x + 1)])(ember.zeros(1)).item()
        1.0
    """

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        n = len(self.transforms)
        if self.p is None:
            idx = _randint(0, n)
        else:
            w = np.asarray(self.p, dtype=np.float64)
            idx = int(_rng().choice(n, p=w / w.sum()))
        return self.transforms[idx](*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"


class RandomCrop(_Transform):
    """Crop an image at a random location.

    Args:
        size (int or sequence): ``(h, w)`` of the crop, or an int for a square.
        padding (int or sequence, optional): padding applied first (as in :class:`Pad`).
        pad_if_needed (bool): pad the image if it is smaller than the crop.
        fill (number or tuple): fill value for constant padding. Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Example:
        >>> tuple(RandomCrop(8, padding=2)(ember.rand(3, 13, 17)).shape)
        (3, 8, 8)
    """

    @staticmethod
    def get_params(img, output_size):
        """Random ``(i, j, h, w)`` of a crop of ``output_size``.

        Args:
            img (PIL Image or Tensor): image to crop.
            output_size (tuple): ``(h, w)`` of the crop.

        Example:
            >>> RandomCrop.get_params(ember.rand(3, 13, 17), (13, 17))
            (0, 0, 13, 17)
        """
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        i = _randint(0, h - th + 1)
        j = _randint(0, w - tw + 1)
        return i, j, th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = tuple(_setup_size(size, error_msg=_SIZE_MSG))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class _RandomOp(_Transform):
    """Base of the transforms that apply one functional op with probability ``p``; the
    subclass names the op in ``_op``."""
    _op = None

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        if _rand() < self.p:
            return self._op(img)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomHorizontalFlip(_RandomOp):
    """Flip an image horizontally with probability ``p``.

    Args:
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomHorizontalFlip(p=1.0)(ember.tensor([[[1., 2.]]])).tolist()
        [[[2.0, 1.0]]]
    """
    _op = staticmethod(F.hflip)


class RandomVerticalFlip(_RandomOp):
    """Flip an image vertically with probability ``p``.

    Args:
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomVerticalFlip(p=1.0)(ember.tensor([[[1.], [2.]]])).tolist()
        [[[2.0], [1.0]]]
    """
    _op = staticmethod(F.vflip)


class RandomResizedCrop(_Transform):
    """Crop a random area and aspect ratio of an image and resize it to ``size``.

    Args:
        size (int or sequence): output ``(h, w)``, or an int for a square.
        scale (tuple): range of the crop area relative to the image. Default: ``(0.08, 1.0)``.
        ratio (tuple): range of the crop aspect ratio. Default: ``(3/4, 4/3)``.
        interpolation (InterpolationMode): default ``BILINEAR``.
        antialias (bool, optional): antialias tensor resizing. Default: ``True``.

    Example:
        >>> tuple(RandomResizedCrop(8)(ember.rand(3, 13, 17)).shape)
        (3, 8, 8)
    """

    def __init__(
        self,
        size,
        scale=(0.08, 1.0),
        ratio=(3.0 / 4.0, 4.0 / 3.0),
        interpolation=InterpolationMode.BILINEAR,
        antialias=True,
    ):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img, scale, ratio):
        """Random ``(i, j, h, w)`` of a crop with the given area ``scale`` and aspect ``ratio`` ranges.

        Args:
            img (PIL Image or Tensor): input image.
            scale (list): range of the crop area relative to the image.
            ratio (list): range of the aspect ratio.

        Example:
            >>> i, j, h, w = RandomResizedCrop.get_params(ember.rand(3, 13, 17), [0.5, 1.0], [0.75, 1.33])
            >>> 0 < h <= 13 and 0 < w <= 17
            True
        """
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = _randint(0, height - h + 1)
                j = _randint(0, width - w + 1)
                return i, j, h, w
        # Fallback to central crop
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w = width
            h = int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            h = height
            w = int(round(h * max(ratio)))
        else:
            w = width
            h = height
        i = (height - h) // 2
        j = (width - w) // 2
        return i, j, h, w

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)

    def __repr__(self):
        format_string = self.__class__.__name__ + f"(size={self.size}"
        format_string += f", scale={tuple(round(s, 4) for s in self.scale)}"
        format_string += f", ratio={tuple(round(r, 4) for r in self.ratio)}"
        format_string += f", interpolation={self.interpolation.value}"
        format_string += f", antialias={self.antialias})"
        return format_string


class FiveCrop(_Transform):
    """Crop the four corners and the center of an image; returns a tuple of 5 images.

    Args:
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.

    Example:
        >>> len(FiveCrop(5)(ember.rand(3, 13, 17)))
        5
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)

    def forward(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class TenCrop(_Transform):
    """Five crops of an image and of its flipped version; returns a tuple of 10 images.

    Args:
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.
        vertical_flip (bool): flip vertically instead of horizontally.

    Example:
        >>> len(TenCrop(5)(ember.rand(3, 13, 17)))
        10
    """

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class ColorJitter(_Transform):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Args:
        brightness (float or tuple): factor drawn from ``[max(0, 1 - b), 1 + b]`` or the given ``(min, max)``.
        contrast (float or tuple): as brightness.
        saturation (float or tuple): as brightness.
        hue (float or tuple): shift drawn from ``[-hue, hue]`` or ``(min, max)``, within ``[-0.5, 0.5]``.

    Example:
        >>> ColorJitter(brightness=0.2, hue=0.1)
        ColorJitter(brightness=(0.8, 1.2), contrast=None, saturation=None, hue=(-0.1, 0.1))
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    def _check_input(self, value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        # 0 or (1., 1.) for brightness/contrast/saturation, 0 for hue: do nothing
        if value[0] == value[1] == center:
            return None
        return tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """Random order and factors: ``(fn_idx, brightness, contrast, saturation, hue)``.

        Args:
            brightness, contrast, saturation, hue (tuple or None): ranges to draw from (``None`` skips).

        Example:
            >>> fn_idx, b, c, s, h = ColorJitter.get_params((0.5, 1.5), None, None, None)
            >>> sorted(fn_idx.tolist()), c is None
            ([0, 1, 2, 3], True)
        """
        fn_idx = ember.from_numpy(_rng().permutation(4).astype(np.int64))
        b = None if brightness is None else _uniform(brightness[0], brightness[1])
        c = None if contrast is None else _uniform(contrast[0], contrast[1])
        s = None if saturation is None else _uniform(saturation[0], saturation[1])
        h = None if hue is None else _uniform(hue[0], hue[1])
        return fn_idx, b, c, s, h

    def forward(self, img):
        fn_idx, brightness_factor, contrast_factor, saturation_factor, hue_factor = self.get_params(
            self.brightness, self.contrast, self.saturation, self.hue
        )
        for fn_id in fn_idx.tolist():
            if fn_id == 0 and brightness_factor is not None:
                img = F.adjust_brightness(img, brightness_factor)
            elif fn_id == 1 and contrast_factor is not None:
                img = F.adjust_contrast(img, contrast_factor)
            elif fn_id == 2 and saturation_factor is not None:
                img = F.adjust_saturation(img, saturation_factor)
            elif fn_id == 3 and hue_factor is not None:
                img = F.adjust_hue(img, hue_factor)
        return img

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(brightness={self.brightness}, contrast={self.contrast}, "
            f"saturation={self.saturation}, hue={self.hue})"
        )


def _tensor_fill(img, fill):
    if isinstance(img, ember.Tensor):
        channels = F.get_dimensions(img)[0]
        if isinstance(fill, (int, float)):
            return [float(fill)] * channels
        return [float(f) for f in fill]
    return fill


class RandomRotation(_Transform):
    """Rotate an image by a random angle.

    Args:
        degrees (number or sequence): range ``(min, max)``, or ``d`` for ``(-d, d)``.
        interpolation (InterpolationMode): default ``NEAREST``.
        expand (bool): enlarge the output to hold the whole rotated image.
        center (sequence, optional): center of rotation ``(x, y)``; default the image center.
        fill (sequence or number): value for pixels outside the rotated image. Default: 0.

    Example:
        >>> tuple(RandomRotation(10)(ember.rand(3, 13, 17)).shape)
        (3, 13, 17)
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        super().__init__()
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = interpolation
        self.expand = expand
        if fill is None:
            fill = 0
        elif not isinstance(fill, (Sequence, numbers.Number)):
            raise TypeError("Fill should be either a sequence or a number.")
        self.fill = fill

    @staticmethod
    def get_params(degrees):
        """A random angle drawn uniformly from ``degrees = [min, max]``.

        Example:
            >>> -10.0 <= RandomRotation.get_params([-10.0, 10.0]) <= 10.0
            True
        """
        return _uniform(float(degrees[0]), float(degrees[1]))

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self):
        format_string = self.__class__.__name__ + f"(degrees={self.degrees}"
        format_string += f", interpolation={self.interpolation.value}"
        format_string += f", expand={self.expand}"
        if self.center is not None:
            format_string += f", center={self.center}"
        if self.fill is not None:
            format_string += f", fill={self.fill}"
        format_string += ")"
        return format_string


def _check_affine_ranges(translate, scale):
    """RandomAffine's checks of ``translate`` (fractions in [0, 1]) and ``scale`` (positive)."""
    if translate is not None:
        _check_sequence_input(translate, "translate", req_sizes=(2,))
        for t in translate:
            if not (0.0 <= t <= 1.0):
                raise ValueError("translation values should be between 0 and 1")
    if scale is not None:
        _check_sequence_input(scale, "scale", req_sizes=(2,))
        for s in scale:
            if s <= 0:
                raise ValueError("scale values should be positive")
    return translate, scale


class RandomAffine(_Transform):
    """Random affine transformation keeping the center invariant.

    Args:
        degrees (number or sequence): rotation range ``(min, max)`` or ``d`` for ``(-d, d)``; 0 disables.
        translate (tuple, optional): maximum fractions ``(a, b)`` of width/height to translate by.
        scale (tuple, optional): scale range ``(min, max)``.
        shear (number or sequence, optional): shear range(s) in degrees, 2 values (x) or 4 values (x, y).
        interpolation (InterpolationMode): default ``NEAREST``.
        fill (sequence or number): value for pixels outside the transformed image. Default: 0.
        center (sequence, optional): center ``(x, y)``; default the image center.

    Example:
        >>> RandomAffine(10, translate=(0.1, 0.1))
        RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1))
    """

    def __init__(
        self,
        degrees,
        translate=None,
        scale=None,
        shear=None,
        interpolation=InterpolationMode.NEAREST,
        fill=0,
        center=None,
    ):
        super().__init__()
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.translate, self.scale = _check_affine_ranges(translate, scale)
        if shear is not None:
            self.shear = _setup_angle(shear, name="shear", req_sizes=(2, 4))
        else:
            self.shear = shear
        self.interpolation = interpolation
        if fill is None:
            fill = 0
        elif not isinstance(fill, (Sequence, numbers.Number)):
            raise TypeError("Fill should be either a sequence or a number.")
        self.fill = fill
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        """Random ``(angle, (tx, ty), scale, (shear_x, shear_y))`` for an image of ``img_size = [w, h]``.

        Example:
            >>> angle, t, s, sh = RandomAffine.get_params([-5.0, 5.0], None, None, None, [17, 13])
            >>> t, s, sh
            ((0, 0), 1.0, (0.0, 0.0))
        """
        angle = _uniform(float(degrees[0]), float(degrees[1]))
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            tx = int(round(_uniform(-max_dx, max_dx)))
            ty = int(round(_uniform(-max_dy, max_dy)))
            translations = (tx, ty)
        else:
            translations = (0, 0)
        if scale_ranges is not None:
            scale = _uniform(scale_ranges[0], scale_ranges[1])
        else:
            scale = 1.0
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        _, height, width = F.get_dimensions(img)
        ret = self.get_params(self.degrees, self.translate, self.scale, self.shear, [width, height])
        return F.affine(img, *ret, interpolation=self.interpolation, fill=fill, center=self.center)

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += f", interpolation={self.interpolation.value}" if self.interpolation != InterpolationMode.NEAREST else ""
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        s += ")"
        return s


class Grayscale(_Transform):
    """Convert an image to grayscale.

    Args:
        num_output_channels (int): 1, or 3 for r = g = b. Default: 1.

    Example:
        >>> tuple(Grayscale()(ember.rand(3, 13, 17)).shape)
        (1, 13, 17)
    """

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self):
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(_Transform):
    """Convert an image to grayscale (same channel count) with probability ``p``.

    Args:
        p (float): probability. Default: 0.1.

    Example:
        >>> out = RandomGrayscale(p=1.0)(ember.rand(3, 13, 17))
        >>> bool((out[0] == out[2]).all())
        True
    """

    def __init__(self, p=0.1):
        super().__init__()
        self.p = p

    def forward(self, img):
        num_output_channels, _, _ = F.get_dimensions(img)
        if _rand() < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=num_output_channels)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomErasing(_Transform):
    """Erase a random rectangle of a tensor image with probability ``p`` (Zhong et al., 2017).

    Args:
        p (float): probability. Default: 0.5.
        scale (tuple): range of the erased area relative to the image. Default: ``(0.02, 0.33)``.
        ratio (tuple): range of the aspect ratio. Default: ``(0.3, 3.3)``.
        value (number, sequence or "random"): fill value(s); ``"random"`` draws normal noise. Default: 0.
        inplace (bool): erase in place. Default: ``False``.

    Example:
        >>> out = RandomErasing(p=1.0)(ember.ones(3, 13, 17))
        >>> out.min().item()
        0.0
    """

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        super().__init__()
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """Random ``(i, j, h, w, v)`` of the region to erase; ``v`` is the erasing value tensor.

        Args:
            img (Tensor): image of shape (..., C, H, W).
            scale (tuple): range of the erased area relative to the image.
            ratio (tuple): range of the aspect ratio.
            value (list, optional): erasing value; ``None`` draws normal noise.

        Example:
            >>> i, j, h, w, v = RandomErasing.get_params(ember.ones(3, 13, 17), (0.1, 0.2), (0.5, 2.0), [0.0])
            >>> h < 13 and w < 17
            True
        """
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            erase_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = ember.from_numpy(_rng().standard_normal((img_c, h, w), dtype=np.float32))
            else:
                v = ember.from_numpy(np.asarray(value, dtype=np.float32)[:, None, None])
            i = _randint(0, img_h - h + 1)
            j = _randint(0, img_w - w + 1)
            return i, j, h, w, v
        # Return original image
        return 0, 0, img_h, img_w, img

    def forward(self, img):
        if _rand() < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            elif isinstance(self.value, (list, tuple)):
                value = [float(v) for v in self.value]
            else:
                value = self.value
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError(
                    "If value is a sequence, it should have either a single value or "
                    f"{img.shape[-3]} (number of input channels)"
                )
            x, y, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
            return F.erase(img, x, y, h, w, v, self.inplace)
        return img

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
            f"value={self.value}, inplace={self.inplace})"
        )


class GaussianBlur(_Transform):
    """Blur an image with a Gaussian kernel of random standard deviation.

    Args:
        kernel_size (int or sequence): odd, positive kernel size.
        sigma (float or tuple): fixed sigma, or ``(min, max)`` range to draw from. Default: ``(0.1, 2.0)``.

    Example:
        >>> GaussianBlur(3)
        GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))
    """

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two integers")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        """A sigma drawn uniformly from ``[sigma_min, sigma_max]``.

        Example:
            >>> 0.1 <= GaussianBlur.get_params(0.1, 2.0) <= 2.0
            True
        """
        return _uniform(sigma_min, sigma_max)

    def forward(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [sigma, sigma])

    def __repr__(self):
        return f"{self.__class__.__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomInvert(_RandomOp):
    """Invert the colors of an image with probability ``p``.

    Args:
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomInvert(p=1.0)(ember.full((1, 1, 1), 0.25)).item()
        0.75
    """
    _op = staticmethod(F.invert)


class RandomPosterize(_Transform):
    """Posterize a uint8 image to ``bits`` bits per channel with probability ``p``.

    Args:
        bits (int): bits to keep (0-8).
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomPosterize(2, p=1.0)(ember.tensor([[[255]]], dtype=ember.uint8)).item()
        192
    """

    def __init__(self, bits, p=0.5):
        super().__init__()
        self.bits = bits
        self.p = p

    def forward(self, img):
        if _rand() < self.p:
            return F.posterize(img, self.bits)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(bits={self.bits},p={self.p})"


class RandomSolarize(_Transform):
    """Solarize an image (invert pixels ``>= threshold``) with probability ``p``.

    Args:
        threshold (float): inversion threshold.
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomSolarize(0.5, p=1.0)(ember.full((1, 1, 1), 0.75)).item()
        0.25
    """

    def __init__(self, threshold, p=0.5):
        super().__init__()
        self.threshold = threshold
        self.p = p

    def forward(self, img):
        if _rand() < self.p:
            return F.solarize(img, self.threshold)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(threshold={self.threshold},p={self.p})"


class RandomAdjustSharpness(_Transform):
    """Adjust the sharpness of an image by ``sharpness_factor`` with probability ``p``.

    Args:
        sharpness_factor (float): non-negative factor (0 blurs, 1 keeps, 2 sharpens).
        p (float): probability. Default: 0.5.

    Example:
        >>> tuple(RandomAdjustSharpness(2.0, p=1.0)(ember.rand(3, 13, 17)).shape)
        (3, 13, 17)
    """

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__()
        self.sharpness_factor = sharpness_factor
        self.p = p

    def forward(self, img):
        if _rand() < self.p:
            return F.adjust_sharpness(img, self.sharpness_factor)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(sharpness_factor={self.sharpness_factor},p={self.p})"


class RandomAutocontrast(_RandomOp):
    """Autocontrast an image with probability ``p``.

    Args:
        p (float): probability. Default: 0.5.

    Example:
        >>> RandomAutocontrast(p=1.0)(ember.tensor([[[0.25, 0.5]]])).tolist()
        [[[0.0, 1.0]]]
    """
    _op = staticmethod(F.autocontrast)


class RandomEqualize(_RandomOp):
    """Equalize the histogram of an image with probability ``p`` (see :func:`functional.equalize`).

    Args:
        p (float): probability. Default: 0.5.

    Example:
        >>> img = (ember.arange(512) // 4).to(ember.uint8).reshape(1, 16, 32)
        >>> out = RandomEqualize(p=1.0)(img)
        >>> out.min().item(), out.max().item()
        (0, 255)
    """
    _op = staticmethod(F.equalize)


class RandomPerspective(_Transform):
    """Apply a random perspective transform with probability ``p``.

    Each corner of the image moves inwards by a random amount of up to ``distortion_scale`` times half
    the image width (horizontally) and height (vertically).

    Args:
        distortion_scale (float): degree of distortion, from 0 to 1. Default: 0.5.
        p (float): probability of transforming the image. Default: 0.5.
        interpolation (InterpolationMode): default ``BILINEAR``; tensors support ``NEAREST`` and
            ``BILINEAR``. Pillow integer constants are accepted too.
        fill (sequence or number): value for pixels outside the transformed image. Default: 0.

    Example:
        >>> t = RandomPerspective(distortion_scale=0.6, p=1.0)
        >>> tuple(t(ember.rand(3, 13, 17)).shape)
        (3, 13, 17)
    """

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.p = p
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.distortion_scale = distortion_scale
        if fill is None:
            fill = 0
        elif not isinstance(fill, (Sequence, numbers.Number)):
            raise TypeError("Fill should be either a sequence or a number.")
        self.fill = fill

    def forward(self, img):
        fill = _tensor_fill(img, self.fill)
        _, height, width = F.get_dimensions(img)
        if _rand() < self.p:
            startpoints, endpoints = self.get_params(width, height, self.distortion_scale)
            return F.perspective(img, startpoints, endpoints, self.interpolation, fill)
        return img

    @staticmethod
    def get_params(width, height, distortion_scale):
        """Random corners for :func:`functional.perspective`.

        Args:
            width (int): image width.
            height (int): image height.
            distortion_scale (float): degree of distortion, from 0 to 1.

        Returns:
            ``(startpoints, endpoints)``: the image corners ``[top-left, top-right, bottom-right,
            bottom-left]`` and where they move to, each as ``[x, y]``.

        Example:
            >>> start, end = RandomPerspective.get_params(17, 13, 0.5)
            >>> start
            [[0, 0], [16, 0], [16, 12], [0, 12]]
            >>> 0 <= end[0][0] <= 4 and 12 <= end[1][0] <= 16
            True
        """
        half_height = height // 2
        half_width = width // 2
        dw = int(distortion_scale * half_width)
        dh = int(distortion_scale * half_height)
        topleft = [_randint(0, dw + 1), _randint(0, dh + 1)]
        topright = [_randint(width - dw - 1, width), _randint(0, dh + 1)]
        botright = [_randint(width - dw - 1, width), _randint(height - dh - 1, height)]
        botleft = [_randint(0, dw + 1), _randint(height - dh - 1, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        endpoints = [topleft, topright, botright, botleft]
        return startpoints, endpoints

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


def _pair_of_floats(value, name):
    if not isinstance(value, (float, Sequence)):
        raise TypeError(f"{name} should be float or a sequence of floats. Got {type(value)}")
    if isinstance(value, Sequence) and len(value) != 2:
        raise ValueError(f"If {name} is a sequence its length should be 2. Got {len(value)}")
    if isinstance(value, Sequence):
        for element in value:
            if not isinstance(element, float):
                raise TypeError(f"{name} should be a sequence of floats. Got {type(element)}")
    if isinstance(value, float):
        value = [float(value), float(value)]
    return value


class ElasticTransform(_Transform):
    """Warp an image with a random, smooth displacement field ("elastic" deformation).

    Random offsets in ``[-1, 1]`` are blurred with a Gaussian of standard deviation ``sigma`` and scaled
    by ``alpha`` (in pixels, relative to the image size); see :func:`functional.elastic_transform`.

    Args:
        alpha (float or sequence of floats): displacement magnitude ``(x, y)``. Default: 50.0.
        sigma (float or sequence of floats): smoothness ``(x, y)``. Default: 5.0.
        interpolation (InterpolationMode): ``BILINEAR`` (default) or ``NEAREST``.
        fill (sequence or number): value for pixels sampled from outside the image. Default: 0.

    Example:
        >>> t = ElasticTransform(alpha=20.0, sigma=3.0)
        >>> tuple(t(ember.rand(3, 32, 32)).shape)
        (3, 32, 32)
    """

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = _pair_of_floats(alpha, "alpha")
        self.sigma = _pair_of_floats(sigma, "sigma")
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise TypeError(f"fill should be int or float or a list or tuple of them. Got {type(fill)}")
        self.fill = fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """A random displacement field of shape ``[1, H, W, 2]`` for :func:`functional.elastic_transform`.

        Args:
            alpha (list of float): magnitudes ``[alpha_x, alpha_y]``.
            sigma (list of float): Gaussian smoothing ``[sigma_x, sigma_y]`` (0 disables the blur).
            size (list of int): image size ``[H, W]``.

        Example:
            >>> tuple(ElasticTransform.get_params([50.0, 50.0], [5.0, 5.0], [32, 32]).shape)
            (1, 32, 32, 2)
        """
        fields = []
        for axis, norm in ((0, size[1]), (1, size[0])):
            d = ember.rand([1, 1] + list(size)) * 2 - 1
            if sigma[axis] > 0.0:
                k = int(8 * sigma[axis] + 1)
                if k % 2 == 0:  # the kernel size must be odd
                    k += 1
                d = F.gaussian_blur(d, [k, k], sigma)
            fields.append(d * alpha[axis] / norm)
        return ember.cat(fields, 1).permute(0, 2, 3, 1)

    def forward(self, tensor):
        _, height, width = F.get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return F.elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self):
        format_string = self.__class__.__name__
        format_string += f"(alpha={self.alpha}"
        format_string += f", sigma={self.sigma}"
        format_string += f", interpolation={self.interpolation}"
        format_string += f", fill={self.fill})"
        return format_string


class LinearTransformation(_Transform):
    """Flatten a tensor image, subtract ``mean_vector`` and multiply by ``transformation_matrix``.

    Used for whitening (e.g. ZCA): with ``X`` the zero-centred data as rows, compute the covariance
    ``X.T @ X``, take its SVD and pass the whitening matrix here. Tensors only (no PIL images).
    Built from ember tensor operations, so gradients flow through it.

    Args:
        transformation_matrix (Tensor): ``[D, D]`` matrix with ``D = C * H * W``.
        mean_vector (Tensor): ``[D]`` vector.

    Example:
        >>> t = LinearTransformation(2 * ember.eye(12), ember.ones(12))
        >>> t(ember.ones(3, 2, 2) * 3).flatten().tolist()[:3]
        [4.0, 4.0, 4.0]
    """

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        if transformation_matrix.size(0) != transformation_matrix.size(1):
            raise ValueError(
                "transformation_matrix should be square. Got "
                f"{tuple(transformation_matrix.size())} rectangular matrix."
            )
        if mean_vector.size(0) != transformation_matrix.size(0):
            raise ValueError(
                f"mean_vector should have the same length {mean_vector.size(0)}"
                f" as any one of the dimensions of the transformation_matrix [{tuple(transformation_matrix.size())}]"
            )
        if transformation_matrix.device != mean_vector.device:
            raise ValueError(
                f"Input tensors should be on the same device. Got {transformation_matrix.device} and {mean_vector.device}"
            )
        if transformation_matrix.dtype != mean_vector.dtype:
            raise ValueError(
                f"Input tensors should have the same dtype. Got {transformation_matrix.dtype} and {mean_vector.dtype}"
            )
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def forward(self, tensor):
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError(
                "Input tensor and transformation matrix have incompatible shape."
                + f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != "
                + f"{self.transformation_matrix.shape[0]}"
            )
        if tensor.device.type != self.mean_vector.device.type:
            raise ValueError(
                "Input tensor should be on the same device as transformation matrix and mean vector. "
                f"Got {tensor.device} vs {self.mean_vector.device}"
            )
        flat_tensor = tensor.reshape(-1, n) - self.mean_vector
        transformation_matrix = self.transformation_matrix.to(flat_tensor.dtype)
        transformed_tensor = ember.mm(flat_tensor, transformation_matrix)
        return transformed_tensor.reshape(shape)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(transformation_matrix="
            f"{self.transformation_matrix.tolist()}"
            f", mean_vector={self.mean_vector.tolist()})"
        )
