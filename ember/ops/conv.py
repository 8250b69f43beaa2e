"""Convolution primitives: N-d convolution (1-d/2-d/3-d), its two backward ops, im2col/col2im.

Layout: the API is torch's NCHW (outputs are contiguous NCHW, so ``.view`` works on them as
in torch), but the work is done on column matrices fed to ONE BLAS matmul per chunk:

* channels last (the default): the input is copied once into a zero-padded (N, *spatial, C)
  buffer; an ``as_strided`` view gives every window as (N, *out, *kernel, C), and a reshape
  copy turns a chunk of images into the column matrix (n*out, kernel*C);
* channels first (few input channels, e.g. an RGB first layer): torch's unfold layout
  (n, C*kernel, out), multiplied as (O, C*kernel) @ (n, C*kernel, out), which writes NCHW
  directly; the bias rides along as a row of ones.

Pointwise (1x1, unpadded) convolutions need no columns: ``(O, C) @ (C, L)`` per image on the
(strided) NCHW input. Columns are built a chunk of images at a time (``_chunks``: about 1 MB,
so they are written and read back from the cache; an image with more columns than that is
split into blocks of output rows, ``_blocks``) and never kept from forward to backward: the
weight gradient rebuilds them chunk by chunk. The input gradient of a stride-1 convolution is itself a
convolution (of the gradient, with the flipped kernel); otherwise it is col2im: one matmul
per chunk and one strided add per kernel offset (never ``np.add.at``).
Measured speed-ups and the reasoning: ``docs/performance.md``.

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

from .. import _parallel
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
    if (1 << 16) <= a.nbytes <= _WS_LIMIT // 4 and len(bufs) < 8:
        if _WS.nbytes + a.nbytes > _WS_LIMIT:
            cache.clear()
            _WS.nbytes = 0
            cache[key] = bufs = []
        bufs.append(a)
        _WS.nbytes += a.nbytes
    return a


def _contig(xp, a):
    """C-contiguous ``a``; a large NumPy copy is split over ember's threads."""
    return _parallel.contiguous(a) if xp is np else xp.ascontiguousarray(a)


def conv_out_size(n, k, s, lo, hi, d):
    """Output length of a convolution along one dim."""
    return (n + lo + hi - d * (k - 1) - 1) // s + 1


def _padded_cl(xp, x, pads):
    """Copy NCHW ``x`` into a zero-padded channels-last buffer (N, *padded, C)."""
    xt = _cl(x)
    if not any(lo or hi for lo, hi in pads):
        return xp.ascontiguousarray(xt)
    sp = xt.shape[1:-1]
    out = xp.empty((xt.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads))
                   + (xt.shape[-1],), dtype=xt.dtype)
    # zero only the border slabs (a zero fill of the whole buffer is another pass over it)
    inner = [slice(None)] * len(sp)
    for i, (n, (lo, hi)) in enumerate(zip(sp, pads)):
        for sl in (slice(0, lo), slice(lo + n, lo + n + hi)):
            if sl.stop > sl.start:
                out[(slice(None),) + tuple(inner[:i]) + (sl,)] = 0
        inner[i] = slice(lo, lo + n)
    out[(slice(None),) + tuple(inner)] = xt
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


def _weight_rows(w):
    """(O, C, *k) -> (O, prod(k)*C) contiguous, rows in channels-last column order.

    NOTE: ``.T`` of this is the (K, O) matrix the channels-last columns multiply (BLAS takes
    the transposed operand as is). Built this way the copy moves runs of prod(k) values per
    output channel; building (K, O) directly walks ``w`` with a stride of C*prod(k) values
    and took 7 ms for a 512x512x3x3 kernel (1 ms this way).
    """
    nd = w.ndim - 2
    xp = get_xp(w)
    return _contig(xp, w.transpose((0,) + tuple(range(2, 2 + nd)) + (1,))).reshape(
        w.shape[0], -1)


SMALL_WEIGHT = 1 << 16  # elements: below it the weight matrices are laid out as (K, O)


