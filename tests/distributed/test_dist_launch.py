"""The torchrun-style launcher: ``python -m ember.distributed.run`` and, through the torch
alias, ``python -m ember run -m torch.distributed.run``."""
import json

import pytest

import ember  # noqa: F401
from dist_helpers import WORKERS, lines


def _ranks(stdout):
    return sorted((json.loads(ln[len("LAUNCH "):]) for ln in lines(stdout, "LAUNCH ")),
                  key=lambda d: d["rank"])


@pytest.mark.parametrize("how", ["module", "torch_alias"])
def test_dist_launcher_sets_torchrun_environment(mpi, how):
    flags = ["--nproc-per-node", "2", "--master-port", "29577"]
    if how == "module":
        cmd = ["-m", "ember.distributed.run", *flags]
    else:  # unmodified torch users: torch.distributed.run maps onto ember.distributed.run
        cmd = ["-m", "ember", "run", "-m", "torch.distributed.run", *flags]
    p = mpi.python(*cmd, f"{WORKERS}/dist_launch_worker.py", "--lr", "0.1", timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    ranks = _ranks(p.stdout)
    assert [r["rank"] for r in ranks] == [0, 1], p.stdout + p.stderr
    for r in ranks:
        env = r["env"]
        assert env["RANK"] == str(r["rank"]) and env["LOCAL_RANK"] == str(r["rank"])
        assert env["WORLD_SIZE"] == "2" and env["LOCAL_WORLD_SIZE"] == "2"
        assert env["MASTER_ADDR"] == "127.0.0.1" and env["MASTER_PORT"] == "29577"
        assert r["argv"] == ["--lr", "0.1"] and r["world"] == 2
        assert r["sum"] == [3.0, 3.0] and r["elastic"] is True
    assert ranks[0]["env"]["TORCHELASTIC_RUN_ID"] == ranks[1]["env"]["TORCHELASTIC_RUN_ID"]
    if how == "torch_alias":
        assert all(r["torch_is"] == "ember" for r in ranks)


def test_dist_launcher_parses_torchrun_flags():
    from ember.distributed.run import get_args_parser
    a = get_args_parser().parse_args(["--nproc_per_node=4", "--nnodes", "1", "--node_rank",
                                      "0", "--standalone", "--max-restarts", "0", "-m",
                                      "pkg.train", "--epochs", "3"])
    assert (a.nproc_per_node, a.nnodes, a.node_rank, a.standalone, a.module) == \
        ("4", "1", 0, True, True)
    assert a.training_script == "pkg.train" and a.training_script_args == ["--epochs", "3"]


def test_dist_launcher_refuses_multi_node_with_advice(mpi):
    p = mpi.python("-m", "ember.distributed.run", "--nnodes", "2", "--nproc-per-node", "1",
                   f"{WORKERS}/dist_launch_worker.py", timeout=60)
    assert p.returncode == 2
    assert "--nnodes > 1" in p.stderr and "srun" in p.stderr
