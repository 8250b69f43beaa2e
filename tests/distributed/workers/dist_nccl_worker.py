"""Run under mpiexec -n 2: ember's NCCL code path (ember/distributed/_nccl.py) on "cuda" tensors.

The NumPy-backed CUDA stand-in (ember.cuda._fake) provides the cuda arrays and streams, and
tests/distributed/fake_nccl.py the ``cupy.cuda.nccl`` API on top of mpi4py. Every result is
checked against NumPy on each rank, and fake_nccl's call log says whether NCCL (and which NCCL
datatype) or the MPI host staging ran. Prints ``RANK r NCCL CHECKS k``; a mismatch raises.
"""
import os
import sys
from datetime import timedelta

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import fake_nccl  # noqa: E402

import ember  # noqa: E402
import ember.distributed as dist  # noqa: E402
from ember.cuda import _fake  # noqa: E402

_fake.install(device_count=1)
_fake._module.cuda.nccl = fake_nccl

dist.init_process_group("nccl", timeout=timedelta(seconds=60))
R, N = dist.get_rank(), dist.get_world_size()
assert dist.is_nccl_available() and dist.get_backend() == "nccl"
CHECKS = [0]
calls = fake_nccl.calls


def base(k, dt, shape=(2, 3)):
    a = (np.arange(int(np.prod(shape))).reshape(shape) + 2 * k + 1) % 7 + 1
    if dt == "bool":
        return a % 3 == 0
    if dt.startswith("complex"):
        return (a / 2 - 1 + 1j * (a % 3)).astype(dt)
    if dt.startswith("float") or dt == "bfloat16":
        return (a / 2 - 1).astype(np.float32 if dt == "bfloat16" else dt)
    return a.astype(dt)


def cuda(a, dt):
    t = ember.from_numpy(np.array(a)).to(getattr(ember, dt)).to("cuda")
    assert t.is_cuda
    return t


def check(t, expected, what):
    assert t.is_cuda, what
    got = t.cpu().numpy() if t.dtype in (ember.bool, ember.complex64) else \
        t.cpu().to(ember.float64).numpy()
    exp = np.asarray(expected)
    ok = got.shape == exp.shape and (np.array_equal(got, exp) if exp.dtype == np.bool_ else
                                     np.allclose(got, exp, rtol=1e-2, atol=1e-2))
    if not ok:
        raise AssertionError(f"rank {R}: {what}: got {got!r}, expected {exp!r}")
    CHECKS[0] += 1


def via(name, what, datatype=None, grouped=None):
    """The last NCCL call was ``name`` (and had ``datatype``): the op went through NCCL."""
    assert calls and calls[-1][0] == name, (what, calls[-3:])
    if datatype is not None:
        assert calls[-1][1] == datatype, (what, calls[-1])
    if grouped is not None:
        assert calls[-1][2] is grouped, (what, calls[-1])


F = fake_nccl
NCCL_TYPE = {"float32": F.NCCL_FLOAT32, "float64": F.NCCL_FLOAT64, "float16": F.NCCL_FLOAT16,
             "bfloat16": F.NCCL_FLOAT32, "int32": F.NCCL_INT32, "int64": F.NCCL_INT64,
             "uint8": F.NCCL_UINT8, "int8": F.NCCL_INT8, "bool": F.NCCL_UINT8,
             "complex64": F.NCCL_FLOAT32}
ALL = list(range(N))
for dt in list(NCCL_TYPE) + ["int16"]:
    ins = [base(k, dt) for k in ALL]
    wide = np.array(ins).astype(np.complex128 if dt.startswith("complex") else np.float64)
    ops = ["SUM", "AVG", "PRODUCT", "MIN", "MAX"]
    if dt == "bool":
        ops.remove("AVG")
    if dt.startswith("complex"):
        ops = ["SUM", "AVG", "PRODUCT"]
    for name in ops:
        t = cuda(ins[R], dt)
        v0 = t._version
        n0 = len(calls)
        dist.all_reduce(t, op=getattr(dist.ReduceOp, name))
        if dt == "bool":
            exp = np.any(ins, 0) if name == "SUM" else \
                np.all(ins, 0) if name in ("PRODUCT", "MIN") else np.any(ins, 0)
        else:
            f = {"SUM": np.sum, "AVG": np.sum, "PRODUCT": np.prod, "MIN": np.min,
                 "MAX": np.max}[name]
            exp = f(wide, 0)
            if name == "AVG":
                exp = exp / N if dt.startswith(("float", "bfloat", "complex")) else \
                    np.trunc(exp / N)
        check(t, exp, f"all_reduce {name} {dt}")
        assert t._version > v0
        if dt == "int16" or (dt.startswith("complex") and name == "PRODUCT"):
            assert len(calls) == n0, f"{dt} {name} must be staged through MPI"
        else:
            via("allReduce", f"all_reduce {name} {dt}", NCCL_TYPE[dt])
    # broadcast from rank 1 (raw bytes: every dtype)
    t = cuda(ins[R], dt)
    dist.broadcast(t, src=1)
    check(t, ins[1], f"broadcast {dt}")
    via("broadcast", f"broadcast {dt}", F.NCCL_UINT8)
    # reduce (SUM) to rank 0; rank 1 keeps its input
    if dt != "int16":
        t = cuda(ins[R], dt)
        dist.reduce(t, dst=0)
        check(t, (np.any(ins, 0) if dt == "bool" else wide.sum(0)) if R == 0 else ins[R],
              f"reduce {dt}")
        via("reduce", f"reduce {dt}", NCCL_TYPE[dt])
    # all_gather_into_tensor
    o = cuda(np.zeros((2 * N, 3), dtype=ins[0].dtype), dt)
    dist.all_gather_into_tensor(o, cuda(ins[R], dt))
    check(o, np.concatenate(ins), f"all_gather_into_tensor {dt}")
    via("allGather", f"all_gather_into_tensor {dt}", F.NCCL_UINT8)
    # reduce_scatter_tensor (SUM, and AVG for floats)
    if dt not in ("bool", "int16"):
        full = [np.concatenate([base(k + 3 * j, dt) for j in ALL]) for k in ALL]
        mine = np.sum([base(k + 3 * R, dt).astype(wide.dtype) for k in ALL], 0)
        o = cuda(np.zeros_like(ins[0]), dt)
        dist.reduce_scatter_tensor(o, cuda(full[R], dt))
        check(o, mine, f"reduce_scatter_tensor {dt}")
        via("reduceScatter", f"reduce_scatter_tensor {dt}", NCCL_TYPE[dt])
        if dt in ("float32", "bfloat16"):
            o = cuda(np.zeros_like(ins[0]), dt)
            dist.reduce_scatter_tensor(o, cuda(full[R], dt), op=dist.ReduceOp.AVG)
            check(o, mine / N, f"reduce_scatter_tensor AVG {dt}")

