"""Functional convolution, pooling, normalization, resampling and padding ops (torch.nn.functional).

``ember.nn.functional`` re-exports everything in ``__all__``. The heavy lifting lives in
``ember/ops/conv.py``, ``pool.py``, ``norm.py`` and ``sampling.py``; this module parses torch's
arguments, checks inputs with torch's error texts, handles unbatched inputs and composes.
"""
import numbers
import warnings

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.function import AUTOCAST
from ..autograd.grad_mode import no_grad
from ..ops import conv as _conv
from ..ops import pool as _pool
from ..ops import norm as _norm
from ..ops import sampling as _smp
from ..ops._common import wrap

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
    "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
    "lp_pool1d", "lp_pool2d", "batch_norm", "layer_norm", "group_norm", "instance_norm",
    "local_response_norm", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
    "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle", "pad",
    "unfold", "fold", "grid_sample", "affine_grid",
]

# torch's C++ scalar-type names, used in error messages
_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half",
          "bfloat16": "c10::BFloat16", "int64": "long", "int32": "int", "int16": "short",
          "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
_METHOD = {"float32": "float", "float64": "double", "float16": "half", "bfloat16": "bfloat16"}


def _ntuple(v, n, name="argument"):
    if isinstance(v, (list, tuple)):
        if len(v) == 1 and n > 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                               f"values to match the convolution dimensions, but got "
                               f"{name}={list(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _shape_str(t):
    return "[" + ", ".join(str(s) for s in t.shape) + "]"


# =========================================================================== convolution


def _check_conv(input, weight, bias, nd, name, cls_name, transposed, groups):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(input).__name__}, ...), but expected input to be a Tensor")
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{name}, but got input of size: {_shape_str(input)}")
    if weight.ndim != nd + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if nd == 1 else
                           f"Expected {nd + 2}-dimensional weight for {nd + 2}-dimensional input "
                           f"{_shape_str(input)}, but got {weight.ndim}-dimensional weight of "
                           f"size {_shape_str(weight)} instead")
    if input.device != weight.device:
        raise RuntimeError(f"input is on {input.device} but the weight of {cls_name} is on "
                           f"{weight.device}; move both with .to(device)")
    if input.dtype is not weight.dtype and AUTOCAST[0] is None:  # (autocast casts them)
        a, b = input.dtype.name, weight.dtype.name
        raise RuntimeError(
            f"Input type ({_CNAME.get(a, a)}) and weight type ({_CNAME.get(b, b)}) should be the "
            f"same; convert the input with x.{_METHOD.get(b, b)}() (or the model with "
            f"model.{_METHOD.get(a, a)}())")
    if bias is not None:
        if bias.device != input.device:
            raise RuntimeError(f"input is on {input.device} but the bias of {cls_name} is on "
                               f"{bias.device}; move both with .to(device)")
        if bias.dtype is not input.dtype and AUTOCAST[0] is None:
            a, b = input.dtype.name, bias.dtype.name
            raise RuntimeError(f"Input type ({_CNAME.get(a, a)}) and bias type "
                               f"({_CNAME.get(b, b)}) should be the same")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")


def _conv_nd(input, weight, bias, stride, padding, dilation, groups, nd):
    name = f"conv{nd}d"
    _check_conv(input, weight, bias, nd, name, f"Conv{nd}d", False, groups)
    stride = _ntuple(stride, nd, "stride")
    dilation = _ntuple(dilation, nd, "dilation")
    k = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for kk, d in zip(k, dilation):
                total = d * (kk - 1)
                pads.append((total // 2, total - total // 2))
            pads = tuple(pads)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        pads = tuple((p, p) for p in _ntuple(padding, nd, "padding"))
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if weight.shape[0] % groups != 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_shape_str(weight)}] "
                           "instead")
    C = input.shape[1]
    if C != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape_str(weight)}, expected "
                           f"input{_shape_str(input)} to have {weight.shape[1] * groups} "
                           f"channels, but got {C} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(f"Given weight of size {_shape_str(weight)}, expected bias to be "
                           f"1-dimensional with {weight.shape[0]} elements, but got bias of size "
                           f"{_shape_str(bias)} instead")
    padded = [n + lo + hi for n, (lo, hi) in zip(input.shape[2:], pads)]
    eff = [d * (kk - 1) + 1 for kk, d in zip(k, dilation)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: "
                           f"({' x '.join(map(str, padded))}). Kernel size: "
                           f"({' x '.join(map(str, eff))}). Kernel size can't be greater than "
                           "actual input size")
    out = _conv.ConvNd.apply(input, weight, bias, (stride, pads, dilation, groups))
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over an input of shape (N, C_in, L) or (C_in, L).

    Args:
        input: (N, C_in, L) or unbatched (C_in, L).
        weight: (C_out, C_in/groups, kL).
        bias: optional (C_out,).
        stride, padding, dilation: int or 1-tuple; padding may be 'valid' or 'same'.
        groups: split the channels into this many groups.

    Example::

        >>> F.conv1d(ember.randn(2, 3, 10), ember.randn(4, 3, 3)).shape
        torch.Size([2, 4, 8])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over an input of shape (N, C_in, H, W) or (C_in, H, W).

    Args:
        input: (N, C_in, H, W) or unbatched (C_in, H, W).
        weight: (C_out, C_in/groups, kH, kW).
        bias: optional (C_out,).
        stride, padding, dilation: int or pair; padding may be 'valid' or 'same'.
        groups: split the channels into this many groups.

    Example::

        >>> F.conv2d(ember.randn(1, 3, 8, 8), ember.randn(4, 3, 3, 3), padding=1).shape
        torch.Size([1, 4, 8, 8])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over an input of shape (N, C_in, D, H, W) or (C_in, D, H, W).

    Args:
        input: (N, C_in, D, H, W) or unbatched (C_in, D, H, W).
        weight: (C_out, C_in/groups, kD, kH, kW).
        bias: optional (C_out,).
        stride, padding, dilation: int or triple; padding may be 'valid' or 'same'.
        groups: split the channels into this many groups.

    Example::

        >>> F.conv3d(ember.randn(1, 2, 4, 4, 4), ember.randn(3, 2, 3, 3, 3)).shape
        torch.Size([1, 3, 2, 2, 2])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 3)


