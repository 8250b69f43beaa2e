"""Reductions and scans: sum, prod, max/min (with indices), amax/amin, cumsum, cumprod,
logsumexp, softmax, log_softmax.

Gradients of reductions are broadcast back to the input shape through ``keepdim`` shapes.
"""
import numpy as np

from .. import _dtype as D
from .. import _parallel
from .._device import get_xp
from ..autograd.function import Function
from ._common import wrap, normalize_dims


def _keep_shape(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _expand_back(g, in_shape, dims, keepdim):
    """Broadcast a reduction's gradient back to the input shape."""
    if not keepdim:
        g = g.reshape(_keep_shape(in_shape, dims))
    return g.expand(in_shape)


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype_):
        ctx.meta = (x._data.shape, dims, keepdim)
        xp = get_xp(x._data)
        data = x._data
        if data.dtype != dtype_.np:
            data = data.astype(dtype_.np)
        with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN, silently (torch)
            if xp is np:        # large arrays: split over ember's threads
                return wrap(_parallel.sum(data, dims, keepdim), dtype_)
            return wrap(xp.sum(data, axis=dims, keepdims=keepdim), dtype_)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        return _expand_back(g, shape, dims, keepdim)


class SumDim(Sum):
    """``sum`` over explicit dims: the same op, named ``SumBackward1`` as torch's overload."""


