"""ember.vision.ops: torchvision.ops on ember tensors.

Box utilities (``box_iou`` & co, ``box_convert``, ``nms``, ``batched_nms``), detection losses
(``sigmoid_focal_loss``, the GIoU/DIoU/CIoU losses), ``roi_align`` / ``roi_pool`` with their
modules, ``stochastic_depth`` and the layers of ``torchvision.ops.misc``.

Not implemented yet: deformable convolution, position-sensitive RoI ops (``ps_roi_*``),
``MultiScaleRoIAlign``, ``FeaturePyramidNetwork``, DropBlock and rotated-box formats.

Example::

    >>> import ember
    >>> from ember.vision import ops
    >>> ops.box_iou(ember.tensor([[0., 0., 2., 2.]]), ember.tensor([[1., 1., 3., 3.]]))
    tensor([[0.1429]])
"""
from .boxes import (batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image, complete_box_iou,
                    distance_box_iou, generalized_box_iou, masks_to_boxes, nms, remove_small_boxes)
from .ciou_loss import complete_box_iou_loss
from .diou_loss import distance_box_iou_loss
from .focal_loss import sigmoid_focal_loss
from .giou_loss import generalized_box_iou_loss
from .misc import MLP, Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, Permute, SqueezeExcitation
from .roi_align import RoIAlign, roi_align
from .roi_pool import RoIPool, roi_pool
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = [
    "masks_to_boxes", "nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image", "box_convert",
    "box_area", "box_iou", "generalized_box_iou", "distance_box_iou", "complete_box_iou",
    "roi_align", "RoIAlign", "roi_pool", "RoIPool", "sigmoid_focal_loss", "stochastic_depth",
    "StochasticDepth", "FrozenBatchNorm2d", "Conv2dNormActivation", "Conv3dNormActivation",
    "SqueezeExcitation", "MLP", "Permute", "generalized_box_iou_loss", "distance_box_iou_loss",
    "complete_box_iou_loss",
]