def _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups, dilation,
                       nd, output_size=None):
    name = f"conv_transpose{nd}d"
    _check_conv(input, weight, bias, nd, name, f"ConvTranspose{nd}d", True, groups)
    stride = _ntuple(stride, nd, "stride")
    padding = _ntuple(padding, nd, "padding")
    dilation = _ntuple(dilation, nd, "dilation")
    output_padding = _ntuple(output_padding, nd, "output_padding")
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    C = input.shape[1]
    if C != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {_shape_str(weight)}, expected "
                           f"input{_shape_str(input)} to have {weight.shape[0]} channels, but "
                           f"got {C} channels instead")
    if weight.shape[0] % groups != 0:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_shape_str(weight)}] "
                           "instead")
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError("output padding must be smaller than either stride or dilation, "
                               f"but got output_padding_height: {output_padding[0]} "
                               f"output_padding_width: {output_padding[-1]} stride_height: "
                               f"{stride[0]} stride_width: {stride[-1]} dilation_height: "
                               f"{dilation[0]} dilation_width: {dilation[-1]}")
    k = weight.shape[2:]
    out = tuple((n - 1) * s - 2 * p + d * (kk - 1) + op + 1 for n, s, p, d, kk, op in
                zip(input.shape[2:], stride, padding, dilation, k, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: "
                           f"({' x '.join(map(str, input.shape[2:]))}). Calculated output size "
                           f"per channel: ({' x '.join(map(str, out))}). Output size is too small")
    conf = (stride, tuple((p, p) for p in padding), dilation, groups)
    y = _conv.ConvNdBackwardInput.apply(input, weight, out, conf)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * nd)
    return y.squeeze(0) if unbatched else y


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution ("deconvolution") over (N, C_in, L) or (C_in, L).

    Args:
        input: (N, C_in, L).
        weight: (C_in, C_out/groups, kL).
        bias: optional (C_out,).
        stride, padding, output_padding, dilation: int or 1-tuple.
        groups: channel groups.

    Example::

        >>> F.conv_transpose1d(ember.randn(1, 4, 5), ember.randn(4, 2, 3), stride=2).shape
        torch.Size([1, 2, 11])
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 1)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution over (N, C_in, H, W) or (C_in, H, W).

    Args:
        input: (N, C_in, H, W).
        weight: (C_in, C_out/groups, kH, kW).
        bias: optional (C_out,).
        stride, padding, output_padding, dilation: int or pair.
        groups: channel groups.

    Example::

        >>> F.conv_transpose2d(ember.randn(1, 4, 5, 5), ember.randn(4, 2, 3, 3), stride=2).shape
        torch.Size([1, 2, 11, 11])
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 2)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-D transposed convolution over (N, C_in, D, H, W) or (C_in, D, H, W).

    Args:
        input: (N, C_in, D, H, W).
        weight: (C_in, C_out/groups, kD, kH, kW).
        bias: optional (C_out,).
        stride, padding, output_padding, dilation: int or triple.
        groups: channel groups.

    Example::

        >>> F.conv_transpose3d(ember.randn(1, 2, 3, 3, 3), ember.randn(2, 1, 2, 2, 2)).shape
        torch.Size([1, 1, 4, 4, 4])
    """
    return _conv_transpose_nd(input, weight, bias, stride, padding, output_padding, groups,
                              dilation, 3)


# =========================================================================== pooling


def _pool_input(input, nd, name):
    if input.ndim not in (nd + 1, nd + 2) or input.numel() == 0 and input.ndim == nd + 2 and \
            input.shape[1] == 0:
        if nd == 2:
            raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{_shape_str(input)}" if nd != 1 else
                           f"{name}() Expected 2D or 3D input tensor, but got "
                           f"{_shape_str(input)}")
    unbatched = input.ndim == nd + 1
    return (input.unsqueeze(0) if unbatched else input), unbatched


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, nd, avg=False):
    k = _ntuple(kernel_size, nd, "kernel_size")
    s = k if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) \
        else _ntuple(stride, nd, "stride")
    p = _ntuple(padding, nd, "padding")
    d = _ntuple(dilation, nd, "dilation")
    for kk, pp, dd in zip(k, p, d):
        if pp > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation={dd}")
    if any(v <= 0 for v in s):
        raise RuntimeError("stride should be greater than zero")
    if any(v <= 0 for v in k):
        raise RuntimeError("kernel size should be greater than zero")
    in_sp = tuple(x.shape[2:])
    out = tuple(_pool.pool_out_size(n, kk, ss, pp, dd, ceil_mode)
                for n, kk, ss, pp, dd in zip(in_sp, k, s, p, d))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated "
                           f"output size: ({'x'.join(map(str, (x.shape[1],) + out))}). Output "
                           "size is too small")
    return _pool.Geometry(in_sp, k, s, p, d, out)


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, nd):
    x, unbatched = _pool_input(input, nd, f"max_pool{nd}d")
    geo = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode, nd)
    res = _pool.MaxPoolNd.apply(x, geo, bool(return_indices))
    if unbatched:
        res = tuple(r.squeeze(0) for r in res) if return_indices else res.squeeze(0)
    return res


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L).

    Args:
        kernel_size: window length. stride: step (default: kernel_size). padding: implicit
            -inf padding on both sides. dilation: spacing of window elements.
        ceil_mode: use ceil instead of floor for the output length.
        return_indices: also return the flat argmax indices (for max_unpool1d).

    Example::

        >>> F.max_pool1d(ember.tensor([[[1., 3., 2., 4.]]]), 2)
        tensor([[[3., 4.]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling over (N, C, H, W) or (C, H, W).

    Args:
        kernel_size: window size (int or pair). stride: step (default: kernel_size).
        padding: implicit -inf padding. dilation: spacing of window elements.
        ceil_mode: use ceil instead of floor for the output size.
        return_indices: also return the flat argmax indices (for max_unpool2d).

    Example::

        >>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as max_pool2d.

    Example::

        >>> F.max_pool3d(ember.randn(1, 1, 4, 4, 4), 2).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 3)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool1d`` that always returns ``(values, indices)``.

    Example::

        >>> F.max_pool1d_with_indices(ember.tensor([[[1., 3., 2., 4.]]]), 2)[1]
        tensor([[[1, 3]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 1)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool2d`` that always returns ``(values, indices)``.

    Example::

        >>> F.max_pool2d_with_indices(ember.arange(4.).reshape(1, 1, 2, 2), 2)[1]
        tensor([[[[3]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 2)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool3d`` that always returns ``(values, indices)``.

    Example::

        >>> F.max_pool3d_with_indices(ember.randn(1, 1, 2, 2, 2), 2)[1].shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, True, 3)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, nd):
    x, unbatched = _pool_input(input, nd, f"avg_pool{nd}d")
    geo = _pool_geometry(x, kernel_size, stride, padding, 1, ceil_mode, nd, avg=True)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    div = _pool.avg_divisor(x.device.xp, geo, count_include_pad, divisor_override,
                            x.dtype.np)
    out = _pool.AvgPoolNd.apply(x, geo, div)
    return out.squeeze(0) if unbatched else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L).

    Args:
        kernel_size, stride (default kernel_size), padding: int or 1-tuple.
        ceil_mode: ceil instead of floor for the output length.
        count_include_pad: count the zero padding in the average.

    Example::

        >>> F.avg_pool1d(ember.tensor([[[1., 3., 2., 4.]]]), 2)
        tensor([[[2., 3.]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling over (N, C, H, W) or (C, H, W).

    Args:
        kernel_size, stride (default kernel_size), padding: int or pair.
        ceil_mode: ceil instead of floor for the output size.
        count_include_pad: count the zero padding in the average.
        divisor_override: divide every window sum by this instead.

    Example::

        >>> F.avg_pool2d(ember.ones(1, 1, 4, 4), 2).shape
        torch.Size([1, 1, 2, 2])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W).

    Args:
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as
            avg_pool2d.

    Example::

        >>> F.avg_pool3d(ember.ones(1, 1, 4, 4, 4), 2).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3)


def _adaptive_sizes(x, output_size, nd):
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != nd:
            raise ValueError(f"adaptive pool: output_size must be an int or a tuple of {nd} "
                             f"ints, got {output_size}")
        sizes = tuple(x.shape[-nd + i] if o is None else int(o) for i, o in enumerate(output_size))
    else:
        sizes = (int(output_size),) * nd
    return sizes


def _adaptive_input(input, nd, name):
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{_shape_str(input)}")
    for s in input.shape[-nd:]:
        if s == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {_shape_str(input)} with "
                               f"dimension {list(input.shape).index(0)} being empty")


def _adaptive_avg(input, output_size, nd):
    _adaptive_input(input, nd, f"adaptive_avg_pool{nd}d")
    sizes = _adaptive_sizes(input, output_size, nd)
    first = input.ndim - nd
    if all(o == 1 for o in sizes):
        return input.mean(tuple(range(first, input.ndim)), keepdim=True)
    x = input
    for i, o in enumerate(sizes):
        n = input.shape[first + i]
        if o != n:
            x = _smp.apply_along(x, first + i, _smp.area_matrix(n, o, input.dtype.np))
    return x


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling to length ``output_size`` over (N, C, L) or (C, L).

    Example::

        >>> F.adaptive_avg_pool1d(ember.arange(6.).reshape(1, 1, 6), 2)
        tensor([[[1., 4.]]])
    """
    return _adaptive_avg(input, output_size, 1)


