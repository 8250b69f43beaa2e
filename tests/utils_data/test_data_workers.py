"""DataLoader with worker processes (num_workers > 0). Kept few and small: spawn is slow."""

import gc
import multiprocessing
import os

import pytest

import ember
import ember.utils.data as eud

import torch
import torch.utils.data as tud

import utils_data_helpers as h

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="uses the fork start method")

# Most tests use local (unpicklable) functions and classes, so they pin the fork start method.
FORK = "fork"


def test_fork_workers_preserve_order_and_match_torch():
    ds = h.IndexDataset(11)
    batches = list(eud.DataLoader(ds, batch_size=2, num_workers=2, multiprocessing_context=FORK))
    ref = list(tud.DataLoader(ds, batch_size=2, num_workers=0))
    assert [b[0].tolist() for b in batches] == [b[0].tolist() for b in ref]
    # batch k is loaded by worker k % 2 (round robin), as in torch
    assert [b[1].tolist()[0] for b in batches] == [k % 2 for k in range(len(batches))]


def test_spawn_workers_preserve_order_and_run_init_fn():
    ds = h.IndexDataset(7)
    loader = eud.DataLoader(ds, batch_size=2, num_workers=2, multiprocessing_context="spawn",
                            worker_init_fn=h.offset_init_fn)
    batches = list(loader)
    assert [b[0].tolist() for b in batches] == [[0, 1], [2, 3], [4, 5], [6]]
    assert [b[1].tolist() for b in batches] == [[0, 0], [1, 1], [0, 0], [1]]
    # worker_init_fn ran in each worker, on that worker's copy of the dataset
    assert [b[2].tolist() for b in batches] == [[100, 100], [200, 200], [100, 100], [200]]
    assert ds.offset == 0


def test_worker_init_fn_matches_torch():
    def init_fn_for(get_info):
        def init(worker_id):
            get_info().dataset.offset = 100 * (worker_id + 1)
        return init

    ds = h.IndexDataset(5)
    e = [b[2].tolist() for b in eud.DataLoader(ds, batch_size=2, num_workers=2,
                                               worker_init_fn=init_fn_for(eud.get_worker_info),
                                                       multiprocessing_context=FORK)]
    t = [b[2].tolist() for b in tud.DataLoader(ds, batch_size=2, num_workers=2,
                                               worker_init_fn=init_fn_for(tud.get_worker_info),
                                                       multiprocessing_context=FORK)]
    assert e == t


