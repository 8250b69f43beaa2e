"""The MPI transport of ``ember.distributed`` (through mpi4py).

Every collective is started as a *non-blocking* MPI call (``Iallreduce``, ``Ibcast``, ...) on
the NumPy arrays themselves (zero copy where the tensor is contiguous), and completed by
polling ``Request.Testall`` against the process group's timeout. A rank that dies or hangs
therefore makes the others raise a clear error after ``timeout`` instead of hanging forever.

This module knows arrays and MPI only; tensors live in ``distributed_c10d.py``.
"""
import os
import sys
import time


__all__ = ["load", "is_available", "wait", "wait_one", "mpi_op", "DistBackendError"]

_MPI = None


class DistError(RuntimeError):
    """Base class of ember.distributed errors (a ``RuntimeError``, as torch's ``DistError``)."""
    __module__ = "ember.distributed"


class DistBackendError(DistError):
    """A collective failed or timed out in the communication backend (torch's name)."""
    __module__ = "ember.distributed"


def is_available():
    """Whether mpi4py can be imported (does not start MPI)."""
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None


def load():
    """Import ``mpi4py.MPI`` (this initialises MPI) or raise an ImportError naming the fix."""
    global _MPI
    if _MPI is None:
        try:
            import mpi4py
            mpi4py.rc.recv_mprobe = False
            from mpi4py import MPI
        except ImportError as exc:
            raise ImportError(
                "ember.distributed needs mpi4py and an MPI library for its 'mpi'/'gloo' backend "
                "(and to bootstrap 'nccl'): pip install \"ember[distributed]\" (installs mpi4py "
                "and the MPICH runtime from PyPI), or apt-get install openmpi-bin libopenmpi-dev "
                f"&& pip install mpi4py. ({exc})") from exc
        _MPI = MPI
        IN_PLACE[0] = MPI.IN_PLACE
    return _MPI


IN_PLACE = [None]


def mpi_op(name):
    """The MPI reduction for a ReduceOp name (AVG is SUM followed by a division)."""
    if not _OPS:
        MPI = load()
        _OPS.update({"SUM": MPI.SUM, "AVG": MPI.SUM, "PRODUCT": MPI.PROD, "MAX": MPI.MAX,
                     "MIN": MPI.MIN, "BAND": MPI.BAND, "BOR": MPI.BOR, "BXOR": MPI.BXOR})
    return _OPS[name]


_OPS = {}


# Polling: spin on Test (what MPI's own blocking calls do); after _YIELD_AFTER_S also yield the
# CPU every 64 polls (ranks sharing cores let each other run; before that a yield would only
# hand the core to unrelated processes), and after _SPIN_S back off with short sleeps so that a
# long wait (a slow peer, a hang) does not burn a core.
_YIELD_AFTER_S = 2e-4
_SPIN_S = 2.0
yield_cpu = getattr(os, "sched_yield", lambda: None)
_MAX_SLEEP_S = 0.002


def wait(reqs, timeout, what, rank, on_timeout=None, statuses=None):
    """Complete MPI requests, raising ``DistBackendError`` if they take longer than ``timeout``.

    Args:
        reqs (list of MPI.Request): the pending requests.
        timeout (float): seconds.
        what (str): the operation's name, for the error message.
        rank (int): this process' global rank, for the error message.
        on_timeout (callable, optional): called before raising (marks the group broken).
        statuses (list of MPI.Status, optional): filled for the completed requests.
    """
    if statuses is not None:
        def test(_t=_MPI.Request.Testall):
            return _t(reqs, statuses)
    elif len(reqs) == 1:
        test = reqs[0].Test  # a single request: no list conversion per poll
    else:
        def test(_t=_MPI.Request.Testall):
            return _t(reqs)
    return wait_test(test, timeout, what, rank, on_timeout)


def wait_one(req, timeout, what, rank, on_timeout=None):
    """``wait([req], ...)`` for one request: what the synchronous collectives use."""
    return wait_test(req.Test, timeout, what, rank, on_timeout)


def wait_test(test, timeout, what, rank, on_timeout=None):
    """Call ``test()`` (an MPI ``Test``, which also drives MPI's progress engine) until it returns
    True; raise ``DistBackendError`` after ``timeout`` seconds or on an MPI error.

    Polls run in a tight loop (each poll moves the transfer on, so a gap between two polls is
    latency added to the collective); the clock is read every 64 polls.
    """
    MPI = _MPI
    try:
        if test():
            return
        now = time.monotonic
        start = now()
        deadline = start + timeout
        yield_after = start + _YIELD_AFTER_S
        spin_end = start + _SPIN_S
        n = 0
        while True:
            for _ in range(64):
                if test():
                    return
            t = now()
            if t > deadline:
                break
            if t > spin_end:
                n += 1
                time.sleep(min(_MAX_SLEEP_S, 1e-5 * n))
            elif t > yield_after:
                yield_cpu()  # lets the peer run when ranks share cores (oversubscription)
    except MPI.Exception as exc:
        if on_timeout is not None:
            on_timeout()
        raise DistBackendError(
            f"ember.distributed: {what} failed on rank {rank}: MPI reported an error ({exc}). "
            "Another rank probably died.") from exc
    if on_timeout is not None:
        on_timeout()
    raise DistBackendError(
        f"ember.distributed: {what} timed out on rank {rank} after {timeout:g} s (the process "
        f"group's timeout): another rank died, hangs, or did not call the same collective. The "
        "process group is unusable now; the job will be aborted at exit.")


_abort_installed = [False]
_broken = [False]
_aborting = [False]


def mark_broken():
    _broken[0] = True


def install_abort_handlers():
    """Make a failing rank end the whole MPI job instead of leaving the others hanging.

    * an uncaught exception prints its traceback, then calls ``MPI.COMM_WORLD.Abort(1)``;
    * after a collective timed out, interpreter exit aborts the job too (``MPI_Finalize``
      would wait for the ranks that hang).
    """
    if _abort_installed[0]:
        return
    _abort_installed[0] = True
    import atexit
    prev_hook = sys.excepthook

    def excepthook(tp, value, tb):
        prev_hook(tp, value, tb)
        if _MPI is not None and _MPI.COMM_WORLD.Get_size() > 1 and \
                not issubclass(tp, (KeyboardInterrupt, SystemExit)):
            _abort(1, f"uncaught {tp.__name__} on rank {_MPI.COMM_WORLD.Get_rank()}")
    sys.excepthook = excepthook

    def at_exit():
        if _broken[0] and _MPI is not None and _MPI.COMM_WORLD.Get_size() > 1:
            _abort(1, f"rank {_MPI.COMM_WORLD.Get_rank()} exits after a failed collective")
    atexit.register(at_exit)


def _abort(code, why):
    if _aborting[0]:
        return
    _aborting[0] = True
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001
        pass
    print(f"ember.distributed: {why}; aborting the MPI job (MPI_Abort).", file=sys.stderr,
          flush=True)
    if os.environ.get("EMBER_DIST_NO_ABORT") == "1":  # for debugging: keep the job alive
        return
    time.sleep(0.25)  # let the MPI launcher forward this rank's last output before the kill
    _MPI.COMM_WORLD.Abort(code)
