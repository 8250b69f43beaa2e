"""Geometric v2 transforms: flips, Resize, crops, Pad, RandomRotation, RandomAffine."""
import math
import warnings
from collections.abc import Sequence

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import functional as F1
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import (_check_padding_arg, _check_padding_mode_arg, _check_sequence_input,
                     _get_fill, _is_pil, _setup_angle, _setup_fill_arg, _setup_number_or_seq,
                     _setup_size, _warn_passthrough, get_bounding_boxes, has_all, has_any,
                     query_size)
from .functional import is_pure_tensor
from .functional._geometry import _parse_pad_padding

__all__ = ["RandomHorizontalFlip", "RandomVerticalFlip", "Resize", "CenterCrop",
           "RandomResizedCrop", "Pad", "RandomRotation", "RandomAffine", "RandomCrop", "FiveCrop",
           "TenCrop", "RandomZoomOut", "RandomPerspective", "ElasticTransform", "RandomIoUCrop",
           "ScaleJitter", "RandomShortestSize", "RandomResize"]

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
        self.translate, self.scale = _v1._check_affine_ranges(translate, scale)
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


class _MultiCrop(Transform):
    """FiveCrop / TenCrop: images and videos become tuples of crops; masks and boxes are not
    supported."""

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        _warn_passthrough(self, inpt)
        return super()._call_kernel(functional, inpt, *args, **kwargs)

    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, tv_tensors.BoundingBoxes, tv_tensors.Mask):
            raise TypeError(f"BoundingBoxes'es and Mask's are not supported by "
                            f"{type(self).__name__}()")


class FiveCrop(_MultiCrop):
    """Crop the four corners and the centre of images and videos: each becomes a tuple of 5
    crops ``(top_left, top_right, bottom_left, bottom_right, center)``.

    Args:
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.

    Example::

        >>> crops = FiveCrop(2)(tv_tensors.Image(ember.rand(3, 4, 5)))
        >>> len(crops), type(crops[0]).__name__, tuple(crops[4].shape)
        (5, 'Image', (3, 2, 2))
    """
    _v1_transform_cls = _v1.FiveCrop

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)

    def transform(self, inpt, params):
        return self._call_kernel(F.five_crop, inpt, self.size)


class TenCrop(_MultiCrop):
    """:class:`FiveCrop` of images and videos and of their flipped versions (10 crops).

    Args:
        size (int or sequence): ``(h, w)`` of the crops, or an int for squares.
        vertical_flip (bool): flip vertically instead of horizontally. Default: ``False``.

    Example::

        >>> len(TenCrop(2)(ember.rand(3, 4, 5)))
        10
    """
    _v1_transform_cls = _v1.TenCrop

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_MSG)
        self.vertical_flip = vertical_flip

    def transform(self, inpt, params):
        return self._call_kernel(F.ten_crop, inpt, self.size, vertical_flip=self.vertical_flip)


class RandomZoomOut(_RandomApplyTransform):
    """SSD's "zoom out": with probability ``p`` place the input at a random position of a
    canvas ``r`` times larger (``r`` uniform in ``side_range``), padding images, videos,
    masks and boxes.

    Args:
        fill (number, sequence or dict): the padding value (a dict maps input types, or
            ``"others"``, to fills). Default: 0.
        side_range (sequence of two floats): range of ``r``, from at least 1. Default: ``(1, 4)``.
        p (float): the probability. Default: 0.5.

    Example::

        >>> out = RandomZoomOut(side_range=(2.0, 2.0), p=1.0)(ember.ones(3, 4, 5))
        >>> tuple(out.shape), out.sum().item()
        ((3, 8, 10), 60.0)
    """

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        super().__init__(p=p)
        self.fill = fill
        self._fill = _setup_fill_arg(fill)
        _check_sequence_input(side_range, "side_range", req_sizes=(2,))
        self.side_range = side_range
        if side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        r = self.side_range[0] + ember.rand(1) * (self.side_range[1] - self.side_range[0])
        canvas_width, canvas_height = int(orig_w * r), int(orig_h * r)
        r = ember.rand(2)
        left = int((canvas_width - orig_w) * r[0])
        top = int((canvas_height - orig_h) * r[1])
        right = canvas_width - (left + orig_w)
        bottom = canvas_height - (top + orig_h)
        return dict(padding=[left, top, right, bottom])

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.pad, inpt, **params, fill=fill)


