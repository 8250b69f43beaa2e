"""Rprop (resilient backpropagation), as ``torch.optim.Rprop``."""
from .adam import _steps_to_tensors
from .optimizer import (Optimizer, _call_closure, _check_differentiable, _check_not_sparse,
                        _full_like, _grad_of, _incr, _real, _scalar, _step_tensor,
                        _use_no_grad, _zeros_like)
from .._tensor import Tensor

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop, as ``torch.optim.Rprop``.

    Each element has its own step size: multiplied by ``etaplus`` when the gradient keeps
    its sign, by ``etaminus`` when it flips (and that gradient is then ignored), clamped to
    ``step_sizes``; the parameter moves by ``-sign(g) * step_size``.

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float, optional): the initial step size (default: 1e-2).
        etas (Tuple[float, float], optional): ``(etaminus, etaplus)`` (default: (0.5, 1.2)).
        step_sizes (Tuple[float, float], optional): minimal and maximal step sizes
            (default: (1e-6, 50)).
        capturable, foreach, differentiable: accepted for compatibility
            (``differentiable=True`` is not supported).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = ember.optim.Rprop([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step()
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        _check_differentiable(differentiable)
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
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
            etaminus, etaplus = (float(e) for e in group["etas"])
            step_size_min, step_size_max = (float(s) for s in group["step_sizes"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                _check_not_sparse(p, "Rprop")
                state = self.state[p]
                if len(state) == 0:
                    lr = _scalar(group["lr"])
                    state["step"] = _step_tensor()
                    state["prev"] = _zeros_like(p)
                    state["step_size"] = _full_like(p, complex(lr, lr) if p.is_complex()
                                                    else lr)
                _rprop_update(p, _grad_of(p, group["maximize"]), state, etaminus=etaminus,
                              etaplus=etaplus, step_size_min=step_size_min,
                              step_size_max=step_size_max)
        return loss


def _rprop_update(p, grad, state, *, etaminus, etaplus, step_size_min, step_size_max):
    """One Rprop step on ``p`` in place (``state``: step, prev, step_size)."""
    xp = p.device.xp
    _incr(state["step"])
    grad, param = _real(grad), _real(p._data)
    prev, step_size = _real(state["prev"]._data), _real(state["step_size"]._data)
    sign = xp.sign(grad * prev)
    factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, 1)).astype(grad.dtype)
    step_size *= factor
    xp.clip(step_size, step_size_min, step_size_max, out=step_size)
    grad = xp.where(sign < 0, 0, grad).astype(grad.dtype)  # skip the step after a flip
    param -= xp.sign(grad) * step_size
    prev[...] = grad
    p._bump()
