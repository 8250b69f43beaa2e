"""Tensor methods and operators: each is the public function of the same name in
``ember.functions`` (``x.sum()`` is ``ember.sum(x)``), plus in-place forms, casts and device
moves. Kept apart from ``_tensor.py`` so the Tensor class holds no math.
"""
import numpy as np

from . import _dtype as D
from . import functions as F
from ._device import get_xp, to_device, device_of, device as _device_cls, on_device
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Function
from .autograd.grad_mode import STATE
from .ops import elementwise as E, indexing as I, movement as M
from .ops._common import wrap


# ---------------------------------------------------------------- casts and devices


class _ToCopy(Function):
    """dtype/device conversion; the gradient converts back."""

    @staticmethod
    def forward(ctx, x, dtype, device):
        src = device_of(x._data)
        ctx.src = (x._dtype, src)
        with on_device(device if device is not None else src):
            return _ToCopy._convert(x, dtype, device, src)

    @staticmethod
    def _convert(x, dtype, device, src):
        data = x._data
        if device is not None and device != src:
            if device.type == "cpu":
                data = data.get() if hasattr(data, "get") else np.asarray(data)
            else:
                # a copy made on the current (= target) GPU, from host or another GPU
                data = device.xp.array(data, copy=True)
        if dtype is not None and dtype is not x._dtype:
            if x._dtype.is_complex and not dtype.is_complex:
                import warnings
                warnings.warn("Casting complex values to real discards the imaginary part",
                              UserWarning, stacklevel=5)
                data = data.real
            data = data.astype(dtype.np)
            if dtype is D.bfloat16:
                data = D.round_bf16(data)
        elif data is x._data:
            data = data.copy()
        return Tensor._wrap(data, dtype or x._dtype)

    @staticmethod
    def backward(ctx, g):
        dt, dev = ctx.src
        if not (dt.is_floating_point or dt.is_complex):
            return None
        return g.to(dtype=dt, device=dev)


_ToCopy.__name__ = "ToCopy"


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _parse_to(args, kwargs):
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, Tensor):
            dtype, device = a._dtype, a.device
        elif isinstance(a, (D.dtype,)) or (isinstance(a, type) and a in (float, int, bool)):
            dtype = a
        elif isinstance(a, (str, _device_cls, int)) and not isinstance(a, bool):
            if isinstance(a, str) and (a in D._BY_NAME or a.startswith("torch.")):
                dtype = a
            else:
                device = a
    return (D.to_dtype(dtype) if dtype is not None else None,
            to_device(device) if device is not None else None, copy)


def to(self, *args, **kwargs):
    """Convert dtype and/or move device: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
    ``to(other_tensor)``. Returns ``self`` when nothing changes (unless ``copy=True``).

    Example::

        >>> ember.tensor([1, 2]).to(ember.float32)
        tensor([1., 2.])
    """
    dtype, device, copy = _parse_to(args, kwargs)
    if dtype is self._dtype:
        dtype = None
    if device is not None:
        if device.type == "cuda" and device.index is None:
            from . import cuda
            device = _device_cls("cuda", cuda.current_device() if cuda.is_available() else 0)
        if device == device_of(self._data):
            device = None
    if dtype is None and device is None:
        return self.clone() if copy else self
    return _ToCopy.apply(self, dtype, device)


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """A copy on the GPU (``cuda:device``); ``self`` if it is there already."""
    dev = _device_cls("cuda", device if isinstance(device, int) else
                      (to_device(device).index if device is not None else None))
    return to(self, dev)


def cpu(self, memory_format=None):
    """A copy in host memory; ``self`` if it is there already."""
    if type(self._data) is np.ndarray:
        return self
    return to(self, "cpu")


def _cast(dt):
    def fn(self, memory_format=None):
        return to(self, dt)
    fn.__name__ = dt.name
    fn.__doc__ = f"``self.to(ember.{dt.name})``."
    return fn


# ---------------------------------------------------------------- in-place machinery


def _check_inplace(self):
    if STATE.enabled and self._requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")


