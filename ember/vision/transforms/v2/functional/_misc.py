"""dtype conversion, normalisation, blur and bounding-box sanitising (torchvision's ``_misc``),
plus ``erase`` and the type conversions."""
import numpy as np

import ember
from ember.vision import tv_tensors
from ember.vision.tv_tensors import BoundingBoxFormat, _parse_format, _pure
from ember.vision.transforms import _functional_pil as F_pil
from ember.vision.transforms import _functional_tensor as F_t
from ember.vision.transforms import functional as F1

from ._meta import _convert_bounding_box_format
from ._utils import _PILImage, _dispatch, _register_kernel_internal, is_pure_tensor

__all__ = ["to_dtype", "to_dtype_image", "to_dtype_video", "convert_image_dtype", "normalize",
           "normalize_image", "normalize_video", "gaussian_blur", "gaussian_blur_image",
           "gaussian_blur_video", "sanitize_bounding_boxes", "erase", "erase_image",
           "erase_video", "to_image", "pil_to_tensor", "to_pil_image", "gaussian_noise",
           "gaussian_noise_image", "gaussian_noise_video"]

_VALUE_BITS = {"uint8": 8, "int8": 7, "int16": 15, "uint16": 16, "int32": 31, "int64": 63,
               "uint32": 32, "uint64": 64}


def _max_value(dtype):
    if dtype.is_floating_point or dtype == ember.bool:
        return 1.0 if dtype.is_floating_point else 1
    return (1 << _num_value_bits(dtype)) - 1


def _num_value_bits(dtype):
    bits = _VALUE_BITS.get(dtype.name if hasattr(dtype, "name") else str(dtype))
    if bits is None:
        raise TypeError(f"Number of value bits is only defined for integer dtypes, but got "
                        f"{dtype}.")
    return bits


@_dispatch
def to_dtype(inpt, dtype=ember.float32, scale=False):
    """Convert to ``dtype``; with ``scale=True`` image values are rescaled to the new dtype's
    range (uint8 255 <-> float 1.0). Boxes and masks are cast without scaling.

    Args:
        inpt (Tensor or TVTensor): the input.
        dtype (ember.dtype): the target dtype. Default: float32.
        scale (bool): rescale image values. Default: ``False``.

    Example::

        >>> to_dtype(ember.tensor([[[0, 255]]], dtype=ember.uint8), ember.float32, scale=True).tolist()
        [[[0.0, 1.0]]]
    """