class RandomPerspective(_RandomApplyTransform):
    """Random perspective transformation of images, videos, masks and boxes with probability
    ``p``: each corner moves inwards by up to ``distortion_scale`` times half the size.

    Args:
        distortion_scale (float): in [0, 1]. Default: 0.5.
        p (float): the probability. Default: 0.5.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        fill (number, sequence or dict): value outside the transformed input. Default: 0.

    Example::

        >>> RandomPerspective(p=1.0)(ember.rand(3, 8, 8)).shape
        torch.Size([3, 8, 8])
    """
    _v1_transform_cls = _v1.RandomPerspective

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation="bilinear", fill=0):
        super().__init__(p=p)
        if not (0 <= distortion_scale <= 1):
            raise ValueError("Argument distortion_scale value should be between 0 and 1")
        self.distortion_scale = distortion_scale
        self.interpolation = interpolation
        self.fill = fill
        self._fill = _setup_fill_arg(fill)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        startpoints, endpoints = self.get_params(width, height, self.distortion_scale)
        return dict(coefficients=F1._get_perspective_coeffs(startpoints, endpoints))

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.perspective, inpt, startpoints=None, endpoints=None, fill=fill,
                                 interpolation=self.interpolation, **params)


class ElasticTransform(Transform):
    """Warp images, videos, masks and boxes with a random smooth displacement field: noise in
    [-1, 1] blurred with a Gaussian of std ``sigma`` and scaled by ``alpha`` (boxes use an
    approximate inverse).

    Args:
        alpha (float or sequence): displacement magnitude ``(x, y)``. Default: 50.
        sigma (float or sequence): smoothness ``(x, y)``. Default: 5.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        fill (number, sequence or dict): value sampled from outside the input. Default: 0.

    Example::

        >>> ElasticTransform(alpha=10.0, sigma=1.0)(ember.rand(3, 16, 16)).shape
        torch.Size([3, 16, 16])
    """
    _v1_transform_cls = _v1.ElasticTransform

    def __init__(self, alpha=50.0, sigma=5.0, interpolation="bilinear", fill=0):
        super().__init__()
        self.alpha = _setup_number_or_seq(alpha, "alpha")
        self.sigma = _setup_number_or_seq(sigma, "sigma")
        self.interpolation = interpolation
        self.fill = fill
        self._fill = _setup_fill_arg(fill)

    def make_params(self, flat_inputs):
        height, width = query_size(flat_inputs)
        return dict(displacement=self.get_params(self.alpha, self.sigma, [height, width]))

    def transform(self, inpt, params):
        fill = _get_fill(self._fill, type(inpt))
        return self._call_kernel(F.elastic, inpt, **params, fill=fill,
                                 interpolation=self.interpolation)


class RandomIoUCrop(Transform):
    """SSD's random IoU crop: a random crop (scale and aspect ratio in the given ranges) that
    contains the centre of at least one box and overlaps some box with an IoU of at least an
    option drawn from ``sampler_options`` (1.0 or more keeps the input). Boxes whose centre
    falls outside are zeroed: follow it with :class:`SanitizeBoundingBoxes`.

    Args:
        min_scale (float): minimum crop size, relative. Default: 0.3.
        max_scale (float): maximum crop size, relative. Default: 1.0.
        min_aspect_ratio (float): Default: 0.5.
        max_aspect_ratio (float): Default: 2.0.
        sampler_options (list of float, optional): minimum IoUs; default
            ``[0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]``.
        trials (int): attempts per option. Default: 40.

    Example::

        >>> boxes = tv_tensors.BoundingBoxes([[2, 2, 8, 8]], format="XYXY", canvas_size=(10, 10))
        >>> img, out = RandomIoUCrop()(tv_tensors.Image(ember.rand(3, 10, 10)), boxes)
        >>> tuple(out.canvas_size) == tuple(img.shape[-2:])
        True
    """

    def __init__(self, min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0,
                 sampler_options=None, trials=40):
        super().__init__()
        self.min_scale = min_scale
        self.max_scale = max_scale
        self.min_aspect_ratio = min_aspect_ratio
        self.max_aspect_ratio = max_aspect_ratio
        if sampler_options is None:
            sampler_options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
        self.options = sampler_options
        self.trials = trials

    def check_inputs(self, flat_inputs):
        if not (has_all(flat_inputs, tv_tensors.BoundingBoxes)
                and has_any(flat_inputs, _is_pil, tv_tensors.Image, is_pure_tensor)):
            raise TypeError(f"{type(self).__name__}() requires input sample to contain tensor or "
                            f"PIL images and bounding boxes. Sample can also contain masks.")

    def _try_crop(self, orig_h, orig_w, xyxy, min_jaccard_overlap):
        from ember.vision.ops import box_iou
        r = self.min_scale + (self.max_scale - self.min_scale) * ember.rand(2)
        new_w, new_h = int(orig_w * r[0]), int(orig_h * r[1])
        if not (self.min_aspect_ratio <= new_w / new_h <= self.max_aspect_ratio):
            return None
        r = ember.rand(2)
        left, top = int((orig_w - new_w) * r[0]), int((orig_h - new_h) * r[1])
        right, bottom = left + new_w, top + new_h
        if left == right or top == bottom:
            return None
        cx = 0.5 * (xyxy[..., 0] + xyxy[..., 2])
        cy = 0.5 * (xyxy[..., 1] + xyxy[..., 3])
        is_within_crop_area = (left < cx) & (cx < right) & (top < cy) & (cy < bottom)
        if not bool(is_within_crop_area.any()):
            return None
        ious = box_iou(xyxy[is_within_crop_area],
                       ember.tensor([[left, top, right, bottom]], dtype=xyxy.dtype,
                                    device=xyxy.device))
        if float(ious.max()) < min_jaccard_overlap:
            return None
        return dict(top=top, left=left, height=new_h, width=new_w,
                    is_within_crop_area=is_within_crop_area)

    def make_params(self, flat_inputs):
        orig_h, orig_w = query_size(flat_inputs)
        bboxes = get_bounding_boxes(flat_inputs)
        xyxy = F.convert_bounding_box_format(tv_tensors._pure(bboxes), bboxes.format,
                                             tv_tensors.BoundingBoxFormat.XYXY)
        while True:
            idx = int(ember.randint(low=0, high=len(self.options), size=(1,)))
            min_jaccard_overlap = self.options[idx]
            if min_jaccard_overlap >= 1.0:  # leave the sample as it is
                return dict()
            for _ in range(self.trials):
                params = self._try_crop(orig_h, orig_w, xyxy, min_jaccard_overlap)
                if params is not None:
                    return params

    def transform(self, inpt, params):
        if len(params) < 1:
            return inpt
        output = self._call_kernel(F.crop, inpt, top=params["top"], left=params["left"],
                                   height=params["height"], width=params["width"])
        if isinstance(output, tv_tensors.BoundingBoxes):
            # boxes whose centre left the crop become degenerate; SanitizeBoundingBoxes drops them
            output[~params["is_within_crop_area"]] = 0
        return output


