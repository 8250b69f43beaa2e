"""``nn.utils.parametrize``: express a parameter or buffer as a function of other tensors.

How it works (torch's mechanism): registering a parametrization on ``module.weight`` moves
the tensor into ``module.parametrizations.weight.original`` (a :class:`ParametrizationList`
held in a ``ModuleDict``) and swaps the module's class for a subclass created on the fly,
``Parametrized<Class>``, that carries a ``weight`` *property*. Reading the property runs the
parametrizations on ``original`` (so gradients flow to it); assigning to it runs their
``right_inverse`` and writes the result into ``original``. ``Module.__getattr__`` /
``__setattr__`` need nothing special: class properties take precedence over them.
"""
import collections.abc
import copy
import copyreg
from contextlib import contextmanager

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations",
           "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}   # (id(module), tensor_name) -> the parametrized tensor, while cached() is active


@contextmanager
def cached():
    """Context manager: compute each parametrized tensor once inside the block and reuse it.

    Useful when a parametrized weight is read several times in one forward (an RNN cell in a
    loop, shared weights). The cached values are dropped when the outermost ``cached()``
    block exits. Blocks nest.

    Args:
        (none)

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
        >>> with P.cached():
        ...     m.weight is m.weight
        True
        >>> m.weight is m.weight
        False
    """
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    if isinstance(X, Parameter):
        module.register_parameter(name, X)
    else:
        module.register_buffer(name, X)