@_register_kernel_internal(to_dtype, ember.Tensor)
@_register_kernel_internal(to_dtype, tv_tensors.Image)
def to_dtype_image(image, dtype=ember.float32, scale=False):
    """Convert an image tensor's dtype, rescaling its values when ``scale`` is True.

    Args:
        image (Tensor): the image.
        dtype (ember.dtype): the target dtype. Default: float32.
        scale (bool): rescale values to the target range. Default: ``False``.

    Example::

        >>> to_dtype_image(ember.tensor([1.0]), ember.uint8, scale=True).tolist()
        [255]
    """
    if image.dtype == dtype:
        return image
    if not scale:
        return image.to(dtype)
    float_input = image.is_floating_point()
    float_output = dtype.is_floating_point
    if float_input:
        if float_output:
            return image.to(dtype)
        if (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or (
                image.dtype == ember.float64 and dtype == ember.int64):
            raise RuntimeError(f"The conversion from {image.dtype} to {dtype} cannot be performed "
                               f"safely.")
        eps = 1e-3
        return image.mul(float(_max_value(dtype)) + 1.0 - eps).to(dtype)
    if float_output:
        return image.to(dtype).mul(1.0 / _max_value(image.dtype))
    bits_in, bits_out = _num_value_bits(image.dtype), _num_value_bits(dtype)
    shift = abs(bits_in - bits_out)
    if bits_in > bits_out:
        if image.dtype == ember.uint16:
            return (image / 2 ** shift).to(dtype)
        return image.bitwise_right_shift(shift).to(dtype)
    if dtype == ember.uint16:
        return image.to(dtype) * 2 ** shift
    return image.to(dtype).bitwise_left_shift(shift)


def convert_image_dtype(image, dtype=ember.float32):
    """``to_dtype(image, dtype, scale=True)`` (torchvision's v1 name).

    Args:
        image (Tensor): the image.
        dtype (ember.dtype): the target dtype. Default: float32.

    Example::

        >>> convert_image_dtype(ember.tensor([255], dtype=ember.uint8)).tolist()
        [1.0]
    """
    return to_dtype_image(image, dtype=dtype, scale=True)


@_register_kernel_internal(to_dtype, tv_tensors.Video)
def to_dtype_video(video, dtype=ember.float32, scale=False):
    """Convert a video's dtype (see :func:`to_dtype_image`).

    Args:
        video (Tensor): the video.
        dtype (ember.dtype): the target dtype.
        scale (bool): rescale values. Default: ``False``.

    Example::

        >>> to_dtype_video(ember.zeros(1, 1, 1, 1), ember.uint8).dtype
        torch.uint8
    """
    return to_dtype_image(video, dtype, scale=scale)


@_register_kernel_internal(to_dtype, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
@_register_kernel_internal(to_dtype, tv_tensors.Mask, tv_tensor_wrapper=False)
def _to_dtype_tensor_dispatch(inpt, dtype, scale=False):
    return inpt.to(dtype)


# ------------------------------------------------------------------------------ normalize
@_dispatch
def normalize(inpt, mean, std, inplace=False):
    """Normalize a float image channel-wise: ``(x - mean[c]) / std[c]``.

    Args:
        inpt (Tensor, Image or Video): float input ``[..., C, H, W]``.
        mean (sequence of float): per-channel means.
        std (sequence of float): per-channel standard deviations (non-zero).
        inplace (bool): modify the input. Default: ``False``.

    Example::

        >>> normalize(ember.full((2, 1, 1), 0.5), [0.5, 0.0], [0.5, 0.5]).flatten().tolist()
        [0.0, 1.0]
    """


@_register_kernel_internal(normalize, ember.Tensor)
@_register_kernel_internal(normalize, tv_tensors.Image)
def normalize_image(image, mean, std, inplace=False):
    """Normalize a float tensor image ``[..., C, H, W]``; differentiable.

    Args:
        image (Tensor): the image.
        mean (sequence of float): per-channel means.
        std (sequence of float): per-channel standard deviations.
        inplace (bool): modify ``image``. Default: ``False``.

    Example::

        >>> normalize_image(ember.ones(1, 1, 1), [0.5], [0.25]).item()
        2.0
    """
    if not image.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {image.dtype}.")
    if image.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"{image.shape}.")
    if isinstance(std, (tuple, list)):
        divzero = not all(std)
    elif isinstance(std, (int, float)):
        divzero = std == 0
    else:
        divzero = False
    if divzero:
        raise ValueError("std evaluated to zero, leading to division by zero.")
    return F1.normalize(image, mean, std, inplace=inplace)


@_register_kernel_internal(normalize, tv_tensors.Video)
def normalize_video(video, mean, std, inplace=False):
    """Normalize a float video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        mean (sequence of float): per-channel means.
        std (sequence of float): per-channel standard deviations.
        inplace (bool): modify ``video``. Default: ``False``.

    Example::

        >>> normalize_video(ember.ones(2, 1, 1, 1), [0.0], [2.0]).flatten().tolist()
        [0.5, 0.5]
    """
    return normalize_image(video, mean, std, inplace=inplace)


# ------------------------------------------------------------------------------ blur
@_dispatch
def gaussian_blur(inpt, kernel_size, sigma=None):
    """Blur with a Gaussian kernel (reflect padding keeps the size).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        kernel_size (int or sequence): odd positive ``(kx, ky)``.
        sigma (float or sequence, optional): ``(sx, sy)``; default
            ``0.15 * kernel_size + 0.35``.

    Example::

        >>> tuple(gaussian_blur(ember.rand(3, 8, 8), 3).shape)
        (3, 8, 8)
    """


def _parse_blur_args(kernel_size, sigma):
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    elif len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got "
                         f"{len(kernel_size)}")
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got "
                             f"{kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    elif isinstance(sigma, (list, tuple)):
        if len(sigma) == 1:
            sigma = [sigma[0], sigma[0]]
        elif len(sigma) != 2:
            raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    elif isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    else:
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    return list(kernel_size), list(sigma)


