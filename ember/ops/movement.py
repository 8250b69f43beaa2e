"""Shape and layout primitives: reshape/view, permute, expand, cat, flip, roll, pad, as_strided.

Results that NumPy can express as views share memory with their input (and its version
counter), as torch's views do.
"""
import numpy as np

from .._device import get_xp
from ..autograd.function import Function
from ._common import wrap


def _as_view(x, arr):
    """Wrap ``arr``; if it shares memory with ``x`` it becomes a view of x (shared version)."""
    xp = get_xp(arr)
    if arr.base is not None and xp.may_share_memory(arr, x._data):
        return x._view_of(arr)
    return wrap(arr, x._dtype)


class Reshape(Function):
    @staticmethod
    def forward(ctx, x, shape, strict_view):
        ctx.in_shape = x._data.shape
        data = x._data
        if strict_view:
            try:
                out = data.view()
                out.shape = shape  # raises when a copy would be needed
            except AttributeError:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least "
                    "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                    "instead.") from None
            return x._view_of(out)
        return _as_view(x, data.reshape(shape))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class Permute(Function):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x._view_of(x._data.transpose(dims))

    @staticmethod
    def backward(ctx, g):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        return g.permute(inv)


class Expand(Function):
    @staticmethod
    def forward(ctx, x, shape):
        xp = get_xp(x._data)
        return x._view_of(xp.broadcast_to(x._data, shape))

    @staticmethod
    def backward(ctx, g):
        return g  # the engine sums it back to the input's shape


def diagonal_view(arr, offset, a, b):
    """A writable view of the diagonal of ``arr`` over dims ``a``/``b`` (last in the result),
    as torch's ``diagonal`` (NumPy's ``diagonal`` is read-only)."""
    n, m = arr.shape[a], arr.shape[b]
    length = max(min(n, m - offset), 0) if offset >= 0 else max(min(n + offset, m), 0)
    start = [slice(None)] * arr.ndim
    if length:
        start[a if offset < 0 else b] = slice(abs(offset), None)
    else:  # empty diagonal: any in-bounds start (or the empty array itself)
        start[a] = slice(0, 0)
    base = arr[tuple(start)]
    keep = [d for d in range(arr.ndim) if d not in (a, b)]
    shape = tuple(arr.shape[d] for d in keep) + (length,)
    strides = tuple(arr.strides[d] for d in keep) + (arr.strides[a] + arr.strides[b],)
    return get_xp(arr).lib.stride_tricks.as_strided(base, shape, strides)


class Diagonal(Function):
    """``x.diagonal(offset, dim1, dim2)``: a view sharing memory with ``x``, as torch's."""

    @staticmethod
    def forward(ctx, x, offset, a, b):
        ctx.meta = (x._data.shape, offset, a, b)
        return x._view_of(diagonal_view(x._data, offset, a, b))

    @staticmethod
    def backward(ctx, g):
        shape, offset, a, b = ctx.meta
        return DiagonalBackward.apply(g, shape, offset, a, b)


class DiagonalBackward(Function):
    """Scatter a diagonal's gradient into zeros of the input's shape (twice differentiable)."""

    @staticmethod
    def forward(ctx, g, shape, offset, a, b):
        ctx.meta = (offset, a, b)
        out = get_xp(g._data).zeros(shape, dtype=g._data.dtype)
        diagonal_view(out, offset, a, b)[...] = g._data
        return wrap(out, g._dtype)

    @staticmethod
    def backward(ctx, gg):
        offset, a, b = ctx.meta
        return Diagonal.apply(gg, offset, a, b)


class Cat(Function):
    @staticmethod
    def forward(ctx, *tensors, dim):
        xp = get_xp(tensors[0]._data)
        ctx.sizes = [t._data.shape[dim] for t in tensors]
        ctx.dim = dim
        return wrap(xp.concatenate([t._data for t in tensors], axis=dim), tensors[0]._dtype)

    @staticmethod
    def backward(ctx, g):
        out = []
        start = 0
        for s, need in zip(ctx.sizes, ctx.needs_input_grad):
            out.append(g.narrow(ctx.dim, start, s) if need else None)
            start += s
        return tuple(out)


