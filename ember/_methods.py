"""Tensor methods and operators: each is the public function of the same name in
``ember.functions`` (``x.sum()`` is ``ember.sum(x)``), plus in-place forms, casts and device
moves. Kept apart from ``_tensor.py`` so the Tensor class holds no math.
"""
import sys

import numpy as np

from . import _dtype as D
from . import functions as F
from . import _parallel
from ._device import get_xp, to_device, device_of, device as _device_cls, on_device
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Function, _SavedOutput
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
            if src.type == "meta":
                raise NotImplementedError("Cannot copy out of meta tensor; no data!")
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
        if g._dtype.is_complex and not dt.is_complex:
            # a real input's gradient is the real part of the complex one (torch's
            # convention), taken without the "discards the imaginary part" warning
            g = F.real(g)
        return g.to(dtype=dt, device=dev)


_ToCopy.__name__ = "ToCopy"
_ToCopy._backward_cls.__name__ = _ToCopy._backward_cls.__qualname__ = "ToCopyBackward0"


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
    """Convert to another dtype and/or move to another device: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``.

    Returns ``self`` unchanged when nothing changes (unless ``copy=True``), else a new
    tensor. The conversion is differentiable: the gradient is converted back to the original
    dtype and device. ``to(other_tensor)`` takes ``other``'s dtype and device. A bare
    ``'cuda'`` means the current GPU.

    Args:
        *args: a dtype, a device (str, int or ember.device), both, or a tensor to match.
        dtype (ember.dtype, optional): the target dtype (keyword form).
        device (str or ember.device, optional): the target device (keyword form).
        copy (bool, optional): return a new tensor even when nothing changes.
            Default: ``False``.
        non_blocking (bool, optional): accepted for torch compatibility.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> x = ember.tensor([1, 2])
        >>> x.to(ember.float32)
        tensor([1., 2.])
        >>> x.to('cpu') is x
        True
        >>> x.to(ember.zeros(1, dtype=ember.float64)).dtype
        torch.float64
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
    """A copy of this tensor on a GPU (``cuda:device``); ``self`` if it is there already.

    Needs CuPy and a CUDA GPU (torch's error otherwise). Differentiable.

    Args:
        device (int or ember.device, optional): the GPU. Default: the current one.
        non_blocking (bool): accepted for torch compatibility. Default: ``False``.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> if ember.cuda.is_available():
        ...     y = ember.ones(2).cuda()
    """
    dev = _device_cls("cuda", device if isinstance(device, int) else
                      (to_device(device).index if device is not None else None))
    return to(self, dev)


def cpu(self, memory_format=None):
    """A copy of this tensor in host memory; ``self`` if it is there already.

    Differentiable. Call it before ``.numpy()`` on a GPU tensor.

    Args:
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> x = ember.ones(2)
        >>> x.cpu() is x
        True
    """
    if type(self._data) is np.ndarray:
        return self
    return to(self, "cpu")


def _cast(dt):
    def fn(self, memory_format=None):
        return to(self, dt)
    fn.__name__ = dt.name
    fn.__doc__ = (f"This tensor cast to ember.{dt.name}: ``self.to(ember.{dt.name})``.\n\n"
                  f"    Returns ``self`` when it already has that dtype; differentiable for "
                  f"floating types.\n\n"
                  f"    Args:\n        memory_format (ember.memory_format, optional): accepted "
                  f"for torch compatibility.\n")
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
    if recording and _sole_owner(self):
        return _inplace_moved(self, fn, *args, **kwargs)
    if recording:
        old = Tensor._wrap(_parallel.copy(self._data), self._dtype)
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


def _sole_owner(t):
    """Whether ``t``'s NumPy array owns its memory and nothing but ``t`` refers to it: no
    view (a NumPy view keeps its base alive), no other tensor, no ``.numpy()`` result, no
    saved output of a graph node."""
    d = t._data
    # references: t's slot, the local ``d``, getrefcount's argument
    return (type(d) is np.ndarray and d.base is None and d.flags.writeable
            and sys.getrefcount(d) <= 3)


def _inplace_moved(self, fn, *args, **kwargs):
    """``_inplace`` under autograd for a tensor that is the sole owner of its memory: the
    old value keeps that memory (it is what backward may need) and ``self`` takes the
    result's memory, so the op is one pass over memory instead of three (copy the old
    value, compute, copy the result in).

    NOTE: when ``self`` owns its array alone nothing else can observe which memory holds
    its values -- views, ``.numpy()`` results and other tensors sharing it all hold a
    reference to the array, and then the copying path runs. In ResNet's blocks (``out +=
    identity``, ``relu(inplace=True)``) this removed 46 full-size copies per training step.
    The result's memory becomes self's only if the op kept no other reference to it than
    its saved outputs, which are moved onto self's version counter (as torch's saved
    output of an in-place op), so a later in-place change of self is caught in backward.
    Only ``self``'s data pointer changes, which torch keeps.
    """
    old = Tensor._wrap(self._data, self._dtype)
    old.grad_fn, old._output_nr, old._requires_grad = (self.grad_fn, self._output_nr,
                                                       self._requires_grad)
    old._grad_acc = self._grad_acc
    result = fn(old, *args, **kwargs)
    _check_commit(self, result)
    sd, rd = self._data, result._data
    node = result.grad_fn
    saved = [] if node is None or not node.__dict__.get("_saved_outputs") else \
        [i for i, e in enumerate(node._saved) if type(e) is _SavedOutput and e._data is rd]
    # references to rd: result's slot, the local, getrefcount's argument, the saved outputs
    if (type(rd) is np.ndarray and rd.base is None and rd.dtype == sd.dtype
            and rd.shape == sd.shape and rd.strides == sd.strides and rd.flags.writeable
            and rd is not sd and sys.getrefcount(rd) <= 3 + len(saved)):
        self._data = rd
        self._version_box[0] += 1
        if saved:
            box, v = self._version_box, self._version_box[0]
            versions = list(node._saved_versions)
            for i in saved:
                node._saved[i]._version_box = box
                versions[i] = v
            node._saved_versions = tuple(versions)
    else:       # the op keeps its result (or it needs a cast): self gets a copy of it
        rd = np.asarray(rd)
        new = np.empty_like(sd)
        _parallel.copyto(new, rd if rd.dtype == sd.dtype else rd.astype(sd.dtype))
        self._data = new
        self._version_box[0] += 1
    if result.grad_fn is not None:
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
    # a .real / .imag view of a complex base addresses the base seen as real pairs
    # (view_as_real): size, stride and offset are in real elements
    as_real = self._dtype is not base._dtype and base._dtype.is_complex
    base_in = M.ViewAsReal.apply(_graph_alias(base)) if as_real else _graph_alias(base)
    new_base = M.ViewScatter.apply(base_in, result, size, stride_, offset)
    if as_real:
        new_base = M.ViewAsComplex.apply(new_base)
    _commit(self, result)  # writes through to the base's memory too
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, 0, True
    base_in = M.ViewAsReal.apply(_graph_alias(base)) if as_real else _graph_alias(base)
    view = M.AsStrided.apply(base_in, size, stride_, offset)
    self.grad_fn, self._output_nr, self._requires_grad = view.grad_fn, 0, True
    return self


def check_writable(t):
    """torch's error for writing into memory that cannot take it (instead of NumPy's
    "assignment destination is read-only")."""
    flags = getattr(t._data, "flags", None)
    if flags is None or getattr(flags, "writeable", True):
        return
    if any(st == 0 and n > 1 for st, n in zip(t._data.strides, t._data.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    raise RuntimeError("unsupported operation: the tensor's memory is read-only (it wraps a "
                       "read-only buffer). Please clone() the tensor before writing to it.")


def _fill_alias(t):
    """A writable array over ``t``'s memory for writes torch allows even when several elements
    share one location (``fill_``, ``zero_``, ``x[i] = scalar`` on an expanded tensor: every
    alias of a location gets the same value). NumPy marks broadcast views read-only, so the
    alias is rebuilt over the base tensor's (writable, contiguous) buffer."""
    d = t._data
    if getattr(getattr(d, "flags", None), "writeable", True):
        return d
    base = t._base._data if t._base is not None else None
    if type(d) is not np.ndarray or type(base) is not np.ndarray or \
            not base.flags.writeable or not base.flags.c_contiguous:
        check_writable(t)
    offset = d.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return np.ndarray(d.shape, d.dtype, buffer=base, offset=offset, strides=d.strides)


