"""``ember.special``: torch.special's functions (SciPy-free; see ``ember/ops/special_ops.py``).

Integer and bool inputs are promoted to the default float dtype; float32 inputs give float32
results (computed in float64 and rounded). Functions that torch differentiates are
differentiable here with torch's derivative formulas (``bessel_j0``/``bessel_j1``/
``spherical_bessel_j0`` and the ``zeta`` derivative in its first argument are not, as in torch).
"""
import math

from . import _dtype as D
from . import functions as F
from ._tensor import Tensor
from .ops import special_ops as S

__all__ = ["bessel_j0", "bessel_j1", "digamma", "entr", "erf", "erfc", "erfcx", "erfinv",
           "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr",
           "log_softmax", "logit", "logsumexp", "modified_bessel_i0", "modified_bessel_i1",
           "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc", "softmax",
           "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]


def _tensor_arg(input, name):
    if not isinstance(input, Tensor):
        raise TypeError(f"special_{name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input


def _unary(cls, input, out, name):
    return F._out(out, S.unary(cls, _tensor_arg(input, name)))


def _float_input(input, name):
    """``input`` as a floating tensor (ints and bool become the default float dtype)."""
    input = _tensor_arg(input, name)
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        input = input.to(D.get_default_dtype())
    return input


# --------------------------------------------------------------------------- gamma family


def digamma(input, *, out=None):
    """The logarithmic derivative of the gamma function, ``psi(x) = d/dx ln Gamma(x)``.

    ``psi(0) = -inf`` (``+inf`` for ``-0.0``), NaN at negative integers. Differentiable (the
    derivative is ``polygamma(1, x)``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.digamma(ember.tensor([1.0, 0.5]))
        tensor([-0.5772, -1.9635])
    """
    return _unary(S.Digamma, input, out, "digamma")


psi = digamma


def gammaln(input, *, out=None):
    """The natural logarithm of the absolute value of the gamma function (``ember.lgamma``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.gammaln(ember.tensor([0.5, 3.0]))
        tensor([0.5724, 0.6931])
    """
    return F._out(out, F.lgamma(_float_input(input, "gammaln")))


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of the digamma function.

    ``polygamma(0, x)`` is ``digamma``; for ``n >= 1`` it is
    ``(-1)^(n+1) n! zeta(n + 1, x)``. Differentiable in ``input``.

    Args:
        n (int): the order of the derivative (>= 0).
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.polygamma(1, ember.tensor([1.0, 2.0]))
        tensor([1.6449, 0.6449])
    """
    n = int(n)
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    x = _float_input(input, "polygamma")
    if n == 0:
        return F._out(out, S.Digamma.apply(x))
    return F._out(out, S.Polygamma.apply(x, n))


def multigammaln(input, p, *, out=None):
    """The multivariate log-gamma function of dimension ``p``:
    ``p (p - 1) / 4 * ln(pi) + sum_{j=0}^{p-1} lgamma(x - j / 2)``.

    Args:
        input (Tensor): the input; elements should exceed ``(p - 1) / 2`` (below that the
            result is undefined, as in torch, and not checked).
        p (int): the dimension (>= 1).
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.multigammaln(ember.tensor([2.0, 3.0]), 2)
        tensor([0.4516, 1.5502])
    """
    x = _float_input(input, "multigammaln")
    p = int(p)
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    offsets = F.arange(-(p - 1) / 2, 0.5, 0.5, dtype=x.dtype, device=x.device)
    res = F.lgamma(x.unsqueeze(-1) + offsets).sum(-1) + p * (p - 1) * math.log(math.pi) / 4
    return F._out(out, res)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function ``sum_{k>=0} (k + other)^(-input)``.

    Differentiable in ``other`` (``d/dq zeta(x, q) = -x zeta(x + 1, q)``); torch has no
    derivative in ``input`` either. One of the arguments may be a Python number.

    Args:
        input (Tensor or number): the exponent ``x`` (> 1 for a finite result).
        other (Tensor or number): the shift ``q``.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.zeta(ember.tensor([2.0, 4.0]), 1.0)
        tensor([1.6449, 1.0823])
    """
    return F._out(out, S.zeta(input, other))


# --------------------------------------------------------------------------- error function


def erf(input, *, out=None):
    """The error function ``2 / sqrt(pi) * integral_0^x exp(-t^2) dt`` (``ember.erf``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.erf(ember.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8427])
    """
    return F._out(out, F.erf(_tensor_arg(input, "erf")))


def erfc(input, *, out=None):
    """The complementary error function ``1 - erf(x)`` (``ember.erfc``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.erfc(ember.tensor([0.0, 1.0]))
        tensor([1.0000, 0.1573])
    """
    return F._out(out, F.erfc(_tensor_arg(input, "erfc")))


def erfcx(input, *, out=None):
    """The scaled complementary error function ``exp(x^2) * erfc(x)``, accurate where
    ``erfc`` underflows. Differentiable.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.erfcx(ember.tensor([0.0, 1.0, 30.0]))
        tensor([1.0000, 0.4276, 0.0188])
    """
    return _unary(S.Erfcx, input, out, "erfcx")


def erfinv(input, *, out=None):
    """The inverse error function on ``(-1, 1)`` (``ember.erfinv``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.erfinv(ember.tensor([0.0, 0.5]))
        tensor([0.0000, 0.4769])
    """
    return F._out(out, F.erfinv(_tensor_arg(input, "erfinv")))


def ndtr(input, *, out=None):
    """The standard normal cumulative distribution function ``(1 + erf(x / sqrt 2)) / 2``.

    Computed through ``erfc`` in the tails, so small values keep their precision.
    Differentiable.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.ndtr(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([0.1587, 0.5000, 0.8413])
    """
    return _unary(S.Ndtr, input, out, "ndtr")


def log_ndtr(input, *, out=None):
    """The logarithm of :func:`ndtr`, accurate far into the lower tail. Differentiable.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.log_ndtr(ember.tensor([-30.0, 0.0]))
        tensor([-454.3213,   -0.6931])
    """
    return _unary(S.LogNdtr, input, out, "log_ndtr")


def ndtri(input, *, out=None):
    """The inverse of :func:`ndtr`: the ``x`` with ``ndtr(x) = p`` (the normal quantile).

    ``ndtri(0) = -inf``, ``ndtri(1) = inf``, NaN outside ``[0, 1]``. Differentiable.

    Args:
        input (Tensor): probabilities.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.ndtri(ember.tensor([0.5, 0.975]))
        tensor([0.0000, 1.9600])
    """
    return _unary(S.Ndtri, input, out, "ndtri")


# --------------------------------------------------------------------------- Bessel


def i0(input, *, out=None):
    """The modified Bessel function of the first kind, order 0. Differentiable (``i0' = i1``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.i0(ember.tensor([0.0, 1.0]))
        tensor([1.0000, 1.2661])
    """
    return _unary(S.I0, input, out, "i0")


def i0e(input, *, out=None):
    """The exponentially scaled modified Bessel function of order 0: ``exp(-|x|) * i0(x)``.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.i0e(ember.tensor([0.0, 1.0, 100.0]))
        tensor([1.0000, 0.4658, 0.0399])
    """
    return _unary(S.I0e, input, out, "i0e")


def i1(input, *, out=None):
    """The modified Bessel function of the first kind, order 1. Differentiable.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.i1(ember.tensor([0.0, 1.0]))
        tensor([0.0000, 0.5652])
    """
    return _unary(S.I1, input, out, "i1")


def i1e(input, *, out=None):
    """The exponentially scaled modified Bessel function of order 1: ``exp(-|x|) * i1(x)``.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.i1e(ember.tensor([0.0, 1.0]))
        tensor([0.0000, 0.2079])
    """
    return _unary(S.I1e, input, out, "i1e")


def modified_bessel_i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0 (as :func:`i0`; not
    differentiable, like torch's).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.modified_bessel_i0(ember.tensor([1.0]))
        tensor([1.2661])
    """
    return F._out(out, S.unary(S.I0, _tensor_arg(input, "modified_bessel_i0")).detach())


def modified_bessel_i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1 (as :func:`i1`; not
    differentiable, like torch's).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.modified_bessel_i1(ember.tensor([1.0]))
        tensor([0.5652])
    """
    return F._out(out, S.unary(S.I1, _tensor_arg(input, "modified_bessel_i1")).detach())


def bessel_j0(input, *, out=None):
    """The Bessel function of the first kind of order 0 (not differentiable, as in torch).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.bessel_j0(ember.tensor([0.0, 1.0]))
        tensor([1.0000, 0.7652])
    """
    return F._out(out, S.unary(S.BesselJ0, _tensor_arg(input, "bessel_j0")).detach())


def bessel_j1(input, *, out=None):
    """The Bessel function of the first kind of order 1 (not differentiable, as in torch).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.bessel_j1(ember.tensor([0.0, 1.0]))
        tensor([0.0000, 0.4401])
    """
    return F._out(out, S.unary(S.BesselJ1, _tensor_arg(input, "bessel_j1")).detach())


def spherical_bessel_j0(input, *, out=None):
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x``
    (not differentiable, as in torch).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.spherical_bessel_j0(ember.tensor([0.0, 3.141592653589793]))
        tensor([ 1.0000e+00, -2.7828e-08])
    """
    return F._out(out, S.unary(S.SphericalBesselJ0,
                               _tensor_arg(input, "spherical_bessel_j0")).detach())


# --------------------------------------------------------------------------- logs, entropy


def entr(input, *, out=None):
    """The elementwise entropy ``-x ln x`` (0 at 0, ``-inf`` for negative x). Differentiable.

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.entr(ember.tensor([0.0, 0.5, 1.0]))
        tensor([0.0000, 0.3466, -0.0000])
    """
    return _unary(S.Entr, input, out, "entr")


def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where ``input == 0`` (unless ``other`` is NaN).

    Args:
        input (Tensor or number): the multiplier.
        other (Tensor or number): the argument of the log.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.xlogy(ember.tensor([0.0, 2.0]), ember.tensor([0.0, 3.0]))
        tensor([0.0000, 2.1972])
    """
    return F._out(out, S.xlog(S.Xlogy, input, other))


def xlog1py(input, other, *, out=None):
    """``input * log1p(other)``, 0 where ``input == 0`` (unless ``other`` is NaN).

    Args:
        input (Tensor or number): the multiplier.
        other (Tensor or number): the argument of log1p.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.xlog1py(ember.tensor([0.0, 2.0]), ember.tensor([-1.0, 3.0]))
        tensor([0.0000, 2.7726])
    """
    return F._out(out, S.xlog(S.Xlog1py, input, other))


def logit(input, eps=None, *, out=None):
    """The log-odds ``ln(p / (1 - p))``; with ``eps``, ``p`` is clamped to ``[eps, 1 - eps]``.

    Args:
        input (Tensor): probabilities.
        eps (float, optional): the clamping bound.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.logit(ember.tensor([0.25, 0.5, 1.0]), eps=1e-6)
        tensor([-1.0986,  0.0000, 13.8023])
    """
    x = _float_input(input, "logit")
    return F._out(out, S.Logit.apply(x, None if eps is None else float(eps)))


def expit(input, *, out=None):
    """The logistic sigmoid ``1 / (1 + exp(-x))`` (``ember.sigmoid``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.expit(ember.tensor([0.0, 2.0]))
        tensor([0.5000, 0.8808])
    """
    return F._out(out, F.sigmoid(_tensor_arg(input, "expit")))


def exp2(input, *, out=None):
    """``2 ** x`` elementwise (``ember.exp2``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.exp2(ember.tensor([0.0, 3.0]))
        tensor([1., 8.])
    """
    return F._out(out, F.exp2(_tensor_arg(input, "exp2")))


def expm1(input, *, out=None):
    """``exp(x) - 1``, accurate for small x (``ember.expm1``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.expm1(ember.tensor([0.0, 1e-10], dtype=ember.float64))
        tensor([0.0000e+00, 1.0000e-10], dtype=torch.float64)
    """
    return F._out(out, F.expm1(_tensor_arg(input, "expm1")))


def log1p(input, *, out=None):
    """``ln(1 + x)``, accurate for small x (``ember.log1p``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.log1p(ember.tensor([0.0, 1.0]))
        tensor([0.0000, 0.6931])
    """
    return F._out(out, F.log1p(_tensor_arg(input, "log1p")))


def sinc(input, *, out=None):
    """The normalized sinc function ``sin(pi x) / (pi x)`` (1 at 0) (``ember.sinc``).

    Args:
        input (Tensor): the input.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.sinc(ember.tensor([0.0, 0.5]))
        tensor([1.0000, 0.6366])
    """
    return F._out(out, F.sinc(_tensor_arg(input, "sinc")))


def round(input, decimals=0, *, out=None):  # noqa: A001
    """Round to ``decimals`` decimal places, halves to even (``ember.round``).

    Args:
        input (Tensor): the input.
        decimals (int): the number of decimal places. Default: 0.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.round(ember.tensor([0.5, 1.5, 1.26]), decimals=0)
        tensor([0., 2., 1.])
    """
    return F.round(_tensor_arg(input, "round"), decimals=decimals, out=out)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))``, computed stably (``ember.logsumexp``).

    Args:
        input (Tensor): the input.
        dim (int or tuple of ints): the dimension(s) to reduce.
        keepdim (bool): keep the reduced dims with size 1. Default: False.
        out (Tensor, optional): the output tensor.

    Example::

        >>> ember.special.logsumexp(ember.tensor([0.0, 0.0]), 0)
        tensor(0.6931)
    """
    return F._out(out, F.logsumexp(_tensor_arg(input, "logsumexp"), dim, keepdim))


def softmax(input, dim, *, dtype=None):
    """Softmax along ``dim`` (``ember.softmax``).

    Args:
        input (Tensor): the input.
        dim (int): the dimension along which the results sum to 1.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.special.softmax(ember.tensor([0.0, 0.0]), 0)
        tensor([0.5000, 0.5000])
    """
    return F.softmax(_tensor_arg(input, "softmax"), dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """Log-softmax along ``dim`` (``ember.log_softmax``).

    Args:
        input (Tensor): the input.
        dim (int): the dimension to normalize over.
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.special.log_softmax(ember.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    return F.log_softmax(_tensor_arg(input, "log_softmax"), dim, dtype=dtype)
