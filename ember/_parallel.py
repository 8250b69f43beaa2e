"""ember's intra-op parallelism: large ops split their work over a small pool of threads.

torch runs every large op on all cores (OpenMP). ember's ops are NumPy calls, and NumPy
releases the GIL inside copies, ufunc loops and BLAS products, so Python threads that each
run the same op on a slice of the data (a range of images of a convolution, a range of rows
of a matrix product) really run at the same time.

The rules, and why:

* **One pool, owned by ember.** ``ember.set_num_threads(n)`` sizes it (default: the cores
  this process may run on, or ``OMP_NUM_THREADS``). Once it has started, NumPy's OpenBLAS
  is kept single-threaded: OpenBLAS's own workers spin for ~0.1 s after every
  multi-threaded call, and on a 2-core machine they competed with ember's threads
  (measured: a SimpleCNN step got *slower*, 75 ms vs 66, when both kinds of threads ran).
  The matrix products ember does itself (``linear``, ``matmul``, convolutions) are then
  split here. Where NumPy's BLAS cannot be set single-threaded (an MKL or Accelerate NumPy
  without ``threadpoolctl``), ember does not split anything and leaves BLAS alone.
* **Started by the ops that need it.** The pool starts with the first op that ember splits
  itself (convolution, pooling, batch norm, a large elementwise op). Matrix products never
  start it (``matmul_parts``): a process that only multiplies matrices (an MLP, an LSTM)
  keeps BLAS's own threads, which spin between calls and so answer a chain of
  sub-millisecond products sooner than ember's, whose wake-up on an idle core of this VM
  measured ~80 us (~10 us when the core was busy with something else). (Letting products
  of >= 64 M multiply-adds start the pool was tried in session 5: the LSTM's all-steps
  weight gradient got 0.25 ms faster, but its per-step products lost OpenBLAS's second
  thread and the forward got 0.35 ms slower.)
* **Static, contiguous parts.** ``parts(n, work)`` cuts ``range(n)`` into at most one part
  per thread; part ``i`` always covers the same items, and reductions add the per-part
  results in part order, so a result is the same from run to run (for a given thread count)
  -- torch's CPU kernels are deterministic in the same sense.
* **No nesting, no waiting.** An op called inside a part, or while another Python thread
  holds the pool, runs on the calling thread alone.
* **Small work stays serial.** Handing a part to a worker costs 10-80 us (a queue put, a
  thread wake-up, the GIL); ops below ``MIN_WORK`` (roughly 0.2 ms of single-thread work,
  in multiply-adds or bytes moved) are not split, matrix products below
  ``MATMUL_MIN_WORK`` per part (~1 ms) neither.
* **Parts must be long.** Two threads that each run many tiny NumPy calls (an LSTM's time
  steps on half the batch) are *slower* than one: every call takes and drops the GIL, and
  the threads queue for it (measured: 16 rows x 2 threads 114-127 us per step, 32 rows x 1
  thread 108 us). So only ops whose parts are a few long NumPy calls split.
* A forked child (DataLoader workers) starts without the parent's threads; its pool is
  rebuilt on first use.
"""
import os
import queue
import threading

import numpy as np

MIN_WORK = 1 << 21   # multiply-adds (or ~bytes moved for copy-bound ops) worth one split
MATMUL_MIN_WORK = 1 << 23   # multiply-adds per part of a split matrix product (~1 ms)

_state = {"n": None, "pool": None, "owner": False, "limiter": None}
_local = threading.local()
_WAKE = object()      # a queue item that only wakes a worker


def default_threads():
    """The thread count ember starts with: ``OMP_NUM_THREADS`` if set, else the usable cores.

    Example::

        >>> default_threads() >= 1
        True
    """
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:          # macOS, Windows
        return os.cpu_count() or 1


def num_threads():
    """The pool's size (what ``ember.get_num_threads()`` reports).

    Example::

        >>> num_threads() >= 1
        True
    """
    if _state["n"] is None:
        _state["n"] = default_threads()
    return _state["n"]


def set_threads(n):
    """Resize the pool to ``n`` threads (the calling thread counts as one).

    Args:
        n (int): at least 1; 1 turns ember's splitting off.

    Example::

        >>> old = num_threads()
        >>> set_threads(1); num_threads()
        1
        >>> set_threads(old)
    """
    n = int(n)
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    pool = _state["pool"]
    if pool is not None and pool.n != n:
        pool.close()
        _state["pool"] = None
    _state["n"] = n


