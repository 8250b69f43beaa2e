"""RandomErasing, and the batch transforms MixUp and CutMix."""
import math
import numbers
import warnings
from collections.abc import Sequence

import ember
from ember.func._pytree import tree_flatten, tree_unflatten
from ember.vision import tv_tensors
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import Transform, _RandomApplyTransform
from ._utils import (_is_pil, _parse_labels_getter, _warn_passthrough, has_any, query_chw,
                     query_size)
from .functional import is_pure_tensor

__all__ = ["RandomErasing", "MixUp", "CutMix"]


class RandomErasing(_RandomApplyTransform):
    """Erase a random rectangle of images and videos with probability ``p`` (boxes and masks
    pass through, with a warning, as in torchvision).

    Args:
        p (float): the probability. Default: 0.5.
        scale (sequence of float): range of the erased area fraction. Default: ``(0.02, 0.33)``.
        ratio (sequence of float): range of its aspect ratio. Default: ``(0.3, 3.3)``.
        value (number, sequence or "random"): the fill; ``"random"`` draws normal noise.
            Default: 0.
        inplace (bool): modify the input. Default: ``False``.

    Example::

        >>> RandomErasing(p=1.0, scale=(0.25, 0.25), ratio=(1, 1))(ember.ones(1, 4, 4)).sum().item()
        12.0
    """
    _v1_transform_cls = _v1.RandomErasing

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace=False):
        super().__init__(p=p)
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if (scale[0] > scale[1]) or (ratio[0] > ratio[1]):
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        self.scale = scale
        self.ratio = ratio
        if isinstance(value, (int, float)):
            self.value = [float(value)]
        elif isinstance(value, str):
            self.value = None
        else:
            self.value = [float(v) for v in value]
        self.inplace = inplace
        self._log_ratio = (math.log(ratio[0]), math.log(ratio[1]))

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        _warn_passthrough(self, inpt)
        return super()._call_kernel(functional, inpt, *args, **kwargs)

    def make_params(self, flat_inputs):
        img_c, img_h, img_w = query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, img_c):
            raise ValueError(f"If value is a sequence, it should have either a single value or "
                             f"{img_c} (number of inpt channels)")
        area = img_h * img_w
        for _ in range(10):
            erase_area = area * float(ember.empty(1).uniform_(self.scale[0], self.scale[1]).item())
            aspect_ratio = math.exp(float(ember.empty(1).uniform_(*self._log_ratio).item()))
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if self.value is None:
                v = ember.empty([img_c, h, w], dtype=ember.float32).normal_()
            else:
                v = ember.tensor(self.value)[:, None, None]
            i = int(ember.randint(0, img_h - h + 1, size=(1,)).item())
            j = int(ember.randint(0, img_w - w + 1, size=(1,)).item())
            break
        else:
            i, j, h, w, v = 0, 0, img_h, img_w, None
        return dict(i=i, j=j, h=h, w=w, v=v)

    def transform(self, inpt, params):
        if params["v"] is not None:
            inpt = self._call_kernel(F.erase, inpt, **params, inplace=self.inplace)
        return inpt


class _BaseMixUpCutMix(Transform):
    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        super().__init__()
        self.alpha = float(alpha)
        self._dist = ember.distributions.Beta(ember.tensor([alpha]), ember.tensor([alpha]))
        self.num_classes = num_classes
        self._labels_getter = _parse_labels_getter(labels_getter)

    def _check_labels(self, labels):
        if not isinstance(labels, ember.Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError(f"labels should be index based with shape (batch_size,) or "
                             f"probability based with shape (batch_size, num_classes), but got a "
                             f"tensor of shape {labels.shape} instead.")
        if labels.ndim == 2 and self.num_classes is not None \
                and labels.shape[-1] != self.num_classes:
            raise ValueError(f"When passing 2D labels, the number of elements in last dimension "
                             f"must match num_classes: {labels.shape[-1]} != {self.num_classes}. "
                             f"You can Leave num_classes to None.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        needs_transform_list = self._needs_transform_list(flat_inputs)
        if has_any(flat_inputs, _is_pil, tv_tensors.BoundingBoxes, tv_tensors.Mask):
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding "
                             f"boxes, keypoints and masks.")
        labels = self._labels_getter(inputs)
        self._check_labels(labels)
        params = {"labels": labels, "batch_size": labels.shape[0],
                  **self.make_params([inpt for inpt, needs in zip(flat_inputs, needs_transform_list)
                                      if needs])}
        # the labels are a plain tensor after the images, so not transformed by default
        needs_transform_list[next(i for i, inpt in enumerate(flat_inputs) if inpt is labels)] = True
        flat_outputs = [self.transform(inpt, params) if needs else inpt
                        for inpt, needs in zip(flat_inputs, needs_transform_list)]
        return tree_unflatten(flat_outputs, spec)

    def _check_image_or_video(self, inpt, *, batch_size):
        expected_num_dims = 5 if isinstance(inpt, tv_tensors.Video) else 4
        if inpt.ndim != expected_num_dims:
            raise ValueError(f"Expected a batched input with {expected_num_dims} dims, but got "
                             f"{inpt.ndim} dimensions instead.")
        if inpt.shape[0] != batch_size:
            raise ValueError(f"The batch size of the image or video does not match the batch size "
                             f"of the labels: {inpt.shape[0]} != {batch_size}.")

    def _mixup_label(self, label, *, lam):
        if label.ndim == 1:
            label = ember.nn.functional.one_hot(label, num_classes=self.num_classes)
        if not label.dtype.is_floating_point:
            label = label.float()
        return label.roll(1, 0).mul_(1.0 - lam).add_(label.mul(lam))

    def _mix(self, inpt, params, mix_images):
        if inpt is params["labels"]:
            return self._mixup_label(inpt, lam=self._label_lam(params))
        if not (isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt)):
            return inpt
        self._check_image_or_video(inpt, batch_size=params["batch_size"])
        output = mix_images(tv_tensors._pure(inpt))
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
            output = tv_tensors.wrap(output, like=inpt)
        return output