def _maybe_set(dest, src):
    """Make ``dest`` hold ``src``'s values, keeping ``dest``'s identity (``Tensor.set_``)."""
    dest.set_(src)


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor and the original tensor(s) they act on.

    It is the type of ``module.parametrizations[tensor_name]`` after
    :func:`register_parametrization`; you do not build it yourself. When the first
    parametrization's ``right_inverse`` returns one tensor (or there is no ``right_inverse``),
    the unconstrained tensor is registered as ``original``; when it returns a sequence, as
    ``original0``, ``original1``, ... Calling the list computes the parametrized tensor:
    ``self[0](original)`` (or ``self[0](original0, original1, ...)``), then each following
    parametrization in registration order.

    Args:
        modules (sequence of Module): the parametrizations (at least one).
        original (Parameter or Tensor): the parameter or buffer being parametrized.
        unsafe (bool): allow the parametrization to change the tensor's dtype and shape
            (not checked). Default: ``False``.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Symmetric(ember.nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).mT
        >>> m = P.register_parametrization(ember.nn.Linear(3, 3), "weight", Symmetric())
        >>> type(m.parametrizations.weight).__name__
        'ParametrizationList'
        >>> m.parametrizations.weight.original.shape
        torch.Size([3, 3])
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape = original.shape
        original_dtype = original.dtype

        # the unconstrained value: run the right inverses, last registered first
        with no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass   # no inverse: `original` is taken as it is

        if not isinstance(new, Tensor) and not isinstance(new, collections.abc.Sequence):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                             f"(list, tuple...). Got {type(new).__name__}")

        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)

        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the dtype.\n"
                    f"original.dtype: {original.dtype}\n"
                    f"right_inverse(original).dtype: {new.dtype}")
            if original.device != new.device:
                raise ValueError(
                    "When `right_inverse` outputs one tensor, it may not change the device.\n"
                    f"original.device: {original.device}\n"
                    f"right_inverse(original).device: {new.device}")
            # keep the same object (an optimizer may already hold it), with the new values
            with no_grad():
                _maybe_set(original, new)
            _register_parameter_or_buffer(self, "original", original)
        else:
            for i, originali in enumerate(new):
                if not isinstance(originali, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of "
                                     "tensors (list, tuple...). Got element "
                                     f"{i} of the sequence with type "
                                     f"{type(originali).__name__}.")
                if isinstance(original, Parameter):
                    originali = Parameter(originali, original.requires_grad)
                originali.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f"original{i}", originali)

        if not self.unsafe:
            # consistency check: the parametrized tensor keeps the dtype and shape
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got "
                                 f"{type(Z).__name__}.")
            if Z.dtype != original_dtype:
                raise ValueError(
                    "Registering a parametrization may not change the dtype of the tensor, "
                    "unless `unsafe` flag is enabled.\n"
                    f"unparametrized dtype: {original_dtype}\n"
                    f"parametrized dtype: {Z.dtype}")
            if Z.shape != original_shape:
                raise ValueError(
                    "Registering a parametrization may not change the shape of the tensor, "
                    "unless `unsafe` flag is enabled.\n"
                    f"unparametrized shape: {original_shape}\n"
                    f"parametrized shape: {Z.shape}")

    def right_inverse(self, value):
        """Run the parametrizations' ``right_inverse`` (last registered first) on ``value``
        and store the result in ``original`` (or ``original0``, ``original1``, ...).

        This is what ``module.weight = value`` calls on a parametrized module.

        Args:
            value (Tensor): the value the parametrized tensor should take.

        Example::

            >>> import ember.nn.utils.parametrize as P
            >>> class Double(ember.nn.Module):
            ...     def forward(self, X):
            ...         return 2 * X
            ...     def right_inverse(self, Y):
            ...         return Y / 2
            >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
            >>> m.parametrizations.weight.right_inverse(ember.ones(2, 2))
            >>> m.parametrizations.weight.original
            Parameter containing:
            tensor([[0.5000, 0.5000],
                    [0.5000, 0.5000]], requires_grad=True)
        """
        with no_grad():
            for module in reversed(self):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not "
                                       "implement right_inverse.")
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got "
                                     f"{type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype "
                                     f"{value.dtype} while `original` has dtype "
                                     f"{self.original.dtype}")
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError("'right_inverse' must return a sequence of tensors. "
                                     f"Got {type(value).__name__}.")
                if len(value) != self.ntensors:
                    raise ValueError("'right_inverse' must return a sequence of tensors of "
                                     f"length {self.ntensors}. Got a sequence of length "
                                     f"{len(value)}.")
                for i, tensor in enumerate(value):
                    original_i = getattr(self, f"original{i}")
                    if not isinstance(tensor, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors "
                                         f"or reference-type opaques. Got element {i} of "
                                         f"type {type(tensor).__name__}.")
                    if original_i.dtype != tensor.dtype:
                        raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype "
                                         f"{tensor.dtype} while `original{i}` has dtype "
                                         f"{original_i.dtype}")
                    _maybe_set(original_i, tensor)

    def forward(self):
        """The parametrized tensor: the parametrizations applied to the original(s).

        Example::

            >>> import ember.nn.utils.parametrize as P
            >>> class Double(ember.nn.Module):
            ...     def forward(self, X):
            ...         return 2 * X
            >>> lin = ember.nn.Linear(2, 2)
            >>> m = P.register_parametrization(lin, "bias", Double())
            >>> ember.equal(m.parametrizations.bias(), 2 * m.parametrizations.bias.original)
            True
        """
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        # the remaining parametrizations take one tensor each
        curr_idx = 1
        while hasattr(self, str(curr_idx)):
            x = self[curr_idx](x)
            curr_idx += 1
        return x


def _inject_new_class(module):
    """Swap ``module``'s class for a new subclass ``Parametrized<Class>`` (to hold properties)."""
    cls = module.__class__

    def default_deepcopy(self, memo):
        # the __getstate__ below refuses pickling, so deepcopy copies the __dict__ directly
        obj = memo.get(id(self), None)
        if obj is not None:
            return obj
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = copy.deepcopy(self.__dict__, memo)
        for slot in copyreg._slotnames(self.__class__):
            if hasattr(self, slot):
                setattr(replica, slot, copy.deepcopy(getattr(self, slot), memo))
        return replica

    def getstate(self):
        raise RuntimeError(
            "Serialization of parametrized modules is only supported through state_dict(). "
            "See:\nhttps://pytorch.org/tutorials/beginner/saving_loading_models.html"
            "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")

    dct = {"__getstate__": getstate}
    if not hasattr(cls, "__deepcopy__"):
        dct["__deepcopy__"] = default_deepcopy
    param_cls = type(f"Parametrized{cls.__name__}", (cls,), dct)
    module.__class__ = param_cls


