"""``y += alpha * x`` in one pass, and the thread count, through the BLAS NumPy itself uses.

SGD's update ``p -= lr * grad`` written in NumPy is two passes and a temporary (or a scratch
array); BLAS ``axpy`` does it in one pass over memory, ~1.5-2x faster for large parameters.
NumPy does not expose ``axpy``, so this module finds NumPy's own bundled OpenBLAS and calls it
through :mod:`ctypes`.

It must be NumPy's own library. SciPy wheels bundle a *second* OpenBLAS with its own thread
pool; calling SciPy's ``axpy`` (as ember once did) woke that pool's threads, which then spin
for ~0.1 s after each call -- on a 2-core machine they fought NumPy's matrix-product threads
and made the seed MLP's training step 3-5x slower with default threads. One library, one
pool: ``ember.set_num_threads`` limits it together with the matmuls.

The same library's thread count is read and set here too (:func:`get_threads`,
:func:`set_threads`), which is how ``ember.set_num_threads`` works without threadpoolctl.

Where NumPy's BLAS is not a bundled OpenBLAS (conda's MKL, Apple Accelerate, a source
build), :func:`axpy` and :func:`set_threads` return False and callers use plain NumPy (and
threadpoolctl).
"""
import ctypes
import glob
import os

import numpy as np

# (symbol, integer type) pairs: NumPy >= 2 wheels bundle scipy-openblas with 64-bit integers
# and prefixed, suffixed names; older wheels had "openblas64_" (suffix only); LP64 builds
# have neither.
_CANDIDATES = {
    "f": [("scipy_cblas_saxpy64_", ctypes.c_int64), ("cblas_saxpy64_", ctypes.c_int64),
          ("scipy_cblas_saxpy", ctypes.c_int32)],
    "d": [("scipy_cblas_daxpy64_", ctypes.c_int64), ("cblas_daxpy64_", ctypes.c_int64),
          ("scipy_cblas_daxpy", ctypes.c_int32)],
}
_THREAD_FNS = {
    "get": ["scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
            "scipy_openblas_get_num_threads", "openblas_get_num_threads"],
    "set": ["scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
            "scipy_openblas_set_num_threads", "openblas_set_num_threads"],
}
_FUNCS = None  # dtype char -> (ctypes function, ctypes scalar type, max n), after _load()
_THREADS = None  # "get"/"set" -> ctypes function, after _load()


def _numpy_blas_paths():
    """Paths of the OpenBLAS shared libraries bundled in the NumPy wheel (may be empty)."""
    root = os.path.dirname(np.__file__)
    pats = [os.path.join(root, os.pardir, "numpy.libs", "*openblas*"),  # Linux, Windows
            os.path.join(root, ".dylibs", "*openblas*")]                 # macOS
    return sorted(p for pat in pats for p in glob.glob(pat))


def _first(lib, names):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            return name, fn
    return None, None


def _load():
    global _FUNCS, _THREADS
    funcs, threads = {}, {}
    for path in _numpy_blas_paths():
        try:
            lib = ctypes.CDLL(path)  # already loaded by NumPy: the same handle and thread pool
        except OSError:
            continue
        for char, scalar in (("f", ctypes.c_float), ("d", ctypes.c_double)):
            name, fn = _first(lib, [n for n, _ in _CANDIDATES[char]])
            if fn is None:
                continue
            int_t = dict(_CANDIDATES[char])[name]
            fn.restype = None
            fn.argtypes = [int_t, scalar, ctypes.c_void_p, int_t, ctypes.c_void_p, int_t]
            limit = 2 ** 62 if int_t is ctypes.c_int64 else 2 ** 31 - 1
            funcs[char] = (fn, scalar, limit)
        get = _first(lib, _THREAD_FNS["get"])[1]
        set_ = _first(lib, _THREAD_FNS["set"])[1]
        if get is not None and set_ is not None:
            get.restype, get.argtypes = ctypes.c_int, []
            set_.restype, set_.argtypes = None, [ctypes.c_int]
            threads = {"get": get, "set": set_}
        if funcs or threads:
            break
    _FUNCS, _THREADS = funcs, threads


def get_threads():
    """Threads NumPy's OpenBLAS uses for one call now, or None when it cannot be asked.

    Example::

        >>> get_threads() is None or get_threads() >= 1
        True
    """
    if _THREADS is None:
        _load()
    fn = _THREADS.get("get")
    return None if fn is None else int(fn())


def set_threads(n):
    """Set the threads NumPy's OpenBLAS uses (process-wide); False when it cannot be set.

    Args:
        n (int): at least 1.

    Example::

        >>> old = get_threads()
        >>> set_threads(1) in (True, False)   # False: NumPy's BLAS is not a bundled OpenBLAS
        True
        >>> old is None or get_threads() == 1
        True
        >>> _ = set_threads(old)
    """
    if _THREADS is None:
        _load()
    fn = _THREADS.get("set")
    if fn is None or n is None:
        return False
    fn(int(n))
    return True


def axpy(alpha, x, y):
    """``y += alpha * x`` in place, in one BLAS pass; False (nothing done) when not possible.

    Possible for C-contiguous float32/float64 NumPy arrays of one dtype and size whose memory
    does not overlap, when NumPy's BLAS is a bundled OpenBLAS.

    Args:
        alpha (float): the scale of ``x``.
        x (numpy.ndarray): added, unchanged.
        y (numpy.ndarray): updated in place.

    Example::

        >>> import numpy as np
        >>> x, y = np.arange(3, dtype=np.float32), np.ones(3, np.float32)
        >>> if not axpy(2.0, x, y):     # no bundled OpenBLAS: the caller does it in NumPy
        ...     y += 2.0 * x
        >>> y.tolist()
        [1.0, 3.0, 5.0]
    """
    if type(x) is not np.ndarray or type(y) is not np.ndarray or x.dtype != y.dtype \
            or x.size != y.size or not (x.flags.c_contiguous and y.flags.c_contiguous) \
            or not y.flags.writeable:
        return False
    if _FUNCS is None:
        _load()
    entry = _FUNCS.get(x.dtype.char)
    if entry is None or x.size > entry[2] or np.may_share_memory(x, y):
        return False
    fn, scalar, _ = entry
    if x.size:
        fn(x.size, scalar(alpha), x.ctypes.data, 1, y.ctypes.data, 1)
    return True