def _inplace(self, fn, *args, **kwargs):
    """Run out-of-place ``fn(self, ...)`` and write the result into self's memory.

    When autograd records, self takes the result's graph node (self's old value is kept
    as a separate copy for backward). Views of self see the new values.
    """
    _check_inplace(self)
    recording = STATE.enabled and (self._requires_grad or any(
        isinstance(a, Tensor) and a._requires_grad for a in args))
    if recording and self._base is not None:
        return _inplace_on_view(self, fn, *args, **kwargs)
    if recording:
        old = Tensor._wrap(self._data.copy(), self._dtype)
        old.grad_fn, old._output_nr, old._requires_grad = (self.grad_fn, self._output_nr,
                                                           self._requires_grad)
        old._grad_acc = self._grad_acc
        result = fn(old, *args, **kwargs)
    else:
        result = fn(self, *args, **kwargs)
    _commit(self, result)
    if recording and result.grad_fn is not None:
        self.grad_fn = result.grad_fn
        self._output_nr = result._output_nr
        self._requires_grad = True
    return self


def _graph_alias(t):
    """A copy of ``t``'s current values that stands for ``t`` in the graph."""
    old = Tensor._wrap(t._data.copy(), t._dtype)
    old.grad_fn, old._output_nr, old._requires_grad = t.grad_fn, t._output_nr, t._requires_grad
    old._grad_acc = t._grad_acc
    return old


def _inplace_on_view(self, fn, *args, **kwargs):
    """In-place op on a view under autograd: the base's history is rewritten as
    "base with the view's region replaced by op(view)" (torch's CopySlices), and the view
    becomes a fresh view of the new base."""
    base = self._base
    if base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    if not base._data.flags.c_contiguous:
        raise RuntimeError("in-place operation on a view of a non-contiguous tensor under "
                           "autograd; call .contiguous() on the base first")
    size = tuple(self._data.shape)
    stride_ = stride(self)
    offset = storage_offset(self)
    result = fn(_graph_alias(self), *args, **kwargs)
    new_base = M.ViewScatter.apply(_graph_alias(base), result, size, stride_, offset)
    _commit(self, result)  # writes through to the base's memory too
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, 0, True
    view = M.AsStrided.apply(_graph_alias(base), size, stride_, offset)
    self.grad_fn, self._output_nr, self._requires_grad = view.grad_fn, 0, True
    return self


def _commit(self, result):
    rd, sd = result._dtype, self._dtype
    if rd is not sd and not D.can_cast(rd, sd):
        raise RuntimeError(f"result type {F._type_label(rd)} can't be cast to the desired output "
                           f"type {F._type_label(sd)}")
    if tuple(result._data.shape) != tuple(self._data.shape):
        try:
            np.broadcast_shapes(result._data.shape, self._data.shape)
            ok = np.broadcast_shapes(result._data.shape, self._data.shape) == self._data.shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                               f"shape {list(result.shape)}")
    data = result._data
    if data.dtype != self._data.dtype:
        data = data.astype(self._data.dtype)
    if self._data.ndim == 0 and type(self._data) is np.ndarray:
        self._data[()] = data
    else:
        self._data[...] = data
    self._version_box[0] += 1


def _inplace_method(fn):
    def method(self, *args, **kwargs):
        return _inplace(self, fn, *args, **kwargs)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place ``{fn.__name__}``: writes the result into this tensor."
    return method


# ---------------------------------------------------------------- indexing


def __getitem__(self, idx):
    xp = get_xp(self._data)
    if isinstance(idx, Tensor) and idx._dtype is D.bool and idx.ndim == self.ndim == 0:
        idx = (None, idx._data)
    cidx = I.convert_index(idx, xp)
    if isinstance(cidx, (int, np.integer)):
        n = self._data.shape[0] if self._data.ndim else None
        if n is None:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if not -n <= cidx < n:
            raise IndexError(f"index {cidx} is out of bounds for dimension 0 with size {n}")
    return I.GetItem.apply(self, cidx)


