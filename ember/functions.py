"""The public torch-level functions (``ember.add``, ``ember.cat``, ...), composed from the
primitives in ``ember.ops``. Tensor methods (``x.add(y)``) are these same functions.
"""
import builtins
import math
import numbers
from collections import namedtuple
import collections.abc as _abc

import numpy as np

from . import _dtype as D
from ._device import get_xp, to_device, CPU, _default_device_stack, on_device
from ._tensor import Tensor, Size, _wrap_dim
from .autograd.grad_mode import STATE
from .ops import elementwise as E, reduce as R, movement as M, indexing as I, linalg as L
from .ops._common import wrap, prep_binary, normalize_dims, check_same_device, float_dtype_for
from .ops.elementwise import where
from .random import _get as _gen
from ._switches import DEFAULT_DEVICE as _DEFAULT_DEVICE

_pyabs, _pymax, _pymin, _pysum, _pyround = builtins.abs, builtins.max, builtins.min, \
    builtins.sum, builtins.round
_pyrange = builtins.range  # ``range`` below is ember.range (torch's deprecated function)

# ============================================================================ creation


def _target_device(device):
    d = to_device(device)
    if d is None:
        if _default_device_stack:
            d = _default_device_stack[-1]
        else:
            d = _DEFAULT_DEVICE[0]  # ember.set_default_device
    return d


def _place(arr, device):
    """Move a NumPy array to ``device`` (a no-op for cpu)."""
    if device is None or device.type == "cpu":
        return arr
    with on_device(device):
        return device.xp.asarray(arr)


def _infer_dtype(data):
    """torch's dtype inference for nested Python data (``infer_scalar_type``): every leaf has
    a dtype -- a Python float the default dtype, an int int64, a bool bool, a complex the
    default complex dtype, a NumPy scalar or array its own dtype (``np.float64(1.5)`` is
    float64), a tensor its dtype -- and a sequence takes ``promote_types`` over its items
    (an empty one the default dtype). So ``[np.float64(1.5), 2.0]`` is float64 and
    ``[np.int32(1), 2]`` int64, as in torch."""
    default = D.get_default_dtype()

    def leaf(x):
        if isinstance(x, Tensor):
            return x._dtype
        if isinstance(x, (str, bytes)):
            raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
        if isinstance(x, np.generic):  # before float/int: np.float64 subclasses float
            return D.from_np(x.dtype)
        if isinstance(x, bool):
            return D.bool
        if isinstance(x, int):
            return D.int64
        if isinstance(x, float):
            return default
        if isinstance(x, builtins.complex):
            return D.complex128 if default is D.float64 else D.complex64
        if isinstance(x, np.ndarray):
            return D.from_np(x.dtype)
        if isinstance(x, (list, tuple)) or _is_sequence(x):  # deque, range, ... as torch
            out = None
            for v in x:
                d = leaf(v)
                if d is not out:
                    out = d if out is None else D.promote_types(out, d)
                    if out is D.complex128:
                        return out
            return default if out is None else out
        raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    first = data  # torch's shape pass follows first items: a str there nests forever
    while isinstance(first, (list, tuple)) or _is_sequence(first):
        if len(first) == 0:
            break
        first = first[0]
        if isinstance(first, str):
            raise ValueError("too many dimensions 'str'")
    return leaf(data)


def _is_sequence(x):
    """torch takes any Python sequence (PySequence_Check) as nested data, not only lists
    and tuples: a ``collections.deque`` of returns, a ``range``; strings and bytes are not
    data."""
    return isinstance(x, _abc.Sequence) and not isinstance(x, (str, bytes, bytearray))


def _to_numpy_nested(data, np_dtype):
    if not isinstance(data, (list, tuple, np.ndarray, Tensor)) and _is_sequence(data):
        data = list(data)
    if isinstance(data, (list, tuple)) and builtins.any(isinstance(v, Tensor) for v in data):
        return np.stack([_to_numpy_nested(v, np_dtype) for v in data]) if data else \
            np.zeros((0,), np_dtype)
    if isinstance(data, Tensor):
        return np.asarray(data.detach().cpu()._data, dtype=np_dtype)
    try:
        return np.array(data, dtype=np_dtype)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists to build a tensor ({e})") \
            from None


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Make a new tensor (always a copy) from data: a number, (nested) list, NumPy array or tensor.

    Args:
        data: the values. Python floats become the default dtype (float32), ints int64,
            bools bool; NumPy arrays keep their dtype.
        dtype (ember.dtype, optional): the element type.
        device (str or ember.device, optional): where to put it.
        requires_grad (bool): record operations on it for autograd.
        pin_memory (bool): accepted for torch compatibility.

    Example::

        >>> ember.tensor([1.5, 2.0])
        tensor([1.5000, 2.0000])
        >>> ember.tensor([[1, 2], [3, 4]]).dtype
        torch.int64
    """
    if isinstance(data, Tensor):
        import warnings
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than "
                      "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
        t = data.detach().clone()
        if dtype is not None:
            t = t.to(D.to_dtype(dtype))
        if device is not None:
            t = t.to(device)
        return t.requires_grad_(requires_grad) if requires_grad else t
    dt = D.to_dtype(dtype)
    dev = _target_device(device)
    if isinstance(data, np.generic):
        data = np.asarray(data)
    xp = get_xp(data) if hasattr(data, "__cuda_array_interface__") else np
    if isinstance(data, np.ndarray):
        src_dt = D.from_np(data.dtype)
        dt = dt or src_dt
        arr = np.array(data, dtype=dt.np, copy=True)
    elif xp is not np:
        dt = dt or D.from_np(data.dtype)
        arr = xp.array(data, dtype=dt.np, copy=True)
    else:
        if dt is None:
            dt = _infer_dtype(data)
        arr = _to_numpy_nested(data, dt.np)
    if dt is D.bfloat16:
        arr = D.round_bf16(arr)
    t = Tensor._wrap(_place(arr, dev), dt)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None):
    """Convert data to a tensor, sharing memory when possible (tensors and NumPy arrays).

    Args:
        data: tensor, NumPy array, list or number.
        dtype (ember.dtype, optional): the element type (a different one copies).
        device (str or ember.device, optional): the target device.

    Example::

        >>> a = np.array([1, 2])
        >>> t = ember.as_tensor(a); a[0] = 5; t
        tensor([5, 2])
    """
    dt = D.to_dtype(dtype)
    if isinstance(data, Tensor):
        out = data
        if dt is not None and dt is not data._dtype:
            out = out.to(dt)
        if device is not None:
            out = out.to(device)
        return out
    if isinstance(data, np.generic):
        data = np.asarray(data)  # NumPy scalars keep their dtype, as in torch
    if isinstance(data, np.ndarray) and (dt is None or dt.np == data.dtype) and \
            (device is None or to_device(device).type == "cpu"):
        return from_numpy(data) if dt is not D.bfloat16 else tensor(data, dtype=dt)
    return tensor(data, dtype=dt, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor that shares memory with a NumPy array (changes show in both).

    Args:
        ndarray (numpy.ndarray): the array; its dtype is kept (float64 stays float64).

    Example::

        >>> ember.from_numpy(np.array([1.0, 2.0])).dtype
        torch.float64
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._wrap(ndarray, D.from_np(ndarray.dtype))


def _shape_arg(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"expected a sequence of integers for the size, got "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def _filled(fill, size, dtype, device, requires_grad):
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    dev = _target_device(device)
    xp = dev.xp if dev is not None else np
    with on_device(dev):
        if fill == 0 or fill is None:
            arr = xp.zeros(size, dtype=dt.np)
        elif fill == 1:
            arr = xp.ones(size, dtype=dt.np)
        else:
            arr = xp.full(size, fill, dtype=dt.np)
    t = Tensor._wrap(arr, dt)
    return t.requires_grad_() if requires_grad else t


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with the scalar 0, of the shape given by ``size``.

    Args:
        *size (int...): the shape, as separate ints (``zeros(2, 3)``) or one sequence
            (``zeros((2, 3))``, ``zeros(x.shape)``).
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> ember.zeros(2, dtype=ember.int64)
        tensor([0, 0])
    """
    return _out(out, _filled(0, _shape_arg(size), dtype, device, requires_grad))


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with the scalar 1, of the shape given by ``size``.

    Args:
        *size (int...): the shape, as separate ints or one sequence.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.ones(2, 3)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
        >>> ember.ones(2, dtype=ember.bool)
        tensor([True, True])
    """
    return _out(out, _filled(1, _shape_arg(size), dtype, device, requires_grad))


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """An uninitialised tensor of the shape given by ``size``.

    torch leaves the memory uninitialised; ember fills it with zeros (never rely on either).

    Args:
        *size (int...): the shape, as separate ints or one sequence.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        pin_memory (bool, optional): accepted for torch compatibility (ignored).
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.empty(2, 3).shape
        torch.Size([2, 3])
    """
    return _out(out, _filled(0, _shape_arg(size), dtype, device, requires_grad))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``.

    When ``dtype`` is None the dtype is inferred from ``fill_value`` as torch does: a bool
    gives bool, an int gives int64, a float gives the default float dtype.

    Args:
        size (int or sequence of int): the shape.
        fill_value (number or 0-d Tensor): the value of every element.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: inferred from
            ``fill_value``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> ember.full((2,), 1.5)
        tensor([1.5000, 1.5000])
    """
    if dtype is None:
        dtype = D._scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor)
                                else fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    t = _filled(None, _shape_arg((size,) if isinstance(size, int) else tuple(size)), dtype,
                device, False)
    t._data[...] = fill_value
    return _out(out, t.requires_grad_() if requires_grad else t)


