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


SHORT_ROW = 1024   # elements: rows shorter than this are walked as whole images


class _Walk:
    """How the batch-norm passes walk (N*C, L) rows: in blocks of ~_CHUNK bytes, split over
    ember's threads, with per-channel values broadcast against each block.

    NOTE: in blocks so that the later passes over a block read it from the cache, with a
    one-block temporary instead of a full-size one: the backward's four passes over
    ResNet's stem activations take 6.4 ms this way, 10.2 ms on whole arrays. Short rows
    (ResNet's 14x14 and 7x7 maps) broadcast badly -- NumPy runs its inner loop once per row
    of L elements, 2x slower than a plain pass for L = 196 -- so there the walk goes over
    whole images and each per-channel value is repeated once into a (C*L,) vector.
    """

    def __init__(self, xp, shape, N, dt):
        R, L = shape
        C = R // max(1, N)
        self.xp, self.dt, self.N, self.L = xp, dt, N, L
        self.per_row = not (L < SHORT_ROW and N * C == R and C)
        self.unit = L if self.per_row else C * L       # elements per walked row
        self.rows = 1 if self.per_row else C           # (R, L) rows per walked row
        self.step = max(1, _CHUNK // max(1, self.unit * np.dtype(dt).itemsize))

    def view(self, a):
        """An (R, L) array as the walked rows: itself, or (N, C*L) whole images."""
        return a if self.per_row else a.reshape(self.N, self.unit)

    def factor(self, v):
        """Per-channel (C,) values broadcastable against a block: (R, 1) or (C*L,)."""
        v = v.astype(self.dt, copy=False)
        return self.xp.tile(v, self.N)[:, None] if self.per_row else self.xp.repeat(v, self.L)

    def run(self, fn, a, work, ntmp=0):
        """``fn(r0, r1, sl, tmps)`` for every block ``r0:r1`` of walked rows (``sl`` slices
        a ``factor`` for it; ``tmps``: ``ntmp`` one-block scratch arrays of the thread).

        The threads take the blocks from one shared iterator (``_parallel.shared``): in a
        training step the passes are short (1-2 ms for ResNet's layers) and with fixed
        halves the caller waited for the late-waking worker every time."""
        step, unit, dt, per_row = self.step, self.unit, self.dt, self.per_row
        v = self.view(a)
        n = v.shape[0]
        blocks = [(r0, min(n, r0 + step)) for r0 in range(0, n, step)]

        def part(it):
            tmps = [self.xp.empty((min(step, n), unit), dtype=dt) for _ in range(ntmp)]
            for r0, r1 in it:
                fn(r0, r1, slice(r0, r1) if per_row else slice(None), tmps)
        _parallel.run(part, _parallel.shared(blocks, len(_parallel.parts_of(v, work))))


def _row_sums(xp, a, b, N, shift=None):
    """Per-row ``(sum(a), sum(a * (b - shift)))`` of two (N*C, L) arrays (``b`` may be
    ``a``: then ``a`` is shifted too); ``shift`` is per channel (C,) or None.

    NOTE: one pass over memory for both sums, and the shifted values are never written out
    whole: a block's sum (a matrix-vector product with ones: faster than a reduction) and
    dot product (BLAS dot: no temporary) read it while it is in the cache. As whole-array
    passes, ResNet's activations (25 MB for the stem) came from memory twice, and a
    centered input (12 of ResNet-18's 20 batch norms at initialisation) was a full-size
    subtraction written and read back.
    """
    R, L = a.shape
    same = a is b
    if xp is not np or a.dtype.kind != "f" or L == 0 or not hasattr(np, "vecdot"):
        if shift is not None:
            b = b - xp.tile(shift, N)[:, None]
            a = b if same else a
        s = a.sum(1) if a.dtype.kind != "f" or L == 0 else xp.matmul(a, xp.ones(L, a.dtype))
        return s, xp.einsum("rl,rl->r", a, b)
    w = _Walk(xp, a.shape, N, a.dtype)
    av, bv = w.view(a), w.view(b)
    sh = None if shift is None else w.factor(shift)
    ones = np.ones(L, dtype=a.dtype)
    sa = np.empty(R, dtype=a.dtype)
    sab = np.empty(R, dtype=np.result_type(a, b))
    k = w.rows

    def block(r0, r1, sl, tmps):
        bb = bv[r0:r1]
        if sh is not None:
            bb = np.subtract(bb, sh[sl], out=tmps[0][:r1 - r0])
        aa = (bb if same else av[r0:r1]).reshape(-1, L)
        np.matmul(aa, ones, out=sa[r0 * k:r1 * k])
        np.vecdot(aa, bb.reshape(-1, L), out=sab[r0 * k:r1 * k])
    w.run(block, a, a.nbytes + (0 if same else b.nbytes), 0 if sh is None else 1)
    return sa, sab


def _per_channel(xp, rowvals, N, C):
    """(N*C,) per-row partial sums -> (C,) float64 totals over the batch."""
    return rowvals.reshape(N, C).sum(0, dtype=np.float64)


def _rows_affine(xp, out, x, N, a, c, y=None, b=None, xs=None, ys=None):
    """out = (x - xs) * a + c (+ (y - ys) * b) for (N*C, L) arrays; a, b, c and the shifts
    xs, ys (or None) are per-channel (C,) values. Blocked and split as ``_Walk``.
    """
    w = _Walk(xp, x.shape, N, out.dtype)
    a, c = w.factor(a), w.factor(c)
    b = None if b is None else w.factor(b)
    xs = None if xs is None else w.factor(xs)
    ys = None if ys is None else w.factor(ys)
    xv, ov = w.view(x), w.view(out)
    yv = None if y is None else w.view(y)
    mul, sub = xp.multiply, xp.subtract

    def block(r0, r1, sl, tmps):
        o = ov[r0:r1]
        if xs is not None:
            mul(sub(xv[r0:r1], xs[sl], out=o), a[sl], out=o)
        else:
            mul(xv[r0:r1], a[sl], out=o)
        if yv is not None:
            t = tmps[0][:r1 - r0]
            if ys is not None:
                mul(sub(yv[r0:r1], ys[sl], out=t), b[sl], out=t)
            else:
                mul(yv[r0:r1], b[sl], out=t)
            o += t
        o += c[sl]
    w.run(block, x, x.nbytes, 0 if y is None else 1)
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
        s1, s2 = _row_sums(xp, x2, x2, N)
        mean = _per_channel(xp, s1, N, C) / n
        var = _per_channel(xp, s2, N, C) / n - mean * mean
        shift = None
        if bool((mean * mean > _CENTER_RATIO * xp.maximum(var, 0)).any()):
            # center first (a large common offset): x - mean(float32), block by block; the
            # corrected two-pass algorithm: the mean again from the centered values (the
            # float32 sums of the offset values were only good to a few ulps of it)
            shift = mean.astype(xd.dtype)
            s1, s2 = _row_sums(xp, x2, x2, N, shift)
            mean_c = _per_channel(xp, s1, N, C) / n
            mean = shift.astype(np.float64) + mean_c
            var = _per_channel(xp, s2, N, C) / n - mean_c * mean_c
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
        _rows_affine(xp, out.reshape(R, -1), x2, N, a, c, xs=shift)
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
        if shift is not None:       # centered (block by block): x - mean(float32), offset ~0
            mu = mean - shift.astype(np.float64)
        s1, s2 = _row_sums(xp, g2, x2, N, shift)
        sg = _per_channel(xp, s1, N, C)                    # sum(g)
        sgxc = _per_channel(xp, s2, N, C) - mu * sg        # sum(g * (x - mean))
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
            _rows_affine(xp, out.reshape(R, -1), g2, N, k, Cc, y=x2, b=B, ys=shift)
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
