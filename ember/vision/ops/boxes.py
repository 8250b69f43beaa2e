"""Box utilities of ``torchvision.ops.boxes``: areas, pairwise IoU variants, format conversion,
clipping, filtering, ``masks_to_boxes`` and non-maximum suppression.

Everything but NMS is composed from ember ops, so it is differentiable and runs on any device.
NMS follows torchvision's CPU kernel: a stable descending sort of the scores, then a greedy
pass that suppresses every later box whose IoU with a kept box is ``> iou_threshold``.
"""
import numpy as np

import ember
from ember._device import get_xp
from ._utils import _upcast

__all__ = ["nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert", "box_area",
           "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou", "masks_to_boxes"]

_AXIS_ALIGNED = ("xyxy", "xywh", "cxcywh")
_ROTATED = ("cxcywhr", "xywhr", "xyxyxyxy")


def _nms_raw(boxes, scores, iou_threshold):
    """Indices kept by greedy NMS, on NumPy arrays (the CPU kernel's arithmetic and order)."""
    n = boxes.shape[0]
    if n == 0:
        return np.empty((0,), dtype=np.int64)
    key = np.where(np.isnan(scores), np.inf, scores)  # torch sorts NaN as the largest
    order = np.argsort(-key, kind="stable")
    x1, y1, x2, y2 = (boxes[:, i] for i in range(4))
    areas = (x2 - x1) * (y2 - y1)
    suppressed = np.zeros(n, dtype=bool)
    keep = []
    for pos in range(n):
        i = order[pos]
        if suppressed[i]:
            continue
        keep.append(i)
        rest = order[pos + 1:]
        if rest.size == 0:
            break
        rest = rest[~suppressed[rest]]
        xx1 = np.maximum(x1[i], x1[rest])
        yy1 = np.maximum(y1[i], y1[rest])
        xx2 = np.minimum(x2[i], x2[rest])
        yy2 = np.minimum(y2[i], y2[rest])
        zero = boxes.dtype.type(0)
        inter = np.maximum(zero, xx2 - xx1) * np.maximum(zero, yy2 - yy1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ovr = inter / (areas[i] + areas[rest] - inter)
        # the kernel compares in double: ovr (scalar_t) > iou_threshold (double)
        suppressed[rest[ovr.astype(np.float64) > iou_threshold]] = True
    return np.asarray(keep, dtype=np.int64)


def nms(boxes, scores, iou_threshold):
    """Non-maximum suppression: repeatedly keep the highest-scoring box and drop every other
    box whose IoU with it is greater than ``iou_threshold``.

    Boxes with equal scores keep their input order (stable sort), as torchvision's CPU kernel.

    Args:
        boxes (Tensor[N, 4]): boxes in ``(x1, y1, x2, y2)`` format with ``0 <= x1 < x2`` and
            ``0 <= y1 < y2``.
        scores (Tensor[N]): score of each box.
        iou_threshold (float): discard boxes with IoU > ``iou_threshold``.

    Returns:
        Tensor: int64 indices of the kept boxes, in decreasing order of score.

    Example::

        >>> import ember
        >>> from ember.vision.ops import nms
        >>> boxes = ember.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]])
        >>> nms(boxes, ember.tensor([0.9, 0.8, 0.7]), 0.5)
        tensor([0, 2])
    """
    if not isinstance(boxes, ember.Tensor) or not isinstance(scores, ember.Tensor):
        raise TypeError("nms(): boxes and scores must be Tensors")
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.size(1) != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.size(1)}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.size(0) != scores.size(0):
        raise RuntimeError("boxes and scores should have same number of elements in dimension 0, got "
                           f"{boxes.size(0)} and {scores.size(0)}")
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")
    xp = get_xp(boxes._data)
    b = boxes.detach()._data
    s = scores.detach()._data
    if xp is not np:
        b, s = b.get(), s.get()
    if boxes.dtype is ember.bfloat16 or boxes.dtype is ember.float16:
        b, s = b.astype(np.float32), s.astype(np.float32)
    keep = _nms_raw(b, s, float(iou_threshold))
    return ember.tensor(keep, dtype=ember.int64, device=boxes.device)