def adaptive_avg_pool2d(input, output_size):
    """2-D adaptive average pooling to ``output_size`` (int or pair; None keeps a size).

    Example::

        >>> F.adaptive_avg_pool2d(ember.randn(2, 3, 7, 7), 1).shape
        torch.Size([2, 3, 1, 1])
    """
    return _adaptive_avg(input, output_size, 2)


def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive average pooling to ``output_size`` (int or triple).

    Example::

        >>> F.adaptive_avg_pool3d(ember.randn(1, 2, 4, 4, 4), 2).shape
        torch.Size([1, 2, 2, 2, 2])
    """
    return _adaptive_avg(input, output_size, 3)


def _adaptive_max(input, output_size, return_indices, nd):
    _adaptive_input(input, nd, f"adaptive_max_pool{nd}d")
    sizes = _adaptive_sizes(input, output_size, nd)
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)
    in_sp = tuple(x.shape[2:])
    if all(n % o == 0 for n, o in zip(in_sp, sizes)):
        k = tuple(n // o for n, o in zip(in_sp, sizes))
        geo = _pool.Geometry(in_sp, k, k, (0,) * nd, (1,) * nd, sizes)
        res = _pool.MaxPoolNd.apply(x, geo, True)
    else:
        res = _adaptive_max_general(x, in_sp, sizes)
    if unbatched:
        res = tuple(r.squeeze(0) for r in res)
    return res if return_indices else res[0]


def _adaptive_max_general(x, in_sp, sizes):
    """Variable windows: gather each window (padded by repeating its last element)."""
    xp = x.device.xp
    nd = len(in_sp)
    data = x._data
    idx_lists = []
    for n, o in zip(in_sp, sizes):
        st, en = _smp.adaptive_windows(n, o)
        kmax = int((en - st).max())
        idx = np.minimum(st[:, None] + np.arange(kmax)[None, :], en[:, None] - 1)
        idx_lists.append(idx)
    # positions of every window element as flat indices into the plane: (*out, *kmax)
    flat = np.zeros(tuple(sizes) + tuple(i.shape[1] for i in idx_lists), dtype=np.int64)
    mult = 1
    for i in reversed(range(nd)):
        shp = [1] * (2 * nd)
        shp[i] = sizes[i]
        shp[nd + i] = idx_lists[i].shape[1]
        flat = flat + idx_lists[i].reshape(shp) * mult
        mult *= in_sp[i]
    N, C = data.shape[:2]
    planes = data.reshape(N, C, -1)
    win = planes[:, :, xp.asarray(flat.reshape(int(np.prod(sizes)), -1))]  # (N, C, O, K)
    best = win[..., 0].copy()
    arg = xp.zeros(best.shape, dtype=np.int64)
    for j in range(1, win.shape[-1]):
        v = win[..., j]
        better = (v > best) | (v != v)
        xp.copyto(best, v, where=better)
        xp.copyto(arg, j, where=better, casting="unsafe")
    flat_d = xp.asarray(flat.reshape(int(np.prod(sizes)), -1))
    pos = xp.take_along_axis(xp.broadcast_to(flat_d, win.shape), arg[..., None], -1)[..., 0]
    indices = wrap(xp.ascontiguousarray(pos), D.int64)
    vals = x.flatten(2).gather(2, indices).reshape((N, C) + tuple(sizes))
    return vals, indices.reshape((N, C) + tuple(sizes))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling to length ``output_size``.

    Example::

        >>> F.adaptive_max_pool1d(ember.tensor([[[1., 5., 2., 3.]]]), 2)
        tensor([[[5., 3.]]])
    """
    return _adaptive_max(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling to ``output_size`` (int or pair).

    Example::

        >>> F.adaptive_max_pool2d(ember.randn(1, 1, 5, 5), 2).shape
        torch.Size([1, 1, 2, 2])
    """
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D adaptive max pooling to ``output_size`` (int or triple).

    Example::

        >>> F.adaptive_max_pool3d(ember.randn(1, 1, 4, 4, 4), 2).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    return _adaptive_max(input, output_size, return_indices, 3)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    """``adaptive_max_pool1d`` returning ``(values, indices)``.

    Example::

        >>> F.adaptive_max_pool1d_with_indices(ember.tensor([[[1., 5.]]]), 1)[1]
        tensor([[[1]]])
    """
    return _adaptive_max(input, output_size, True, 1)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    """``adaptive_max_pool2d`` returning ``(values, indices)``.

    Example::

        >>> F.adaptive_max_pool2d_with_indices(ember.arange(4.).reshape(1, 1, 2, 2), 1)[1]
        tensor([[[[3]]]])
    """
    return _adaptive_max(input, output_size, True, 2)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    """``adaptive_max_pool3d`` returning ``(values, indices)``.

    Example::

        >>> F.adaptive_max_pool3d_with_indices(ember.randn(1, 1, 2, 2, 2), 1)[1].shape
        torch.Size([1, 1, 1, 1, 1])
    """
    return _adaptive_max(input, output_size, True, 3)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd):
    k = _ntuple(kernel_size, nd)
    s = k if stride is None else _ntuple(stride, nd)
    p = _ntuple(padding, nd)
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    idx = indices.unsqueeze(0) if unbatched else indices
    default = tuple((n - 1) * ss - 2 * pp + kk for n, ss, pp, kk in
                    zip(x.shape[2:], s, p, k))
    if output_size is None:
        out = default
    else:
        out = tuple(int(o) for o in tuple(output_size)[-nd:])
        for o, dflt, ss in zip(out, default, s):
            if not dflt - ss < o < dflt + ss:
                raise ValueError(f"invalid output_size \"{list(out)}\" (dim 0 must be between "
                                 f"{dflt - ss} and {dflt + ss})")
    N, C = x.shape[:2]
    total = int(np.prod(out))
    ix = idx._data   # the bounds check runs on the indices' backend; meta has no values
    if idx.numel() and not getattr(ix, "_ember_meta", False) and \
            bool(((ix.max() >= total) | (ix.min() < 0))):
        raise RuntimeError(f"Found an invalid max index: {int(idx.max())} (output volumes are of "
                           f"size {'x'.join(map(str, out))}")
    from ..functions import zeros
    base = zeros((N, C, total), dtype=x.dtype, device=x.device)
    y = base.scatter(2, idx.reshape(N, C, -1), x.reshape(N, C, -1)).reshape((N, C) + out)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool1d: put values back at ``indices``, zeros elsewhere.

    Example::

        >>> v, i = F.max_pool1d(ember.tensor([[[1., 3., 2., 4.]]]), 2, return_indices=True)
        >>> F.max_unpool1d(v, i, 2)
        tensor([[[0., 3., 0., 4.]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool2d: put values back at ``indices``, zeros elsewhere.

    Example::

        >>> v, i = F.max_pool2d(ember.randn(1, 1, 4, 4), 2, return_indices=True)
        >>> F.max_unpool2d(v, i, 2).shape
        torch.Size([1, 1, 4, 4])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool3d.

    Example::

        >>> v, i = F.max_pool3d(ember.randn(1, 1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(v, i, 2).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd):
    """``(sum over the window of x^p)^(1/p)``; p = +-inf is max pooling of +-|x|, as torch."""
    if isinstance(kernel_size, (list, tuple)) and len(kernel_size) == 1:
        kernel_size = kernel_size[0]
    k = _ntuple(kernel_size, nd)
    if isinstance(norm_type, (int, float)):
        if norm_type == 0:
            raise ValueError(f"norm_type must be a non-zero value, but got {norm_type}")
        if math.isinf(norm_type):
            pool = {1: max_pool1d, 2: max_pool2d, 3: max_pool3d}[nd]
            sign = 1 if norm_type > 0 else -1
            return pool(input.abs() * sign, k, stride, 0, 1, ceil_mode) * sign
    avg = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[nd]
    if stride is not None:
        out = avg(input.pow(norm_type), k, stride, 0, ceil_mode)
    else:
        out = avg(input.pow(norm_type), k, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * out.abs().relu()).mul(int(np.prod(k))).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """1-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        input (Tensor): (N, C, L) or (C, L).
        norm_type (float): p (non-zero; ``inf`` gives max pooling of ``|x|``).
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): step (default ``kernel_size``).
        ceil_mode (bool): ceil instead of floor for the output shape.

    Example::

        >>> F.lp_pool1d(ember.tensor([[[3., 4.]]]), 2, 2)
        tensor([[[5.]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        norm_type (float): p (non-zero; ``inf`` gives max pooling of ``|x|``).
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): step (default ``kernel_size``).
        ceil_mode (bool): ceil instead of floor for the output shape.

    Example::

        >>> F.lp_pool2d(ember.ones(1, 1, 2, 2), 2, 2)
        tensor([[[[2.]]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


# =========================================================================== normalization


def _update_running(running, new, momentum):
    """running = (1 - momentum) * running + momentum * new, in place (a buffer update)."""
    rd = running._data
    rd *= (1 - momentum)
    rd += (momentum * new).astype(rd.dtype, copy=False)
    running._version_box[0] += 1


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization over the channel dim (dim 1) of (N, C) or (N, C, *).

    In training, normalizes with the batch statistics and updates ``running_mean`` /
    ``running_var`` in place (unbiased variance); otherwise uses the running statistics.

    Args:
        input: (N, C) or (N, C, *spatial).
        running_mean, running_var: (C,) buffers or None.
        weight, bias: optional (C,) affine parameters.
        training: use batch statistics. momentum: running-average factor. eps: for stability.

    Example::

        >>> x = ember.randn(8, 3)
        >>> F.batch_norm(x, None, None, training=True).mean(0).abs().max() < 1e-5
        tensor(True)
    """
    if input.ndim < 2:
        raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")
    C = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"{name} should contain {C} elements not {t.numel()}")
    axes = (0,) + tuple(range(2, input.ndim))
    pshape = (1, C) + (1,) * (input.ndim - 2)
    if training:
        n = input.numel() // C
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        if input.dtype.np in (np.float32, np.float64):
            out, mean, var = _norm.BatchNorm.apply(input, weight, bias, eps)
        else:
            out, mean, var = _norm.Normalize.apply(input, weight, bias, axes, pshape, eps)
        if running_mean is not None or running_var is not None:
            m = 0.1 if momentum is None else momentum
            if running_mean is not None:
                _update_running(running_mean, mean._data.reshape(C), m)
            if running_var is not None:
                _update_running(running_var, _norm.unbiased(var._data.reshape(C), n), m)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    inv = (running_var + eps).rsqrt()
    scale = inv if weight is None else weight * inv
    shift = -running_mean * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(pshape) + shift.reshape(pshape)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization over the trailing ``normalized_shape`` dims.

    Args:
        input: (*, *normalized_shape).
        normalized_shape: int or tuple, the trailing shape to normalize over.
        weight, bias: optional, of shape ``normalized_shape``.
        eps: added to the variance.

    Example::

        >>> F.layer_norm(ember.tensor([[1., 2., 3.]]), (3,))
        tensor([[-1.2247,  0.0000,  1.2247]])
    """
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    ns = tuple(int(s) for s in normalized_shape)
    k = len(ns)
    if k == 0 or input.ndim < k or tuple(input.shape[-k:]) != ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"[*, {', '.join(map(str, ns))}], but got input of size"
                           f"{_shape_str(input)}")
    axes = tuple(range(input.ndim - k, input.ndim))
    pshape = (1,) * (input.ndim - k) + ns
    return _norm.Normalize.apply(input, weight, bias, axes, pshape, eps)[0]


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization: channels split into ``num_groups`` groups, each normalized.

    Args:
        input: (N, C, *).
        num_groups: groups to divide the channels into (must divide C).
        weight, bias: optional per-channel (C,) affine parameters.
        eps: added to the variance.

    Example::

        >>> F.group_norm(ember.randn(2, 4, 3), 2).shape
        torch.Size([2, 4, 3])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    N, C = input.shape[:2]
    if C % num_groups != 0:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {_shape_str(input)} and "
                           f"num_groups={num_groups}")
    x = input.reshape(N, num_groups, -1)
    y = _norm.Normalize.apply(x, None, None, (2,), (1, 1, 1), eps)[0].reshape(input.shape)
    pshape = (1, C) + (1,) * (input.ndim - 2)
    if weight is not None:
        y = y * weight.reshape(pshape)
    if bias is not None:
        y = y + bias.reshape(pshape)
    return y


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Instance normalization: each (sample, channel) plane normalized separately.

    Args:
        input: (N, C, *spatial).
        running_mean, running_var: optional (C,) buffers, updated when use_input_stats.
        weight, bias: optional (C,) affine parameters.
        use_input_stats: normalize with each instance's statistics (else the running ones).
        momentum, eps: as batch_norm.

    Example::

        >>> F.instance_norm(ember.randn(2, 3, 5)).shape
        torch.Size([2, 3, 5])
    """
    C = input.shape[1]
    pshape = (1, C) + (1,) * (input.ndim - 2)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    n = int(np.prod(input.shape[2:]))
    if n <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{input.shape}")
    out, mean, var = _norm.Normalize.apply(input, weight, bias, axes, pshape, eps)
    m = 0.1 if momentum is None else momentum
    if running_mean is not None:
        _update_running(running_mean, mean._data.reshape(input.shape[0], C).mean(0), m)
    if running_var is not None:
        uv = _norm.unbiased(var._data.reshape(input.shape[0], C), n)
        _update_running(running_var, uv.mean(0), m)
    return out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Local response normalization across channels (AlexNet).

    Args:
        input: (N, C, *).
        size: number of neighbouring channels. alpha, beta, k: the formula's constants.

    Example::

        >>> F.local_response_norm(ember.randn(1, 4, 3, 3), 2).shape
        torch.Size([1, 4, 3, 3])
    """
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# =========================================================================== resampling

_INTERP_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area",
                 "nearest-exact")


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize (N, C, *spatial) with torch's index math for every mode.

    Args:
        input: 3-D (linear), 4-D (bilinear/bicubic) or 5-D (trilinear); nearest/area any.
        size: output spatial size (int or tuple).
        scale_factor: multiplier(s) for the spatial size (exactly one of size/scale_factor).
        mode: 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' |
            'area'.
        align_corners: align the corner pixels' centres (linear modes only; default False).
        recompute_scale_factor: compute the scale from the output size instead of using
            scale_factor in the index math.
        antialias: antialiasing filter when downsampling (bilinear / bicubic).

    Example::

        >>> F.interpolate(ember.tensor([[[1., 2.]]]), scale_factor=2, mode='linear')
        tensor([[[1.0000, 1.2500, 1.7500, 2.0000]]])
    """
    if mode not in _INTERP_MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    nd = input.ndim - 2
    if nd < 1 or nd > 3:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != nd:
                raise ValueError(f"Input and output must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of "
                                 f"{list(input.shape[2:])} and output size of {list(size)}. "
                                 "Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                                 "and output size in (o1, o2, ...,oK) format.")
            out = tuple(int(s) for s in size)
        else:
            out = (int(size),) * nd
        scales = (None,) * nd
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != nd:
                raise ValueError(f"Input and scale_factor must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of "
                                 f"{list(input.shape[2:])} and scale_factor of shape "
                                 f"{list(scale_factor)}. Please provide input tensor in (N, C, "
                                 "d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) "
                                 "format.")
            scales = tuple(float(s) for s in scale_factor)
        else:
            scales = (float(scale_factor),) * nd
        out = tuple(_smp.math_floor_size(n, s) for n, s in zip(input.shape[2:], scales))
        if recompute_scale_factor:
            scales = (None,) * nd
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias and not (mode in ("bilinear", "bicubic") and nd == 2):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and "
                         "requires a 4-D tensor as input")
    need = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}.get(mode)
    if need is not None and need != nd:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{need + 2}D input")
    if mode == "area":
        return _adaptive_avg(input, out, nd)
    x = input
    if mode in ("nearest", "nearest-exact"):
        for i in range(nd):
            idx = _smp.nearest_indices(input.shape[2 + i], out[i], scales[i],
                                       mode == "nearest-exact")
            x = _smp.select_along(x, 2 + i, idx)
        return x
    dt = input.dtype.np if input.dtype.is_floating_point else np.dtype(np.float32)
    for i in reversed(range(nd)):
        n = input.shape[2 + i]
        if antialias:
            m = _smp.aa_matrix(n, out[i], align_corners, scales[i], dt, mode == "bicubic")
        elif mode == "bicubic":
            m = _smp.cubic_matrix(n, out[i], align_corners, scales[i], dt)
        else:
            if n == out[i] and not align_corners and scales[i] is None:
                continue
            m = _smp.linear_matrix(n, out[i], align_corners, scales[i], dt)
        x = _smp.apply_along(x, 2 + i, m)
    return x


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`.

    Example::

        >>> F.upsample(ember.ones(1, 1, 2, 2), scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='nearest')``.

    Example::

        >>> F.upsample_nearest(ember.ones(1, 1, 2, 2), scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``.

    Example::

        >>> F.upsample_bilinear(ember.ones(1, 1, 2, 2), scale_factor=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input, upscale_factor):
    """Rearrange (*, C*r^2, H, W) into (*, C, H*r, W*r).

    Example::

        >>> F.pixel_shuffle(ember.randn(1, 8, 3, 3), 2).shape
        torch.Size([1, 2, 6, 6])
    """
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.ndim} dimension(s)")
    c, h, w = input.shape[-3:]
    if c % (r * r) != 0:
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    lead = tuple(input.shape[:-3])
    oc = c // (r * r)
    x = input.reshape(lead + (oc, r, r, h, w))
    n = len(lead)
    x = x.permute(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return x.reshape(lead + (oc, h * r, w * r))


def pixel_unshuffle(input, downscale_factor):
    """Rearrange (*, C, H*r, W*r) into (*, C*r^2, H, W) (inverse of pixel_shuffle).

    Example::

        >>> F.pixel_unshuffle(ember.randn(1, 2, 6, 6), 2).shape
        torch.Size([1, 8, 3, 3])
    """
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    c, h, w = input.shape[-3:]
    if h % r != 0:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r != 0:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    lead = tuple(input.shape[:-3])
    n = len(lead)
    x = input.reshape(lead + (c, h // r, r, w // r, r))
    x = x.permute(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return x.reshape(lead + (c * r * r, h // r, w // r))


def channel_shuffle(input, groups):
    """Shuffle channels: (N, g*k, *) viewed as (N, g, k, *), transposed to (N, k, g, *).

    Example::

        >>> F.channel_shuffle(ember.arange(4.).reshape(1, 4, 1, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.ndim} dimension(s)")
    g = int(groups)
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{g}")
    N, C = input.shape[:2]
    if C % g != 0:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {C} channels "
                           f"and {g} groups.")
    rest = tuple(input.shape[2:])
    return input.reshape((N, g, C // g) + rest).transpose(1, 2).reshape((N, C) + rest)


native_channel_shuffle = channel_shuffle


def _pad_index(n, lo, hi, mode, dim, shape, pads_pair):
    # negative amounts crop first; positive ones then pad the cropped extent (as torch does)
    base = np.arange(max(-lo, 0), n - max(-hi, 0))
    m = len(base)
    lo, hi = max(lo, 0), max(hi, 0)
    j = np.arange(-lo, m + hi)
    if mode == "reflect":
        if lo >= n or hi >= n:
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({pads_pair[0]}, "
                               f"{pads_pair[1]}) at dimension {dim} of input "
                               f"[{', '.join(map(str, shape))}]")
        j = np.abs(j)
        j = np.where(j >= m, 2 * (m - 1) - j, j)
    elif mode == "replicate":
        j = np.clip(j, 0, m - 1)
    else:
        if lo > n or hi > n:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        j = j % m
    return base[j]


def pad(input, pad, mode="constant", value=None):
    """Pad (or crop, with negative amounts) the trailing dims of a tensor.

    Args:
        input: the tensor.
        pad: ``(left, right)`` for the last dim, then ``(top, bottom)`` for the one before, ...
        mode: 'constant' (any dims) | 'reflect' | 'replicate' | 'circular' (last 1-3 dims of a
            batched or unbatched input).
        value: fill value for 'constant' (default 0).

    Example::

        >>> F.pad(ember.tensor([[1., 2.]]), (1, 1), mode='replicate')
        tensor([[1., 1., 2., 2.]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    k = len(pad) // 2
    if k > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.ndim}")
    if mode == "constant":
        pairs = [(0, 0)] * (input.ndim - k) + [(pad[2 * i], pad[2 * i + 1])
                                               for i in reversed(range(k))]
        for i, ((lo, hi), n) in enumerate(zip(pairs, input.shape)):
            if n + lo + hi < 0:
                raise RuntimeError(f"The input size {n}, plus negative padding {lo} and {hi} "
                                   f"resulted in a negative output size, which is invalid. Check "
                                   f"dimension {i} of your input.")
        return input._pad_constant(pairs, 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument.')
    if not (k in (1, 2, 3) and input.ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    x = input
    for i in range(k):
        dim = input.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        if lo == 0 and hi == 0:
            continue
        idx = _pad_index(input.shape[dim], lo, hi, mode, dim, input.shape, (lo, hi))
        x = _smp.select_along(x, dim, idx) if len(idx) else x.narrow(dim, 0, 0)
    return x


def _pair(v):
    return _ntuple(v, 2)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks (im2col): (N, C, H, W) -> (N, C*kh*kw, L).

    Args:
        kernel_size, dilation, padding, stride: int or pair.

    Example::

        >>> F.unfold(ember.randn(1, 2, 4, 4), 2).shape
        torch.Size([1, 8, 9])
    """
    if input.ndim not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got "
                                  f"{input.ndim}D)")
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    k, d, p, s = _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride)
    out = _conv.Im2Col.apply(x, k, d, p, s)
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding local blocks into a tensor (col2im), summing overlaps.

    Args:
        input: (N, C*kh*kw, L) or (C*kh*kw, L).
        output_size: spatial (H, W) of the result.
        kernel_size, dilation, padding, stride: int or pair.

    Example::

        >>> F.fold(ember.ones(1, 4, 9), (4, 4), 2).shape
        torch.Size([1, 1, 4, 4])
    """
    if input.ndim not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input "
                                  f"Tensors are supported (got {input.ndim}D)")
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    o, k, d, p, s = _pair(output_size), _pair(kernel_size), _pair(dilation), _pair(padding), \
        _pair(stride)
    kk = k[0] * k[1]
    if x.shape[1] % kk != 0:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size=({k[0]}, {k[1]})")
    L = 1
    for n, kk_, dd, pp, ss in zip(o, k, d, p, s):
        L *= _conv.conv_out_size(n, kk_, ss, pp, pp, dd)
    if x.shape[2] != L:
        raise RuntimeError(f"Given output_size=({o[0]}, {o[1]}), kernel_size=({k[0]}, {k[1]}), "
                           f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), "
                           f"stride=({s[0]}, {s[1]}), expected size of input's dimension 2 to "
                           f"match the calculated number of sliding blocks "
                           f"{_conv.conv_out_size(o[0], k[0], s[0], p[0], p[0], d[0])} * "
                           f"{_conv.conv_out_size(o[1], k[1], s[1], p[1], p[1], d[1])} = {L}, "
                           f"but got input.size(2)={x.shape[2]}.")
    out = _conv.Col2Im.apply(x, o, k, d, p, s)
    return out.squeeze(0) if unbatched else out


_ALIGN_CORNERS_WARNING = ("Default grid_sample and affine_grid behavior has changed to "
                          "align_corners=False since 1.3.0. Please specify align_corners=True "
                          "if the old behavior is desired. See the documentation of grid_sample "
                          "for details.")


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample ``input`` at the normalized (x, y) locations of ``grid``.

    Args:
        input: (N, C, H_in, W_in).
        grid: (N, H_out, W_out, 2), coordinates in [-1, 1] (x indexes width, y height).
        mode: 'bilinear' | 'nearest'.
        padding_mode: 'zeros' | 'border' | 'reflection' for locations outside the input.
        align_corners: -1/1 are the corner pixels' centres (True) or edges (False, default).

    Example::

        >>> x = ember.arange(4.).reshape(1, 1, 2, 2)
        >>> F.grid_sample(x, ember.zeros(1, 1, 1, 2), align_corners=True)
        tensor([[[[1.5000]]]])
    """
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' (bicubic is not available in ember), but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if input.ndim != 4:
        raise RuntimeError(f"grid_sampler(): expected 4D input (5-D volumetric sampling is not "
                           f"available in ember) but got input with sizes {_shape_str(input)}")
    if grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid to have size 2 in last dimension and "
                           f"the same batch size as input, but got grid with sizes "
                           f"{_shape_str(grid)}")
    if input.dtype is not grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but "
                           f"input has {input.dtype} and grid has {grid.dtype}")
    if align_corners is None:
        warnings.warn(_ALIGN_CORNERS_WARNING, stacklevel=2)
    align_corners = bool(align_corners)
    N, C, H, W = input.shape
    Ho, Wo = grid.shape[1:3]
    ix = _smp.grid_coords(grid[..., 0], W, padding_mode, align_corners)
    iy = _smp.grid_coords(grid[..., 1], H, padding_mode, align_corners)
    flat = input.reshape(N, C, H * W)

    def tap(xi, yi):
        """Values at integer (detached) coords xi, yi with zero outside: (N, C, Ho, Wo)."""
        xd, yd = xi._data, yi._data
        valid = (xd >= 0) & (xd <= W - 1) & (yd >= 0) & (yd <= H - 1)
        xc = xd.clip(0, W - 1)
        yc = yd.clip(0, H - 1)
        lin = (yc * W + xc).astype(np.int64).reshape(N, 1, Ho * Wo)
        xp = input.device.xp
        idx = wrap(xp.ascontiguousarray(xp.broadcast_to(lin, (N, C, Ho * Wo))), D.int64)
        vals = flat.gather(2, idx).reshape(N, C, Ho, Wo)
        return vals, wrap(valid.astype(input.dtype.np), input.dtype).unsqueeze(1)

    if mode == "nearest":
        with no_grad():
            xn, yn = ix.round(), iy.round()
        v, m = tap(xn, yn)
        return v * m
    with no_grad():
        x0, y0 = ix.floor(), iy.floor()
        x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = ix - x0, iy - y0
    wx0, wy0 = x1 - ix, y1 - iy
    out = None
    for xi, yi, w in ((x0, y0, wx0 * wy0), (x1, y0, wx1 * wy0), (x0, y1, wx0 * wy1),
                      (x1, y1, wx1 * wy1)):
        v, m = tap(xi, yi)
        term = v * (w.unsqueeze(1) * m)
        out = term if out is None else out + term
    return out


