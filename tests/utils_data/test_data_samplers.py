"""Datasets, samplers and random_split against torch.utils.data."""

import collections
import contextlib
import warnings

import numpy as np
import pytest

import ember
import ember.utils.data as eud

import torch
import torch.utils.data as tud

from utils_data_helpers import assert_same


def _raises_like_torch(ember_fn, torch_fn):
    """Both raise the same exception type with the same message."""
    with pytest.raises(Exception) as t:
        torch_fn()
    with pytest.raises(t.type) as e:
        ember_fn()
    assert str(e.value) == str(t.value)


# ---------------------------------------------------------------------------------------------
# datasets

def test_tensor_dataset_matches_torch():
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    y = np.arange(5)
    eds = eud.TensorDataset(ember.from_numpy(x.copy()), ember.from_numpy(y.copy()))
    tds = tud.TensorDataset(torch.from_numpy(x.copy()), torch.from_numpy(y.copy()))
    assert len(eds) == len(tds) == 5
    for i in range(-5, 5):
        assert_same(eds[i], tds[i])


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        eud.TensorDataset(ember.zeros(3), ember.zeros(4))


def test_concat_dataset_indexing_matches_torch():
    parts = [[0, 1, 2], [], [10, 11], [20]]
    eds, tds = eud.ConcatDataset(parts), tud.ConcatDataset(parts)
    assert eds.cumulative_sizes == tds.cumulative_sizes
    assert len(eds) == len(tds) == 6
    assert [eds[i] for i in range(-6, 6)] == [tds[i] for i in range(-6, 6)]
    _raises_like_torch(lambda: eds[-7], lambda: tds[-7])
    with pytest.raises(IndexError):
        eds[6]


def test_concat_dataset_rejects_bad_input():
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        eud.ConcatDataset([])

    class Stream(eud.IterableDataset):
        def __iter__(self):
            return iter([1])

    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        eud.ConcatDataset([Stream()])


