"""``DistributedDataParallel``: data-parallel training over ``ember.distributed``.

How it works (the same design as torch's Reducer, in plain Python):

* At construction the parameters and buffers are broadcast from rank 0, and the parameters
  that require grad are grouped into *buckets* (reverse registration order, which is roughly
  the order backward produces their gradients; the first bucket holds ~1 MB, the others up to
  ``bucket_cap_mb``), each with one flat buffer.
* Every parameter gets a ``register_post_accumulate_grad_hook``. When the last gradient of a
  bucket has been accumulated, the bucket is copied into its buffer and a non-blocking
  ``all_reduce`` is started on it, so communication overlaps the rest of backward. Buckets are
  launched strictly in index order, so every rank issues the collectives in the same order.
* When the last bucket has been launched (still inside ``loss.backward()``) all reductions are
  waited for and the averaged gradients are written back into ``param.grad`` — the optimizer
  step that follows sees them.
* ``no_sync()`` skips all of this (gradients accumulate locally; the next synchronised backward
  reduces the sum). ``find_unused_parameters=True`` walks the autograd graph of the forward's
  outputs and counts the parameters it does not reach as ready with zero gradient, so their
  buckets complete; a usage map is reduced too, and parameters no rank used keep
  ``grad=None``.
"""
import contextlib

import numpy as np

from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_FIRST_BUCKET_BYTES = 1024 * 1024
_DEFAULT_BUCKET_MB = 25


