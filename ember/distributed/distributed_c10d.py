"""``ember.distributed``: torch.distributed's process groups and collectives, run on MPI.

CPU tensors travel through MPI (mpi4py) as the NumPy arrays themselves; CUDA tensors through
NCCL (CuPy's ``cupy.cuda.nccl``) when the group was created with ``backend="nccl"`` and NCCL is
available, otherwise they are staged through host memory and MPI. ``"gloo"`` is accepted as an
alias of ``"mpi"``, so torch programs keep their ``init_process_group("gloo")``.

Start the processes with ``mpirun -n N python train.py`` (or ``srun``), or with the torchrun-like
``python -m ember.distributed.run --nproc-per-node N train.py``.

Every collective is a non-blocking MPI call polled against the process group's ``timeout``: a
rank that dies or hangs makes the others raise ``DistBackendError`` (a ``RuntimeError``) naming
the operation, the rank and the timeout, and the job is then aborted so that it ends.
"""
import datetime
import os
import pickle

import numpy as np

from . import _mpi
from ._mpi import DistBackendError, DistError

__all__ = [
    "Backend", "ReduceOp", "Work", "ProcessGroup", "GroupMember", "group", "P2POp",
    "DistError", "DistBackendError",
    "is_available", "is_initialized", "is_mpi_available", "is_nccl_available",
    "is_gloo_available", "is_torchelastic_launched", "init_process_group",
    "destroy_process_group", "get_rank", "get_world_size", "get_backend", "new_group",
    "get_global_rank", "get_group_rank", "get_process_group_ranks", "barrier",
    "monitored_barrier", "broadcast", "all_reduce", "reduce", "all_gather",
    "all_gather_into_tensor", "gather", "scatter", "reduce_scatter", "reduce_scatter_tensor",
    "all_to_all", "all_to_all_single", "send", "recv", "isend", "irecv", "batch_isend_irecv",
    "broadcast_object_list", "all_gather_object", "gather_object", "scatter_object_list",
    "default_pg_timeout",
]

default_pg_timeout = datetime.timedelta(minutes=30)

_NOT_INIT = ("Default process group has not been initialized, please make sure to call "
             "init_process_group.")


# ============================================================================ small types

class Backend(str):
    """A backend name: ``Backend.MPI`` (``"mpi"``), ``Backend.GLOO`` (``"gloo"``, runs on MPI in
    ember) or ``Backend.NCCL`` (``"nccl"``, CUDA tensors through CuPy's NCCL).

    Args:
        name (str): the backend's name, any case.

    Example:
        >>> from ember.distributed import Backend
        >>> Backend("GLOO"), Backend.NCCL
        ('gloo', 'nccl')
    """
    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"
    backend_list = ["gloo", "nccl", "mpi"]

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name}")
        value = name.lower()
        if value == "undefined":
            return str.__new__(cls, value)
        parts = [p.split(":")[-1] for p in value.split(",")]  # "cpu:gloo,cuda:nccl"
        if not parts or any(p not in cls.backend_list for p in parts):
            raise ValueError(f"Invalid backend: '{name}'. ember.distributed supports 'mpi', "
                             "'gloo' (runs on MPI) and 'nccl' (CUDA tensors via CuPy's NCCL).")
        return str.__new__(cls, value)


class RedOpType:
    """One reduction (``ReduceOp.SUM``, ...)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<RedOpType.{self.name}: {_OP_NAMES.index(self.name)}>"

    def __reduce__(self):
        return (getattr, (ReduceOp, self.name))

    def __int__(self):
        return _OP_NAMES.index(self.name)


_OP_NAMES = ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM",
             "UNUSED"]


class ReduceOp:
    """The reductions of ``all_reduce``, ``reduce`` and ``reduce_scatter``: ``SUM``, ``AVG``,
    ``PRODUCT``, ``MIN``, ``MAX``, and the bitwise ``BAND``, ``BOR``, ``BXOR`` (integers).

    Example:
        >>> import ember.distributed as dist
        >>> dist.ReduceOp.SUM
        <RedOpType.SUM: 0>
    """
    class RedOpType:  # torch spells the values ReduceOp.RedOpType.SUM too
        pass

    def __new__(cls, op=None):
        if isinstance(op, RedOpType):
            return op
        raise TypeError(f"ReduceOp expects a ReduceOp.RedOpType, got {op!r}")


for _n in _OP_NAMES[:8]:
    _v = RedOpType(_n)
    setattr(ReduceOp, _n, _v)
    setattr(ReduceOp.RedOpType, _n, _v)
del _n, _v


def _op_name(op):
    if isinstance(op, RedOpType):
        if op.name in ("PREMUL_SUM", "UNUSED"):
            raise ValueError(f"ember.distributed does not support ReduceOp.{op.name}")
        return op.name
    raise TypeError(f"op must be a torch.distributed.ReduceOp (e.g. ReduceOp.SUM), got {op!r}")


# ============================================================================ process groups

class ProcessGroup:
    """A set of ranks that run collectives together (what ``new_group`` returns).

    Holds an MPI communicator of its own (a duplicate, so user mpi4py traffic never mixes with
    ember's), the global ranks of its members, its backend name and its timeout.
    """

    def __init__(self, comm, ranks, backend, timeout):
        self._comm = comm
        self._ranks = list(ranks)
        self._backend = backend
        self._timeout = float(timeout.total_seconds() if hasattr(timeout, "total_seconds")
                              else timeout)
        self._rank = comm.Get_rank()
        self._size = comm.Get_size()
        self._global_rank = _state.world_rank
        self._nccl = None
        self._broken = False

    def rank(self):
        """This process' rank in the group."""
        return self._rank

    def size(self):
        """The number of processes in the group."""
        return self._size

    def name(self):
        return self._backend

    @property
    def timeout(self):
        return datetime.timedelta(seconds=self._timeout)

    def __repr__(self):
        return (f"<ember.distributed.ProcessGroup backend={self._backend!r} "
                f"ranks={self._ranks} rank={self._rank}>")

    # -- helpers
    def _group_rank(self, global_rank):
        try:
            return self._ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}") from None

    def _mark_broken(self):
        self._broken = True
        _mpi.mark_broken()

    def _check_usable(self, what):
        if self._broken:
            raise DistBackendError(
                f"ember.distributed: cannot run {what} on rank {self._global_rank}: an earlier "
                "collective of this process group failed or timed out.")

    def _wait(self, reqs, what, timeout=None, statuses=None):
        _mpi.wait(reqs, self._timeout if timeout is None else timeout, what, self._global_rank,
                  self._mark_broken, statuses)

    def _nccl_comm(self, tensor):
        """The NCCL communicator of this group for ``tensor``'s CUDA device (created the first
        time the group sees that device, collectively), or None: not an ``nccl`` group, or NCCL
        is not usable (the tensor is then staged through host memory and MPI)."""
        if "nccl" not in self._backend:
            return None
        if self._nccl is None:
            from . import _nccl
            self._nccl = {} if _nccl.is_available() else False
        if self._nccl is False:
            return None
        from .._device import device_of
        dev = device_of(tensor._data).index or 0
        nc = self._nccl.get(dev)
        if nc is None:
            from . import _nccl
            nc = self._nccl[dev] = _nccl.NcclComm.create(self, dev)
        return nc


