"""Pooling layers (torch.nn.MaxPool*, AvgPool*, AdaptiveAvgPool*, AdaptiveMaxPool*, MaxUnpool*,
LPPool*)."""
from .. import functional_conv as F
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "MaxUnpool1d", "MaxUnpool2d",
           "MaxUnpool3d", "LPPool1d", "LPPool2d"]


def _ntuple(v, n):
    return tuple(v) if isinstance(v, (list, tuple)) else (v,) * n


class _MaxPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode"]
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return ("kernel_size={kernel_size}, stride={stride}, padding={padding}, "
                "dilation={dilation}, ceil_mode={ceil_mode}".format(**self.__dict__))

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding, self.dilation,
                              ceil_mode=self.ceil_mode, return_indices=self.return_indices)


_MAX_DOC = """{nd}-D max pooling over an input of shape (N, C, {sp}) or (C, {sp}).

    Args:
        kernel_size: size of the window.
        stride: step of the window (default: kernel_size).
        padding: implicit negative-infinity padding on both sides (at most half the kernel).
        dilation: spacing between window elements.
        return_indices: also return the argmax indices (for MaxUnpool{nd}d).
        ceil_mode: use ceil instead of floor to compute the output shape.

    Example::

        >>> nn.MaxPool{nd}d(2)(ember.randn(1, 3, {ex})).shape
        torch.Size([1, 3, {exo}])
    """


class MaxPool1d(_MaxPoolNd):
    __doc__ = _MAX_DOC.format(nd=1, sp="L", ex="8", exo="4")
    _fn = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    __doc__ = _MAX_DOC.format(nd=2, sp="H, W", ex="8, 8", exo="4, 4")
    _fn = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    __doc__ = _MAX_DOC.format(nd=3, sp="D, H, W", ex="4, 4, 4", exo="2, 2, 2")
    _fn = staticmethod(F.max_pool3d)


