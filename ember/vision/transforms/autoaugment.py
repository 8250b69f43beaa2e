"""Automatic augmentation policies: ``ember.vision.transforms.autoaugment`` (torchvision's module of the
same name).

:class:`AutoAugment` applies one of the sub-policies learned on ImageNet, CIFAR10 or SVHN,
:class:`RandAugment` a fixed number of random operations of one fixed strength, :class:`TrivialAugmentWide`
one random operation of random strength, and :class:`AugMix` mixes several random augmentation chains with
the original image. Every operation (shear, translate, rotate, color, contrast, ...) is the
:mod:`~ember.vision.transforms.functional` op torchvision uses, with the same magnitudes, so for the same
choices the results equal torchvision's; the random choices come from ember's default generator
(``ember.manual_seed`` makes them reproducible).

Tensor images should be ``uint8`` ``[..., 1 or 3, H, W]``; PIL images mode ``"L"`` or ``"RGB"``.

Example:
    >>> import ember
    >>> from ember.vision.transforms import AutoAugment, AutoAugmentPolicy
    >>> img = ember.randint(0, 256, (3, 32, 32), dtype=ember.uint8)
    >>> out = AutoAugment(AutoAugmentPolicy.CIFAR10)(img)
    >>> tuple(out.shape), out.dtype == ember.uint8
    ((3, 32, 32), True)
"""

import math
from enum import Enum

import numpy as np

import ember

