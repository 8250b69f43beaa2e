"""NAdam (Adam with Nesterov momentum), as ``torch.optim.NAdam``."""
from .adam import _check_betas_eps, _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _grad_of, _incr, _lerp_, _real, _scalar, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam, as ``torch.optim.NAdam``.

    Adam with Nesterov momentum and the momentum schedule
    ``mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))``; the product of the ``mu``'s is
    kept in the state as ``mu_product`` (a float32 0-d tensor, as in torch).

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 2e-3).
        betas (Tuple[float, float], optional): running-average coefficients
            (default: (0.9, 0.999)).
        eps (float, optional): added to the denominator for stability (default: 1e-8).
        weight_decay (float, optional): weight decay (default: 0).
        momentum_decay (float, optional): momentum decay (default: 4e-3).
        decoupled_weight_decay (bool, optional): AdamW-style weight decay (NAdamW)
            (default: False).
        foreach, capturable, differentiable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        _check_betas_eps(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            _steps_to_tensors(self.state, group, keys=("step", "mu_product"))

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
                _check_not_sparse(p, "NAdam")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["mu_product"] = _step_tensor(1.0)
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                _nadam_update(p, _grad_of(p, group["maximize"]), state,
                              lr=_scalar(group["lr"]), beta1=beta1, beta2=beta2,
                              eps=float(group["eps"]),
                              weight_decay=_scalar(group["weight_decay"]),
                              momentum_decay=float(group["momentum_decay"]),
                              decoupled=group["decoupled_weight_decay"])
        return loss


def _nadam_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, momentum_decay,
                  decoupled):
    """One NAdam step on ``p`` in place (``state``: step, mu_product, exp_avg, exp_avg_sq)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product = state["mu_product"]._data  # float32, like torch: its rounding matters
    mu_product *= mu_product.dtype.type(mu)
    mu_product_value = float(mu_product)
    mu_product_next = mu_product_value * mu_next

    grad, param_r = _real(grad), _real(param)
    exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
    _lerp_(exp_avg, grad, 1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    denom = xp.sqrt(exp_avg_sq / bias_correction2)
    denom += eps
    param_r += (-lr * (1.0 - mu) / (1.0 - mu_product_value)) * grad / denom
    param_r += ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
    p._bump()
