"""Colour v2 functionals (grayscale, brightness, contrast, saturation, hue, channel
permutation) with torchvision 0.29's arithmetic."""
import numpy as np

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import _functional_pil as F_pil
from ember.vision.transforms import _functional_tensor as F_t
from ember.vision.transforms import functional as F1

from ._misc import _max_value, _num_value_bits, to_dtype_image
from ._utils import _PILImage, _dispatch, _register_kernel_internal

__all__ = ["rgb_to_grayscale", "to_grayscale", "rgb_to_grayscale_image", "grayscale_to_rgb",
           "grayscale_to_rgb_image", "adjust_brightness", "adjust_brightness_image",
           "adjust_brightness_video", "adjust_contrast", "adjust_contrast_image",
           "adjust_contrast_video", "adjust_saturation", "adjust_saturation_image",
           "adjust_saturation_video", "adjust_hue", "adjust_hue_image", "adjust_hue_video",
           "permute_channels", "permute_channels_image", "permute_channels_video",
           "adjust_sharpness", "adjust_sharpness_image", "adjust_sharpness_video", "adjust_gamma",
           "adjust_gamma_image", "adjust_gamma_video", "posterize", "posterize_image",
           "posterize_video", "solarize", "solarize_image", "solarize_video", "autocontrast",
           "autocontrast_image", "autocontrast_video", "equalize", "equalize_image",
           "equalize_video", "invert", "invert_image", "invert_video"]


def _check_channels(image, what="Input image tensor permitted channel values are 1 or 3"):
    c = image.shape[-3]
    if c not in (1, 3):
        raise TypeError(f"{what}, but found {c}")
    return c


def _gray(image, num_output_channels=1, preserve_dtype=True):
    if image.shape[-3] == 1 and num_output_channels == 1:
        return image.clone()
    if image.shape[-3] == 1 and num_output_channels == 3:
        reps = [1] * image.ndim
        reps[-3] = 3
        return image.repeat(*reps)
    # torch: r.mul(0.2989).add_(g, alpha=0.587).add_(b, alpha=0.114), the adds fused (FMA)
    arr = F1._np(image)
    dt = arr.dtype if np.issubdtype(arr.dtype, np.floating) else np.dtype(np.float32)
    r, g, b = (arr[..., i, :, :].astype(dt) for i in range(3))
    gray = (r * dt.type(0.2989)).astype(dt)
    gray = F_t._fma(g, dt.type(0.587), gray, dt)
    gray = F_t._fma(b, dt.type(0.114), gray, dt)
    gray = F1._wrap(np.expand_dims(gray, -3), like=None)
    if image.device.type != "cpu":
        gray = gray.to(image.device)
    if preserve_dtype:
        gray = gray.to(image.dtype)
    if num_output_channels == 3:
        gray = gray.expand(image.shape)
    return gray


@_dispatch
def rgb_to_grayscale(inpt, num_output_channels=1):
    """Convert an RGB image (tensor, Image, Video or PIL) to grayscale
    (``0.2989 R + 0.587 G + 0.114 B``).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        num_output_channels (int): 1 or 3. Default: 1.

    Example::

        >>> rgb_to_grayscale(ember.ones(3, 1, 1)).tolist()
        [[[0.9999...]]]
    """


to_grayscale = rgb_to_grayscale


@_register_kernel_internal(rgb_to_grayscale, ember.Tensor)
@_register_kernel_internal(rgb_to_grayscale, tv_tensors.Image)
def rgb_to_grayscale_image(image, num_output_channels=1):
    """Grayscale of a tensor image ``[..., 3, H, W]`` (integer images are truncated).

    Args:
        image (Tensor): the image.
        num_output_channels (int): 1 or 3.

    Example::

        >>> rgb_to_grayscale_image(ember.full((3, 1, 1), 100, dtype=ember.uint8)).tolist()
        [[[99]]]
    """
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels must be 1 or 3, got {num_output_channels}.")
    return _gray(image, num_output_channels=num_output_channels)


@_register_kernel_internal(rgb_to_grayscale, _PILImage)
def _rgb_to_grayscale_image_pil(image, num_output_channels=1):
    if num_output_channels not in (1, 3):
        raise ValueError(f"num_output_channels must be 1 or 3, got {num_output_channels}.")
    return F_pil.to_grayscale(image, num_output_channels=num_output_channels)


