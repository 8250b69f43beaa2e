"""``nn.Parameter`` and ``nn.Buffer``: tensors that modules register when assigned as attributes."""
from collections import OrderedDict

from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "is_lazy"]


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


def is_lazy(param):
    """Whether ``param`` is an uninitialized (lazy) parameter; always False in ember."""
    return False
