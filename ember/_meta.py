"""The ``'meta'`` device: tensors with a shape, dtype and strides but no data, as torch's.

A meta tensor is an ordinary ember Tensor whose ``_data`` is a :class:`MetaArray`: a NumPy
array over address space that is reserved but never backed by memory (an anonymous
``MAP_NORESERVE`` mapping; every page reads as the kernel's shared zero page until something
writes to it, and nothing does). So the meta device is a *backend*, exactly like CUDA through
CuPy (see ``_device.py``): ``device('meta').xp`` is this module's array namespace :data:`xp`,
``get_xp(arr)`` finds it from the array, and the ordinary op code computes shapes, dtypes and
strides with no per-op check anywhere:

* views (reshape, permute, slicing, expand, ``as_strided``) are real NumPy views, so strides,
  ``is_contiguous()`` and ``view``'s errors are exactly the CPU's;
* ufuncs (elementwise ops, ``matmul``, reductions, cumulative ops) are answered by
  ``__array_ufunc__`` from the operands' shapes and from the dtype NumPy gives on 0-d
  stand-ins -- nothing is computed, nothing is allocated beyond address space;
* copies (``astype``, ``copy``, ``ascontiguousarray``, a reshape that cannot be a view,
  ``concatenate``, ``*_like``) make fresh meta arrays with NumPy's result layout;
* any other NumPy function runs on the (all-zero) data and its result is re-wrapped as meta:
  correct shapes and dtypes for everything, at the CPU's cost for those rare ops;
* data access raises torch's errors: ``Tensor.item() cannot be called on meta tensors``,
  ``Cannot copy out of meta tensor; no data!``, and ``nonzero``'s / ``aten::equal``'s texts for
  data-dependent ops. (Mixing meta and CPU tensors is refused one level up, by the ops'
  device checks; at this level a CPU array met inside an op -- an index, a host-drawn random
  array -- simply joins the meta computation.)

Random draws on meta (``randn(..., device='meta')``, ``uniform_`` on a meta tensor) use
:data:`generator`, which draws nothing and leaves the CPU generator's state alone, as torch.
"""
import math
import mmap
import sys
import types

import numpy as np

__all__ = ["MetaArray", "xp", "generator", "empty", "is_meta_array", "meta_repr"]

ITEM_ERROR = "Tensor.item() cannot be called on meta tensors"
COPY_OUT_ERROR = "Cannot copy out of meta tensor; no data!"
_NO_KERNEL = ("{}: attempted to run this operator with Meta tensors, but there was no fake "
              "impl or Meta kernel registered. You may have run into this message while using "
              "an operator with PT2 compilation APIs (torch.compile/torch.export); in order to "
              "use this operator with those APIs you'll need to add a fake impl. Please see the "
              "following for next steps:  "
              "https://pytorch.org/tutorials/advanced/custom_ops_landing_page.html")
NONZERO_ERROR = ("The register_meta function for torch.nonzero() raises unimplemented by "
                 "default, as a correct data-independent implementation does not exist. This "
                 "implementation returns a fake value, assuming all elements of the tensor are "
                 "non-zero. To enable this registration, please set "
                 "'torch.fx.experimental._config.meta_nonzero_assume_all_nonzero' to True.")

# Arrays of at least this many bytes live in a reserved, never-touched mapping; smaller ones
# are plain zero-filled buffers (cheaper than a mapping, and they are tiny).
_MMAP_MIN = 1 << 16
_MAP_FLAGS = 0
if sys.platform.startswith("linux") and hasattr(mmap, "MAP_PRIVATE"):
    # MAP_NORESERVE (0x4000 on Linux; Python < 3.12 has no constant for it): no swap is
    # reserved, so a meta model larger than RAM costs nothing
    _MAP_FLAGS = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_NORESERVE", 0x4000)


def _buffer(n, dtype):
    nbytes = n * dtype.itemsize
    if nbytes >= _MMAP_MIN and _MAP_FLAGS:
        return np.frombuffer(mmap.mmap(-1, nbytes, flags=_MAP_FLAGS), dtype=dtype, count=n)
    return np.zeros(n, dtype)


