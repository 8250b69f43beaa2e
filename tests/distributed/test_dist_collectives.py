"""Every collective for every dtype on 2 and 4 ranks (workers/dist_collectives_worker.py checks
each result against NumPy on every rank and exits non-zero on a mismatch)."""
import re

import pytest

import ember  # noqa: F401
from dist_helpers import lines


@pytest.mark.parametrize("n", [2, 4])
def test_dist_every_collective_every_dtype(mpi, n):
    p = mpi.run(n, "dist_collectives_worker.py", timeout=90)
    assert p.returncode == 0, p.stdout + p.stderr
    found = {}
    for ln in lines(p.stdout, "RANK "):
        m = re.match(r"RANK (\d+) CHECKS (\d+)", ln)
        found[int(m.group(1))] = int(m.group(2))
    assert sorted(found) == list(range(n)), p.stdout
    # 8 dtypes x (5 all_reduce ops + broadcast + reduce + ...) checks per rank at the least
    assert min(found.values()) > 8 * 15, found
