"""nn.SyncBatchNorm: the single-process path against torch (it is batch norm there), the
synchronized math with a one-rank all_reduce against torch's batch norm, convert_sync_batchnorm,
and 2 ranks under mpiexec training like one process on the concatenated batch."""
import os
import sys
import textwrap

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from nn_helpers import close, to_e

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "distributed"))
from dist_helpers import lines  # noqa: E402
from dist_helpers import mpi as mpi_launcher  # noqa: E402

mpi = mpi_launcher   # the session fixture, under the name the test asks for


@pytest.mark.parametrize("shape,kw", [((6, 4), {}), ((5, 4, 3), {"momentum": None}),
                                      ((3, 4, 3, 2), {"affine": False}),
                                      ((2, 4, 2, 2, 3), {"bias": False, "eps": 1e-3}),
                                      ((4, 4, 5), {"track_running_stats": False})])
def test_syncbn_without_process_group_matches_torch(shape, kw):
    e, t = nn.SyncBatchNorm(4, **kw).double(), torch.nn.SyncBatchNorm(4, **kw).double()
    assert repr(e) == repr(t)
    if e.weight is not None:
        with ember.no_grad(), torch.no_grad():
            t.weight.uniform_(0.5, 1.5)
            e.weight.copy_(to_e(t.weight))
            if t.bias is not None:
                t.bias.uniform_(-1, 1)
                e.bias.copy_(to_e(t.bias))
    for step in range(3):
        x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
        xe = to_e(x)
        ye, yt = e(xe), t(x)
        close(ye, yt, rtol=1e-10, atol=1e-12)
        g = torch.randn(*shape, dtype=torch.float64)
        yt.backward(g)
        ye.backward(to_e(g, requires_grad=False))
        close(xe.grad, x.grad, rtol=1e-9, atol=1e-10)
    for (_, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        close(pe.grad, pt.grad, rtol=1e-9, atol=1e-10)
    for (_, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        close(be, bt, rtol=1e-10, atol=1e-12)
    e.eval()
    t.eval()
    x = torch.randn(*shape, dtype=torch.float64)
    close(e(to_e(x)), t(x), rtol=1e-10, atol=1e-12)


def test_syncbn_input_errors_match_torch():
    def err(fn):
        with pytest.raises(Exception) as info:
            fn()
        return info.type, str(info.value)
    assert err(lambda: nn.SyncBatchNorm(3)(ember.randn(3))) == \
        err(lambda: torch.nn.SyncBatchNorm(3)(torch.randn(3)))
    assert err(lambda: nn.SyncBatchNorm(3)(ember.randn(4, 0, 2))) == \
        err(lambda: torch.nn.SyncBatchNorm(3)(torch.randn(4, 0, 2)))


@pytest.mark.parametrize("weight", [True, False])
def test_synchronized_math_with_one_rank_equals_batch_norm(monkeypatch, weight):
    # the synchronized Function with an all_reduce over a single rank must be batch norm
    import ember.distributed as edist
    from ember.nn.modules.syncbn import _SyncBatchNormFn
    calls = []
    monkeypatch.setattr(edist, "all_reduce",
                        lambda t, op=None, group=None, async_op=False: calls.append(t.shape))
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 3, 4)) * 3 + 7     # a large mean: checks the precision
    xt = torch.from_numpy(x.copy()).requires_grad_()
    xe = ember.from_numpy(x.copy()).requires_grad_()
    wt = torch.from_numpy(rng.uniform(0.5, 2, 3)).requires_grad_() if weight else None
    bt = torch.from_numpy(rng.uniform(-1, 1, 3)).requires_grad_() if weight else None
    we = nn.Parameter(to_e(wt, requires_grad=False)) if weight else None
    be = nn.Parameter(to_e(bt, requires_grad=False)) if weight else None
    rmt, rvt = torch.rand(3, dtype=torch.float64), torch.rand(3, dtype=torch.float64) + 1
    rme, rve = to_e(rmt), to_e(rvt)
    yt = torch.nn.functional.batch_norm(xt, rmt, rvt, wt, bt, True, 0.3, 1e-5)
    ye = _SyncBatchNormFn.apply(xe, we, be, rme, rve, 1e-5, 0.3, None, 2)
    close(ye, yt, rtol=1e-10, atol=1e-11)
    close(rme, rmt, rtol=1e-12, atol=1e-12)
    close(rve, rvt, rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(x.shape)
    yt.backward(torch.from_numpy(g))
    ye.backward(ember.from_numpy(g))
    close(xe.grad, xt.grad, rtol=1e-9, atol=1e-10)
    if weight:
        close(we.grad, wt.grad, rtol=1e-9, atol=1e-10)
        close(be.grad, bt.grad, rtol=1e-9, atol=1e-10)
    # one all_reduce of (sum, sumsq, count) forward, one of the two gradient sums backward
    assert [tuple(s) for s in calls] == [(7,), (6,)]


def test_convert_sync_batchnorm_matches_torch_and_keeps_state():
    def build(mod):
        return mod.Sequential(mod.Conv2d(3, 4, 3), mod.BatchNorm2d(4),
                              mod.Sequential(mod.Linear(4, 5), mod.BatchNorm1d(5, affine=False,
                                                                               momentum=None)),
                              mod.BatchNorm3d(2, bias=False, track_running_stats=False))
    e, t = build(nn), build(torch.nn)
    bn = e[1]
    e[1].running_mean.fill_(0.5)
    e[2][1].eval()
    weight, running_mean = bn.weight, bn.running_mean
    ce = nn.SyncBatchNorm.convert_sync_batchnorm(e)
    ct = torch.nn.SyncBatchNorm.convert_sync_batchnorm(t)
    t[2][1].eval()
    assert repr(ce) == repr(ct)
    assert ce is e   # the container itself, with its batch-norm children replaced
    assert type(ce[1]) is nn.SyncBatchNorm and ce[1].weight is weight
    assert ce[1].running_mean is running_mean and ce[1].num_batches_tracked is not None
    assert ce[2][1].training is False and ce[2][1].momentum is None
    assert ce[3].bias is None and ce[3].running_mean is None
    assert list(ce.state_dict()) == list(ct.state_dict())
    single = nn.SyncBatchNorm.convert_sync_batchnorm(nn.BatchNorm1d(3), process_group="pg")
    assert type(single) is nn.SyncBatchNorm and single.process_group == "pg"


WORKER = textwrap.dedent('''
    """2 ranks: SyncBatchNorm + DDP training equals one process on the concatenated batch."""
    from datetime import timedelta
    import numpy as np
    import ember
    import ember.distributed as dist
    import ember.nn as nn
    from ember.nn.parallel import DistributedDataParallel as DDP

    dist.init_process_group("gloo", timeout=timedelta(seconds=60))
    R, N = dist.get_rank(), dist.get_world_size()

    def build():
        ember.manual_seed(0)
        return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                             nn.Flatten(), nn.Linear(4 * 5 * 5, 6), nn.BatchNorm1d(6),
                             nn.Tanh(), nn.Linear(6, 2)).double()

    ref = build()
    model = DDP(nn.SyncBatchNorm.convert_sync_batchnorm(build()))
    assert type(model.module[1]) is nn.SyncBatchNorm
    opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    ropt = ember.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    rng = np.random.default_rng(0)
    B = 4
    checks = 0
    for step in range(3):
        X = ember.from_numpy(rng.standard_normal((N * B, 3, 5, 5)) * 2 + 1)
        x = X[R * B:(R + 1) * B].clone().requires_grad_()
        Xr = X.clone().requires_grad_()
        opt.zero_grad()
        ropt.zero_grad()
        out = model(x)
        rout = ref(Xr)
        assert np.allclose(out.detach().numpy(), rout[R * B:(R + 1) * B].detach().numpy(),
                           rtol=1e-9, atol=1e-10), "forward"
        out.pow(2).mean().backward()
        rout.pow(2).mean().backward()
        # the synchronized backward differentiates the sum of the ranks' losses
        assert np.allclose(x.grad.numpy(), N * Xr.grad[R * B:(R + 1) * B].numpy(),
                           rtol=1e-8, atol=1e-10), "input grad"
        opt.step()
        ropt.step()
        for (n, p), q in zip(model.module.named_parameters(), ref.parameters()):
            assert np.allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-8,
                               atol=1e-10), n
        for (n, b), c in zip(model.module.named_buffers(), ref.buffers()):
            assert np.allclose(b.numpy(), c.numpy(), rtol=1e-9, atol=1e-10), n
        checks += 1
    model.eval()
    ref.eval()
    xe = ember.from_numpy(rng.standard_normal((2, 3, 5, 5)))
    assert np.allclose(model(xe).detach().numpy(), ref(xe).detach().numpy(), rtol=1e-9)
    print(f"RANK {R} SYNCBN OK {checks}", flush=True)
    dist.destroy_process_group()
''')


def test_syncbn_two_ranks_match_one_process_on_the_whole_batch(mpi, tmp_path):
    script = tmp_path / "syncbn_worker.py"
    script.write_text(WORKER)
    p = mpi.run(2, str(script), timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert sorted(lines(p.stdout, "RANK ")) == ["RANK 0 SYNCBN OK 3", "RANK 1 SYNCBN OK 3"], \
        p.stdout + p.stderr


def test_syncbn_docstring_examples_run():
    import doctest
    import importlib
    name = "ember.nn.modules.syncbn"
    mod = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for test in doctest.DocTestFinder(exclude_empty=True).find(
            mod, name, globs=dict(vars(mod), ember=ember, nn=nn)):
        if test.examples:
            runner.run(test)
            n += 1
    assert n == 2 and runner.summarize(verbose=False).failed == 0
