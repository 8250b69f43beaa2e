"""A NumPy-backed stand-in for CuPy, so the CUDA code paths run (and are tested) without a GPU.

Switched on only by tests::

    from ember.cuda import _fake
    _fake.install(device_count=2)   # ember.cuda.is_available() is now True
    ...
    _fake.uninstall()

While installed, ``ember._device._cuda_module[0]`` is a fake ``cupy`` module whose arrays are
:class:`FakeCudaArray` -- a ``numpy.ndarray`` subclass carrying a device id. It copies CuPy's
rules where they catch device bugs:

* results of every function, ufunc, reduction and integer index are device arrays (0-d arrays,
  never NumPy scalars), on the device of their inputs;
* mixing a device array with a host ``numpy.ndarray`` (of 1 or more dims) in a function or ufunc
  raises ``TypeError`` as CuPy does ("Unsupported type <class 'numpy.ndarray'>"), and so does
  mixing arrays of two devices;
* ``.get()`` / ``cupy.asnumpy`` return a plain host copy; ``asarray`` of a host array copies.

It also provides the parts of ``cupy.cuda`` that :mod:`ember.cuda` uses (``Device``,
``runtime``, ``Stream``, ``Event``, memory pools, pinned host memory). Nothing here is imported
by ``import ember``.
"""
import contextlib
import ctypes
import functools
import time
import types
import weakref

import numpy as np

__all__ = ["install", "uninstall", "installed", "FakeCudaArray"]

_state = {"count": 0, "current": 0, "previous": None, "allocator": None}


def _current():
    return _state["current"]


# ---------------------------------------------------------------- memory accounting


class _FakeMemoryPointer:
    __slots__ = ("ptr", "size", "device_id")

    def __init__(self, ptr, size, device_id):
        self.ptr, self.size, self.device_id = ptr, size, device_id


