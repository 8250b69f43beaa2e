#!/usr/bin/env bash
# Install MPI for ember.distributed and check that two ranks can talk.
#
#   bash scripts/install_mpi.sh            # pip only: mpi4py + the MPICH runtime wheel (mpiexec)
#   bash scripts/install_mpi.sh --apt      # Debian/Ubuntu: Open MPI from apt, then mpi4py
#
# The pip route is what `pip install "ember[distributed]"` (and the `test` extra) does; the apt
# route is for platforms without an `mpich` wheel. Running as root under Open MPI needs
# OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 (set below for the check).
set -euo pipefail
PY=${PYTHON:-python}
if [[ "${1:-}" == "--apt" ]]; then
    apt-get update
    apt-get install -y openmpi-bin libopenmpi-dev
    "$PY" -m pip install mpi4py
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
else
    "$PY" -m pip install mpi4py mpich
fi
MPIEXEC=$("$PY" -c "from ember.distributed.run import find_mpiexec; print(find_mpiexec() or '')" 2>/dev/null \
          || command -v mpiexec || true)
if [[ -z "$MPIEXEC" ]]; then echo "no mpiexec found" >&2; exit 1; fi
EXTRA=()
if "$MPIEXEC" --version 2>&1 | grep -q "Open MPI"; then EXTRA=(--oversubscribe --allow-run-as-root); fi
"$MPIEXEC" "${EXTRA[@]}" -n 2 "$PY" -c "
from mpi4py import MPI
import numpy as np
a = np.ones(4) * (MPI.COMM_WORLD.Get_rank() + 1)
MPI.COMM_WORLD.Allreduce(MPI.IN_PLACE, a)
assert a[0] == 3.0, a
print('MPI works on rank', MPI.COMM_WORLD.Get_rank())
"