class _WorldMeta(type):
    @property
    def WORLD(cls):
        return _state.default_pg


class GroupMember(metaclass=_WorldMeta):
    """``GroupMember.WORLD`` is the default group; ``GroupMember.NON_GROUP_MEMBER`` is what
    ``new_group`` returns on ranks outside the new group."""
    NON_GROUP_MEMBER = -100


class group(metaclass=_WorldMeta):
    """``group.WORLD``: the default process group (``None`` before ``init_process_group``)."""


class _State:
    def __init__(self):
        self.default_pg = None
        self.backend = None
        self.world_rank = -1
        self.world_size = -1
        self.world_comm = None


_state = _State()


# ============================================================================ availability

def is_available():
    """True: ember.distributed is always present (its MPI backend needs mpi4py at init).

    Example:
        >>> import ember.distributed as dist
        >>> dist.is_available()
        True
    """
    return True


def is_mpi_available():
    """Whether the MPI backend can be used (mpi4py is installed).

    Example:
        >>> import ember.distributed as dist
        >>> isinstance(dist.is_mpi_available(), bool)
        True
    """
    return _mpi.is_available()


def is_gloo_available():
    """Whether ``backend="gloo"`` works: in ember it runs on MPI, so this is is_mpi_available().

    Example:
        >>> import ember.distributed as dist
        >>> dist.is_gloo_available() == dist.is_mpi_available()
        True
    """
    return _mpi.is_available()


def is_nccl_available():
    """Whether the NCCL backend can be used (CuPy with ``cupy.cuda.nccl`` is installed).

    Example:
        >>> import ember.distributed as dist
        >>> isinstance(dist.is_nccl_available(), bool)
        True
    """
    from . import _nccl
    return _nccl.is_available()


def is_torchelastic_launched():
    """Whether this process was started by a torchrun-style launcher
    (``python -m ember.distributed.run`` sets ``TORCHELASTIC_RUN_ID``).

    Example:
        >>> import ember.distributed as dist
        >>> isinstance(dist.is_torchelastic_launched(), bool)
        True
    """
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


def is_initialized():
    """Whether the default process group has been initialized.

    Example:
        >>> import ember.distributed as dist
        >>> dist.is_initialized()
        False
    """
    return _state.default_pg is not None


# ============================================================================ init / teardown

