"""Adagrad, as ``torch.optim.Adagrad``."""
from .adam import _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _chunks, _full_like, _grad_of, _incr, _real, _scalar,
                        _scratch_like, _step_tensor, _use_no_grad)
from .._tensor import Tensor

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad``.

    ``sum += g*g`` and ``p -= clr * g / (sqrt(sum) + eps)`` with the decayed learning rate
    ``clr = lr / (1 + (t-1) * lr_decay)``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): learning rate (default: 1e-2).
        lr_decay (float, optional): learning rate decay (default: 0).
        weight_decay (float, optional): L2 penalty (default: 0).
        initial_accumulator_value (float, optional): initial value of the sum of squared
            gradients (default: 0).
        eps (float, optional): added to the denominator for stability (default: 1e-10).
        foreach (bool, optional): accepted for compatibility.
        maximize (bool, optional): maximize the objective (default: False).
        differentiable, fused: accepted for compatibility (``differentiable=True`` is not
            supported).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.Adagrad([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        # Adagrad creates its state eagerly, for every parameter
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, initial_accumulator_value)

    def _init_state(self, p, initial_accumulator_value):
        state = self.state[p]
        state["step"] = _step_tensor()
        value = (complex(initial_accumulator_value, initial_accumulator_value)
                 if p.is_complex() else initial_accumulator_value)
        state["sum"] = _full_like(p, value)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
            _steps_to_tensors(self.state, group)

    def share_memory(self):
        """Calls ``share_memory_()`` on the state sum tensors (a no-op for NumPy arrays)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

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
                _check_not_sparse(p, "Adagrad")
                state = self.state[p]
                if len(state) == 0:
                    self._init_state(p, self.defaults["initial_accumulator_value"])
                _adagrad_update(p, _grad_of(p, group["maximize"]), state,
                                lr=_scalar(group["lr"]), lr_decay=float(group["lr_decay"]),
                                weight_decay=_scalar(group["weight_decay"]),
                                eps=float(group["eps"]))
        return loss


def _adagrad_update(p, grad, state, *, lr, lr_decay, weight_decay, eps):
    """One Adagrad step on ``p`` in place (``state`` holds step and sum)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    if weight_decay != 0:
        grad = grad + weight_decay * param
    clr = lr / (1 + (step - 1) * lr_decay)
    for param_c, grad_c, sum_c in _chunks(_real(param), _real(grad), _real(state["sum"]._data)):
        tmp = _scratch_like(param_c)  # torch's order: addcdiv = value * (grad / std)
        xp.multiply(grad_c, grad_c, out=tmp)
        sum_c += tmp
        xp.sqrt(sum_c, out=tmp)
        tmp += eps
        xp.divide(grad_c, tmp, out=tmp)
        tmp *= clr
        param_c -= tmp
    p._bump()