class AvgPool1d(Module):
    """1-D average pooling over (N, C, L) or (C, L).

    Args:
        kernel_size: window length. stride: step (default kernel_size). padding: implicit zero
            padding on both sides.
        ceil_mode: ceil instead of floor for the output length.
        count_include_pad: include the zero padding in the averaging count.

    Example::

        >>> nn.AvgPool1d(2)(ember.tensor([[[1., 3., 2., 4.]]]))
        tensor([[[2., 3.]]])
    """
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _ntuple(kernel_size, 1)
        self.stride = _ntuple(stride if stride is not None else kernel_size, 1)
        self.padding = _ntuple(padding, 1)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class _AvgPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override"]
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input):
        return type(self)._fn(input, self.kernel_size, self.stride, self.padding,
                              self.ceil_mode, self.count_include_pad, self.divisor_override)


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling over (N, C, H, W) or (C, H, W).

    Args:
        kernel_size, stride (default kernel_size), padding: int or pair.
        ceil_mode: ceil instead of floor for the output shape.
        count_include_pad: include the zero padding in the averaging count.
        divisor_override: divide each window sum by this instead.

    Example::

        >>> nn.AvgPool2d(2)(ember.ones(1, 1, 4, 4)).shape
        torch.Size([1, 1, 2, 2])
    """
    _fn = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as
            AvgPool2d.

    Example::

        >>> nn.AvgPool3d(2)(ember.ones(1, 1, 4, 4, 4)).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    _fn = staticmethod(F.avg_pool3d)


class _AdaptiveAvgPoolNd(Module):
    __constants__ = ["output_size"]
    _fn = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"

    def forward(self, input):
        return type(self)._fn(input, self.output_size)


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """1-D adaptive average pooling to a fixed output length.

    Args:
        output_size (int): the target length.

    Example::

        >>> nn.AdaptiveAvgPool1d(2)(ember.randn(1, 3, 7)).shape
        torch.Size([1, 3, 2])
    """
    _fn = staticmethod(F.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """2-D adaptive average pooling to a fixed output size.

    Args:
        output_size: int or (H, W); None keeps that input size.

    Example::

        >>> nn.AdaptiveAvgPool2d((1, 1))(ember.randn(2, 8, 7, 7)).shape
        torch.Size([2, 8, 1, 1])
    """
    _fn = staticmethod(F.adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """3-D adaptive average pooling to a fixed output size.

    Args:
        output_size: int or (D, H, W); None keeps that input size.

    Example::

        >>> nn.AdaptiveAvgPool3d(1)(ember.randn(1, 2, 3, 4, 5)).shape
        torch.Size([1, 2, 1, 1, 1])
    """
    _fn = staticmethod(F.adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(Module):
    __constants__ = ["output_size", "return_indices"]
    _fn = None

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self):
        return f"output_size={self.output_size}"

    def forward(self, input):
        return type(self)._fn(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """1-D adaptive max pooling to a fixed output length.

    Args:
        output_size (int): target length. return_indices: also return argmax indices.

    Example::

        >>> nn.AdaptiveMaxPool1d(2)(ember.randn(1, 3, 7)).shape
        torch.Size([1, 3, 2])
    """
    _fn = staticmethod(F.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """2-D adaptive max pooling to a fixed output size.

    Args:
        output_size: int or (H, W). return_indices: also return argmax indices.

    Example::

        >>> nn.AdaptiveMaxPool2d(3)(ember.randn(1, 2, 7, 8)).shape
        torch.Size([1, 2, 3, 3])
    """
    _fn = staticmethod(F.adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """3-D adaptive max pooling to a fixed output size.

    Args:
        output_size: int or (D, H, W). return_indices: also return argmax indices.

    Example::

        >>> nn.AdaptiveMaxPool3d(1)(ember.randn(1, 2, 3, 4, 5)).shape
        torch.Size([1, 2, 1, 1, 1])
    """
    _fn = staticmethod(F.adaptive_max_pool3d)


class _MaxUnpoolNd(Module):
    _nd = 2
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        n = self._nd
        self.kernel_size = _ntuple(kernel_size, n)
        self.stride = _ntuple(stride if stride is not None else kernel_size, n)
        self.padding = _ntuple(padding, n)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

    def forward(self, input, indices, output_size=None):
        return type(self)._fn(input, indices, self.kernel_size, self.stride, self.padding,
                              output_size)


class MaxUnpool1d(_MaxUnpoolNd):
    """Partial inverse of MaxPool1d: values go back to their argmax positions, zeros elsewhere.

    Args:
        kernel_size, stride (default kernel_size), padding: as the MaxPool1d that made indices.

    Example::

        >>> v, i = nn.MaxPool1d(2, return_indices=True)(ember.tensor([[[1., 3., 2., 4.]]]))
        >>> nn.MaxUnpool1d(2)(v, i)
        tensor([[[0., 3., 0., 4.]]])
    """
    _nd = 1
    _fn = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """Partial inverse of MaxPool2d: values go back to their argmax positions, zeros elsewhere.

    Args:
        kernel_size, stride (default kernel_size), padding: as the MaxPool2d that made indices.

    Example::

        >>> v, i = nn.MaxPool2d(2, return_indices=True)(ember.randn(1, 1, 4, 4))
        >>> nn.MaxUnpool2d(2)(v, i).shape
        torch.Size([1, 1, 4, 4])
    """
    _nd = 2
    _fn = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """Partial inverse of MaxPool3d.

    Args:
        kernel_size, stride (default kernel_size), padding: as the MaxPool3d that made indices.

    Example::

        >>> v, i = nn.MaxPool3d(2, return_indices=True)(ember.randn(1, 1, 2, 2, 2))
        >>> nn.MaxUnpool3d(2)(v, i).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    _nd = 3
    _fn = staticmethod(F.max_unpool3d)


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]
    _fn = None

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
        return type(self)._fn(input, float(self.norm_type), self.kernel_size, self.stride,
                              self.ceil_mode)


class LPPool1d(_LPPoolNd):
    """1-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        norm_type (float): p. kernel_size: window. stride: step (default kernel_size).
        ceil_mode: ceil instead of floor for the output length.

    Example::

        >>> nn.LPPool1d(2, 2)(ember.tensor([[[3., 4.]]]))
        tensor([[[5.]]])
    """
    _fn = staticmethod(F.lp_pool1d)


class LPPool2d(_LPPoolNd):
    """2-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        norm_type (float): p. kernel_size: window. stride: step (default kernel_size).
        ceil_mode: ceil instead of floor for the output shape.

    Example::

        >>> nn.LPPool2d(2, 2)(ember.ones(1, 1, 2, 2))
        tensor([[[[2.]]]])
    """
    _fn = staticmethod(F.lp_pool2d)