def empty(shape, dtype=np.float32, perm=None):
    """A new meta array of ``shape`` and ``dtype`` (C order, or the axis order ``perm``).

    Args:
        shape (tuple of int): the shape.
        dtype (numpy dtype): the element type. Default: float32.
        perm (sequence of int, optional): the axes from the slowest to the fastest varying in
            memory (``None``: C order, ``perm=(1, 0)`` of a matrix: Fortran order).

    Example::

        >>> a = empty((2, 3), np.float32, perm=(1, 0))
        >>> a.shape, a.strides
        ((2, 3), (4, 8))
    """
    dtype = np.dtype(dtype)
    shape = tuple(int(s) for s in shape)
    buf = _buffer(math.prod(shape), dtype)
    if perm is None:
        arr = buf.reshape(shape)
    else:
        perm = tuple(perm)
        arr = buf.reshape(tuple(shape[p] for p in perm)).transpose(np.argsort(perm))
    return arr.view(MetaArray)


def is_meta_array(arr):
    """Whether ``arr`` is a meta array (the storage of a meta tensor).

    Args:
        arr: any object.

    Example::

        >>> is_meta_array(empty((2,))), is_meta_array(np.zeros(2))
        (True, False)
    """
    return getattr(arr, "_ember_meta", False)


def _perm_of(arr):
    """NumPy's 'K' order for a copy of ``arr``: its axes from the largest stride down (None
    when that is plain C order)."""
    nd = arr.ndim
    if nd < 2 or arr.flags.c_contiguous:
        return None
    if arr.flags.f_contiguous:
        return tuple(range(nd - 1, -1, -1))
    st = arr.strides
    real = [abs(st[i]) for i in range(nd) if arr.shape[i] > 1 and st[i]]
    if all(a >= b for a, b in zip(real, real[1:])):
        return None  # C order once broadcast (zero-stride) and length-1 axes are left out
    return tuple(sorted(range(nd), key=lambda i: -abs(st[i])))


def _like(arr, dtype=None, order="K", shape=None):
    """A new meta array shaped (and laid out, for order 'K'/'A') like ``arr``."""
    dtype = arr.dtype if dtype is None else np.dtype(dtype)
    if shape is not None:
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        return empty(shape, dtype, tuple(range(len(shape) - 1, -1, -1))
                     if order == "F" and len(shape) > 1 else None)
    if order == "F" and arr.ndim > 1:
        return empty(arr.shape, dtype, tuple(range(arr.ndim - 1, -1, -1)))
    if order in ("K", "A", None):
        return empty(arr.shape, dtype, _perm_of(arr))
    return empty(arr.shape, dtype)


def _plain(x, depth=0):
    """``x`` with meta arrays replaced by plain views of their (zero) memory."""
    if isinstance(x, MetaArray):
        return x.view(np.ndarray)
    if depth < 2 and isinstance(x, (list, tuple)):
        return type(x)(_plain(e, depth + 1) for e in x) if not hasattr(x, "_fields") else \
            type(x)(*(_plain(e, depth + 1) for e in x))
    return x


def _to_meta(res):
    """Re-wrap a NumPy result (array, scalar or tuple/list of them) as fresh meta arrays."""
    if isinstance(res, MetaArray):
        return res
    if isinstance(res, np.ndarray):
        return _like(res)
    if isinstance(res, np.generic):
        return empty((), res.dtype)
    if isinstance(res, tuple):
        vals = [_to_meta(r) for r in res]
        return type(res)(*vals) if hasattr(res, "_fields") else tuple(vals)
    if isinstance(res, list):
        return [_to_meta(r) for r in res]
    return res


def _stand_in(x, core_dims=0):
    """A tiny array with ``x``'s dtype (and at least ``core_dims`` dims) for asking NumPy a
    result dtype; Python scalars stay as they are (NumPy keeps them weakly typed)."""
    if isinstance(x, np.ndarray):
        return np.zeros((1,) * min(x.ndim, core_dims), x.dtype)
    return x