@_register_kernel_internal(rgb_to_grayscale, tv_tensors.Video)
def _rgb_to_grayscale_video(video, num_output_channels=1):
    return rgb_to_grayscale_image(video, num_output_channels=num_output_channels)


@_dispatch
def grayscale_to_rgb(inpt):
    """Repeat a one-channel image to three channels (images with 3 channels pass through).

    Args:
        inpt (Tensor, Image or PIL Image): the input.

    Example::

        >>> tuple(grayscale_to_rgb(ember.zeros(1, 2, 2)).shape)
        (3, 2, 2)
    """


@_register_kernel_internal(grayscale_to_rgb, ember.Tensor)
@_register_kernel_internal(grayscale_to_rgb, tv_tensors.Image)
def grayscale_to_rgb_image(image):
    """Repeat a one-channel tensor image to three channels.

    Args:
        image (Tensor): ``[..., 1, H, W]`` (or 3 channels, returned as is).

    Example::

        >>> tuple(grayscale_to_rgb_image(ember.zeros(2, 1, 2, 2)).shape)
        (2, 3, 2, 2)
    """
    if image.shape[-3] >= 3:
        return image
    return _gray(image, num_output_channels=3)


@_register_kernel_internal(grayscale_to_rgb, _PILImage)
def _grayscale_to_rgb_image_pil(image):
    return image.convert(mode="RGB")


def _blend(image1, image2, ratio):
    ratio = float(ratio)
    fp = image1.is_floating_point()
    # torch: image1.mul(ratio).add_(image2, alpha=1 - ratio), the add fused (FMA)
    a = F1._np(image1)
    dt = a.dtype if fp else np.dtype(np.float32)
    first = (a.astype(dt) * dt.type(ratio)).astype(dt)
    out = F_t._fma(np.broadcast_to(F1._np(image2).astype(dt), first.shape), dt.type(1.0 - ratio),
                   first, dt)
    out = F1._wrap(np.clip(out, 0, _max_value(image1.dtype)).astype(dt), like=None)
    if image1.device.type != "cpu":
        out = out.to(image1.device)
    return out if fp else out.to(image1.dtype)


@_dispatch
def adjust_brightness(inpt, brightness_factor):
    """Scale an image's brightness (0 gives black, 1 the original).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        brightness_factor (float): non-negative factor.

    Example::

        >>> adjust_brightness(ember.full((3, 1, 1), 0.25), 2.0).flatten().tolist()
        [0.5, 0.5, 0.5]
    """


@_register_kernel_internal(adjust_brightness, ember.Tensor)
@_register_kernel_internal(adjust_brightness, tv_tensors.Image)
def adjust_brightness_image(image, brightness_factor):
    """Brightness of a tensor image ``[..., 1 or 3, H, W]``.

    Args:
        image (Tensor): the image.
        brightness_factor (float): non-negative factor.

    Example::

        >>> adjust_brightness_image(ember.full((1, 1, 1), 200, dtype=ember.uint8), 2.0).item()
        255
    """
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check_channels(image)
    fp = image.is_floating_point()
    out = image.mul(brightness_factor).clamp(0, _max_value(image.dtype))
    return out if fp else out.to(image.dtype)


@_register_kernel_internal(adjust_brightness, _PILImage)
def _adjust_brightness_image_pil(image, brightness_factor):
    return F_pil.adjust_brightness(image, brightness_factor)


@_register_kernel_internal(adjust_brightness, tv_tensors.Video)
def adjust_brightness_video(video, brightness_factor):
    """Brightness of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        brightness_factor (float): non-negative factor.

    Example::

        >>> adjust_brightness_video(ember.ones(1, 1, 1, 1), 0.5).item()
        0.5
    """
    return adjust_brightness_image(video, brightness_factor)


@_dispatch
def adjust_saturation(inpt, saturation_factor):
    """Blend an image with its grayscale (0 gives grayscale, 1 the original).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        saturation_factor (float): non-negative factor.

    Example::

        >>> adjust_saturation(ember.tensor([[[1.]], [[0.]], [[0.]]]), 0.0).flatten().tolist()
        [0.2989..., 0.2989..., 0.2989...]
    """


