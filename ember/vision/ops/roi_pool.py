"""``roi_pool`` / ``RoIPool`` (Fast R-CNN, https://arxiv.org/abs/1504.08083).

Follows torchvision's CPU kernel: box corners are scaled and rounded, each output bin takes
the maximum over its (integer) window (the first maximum wins, NaN never wins, an empty bin
gives 0), and backward routes each output gradient to its argmax.
"""
import numpy as np

import ember
from ember import nn
from ember._device import get_xp
from ember.autograd.function import Function
from ember.ops._common import wrap
from ._utils import check_roi_boxes_shape, convert_boxes_to_roi_format
from .roi_align import _check_roi_inputs, _pair

__all__ = ["roi_pool", "RoIPool"]

_LOWEST = -np.finfo(np.float32).max  # the kernel's -FLT_MAX start value


def _roi_pool_raw(x, rois, spatial_scale, ph, pw):
    """Output [K, C, PH, PW] and flat argmax (``h * W + w`` within the image, -1 if none)."""
    N, C, H, W = x.shape
    K = rois.shape[0]
    out = np.zeros((K, C, ph, pw), dtype=x.dtype)
    arg = np.full((K, C, ph, pw), -1, dtype=np.int64)
    ss = rois.dtype.type(spatial_scale)
    for k in range(K):
        b = int(rois[k, 0])
        # std::round: halves away from zero
        sw, sh, ew, eh = (int(np.copysign(np.floor(abs(v) + 0.5), v)) for v in rois[k, 1:] * ss)
        rw = max(ew - sw + 1, 1)
        rh = max(eh - sh + 1, 1)
        bh = rois.dtype.type(rh) / rois.dtype.type(ph)
        bw = rois.dtype.type(rw) / rois.dtype.type(pw)
        for i in range(ph):
            hs = min(max(int(np.floor(rois.dtype.type(i) * bh)) + sh, 0), H)
            he = min(max(int(np.ceil(rois.dtype.type(i + 1) * bh)) + sh, 0), H)
            for j in range(pw):
                ws = min(max(int(np.floor(rois.dtype.type(j) * bw)) + sw, 0), W)
                we = min(max(int(np.ceil(rois.dtype.type(j + 1) * bw)) + sw, 0), W)
                if he <= hs or we <= ws:
                    continue
                win = x[b, :, hs:he, ws:we].reshape(C, -1)
                win = np.where(np.isnan(win), -np.inf, win)
                a = np.argmax(win, axis=1)
                m = win[np.arange(C), a]
                ok = m > _LOWEST
                out[k, :, i, j] = np.where(ok, m, _LOWEST)
                flat = (hs + a // (we - ws)) * W + ws + a % (we - ws)
                arg[k, :, i, j] = np.where(ok, flat, -1)
    return out, arg


class _RoIPoolFn(Function):
    @staticmethod
    def forward(ctx, input, rois, spatial_scale, ph, pw):
        xp = get_xp(input._data)
        x, r = input._data, rois._data
        if xp is not np:
            x, r = x.get(), r.get()
        out, arg = _roi_pool_raw(x, r, spatial_scale, ph, pw)
        batch = r[:, 0].astype(np.int64)
        ctx.in_shape = tuple(input.shape)
        ctx.arg = xp.asarray(arg)
        ctx.batch = xp.asarray(batch)
        return wrap(xp.asarray(out), input._dtype)

    @staticmethod
    def backward(ctx, g):
        return _RoIPoolBackwardFn.apply(g, ctx.arg, ctx.batch, ctx.in_shape), None, None, None, None


class _RoIPoolBackwardFn(Function):
    @staticmethod
    def forward(ctx, g, arg, batch, in_shape):
        ctx.arg, ctx.batch = arg, batch
        xp = get_xp(g._data)
        N, C, H, W = in_shape
        ok = arg >= 0
        chan = xp.arange(C)[None, :, None, None]
        idx = ((batch[:, None, None, None] * C + chan) * (H * W) + arg)[ok]
        gi = xp.bincount(idx, weights=g._data[ok].astype(np.float64), minlength=N * C * H * W)
        return wrap(gi.reshape(in_shape), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        xp = get_xp(gg._data)
        K, C, ph, pw = ctx.arg.shape
        N, _, H, W = gg.shape
        ok = ctx.arg >= 0
        chan = xp.arange(C)[None, :, None, None]
        flat = (ctx.batch[:, None, None, None] * C + chan) * (H * W) + xp.where(ok, ctx.arg, 0)
        picked = gg.reshape(-1)[wrap(flat.reshape(-1))]
        mask = wrap(ok.reshape(-1).astype(gg.dtype.np), gg.dtype)
        return (picked * mask).reshape(K, C, ph, pw), None, None, None


def roi_pool(input, boxes, output_size, spatial_scale=1.0):
    """Region-of-interest max pooling: max-pool each box of ``boxes`` from the feature map
    ``input`` into an ``output_size`` grid. Differentiable w.r.t. ``input``.

    Args:
        input (Tensor[N, C, H, W]): the feature maps.
        boxes (Tensor[K, 5] or list[Tensor[L, 4]]): boxes ``(x1, y1, x2, y2)``; as one tensor,
            the first column is the image index; as a list, one tensor per image.
        output_size (int or tuple[int, int]): ``(height, width)`` of each pooled output.
        spatial_scale (float): scale from box coordinates to feature-map coordinates.
            Default: 1.0

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]: the pooled features.

    Example::

        >>> import ember
        >>> from ember.vision.ops import roi_pool
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> roi_pool(x, ember.tensor([[0., 0., 0., 3., 3.]]), output_size=2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    check_roi_boxes_shape(boxes)
    rois = boxes
    ph, pw = _pair(output_size)
    if not isinstance(rois, ember.Tensor):
        rois = convert_boxes_to_roi_format(rois)
    _check_roi_inputs(input, rois, "roi_pool_forward_kernel")
    return _RoIPoolFn.apply(input, rois.detach(), float(spatial_scale), ph, pw)


class RoIPool(nn.Module):
    """Module form of :func:`roi_pool`.

    Args:
        output_size (int or tuple[int, int]): ``(height, width)`` of each pooled output.
        spatial_scale (float): scale from box to feature-map coordinates.

    Example::

        >>> import ember
        >>> from ember.vision.ops import RoIPool
        >>> m = RoIPool((2, 2), spatial_scale=1.0)
        >>> m
        RoIPool(output_size=(2, 2), spatial_scale=1.0)
        >>> m(ember.randn(1, 3, 8, 8), [ember.tensor([[0., 0., 7., 7.]])]).shape
        torch.Size([1, 3, 2, 2])
    """

    def __init__(self, output_size, spatial_scale):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self):
        return f"{self.__class__.__name__}(output_size={self.output_size}, spatial_scale={self.spatial_scale})"