def _check_commit(self, result):
    """torch's errors for writing ``result`` into ``self`` (dtype, shape, read-only memory)."""
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
    check_writable(self)


def _commit(self, result):
    _check_commit(self, result)
    data = result._data
    if data.dtype != self._data.dtype:
        data = data.astype(self._data.dtype)
    if self._data.ndim == 0 and type(self._data) is np.ndarray:
        self._data[()] = data
    else:
        _parallel.copyto(self._data, data)
    self._version_box[0] += 1


def _inplace_method(fn):
    def method(self, *args, **kwargs):
        return _inplace(self, fn, *args, **kwargs)
    method.__name__ = fn.__name__ + "_"
    method.__doc__ = (f"In-place :func:`ember.{fn.__name__}`: computes "
                      f"``ember.{fn.__name__}(x, ...)`` and writes it into ``x``; returns ``x``.\n\n"
                      f"    Views of ``x`` see the new values. The result must be castable to "
                      f"``x.dtype`` and\n    have ``x``'s shape. Raises when ``x`` is a leaf "
                      f"that requires grad (in grad mode).\n\n"
                      f"    Args:\n        *args, **kwargs: the arguments of "
                      f"``ember.{fn.__name__}`` after ``input``.\n")
    return method


# ---------------------------------------------------------------- indexing


def __getitem__(self, idx):
    xp = get_xp(self._data)
    cidx = I.convert_index(idx, xp)
    if isinstance(cidx, (int, np.integer)) and type(cidx) is not bool:
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
    if isinstance(value, Tensor) and value._data.size > 1:
        check_writable(self)  # torch refuses tensor values into shared memory
    recording = STATE.enabled and (self._requires_grad or (isinstance(value, Tensor)
                                                           and value._requires_grad))
    if not recording:
        vd = value._data if isinstance(value, Tensor) else value
        try:
            _fill_alias(self)[cidx] = vd
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
    """A new tensor from ``data``, with this tensor's dtype and device by default.

    Always copies ``data``.

    Args:
        data: a number, (nested) list, NumPy array or tensor.
        dtype (ember.dtype, optional): the element type. Default: ``self.dtype``.
        device (str or ember.device, optional): the device. Default: ``self.device``.
        requires_grad (bool): whether autograd records operations on it. Default: ``False``.

    Example::

        >>> ember.zeros(1, dtype=ember.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=torch.float64)
    """
    return F.tensor(data, dtype=dtype or self._dtype, device=device or self.device,
                    requires_grad=requires_grad)


def _new_factory(fn):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kw):
        return fn(*size, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)
    method.__doc__ = (f"``ember.{fn.__name__}(*size)`` with this tensor's dtype and device by "
                      f"default.\n\n"
                      f"    Args:\n        *size (int...): the shape, as ints or one sequence.\n"
                      f"        dtype (ember.dtype, optional): Default: ``self.dtype``.\n"
                      f"        device (str or ember.device, optional): Default: ``self.device``.\n"
                      f"        requires_grad (bool): Default: ``False``.\n")
    return method


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """``ember.full(size, fill_value)`` with this tensor's dtype and device by default.

    Args:
        size (sequence of int): the shape.
        fill_value (number): the value of every element.
        dtype (ember.dtype, optional): the element type. Default: ``self.dtype``.
        device (str or ember.device, optional): the device. Default: ``self.device``.
        requires_grad (bool): whether autograd records operations on it. Default: ``False``.

    Example::

        >>> ember.zeros(1, dtype=ember.int64).new_full((2,), 7)
        tensor([7, 7])
    """
    return F.full(size, fill_value, dtype=dtype or self._dtype, device=device or self.device,
                  requires_grad=requires_grad)


# ---------------------------------------------------------------- random in-place


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill this tensor in place with numbers drawn uniformly from ``[a, b)``; returns ``self``.

    Used by ``nn.init``; not recorded by autograd.

    Args:
        a (float): the lower bound. Default: 0.0.
        b (float): the upper bound. Default: 1.0.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> x = ember.empty(3).uniform_(-1, 1)
        >>> bool(((x >= -1) & (x < 1)).all())
        True
    """
    from .random import _get
    arr = _get(generator, self.device)._rng.uniform(a, b, self._data.shape)
    return _fill_random(self, arr)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill this tensor in place with numbers from a normal distribution; returns ``self``.

    Args:
        mean (float): the mean. Default: 0.0.
        std (float): the standard deviation. Default: 1.0.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> ember.empty(2, 3).normal_(0.0, 0.0)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    from .random import _get
    arr = _get(generator, self.device)._rng.normal(mean, std, self._data.shape)
    return _fill_random(self, arr)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill this tensor in place with 0/1 draws that are 1 with probability ``p``; returns ``self``.

    Args:
        p (float or Tensor): the probability (one number, or one per element).
            Default: 0.5.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> ember.empty(3).bernoulli_(1.0)
        tensor([1., 1., 1.])
    """
    from .random import _get
    pr = p._data if isinstance(p, Tensor) else p
    if hasattr(pr, "get"):  # the draw is on the host: host values of p (meta: its zeros)
        pr = pr.get()
    arr = (_get(generator, self.device)._rng.random(self._data.shape) < pr)
    return _fill_random(self, arr)


def random_(self, from_=0, to=None, *, generator=None):
    """Fill this tensor in place with random integers from ``[from_, to)``; returns ``self``.

    Without ``to`` the range is ``[0, 2**mantissa_bits]`` for floating dtypes and the
    dtype's non-negative range for integer dtypes, as torch.

    Args:
        from_ (int): the lowest value. Default: 0.
        to (int, optional): one above the highest value.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> x = ember.zeros(4, dtype=ember.int64).random_(0, 3)
        >>> bool(((x >= 0) & (x < 3)).all())
        True
    """
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
    """Fill this tensor in place with draws from the exponential distribution of rate ``lambd``; returns ``self``.

    Args:
        lambd (float): the rate (the mean is ``1 / lambd``). Default: 1.0.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> bool((ember.empty(5).exponential_() >= 0).all())
        True
    """
    from .random import _get
    rng = _get(generator, self.device)._rng
    return _fill_random(self, rng.exponential(1.0 / lambd, self._data.shape))


