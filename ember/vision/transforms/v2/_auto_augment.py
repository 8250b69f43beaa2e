"""Automatic augmentation policies for the v2 API: AutoAugment, RandAugment,
TrivialAugmentWide and AugMix.

They reuse the v1 module's policies, magnitude tables and operations
(:mod:`ember.vision.transforms.autoaugment`), applied with the v2 functionals, so they accept
:class:`~ember.vision.tv_tensors.Image` and Video (any leading dimensions), plain tensors and PIL
images inside any sample structure (one image or video per sample; everything else passes
through, boxes and masks are refused). As in torchvision v2, ``Solarize`` thresholds are a
fraction of the dtype's maximum, so float images work too."""
import ember
from ember.func._pytree import tree_flatten, tree_unflatten
from ember.vision import tv_tensors
from ember.vision.transforms import autoaugment as _aa
from ember.vision.transforms.autoaugment import AutoAugmentPolicy

from . import functional as F
from ._transform import Transform
from ._utils import _get_fill, _is_pil, _setup_fill_arg, check_type
from .functional import is_pure_tensor
from .functional._misc import _max_value

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


class _AutoAugmentBase(Transform):
    # the v1 transform whose ``_augmentation_space`` gives the operations and magnitudes
    _space_cls = None

    def __init__(self, *, interpolation="nearest", fill=None):
        super().__init__()
        self.interpolation = interpolation
        self.fill = fill
        self._fill = _setup_fill_arg(fill)

    def _augmentation_space(self, num_bins, height, width):
        """``{op_name: (magnitudes, signed)}``: the v1 table with ``Solarize`` as a fraction of
        the maximum value (0-d ``magnitudes`` mean the op takes none)."""
        space = self._space_cls._augmentation_space(self, num_bins, (height, width))
        if "Solarize" in space:
            space["Solarize"] = (_aa._linspace(1.0, 0.0, num_bins), False)
        return space

    def _get_random_item(self, dct):
        keys = tuple(dct.keys())
        key = keys[int(ember.randint(len(keys), ()))]
        return key, dct[key]

    @staticmethod
    def _magnitude(magnitudes, index, signed):
        """The magnitude at ``index`` (a callable drawing it), negated half of the time when
        ``signed``; 0.0 for ops without magnitudes."""
        if magnitudes.ndim == 0:
            return 0.0
        magnitude = float(magnitudes[index()])
        if signed and float(ember.rand(())) <= 0.5:
            magnitude *= -1
        return magnitude

    def _flatten_and_extract_image_or_video(self, inputs,
                                            unsupported_types=(tv_tensors.BoundingBoxes,
                                                               tv_tensors.Mask)):
        flat_inputs, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        needs_transform_list = self._needs_transform_list(flat_inputs)
        image_or_videos = []
        for idx, (inpt, needs) in enumerate(zip(flat_inputs, needs_transform_list)):
            if needs and check_type(inpt, (tv_tensors.Image, _is_pil, is_pure_tensor,
                                           tv_tensors.Video)):
                image_or_videos.append((idx, inpt))
            elif isinstance(inpt, unsupported_types):
                raise TypeError(f"Inputs of type {type(inpt).__name__} are not supported by "
                                f"{type(self).__name__}()")
        if not image_or_videos:
            raise TypeError("Found no image in the sample.")
        if len(image_or_videos) > 1:
            raise TypeError(f"Auto augment transformations are only properly defined for a single "
                            f"image or video, but found {len(image_or_videos)}.")
        idx, image_or_video = image_or_videos[0]
        return (flat_inputs, spec, idx), image_or_video

    def _unflatten_and_insert_image_or_video(self, flat_inputs_with_spec, image_or_video):
        flat_inputs, spec, idx = flat_inputs_with_spec
        flat_inputs[idx] = image_or_video
        return tree_unflatten(flat_inputs, spec)

    def _apply_image_or_video_transform(self, image, transform_id, magnitude, interpolation,
                                        fill):
        fill_ = _get_fill(fill, type(image))
        if transform_id == "Solarize":
            bound = _max_value(image.dtype) if isinstance(image, ember.Tensor) else 255.0
            magnitude = bound * magnitude
        return _aa._apply_op(image, transform_id, magnitude, interpolation, fill_, F=F)