class Mean(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        n = 1
        for d in dims:
            n *= x._data.shape[d]
        ctx.meta = (x._data.shape, dims, keepdim, n)
        xp = get_xp(x._data)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out = xp.sum(x._data, axis=dims, keepdims=keepdim) / x._dtype.np.type(n) if n else \
                xp.full(xp.sum(x._data, axis=dims, keepdims=keepdim).shape, np.nan)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim, n = ctx.meta
        return _expand_back(g, shape, dims, keepdim) / n



class MeanDim(Mean):
    """``mean`` over explicit dims, named ``MeanBackward1`` as torch's overload."""

class Prod(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype_):
        xp = get_xp(x._data)
        data = x._data if x._data.dtype == dtype_.np else x._data.astype(dtype_.np)
        out = wrap(xp.prod(data, axis=dims, keepdims=keepdim), dtype_)
        ctx.meta = (x._data.shape, dims, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        g = _expand_back(g, shape, dims, keepdim)
        out = _expand_back(out, shape, dims, keepdim)
        if x._dtype.is_complex:  # g * conj(d out / d x), torch's convention
            from .elementwise import conj_of
            x, out = conj_of(x), conj_of(out)
        if not bool((x == 0).any()):
            return g * out / x
        # with zeros: the product of all the other elements, computed directly
        from ..functions import where, ones_like
        safe = where(x == 0, ones_like(x), x)
        prod_safe = _expand_back(safe.prod(dims, keepdim=True) if len(dims) > 1 else
                                 safe.prod(dims[0], keepdim=True), shape, dims, True)
        nzeros = _expand_back((x == 0).sum(dims, keepdim=True), shape, dims, True)
        others = where(nzeros == 1, prod_safe, prod_safe * 0)
        return g * where(x == 0, others, out / safe)


class MaxMinDim(Function):
    """max/min along one dim returning (values, indices)."""

    @staticmethod
    def forward(ctx, x, dim, keepdim, is_max):
        xp = get_xp(x._data)
        data = x._data
        if data.shape[dim] == 0:
            raise IndexError(f"{'max' if is_max else 'min'}(): Expected reduction dim {dim} to "
                             "have non-zero size.")
        idx = (xp.argmax if is_max else xp.argmin)(data, axis=dim)
        if data.dtype.kind == "f":
            # NaN propagates: torch returns the index of the (first) NaN
            nan = xp.isnan(data)
            if nan.any():
                has = nan.any(axis=dim)
                idx = xp.where(has, xp.argmax(nan, axis=dim), idx)
        idx_k = xp.expand_dims(idx, dim)
        vals = xp.take_along_axis(data, idx_k, axis=dim)
        if not keepdim:
            vals = xp.squeeze(vals, axis=dim)
        else:
            idx = idx_k
        ctx.meta = (data.shape, dim, keepdim)
        ctx.save_for_backward(wrap(idx_k.astype(np.int64), D.int64))
        values = wrap(vals, x._dtype)
        indices = wrap(idx.astype(np.int64), D.int64)
        ctx.mark_non_differentiable(indices)
        return values, indices

    @staticmethod
    def backward(ctx, g, _gi):
        idx_k, = ctx.saved_tensors
        shape, dim, keepdim = ctx.meta
        if not keepdim:
            g = g.unsqueeze(dim)
        from ..functions import zeros
        z = zeros(shape, dtype=g.dtype, device=g.device)
        return z.scatter(dim, idx_k, g)


class AmaxAmin(Function):
    """amax/amin (and full max()/min()): ties share the gradient evenly, as torch."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, is_max):
        xp = get_xp(x._data)
        if x._data.size == 0 and (dims == () or any(x._data.shape[d] == 0 for d in dims)):
            raise RuntimeError(f"{'max' if is_max else 'min'}(): Expected reduction dim to be "
                               "specified for input.numel() == 0. Specify the reduction dim with "
                               "the 'dim' argument.")
        fn = xp.max if is_max else xp.min
        out = wrap(fn(x._data, axis=dims, keepdims=keepdim), x._dtype)
        ctx.meta = (x._data.shape, dims, keepdim)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        out = _expand_back(out, shape, dims, keepdim)
        mask = (x == out).to(g.dtype)
        count = mask.sum(dims, keepdim=True)
        return _expand_back(g, shape, dims, keepdim) * mask / count


class Cumsum(Function):
    @staticmethod
    def forward(ctx, x, dim, dtype_):
        ctx.dim = dim
        data = x._data if x._data.dtype == dtype_.np else x._data.astype(dtype_.np)
        return wrap(get_xp(data).cumsum(data, axis=dim), dtype_)

    @staticmethod
    def backward(ctx, g):
        d = ctx.dim
        return g.flip(d).cumsum(d).flip(d)


class Cumprod(Function):
    @staticmethod
    def forward(ctx, x, dim, dtype_):
        data = x._data if x._data.dtype == dtype_.np else x._data.astype(dtype_.np)
        out = wrap(get_xp(data).cumprod(data, axis=dim), dtype_)
        ctx.dim = dim
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx.dim
        if x._dtype.is_complex:  # g * conj(d out / d x), torch's convention
            from .elementwise import conj_of
            x, out = conj_of(x), conj_of(out)
        if not bool((x == 0).any()):
            return (g * out).flip(d).cumsum(d).flip(d) / x
        # general case (zeros present): grad_i = sum_{k>=i} g_k * prod_{j<=k, j!=i} x_j
        n = x.shape[d]
        from ..functions import stack, ones_like
        cols = []
        xs = x.unbind(d)
        gs = g.unbind(d)
        for i in range(n):
            acc = None
            left = ones_like(xs[0])
            for j in range(i):
                left = left * xs[j]
            run = left
            for k in range(i, n):
                if k > i:
                    run = run * xs[k]
                term = gs[k] * run
                acc = term if acc is None else acc + term
            cols.append(acc)
        return stack(cols, d)


class LogSumExp(Function):
    # NOTE: fused for numerical stability (subtract the max before exp)
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = get_xp(x._data)
        data = x._data
        if data.size == 0:
            out = xp.log(xp.sum(xp.exp(data), axis=dims, keepdims=keepdim))
        else:
            # complex: shift by the largest real part (|exp| depends on it alone)
            m = xp.max(data.real if data.dtype.kind == "c" else data, axis=dims, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)
            out = xp.log(xp.sum(xp.exp(data - m), axis=dims, keepdims=True)) + m
            if not keepdim:
                out = xp.squeeze(out, axis=dims)
        res = wrap(out, x._dtype)
        ctx.meta = (data.shape, dims, keepdim)
        ctx.save_for_backward(x, res)
        return res

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape, dims, keepdim = ctx.meta
        if x._dtype.is_complex:
            from .elementwise import conj_of
            x, out = conj_of(x), conj_of(out)
        return _expand_back(g, shape, dims, keepdim) * (x - _expand_back(out, shape, dims,
                                                                          keepdim)).exp()


class Softmax(Function):
    # NOTE: fused: stable forward and a one-line backward (composing would be slower)
    @staticmethod
    def forward(ctx, x, dim):
        xp = get_xp(x._data)
        data = x._data
        if data.size:
            with np.errstate(invalid="ignore"):  # all -inf rows give NaN, silently as torch
                e = xp.exp(data - xp.max(data, axis=dim, keepdims=True))
                e /= xp.sum(e, axis=dim, keepdims=True)
        else:
            e = data.copy()
        out = wrap(e, x._dtype)
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - (g * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(Function):
    # NOTE: fused for numerical stability
    @staticmethod
    def forward(ctx, x, dim):
        xp = get_xp(x._data)
        data = x._data
        if data.size:
            with np.errstate(invalid="ignore", divide="ignore"):
                shifted = data - xp.max(data, axis=dim, keepdims=True)
                out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))
        else:
            out = data.copy()
        res = wrap(out, x._dtype)
        ctx.dim = dim
        ctx.save_for_backward(res)
        return res

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.dim, keepdim=True)


def sum_dtype(dt):
    """torch: integral and bool sums accumulate in int64."""
    return D.int64 if (dt._cat <= 1) else dt


__all__ = ["Sum", "Mean", "Prod", "MaxMinDim", "AmaxAmin", "Cumsum", "Cumprod", "LogSumExp", "Softmax",
           "LogSoftmax", "normalize_dims", "sum_dtype"]


class LogCumSumExp(Function):
    """``log(cumsum(exp(x)))`` along ``dim``, accumulated pairwise with logaddexp (stable)."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = get_xp(x._data)
        data = x._data if x._data.ndim else x._data.reshape(1)
        if xp is np:
            out = np.logaddexp.accumulate(data, axis=dim) if data.size else data.copy()
        else:
            m = xp.max(data, axis=dim, keepdims=True) if data.size else data
            m = xp.where(xp.isfinite(m), m, 0)
            out = xp.log(xp.cumsum(xp.exp(data - m), axis=dim)) + m
        res = wrap(out.reshape(x._data.shape), x._dtype)
        ctx.dim = dim
        ctx.save_for_backward(x, res)
        return res

    @staticmethod
    def backward(ctx, g):
        # d out_j / d x_i = exp(x_i - out_j) for i <= j, so
        # grad_i = exp(x_i) * sum_{j >= i} g_j exp(-out_j); the reverse sums are done in log
        # space, separately for the positive and negative parts of g (torch's formulation)
        x, out = ctx.saved_tensors
        dim = ctx.dim
        if x.ndim == 0:
            return g

        def rev_lcse(t):
            return t.flip(dim).logcumsumexp(dim).flip(dim)
        pos = rev_lcse((g.clamp(min=0)).log() - out)
        neg = rev_lcse((-g).clamp(min=0).log() - out)
        return (x + pos).exp() - (x + neg).exp()


SumDim._backward_cls.__name__ = SumDim._backward_cls.__qualname__ = "SumBackward1"
MeanDim._backward_cls.__name__ = MeanDim._backward_cls.__qualname__ = "MeanBackward1"
