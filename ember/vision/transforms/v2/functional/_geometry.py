"""Geometric v2 functionals (flip, resize, crop, pad, rotate, affine) for images, videos,
masks, bounding boxes and PIL images, with torchvision 0.29's box and mask geometry.

Image kernels reuse the v1 code (``_functional_tensor`` on NumPy arrays, ``_functional_pil``
for Pillow)."""
import functools
import numbers
import warnings

import numpy as np

import ember
from ember.vision import tv_tensors
from ember.vision.tv_tensors import BoundingBoxFormat, _pure
from ember.vision.transforms import _functional_pil as F_pil
from ember.vision.transforms import _functional_tensor as F_t
from ember.vision.transforms import functional as F1
from ember.vision.transforms.functional import (InterpolationMode, _get_inverse_affine_matrix,
                                                pil_modes_mapping)

from ._meta import _convert_bounding_box_format, clamp_bounding_boxes
from ._utils import _PILImage, _dispatch, _register_kernel_internal

__all__ = [
    "horizontal_flip", "hflip", "horizontal_flip_image", "horizontal_flip_mask",
    "horizontal_flip_bounding_boxes", "horizontal_flip_video",
    "vertical_flip", "vflip", "vertical_flip_image", "vertical_flip_mask",
    "vertical_flip_bounding_boxes", "vertical_flip_video",
    "resize", "resize_image", "resize_mask", "resize_bounding_boxes", "resize_video",
    "crop", "crop_image", "crop_mask", "crop_bounding_boxes", "crop_video",
    "center_crop", "center_crop_image", "center_crop_mask", "center_crop_bounding_boxes",
    "center_crop_video",
    "resized_crop", "resized_crop_image", "resized_crop_mask", "resized_crop_bounding_boxes",
    "resized_crop_video",
    "pad", "pad_image", "pad_mask", "pad_bounding_boxes", "pad_video",
    "rotate", "rotate_image", "rotate_mask", "rotate_bounding_boxes", "rotate_video",
    "affine", "affine_image", "affine_mask", "affine_bounding_boxes", "affine_video",
    "five_crop", "five_crop_image", "five_crop_video", "ten_crop", "ten_crop_image",
    "ten_crop_video", "perspective", "perspective_image", "perspective_mask",
    "perspective_bounding_boxes", "perspective_video", "elastic", "elastic_transform",
    "elastic_image", "elastic_mask", "elastic_bounding_boxes", "elastic_video",
]

_INTERPOLATION_STRING_TO_MODE = {m.value: m for m in InterpolationMode}


def _check_interpolation(interpolation):
    if isinstance(interpolation, str):
        if interpolation not in _INTERPOLATION_STRING_TO_MODE:
            raise ValueError(f"Invalid interpolation mode: '{interpolation}'. Supported string values "
                             f"are: {list(_INTERPOLATION_STRING_TO_MODE)}.")
        return _INTERPOLATION_STRING_TO_MODE[interpolation]
    if isinstance(interpolation, int) and not isinstance(interpolation, bool):
        return F1._interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise ValueError(f"Argument interpolation should be an `InterpolationMode` or a corresponding "
                         f"Pillow integer constant, but got {interpolation}.")
    return interpolation


def _np(t):
    return F1._np(t)


def _wrap(arr, like):
    return F1._wrap(arr, like=like)


def _with_channel(fn):
    """Run an image kernel on a mask, adding a channel dimension to 2-D masks."""
    def run(mask, *args, **kwargs):
        if mask.ndim < 3:
            return fn(mask.unsqueeze(0), *args, **kwargs).squeeze(0)
        return fn(mask, *args, **kwargs)
    return run


def _box_shape_check(boxes):
    if boxes.shape[-1] != 4:
        raise ValueError(f"Bounding boxes must have 4 coordinates in the last dimension, got shape "
                         f"{tuple(boxes.shape)}")


def _rewrap_boxes(out, like, canvas_size=None):
    if canvas_size is None:
        return tv_tensors.wrap(out, like=like)
    return tv_tensors.wrap(out, like=like, canvas_size=canvas_size)


# ------------------------------------------------------------------------------ flips
@_dispatch
def horizontal_flip(inpt):
    """Flip an image, video, mask or bounding boxes horizontally (what
    :class:`~ember.vision.transforms.v2.RandomHorizontalFlip` applies).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input; other types raise TypeError.

    Example::

        >>> horizontal_flip(ember.tensor([[[1, 2, 3]]])).tolist()
        [[[3, 2, 1]]]
    """


@_register_kernel_internal(horizontal_flip, ember.Tensor)
@_register_kernel_internal(horizontal_flip, tv_tensors.Image)
def horizontal_flip_image(image):
    """Flip ``[..., H, W]`` along the width.

    Args:
        image (Tensor): the image.

    Example::

        >>> horizontal_flip_image(ember.tensor([[1, 2]])).tolist()
        [[2, 1]]
    """
    return image.flip(-1)


_register_kernel_internal(horizontal_flip, _PILImage)(F_pil.hflip)


@_register_kernel_internal(horizontal_flip, tv_tensors.Mask)
def horizontal_flip_mask(mask):
    """Flip a mask ``[..., H, W]`` horizontally.

    Args:
        mask (Tensor): the mask.

    Example::

        >>> horizontal_flip_mask(ember.tensor([[0, 1]])).tolist()
        [[1, 0]]
    """
    return horizontal_flip_image(mask)


def horizontal_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    """Flip boxes ``[..., 4]`` horizontally on a canvas ``(H, W)``.

    Args:
        bounding_boxes (Tensor): the boxes.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.

    Example::

        >>> horizontal_flip_bounding_boxes(ember.tensor([[1., 2., 3., 4.]]),
        ...                                BoundingBoxFormat.XYXY, (10, 10)).tolist()
        [[7.0, 2.0, 9.0, 4.0]]
    """
    format = tv_tensors._parse_format(format)
    b = bounding_boxes
    _box_shape_check(b)
    w = canvas_size[1]
    x1, y1, x2, y2 = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    if format == BoundingBoxFormat.XYXY:
        cols = [(x2 - w).neg(), y1, (x1 - w).neg(), y2]
    elif format == BoundingBoxFormat.XYWH:
        cols = [(x1 + x2 - w).neg(), y1, x2, y2]
    else:
        cols = [(x1 - w).neg(), y1, x2, y2]
    return ember.stack(cols, dim=-1)


@_register_kernel_internal(horizontal_flip, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _horizontal_flip_bounding_boxes_dispatch(inpt):
    out = horizontal_flip_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size)
    return tv_tensors.wrap(out, like=inpt)


@_register_kernel_internal(horizontal_flip, tv_tensors.Video)
def horizontal_flip_video(video):
    """Flip a video ``[..., T, C, H, W]`` horizontally.

    Args:
        video (Tensor): the video.

    Example::

        >>> horizontal_flip_video(ember.tensor([[[[1, 2]]]])).tolist()
        [[[[2, 1]]]]
    """
    return horizontal_flip_image(video)


hflip = horizontal_flip


@_dispatch
def vertical_flip(inpt):
    """Flip an image, video, mask or bounding boxes vertically.

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.

    Example::

        >>> vertical_flip(ember.tensor([[[1], [2]]])).tolist()
        [[[2], [1]]]
    """


@_register_kernel_internal(vertical_flip, ember.Tensor)
@_register_kernel_internal(vertical_flip, tv_tensors.Image)
def vertical_flip_image(image):
    """Flip ``[..., H, W]`` along the height.

    Args:
        image (Tensor): the image.

    Example::

        >>> vertical_flip_image(ember.tensor([[1], [2]])).tolist()
        [[2], [1]]
    """
    return image.flip(-2)


_register_kernel_internal(vertical_flip, _PILImage)(F_pil.vflip)


@_register_kernel_internal(vertical_flip, tv_tensors.Mask)
def vertical_flip_mask(mask):
    """Flip a mask vertically.

    Args:
        mask (Tensor): ``[..., H, W]``.

    Example::

        >>> vertical_flip_mask(ember.tensor([[0], [1]])).tolist()
        [[1], [0]]
    """
    return vertical_flip_image(mask)


def vertical_flip_bounding_boxes(bounding_boxes, format, canvas_size):
    """Flip boxes ``[..., 4]`` vertically on a canvas ``(H, W)``.

    Args:
        bounding_boxes (Tensor): the boxes.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.

    Example::

        >>> vertical_flip_bounding_boxes(ember.tensor([[1., 2., 3., 4.]]),
        ...                              BoundingBoxFormat.XYXY, (10, 10)).tolist()
        [[1.0, 6.0, 3.0, 8.0]]
    """
    format = tv_tensors._parse_format(format)
    b = bounding_boxes
    _box_shape_check(b)
    h = canvas_size[0]
    x1, y1, x2, y2 = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    if format == BoundingBoxFormat.XYXY:
        cols = [x1, (y2 - h).neg(), x2, (y1 - h).neg()]
    elif format == BoundingBoxFormat.XYWH:
        cols = [x1, (y1 + y2 - h).neg(), x2, y2]
    else:
        cols = [x1, (y1 - h).neg(), x2, y2]
    return ember.stack(cols, dim=-1)


@_register_kernel_internal(vertical_flip, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _vertical_flip_bounding_boxes_dispatch(inpt):
    out = vertical_flip_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size)
    return tv_tensors.wrap(out, like=inpt)


