"""Convolution primitives: N-d convolution (1-d/2-d/3-d), its two backward ops, im2col/col2im.

Layout: the API is torch's NCHW, but the work is done channels-last. The input is copied once
into a zero-padded (N, *spatial, C) buffer; an ``as_strided`` view of it gives every window as
(N, *out, *kernel, C), which one reshape turns into the column matrix (N*out, kernel*C) for ONE
BLAS matmul. The input gradient (col2im) is a loop of strided adds, one per kernel offset
(never ``np.add.at``).

Three Functions close under differentiation, so double backward exists as in torch:

* ``ConvNd``               y  = conv(x, w) + b
* ``ConvNdBackwardInput``  gx = conv_transpose(g, w)      (also the forward of ConvTranspose)
* ``ConvNdBackwardWeight`` gw = correlate(x, g)

``conf`` everywhere is ``(stride, pads, dilation, groups)`` with ``pads`` a tuple of
``(before, after)`` per spatial dim (asymmetric pads make ``padding='same'`` exact).
"""
import itertools
import sys
import threading

import numpy as np

from .._device import get_xp
from ..autograd.function import Function
from ._common import wrap


def _prod(xs):
    n = 1
    for v in xs:
        n *= v
    return n


def _cl(a):
    """(N, C, *S) -> (N, *S, C) view."""
    nd = a.ndim
    return a.transpose((0,) + tuple(range(2, nd)) + (1,))


def _cf(a):
    """(N, *S, C) -> (N, C, *S) view."""
    nd = a.ndim
    return a.transpose((0, nd - 1) + tuple(range(1, nd - 1)))


_WS = threading.local()
_WS_LIMIT = 1 << 29   # bytes of scratch kept per thread (larger single buffers are not kept)


def _free_refcount():
    bufs = [np.empty(1)]
    for a in bufs:
        return sys.getrefcount(a)


_FREE_REFS = _free_refcount()   # refcount of a cached buffer nobody else holds (same pattern)


def workspace(xp, shape, dtype):
    """A scratch array for a large temporary (e.g. the column matrix), reused across calls.

    NOTE: a fresh multi-MB NumPy array costs page faults that take as long as another pass
    over the data; training loops allocate the same shapes every step, so the buffers are
    kept (per thread) and handed out again once nothing else references them.
    """
    if xp is not np:
        return xp.empty(shape, dtype)    # cupy has its own memory pool
    dtype = np.dtype(dtype)
    cache = getattr(_WS, "cache", None)
    if cache is None:
        cache = _WS.cache = {}
        _WS.nbytes = 0
    key = (tuple(shape), dtype)
    bufs = cache.setdefault(key, [])
    for a in bufs:
        if sys.getrefcount(a) <= _FREE_REFS:    # held only by the cache itself
            return a
    a = np.empty(shape, dtype)
    if (1 << 20) <= a.nbytes <= _WS_LIMIT // 4 and len(bufs) < 8:
        if _WS.nbytes + a.nbytes > _WS_LIMIT:
            cache.clear()
            _WS.nbytes = 0
            cache[key] = bufs = []
        bufs.append(a)
        _WS.nbytes += a.nbytes
    return a


def conv_out_size(n, k, s, lo, hi, d):
    """Output length of a convolution along one dim."""
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def _padded_cl(xp, x, pads):
    """Copy NCHW ``x`` into a zero-padded channels-last buffer (N, *padded, C)."""
    xt = _cl(x)
    if not any(lo or hi for lo, hi in pads):
        return xp.ascontiguousarray(xt)
    sp = xt.shape[1:-1]
    out = xp.zeros((xt.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads))
                   + (xt.shape[-1],), dtype=xt.dtype)
    out[(slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(sp, pads))] = xt
    return out


