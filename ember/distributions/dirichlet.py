"""The Dirichlet distribution."""
import numpy as np

import ember
from .._tensor import Size
from . import constraints
from . import _special
from .distribution import Distribution

__all__ = ["Dirichlet"]


class Dirichlet(Distribution):
    """The Dirichlet distribution over the probability simplex, with ``concentration`` alpha.

    ``rsample`` normalises independent Gamma(alpha_i, 1) draws; it is differentiable because
    each Gamma draw is (implicit reparameterisation, see ``Gamma``), and the normalisation is
    ordinary autograd.

    Args:
        concentration (Tensor): concentrations (> 0), at least one-dimensional; the last
            dimension indexes the categories.
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import Dirichlet
        >>> m = Dirichlet(ember.tensor([0.5, 0.5]))
        >>> s = m.sample()
        >>> s.shape, bool((s.sum() - 1).abs() < 1e-5)
        (torch.Size([2]), True)
        >>> m.mean
        tensor([0.5000, 0.5000])
    """
    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(tuple(batch_shape) + tuple(self.event_shape))
        super(Dirichlet, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        gammas = _special.standard_gamma(self.concentration, shape)
        tiny = float(np.finfo(gammas.dtype.np).tiny)
        eps = float(np.finfo(gammas.dtype.np).eps)
        return (gammas / gammas.sum(-1, keepdim=True)).clamp(min=tiny, max=1 - eps)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (ember.xlogy(self.concentration - 1.0, value).sum(-1)
                + ember.lgamma(self.concentration.sum(-1))
                - ember.lgamma(self.concentration).sum(-1))

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        mask = (self.concentration < 1).all(dim=-1, keepdim=True)
        one_hot = ember.nn.functional.one_hot(concentrationm1.argmax(dim=-1),
                                              concentrationm1.shape[-1]).to(mode.dtype)
        return ember.where(mask, one_hot, mode)

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return (self.concentration * (con0 - self.concentration)
                / (con0.pow(2) * (con0 + 1)))

    def entropy(self):
        k = self.concentration.size(-1)
        a0 = self.concentration.sum(-1)
        return (ember.lgamma(self.concentration).sum(-1) - ember.lgamma(a0)
                - (k - a0) * _special.digamma(a0)
                - ((self.concentration - 1.0) * _special.digamma(self.concentration)).sum(-1))