@_register_kernel_internal(vertical_flip, tv_tensors.Video)
def vertical_flip_video(video):
    """Flip a video vertically.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> vertical_flip_video(ember.tensor([[[[1], [2]]]])).tolist()
        [[[[2], [1]]]]
    """
    return vertical_flip_image(video)


vflip = vertical_flip


# ------------------------------------------------------------------------------ resize
def _compute_resized_output_size(canvas_size, size, max_size=None):
    if isinstance(size, int):
        size = [size]
    elif max_size is not None and size is not None and len(size) != 1:
        raise ValueError("max_size should only be passed if size is None or specifies the length "
                         "of the smaller edge, i.e. size should be an int or a sequence of length "
                         "1 in torchscript mode.")
    h, w = canvas_size
    short, long = (w, h) if w <= h else (h, w)
    if size is None:
        if not isinstance(max_size, int):
            raise ValueError(f"max_size must be an integer when size is None, but got {max_size} "
                             f"instead.")
        new_short, new_long = int(max_size * short / long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
        return [new_h, new_w]
    if len(size) == 1:
        return F1._compute_resized_output_size(canvas_size, list(size), max_size)
    return [size[0], size[1]]


@_dispatch
def resize(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize an image, video, mask or bounding boxes (see
    :class:`~ember.vision.transforms.v2.Resize`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        size (int, sequence or None): ``(h, w)``, or the smaller edge's length (int or
            ``[n]``), or None to bound the longer edge by ``max_size``.
        interpolation (InterpolationMode, str or int): default bilinear (masks always use
            nearest).
        max_size (int, optional): bound for the longer edge.
        antialias (bool): antialias bilinear/bicubic tensor resizing. Default: ``True``.

    Example::

        >>> tuple(resize(ember.rand(3, 8, 12), 4).shape)
        (3, 4, 6)
    """


@_register_kernel_internal(resize, ember.Tensor)
@_register_kernel_internal(resize, tv_tensors.Image)
def resize_image(image, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
    """Resize a tensor image ``[..., C, H, W]`` (integer images are resized in float32 and
    rounded).

    Args:
        image (Tensor): the image.
        size (int, sequence or None): as in :func:`resize`.
        interpolation (InterpolationMode, str or int): nearest, nearest-exact, bilinear or
            bicubic.
        max_size (int, optional): bound for the longer edge.
        antialias (bool): antialias bilinear/bicubic downscaling. Default: ``True``.

    Example::

        >>> tuple(resize_image(ember.rand(1, 3, 8, 8), [4, 2]).shape)
        (1, 3, 4, 2)
    """
    interpolation = _check_interpolation(interpolation)
    antialias = False if antialias is None else antialias
    if interpolation == InterpolationMode.LANCZOS and not antialias:
        raise ValueError("InterpolationMode.LANCZOS requires antialias=True")
    if interpolation.value not in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        raise NotImplementedError(
            f"ember resizes tensors with nearest, nearest-exact, bilinear or bicubic "
            f"interpolation, not {interpolation.value}; use a PIL image for box/hamming/lanczos")
    shape = image.shape
    if len(shape) < 3:
        raise TypeError(f"Input tensor should have at least three dimensions ([..., C, H, W]), "
                        f"but got {len(shape)}")
    c, old_h, old_w = shape[-3:]
    new_h, new_w = _compute_resized_output_size((old_h, old_w), size=size, max_size=max_size)
    if (new_h, new_w) == (old_h, old_w):
        return image
    out_shape = tuple(shape[:-3]) + (c, new_h, new_w)
    if image.numel() == 0:
        return ember.zeros(out_shape, dtype=image.dtype, device=image.device)
    arr = _np(image).reshape((-1, c, old_h, old_w))
    mode = interpolation.value
    if arr.dtype == np.uint8 and mode in ("bilinear", "bicubic"):
        # torch resizes uint8 natively on the CPU (separable fixed-point passes)
        out = _resize_uint8(arr, new_h, new_w, mode, antialias)
    else:
        out = F_t.resize(arr, [new_h, new_w], mode, antialias)
    return _wrap(out.reshape(out_shape), like=image)


def _linear_matrix(in_size, out_size):
    """Bilinear weights (align_corners=False, no antialias) as an (out, in) matrix, computed as
    torch's separable uint8 kernel does (float32, edge weights renormalised)."""
    f32 = np.float32
    scale = f32(in_size) / f32(out_size)
    center = scale * (np.arange(out_size, dtype=f32) + f32(0.5))
    xmin = np.maximum(np.trunc((center - f32(1.0)).astype(np.float64) + 0.5).astype(np.int64), 0)
    xmax = np.minimum(np.trunc((center + f32(1.0)).astype(np.float64) + 0.5).astype(np.int64),
                      in_size)
    j = np.arange(3)
    valid = j[None, :] < np.clip(xmax - xmin, 0, 3)[:, None]
    offset = (j[None, :] + xmin[:, None]).astype(f32) - center[:, None]
    x = np.abs((offset.astype(np.float64) + 0.5).astype(f32))
    w = np.where(valid & (x < 1.0), f32(1.0) - x, f32(0.0)).astype(f32)
    total = w.sum(axis=1, dtype=f32, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, f32(1)), w).astype(f32)
    mat = np.zeros((out_size, in_size), dtype=f32)
    rows = np.broadcast_to(np.arange(out_size)[:, None], w.shape)[valid]
    mat[rows, (xmin[:, None] + j[None, :])[valid]] = w[valid]
    return mat


def _fixed_point(mat):
    """int weights and precision of torch's (Pillow's) uint8 resampling."""
    mat = mat.astype(np.float64)
    max_weight = np.abs(mat).max() if mat.size else 0.0
    precision = 0
    for precision in range(22):
        if int(0.5 + max_weight * (1 << (precision + 1))) >= (1 << 15):
            break
    scaled = mat * (1 << precision)
    return np.where(mat < 0, np.trunc(scaled - 0.5), np.trunc(scaled + 0.5)).astype(np.int64), \
        precision


def _resize_uint8(arr, out_h, out_w, mode, antialias):
    x = arr.astype(np.int64)
    in_h, in_w = arr.shape[-2:]
    f32 = np.dtype(np.float32)

    def weights(n_in, n_out):
        if antialias:
            return _fixed_point(F_t._aa_matrix(n_in, n_out, mode, f32))
        if mode == "bilinear":
            return _fixed_point(_linear_matrix(n_in, n_out))
        mat = np.zeros((n_out, n_in), dtype=np.float64)  # bicubic: clamped taps, a = -0.75
        for idx, w in F_t._cubic_weights(n_in, n_out, f32):
            np.add.at(mat, (np.arange(n_out), idx), w.astype(np.float64))
        return _fixed_point(mat)

    if out_w != in_w:  # horizontal pass first, rounded to uint8 in between
        w, p = weights(in_w, out_w)
        x = np.clip((np.matmul(x, w.T) + (1 << (p - 1))) >> p, 0, 255)
    if out_h != in_h:
        w, p = weights(in_h, out_h)
        x = np.clip((np.matmul(w, x) + (1 << (p - 1))) >> p, 0, 255)
    return x.astype(np.uint8)


@_register_kernel_internal(resize, _PILImage)
def _resize_image_pil(image, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                      antialias=True):
    if antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                      "antialias is ignored.")
    old_h, old_w = image.height, image.width
    new_h, new_w = _compute_resized_output_size((old_h, old_w), size=size, max_size=max_size)
    interpolation = _check_interpolation(interpolation)
    if (new_h, new_w) == (old_h, old_w):
        return image
    return image.resize((new_w, new_h), resample=pil_modes_mapping[interpolation])


def resize_mask(mask, size, interpolation=InterpolationMode.NEAREST, max_size=None):
    """Resize a mask ``[..., H, W]`` with nearest (or nearest-exact) interpolation; any
    other mode is treated as nearest, as torchvision does.

    Args:
        mask (Tensor): the mask.
        size (int, sequence or None): as in :func:`resize`.
        interpolation (InterpolationMode or str): nearest or nearest-exact.
        max_size (int, optional): bound for the longer edge.

    Example::

        >>> resize_mask(ember.tensor([[0, 1], [1, 0]]), [4, 4]).shape
        torch.Size([4, 4])
    """
    interpolation = _check_interpolation(interpolation)
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        interpolation = InterpolationMode.NEAREST
    return _with_channel(resize_image)(mask, size=size, interpolation=interpolation,
                                       max_size=max_size)


@_register_kernel_internal(resize, tv_tensors.Mask, tv_tensor_wrapper=False)
def _resize_mask_dispatch(inpt, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                          **kwargs):
    out = resize_mask(_pure(inpt), size, interpolation=interpolation, max_size=max_size)
    return tv_tensors.wrap(out, like=inpt)


def resize_bounding_boxes(bounding_boxes, canvas_size, size, max_size=None,
                          format=BoundingBoxFormat.XYXY, clamping_mode="soft"):
    """Scale boxes to a resized canvas; returns ``(boxes, new_canvas_size)``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        canvas_size (two ints): the old ``(H, W)``.
        size (int, sequence or None): as in :func:`resize`.
        max_size (int, optional): bound for the longer edge.
        format (BoundingBoxFormat): their format (scaling is the same for all three).
        clamping_mode (str or None): unused for these formats (kept for torchvision's
            signature).

    Example::

        >>> b, cs = resize_bounding_boxes(ember.tensor([[2., 2., 4., 6.]]), (10, 10), [5, 20])
        >>> b.tolist(), cs
        ([[4.0, 1.0, 8.0, 3.0]], (5, 20))
    """
    old_h, old_w = canvas_size
    new_h, new_w = _compute_resized_output_size(canvas_size, size=size, max_size=max_size)
    if (new_h, new_w) == (old_h, old_w):
        return bounding_boxes, canvas_size
    w_ratio, h_ratio = new_w / old_w, new_h / old_h
    ratios = ember.tensor([w_ratio, h_ratio, w_ratio, h_ratio], device=bounding_boxes.device)
    return bounding_boxes.mul(ratios).to(bounding_boxes.dtype), (new_h, new_w)