def blas_single():
    """Make NumPy's BLAS single-threaded; False when that cannot be done.

    Example::

        >>> blas_single() in (True, False)
        True
    """
    from . import _blas
    if _blas.set_threads(1):
        return True
    if _state.get("limiter") is None:
        try:
            import threadpoolctl
        except ImportError:
            return False
        _state["limiter"] = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return True


class _Pool:
    """``n - 1`` daemon worker threads, each serving its own queue of parts."""

    def __init__(self, n):
        self.n = n
        self.lock = threading.Lock()
        self.done = queue.SimpleQueue()
        self.queues = [queue.SimpleQueue() for _ in range(n - 1)]
        for i, q in enumerate(self.queues):
            threading.Thread(target=self._serve, args=(q,), daemon=True,
                             name="ember-intraop-%d" % (i + 1)).start()

    def _serve(self, q):
        _local.busy = True          # ops inside a part never split again
        done = self.done
        while True:
            item = q.get()
            if item is None:
                return
            if item is _WAKE:       # see ``parts``: only wakes the thread
                continue
            fn, args, err = item
            res = None
            try:
                with np.errstate(**err):    # the caller's floating-point error settings
                    fn(*args)
            except BaseException as e:      # re-raised on the calling thread
                res = e
            # NOTE: drop the part's closure and arguments before reporting done: kept until
            # the next item, they kept the op's arrays alive (memory, and an array another
            # reference to which makes ``_methods._sole_owner`` take the copying path)
            item = fn = args = None
            done.put(res)

    def close(self):
        for q in self.queues:
            q.put(None)


def _pool(start=True):
    """The pool, or None when ember must not split now (one thread, nested, busy, no BLAS
    control, or ``start`` is false and ember has not taken over the threads yet)."""
    if getattr(_local, "busy", False):
        return None
    pool = _state["pool"]
    if pool is None:
        n = num_threads()
        if n < 2 or not (start or _state["owner"]) or not blas_single():
            return None
        _state["owner"] = True
        pool = _state["pool"] = _Pool(n)
    return pool


def active():
    """Whether ember runs the threads (its pool started; NumPy's BLAS single-threaded).

    Until an op that ember splits itself (a convolution, pooling, batch norm, a large
    elementwise op) first runs, matrix products are left to BLAS's own threads: OpenBLAS
    keeps its workers spinning between calls, which answers a chain of sub-millisecond
    products (an MLP) faster than waking ember's threads, whose wake-up on a VM's idle core
    measured ~80 us.

    Example::

        >>> active() in (True, False)
        True
    """
    return _state["owner"]