class Flip(Function):
    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return wrap(get_xp(x._data).flip(x._data, axis=dims).copy(), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return g.flip(ctx.dims)


class Roll(Function):
    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.args = (shifts, dims)
        return wrap(get_xp(x._data).roll(x._data, shifts, axis=dims), x._dtype)

    @staticmethod
    def backward(ctx, g):
        shifts, dims = ctx.args
        if isinstance(shifts, tuple):
            return g.roll(tuple(-s for s in shifts), dims)
        return g.roll(-shifts, dims)


class ConstantPad(Function):
    """Pad with a constant; ``pads`` is a list of (before, after) per dim (may be negative)."""

    @staticmethod
    def forward(ctx, x, pads, value):
        xp = get_xp(x._data)
        data = x._data
        crop = tuple(slice(max(-b, 0), data.shape[i] - max(-a, 0)) for i, (b, a) in
                     enumerate(pads))
        data = data[crop]
        pos = [(max(b, 0), max(a, 0)) for b, a in pads]
        out = xp.pad(data, pos, mode="constant", constant_values=value)
        ctx.pads = pads
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        # un-pad: cropping is padding by the negated amounts
        return g._pad_constant([(-b, -a) for b, a in ctx.pads], 0.0)


def strided_positions(xp, size, stride, offset):
    """Flat element positions, in a C-contiguous base, of the view (size, stride, offset)."""
    pos = xp.full(tuple(size), offset, dtype=np.int64)
    for d, (n, st) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (xp.arange(n, dtype=np.int64) * st).reshape(shape)
    return pos


def storage_flat(base):
    """A flat writable view of all the memory ``base`` (a tensor with no ``_base``) covers."""
    d = base._data
    if any(st < 0 for st in d.strides):
        raise RuntimeError("as_strided: the tensor's memory is laid out with negative strides; "
                           "call .contiguous() first")
    n = 0 if d.size == 0 else 1 + sum((k - 1) * st for k, st in zip(d.shape, d.strides)) \
        // d.itemsize
    return get_xp(d).lib.stride_tricks.as_strided(d, (n,), (d.itemsize,))


def _ptr(arr):
    return arr.__array_interface__["data"][0] if isinstance(arr, np.ndarray) else arr.data.ptr


def _storage_span(size, stride, offset):
    """(lowest, highest) storage position a geometry touches; None when it has no elements."""
    if any(n == 0 for n in size):
        return None
    return (offset + sum(min(0, (n - 1) * st) for n, st in zip(size, stride)),
            offset + sum(max(0, (n - 1) * st) for n, st in zip(size, stride)))


def _maybe_overlapping(size, stride):
    """torch's cheap test: False guarantees no two elements share a memory location."""
    dims = sorted((abs(st), n) for n, st in zip(size, stride) if n > 1)
    reach = 0
    for st, n in dims:
        if st <= reach:
            return True
        reach += (n - 1) * st
    return False


class AsStrided(Function):
    """A view (size, stride, offset in elements) over the memory of a C-contiguous tensor.

    With ``from_storage=True`` (``Tensor.as_strided``) ``offset`` counts elements from the
    start of the storage ``x`` views (its ``_base``'s memory), the result is always a view, and
    backward is torch's AsStridedBackward0: the gradient is scattered into the storage by the
    output geometry and read back by ``x``'s geometry (divided by how often ``x`` reaches
    each location when ``x`` overlaps itself)."""

    @staticmethod
    def forward(ctx, x, size, stride, offset, from_storage=False):
        xp = get_xp(x._data)
        ctx.meta = (x._data.shape, size, stride, offset)
        ctx.geom = None
        if from_storage:
            data = x._data
            flat = storage_flat(x._base if x._base is not None else x)
            if flat.dtype != data.dtype:   # a dtype view (.real, .view(dtype)) of its base
                flat = flat.view(data.dtype)
            item = data.itemsize
            x_off = (_ptr(data) - _ptr(flat)) // item
            ctx.geom = (data.shape, tuple(st // item for st in data.strides), x_off)
            out = xp.lib.stride_tricks.as_strided(flat[offset:], shape=size,
                                                  strides=tuple(s * item for s in stride))
            return x._view_of(out)
        base = x._data
        if not base.flags.c_contiguous:
            # torch's as_strided addresses the underlying storage; for a non-contiguous
            # input ember addresses its contiguous copy (the values in logical order)
            return wrap(base.reshape(-1)[strided_positions(xp, size, stride, offset)], x._dtype)
        item = base.itemsize
        out = xp.lib.stride_tricks.as_strided(base.reshape(-1)[offset:], shape=size,
                                              strides=tuple(s * item for s in stride))
        return x._view_of(out)

    @staticmethod
    def backward(ctx, g):
        shape, size, stride, offset = ctx.meta
        from ..functions import zeros
        from .. import _dtype as D
        if ctx.geom is not None:
            in_size, in_stride, in_off = ctx.geom
            in_span = _storage_span(in_size, in_stride, in_off)
            out_span = _storage_span(size, stride, offset)
            if in_span is None or out_span is None:
                return zeros(in_size, dtype=g.dtype, device=g.device)
            lo = min(in_span[0], out_span[0])
            n = max(in_span[1], out_span[1]) - lo + 1
            xp = get_xp(g._data)
            out_pos = wrap(strided_positions(xp, size, stride, offset - lo).reshape(-1), D.int64)
            in_pos = wrap(strided_positions(xp, in_size, in_stride, in_off - lo).reshape(-1),
                          D.int64)
            store = zeros(n, dtype=g.dtype, device=g.device).index_add(0, out_pos, g.reshape(-1))
            if _maybe_overlapping(in_size, in_stride):
                cnt = zeros(n, dtype=g.dtype, device=g.device).index_add(
                    0, in_pos, zeros(1, dtype=g.dtype, device=g.device).add(1).expand(
                        in_pos.shape[0]))
                store = store / cnt.clamp_min(1)
            return store.index_select(0, in_pos).reshape(in_size)
        pos = strided_positions(get_xp(g._data), size, stride, offset).reshape(-1)
        flat = zeros(int(np.prod(shape)), dtype=g.dtype, device=g.device)
        return flat.index_add(0, wrap(pos, D.int64), g.reshape(-1)).reshape(shape)


class ViewScatter(Function):
    """``out = base.clone(); out.as_strided(size, stride, offset)[...] = src`` — how an in-place
    op on a view rewrites its base's history (torch's CopySlices)."""
    _node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, src, size, stride, offset):
        xp = get_xp(base._data)
        pos = strided_positions(xp, size, stride, offset)
        out = xp.array(base._data, copy=True, order="C")
        out.reshape(-1)[pos.reshape(-1)] = xp.broadcast_to(src._data, tuple(size)).reshape(-1)
        ctx.meta = (size, stride, offset)
        return wrap(out, base._dtype)

    @staticmethod
    def backward(ctx, g):
        size, stride, offset = ctx.meta
        from .. import _dtype as D
        pos = wrap(strided_positions(get_xp(g._data), size, stride, offset).reshape(-1), D.int64)
        nb, ns = ctx.needs_input_grad[:2]
        flat = g.reshape(-1)
        gb = flat.index_fill(0, pos, 0.0).reshape(g.shape) if nb else None
        gs = flat.index_select(0, pos).reshape(size) if ns else None
        return gb, gs


class Unfold(Function):
    """``Tensor.unfold``: the windows of length ``size`` every ``step`` elements along ``dim``, as
    a view with one new trailing dimension (NumPy strides; works on any strided input)."""

    @staticmethod
    def forward(ctx, x, dim, size, step):
        xp = get_xp(x._data)
        data = x._data if x._data.ndim else x._data.reshape(1)
        n = (data.shape[dim] - size) // step + 1
        shape = list(data.shape)
        shape[dim] = n
        strides = list(data.strides)
        strides[dim] = data.strides[dim] * step
        out = xp.lib.stride_tricks.as_strided(data, shape=tuple(shape) + (size,),
                                              strides=tuple(strides) + (data.strides[dim],))
        ctx.meta = (x._data.shape, dim, size, step, n)
        return x._view_of(out)

    @staticmethod
    def backward(ctx, g):
        # window w, offset k came from position w * step + k: add each offset's slice back
        shape, dim, size, step, n = ctx.meta
        from ..functions import zeros, arange
        full = list(shape) if shape else [1]
        out = zeros(full, dtype=g.dtype, device=g.device)
        pos = arange(n, device=g.device) * step
        for k in range(size):
            out = out.index_add(dim, pos + k, g.select(-1, k))
        return out.reshape(shape)


class ViewAsReal(Function):
    """A complex tensor seen as real with a trailing dimension of 2 (real, imaginary)."""

    @staticmethod
    def forward(ctx, x):
        from .. import _dtype as D
        data = x._data
        out = data.view(data.real.dtype).reshape(data.shape + (2,)) if data.ndim else \
            data.reshape(1).view(data.real.dtype)
        t = x._view_of(out)
        t._dtype = x._dtype.to_real()
        if D.from_np(out.dtype) is not t._dtype:  # pragma: no cover (defensive)
            raise RuntimeError("view_as_real: unexpected storage dtype")
        return t

    @staticmethod
    def backward(ctx, g):
        return ViewAsComplex.apply(g.contiguous())


class ViewAsComplex(Function):
    """A real tensor whose last dimension is 2 (real, imaginary) seen as complex."""

    @staticmethod
    def forward(ctx, x):
        data = x._data
        ct = x._dtype.to_complex()
        out = data.view(ct.np).reshape(data.shape[:-1])
        t = x._view_of(out)
        t._dtype = ct
        return t

    @staticmethod
    def backward(ctx, g):
        return ViewAsReal.apply(g)