class AutoAugment(_AutoAugmentBase):
    """AutoAugment (`"AutoAugment: Learning Augmentation Strategies from Data"
    <https://arxiv.org/abs/1805.09501>`_) for images and videos: one of the policy's 25
    sub-policies per call, each of its two operations applied with its probability and
    magnitude.

    Args:
        policy (AutoAugmentPolicy): ``IMAGENET`` (default), ``CIFAR10`` or ``SVHN``.
        interpolation (InterpolationMode, str or int): of the geometric ops. Default:
            ``"nearest"``.
        fill (number, sequence or dict, optional): value outside geometrically transformed
            images.

    Example::

        >>> img = tv_tensors.Image(ember.randint(0, 256, (3, 16, 16), dtype=ember.uint8))
        >>> out = AutoAugment(AutoAugmentPolicy.CIFAR10)(img)
        >>> type(out).__name__, tuple(out.shape)
        ('Image', (3, 16, 16))
    """
    _v1_transform_cls = _aa.AutoAugment
    _space_cls = _aa.AutoAugment
    _get_policies = _aa.AutoAugment._get_policies

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.policy = policy
        self._policies = self._get_policies(policy)

    def forward(self, *inputs):
        flat_inputs_with_spec, image_or_video = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image_or_video)
        policy = self._policies[int(ember.randint(len(self._policies), ()))]
        space = self._augmentation_space(10, height, width)
        for transform_id, probability, magnitude_idx in policy:
            if not float(ember.rand(())) <= probability:
                continue
            magnitudes, signed = space[transform_id]
            magnitude = self._magnitude(magnitudes, lambda: magnitude_idx, signed)
            image_or_video = self._apply_image_or_video_transform(
                image_or_video, transform_id, magnitude, interpolation=self.interpolation,
                fill=self._fill)
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, image_or_video)


class RandAugment(_AutoAugmentBase):
    """RandAugment (`"RandAugment: Practical automated data augmentation with a reduced search
    space" <https://arxiv.org/abs/1909.13719>`_): ``num_ops`` random operations, all at strength
    ``magnitude`` (out of ``num_magnitude_bins``).

    Args:
        num_ops (int): number of operations, non-negative. Default: 2.
        magnitude (int): strength bin of every operation. Default: 9.
        num_magnitude_bins (int): number of bins. Default: 31.
        interpolation (InterpolationMode, str or int): of the geometric ops. Default:
            ``"nearest"``.
        fill (number, sequence or dict, optional): value outside geometrically transformed
            images.

    Example::

        >>> img = ember.randint(0, 256, (2, 3, 16, 16), dtype=ember.uint8)
        >>> tuple(RandAugment(num_ops=3)(img).shape)
        (2, 3, 16, 16)
    """
    _v1_transform_cls = _aa.RandAugment
    _space_cls = _aa.RandAugment

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation="nearest",
                 fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        if not isinstance(num_ops, int) or (num_ops < 0):
            raise ValueError(f"num_ops should be a non-negative integer, but got {num_ops} "
                             f"instead.")
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, *inputs):
        flat_inputs_with_spec, image_or_video = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image_or_video)
        space = self._augmentation_space(self.num_magnitude_bins, height, width)
        for _ in range(self.num_ops):
            transform_id, (magnitudes, signed) = self._get_random_item(space)
            magnitude = self._magnitude(magnitudes, lambda: self.magnitude, signed)
            image_or_video = self._apply_image_or_video_transform(
                image_or_video, transform_id, magnitude, interpolation=self.interpolation,
                fill=self._fill)
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, image_or_video)


class TrivialAugmentWide(_AutoAugmentBase):
    """TrivialAugment Wide (`"TrivialAugment: Tuning-free Yet State-of-the-Art Data
    Augmentation" <https://arxiv.org/abs/2103.10158>`_): one random operation at a random
    strength.

    Args:
        num_magnitude_bins (int): number of strength bins. Default: 31.
        interpolation (InterpolationMode, str or int): of the geometric ops. Default:
            ``"nearest"``.
        fill (number, sequence or dict, optional): value outside geometrically transformed
            images.

    Example::

        >>> img = ember.rand(3, 16, 16)
        >>> TrivialAugmentWide()(img).dtype
        torch.float32
    """
    _v1_transform_cls = _aa.TrivialAugmentWide

    def __init__(self, num_magnitude_bins=31, interpolation="nearest", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self.num_magnitude_bins = num_magnitude_bins

    def _augmentation_space(self, num_bins, height, width):
        space = _aa.TrivialAugmentWide._augmentation_space(self, num_bins)
        space["Solarize"] = (_aa._linspace(1.0, 0.0, num_bins), False)
        return space

    def forward(self, *inputs):
        flat_inputs_with_spec, image_or_video = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(image_or_video)
        space = self._augmentation_space(self.num_magnitude_bins, height, width)
        transform_id, (magnitudes, signed) = self._get_random_item(space)
        magnitude = self._magnitude(
            magnitudes, lambda: int(ember.randint(self.num_magnitude_bins, ())), signed)
        image_or_video = self._apply_image_or_video_transform(
            image_or_video, transform_id, magnitude, interpolation=self.interpolation,
            fill=self._fill)
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, image_or_video)


