"""ChannelShuffle (torch.nn)."""
from .. import functional_conv as F
from .module import Module

__all__ = ["ChannelShuffle"]


class ChannelShuffle(Module):
    """Shuffle channels: (N, g*k, *) viewed as (N, g, k, *) and transposed to (N, k, g, *).

    Args:
        groups (int): number of groups to divide the channels into.

    Example::

        >>> nn.ChannelShuffle(2)(ember.arange(4.).reshape(1, 4, 1, 1)).flatten()
        tensor([0., 2., 1., 3.])
    """
    __constants__ = ["groups"]

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"
