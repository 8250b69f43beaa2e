"""Geometric v2 transforms: flips, Resize, crops, Pad, RandomRotation, RandomAffine."""
import math
import warnings
from collections.abc import Sequence

import ember
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import (_check_padding_arg, _check_padding_mode_arg, _check_sequence_input,
                     _get_fill, _setup_angle, _setup_fill_arg, _setup_size, query_size)
from .functional._geometry import _parse_pad_padding

__all__ = ["RandomHorizontalFlip", "RandomVerticalFlip", "Resize", "CenterCrop",
           "RandomResizedCrop", "Pad", "RandomRotation", "RandomAffine", "RandomCrop"]

_SIZE_MSG = "Please provide only two dimensions (h, w) for size."


def _uniform(low, high):
    return float(ember.empty(1).uniform_(low, high).item())


class RandomHorizontalFlip(_RandomApplyTransform):
    """Flip images, videos, masks and bounding boxes horizontally with probability ``p`` (all
    inputs of one call together).

    Args:
        p (float): the probability. Default: 0.5.

    Example::

        >>> boxes = tv_tensors.BoundingBoxes([[0, 0, 2, 2]], format="XYXY", canvas_size=(4, 4))
        >>> RandomHorizontalFlip(p=1.0)(boxes).tolist()
        [[2, 0, 4, 2]]
    """
    _v1_transform_cls = _v1.RandomHorizontalFlip

    def transform(self, inpt, params):
        return self._call_kernel(F.horizontal_flip, inpt)


class RandomVerticalFlip(_RandomApplyTransform):
    """Flip images, videos, masks and bounding boxes vertically with probability ``p``.

    Args:
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomVerticalFlip(p=1.0)(ember.tensor([[[1], [2]]])).tolist()
        [[[2], [1]]]
    """
    _v1_transform_cls = _v1.RandomVerticalFlip

    def transform(self, inpt, params):
        return self._call_kernel(F.vertical_flip, inpt)


class Resize(Transform):
    """Resize images, videos, masks (nearest) and bounding boxes.

    Args:
        size (int, sequence or None): ``(h, w)``; an int (or ``[n]``) matches the smaller edge
            keeping the aspect ratio; None bounds the longer edge by ``max_size``.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        max_size (int, optional): bound for the longer edge.
        antialias (bool): antialias tensor downscaling. Default: ``True``.

    Example::

        >>> Resize(4)(ember.rand(3, 8, 12)).shape
        torch.Size([3, 4, 6])
    """
    _v1_transform_cls = _v1.Resize

    def __init__(self, size, interpolation="bilinear", max_size=None, antialias=True):
        super().__init__()
        if isinstance(size, int):
            size = [size]
        elif isinstance(size, Sequence) and len(size) in {1, 2}:
            size = list(size)
        elif size is None:
            if not isinstance(max_size, int):
                raise ValueError(f"max_size must be an integer when size is None, but got "
                                 f"{max_size} instead.")
        else:
            raise ValueError(f"size can be an integer, a sequence of one or two integers, or None, "
                             f"but got {size} instead.")
        self.size = size
        self.interpolation = interpolation
        self.max_size = max_size
        self.antialias = antialias

    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, self.size, interpolation=self.interpolation,
                                 max_size=self.max_size, antialias=self.antialias)


class CenterCrop(Transform):
    """Crop the centre of images, videos, masks and bounding boxes.

    Args:
        size (int or sequence): ``(h, w)`` or one int for a square.

    Example::

        >>> CenterCrop(2)(ember.rand(3, 4, 4)).shape
        torch.Size([3, 2, 2])
    """
    _v1_transform_cls = _v1.CenterCrop

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)

    def transform(self, inpt, params):
        return self._call_kernel(F.center_crop, inpt, output_size=self.size)