@_register_kernel_internal(gaussian_blur, ember.Tensor)
@_register_kernel_internal(gaussian_blur, tv_tensors.Image)
def gaussian_blur_image(image, kernel_size, sigma=None):
    """Gaussian blur of a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        kernel_size (int or sequence): odd positive sizes.
        sigma (float or sequence, optional): standard deviations.

    Example::

        >>> gaussian_blur_image(ember.ones(1, 5, 5), [3, 3], [1.0, 1.0]).mean().item()
        1.0
    """
    kernel_size, sigma = _parse_blur_args(kernel_size, sigma)
    if image.numel() == 0:
        return image
    arr = F1._np(image)
    shape = arr.shape
    out = F_t.gaussian_blur(arr.reshape((-1,) + shape[-3:]), kernel_size, sigma)
    return F1._wrap(out.reshape(shape), like=image)


@_register_kernel_internal(gaussian_blur, _PILImage)
def _gaussian_blur_image_pil(image, kernel_size, sigma=None):
    kernel_size, sigma = _parse_blur_args(kernel_size, sigma)
    return F1.gaussian_blur(image, kernel_size, sigma)


@_register_kernel_internal(gaussian_blur, tv_tensors.Video)
def gaussian_blur_video(video, kernel_size, sigma=None):
    """Gaussian blur of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        kernel_size (int or sequence): odd positive sizes.
        sigma (float or sequence, optional): standard deviations.

    Example::

        >>> tuple(gaussian_blur_video(ember.rand(2, 1, 4, 4), 3).shape)
        (2, 1, 4, 4)
    """
    return gaussian_blur_image(video, kernel_size, sigma)


# ------------------------------------------------------------------------------ sanitize
def _get_sanitize_bounding_boxes_mask(bounding_boxes, format, canvas_size, min_size=1.0,
                                      min_area=1.0):
    boxes = _convert_bounding_box_format(_pure(bounding_boxes), format, BoundingBoxFormat.XYXY)
    image_h, image_w = canvas_size
    ws, hs = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    valid = (ws >= min_size) & (hs >= min_size) & (boxes >= 0).all(dim=-1) & (ws * hs >= min_area)
    valid = valid & (boxes[:, 0] <= image_w) & (boxes[:, 2] <= image_w)
    valid = valid & (boxes[:, 1] <= image_h) & (boxes[:, 3] <= image_h)
    return valid