def _like(fn, input, dtype, device, requires_grad, *extra):
    dt = dtype if dtype is not None else input._dtype
    dev = device if device is not None else input.device
    return fn(tuple(input.shape), *extra, dtype=dt, device=dev, requires_grad=requires_grad)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """A tensor of zeros with the shape (and, by default, dtype and device) of ``input``.

    ``ember.zeros_like(x)`` is ``ember.zeros(x.shape, dtype=x.dtype, device=x.device)``. The
    result is a new tensor: it shares no memory and no autograd history with ``input``.

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.zeros_like(ember.ones(2, 3, dtype=ember.int64))
        tensor([[0, 0, 0],
                [0, 0, 0]])
    """
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """A tensor of ones with the shape (and, by default, dtype and device) of ``input``.

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.ones_like(ember.zeros(2))
        tensor([1., 1.])
        >>> ember.ones_like(ember.zeros(2), dtype=ember.int32)
        tensor([1, 1], dtype=torch.int32)
    """
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """An uninitialised tensor with the shape (and by default dtype, device) of ``input``.

    ember fills it with zeros (torch leaves it uninitialised: never rely on the values).

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.empty_like(ember.ones(3, 2)).shape
        torch.Size([3, 2])
    """
    return _like(zeros, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """A tensor filled with ``fill_value``, shaped like ``input``.

    Unlike :func:`ember.full`, the dtype defaults to ``input.dtype`` (the value is cast).

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy.
        fill_value (number): the value of every element.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.full_like(ember.zeros(2), 3.5)
        tensor([3.5000, 3.5000])
        >>> ember.full_like(ember.zeros(2, dtype=ember.int64), 3.7)
        tensor([3, 3])
    """
    return full(tuple(input.shape), fill_value, dtype=dtype if dtype is not None else input.dtype,
                device=device if device is not None else input.device,
                requires_grad=requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """A 1-D tensor of the values ``start, start + step, ...`` up to ``end`` (exclusive).

    With one argument, it is the end: ``arange(5)`` is ``arange(0, 5)``. The length is
    ``ceil((end - start) / step)``. Like ``range``, ``end`` is not included; beware of
    floating-point steps, where rounding can add or drop the last value.

    Args:
        start (number): the first value (or the end, when it is the only argument).
            Default: 0.
        end (number): the end of the interval, exclusive.
        step (number): the gap between consecutive values (may be negative, not 0).
            Default: 1.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: int64 when ``start``,
            ``end`` and ``step`` are all ints, else the default float dtype.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> ember.arange(1, 4)
        tensor([1, 2, 3])
        >>> ember.arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    dt = D.to_dtype(dtype)
    if dt is None:
        dt = D.int64 if builtins.all(isinstance(v, (int, np.integer)) for v in vals) \
            else D.get_default_dtype()
    n = int(math.ceil((end - start) / step))
    if dt.is_floating_point:
        arr = (start + np.arange(n, dtype=np.float64) * step).astype(dt.np)
    else:
        arr = (start + np.arange(n, dtype=np.int64) * step).astype(dt.np)
    t = Tensor._wrap(_place(arr, _target_device(device)), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """A 1-D tensor of ``steps`` evenly spaced values from ``start`` to ``end``, both included.

    The values are ``start + i * (end - start) / (steps - 1)`` for ``i = 0 .. steps - 1``.

    Args:
        start (number or 0-d Tensor): the first value.
        end (number or 0-d Tensor): the last value.
        steps (int): how many values (>= 0).
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
        >>> ember.linspace(-1, 1, steps=3)
        tensor([-1.,  0.,  1.])
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # torch computes from both ends for symmetry
    idx = np.arange(steps, dtype=np.float64)
    if steps > 1:
        step = (end - start) / (steps - 1)
        half = steps // 2
        arr = np.where(idx < half, start + step * idx, end - step * (steps - 1 - idx))
    else:
        arr = np.full(steps, start, dtype=np.float64)
    if not dt.is_floating_point:
        arr = np.trunc(arr) if not dt.is_complex else arr
    t = Tensor._wrap(_place(arr.astype(dt.np), _target_device(device)), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """A 1-D tensor of ``steps`` values from ``base ** start`` to ``base ** end``, on a log scale.

    The exponents are ``ember.linspace(start, end, steps)``.

    Args:
        start (number): the first exponent.
        end (number): the last exponent.
        steps (int): how many values.
        base (float): the base of the logarithm. Default: 10.0.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
        >>> ember.logspace(0, 3, 4, base=2)
        tensor([1., 2., 4., 8.])
    """
    lin = linspace(start, end, steps, dtype=D.float64)
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    t = Tensor._wrap(_place(np.power(base, lin._data).astype(dt.np), _target_device(device)), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A 2-D tensor with ones on the main diagonal and zeros elsewhere.

    Args:
        n (int): the number of rows.
        m (int, optional): the number of columns. Default: ``n``.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: the default float dtype
            (``ember.get_default_dtype()``, float32 unless changed).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor. Default: the
            current default device (cpu).
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.

    Example::

        >>> ember.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
        >>> ember.eye(2, 3, dtype=ember.int64)
        tensor([[1, 0, 0],
                [0, 1, 0]])
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    dev = _target_device(device)
    xp = dev.xp if dev is not None else np
    with on_device(dev):
        t = Tensor._wrap(xp.eye(n, n if m is None else m, dtype=dt.np), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def _out(out, result):
    """Support for ``out=``: copy the result into ``out`` (resizing as torch does)."""
    if out is None:
        return result
    if tuple(out.shape) != tuple(result.shape):
        out._data = out.device.xp.empty(result._data.shape, dtype=out._dtype.np)
    out._data[...] = result._data.astype(out._dtype.np, copy=False)
    out._version_box[0] += 1
    return out


def _writes_out(fn):
    """Decorator: give ``fn`` (which computes a new result) torch's ``out=`` behaviour."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        res = fn(*args, **kwargs)
        if out is None:
            return res
        return _out_tuple(out, res) if isinstance(res, tuple) else _out(out, res)
    return wrapper


def _out_tuple(out, results):
    """``out=`` for functions returning several tensors: fill each of ``out`` from ``results``
    (resizing as torch does) and return them in ``results``' (named) tuple type."""
    if out is None:
        return results
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f"out= expects a tuple of {len(results)} tensors, got "
                        f"{type(out).__name__}" + (f" of length {len(out)}"
                                                   if isinstance(out, (tuple, list)) else ""))
    filled = [_out(o, r) for o, r in zip(out, results)]
    return type(results)(*filled) if hasattr(results, "_fields") else tuple(filled)


# ============================================================================ random


def _rand_tensor(arr, dtype, device, requires_grad):
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    if dt is D.bfloat16:
        arr = D.round_bf16(arr.astype(np.float32))
    t = Tensor._wrap(_place(arr.astype(dt.np, copy=False), _target_device(device)), dt)
    return t.requires_grad_() if requires_grad else t


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor of random numbers drawn uniformly from the interval ``[0, 1)``.

    ember's random streams differ from torch's (NumPy's PCG64, not mt19937), but seeding works
    the same way: after ``ember.manual_seed(s)`` the same calls give the same numbers.

    Args:
        *size (int...): the shape, as separate ints or one sequence.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator (seeded by ``ember.manual_seed``).
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): a floating element type. Default: the default float
            dtype.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        pin_memory (bool, optional): accepted for torch compatibility (ignored).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> x = ember.rand(2, 3)
        >>> x.shape, bool(((x >= 0) & (x < 1)).all())
        (torch.Size([2, 3]), True)
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    rng = _gen(generator, _target_device(device))._rng
    if dt.is_complex:  # torch: real and imaginary parts each uniform on [0, 1)
        arr = _complex_pairs(rng.random, _shape_arg(size), dt)
    else:
        arr = rng.random(_shape_arg(size), dtype=np.float64 if dt is D.float64 else np.float32)
    return _out(out, _rand_tensor(arr, dt, device, requires_grad))


def _complex_pairs(draw, shape, dt):
    """A complex array of ``shape`` whose real and imaginary parts are consecutive draws."""
    shape = tuple(shape)
    pairs = draw(shape + (2,), dtype=np.float64 if dt is D.complex128 else np.float32)
    return pairs.view(dt.np).reshape(shape)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """A tensor of random numbers from the standard normal distribution (mean 0, variance 1).

    Args:
        *size (int...): the shape, as separate ints or one sequence.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator (seeded by ``ember.manual_seed``).
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): a floating element type. Default: the default float
            dtype.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        pin_memory (bool, optional): accepted for torch compatibility (ignored).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> a = ember.randn(2, 3)
        >>> _ = ember.manual_seed(0)
        >>> ember.equal(a, ember.randn(2, 3))
        True
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    rng = _gen(generator, _target_device(device))._rng
    if dt.is_complex:  # torch: real and imaginary parts each normal with variance 1/2
        arr = _complex_pairs(rng.standard_normal, _shape_arg(size), dt)
        arr *= math.sqrt(0.5)
    else:
        arr = rng.standard_normal(_shape_arg(size),
                                  dtype=np.float64 if dt is D.float64 else np.float32)
    return _out(out, _rand_tensor(arr, dt, device, requires_grad))


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False):
    """A tensor of random integers drawn uniformly from ``[low, high)``.

    As in torch, ``randint(high, size)`` (two positional arguments) means ``low = 0``.

    Args:
        low (int): the lowest value that can be drawn. Default: 0.
        high (int): one above the highest value that can be drawn.
        size (tuple of int): the shape.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: int64.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): accepted for torch compatibility. Default: ``False``.

    Example::

        >>> x = ember.randint(0, 10, (3,))
        >>> x.dtype, x.shape, bool(((x >= 0) & (x < 10)).all())
        (torch.int64, torch.Size([3]), True)
        >>> ember.randint(3, (2, 2)).shape
        torch.Size([2, 2])
        >>> ember.randint(3, size=(2,)).shape
        torch.Size([2])
    """
    if size is None:
        low, high, size = 0, low, high
    elif high is None and low != 0:  # randint(high, size=...); low=0 alone is no bound
        low, high = 0, low
    if high is None or size is None:
        raise TypeError("randint() missing required arguments: 'high' and 'size' (use "
                        "randint(high, size) or randint(low, high, size))")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    dt = D.to_dtype(dtype) or D.int64
    arr = _gen(generator, _target_device(device))._rng.integers(
        low, high, size=_shape_arg((size,) if isinstance(size, int) else tuple(size)))
    t = Tensor._wrap(_place(arr.astype(dt.np), _target_device(device)), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of the integers ``0 .. n - 1``.

    Args:
        n (int): the length (the upper bound, exclusive).
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type. Default: int64.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): accepted for torch compatibility. Default: ``False``.
        pin_memory (bool, optional): accepted for torch compatibility (ignored).

    Example::

        >>> p = ember.randperm(4)
        >>> p.dtype, sorted(p.tolist())
        (torch.int64, [0, 1, 2, 3])
    """
    dt = D.to_dtype(dtype) or D.int64
    arr = _gen(generator, _target_device(device))._rng.permutation(int(n)).astype(dt.np)
    return _out(out, Tensor._wrap(_place(arr, _target_device(device)), dt))


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Uniform random numbers from ``[0, 1)`` with the shape (dtype, device) of ``input``.

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy; must be floating
            unless ``dtype`` is given.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.rand_like(ember.zeros(2, 3)).shape
        torch.Size([2, 3])
    """
    return rand(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Standard normal random numbers with the shape (dtype, device) of ``input``.

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy; must be floating
            unless ``dtype`` is given.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.randn_like(ember.zeros(2, dtype=ember.float64)).dtype
        torch.float64
    """
    return randn(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """Random integers from ``[low, high)`` with the shape (dtype, device) of ``input``.

    As in torch, ``randint_like(x, high)`` (one bound) means ``low = 0``.

    Args:
        input (Tensor): the tensor whose shape (dtype, device) to copy.
        low (int): the lowest value that can be drawn. Default: 0.
        high (int): one above the highest value that can be drawn.
        dtype (ember.dtype, optional): the element type. Default: ``input.dtype``.
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): the device. Default: ``input.device``.
        requires_grad (bool, optional): whether autograd records operations on the result.
            Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> x = ember.randint_like(ember.zeros(3, dtype=ember.int64), 5)
        >>> x.dtype, bool(((x >= 0) & (x < 5)).all())
        (torch.int64, True)
    """
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype,
                   device=device or input.device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False):
    """Random numbers from normal distributions with the given means and standard deviations.

    ``mean`` and ``std`` may be numbers or tensors (broadcast together); with two numbers a
    ``size`` is required. The result never requires grad (sampling is not differentiable).

    Args:
        mean (float or Tensor): the mean(s). Default: 0.0.
        std (float or Tensor): the standard deviation(s), >= 0. Default: 1.0.
        size (tuple of int, optional): the shape, when ``mean`` and ``std`` are numbers.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.
        out (Tensor, optional): write the result into this tensor (resized if needed).
        dtype (ember.dtype, optional): the element type (number arguments only).
        layout (ember.layout, optional): only ``ember.strided`` (dense) is supported.
        device (str or ember.device, optional): where to allocate the tensor.
        requires_grad (bool, optional): accepted for torch compatibility. Default: ``False``.

    Example::

        >>> ember.normal(0.0, 1.0, size=(2, 3)).shape
        torch.Size([2, 3])
        >>> ember.normal(ember.zeros(4), 0.0)
        tensor([0., 0., 0., 0.])
    """
    ref_dev = mean.device if isinstance(mean, Tensor) else std.device if isinstance(
        std, Tensor) else _target_device(device)
    rng = _gen(generator, ref_dev)._rng
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        m = mean if isinstance(mean, Tensor) else None
        s = std if isinstance(std, Tensor) else None
        ref = m if m is not None else s
        shape = np.broadcast_shapes(tuple(m.shape) if m is not None else (),
                                    tuple(s.shape) if s is not None else ())
        z = rng.standard_normal(shape).astype(ref._dtype.np)
        res = Tensor._wrap(_place(z, ref.device), ref._dtype)
        return _out(out, (res * std + mean).detach())
    if size is None:
        raise TypeError("normal() missing required argument 'size'")
    return _out(out, randn(size, generator=generator, dtype=dtype, device=device) * std + mean)


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draw 0 or 1 for each element, 1 with the probability held in ``input`` (or ``p``).

    The result has ``input``'s shape and dtype and is not differentiable.

    Args:
        input (Tensor): probabilities in ``[0, 1]`` (floating).
        p (float, optional): one probability for every element, used instead of the values
            of ``input`` (which then only gives the shape and dtype).
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.bernoulli(ember.tensor([1.0, 0.0, 1.0]))
        tensor([1., 0., 1.])
        >>> ember.bernoulli(ember.zeros(3), p=1.0)
        tensor([1., 1., 1.])
    """
    probs = input._data if p is None else np.full(input._data.shape, p)
    u = _gen(generator, input.device)._rng.random(input._data.shape)
    xp = get_xp(input._data)
    host_p = probs.get() if hasattr(probs, "get") else probs
    return _out(out, wrap(xp.asarray(u < np.asarray(host_p))
                          .astype(input._dtype.np), input._dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Sample indices from the categorical distributions given by the rows of ``input``.

    The weights need not sum to 1 (they are normalised) but must be non-negative, finite and
    not all zero. Without replacement, each row must have at least ``num_samples`` non-zero
    weights.

    Args:
        input (Tensor): non-negative weights, 1-D (one distribution) or 2-D (one row per
            distribution).
        num_samples (int): how many indices to draw per row.
        replacement (bool): draw with replacement. Default: ``False``.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.
        out (Tensor, optional): write the result into this tensor.

    Returns:
        Tensor: int64 indices of shape ``(num_samples,)`` or ``(rows, num_samples)``.

    Example::

        >>> ember.multinomial(ember.tensor([0., 1., 0.]), 2, replacement=True)
        tensor([1, 1])
        >>> sorted(ember.multinomial(ember.tensor([1., 1., 0.]), 2).tolist())
        [0, 1]
    """
    src = input.detach()._data
    if type(src) is not np.ndarray:
        return _out(out, Tensor._wrap(_multinomial_device(src, num_samples, replacement,
                                                          generator, input.device), D.int64))
    w = src.astype(np.float64)
    one = w.ndim == 1
    w2 = w.reshape(1, -1) if one else w
    if (w2 < 0).any() or not np.isfinite(w2).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if not replacement and num_samples > w2.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rng = _gen(generator, input.device)._rng
    rows = []
    for row in w2:
        s = row.sum()
        if s <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if replacement:
            rows.append(rng.choice(len(row), size=num_samples, replace=True, p=row / s))
        else:
            # Gumbel top-k: sampling without replacement proportional to weights
            with np.errstate(divide="ignore"):
                keys = np.log(row) - np.log(-np.log(rng.random(len(row))))
            rows.append(np.argsort(-keys, kind="stable")[:num_samples])
    arr = np.stack(rows).astype(np.int64)
    if one:
        arr = arr[0]
    return _out(out, Tensor._wrap(_place(arr, input.device), D.int64))


def _multinomial_device(src, num_samples, replacement, generator, device):
    """``multinomial`` on a CuPy (or meta) array: the weights stay on the device; only the
    uniform numbers (drawn on the host by the device's generator, as every ember draw) move
    there. On meta nothing is checked or drawn, as torch's meta kernel."""
    xp = get_xp(src)
    one = src.ndim == 1
    shape = (num_samples,) if one else (src.shape[0], num_samples)
    if getattr(src, "_ember_meta", False):
        return xp.empty(shape, np.int64)
    with on_device(device):
        w = (src.reshape(1, -1) if one else src).astype(np.float64)
        rows, k = w.shape
        if builtins.bool(xp.any((w < 0) | ~xp.isfinite(w))):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if not replacement and num_samples > k:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                               "replacement")
        if builtins.bool(xp.any(w.sum(1) <= 0)):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        rng = _gen(generator, device)._rng
        if replacement:
            # inverse CDF, as NumPy's Generator.choice
            c = xp.cumsum(w, axis=1)
            cdf = c / c[:, -1:]
            u = xp.asarray(rng.random((rows, num_samples)))
            arr = xp.stack([xp.searchsorted(cdf[r], u[r], side="right")
                            for r in _pyrange(rows)])
            arr = xp.minimum(arr, k - 1)
        else:
            # Gumbel top-k: sampling without replacement proportional to the weights
            u = xp.asarray(rng.random((rows, k)))
            with np.errstate(divide="ignore"):
                keys = xp.log(w) - xp.log(-xp.log(u))
            arr = xp.argsort(-keys, axis=1)[:, :num_samples]
        arr = arr.astype(np.int64)
        return arr[0] if one else arr


def poisson(input, generator=None):
    """Draw from Poisson distributions whose rates are the elements of ``input``.

    Args:
        input (Tensor): the rates (>= 0).
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Returns:
        Tensor: counts with ``input``'s shape and dtype.

    Example::

        >>> ember.poisson(ember.zeros(3))
        tensor([0., 0., 0.])
    """
    if getattr(input._data, "_ember_meta", False):
        # a meta tensor has no rates: nothing is drawn (the generators stay put), as torch
        return Tensor._wrap(get_xp(input._data).empty(input._data.shape, input._dtype.np),
                            input._dtype)
    rates = input.detach().cpu()._data
    arr = _gen(generator, input.device)._rng.poisson(rates).astype(input._dtype.np)
    return Tensor._wrap(_place(arr, input.device), input._dtype)


# ============================================================================ arithmetic


def add(input, other, *, alpha=1, out=None):
    """Add ``other``, scaled by ``alpha``, to ``input``: ``out = input + alpha * other``.

    Supports broadcasting and type promotion: the result dtype is
    ``ember.result_type(input, other)`` (Python numbers are "weak": ``int_tensor * 2.5`` is
    float32, ``float32_tensor * 2`` stays float32). Differentiable in both operands; the gradient is
    summed back to each operand's shape.

    Args:
        input (Tensor or number): the first operand.
        other (Tensor or number): the second operand.
        alpha (number): the multiplier for ``other``. Default: 1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.add(ember.tensor([1, 2]), 1.5)
        tensor([2.5000, 3.5000])
        >>> ember.add(ember.tensor([1, 2]), ember.tensor([10, 20]), alpha=2)
        tensor([21, 42])
    """
    if alpha != 1:
        other = mul(other, alpha)
    return _out(out, E.binary(E.Add, input, other))


def sub(input, other, *, alpha=1, out=None):
    """Subtract ``other``, scaled by ``alpha``, from ``input``: ``out = input - alpha * other``.

    Supports broadcasting and type promotion: the result dtype is
    ``ember.result_type(input, other)`` (Python numbers are "weak": ``int_tensor * 2.5`` is
    float32, ``float32_tensor * 2`` stays float32). Bools cannot be subtracted, as in torch
    (use ``^``/``logical_xor``, or ``~`` to invert a mask). ``ember.subtract`` is an alias.

    Args:
        input (Tensor or number): the minuend.
        other (Tensor or number): the subtrahend.
        alpha (number): the multiplier for ``other``. Default: 1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.sub(ember.tensor([3.0, 5.0]), 1)
        tensor([2., 4.])
        >>> ember.sub(ember.tensor([3, 5]), ember.tensor([1, 1]), alpha=2)
        tensor([1, 3])
    """
    ib = input._dtype is D.bool if isinstance(input, Tensor) else type(input) is bool
    ob = other._dtype is D.bool if isinstance(other, Tensor) else type(other) is bool
    if ib or ob:  # (torch: a Python bool counts as a bool tensor here)
        if ib and ob:
            raise NotImplementedError("Subtraction, the `-` operator, with two bool tensors is "
                                      "not supported. Use the `^` or `logical_xor()` operator "
                                      "instead.")
        raise NotImplementedError("Subtraction, the `-` operator, with a bool tensor is not "
                                  "supported. If you are trying to invert a mask, use the `~` "
                                  "or `logical_not()` operator instead.")
    if alpha != 1:
        other = mul(other, alpha)
    return _out(out, E.binary(E.Sub, input, other))


subtract = sub


def rsub(input, other, *, alpha=1):
    """Reversed subtraction: ``other - alpha * input``.

    Args:
        input (Tensor or number): the operand that is subtracted (scaled by ``alpha``).
        other (Tensor or number): the operand subtracted from.
        alpha (number): the multiplier for ``input``. Default: 1.

    Example::

        >>> ember.rsub(ember.tensor([1, 2]), 10)
        tensor([9, 8])
    """
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None):
    """Multiply ``input`` by ``other`` elementwise.

    Supports broadcasting and type promotion: the result dtype is
    ``ember.result_type(input, other)`` (Python numbers are "weak": ``int_tensor * 2.5`` is
    float32, ``float32_tensor * 2`` stays float32). ``ember.multiply`` is an alias.

    Args:
        input (Tensor or number): the first factor.
        other (Tensor or number): the second factor.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.mul(ember.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
        >>> ember.mul(ember.tensor([[1], [2]]), ember.tensor([1, 10]))
        tensor([[ 1, 10],
                [ 2, 20]])
    """
    return _out(out, E.binary(E.Mul, input, other))


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Divide ``input`` by ``other`` elementwise, optionally rounding the quotient.

    With ``rounding_mode=None`` this is true division, as Python's ``/``: integer inputs give
    a floating result (the default float dtype). ``'trunc'`` rounds towards zero (C-style) and
    ``'floor'`` rounds down (Python's ``//``); both keep integer dtypes, and integer division
    by zero raises. Broadcasting and type promotion apply. ``ember.divide`` and
    ``ember.true_divide`` are aliases.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor.
        rounding_mode (str, optional): ``None``, ``'trunc'`` or ``'floor'``. Default: None.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.div(ember.tensor([5, -5]), 2)
        tensor([ 2.5000, -2.5000])
        >>> ember.div(ember.tensor([5, -5]), 2, rounding_mode='trunc')
        tensor([ 2, -2])
        >>> ember.div(ember.tensor([5, -5]), 2, rounding_mode='floor')
        tensor([ 2, -3])
    """
    if rounding_mode is None:
        a, b, rt = prep_binary(input, other)
        if not (rt.is_floating_point or rt.is_complex):
            ft = D.get_default_dtype()
            a = a.to(ft) if isinstance(a, Tensor) else float(a)
            b = b.to(ft) if isinstance(b, Tensor) else float(b)
            rt = ft
        return _out(out, E.Div.apply(a, b, dtype_=rt))
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    a, b, rt = prep_binary(input, other)
    if rt.is_floating_point:
        q = E.Div.apply(a, b, dtype_=rt)
        return _out(out, q.trunc() if rounding_mode == "trunc" else q.floor())
    xa = a._data if isinstance(a, Tensor) else a
    xb = b._data if isinstance(b, Tensor) else b
    xp = get_xp(xa if isinstance(a, Tensor) else xb)  # stay on the operands' device
    if bool((xb == 0).any() if isinstance(b, Tensor) else xp.asarray(xb == 0)):
        raise RuntimeError("ZeroDivisionError")
    if rounding_mode == "floor":
        res = xp.floor_divide(xa, xb)
    else:
        q = xp.floor_divide(xa, xb)
        res = xp.where((xp.remainder(xa, xb) != 0) & ((xa < 0) != (xb < 0)), q + 1, q)
    return _out(out, wrap(xp.asarray(res), rt))


divide = div
true_divide = div


def floor_divide(input, other, *, out=None):
    """Divide and round down: ``floor(input / other)`` (Python's ``//``, the ``//`` operator).

    Same as ``ember.div(input, other, rounding_mode='floor')`` (torch >= 1.13 semantics):
    integer inputs stay integer. Broadcasting and type promotion apply.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.floor_divide(ember.tensor([7, -7]), 2)
        tensor([ 3, -4])
        >>> ember.tensor([7.5]) // 2
        tensor([3.])
    """
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None):
    """Python-style modulus: ``input - floor(input / other) * other`` (the ``%`` operator).

    The result has the sign of the divisor ``other`` (compare :func:`ember.fmod`).
    Broadcasting and type promotion apply.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.remainder(ember.tensor([-3, 3]), 2)
        tensor([1, 1])
        >>> ember.tensor([-3.5, 3.5]) % -2
        tensor([-1.5000, -0.5000])
    """
    return _out(out, E.binary(E.Remainder, input, other))


def fmod(input, other, *, out=None):
    """C-style modulus: ``input - trunc(input / other) * other``.

    The result has the sign of the dividend ``input`` (compare :func:`ember.remainder`).
    Broadcasting and type promotion apply.

    Args:
        input (Tensor or number): the dividend.
        other (Tensor or number): the divisor.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.fmod(ember.tensor([-3, 3]), 2)
        tensor([-1,  1])
    """
    return _out(out, E.binary(E.Fmod, input, other))


def pow(input, exponent, *, out=None):  # noqa: A001
    """Raise ``input`` to the power ``exponent`` elementwise (the ``**`` operator).

    Either operand may be a tensor (broadcast together) or a number. Integer tensors raised to
    negative integer powers raise an error, as in torch. Differentiable in both operands.

    Args:
        input (Tensor or number): the base.
        exponent (Tensor or number): the exponent.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.pow(ember.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
        >>> ember.pow(2, ember.tensor([1, 2, 3]))
        tensor([2, 4, 8])
    """
    return _out(out, E.binary(E.Pow, input, exponent))


def float_power(input, exponent):
    """``input ** exponent`` computed in double precision (the result is float64).

    Args:
        input (Tensor or number): the base.
        exponent (Tensor or number): the exponent.

    Example::

        >>> ember.float_power(ember.tensor([2, 3]), 2)
        tensor([4., 9.], dtype=torch.float64)
    """
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def neg(input, *, out=None):
    """The negative of each element: ``-input``.

    Not defined for bool tensors (use ``~`` or ``logical_not``). ``ember.negative`` is an
    alias.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.neg(ember.tensor([1, -2]))
        tensor([-1,  2])
    """
    return _out(out, E.unary("neg", input))


negative = neg


def maximum(input, other, *, out=None):
    """The elementwise maximum of ``input`` and ``other``.

    NaN propagates (if either value is NaN the result is NaN; see :func:`ember.fmax`).
    Broadcasting and type promotion apply. Where both values tie, the gradient is split
    evenly between them.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.maximum(ember.tensor([1, 5]), ember.tensor([3, 2]))
        tensor([3, 5])
    """
    return _out(out, E.binary(E.Maximum, input, other))


def minimum(input, other, *, out=None):
    """The elementwise minimum of ``input`` and ``other``.

    NaN propagates (see :func:`ember.fmin` to ignore it). Broadcasting and type promotion
    apply.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.minimum(ember.tensor([1, 5]), ember.tensor([3, 2]))
        tensor([1, 2])
    """
    return _out(out, E.binary(E.Minimum, input, other))


def fmax(input, other):
    """The elementwise maximum of ``input`` and ``other``, ignoring NaN.

    Where exactly one of the two values is NaN, the other one is taken (NumPy's ``fmax``);
    NaN only where both are NaN.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Example::

        >>> ember.fmax(ember.tensor([1.0, float('nan')]), ember.tensor([float('nan'), 2.0]))
        tensor([1., 2.])
    """
    a, b, rt = prep_binary(input, other)
    return where(isnan(b) | (a >= b), a, b) if isinstance(b, Tensor) else maximum(a, b)


def fmin(input, other):
    """The elementwise minimum of ``input`` and ``other``, ignoring NaN.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Example::

        >>> ember.fmin(ember.tensor([1.0, float('nan')]), ember.tensor([float('nan'), 2.0]))
        tensor([1., 2.])
    """
    a, b, rt = prep_binary(input, other)
    return where(isnan(b) | (a <= b), a, b) if isinstance(b, Tensor) else minimum(a, b)


def atan2(input, other, *, out=None):
    """The elementwise arctangent of ``input / other``, in the quadrant of ``(other, input)``.

    ``input`` is the y coordinate and ``other`` the x coordinate; the result is in
    ``[-pi, pi]``. Integer inputs give a float result. ``ember.arctan2`` is an alias.

    Args:
        input (Tensor): the y coordinates.
        other (Tensor): the x coordinates (broadcastable with ``input``).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.atan2(ember.tensor([1.0, 1.0]), ember.tensor([1.0, -1.0]))
        tensor([0.7854, 2.3562])
    """
    a, b, rt = prep_binary(input, other)
    if not rt.is_floating_point:
        a, b, rt = a.float(), b.float(), D.get_default_dtype()
    return _out(out, E.Atan2.apply(a, b, dtype_=rt))


arctan2 = atan2


# docstring text of the one-line unary ops below: (summary, what else to know)
_FLOAT_OUT = "Integer and bool inputs give a result of the default float dtype."
_UNARY_DOC = {
    "exp": ("The exponential ``e ** x`` of each element.", _FLOAT_OUT),
    "exp2": ("``2 ** x`` for each element.", _FLOAT_OUT),
    "expm1": ("``exp(x) - 1`` for each element, accurate for small ``x``.", _FLOAT_OUT),
    "log": ("The natural logarithm of each element.",
            "0 gives ``-inf`` and negative values NaN. " + _FLOAT_OUT),
    "log2": ("The base-2 logarithm of each element.", _FLOAT_OUT),
    "log10": ("The base-10 logarithm of each element.", _FLOAT_OUT),
    "log1p": ("``log(1 + x)`` for each element, accurate for small ``x``.", _FLOAT_OUT),
    "sqrt": ("The square root of each element.", "Negative values give NaN. " + _FLOAT_OUT),
    "rsqrt": ("The reciprocal of the square root, ``1 / sqrt(x)``, of each element.",
              _FLOAT_OUT),
    "reciprocal": ("The reciprocal ``1 / x`` of each element.", _FLOAT_OUT),
    "sin": ("The sine of each element (in radians).", _FLOAT_OUT),
    "cos": ("The cosine of each element (in radians).", _FLOAT_OUT),
    "tan": ("The tangent of each element (in radians).", _FLOAT_OUT),
    "asin": ("The arcsine of each element, in radians. ``ember.arcsin`` is an alias.",
             "Values outside ``[-1, 1]`` give NaN. " + _FLOAT_OUT),
    "acos": ("The arccosine of each element, in radians. ``ember.arccos`` is an alias.",
             "Values outside ``[-1, 1]`` give NaN. " + _FLOAT_OUT),
    "atan": ("The arctangent of each element, in radians. ``ember.arctan`` is an alias.",
             _FLOAT_OUT),
    "sinh": ("The hyperbolic sine of each element.", _FLOAT_OUT),
    "cosh": ("The hyperbolic cosine of each element.", _FLOAT_OUT),
    "tanh": ("The hyperbolic tangent of each element.",
             "The result lies in ``(-1, 1)``. " + _FLOAT_OUT),
    "asinh": ("The inverse hyperbolic sine of each element. ``ember.arcsinh`` is an alias.",
              _FLOAT_OUT),
    "acosh": ("The inverse hyperbolic cosine of each element. ``ember.arccosh`` is an alias.",
              "Values below 1 give NaN. " + _FLOAT_OUT),
    "atanh": ("The inverse hyperbolic tangent of each element. ``ember.arctanh`` is an alias.",
              "Values outside ``[-1, 1]`` give NaN. " + _FLOAT_OUT),
    "sigmoid": ("The logistic sigmoid ``1 / (1 + exp(-x))`` of each element.",
                "The result lies in ``(0, 1)``; its derivative is ``s * (1 - s)``. "
                "``ember.special_expit`` is an alias. " + _FLOAT_OUT),
    "erf": ("The error function of each element.", _FLOAT_OUT),
    "erfc": ("The complementary error function ``1 - erf(x)`` of each element.", _FLOAT_OUT),
    "erfinv": ("The inverse error function of each element.",
               "Defined on ``(-1, 1)``; +-1 give +-inf. " + _FLOAT_OUT),
    "lgamma": ("The natural logarithm of the absolute value of the gamma function.",
               _FLOAT_OUT),
    "digamma": ("The digamma function (the derivative of ``lgamma``) of each element.",
                _FLOAT_OUT),
    "relu": ("The rectified linear unit ``max(x, 0)`` of each element.",
             "The dtype is kept. As torch, the gradient at exactly 0 is 0."),
    "abs": ("The absolute value of each element. ``ember.absolute`` is an alias.",
            "The dtype is kept (complex inputs give their real magnitude dtype)."),
    "floor": ("Round each element down to the nearest integer.",
              "The dtype is kept; the gradient is zero."),
    "ceil": ("Round each element up to the nearest integer.",
             "The dtype is kept; the gradient is zero."),
    "trunc": ("Round each element towards zero (drop the fractional part). "
              "``ember.fix`` is an alias.", "The dtype is kept; the gradient is zero."),
    "frac": ("The fractional part ``x - trunc(x)`` of each element.",
             "The sign of the input is kept: ``frac(-1.5) == -0.5``."),
    "square": ("The square ``x * x`` of each element.",
               "The dtype is kept, except bool which gives int64 (as torch)."),
}


def _unary_fn(name, doc_example):
    def fn(input, *, out=None):
        return _out(out, E.unary(name, input))
    fn.__name__ = name
    fn.__qualname__ = name
    summary, notes = _UNARY_DOC[name]
    import textwrap
    notes = "\n    ".join(textwrap.wrap(f"{notes} The method form is ``x.{name}()``.", 88))
    fn.__doc__ = f"""{summary}

    {notes}

    Args:
        input (Tensor): the input tensor.
        out (Tensor, optional): write the result into this tensor (resized if needed).

    Example::

        {doc_example}
    """
    return fn


exp = _unary_fn("exp", ">>> ember.exp(ember.tensor([0.0]))\n        tensor([1.])")
exp2 = _unary_fn("exp2", ">>> ember.exp2(ember.tensor([3.0]))\n        tensor([8.])")
expm1 = _unary_fn("expm1", ">>> ember.expm1(ember.tensor([0.0]))\n        tensor([0.])")
log = _unary_fn("log", ">>> ember.log(ember.tensor([1.0]))\n        tensor([0.])")
log2 = _unary_fn("log2", ">>> ember.log2(ember.tensor([8.0]))\n        tensor([3.])")
log10 = _unary_fn("log10", ">>> ember.log10(ember.tensor([10.0]))\n        tensor([1.])")
log1p = _unary_fn("log1p", ">>> ember.log1p(ember.tensor([0.0]))\n        tensor([0.])")
sqrt = _unary_fn("sqrt", ">>> ember.sqrt(ember.tensor([4.0]))\n        tensor([2.])")
rsqrt = _unary_fn("rsqrt", ">>> ember.rsqrt(ember.tensor([4.0]))\n        tensor([0.5000])")
reciprocal = _unary_fn("reciprocal", ">>> ember.reciprocal(ember.tensor([2.0]))\n"
                                     "        tensor([0.5000])")
sin = _unary_fn("sin", ">>> ember.sin(ember.tensor([0.0]))\n        tensor([0.])")
cos = _unary_fn("cos", ">>> ember.cos(ember.tensor([0.0]))\n        tensor([1.])")
tan = _unary_fn("tan", ">>> ember.tan(ember.tensor([0.0]))\n        tensor([0.])")
asin = _unary_fn("asin", ">>> ember.asin(ember.tensor([0.0]))\n        tensor([0.])")
acos = _unary_fn("acos", ">>> ember.acos(ember.tensor([1.0]))\n        tensor([0.])")
atan = _unary_fn("atan", ">>> ember.atan(ember.tensor([0.0]))\n        tensor([0.])")
sinh = _unary_fn("sinh", ">>> ember.sinh(ember.tensor([0.0]))\n        tensor([0.])")
cosh = _unary_fn("cosh", ">>> ember.cosh(ember.tensor([0.0]))\n        tensor([1.])")
tanh = _unary_fn("tanh", ">>> ember.tanh(ember.tensor([0.0]))\n        tensor([0.])")
asinh = _unary_fn("asinh", ">>> ember.asinh(ember.tensor([0.0]))\n        tensor([0.])")
acosh = _unary_fn("acosh", ">>> ember.acosh(ember.tensor([1.0]))\n        tensor([0.])")
atanh = _unary_fn("atanh", ">>> ember.atanh(ember.tensor([0.0]))\n        tensor([0.])")
sigmoid = _unary_fn("sigmoid", ">>> ember.sigmoid(ember.tensor([0.0]))\n"
                               "        tensor([0.5000])")
erf = _unary_fn("erf", ">>> ember.erf(ember.tensor([0.0]))\n        tensor([0.])")
erfc = _unary_fn("erfc", ">>> ember.erfc(ember.tensor([0.0]))\n        tensor([1.])")
erfinv = _unary_fn("erfinv", ">>> ember.erfinv(ember.tensor([0.0]))\n        tensor([0.])")
lgamma = _unary_fn("lgamma", ">>> ember.lgamma(ember.tensor([1.0]))\n        tensor([0.])")
digamma = _unary_fn("digamma", ">>> ember.digamma(ember.tensor([1.0]))\n"
                               "        tensor([-0.5772])")
relu = _unary_fn("relu", ">>> ember.relu(ember.tensor([-1.0, 2.0]))\n        tensor([0., 2.])")
abs = _unary_fn("abs", ">>> ember.abs(ember.tensor([-1, 2]))\n        tensor([1, 2])")  # noqa
floor = _unary_fn("floor", ">>> ember.floor(ember.tensor([1.5]))\n        tensor([1.])")
ceil = _unary_fn("ceil", ">>> ember.ceil(ember.tensor([1.5]))\n        tensor([2.])")
trunc = _unary_fn("trunc", ">>> ember.trunc(ember.tensor([-1.5]))\n        tensor([-1.])")
frac = _unary_fn("frac", ">>> ember.frac(ember.tensor([1.25]))\n        tensor([0.2500])")
_square_kept = _unary_fn("square", ">>> ember.square(ember.tensor([3]))\n        tensor([9])\n"
                                   "        >>> ember.square(ember.tensor([True])).dtype\n"
                                   "        torch.int64")


def square(input, *, out=None):
    if isinstance(input, Tensor) and input._dtype is D.bool:
        input = input.to(D.int64)  # torch: bool squares to int64
    return _square_kept(input, out=out)


square.__doc__ = _square_kept.__doc__
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
absolute = abs
fix = trunc
special_expit = sigmoid


def sign(input, *, out=None):
    """The sign of each element: -1, 0 or 1 (bool tensors are returned unchanged).

    The gradient of ``sign`` is zero everywhere.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.sign(ember.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    if input._dtype is D.bool:
        return input.clone()
    return _out(out, E.unary("sign", input))


def sgn(input):
    """The sign of each element; for complex tensors ``z / |z|`` (0 where ``z`` is 0).

    For real tensors this is :func:`ember.sign`.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.sgn(ember.tensor([-2, 0, 5]))
        tensor([-1,  0,  1])
        >>> ember.sgn(ember.tensor([3+4j]))
        tensor([0.6000+0.8000j])
    """
    if input._dtype.is_complex:
        return E.Sgn.apply(input)
    return sign(input)


def round(input, *, decimals=0, out=None):  # noqa: A001
    """Round each element to the nearest integer, or to ``decimals`` decimal places.

    Halfway values round to the nearest even number ("banker's rounding"), as in torch and
    NumPy. The result keeps the input dtype. The gradient is zero.

    Args:
        input (Tensor): the input.
        decimals (int): the number of decimal places (may be negative). Default: 0.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.round(ember.tensor([0.5, 1.5, 2.7]))
        tensor([0., 2., 3.])
        >>> ember.round(ember.tensor([1.25, 17.0]), decimals=-1)
        tensor([ 0., 20.])
    """
    if decimals:
        s = 10.0 ** decimals
        return _out(out, E.unary("round", input * s) / s)
    return _out(out, E.unary("round", input))


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    """Clamp every element into the range ``[min, max]``.

    ``out = min(max(input, min), max)``; either bound may be omitted (not both). Bounds may be
    numbers or tensors (broadcast). If ``min > max`` every element becomes ``max``. The
    gradient flows only where the input lies inside the bounds. ``ember.clip`` is an alias.

    Args:
        input (Tensor): the input.
        min (number or Tensor, optional): the lower bound.
        max (number or Tensor, optional): the upper bound.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.clamp(ember.tensor([-2.0, 0.5, 3.0]), min=-1, max=1)
        tensor([-1.0000,  0.5000,  1.0000])
        >>> ember.clamp(ember.tensor([1, 5, 9]), max=6)
        tensor([1, 5, 6])
    """
    return _out(out, E.clamp(input, min, max))


clip = clamp


def clamp_min(input, min):  # noqa: A002
    """Clamp every element from below: ``ember.clamp(input, min=min)``.

    Args:
        input (Tensor): the input.
        min (number or Tensor): the lower bound.

    Example::

        >>> ember.clamp_min(ember.tensor([-1.0, 2.0]), 0)
        tensor([0., 2.])
    """
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    """Clamp every element from above: ``ember.clamp(input, max=max)``.

    Args:
        input (Tensor): the input.
        max (number or Tensor): the upper bound.

    Example::

        >>> ember.clamp_max(ember.tensor([-1.0, 2.0]), 0)
        tensor([-1.,  0.])
    """
    return clamp(input, max=max)


def lerp(input, end, weight):
    """Linear interpolation: ``input + weight * (end - input)``.

    Args:
        input (Tensor): the start points.
        end (Tensor): the end points (broadcastable with ``input``).
        weight (float or Tensor): the interpolation weight(s); 0 gives ``input``, 1 gives
            ``end``.

    Example::

        >>> ember.lerp(ember.tensor([0.0, 1.0]), ember.tensor([10.0, 2.0]), 0.25)
        tensor([2.5000, 1.2500])
    """
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2`` elementwise (with broadcasting).

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the first factor.
        tensor2 (Tensor): the second factor.
        value (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.addcmul(ember.ones(2), ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]),
        ...               value=0.5)
        tensor([2.5000, 5.0000])
    """
    return input + value * tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2`` elementwise (with broadcasting).

    Args:
        input (Tensor): the tensor to add to.
        tensor1 (Tensor): the numerator.
        tensor2 (Tensor): the denominator.
        value (number): the multiplier for the quotient. Default: 1.

    Example::

        >>> ember.addcdiv(ember.ones(2), ember.tensor([1.0, 2.0]), ember.tensor([4.0, 4.0]),
        ...               value=2)
        tensor([1.5000, 2.0000])
    """
    return input + value * tensor1 / tensor2


def hypot(input, other):
    """The hypotenuse ``sqrt(input ** 2 + other ** 2)`` elementwise.

    Args:
        input (Tensor): the first leg.
        other (Tensor): the second leg (broadcastable with ``input``).

    Example::

        >>> ember.hypot(ember.tensor([3.0, 5.0]), ember.tensor([4.0, 12.0]))
        tensor([ 5., 13.])
    """
    return sqrt(input * input + other * other)


def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` elementwise, computed without overflow.

    Useful for adding probabilities held as logarithms.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand (broadcastable with ``input``).

    Example::

        >>> ember.logaddexp(ember.tensor([-100.0, 0.0]), ember.tensor([-100.0, 0.0]))
        tensor([-99.3069,   0.6931])
    """
    m = maximum(input, other).detach()
    m = where(isfinite(m), m, zeros_like(m))
    return ((input - m).exp() + (other - m).exp()).log() + m


def xlogy(input, other):
    """``input * log(other)`` elementwise, defined as 0 where ``input`` is 0.

    So ``xlogy(0, 0) == 0`` (NaN in ``other`` still propagates). Either operand may be a
    Python number; integer inputs give the default float dtype. The gradient w.r.t.
    ``input`` is ``log(other)``, taken as 0 where ``input == 0`` and ``other <= 0`` (torch's
    value; the gradient w.r.t. ``other`` is ``input / other``).

    Args:
        input (Tensor or number): the multiplier.
        other (Tensor or number): the argument of the logarithm.

    Example::

        >>> ember.xlogy(ember.tensor([0.0, 2.0]), ember.tensor([5.0, 1.0]))
        tensor([0., 0.])
        >>> ember.xlogy(ember.tensor([0.0, 2.0]), 3)
        tensor([0.0000, 2.1972])
    """
    from .ops import special_ops as S
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("xlogy() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, {type(other).__name__}), but expected at "
                        "least one Tensor")
    return S.xlog(S.Xlogy, input, other)


def softmax(input, dim, dtype=None, *, _stacklevel=3):
    """Softmax along ``dim``: ``exp(x) / exp(x).sum(dim, keepdim=True)``, computed stably.

    The values along ``dim`` are non-negative and sum to 1. The maximum is subtracted first,
    so large inputs do not overflow. Integer inputs need ``dtype``.

    Args:
        input (Tensor): the input (floating).
        dim (int): the dimension along which the result sums to 1.
        dtype (ember.dtype, optional): cast the input to this dtype first (e.g. to compute a
            float16 softmax in float32).

    Example::

        >>> ember.softmax(ember.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
        >>> ember.softmax(ember.tensor([[1.0, 1.0], [0.0, 1000.0]]), dim=1)
        tensor([[0.5000, 0.5000],
                [0.0000, 1.0000]])
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError('"softmax_lastdim_kernel_impl" not implemented for '
                           f"'{_type_label(input._dtype)}'")
    return R.Softmax.apply(input, _wrap_dim(dim, input.ndim))


def log_softmax(input, dim, dtype=None, *, _stacklevel=3):
    """Log of the softmax along ``dim``: ``x - logsumexp(x, dim, keepdim=True)``.

    More accurate than ``softmax(x).log()`` (no underflow to ``log(0)``); the usual input of
    ``nn.NLLLoss``.

    Args:
        input (Tensor): the input (floating).
        dim (int): the dimension along which softmax is computed.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.log_softmax(ember.tensor([0.0, 0.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    if dtype is not None:
        input = input.to(dtype)
    return R.LogSoftmax.apply(input, _wrap_dim(dim, input.ndim))


def _type_label(dt):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half",
            "bfloat16": "BFloat16"}.get(dt.name, dt.name)


# ============================================================================ comparisons


def _compare(op, input, other):
    a, b, rt = prep_binary(input, other)
    xa = a._data if isinstance(a, Tensor) else a
    xb = b._data if isinstance(b, Tensor) else b
    with np.errstate(invalid="ignore"):
        return wrap(op(xa, xb), D.bool)


def eq(input, other, *, out=None):
    """Elementwise ``input == other`` (the ``==`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor. NaN is not equal to
    anything, itself included. See :func:`ember.equal` for a single True/False.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.eq(ember.tensor([1, 2]), 2)
        tensor([False,  True])
        >>> ember.tensor([1.0, float('nan')]) == ember.tensor([1.0, float('nan')])
        tensor([ True, False])
    """
    return _out(out, _compare(np.equal, input, other))


def ne(input, other, *, out=None):
    """Elementwise ``input != other`` (the ``!=`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor. ``ember.not_equal``
    is an alias.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.ne(ember.tensor([1, 2]), 2)
        tensor([ True, False])
    """
    return _out(out, _compare(np.not_equal, input, other))


def lt(input, other, *, out=None):
    """Elementwise ``input < other`` (the ``<`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor. ``ember.less``
    is an alias.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.lt(ember.tensor([1, 2, 3]), 2)
        tensor([ True, False, False])
    """
    return _out(out, _compare(np.less, input, other))


def le(input, other, *, out=None):
    """Elementwise ``input <= other`` (the ``<=`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor.
    ``ember.less_equal`` is an alias.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.le(ember.tensor([1, 2, 3]), 2)
        tensor([ True,  True, False])
    """
    return _out(out, _compare(np.less_equal, input, other))


def gt(input, other, *, out=None):
    """Elementwise ``input > other`` (the ``>`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor. ``ember.greater``
    is an alias.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.gt(ember.tensor([1, 2, 3]), ember.tensor([3, 2, 1]))
        tensor([False, False,  True])
    """
    return _out(out, _compare(np.greater, input, other))


def ge(input, other, *, out=None):
    """Elementwise ``input >= other`` (the ``>=`` operator).

    Broadcasting and type promotion apply; the result is a bool tensor.
    ``ember.greater_equal`` is an alias.

    Args:
        input (Tensor): the tensor to compare.
        other (Tensor or number): the value(s) to compare with (broadcastable).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.ge(ember.tensor([1, 2, 3]), 2)
        tensor([False,  True,  True])
    """
    return _out(out, _compare(np.greater_equal, input, other))


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other):
    """``True`` if both tensors have the same shape and the same elements, else ``False``.

    Returns a Python bool (compare :func:`ember.eq`, which is elementwise). Values of
    different dtypes are compared after promotion.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2]))
        True
        >>> ember.equal(ember.tensor([1, 2]), ember.tensor([[1, 2]]))
        False
    """
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool((eq(input, other))._data.all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``True`` if ``|input - other| <= atol + rtol * |other|`` for every element.

    A Python bool; the tensors are broadcast together. Use it to compare floating results
    (``==`` is too strict for rounding errors).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.
        rtol (float): the relative tolerance. Default: 1e-05.
        atol (float): the absolute tolerance. Default: 1e-08.
        equal_nan (bool): treat two NaNs as equal. Default: ``False``.

    Example::

        >>> ember.allclose(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
        True
        >>> ember.allclose(ember.tensor([1.0]), ember.tensor([1.1]))
        False
    """
    # .item(): a Python bool (on meta tensors torch's "cannot be called on meta tensors")
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all().item())


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise test ``|input - other| <= atol + rtol * |other|``, as a bool tensor.

    Args:
        input (Tensor): the first tensor.
        other (Tensor or number): the second operand (broadcastable).
        rtol (float): the relative tolerance. Default: 1e-05.
        atol (float): the absolute tolerance. Default: 1e-08.
        equal_nan (bool): treat two NaNs as close. Default: ``False``.

    Example::

        >>> ember.isclose(ember.tensor([1.0, 2.0, float('nan')]), ember.tensor([1.0, 2.5, float('nan')]))
        tensor([ True, False, False])
        >>> ember.isclose(ember.tensor([float('nan')]), ember.tensor([float('nan')]), equal_nan=True)
        tensor([True])
    """
    a, b, rt = prep_binary(input, other)
    xa = a._data if isinstance(a, Tensor) else a
    xb = b._data if isinstance(b, Tensor) else b
    return wrap(get_xp(input._data).isclose(xa, xb, rtol=rtol, atol=atol, equal_nan=equal_nan),
                D.bool)


def isnan(input):
    """Elementwise test for NaN, as a bool tensor.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isnan(ember.tensor([1.0, float('nan')]))
        tensor([False,  True])
    """
    return wrap(get_xp(input._data).isnan(input._data), D.bool)


def isinf(input):
    """Elementwise test for positive or negative infinity, as a bool tensor.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isinf(ember.tensor([1.0, float('inf'), -float('inf'), float('nan')]))
        tensor([False,  True,  True, False])
    """
    return wrap(get_xp(input._data).isinf(input._data), D.bool)


def isposinf(input):
    """Elementwise test for positive infinity, as a bool tensor.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isposinf(ember.tensor([1.0, float('inf'), -float('inf')]))
        tensor([False,  True, False])
    """
    return wrap(get_xp(input._data).isposinf(input._data), D.bool)


def isneginf(input):
    """Elementwise test for negative infinity, as a bool tensor.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isneginf(ember.tensor([1.0, float('inf'), -float('inf')]))
        tensor([False, False,  True])
    """
    return wrap(get_xp(input._data).isneginf(input._data), D.bool)


def isfinite(input):
    """Elementwise test for finite values (not infinite and not NaN), as a bool tensor.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isfinite(ember.tensor([1.0, float('inf'), float('nan')]))
        tensor([ True, False, False])
    """
    return wrap(get_xp(input._data).isfinite(input._data), D.bool)


def isreal(input):
    """Elementwise test for a zero imaginary part, as a bool tensor (all True for real dtypes).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.isreal(ember.tensor([1+0j, 1+1j]))
        tensor([ True, False])
    """
    return wrap(get_xp(input._data).isreal(input._data), D.bool)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN, positive and negative infinity with finite numbers.

    By default NaN becomes 0 and the infinities become the largest/smallest finite value of
    the dtype. Non-floating tensors are returned as a copy.

    Args:
        input (Tensor): the input.
        nan (float): the value for NaN. Default: 0.0.
        posinf (float, optional): the value for +inf. Default: the dtype's largest value.
        neginf (float, optional): the value for -inf. Default: the dtype's smallest value.

    Example::

        >>> ember.nan_to_num(ember.tensor([float('nan'), 1.0]))
        tensor([0., 1.])
        >>> ember.nan_to_num(ember.tensor([float('inf'), -float('inf')]), posinf=9.0, neginf=-9.0)
        tensor([ 9., -9.])
    """
    if not input._dtype.is_floating_point:
        return input.clone()
    fi = np.finfo(input._dtype.np)
    pi = fi.max if posinf is None else posinf
    ni = fi.min if neginf is None else neginf
    x = where(isnan(input), full_like(input, nan), input)
    x = where(isposinf(input), full_like(input, pi), x)
    return where(isneginf(input), full_like(input, ni), x)


def _logical(op, input, other=None):
    xa = input._data.astype(bool) if isinstance(input, Tensor) else bool(input)
    if other is None:
        return wrap(op(xa), D.bool)
    xb = other._data.astype(bool) if isinstance(other, Tensor) else bool(other)
    return wrap(op(xa, xb), D.bool)


def logical_and(input, other):
    """Elementwise logical AND.

    Any nonzero value counts as True. The result is a bool tensor; operands broadcast.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Example::

        >>> ember.logical_and(ember.tensor([True, True, False]), ember.tensor([True, False, False]))
        tensor([ True, False, False])
        >>> ember.logical_and(ember.tensor([0, 1, 2]), ember.tensor([1, 1, 0]))
        tensor([False,  True, False])
    """
    return _logical(np.logical_and, input, other)


def logical_or(input, other):
    """Elementwise logical OR.

    Any nonzero value counts as True. The result is a bool tensor; operands broadcast.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Example::

        >>> ember.logical_or(ember.tensor([True, False, False]), ember.tensor([False, False, True]))
        tensor([ True, False,  True])
    """
    return _logical(np.logical_or, input, other)


def logical_xor(input, other):
    """Elementwise logical XOR (True where exactly one operand is nonzero).

    Any nonzero value counts as True. The result is a bool tensor; operands broadcast.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand.

    Example::

        >>> ember.logical_xor(ember.tensor([True, True, False]), ember.tensor([True, False, False]))
        tensor([False,  True, False])
    """
    return _logical(np.logical_xor, input, other)


def logical_not(input):
    """Elementwise logical NOT (True where the input is zero), as a bool tensor.

    Args:
        input (Tensor): the input; any nonzero value counts as True.

    Example::

        >>> ember.logical_not(ember.tensor([True, False]))
        tensor([False,  True])
        >>> ember.logical_not(ember.tensor([0, 3]))
        tensor([ True, False])
    """
    return _logical(np.logical_not, input)


def _bitwise(op, name, input, other=None):
    a, b, rt = prep_binary(input, other) if other is not None else (input, None, input._dtype)
    if rt.is_floating_point or rt.is_complex:
        raise RuntimeError(f'"{name}_cpu" not implemented for \'{_type_label(rt)}\'')
    xa = a._data if isinstance(a, Tensor) else a
    if other is None:
        return wrap(op(xa), rt)
    xb = b._data if isinstance(b, Tensor) else b
    return wrap(op(xa, xb), rt)


def bitwise_and(input, other):
    """Elementwise bitwise AND (the ``&`` operator); logical AND for bool tensors.

    Only integer and bool tensors (floating inputs raise). Operands broadcast and promote.

    Args:
        input (Tensor): the first operand.
        other (Tensor or int): the second operand.

    Example::

        >>> ember.bitwise_and(ember.tensor([12, 10]), ember.tensor([10, 6]))
        tensor([8, 2])
    """
    return _bitwise(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    """Elementwise bitwise OR (the ``|`` operator); logical OR for bool tensors.

    Only integer and bool tensors (floating inputs raise). Operands broadcast and promote.

    Args:
        input (Tensor): the first operand.
        other (Tensor or int): the second operand.

    Example::

        >>> ember.bitwise_or(ember.tensor([12, 10]), ember.tensor([10, 6]))
        tensor([14, 14])
    """
    return _bitwise(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    """Elementwise bitwise XOR (the ``^`` operator); logical XOR for bool tensors.

    Only integer and bool tensors (floating inputs raise). Operands broadcast and promote.

    Args:
        input (Tensor): the first operand.
        other (Tensor or int): the second operand.

    Example::

        >>> ember.bitwise_xor(ember.tensor([12, 10]), ember.tensor([10, 6]))
        tensor([ 6, 12])
    """
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other)


def bitwise_not(input):
    """Elementwise bitwise NOT (the ``~`` operator); logical NOT for bool tensors.

    Only integer and bool tensors. For signed integers ``~x == -x - 1``.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.bitwise_not(ember.tensor([0, 5, -1]))
        tensor([-1, -6,  0])
        >>> ember.bitwise_not(ember.tensor([True, False]))
        tensor([False,  True])
    """
    return _bitwise(np.invert, "bitwise_not", input)


def bitwise_left_shift(input, other):
    """Shift the bits of integer ``input`` left by ``other`` (the ``<<`` operator).

    ``input << other`` equals ``input * 2 ** other`` while nothing overflows.

    Args:
        input (Tensor): the integer values to shift.
        other (Tensor or int): the shift amounts.

    Example::

        >>> ember.bitwise_left_shift(ember.tensor([1, 2]), 2)
        tensor([4, 8])
    """
    return _bitwise(np.left_shift, "lshift", input, other)


def bitwise_right_shift(input, other):
    """Shift the bits of integer ``input`` right by ``other`` (the ``>>`` operator).

    An arithmetic shift: ``input >> other`` equals ``floor(input / 2 ** other)``.

    Args:
        input (Tensor): the integer values to shift.
        other (Tensor or int): the shift amounts.

    Example::

        >>> ember.bitwise_right_shift(ember.tensor([8, 4, -8]), 2)
        tensor([ 2,  1, -2])
    """
    return _bitwise(np.right_shift, "rshift", input, other)


# ============================================================================ reductions

_Ret2 = namedtuple("_Ret2", ["values", "indices"])


def _named(name, values, indices):
    cls = _RET_TYPES.get(name)
    if cls is None:
        cls = _RET_TYPES[name] = type(name, (_Ret2,), {"__slots__": (),
                                                       "__module__": "torch.return_types"})
        cls.__repr__ = lambda self: (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                                     f"indices={self.indices!r})")
    return cls(values, indices)


_RET_TYPES = {}


def _dims_arg(dim, ndim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(_pyrange(ndim))
    return normalize_dims(dim, ndim)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    """Sum of the elements of ``input``, over all of them or over ``dim``.

    Bool and integer inputs are summed in int64 (as torch), unless ``dtype`` is given. The
    gradient of a sum is the incoming gradient broadcast back to ``input``'s shape.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions, with size 1 (so the result broadcasts
            against ``input``). Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype and sum in it.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> x = ember.tensor([[1, 2], [3, 4]])
        >>> ember.sum(x)
        tensor(10)
        >>> ember.sum(x, dim=0)
        tensor([4, 6])
        >>> x.sum(1, keepdim=True)
        tensor([[3],
                [7]])
    """
    dims = _dims_arg(dim, input.ndim)
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    op = R.Sum if dim is None and not keepdim else R.SumDim  # SumBackward0 / SumBackward1
    return _out(out, op.apply(input, dims, keepdim, dt))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of the elements, treating NaN as zero.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions, with size 1 (so the result broadcasts
            against ``input``). Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype and sum in it.

    Example::

        >>> ember.nansum(ember.tensor([1.0, float('nan'), 2.0]))
        tensor(3.)
    """
    return sum(where(isnan(input), zeros_like(input), input), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean of the elements, over all of them or over ``dim``.

    Only floating and complex inputs (as torch: an integer input raises; pass ``dtype`` or
    call ``.float()`` first).

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions, with size 1 (so the result broadcasts
            against ``input``). Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype first.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.mean(ember.tensor([1.0, 2.0, 4.0]))
        tensor(2.3333)
        >>> ember.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(dim=1)
        tensor([1.5000, 3.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           "floating point or complex dtype. Got: "
                           f"{_type_label(input._dtype)}")
    op = R.Mean if dim is None and not keepdim else R.MeanDim  # MeanBackward0 / 1
    return _out(out, op.apply(input, _dims_arg(dim, input.ndim), keepdim))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the elements that are not NaN (over all of them or over ``dim``).

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions, with size 1 (so the result broadcasts
            against ``input``). Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.nanmean(ember.tensor([1.0, float('nan'), 3.0]))
        tensor(2.)
    """
    m = ~isnan(input)
    return nansum(input, dim, keepdim, dtype=dtype) / m.sum(dim if dim is not None else (),
                                                           keepdim=keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of the elements, over all of them or over ``dim``.

    Bool and integer inputs multiply in int64 unless ``dtype`` is given. The gradient is
    correct also where elements are zero.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions, with size 1 (so the result broadcasts
            against ``input``). Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.prod(ember.tensor([1.0, 2.0, 3.0]))
        tensor(6.)
        >>> ember.prod(ember.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([ 2, 12])
    """
    dims = _dims_arg(dim, input.ndim)
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return R.Prod.apply(input, dims, keepdim, dt)


def _var_impl(input, dim, correction, keepdim):
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dims = _dims_arg(dim, input.ndim)
    n = 1
    for d in dims:
        n *= input._data.shape[d]
    mu = R.Sum.apply(input, dims, True, input._dtype) / _pymax(n, 1)
    diff = input - mu
    sq = diff * diff if not input._dtype.is_complex else (diff * diff.conj()).real
    ss = R.Sum.apply(sq, dims, keepdim, sq._dtype)
    denom = n - correction
    if denom <= 0:
        import warnings
        warnings.warn("var(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
        return ss / denom if denom != 0 else ss * math.inf
    return ss / denom


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance of the elements, over all of them or over ``dim``.

    ``var = sum((x - x.mean()) ** 2) / (N - correction)``. The default ``correction=1`` gives
    the unbiased sample variance; ``correction=0`` the population variance.

    Args:
        input (Tensor): the input (floating or complex).
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        unbiased (bool, optional): the older spelling of ``correction``: ``True`` means 1,
            ``False`` means 0.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        correction (int, optional): the difference between the sample count and the degrees
            of freedom (``N - correction`` is the divisor). Default: 1 (Bessel's correction,
            the unbiased sample variance).

    Example::

        >>> x = ember.tensor([1.0, 2.0, 3.0, 4.0])
        >>> ember.var(x)
        tensor(1.6667)
        >>> ember.var(x, correction=0)
        tensor(1.2500)
    """
    if isinstance(dim, builtins.bool):
        unbiased, dim = dim, None
    return _var_impl(input, dim, _correction(unbiased, correction), keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation of the elements (the square root of :func:`ember.var`).

    Args:
        input (Tensor): the input (floating or complex).
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        unbiased (bool, optional): the older spelling of ``correction``: ``True`` means 1,
            ``False`` means 0.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        correction (int, optional): the difference between the sample count and the degrees
            of freedom (``N - correction`` is the divisor). Default: 1 (Bessel's correction,
            the unbiased sample variance).

    Example::

        >>> ember.std(ember.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.2910)
        >>> ember.std(ember.tensor([[1.0, 3.0], [2.0, 2.0]]), dim=1, correction=0)
        tensor([1., 0.])
    """
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance and the mean, as a tuple ``(var, mean)``.

    Args:
        input (Tensor): the input (floating or complex).
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        unbiased (bool, optional): the older spelling of ``correction``: ``True`` means 1,
            ``False`` means 0.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        correction (int, optional): the difference between the sample count and the degrees
            of freedom (``N - correction`` is the divisor). Default: 1 (Bessel's correction,
            the unbiased sample variance).

    Example::

        >>> ember.var_mean(ember.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation and the mean, as a tuple ``(std, mean)``.

    Args:
        input (Tensor): the input (floating or complex).
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        unbiased (bool, optional): the older spelling of ``correction``: ``True`` means 1,
            ``False`` means 0.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        correction (int, optional): the difference between the sample count and the degrees
            of freedom (``N - correction`` is the divisor). Default: 1 (Bessel's correction,
            the unbiased sample variance).

    Example::

        >>> ember.std_mean(ember.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def _maxmin(input, dim, keepdim, is_max, other, name):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return maximum(input, other) if is_max else minimum(input, other)
    if dim is None:
        return R.AmaxAmin.apply(input, (), False, is_max) if input.ndim == 0 else \
            R.AmaxAmin.apply(input, tuple(_pyrange(input.ndim)), False, is_max)
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return _named(name, input.clone(), zeros((), dtype=D.int64, device=input.device))
    v, i = R.MaxMinDim.apply(input, d, keepdim, is_max)
    return _named(name, v, i)


def max(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The maximum: of all elements, along ``dim`` with its index, or elementwise with ``other``.

    * ``max(input)``: a 0-d tensor with the largest element (NaN if any element is NaN).
    * ``max(input, dim, keepdim=False)``: a named tuple ``(values, indices)`` with the
      maximum along ``dim`` and the position of (one of) the maximal elements.
    * ``max(input, other)``: the elementwise maximum, as :func:`ember.maximum`.

    The gradient flows to the selected element (for the full reduction, it is shared evenly
    among ties).

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce (then the indices are returned too).
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.
        other (Tensor, optional): compare elementwise with this tensor instead of reducing
            (also accepted positionally in place of ``dim``).
        out (Tensor or tuple of Tensors, optional): write the result (values, indices) into
            these tensors.

    Example::

        >>> ember.max(ember.tensor([[1, 5], [7, 2]]))
        tensor(7)
        >>> ember.max(ember.tensor([[1, 5], [7, 2]]), dim=1)
        torch.return_types.max(
        values=tensor([5, 7]),
        indices=tensor([1, 0]))
        >>> ember.max(ember.tensor([1, 5]), ember.tensor([3, 2]))
        tensor([3, 5])
    """
    res = _maxmin(input, dim, keepdim, True, other, "max")
    return _out_tuple(out, res) if isinstance(res, tuple) else _out(out, res)


def min(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The minimum: of all elements, along ``dim`` with its index, or elementwise with ``other``.

    * ``min(input)``: a 0-d tensor with the smallest element (NaN if any element is NaN).
    * ``min(input, dim, keepdim=False)``: a named tuple ``(values, indices)``.
    * ``min(input, other)``: the elementwise minimum, as :func:`ember.minimum`.

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce (then the indices are returned too).
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.
        other (Tensor, optional): compare elementwise with this tensor instead of reducing
            (also accepted positionally in place of ``dim``).
        out (Tensor or tuple of Tensors, optional): write the result (values, indices) into
            these tensors.

    Example::

        >>> ember.min(ember.tensor([3, 1, 2]))
        tensor(1)
        >>> values, indices = ember.min(ember.tensor([[3, 1], [0, 2]]), dim=0)
        >>> values, indices
        (tensor([0, 1]), tensor([1, 0]))
    """
    res = _maxmin(input, dim, keepdim, False, other, "min")
    return _out_tuple(out, res) if isinstance(res, tuple) else _out(out, res)


def amax(input, dim=(), keepdim=False):
    """The maximum over the dimension(s) ``dim`` (values only, no indices).

    Unlike ``max(dim=...)`` it accepts several dims; the gradient is split evenly among tied
    maxima.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints): the dimension(s) to reduce. Default: ``()``, all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.

    Example::

        >>> ember.amax(ember.tensor([[1, 5], [7, 2]]), dim=0)
        tensor([7, 5])
        >>> ember.amax(ember.tensor([[1, 5], [7, 2]]))
        tensor(7)
    """
    return R.AmaxAmin.apply(input, _dims_arg(dim, input.ndim), keepdim, True)


def amin(input, dim=(), keepdim=False):
    """The minimum over the dimension(s) ``dim`` (values only, no indices).

    The gradient is split evenly among tied minima.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints): the dimension(s) to reduce. Default: ``()``, all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.

    Example::

        >>> ember.amin(ember.tensor([[1, 5], [7, 2]]), dim=1)
        tensor([1, 2])
    """
    return R.AmaxAmin.apply(input, _dims_arg(dim, input.ndim), keepdim, False)


def aminmax(input, *, dim=None, keepdim=False):
    """The minimum and the maximum together, as a named tuple ``(min, max)``.

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce. Default: all.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> r = ember.aminmax(ember.tensor([3, 1, 4, 1, 5]))
        >>> r.min, r.max
        (tensor(1), tensor(5))
    """
    r = namedtuple("aminmax", ["min", "max"])
    return r(amin(input, () if dim is None else dim, keepdim),
             amax(input, () if dim is None else dim, keepdim))


def argmax(input, dim=None, keepdim=False):
    """The index of the maximum, of the flattened tensor or along ``dim``.

    When the maximum occurs several times, the first index is returned. The result is int64
    and not differentiable.

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce. Default: None (flatten first).
        keepdim (bool): keep the reduced dimension(s) with size 1. Default: ``False``.

    Example::

        >>> ember.argmax(ember.tensor([1, 9, 3]))
        tensor(1)
        >>> ember.argmax(ember.tensor([[1, 9], [8, 2]]), dim=1)
        tensor([1, 0])
    """
    if dim is None:
        flat = input.reshape(-1)
        res = R.MaxMinDim.apply(flat.detach(), 0, False, True)[1]
        return res.reshape([1] * input.ndim) if keepdim else res
    return max(input.detach(), dim, keepdim).indices


def argmin(input, dim=None, keepdim=False):
    """The index of the minimum, of the flattened tensor or along ``dim``.

    When the minimum occurs several times, the first index is returned.

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce. Default: None (flatten first).
        keepdim (bool): keep the reduced dimension(s) with size 1. Default: ``False``.

    Example::

        >>> ember.argmin(ember.tensor([4, 1, 3]))
        tensor(1)
        >>> ember.argmin(ember.tensor([[1, 9], [8, 2]]), dim=0)
        tensor([0, 1])
    """
    if dim is None:
        flat = input.reshape(-1)
        res = R.MaxMinDim.apply(flat.detach(), 0, False, False)[1]
        return res.reshape([1] * input.ndim) if keepdim else res
    return min(input.detach(), dim, keepdim).indices


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input), dim))``, computed without overflow.

    The maximum is subtracted before exponentiating. Integer inputs are computed in the
    default float dtype.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints): the dimension(s) to reduce.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.

    Example::

        >>> ember.logsumexp(ember.tensor([0.0, 0.0]), dim=0)
        tensor(0.6931)
        >>> ember.logsumexp(ember.tensor([100.0, 100.0]), dim=0)
        tensor(100.6931)
    """
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        input = input.to(D.get_default_dtype())
    return R.LogSumExp.apply(input, _dims_arg(dim, input.ndim), keepdim)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along ``dim``: ``out[i] = input[0] + ... + input[i]``.

    Bool and integer inputs accumulate in int64 unless ``dtype`` is given.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to accumulate along.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.cumsum(ember.tensor([1, 2, 3]), dim=0)
        tensor([1, 3, 6])
        >>> ember.cumsum(ember.tensor([[1, 2], [3, 4]]), dim=1)
        tensor([[1, 3],
                [3, 7]])
    """
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return R.Cumsum.apply(input, _wrap_dim(dim, input.ndim), dt)


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along ``dim``: ``out[i] = input[0] * ... * input[i]``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to accumulate along.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.cumprod(ember.tensor([1, 2, 3]), dim=0)
        tensor([1, 2, 6])
    """
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return R.Cumprod.apply(input, _wrap_dim(dim, input.ndim), dt)


def cummax(input, dim):
    """The running maximum along ``dim``, as a named tuple ``(values, indices)``.

    ``indices`` holds, for each position, the index (the last one among ties) of the maximum
    seen so far.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to scan.

    Example::

        >>> ember.cummax(ember.tensor([1, 3, 2, 5]), dim=0)
        torch.return_types.cummax(
        values=tensor([1, 3, 3, 5]),
        indices=tensor([0, 1, 1, 3]))
    """
    return _cumext(input, dim, True, "cummax")


def cummin(input, dim):
    """The running minimum along ``dim``, as a named tuple ``(values, indices)``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to scan.

    Example::

        >>> ember.cummin(ember.tensor([3, 1, 2, 0]), dim=0).values
        tensor([3, 1, 1, 0])
    """
    return _cumext(input, dim, False, "cummin")


def _cumext(input, dim, is_max, name):
    d = _wrap_dim(dim, input.ndim)
    src = input.detach()._data
    xp = get_xp(src)   # scan on the input's own backend: no host round trip
    with on_device(input.device):
        data = xp.moveaxis(src, d, -1)
        n = data.shape[-1] if data.ndim else 1
        idx = xp.zeros(data.shape, dtype=np.int64)
        best = data.copy()
        # on meta there are no values to scan: the indices' shape and dtype are all there is
        for i in _pyrange(1, 1 if getattr(src, "_ember_meta", False) else n):
            prev = best[..., i - 1]
            cur = data[..., i]
            take = (cur >= prev) if is_max else (cur <= prev)
            take = take | xp.isnan(cur) if data.dtype.kind == "f" else take
            best[..., i] = xp.where(take, cur, prev)
            idx[..., i] = xp.where(take, i, idx[..., i - 1])
        idx = xp.ascontiguousarray(xp.moveaxis(idx, -1, d))
    indices = Tensor._wrap(idx, D.int64)
    return _named(name, input.gather(d, indices), indices)


def all(input, dim=None, keepdim=False):  # noqa: A001
    """Whether all elements (along ``dim``) are nonzero / True.

    Returns a bool tensor (uint8 for uint8 input, as torch).

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.

    Example::

        >>> ember.all(ember.tensor([True, False]))
        tensor(False)
        >>> ember.all(ember.tensor([[1, 0], [2, 3]]), dim=1)
        tensor([False,  True])
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.all(input._data, axis=dims, keepdims=keepdim),
                D.uint8 if input._dtype is D.uint8 else D.bool)


def any(input, dim=None, keepdim=False):  # noqa: A001
    """Whether any element (along ``dim``) is nonzero / True.

    Returns a bool tensor (uint8 for uint8 input, as torch).

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.

    Example::

        >>> ember.any(ember.tensor([0, 1]))
        tensor(True)
        >>> ember.any(ember.tensor([[0, 0], [0, 3]]), dim=1)
        tensor([False,  True])
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.any(input._data, axis=dims, keepdims=keepdim),
                D.uint8 if input._dtype is D.uint8 else D.bool)


def count_nonzero(input, dim=None):
    """The number of nonzero elements (along ``dim``), as an int64 tensor.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): the dimension(s) to count along. Default: all.

    Example::

        >>> ember.count_nonzero(ember.tensor([0, 2, 3]))
        tensor(2)
        >>> ember.count_nonzero(ember.tensor([[0, 1], [2, 3]]), dim=0)
        tensor([1, 2])
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.asarray(xp.count_nonzero(input._data, axis=dims)).astype(np.int64), D.int64)


class Median(E.Function):
    """The median of all elements (NaN if any element is NaN). Backward spreads the gradient
    evenly over the elements equal to the result (all NaNs when it is NaN), as torch."""

    @staticmethod
    def forward(ctx, x):
        out = median(x.reshape(-1), 0).values
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        mask = isnan(x) if bool(isnan(out)) else x == out
        return where(mask, g / mask.sum(), zeros((), dtype=g.dtype, device=g.device))


def median(input, dim=None, keepdim=False):
    """The median, of all elements or along ``dim``.

    For an even number of elements this is the lower of the two middle values (as torch; not
    their mean). Without ``dim`` the result is a 0-d tensor; with ``dim`` it is a named tuple
    ``(values, indices)``. NaN propagates as in torch: a row holding NaN has median NaN, and
    its index is that of the row's first NaN (see :func:`ember.nanmedian` to skip NaNs).

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce. Default: all elements.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.median(ember.tensor([1.0, 3.0, 2.0, 4.0]))
        tensor(2.)
        >>> ember.median(ember.tensor([[1, 5, 3], [9, 8, 7]]), dim=1).values
        tensor([3, 8])
        >>> ember.median(ember.tensor([[1.0, float('nan'), 3.0]]), dim=1)
        torch.return_types.median(
        values=tensor([nan]),
        indices=tensor([1]))
    """
    if dim is None and input.numel() == 0:
        return full((), math.nan, dtype=input.dtype, device=input.device)
    if input._dtype.is_complex or input._dtype is D.bool:
        from .ops.nn_ops import torch_type_name
        raise NotImplementedError(f'"{"median_cpu" if dim is None else "median_out"}" not '
                                  f"implemented for '{torch_type_name(input._dtype)}'")
    if dim is None:
        return Median.apply(input)
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:   # a single element: itself, at index 0 (keepdim leaves it 0-d)
        return _named("median", *median(input.reshape(1), 0))
    n = input.shape[d]
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    idx = sort(input.detach(), d).indices.narrow(d, (n - 1) // 2, 1)
    if input._dtype.is_floating_point:
        # a row holding NaN: torch picks the row's first NaN (value NaN)
        xp = get_xp(input._data)
        nan = isnan(input.detach())._data
        has = wrap(xp.any(nan, axis=d, keepdims=True), D.bool)
        first = wrap(xp.argmax(nan, axis=d).astype(np.int64), D.int64).unsqueeze(d)
        idx = where(has, first, idx)
    vals = input.gather(d, idx)
    if not keepdim:
        vals, idx = vals.squeeze(d), idx.squeeze(d)
    return _named("median", vals, idx)


def nanmedian(input, dim=None, keepdim=False):
    """The median, ignoring NaN values (see :func:`ember.median`).

    Args:
        input (Tensor): the input.
        dim (int, optional): the dimension to reduce. Default: all elements.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.nanmedian(ember.tensor([1.0, float('nan'), 3.0, 2.0]))
        tensor(2.)
    """
    if dim is None:
        flat = input.reshape(-1)
        if flat.numel() == 0:
            return median(flat)
        return nanmedian(flat, 0).values
    d = _wrap_dim(dim, input.ndim)
    if not input.ndim or input.shape[d] == 0 or not (input._dtype.is_floating_point
                                                     or input._dtype.is_complex):
        return _named("nanmedian", *median(input, dim, keepdim))   # no NaN possible / errors
    # NaN sorts last: the lower median of each row's non-NaN values sits at (count - 1) // 2
    # (an all-NaN row gives NaN); computed on the input's backend, no host round trip
    srt = sort(input, d)
    cnt = (~isnan(input.detach())).sum(d, keepdim=True)
    k = (cnt - 1).clamp_min(0) // 2
    vals, idx = srt.values.gather(d, k), srt.indices.gather(d, k)
    if not keepdim:
        vals, idx = vals.squeeze(d), idx.squeeze(d)
    return _named("nanmedian", vals, idx)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The ``q``-th quantile(s) of ``input``, of all elements or along ``dim``.

    With ``interpolation='linear'`` a quantile between two data points ``a <= b`` at fraction
    ``f`` is ``a + (b - a) * f``. A tensor ``q`` adds a leading dimension of size ``len(q)``.

    Args:
        input (Tensor): the input (floating).
        q (float or Tensor): quantile(s) in ``[0, 1]``.
        dim (int, optional): the dimension to reduce. Default: all elements (flattened).
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.
        interpolation (str): ``'linear'``, ``'lower'``, ``'higher'``, ``'nearest'`` or
            ``'midpoint'``. Default: ``'linear'``.

    Example::

        >>> x = ember.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
        >>> ember.quantile(x, 0.5)
        tensor(2.)
        >>> ember.quantile(x, ember.tensor([0.25, 0.75]))
        tensor([1., 3.])
    """
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, input.ndim)
    srt = sort(x, d).values
    n = srt.shape[d]
    qs = q if isinstance(q, Tensor) else as_tensor(q, dtype=input.dtype)
    outs = []
    for qv in qs.reshape(-1).tolist():
        pos = qv * (n - 1)
        lo = int(math.floor(pos))
        hi = _pymin(lo + 1, n - 1)
        frac_ = pos - lo
        a, b = srt.narrow(d, lo, 1), srt.narrow(d, hi, 1)
        if interpolation == "linear":
            v = a + (b - a) * frac_
        elif interpolation == "lower":
            v = a
        elif interpolation == "higher":
            v = b if frac_ > 0 else a
        elif interpolation == "nearest":
            v = b if _pyround(pos) == hi and frac_ > 0 else a
        else:
            v = (a + b) / 2 if frac_ > 0 else a
        outs.append(v if keepdim and dim is not None else v.squeeze(d))
    if qs.ndim == 0:
        res = outs[0]
        return res.reshape([1] * input.ndim) if keepdim and dim is None else res
    return stack(outs, 0)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The matrix or vector norm of ``input`` (the older API; see ``ember.linalg``).

    ``p='fro'`` (default) or 2 gives the 2-norm of all elements (or over ``dim``); a number
    gives ``sum(|x| ** p) ** (1 / p)``; ``inf``/``-inf`` the max/min of ``|x|``; ``'nuc'``
    the nuclear norm of matrices.

    Args:
        input (Tensor): the input (floating or complex).
        p (int, float, inf, -inf, 'fro' or 'nuc'): the order of the norm. Default: ``'fro'``.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
        >>> ember.norm(ember.tensor([[3.0, -4.0], [1.0, 1.0]]), p=1, dim=1)
        tensor([7., 2.])
    """
    if dtype is not None:
        input = input.to(dtype)
    if p == "fro" or p is None:
        p = 2
    if p == "nuc":
        from . import linalg as LA
        return LA.matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else dim, keepdim=keepdim)
    return vector_norm(input, p, dim, keepdim)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The vector ``ord``-norm of ``x``, over ``dim`` (all elements when None).

    ``sum(|x| ** ord) ** (1 / ord)``; ``inf`` gives ``max(|x|)``, ``-inf`` ``min(|x|)`` and
    0 the number of nonzero elements. The gradient of the 2-norm at 0 is 0. Also available as
    ``ember.linalg.vector_norm``.

    Args:
        x (Tensor): the input (floating or complex).
        ord (int, float, inf or -inf): the order of the norm. Default: 2.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.linalg.vector_norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
        >>> ember.linalg.vector_norm(ember.tensor([3.0, -4.0]), ord=float('inf'))
        tensor(4.)
    """
    if dtype is not None:
        x = x.to(dtype)
    if not (x._dtype.is_floating_point or x._dtype.is_complex):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_type_label(x._dtype)}")
    dims = _dims_arg(dim, x.ndim)
    a = x.abs()
    if ord == math.inf:
        return amax(a, dims, keepdim)
    if ord == -math.inf:
        return amin(a, dims, keepdim)
    if ord == 0:
        return (a != 0).to(a.dtype).sum(dims, keepdim=keepdim)
    if ord == 1:
        return a.sum(dims, keepdim=keepdim)
    if ord == 2:
        s = (x * x).sum(dims, keepdim=keepdim) if not x._dtype.is_complex else \
            (a * a).sum(dims, keepdim=keepdim)
        return _NormSqrt.apply(s)
    return a.pow(ord).sum(dims, keepdim=keepdim).pow(1.0 / ord)


class _NormSqrt(E.Function):
    """sqrt whose derivative at 0 is 0 (so the 2-norm's subgradient at 0 is 0, as torch)."""

    @staticmethod
    def forward(ctx, s):
        out = wrap(get_xp(s._data).sqrt(s._data), s._dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return where(out == 0, zeros_like(out), g / (2 * out))


_NormSqrt.__name__ = "LinalgVectorNorm"


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (the tensors broadcast).

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.
        p (float): the order of the norm. Default: 2.

    Example::

        >>> ember.dist(ember.tensor([1.0, 1.0]), ember.tensor([4.0, 5.0]))
        tensor(5.)
    """
    return vector_norm(input - other, p)


def cdist(x1, x2, p=2.0):
    """Pairwise ``p``-norm distances between the rows of ``x1`` and the rows of ``x2``.

    For ``x1`` of shape ``(B, P, M)`` and ``x2`` of shape ``(B, R, M)`` the result has shape
    ``(B, P, R)`` (the batch dimensions are optional).

    Args:
        x1 (Tensor): the first set of row vectors, ``(..., P, M)``.
        x2 (Tensor): the second set of row vectors, ``(..., R, M)``.
        p (float): the order of the norm. Default: 2.0.

    Example::

        >>> ember.cdist(ember.tensor([[0.0, 0.0], [1.0, 1.0]]), ember.tensor([[3.0, 4.0]]))
        tensor([[5.0000],
                [3.6056]])
    """
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    return vector_norm(diff, p, dim=-1)


# ============================================================================ shape & movement


def _shape_from(args, numel):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    shape = [int(a) if not isinstance(a, Tensor) else int(a.item()) for a in args]
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if neg:
        known = 1
        for i, s in enumerate(shape):
            if i != neg[0]:
                known *= s
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(args)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    n = 1
    for s in shape:
        n *= s
    if n != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def reshape(input, *shape):
    """The same data with a new shape: a view when the memory layout allows, else a copy.

    One dimension may be -1: it is inferred from the number of elements. Do not rely on
    whether the result is a view (use :func:`ember.Tensor.view` for a guaranteed view, or
    ``clone`` for a guaranteed copy).

    Args:
        input (Tensor): the input.
        *shape (int...): the new shape, as separate ints or one sequence.

    Example::

        >>> ember.arange(6).reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
        >>> ember.reshape(ember.arange(6), (-1, 2)).shape
        torch.Size([3, 2])
    """
    shp = _shape_from(shape, input._data.size)
    if shp == input._data.shape:
        return M.Reshape.apply(input, shp, False) if input._requires_grad else \
            input._view_of(input._data.view())
    return M.Reshape.apply(input, shp, False)


def view(input, *shape):
    """A view of ``input`` with a new shape (or element type), sharing its memory.

    Writes through the view change ``input``. The new shape must be compatible with the
    strides (a transposed tensor usually needs ``.contiguous()`` or ``reshape``); one
    dimension may be -1. ``view(dtype)`` reinterprets the bytes as another dtype of the same
    size.

    Args:
        input (Tensor): the input.
        *shape (int... or ember.dtype): the new shape, as separate ints or one sequence; or a
            dtype.

    Example::

        >>> x = ember.arange(4)
        >>> v = x.view(2, 2); v[0, 0] = 9; x
        tensor([9, 1, 2, 3])
    """
    if len(shape) == 1 and isinstance(shape[0], (D.dtype, type)) and not isinstance(shape[0],
                                                                                    tuple):
        dt = D.to_dtype(shape[0])
        if dt is D.bfloat16 or input._dtype is D.bfloat16:
            return input.to(dt)  # bfloat16 is stored as float32: no bit-level view
        out = input._view_of(input._data.view(dt.np))
        out._dtype = dt
        return out
    return M.Reshape.apply(input, _shape_from(shape, input._data.size), True)


def flatten(input, start_dim=0, end_dim=-1):
    """Flatten the dimensions ``start_dim`` .. ``end_dim`` into one.

    A view when possible (as ``reshape``). A 0-d input becomes 1-D.

    Args:
        input (Tensor): the input.
        start_dim (int): the first dimension to flatten. Default: 0.
        end_dim (int): the last dimension to flatten. Default: -1.

    Example::

        >>> ember.zeros(2, 3, 4).flatten().shape
        torch.Size([24])
        >>> ember.flatten(ember.zeros(2, 3, 4), start_dim=1).shape
        torch.Size([2, 12])
    """
    if input.ndim == 0:
        return input.reshape(1)
    s = _wrap_dim(start_dim, input.ndim)
    e = _wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shp = input._data.shape
    n = 1
    for d in shp[s:e + 1]:
        n *= d
    return reshape(input, shp[:s] + (n,) + shp[e + 1:])


def unflatten(input, dim, sizes):
    """Expand dimension ``dim`` into several dimensions of the given ``sizes``.

    The inverse of :func:`ember.flatten`. One size may be -1.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to split.
        sizes (sequence of int): the new sizes; their product must equal ``input.shape[dim]``.

    Example::

        >>> ember.zeros(2, 6).unflatten(1, (2, 3)).shape
        torch.Size([2, 2, 3])
        >>> ember.unflatten(ember.zeros(2, 6), 1, (3, -1)).shape
        torch.Size([2, 3, 2])
    """
    d = _wrap_dim(dim, input.ndim)
    shp = input._data.shape
    sizes = list(sizes)
    if -1 in sizes:
        known = 1
        for s in sizes:
            if s != -1:
                known *= s
        sizes[sizes.index(-1)] = shp[d] // known
    return reshape(input, shp[:d] + tuple(sizes) + shp[d + 1:])


def ravel(input):
    """The elements as a 1-D tensor (a view when possible, else a copy).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.ravel(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    return reshape(input, -1)


def permute(input, *dims):
    """A view of ``input`` with its dimensions reordered.

    ``out.shape[i] == input.shape[dims[i]]``. No data is copied; the result is usually not
    contiguous.

    Args:
        input (Tensor): the input.
        *dims (int...): the new order of the dimensions, as separate ints or one sequence.

    Example::

        >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
        >>> ember.permute(ember.tensor([[1, 2, 3]]), (1, 0))
        tensor([[1],
                [2],
                [3]])
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    nd = input.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    dd = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(dd)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return M.Permute.apply(input, dd)


def transpose(input, dim0, dim1):
    """A view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped.

    No data is copied (writes through the result change ``input``). ``ember.swapaxes`` and
    ``ember.swapdims`` are aliases.

    Args:
        input (Tensor): the input.
        dim0 (int): the first dimension.
        dim1 (int): the second dimension.

    Example::

        >>> ember.transpose(ember.tensor([[1, 2, 3]]), 0, 1)
        tensor([[1],
                [2],
                [3]])
        >>> ember.zeros(2, 3, 4).transpose(0, -1).shape
        torch.Size([4, 3, 2])
    """
    nd = input.ndim
    if nd == 0:
        return input._view_of(input._data) if not input._requires_grad else input.reshape(())
    a, b = _wrap_dim(dim0, nd), _wrap_dim(dim1, nd)
    dims = list(_pyrange(nd))
    dims[a], dims[b] = dims[b], dims[a]
    return M.Permute.apply(input, tuple(dims))


def swapaxes(input, axis0, axis1):
    """Alias of :func:`ember.transpose` with NumPy's argument names: swap ``axis0`` and ``axis1`` (a view).

    Args:
        input (Tensor): the input.
        axis0 (int): the first dimension.
        axis1 (int): the second dimension.

    Example::

        >>> ember.swapaxes(ember.zeros(2, 3), 0, 1).shape
        torch.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """Alias of :func:`ember.transpose`: swap ``dim0`` and ``dim1`` (a view).

    Args:
        input (Tensor): the input.
        dim0 (int): the first dimension.
        dim1 (int): the second dimension.

    Example::

        >>> ember.swapdims(ember.zeros(2, 3), 0, 1).shape
        torch.Size([3, 2])
    """
    return transpose(input, dim0, dim1)


def t(input):
    """Transpose a tensor of at most 2 dimensions (0-D and 1-D tensors are returned as is).

    ``t(x)`` is ``transpose(x, 0, 1)`` for a matrix (a view).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.t(ember.tensor([[1, 2], [3, 4]]))
        tensor([[1, 3],
                [2, 4]])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input.reshape(input.shape)


def movedim(input, source, destination):
    """Move dimension(s) ``source`` to position(s) ``destination``, keeping the others in order.

    A view (a permutation of the dimensions). ``ember.moveaxis`` is an alias.

    Args:
        input (Tensor): the input.
        source (int or sequence of int): the dimension(s) to move.
        destination (int or sequence of int): their new positions.

    Example::

        >>> ember.movedim(ember.zeros(2, 3, 4), 0, -1).shape
        torch.Size([3, 4, 2])
        >>> ember.movedim(ember.zeros(2, 3, 4), (0, 1), (2, 0)).shape
        torch.Size([3, 4, 2])
    """
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    nd = input.ndim
    src = [_wrap_dim(s, nd) for s in src]
    dst = [_wrap_dim(d, nd) for d in dst]
    order = [d for d in _pyrange(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


def squeeze(input, dim=None):
    """Remove dimensions of size 1 (all of them, or only those in ``dim``).

    A dimension in ``dim`` whose size is not 1 is left alone (no error). The result is a
    view.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): only squeeze these dimensions. Default: all.

    Example::

        >>> ember.zeros(1, 3, 1).squeeze().shape
        torch.Size([3])
        >>> ember.zeros(1, 3, 1).squeeze(0).shape
        torch.Size([3, 1])
    """
    shp = input._data.shape
    if dim is None:
        new = tuple(s for s in shp if s != 1)
    else:
        dims = normalize_dims(dim, input.ndim) if input.ndim else ()
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
    return reshape(input, new)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at position ``dim`` (a view).

    Negative ``dim`` counts from the end of the *result*: ``unsqueeze(-1)`` appends.

    Args:
        input (Tensor): the input.
        dim (int): where to insert, in ``[-input.dim() - 1, input.dim()]``.

    Example::

        >>> ember.tensor([1, 2]).unsqueeze(0)
        tensor([[1, 2]])
        >>> ember.unsqueeze(ember.tensor([1, 2]), -1)
        tensor([[1],
                [2]])
    """
    d = _wrap_dim(dim, input.ndim + 1)
    data = input._data
    shp = data.shape
    out = reshape(input, shp[:d] + (1,) + shp[d:])
    # torch's stride for the new dim: size * stride of the dim it precedes (1 at the end);
    # NumPy's reshape picks its own for size-1 dims, so set torch's exactly
    st = list(data.strides)
    st.insert(d, shp[d] * st[d] if d < len(shp) else data.itemsize)
    if tuple(st) != out._data.strides:
        out._data = get_xp(data).lib.stride_tricks.as_strided(
            out._data, out._data.shape, tuple(st),
            writeable=bool(getattr(getattr(out._data, "flags", None), "writeable", True)))
    return out


def _expand_shape(input, sizes):
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list, Size)):
        sizes = tuple(sizes[0])
    shp = input._data.shape
    if len(sizes) < len(shp):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shp)}}}, size={list(sizes)}): the "
                           f"number of sizes provided ({len(sizes)}) must be greater or equal to "
                           f"the number of dimensions in the tensor ({len(shp)})")
    out = []
    off = len(sizes) - len(shp)
    for i, s in enumerate(sizes):
        s = int(s)
        if i < off:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            out.append(s)
            continue
        cur = shp[i - off]
        if s == -1:
            out.append(cur)
        elif cur == 1 or cur == s:
            out.append(s)
        else:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shp)}")
    return tuple(out)


