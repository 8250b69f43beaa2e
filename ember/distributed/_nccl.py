"""The NCCL transport of ``ember.distributed`` for CUDA tensors (through CuPy's
``cupy.cuda.nccl``).

A process group created with ``backend="nccl"`` makes one ``NcclCommunicator`` on first use of a
CUDA tensor; its unique id travels from the group's rank 0 over the group's MPI communicator
(MPI does the rendezvous, NCCL the data). Operations are enqueued on CuPy's current stream; the
returned Work polls a CUDA event against the group's timeout and aborts the communicator when
it expires, so a dead peer gives an error instead of a hang.

Operations NCCL has no call for (gather, scatter, all_to_all, object collectives) are staged
through host memory and MPI by ``distributed_c10d``.
"""
import time

import numpy as np

from ._mpi import DistBackendError

__all__ = ["is_available", "NcclComm"]


def is_available():
    """Whether CuPy and its NCCL bindings can be imported."""
    try:
        from cupy.cuda import nccl
    except Exception:  # noqa: BLE001 - no cupy, no CUDA runtime, no NCCL
        return False
    return bool(getattr(nccl, "available", True))


def _dtypes(nccl):
    return {np.dtype(np.int8): nccl.NCCL_INT8, np.dtype(np.uint8): nccl.NCCL_UINT8,
            np.dtype(np.int32): nccl.NCCL_INT32, np.dtype(np.int64): nccl.NCCL_INT64,
            np.dtype(np.float16): nccl.NCCL_FLOAT16, np.dtype(np.float32): nccl.NCCL_FLOAT32,
            np.dtype(np.float64): nccl.NCCL_FLOAT64}