def sanitize_bounding_boxes(bounding_boxes, format=None, canvas_size=None, min_size=1.0,
                            min_area=1.0):
    """Remove degenerate boxes (smaller than ``min_size``/``min_area`` or outside the canvas);
    returns ``(kept_boxes, valid_mask)``.

    Args:
        bounding_boxes (Tensor or BoundingBoxes): ``[N, 4]`` boxes.
        format (BoundingBoxFormat or str, optional): required for plain tensors only.
        canvas_size (two ints, optional): ``(H, W)``; required for plain tensors only.
        min_size (float): minimum width and height. Default: 1.
        min_area (float): minimum area. Default: 1.

    Example::

        >>> boxes, valid = sanitize_bounding_boxes(ember.tensor([[0., 0., 4., 4.], [1., 1., 1., 3.]]),
        ...                                        format="XYXY", canvas_size=(8, 8))
        >>> boxes.tolist(), valid.tolist()
        ([[0.0, 0.0, 4.0, 4.0]], [True, False])
    """
    if is_pure_tensor(bounding_boxes):
        if format is None or canvas_size is None:
            raise ValueError(
                "format and canvas_size cannot be None if bounding_boxes is a pure tensor. "
                f"Got format={format} and canvas_size={canvas_size}."
                "Set those to appropriate values or pass bounding_boxes as a "
                "tv_tensors.BoundingBoxes object.")
        format = _parse_format(format)
        valid = _get_sanitize_bounding_boxes_mask(bounding_boxes, format, canvas_size,
                                                  min_size=min_size, min_area=min_area)
        return bounding_boxes[valid], valid
    if not isinstance(bounding_boxes, tv_tensors.BoundingBoxes):
        raise ValueError("bounding_boxes must be a tv_tensors.BoundingBoxes instance or a pure "
                         "tensor.")
    if format is not None or canvas_size is not None:
        raise ValueError(
            "format and canvas_size must be None when bounding_boxes is a tv_tensors.BoundingBoxes "
            f"instance. Got format={format} and canvas_size={canvas_size}. "
            "Leave those to None or pass bounding_boxes as a pure tensor.")
    valid = _get_sanitize_bounding_boxes_mask(bounding_boxes, bounding_boxes.format,
                                              bounding_boxes.canvas_size, min_size=min_size,
                                              min_area=min_area)
    return tv_tensors.wrap(_pure(bounding_boxes)[valid], like=bounding_boxes), valid


# ------------------------------------------------------------------------------ erase
@_dispatch
def erase(inpt, i, j, h, w, v, inplace=False):
    """Fill the box ``[..., i:i+h, j:j+w]`` of an image with ``v`` (see
    :class:`~ember.vision.transforms.v2.RandomErasing`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        i, j (int): top-left corner.
        h, w (int): the box size.
        v (Tensor or number): values broadcastable to ``(C, h, w)``.
        inplace (bool): modify the input. Default: ``False``.

    Example::

        >>> erase(ember.ones(1, 3, 3), 0, 0, 2, 2, ember.tensor(0.)).sum().item()
        5.0
    """


@_register_kernel_internal(erase, ember.Tensor)
@_register_kernel_internal(erase, tv_tensors.Image)
def erase_image(image, i, j, h, w, v, inplace=False):
    """Fill a box of a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        i, j, h, w (int): the box.
        v (Tensor or number): the values.
        inplace (bool): modify ``image``. Default: ``False``.

    Example::

        >>> erase_image(ember.ones(1, 2, 2), 0, 0, 1, 1, 0.0).tolist()
        [[[0.0, 1.0], [1.0, 1.0]]]
    """
    return F1.erase(image, i, j, h, w, v, inplace=inplace)


@_register_kernel_internal(erase, _PILImage)
def _erase_image_pil(image, i, j, h, w, v, inplace=False):
    out = erase_image(F1.pil_to_tensor(image), i, j, h, w, v, inplace=inplace)
    return F1.to_pil_image(out, mode=image.mode)


@_register_kernel_internal(erase, tv_tensors.Video)
def erase_video(video, i, j, h, w, v, inplace=False):
    """Fill a box of every frame of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        i, j, h, w (int): the box.
        v (Tensor or number): the values.
        inplace (bool): modify ``video``. Default: ``False``.

    Example::

        >>> erase_video(ember.ones(2, 1, 2, 2), 0, 0, 1, 1, 0.0).sum().item()
        6.0
    """
    return erase_image(video, i, j, h, w, v, inplace=inplace)


