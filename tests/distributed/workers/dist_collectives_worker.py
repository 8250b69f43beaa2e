"""Run under mpiexec -n N: every collective, every dtype, checked against NumPy on each rank.

Each rank's input is a known function of its rank, so every rank can compute the expected
result itself. Prints ``RANK r CHECKS k`` at the end; any mismatch raises (non-zero exit)."""
import sys
from datetime import timedelta

import numpy as np

import ember
import ember.distributed as dist

dist.init_process_group("gloo", timeout=timedelta(seconds=60))
R, N = dist.get_rank(), dist.get_world_size()
CHECKS = [0]

DTYPES = {"float32": np.float32, "float64": np.float64, "int32": np.int32, "int64": np.int64,
          "uint8": np.uint8, "bool": np.bool_, "float16": np.float16, "bfloat16": np.float32}


def base(k, dt, shape=(2, 3)):
    """Rank k's input as a NumPy array (exactly representable in every dtype)."""
    a = (np.arange(int(np.prod(shape))).reshape(shape) + 2 * k + 1) % 7 + 1
    if dt == "bool":
        return (a % 3 == 0)
    if dt in ("float32", "float64", "float16", "bfloat16"):
        a = a.astype(np.float64) / 2 - 1
    return a.astype(DTYPES[dt])


def tens(a, dt):
    return ember.from_numpy(np.array(a)).to(getattr(ember, dt))


def check(t, expected, what):
    got = t.to(ember.float64).numpy() if t.dtype not in (ember.bool,) else t.numpy()
    exp = np.asarray(expected)
    if exp.dtype == np.bool_:
        ok = np.array_equal(got, exp)
    else:
        ok = got.shape == exp.shape and np.allclose(got, exp.astype(np.float64), rtol=1e-3,
                                                    atol=1e-3)
    if not ok:
        raise AssertionError(f"rank {R}: {what}: got {got!r}, expected {exp!r}")
    CHECKS[0] += 1


