"""``ember.nn.parallel``: :class:`DistributedDataParallel` (data-parallel training over
``ember.distributed``) and :class:`DataParallel` (a single-device pass-through), as
``torch.nn.parallel``.

Example::

    >>> from ember.nn.parallel import DataParallel
    >>> DataParallel(ember.nn.Linear(2, 2))(ember.ones(1, 2)).shape
    torch.Size([1, 2])
"""
from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
