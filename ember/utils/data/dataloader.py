"""``DataLoader``: batches, shuffles and (optionally) loads a dataset in worker processes.

Single-process loading (``num_workers=0``) runs sampler -> fetcher -> collate in the caller.

Multi-process loading (``num_workers > 0``) starts ``num_workers`` processes, each with its own
index queue and a copy of the dataset, and one shared result queue. The main process keeps at
most ``prefetch_factor`` batches per worker in flight, hands out batch indices round-robin,
and re-assembles results in sampler order (``_send_idx`` / ``_rcvd_idx``). It waits on the
result queue in short slices and checks between slices that the workers are alive, so a
crashed worker raises an error instead of hanging. Workers exit when the iterator is exhausted
or garbage-collected (kept across epochs with ``persistent_workers=True``).
"""

import itertools
import multiprocessing
import os
import pickle
import queue
import time
import warnings

from ._utils.collate import default_collate, default_convert
from ._utils.fetch import _DatasetKind
from ._utils.pin_memory import _accelerator_available, _pin
from ._utils.worker import ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration, _worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, _random_seed

__all__ = ["DataLoader", "default_collate", "default_convert", "get_worker_info"]

from ._utils.worker import get_worker_info  # noqa: E402  (re-exported, as torch does)

# Seconds the main process blocks on the result queue before checking worker liveness.
_POLL_INTERVAL = 0.1
# Seconds to wait for a worker to exit before terminating it.
_JOIN_TIMEOUT = 5.0


class _InfiniteConstantSampler(Sampler):
    """Yields ``None`` forever: an IterableDataset decides itself when it ends."""

    def __iter__(self):
        while True:
            yield None


class _MultiprocessingUnavailable(Exception):
    """Raised when worker processes cannot be created on this platform."""


def _cpu_count():
    if hasattr(os, "sched_getaffinity"):
        try:
            return len(os.sched_getaffinity(0))
        except OSError:
            pass
    return os.cpu_count()


