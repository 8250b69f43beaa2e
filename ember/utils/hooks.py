"""``ember.utils.hooks``: hook handles (``torch.utils.hooks``).

``RemovableHandle`` is the handle every ``register_*_hook`` of ``nn.Module`` returns; its
``remove()`` unregisters the hook.

Example::

    >>> from ember.utils.hooks import RemovableHandle
    >>> h = ember.nn.Linear(2, 2).register_forward_hook(lambda m, i, o: None)
    >>> isinstance(h, RemovableHandle)
    True
"""
import warnings

from ..nn.modules.module import RemovableHandle  # noqa: F401

__all__ = ["RemovableHandle", "unserializable_hook", "warn_if_has_hooks"]


def unserializable_hook(f):
    """Mark a hook as not serializable: ``warn_if_has_hooks`` then stays quiet about it.

    Args:
        f (callable): the hook.

    Example::

        >>> from ember.utils.hooks import unserializable_hook
        >>> @unserializable_hook
        ... def hook(grad):
        ...     return grad
        >>> hook.__torch_unserializable__
        True
    """
    f.__torch_unserializable__ = True
    return f


def warn_if_has_hooks(tensor):
    """Warn if ``tensor`` has backward hooks that would be lost when it is serialized.

    Hooks marked with ``unserializable_hook`` are skipped.

    Args:
        tensor (Tensor): the tensor to check.

    Example::

        >>> from ember.utils.hooks import warn_if_has_hooks
        >>> warn_if_has_hooks(ember.ones(1))
    """
    hooks = getattr(tensor, "_hooks", None) or {}
    for k in hooks:
        hook = hooks[k]
        if not getattr(hook, "__torch_unserializable__", False):
            name = getattr(hook, "__name__", repr(hook))
            warnings.warn(f"backward hook {name} on tensor will not be serialized.  If this is "
                          "expected, you can decorate the function with "
                          "@torch.utils.hooks.unserializable_hook to suppress this warning",
                          stacklevel=2)
