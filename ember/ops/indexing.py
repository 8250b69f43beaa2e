"""Indexing primitives: getitem, index_put (functional setitem), gather, scatter, index_add,
nonzero.

``x[idx]`` with ints/slices/None/Ellipsis is a view (as in torch); integer or boolean tensor
indices copy. Scatter-adds with repeated indices go through ``np.add.at`` here (correct for
any index); hot paths (embedding backward) use their own bincount-based ops.
"""
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from .._device import get_xp
from ..autograd.function import Function
from ._common import wrap


def convert_index(idx, xp=np):
    """Turn an index with ember tensors / lists into one NumPy (or CuPy) understands."""
    if isinstance(idx, tuple):
        return tuple(_conv1(i, xp) for i in idx)
    return _conv1(idx, xp)


def _conv1(i, xp):
    if isinstance(i, Tensor):
        if i._dtype is D.bool or i._dtype is D.uint8:
            return _on_xp(i._data.astype(bool) if i._dtype is D.uint8 else i._data, xp)
        if i._dtype.is_floating_point:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if i._data.ndim == 0:
            return int(i._data)
        return _on_xp(i._data, xp)
    if isinstance(i, (list, tuple)) and i and not isinstance(i, tuple):
        arr = xp.asarray([int(v) if isinstance(v, Tensor) else v for v in i]) \
            if all(not isinstance(v, (list, tuple)) for v in i) else xp.asarray(i)
        if arr.dtype.kind == "f":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return arr
    if isinstance(i, list) and not i:
        return xp.asarray([], dtype=np.int64)
    if isinstance(i, np.ndarray) or (xp is not np and isinstance(i, xp.ndarray)):
        return _on_xp(i, xp)
    if isinstance(i, (float, np.floating)):
        raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                         "Variables are valid indices (got float)")
    return i


def _on_xp(arr, xp):
    """An index array on the indexed tensor's device: cpu indices move to the GPU (as torch
    allows); GPU indices into a cpu tensor raise torch's error."""
    if xp is np:
        if not isinstance(arr, np.ndarray) or getattr(arr, "_ember_fake_cuda", False):
            raise RuntimeError("indices should be either on cpu or on the same device as the "
                               "indexed tensor (cpu)")
        return arr
    if isinstance(arr, np.ndarray) and not getattr(arr, "_ember_fake_cuda", False):
        return xp.asarray(arr)
    return arr


_BASIC_TYPES = (int, np.integer, slice)


def _is_basic(idx):
    """True for an index of ints, slices, None and Ellipsis only (a view in NumPy and torch)."""
    if type(idx) is not tuple:
        return isinstance(idx, _BASIC_TYPES) or idx is None or idx is Ellipsis
    for i in idx:
        if not (isinstance(i, _BASIC_TYPES) or i is None or i is Ellipsis):
            return False
    return True


def check_bounds(data, idx):
    """torch's IndexError for an out-of-range integer index (NumPy's text differs)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    dim = 0
    for i in items:
        if i is None:
            continue
        if i is Ellipsis:
            dim = data.ndim - sum(1 for j in items if j is not None and j is not Ellipsis
                                  and not (hasattr(j, "dtype") and j.dtype == bool))
            continue
        if isinstance(i, (int, np.integer)):
            if dim >= data.ndim:
                raise IndexError(f"too many indices for tensor of dimension {data.ndim}")
            n = data.shape[dim]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")
        elif hasattr(i, "dtype") and i.dtype == bool:
            dim += i.ndim
            continue
        elif hasattr(i, "dtype") and i.size and dim < data.ndim:
            n = data.shape[dim]
            lo, hi = int(i.min()), int(i.max())
            if hi >= n or lo < -n:
                bad = hi if hi >= n else lo
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size "
                                 f"{n}")
        dim += 1


class GetItem(Function):
    """``x[idx]``: a view for basic indices (ints, slices, None, Ellipsis), a copy otherwise.

    ``GetItem.apply`` records the node under torch's name for what the index does (see
    :func:`_getitem_node`): ``SelectBackward0``, ``SliceBackward0``, ``UnsqueezeBackward0``,
    ``AliasBackward0`` or ``IndexBackward0``. The subclasses only carry those names; forward
    and backward are this class's.
    """

    @classmethod
    def apply(cls, x, idx):
        """Run ``x[idx]``; when ``x`` requires grad, under the subclass named like torch's node."""
        if cls is GetItem and x._requires_grad:
            cls = _getitem_node(x._data.shape, idx)
        return _function_apply(cls, x, idx)

    @staticmethod
    def forward(ctx, x, idx):
        data = x._data
        ctx.meta = (data.shape, idx)
        try:
            out = data[idx]
        except IndexError:
            check_bounds(data, idx)
            raise
        if _is_basic(idx):
            if isinstance(out, np.generic):
                # all-integer index: NumPy gives a scalar; `..., ` keeps a 0-d view instead
                out = data[(idx if isinstance(idx, tuple) else (idx,)) + (Ellipsis,)]
            return x._view_of(out)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        shape, idx = ctx.meta
        from ..functions import zeros
        z = zeros(shape, dtype=g.dtype, device=g.device)
        return IndexPut.apply(z, g, idx, not _is_basic(idx))


