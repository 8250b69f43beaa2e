"""A stand-in for CuPy's ``cupy.cuda.nccl`` (tests only), on top of mpi4py, so that ember's NCCL
code path runs on the NumPy-backed fake CUDA arrays of ``ember.cuda._fake``.

It takes exactly what CuPy's ``NcclCommunicator`` takes -- raw device pointers (the fake
arrays' host addresses), element counts, ``NCCL_*`` datatype and op codes, a stream handle as an
int -- and checks it: argument types, the 128-value unique id, that every rank was given the same
id, and (in :func:`groupEnd`) that group calls are paired. Operations run at once with blocking
MPI calls (the fake CUDA streams are synchronous), except inside ``groupStart()/groupEnd()``,
where they are queued and started together as NCCL does. ``calls`` records what was called.

Limits: one communicator spans ``MPI.COMM_WORLD`` (the tests' groups are the world).

Use::

    from ember.cuda import _fake
    import fake_nccl
    _fake.install(device_count=1)
    _fake._module.cuda.nccl = fake_nccl
"""
import ctypes
import os

import numpy as np
from mpi4py import MPI

available = True

# the values of cupy_backends/cuda/libs/nccl.pxd
NCCL_SUM, NCCL_PROD, NCCL_MAX, NCCL_MIN, NCCL_AVG = 0, 1, 2, 3, 4
NCCL_INT8 = NCCL_CHAR = 0
NCCL_UINT8 = 1
NCCL_INT32 = NCCL_INT = 2
NCCL_UINT32 = 3
NCCL_INT64 = 4
NCCL_UINT64 = 5
NCCL_FLOAT16 = NCCL_HALF = 6
NCCL_FLOAT32 = NCCL_FLOAT = 7
NCCL_FLOAT64 = NCCL_DOUBLE = 8

_DTYPES = {NCCL_INT8: np.int8, NCCL_UINT8: np.uint8, NCCL_INT32: np.int32,
           NCCL_UINT32: np.uint32, NCCL_INT64: np.int64, NCCL_UINT64: np.uint64,
           NCCL_FLOAT16: np.float16, NCCL_FLOAT32: np.float32, NCCL_FLOAT64: np.float64}
_OPS = {NCCL_SUM: MPI.SUM, NCCL_PROD: MPI.PROD, NCCL_MAX: MPI.MAX, NCCL_MIN: MPI.MIN}

calls = []  # (method name, datatype or None, inside a group)
_group = {"depth": 0, "queue": []}


class NcclError(RuntimeError):
    pass


def get_unique_id():
    """128 C ``char`` values, as CuPy returns them (signed on x86)."""
    return tuple(int(b) for b in np.frombuffer(os.urandom(128), dtype=np.int8))


def get_version():
    return 22000


def groupStart():
    _group["depth"] += 1


def groupEnd():
    if _group["depth"] <= 0:
        raise NcclError("NCCL_ERROR_INVALID_USAGE: groupEnd without groupStart")
    _group["depth"] -= 1
    if _group["depth"] == 0:
        queue, _group["queue"] = _group["queue"], []
        reqs = [start() for start in queue]
        MPI.Request.Waitall([r for r in reqs if r is not None])


def _array(ptr, count, datatype):
    if not isinstance(ptr, int) or not isinstance(count, int) or count < 0:
        raise TypeError(f"fake nccl: pointer and count must be ints, got {ptr!r}, {count!r}")
    if datatype not in _DTYPES:
        raise NcclError(f"NCCL_ERROR_INVALID_ARGUMENT: datatype {datatype!r}")
    dt = np.dtype(_DTYPES[datatype])
    if count == 0:
        return np.empty(0, dt)
    if ptr == 0:
        raise NcclError("NCCL_ERROR_INVALID_ARGUMENT: null buffer")
    raw = (ctypes.c_char * (count * dt.itemsize)).from_address(ptr)
    return np.frombuffer(raw, dtype=dt)


def _stream(stream):
    if not isinstance(stream, int):
        raise TypeError(f"fake nccl: the stream must be a cudaStream_t as an int, got {stream!r}")


def _reduce_op(op, datatype):
    if op not in _OPS:
        raise NcclError(f"NCCL_ERROR_INVALID_ARGUMENT: op {op!r}")
    return _OPS[op]


