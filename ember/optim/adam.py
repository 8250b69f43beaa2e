"""Adam, as ``torch.optim.Adam`` (AdamW is Adam with ``decoupled_weight_decay=True``)."""
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _grad_of, _incr,
                        _chunks, _lerp_, _real, _scalar, _scratch_like, _step_tensor, _use_no_grad,
                        _zeros_like)
from .._tensor import Tensor

__all__ = ["Adam"]


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam``.

    ``m = beta1*m + (1-beta1)*g``, ``v = beta2*v + (1-beta2)*g*g`` and
    ``p -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)``; with ``amsgrad`` the
    running maximum of ``v`` is used instead of ``v``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-3).
        betas (Tuple[float, float], optional): coefficients of the running averages of the
            gradient and its square (default: (0.9, 0.999)).
        eps (float, optional): added to the denominator for stability (default: 1e-8).
        weight_decay (float, optional): weight decay (default: 0); an L2 penalty added to the
            gradient, or decoupled (``p *= 1 - lr*weight_decay``) with
            ``decoupled_weight_decay=True`` (AdamW).
        amsgrad (bool, optional): use the AMSGrad variant (default: False).
        maximize (bool, optional): maximize the objective (default: False).
        decoupled_weight_decay (bool, optional): AdamW-style weight decay (default: False).
        foreach, capturable, differentiable, fused: accepted for compatibility (ember has a
            single implementation; ``differentiable=True`` is not supported).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        _check_betas_eps(lr, betas, eps, weight_decay)
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i, b in enumerate(betas):
            if isinstance(b, Tensor) and b.numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        _check_differentiable(differentiable)
        betas = tuple(float(b.item()) if isinstance(b, Tensor) else b for b in betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
            _steps_to_tensors(self.state, group)

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.
        """
        loss = _call_closure(closure)
        name = type(self).__name__
        for group in self.param_groups:
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                if getattr(p.grad, "is_sparse", False):
                    raise RuntimeError(f"{name} does not support sparse gradients, please "
                                       "consider SparseAdam instead")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    state["exp_avg"] = _zeros_like(p)
                    state["exp_avg_sq"] = _zeros_like(p)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = _zeros_like(p)
                _adam_update(p, _grad_of(p, group["maximize"]), state,
                             lr=_scalar(group["lr"]), beta1=beta1, beta2=beta2,
                             eps=float(group["eps"]),
                             weight_decay=_scalar(group["weight_decay"]),
                             amsgrad=group["amsgrad"],
                             decoupled=group["decoupled_weight_decay"])
        return loss


def _adam_update(p, grad, state, *, lr, beta1, beta2, eps, weight_decay, amsgrad, decoupled):
    """One Adam / AdamW step on ``p`` in place (``state`` holds step, exp_avg, exp_avg_sq)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    decay = 1 - lr * weight_decay if weight_decay != 0 and decoupled else None
    if weight_decay != 0 and not decoupled:
        grad = grad + weight_decay * param
    exp_avg, exp_avg_sq = _real(state["exp_avg"]._data), _real(state["exp_avg_sq"]._data)
    max_sq = _real(state["max_exp_avg_sq"]._data) if amsgrad else None
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
    step_size = lr / bias_correction1
    for param_c, grad_c, avg_c, sq_c, max_c in _chunks(_real(param), _real(grad), exp_avg,
                                                       exp_avg_sq, max_sq):
        tmp = _scratch_like(param_c)
        if decay is not None:  # AdamW's decoupled weight decay
            param_c *= decay
        # torch's order of operations: addcmul = (value * g) * g, addcdiv = value * (a / d)
        _lerp_(avg_c, grad_c, 1 - beta1, tmp)
        sq_c *= beta2
        xp.multiply(grad_c, 1 - beta2, out=tmp)
        tmp *= grad_c
        sq_c += tmp
        if amsgrad:
            xp.maximum(max_c, sq_c, out=max_c)
            xp.sqrt(max_c, out=tmp)
        else:
            xp.sqrt(sq_c, out=tmp)
        tmp /= bias_correction2_sqrt
        tmp += eps
        xp.divide(avg_c, tmp, out=tmp)
        tmp *= step_size
        param_c -= tmp
    p._bump()


def _check_betas_eps(lr, betas, eps, weight_decay):
    """The argument checks Adam-family optimizers share (torch's messages)."""
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def _steps_to_tensors(state, group, keys=("step",)):
    """Old checkpoints stored ``step`` as a number: make it a float32 0-d tensor."""
    for p in group["params"]:
        p_state = state.get(p, {})
        for key in keys:
            if key in p_state and not isinstance(p_state[key], Tensor):
                p_state[key] = _step_tensor(float(p_state[key]))
