"""Distributed benchmarks: all_reduce overhead over raw mpi4py, and a DDP training step against
torch's DDP (gloo), on the same model and batches. Run it under MPI:

    mpiexec -n 2 python benchmarks/distributed_bench.py            # both parts
    mpiexec -n 2 python benchmarks/distributed_bench.py allreduce  # one part
    python -m ember.distributed.run --nproc-per-node 2 benchmarks/distributed_bench.py

All-reduce contenders run in a fresh random order at every repetition (the same order on every
rank), each after a barrier, on the same in-place buffer; rank 0 reports the median over the
repetitions (of the slower rank). DDP steps alternate ember, torch, ember, ... Each rank uses
one thread (OMP_NUM_THREADS=1, torch.set_num_threads(1)), so 2 ranks fill the 2 cores of the
reference machine.

* ``allreduce``: ``dist.all_reduce(t)`` (ember; a non-blocking in-place ``Iallreduce`` on the
  tensor's own array, polled against the group timeout) vs
  ``comm.Allreduce(MPI.IN_PLACE, arr, SUM)`` (raw mpi4py, blocking) on the same buffer, 1 MB
  (600 repetitions) and 64 MB (30) of float32; raw ``Iallreduce(...).Wait()`` is shown too
  (MPI's non-blocking algorithm, which ember uses).
* ``ddp``: one training step (forward, backward with bucketed gradient all-reduce, SGD step) of
  the seed-004 MLP (784-512-512-10, batch 64 per rank, float32) under ember's
  DistributedDataParallel vs torch's DistributedDataParallel with the gloo backend.
"""
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def _median_ms(xs):
    return statistics.median(xs) * 1e3


def bench_allreduce(dist, comm, MPI, rank, reps=None):
    import ember
    results = []
    rng = np.random.default_rng(0)  # the same seed on every rank: the same order everywhere
    for mb, n_reps in ((1, 600), (64, 30)):
        n = mb * (1 << 20) // 4
        arr = np.ones(n, dtype=np.float32)
        t = ember.from_numpy(arr)  # the same buffer for all contenders
        IN_PLACE, SUM = MPI.IN_PLACE, MPI.SUM
        contenders = {
            "ember": lambda: dist.all_reduce(t),
            "raw": lambda: comm.Allreduce(IN_PLACE, arr, op=SUM),
            "rawi": lambda: comm.Iallreduce(IN_PLACE, arr, op=SUM).Wait(),
        }
        times = {k: [] for k in contenders}
        names = list(contenders)
        for _ in range(3):  # warm-up
            for fn in contenders.values():
                fn()
        for _ in range(reps or n_reps):
            # a fresh random order each repetition: no contender always runs right after the
            # same other one (what runs before changes caches and MPI's state)
            for k in rng.permutation(len(names)):
                name = names[k]
                arr.fill(1.0)
                comm.Barrier()
                t0 = time.perf_counter()
                contenders[name]()
                times[name].append(time.perf_counter() - t0)
        if not np.all(arr == comm.Get_size()):
            raise RuntimeError("all_reduce benchmark: wrong result")
        # rank 0 reports the slower rank's median (a collective ends when its last rank does)
        o, r, ri = (comm.allreduce(_median_ms(times[k]), op=MPI.MAX) for k in names)
        results.append((f"all_reduce {mb} MB float32", o, r, ri))
    if rank == 0:
        for name, o, r, ri in results:
            print(f"{name:<28} ember {o:8.3f} ms   mpi4py Allreduce {r:8.3f} ms   overhead "
                  f"{100 * (o / r - 1):+6.1f} %   (mpi4py Iallreduce+Wait {ri:8.3f} ms)",
                  flush=True)
    return results


def _mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                         nn.ReLU(), nn.Linear(512, 10))


def bench_ddp(dist, comm, MPI, rank, world, steps=40):
    import ember
    import ember.nn as enn
    try:
        import torch
        import torch.distributed as tdist
    except ImportError:
        torch = None
    rng = np.random.default_rng(rank)
    xs = rng.standard_normal((4, 64, 1, 28, 28)).astype(np.float32)
    ys = rng.integers(0, 10, size=(4, 64))

    def make_ember():
        from ember.nn.parallel import DistributedDataParallel
        ember.manual_seed(0)
        model = DistributedDataParallel(_mlp(enn))
        opt = ember.optim.SGD(model.parameters(), lr=0.01)
        data = [(ember.from_numpy(x), ember.from_numpy(y)) for x, y in zip(xs, ys)]
        lossf = enn.CrossEntropyLoss()
        i = [0]

        def step():
            x, y = data[i[0] % 4]
            i[0] += 1
            opt.zero_grad()
            lossf(model(x), y).backward()
            opt.step()
        return step

    def make_torch():
        from torch.nn.parallel import DistributedDataParallel
        torch.manual_seed(0)
        model = DistributedDataParallel(_mlp(torch.nn))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        data = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in zip(xs, ys)]
        lossf = torch.nn.CrossEntropyLoss()
        i = [0]

        def step():
            x, y = data[i[0] % 4]
            i[0] += 1
            opt.zero_grad()
            lossf(model(x), y).backward()
            opt.step()
        return step

    e_step = make_ember()
    t_step = None
    if torch is not None:
        torch.set_num_threads(1)
        port = comm.bcast(_free_port() if rank == 0 else None, root=0)
        tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                 world_size=world)
        t_step = make_torch()
    ours, theirs = [], []
    for k in range(steps + 5):
        comm.Barrier()
        t0 = time.perf_counter()
        e_step()
        dt = time.perf_counter() - t0
        if k >= 5:
            ours.append(dt)
        if t_step is not None:
            comm.Barrier()
            t0 = time.perf_counter()
            t_step()
            dt = time.perf_counter() - t0
            if k >= 5:
                theirs.append(dt)
    o = comm.allreduce(_median_ms(ours), op=MPI.MAX)
    t = comm.allreduce(_median_ms(theirs), op=MPI.MAX) if theirs else float("nan")
    if rank == 0:
        print(f"{'DDP step MLP (784-512-512-10, b64/rank)':<28} ember {o:8.3f} ms   torch(gloo) "
              f"{t:8.3f} ms   ratio {o / t:5.2f}x", flush=True)
    if t_step is not None:
        tdist.destroy_process_group()
    return o, t


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv):
    import ember.distributed as dist
    parts = argv or ["allreduce", "ddp"]
    dist.init_process_group("gloo")
    from mpi4py import MPI
    comm = MPI.COMM_WORLD.Dup()
    rank, world = comm.Get_rank(), comm.Get_size()
    if rank == 0:
        print(f"ember.distributed benchmarks: {world} ranks, MPI: "
              f"{MPI.Get_library_version().splitlines()[0].strip()}", flush=True)
    if "allreduce" in parts:
        bench_allreduce(dist, comm, MPI, rank)
    if "ddp" in parts:
        bench_ddp(dist, comm, MPI, rank, world)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
