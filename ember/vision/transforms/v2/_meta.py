"""Bounding-box format and clamping transforms."""
from ember.vision import tv_tensors

from . import functional as F
from ._transform import Transform

__all__ = ["ConvertBoundingBoxFormat", "ClampBoundingBoxes"]


class ConvertBoundingBoxFormat(Transform):
    """Convert the :class:`~ember.vision.tv_tensors.BoundingBoxes` of a sample to ``format``.

    Args:
        format (BoundingBoxFormat or str): the target format.

    Example::

        >>> b = tv_tensors.BoundingBoxes([[1, 2, 5, 8]], format="XYXY", canvas_size=(10, 10))
        >>> ConvertBoundingBoxFormat("XYWH")(b).tolist()
        [[1, 2, 4, 6]]
    """
    _transformed_types = (tv_tensors.BoundingBoxes,)

    def __init__(self, format):
        super().__init__()
        self.format = format

    def transform(self, inpt, params):
        return F.convert_bounding_box_format(inpt, new_format=self.format)


class ClampBoundingBoxes(Transform):
    """Clamp the bounding boxes of a sample to their canvas.

    Args:
        clamping_mode (str or None): ``"auto"`` (the default: each box's own mode), ``"soft"``,
            ``"hard"`` or ``None``.

    Example::

        >>> b = tv_tensors.BoundingBoxes([[-1, 2, 5, 18]], format="XYXY", canvas_size=(10, 10))
        >>> ClampBoundingBoxes()(b).tolist()
        [[0, 2, 5, 10]]
    """
    _transformed_types = (tv_tensors.BoundingBoxes,)

    def __init__(self, clamping_mode="auto"):
        super().__init__()
        self.clamping_mode = clamping_mode

    def transform(self, inpt, params):
        return F.clamp_bounding_boxes(inpt, clamping_mode=self.clamping_mode)