ALL = list(range(N))
for dt in DTYPES:
    ins = [base(k, dt) for k in ALL]
    # ---------------- all_reduce, every op
    ops = {"SUM": lambda xs: np.sum(xs, 0), "MAX": lambda xs: np.max(xs, 0),
           "MIN": lambda xs: np.min(xs, 0), "PRODUCT": lambda xs: np.prod(xs, 0)}
    for name, f in ops.items():
        t = tens(ins[R], dt)
        v0 = t._version
        dist.all_reduce(t, op=getattr(dist.ReduceOp, name))
        if dt == "bool":
            exp = np.any(ins, 0) if name in ("SUM", "MAX") else np.all(ins, 0)
        elif dt in ("int32", "int64", "uint8"):  # integer overflow wraps, as in torch
            exp = f(np.array(ins, dtype=np.int64)).astype(DTYPES[dt])
        else:
            exp = f(np.array(ins, dtype=np.float64))
        check(t, exp, f"all_reduce {name} {dt}")
        assert t._version > v0, "all_reduce must bump the version counter"
    if dt != "bool":
        t = tens(ins[R], dt)
        dist.all_reduce(t, op=dist.ReduceOp.AVG)
        s = np.sum(np.array(ins, dtype=np.float64), 0)
        exp = s / N if dt in ("float32", "float64", "float16", "bfloat16") else np.trunc(s / N)
        check(t, exp, f"all_reduce AVG {dt}")
    else:
        try:
            dist.all_reduce(tens(ins[R], dt), op=dist.ReduceOp.AVG)
            raise AssertionError("AVG on bool must raise")
        except ValueError:
            CHECKS[0] += 1
    # ---------------- broadcast from the last rank
    t = tens(ins[R], dt)
    dist.broadcast(t, src=N - 1)
    check(t, ins[N - 1], f"broadcast {dt}")
    # ---------------- reduce to rank 1
    t = tens(ins[R], dt)
    dist.reduce(t, dst=1, op=dist.ReduceOp.SUM)
    if R == 1:
        exp = np.any(ins, 0) if dt == "bool" else np.sum(np.array(ins, dtype=np.float64), 0)
        check(t, exp, f"reduce {dt}")
    else:
        check(t, ins[R], f"reduce leaves non-dst {dt}")
    # ---------------- all_gather (list) and into a tensor (concat and stacked)
    outs = [tens(np.zeros_like(ins[0]), dt) for _ in ALL]
    dist.all_gather(outs, tens(ins[R], dt))
    for k in ALL:
        check(outs[k], ins[k], f"all_gather {dt} [{k}]")
    o = tens(np.zeros((2 * N, 3), dtype=ins[0].dtype), dt)
    dist.all_gather_into_tensor(o, tens(ins[R], dt))
    check(o, np.concatenate(ins), f"all_gather_into_tensor concat {dt}")
    o = tens(np.zeros((N, 2, 3), dtype=ins[0].dtype), dt)
    dist.all_gather_into_tensor(o, tens(ins[R], dt))
    check(o, np.stack(ins), f"all_gather_into_tensor stack {dt}")
    # ---------------- gather to 0, scatter from 0
    gl = [tens(np.zeros_like(ins[0]), dt) for _ in ALL] if R == 0 else None
    dist.gather(tens(ins[R], dt), gl, dst=0)
    if R == 0:
        for k in ALL:
            check(gl[k], ins[k], f"gather {dt} [{k}]")
    t = tens(np.zeros_like(ins[0]), dt)
    dist.scatter(t, [tens(base(10 + k, dt), dt) for k in ALL] if R == 0 else None, src=0)
    check(t, base(10 + R, dt), f"scatter {dt}")
    # ---------------- reduce_scatter (list) and reduce_scatter_tensor
    if dt != "bool":
        def piece(k, j):  # rank k's input block for rank j
            return base(k + 3 * j, dt)
        o = tens(np.zeros_like(ins[0]), dt)
        dist.reduce_scatter(o, [tens(piece(R, j), dt) for j in ALL])
        check(o, np.sum([piece(k, R).astype(np.float64) for k in ALL], 0),
              f"reduce_scatter {dt}")
        o = tens(np.zeros_like(ins[0]), dt)
        dist.reduce_scatter_tensor(o, tens(np.concatenate([piece(R, j) for j in ALL]), dt))
        check(o, np.sum([piece(k, R).astype(np.float64) for k in ALL], 0),
              f"reduce_scatter_tensor {dt}")
    # ---------------- all_to_all and all_to_all_single (uneven splits)
    outs = [tens(np.zeros_like(ins[0]), dt) for _ in ALL]
    dist.all_to_all(outs, [tens(base(R * N + j, dt), dt) for j in ALL])
    for k in ALL:
        check(outs[k], base(k * N + R, dt), f"all_to_all {dt} [{k}]")
    # rank k sends (j + 1) rows to rank j; row values encode (sender, receiver)
    rows = [np.full((j + 1, 2), 10 * R + j) for j in ALL]
    inp = tens(np.concatenate(rows) % 2 == 0 if dt == "bool" else
               np.concatenate(rows).astype(DTYPES[dt]), dt)
    o = tens(np.zeros((N * (R + 1), 2), dtype=DTYPES[dt]), dt)
    dist.all_to_all_single(o, inp, output_split_sizes=[R + 1] * N,
                           input_split_sizes=[j + 1 for j in ALL])
    exp = np.concatenate([np.full((R + 1, 2), 10 * k + R) for k in ALL])
    check(o, exp % 2 == 0 if dt == "bool" else exp, f"all_to_all_single {dt}")
    # ---------------- send/recv around a ring, isend/irecv the other way
    t = tens(np.zeros_like(ins[0]), dt)
    if R % 2 == 0:
        dist.send(tens(ins[R], dt), dst=(R + 1) % N)
        src = dist.recv(t, src=(R - 1) % N)
    else:
        src = dist.recv(t)  # any source
        dist.send(tens(ins[R], dt), dst=(R + 1) % N)
    assert src == (R - 1) % N, (src, R)
    check(t, ins[(R - 1) % N], f"send/recv {dt}")
    t = tens(np.zeros_like(ins[0]), dt)
    ws = [dist.isend(tens(ins[R], dt), dst=(R - 1) % N), dist.irecv(t, src=(R + 1) % N)]
    for w in ws:
        assert w.wait() is True
        assert w.is_completed()
    check(t, ins[(R + 1) % N], f"isend/irecv {dt}")

# ---------------- async all_reduce, Work API
ts = [ember.full((1000,), float(R + 1)) for _ in range(3)]
works = [dist.all_reduce(t, async_op=True) for t in ts]
assert all(isinstance(w, dist.Work) for w in works)
for w, t in zip(works, ts):
    w.wait()
    assert w.is_completed() and w.is_success() and w.exception() is None
    check(t, np.full(1000, N * (N + 1) / 2), "async all_reduce")
    assert w.result()[0] is t
fut = dist.all_reduce(ember.ones(2), async_op=True).get_future()
check(fut.wait()[0], np.full(2, N), "Work.get_future")
w = dist.barrier(async_op=True)
w.wait()
dist.barrier()
dist.monitored_barrier(timeout=timedelta(seconds=30))

