"""Started by the torchrun-style launcher: prints torchrun's environment variables, the
script's arguments and the ranks MPI gives, one line per rank."""
import json
import os
import sys

import torch  # under `python -m ember run` this is ember; otherwise the test imports ember
import torch.distributed as dist

dist.init_process_group("gloo")
t = torch.ones(2) * (dist.get_rank() + 1)
dist.all_reduce(t)
env = {k: os.environ.get(k) for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE",
                                      "MASTER_ADDR", "MASTER_PORT", "TORCHELASTIC_RUN_ID")}
print("LAUNCH " + json.dumps({"env": env, "argv": sys.argv[1:], "rank": dist.get_rank(),
                              "world": dist.get_world_size(), "sum": t.tolist(),
                              "torch_is": torch.__name__,
                              "elastic": dist.is_torchelastic_launched()}), flush=True)
dist.destroy_process_group()