def _weight_cols(w):
    """The (K, O) weight matrix the channels-last columns multiply.

    NOTE: large kernels: the transposed view of ``_weight_rows`` (no strided copy); small
    ones (SimpleCNN): a C-ordered copy, which OpenBLAS multiplies ~5% faster when the
    column blocks are small.
    """
    wm = _weight_rows(w).T
    return get_xp(w).ascontiguousarray(wm) if wm.size < SMALL_WEIGHT else wm


def _grad_rows(g):
    """Output gradient (N, O, *out) as rows (N*prod(out), O), channels last."""
    return _cl(g).reshape(-1, g.shape[1])


def _grad_rows_all(g):
    """``_grad_rows`` of a whole batch, the copy split over ember's threads."""
    ps = _parallel.parts_of(g, g.nbytes)
    if len(ps) == 1:
        return _grad_rows(g)
    N, O = g.shape[:2]
    L = _prod(g.shape[2:])
    rows = np.empty((N * L, O), dtype=g.dtype)
    _parallel.run(lambda n0, n1: np.copyto(
        rows[n0 * L:n1 * L].reshape((n1 - n0,) + g.shape[2:] + (O,)), _cl(g[n0:n1])), ps)
    return rows


def _use_channels_first(C, ksize, out, groups):
    """Pick the convolution layout: channels-first (torch's unfold) or channels-last columns.

    NOTE: the channels-last column copy moves runs of ``kw*C`` contiguous values, the
    channels-first one runs of ``out_w``; the channels-first matmul also writes NCHW directly
    (no transpose of the output). With few input channels (the first layer: C = 1 or 3) the
    channels-first layout wins clearly (SimpleCNN conv1 forward: 5 ms vs 12 ms); from C ~ 16
    up the long channels-last runs win.
    """
    return groups == 1 and C * ksize[-1] < CF_MAX_RUN and len(out) > 0 and out[-1] >= 8


CF_MAX_RUN = 32         # channels-first when a channels-last run (kw*C) would be shorter
CHUNK_BYTES = 1 << 20   # column-matrix bytes per chunk of images (stays in the L2 cache)
MIN_BLOCK_POSITIONS = 448   # output positions per block when an image is split (``_blocks``)


