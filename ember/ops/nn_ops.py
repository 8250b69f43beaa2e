"""Neural-network primitives: linear, cross-entropy / nll, binary cross-entropy, embedding, and
a one-line-per-op table of pointwise activations.

Forward runs on raw arrays through ``xp``. Backward is written with ember Tensor ops (so
``create_graph=True`` works); the hot ops (linear, cross-entropy, embedding) also have a
raw-array backward used when no graph is being recorded (the usual ``loss.backward()``).
"""
import math

import numpy as np

from .. import _dtype as D
from .. import _parallel
from .._device import get_xp
from .._tensor import Tensor
from ..autograd.function import Function, AUTOCAST
from ..autograd.grad_mode import STATE
from ._common import wrap
from .elementwise import _keep, _special, _sigmoid, _zero, _zero_where, where as _where

_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
               "uint8": "Byte", "bool": "Bool", "complex64": "ComplexFloat",
               "complex128": "ComplexDouble"}


def torch_type_name(dt):
    """torch's ScalarType name of a dtype (``Float``, ``Double``, ``Long`` ...)."""
    return _TORCH_TYPE.get(dt.name, dt.name)


# --------------------------------------------------------------------------- linear


def check_linear(x, w, b):
    """torch's errors for ``F.linear`` operands (dtype first, then shapes)."""
    if type(x._data) is not np.ndarray or type(w._data) is not np.ndarray or (
            b is not None and type(b._data) is not np.ndarray):
        from ._common import check_same_device
        check_same_device(x, w)
        if b is not None:
            check_same_device(x, b)
    if x._dtype is not w._dtype and AUTOCAST[0] is None:  # (autocast casts them)
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{torch_type_name(x._dtype)} and {torch_type_name(w._dtype)}")
    if b is not None and b._dtype is not x._dtype and AUTOCAST[0] is None:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{torch_type_name(b._dtype)} and {torch_type_name(x._dtype)}")
    xs, ws = x._data.shape, w._data.shape
    if x._data.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are 0D "
                           f"and {w._data.ndim}D")
    if w._data.ndim != 2:
        if w._data.ndim == 1 and xs[-1] == ws[0]:
            return
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{w._data.ndim}D")
    if xs[-1] != ws[1]:
        rows = 1
        for s in xs[:-1]:
            rows *= s
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{xs[-1]} and "
                           f"{ws[1]}x{ws[0]})")
    if b is not None and b._data.ndim > 0 and b._data.shape[-1] not in (1, ws[0]):
        target = list(xs[:-1]) + [ws[0]]
        raise RuntimeError(f"The expanded size of the tensor ({ws[0]}) must match the existing "
                           f"size ({b._data.shape[-1]}) at non-singleton dimension "
                           f"{len(target) - 1}.  Target sizes: {target}.  Tensor sizes: "
                           f"{list(b._data.shape)}")


def _n_rows(shape):
    """Rows of ``(*, features)`` flattened to 2-D (``reshape(-1, 0)`` is ambiguous)."""
    n = 1
    for d in shape[:-1]:
        n *= d
    return n


def _transposed_product_pays(rows, wd):
    """Whether ``(W @ x.T).T`` beats ``x @ W.T`` for these operands (NumPy/OpenBLAS only).

    OpenBLAS's kernels for a short, wide ``x @ W.T`` (few rows, weight used transposed) run
    ~15 % below those for ``W @ x.T``; measured single-threaded on AVX-512 for the seed MLP's
    (64, 784) x (512, 784): 539 -> 465 us incl. the transposing bias add, ResNet's fc
    (8, 512) x (1000, 512): 354 -> 187 us. With many rows (> 128) or few inputs (< 128) the
    plain product wins (up to 3x), so only that window takes the other route.
    """
    return (type(rows) is np.ndarray and rows.shape[0] <= 128 and rows.shape[1] >= 128
            and rows.dtype.kind == "f" and rows.dtype.itemsize >= 4 and wd.dtype == rows.dtype)


