"""RandomErasing."""
import math
import numbers
import warnings
from collections.abc import Sequence

import ember
from ember.vision import tv_tensors
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import _RandomApplyTransform
from ._utils import query_chw

__all__ = ["RandomErasing"]


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
        if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.Mask)):
            warnings.warn(f"{type(self).__name__}() is currently passing through inputs of type "
                          f"tv_tensors.{type(inpt).__name__}. This will likely change in the "
                          f"future.")
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
