"""Sizes of inputs and bounding-box format conversion / clamping (torchvision's ``_meta``)."""
import ember
from ember.vision import tv_tensors
from ember.vision.tv_tensors import BoundingBoxFormat, _parse_format, _pure
from ember.vision.transforms import _functional_pil as F_pil

from ._utils import _PILImage, _dispatch, _register_kernel_internal, is_pure_tensor

__all__ = ["get_dimensions", "get_num_channels", "get_image_num_channels", "get_size",
           "get_num_frames", "convert_bounding_box_format", "clamp_bounding_boxes",
           "get_dimensions_image", "get_dimensions_video", "get_num_channels_image",
           "get_num_channels_video", "get_size_image", "get_size_video", "get_size_mask",
           "get_size_bounding_boxes", "get_num_frames_video"]


@_dispatch
def get_dimensions(inpt):
    """``[channels, height, width]`` of an image or video (tensor or PIL image).

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.

    Example::

        >>> get_dimensions(ember.zeros(3, 4, 5))
        [3, 4, 5]
    """


@_register_kernel_internal(get_dimensions, ember.Tensor)
@_register_kernel_internal(get_dimensions, tv_tensors.Image, tv_tensor_wrapper=False)
def get_dimensions_image(image):
    """``[C, H, W]`` of a tensor image (``[1, H, W]`` for a 2-D one).

    Args:
        image (Tensor): ``[..., C, H, W]`` or ``[H, W]``.

    Example::

        >>> get_dimensions_image(ember.zeros(4, 5))
        [1, 4, 5]
    """
    chw = list(image.shape[-3:])
    if len(chw) == 3:
        return chw
    if len(chw) == 2:
        return [1] + chw
    raise TypeError(f"Input tensor should have at least two dimensions, but got {len(chw)}")


_register_kernel_internal(get_dimensions, _PILImage)(F_pil.get_dimensions)


@_register_kernel_internal(get_dimensions, tv_tensors.Video, tv_tensor_wrapper=False)
def get_dimensions_video(video):
    """``[C, H, W]`` of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.

    Example::

        >>> get_dimensions_video(ember.zeros(2, 3, 4, 5))
        [3, 4, 5]
    """
    return get_dimensions_image(video)


@_dispatch
def get_num_channels(inpt):
    """The number of channels of an image or video.

    Args:
        inpt (Tensor, Image, Video or PIL Image): the input.

    Example::

        >>> get_num_channels(ember.zeros(3, 4, 5))
        3
    """


@_register_kernel_internal(get_num_channels, ember.Tensor)
@_register_kernel_internal(get_num_channels, tv_tensors.Image, tv_tensor_wrapper=False)
def get_num_channels_image(image):
    """Channels of a tensor image (1 for a 2-D one).

    Args:
        image (Tensor): ``[..., C, H, W]`` or ``[H, W]``.

    Example::

        >>> get_num_channels_image(ember.zeros(4, 5))
        1
    """
    return get_dimensions_image(image)[0]


_register_kernel_internal(get_num_channels, _PILImage)(F_pil.get_image_num_channels)


@_register_kernel_internal(get_num_channels, tv_tensors.Video, tv_tensor_wrapper=False)
def get_num_channels_video(video):
    """Channels of a video ``[..., T, C, H, W]``.

    Args:
        video (Tensor): the video.

    Example::

        >>> get_num_channels_video(ember.zeros(2, 3, 4, 5))
        3
    """
    return get_num_channels_image(video)


get_image_num_channels = get_num_channels


@_dispatch
def get_size(inpt):
    """``[height, width]`` of an image, video, mask (tensor or PIL) or the canvas of bounding
    boxes.

    Args:
        inpt (Tensor, Image, Video, Mask, BoundingBoxes or PIL Image): the input.

    Example::

        >>> get_size(tv_tensors.Image(ember.zeros(3, 4, 5)))
        [4, 5]
    """


@_register_kernel_internal(get_size, ember.Tensor)
@_register_kernel_internal(get_size, tv_tensors.Image, tv_tensor_wrapper=False)
def get_size_image(image):
    """``[H, W]`` of a tensor image (its last two dimensions).

    Args:
        image (Tensor): at least 2-D.

    Example::

        >>> get_size_image(ember.zeros(3, 4, 5))
        [4, 5]
    """
    hw = list(image.shape[-2:])
    if len(hw) == 2:
        return hw
    raise TypeError(f"Input tensor should have at least two dimensions, but got {len(hw)}")


