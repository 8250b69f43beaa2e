"""ember.distributions: torch.distributions on ember tensors.

Parameterisable probability distributions with sampling (``sample``, and the
reparameterised, differentiable ``rsample`` where the distribution allows it), ``log_prob``,
``entropy``, moments, ``cdf``/``icdf``, ``kl_divergence`` and the ``constraints`` /
``transforms`` machinery, following torch's class structure. Random numbers come from
ember's generator, so ``ember.manual_seed`` makes sampling reproducible (the streams differ
from torch's).

Example::

    >>> from ember.distributions import Normal, kl_divergence
    >>> loc = ember.zeros(3, requires_grad=True)
    >>> d = Normal(loc, 1.0)
    >>> x = d.rsample((5,))
    >>> x.shape, d.log_prob(x).shape
    (torch.Size([5, 3]), torch.Size([5, 3]))
    >>> kl_divergence(d, Normal(1.0, 1.0)).sum().backward()
    >>> loc.grad
    tensor([-1., -1., -1.])
"""
from . import constraints
from . import transforms
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .cauchy import Cauchy
from .chi2 import Chi2
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .geometric import Geometric
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .multinomial import Multinomial
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .relaxed_bernoulli import LogitRelaxedBernoulli, RelaxedBernoulli
from .relaxed_categorical import ExpRelaxedCategorical, RelaxedOneHotCategorical
from .studentT import StudentT
from .transformed_distribution import TransformedDistribution
from .transforms import *  # noqa: F401,F403
from .uniform import Uniform

__all__ = [
    "Bernoulli", "Beta", "Binomial", "Categorical", "Cauchy", "Chi2", "Dirichlet",
    "Distribution", "Exponential", "ExpRelaxedCategorical", "Gamma", "Geometric",
    "Independent", "Laplace", "LogNormal", "LogitRelaxedBernoulli", "Multinomial",
    "MultivariateNormal", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough",
    "Poisson", "RelaxedBernoulli", "RelaxedOneHotCategorical", "StudentT",
    "TransformedDistribution", "Uniform", "constraints", "kl_divergence", "register_kl",
    "transforms",
]
__all__.extend(transforms.__all__)
