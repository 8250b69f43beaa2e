"""Thread-count control (torch.set_num_threads / get_num_threads).

ember's intra-op parallelism is its own thread pool (``ember._parallel``): large ops split
their work over it, and NumPy's BLAS is kept single-threaded inside each part.
``set_num_threads`` sizes that pool. Where NumPy's BLAS cannot be made single-threaded (an
MKL/Accelerate NumPy without ``threadpoolctl``), ember does not split ops and the BLAS
library's own threads are the parallelism, as before.
"""
import os

from . import _parallel

_state = {}


def set_num_threads(num):
    """Set the number of threads ember's ops (matrix products, convolutions, pooling) use.

    Large ops are split over a pool of ``num`` threads (the calling thread is one of them);
    NumPy's BLAS runs single-threaded inside each part, so ember's threads and BLAS's never
    compete for the cores. Until the first op that ember splits itself runs (a convolution,
    pooling, batch norm, a large elementwise op), matrix products use ``num`` BLAS threads
    instead (``ember._parallel.active``). ``num=1`` runs everything on the calling thread.

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
    _parallel.set_threads(num)
    os.environ["OMP_NUM_THREADS"] = str(num)     # child processes start with the same count
    if _parallel.active():
        return                                   # BLAS stays single-threaded inside parts
    from . import _blas
    if _blas.set_threads(num):                   # until ember's pool starts, BLAS's threads
        return
    try:
        import threadpoolctl
    except ImportError:
        import warnings
        warnings.warn("ember.set_num_threads needs the threadpoolctl package to change "
                      "this BLAS library's threads in a running process (pip install "
                      "threadpoolctl); the setting applies to child processes only",
                      RuntimeWarning, stacklevel=2)
        return
    _state["limiter"] = threadpoolctl.threadpool_limits(limits=num)


def get_num_threads():
    """The number of threads ember's ops use (``set_num_threads``; default: the usable cores,
    or ``OMP_NUM_THREADS``).

    Args:
        (none)

    Example::

        >>> ember.get_num_threads() >= 1
        True
    """
    return _parallel.num_threads()


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
