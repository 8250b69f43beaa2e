"""Functional image transforms: ``ember.vision.transforms.functional`` (torchvision's ``transforms.functional``).

Every function accepts a PIL image or an ember tensor image. Tensor images are laid out
``[..., C, H, W]`` (``(C, H, W)`` or a batch ``(N, C, H, W)``), ``uint8`` in ``[0, 255]`` or floating
point in ``[0, 1]``. PIL images go through the same Pillow operations torchvision uses, so their
results are identical to torchvision's; tensors are processed with NumPy following torch's arithmetic
(``interpolate``, ``grid_sample``, ``conv2d``), so results match torchvision up to float rounding.

Tensor outputs are new tensors that do not track gradients, except :func:`normalize`, which is built
from ember tensor operations and is differentiable.

Example:
    >>> import ember
    >>> import ember.vision.transforms.functional as F
    >>> img = ember.rand(3, 13, 17)
    >>> tuple(F.resize(img, [6, 8]).shape)
    (3, 6, 8)
"""

import math
import numbers
import sys
import warnings
from enum import Enum

import numpy as np

import ember

from . import _functional_pil as F_pil
from . import _functional_tensor as F_t

__all__ = [
    "InterpolationMode",
    "get_dimensions",
    "get_image_size",
    "get_image_num_channels",
    "to_tensor",
    "pil_to_tensor",
    "to_pil_image",
    "convert_image_dtype",
    "normalize",
    "resize",
    "pad",
    "crop",
    "center_crop",
    "resized_crop",
    "hflip",
    "vflip",
    "five_crop",
    "ten_crop",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_saturation",
    "adjust_hue",
    "adjust_gamma",
    "adjust_sharpness",
    "rotate",
    "affine",
    "to_grayscale",
    "rgb_to_grayscale",
    "erase",
    "gaussian_blur",
    "invert",
    "posterize",
    "solarize",
    "autocontrast",
    "equalize",
    "perspective",
    "elastic_transform",
]


class InterpolationMode(Enum):
    """Interpolation modes: ``nearest``, ``nearest-exact``, ``bilinear``, ``bicubic``, ``box``, ``hamming``
    and ``lanczos`` (the last three only for PIL images).

    Example:
        >>> InterpolationMode.BILINEAR.value
        'bilinear'
    """

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    # For PIL compatibility
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _interpolation_modes_from_int(i):
    inverse_modes_mapping = {
        0: InterpolationMode.NEAREST,
        2: InterpolationMode.BILINEAR,
        3: InterpolationMode.BICUBIC,
        4: InterpolationMode.BOX,
        5: InterpolationMode.HAMMING,
        1: InterpolationMode.LANCZOS,
    }
    return inverse_modes_mapping[i]


pil_modes_mapping = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
    InterpolationMode.NEAREST_EXACT: 0,
    InterpolationMode.BOX: 4,
    InterpolationMode.HAMMING: 5,
    InterpolationMode.LANCZOS: 1,
}

_is_pil_image = F_pil.is_pil_image


def _check_interpolation(interpolation):
    if isinstance(interpolation, int) and not isinstance(interpolation, bool):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError(
            "Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant"
        )
    return interpolation


# ------------------------------------------------------------------------------------------------
# ember tensor <-> NumPy
# ------------------------------------------------------------------------------------------------


def _is_tensor(x):
    return isinstance(x, ember.Tensor)


def _np(t):
    """The NumPy array behind an ember tensor (copied to host if it lives on a GPU)."""
    arr = t._data
    if not isinstance(arr, np.ndarray):
        arr = arr.get()  # cupy -> numpy
    return arr


def _wrap(arr, like=None, dtype=None):
    """Wrap a NumPy array as an ember tensor with ``like``'s dtype (or ``dtype``) and device."""
    out = ember.from_numpy(np.ascontiguousarray(arr))
    target = dtype if dtype is not None else (like.dtype if like is not None else None)
    if target is not None and out.dtype != target:
        out = out.to(target)
    if like is not None and like.device.type != "cpu":
        out = out.to(like.device)
    return out


def _assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def _assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")


def _is_floating(t):
    return t.dtype.is_floating_point


# ------------------------------------------------------------------------------------------------
# sizes
# ------------------------------------------------------------------------------------------------


def get_dimensions(img):
    """Return the dimensions of an image as ``[channels, height, width]``.

    Args:
        img (PIL Image or Tensor): the image.

    Example:
        >>> get_dimensions(ember.zeros(3, 13, 17))
        [3, 13, 17]
    """
    if _is_tensor(img):
        _assert_image_tensor(img)
        channels = 1 if img.ndim == 2 else int(img.shape[-3])
        return [channels, int(img.shape[-2]), int(img.shape[-1])]
    return F_pil.get_dimensions(img)


def get_image_size(img):
    """Return the size of an image as ``[width, height]``.

    Args:
        img (PIL Image or Tensor): the image.

    Example:
        >>> get_image_size(ember.zeros(3, 13, 17))
        [17, 13]
    """
    if _is_tensor(img):
        _assert_image_tensor(img)
        return [int(img.shape[-1]), int(img.shape[-2])]
    return F_pil.get_image_size(img)