def _tensors_in(obj, out):
    from ..._tensor import Tensor
    if isinstance(obj, Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _tensors_in(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _tensors_in(o, out)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            _tensors_in(getattr(obj, name), out)
    return out


def _reached_leaves(outputs):
    """ids of the leaf tensors the autograd graph of ``outputs`` leads to."""
    from ...autograd.function import AccumulateGrad
    used = set()
    stack, seen = [], set()
    for t in _tensors_in(outputs, []):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
        elif t._requires_grad:
            used.add(id(t))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if type(node) is AccumulateGrad:
            used.add(id(node.variable))
            continue
        for e in node._edges:
            if e is not None and id(e[0]) not in seen:
                stack.append(e[0])
    return used


class _Bucket:
    __slots__ = ("index", "params", "slices", "buffer", "tensor", "pending", "work")

    def __init__(self, index, params, xp):
        from ..._tensor import Tensor
        self.index = index
        self.params = params  # list of (param index, param)
        self.slices = []
        off = 0
        for _, p in params:
            n = int(p._data.size)
            self.slices.append((off, off + n))
            off += n
        dt = params[0][1]._dtype
        self.buffer = xp.zeros(off, dtype=dt.np)
        self.tensor = Tensor._wrap(self.buffer, dt)
        self.pending = len(params)
        self.work = None


class DistributedDataParallel(Module):
    r"""Data-parallel training: every rank holds a replica of ``module``, runs it on its own
    batch, and after ``loss.backward()`` every replica holds the gradients averaged over all
    ranks, so identical optimizer steps keep the replicas identical.

    Gradients are reduced in buckets during backward (overlapping communication with the rest
    of backward) with ``ember.distributed``'s ``all_reduce`` (MPI for CPU tensors, NCCL for
    CUDA tensors).

    Args:
        module (Module): the model to replicate.
        device_ids (list, optional): accepted for compatibility (the module stays where it is).
        output_device (optional): accepted for compatibility.
        dim (int): accepted for compatibility.
        broadcast_buffers (bool): broadcast the buffers (e.g. BatchNorm statistics) from rank
            0 at every forward. Default: True.
        init_sync (bool): broadcast parameters and buffers from rank 0 at construction.
            Default: True.
        process_group (ProcessGroup, optional): the group to average over (default: world).
        bucket_cap_mb (float, optional): bucket size in MiB. Default: 25.
        find_unused_parameters (bool): detect parameters that get no gradient in an iteration
            (they then count as zero contributions). Default: False.
        check_reduction (bool): unused (as in torch).
        gradient_as_bucket_view (bool): after the reduction, ``param.grad`` is a view into
            the bucket buffer (saves a copy). Default: False.
        static_graph (bool): accepted (the same code path serves static graphs).

    Shape:
        Whatever ``module`` takes and returns; ``forward`` passes through.

    Example::

        import ember.distributed as dist
        from ember.nn.parallel import DistributedDataParallel as DDP
        dist.init_process_group("gloo")              # under mpirun -n 2
        model = DDP(ember.nn.Linear(4, 2))
        opt = ember.optim.SGD(model.parameters(), lr=0.1)
        model(ember.randn(8, 4)).sum().backward()    # grads are averaged over the ranks
        opt.step()
        list(model.state_dict())
        # ['module.weight', 'module.bias']
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=True, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False):
        super().__init__()
        import ember.distributed as dist
        from ..._device import get_xp
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel expects an nn.Module, got "
                            f"{type(module).__name__}")
        pg = dist.distributed_c10d._pg(process_group)
        if pg is None:
            raise ValueError("DistributedDataParallel: this rank is not a member of the given "
                             "process_group")
        self.module = module
        self.process_group = pg
        self.device_ids = device_ids
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        cap = _DEFAULT_BUCKET_MB if bucket_cap_mb is None else bucket_cap_mb
        self.bucket_bytes_cap = int(cap * 1024 * 1024)

        seen = set()
        params = []
        for p in module.parameters():
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        object.__setattr__(self, "_ddp_params", params)
        self._world = pg.size()

        if init_sync and self._world > 1:
            self._broadcast_coalesced(list(module.parameters()) + list(module.buffers()))

        # buckets: reverse order, split by dtype/device and size
        buckets, cur, cur_bytes, cur_key = [], [], 0, None
        limit = min(_FIRST_BUCKET_BYTES, self.bucket_bytes_cap)
        for i in reversed(range(len(params))):
            p = params[i]
            key = (p._dtype, type(p._data))
            nbytes = p._data.size * p._data.itemsize
            if cur and (key != cur_key or cur_bytes + nbytes > limit):
                buckets.append(cur)
                cur, cur_bytes = [], 0
                limit = self.bucket_bytes_cap
            cur.append((i, p))
            cur_bytes += nbytes
            cur_key = key
        if cur:
            buckets.append(cur)
        self._buckets = [_Bucket(k, b, get_xp(b[0][1]._data)) for k, b in enumerate(buckets)]
        self._where = [None] * len(params)  # param index -> (bucket, slot)
        for b in self._buckets:
            for slot, (i, _) in enumerate(b.params):
                self._where[i] = (b, slot)
        self._ready = [False] * len(params)
        self._used = np.ones(len(params), dtype=np.int32)
        self._next_bucket = 0
        self._sync_iter = False
        self._hooked = False  # a gradient hook fired in the current iteration
        self._handles = [p.register_post_accumulate_grad_hook(self._make_hook(i))
                         for i, p in enumerate(params)]

    # ---------------------------------------------------------------- construction helpers
    def _broadcast_coalesced(self, tensors, src=0):
        """Broadcast tensors from rank ``src`` of the group, one message per dtype/device."""
        import ember.distributed as dist
        from ..._device import get_xp
        from ..._tensor import Tensor
        groups = {}
        for t in tensors:
            groups.setdefault((t._dtype, type(t._data)), []).append(t)
        is_src = self.process_group.rank() == src
        for (dt, _), ts in groups.items():
            xp = get_xp(ts[0]._data)
            flat = xp.concatenate([xp.ravel(t._data) for t in ts]) if len(ts) > 1 else \
                xp.ascontiguousarray(ts[0]._data).reshape(-1).copy()
            dist.broadcast(Tensor._wrap(flat, dt), group_src=src, group=self.process_group)
            if is_src:
                continue
            off = 0
            for t in ts:
                n = int(t._data.size)
                t._data[...] = flat[off:off + n].reshape(t._data.shape)
                t._version_box[0] += 1
                off += n

    # ---------------------------------------------------------------- forward
    def forward(self, *inputs, **kwargs):
        from ...autograd.grad_mode import is_grad_enabled
        if self.broadcast_buffers and self.require_forward_param_sync and self._world > 1:
            bufs = list(self.module.buffers())
            if bufs:
                self._broadcast_coalesced(bufs)
        sync = is_grad_enabled() and self.require_backward_grad_sync
        if sync:
            self._prepare_for_forward()
        out = self.module(*inputs, **kwargs)
        if sync and self.find_unused_parameters:
            self._mark_unused(out)
        self._sync_iter = sync
        return out

    def _prepare_for_forward(self):
        if self._hooked:
            missing = [i for i, r in enumerate(self._ready) if not r]
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a "
                "new one. This error indicates that your module has parameters that were not "
                "used in producing loss. You can enable unused parameter detection by passing "
                "the keyword argument `find_unused_parameters=True` to "
                "`torch.nn.parallel.DistributedDataParallel`, and by \nmaking sure all "
                "`forward` function outputs participate in calculating loss. \n"
                "Parameter indices which did not receive grad for rank "
                f"{self.process_group.rank()}: {' '.join(map(str, missing))}")
        self._reset()

    def _reset(self):
        for b in self._buckets:
            b.pending = len(b.params)
            b.work = None
        self._ready = [False] * len(self._ddp_params)
        self._used[:] = 1
        self._next_bucket = 0
        self._hooked = False

    def _mark_unused(self, out):
        reached = _reached_leaves(out)
        for i, p in enumerate(self._ddp_params):
            if id(p) not in reached:
                self._used[i] = 0
                self._ready[i] = True
                self._where[i][0].pending -= 1

    # ---------------------------------------------------------------- backward hooks
    def _make_hook(self, i):
        def hook(param):
            if self._sync_iter:
                self._grad_ready(i)
        return hook

    def _grad_ready(self, i):
        if self._ready[i]:
            if self._used[i] == 0:
                raise RuntimeError(
                    f"DistributedDataParallel: parameter {i} got a gradient although the "
                    "forward's output does not depend on it (find_unused_parameters marked it "
                    "unused). Make sure everything the loss uses comes out of forward.")
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter index {i} received "
                "its gradient twice in one backward (a parameter used in several reentrant "
                "backward passes, or backward called twice without a forward in between). "
                "Use no_sync() for gradient accumulation.")
        self._ready[i] = True
        self._hooked = True
        bucket = self._where[i][0]
        bucket.pending -= 1
        if bucket.pending == 0:
            self._launch_ready()
        elif self._next_bucket:
            # drive MPI progress of the reductions already in flight
            w = self._buckets[self._next_bucket - 1].work
            if w is not None:
                w.is_completed()

    def _launch_ready(self):
        import ember.distributed as dist
        buckets = self._buckets
        while self._next_bucket < len(buckets) and buckets[self._next_bucket].pending == 0:
            b = buckets[self._next_bucket]
            buf = b.buffer
            for (_, p), (s, e) in zip(b.params, b.slices):
                g = p._grad
                if g is None:
                    buf[s:e] = 0
                elif g._data is not None and not self._is_view_of(g._data, buf, s):
                    buf[s:e] = g._data.reshape(-1)
            b.work = dist.all_reduce(b.tensor, group=self.process_group, async_op=True)
            self._next_bucket += 1
        if self._next_bucket == len(buckets):
            self._finalize()

    @staticmethod
    def _is_view_of(arr, buf, start):
        """Whether ``arr`` already is the bucket slot (gradient_as_bucket_view)."""
        try:
            return arr.base is buf and arr.__array_interface__["data"][0] == \
                buf.__array_interface__["data"][0] + start * buf.itemsize
        except AttributeError:
            return False

    def _finalize(self):
        """Wait for every bucket, average, and write the gradients back (end of backward)."""
        import ember.distributed as dist
        from ..._tensor import Tensor
        used = None
        if self.find_unused_parameters and self._world > 1:
            used = self._used.copy()
            dist.all_reduce(Tensor._wrap(used), op=dist.ReduceOp.MAX, group=self.process_group)
        elif self.find_unused_parameters:
            used = self._used
        n = self._world
        for b in self._buckets:
            b.work.wait()
            buf = b.buffer
            if n > 1:
                buf /= n
            for (i, p), (s, e) in zip(b.params, b.slices):
                view = buf[s:e].reshape(p._data.shape)
                g = p._grad
                if g is None:
                    if used is not None and not used[i]:
                        continue  # no rank used it: keep grad None, as torch
                    p._grad = Tensor._wrap(view if self.gradient_as_bucket_view
                                           else view.copy(), p._dtype)
                elif self.gradient_as_bucket_view and g._data.shape == view.shape and \
                        g._data.dtype == view.dtype:
                    if not self._is_view_of(g._data, buf, s):
                        g._data = view
                    g._version_box[0] += 1
                else:
                    g._data[...] = view
                    g._version_box[0] += 1
        self._sync_iter = False
        self._hooked = False

    # ---------------------------------------------------------------- public API
    @contextlib.contextmanager
    def no_sync(self):
        """Context manager that disables gradient synchronisation: backward passes run inside
        it accumulate gradients locally; the first synchronised backward after it reduces the
        accumulated sum.

        Example::

            with ddp.no_sync():
                ddp(x1).sum().backward()     # local only
            ddp(x2).sum().backward()         # averages the sum of both
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def extra_repr(self):
        return ""
