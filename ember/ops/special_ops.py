"""Special-function primitives for ``ember.special`` (no SciPy: NumPy / CuPy array code).

Each kernel takes the array module ``xp`` and a floating array, computes in float64 and returns
float64; the Function classes round the result to the input's dtype. The algorithms:

* digamma / trigamma / Hurwitz zeta: the Cephes algorithms torch uses (recurrence + asymptotic
  series; Euler-Maclaurin summation for zeta), so results agree with torch to rounding level.
* polygamma(n >= 2, x) = (-1)^(n+1) n! zeta(n + 1, x).
* modified Bessel I0 / I1 (and the exp-scaled i0e / i1e): power series for |x| < 20, Hankel's
  asymptotic expansion beyond (both ~1e-16 relative).
* Bessel J0 / J1: power series for |x| <= 5, Miller's backward recurrence for 5 < |x| < 25,
  Hankel's asymptotic expansion beyond.
* erfcx: ``exp(x^2) erfc(x)`` (``x^2`` split exactly) below 2, its continued fraction above.
* ndtri: Newton iterations on ``ndtr`` (centre) or ``log_ndtr`` (tails) from the
  Abramowitz-Stegun 26.2.23 starting value.

Forward runs on raw arrays; backward is written with ember ops (so it can be differentiated
again) as torch defines it.
"""
import math

import numpy as np

from .. import _dtype as D
from .._device import get_xp
from .._tensor import Tensor
from ..autograd.function import Function
from ._common import wrap, prep_binary, float_dtype_for

_EPS = 1.11022302462515654042e-16  # Cephes' MACHEP
_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT1_2 = math.sqrt(0.5)


def _f64(xp, x):
    return xp.asarray(x, dtype=xp.float64)


def _erf(xp, x):
    from .elementwise import _special
    return _special(xp, "erf")(x)


def _erfc(xp, x):
    from .elementwise import _special
    return _special(xp, "erfc")(x)


# --------------------------------------------------------------------------- gamma family

_PSI_10 = 2.25175258906672110764
_DIGAMMA_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
              -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
              8.33333333333333333333E-2)


def _polevl(xp, z, coeffs):
    r = xp.zeros_like(z)
    for c in coeffs:
        r = r * z + c
    return r


def digamma_kernel(xp, x):
    """psi(x) = d/dx log Gamma(x): reflection for x < 0, recurrence to x >= 10, asymptotic."""
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        neg = x < 0
        xr = xp.where(neg, 1 - x, x)
        res = xp.zeros_like(xr)
        small = xr < 10
        while bool(small.any()):
            res = xp.where(small, res - 1 / xr, res)
            xr = xp.where(small, xr + 1, xr)
            small = xr < 10
        z = 1 / (xr * xr)
        y = xp.where(xr < 1e17, z * _polevl(xp, z, _DIGAMMA_A), 0.0)
        asym = res + xp.log(xr) - 0.5 / xr - y
        res = xp.where(xr == 10, res + _PSI_10, asym)
        r = x - xp.trunc(x)  # the fractional part: tan(pi r) is more accurate than tan(pi x)
        res = xp.where(neg, res - math.pi / xp.tan(math.pi * r), res)
        res = xp.where(neg & (x == xp.trunc(x)), xp.nan, res)
        res = xp.where(x == 0, xp.copysign(xp.inf, -x), res)
    return res


def trigamma_kernel(xp, x):
    """psi'(x) (torch's algorithm: reflection for x < 0.5, six recurrence steps, asymptotic)."""
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        refl = x < 0.5
        s = xp.sin(math.pi * x)
        res = xp.where(refl, -(math.pi * math.pi) / (s * s), 0.0)
        x = xp.where(refl, 1 - x, x)
        for _ in range(6):
            res = res + 1 / (x * x)
            x = x + 1
        ixx = 1 / (x * x)
        res = res + (1 + 1 / (2 * x) + ixx * (1. / 6 - ixx * (1. / 30 - ixx * (1. / 42)))) / x
        return xp.where(refl, -res, res)