@_register_kernel_internal(adjust_saturation, ember.Tensor)
@_register_kernel_internal(adjust_saturation, tv_tensors.Image)
def adjust_saturation_image(image, saturation_factor):
    """Saturation of a tensor image (one-channel images are returned as they are).

    Args:
        image (Tensor): ``[..., 1 or 3, H, W]``.
        saturation_factor (float): non-negative factor.

    Example::

        >>> adjust_saturation_image(ember.ones(1, 2, 2), 0.5).shape
        torch.Size([1, 2, 2])
    """
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    if _check_channels(image) == 1:
        return image
    gray = _gray(image, num_output_channels=1, preserve_dtype=False)
    if not image.is_floating_point():
        gray = gray.floor()
    return _blend(image, gray, saturation_factor)


@_register_kernel_internal(adjust_saturation, _PILImage)
def _adjust_saturation_image_pil(image, saturation_factor):
    return F_pil.adjust_saturation(image, saturation_factor)


@_register_kernel_internal(adjust_saturation, tv_tensors.Video)
def adjust_saturation_video(video, saturation_factor):
    """Saturation of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        saturation_factor (float): non-negative factor.

    Example::

        >>> adjust_saturation_video(ember.ones(2, 3, 2, 2), 0.5).shape
        torch.Size([2, 3, 2, 2])
    """
    return adjust_saturation_image(video, saturation_factor)


@_dispatch
def adjust_contrast(inpt, contrast_factor):
    """Blend an image with the mean of its grayscale (0 gives a gray image, 1 the original).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        contrast_factor (float): non-negative factor.

    Example::

        >>> adjust_contrast(ember.tensor([[[0., 1.]]]), 0.0).tolist()
        [[[0.5, 0.5]]]
    """


@_register_kernel_internal(adjust_contrast, ember.Tensor)
@_register_kernel_internal(adjust_contrast, tv_tensors.Image)
def adjust_contrast_image(image, contrast_factor):
    """Contrast of a tensor image ``[..., 1 or 3, H, W]``.

    Args:
        image (Tensor): the image.
        contrast_factor (float): non-negative factor.

    Example::

        >>> adjust_contrast_image(ember.tensor([[[0., 1.]]]), 2.0).tolist()
        [[[0.0, 1.0]]]
    """
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    c = _check_channels(image)
    fp = image.is_floating_point()
    if c == 3:
        gray = _gray(image, num_output_channels=1, preserve_dtype=False)
        if not fp:
            gray = gray.floor()
    else:
        gray = image if fp else image.to(ember.float32)
    mean = ember.mean(gray, dim=(-3, -2, -1), keepdim=True)
    return _blend(image, mean, contrast_factor)


@_register_kernel_internal(adjust_contrast, _PILImage)
def _adjust_contrast_image_pil(image, contrast_factor):
    return F_pil.adjust_contrast(image, contrast_factor)


@_register_kernel_internal(adjust_contrast, tv_tensors.Video)
def adjust_contrast_video(video, contrast_factor):
    """Contrast of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        contrast_factor (float): non-negative factor.

    Example::

        >>> adjust_contrast_video(ember.ones(2, 3, 2, 2), 0.5).shape
        torch.Size([2, 3, 2, 2])
    """
    return adjust_contrast_image(video, contrast_factor)


def _rgb_to_hsv(image):
    f32 = image.dtype.type
    r, g = image[..., 0, :, :], image[..., 1, :, :]
    maxc, minc = image.max(axis=-3), image.min(axis=-3)
    eqc = maxc == minc
    channels_range = maxc - minc
    ones = np.ones_like(maxc)
    s = channels_range / np.where(eqc, ones, maxc)
    divisor = np.expand_dims(np.where(eqc, ones, channels_range), -3)
    scaled = (np.expand_dims(maxc, -3) - image) / divisor
    rc, gc, bc = scaled[..., 0, :, :], scaled[..., 1, :, :], scaled[..., 2, :, :]
    neq_r = maxc != r
    eq_g = maxc == g
    hg = (rc + f32(2.0) - bc) * (eq_g & neq_r)
    hr = (bc - gc) * (~neq_r)
    hb = (gc + f32(4.0) - rc) * (neq_r & ~eq_g)
    h = (hr + hg) + hb
    h = np.fmod(h * f32(1.0 / 6.0) + f32(1.0), f32(1.0))
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    f32 = h.dtype.type
    h6 = h * f32(6)
    i = np.floor(h6)
    f = h6 - i
    i = i.astype(np.int32) % 6
    sxf = s * f
    one_minus_s = f32(1.0) - s
    q = np.clip((f32(1.0) - sxf) * v, 0.0, 1.0)
    t = np.clip((sxf + one_minus_s) * v, 0.0, 1.0)
    p = np.clip(one_minus_s * v, 0.0, 1.0)
    vpqt = np.stack((v, p, q, t))
    select = np.array([[0, 2, 1, 1, 3, 0], [3, 0, 0, 2, 1, 1], [1, 1, 3, 0, 0, 2]])
    idx = select[:, i]  # (3, ...) indices into vpqt
    return np.stack([np.take_along_axis(vpqt, idx[c][None], 0)[0] for c in range(3)], axis=-3)


