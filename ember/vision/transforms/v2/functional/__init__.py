"""``ember.vision.transforms.v2.functional``: torchvision's v2 functionals.

Each functional (``resize``, ``horizontal_flip``, ``crop`` ...) dispatches on the type of its
input to a kernel: plain tensors and :class:`~ember.vision.tv_tensors.Image` are images, and
:class:`~ember.vision.tv_tensors.Video`, :class:`~ember.vision.tv_tensors.Mask`,
:class:`~ember.vision.tv_tensors.BoundingBoxes` and PIL images have their own kernels (the
``*_image``, ``*_mask``, ``*_bounding_boxes`` ... functions, callable directly on plain
tensors). TVTensor inputs come back as the same TVTensor type, with updated metadata
(e.g. the ``canvas_size`` of resized boxes). :func:`register_kernel` adds kernels for your own
TVTensor classes.

Example::

    >>> import ember
    >>> from ember.vision import tv_tensors
    >>> from ember.vision.transforms.v2 import functional as F
    >>> boxes = tv_tensors.BoundingBoxes([[1, 2, 3, 4]], format="XYXY", canvas_size=(10, 10))
    >>> F.horizontal_flip(boxes)
    BoundingBoxes([[7, 2, 9, 4]], format=BoundingBoxFormat.XYXY, canvas_size=(10, 10), clamping_mode=soft)
"""
from ember.vision.transforms.functional import InterpolationMode

from ._utils import is_pure_tensor, register_kernel
from ._meta import (clamp_bounding_boxes, convert_bounding_box_format, get_dimensions,
                    get_dimensions_image, get_dimensions_video, get_image_num_channels,
                    get_num_channels, get_num_channels_image, get_num_channels_video,
                    get_num_frames, get_num_frames_video, get_size, get_size_bounding_boxes,
                    get_size_image, get_size_mask, get_size_video)
from ._misc import (convert_image_dtype, erase, erase_image, erase_video, gaussian_blur,
                    gaussian_blur_image, gaussian_blur_video, normalize, normalize_image,
                    normalize_video, pil_to_tensor, sanitize_bounding_boxes, to_dtype,
                    to_dtype_image, to_dtype_video, to_image, to_pil_image, gaussian_noise,
                    gaussian_noise_image, gaussian_noise_video)
from ._color import (adjust_brightness, adjust_brightness_image, adjust_brightness_video,
                     adjust_contrast, adjust_contrast_image, adjust_contrast_video,
                     adjust_hue, adjust_hue_image, adjust_hue_video, adjust_saturation,
                     adjust_saturation_image, adjust_saturation_video, grayscale_to_rgb,
                     grayscale_to_rgb_image, permute_channels, permute_channels_image,
                     permute_channels_video, rgb_to_grayscale, rgb_to_grayscale_image,
                     to_grayscale, adjust_sharpness, adjust_sharpness_image,
                     adjust_sharpness_video, adjust_gamma, adjust_gamma_image, adjust_gamma_video,
                     posterize, posterize_image, posterize_video, solarize, solarize_image,
                     solarize_video, autocontrast, autocontrast_image, autocontrast_video,
                     equalize, equalize_image, equalize_video, invert, invert_image,
                     invert_video)
from ._geometry import (affine, affine_bounding_boxes, affine_image, affine_mask, affine_video,
                        center_crop, center_crop_bounding_boxes, center_crop_image,
                        center_crop_mask, center_crop_video, crop, crop_bounding_boxes,
                        crop_image, crop_mask, crop_video, hflip, horizontal_flip,
                        horizontal_flip_bounding_boxes, horizontal_flip_image,
                        horizontal_flip_mask, horizontal_flip_video, pad, pad_bounding_boxes,
                        pad_image, pad_mask, pad_video, resize, resize_bounding_boxes,
                        resize_image, resize_mask, resize_video, resized_crop,
                        resized_crop_bounding_boxes, resized_crop_image, resized_crop_mask,
                        resized_crop_video, rotate, rotate_bounding_boxes, rotate_image,
                        rotate_mask, rotate_video, vertical_flip, vertical_flip_bounding_boxes,
                        vertical_flip_image, vertical_flip_mask, vertical_flip_video, vflip,
                        five_crop, five_crop_image, five_crop_video, ten_crop, ten_crop_image,
                        ten_crop_video, perspective, perspective_image, perspective_mask,
                        perspective_bounding_boxes, perspective_video, elastic, elastic_transform,
                        elastic_image, elastic_mask, elastic_bounding_boxes, elastic_video)
from ._temporal import uniform_temporal_subsample, uniform_temporal_subsample_video