def _linspace_from_neg_one(n, align_corners, like):
    from ..functions import linspace, tensor
    if n <= 1:
        return tensor([0.0], dtype=like.dtype, device=like.device)
    r = linspace(-1, 1, n, dtype=like.dtype, device=like.device)
    if not align_corners:
        r = r * ((n - 1) / n)
    return r


def affine_grid(theta, size, align_corners=None):
    """Sampling grid for ``grid_sample`` from a batch of affine matrices.

    Args:
        theta: (N, 2, 3) for 2-D, (N, 3, 4) for 3-D.
        size: the target output size (N, C, H, W) or (N, C, D, H, W).
        align_corners: as grid_sample (default False).

    Example::

        >>> theta = ember.tensor([[[1., 0., 0.], [0., 1., 0.]]])
        >>> F.affine_grid(theta, (1, 1, 2, 2), align_corners=False)[0, 0, 0]
        tensor([-0.5000, -0.5000])
    """
    from ..functions import ones, stack, meshgrid
    if align_corners is None:
        warnings.warn(_ALIGN_CORNERS_WARNING, stacklevel=2)
    align_corners = bool(align_corners)
    if not theta.dtype.is_floating_point:
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
        N, _, H, W = size
        xs = _linspace_from_neg_one(W, align_corners, theta)
        ys = _linspace_from_neg_one(H, align_corners, theta)
        gy, gx = meshgrid(ys, xs, indexing="ij")
        base = stack([gx, gy, ones(H, W, dtype=theta.dtype, device=theta.device)], -1)
        grid = base.reshape(1, H * W, 3).matmul(theta.transpose(1, 2))
        return grid.reshape(N, H, W, 2)
    if len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
        N, _, Dd, H, W = size
        xs = _linspace_from_neg_one(W, align_corners, theta)
        ys = _linspace_from_neg_one(H, align_corners, theta)
        zs = _linspace_from_neg_one(Dd, align_corners, theta)
        gz, gy, gx = meshgrid(zs, ys, xs, indexing="ij")
        base = stack([gx, gy, gz, ones(Dd, H, W, dtype=theta.dtype, device=theta.device)], -1)
        grid = base.reshape(1, Dd * H * W, 4).matmul(theta.transpose(1, 2))
        return grid.reshape(N, Dd, H, W, 3)
    raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
                              f"transforms, respectively. Got size {size}.")