@_dispatch
def adjust_hue(inpt, hue_factor):
    """Shift an image's hue by ``hue_factor`` (a fraction of the hue circle, in [-0.5, 0.5]).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        hue_factor (float): the shift.

    Example::

        >>> adjust_hue(ember.tensor([[[1.]], [[0.]], [[0.]]]), 1 / 3).flatten().tolist()
        [0.0, 1.0, 0.0]
    """


@_register_kernel_internal(adjust_hue, ember.Tensor)
@_register_kernel_internal(adjust_hue, tv_tensors.Image)
def adjust_hue_image(image, hue_factor):
    """Hue shift of a tensor image ``[..., 1 or 3, H, W]`` (computed in float32 HSV).

    Args:
        image (Tensor): the image.
        hue_factor (float): in [-0.5, 0.5].

    Example::

        >>> adjust_hue_image(ember.ones(1, 2, 2), 0.2).shape
        torch.Size([1, 2, 2])
    """
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if _check_channels(image) == 1 or image.numel() == 0:
        return image
    orig_dtype = image.dtype
    arr = F1._np(to_dtype_image(image, ember.float32, scale=True))
    h, s, v = _rgb_to_hsv(arr)
    h = np.mod(h + np.float32(hue_factor), np.float32(1.0)).astype(np.float32)
    out = F1._wrap(_hsv_to_rgb(h, s, v), like=None)
    if image.device.type != "cpu":
        out = out.to(image.device)
    return to_dtype_image(out, orig_dtype, scale=True)


_register_kernel_internal(adjust_hue, _PILImage)(F_pil.adjust_hue)


@_register_kernel_internal(adjust_hue, tv_tensors.Video)
def adjust_hue_video(video, hue_factor):
    """Hue shift of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        hue_factor (float): in [-0.5, 0.5].

    Example::

        >>> adjust_hue_video(ember.ones(2, 3, 2, 2), 0.1).shape
        torch.Size([2, 3, 2, 2])
    """
    return adjust_hue_image(video, hue_factor)


@_dispatch
def permute_channels(inpt, permutation):
    """Reorder the channels of an image: output channel ``i`` is input channel
    ``permutation[i]``.

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        permutation (sequence of int or Tensor): a permutation of the channel indices.

    Example::

        >>> permute_channels(ember.tensor([[[1]], [[2]], [[3]]]), [2, 0, 1]).flatten().tolist()
        [3, 1, 2]
    """


@_register_kernel_internal(permute_channels, ember.Tensor)
@_register_kernel_internal(permute_channels, tv_tensors.Image)
def permute_channels_image(image, permutation):
    """Reorder the channels of a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        permutation (sequence of int or Tensor): the new order.

    Example::

        >>> permute_channels_image(ember.tensor([[[1]], [[2]]]), [1, 0]).flatten().tolist()
        [2, 1]
    """
    shape = image.shape
    c, h, w = shape[-3:]
    if len(permutation) != c:
        raise ValueError(f"Length of permutation does not match number of channels: "
                         f"{len(permutation)} != {c}")
    if image.numel() == 0:
        return image
    perm = permutation.tolist() if isinstance(permutation, ember.Tensor) else list(permutation)
    return image.reshape(-1, c, h, w)[:, perm, :, :].reshape(shape)


@_register_kernel_internal(permute_channels, _PILImage)
def _permute_channels_image_pil(image, permutation):
    out = permute_channels_image(F1.pil_to_tensor(image), permutation=permutation)
    return F1.to_pil_image(out, mode=image.mode)


