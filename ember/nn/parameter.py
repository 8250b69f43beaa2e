"""``nn.Parameter`` and ``nn.Buffer``: tensors that modules register when assigned as attributes."""
from collections import OrderedDict

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "is_lazy", "UninitializedParameter", "UninitializedBuffer",
           "UninitializedTensorMixin"]


def _share(cls, data):
    """A new ``cls`` instance sharing ``data``'s array (and version counter)."""
    obj = object.__new__(cls)
    Tensor._init(obj, data._data, data._dtype, False)
    obj._version_box = data._version_box
    return obj


class Parameter(Tensor):
    """A Tensor that is a module parameter, as ``torch.nn.Parameter``.

    Assigning a Parameter as a Module attribute registers it: it then appears in
    ``module.parameters()`` and in the ``state_dict``. It shares memory with ``data``.

    Args:
        data (Tensor): the parameter's values (an empty tensor when None).
        requires_grad (bool): whether it requires gradient (default True, even inside
            ``no_grad``).

    Example::

        >>> p = ember.nn.Parameter(ember.ones(2))
        >>> p
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..functions import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' must be Tensor, not "
                            f"{type(data).__name__}")
        p = _share(cls, data)
        if requires_grad:
            p.requires_grad_(True)  # raises torch's error for integer dtypes
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self._requires_grad)
        if self._grad is not None:
            result._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self.data, self._requires_grad, OrderedDict()))


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    """Unpickle a Parameter (torch._utils._rebuild_parameter)."""
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """A Tensor that is module state but not a parameter, as ``torch.nn.Buffer``.

    Assigning a Buffer as a Module attribute registers it as a buffer (like
    ``register_buffer``): it follows ``.to()`` and appears in the ``state_dict`` when
    ``persistent``.

    Args:
        data (Tensor): the buffer's values (an empty tensor when None).
        persistent (bool): whether the buffer is part of the ``state_dict`` (default True).

    Example::

        >>> m = ember.nn.Module()
        >>> m.running = ember.nn.Buffer(ember.zeros(3))
        >>> list(m.state_dict())
        ['running']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ..functions import empty
            data = empty(0)
        b = _share(cls, data)
        b._requires_grad = data._requires_grad and data.grad_fn is None
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass

    def __reduce_ex__(self, proto):
        return (_rebuild_buffer, (self.data, self.persistent))


def _rebuild_buffer(data, persistent):
    return Buffer(data, persistent=persistent)


# ---------------------------------------------------------------- lazy (uninitialized) tensors
# Lazy modules (``nn.LazyLinear`` & co, ember/nn/modules/lazy.py) hold these until their first
# forward infers the shapes; ``materialize`` then turns the *same object* into a Parameter
# (so an optimizer built before the first forward keeps working).

# Tensor methods an uninitialized tensor still allows (torch's list): conversions, size().
_UNINIT_ALLOWED = frozenset({
    "size", "copy_", "is_complex", "is_floating_point", "half", "float", "double", "char",
    "short", "int", "long", "cuda", "cpu", "to", "get_device", "materialize", "share_memory_"})
# operators (looked up on the type, not through __getattribute__) that are refused as well
_UNINIT_OPERATORS = (
    "add", "radd", "iadd", "sub", "rsub", "isub", "mul", "rmul", "imul", "truediv",
    "rtruediv", "itruediv", "floordiv", "rfloordiv", "ifloordiv", "mod", "rmod", "imod",
    "pow", "rpow", "ipow", "matmul", "rmatmul", "imatmul", "and", "rand", "iand", "or",
    "ror", "ior", "xor", "rxor", "ixor", "lshift", "rlshift", "ilshift", "rshift",
    "rrshift", "irshift", "neg", "pos", "abs", "invert", "lt", "le", "gt", "ge", "eq", "ne",
    "getitem", "setitem", "len", "iter", "bool", "float", "int", "index", "complex",
    "contains", "array", "reversed", "round", "divmod", "rdivmod")
_tensor_methods = {}   # name -> True when it is a plain Tensor method (filled lazily)


def _uninit_error(cls, what):
    return ValueError(
        f"Attempted to use an uninitialized parameter in {what}. This error happens when you "
        "are using a `LazyModule` or explicitly manipulating "
        f"`torch.nn.parameter.{cls.__name__}` objects. When using LazyModules Call `forward` "
        "with a dummy batch to initialize the parameters before calling torch functions")