class _FakeMemoryPool:
    """``cupy.cuda.MemoryPool``: bytes held by live arrays, per device (rounded to 512)."""

    def __init__(self):
        self._used = {}
        self._total = {}

    def malloc(self, size):
        dev = _current()
        size = -(-int(size) // 512) * 512
        self._used[dev] = self._used.get(dev, 0) + size
        self._total[dev] = max(self._total.get(dev, 0), self._used[dev])
        return _FakeMemoryPointer(0, size, dev)

    def _free(self, dev, size):
        self._used[dev] = self._used.get(dev, 0) - size

    def used_bytes(self):
        return self._used.get(_current(), 0)

    def total_bytes(self):
        return self._total.get(_current(), 0)

    def free_bytes(self):
        return self.total_bytes() - self.used_bytes()

    def free_all_blocks(self, stream=None):
        dev = _current()
        self._total[dev] = self._used.get(dev, 0)

    def n_free_blocks(self):
        return 0


_pool = _FakeMemoryPool()


def _account(owner, dev):
    """Charge ``owner``'s bytes to ``dev`` until it is garbage collected."""
    n = int(owner.nbytes)
    if not n:
        return
    prev = _state["current"]
    _state["current"] = dev
    try:
        alloc = _state["allocator"] or _pool.malloc
        mp = alloc(n)
    finally:
        _state["current"] = prev
    size = getattr(mp, "size", n)
    try:
        weakref.finalize(owner, _pool._free, dev, size)
    except TypeError:  # pragma: no cover - objects without weakref support
        pass


# ---------------------------------------------------------------- the array type


class FakeCudaArray(np.ndarray):
    """A ``numpy.ndarray`` that plays a CuPy array on fake device ``.device.id``."""

    _ember_fake_cuda = True

    def __array_finalize__(self, obj):
        dev = getattr(obj, "_dev", None)
        self._dev = _current() if dev is None else dev
        if self.base is None:
            _account(self, self._dev)

    @property
    def device(self):
        return Device(self._dev)

    @property
    def data(self):
        return _FakeMemoryPointer(self.__array_interface__["data"][0], self.nbytes, self._dev)

    def get(self, stream=None, order="C", out=None, blocking=True):
        """A host (plain numpy) copy, as ``cupy.ndarray.get``."""
        host = np.array(self.view(np.ndarray), copy=True, order=order)
        if out is not None:
            out[...] = host
            return out
        return host

    def set(self, arr, stream=None):
        """Copy host data in, as ``cupy.ndarray.set``."""
        self.view(np.ndarray)[...] = arr

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        dev = _check_args(inputs, ufunc.__name__)
        plain = [_plain(x) for x in inputs]
        if out is not None:
            _check_args(out, ufunc.__name__, dev)
            kwargs["out"] = tuple(_plain(o) for o in out)
        res = getattr(ufunc, method)(*plain, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _to_device(res, dev)

    def __array_function__(self, func, types_, args, kwargs):
        # NumPy functions called on device arrays (np.sum(x)) run on host views and give
        # device results, as CuPy's __array_function__ does
        dev = _check_args(args, func.__name__)
        _check_args(tuple(kwargs.values()), func.__name__, dev)
        res = func(*[_plain(a) for a in args], **{k: _plain(v) for k, v in kwargs.items()})
        return _to_device(res, dev)

    def __getitem__(self, idx):
        res = super().__getitem__(idx)
        if not isinstance(res, np.ndarray):
            res = _scalar_array(res, self._dev)
        return res


def _methods_returning_scalars():
    def wrap(name):
        base = getattr(np.ndarray, name)

        @functools.wraps(base)
        def method(self, *args, **kwargs):
            res = base(self, *args, **kwargs)
            return _to_device(res, self._dev)
        return method
    for name in ("argmax", "argmin", "searchsorted", "nonzero", "dot", "trace", "ptp",
                 "cumsum", "cumprod", "sort", "argsort", "all", "any"):
        if hasattr(np.ndarray, name):
            setattr(FakeCudaArray, name, wrap(name))


_methods_returning_scalars()


def _plain(x):
    if isinstance(x, FakeCudaArray):
        return x.view(np.ndarray)
    if isinstance(x, (list, tuple)) and any(isinstance(e, FakeCudaArray) for e in x):
        return type(x)(_plain(e) for e in x)
    return x


def _scalar_array(value, dev):
    arr = np.asarray(value).view(FakeCudaArray)
    arr._dev = dev
    return arr


def _to_device(res, dev):
    """Turn a NumPy result into device arrays (0-d arrays for scalars), on ``dev``."""
    if dev is None:
        dev = _current()
    if isinstance(res, FakeCudaArray):
        return res
    if type(res) is np.ndarray or (isinstance(res, np.ndarray) and not
                                   isinstance(res, FakeCudaArray)):
        owner = res
        out = res.view(FakeCudaArray)
        out._dev = dev
        if owner.base is None:
            _account(owner, dev)
        return out
    if isinstance(res, np.generic):
        return _scalar_array(res, dev)
    if isinstance(res, tuple):
        vals = [_to_device(r, dev) for r in res]
        return type(res)(*vals) if hasattr(res, "_fields") else tuple(vals)
    if isinstance(res, list):
        return [_to_device(r, dev) for r in res]
    return res


def _check_args(args, name, dev=None):
    """CuPy's rules: no host arrays (ndim > 0), and device arrays must live on the current
    device (CuPy runs kernels there; we model GPUs without peer access). Returns the device."""
    cur = _current()
    for a in _flatten(args):
        if isinstance(a, FakeCudaArray):
            if a._dev != cur:
                raise ValueError(f"The device where the array resides ({a._dev}) is different "
                                 f"from the current device ({cur}). Peer access is unavailable "
                                 "between these devices.")
            dev = cur
        elif isinstance(a, np.ndarray) and a.ndim > 0:
            raise TypeError(f"Unsupported type {np.ndarray!r} (in fake cupy.{name}: "
                            "a host array mixed with device arrays)")
    return dev


def _flatten(args, depth=0):
    for a in args:
        if isinstance(a, (list, tuple)) and depth < 2:
            yield from _flatten(a, depth + 1)
        else:
            yield a


# ---------------------------------------------------------------- module-level functions


def _wrap_function(fn, name):
    @functools.wraps(fn)
    def f(*args, **kwargs):
        dev = _check_args(args, name)
        _check_args(tuple(kwargs.values()), name, dev)
        return _to_device(fn(*[_plain(a) for a in args],
                             **{k: _plain(v) for k, v in kwargs.items()}), dev)
    return f


class _FakeUfunc:
    """A NumPy ufunc that refuses host arrays and returns device arrays."""

    def __init__(self, uf):
        self._uf = uf
        self.__name__ = uf.__name__
        self.__doc__ = uf.__doc__

    def __call__(self, *args, **kwargs):
        return _call_ufunc(self._uf, "__call__", args, kwargs)

    def __getattr__(self, name):
        attr = getattr(self._uf, name)
        if name in ("reduce", "accumulate", "reduceat", "outer", "at"):
            return lambda *a, **k: _call_ufunc(self._uf, name, a, k)
        return attr


def _call_ufunc(uf, method, args, kwargs):
    dev = _check_args(args, uf.__name__)
    out = kwargs.get("out")
    if out is not None:
        _check_args(out if isinstance(out, tuple) else (out,), uf.__name__, dev)
    res = getattr(uf, method)(*[_plain(a) for a in args],
                              **{k: _plain(v) for k, v in kwargs.items()})
    if method == "at":
        return None
    if out is not None:
        return out
    return _to_device(res, dev)


def _to_current(x, dtype=None, copy=False, order="K"):
    """``cupy.array`` / ``asarray``: host data is copied to the current device; device data
    stays where it is unless a copy (or another device's copy) is asked for."""
    if isinstance(x, FakeCudaArray):
        if not copy and x._dev == _current() and (dtype is None or np.dtype(dtype) == x.dtype):
            return x
        host = np.array(x.view(np.ndarray), dtype=dtype, copy=True, order=order)
    else:
        if isinstance(x, (list, tuple)) and any(isinstance(e, FakeCudaArray) for e in
                                                _flatten(x)):
            x = [e.get() if isinstance(e, FakeCudaArray) else e for e in x]
        host = np.array(x, dtype=dtype, copy=True, order=order)
    return _to_device(host, _current())


def _asarray(a, dtype=None, order=None, *, blocking=False):
    return _to_current(a, dtype, copy=False, order=order or "K")


def _array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    out = _to_current(obj, dtype, copy=bool(copy), order=order or "K")
    while out.ndim < ndmin:
        out = out[None]
    return out


def _ascontiguousarray(a, dtype=None):
    out = _to_current(a, dtype)
    if not out.flags.c_contiguous:
        out = out.copy(order="C")
    return out


def _asnumpy(a, stream=None, order="C", out=None, blocking=True):
    if isinstance(a, FakeCudaArray):
        return a.get(order=order, out=out)
    return np.asarray(a, order=order)


def _get_array_module(*args):
    return _module if any(isinstance(a, FakeCudaArray) for a in args) else np


class _Namespace(types.ModuleType):
    """A wrapped NumPy namespace: functions refuse host arrays and return device arrays."""

    def __init__(self, name, target, overrides=None):
        super().__init__(name)
        self._target = target
        self._overrides = overrides or {}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._overrides:
            val = self._overrides[name]
        else:
            attr = getattr(self._target, name)
            if isinstance(attr, np.ufunc):
                val = _FakeUfunc(attr)
            elif isinstance(attr, types.ModuleType):
                val = _Namespace(f"{self.__name__}.{name}", attr)
            elif callable(attr) and not isinstance(attr, type):
                val = _wrap_function(attr, name)
            else:
                val = attr
        setattr(self, name, val)
        return val


# ---------------------------------------------------------------- cupy.cuda


class Device:
    """``cupy.cuda.Device``: a device id and a context manager that makes it current."""

    def __init__(self, device=None):
        if device is None:
            device = _current()
        device = int(device)
        if not 0 <= device < max(_state["count"], 1):
            raise _CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")
        self.id = device
        self._prev = []

    def __enter__(self):
        self._prev.append(_current())
        _state["current"] = self.id
        return self

    def __exit__(self, *exc):
        _state["current"] = self._prev.pop()
        return False

    def use(self):
        _state["current"] = self.id

    def synchronize(self):
        pass

    @property
    def compute_capability(self):
        p = _runtime.getDeviceProperties(self.id)
        return f"{p['major']}{p['minor']}"

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(("fake-cuda", self.id))

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


class _CUDARuntimeError(RuntimeError):
    pass


class _Runtime(types.ModuleType):
    CUDARuntimeError = _CUDARuntimeError
    cudaMemoryTypeHost = 1

    def getDeviceCount(self):
        return _state["count"]

    def getDevice(self):
        return _current()

    def setDevice(self, device):
        Device(device).use()

    def deviceSynchronize(self):
        pass

    def runtimeGetVersion(self):
        return 12040

    def driverGetVersion(self):
        return 12040

    def getDeviceProperties(self, device):
        Device(device)
        return {"name": f"Ember Fake GPU {device}".encode(), "totalGlobalMem": 16 * 1024 ** 3,
                "major": 8, "minor": 0, "multiProcessorCount": 108}

    def memGetInfo(self):
        total = 16 * 1024 ** 3
        return total - _pool.used_bytes(), total

    def pointerGetAttributes(self, ptr):
        for lo, hi in _pinned_ranges.values():
            if lo <= ptr < hi:
                return types.SimpleNamespace(type=1, device=_current(), hostPointer=ptr)
        return types.SimpleNamespace(type=0, device=-2, hostPointer=0)


_runtime = _Runtime("cupy.cuda.runtime")


class Stream:
    """``cupy.cuda.Stream``: work is synchronous here, so every query is done."""

    null = None
    _current_stack = []

    def __init__(self, null=False, non_blocking=False, ptr=0, priority=None):
        self.ptr = 0 if null else id(self)
        self.device_id = _current()
        self.priority = priority or 0

    def __enter__(self):
        Stream._current_stack.append(self)
        return self

    def __exit__(self, *exc):
        Stream._current_stack.pop()
        return False

    def use(self):
        Stream._current_stack[:] = [self]
        return self

    def synchronize(self):
        pass

    @property
    def done(self):
        return True

    def record(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def wait_event(self, event):
        pass


Stream.null = Stream(null=True)


def _get_current_stream(device_id=None):
    return Stream._current_stack[-1] if Stream._current_stack else Stream.null


class Event:
    """``cupy.cuda.Event``: records the host clock."""

    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self._t = None
        self._timing = not disable_timing

    def record(self, stream=None):
        self._t = time.perf_counter()

    def synchronize(self):
        pass

    @property
    def done(self):
        return True


def _get_elapsed_time(start, end):
    if not (start._timing and end._timing):
        raise _CUDARuntimeError("cudaErrorInvalidResourceHandle: invalid resource handle")
    if start._t is None or end._t is None:
        raise _CUDARuntimeError("cudaErrorInvalidResourceHandle: invalid resource handle")
    return (end._t - start._t) * 1000.0


_pinned_ranges = {}


class _PinnedMemory(bytearray):
    """``cupy.cuda.PinnedMemoryPointer``: a host buffer registered as page-locked (it
    supports the buffer protocol, so ``numpy.frombuffer`` views it)."""

    def __init__(self, size):
        super().__init__(max(int(size), 1))
        self.size = int(size)
        self.ptr = ctypes.addressof((ctypes.c_char * len(self)).from_buffer(self))
        key = id(self)
        _pinned_ranges[key] = (self.ptr, self.ptr + len(self))
        weakref.finalize(self, _pinned_ranges.pop, key, None)


def _alloc_pinned_memory(size):
    return _PinnedMemory(size)


class _PinnedPool:
    def free_all_blocks(self):
        pass

    def n_free_blocks(self):
        return 0


_pinned_pool = _PinnedPool()


def _set_allocator(allocator=None):
    _state["allocator"] = allocator


def _get_allocator():
    return _state["allocator"] or _pool.malloc


_cuda = types.ModuleType("cupy.cuda")
_cuda.Device = Device
_cuda.runtime = _runtime
_cuda.Stream = Stream
_cuda.Event = Event
_cuda.get_current_stream = _get_current_stream
_cuda.get_elapsed_time = _get_elapsed_time
_cuda.alloc_pinned_memory = _alloc_pinned_memory
_cuda.PinnedMemoryPointer = _PinnedMemory
_cuda.set_allocator = _set_allocator
_cuda.get_allocator = _get_allocator
_cuda.MemoryPool = _FakeMemoryPool
_cuda.is_available = lambda: _state["count"] > 0
_cuda.CUDARuntimeError = _CUDARuntimeError
_cuda.device = types.SimpleNamespace(Device=Device)

class _Special(types.ModuleType):
    """``cupyx.scipy.special``: ember's host implementations, returning device arrays."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        from ..ops.elementwise import _special
        fn = _wrap_function(_special(np, name), name)
        setattr(self, name, fn)
        return fn


_module = _Namespace("cupy", np, {
    "_special": _Special("cupyx.scipy.special"),
    "ndarray": FakeCudaArray,
    "asarray": _asarray,
    "array": _array,
    "ascontiguousarray": _ascontiguousarray,
    "asnumpy": _asnumpy,
    "get_array_module": _get_array_module,
    "cuda": _cuda,
    "get_default_memory_pool": lambda: _pool,
    "get_default_pinned_memory_pool": lambda: _pinned_pool,
    "__version__": "0.0-fake",
    "_ember_fake": True,
})


def installed():
    """Whether the fake backend is active."""
    from .._device import _cuda_module
    return _cuda_module[0] is _module


def install(device_count=2):
    """Make ember's CUDA device a NumPy-backed fake with ``device_count`` devices.

    Args:
        device_count (int): how many fake GPUs (``cuda:0`` ... ``cuda:N-1``).

    Example::

        >>> from ember.cuda import _fake
        >>> _ = _fake.install(); ember.ones(2, device="cuda").device
        device(type='cuda', index=0)
        >>> _fake.uninstall()
    """
    from .. import _device
    if not installed():
        _state["previous"] = _device._cuda_module[0]
    _state["count"] = int(device_count)
    _state["current"] = 0
    _device._cuda_module[0] = _module
    from . import _reset_state
    _reset_state()
    return _module


def uninstall():
    """Switch the fake backend off again (restores whatever was there before)."""
    from .. import _device
    if installed():
        _device._cuda_module[0] = _state["previous"]
    _state["previous"] = None
    _state["count"] = 0
    _state["current"] = 0
    _state["allocator"] = None
    Stream._current_stack.clear()
    from . import _reset_state
    _reset_state()


@contextlib.contextmanager
def installed_for(device_count=2):
    """Context manager form of :func:`install` / :func:`uninstall`."""
    install(device_count)
    try:
        yield _module
    finally:
        uninstall()
