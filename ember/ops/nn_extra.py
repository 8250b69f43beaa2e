"""Primitives for fractional max pooling and torch's legacy CrossMapLRN2d.

Fractional max pooling (Graham, 2014) places one ``kernel``-sized window per output position at
pseudo-random start offsets: along a dim of input size ``n``, output size ``o`` and pool size
``k`` the starts are, for a sample ``u`` in [0, 1)::

    alpha = (n - k) / (o - 1)
    start[i] = int((i + u) * alpha) - int(u * alpha)      (i < o - 1)
    start[o - 1] = n - k

computed in the input's floating dtype, exactly as torch does, so the same ``_random_samples``
give the same windows. The winner of each window is the first maximum in row-major window order
(a NaN always wins; the last NaN when there are several, as torch's loop does). Its flat spatial
index is what ``return_indices`` returns.

The pool is then a gather at those indices (``FractionalMaxPool2D`` / ``3D``); its gradient is a
scatter-add (``IndexScatter``, overlapping windows accumulate) whose own gradient is the gather
again, so double backward works as in torch.
"""
import numpy as np

from .._device import get_xp
from ..autograd.function import Function, once_differentiable
from ._common import wrap


# --------------------------------------------------------------------------- fractional pooling


def fractional_starts(xp, samples, n, o, k):
    """torch's generate_intervals for a batch of samples (any shape): int64 starts, (..., o)."""
    dt = samples.dtype
    starts = xp.empty(samples.shape + (o,), dtype=np.int64)
    if o > 1:
        alpha = dt.type(dt.type(n - k) / dt.type(o - 1))  # a NumPy scalar: weak for CuPy
        i = xp.arange(o - 1, dtype=dt)
        u = samples[..., None]
        first = xp.trunc(((i + u).astype(dt) * alpha).astype(dt))
        base = xp.trunc((u * alpha).astype(dt))
        starts[..., :o - 1] = (first - base).astype(np.int64)
    if o > 0:
        starts[..., o - 1] = n - k
    return xp.clip(starts, 0, n - k)


def fractional_indices(x, samples, kernel, out_size):
    """Flat spatial indices (N, C, *out_size) of each window's maximum.

    Args:
        x: input array (N, C, *S). samples: array (>= N, C, nd) in x's dtype, ``samples[..., d]``
            driving dim ``d`` in torch's order (2-D: width then height; 3-D: time, height,
            width). kernel, out_size: tuples of nd ints.
    """
    xp = get_xp(x)
    N, C = x.shape[:2]
    in_sp = x.shape[2:]
    nd = len(kernel)
    order = (1, 0) if nd == 2 else tuple(range(nd))  # which sample column drives dim d
    samples = samples[:N]
    strides = [int(np.prod(in_sp[d + 1:], dtype=np.int64)) for d in range(nd)]
    K = int(np.prod(kernel))
    flat = xp.zeros((N, C) + tuple(out_size) + tuple(kernel), dtype=np.int64)
    for d in range(nd):
        st = fractional_starts(xp, samples[..., order[d]], in_sp[d], out_size[d], kernel[d])
        pos = st[..., :, None] + xp.arange(kernel[d])  # (N, C, o_d, k_d)
        shape = [N, C] + [1] * (2 * nd)
        shape[2 + d] = out_size[d]
        shape[2 + nd + d] = kernel[d]
        flat = flat + pos.reshape(shape) * strides[d]
    L = int(np.prod(in_sp, dtype=np.int64))
    flat = flat.reshape((N, C) + tuple(out_size) + (K,))
    n_out = int(np.prod(out_size, dtype=np.int64)) * K
    vals = xp.take_along_axis(x.reshape(N, C, L), flat.reshape(N, C, n_out), 2).reshape(flat.shape)
    arg = xp.argmax(vals, axis=-1)
    if vals.dtype.kind in "fc":
        nan = xp.isnan(vals)
        last_nan = K - 1 - xp.argmax(nan[..., ::-1], axis=-1)
        arg = xp.where(nan.any(-1), last_nan, arg)
    return xp.take_along_axis(flat, arg[..., None], -1)[..., 0]