class NcclComm:
    """NCCL communicator of one ProcessGroup."""

    def __init__(self, pg, comm):
        from cupy.cuda import nccl
        self.pg = pg
        self.comm = comm
        self.nccl = nccl
        self.types = _dtypes(nccl)
        self.ops = {"SUM": nccl.NCCL_SUM, "PRODUCT": nccl.NCCL_PROD, "MAX": nccl.NCCL_MAX,
                    "MIN": nccl.NCCL_MIN, "AVG": nccl.NCCL_SUM}

    @classmethod
    def create(cls, pg):
        """Rendezvous through the group's MPI communicator and build the NCCL communicator."""
        from cupy.cuda import nccl
        uid = np.zeros(128, dtype=np.int8)
        if pg._rank == 0:
            uid[:] = np.array(nccl.get_unique_id(), dtype=np.int64).astype(np.int8)
        pg._wait([pg._comm.Ibcast(uid, root=0)], "NCCL communicator set-up")
        comm = nccl.NcclCommunicator(pg._size, tuple(int(b) for b in uid), pg._rank)
        return cls(pg, comm)

    def destroy(self):
        try:
            self.comm.destroy()
        except Exception:  # noqa: BLE001
            pass

    # -- helpers
    def _buf(self, t, load=True):
        """(contiguous cupy array NCCL works on, commit function)."""
        import cupy
        data = t._data
        arr = data if data.flags.c_contiguous else (cupy.ascontiguousarray(data) if load
                                                    else cupy.empty(data.shape, data.dtype))
        if arr.dtype == np.bool_:
            arr = arr.view(np.uint8)

        def commit(post=None):
            if post is not None:
                post(arr)
            if arr is not data and arr.base is not data:
                data[...] = arr.view(data.dtype)
            t._version_box[0] += 1
        return arr, commit

    def _type(self, arr, reduce_op=None):
        dt = self.types.get(arr.dtype)
        if dt is None:
            raise TypeError(f"the NCCL backend does not support dtype {arr.dtype}")
        return dt

    def _op(self, name, t):
        if name not in self.ops:
            raise ValueError(f"the NCCL backend does not support ReduceOp.{name}")
        if t._dtype.name == "bool":
            name = {"SUM": "MAX", "PRODUCT": "MIN"}.get(name, name)
        return self.ops[name]

    def _post(self, name, t):
        n = self.pg._size

        def avg(a):
            if a.dtype.kind == "f":
                a /= n
            else:  # integer average truncates toward zero
                import cupy
                q = cupy.abs(a) // n
                a[...] = cupy.where(a < 0, -q, q)
        post = avg if name == "AVG" else None
        if t._dtype.name == "bfloat16":
            from .._dtype import round_bf16
            inner = post

            def post(a, inner=inner):  # noqa: F811
                if inner is not None:
                    inner(a)
                a[...] = round_bf16(a)
        return post

    def _work(self, what, commit, outputs, async_op):
        import cupy
        from .distributed_c10d import Work
        stream = cupy.cuda.get_current_stream()
        ev = cupy.cuda.Event(block=False, disable_timing=True)
        ev.record(stream)
        pg = self.pg

        def waiter(timeout=None):
            limit = pg._timeout if timeout is None else timeout
            end = time.monotonic() + limit
            while not ev.done:
                if time.monotonic() > end:
                    try:
                        self.comm.abort()
                    finally:
                        pg._mark_broken()
                    raise DistBackendError(
                        f"ember.distributed: {what} (NCCL) timed out on rank {pg._global_rank} "
                        f"after {limit:g} s (the process group's timeout): another rank died, "
                        "hangs, or did not call the same collective.")
                time.sleep(1e-4)
        w = Work(pg, what, [], commit, outputs, waiter=waiter, tester=lambda: ev.done)
        if async_op:
            return w
        w.wait()
        return None

    # -- operations (ranks are group ranks)
    def all_reduce(self, t, op, async_op):
        import cupy
        arr, commit = self._buf(t)
        self.comm.allReduce(arr.data.ptr, arr.data.ptr, arr.size, self._type(arr),
                            self._op(op, t), cupy.cuda.get_current_stream().ptr)
        post = self._post(op, t)
        return self._work("all_reduce", lambda: commit(post), [t], async_op)

    def broadcast(self, t, root, async_op):
        import cupy
        arr, commit = self._buf(t, load=self.pg._rank == root)
        self.comm.broadcast(arr.data.ptr, arr.data.ptr, arr.size, self._type(arr), root,
                            cupy.cuda.get_current_stream().ptr)
        return self._work("broadcast", commit, [t], async_op)

    def reduce(self, t, op, root, async_op):
        import cupy
        arr, commit = self._buf(t)
        self.comm.reduce(arr.data.ptr, arr.data.ptr, arr.size, self._type(arr),
                         self._op(op, t), root, cupy.cuda.get_current_stream().ptr)
        post = self._post(op, t) if self.pg._rank == root else None
        return self._work("reduce", lambda: commit(post), [t], async_op)

    def all_gather(self, out, inp, async_op):
        import cupy
        src = cupy.ascontiguousarray(inp._data)
        if src.dtype == np.bool_:
            src = src.view(np.uint8)
        arr, commit = self._buf(out, load=False)
        self.comm.allGather(src.data.ptr, arr.data.ptr, src.size, self._type(src),
                            cupy.cuda.get_current_stream().ptr)
        return self._work("all_gather_into_tensor", commit, [out], async_op)

    def reduce_scatter(self, out, inp, op, async_op):
        import cupy
        src = cupy.ascontiguousarray(inp._data)
        if src.dtype == np.bool_:
            src = src.view(np.uint8)
        arr, commit = self._buf(out, load=False)
        self.comm.reduceScatter(src.data.ptr, arr.data.ptr, arr.size, self._type(arr),
                                self._op(op, out), cupy.cuda.get_current_stream().ptr)
        post = self._post(op, out)
        return self._work("reduce_scatter_tensor", lambda: commit(post), [out], async_op)

    def send(self, t, peer):
        import cupy
        src = cupy.ascontiguousarray(t._data)
        if src.dtype == np.bool_:
            src = src.view(np.uint8)
        self.comm.send(src.data.ptr, src.size, self._type(src), peer,
                       cupy.cuda.get_current_stream().ptr)
        w = self._work(f"send to rank {self.pg._ranks[peer]}", None, [t], True)
        w._keep = src
        return w

    def recv(self, t, peer):
        import cupy
        arr, commit = self._buf(t, load=False)
        self.comm.recv(arr.data.ptr, arr.size, self._type(arr), peer,
                       cupy.cuda.get_current_stream().ptr)

        def fin():
            commit()
            return self.pg._ranks[peer]
        return self._work(f"recv from rank {self.pg._ranks[peer]}", fin, [t], True)
