"""``ember.distributed``: torch.distributed on MPI (CPU tensors) and NCCL (CUDA tensors).

Keep your torch.distributed code; launch it with ``mpirun -n N python train.py`` (or ``srun``,
or ``python -m ember.distributed.run --nproc-per-node N train.py``, which takes torchrun's
flags). ``backend="gloo"`` runs on MPI. See ``docs/distributed.md``.

Example::

    import ember as torch
    import ember.distributed as dist

    dist.init_process_group("gloo")
    t = torch.ones(3) * dist.get_rank()
    dist.all_reduce(t, op=dist.ReduceOp.SUM)     # in place: every rank holds the sum
    dist.destroy_process_group()
"""
from .distributed_c10d import *  # noqa: F401,F403
from .distributed_c10d import __all__ as _c10d_all
from .distributed_c10d import RedOpType  # noqa: F401

__all__ = list(_c10d_all)
