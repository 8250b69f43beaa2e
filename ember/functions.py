"""The public torch-level functions (``ember.add``, ``ember.cat``, ...), composed from the
primitives in ``ember.ops``. Tensor methods (``x.add(y)``) are these same functions.
"""
import builtins
import math
import numbers
from collections import namedtuple

import numpy as np

from . import _dtype as D
from ._device import get_xp, to_device, CPU, _default_device_stack, on_device
from ._tensor import Tensor, Size, _wrap_dim
from .autograd.grad_mode import STATE
from .ops import elementwise as E, reduce as R, movement as M, indexing as I, linalg as L
from .ops._common import wrap, prep_binary, normalize_dims, check_same_device, float_dtype_for
from .ops.elementwise import where
from .random import _get as _gen

_pyabs, _pymax, _pymin, _pysum, _pyround = builtins.abs, builtins.max, builtins.min, \
    builtins.sum, builtins.round

# ============================================================================ creation


def _target_device(device):
    d = to_device(device)
    if d is None and _default_device_stack:
        d = _default_device_stack[-1]
    return d


def _place(arr, device):
    """Move a NumPy array to ``device`` (a no-op for cpu)."""
    if device is None or device.type == "cpu":
        return arr
    with on_device(device):
        return device.xp.asarray(arr)


def _infer_dtype(data):
    """torch's dtype inference for nested Python data."""
    kinds = set()

    def walk(x):
        if isinstance(x, Tensor):
            kinds.add(x._dtype)
        elif isinstance(x, bool):
            kinds.add("b")
        elif isinstance(x, (int, np.integer)) and not isinstance(x, np.bool_):
            kinds.add("i")
        elif isinstance(x, (float, np.floating)):
            kinds.add("f")
        elif isinstance(x, (builtins.complex, np.complexfloating)):
            kinds.add("c")
        elif isinstance(x, np.bool_):
            kinds.add("b")
        elif isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, np.ndarray):
            kinds.add(D.from_np(x.dtype))
        else:
            raise TypeError(f"Could not infer dtype of {type(x).__name__}")
    walk(data)
    if "c" in kinds:
        return D.complex128 if D.get_default_dtype() is D.float64 else D.complex64
    if "f" in kinds or builtins.any(isinstance(k, D.dtype) and k.is_floating_point
                                    for k in kinds):
        fl = [k for k in kinds if isinstance(k, D.dtype) and k.is_floating_point]
        return fl[0] if fl and "f" not in kinds else D.get_default_dtype()
    if "i" in kinds:
        return D.int64
    dts = [k for k in kinds if isinstance(k, D.dtype)]
    if dts:
        out = dts[0]
        for d in dts[1:]:
            out = D.promote_types(out, d)
        return out
    if "b" in kinds:
        return D.bool
    return D.get_default_dtype()


def _to_numpy_nested(data, np_dtype):
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
    """A tensor filled with 0.

    Args:
        *size (int...): the shape, as separate ints or one sequence.
        dtype (ember.dtype, optional): defaults to the default float dtype.
        device (str or ember.device, optional): where to allocate it.
        requires_grad (bool): whether autograd records operations on it.

    Example::

        >>> ember.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    return _out(out, _filled(0, _shape_arg(size), dtype, device, requires_grad))


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with 1.

    Args:
        *size (int...): the shape.
        dtype (ember.dtype, optional): element type (default float32).
        device (str or ember.device, optional): where to allocate it.
        requires_grad (bool): whether autograd records operations on it.

    Example::

        >>> ember.ones(2)
        tensor([1., 1.])
    """
    return _out(out, _filled(1, _shape_arg(size), dtype, device, requires_grad))


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """An uninitialised tensor (ember fills it with zeros).

    Args:
        *size (int...): the shape.
        dtype (ember.dtype, optional): element type.
        device (str or ember.device, optional): where to allocate it.
        requires_grad (bool): whether autograd records operations on it.

    Example::

        >>> ember.empty(2, 3).shape
        torch.Size([2, 3])
    """
    return _out(out, _filled(0, _shape_arg(size), dtype, device, requires_grad))


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``.

    Args:
        size (sequence of int): the shape.
        fill_value (number): the value; its type sets the dtype when ``dtype`` is None.
        dtype (ember.dtype, optional): element type.
        device (str or ember.device, optional): where to allocate it.

    Example::

        >>> ember.full((2,), 7)
        tensor([7, 7])
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
    """Zeros with the shape (and by default dtype and device) of ``input``.

    Example::

        >>> ember.zeros_like(ember.ones(2, dtype=ember.int64))
        tensor([0, 0])
    """
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Ones with the shape (and by default dtype and device) of ``input``.

    Example::

        >>> ember.ones_like(ember.zeros(2))
        tensor([1., 1.])
    """
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """An uninitialised tensor shaped like ``input`` (ember fills it with zeros).

    Example::

        >>> ember.empty_like(ember.ones(3)).shape
        torch.Size([3])
    """
    return _like(zeros, input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``fill_value`` everywhere, shaped like ``input``.

    Example::

        >>> ember.full_like(ember.zeros(2), 3.5)
        tensor([3.5000, 3.5000])
    """
    return full(tuple(input.shape), fill_value, dtype=dtype if dtype is not None else input.dtype,
                device=device if device is not None else input.device,
                requires_grad=requires_grad)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) in steps of ``step``.

    Args:
        start (number): first value (or the end, when it is the only argument).
        end (number): end, exclusive.
        step (number): the gap between values.
        dtype (ember.dtype, optional): int64 when all arguments are ints, else float32.

    Example::

        >>> ember.arange(5)
        tensor([0, 1, 2, 3, 4])
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
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    Example::

        >>> ember.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
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
    """``steps`` values from ``base**start`` to ``base**end`` on a log scale.

    Example::

        >>> ember.logspace(0, 2, 3)
        tensor([  1.,  10., 100.])
    """
    lin = linspace(start, end, steps, dtype=D.float64)
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    t = Tensor._wrap(_place(np.power(base, lin._data).astype(dt.np), _target_device(device)), dt)
    return _out(out, t.requires_grad_() if requires_grad else t)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A 2-D tensor with ones on the diagonal.

    Args:
        n (int): rows.
        m (int, optional): columns (default ``n``).

    Example::

        >>> ember.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
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


# ============================================================================ random