def im2col_cl(x, ksize, conf, out=None):
    """Columns of ``x`` (raw NCHW array) for a convolution.

    Returns ``(cols, out)``: cols is (N*prod(out), prod(k)*C) for groups == 1, else
    (G, N*prod(out), prod(k)*C/G); the column order is (kernel offsets..., channel).
    """
    stride, pads, dilation, groups = conf
    xp = get_xp(x)
    nd = x.ndim - 2
    N, C = x.shape[:2]
    buf = _padded_cl(xp, x, pads)
    if out is None:
        out = tuple(conv_out_size(x.shape[2 + i], ksize[i], stride[i], pads[i][0], pads[i][1],
                                  dilation[i]) for i in range(nd))
    st = buf.strides
    win = xp.lib.stride_tricks.as_strided(
        buf, shape=(N,) + tuple(out) + tuple(ksize) + (C,),
        strides=(st[0],) + tuple(st[1 + i] * stride[i] for i in range(nd))
        + tuple(st[1 + i] * dilation[i] for i in range(nd)) + (st[-1],))
    M, kk = N * _prod(out), _prod(ksize)
    if groups == 1:
        cols = workspace(xp, (M, kk * C), x.dtype)
        xp.copyto(cols.reshape(win.shape), win)
        return cols, tuple(out)
    cg = C // groups
    cols = win.reshape(M, kk, groups, cg).transpose(2, 0, 1, 3).reshape(groups, M, kk * cg)
    return cols, tuple(out)


def _weight_matrix(w, groups):
    """(O, C/G, *k) -> (prod(k)*C, O) for groups == 1, else (G, prod(k)*C/G, O/G)."""
    nd = w.ndim - 2
    O, cg = w.shape[:2]
    k = w.shape[2:]
    if groups == 1:
        return w.transpose(tuple(range(2, 2 + nd)) + (1, 0)).reshape(_prod(k) * cg, O)
    og = O // groups
    w = w.reshape((groups, og, cg) + k)
    return w.transpose((0,) + tuple(range(3, 3 + nd)) + (2, 1)).reshape(groups, _prod(k) * cg, og)


def _grad_rows(g):
    """Output gradient (N, O, *out) as rows (N*prod(out), O), channels last."""
    return _cl(g).reshape(-1, g.shape[1])


def conv_forward(x, w, b, conf, out=None, keep_cols=False):
    """Raw convolution: returns (y contiguous NCHW, cols or None)."""
    xp = get_xp(x)
    groups = conf[3]
    N = x.shape[0]
    O = w.shape[0]
    cols, out = im2col_cl(x, w.shape[2:], conf, out)
    wm = _weight_matrix(w, groups)
    y = xp.empty((N, O) + out, dtype=x.dtype)
    flat = y.reshape(N, O, -1)
    if groups == 1 and cols.shape[1] < 4 * O:
        # few input channels (first layer): produce (O, N*out) directly, so the move to NCHW
        # copies long contiguous runs instead of transposing channels-last rows
        src = (wm.T @ cols.T).reshape(O, N, -1).transpose(1, 0, 2)
    else:
        r = cols @ wm if groups == 1 else xp.matmul(cols, wm).transpose(1, 0, 2).reshape(-1, O)
        src = r.reshape(N, -1, O).transpose(0, 2, 1)
    if b is not None:        # the bias is added while moving to NCHW (one pass)
        xp.add(src, b.reshape(1, O, 1), out=flat)
    else:
        flat[...] = src
    return y, (cols if keep_cols else None)


def conv_backward_input(g, w, in_spatial, conf, rows=None):
    """Raw input gradient of a convolution (= transposed convolution of ``g``).

    col2im as one small matmul plus one strided add per kernel offset: the (N*out, C) block
    of each offset is computed contiguously and added into its window positions.
    """
    stride, pads, dilation, groups = conf
    xp = get_xp(g)
    N = g.shape[0]
    out = tuple(g.shape[2:])
    nd = len(out)
    k = tuple(w.shape[2:])
    C = w.shape[1] * groups
    if rows is None:
        rows = _grad_rows(g)
    full = tuple(n + lo + hi for n, (lo, hi) in zip(in_spatial, pads))
    gx = xp.zeros((N,) + full + (C,), dtype=g.dtype)
    if groups == 1:
        # (prod(k), O, C): the weight slice of each kernel offset
        wk = w.transpose(tuple(range(2, 2 + nd)) + (0, 1)).reshape(_prod(k), w.shape[0], C)
        tmp = xp.empty((rows.shape[0], C), dtype=g.dtype)
        block = lambda n: xp.matmul(rows, wk[n], out=tmp).reshape(  # noqa: E731
            (N,) + out + (C,))
    else:
        og, cg = w.shape[0] // groups, w.shape[1]
        gg = rows.reshape(-1, groups, og).transpose(1, 0, 2)               # (G, M, og)
        wk = w.reshape((groups, og, cg) + k).transpose(
            tuple(range(3, 3 + nd)) + (0, 1, 2)).reshape((_prod(k), groups, og, cg))
        block = lambda n: xp.matmul(gg, wk[n]).transpose(1, 0, 2).reshape(  # noqa: E731
            (N,) + out + (C,))
    for n, offs in enumerate(itertools.product(*[range(kn) for kn in k])):
        sl = (slice(None),) + tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                                    for o, d, s, m in zip(offs, dilation, stride, out))
        gx[sl] += block(n)
    gx = gx[(slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(in_spatial, pads))]
    return xp.ascontiguousarray(_cf(gx))