def _result(res):
    return res.dtype if isinstance(res, (np.ndarray, np.generic)) else np.result_type(res)


def _matmul_shape(a, b):
    sa, sb = np.shape(a), np.shape(b)
    if not sa or not sb:
        np.matmul(_stand_in(a, 2), _stand_in(b, 2))  # NumPy's "does not have enough dimensions"
    a1, b1 = len(sa) == 1, len(sb) == 1
    sa = (1,) + sa if a1 else sa
    sb = sb + (1,) if b1 else sb
    if sa[-1] != sb[-2]:
        raise ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                         "gufunc signature (n?,k),(k,m?)->(n?,m?) "
                         f"(size {sb[-2]} is different from {sa[-1]})")
    out = np.broadcast_shapes(sa[:-2], sb[:-2])
    if not a1:
        out += (sa[-2],)
    if not b1:
        out += (sb[-1],)
    return out


def _reduced_shape(shape, axis, keepdims):
    nd = len(shape)
    if axis is None:
        axes = tuple(range(nd))
    else:
        axes = np.lib.array_utils.normalize_axis_tuple(axis, nd)
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def _check_out(out, shape):
    for o in out:
        if o is not None and np.broadcast_shapes(o.shape, shape) != o.shape:
            raise ValueError(f"non-broadcastable output operand with shape {o.shape} doesn't "
                             f"match the broadcast shape {tuple(shape)}")