def _linear_transposed(rows, wd, bd):
    """``rows @ wd.T (+ bd)`` computed as ``(wd @ rows.T).T``, returned C-contiguous; the
    output features split over ember's threads when the product is large."""
    m, n = rows.shape[0], wd.shape[0]
    out = np.empty((m, n), dtype=rows.dtype)
    xt = rows.T

    def part(o0, o1):
        tmp = np.matmul(wd[o0:o1], xt)
        b = bd if bd is None or bd.ndim == 0 or bd.shape[-1] == 1 else bd[..., o0:o1]
        if m < 32:
            if bd is None:
                out[:, o0:o1] = tmp.T
            else:   # the transposing copy and the bias add in one pass
                np.add(tmp.T, b, out=out[:, o0:o1])
            return
        # NOTE: a whole (512, 64) transposing copy walks ``tmp`` down its columns and misses
        # L1 on every element (47 us with the bias add); in blocks of ~32 KB of ``tmp`` it
        # stays in L1, and the bias add on the contiguous result is cheap: 26 us
        step = max(16, 8192 // m)
        for k in range(0, o1 - o0, step):
            np.copyto(out[:, o0 + k:min(o1, o0 + k + step)], tmp[k:k + step].T)
        if b is not None:
            out[:, o0:o1] += b

    _parallel.run(part, _parallel.matmul_parts(n, m * n * rows.shape[1]))
    return out


class Linear(Function):
    """``y = x @ W.T + b`` as one op (one BLAS call forward, two backward)."""
    # NOTE: fused: composing t() + matmul + add costs three graph nodes per layer

    @staticmethod
    def forward(ctx, x, w, b):
        xd, wd = x._data, w._data
        ctx.save_for_backward(x, w)
        ctx.has_bias = b is not None
        if xd.ndim >= 2 and wd.ndim == 2:
            rows = xd.reshape(_n_rows(xd.shape), xd.shape[-1])
            if _transposed_product_pays(rows, wd):
                out = _linear_transposed(rows, wd, None if b is None else b._data)
                return wrap(out.reshape(xd.shape[:-1] + (wd.shape[0],)), x._dtype)
            out = _parallel.matmul(rows, wd.T) if type(rows) is np.ndarray \
                else get_xp(xd).matmul(rows, wd.T)
            out = out.reshape(xd.shape[:-1] + (wd.shape[0],))
        else:
            out = get_xp(xd).asarray(get_xp(xd).matmul(xd, wd.T))
        if b is not None:
            if out.ndim and b._data.ndim <= out.ndim:
                out += b._data
            else:
                out = out + b._data
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        nx, nw, nb = ctx.needs_input_grad
        if w.ndim == 1:  # torch allows a 1-D weight: y = x @ w (+ b)
            gx = g.unsqueeze(-1) * w if nx else None
            gw = (g.unsqueeze(-1) * x).reshape(-1, w.shape[0]).sum(0) if nw else None
            gb = g.sum() if nb else None
            return gx, gw, gb
        n_out, n_in = w._data.shape
        if not STATE.enabled:
            # fast path (no graph recorded): raw BLAS calls
            gd, xd, wd = g._data, x._data, w._data
            xp = get_xp(gd)
            mm = _parallel.matmul if xp is np else xp.matmul   # split when large
            gx = wrap(mm(gd, wd), g._dtype) if nx else None
            rows = _n_rows(xd.shape)
            g2 = gd.reshape(rows, n_out)
            gw = wrap(mm(g2.T, xd.reshape(rows, n_in)), g._dtype) if nw else None
            gb = wrap(g2.sum(0), g._dtype) if nb else None
            return gx, gw, gb
        gx = g.matmul(w) if nx else None
        rows = _n_rows(x._data.shape)
        g2 = g.reshape(rows, n_out)
        gw = g2.mT.matmul(x.reshape(rows, n_in)) if nw else None
        gb = g2.sum(0) if nb else None
        return gx, gw, gb


class LinearNoBias(Linear):
    """``y = x @ W.T`` (Linear without bias; its node prints as torch's MmBackward0)."""


def _rename_node(fn_cls, name):
    """Give ``fn_cls``'s graph node torch's grad_fn name (e.g. ``AddmmBackward0``)."""
    fn_cls._backward_cls.__name__ = fn_cls._backward_cls.__qualname__ = name


_rename_node(Linear, "AddmmBackward0")
_rename_node(LinearNoBias, "MmBackward0")


# --------------------------------------------------------------------------- losses

_RED = {"none": 0, "mean": 1, "sum": 2}


def _class_coeffs(xp, tgt, n_cls, weight, ignore_index, label_smoothing, dtype):
    """Per-element coefficients ``a`` (shape (M, C)) and per-row denominators for a class-index
    loss ``-sum(a * logp)``; rows whose target is ``ignore_index`` get zero coefficients.

    Returns ``(a, row_w)``: ``row_w[i]`` is the weight of row i's target (0 when ignored).
    """
    m = tgt.shape[0]
    valid = tgt != ignore_index
    safe = xp.where(valid, tgt, 0)
    if m and valid.any():
        bad = safe[valid]
        lo, hi = int(bad.min()), int(bad.max())
        if lo < 0 or hi >= n_cls:
            raise IndexError(f"Target {hi if hi >= n_cls else lo} is out of bounds.")
    w = weight if weight is not None else None
    row_w = (w[safe] if w is not None else xp.ones(m, dtype=dtype)) * valid
    a = xp.zeros((m, n_cls), dtype=dtype)
    a[xp.arange(m), safe] = row_w * (1.0 - label_smoothing)
    if label_smoothing > 0:
        smooth = (w if w is not None else xp.ones(n_cls, dtype=dtype)) * (label_smoothing / n_cls)
        a += valid[:, None] * smooth[None, :].astype(dtype)
    return a.astype(dtype, copy=False), row_w.astype(dtype, copy=False)


def _to_rows(arr):
    """(N, C, d1, ...) -> (N*d1*..., C) with classes last; (C,) -> (1, C)."""
    if arr.ndim == 1:
        return arr.reshape(1, -1)
    if arr.ndim == 2:
        return arr
    return np.moveaxis(arr, 1, -1).reshape(-1, arr.shape[1]) if isinstance(arr, np.ndarray) \
        else get_xp(arr).moveaxis(arr, 1, -1).reshape(-1, arr.shape[1])


def _from_rows(rows, shape):
    """Inverse of ``_to_rows`` for an array of input shape ``shape``."""
    xp = get_xp(rows)
    if len(shape) <= 2:
        return rows.reshape(shape)
    moved = rows.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],))
    return xp.ascontiguousarray(xp.moveaxis(moved, -1, 1))


