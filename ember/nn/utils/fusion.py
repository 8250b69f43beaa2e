"""``nn.utils.fusion``: fold an eval-mode BatchNorm into the preceding conv / linear layer.

In eval mode ``bn(conv(x)) = conv'(x)`` with ``W' = W * gamma / sqrt(var + eps)`` (per output
channel) and ``b' = (b - mean) * gamma / sqrt(var + eps) + beta``.
"""
import copy

from ... import functions as _F
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
           "fuse_linear_bn_weights"]


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A new convolution equal to ``bn(conv(x))`` for modules in eval mode.

    ``conv`` is deep-copied; its weight and bias are replaced by the fused ones.

    Args:
        conv (nn.modules.conv._ConvNd): a convolution in eval mode.
        bn (nn.modules.batchnorm._BatchNorm): a BatchNorm in eval mode with running stats.
        transpose (bool, optional): ``conv`` is a transposed convolution (its output
            channels are weight dim 1). Default: ``False``.

    Returns:
        the fused convolution (same type as ``conv``).

    Raises:
        AssertionError: if either module is in training mode or ``bn`` tracks no running
            statistics.

    Example::

        >>> conv = ember.nn.Conv2d(3, 4, 3).eval()
        >>> bn = ember.nn.BatchNorm2d(4).eval()
        >>> fused = ember.nn.utils.fuse_conv_bn_eval(conv, bn)
        >>> x = ember.randn(1, 3, 5, 5)
        >>> ember.allclose(fused(x), bn(conv(x)), atol=1e-5)
        True
    """
    if conv.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused_conv = copy.deepcopy(conv)
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")
    fused_conv.weight, fused_conv.bias = fuse_conv_bn_weights(
        fused_conv.weight, fused_conv.bias, bn.running_mean, bn.running_var, bn.eps,
        bn.weight, bn.bias, transpose)
    return fused_conv


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The fused ``(weight, bias)`` Parameters of a convolution followed by a BatchNorm.

    Args:
        conv_w (Tensor): convolution weight.
        conv_b (Tensor or None): convolution bias (zeros when None).
        bn_rm (Tensor): BatchNorm running mean.
        bn_rv (Tensor): BatchNorm running variance.
        bn_eps (float): BatchNorm epsilon.
        bn_w (Tensor or None): BatchNorm weight (ones when None).
        bn_b (Tensor or None): BatchNorm bias (zeros when None).
        transpose (bool, optional): transposed convolution (output channels on dim 1).
            Default: ``False``.

    Returns:
        tuple[Parameter, Parameter]: the fused weight and bias, in the dtypes of ``conv_w``
        and ``conv_b``; each requires grad as its conv counterpart.

    Example::

        >>> w, b = ember.nn.utils.fuse_conv_bn_weights(
        ...     ember.ones(2, 1, 1, 1), None, ember.zeros(2), ember.ones(2), 0.0,
        ...     ember.tensor([2.0, 3.0]), None)
        >>> w.flatten(), b.requires_grad
        (tensor([2., 3.]), False)
    """
    conv_weight_dtype = conv_w.dtype
    conv_bias_dtype = conv_b.dtype if conv_b is not None else conv_weight_dtype
    if conv_b is None:
        conv_b = _F.zeros_like(bn_rm)
    if bn_w is None:
        bn_w = _F.ones_like(bn_rm)
    if bn_b is None:
        bn_b = _F.zeros_like(bn_rm)
    bn_var_rsqrt = _F.rsqrt(bn_rv + bn_eps)
    # the per-channel scale broadcasts along the output-channel dim of the weight
    if transpose:
        shape = [1, -1] + [1] * (len(conv_w.shape) - 2)
    else:
        shape = [-1, 1] + [1] * (len(conv_w.shape) - 2)
    fused_conv_w = (conv_w * (bn_w * bn_var_rsqrt).reshape(shape)).to(dtype=conv_weight_dtype)
    fused_conv_b = ((conv_b - bn_rm) * bn_var_rsqrt * bn_w + bn_b).to(dtype=conv_bias_dtype)
    return (Parameter(fused_conv_w, conv_w.requires_grad),
            Parameter(fused_conv_b, conv_b.requires_grad))


def fuse_linear_bn_eval(linear, bn):
    """A new Linear equal to ``bn(linear(x))`` for modules in eval mode.

    ``linear`` is deep-copied; its weight and bias are replaced by the fused ones.

    Args:
        linear (nn.Linear): a Linear module in eval mode.
        bn (nn.modules.batchnorm._BatchNorm): a BatchNorm in eval mode with running stats,
            with ``num_features`` equal to ``linear.out_features`` (or 1).

    Returns:
        nn.Linear: the fused module.

    Raises:
        AssertionError: if either module is in training mode, the feature counts do not
            match, or ``bn`` tracks no running statistics.

    Example::

        >>> lin = ember.nn.Linear(3, 4).eval()
        >>> bn = ember.nn.BatchNorm1d(4).eval()
        >>> fused = ember.nn.utils.fuse_linear_bn_eval(lin, bn)
        >>> x = ember.randn(2, 3)
        >>> ember.allclose(fused(x), bn(lin(x)), atol=1e-5)
        True
    """
    if linear.training or bn.training:
        raise AssertionError("Fusion only for eval!")
    fused_linear = copy.deepcopy(linear)
    # the BatchNorm must act on the linear's output features (or broadcast one feature)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(
            "To fuse, linear.out_features == bn.num_features or bn.num_features == 1, got "
            f"linear.out_features={linear.out_features} and bn.num_features={bn.num_features}")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError("bn.running_mean and bn.running_var must not be None")
    fused_linear.weight, fused_linear.bias = fuse_linear_bn_weights(
        fused_linear.weight, fused_linear.bias, bn.running_mean, bn.running_var, bn.eps,
        bn.weight, bn.bias)
    return fused_linear


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The fused ``(weight, bias)`` Parameters of a Linear followed by a BatchNorm.

    Args:
        linear_w (Tensor): Linear weight.
        linear_b (Tensor or None): Linear bias (zeros when None).
        bn_rm (Tensor): BatchNorm running mean.
        bn_rv (Tensor): BatchNorm running variance.
        bn_eps (float): BatchNorm epsilon.
        bn_w (Tensor): BatchNorm weight.
        bn_b (Tensor): BatchNorm bias.

    Returns:
        tuple[Parameter, Parameter]: the fused weight and bias.

    Example::

        >>> w, b = ember.nn.utils.fuse_linear_bn_weights(
        ...     ember.ones(2, 3), ember.zeros(2), ember.zeros(2), ember.ones(2), 0.0,
        ...     ember.tensor([2.0, 3.0]), ember.tensor([1.0, 1.0]))
        >>> w[:, 0], b.detach()
        (tensor([2., 3.]), tensor([1., 1.]))
    """
    linear_weight_dtype = linear_w.dtype
    linear_bias_dtype = linear_b.dtype if linear_b is not None else linear_weight_dtype
    if linear_b is None:
        linear_b = _F.zeros_like(bn_rm)
    bn_scale = bn_w * _F.rsqrt(bn_rv + bn_eps)
    fused_w = linear_w * bn_scale.unsqueeze(-1).to(dtype=linear_weight_dtype)
    fused_b = ((linear_b - bn_rm) * bn_scale + bn_b).to(dtype=linear_bias_dtype)
    return (Parameter(fused_w, linear_w.requires_grad),
            Parameter(fused_b, linear_b.requires_grad))