class MetaArray(np.ndarray):
    """The storage of a meta tensor: a NumPy array whose memory is never used.

    Shapes, dtypes and strides behave exactly as NumPy's; NumPy functions and ufuncs give meta
    results without computing anything; reading values raises torch's errors.

    Example::

        >>> a = empty((2, 3))
        >>> b = np.exp(a) @ a.T
        >>> type(b).__name__, b.shape, b.dtype
        ('MetaArray', (2, 2), dtype('float32'))
    """

    _ember_meta = True

    # ------------------------------------------------------------ NumPy protocols
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if method == "at":
            return None  # in place (``np.add.at(out, index, values)``): nothing to write
        for k in ("where",):
            if isinstance(kwargs.get(k), np.ndarray):
                kwargs[k] = True  # a mask changes neither shape nor dtype
        if method == "__call__" and (ufunc.signature is None or ufunc is np.matmul):
            if ufunc is np.matmul:
                shape = _matmul_shape(*inputs[:2])
                stand = [_stand_in(x, 2) for x in inputs]
            else:
                shape = np.broadcast_shapes(*(np.shape(x) for x in inputs))
                stand = [_stand_in(x) for x in inputs]
            with np.errstate(all="ignore"):
                res = ufunc(*stand, **kwargs)
            if out is not None:
                _check_out(out, shape)
                return out[0] if len(out) == 1 else out
            perm = None
            if ufunc is not np.matmul and len(shape) > 1:
                # NumPy's 'K' order: the operands' common memory order, else C order
                perms = {_perm_of(x) for x in inputs
                         if isinstance(x, np.ndarray) and x.shape == shape}
                perm = perms.pop() if len(perms) == 1 else None
            if isinstance(res, tuple):
                return tuple(empty(shape, _result(r), perm) for r in res)
            return empty(shape, _result(res), perm)
        if method in ("reduce", "accumulate"):
            a = inputs[0]
            a = a if isinstance(a, np.ndarray) else np.asarray(a)
            axis = kwargs.get("axis", 0)
            stand = np.zeros(tuple(0 if s == 0 else 1 for s in a.shape), a.dtype)
            with np.errstate(all="ignore"):
                res = getattr(ufunc, method)(stand, **kwargs)
            if method == "reduce":
                shape = _reduced_shape(a.shape, axis, kwargs.get("keepdims", False))
            else:
                shape = a.shape
            if out is not None:
                return out[0] if len(out) == 1 else out
            return empty(shape, _result(res))
        if method == "outer":
            with np.errstate(all="ignore"):
                res = ufunc.outer(*[_stand_in(x) for x in inputs], **kwargs)
            if out is not None:
                return out[0]
            return empty(np.shape(inputs[0]) + np.shape(inputs[1]), _result(res))
        res = getattr(ufunc, method)(*_plain(inputs), **_plain(kwargs))
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _to_meta(res)

    def __array_function__(self, func, types_, args, kwargs):
        handler = _FUNCTIONS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        if func in _PASSTHROUGH:
            # views and compositions of ufuncs/methods, which keep meta arrays meta
            return super().__array_function__(func, types_, args, kwargs)
        if func in _IN_PLACE:
            return None
        out = kwargs.pop("out", None)
        plain_args, plain_kwargs = _plain(args), {k: _plain(v) for k, v in kwargs.items()}
        try:
            res = func(*plain_args, **plain_kwargs)
        except np.linalg.LinAlgError:
            # zeros are singular: ask again with identity matrices of the same shapes
            res = func(*_eye_like(plain_args), **plain_kwargs)
        if out is not None:
            return out
        return _to_meta(res)

    # ------------------------------------------------------------ data access: torch's errors
    # ``bool(arr)``, ``int(arr)``, ``arr.tolist()`` answer from the (zero) memory: op code that
    # branches on values (NaN checks, index bounds) takes one branch, and every branch gives
    # the same shapes. Users never get there: Tensor.item/__bool__/__index__ go through
    # ``item`` below, and Tensor.tolist/numpy/cpu through the device move, which raises.
    def item(self, *args):
        """Raises torch's error: a meta tensor has no values."""
        raise RuntimeError(ITEM_ERROR)

    def get(self, *args, **kwargs):
        """A host copy (zeros), as ``cupy.ndarray.get``, for op code that computes on the host
        and moves the result back with ``xp.asarray`` (which keeps only its shape and dtype).
        Tensor moves off the meta device raise torch's error before getting here."""
        return np.array(self.view(np.ndarray), copy=True)

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"

    __str__ = __repr__

    # ------------------------------------------------------------ copies without data
    def copy(self, order="C"):
        """A new meta array of the same shape and dtype (laid out per ``order``)."""
        return _like(self, order=order)

    def __copy__(self):
        return _like(self)

    def __deepcopy__(self, memo):
        return _like(self)

    def __reduce__(self):
        return (_rebuild, (self.shape, self.dtype.str))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """A meta array of the new dtype (``self`` when nothing changes and ``copy=False``)."""
        dtype = np.dtype(dtype)
        if not np.can_cast(self.dtype, dtype, casting):
            np.zeros(0, self.dtype).astype(dtype, casting=casting)  # NumPy's error
        if not copy and dtype == self.dtype:
            return self
        return _like(self, dtype, order)

    def reshape(self, *shape, order="C", copy=None):
        """A view when the strides allow one (as NumPy), else a new meta array."""
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
            shape = tuple(shape[0])
        if copy is not True:
            try:
                return np.ndarray.reshape(self, shape, order=order, copy=False)
            except ValueError:
                if copy is False:
                    raise
        # the target shape (-1 resolved) and NumPy's errors, from a zero-stride stand-in
        new = np.broadcast_to(np.zeros((), self.dtype), self.shape).reshape(shape, order=order)
        return empty(new.shape, self.dtype, tuple(range(new.ndim - 1, -1, -1))
                     if order == "F" and new.ndim > 1 else None)

    def ravel(self, order="C"):
        """``reshape(-1)``: a view when possible, else a new meta array."""
        return self.reshape(-1, order="C" if order in ("K", "A") else order)

    def flatten(self, order="C"):
        """A new 1-D meta array."""
        return empty((self.size,), self.dtype)

    def fill(self, value):
        """Nothing to fill."""

    def __setitem__(self, index, value):
        # in-place writes (x[i] = v, copy_, in-place ops) have nothing to write
        pass

    def __getitem__(self, index):
        idx = index if isinstance(index, tuple) else (index,)
        for i in idx:
            if isinstance(i, np.ndarray) and i.dtype == bool and i.ndim > 0:
                raise NotImplementedError(NONZERO_ERROR)
        res = np.ndarray.__getitem__(self, index)
        if not isinstance(res, np.ndarray):
            return empty((), self.dtype)
        if res.base is None and res.size * res.itemsize >= _MMAP_MIN:
            return _like(res)  # an advanced-indexing copy: drop its (zero) memory
        return res

    def nonzero(self):
        """Raises torch's error: the result's shape depends on the data."""
        raise NotImplementedError(NONZERO_ERROR)

    def sort(self, axis=-1, kind=None, order=None, stable=None):
        """In place: nothing to sort."""

    def partition(self, *args, **kwargs):
        """In place: nothing to partition."""

    def put(self, *args, **kwargs):
        """In place: nothing to write."""