def _chunks(N, bytes_per_image, weight_bytes=0):
    """(start, stop) image ranges whose column matrix takes about CHUNK_BYTES.

    NOTE: building the whole column matrix (52 MB for SimpleCNN's second conv) and then
    multiplying streams it through memory twice; built a chunk at a time it is written and
    read back from the cache. In a training step (caches cold from the other layers) this
    makes a conv ~30% faster, and backward rebuilds the cheap chunks instead of keeping the
    whole matrix alive from forward to backward. Every chunk re-reads the weight matrix, so
    a chunk is never smaller than twice the weights (ResNet's last stage: 9 MB of weights
    against 0.9 MB of columns per image; 1 MB chunks made it 30% slower).
    """
    nb = max(1, min(N, max(CHUNK_BYTES, 2 * weight_bytes) // max(1, bytes_per_image)))
    return [(n0, min(N, n0 + nb)) for n0 in range(0, N, nb)], nb


def _blocks(N, out, bytes_per_pos, weight_bytes=0):
    """Chunks of output positions ``(n0, n1, r0, r1)``: images n0:n1, rows r0:r1 of the first
    output spatial dim, whose column matrix takes about CHUNK_BYTES (as ``_chunks``).

    Returns ``(blocks, max_positions)``. Whole images are grouped while one image's columns
    fit; a larger image is split along its first spatial dim.

    NOTE: ResNet's 56x56 3x3 layers have 7 MB of columns per image, so one image per chunk
    streamed them through memory; in blocks of output rows they stay in L2 (the matmul is as
    fast down to ~450 rows).
    """
    inner = _prod(out[1:])
    per_image = bytes_per_pos * _prod(out)
    target = max(CHUNK_BYTES, 2 * weight_bytes)
    if per_image <= target or out[0] <= 1:
        chunks, nb = _chunks(N, per_image, weight_bytes)
        return [(n0, n1, 0, out[0]) for n0, n1 in chunks], nb * _prod(out)
    # at least ~448 positions per block (smaller matmuls lose speed), blocks of equal size
    rb = max(target // max(1, bytes_per_pos * inner), -(-MIN_BLOCK_POSITIONS // max(1, inner)))
    nblocks = -(-out[0] // max(1, rb))
    rb = -(-out[0] // nblocks)
    return ([(n, n + 1, r0, min(out[0], r0 + rb)) for n in range(N)
             for r0 in range(0, out[0], rb)], rb * inner)


def _windows_cf(x, ksize, conf, out):
    """(N, C, *k, *out) strided view of zero-padded NCHW ``x``: every window, channels first."""
    stride, pads, dilation, _ = conf
    xp = get_xp(x)
    nd = x.ndim - 2
    if any(lo or hi for lo, hi in pads):
        buf = xp.zeros(x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in
                                           zip(x.shape[2:], pads)), dtype=x.dtype)
        buf[(slice(None), slice(None)) + tuple(slice(lo, lo + n) for n, (lo, _) in
                                               zip(x.shape[2:], pads))] = x
    else:
        buf = x
    st = buf.strides
    return xp.lib.stride_tricks.as_strided(
        buf, shape=x.shape[:2] + tuple(ksize) + tuple(out),
        strides=(st[0], st[1]) + tuple(st[2 + i] * dilation[i] for i in range(nd))
        + tuple(st[2 + i] * stride[i] for i in range(nd)))


def _windows_cl(x, ksize, conf, out):
    """(N, *out, *k, C) strided view of a zero-padded channels-last copy of NCHW ``x``."""
    stride, pads, dilation, _ = conf
    xp = get_xp(x)
    nd = x.ndim - 2
    buf = _padded_cl(xp, x, pads)
    st = buf.strides
    return xp.lib.stride_tricks.as_strided(
        buf, shape=(x.shape[0],) + tuple(out) + tuple(ksize) + (x.shape[1],),
        strides=(st[0],) + tuple(st[1 + i] * stride[i] for i in range(nd))
        + tuple(st[1 + i] * dilation[i] for i in range(nd)) + (st[-1],))


def _out_size(x, k, conf):
    stride, pads, dilation, _ = conf
    return tuple(conv_out_size(x.shape[2 + i], k[i], stride[i], pads[i][0], pads[i][1],
                               dilation[i]) for i in range(len(k)))


def _pointwise(ksize, conf):
    """A 1x1 (pointwise) convolution: groups 1, every kernel size 1, no padding."""
    stride, pads, dilation, groups = conf
    return groups == 1 and all(k == 1 for k in ksize) and not any(lo or hi for lo, hi in pads)


def _subsample(x, stride, out):
    """The positions a pointwise convolution reads: (N, C, prod(out)), a view for stride 1."""
    sl = tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out, stride))
    return x[(slice(None), slice(None)) + sl].reshape(x.shape[:2] + (_prod(out),))


def conv_forward(x, w, b, conf, out=None):
    """Raw convolution of NCHW ``x`` with ``w`` (+ ``b``): returns y, contiguous NCHW.

    Columns are built and multiplied a chunk of images at a time (see ``_chunks``); large
    batches are split over ember's threads by images (``ember._parallel``).
    """
    xp = get_xp(x)
    N, C = x.shape[:2]
    O = w.shape[0]
    k = tuple(w.shape[2:])
    out = tuple(out) if out is not None else _out_size(x, k, conf)
    y = xp.empty((N, O) + out, dtype=x.dtype)
    ps = _parallel.parts_of(x, N * _prod(out) * O * (C // conf[3]) * _prod(k))
    if len(ps) == 1:
        return _conv_forward(x, w, b, conf, out, y)
    wm = _weight_cols(w) if conf[3] == 1 and not _pointwise(k, conf) \
        and not _use_channels_first(C, k, out, 1) else None       # built once, shared
    _parallel.run(lambda n0, n1: _conv_forward(x[n0:n1], w, b, conf, out, y[n0:n1], wm), ps)
    return y


def _conv_forward(x, w, b, conf, out, y, wm=None):
    """``conv_forward`` of one range of images into ``y`` (contiguous NCHW); ``wm``: the
    channels-last weight matrix when the caller built it already."""
    xp = get_xp(x)
    groups = conf[3]
    N, C = x.shape[:2]
    O = w.shape[0]
    k = tuple(w.shape[2:])
    L = _prod(out)
    K = C // groups * _prod(k)
    if _pointwise(k, conf):
        # NOTE: (O, C) @ (C, L) per image reads NCHW as it is and writes NCHW: no columns, no
        # transposes (ResNet's stride-2 downsample: 4.0 -> 1.4 ms; stride 1: 23 -> 9 ms)
        flat = xp.matmul(w.reshape(O, C), _subsample(x, conf[0], out), out=y.reshape(N, O, L))
        if b is not None:
            flat += b.reshape(1, O, 1)
        return y
    if groups == 1 and not _use_channels_first(C, k, out, groups):
        return _conv_cl(x, _weight_cols(w) if wm is None else wm, k, b, conf, out, y)
    flat = y.reshape(N, O, L)
    if groups != 1:
        cols, _ = im2col_cl(x, k, conf, out)
        r = xp.matmul(cols, _weight_matrix(w, groups)).transpose(1, 0, 2).reshape(N, L, O)
        if b is not None:
            xp.add(r.transpose(0, 2, 1), b.reshape(1, O, 1), out=flat)
        else:
            flat[...] = r.transpose(0, 2, 1)
        return y
    # channels first: batched matmul (O, K) @ (n, K, L) writes NCHW directly; the bias rides
    # along as an extra column of the weight matrix against a row of ones in the columns
    win = _windows_cf(x, k, conf, out)
    extra = 0 if b is None else 1
    blocks, npos = _blocks(N, out, (K + extra) * x.itemsize, w.nbytes)
    inner = _prod(out[1:])
    cols = workspace(xp, ((K + extra) * npos,), x.dtype)
    wm = w.reshape(O, K)
    if b is not None:
        wm = xp.concatenate([wm, b.reshape(O, 1)], axis=1)
    for n0, n1, r0, r1 in blocks:
        lb = (r1 - r0) * inner
        c = cols[:(n1 - n0) * (K + extra) * lb].reshape(n1 - n0, K + extra, lb)
        wb = win[(slice(n0, n1),) + (slice(None),) * (1 + len(k)) + (slice(r0, r1),)]
        xp.copyto(c[:, :K].reshape(wb.shape), wb)                  # split axes: a view
        if b is not None:
            c[:, K] = 1
        xp.matmul(wm, c, out=flat[n0:n1, :, r0 * inner:r1 * inner])
    return y


def _conv_cl(x, wm, k, b, conf, out, y=None):
    """Channels-last convolution of NCHW ``x`` with the (K, O) weight matrix ``wm`` (rows in
    (kernel offsets..., channel) order, any strides): (n*L, K) @ (K, O) per chunk, then moved
    to NCHW (adding the bias on the way). Returns y (or fills the given contiguous NCHW
    ``y``)."""
    xp = get_xp(x)
    N = x.shape[0]
    K, O = wm.shape
    L = _prod(out)
    if y is None:
        y = xp.empty((N, O) + tuple(out), dtype=x.dtype)
    flat = y.reshape(N, O, L)
    win = _windows_cl(x, k, conf, out)
    blocks, rows = _blocks(N, out, K * x.itemsize, wm.nbytes)
    cols = workspace(xp, (rows, K), x.dtype)
    res = workspace(xp, (rows, O), x.dtype)
    inner = _prod(out[1:])
    for n0, n1, r0, r1 in blocks:
        wb = win[n0:n1, r0:r1]
        m = (n1 - n0) * (r1 - r0) * inner
        xp.copyto(cols[:m].reshape(wb.shape), wb)
        src = xp.matmul(cols[:m], wm, out=res[:m]).reshape(n1 - n0, -1, O).transpose(0, 2, 1)
        dst = flat[n0:n1, :, r0 * inner:r1 * inner]
        if b is not None:
            xp.add(src, b.reshape(1, O, 1), out=dst)
        else:
            dst[...] = src
    return y


def _transposed_as_conv(w, in_spatial, out, conf):
    """For stride 1: the conf under which conv_transpose(g, w) is a plain convolution of ``g``
    with the flipped, in/out-swapped kernel, or None when that does not apply."""
    stride, pads, dilation, groups = conf
    if groups != 1 or any(s != 1 for s in stride):
        return None
    k = w.shape[2:]
    new_pads = []
    for n, o, kk, (lo, _), d in zip(in_spatial, out, k, pads, dilation):
        nlo = d * (kk - 1) - lo
        nhi = n - o + lo               # so that the output length is exactly n
        if nlo < 0 or nhi < 0:
            return None
        new_pads.append((nlo, nhi))
    return (stride, tuple(new_pads), dilation, 1)


def conv_backward_input(g, w, in_spatial, conf, rows=None):
    """Raw input gradient of a convolution (= transposed convolution of ``g``).

    * stride 1: a convolution of the gradient with the flipped, in/out-swapped kernel (one
      im2col and one large matmul per chunk);
    * otherwise col2im, a chunk of images at a time: one matmul gives every kernel offset's
      contribution, then one strided add per offset scatters them into the padded input
      (channels first for few input channels, else channels last — as in ``conv_forward``).

    Large batches are split over ember's threads by images (``ember._parallel``).
    """
    N = g.shape[0]
    L = _prod(g.shape[2:])
    ps = _parallel.parts_of(g, N * L * _prod(w.shape))
    if len(ps) == 1:
        return _conv_backward_input(g, w, in_spatial, conf, rows)
    gx = np.empty((N, w.shape[1] * conf[3]) + tuple(in_spatial), dtype=g.dtype)
    shared = _parallel.Shared()     # the rearranged weight, built once for all parts
    # an empty batch builds it here, before the split (its copy then splits too) instead of
    # in the first part while the others wait
    _conv_backward_input(g[:0], w, in_spatial, conf, None, gx[:0], shared)
    _parallel.run(lambda n0, n1: _conv_backward_input(
        g[n0:n1], w, in_spatial, conf, None if rows is None else rows[n0 * L:n1 * L],
        gx[n0:n1], shared), ps)
    return gx


def _into(xp, a, into):
    """``a`` (any layout) as a new C-contiguous array, or copied into ``into`` when the
    caller gave a destination (one copy either way)."""
    if into is None:
        return xp.ascontiguousarray(a)
    into[...] = a
    return into


def _conv_backward_input(g, w, in_spatial, conf, rows=None, into=None, shared=None):
    """``conv_backward_input`` of one range of images (into ``into`` when given); ``shared``
    (``ember._parallel.Shared``) keeps the rearranged weight the parts of a split share."""
    stride, pads, dilation, groups = conf
    xp = get_xp(g)
    N, O = g.shape[:2]
    out = tuple(g.shape[2:])
    build = _parallel.Shared.build if shared is None else shared.get
    nd = len(out)
    k = tuple(w.shape[2:])
    C = w.shape[1] * groups
    L = _prod(out)
    K = C // groups * _prod(k)
    in_spatial = tuple(in_spatial)
    full = tuple(n + lo + hi for n, (lo, hi) in zip(in_spatial, pads))
    offsets = list(itertools.product(*[range(kn) for kn in k]))

    def window(offs):      # where kernel offset ``offs`` of every output lands in the input
        return tuple(slice(o * d, o * d + s * (m - 1) + 1, s)
                     for o, d, s, m in zip(offs, dilation, stride, out))

    interior = tuple(slice(lo, lo + n) for n, (lo, _) in zip(in_spatial, pads))
    if _pointwise(k, conf):
        # (C, O) @ (O, L) per image, NCHW in and out; stride > 1 leaves the skipped positions 0
        if all(st == 1 for st in stride) and out == in_spatial:
            gs = xp.matmul(w.reshape(O, C).T, g.reshape(N, O, L),
                           out=None if into is None else into.reshape(N, C, L))
            return gs.reshape((N, C) + in_spatial)
        gs = xp.matmul(w.reshape(O, C).T, g.reshape(N, O, L))
        gx = xp.zeros((N, C) + in_spatial, dtype=g.dtype) if into is None else into
        if into is not None:
            gx[...] = 0
        gx[(slice(None), slice(None)) + tuple(slice(0, (o - 1) * st + 1, st) for o, st in
                                              zip(out, stride))] = gs.reshape((N, C) + out)
        return gx
    cf = _use_channels_first(C, k, in_spatial, groups)
    tconf = _transposed_as_conv(w, in_spatial, out, conf)
    if tconf is not None and not cf:
        flip = (slice(None, None, -1),) * nd
        if _use_channels_first(O, k, in_spatial, 1):
            wf = w.swapaxes(0, 1)[(slice(None), slice(None)) + flip]
            if into is None:
                into = xp.empty((N, C) + in_spatial, dtype=g.dtype)
            wf = build("wf", lambda: _contig(xp, wf))
            return _conv_forward(g, wf, None, tconf, in_spatial, into)
        # the flipped, in/out-swapped kernel's (K, C) matrix, rows (kernel offsets..., O),
        # built from the channels-last weight rows (runs of C values):
        # NOTE: straight from w (O, C, *k) the copy gathers runs of prod(k) values: 3.5 ms
        # for a 512x512x3x3 kernel, against 1.4 + 0.9 ms this way (one thread)
        wm = build("wm", lambda: _contig(xp, _weight_rows(w).reshape(
            (O,) + k + (C,))[(slice(None),) + flip].transpose(
                tuple(range(1, 1 + nd)) + (0, nd + 1))))
        return _conv_cl(g, wm.reshape(-1, C), k, None, tconf, in_spatial, into)
    if N == 0:
        return _into(xp, xp.zeros((N, C) + in_spatial, dtype=g.dtype), into)
    if groups == 1 and cf:
        gx = xp.zeros((N, C) + full, dtype=g.dtype)
        g3 = g.reshape(N, O, L)
        wt = w.reshape(O, K).T
        chunks, nb = _chunks(N, K * L * g.itemsize, w.nbytes)
        cols = workspace(xp, (nb, K, L), g.dtype)
        for n0, n1 in chunks:
            c = xp.matmul(wt, g3[n0:n1], out=cols[:n1 - n0]).reshape((n1 - n0, C) + k + out)
            for offs in offsets:
                gx[(slice(n0, n1), slice(None)) + window(offs)] += \
                    c[(slice(None), slice(None)) + offs]
        return _into(xp, gx[(slice(None), slice(None)) + interior], into)
    if groups == 1:
        gx = xp.zeros((N,) + full + (C,), dtype=g.dtype)
        wt = build("wt", lambda: _weight_rows(w))                        # (O, K)
        chunks, nb = _chunks(N, K * L * g.itemsize, w.nbytes)
        cols = workspace(xp, (nb * L, K), g.dtype)
        for n0, n1 in chunks:
            m = (n1 - n0) * L
            r = rows[n0 * L:n1 * L] if rows is not None else _grad_rows(g[n0:n1])
            c = xp.matmul(r, wt, out=cols[:m]).reshape((n1 - n0,) + out + k + (C,))
            for offs in offsets:
                gx[(slice(n0, n1),) + window(offs)] += \
                    c[(slice(None),) * (1 + nd) + offs]
        return _into(xp, _cf(gx[(slice(None),) + interior]), into)
    # groups > 1: one (G, M, og) @ (og, cg) product per kernel offset, added in place
    if rows is None:
        rows = _grad_rows(g)
    gx = xp.zeros((N,) + full + (C,), dtype=g.dtype)
    og, cg = O // groups, w.shape[1]
    gg = rows.reshape(-1, groups, og).transpose(1, 0, 2)                   # (G, M, og)
    wk = w.reshape((groups, og, cg) + k).transpose(
        tuple(range(3, 3 + nd)) + (0, 1, 2)).reshape((_prod(k), groups, og, cg))
    for n, offs in enumerate(offsets):
        gx[(slice(None),) + window(offs)] += \
            xp.matmul(gg, wk[n]).transpose(1, 0, 2).reshape((N,) + out + (C,))
    return _into(xp, _cf(gx[(slice(None),) + interior]), into)


def conv_backward_weight(x, g, ksize, conf, rows=None):
    """Raw weight gradient of a convolution: columns^T @ output-gradient rows.

    The columns of ``x`` are rebuilt a chunk of images at a time (as in ``conv_forward``)
    and each chunk's product is accumulated. Large batches are split over ember's threads
    by images; the per-range sums are added in range order (the same result every run).
    """
    N = g.shape[0]
    L = _prod(g.shape[2:])
    ps = _parallel.parts_of(g, N * L * g.shape[1] * x.shape[1] // conf[3] * _prod(ksize))
    if len(ps) == 1:
        return _conv_backward_weight(x, g, ksize, conf, rows)
    res = [None] * len(ps)

    def part(i, n0, n1):
        res[i] = _conv_backward_weight(x[n0:n1], g[n0:n1], ksize, conf,
                                       None if rows is None else rows[n0 * L:n1 * L], raw=True)
    _parallel.run(part, [(i,) + p for i, p in enumerate(ps)])
    gw, finish = res[0]
    for r, _ in res[1:]:
        gw += r
    return finish(gw)


def _conv_backward_weight(x, g, ksize, conf, rows=None, raw=False):
    """``conv_backward_weight`` of one range of images; with ``raw``, ``(sum, finish)``: the
    summed products before their move to the (O, C/G, *k) layout, and that move (so the
    parts of a split add their sums first and move once)."""
    groups = conf[3]
    xp = get_xp(g)
    nd = len(ksize)
    N, O = g.shape[:2]
    C = x.shape[1]
    out = tuple(g.shape[2:])
    L = _prod(out)
    if N == 0 or L == 0:
        gw = xp.zeros((O, C // groups) + tuple(ksize), dtype=g.dtype)
        return (gw, lambda a: a) if raw else gw
    if groups != 1:
        cols, _ = im2col_cl(x, ksize, conf, out)
        if rows is None:
            rows = _grad_rows(g)
        og = O // groups
        gg = rows.reshape(-1, groups, og).transpose(1, 0, 2)
        gw = xp.matmul(cols.transpose(0, 2, 1), gg)                  # (G, kk*cg, og)
        cg = gw.shape[1] // _prod(ksize)

        def finish(gw):
            gw = gw.reshape((groups,) + tuple(ksize) + (cg, og))
            gw = gw.transpose((0, nd + 2, nd + 1) + tuple(range(1, nd + 1)))
            return _contig(xp, gw.reshape((O, cg) + tuple(ksize)))
        return (gw, finish) if raw else finish(gw)
    K = C * _prod(ksize)
    g3 = g.reshape(N, O, L)
    if _pointwise(ksize, conf):
        # sum over images of (O, L) @ (L, C), a few images per batched product
        xs = _subsample(x, conf[0], out)
        nb = max(1, min(N, (1 << 22) // max(1, O * C * g.itemsize)))
        gw = None
        for n0 in range(0, N, nb):
            part = xp.matmul(g3[n0:n0 + nb], xs[n0:n0 + nb].transpose(0, 2, 1))
            part = part[0] if part.shape[0] == 1 else part.sum(0)
            gw = part if gw is None else xp.add(gw, part, out=gw)
        finish = lambda gw: gw.reshape((O, C) + tuple(ksize))     # noqa: E731
        return (gw, finish) if raw else finish(gw)
    if _use_channels_first(C, ksize, out, groups):
        win = _windows_cf(x, ksize, conf, out)
        blocks, npos = _blocks(N, out, K * x.itemsize, K * O * x.itemsize)
        inner = _prod(out[1:])
        cols = workspace(xp, (K * npos,), x.dtype)
        gw = None
        for n0, n1, r0, r1 in blocks:
            lb = (r1 - r0) * inner
            c = cols[:(n1 - n0) * K * lb].reshape(n1 - n0, K, lb)
            wb = win[(slice(n0, n1),) + (slice(None),) * (1 + nd) + (slice(r0, r1),)]
            xp.copyto(c.reshape(wb.shape), wb)
            # (K, L) @ (L, O) runs ~1.5x faster in OpenBLAS than (O, L) @ (L, K) here
            part = xp.matmul(c, g3[n0:n1, :, r0 * inner:r1 * inner].transpose(0, 2, 1))
            part = part[0] if n1 - n0 == 1 else part.sum(0)                # (K, O)
            gw = part if gw is None else xp.add(gw, part, out=gw)
        finish = lambda gw: _contig(xp, gw.T).reshape((O, C) + tuple(ksize))  # noqa
        return (gw, finish) if raw else finish(gw)
    win = _windows_cl(x, ksize, conf, out)
    blocks, nrows = _blocks(N, out, K * x.itemsize, K * O * x.itemsize)
    cols = workspace(xp, (nrows, K), x.dtype)
    inner = _prod(out[1:])
    big = K * O >= SMALL_WEIGHT
    gw = tmp = None
    for n0, n1, r0, r1 in blocks:
        wb = win[n0:n1, r0:r1]
        m = (n1 - n0) * (r1 - r0) * inner
        xp.copyto(cols[:m].reshape(wb.shape), wb)
        if rows is not None:     # (N*L, O): a block's rows are contiguous
            start = n0 * L + r0 * inner
            r = rows[start:start + m]
        else:
            r = _grad_rows(g[n0:n1, :, r0:r1])
        # large kernels: (O, K) rather than (K, O), so the move to (O, C, *k) below is a
        # transpose of small (prod(k), C) blocks (2 ms instead of 11 ms for 512x512x3x3);
        # small ones: (K, O), ~10% faster in OpenBLAS for small column blocks
        a, b = (r.T, cols[:m]) if big else (cols[:m].T, r)
        if gw is None:
            gw = xp.matmul(a, b)
            tmp = xp.empty_like(gw)
        else:
            gw += xp.matmul(a, b, out=tmp)

    def finish(gw):
        if not big:
            gw = gw.reshape(tuple(ksize) + (C, O))
            return _contig(xp, gw.transpose((nd + 1, nd) + tuple(range(nd))))
        gw = gw.reshape((O,) + tuple(ksize) + (C,))
        return _contig(xp, gw.transpose((0, nd + 1) + tuple(range(1, nd + 1))))
    return (gw, finish) if raw else finish(gw)


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
        y = conv_forward(x._data, w._data, None if b is None else b._data, conf)
        ctx.save_for_backward(x, w)
        ctx.conf = conf
        return wrap(y, x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        conf = ctx.conf
        nx, nw, nb = ctx.needs_input_grad[:3]
        gx = gw = gb = None
        rows = None
        if nx and nw and not _pointwise(tuple(w.shape[2:]), conf) and (
                conf[3] != 1 or _transposed_as_conv(w, tuple(x.shape[2:]),
                                                    tuple(g.shape[2:]), conf) is None):
            rows = _grad_rows_all(g._data)      # shared by both products
        if nx:
            gx = ConvNdBackwardInput.apply(g, w, tuple(x.shape[2:]), conf, rows)
        if nw:
            gw = ConvNdBackwardWeight.apply(x, g, tuple(w.shape[2:]), conf, rows)
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
    def forward(ctx, x, g, ksize, conf, rows=None):
        ctx.save_for_backward(x, g)
        ctx.conf = conf
        return wrap(conv_backward_weight(x._data, g._data, ksize, conf, rows), g._dtype)

    @staticmethod
    def backward(ctx, ggw):
        x, g = ctx.saved_tensors
        conf = ctx.conf
        nx, ng = ctx.needs_input_grad[:2]
        dx = ConvNdBackwardInput.apply(g, ggw, tuple(x.shape[2:]), conf) if nx else None
        dg = _crop_to(ConvNd.apply(x, ggw, None, conf), tuple(g.shape[2:])) if ng else None
        return dx, dg, None, None, None


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
    return _contig(xp, out[:, :, ph:ph + H, pw:pw + W])


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
