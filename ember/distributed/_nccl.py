"""The NCCL transport of ``ember.distributed`` for CUDA tensors (through CuPy's
``cupy.cuda.nccl``, whose ``NcclCommunicator`` methods take raw device pointers, element counts,
``NCCL_*`` datatype and op codes and a ``cudaStream_t`` as an int).

A process group created with ``backend="nccl"`` makes one ``NcclCommunicator`` per CUDA device
the first time it sees a tensor on that device: the group's rank 0 calls
``nccl.get_unique_id()`` (a tuple of 128 C ``char`` values), the tuple travels to the other
ranks over the group's MPI communicator (as int16, so signed and unsigned ``char`` both survive),
and every rank calls ``NcclCommunicator(group_size, uid, group_rank)`` with that device current.

Operations are enqueued on CuPy's current stream of the tensor's device. A CUDA event recorded
after them is polled against the group's timeout (with ``check_async_error``); when it expires,
or NCCL reports an asynchronous error, the communicator is aborted and ``DistBackendError`` is
raised, so a dead peer gives an error instead of a hang.

Reductions run on NCCL's own types (bool as uint8 with SUM = or / PRODUCT = and, as torch's
NCCL backend; complex SUM/AVG as pairs of reals; bfloat16 in ember's float32 storage, rounded
back afterwards); AVG is a SUM and a division (integers truncate toward zero). Data movement
(broadcast, all-gather, send/recv) goes as raw bytes, so every dtype works. What NCCL cannot
reduce (int16, bitwise ops, complex PRODUCT/MIN/MAX) returns ``NotImplemented`` and
``distributed_c10d`` stages it through host memory and MPI instead, as it does for gather,
scatter, all_to_all and the object collectives.
"""
import time

import numpy as np

from . import _mpi
from ._mpi import DistBackendError

__all__ = ["is_available", "NcclComm", "group_start", "group_end"]


def _xp():
    from .._device import _cuda_xp
    return _cuda_xp()


def _module():
    """The NCCL bindings: ``cupy.cuda.nccl``, or what ember's CUDA array module carries as
    ``cuda.nccl`` (the NumPy-backed test stand-in provides its own)."""
    from .._device import _cuda_module
    xp = _cuda_module[0]
    if xp is not None and getattr(xp, "_ember_fake", False):
        nccl = getattr(xp.cuda, "nccl", None)
        if nccl is None:
            raise ImportError("the CUDA test stand-in has no NCCL")
        return nccl
    from cupy.cuda import nccl
    return nccl


def is_available():
    """Whether CuPy and its NCCL bindings (with the NCCL library) can be used."""
    try:
        nccl = _module()
    except Exception:  # noqa: BLE001 - no cupy, no CUDA runtime, no NCCL
        return False
    return bool(getattr(nccl, "available", True))


# ---------------------------------------------------------------- group calls

_group = {"depth": 0, "pending": []}


def group_start():
    """``ncclGroupStart``: NCCL calls until :func:`group_end` are launched together (what
    ``batch_isend_irecv`` needs: a send and a receive between the same ranks would otherwise
    wait for each other on the stream)."""
    _module().groupStart()
    _group["depth"] += 1


def group_end():
    """``ncclGroupEnd``: launch the grouped calls, then record the events their Works wait on
    (an event recorded inside the group would precede the kernels)."""
    _group["depth"] -= 1
    _module().groupEnd()
    if _group["depth"] == 0:
        pending, _group["pending"] = _group["pending"], []
        for comm, holder in pending:
            holder[0] = comm._record()


# ---------------------------------------------------------------- the communicator