class _TorchShardedRange(tud.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return h.shard_range(self.start, self.end, tud.get_worker_info())


@pytest.mark.parametrize("batch_size", [None, 2])
def test_iterable_dataset_sharding_matches_torch(batch_size):
    e = list(eud.DataLoader(h.ShardedRange(0, 9), batch_size=batch_size, num_workers=2,
            multiprocessing_context=FORK))
    t = list(tud.DataLoader(_TorchShardedRange(0, 9), batch_size=batch_size, num_workers=2,
            multiprocessing_context=FORK))
    def values(batches):
        return [x.tolist() if batch_size else x for x in batches]

    assert values(e) == values(t)
    flat = [v for x in values(e) for v in (x if batch_size else [x])]
    assert sorted(flat) == list(range(9))


def test_worker_exception_is_reraised_with_traceback():
    loader = eud.DataLoader(h.FailingDataset(8, bad=5), batch_size=2, num_workers=2,
            multiprocessing_context=FORK)
    got = []
    with pytest.raises(ValueError) as info:
        for b in loader:
            got.append(b.tolist())
    msg = str(info.value)
    assert got == [[0, 1], [2, 3]]
    assert "Caught ValueError in DataLoader worker process 0." in msg
    assert "Original Traceback (most recent call last):" in msg
    assert "bad sample 5" in msg and "__getitem__" in msg


def test_worker_keyerror_keeps_type():
    loader = eud.DataLoader(h.FailingDataset(4, bad=0, exc_type=KeyError), batch_size=2, num_workers=1,
            multiprocessing_context=FORK)
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process 0"):
        next(iter(loader))


def test_killed_worker_raises_runtime_error():
    loader = eud.DataLoader(h.SuicideDataset(), batch_size=1, num_workers=2,
            multiprocessing_context=FORK)
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        for _ in loader:
            pass


def test_timeout_raises_runtime_error():
    loader = eud.DataLoader(h.SlowDataset(0.6), batch_size=1, num_workers=1, timeout=0.2,
            multiprocessing_context=FORK)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.2 seconds"):
        next(iter(loader))


def test_workers_seeded_reproducibly_from_manual_seed():
    def run():
        ember.manual_seed(42)
        return [b for b in eud.DataLoader(h.RandomDataset(), batch_size=None, num_workers=2,
                multiprocessing_context=FORK)]

    first, second = run(), run()
    assert [[float(v) for v in s] for s in first] == [[float(v) for v in s] for s in second]
    # sample i comes from worker i % 2; worker seeds are base_seed + worker_id
    seeds = {int(s[5]): int(s[4]) for s in first}
    assert seeds[1] == seeds[0] + 1
    # each worker's python, numpy and ember streams are seeded independently of the others
    w0 = [s for s in first if int(s[5]) == 0][0]
    w1 = [s for s in first if int(s[5]) == 1][0]
    assert all(float(w0[k]) != float(w1[k]) for k in (1, 2, 3))
    ember.manual_seed(43)
    other = [b for b in eud.DataLoader(h.RandomDataset(), batch_size=None, num_workers=2,
            multiprocessing_context=FORK)]
    assert int(other[0][4]) != int(first[0][4])


def test_shuffle_with_workers_is_reproducible():
    def epoch():
        ember.manual_seed(5)
        return [b.tolist() for b in eud.DataLoader(list(range(12)), batch_size=3, shuffle=True, num_workers=2,
                                                        multiprocessing_context=FORK)]

    a = epoch()
    assert a == epoch()
    assert sorted(v for b in a for v in b) == list(range(12))
    ember.manual_seed(5)
    assert a == [b.tolist() for b in eud.DataLoader(list(range(12)), batch_size=3, shuffle=True)]


def test_persistent_workers_survive_epochs():
    loader = eud.DataLoader(h.PidDataset(), batch_size=2, num_workers=2, persistent_workers=True,
            multiprocessing_context=FORK)
    epoch1 = list(loader)
    it = loader._iterator
    epoch2 = list(loader)
    assert loader._iterator is it
    assert [b[0].tolist() for b in epoch1] == [b[0].tolist() for b in epoch2] == [[0, 1], [2, 3], [4, 5]]
    assert {p for b in epoch1 for p in b[1].tolist()} == {p for b in epoch2 for p in b[1].tolist()}
    # an epoch cut short does not leak stale batches into the next one
    next(iter(loader))
    assert [b[0].tolist() for b in loader] == [[0, 1], [2, 3], [4, 5]]
    workers = list(it._workers)
    del loader, it
    gc.collect()
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()


def test_workers_shut_down_when_iterator_is_dropped():
    it = iter(eud.DataLoader(list(range(100)), batch_size=2, num_workers=2,
            multiprocessing_context=FORK))
    assert next(it).tolist() == [0, 1]
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    for w in workers:
        w.join(timeout=10)
        assert not w.is_alive()


def test_exhausted_iterator_shuts_down_workers():
    it = iter(eud.DataLoader(list(range(4)), batch_size=2, num_workers=2, multiprocessing_context=FORK))
    assert [b.tolist() for b in it] == [[0, 1], [2, 3]]
    for w in it._workers:
        assert not w.is_alive()


def test_falls_back_to_main_process_without_multiprocessing():
    base = type(multiprocessing.get_context("fork"))

    class NoQueues(base):
        def Queue(self, *args, **kwargs):
            raise OSError("queues are not supported here")

    loader = eud.DataLoader(list(range(5)), batch_size=2, num_workers=2, multiprocessing_context=NoQueues())
    with pytest.warns(UserWarning, match="loading the data in the main process"):
        batches = [b.tolist() for b in loader]
    assert batches == [[0, 1], [2, 3], [4]]


def test_get_worker_info_in_worker():
    class Info(eud.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            info = eud.get_worker_info()
            return info.id, info.num_workers, os.getpid() != parent

    parent = os.getpid()
    out = [tuple(int(v) for v in s) for s in eud.DataLoader(Info(), batch_size=None, num_workers=2,
            multiprocessing_context=FORK)]
    assert out == [(0, 2, 1), (1, 2, 1)]
