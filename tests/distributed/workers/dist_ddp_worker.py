"""Run under mpiexec -n 2: DistributedDataParallel training ends with the same parameters as one
process training on the combined batches (float64), incl. a step under no_sync; the
gradient_as_bucket_view and find_unused_parameters variants; buffer broadcast; and the error
for unused parameters without find_unused_parameters. Prints ``RANK r DDP OK k``."""
import sys
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist
import ember.nn as nn
import ember.nn.functional as F
from ember.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo", timeout=timedelta(seconds=60))
R, N = dist.get_rank(), dist.get_world_size()
OK = [0]


class Net(nn.Module):
    def __init__(self, extra=False):
        super().__init__()
        self.fc1 = nn.Linear(5, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 3)
        self.extra = nn.Linear(3, 3) if extra else None
        self.register_buffer("scale", ember.ones(1))

    def forward(self, x, use_extra=False):
        h = ember.tanh(self.fc1(x))
        h = ember.relu(self.fc2(h))
        out = self.fc3(h) * self.scale
        if use_extra:
            out = self.extra(out)
        return out


def train(extra=False, **ddp_kw):
    ember.manual_seed(100 + R)  # different initial weights on each rank: DDP broadcasts rank 0's
    model = Net(extra).double()
    model.scale.fill_(1.0 + R)  # a buffer that differs per rank: broadcast at every forward
    ddp = DDP(model, bucket_cap_mb=0.002, **ddp_kw)  # several buckets
    assert len(ddp._buckets) > 1
    ref = Net(extra).double()
    ref.load_state_dict(model.state_dict())
    opt = ember.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
    ropt = ember.optim.SGD(ref.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(7)
    B = 6  # per rank
    for step in range(5):
        X = ember.from_numpy(rng.standard_normal((N * B, 5)))
        Y = ember.from_numpy(rng.standard_normal((N * B, 3)))
        xs, ys = X[R * B:(R + 1) * B], Y[R * B:(R + 1) * B]
        # with extra: step 0 all ranks use `extra`, step 1 only rank 0, step 3 only rank 1,
        # steps 2 and 4 nobody (its grad must stay None then, as in torch)
        def uses(k):
            return extra and (step == 0 or (step, k) in ((1, 0), (3, 1)))
        use_extra = uses(R)
        opt.zero_grad()
        if step == 2:  # gradient accumulation: half a batch under no_sync, half synchronised
            with ddp.no_sync():
                F.mse_loss(ddp(xs[:B // 2], use_extra), ys[:B // 2]).backward()
            F.mse_loss(ddp(xs[B // 2:], use_extra), ys[B // 2:]).backward()
        else:
            F.mse_loss(ddp(xs, use_extra), ys).backward()
        opt.step()
        # the reference: one process, the combined batch, the same averaging
        ropt.zero_grad()
        halves = [(0, B // 2), (B // 2, B)] if step == 2 else [(0, B)]
        for a, b in halves:
            loss = sum(F.mse_loss(ref(X[k * B + a:k * B + b], uses(k)), Y[k * B + a:k * B + b])
                       for k in range(N)) / N
            loss.backward()
        ropt.step()
    for (name, p), q in zip(model.named_parameters(), ref.parameters()):
        if p.grad is None or q.grad is None:
            assert (p.grad is None) == (q.grad is None), name
        err = float((p - q).abs().max())
        assert err < 1e-10, f"rank {R}: {name} differs from the single-process run by {err}"
    # every rank ends with identical parameters
    flat = ember.cat([p.detach().reshape(-1) for p in model.parameters()])
    allp = [ember.zeros_like(flat) for _ in range(N)]
    dist.all_gather(allp, flat)
    assert all(bool((a == allp[0]).all()) for a in allp)
    assert float(model.scale) == 1.0  # rank 0's buffer
    OK[0] += 1
    return ddp


ddp = train()
keys = list(ddp.state_dict())
assert keys == ["module." + k for k in ddp.module.state_dict()], keys
assert keys[:3] == ["module.scale", "module.fc1.weight", "module.fc1.bias"], keys  # torch's order
assert ddp.module.fc1 is ddp.module.fc1 and isinstance(ddp.module, nn.Module)
OK[0] += 1
ddp = train(gradient_as_bucket_view=True)
b = ddp._buckets[0]
p = b.params[0][1]
assert np.shares_memory(p.grad._data, b.buffer), "grad must be a view into its bucket"
OK[0] += 1
ddp = train(extra=True, find_unused_parameters=True)
OK[0] += 1

# an unused parameter without find_unused_parameters: torch's error at the next forward
ember.manual_seed(0)
m = DDP(Net(extra=True).double())
x = ember.randn(4, 5, dtype=ember.float64)
m(x).sum().backward()
try:
    m(x)
    raise AssertionError("expected the unfinished-reduction error")
except RuntimeError as e:
    assert "Expected to have finished reduction in the prior iteration" in str(e), e
    assert "find_unused_parameters=True" in str(e)
OK[0] += 1

# a module without trainable parameters is refused, as torch does
try:
    DDP(nn.ReLU())
    raise AssertionError("expected an error")
except RuntimeError as e:
    assert "doesn't have any parameter that requires a gradient" in str(e)
OK[0] += 1
dist.barrier()
dist.destroy_process_group()
print(f"RANK {R} DDP OK {OK[0]}", flush=True)
sys.exit(0)