def __setitem__(self, idx, value):
    xp = get_xp(self._data)
    cidx = I.convert_index(idx, xp)
    if isinstance(value, Tensor):
        if value._dtype is not self._dtype:
            value = value.to(self._dtype)
        if value._data.ndim > self._data[cidx].ndim if hasattr(self._data[cidx], "ndim") \
                else False:
            # torch allows leading size-1 dims on the value
            value = value.reshape(value.shape[value.ndim - self._data[cidx].ndim:]) \
                if all(s == 1 for s in value.shape[:value.ndim - self._data[cidx].ndim]) \
                else value
    elif not isinstance(value, (int, float, bool, complex, np.generic)):
        value = F.as_tensor(value, dtype=self._dtype, device=self.device)
    _check_inplace(self)
    recording = STATE.enabled and (self._requires_grad or (isinstance(value, Tensor)
                                                           and value._requires_grad))
    if not recording:
        vd = value._data if isinstance(value, Tensor) else value
        try:
            self._data[cidx] = vd
        except IndexError:
            I.check_bounds(self._data, cidx)
            raise
        except ValueError as e:
            raise RuntimeError(f"shape mismatch: value tensor of shape "
                               f"{list(getattr(vd, 'shape', ()))} cannot be broadcast to "
                               f"indexing result of shape {list(self._data[cidx].shape)}") \
                from e
        self._version_box[0] += 1
        return
    _inplace(self, lambda s, v: I.IndexPut.apply(s, v, cidx, False), value)


# ---------------------------------------------------------------- operators


def _r(fn):
    def rop(self, other):
        return fn(other, self)
    return rop


def _not_bool_for_invert(self):
    return F.logical_not(self) if self._dtype is D.bool else F.bitwise_not(self)


def _matmul_r(self, other):
    return F.matmul(other, self)


def _iop(fn):
    def iop(self, other):
        return _inplace(self, fn, other)
    return iop


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor from ``data`` with this tensor's dtype and device by default."""
    return F.tensor(data, dtype=dtype or self._dtype, device=device or self.device,
                    requires_grad=requires_grad)


def _new_factory(fn):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return fn(*size, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)
    method.__doc__ = f"``ember.{fn.__name__}`` with this tensor's dtype and device by default."
    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """``ember.full`` with this tensor's dtype and device by default."""
    return F.full(size, fill_value, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)