_function_apply = Function.__dict__["apply"].__func__


# Thin subclasses of GetItem that only carry torch's grad_fn name for an indexing result
# (torch applies an index's parts one by one; the node is that of the last op applied).
class Select(GetItem):
    """``x[i]`` with an integer last: ``SelectBackward0``."""


class Slice(GetItem):
    """``x[a:b:c]`` with a slice last: ``SliceBackward0``."""


class Unsqueeze(GetItem):
    """``x[None]`` with a None last: ``UnsqueezeBackward0``."""


class Alias(GetItem):
    """``x[...]`` / ``x[:, :]`` (nothing to apply): ``AliasBackward0``."""


class Index(GetItem):
    """Advanced indexing (index tensors, lists, masks, bools): ``IndexBackward0``."""


_ALL = slice(None)
_NP_INT = np.integer


def _getitem_node(shape, idx):
    """The GetItem subclass whose node name is torch's grad_fn name for ``x[idx]``.

    ``idx`` is the converted index (ints, slices, None, Ellipsis, arrays, bools). Any array or
    bool makes it ``Index``; otherwise the last int / non-skipped slice / None decides, as in
    torch (which skips full slices inside a tuple, and aliases when nothing is left).
    """
    t = type(idx)
    if t is not tuple:
        if t is int or isinstance(idx, _NP_INT):
            return Select
        if t is slice:
            return Slice            # a lone slice is always applied, even ``x[:]``
        if idx is None:
            return Unsqueeze
        if idx is Ellipsis:
            return Alias
        return Index
    kind = Alias
    dim = 0
    for i in idx:
        t = type(i)
        if t is slice:
            # torch skips a full slice (start 0, stop at or past the end, step 1) in a tuple
            if kind is not Slice and i != _ALL:
                start, step = i.start, i.step
                if not ((start is None or start == 0) and (step is None or step == 1)
                        and (i.stop is None or dim < len(shape) and i.stop >= shape[dim])):
                    kind = Slice
            dim += 1
        elif t is int or isinstance(i, _NP_INT):
            kind = Select
            dim += 1
        elif i is None:
            kind = Unsqueeze
        elif i is Ellipsis:
            dim += len(shape) - sum(1 for j in idx if type(j) is slice or type(j) is int
                                    or isinstance(j, np.integer))
        else:
            return Index
    return kind


class IndexPut(Function):
    """Functional ``out = x.clone(); out[idx] = v`` (``+=`` when ``accumulate``)."""

    @staticmethod
    def forward(ctx, x, v, idx, accumulate):
        xp = get_xp(x._data)
        out = x._data.copy()
        vd = v._data if isinstance(v, Tensor) else v
        if isinstance(vd, np.ndarray) and vd.dtype != out.dtype:
            vd = vd.astype(out.dtype)
        try:
            if accumulate:
                if _is_basic(idx):
                    out[idx] += vd
                elif xp is np:
                    np.add.at(out, idx, vd)
                else:
                    xp.add.at(out, idx, vd)
            else:
                out[idx] = vd
        except IndexError:
            check_bounds(out, idx)
            raise
        except ValueError as e:
            raise RuntimeError(f"shape mismatch: value tensor of shape "
                               f"{list(getattr(vd, 'shape', ()))} cannot be broadcast to "
                               f"indexing result of shape "
                               f"{list(x._data[idx].shape)}") from e
        ctx.meta = (idx, accumulate)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        idx, accumulate = ctx.meta
        nx, nv = ctx.needs_input_grad[:2]
        gx = gv = None
        if nx:
            gx = g if accumulate else IndexPut.apply(g, 0.0, idx, False)
        if nv:
            gv = GetItem.apply(g, idx)
        return gx, gv