def batched_nms(boxes, scores, idxs, iou_threshold):
    """Non-maximum suppression per category: boxes of different ``idxs`` never suppress each
    other.

    Like torchvision, small inputs (``boxes.numel() <= 4000`` on the CPU) shift each category's
    boxes by ``idx * (boxes.max() + 1)`` and run one :func:`nms`; larger inputs run :func:`nms`
    per category and sort the kept indices by score (stable).

    Args:
        boxes (Tensor[N, 4]): boxes in ``(x1, y1, x2, y2)`` format with ``0 <= x1 < x2`` and
            ``0 <= y1 < y2``.
        scores (Tensor[N]): score of each box.
        idxs (Tensor[N]): category of each box.
        iou_threshold (float): discard boxes with IoU > ``iou_threshold``.

    Returns:
        Tensor: int64 indices of the kept boxes, in decreasing order of score.

    Example::

        >>> import ember
        >>> from ember.vision.ops import batched_nms
        >>> boxes = ember.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]])
        >>> batched_nms(boxes, ember.tensor([0.9, 0.8]), ember.tensor([0, 1]), 0.5)
        tensor([0, 1])
    """
    limit = 4000 if boxes.device.type == "cpu" else 100_000
    if boxes.numel() > limit:
        return _batched_nms_vanilla(boxes, scores, idxs, iou_threshold)
    return _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold)


def _batched_nms_coordinate_trick(boxes, scores, idxs, iou_threshold):
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64, device=boxes.device)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + ember.tensor(1).to(boxes))
    boxes_for_nms = boxes + offsets[:, None]
    return nms(boxes_for_nms, scores, iou_threshold)


def _batched_nms_vanilla(boxes, scores, idxs, iou_threshold):
    keep_mask = ember.zeros_like(scores, dtype=ember.bool)
    for class_id in ember.unique(idxs):
        curr_indices = ember.where(idxs == class_id)[0]
        curr_keep = nms(boxes[curr_indices], scores[curr_indices], iou_threshold)
        keep_mask[curr_indices[curr_keep]] = True
    keep_indices = ember.where(keep_mask)[0]
    return keep_indices[scores[keep_indices].sort(descending=True, stable=True)[1]]


def remove_small_boxes(boxes, min_size):
    """Indices of the boxes whose width and height are both at least ``min_size``.

    Args:
        boxes (Tensor[..., 4]): boxes in ``(x1, y1, x2, y2)`` format.
        min_size (float): minimum side length.

    Returns:
        Tensor[K]: int64 indices of the boxes that are kept.

    Example::

        >>> import ember
        >>> from ember.vision.ops import remove_small_boxes
        >>> remove_small_boxes(ember.tensor([[0., 0., 1., 5.], [0., 0., 4., 4.]]), 2.0)
        tensor([1])
    """
    ws, hs = boxes[..., 2] - boxes[..., 0], boxes[..., 3] - boxes[..., 1]
    keep = (ws >= min_size) & (hs >= min_size)
    return ember.where(keep)[0]


def clip_boxes_to_image(boxes, size):
    """Clip boxes so that they lie inside an image of ``size = (height, width)``.

    Args:
        boxes (Tensor[..., 4]): boxes in ``(x1, y1, x2, y2)`` format.
        size (tuple[int, int]): ``(height, width)`` of the image.

    Returns:
        Tensor[..., 4]: the clipped boxes.

    Example::

        >>> import ember
        >>> from ember.vision.ops import clip_boxes_to_image
        >>> clip_boxes_to_image(ember.tensor([[-2., 3., 12., 30.]]), (20, 10))
        tensor([[ 0.,  3., 10., 20.]])
    """
    dim = boxes.dim()
    boxes_x = boxes[..., 0::2]
    boxes_y = boxes[..., 1::2]
    height, width = size
    boxes_x = boxes_x.clamp(min=0, max=width)
    boxes_y = boxes_y.clamp(min=0, max=height)
    clipped = ember.stack((boxes_x, boxes_y), dim=dim)
    return clipped.reshape(boxes.shape)


def _box_cxcywh_to_xyxy(boxes):
    cx, cy, w, h = boxes.unbind(-1)
    return ember.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def _box_xyxy_to_cxcywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return ember.stack(((x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1), dim=-1)


def _box_xywh_to_xyxy(boxes):
    x, y, w, h = boxes.unbind(-1)
    return ember.stack([x, y, x + w, y + h], dim=-1)


def _box_xyxy_to_xywh(boxes):
    x1, y1, x2, y2 = boxes.unbind(-1)
    return ember.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)


def box_convert(boxes, in_fmt, out_fmt):
    """Convert boxes between the ``'xyxy'`` (corners), ``'xywh'`` (top-left corner, width,
    height) and ``'cxcywh'`` (centre, width, height) formats.

    Args:
        boxes (Tensor[..., 4]): the boxes; any number of leading dims.
        in_fmt (str): format of ``boxes``.
        out_fmt (str): wanted format.

    Returns:
        Tensor[..., 4]: the converted boxes (a copy when the formats are equal).

    Example::

        >>> import ember
        >>> from ember.vision.ops import box_convert
        >>> box_convert(ember.tensor([[1., 2., 4., 6.]]), 'xyxy', 'cxcywh')
        tensor([[2.5000, 4.0000, 3.0000, 4.0000]])
    """
    allowed = _AXIS_ALIGNED + _ROTATED
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}")
    if in_fmt == out_fmt:
        return boxes.clone()
    if in_fmt in _ROTATED or out_fmt in _ROTATED:
        raise ValueError(f"Unsupported Bounding Box Conversions for given in_fmt {in_fmt} and out_fmt {out_fmt}: "
                         "ember supports the axis-aligned formats 'xyxy', 'xywh' and 'cxcywh' only")
    if in_fmt == "xywh":
        boxes = _box_xywh_to_xyxy(boxes)
    elif in_fmt == "cxcywh":
        boxes = _box_cxcywh_to_xyxy(boxes)
    if out_fmt == "xywh":
        boxes = _box_xyxy_to_xywh(boxes)
    elif out_fmt == "cxcywh":
        boxes = _box_xyxy_to_cxcywh(boxes)
    return boxes