# ---------------------------------------------------------------- random in-place


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill with uniform random numbers from ``[a, b)``."""
    from .random import _get
    arr = _get(generator, self.device)._rng.uniform(a, b, self._data.shape)
    return _fill_random(self, arr)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal random numbers."""
    from .random import _get
    arr = _get(generator, self.device)._rng.normal(mean, std, self._data.shape)
    return _fill_random(self, arr)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 draws with probability ``p`` (number or tensor)."""
    from .random import _get
    pr = p.detach().cpu()._data if isinstance(p, Tensor) else p
    arr = (_get(generator, self.device)._rng.random(self._data.shape) < pr)
    return _fill_random(self, arr)


def random_(self, from_=0, to=None, *, generator=None):
    """Fill with random integers in ``[from, to)`` (the dtype's range by default)."""
    from .random import _get
    if to is None:
        if self._dtype.is_floating_point:
            to = 2 ** (np.finfo(self._dtype.np).nmant + 1)
        elif self._dtype is D.bool:
            to = 2
        else:
            to = int(np.iinfo(self._dtype.np).max) + 1
        if from_ and to is None:
            from_, to = 0, from_
    arr = _get(generator, self.device)._rng.integers(from_, to, self._data.shape)
    return _fill_random(self, arr)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential random numbers of rate ``lambd``."""
    from .random import _get
    rng = _get(generator, self.device)._rng
    return _fill_random(self, rng.exponential(1.0 / lambd, self._data.shape))


def geometric_(self, p, *, generator=None):
    """Fill with geometric random numbers."""
    from .random import _get
    return _fill_random(self, _get(generator, self.device)._rng.geometric(p, self._data.shape))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with log-normal random numbers."""
    from .random import _get
    rng = _get(generator, self.device)._rng
    return _fill_random(self, rng.lognormal(mean, std, self._data.shape))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with Cauchy random numbers."""
    from .random import _get
    return _fill_random(self, median + sigma * _get(generator, self.device)._rng.standard_cauchy(
        self._data.shape))


def _fill_random(self, arr):
    _check_inplace(self)
    xp = get_xp(self._data)
    arr = np.asarray(arr).astype(self._data.dtype)
    if self._dtype is D.bfloat16:
        arr = D.round_bf16(arr)
    self._data[...] = arr if xp is np else xp.asarray(arr)
    self._version_box[0] += 1
    return self


def zero_(self):
    """Fill with zeros in place."""
    _check_inplace(self)
    self._data[...] = 0
    self._version_box[0] += 1
    return self


def fill_(self, value):
    """Fill with ``value`` in place."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        if STATE.enabled and value._requires_grad:
            return _inplace(self, lambda s, v: v.expand_as(s).to(s.dtype) * 1 + s * 0, value)
        value = value.item()
    if STATE.enabled and self._requires_grad and self.grad_fn is not None:
        return _inplace(self, lambda s: s * 0 + value)
    _check_inplace(self)
    self._data[...] = value
    self._version_box[0] += 1
    return self


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast, moved) into this tensor in place."""
    if not isinstance(src, Tensor):
        src = F.as_tensor(src)
    if STATE.enabled and (src._requires_grad or self._requires_grad):
        return _inplace(self, _CopyInto.apply, src)
    _check_inplace(self)
    data = src._data
    if device_of(data) != device_of(self._data):
        data = src.to(self.device)._data
    if data.dtype != self._data.dtype:
        data = data.astype(self._data.dtype)
    self._data[...] = data
    self._version_box[0] += 1
    return self


class _CopyInto(Function):
    """out = src broadcast into dst's shape/dtype/device; gradient goes to src only."""

    @staticmethod
    def forward(ctx, dst, src):
        ctx.meta = (src._dtype, device_of(src._data))
        s = src.to(dtype=dst._dtype, device=dst.device)
        xp = get_xp(dst._data)
        return Tensor._wrap(xp.broadcast_to(s._data, dst._data.shape).copy(), dst._dtype)

    @staticmethod
    def backward(ctx, g):
        dt, dev = ctx.meta
        return g * 0, g.to(dtype=dt, device=dev)


_CopyInto.__name__ = "Copy"


def set_(self, source):
    """Make this tensor use ``source``'s memory."""
    self._data = source._data
    self._dtype = source._dtype
    self._version_box[0] += 1
    return self


def resize_(self, *sizes):
    """Resize in place (contents of new elements are zeros)."""
    shp = F._shape_arg(sizes)
    xp = get_xp(self._data)
    flat = self._data.reshape(-1)
    n = int(np.prod(shp))
    new = xp.zeros(n, dtype=self._data.dtype)
    k = min(n, flat.size)
    new[:k] = flat[:k]
    self._data = new.reshape(shp)
    return self


def share_memory_(self):
    """Move the data to shared memory, so processes it is sent to (``ember.multiprocessing``)
    see and update the same values. Returns self."""
    from .multiprocessing import share_tensor
    return share_tensor(self)


def is_shared(self):
    """Whether the data lives in shared memory (see ``share_memory_``)."""
    import sys
    mp = sys.modules.get("ember.multiprocessing")
    return mp is not None and mp.is_shared(self)


def apply_(self, callable):
    """Apply a Python function to every element in place (cpu only)."""
    flat = self._data.reshape(-1)
    for i in range(flat.size):
        flat[i] = callable(flat[i].item())
    self._version_box[0] += 1
    return self