def test_dataset_add_makes_concat_and_chain():
    class Items(eud.Dataset):
        def __init__(self, items):
            self.items = items

        def __len__(self):
            return len(self.items)

        def __getitem__(self, i):
            return self.items[i]

    class Stream(eud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    both = Items([1, 2]) + Items([3])
    assert isinstance(both, eud.ConcatDataset)
    assert [both[i] for i in range(len(both))] == [1, 2, 3]
    chained = Stream(2) + Stream(3)
    assert isinstance(chained, eud.ChainDataset)
    assert list(chained) == [0, 1, 0, 1, 2]
    assert len(chained) == 5


def test_subset_and_stack_dataset_match_torch():
    data = list(range(100, 110))
    es, ts = eud.Subset(data, [7, 2, 5]), tud.Subset(data, [7, 2, 5])
    assert len(es) == len(ts) == 3
    assert [es[i] for i in range(3)] == [ts[i] for i in range(3)]
    assert es.__getitems__([2, 0]) == ts.__getitems__([2, 0])

    a, b = [1, 2, 3], ["x", "y", "z"]
    assert eud.StackDataset(a, b)[1] == tud.StackDataset(a, b)[1]
    assert eud.StackDataset(n=a, s=b)[2] == tud.StackDataset(n=a, s=b)[2]
    assert eud.StackDataset(a, b).__getitems__([0, 2]) == tud.StackDataset(a, b).__getitems__([0, 2])
    assert len(eud.StackDataset(n=a, s=b)) == 3
    _raises_like_torch(lambda: eud.StackDataset(a, [1]), lambda: tud.StackDataset(a, [1]))
    _raises_like_torch(lambda: eud.StackDataset(a, s=b), lambda: tud.StackDataset(a, s=b))
    _raises_like_torch(lambda: eud.StackDataset(), lambda: tud.StackDataset())


def test_abstract_dataset_getitem_raises():
    with pytest.raises(NotImplementedError):
        eud.Dataset()[0]


# ---------------------------------------------------------------------------------------------
# random_split

@pytest.mark.parametrize("n, lengths", [
    (10, [3, 7]), (10, [0.3, 0.7]), (10, [0.33, 0.33, 0.34]), (7, [0.5, 0.5]),
    (11, [0.1, 0.2, 0.3, 0.4]), (5, [1.0]), (3, [0.25, 0.25, 0.25, 0.25]), (100, [0.8, 0.1, 0.1]),
])
def test_random_split_lengths_match_torch(n, lengths):
    with pytest.warns(UserWarning, match="Length of split at index 3 is 0") if n == 3 else contextlib.nullcontext():
        e_splits = eud.random_split(range(n), lengths, generator=ember.Generator().manual_seed(0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's own zero-length warning
        t_splits = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(0))
    assert [len(s) for s in e_splits] == [len(s) for s in t_splits]
    got = [idx for s in e_splits for idx in (s[i] for i in range(len(s)))]
    assert sorted(got) == list(range(n))  # disjoint and complete


def test_random_split_reproducible_and_errors():
    a = eud.random_split(range(20), [5, 15], generator=ember.Generator().manual_seed(3))
    b = eud.random_split(range(20), [5, 15], generator=ember.Generator().manual_seed(3))
    assert a[0].indices == b[0].indices
    ember.manual_seed(11)
    c = eud.random_split(range(20), [5, 15])
    ember.manual_seed(11)
    d = eud.random_split(range(20), [5, 15])
    assert c[1].indices == d[1].indices
    _raises_like_torch(lambda: eud.random_split(range(10), [3, 3]), lambda: tud.random_split(range(10), [3, 3]))
    _raises_like_torch(lambda: eud.random_split(range(10), [1.5, -0.5]),
                       lambda: tud.random_split(range(10), [1.5, -0.5]))


# ---------------------------------------------------------------------------------------------
# samplers

def test_sequential_sampler_matches_torch():
    for n in [0, 1, 7]:
        assert list(eud.SequentialSampler(range(n))) == list(tud.SequentialSampler(range(n)))
        assert len(eud.SequentialSampler(range(n))) == n


def test_random_sampler_is_a_permutation_and_reproducible():
    s = eud.RandomSampler(range(20), generator=ember.Generator().manual_seed(5))
    order = list(s)
    assert sorted(order) == list(range(20))
    assert all(type(i) is int for i in order)
    assert list(eud.RandomSampler(range(20), generator=ember.Generator().manual_seed(5))) == order
    ember.manual_seed(0)
    first = list(eud.RandomSampler(range(20)))
    second = list(eud.RandomSampler(range(20)))
    ember.manual_seed(0)
    assert list(eud.RandomSampler(range(20))) == first
    assert list(eud.RandomSampler(range(20))) == second


def test_random_sampler_equals_randperm_with_same_seed():
    # as in torch: list(RandomSampler(ds, generator=g)) == randperm(n, generator=<same seed>)
    order = list(eud.RandomSampler(range(9), generator=ember.Generator().manual_seed(21)))
    assert order == ember.randperm(9, generator=ember.Generator().manual_seed(21)).tolist()
    sub = eud.random_split(range(9), [4, 5], generator=ember.Generator().manual_seed(21))
    assert list(sub[0].indices) + list(sub[1].indices) == order


@pytest.mark.parametrize("replacement, num_samples", [(False, None), (False, 7), (False, 25), (True, None),
                                                      (True, 3), (True, 70)])
def test_random_sampler_lengths_and_contents(replacement, num_samples):
    n = 10
    es = eud.RandomSampler(range(n), replacement=replacement, num_samples=num_samples)
    ts = tud.RandomSampler(range(n), replacement=replacement, num_samples=num_samples)
    got = list(es)
    assert len(es) == len(ts) == len(got) == len(list(ts))
    assert all(0 <= i < n for i in got)
    if not replacement:
        counts = np.bincount(got, minlength=n)
        assert counts.max() - counts.min() <= 1  # whole permutations plus a partial one


@pytest.mark.parametrize("kwargs", [dict(replacement=1), dict(num_samples=0), dict(num_samples=2.0)])
def test_random_sampler_errors_match_torch(kwargs):
    _raises_like_torch(lambda: eud.RandomSampler(range(3), **kwargs), lambda: tud.RandomSampler(range(3), **kwargs))


def test_random_sampler_empty_dataset_errors_like_torch():
    _raises_like_torch(lambda: eud.RandomSampler([]), lambda: tud.RandomSampler([]))


def test_subset_random_sampler():
    idx = [3, 9, 4, 12]
    es = eud.SubsetRandomSampler(idx, generator=ember.Generator().manual_seed(1))
    assert len(es) == len(tud.SubsetRandomSampler(idx)) == 4
    assert sorted(es) == sorted(tud.SubsetRandomSampler(idx))


def test_weighted_random_sampler():
    g = ember.Generator().manual_seed(2)
    w = [0.0, 1.0, 3.0, 0.0, 2.0]
    draws = list(eud.WeightedRandomSampler(w, 3000, generator=g))
    assert len(draws) == 3000
    counts = np.bincount(draws, minlength=5)
    assert counts[0] == counts[3] == 0
    np.testing.assert_allclose(counts[[1, 2, 4]] / 3000, [1 / 6, 3 / 6, 2 / 6], atol=0.04)
    no_repl = list(eud.WeightedRandomSampler(w, 3, replacement=False, generator=g))
    assert sorted(no_repl) == [1, 2, 4]
    # zero-weight items come only after all the others, as in torch
    all_five = list(eud.WeightedRandomSampler(w, 5, replacement=False, generator=g))
    assert sorted(all_five[:3]) == [1, 2, 4] and sorted(all_five[3:]) == [0, 3]
    assert len(eud.WeightedRandomSampler(ember.tensor([1.0, 2.0]), 4)) == 4


@pytest.mark.parametrize("args", [
    ([[1.0, 2.0]], 2), ([1.0], 0), ([1.0], True), ([1.0], 1, 1),
])
def test_weighted_random_sampler_init_errors_match_torch(args):
    _raises_like_torch(lambda: eud.WeightedRandomSampler(*args), lambda: tud.WeightedRandomSampler(*args))


@pytest.mark.parametrize("args", [
    ([-1.0, 2.0], 2, True), ([0.0, 0.0], 2, True), ([1.0, 2.0], 5, False), ([float("nan"), 1.0], 1, True),
])
def test_weighted_random_sampler_iter_errors_match_torch(args):
    _raises_like_torch(lambda: list(eud.WeightedRandomSampler(*args)),
                       lambda: list(tud.WeightedRandomSampler(*args)))


@pytest.mark.parametrize("n", [0, 1, 9, 10])
@pytest.mark.parametrize("batch_size", [1, 3, 10, 12])
@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_matches_torch(n, batch_size, drop_last):
    es = eud.BatchSampler(eud.SequentialSampler(range(n)), batch_size, drop_last)
    ts = tud.BatchSampler(tud.SequentialSampler(range(n)), batch_size, drop_last)
    assert list(es) == list(ts)
    assert len(es) == len(ts)
    # any iterable works as the sampler
    assert list(eud.BatchSampler(list(range(n))[::-1], batch_size, drop_last)) == \
        list(tud.BatchSampler(list(range(n))[::-1], batch_size, drop_last))


@pytest.mark.parametrize("args", [(0, False), (True, False), (2.0, False), (2, 1)])
def test_batch_sampler_errors_match_torch(args):
    _raises_like_torch(lambda: eud.BatchSampler(range(4), *args), lambda: tud.BatchSampler(range(4), *args))


@pytest.mark.parametrize("n", [1, 7, 10, 12])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_unshuffled_matches_torch(n, replicas, drop_last):
    for rank in range(replicas):
        es = eud.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        ts = tud.DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        assert list(es) == list(ts)
        assert len(es) == len(ts)
        assert es.total_size == ts.total_size


def test_distributed_sampler_shuffled_partition_and_epochs():
    n, replicas = 10, 2
    shards = [list(eud.DistributedSampler(range(n), num_replicas=replicas, rank=r, seed=4)) for r in range(replicas)]
    assert sorted(shards[0] + shards[1]) == list(range(n))
    again = list(eud.DistributedSampler(range(n), num_replicas=replicas, rank=0, seed=4))
    assert again == shards[0]
    s = eud.DistributedSampler(range(n), num_replicas=replicas, rank=0, seed=4)
    s.set_epoch(1)
    s2 = eud.DistributedSampler(range(n), num_replicas=replicas, rank=1, seed=4)
    s2.set_epoch(1)
    epoch1 = list(s)
    assert sorted(epoch1 + list(s2)) == list(range(n))
    whole = eud.DistributedSampler(range(50), num_replicas=1, rank=0, seed=4)
    e0 = list(whole)
    whole.set_epoch(1)
    e1 = list(whole)
    assert e0 != e1 and sorted(e0) == sorted(e1) == list(range(50))


def test_distributed_sampler_errors():
    _raises_like_torch(lambda: eud.DistributedSampler(range(4), num_replicas=2, rank=2),
                       lambda: tud.DistributedSampler(range(4), num_replicas=2, rank=2))
    _raises_like_torch(lambda: eud.DistributedSampler(range(4), num_replicas=2, rank=-1),
                       lambda: tud.DistributedSampler(range(4), num_replicas=2, rank=-1))
    with pytest.raises(ValueError, match="num_replicas= and rank="):
        eud.DistributedSampler(range(4))


def test_sampler_base_warns_on_data_source():
    with pytest.warns(UserWarning, match="data_source"):
        eud.Sampler(range(3))
    with pytest.raises(NotImplementedError):
        iter(eud.Sampler())


def test_worker_info_is_none_in_main_process():
    assert eud.get_worker_info() is None
    info = eud.WorkerInfo(id=1, num_workers=2, seed=5, dataset=None)
    assert repr(info) == "WorkerInfo(id=1, num_workers=2, seed=5, dataset=None)"
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo objects"):
        info.id = 3


def test_named_tuples_survive_concat_and_subset():
    P = collections.namedtuple("P", "a b")
    ds = eud.ConcatDataset([[P(1, 2)], [P(3, 4)]])
    assert eud.Subset(ds, [1])[0] == P(3, 4)