def parts(n, work, start=True, min_work=None):
    """Cut ``range(n)`` into contiguous ``(start, stop)`` parts, one per thread that will run.

    Args:
        n (int): the number of independent items (images, rows).
        work (int): the op's total work, in multiply-adds or bytes moved.
        start (bool): whether this op may start ember's pool (matrix products may not; see
            ``active``). Default: True.
        min_work (int, optional): the work one part must have (default ``MIN_WORK``).

    Returns a list of one ``(0, n)`` part when the op should run serially.

    Example::

        >>> p = parts(64, 10 ** 9)
        >>> p[0][0], p[-1][1]
        (0, 64)
    """
    least = MIN_WORK if min_work is None else min_work
    if n < 2 or work < least:
        return [(0, n)]
    pool = _pool(start)
    if pool is None:
        return [(0, n)]
    k = min(pool.n, n, max(1, work // least))
    if k < 2:
        return [(0, n)]
    # NOTE: wake the workers now: the caller still prepares the op (allocates the output,
    # rearranges weights) before ``run`` hands them their parts, and a sleeping thread took
    # 150-300 us to start on this VM (an idle virtual CPU is halted)
    for q in pool.queues[:k - 1]:
        q.put(_WAKE)
    return [(n * i // k, n * (i + 1) // k) for i in range(k)]


def matmul_parts(n, work):
    """``parts`` for a matrix product of ``work`` multiply-adds: at least
    ``MATMUL_MIN_WORK`` per part, and only once the pool runs (a product never starts it:
    see ``active``).

    Args:
        n (int): the rows (or columns) the product is split by.
        work (int): its multiply-adds.

    Example::

        >>> matmul_parts(64, 64 * 512 * 784) in ([(0, 64)], [(0, 32), (32, 64)])
        True
    """
    return parts(n, work, start=False, min_work=MATMUL_MIN_WORK)


def parts_of(a, work):
    """``parts`` over the first axis of array ``a``; one part ``(0, len)`` for CuPy / meta
    arrays (their own device parallelises) or small work.

    Args:
        a (array): the array whose first axis (images, rows) is split.
        work (int): the op's total work, in multiply-adds or bytes moved.

    Example::

        >>> import numpy as np
        >>> parts_of(np.zeros((3, 2)), 0)
        [(0, 3)]
    """
    if type(a) is not np.ndarray:
        return [(0, a.shape[0])]
    return parts(a.shape[0], work)


def shared(items, nparts):
    """``nparts`` argument tuples for ``run`` that all hold ONE iterator over ``items``.

    Each part's function loops over the iterator, so every thread takes the next item as soon
    as it is free (``next`` on a list iterator is atomic under the GIL): a worker that starts
    late (waking a halted virtual CPU took 80-300 us) or runs slower takes fewer items
    instead of keeping the caller waiting at the end. Only for items that write disjoint
    outputs (no reduction across items), so the result does not depend on who took what.

    Args:
        items (list): the work items (e.g. ``(start, stop)`` row blocks).
        nparts (int): how many threads share them (``len(parts(...))``).

    Example::

        >>> seen = []
        >>> def body(it):
        ...     for i in it:
        ...         seen.append(i)
        >>> run(body, shared([0, 1, 2, 3], 2))
        >>> sorted(seen)
        [0, 1, 2, 3]
    """
    it = iter(items)
    return [(it,)] * nparts


BLOCK_BYTES = 1 << 20   # bytes of one block of rows taken by ``run_rows``


def run_rows(fn, ps, row_bytes):
    """``run`` for row-wise work whose rows write disjoint outputs: ``fn(r0, r1)`` over
    blocks of ~``BLOCK_BYTES`` of rows, taken by the ``len(ps)`` threads from one shared
    iterator (``shared``) instead of one fixed range each.

    Args:
        fn (callable): ``fn(r0, r1)`` does rows ``r0:r1``.
        ps (list): the ``parts`` decided for the op (their count is used; the rows are
            ``range(ps[-1][1])``).
        row_bytes (int): bytes one row moves (sets the block size).

    Example::

        >>> out = [0] * 6
        >>> def square(r0, r1):
        ...     for i in range(r0, r1):
        ...         out[i] = i * i
        >>> run_rows(square, [(0, 6)], 8)
        >>> out
        [0, 1, 4, 9, 16, 25]
    """
    n = ps[-1][1]
    if len(ps) == 1:
        fn(0, n)
        return
    step = max(1, min(-(-n // len(ps)), BLOCK_BYTES // max(1, row_bytes)))

    def body(it):
        for r0 in it:
            fn(r0, min(n, r0 + step))
    run(body, shared(range(0, n, step), len(ps)))


def run(fn, args_list):
    """Call ``fn(*args)`` for every ``args`` in ``args_list`` at the same time, one per thread;
    the first runs on the calling thread. Returns when all are done; re-raises the first error.

    Args:
        fn (callable): the work for one part; it must only write memory no other part
            writes.
        args_list (list of tuple): one argument tuple per part, at most ``num_threads()``.

    Example::

        >>> out = [0] * 4
        >>> def fill(a, b):
        ...     for i in range(a, b):
        ...         out[i] = i * i
        >>> run(fill, parts(4, 10 ** 9))
        >>> out
        [0, 1, 4, 9]
    """
    if len(args_list) == 1:
        fn(*args_list[0])
        return
    pool = _pool()
    if pool is None or len(args_list) > pool.n or not pool.lock.acquire(blocking=False):
        for args in args_list:
            fn(*args)
        return
    try:
        err = np.geterr()           # NumPy keeps it per thread (a context variable)
        for q, args in zip(pool.queues, args_list[1:]):
            q.put((fn, args, err))
        _local.busy = True
        err = None
        try:
            fn(*args_list[0])
        except BaseException as e:
            err = e
        finally:
            _local.busy = False
            # always wait for every part, even through Ctrl-C (re-raised after): the parts
            # write the caller's arrays, and a part left running would answer the next run
            pending = len(args_list) - 1
            while pending:
                try:
                    e = pool.done.get()
                except BaseException as ex:     # KeyboardInterrupt while waiting
                    err = err if err is not None else ex
                    continue
                pending -= 1
                if err is None and e is not None:
                    err = e
        if err is not None:
            raise err
    finally:
        pool.lock.release()


def is_big(a):
    """True for a NumPy array large enough that an elementwise pass over it may split
    (``ufunc``); a cheap test for hot paths.

    Args:
        a: any operand.

    Example::

        >>> import numpy as np
        >>> is_big(np.zeros(3)), is_big(2.0)
        (False, False)
    """
    return type(a) is np.ndarray and a.size * 8 >= MIN_WORK


def ufunc(f, *args, out=None):
    """``f(*args, out=out)`` for a NumPy ufunc ``f``, the first axis split over ember's threads
    when the arrays are large (an elementwise pass is memory-bound: two cores move ~1.5x the
    bytes one does).

    Args:
        f (numpy.ufunc): e.g. ``np.add``.
        *args: NumPy arrays (broadcastable against each other) and Python scalars.
        out (numpy.ndarray, optional): the destination, of the broadcast shape.

    Example::

        >>> import numpy as np
        >>> ufunc(np.add, np.ones((4, 2)), 1.0).tolist()
        [[2.0, 2.0], [2.0, 2.0], [2.0, 2.0], [2.0, 2.0]]
    """
    big = None
    for a in args:
        if type(a) is np.ndarray:
            if a.size * 8 >= MIN_WORK and (big is None or a.ndim > big.ndim):
                big = a
        elif not isinstance(a, (int, float, complex, np.generic)) and a is not None:
            return f(*args, out=out)            # CuPy, meta, lists: as NumPy does it
    if big is None or (out is not None and type(out) is not np.ndarray):
        return f(*args, out=out)
    shape = np.broadcast_shapes(*[a.shape for a in args if type(a) is np.ndarray])
    if not shape or shape[0] < 2 or (out is not None and out.shape != shape):
        return f(*args, out=out)
    n = shape[0]
    ps = parts(n, _prod(shape) * big.itemsize * 2)
    if len(ps) == 1:
        return f(*args, out=out)
    if out is None:     # the result dtype: the ufunc's own resolution on one element each
        probe = f(*[a.reshape(-1)[:1] if type(a) is np.ndarray else a for a in args])
        out = np.empty(shape, dtype=probe.dtype)
    nd = len(shape)
    split = [type(a) is np.ndarray and a.ndim == nd and a.shape[0] == n for a in args]
    run_rows(lambda r0, r1: f(*[a[r0:r1] if sp else a for a, sp in zip(args, split)],
                              out=out[r0:r1]), ps, out[:1].nbytes)
    return out


def matmul(a, b, out=None):
    """``np.matmul(a, b)`` for NumPy float/complex operands with at least 2 dims (batch dims
    broadcast), split over ember's threads when large: by rows of ``a`` or by columns of
    ``b``, whichever is longer (each part one single-threaded BLAS call).

    Args:
        a (numpy.ndarray): (..., M, K).
        b (numpy.ndarray): (..., K, N).
        out (numpy.ndarray, optional): the (..., M, N) destination.

    Example::

        >>> import numpy as np
        >>> matmul(np.eye(2), np.ones((2, 3))).tolist()
        [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    if (type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim < 2 or b.ndim < 2
            or a.dtype.kind not in "fc" or b.dtype.kind not in "fc"
            or (out is not None and type(out) is not np.ndarray)):
        return np.matmul(a, b, out=out)
    M, K = a.shape[-2:]
    N = b.shape[-1]
    lead = a.shape[:-2] if a.ndim >= b.ndim else b.shape[:-2]
    if a.ndim > 2 and b.ndim > 2:
        try:
            lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            return np.matmul(a, b, out=out)       # NumPy's own error
    if K != b.shape[-2]:
        return np.matmul(a, b, out=out)
    by_rows = M >= N
    ps = matmul_parts(M if by_rows else N, _prod(lead) * M * N * K)
    if len(ps) == 1:
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty(lead + (M, N), dtype=np.result_type(a.dtype, b.dtype))
    if by_rows:
        run(lambda r0, r1: np.matmul(a[..., r0:r1, :], b, out=out[..., r0:r1, :]), ps)
    else:
        run(lambda c0, c1: np.matmul(a, b[..., c0:c1], out=out[..., c0:c1]), ps)
    return out


def sum(a, axis=None, keepdims=False):
    """``np.sum(a, axis, keepdims=keepdims)`` for a NumPy array, split over ember's threads by
    the first axis when large: per-part sums added in part order when the first axis is
    reduced, else each part fills its rows of the result.

    Args:
        a (numpy.ndarray): the values.
        axis (int or tuple of int, optional): the axes to reduce (default: all).
        keepdims (bool): keep reduced axes as size 1. Default: False.

    Example::

        >>> import numpy as np
        >>> float(sum(np.ones((4, 3))))
        12.0
    """
    if type(a) is not np.ndarray or not a.ndim or not is_big(a):
        return np.sum(a, axis=axis, keepdims=keepdims)
    nd = a.ndim
    axes = tuple(range(nd)) if axis is None else tuple(
        d % nd for d in ((axis,) if isinstance(axis, int) else axis))
    ps = parts(a.shape[0], a.nbytes)
    if len(ps) == 1:
        return np.sum(a, axis=axis, keepdims=keepdims)
    if 0 in axes:
        res = [None] * len(ps)

        def part(i, r0, r1):
            res[i] = np.sum(a[r0:r1], axis=axes, keepdims=keepdims)
        run(part, [(i,) + p for i, p in enumerate(ps)])
        out = res[0]
        for r in res[1:]:
            out = out + r
        return out
    shape = tuple(1 if d in axes else n for d, n in enumerate(a.shape) if keepdims or d not in axes)
    out = np.empty(shape, dtype=np.sum(a.reshape(-1)[:1]).dtype)
    run(lambda r0, r1: np.sum(a[r0:r1], axis=axes, keepdims=keepdims, out=out[r0:r1]), ps)
    return out


def copyto(dst, src):
    """``dst[...] = src`` (``src`` broadcast to ``dst``), the first axis split over ember's
    threads for large NumPy arrays.

    Args:
        dst (numpy.ndarray): written in place.
        src (numpy.ndarray or scalar): the values.

    Example::

        >>> import numpy as np
        >>> d = np.zeros((2, 2)); copyto(d, np.ones(2)); d.tolist()
        [[1.0, 1.0], [1.0, 1.0]]
    """
    if not (is_big(dst) and dst.ndim and (type(src) is np.ndarray or np.isscalar(src))) or (
            type(src) is np.ndarray and np.may_share_memory(dst, src)):
        dst[...] = src      # (overlapping memory: NumPy's buffered copy, never split)
        return
    n = dst.shape[0]
    ps = parts(n, dst.nbytes * 2)
    if len(ps) == 1:
        dst[...] = src
        return
    split = type(src) is np.ndarray and src.ndim == dst.ndim and src.shape[0] == n

    def part(r0, r1):
        dst[r0:r1] = src[r0:r1] if split else src
    run_rows(part, ps, dst[:1].nbytes)


def contiguous(a):
    """A C-contiguous copy of NumPy array ``a`` (``a`` itself when it is one already), the
    copy split over ember's threads when large -- e.g. a transposed weight matrix.

    Args:
        a (numpy.ndarray): any layout.

    Example::

        >>> import numpy as np
        >>> contiguous(np.arange(6).reshape(2, 3).T).flags.c_contiguous
        True
    """
    if a.flags.c_contiguous:
        return a
    if not is_big(a) or not a.ndim:
        return np.ascontiguousarray(a)
    out = np.empty(a.shape, dtype=a.dtype)
    copyto(out, a)
    return out


def copy(a):
    """``a.copy()`` (C order), split over ember's threads when large.

    Args:
        a (numpy.ndarray): the array to copy.

    Example::

        >>> import numpy as np
        >>> x = np.ones(3); y = copy(x); y is x
        False
    """
    if not is_big(a) or not a.ndim:
        return a.copy()
    out = np.empty(a.shape, dtype=a.dtype)
    copyto(out, a)
    return out


def _prod(xs):
    n = 1
    for v in xs:
        n *= v
    return n


class Shared:
    """Values the parts of one split op build once and share: the first part to ask builds
    (the others wait for it), e.g. a rearranged weight matrix every part multiplies by.

    Example::

        >>> sh = Shared()
        >>> sh.get("w", lambda: [1, 2]) is sh.get("w", lambda: [3])
        True
    """
    __slots__ = ("lock", "vals")

    def __init__(self):
        self.lock = threading.Lock()
        self.vals = {}

    def get(self, key, build):
        """The value stored under ``key``, built by ``build()`` on first use.

        Args:
            key (hashable): the value's name within this op.
            build (callable): makes the value (called at most once).

        Example::

            >>> Shared().get("k", lambda: 3)
            3
        """
        with self.lock:
            v = self.vals.get(key)
            if v is None:
                v = self.vals[key] = build()
            return v

    @staticmethod
    def build(key, build):
        """``get`` without sharing (a serial op): just ``build()``.

        Args:
            key (hashable): unused (the same signature as ``get``).
            build (callable): makes the value.

        Example::

            >>> Shared.build("k", lambda: 3)
            3
        """
        return build()


def _after_fork():
    _state["pool"] = None
    _local.__dict__.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
