"""Student's t-distribution."""
import math

import ember
from .._tensor import Size
from . import constraints
from . import _special
from .chi2 import Chi2
from .distribution import Distribution
from .utils import broadcast_all, _standard_normal

__all__ = ["StudentT"]


class StudentT(Distribution):
    """Student's t-distribution with ``df`` degrees of freedom, location ``loc`` and ``scale``.

    ``rsample`` draws ``loc + scale * X / sqrt(Z / df)`` with ``X ~ N(0, 1)`` and
    ``Z ~ Chi2(df)``; it is differentiable in all parameters (``Z`` through implicit
    reparameterisation, see ``Gamma``).

    Args:
        df (float or Tensor): degrees of freedom (> 0).
        loc (float or Tensor): the location. Default: 0.
        scale (float or Tensor): the scale (> 0). Default: 1.
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import StudentT
        >>> m = StudentT(ember.tensor([2.0]))
        >>> m.log_prob(ember.tensor([0.0]))
        tensor([-1.0397])
    """
    arg_constraints = {"df": constraints.positive, "loc": constraints.real,
                       "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    @property
    def mean(self):
        m = self.loc.clone()
        return ember.where(self.df <= 1, float("nan"), m)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        df = self.df
        v = self.scale.pow(2) * df / (df - 2)
        v = ember.where(df > 2, v, ember.full_like(v, float("inf")))
        return ember.where(df <= 1, ember.full_like(v, float("nan")), v)

    def __init__(self, df, loc=0.0, scale=1.0, validate_args=None):
        self.df, self.loc, self.scale = broadcast_all(df, loc, scale)
        self._chi2 = Chi2(self.df)
        batch_shape = self.df.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(StudentT, _instance)
        batch_shape = Size(batch_shape)
        new.df = self.df.expand(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new._chi2 = self._chi2.expand(batch_shape)
        super(StudentT, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        X = _standard_normal(shape, self.df)
        Z = self._chi2.rsample(sample_shape)
        Y = X * ember.rsqrt(Z / self.df)
        return self.loc + self.scale * Y

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        y = (value - self.loc) / self.scale
        Z = (self.scale.log() + 0.5 * self.df.log() + 0.5 * math.log(math.pi)
             + ember.lgamma(0.5 * self.df) - ember.lgamma(0.5 * (self.df + 1.0)))
        return -0.5 * (self.df + 1.0) * ember.log1p(y ** 2.0 / self.df) - Z

    def entropy(self):
        lbeta = (ember.lgamma(0.5 * self.df) + math.lgamma(0.5)
                 - ember.lgamma(0.5 * (self.df + 1)))
        return (self.scale.log()
                + 0.5 * (self.df + 1)
                * (_special.digamma(0.5 * (self.df + 1)) - _special.digamma(0.5 * self.df))
                + 0.5 * self.df.log() + lbeta)
