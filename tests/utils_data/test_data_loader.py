"""DataLoader in the main process (num_workers=0) against torch.utils.data.DataLoader."""

import collections
import warnings

import numpy as np
import pytest

import ember
import ember.utils.data as eud

import torch
import torch.utils.data as tud

from utils_data_helpers import assert_same

Sample = collections.namedtuple("Sample", ["image", "label"])
_rng = np.random.default_rng(7)
IMAGES = _rng.standard_normal((13, 2, 3)).astype(np.float32)
LABELS = _rng.integers(0, 10, size=13)


def make_dataset(kind, lib):
    """The same data as a map-style dataset of `lib` (ember or torch), in several sample shapes."""
    base = lib.utils.data.Dataset

    class DS(base):
        def __len__(self):
            return len(IMAGES)

        def __getitem__(self, i):
            if kind == "tuple_np":
                return IMAGES[i], int(LABELS[i])
            if kind == "tensor_pair":
                return lib.from_numpy(IMAGES[i].copy()), lib.tensor(int(LABELS[i]))
            if kind == "dict":
                return {"x": IMAGES[i], "y": float(LABELS[i]), "name": f"s{i}", "flag": bool(LABELS[i] % 2)}
            if kind == "namedtuple":
                return Sample(lib.from_numpy(IMAGES[i].copy()), np.int64(LABELS[i]))
            raise AssertionError(kind)

    return DS()


@pytest.mark.parametrize("kind", ["tuple_np", "tensor_pair", "dict", "namedtuple"])
@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (4, False), (4, True), (13, True), (20, False)])
def test_sequential_batches_equal_torch(kind, batch_size, drop_last):
    e_batches = list(eud.DataLoader(make_dataset(kind, ember), batch_size=batch_size, drop_last=drop_last))
    t_batches = list(tud.DataLoader(make_dataset(kind, torch), batch_size=batch_size, drop_last=drop_last))
    assert len(e_batches) == len(t_batches)
    for e, t in zip(e_batches, t_batches):
        assert_same(e, t)


@pytest.mark.parametrize("kind", ["tuple_np", "dict"])
def test_batch_size_none_converts_like_torch(kind):
    e_items = list(eud.DataLoader(make_dataset(kind, ember), batch_size=None))
    t_items = list(tud.DataLoader(make_dataset(kind, torch), batch_size=None))
    assert len(e_items) == len(t_items) == 13
    for e, t in zip(e_items, t_items):
        assert_same(e, t)


def test_tensor_dataset_loader_equals_torch():
    x, y = IMAGES.reshape(13, -1), LABELS
    eds = eud.TensorDataset(ember.from_numpy(x.copy()), ember.from_numpy(y.copy()))
    tds = tud.TensorDataset(torch.from_numpy(x.copy()), torch.from_numpy(y.copy()))
    for e, t in zip(eud.DataLoader(eds, batch_size=5), tud.DataLoader(tds, batch_size=5)):
        assert_same(e, t)


@pytest.mark.parametrize("n", [0, 1, 5, 10, 17])
@pytest.mark.parametrize("batch_size", [1, 3, 4, 10, 20])
@pytest.mark.parametrize("drop_last", [False, True])
def test_len_matches_torch(n, batch_size, drop_last):
    data = list(range(n))
    e = eud.DataLoader(data, batch_size=batch_size, drop_last=drop_last)
    t = tud.DataLoader(data, batch_size=batch_size, drop_last=drop_last)
    assert len(e) == len(t)
    assert len(list(e)) == len(t)


@pytest.mark.parametrize("batch_size, drop_last", [(None, False), (1, False), (3, False), (3, True)])
def test_iterable_dataset_len_and_batches_match_torch(batch_size, drop_last):
    def make(lib):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(10))

            def __len__(self):
                return 10

        return Stream()

    e = eud.DataLoader(make(ember), batch_size=batch_size, drop_last=drop_last)
    t = tud.DataLoader(make(torch), batch_size=batch_size, drop_last=drop_last)
    assert len(e) == len(t)
    e_batches, t_batches = list(e), list(t)
    assert len(e_batches) == len(t_batches)
    for a, b in zip(e_batches, t_batches):
        assert_same(a, b)


