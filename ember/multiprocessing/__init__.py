"""ember.multiprocessing: Python's multiprocessing, with tensors that can live in shared memory.

``t.share_memory_()`` moves a CPU tensor's data into a named shared-memory block; when such a
tensor is sent to another process (``Process`` args, ``Queue``, ``Pool``), the receiver maps the
same memory instead of receiving a copy — so Hogwild-style training (``model.share_memory()``,
several processes updating one set of parameters) works as with ``torch.multiprocessing``.
Other tensors are pickled by value.

Example::

    >>> import ember.multiprocessing as mp
    >>> t = ember.zeros(3).share_memory_()
    >>> t.is_shared()
    True
"""
import atexit
import multiprocessing
import weakref
from multiprocessing import *  # noqa: F401,F403  (torch.multiprocessing re-exports these)
from multiprocessing import reduction as _reduction

import numpy as np

__all__ = ["share_tensor", "is_shared", "spawn", "get_all_sharing_strategies",
           "get_sharing_strategy", "set_sharing_strategy"] + list(
               getattr(multiprocessing, "__all__", []))

# shared arrays created or attached in this process: id(array) -> (block name, weakref(array))
_SHARED = {}
_BLOCKS = {}  # block name -> SharedMemory (kept open while this process may use it)
_OWNED = set()  # blocks this process created (unlinked at exit)


def _block(name=None, size=0):
    from multiprocessing import shared_memory
    if name is None:
        shm = shared_memory.SharedMemory(create=True, size=max(size, 1))
        _OWNED.add(shm.name)
    else:
        shm = _BLOCKS.get(name)
        if shm is None:
            # (attaching registers the name with the resource tracker the creator shares; the
            # creator unlinks the block at exit)
            shm = shared_memory.SharedMemory(name=name)
    _BLOCKS[shm.name] = shm
    return shm


def _remember(arr, name):
    _SHARED[id(arr)] = (name, weakref.ref(arr))


def _shared_name(arr):
    entry = _SHARED.get(id(arr))
    if entry is not None and entry[1]() is arr:
        return entry[0]
    return None


def share_tensor(t):
    """Move ``t``'s data into shared memory in place (what ``Tensor.share_memory_`` does)."""
    data = t._data
    if type(data) is not np.ndarray:
        return t  # CUDA tensors are shared through CUDA IPC by their own library
    if _shared_name(data) is not None:
        return t
    shm = _block(size=data.nbytes)
    arr = np.ndarray(data.shape, dtype=data.dtype, buffer=shm.buf)
    arr[...] = data
    _remember(arr, shm.name)
    t._data = arr
    return t


def is_shared(t):
    """Whether ``t``'s data lives in shared memory."""
    return _shared_name(t._data) is not None


def _rebuild_shared(name, shape, dtype_str, ember_dtype, requires_grad, cls):
    from .._tensor import Tensor
    from .. import _dtype as D
    shm = _block(name=name)
    arr = np.ndarray(shape, dtype=np.dtype(dtype_str), buffer=shm.buf)
    _remember(arr, name)
    if cls is Tensor:
        t = Tensor._wrap(arr, D._BY_NAME[ember_dtype])
        t._requires_grad = requires_grad
        return t
    t = cls(Tensor._wrap(arr, D._BY_NAME[ember_dtype]), requires_grad)
    t._data = arr
    return t


def _reduce_tensor(t):
    name = _shared_name(t._data)
    if name is None:
        return t.__reduce_ex__(2)
    return (_rebuild_shared, (name, t._data.shape, t._data.dtype.str, t._dtype.name,
                              t._requires_grad, type(t)))


def _register(cls):
    _reduction.ForkingPickler.register(cls, _reduce_tensor)


def _register_all():
    from .._tensor import Tensor
    _register(Tensor)
    try:
        from ..nn.parameter import Parameter
        _register(Parameter)
    except ImportError:
        pass


@atexit.register
def _cleanup():
    for name, shm in list(_BLOCKS.items()):
        try:
            shm.close()
        except BufferError:
            pass  # arrays still map it; the OS releases the mapping at exit
        if name in _OWNED:
            try:
                shm.unlink()
            except FileNotFoundError:
                pass
    _BLOCKS.clear()


def get_all_sharing_strategies():
    """The supported strategies (ember uses named shared memory: 'file_system')."""
    return {"file_system"}


def get_sharing_strategy():
    """The current sharing strategy."""
    return "file_system"


def set_sharing_strategy(new_strategy):
    """Accepts 'file_system' (and 'file_descriptor', treated the same)."""
    if new_strategy not in ("file_system", "file_descriptor"):
        raise ValueError(f"invalid sharing strategy: {new_strategy}")


class ProcessRaisedException(Exception):
    """An exception raised in a process started by ``spawn``."""


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)`` (as torch.multiprocessing.spawn).

    Args:
        fn (callable): a picklable function; the first argument is the process index.
        args (tuple): further arguments.
        nprocs (int): how many processes.
        join (bool): wait for them (raising if one fails).
        start_method (str): multiprocessing start method.

    Example::

        >>> # ember.multiprocessing.spawn(train, args=(model,), nprocs=2)
    """
    ctx = multiprocessing.get_context(start_method)
    procs = [ctx.Process(target=fn, args=(i,) + tuple(args), daemon=daemon)
             for i in range(nprocs)]
    for p in procs:
        p.start()
    if not join:
        return procs
    for p in procs:
        p.join()
    bad = [p for p in procs if p.exitcode != 0]
    if bad:
        raise ProcessRaisedException(f"process {procs.index(bad[0])} terminated with exit code "
                                     f"{bad[0].exitcode}")
    return None


_register_all()
