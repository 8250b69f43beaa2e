"""Normalization primitive: ``(x - mean) / sqrt(var + eps) * weight + bias`` over given axes.

One fused Function serves batch norm (axes N and spatial, per-channel affine), layer norm
(trailing axes, elementwise affine), instance norm (spatial axes) and group norm (after a
reshape). NOTE: fused because the composed form costs ~10 passes over the activations and its
backward twice that; the fused backward is the classic three-reduction formula

    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)),  gxhat = g * weight

computed on raw arrays. When a graph of the backward is wanted (``create_graph=True``) the
same quantities are recomputed with ember ops from the saved input, so double backward works.

Training-mode batch norm of float32/float64 inputs has its own Function, ``BatchNorm``, with
fewer passes over memory still (BLAS row sums / dot products for the statistics, and a
backward on the saved input: see its NOTE and docs/performance.md).
"""
import numpy as np

from .. import _parallel
from .._device import get_xp
from ..autograd.function import Function
from ..autograd.grad_mode import STATE
from ._common import wrap


def _stats(xp, x, axes):
    """(mean, biased var, x - mean, a scratch array) with keepdims, in x's float dtype."""
    mean = xp.mean(x, axis=axes, keepdims=True)
    xc = x - mean
    sq = xp.multiply(xc, xc)
    var = xp.mean(sq, axis=axes, keepdims=True)
    return mean, var, xc, sq


