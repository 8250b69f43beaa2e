"""DistributedDataParallel: 2-rank training equals one process on the combined batches; the
state_dict naming and a training run agree with torch's DDP."""
import os
import textwrap

import ember  # noqa: F401
from dist_helpers import lines


def test_dist_ddp_matches_single_process_training(mpi):
    p = mpi.run(2, "dist_ddp_worker.py", timeout=90)
    assert p.returncode == 0, p.stdout + p.stderr
    ok = lines(p.stdout, "RANK ")
    assert sorted(ok) == ["RANK 0 DDP OK 8", "RANK 1 DDP OK 8"], p.stdout + p.stderr


TORCH_VS_EMBER = textwrap.dedent('''
    import json, sys, tempfile, os
    import numpy as np
    which = sys.argv[1]
    if which == "torch":
        import torch, torch.distributed as dist, torch.nn as nn
        from torch.nn.parallel import DistributedDataParallel as DDP
        store = dist.FileStore(os.path.join(tempfile.mkdtemp(), "store"), 1)
        dist.init_process_group("gloo", store=store, rank=0, world_size=1)
    else:
        import ember as torch, ember.distributed as dist, ember.nn as nn
        from ember.nn.parallel import DistributedDataParallel as DDP
        dist.init_process_group("gloo")
    net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(),
                        nn.Sequential(nn.Linear(8, 2))).double()
    rng = np.random.default_rng(0)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.from_numpy(rng.standard_normal(tuple(p.shape))))
    model = DDP(net)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        x = torch.from_numpy(rng.standard_normal((16, 4)))
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
    print(json.dumps({"keys": list(model.state_dict()),
                      "params": [p.detach().numpy().ravel().tolist() for p in model.parameters()]}))
    dist.destroy_process_group()
''')


def test_dist_ddp_state_dict_and_steps_match_torch_ddp(mpi, tmp_path):
    import json
    import numpy as np
    script = tmp_path / "ddp_vs_torch.py"
    script.write_text(TORCH_VS_EMBER)
    out = {}
    for which in ("torch", "ember"):
        p = mpi.python(script, which, timeout=120, cwd=str(tmp_path))
        assert p.returncode == 0, p.stdout + p.stderr
        out[which] = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["ember"]["keys"] == out["torch"]["keys"]
    assert out["ember"]["keys"][0] == "module.0.weight"
    for a, b in zip(out["ember"]["params"], out["torch"]["params"]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert not os.environ.get("RANK")  # the test process itself was never a rank