def _gather_raw(x, idx):
    xp = get_xp(x)
    N, C = x.shape[:2]
    L = int(np.prod(x.shape[2:], dtype=np.int64))
    n_out = int(np.prod(idx.shape[2:], dtype=np.int64))
    return xp.take_along_axis(x.reshape(N, C, L), idx.reshape(N, C, n_out), 2).reshape(idx.shape)


def _scatter_raw(g, idx, in_shape):
    xp = get_xp(g)
    N, C = in_shape[:2]
    L = int(np.prod(in_shape[2:], dtype=np.int64))
    offs = (xp.arange(N * C, dtype=np.int64) * L).reshape(N, C, *([1] * (idx.ndim - 2)))
    flat = (idx + offs).ravel()
    out = xp.bincount(flat, weights=g.ravel().astype(np.float64), minlength=N * C * L)
    return out[:N * C * L].reshape(in_shape)


class IndexGather(Function):
    """``out[n, c, j] = x[n, c, idx[n, c, j]]`` over flattened spatial dims."""

    @staticmethod
    def forward(ctx, x, idx):
        ctx.idx, ctx.in_shape = idx, x._data.shape
        return wrap(_gather_raw(x._data, idx), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return IndexScatter.apply(g, ctx.idx, ctx.in_shape), None


class IndexScatter(Function):
    """Scatter-add of ``g`` at ``idx`` into zeros of ``in_shape`` (IndexGather's gradient)."""

    @staticmethod
    def forward(ctx, g, idx, in_shape):
        ctx.idx = idx
        return wrap(_scatter_raw(g._data, idx, in_shape), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        return IndexGather.apply(gg, ctx.idx), None, None


class FractionalMaxPool2D(IndexGather):
    """2-D fractional max pooling as a gather at precomputed window maxima."""


class FractionalMaxPool3D(IndexGather):
    """3-D fractional max pooling as a gather at precomputed window maxima."""


# --------------------------------------------------------------------------- CrossMapLRN2d


def _cross_map_window(C, size):
    """Membership matrix M (C, C): scale[c] = sum_j M[c, j] * x[j]^2, by torch's running sum.

    torch's legacy loop adds channel ``c + pre_pad - 1`` and removes ``c - pre_pad`` only when
    ``c > pre_pad``, so its windows are not quite centred; replaying it keeps the values equal.
    """
    pre_pad = int((size - 1) / 2 + 1)
    M = np.zeros((C, C))
    M[0, :min(pre_pad, C)] = 1
    for c in range(1, C):
        M[c] = M[c - 1]
        if c < C - pre_pad + 1:
            M[c, c + pre_pad - 1] += 1
        if c > pre_pad:
            M[c, c - pre_pad] -= 1
    return M


class CrossMapLRN2d(Function):
    """torch.nn.CrossMapLRN2d's function on (N, C, H, W): forward and torch's backward."""

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        xd = x._data
        xp = get_xp(xd)
        C = xd.shape[1]
        M = xp.asarray(_cross_map_window(C, size).astype(xd.dtype))
        sq = xd * xd
        scale = xp.einsum("cj,njhw->nchw", M, sq) * (alpha / size) + k
        out = xp.power(scale, -beta) * xd
        ctx.save_for_backward(x)
        ctx.scale, ctx.out = scale, out
        ctx.args = (size, alpha, beta)
        return wrap(out, x._dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        xd, gd = x._data, g._data
        xp = get_xp(xd)
        size, alpha, beta = ctx.args
        scale, out = ctx.scale, ctx.out
        N, C = xd.shape[:2]
        # torch: ratio = g * out / scale placed in a zero-padded channel axis at offset
        # inversePrePad; channel c accumulates padded[c : c + size]
        inv_pre = int(size - (size - 1) / 2)
        ratio = gd * out / scale
        padded = xp.zeros((N, C + size - 1) + xd.shape[2:], dtype=xd.dtype)
        hi = min(inv_pre + C, C + size - 1)
        padded[:, inv_pre:hi] = ratio[:, :hi - inv_pre]
        csum = xp.concatenate([xp.zeros_like(padded[:, :1]), xp.cumsum(padded, axis=1)], 1)
        acc = csum[:, size:size + C] - csum[:, :C]
        gx = xp.power(scale, -beta) * gd - (2 * alpha * beta / size) * xd * acc
        return wrap(gx, g._dtype), None, None, None, None
