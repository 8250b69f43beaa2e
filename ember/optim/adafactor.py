"""Adafactor, as ``torch.optim.Adafactor`` (torch 2.5+ semantics)."""
import numpy as np

from .optimizer import (Optimizer, _call_closure, _grad_of, _incr, _lerp_, _scalar, _step_tensor,
                        _use_no_grad)
from .._tensor import Tensor

__all__ = ["Adafactor"]


class Adafactor(Optimizer):
    r"""Adafactor, as ``torch.optim.Adafactor``.

    A second-moment method with sublinear memory: for a parameter with two or more
    dimensions the running average of ``g*g`` is kept only as its row means ``R`` (shape
    ``[..., n, 1]``) and column means ``C`` (shape ``[..., 1, m]``) over the last two
    dimensions, and estimated as ``V = R C / max(mean(R), eps1)``; vectors keep the full
    ``V``. With ``t`` the step, ``beta2_t = 1 - t^beta2_decay``,
    ``rho_t = min(lr, 1/sqrt(t))`` and ``alpha_t = max(eps2, RMS(p)) * rho_t``::

        p *= 1 - lr * weight_decay
        R = lerp(R, mean_last(g*g), 1 - beta2_t);  C = lerp(C, mean_second_last(g*g), ...)
        U = g / sqrt(max(V, eps1^2));  p -= alpha_t * U / max(1, RMS(U) / d)

    exactly in torch's order of operations (``eps1`` defaults to the machine epsilon of the
    parameter dtype; as in torch, the first parameter of a group fixes it for the group).

    Args:
        params (iterable): parameters or parameter groups (dicts) to optimize.
        lr (float or Tensor, optional): maximum relative step size, also the weight-decay
            coefficient (default: 1e-2).
        beta2_decay (float, optional): the decay rate of beta2, <= 0 (default: -0.8).
        eps (Tuple[float or None, float], optional): ``(eps1, eps2)``: ``eps1`` stabilises
            the denominator (None: the dtype's epsilon), ``eps2`` the minimum parameter
            scale (default: (None, 1e-3)).
        d (float, optional): the update clipping threshold, >= 1 (default: 1.0).
        weight_decay (float, optional): decoupled weight decay coefficient (default: 0.0).
        foreach (bool, optional): accepted for torch compatibility; ember's single
            implementation gives the values of both of torch's (default: None).
        maximize (bool, optional): maximize the objective (default: False).

    Example::

        >>> w = ember.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        >>> opt = ember.optim.Adafactor([w], lr=0.01)
        >>> (w * w).sum().backward(); opt.step()
        >>> sorted(opt.state[w].keys())
        ['col_var', 'row_var', 'step']
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                        weight_decay=weight_decay, foreach=foreach, maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            for p in group["params"]:
                p_state = self.state.get(p, {})
                if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _step_tensor(float(p_state["step"]))

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.

        Example::

            >>> w = ember.ones(3, requires_grad=True)
            >>> opt = ember.optim.Adafactor([w])
            >>> w.sum().backward(); opt.step()
        """
        loss = _call_closure(closure)
        for group in self.param_groups:
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError("Adafactor does not support complex parameters")
                if getattr(p.grad, "is_sparse", False):
                    raise RuntimeError("Adafactor does not support sparse gradients")
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _step_tensor()
                    xp = p.device.xp
                    g = p.grad._data
                    if g.ndim > 1:
                        state["row_var"] = Tensor._wrap(
                            xp.zeros(g.shape[:-1] + (1,), dtype=g.dtype), p.grad.dtype)
                        state["col_var"] = Tensor._wrap(
                            xp.zeros(g.shape[:-2] + (1, g.shape[-1]), dtype=g.dtype),
                            p.grad.dtype)
                    else:
                        state["variance"] = Tensor._wrap(xp.zeros(g.shape, dtype=g.dtype),
                                                         p.grad.dtype)
                if eps1 is None:  # torch: fixed by the first parameter, then kept
                    eps1 = float(np.finfo(p._data.dtype).eps)
                _adafactor_update(p, _grad_of(p, group["maximize"]), state,
                                  lr=_scalar(group["lr"]), beta2_decay=group["beta2_decay"],
                                  weight_decay=_scalar(group["weight_decay"]), eps1=eps1,
                                  eps2=float(eps2), d=float(group["d"]))
        return loss


def _norm(xp, a):
    """``a.norm(2).item()``."""
    return float(xp.sqrt(xp.vdot(a.reshape(-1), a.reshape(-1))))


def _adafactor_update(p, grad, state, *, lr, beta2_decay, weight_decay, eps1, eps2, d):
    """One Adafactor step on ``p`` in place (torch's ``_single_tensor_adafactor``)."""
    xp = p.device.xp
    param = p._data
    step = _incr(state["step"])
    one_minus_beta2_t = step ** beta2_decay
    rho_t = min(lr, 1 / (step ** 0.5))
    alpha = max(eps2, _norm(xp, param) / (param.size ** 0.5)) * rho_t
    if weight_decay != 0:
        param *= 1 - lr * weight_decay
    if grad.ndim > 1:
        row_var, col_var = state["row_var"]._data, state["col_var"]._data
        sq = grad * grad
        # (g*g).mean over a dim, computed as torch does: vector_norm(...).square_().div_(n)
        row_mean = xp.sqrt(sq.sum(axis=-1, keepdims=True))
        row_mean *= row_mean
        row_mean /= grad.shape[-1]
        _lerp_(row_var, row_mean, one_minus_beta2_t, xp.empty_like(row_var))
        col_mean = xp.sqrt(sq.sum(axis=-2, keepdims=True))
        col_mean *= col_mean
        col_mean /= grad.shape[-2]
        _lerp_(col_var, col_mean, one_minus_beta2_t, xp.empty_like(col_var))
        var_estimate = row_var * col_var  # row_var @ col_var: an outer product, one multiply
        var_estimate /= xp.maximum(row_var.mean(axis=-2, keepdims=True), eps1)
    else:
        variance = state["variance"]._data
        _lerp_(variance, grad * grad, one_minus_beta2_t, xp.empty_like(variance))
        var_estimate = variance.copy()
    update = xp.maximum(var_estimate, eps1 * eps1, out=var_estimate)
    xp.sqrt(update, out=update)
    xp.divide(1, update, out=update)
    update *= grad
    denom = max(1.0, _norm(xp, update) / ((update.size ** 0.5) * d))
    update *= -alpha / denom
    param += update
    p._bump()