class NcclComm:
    """The NCCL communicator of one ProcessGroup on one CUDA device (ranks are group ranks)."""

    def __init__(self, pg, comm, device_id, nccl):
        self.pg = pg
        self.comm = comm
        self.device_id = device_id
        self.nccl = nccl
        self.xp = _xp()
        self.device = self.xp.cuda.Device(device_id)
        n = nccl
        self.types = {np.dtype(np.int8): n.NCCL_INT8, np.dtype(np.uint8): n.NCCL_UINT8,
                      np.dtype(np.int32): n.NCCL_INT32, np.dtype(np.uint32): n.NCCL_UINT32,
                      np.dtype(np.int64): n.NCCL_INT64, np.dtype(np.uint64): n.NCCL_UINT64,
                      np.dtype(np.float16): n.NCCL_FLOAT16, np.dtype(np.float32): n.NCCL_FLOAT32,
                      np.dtype(np.float64): n.NCCL_FLOAT64}
        # AVG: a SUM, then a division (NCCL_AVG needs NCCL >= 2.10 and floating types)
        self.ops = {"SUM": n.NCCL_SUM, "AVG": n.NCCL_SUM, "PRODUCT": n.NCCL_PROD,
                    "MAX": n.NCCL_MAX, "MIN": n.NCCL_MIN}

    @classmethod
    def create(cls, pg, device_id):
        """Rendezvous through the group's MPI communicator and build the NCCL communicator."""
        nccl = _module()
        uid = np.zeros(128, dtype=np.int16)  # C char values: -128..127 or 0..255
        if pg._rank == 0:
            uid[:] = nccl.get_unique_id()
        pg._wait([pg._comm.Ibcast(uid, root=0)], "NCCL communicator set-up")
        xp = _xp()
        try:
            with xp.cuda.Device(device_id):
                comm = nccl.NcclCommunicator(pg._size, tuple(int(b) for b in uid), pg._rank)
        except Exception as exc:  # noqa: BLE001 - NcclError, CUDA errors
            pg._mark_broken()
            raise DistBackendError(
                f"ember.distributed: creating the NCCL communicator on rank {pg._global_rank} "
                f"(cuda:{device_id}) failed: {exc}") from exc
        return cls(pg, comm, device_id, nccl)

    def destroy(self):
        try:
            self.comm.destroy()
        except Exception:  # noqa: BLE001
            pass

    # -- buffers
    def _contig(self, t, load=True):
        """(C-contiguous array with t's data, whether it is a copy)."""
        data = t._data
        if data.flags.c_contiguous:
            return data, False
        xp = self.xp
        return (xp.ascontiguousarray(data) if load else xp.empty(data.shape, data.dtype)), True

    def _reducible(self, arr, name):
        """(array view, NCCL datatype, NCCL op) for reducing ``arr`` with ReduceOp ``name``, or
        None when NCCL cannot do it."""
        if arr.dtype == np.bool_:
            arr = arr.view(np.uint8)
            name = {"SUM": "MAX", "PRODUCT": "MIN"}.get(name, name)  # or / and
        elif arr.dtype.kind == "c":
            if name not in ("SUM", "AVG"):
                return None
            arr = arr.view(np.float32 if arr.dtype == np.complex64 else np.float64)
        op = self.ops.get(name)
        dt = self.types.get(arr.dtype)
        if op is None or dt is None:
            return None
        return arr, dt, op

    @staticmethod
    def _bytes(arr):
        """A contiguous array as raw bytes (data movement works for every dtype)."""
        return arr.reshape(-1).view(np.uint8)

    def _post(self, name, dtype_name):
        """What to apply to the reduced array on the root(s): AVG's division, bfloat16 rounding."""
        n = self.pg._size
        post = None
        if name == "AVG":
            xp = self.xp

            def avg(a):
                if a.dtype.kind in "fc":
                    a /= n
                else:  # integer average truncates toward zero
                    q = xp.abs(a) // n
                    a[...] = xp.where(a < 0, -q, q)
            post = avg
        if dtype_name == "bfloat16":
            from .._dtype import round_bf16
            inner = post

            def post(a, inner=inner):  # noqa: F811
                if inner is not None:
                    inner(a)
                a[...] = round_bf16(a)
        return post

    @staticmethod
    def _commit(t, arr, copied, post=None, bump=True):
        if post is not None:
            post(arr)
        if copied:
            t._data[...] = arr
        if bump:
            t._version_box[0] += 1

    # -- completion
    def _stream(self):
        return self.xp.cuda.get_current_stream()

    def _record(self):
        ev = self.xp.cuda.Event(block=False, disable_timing=True)
        with self.device:
            ev.record(self._stream())
        return ev

    def _fail(self, what, why, exc=None):
        try:
            self.comm.abort()
        except Exception:  # noqa: BLE001
            pass
        self.pg._mark_broken()
        err = DistBackendError(
            f"ember.distributed: {what} (NCCL) {why} on rank {self.pg._global_rank}: another "
            "rank died, hangs, or did not call the same collective. The NCCL communicator was "
            "aborted; the process group is unusable now.")
        if exc is not None:
            raise err from exc
        raise err

    def _wait_event(self, holder, what, timeout=None):
        """Poll the operation's CUDA event (``holder[0]``) against the group's timeout."""
        ev = holder[0]
        if ev is None:
            raise RuntimeError(f"ember.distributed: {what} was started inside an NCCL group "
                               "that has not ended yet")
        if ev.done:
            return
        limit = self.pg._timeout if timeout is None else timeout
        now = time.monotonic
        start = now()
        end, spin_end = start + limit, start + 0.01
        check = getattr(self.comm, "check_async_error", None)
        n = 0
        while not ev.done:
            n += 1
            if n % 64 == 0:
                t = now()
                if t > end:
                    self._fail(what, f"timed out after {limit:g} s (the process group's timeout)")
                if check is not None:
                    try:
                        check()
                    except Exception as exc:  # noqa: BLE001 - NcclError
                        self._fail(what, f"failed ({exc})", exc)
                if t > spin_end:
                    time.sleep(min(1e-3, 1e-6 * n))
                    continue
            _mpi.yield_cpu()

    def _done(self, what, finish, outputs, async_op, keep=None):
        """Record the completion event; wait now (``async_op=False``) or return a Work.

        ``keep``: staging buffers the enqueued kernels use, held by the Work until it is done.
        """
        holder = [None]
        if _group["depth"]:
            _group["pending"].append((self, holder))
        else:
            holder[0] = self._record()
        if not async_op:
            self._wait_event(holder, what)
            if finish is not None:
                finish()
            return None
        from .distributed_c10d import Work
        w = Work(self.pg, what, [], finish, outputs,
                 waiter=lambda timeout=None: self._wait_event(holder, what, timeout),
                 tester=lambda: holder[0] is not None and holder[0].done)
        w._keep = keep
        return w

    # -- operations
    def all_reduce(self, t, name, async_op):
        arr, copied = self._contig(t)
        red = self._reducible(arr, name)
        if red is None:
            return NotImplemented
        buf, dt, op = red
        with self.device:
            self.comm.allReduce(buf.data.ptr, buf.data.ptr, buf.size, dt, op, self._stream().ptr)
        post = self._post(name, t._dtype.name)
        return self._done("all_reduce", lambda: self._commit(t, arr, copied, post), [t],
                          async_op)

    def broadcast(self, t, root, async_op):
        arr, copied = self._contig(t, load=self.pg._rank == root)
        buf = self._bytes(arr)
        with self.device:
            self.comm.broadcast(buf.data.ptr, buf.data.ptr, buf.size, self.nccl.NCCL_UINT8,
                                root, self._stream().ptr)
        return self._done("broadcast", lambda: self._commit(t, arr, copied), [t], async_op)

    def reduce(self, t, name, root, async_op):
        arr, copied = self._contig(t)
        red = self._reducible(arr, name)
        if red is None:
            return NotImplemented
        buf, dt, op = red
        with self.device:
            self.comm.reduce(buf.data.ptr, buf.data.ptr, buf.size, dt, op, root,
                             self._stream().ptr)
        if self.pg._rank == root:
            post = self._post(name, t._dtype.name)
            fin = lambda: self._commit(t, arr, copied, post)  # noqa: E731
        else:
            fin = None  # the other ranks' tensors are left as they were
        return self._done("reduce", fin, [t], async_op, keep=arr)

    def all_gather(self, out, inp, async_op):
        src, _ = self._contig(inp)
        arr, copied = self._contig(out, load=False)
        sbuf, rbuf = self._bytes(src), self._bytes(arr)
        with self.device:
            self.comm.allGather(sbuf.data.ptr, rbuf.data.ptr, sbuf.size, self.nccl.NCCL_UINT8,
                                self._stream().ptr)
        return self._done("all_gather_into_tensor", lambda: self._commit(out, arr, copied),
                          [out], async_op, keep=src)

    def reduce_scatter(self, out, inp, name, async_op):
        src, _ = self._contig(inp)
        arr, copied = self._contig(out, load=False)
        red_in = self._reducible(src, name)
        red_out = self._reducible(arr, name)
        if red_in is None or red_out is None:
            return NotImplemented
        (sbuf, dt, op), (rbuf, _, _) = red_in, red_out
        with self.device:
            # recvcount: the elements each rank receives
            self.comm.reduceScatter(sbuf.data.ptr, rbuf.data.ptr, rbuf.size, dt, op,
                                    self._stream().ptr)
        post = self._post(name, out._dtype.name)
        return self._done("reduce_scatter_tensor", lambda: self._commit(out, arr, copied, post),
                          [out], async_op, keep=src)

    def send(self, t, peer):
        src, _ = self._contig(t)
        buf = self._bytes(src)
        with self.device:
            self.comm.send(buf.data.ptr, buf.size, self.nccl.NCCL_UINT8, peer,
                           self._stream().ptr)
        return self._done(f"send to rank {self.pg._ranks[peer]}", None, [t], True, keep=src)

    def recv(self, t, peer):
        arr, copied = self._contig(t, load=False)
        buf = self._bytes(arr)
        with self.device:
            self.comm.recv(buf.data.ptr, buf.size, self.nccl.NCCL_UINT8, peer,
                           self._stream().ptr)
        source = self.pg._ranks[peer]

        def fin():
            self._commit(t, arr, copied)
            return source
        return self._done(f"recv from rank {source}", fin, [t], True)
