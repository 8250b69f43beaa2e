"""``roi_align`` / ``RoIAlign`` (Mask R-CNN, https://arxiv.org/abs/1703.06870).

Each output bin averages ``grid_h x grid_w`` bilinear samples of the feature map, exactly as
torchvision's CPU kernel places them (a sample outside ``[-1, size]`` counts as zero; samples
are clamped to the map). Bilinear sampling is separable, so for one RoI the whole output is
``Wy @ X[b] @ Wx.T / count`` with ``Wy`` (``PH x H``) and ``Wx`` (``PW x W``) holding the summed
sample weights of every bin. The forward is two matrix products per image, the backward their
transpose (the exact adjoint, like torchvision's scatter kernel), and the backward of the
backward is the forward again.
"""
import numpy as np

import ember
from ember import nn
from ember._device import get_xp
from ember.autograd.function import Function
from ember.ops._common import wrap
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format

__all__ = ["roi_align", "RoIAlign"]


def _pair(x):
    if isinstance(x, (list, tuple)):
        if len(x) == 1:
            return (int(x[0]), int(x[0]))
        return tuple(int(v) for v in x)
    return (int(x), int(x))


def _axis_weights(xp, start, bin_size, grid, pooled, size, dtype):
    """``W[k, p, i]``: the summed bilinear weight of map row/column ``i`` over the samples of
    bin ``p`` of RoI ``k`` (zero for samples outside ``[-1, size]``)."""
    K = start.shape[0]
    G = max(int(grid.max()) if K else 1, 1)
    safe_grid = xp.maximum(grid, 1).astype(dtype)
    p = xp.arange(pooled, dtype=dtype)
    i = xp.arange(G)
    coord = (start[:, None, None] + p[None, :, None] * bin_size[:, None, None]
             + (i[None, None, :] + 0.5).astype(dtype) * bin_size[:, None, None] / safe_grid[:, None, None])
    valid = (i[None, None, :] < grid[:, None, None]) & (coord >= -1.0) & (coord <= size)
    c = xp.maximum(coord, 0)
    c = xp.where(xp.isfinite(c), c, 0)
    low = xp.floor(c).astype(np.int64)
    edge = low >= size - 1
    low = xp.where(edge, size - 1, low)
    high = xp.where(edge, size - 1, low + 1)
    c = xp.where(edge, low.astype(dtype), c)
    lw = (c - low).astype(dtype)
    hw = (1 - lw).astype(dtype)
    base = (xp.arange(K)[:, None, None] * pooled + xp.arange(pooled)[None, :, None]) * size
    idx = xp.concatenate([(base + low)[valid], (base + high)[valid]])
    wts = xp.concatenate([hw[valid], lw[valid]]).astype(np.float64)
    W = xp.bincount(idx, weights=wts, minlength=K * pooled * size)
    return W.reshape(K, pooled, size).astype(dtype)


class _Plan:
    """The per-RoI weight matrices and the RoIs grouped by image."""

    def __init__(self, xp, in_shape, rois, spatial_scale, ph, pw, sampling_ratio, aligned):
        dtype = rois.dtype
        N, C, H, W = in_shape
        offset = 0.5 if aligned else 0.0
        ss = dtype.type(spatial_scale)
        start_w = rois[:, 1] * ss - dtype.type(offset)
        start_h = rois[:, 2] * ss - dtype.type(offset)
        end_w = rois[:, 3] * ss - dtype.type(offset)
        end_h = rois[:, 4] * ss - dtype.type(offset)
        rw = end_w - start_w
        rh = end_h - start_h
        if not aligned:
            rw = xp.maximum(rw, dtype.type(1))
            rh = xp.maximum(rh, dtype.type(1))
        bin_h = rh / dtype.type(ph)
        bin_w = rw / dtype.type(pw)
        if sampling_ratio > 0:
            gh = xp.full(rois.shape[0], sampling_ratio, dtype=np.int64)
            gw = gh
        else:
            gh = xp.ceil(rh / dtype.type(ph)).astype(np.int64)
            gw = xp.ceil(rw / dtype.type(pw)).astype(np.int64)
        self.count = xp.maximum(gh * gw, 1).astype(dtype)
        self.wy = _axis_weights(xp, start_h, bin_h, gh, ph, H, dtype)
        self.wx = _axis_weights(xp, start_w, bin_w, gw, pw, W, dtype)
        batch = rois[:, 0].astype(np.int64)
        batch_host = batch.get() if xp is not np else batch
        self.groups = [(int(b), xp.asarray(np.nonzero(batch_host == b)[0])) for b in np.unique(batch_host)]
        self.in_shape, self.ph, self.pw = in_shape, ph, pw

    def forward(self, xp, x):
        N, C, H, W = self.in_shape
        K = self.wy.shape[0]
        out = xp.zeros((K, C, self.ph, self.pw), dtype=x.dtype)
        for b, sel in self.groups:
            wy, wx = self.wy[sel], self.wx[sel]
            k = wy.shape[0]
            t = wy.reshape(k * self.ph, H) @ x[b].transpose(1, 0, 2).reshape(H, C * W)
            t = t.reshape(k, self.ph, C, W).transpose(0, 2, 1, 3)
            out[sel] = t @ wx.transpose(0, 2, 1)[:, None]
        return out / self.count[:, None, None, None]

    def backward(self, xp, g):
        N, C, H, W = self.in_shape
        gi = xp.zeros(self.in_shape, dtype=g.dtype)
        g = g / self.count[:, None, None, None]
        for b, sel in self.groups:
            wy, wx = self.wy[sel], self.wx[sel]
            k = wy.shape[0]
            a = g[sel] @ wx[:, None]  # [k, C, PH, W]
            a = a.transpose(0, 2, 1, 3).reshape(k * self.ph, C * W)
            gi[b] += (wy.reshape(k * self.ph, H).T @ a).reshape(H, C, W).transpose(1, 0, 2)
        return gi