class Gather(Function):
    @staticmethod
    def forward(ctx, x, dim, index):
        xp = get_xp(x._data)
        idx = index._data
        if idx.ndim != x._data.ndim and not (idx.ndim <= 1 and x._data.ndim <= 1):
            raise RuntimeError("Index tensor must have the same number of dimensions as input "
                               "tensor")
        for d in range(idx.ndim):
            if d != dim and idx.shape[d] > x._data.shape[d]:
                raise RuntimeError(f"Size does not match at dimension {d} expected index "
                                   f"{list(idx.shape)} to be smaller than self "
                                   f"{list(x._data.shape)} apart from dimension {dim}")
        if idx.size and (idx.max() >= x._data.shape[dim] or idx.min() < 0):
            raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {dim} "
                               f"with size {x._data.shape[dim]}")
        src = x._data[tuple(slice(0, s) if d != dim else slice(None)
                            for d, s in enumerate(idx.shape))]
        out = xp.take_along_axis(src, idx, axis=dim)
        ctx.meta = (x._data.shape, dim)
        ctx.save_for_backward(index)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        shape, dim = ctx.meta
        index, = ctx.saved_tensors
        from ..functions import zeros
        return zeros(shape, dtype=g.dtype, device=g.device).scatter_add(dim, index, g)


def _scatter_positions(xp, index, dim):
    """Full index tuple addressing out[..., index, ...] for every element of ``index``."""
    grids = list(xp.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


class Scatter(Function):
    """out = x with out[index[i][j]][j] = src[i][j] (dim 0 example); ``reduce='add'`` adds."""

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce):
        xp = get_xp(x._data)
        out = x._data.copy()
        idx = index._data
        pos = _scatter_positions(xp, idx, dim)
        if isinstance(src, Tensor):
            s = src._data[tuple(slice(0, n) for n in idx.shape)]
            if s.dtype != out.dtype:
                s = s.astype(out.dtype)
        else:
            s = src
        if idx.size and (idx.max() >= out.shape[dim] or idx.min() < -out.shape[dim]):
            raise RuntimeError(f"index {int(idx.max())} is out of bounds for dimension {dim} "
                               f"with size {out.shape[dim]}")
        if reduce == "add":
            xp.add.at(out, pos, s)
        elif reduce == "multiply":
            xp.multiply.at(out, pos, s)
        else:
            out[pos] = s
        ctx.meta = (dim, reduce, src.shape if isinstance(src, Tensor) else None)
        ctx.save_for_backward(index)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        dim, reduce, src_shape = ctx.meta
        index, = ctx.saved_tensors
        nx, _, _, ns, _ = ctx.needs_input_grad
        gx = gs = None
        if nx:
            gx = g if reduce == "add" else g.scatter(dim, index, 0.0)
        if ns:
            gs = g.gather(dim, index)
            if tuple(gs.shape) != tuple(src_shape):
                # src may be larger than index: its other elements got no gradient
                gs = gs._pad_constant([(0, s - n) for s, n in zip(src_shape, gs.shape)], 0.0)
        return gx, None, None, gs, None


class IndexAdd(Function):
    @staticmethod
    def forward(ctx, x, dim, index, src, alpha):
        xp = get_xp(x._data)
        out = x._data.copy()
        idx = index._data.reshape(-1)
        moved = xp.moveaxis(out, dim, 0)
        s = xp.moveaxis(src._data, dim, 0)
        if alpha != 1:
            s = s * alpha
        if s.dtype != out.dtype:
            s = s.astype(out.dtype)
        xp.add.at(moved, idx, s)
        ctx.meta = (dim, alpha)
        ctx.save_for_backward(index)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        dim, alpha = ctx.meta
        index, = ctx.saved_tensors
        gs = g.index_select(dim, index)
        return g, None, None, (gs * alpha if alpha != 1 else gs), None


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements.

    Args:
        input (Tensor): the input.
        as_tuple (bool): return one 1-D index tensor per dimension instead of an (N, ndim)
            tensor.

    Example::

        >>> ember.nonzero(ember.tensor([0, 3, 0, 5]))
        tensor([[1],
                [3]])
    """
    xp = get_xp(input._data)
    data = input._data
    if as_tuple:
        if data.ndim == 0:
            return (wrap(xp.nonzero(data.reshape(1))[0].astype(np.int64), D.int64),)
        return tuple(wrap(i.astype(np.int64), D.int64) for i in xp.nonzero(data))
    if data.ndim == 0:
        return wrap(xp.zeros((int(bool(data)), 0), dtype=np.int64), D.int64)
    return wrap(xp.stack(xp.nonzero(data), axis=1).astype(np.int64).reshape(-1, data.ndim),
                D.int64)