# bitwise ops have no NCCL call: staged through MPI
t = cuda(np.array([1 + R, 6]), "int32")
n0 = len(calls)
dist.all_reduce(t, op=dist.ReduceOp.BOR)
check(t, np.array([3, 6]), "all_reduce BOR int32 (MPI staging)")
assert len(calls) == n0

# collectives NCCL has no call for: staged through host memory and MPI, results back on "cuda"
n0 = len(calls)
outs = [cuda(np.zeros(3), "float32") for _ in ALL]
dist.all_gather(outs, cuda(np.full(3, R + 1.0), "float32"))
for k in ALL:
    check(outs[k], np.full(3, k + 1.0), f"all_gather (list) [{k}]")
t = cuda(np.zeros(2), "int64")
dist.scatter(t, [cuda(np.full(2, 10 + k), "int64") for k in ALL] if R == 0 else None, src=0)
check(t, np.full(2, 10 + R), "scatter")
assert len(calls) == n0

# non-contiguous CUDA view: reduced through a contiguous copy, written back through the view
base_t = ember.zeros(3, 4, device="cuda")
view = base_t.t()
view.copy_(ember.arange(12.).reshape(4, 3).to("cuda") + R)
dist.all_reduce(view)
check(base_t, np.arange(12.).reshape(4, 3).T * N + N * (N - 1) / 2, "non-contiguous all_reduce")
via("allReduce", "non-contiguous all_reduce")

# async_op=True: a Work polled on the CUDA event
ts = [ember.full((5,), float(R + 1), device="cuda") for _ in range(3)]
works = [dist.all_reduce(t, op=dist.ReduceOp.AVG, async_op=True) for t in ts]
for w, t in zip(works, ts):
    assert isinstance(w, dist.Work)
    w.wait()
    assert w.is_completed() and w.is_success()
    check(t, np.full(5, (N + 1) / 2), "async all_reduce AVG")

# send/recv, and batch_isend_irecv as one NCCL group call
peer = 1 - R
t = cuda(np.zeros((2, 3)), "float32")
if R == 0:
    dist.send(cuda(base(0, "float32"), "float32"), dst=1)
    via("send", "send", F.NCCL_UINT8, grouped=False)
else:
    assert dist.recv(t, src=0) == 0
    check(t, base(0, "float32"), "recv")
    via("recv", "recv", F.NCCL_UINT8, grouped=False)
t = cuda(np.zeros((2, 3)), "float64")
ops = [dist.P2POp(dist.isend, cuda(base(R, "float64"), "float64"), peer),
       dist.P2POp(dist.irecv, t, peer)]
for w in dist.batch_isend_irecv(ops):
    w.wait()
check(t, base(peer, "float64"), "batch_isend_irecv")
assert [c[0] for c in calls[-2:]] == ["send", "recv"] and all(c[2] for c in calls[-2:]), \
    calls[-2:]

# DDP on "cuda": gradients averaged through NCCL
from ember.nn.parallel import DistributedDataParallel  # noqa: E402

ember.manual_seed(0)
net = ember.nn.Linear(3, 2).to("cuda")
model = DistributedDataParallel(net, device_ids=[0])
x = ember.from_numpy(np.arange(6.0, dtype=np.float32).reshape(2, 3) * (R + 1)).to("cuda")
n0 = len(calls)
model(x).sum().backward()
assert any(c[0] == "allReduce" for c in calls[n0:]), calls[n0:]
xs = np.concatenate([np.arange(6.0).reshape(2, 3) * (k + 1) for k in ALL])
check(net.weight.grad, np.tile(xs.sum(0) / N, (2, 1)), "DDP weight grad")
check(net.bias.grad, np.full(2, 2.0), "DDP bias grad")

assert sum(1 for c in calls if c[0] == "init") == 1  # one communicator for the device
dist.destroy_process_group()
print(f"RANK {R} NCCL CHECKS {CHECKS[0]}", flush=True)