def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` in place."""
    a = self._data.reshape(-1)
    b = np.broadcast_to(tensor._data, self._data.shape).reshape(-1)
    for i in range(a.size):
        a[i] = callable(a[i].item(), b[i].item())
    self._version_box[0] += 1
    return self


def _pad_constant(self, pads, value):
    """Pad (or crop, for negative amounts) each dim by ``pads[d] = (before, after)``."""
    return M.ConstantPad.apply(self, list(pads), value)


def as_strided(self, size, stride, storage_offset=0):
    """A view with the given sizes and strides (in elements) over this tensor's memory."""
    return M.AsStrided.apply(self, tuple(size), tuple(stride), int(storage_offset))


def stride(self, dim=None):
    """Strides in elements (torch's convention), or of one dim."""
    st = tuple(s // self._data.itemsize for s in self._data.strides)
    if dim is None:
        return st
    return st[_wrap_dim(dim, self._data.ndim)]


def storage_offset(self):
    """Offset of the first element from the start of the base tensor's memory, in elements."""
    base = self._base if self._base is not None else None
    if base is None:
        return 0
    xp = get_xp(self._data)
    if xp is np:
        lo = np.byte_bounds(self._data)[0] if hasattr(np, "byte_bounds") else \
            np.lib.array_utils.byte_bounds(self._data)[0]
        blo = np.byte_bounds(base._data)[0] if hasattr(np, "byte_bounds") else \
            np.lib.array_utils.byte_bounds(base._data)[0]
        return (lo - blo) // self._data.itemsize
    return (self._data.data.ptr - base._data.data.ptr) // self._data.itemsize


def is_contiguous(self, memory_format=None):
    """Whether the memory is C-contiguous."""
    return bool(self._data.flags.c_contiguous)


def data_ptr(self):
    """Address of the first element."""
    if type(self._data) is np.ndarray:
        return self._data.__array_interface__["data"][0]
    return self._data.data.ptr


def untyped_storage(self):
    """The underlying memory (as a NumPy/CuPy byte view)."""
    base = self._base._data if self._base is not None else self._data
    return base.reshape(-1).view(np.uint8) if base.flags.c_contiguous else base


def is_set_to(self, other):
    """Whether both tensors view the same memory with the same shape and strides."""
    return (data_ptr(self) == data_ptr(other) and self._data.shape == other._data.shape
            and self._data.strides == other._data.strides)


def get_device(self):
    """The CUDA device index, or -1 on cpu."""
    d = self.device
    return -1 if d.type == "cpu" else d.index


def pin_memory(self, device=None):
    """A copy in page-locked (pinned) host memory, for fast copies to the GPU; ``self`` when
    already pinned. Needs CUDA (torch's error otherwise).

    Example::

        >>> if ember.cuda.is_available(): x = ember.ones(3).pin_memory()
    """
    from . import cuda
    if type(self._data) is not np.ndarray:
        raise RuntimeError(f"cannot pin '{self.type()}' only dense CPU tensors can be pinned")
    if cuda._is_pinned_array(self._data):
        return self
    t = Tensor._wrap(cuda._pin_array(self._data), self._dtype)
    t._requires_grad = self._requires_grad and self.grad_fn is None
    return t


def is_pinned(self, device=None):
    """Whether the tensor lives in page-locked (pinned) host memory.

    Example::

        >>> ember.ones(3).is_pinned()
        False
    """
    if type(self._data) is not np.ndarray:
        return False
    from . import cuda
    return cuda._is_pinned_array(self._data)


def _mT(self):
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self.ndim}-D tensor.")
    return F.transpose(self, -2, -1)


def _T(self):
    if self.ndim == 2:
        return F.transpose(self, 0, 1)
    if self.ndim < 2:
        return self
    import warnings
    warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape "
                  "is deprecated and it will throw an error in a future release. Consider "
                  "`x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - "
                  "1, -1, -1))` to reverse the dimensions of a tensor.", UserWarning,
                  stacklevel=2)
    return F.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _H(self):
    return F.conj(_T(self))


def _add_legacy(self, other, *args, alpha=1, out=None):
    # torch's deprecated add(value, tensor) form
    if args:
        import warnings
        warnings.warn("This overload of add is deprecated:\n\tadd(Number alpha, Tensor other)"
                      "\nConsider using one of the following signatures instead:\n\tadd(Tensor "
                      "other, *, Number alpha = 1)", UserWarning, stacklevel=2)
        alpha, other = other, args[0]
    return F.add(self, other, alpha=alpha, out=out)