def geometric_(self, p, *, generator=None):
    """Fill this tensor in place with draws from the geometric distribution (trials until the first success); returns ``self``.

    Args:
        p (float): the success probability of each trial, in ``(0, 1)``.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> bool((ember.empty(3).geometric_(0.5) >= 1).all())
        True
    """
    from .random import _get
    return _fill_random(self, _get(generator, self.device)._rng.geometric(p, self._data.shape))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill this tensor in place with log-normal draws: ``exp(N(mean, std))``; returns ``self``.

    Args:
        mean (float): the mean of the underlying normal distribution. Default: 1.0.
        std (float): its standard deviation. Default: 2.0.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> bool((ember.empty(5).log_normal_() > 0).all())
        True
    """
    from .random import _get
    rng = _get(generator, self.device)._rng
    return _fill_random(self, rng.lognormal(mean, std, self._data.shape))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill this tensor in place with draws from the Cauchy distribution; returns ``self``.

    Args:
        median (float): the location. Default: 0.0.
        sigma (float): the scale. Default: 1.0.
        generator (ember.Generator, optional): the source of random numbers. Default: the
            global generator.

    Example::

        >>> ember.empty(4).cauchy_().shape
        torch.Size([4])
    """
    from .random import _get
    return _fill_random(self, median + sigma * _get(generator, self.device)._rng.standard_cauchy(
        self._data.shape))


def _fill_random(self, arr):
    _check_inplace(self)
    xp = get_xp(self._data)
    arr = np.asarray(arr).astype(self._data.dtype)
    if self._dtype is D.bfloat16:
        arr = D.round_bf16(arr)
    check_writable(self)
    self._data[...] = arr if xp is np else xp.asarray(arr)
    self._version_box[0] += 1
    return self


def zero_(self):
    """Fill this tensor with zeros in place; returns ``self``.

    Views of the tensor see the change. Used to reset gradients (``p.grad.zero_()``).

    Args:
        (none)

    Example::

        >>> x = ember.ones(3)
        >>> x.zero_()
        tensor([0., 0., 0.])
    """
    _check_inplace(self)
    _fill_alias(self)[...] = 0
    self._version_box[0] += 1
    return self


def fill_(self, value):
    """Fill this tensor with ``value`` in place; returns ``self``.

    The value is cast to the tensor's dtype. A 0-d tensor value that requires grad is
    differentiable.

    Args:
        value (number or 0-d Tensor): the fill value.

    Example::

        >>> ember.zeros(3).fill_(2.5)
        tensor([2.5000, 2.5000, 2.5000])
        >>> ember.zeros(2, dtype=ember.int64).fill_(3.9)
        tensor([3, 3])
    """
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
    _fill_alias(self)[...] = value
    self._version_box[0] += 1
    return self


def copy_(self, src, non_blocking=False):
    """Copy the values of ``src`` into this tensor in place; returns ``self``.

    ``src`` is broadcast to this tensor's shape, cast to its dtype and moved to its device.
    Under autograd the gradient flows to ``src``.

    Args:
        src (Tensor or array-like): the values to copy.
        non_blocking (bool): accepted for torch compatibility. Default: ``False``.

    Example::

        >>> x = ember.zeros(2, 2)
        >>> x.copy_(ember.tensor([1, 2]))
        tensor([[1., 2.],
                [1., 2.]])
    """
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
    check_writable(self)
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
    """Make this tensor use ``source``'s memory (and dtype and shape); returns ``self``.

    Args:
        source (Tensor): the tensor whose memory to share.

    Example::

        >>> a, b = ember.zeros(2), ember.ones(3)
        >>> _ = a.set_(b); b[0] = 5.0; a
        tensor([5., 1., 1.])
    """
    self._data = source._data
    self._dtype = source._dtype
    self._version_box[0] += 1
    return self


def resize_(self, *sizes, memory_format=None):
    """Resize this tensor in place to ``sizes``; returns ``self``.

    As torch, the same shape is a no-op; otherwise the tensor becomes contiguous over its
    memory from its storage offset (the memory's order, not the logical one). When the memory
    is too small, new memory is allocated: old elements are kept, new ones are zeros in ember
    (uninitialised in torch), and views of the old memory are not updated. Tensors that
    require grad cannot be resized.

    Args:
        *sizes (int...): the new shape, as separate ints or one sequence.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.tensor([1, 2, 3, 4]).resize_(2, 2)
        tensor([[1, 2],
                [3, 4]])
    """
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shp = tuple(F._shape_arg(sizes))
    if any(k < 0 for k in shp):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{min(shp)}: {list(shp)}")
    if shp != tuple(self._data.shape):
        xp = get_xp(self._data)
        base = self._base if self._base is not None else self
        flat = _storage_flat(base)
        off = Tensor.storage_offset(self)
        n = int(np.prod(shp))
        if off + n > flat.shape[0]:
            new = xp.zeros(off + n, dtype=flat.dtype)
            new[:flat.shape[0]] = flat
            flat, self._base = new, None
        item = flat.itemsize
        st, acc = [], item
        for k in reversed(shp):
            st.insert(0, acc)
            acc *= max(k, 1)
        self._data = xp.lib.stride_tricks.as_strided(flat[off:], shp, tuple(st))
        self._version_box[0] += 1
    return self


def resize_as_(self, the_template, memory_format=None):
    """Resize this tensor in place to the shape of ``the_template``; returns ``self`` (see :meth:`resize_`).

    Args:
        the_template (Tensor): the tensor whose shape to take.
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> ember.arange(4).resize_as_(ember.zeros(2, 2))
        tensor([[0, 1],
                [2, 3]])
    """
    return resize_(self, the_template.shape)


def share_memory_(self):
    """Move the data to shared memory, so processes it is sent to (``ember.multiprocessing``) see and update the same values; returns ``self``.

    Args:
        (none)

    Example::

        >>> x = ember.zeros(2).share_memory_()
        >>> x.is_shared()
        True
    """
    from .multiprocessing import share_tensor
    return share_tensor(self)


def is_shared(self):
    """Whether the data lives in shared memory (see ``share_memory_``).

    Args:
        (none)

    Example::

        >>> ember.zeros(2).is_shared()
        False
    """
    import sys
    mp = sys.modules.get("ember.multiprocessing")
    return mp is not None and mp.is_shared(self)


def apply_(self, callable):
    """Replace every element ``v`` by ``callable(v)`` in place (cpu only, slow); returns ``self``.

    Args:
        callable (callable): a function from a Python number to a number.

    Example::

        >>> ember.tensor([1, 2, 3]).apply_(lambda v: v * 10)
        tensor([10, 20, 30])
    """
    flat = self._data.reshape(-1)
    for i in range(flat.size):
        flat[i] = callable(flat[i].item())
    self._version_box[0] += 1
    return self


def map_(self, tensor, callable):
    """``self[i] = callable(self[i], tensor[i])`` for every element, in place (cpu only); returns ``self``.

    Args:
        tensor (Tensor): the second argument, broadcast to this tensor's shape.
        callable (callable): a function of two Python numbers.

    Example::

        >>> ember.tensor([1, 2]).map_(ember.tensor([10, 20]), lambda a, b: a + b)
        tensor([11, 22])
    """
    a = self._data.reshape(-1)
    b = np.broadcast_to(tensor._data, self._data.shape).reshape(-1)
    for i in range(a.size):
        a[i] = callable(a[i].item(), b[i].item())
    self._version_box[0] += 1
    return self


