"""``Distribution``: the base class of every distribution (torch.distributions.Distribution)."""
import warnings

import ember
from .._tensor import Tensor, Size
from . import constraints
from .utils import lazy_property

__all__ = ["Distribution"]


class Distribution:
    """Abstract base class for probability distributions.

    A distribution has a ``batch_shape`` (independent, differently-parameterised copies) and an
    ``event_shape`` (the shape of one draw). ``sample(sample_shape)`` returns tensors of shape
    ``sample_shape + batch_shape + event_shape``; ``log_prob(value)`` returns
    ``sample_shape + batch_shape``. With argument validation on (the default, as torch's
    ``__debug__``), parameters are checked against ``arg_constraints`` when the distribution
    is built and values against ``support`` in ``log_prob``/``cdf``, raising ``ValueError``.

    Args:
        batch_shape (ember.Size): the shape over which parameters are batched.
        event_shape (ember.Size): the shape of a single sample (without batching).
        validate_args (bool, optional): whether to validate arguments. Default: the class
            default (``Distribution.set_default_validate_args``).

    Example::

        >>> from ember.distributions import Normal
        >>> d = Normal(ember.zeros(3), 1.0)
        >>> d.batch_shape, d.event_shape, d.sample((2,)).shape
        (torch.Size([3]), torch.Size([]), torch.Size([2, 3]))
    """
    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value):
        """Turn argument validation on or off for all distributions created afterwards.

        Args:
            value (bool): whether to validate.

        Example::

            >>> from ember.distributions import Distribution
            >>> Distribution.set_default_validate_args(False)
            >>> Distribution.set_default_validate_args(True)
        """
        if value not in [True, False]:
            raise ValueError(f"set_default_validate_args expects True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=Size(), event_shape=Size(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            try:
                arg_constraints = self.arg_constraints
            except NotImplementedError:
                arg_constraints = {}
                warnings.warn(f"{self.__class__} does not define `arg_constraints`. Please set "
                              "`arg_constraints = {}` or initialize the distribution with "
                              "`validate_args=False` to turn off validation.", stacklevel=2)
            for param, constraint in arg_constraints.items():
                if constraints.is_dependent(constraint):
                    continue
                if param not in self.__dict__ and isinstance(getattr(type(self), param, None),
                                                             lazy_property):
                    continue
                value = getattr(self, param)
                valid = constraint.check(value)
                if not bool(valid.all()):
                    raise ValueError(
                        f"Expected parameter {param} ({type(value).__name__} of shape "
                        f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                        f"constraint {constraint!r}, but found invalid values:\n{value}")
        super().__init__()

    def expand(self, batch_shape, _instance=None):
        """A new distribution with the batch dimensions expanded to ``batch_shape``.

        Parameters are expanded with ``Tensor.expand`` (no copy); arguments are not checked
        again.

        Args:
            batch_shape (ember.Size): the desired batch shape.
            _instance: a new instance provided by subclasses overriding ``expand``.

        Example::

            >>> from ember.distributions import Normal
            >>> Normal(0.0, 1.0).expand((2, 3)).batch_shape
            torch.Size([2, 3])
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement expand()")

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self):
        """A dict from parameter names to the constraints they must satisfy."""
        raise NotImplementedError

    @property
    def support(self):
        """The constraint describing the values the distribution can take."""
        raise NotImplementedError

    @property
    def mean(self):
        """The mean of the distribution."""
        raise NotImplementedError(f"{self.__class__} does not implement mean")

    @property
    def mode(self):
        """The mode of the distribution."""
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        """The variance of the distribution."""
        raise NotImplementedError(f"{self.__class__} does not implement variance")

    @property
    def stddev(self):
        """The standard deviation of the distribution (``variance.sqrt()``)."""
        return self.variance.sqrt()

    def sample(self, sample_shape=Size()):
        """Draw a sample of shape ``sample_shape + batch_shape + event_shape`` (no gradient).

        Args:
            sample_shape (ember.Size or tuple): how many draws. Default: one draw.

        Example::

            >>> from ember.distributions import Normal
            >>> Normal(ember.zeros(2), 1.0).sample((4,)).shape
            torch.Size([4, 2])
        """
        with ember.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()):
        """Draw a reparameterised sample: differentiable in the parameters.

        Args:
            sample_shape (ember.Size or tuple): how many draws. Default: one draw.

        Example::

            >>> from ember.distributions import Normal
            >>> loc = ember.zeros(2, requires_grad=True)
            >>> Normal(loc, 1.0).rsample((3,)).sum().backward()
            >>> loc.grad
            tensor([3., 3.])
        """
        raise NotImplementedError(f"{type(self).__name__} has no reparameterised sampler "
                                  "(has_rsample is False); use sample()")

    def sample_n(self, n):
        """``sample((n,))`` (deprecated in torch).

        Args:
            n (int): the number of draws.

        Example::

            >>> from ember.distributions import Normal
            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     Normal(0.0, 1.0).sample_n(3).shape
            torch.Size([3])
        """
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.",
                      FutureWarning, stacklevel=2)
        return self.sample(Size((n,)))

    def log_prob(self, value):
        """The log of the probability density/mass function at ``value``.

        Args:
            value (Tensor): values broadcastable with ``batch_shape + event_shape``.

        Example::

            >>> from ember.distributions import Normal
            >>> Normal(0.0, 1.0).log_prob(ember.tensor(0.0))
            tensor(-0.9189)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob")

    def cdf(self, value):
        """The cumulative distribution function at ``value``.

        Args:
            value (Tensor): the values.

        Example::

            >>> from ember.distributions import Normal
            >>> Normal(0.0, 1.0).cdf(ember.tensor(0.0))
            tensor(0.5000)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value):
        """The inverse cumulative distribution function at ``value``.

        Args:
            value (Tensor): probabilities in ``[0, 1]``.

        Example::

            >>> from ember.distributions import Normal
            >>> Normal(0.0, 1.0).icdf(ember.tensor(0.5))
            tensor(0.)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def enumerate_support(self, expand=True):
        """All values of a discrete distribution, enumerated along dimension 0.

        The result has shape ``(cardinality,) + batch_shape + event_shape`` (with
        ``expand=False`` the batch dimensions are 1).

        Args:
            expand (bool): expand over the batch dimensions. Default: ``True``.

        Example::

            >>> from ember.distributions import Bernoulli
            >>> Bernoulli(ember.tensor([0.3, 0.6])).enumerate_support()
            tensor([[0., 0.],
                    [1., 1.]])
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement enumerate_support")

    def entropy(self):
        """The entropy, batched over ``batch_shape``.

        Args:
            (none)

        Example::

            >>> from ember.distributions import Bernoulli
            >>> Bernoulli(0.5).entropy()
            tensor(0.6931)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self):
        """``exp(entropy())``, batched over ``batch_shape``.

        Args:
            (none)

        Example::

            >>> from ember.distributions import Categorical
            >>> Categorical(probs=ember.ones(4) / 4).perplexity()
            tensor(4.)
        """
        return ember.exp(self.entropy())

    def _extended_shape(self, sample_shape=Size()):
        if not isinstance(sample_shape, Size):
            sample_shape = Size(sample_shape)
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value):
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.size()) - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{value.size()} vs {self._event_shape}.")
        actual_shape = value.size()
        expected_shape = Size(tuple(self._batch_shape) + tuple(self._event_shape))
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                                 f"{actual_shape} vs {expected_shape}.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample "
                          "validation. Please initialize the distribution with "
                          "`validate_args=False` to turn off validation.", stacklevel=2)
            return
        valid = support.check(value)
        if not bool(valid.all()):
            raise ValueError(
                f"Expected value argument ({type(value).__name__} of shape "
                f"{tuple(value.shape)}) to be within the support ({support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}")

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self):
        param_names = [k for k in self.arg_constraints if k in self.__dict__]
        args_string = ", ".join(
            f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
            for p in param_names)
        return self.__class__.__name__ + "(" + args_string + ")"
