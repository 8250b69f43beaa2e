"""``generalized_box_iou_loss`` (https://arxiv.org/abs/1902.09630)."""
import ember
from ._utils import _loss_inter_union, _reduce_loss, _upcast_non_float

__all__ = ["generalized_box_iou_loss"]


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """Generalized IoU loss ``1 - GIoU`` between matching boxes (element-wise, not pairwise).
    Gradients stay useful for boxes that do not overlap.

    Args:
        boxes1 (Tensor[N, 4] or Tensor[4]): predicted boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[N, 4] or Tensor[4]): target boxes, ``(x1, y1, x2, y2)``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'none'``
        eps (float): small number to avoid division by zero. Default: 1e-7

    Returns:
        Tensor: the loss per pair (``'none'``) or reduced.

    Example::

        >>> import ember
        >>> from ember.vision.ops import generalized_box_iou_loss
        >>> generalized_box_iou_loss(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[2., 0., 3., 1.]]))
        tensor([1.3333])
    """
    boxes1 = _upcast_non_float(boxes1)
    boxes2 = _upcast_non_float(boxes2)
    intsctk, unionk = _loss_inter_union(boxes1, boxes2)
    iouk = intsctk / (unionk + eps)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xc1 = ember.min(x1, x1g)
    yc1 = ember.min(y1, y1g)
    xc2 = ember.max(x2, x2g)
    yc2 = ember.max(y2, y2g)
    area_c = (xc2 - xc1) * (yc2 - yc1)
    miouk = iouk - ((area_c - unionk) / (area_c + eps))
    return _reduce_loss(1 - miouk, reduction)