def get_image_num_channels(img):
    """Return the number of channels of an image.

    Args:
        img (PIL Image or Tensor): the image.

    Example:
        >>> get_image_num_channels(ember.zeros(3, 13, 17))
        3
    """
    return get_dimensions(img)[0]


# ------------------------------------------------------------------------------------------------
# conversions
# ------------------------------------------------------------------------------------------------


def _default_float_dtype():
    getter = getattr(ember, "get_default_dtype", None)
    return getter() if getter is not None else ember.float32


def to_tensor(pic):
    """Convert a PIL image or a NumPy ``ndarray`` (H x W x C) to a tensor (C x H x W).

    ``uint8`` data (PIL modes ``L, LA, P, RGB, RGBA, YCbCr, CMYK, 1`` or a ``uint8`` array) is scaled to a
    float tensor in ``[0.0, 1.0]``; modes ``I``/``I;16``/``F`` and non-``uint8`` arrays keep their values
    and dtype.

    Args:
        pic (PIL Image or numpy.ndarray): image to convert.

    Example:
        >>> import numpy as np
        >>> t = to_tensor(np.full((13, 17, 3), 255, dtype=np.uint8))
        >>> tuple(t.shape), t.dtype == ember.float32, float(t.max())
        ((3, 13, 17), True, 1.0)
    """
    if not (_is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray) and pic.ndim not in (2, 3):
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    default_float_dtype = _default_float_dtype()

    if isinstance(pic, np.ndarray):
        if pic.ndim == 2:
            pic = pic[:, :, None]
        arr = np.ascontiguousarray(pic.transpose((2, 0, 1)))
        if arr.dtype == np.uint8:
            return _wrap(arr.astype(default_float_dtype.np) / default_float_dtype.np.type(255), dtype=default_float_dtype)
        return _wrap(arr)

    mode_to_nptype = {"I": np.int32, "I;16" if sys.byteorder == "little" else "I;16B": np.int16, "F": np.float32}
    arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = (255 * arr).astype(np.uint8)
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    arr = np.ascontiguousarray(arr.transpose((2, 0, 1)))
    if arr.dtype == np.uint8:
        return _wrap(arr.astype(default_float_dtype.np) / default_float_dtype.np.type(255), dtype=default_float_dtype)
    return _wrap(arr)


def pil_to_tensor(pic):
    """Convert a PIL image to a tensor (C x H x W) of the same type, without scaling.

    Args:
        pic (PIL Image): image to convert.

    Example:
        >>> from PIL import Image
        >>> t = pil_to_tensor(Image.new("RGB", (17, 13)))
        >>> tuple(t.shape), t.dtype == ember.uint8
        ((3, 13, 17), True)
    """
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    arr = arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    return _wrap(arr.transpose((2, 0, 1)))


def convert_image_dtype(image, dtype=None):
    """Convert a tensor image to ``dtype`` and rescale its values (``uint8`` 255 <-> float 1.0).

    Args:
        image (Tensor): image to convert.
        dtype (ember.dtype): desired dtype. Default: ``ember.float32``.

    Raises:
        RuntimeError: for float32 -> int32/int64 and float64 -> int64, which cannot be done safely.

    Example:
        >>> t = ember.tensor([[[0, 255]]], dtype=ember.uint8)
        >>> convert_image_dtype(t, ember.float32).tolist()
        [[[0.0, 1.0]]]
    """
    if dtype is None:
        dtype = ember.float32
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype == dtype:
        return image
    arr = _np(image)
    out = F_t.convert_image_dtype(arr, dtype.np, dtype.is_floating_point)
    if out is None:
        raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
    return _wrap(out, like=image, dtype=dtype)


