"""The Gamma distribution (and Chi2, a Gamma with rate 1/2)."""
import numbers

import numpy as np

import ember
from .._tensor import Size
from . import constraints
from . import _special
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Gamma"]


class Gamma(Distribution):
    """The Gamma distribution with shape ``concentration`` and inverse scale ``rate``.

    ``rsample`` is differentiable through *implicit reparameterisation*: a sample ``x`` of
    Gamma(alpha, 1) has ``dx/dalpha = -(dF(x; alpha)/dalpha) / f(x; alpha)`` (F the CDF, the
    regularised incomplete gamma function, whose alpha-derivative ember evaluates in forward
    mode through its series / continued fraction); dividing by ``rate`` is ordinary autograd.

    Args:
        concentration (float or Tensor): the shape parameter alpha (> 0).
        rate (float or Tensor): the rate beta = 1 / scale (> 0).
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import Gamma
        >>> m = Gamma(ember.tensor([2.0]), ember.tensor([4.0]))
        >>> m.mean, m.variance
        (tensor([0.5000]), tensor([0.1250]))
        >>> bool((m.sample((3,)) > 0).all())
        True
    """
    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True
    _mean_carrier_measure = 0

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        if isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number):
            batch_shape = Size()
        else:
            batch_shape = self.concentration.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        super(Gamma, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        value = _special.standard_gamma(self.concentration, shape) / self.rate.expand(shape)
        tiny = float(np.finfo(value.dtype.np).tiny)
        return value.clamp(min=tiny)

    def log_prob(self, value):
        value = ember.as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (ember.xlogy(self.concentration, self.rate)
                + ember.xlogy(self.concentration - 1, value)
                - self.rate * value - ember.lgamma(self.concentration))

    def entropy(self):
        return (self.concentration - ember.log(self.rate) + ember.lgamma(self.concentration)
                + (1.0 - self.concentration) * _special.digamma(self.concentration))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return _special.gammainc(self.concentration, self.rate * value)