class _RandomSizeResize(Transform):
    """Resize every input to the ``size`` its ``make_params`` draws (subclasses set
    ``interpolation`` and ``antialias``)."""

    def transform(self, inpt, params):
        return self._call_kernel(F.resize, inpt, size=params["size"],
                                 interpolation=self.interpolation, antialias=self.antialias)


class ScaleJitter(_RandomSizeResize):
    """Large Scale Jitter (Copy-Paste augmentation): resize by a random factor in
    ``scale_range`` of the scale that fits the input into ``target_size``.

    Args:
        target_size (tuple of int): ``(h, w)`` the base scale fits into.
        scale_range (tuple of float): range of the random factor. Default: ``(0.1, 2.0)``.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        antialias (bool): default ``True``.

    Example::

        >>> ScaleJitter((8, 8), scale_range=(0.5, 0.5))(ember.rand(3, 16, 16)).shape
        torch.Size([3, 4, 4])
    """

    def __init__(self, target_size, scale_range=(0.1, 2.0), interpolation="bilinear",
                 antialias=True):
        super().__init__()
        self.target_size = target_size
        self.scale_range = scale_range
        self.interpolation = interpolation
        self.antialias = antialias

    def make_params(self, flat_inputs):
        orig_height, orig_width = query_size(flat_inputs)
        scale = self.scale_range[0] + ember.rand(1) * (self.scale_range[1] - self.scale_range[0])
        r = min(self.target_size[1] / orig_height, self.target_size[0] / orig_width) * scale
        return dict(size=(int(orig_height * r), int(orig_width * r)))


class RandomShortestSize(_RandomSizeResize):
    """Resize so the shorter side is a random choice of ``min_size`` (the longer side at most
    ``max_size``).

    Args:
        min_size (int or sequence of int): candidate lengths of the shorter side.
        max_size (int, optional): bound for the longer side.
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        antialias (bool): default ``True``.

    Example::

        >>> RandomShortestSize([4])(ember.rand(3, 8, 12)).shape
        torch.Size([3, 4, 6])
    """

    def __init__(self, min_size, max_size=None, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size = [min_size] if isinstance(min_size, int) else list(min_size)
        self.max_size = max_size
        self.interpolation = interpolation
        self.antialias = antialias

    def make_params(self, flat_inputs):
        orig_height, orig_width = query_size(flat_inputs)
        min_size = self.min_size[int(ember.randint(len(self.min_size), ()))]
        r = min_size / min(orig_height, orig_width)
        if self.max_size is not None:
            r = min(r, self.max_size / max(orig_height, orig_width))
        return dict(size=(int(orig_height * r), int(orig_width * r)))


class RandomResize(_RandomSizeResize):
    """Resize so the shorter side is a random integer in ``[min_size, max_size)``.

    Args:
        min_size (int): smallest length (inclusive).
        max_size (int): largest length (exclusive).
        interpolation (InterpolationMode, str or int): default ``"bilinear"``.
        antialias (bool): default ``True``.

    Example::

        >>> RandomResize(4, 5)(ember.rand(3, 8, 12)).shape
        torch.Size([3, 4, 6])
    """

    def __init__(self, min_size, max_size, interpolation="bilinear", antialias=True):
        super().__init__()
        self.min_size = min_size
        self.max_size = max_size
        self.interpolation = interpolation
        self.antialias = antialias

    def make_params(self, flat_inputs):
        return dict(size=[int(ember.randint(self.min_size, self.max_size, ()))])
