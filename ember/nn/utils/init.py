"""``nn.utils.skip_init``: build a module without running its parameter initialization."""
import inspect

from ... import random as _random

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """Instantiate ``module_cls(*args, **kwargs)`` with uninitialized parameters and buffers.

    Use it when the values are overwritten right away (e.g. loaded from a checkpoint). The
    module class must accept a ``device`` keyword argument, as torch requires.

    torch builds the module on the ``meta`` device and then allocates empty storage; ember
    has no meta device, so it builds the module on the target device inside
    :class:`ember.random.fork_rng` (the random stream is left untouched, as with torch) and
    then re-allocates every parameter and buffer as uninitialized memory
    (``Module.to_empty``). The values are arbitrary in both libraries.

    Args:
        module_cls (type): an ``nn.Module`` subclass taking a ``device`` argument.
        *args: positional arguments for ``module_cls``.
        **kwargs: keyword arguments for ``module_cls`` (``device`` picks where the tensors
            live; default ``"cpu"``).

    Returns:
        nn.Module: the module, parameters uninitialized.

    Raises:
        RuntimeError: if ``module_cls`` is not a Module class or takes no ``device``.

    Example::

        >>> m = ember.nn.utils.skip_init(ember.nn.Linear, 5, 1)
        >>> m.weight.shape
        torch.Size([1, 5])
    """
    from ..modules.module import Module
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    final_device = kwargs.pop("device", "cpu")
    kwargs["device"] = final_device
    with _random.fork_rng():
        module = module_cls(*args, **kwargs)
    return module.to_empty(device=final_device)