# (2k)! / B_2k for k = 1..12: the Euler-Maclaurin coefficients of Cephes' zeta
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def zeta_kernel(xp, x, q):
    """The Hurwitz zeta function sum_k (k + q)^-x (Cephes' algorithm, as torch)."""
    x, q = xp.broadcast_arrays(_f64(xp, x), _f64(xp, q))
    shape = x.shape
    x, q = x.ravel().copy(), q.ravel().copy()
    out = xp.full(x.shape, xp.nan)
    with np.errstate(all="ignore"):
        # Cephes' order of checks: x == 1, x < 1, then non-positive q
        qint = q == xp.floor(q)
        special_inf = (x == 1) | ((x > 1) & (q <= 0) & qint) | (xp.isnan(x) & (q <= 0) & qint)
        special_nan = (x < 1) | ((q <= 0) & ~qint & (x != xp.floor(x)))
        special_nan &= ~special_inf
        out[special_inf] = xp.inf
        idx = xp.nonzero(~special_inf & ~special_nan)[0]
        if idx.size:
            out[idx] = _zeta_regular(xp, x[idx], q[idx])
    return out.reshape(shape)


def _zeta_regular(xp, x, q):
    s = xp.power(q, -x)
    a = q.copy()
    b = xp.zeros_like(q)
    i = xp.zeros(q.shape, dtype=xp.int64)
    tail = xp.zeros(q.shape, dtype=bool)  # rows that leave the direct sum for Euler-Maclaurin
    act = xp.arange(q.size)
    steps = xp.arange(1, 65, dtype=xp.float64)
    while act.size:
        go = (i[act] < 9) | (a[act] <= 9)
        tail[act[~go]] = True
        act = act[go]
        if not act.size:
            break
        # far below zero no term can be negligible yet: add 64 terms at once
        far = a[act] < -64
        f, act = act[far], act[~far]
        if f.size:
            terms = xp.power(a[f][:, None] + steps, -x[f][:, None])
            s[f] += terms.sum(axis=1)
            b[f] = terms[:, -1]
            a[f] += 64
            i[f] += 64
        if act.size:
            i[act] += 1
            a[act] += 1
            b[act] = xp.power(a[act], -x[act])
            s[act] += b[act]
            done = (-_EPS * s[act] < b[act]) & (b[act] < _EPS * s[act])
            act = act[~done]
        act = xp.concatenate([f, act])
    t_idx = xp.nonzero(tail)[0]
    if t_idx.size:
        xt, st, bt, w = x[t_idx], s[t_idx], b[t_idx], a[t_idx]
        st = st + bt * w / (xt - 1) - 0.5 * bt
        aa = xp.ones_like(xt)
        k = xp.zeros_like(xt)
        live = xp.ones(xt.shape, dtype=bool)
        for coef in _ZETA_A:
            aa = aa * (xt + k)
            bt = bt / w
            t = aa * bt / coef
            st = xp.where(live, st + t, st)
            live = live & ~(xp.abs(t / st) < _EPS)
            k = k + 1
            aa = aa * (xt + k)
            bt = bt / w
            k = k + 1
        s[t_idx] = st
    return s


def polygamma_kernel(xp, n, x):
    """The n-th derivative of digamma."""
    if n == 0:
        return digamma_kernel(xp, x)
    if n == 1:
        return trigamma_kernel(xp, x)
    sign = 1.0 if n % 2 else -1.0
    return sign * math.exp(math.lgamma(n + 1.0)) * zeta_kernel(xp, float(n + 1), x)


# --------------------------------------------------------------------------- Bessel


def _bessel_i_kernel(xp, x, nu, scaled):
    """I_nu(x) for nu in {0, 1}, or exp(-|x|) I_nu(x) when ``scaled``."""
    x = _f64(xp, x)
    ax = xp.abs(x)
    out = xp.zeros_like(ax)
    with np.errstate(all="ignore"):
        small = ax < 20
        xs = xp.where(small, ax, 0.0) / 2
        term = xp.ones_like(xs) if nu == 0 else xs.copy()
        acc = term.copy()
        q = xs * xs
        for k in range(1, 70):
            term = term * q / (k * (k + nu))
            acc = acc + term
        if scaled:
            acc = acc * xp.exp(-xp.where(small, ax, 0.0))
        xl = xp.where(small, 20.0, ax)
        mu = 4.0 * nu * nu
        t = xp.ones_like(xl)
        s = xp.ones_like(xl)
        for k in range(1, 31):
            t = t * -(mu - (2 * k - 1) ** 2) / (k * 8 * xl)
            s = s + t
        if scaled:
            big = s / xp.sqrt(2 * math.pi * xl)
        else:
            half = xp.exp(xl / 2)  # e^x in two halves: no overflow before the result does
            big = half * (half / xp.sqrt(2 * math.pi * xl)) * s
        out = xp.where(small, acc, big)
        out = xp.where(xp.isnan(x), xp.nan, out)
        if nu == 1:
            out = xp.where(x < 0, -out, out)
    return out