class AugMix(_AutoAugmentBase):
    """AugMix (`"AugMix: A Simple Data Processing Method to Improve Robustness and
    Uncertainty" <https://arxiv.org/abs/1912.02781>`_): ``mixture_width`` chains of random
    operations mixed with Dirichlet weights, then blended with the original with a Beta
    weight (computed in float and cast back to the input dtype).

    Args:
        severity (int): strength of the operations, 1 to 10. Default: 3.
        mixture_width (int): number of chains. Default: 3.
        chain_depth (int): operations per chain; non-positive draws 1 to 3. Default: -1.
        alpha (float): parameter of the Dirichlet and Beta distributions. Default: 1.
        all_ops (bool): also brightness, color, contrast and sharpness. Default: ``True``.
        interpolation (InterpolationMode, str or int): of the geometric ops. Default:
            ``"bilinear"``.
        fill (number, sequence or dict, optional): value outside geometrically transformed
            images.

    Example::

        >>> video = tv_tensors.Video(ember.randint(0, 256, (2, 3, 8, 8), dtype=ember.uint8))
        >>> out = AugMix(mixture_width=2)(video)
        >>> type(out).__name__, out.dtype
        ('Video', torch.uint8)
    """
    _v1_transform_cls = _aa.AugMix
    _space_cls = _aa.AugMix
    _sample_dirichlet = _aa.AugMix._sample_dirichlet

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation="bilinear", fill=None):
        super().__init__(interpolation=interpolation, fill=fill)
        self._PARAMETER_MAX = 10
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got "
                             f"{severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops

    def _augment_chain(self, batch, space):
        depth = self.chain_depth if self.chain_depth > 0 else int(ember.randint(1, 4, (1,)))
        for _ in range(depth):
            transform_id, (magnitudes, signed) = self._get_random_item(space)
            magnitude = self._magnitude(magnitudes, lambda: int(ember.randint(self.severity, ())),
                                        signed)
            batch = self._apply_image_or_video_transform(batch, transform_id, magnitude,
                                                         interpolation=self.interpolation,
                                                         fill=self._fill)
        return batch

    def forward(self, *inputs):
        flat_inputs_with_spec, orig = self._flatten_and_extract_image_or_video(inputs)
        height, width = F.get_size(orig)
        image = orig if isinstance(orig, ember.Tensor) else F.pil_to_tensor(orig)
        space = self._augmentation_space(self._PARAMETER_MAX, height, width)
        orig_dims = list(image.shape)
        expected_ndim = 5 if isinstance(orig, tv_tensors.Video) else 4
        batch = image.reshape([1] * max(expected_ndim - image.ndim, 0) + orig_dims)
        n = batch.size(0)
        weight_shape = [n] + [1] * (batch.ndim - 1)

        def dirichlet(k):
            return self._sample_dirichlet(
                ember.tensor([self.alpha] * k, device=batch.device).expand(n, -1))

        m = dirichlet(2)
        chain_weights = dirichlet(self.mixture_width) * m[:, 1].reshape([n, -1])
        mix = m[:, 0].reshape(weight_shape) * batch
        for i in range(self.mixture_width):
            mix.add_(chain_weights[:, i].reshape(weight_shape) * self._augment_chain(batch, space))
        mix = mix.reshape(orig_dims).to(dtype=image.dtype)
        if isinstance(orig, (tv_tensors.Image, tv_tensors.Video)):
            mix = tv_tensors.wrap(mix, like=orig)
        elif _is_pil(orig):
            mix = F.to_pil_image(mix)
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, mix)
