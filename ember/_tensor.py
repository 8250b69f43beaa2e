"""ember.Tensor: an ndarray plus autograd metadata, with torch's methods and operators.

No math lives here: every method forwards to the op functions in ``ember.functions`` /
``ember.ops``. The array is ``t._data`` (numpy, or cupy on CUDA); ``t._dtype`` is the
ember dtype (needed because bfloat16 is stored in float32 arrays).

Views share their array memory with their base (``t._base``) and its version counter
(``t._version_box``), so in-place changes are visible through every view, as in torch.
"""
import numpy as np

from . import _dtype as D
from ._device import device_of, get_xp, to_device, CPU
__all__ = ["Tensor", "Size"]


class Size(tuple):
    """The shape of a tensor: a tuple of ints, as ``torch.Size`` (what ``x.shape`` and ``x.size()`` return).

    It behaves like a tuple (indexing, unpacking, ``len``, comparison with tuples); slices
    and ``+`` give a ``Size`` again.

    Args:
        sizes (iterable of int): the dimensions.

    Example::

        >>> ember.zeros(2, 3).shape
        torch.Size([2, 3])
        >>> s = ember.Size([2, 3, 4])
        >>> s[1:], s.numel(), s == (2, 3, 4)
        (torch.Size([3, 4]), 24, True)
    """
    __slots__ = ()

    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    def numel(self):
        """The number of elements a tensor of this shape has (the product of the sizes).

        Example::

            >>> ember.Size([2, 3]).numel()
            6
        """
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __reduce__(self):
        return (Size, (tuple(self),))


