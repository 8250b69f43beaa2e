"""Colour v2 transforms: ColorJitter, RandomPhotometricDistort, Grayscale, RandomGrayscale,
RandomChannelPermutation."""
import collections.abc

import ember
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import query_chw

__all__ = ["Grayscale", "RandomGrayscale", "ColorJitter", "RandomPhotometricDistort",
           "RandomChannelPermutation", "RandomEqualize", "RandomInvert", "RandomPosterize",
           "RandomSolarize", "RandomAutocontrast", "RandomAdjustSharpness"]


class Grayscale(Transform):
    """Convert images and videos to grayscale.

    Args:
        num_output_channels (int): 1 or 3. Default: 1.

    Example::

        >>> Grayscale()(ember.rand(3, 2, 2)).shape
        torch.Size([1, 2, 2])
    """
    _v1_transform_cls = _v1.Grayscale

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=self.num_output_channels)


class RandomGrayscale(_RandomApplyTransform):
    """Convert images and videos to grayscale with probability ``p``, keeping their number of
    channels.

    Args:
        p (float): the probability. Default: 0.1.

    Example::

        >>> RandomGrayscale(p=1.0)(ember.rand(3, 2, 2)).shape
        torch.Size([3, 2, 2])
    """
    _v1_transform_cls = _v1.RandomGrayscale

    def __init__(self, p=0.1):
        super().__init__(p=p)

    def make_params(self, flat_inputs):
        num_input_channels, *_ = query_chw(flat_inputs)
        return dict(num_input_channels=num_input_channels)

    def transform(self, inpt, params):
        return self._call_kernel(F.rgb_to_grayscale, inpt,
                                 num_output_channels=params["num_input_channels"])


def _uniform(low, high):
    return float(ember.empty(1).uniform_(low, high).item())


