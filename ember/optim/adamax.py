"""Adamax (Adam with the infinity norm), as ``torch.optim.Adamax``."""
from .adam import _check_betas_eps, _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _grad_of, _incr, _lerp_, _real, _scalar, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax, a variant of Adam based on the infinity norm, as ``torch.optim.Adamax``.

    ``m = beta1*m + (1-beta1)*g``, ``u = max(beta2*u, |g| + eps)`` and
    ``p -= lr / (1 - beta1^t) * m / u``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 2e-3).
        betas (Tuple[float, float], optional): coefficients of the running average and of
            the infinity norm (default: (0.9, 0.999)).
        eps (float, optional): added to the norm for stability (default: 1e-8).
        weight_decay (float, optional): L2 penalty (default: 0).
        foreach, differentiable, capturable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.Adamax([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        _check_betas_eps(lr, betas, eps, weight_decay)
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
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
            _steps_to_tensors(self.state, group)

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.
        """
        loss = _call_closure(closure)
        for group in self.param_groups:
            beta1, beta2 = (float(b) for b in group["betas"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                _check_not_sparse(p, "Adamax")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_inf"] = _zeros_like(p)
                _adamax_update(p, _grad_of(p, group["maximize"]), state,
                               lr=_scalar(group["lr"]), beta1=beta1, beta2=beta2,
                               eps=float(group["eps"]),
                               weight_decay=_scalar(group["weight_decay"]))
        return loss


def _adamax_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay):
    """One Adamax step on ``p`` in place (``state``: step, exp_avg, exp_inf)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    if weight_decay != 0:
        grad = grad + weight_decay * param
    grad, param_r = _real(grad), _real(param)
    exp_avg, exp_inf = _real(state["exp_avg"]._data), _real(state["exp_inf"]._data)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_inf *= beta2
    norm = xp.abs(grad)
    norm += eps
    xp.maximum(exp_inf, norm, out=exp_inf)
    clr = lr / (1 - beta1 ** step)
    param_r -= clr * exp_avg / exp_inf
    p._bump()
