"""Old-style weight normalization (``torch.nn.utils.weight_norm``), kept for compatibility.

``weight_norm(module)`` replaces ``module.weight`` by two parameters, ``weight_g`` (the
magnitude) and ``weight_v`` (the direction), and registers a forward pre-hook that
recomputes ``module.weight = v * (g / ||v||)`` before every forward. New code should use
:func:`ember.nn.utils.parametrizations.weight_norm`.
"""
import warnings

from ... import linalg
from ..parameter import Parameter, UninitializedParameter

__all__ = ["WeightNorm", "weight_norm", "remove_weight_norm"]


def _norm_except_dim(v, pow=2, dim=0):
    """The ``pow``-norm of ``v`` over every dimension except ``dim`` (kept with size 1).

    ``dim=-1`` means the norm of the whole tensor (a 0-d tensor), as torch's
    ``norm_except_dim``.
    """
    if dim == -1:
        return linalg.vector_norm(v, pow)
    ndim = v.ndim
    if dim >= ndim or dim < -ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {dim})")
    dim = dim % ndim
    other = tuple(d for d in range(ndim) if d != dim)
    if not other:
        # a 1-D tensor normalised along its only dim: each entry is its own vector
        return linalg.vector_norm(v.unsqueeze(1), pow, dim=1)
    return linalg.vector_norm(v, pow, dim=other, keepdim=True)


def _weight_norm(v, g, dim=0):
    """``v * (g / norm_except_dim(v, 2, dim))`` (torch's ``_weight_norm``), differentiable."""
    return v * (g / _norm_except_dim(v, 2, dim))


class WeightNorm:
    """The forward pre-hook behind the old-style :func:`weight_norm`.

    It recomputes ``module.<name>`` from ``<name>_g`` and ``<name>_v`` before each forward.

    Args:
        name (str): the name of the normalized parameter.
        dim (int or None): the dimension kept by the norm (``None`` or ``-1``: the whole
            tensor).

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._forward_pre_hooks.values()]
        ['WeightNorm']
    """

    def __init__(self, name, dim):
        if dim is None:
            dim = -1
        self.name = name
        self.dim = dim

    def compute_weight(self, module):
        """The weight ``v * (g / ||v||)`` from the module's ``<name>_g`` and ``<name>_v``.

        Args:
            module (nn.Module): the module holding ``<name>_g`` and ``<name>_v``.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
            >>> fn = next(iter(m._forward_pre_hooks.values()))
            >>> fn.compute_weight(m).shape
            torch.Size([2, 3])
        """
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        """Add weight normalization to ``module.<name>`` (what :func:`weight_norm` calls).

        Args:
            module (nn.Module): the module.
            name (str): the parameter's name.
            dim (int or None): the dimension kept by the norm.

        Returns:
            WeightNorm: the registered hook.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     fn = WeightNorm.apply(
            ...         ember.nn.Linear(3, 2), "weight", 0)
            >>> fn.name, fn.dim
            ('weight', 0)
        """
        warnings.warn("`torch.nn.utils.weight_norm` is deprecated in favor of "
                      "`torch.nn.utils.parametrizations.weight_norm`.", FutureWarning,
                      stacklevel=3)
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two weight_norm hooks on the same "
                                   f"parameter {name}")
        if dim is None:
            dim = -1
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `WeightNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying weight normalization")
        # replace the parameter by its magnitude g and direction v
        del module._parameters[name]
        module.register_parameter(name + "_g",
                                  Parameter(_norm_except_dim(weight, 2, dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        """Fold ``g`` and ``v`` back into a plain ``module.<name>`` Parameter.

        Args:
            module (nn.Module): the module.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(3, 2))
            >>> next(iter(m._forward_pre_hooks.values())).remove(m)
            >>> sorted(n for n, _ in m.named_parameters())
            ['bias', 'weight']
        """
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + "_g"]
        del module._parameters[self.name + "_v"]
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name="weight", dim=0):
    """Apply weight normalization to a parameter (old-style; deprecated by torch).

    ``w = g * v / ||v||``: the parameter ``name`` is replaced by ``name + '_g'`` (the
    magnitude, the norm of ``v`` over every dim but ``dim``) and ``name + '_v'`` (the
    direction), and a forward pre-hook recomputes ``w`` before each forward. Emits torch's
    ``FutureWarning``: prefer :func:`ember.nn.utils.parametrizations.weight_norm`.

    Args:
        module (nn.Module): the module holding the parameter.
        name (str, optional): the parameter's name. Default: ``"weight"``.
        dim (int or None, optional): the dimension over which the norm is *not* taken
            (one magnitude per slice along it); ``None`` or ``-1``: one magnitude for the
            whole tensor. Default: ``0``.

    Returns:
        nn.Module: ``module``, with the hook registered.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(20, 40), name="weight")
        >>> m.weight_g.size(), m.weight_v.size()
        (torch.Size([40, 1]), torch.Size([40, 20]))
    """
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name="weight"):
    """Remove the old-style weight normalization from ``module.<name>``.

    The parameter becomes a plain Parameter holding the current normalized value.

    Args:
        module (nn.Module): the module.
        name (str, optional): the parameter's name. Default: ``"weight"``.

    Returns:
        nn.Module: ``module``.

    Raises:
        ValueError: if ``module.<name>`` has no weight normalization.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     m = ember.nn.utils.weight_norm(ember.nn.Linear(20, 40))
        >>> m = ember.nn.utils.remove_weight_norm(m)
        >>> hasattr(m, "weight_g")
        False
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
