"""ember.distributed in one process, without starting MPI: availability, errors before
init_process_group (torch's types and texts), Backend/ReduceOp, DataParallel, docstrings."""
import doctest
import importlib

import pytest
import torch

import ember
import ember.distributed as dist
import ember.nn as nn


def test_dist_availability_and_uninitialized_state():
    assert dist.is_available() is True
    assert dist.is_initialized() is False
    assert isinstance(dist.is_mpi_available(), bool)
    assert isinstance(dist.is_nccl_available(), bool)
    assert dist.group.WORLD is None and dist.GroupMember.WORLD is None


@pytest.mark.parametrize("call", [
    lambda: dist.get_rank(), lambda: dist.get_world_size(), lambda: dist.barrier(),
    lambda: dist.all_reduce(ember.ones(1)), lambda: dist.destroy_process_group()])
def test_dist_collectives_before_init_raise_torchs_error(call):
    with pytest.raises(ValueError) as ours:
        call()
    with pytest.raises(ValueError) as theirs:
        torch.distributed.get_rank()
    assert str(ours.value) == str(theirs.value)


def test_dist_argument_type_errors_match_torch():
    with pytest.raises(TypeError, match="Expected parameter `tensor` of type torch.Tensor"):
        dist.all_reduce([1, 2])
    with pytest.raises(TypeError, match="Expected parameter `tensor` of type torch.Tensor"):
        torch.distributed.all_reduce([1, 2])


def test_dist_backend_and_reduce_op_names():
    assert dist.Backend("GLOO") == "gloo" == dist.Backend.GLOO
    assert dist.Backend("nccl") == torch.distributed.Backend("nccl")
    assert dist.Backend("mpi") == torch.distributed.Backend("mpi")
    with pytest.raises(ValueError, match="Invalid backend"):
        dist.Backend("carrier-pigeon")
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        ours, theirs = getattr(dist.ReduceOp, name), getattr(torch.distributed.ReduceOp, name)
        assert int(ours) == int(theirs), name
    assert dist.ReduceOp.SUM is dist.ReduceOp.RedOpType.SUM
    assert issubclass(dist.DistBackendError, RuntimeError)


def test_dist_data_parallel_is_a_passthrough_with_torch_keys():
    ember.manual_seed(0)
    inner = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    dp = nn.parallel.DataParallel(inner)
    tdp = torch.nn.DataParallel(torch.nn.Sequential(torch.nn.Linear(3, 4),
                                                    torch.nn.BatchNorm1d(4)))
    assert list(dp.state_dict()) == list(tdp.state_dict())
    x = ember.randn(5, 3)
    assert bool((dp(x) == inner(x)).all())
    assert dp.module is inner
    from ember.nn.parallel import DistributedDataParallel
    assert DistributedDataParallel.__module__ == "ember.nn.parallel.distributed"


def test_dist_ddp_needs_a_process_group():
    from ember.nn.parallel import DistributedDataParallel
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedDataParallel(nn.Linear(2, 2))


@pytest.mark.parametrize("name", ["ember.distributed.distributed_c10d", "ember.distributed.run",
                                  "ember.nn.parallel.data_parallel"])
def test_dist_docstring_examples_run(name):
    mod = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for t in doctest.DocTestFinder(exclude_empty=True).find(mod, name,
                                                            globs={"ember": ember}):
        n += len(t.examples)
        runner.run(t)
    assert n > 0
    assert runner.summarize(verbose=False).failed == 0