class RandomResizedCrop(Transform):
    """Crop a random area (fraction ``scale`` of the image, aspect ratio in ``ratio``) and
    resize it to ``size``; the same crop for every input of a call.

    Args:
        size (int or sequence): the output ``(h, w)``.
        scale (tuple of float): range of the crop's area fraction. Default: ``(0.08, 1.0)``.
        ratio (tuple of float): range of its aspect ratio. Default: ``(3/4, 4/3)``.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        antialias (bool): default ``True``.

    Example::

        >>> RandomResizedCrop(4)(ember.rand(3, 10, 10)).shape
        torch.Size([3, 4, 4])
    """
    _v1_transform_cls = _v1.RandomResizedCrop

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation="bilinear", antialias=True):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        if not isinstance(scale, Sequence) or len(scale) != 2:
            raise TypeError("Scale should be a sequence of two floats.")
        if not isinstance(ratio, Sequence) or len(ratio) != 2:
            raise TypeError("Ratio should be a sequence of two floats.")
        if (scale[0] > scale[1]) or (ratio[0] > ratio[1]):
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.antialias = antialias
        self._log_ratio = (math.log(ratio[0]), math.log(ratio[1]))

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        area = height * width
        log_ratio = self._log_ratio
        for _ in range(10):
            target_area = area * _uniform(self.scale[0], self.scale[1])
            aspect_ratio = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                i = int(ember.randint(0, height - h + 1, size=(1,)).item())
                j = int(ember.randint(0, width - w + 1, size=(1,)).item())
                break
        else:
            in_ratio = float(width) / float(height)
            if in_ratio < min(self.ratio):
                w = width
                h = int(round(w / min(self.ratio)))
            elif in_ratio > max(self.ratio):
                h = height
                w = int(round(h * max(self.ratio)))
            else:
                w, h = width, height
            i = (height - h) // 2
            j = (width - w) // 2
        return dict(top=i, left=j, height=h, width=w)

    def transform(self, inpt, params):
        return self._call_kernel(F.resized_crop, inpt, **params, size=self.size,
                                 interpolation=self.interpolation, antialias=self.antialias)


class Pad(Transform):
    """Pad images, videos, masks and bounding boxes.

    Args:
        padding (int or sequence): all sides, ``[left/right, top/bottom]`` or
            ``[left, top, right, bottom]``.
        fill (number, sequence or dict): the constant fill; a dict maps input types (or
            ``"others"``) to fills. Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Example::

        >>> Pad([1, 2])(ember.zeros(3, 4, 4)).shape
        torch.Size([3, 8, 6])
    """
    _v1_transform_cls = _v1.Pad

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        _check_padding_arg(padding)
        _check_padding_mode_arg(padding_mode)
        if not isinstance(padding, int):
            padding = list(padding)
        self.padding = padding
        self.fill = fill
        self._fill = _setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.pad, inpt, padding=self.padding, fill=fill,
                                 padding_mode=self.padding_mode)


class RandomRotation(Transform):
    """Rotate images, videos, masks and bounding boxes by a random angle in ``degrees``.

    Args:
        degrees (number or sequence): ``(min, max)`` degrees, or ``d`` for ``(-d, d)``.
        interpolation (InterpolationMode, str or int): default ``"nearest"``.
        expand (bool): enlarge the canvas to hold the whole rotated image. Default: ``False``.
        center (sequence, optional): ``(x, y)``; default the centre.
        fill (number, sequence or dict): value outside the rotated image. Default: 0.

    Example::

        >>> RandomRotation((90, 90), expand=True)(ember.rand(3, 4, 6)).shape
        torch.Size([3, 6, 4])
    """
    _v1_transform_cls = _v1.RandomRotation

    def __init__(self, degrees, interpolation="nearest", expand=False, center=None, fill=0):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        self.interpolation = interpolation
        self.expand = expand
        self.fill = fill
        self._fill = _setup_fill_arg(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs):
        return dict(angle=_uniform(self.degrees[0], self.degrees[1]))

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.rotate, inpt, **params, interpolation=self.interpolation,
                                 expand=self.expand, center=self.center, fill=fill)