# ---------------- non-contiguous views are written in place (through to their base)
base_t = ember.zeros(3, 4)
view = base_t.t()  # non-contiguous
view.copy_(ember.arange(12.).reshape(4, 3) + R)
v0 = base_t._version
dist.all_reduce(view)
check(base_t, (np.arange(12.).reshape(4, 3).T * N + N * (N - 1) / 2), "non-contiguous view")
assert base_t._version > v0
col = ember.zeros(4, 3)[:, 1]
col.copy_(ember.full((4,), float(R)))
dist.broadcast(col, src=N - 1)
check(col, np.full(4, N - 1.0), "strided broadcast")

# ---------------- batch_isend_irecv
t = ember.zeros(3)
ops = [dist.P2POp(dist.isend, ember.full((3,), float(R)), (R + 1) % N),
       dist.P2POp(dist.irecv, t, (R - 1) % N)]
for w in dist.batch_isend_irecv(ops):
    w.wait()
check(t, np.full(3, float((R - 1) % N)), "batch_isend_irecv")

# ---------------- object collectives
objs = [{"a": [1, 2], "r": R}, "x" * 5, None] if R == 1 else [None, None, None]
dist.broadcast_object_list(objs, src=1)
assert objs == [{"a": [1, 2], "r": 1}, "xxxxx", None], objs
CHECKS[0] += 1
out = [None] * N
dist.all_gather_object(out, {"rank": R, "data": list(range(R))})
assert out == [{"rank": k, "data": list(range(k))} for k in ALL], out
CHECKS[0] += 1
out = [None] * N if R == N - 1 else None
dist.gather_object(("r", R), out, dst=N - 1)
if R == N - 1:
    assert out == [("r", k) for k in ALL], out
    CHECKS[0] += 1
out = [None]
dist.scatter_object_list(out, [{"to": k} for k in ALL] if R == 0 else None, src=0)
assert out == [{"to": R}], out
CHECKS[0] += 1

# ---------------- new_group: the first and last rank
members = [0, N - 1]
g = dist.new_group(members)
if R in members:
    assert dist.get_rank(g) == members.index(R) and dist.get_world_size(g) == 2
    assert dist.get_process_group_ranks(g) == members
    assert dist.get_global_rank(g, 1) == N - 1 and dist.get_group_rank(g, N - 1) == 1
    for k in range(2):  # the second call takes the cached fast path (op, dtype, group)
        t = ember.tensor([float(R + 1)])
        dist.all_reduce(t, group=g)
        check(t, [1.0 + N], f"new_group all_reduce {k}")
    t = ember.tensor([float(R)])
    dist.broadcast(t, src=N - 1, group=g)
    check(t, [N - 1.0], "new_group broadcast (global src)")
    t = ember.tensor([float(R)])
    dist.broadcast(t, group_src=0, group=g)
    check(t, [0.0], "new_group broadcast (group_src)")
    o = [None, None]
    dist.all_gather_object(o, R, group=g)
    assert o == members
else:
    assert g is dist.GroupMember.NON_GROUP_MEMBER
    assert dist.get_rank(g) == -1 and dist.get_world_size(g) == -1
    assert dist.all_reduce(ember.ones(1), group=g) is None  # non-members skip
    CHECKS[0] += 1
dist.barrier()

# ---------------- DistributedSampler reads rank/world size from the default group
from ember.utils.data import DistributedSampler  # noqa: E402
s = DistributedSampler(range(10), shuffle=False)
assert (s.num_replicas, s.rank) == (N, R)
assert list(s) == list(range(10) if N == 1 else [i % 10 for i in range(R, 10 + (-10) % N, N)])
CHECKS[0] += 1

# ---------------- all_reduce's cached fast path: the same (op, dtype, group) with a
# non-contiguous tensor, a 0-d one, and after destroy + re-init (the cache must not keep the old
# group's communicator)
for k in range(3):
    t = ember.full((2, 3), float(R + k))
    v0 = t._version
    dist.all_reduce(t)
    check(t, np.full((2, 3), N * k + N * (N - 1) / 2), f"fast all_reduce {k}")
    assert t._version == v0 + 1
t = ember.zeros(3, 2).t()
t.copy_(ember.full((2, 3), float(R)))
dist.all_reduce(t)
check(t, np.full((2, 3), N * (N - 1) / 2), "fast-path key, non-contiguous tensor")
t = ember.tensor(float(R))
dist.all_reduce(t, op=dist.ReduceOp.MAX)
check(t, np.float64(N - 1), "0-d all_reduce MAX")

assert dist.get_backend() == "gloo" and dist.is_initialized()
dist.destroy_process_group()
assert not dist.is_initialized()
dist.init_process_group("gloo", timeout=timedelta(seconds=60))
for k in range(2):
    t = ember.full((4,), float(R + 1))
    dist.all_reduce(t)
    check(t, np.full(4, N * (N + 1) / 2), f"all_reduce after re-init {k}")
dist.destroy_process_group()
print(f"RANK {R} CHECKS {CHECKS[0]}", flush=True)
sys.exit(0)
