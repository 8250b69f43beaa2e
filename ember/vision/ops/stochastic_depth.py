"""``stochastic_depth`` / ``StochasticDepth`` (https://arxiv.org/abs/1603.09382).

The implementation lives in ``ember.vision.models._layers`` (the architectures use it); this
module is its torchvision home, ``torchvision.ops.stochastic_depth``.
"""
from ember.vision.models._layers import StochasticDepth, stochastic_depth

__all__ = ["stochastic_depth", "StochasticDepth"]
