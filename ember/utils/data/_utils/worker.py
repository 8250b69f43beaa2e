"""What runs inside a DataLoader worker process, and ``get_worker_info``.

Protocol (main process <-> worker ``i``):

* main puts ``(send_idx, indices)`` on worker ``i``'s own index queue; ``None`` means "exit";
  a ``_ResumeIteration`` means "a new epoch starts" (persistent workers).
* the worker puts ``pickle.dumps((send_idx, result))`` on the shared data queue, where result
  is the collated batch, an ``ExceptionWrapper`` (the fetch raised), or an
  ``_IterableDatasetStopIteration`` (its copy of an IterableDataset is exhausted).

Results are pickled in the worker itself (not in the queue's feeder thread) so that an
unpicklable batch becomes an error in the main process instead of a silent hang.
"""

import os
import pickle
import queue
import random
import sys
import traceback

import numpy as np

import ember

from .fetch import _DatasetKind

__all__ = ["WorkerInfo", "get_worker_info"]

# How often (seconds) a worker waiting for work checks that its parent is still alive and
# whether it should shut down.
WORKER_STATUS_CHECK_INTERVAL = 0.25


class WorkerInfo:
    """Information about the current DataLoader worker process (see :func:`get_worker_info`).

    Attributes:
        id (int): this worker's id, in ``range(num_workers)``.
        num_workers (int): total number of workers of the DataLoader.
        seed (int): the seed this worker was given (``base_seed + id``); Python's ``random`` and
            ember's default generator are seeded with it.
        dataset: this worker's copy of the dataset.

    The object is read-only.

    Example:
        >>> from ember.utils.data import get_worker_info
        >>> info = WorkerInfo(id=0, num_workers=2, seed=7, dataset=None)
        >>> info.id, info.num_workers, info.seed
        (0, 2, 7)
    """

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "_WorkerInfo__keys", tuple(kwargs.keys()))

    def __setattr__(self, key, val):
        raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


_worker_info = None


def get_worker_info():
    """Return a :class:`WorkerInfo` inside a DataLoader worker process, ``None`` in the main process.

    Use it in ``IterableDataset.__iter__`` or in ``worker_init_fn`` to give each worker its own
    shard of the data, or to seed other libraries.

    Returns:
        WorkerInfo or None: with attributes ``id``, ``num_workers``, ``seed`` and ``dataset``.

    Example:
        >>> import math
        >>> from ember.utils.data import IterableDataset, DataLoader, get_worker_info
        >>> class Range(IterableDataset):
        ...     def __init__(self, start, end):
        ...         self.start, self.end = start, end
        ...     def __iter__(self):
        ...         info = get_worker_info()
        ...         if info is None:  # single-process loading: the whole range
        ...             return iter(range(self.start, self.end))
        ...         per_worker = math.ceil((self.end - self.start) / info.num_workers)
        ...         lo = self.start + info.id * per_worker
        ...         return iter(range(lo, min(lo + per_worker, self.end)))
        >>> get_worker_info() is None
        True
        >>> sorted(int(x) for x in DataLoader(Range(3, 7), batch_size=None))
        [3, 4, 5, 6]
    """
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback text."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the wrapped exception type with the worker's traceback in the message."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            # KeyError repr()s its argument, which would mangle the newlines
            msg = _KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            # some exception types only accept a `message=` keyword
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            # the type cannot be built from one string argument
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


class _IterableDatasetStopIteration:
    """Sent by a worker whose copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    """Sent to persistent workers at the start of each new epoch; echoed back as an ack."""


def _generate_state(base_seed, worker_id):
    """The 4 x uint32 seed torch gives ``numpy.random.seed`` in worker ``worker_id``.

    A SeedSequence-style hash of (worker_id, base_seed), so NumPy's global RNG differs between
    workers and from Python's ``random`` (which gets ``base_seed + worker_id``).
    """
    INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
    INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
    MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
    XSHIFT = 16
    MASK32 = 0xFFFFFFFF

    entropy = [worker_id, base_seed & MASK32, base_seed >> 32, 0]
    const_a = INIT_A

    def hash_a(value):
        nonlocal const_a
        value = (value ^ const_a) & MASK32
        const_a = (const_a * MULT_A) & MASK32
        value = (value * const_a) & MASK32
        return (value ^ (value >> XSHIFT)) & MASK32

    def mix(x, y):
        r = ((MIX_MULT_L * x) & MASK32) - ((MIX_MULT_R * y) & MASK32)
        r &= MASK32
        return (r ^ (r >> XSHIFT)) & MASK32

    pool = [hash_a(e) for e in entropy]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_a(pool[i_src]))

    const_b = INIT_B
    state = []
    for value in pool:
        value = (value ^ const_b) & MASK32
        const_b = (const_b * MULT_B) & MASK32
        value = (value * const_b) & MASK32
        state.append((value ^ (value >> XSHIFT)) & MASK32)
    return state


def _seed_worker(base_seed, worker_id):
    """Seed Python, NumPy's global RNG and ember's default generator, as torch does."""
    seed = base_seed + worker_id
    random.seed(seed)
    ember.manual_seed(seed)
    np.random.seed(_generate_state(base_seed, worker_id))
    return seed


def _dumps(idx, data, worker_id):
    """Pickle a result in the worker; an unpicklable result becomes an ExceptionWrapper."""
    try:
        return pickle.dumps((idx, data), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        wrapper = ExceptionWrapper(where=f"in DataLoader worker process {worker_id} "
                                         f"(pickling the batch to send it to the main process)")
        try:
            return pickle.dumps((idx, wrapper), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            wrapper.exc_type = RuntimeError  # the exception class itself cannot be pickled
            return pickle.dumps((idx, wrapper), protocol=pickle.HIGHEST_PROTOCOL)


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers,
                 persistent_workers, parent_pid):
    """Body of a DataLoader worker process."""
    global _worker_info
    try:
        # as torch: a worker runs its ops on one thread (N workers x ember's thread pool
        # would oversubscribe the cores the main process trains on)
        from .... import _threads
        _threads.set_num_threads(1)
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"

        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=where)

        # An IterableDataset copy that ran out stays silent until the next epoch / exit.
        iteration_end = False
        while True:
            try:
                r = index_queue.get(timeout=WORKER_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                # The main process is gone, or shutting down. (Its `None` may never arrive: when
                # the iterator is garbage-collected, its queues can be finalized first.)
                if os.getppid() != parent_pid or done_event.is_set():
                    break
                continue
            if isinstance(r, _ResumeIteration):
                data_queue.put(_dumps(r, None, worker_id))
                iteration_end = False
                if init_exception is None:
                    try:
                        # a fresh iterator for IterableDataset (a no-op rebuild for map-style)
                        fetcher = _DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                              collate_fn, drop_last)
                    except Exception:
                        init_exception = ExceptionWrapper(where=where)
                continue
            if r is None:  # asked to exit
                break
            if done_event.is_set() or iteration_end:
                continue  # shutting down, or nothing left to give: ignore the task
            idx, index = r
            if init_exception is not None:
                data = init_exception
                init_exception = None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == _DatasetKind.Iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(where=where)
            data_queue.put(_dumps(idx, data, worker_id))
            del data, idx, index, r  # do not hold on to the batch while waiting
    except KeyboardInterrupt:
        pass  # the main process gets the KeyboardInterrupt too and cleans up
    if done_event.is_set():
        # Don't block process exit on flushing results nobody will read.
        data_queue.cancel_join_thread()
        data_queue.close()
