"""More pooling layers: FractionalMaxPool2d/3d and LPPool3d (torch.nn)."""
from .. import functional_extra as F
from .module import Module

__all__ = ["FractionalMaxPool2d", "FractionalMaxPool3d", "LPPool3d"]


def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(v) * n if len(v) == 1 else tuple(v)
    return (v,) * n


class _FractionalMaxPoolNd(Module):
    __constants__ = ["kernel_size", "return_indices", "output_size", "output_ratio"]
    _nd = 2

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        nd = self._nd
        name = type(self).__name__
        if nd == 3 and ((isinstance(kernel_size, int) and kernel_size <= 0) or (
                isinstance(kernel_size, (tuple, list)) and not all(k > 0 for k in kernel_size))):
            raise ValueError(f"kernel_size must be greater than 0, but got {kernel_size}")
        self.kernel_size = _ntuple(kernel_size, nd)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = _ntuple(output_size, nd) if output_size is not None else None
        self.output_ratio = _ntuple(output_ratio, nd) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling "
                             "ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None:
            if not all(0 < r < 1 for r in self.output_ratio):
                raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        fn = F.fractional_max_pool2d if self._nd == 2 else F.fractional_max_pool3d
        return fn(input, self.kernel_size, self.output_size, self.output_ratio,
                  self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """2-D fractional max pooling (Graham, 2014): ``kernel_size`` windows at pseudo-random
    strides that shrink the input to ``output_size`` (or by ``output_ratio``).

    Args:
        kernel_size (int or tuple): the window (kH, kW).
        output_size (int or tuple, optional): the output (oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction in (0, 1) of the
            input size; give exactly one of output_size and output_ratio.
        return_indices (bool): also return the flat indices of the maxima (for
            ``MaxUnpool2d``). Default False.
        _random_samples (Tensor, optional): (N, C, 2) samples in [0, 1) fixing the windows
            (kept as a buffer); fresh samples from ``ember.rand`` each call when None.

    Shape:
        (N, C, H, W) or (C, H, W) -> (N, C, oH, oW) or (C, oH, oW).

    Example::

        >>> m = nn.FractionalMaxPool2d(3, output_ratio=(0.5, 0.5))
        >>> m(ember.randn(2, 4, 10, 8)).shape
        torch.Size([2, 4, 5, 4])
    """
    _nd = 2


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """3-D fractional max pooling (Graham, 2014) over (N, C, T, H, W) or (C, T, H, W).

    Args:
        kernel_size (int or tuple): the window (kT, kH, kW), all > 0.
        output_size (int or tuple, optional): the output (oT, oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction in (0, 1) of the
            input size; give exactly one of output_size and output_ratio.
        return_indices (bool): also return the flat indices of the maxima. Default False.
        _random_samples (Tensor, optional): (N, C, 3) samples in [0, 1) fixing the windows.

    Example::

        >>> m = nn.FractionalMaxPool3d(2, output_size=(3, 3, 3))
        >>> m(ember.randn(1, 2, 6, 6, 6)).shape
        torch.Size([1, 2, 3, 3, 3])
    """
    _nd = 3


class LPPool3d(Module):
    """3-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        norm_type (float): p (non-zero; ``inf`` gives max pooling of ``|x|``).
        kernel_size (int or tuple): the window (kD, kH, kW).
        stride (int or tuple, optional): step (default kernel_size).
        ceil_mode (bool): ceil instead of floor for the output shape.

    Shape:
        (N, C, D, H, W) or (C, D, H, W) -> pooled, same rank.

    Example::

        >>> nn.LPPool3d(2, 2)(ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[2.8284]]]]])
    """
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return ("norm_type={norm_type}, kernel_size={kernel_size}, stride={stride}, "
                "ceil_mode={ceil_mode}".format(**self.__dict__))

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)
