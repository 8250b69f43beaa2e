"""Helpers for the ember.distributed tests: run a worker script under ``mpiexec -n N`` (from
the ``mpich`` wheel, Open MPI or PATH) in a subprocess with a bounded timeout. Every test that
needs MPI skips, with the reason, when mpi4py or an MPI launcher is missing."""
import importlib.util
import os
import subprocess
import sys

import pytest

from ember.distributed import run as _run

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS = os.path.join(HERE, "workers")
ROOT = os.path.dirname(os.path.dirname(HERE))


def _env():
    env = dict(os.environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + parts)
    env["PYTHONUNBUFFERED"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "EMBER_TORCH_ALIAS"):
        env.pop(k, None)
    return env


class MPI:
    def __init__(self, mpiexec):
        self.mpiexec = mpiexec
        self.flavor = _run._flavor(mpiexec)

    def prefix(self, n):
        cmd = [self.mpiexec]
        if self.flavor == "openmpi":
            cmd += ["--oversubscribe"]
            if os.geteuid() == 0:
                cmd += ["--allow-run-as-root"]
        return cmd + ["-n", str(n)]

    def run(self, n, worker, *args, timeout=60):
        """Run tests/distributed/workers/<worker> on n ranks; returns CompletedProcess."""
        env = _env()
        if self.flavor == "openmpi":
            env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        cmd = self.prefix(n) + [sys.executable, os.path.join(WORKERS, worker), *map(str, args)]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=ROOT)

    @staticmethod
    def python(*args, timeout=60, cwd=None):
        """Run ``python *args`` (the launcher, a single-process script) with the test env."""
        return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env=_env(), cwd=cwd or ROOT)


@pytest.fixture(scope="session")
def mpi():
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("mpi4py is not installed (pip install \"ember[distributed]\")")
    mpiexec = _run.find_mpiexec()
    if mpiexec is None:
        pytest.skip("no MPI launcher (mpiexec/mpirun) found (pip install \"ember[distributed]\")")
    return MPI(mpiexec)


def lines(out, tag):
    """Every record of ``out`` that starts with ``tag``, up to the end of its line or the next
    record (mpiexec may join the ranks' lines: "RANK 1 ...RANK 0 ...")."""
    import re
    return [m.group(0) for m in re.finditer(re.escape(tag) + r".*?(?=" + re.escape(tag) +
                                            r"|\n|$)", out)]
