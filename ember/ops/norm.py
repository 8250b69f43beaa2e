"""Normalization primitive: ``(x - mean) / sqrt(var + eps) * weight + bias`` over given axes.

One fused Function serves batch norm (axes N and spatial, per-channel affine), layer norm
(trailing axes, elementwise affine), instance norm (spatial axes) and group norm (after a
reshape). NOTE: fused because the composed form costs ~10 passes over the activations and its
backward twice that; the fused backward is the classic three-reduction formula

    gx = invstd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)),  gxhat = g * weight

computed on raw arrays. When a graph of the backward is wanted (``create_graph=True``) the
same quantities are recomputed with ember ops from the saved input, so double backward works.
"""
from .._device import get_xp
from ..autograd.function import Function
from ..autograd.grad_mode import STATE
from ._common import wrap


def _stats(xp, x, axes):
    """(mean, biased var, x - mean, a scratch array) with keepdims, in x's float dtype."""
    mean = xp.mean(x, axis=axes, keepdims=True)
    xc = x - mean
    sq = xp.multiply(xc, xc)
    var = xp.mean(sq, axis=axes, keepdims=True)
    return mean, var, xc, sq


class Normalize(Function):
    """Normalize ``x`` over ``axes`` and apply an optional affine map.

    ``weight``/``bias`` (or None) are reshaped to ``param_shape`` (broadcastable to x).
    Returns ``(out, mean, var)``; mean/var (biased, keepdims) are non-differentiable.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, axes, param_shape, eps):
        xp = get_xp(x._data)
        data = x._data
        mean, var, xhat, out = _stats(xp, data, axes)
        invstd = 1.0 / xp.sqrt(var + data.dtype.type(eps))
        xhat *= invstd                       # in place: xc becomes xhat
        # NOTE: in-place steps into two full-size buffers; each fresh temporary would cost
        # about as much as the arithmetic itself
        if weight is not None:
            xp.multiply(xhat, weight._data.reshape(param_shape), out=out)
        else:
            out[...] = xhat
        if bias is not None:
            out += bias._data.reshape(param_shape)
        ctx.save_for_backward(x, weight, bias)
        ctx.raw = (xhat, invstd)
        ctx.meta = (axes, param_shape, eps)
        m, v = wrap(mean, x._dtype), wrap(var, x._dtype)
        ctx.mark_non_differentiable(m, v)
        return wrap(out, x._dtype), m, v

    @staticmethod
    def backward(ctx, g, _gm=None, _gv=None):
        x, weight, bias = ctx.saved_tensors
        axes, param_shape, eps = ctx.meta
        nx, nw, nb = ctx.needs_input_grad[:3]
        if STATE.enabled:   # create_graph: a differentiable recomputation
            return _backward_composed(x, weight, bias, g, axes, param_shape, eps, nx, nw, nb)
        xhat, invstd = ctx.raw
        xp = get_xp(g._data)
        gd = g._data
        paxes = tuple(i for i, s in enumerate(param_shape) if s == 1)
        w = weight._data.reshape(param_shape) if weight is not None else None
        gx = gw = gb = None
        if nb:
            gb = wrap(xp.sum(gd, axis=paxes).reshape(bias.shape), bias._dtype)
        tmp = xp.multiply(gd, xhat)                          # g * xhat
        if nw:
            gw = wrap(xp.sum(tmp, axis=paxes).reshape(weight.shape), weight._dtype)
        if nx:
            if w is not None:
                tmp *= w                                     # gxhat * xhat
                gxh = gd * w
            else:
                gxh = gd
            m1 = xp.mean(gxh, axis=axes, keepdims=True)
            m2 = xp.mean(tmp, axis=axes, keepdims=True)
            xp.multiply(xhat, m2, out=tmp)
            xp.subtract(gxh, tmp, out=tmp)
            tmp -= m1
            tmp *= invstd
            gx = wrap(tmp, x._dtype)
        return gx, gw, gb, None, None, None


def _backward_composed(x, weight, bias, g, axes, param_shape, eps, nx, nw, nb):
    mean = x.mean(axes, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(axes, keepdim=True)
    invstd = (var + eps).rsqrt()
    xhat = xc * invstd
    paxes = tuple(i for i, s in enumerate(param_shape) if s == 1)
    gx = gw = gb = None
    if nw:
        gw = (g * xhat).sum(paxes).reshape(weight.shape)
    if nb:
        gb = g.sum(paxes).reshape(bias.shape)
    if nx:
        gxh = g * weight.reshape(param_shape) if weight is not None else g
        m1 = gxh.mean(axes, keepdim=True)
        m2 = (gxh * xhat).mean(axes, keepdim=True)
        gx = (gxh - m1 - xhat * m2) * invstd
    return gx, gw, gb, None, None, None


def unbiased(var, n):
    """Biased -> unbiased variance (n samples), as batch norm's running_var update uses."""
    return var * (n / max(n - 1, 1))