def _rand_tensor(arr, dtype, device, requires_grad):
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    if dt is D.bfloat16:
        arr = D.round_bf16(arr.astype(np.float32))
    t = Tensor._wrap(_place(arr.astype(dt.np, copy=False), _target_device(device)), dt)
    return t.requires_grad_() if requires_grad else t


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Uniform random numbers in ``[0, 1)``.

    Args:
        *size (int...): the shape.
        generator (ember.Generator, optional): the source of randomness.
        dtype (ember.dtype, optional): a floating dtype (default float32).

    Example::

        >>> _ = ember.manual_seed(0); ember.rand(2).shape
        torch.Size([2])
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    arr = _gen(generator, _target_device(device))._rng.random(_shape_arg(size),
                                      dtype=np.float64 if dt is D.float64 else np.float32)
    return _out(out, _rand_tensor(arr, dt, device, requires_grad))


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Standard normal random numbers.

    Args:
        *size (int...): the shape.
        generator (ember.Generator, optional): the source of randomness.
        dtype (ember.dtype, optional): a floating dtype (default float32).

    Example::

        >>> ember.randn(2, 3).shape
        torch.Size([2, 3])
    """
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    arr = _gen(generator, _target_device(device))._rng.standard_normal(
        _shape_arg(size), dtype=np.float64 if dt is D.float64 else np.float32)
    return _out(out, _rand_tensor(arr, dt, device, requires_grad))


def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
            device=None, requires_grad=False):
    """Random integers in ``[low, high)``.

    Args:
        low (int): lowest value (default 0).
        high (int): one above the highest value.
        size (tuple): the shape.
        dtype (ember.dtype, optional): default int64.

    Example::

        >>> ember.randint(0, 10, (3,)).dtype
        torch.int64
    """
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        raise TypeError("randint() missing required argument 'high'")
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
    """A random permutation of ``0 .. n-1``.

    Example::

        >>> sorted(ember.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    dt = D.to_dtype(dtype) or D.int64
    arr = _gen(generator, _target_device(device))._rng.permutation(int(n)).astype(dt.np)
    return _out(out, Tensor._wrap(_place(arr, _target_device(device)), dt))


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Uniform ``[0, 1)`` random numbers shaped like ``input``."""
    return rand(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Standard normal random numbers shaped like ``input``."""
    return randn(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """Random integers in ``[low, high)`` shaped like ``input``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype,
                   device=device or input.device)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False):
    """Normal random numbers with the given ``mean`` and ``std`` (numbers or tensors).

    Example::

        >>> ember.normal(0.0, 1.0, size=(2,)).shape
        torch.Size([2])
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
    """Draw 0/1 with the probabilities in ``input`` (or ``p``).

    Example::

        >>> ember.bernoulli(ember.ones(3))
        tensor([1., 1., 1.])
    """
    probs = input._data if p is None else np.full(input._data.shape, p)
    u = _gen(generator, input.device)._rng.random(input._data.shape)
    xp = get_xp(input._data)
    host_p = probs.get() if hasattr(probs, "get") else probs
    return _out(out, wrap(xp.asarray(u < np.asarray(host_p))
                          .astype(input._dtype.np), input._dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Sample indices from the categorical distributions in the rows of ``input``.

    Args:
        input (Tensor): non-negative weights, 1-D or 2-D (one row per distribution).
        num_samples (int): how many to draw per row.
        replacement (bool): draw with replacement.

    Example::

        >>> ember.multinomial(ember.tensor([0., 1., 0.]), 2, replacement=True)
        tensor([1, 1])
    """
    w = input.detach().cpu()._data.astype(np.float64)
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


def poisson(input, generator=None):
    """Poisson samples with rates ``input``."""
    rates = input.detach().cpu()._data
    arr = _gen(generator, input.device)._rng.poisson(rates).astype(input._dtype.np)
    return Tensor._wrap(_place(arr, input.device), input._dtype)


# ============================================================================ arithmetic


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting and type promotion.

    Args:
        input (Tensor or number): first operand.
        other (Tensor or number): second operand.
        alpha (number): multiplier for ``other``.

    Example::

        >>> ember.add(ember.tensor([1, 2]), 1.5)
        tensor([2.5000, 3.5000])
    """
    if alpha != 1:
        other = mul(other, alpha)
    return _out(out, E.binary(E.Add, input, other))


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    Example::

        >>> ember.sub(ember.tensor([3.0]), 1)
        tensor([2.])
    """
    if isinstance(input, Tensor) and input._dtype is D.bool and isinstance(other, Tensor) and \
            other._dtype is D.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if alpha != 1:
        other = mul(other, alpha)
    return _out(out, E.binary(E.Sub, input, other))


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``."""
    return sub(other, input, alpha=alpha)


def mul(input, other, *, out=None):
    """Elementwise product.

    Example::

        >>> ember.mul(ember.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
    """
    return _out(out, E.binary(E.Mul, input, other))


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Division. True division by default (ints give floats); ``rounding_mode`` 'trunc' or
    'floor' rounds the result (keeping integer dtypes).

    Example::

        >>> ember.div(ember.tensor([5, -5]), 2)
        tensor([ 2.5000, -2.5000])
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
    if np.any(np.asarray(xb) == 0):
        raise RuntimeError("ZeroDivisionError")
    if rounding_mode == "floor":
        res = np.floor_divide(xa, xb)
    else:
        q = np.floor_divide(xa, xb)
        res = np.where((np.remainder(xa, xb) != 0) & ((np.asarray(xa) < 0) != (np.asarray(xb) < 0)),
                       q + 1, q)
    return _out(out, wrap(np.asarray(res), rt))


divide = div
true_divide = div


def floor_divide(input, other, *, out=None):
    """Division rounded down (torch >= 1.13 semantics).

    Example::

        >>> ember.floor_divide(ember.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    return div(input, other, rounding_mode="floor", out=out)


def remainder(input, other, *, out=None):
    """Python-style modulus (the result has the sign of the divisor).

    Example::

        >>> ember.remainder(ember.tensor([-3, 3]), 2)
        tensor([1, 1])
    """
    return _out(out, E.binary(E.Remainder, input, other))


def fmod(input, other, *, out=None):
    """C-style modulus (the result has the sign of the dividend).

    Example::

        >>> ember.fmod(ember.tensor([-3, 3]), 2)
        tensor([-1,  1])
    """
    return _out(out, E.binary(E.Fmod, input, other))


def pow(input, exponent, *, out=None):  # noqa: A001
    """``input ** exponent`` elementwise.

    Example::

        >>> ember.pow(ember.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """
    return _out(out, E.binary(E.Pow, input, exponent))


def float_power(input, exponent):
    """``pow`` computed in float64."""
    a = input.double() if isinstance(input, Tensor) else float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def neg(input, *, out=None):
    """``-input``.

    Example::

        >>> ember.neg(ember.tensor([1, -2]))
        tensor([-1,  2])
    """
    return _out(out, E.unary("neg", input))


negative = neg


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (NaN propagates).

    Example::

        >>> ember.maximum(ember.tensor([1, 5]), ember.tensor([3, 2]))
        tensor([3, 5])
    """
    return _out(out, E.binary(E.Maximum, input, other))


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors (NaN propagates).

    Example::

        >>> ember.minimum(ember.tensor([1, 5]), ember.tensor([3, 2]))
        tensor([1, 2])
    """
    return _out(out, E.binary(E.Minimum, input, other))


def fmax(input, other):
    """Elementwise maximum ignoring NaN."""
    a, b, rt = prep_binary(input, other)
    return where(isnan(b) | (a >= b), a, b) if isinstance(b, Tensor) else maximum(a, b)


def fmin(input, other):
    """Elementwise minimum ignoring NaN."""
    a, b, rt = prep_binary(input, other)
    return where(isnan(b) | (a <= b), a, b) if isinstance(b, Tensor) else minimum(a, b)


def atan2(input, other, *, out=None):
    """Elementwise arctangent of ``input / other`` with the quadrant.

    Example::

        >>> ember.atan2(ember.tensor([1.0]), ember.tensor([1.0]))
        tensor([0.7854])
    """
    a, b, rt = prep_binary(input, other)
    if not rt.is_floating_point:
        a, b, rt = a.float(), b.float(), D.get_default_dtype()
    return _out(out, E.Atan2.apply(a, b, dtype_=rt))


arctan2 = atan2


def _unary_fn(name, doc_example):
    def fn(input, *, out=None):
        return _out(out, E.unary(name, input))
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"""Elementwise ``{name}``.

    Args:
        input (Tensor): the input.

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
square = _unary_fn("square", ">>> ember.square(ember.tensor([3]))\n        tensor([9])")
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
absolute = abs
fix = trunc
special_expit = sigmoid


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of each element (bool stays bool).

    Example::

        >>> ember.sign(ember.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    if input._dtype is D.bool:
        return input.clone()
    return _out(out, E.unary("sign", input))


def sgn(input):
    """``sign`` for real tensors; ``z / |z|`` for complex ones."""
    if input._dtype.is_complex:
        a = input.abs()
        return where(a == 0, zeros_like(input), input / a)
    return sign(input)


def round(input, *, decimals=0, out=None):  # noqa: A001
    """Round to the nearest integer (halves to even), or to ``decimals`` places.

    Example::

        >>> ember.round(ember.tensor([0.5, 1.5, 2.7]))
        tensor([0., 2., 3.])
    """
    if decimals:
        s = 10.0 ** decimals
        return _out(out, E.unary("round", input * s) / s)
    return _out(out, E.unary("round", input))


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    """Clamp all elements into ``[min, max]`` (either bound may be omitted).

    Args:
        input (Tensor): the input.
        min (number or Tensor, optional): lower bound.
        max (number or Tensor, optional): upper bound.

    Example::

        >>> ember.clamp(ember.tensor([-2.0, 0.5, 3.0]), min=-1, max=1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _out(out, E.clamp(input, min, max))


clip = clamp


def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


def lerp(input, end, weight):
    """``input + weight * (end - input)``.

    Example::

        >>> ember.lerp(ember.tensor([0.0]), ember.tensor([10.0]), 0.25)
        tensor([2.5000])
    """
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``."""
    return input + value * tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``."""
    return input + value * tensor1 / tensor2


def hypot(input, other):
    """``sqrt(input**2 + other**2)``."""
    return sqrt(input * input + other * other)


def logaddexp(input, other):
    """``log(exp(input) + exp(other))``, computed stably."""
    m = maximum(input, other).detach()
    m = where(isfinite(m), m, zeros_like(m))
    return ((input - m).exp() + (other - m).exp()).log() + m


def xlogy(input, other):
    """``input * log(other)``, 0 where input is 0."""
    if not isinstance(input, Tensor):
        input = as_tensor(input, dtype=other.dtype, device=other.device)
    res = input * log(other)
    return where(input == 0, zeros_like(res), res)


def softmax(input, dim, dtype=None, *, _stacklevel=3):
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    Args:
        input (Tensor): the input.
        dim (int): the dimension that sums to 1.
        dtype (ember.dtype, optional): cast the input first.

    Example::

        >>> ember.softmax(ember.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    elif not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError('"softmax_lastdim_kernel_impl" not implemented for '
                           f"'{_type_label(input._dtype)}'")
    return R.Softmax.apply(input, _wrap_dim(dim, input.ndim))


def log_softmax(input, dim, dtype=None, *, _stacklevel=3):
    """``log(softmax(x))``, computed stably.

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
    """Elementwise ``input == other`` (a bool tensor).

    Example::

        >>> ember.eq(ember.tensor([1, 2]), 2)
        tensor([False,  True])
    """
    return _out(out, _compare(np.equal, input, other))


def ne(input, other, *, out=None):
    """Elementwise ``input != other``."""
    return _out(out, _compare(np.not_equal, input, other))


def lt(input, other, *, out=None):
    """Elementwise ``input < other``."""
    return _out(out, _compare(np.less, input, other))


def le(input, other, *, out=None):
    """Elementwise ``input <= other``."""
    return _out(out, _compare(np.less_equal, input, other))


def gt(input, other, *, out=None):
    """Elementwise ``input > other``."""
    return _out(out, _compare(np.greater, input, other))


def ge(input, other, *, out=None):
    """Elementwise ``input >= other``."""
    return _out(out, _compare(np.greater_equal, input, other))


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def equal(input, other):
    """True when both tensors have the same shape and elements.

    Example::

        >>> ember.equal(ember.tensor([1, 2]), ember.tensor([1, 2]))
        True
    """
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool((eq(input, other))._data.all())


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when ``|input - other| <= atol + rtol * |other|`` everywhere.

    Example::

        >>> ember.allclose(ember.tensor([1.0]), ember.tensor([1.0 + 1e-9]))
        True
    """
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise closeness test (see ``allclose``)."""
    a, b, rt = prep_binary(input, other)
    xa = a._data if isinstance(a, Tensor) else a
    xb = b._data if isinstance(b, Tensor) else b
    return wrap(get_xp(input._data).isclose(xa, xb, rtol=rtol, atol=atol, equal_nan=equal_nan),
                D.bool)


def isnan(input):
    """Elementwise NaN test.

    Example::

        >>> ember.isnan(ember.tensor([1.0, float('nan')]))
        tensor([False,  True])
    """
    return wrap(get_xp(input._data).isnan(input._data), D.bool)


def isinf(input):
    """Elementwise test for +/-inf."""
    return wrap(get_xp(input._data).isinf(input._data), D.bool)


def isposinf(input):
    """Elementwise test for +inf."""
    return wrap(get_xp(input._data).isposinf(input._data), D.bool)


def isneginf(input):
    """Elementwise test for -inf."""
    return wrap(get_xp(input._data).isneginf(input._data), D.bool)


def isfinite(input):
    """Elementwise test for finite values (not inf, not NaN)."""
    return wrap(get_xp(input._data).isfinite(input._data), D.bool)


def isreal(input):
    """Elementwise test for a zero imaginary part."""
    return wrap(get_xp(input._data).isreal(input._data), D.bool)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN, +inf and -inf by finite numbers (the dtype's extremes by default).

    Example::

        >>> ember.nan_to_num(ember.tensor([float('nan'), 1.0]))
        tensor([0., 1.])
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
    """Elementwise logical AND (nonzero is True)."""
    return _logical(np.logical_and, input, other)


def logical_or(input, other):
    """Elementwise logical OR."""
    return _logical(np.logical_or, input, other)


def logical_xor(input, other):
    """Elementwise logical XOR."""
    return _logical(np.logical_xor, input, other)


def logical_not(input):
    """Elementwise logical NOT.

    Example::

        >>> ember.logical_not(ember.tensor([True, False]))
        tensor([False,  True])
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
    """Elementwise bitwise AND of integer/bool tensors (the ``&`` operator)."""
    return _bitwise(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    """Elementwise bitwise OR (the ``|`` operator)."""
    return _bitwise(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    """Elementwise bitwise XOR (the ``^`` operator)."""
    return _bitwise(np.bitwise_xor, "bitwise_xor", input, other)


def bitwise_not(input):
    """Elementwise bitwise NOT (the ``~`` operator); logical NOT for bool."""
    return _bitwise(np.invert, "bitwise_not", input)


def bitwise_left_shift(input, other):
    """Shift the bits of integer ``input`` left by ``other`` (the ``<<`` operator).

    Example::

        >>> ember.bitwise_left_shift(ember.tensor([1, 2]), 2)
        tensor([4, 8])
    """
    return _bitwise(np.left_shift, "lshift", input, other)


def bitwise_right_shift(input, other):
    """Shift the bits of integer ``input`` right by ``other`` (the ``>>`` operator).

    Example::

        >>> ember.bitwise_right_shift(ember.tensor([8, 4]), 2)
        tensor([2, 1])
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
        return tuple(range(ndim))
    return normalize_dims(dim, ndim)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001
    """Sum of elements, over all or the given dims. Integer and bool inputs sum in int64.

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints, optional): dims to reduce (all when None).
        keepdim (bool): keep reduced dims with size 1.
        dtype (ember.dtype, optional): accumulate and return in this dtype.

    Example::

        >>> ember.sum(ember.tensor([[1, 2], [3, 4]]), dim=0)
        tensor([4, 6])
    """
    dims = _dims_arg(dim, input.ndim)
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return _out(out, R.Sum.apply(input, dims, keepdim, dt))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum treating NaN as zero."""
    return sum(where(isnan(input), zeros_like(input), input), dim, keepdim, dtype=dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of elements, over all or the given dims.

    Args:
        input (Tensor): a floating (or complex) tensor.
        dim (int or tuple of ints, optional): dims to reduce.
        keepdim (bool): keep reduced dims with size 1.
        dtype (ember.dtype, optional): compute in this dtype.

    Example::

        >>> ember.mean(ember.tensor([1.0, 2.0, 4.0]))
        tensor(2.3333)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           "floating point or complex dtype. Got: "
                           f"{_type_label(input._dtype)}")
    return _out(out, R.Mean.apply(input, _dims_arg(dim, input.ndim), keepdim))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the non-NaN elements.

    Example::

        >>> ember.nanmean(ember.tensor([1.0, float('nan'), 3.0]))
        tensor(2.)
    """
    m = ~isnan(input)
    return nansum(input, dim, keepdim, dtype=dtype) / m.sum(dim if dim is not None else (),
                                                           keepdim=keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of elements, over all elements or one dim.

    Example::

        >>> ember.prod(ember.tensor([1.0, 2.0, 3.0]))
        tensor(6.)
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
    """Variance over all or the given dims; ``correction=1`` (Bessel's) by default.

    Args:
        input (Tensor): a floating tensor.
        dim (int or tuple of ints, optional): dims to reduce.
        unbiased (bool, optional): deprecated form of ``correction`` (True means 1).
        keepdim (bool): keep reduced dims.
        correction (int): subtract this from the element count in the denominator.

    Example::

        >>> ember.var(ember.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.6667)
    """
    if isinstance(dim, builtins.bool):
        unbiased, dim = dim, None
    return _var_impl(input, dim, _correction(unbiased, correction), keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation (square root of ``var``; same arguments).

    Example::

        >>> ember.std(ember.tensor([1.0, 2.0, 3.0, 4.0]))
        tensor(1.2910)
    """
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over the given dims."""
    return var(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over the given dims."""
    return std(input, dim, unbiased, keepdim, correction=correction), mean(input, dim, keepdim)


def _maxmin(input, dim, keepdim, is_max, other, name):
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return maximum(input, other) if is_max else minimum(input, other)
    if dim is None:
        return R.AmaxAmin.apply(input, (), False, is_max) if input.ndim == 0 else \
            R.AmaxAmin.apply(input, tuple(range(input.ndim)), False, is_max)
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return _named(name, input.clone(), zeros((), dtype=D.int64, device=input.device))
    v, i = R.MaxMinDim.apply(input, d, keepdim, is_max)
    return _named(name, v, i)


def max(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The maximum: of all elements, or along ``dim`` as ``(values, indices)``, or elementwise
    with another tensor.

    Args:
        input (Tensor): the input.
        dim (int, optional): reduce this dim and also return the argmax.
        keepdim (bool): keep the reduced dim with size 1.

    Example::

        >>> ember.max(ember.tensor([[1, 5], [7, 2]]), dim=1)
        torch.return_types.max(
        values=tensor([5, 7]),
        indices=tensor([1, 0]))
    """
    return _maxmin(input, dim, keepdim, True, other, "max")


def min(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001
    """The minimum: of all elements, or along ``dim`` as ``(values, indices)``.

    Example::

        >>> ember.min(ember.tensor([3, 1, 2]))
        tensor(1)
    """
    return _maxmin(input, dim, keepdim, False, other, "min")


def amax(input, dim=(), keepdim=False):
    """Maximum over ``dim`` (all dims when empty); ties share the gradient.

    Example::

        >>> ember.amax(ember.tensor([[1, 5], [7, 2]]), dim=0)
        tensor([7, 5])
    """
    return R.AmaxAmin.apply(input, _dims_arg(dim, input.ndim), keepdim, True)


def amin(input, dim=(), keepdim=False):
    """Minimum over ``dim`` (all dims when empty)."""
    return R.AmaxAmin.apply(input, _dims_arg(dim, input.ndim), keepdim, False)


def aminmax(input, *, dim=None, keepdim=False):
    """``(min, max)`` over ``dim``."""
    r = namedtuple("aminmax", ["min", "max"])
    return r(amin(input, () if dim is None else dim, keepdim),
             amax(input, () if dim is None else dim, keepdim))


def argmax(input, dim=None, keepdim=False):
    """Index of the maximum (of the flattened tensor when ``dim`` is None).

    Example::

        >>> ember.argmax(ember.tensor([1, 9, 3]))
        tensor(1)
    """
    if dim is None:
        flat = input.reshape(-1)
        res = R.MaxMinDim.apply(flat.detach(), 0, False, True)[1]
        return res.reshape([1] * input.ndim) if keepdim else res
    return max(input.detach(), dim, keepdim).indices


def argmin(input, dim=None, keepdim=False):
    """Index of the minimum (of the flattened tensor when ``dim`` is None)."""
    if dim is None:
        flat = input.reshape(-1)
        res = R.MaxMinDim.apply(flat.detach(), 0, False, False)[1]
        return res.reshape([1] * input.ndim) if keepdim else res
    return min(input.detach(), dim, keepdim).indices


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input), dim))``, computed stably.

    Example::

        >>> ember.logsumexp(ember.tensor([0.0, 0.0]), dim=0)
        tensor(0.6931)
    """
    if not input._dtype.is_floating_point:
        input = input.to(D.get_default_dtype())
    return R.LogSumExp.apply(input, _dims_arg(dim, input.ndim), keepdim)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along ``dim``.

    Example::

        >>> ember.cumsum(ember.tensor([1, 2, 3]), dim=0)
        tensor([1, 3, 6])
    """
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return R.Cumsum.apply(input, _wrap_dim(dim, input.ndim), dt)


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along ``dim``.

    Example::

        >>> ember.cumprod(ember.tensor([1, 2, 3]), dim=0)
        tensor([1, 2, 6])
    """
    dt = D.to_dtype(dtype) or R.sum_dtype(input._dtype)
    return R.Cumprod.apply(input, _wrap_dim(dim, input.ndim), dt)


def cummax(input, dim):
    """Running maximum along ``dim`` as ``(values, indices)``."""
    return _cumext(input, dim, True, "cummax")


def cummin(input, dim):
    """Running minimum along ``dim`` as ``(values, indices)``."""
    return _cumext(input, dim, False, "cummin")


def _cumext(input, dim, is_max, name):
    d = _wrap_dim(dim, input.ndim)
    data = np.moveaxis(input.detach().cpu()._data, d, -1)
    n = data.shape[-1] if data.ndim else 1
    idx = np.zeros(data.shape, dtype=np.int64)
    best = data.copy()
    for i in range(1, n):
        prev = best[..., i - 1]
        cur = data[..., i]
        take = (cur >= prev) if is_max else (cur <= prev)
        take = take | np.isnan(cur) if data.dtype.kind == "f" else take
        best[..., i] = np.where(take, cur, prev)
        idx[..., i] = np.where(take, i, idx[..., i - 1])
    indices = Tensor._wrap(_place(np.ascontiguousarray(np.moveaxis(idx, -1, d)), input.device),
                           D.int64)
    return _named(name, input.gather(d, indices), indices)


def all(input, dim=None, keepdim=False):  # noqa: A001
    """True when every element (along ``dim``) is nonzero.

    Example::

        >>> ember.all(ember.tensor([True, False]))
        tensor(False)
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.all(input._data, axis=dims, keepdims=keepdim),
                D.uint8 if input._dtype is D.uint8 else D.bool)


def any(input, dim=None, keepdim=False):  # noqa: A001
    """True when some element (along ``dim``) is nonzero.

    Example::

        >>> ember.any(ember.tensor([0, 1]))
        tensor(True)
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.any(input._data, axis=dims, keepdims=keepdim),
                D.uint8 if input._dtype is D.uint8 else D.bool)


def count_nonzero(input, dim=None):
    """How many elements are nonzero (along ``dim``).

    Example::

        >>> ember.count_nonzero(ember.tensor([0, 2, 3]))
        tensor(2)
    """
    dims = None if dim is None else _dims_arg(dim, input.ndim)
    xp = get_xp(input._data)
    return wrap(xp.asarray(xp.count_nonzero(input._data, axis=dims)).astype(np.int64), D.int64)


def median(input, dim=None, keepdim=False):
    """The median (the lower of the two middle values for even counts, as torch).

    Without ``dim`` returns a 0-d tensor; with ``dim`` returns ``(values, indices)``.

    Example::

        >>> ember.median(ember.tensor([1.0, 3.0, 2.0, 4.0]))
        tensor(2.)
    """
    if dim is None:
        flat = input.reshape(-1)
        if flat.numel() == 0:
            return full((), math.nan, dtype=input.dtype, device=input.device)
        return median(flat, 0).values
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    srt = sort(input, d)
    k = (n - 1) // 2
    vals = srt.values.narrow(d, k, 1)
    idx = srt.indices.narrow(d, k, 1)
    if not keepdim:
        vals, idx = vals.squeeze(d), idx.squeeze(d)
    return _named("median", vals, idx)


def nanmedian(input, dim=None, keepdim=False):
    """Median ignoring NaN."""
    if dim is None:
        flat = input.reshape(-1)
        return flat[~isnan(flat)].median() if builtins.bool(isnan(flat).any()) else flat.median()
    return median(input, dim, keepdim)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The ``q``-th quantile(s) (linear interpolation by default)."""
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
    """Vector or matrix norm (``p`` = 'fro', 'nuc', a number, inf, -inf).

    Example::

        >>> ember.norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
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
    """The vector ``ord``-norm over ``dim`` (all elements when None).

    Example::

        >>> ember.linalg.vector_norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
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
    """The ``p``-norm of ``input - other``."""
    return vector_norm(input - other, p)


def cdist(x1, x2, p=2.0):
    """Pairwise ``p``-norm distances between the rows of ``x1`` and ``x2``."""
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
    """The same data with a new shape; a view when possible, else a copy.

    Args:
        input (Tensor): the input.
        *shape (int...): the new shape; one entry may be -1 (inferred).

    Example::

        >>> ember.arange(6).reshape(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    shp = _shape_from(shape, input._data.size)
    if shp == input._data.shape:
        return M.Reshape.apply(input, shp, False) if input._requires_grad else \
            input._view_of(input._data.view())
    return M.Reshape.apply(input, shp, False)


def view(input, *shape):
    """A view with a new shape (no copy); torch's error when strides don't allow it.

    Example::

        >>> ember.arange(4).view(2, 2).shape
        torch.Size([2, 2])
    """
    if len(shape) == 1 and isinstance(shape[0], (D.dtype, type)) and not isinstance(shape[0],
                                                                                    tuple):
        dt = D.to_dtype(shape[0])
        return input._view_of(input._data.view(dt.np)) if dt is not D.bfloat16 else \
            input.to(dt)
    return M.Reshape.apply(input, _shape_from(shape, input._data.size), True)


def flatten(input, start_dim=0, end_dim=-1):
    """Flatten dims ``start_dim..end_dim`` into one.

    Example::

        >>> ember.zeros(2, 3, 4).flatten(1).shape
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
    """Split dim ``dim`` into ``sizes``.

    Example::

        >>> ember.zeros(2, 6).unflatten(1, (2, 3)).shape
        torch.Size([2, 2, 3])
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
    """A flattened (contiguous) tensor."""
    return reshape(input, -1)


def permute(input, *dims):
    """Reorder dims (a view).

    Example::

        >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
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
    """Swap two dims (a view).

    Example::

        >>> ember.zeros(2, 3).transpose(0, 1).shape
        torch.Size([3, 2])
    """
    nd = input.ndim
    if nd == 0:
        return input._view_of(input._data) if not input._requires_grad else input.reshape(())
    a, b = _wrap_dim(dim0, nd), _wrap_dim(dim1, nd)
    dims = list(range(nd))
    dims[a], dims[b] = dims[b], dims[a]
    return M.Permute.apply(input, tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a tensor of at most 2 dims.

    Example::

        >>> ember.zeros(2, 3).t().shape
        torch.Size([3, 2])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input.reshape(input.shape)


def movedim(input, source, destination):
    """Move dims from ``source`` to ``destination`` positions."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    nd = input.ndim
    src = [_wrap_dim(s, nd) for s in src]
    dst = [_wrap_dim(d, nd) for d in dst]
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order)


moveaxis = movedim


def squeeze(input, dim=None):
    """Remove dims of size 1 (only ``dim`` when given).

    Example::

        >>> ember.zeros(1, 3, 1).squeeze().shape
        torch.Size([3])
    """
    shp = input._data.shape
    if dim is None:
        new = tuple(s for s in shp if s != 1)
    else:
        dims = normalize_dims(dim, input.ndim) if input.ndim else ()
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
    return reshape(input, new)


def unsqueeze(input, dim):
    """Insert a dim of size 1 at ``dim``.

    Example::

        >>> ember.zeros(3).unsqueeze(0).shape
        torch.Size([1, 3])
    """
    d = _wrap_dim(dim, input.ndim + 1)
    shp = input._data.shape
    return reshape(input, shp[:d] + (1,) + shp[d:])


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
    """Broadcast size-1 dims to larger sizes (a view, no copy); -1 keeps a size.

    Example::

        >>> ember.tensor([[1], [2]]).expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
    """
    shp = _expand_shape(input, sizes)
    if shp == input._data.shape:
        return input if not input._requires_grad else M.Expand.apply(input, shp)
    return M.Expand.apply(input, shp)


def expand_as(input, other):
    """``expand`` to ``other``'s shape."""
    return expand(input, tuple(other.shape))


def broadcast_to(input, shape):
    """``expand`` to ``shape``."""
    return expand(input, tuple(shape))


def broadcast_tensors(*tensors):
    """Expand tensors to their common broadcast shape.

    Example::

        >>> a, b = ember.broadcast_tensors(ember.zeros(2, 1), ember.zeros(3))
        >>> a.shape
        torch.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    shape = np.broadcast_shapes(*[tuple(t.shape) for t in tensors])
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes):
    """The broadcast shape of several shapes."""
    return Size(np.broadcast_shapes(*[tuple(s) if not isinstance(s, int) else (s,)
                                      for s in shapes]))


def contiguous(input, memory_format=None):
    """This tensor if C-contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return clone(input)


def clone(input, *, memory_format=None):
    """A copy with its own memory; gradients flow back to ``input``.

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
    """Concatenate tensors along an existing dim (dtypes promote).

    Args:
        tensors (sequence of Tensor): same shape except in ``dim``.
        dim (int): the dim to join along.

    Example::

        >>> ember.cat([ember.zeros(1, 2), ember.ones(1, 2)]).shape
        torch.Size([2, 2])
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
        for i in range(ref.ndim):
            if i != d and t.shape[i] != ref.shape[i]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[i]} but got size {t.shape[i]} for "
                                   f"tensor number {tensors.index(t)} in the list.")
    full_ = [t if t._dtype is rt else t.to(rt) for t in full_]
    return _out(out, M.Cat.apply(*full_, dim=d))


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors of equal shape along a new dim.

    Example::

        >>> ember.stack([ember.zeros(2), ember.ones(2)]).shape
        torch.Size([2, 2])
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
    """Stack horizontally (along dim 1; dim 0 for 1-D tensors)."""
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Stack vertically (1-D tensors become rows)."""
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


def dstack(tensors):
    """Stack along the third dim."""
    return cat([atleast_3d(t) for t in tensors], 2)


def column_stack(tensors):
    """Stack 1-D tensors as columns."""
    return hstack([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors])


def atleast_1d(t):
    """View a 0-d tensor as 1-D."""
    return t.reshape(1) if t.ndim == 0 else t


def atleast_2d(t):
    """View a tensor as at least 2-D."""
    return t.reshape(1, -1) if t.ndim < 2 else t


def atleast_3d(t):
    """View a tensor as at least 3-D."""
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.reshape(1, -1, 1)
    if t.ndim == 2:
        return t.unsqueeze(-1)
    return t


def narrow(input, dim, start, length):
    """The slice ``start:start+length`` of dim ``dim`` (a view).

    Example::

        >>> ember.arange(5).narrow(0, 1, 2)
        tensor([1, 2])
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
    """Index one position of dim ``dim``, removing that dim (a view).

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
    """All slices along ``dim``, as a tuple (views).

    Example::

        >>> [t.tolist() for t in ember.tensor([[1, 2], [3, 4]]).unbind(1)]
        [[1, 3], [2, 4]]
    """
    d = _wrap_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in range(input.shape[d]))


def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of a given size, or of the sizes listed (views).

    Example::

        >>> [t.tolist() for t in ember.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
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
    """Split into pieces of the listed sizes."""
    return split(input, list(split_sizes), dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``n`` nearly equal parts, or at the given indices."""
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        return split(input, sizes, d)
    idx = [0] + [_pymin(int(i), n) for i in indices_or_sections] + [n]
    return tuple(narrow(input, d, a, _pymax(b - a, 0)) for a, b in zip(idx[:-1], idx[1:]))


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces (the last may be smaller), as torch.

    Example::

        >>> [t.tolist() for t in ember.arange(5).chunk(2)]
        [[0, 1, 2], [3, 4]]
    """
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return tuple(narrow(input, d, 0, 0) for _ in range(_pymin(chunks, 1)))
    return split(input, size, d)


def flip(input, dims):
    """Reverse the order of elements along ``dims``.

    Example::

        >>> ember.flip(ember.tensor([1, 2, 3]), [0])
        tensor([3, 2, 1])
    """
    dims = normalize_dims(dims if not isinstance(dims, int) else (dims,), input.ndim)
    return M.Flip.apply(input, dims)


def fliplr(input):
    """Reverse the order of columns (dim 1).

    Example::

        >>> ember.fliplr(ember.tensor([[1, 2]]))
        tensor([[2, 1]])
    """
    return flip(input, (1,))


def flipud(input):
    """Reverse the order of rows (dim 0).

    Example::

        >>> ember.flipud(ember.tensor([[1], [2]]))
        tensor([[2],
                [1]])
    """
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    """Roll elements along ``dims`` (the flattened tensor when None).

    Example::

        >>> ember.roll(ember.tensor([1, 2, 3]), 1)
        tensor([3, 1, 2])
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
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``."""
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
    """Tile the tensor ``sizes[i]`` times along each dim (copies).

    Example::

        >>> ember.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
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
    """Like ``repeat``, padding ``dims`` with leading 1s when shorter than the tensor's dims."""
    dims = tuple(dims)
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (along ``dim``, or flattened).

    Example::

        >>> ember.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
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
    """The lower triangle (other elements zero).

    Example::

        >>> ember.tril(ember.ones(2, 2))
        tensor([[1., 0.],
                [1., 1.]])
    """
    xp = get_xp(input._data)
    n, m = input.shape[-2:]
    mask = xp.tri(n, m, diagonal, dtype=bool)
    return where(wrap(mask, D.bool), input, zeros((), dtype=input.dtype, device=input.device))


def triu(input, diagonal=0):
    """The upper triangle (other elements zero).

    Example::

        >>> ember.triu(ember.ones(2, 2))
        tensor([[1., 1.],
                [0., 1.]])
    """
    xp = get_xp(input._data)
    n, m = input.shape[-2:]
    mask = ~xp.tri(n, m, diagonal - 1, dtype=bool)
    return where(wrap(mask, D.bool), input, zeros((), dtype=input.dtype, device=input.device))


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    """Indices of the lower triangle of a ``row x col`` matrix, as a (2, N) tensor."""
    r, c = np.tril_indices(row, offset, col)
    return Tensor._wrap(_place(np.stack([r, c]).astype(np.int64), _target_device(device)),
                        D.int64)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    """Indices of the upper triangle of a ``row x col`` matrix, as a (2, N) tensor."""
    r, c = np.triu_indices(row, offset, col)
    return Tensor._wrap(_place(np.stack([r, c]).astype(np.int64), _target_device(device)),
                        D.int64)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of the ``dim1``/``dim2`` planes (moved to the last dim)."""
    nd = input.ndim
    a, b = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    x = movedim(input, (a, b), (-2, -1))
    n, m = x.shape[-2:]
    if offset >= 0:
        length = _pymax(_pymin(n, m - offset), 0)
        rows, cols = np.arange(length), np.arange(length) + offset
    else:
        length = _pymax(_pymin(n + offset, m), 0)
        rows, cols = np.arange(length) - offset, np.arange(length)
    return x[..., wrap(rows.astype(np.int64), D.int64), wrap(cols.astype(np.int64), D.int64)]


def diag(input, diagonal=0):
    """For 1-D input, a matrix with it on the diagonal; for 2-D, the diagonal.

    Example::

        >>> ember.diag(ember.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
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
    """Place the last dim of ``input`` on the diagonal of new matrices."""
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
    """Sum of the main diagonal."""
    return diagonal(input).sum()


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors (``indexing`` 'ij' or 'xy').

    Example::

        >>> a, b = ember.meshgrid(ember.arange(2), ember.arange(3), indexing='ij')
        >>> a.shape
        torch.Size([2, 3])
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
    """Cartesian product of 1-D tensors as rows."""
    grids = meshgrid(*tensors, indexing="ij")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.reshape(-1) for g in grids], 1)


# ============================================================================ indexing


def index_select(input, dim, index):
    """Select entries of dim ``dim`` at ``index`` (a 1-D int tensor).

    Example::

        >>> ember.arange(5).index_select(0, ember.tensor([0, 4]))
        tensor([0, 4])
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
    """Gather values along ``dim`` at ``index``: ``out[i][j] = input[index[i][j]][j]`` (dim 0).

    Example::

        >>> ember.gather(ember.tensor([[1, 2], [3, 4]]), 1, ember.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    if index._dtype is not D.int64:
        raise RuntimeError("gather(): Expected dtype int64 for index")
    check_same_device(input, index)
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return I.Gather.apply(input.reshape(1), 0, index.reshape(1)).reshape(index.shape)
    return I.Gather.apply(input, d, index)


def take_along_dim(input, indices, dim=None):
    """``gather`` with broadcasting of ``indices``."""
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
    """Write ``src`` into a copy of ``input`` at ``index`` along ``dim``.

    Args:
        input (Tensor): the destination (not modified).
        dim (int): the axis to index.
        index (Tensor): int64 positions, same number of dims as input.
        src (Tensor or number): values to write.
        reduce (str, optional): 'add' or 'multiply' to combine instead of overwrite.

    Example::

        >>> ember.zeros(3).scatter(0, ember.tensor([2]), ember.tensor([5.0]))
        tensor([0., 0., 5.])
    """
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
    return _scatter(input, dim, index, src, reduce, value)


def scatter_add(input, dim, index, src):
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeats accumulate).

    Example::

        >>> ember.zeros(2).scatter_add(0, ember.tensor([1, 1]), ember.tensor([1.0, 2.0]))
        tensor([0., 3.])
    """
    return _scatter(input, dim, index, src, "add")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Reduce ``src`` into ``input`` at ``index`` with 'sum', 'prod', 'mean', 'amax', 'amin'."""
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
    """Add ``alpha * source`` slices into a copy of ``input`` at ``index`` along ``dim``."""
    check_same_device(input, index)
    check_same_device(input, source)
    return I.IndexAdd.apply(input, _wrap_dim(dim, input.ndim), index, source, alpha)


def index_copy(input, dim, index, source):
    """Copy ``source`` slices into a copy of ``input`` at ``index`` along ``dim``."""
    check_same_device(input, index)
    check_same_device(input, source)
    d = _wrap_dim(dim, input.ndim)
    return I.IndexPut.apply(input, source, (slice(None),) * d + (index._data,), False)


def index_fill(input, dim, index, value):
    """Fill the ``index`` entries of dim ``dim`` with ``value``."""
    check_same_device(input, index)
    d = _wrap_dim(dim, input.ndim)
    v = value.item() if isinstance(value, Tensor) else value
    return I.IndexPut.apply(input, v, (slice(None),) * d + (index._data,), False)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``input[indices] = values`` (``+=`` with accumulate)."""
    idx = I.convert_index(tuple(indices), get_xp(input._data))
    if isinstance(values, Tensor) and values._dtype is not input._dtype:
        values = values.to(input._dtype)
    return I.IndexPut.apply(input, values, idx, accumulate)


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True, ``input`` elsewhere.

    Example::

        >>> ember.masked_fill(ember.tensor([1.0, 2.0]), ember.tensor([True, False]), 0.0)
        tensor([0., 2.])
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
    """The elements where ``mask`` is True, as a 1-D tensor.

    Example::

        >>> ember.masked_select(ember.tensor([1, 2, 3]), ember.tensor([True, False, True]))
        tensor([1, 3])
    """
    check_same_device(input, mask)
    a, m = broadcast_tensors(input, mask)
    return I.GetItem.apply(a, m._data)


def masked_scatter(input, mask, source):
    """Copy ``source`` values, in order, into the positions where ``mask`` is True."""
    check_same_device(input, mask)
    check_same_device(input, source)
    m = mask.expand_as(input)
    n = int(m._data.sum())
    return I.IndexPut.apply(input, source.reshape(-1)[:n], m._data, False)


def take(input, index):
    """Elements of the flattened ``input`` at ``index``.

    Example::

        >>> ember.take(ember.tensor([[1, 2], [3, 4]]), ember.tensor([0, 3]))
        tensor([1, 4])
    """
    return I.GetItem.apply(input.reshape(-1), index._data)


nonzero = I.nonzero


def argwhere(input):
    """Indices of the non-zero elements as an (N, ndim) tensor (``nonzero(input)``).

    Example::

        >>> ember.argwhere(ember.tensor([0, 5, 7]))
        tensor([[1],
                [2]])
    """
    return I.nonzero(input)


def sort(input, dim=-1, descending=False, stable=False):
    """Sort along ``dim``, returning ``(values, indices)``.

    Example::

        >>> ember.sort(ember.tensor([3, 1, 2])).values
        tensor([1, 2, 3])
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
    """Indices that sort ``input`` along ``dim``.

    Example::

        >>> ember.argsort(ember.tensor([3, 1, 2]))
        tensor([1, 2, 0])
    """
    return sort(input, dim, descending, stable).indices


def msort(input):
    """Sort along dim 0 (the values only).

    Example::

        >>> ember.msort(ember.tensor([[3, 1], [2, 5]]))
        tensor([[2, 1],
                [3, 5]])
    """
    return sort(input, 0).values


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` as ``(values, indices)``.

    Example::

        >>> ember.topk(ember.tensor([1, 5, 3]), 2).values
        tensor([5, 3])
    """
    d = _wrap_dim(dim, input.ndim) if input.ndim else 0
    n = input.shape[d] if input.ndim else 1
    if k > n or k < 0:
        raise RuntimeError("selected index k out of range")
    s = sort(input, d, descending=largest)
    return _named("topk", s.values.narrow(d, 0, k) if input.ndim else s.values,
                  s.indices.narrow(d, 0, k) if input.ndim else s.indices)


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim`` as ``(values, indices)``."""
    d = _wrap_dim(dim, input.ndim)
    s = sort(input, d)
    v, i = s.values.narrow(d, k - 1, 1), s.indices.narrow(d, k - 1, 1)
    if not keepdim:
        v, i = v.squeeze(d), i.squeeze(d)
    return _named("kthvalue", v, i)


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (smallest on ties) as ``(values, indices)``."""
    d = _wrap_dim(dim, input.ndim)
    data = np.moveaxis(input.detach().cpu()._data, d, -1)
    flat = data.reshape(-1, data.shape[-1])
    vals, idxs = [], []
    for row in flat:
        u, c = np.unique(row, return_counts=True)
        v = u[np.argmax(c)]
        vals.append(v)
        idxs.append(np.nonzero(row == v)[0][-1])
    shp = data.shape[:-1]
    v = Tensor._wrap(np.array(vals, dtype=data.dtype).reshape(shp), input._dtype)
    i = Tensor._wrap(np.array(idxs, dtype=np.int64).reshape(shp), D.int64)
    if keepdim:
        v, i = v.unsqueeze(d), i.unsqueeze(d)
    return _named("mode", v.to(input.device), i.to(input.device))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa
    """The unique elements (sorted), optionally with inverse indices and counts.

    Example::

        >>> ember.unique(ember.tensor([3, 1, 3, 2]))
        tensor([1, 2, 3])
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
    """Collapse consecutive repeats."""
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
    """Count occurrences of each non-negative integer."""
    w = None if weights is None else weights.detach().cpu()._data
    res = np.bincount(input.detach().cpu()._data, w, minlength)
    dt = D.int64 if weights is None else (weights._dtype if weights._dtype.is_floating_point
                                          else D.float64)
    return Tensor._wrap(_place(res.astype(dt.np), input.device), dt)


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """Histogram with equal-width bins between ``min`` and ``max`` (data range when equal)."""
    data = input.detach().cpu()._data
    lo, hi = min, max
    if lo == hi:
        lo, hi = (float(data.min()), float(data.max())) if data.size else (0.0, 0.0)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    h, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return Tensor._wrap(_place(h.astype(input._dtype.np), input.device), input._dtype)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """Indices where ``input`` values would be inserted to keep ``sorted_sequence`` sorted."""
    seq = sorted_sequence.detach().cpu()._data
    vals = input.detach().cpu()._data if isinstance(input, Tensor) else np.asarray(input)
    sd = side or ("right" if right else "left")
    if seq.ndim == 1:
        res = np.searchsorted(seq, vals, side=sd)
    else:
        res = np.stack([np.searchsorted(s, v, side=sd) for s, v in
                        zip(seq.reshape(-1, seq.shape[-1]),
                            vals.reshape(-1, vals.shape[-1]))]).reshape(vals.shape)
    dt = D.int32 if out_int32 else D.int64
    return Tensor._wrap(_place(np.asarray(res).astype(dt.np), sorted_sequence.device), dt)


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """Bucket index of each value given sorted ``boundaries``."""
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ============================================================================ linear algebra


def matmul(input, other, *, out=None):
    """Matrix product with torch's rules for every rank (1-D vectors, batched broadcasting).

    Args:
        input (Tensor): left operand.
        other (Tensor): right operand.

    Example::

        >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
        torch.Size([2])
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
    """2-D matrix product.

    Example::

        >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape
        torch.Size([2, 4])
    """
    if input.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    return matmul(input, mat2, out=out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of (b, n, m) and (b, m, p) tensors."""
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
    """Matrix-vector product."""
    return matmul(input, vec)


def dot(input, other):
    """Dot product of two 1-D tensors.

    Example::

        >>> ember.dot(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


inner = dot
vdot = dot


def outer(input, vec2):
    """Outer product of two 1-D tensors."""
    return input.unsqueeze(1) * vec2.unsqueeze(0)


ger = outer


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``."""
    prod_ = mm(mat1, mat2)
    if alpha != 1:
        prod_ = prod_ * alpha
    return prod_ + (input if beta == 1 else input * beta) if beta != 0 else prod_


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``."""
    return beta * input + alpha * mv(mat, vec)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    return beta * input + alpha * bmm(batch1, batch2).sum(0)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * (batch1 @ batch2)`` batched."""
    prod_ = bmm(batch1, batch2)
    if alpha != 1:
        prod_ = prod_ * alpha
    return prod_ + (input if beta == 1 else input * beta) if beta != 0 else prod_


def einsum(equation, *operands):
    """Einstein summation, e.g. ``'ij,jk->ik'`` (implicit output allowed).

    Example::

        >>> ember.einsum('ij,jk->ik', ember.ones(2, 3), ember.ones(3, 4)).shape
        torch.Size([2, 4])
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
    """Kronecker product of two tensors.

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
    """Cross product of 3-vectors along ``dim``."""
    d = dim if dim is not None else next(i for i, s in enumerate(input.shape) if s == 3)
    a0, a1, a2 = input.unbind(d)
    b0, b1, b2 = other.unbind(d)
    return stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], d)


def linalg_inv(A):
    """Inverse of square matrices (batched)."""
    return L.Inv.apply(A)


def linalg_det(A):
    """Determinant of square matrices (batched)."""
    return L.Det.apply(A)


def linalg_solve(A, B, *, left=True):
    """Solve ``A X = B``; a 1-D ``B`` (or batched vectors) is treated as a vector."""
    if not left:
        return linalg_solve(A.mT, B.mT).mT
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vec:
        return L.Solve.apply(A, B.unsqueeze(-1)).squeeze(-1)
    return L.Solve.apply(A, B)


# ============================================================================ misc


def numel(input):
    """The number of elements of ``input``."""
    return input.numel()


def is_tensor(obj):
    """True if ``obj`` is an ember Tensor.

    Example::

        >>> ember.is_tensor(ember.zeros(1))
        True
    """
    return isinstance(obj, Tensor)


def is_floating_point(input):
    """True for float16/bfloat16/float32/float64 tensors."""
    return input._dtype.is_floating_point


def is_complex(input):
    """True for complex tensors."""
    return input._dtype.is_complex


def is_nonzero(input):
    """The truth value of a one-element tensor."""
    return builtins.bool(input)


def real(input):
    """The real part (a float tensor)."""
    if not input._dtype.is_complex:
        return input
    return _ComplexPart.apply(input, True)


def imag(input):
    """The imaginary part (a float tensor)."""
    if not input._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _ComplexPart.apply(input, False)


class _ComplexPart(E.Function):
    @staticmethod
    def forward(ctx, x, is_real):
        ctx.is_real = is_real
        d = x._data.real if is_real else x._data.imag
        return wrap(d.copy(), x._dtype.to_real())

    @staticmethod
    def backward(ctx, g):
        return g.to(g.dtype.to_complex()) if ctx.is_real else g.to(g.dtype.to_complex()) * 1j


def conj(input):
    """Complex conjugate (identity for real tensors)."""
    if not input._dtype.is_complex:
        return input
    return wrap(input._data.conj(), input._dtype)


def complex(real, imag):  # noqa: A001
    """A complex tensor from real and imaginary parts."""
    dt = D.complex128 if real._dtype is D.float64 else D.complex64
    return wrap(real._data + 1j * imag._data, dt)


def polar(abs, angle):  # noqa: A002
    """A complex tensor from magnitude and angle."""
    return complex(abs * cos(angle), abs * sin(angle))


def angle(input):
    """The elementwise angle (argument) in radians."""
    return wrap(get_xp(input._data).angle(input._data), float_dtype_for(input._dtype).to_real()
                if input._dtype.is_complex else float_dtype_for(input._dtype))


def heaviside(input, values):
    """Heaviside step: 0 for x < 0, ``values`` at 0, 1 for x > 0."""
    return where(input == 0, values.expand_as(input) if isinstance(values, Tensor) else values,
                 (input > 0).to(input.dtype))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """Differences of consecutive elements along ``dim``, ``n`` times."""
    d = _wrap_dim(dim, input.ndim)
    x = input
    if prepend is not None or append is not None:
        parts = ([prepend] if prepend is not None else []) + [x] + \
                ([append] if append is not None else [])
        x = cat(parts, d)
    for _ in range(n):
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
    """The dtype of an arithmetic op on the two operands (see ``ember.result_type``)."""
    return D.result_type(tensor1, tensor2)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the rows (variables) of ``input``."""
    x = input if input.ndim == 2 else input.reshape(1, -1)
    n = x.shape[1]
    xm = x - x.mean(1, keepdim=True)
    return xm.matmul(xm.mT.conj() if x._dtype.is_complex else xm.mT) / (n - correction) \
        if input.ndim == 2 else (xm.matmul(xm.mT) / (n - correction)).reshape(())


def corrcoef(input):
    """Pearson correlation coefficients of the rows of ``input``."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = diagonal(c).sqrt()
    return (c / d.unsqueeze(0) / d.unsqueeze(1)).clamp(-1, 1)


def block_diag(*tensors):
    """A block-diagonal matrix from 2-D (or smaller) tensors."""
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