def _is_tensor_method(name):
    hit = _tensor_methods.get(name)
    if hit is None:
        hit = False
        for klass in Tensor.__mro__:
            if name in klass.__dict__:
                v = klass.__dict__[name]
                hit = callable(v) and not isinstance(v, (property, staticmethod, classmethod,
                                                         type))
                break
        _tensor_methods[name] = hit
    return hit


def _refused(cls, name):
    def method(*args, **kwargs):
        raise _uninit_error(cls, f"<method '{name}' of 'torch._C.TensorBase' objects>")
    method.__name__ = name
    return method


class UninitializedTensorMixin:
    """What ``UninitializedParameter`` and ``UninitializedBuffer`` share (torch's mixin).

    The tensor holds no data yet: ``shape`` raises, and every Tensor method except the
    conversions (``to``, ``cuda``, ``cpu``, ``float``, ``double``, ``half``, ...), ``size``
    and ``copy_`` raises torch's ValueError. ``materialize(shape)`` allocates the data and
    turns the object into a regular Parameter / Buffer in place.

    Args:
        (none): a mixin; use ``UninitializedParameter`` or ``UninitializedBuffer``.

    Example::

        >>> p = ember.nn.UninitializedParameter()
        >>> isinstance(p, ember.nn.parameter.UninitializedTensorMixin)
        True
    """
    __slots__ = ()
    cls_to_become = None
    __hash__ = Tensor.__hash__

    # the array slot is guarded: any operation reading it (ember.add(p, 1), F.linear(x, p),
    # zeros_like(p), ...) raises torch's ValueError; the allowed methods below use _raw
    @property
    def _data(self):
        raise _uninit_error(type(self), _caller())

    @_data.setter
    def _data(self, value):
        _RAW_DATA.__set__(self, value)

    def _raw(self):
        return _RAW_DATA.__get__(self, Tensor)

    def _standin(self):
        """A plain tensor on the (empty) array, for the allowed conversions."""
        return Tensor._wrap(self._raw(), self._dtype)

    @property
    def device(self):
        from .._device import device_of
        return device_of(self._raw())

    @property
    def ndim(self):
        return self._raw().ndim

    def size(self, dim=None):
        return Tensor.size(self._standin(), dim)

    @property
    def data(self):
        t = self._standin()
        t._version_box = self._version_box
        return t

    @data.setter
    def data(self, value):
        self._data = value._data
        self._dtype = value._dtype

    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def _converted(self, out, standin):
        # a parameter's conversion gives a plain tensor, as torch's (Module._apply then swaps
        # the array into the same Parameter object); UninitializedBuffer overrides this
        return out

    def __getattribute__(self, name):
        if name[:1] != "_" and name not in _UNINIT_ALLOWED and _is_tensor_method(name):
            # the attribute resolves to a Tensor method: refuse it, as torch does
            for klass in type(self).__mro__:
                if name in klass.__dict__:
                    if klass is Tensor or klass is object:
                        return _refused(type(self), name)
                    break
        return object.__getattribute__(self, name)

    def materialize(self, shape, device=None, dtype=None):
        """Allocate the data (uninitialized values) and become a regular Parameter / Buffer.

        The object keeps its identity: modules and optimizers holding it see the new
        tensor.

        Args:
            shape (tuple of int): the shape of the data.
            device (ember.device, optional): default: the device given at construction.
            dtype (ember.dtype, optional): default: the dtype given at construction.

        Example::

            >>> p = ember.nn.UninitializedParameter()
            >>> p.materialize((2, 3))
            >>> type(p).__name__, p.shape
            ('Parameter', torch.Size([2, 3]))
        """
        from ..functions import empty
        if device is None:
            device = self.device
        if dtype is None:
            dtype = self._dtype
        t = empty(tuple(shape), device=device, dtype=dtype)
        self._data = t._data
        self._dtype = t._dtype
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def copy_(self, src, non_blocking=False):
        if is_lazy(src):   # nothing to copy between two tensors without data
            return self
        t = self._standin()
        t._requires_grad = self._requires_grad
        Tensor.copy_(t, src, non_blocking)   # torch's errors (leaf, shape)
        return self

    def __repr__(self):
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __format__(self, spec):
        return format(repr(self), spec)

    def __reduce_ex__(self, proto):
        return (self.__class__, (self._requires_grad,))


