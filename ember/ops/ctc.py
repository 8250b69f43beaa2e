"""Connectionist Temporal Classification: the per-sample negative log-likelihood and its gradient.

The loss of one sample is ``-log p(target | log_probs)``, summed over every alignment of the
target to the input frames (Graves et al. 2006). The target is extended with blanks,
``l' = [blank, t_1, blank, t_2, ..., t_L, blank]`` (length ``2L + 1``), and

* the forward variables ``alpha[t, s]`` (log probability of all paths that emit ``l'[:s+1]``
  in frames ``0..t``) follow, for ``t >= 1``::

      alpha[t, s] = lp[t, l'[s]] + logsumexp(alpha[t-1, s], alpha[t-1, s-1],
                                             alpha[t-1, s-2] if l'[s] != blank and
                                                                l'[s] != l'[s-2])

  starting from ``alpha[0, 0] = lp[0, blank]``, ``alpha[0, 1] = lp[0, t_1]``; the likelihood
  is ``logsumexp(alpha[T-1, 2L], alpha[T-1, 2L-1])``.
* the backward variables ``beta`` run the same recursion from the end (both include the
  emission of frame ``t``, so ``alpha + beta - lp`` is the log-probability of all paths passing
  through state ``s`` at frame ``t``).

Everything is computed in log space in float64, vectorised over the batch and the extended
target with ``xp`` (the only Python loop is over time). The gradient is torch's: it is the
gradient with respect to the *logits* under a log-softmax, i.e.
``exp(lp[t, c]) - sum_{s: l'[s] = c} exp(alpha[t, s] + beta[t, s] - lp[t, c] + nll)``, zero
past each sample's input length (and for a whole sample when ``zero_infinity`` and its loss is
infinite).
"""
import numpy as np

from .._device import get_xp
from ..autograd.function import Function, once_differentiable
from ._common import wrap

_NEG_INF = -np.inf


