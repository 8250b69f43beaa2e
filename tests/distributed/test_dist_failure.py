"""A rank that hangs, dies or raises makes the job end with an error — never a silent hang."""
import re

import pytest

import ember  # noqa: F401
from dist_helpers import lines


def test_dist_hanging_rank_makes_the_others_raise_within_timeout(mpi):
    # rank 1 sleeps 120 s instead of joining; the group timeout is 5 s: the subprocess
    # timeout (60 s) would fire if the survivor hung
    p = mpi.run(2, "dist_failure_worker.py", "hang", timeout=60)
    assert p.returncode != 0
    raised = lines(p.stdout, "RANK 0 RAISED DistBackendError")
    assert raised, p.stdout + p.stderr
    assert "all_reduce timed out on rank 0 after 5 s" in raised[0]
    waited = float(re.search(r"after ([\d.]+)s:", raised[0]).group(1))
    assert waited >= 5.0  # it waited for the whole timeout, then raised
    then = lines(p.stdout, "RANK 0 THEN")
    assert then and "an earlier collective of this process group failed" in then[0]
    assert "aborting the MPI job" in p.stderr


@pytest.mark.parametrize("mode", ["exit", "raise"])
def test_dist_dead_rank_ends_the_job_with_an_error(mpi, mode):
    p = mpi.run(2, "dist_failure_worker.py", mode, timeout=60)
    assert p.returncode != 0, p.stdout + p.stderr
    assert "unexpectedly finished" not in p.stdout
    if mode == "raise":
        assert "ValueError: rank 1 failed on purpose" in p.stderr
        assert "uncaught ValueError on rank 1; aborting the MPI job" in p.stderr


def test_dist_launcher_reports_a_failed_job(mpi):
    from dist_helpers import WORKERS
    p = mpi.python("-m", "ember.distributed.run", "--nproc-per-node", "2",
                   f"{WORKERS}/dist_failure_worker.py", "exit", timeout=60)
    assert p.returncode == 3, p.stdout + p.stderr  # rank 1's exit code
    assert "ember.distributed.run: the job failed" in p.stderr