def _rebuild(shape, dtype):
    return empty(shape, np.dtype(dtype))


def _computed_method(name):
    base = getattr(np.ndarray, name)

    def method(self, *args, **kwargs):
        out = kwargs.pop("out", None)
        res = base(self.view(np.ndarray), *_plain(args), **kwargs)
        return out if out is not None else _to_meta(res)
    method.__name__ = name
    method.__doc__ = f"``ndarray.{name}`` with a meta result (shape and dtype only)."
    return method


for _name in ("argmax", "argmin", "argsort", "argpartition", "searchsorted", "dot", "trace",
              "ptp", "cumsum", "cumprod", "take", "repeat", "choose", "diagonal", "round",
              "clip", "compress"):
    if hasattr(np.ndarray, _name):
        setattr(MetaArray, _name, _computed_method(_name))
MetaArray.diagonal = lambda self, *a, **k: np.ndarray.diagonal(self, *a, **k)  # a view
MetaArray.diagonal.__doc__ = "A view (as NumPy's)."


def _eye_like(args):
    out = []
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim >= 2 and a.shape[-1] == a.shape[-2]:
            a = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
        out.append(a)
    return out


# ---------------------------------------------------------------- NumPy functions on meta arrays


def _ascontiguousarray(a, dtype=None, **kw):
    if isinstance(a, MetaArray):
        if a.flags.c_contiguous and (dtype is None or np.dtype(dtype) == a.dtype):
            return a
        return empty(a.shape, a.dtype if dtype is None else dtype)
    return _array(a, dtype, order="C")


def _asfortranarray(a, dtype=None, **kw):
    a = _array(a, copy=False)
    if a.flags.f_contiguous and (dtype is None or np.dtype(dtype) == a.dtype):
        return a
    return _like(a, dtype, "F")


def _copy(a, order="K", subok=False):
    return _like(a, order=order) if isinstance(a, MetaArray) else _array(a, order=order)


def _new_like(prototype, dtype=None, order="K", subok=True, shape=None, **kw):
    a = prototype if isinstance(prototype, np.ndarray) else np.asarray(prototype)
    return _like(a, dtype, order, shape)


def _full_like(a, fill_value, dtype=None, order="K", subok=True, shape=None, **kw):
    return _new_like(a, dtype, order, subok, shape)


def _broadcast_to(array, shape, subok=False):
    return np.broadcast_to(_plain(array), shape).view(MetaArray)


def _broadcast_arrays(*args, subok=False):
    return tuple(r.view(MetaArray) for r in np.broadcast_arrays(*_plain(args)))


