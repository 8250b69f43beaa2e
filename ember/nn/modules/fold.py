"""Fold and Unfold: sliding local blocks to/from columns (torch.nn)."""
from .. import functional_conv as F
from .module import Module

__all__ = ["Fold", "Unfold"]


class Fold(Module):
    """Combine an array of sliding local blocks into a tensor (col2im), summing overlaps.

    Args:
        output_size: spatial (H, W) of the output.
        kernel_size, dilation (default 1), padding (default 0), stride (default 1): int or
            pair, as in Unfold.

    Shape:
        input (N, C*prod(kernel_size), L) or unbatched -> output (N, C, H, W).

    Example::

        >>> nn.Fold((4, 5), 2)(ember.randn(1, 12, 12)).shape
        torch.Size([1, 3, 4, 5])
    """
    __constants__ = ["output_size", "kernel_size", "dilation", "padding", "stride"]

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return ("output_size={output_size}, kernel_size={kernel_size}, dilation={dilation}, "
                "padding={padding}, stride={stride}".format(**self.__dict__))


class Unfold(Module):
    """Extract sliding local blocks from a batched tensor (im2col).

    Args:
        kernel_size, dilation (default 1), padding (default 0), stride (default 1): int or
            pair.

    Shape:
        input (N, C, H, W) or unbatched -> output (N, C*prod(kernel_size), L).

    Example::

        >>> nn.Unfold(2)(ember.randn(1, 3, 4, 5)).shape
        torch.Size([1, 12, 12])
    """
    __constants__ = ["kernel_size", "dilation", "padding", "stride"]

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return ("kernel_size={kernel_size}, dilation={dilation}, padding={padding}, "
                "stride={stride}".format(**self.__dict__))