@_register_kernel_internal(get_size, _PILImage)
def _get_size_image_pil(image):
    width, height = F_pil.get_image_size(image)
    return [height, width]


@_register_kernel_internal(get_size, tv_tensors.Video, tv_tensor_wrapper=False)
def get_size_video(video):
    """``[H, W]`` of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> get_size_video(ember.zeros(2, 3, 4, 5))
        [4, 5]
    """
    return get_size_image(video)


@_register_kernel_internal(get_size, tv_tensors.Mask, tv_tensor_wrapper=False)
def get_size_mask(mask):
    """``[H, W]`` of a mask.

    Args:
        mask (Tensor): ``[..., H, W]``.

    Example::

        >>> get_size_mask(ember.zeros(4, 5))
        [4, 5]
    """
    return get_size_image(mask)


@_register_kernel_internal(get_size, tv_tensors.BoundingBoxes, tv_tensor_wrapper=False)
def get_size_bounding_boxes(bounding_box):
    """The ``canvas_size`` of bounding boxes, as a list.

    Args:
        bounding_box (BoundingBoxes): the boxes.

    Example::

        >>> b = tv_tensors.BoundingBoxes([[0, 0, 1, 1]], format="XYXY", canvas_size=(4, 5))
        >>> get_size_bounding_boxes(b)
        [4, 5]
    """
    return list(bounding_box.canvas_size)


@_dispatch
def get_num_frames(inpt):
    """The number of frames of a video (``shape[-4]``).

    Args:
        inpt (Tensor or Video): ``[..., T, C, H, W]``.

    Example::

        >>> get_num_frames(tv_tensors.Video(ember.zeros(7, 3, 2, 2)))
        7
    """


@_register_kernel_internal(get_num_frames, ember.Tensor)
@_register_kernel_internal(get_num_frames, tv_tensors.Video, tv_tensor_wrapper=False)
def get_num_frames_video(video):
    """The number of frames of a video tensor.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.

    Example::

        >>> get_num_frames_video(ember.zeros(7, 3, 2, 2))
        7
    """
    return video.shape[-4]


# ------------------------------------------------------------------------------ box formats
def _halve(t):
    """``t / 2`` (floor division for integer boxes, as torchvision)."""
    return t / 2 if t.is_floating_point() else ember.div(t, 2, rounding_mode="floor")


def _convert_bounding_box_format(boxes, old_format, new_format):
    """Convert plain-tensor boxes ``[..., 4]`` between formats, with torchvision's arithmetic
    (integer boxes: floor division, and float math then truncation for CXCYWH)."""
    if new_format == old_format:
        return boxes
    F = BoundingBoxFormat
    a, b, c, d = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    dtype = boxes.dtype
    if old_format == F.XYWH and new_format == F.CXCYWH:
        return ember.stack([a + _halve(c), b + _halve(d), c, d], dim=-1)
    if old_format == F.CXCYWH and (new_format == F.XYWH or new_format == F.XYXY):
        fp = boxes.is_floating_point()
        fb = boxes if fp else boxes.float()
        fa, fbb, fc, fd = fb[..., 0], fb[..., 1], fb[..., 2], fb[..., 3]
        x1, y1 = fa - fc / 2, fbb - fd / 2
        x2, y2 = x1 + fc, y1 + fd
        if new_format == F.XYXY:
            out = ember.stack([x1, y1, x2, y2], dim=-1)
            return out if fp else out.to(dtype)
        if fp:
            return ember.stack([x1, y1, fc, fd], dim=-1)
        x1, y1, x2, y2 = x1.to(dtype), y1.to(dtype), x2.to(dtype), y2.to(dtype)
        return ember.stack([x1, y1, x2 - x1, y2 - y1], dim=-1)
    if old_format == F.XYWH:
        a, b, c, d = a, b, c + a, d + b
    # now XYXY in a, b, c, d
    if new_format == F.XYXY:
        return ember.stack([a, b, c, d], dim=-1)
    w, h = c - a, d - b
    if new_format == F.XYWH:
        return ember.stack([a, b, w, h], dim=-1)
    return ember.stack([_halve(a * 2 + w), _halve(b * 2 + h), w, h], dim=-1)


