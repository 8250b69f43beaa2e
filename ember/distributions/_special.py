"""Differentiable special functions and samplers the distributions need.

* ``polygamma(n, x)`` for ``n >= 1`` (recurrence up to ``x >= 10``, then the asymptotic
  series), with gradient ``polygamma(n + 1, x)``; ``digamma(x)`` with gradient
  ``polygamma(1, x)`` (``ember.digamma`` itself has no backward).
* ``standard_gamma(alpha, shape)``: Gamma(alpha, 1) samples with *implicit
  reparameterisation* gradients ``dx/dalpha = -(dF(x; alpha)/dalpha) / f(x; alpha)``, where F
  is the regularised incomplete gamma function; its derivative in ``alpha`` is computed in
  forward mode through the power series of P(alpha, x) (``x < alpha + 1``) or Legendre's
  continued fraction of Q(alpha, x) (otherwise).
* ``cholesky(A)``: a Cholesky factor with gradient (``ember.linalg.cholesky`` returns none).

Everything runs on raw arrays through ``xp`` (NumPy or CuPy), no SciPy.
"""
import math

import numpy as np

from .._device import get_xp
from ..autograd.function import Function
from ..ops._common import wrap

# Bernoulli numbers B_2k for the asymptotic series of the polygamma functions
_B2K = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798]


def _polygamma_arr(n, x):
    """psi^(n)(x) for n >= 1 and x > 0 (float64 accurate)."""
    xp = get_xp(x)
    x = x.astype(np.float64)
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
    res = xp.zeros_like(x)
    # shift x up to >= 10 with psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1) n! / x^(n+1)
    fact_n = math.factorial(n)
    shift = xp.maximum(xp.ceil(10.0 - x), 0.0)
    max_shift = int(shift.max()) if shift.size else 0
    z = x.copy()
    for _ in range(max_shift):
        small = z < 10.0
        res = res + xp.where(small, sign * fact_n / xp.where(small, z, 1.0) ** (n + 1), 0.0)
        z = xp.where(small, z + 1.0, z)
    # asymptotic: (-1)^(n+1) [ (n-1)!/z^n + n!/(2 z^(n+1)) + sum_k B2k (2k+n-1)!/(2k)! / z^(2k+n) ]
    acc = math.factorial(n - 1) / z ** n + fact_n / (2.0 * z ** (n + 1))
    for k, b in enumerate(_B2K, start=1):
        acc = acc + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / z ** (2 * k + n)
    out = res + sign * acc
    return xp.where(x == -xp.inf, xp.nan, out)


class Polygamma(Function):
    """psi^(n)(x), n >= 1; differentiable to any order."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        ctx.save_for_backward(x)
        return wrap(_polygamma_arr(n, x._data), x._dtype)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Polygamma.apply(x, ctx.n + 1), None


class Digamma(Function):
    """psi(x) with gradient psi'(x)."""

    @staticmethod
    def forward(ctx, x):
        from ..functions import digamma as _digamma
        ctx.save_for_backward(x)
        return _digamma(x.detach())

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * Polygamma.apply(x, 1)


def digamma(x):
    """Differentiable digamma of a floating tensor."""
    return Digamma.apply(x)


def polygamma(n, x):
    """Differentiable polygamma of order ``n`` (``n = 0`` is digamma)."""
    if n == 0:
        return Digamma.apply(x)
    return Polygamma.apply(x, n)


# ----------------------------------------------------------------------------- gamma sampling


def _lgamma_arr(a):
    from ..functions import lgamma
    from .._tensor import Tensor
    from .. import _dtype as D
    return lgamma(Tensor._wrap(a, D.float64))._data


def _gammainc_core(a, x):
    """Regularised lower incomplete gamma P(a, x), its derivative in ``a``, and the implicit
    sample derivative ``dx/da = -(dP/da) / f(x; a)`` (f the Gamma(a, 1) density)."""
    xp = get_xp(x)
    x = x.astype(np.float64)
    a = a.astype(np.float64)
    x, a = xp.broadcast_arrays(x, a)
    x, a = x.copy(), a.copy()
    xs = xp.maximum(x, 1e-300)
    logx = xp.log(xs)
    psi_a = _digamma_arr(a)
    lg_a = _lgamma_arr(a)
    P = xp.zeros_like(xs)
    dPda = xp.zeros_like(xs)
    dxda = xp.zeros_like(xs)
    lower = x < a + 1.0

    if lower.any():
        # P(a, x) = x^a e^-x / Gamma(a + 1) * S,  S = sum_n prod_{k<=n} x / (a + k)
        al, xl, lxl = a[lower], xs[lower], logx[lower]
        term = xp.ones_like(xl)
        dterm = xp.zeros_like(xl)       # d term / da
        s, ds = term.copy(), dterm.copy()
        for k in range(1, 5000):
            r = xl / (al + k)
            dterm = dterm * r - term * r / (al + k)
            term = term * r
            s, ds = s + term, ds + dterm
            if bool((xp.abs(term) < 1e-16 * s).all()) and bool(
                    (xp.abs(dterm) <= 1e-16 * xp.abs(ds) + 1e-300).all()):
                break
        psi_a1 = psi_a[lower] + 1.0 / al
        pref = xp.exp(al * lxl - xl - (lg_a[lower] + xp.log(al)))
        inner = s * (lxl - psi_a1) + ds
        P[lower] = pref * s
        dPda[lower] = pref * inner
        dxda[lower] = -(xl / al) * inner           # f(x) = pref * a / x

    upper = ~lower
    if upper.any():
        # Q(a, x) = x^a e^-x / Gamma(a) * h, h Legendre's continued fraction (modified Lentz),
        # carried in forward mode (value, d/da)
        au, xu, lxu = a[upper], xs[upper], logx[upper]
        fpmin = 1e-300
        b, db = xu + 1.0 - au, -xp.ones_like(xu)
        c, dc = xp.full_like(xu, 1.0 / fpmin), xp.zeros_like(xu)
        d, dd = 1.0 / b, -db / (b * b)
        h, dh = d.copy(), dd.copy()
        for i in range(1, 5000):
            an, dan = -i * (i - au), xp.full_like(xu, float(i))
            b = b + 2.0
            d_new = an * d + b
            dd = dan * d + an * dd + db
            d = xp.where(xp.abs(d_new) < fpmin, fpmin, d_new)
            c_new = b + an / c
            dc = db + (dan - an * (dc / c)) / c
            c = xp.where(xp.abs(c_new) < fpmin, fpmin, c_new)
            dd = -dd / (d * d)
            d = 1.0 / d
            delta = d * c
            ddelta = dd * c + d * dc
            dh = dh * delta + h * ddelta
            h = h * delta
            if bool((xp.abs(delta - 1.0) < 1e-15).all()) and bool(
                    (xp.abs(h * ddelta) <= 1e-15 * xp.abs(dh) + 1e-300).all()):
                break
        prefq = xp.exp(au * lxu - xu - lg_a[upper])
        inner = h * (lxu - psi_a[upper]) + dh
        P[upper] = 1.0 - prefq * h
        dPda[upper] = -prefq * inner
        dxda[upper] = xu * inner                   # f(x) = prefq / x
    pos = x > 0
    return xp.where(pos, P, 0.0), xp.where(pos, dPda, 0.0), xp.where(pos, dxda, 0.0)