class MixUp(_BaseMixUpCutMix):
    """MixUp (`mixup: Beyond Empirical Risk Minimization <https://arxiv.org/abs/1710.09412>`_)
    on a *batch* of images or videos and their labels: each sample is blended with the previous
    one in the batch (``lam * x + (1 - lam) * x.roll(1, 0)``, ``lam ~ Beta(alpha, alpha)``),
    and its one-hot labels likewise. Shuffle the batch first.

    Args:
        alpha (float): parameter of the Beta distribution. Default: 1.
        num_classes (int, optional): number of classes, needed for index labels ``(N,)``; the
            output labels are ``(N, num_classes)`` floats.
        labels_getter (callable or "default"): finds the labels; the default takes the second
            input when it is a tensor (``MixUp(...)(images, labels)``) or a ``"labels"`` key.

    Example::

        >>> mixup = MixUp(num_classes=3)
        >>> images, labels = mixup(ember.rand(4, 3, 8, 8), ember.tensor([0, 1, 2, 0]))
        >>> tuple(labels.shape), bool(ember.allclose(labels.sum(1), ember.ones(4)))
        ((4, 3), True)
    """

    def make_params(self, flat_inputs):
        return dict(lam=float(self._dist.sample(())))

    def _label_lam(self, params):
        return params["lam"]

    def transform(self, inpt, params):
        lam = params["lam"]
        return self._mix(inpt, params,
                         lambda x: x.roll(1, 0).mul_(1.0 - lam).add_(x.mul(lam)))


class CutMix(_BaseMixUpCutMix):
    """CutMix (`CutMix: Regularization Strategy to Train Strong Classifiers with Localizable
    Features <https://arxiv.org/abs/1905.04899>`_) on a *batch* of images or videos and their
    labels: a random box of each sample is replaced by the same box of the previous sample in
    the batch, and the one-hot labels are mixed by the area kept. Shuffle the batch first.

    Args:
        alpha (float): parameter of the Beta distribution of the kept area. Default: 1.
        num_classes (int, optional): number of classes, needed for index labels ``(N,)``.
        labels_getter (callable or "default"): finds the labels, as in :class:`MixUp`.

    Example::

        >>> cutmix = CutMix(num_classes=2)
        >>> images, labels = cutmix(ember.rand(4, 3, 8, 8), ember.tensor([0, 1, 1, 0]))
        >>> tuple(images.shape), tuple(labels.shape)
        ((4, 3, 8, 8), (4, 2))
    """

    def make_params(self, flat_inputs):
        lam = float(self._dist.sample(()))
        H, W = query_size(flat_inputs)
        r_x = int(ember.randint(0, W, size=(1,)))
        r_y = int(ember.randint(0, H, size=(1,)))
        r = 0.5 * math.sqrt(1.0 - lam)
        r_w_half, r_h_half = int(r * W), int(r * H)
        x1, y1 = max(r_x - r_w_half, 0), max(r_y - r_h_half, 0)
        x2, y2 = min(r_x + r_w_half, W), min(r_y + r_h_half, H)
        lam_adjusted = float(1.0 - (x2 - x1) * (y2 - y1) / (W * H))
        return dict(box=(x1, y1, x2, y2), lam_adjusted=lam_adjusted)

    def _label_lam(self, params):
        return params["lam_adjusted"]

    def transform(self, inpt, params):
        x1, y1, x2, y2 = params["box"]

        def paste(x):
            output = x.clone()
            output[..., y1:y2, x1:x2] = x.roll(1, 0)[..., y1:y2, x1:x2]
            return output
        return self._mix(inpt, params, paste)
