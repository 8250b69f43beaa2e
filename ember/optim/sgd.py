"""Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``."""

from .optimizer import (Optimizer, _call_closure, _check_differentiable, _grad_of, _scalar,
                        _scratch_like, _use_no_grad)
from .._blas import axpy
from .._device import get_xp
from .._tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    With ``g`` the gradient (plus ``weight_decay * p``), the momentum buffer is
    ``b = momentum * b + (1 - dampening) * g`` (``b = g`` on the first step), the update
    direction is ``g + momentum * b`` (nesterov) or ``b``, and ``p -= lr * direction``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-3).
        momentum (float, optional): momentum factor (default: 0).
        dampening (float, optional): dampening for momentum (default: 0).
        weight_decay (float, optional): L2 penalty (default: 0).
        nesterov (bool, optional): enables Nesterov momentum (default: False).
        maximize (bool, optional): maximize the objective instead of minimizing (default: False).
        foreach, differentiable, fused: accepted for compatibility; ember has one
            implementation (``differentiable=True`` is not supported).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.
        """
        loss = _call_closure(closure)
        for group in self.param_groups:
            lr, momentum = _scalar(group["lr"]), float(group["momentum"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p] if momentum != 0 else None
                buf = _sgd_update(p, _grad_of(p, group["maximize"]),
                                  None if state is None else state.get("momentum_buffer"),
                                  lr=lr, momentum=momentum,
                                  dampening=float(group["dampening"]),
                                  weight_decay=_scalar(group["weight_decay"]),
                                  nesterov=group["nesterov"])
                if state is not None:
                    state["momentum_buffer"] = buf
        return loss


def _sgd_update(p, grad, buf, *, lr, momentum, dampening, weight_decay, nesterov):
    """One SGD step on ``p`` in place; returns the (new or updated) momentum buffer."""
    param = p._data
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if buf is None:
            buf = Tensor._wrap(grad.copy(), p._dtype)
        else:
            b = buf._data
            b *= momentum
            if not axpy(1 - dampening, grad, b):
                b += (1 - dampening) * grad
        if nesterov:  # grad + momentum * buf, through the scratch array
            tmp = _scratch_like(grad)
            get_xp(grad).multiply(buf._data, momentum, out=tmp)
            tmp += grad
            grad = tmp
        else:
            grad = buf._data
    if not axpy(-lr, grad, param):
        step = _scratch_like(grad)
        get_xp(grad).multiply(grad, lr, out=step)  # (grad may be the scratch itself: fine)
        param -= step
    p._bump()
    return buf