def i0e_kernel(xp, x):
    return _bessel_i_kernel(xp, x, 0, True)


def i1_kernel(xp, x):
    return _bessel_i_kernel(xp, x, 1, False)


def i1e_kernel(xp, x):
    return _bessel_i_kernel(xp, x, 1, True)


def i0_kernel(xp, x):
    return _bessel_i_kernel(xp, x, 0, False)


def _bessel_j_kernel(xp, x, nu):
    """J_nu(x) for nu in {0, 1} (even / odd in x)."""
    x = _f64(xp, x)
    ax = xp.abs(x)
    with np.errstate(all="ignore"):
        # power series, |x| <= 5
        xs = xp.where(ax <= 5, ax, 0.0) / 2
        q = -(xs * xs)
        term = xp.ones_like(xs) if nu == 0 else xs.copy()
        series = term.copy()
        for k in range(1, 40):
            term = term * q / (k * (k + nu))
            series = series + term
        # Miller's backward recurrence, 5 < |x| < 25
        mid_mask = (ax > 5) & (ax < 25)
        xm = xp.where(mid_mask, ax, 10.0)
        top = 80
        j_next = xp.zeros_like(xm)
        j_cur = xp.full(xm.shape, 1e-30)
        norm = xp.zeros_like(xm)
        j0 = j1 = None
        for k in range(top, 0, -1):
            j_prev = (2.0 * k / xm) * j_cur - j_next  # J_{k-1}
            j_next, j_cur = j_cur, j_prev
            if (k - 1) % 2 == 0 and k - 1 > 0:
                norm = norm + 2 * j_cur
            if k - 1 == 1:
                j1 = j_cur
        j0 = j_cur
        norm = norm + j0
        mid = (j0 if nu == 0 else j1) / norm
        # Hankel's asymptotic expansion, |x| >= 25
        xl = xp.where(ax >= 25, ax, 25.0)
        mu = 4.0 * nu * nu
        p = xp.zeros_like(xl)
        qq = xp.zeros_like(xl)
        a = xp.ones_like(xl)
        for k in range(0, 40):
            if k:
                a = a * (mu - (2 * k - 1) ** 2) / (k * 8 * xl)
            sign = -1.0 if (k // 2) % 2 else 1.0
            if k % 2 == 0:
                p = p + sign * a
            else:
                qq = qq + sign * a
        c, s = xp.cos(xl), xp.sin(xl)
        if nu == 0:
            cchi, schi = (c + s) * _SQRT1_2, (s - c) * _SQRT1_2
        else:
            cchi, schi = (s - c) * _SQRT1_2, -(s + c) * _SQRT1_2
        big = xp.sqrt(2 / (math.pi * xl)) * (p * cchi - qq * schi)
        out = xp.where(ax <= 5, series, xp.where(ax < 25, mid, big))
        out = xp.where(xp.isinf(x) | xp.isnan(x), xp.nan, out)
        if nu == 1:
            out = xp.where(x < 0, -out, out)
            out = xp.where(x == 0, x * 0.0, out)
    return out


def j0_kernel(xp, x):
    return _bessel_j_kernel(xp, x, 0)


def j1_kernel(xp, x):
    return _bessel_j_kernel(xp, x, 1)


def spherical_j0_kernel(xp, x):
    """sin(x) / x (a short series for |x| < 0.5, 0 at infinity)."""
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        z = x * x
        series = 1 + z * (-1 / 6 + z * (1 / 120 + z * (-1 / 5040 + z * (
            1 / 362880 + z * (-1 / 39916800 + z * (1 / 6227020800))))))
        out = xp.where(xp.abs(x) < 0.5, series, xp.sin(x) / x)
        return xp.where(xp.isinf(x), 0.0, out)


# --------------------------------------------------------------------------- error function


def _exp_x2(xp, x):
    """exp(x * x) with x * x split into an exact part and a small remainder."""
    hi = xp.floor(x * 4096.0) / 4096.0  # 12 fractional bits: hi * hi is exact for |x| < 2^20
    lo = x - hi
    return xp.exp(hi * hi) * xp.exp(lo * (x + hi))


def _erfcx_cf(xp, x):
    """erfcx(x) for x >= 2 by its continued fraction (80 terms: float64-exact there)."""
    f = x
    for k in range(80, 0, -1):
        f = x + (k / 2) / f
    return 1 / (_SQRT_PI * f)


def _erfc_pos(xp, x):
    """erfc(x) for x >= 0, accurate to rounding also deep in the tail."""
    with np.errstate(all="ignore"):
        near = xp.where(x < 2, x, 0.0)
        far = xp.where(x >= 2, x, 2.0)
        tail = _erfcx_cf(xp, far) * _exp_neg_x2(xp, far)
        tail = xp.where(xp.isinf(x), 0.0, tail)
        out = xp.where(x < 2, _erfc(xp, near), tail)
        return xp.where(xp.isnan(x), xp.nan, out)


def _exp_neg_x2(xp, x):
    """exp(-x * x), split like ``_exp_x2`` (underflows gradually, to subnormals)."""
    hi = xp.floor(x * 4096.0) / 4096.0
    lo = x - hi
    return xp.exp(-hi * hi) * xp.exp(-lo * (x + hi))


def erfcx_kernel(xp, x):
    """exp(x^2) erfc(x)."""
    x = _f64(xp, x)
    ax = xp.abs(x)
    with np.errstate(all="ignore"):
        near_x = xp.where(ax < 2, ax, 0.0)
        near = _exp_x2(xp, near_x) * _erfc(xp, near_x)
        far = _erfcx_cf(xp, xp.where(ax >= 2, ax, 2.0))
        pos = xp.where(ax < 2, near, far)
        pos = xp.where(xp.isinf(x), 0.0, pos)
        neg = 2 * _exp_x2(xp, xp.where(x < 0, ax, 0.0)) - pos
        out = xp.where(x < 0, neg, pos)
        out = xp.where(x < -26.7, xp.inf, out)
        return xp.where(xp.isnan(x), xp.nan, out)


def ndtr_kernel(xp, x):
    """The standard normal CDF (erf near 0, erfc in the tails, as torch)."""
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        t = x * _SQRT1_2
        z = xp.abs(t)
        centre = 0.5 + 0.5 * _erf(xp, t)
        y = 0.5 * _erfc_pos(xp, z)
        tails = xp.where(t > 0, 1 - y, y)
        out = xp.where(z < _SQRT1_2, centre, tails)
        return xp.where(xp.isnan(x), xp.nan, out)


def log_ndtr_kernel(xp, x):
    """log of the standard normal CDF (via erfcx below -1)."""
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        t = x * _SQRT1_2
        low = xp.log(erfcx_kernel(xp, -t) / 2) - t * t
        erfc_t = xp.where(t >= 0, _erfc_pos(xp, xp.abs(t)), 2 - _erfc_pos(xp, xp.abs(t)))
        high = xp.log1p(-erfc_t / 2)
        return xp.where(xp.isnan(x), xp.nan, xp.where(x < -1, low, high))


def ndtri_kernel(xp, p):
    """The inverse of ndtr: Newton from the Abramowitz-Stegun 26.2.23 starting value."""
    p = _f64(xp, p)
    with np.errstate(all="ignore"):
        upper = p > 0.5
        q = xp.where(upper, 1 - p, p)  # exact for p >= 0.5
        q = xp.where((q > 0) & (q <= 0.5), q, 0.25)
        t = xp.sqrt(-2 * xp.log(q))
        x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
              (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t))
        logq = xp.log(q)
        centre = q > 0.25
        d = p - 0.5  # exact in the centre
        x = xp.where(upper, -x, x)
        for _ in range(6):
            # tails: log ndtr(x) = log q, with x <= 0 (sign restored after)
            xn = -xp.abs(x)
            step_tail = (log_ndtr_kernel(xp, xn) - logq) * erfcx_kernel(xp, -xn * _SQRT1_2) / \
                math.sqrt(2 / math.pi)
            xn = xn - step_tail
            tail_x = xp.where(upper, -xn, xn)
            # centre: 0.5 erf(x / sqrt 2) = p - 0.5
            g = 0.5 * _erf(xp, x * _SQRT1_2) - d
            centre_x = x - g * _SQRT_2PI * xp.exp(0.5 * x * x)
            x = xp.where(centre, centre_x, tail_x)
        x = xp.where(p == 0, -xp.inf, x)
        x = xp.where(p == 1, xp.inf, x)
        x = xp.where((p < 0) | (p > 1) | xp.isnan(p), xp.nan, x)
        return xp.where(p == 0.5, 0.0, x)


