"""Picklable datasets and functions for the DataLoader worker tests.

Kept free of torch imports so that spawned worker processes start quickly.
"""

import collections.abc
import os
import random
import time

import numpy as np

import ember
from ember.utils.data import Dataset, IterableDataset, get_worker_info


class IndexDataset(Dataset):
    """Sample i is (i, id of the worker that loaded it or -1, that worker's offset)."""

    def __init__(self, n):
        self.n = n
        self.offset = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        info = get_worker_info()
        return i, -1 if info is None else info.id, self.offset


def offset_init_fn(worker_id):
    """worker_init_fn: give worker k's dataset copy an offset of 100 * (k + 1)."""
    get_worker_info().dataset.offset = 100 * (worker_id + 1)


class RandomDataset(Dataset):
    """Returns the worker-side random state: python random, numpy global RNG, ember RNG, seed."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return (i, random.random(), float(np.random.rand()), float(ember.rand(1).numpy()[0]),
                -1 if info is None else info.seed, -1 if info is None else info.id)


class PidDataset(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return i, os.getpid()


class FailingDataset(Dataset):
    def __init__(self, n, bad, exc_type=ValueError):
        self.n, self.bad, self.exc_type = n, bad, exc_type

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.bad:
            raise self.exc_type(f"bad sample {i}")
        return i


class SuicideDataset(Dataset):
    """Kills its own worker process with SIGKILL when it loads index `bad`."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3 and get_worker_info() is not None:
            import signal
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class SlowDataset(Dataset):
    def __init__(self, delay):
        self.delay = delay

    def __len__(self):
        return 4

    def __getitem__(self, i):
        if get_worker_info() is not None:
            time.sleep(self.delay)
        return i


def shard_range(start, end, info):
    """This worker's contiguous shard of range(start, end) (all of it outside workers)."""
    if info is None:
        return iter(range(start, end))
    per_worker = -(-(end - start) // info.num_workers)
    lo = start + info.id * per_worker
    return iter(range(lo, min(lo + per_worker, end)))


class ShardedRange(IterableDataset):
    """range(start, end) split into contiguous per-worker shards."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return shard_range(self.start, self.end, get_worker_info())


def _dtype_name(dtype):
    return str(dtype).split(".")[-1]


def assert_same(e, t, path="batch"):
    """Assert an ember batch `e` matches a torch batch `t`: same nesting, container types,
    tensor dtypes, shapes and values."""
    if type(t).__module__.startswith("torch") and type(t).__name__ in ("Tensor", "Parameter"):
        assert isinstance(e, ember.Tensor), f"{path}: expected a Tensor, got {type(e)}"
        assert _dtype_name(e.dtype) == _dtype_name(t.dtype), f"{path}: dtype {e.dtype} != {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), f"{path}: shape {tuple(e.shape)} != {tuple(t.shape)}"
        np.testing.assert_array_equal(e.numpy(), t.numpy(), err_msg=path)
        return
    assert type(e).__name__ == type(t).__name__, f"{path}: type {type(e)} != {type(t)}"
    if isinstance(t, collections.abc.Mapping):
        assert list(e.keys()) == list(t.keys()), f"{path}: keys differ"
        for k in t:
            assert_same(e[k], t[k], f"{path}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t), f"{path}: length {len(e)} != {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(t, np.ndarray):
        np.testing.assert_array_equal(e, t, err_msg=path)
        assert e.dtype == t.dtype
    else:
        assert e == t, f"{path}: {e!r} != {t!r}"
