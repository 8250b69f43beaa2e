"""Run under mpiexec -n 2 with a mode argument:

* ``hang``: rank 1 sleeps instead of joining an all_reduce; rank 0 (timeout 5 s) must raise a
  DistBackendError naming the op, its rank and the timeout, and the job must then end.
* ``exit``: rank 1 dies (os._exit) while rank 0 waits in an all_reduce; the job must end with an
  error instead of hanging.
* ``raise``: rank 1 raises an uncaught exception; the job must end with an error.
"""
import os
import sys
import time
from datetime import timedelta

import ember
import ember.distributed as dist

mode = sys.argv[1]
dist.init_process_group("gloo", timeout=timedelta(seconds=5))
R = dist.get_rank()
t = ember.ones(1000)
dist.all_reduce(t)  # everyone is up
if R == 1:
    if mode == "hang":
        time.sleep(120)
    elif mode == "exit":
        time.sleep(0.5)
        os._exit(3)
    else:
        raise ValueError("rank 1 failed on purpose")
start = time.monotonic()
try:
    dist.all_reduce(t)
except RuntimeError as e:
    print(f"RANK {R} RAISED {type(e).__name__} after {time.monotonic() - start:.1f}s: {e}",
          flush=True)
    assert isinstance(e, dist.DistBackendError)
    # the group is unusable from now on, with a clear error
    try:
        dist.barrier()
    except RuntimeError as e2:
        print(f"RANK {R} THEN {e2}", flush=True)
    raise
print(f"RANK {R} unexpectedly finished", flush=True)
