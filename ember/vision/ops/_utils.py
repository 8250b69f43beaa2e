"""Helpers shared by ``ember.vision.ops`` (torchvision's ``ops._utils``)."""
import ember


def _upcast(t):
    # protect multiplications from overflow: half floats -> float32, small ints -> int32
    if t.is_floating_point():
        return t if t.dtype in (ember.float32, ember.float64) else t.float()
    return t if t.dtype in (ember.int32, ember.int64) else t.int()


def _upcast_non_float(t):
    if t.dtype not in (ember.float32, ember.float64):
        return t.float()
    return t


def _loss_inter_union(boxes1, boxes2):
    x1, y1, x2, y2 = boxes1.unbind(dim=-1)
    x1g, y1g, x2g, y2g = boxes2.unbind(dim=-1)
    xkis1 = ember.max(x1, x1g)
    ykis1 = ember.max(y1, y1g)
    xkis2 = ember.min(x2, x2g)
    ykis2 = ember.min(y2, y2g)
    mask = (ykis2 > ykis1) & (xkis2 > xkis1)
    # torch writes into zeros at the mask; a where() gives the same values and gradients
    inter = ember.where(mask, (xkis2 - xkis1) * (ykis2 - ykis1), ember.zeros_like(x1))
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - inter
    return inter, union


def _reduce_loss(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(
        f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
    )


def _cat(tensors, dim=0):
    if len(tensors) == 1:
        return tensors[0]
    return ember.cat(tensors, dim)


def convert_boxes_to_roi_format(boxes):
    """Turn a list of ``Tensor[L, 4]`` (one per image) into one ``Tensor[K, 5]`` whose first
    column is the image index.

    Args:
        boxes (list[Tensor]): boxes per image, ``(x1, y1, x2, y2)``.

    Example::

        >>> import ember
        >>> from ember.vision.ops._utils import convert_boxes_to_roi_format
        >>> convert_boxes_to_roi_format([ember.zeros(1, 4), ember.ones(2, 4)])[:, 0]
        tensor([0., 1., 1.])
    """
    concat_boxes = _cat(list(boxes), dim=0)
    ids = _cat([ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return ember.cat([ids, concat_boxes], dim=1)


def check_roi_boxes_shape(boxes):
    """Raise torchvision's errors unless ``boxes`` is a ``Tensor[K, 5]`` or a list of
    ``Tensor[L, 4]``.

    Args:
        boxes (Tensor or list[Tensor]): the boxes handed to ``roi_align`` / ``roi_pool``.

    Example::

        >>> import ember
        >>> from ember.vision.ops._utils import check_roi_boxes_shape
        >>> check_roi_boxes_shape([ember.zeros(2, 4)])
    """
    if isinstance(boxes, (list, tuple)):
        for t in boxes:
            if not (isinstance(t, ember.Tensor) and t.dim() == 2 and t.size(1) == 4):
                raise AssertionError("The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]")
    elif isinstance(boxes, ember.Tensor):
        if not (boxes.dim() == 2 and boxes.size(1) == 5):
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")