def box_area(boxes, fmt="xyxy"):
    """Area of each box.

    Args:
        boxes (Tensor[..., 4]): the boxes.
        fmt (str): ``'xyxy'``, ``'xywh'`` or ``'cxcywh'``. Default: ``'xyxy'``

    Returns:
        Tensor[...]: the areas (integer boxes give int32/int64 areas).

    Example::

        >>> import ember
        >>> from ember.vision.ops import box_area
        >>> box_area(ember.tensor([[0., 0., 2., 3.], [1., 1., 2., 2.]]))
        tensor([6., 1.])
    """
    if fmt not in _AXIS_ALIGNED:
        raise ValueError(f"Unsupported Bounding Box area for given format {fmt}")
    boxes = _upcast(boxes)
    if fmt == "xyxy":
        return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])
    return boxes[..., 2] * boxes[..., 3]


def _box_inter_union(boxes1, boxes2, fmt="xyxy"):
    area1 = box_area(boxes1, fmt=fmt)
    area2 = box_area(boxes2, fmt=fmt)
    if fmt == "xyxy":
        lt = ember.max(boxes1[..., None, :2], boxes2[..., None, :, :2])
        rb = ember.min(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    elif fmt == "xywh":
        lt = ember.max(boxes1[..., None, :2], boxes2[..., None, :, :2])
        rb = ember.min(boxes1[..., None, :2] + boxes1[..., None, 2:],
                       boxes2[..., None, :, :2] + boxes2[..., None, :, 2:])
    else:
        lt = ember.max(boxes1[..., None, :2] - boxes1[..., None, 2:] / 2,
                       boxes2[..., None, :, :2] - boxes2[..., None, :, 2:] / 2)
        rb = ember.min(boxes1[..., None, :2] + boxes1[..., None, 2:] / 2,
                       boxes2[..., None, :, :2] + boxes2[..., None, :, 2:] / 2)
    wh = _upcast(rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area1[..., None] + area2[..., None, :] - inter
    return inter, union


def box_iou(boxes1, boxes2, fmt="xyxy"):
    """Pairwise intersection-over-union (Jaccard index) of two sets of boxes.

    Args:
        boxes1 (Tensor[..., N, 4]): first set of boxes.
        boxes2 (Tensor[..., M, 4]): second set of boxes.
        fmt (str): ``'xyxy'``, ``'xywh'`` or ``'cxcywh'``. Default: ``'xyxy'``

    Returns:
        Tensor[..., N, M]: the IoU of every pair.

    Example::

        >>> import ember
        >>> from ember.vision.ops import box_iou
        >>> box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[1., 0., 3., 2.], [0., 0., 2., 2.]]))
        tensor([[0.3333, 1.0000]])
    """
    if fmt in _AXIS_ALIGNED:
        inter, union = _box_inter_union(boxes1, boxes2, fmt=fmt)
        return inter / union
    raise ValueError(f"Unsupported format '{fmt}'. Supported axis-aligned formats: {_AXIS_ALIGNED}. "
                     f"(ember does not implement the rotated formats {_ROTATED}.)")


def generalized_box_iou(boxes1, boxes2):
    """Pairwise generalized IoU (https://giou.stanford.edu/): IoU minus the fraction of the
    smallest enclosing box not covered by the union.

    Args:
        boxes1 (Tensor[..., N, 4]): first set of boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[..., M, 4]): second set of boxes, ``(x1, y1, x2, y2)``.

    Returns:
        Tensor[..., N, M]: the generalized IoU of every pair, in ``[-1, 1]``.

    Example::

        >>> import ember
        >>> from ember.vision.ops import generalized_box_iou
        >>> generalized_box_iou(ember.tensor([[0., 0., 1., 1.]]), ember.tensor([[2., 0., 3., 1.]]))
        tensor([[-0.3333]])
    """
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    lti = ember.min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = ember.max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    whi = _upcast(rbi - lti).clamp(min=0)
    areai = whi[..., 0] * whi[..., 1]
    return iou - (areai - union) / areai


def _box_diou_iou(boxes1, boxes2, eps=1e-7):
    iou = box_iou(boxes1, boxes2)
    lti = ember.min(boxes1[..., None, :2], boxes2[..., None, :, :2])
    rbi = ember.max(boxes1[..., None, 2:], boxes2[..., None, :, 2:])
    whi = _upcast(rbi - lti).clamp(min=0)
    diagonal_distance_squared = (whi[..., 0] ** 2) + (whi[..., 1] ** 2) + eps
    x_p = (boxes1[..., 0] + boxes1[..., 2]) / 2
    y_p = (boxes1[..., 1] + boxes1[..., 3]) / 2
    x_g = (boxes2[..., 0] + boxes2[..., 2]) / 2
    y_g = (boxes2[..., 1] + boxes2[..., 3]) / 2
    centers_distance_squared = (_upcast(x_p[..., None] - x_g[..., None, :]) ** 2) + (
        _upcast(y_p[..., None] - y_g[..., None, :]) ** 2)
    return iou - (centers_distance_squared / diagonal_distance_squared), iou


def distance_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise distance IoU (https://arxiv.org/abs/1911.08287): IoU minus the squared distance
    of the centres over the squared diagonal of the smallest enclosing box.

    Args:
        boxes1 (Tensor[..., N, 4]): first set of boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[..., M, 4]): second set of boxes, ``(x1, y1, x2, y2)``.
        eps (float): added to the diagonal to avoid division by zero. Default: 1e-7

    Returns:
        Tensor[..., N, M]: the distance IoU of every pair.

    Example::

        >>> import ember
        >>> from ember.vision.ops import distance_box_iou
        >>> distance_box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
        tensor([[1.]])
    """
    boxes1 = _upcast(boxes1)
    boxes2 = _upcast(boxes2)
    diou, _ = _box_diou_iou(boxes1, boxes2, eps=eps)
    return diou


def complete_box_iou(boxes1, boxes2, eps=1e-7):
    """Pairwise complete IoU (https://arxiv.org/abs/1911.08287): distance IoU minus an
    aspect-ratio consistency term ``alpha * v`` (``alpha`` is not differentiated).

    Args:
        boxes1 (Tensor[..., N, 4]): first set of boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[..., M, 4]): second set of boxes, ``(x1, y1, x2, y2)``.
        eps (float): small number to avoid division by zero. Default: 1e-7

    Returns:
        Tensor[..., N, M]: the complete IoU of every pair.

    Example::

        >>> import ember
        >>> from ember.vision.ops import complete_box_iou
        >>> complete_box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[0., 0., 2., 2.]]))
        tensor([[1.]])
    """
    boxes1 = _upcast(boxes1)
    boxes2 = _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w_pred = boxes1[..., None, 2] - boxes1[..., None, 0]
    h_pred = boxes1[..., None, 3] - boxes1[..., None, 1]
    w_gt = boxes2[..., None, :, 2] - boxes2[..., None, :, 0]
    h_gt = boxes2[..., None, :, 3] - boxes2[..., None, :, 1]
    v = (4 / (ember.pi ** 2)) * ember.pow(ember.atan(w_pred / h_pred) - ember.atan(w_gt / h_gt), 2)
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """The ``(x1, y1, x2, y2)`` bounding box of the non-zero pixels of each mask (inclusive
    pixel coordinates); an empty mask gives ``[0, 0, 0, 0]``.

    Args:
        masks (Tensor[N, H, W]): the masks.

    Returns:
        Tensor[N, 4]: float32 boxes.

    Example::

        >>> import ember
        >>> from ember.vision.ops import masks_to_boxes
        >>> m = ember.zeros(1, 5, 6)
        >>> m[0, 1:3, 2:5] = 1
        >>> masks_to_boxes(m)
        tensor([[2., 1., 4., 2.]])
    """
    if masks.numel() == 0:
        return ember.zeros((0, 4), device=masks.device, dtype=ember.float)
    n, h, w = masks.shape
    masks_bool = masks.bool()
    non_zero_rows = ember.any(masks_bool, dim=2)
    non_zero_cols = ember.any(masks_bool, dim=1)
    empty_masks = ~ember.any(non_zero_rows, dim=1)
    rows_f = non_zero_rows.float()
    cols_f = non_zero_cols.float()
    y1 = rows_f.argmax(dim=1)
    x1 = cols_f.argmax(dim=1)
    y2 = (h - 1) - rows_f.flip([1]).argmax(dim=1)
    x2 = (w - 1) - cols_f.flip([1]).argmax(dim=1)
    bounding_boxes = ember.stack([x1, y1, x2, y2], dim=1).float()
    bounding_boxes[empty_masks] = 0
    return bounding_boxes