def _row_shape(shape):
    """Shape of the per-sample loss ('none') for an input of ``shape``."""
    if len(shape) == 1:
        return ()
    return (shape[0],) + tuple(shape[2:])


class _LogitLoss(Function):
    """Shared backward of the fused class losses: loss = -sum(a * z) / denom, where ``z`` is
    log_softmax(x) (cross-entropy) or x itself (nll)."""

    @staticmethod
    def forward(ctx, *args):  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def _finish(ctx, x, z, a, denom, reduction, softmax):
        """Loss value from rows ``z`` (M, C) and coefficients ``a`` (M, C)."""
        xp = get_xp(z)
        per_row = -(a.picked(z) if type(a) is _OneHot else (a * z).sum(1))
        ctx.meta = (x._data.shape, reduction, denom, softmax)
        if reduction == "none":
            out = per_row.reshape(_row_shape(x._data.shape))
        elif reduction == "sum":
            out = per_row.sum()
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                out = per_row.sum() / denom if denom != 0 else xp.asarray(
                    per_row.sum() / x._dtype.np.type(0.0))
        return wrap(xp.asarray(out, dtype=x._dtype.np), x._dtype)

    @staticmethod
    def _save(ctx, x, z, a):
        """Save ``x``, log-probabilities ``z`` (or None) and the coefficients for backward."""
        ctx.onehot = type(a) is _OneHot
        ctx.save_for_backward(x, None if z is None else wrap(z, x._dtype),
                              Tensor._wrap(a.idx, D.int64) if ctx.onehot else wrap(a, x._dtype))

    @staticmethod
    def backward(ctx, g, *_):
        x, z, a = ctx.saved_tensors
        shape, reduction, denom, softmax = ctx.meta
        m = a.shape[0]
        if ctx.onehot:
            n_cls = shape[0] if len(shape) == 1 else shape[1]
            if not STATE.enabled and softmax:  # grad = (softmax - onehot) * scale
                gd = g._data
                scale = gd.reshape(m, 1) if reduction == "none" else (
                    gd if reduction == "sum" else gd / x._dtype.np.type(denom))
                xp = get_xp(z._data)
                grad = xp.exp(z._data)
                grad[xp.arange(m), a._data] -= 1
                grad *= scale
                return (wrap(_from_rows(grad, shape), x._dtype),) + (None,) * (ctx._nargs - 1)
            a = Tensor._wrap(_OneHot(a._data).dense(n_cls, x._dtype.np), x._dtype)
        if not STATE.enabled:
            xp = get_xp(a._data)
            gd = g._data
            if reduction == "none":
                scale = gd.reshape(m, 1)
            elif reduction == "sum":
                scale = gd
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    scale = gd / x._dtype.np.type(denom)
            ad = a._data
            if softmax:
                p = xp.exp(z._data)
                grad = (p * ad.sum(1, keepdims=True) - ad) * scale
            else:
                grad = -ad * scale
            return (wrap(_from_rows(grad.astype(x._dtype.np, copy=False), shape), x._dtype),) + \
                (None,) * (ctx._nargs - 1)
        # differentiable path (create_graph=True): recompute from x with ember ops
        rows = x.reshape(1, -1) if x.ndim == 1 else (x if x.ndim == 2 else
                                                     x.movedim(1, -1).reshape(-1, x.shape[1]))
        if reduction == "none":
            scale = g.reshape(m, 1)
        elif reduction == "sum":
            scale = g
        else:
            scale = g / denom
        if softmax:
            grad = (rows.softmax(1) * a.sum(1, keepdim=True) - a) * scale
        else:
            grad = -a * scale
        if x.ndim > 2:
            grad = grad.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],)).movedim(-1, 1)
        else:
            grad = grad.reshape(shape)
        return (grad,) + (None,) * (ctx._nargs - 1)