def _pad_constant(self, pads, value):
    """Pad (or crop, for negative amounts) each dim by ``pads[d] = (before, after)``."""
    return M.ConstantPad.apply(self, list(pads), value)


def as_strided(self, size, stride, storage_offset=None):
    """A view with the given sizes and strides (in elements) over this tensor's storage.

    As torch, ``storage_offset`` counts elements from the start of the underlying storage
    (the memory of the base tensor this one views, see :meth:`storage_offset`), not from this
    tensor's first element; by default this tensor's own offset is kept. The result shares
    memory with this tensor; elements may overlap. Prefer ``view``, ``expand``, ``unfold``
    and slicing.

    Args:
        size (sequence of int): the shape of the view.
        stride (sequence of int): the step, in elements, of each dimension (non-negative).
        storage_offset (int, optional): the position of the first element in the storage.
            Default: ``self.storage_offset()``.

    Example::

        >>> ember.arange(6).as_strided((2, 2), (1, 2))
        tensor([[0, 2],
                [1, 3]])
        >>> ember.arange(6.)[2:].as_strided((2,), (1,), 0)
        tensor([0., 1.])
    """
    size = tuple(int(k) for k in size)
    stride_ = tuple(int(k) for k in stride)
    if len(size) != len(stride_):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(st < 0 for st in stride_):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride_)}")
    if any(k < 0 for k in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and "
                           f"strides={list(stride_)}")
    off = Tensor.storage_offset(self) if storage_offset is None else int(storage_offset)
    if off < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {off}")
    if 0 not in size:
        flat = M.storage_flat(self._base if self._base is not None else self)
        item = self._data.itemsize
        avail = flat.shape[0] * flat.itemsize
        need = (off + 1 + sum((k - 1) * st for k, st in zip(size, stride_))) * item
        if need > avail:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride_)}, "
                               f"storage offset {off}, and itemsize {item} requiring a storage "
                               f"size of {need} are out of bounds for storage of size {avail}")
    return M.AsStrided.apply(self, size, stride_, off, True)


def stride(self, dim=None):
    """The strides in elements (torch's convention, not bytes), or the stride of dimension ``dim``.

    The stride of a dimension is the step in memory between consecutive entries along it.

    Args:
        dim (int, optional): one dimension. Default: None (all of them, as a tuple).

    Example::

        >>> x = ember.zeros(2, 3)
        >>> x.stride(), x.t().stride(), x.stride(0)
        ((3, 1), (1, 3), 3)
    """
    st = tuple(s // self._data.itemsize for s in self._data.strides)
    if dim is None:
        return st
    return st[_wrap_dim(dim, self._data.ndim)]


def storage_offset(self):
    """The offset of the first element from the start of the base tensor's memory, in elements.

    Args:
        (none)

    Example::

        >>> ember.arange(5)[2:].storage_offset()
        2
    """
    base = self._base if self._base is not None else None
    if base is None:
        return 0
    if isinstance(self._data, np.ndarray):   # NumPy (also the meta device's arrays)
        lo = np.byte_bounds(self._data)[0] if hasattr(np, "byte_bounds") else \
            np.lib.array_utils.byte_bounds(self._data)[0]
        blo = np.byte_bounds(base._data)[0] if hasattr(np, "byte_bounds") else \
            np.lib.array_utils.byte_bounds(base._data)[0]
        return (lo - blo) // self._data.itemsize
    return (self._data.data.ptr - base._data.data.ptr) // self._data.itemsize


def is_contiguous(self, memory_format=None):
    """Whether the elements lie in memory in row-major (C) order without gaps.

    Transposes, permutes, expands and some slices are not contiguous; ``.contiguous()``
    makes a contiguous copy.

    Args:
        memory_format (ember.memory_format, optional): accepted for torch compatibility.

    Example::

        >>> x = ember.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
    """
    return bool(self._data.flags.c_contiguous)


def data_ptr(self):
    """The memory address of the first element (an int).

    Two tensors that share memory from the same start have the same ``data_ptr``. A tensor
    with no elements has ``data_ptr() == 0`` (as torch).

    Args:
        (none)

    Example::

        >>> x = ember.zeros(3)
        >>> x.data_ptr() == x.view(3).data_ptr()
        True
        >>> ember.zeros(0).data_ptr()
        0
    """
    return 0 if self._data.size == 0 else _raw_ptr(self._data)


def _raw_ptr(arr):
    """The address of an array's first element (also for arrays with no elements)."""
    if type(arr) is np.ndarray:
        return arr.__array_interface__["data"][0]
    return arr.data.ptr


def untyped_storage(self):
    """The underlying memory, as a NumPy (or CuPy) byte view of the base tensor.

    Args:
        (none)

    Example::

        >>> len(ember.zeros(2).untyped_storage())
        8
    """
    base = self._base._data if self._base is not None else self._data
    return base.reshape(-1).view(np.uint8) if base.flags.c_contiguous else base


def is_set_to(self, other):
    """Whether both tensors view the same memory with the same shape and strides.

    Args:
        other (Tensor): the tensor to compare with.

    Example::

        >>> x = ember.zeros(3)
        >>> x.is_set_to(x.view(3)), x.is_set_to(x.clone())
        (True, False)
    """
    return (_raw_ptr(self._data) == _raw_ptr(other._data)
            and self._data.shape == other._data.shape
            and self._data.strides == other._data.strides)


def get_device(self):
    """The CUDA device index of this tensor, or -1 on the cpu.

    Args:
        (none)

    Example::

        >>> ember.zeros(1).get_device()
        -1
    """
    d = self.device
    return -1 if d.type == "cpu" else d.index


def pin_memory(self, device=None):
    """A copy in page-locked (pinned) host memory, for fast copies to the GPU; ``self`` when already pinned.

    Needs CUDA (torch's error otherwise). ``DataLoader(pin_memory=True)`` calls it.

    Args:
        device (str or ember.device, optional): accepted for torch compatibility.

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

    Args:
        device (str or ember.device, optional): accepted for torch compatibility.

    Example::

        >>> ember.ones(3).is_pinned()
        False
    """
    if type(self._data) is not np.ndarray:
        return False
    from . import cuda
    return cuda._is_pinned_array(self._data)


def _mT(self):
    """The transpose of the last two dimensions (a view): ``x.transpose(-2, -1)``, for batches of matrices.

    Example::

        >>> ember.zeros(5, 2, 3).mT.shape
        torch.Size([5, 3, 2])
    """
    if self.ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got "
                           f"{self.ndim}-D tensor.")
    return F.transpose(self, -2, -1)


def _T(self):
    """The transpose of a matrix (a view); for other ranks, the dimensions reversed (deprecated).

    Example::

        >>> ember.tensor([[1, 2, 3]]).T
        tensor([[1],
                [2],
                [3]])
    """
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
    """The conjugate transpose of a matrix: ``x.T.conj()``.

    Example::

        >>> ember.tensor([[1 + 1j, 2 + 0j]]).H
        tensor([[1.-1.j],
                [2.-0.j]])
    """
    return F.conj(_T(self))