# ------------------------------------------------------------------------------ conversions
def to_image(inpt):
    """Make an :class:`~ember.vision.tv_tensors.Image` from a plain tensor, a NumPy array
    (``HWC``) or a PIL image (values are not rescaled).

    Args:
        inpt (Tensor, numpy.ndarray or PIL Image): the input.

    Example::

        >>> import numpy as np
        >>> to_image(np.zeros((4, 5, 3), dtype=np.uint8)).shape
        torch.Size([3, 4, 5])
    """
    if isinstance(inpt, np.ndarray):
        out = ember.from_numpy(np.ascontiguousarray(np.atleast_3d(inpt).transpose(2, 0, 1)))
    elif F_pil.is_pil_image(inpt):
        out = F1.pil_to_tensor(inpt)
    elif isinstance(inpt, ember.Tensor):
        out = inpt
    else:
        raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got "
                        f"{type(inpt)} instead.")
    return tv_tensors.Image(out)


pil_to_tensor = F1.pil_to_tensor
to_pil_image = F1.to_pil_image


# ------------------------------------------------------------------------------ noise
@_dispatch
def gaussian_noise(inpt, mean=0.0, sigma=0.1, clip=True):
    """Add Gaussian noise ``N(mean, sigma)`` to a float image in [0, 1] or a uint8 image (in
    units of 1/255 of its range); see :class:`~ember.vision.transforms.v2.GaussianNoise`.

    Args:
        inpt (Tensor, Image or Video): the input (PIL images are not supported).
        mean (float): mean of the noise. Default: 0.
        sigma (float): its standard deviation (non-negative). Default: 0.1.
        clip (bool): clamp the result to the valid range. Default: ``True``.

    Example::

        >>> out = gaussian_noise(ember.full((1, 4, 4), 0.5), sigma=0.0, mean=0.25)
        >>> out.unique().tolist()
        [0.75]
    """


@_register_kernel_internal(gaussian_noise, ember.Tensor)
@_register_kernel_internal(gaussian_noise, tv_tensors.Image)
def gaussian_noise_image(image, mean=0.0, sigma=0.1, clip=True):
    """Gaussian noise on a float or uint8 tensor image (one draw per pixel, from ember's
    default generator).

    Args:
        image (Tensor): the image.
        mean (float): mean of the noise. Default: 0.
        sigma (float): standard deviation. Default: 0.1.
        clip (bool): clamp to [0, 1] (float) or [0, 255] (uint8). Default: ``True``.

    Example::

        >>> gaussian_noise_image(ember.full((1, 1, 1), 250, dtype=ember.uint8), 0.1, 0.0).item()
        255
    """
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    if image.is_floating_point():
        out = image + (mean + ember.randn_like(image) * sigma)
        return ember.clamp(out, 0, 1) if clip else out
    if image.dtype == ember.uint8:
        noise = (mean * 255 + ember.randn_like(image, dtype=ember.float32) * (sigma * 255))
        out = image + noise.to(ember.int16)
        if clip:
            out = ember.clamp(out, 0, 255)
        return out.to(ember.uint8)
    raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got "
                     f"dtype={image.dtype}")


@_register_kernel_internal(gaussian_noise, tv_tensors.Video)
def gaussian_noise_video(video, mean=0.0, sigma=0.1, clip=True):
    """Gaussian noise on a video (every frame gets its own noise).

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        mean (float): mean of the noise. Default: 0.
        sigma (float): standard deviation. Default: 0.1.
        clip (bool): clamp to the valid range. Default: ``True``.

    Example::

        >>> gaussian_noise_video(ember.zeros(2, 1, 2, 2)).shape
        torch.Size([2, 1, 2, 2])
    """
    return gaussian_noise_image(video, mean=mean, sigma=sigma, clip=clip)


@_register_kernel_internal(gaussian_noise, _PILImage)
def _gaussian_noise_pil(image, mean=0.0, sigma=0.1, clip=True):
    raise ValueError("Gaussian Noise is not implemented for PIL images.")