def to_pil_image(pic, mode=None):
    """Convert a tensor (C x H x W) or an ndarray (H x W x C) to a PIL image.

    Float data is multiplied by 255 and truncated to ``uint8`` (unless ``mode="F"``). Without ``mode``
    the mode follows the channel count: 1 -> ``L``/``I;16``/``I``/``F`` by dtype, 2 -> ``LA``,
    3 -> ``RGB``, 4 -> ``RGBA``.

    Args:
        pic (Tensor or numpy.ndarray): image to convert.
        mode (str, optional): PIL mode of the input data.

    Example:
        >>> to_pil_image(ember.ones(3, 13, 17)).size
        (17, 13)
    """
    if _is_tensor(pic):
        if pic.ndim == 3:
            npimg = _np(pic).transpose((1, 2, 0))
        else:
            npimg = _np(pic)
    elif isinstance(pic, np.ndarray):
        npimg = pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")

    if npimg.ndim == 2:
        npimg = np.expand_dims(npimg, 2)
    if npimg.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {npimg.ndim} dimensions.")
    if npimg.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")

    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)

    if npimg.shape[2] == 1:
        expected_mode = None
        npimg = npimg[:, :, 0]
        if npimg.dtype == np.uint8:
            expected_mode = "L"
        elif npimg.dtype == np.int16:
            expected_mode = "I;16" if sys.byteorder == "little" else "I;16B"
        elif npimg.dtype == np.int32:
            expected_mode = "I"
        elif npimg.dtype == np.float32:
            expected_mode = "F"
        if mode is not None and mode != expected_mode:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. Should be {expected_mode}")
        mode = expected_mode
    elif npimg.shape[2] == 2:
        permitted_2_channel_modes = ["LA"]
        if mode is not None and mode not in permitted_2_channel_modes:
            raise ValueError(f"Only modes {permitted_2_channel_modes} are supported for 2D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "LA"
    elif npimg.shape[2] == 4:
        permitted_4_channel_modes = ["RGBA", "CMYK", "RGBX"]
        if mode is not None and mode not in permitted_4_channel_modes:
            raise ValueError(f"Only modes {permitted_4_channel_modes} are supported for 4D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGBA"
    else:
        permitted_3_channel_modes = ["RGB", "YCbCr", "HSV"]
        if mode is not None and mode not in permitted_3_channel_modes:
            raise ValueError(f"Only modes {permitted_3_channel_modes} are supported for 3D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGB"

    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return F_pil.image_fromarray(npimg, mode)


def normalize(tensor, mean, std, inplace=False):
    """Normalize a float tensor image channel-wise: ``out[c] = (in[c] - mean[c]) / std[c]``.

    Built from ember tensor operations, so gradients flow through it.

    Args:
        tensor (Tensor): float image of shape (..., C, H, W).
        mean (sequence): per-channel means.
        std (sequence): per-channel standard deviations.
        inplace (bool): modify ``tensor`` in place. Default: ``False``.

    Example:
        >>> out = normalize(ember.full((3, 2, 2), 0.5), [0.5, 0.5, 0.5], [0.25, 0.25, 0.25])
        >>> float(out.abs().max())
        0.0
    """
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    _assert_image_tensor(tensor)
    if not _is_floating(tensor):
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}"
        )
    if tensor.dtype in (ember.float32, ember.float64) and not (tensor.requires_grad and ember.is_grad_enabled()):
        return _normalize_array(tensor, mean, std, inplace)
    if not inplace:
        tensor = tensor.clone()
    dtype = tensor.dtype
    mean = ember.as_tensor(mean, dtype=dtype, device=tensor.device)
    std = ember.as_tensor(std, dtype=dtype, device=tensor.device)
    if bool((std == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def _bump_version(t):
    # in-place writes to t._data must be visible to autograd's saved-tensor checks
    box = getattr(t, "_version_box", None)
    if box is not None:
        box[0] += 1


def _normalize_array(tensor, mean, std, inplace):
    """Fast path of :func:`normalize` when no gradient is needed: plain array arithmetic."""
    arr = tensor._data
    xp = tensor.device.xp
    mean = xp.asarray(mean, dtype=arr.dtype)
    std = xp.asarray(std, dtype=arr.dtype)
    if bool((std == 0).any()):
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.reshape(-1, 1, 1)
    if std.ndim == 1:
        std = std.reshape(-1, 1, 1)
    if inplace:
        arr -= mean
        arr /= std
        _bump_version(tensor)
        return tensor
    return ember.Tensor._wrap((arr - mean) / std, dtype=tensor.dtype)


# ------------------------------------------------------------------------------------------------
# geometry
# ------------------------------------------------------------------------------------------------


def _compute_resized_output_size(image_size, size, max_size=None):
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:  # only the smaller edge is specified
        requested_new_short = size if isinstance(size, int) else size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested "
                    f"size for the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize an image.

    Args:
        img (PIL Image or Tensor): image to resize; tensors are ``[..., H, W]``.
        size (int or sequence): ``(h, w)`` output size, or an int to match the smaller edge while keeping
            the aspect ratio.
        interpolation (InterpolationMode): default ``BILINEAR``. Tensors support ``NEAREST``,
            ``NEAREST_EXACT``, ``BILINEAR`` and ``BICUBIC``. Pillow integer constants are accepted too.
        max_size (int, optional): upper bound for the longer edge when ``size`` is an int.
        antialias (bool, optional): antialias bilinear/bicubic tensor resizing (PIL always antialiases).
            Default: ``True``.

    Example:
        >>> tuple(resize(ember.rand(3, 13, 17), 6).shape)
        (3, 6, 7)
    """
    interpolation = _check_interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(
                f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list"
            )
        if max_size is not None and len(size) != 1:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the smaller edge, "
                "i.e. size should be an int or a sequence of length 1 in torchscript mode."
            )
    _, image_height, image_width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((image_height, image_width), size, max_size)
    if [image_height, image_width] == output_size:
        return img

    if not _is_tensor(img):
        if antialias is False:
            warnings.warn("Anti-alias option is always applied for PIL Image input. Argument antialias is ignored.")
        return F_pil.resize(img, output_size, pil_modes_mapping[interpolation])

    if interpolation.value not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {img.ndim}D) for the modes: "
            "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact "
            f"(got {interpolation.value}); use a PIL image for box/hamming/lanczos resampling"
        )
    _assert_image_tensor(img)
    return _wrap(F_t.resize(_np(img), output_size, interpolation.value, antialias), like=img)


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad an image on all sides.

    Args:
        img (PIL Image or Tensor): image to pad; tensors are ``[..., H, W]``.
        padding (int or sequence): one value for all borders, ``(left/right, top/bottom)``, or
            ``(left, top, right, bottom)``. Negative values crop.
        fill (number or tuple): constant fill value (tuples only for PIL images). Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Example:
        >>> tuple(pad(ember.rand(3, 13, 17), [1, 2]).shape)
        (3, 17, 19)
    """
    if not _is_tensor(img):
        return F_pil.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (list, tuple)) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    lrtb = F_t.parse_padding(padding)
    return _wrap(F_t.pad(_np(img), lrtb, fill, padding_mode), like=img)


def crop(img, top, left, height, width):
    """Crop an image; parts of the box outside the image are filled with 0.

    Args:
        img (PIL Image or Tensor): image to crop; tensors are ``[..., H, W]``.
        top (int): row of the top-left corner.
        left (int): column of the top-left corner.
        height (int): height of the box.
        width (int): width of the box.

    Example:
        >>> tuple(crop(ember.rand(3, 13, 17), 2, 3, 5, 7).shape)
        (3, 5, 7)
    """
    if not _is_tensor(img):
        return F_pil.crop(img, top, left, height, width)
    _assert_image_tensor(img)
    return _wrap(F_t.crop(_np(img), int(top), int(left), int(height), int(width)), like=img)


def center_crop(img, output_size):
    """Crop the center of an image (zero-padding first if the image is smaller than the crop).

    Args:
        img (PIL Image or Tensor): image to crop.
        output_size (int or sequence): ``(h, w)`` of the crop, or an int for a square.

    Example:
        >>> tuple(center_crop(ember.rand(3, 13, 17), 8).shape)
        (3, 8, 8)
    """
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(
    img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True
):
    """Crop an image and resize the crop to ``size`` (used by :class:`RandomResizedCrop`).

    Args:
        img (PIL Image or Tensor): image.
        top, left, height, width (int): the crop box.
        size (int or sequence): output size, as in :func:`resize`.
        interpolation (InterpolationMode): default ``BILINEAR``.
        antialias (bool, optional): as in :func:`resize`. Default: ``True``.

    Example:
        >>> tuple(resized_crop(ember.rand(3, 13, 17), 0, 0, 10, 10, [4, 4]).shape)
        (3, 4, 4)
    """
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Flip an image horizontally.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., H, W]``.

    Example:
        >>> hflip(ember.tensor([[[1., 2., 3.]]])).tolist()
        [[[3.0, 2.0, 1.0]]]
    """
    if not _is_tensor(img):
        return F_pil.hflip(img)
    _assert_image_tensor(img)
    return _wrap(_np(img)[..., ::-1], like=img)


def vflip(img):
    """Flip an image vertically.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., H, W]``.

    Example:
        >>> vflip(ember.tensor([[[1.], [2.]]])).tolist()
        [[[2.0], [1.0]]]
    """
    if not _is_tensor(img):
        return F_pil.vflip(img)
    _assert_image_tensor(img)
    return _wrap(_np(img)[..., ::-1, :], like=img)


def five_crop(img, size):
    """Crop the four corners and the center of an image.

    Args:
        img (PIL Image or Tensor): image.
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.

    Returns:
        tuple: ``(top_left, top_right, bottom_left, bottom_right, center)``.

    Example:
        >>> len(five_crop(ember.rand(3, 13, 17), 5))
        5
    """
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        msg = "Requested crop size {} is bigger than input size {}"
        raise ValueError(msg.format(size, (image_height, image_width)))
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    center = center_crop(img, [crop_height, crop_width])
    return tl, tr, bl, br, center


def ten_crop(img, size, vertical_flip=False):
    """:func:`five_crop` of the image and of its flipped version (horizontal flip by default).

    Args:
        img (PIL Image or Tensor): image.
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.
        vertical_flip (bool): flip vertically instead of horizontally.

    Example:
        >>> len(ten_crop(ember.rand(3, 13, 17), 5))
        10
    """
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    first_five = five_crop(img, size)
    img = vflip(img) if vertical_flip else hflip(img)
    return first_five + five_crop(img, size)


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    # The affine matrix is M = T * C * RotateScaleShear * C^-1 with
    # RotateScaleShear(a, s, (sx, sy)) = R(a) * S(s) * SHy(sy) * SHx(sx); Pillow wants its inverse.
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        matrix = [d, -b, 0.0, -c, a, 0.0]
        matrix = [x / scale for x in matrix]
        matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
        matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
        matrix[2] += cx
        matrix[5] += cy
    else:
        matrix = [a, b, 0.0, c, d, 0.0]
        matrix = [x * scale for x in matrix]
        matrix[2] += matrix[0] * (-cx) + matrix[1] * (-cy)
        matrix[5] += matrix[3] * (-cx) + matrix[4] * (-cy)
        matrix[2] += cx + tx
        matrix[5] += cy + ty
    return matrix


def _check_grid_inputs(img, interpolation, fill):
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list")
    num_channels = get_dimensions(img)[0]
    if fill is not None and isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != num_channels:
        msg = (
            "The number of elements in 'fill' cannot broadcast to match the number of "
            "channels of the image ({} != {})"
        )
        raise ValueError(msg.format(len(fill), num_channels))
    if interpolation not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate an image by ``angle`` degrees counter-clockwise.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., H, W]``.
        angle (number): rotation angle in degrees, counter-clockwise.
        interpolation (InterpolationMode): default ``NEAREST``; tensors support ``NEAREST`` and ``BILINEAR``.
        expand (bool): enlarge the output to hold the whole rotated image.
        center (sequence, optional): center of rotation ``(x, y)``; default the image center.
        fill (sequence or number, optional): value for pixels outside the rotated image.

    Example:
        >>> tuple(rotate(ember.rand(3, 13, 17), 90.0, expand=True).shape)
        (3, 17, 13)
    """
    interpolation = _check_interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not _is_tensor(img):
        return F_pil.rotate(
            img, angle=angle, interpolation=pil_modes_mapping[interpolation], expand=expand, center=center, fill=fill
        )
    _assert_image_tensor(img)
    center_f = [0.0, 0.0]
    if center is not None:
        _, height, width = get_dimensions(img)
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    # affine and rotate turn in opposite directions, hence -angle
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    _check_grid_inputs(img, interpolation.value, fill)
    arr = _np(img)
    w, h = arr.shape[-1], arr.shape[-2]
    out_size = F_t.affine_output_size(matrix, w, h) if expand else (w, h)
    return _wrap(F_t.affine(arr, matrix, interpolation.value, fill, out_size), like=img)