class _RoIAlignFn(Function):
    @staticmethod
    def forward(ctx, input, plan):
        ctx.plan = plan
        xp = get_xp(input._data)
        return wrap(plan.forward(xp, input._data), input._dtype)

    @staticmethod
    def backward(ctx, g):
        return _RoIAlignBackwardFn.apply(g, ctx.plan), None


class _RoIAlignBackwardFn(Function):
    @staticmethod
    def forward(ctx, g, plan):
        ctx.plan = plan
        xp = get_xp(g._data)
        return wrap(plan.backward(xp, g._data), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        return _RoIAlignFn.apply(gg, ctx.plan), None


def _check_roi_inputs(input, rois, name):
    if input.dim() != 4:
        raise RuntimeError(f"{name}: input must be a 4-D (N, C, H, W) tensor, got {input.dim()}-D")
    if input.dtype != rois.dtype:
        raise RuntimeError(f"{name}: input should have the same type as rois "
                           f"(got {input.dtype} and {rois.dtype})")
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: expected a floating point input, got {input.dtype}")
    if input.device != rois.device:
        raise RuntimeError(f"{name}: input and rois must be on the same device, got {input.device} and {rois.device}")


def roi_align(input, boxes, output_size, spatial_scale=1.0, sampling_ratio=-1, aligned=False):
    """Region-of-interest align: bilinearly sample and average-pool each box of ``boxes`` from
    the feature map ``input`` into an ``output_size`` grid. Differentiable w.r.t. ``input``.

    Args:
        input (Tensor[N, C, H, W]): the feature maps.
        boxes (Tensor[K, 5] or list[Tensor[L, 4]]): boxes ``(x1, y1, x2, y2)`` in input-image
            coordinates; as one tensor, the first column is the index of the image in the batch;
            as a list, one tensor per image.
        output_size (int or tuple[int, int]): ``(height, width)`` of each pooled output.
        spatial_scale (float): scale from box coordinates to feature-map coordinates (e.g.
            ``1/16`` for a stride-16 map). Default: 1.0
        sampling_ratio (int): samples per bin along each axis; ``<= 0`` samples
            ``ceil(roi_size / output_size)`` points (adaptive). Default: -1
        aligned (bool): shift the box by -0.5 pixel so samples line up with pixel centres
            (RoIAlign v2); ``False`` keeps the legacy behaviour. Default: False

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]: the pooled features.

    Example::

        >>> import ember
        >>> from ember.vision.ops import roi_align
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> roi_align(x, [ember.tensor([[0., 0., 2., 2.]])], output_size=1, aligned=True)
        tensor([[[[2.5000]]]])
    """
    check_roi_boxes_shape(boxes)
    rois = boxes
    ph, pw = _pair(output_size)
    if not isinstance(rois, ember.Tensor):
        rois = convert_boxes_to_roi_format(rois)
    _check_roi_inputs(input, rois, "roi_align_forward_kernel")
    xp = get_xp(input._data)
    plan = _Plan(xp, tuple(input.shape), rois.detach()._data, spatial_scale, ph, pw, int(sampling_ratio),
                 bool(aligned))
    return _RoIAlignFn.apply(input, plan)


class RoIAlign(nn.Module):
    """Module form of :func:`roi_align`.

    Args:
        output_size (int or tuple[int, int]): ``(height, width)`` of each pooled output.
        spatial_scale (float): scale from box to feature-map coordinates.
        sampling_ratio (int): samples per bin along each axis; ``<= 0`` for adaptive.
        aligned (bool): shift boxes by -0.5 pixel. Default: False

    Example::

        >>> import ember
        >>> from ember.vision.ops import RoIAlign
        >>> m = RoIAlign((2, 2), spatial_scale=0.5, sampling_ratio=2)
        >>> m
        RoIAlign(output_size=(2, 2), spatial_scale=0.5, sampling_ratio=2, aligned=False)
        >>> m(ember.randn(1, 3, 8, 8), ember.tensor([[0., 0., 0., 8., 8.]])).shape
        torch.Size([1, 3, 2, 2])
    """

    def __init__(self, output_size, spatial_scale, sampling_ratio, aligned=False):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):
        return roi_align(input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned)

    def __repr__(self):
        return (f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale}, "
                f"sampling_ratio={self.sampling_ratio}, aligned={self.aligned})")