def entr_kernel(xp, x):
    x = _f64(xp, x)
    with np.errstate(all="ignore"):
        out = xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1.0)), 0.0)
        out = xp.where(x < 0, -xp.inf, out)
        return xp.where(xp.isnan(x), xp.nan, out)


# --------------------------------------------------------------------------- Functions


class _SpecialUnary(Function):
    """Base of the unary special functions: forward = kernel in float64, result in x's dtype."""
    _kernel = None

    @staticmethod
    def forward(ctx, x):
        cls = ctx._forward_cls
        with np.errstate(over="ignore"):  # float64 results beyond float32's range become inf
            y = wrap(cls._kernel(get_xp(x._data), x._data).astype(x._dtype.np), x._dtype)
        if True in ctx.needs_input_grad:
            ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return ctx._forward_cls._grad(x, y, g)


def _unary_cls(name, kernel, grad):
    return type(name, (_SpecialUnary,), {"_kernel": staticmethod(kernel),
                                         "_grad": staticmethod(grad), "__module__": __name__})


def _no_grad(name):
    def grad(x, y, g):
        raise NotImplementedError(f"the derivative for '{name}' is not implemented.")
    return grad


def _sgn(x):
    return x.sign()


Digamma = _unary_cls("SpecialDigamma", digamma_kernel,
                     lambda x, y, g: g * Polygamma.apply(x, 1))