def _concatenate(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    dtypes = [_dtype_of(a) for a in arrays]
    shapes = [_shape_of(a) for a in arrays]
    if dtype is None:
        dtype = np.result_type(*dtypes)
    if axis is None:
        shape = (sum(math.prod(s) for s in shapes),)
    else:
        # NumPy's checks (and errors) on zero-stride stand-ins; the result has one element
        # along every axis but ``axis``, so it costs nothing
        nd = len(shapes[0]) if shapes else 0
        if nd == 0:
            np.concatenate([np.zeros(s) for s in shapes], axis=axis)  # NumPy's error
        ax = np.lib.array_utils.normalize_axis_index(axis, nd)
        for s in shapes:
            if len(s) != nd:
                np.concatenate([np.zeros((0,) * len(s)) for s in shapes], axis=ax)
        for j, s in enumerate(shapes[1:], 1):
            for i in range(nd):
                if i != ax and s[i] != shapes[0][i]:
                    raise ValueError(
                        "all the input array dimensions except for the concatenation axis must "
                        f"match exactly, but along dimension {i}, the array at index 0 has size "
                        f"{shapes[0][i]} and the array at index {j} has size {s[i]}")
        shape = list(shapes[0])
        shape[ax] = sum(s[ax] for s in shapes)
        shape = tuple(shape)
    if out is not None:
        return out
    return empty(shape, dtype)


def _stack(arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    arrays = list(arrays)
    if not arrays:
        raise ValueError("need at least one array to stack")
    shapes = {np.shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    ax = np.lib.array_utils.normalize_axis_index(axis, len(np.shape(arrays[0])) + 1)
    expanded = [_Shaped(np.shape(a)[:ax] + (1,) + np.shape(a)[ax:], _dtype_of(a))
                for a in arrays]
    res = _concatenate(expanded, axis=ax, dtype=dtype, casting=casting)
    return out if out is not None else res


class _Shaped:
    """Shape/dtype of an array for :func:`_concatenate` (no data)."""

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


def _shape_of(x):
    return x.shape if isinstance(x, (np.ndarray, _Shaped)) else np.shape(x)


def _dtype_of(x):
    return x.dtype if isinstance(x, (np.ndarray, _Shaped)) else np.asarray(x).dtype


def _where(condition, *xy):
    if not xy:
        raise NotImplementedError(NONZERO_ERROR)
    shape = np.broadcast_shapes(*(np.shape(v) for v in (condition,) + xy))
    res = np.where(True, *[_stand_in(v) for v in xy])
    return empty(shape, _result(res))


def _nonzero(*args, **kwargs):
    raise NotImplementedError(NONZERO_ERROR)


def _equal(*args, **kwargs):
    raise NotImplementedError(_NO_KERNEL.format("aten::equal"))


def _unique(*args, **kwargs):
    raise NotImplementedError(_NO_KERNEL.format("aten::_unique2"))


_FUNCTIONS = {
    np.ascontiguousarray: _ascontiguousarray,
    np.asfortranarray: _asfortranarray,
    np.copy: _copy,
    np.empty_like: _new_like,
    np.zeros_like: _new_like,
    np.ones_like: _new_like,
    np.full_like: _full_like,
    np.broadcast_to: _broadcast_to,
    np.broadcast_arrays: _broadcast_arrays,
    np.concatenate: _concatenate,
    np.stack: _stack,
    np.where: _where,
    np.nonzero: _nonzero,
    np.flatnonzero: _nonzero,
    np.argwhere: _nonzero,
    np.array_equal: _equal,
    np.array_equiv: _equal,
    np.unique: _unique,
    np.ravel: lambda a, order="C": a.ravel(order) if isinstance(a, MetaArray) else
    _to_meta(np.ravel(a, order)),
}
for _n in ("unique_values", "unique_counts", "unique_inverse", "unique_all"):
    if hasattr(np, _n):
        _FUNCTIONS[getattr(np, _n)] = _unique

_PASSTHROUGH = {getattr(np, n) for n in (
    "reshape", "transpose", "moveaxis", "swapaxes", "squeeze", "expand_dims", "atleast_1d",
    "atleast_2d", "atleast_3d", "diagonal", "real", "imag", "shape", "ndim", "size",
    "result_type", "may_share_memory", "shares_memory", "iscomplexobj", "isrealobj", "flip",
    "fliplr", "flipud", "rot90", "split", "array_split", "hsplit", "vsplit", "dsplit",
    "sum", "prod", "mean", "std", "var", "max", "min", "amax", "amin", "any", "all",
    "cumsum", "cumprod", "clip", "round", "around", "isclose", "tril", "triu", "diff",
    "nansum", "average", "matrix_transpose", "permute_dims", "astype",
    "take", "argmax", "argmin", "trace", "conj", "conjugate", "sort", "argsort",
    "outer", "roll", "tile", "repeat", "hstack", "vstack", "dstack", "column_stack",
    "meshgrid", "ptp") if hasattr(np, n)}
_IN_PLACE = {np.copyto, np.put_along_axis, np.place, np.putmask, np.fill_diagonal, np.put}


# ---------------------------------------------------------------- the array namespace ``xp``


def _shape(args):
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        return tuple(args[0])
    return tuple(args)


def _empty(shape, dtype=float, order="C", **kw):
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if order == "F" and len(shape) > 1:
        return empty(shape, dtype, tuple(range(len(shape) - 1, -1, -1)))
    return empty(shape, dtype)


def _full(shape, fill_value, dtype=None, order="C", **kw):
    if dtype is None:
        dtype = np.asarray(fill_value).dtype
    return _empty(shape, dtype, order)


def _array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, **kw):
    """``xp.array``/``xp.asarray``: a meta array with ``obj``'s shape and dtype (no data is
    taken from ``obj``: moving a CPU tensor to meta keeps only its metadata, as torch)."""
    if isinstance(obj, MetaArray):
        out = obj if dtype is None or np.dtype(dtype) == obj.dtype else obj.astype(dtype, order)
        if copy and out is obj:
            out = _like(obj, order=order)
    elif isinstance(obj, np.ndarray) or hasattr(obj, "__cuda_array_interface__"):
        out = _like(obj, dtype, order)  # a host or GPU array: only its metadata is taken
    else:
        out = _like(np.asarray(obj, dtype=dtype), dtype, order)
    while out.ndim < ndmin:
        out = out[None]
    return out


def _asarray(a, dtype=None, order=None, **kw):
    return _array(a, dtype, copy=False, order=order or "K")


def _eye(N, M=None, k=0, dtype=float, order="C", **kw):
    return _empty((N, N if M is None else M), dtype, order)


def _arange(*args, dtype=None, **kw):
    start, stop, step = 0, None, 1
    if len(args) == 1:
        stop = args[0]
    elif len(args) == 2:
        start, stop = args
    else:
        start, stop, step = args[:3]
    if stop is None:
        start, stop = 0, start
    n = max(0, int(math.ceil((stop - start) / step)))
    dt = np.arange(start, start + step, step, dtype=dtype).dtype if step else \
        np.arange(0, dtype=dtype).dtype
    return empty((n,), dt)


def _linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, **kw):
    dt = np.linspace(0.0, 1.0, 2, dtype=dtype).dtype if dtype is not None else \
        np.result_type(np.asarray(start), np.asarray(stop), float)
    out = empty((int(num),), dt)
    return (out, float("nan")) if retstep else out


def _tri(N, M=None, k=0, dtype=float, **kw):
    return empty((N, N if M is None else M), dtype)


def _as_strided(x, shape=None, strides=None, subok=False, writeable=True):
    from numpy.lib.stride_tricks import as_strided
    return as_strided(x, shape, strides, subok=isinstance(x, MetaArray), writeable=writeable)


def _sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    from numpy.lib.stride_tricks import sliding_window_view
    return sliding_window_view(x, window_shape, axis, subok=isinstance(x, MetaArray),
                               writeable=writeable)


def _asnumpy(a, *args, **kwargs):
    if isinstance(a, MetaArray):
        raise NotImplementedError(COPY_OUT_ERROR)
    return np.asarray(a)


class _Namespace(types.ModuleType):
    """NumPy, with creation functions that make meta arrays (NumPy's own functions already
    give meta results on meta arguments, through the protocols above)."""

    def __init__(self, name, target, overrides):
        super().__init__(name)
        self._target = target
        self.__dict__.update(overrides)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        val = getattr(self._target, name)
        setattr(self, name, val)
        return val


class _Special(types.ModuleType):
    """``xp._special``: the CPU's special functions (ufuncs, so they answer meta arguments)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        from .ops.elementwise import _special
        fn = _special(np, name)
        setattr(self, name, fn)
        return fn


_stride_tricks = _Namespace("ember._meta.xp.lib.stride_tricks", np.lib.stride_tricks, {
    "as_strided": _as_strided, "sliding_window_view": _sliding_window_view})

xp = _Namespace("ember._meta.xp", np, {
    "empty": _empty, "zeros": _empty, "ones": _empty, "full": _full,
    "empty_like": _new_like, "zeros_like": _new_like, "ones_like": _new_like,
    "full_like": _full_like, "array": _array, "asarray": _asarray, "asanyarray": _asarray,
    "ascontiguousarray": _ascontiguousarray, "asfortranarray": _asfortranarray,
    "copy": lambda a, order="K", **kw: _array(a, order=order),
    "eye": _eye, "identity": lambda n, dtype=float, **kw: _eye(n, dtype=dtype),
    "arange": _arange, "linspace": _linspace, "tri": _tri, "asnumpy": _asnumpy,
    "lib": _Namespace("ember._meta.xp.lib", np.lib, {"stride_tricks": _stride_tricks}),
    "_special": _Special("ember._meta.xp._special"),
    "_ember_meta": True,
})
xp.__doc__ = "The meta device's array module (``ember.device('meta').xp``)."
MetaArray._ember_meta_xp = xp


# ---------------------------------------------------------------- random numbers


class _MetaRNG:
    """Stands in for a NumPy ``Generator`` on the meta device: every draw is a meta array of
    the requested shape and dtype, and no state changes (torch's meta tensors draw nothing)."""

    _DTYPES = {"integers": np.int64, "permutation": np.int64, "choice": np.int64,
               "binomial": np.int64, "poisson": np.int64, "geometric": np.int64}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        default = self._DTYPES.get(name, np.float64)

        def draw(*args, size=None, dtype=None, out=None, **kwargs):
            if out is not None:
                return out
            if name == "permutation":
                x = args[0]
                if isinstance(x, (int, np.integer)):
                    return empty((int(x),), np.int64)
                return _array(x)
            if size is None and name in ("random", "standard_normal", "standard_exponential",
                                         "standard_gamma") and args:
                size = args[0]
            if size is None:
                # size is the last positional argument when given positionally
                shaped = [a for a in args if isinstance(a, (tuple, list))]
                size = shaped[-1] if shaped else ()
            return _empty(size, dtype if dtype is not None else default)
        return draw


class _MetaGenerator:
    """The generator of the meta device (``random._get(None, device('meta'))``)."""

    def __init__(self):
        from ._device import device
        self._rng = _MetaRNG()
        self.device = device("meta")

    def __repr__(self):
        return "<ember._meta.generator>"


generator = _MetaGenerator()


# ---------------------------------------------------------------- printing


def meta_repr(t, prefix="tensor("):
    """torch's repr of a meta tensor: ``tensor(..., device='meta', size=(2, 3))``.

    Args:
        t (Tensor): a meta tensor.
        prefix (str): the opening text.

    Example::

        >>> meta_repr(ember.zeros(2, 3, device="meta"))
        "tensor(..., device='meta', size=(2, 3))"
    """
    from . import _dtype as D
    from ._tensor_str import _add_suffixes
    suffixes = ["device='meta'", f"size={tuple(t._data.shape)}"]
    if t._dtype is not D.get_default_dtype():
        suffixes.append(f"dtype=torch.{t._dtype.name}")
    fn = t.grad_fn
    if fn is not None:
        suffixes.append(f"grad_fn=<{type(fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + "...", suffixes, len(prefix))