def _lse3(xp, a, b, c):
    """Elementwise log(exp(a) + exp(b) + exp(c)), -inf when all three are -inf."""
    m = xp.maximum(xp.maximum(a, b), c)
    safe = xp.where(xp.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s = xp.exp(a - safe) + xp.exp(b - safe) + xp.exp(c - safe)
        return xp.where(m == _NEG_INF, _NEG_INF, safe + xp.log(s))


def _shift(xp, a, k, fill=_NEG_INF):
    """``a`` shifted right by ``k`` along the last axis (negative ``k``: left), filled."""
    out = xp.full(a.shape, fill, dtype=a.dtype)
    if k > 0:
        out[..., k:] = a[..., :-k]
    elif k < 0:
        out[..., :k] = a[..., -k:]
    return out


class _Problem:
    """The extended targets of a batch and their per-frame log-probabilities."""

    def __init__(self, lp, targets, input_lengths, target_lengths, blank):
        xp = get_xp(lp)
        T, N, _ = lp.shape
        lmax = int(target_lengths.max()) if N else 0
        S = 2 * lmax + 1
        labels = np.full((N, S), blank, dtype=np.int64)
        if lmax:
            inside = np.arange(lmax)[None, :] < target_lengths[:, None]
            labels[:, 1::2] = np.where(inside, targets[:, :lmax], blank)
        prev2 = np.full((N, S), -1, dtype=np.int64)
        prev2[:, 2:] = labels[:, :-2]
        skip = (labels != blank) & (labels != prev2)
        skip[:, :2] = False
        self.xp, self.T, self.N, self.S = xp, T, N, S
        self.il = xp.asarray(input_lengths)
        self.tl = xp.asarray(target_lengths)
        self.il_np, self.tl_np = input_lengths, target_lengths
        self.labels = xp.asarray(labels)
        self.skip = xp.asarray(skip)
        self.valid = xp.asarray(np.arange(S)[None, :] < (2 * target_lengths + 1)[:, None])
        idx = xp.broadcast_to(self.labels[None], (T, N, S))
        self.lpe = xp.take_along_axis(lp, idx, 2).astype(np.float64)

    def alpha(self):
        xp, T, N, S = self.xp, self.T, self.N, self.S
        lpe, valid, skip = self.lpe, self.valid, self.skip
        alpha = xp.full((max(T, 1), N, S), _NEG_INF, dtype=np.float64)
        if T == 0:
            return alpha
        a = xp.full((N, S), _NEG_INF, dtype=np.float64)
        a[:, 0] = lpe[0, :, 0]
        if S > 1:
            a[:, 1] = xp.where(self.tl > 0, lpe[0, :, 1], _NEG_INF)
        alpha[0] = a
        for t in range(1, T):
            p2 = xp.where(skip, _shift(xp, a, 2), _NEG_INF)
            a = _lse3(xp, a, _shift(xp, a, 1), p2) + lpe[t]
            a = xp.where(valid, a, _NEG_INF)
            alpha[t] = a
        return alpha

    def nll(self, alpha):
        """-log-likelihood per sample from the alphas at each sample's last frame."""
        xp, N = self.xp, self.N
        il, tl = self.il, self.tl
        last = alpha[xp.maximum(il - 1, 0), xp.arange(N)]  # (N, S)
        end = xp.take_along_axis(last, (2 * tl)[:, None], 1)[:, 0]
        end1 = xp.take_along_axis(last, xp.maximum(2 * tl - 1, 0)[:, None], 1)[:, 0]
        ll = xp.where(tl > 0, xp.logaddexp(end, end1), end)
        # no input frames: an empty target has probability 1, any other probability 0
        ll = xp.where(il == 0, xp.where(tl == 0, 0.0, _NEG_INF), ll)
        return -ll

    def beta(self):
        xp, T, N, S = self.xp, self.T, self.N, self.S
        lpe, valid = self.lpe, self.valid
        skip_next = _shift(xp, self.skip, -2, False)  # s -> s + 2 allowed
        s_idx = xp.arange(S)[None, :]
        tl = self.tl[:, None]
        beta = xp.full((max(T, 1), N, S), _NEG_INF, dtype=np.float64)
        b = xp.full((N, S), _NEG_INF, dtype=np.float64)
        for t in range(T - 1, -1, -1):
            n2 = xp.where(skip_next, _shift(xp, b, -2), _NEG_INF)
            rec = _lse3(xp, b, _shift(xp, b, -1), n2) + lpe[t]
            start = ((s_idx == 2 * tl) | ((s_idx == 2 * tl - 1) & (tl > 0)))
            init = xp.where(start, lpe[t], _NEG_INF)
            t_last = (self.il - 1 == t)[:, None]
            inside = (t < self.il - 1)[:, None]
            b = xp.where(t_last, init, xp.where(inside, rec, _NEG_INF))
            b = xp.where(valid, b, _NEG_INF)
            beta[t] = b
        return beta


class CtcLoss(Function):
    """Per-sample CTC negative log-likelihood, shape (N,), from log_probs (T, N, C).

    ``targets`` is an int64 array (N, S_max) padded per row (only the first
    ``target_lengths[n]`` entries of row ``n`` are read); ``input_lengths`` and
    ``target_lengths`` are int64 NumPy arrays (N,).
    """

    @staticmethod
    def forward(ctx, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        lp = log_probs._data
        xp = get_xp(lp)
        prob = _Problem(lp, targets, input_lengths, target_lengths, blank)
        alpha = prob.alpha()
        raw = prob.nll(alpha)
        nll = xp.where(raw == np.inf, 0.0, raw) if zero_infinity else raw
        ctx.save_for_backward(log_probs)
        ctx.prob, ctx.alpha, ctx.raw_nll, ctx.zero_infinity = prob, alpha, raw, zero_infinity
        return wrap(nll, log_probs._dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, g):
        prob, alpha = ctx.prob, ctx.alpha
        xp, T, N = prob.xp, prob.T, prob.N
        lp = ctx.saved_tensors[0]._data
        C = lp.shape[2]
        nll = ctx.raw_nll
        finite = xp.isfinite(nll)
        ab = alpha + prob.beta()
        with np.errstate(over="ignore", invalid="ignore"):
            post = xp.exp(ab - prob.lpe + xp.where(finite, nll, 0.0)[None, :, None])
        post = xp.where(xp.isfinite(ab), post, 0.0)  # (T, N, S) state posteriors
        # sum the posteriors of the states sharing a label: one bincount over (t, n, label)
        rows = xp.arange(T * N, dtype=np.int64).reshape(T, N, 1) * C
        bins = (rows + prob.labels[None]).ravel()
        by_class = xp.bincount(bins, weights=post.ravel(), minlength=T * N * C)
        by_class = by_class[:T * N * C].reshape(T, N, C).astype(lp.dtype, copy=False)
        grad = xp.exp(lp)
        grad -= by_class
        # per (frame, sample) factor: the incoming gradient inside the input length, NaN for an
        # infinite loss (zero with zero_infinity), zero past the input length
        active = xp.arange(T)[:, None] < prob.il[None, :]  # (T, N)
        gd = xp.broadcast_to(g._data.astype(lp.dtype)[None, :], (T, N))
        keep = active & finite[None, :]
        factor = xp.where(keep, gd, 0.0)
        if not ctx.zero_infinity:
            keep = active
            factor = xp.where(active & ~finite[None, :], np.nan, factor)
        grad *= factor.astype(lp.dtype, copy=False)[:, :, None]
        grad[~keep] = 0  # also where log_probs hold inf/NaN past the lengths
        return wrap(grad, g._dtype), None, None, None, None, None
