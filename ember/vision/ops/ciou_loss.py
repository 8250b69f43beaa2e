"""``complete_box_iou_loss`` (https://arxiv.org/abs/1911.08287)."""
import ember
from ._utils import _reduce_loss, _upcast_non_float
from .diou_loss import _diou_iou_loss

__all__ = ["complete_box_iou_loss"]


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """Complete IoU loss: the distance IoU loss plus an aspect-ratio term ``alpha * v``
    (``alpha`` is not differentiated).

    Args:
        boxes1 (Tensor[N, 4] or Tensor[4]): predicted boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[N, 4] or Tensor[4]): target boxes, ``(x1, y1, x2, y2)``.
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'none'``
        eps (float): small number to avoid division by zero. Default: 1e-7

    Returns:
        Tensor: the loss per pair (``'none'``) or reduced.

    Example::

        >>> import ember
        >>> from ember.vision.ops import complete_box_iou_loss
        >>> complete_box_iou_loss(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
        tensor([0.])
    """
    boxes1 = _upcast_non_float(boxes1)
    boxes2 = _upcast_non_float(boxes2)
    diou_loss, iou = _diou_iou_loss(boxes1, boxes2)
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    w_pred = x2 - x1
    h_pred = y2 - y1
    w_gt = x2g - x1g
    h_gt = y2g - y1g
    v = (4 / (ember.pi ** 2)) * ember.pow((ember.atan(w_gt / h_gt) - ember.atan(w_pred / h_pred)), 2)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return _reduce_loss(diou_loss + alpha * v, reduction)