def _add_legacy(self, other, *args, alpha=1, out=None):
    # torch's deprecated add(value, tensor) form
    """``self + alpha * other``, with broadcasting and type promotion (see :func:`ember.add`).

    torch's deprecated form ``x.add(alpha, other)`` is accepted too (with a warning).

    Args:
        other (Tensor or number): the value to add.
        *args: only for the deprecated ``add(alpha, other)`` form.
        alpha (number): the multiplier for ``other``. Default: 1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.tensor([1, 2]).add(ember.tensor([10, 20]), alpha=2)
        tensor([21, 42])
    """
    if args:
        import warnings
        warnings.warn("This overload of add is deprecated:\n\tadd(Number alpha, Tensor other)"
                      "\nConsider using one of the following signatures instead:\n\tadd(Tensor "
                      "other, *, Number alpha = 1)", UserWarning, stacklevel=2)
        alpha, other = other, args[0]
    return F.add(self, other, alpha=alpha, out=out)


def _sub_legacy(self, other, *args, alpha=1, out=None):
    """``self - alpha * other``, with broadcasting and type promotion (see :func:`ember.sub`).

    Args:
        other (Tensor or number): the value to subtract.
        *args: only for the deprecated ``sub(alpha, other)`` form.
        alpha (number): the multiplier for ``other``. Default: 1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.tensor([5.0, 7.0]).sub(1)
        tensor([4., 6.])
    """
    if args:
        alpha, other = other, args[0]
    return F.sub(self, other, alpha=alpha, out=out)


def _addcmul_legacy(self, *args, value=1):
    """``self + value * tensor1 * tensor2`` (see :func:`ember.addcmul`).

    Args:
        *args: ``(tensor1, tensor2)``, or the deprecated ``(value, tensor1, tensor2)``.
        value (number): the multiplier for the product. Default: 1.

    Example::

        >>> ember.zeros(2).addcmul(ember.tensor([1.0, 2.0]), ember.tensor([3.0, 4.0]))
        tensor([3., 8.])
    """
    if len(args) == 3:
        value, t1, t2 = args
    else:
        t1, t2 = args
    return F.addcmul(self, t1, t2, value=value)


def _addcdiv_legacy(self, *args, value=1):
    """``self + value * tensor1 / tensor2`` (see :func:`ember.addcdiv`).

    Args:
        *args: ``(tensor1, tensor2)``, or the deprecated ``(value, tensor1, tensor2)``.
        value (number): the multiplier for the quotient. Default: 1.

    Example::

        >>> ember.zeros(2).addcdiv(ember.tensor([1.0, 2.0]), ember.tensor([4.0, 4.0]))
        tensor([0.2500, 0.5000])
    """
    if len(args) == 3:
        value, t1, t2 = args
    else:
        t1, t2 = args
    return F.addcdiv(self, t1, t2, value=value)


def _vararg_or_keyword(args, kwargs, name, fn):
    """``x.fn(*args)``, or torch's keyword form ``x.fn(name=...)`` (e.g. ``x.flip(dims=[1])``)."""
    if not kwargs:
        return args
    if args or set(kwargs) != {name}:
        bad = next((k for k in kwargs if k != name), name)
        raise TypeError(f"{fn}() got an unexpected keyword argument '{bad}'")
    return (kwargs[name],)


def _view(self, *shape, **kwargs):
    """A view with a new shape (or dtype), sharing this tensor's memory (see :func:`ember.view`).

    Args:
        *shape (int... or ember.dtype): the new shape; one entry may be -1.

    Example::

        >>> ember.arange(6).view(2, -1)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    shape = _vararg_or_keyword(shape, kwargs, "size", "view")
    return F.view(self, *shape)


def _size_view_as(self, other):
    """A view with the shape of ``other``: ``self.view(other.shape)``.

    Args:
        other (Tensor): the tensor whose shape to take.

    Example::

        >>> ember.arange(4).view_as(ember.zeros(2, 2)).shape
        torch.Size([2, 2])
    """
    return F.view(self, tuple(other.shape))


def _reshape_as(self, other):
    """This tensor reshaped to ``other``'s shape: ``self.reshape(other.shape)``.

    Args:
        other (Tensor): the tensor whose shape to take.

    Example::

        >>> ember.arange(4).reshape_as(ember.zeros(2, 2)).shape
        torch.Size([2, 2])
    """
    return F.reshape(self, tuple(other.shape))


def _type_as(self, other):
    """This tensor cast to ``other``'s dtype: ``self.to(other.dtype)``.

    Args:
        other (Tensor): the tensor whose dtype to take.

    Example::

        >>> ember.tensor([1, 2]).type_as(ember.zeros(1))
        tensor([1., 2.])
    """
    return to(self, other._dtype)


def _masked_fill_(self, mask, value):
    """In-place :func:`ember.masked_fill`: write ``value`` where ``mask`` is True; returns ``self``.

    Args:
        mask (Tensor): a bool tensor broadcastable to this tensor.
        value (number or 0-d Tensor): the fill value.

    Example::

        >>> ember.zeros(3).masked_fill_(ember.tensor([True, False, True]), 1.0)
        tensor([1., 0., 1.])
    """
    return _inplace(self, F.masked_fill, mask, value)


def _sum_method(self, dim=None, keepdim=False, dtype=None):
    """The sum of the elements, over all of them or over ``dim`` (see :func:`ember.sum`).

    Args:
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast to this dtype and sum in it.

    Example::

        >>> ember.tensor([[1, 2], [3, 4]]).sum(0)
        tensor([4, 6])
    """
    return F.sum(self, dim, keepdim, dtype=dtype)


def _max_method(self, dim=None, keepdim=False):
    """The maximum, of all elements or along ``dim`` as ``(values, indices)`` (see :func:`ember.max`).

    Args:
        dim (int or Tensor, optional): the dimension to reduce, or a tensor to compare with
            elementwise.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.tensor([[1, 5], [7, 2]]).max(dim=1).values
        tensor([5, 7])
    """
    return F.max(self, dim, keepdim)


def _min_method(self, dim=None, keepdim=False):
    """The minimum, of all elements or along ``dim`` as ``(values, indices)`` (see :func:`ember.min`).

    Args:
        dim (int or Tensor, optional): the dimension to reduce, or a tensor to compare with
            elementwise.
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.

    Example::

        >>> ember.tensor([3, 1, 2]).min()
        tensor(1)
    """
    return F.min(self, dim, keepdim)


def _softmax_method(self, dim, dtype=None):
    """Softmax along ``dim`` (see :func:`ember.softmax`).

    Args:
        dim (int): the dimension along which the result sums to 1.
        dtype (ember.dtype, optional): cast to this dtype first.

    Example::

        >>> ember.tensor([0.0, 0.0]).softmax(0)
        tensor([0.5000, 0.5000])
    """
    return F.softmax(self, dim, dtype)


def _log_softmax_method(self, dim, dtype=None):
    """Log-softmax along ``dim`` (see :func:`ember.log_softmax`).

    Args:
        dim (int): the dimension along which softmax is computed.
        dtype (ember.dtype, optional): cast to this dtype first.

    Example::

        >>> ember.tensor([0.0, 0.0]).log_softmax(0)
        tensor([-0.6931, -0.6931])
    """
    return F.log_softmax(self, dim, dtype)


def _repeat_method(self, *sizes, **kwargs):
    """Tile this tensor ``sizes[i]`` times along each dimension (see :func:`ember.repeat`).

    Args:
        *sizes (int...): the repetitions per dimension, as ints or one sequence.

    Example::

        >>> ember.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
    """
    sizes = _vararg_or_keyword(sizes, kwargs, "repeats", "repeat")
    return F.repeat(self, *sizes)


def _permute_method(self, *dims, **kwargs):
    """A view with the dimensions reordered (see :func:`ember.permute`).

    Args:
        *dims (int...): the new order of the dimensions, as ints or one sequence.

    Example::

        >>> ember.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
    """
    dims = _vararg_or_keyword(dims, kwargs, "dims", "permute")
    return F.permute(self, *dims)


def _expand_method(self, *sizes, **kwargs):
    """A view with size-1 dimensions broadcast to larger sizes, without copying (see :func:`ember.expand`).

    Args:
        *sizes (int...): the target shape (-1 keeps a size), as ints or one sequence.

    Example::

        >>> ember.tensor([[1], [2]]).expand(2, 2)
        tensor([[1, 1],
                [2, 2]])
    """
    sizes = _vararg_or_keyword(sizes, kwargs, "size", "expand")
    return F.expand(self, *sizes)


def _reshape_method(self, *shape, **kwargs):
    """The same data with a new shape: a view when possible, else a copy (see :func:`ember.reshape`).

    Args:
        *shape (int...): the new shape (one entry may be -1), as ints or one sequence.

    Example::

        >>> ember.arange(6).reshape(3, 2).shape
        torch.Size([3, 2])
    """
    shape = _vararg_or_keyword(shape, kwargs, "shape", "reshape")
    return F.reshape(self, *shape)


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector or matrix norm of this tensor (see :func:`ember.norm`).

    Args:
        p (int, float, inf, -inf, 'fro' or 'nuc'): the order of the norm. Default: ``'fro'``.
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast to this dtype first.

    Example::

        >>> ember.tensor([3.0, 4.0]).norm()
        tensor(5.)
    """
    return F.norm(self, p, dim, keepdim, dtype)