_RAW_DATA = Tensor.__dict__["_data"]   # the slot descriptor behind the guard
_PUBLIC_MODULES = ("ember.functions", "ember._methods", "ember.nn.functional",
                   "ember.nn.functional_conv", "ember.nn.functional_seq", "ember.linalg",
                   "ember.nn.init", "ember._fn_extra", "ember._fn_nn", "ember._fn_linalg")


def _caller():
    """Name the public function that touched the data (for the error message)."""
    import sys
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name == "__getattribute__":
        frame = frame.f_back
    first = frame.f_code.co_name if frame is not None else "?"
    for _ in range(12):
        if frame is None:
            break
        if frame.f_globals.get("__name__") in _PUBLIC_MODULES:
            return f"<function {frame.f_code.co_name}>"
        frame = frame.f_back
    return f"<function {first}>"


def _conversion(name):
    method = getattr(Tensor, name)

    def convert(self, *args, **kwargs):
        standin = self._standin()
        return self._converted(method(standin, *args, **kwargs), standin)
    convert.__name__ = name
    convert.__doc__ = method.__doc__
    return convert


for _name in ("to", "cuda", "cpu", "half", "float", "double", "char", "short", "int", "long"):
    setattr(UninitializedTensorMixin, _name, _conversion(_name))


for _op in _UNINIT_OPERATORS:
    _name = f"__{_op}__"
    if hasattr(Tensor, _name):
        def _op_refused(self, *args, _name=_name, **kwargs):
            raise _uninit_error(type(self), f"<slot wrapper '{_name}' of "
                                f"'torch._C.TensorBase' objects>")
        _op_refused.__name__ = _name
        setattr(UninitializedTensorMixin, _name, _op_refused)
del _op, _name


def is_lazy(param):
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``.

    Args:
        param (Any): the object to check.

    Example::

        >>> ember.nn.parameter.is_lazy(ember.nn.UninitializedParameter())
        True
        >>> ember.nn.parameter.is_lazy(ember.nn.Parameter(ember.ones(1)))
        False
    """
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (what lazy modules hold before their first
    forward), as ``torch.nn.UninitializedParameter``.

    It holds no data: reading ``shape`` raises RuntimeError and using it in an operation
    raises ValueError. It can only change dtype/device and be turned into a regular
    ``Parameter`` with ``materialize(shape)`` (the same object: an optimizer holding it keeps
    working).

    Args:
        requires_grad (bool): whether the materialized parameter requires grad.
            Default: ``True``.
        device (ember.device, optional): the device to materialize on.
        dtype (ember.dtype, optional): the dtype to materialize with.

    Example::

        >>> p = ember.nn.UninitializedParameter()
        >>> p
        <UninitializedParameter>
        >>> p.materialize((2,))
        >>> type(p).__name__, p.shape, p.requires_grad
        ('Parameter', torch.Size([2]), True)
    """
    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        from ..functions import empty
        p = _share(cls, empty(0, device=device, dtype=dtype))
        p._requires_grad = bool(requires_grad)
        return p

    def __init__(self, *args, **kwargs):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self._requires_grad, self.device, self._dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer whose shape is not known yet (lazy modules' running statistics before the
    first forward), as ``torch.nn.UninitializedBuffer``.

    Like :class:`UninitializedParameter` it holds no data; conversions (``to``, ``double``,
    ``cuda``, ...) return a new ``UninitializedBuffer`` and ``materialize(shape)`` turns it
    into a regular buffer in place.

    Args:
        requires_grad (bool): Default: ``False``.
        device (ember.device, optional): the device to materialize on.
        dtype (ember.dtype, optional): the dtype to materialize with.
        persistent (bool): whether the buffer is part of the ``state_dict``.
            Default: ``True``.

    Example::

        >>> b = ember.nn.UninitializedBuffer()
        >>> b.double().dtype
        torch.float64
        >>> b.materialize((3,))
        >>> b.shape
        torch.Size([3])
    """
    cls_to_become = Buffer

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        from ..functions import empty
        b = _share(cls, empty(0, device=device, dtype=dtype))
        b._requires_grad = bool(requires_grad)
        b.persistent = persistent
        return b

    def __init__(self, *args, **kwargs):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self._requires_grad, self.device, self._dtype, self.persistent)
        memo[id(self)] = result
        return result

    def _converted(self, out, standin):
        # a conversion gives a placeholder again (no change: this one), as torch's
        if out is standin:
            return self
        return UninitializedBuffer(self._requires_grad, out.device, out._dtype,
                                   self.persistent)
