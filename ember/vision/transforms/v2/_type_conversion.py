"""Type conversions: PILToTensor, ToImage, ToPILImage, ToPureTensor."""
import numpy as np

from ember.vision import tv_tensors
from ember.vision.tv_tensors import _pure

from . import functional as F
from ._transform import Transform
from ._utils import _is_pil
from .functional import is_pure_tensor

__all__ = ["PILToTensor", "ToImage", "ToPILImage", "ToPureTensor"]


class PILToTensor(Transform):
    """Convert PIL images to plain ``uint8`` tensors ``[C, H, W]`` (no rescaling).

    Args:
        (none)

    Example::

        >>> from PIL import Image
        >>> PILToTensor()(Image.new("RGB", (4, 3))).shape
        torch.Size([3, 3, 4])
    """
    _transformed_types = (_is_pil,)

    def transform(self, inpt, params):
        return F.pil_to_tensor(inpt)


class ToImage(Transform):
    """Convert plain tensors, NumPy arrays (``HWC``) and PIL images to
    :class:`~ember.vision.tv_tensors.Image` (no rescaling).

    Args:
        (none)

    Example::

        >>> type(ToImage()(ember.zeros(3, 2, 2))).__name__
        'Image'
    """
    _transformed_types = (is_pure_tensor, _is_pil, np.ndarray)

    def transform(self, inpt, params):
        return F.to_image(inpt)


class ToPILImage(Transform):
    """Convert tensor images (plain or :class:`~ember.vision.tv_tensors.Image`) and NumPy arrays
    to PIL images.

    Args:
        mode (str, optional): the PIL mode; inferred from the data by default.

    Example::

        >>> ToPILImage()(ember.zeros(3, 2, 4)).size
        (4, 2)
    """
    _transformed_types = (is_pure_tensor, tv_tensors.Image, np.ndarray)

    def __init__(self, mode=None):
        super().__init__()
        self.mode = mode

    def transform(self, inpt, params):
        if isinstance(inpt, tv_tensors.TVTensor):
            inpt = _pure(inpt)
        return F.to_pil_image(inpt, mode=self.mode)


class ToPureTensor(Transform):
    """Turn every TVTensor of the sample into a plain tensor (sharing memory); use it last in
    a pipeline whose consumer expects plain tensors.

    Args:
        (none)

    Example::

        >>> type(ToPureTensor()(tv_tensors.Mask(ember.zeros(2, 2)))).__name__
        'Tensor'
    """
    _transformed_types = (tv_tensors.TVTensor,)

    def transform(self, inpt, params):
        return _pure(inpt)