def _env_int(name):
    v = os.environ.get(name)
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        raise ValueError(f"Error initializing torch.distributed using env:// rendezvous: "
                         f"environment variable {name} must be an integer, got {v!r}") from None


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Initialize the default process group. Rank and world size come from MPI.

    Start the ranks with ``mpirun -n N python train.py``, ``srun``, or
    ``python -m ember.distributed.run --nproc-per-node N train.py``. ``init_method`` (``env://``,
    ``tcp://...``, ``file://...``) and ``store`` are accepted for compatibility: MPI does the
    rendezvous. ``world_size``/``rank`` and the ``WORLD_SIZE``/``RANK`` environment variables,
    when given, must agree with MPI's. Missing ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and
    ``LOCAL_WORLD_SIZE`` environment variables are filled in from MPI.

    Args:
        backend (str, optional): ``"mpi"``, ``"gloo"`` (alias of ``"mpi"``) or ``"nccl"``
            (CUDA tensors through CuPy's NCCL; CPU tensors still use MPI). Default: ``"nccl"``
            when NCCL is available, else ``"gloo"``.
        init_method (str, optional): accepted and ignored (MPI rendezvous).
        timeout (datetime.timedelta, optional): how long a collective may wait for the other
            ranks before raising. Default: 30 minutes.
        world_size (int): the number of processes; -1 (default) takes MPI's.
        rank (int): this process' rank; -1 (default) takes MPI's.
        store, group_name, pg_options, device_id: accepted for compatibility.

    Example::

        import ember.distributed as dist      # run under mpirun -n 2
        dist.init_process_group("gloo")
        dist.get_rank(), dist.get_world_size()
        # (0, 2)
    """
    if _state.default_pg is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if backend is None:
        backend = "nccl" if is_nccl_available() else "gloo"
    backend = Backend(backend)
    if timeout is None:
        timeout = default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got "
                        f"{type(timeout)}")
    MPI = _mpi.load()
    world = MPI.COMM_WORLD
    mpi_rank, mpi_size = world.Get_rank(), world.Get_size()
    checks = [("rank argument", rank if rank != -1 else None, mpi_rank),
              ("world_size argument", world_size if world_size != -1 else None, mpi_size),
              ("RANK environment variable", _env_int("RANK"), mpi_rank),
              ("WORLD_SIZE environment variable", _env_int("WORLD_SIZE"), mpi_size)]
    for what, given, have in checks:
        if given is not None and given != have:
            raise RuntimeError(
                f"ember.distributed: the {what} is {given} but MPI says this process has "
                f"rank {mpi_rank} of world size {mpi_size}. ember's ranks come from MPI: start "
                f"the processes with `mpirun -n N python script.py` or `python -m "
                f"ember.distributed.run --nproc-per-node N script.py`, not with separate "
                "python commands.")
    comm = world.Dup()
    local = world.Split_type(MPI.COMM_TYPE_SHARED, key=mpi_rank)
    local_rank, local_size = local.Get_rank(), local.Get_size()
    local.Free()
    for name, val in (("RANK", mpi_rank), ("WORLD_SIZE", mpi_size), ("LOCAL_RANK", local_rank),
                      ("LOCAL_WORLD_SIZE", local_size)):
        os.environ.setdefault(name, str(val))
    _state.world_rank, _state.world_size, _state.world_comm = mpi_rank, mpi_size, comm
    _state.backend = backend
    _state.default_pg = ProcessGroup(comm, range(mpi_size), backend, timeout)
    _mpi.install_abort_handlers()


def destroy_process_group(group=None):
    """Tear down a process group (the default one, and with it all groups, when ``group`` is
    None). MPI itself stays initialised until the interpreter exits, so
    ``init_process_group`` may be called again.

    Args:
        group (ProcessGroup, optional): the group to destroy.

    Example::

        dist.destroy_process_group()
        dist.is_initialized()
        # False
    """
    if group is GroupMember.NON_GROUP_MEMBER:
        return
    if group is None or group is _state.default_pg:
        if _state.default_pg is None:
            raise ValueError(_NOT_INIT)
        pg = _state.default_pg
        _state.default_pg = None
        _state.backend = None
        _free(pg)
        return
    _free(group)


def _free(pg):
    _AR_FAST.clear()
    try:
        for nc in (pg._nccl or {}).values():
            nc.destroy()
        if not pg._broken:
            pg._comm.Free()
    except Exception:  # noqa: BLE001 - teardown is best effort
        pass


def _default():
    if _state.default_pg is None:
        raise ValueError(_NOT_INIT)
    return _state.default_pg


def _pg(group):
    """The ProcessGroup for a ``group=`` argument, or None for a non-member."""
    if group is None or group is _state.default_pg:
        return _default()
    if group is GroupMember.NON_GROUP_MEMBER:
        _default()
        return None
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup returned by new_group, got {group!r}")
    return group


def get_rank(group=None):
    """This process' rank in ``group`` (the default group when None); -1 for a non-member.

    Args:
        group (ProcessGroup, optional): the group.

    Example::

        dist.get_rank()     # under mpirun -n 2, on the second process
        # 1
    """
    pg = _pg(group)
    return -1 if pg is None else pg._rank


def get_world_size(group=None):
    """The number of processes in ``group`` (the default group when None); -1 for a
    non-member.

    Args:
        group (ProcessGroup, optional): the group.

    Example::

        dist.get_world_size()   # under mpirun -n 2
        # 2
    """
    pg = _pg(group)
    return -1 if pg is None else pg._size


def get_backend(group=None):
    """The backend name of ``group`` (as given to ``init_process_group``/``new_group``).

    Args:
        group (ProcessGroup, optional): the group.

    Example::

        dist.init_process_group("gloo"); dist.get_backend()
        # 'gloo'
    """
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg._backend


def get_process_group_ranks(group):
    """The global ranks of the members of ``group``.

    Args:
        group (ProcessGroup): the group.

    Example::

        g = dist.new_group([0, 1]); dist.get_process_group_ranks(g)
        # [0, 1]
    """
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return list(pg._ranks)


def get_global_rank(group, group_rank):
    """The global rank of the process with rank ``group_rank`` in ``group``.

    Args:
        group (ProcessGroup): the group.
        group_rank (int): a rank inside the group.

    Example::

        g = dist.new_group([1, 2]); dist.get_global_rank(g, 0)
        # 1
    """
    pg = _pg(group)
    if pg is None or not 0 <= group_rank < pg._size:
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return pg._ranks[group_rank]


def get_group_rank(group, global_rank):
    """The rank in ``group`` of the process with global rank ``global_rank``.

    Args:
        group (ProcessGroup): the group.
        global_rank (int): a global rank.

    Example::

        g = dist.new_group([1, 2]); dist.get_group_rank(g, 2)
        # 1
    """
    pg = _pg(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg._group_rank(global_rank)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None,
              use_local_synchronization=False, group_desc=None, device_id=None):
    """Create a process group of a subset of the ranks. Every rank of the default group must
    call it with the same ``ranks``; it returns ``GroupMember.NON_GROUP_MEMBER`` on the others.

    Args:
        ranks (list of int, optional): the global ranks of the members (all when None).
        timeout (datetime.timedelta, optional): the group's timeout (default: the default
            group's).
        backend (str, optional): the group's backend (default: the default group's).
        pg_options, use_local_synchronization, group_desc, device_id: accepted for
            compatibility.

    Example::

        g = dist.new_group([0, 1])
        t = ember.ones(1); dist.all_reduce(t, group=g)
    """
    world = _default()
    ranks = list(range(world._size)) if ranks is None else sorted(int(r) for r in ranks)
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group: ranks must be distinct, got {ranks}")
    for r in ranks:
        if not 0 <= r < world._size:
            raise ValueError(f"The new group's rank should be within the world_size set by "
                             f"init_process_group, got rank {r} for world size {world._size}")
    backend = Backend(backend) if backend is not None else world._backend
    timeout = timeout if timeout is not None else world.timeout
    if world._rank not in ranks:
        return GroupMember.NON_GROUP_MEMBER
    mgroup = world._comm.Get_group().Incl(ranks)
    comm = world._comm.Create_group(mgroup, tag=1)
    mgroup.Free()
    return ProcessGroup(comm, ranks, backend, timeout)


# ============================================================================ Work

class _Future:
    """A minimal ``torch.futures.Future`` for ``Work.get_future()``."""

    def __init__(self, work):
        self._work = work

    def wait(self):
        self._work.wait()
        return self._work.result()

    def value(self):
        return self._work.result()

    def done(self):
        return self._work.is_completed()

    def then(self, callback):
        self.wait()
        fut = _DoneFuture(callback(self))
        return fut


class _DoneFuture:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value

    value = wait

    def done(self):
        return True


class Work:
    """A pending communication (what ``async_op=True`` and ``isend``/``irecv`` return).

    ``wait()`` blocks until it is done (raising after the group's timeout), ``is_completed()``
    checks without blocking. The output tensors are written when it completes.

    Example::

        w = dist.all_reduce(t, async_op=True)
        w.wait()
        # True
    """

    def __init__(self, pg, what, reqs, finish=None, outputs=(), waiter=None, tester=None):
        self._pg = pg
        self._what = what
        self._reqs = reqs
        self._finish = finish
        self._outputs = list(outputs)
        self._done = False
        self._exc = None
        self._waiter = waiter  # NCCL works poll CUDA events instead of MPI requests
        self._tester = tester
        self._statuses = None  # MPI statuses to fill (receives from any source)
        self.source = None

    def _complete(self):
        self._done = True
        if self._finish is not None:
            fin, self._finish = self._finish, None
            r = fin()
            if r is not None:
                self.source = r

    def wait(self, timeout=None):
        """Block until the operation is done; returns True.

        Args:
            timeout (datetime.timedelta, optional): overrides the group's timeout.
        """
        if self._done:
            if self._exc is not None:
                raise self._exc
            return True
        t = None if timeout is None else (timeout.total_seconds()
                                          if hasattr(timeout, "total_seconds") else timeout)
        try:
            if self._waiter is not None:
                self._waiter(t)
            elif self._reqs:
                self._pg._wait(self._reqs, self._what, t, self._statuses)
        except DistError as exc:
            self._done, self._exc = True, exc
            raise
        self._complete()
        return True

    def is_completed(self):
        """Whether the operation has finished (completes it if so)."""
        if self._done:
            return True
        if self._tester is not None:
            ready = self._tester()
        else:
            ready = not self._reqs or (
                _mpi.load().Request.Testall(self._reqs) if self._statuses is None else
                _mpi.load().Request.Testall(self._reqs, self._statuses))
        if ready:
            self._complete()
        return self._done

    def is_success(self):
        """Whether the operation finished without error."""
        return self.is_completed() and self._exc is None

    def exception(self):
        """The error the operation ended with, or None."""
        return self._exc

    def synchronize(self):
        self.wait()

    def result(self):
        """The output tensors of the operation."""
        return self._outputs

    def get_future(self):
        """A future whose ``wait()`` completes the operation and returns its outputs."""
        return _Future(self)

    def __repr__(self):
        return f"<ember.distributed.Work {self._what} completed={self._done}>"


def _finish_work(pg, what, reqs, finish, async_op, outputs=()):
    w = Work(pg, what, reqs, finish, outputs)
    if async_op:
        return w
    w.wait()
    return None


# ============================================================================ buffers

_Tensor = []


def _tensor_cls():
    if not _Tensor:
        from .._tensor import Tensor
        _Tensor.append(Tensor)
    return _Tensor[0]


def _check_tensor(t, name):
    if not isinstance(t, _Tensor[0] if _Tensor else _tensor_cls()):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        f"torch.Tensor but got {type(t)} instead.")


def _check_list(ts, name):
    from .._tensor import Tensor
    if not isinstance(ts, (list, tuple)) or not all(isinstance(t, Tensor) for t in ts):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type "
                        "List[torch.Tensor] but got {} instead.".format(type(ts)))


def _host(arr):
    """Whether ``arr`` is host memory (a NumPy array, not a CUDA array or the tests' stand-in
    for one)."""
    return type(arr) is np.ndarray or (isinstance(arr, np.ndarray) and
                                       not getattr(arr, "_ember_fake_cuda", False))


def _to_device(host_arr):
    """A host array copied to the current CUDA device."""
    from .._device import _cuda_xp
    return _cuda_xp().asarray(host_arr)


def _to_host(arr):
    """A C-contiguous host array with arr's values (arr itself when it already is one)."""
    if _host(arr):
        return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)
    return arr.get()


def _wire(arr, dtype, reduce):
    """The array MPI sees for ``arr``: bool as uint8, float16 as uint16 bytes (or float32 for
    reductions, which MPI libraries may lack for half precision)."""
    k = arr.dtype
    if k == np.bool_:
        return arr.view(np.uint8)
    if k == np.float16:
        return arr.astype(np.float32) if reduce else arr.view(np.uint16)
    return arr


class _Out:
    """An output tensor seen as a contiguous host array MPI writes into; ``commit()`` puts the
    values back where they belong (non-contiguous views, GPU memory, float16) and bumps the
    tensor's version counter, as torch's in-place collectives do."""
    __slots__ = ("t", "arr", "wire", "copy_back", "wire_copy")

    def __init__(self, t, reduce=False, load=True):
        data = t._data
        if _host(data) and data.flags.c_contiguous:
            self.arr, self.copy_back = data, False
        elif _host(data):
            self.arr = np.ascontiguousarray(data) if load else np.empty(data.shape, data.dtype)
            self.copy_back = True
        else:
            self.arr = data.get() if load else np.empty(data.shape, data.dtype)
            self.copy_back = True
        self.t = t
        self.wire = _wire(self.arr, t._dtype, reduce)
        # float16 reductions run on a float32 copy, written back in commit()
        self.wire_copy = self.arr.dtype == np.float16 and self.wire.dtype == np.float32

    def commit(self, post=None):
        if self.wire_copy:
            self.arr[...] = self.wire
        if post is not None:
            post(self.arr)
        t = self.t
        if self.copy_back:
            if _host(t._data):
                t._data[...] = self.arr
            else:
                t._data[...] = _to_device(self.arr)
        t._version_box[0] += 1


_FAST_PLANS = {}
# all_reduce's synchronous CPU fast path: (op, dtype, group argument) -> what the call needs
# (ProcessGroup, its Iallreduce, MPI.IN_PLACE, MPI op, timeout, global rank, mark-broken),
# filled by the first call that passed every check; emptied when a process group is destroyed
_AR_FAST = {}


def _reduce_plan(op, t, what):
    """(mpi op, post-processing of the reduced host array) for ReduceOp ``op`` on tensor t."""
    dt = t._dtype
    fast = _FAST_PLANS.get((op, dt))
    if fast is not None:
        return fast
    plan = _make_plan(op, t, what)
    if isinstance(op, RedOpType) and plan[1] is None:
        _FAST_PLANS[(op, dt)] = plan
    return plan


def _make_plan(op, t, what):
    name = _op_name(op)
    dt = t._dtype
    if dt.is_complex and name in ("MAX", "MIN", "BAND", "BOR", "BXOR"):
        raise ValueError(f"{what} does not support {name} on complex tensors")
    if dt.name == "bool":
        if name == "AVG":
            raise ValueError("Cannot use ReduceOp.AVG with boolean inputs")
        name = {"SUM": "MAX", "PRODUCT": "MIN"}.get(name, name)  # as torch's NCCL backend
    if name in ("BAND", "BOR", "BXOR") and (dt.is_floating_point or dt.is_complex):
        raise ValueError(f"ReduceOp.{name} is only supported for integer and bool tensors")
    post = None
    if name == "AVG":
        post = _avg_post
    if dt.name == "bfloat16":
        from .._dtype import round_bf16
        inner = post

        def post(arr, n=None, inner=inner):  # noqa: F811
            if inner is not None:
                inner(arr, n)
            arr[...] = round_bf16(arr)
    return _mpi.mpi_op(name), post


def _avg_post(arr, n):
    if arr.dtype.kind in "fc":
        arr /= n
    else:  # integer average truncates toward zero, as NCCL's
        q = np.abs(arr) // n
        arr[...] = np.where(arr < 0, -q, q)


def _bind(post, n):
    if post is None:
        return None
    return lambda arr: post(arr, n)


def _counts_numel(tensors):
    return [int(t._data.size) for t in tensors]


# ============================================================================ collectives

def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``tensor`` across all ranks, in place: afterwards every rank holds the result.

    Args:
        tensor (Tensor): input and output of the collective.
        op (ReduceOp): ``SUM`` (default), ``AVG``, ``PRODUCT``, ``MIN``, ``MAX``, ``BAND``,
            ``BOR``, ``BXOR``. For bool tensors SUM is a logical or, PRODUCT a logical and.
        group (ProcessGroup, optional): the group (default: the world).
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        t = ember.tensor([1., 2.]) * (dist.get_rank() + 1)   # 2 ranks
        dist.all_reduce(t); t
        # tensor([3., 6.])
    """
    if not async_op:
        # fast path (synchronous, contiguous CPU tensor, an op/dtype MPI reduces directly): one
        # dict lookup for the (op, dtype, group) checked before, then the tensor's own memory is
        # reduced in place; no Work, no buffer objects
        try:
            fast = _AR_FAST.get((op, tensor._dtype, group))
        except (AttributeError, TypeError):  # not a tensor / an unhashable op: checked below
            fast = None
        if fast is not None:
            data = tensor._data
            if type(data) is np.ndarray and data.flags.c_contiguous and \
                    isinstance(tensor, _Tensor[0]):
                pg, iallreduce, in_place, mop, timeout, rank, mark_broken = fast
                if pg._broken:
                    pg._check_usable("all_reduce")
                _mpi.wait_one(iallreduce(in_place, data, mop), timeout, "all_reduce", rank,
                              mark_broken)
                tensor._version_box[0] += 1
                return None
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("all_reduce")
    mop, post = _reduce_plan(op, tensor, "all_reduce")
    data = tensor._data
    if not async_op and post is None and type(data) is np.ndarray and data.flags.c_contiguous \
            and data.dtype.char not in "?e":
        if isinstance(op, RedOpType):
            _AR_FAST[(op, tensor._dtype, group)] = (
                pg, pg._comm.Iallreduce, _mpi.IN_PLACE[0], mop, pg._timeout, pg._global_rank,
                pg._mark_broken)
        _mpi.wait_one(pg._comm.Iallreduce(_mpi.IN_PLACE[0], data, mop), pg._timeout,
                      "all_reduce", pg._global_rank, pg._mark_broken)
        tensor._version_box[0] += 1
        return None
    nc = None if _host(data) else pg._nccl_comm(tensor)
    if nc is not None:
        r = nc.all_reduce(tensor, _op_name(op), async_op)
        if r is not NotImplemented:
            return r
    out = _Out(tensor, reduce=True)
    req = pg._comm.Iallreduce(_mpi.load().IN_PLACE, out.wire, mop)
    post = _bind(post, pg._size)
    return _finish_work(pg, "all_reduce", [req], lambda: out.commit(post), async_op, [tensor])


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy ``tensor`` from rank ``src`` to every rank, in place.

    Args:
        tensor (Tensor): data to send on ``src``; filled with it on the other ranks.
        src (int): the global rank that sends.
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.
        group_src (int, optional): the sender's rank within ``group`` (instead of ``src``).

    Example::

        t = ember.tensor([float(dist.get_rank())]); dist.broadcast(t, src=0); t
        # tensor([0.])
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("broadcast")
    root = _root(pg, src, group_src, "src")
    nc = None if _host(tensor._data) else pg._nccl_comm(tensor)
    if nc is not None:
        return nc.broadcast(tensor, root, async_op)
    out = _Out(tensor, load=pg._rank == root)
    req = pg._comm.Ibcast(out.wire, root=root)
    return _finish_work(pg, "broadcast", [req], out.commit, async_op, [tensor])


def _root(pg, rank, group_rank, name):
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both group_{name} and {name}")
        r = int(group_rank)
    else:
        if rank is None:
            rank = 0
        r = pg._group_rank(int(rank))
    if not 0 <= r < pg._size:
        raise ValueError(f"Invalid {name} rank {r} for a group of size {pg._size}")
    return r


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Reduce ``tensor`` across ranks into rank ``dst`` (in place there; the other ranks'
    tensors are left as they were).

    Args:
        tensor (Tensor): input, and the output on ``dst``.
        dst (int): the global rank that receives the result.
        op (ReduceOp): the reduction (default SUM).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.
        group_dst (int, optional): the receiver's rank within ``group``.

    Example::

        t = ember.ones(2); dist.reduce(t, dst=0)   # rank 0 of 2 now holds [2., 2.]
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("reduce")
    root = _root(pg, dst, group_dst, "dst")
    mop, post = _reduce_plan(op, tensor, "reduce")
    nc = None if _host(tensor._data) else pg._nccl_comm(tensor)
    if nc is not None:
        r = nc.reduce(tensor, _op_name(op), root, async_op)
        if r is not NotImplemented:
            return r
    MPI = _mpi.load()
    if pg._rank == root:
        out = _Out(tensor, reduce=True)
        req = pg._comm.Ireduce(MPI.IN_PLACE, out.wire, mop, root=root)
        fin = lambda: out.commit(_bind(post, pg._size))  # noqa: E731
    else:
        send = _wire(_to_host(tensor._data), tensor._dtype, True)
        req = pg._comm.Ireduce(send, None, mop, root=root)
        fin = None
    return _finish_work(pg, "reduce", [req], fin, async_op, [tensor])


def _same_dtype(ts, ref, what):
    for t in ts:
        if t._dtype is not ref._dtype:
            raise ValueError(f"{what}: all tensors must have the same dtype, got {t.dtype} and "
                             f"{ref.dtype}")


def _gatherv_parts(outs_flat, tensors):
    """Copy a flat received host buffer into a list of tensors (each committed in place)."""
    off = 0
    for t in tensors:
        n = int(t._data.size)
        chunk = outs_flat[off:off + n].reshape(t._data.shape)
        off += n
        if _host(t._data):
            t._data[...] = chunk
        else:
            t._data[...] = _to_device(chunk)
        t._version_box[0] += 1


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Gather ``tensor`` from every rank into ``tensor_list`` (one entry per rank) on all ranks.

    Args:
        tensor_list (list of Tensor): ``world_size`` output tensors; entry ``i`` receives rank
            ``i``'s tensor and must have its shape.
        tensor (Tensor): this rank's contribution.
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        out = [ember.zeros(2) for _ in range(2)]
        dist.all_gather(out, ember.ones(2) * dist.get_rank())
        out
        # [tensor([0., 0.]), tensor([1., 1.])]
    """
    _check_list(tensor_list, "tensor_list")
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("all_gather")
    if len(tensor_list) != pg._size:
        raise ValueError(f"all_gather: tensor_list must have {pg._size} tensors (the group "
                         f"size), got {len(tensor_list)}")
    _same_dtype(tensor_list, tensor, "all_gather")
    counts = _counts_numel(tensor_list)
    if counts[pg._rank] != tensor._data.size:
        raise ValueError(f"all_gather: tensor_list[{pg._rank}] has {counts[pg._rank]} elements "
                         f"but this rank's tensor has {tensor._data.size}")
    send = _wire(_to_host(tensor._data), tensor._dtype, False)
    recv = np.empty(sum(counts), dtype=send.dtype)
    req = pg._comm.Iallgatherv(send, [recv, counts])
    fin = lambda: _gatherv_parts(_unwire(recv, tensor), tensor_list)  # noqa: E731
    return _finish_work(pg, "all_gather", [req], fin, async_op, tensor_list)


def _unwire(flat, t):
    """Undo ``_wire`` on a received flat buffer (uint8 -> bool, uint16 -> float16)."""
    k = t._data.dtype
    if flat.dtype != k:
        return flat.view(k)
    return flat


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Gather every rank's ``input_tensor`` into one tensor: ``output_tensor`` is either the
    concatenation along dim 0 (``world_size * n`` rows) or the stack (``(world_size, ...)``).

    Args:
        output_tensor (Tensor): receives the gathered data (``world_size`` times the input's
            number of elements).
        input_tensor (Tensor): this rank's contribution.
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        out = ember.zeros(4)
        dist.all_gather_into_tensor(out, ember.ones(2) * dist.get_rank()); out
        # tensor([0., 0., 1., 1.])
    """
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("all_gather_into_tensor")
    if output_tensor._dtype is not input_tensor._dtype:
        raise ValueError("all_gather_into_tensor: output and input must have the same dtype")
    if output_tensor._data.size != pg._size * input_tensor._data.size:
        raise ValueError(
            f"output tensor size must be equal to world_size times input tensor size "
            f"(got {output_tensor._data.size} and {pg._size} x {input_tensor._data.size})")
    nc = None if _host(input_tensor._data) or _host(output_tensor._data) else \
        pg._nccl_comm(input_tensor)
    if nc is not None:
        return nc.all_gather(output_tensor, input_tensor, async_op)
    send = _wire(_to_host(input_tensor._data), input_tensor._dtype, False)
    out = _Out(output_tensor, load=False)
    req = pg._comm.Iallgather(send, out.wire)
    return _finish_work(pg, "all_gather_into_tensor", [req], out.commit, async_op,
                        [output_tensor])


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Gather ``tensor`` from every rank into ``gather_list`` on rank ``dst``.

    Args:
        tensor (Tensor): this rank's contribution.
        gather_list (list of Tensor, optional): ``world_size`` outputs, on ``dst`` only (None
            or empty elsewhere).
        dst (int): the global rank that receives (default 0).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.
        group_dst (int, optional): the receiver's rank within ``group``.

    Example::

        out = [ember.zeros(1) for _ in range(2)] if dist.get_rank() == 0 else None
        dist.gather(ember.ones(1) * dist.get_rank(), out, dst=0)
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("gather")
    root = _root(pg, dst, group_dst, "dst")
    send = _wire(_to_host(tensor._data), tensor._dtype, False)
    if pg._rank == root:
        if not gather_list:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_list(gather_list, "gather_list")
        if len(gather_list) != pg._size:
            raise ValueError(f"gather: gather_list must have {pg._size} tensors, got "
                             f"{len(gather_list)}")
        _same_dtype(gather_list, tensor, "gather")
        counts = _counts_numel(gather_list)
        recv = np.empty(sum(counts), dtype=send.dtype)
        req = pg._comm.Igatherv(send, [recv, counts], root=root)
        fin = lambda: _gatherv_parts(_unwire(recv, tensor), gather_list)  # noqa: E731
    else:
        if gather_list:
            raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination "
                             "ranks.")
        req = pg._comm.Igatherv(send, None, root=root)
        fin = None
    return _finish_work(pg, "gather", [req], fin, async_op, gather_list or [])


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Scatter ``scatter_list`` (on rank ``src``) so that rank ``i`` receives entry ``i`` in
    ``tensor``.

    Args:
        tensor (Tensor): the output.
        scatter_list (list of Tensor, optional): ``world_size`` inputs, on ``src`` only.
        src (int): the global rank that sends (default 0).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.
        group_src (int, optional): the sender's rank within ``group``.

    Example::

        t = ember.zeros(1)
        parts = [ember.tensor([10.]), ember.tensor([20.])] if dist.get_rank() == 0 else None
        dist.scatter(t, parts, src=0); t     # on rank 1
        # tensor([20.])
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("scatter")
    root = _root(pg, src, group_src, "src")
    out = _Out(tensor, load=False)
    if pg._rank == root:
        if not scatter_list:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_list(scatter_list, "scatter_list")
        if len(scatter_list) != pg._size:
            raise ValueError(f"scatter: scatter_list must have {pg._size} tensors, got "
                             f"{len(scatter_list)}")
        _same_dtype(scatter_list, tensor, "scatter")
        counts = _counts_numel(scatter_list)
        if counts[root] != tensor._data.size:
            raise ValueError("scatter: scatter_list entries must have the output's size")
        send = np.concatenate([_wire(_to_host(t._data), t._dtype, False).reshape(-1)
                               for t in scatter_list])
        req = pg._comm.Iscatterv([send, counts], out.wire, root=root)
    else:
        if scatter_list:
            raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source "
                             "ranks.")
        req = pg._comm.Iscatterv(None, out.wire, root=root)
    return _finish_work(pg, "scatter", [req], out.commit, async_op, [tensor])


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list`` element-wise across ranks and give rank ``i`` the reduced entry
    ``i`` in ``output``.

    Args:
        output (Tensor): this rank's result.
        input_list (list of Tensor): ``world_size`` inputs; entry ``i`` goes to rank ``i``.
        op (ReduceOp): the reduction (default SUM).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        out = ember.zeros(1)
        dist.reduce_scatter(out, [ember.tensor([1.]), ember.tensor([2.])])  # 2 ranks
        out          # rank 1: 2 + 2
        # tensor([4.])
    """
    _check_tensor(output, "output")
    _check_list(input_list, "input_list")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("reduce_scatter")
    if len(input_list) != pg._size:
        raise ValueError(f"reduce_scatter: input_list must have {pg._size} tensors, got "
                         f"{len(input_list)}")
    _same_dtype(input_list, output, "reduce_scatter")
    counts = _counts_numel(input_list)
    if counts[pg._rank] != output._data.size:
        raise ValueError("reduce_scatter: input_list[rank] must have the output's size")
    mop, post = _reduce_plan(op, output, "reduce_scatter")
    send = np.concatenate([_wire(_to_host(t._data), t._dtype, True).reshape(-1)
                           for t in input_list])
    out = _Out(output, reduce=True, load=False)
    req = pg._comm.Ireduce_scatter(send, out.wire, counts, mop)
    return _finish_work(pg, "reduce_scatter", [req],
                        lambda: out.commit(_bind(post, pg._size)), async_op, [output])


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input`` across ranks and give each rank its block: ``input`` is the
    concatenation (or stack) of ``world_size`` blocks of ``output``'s size.

    Args:
        output (Tensor): this rank's block of the result.
        input (Tensor): ``world_size`` times ``output``'s number of elements.
        op (ReduceOp): the reduction (default SUM).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        out = ember.zeros(1)
        dist.reduce_scatter_tensor(out, ember.tensor([1., 2.]))   # 2 ranks
        out          # rank 0: 1 + 1
        # tensor([2.])
    """
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("reduce_scatter_tensor")
    if output._dtype is not input._dtype:
        raise ValueError("reduce_scatter_tensor: output and input must have the same dtype")
    if input._data.size != pg._size * output._data.size:
        raise ValueError(
            f"input tensor must be the same size as output size times world size (got "
            f"{input._data.size} and {pg._size} x {output._data.size})")
    mop, post = _reduce_plan(op, output, "reduce_scatter_tensor")
    nc = None if _host(input._data) or _host(output._data) else pg._nccl_comm(input)
    if nc is not None:
        r = nc.reduce_scatter(output, input, _op_name(op), async_op)
        if r is not NotImplemented:
            return r
    send = _wire(_to_host(input._data), input._dtype, True)
    out = _Out(output, reduce=True, load=False)
    req = pg._comm.Ireduce_scatter_block(send, out.wire, mop)
    return _finish_work(pg, "reduce_scatter_tensor", [req],
                        lambda: out.commit(_bind(post, pg._size)), async_op, [output])


def all_to_all(output_tensor_list, input_tensor_list, group=None, async_op=False):
    """Rank ``i`` sends ``input_tensor_list[j]`` to rank ``j``, which receives it in its
    ``output_tensor_list[i]``.

    Args:
        output_tensor_list (list of Tensor): ``world_size`` outputs (one per sender).
        input_tensor_list (list of Tensor): ``world_size`` inputs (one per receiver).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        r = dist.get_rank()
        out = [ember.zeros(1) for _ in range(2)]
        dist.all_to_all(out, [ember.tensor([10. * r + j]) for j in range(2)])
    """
    _check_list(output_tensor_list, "output_tensor_list")
    _check_list(input_tensor_list, "input_tensor_list")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("all_to_all")
    n = pg._size
    if len(output_tensor_list) != n or len(input_tensor_list) != n:
        raise ValueError(f"all_to_all: both lists must have {n} tensors (the group size)")
    ref = input_tensor_list[0]
    _same_dtype(list(output_tensor_list) + list(input_tensor_list), ref, "all_to_all")
    scounts = _counts_numel(input_tensor_list)
    rcounts = _counts_numel(output_tensor_list)
    send = np.concatenate([_wire(_to_host(t._data), t._dtype, False).reshape(-1)
                           for t in input_tensor_list])
    recv = np.empty(sum(rcounts), dtype=send.dtype)
    req = pg._comm.Ialltoallv([send, scounts], [recv, rcounts])
    fin = lambda: _gatherv_parts(_unwire(recv, ref), output_tensor_list)  # noqa: E731
    return _finish_work(pg, "all_to_all", [req], fin, async_op, output_tensor_list)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,
                      group=None, async_op=False):
    """Split ``input`` along dim 0, send piece ``j`` to rank ``j``, and concatenate the pieces
    received (in rank order) into ``output``.

    Args:
        output (Tensor): the received pieces, concatenated along dim 0.
        input (Tensor): the pieces to send.
        output_split_sizes (list of int, optional): rows received from each rank (even split
            when None).
        input_split_sizes (list of int, optional): rows sent to each rank (even split when
            None).
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.

    Example::

        out = ember.zeros(2)
        dist.all_to_all_single(out, ember.arange(2.) + 2 * dist.get_rank())
        out          # rank 0 of 2: [0., 2.]
    """
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("all_to_all_single")
    if output._dtype is not input._dtype:
        raise ValueError("all_to_all_single: output and input must have the same dtype")
    n = pg._size

    def counts(t, splits, what):
        rows = t._data.shape[0] if t._data.ndim else 1
        row = int(t._data.size // rows) if rows else 0
        if splits is None or len(splits) == 0:
            if rows % n:
                raise ValueError(f"all_to_all_single: {what}'s dim 0 ({rows}) must be divisible "
                                 f"by the world size ({n}) when no split sizes are given")
            return [rows // n * row] * n
        splits = [int(s) for s in splits]
        if len(splits) != n or sum(splits) != rows:
            raise ValueError(f"all_to_all_single: {what} split sizes {splits} must have {n} "
                             f"entries summing to dim 0 ({rows})")
        return [s * row for s in splits]

    scounts = counts(input, input_split_sizes, "input")
    rcounts = counts(output, output_split_sizes, "output")
    send = _wire(_to_host(input._data), input._dtype, False)
    out = _Out(output, load=False)
    req = pg._comm.Ialltoallv([send, scounts], [out.wire, rcounts])
    return _finish_work(pg, "all_to_all_single", [req], out.commit, async_op, [output])


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank of the group has reached the barrier.

    Args:
        group (ProcessGroup, optional): the group.
        async_op (bool): return a :class:`Work` instead of waiting.
        device_ids: accepted for compatibility.

    Example::

        dist.barrier()
    """
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("barrier")
    req = pg._comm.Ibarrier()
    return _finish_work(pg, "barrier", [req], None, async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    """A barrier that raises after ``timeout`` (default: the group's timeout) if some rank does
    not arrive.

    Args:
        group (ProcessGroup, optional): the group.
        timeout (datetime.timedelta, optional): how long to wait.
        wait_all_ranks (bool): accepted for compatibility.

    Example::

        dist.monitored_barrier(timeout=datetime.timedelta(seconds=30))
    """
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("monitored_barrier")
    req = pg._comm.Ibarrier()
    t = None if timeout is None else timeout.total_seconds()
    pg._wait([req], "monitored_barrier", t)


# ============================================================================ point to point

def _peer(pg, rank, group_rank, name, allow_any=False):
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both group_{name} and {name}")
        r = int(group_rank)
    elif rank is None:
        if allow_any:
            return None
        raise ValueError(f"{name} must be specified")
    else:
        r = pg._group_rank(int(rank))
    if not 0 <= r < pg._size:
        raise ValueError(f"Invalid {name} rank {r} for a group of size {pg._size}")
    if r == pg._rank:
        raise ValueError(f"Invalid {name} rank: {name} rank should not be the same as the rank "
                         "of the current process.")
    return r


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` without waiting; returns a :class:`Work`.

    Args:
        tensor (Tensor): the data (do not modify it before the Work completes).
        dst (int): the receiver's global rank.
        group (ProcessGroup, optional): the group.
        tag (int): matches a ``recv`` with the same tag.
        group_dst (int, optional): the receiver's rank within ``group``.

    Example::

        w = dist.isend(ember.ones(2), dst=1); w.wait()
        # True
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("send")
    peer = _peer(pg, dst, group_dst, "dst")
    nc = None if _host(tensor._data) else pg._nccl_comm(tensor)
    if nc is not None:
        return nc.send(tensor, peer)
    buf = _wire(_to_host(tensor._data), tensor._dtype, False)
    req = pg._comm.Isend(buf, dest=peer, tag=int(tag))
    w = Work(pg, f"send to rank {pg._ranks[peer]}", [req], None, [tensor])
    w._keep = buf
    return w


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None) without waiting; returns a
    :class:`Work` (its ``source`` is the sender's global rank once complete).

    Args:
        tensor (Tensor): receives the data.
        src (int, optional): the sender's global rank; None receives from any rank.
        group (ProcessGroup, optional): the group.
        tag (int): matches a ``send`` with the same tag.
        group_src (int, optional): the sender's rank within ``group``.

    Example::

        t = ember.zeros(2); dist.irecv(t, src=0).wait()
        # True
    """
    _check_tensor(tensor, "tensor")
    pg = _pg(group)
    if pg is None:
        return None
    pg._check_usable("recv")
    MPI = _mpi.load()
    peer = _peer(pg, src, group_src, "src", allow_any=True)
    nc = None if _host(tensor._data) or peer is None else pg._nccl_comm(tensor)
    if nc is not None:
        return nc.recv(tensor, peer)
    out = _Out(tensor, load=False)
    status = MPI.Status()
    req = pg._comm.Irecv(out.wire, source=MPI.ANY_SOURCE if peer is None else peer,
                         tag=int(tag))

    def fin():
        out.commit()
        return pg._ranks[status.Get_source() if peer is None else peer]
    what = "recv" if peer is None else f"recv from rank {pg._ranks[peer]}"
    w = Work(pg, what, [req], fin, [tensor])
    w._statuses = [status]
    return w


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it is sent.

    Args:
        tensor (Tensor): the data.
        dst (int): the receiver's global rank.
        group (ProcessGroup, optional): the group.
        tag (int): matches a ``recv`` with the same tag.
        group_dst (int, optional): the receiver's rank within ``group``.

    Example::

        if dist.get_rank() == 0: dist.send(ember.ones(2), dst=1)
    """
    w = isend(tensor, dst, group, tag, group_dst)
    if w is not None:
        w.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's
    global rank.

    Args:
        tensor (Tensor): receives the data.
        src (int, optional): the sender's global rank.
        group (ProcessGroup, optional): the group.
        tag (int): matches a ``send`` with the same tag.
        group_src (int, optional): the sender's rank within ``group``.

    Example::

        t = ember.zeros(2)
        if dist.get_rank() == 1: dist.recv(t, src=0)
        # 0
    """
    w = irecv(tensor, src, group, tag, group_src)
    if w is None:
        return -1
    w.wait()
    return w.source


class P2POp:
    """One send or receive for :func:`batch_isend_irecv`.

    Args:
        op (callable): ``isend`` or ``irecv``.
        tensor (Tensor): the data / the receive buffer.
        peer (int, optional): the other rank (global).
        group (ProcessGroup, optional): the group.
        tag (int): the message tag.
        group_peer (int, optional): the other rank within ``group``.

    Example::

        ops = [dist.P2POp(dist.isend, ember.ones(1), 1), dist.P2POp(dist.irecv, t, 1)]
    """

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed."
                             "isend`` or ``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group = op, tensor, peer, group
        self.tag, self.group_peer = tag, group_peer


def batch_isend_irecv(p2p_op_list):
    """Start every send/receive of ``p2p_op_list`` and return their :class:`Work` objects.

    Args:
        p2p_op_list (list of P2POp): the operations.

    Example::

        for w in dist.batch_isend_irecv(ops): w.wait()
    """
    if not isinstance(p2p_op_list, list) or not all(isinstance(p, P2POp) for p in p2p_op_list):
        raise ValueError("Invalid ``p2p_op_list``. Each op is expected to to be of type "
                         "``torch.distributed.P2POp``.")
    # CUDA tensors of an nccl group: one NCCL group call, so that sends and receives between the
    # same ranks do not wait for each other (as torch's NCCL backend)
    grouped = any(not _host(p.tensor._data) and "nccl" in (_pg(p.group) or _default())._backend
                  for p in p2p_op_list)
    if grouped:
        from . import _nccl
        grouped = _nccl.is_available()
    if not grouped:
        return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]
    from . import _nccl
    for p in p2p_op_list:  # communicators are created outside the group call
        pg = _pg(p.group)
        if pg is not None and not _host(p.tensor._data):
            pg._nccl_comm(p.tensor)
    _nccl.group_start()
    try:
        return [p.op(p.tensor, p.peer, p.group, p.tag, p.group_peer) for p in p2p_op_list]
    finally:
        _nccl.group_end()


# ============================================================================ objects

def _pickle(obj):
    return np.frombuffer(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), dtype=np.uint8)


def _unpickle(buf):
    return pickle.loads(buf.tobytes())


def _obj_pg(group, what):
    pg = _pg(group)
    if pg is not None:
        pg._check_usable(what)
    return pg


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Broadcast picklable objects from rank ``src``: ``object_list`` is filled in place on the
    other ranks (it must have the same length everywhere).

    Args:
        object_list (list): the objects on ``src``; placeholders elsewhere.
        src (int): the sending global rank (default 0).
        group (ProcessGroup, optional): the group.
        device: accepted for compatibility.
        group_src (int, optional): the sender's rank within ``group``.

    Example::

        objs = [{"lr": 0.1}, 3] if dist.get_rank() == 0 else [None, None]
        dist.broadcast_object_list(objs, src=0); objs
        # [{'lr': 0.1}, 3]
    """
    pg = _obj_pg(group, "broadcast_object_list")
    if pg is None:
        return
    root = _root(pg, src, group_src, "src")
    n = len(object_list)
    if pg._rank == root:
        parts = [_pickle(o) for o in object_list]
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
    else:
        sizes = np.zeros(n, dtype=np.int64)
    pg._wait([pg._comm.Ibcast(sizes, root=root)], "broadcast_object_list")
    data = np.concatenate(parts) if pg._rank == root and n else \
        np.empty(int(sizes.sum()), dtype=np.uint8)
    pg._wait([pg._comm.Ibcast(data, root=root)], "broadcast_object_list")
    if pg._rank != root:
        off = 0
        for i, s in enumerate(sizes):
            object_list[i] = _unpickle(data[off:off + int(s)])
            off += int(s)


def all_gather_object(object_list, obj, group=None):
    """Gather a picklable object from every rank into ``object_list`` (length world size).

    Args:
        object_list (list): receives one object per rank.
        obj: this rank's object.
        group (ProcessGroup, optional): the group.

    Example::

        out = [None] * dist.get_world_size()
        dist.all_gather_object(out, {"rank": dist.get_rank()}); out
        # [{'rank': 0}, {'rank': 1}]
    """
    pg = _obj_pg(group, "all_gather_object")
    if pg is None:
        return
    if len(object_list) != pg._size:
        raise ValueError(f"all_gather_object: object_list must have {pg._size} entries, got "
                         f"{len(object_list)}")
    mine = _pickle(obj)
    sizes = np.zeros(pg._size, dtype=np.int64)
    pg._wait([pg._comm.Iallgather(np.array([len(mine)], dtype=np.int64), sizes)],
             "all_gather_object")
    counts = [int(s) for s in sizes]
    data = np.empty(sum(counts), dtype=np.uint8)
    pg._wait([pg._comm.Iallgatherv(mine, [data, counts])], "all_gather_object")
    off = 0
    for i, c in enumerate(counts):
        object_list[i] = _unpickle(data[off:off + c])
        off += c


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """Gather a picklable object from every rank into ``object_gather_list`` on rank ``dst``.

    Args:
        obj: this rank's object.
        object_gather_list (list, optional): on ``dst``, a list of world-size entries that
            receives the objects; None elsewhere.
        dst (int): the receiving global rank (default 0).
        group (ProcessGroup, optional): the group.
        group_dst (int, optional): the receiver's rank within ``group``.

    Example::

        out = [None] * 2 if dist.get_rank() == 0 else None
        dist.gather_object(dist.get_rank() * 10, out, dst=0)
    """
    pg = _obj_pg(group, "gather_object")
    if pg is None:
        return
    root = _root(pg, dst, group_dst, "dst")
    if pg._rank == root:
        if object_gather_list is None or len(object_gather_list) != pg._size:
            raise ValueError("Argument ``object_gather_list`` must be specified on destination "
                             f"rank with {pg._size} entries.")
    elif object_gather_list is not None:
        raise ValueError("Argument ``object_gather_list`` must NOT be specified on "
                         "non-destination ranks.")
    mine = _pickle(obj)
    sizes = np.zeros(pg._size, dtype=np.int64) if pg._rank == root else None
    pg._wait([pg._comm.Igather(np.array([len(mine)], dtype=np.int64), sizes, root=root)],
             "gather_object")
    if pg._rank == root:
        counts = [int(s) for s in sizes]
        data = np.empty(sum(counts), dtype=np.uint8)
        pg._wait([pg._comm.Igatherv(mine, [data, counts], root=root)], "gather_object")
        off = 0
        for i, c in enumerate(counts):
            object_gather_list[i] = _unpickle(data[off:off + c])
            off += c
    else:
        pg._wait([pg._comm.Igatherv(mine, None, root=root)], "gather_object")


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None,
                        group=None, group_src=None):
    """Scatter picklable objects from rank ``src``: rank ``i`` receives
    ``scatter_object_input_list[i]`` as ``scatter_object_output_list[0]``.

    Args:
        scatter_object_output_list (list): non-empty; its first entry receives the object.
        scatter_object_input_list (list, optional): world-size objects, on ``src``.
        src (int): the sending global rank (default 0).
        group (ProcessGroup, optional): the group.
        group_src (int, optional): the sender's rank within ``group``.

    Example::

        out = [None]
        dist.scatter_object_list(out, ["a", "b"] if dist.get_rank() == 0 else None, src=0)
        out          # on rank 1
        # ['b']
    """
    pg = _obj_pg(group, "scatter_object_list")
    if pg is None:
        return
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at "
                         "least 1.")
    root = _root(pg, src, group_src, "src")
    my_size = np.zeros(1, dtype=np.int64)
    if pg._rank == root:
        if scatter_object_input_list is None or len(scatter_object_input_list) != pg._size:
            raise ValueError(f"scatter_object_list: scatter_object_input_list must have "
                             f"{pg._size} entries on the source rank")
        parts = [_pickle(o) for o in scatter_object_input_list]
        sizes = np.array([len(p) for p in parts], dtype=np.int64)
        pg._wait([pg._comm.Iscatter(sizes, my_size, root=root)], "scatter_object_list")
        send = [np.concatenate(parts), [int(s) for s in sizes]]
    else:
        pg._wait([pg._comm.Iscatter(None, my_size, root=root)], "scatter_object_list")
        send = None
    data = np.empty(int(my_size[0]), dtype=np.uint8)
    pg._wait([pg._comm.Iscatterv(send, data, root=root)], "scatter_object_list")
    scatter_object_output_list[0] = _unpickle(data)
