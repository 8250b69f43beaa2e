"""Small helpers shared by the op modules: wrapping results, operand preparation."""
import numbers

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from .._device import get_xp


def wrap(arr, dtype=None):
    """A Tensor around an op's result array (keeps 0-d results arrays; rounds bfloat16)."""
    if not isinstance(arr, np.ndarray) and isinstance(arr, (np.generic, numbers.Number)):
        arr = np.asarray(arr)
    if dtype is None:
        return Tensor._wrap(arr, D.from_np(arr.dtype))
    if arr.dtype != dtype.np:
        arr = arr.astype(dtype.np)
    if dtype is D.bfloat16:
        arr = D.round_bf16(arr)
    return Tensor._wrap(arr, dtype)


def is_scalar(x):
    return isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, Tensor)


def xp_of(*xs):
    for x in xs:
        if isinstance(x, Tensor):
            return get_xp(x._data)
    return np


def prep_binary(a, b):
    """Bring ``a`` and ``b`` (tensors or Python scalars) to their common torch result dtype.

    Returns ``(a, b, dtype)``; tensors are cast (differentiably) when their dtype differs from
    the result's, Python scalars stay Python scalars (NumPy keeps them weakly typed).
    """
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    if ta and tb:
        if type(a._data) is not np.ndarray or type(b._data) is not np.ndarray:
            a, b = _same_device(a, b)
        if a._dtype is b._dtype:
            return a, b, a._dtype
        rt = D.result_type(a, b)
    elif ta:
        dt = a._dtype
        if type(b) is float and dt.is_floating_point:
            return a, b, dt
        if not is_scalar(b):
            b = _coerce(b, a)
            return prep_binary(a, b)
        rt = D.result_type(a, b)
        b = _scalar_to(b, rt)
    elif tb:
        if not is_scalar(a):
            a = _coerce(a, b)
            return prep_binary(a, b)
        rt = D.result_type(a, b)
        a = _scalar_to(a, rt)
    else:
        raise TypeError("expected at least one Tensor operand")
    if ta and a._dtype is not rt:
        a = a.to(rt)
    if tb and b._dtype is not rt:
        b = b.to(rt)
    return a, b, rt


def _scalar_to(s, rt):
    if isinstance(s, np.generic):
        s = s.item()
    if rt.is_floating_point:
        return float(s) if not isinstance(s, complex) else s
    if rt.is_complex:
        return complex(s)
    if rt is D.bool:
        return bool(s)
    if isinstance(s, bool):
        return int(s)
    return s


def _coerce(x, like):
    """Turn a non-tensor operand (list, ndarray) into a tensor on ``like``'s device."""
    from ..functions import as_tensor
    if isinstance(x, np.ndarray):
        return as_tensor(x, device=like.device)
    if isinstance(x, (list, tuple)):
        return as_tensor(x, device=like.device)
    raise TypeError(f"unsupported operand type(s): 'Tensor' and '{type(x).__name__}'")


def check_same_device(a, b):
    """Raise torch's error when tensors ``a`` and ``b`` live on different devices."""
    da, db = type(a._data), type(b._data)
    if da is not db or (da is not np.ndarray and a.device != b.device):
        devs = sorted({str(a.device), str(b.device)}, key=lambda s: (s == "cpu", s))
        raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                           f"two devices, {devs[0]} and {devs[1]}!")


def _same_device(a, b):
    """Operands of an elementwise op on one device: a 0-d cpu tensor joins the other operand's
    GPU (torch treats it like a scalar); any other mix raises torch's error."""
    da, db = a.device, b.device
    if da == db:
        return a, b
    if da.type == "cpu" and a._data.ndim == 0:
        return a.to(db), b
    if db.type == "cpu" and b._data.ndim == 0:
        return a, b.to(da)
    check_same_device(a, b)
    return a, b


def data_of(x):
    """The raw array of a Tensor, or the scalar itself."""
    return x._data if isinstance(x, Tensor) else x


def float_dtype_for(dt):
    """The dtype an op that needs floats computes in, for an input of dtype ``dt``."""
    return dt if (dt.is_floating_point or dt.is_complex) else D.get_default_dtype()


def normalize_dims(dim, ndim):
    """A tuple of non-negative axes from an int / sequence / None (None = all axes)."""
    from .._tensor import _wrap_dim
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        return (_wrap_dim(int(dim), ndim),)
    dims = tuple(_wrap_dim(int(d), ndim) for d in dim)
    seen = set()
    for d in dims:  # torch names the first (wrapped) dim that repeats
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)
    return dims
