"""Datasets: the map-style ``Dataset`` and stream-style ``IterableDataset`` protocols, plus the
ready-made wrappers (``TensorDataset``, ``StackDataset``, ``ConcatDataset``, ``ChainDataset``,
``Subset``) and ``random_split``."""

import bisect
import itertools
import math
import warnings
from typing import Generic, Iterable, TypeVar

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "StackDataset", "ConcatDataset",
           "ChainDataset", "Subset", "random_split"]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    r"""An abstract map-style dataset: a collection indexed by keys (usually ``0 .. len-1``).

    Subclasses implement ``__getitem__`` (sample for a key) and usually ``__len__`` (used by
    the default samplers and ``len(DataLoader)``). They may also implement
    ``__getitems__(indices)`` to fetch a whole batch at once; the DataLoader then calls it
    with the list of indices of each batch.

    ``dataset_a + dataset_b`` concatenates (a :class:`ConcatDataset`).

    Example:
        >>> import ember
        >>> from ember.utils.data import Dataset
        >>> class Squares(Dataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __len__(self):
        ...         return self.n
        ...     def __getitem__(self, i):
        ...         return ember.tensor(float(i)), i * i
        >>> ds = Squares(4)
        >>> len(ds), ds[3][1]
        (4, 9)
        >>> len(ds + Squares(2))
        6
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])

    # No default __len__: `len(dataset)` of a dataset without one raises TypeError, as in torch.


class IterableDataset(Dataset[T_co], Iterable[T_co]):
    r"""An abstract dataset that is a stream of samples: subclasses implement ``__iter__``.

    Useful when random reads are expensive or the data arrives as a stream. With
    ``num_workers > 0`` every worker gets its own copy of the dataset and iterates it in full
    unless ``__iter__`` splits the work using :func:`get_worker_info` (or a ``worker_init_fn``
    adjusts the copy). ``stream_a + stream_b`` chains them (a :class:`ChainDataset`).

    Example:
        >>> import math
        >>> from ember.utils.data import IterableDataset, DataLoader, get_worker_info
        >>> class Range(IterableDataset):
        ...     def __init__(self, start, end):
        ...         self.start, self.end = start, end
        ...     def __iter__(self):
        ...         info = get_worker_info()
        ...         if info is None:
        ...             lo, hi = self.start, self.end
        ...         else:  # split the range between the workers
        ...             per = math.ceil((self.end - self.start) / info.num_workers)
        ...             lo = self.start + info.id * per
        ...             hi = min(lo + per, self.end)
        ...         return iter(range(lo, hi))
        >>> [b.tolist() for b in DataLoader(Range(0, 5), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    r"""Dataset wrapping tensors: sample ``i`` is ``tuple(t[i] for t in tensors)``.

    Args:
        *tensors (Tensor): tensors with the same size of the first dimension.

    Example:
        >>> import ember
        >>> from ember.utils.data import TensorDataset
        >>> ds = TensorDataset(ember.arange(6).reshape(3, 2), ember.tensor([0, 1, 0]))
        >>> len(ds)
        3
        >>> ds[1]
        (tensor([2, 3]), tensor(1))
    """

    def __init__(self, *tensors):
        if len(tensors) == 0:
            raise ValueError("TensorDataset needs at least one tensor, e.g. TensorDataset(x, y)")
        assert all(tensors[0].size(0) == tensor.size(0) for tensor in tensors), "Size mismatch between tensors"
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)


class StackDataset(Dataset):
    r"""Several datasets of equal length side by side.

    Positional datasets give tuple samples, keyword datasets give dict samples.

    Args:
        *args (Dataset): datasets, sample ``i`` is ``tuple(d[i] for d in args)``.
        **kwargs (Dataset): datasets, sample ``i`` is ``{k: d[i] for k, d in kwargs.items()}``.

    Example:
        >>> from ember.utils.data import StackDataset
        >>> images, texts = [10, 11, 12], ['a', 'b', 'c']
        >>> StackDataset(images, texts)[1]
        (11, 'b')
        >>> StackDataset(image=images, text=texts)[2]
        {'image': 12, 'text': 'c'}
    """

    def __init__(self, *args, **kwargs):
        if args:
            if kwargs:
                raise ValueError(
                    "Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                    "input/output, but both types are given."
                )
            self._length = len(args[0])
            if any(self._length != len(dataset) for dataset in args):
                raise ValueError("Size mismatch between datasets")
            self.datasets = args
        elif kwargs:
            tmp = list(kwargs.values())
            self._length = len(tmp[0])
            if any(self._length != len(dataset) for dataset in tmp):
                raise ValueError("Size mismatch between datasets")
            self.datasets = kwargs
        else:
            raise ValueError("At least one dataset should be passed")

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: dataset[index] for k, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __getitems__(self, indices):
        # fetch a whole batch per dataset, through its own __getitems__ when it has one
        datasets = self.datasets.items() if isinstance(self.datasets, dict) else enumerate(self.datasets)
        columns = {}
        for key, dataset in datasets:
            getitems = getattr(dataset, "__getitems__", None)
            if callable(getitems):
                items = getitems(indices)
                if len(items) != len(indices):
                    raise ValueError(
                        "Nested dataset's output size mismatch. "
                        f"Expected {len(indices)}, got {len(items)}"
                    )
            else:
                items = [dataset[idx] for idx in indices]
            columns[key] = items
        if isinstance(self.datasets, dict):
            return [{k: columns[k][i] for k in columns} for i in range(len(indices))]
        return [tuple(columns[k][i] for k in columns) for i in range(len(indices))]

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    r"""Concatenation of map-style datasets: index ``i`` runs through them one after another.

    Negative indices count from the end of the whole concatenation.

    Args:
        datasets (iterable of Dataset): the datasets, in order.

    Attributes:
        cumulative_sizes (list of int): running totals of the lengths.

    Example:
        >>> from ember.utils.data import ConcatDataset
        >>> ds = ConcatDataset([[0, 1, 2], [10, 11]])
        >>> len(ds), ds[3], ds[-1], ds.cumulative_sizes
        (5, 10, 11, [3, 5])
    """

    @staticmethod
    def cumsum(sequence):
        r, s = [], 0
        for e in sequence:
            s += len(e)
            r.append(s)
        return r

    def __init__(self, datasets):
        self.datasets = list(datasets)
        assert len(self.datasets) > 0, "datasets should not be an empty iterable"
        for d in self.datasets:
            assert not isinstance(d, IterableDataset), "ConcatDataset does not support IterableDataset"
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        if dataset_idx == len(self.datasets):
            raise IndexError(f"index {idx} is out of range for ConcatDataset of length {len(self)}")
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    r"""Chains iterable-style datasets: iterates the first, then the second, and so on.

    Args:
        datasets (iterable of IterableDataset): the datasets to chain.

    Example:
        >>> from ember.utils.data import IterableDataset, ChainDataset
        >>> class Count(IterableDataset):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n))
        ...     def __len__(self):
        ...         return self.n
        >>> list(ChainDataset([Count(2), Count(3)])), len(Count(2) + Count(3))
        ([0, 1, 0, 1, 2], 5)
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            assert isinstance(d, IterableDataset), "ChainDataset only supports IterableDataset"
            total += len(d)
        return total


class Subset(Dataset):
    r"""The part of a dataset at the given indices.

    Args:
        dataset (Dataset): the whole dataset.
        indices (sequence of int): the indices to keep, in order.

    Example:
        >>> from ember.utils.data import Subset
        >>> sub = Subset(['a', 'b', 'c', 'd'], [3, 1])
        >>> len(sub), sub[0], sub[1]
        (2, 'd', 'b')
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        # forward batched reads to the wrapped dataset when it supports them
        getitems = getattr(self.dataset, "__getitems__", None)
        if callable(getitems):
            return getitems([self.indices[idx] for idx in indices])
        return [self.dataset[self.indices[idx]] for idx in indices]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    r"""Randomly split a dataset into non-overlapping :class:`Subset`\ s.

    ``lengths`` are either absolute lengths that sum to ``len(dataset)``, or fractions that sum
    to 1: each split then gets ``floor(frac * len(dataset))`` items and the remainder is dealt
    out one by one, round-robin, starting with the first split (torch's rule).

    Args:
        dataset (Dataset): the dataset to split.
        lengths (sequence of int or float): lengths or fractions of the splits.
        generator (ember.Generator, optional): the generator for the permutation; ember's
            default generator (seeded by ``ember.manual_seed``) when omitted.

    Example:
        >>> import ember
        >>> from ember.utils.data import random_split
        >>> train, val = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(42))
        >>> len(train), len(val)
        (3, 7)
        >>> [len(s) for s in random_split(range(30), [0.3, 0.3, 0.4])]
        [9, 9, 12]
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(int(math.floor(n * frac)))
        remainder = n - sum(subset_lengths)
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.")

    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")

    from .sampler import _randperm
    indices = _randperm(sum(lengths), generator)
    return [Subset(dataset, indices[offset - length:offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