@_register_kernel_internal(permute_channels, tv_tensors.Video)
def permute_channels_video(video, permutation):
    """Reorder the channels of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        permutation (sequence of int or Tensor): the new order.

    Example::

        >>> permute_channels_video(ember.zeros(2, 3, 1, 1), [2, 1, 0]).shape
        torch.Size([2, 3, 1, 1])
    """
    return permute_channels_image(video, permutation)


# ------------------------------------------------------------------------------ sharpness, gamma
@_dispatch
def adjust_sharpness(inpt, sharpness_factor):
    """Sharpen (factor > 1) or blur (factor < 1) an image by blending it with a 3x3 smoothed
    copy (see :class:`~ember.vision.transforms.v2.RandomAdjustSharpness`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        sharpness_factor (float): non-negative; 0 gives the smoothed image, 1 the original.

    Example::

        >>> adjust_sharpness(ember.ones(3, 4, 4), 2.0).shape
        torch.Size([3, 4, 4])
    """


@_register_kernel_internal(adjust_sharpness, ember.Tensor)
@_register_kernel_internal(adjust_sharpness, tv_tensors.Image)
def adjust_sharpness_image(image, sharpness_factor):
    """Sharpness of a tensor image ``[..., 1 or 3, H, W]`` (images of 2 pixels or less in a
    side are returned as they are).

    Args:
        image (Tensor): the image.
        sharpness_factor (float): non-negative factor.

    Example::

        >>> img = ember.zeros(1, 3, 3)
        >>> img[0, 1, 1] = 1.0
        >>> round(adjust_sharpness_image(img, 0.0)[0, 1, 1].item(), 4)
        0.3846
    """
    num_channels, height, width = image.shape[-3:]
    if num_channels not in (1, 3):
        raise TypeError(f"Input image tensor can have 1 or 3 channels, but found {num_channels}")
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    if image.numel() == 0 or height <= 2 or width <= 2:
        return image
    return F1.adjust_sharpness(image, sharpness_factor)


@_register_kernel_internal(adjust_sharpness, _PILImage)
def _adjust_sharpness_image_pil(image, sharpness_factor):
    return F_pil.adjust_sharpness(image, sharpness_factor)


@_register_kernel_internal(adjust_sharpness, tv_tensors.Video)
def adjust_sharpness_video(video, sharpness_factor):
    """Sharpness of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        sharpness_factor (float): non-negative factor.

    Example::

        >>> adjust_sharpness_video(ember.ones(2, 3, 4, 4), 0.5).shape
        torch.Size([2, 3, 4, 4])
    """
    return adjust_sharpness_image(video, sharpness_factor)


@_dispatch
def adjust_gamma(inpt, gamma, gain=1):
    """Gamma correction: ``gain * x ** gamma`` on the image scaled to [0, 1].

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        gamma (float): non-negative exponent (< 1 brightens dark regions).
        gain (float): multiplier. Default: 1.

    Example::

        >>> adjust_gamma(ember.full((1, 1, 1), 0.25), 0.5).item()
        0.5
    """


@_register_kernel_internal(adjust_gamma, ember.Tensor)
@_register_kernel_internal(adjust_gamma, tv_tensors.Image)
def adjust_gamma_image(image, gamma, gain=1.0):
    """Gamma correction of a tensor image (integer images go through float32).

    Args:
        image (Tensor): ``[..., C, H, W]``.
        gamma (float): non-negative exponent.
        gain (float): multiplier; the result is clamped to [0, 1] when it is not 1.

    Example::

        >>> adjust_gamma_image(ember.tensor([[[64]]], dtype=ember.uint8), 0.5).item()
        128
    """
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    if not image.is_floating_point():
        output = to_dtype_image(image, ember.float32, scale=True).pow(gamma)
    else:
        output = image.pow(gamma)
    if gain != 1.0:
        output = output.mul(gain).clamp(0.0, 1.0)
    return to_dtype_image(output, image.dtype, scale=True)


@_register_kernel_internal(adjust_gamma, _PILImage)
def _adjust_gamma_image_pil(image, gamma, gain=1):
    return F_pil.adjust_gamma(image, gamma, gain)


@_register_kernel_internal(adjust_gamma, tv_tensors.Video)
def adjust_gamma_video(video, gamma, gain=1):
    """Gamma correction of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        gamma (float): non-negative exponent.
        gain (float): multiplier. Default: 1.

    Example::

        >>> adjust_gamma_video(ember.full((2, 1, 1, 1), 0.25), 2.0).flatten().tolist()
        [0.0625, 0.0625]
    """
    return adjust_gamma_image(video, gamma, gain=gain)


