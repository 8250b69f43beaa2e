"""``distance_box_iou_loss`` (https://arxiv.org/abs/1911.08287)."""
import ember
from ._utils import _loss_inter_union, _reduce_loss, _upcast_non_float

__all__ = ["distance_box_iou_loss"]


def _diou_iou_loss(boxes1, boxes2, eps=1e-7):
    intsct, union = _loss_inter_union(boxes1, boxes2)
    iou = intsct / (union + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xc1 = ember.min(x1, x1g)
    yc1 = ember.min(y1, y1g)
    xc2 = ember.max(x2, x2g)
    yc2 = ember.max(y2, y2g)
    diagonal_distance_squared = ((xc2 - xc1) ** 2) + ((yc2 - yc1) ** 2) + eps
    x_p = (x2 + x1) / 2
    y_p = (y2 + y1) / 2
    x_g = (x1g + x2g) / 2
    y_g = (y1g + y2g) / 2
    centers_distance_squared = ((x_p - x_g) ** 2) + ((y_p - y_g) ** 2)
    loss = 1 - iou + (centers_distance_squared / diagonal_distance_squared)
    return loss, iou


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """Distance IoU loss ``1 - IoU + d^2 / c^2`` between matching boxes (``d``: distance of the
    centres, ``c``: diagonal of the smallest enclosing box).

    Args:
        boxes1 (Tensor[N, 4] or Tensor[4]): predicted boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[N, 4] or Tensor[4]): target boxes, ``(x1, y1, x2, y2)``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'none'``
        eps (float): small number to avoid division by zero. Default: 1e-7

    Returns:
        Tensor: the loss per pair (``'none'``) or reduced.

    Example::

        >>> import ember
        >>> from ember.vision.ops import distance_box_iou_loss
        >>> distance_box_iou_loss(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
        tensor([0.])
    """
    boxes1 = _upcast_non_float(boxes1)
    boxes2 = _upcast_non_float(boxes2)
    loss, _ = _diou_iou_loss(boxes1, boxes2, eps)
    return _reduce_loss(loss, reduction)
