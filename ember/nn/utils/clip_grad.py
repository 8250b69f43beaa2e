"""Gradient clipping: clip_grad_norm_ and clip_grad_value_."""
import math
import warnings

from ..._tensor import Tensor
from ... import functions as _F
from ...autograd.grad_mode import no_grad

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _grads_of(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    params = list(parameters)
    return params, [p.grad for p in params if p.grad is not None]


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of ``tensors`` (as if they were concatenated into one vector).

    Example::

        >>> ember.nn.utils.get_total_norm([ember.tensor([3.0]), ember.tensor([4.0])])
        tensor(5.)
    """
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    tensors = list(tensors)
    norm_type = float(norm_type)
    if len(tensors) == 0:
        return _F.tensor(0.0)
    with no_grad():
        if norm_type == math.inf:
            norms = [t.detach().abs().max() for t in tensors]
            total = norms[0] if len(norms) == 1 else _F.stack(norms).max()
        else:
            norms = [_F.vector_norm(t.detach(), norm_type) for t in tensors]
            total = _F.vector_norm(_F.stack([n.to(tensors[0].dtype) for n in norms]), norm_type)
    if error_if_nonfinite and (bool(total.isnan()) or bool(total.isinf())):
        raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                           "`parameters` is non-finite, so it cannot be clipped. To disable "
                           "this error and scale the gradients by the non-finite norm anyway, "
                           "set `error_if_nonfinite=False`")
    return total


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients of ``parameters`` by ``max_norm / (total_norm + 1e-6)`` (if < 1)."""
    _, grads = _grads_of(parameters)
    if len(grads) == 0:
        return
    clip_coef = float(max_norm) / (total_norm + 1e-6)
    clip_coef_clamped = clip_coef.clamp(max=1.0)
    with no_grad():
        for g in grads:
            g.mul_(clip_coef_clamped.to(g.dtype))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Rescale gradients in place so their total norm is at most ``max_norm``.

    Args:
        parameters (Tensor or iterable of Tensors): whose ``.grad`` is clipped.
        max_norm (float): the maximum total norm.
        norm_type (float): the p of the norm (``inf`` for the max norm).
        error_if_nonfinite (bool): raise if the total norm is nan/inf.
        foreach (bool): accepted for compatibility.

    Returns:
        Tensor: the total norm of the gradients before clipping.

    Example::

        >>> lin = ember.nn.Linear(3, 2)
        >>> lin(ember.ones(4, 3)).sum().backward()
        >>> total = ember.nn.utils.clip_grad_norm_(lin.parameters(), max_norm=1.0)
    """
    params, grads = _grads_of(parameters)
    if len(grads) == 0:
        return _F.tensor(0.0)
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(params, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated: use :func:`clip_grad_norm_`."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into ``[-clip_value, clip_value]`` in place.

    Example::

        >>> lin = ember.nn.Linear(3, 2)
        >>> lin(ember.ones(4, 3)).sum().backward()
        >>> ember.nn.utils.clip_grad_value_(lin.parameters(), 0.1)
        >>> round(float(lin.bias.grad.max()), 4)
        0.1
    """
    clip_value = float(clip_value)
    _, grads = _grads_of(parameters)
    with no_grad():
        for g in grads:
            g.clamp_(min=-clip_value, max=clip_value)