I0 = _unary_cls("SpecialI0", i0_kernel, lambda x, y, g: g * I1.apply(x))
I0e = _unary_cls("SpecialI0e", i0e_kernel,
                 lambda x, y, g: g * (I1e.apply(x) - _sgn(x) * y))
I1 = _unary_cls("SpecialI1", i1_kernel,
                lambda x, y, g: g * (I0.apply(x) - (y / x.masked_fill(x == 0, 1.0))
                                     ).masked_fill(x == 0, 0.5))
I1e = _unary_cls("SpecialI1e", i1e_kernel,
                 lambda x, y, g: g * (I0e.apply(x) - y * (_sgn(x) + 1 / x.masked_fill(
                     x == 0, 1.0))).masked_fill(x == 0, 0.5))
Erfcx = _unary_cls("SpecialErfcx", erfcx_kernel,
                   lambda x, y, g: g * (2 * x * y - 2 / _SQRT_PI))
Ndtr = _unary_cls("SpecialNdtr", ndtr_kernel,
                  lambda x, y, g: g * (-0.5 * x * x).exp() / _SQRT_2PI)
LogNdtr = _unary_cls("SpecialLogNdtr", log_ndtr_kernel,
                     lambda x, y, g: g * (-(y + x * x / 2)).exp() / _SQRT_2PI)
Ndtri = _unary_cls("SpecialNdtri", ndtri_kernel,
                   lambda x, y, g: g * _SQRT_2PI * (y * y / 2).exp())
Entr = _unary_cls("SpecialEntr", entr_kernel, lambda x, y, g: g * -(1 + x.log()))
BesselJ0 = _unary_cls("SpecialBesselJ0", j0_kernel, _no_grad("special_bessel_j0"))
BesselJ1 = _unary_cls("SpecialBesselJ1", j1_kernel, _no_grad("special_bessel_j1"))
SphericalBesselJ0 = _unary_cls("SpecialSphericalBesselJ0", spherical_j0_kernel,
                               _no_grad("special_spherical_bessel_j0"))