def _inject_property(module, tensor_name):
    """Add the property ``tensor_name`` to ``module``'s (already swapped) class."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_cached_parametrization(self, parametrization):
        key = (id(self), tensor_name)
        tensor = _cache.get(key)
        if tensor is None:
            tensor = parametrization()
            _cache[key] = tensor
        return tensor

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            return get_cached_parametrization(self, parametrization)
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Register a parametrization on a parameter or buffer of a module.

    After ``register_parametrization(m, "weight", P)``, reading ``m.weight`` returns
    ``P(m.parametrizations.weight.original)`` (recomputed at every access unless inside
    :func:`cached`), and gradients flow to ``original``. Registering several
    parametrizations on the same name chains them. ``m``'s class becomes
    ``Parametrized<Class>``; the ``state_dict`` keys become
    ``parametrizations.weight.original`` (``original0``, ``original1``, ... when ``P``'s
    ``right_inverse`` returns several tensors).

    ``P`` may define ``right_inverse(X)`` returning a tensor or a sequence of tensors: it
    computes the initial ``original`` from the current value when ``P`` is registered first,
    and assigning ``m.weight = X`` calls it. The parametrization's training mode is set to
    the module's.

    Args:
        module (nn.Module): the module holding the tensor.
        tensor_name (str): the name of the parameter or buffer (or an already parametrized
            name, to chain).
        parametrization (nn.Module): the parametrization.
        unsafe (bool, keyword-only): allow the parametrization to change the tensor's
            dtype and shape; the consistency checks are skipped. Default: ``False``.

    Returns:
        nn.Module: ``module``.

    Raises:
        ValueError: if ``module`` has no parameter, buffer or parametrized tensor named
            ``tensor_name``, or (unless ``unsafe``) the parametrization changes the dtype or
            shape.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Symmetric(ember.nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).mT
        ...     def right_inverse(self, A):
        ...         return A.triu()
        >>> m = P.register_parametrization(ember.nn.Linear(4, 4), "weight", Symmetric())
        >>> type(m).__name__
        'ParametrizedLinear'
        >>> ember.allclose(m.weight, m.weight.T)
        True
        >>> list(m.state_dict())
        ['bias', 'parametrizations.weight.original']
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        # chain on an existing parametrization
        if not unsafe:
            Y = getattr(module, tensor_name)
            X = parametrization(Y)
            if not isinstance(X, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got "
                                 f"{type(X).__name__}.")
            if X.dtype != Y.dtype:
                raise ValueError(
                    "Registering a parametrization may not change the dtype of the tensor, "
                    "unless the `unsafe` flag is enabled.\n"
                    f"module.{tensor_name}.dtype: {Y.dtype}\n"
                    f"parametrization(module.{tensor_name}).dtype: {X.dtype}")
            if X.shape != Y.shape:
                raise ValueError(
                    "Registering a parametrization may not change the shape of the tensor, "
                    "unless the `unsafe` flag is enabled.\n"
                    f"module.{tensor_name}.shape: {Y.shape}\n"
                    f"parametrization(module.{tensor_name}).shape: {X.shape}")
            if hasattr(parametrization, "right_inverse"):
                try:
                    Z = parametrization.right_inverse(X)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(Z, Tensor):
                        raise ValueError(f"parametrization.right_inverse must return a "
                                         f"tensor. Got: {type(Z).__name__}")
                    if Z.dtype != Y.dtype:
                        raise ValueError(
                            "The tensor returned by parametrization.right_inverse must have "
                            f"the same dtype as module.{tensor_name}, unless the `unsafe` "
                            "flag is enabled.\n"
                            f"module.{tensor_name}.dtype: {Y.dtype}\n"
                            f"returned dtype: {Z.dtype}")
                    if Z.shape != Y.shape:
                        raise ValueError(
                            "The tensor returned by parametrization.right_inverse must have "
                            f"the same shape as module.{tensor_name}, unless the `unsafe` "
                            "flag is enabled.\n"
                            f"module.{tensor_name}.shape: {Y.shape}\n"
                            f"returned shape: {Z.shape}")
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        # built before touching the module, so that a failing check leaves it unchanged
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has a parametrization (on ``tensor_name``, or on any tensor).

    Args:
        module (nn.Module): the module to query.
        tensor_name (str, optional): the name of a parameter or buffer. Default: ``None``
            (any).

    Returns:
        bool

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> m = ember.nn.Linear(2, 2)
        >>> P.is_parametrized(m)
        False
        >>> _ = P.register_parametrization(m, "bias", Double())
        >>> P.is_parametrized(m), P.is_parametrized(m, "bias"), P.is_parametrized(m, "weight")
        (True, True, False)
    """
    parametrizations = getattr(module, "parametrizations", None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Remove the parametrizations on ``module.<tensor_name>``.

    With ``leave_parametrized=True`` the tensor keeps its current (parametrized) value; with
    ``False`` it goes back to the unconstrained ``original`` (possible only when the
    parametrization depends on one tensor). The original Parameter object stays registered
    (an optimizer holding it keeps working). When the last parametrization goes, the module
    gets its original class back.

    Args:
        module (nn.Module): the module.
        tensor_name (str): the parametrized tensor's name.
        leave_parametrized (bool, optional): keep the parametrized value. Default: ``True``.

    Returns:
        nn.Module: ``module``.

    Raises:
        ValueError: if ``module.<tensor_name>`` is not parametrized, or
            ``leave_parametrized=False`` and it is parametrized by several tensors.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
        >>> w = m.weight.detach().clone()
        >>> m = P.remove_parametrizations(m, "weight")
        >>> type(m).__name__, ember.equal(m.weight, w)
        ('Linear', True)
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
                # the same Parameter object now holds the parametrized value
                _maybe_set(original, t)
    else:
        if leave_parametrized:
            t = getattr(module, tensor_name)
            original = Parameter(t.detach()) if t.requires_grad else t
        else:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                             "that is parametrized in terms of a sequence of tensors.")

    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)

    if not is_parametrized(module):
        delattr(module, "parametrizations")
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class before parametrizations were registered (its own class otherwise).

    Args:
        module (nn.Module): the module.

    Returns:
        type

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> m = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
        >>> type(m).__name__, P.type_before_parametrizations(m).__name__
        ('ParametrizedLinear', 'Linear')
    """
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Move the parametrizations (and their original tensors) of ``from_module`` to
    ``to_module``.

    With ``tensor_name`` only that tensor's parametrizations are transferred, otherwise all.
    A tensor missing from ``to_module`` is created first. The parametrization modules and
    the ``original`` tensors are shared between both modules afterwards (as torch). Does
    nothing when ``from_module`` is not parametrized.

    Args:
        from_module (nn.Module): the module to take the parametrizations from.
        to_module (nn.Module): the module to register them on.
        tensor_name (str, optional): the one tensor to transfer. Default: all.

    Returns:
        nn.Module: ``to_module``.

    Example::

        >>> import ember.nn.utils.parametrize as P
        >>> class Double(ember.nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> a = P.register_parametrization(ember.nn.Linear(2, 2), "weight", Double())
        >>> b = P.transfer_parametrizations_and_params(a, ember.nn.Linear(2, 2))
        >>> ember.equal(a.weight, b.weight), P.is_parametrized(b, "weight")
        (True, True)
    """
    if is_parametrized(from_module):
        names = from_module.parametrizations if tensor_name is None else [tensor_name]
        for parameter_name in names:
            if not hasattr(to_module, parameter_name):
                setattr(to_module, parameter_name,
                        Parameter(getattr(from_module, parameter_name).detach()))
            for param_func in from_module.parametrizations[parameter_name]:
                register_parametrization(to_module, parameter_name, param_func)
            src = from_module.parametrizations[parameter_name]
            dst = to_module.parametrizations[parameter_name]
            if hasattr(src, "original"):
                dst.original = src.original
            else:
                num = 0
                while hasattr(src, f"original{num}"):
                    setattr(dst, f"original{num}", getattr(src, f"original{num}"))
                    num += 1
    return to_module