class RandomAffine(Transform):
    """Random affine transformation (rotation, translation, scale, shear) of images, videos,
    masks and bounding boxes, keeping the centre fixed.

    Args:
        degrees (number or sequence): rotation range, ``(min, max)`` or ``d`` for ``(-d, d)``.
        translate (tuple of float, optional): maximal fractions ``(a, b)`` of the width and
            height to translate by.
        scale (tuple of float, optional): scale range.
        shear (number or sequence, optional): x shear range (2 values) or x and y ranges (4).
        interpolation (InterpolationMode, str or int): default ``"nearest"``.
        fill (number, sequence or dict): value outside the image. Default: 0.
        center (sequence, optional): ``(x, y)``; default the centre.

    Example::

        >>> RandomAffine(degrees=10, translate=(0.1, 0.1))(ember.rand(3, 8, 8)).shape
        torch.Size([3, 8, 8])
    """
    _v1_transform_cls = _v1.RandomAffine

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation="nearest",
                 fill=0, center=None):
        super().__init__()
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            for t in translate:
                if not (0.0 <= t <= 1.0):
                    raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = _setup_angle(shear, name="shear", req_sizes=(2, 4)) if shear is not None \
            else shear
        self.interpolation = interpolation
        self.fill = fill
        self._fill = _setup_fill_arg(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        angle = _uniform(self.degrees[0], self.degrees[1])
        if self.translate is not None:
            max_dx = float(self.translate[0] * width)
            max_dy = float(self.translate[1] * height)
            translate = (int(round(_uniform(-max_dx, max_dx))), int(round(_uniform(-max_dy, max_dy))))
        else:
            translate = (0, 0)
        scale = _uniform(self.scale[0], self.scale[1]) if self.scale is not None else 1.0
        shear_x = shear_y = 0.0
        if self.shear is not None:
            shear_x = _uniform(self.shear[0], self.shear[1])
            if len(self.shear) == 4:
                shear_y = _uniform(self.shear[2], self.shear[3])
        return dict(angle=angle, translate=translate, scale=scale, shear=(shear_x, shear_y))

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.affine, inpt, **params, interpolation=self.interpolation,
                                 fill=fill, center=self.center)


class RandomCrop(Transform):
    """Crop images, videos, masks and bounding boxes at a random location (optionally padding
    first).

    Args:
        size (int or sequence): the crop ``(h, w)``.
        padding (int or sequence, optional): padding applied first (as in :class:`Pad`).
        pad_if_needed (bool): pad inputs smaller than the crop. Default: ``False``.
        fill (number, sequence or dict): constant fill. Default: 0.
        padding_mode (str): constant, edge, reflect or symmetric. Default: ``"constant"``.

    Example::

        >>> RandomCrop(4, padding=1)(ember.rand(3, 4, 4)).shape
        torch.Size([3, 4, 4])
    """
    _v1_transform_cls = _v1.RandomCrop

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        if pad_if_needed or padding is not None:
            if padding is not None:
                _check_padding_arg(padding)
            _check_padding_mode_arg(padding_mode)
        self.padding = _parse_pad_padding(padding) if padding else None
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self._fill = _setup_fill_arg(fill)
        self.padding_mode = padding_mode

    def make_params(self, flat_inputs):
        padded_height, padded_width = query_size(flat_inputs)
        if self.padding is not None:
            pad_left, pad_right, pad_top, pad_bottom = self.padding
            padded_height += pad_top + pad_bottom
            padded_width += pad_left + pad_right
        else:
            pad_left = pad_right = pad_top = pad_bottom = 0
        cropped_height, cropped_width = self.size
        if self.pad_if_needed:
            if padded_height < cropped_height:
                diff = cropped_height - padded_height
                pad_top += diff
                pad_bottom += diff
                padded_height += 2 * diff
            if padded_width < cropped_width:
                diff = cropped_width - padded_width
                pad_left += diff
                pad_right += diff
                padded_width += 2 * diff
        if padded_height < cropped_height or padded_width < cropped_width:
            raise ValueError(
                f"Required crop size {(cropped_height, cropped_width)} is larger than "
                f"{'padded ' if self.padding is not None else ''}input image size "
                f"{(padded_height, padded_width)}.")
        padding = [pad_left, pad_top, pad_right, pad_bottom]
        needs_vert = padded_height > cropped_height
        needs_horz = padded_width > cropped_width
        top = int(ember.randint(0, padded_height - cropped_height + 1, size=())) if needs_vert else 0
        left = int(ember.randint(0, padded_width - cropped_width + 1, size=())) if needs_horz else 0
        return dict(needs_crop=needs_vert or needs_horz, top=top, left=left,
                    height=cropped_height, width=cropped_width, needs_pad=any(padding),
                    padding=padding)

    def transform(self, inpt, params):
        if params["needs_pad"]:
            fill = _get_fill(self._fill, type(inpt))
            inpt = self._call_kernel(F.pad, inpt, padding=params["padding"], fill=fill,
                                     padding_mode=self.padding_mode)
        if params["needs_crop"]:
            inpt = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                     height=params["height"], width=params["width"])
        return inpt
