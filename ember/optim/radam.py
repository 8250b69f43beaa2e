"""RAdam (rectified Adam), as ``torch.optim.RAdam``."""
from .adam import _check_betas_eps, _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _grad_of, _incr, _lerp_, _real, _scalar, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam, as ``torch.optim.RAdam``.

    Adam whose adaptive term is switched on (and rectified) only once the variance of the
    adaptive learning rate is tractable (``rho_t > 5``); before that it is SGD with
    bias-corrected momentum.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-3).
        betas (Tuple[float, float], optional): running-average coefficients
            (default: (0.9, 0.999)).
        eps (float, optional): added to the denominator for stability (default: 1e-8).
        weight_decay (float, optional): weight decay (default: 0).
        decoupled_weight_decay (bool, optional): AdamW-style weight decay (RAdamW)
            (default: False).
        foreach, capturable, differentiable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        _check_betas_eps(lr, betas, eps, weight_decay)
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
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
                _check_not_sparse(p, "RAdam")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                _radam_update(p, _grad_of(p, group["maximize"]), state,
                              lr=_scalar(group["lr"]), beta1=beta1, beta2=beta2,
                              eps=float(group["eps"]),
                              weight_decay=_scalar(group["weight_decay"]),
                              decoupled=group["decoupled_weight_decay"])
        return loss


def _radam_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, decoupled):
    """One RAdam step on ``p`` in place (``state``: step, exp_avg, exp_avg_sq)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    grad, param_r = _real(grad), _real(param)
    exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad

    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    bias_corrected_exp_avg = exp_avg / bias_correction1
    # the length of the approximated simple moving average, and its limit
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
    if rho_t > 5.0:
        rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
        denom = xp.sqrt(exp_avg_sq)
        denom += eps
        adaptive_lr = (bias_correction2 ** 0.5) / denom
        param_r -= bias_corrected_exp_avg * lr * adaptive_lr * rect
    else:
        param_r -= bias_corrected_exp_avg * lr
    p._bump()