class ColorJitter(Transform):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Args:
        brightness (float or (min, max), optional): factor range (``b`` means
            ``[max(0, 1 - b), 1 + b]``).
        contrast (float or (min, max), optional): as brightness.
        saturation (float or (min, max), optional): as brightness.
        hue (float or (min, max), optional): shift range within [-0.5, 0.5] (``h`` means
            ``[-h, h]``).

    Example::

        >>> ColorJitter(brightness=0.5, hue=0.1)(ember.rand(3, 4, 4)).shape
        torch.Size([3, 4, 4])
    """
    _v1_transform_cls = _v1.ColorJitter

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5),
                                     clip_first_on_zero=False)

    def _check_input(self, value, name, center=1.0, bound=(0, float("inf")),
                     clip_first_on_zero=True):
        if value is None:
            return None
        if isinstance(value, (int, float)):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - value, center + value]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, collections.abc.Sequence) and len(value) == 2:
            value = [float(v) for v in value]
        else:
            raise TypeError(f"{name}={value} should be a single number or a sequence with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound} and increasing, but got "
                             f"{value}.")
        return None if value[0] == value[1] == center else (float(value[0]), float(value[1]))

    @staticmethod
    def _generate_value(left, right):
        return _uniform(left, right)

    def make_params(self, flat_inputs):
        fn_idx = ember.randperm(4)
        b = None if self.brightness is None else self._generate_value(*self.brightness)
        c = None if self.contrast is None else self._generate_value(*self.contrast)
        s = None if self.saturation is None else self._generate_value(*self.saturation)
        h = None if self.hue is None else self._generate_value(*self.hue)
        return dict(fn_idx=fn_idx, brightness_factor=b, contrast_factor=c, saturation_factor=s,
                    hue_factor=h)

    def transform(self, inpt, params):
        output = inpt
        for fn_id in [int(i) for i in params["fn_idx"]]:
            if fn_id == 0 and params["brightness_factor"] is not None:
                output = self._call_kernel(F.adjust_brightness, output,
                                           brightness_factor=params["brightness_factor"])
            elif fn_id == 1 and params["contrast_factor"] is not None:
                output = self._call_kernel(F.adjust_contrast, output,
                                           contrast_factor=params["contrast_factor"])
            elif fn_id == 2 and params["saturation_factor"] is not None:
                output = self._call_kernel(F.adjust_saturation, output,
                                           saturation_factor=params["saturation_factor"])
            elif fn_id == 3 and params["hue_factor"] is not None:
                output = self._call_kernel(F.adjust_hue, output, hue_factor=params["hue_factor"])
        return output


class RandomChannelPermutation(Transform):
    """Permute the channels of images and videos randomly.

    Args:
        (none)

    Example::

        >>> RandomChannelPermutation()(ember.rand(3, 2, 2)).shape
        torch.Size([3, 2, 2])
    """

    def make_params(self, flat_inputs):
        num_channels, *_ = query_chw(flat_inputs)
        return dict(permutation=ember.randperm(num_channels))

    def transform(self, inpt, params):
        return self._call_kernel(F.permute_channels, inpt, params["permutation"])


class RandomPhotometricDistort(Transform):
    """SSD's photometric distortion: each of brightness, contrast (before or after the rest),
    saturation, hue and a channel permutation is applied with probability ``p``.

    Args:
        brightness (tuple of float): factor range. Default: ``(0.875, 1.125)``.
        contrast (tuple of float): factor range. Default: ``(0.5, 1.5)``.
        saturation (tuple of float): factor range. Default: ``(0.5, 1.5)``.
        hue (tuple of float): shift range. Default: ``(-0.05, 0.05)``.
        p (float): probability of each distortion. Default: 0.5.

    Example::

        >>> RandomPhotometricDistort()(ember.rand(3, 4, 4)).shape
        torch.Size([3, 4, 4])
    """

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5),
                 hue=(-0.05, 0.05), p=0.5):
        super().__init__()
        self.brightness = brightness
        self.contrast = contrast
        self.hue = hue
        self.saturation = saturation
        self.p = p

    def make_params(self, flat_inputs):
        num_channels, *_ = query_chw(flat_inputs)
        params = {}
        for key, rng in [("brightness_factor", self.brightness),
                         ("contrast_factor", self.contrast),
                         ("saturation_factor", self.saturation), ("hue_factor", self.hue)]:
            params[key] = (ColorJitter._generate_value(rng[0], rng[1])
                           if float(ember.rand(1)) < self.p else None)
        params["contrast_before"] = bool(float(ember.rand(())) < 0.5)
        params["channel_permutation"] = (ember.randperm(num_channels)
                                         if float(ember.rand(1)) < self.p else None)
        return params

    def transform(self, inpt, params):
        if params["brightness_factor"] is not None:
            inpt = self._call_kernel(F.adjust_brightness, inpt,
                                     brightness_factor=params["brightness_factor"])
        if params["contrast_factor"] is not None and params["contrast_before"]:
            inpt = self._call_kernel(F.adjust_contrast, inpt,
                                     contrast_factor=params["contrast_factor"])
        if params["saturation_factor"] is not None:
            inpt = self._call_kernel(F.adjust_saturation, inpt,
                                     saturation_factor=params["saturation_factor"])
        if params["hue_factor"] is not None:
            inpt = self._call_kernel(F.adjust_hue, inpt, hue_factor=params["hue_factor"])
        if params["contrast_factor"] is not None and not params["contrast_before"]:
            inpt = self._call_kernel(F.adjust_contrast, inpt,
                                     contrast_factor=params["contrast_factor"])
        if params["channel_permutation"] is not None:
            inpt = self._call_kernel(F.permute_channels, inpt,
                                     permutation=params["channel_permutation"])
        return inpt


class RandomEqualize(_RandomApplyTransform):
    """Equalize the histogram of images and videos with probability ``p``.

    Args:
        p (float): the probability. Default: 0.5.

    Example::

        >>> img = ember.tensor([[[0, 0, 1, 2], [2, 3, 3, 3]]], dtype=ember.uint8).repeat(1, 50, 40)
        >>> RandomEqualize(p=1.0)(img)[0, 0, :4].tolist()
        [0, 0, 103, 154]
    """
    _v1_transform_cls = _v1.RandomEqualize

    def transform(self, inpt, params):
        return self._call_kernel(F.equalize, inpt)


class RandomInvert(_RandomApplyTransform):
    """Invert the colours of images and videos with probability ``p``.

    Args:
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomInvert(p=1.0)(ember.tensor([[[0.25]]])).item()
        0.75
    """
    _v1_transform_cls = _v1.RandomInvert

    def transform(self, inpt, params):
        return self._call_kernel(F.invert, inpt)


class RandomPosterize(_RandomApplyTransform):
    """Keep only ``bits`` bits per channel of images and videos, with probability ``p``.

    Args:
        bits (int): bits to keep, 0 to 8.
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomPosterize(2, p=1.0)(ember.tensor([[[255]]], dtype=ember.uint8)).item()
        192
    """
    _v1_transform_cls = _v1.RandomPosterize

    def __init__(self, bits, p=0.5):
        super().__init__(p=p)
        self.bits = bits

    def transform(self, inpt, params):
        return self._call_kernel(F.posterize, inpt, bits=self.bits)


class RandomSolarize(_RandomApplyTransform):
    """Invert the values at or above ``threshold`` of images and videos, with probability ``p``.

    Args:
        threshold (float): values ``>= threshold`` are inverted.
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomSolarize(0.5, p=1.0)(ember.tensor([[[0.25, 0.75]]])).tolist()
        [[[0.25, 0.25]]]
    """
    _v1_transform_cls = _v1.RandomSolarize

    def __init__(self, threshold, p=0.5):
        super().__init__(p=p)
        self.threshold = threshold

    def transform(self, inpt, params):
        return self._call_kernel(F.solarize, inpt, threshold=self.threshold)


class RandomAutocontrast(_RandomApplyTransform):
    """Autocontrast images and videos with probability ``p``.

    Args:
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomAutocontrast(p=1.0)(ember.tensor([[[0.25, 0.5]]])).tolist()
        [[[0.0, 1.0]]]
    """
    _v1_transform_cls = _v1.RandomAutocontrast

    def transform(self, inpt, params):
        return self._call_kernel(F.autocontrast, inpt)


class RandomAdjustSharpness(_RandomApplyTransform):
    """Adjust the sharpness of images and videos with probability ``p``.

    Args:
        sharpness_factor (float): non-negative; 0 blurs, 1 keeps, 2 doubles the sharpness.
        p (float): the probability. Default: 0.5.

    Example::

        >>> RandomAdjustSharpness(2.0, p=1.0)(ember.ones(3, 4, 4)).shape
        torch.Size([3, 4, 4])
    """
    _v1_transform_cls = _v1.RandomAdjustSharpness

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p=p)
        self.sharpness_factor = sharpness_factor

    def transform(self, inpt, params):
        return self._call_kernel(F.adjust_sharpness, inpt, sharpness_factor=self.sharpness_factor)