@_register_kernel_internal(resize, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _resize_bounding_boxes_dispatch(inpt, size, max_size=None, **kwargs):
    out, canvas_size = resize_bounding_boxes(_pure(inpt), inpt.canvas_size, size,
                                             max_size=max_size, format=inpt.format,
                                             clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


@_register_kernel_internal(resize, tv_tensors.Video)
def resize_video(video, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
    """Resize a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        size (int, sequence or None): as in :func:`resize`.
        interpolation (InterpolationMode, str or int): default bilinear.
        max_size (int, optional): bound for the longer edge.
        antialias (bool): default ``True``.

    Example::

        >>> tuple(resize_video(ember.rand(2, 3, 8, 8), [4, 4]).shape)
        (2, 3, 4, 4)
    """
    return resize_image(video, size=size, interpolation=interpolation, max_size=max_size,
                        antialias=antialias)


# ------------------------------------------------------------------------------ pad
def _parse_pad_padding(padding):
    """[left, right, top, bottom] from int / [p] / [lr, tb] / [l, t, r, b]."""
    if isinstance(padding, int):
        return [padding] * 4
    if isinstance(padding, (tuple, list)):
        if len(padding) == 1:
            return [padding[0]] * 4
        if len(padding) == 2:
            return [padding[0], padding[0], padding[1], padding[1]]
        if len(padding) == 4:
            return [padding[0], padding[2], padding[1], padding[3]]
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple or list. Found "
                         f"{len(padding)}")
    raise TypeError(f"`padding` should be an integer or tuple or list of integers, but got "
                    f"{padding}")


@_dispatch
def pad(inpt, padding, fill=None, padding_mode="constant"):
    """Pad an image, video, mask or bounding boxes (see :class:`~ember.vision.transforms.v2.Pad`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        padding (int or sequence): all sides, ``[left/right, top/bottom]`` or
            ``[left, top, right, bottom]``; negative values crop.
        fill (number or sequence, optional): the constant fill (per channel for images).
            Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``
            (boxes: constant only).

    Example::

        >>> tuple(pad(ember.zeros(3, 4, 4), [1, 2]).shape)
        (3, 8, 6)
    """


def _pad_array(arr, lrtb, fill, padding_mode):
    shape = arr.shape
    c, h, w = shape[-3:]
    arr = arr.reshape((-1, c, h, w))
    out = F_t.pad(arr, lrtb, fill, padding_mode)
    return out.reshape(shape[:-3] + out.shape[-3:])


@_register_kernel_internal(pad, ember.Tensor)
@_register_kernel_internal(pad, tv_tensors.Image)
def pad_image(image, padding, fill=None, padding_mode="constant"):
    """Pad a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        padding (int or sequence): as in :func:`pad`.
        fill (number or sequence, optional): scalar, or one value per channel (constant mode
            only). Default: 0.
        padding_mode (str): constant, edge, reflect or symmetric.

    Example::

        >>> pad_image(ember.ones(1, 1, 1), 1, fill=5).tolist()
        [[[5.0, 5.0, 5.0], [5.0, 1.0, 5.0], [5.0, 5.0, 5.0]]]
    """
    lrtb = _parse_pad_padding(padding)
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError(f"`padding_mode` should be either `'constant'`, `'edge'`, `'reflect'` or "
                         f"`'symmetric'`, but got `'{padding_mode}'`.")
    if image.ndim < 3:
        raise TypeError(f"Input tensor should have at least three dimensions ([..., C, H, W]), "
                        f"but got {image.ndim}")
    if fill is None:
        fill = 0
    arr = _np(image)
    if isinstance(fill, (int, float)):
        return _wrap(_pad_array(arr, lrtb, float(fill), padding_mode), like=image)
    fill = list(fill)
    if len(fill) == 1:
        return _wrap(_pad_array(arr, lrtb, float(fill[0]), padding_mode), like=image)
    if padding_mode != "constant":
        raise ValueError(f"Padding mode '{padding_mode}' is not supported if fill is not scalar")
    out = _pad_array(arr, lrtb, 0.0, "constant").copy()
    left, right, top, bottom = lrtb
    values = np.array(fill).astype(out.dtype).reshape(-1, 1, 1)
    if top > 0:
        out[..., :top, :] = values
    if left > 0:
        out[..., :, :left] = values
    if bottom > 0:
        out[..., -bottom:, :] = values
    if right > 0:
        out[..., :, -right:] = values
    return _wrap(out, like=image)


@_register_kernel_internal(pad, _PILImage)
def _pad_image_pil(image, padding, fill=None, padding_mode="constant"):
    return F_pil.pad(image, padding=padding, fill=0 if fill is None else fill,
                     padding_mode=padding_mode)


@_register_kernel_internal(pad, tv_tensors.Mask)
def pad_mask(mask, padding, fill=None, padding_mode="constant"):
    """Pad a mask ``[..., H, W]`` (scalar fill only).

    Args:
        mask (Tensor): the mask.
        padding (int or sequence): as in :func:`pad`.
        fill (number, optional): default 0.
        padding_mode (str): constant, edge, reflect or symmetric.

    Example::

        >>> pad_mask(ember.tensor([[1]]), 1).tolist()
        [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    if fill is None:
        fill = 0
    if isinstance(fill, (tuple, list)):
        raise ValueError("Non-scalar fill value is not supported")
    return _with_channel(pad_image)(mask, padding=padding, fill=fill, padding_mode=padding_mode)


def pad_bounding_boxes(bounding_boxes, format, canvas_size, padding, padding_mode="constant",
                       clamping_mode="soft"):
    """Shift boxes for a padded canvas; returns ``(boxes, new_canvas_size)``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): the old ``(H, W)``.
        padding (int or sequence): as in :func:`pad`.
        padding_mode (str): only ``"constant"`` is supported for boxes.
        clamping_mode (str or None): clamp to the new canvas (``"soft"``/``"hard"``) or not.

    Example::

        >>> b, cs = pad_bounding_boxes(ember.tensor([[0., 0., 2., 2.]]), BoundingBoxFormat.XYXY,
        ...                            (4, 4), [1, 2])
        >>> b.tolist(), cs
        ([[1.0, 2.0, 3.0, 4.0]], (8, 6))
    """
    if padding_mode not in ["constant"]:
        raise ValueError(f"Padding mode '{padding_mode}' is not supported with bounding boxes")
    format = tv_tensors._parse_format(format)
    left, right, top, bottom = _parse_pad_padding(padding)
    shift = [left, top, left, top] if format == BoundingBoxFormat.XYXY else [left, top, 0, 0]
    boxes = bounding_boxes + ember.tensor(shift, dtype=bounding_boxes.dtype,
                                          device=bounding_boxes.device)
    canvas_size = (canvas_size[0] + top + bottom, canvas_size[1] + left + right)
    return (clamp_bounding_boxes(boxes, format=format, canvas_size=canvas_size,
                                 clamping_mode=clamping_mode), canvas_size)


@_register_kernel_internal(pad, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _pad_bounding_boxes_dispatch(inpt, padding, padding_mode="constant", **kwargs):
    out, canvas_size = pad_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, padding,
                                          padding_mode=padding_mode,
                                          clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


@_register_kernel_internal(pad, tv_tensors.Video)
def pad_video(video, padding, fill=None, padding_mode="constant"):
    """Pad a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        padding (int or sequence): as in :func:`pad`.
        fill (number or sequence, optional): default 0.
        padding_mode (str): constant, edge, reflect or symmetric.

    Example::

        >>> tuple(pad_video(ember.zeros(2, 3, 4, 4), 1).shape)
        (2, 3, 6, 6)
    """
    return pad_image(video, padding, fill=fill, padding_mode=padding_mode)


# ------------------------------------------------------------------------------ crop
@_dispatch
def crop(inpt, top, left, height, width):
    """Crop an image, video, mask or bounding boxes to the box ``(top, left, height, width)``;
    parts of the box outside the image are zero-filled (see
    :class:`~ember.vision.transforms.v2.RandomCrop`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        top (int): row of the top-left corner.
        left (int): column of the top-left corner.
        height (int): the crop's height.
        width (int): the crop's width.

    Example::

        >>> tuple(crop(ember.zeros(3, 8, 8), 2, 1, 4, 5).shape)
        (3, 4, 5)
    """


@_register_kernel_internal(crop, ember.Tensor)
@_register_kernel_internal(crop, tv_tensors.Image)
def crop_image(image, top, left, height, width):
    """Crop ``[..., H, W]`` (a view when the box lies inside the image).

    Args:
        image (Tensor): the image.
        top, left, height, width (int): the box.

    Example::

        >>> crop_image(ember.arange(9).reshape(1, 3, 3), 1, 1, 2, 2).tolist()
        [[[4, 5], [7, 8]]]
    """
    h, w = image.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        arr = _np(image)
        lead = arr.shape[:-2]
        out = F_t.crop(arr.reshape((-1,) + arr.shape[-2:]), top, left, height, width)
        return _wrap(out.reshape(lead + out.shape[-2:]), like=image)
    return image[..., top:bottom, left:right]


_register_kernel_internal(crop, _PILImage)(F_pil.crop)


@_register_kernel_internal(crop, tv_tensors.Mask)
def crop_mask(mask, top, left, height, width):
    """Crop a mask ``[..., H, W]``.

    Args:
        mask (Tensor): the mask.
        top, left, height, width (int): the box.

    Example::

        >>> crop_mask(ember.tensor([[1, 2], [3, 4]]), 1, 0, 1, 2).tolist()
        [[3, 4]]
    """
    return _with_channel(crop_image)(mask, top, left, height, width)


def crop_bounding_boxes(bounding_boxes, format, top, left, height, width, clamping_mode="soft"):
    """Shift boxes into a crop's frame and clamp them; returns ``(boxes, (height, width))``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        top, left, height, width (int): the crop box.
        clamping_mode (str or None): clamp to the crop (``"soft"``/``"hard"``) or not.

    Example::

        >>> b, cs = crop_bounding_boxes(ember.tensor([[1., 1., 6., 6.]]), BoundingBoxFormat.XYXY,
        ...                             2, 2, 3, 3)
        >>> b.tolist(), cs
        ([[0.0, 0.0, 3.0, 3.0]], (3, 3))
    """
    format = tv_tensors._parse_format(format)
    sub = [left, top, left, top] if format == BoundingBoxFormat.XYXY else [left, top, 0, 0]
    boxes = bounding_boxes - ember.tensor(sub, dtype=bounding_boxes.dtype,
                                          device=bounding_boxes.device)
    canvas_size = (height, width)
    return (clamp_bounding_boxes(boxes, format=format, canvas_size=canvas_size,
                                 clamping_mode=clamping_mode), canvas_size)


@_register_kernel_internal(crop, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _crop_bounding_boxes_dispatch(inpt, top, left, height, width):
    out, canvas_size = crop_bounding_boxes(_pure(inpt), inpt.format, top=top, left=left,
                                           height=height, width=width,
                                           clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


@_register_kernel_internal(crop, tv_tensors.Video)
def crop_video(video, top, left, height, width):
    """Crop a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        top, left, height, width (int): the box.

    Example::

        >>> tuple(crop_video(ember.zeros(2, 3, 8, 8), 0, 0, 4, 4).shape)
        (2, 3, 4, 4)
    """
    return crop_image(video, top, left, height, width)


# ------------------------------------------------------------------------------ center crop
def _center_crop_parse_output_size(output_size):
    if isinstance(output_size, numbers.Number):
        s = int(output_size)
        return [s, s]
    if isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        return [output_size[0], output_size[0]]
    return list(output_size)


def _center_crop_anchor(crop_h, crop_w, image_h, image_w):
    return int(round((image_h - crop_h) / 2.0)), int(round((image_w - crop_w) / 2.0))


def _center_crop_padding(crop_h, crop_w, image_h, image_w):
    return [(crop_w - image_w) // 2 if crop_w > image_w else 0,
            (crop_h - image_h) // 2 if crop_h > image_h else 0,
            (crop_w - image_w + 1) // 2 if crop_w > image_w else 0,
            (crop_h - image_h + 1) // 2 if crop_h > image_h else 0]


@_dispatch
def center_crop(inpt, output_size):
    """Crop the centre of an image, video, mask or bounding boxes (zero-padding images that are
    smaller than the crop).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        output_size (int or sequence): ``(h, w)`` or one int for a square.

    Example::

        >>> tuple(center_crop(ember.zeros(3, 8, 8), [4, 6]).shape)
        (3, 4, 6)
    """


@_register_kernel_internal(center_crop, ember.Tensor)
@_register_kernel_internal(center_crop, tv_tensors.Image)
def center_crop_image(image, output_size):
    """Crop the centre of ``[..., H, W]``.

    Args:
        image (Tensor): the image.
        output_size (int or sequence): ``(h, w)`` or one int.

    Example::

        >>> center_crop_image(ember.arange(9).reshape(3, 3), 1).tolist()
        [[4]]
    """
    crop_h, crop_w = _center_crop_parse_output_size(output_size)
    shape = image.shape
    if image.numel() == 0:
        return image.reshape(tuple(shape[:-2]) + (crop_h, crop_w))
    image_h, image_w = shape[-2:]
    if crop_h > image_h or crop_w > image_w:
        l, t, r, b = _center_crop_padding(crop_h, crop_w, image_h, image_w)
        arr = _np(image)
        lead = arr.shape[:-2]
        padded = F_t.pad(arr.reshape((-1,) + arr.shape[-2:]), (l, r, t, b), 0)
        image = _wrap(padded.reshape(lead + padded.shape[-2:]), like=image)
        image_h, image_w = image.shape[-2:]
        if crop_w == image_w and crop_h == image_h:
            return image
    top, left = _center_crop_anchor(crop_h, crop_w, image_h, image_w)
    return image[..., top:top + crop_h, left:left + crop_w]


@_register_kernel_internal(center_crop, _PILImage)
def _center_crop_image_pil(image, output_size):
    crop_h, crop_w = _center_crop_parse_output_size(output_size)
    image_w, image_h = image.size
    if crop_h > image_h or crop_w > image_w:
        image = F_pil.pad(image, _center_crop_padding(crop_h, crop_w, image_h, image_w), fill=0)
        image_w, image_h = image.size
        if crop_w == image_w and crop_h == image_h:
            return image
    top, left = _center_crop_anchor(crop_h, crop_w, image_h, image_w)
    return F_pil.crop(image, top, left, crop_h, crop_w)


@_register_kernel_internal(center_crop, tv_tensors.Mask)
def center_crop_mask(mask, output_size):
    """Crop the centre of a mask ``[..., H, W]``.

    Args:
        mask (Tensor): the mask.
        output_size (int or sequence): ``(h, w)`` or one int.

    Example::

        >>> center_crop_mask(ember.arange(9).reshape(3, 3), 1).tolist()
        [[4]]
    """
    return _with_channel(center_crop_image)(mask, output_size)


def center_crop_bounding_boxes(bounding_boxes, format, canvas_size, output_size,
                               clamping_mode="soft"):
    """Boxes in the frame of a centre crop; returns ``(boxes, (h, w))``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.
        output_size (int or sequence): ``(h, w)`` or one int.
        clamping_mode (str or None): clamp to the crop or not.

    Example::

        >>> b, cs = center_crop_bounding_boxes(ember.tensor([[2., 2., 6., 6.]]),
        ...                                    BoundingBoxFormat.XYXY, (8, 8), 4)
        >>> b.tolist(), cs
        ([[0.0, 0.0, 4.0, 4.0]], (4, 4))
    """
    crop_h, crop_w = _center_crop_parse_output_size(output_size)
    top, left = _center_crop_anchor(crop_h, crop_w, *canvas_size)
    return crop_bounding_boxes(bounding_boxes, format, top=top, left=left, height=crop_h,
                               width=crop_w, clamping_mode=clamping_mode)


@_register_kernel_internal(center_crop, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _center_crop_bounding_boxes_dispatch(inpt, output_size):
    out, canvas_size = center_crop_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size,
                                                  output_size, clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


@_register_kernel_internal(center_crop, tv_tensors.Video)
def center_crop_video(video, output_size):
    """Crop the centre of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        output_size (int or sequence): ``(h, w)`` or one int.

    Example::

        >>> tuple(center_crop_video(ember.zeros(2, 3, 8, 8), 4).shape)
        (2, 3, 4, 4)
    """
    return center_crop_image(video, output_size)


# ------------------------------------------------------------------------------ resized crop
@_dispatch
def resized_crop(inpt, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    """Crop, then resize (see :class:`~ember.vision.transforms.v2.RandomResizedCrop`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        top, left, height, width (int): the crop box.
        size (int or sequence): the output size, as in :func:`resize`.
        interpolation (InterpolationMode, str or int): default bilinear.
        antialias (bool): default ``True``.

    Example::

        >>> tuple(resized_crop(ember.rand(3, 8, 8), 0, 0, 4, 4, [6, 6]).shape)
        (3, 6, 6)
    """


@_register_kernel_internal(resized_crop, ember.Tensor)
@_register_kernel_internal(resized_crop, tv_tensors.Image)
def resized_crop_image(image, top, left, height, width, size,
                       interpolation=InterpolationMode.BILINEAR, antialias=True):
    """Crop then resize a tensor image.

    Args:
        image (Tensor): ``[..., C, H, W]``.
        top, left, height, width (int): the crop box.
        size (int or sequence): the output size.
        interpolation (InterpolationMode, str or int): default bilinear.
        antialias (bool): default ``True``.

    Example::

        >>> tuple(resized_crop_image(ember.rand(3, 8, 8), 2, 2, 4, 4, 2).shape)
        (3, 2, 2)
    """
    image = crop_image(image, top, left, height, width)
    return resize_image(image, size, interpolation=interpolation, antialias=antialias)


@_register_kernel_internal(resized_crop, _PILImage)
def _resized_crop_image_pil(image, top, left, height, width, size,
                            interpolation=InterpolationMode.BILINEAR, antialias=True):
    if antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                      "antialias is ignored.")
    image = F_pil.crop(image, top, left, height, width)
    return _resize_image_pil(image, size, interpolation=interpolation)


def resized_crop_mask(mask, top, left, height, width, size):
    """Crop then resize (nearest) a mask.

    Args:
        mask (Tensor): ``[..., H, W]``.
        top, left, height, width (int): the crop box.
        size (int or sequence): the output size.

    Example::

        >>> resized_crop_mask(ember.tensor([[1, 2], [3, 4]]), 0, 0, 1, 1, [2, 2]).tolist()
        [[1, 1], [1, 1]]
    """
    return resize_mask(crop_mask(mask, top, left, height, width), size)


@_register_kernel_internal(resized_crop, tv_tensors.Mask, tv_tensor_wrapper=False)
def _resized_crop_mask_dispatch(inpt, top, left, height, width, size, **kwargs):
    out = resized_crop_mask(_pure(inpt), top, left, height, width, size)
    return tv_tensors.wrap(out, like=inpt)


def resized_crop_bounding_boxes(bounding_boxes, format, top, left, height, width, size,
                                clamping_mode="soft"):
    """Boxes through a crop then a resize; returns ``(boxes, canvas_size)``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        top, left, height, width (int): the crop box.
        size (int or sequence): the output size.
        clamping_mode (str or None): clamp to the crop or not.

    Example::

        >>> b, cs = resized_crop_bounding_boxes(ember.tensor([[2., 2., 4., 4.]]),
        ...                                     BoundingBoxFormat.XYXY, 2, 2, 4, 4, [8, 8])
        >>> b.tolist(), cs
        ([[0.0, 0.0, 4.0, 4.0]], (8, 8))
    """
    boxes, canvas_size = crop_bounding_boxes(bounding_boxes, format, top, left, height, width,
                                             clamping_mode=clamping_mode)
    return resize_bounding_boxes(boxes, canvas_size=canvas_size, size=size, format=format,
                                 clamping_mode=clamping_mode)


@_register_kernel_internal(resized_crop, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _resized_crop_bounding_boxes_dispatch(inpt, top, left, height, width, size, **kwargs):
    out, canvas_size = resized_crop_bounding_boxes(_pure(inpt), inpt.format, top, left, height,
                                                   width, size, clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


@_register_kernel_internal(resized_crop, tv_tensors.Video)
def resized_crop_video(video, top, left, height, width, size,
                       interpolation=InterpolationMode.BILINEAR, antialias=True):
    """Crop then resize a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        top, left, height, width (int): the crop box.
        size (int or sequence): the output size.
        interpolation (InterpolationMode, str or int): default bilinear.
        antialias (bool): default ``True``.

    Example::

        >>> tuple(resized_crop_video(ember.rand(2, 3, 8, 8), 0, 0, 4, 4, 2).shape)
        (2, 3, 2, 2)
    """
    return resized_crop_image(video, top, left, height, width, size=size,
                              interpolation=interpolation, antialias=antialias)


# ------------------------------------------------------------------------------ affine / rotate


def _check_fill(image, fill):
    if fill is None:
        return
    if isinstance(fill, (tuple, list)):
        if len(fill) > 1 and len(fill) != image.shape[-3]:
            raise ValueError("The number of elements in 'fill' cannot broadcast to match the number "
                             f"of channels of the image ({len(fill)} != {image.shape[-3]})")
    elif not isinstance(fill, (int, float)):
        raise ValueError("Argument fill should be either int, float, tuple or list")


def _grid_sample_image(image, interpolation, fill, sample, out_size=None):
    """Check the arguments, run ``sample`` (NumPy ``[N, C, H, W]`` -> resampled) on the image
    flattened to 4-D and restore its leading dimensions."""
    if interpolation.value not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with Tensor "
                         f"input")
    _check_fill(image, fill)
    shape = image.shape
    c, h, w = shape[-3:]
    ow, oh = out_size if out_size is not None else (w, h)
    out_shape = tuple(shape[:-3]) + (c, oh, ow)
    if image.numel() == 0:
        return ember.zeros(out_shape, dtype=image.dtype, device=image.device)
    out = sample(_np(image).reshape((-1, c, h, w)))
    return _wrap(out.reshape(out_shape), like=image)


def _grid_transform(image, matrix, interpolation, fill, out_size=None):
    h, w = image.shape[-2:]
    ow, oh = out_size if out_size is not None else (w, h)
    return _grid_sample_image(
        image, interpolation, fill,
        lambda arr: F_t.affine(arr, matrix, interpolation.value, fill, (ow, oh)), (ow, oh))


@_dispatch
def affine(inpt, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Apply an affine transformation (rotation by ``angle`` degrees clockwise, translation,
    scale, shear) keeping the centre fixed (see :class:`~ember.vision.transforms.v2.RandomAffine`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        angle (number): rotation in degrees, clockwise.
        translate (sequence of two numbers): post-rotation translation ``(dx, dy)``.
        scale (float): overall scale (> 0).
        shear (number or sequence): shear angle(s) in degrees.
        interpolation (InterpolationMode, str or int): nearest (default) or bilinear.
        fill (number or sequence, optional): value for pixels outside the image.
        center (sequence, optional): ``(x, y)`` centre; default the image centre.

    Example::

        >>> tuple(affine(ember.rand(3, 8, 8), 10.0, [1, 0], 1.0, 0.0).shape)
        (3, 8, 8)
    """


@_register_kernel_internal(affine, ember.Tensor)
@_register_kernel_internal(affine, tv_tensors.Image)
def affine_image(image, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
                 fill=None, center=None):
    """Affine transformation of a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        angle, translate, scale, shear: as in :func:`affine`.
        interpolation (InterpolationMode, str or int): nearest (default) or bilinear.
        fill (number or sequence, optional): outside value.
        center (sequence, optional): the centre.

    Example::

        >>> affine_image(ember.ones(1, 3, 3), 0.0, [1, 0], 1.0, 0.0, fill=0).tolist()[0][0]
        [0.0, 1.0, 1.0]
    """
    interpolation = _check_interpolation(interpolation)
    angle, translate, shear, center = F1._affine_parse_args(angle, translate, scale, shear, center)
    height, width = image.shape[-2:]
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [(c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = _get_inverse_affine_matrix(center_f, angle, [float(t) for t in translate], scale,
                                        shear)
    return _grid_transform(image, matrix, interpolation, fill)


@_register_kernel_internal(affine, _PILImage)
def _affine_image_pil(image, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
                      fill=None, center=None):
    interpolation = _check_interpolation(interpolation)
    angle, translate, shear, center = F1._affine_parse_args(angle, translate, scale, shear, center)
    width, height = image.size
    if center is None:
        center = [width * 0.5, height * 0.5]
    matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
    return F_pil.affine(image, matrix=matrix, interpolation=pil_modes_mapping[interpolation],
                        fill=fill)


def _affine_bounding_boxes_with_expand(bounding_boxes, format, canvas_size, angle, translate,
                                       scale, shear, center=None, expand=False,
                                       clamping_mode="soft"):
    if bounding_boxes.numel() == 0:
        return bounding_boxes, canvas_size
    format = tv_tensors._parse_format(format)
    original_shape = bounding_boxes.shape
    dtype = bounding_boxes.dtype
    need_cast = not bounding_boxes.is_floating_point()
    boxes = bounding_boxes.float() if need_cast else bounding_boxes
    boxes = _convert_bounding_box_format(boxes, format, BoundingBoxFormat.XYXY).reshape(-1, 4)
    angle, translate, shear, center = F1._affine_parse_args(angle, translate, scale, shear, center)
    if center is None:
        height, width = canvas_size
        center = [width * 0.5, height * 0.5]
    affine_vector = _get_inverse_affine_matrix(center, angle, translate, scale, shear,
                                               inverted=False)
    matrix_t = ember.tensor(affine_vector, dtype=boxes.dtype, device=boxes.device).reshape(2, 3).T
    # the 4 corners of every box: (N * 4, 3) homogeneous points
    points = boxes[:, [0, 1, 2, 1, 2, 3, 0, 3]].reshape(-1, 2)
    points = ember.cat([points, ember.ones(points.shape[0], 1, dtype=boxes.dtype,
                                           device=boxes.device)], dim=-1)
    transformed = ember.matmul(points, matrix_t).reshape(-1, 4, 2)
    out = ember.cat([transformed.amin(dim=1), transformed.amax(dim=1)], dim=1)
    if expand:
        height, width = canvas_size
        corners = ember.tensor([[0.0, 0.0, 1.0], [0.0, float(height), 1.0],
                                [float(width), float(height), 1.0], [float(width), 0.0, 1.0]],
                               dtype=boxes.dtype, device=boxes.device)
        tr = ember.matmul(corners, matrix_t).amin(dim=0, keepdim=True)
        out = out - tr.repeat(1, 2)
        inverse = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        new_width, new_height = F_t.affine_output_size(inverse, width, height)
        canvas_size = (new_height, new_width)
    out = clamp_bounding_boxes(out, format=BoundingBoxFormat.XYXY, canvas_size=canvas_size,
                               clamping_mode=clamping_mode)
    out = _convert_bounding_box_format(out, BoundingBoxFormat.XYXY, format).reshape(original_shape)
    if need_cast:
        out = out.to(dtype)
    return out, canvas_size


def affine_bounding_boxes(bounding_boxes, format, canvas_size, angle, translate, scale, shear,
                          center=None, clamping_mode="soft"):
    """The axis-aligned boxes enclosing the affinely transformed boxes, clamped to the canvas.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.
        angle, translate, scale, shear, center: as in :func:`affine`.
        clamping_mode (str or None): clamp to the canvas or not.

    Example::

        >>> affine_bounding_boxes(ember.tensor([[1., 1., 3., 3.]]), BoundingBoxFormat.XYXY,
        ...                       (10, 10), 0.0, [2, 0], 1.0, 0.0).tolist()
        [[3.0, 1.0, 5.0, 3.0]]
    """
    out, _ = _affine_bounding_boxes_with_expand(bounding_boxes, format, canvas_size, angle,
                                                translate, scale, shear, center=center,
                                                expand=False, clamping_mode=clamping_mode)
    return out


@_register_kernel_internal(affine, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _affine_bounding_boxes_dispatch(inpt, angle, translate, scale, shear, center=None, **kwargs):
    out = affine_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, angle, translate,
                                scale, shear, center=center, clamping_mode=inpt.clamping_mode)
    return tv_tensors.wrap(out, like=inpt)


def affine_mask(mask, angle, translate, scale, shear, fill=None, center=None):
    """Affine transformation of a mask (nearest interpolation).

    Args:
        mask (Tensor): ``[..., H, W]``.
        angle, translate, scale, shear, center: as in :func:`affine`.
        fill (number, optional): outside value.

    Example::

        >>> affine_mask(ember.tensor([[1, 2, 3]]), 0.0, [1, 0], 1.0, 0.0, fill=0).tolist()
        [[0, 1, 2]]
    """
    return _with_channel(affine_image)(mask, angle, translate, scale, shear,
                                       interpolation=InterpolationMode.NEAREST, fill=fill,
                                       center=center)


@_register_kernel_internal(affine, tv_tensors.Mask, tv_tensor_wrapper=False)
def _affine_mask_dispatch(inpt, angle, translate, scale, shear, fill=None, center=None, **kwargs):
    out = affine_mask(_pure(inpt), angle, translate, scale, shear, fill=fill, center=center)
    return tv_tensors.wrap(out, like=inpt)


@_register_kernel_internal(affine, tv_tensors.Video)
def affine_video(video, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
                 fill=None, center=None):
    """Affine transformation of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        angle, translate, scale, shear, interpolation, fill, center: as in :func:`affine`.

    Example::

        >>> tuple(affine_video(ember.rand(2, 3, 4, 4), 5.0, [0, 0], 1.0, 0.0).shape)
        (2, 3, 4, 4)
    """
    return affine_image(video, angle, translate, scale, shear, interpolation=interpolation,
                        fill=fill, center=center)


@_dispatch
def rotate(inpt, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate an image, video, mask or bounding boxes by ``angle`` degrees counter-clockwise
    (see :class:`~ember.vision.transforms.v2.RandomRotation`).

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        angle (number): degrees, counter-clockwise.
        interpolation (InterpolationMode, str or int): nearest (default) or bilinear.
        expand (bool): enlarge the canvas to hold the whole rotated input.
        center (sequence, optional): ``(x, y)``; default the centre.
        fill (number or sequence, optional): value for pixels outside the input.

    Example::

        >>> rotate(ember.tensor([[[1, 2], [3, 4]]]), 90.0).tolist()
        [[[2, 4], [1, 3]]]
    """


@_register_kernel_internal(rotate, ember.Tensor)
@_register_kernel_internal(rotate, tv_tensors.Image)
def rotate_image(image, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
                 fill=None):
    """Rotate a tensor image ``[..., C, H, W]`` counter-clockwise (multiples of 90 degrees
    about the centre are exact rotations).

    Args:
        image (Tensor): the image.
        angle (number): degrees.
        interpolation, expand, center, fill: as in :func:`rotate`.

    Example::

        >>> rotate_image(ember.tensor([[[1, 2], [3, 4]]]), 180.0).tolist()
        [[[4, 3], [2, 1]]]
    """
    angle = angle % 360
    if center is None:
        if angle == 0:
            return image.clone()
        if angle == 180:
            return ember.rot90(image, 2, (-2, -1))
        if expand or image.shape[-1] == image.shape[-2]:
            if angle == 90:
                return ember.rot90(image, 1, (-2, -1))
            if angle == 270:
                return ember.rot90(image, 3, (-2, -1))
    interpolation = _check_interpolation(interpolation)
    height, width = image.shape[-2:]
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [(c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    out_size = F_t.affine_output_size(matrix, width, height) if expand else (width, height)
    return _grid_transform(image, matrix, interpolation, fill, out_size)


@_register_kernel_internal(rotate, _PILImage)
def _rotate_image_pil(image, angle, interpolation=InterpolationMode.NEAREST, expand=False,
                      center=None, fill=None):
    interpolation = _check_interpolation(interpolation)
    return F_pil.rotate(image, angle, interpolation=pil_modes_mapping[interpolation],
                        expand=expand, center=center, fill=fill)


def rotate_bounding_boxes(bounding_boxes, format, canvas_size, angle, expand=False, center=None,
                          clamping_mode="soft"):
    """The boxes enclosing the rotated boxes; returns ``(boxes, canvas_size)``.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.
        angle (number): degrees, counter-clockwise.
        expand (bool): the canvas grows to hold the rotated image.
        center (sequence, optional): ``(x, y)``.
        clamping_mode (str or None): clamp to the canvas or not.

    Example::

        >>> b, cs = rotate_bounding_boxes(ember.tensor([[0., 0., 2., 4.]]),
        ...                               BoundingBoxFormat.XYXY, (4, 4), 90.0)
        >>> b.tolist(), cs
        ([[0.0, 2.0, 4.0, 4.0]], (4, 4))
    """
    return _affine_bounding_boxes_with_expand(bounding_boxes, format, canvas_size, -angle,
                                              [0.0, 0.0], 1.0, [0.0, 0.0], center=center,
                                              expand=expand, clamping_mode=clamping_mode)


@_register_kernel_internal(rotate, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _rotate_bounding_boxes_dispatch(inpt, angle, expand=False, center=None, **kwargs):
    out, canvas_size = rotate_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, angle,
                                             expand=expand, center=center,
                                             clamping_mode=inpt.clamping_mode)
    return _rewrap_boxes(out, inpt, canvas_size)


def rotate_mask(mask, angle, expand=False, center=None, fill=None):
    """Rotate a mask (nearest interpolation).

    Args:
        mask (Tensor): ``[..., H, W]``.
        angle (number): degrees, counter-clockwise.
        expand, center, fill: as in :func:`rotate`.

    Example::

        >>> rotate_mask(ember.tensor([[1, 2], [3, 4]]), 90.0).tolist()
        [[2, 4], [1, 3]]
    """
    return _with_channel(rotate_image)(mask, angle, expand=expand,
                                       interpolation=InterpolationMode.NEAREST, fill=fill,
                                       center=center)


@_register_kernel_internal(rotate, tv_tensors.Mask, tv_tensor_wrapper=False)
def _rotate_mask_dispatch(inpt, angle, expand=False, center=None, fill=None, **kwargs):
    out = rotate_mask(_pure(inpt), angle, expand=expand, center=center, fill=fill)
    return tv_tensors.wrap(out, like=inpt)


@_register_kernel_internal(rotate, tv_tensors.Video)
def rotate_video(video, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
                 fill=None):
    """Rotate a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        angle, interpolation, expand, center, fill: as in :func:`rotate`.

    Example::

        >>> tuple(rotate_video(ember.rand(2, 3, 4, 6), 90.0, expand=True).shape)
        (2, 3, 6, 4)
    """
    return rotate_image(video, angle, interpolation=interpolation, expand=expand, center=center,
                        fill=fill)


# ------------------------------------------------------------------------------ five / ten crop
def _register_multi_crop_kernel(functional, input_type):
    """Register a kernel returning a tuple of crops; TVTensor inputs get each crop re-wrapped."""
    def decorator(kernel):
        @functools.wraps(kernel)
        def rewrap(inpt, *args, **kwargs):
            return tuple(tv_tensors.wrap(out, like=inpt)
                         for out in kernel(_pure(inpt), *args, **kwargs))
        is_tv_tensor = isinstance(input_type, type) and issubclass(input_type, tv_tensors.TVTensor)
        _register_kernel_internal(functional, input_type, tv_tensor_wrapper=False)(
            rewrap if is_tv_tensor else kernel)
        return kernel
    return decorator


def _check_multi_crop_size(size, image_size):
    if isinstance(size, numbers.Number):
        crop = [int(size), int(size)]
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        crop = [size[0], size[0]]
    else:
        crop = list(size)
    if len(crop) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    if crop[1] > image_size[1] or crop[0] > image_size[0]:
        raise ValueError(f"Requested crop size {size} is bigger than input size "
                         f"{tuple(image_size)}")
    return crop


@_dispatch
def five_crop(inpt, size):
    """The four corner crops and the centre crop of an image or video, as a tuple
    ``(top_left, top_right, bottom_left, bottom_right, center)`` (see
    :class:`~ember.vision.transforms.v2.FiveCrop`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.

    Example::

        >>> [c.tolist() for c in five_crop(ember.arange(9).reshape(1, 3, 3), 1)]
        [[[[0]]], [[[2]]], [[[6]]], [[[8]]], [[[4]]]]
    """


@_register_multi_crop_kernel(five_crop, ember.Tensor)
@_register_multi_crop_kernel(five_crop, tv_tensors.Image)
def five_crop_image(image, size):
    """Five crops of a tensor image ``[..., H, W]``.

    Args:
        image (Tensor): the image.
        size (int or sequence): the crop size.

    Example::

        >>> [tuple(c.shape) for c in five_crop_image(ember.zeros(3, 5, 6), [2, 3])][:2]
        [(3, 2, 3), (3, 2, 3)]
    """
    _check_multi_crop_size(size, image.shape[-2:])
    return F1.five_crop(image, size)


@_register_multi_crop_kernel(five_crop, _PILImage)
def _five_crop_image_pil(image, size):
    _check_multi_crop_size(size, (image.height, image.width))
    return F1.five_crop(image, size)


@_register_multi_crop_kernel(five_crop, tv_tensors.Video)
def five_crop_video(video, size):
    """Five crops of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        size (int or sequence): the crop size.

    Example::

        >>> len(five_crop_video(ember.zeros(2, 3, 4, 4), 2))
        5
    """
    return five_crop_image(video, size)


@_dispatch
def ten_crop(inpt, size, vertical_flip=False):
    """:func:`five_crop` of the input and of its flipped version (10 crops; see
    :class:`~ember.vision.transforms.v2.TenCrop`).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.
        size (int or sequence): the crop size.
        vertical_flip (bool): flip vertically instead of horizontally. Default: ``False``.

    Example::

        >>> crops = ten_crop(ember.arange(9).reshape(1, 3, 3), 1)
        >>> crops[0].item(), crops[5].item()
        (0, 2)
    """


@_register_multi_crop_kernel(ten_crop, ember.Tensor)
@_register_multi_crop_kernel(ten_crop, tv_tensors.Image)
def ten_crop_image(image, size, vertical_flip=False):
    """Ten crops of a tensor image ``[..., H, W]``.

    Args:
        image (Tensor): the image.
        size (int or sequence): the crop size.
        vertical_flip (bool): flip vertically instead of horizontally.

    Example::

        >>> len(ten_crop_image(ember.zeros(3, 4, 4), 2, vertical_flip=True))
        10
    """
    _check_multi_crop_size(size, image.shape[-2:])
    return F1.ten_crop(image, size, vertical_flip=vertical_flip)


@_register_multi_crop_kernel(ten_crop, _PILImage)
def _ten_crop_image_pil(image, size, vertical_flip=False):
    _check_multi_crop_size(size, (image.height, image.width))
    return F1.ten_crop(image, size, vertical_flip=vertical_flip)


@_register_multi_crop_kernel(ten_crop, tv_tensors.Video)
def ten_crop_video(video, size, vertical_flip=False):
    """Ten crops of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        size (int or sequence): the crop size.
        vertical_flip (bool): flip vertically instead of horizontally.

    Example::

        >>> tuple(ten_crop_video(ember.zeros(2, 3, 4, 4), 2)[9].shape)
        (2, 3, 2, 2)
    """
    return ten_crop_image(video, size, vertical_flip=vertical_flip)


# ------------------------------------------------------------------------------ perspective
def _perspective_coefficients(startpoints, endpoints, coefficients):
    if coefficients is not None:
        if startpoints is not None and endpoints is not None:
            raise ValueError("The startpoints/endpoints and the coefficients shouldn't be defined "
                             "concurrently.")
        if len(coefficients) != 8:
            raise ValueError("Argument coefficients should have 8 float values")
        return list(coefficients)
    if startpoints is not None and endpoints is not None:
        return F1._get_perspective_coeffs(startpoints, endpoints)
    raise ValueError("Either the startpoints/endpoints or the coefficients must have non `None` "
                     "values.")


@_dispatch
def perspective(inpt, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None,
                coefficients=None):
    """Perspective transformation moving the four ``startpoints`` to the ``endpoints`` (or
    given directly by its 8 ``coefficients``); see
    :class:`~ember.vision.transforms.v2.RandomPerspective`.

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        startpoints (list of [x, y], optional): corners ``[top-left, top-right, bottom-right,
            bottom-left]`` of the original.
        endpoints (list of [x, y], optional): where they go.
        interpolation (InterpolationMode, str or int): bilinear (default) or nearest for
            tensors (masks always nearest).
        fill (number or sequence, optional): value outside the transformed input.
        coefficients (list of 8 floats, optional): instead of the points.

    Example::

        >>> pts = [[0, 0], [3, 0], [3, 3], [0, 3]]
        >>> img = ember.rand(1, 4, 4)
        >>> bool((perspective(img, pts, pts) - img).abs().max() < 1e-6)
        True
    """


@_register_kernel_internal(perspective, ember.Tensor)
@_register_kernel_internal(perspective, tv_tensors.Image)
def perspective_image(image, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                      fill=None, coefficients=None):
    """Perspective transformation of a tensor image ``[..., C, H, W]``.

    Args:
        image (Tensor): the image.
        startpoints, endpoints, interpolation, fill, coefficients: as in :func:`perspective`.

    Example::

        >>> coeffs = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0]  # sample one pixel to the right
        >>> perspective_image(ember.tensor([[[1., 2., 3.]]]), None, None, fill=0,
        ...                   coefficients=coeffs).tolist()
        [[[2.0, 3.0, 0.0]]]
    """
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    interpolation = _check_interpolation(interpolation)
    return _grid_sample_image(image, interpolation, fill,
                              lambda arr: F_t.perspective(arr, coeffs, interpolation.value, fill))


@_register_kernel_internal(perspective, _PILImage)
def _perspective_image_pil(image, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                           fill=None, coefficients=None):
    coeffs = _perspective_coefficients(startpoints, endpoints, coefficients)
    interpolation = _check_interpolation(interpolation)
    return F_pil.perspective(image, coeffs, interpolation=pil_modes_mapping[interpolation],
                             fill=fill)


def _box_corners(xyxy):
    """The four corners ``(x1, y1), (x2, y1), (x2, y2), (x1, y2)`` of ``[N, 4]`` XYXY boxes,
    as ``[N * 4, 2]``."""
    return xyxy[:, [0, 1, 2, 1, 2, 3, 0, 3]].reshape(-1, 2)


def _enclosing_boxes(points):
    """``[N * 4, 2]`` corner points -> the ``[N, 4]`` XYXY boxes enclosing each group of 4."""
    points = points.reshape(-1, 4, 2)
    return ember.cat([points.amin(dim=1), points.amax(dim=1)], dim=1)


def perspective_bounding_boxes(bounding_boxes, format, canvas_size, startpoints, endpoints,
                               coefficients=None, clamping_mode="soft"):
    """The boxes enclosing the perspective-transformed corners of each box, clamped to the
    canvas.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.
        startpoints, endpoints, coefficients: as in :func:`perspective`.
        clamping_mode (str or None): clamp to the canvas or not.

    Example::

        >>> pts = [[0, 0], [9, 0], [9, 9], [0, 9]]
        >>> perspective_bounding_boxes(ember.tensor([[1., 2., 3., 4.]]), BoundingBoxFormat.XYXY,
        ...                            (10, 10), pts, pts).tolist()
        [[1.0, 2.0, 3.0, 4.0]]
    """
    if bounding_boxes.numel() == 0:
        return bounding_boxes
    c = _perspective_coefficients(startpoints, endpoints, coefficients)
    format = tv_tensors._parse_format(format)
    original_shape, original_dtype = bounding_boxes.shape, bounding_boxes.dtype
    boxes = _convert_bounding_box_format(bounding_boxes, format,
                                         BoundingBoxFormat.XYXY).reshape(-1, 4)
    dtype = boxes.dtype if boxes.is_floating_point() else ember.float32
    denom = c[0] * c[4] - c[1] * c[3]
    if denom == 0:
        raise RuntimeError(f"Provided perspective_coeffs {c} can not be inverted to transform "
                           f"bounding boxes. Denominator is zero, denom={denom}")
    # the image coefficients map output -> input pixels; boxes need the inverse map
    inv = [(c[4] - c[5] * c[7]) / denom, (-c[1] + c[2] * c[7]) / denom,
           (c[1] * c[5] - c[2] * c[4]) / denom, (-c[3] + c[5] * c[6]) / denom,
           (c[0] - c[2] * c[6]) / denom, (-c[0] * c[5] + c[2] * c[3]) / denom,
           (-c[4] * c[6] + c[3] * c[7]) / denom, (-c[0] * c[7] + c[1] * c[6]) / denom]
    theta1 = ember.tensor([inv[0:3], inv[3:6]], dtype=dtype, device=boxes.device)
    theta2 = ember.tensor([[inv[6], inv[7], 1.0]] * 2, dtype=dtype, device=boxes.device)
    points = _box_corners(boxes).to(dtype)
    points = ember.cat([points, ember.ones(points.shape[0], 1, dtype=dtype,
                                           device=boxes.device)], dim=-1)
    transformed = ember.matmul(points, theta1.T) / ember.matmul(points, theta2.T)
    out = clamp_bounding_boxes(_enclosing_boxes(transformed), format=BoundingBoxFormat.XYXY,
                               canvas_size=canvas_size, clamping_mode=clamping_mode)
    out = _convert_bounding_box_format(out, BoundingBoxFormat.XYXY, format)
    return out.reshape(original_shape).to(original_dtype)


@_register_kernel_internal(perspective, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _perspective_bounding_boxes_dispatch(inpt, startpoints, endpoints, coefficients=None,
                                         **kwargs):
    out = perspective_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, startpoints,
                                     endpoints, coefficients=coefficients,
                                     clamping_mode=inpt.clamping_mode)
    return tv_tensors.wrap(out, like=inpt)


def perspective_mask(mask, startpoints, endpoints, fill=None, coefficients=None):
    """Perspective transformation of a mask (nearest interpolation).

    Args:
        mask (Tensor): ``[..., H, W]``.
        startpoints, endpoints, fill, coefficients: as in :func:`perspective`.

    Example::

        >>> pts = [[0, 0], [1, 0], [1, 1], [0, 1]]
        >>> perspective_mask(ember.tensor([[1, 2], [3, 4]]), pts, pts).tolist()
        [[1, 2], [3, 4]]
    """
    return _with_channel(perspective_image)(mask, startpoints, endpoints,
                                            interpolation=InterpolationMode.NEAREST, fill=fill,
                                            coefficients=coefficients)


@_register_kernel_internal(perspective, tv_tensors.Mask, tv_tensor_wrapper=False)
def _perspective_mask_dispatch(inpt, startpoints, endpoints, fill=None, coefficients=None,
                               **kwargs):
    out = perspective_mask(_pure(inpt), startpoints, endpoints, fill=fill,
                           coefficients=coefficients)
    return tv_tensors.wrap(out, like=inpt)


@_register_kernel_internal(perspective, tv_tensors.Video)
def perspective_video(video, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                      fill=None, coefficients=None):
    """Perspective transformation of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.
        startpoints, endpoints, interpolation, fill, coefficients: as in :func:`perspective`.

    Example::

        >>> pts = [[0, 0], [3, 0], [3, 3], [0, 3]]
        >>> end = [[1, 0], [3, 0], [3, 3], [0, 3]]
        >>> tuple(perspective_video(ember.rand(2, 3, 4, 4), pts, end).shape)
        (2, 3, 4, 4)
    """
    return perspective_image(video, startpoints, endpoints, interpolation=interpolation,
                             fill=fill, coefficients=coefficients)


# ------------------------------------------------------------------------------ elastic
def _identity_grid(height, width, dtype):
    """torchvision's ``_create_identity_grid`` in ``dtype``: pixel-centre coordinates in
    [-1, 1], ``[1, H, W, 2]`` (x then y)."""
    xs = F_t._linspace((-width + 1) / width, (width - 1) / width, width, dtype)
    ys = F_t._linspace((-height + 1) / height, (height - 1) / height, height, dtype)
    grid = np.empty((1, height, width, 2), dtype=dtype)
    grid[..., 0], grid[..., 1] = xs[None, :], ys[:, None]
    return grid


def _check_displacement(displacement, height, width):
    if not isinstance(displacement, ember.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    expected_shape = (1, height, width, 2)
    if tuple(displacement.shape) != expected_shape:
        raise ValueError(f"Argument displacement shape should be {expected_shape}, but given "
                         f"{displacement.shape}")
    return _np(displacement)


@_dispatch
def elastic(inpt, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp by a displacement field: output pixel ``p`` (normalised ``[-1, 1]`` coordinates)
    samples the input at ``p + displacement[0, y, x]`` (see
    :class:`~ember.vision.transforms.v2.ElasticTransform`). Boxes use the approximate inverse
    ``p - displacement``.

    Args:
        inpt (Tensor, TVTensor or PIL Image): the input.
        displacement (Tensor): ``[1, H, W, 2]``.
        interpolation (InterpolationMode, str or int): bilinear (default) or nearest.
        fill (number or sequence, optional): value sampled from outside the input.

    Example::

        >>> img = ember.rand(3, 4, 5)
        >>> bool((elastic(img, ember.zeros(1, 4, 5, 2)) - img).abs().max() < 1e-6)
        True
    """


elastic_transform = elastic


@_register_kernel_internal(elastic, ember.Tensor)
@_register_kernel_internal(elastic, tv_tensors.Image)
def elastic_image(image, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Elastic warp of a tensor image ``[..., C, H, W]`` (sampled in the image's float dtype,
    float32 for integer images).

    Args:
        image (Tensor): the image.
        displacement (Tensor): ``[1, H, W, 2]``.
        interpolation (InterpolationMode, str or int): bilinear (default) or nearest.
        fill (number or sequence, optional): outside value.

    Example::

        >>> shift = ember.zeros(1, 1, 3, 2)
        >>> shift[..., 0] = 2 / 3  # one pixel to the right, in [-1, 1] units
        >>> elastic_image(ember.tensor([[[1., 2., 3.]]]), shift, fill=0).tolist()
        [[[2.0, 3.0, 0.0]]]
    """
    if not isinstance(displacement, ember.Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    interpolation = _check_interpolation(interpolation)
    height, width = image.shape[-2:]
    dtype = _np(image).dtype if image.is_floating_point() else np.dtype(np.float32)
    if dtype == np.float16:
        dtype = np.dtype(np.float32)
    disp = _check_displacement(displacement, height, width).astype(dtype)
    grid = (_identity_grid(height, width, dtype) + disp)[0]
    return _grid_sample_image(
        image, interpolation, fill,
        lambda arr: F_t.apply_grid_transform(arr, grid, interpolation.value, fill))


@_register_kernel_internal(elastic, _PILImage)
def _elastic_image_pil(image, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    out = elastic_image(F1.pil_to_tensor(image), displacement, interpolation=interpolation,
                        fill=fill)
    return F1.to_pil_image(out, mode=image.mode)


def elastic_bounding_boxes(bounding_boxes, format, canvas_size, displacement,
                           clamping_mode="soft"):
    """Boxes through an elastic warp, approximating its inverse by ``identity - displacement``
    at each (rounded-up) corner.

    Args:
        bounding_boxes (Tensor): the boxes ``[..., 4]``.
        format (BoundingBoxFormat): their format.
        canvas_size (two ints): ``(H, W)``.
        displacement (Tensor): ``[1, H, W, 2]``.
        clamping_mode (str or None): clamp to the canvas or not.

    Example::

        >>> elastic_bounding_boxes(ember.tensor([[1., 1., 3., 3.]]), BoundingBoxFormat.XYXY,
        ...                        (4, 4), ember.zeros(1, 4, 4, 2)).tolist()
        [[1.0, 1.0, 3.0, 3.0]]
    """
    disp = _check_displacement(displacement, canvas_size[0], canvas_size[1])
    if bounding_boxes.numel() == 0:
        return bounding_boxes
    format = tv_tensors._parse_format(format)
    dtype = _np(bounding_boxes).dtype if bounding_boxes.is_floating_point() \
        else np.dtype(np.float32)
    original_shape = bounding_boxes.shape
    boxes = _convert_bounding_box_format(bounding_boxes, format,
                                         BoundingBoxFormat.XYXY).reshape(-1, 4)
    inv_grid = _identity_grid(canvas_size[0], canvas_size[1], dtype) - disp.astype(dtype)
    points = _np(_box_corners(boxes))
    if np.issubdtype(points.dtype, np.floating):
        points = np.ceil(points)
    index = points.astype(np.int64)
    ix = np.clip(index[:, 0], 0, canvas_size[1] - 1)
    iy = np.clip(index[:, 1], 0, canvas_size[0] - 1)
    half_size = (dtype.type(0.5) * np.array(canvas_size[::-1], dtype=dtype)).astype(dtype)
    transformed = ((inv_grid[0, iy, ix, :] + dtype.type(1)) * half_size - dtype.type(0.5))
    out = _enclosing_boxes(_wrap(transformed.astype(dtype), like=None)).to(boxes.dtype)
    if bounding_boxes.device.type != "cpu":
        out = out.to(bounding_boxes.device)
    out = clamp_bounding_boxes(out, format=BoundingBoxFormat.XYXY, canvas_size=canvas_size,
                               clamping_mode=clamping_mode)
    return _convert_bounding_box_format(out, BoundingBoxFormat.XYXY, format).reshape(original_shape)


@_register_kernel_internal(elastic, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def _elastic_bounding_boxes_dispatch(inpt, displacement, **kwargs):
    out = elastic_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, displacement,
                                 clamping_mode=inpt.clamping_mode)
    return tv_tensors.wrap(out, like=inpt)


def elastic_mask(mask, displacement, fill=None):
    """Elastic warp of a mask (nearest interpolation).

    Args:
        mask (Tensor): ``[..., H, W]``.
        displacement (Tensor): ``[1, H, W, 2]``.
        fill (number, optional): outside value.

    Example::

        >>> elastic_mask(ember.tensor([[1, 2], [3, 4]]), ember.zeros(1, 2, 2, 2)).tolist()
        [[1, 2], [3, 4]]
    """
    return _with_channel(elastic_image)(mask, displacement,
                                        interpolation=InterpolationMode.NEAREST, fill=fill)


@_register_kernel_internal(elastic, tv_tensors.Mask, tv_tensor_wrapper=False)
def _elastic_mask_dispatch(inpt, displacement, fill=None, **kwargs):
    return tv_tensors.wrap(elastic_mask(_pure(inpt), displacement, fill=fill), like=inpt)


@_register_kernel_internal(elastic, tv_tensors.Video)
def elastic_video(video, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Elastic warp of a video ``[..., T, C, H, W]`` (the same field for every frame).

    Args:
        video (Tensor): the video.
        displacement (Tensor): ``[1, H, W, 2]``.
        interpolation (InterpolationMode, str or int): bilinear (default) or nearest.
        fill (number or sequence, optional): outside value.

    Example::

        >>> tuple(elastic_video(ember.rand(2, 3, 4, 4), ember.zeros(1, 4, 4, 2)).shape)
        (2, 3, 4, 4)
    """
    return elastic_image(video, displacement, interpolation=interpolation, fill=fill)
