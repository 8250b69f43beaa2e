"""Samplers: iterables of dataset indices (or of index batches) for the DataLoader.

All randomness comes from ember's generators (``ember.random``), so ``ember.manual_seed`` or an
explicit ``generator=`` makes every shuffle reproducible.
"""

import itertools
import warnings
from typing import Generic, Iterator, TypeVar

import numpy as np

import ember

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]

_T_co = TypeVar("_T_co", covariant=True)


# ----------------------------------------------------------------------------------------------
# Random helpers: the one place this package touches a random number generator.

def _rng(generator):
    """The ``numpy.random.Generator`` behind an ember generator (the default one for None)."""
    return ember.random._get(generator)._rng


def _randperm(n, generator=None):
    """A random permutation of ``range(n)`` as a list of Python ints."""
    return _rng(generator).permutation(n).tolist()


def _random_seed(generator=None):
    """A fresh non-negative 63-bit seed drawn from ``generator`` (torch: ``int64.random_()``)."""
    return int(_rng(generator).integers(0, 2 ** 63 - 1))


def _fresh_generator(generator):
    """``generator`` itself, or a new Generator seeded from the default generator.

    A sampler without an explicit generator draws one seed from ember's default generator at
    the start of each epoch, as torch does, so ``ember.manual_seed`` fixes the whole sequence
    of epochs while the epochs still differ from each other.
    """
    if generator is not None:
        return generator
    return ember.Generator().manual_seed(_random_seed())


# ----------------------------------------------------------------------------------------------

class Sampler(Generic[_T_co]):
    r"""Base class of all samplers.

    A sampler implements ``__iter__`` (yielding dataset indices, or lists of indices for a
    batch sampler) and usually ``__len__``.

    Example:
        >>> from ember.utils.data import Sampler
        >>> class EvenFirst(Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
        ...     def __len__(self):
        ...         return self.n
        >>> list(EvenFirst(5))
        [0, 2, 4, 1, 3]
    """

    def __init__(self, data_source=None):
        if data_source is not None:
            warnings.warn(
                "`data_source` argument is not used and will be removed in 2.2.0."
                "You may still have custom implementation that utilizes it."
            )

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError("Subclasses of Sampler should implement __iter__.")


class SequentialSampler(Sampler[int]):
    r"""Yields ``0, 1, ..., len(data_source) - 1`` in order.

    Args:
        data_source (Dataset): the dataset to sample from (only its length is used).

    Example:
        >>> from ember.utils.data import SequentialSampler
        >>> list(SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    r"""Yields random indices: a fresh permutation, or draws with replacement.

    Without replacement, ``num_samples`` larger than the dataset concatenates several
    permutations. With replacement, each index is drawn uniformly and independently.

    Args:
        data_source (Dataset): the dataset to sample from.
        replacement (bool): draw with replacement. Default: ``False``.
        num_samples (int, optional): how many indices to yield. Default: ``len(data_source)``.
        generator (ember.Generator, optional): source of randomness. Without one, each epoch
            draws a seed from ember's default generator (``ember.manual_seed`` reproduces it).

    Example:
        >>> import ember
        >>> from ember.utils.data import RandomSampler
        >>> g = ember.Generator().manual_seed(0)
        >>> sorted(RandomSampler(range(5), generator=g))
        [0, 1, 2, 3, 4]
        >>> len(list(RandomSampler(range(5), replacement=True, num_samples=12)))
        12
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator

        if not isinstance(self.replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self):
        # the dataset size might change at runtime
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        rng = _rng(_fresh_generator(self.generator))
        if self.replacement:
            # drawn in chunks of 32 so a partly consumed epoch does not draw everything
            for _ in range(self.num_samples // 32):
                yield from rng.integers(0, n, size=32).tolist()
            yield from rng.integers(0, n, size=self.num_samples % 32).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from rng.permutation(n).tolist()
            yield from rng.permutation(n).tolist()[: self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    r"""Yields the given indices in a random order (a new order every epoch).

    Args:
        indices (sequence): the indices to sample from.
        generator (ember.Generator, optional): source of randomness (default generator if None).

    Example:
        >>> from ember.utils.data import SubsetRandomSampler
        >>> sorted(SubsetRandomSampler([10, 20, 30]))
        [10, 20, 30]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in _randperm(len(self.indices), self.generator):
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    r"""Yields indices ``0 .. len(weights) - 1`` drawn with probabilities proportional to ``weights``.

    Args:
        weights (sequence): non-negative weights, need not sum to one.
        num_samples (int): how many indices to draw.
        replacement (bool): with replacement (default). Without replacement, an index is never
            drawn twice within an epoch.
        generator (ember.Generator, optional): source of randomness (default generator if None).

    Example:
        >>> from ember.utils.data import WeightedRandomSampler
        >>> samples = list(WeightedRandomSampler([0.1, 0.9, 0.0], 5, replacement=True))
        >>> len(samples), 2 in samples
        (5, False)
        >>> sorted(WeightedRandomSampler([0.9, 0.4, 0.05, 0.2], 4, replacement=False))
        [0, 1, 2, 3]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got replacement={replacement}")
        if isinstance(weights, ember.Tensor):
            weights = weights.detach().cpu().numpy()
        weights_tensor = ember.as_tensor(np.asarray(weights, dtype=np.float64))
        if len(weights_tensor.shape) != 1:
            raise ValueError(
                "weights should be a 1d sequence but given weights have shape "
                f"{tuple(weights_tensor.shape)}"
            )
        self.weights = weights_tensor
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        w = self.weights.numpy()
        n = w.shape[0]
        if not np.isfinite(w).all():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (w < 0).any():
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if w.sum() <= 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        if not self.replacement and self.num_samples > n:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        rng = _rng(self.generator)
        if self.replacement:
            # inverse-CDF sampling
            cdf = np.cumsum(w / w.sum())
            picks = np.searchsorted(cdf, rng.random(self.num_samples) * cdf[-1], side="right")
            picks = np.minimum(picks, n - 1)
        else:
            # exponential race: the smallest Exp(1)/w keys win; zero weights (key inf) come last
            with np.errstate(divide="ignore"):
                keys = rng.exponential(size=n) / w
            picks = np.argsort(keys, kind="stable")[: self.num_samples]
        yield from picks.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler[list]):
    r"""Groups the indices of another sampler into lists of ``batch_size``.

    Args:
        sampler (Sampler or Iterable): the index source.
        batch_size (int): the size of a batch.
        drop_last (bool): drop the last batch when it is smaller than ``batch_size``.

    Example:
        >>> from ember.utils.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        it = iter(self.sampler)
        while True:
            batch = list(itertools.islice(it, self.batch_size))
            if not batch or (self.drop_last and len(batch) < self.batch_size):
                return
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