def conv_backward_weight(x, g, ksize, conf, cols=None, rows=None):
    """Raw weight gradient of a convolution (cols^T @ rows)."""
    groups = conf[3]
    xp = get_xp(g)
    nd = len(ksize)
    O = g.shape[1]
    if cols is None:
        cols, _ = im2col_cl(x, ksize, conf, out=tuple(g.shape[2:]))
    if rows is None:
        rows = _grad_rows(g)
    if groups == 1:
        C = cols.shape[1] // _prod(ksize)
        gw = (cols.T @ rows).reshape(tuple(ksize) + (C, O))
        return xp.ascontiguousarray(gw.transpose((nd + 1, nd) + tuple(range(nd))))
    og = O // groups
    gg = rows.reshape(-1, groups, og).transpose(1, 0, 2)
    gw = xp.matmul(cols.transpose(0, 2, 1), gg)                  # (G, kk*cg, og)
    cg = gw.shape[1] // _prod(ksize)
    gw = gw.reshape((groups,) + tuple(ksize) + (cg, og))
    gw = gw.transpose((0, nd + 2, nd + 1) + tuple(range(1, nd + 1)))
    return xp.ascontiguousarray(gw.reshape((O, cg) + tuple(ksize)))


def _crop_to(t, spatial):
    """Narrow the spatial dims of tensor ``t`` to ``spatial`` (used after output_padding)."""
    for i, n in enumerate(spatial):
        if t.shape[2 + i] != n:
            t = t.narrow(2 + i, 0, n)
    return t


