"""``ember.backends.cudnn``: cuDNN availability and torch's cuDNN flags.

ember's convolutions run as im2col + matmul through the array module (CuPy on GPUs), not
through cuDNN, so ``benchmark``, ``deterministic`` and ``allow_tf32`` are accepted and stored
for compatibility only. :func:`version` and :func:`is_available` report the cuDNN that CuPy
can load (None / False without CUDA, like torch's CPU build).

Example::

    >>> import ember
    >>> ember.backends.cudnn.benchmark = True   # accepted, as in torch
    >>> ember.backends.cudnn.version() is None or ember.backends.cudnn.version() > 0
    True
"""
import contextlib
import importlib.util

__all__ = ["version", "is_available", "is_acceptable", "flags", "enabled", "benchmark",
           "deterministic", "allow_tf32", "benchmark_limit"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True
benchmark_limit = 10

_version = []


def version():
    """The cuDNN version CuPy loads (e.g. ``90100``), or None when CUDA/cuDNN is missing.

    Example::

        >>> v = ember.backends.cudnn.version()
    """
    from .. import cuda
    if cuda._fake_backend() is not None:
        return None  # the test stand-in has no cuDNN (and must not poison the cache)
    if not _version:
        _version.append(_probe())
    return _version[0]


def _probe():
    try:
        from .. import cuda
        if not cuda.is_available():
            return None
        if importlib.util.find_spec("cupy_backends") is None:
            return None
        from cupy_backends.cuda.libs import cudnn as _cudnn
        return int(_cudnn.getVersion())
    except Exception:  # cuDNN not installed for this CuPy
        return None


def is_available():
    """Whether cuDNN can be loaded (needs CUDA through CuPy).

    Example::

        >>> ember.backends.cudnn.is_available() in (True, False)
        True
    """
    return version() is not None


def is_acceptable(tensor):
    """Whether cuDNN could be used for ``tensor`` (a CUDA tensor with cuDNN present)."""
    return bool(enabled and getattr(tensor, "is_cuda", False) and is_available())


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Set the cuDNN flags for a block, restoring them afterwards (torch's ``cudnn.flags``).

    Example::

        >>> with ember.backends.cudnn.flags(enabled=True, deterministic=True):
        ...     pass
    """
    g = globals()
    names = ("enabled", "benchmark", "benchmark_limit", "deterministic", "allow_tf32")
    old = {n: g[n] for n in names}
    g.update(enabled=enabled, benchmark=benchmark, benchmark_limit=benchmark_limit,
             deterministic=deterministic, allow_tf32=allow_tf32)
    try:
        yield
    finally:
        g.update(old)
