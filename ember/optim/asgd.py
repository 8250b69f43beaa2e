"""Averaged stochastic gradient descent, as ``torch.optim.ASGD``."""
from .adam import _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _grad_of, _incr, _real, _scalar, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD, as ``torch.optim.ASGD``.

    SGD with a decaying step ``eta_t = lr / (1 + lambd*lr*t)^alpha``, a decay term
    ``p *= 1 - lambd*eta``, and a running average ``ax`` of the iterates (started at step
    ``t0``) kept in the state.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-2).
        lambd (float, optional): decay term (default: 1e-4).
        alpha (float, optional): power of the eta update (default: 0.75).
        t0 (float, optional): the step at which averaging starts (default: 1e6).
        weight_decay (float, optional): L2 penalty (default: 0).
        foreach, differentiable, capturable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.ASGD([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
            _steps_to_tensors(self.state, group, keys=("step", "eta", "mu"))

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
                _check_not_sparse(p, "ASGD")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["eta"] = _step_tensor(_scalar(group["lr"]))
                    state["mu"] = _step_tensor(1.0)
                    state["ax"] = _zeros_like(p)
                _asgd_update(p, _grad_of(p, group["maximize"]), state,
                             lr=_scalar(group["lr"]), lambd=float(group["lambd"]),
                             alpha=float(group["alpha"]), t0=float(group["t0"]),
                             weight_decay=_scalar(group["weight_decay"]))
        return loss


def _asgd_update(p, grad, state, *, lr, lambd, alpha, t0, weight_decay):
    """One ASGD step on ``p`` in place (``state``: step, eta, mu, ax; eta and mu are 0-d
    tensors of the scalar dtype, as in torch)."""
    step = _incr(state["step"])
    grad, param, ax = _real(grad), _real(p._data), _real(state["ax"]._data)
    if weight_decay != 0:
        grad = grad + weight_decay * param
    eta, mu = float(state["eta"]._data), float(state["mu"]._data)
    param *= 1 - lambd * eta  # decay term
    param -= eta * grad
    if mu != 1:
        ax += (param - ax) * mu
    else:
        ax[...] = param
    state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** alpha)
    state["mu"]._data[...] = 1 / max(1, step - t0)
    p._bump()