def convert_bounding_box_format(inpt, old_format=None, new_format=None, inplace=False):
    """Convert bounding boxes to another coordinate format.

    Args:
        inpt (Tensor or BoundingBoxes): the boxes ``[..., 4]``.
        old_format (BoundingBoxFormat or str, optional): the boxes' format; required for plain
            tensors, not allowed for ``BoundingBoxes`` (which know theirs).
        new_format (BoundingBoxFormat or str): the wanted format.
        inplace (bool): write the result into ``inpt``. Default: ``False``.

    Example::

        >>> b = tv_tensors.BoundingBoxes([[1, 2, 5, 8]], format="XYXY", canvas_size=(10, 10))
        >>> convert_bounding_box_format(b, new_format="CXCYWH").tolist()
        [[3, 5, 4, 6]]
    """
    if new_format is None:
        raise TypeError("convert_bounding_box_format() missing 1 required argument: 'new_format'")
    if old_format is not None:
        old_format = _parse_format(old_format)
    new_format = _parse_format(new_format)
    if is_pure_tensor(inpt):
        if old_format is None:
            raise ValueError("For pure tensor inputs, `old_format` has to be passed.")
        out = _convert_bounding_box_format(inpt, old_format, new_format)
        return _write_inplace(inpt, out) if inplace else out
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if old_format is not None:
            raise ValueError("For bounding box tv_tensor inputs, `old_format` must not be passed.")
        plain = _pure(inpt)
        out = _convert_bounding_box_format(plain, inpt.format, new_format)
        if inplace:
            out = _write_inplace(plain, out)
        return tv_tensors.wrap(out, like=inpt, format=new_format)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got "
                    f"{type(inpt)} instead.")


def _write_inplace(target, out):
    if out is target:
        return target
    with ember.no_grad():
        target.copy_(out)
    return target


def _clamp_bounding_boxes(boxes, format, canvas_size, clamping_mode):
    if clamping_mode is None:
        return boxes.clone()
    in_dtype = boxes.dtype
    fb = boxes if boxes.is_floating_point() else boxes.float()
    xyxy = _convert_bounding_box_format(fb, format, BoundingBoxFormat.XYXY)
    h, w = canvas_size
    x1, y1 = xyxy[..., 0].clamp(0, w), xyxy[..., 1].clamp(0, h)
    x2, y2 = xyxy[..., 2].clamp(0, w), xyxy[..., 3].clamp(0, h)
    out = _convert_bounding_box_format(ember.stack([x1, y1, x2, y2], dim=-1),
                                       BoundingBoxFormat.XYXY, format)
    return out.to(in_dtype)


def clamp_bounding_boxes(inpt, format=None, canvas_size=None, clamping_mode="auto"):
    """Clamp bounding boxes to their canvas (``0 <= x <= W``, ``0 <= y <= H``).

    Args:
        inpt (Tensor or BoundingBoxes): the boxes.
        format (BoundingBoxFormat or str, optional): required for plain tensors only.
        canvas_size (two ints, optional): ``(H, W)``; required for plain tensors only.
        clamping_mode (str or None): ``"soft"``/``"hard"`` clamp, ``None`` does nothing,
            ``"auto"`` (the default) uses the boxes' own ``clamping_mode`` (BoundingBoxes only).

    Example::

        >>> b = tv_tensors.BoundingBoxes([[-2., 1., 12., 5.]], format="XYXY", canvas_size=(4, 10))
        >>> clamp_bounding_boxes(b).tolist()
        [[0.0, 1.0, 10.0, 4.0]]
    """
    if clamping_mode is not None and clamping_mode not in ("soft", "hard", "auto"):
        raise ValueError(f"clamping_mode must be soft, hard, auto or None, got {clamping_mode}")
    if is_pure_tensor(inpt):
        if format is None or canvas_size is None or clamping_mode == "auto":
            raise ValueError("For pure tensor inputs, `format`, `canvas_size` and `clamping_mode` "
                             "have to be passed.")
        return _clamp_bounding_boxes(inpt, _parse_format(format), canvas_size, clamping_mode)
    if isinstance(inpt, tv_tensors.BoundingBoxes):
        if format is not None or canvas_size is not None:
            raise ValueError("For bounding box tv_tensor inputs, `format` and `canvas_size` must "
                             "not be passed.")
        if clamping_mode == "auto":
            clamping_mode = inpt.clamping_mode
        out = _clamp_bounding_boxes(_pure(inpt), inpt.format, inpt.canvas_size, clamping_mode)
        return tv_tensors.wrap(out, like=inpt)
    raise TypeError(f"Input can either be a plain tensor or a bounding box tv_tensor, but got "
                    f"{type(inpt)} instead.")