class NcclCommunicator:
    """``cupy.cuda.nccl.NcclCommunicator(ndev, commId, rank)`` over ``MPI.COMM_WORLD``."""

    def __init__(self, ndev, commId, rank):
        if not isinstance(commId, tuple) or len(commId) != 128 or \
                not all(isinstance(b, int) and -128 <= b <= 255 for b in commId):
            raise TypeError("fake nccl: commId must be the tuple of 128 chars get_unique_id() "
                            "returned")
        world = MPI.COMM_WORLD
        if ndev != world.Get_size() or rank != world.Get_rank():
            raise NcclError(f"fake nccl: only world-sized communicators (got ndev={ndev}, "
                            f"rank={rank})")
        ids = world.allgather(commId)
        if any(i != ids[0] for i in ids):
            raise NcclError("fake nccl: the ranks were given different unique ids")
        from ember.cuda import _fake
        self._device = _fake._current()
        self._comm = world.Dup()
        self._rank, self._size = rank, ndev
        calls.append(("init", None, False))

    # -- management
    def destroy(self):
        if self._comm is not None:
            self._comm.Free()
            self._comm = None

    def abort(self):
        self._comm = None

    def check_async_error(self):
        pass

    def device_id(self):
        return self._device

    def rank_id(self):
        return self._rank

    def size(self):
        return self._size

    def _run(self, name, datatype, start):
        """Run ``start`` (which returns an MPI request or None) now, or queue it in a group."""
        if self._comm is None:
            raise NcclError("fake nccl: the communicator was destroyed or aborted")
        calls.append((name, datatype, _group["depth"] > 0))
        if _group["depth"]:
            _group["queue"].append(start)
        else:
            r = start()
            if r is not None:
                r.Wait()

    def _reduce(self, send, recv, op, root=None):
        """Reduce (float16 through float32: MPI has no half-precision sum)."""
        mop = _reduce_op(op, None)
        wide = send.dtype == np.float16
        s = send.astype(np.float32) if wide else send
        r = np.empty_like(s)
        if root is None:
            self._comm.Allreduce(s, r, op=mop)
        else:
            self._comm.Reduce(s, r, op=mop, root=root)
            if self._rank != root:
                return
        recv[...] = r

    # -- collectives (CuPy's argument order)
    def allReduce(self, sendbuf, recvbuf, count, datatype, op, stream):
        _stream(stream)
        send, recv = _array(sendbuf, count, datatype), _array(recvbuf, count, datatype)
        self._run("allReduce", datatype, lambda: self._reduce(send.copy(), recv, op))

    def reduce(self, sendbuf, recvbuf, count, datatype, op, root, stream):
        _stream(stream)
        send, recv = _array(sendbuf, count, datatype), _array(recvbuf, count, datatype)
        self._run("reduce", datatype, lambda: self._reduce(send.copy(), recv, op, root))

    def broadcast(self, sendbuff, recvbuff, count, datatype, root, stream):
        _stream(stream)
        send, recv = _array(sendbuff, count, datatype), _array(recvbuff, count, datatype)

        def go():
            if self._rank == root and sendbuff != recvbuff:
                recv[...] = send
            self._comm.Bcast(recv, root=root)
        self._run("broadcast", datatype, go)

    def bcast(self, buff, count, datatype, root, stream):
        self.broadcast(buff, buff, count, datatype, root, stream)

    def allGather(self, sendbuf, recvbuf, count, datatype, stream):
        _stream(stream)
        send = _array(sendbuf, count, datatype)
        recv = _array(recvbuf, count * self._size, datatype)
        self._run("allGather", datatype, lambda: self._comm.Allgather(send.copy(), recv))

    def reduceScatter(self, sendbuf, recvbuf, recvcount, datatype, op, stream):
        _stream(stream)
        send = _array(sendbuf, recvcount * self._size, datatype)
        recv = _array(recvbuf, recvcount, datatype)

        def go():
            full = np.empty_like(send)
            self._reduce(send.copy(), full, op)
            recv[...] = full[self._rank * recvcount:(self._rank + 1) * recvcount]
        self._run("reduceScatter", datatype, go)

    def send(self, sendbuf, count, datatype, peer, stream):
        _stream(stream)
        send = _array(sendbuf, count, datatype)
        self._run("send", datatype, lambda: self._comm.Isend(send, dest=peer, tag=7))

    def recv(self, recvbuf, count, datatype, peer, stream):
        _stream(stream)
        recv = _array(recvbuf, count, datatype)
        self._run("recv", datatype, lambda: self._comm.Irecv(recv, source=peer, tag=7))