class Polygamma(Function):
    """polygamma(n, x); its derivative is polygamma(n + 1, x)."""

    @staticmethod
    def forward(ctx, x, n):
        ctx.n = n
        if True in ctx.needs_input_grad:
            ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            out = polygamma_kernel(get_xp(x._data), n, x._data).astype(x._dtype.np)
        return wrap(out, x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * Polygamma.apply(x, ctx.n + 1), None


class Zeta(Function):
    """The Hurwitz zeta function zeta(x, q); differentiable in ``q`` only (as torch)."""

    @staticmethod
    def forward(ctx, x, q, dtype_):
        xp = get_xp((x if isinstance(x, Tensor) else q)._data)
        xa = x._data if isinstance(x, Tensor) else x
        qa = q._data if isinstance(q, Tensor) else q
        ctx.save_for_backward(x if isinstance(x, Tensor) else None,
                              q if isinstance(q, Tensor) else None)
        ctx.scalars = (None if isinstance(x, Tensor) else x, None if isinstance(q, Tensor) else q)
        return wrap(zeta_kernel(xp, xa, qa), dtype_)

    @staticmethod
    def backward(ctx, g):
        nx, nq = ctx.needs_input_grad[:2]
        if nx:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        xt, qt = ctx.saved_tensors
        x = xt if xt is not None else ctx.scalars[0]
        q = qt if qt is not None else ctx.scalars[1]
        return None, g * -x * zeta(x + 1, q), None


def zeta(x, q):
    """zeta(x, q) with torch's type promotion (integers give the default float dtype)."""
    x, q, rt = prep_binary(x, q)
    rt = float_dtype_for(rt)
    if isinstance(x, Tensor) and x._dtype is not rt:
        x = x.to(rt)
    if isinstance(q, Tensor) and q._dtype is not rt:
        q = q.to(rt)
    if not isinstance(x, Tensor):
        x = float(x)
    if not isinstance(q, Tensor):
        q = float(q)
    return Zeta.apply(x, q, dtype_=rt)


class _XLogBase(Function):
    """x * log(y) (``Xlogy``) or x * log1p(y) (``Xlog1py``): 0 where x == 0 unless y is NaN."""
    _shift = 0.0

    @staticmethod
    def forward(ctx, x, y, dtype_):
        cls = ctx._forward_cls
        xp = get_xp((x if isinstance(x, Tensor) else y)._data)
        xa = _f64(xp, x._data if isinstance(x, Tensor) else x)
        ya = _f64(xp, y._data if isinstance(y, Tensor) else y)
        with np.errstate(all="ignore"):
            lg = xp.log1p(ya) if cls._shift else xp.log(ya)
            out = xp.where((xa == 0) & ~xp.isnan(ya), 0.0, xa * lg)
        ctx.save_for_backward(x if isinstance(x, Tensor) else None,
                              y if isinstance(y, Tensor) else None)
        ctx.scalars = (None if isinstance(x, Tensor) else x, None if isinstance(y, Tensor) else y)
        return wrap(out, dtype_)

    @staticmethod
    def backward(ctx, g):
        shift = ctx._forward_cls._shift
        xt, yt = ctx.saved_tensors
        x = xt if xt is not None else ctx.scalars[0]
        y = yt if yt is not None else ctx.scalars[1]
        nx, ny = ctx.needs_input_grad[:2]
        gx = gy = None
        with np.errstate(all="ignore"):  # log(y <= 0) is masked; 0 / 0 is torch's NaN
            if nx:
                yy = y if isinstance(y, Tensor) else xt.new_full((), y)
                lg = yy.log1p() if shift else yy.log()
                gx = (g * lg).masked_fill((xt == 0) & (yy <= -shift), 0.0)
            if ny:
                gy = g * x / (yt + shift) if shift else g * x / yt
        return gx, gy, None


class Xlogy(_XLogBase):
    _shift = 0.0


class Xlog1py(_XLogBase):
    _shift = 1.0


def xlog(cls, x, y):
    """Run ``Xlogy`` / ``Xlog1py`` after torch's type promotion (ints -> default float)."""
    x, y, rt = prep_binary(x, y)
    rt = float_dtype_for(rt)
    if isinstance(x, Tensor) and x._dtype is not rt:
        x = x.to(rt)
    if isinstance(y, Tensor) and y._dtype is not rt:
        y = y.to(rt)
    return cls.apply(x, y, dtype_=rt)


class Logit(Function):
    """log(x / (1 - x)), inputs clamped to [eps, 1 - eps] when eps is given."""

    @staticmethod
    def forward(ctx, x, eps):
        xp = get_xp(x._data)
        a = x._data
        if eps is not None:
            a = xp.clip(a, eps, 1 - eps)
        ctx.eps = eps
        ctx.save_for_backward(x)
        with np.errstate(all="ignore"):
            return wrap(xp.log(a / (1 - a)), x._dtype)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):  # inf at 0 and 1, as torch
            gx = g / (x * (1 - x))
        if ctx.eps is not None:
            gx = gx.masked_fill((x < ctx.eps) | (x > 1 - ctx.eps), 0.0)
        return gx, None


def unary(cls, x):
    """Apply a unary special Function; integer and bool inputs become the default float."""
    dt = x._dtype
    if not dt.is_floating_point:
        if dt.is_complex:
            from ..functions import _type_label
            raise NotImplementedError(f"\"{cls.__name__.lower()}\" not implemented for "
                                      f"'{_type_label(dt)}'")
        x = x.to(D.get_default_dtype())
    return cls.apply(x)