def _affine_parse_args(angle, translate, scale, shear, center):
    """torchvision's argument checks for ``affine`` (v1 and v2); returns them normalised."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None:
        if not isinstance(center, (list, tuple)):
            raise TypeError("Argument center should be a sequence")
        center = [float(c) for c in center]
    return angle, translate, shear, center


def affine(
    img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None
):
    """Apply an affine transformation keeping the image center invariant.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., H, W]``.
        angle (number): rotation angle in degrees, clockwise.
        translate (sequence of int): post-rotation translation ``(dx, dy)``.
        scale (float): overall scale.
        shear (float or sequence): shear angle(s) in degrees (x, then y).
        interpolation (InterpolationMode): default ``NEAREST``; tensors support ``NEAREST`` and ``BILINEAR``.
        fill (sequence or number, optional): value for pixels outside the transformed image.
        center (sequence, optional): center ``(x, y)``; default the image center.

    Example:
        >>> tuple(affine(ember.rand(3, 13, 17), 10.0, [1, 2], 1.1, [5.0]).shape)
        (3, 13, 17)
    """
    interpolation = _check_interpolation(interpolation)
    angle, translate, shear, center = _affine_parse_args(angle, translate, scale, shear, center)

    _, height, width = get_dimensions(img)
    if not _is_tensor(img):
        if center is None:
            center = [width * 0.5, height * 0.5]
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        return F_pil.affine(img, matrix=matrix, interpolation=pil_modes_mapping[interpolation], fill=fill)

    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    translate_f = [1.0 * t for t in translate]
    matrix = _get_inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    _check_grid_inputs(img, interpolation.value, fill)
    return _wrap(F_t.affine(_np(img), matrix, interpolation.value, fill), like=img)


# ------------------------------------------------------------------------------------------------
# color
# ------------------------------------------------------------------------------------------------


def to_grayscale(img, num_output_channels=1):
    """Convert a PIL image of any mode to grayscale (PIL images only; see :func:`rgb_to_grayscale`).

    Args:
        img (PIL Image): image.
        num_output_channels (int): 1, or 3 for an RGB image with r = g = b.

    Example:
        >>> from PIL import Image
        >>> to_grayscale(Image.new("RGB", (17, 13))).mode
        'L'
    """
    if _is_pil_image(img):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels=1):
    """Convert an RGB image to grayscale with ``L = 0.2989 R + 0.587 G + 0.114 B``.

    Args:
        img (PIL Image or Tensor): RGB image; tensors are ``[..., 3, H, W]``.
        num_output_channels (int): 1 or 3. Default: 1.

    Example:
        >>> tuple(rgb_to_grayscale(ember.rand(3, 13, 17)).shape)
        (1, 13, 17)
    """
    if not _is_tensor(img):
        return F_pil.to_grayscale(img, num_output_channels)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    return _wrap(F_t.rgb_to_grayscale(_np(img), num_output_channels), like=img)


def _check_factor(value, name):
    if value < 0:
        raise ValueError(f"{name} ({value}) is not non-negative.")


def adjust_brightness(img, brightness_factor):
    """Adjust brightness: 0 gives black, 1 the original, 2 doubles the brightness.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.
        brightness_factor (float): non-negative factor.

    Example:
        >>> adjust_brightness(ember.full((3, 2, 2), 0.25), 2.0).max().item()
        0.5
    """
    if not _is_tensor(img):
        return F_pil.adjust_brightness(img, brightness_factor)
    _check_factor(brightness_factor, "brightness_factor")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    arr = _np(img)
    return _wrap(F_t.blend(arr, np.zeros_like(arr), brightness_factor), like=img)


def adjust_contrast(img, contrast_factor):
    """Adjust contrast: 0 gives a solid gray image (the mean), 1 the original.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.
        contrast_factor (float): non-negative factor.

    Example:
        >>> out = adjust_contrast(ember.rand(3, 13, 17), 0.0)
        >>> bool((out.max() - out.min()).abs() < 1e-6)
        True
    """
    if not _is_tensor(img):
        return F_pil.adjust_contrast(img, contrast_factor)
    _check_factor(contrast_factor, "contrast_factor")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    return _wrap(F_t.adjust_contrast(_np(img), contrast_factor), like=img)


def adjust_saturation(img, saturation_factor):
    """Adjust color saturation: 0 gives a grayscale image, 1 the original.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.
        saturation_factor (float): non-negative factor.

    Example:
        >>> tuple(adjust_saturation(ember.rand(3, 13, 17), 0.5).shape)
        (3, 13, 17)
    """
    if not _is_tensor(img):
        return F_pil.adjust_saturation(img, saturation_factor)
    _check_factor(saturation_factor, "saturation_factor")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    arr = _np(img)
    return _wrap(F_t.blend(arr, F_t.rgb_to_grayscale(arr, 1), saturation_factor), like=img)


def adjust_hue(img, hue_factor):
    """Shift the hue (HSV H channel) cyclically by ``hue_factor`` in ``[-0.5, 0.5]``.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]`` with non-negative values.
        hue_factor (float): shift in ``[-0.5, 0.5]``.

    Example:
        >>> tuple(adjust_hue(ember.rand(3, 13, 17), 0.25).shape)
        (3, 13, 17)
    """
    if not _is_tensor(img):
        return F_pil.adjust_hue(img, hue_factor)
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:
        return img
    return _wrap(F_t.adjust_hue(_np(img), hue_factor), like=img)


def adjust_gamma(img, gamma, gain=1):
    """Gamma correction: ``out = 255 * gain * (in / 255) ** gamma``.

    Args:
        img (PIL Image or Tensor): image.
        gamma (float): non-negative exponent.
        gain (float): multiplier. Default: 1.

    Example:
        >>> adjust_gamma(ember.full((1, 1, 1), 0.25), 0.5).item()
        0.5
    """
    if not _is_tensor(img):
        return F_pil.adjust_gamma(img, gamma, gain)
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    arr = _np(img)
    res = arr if F_t.is_float(arr) else F_t.convert_image_dtype(arr, np.float32, True)
    res = np.clip(res.dtype.type(gain) * np.power(res, res.dtype.type(gamma)), 0, 1).astype(res.dtype)
    if res.dtype != arr.dtype:
        res = F_t.convert_image_dtype(res, arr.dtype, F_t.is_float(arr))
    return _wrap(res, like=img)


def adjust_sharpness(img, sharpness_factor):
    """Adjust sharpness: 0 gives a blurred image, 1 the original, 2 doubles the sharpness.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.
        sharpness_factor (float): non-negative factor.

    Example:
        >>> tuple(adjust_sharpness(ember.rand(3, 13, 17), 2.0).shape)
        (3, 13, 17)
    """
    if not _is_tensor(img):
        return F_pil.adjust_sharpness(img, sharpness_factor)
    _check_factor(sharpness_factor, "sharpness_factor")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    arr = _np(img)
    if arr.shape[-1] <= 2 or arr.shape[-2] <= 2:
        return img
    compute = arr.dtype if F_t.is_float(arr) else np.dtype(np.float32)
    kernel = np.ones((3, 3), dtype=np.float64)
    kernel[1, 1] = 5.0
    kernel = (kernel / kernel.sum()).astype(compute).astype(np.float64)
    x = arr.astype(np.float64)
    h, w = arr.shape[-2:]
    acc = np.zeros(arr.shape[:-2] + (h - 2, w - 2))
    for i in range(3):
        for j in range(3):
            acc += kernel[i, j] * x[..., i : i + h - 2, j : j + w - 2]
    acc = acc.astype(compute)
    if not F_t.is_float(arr):
        acc = np.round(acc)
    blurred = arr.copy()
    blurred[..., 1:-1, 1:-1] = acc.astype(arr.dtype)
    return _wrap(F_t.blend(arr, blurred, sharpness_factor), like=img)


def invert(img):
    """Invert the colors of an image (``max_value - img``).

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.

    Example:
        >>> invert(ember.tensor([[[0.25]]])).item()
        0.75
    """
    if not _is_tensor(img):
        return F_pil.invert(img)
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    arr = _np(img)
    return _wrap((arr.dtype.type(F_t.max_value(arr.dtype)) - arr).astype(arr.dtype), like=img)


def posterize(img, bits):
    """Keep only the ``bits`` most significant bits of each channel (uint8 images).

    Args:
        img (PIL Image or Tensor): ``uint8`` image.
        bits (int): number of bits to keep, 0 to 8.

    Example:
        >>> posterize(ember.tensor([[[255]]], dtype=ember.uint8), 2).item()
        192
    """
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if not _is_tensor(img):
        return F_pil.posterize(img, bits)
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    if img.dtype != ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    mask = np.uint8((0xFF << (8 - bits)) & 0xFF)
    return _wrap(_np(img) & mask, like=img)


def solarize(img, threshold):
    """Invert every pixel value at or above ``threshold``.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.
        threshold (float): pixels ``>= threshold`` are inverted.

    Example:
        >>> solarize(ember.tensor([[[0.25, 0.75]]]), 0.5).tolist()
        [[[0.25, 0.25]]]
    """
    if not _is_tensor(img):
        return F_pil.solarize(img, threshold)
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    arr = _np(img)
    if threshold > F_t.max_value(arr.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    inverted = (arr.dtype.type(F_t.max_value(arr.dtype)) - arr).astype(arr.dtype)
    return _wrap(np.where(arr >= threshold, inverted, arr), like=img)


def autocontrast(img):
    """Stretch each channel so its darkest pixel becomes black and its lightest white.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., 1 or 3, H, W]``.

    Example:
        >>> autocontrast(ember.tensor([[[0.25, 0.5]]])).tolist()
        [[[0.0, 1.0]]]
    """
    if not _is_tensor(img):
        return F_pil.autocontrast(img)
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found {img.ndim}")
    _assert_channels(img, [1, 3])
    arr = _np(img)
    bound = F_t.max_value(arr.dtype)
    compute = arr.dtype if F_t.is_float(arr) else np.dtype(np.float32)
    minimum = arr.min(axis=(-2, -1), keepdims=True).astype(compute)
    maximum = arr.max(axis=(-2, -1), keepdims=True).astype(compute)
    with np.errstate(divide="ignore", invalid="ignore"):
        # torch evaluates `bound / t` as `t.reciprocal() * bound`: the rounding matters for uint8 output
        scale = (compute.type(1) / (maximum - minimum)).astype(compute) * compute.type(bound)
    eq = ~np.isfinite(scale)
    minimum[eq] = 0
    scale[eq] = 1
    out = np.clip((arr.astype(compute) - minimum) * scale, 0, bound).astype(arr.dtype)
    return _wrap(out, like=img)


def equalize(img):
    """Equalize the histogram of an image, so that its values spread over the whole range.

    PIL images go through ``ImageOps.equalize``; tensors follow torchvision's per-channel 256-bin
    histogram and lookup table, so both match torchvision exactly.

    Args:
        img (PIL Image or Tensor): ``uint8`` image; tensors are ``(C, H, W)`` or ``(N, C, H, W)`` with 1 or
            3 channels; PIL images are mode ``"P"``, ``"L"`` or ``"RGB"``.

    Example:
        >>> img = ember.tensor([[[0, 0, 1, 2], [2, 3, 3, 3]]], dtype=ember.uint8).repeat(1, 50, 40)
        >>> equalize(img)[0, :2, :4].tolist()
        [[0, 0, 103, 154], [154, 255, 255, 255]]
    """
    if not _is_tensor(img):
        return F_pil.equalize(img)
    _assert_image_tensor(img)
    if not (3 <= img.ndim <= 4):
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.ndim}")
    if img.dtype != ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    return _wrap(F_t.equalize(_np(img)), like=img)


def _get_perspective_coeffs(startpoints, endpoints):
    """The eight coefficients ``(a, b, c, d, e, f, g, h)`` mapping output pixels back to input pixels.

    An output pixel ``(x, y)`` samples the input at ``((a x + b y + c) / (g x + h y + 1),
    (d x + e y + f) / (g x + h y + 1))``. Solved in float64 and rounded to float32, like torchvision.

    Args:
        startpoints (list of list of ints): four corners ``[top-left, top-right, bottom-right,
            bottom-left]`` of the original image.
        endpoints (list of list of ints): where those corners go in the transformed image.

    Example:
        >>> pts = [[0, 0], [9, 0], [9, 9], [0, 9]]
        >>> [round(c, 6) + 0.0 for c in _get_perspective_coeffs(pts, pts)]
        [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    """
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(
            f"Please provide exactly four corners, got {len(startpoints)} startpoints and {len(endpoints)} endpoints."
        )
    return F_t.perspective_coeffs(startpoints, endpoints)


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Apply the perspective transform that moves the four ``startpoints`` to the ``endpoints``.

    PIL images use ``Image.transform(..., Image.PERSPECTIVE, coeffs)``; tensors are resampled with
    torchvision's perspective grid and ``grid_sample``, so both match torchvision.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., H, W]``.
        startpoints (list of list of ints): four corners ``[top-left, top-right, bottom-right,
            bottom-left]`` of the original image, as ``[x, y]``.
        endpoints (list of list of ints): the same four corners in the transformed image.
        interpolation (InterpolationMode): default ``BILINEAR``; tensors support ``NEAREST`` and
            ``BILINEAR``. Pillow integer constants are accepted too.
        fill (sequence or number, optional): value for pixels outside the transformed image.

    Example:
        >>> img = ember.rand(3, 13, 17)
        >>> start = [[0, 0], [16, 0], [16, 12], [0, 12]]
        >>> end = [[2, 1], [15, 0], [16, 12], [1, 11]]
        >>> tuple(perspective(img, start, end).shape)
        (3, 13, 17)
    """
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _check_interpolation(interpolation)
    if not _is_tensor(img):
        return F_pil.perspective(img, coeffs, interpolation=pil_modes_mapping[interpolation], fill=fill)
    _assert_image_tensor(img)
    _check_grid_inputs(img, interpolation.value, fill)
    return _wrap(F_t.perspective(_np(img), coeffs, interpolation.value, fill), like=img)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp an image by a displacement field added to the identity sampling grid.

    The pixel at normalized position ``p`` (``[-1, 1]`` pixel-centre coordinates, x then y) takes the
    input value at ``p + displacement[0, y, x]``. PIL images are converted to a ``uint8`` tensor and back.

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., C, H, W]``; PIL images in mode ``"P"``,
            ``"L"`` or ``"RGB"``.
        displacement (Tensor): displacement field of shape ``[1, H, W, 2]`` (see
            :meth:`ElasticTransform.get_params`).
        interpolation (InterpolationMode): ``BILINEAR`` (default) or ``NEAREST``.
        fill (sequence or number, optional): value for pixels sampled from outside the image.

    Example:
        >>> img = ember.rand(3, 13, 17)
        >>> same = elastic_transform(img, ember.zeros(1, 13, 17, 2))
        >>> bool((same - img).abs().max() < 1e-6)
        True
    """
    if isinstance(interpolation, int) and not isinstance(interpolation, bool):
        warnings.warn(
            "Argument interpolation should be of type InterpolationMode instead of int. "
            "Please, use InterpolationMode enum."
        )
        interpolation = _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError(
            "Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant"
        )
    if not _is_tensor(displacement):
        raise TypeError("Argument displacement should be a Tensor")
    t_img = img
    if not _is_tensor(img):
        if not _is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    _assert_image_tensor(t_img)
    shape = ember.Size((1,) + tuple(t_img.shape[-2:]) + (2,))
    if tuple(displacement.shape) != tuple(shape):
        raise ValueError(f"Argument displacement shape should be {shape}, but given {displacement.shape}")
    if interpolation.value not in ("nearest", "bilinear"):
        raise ValueError(
            f"Interpolation mode '{interpolation.value}' is unsupported by elastic_transform; "
            "use InterpolationMode.NEAREST or InterpolationMode.BILINEAR"
        )
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        raise TypeError(f"fill should be int or float or a list or tuple of them. Got {type(fill)}")
    out = F_t.elastic_transform(_np(t_img), _np(displacement), interpolation.value, fill)
    out = _wrap(out, like=t_img)
    if not _is_tensor(img):
        return to_pil_image(out, mode=img.mode)
    return out


# ------------------------------------------------------------------------------------------------
# erasing and blurring
# ------------------------------------------------------------------------------------------------


def erase(img, i, j, h, w, v, inplace=False):
    """Fill the box ``[..., i:i+h, j:j+w]`` of a tensor image with ``v``.

    Args:
        img (Tensor): image of shape (..., C, H, W).
        i (int): top row of the box.
        j (int): left column of the box.
        h (int): box height.
        w (int): box width.
        v (Tensor or number): value(s) broadcastable to (C, h, w).
        inplace (bool): modify ``img`` in place. Default: ``False``.

    Example:
        >>> erase(ember.ones(1, 3, 3), 0, 0, 2, 2, 0.0).sum().item()
        5.0
    """
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    _assert_image_tensor(img)
    value = _np(v) if _is_tensor(v) else np.asarray(v)
    if inplace:
        img._data[..., i : i + h, j : j + w] = img.device.xp.asarray(value)
        _bump_version(img)
        return img
    arr = _np(img).copy()
    arr[..., i : i + h, j : j + w] = value
    return _wrap(arr, like=img)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur an image with a Gaussian kernel (reflect padding keeps the size).

    Args:
        img (PIL Image or Tensor): image; tensors are ``[..., C, H, W]``.
        kernel_size (int or sequence): odd, positive kernel size ``(kx, ky)``.
        sigma (float or sequence, optional): standard deviation ``(sx, sy)``; default
            ``0.3 * ((kernel_size - 1) * 0.5 - 1) + 0.8``.

    Example:
        >>> tuple(gaussian_blur(ember.rand(3, 13, 17), 3).shape)
        (3, 13, 17)
    """
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")

    if _is_tensor(img):
        _assert_image_tensor(img)
        return _wrap(F_t.gaussian_blur(_np(img), kernel_size, sigma), like=img)
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    arr = np.array(img, copy=True).reshape(img.size[1], img.size[0], len(img.getbands())).transpose(2, 0, 1)
    out = F_t.gaussian_blur(arr, kernel_size, sigma)
    return to_pil_image(out.transpose(1, 2, 0), mode=img.mode)