# ------------------------------------------------------------------------------ posterize, solarize
@_dispatch
def posterize(inpt, bits):
    """Keep the ``bits`` most significant bits of each value (float images are quantised to
    ``2 ** bits`` levels); see :class:`~ember.vision.transforms.v2.RandomPosterize`.

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        bits (int): 0 to 8.

    Example::

        >>> posterize(ember.tensor([[[255]]], dtype=ember.uint8), 2).item()
        192
    """


@_register_kernel_internal(posterize, ember.Tensor)
@_register_kernel_internal(posterize, tv_tensors.Image)
def posterize_image(image, bits):
    """Posterize a tensor image (integer or float).

    Args:
        image (Tensor): the image.
        bits (int): 0 to 8.

    Example::

        >>> posterize_image(ember.tensor([[[0.3, 0.9]]]), 1).tolist()
        [[[0.0, 0.5]]]
    """
    if not isinstance(bits, int) or not 0 <= bits <= 8:
        raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits} instead.")
    if image.is_floating_point():
        levels = 1 << bits
        return image.mul(levels).floor().clamp(0, levels - 1).mul(1.0 / levels)
    num_value_bits = _num_value_bits(image.dtype)
    if bits >= num_value_bits:
        return image
    return image & (((1 << bits) - 1) << (num_value_bits - bits))


@_register_kernel_internal(posterize, _PILImage)
def _posterize_image_pil(image, bits):
    return F_pil.posterize(image, bits)


@_register_kernel_internal(posterize, tv_tensors.Video)
def posterize_video(video, bits):
    """Posterize a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        bits (int): 0 to 8.

    Example::

        >>> posterize_video(ember.full((1, 1, 1, 1), 7, dtype=ember.uint8), 6).item()
        4
    """
    return posterize_image(video, bits)


@_dispatch
def solarize(inpt, threshold):
    """Invert the values at or above ``threshold`` (see
    :class:`~ember.vision.transforms.v2.RandomSolarize`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        threshold (float): at most the dtype's maximum (1.0 for float images, 255 for uint8).

    Example::

        >>> solarize(ember.tensor([[[0.25, 0.75]]]), 0.5).tolist()
        [[[0.25, 0.25]]]
    """


@_register_kernel_internal(solarize, ember.Tensor)
@_register_kernel_internal(solarize, tv_tensors.Image)
def solarize_image(image, threshold):
    """Solarize a tensor image.

    Args:
        image (Tensor): the image.
        threshold (float): values ``>= threshold`` are inverted.

    Example::

        >>> solarize_image(ember.tensor([[[10, 200]]], dtype=ember.uint8), 128).tolist()
        [[[10, 55]]]
    """
    if threshold > _max_value(image.dtype):
        raise TypeError(f"Threshold should be less or equal the maximum value of the dtype, but "
                        f"got {threshold}")
    return ember.where(image >= threshold, invert_image(image), image)


@_register_kernel_internal(solarize, _PILImage)
def _solarize_image_pil(image, threshold):
    return F_pil.solarize(image, threshold)


@_register_kernel_internal(solarize, tv_tensors.Video)
def solarize_video(video, threshold):
    """Solarize a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        threshold (float): values ``>= threshold`` are inverted.

    Example::

        >>> solarize_video(ember.full((1, 1, 1, 1), 0.75), 0.5).item()
        0.25
    """
    return solarize_image(video, threshold)


# ------------------------------------------------------------------------- autocontrast, equalize
@_dispatch
def autocontrast(inpt):
    """Stretch each channel linearly so its minimum becomes 0 and its maximum the dtype's
    maximum (see :class:`~ember.vision.transforms.v2.RandomAutocontrast`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.

    Example::

        >>> autocontrast(ember.tensor([[[0.25, 0.5]]])).tolist()
        [[[0.0, 1.0]]]
    """