class Normalize(Function):
    """Normalize ``x`` over ``axes`` and apply an optional affine map.

    ``weight``/``bias`` (or None) are reshaped to ``param_shape`` (broadcastable to x).
    Returns ``(out, mean, var)``; mean/var (biased, keepdims) are non-differentiable.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, axes, param_shape, eps):
        xp = get_xp(x._data)
        data = x._data
        mean, var, xhat, out = _stats(xp, data, axes)
        invstd = 1.0 / xp.sqrt(var + data.dtype.type(eps))
        xhat *= invstd                       # in place: xc becomes xhat
        # NOTE: in-place steps into two full-size buffers; each fresh temporary would cost
        # about as much as the arithmetic itself
        if weight is not None:
            xp.multiply(xhat, weight._data.reshape(param_shape), out=out)
        else:
            out[...] = xhat
        if bias is not None:
            out += bias._data.reshape(param_shape)
        ctx.save_for_backward(x, weight, bias)
        ctx.raw = (xhat, invstd)
        ctx.meta = (axes, param_shape, eps)
        m, v = wrap(mean, x._dtype), wrap(var, x._dtype)
        ctx.mark_non_differentiable(m, v)
        return wrap(out, x._dtype), m, v

    @staticmethod
    def backward(ctx, g, _gm=None, _gv=None):
        x, weight, bias = ctx.saved_tensors
        axes, param_shape, eps = ctx.meta
        nx, nw, nb = ctx.needs_input_grad[:3]
        if STATE.enabled:   # create_graph: a differentiable recomputation
            return _backward_composed(x, weight, bias, g, axes, param_shape, eps, nx, nw, nb)
        xhat, invstd = ctx.raw
        xp = get_xp(g._data)
        gd = g._data
        paxes = tuple(i for i, s in enumerate(param_shape) if s == 1)
        w = weight._data.reshape(param_shape) if weight is not None else None
        gx = gw = gb = None
        if nb:
            gb = wrap(xp.sum(gd, axis=paxes).reshape(bias.shape), bias._dtype)
        tmp = xp.multiply(gd, xhat)                          # g * xhat
        if nw:
            gw = wrap(xp.sum(tmp, axis=paxes).reshape(weight.shape), weight._dtype)
        if nx:
            if w is not None:
                tmp *= w                                     # gxhat * xhat
                gxh = gd * w
            else:
                gxh = gd
            m1 = xp.mean(gxh, axis=axes, keepdims=True)
            m2 = xp.mean(tmp, axis=axes, keepdims=True)
            xp.multiply(xhat, m2, out=tmp)
            xp.subtract(gxh, tmp, out=tmp)
            tmp -= m1
            tmp *= invstd
            gx = wrap(tmp, x._dtype)
        return gx, gw, gb, None, None, None


# --------------------------------------------------------------------------- batch norm

# Uncentered statistics (E[x^2] - mean^2, sum(g*x) - mean*sum(g)) are used while
# mean^2 <= _CENTER_RATIO * var: their float32 rounding is then within a few units of the
# centered sums'. Beyond it (a large common offset) the input is centered first.
_CENTER_RATIO = 4.0
_CHUNK = 1 << 18        # bytes of a row block in the elementwise passes (stays in L2)


def _rowdot(xp, a, b):
    """Per-row dot products of two (R, L) arrays (BLAS dot: one read of each, no temporary)."""
    if xp is np and hasattr(np, "vecdot"):
        ps = _parallel.parts_of(a, a.nbytes)
        if len(ps) == 1:
            return np.vecdot(a, b)
        out = np.empty(a.shape[0], dtype=np.result_type(a, b))
        _parallel.run(lambda r0, r1: np.vecdot(a[r0:r1], b[r0:r1], out=out[r0:r1]), ps)
        return out
    return xp.einsum("rl,rl->r", a, b)


def _rowsum(xp, a):
    """Per-row sums of an (R, L) array (matrix-vector product: faster than a reduction)."""
    if a.dtype.kind == "f" and a.shape[1] > 0:
        ones = xp.ones(a.shape[1], dtype=a.dtype)
        ps = _parallel.parts_of(a, a.nbytes)
        if len(ps) == 1:
            return xp.matmul(a, ones)
        out = np.empty(a.shape[0], dtype=a.dtype)
        _parallel.run(lambda r0, r1: np.matmul(a[r0:r1], ones, out=out[r0:r1]), ps)
        return out
    return a.sum(1)


def _per_channel(xp, rowvals, N, C):
    """(N*C,) per-row partial sums -> (C,) float64 totals over the batch."""
    return rowvals.reshape(N, C).sum(0, dtype=np.float64)


SHORT_ROW = 1024   # elements: rows shorter than this use per-image factor vectors


def _rows_affine(xp, out, x, N, a, c, y=None, b=None):
    """out = x * a + c (+ y * b) for (N*C, L) arrays; a, b, c are per-channel (C,) factors.

    NOTE: done in blocks of ~_CHUNK bytes so the later passes over a block read it from the
    cache, with a one-block temporary instead of a full-size one: the backward's four passes
    over ResNet's stem activations take 6.4 ms this way, 10.2 ms on whole arrays (the
    forward's two: the same either way). Short rows (ResNet's 14x14 and 7x7 maps) broadcast
    badly -- NumPy runs its inner loop once per row of L elements, 2x slower than a plain
    pass for L = 196 -- so there each factor is repeated once into a (C*L,) vector and the
    passes run over whole images. Large arrays split over ember's threads.
    """
    R, L = x.shape
    C = R // max(1, N)
    dt = out.dtype
    per_row = not (L < SHORT_ROW and N * C == R and C)   # factors sliced with the rows
    if not per_row:
        rep = lambda v: xp.repeat(v.astype(dt, copy=False), L)    # noqa: E731  (C*L,)
        a, c = rep(a), rep(c)
        b = None if b is None else rep(b)
        x, out = x.reshape(N, C * L), out.reshape(N, C * L)
        y = None if y is None else y.reshape(N, C * L)
        unit = C * L
    else:
        rep = lambda v: xp.tile(v.astype(dt, copy=False), N)[:, None]   # noqa: E731  (R, 1)
        a, c = rep(a), rep(c)
        b = None if b is None else rep(b)
        unit = L
    step = max(1, _CHUNK // max(1, unit * x.itemsize))

    def part(p0, p1):
        tmp = None if y is None else xp.empty((min(step, p1 - p0), unit), dtype=dt)
        for r0 in range(p0, p1, step):
            r1 = min(p1, r0 + step)
            sl = slice(r0, r1) if per_row else slice(None)
            o = out[r0:r1]
            xp.multiply(x[r0:r1], a[sl], out=o)
            if y is not None:
                t = tmp[:r1 - r0]
                xp.multiply(y[r0:r1], b[sl], out=t)
                o += t
            o += c[sl]
    _parallel.run(part, _parallel.parts_of(x, x.nbytes))
    return out


class BatchNorm(Function):
    """Training-mode batch norm of (N, C, *) ``x``: batch statistics per channel, affine map.

    Returns ``(out, mean, var)``: mean and biased var of shape (C,), non-differentiable.

    NOTE: fused and written for few passes over memory (``Normalize`` makes ~7 passes
    forward and ~15 backward). Forward: per-row sums and sums of squares (two BLAS passes,
    float32 per row, float64 across the batch), then ``out = x * a + c`` per channel.
    Backward needs only ``sum(g)`` and ``sum(g * x)`` per channel and computes
    ``gx = A g + B x + C`` (the classic three-reduction formula rewritten on the saved
    input, so no normalised copy is kept from forward to backward). When the mean is large
    against the spread (``_CENTER_RATIO``) the uncentered sums would cancel, so the input
    is centered first (forward and backward) and the mean corrected from the centered
    values; either way the result is as close to float64 as torch's or closer.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        xp = get_xp(x._data)
        xd = x._data
        N, C = xd.shape[:2]
        R = N * C
        x2 = xp.ascontiguousarray(xd).reshape(R, -1)
        n = x2.shape[1] * N
        mean = _per_channel(xp, _rowsum(xp, x2), N, C) / n
        var = _per_channel(xp, _rowdot(xp, x2, x2), N, C) / n - mean * mean
        shift = None
        if bool((mean * mean > _CENTER_RATIO * xp.maximum(var, 0)).any()):
            shift = mean.astype(xd.dtype)           # center first (a large common offset)
            x2 = x2 - xp.tile(shift, N)[:, None]
            # the corrected two-pass algorithm: the mean again from the centered values
            # (the float32 sums of the offset values were only good to a few ulps of it)
            mean_c = _per_channel(xp, _rowsum(xp, x2), N, C) / n
            mean = shift.astype(np.float64) + mean_c
            var = _per_channel(xp, _rowdot(xp, x2, x2), N, C) / n - mean_c * mean_c
        else:
            mean_c = mean
        var = xp.maximum(var, 0)
        invstd = 1.0 / xp.sqrt(var + eps)
        a = invstd if weight is None else invstd * weight._data.astype(np.float64)
        c = -mean_c * a
        if bias is not None:
            c = c + bias._data
        dt = xd.dtype
        out = xp.empty(xd.shape, dtype=dt)
        _rows_affine(xp, out.reshape(R, -1), x2, N, a, c)
        ctx.save_for_backward(x, weight, bias)
        ctx.raw = (mean, invstd, shift)
        ctx.eps = eps
        m, v = wrap(mean.astype(dt), x._dtype), wrap(var.astype(dt), x._dtype)
        ctx.mark_non_differentiable(m, v)
        return wrap(out, x._dtype), m, v

    @staticmethod
    def backward(ctx, g, _gm=None, _gv=None):
        x, weight, bias = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad[:3]
        if STATE.enabled:   # create_graph: a differentiable recomputation
            nd = x.ndim
            axes = (0,) + tuple(range(2, nd))
            pshape = (1, x.shape[1]) + (1,) * (nd - 2)
            return _backward_composed(x, weight, bias, g, axes, pshape, ctx.eps,
                                      nx, nw, nb)[:3] + (None,)
        mean, invstd, shift = ctx.raw
        xp = get_xp(g._data)
        xd = x._data
        N, C = xd.shape[:2]
        R = N * C
        dt = xd.dtype
        x2 = xp.ascontiguousarray(xd).reshape(R, -1)
        g2 = xp.ascontiguousarray(g._data).reshape(R, -1)
        n = x2.shape[1] * N
        mu = mean
        if shift is not None:                      # centered: x - mean(float32), offset ~0
            x2 = x2 - xp.tile(shift, N)[:, None]
            mu = mean - shift.astype(np.float64)
        sg = _per_channel(xp, _rowsum(xp, g2), N, C)                 # sum(g)
        sgxc = _per_channel(xp, _rowdot(xp, g2, x2), N, C) - mu * sg  # sum(g * (x - mean))
        gx = gw = gb = None
        if nb:
            gb = wrap(sg.astype(dt).reshape(bias.shape), bias._dtype)
        if nw:
            gw = wrap((sgxc * invstd).astype(dt).reshape(weight.shape), weight._dtype)
        if nx:
            k = invstd if weight is None else invstd * weight._data.astype(np.float64)
            B = -k * invstd * invstd * sgxc / n
            Cc = -k * sg / n - B * mu
            out = xp.empty(xd.shape, dtype=dt)
            _rows_affine(xp, out.reshape(R, -1), g2, N, k, Cc, y=x2, b=B)
            gx = wrap(out, x._dtype)
        return gx, gw, gb, None


def _backward_composed(x, weight, bias, g, axes, param_shape, eps, nx, nw, nb):
    mean = x.mean(axes, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(axes, keepdim=True)
    invstd = (var + eps).rsqrt()
    xhat = xc * invstd
    paxes = tuple(i for i, s in enumerate(param_shape) if s == 1)
    gx = gw = gb = None
    if nw:
        gw = (g * xhat).sum(paxes).reshape(weight.shape)
    if nb:
        gb = g.sum(paxes).reshape(bias.shape)
    if nx:
        gxh = g * weight.reshape(param_shape) if weight is not None else g
        m1 = gxh.mean(axes, keepdim=True)
        m2 = (gxh * xhat).mean(axes, keepdim=True)
        gx = (gxh - m1 - xhat * m2) * invstd
    return gx, gw, gb, None, None, None


def unbiased(var, n):
    """Biased -> unbiased variance (n samples), as batch norm's running_var update uses."""
    return var * (n / max(n - 1, 1))
