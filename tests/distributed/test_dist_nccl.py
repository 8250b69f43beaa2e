"""ember's NCCL path (ember/distributed/_nccl.py) on 2 ranks without a GPU: the CUDA stand-in
(ember.cuda._fake) provides the "cuda" tensors and tests/distributed/fake_nccl.py CuPy's
``cupy.cuda.nccl`` API over mpi4py (it checks argument types, the unique-id exchange and group
calls). workers/dist_nccl_worker.py checks every result against NumPy, and from the fake's call
log that each op went through NCCL with the expected datatype (or through MPI staging where NCCL
has no call for it)."""
import re

import ember  # noqa: F401
from dist_helpers import lines


def test_dist_nccl_path_collectives_p2p_and_ddp_on_cuda_tensors(mpi):
    p = mpi.run(2, "dist_nccl_worker.py", timeout=90)
    assert p.returncode == 0, p.stdout + p.stderr
    found = {}
    for ln in lines(p.stdout, "RANK "):
        m = re.match(r"RANK (\d+) NCCL CHECKS (\d+)", ln)
        found[int(m.group(1))] = int(m.group(2))
    assert sorted(found) == [0, 1], p.stdout + p.stderr
    assert min(found.values()) > 90, found