def _gamma_sample_grad(x, a):
    """d x / d alpha for Gamma(alpha, 1) samples ``x`` (implicit reparameterisation)."""
    return _gammainc_core(a, x)[2]


class Gammainc(Function):
    """Regularised lower incomplete gamma P(a, x), differentiable in both arguments."""

    @staticmethod
    def forward(ctx, a, x):
        P, dPda, _ = _gammainc_core(a._data, x._data)
        ctx.save_for_backward(a, x, wrap(dPda, x._dtype))
        return wrap(P, x._dtype)

    @staticmethod
    def backward(ctx, g):
        from ..functions import lgamma, xlogy
        a, x, dPda = ctx.saved_tensors
        # dP/dx is the Gamma(a, 1) density
        pdf = (xlogy(a - 1, x) - x - lgamma(a)).exp()
        return g * dPda, g * pdf


def gammainc(a, x):
    """The regularised lower incomplete gamma function P(a, x) (as torch.special.gammainc)."""
    return Gammainc.apply(a, x)


def _digamma_arr(a):
    from ..functions import digamma as _digamma
    from .._tensor import Tensor
    from .. import _dtype as D
    return _digamma(Tensor._wrap(a, D.float64))._data


class StandardGamma(Function):
    """Gamma(alpha, 1) samples drawn in forward (given as ``sample``), implicit gradient."""

    @staticmethod
    def forward(ctx, alpha, sample):
        ctx.save_for_backward(alpha, sample)
        return sample

    @staticmethod
    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        grad = wrap(_gamma_sample_grad(x._data, alpha._data), x._dtype)
        return g * grad, None


def standard_gamma(alpha, shape):
    """Samples of shape ``shape`` from Gamma(alpha, 1) (``alpha`` broadcast to ``shape``),
    differentiable in ``alpha`` through implicit reparameterisation."""
    from .utils import _rng, _host, _wrap
    a = np.broadcast_to(_host(alpha).astype(np.float64), tuple(shape))
    x = _rng(alpha).standard_gamma(a)
    # torch clamps to the smallest positive normal number so that log(x) stays finite
    x = np.maximum(x, np.finfo(alpha.dtype.np).tiny)
    sample = _wrap(x, alpha)
    return StandardGamma.apply(alpha.expand(tuple(shape)), sample)


# ----------------------------------------------------------------------------- cholesky


class Cholesky(Function):
    """The lower Cholesky factor; backward ``L^-T Phi(L^T gL) L^-1`` symmetrised."""

    @staticmethod
    def forward(ctx, a):
        xp = get_xp(a._data)
        try:
            L = xp.linalg.cholesky(a._data)
        except np.linalg.LinAlgError:
            raise RuntimeError("linalg.cholesky: The factorization could not be completed "
                               "because the input is not positive-definite.") from None
        out = wrap(L, a._dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        from ..functions import _linalg_solve
        (L,) = ctx.saved_tensors
        P = L.mT.matmul(g.tril())
        P = P.tril() - 0.5 * P.diagonal(dim1=-2, dim2=-1).diag_embed()
        Y = _linalg_solve(L.mT, P)                  # L^-T P
        gA = _linalg_solve(L.mT, Y.mT).mT           # L^-T P L^-1
        return 0.5 * (gA + gA.mT)


def cholesky(a):
    """Differentiable lower Cholesky factor of symmetric positive-definite matrices."""
    return Cholesky.apply(a)


def solve_triangular_lower(L, b):
    """``L^-1 b`` for lower-triangular ``L`` (differentiable; gradient in L kept lower)."""
    from ..functions import _linalg_solve
    return _linalg_solve(L.tril(), b)
