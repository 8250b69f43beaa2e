"""The Bernoulli distribution."""
import numbers

import ember
from .._tensor import Size
from . import constraints
from .distribution import Distribution
from .utils import (broadcast_all, lazy_property, logits_to_probs, probs_to_logits, _rng,
                    _host, _wrap)

__all__ = ["Bernoulli"]


def _bce_with_logits(logits, target):
    """Elementwise ``binary_cross_entropy_with_logits`` (differentiable in both arguments)."""
    return ember.nn.functional.softplus(logits) - logits * target


class Bernoulli(Distribution):
    """The Bernoulli distribution: 1 with probability ``probs``, 0 otherwise.

    Give either ``probs`` or ``logits`` (log-odds), not both; the other is derived lazily.

    Args:
        probs (float or Tensor): the probability of 1, in ``[0, 1]``.
        logits (float or Tensor): the log-odds of 1.
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import Bernoulli
        >>> m = Bernoulli(ember.tensor([0.3]))
        >>> m.sample().shape
        torch.Size([1])
        >>> m.log_prob(ember.tensor([1.0]))
        tensor([-1.2040])
    """
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True
    _mean_carrier_measure = 0

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            is_scalar = isinstance(probs, numbers.Number)
            (self.probs,) = broadcast_all(probs)
        else:
            is_scalar = isinstance(logits, numbers.Number)
            (self.logits,) = broadcast_all(logits)
        self._param = self.probs if probs is not None else self.logits
        batch_shape = Size() if is_scalar else self._param.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Bernoulli, _instance)
        batch_shape = Size(batch_shape)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(batch_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(batch_shape)
            new._param = new.logits
        super(Bernoulli, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return ember.where(self.probs == 0.5, float("nan"), mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    @lazy_property
    def logits(self):
        """The log-odds ``log(p) - log(1 - p)``."""
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        """The probability of 1."""
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        """The shape of the parameter tensor."""
        return self._param.size()

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        p = _host(self.probs.expand(shape))
        u = _rng(self._param).random(tuple(shape))
        return _wrap(u < p, self._param)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        return -_bce_with_logits(logits, value)

    def entropy(self):
        return _bce_with_logits(self.logits, self.probs)

    def enumerate_support(self, expand=True):
        values = ember.arange(2, dtype=self._param.dtype, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