def _sub_legacy(self, other, *args, alpha=1, out=None):
    if args:
        alpha, other = other, args[0]
    return F.sub(self, other, alpha=alpha, out=out)


def _addcmul_legacy(self, *args, value=1):
    if len(args) == 3:
        value, t1, t2 = args
    else:
        t1, t2 = args
    return F.addcmul(self, t1, t2, value=value)


def _addcdiv_legacy(self, *args, value=1):
    if len(args) == 3:
        value, t1, t2 = args
    else:
        t1, t2 = args
    return F.addcdiv(self, t1, t2, value=value)


def _view(self, *shape):
    return F.view(self, *shape)


def _size_view_as(self, other):
    return F.view(self, tuple(other.shape))


def _reshape_as(self, other):
    return F.reshape(self, tuple(other.shape))


def _type_as(self, other):
    return to(self, other._dtype)


def _masked_fill_(self, mask, value):
    return _inplace(self, F.masked_fill, mask, value)


def _sum_method(self, dim=None, keepdim=False, dtype=None):
    return F.sum(self, dim, keepdim, dtype=dtype)


def _max_method(self, dim=None, keepdim=False):
    return F.max(self, dim, keepdim)


def _min_method(self, dim=None, keepdim=False):
    return F.min(self, dim, keepdim)


def _softmax_method(self, dim, dtype=None):
    return F.softmax(self, dim, dtype)


def _log_softmax_method(self, dim, dtype=None):
    return F.log_softmax(self, dim, dtype)


def _repeat_method(self, *sizes):
    return F.repeat(self, *sizes)


def _permute_method(self, *dims):
    return F.permute(self, *dims)


def _expand_method(self, *sizes):
    return F.expand(self, *sizes)


def _reshape_method(self, *shape):
    return F.reshape(self, *shape)


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    return F.norm(self, p, dim, keepdim, dtype)


def _flip_method(self, *dims):
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = dims[0]
    return F.flip(self, dims)


def _clamp_(self, min=None, max=None):  # noqa: A002
    return _inplace(self, F.clamp, min, max)


def _relu_(self):
    return _inplace(self, F.relu)


def _sigmoid_(self):
    return _inplace(self, F.sigmoid)


def _scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    return _inplace(self, F.scatter, dim, index, src, value, reduce=reduce)


def _index_put_(self, indices, values, accumulate=False):
    return _inplace(self, F.index_put, indices, values, accumulate)


# ---------------------------------------------------------------- attach

_SIMPLE = [
    # functions whose method form is exactly ``fn(self, ...)``
    "add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow",
    "neg", "negative", "abs", "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2",
    "log10", "log1p", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "sigmoid",
    "erf", "erfc", "erfinv", "lgamma", "digamma", "relu", "floor", "ceil", "trunc", "round",
    "frac", "fix", "square", "clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul",
    "addcdiv", "hypot", "logaddexp", "xlogy", "maximum", "minimum", "fmax", "fmin", "atan2",
    "arctan2", "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
    "less_equal", "not_equal", "equal", "allclose", "isclose", "isnan", "isinf", "isposinf",
    "isneginf", "isfinite", "isreal", "nan_to_num", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
    "bitwise_left_shift", "bitwise_right_shift", "nansum", "mean", "nanmean", "prod", "var",
    "std", "amax", "amin", "aminmax", "argmax", "argmin", "logsumexp", "cumsum", "cumprod",
    "cummax", "cummin", "all", "any", "count_nonzero", "median", "nanmedian", "quantile",
    "dist", "flatten", "unflatten", "ravel", "transpose", "swapaxes", "swapdims", "t",
    "movedim", "moveaxis", "squeeze", "unsqueeze", "expand_as", "broadcast_to", "contiguous",
    "clone", "narrow", "select", "unbind", "split", "split_with_sizes", "tensor_split", "chunk",
    "fliplr", "flipud", "roll", "rot90", "tile", "repeat_interleave", "tril", "triu",
    "diagonal", "diag", "diag_embed", "trace", "index_select", "gather", "take_along_dim",
    "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy", "index_fill",
    "index_put", "masked_fill", "masked_select", "masked_scatter", "take", "nonzero",
    "argwhere", "sort", "argsort", "msort", "topk", "kthvalue", "mode", "unique",
    "unique_consecutive", "bincount", "histc", "matmul", "mm", "bmm", "mv", "dot", "inner",
    "outer", "ger", "addmm", "addmv", "addbmm", "baddbmm", "kron", "cross",
    "is_floating_point", "is_complex", "is_nonzero", "conj", "angle", "heaviside", "diff",
    "float_power", "cov", "corrcoef", "softmax", "log_softmax", "rsub", "subtract", "multiply",
    "divide", "fmax", "var_mean", "std_mean", "cdist", "atleast_1d", "atleast_2d", "atleast_3d",
]

