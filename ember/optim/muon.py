"""Muon, as ``torch.optim.Muon``: momentum orthogonalised by a Newton-Schulz iteration."""
import math

from .optimizer import (Optimizer, _call_closure, _lerp_, _scalar, _use_no_grad, _zeros_like)
from .._dtype import round_bf16
from .._tensor import Tensor

__all__ = ["Muon"]

# Keller Jordan's constants, as torch.optim._muon
EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


class Muon(Optimizer):
    r"""Muon, as ``torch.optim.Muon``: for 2-D parameters (hidden-layer weight matrices).

    Each step: ``B = lerp(B, g, 1 - momentum)``; the update direction ``g.lerp(B, momentum)``
    (Nesterov) or ``B`` is orthogonalised by ``ns_steps`` iterations of the quintic
    Newton-Schulz map ``X <- a X + (b A + c A^2) X`` with ``A = X X^T``, starting from the
    direction divided by its Frobenius norm (at least ``eps``), computed in bfloat16 as torch
    does (each matrix product accumulated in higher precision and rounded to bfloat16 once);
    then ``p *= 1 - lr*weight_decay`` and ``p -= adjusted_lr * O``, where ``adjusted_lr`` is
    ``lr * sqrt(max(1, A/B))`` (``'original'``), ``lr * 0.2 * sqrt(max(A, B))``
    (``'match_rms_adamw'``) or ``lr * sqrt(A/B)`` (``'spectral_unclamped'``) for an ``A x B``
    parameter. Biases, embeddings and other non-2-D parameters belong in another optimizer
    (e.g. AdamW).

    Args:
        params (iterable): 2-D parameters or parameter groups (dicts) to optimize.
        lr (float or Tensor, optional): learning rate (default: 1e-3).
        weight_decay (float, optional): decoupled weight decay (default: 0.1).
        momentum (float, optional): momentum factor (default: 0.95).
        nesterov (bool, optional): Nesterov momentum (default: True).
        ns_coefficients (Tuple[float, float, float], optional): the Newton-Schulz polynomial
            ``(a, b, c)`` (default: (3.4445, -4.7750, 2.0315)).
        eps (float, optional): lower bound of the norm the direction is divided by
            (default: 1e-7).
        ns_steps (int, optional): Newton-Schulz iterations, < 100 (default: 5).
        adjust_lr_fn (str, optional): ``'original'``, ``'match_rms_adamw'`` or
            ``'spectral_unclamped'`` (default: None, i.e. ``'original'``).

    Example::

        >>> w = ember.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
        >>> opt = ember.optim.Muon([w], lr=0.02)
        >>> (w * w).sum().backward(); opt.step()
        >>> list(opt.state[w].keys())
        ['momentum_buffer']
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS,
                 ns_steps=DEFAULT_NS_STEPS, adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw",
                                                             "spectral_unclamped"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                        adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    @_use_no_grad
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.

        Example::

            >>> w = ember.ones(2, 3, requires_grad=True)
            >>> opt = ember.optim.Muon([w])
            >>> w.sum().backward(); opt.step()
        """
        loss = _call_closure(closure)
        for group in self.param_groups:
            lr = _scalar(group["lr"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                if p.is_complex():
                    raise RuntimeError("Muon does not support complex parameters")
                if getattr(p.grad, "is_sparse", False):
                    raise RuntimeError("Muon does not support sparse gradients")
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = _zeros_like(p.grad)
                _muon_update(p, p.grad._data, state["momentum_buffer"]._data, lr=lr,
                             weight_decay=float(group["weight_decay"]),
                             momentum=float(group["momentum"]), nesterov=group["nesterov"],
                             ns_coefficients=group["ns_coefficients"],
                             ns_steps=group["ns_steps"], eps=float(group["eps"]),
                             adjust_lr_fn=group["adjust_lr_fn"])
        return loss


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps, xp):
    """torch's bfloat16 Newton-Schulz orthogonalisation of a 2-D array (bf16 values in a
    float32 array). Each bf16 op is one correctly rounded result of the float64 value."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (float(v) for v in ns_coefficients)
    f32, f64 = xp.float32, xp.float64

    def bf16(x64):
        return round_bf16(x64.astype(f32))

    x = round_bf16(grad.astype(f32))
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    x64 = x.astype(f64)
    norm = float(round_bf16(xp.asarray(xp.sqrt(xp.vdot(x64.ravel(), x64.ravel())),
                                       dtype=f32).reshape(1))[0])
    norm = max(norm, float(round_bf16(xp.asarray([eps], dtype=f32))[0]))
    x = round_bf16(x / f32(norm))
    for _ in range(ns_steps):
        x64 = x.astype(f64)
        gram = bf16(x64 @ x64.T).astype(f64)
        gram_update = bf16(b * gram + c * (gram @ gram)).astype(f64)
        x = bf16(a * x64 + gram_update @ x64)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    A, B = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, A / B))
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(A, B))
    elif adjust_lr_fn == "spectral_unclamped":
        ratio = math.sqrt(A / B)
    else:
        ratio = 1.0
    return lr * ratio


def _muon_update(p, grad, buf, *, lr, weight_decay, momentum, nesterov, ns_coefficients,
                 ns_steps, eps, adjust_lr_fn):
    """One Muon step on ``p`` in place (torch's ``_single_tensor_muon``)."""
    xp = p.device.xp
    if grad.ndim != 2:
        raise ValueError("Param gradient must be a 2D matrix")
    _lerp_(buf, grad, 1 - momentum, xp.empty_like(buf))
    if nesterov:
        update = grad.copy()
        _lerp_(update, buf, momentum, xp.empty_like(update))
    else:
        update = buf
    ortho = _zeropower_via_newtonschulz(update, ns_coefficients, ns_steps, eps, xp)
    adjusted_lr = _adjust_lr(lr, adjust_lr_fn, p.shape)
    param = p._data
    param *= 1 - lr * weight_decay
    param -= adjusted_lr * ortho.astype(param.dtype, copy=False)
    p._bump()