def _flip_method(self, *dims, **kwargs):
    """Reverse the order of the elements along ``dims`` (see :func:`ember.flip`).

    Args:
        *dims (int...): the dimensions to reverse, as ints or one sequence.

    Example::

        >>> ember.tensor([1, 2, 3]).flip(0)
        tensor([3, 2, 1])
    """
    dims = _vararg_or_keyword(dims, kwargs, "dims", "flip")
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = dims[0]
    return F.flip(self, dims)


def _clamp_(self, min=None, max=None):  # noqa: A002
    """In-place :func:`ember.clamp`: clamp every element into ``[min, max]``; returns ``self``.

    ``clip_`` is an alias.

    Args:
        min (number or Tensor, optional): the lower bound.
        max (number or Tensor, optional): the upper bound.

    Example::

        >>> ember.tensor([-2.0, 0.5, 3.0]).clamp_(-1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _inplace(self, F.clamp, min, max)


def _relu_(self):
    """In-place :func:`ember.relu`: replace negative elements by 0; returns ``self``.

    Args:
        (none)

    Example::

        >>> ember.tensor([-1.0, 2.0]).relu_()
        tensor([0., 2.])
    """
    return _inplace(self, F.relu)


def _sigmoid_(self):
    """In-place :func:`ember.sigmoid`; returns ``self``.

    Args:
        (none)

    Example::

        >>> ember.tensor([0.0]).sigmoid_()
        tensor([0.5000])
    """
    return _inplace(self, F.sigmoid)


def _scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    """In-place :func:`ember.scatter`: write ``src`` (or ``value``) at ``index`` along ``dim``; returns ``self``.

    Args:
        dim (int): the dimension to index along.
        index (Tensor): int64 positions, with as many dims as this tensor.
        src (Tensor or number, optional): the values to write.
        value (number, optional): a single value to write (instead of ``src``).
        reduce (str, optional): ``'add'`` or ``'multiply'`` to combine instead of overwrite.

    Example::

        >>> ember.zeros(3).scatter_(0, ember.tensor([1]), ember.tensor([4.0]))
        tensor([0., 4., 0.])
    """
    return _inplace(self, F.scatter, dim, index, src, value, reduce=reduce)


def _index_put_(self, indices, values, accumulate=False):
    """In-place :func:`ember.index_put`: ``self[indices] = values`` (``+=`` with accumulate); returns ``self``.

    Args:
        indices (tuple of Tensor): one index tensor per indexed dimension.
        values (Tensor or number): the values to write.
        accumulate (bool): add instead of overwrite (repeated positions add up).
            Default: ``False``.

    Example::

        >>> ember.zeros(3).index_put_((ember.tensor([0, 0]),), ember.tensor(1.0), accumulate=True)
        tensor([2., 0., 0.])
    """
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


def _split_method(self, split_size, dim=0):
    """Split into chunks along ``dim`` (views; see :func:`ember.split`). torch names the
    method's argument ``split_size`` (the function's is ``split_size_or_sections``).

    Args:
        split_size (int or list of int): the chunk size, or the size of each chunk.
        dim (int): the dimension to split. Default: 0.

    Example::

        >>> [t.tolist() for t in ember.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
    """
    return F.split(self, split_size, dim)


Tensor.split = _split_method

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
    "cumsum", "cumprod", "arctan2",
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
# docstrings (and names, for help()) of the in-place forms defined by the lambdas above
for _n, _doc in [("add_", "In-place add: ``x.add_(other, alpha=1)`` is ``x += alpha * other``."),
                 ("sub_", "In-place sub: ``x.sub_(other, alpha=1)`` is ``x -= alpha * other``."),
                 ("addcmul_", "In-place addcmul: ``x += value * tensor1 * tensor2``."),
                 ("addcdiv_", "In-place addcdiv: ``x += value * tensor1 / tensor2``.")]:
    getattr(Tensor, _n).__doc__ = _doc + " Returns ``x``; views of ``x`` see the new values."
    getattr(Tensor, _n).__name__ = _n
_abs_inplace = Tensor.abs_


def _abs_(self):
    if self._dtype.is_complex:  # |z| is real: it cannot be written back into z (torch's error)
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _abs_inplace(self)


_abs_.__name__, _abs_.__doc__ = "abs_", _abs_inplace.__doc__
Tensor.abs_ = Tensor.absolute_ = _abs_
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
Tensor.bernoulli.__doc__, Tensor.bernoulli.__name__ = F.bernoulli.__doc__, "bernoulli"
Tensor.multinomial = F.multinomial
Tensor.zero_ = zero_
Tensor.fill_ = fill_
Tensor.copy_ = copy_
Tensor.set_ = set_
Tensor.resize_as_ = resize_as_
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
def _set_part(part):
    def setter(self, value):
        view = part(self)  # (an error for .imag of a real tensor, as torch)
        if isinstance(value, Tensor):
            view.copy_(value)
        else:
            view.fill_(value)
    return setter


Tensor.real = property(F.real, _set_part(F.real), doc="The real part: a view for complex "
                       "tensors (writes show through), the tensor itself for real ones.")
Tensor.imag = property(F.imag, _set_part(F.imag), doc="The imaginary part of a complex tensor, "
                       "as a real view (an error for real tensors).")

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


# ---------------------------------------------------------------- more methods (torch parity)

def _where_method(self, condition, y):
    """``ember.where(condition, self, y)``: self's elements where ``condition`` holds, else ``y``'s.

    Args:
        condition (Tensor): a bool mask (broadcastable).
        y (Tensor or number): the values where ``condition`` is False.

    Example::

        >>> x = ember.tensor([-1.0, 2.0])
        >>> x.where(x > 0, 0.0)
        tensor([0., 2.])
    """
    return F.where(condition, self, y)


def _unfold(self, dimension, size, step):
    """The windows of length ``size``, every ``step`` elements along ``dimension``, as a view.

    The result has ``dimension`` replaced by the number of windows
    ``(n - size) // step + 1`` and a new last dimension of length ``size``. It shares memory
    with ``self``; differentiable (overlapping windows add up their gradients).

    Args:
        dimension (int): the dimension to slide along.
        size (int): the window length.
        step (int): the distance between window starts (> 0).

    Example::

        >>> ember.arange(5).unfold(0, 2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    d = _wrap_dim(dimension, self.ndim)
    n = self.shape[d] if self.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.ndim == 0:
        return self.reshape(1)[:size]  # torch: a 0-d tensor unfolds to shape (size,)
    return M.Unfold.apply(self, d, size, step)


def _float_power_(self, exponent):
    """In-place :func:`ember.float_power`: ``self ** exponent`` in double precision; ``self`` must be float64 (or complex128).

    Args:
        exponent (Tensor or number): the exponent.

    Example::

        >>> ember.tensor([2.0], dtype=ember.float64).float_power_(3)
        tensor([8.], dtype=torch.float64)
    """
    want = D.complex128 if (self._dtype.is_complex or (isinstance(exponent, Tensor) and
                                                       exponent._dtype.is_complex)
                            or isinstance(exponent, complex)) else D.float64
    if self._dtype is not want:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{F._type_label(self._dtype)} but the operation's result requires "
                           f"dtype {F._type_label(want)}")
    return _inplace(self, F.float_power, exponent)


def _fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal with ``fill_value`` in place; returns ``self``.

    For more than 2 dimensions all must have the same size. With ``wrap=True`` a tall
    matrix's diagonal restarts every ``N + 1`` rows (as NumPy's ``fill_diagonal``).

    Args:
        fill_value (number): the value.
        wrap (bool): continue the diagonal below the square part. Default: ``False``.

    Example::

        >>> ember.zeros(2, 3).fill_diagonal_(5)
        tensor([[5., 0., 0.],
                [0., 5., 0.]])
    """
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    shape = tuple(self.shape)
    if self.ndim > 2 and len(set(shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = min(shape)
    if self.ndim == 2:
        rows, cols = shape
        positions = list(range(0, rows * cols, cols + 1)) if wrap else \
            [i * (cols + 1) for i in range(n)]
    else:
        strides = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
        positions = [i * sum(strides) for i in range(n)]
    idx = F.tensor(positions, dtype=D.int64, device=self.device)

    def filled(x):
        return x.reshape(-1).index_fill(0, idx, fill_value).reshape(shape)
    return _inplace(self, filled)


def _sum_to_size(self, *size):
    return F.sum_to_size(self, *size)


_sum_to_size.__doc__ = F.sum_to_size.__doc__


def _lu_method(self, pivot=True, get_infos=False):
    """The LU factorisation of this matrix (:func:`ember.lu`): ``(LU, pivots)`` (plus ``infos``).

    Args:
        pivot (bool): must be ``True`` (as in torch on the CPU). Default: ``True``.
        get_infos (bool): also return per-matrix info. Default: ``False``.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> ember.tensor([[1.0, 2.0], [3.0, 4.0]]).lu()[1]
        tensor([2, 2], dtype=torch.int32)
    """
    return F.lu(self, pivot, get_infos)


def _lu_solve_method(self, LU_data, LU_pivots):
    """Solve ``A x = self`` from the LU factorisation of ``A`` (:func:`ember.lu_solve`).

    Args:
        LU_data (Tensor): the packed factors.
        LU_pivots (Tensor): the int32 pivots.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> A = ember.tensor([[2.0, 0.0], [0.0, 4.0]])
        >>> ember.tensor([[2.0], [4.0]]).lu_solve(*A.lu())
        tensor([[1.],
                [1.]])
    """
    return F.lu_solve(self, LU_data, LU_pivots)


_SIMPLE_MORE = [
    "arccosh", "arcsinh", "arctanh", "addr", "adjoint", "as_strided_scatter",
    "cholesky_inverse", "cholesky_solve", "conj_physical", "copysign", "deg2rad", "det",
    "diagflat", "diagonal_scatter", "dsplit", "frexp", "gcd", "hardshrink", "histogram",
    "hsplit", "i0", "index_reduce", "inverse", "is_conj", "is_neg", "is_same_size",
    "is_signed", "lcm", "ldexp", "logaddexp2", "logcumsumexp", "logdet", "logit",
    "matrix_exp", "matrix_power", "nanquantile", "nextafter", "pinverse", "positive", "prelu",
    "put", "rad2deg", "renorm", "resolve_conj", "resolve_neg", "select_scatter",
    "signbit", "sinc", "slice_scatter", "slogdet", "svd", "triangular_solve", "vsplit", "vdot",
]
for _name in _SIMPLE_MORE:
    setattr(Tensor, _name, getattr(F, _name))

_INPLACE_MORE = [
    "absolute", "acosh", "asinh", "atanh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan",
    "arctanh", "addbmm", "addmm", "addmv", "addr", "baddbmm", "bitwise_left_shift",
    "bitwise_right_shift", "copysign", "deg2rad", "rad2deg", "divide", "multiply", "erfc",
    "exp2", "gcd", "lcm", "ldexp", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "heaviside", "i0", "sinc", "logit", "logical_xor", "negative", "nextafter",
    "renorm", "index_reduce", "put", "scatter_reduce", "subtract", "conj_physical",
]
for _name in _INPLACE_MORE:
    setattr(Tensor, _name + "_", _inplace_method(getattr(F, _name)))

Tensor.where = _where_method
Tensor.unfold = _unfold
Tensor.float_power_ = _float_power_
Tensor.fill_diagonal_ = _fill_diagonal_
Tensor.sum_to_size = _sum_to_size
Tensor.lu = _lu_method
Tensor.lu_solve = _lu_solve_method


# ---------------------------------------------------------------- in-place view ops
# x.t_(), x.unsqueeze_(0), ...: torch changes the tensor's own sizes/strides (same memory)
# and returns it; under autograd the tensor takes the out-of-place view's graph node.


def _inplace_view(self, fn, *args, **kwargs):
    """Run the out-of-place view ``fn(self, ...)`` and make ``self`` that view."""
    _check_inplace(self)
    base = self._base
    if STATE.enabled and self._requires_grad and base is not None and \
            base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    out = fn(self, *args, **kwargs)
    _rebind_view(self, out, out._data)
    return self


def _rebind_view(self, out, data):
    self._data = data
    self._version_box[0] += 1
    if out.grad_fn is not None:
        self.grad_fn, self._output_nr, self._requires_grad = out.grad_fn, out._output_nr, True


def _squeeze_dim_arg(dims, dim, name):
    if dims and dim is not None:
        raise TypeError(f"{name}() got multiple values for argument 'dim'")
    if len(dims) == 1:
        return dims[0]
    return tuple(dims) if dims else dim


def _t_(self):
    """Transpose this tensor (at most 2-D) in place, like :meth:`t`; returns ``self``.

    Only the sizes and strides change; the memory is shared and the version bumps. Views
    taken before keep their shape.

    Args:
        (none)

    Example::

        >>> x = ember.tensor([[1, 2, 3]])
        >>> x.t_().shape, x.stride()
        (torch.Size([3, 1]), (1, 3))
    """
    if self.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                           f"{self.ndim}D")
    return _inplace_view(self, F.t)


def _transpose_(self, dim0, dim1):
    """Swap dimensions ``dim0`` and ``dim1`` of this tensor in place, like :meth:`transpose`; returns ``self``.

    Args:
        dim0 (int): the first dimension.
        dim1 (int): the second dimension.

    Example::

        >>> ember.zeros(2, 3, 4).transpose_(0, 2).shape
        torch.Size([4, 3, 2])
    """
    return _inplace_view(self, F.transpose, dim0, dim1)


def _swapdims_(self, dim0, dim1):
    """Alias of :meth:`transpose_` (in place; returns ``self``).

    Args:
        dim0 (int): the first dimension.
        dim1 (int): the second dimension.

    Example::

        >>> ember.zeros(2, 3).swapdims_(0, 1).shape
        torch.Size([3, 2])
    """
    return _inplace_view(self, F.transpose, dim0, dim1)


def _swapaxes_(self, axis0, axis1):
    """Alias of :meth:`transpose_` with NumPy's argument names (in place; returns ``self``).

    Args:
        axis0 (int): the first dimension.
        axis1 (int): the second dimension.

    Example::

        >>> ember.zeros(2, 3).swapaxes_(0, 1).shape
        torch.Size([3, 2])
    """
    return _inplace_view(self, F.transpose, axis0, axis1)


def _unsqueeze_(self, dim):
    """Insert a size-1 dimension at ``dim`` in place, like :meth:`unsqueeze`; returns ``self``.

    Args:
        dim (int): where to insert, in ``[-self.dim() - 1, self.dim()]``.

    Example::

        >>> x = ember.zeros(2, 3)
        >>> x.unsqueeze_(0).shape, x.stride()
        (torch.Size([1, 2, 3]), (6, 3, 1))
    """
    return _inplace_view(self, F.unsqueeze, dim)


def _squeeze_(self, *dims, dim=None):
    """Remove size-1 dimensions (all, or those in ``dim``) in place, like :meth:`squeeze`; returns ``self``.

    Args:
        dim (int or sequence of int, optional): only these dimensions (also accepted as
            several ints: ``x.squeeze_(0, 2)``). Default: all.

    Example::

        >>> ember.zeros(1, 2, 1).squeeze_().shape
        torch.Size([2])
        >>> ember.zeros(1, 2, 1).squeeze_(0).shape
        torch.Size([2, 1])
    """
    return _inplace_view(self, F.squeeze, _squeeze_dim_arg(dims, dim, "squeeze_"))


def _squeeze_method(self, *dims, dim=None):
    """Remove dimensions of size 1 (all of them, or only those in ``dim``); a view (see :func:`ember.squeeze`).

    Args:
        dim (int or sequence of int, optional): only these dimensions (also accepted as
            several ints: ``x.squeeze(0, 2)``). Default: all.

    Example::

        >>> ember.zeros(1, 2, 1).squeeze(0, 2).shape
        torch.Size([2])
    """
    return F.squeeze(self, _squeeze_dim_arg(dims, dim, "squeeze"))


def _tile_method(self, *dims, **kwargs):
    """Repeat the tensor ``dims[i]`` times along each dimension (see :func:`ember.tile`).

    Args:
        *dims (int... or sequence of int): the repetitions, as separate ints or one sequence;
            fewer than ``self.dim()`` are padded with leading 1s.

    Example::

        >>> ember.tensor([[1, 2]]).tile(2)
        tensor([[1, 2, 1, 2]])
        >>> ember.tensor([[1, 2]]).tile(2, 1).shape
        torch.Size([2, 2])
    """
    if kwargs:
        if dims or set(kwargs) != {"dims"}:
            raise TypeError(f"tile() got an unexpected keyword argument "
                            f"'{next(k for k in kwargs if k != 'dims' or dims)}'")
        dims = kwargs["dims"]
    elif len(dims) == 1 and not isinstance(dims[0], (int, np.integer)):
        dims = dims[0]
    return F.tile(self, dims)


_storage_flat = M.storage_flat


def _as_strided_(self, size, stride, storage_offset=None):
    """Make this tensor a view of its memory with the given sizes, strides and offset, in place; returns ``self``.

    Like :meth:`as_strided` but changes ``self``. ``storage_offset`` counts elements from the
    start of the memory this tensor views; by default the current one is kept.

    Args:
        size (sequence of int): the new shape.
        stride (sequence of int): the new strides, in elements (non-negative).
        storage_offset (int, optional): the new first element. Default: ``self.storage_offset()``.

    Example::

        >>> x = ember.arange(6.)
        >>> x.as_strided_((2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    size = tuple(int(k) for k in size)
    stride_ = tuple(int(k) for k in stride)
    if len(size) != len(stride_):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(st < 0 for st in stride_):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride_)}")
    cur = Tensor.storage_offset(self)
    off = cur if storage_offset is None else int(storage_offset)
    flat = _storage_flat(self._base if self._base is not None else self)
    need = 0 if 0 in size else off + 1 + sum((k - 1) * st for k, st in zip(size, stride_))
    if need > flat.shape[0]:
        item = self._data.itemsize
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride_)}, storage "
                           f"offset {off}, and itemsize {item} requiring a storage size of "
                           f"{need * item} are out of bounds for storage of size "
                           f"{flat.shape[0] * item}")
    _check_inplace(self)
    base = self._base
    if STATE.enabled and self._requires_grad and base is not None and \
            base.grad_fn is None and base._requires_grad:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    data = get_xp(flat).lib.stride_tricks.as_strided(
        flat[off:], size, tuple(st * flat.itemsize for st in stride_))
    out = self
    if STATE.enabled and self._requires_grad:
        rel = off - cur
        if not (self._data.flags.c_contiguous and rel >= 0 and need - cur <= self._data.size):
            raise RuntimeError("as_strided_ under autograd reaches memory outside this "
                               "(contiguous) tensor; call it on the base tensor or detach()")
        out = M.AsStrided.apply(self, size, stride_, rel)
    _rebind_view(self, out if out is not self else Tensor._wrap(data), data)
    return self


Tensor.t_ = _t_
Tensor.transpose_ = _transpose_
Tensor.swapdims_ = _swapdims_
Tensor.swapaxes_ = _swapaxes_
Tensor.unsqueeze_ = _unsqueeze_
Tensor.squeeze_ = _squeeze_
Tensor.squeeze = _squeeze_method
Tensor.tile = _tile_method
Tensor.as_strided_ = _as_strided_
for _f, _n in ((_t_, "t_"), (_transpose_, "transpose_"), (_swapdims_, "swapdims_"),
               (_swapaxes_, "swapaxes_"), (_unsqueeze_, "unsqueeze_"), (_squeeze_, "squeeze_"),
               (_squeeze_method, "squeeze"), (_tile_method, "tile"),
               (_as_strided_, "as_strided_")):
    _f.__name__ = _f.__qualname__ = _n