class Tensor:
    """A multi-dimensional array of one dtype on one device, with autograd, as ``torch.Tensor``.

    Usually created with :func:`ember.tensor`, :func:`ember.zeros`, :func:`ember.rand` and
    friends. A tensor holds its data (a NumPy array, or a CuPy array on a GPU), its dtype, and
    autograd state: ``requires_grad``, ``grad`` (filled by ``backward``) and ``grad_fn`` (the
    graph node that made it). Methods mirror the functions: ``x.sum()`` is ``ember.sum(x)``;
    names ending in ``_`` work in place. Views (``view``, slicing, ``transpose``, ...) share
    memory with their base.

    Calling the class directly follows torch's legacy constructor: ``ember.Tensor([1, 2])``
    makes a float tensor (default dtype) from data, ``ember.Tensor(2, 3)`` an uninitialised
    (zero-filled in ember) 2x3 float tensor. Prefer ``ember.tensor(data)``.

    Args:
        *args: data (a list, NumPy array or tensor), or the sizes of a new tensor.
        device (str or ember.device, optional): where to allocate it.

    Example::

        >>> x = ember.Tensor([[1, 2], [3, 4]])
        >>> x
        tensor([[1., 2.],
                [3., 4.]])
        >>> x.shape, x.dtype, x.device
        (torch.Size([2, 2]), torch.float32, device(type='cpu'))
        >>> ember.Tensor(2, 3).shape
        torch.Size([2, 3])
    """
    __slots__ = ("_data", "_dtype", "_requires_grad", "_grad", "grad_fn", "_output_nr",
                 "_version_box", "_base", "_grad_acc", "_hooks", "_retains_grad",
                 "_post_acc_hooks", "__weakref__")

    def __init__(self, *args, device=None):
        from .functions import tensor as _tensor_fn
        from ._legacy import parse_legacy_args
        dt = D.get_default_dtype()
        kind, val = parse_legacy_args(args)
        if kind == "data":
            src = val
            t = src if isinstance(src, Tensor) else _tensor_fn(src, dtype=dt, device=device)
            data = t._data if isinstance(src, Tensor) else t._data
            self._init(data, t._dtype)
        else:
            shape = val
            xp = to_device(device).xp if device is not None else np
            self._init(xp.zeros(tuple(int(s) for s in shape), dtype=dt.np), dt)

    def _init(self, data, dtype, requires_grad=False):
        self._data = data
        self._dtype = dtype
        self._requires_grad = requires_grad
        self._grad = None
        self.grad_fn = None
        self._output_nr = 0
        self._version_box = [0]
        self._base = None
        self._grad_acc = None
        self._hooks = None
        self._retains_grad = False
        self._post_acc_hooks = None

    @staticmethod
    def _wrap(data, dtype=None, requires_grad=False):
        """Make a Tensor around ``data`` (an ndarray) without copying. Internal fast path."""
        t = object.__new__(Tensor)
        t._data = data
        t._dtype = dtype if dtype is not None else D.from_np(data.dtype)
        t._requires_grad = requires_grad
        t._grad = None
        t.grad_fn = None
        t._output_nr = 0
        t._version_box = [0]
        t._base = None
        t._grad_acc = None
        t._hooks = None
        t._retains_grad = False
        t._post_acc_hooks = None
        return t

    def _view_of(self, data):
        """A Tensor around ``data``, an ndarray view of self's memory (shares the version)."""
        t = Tensor._wrap(data, self._dtype)
        base = self._base if self._base is not None else self
        t._base = base
        t._version_box = self._version_box
        return t

    # ------------------------------------------------------------------ basic attributes
    @property
    def dtype(self):
        """The element type of the tensor (an ``ember.dtype``, e.g. ``torch.float32``).

        Example::

            >>> ember.tensor([1, 2]).dtype
            torch.int64
        """
        return self._dtype

    @property
    def shape(self):
        """The shape of the tensor, as an ``ember.Size`` (same as ``size()``).

        Example::

            >>> ember.zeros(2, 3).shape
            torch.Size([2, 3])
        """
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape as an ``ember.Size``, or the length of dimension ``dim``.

        Args:
            dim (int, optional): a dimension (negative counts from the end). Default: None.

        Example::

            >>> ember.zeros(2, 3).size()
            torch.Size([2, 3])
            >>> ember.zeros(2, 3).size(-1)
            3
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def device(self):
        """The device the tensor lives on (an ``ember.device``).

        Example::

            >>> ember.zeros(1).device
            device(type='cpu')
        """
        return device_of(self._data)

    @property
    def is_cuda(self):
        """Whether the tensor lives on a GPU.

        Example::

            >>> ember.zeros(1).is_cuda
            False
        """
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        """Whether the tensor lives in host memory.

        Example::

            >>> ember.zeros(1).is_cpu
            True
        """
        return self.device.type == "cpu"

    @property
    def is_meta(self):
        """Whether the tensor lives on the ``'meta'`` device (shape, dtype, strides; no data).

        Example::

            >>> ember.zeros(1).is_meta, ember.zeros(1, device="meta").is_meta
            (False, True)
        """
        return getattr(self._data, "_ember_meta", False)

    @property
    def ndim(self):
        """The number of dimensions (same as ``dim()``).

        Example::

            >>> ember.zeros(2, 3).ndim
            2
        """
        return self._data.ndim

    def dim(self):
        """The number of dimensions (``ndimension`` is an alias; ``ndim`` the property).

        Args:
            (none)

        Example::

            >>> ember.zeros(2, 3).dim(), ember.tensor(1.0).dim()
            (2, 0)
        """
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """The number of elements (``nelement`` is an alias).

        Args:
            (none)

        Example::

            >>> ember.zeros(2, 3).numel()
            6
        """
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        """The size of one element in bytes (torch's: bfloat16 reports 2).

        Args:
            (none)

        Example::

            >>> ember.zeros(1).element_size(), ember.zeros(1, dtype=ember.int64).element_size()
            (4, 8)
        """
        return self._dtype.itemsize

    @property
    def itemsize(self):
        """The size of one element in bytes (same as ``element_size()``).

        Example::

            >>> ember.zeros(1, dtype=ember.float16).itemsize
            2
        """
        return self._dtype.itemsize

    @property
    def nbytes(self):
        """The number of bytes of the elements: ``numel() * itemsize``.

        Example::

            >>> ember.zeros(2, 3).nbytes
            24
        """
        return self._dtype.itemsize * int(self._data.size)

    @property
    def is_leaf(self):
        """Whether the tensor is a leaf of the autograd graph (it has no ``grad_fn``).

        Tensors made by the user are leaves; results of ops on tensors that require grad are not.
        ``backward`` fills ``.grad`` only for leaves that require grad.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> x.is_leaf, (x * 2).is_leaf
            (True, False)
        """
        return self.grad_fn is None

    @property
    def requires_grad(self):
        """Whether autograd records operations on this tensor (settable on leaves).

        Example::

            >>> x = ember.ones(2)
            >>> x.requires_grad = True
            >>> (x * 2).requires_grad
            True
        """
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        """Set whether autograd records operations on this (leaf) tensor; returns ``self``.

        Only floating and complex tensors can require grad. On a non-leaf only ``True`` is
        allowed (use ``detach()`` to stop tracking a computed tensor).

        Args:
            requires_grad (bool): the new value. Default: ``True``.

        Example::

            >>> w = ember.zeros(3).requires_grad_()
            >>> w.requires_grad
            True
        """
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach().")
            return self
        if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self):
        """The gradient accumulated by ``backward`` (None until then), for leaves that require grad.

        Gradients accumulate across backward calls; reset them with ``optimizer.zero_grad()`` or
        ``x.grad = None``. Reading ``.grad`` of a non-leaf warns (see ``retain_grad``).

        Example::

            >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
        if self.grad_fn is not None and not self._retains_grad:
            import warnings
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor.", UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: grad is "
                                   f"{list(value.shape)} but tensor is {list(self.shape)}")
            if value._dtype is not self._dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def data(self):
        """The tensor's values as a new tensor outside the graph (sharing memory), like ``detach()``.

        Assigning ``x.data = y`` replaces the values of ``x`` without autograd noticing.
        Prefer ``detach()`` and ``with ember.no_grad()``.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> x.data.requires_grad
            False
        """
        t = Tensor._wrap(self._data, self._dtype)
        t._version_box = self._version_box
        t._base = self._base
        return t

    @data.setter
    def data(self, value):
        self._data = value._data
        self._dtype = value._dtype

    @property
    def _version(self):
        return self._version_box[0]

    @property
    def layout(self):
        """The memory layout: always ``torch.strided`` (dense) in ember.

        Example::

            >>> ember.zeros(1).layout
            torch.strided
        """
        from . import strided
        return strided

    @property
    def names(self):
        """The dimension names (named tensors are not supported: all None).

        Example::

            >>> ember.zeros(2, 3).names
            (None, None)
        """
        return (None,) * self._data.ndim

    def _bump(self):
        self._version_box[0] += 1

    def _accumulator(self):
        """This leaf's AccumulateGrad node (created once, reused)."""
        acc = self._grad_acc
        if acc is None:
            from .autograd.function import AccumulateGrad
            acc = self._grad_acc = AccumulateGrad(self)
        return acc

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor with respect to the graph leaves, accumulating into their ``.grad``.

        For a one-element tensor (a loss) no ``gradient`` is needed. Gradients accumulate: zero
        them between steps. The graph is freed afterwards unless ``retain_graph=True``.

        Args:
            gradient (Tensor, optional): the gradient of some loss with respect to this tensor;
                may be omitted for a one-element tensor (it is then 1).
            retain_graph (bool, optional): keep the graph for another backward. Defaults to
                ``create_graph``.
            create_graph (bool): record the backward computation, for higher-order gradients.
                Default: ``False``.
            inputs (sequence of Tensor, optional): accumulate only into these tensors.

        Example::

            >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
            >>> (x * x).sum().backward()
            >>> x.grad
            tensor([2., 4.])
        """
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A new tensor sharing memory with this one, outside the graph (``requires_grad=False``).

        In-place changes to either are visible in both. Use ``x.detach().clone()`` for an
        independent copy, and ``x.detach().numpy()`` to get a NumPy array.

        Args:
            (none)

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> y = (x * 2).detach()
            >>> y.requires_grad, y.grad_fn is None
            (False, True)
        """
        t = Tensor._wrap(self._data, self._dtype)
        t._version_box = self._version_box
        t._base = self._base if self._base is not None else self
        return t

    def detach_(self):
        """Detach this tensor from the graph in place, making it a leaf that does not require grad; returns ``self``.

        Args:
            (none)

        Example::

            >>> y = ember.ones(2, requires_grad=True) * 2
            >>> y.detach_().requires_grad
            False
        """
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after ``backward`` (leaves keep it anyway).

        Args:
            (none)

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> y = x * 3
            >>> y.retain_grad()
            >>> y.sum().backward()
            >>> y.grad
            tensor([1., 1.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        me = self

        def _retain(g):
            if me._grad is None:
                me._grad = Tensor._wrap(g._data.copy(), g._dtype)
            else:
                me._grad = me._grad + g.detach()
        node = self.grad_fn
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
        # retain_grad runs after user hooks: register with a large key
        node._tensor_hooks.setdefault(self._output_nr, {})[1 << 60] = _retain

    @property
    def retains_grad(self):
        """Whether ``retain_grad()`` was called on this non-leaf tensor.

        Example::

            >>> (ember.ones(1, requires_grad=True) * 2).retains_grad
            False
        """
        return self._retains_grad

    def register_hook(self, hook):
        """Register ``hook(grad)`` to run each time this tensor's gradient is computed.

        The hook may return a tensor to use as the gradient instead. Returns a handle whose
        ``remove()`` unregisters the hook.

        Args:
            hook (callable): ``hook(grad) -> Tensor or None``.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> h = x.register_hook(lambda g: g * 2)
            >>> x.sum().backward(); x.grad
            tensor([2., 2.])
            >>> h.remove()
        """
        from .autograd.function import _Handle
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return _Handle(self._hooks, hook)
        node = self.grad_fn
        if node._tensor_hooks is None:
            node._tensor_hooks = {}
        return _Handle(node._tensor_hooks.setdefault(self._output_nr, {}), hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Register ``hook(tensor)`` to run after a gradient was accumulated into this leaf's ``.grad``.

        Returns a handle whose ``remove()`` unregisters the hook.

        Args:
            hook (callable): ``hook(tensor) -> None``.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> seen = []
            >>> h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.sum().item()))
            >>> (x * 3).sum().backward(); seen
            [6.0]
        """
        from .autograd.function import _Handle
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        return _Handle(self._post_acc_hooks, hook)

    # ------------------------------------------------------------------ conversion
    def numpy(self, *, force=False):
        """The data as a NumPy array that shares memory with the tensor (cpu tensors).

        Raises torch's error when the tensor requires grad (call ``.detach()`` first) or lives on
        a GPU (call ``.cpu()`` first).

        Args:
            force (bool): detach and copy to the cpu first when needed. Default: ``False``.

        Example::

            >>> ember.tensor([1, 2]).numpy()
            array([1, 2])
            >>> ember.ones(2, requires_grad=True).numpy(force=True)
            array([1., 1.], dtype=float32)
        """
        if force:
            t = self.detach().cpu()
            return t._data
        if self._requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        if type(self._data) is not np.ndarray:
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        data = self._data if type(self._data) is np.ndarray else self.cpu()._data
        if dtype is not None:
            return data.astype(dtype, copy=False)
        return data

    def __array_wrap__(self, array, context=None, return_scalar=False):
        # NumPy functions applied to a tensor (np.exp(t), np.transpose(t, axes)) give a tensor
        # back, as torch; torch has bool tensors but this hook turns bool results into uint8
        if array.dtype == bool:
            array = array.astype("uint8")
        return Tensor._wrap(array, D.from_np(array.dtype))

    def item(self):
        """The value of a one-element tensor as a Python number.

        Use it to log a loss: ``loss.item()``. Raises for tensors with more than one element.

        Args:
            (none)

        Example::

            >>> ember.tensor([2.5]).item()
            2.5
            >>> ember.tensor(3).item()
            3
        """
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to "
                               "Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        """The data as (nested) Python lists of Python numbers (a number for a 0-d tensor).

        Args:
            (none)

        Example::

            >>> ember.tensor([[1, 2]]).tolist()
            [[1, 2]]
        """
        data = self._data if type(self._data) is np.ndarray else self.cpu()._data
        return data.tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            if self._data.size == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()).item())  # (a meta tensor raises torch's error)

    def __float__(self):
        if self._requires_grad and not _FLOAT_OF_GRAD_WARNED:
            _warn_float_of_grad()  # (only where grad mode is on)
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._dtype.is_floating_point or self._dtype is D.bool or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.reshape(()).item())  # (a meta tensor raises torch's error)

    def __format__(self, spec):
        if self._data.ndim == 0 and not getattr(self._data, "_ember_meta", False):
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        if getattr(self._data, "_ember_meta", False):
            from ._meta import meta_repr  # tensor(..., device='meta', size=(2, 3))
            return meta_repr(self)
        data = self.detach().cpu()._data
        fn = self.grad_fn
        return tensor_repr(data, self._dtype.name, device=str(self.device),
                           requires_grad=self._requires_grad and fn is None,
                           grad_fn_name=None if fn is None else type(fn).__name__,
                           is_parameter=False,
                           default_dtype_name=D.get_default_dtype().name)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        # plain pickling (copy.deepcopy, multiprocessing): data + flags
        data = self.detach().cpu()._data.copy()
        return (_rebuild, (data, self._dtype.name, str(self.device), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        if id(self) in memo:
            return memo[id(self)]
        new = type(self).__new__(type(self))
        Tensor._init(new, self._data.copy(), self._dtype, self._requires_grad)
        if type(self) is not Tensor and hasattr(self, "__dict__"):
            import copy
            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __array_priority__(self):  # pragma: no cover - marker only
        return 1000

    __array_priority__ = 1000
    __torch_function__ = None

    def type(self, dtype=None, non_blocking=False):
        """With no argument, the type string (``'torch.FloatTensor'``); with one, a cast to it.

        Args:
            dtype (str, ember.dtype or legacy type, optional): the target type, e.g.
                ``'torch.LongTensor'`` or ``ember.int64``.
            non_blocking (bool): accepted for torch compatibility. Default: ``False``.

        Example::

            >>> ember.zeros(1).type()
            'torch.FloatTensor'
            >>> ember.zeros(1).type('torch.LongTensor')
            tensor([0])
        """
        if dtype is None:
            name = _TYPE_NAMES[self._dtype.name]
            if self.device.type == "cuda":
                return f"torch.cuda.{name}"
            return f"torch.{name}"
        if isinstance(dtype, str):
            key = dtype.split(".")[-1]
            for k, v in _TYPE_NAMES.items():
                if v == key:
                    t = self.to(getattr(D, k))
                    return t.cuda() if ".cuda." in dtype else t
            raise ValueError(f"invalid type: '{dtype}'")
        if isinstance(dtype, type) and hasattr(dtype, "_ember_dtype"):
            return self.to(dtype._ember_dtype)
        return self.to(dtype)


_FLOAT_OF_GRAD_WARNED = False


def _warn_float_of_grad():
    """torch warns once per process when float() reads a tensor that requires grad while
    grad mode is on."""
    global _FLOAT_OF_GRAD_WARNED
    import warnings
    from .autograd.grad_mode import STATE
    if not STATE.enabled:  # e.g. float(loss) inside LBFGS.step, which runs under no_grad
        return
    _FLOAT_OF_GRAD_WARNED = True
    warnings.warn("Converting a tensor with requires_grad=True to a scalar may lead to "
                  "unexpected behavior.\nConsider using tensor.detach() first.", stacklevel=3)


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
               "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor",
               "bool": "BoolTensor", "complex64": "ComplexFloatTensor",
               "complex128": "ComplexDoubleTensor"}


def _rebuild(data, dtype_name, device, requires_grad):
    t = Tensor._wrap(data, D._BY_NAME[dtype_name])
    if device != "cpu":
        t = t.to(device)
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim):
    """Normalise a possibly negative ``dim`` for a tensor of ``ndim`` dims (0-d allows -1, 0)."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim
