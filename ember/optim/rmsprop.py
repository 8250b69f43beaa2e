"""RMSprop, as ``torch.optim.RMSprop``."""
from .adam import _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _chunks, _grad_of, _incr, _lerp_, _real, _scalar, _scratch_like,
                        _step_tensor, _use_no_grad, _zeros_like)
from .._tensor import Tensor

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop``.

    ``v = alpha*v + (1-alpha)*g*g``; the denominator is ``sqrt(v) + eps`` (or, when
    ``centered``, ``sqrt(v - gbar^2) + eps`` with ``gbar`` the running mean gradient);
    ``p -= lr * g / denom``, or with momentum ``b = momentum*b + g/denom; p -= lr*b``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-2).
        alpha (float, optional): smoothing constant (default: 0.99).
        eps (float, optional): added to the denominator for stability (default: 1e-8).
        weight_decay (float, optional): L2 penalty (default: 0).
        momentum (float, optional): momentum factor (default: 0).
        centered (bool, optional): normalize by the estimated variance of the gradient
            (default: False).
        capturable, foreach, differentiable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.RMSprop([w], lr=0.01)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
            _steps_to_tensors(self.state, group)

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.
        """
        loss = _call_closure(closure)
        for group in self.param_groups:
            momentum = float(group["momentum"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                _check_not_sparse(p, "RMSprop")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = _zeros_like(p)
                    if group["centered"]:
                        state["grad_avg"] = _zeros_like(p)
                _rmsprop_update(p, _grad_of(p, group["maximize"]), state,
                                lr=_scalar(group["lr"]), alpha=float(group["alpha"]),
                                eps=float(group["eps"]),
                                weight_decay=_scalar(group["weight_decay"]),
                                momentum=momentum, centered=group["centered"])
        return loss


def _rmsprop_update(p, grad, state, *, lr, alpha, eps, weight_decay, momentum, centered):
    """One RMSprop step on ``p`` in place (``state``: step, square_avg[, momentum_buffer,
    grad_avg])."""
    xp = p.device.xp
    param = p._data
    _incr(state["step"])
    if weight_decay != 0:
        grad = grad + weight_decay * param
    grad_avg = _real(state["grad_avg"]._data) if centered else None
    buf = _real(state["momentum_buffer"]._data) if momentum > 0 else None
    for param_c, grad_c, sq_c, gavg_c, buf_c in _chunks(
            _real(param), _real(grad), _real(state["square_avg"]._data), grad_avg, buf):
        tmp = _scratch_like(param_c)  # torch's order: addcmul, addcdiv = value * (a / d)
        sq_c *= alpha
        xp.multiply(grad_c, 1 - alpha, out=tmp)
        tmp *= grad_c
        sq_c += tmp
        if centered:
            _lerp_(gavg_c, grad_c, 1 - alpha, tmp)
            xp.multiply(gavg_c, gavg_c, out=tmp)
            xp.subtract(sq_c, tmp, out=tmp)
            xp.sqrt(tmp, out=tmp)
        else:
            xp.sqrt(sq_c, out=tmp)
        tmp += eps
        xp.divide(grad_c, tmp, out=tmp)
        if momentum > 0:
            buf_c *= momentum
            buf_c += tmp
            xp.multiply(buf_c, lr, out=tmp)
        else:
            tmp *= lr
        param_c -= tmp
    p._bump()