def _prepare_class_target(x, target, weight, ignore_index, label_smoothing):
    """Coefficient rows for class-index (int) or probability (float) targets."""
    xd = x._data
    xp = get_xp(xd)
    n_cls = xd.shape[0] if xd.ndim == 1 else xd.shape[1]
    wd = None if weight is None else weight._data.astype(xd.dtype, copy=False)
    td = target._data
    if target._dtype.is_floating_point:
        # probability targets: a = target * weight (smoothed towards uniform)
        rows = _to_rows(td).astype(xd.dtype, copy=False)
        if label_smoothing > 0:
            rows = rows * (1 - label_smoothing) + label_smoothing / n_cls
        a = rows * wd[None, :] if wd is not None else rows
        denom = rows.shape[0]
        return xp.ascontiguousarray(a, dtype=xd.dtype), denom
    tgt = td.reshape(-1)
    if wd is None and label_smoothing == 0 and tgt.shape[0]:
        lo, hi = int(tgt.min()), int(tgt.max())
        if 0 <= lo and hi < n_cls and not lo <= ignore_index <= hi:
            # the common case -- every row has a valid class, nothing weighted or smoothed:
            # the coefficients are one-hot rows, kept as their indices (see _OneHot)
            return _OneHot(tgt), float(tgt.shape[0])
    a, row_w = _class_coeffs(xp, tgt, n_cls, wd, ignore_index, label_smoothing, xd.dtype)
    return a, float(row_w.sum())


class _OneHot:
    """Coefficient rows ``a`` that are one-hot at ``idx`` (weight 1, no ignored rows), without
    building the dense ``(M, C)`` matrix: ``sum(a * z, 1)`` is a gather, ``a.sum(1)`` is 1."""
    __slots__ = ("idx",)

    def __init__(self, idx):
        self.idx = idx

    def picked(self, z):
        """``(a * z).sum(1)``."""
        return z[get_xp(z).arange(z.shape[0]), self.idx]

    def dense(self, n_cls, dtype):
        xp = get_xp(self.idx)
        a = xp.zeros((self.idx.shape[0], n_cls), dtype=dtype)
        a[xp.arange(self.idx.shape[0]), self.idx] = 1
        return a


