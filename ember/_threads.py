"""Thread-count control (torch.set_num_threads / get_num_threads) for ember's BLAS.

ember's parallelism is the BLAS library NumPy links (OpenBLAS, MKL). ``set_num_threads`` sets
NumPy's bundled OpenBLAS directly (``ember._blas``) and, when ``threadpoolctl`` is installed,
every other BLAS/OpenMP pool in the process too; with neither it records the value, sets
``OMP_NUM_THREADS`` for child processes, and says how to get the in-process effect.
"""
import os

_state = {"n": None, "limiter": None}


def set_num_threads(num):
    """Set the number of threads BLAS (matrix products, convolutions) may use.

    NumPy's own bundled OpenBLAS is set directly; other BLAS libraries (MKL, a system
    OpenBLAS) need the ``threadpoolctl`` package to change in the running process.

    Args:
        num (int): threads, at least 1.

    Example::

        >>> ember.set_num_threads(1)
        >>> ember.get_num_threads()
        1
    """
    num = int(num)
    if num < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["n"] = num
    os.environ["OMP_NUM_THREADS"] = str(num)
    from . import _blas
    done = _blas.set_threads(num)
    try:
        import threadpoolctl
    except ImportError:
        if not done:
            import warnings
            warnings.warn("ember.set_num_threads needs the threadpoolctl package to change "
                          "this BLAS library's threads in a running process (pip install "
                          "threadpoolctl); the setting applies to child processes only",
                          RuntimeWarning, stacklevel=2)
        return
    _state["limiter"] = threadpoolctl.threadpool_limits(limits=num)


def get_num_threads():
    """The number of threads BLAS uses (as set by ``set_num_threads``, else the library's).

    Args:
        (none)

    Example::

        >>> ember.get_num_threads() >= 1
        True
    """
    if _state["n"] is not None:
        return _state["n"]
    from . import _blas
    n = _blas.get_threads()
    if n is not None:
        return n
    try:
        import threadpoolctl
        infos = threadpoolctl.threadpool_info()
        counts = [i["num_threads"] for i in infos if i.get("user_api") == "blas"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    env = os.environ.get("OMP_NUM_THREADS")
    return int(env) if env and env.isdigit() else (os.cpu_count() or 1)


def set_num_interop_threads(num):
    """Accepted for torch compatibility (ember runs ops on the calling thread).

    Args:
        num (int): threads for inter-op parallelism.

    Example::

        >>> ember.set_num_interop_threads(1)
    """
    if int(num) < 1:
        raise RuntimeError("set_num_interop_threads expects a positive integer")
    _state["interop"] = int(num)


def get_num_interop_threads():
    """Threads for inter-op parallelism (ember: 1, ops run on the calling thread).

    Args:
        (none)

    Example::

        >>> ember.get_num_interop_threads() >= 1
        True
    """
    return _state.get("interop", 1)