class DataLoader:
    r"""Combines a dataset and a sampler, and iterates over batches of the dataset.

    Supports map-style and iterable-style datasets, single- or multi-process loading,
    custom sampling orders, automatic batching (collation) and memory pinning.

    Args:
        dataset (Dataset): the dataset to load from.
        batch_size (int, optional): samples per batch. ``None`` turns automatic batching off
            (each sample is passed through ``collate_fn`` = :func:`default_convert` on its own).
            Default: ``1``.
        shuffle (bool, optional): reshuffle the data every epoch. Default: ``False``.
        sampler (Sampler or Iterable, optional): the order of indices. Mutually exclusive with
            ``shuffle``.
        batch_sampler (Sampler or Iterable, optional): like ``sampler`` but yields lists of
            indices. Mutually exclusive with ``batch_size``, ``shuffle``, ``sampler`` and
            ``drop_last``.
        num_workers (int): number of worker processes; ``0`` loads in the main process.
            Default: ``0``.
        collate_fn (Callable, optional): merges a list of samples into a batch.
            Default: :func:`default_collate`.
        pin_memory (bool): page-lock batches for faster host-to-GPU copies. A no-op (with a
            warning) on machines without an accelerator. Default: ``False``.
        drop_last (bool): drop the last incomplete batch. Default: ``False``.
        timeout (float): seconds to wait for a batch from the workers before raising
            ``RuntimeError``; ``0`` waits forever. Default: ``0``.
        worker_init_fn (Callable, optional): called as ``worker_init_fn(worker_id)`` in each
            worker after seeding and before loading.
        multiprocessing_context (str or multiprocessing context, optional): start method of the
            workers (``'fork'``, ``'spawn'``, ``'forkserver'``). Default: the platform default.
        generator (ember.Generator, optional): used by the default ``RandomSampler`` and to draw
            the workers' ``base_seed``.
        prefetch_factor (int, optional): batches loaded in advance by each worker. Only with
            ``num_workers > 0``; default ``2`` then.
        persistent_workers (bool): keep the workers alive between epochs. Default: ``False``.
        pin_memory_device (str): deprecated, ignored (the current accelerator is used).
        in_order (bool): return batches in sampler order. ``False`` returns batches as soon as a
            worker delivers them. Default: ``True``.

    Each worker seeds Python's ``random`` and ember's default generator with
    ``base_seed + worker_id`` and NumPy's global RNG with a hash of both (as torch does), where
    ``base_seed`` is drawn from ``generator`` (or ember's default generator) for each epoch;
    ``ember.manual_seed`` therefore makes shuffles and worker-side randomness reproducible.

    Example:
        >>> import ember
        >>> from ember.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(ember.arange(10).float().reshape(5, 2), ember.tensor([0, 1, 0, 1, 1]))
        >>> loader = DataLoader(ds, batch_size=2)
        >>> len(loader)
        3
        >>> for x, y in loader:
        ...     print(tuple(x.shape), y.tolist())
        (2, 2) [0, 1]
        (2, 2) [0, 1]
        (1, 2) [1]
        >>> def epoch_order(seed):
        ...     _ = ember.manual_seed(seed)
        ...     return [x[:, 0].tolist() for x, _ in DataLoader(ds, batch_size=5, shuffle=True)]
        >>> epoch_order(1) == epoch_order(1)  # shuffles are reproducible
        True
    """

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing."
                "let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None."
            )
        elif num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        # Dataset-related checks first: an IterableDataset takes no sampler at all.
        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in {False, None}:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            elif batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    f"batch_sampler option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")

        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
                )

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)

        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator

        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None

        self.check_worker_number_rationality()

    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()  # torch checks again on every epoch
        try:
            return _MultiProcessingDataLoaderIter(self)
        except _MultiprocessingUnavailable as e:
            warnings.warn(
                f"DataLoader could not start worker processes ({e.__cause__!r}); loading the data "
                "in the main process instead, as with num_workers=0.",
                stacklevel=3,
            )
            return _SingleProcessDataLoaderIter(self)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, multiprocessing_context):
        if multiprocessing_context is not None:
            if self.num_workers > 0:
                if isinstance(multiprocessing_context, str):
                    valid_start_methods = multiprocessing.get_all_start_methods()
                    if multiprocessing_context not in valid_start_methods:
                        raise ValueError(
                            "multiprocessing_context option "
                            f"should specify a valid start method in {valid_start_methods!r}, but got "
                            f"multiprocessing_context={multiprocessing_context!r}"
                        )
                    multiprocessing_context = multiprocessing.get_context(multiprocessing_context)
                if not isinstance(multiprocessing_context, multiprocessing.context.BaseContext):
                    raise TypeError(
                        "multiprocessing_context option should be a valid context "
                        "object or a string specifying the start method, but got "
                        f"multiprocessing_context={multiprocessing_context}"
                    )
            else:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading "
                    f"(num_workers > 0), but got num_workers={self.num_workers}"
                )
        self.__multiprocessing_context = multiprocessing_context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in (
            "batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers",
        ):
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    def __iter__(self):
        """A fresh iterator over the batches (the same one, reset, with persistent workers)."""
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        # What the iterator draws from: index lists with automatic batching, single indices without.
        if self._auto_collation:
            return self.batch_sampler
        return self.sampler

    def __len__(self):
        """Number of batches: ``len(sampler)`` batched, or for an IterableDataset
        ``len(dataset)`` batched (which may be wrong when workers do not shard it)."""
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    length = length // self.batch_size
                else:
                    length = -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self):
        """Warn when ``num_workers`` exceeds the CPUs this process may use (as torch does)."""
        if not self.num_workers:
            return
        max_num_worker_suggest = _cpu_count()
        cpuset_checked = hasattr(os, "sched_getaffinity")
        if max_num_worker_suggest is None or self.num_workers > max_num_worker_suggest:
            if max_num_worker_suggest is not None:
                suggest = (
                    f"Our suggested max number of worker in current system is {max_num_worker_suggest}"
                    f"{'' if cpuset_checked else ' (`cpuset` is not taken into account)'}, which is smaller "
                    "than what this DataLoader is going to create."
                )
            else:
                suggest = "DataLoader is not able to compute a suggested max number of worker in current system."
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. {suggest} "
                "Please be aware that excessive worker creation might get DataLoader running slow or even "
                "freeze, lower the worker number to avoid potential slowness/freeze if necessary.",
                stacklevel=2,
            )