class CrossEntropy(_LogitLoss):
    """log_softmax over the class dim + nll (+ label smoothing / probability targets)."""
    # NOTE: fused: one stable log-softmax, and a closed-form gradient softmax*sum(a) - a

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction, label_smoothing):
        xd = x._data
        xp = get_xp(xd)
        ctx._nargs = 6
        rows = _to_rows(xd)
        if rows.size:
            shifted = rows - rows.max(1, keepdims=True)
            z = shifted - xp.log(xp.exp(shifted).sum(1, keepdims=True))
        else:
            z = rows.copy()
        a, denom = _prepare_class_target(x, target, weight, ignore_index, label_smoothing)
        out = _LogitLoss._finish(ctx, x, z, a, denom, reduction, True)
        _LogitLoss._save(ctx, x, z, a)
        return out


_rename_node(CrossEntropy, "NllLossBackward0")


class NLLLoss(_LogitLoss):
    """Negative log-likelihood of log-probabilities ``x`` at the target classes."""

    @staticmethod
    def forward(ctx, x, target, weight, ignore_index, reduction):
        ctx._nargs = 5
        rows = _to_rows(x._data)
        a, denom = _prepare_class_target(x, target, weight, ignore_index, 0.0)
        out = _LogitLoss._finish(ctx, x, rows, a, denom, reduction, False)
        _LogitLoss._save(ctx, x, None, a)
        return out


