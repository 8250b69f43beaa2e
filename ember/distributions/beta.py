"""The Beta distribution."""
import numbers

import ember
from .._tensor import Size
from . import constraints
from .dirichlet import Dirichlet
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Beta"]


class Beta(Distribution):
    """The Beta distribution on ``[0, 1]`` with ``concentration1`` (alpha) and ``concentration0`` (beta).

    Implemented, as in torch, as the first coordinate of a two-category ``Dirichlet``;
    ``rsample`` is therefore differentiable through implicit reparameterisation of Gamma
    draws (``X / (X + Y)`` with ``X ~ Gamma(alpha)``, ``Y ~ Gamma(beta)``).

    Args:
        concentration1 (float or Tensor): alpha (> 0).
        concentration0 (float or Tensor): beta (> 0).
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import Beta
        >>> m = Beta(ember.tensor([0.5]), ember.tensor([0.5]))
        >>> m.mean, m.log_prob(ember.tensor([0.5]))
        (tensor([0.5000]), tensor([-0.4516]))
    """
    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        if isinstance(concentration1, numbers.Number) and isinstance(concentration0, numbers.Number):
            c10 = ember.tensor([float(concentration1), float(concentration0)])
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            c10 = ember.stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(c10, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = Size(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        super(Beta, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        heads_tails = ember.stack([value, 1.0 - value], -1)
        return self._dirichlet.log_prob(heads_tails)

    def entropy(self):
        return self._dirichlet.entropy()

    @property
    def concentration1(self):
        """alpha, the first concentration."""
        result = self._dirichlet.concentration[..., 0]
        if isinstance(result, numbers.Number):
            return ember.tensor([result])
        return result

    @property
    def concentration0(self):
        """beta, the second concentration."""
        result = self._dirichlet.concentration[..., 1]
        if isinstance(result, numbers.Number):
            return ember.tensor([result])
        return result