for _name in _SIMPLE:
    setattr(Tensor, _name, getattr(F, _name))

# in-place forms: x.add_(y) is x <- add(x, y)
_INPLACE = [
    "add", "sub", "mul", "div", "true_divide", "floor_divide", "remainder", "fmod", "pow",
    "neg", "abs", "sign", "exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
    "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "erf",
    "erfinv", "floor", "ceil", "trunc", "round", "frac", "square", "clamp_min", "clamp_max",
    "lerp", "addcmul", "addcdiv", "maximum", "minimum", "atan2", "logical_not", "logical_and",
    "logical_or", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "eq", "ne", "lt",
    "le", "gt", "ge", "tril", "triu", "index_add", "index_copy", "index_fill", "scatter_add",
    "masked_scatter", "nan_to_num", "xlogy", "hypot", "fix", "lgamma", "digamma", "sgn",
    "cumsum", "cumprod", "t", "transpose", "squeeze", "unsqueeze", "arctan2",
]
for _name in _INPLACE:
    setattr(Tensor, _name + "_", _inplace_method(getattr(F, _name)))

Tensor.add = _add_legacy
Tensor.sub = _sub_legacy
Tensor.addcmul = _addcmul_legacy
Tensor.addcdiv = _addcdiv_legacy
Tensor.add_ = lambda self, other, *args, alpha=1: _inplace(self, _add_legacy, other, *args,
                                                           alpha=alpha)
Tensor.sub_ = lambda self, other, *args, alpha=1: _inplace(self, _sub_legacy, other, *args,
                                                           alpha=alpha)
Tensor.addcmul_ = lambda self, *args, value=1: _inplace(self, _addcmul_legacy, *args,
                                                        value=value)
Tensor.addcdiv_ = lambda self, *args, value=1: _inplace(self, _addcdiv_legacy, *args,
                                                        value=value)
Tensor.clamp_ = _clamp_
Tensor.clip_ = _clamp_
Tensor.relu_ = _relu_
Tensor.sigmoid_ = _sigmoid_
Tensor.masked_fill_ = _masked_fill_
Tensor.scatter_ = _scatter_
Tensor.index_put_ = _index_put_
Tensor.sum = _sum_method
Tensor.max = _max_method
Tensor.min = _min_method
Tensor.softmax = _softmax_method
Tensor.log_softmax = _log_softmax_method
Tensor.repeat = _repeat_method
Tensor.permute = _permute_method
Tensor.expand = _expand_method
Tensor.reshape = _reshape_method
Tensor.view = _view
Tensor.view_as = _size_view_as
Tensor.reshape_as = _reshape_as
Tensor.type_as = _type_as
Tensor.norm = _norm_method
Tensor.flip = _flip_method
Tensor.to = to
Tensor.cuda = cuda
Tensor.cpu = cpu
for _dt, _names in [(D.float32, ("float",)), (D.float64, ("double",)), (D.float16, ("half",)),
                    (D.bfloat16, ("bfloat16",)), (D.int64, ("long",)), (D.int32, ("int",)),
                    (D.int16, ("short",)), (D.int8, ("char",)), (D.uint8, ("byte",)),
                    (D.bool, ("bool",)), (D.complex64, ("cfloat",)),
                    (D.complex128, ("cdouble",))]:
    for _n in _names:
        setattr(Tensor, _n, _cast(_dt))