class BinaryCrossEntropy(Function):
    """-w (t log x + (1 - t) log(1 - x)), logs clamped at -100 as torch."""

    @staticmethod
    def forward(ctx, x, t, w):
        xd, td = x._data, t._data
        xp = get_xp(xd)
        if xd.size and (bool((xd < 0).any()) or bool((xd > 1).any()) or
                        bool(xp.isnan(xd).any())):
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            lx = xp.maximum(xp.log(xd), -100)
            l1x = xp.maximum(xp.log1p(-xd), -100)
        loss = -(td * lx + (1 - td) * l1x)
        if w is not None:
            loss = loss * w._data
        ctx.save_for_backward(x, t, w)
        return wrap(xp.asarray(loss, dtype=xd.dtype), x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        nx, nt, _ = ctx.needs_input_grad
        gx = gt = None
        if nx:
            gx = g * (x - t) / ((1 - x) * x).clamp(min=1e-12)
            if w is not None:
                gx = gx * w
        if nt:
            gt = g * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
            if w is not None:
                gt = gt * w
        return gx, gt, None


# --------------------------------------------------------------------------- embedding


class Embedding(Function):
    """``weight[indices]``; the weight gradient is a scatter-add done with one bincount."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        wd, idx = weight._data, indices._data
        n = wd.shape[0]
        if idx.size:
            lo, hi = int(idx.min()), int(idx.max())
            if lo < -n or hi >= n:
                raise IndexError("index out of range in self")
        ctx.save_for_backward(indices)
        ctx.meta = (wd.shape, padding_idx, scale_grad_by_freq)
        return wrap(wd[idx], weight._dtype)

    @staticmethod
    def backward(ctx, g):
        indices, = ctx.saved_tensors
        (n, dim), padding_idx, scale = ctx.meta
        xp = get_xp(g._data)
        idx = indices._data.reshape(-1)
        idx = xp.where(idx < 0, idx + n, idx)
        gd = g._data.reshape(-1, dim)
        counts = None
        if scale:
            counts = xp.bincount(idx, minlength=n)
            gd = gd / counts[idx][:, None].astype(gd.dtype)
        if padding_idx is not None:
            keep = idx != padding_idx
            gd = gd * keep[:, None].astype(gd.dtype)
        if STATE.enabled:
            # differentiable path (create_graph=True)
            from ..functions import zeros
            gt = g.reshape(-1, dim)
            if scale:
                gt = gt / wrap(counts[idx][:, None].astype(gd.dtype), g._dtype)
            if padding_idx is not None:
                gt = gt * wrap(keep[:, None].astype(gd.dtype), g._dtype)
            z = zeros((n, dim), dtype=g.dtype, device=g.device)
            return z.index_add(0, wrap(idx.astype(np.int64), D.int64), gt), None, None, None
        # NOTE: one bincount over (row * dim + col) replaces a slow np.add.at
        flat = (idx[:, None] * dim + xp.arange(dim)[None, :]).reshape(-1)
        acc = xp.bincount(flat, weights=gd.reshape(-1), minlength=n * dim)
        return wrap(acc.reshape(n, dim).astype(g._data.dtype), g._dtype), None, None, None


# --------------------------------------------------------------------------- activations

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_SQRT_2_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_ONE_SIXTH_F32 = float(np.float32(1.0 / 6.0))  # torch's hardsigmoid backward uses 1.0f / 6.0f


def _gelu_tanh_fwd(xp, x):
    inner = _SQRT_2_PI * (x + 0.044715 * x * x * x)
    return 0.5 * x * (1 + xp.tanh(inner))


def _gelu_tanh_bwd(x, g):
    x2 = x * x
    inner = (x + x2 * x * 0.044715) * _SQRT_2_PI
    t = inner.tanh()
    d_inner = (1 + x2 * (3 * 0.044715)) * _SQRT_2_PI
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)


def _softplus_fwd(xp, x, beta, threshold):
    xb = x * beta
    with np.errstate(over="ignore"):
        soft = xp.logaddexp(xb, 0) / beta
    return xp.where(xb > threshold, x, soft)


def _mish_fwd(xp, x):
    return x * xp.tanh(xp.logaddexp(x, 0))


def _mish_bwd(x, g):
    s = x.sigmoid()
    t = (x.relu() + (-x.abs()).exp().log1p()).tanh()  # tanh(softplus(x)), stable
    return g * (t + x * s * (1 - t * t))


# name: (forward(xp, x, *params) on arrays, backward(x, y, g, *params) with Tensors)
#   x: input, y: output, g: gradient of the output. Conventions follow torch's kernels
#   (e.g. leaky_relu'(0) = slope, hardtanh' = 0 at the bounds, elu'(0) = alpha); the
#   backward passes that are selects in torch (hardtanh, threshold, the shrinks) are
#   selects here (``_zero_where`` torch's zero condition, so a NaN input keeps its
#   gradient).
ACTIVATIONS = {
    "elu":         (lambda xp, x, a, s, i: xp.where(x > 0, x * s, a * s * xp.expm1(x * i)),
                    lambda x, y, g, a, s, i: _where(x <= 0, g * (y + a * s) * i, g * s)),
    "leaky_relu":  (lambda xp, x, k: xp.where(x > 0, x, x * k),
                    lambda x, y, g, k: g * ((x > 0).to(g.dtype) * (1 - k) + k)),
    "hardtanh":    (lambda xp, x, lo, hi: xp.clip(x, lo, hi),
                    lambda x, y, g, lo, hi: _zero_where(g, (x <= lo) | (x >= hi))),
    "hardsigmoid": (lambda xp, x: xp.clip(x / 6 + 0.5, 0, 1),
                    lambda x, y, g: _keep(g, (x > -3) & (x < 3)) * _ONE_SIXTH_F32),
    "hardswish":   (lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
                    lambda x, y, g: _where(x <= -3, _zero(g),
                                           _where(x < 3, g * (x / 3 + 0.5), g))),
    "softplus":    (_softplus_fwd,
                    lambda x, y, g, beta, th: g * ((x * beta > th).to(g.dtype) + (
                        x * beta <= th).to(g.dtype) * (x * beta).sigmoid())),
    "gelu":        (lambda xp, x: 0.5 * x * (1 + _special(xp, "erf")(x * _SQRT1_2)),
                    lambda x, y, g: g * (0.5 * (1 + (x * _SQRT1_2).erf())
                                         + x * (x * x * -0.5).exp() * _INV_SQRT_2PI)),
    "gelu_tanh":   (_gelu_tanh_fwd, lambda x, y, g: _gelu_tanh_bwd(x, g)),
    "silu":        (lambda xp, x: x * _sigmoid(xp, x),
                    lambda x, y, g: g * x.sigmoid() * (1 + x * (1 - x.sigmoid()))),
    "mish":        (_mish_fwd, lambda x, y, g: _mish_bwd(x, g)),
    "threshold":   (lambda xp, x, th, v: xp.where(x > th, x, v),
                    lambda x, y, g, th, v: _zero_where(g, x <= th)),
    "hardshrink":  (lambda xp, x, lam: xp.where((x >= -lam) & (x <= lam), 0, x),
                    lambda x, y, g, lam: _zero_where(g, (x >= -lam) & (x <= lam))),
    "softshrink":  (lambda xp, x, lam: xp.where(x > lam, x - lam, xp.where(x < -lam, x + lam, 0)),
                    lambda x, y, g, lam: _zero_where(g, (x >= -lam) & (x <= lam))),
}


class _Activation(Function):
    """Base of the table-generated activation ops (one Function class per entry)."""
    _fwd = _bwd = None

    @staticmethod
    def forward(ctx, x, *params):
        cls = ctx._forward_cls
        xd = x._data
        with np.errstate(over="ignore", invalid="ignore"):
            out = cls._fwd(get_xp(xd), xd, *params)
        y = wrap(get_xp(xd).asarray(out, dtype=xd.dtype), x._dtype)
        if True in ctx.needs_input_grad:
            ctx.params = params
            ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return (ctx._forward_cls._bwd(x, y, g, *ctx.params),) + (None,) * len(ctx.params)


def _camel(name):
    return "".join(p.capitalize() for p in name.split("_"))


ACTIVATION_FNS = {name: type(_camel(name), (_Activation,),
                             {"_fwd": staticmethod(f), "_bwd": staticmethod(b),
                              "__module__": __name__})
                  for name, (f, b) in ACTIVATIONS.items()}


def activation(name, x, *params):
    """Apply table activation ``name`` to tensor ``x`` with float parameters ``params``."""
    if not (x._dtype.is_floating_point or x._dtype.is_complex):
        raise NotImplementedError(f'"{name}_cpu" not implemented for '
                                  f"'{torch_type_name(x._dtype)}'")
    return ACTIVATION_FNS[name].apply(x, *params)


class PRelu(Function):
    """max(0, x) + weight * min(0, x) with a learnable per-channel weight (channel dim 1)."""

    @staticmethod
    def forward(ctx, x, w):
        xd, wd = x._data, w._data
        xp = get_xp(xd)
        if xd.ndim >= 2 and wd.size > 1:
            wb = wd.reshape((1, -1) + (1,) * (xd.ndim - 2))
        else:
            wb = wd.reshape(-1)[0] if wd.size == 1 else wd
        ctx.save_for_backward(x, w)
        return wrap(xp.where(xd > 0, xd, wb * xd).astype(xd.dtype, copy=False), x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        nx, nw = ctx.needs_input_grad
        if x.ndim >= 2 and w.numel() > 1:
            wb = w.reshape((1, -1) + (1,) * (x.ndim - 2))
        else:
            wb = w.reshape(-1)[0] if w.numel() == 1 else w
        pos = (x > 0).to(g.dtype)
        gx = g * (pos + (1 - pos) * wb) if nx else None
        gw = None
        if nw:
            contrib = g * x * (1 - pos)
            if x.ndim >= 2 and w.numel() > 1:
                dims = [0] + list(range(2, x.ndim))
                gw = contrib.sum(dims).reshape(w.shape)
            else:
                gw = contrib.sum().reshape(w.shape)
        return gx, gw


_rename_node(PRelu, "PreluKernelBackward0")
_rename_node(NLLLoss, "NllLossBackward0")
_rename_node(ACTIVATION_FNS["gelu_tanh"], "GeluBackward0")

__all__ = ["Linear", "LinearNoBias", "check_linear", "CrossEntropy", "NLLLoss", "BinaryCrossEntropy",
           "Embedding", "ACTIVATIONS", "activation", "PRelu", "torch_type_name"]
