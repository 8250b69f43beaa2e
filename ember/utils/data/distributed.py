"""``DistributedSampler``: each process of a data-parallel job reads its own slice of the data."""

import math

from .sampler import Sampler, _randperm

__all__ = ["DistributedSampler"]


def _default_world():
    """(world_size, rank) of ember.distributed's default process group, if one is initialized."""
    try:
        import ember.distributed as dist
        available = dist.is_available() and dist.is_initialized()
    except (ImportError, AttributeError):
        available = False
    if not available:
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group. (Or pass num_replicas= and rank= to DistributedSampler "
            "explicitly.)"
        )
    return dist.get_world_size(), dist.get_rank()


class DistributedSampler(Sampler):
    r"""Restricts loading to one replica's share of the dataset (for data-parallel training).

    Every replica builds the same index list (the same shuffle, from ``seed + epoch``), pads it
    with repeated indices to a multiple of ``num_replicas`` (or trims it with
    ``drop_last=True``), and keeps every ``num_replicas``-th index starting at ``rank``.
    Call :meth:`set_epoch` at the start of each epoch so the shuffle changes between epochs.

    Args:
        dataset (Dataset): the dataset to sample from.
        num_replicas (int, optional): number of processes taking part. Default: the world
            size of ``ember.distributed``'s default process group (required when none is set up).
        rank (int, optional): this process' rank in ``[0, num_replicas - 1]``. Default: the
            rank in ``ember.distributed``'s default process group.
        shuffle (bool): shuffle the indices. Default: ``True``.
        seed (int): shuffle seed, must be identical on all replicas. Default: ``0``.
        drop_last (bool): drop the tail so every replica gets the same number of samples
            without padding. Default: ``False``.

    Example:
        >>> from ember.utils.data import DistributedSampler
        >>> list(DistributedSampler(range(10), num_replicas=3, rank=0, shuffle=False))
        [0, 3, 6, 9]
        >>> list(DistributedSampler(range(10), num_replicas=3, rank=2, shuffle=False))
        [2, 5, 8, 1]
        >>> s = DistributedSampler(range(10), num_replicas=3, rank=1, drop_last=True)
        >>> s.set_epoch(1)
        >>> len(s), len(list(s))
        (3, 3)
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None or rank is None:
            world_size, world_rank = _default_world()
            num_replicas = world_size if num_replicas is None else num_replicas
            rank = world_rank if rank is None else rank
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            # the smallest share that every replica can fill without padding
            self.num_samples = math.ceil((len(self.dataset) - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        if self.shuffle:
            import ember
            g = ember.Generator().manual_seed(self.seed + self.epoch)
            indices = _randperm(len(self.dataset), g)
        else:
            indices = list(range(len(self.dataset)))

        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[: self.total_size]
        assert len(indices) == self.total_size

        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        r"""Set the epoch; with ``shuffle=True`` each epoch gets a different (but replica-wide
        identical) order.

        Args:
            epoch (int): the epoch number.

        Example:
            >>> from ember.utils.data import DistributedSampler
            >>> s = DistributedSampler(range(8), num_replicas=2, rank=0)
            >>> s.set_epoch(3)
            >>> s.epoch
            3
        """
        self.epoch = epoch