class _BaseDataLoaderIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers

        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(
                "pin_memory_device is deprecated, the current accelerator will be used as the device,"
                f"ignore pin_memory_device='{loader.pin_memory_device}'.",
                stacklevel=3,
            )
        accelerator = _accelerator_available() if loader.pin_memory else False
        if loader.pin_memory and not accelerator:
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, "
                "then device pinned memory won't be used.",
                stacklevel=3,
            )
        self._pin_memory = loader.pin_memory and accelerator

        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _random_seed(loader.generator)
        self._persistent_workers = loader.persistent_workers
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _next_index(self):
        return next(self._sampler_iter)  # may raise StopIteration

    def _next_data(self):
        raise NotImplementedError

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        if (self._dataset_kind == _DatasetKind.Iterable
                and self._IterableDataset_len_called is not None
                and self._num_yielded > self._IterableDataset_len_called):
            warn_msg = (
                f"Length of IterableDataset {self._dataset} was reported to be {self._IterableDataset_len_called}"
                f"(when accessing len(dataloader)), but {self._num_yielded} samples have been fetched. "
            )
            if self._num_workers > 0:
                warn_msg += (
                    "For multiprocessing data-loading, this could be caused by not properly configuring the "
                    "IterableDataset replica at each worker. Please see "
                    "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for examples."
                )
            warnings.warn(warn_msg, stacklevel=2)
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Loads in the calling process (``num_workers=0``, or the fallback without multiprocessing)."""

    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._dataset_fetcher = _DatasetKind.create_fetcher(
            self._dataset_kind, self._dataset, self._auto_collation, self._collate_fn, self._drop_last)

    def _next_data(self):
        index = self._next_index()  # may raise StopIteration
        data = self._dataset_fetcher.fetch(index)  # may raise StopIteration
        if self._pin_memory:
            data = _pin(data)
        return data


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Loads with ``num_workers`` worker processes; see the module docstring for the protocol."""

    def __init__(self, loader):
        super().__init__(loader)
        self._shutdown = False  # first, so __del__ works even if start-up fails
        self._workers = []
        self._index_queues = []
        self._data_queue = None
        self._workers_done_event = None
        self._workers_status = []
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order

        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        try:
            self._data_queue = ctx.Queue()
            self._workers_done_event = ctx.Event()
            for i in range(self._num_workers):
                index_queue = ctx.Queue()
                # a worker that died must not block our exit on flushing its queue
                index_queue.cancel_join_thread()
                w = ctx.Process(
                    target=_worker_loop,
                    args=(self._dataset_kind, self._dataset, index_queue, self._data_queue,
                          self._workers_done_event, self._auto_collation, self._collate_fn,
                          self._drop_last, self._base_seed, loader.worker_init_fn, i,
                          self._num_workers, self._persistent_workers, os.getpid()),
                    daemon=True,
                )
                self._index_queues.append(index_queue)
                self._workers_status.append(True)
                w.start()
                self._workers.append(w)
        except (ImportError, OSError, NotImplementedError) as e:
            self._shutdown_workers()
            raise _MultiprocessingUnavailable(str(e)) from e
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # next task index to send to a worker
        self._rcvd_idx = 0  # next task index to return to the caller
        # _task_info[idx] = (worker_id,) while pending, (worker_id, data) once out of order
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            # persistent workers: start a new epoch and drop whatever the last one left behind
            for q in self._index_queues:
                q.put(_ResumeIteration())
            remaining = self._num_workers
            while remaining > 0:
                return_idx, _ = self._get_data()
                if isinstance(return_idx, _ResumeIteration):
                    remaining -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_get_data(self, timeout):
        """One bounded wait on the result queue: (True, (idx, data)) or (False, None).

        Raises RuntimeError when an active worker has died.
        """
        try:
            raw = self._data_queue.get(timeout=timeout)
        except queue.Empty as e:
            failed = []
            for worker_id, w in enumerate(self._workers):
                if self._workers_status[worker_id] and not w.is_alive():
                    failed.append(w)
                    self._mark_worker_as_unavailable(worker_id)
            if failed:
                pids_str = ", ".join(str(w.pid) for w in failed)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids_str}) exited unexpectedly") from e
            return False, None
        return True, pickle.loads(raw)

    def _get_data(self):
        if self._timeout > 0:
            deadline = time.monotonic() + self._timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
                success, data = self._try_get_data(min(remaining, _POLL_INTERVAL))
                if success:
                    return data
        while True:
            success, data = self._try_get_data(_POLL_INTERVAL)
            if success:
                return data

    def _next_data(self):
        while True:
            # Skip task indices owned by workers that ran out of data (IterableDataset).
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx, None)
                if info:
                    worker_id = info[0]
                    if len(info) == 2 or self._workers_status[worker_id]:  # has data or still active
                        break
                    del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
            else:
                # nothing is pending: the epoch is over
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration

            # The result for _rcvd_idx may already have arrived out of order.
            if len(self._task_info[self._rcvd_idx]) == 2:
                worker_id, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

            idx, data = self._get_data()
            self._tasks_outstanding -= 1
            if self._dataset_kind == _DatasetKind.Iterable and isinstance(data, _IterableDatasetStopIteration):
                if self._persistent_workers:
                    self._workers_status[data.worker_id] = False
                else:
                    self._mark_worker_as_unavailable(data.worker_id)
                self._try_put_index()
                continue

            if idx != self._rcvd_idx:
                if not self._in_order:
                    worker_id = self._task_info.pop(idx)[0]
                    return self._process_data(data, worker_id)
                self._task_info[idx] += (data,)  # keep it until its turn
            else:
                worker_id = self._task_info.pop(idx)[0]
                self._rcvd_idx += 1
                return self._process_data(data, worker_id)

    def _try_put_index(self):
        max_tasks = self._prefetch_factor * self._num_workers
        assert self._tasks_outstanding < max_tasks
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):  # find the next active worker, if any
            worker_queue_idx = next(self._worker_queue_idx_cycle)
            if self._workers_status[worker_queue_idx]:
                if self._in_order:
                    break
                if self._workers_num_tasks[worker_queue_idx] < max_tasks // sum(self._workers_status):
                    break
        else:
            return  # no active worker left

        self._index_queues[worker_queue_idx].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker_queue_idx,)
        self._workers_num_tasks[worker_queue_idx] += 1
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _process_data(self, data, worker_idx):
        self._workers_num_tasks[worker_idx] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        if self._pin_memory:
            data = _pin(data)
        return data

    def _mark_worker_as_unavailable(self, worker_id, shutdown=False):
        # Tell that worker to exit; it is joined later in _shutdown_workers.
        try:
            self._index_queues[worker_id].put(None)
        except (OSError, ValueError):
            pass  # queue already closed
        self._workers_status[worker_id] = False

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        try:
            if self._workers_done_event is not None:
                self._workers_done_event.set()
            for worker_id in range(len(self._workers)):
                # persistent workers may be marked inactive but are still running
                if self._persistent_workers or self._workers_status[worker_id]:
                    self._mark_worker_as_unavailable(worker_id, shutdown=True)
            for w in self._workers:
                w.join(timeout=_JOIN_TIMEOUT)
            for q in self._index_queues:
                q.cancel_join_thread()
                q.close()
        finally:
            for w in self._workers:
                if w.is_alive():
                    w.terminate()
            if self._data_queue is not None:
                self._data_queue.cancel_join_thread()
                self._data_queue.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass  # interpreter shutdown: the modules we need may already be gone