def expand(input, *sizes):
    """A view with size-1 dimensions repeated to larger sizes, without copying memory.

    New leading dimensions may be added; -1 keeps a dimension's size. Many elements of the
    result share one memory location, so write into a ``clone()`` instead. The gradient is
    summed back to ``input``'s shape.

    Args:
        input (Tensor): the input.
        *sizes (int...): the target shape, as separate ints or one sequence.

    Example::

        >>> ember.tensor([[1], [2]]).expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> ember.tensor([1, 2]).expand(2, -1)
        tensor([[1, 2],
                [1, 2]])
    """
    shp = _expand_shape(input, sizes)
    if shp == input._data.shape:
        return input if not input._requires_grad else M.Expand.apply(input, shp)
    return M.Expand.apply(input, shp)


def expand_as(input, other):
    """Expand ``input`` to the shape of ``other``: ``input.expand(other.shape)`` (a view).

    Args:
        input (Tensor): the input.
        other (Tensor): the tensor whose shape to take.

    Example::

        >>> ember.tensor([1, 2]).expand_as(ember.zeros(2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return expand(input, tuple(other.shape))


def broadcast_to(input, shape):
    """Broadcast ``input`` to ``shape``: ``input.expand(shape)`` (a view).

    Args:
        input (Tensor): the input.
        shape (sequence of int): the target shape.

    Example::

        >>> ember.broadcast_to(ember.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, tuple(shape))