@_register_kernel_internal(autocontrast, ember.Tensor)
@_register_kernel_internal(autocontrast, tv_tensors.Image)
def autocontrast_image(image):
    """Autocontrast of a tensor image ``[..., 1 or 3, H, W]`` (constant channels are kept).

    Args:
        image (Tensor): the image.

    Example::

        >>> img = ember.tensor([[[50, 100]]], dtype=ember.uint8)
        >>> autocontrast_image(img).tolist()  # 254.99998 in float32, truncated
        [[[0, 254]]]
    """
    _check_channels(image)
    if image.numel() == 0:
        return image
    bound = _max_value(image.dtype)
    float_image = image if image.is_floating_point() else image.to(ember.float32)
    minimum = float_image.amin(dim=(-2, -1), keepdim=True)
    maximum = float_image.amax(dim=(-2, -1), keepdim=True)
    eq_idxs = maximum == minimum
    inv_scale = (maximum - minimum).mul(1.0 / bound)
    minimum = ember.where(eq_idxs, ember.zeros_like(minimum), minimum)
    inv_scale = ember.where(eq_idxs, ember.ones_like(inv_scale), inv_scale)
    return (float_image - minimum).div(inv_scale).clamp(0, bound).to(image.dtype)


@_register_kernel_internal(autocontrast, _PILImage)
def _autocontrast_image_pil(image):
    return F_pil.autocontrast(image)


@_register_kernel_internal(autocontrast, tv_tensors.Video)
def autocontrast_video(video):
    """Autocontrast of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> autocontrast_video(ember.tensor([[[[0.2, 0.4]]]])).tolist()
        [[[[0.0, 1.0]]]]
    """
    return autocontrast_image(video)


@_dispatch
def equalize(inpt):
    """Equalize the histogram of each channel (Pillow's lookup table, on 256 levels); see
    :class:`~ember.vision.transforms.v2.RandomEqualize`.

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.

    Example::

        >>> img = ember.tensor([[[0, 0, 1, 2], [2, 3, 3, 3]]], dtype=ember.uint8).repeat(1, 50, 40)
        >>> equalize(img)[0, :2, :4].tolist()
        [[0, 0, 103, 154], [154, 255, 255, 255]]
    """


@_register_kernel_internal(equalize, ember.Tensor)
@_register_kernel_internal(equalize, tv_tensors.Image)
def equalize_image(image):
    """Equalize a tensor image ``[..., H, W]`` of any dtype (computed on its uint8 version and
    converted back).

    Args:
        image (Tensor): the image.

    Example::

        >>> equalize_image(ember.zeros(1, 2, 2)).tolist()
        [[[0.0, 0.0], [0.0, 0.0]]]
    """
    if image.numel() == 0:
        return image
    output_dtype = image.dtype
    as_uint8 = to_dtype_image(image, ember.uint8, scale=True)
    arr = F1._np(as_uint8)
    out = F_t.equalize(arr.reshape((-1, 1) + arr.shape[-2:])).reshape(arr.shape)
    return to_dtype_image(F1._wrap(out, like=as_uint8), output_dtype, scale=True)


@_register_kernel_internal(equalize, _PILImage)
def _equalize_image_pil(image):
    return F_pil.equalize(image)


@_register_kernel_internal(equalize, tv_tensors.Video)
def equalize_video(video):
    """Equalize a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> equalize_video(ember.zeros(2, 1, 2, 2, dtype=ember.uint8)).shape
        torch.Size([2, 1, 2, 2])
    """
    return equalize_image(video)


# ------------------------------------------------------------------------------ invert
@_dispatch
def invert(inpt):
    """Invert the colours: ``max_value - x`` (see
    :class:`~ember.vision.transforms.v2.RandomInvert`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.

    Example::

        >>> invert(ember.tensor([[[0.25]]])).item()
        0.75
    """


@_register_kernel_internal(invert, ember.Tensor)
@_register_kernel_internal(invert, tv_tensors.Image)
def invert_image(image):
    """Invert a tensor image (float: ``1 - x``; integers: flip the value bits).

    Args:
        image (Tensor): the image.

    Example::

        >>> invert_image(ember.tensor([[[0, 200]]], dtype=ember.uint8)).tolist()
        [[[255, 55]]]
    """
    if image.is_floating_point():
        return 1.0 - image
    if image.dtype == ember.uint8:
        return image.bitwise_not()
    return image.bitwise_xor((1 << _num_value_bits(image.dtype)) - 1)


@_register_kernel_internal(invert, _PILImage)
def _invert_image_pil(image):
    return F_pil.invert(image)


@_register_kernel_internal(invert, tv_tensors.Video)
def invert_video(video):
    """Invert a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> invert_video(ember.ones(1, 1, 1, 1)).item()
        0.0
    """
    return invert_image(video)