Tensor.__getitem__ = __getitem__
Tensor.__setitem__ = __setitem__
Tensor.new_tensor = new_tensor
Tensor.new_zeros = _new_factory(F.zeros)
Tensor.new_ones = _new_factory(F.ones)
Tensor.new_empty = _new_factory(F.empty)
Tensor.new_full = new_full
Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.bernoulli_ = bernoulli_
Tensor.random_ = random_
Tensor.exponential_ = exponential_
Tensor.geometric_ = geometric_
Tensor.log_normal_ = log_normal_
Tensor.cauchy_ = cauchy_
Tensor.bernoulli = lambda self, p=None, *, generator=None: F.bernoulli(self, p,
                                                                       generator=generator)
Tensor.multinomial = F.multinomial
Tensor.zero_ = zero_
Tensor.fill_ = fill_
Tensor.copy_ = copy_
Tensor.set_ = set_
Tensor.resize_ = resize_
Tensor.share_memory_ = share_memory_
Tensor.is_shared = is_shared
Tensor.apply_ = apply_
Tensor.map_ = map_
Tensor._pad_constant = _pad_constant
Tensor.as_strided = as_strided
Tensor.stride = stride
Tensor.storage_offset = storage_offset
Tensor.is_contiguous = is_contiguous
Tensor.data_ptr = data_ptr
Tensor.untyped_storage = untyped_storage
Tensor.is_set_to = is_set_to
Tensor.get_device = get_device
Tensor.pin_memory = pin_memory
Tensor.is_pinned = is_pinned
Tensor.mT = property(_mT)
Tensor.T = property(_T)
Tensor.H = property(_H)
Tensor.mH = property(lambda self: F.conj(_mT(self)))
Tensor.real = property(F.real)
Tensor.imag = property(F.imag)

# operators
Tensor.__add__ = F.add
Tensor.__radd__ = _r(F.add)
Tensor.__iadd__ = _iop(F.add)
Tensor.__sub__ = F.sub
Tensor.__rsub__ = _r(F.sub)
Tensor.__isub__ = _iop(F.sub)
Tensor.__mul__ = F.mul
Tensor.__rmul__ = _r(F.mul)
Tensor.__imul__ = _iop(F.mul)
Tensor.__truediv__ = F.div
Tensor.__rtruediv__ = _r(F.div)
Tensor.__itruediv__ = _iop(F.div)
Tensor.__floordiv__ = F.floor_divide
Tensor.__rfloordiv__ = _r(F.floor_divide)
Tensor.__ifloordiv__ = _iop(F.floor_divide)
Tensor.__mod__ = F.remainder
Tensor.__rmod__ = _r(F.remainder)
Tensor.__imod__ = _iop(F.remainder)
Tensor.__pow__ = F.pow
Tensor.__rpow__ = _r(F.pow)
Tensor.__ipow__ = _iop(F.pow)
Tensor.__matmul__ = F.matmul
Tensor.__rmatmul__ = _matmul_r
Tensor.__neg__ = F.neg
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = F.abs
Tensor.__invert__ = _not_bool_for_invert
Tensor.__and__ = F.bitwise_and
Tensor.__rand__ = _r(F.bitwise_and)
Tensor.__iand__ = _iop(F.bitwise_and)
Tensor.__or__ = F.bitwise_or
Tensor.__ror__ = _r(F.bitwise_or)
Tensor.__ior__ = _iop(F.bitwise_or)
Tensor.__xor__ = F.bitwise_xor
Tensor.__rxor__ = _r(F.bitwise_xor)
Tensor.__ixor__ = _iop(F.bitwise_xor)
Tensor.__lshift__ = F.bitwise_left_shift
Tensor.__rshift__ = F.bitwise_right_shift
Tensor.__eq__ = lambda self, other: False if other is None else F.eq(self, other)
Tensor.__ne__ = lambda self, other: True if other is None else F.ne(self, other)
Tensor.__lt__ = F.lt
Tensor.__le__ = F.le
Tensor.__gt__ = F.gt
Tensor.__ge__ = F.ge
Tensor.__hash__ = lambda self: id(self)