def broadcast_tensors(*tensors):
    """Expand several tensors to their common broadcast shape (views).

    Args:
        *tensors (Tensor...): the tensors (or one sequence of them).

    Returns:
        tuple of Tensor: the expanded tensors, in order.

    Example::

        >>> a, b = ember.broadcast_tensors(ember.zeros(2, 1), ember.zeros(3))
        >>> a.shape, b.shape
        (torch.Size([2, 3]), torch.Size([2, 3]))
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes):
    """The shape that tensors of the given shapes broadcast to (no tensors are made).

    Args:
        *shapes (int or sequence of int): the shapes.

    Returns:
        ember.Size: the broadcast shape (raises if the shapes are incompatible).

    Example::

        >>> ember.broadcast_shapes((2, 1), (3,), (1, 1))
        torch.Size([2, 3])
    """
    return Size(np.broadcast_shapes(*[tuple(s) if not isinstance(s, int) else (s,)
                                      for s in shapes]))


def contiguous(input, memory_format=None):
    """``input`` itself if its memory is C-contiguous, else a contiguous copy.

    Needed before ``view`` on a transposed or permuted tensor.

    Args:
        input (Tensor): the input.
        memory_format (ember.memory_format, optional): accepted for torch compatibility
            (only ``ember.contiguous_format``).

    Example::

        >>> x = ember.zeros(2, 3).t()
        >>> x.is_contiguous(), x.contiguous().is_contiguous()
        (False, True)
    """
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


def clone(input, *, memory_format=None):
    """A copy of ``input`` with its own memory; gradients flow back to ``input``.

    Use ``x.detach().clone()`` for a copy outside the autograd graph.

    Args:
        input (Tensor): the input.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> a = ember.tensor([1.0]); b = a.clone(); b[0] = 5.0; a
        tensor([1.])
    """
    return _Clone.apply(input)


class _Clone(E.Function):
    @staticmethod
    def forward(ctx, x):
        xp = get_xp(x._data)
        return wrap(xp.array(x._data, copy=True, order="C"), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return g


_Clone.__name__ = "Clone"


def _check_cat(tensors, name):
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {tensors.index(t)} in argument 0, but "
                            f"got {type(t).__name__}")


def cat(tensors, dim=0, *, out=None):
    """Concatenate tensors along an existing dimension ``dim``.

    All tensors must have the same shape except in ``dim`` (1-D empty tensors are skipped, as
    torch) and live on one device; their dtypes promote. ``ember.concat`` and
    ``ember.concatenate`` are aliases. See :func:`ember.stack` to join along a new dimension.

    Args:
        tensors (sequence of Tensor): the tensors to join.
        dim (int): the dimension to join along. Default: 0.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> a, b = ember.tensor([[1, 2]]), ember.tensor([[3, 4]])
        >>> ember.cat([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> ember.cat((a, b), dim=1)
        tensor([[1, 2, 3, 4]])
    """
    tensors = list(tensors)
    _check_cat(tensors, "torch.cat")
    # torch skips legacy empty 1-D tensors
    full_ = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or tensors[:1]
    ref = full_[0]
    if ref.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _wrap_dim(dim, ref.ndim)
    rt = full_[0]._dtype
    for t in full_[1:]:
        rt = D.promote_types(rt, t._dtype)
        check_same_device(ref, t)
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and "
                               f"{t.ndim}")
        for i in _pyrange(ref.ndim):
            if i != d and t.shape[i] != ref.shape[i]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[i]} but got size {t.shape[i]} for "
                                   f"tensor number {tensors.index(t)} in the list.")
    full_ = [t if t._dtype is rt else t.to(rt) for t in full_]
    return _out(out, M.Cat.apply(*full_, dim=d))


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors of equal shape along a new dimension ``dim``.

    ``stack(ts, dim)`` is ``cat([t.unsqueeze(dim) for t in ts], dim)``.

    Args:
        tensors (sequence of Tensor): tensors of the same shape.
        dim (int): the position of the new dimension, in ``[-ndim - 1, ndim]``. Default: 0.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
        >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = list(tensors)
    _check_cat(tensors, "stack")
    shp = tensors[0].shape
    for i, t in enumerate(tensors):
        if t.shape != shp:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shp)} "
                               f"at entry 0 and {list(t.shape)} at entry {i}")
    d = _wrap_dim(dim, tensors[0].ndim + 1)
    return _out(out, cat([unsqueeze(t, d) for t in tensors], d))


def hstack(tensors):
    """Stack tensors horizontally: along dim 1, or dim 0 for 1-D tensors.

    Args:
        tensors (sequence of Tensor): the tensors to join.

    Example::

        >>> ember.hstack([ember.tensor([1, 2]), ember.tensor([3])])
        tensor([1, 2, 3])
        >>> ember.hstack([ember.tensor([[1], [2]]), ember.tensor([[3], [4]])])
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Stack tensors vertically (along dim 0); 1-D tensors become rows.

    ``ember.row_stack`` is an alias.

    Args:
        tensors (sequence of Tensor): the tensors to join.

    Example::

        >>> ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


def dstack(tensors):
    """Stack tensors depth-wise (along dim 2), after making each at least 3-D.

    Args:
        tensors (sequence of Tensor): the tensors to join.

    Example::

        >>> ember.dstack([ember.tensor([1, 2]), ember.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """
    return cat([atleast_3d(t) for t in tensors], 2)


def column_stack(tensors):
    """Stack tensors as columns: 0-D and 1-D tensors become columns, then ``hstack``.

    Args:
        tensors (sequence of Tensor): the tensors to join.

    Example::

        >>> ember.column_stack([ember.tensor([1, 2]), ember.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    return hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors])


def atleast_1d(t):
    """``t`` viewed with at least one dimension (a 0-d tensor becomes shape ``(1,)``).

    Args:
        t (Tensor): the input.

    Example::

        >>> ember.atleast_1d(ember.tensor(5))
        tensor([5])
    """
    return t.reshape(1) if t.ndim == 0 else t


def atleast_2d(t):
    """``t`` viewed with at least two dimensions (a 1-D tensor becomes one row).

    Args:
        t (Tensor): the input.

    Example::

        >>> ember.atleast_2d(ember.tensor([1, 2]))
        tensor([[1, 2]])
    """
    return t.reshape(1, -1) if t.ndim < 2 else t


def atleast_3d(t):
    """``t`` viewed with at least three dimensions.

    0-D becomes ``(1, 1, 1)``, 1-D ``(N,)`` becomes ``(1, N, 1)`` and 2-D ``(M, N)`` becomes
    ``(M, N, 1)``.

    Args:
        t (Tensor): the input.

    Example::

        >>> ember.atleast_3d(ember.tensor([1, 2])).shape
        torch.Size([1, 2, 1])
    """
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.reshape(1, -1, 1)
    if t.ndim == 2:
        return t.unsqueeze(-1)
    return t


def narrow(input, dim, start, length):
    """The slice ``start : start + length`` of dimension ``dim`` (a view).

    ``narrow(x, 0, 1, 2)`` is ``x[1:3]``; the result shares memory with ``input``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to slice.
        start (int): the first index (negative counts from the end).
        length (int): how many entries to keep.

    Example::

        >>> ember.arange(5).narrow(0, 1, 2)
        tensor([1, 2])
        >>> ember.narrow(ember.tensor([[1, 2, 3], [4, 5, 6]]), 1, 1, 2)
        tensor([[2, 3],
                [5, 6]])
    """
    d = _wrap_dim(dim, input.ndim)
    start = int(start)
    n = input.shape[d]
    if start < 0:
        start += n
    if start < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    idx = (slice(None),) * d + (slice(start, start + length),)
    return I.GetItem.apply(input, idx)


def select(input, dim, index):
    """The slice at ``index`` of dimension ``dim``, with that dimension removed (a view).

    ``select(x, 1, 0)`` is ``x[:, 0]``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index.
        index (int): the position (negative counts from the end).

    Example::

        >>> ember.arange(6).reshape(2, 3).select(1, 0)
        tensor([0, 3])
    """
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return I.GetItem.apply(input, (slice(None),) * d + (int(index),))


def unbind(input, dim=0):
    """All slices along ``dim``, as a tuple of views (the dimension is removed).

    Args:
        input (Tensor): the input.
        dim (int): the dimension to split. Default: 0.

    Example::

        >>> ember.unbind(ember.tensor([[1, 2], [3, 4]]))
        (tensor([1, 2]), tensor([3, 4]))
        >>> [t.tolist() for t in ember.tensor([[1, 2], [3, 4]]).unbind(1)]
        [[1, 3], [2, 4]]
    """
    d = _wrap_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in _pyrange(input.shape[d]))


def split(tensor, split_size_or_sections, dim=0):
    """Split ``tensor`` into chunks along ``dim`` (views).

    An int gives chunks of that size (the last may be smaller); a list gives the size of
    each chunk (they must sum to the dimension's size).

    Args:
        tensor (Tensor): the input.
        split_size_or_sections (int or list of int): the chunk size, or the sizes.
        dim (int): the dimension to split. Default: 0.

    Returns:
        tuple of Tensor: the chunks.

    Example::

        >>> ember.arange(5).split(2)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ember.split(ember.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3, 4]))
    """
    d = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s <= 0 and n > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [s] * (n // s) + ([n % s] if n % s else []) if s else [0]
    else:
        sizes = list(split_size_or_sections)
        if _pysum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
    out = []
    start = 0
    for s in sizes:
        out.append(narrow(tensor, d, start, s))
        start += s
    return tuple(out)


def split_with_sizes(input, split_sizes, dim=0):
    """Split into pieces of the listed sizes along ``dim`` (views).

    Args:
        input (Tensor): the input.
        split_sizes (sequence of int): the size of each piece; they must sum to
            ``input.shape[dim]``.
        dim (int): the dimension to split. Default: 0.

    Example::

        >>> ember.split_with_sizes(ember.arange(5), [2, 3])
        (tensor([0, 1]), tensor([2, 3, 4]))
    """
    return split(input, list(split_sizes), dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``n`` nearly equal parts, or at the given indices, along ``dim`` (views).

    With an int ``n``, the first ``size % n`` parts get one extra element (unlike
    :func:`ember.chunk`, always exactly ``n`` parts). With a list of indices, the parts are
    ``[:i0], [i0:i1], ..., [ik:]``.

    Args:
        input (Tensor): the input.
        indices_or_sections (int or sequence of int): the number of parts, or the split
            indices.
        dim (int): the dimension to split. Default: 0.

    Example::

        >>> ember.tensor_split(ember.arange(5), 3)
        (tensor([0, 1]), tensor([2, 3]), tensor([4]))
        >>> ember.tensor_split(ember.arange(5), [1, 4])
        (tensor([0]), tensor([1, 2, 3]), tensor([4]))
    """
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in _pyrange(k)]
        return split(input, sizes, d)
    idx = [0] + [_pymin(int(i), n) for i in indices_or_sections] + [n]
    return tuple(narrow(input, d, a, _pymax(b - a, 0)) for a, b in zip(idx[:-1], idx[1:]))


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces along ``dim`` (views); the last may be smaller.

    Each piece has ``ceil(size / chunks)`` entries, so fewer than ``chunks`` pieces may be
    returned (as torch).

    Args:
        input (Tensor): the input.
        chunks (int): the number of pieces wanted (> 0).
        dim (int): the dimension to split. Default: 0.

    Example::

        >>> ember.arange(5).chunk(2)
        (tensor([0, 1, 2]), tensor([3, 4]))
    """
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return tuple(narrow(input, d, 0, 0) for _ in _pyrange(_pymin(chunks, 1)))
    return split(input, size, d)


def flip(input, dims):
    """Reverse the order of the elements along ``dims`` (a copy, as torch).

    Args:
        input (Tensor): the input.
        dims (int or sequence of int): the dimensions to reverse.

    Example::

        >>> ember.flip(ember.tensor([1, 2, 3]), [0])
        tensor([3, 2, 1])
        >>> ember.flip(ember.tensor([[1, 2], [3, 4]]), (0, 1))
        tensor([[4, 3],
                [2, 1]])
    """
    dims = normalize_dims(dims if not isinstance(dims, int) else (dims,), input.ndim)
    return M.Flip.apply(input, dims)


def fliplr(input):
    """Reverse the order of the columns (dim 1) of a tensor with at least 2 dims.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.fliplr(ember.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    return flip(input, (1,))


def flipud(input):
    """Reverse the order of the rows (dim 0).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.flipud(ember.tensor([[1], [2]]))
        tensor([[2],
                [1]])
    """
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    """Roll the elements along ``dims``: those shifted past the end re-enter at the start.

    Without ``dims`` the tensor is flattened, rolled and reshaped back.

    Args:
        input (Tensor): the input.
        shifts (int or tuple of ints): the number of places to shift (per dimension).
        dims (int or tuple of ints, optional): the dimension(s) to roll. Default: None.

    Example::

        >>> ember.roll(ember.tensor([1, 2, 3]), 1)
        tensor([3, 1, 2])
        >>> ember.roll(ember.tensor([[1, 2], [3, 4]]), shifts=1, dims=1)
        tensor([[2, 1],
                [4, 3]])
    """
    if dims is None:
        return M.Roll.apply(input.reshape(-1), shifts if isinstance(shifts, int) else
                            tuple(shifts), None).reshape(input.shape)
    if isinstance(dims, int):
        dims = _wrap_dim(dims, input.ndim)
        shifts = shifts if isinstance(shifts, int) else shifts[0]
    else:
        dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
        shifts = tuple(shifts)
    return M.Roll.apply(input, shifts, dims)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first axis towards the second).

    Args:
        input (Tensor): the input.
        k (int): the number of quarter turns (negative turns the other way). Default: 1.
        dims (sequence of 2 ints): the plane to rotate in. Default: ``(0, 1)``.

    Example::

        >>> ember.rot90(ember.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    k %= 4
    a, b = dims
    if k == 1:
        return flip(input, (b,)).transpose(a, b)
    if k == 2:
        return flip(input, (a, b))
    if k == 3:
        return flip(input, (a,)).transpose(a, b)
    return input.clone()


def repeat(input, *sizes):
    """Tile ``input`` ``sizes[i]`` times along each dimension (copies the data).

    ``sizes`` may have more entries than ``input`` has dimensions: new leading dimensions are
    added. (NumPy's ``repeat`` is :func:`ember.repeat_interleave`.)

    Args:
        input (Tensor): the input.
        *sizes (int...): the number of repetitions per dimension, as ints or one sequence.

    Example::

        >>> ember.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
        >>> ember.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list, Size)):
        sizes = tuple(sizes[0])
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    x = input.reshape((1,) * (len(sizes) - input.ndim) + tuple(input.shape))
    # interleave a new size-r axis before each dim, expand, merge
    shp = x.shape
    inter = []
    full_shape = []
    for r, s in zip(sizes, shp):
        inter += [1, s]
        full_shape += [r, s]
    y = x.reshape(inter).expand(full_shape)
    return y.reshape([r * s for r, s in zip(sizes, shp)])


def tile(input, dims):
    """Like :func:`ember.Tensor.repeat`, but ``dims`` shorter than the tensor's dims is padded with leading 1s.

    Args:
        input (Tensor): the input.
        dims (sequence of int): the number of repetitions per dimension.

    Example::

        >>> ember.tile(ember.tensor([[1, 2]]), (2,))
        tensor([[1, 2, 1, 2]])
    """
    if isinstance(dims, Tensor) or not isinstance(dims, _abc.Iterable):
        raise TypeError(f"tile(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    dims = tuple(int(d) for d in dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (along ``dim``, or of the flattened tensor).

    ``repeats`` may be one number or a tensor with one count per element. Called with only a
    tensor of counts, it returns ``0`` repeated ``counts[0]`` times, ``1`` repeated
    ``counts[1]`` times, ...

    Args:
        input (Tensor): the input.
        repeats (int or Tensor, optional): the number of repetitions.
        dim (int, optional): the dimension to repeat along. Default: None (flatten first).
        output_size (int, optional): accepted for torch compatibility (the total length).

    Example::

        >>> ember.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
        >>> ember.repeat_interleave(ember.tensor([[1, 2], [3, 4]]), ember.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    if repeats is None:
        reps = input
        idx = np.repeat(np.arange(reps.numel()), reps.detach().cpu()._data)
        return Tensor._wrap(_place(idx.astype(np.int64), input.device), D.int64)
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _wrap_dim(dim, input.ndim)
    n = x.shape[d]
    r = repeats.detach().cpu()._data if isinstance(repeats, Tensor) else repeats
    idx = np.repeat(np.arange(n), r)
    return index_select(x, d, Tensor._wrap(_place(idx.astype(np.int64), input.device),
                                           D.int64))


def tril(input, diagonal=0):
    """The lower triangle of the matrix (or batch of matrices) ``input``; other elements are 0.

    Args:
        input (Tensor): the input.
        diagonal (int): which diagonal: 0 the main one, > 0 above it, < 0 below it.
            Default: 0.

    Example::

        >>> ember.tril(ember.ones(3, 3))
        tensor([[1., 0., 0.],
                [1., 1., 0.],
                [1., 1., 1.]])
        >>> ember.tril(ember.ones(2, 3), diagonal=1)
        tensor([[1., 1., 0.],
                [1., 1., 1.]])
    """
    xp = get_xp(input._data)
    n, m = input.shape[-2:]
    mask = xp.tri(n, m, diagonal, dtype=bool)
    return where(wrap(mask, D.bool), input, zeros((), dtype=input.dtype, device=input.device))


def triu(input, diagonal=0):
    """The upper triangle of the matrix (or batch of matrices) ``input``; other elements are 0.

    Args:
        input (Tensor): the input.
        diagonal (int): which diagonal: 0 the main one, > 0 above it, < 0 below it.
            Default: 0.

    Example::

        >>> ember.triu(ember.ones(3, 3))
        tensor([[1., 1., 1.],
                [0., 1., 1.],
                [0., 0., 1.]])
        >>> ember.triu(ember.ones(3, 3), diagonal=1)
        tensor([[0., 1., 1.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    xp = get_xp(input._data)
    n, m = input.shape[-2:]
    mask = ~xp.tri(n, m, diagonal - 1, dtype=bool)
    return where(wrap(mask, D.bool), input, zeros((), dtype=input.dtype, device=input.device))


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (row, column) indices of the lower triangle of a ``row x col`` matrix, as a ``(2, N)`` tensor.

    Args:
        row (int): the number of rows of the matrix.
        col (int): the number of columns.
        offset (int): which diagonal bounds the triangle: 0 the main one, > 0 above, < 0
            below. Default: 0.
        dtype (ember.dtype, optional): accepted for torch compatibility (the result is int64).
        device (str or ember.device, optional): where to allocate the result.

    Example::

        >>> ember.tril_indices(3, 3)
        tensor([[0, 1, 1, 2, 2, 2],
                [0, 0, 1, 0, 1, 2]])
    """
    r, c = np.tril_indices(row, offset, col)
    return Tensor._wrap(_place(np.stack([r, c]).astype(np.int64), _target_device(device)),
                        D.int64)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """The (row, column) indices of the upper triangle of a ``row x col`` matrix, as a ``(2, N)`` tensor.

    Args:
        row (int): the number of rows of the matrix.
        col (int): the number of columns.
        offset (int): which diagonal bounds the triangle: 0 the main one, > 0 above, < 0
            below. Default: 0.
        dtype (ember.dtype, optional): accepted for torch compatibility (the result is int64).
        device (str or ember.device, optional): where to allocate the result.

    Example::

        >>> ember.triu_indices(3, 3, offset=1)
        tensor([[0, 0, 1],
                [1, 2, 2]])
    """
    r, c = np.triu_indices(row, offset, col)
    return Tensor._wrap(_place(np.stack([r, c]).astype(np.int64), _target_device(device)),
                        D.int64)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the planes spanned by ``dim1`` and ``dim2``, as a new last dimension.

    Args:
        input (Tensor): the input.
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below it. Default: 0.
        dim1 (int): the first dimension of the planes. Default: 0.
        dim2 (int): the second dimension of the planes. Default: 1.

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ember.diagonal(x)
        tensor([1, 5])
        >>> ember.diagonal(x, offset=1)
        tensor([2, 6])
    """
    nd = input.ndim
    a, b = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return M.Diagonal.apply(input, int(offset), a, b)


def diag(input, diagonal=0):
    """For a 1-D input, a square matrix with it on a diagonal; for a 2-D input, that diagonal.

    Args:
        input (Tensor): a 1-D or 2-D tensor.
        diagonal (int): which diagonal: 0 the main one, > 0 above it, < 0 below it.
            Default: 0.

    Example::

        >>> ember.diag(ember.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
        >>> ember.diag(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    if input.ndim == 1:
        n = input.shape[0] + _pyabs(diagonal)
        z = zeros(n, n, dtype=input.dtype, device=input.device)
        k = np.arange(input.shape[0])
        r = k + _pymax(-diagonal, 0)
        c = k + _pymax(diagonal, 0)
        return z.index_put((wrap(r.astype(np.int64), D.int64), wrap(c.astype(np.int64),
                                                                    D.int64)), input)
    if input.ndim == 2:
        return globals()["diagonal"](input, diagonal)
    raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{input.ndim}D")


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices whose diagonal (``offset``) holds the last dimension of ``input``.

    ``input`` of shape ``(..., n)`` gives ``(..., n + |offset|, n + |offset|)``.

    Args:
        input (Tensor): the input.
        offset (int): which diagonal to fill. Default: 0.
        dim1 (int): the first dimension of the new matrices. Default: -2.
        dim2 (int): the second dimension of the new matrices. Default: -1.

    Example::

        >>> ember.diag_embed(ember.tensor([[1, 2], [3, 4]]))
        tensor([[[1, 0],
                 [0, 2]],
        <BLANKLINE>
                [[3, 0],
                 [0, 4]]])
    """
    n = input.shape[-1] + _pyabs(offset)
    eye_ = eye(n, dtype=input.dtype, device=input.device)
    if offset:
        eye_ = diag(ones(input.shape[-1], dtype=input.dtype, device=input.device), offset)
        idx = np.arange(input.shape[-1])
        expanded = zeros(tuple(input.shape[:-1]) + (n,), dtype=input.dtype, device=input.device)
        expanded = expanded.index_put((Ellipsis, wrap((idx + _pymax(offset, 0)).astype(np.int64),
                                                      D.int64)), input)
        rows = expanded.unsqueeze(-1) * eye_
        return rows
    return input.unsqueeze(-1) * eye_


def trace(input):
    """The sum of the main diagonal of a 2-D tensor.

    Args:
        input (Tensor): a matrix.

    Example::

        >>> ember.trace(ember.tensor([[1, 2], [3, 4]]))
        tensor(5)
    """
    return diagonal(input).sum()


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors: one N-D tensor per input (views, via ``expand``).

    With ``indexing='ij'`` the i-th output varies along dimension i; with ``'xy'`` (NumPy's
    default) the first two dimensions are swapped, as for image (x, y) coordinates.

    Args:
        *tensors (Tensor...): 1-D tensors (or one sequence of them).
        indexing (str): ``'ij'`` or ``'xy'``. Default: ``'ij'``.

    Example::

        >>> xs, ys = ember.meshgrid(ember.tensor([1, 2]), ember.tensor([3, 4, 5]), indexing='ij')
        >>> xs
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> ys
        tensor([[3, 4, 5],
                [3, 4, 5]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    n = len(tensors)
    shape = [t.numel() for t in tensors]
    if indexing == "xy" and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(tensors):
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        view_shape = [1] * n
        view_shape[pos] = -1
        out.append(t.reshape(view_shape).expand(shape))
    return tuple(out)


def cartesian_prod(*tensors):
    """The Cartesian product of 1-D tensors, one combination per row.

    Args:
        *tensors (Tensor...): 1-D tensors.

    Example::

        >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    grids = meshgrid(*tensors, indexing="ij")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in grids], 1)


# ============================================================================ indexing


def index_select(input, dim, index):
    """The entries of ``input`` at positions ``index`` along dimension ``dim`` (a copy).

    ``index_select(x, 0, idx)`` is ``x[idx]``; the result has ``len(index)`` entries in
    ``dim``. The gradient is scattered (summed) back to the selected positions.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index.
        index (Tensor): a 1-D (or 0-D) integer tensor of positions; repeats are allowed.

    Example::

        >>> x = ember.tensor([[1, 2, 3], [4, 5, 6]])
        >>> ember.index_select(x, 1, ember.tensor([0, 2]))
        tensor([[1, 3],
                [4, 6]])
        >>> x.index_select(0, ember.tensor([1, 1]))
        tensor([[4, 5, 6],
                [4, 5, 6]])
    """
    d = _wrap_dim(dim, input.ndim)
    check_same_device(input, index)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    idx = index.reshape(-1)._data
    if input.ndim == 0:
        return I.GetItem.apply(input.reshape(1), (idx,)).reshape(())
    return I.GetItem.apply(input, (slice(None),) * d + (idx,))


def gather(input, dim, index, *, sparse_grad=False):
    """Gather values along ``dim`` at the positions in ``index``.

    For a 2-D input, ``out[i][j] = input[index[i][j]][j]`` when ``dim == 0`` and
    ``out[i][j] = input[i][index[i][j]]`` when ``dim == 1``. The result has ``index``'s shape;
    ``index`` must have as many dims as ``input`` and be no larger in the other dims. Typical
    use: pick one entry per row, e.g. the score of the target class.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index along.
        index (Tensor): int64 positions.
        sparse_grad (bool): accepted for torch compatibility (the gradient is dense).

    Example::

        >>> ember.gather(ember.tensor([[1, 2], [3, 4]]), 1, ember.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
        >>> scores = ember.tensor([[0.1, 0.9], [0.8, 0.2]])
        >>> scores.gather(1, ember.tensor([[1], [0]]))
        tensor([[0.9000],
                [0.8000]])
    """
    if index._dtype is not D.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    check_same_device(input, index)
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return I.Gather.apply(input.reshape(1), 0, index.reshape(1)).reshape(index.shape)
    return I.Gather.apply(input, d, index)


def take_along_dim(input, indices, dim=None):
    """Select values along ``dim`` at ``indices``, broadcasting ``indices`` against ``input``.

    Like :func:`ember.gather`, but the other dims broadcast; designed to consume the result
    of ``argsort``/``argmax(keepdim=True)``. Without ``dim``, both are flattened.

    Args:
        input (Tensor): the input.
        indices (Tensor): int64 positions.
        dim (int, optional): the dimension to select along. Default: None (flatten).

    Example::

        >>> x = ember.tensor([[10, 30, 20], [60, 40, 50]])
        >>> ember.take_along_dim(x, x.argsort(dim=1), dim=1)
        tensor([[10, 20, 30],
                [40, 50, 60]])
        >>> ember.take_along_dim(x, x.argmax(dim=1, keepdim=True), dim=1)
        tensor([[30],
                [60]])
    """
    if dim is None:
        return input.reshape(-1).gather(0, indices.reshape(-1))
    d = _wrap_dim(dim, input.ndim)
    shp = list(np.broadcast_shapes(tuple(input.shape[:d]) + (1,) + tuple(input.shape[d + 1:]),
                                   tuple(indices.shape[:d]) + (1,) + tuple(indices.shape[d + 1:])))
    ishp = shp.copy()
    ishp[d] = indices.shape[d]
    xshp = shp.copy()
    xshp[d] = input.shape[d]
    return gather(input.expand(xshp), d, indices.expand(ishp))


def _scatter(input, dim, index, src, reduce=None, value=None):
    if index._dtype is not D.int64:
        raise RuntimeError("scatter(): Expected dtype int64 for index")
    check_same_device(input, index)
    if isinstance(src, Tensor):
        check_same_device(input, src)
    d = _wrap_dim(dim, input.ndim)
    if src is None:
        src = value
    if isinstance(src, Tensor) and src._dtype is not input._dtype:
        raise RuntimeError(f"scatter(): Expected self.dtype to be equal to src.dtype")
    return I.Scatter.apply(input, d, index, src, reduce)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of ``input`` with the values of ``src`` written at the positions in ``index`` along ``dim``.

    For a 2-D tensor and ``dim == 0``: ``out[index[i][j]][j] = src[i][j]`` (``dim == 1``:
    ``out[i][index[i][j]] = src[i][j]``). When several values land on one position, which one
    wins is unspecified (as in torch); use ``scatter_add``/``scatter_reduce`` to combine them.
    ``Tensor.scatter_`` is the in-place form.

    Args:
        input (Tensor): the destination (not modified).
        dim (int): the dimension to index along.
        index (Tensor): int64 positions, with as many dims as ``input``.
        src (Tensor or number): the values to write (only the part of ``src`` the shape of
            ``index`` is used).
        value (number, optional): a single value to write everywhere (instead of ``src``).
        reduce (str, optional): ``'add'`` or ``'multiply'`` to combine with the existing
            values instead of overwriting.

    Example::

        >>> ember.zeros(3).scatter(0, ember.tensor([2]), ember.tensor([5.0]))
        tensor([0., 0., 5.])
        >>> ember.zeros(2, 3, dtype=ember.int64).scatter(1, ember.tensor([[2], [0]]), 7)
        tensor([[0, 0, 7],
                [7, 0, 0]])
    """
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    return _scatter(input, dim, index, src, reduce, value)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` added at the positions in ``index`` along ``dim``.

    ``out[index[i][j]][j] += src[i][j]`` (dim 0, 2-D): values landing on one position all
    add up. Differentiable with respect to ``input`` and ``src``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index along.
        index (Tensor): int64 positions, with as many dims as ``input``.
        src (Tensor): the values to add.

    Example::

        >>> ember.zeros(2).scatter_add(0, ember.tensor([1, 1]), ember.tensor([1.0, 2.0]))
        tensor([0., 3.])
    """
    return _scatter(input, dim, index, src, "add")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of ``input`` with the values of ``src`` reduced into the positions in ``index``.

    Like :func:`ember.scatter_add` with a choice of reduction. With
    ``include_self=False`` the existing values at scattered positions are ignored.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index along.
        index (Tensor): int64 positions, with as many dims as ``input``.
        src (Tensor): the values to scatter.
        reduce (str): ``'sum'``, ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``.
        include_self (bool): whether the existing values of ``input`` take part.
            Default: ``True``.

    Example::

        >>> src = ember.tensor([1.0, 5.0, 3.0])
        >>> ember.zeros(2).scatter_reduce(0, ember.tensor([0, 0, 1]), src, 'amax')
        tensor([5., 3.])
        >>> ember.ones(2).scatter_reduce(0, ember.tensor([0, 0, 1]), src, 'sum', include_self=False)
        tensor([6., 3.])
    """
    d = _wrap_dim(dim, input.ndim)
    check_same_device(input, index)
    check_same_device(input, src)
    xp = get_xp(input._data)
    out = input.detach()._data.copy()
    pos = I._scatter_positions(xp, index._data, d)
    s = src._data[tuple(slice(0, n) for n in index.shape)]
    if not include_self:
        fill = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}[reduce]
        out[pos] = fill
    if reduce in ("sum", "mean"):
        np.add.at(out, pos, s)
        if reduce == "mean":
            cnt = xp.zeros(out.shape, dtype=np.int64) + (1 if include_self else 0)
            np.add.at(cnt, pos, 1)
            out = out / np.maximum(cnt, 1)
            if not input._dtype.is_floating_point:
                out = np.floor(out)
    elif reduce == "prod":
        np.multiply.at(out, pos, s)
    elif reduce == "amax":
        np.maximum.at(out, pos, s)
    elif reduce == "amin":
        np.minimum.at(out, pos, s)
    else:
        raise RuntimeError(f"reduce argument must be one of sum, prod, mean, amax, amin, got "
                           f"{reduce}")
    return wrap(out.astype(input._dtype.np), input._dtype)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added to the slices at ``index`` along ``dim``.

    ``out.select(dim, index[i]) += alpha * source.select(dim, i)``; repeated indices
    accumulate.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index.
        index (Tensor): 1-D int64 positions, one per slice of ``source``.
        source (Tensor): the slices to add.
        alpha (number): the multiplier for ``source``. Default: 1.

    Example::

        >>> ember.zeros(3, 2).index_add(0, ember.tensor([0, 2, 0]), ember.ones(3, 2))
        tensor([[2., 2.],
                [0., 0.],
                [1., 1.]])
    """
    check_same_device(input, index)
    check_same_device(input, source)
    return I.IndexAdd.apply(input, _wrap_dim(dim, input.ndim), index, source, alpha)


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices at ``index`` along ``dim`` replaced by those of ``source``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index.
        index (Tensor): 1-D int64 positions, one per slice of ``source``.
        source (Tensor): the slices to copy.

    Example::

        >>> ember.zeros(3, 2).index_copy(0, ember.tensor([2, 0]), ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([[3., 4.],
                [0., 0.],
                [1., 2.]])
    """
    check_same_device(input, index)
    check_same_device(input, source)
    d = _wrap_dim(dim, input.ndim)
    return I.IndexPut.apply(input, source, (slice(None),) * d + (index._data,), False)


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices at ``index`` along ``dim`` filled with ``value``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index.
        index (Tensor): 1-D int64 positions.
        value (number or 0-d Tensor): the fill value.

    Example::

        >>> ember.zeros(2, 3).index_fill(1, ember.tensor([0, 2]), -1.0)
        tensor([[-1.,  0., -1.],
                [-1.,  0., -1.]])
    """
    check_same_device(input, index)
    d = _wrap_dim(dim, input.ndim)
    v = value.item() if isinstance(value, Tensor) else value
    return I.IndexPut.apply(input, v, (slice(None),) * d + (index._data,), False)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``out[indices] = values`` (or ``+=`` with ``accumulate``).

    ``indices`` is a tuple of index tensors, as in advanced indexing ``x[i, j]``. With
    ``accumulate=True`` repeated positions add up. ``Tensor.index_put_`` is the in-place form.

    Args:
        input (Tensor): the input.
        indices (tuple of Tensor): one integer (or bool) index tensor per indexed dimension.
        values (Tensor or number): the values to write (broadcast to the indexed shape).
        accumulate (bool): add to the existing values instead of overwriting.
            Default: ``False``.

    Example::

        >>> ember.zeros(3).index_put((ember.tensor([0, 2]),), ember.tensor([1.0, 2.0]))
        tensor([1., 0., 2.])
        >>> ember.zeros(3).index_put((ember.tensor([0, 0]),), ember.tensor(1.0), accumulate=True)
        tensor([2., 0., 0.])
    """
    idx = I.convert_index(tuple(indices), get_xp(input._data))
    if isinstance(values, Tensor) and values._dtype is not input._dtype:
        values = values.to(input._dtype)
    return I.IndexPut.apply(input, values, idx, accumulate)


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` where ``mask`` is True.

    ``mask`` is a bool tensor broadcastable to ``input``. The gradient flows to ``input``
    where the mask is False. A common use: set attention scores to ``-inf`` before softmax.

    Args:
        input (Tensor): the input.
        mask (Tensor): a bool tensor.
        value (number or 0-d Tensor): the fill value (cast to ``input.dtype``).

    Example::

        >>> ember.masked_fill(ember.tensor([1.0, 2.0]), ember.tensor([True, False]), 0.0)
        tensor([0., 2.])
        >>> ember.zeros(2, 2).masked_fill(ember.tensor([[False, True]]), float('-inf'))
        tensor([[0., -inf],
                [0., -inf]])
    """
    if mask._dtype is not D.bool:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{mask._dtype}")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value.ndim} dimension(s).")
        v = value.to(input._dtype)
    else:
        v = as_tensor(value, dtype=input._dtype, device=input.device)
    return where(mask, v, input)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a new 1-D tensor.

    ``input`` and ``mask`` broadcast together; the order is row-major. Equivalent to
    ``input[mask]``.

    Args:
        input (Tensor): the input.
        mask (Tensor): a bool tensor.

    Example::

        >>> ember.masked_select(ember.tensor([1, 2, 3]), ember.tensor([True, False, True]))
        tensor([1, 3])
        >>> x = ember.tensor([[1, -2], [-3, 4]])
        >>> x.masked_select(x > 0)
        tensor([1, 4])
    """
    check_same_device(input, mask)
    a, m = broadcast_tensors(input, mask)
    return I.GetItem.apply(a, m._data)


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the positions where ``mask`` is True filled, in order, from ``source``.

    The first ``mask.sum()`` elements of ``source`` (row-major) are used.

    Args:
        input (Tensor): the input.
        mask (Tensor): a bool tensor broadcastable to ``input``.
        source (Tensor): the values to copy; at least as many elements as True entries.

    Example::

        >>> ember.zeros(4).masked_scatter(ember.tensor([True, False, True, False]),
        ...                               ember.tensor([1.0, 2.0, 3.0]))
        tensor([1., 0., 2., 0.])
    """
    check_same_device(input, mask)
    check_same_device(input, source)
    m = mask.expand_as(input)
    n = int(m._data.sum())
    return I.IndexPut.apply(input, source.reshape(-1)[:n], m._data, False)


def take(input, index):
    """The elements of the flattened ``input`` at ``index``; the result has ``index``'s shape.

    Args:
        input (Tensor): the input.
        index (Tensor): integer positions into ``input.flatten()``.

    Example::

        >>> ember.take(ember.tensor([[1, 2], [3, 4]]), ember.tensor([0, 3]))
        tensor([1, 4])
    """
    return I.GetItem.apply(input.reshape(-1), index._data)


nonzero = I.nonzero


def argwhere(input):
    """The indices of the nonzero elements, as an ``(N, input.dim())`` int64 tensor.

    Same as ``ember.nonzero(input)``: one row per nonzero element, in row-major order.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.argwhere(ember.tensor([0, 5, 7]))
        tensor([[1],
                [2]])
        >>> ember.argwhere(ember.tensor([[1, 0], [0, 1]]))
        tensor([[0, 0],
                [1, 1]])
    """
    return I.nonzero(input)


def sort(input, dim=-1, descending=False, stable=False):
    """Sort the elements along ``dim``, returning a named tuple ``(values, indices)``.

    ``indices`` are the original positions (int64). ember's sort is always stable (equal
    elements keep their order). NaN sorts as the largest value. The gradient flows to the
    original positions.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to sort along. Default: -1.
        descending (bool): sort from largest to smallest. Default: ``False``.
        stable (bool): keep the order of equal elements (ember always does).
            Default: ``False``.

    Example::

        >>> ember.sort(ember.tensor([3, 1, 2]))
        torch.return_types.sort(
        values=tensor([1, 2, 3]),
        indices=tensor([1, 2, 0]))
        >>> ember.sort(ember.tensor([3, 1, 2]), descending=True).values
        tensor([3, 2, 1])
    """
    if isinstance(dim, builtins.bool):
        stable, dim = dim, -1
    d = _wrap_dim(dim, input.ndim) if input.ndim else 0
    if input.ndim == 0:
        return _named("sort", input.clone(), zeros((), dtype=D.int64, device=input.device))
    xp = get_xp(input._data)
    data = input._data
    if descending:
        key = -data if data.dtype.kind in "fi" else ~data if data.dtype == bool else -data
        if data.dtype.kind == "f":
            # NaN sorts first when descending (it is the largest in torch)
            key = xp.where(xp.isnan(data), -xp.inf, -data)
        if data.dtype == np.uint8:
            key = 255 - data.astype(np.int16)
        idx = xp.argsort(key, axis=d, kind="stable")
    else:
        idx = xp.argsort(data, axis=d, kind="stable")
    indices = wrap(idx.astype(np.int64), D.int64)
    return _named("sort", gather(input, d, indices), indices)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (the ``indices`` of :func:`ember.sort`).

    Args:
        input (Tensor): the input.
        dim (int): the dimension to sort along. Default: -1.
        descending (bool): sort from largest to smallest. Default: ``False``.
        stable (bool): keep the order of equal elements (ember always does).
            Default: ``False``.

    Example::

        >>> ember.argsort(ember.tensor([3, 1, 2]))
        tensor([1, 2, 0])
        >>> ember.argsort(ember.tensor([[3, 1], [0, 5]]), dim=1, descending=True)
        tensor([[0, 1],
                [1, 0]])
    """
    return sort(input, dim, descending, stable).indices


def msort(input):
    """Sort along dim 0 (values only): ``ember.sort(input, dim=0).values``.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.msort(ember.tensor([[3, 1], [2, 5]]))
        tensor([[2, 1],
                [3, 5]])
    """
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim``, as a named tuple ``(values, indices)``.

    Args:
        input (Tensor): the input.
        k (int): how many elements.
        dim (int): the dimension to search. Default: -1.
        largest (bool): ``True`` for the largest elements, ``False`` for the smallest.
            Default: ``True``.
        sorted (bool): return them in sorted order (ember always does). Default: ``True``.

    Example::

        >>> ember.topk(ember.tensor([1, 5, 3, 4]), 2)
        torch.return_types.topk(
        values=tensor([5, 4]),
        indices=tensor([1, 3]))
        >>> ember.topk(ember.tensor([1, 5, 3, 4]), 2, largest=False).values
        tensor([1, 3])
    """
    d = _wrap_dim(dim, input.ndim) if input.ndim else 0
    n = input.shape[d] if input.ndim else 1
    if k > n or k < 0:
        raise RuntimeError("selected index k out of range")
    s = sort(input, d, descending=largest)
    return _named("topk", s.values.narrow(d, 0, k) if input.ndim else s.values,
                  s.indices.narrow(d, 0, k) if input.ndim else s.indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim``, as a named tuple ``(values, indices)``.

    Args:
        input (Tensor): the input.
        k (int): which one, counting from 1 (the smallest).
        dim (int): the dimension to search. Default: -1.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.kthvalue(ember.tensor([4, 1, 3, 2]), 2)
        torch.return_types.kthvalue(
        values=tensor(2),
        indices=tensor(3))
    """
    d = _wrap_dim(dim, input.ndim)
    s = sort(input, d)
    v, i = s.values.narrow(d, k - 1, 1), s.indices.narrow(d, k - 1, 1)
    if not keepdim:
        v, i = v.squeeze(d), i.squeeze(d)
    return _named("kthvalue", v, i)


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim``, as a named tuple ``(values, indices)``.

    Among equally frequent values the smallest is returned; ``indices`` gives the position of
    one of its occurrences (the last).

    Args:
        input (Tensor): the input.
        dim (int): the dimension to reduce. Default: -1.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.mode(ember.tensor([1, 2, 2, 3, 3])).values
        tensor(2)
    """
    d = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    src = input.detach()._data
    xp = get_xp(src)
    with on_device(input.device):
        # vectorised on the input's backend (no host round trip): sort each row, number the
        # runs of equal values, count each run with one bincount, and take the first longest
        # run (the smallest of the most frequent values) of every row
        data = xp.moveaxis(src.reshape(1) if src.ndim == 0 else src, d, -1)
        n = data.shape[-1]
        flat = data.reshape(-1, n)
        rows = flat.shape[0]
        srt = xp.sort(flat, axis=-1)
        new = xp.ones(srt.shape, dtype=bool)
        new[:, 1:] = srt[:, 1:] != srt[:, :-1]
        run = xp.cumsum(new, axis=1) - 1 + (xp.arange(rows) * n)[:, None]
        counts = xp.bincount(run.reshape(-1), minlength=rows * n)[run]
        best = xp.argmax(counts, axis=1)
        v = xp.take_along_axis(srt, best[:, None], axis=1)
        hit = flat == v
        if flat.dtype.kind in "fc":
            hit = hit | (xp.isnan(flat) & xp.isnan(v))
        # the last occurrence of the value in the original row
        idx = xp.max(xp.where(hit, xp.arange(n), -1), axis=1).astype(np.int64)
        idx = idx.reshape(data.shape[:-1] + (1,))
    i = Tensor._wrap(xp.ascontiguousarray(xp.moveaxis(idx, -1, d)), D.int64)
    if input.ndim == 0:
        i = i.reshape(())
    v = input.gather(d, i) if input.ndim else input.clone()
    if not keepdim and input.ndim:
        v, i = v.squeeze(d), i.squeeze(d)
    return _named("mode", v, i)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa
    """The unique elements of ``input``, sorted, optionally with inverse indices and counts.

    Args:
        input (Tensor): the input.
        sorted (bool): sort the unique values (ember always does). Default: ``True``.
        return_inverse (bool): also return, for each element of ``input``, the index of its
            value in the output. Default: ``False``.
        return_counts (bool): also return how often each unique value occurs.
            Default: ``False``.
        dim (int, optional): find unique slices along this dimension instead of unique
            elements of the flattened tensor.

    Returns:
        Tensor, or a tuple ``(output, inverse_indices, counts)`` of the requested parts.

    Example::

        >>> ember.unique(ember.tensor([3, 1, 3, 2]))
        tensor([1, 2, 3])
        >>> ember.unique(ember.tensor([3, 1, 3]), return_inverse=True, return_counts=True)
        (tensor([1, 3]), tensor([1, 0, 1]), tensor([1, 2]))
    """
    data = input.detach().cpu()._data
    res = np.unique(data, return_inverse=return_inverse, return_counts=return_counts,
                    axis=dim)
    if not isinstance(res, tuple):
        res = (res,)
    out = [Tensor._wrap(_place(res[0], input.device), input._dtype)]
    k = 1
    if return_inverse:
        inv = res[k].reshape(data.shape if dim is None else -1).astype(np.int64)
        out.append(Tensor._wrap(_place(inv, input.device), D.int64))
        k += 1
    if return_counts:
        out.append(Tensor._wrap(_place(res[k].astype(np.int64), input.device), D.int64))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements into one (like the Unix ``uniq``).

    Args:
        input (Tensor): the input.
        return_inverse (bool): also return, for each element, the index of its run.
            Default: ``False``.
        return_counts (bool): also return the length of each run. Default: ``False``.
        dim (int, optional): accepted for torch compatibility; ember works on the flattened
            tensor.

    Example::

        >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 2, 1]))
        tensor([1, 2, 1])
        >>> ember.unique_consecutive(ember.tensor([1, 1, 2]), return_counts=True)
        (tensor([1, 2]), tensor([2, 1]))
    """
    data = input.detach().cpu()._data.reshape(-1)
    if data.size == 0:
        keep = np.zeros(0, dtype=bool)
    else:
        keep = np.concatenate([[True], data[1:] != data[:-1]])
    vals = data[keep]
    out = [Tensor._wrap(_place(vals, input.device), input._dtype)]
    if return_inverse:
        out.append(Tensor._wrap(_place((np.cumsum(keep) - 1).reshape(input.shape)
                                       .astype(np.int64), input.device), D.int64))
    if return_counts:
        pos = np.nonzero(keep)[0]
        out.append(Tensor._wrap(_place(np.diff(np.append(pos, data.size)).astype(np.int64),
                                       input.device), D.int64))
    return out[0] if len(out) == 1 else tuple(out)


def bincount(input, weights=None, minlength=0):
    """Count the occurrences of each value in a 1-D tensor of non-negative integers.

    ``out[v]`` is the number of times ``v`` occurs (or the sum of the matching ``weights``).
    The length is ``max(input) + 1``, at least ``minlength``.

    Args:
        input (Tensor): 1-D non-negative integers.
        weights (Tensor, optional): one weight per element of ``input``.
        minlength (int): the minimum length of the result. Default: 0.

    Example::

        >>> ember.bincount(ember.tensor([0, 2, 2, 3]))
        tensor([1, 0, 2, 1])
        >>> ember.bincount(ember.tensor([1, 1]), minlength=4)
        tensor([0, 2, 0, 0])
    """
    w = None if weights is None else weights.detach().cpu()._data
    res = np.bincount(input.detach().cpu()._data, w, minlength)
    dt = D.int64 if weights is None else (weights._dtype if weights._dtype.is_floating_point
                                          else D.float64)
    return Tensor._wrap(_place(res.astype(dt.np), input.device), dt)


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """A histogram of ``input`` with ``bins`` equal-width bins between ``min`` and ``max``.

    Values outside ``[min, max]`` are ignored. When ``min == max`` (the default 0, 0) the
    data's own minimum and maximum are used. The result has ``input``'s dtype.

    Args:
        input (Tensor): the values (floating).
        bins (int): the number of bins. Default: 100.
        min (number): the lower end of the range. Default: 0.
        max (number): the upper end of the range. Default: 0.

    Example::

        >>> ember.histc(ember.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    data = input.detach()._data
    lo, hi = min, max
    if type(data) is not np.ndarray:
        return Tensor._wrap(_histc_device(data, bins, lo, hi, input.device), input._dtype)
    if lo == hi:
        lo, hi = (float(data.min()), float(data.max())) if data.size else (0.0, 0.0)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    h, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return Tensor._wrap(h.astype(input._dtype.np), input._dtype)


def _histc_device(data, bins, lo, hi, device):
    """``histc`` on a CuPy (or meta) array without moving the data or the range to the host:
    bin ``floor((x - lo) * bins / (hi - lo))`` (``x == hi`` in the last bin), values outside
    ``[lo, hi]`` (and NaN) dropped, counted with one ``bincount``."""
    xp = get_xp(data)
    with on_device(device):
        x = data.reshape(-1).astype(np.float64)
        if lo == hi:
            if x.size:
                lo, hi = x.min(), x.max()   # 0-d device arrays
            else:
                lo, hi = xp.asarray(0.0), xp.asarray(0.0)
            same = lo == hi
            lo, hi = xp.where(same, lo - 1, lo), xp.where(same, hi + 1, hi)
        b = xp.floor((x - lo) * (bins / (hi - lo)))
        b = xp.where((x >= lo) & (x <= hi), xp.minimum(b, bins - 1), bins).astype(np.int64)
        return xp.bincount(b, minlength=bins + 1)[:bins].astype(data.dtype)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """The indices at which to insert the values of ``input`` to keep ``sorted_sequence`` sorted.

    For 1-D ``sorted_sequence``: ``left`` gives the first ``i`` with
    ``sorted_sequence[i] >= v``, ``right`` the first ``i`` with ``sorted_sequence[i] > v``.
    An N-D ``sorted_sequence`` is searched row by row (its leading dims match ``input``'s).

    Args:
        sorted_sequence (Tensor): sorted along the last dimension.
        input (Tensor or number): the values to look up.
        out_int32 (bool): return int32 instead of int64. Default: ``False``.
        right (bool): find the rightmost position among equal values. Default: ``False``.
        side (str, optional): ``'left'`` or ``'right'``; overrides ``right``.
        sorter (Tensor, optional): int64 indices that sort ``sorted_sequence`` along its last
            dimension (as from ``argsort``); the result then counts positions in that sorted
            order.

    Example::

        >>> seq = ember.tensor([1, 3, 5, 7])
        >>> ember.searchsorted(seq, ember.tensor([3, 6]))
        tensor([1, 3])
        >>> ember.searchsorted(seq, ember.tensor([3, 6]), right=True)
        tensor([2, 3])
    """
    # on the sequence's own backend (NumPy, CuPy or meta): no host round trip
    seq = sorted_sequence.detach()._data
    xp = get_xp(seq)
    with on_device(sorted_sequence.device):
        vals = input.detach()._data if isinstance(input, Tensor) else xp.asarray(input)
        if sorter is not None:
            seq = xp.take_along_axis(seq, sorter.detach()._data.astype(np.int64), axis=-1)
        sd = side or ("right" if right else "left")
        if seq.ndim == 1:
            res = xp.searchsorted(seq, vals, side=sd)
        else:
            res = xp.stack([xp.searchsorted(s, v, side=sd) for s, v in
                            zip(seq.reshape(-1, seq.shape[-1]),
                                vals.reshape(-1, vals.shape[-1]))]).reshape(vals.shape)
        dt = D.int32 if out_int32 else D.int64
        return Tensor._wrap(xp.asarray(res).astype(dt.np), dt)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The index of the bucket (defined by sorted ``boundaries``) that each value falls into.

    ``searchsorted(boundaries, input)`` with the arguments swapped: with ``right=False`` the
    bucket ``i`` satisfies ``boundaries[i - 1] < v <= boundaries[i]``.

    Args:
        input (Tensor or number): the values.
        boundaries (Tensor): 1-D, sorted increasingly.
        out_int32 (bool): return int32 instead of int64. Default: ``False``.
        right (bool): use ``boundaries[i - 1] <= v < boundaries[i]`` instead.
            Default: ``False``.

    Example::

        >>> ember.bucketize(ember.tensor([1, 5, 9]), ember.tensor([2, 4, 6, 8]))
        tensor([0, 2, 4])
    """
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ============================================================================ linear algebra


def matmul(input, other, *, out=None):
    """Matrix product of two tensors, with torch's rules for every number of dimensions.

    * 1-D @ 1-D: the dot product (a 0-d tensor).
    * 2-D @ 2-D: the matrix product.
    * 1-D @ N-D: the vector is treated as a row (a 1 is prepended, then removed).
    * N-D @ 1-D: the vector is treated as a column (a 1 is appended, then removed).
    * batched (>= 3-D): a batch of matrix products; the batch dimensions broadcast.

    The ``@`` operator. Operands must have the same dtype (as torch).

    Args:
        input (Tensor): the left operand.
        other (Tensor): the right operand.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> a = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ember.matmul(a, ember.tensor([1.0, 1.0]))
        tensor([3., 7.])
        >>> a @ a
        tensor([[ 7., 10.],
                [15., 22.]])
        >>> ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape
        torch.Size([5, 2, 4])
    """
    L.check_matmul(input, other)
    if type(input._data) is not np.ndarray or type(other._data) is not np.ndarray:
        check_same_device(input, other)
    a, b = input, other
    if a.ndim == 1 and b.ndim == 1:
        return _out(out, L.Matmul.apply(a.unsqueeze(0), b.unsqueeze(1)).reshape(()))
    if a.ndim == 1:
        return _out(out, L.Matmul.apply(a.unsqueeze(0), b).squeeze(-2))
    if b.ndim == 1:
        return _out(out, L.Matmul.apply(a, b.unsqueeze(1)).squeeze(-1))
    return _out(out, L.Matmul.apply(a, b))


def mm(input, mat2, *, out=None):
    """Matrix product of two 2-D tensors (no broadcasting; see :func:`ember.matmul`).

    ``(n, m) @ (m, p)`` gives ``(n, p)``.

    Args:
        input (Tensor): the first matrix, ``(n, m)``.
        mat2 (Tensor): the second matrix, ``(m, p)``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.mm(ember.tensor([[1, 2]]), ember.tensor([[3], [4]]))
        tensor([[11]])
        >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape
        torch.Size([2, 4])
    """
    if input.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    return matmul(input, mat2, out=out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product: ``(b, n, m) @ (b, m, p)`` gives ``(b, n, p)`` (no broadcasting).

    Args:
        input (Tensor): the first batch of matrices, ``(b, n, m)``.
        mat2 (Tensor): the second batch of matrices, ``(b, m, p)``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.bmm(ember.ones(10, 2, 3), ember.ones(10, 3, 4)).shape
        torch.Size([10, 2, 4])
    """
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{input.shape[0]}, {input.shape[2]}] but got: "
                           f"[{mat2.shape[0]}, {mat2.shape[1]}].")
    return matmul(input, mat2, out=out)


def mv(input, vec):
    """Matrix-vector product: ``(n, m) @ (m,)`` gives ``(n,)``.

    Args:
        input (Tensor): the matrix, ``(n, m)``.
        vec (Tensor): the vector, ``(m,)``.

    Example::

        >>> ember.mv(ember.tensor([[1, 2], [3, 4]]), ember.tensor([1, 1]))
        tensor([3, 7])
    """
    return matmul(input, vec)


def dot(input, other):
    """The dot product of two 1-D tensors of the same length, as a 0-d tensor.

    Args:
        input (Tensor): the first vector.
        other (Tensor): the second vector.

    Example::

        >>> ember.dot(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


def inner(input, other):
    """Inner product over the last dimension: ``out[i..., j...] = sum_k a[i..., k] b[j..., k]``.

    For 1-D tensors this is the dot product; a 0-d operand multiplies elementwise.

    Args:
        input (Tensor): first tensor.
        other (Tensor): second tensor with the same last dimension.

    Example::

        >>> ember.inner(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    a = input.reshape(-1, input.shape[-1])
    b = other.reshape(-1, other.shape[-1])
    return matmul(a, b.mT).reshape(tuple(input.shape[:-1]) + tuple(other.shape[:-1]))


def vdot(input, other):
    """Dot product of two 1-D tensors, conjugating the first (for complex tensors).

    Args:
        input (Tensor): first vector (conjugated when complex).
        other (Tensor): second vector.

    Example::

        >>> ember.vdot(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
        tensor(11.)
    """
    return dot(conj(input), other)


def outer(input, vec2):
    """The outer product of two 1-D tensors: ``out[i][j] = input[i] * vec2[j]``.

    ``ember.ger`` is an alias.

    Args:
        input (Tensor): the first vector, ``(n,)``.
        vec2 (Tensor): the second vector, ``(m,)``.

    Example::

        >>> ember.outer(ember.tensor([1, 2]), ember.tensor([1, 10, 100]))
        tensor([[  1,  10, 100],
                [  2,  20, 200]])
    """
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts to the product's shape.

    With ``beta=0``, ``input`` is ignored (NaN in it does not propagate).

    Args:
        input (Tensor): the tensor to add (e.g. a bias row).
        mat1 (Tensor): the first matrix, ``(n, m)``.
        mat2 (Tensor): the second matrix, ``(m, p)``.
        beta (number): the multiplier for ``input``. Default: 1.
        alpha (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.addmm(ember.tensor([1.0, 2.0]), ember.ones(2, 3), ember.ones(3, 2))
        tensor([[4., 5.],
                [4., 5.]])
    """
    prod_ = mm(mat1, mat2)
    if alpha != 1:
        prod_ = prod_ * alpha
    return prod_ + (input if beta == 1 else input * beta) if beta != 0 else prod_


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``.

    Args:
        input (Tensor): the vector to add.
        mat (Tensor): the matrix, ``(n, m)``.
        vec (Tensor): the vector, ``(m,)``.
        beta (number): the multiplier for ``input``. Default: 1.
        alpha (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.addmv(ember.tensor([1.0, 1.0]), ember.ones(2, 3), ember.ones(3), alpha=2)
        tensor([7., 7.])
    """
    return beta * input + alpha * mv(mat, vec)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])`` (the products are summed over the batch).

    Args:
        input (Tensor): the matrix to add, broadcastable to ``(n, p)``.
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (number): the multiplier for ``input``. Default: 1.
        alpha (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.addbmm(ember.zeros(2, 2), ember.ones(3, 2, 4), ember.ones(3, 4, 2))
        tensor([[12., 12.],
                [12., 12.]])
    """
    return beta * input + alpha * bmm(batch1, batch2).sum(0)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)``, batch by batch.

    Args:
        input (Tensor): the tensor to add, broadcastable to ``(b, n, p)``.
        batch1 (Tensor): ``(b, n, m)``.
        batch2 (Tensor): ``(b, m, p)``.
        beta (number): the multiplier for ``input``. Default: 1.
        alpha (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.baddbmm(ember.ones(2, 1, 1), ember.ones(2, 1, 3), ember.ones(2, 3, 1), beta=0.5)
        tensor([[[3.5000]],
        <BLANKLINE>
                [[3.5000]]])
    """
    prod_ = bmm(batch1, batch2)
    if alpha != 1:
        prod_ = prod_ * alpha
    return prod_ + (input if beta == 1 else input * beta) if beta != 0 else prod_


def einsum(equation, *operands):
    """Einstein summation: multiply and sum operands as described by subscript ``equation``.

    Each operand gets one letter per dimension; letters repeated across operands are
    multiplied together and letters missing from the output (after ``->``) are summed. Without
    ``->`` the output holds the letters that appear once, in alphabetical order. ``...``
    stands for broadcast dimensions.

    Args:
        equation (str): the subscripts, e.g. ``'ij,jk->ik'``.
        *operands (Tensor...): the tensors (or one sequence of them).

    Example::

        >>> a, b = ember.ones(2, 3), ember.ones(3, 4)
        >>> ember.einsum('ij,jk->ik', a, b).shape
        torch.Size([2, 4])
        >>> ember.einsum('ii', ember.tensor([[1, 2], [3, 4]]))
        tensor(5)
        >>> ember.einsum('i,j->ij', ember.tensor([1, 2]), ember.tensor([3, 4]))
        tensor([[3, 4],
                [6, 8]])
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = equation.replace(" ", "")
    if "->" not in eq:
        lhs = eq
        letters = [c for c in lhs if c.isalpha()]
        out_ = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        if "..." in lhs:
            out_ = "..." + out_
        eq = lhs + "->" + out_
    if "..." in eq:
        eq = _expand_ellipsis(eq, operands)
    rt = operands[0]._dtype
    for o in operands[1:]:
        rt = D.promote_types(rt, o._dtype)
    ops = [o if o._dtype is rt else o.to(rt) for o in operands]
    return L.Einsum.apply(eq, *ops)


def _expand_ellipsis(eq, operands):
    lhs, rhs = eq.split("->")
    subs = lhs.split(",")
    used = set(c for c in eq if c.isalpha())
    pool = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    n_ell = _pymax((o.ndim - (len(s) - 3) for s, o in zip(subs, operands) if "..." in s),
                   default=0)
    ell = "".join(pool[:n_ell])
    new = []
    for s, o in zip(subs, operands):
        if "..." in s:
            k = o.ndim - (len(s) - 3)
            s = s.replace("...", ell[n_ell - k:])
        new.append(s)
    return ",".join(new) + "->" + rhs.replace("...", ell)


def kron(input, other):
    """The Kronecker product of ``input`` and ``other``: every element of ``input`` times the whole of ``other``.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> ember.kron(ember.eye(2), ember.ones(1, 2))
        tensor([[1., 1., 0., 0.],
                [0., 0., 1., 1.]])
    """
    a, b = input, other
    nd = _pymax(a.ndim, b.ndim)
    a = a.reshape((1,) * (nd - a.ndim) + tuple(a.shape))
    b = b.reshape((1,) * (nd - b.ndim) + tuple(b.shape))
    inter_a, inter_b = [], []
    for sa, sb in zip(a.shape, b.shape):
        inter_a += [sa, 1]
        inter_b += [1, sb]
    return (a.reshape(inter_a) * b.reshape(inter_b)).reshape(
        [sa * sb for sa, sb in zip(a.shape, b.shape)])


def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim``.

    Args:
        input (Tensor): the first vectors.
        other (Tensor): the second vectors (same shape).
        dim (int, optional): the dimension holding the vectors (size 3). Default: the first
            dimension of size 3 (as torch's deprecated default; ``ember.linalg.cross`` uses
            -1).

    Example::

        >>> ember.cross(ember.tensor([1, 0, 0]), ember.tensor([0, 1, 0]))
        tensor([0, 0, 1])
    """
    d = dim if dim is not None else next(i for i, s in enumerate(input.shape) if s == 3)
    a0, a1, a2 = input.unbind(d)
    b0, b1, b2 = other.unbind(d)
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def _linalg_inv(A):
    """The inverse of a square matrix, or of each matrix in a batch (see ``ember.linalg.inv``).

    Args:
        A (Tensor): ``(..., n, n)`` invertible matrices.

    Example::

        >>> ember.linalg.inv(ember.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return L.Inv.apply(A)


def _linalg_det(A):
    """The determinant of a square matrix, or of each matrix in a batch (see ``ember.linalg.det``).

    Args:
        A (Tensor): ``(..., n, n)`` matrices.

    Example::

        >>> ember.linalg.det(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(-2.)
    """
    return L.Det.apply(A)


def _linalg_solve(A, B, *, left=True):
    """The solution ``X`` of ``A @ X = B`` (see ``ember.linalg.solve``).

    A 1-D ``B`` (or a batch of vectors of shape ``A.shape[:-1]``) is treated as a vector.

    Args:
        A (Tensor): ``(..., n, n)`` invertible matrices.
        B (Tensor): the right-hand side(s), ``(..., n, k)`` or ``(..., n)``.
        left (bool): solve ``A @ X = B`` (True) or ``X @ A = B`` (False). Default: ``True``.

    Example::

        >>> ember.linalg.solve(ember.tensor([[2.0, 0.0], [0.0, 4.0]]), ember.tensor([2.0, 2.0]))
        tensor([1.0000, 0.5000])
    """
    if not left:
        return _linalg_solve(A.mT, B.mT).mT
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vec:
        return L.Solve.apply(A, B.unsqueeze(-1)).squeeze(-1)
    return L.Solve.apply(A, B)


# ============================================================================ misc


def numel(input):
    """The number of elements of ``input`` (a Python int).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.numel(ember.zeros(2, 3))
        6
    """
    return input.numel()


def is_tensor(obj):
    """``True`` if ``obj`` is an ember Tensor (``nn.Parameter`` included).

    Args:
        obj (object): the object to test.

    Example::

        >>> ember.is_tensor(ember.zeros(1)), ember.is_tensor([1.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """``True`` if ``input``'s dtype is a floating type (float16, bfloat16, float32, float64).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.is_floating_point(ember.tensor([1.0])), ember.is_floating_point(ember.tensor([1]))
        (True, False)
    """
    return input._dtype.is_floating_point


def is_complex(input):
    """``True`` if ``input``'s dtype is complex (complex64 or complex128).

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.is_complex(ember.tensor([1j])), ember.is_complex(ember.tensor([1.0]))
        (True, False)
    """
    return input._dtype.is_complex


def is_nonzero(input):
    """The truth value of a one-element tensor (raises for more or fewer elements).

    Args:
        input (Tensor): a tensor with exactly one element.

    Example::

        >>> ember.is_nonzero(ember.tensor([0.5])), ember.is_nonzero(ember.tensor(0))
        (True, False)
    """
    return builtins.bool(input)


def real(input):
    """The real part of ``input`` (``input`` itself for real dtypes).

    Also the ``Tensor.real`` property. For a complex tensor the result is a real view sharing
    its memory (writes show through); differentiable, the gradient is ``g + 0j``.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.real(ember.tensor([1 + 2j, 3 - 1j]))
        tensor([1., 3.])
    """
    if not input._dtype.is_complex:
        return input
    return E.ComplexPart.apply(input, True)


def imag(input):
    """The imaginary part of a complex ``input`` (an error for real dtypes, as torch).

    Also the ``Tensor.imag`` property. The result is a real view sharing ``input``'s memory;
    differentiable, the gradient is ``1j * g``.

    Args:
        input (Tensor): a complex tensor.

    Example::

        >>> ember.imag(ember.tensor([1 + 2j, 3 - 1j]))
        tensor([ 2., -1.])
    """
    if not input._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return E.ComplexPart.apply(input, False)


def conj(input):
    """The complex conjugate of ``input`` (``input`` itself for real dtypes).

    ember conjugates eagerly (no lazy conjugation bit). Differentiable: the gradient is
    ``conj(g)``.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.conj(ember.tensor([1 + 2j]))
        tensor([1.-2.j])
    """
    if not input._dtype.is_complex:
        return input
    return E.Conj.apply(input)


def complex(real, imag):  # noqa: A001
    """A complex tensor ``real + 1j * imag`` from two floating tensors (broadcast).

    float32 parts give complex64, float64 parts complex128. Differentiable in both: their
    gradients are the real and imaginary parts of ``g``.

    Args:
        real (Tensor): the real parts.
        imag (Tensor): the imaginary parts (same dtype).

    Example::

        >>> ember.complex(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
        tensor([1.+3.j, 2.+4.j])
    """
    _check_complex_parts(real, imag)
    return E.Complex.apply(real, imag)


def _check_complex_parts(a, b):
    """torch's checks for ``complex``/``polar``: two float32 or float64 tensors, one dtype."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("complex(): argument 'real' and 'imag' must be Tensor, not "
                        f"{type(a if not isinstance(a, Tensor) else b).__name__}")
    ok = (D.float16, D.float32, D.float64)
    if a._dtype not in ok or b._dtype not in ok:
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_type_label(a._dtype)} and {_type_label(b._dtype)}")
    if a._dtype is not b._dtype:
        raise RuntimeError(f"Expected object of scalar type {_type_label(a._dtype)} but got "
                           f"scalar type {_type_label(b._dtype)} for second argument")
    if a._dtype is D.float16:
        raise RuntimeError("complex(): float16 parts would give complex32 (ComplexHalf), which "
                           "ember does not have; convert the parts to float32 first.")
    if type(a._data) is not np.ndarray or type(b._data) is not np.ndarray:
        check_same_device(a, b)


def polar(abs, angle):  # noqa: A002
    """A complex tensor from magnitudes and angles: ``abs * (cos(angle) + 1j * sin(angle))``.

    Args:
        abs (Tensor): the magnitudes.
        angle (Tensor): the angles, in radians.

    Example::

        >>> ember.polar(ember.tensor([2.0]), ember.tensor([0.0]))
        tensor([2.+0.j])
    """
    _check_complex_parts(abs, angle)
    return E.Polar.apply(abs, angle)


def angle(input):
    """The angle (argument) of each element, in radians.

    For real tensors this is 0 for non-negative values and pi for negative ones (with a zero
    gradient). Integer inputs give a float result. For complex inputs the result is real and
    differentiable: the gradient is ``g * 1j * z / |z|^2`` (0 at ``z == 0``), as torch.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.angle(ember.tensor([1j, -1 + 0j]))
        tensor([1.5708, 3.1416])
    """
    dt = float_dtype_for(input._dtype)
    return E.Angle.apply(input, dtype_=dt.to_real() if dt.is_complex else dt)


def heaviside(input, values):
    """The Heaviside step function: 0 where ``input < 0``, ``values`` where ``input == 0``, 1 where ``input > 0``.

    Args:
        input (Tensor): the input.
        values (Tensor): the value(s) to use where ``input`` is 0 (broadcastable).

    Example::

        >>> ember.heaviside(ember.tensor([-1.5, 0.0, 2.0]), ember.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    return where(input == 0, values.expand_as(input) if isinstance(values, Tensor) else values,
                 (input > 0).to(input.dtype))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim``: ``out[i] = input[i + 1] - input[i]``.

    ``prepend``/``append`` are concatenated to ``input`` first. For bool tensors the
    difference is ``!=`` (XOR).

    Args:
        input (Tensor): the input.
        n (int): how many times to take the difference. Default: 1.
        dim (int): the dimension. Default: -1.
        prepend (Tensor, optional): values to put before ``input`` along ``dim``.
        append (Tensor, optional): values to put after ``input`` along ``dim``.

    Example::

        >>> ember.diff(ember.tensor([1, 4, 9, 16]))
        tensor([3, 5, 7])
        >>> ember.diff(ember.tensor([1, 4, 9, 16]), n=2)
        tensor([2, 2])
    """
    d = _wrap_dim(dim, input.ndim)
    x = input
    if prepend is not None or append is not None:
        parts = ([prepend] if prepend is not None else []) + [x] + \
                ([append] if append is not None else [])
        x = cat(parts, d)
    for _ in _pyrange(n):
        m = x.shape[d]
        x = x.narrow(d, 1, m - 1) - x.narrow(d, 0, m - 1) if x._dtype is not D.bool else \
            x.narrow(d, 1, m - 1) ^ x.narrow(d, 0, m - 1)
    return x


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim`` (inputs broadcast).

    As torch 2.x: each input is divided by its norm first (keeping the result in [-1, 1]),
    the norms clamped below at ``eps`` without gradient.

    Args:
        x1 (Tensor): first input.
        x2 (Tensor): second input, broadcastable with ``x1``.
        dim (int): the dimension of the vectors.
        eps (float): lower bound for the norms.

    Example::

        >>> ember.cosine_similarity(ember.tensor([[1.0, 0.0]]), ember.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    x1, x2 = broadcast_tensors(x1, x2)
    n1 = vector_norm(x1, 2, dim, keepdim=True)
    n2 = vector_norm(x2, 2, dim, keepdim=True)
    n1 = n1 + (n1.detach().clamp_min(eps) - n1.detach())
    n2 = n2 + (n2.detach().clamp_min(eps) - n2.detach())
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def result_type(tensor1, tensor2):
    """The dtype that an arithmetic operation on ``tensor1`` and ``tensor2`` would produce.

    Follows torch's promotion: dimensioned tensors outrank 0-d tensors, which outrank Python
    numbers, each only within a category (bool < integer < floating < complex).

    Args:
        tensor1 (Tensor or number): the first operand.
        tensor2 (Tensor or number): the second operand.

    Example::

        >>> ember.result_type(ember.tensor([1, 2]), 1.0)
        torch.float32
        >>> ember.result_type(ember.tensor([1], dtype=ember.uint8), ember.tensor([1], dtype=ember.int8))
        torch.int16
    """
    return D.result_type(tensor1, tensor2)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the columns).

    Args:
        input (Tensor): ``(variables, observations)``, or a 1-D tensor (one variable).
        correction (int): the divisor is ``observations - correction``; 1 gives the unbiased
            estimate. Default: 1.
        fweights (Tensor, optional): accepted for torch compatibility; ember does not
            support frequency weights yet.
        aweights (Tensor, optional): accepted for torch compatibility; ember does not
            support observation weights yet.

    Example::

        >>> ember.cov(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    x = input if input.ndim == 2 else input.reshape(1, -1)
    n = x.shape[1]
    xm = x - x.mean(1, keepdim=True)
    return xm.matmul(xm.mT.conj() if x._dtype.is_complex else xm.mT) / (n - correction) \
        if input.ndim == 2 else (xm.matmul(xm.mT) / (n - correction)).reshape(())


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of ``input``.

    Args:
        input (Tensor): ``(variables, observations)``.

    Example::

        >>> ember.corrcoef(ember.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = diagonal(c).sqrt()
    return (c / d.unsqueeze(0) / d.unsqueeze(1)).clamp(-1, 1)


def block_diag(*tensors):
    """A block-diagonal matrix with the given tensors on the diagonal.

    0-D and 1-D tensors count as one row. dtypes promote.

    Args:
        *tensors (Tensor...): the blocks (at most 2-D each).

    Example::

        >>> ember.block_diag(ember.tensor([[1, 2]]), ember.tensor([[3], [4]]))
        tensor([[1, 2, 0],
                [0, 0, 3],
                [0, 0, 4]])
    """
    mats = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    rows = _pysum(m.shape[0] for m in mats)
    cols = _pysum(m.shape[1] for m in mats)
    rt = mats[0]._dtype
    for m in mats[1:]:
        rt = D.promote_types(rt, m._dtype)
    out = zeros(rows, cols, dtype=rt, device=mats[0].device)
    r = c = 0
    for m in mats:
        out = I.IndexPut.apply(out, m.to(rt), (slice(r, r + m.shape[0]),
                                               slice(c, c + m.shape[1])), False)
        r += m.shape[0]
        c += m.shape[1]
    return out


# the public API: every function defined here (and its aliases), plus the ops re-exported above
__all__ = sorted([n for n, v in list(globals().items())
                  if not n.startswith("_") and callable(v)
                  and getattr(v, "__module__", None) == __name__
                  and not isinstance(v, type)] + ["where", "nonzero"])

# more torch-level functions, kept in their own modules by theme (each lists its __all__)
from . import _fn_extra, _fn_linalg, _fn_nn, _switches, _finfo, _inplace_fns  # noqa: E402
from ._fn_extra import *  # noqa: F401,F403,E402
from ._fn_linalg import *  # noqa: F401,F403,E402
from ._fn_nn import *  # noqa: F401,F403,E402
from ._switches import *  # noqa: F401,F403,E402
from ._finfo import finfo, iinfo  # noqa: F401,E402
from ._inplace_fns import *  # noqa: F401,F403,E402
__all__ = sorted(set(__all__) | set(_fn_extra.__all__) | set(_fn_linalg.__all__)
                 | set(_fn_nn.__all__) | set(_switches.__all__) | set(_finfo.__all__)
                 | set(_inplace_fns.__all__))