def test_iterable_dataset_longer_than_len_warns():
    class Liar(eud.IterableDataset):
        def __iter__(self):
            return iter(range(4))

        def __len__(self):
            return 2

    loader = eud.DataLoader(Liar(), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        assert [int(v) for v in loader] == [0, 1, 2, 3]


def test_custom_sampler_and_batch_sampler_match_torch():
    data = list(range(10))
    order = [9, 0, 8, 1, 7, 2]
    for a, b in zip(eud.DataLoader(data, batch_size=4, sampler=order), tud.DataLoader(data, batch_size=4, sampler=order)):
        assert_same(a, b)
    batches = [[1, 2], [9], [3, 4, 5]]
    for a, b in zip(eud.DataLoader(data, batch_sampler=batches), tud.DataLoader(data, batch_sampler=batches)):
        assert_same(a, b)
    assert len(eud.DataLoader(data, batch_sampler=batches)) == 3


def test_custom_collate_fn_and_getitems():
    class Batched(eud.Dataset):
        def __init__(self):
            self.calls = []

        def __len__(self):
            return 6

        def __getitem__(self, i):
            raise AssertionError("__getitems__ should be used")

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [i * 10 for i in indices]

    ds = Batched()
    out = list(eud.DataLoader(ds, batch_size=4, collate_fn=lambda b: sum(b)))
    assert out == [60, 90]
    assert ds.calls == [[0, 1, 2, 3], [4, 5]]


def test_shuffle_is_reproducible_with_manual_seed():
    data = list(range(30))

    def epoch(seed=None):
        if seed is not None:
            ember.manual_seed(seed)
        return [b.tolist() for b in eud.DataLoader(data, batch_size=7, shuffle=True)]

    first = epoch(123)
    assert first == epoch(123)
    assert sorted(v for b in first for v in b) == data
    ember.manual_seed(123)
    e1, e2 = epoch(), epoch()
    assert e1 == first and e2 != e1  # epochs differ, sequence reproducible
    g1, g2 = ember.Generator().manual_seed(9), ember.Generator().manual_seed(9)
    assert [b.tolist() for b in eud.DataLoader(data, batch_size=7, shuffle=True, generator=g1)] == \
        [b.tolist() for b in eud.DataLoader(data, batch_size=7, shuffle=True, generator=g2)]


def test_loader_attributes_like_torch():
    data = list(range(10))
    e, t = eud.DataLoader(data, batch_size=3), tud.DataLoader(data, batch_size=3)
    assert isinstance(e.sampler, eud.SequentialSampler)
    assert isinstance(e.batch_sampler, eud.BatchSampler)
    assert e.collate_fn is eud.default_collate
    assert (e.batch_size, e.drop_last, e.num_workers, e.prefetch_factor, e.timeout) == \
        (t.batch_size, t.drop_last, t.num_workers, t.prefetch_factor, t.timeout)
    assert isinstance(eud.DataLoader(data, shuffle=True).sampler, eud.RandomSampler)
    assert eud.DataLoader(data, batch_size=None).collate_fn is eud.default_convert
    assert eud.DataLoader(data, num_workers=1).prefetch_factor == 2


_CONFLICTS = [
    dict(batch_sampler=[[0]], batch_size=2),
    dict(batch_sampler=[[0]], shuffle=True),
    dict(batch_sampler=[[0]], sampler=[0]),
    dict(batch_sampler=[[0]], drop_last=True),
    dict(sampler=[0], shuffle=True),
    dict(batch_size=None, drop_last=True),
    dict(num_workers=-1),
    dict(timeout=-1),
    dict(prefetch_factor=2),
    dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True),
    dict(multiprocessing_context="spawn"),
    dict(num_workers=1, multiprocessing_context="no-such-method"),
    dict(num_workers=1, multiprocessing_context=3),
]


@pytest.mark.parametrize("kwargs", _CONFLICTS, ids=[",".join(c) for c in _CONFLICTS])
def test_argument_errors_match_torch(kwargs):
    data = list(range(4))
    with pytest.raises(Exception) as t:
        tud.DataLoader(data, **kwargs)
    with pytest.raises(t.type) as e:
        eud.DataLoader(data, **kwargs)
    assert str(e.value) == str(t.value)


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_dataset_rejects_samplers_like_torch(kwargs):
    def make(lib):
        class Stream(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(3))
        return Stream()

    with pytest.raises(ValueError) as t:
        tud.DataLoader(make(torch), **kwargs)
    with pytest.raises(ValueError) as e:
        eud.DataLoader(make(ember), **kwargs)
    assert str(e.value).split(" but got")[0] == str(t.value).split(" but got")[0]


def test_attributes_frozen_after_init_like_torch():
    for lib in (eud, tud):
        loader = lib.DataLoader(list(range(4)))
        with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
            loader.batch_size = 2
        loader.num_workers = 0  # not frozen


def test_pin_memory_on_cpu_warns_and_is_a_noop():
    data = list(range(5))
    loader = eud.DataLoader(data, batch_size=2, pin_memory=True)
    from ember.utils.data._utils.pin_memory import _accelerator_available
    if _accelerator_available():
        batches = [b.tolist() for b in loader]
    else:
        with pytest.warns(UserWarning, match="no accelerator is found"):
            batches = [b.tolist() for b in loader]
    assert batches == [[0, 1], [2, 3], [4]]


def test_pin_hook_walks_structures():
    from ember.utils.data._utils.pin_memory import _pin

    class Pinnable:
        pinned = False

        def pin_memory(self):
            out = Pinnable()
            out.pinned = True
            return out

    P = collections.namedtuple("P", "a b")
    out = _pin({"a": [Pinnable(), "s"], "b": (Pinnable(), 1), "c": P(Pinnable(), 2.0)})
    assert out["a"][0].pinned and out["a"][1] == "s"
    assert isinstance(out["b"], list) and out["b"][0].pinned
    assert isinstance(out["c"], P) and out["c"].a.pinned


def test_too_many_workers_warns(monkeypatch):
    import ember.utils.data.dataloader as dl
    monkeypatch.setattr(dl, "_cpu_count", lambda: 1)
    with pytest.warns(UserWarning, match="This DataLoader will create 3 worker processes in total"):
        eud.DataLoader(list(range(4)), num_workers=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eud.DataLoader(list(range(4)), num_workers=1)