from . import _functional_tensor as F_t
from . import functional as F
from .functional import InterpolationMode
from .transforms import _Transform

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _apply_op(img, op_name, magnitude, interpolation, fill, F=F):
    """Apply the augmentation ``op_name`` with strength ``magnitude`` (torchvision's ``_apply_op``).

    Args:
        img (PIL Image or Tensor): image.
        op_name (str): one of ``"ShearX"``, ``"ShearY"``, ``"TranslateX"``, ``"TranslateY"``, ``"Rotate"``,
            ``"Brightness"``, ``"Color"``, ``"Contrast"``, ``"Sharpness"``, ``"Posterize"``, ``"Solarize"``,
            ``"AutoContrast"``, ``"Equalize"``, ``"Invert"``, ``"Identity"``.
        magnitude (float): strength (shear factor, pixels, degrees, enhancement offset, bits or threshold).
        interpolation (InterpolationMode): interpolation of the geometric ops.
        fill (sequence of floats, optional): fill value of the geometric ops.
        F (module): the functional module providing the ops (the v2 transforms pass
            ``ember.vision.transforms.v2.functional``). Default: this package's ``functional``.

    Example:
        >>> img = ember.tensor([[[10, 200]]], dtype=ember.uint8)
        >>> _apply_op(img, "Solarize", 128.0, InterpolationMode.NEAREST, None).tolist()
        [[[10, 55]]]
    """
    if op_name == "ShearX":
        # torchvision shears by atan(magnitude) degrees, so that the shear factor is `magnitude`
        return F.affine(
            img,
            angle=0.0,
            translate=[0, 0],
            scale=1.0,
            shear=[math.degrees(math.atan(magnitude)), 0.0],
            interpolation=interpolation,
            fill=fill,
            center=[0, 0],
        )
    if op_name == "ShearY":
        return F.affine(
            img,
            angle=0.0,
            translate=[0, 0],
            scale=1.0,
            shear=[0.0, math.degrees(math.atan(magnitude))],
            interpolation=interpolation,
            fill=fill,
            center=[0, 0],
        )
    if op_name == "TranslateX":
        return F.affine(
            img,
            angle=0.0,
            translate=[int(magnitude), 0],
            scale=1.0,
            interpolation=interpolation,
            shear=[0.0, 0.0],
            fill=fill,
        )
    if op_name == "TranslateY":
        return F.affine(
            img,
            angle=0.0,
            translate=[0, int(magnitude)],
            scale=1.0,
            interpolation=interpolation,
            shear=[0.0, 0.0],
            fill=fill,
        )
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    if op_name == "Brightness":
        return F.adjust_brightness(img, 1.0 + magnitude)
    if op_name == "Color":
        return F.adjust_saturation(img, 1.0 + magnitude)
    if op_name == "Contrast":
        return F.adjust_contrast(img, 1.0 + magnitude)
    if op_name == "Sharpness":
        return F.adjust_sharpness(img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    if op_name == "AutoContrast":
        return F.autocontrast(img)
    if op_name == "Equalize":
        return F.equalize(img)
    if op_name == "Invert":
        return F.invert(img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


# ------------------------------------------------------------------------------------------------
# magnitude tables (float32 like torch.linspace's default dtype, so the values equal torchvision's)
# ------------------------------------------------------------------------------------------------


def _linspace(start, end, steps):
    return ember.from_numpy(F_t._linspace(start, end, steps, np.float32))


def _scalar():
    return ember.tensor(0.0)


def _posterize_bits(num_bins, top, divisions):
    # top - (arange(num_bins) / ((num_bins - 1) / divisions)).round().int(), in float32 like torch
    ratio = np.arange(num_bins).astype(np.float32) / np.float32((num_bins - 1) / divisions)
    return ember.from_numpy((top - np.round(ratio).astype(np.int32)).astype(np.int32))


def _tensor_fill(img, fill, channels):
    if isinstance(img, ember.Tensor):
        if isinstance(fill, (int, float)):
            return [float(fill)] * channels
        if fill is not None:
            return [float(f) for f in fill]
    return fill


class AutoAugmentPolicy(Enum):
    """AutoAugment policies learned on different datasets: ``IMAGENET``, ``CIFAR10`` and ``SVHN``.

    Example:
        >>> AutoAugmentPolicy("cifar10")
        <AutoAugmentPolicy.CIFAR10: 'cifar10'>
    """

    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


class AutoAugment(_Transform):
    """AutoAugment data augmentation (`"AutoAugment: Learning Augmentation Strategies from Data"
    <https://arxiv.org/abs/1805.09501>`_).

    Each call picks one of the policy's 25 sub-policies; each of its two operations is applied with its
    own probability and magnitude (one of 10 bins), with a random sign for the signed ones.

    Args:
        policy (AutoAugmentPolicy): which learned policy. Default: ``AutoAugmentPolicy.IMAGENET``.
        interpolation (InterpolationMode): interpolation of the geometric ops. Default: ``NEAREST``;
            tensors support ``NEAREST`` and ``BILINEAR``.
        fill (sequence or number, optional): value for pixels outside geometrically transformed images.

    Example:
        >>> img = ember.randint(0, 256, (3, 32, 32), dtype=ember.uint8)
        >>> t = AutoAugment(AutoAugmentPolicy.SVHN)
        >>> tuple(t(img).shape)
        (3, 32, 32)
        >>> t
        AutoAugment(policy=AutoAugmentPolicy.SVHN, fill=None)
    """

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.policy = policy
        self.interpolation = interpolation
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        if policy == AutoAugmentPolicy.IMAGENET:
            return [
                (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
                (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
                (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
                (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
                (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
                (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
                (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
                (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
                (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
                (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
                (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
                (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
                (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
                (("Invert", 0.6, None), ("Equalize", 1.0, None)),
                (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
                (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
                (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
                (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
                (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
                (("Color", 0.4, 0), ("Equalize", 0.6, None)),
                (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
                (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
                (("Invert", 0.6, None), ("Equalize", 1.0, None)),
                (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
                (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
            ]
        if policy == AutoAugmentPolicy.CIFAR10:
            return [
                (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
                (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
                (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
                (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
                (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
                (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
                (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
                (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
                (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
                (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
                (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
                (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
                (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
                (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
                (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
                (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
                (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
                (("Color", 0.9, 9), ("Equalize", 0.6, None)),
                (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
                (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
                (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
                (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
                (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
                (("Equalize", 0.8, None), ("Invert", 0.1, None)),
                (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
            ]
        if policy == AutoAugmentPolicy.SVHN:
            return [
                (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
                (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
                (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
                (("Invert", 0.9, None), ("Equalize", 0.6, None)),
                (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
                (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
                (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
                (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
                (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
                (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
                (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
                (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
                (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
                (("Invert", 0.9, None), ("Equalize", 0.6, None)),
                (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
                (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
                (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
                (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
                (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
                (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
                (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
                (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
                (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
                (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
                (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
            ]
        raise ValueError(f"The provided policy {policy} is not recognized.")

    def _augmentation_space(self, num_bins, image_size):
        return {
            # op_name: (magnitudes, signed)
            "ShearX": (_linspace(0.0, 0.3, num_bins), True),
            "ShearY": (_linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (_linspace(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
            "TranslateY": (_linspace(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
            "Rotate": (_linspace(0.0, 30.0, num_bins), True),
            "Brightness": (_linspace(0.0, 0.9, num_bins), True),
            "Color": (_linspace(0.0, 0.9, num_bins), True),
            "Contrast": (_linspace(0.0, 0.9, num_bins), True),
            "Sharpness": (_linspace(0.0, 0.9, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 4), False),
            "Solarize": (_linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (_scalar(), False),
            "Equalize": (_scalar(), False),
            "Invert": (_scalar(), False),
        }

    @staticmethod
    def get_params(transform_num):
        """Random parameters of one AutoAugment call.

        Args:
            transform_num (int): number of sub-policies to choose from.

        Returns:
            ``(policy_id, probs, signs)``: the sub-policy index, two uniform draws deciding whether each
            operation is applied, and two random bits for the signs of the magnitudes.

        Example:
            >>> policy_id, probs, signs = AutoAugment.get_params(25)
            >>> 0 <= policy_id < 25, tuple(probs.shape), tuple(signs.shape)
            (True, (2,), (2,))
        """
        policy_id = int(ember.randint(transform_num, (1,)).item())
        probs = ember.rand((2,))
        signs = ember.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(img, self.fill, channels)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if float(probs[i]) <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = float(magnitudes[magnitude_id].item()) if magnitude_id is not None else 0.0
                if signed and int(signs[i]) == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Transform):
    """RandAugment data augmentation (`"RandAugment: Practical automated data augmentation with a reduced
    search space" <https://arxiv.org/abs/1909.13719>`_).

    Applies ``num_ops`` operations drawn uniformly (with replacement) from 14, all at the strength
    ``magnitude`` out of ``num_magnitude_bins``, with a random sign for the signed ones.

    Args:
        num_ops (int): number of operations applied in sequence. Default: 2.
        magnitude (int): strength bin used for every operation. Default: 9.
        num_magnitude_bins (int): number of strength bins. Default: 31.
        interpolation (InterpolationMode): interpolation of the geometric ops. Default: ``NEAREST``;
            tensors support ``NEAREST`` and ``BILINEAR``.
        fill (sequence or number, optional): value for pixels outside geometrically transformed images.

    Example:
        >>> img = ember.randint(0, 256, (2, 3, 32, 32), dtype=ember.uint8)
        >>> tuple(RandAugment(num_ops=3)(img).shape)
        (2, 3, 32, 32)
    """

    def __init__(
        self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None
    ):
        super().__init__()
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        return {
            # op_name: (magnitudes, signed)
            "Identity": (_scalar(), False),
            "ShearX": (_linspace(0.0, 0.3, num_bins), True),
            "ShearY": (_linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (_linspace(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
            "TranslateY": (_linspace(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
            "Rotate": (_linspace(0.0, 30.0, num_bins), True),
            "Brightness": (_linspace(0.0, 0.9, num_bins), True),
            "Color": (_linspace(0.0, 0.9, num_bins), True),
            "Contrast": (_linspace(0.0, 0.9, num_bins), True),
            "Sharpness": (_linspace(0.0, 0.9, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 4), False),
            "Solarize": (_linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (_scalar(), False),
            "Equalize": (_scalar(), False),
        }

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(img, self.fill, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_index = int(ember.randint(len(op_meta), (1,)).item())
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            if signed and bool(ember.randint(2, (1,))):
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return (
            f"{self.__class__.__name__}("
            f"num_ops={self.num_ops}"
            f", magnitude={self.magnitude}"
            f", num_magnitude_bins={self.num_magnitude_bins}"
            f", interpolation={self.interpolation}"
            f", fill={self.fill}"
            f")"
        )


class TrivialAugmentWide(_Transform):
    """TrivialAugment Wide (`"TrivialAugment: Tuning-free Yet State-of-the-Art Data Augmentation"
    <https://arxiv.org/abs/2103.10158>`_): one random operation at a random strength per call.

    Args:
        num_magnitude_bins (int): number of strength bins. Default: 31.
        interpolation (InterpolationMode): interpolation of the geometric ops. Default: ``NEAREST``;
            tensors support ``NEAREST`` and ``BILINEAR``.
        fill (sequence or number, optional): value for pixels outside geometrically transformed images.

    Example:
        >>> img = ember.randint(0, 256, (3, 32, 32), dtype=ember.uint8)
        >>> tuple(TrivialAugmentWide()(img).shape)
        (3, 32, 32)
    """

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins):
        return {
            # op_name: (magnitudes, signed)
            "Identity": (_scalar(), False),
            "ShearX": (_linspace(0.0, 0.99, num_bins), True),
            "ShearY": (_linspace(0.0, 0.99, num_bins), True),
            "TranslateX": (_linspace(0.0, 32.0, num_bins), True),
            "TranslateY": (_linspace(0.0, 32.0, num_bins), True),
            "Rotate": (_linspace(0.0, 135.0, num_bins), True),
            "Brightness": (_linspace(0.0, 0.99, num_bins), True),
            "Color": (_linspace(0.0, 0.99, num_bins), True),
            "Contrast": (_linspace(0.0, 0.99, num_bins), True),
            "Sharpness": (_linspace(0.0, 0.99, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 6), False),
            "Solarize": (_linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (_scalar(), False),
            "Equalize": (_scalar(), False),
        }

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(img, self.fill, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_index = int(ember.randint(len(op_meta), (1,)).item())
        op_name = list(op_meta.keys())[op_index]
        magnitudes, signed = op_meta[op_name]
        magnitude = (
            float(magnitudes[int(ember.randint(len(magnitudes), (1,), dtype=ember.long).item())].item())
            if magnitudes.ndim > 0
            else 0.0
        )
        if signed and bool(ember.randint(2, (1,))):
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)

    def __repr__(self):
        return (
            f"{self.__class__.__name__}("
            f"num_magnitude_bins={self.num_magnitude_bins}"
            f", interpolation={self.interpolation}"
            f", fill={self.fill}"
            f")"
        )


class AugMix(_Transform):
    """AugMix data augmentation (`"AugMix: A Simple Data Processing Method to Improve Robustness and
    Uncertainty" <https://arxiv.org/abs/1912.02781>`_).

    Builds ``mixture_width`` chains of 1 to 3 random operations (or ``chain_depth``), mixes their results
    with Dirichlet weights and blends the mixture with the original image with a Beta-distributed weight.
    The mixing happens in float and is truncated back to the image dtype; PIL images are converted to a
    ``uint8`` tensor and back.

    Args:
        severity (int): strength of the operations, 1 to 10. Default: 3.
        mixture_width (int): number of augmentation chains. Default: 3.
        chain_depth (int): operations per chain; a non-positive value draws 1 to 3 per chain. Default: -1.
        alpha (float): parameter of the Dirichlet and Beta distributions. Default: 1.0.
        all_ops (bool): also use brightness, color, contrast and sharpness. Default: ``True``.
        interpolation (InterpolationMode): interpolation of the geometric ops. Default: ``BILINEAR``;
            tensors support ``NEAREST`` and ``BILINEAR``.
        fill (sequence or number, optional): value for pixels outside geometrically transformed images.

    Example:
        >>> img = ember.randint(0, 256, (3, 32, 32), dtype=ember.uint8)
        >>> out = AugMix(severity=2, mixture_width=2)(img)
        >>> tuple(out.shape), out.dtype == ember.uint8
        ((3, 32, 32), True)
    """

    def __init__(
        self,
        severity=3,
        mixture_width=3,
        chain_depth=-1,
        alpha=1.0,
        all_ops=True,
        interpolation=InterpolationMode.BILINEAR,
        fill=None,
    ):
        super().__init__()
        self._PARAMETER_MAX = 10
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        s = {
            # op_name: (magnitudes, signed)
            "ShearX": (_linspace(0.0, 0.3, num_bins), True),
            "ShearY": (_linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (_linspace(0.0, image_size[1] / 3.0, num_bins), True),
            "TranslateY": (_linspace(0.0, image_size[0] / 3.0, num_bins), True),
            "Rotate": (_linspace(0.0, 30.0, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 4, 4), False),
            "Solarize": (_linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (_scalar(), False),
            "Equalize": (_scalar(), False),
        }
        if self.all_ops:
            s.update(
                {
                    "Brightness": (_linspace(0.0, 0.9, num_bins), True),
                    "Color": (_linspace(0.0, 0.9, num_bins), True),
                    "Contrast": (_linspace(0.0, 0.9, num_bins), True),
                    "Sharpness": (_linspace(0.0, 0.9, num_bins), True),
                }
            )
        return s

    def _pil_to_tensor(self, img):
        return F.pil_to_tensor(img)

    def _tensor_to_pil(self, img):
        return F.to_pil_image(img)

    def _sample_dirichlet(self, params):
        """One Dirichlet sample per row of ``params`` (normalized Gamma draws from ember's generator)."""
        rng = ember.random._get(None)._rng
        conc = F._np(params).astype(np.float64)
        if conc.size and not (conc > 0).all():
            raise ValueError(f"AugMix: alpha must be positive, got {self.alpha}")
        gammas = rng.standard_gamma(conc)
        gammas = np.maximum(gammas, np.finfo(np.float64).tiny)  # alpha -> 0 may underflow to 0
        sample = (gammas / gammas.sum(axis=-1, keepdims=True)).astype(F._np(params).dtype)
        return F._wrap(sample, like=params)

    def forward(self, orig_img):
        channels, height, width = F.get_dimensions(orig_img)
        if isinstance(orig_img, ember.Tensor):
            img = orig_img
            fill = _tensor_fill(img, self.fill, channels)
        else:
            img = self._pil_to_tensor(orig_img)
            fill = self.fill

        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))

        orig_dims = list(img.shape)
        batch = img.reshape([1] * max(4 - img.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)

        # Beta weights of (original, augmented) as a 2-parameter Dirichlet, then the chain weights
        alpha = float(self.alpha)
        m = self._sample_dirichlet(ember.tensor([alpha, alpha], device=batch.device).expand(batch_dims[0], -1))
        combined_weights = self._sample_dirichlet(
            ember.tensor([alpha] * self.mixture_width, device=batch.device).expand(batch_dims[0], -1)
        ) * m[:, 1].reshape([batch_dims[0], -1])

        mix = m[:, 0].reshape(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 else int(ember.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_index = int(ember.randint(len(op_meta), (1,)).item())
                op_name = list(op_meta.keys())[op_index]
                magnitudes, signed = op_meta[op_name]
                magnitude = (
                    float(magnitudes[int(ember.randint(self.severity, (1,), dtype=ember.long).item())].item())
                    if magnitudes.ndim > 0
                    else 0.0
                )
                if signed and bool(ember.randint(2, (1,))):
                    magnitude *= -1.0
                aug = _apply_op(aug, op_name, magnitude, interpolation=self.interpolation, fill=fill)
            mix.add_(combined_weights[:, i].reshape(batch_dims) * aug)
        mix = mix.reshape(orig_dims).to(dtype=img.dtype)

        if not isinstance(orig_img, ember.Tensor):
            return self._tensor_to_pil(mix)
        return mix

    def __repr__(self):
        return (
            f"{self.__class__.__name__}("
            f"severity={self.severity}"
            f", mixture_width={self.mixture_width}"
            f", chain_depth={self.chain_depth}"
            f", alpha={self.alpha}"
            f", all_ops={self.all_ops}"
            f", interpolation={self.interpolation}"
            f", fill={self.fill}"
            f")"
        )