class ConvNd(Function):
    """y = conv(x, w) + b for 1-, 2- and 3-d spatial inputs (batched, NCHW)."""

    @staticmethod
    def forward(ctx, x, w, b, conf):
        keep = ctx.needs_input_grad[1]
        y, cols = conv_forward(x._data, w._data, None if b is None else b._data, conf,
                               keep_cols=keep)
        ctx.save_for_backward(x, w)
        ctx.conf = conf
        ctx.cols = cols
        return wrap(y, x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        conf = ctx.conf
        nx, nw, nb = ctx.needs_input_grad[:3]
        gx = gw = gb = None
        rows = _grad_rows(g._data) if nx and nw else None   # shared by both products
        if nx:
            gx = ConvNdBackwardInput.apply(g, w, tuple(x.shape[2:]), conf, rows)
        if nw:
            gw = ConvNdBackwardWeight.apply(x, g, tuple(w.shape[2:]), conf, ctx.cols, rows)
        ctx.cols = None
        if nb:
            gb = g.sum((0,) + tuple(range(2, g.ndim)))
        return gx, gw, gb, None


class ConvNdBackwardInput(Function):
    """gx = conv_transpose(g, w): the input gradient of ConvNd, and ConvTranspose's forward."""

    @staticmethod
    def forward(ctx, g, w, in_spatial, conf, rows=None):
        ctx.save_for_backward(g, w)
        ctx.conf = conf
        return wrap(conv_backward_input(g._data, w._data, in_spatial, conf, rows), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        g, w = ctx.saved_tensors
        conf = ctx.conf
        ng, nw = ctx.needs_input_grad[:2]
        out = tuple(g.shape[2:])
        dg = _crop_to(ConvNd.apply(gg, w, None, conf), out) if ng else None
        dw = ConvNdBackwardWeight.apply(gg, g, tuple(w.shape[2:]), conf) if nw else None
        return dg, dw, None, None, None


class ConvNdBackwardWeight(Function):
    """gw = correlate(x, g): the weight gradient of ConvNd."""

    @staticmethod
    def forward(ctx, x, g, ksize, conf, cols=None, rows=None):
        ctx.save_for_backward(x, g)
        ctx.conf = conf
        return wrap(conv_backward_weight(x._data, g._data, ksize, conf, cols, rows), g._dtype)

    @staticmethod
    def backward(ctx, ggw):
        x, g = ctx.saved_tensors
        conf = ctx.conf
        nx, ng = ctx.needs_input_grad[:2]
        dx = ConvNdBackwardInput.apply(g, ggw, tuple(x.shape[2:]), conf) if nx else None
        dg = _crop_to(ConvNd.apply(x, ggw, None, conf), tuple(g.shape[2:])) if ng else None
        return dx, dg, None, None, None, None


# --------------------------------------------------------------------------- unfold / fold


def _unfold_raw(x, ksize, dilation, padding, stride):
    """(N, C, H, W) -> (N, C*kh*kw, L), torch's im2col order (channel, kh, kw)."""
    xp = get_xp(x)
    N, C, H, W = x.shape
    (ph, pw) = padding
    if ph or pw:
        buf = xp.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=x.dtype)
        buf[:, :, ph:ph + H, pw:pw + W] = x
    else:
        buf = x
    oh = conv_out_size(H, ksize[0], stride[0], ph, ph, dilation[0])
    ow = conv_out_size(W, ksize[1], stride[1], pw, pw, dilation[1])
    st = buf.strides
    win = xp.lib.stride_tricks.as_strided(
        buf, shape=(N, C, ksize[0], ksize[1], oh, ow),
        strides=(st[0], st[1], st[2] * dilation[0], st[3] * dilation[1], st[2] * stride[0],
                 st[3] * stride[1]))
    out = win.reshape(N, C * ksize[0] * ksize[1], oh * ow)
    return out.copy() if xp.may_share_memory(out, x) else out


def _fold_raw(cols, output_size, ksize, dilation, padding, stride):
    """(N, C*kh*kw, L) -> (N, C, H, W), summing overlapping values (col2im)."""
    xp = get_xp(cols)
    N = cols.shape[0]
    kh, kw = ksize
    H, W = output_size
    ph, pw = padding
    oh = conv_out_size(H, kh, stride[0], ph, ph, dilation[0])
    ow = conv_out_size(W, kw, stride[1], pw, pw, dilation[1])
    C = cols.shape[1] // (kh * kw)
    c = cols.reshape(N, C, kh, kw, oh, ow)
    out = xp.zeros((N, C, H + 2 * ph, W + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dilation[0]: i * dilation[0] + stride[0] * (oh - 1) + 1: stride[0],
                j * dilation[1]: j * dilation[1] + stride[1] * (ow - 1) + 1: stride[1]] += \
                c[:, :, i, j]
    return xp.ascontiguousarray(out[:, :, ph:ph + H, pw:pw + W])


class Im2Col(Function):
    """torch.nn.functional.unfold on a batched 4-D input."""

    @staticmethod
    def forward(ctx, x, ksize, dilation, padding, stride):
        ctx.args = (tuple(x.shape[2:]), ksize, dilation, padding, stride)
        return wrap(_unfold_raw(x._data, ksize, dilation, padding, stride), x._dtype)

    @staticmethod
    def backward(ctx, g):
        size, ksize, dilation, padding, stride = ctx.args
        return Col2Im.apply(g, size, ksize, dilation, padding, stride), None, None, None, None


class Col2Im(Function):
    """torch.nn.functional.fold on a batched 3-D input."""

    @staticmethod
    def forward(ctx, cols, output_size, ksize, dilation, padding, stride):
        ctx.args = (ksize, dilation, padding, stride)
        return wrap(_fold_raw(cols._data, output_size, ksize, dilation, padding, stride),
                    cols._dtype)

    @staticmethod
    def backward(ctx, g):
        ksize, dilation, padding, stride = ctx.args
        return Im2Col.apply(g, ksize, dilation, padding, stride), None, None, None, None, None
