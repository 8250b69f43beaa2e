"""The chi-squared distribution."""
from .._tensor import Size
from . import constraints
from .gamma import Gamma

__all__ = ["Chi2"]


class Chi2(Gamma):
    """The chi-squared distribution with ``df`` degrees of freedom: ``Gamma(df / 2, 1 / 2)``.

    ``rsample`` is differentiable in ``df`` (implicit reparameterisation, see ``Gamma``).

    Args:
        df (float or Tensor): the degrees of freedom (> 0).
        validate_args (bool, optional): check the parameters and the values passed to
            ``log_prob``. Default: the global setting.

    Example::

        >>> from ember.distributions import Chi2
        >>> m = Chi2(ember.tensor([3.0]))
        >>> m.mean, m.variance
        (tensor([3.]), tensor([6.]))
    """
    arg_constraints = {"df": constraints.positive}

    def __init__(self, df, validate_args=None):
        super().__init__(0.5 * df, 0.5, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Chi2, _instance)
        return super().expand(Size(batch_shape), new)

    @property
    def df(self):
        """The degrees of freedom (``2 * concentration``)."""
        return self.concentration * 2
