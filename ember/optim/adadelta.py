"""Adadelta, as ``torch.optim.Adadelta``."""
from .adam import _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _grad_of, _incr, _real, _scalar, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta, as ``torch.optim.Adadelta``.

    ``v = rho*v + (1-rho)*g*g``, ``delta = sqrt(u + eps) / sqrt(v + eps) * g``,
    ``u = rho*u + (1-rho)*delta*delta`` and ``p -= lr * delta``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): coefficient that scales delta before it is applied
            (default: 1.0).
        rho (float, optional): coefficient of the running averages (default: 0.9).
        eps (float, optional): added inside the square roots for stability (default: 1e-6).
        weight_decay (float, optional): L2 penalty (default: 0).
        foreach, capturable, differentiable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.Adadelta([w])
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9968, -1.9968], requires_grad=True)
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
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
            for p in group["params"]:
                if p.grad is None:
                    continue
                _check_not_sparse(p, "Adadelta")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["square_avg"] = _zeros_like(p)
                    state["acc_delta"] = _zeros_like(p)
                _adadelta_update(p, _grad_of(p, group["maximize"]), state,
                                 lr=_scalar(group["lr"]), rho=float(group["rho"]),
                                 eps=float(group["eps"]),
                                 weight_decay=_scalar(group["weight_decay"]))
        return loss


def _adadelta_update(p, grad, state, *, lr, rho, eps, weight_decay):
    """One Adadelta step on ``p`` in place (``state``: step, square_avg, acc_delta)."""
    xp = p.device.xp
    param = p._data
    _incr(state["step"])
    if weight_decay != 0:
        grad = grad + weight_decay * param
    grad, param_r = _real(grad), _real(param)
    square_avg, acc_delta = _real(state["square_avg"]._data), _real(state["acc_delta"]._data)
    square_avg *= rho
    square_avg += (1 - rho) * grad * grad
    std = xp.sqrt(square_avg + eps)
    delta = xp.sqrt(acc_delta + eps)
    delta /= std
    delta *= grad
    acc_delta *= rho
    acc_delta += (1 - rho) * delta * delta
    param_r -= lr * delta
    p._bump()
