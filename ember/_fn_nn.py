"""The neural-network functions torch also exposes at the top level (``torch.conv2d``,
``torch.dropout(input, p, train)``, ``torch.layer_norm`` ...), with torch's top-level
signatures (which differ from ``nn.functional``'s in places: ``train`` is positional,
losses take ``reduction`` as an int: 0 none, 1 mean, 2 sum). Each calls ``nn.functional``.
"""
from ._tensor import Tensor

__all__ = [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "avg_pool1d", "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "dropout", "dropout_", "alpha_dropout",
    "alpha_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "feature_dropout",
    "feature_dropout_", "embedding", "layer_norm", "group_norm", "instance_norm", "batch_norm",
    "bilinear", "celu", "celu_", "selu", "selu_", "rrelu", "rrelu_", "threshold", "threshold_",
    "hardshrink", "prelu", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
    "native_channel_shuffle", "kl_div", "margin_ranking_loss", "hinge_embedding_loss",
    "cosine_embedding_loss", "triplet_margin_loss", "poisson_nll_loss",
    "binary_cross_entropy_with_logits", "constant_pad_nd",
]


def _F():
    from .nn import functional
    return functional


_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(r):
    if isinstance(r, str):
        if r not in ("none", "mean", "sum"):
            raise ValueError(f"{r} is not a valid value for reduction")
        return r
    if r not in _REDUCTIONS:
        raise RuntimeError(f"reduction must be 0 (none), 1 (mean) or 2 (sum), got {r}")
    return _REDUCTIONS[r]


# ---------------------------------------------------------------- convolution and pooling


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (``nn.functional.conv1d``).

    Args:
        input (Tensor): ``(N, C_in, L)`` or ``(C_in, L)``.
        weight (Tensor): ``(C_out, C_in / groups, k)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int): Default: 1.
        padding (int or str): an int, ``'valid'`` or ``'same'``. Default: 0.
        dilation (int): Default: 1.
        groups (int): Default: 1.

    Example::

        >>> ember.conv1d(ember.ones(1, 1, 5), ember.ones(1, 1, 3))
        tensor([[[3., 3., 3.]]])
    """
    return _F().conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (``nn.functional.conv2d``).

    Args:
        input (Tensor): ``(N, C_in, H, W)`` or ``(C_in, H, W)``.
        weight (Tensor): ``(C_out, C_in / groups, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int or tuple): Default: 1.
        padding (int, tuple or str): ints, ``'valid'`` or ``'same'``. Default: 0.
        dilation (int or tuple): Default: 1.
        groups (int): Default: 1.

    Example::

        >>> ember.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 2, 2])
    """
    return _F().conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution (``nn.functional.conv3d``).

    Args:
        input (Tensor): ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``.
        weight (Tensor): ``(C_out, C_in / groups, kD, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int or tuple): Default: 1.
        padding (int, tuple or str): ints, ``'valid'`` or ``'same'``. Default: 0.
        dilation (int or tuple): Default: 1.
        groups (int): Default: 1.

    Example::

        >>> ember.conv3d(ember.ones(1, 1, 2, 2, 2), ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """
    return _F().conv3d(input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution (``nn.functional.conv_transpose1d``).

    Args:
        input (Tensor): ``(N, C_in, L)``.
        weight (Tensor): ``(C_in, C_out / groups, k)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int): Default: 1.
        padding (int): Default: 0.
        output_padding (int): extra size on one side of the output. Default: 0.
        groups (int): Default: 1.
        dilation (int): Default: 1.

    Example::

        >>> ember.conv_transpose1d(ember.ones(1, 1, 2), ember.ones(1, 1, 2))
        tensor([[[1., 2., 1.]]])
    """
    return _F().conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups,
                                 dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution (``nn.functional.conv_transpose2d``).

    Args:
        input (Tensor): ``(N, C_in, H, W)``.
        weight (Tensor): ``(C_in, C_out / groups, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int or tuple): Default: 1.
        padding (int or tuple): Default: 0.
        output_padding (int or tuple): Default: 0.
        groups (int): Default: 1.
        dilation (int or tuple): Default: 1.

    Example::

        >>> ember.conv_transpose2d(ember.ones(1, 1, 2, 2), ember.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 3, 3])
    """
    return _F().conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups,
                                 dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-D transposed convolution (``nn.functional.conv_transpose3d``).

    Args:
        input (Tensor): ``(N, C_in, D, H, W)``.
        weight (Tensor): ``(C_in, C_out / groups, kD, kH, kW)``.
        bias (Tensor, optional): ``(C_out,)``.
        stride (int or tuple): Default: 1.
        padding (int or tuple): Default: 0.
        output_padding (int or tuple): Default: 0.
        groups (int): Default: 1.
        dilation (int or tuple): Default: 1.

    Example::

        >>> ember.conv_transpose3d(ember.ones(1, 1, 1, 1, 1), ember.ones(1, 1, 2, 2, 2)).shape
        torch.Size([1, 1, 2, 2, 2])
    """
    return _F().conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups,
                                 dilation)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-D average pooling (``nn.functional.avg_pool1d``).

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int): the window.
        stride (int, optional): Default: ``kernel_size``.
        padding (int): zero padding on both sides. Default: 0.
        ceil_mode (bool): round the output size up. Default: ``False``.
        count_include_pad (bool): count padding in the divisor. Default: ``True``.

    Example::

        >>> ember.avg_pool1d(ember.tensor([[[1.0, 3.0, 5.0, 7.0]]]), 2)
        tensor([[[2., 6.]]])
    """
    return _F().avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)


def _pool_stride(stride):
    return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else stride


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """1-D max pooling (``nn.functional.max_pool1d``), values only.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int): the window.
        stride (int, optional): Default: ``kernel_size``.
        padding (int): -inf padding on both sides. Default: 0.
        dilation (int): Default: 1.
        ceil_mode (bool): round the output size up. Default: ``False``.

    Example::

        >>> ember.max_pool1d(ember.tensor([[[1.0, 3.0, 5.0, 2.0]]]), 2)
        tensor([[[3., 5.]]])
    """
    return _F().max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation,
                           ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """2-D max pooling (``nn.functional.max_pool2d``), values only.

    Args:
        input (Tensor): ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        padding (int or tuple): Default: 0.
        dilation (int or tuple): Default: 1.
        ceil_mode (bool): Default: ``False``.

    Example::

        >>> ember.max_pool2d(ember.arange(16.0).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _F().max_pool2d(input, kernel_size, _pool_stride(stride), padding, dilation,
                           ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """3-D max pooling (``nn.functional.max_pool3d``), values only.

    Args:
        input (Tensor): ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size (int or tuple): the window.
        stride (int or tuple, optional): Default: ``kernel_size``.
        padding (int or tuple): Default: 0.
        dilation (int or tuple): Default: 1.
        ceil_mode (bool): Default: ``False``.

    Example::

        >>> ember.max_pool3d(ember.arange(8.0).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[7.]]]]])
    """
    return _F().max_pool3d(input, kernel_size, _pool_stride(stride), padding, dilation,
                           ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    """1-D max pooling returning ``(values, indices)``.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        kernel_size (int): the window.
        stride (int, optional): Default: ``kernel_size``.
        padding (int): Default: 0.
        dilation (int): Default: 1.
        ceil_mode (bool): Default: ``False``.

    Example::

        >>> ember.max_pool1d_with_indices(ember.tensor([[[1.0, 3.0, 5.0, 2.0]]]), 2)[1]
        tensor([[[1, 2]]])
    """
    return _F().max_pool1d(input, kernel_size, _pool_stride(stride), padding, dilation,
                           ceil_mode, return_indices=True)


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling to ``output_size`` (``nn.functional.adaptive_avg_pool1d``).

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        output_size (int): the output length.

    Example::

        >>> ember.adaptive_avg_pool1d(ember.tensor([[[1.0, 3.0, 5.0, 7.0]]]), 1)
        tensor([[[4.]]])
    """
    return _F().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    """1-D adaptive max pooling, returning ``(values, indices)`` as torch's top-level function does.

    Args:
        input (Tensor): ``(N, C, L)`` or ``(C, L)``.
        output_size (int): the output length.

    Example::

        >>> ember.adaptive_max_pool1d(ember.tensor([[[1.0, 3.0, 5.0, 2.0]]]), 1)
        (tensor([[[5.]]]), tensor([[[2]]]))
    """
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


# ---------------------------------------------------------------- dropout


def dropout(input, p, train):
    """Dropout (``nn.functional.dropout(input, p, training=train)``): zero elements with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Args:
        input (Tensor): the input.
        p (float): the drop probability.
        train (bool): apply dropout (True) or return ``input`` unchanged (False).

    Example::

        >>> ember.dropout(ember.ones(3), 0.5, False)
        tensor([1., 1., 1.])
    """
    return _F().dropout(input, p, train)


def dropout_(input, p, train):
    """In-place :func:`dropout`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        p (float): the drop probability.
        train (bool): apply dropout.

    Example::

        >>> ember.dropout_(ember.ones(2), 0.0, True)
        tensor([1., 1.])
    """
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    """Alpha dropout (keeps SELU's mean and variance; ``nn.functional.alpha_dropout``).

    Args:
        input (Tensor): the input.
        p (float): the drop probability.
        train (bool): apply it (True) or return ``input`` (False).

    Example::

        >>> ember.alpha_dropout(ember.ones(2), 0.5, False)
        tensor([1., 1.])
    """
    return _F().alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    """In-place :func:`alpha_dropout`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        p (float): the drop probability.
        train (bool): apply it.

    Example::

        >>> ember.alpha_dropout_(ember.ones(2), 0.5, False)
        tensor([1., 1.])
    """
    return _F().alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input, p, train):
    """Alpha dropout of whole channels (``nn.functional.feature_alpha_dropout``).

    Args:
        input (Tensor): ``(N, C, ...)``.
        p (float): the drop probability.
        train (bool): apply it (True) or return ``input`` (False).

    Example::

        >>> ember.feature_alpha_dropout(ember.ones(1, 2, 2), 0.5, False).shape
        torch.Size([1, 2, 2])
    """
    return _F().feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    """In-place :func:`feature_alpha_dropout`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        p (float): the drop probability.
        train (bool): apply it.

    Example::

        >>> ember.feature_alpha_dropout_(ember.ones(1, 2, 2), 0.5, False).shape
        torch.Size([1, 2, 2])
    """
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    """Dropout of whole channels (``nn.functional.dropout2d``-style on ``(N, C, ...)``).

    Args:
        input (Tensor): ``(N, C, ...)``, at least 2-D.
        p (float): the drop probability.
        train (bool): apply it (True) or return ``input`` (False).

    Example::

        >>> ember.feature_dropout(ember.ones(1, 2, 3), 0.5, False).shape
        torch.Size([1, 2, 3])
    """
    if not train or p == 0:
        return input
    F = _F()
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    mask_shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    from .functions import ones
    keep = F.dropout(ones(mask_shape, dtype=input.dtype, device=input.device), p, True)
    return input * keep


def feature_dropout_(input, p, train):
    """In-place :func:`feature_dropout`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        p (float): the drop probability.
        train (bool): apply it.

    Example::

        >>> ember.feature_dropout_(ember.ones(1, 2, 3), 0.5, False).shape
        torch.Size([1, 2, 3])
    """
    out = feature_dropout(input, p, train)
    return input if out is input else input.copy_(out)


# ---------------------------------------------------------------- embedding and norms


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """Look up rows of ``weight`` (note torch's top-level argument order: weight first).

    Args:
        weight (Tensor): ``(num_embeddings, dim)``.
        indices (Tensor): int64 row indices.
        padding_idx (int): a row that gets no gradient; -1 for none. Default: -1.
        scale_grad_by_freq (bool): scale gradients by inverse frequency. Default: ``False``.
        sparse (bool): accepted for torch compatibility (dense gradients). Default: ``False``.

    Example::

        >>> ember.embedding(ember.eye(3), ember.tensor([2, 0]))
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    pi = None if padding_idx is None or padding_idx == -1 else padding_idx
    return _F().embedding(indices, weight, pi, None, 2.0, scale_grad_by_freq, sparse)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    """Layer normalisation over the last dimensions (``nn.functional.layer_norm``).

    Args:
        input (Tensor): the input.
        normalized_shape (list of int): the trailing shape to normalise over.
        weight (Tensor, optional): the scale. Default: none.
        bias (Tensor, optional): the shift. Default: none.
        eps (float): added to the variance. Default: 1e-5.
        cudnn_enable (bool): accepted for torch compatibility. Default: ``True``.

    Example::

        >>> ember.layer_norm(ember.tensor([[1.0, 3.0]]), [2])
        tensor([[-1.0000,  1.0000]])
    """
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    """Group normalisation (``nn.functional.group_norm``).

    Args:
        input (Tensor): ``(N, C, ...)``.
        num_groups (int): groups of channels (must divide C).
        weight (Tensor, optional): per-channel scale.
        bias (Tensor, optional): per-channel shift.
        eps (float): added to the variance. Default: 1e-5.
        cudnn_enabled (bool): accepted for torch compatibility. Default: ``True``.

    Example::

        >>> ember.group_norm(ember.tensor([[[1.0], [3.0]]]), 1).flatten()
        tensor([-1.0000,  1.0000])
    """
    return _F().group_norm(input, num_groups, weight, bias, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    """Instance normalisation (``nn.functional.instance_norm``; all arguments positional as in torch).

    Args:
        input (Tensor): ``(N, C, ...)``.
        weight (Tensor or None): per-channel scale.
        bias (Tensor or None): per-channel shift.
        running_mean (Tensor or None): running mean to update / use.
        running_var (Tensor or None): running variance to update / use.
        use_input_stats (bool): normalise with the instance statistics.
        momentum (float): the running-statistics momentum.
        eps (float): added to the variance.
        cudnn_enabled (bool): accepted for torch compatibility.

    Example::

        >>> ember.instance_norm(ember.tensor([[[1.0, 3.0]]]), None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.0000,  1.0000]]])
    """
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                              momentum, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    """Batch normalisation (``nn.functional.batch_norm``; torch's top-level argument order).

    Args:
        input (Tensor): ``(N, C, ...)``.
        weight (Tensor or None): per-channel scale.
        bias (Tensor or None): per-channel shift.
        running_mean (Tensor or None): running mean.
        running_var (Tensor or None): running variance.
        training (bool): use batch statistics (and update the running ones).
        momentum (float): the running-statistics momentum.
        eps (float): added to the variance.
        cudnn_enabled (bool): accepted for torch compatibility.

    Example::

        >>> ember.batch_norm(ember.tensor([[1.0], [3.0]]), None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[-1.0000],
                [ 1.0000]])
    """
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)


def bilinear(input1, input2, weight, bias=None):
    """The bilinear form ``x1^T W x2 + b`` (``nn.functional.bilinear``).

    Args:
        input1 (Tensor): ``(..., in1)``.
        input2 (Tensor): ``(..., in2)``.
        weight (Tensor): ``(out, in1, in2)``.
        bias (Tensor, optional): ``(out,)``.

    Example::

        >>> ember.bilinear(ember.ones(1, 2), ember.ones(1, 3), ember.ones(4, 2, 3)).shape
        torch.Size([1, 4])
    """
    return _F().bilinear(input1, input2, weight, bias)


# ---------------------------------------------------------------- activations


def celu(input, alpha=1.0):
    """CELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Args:
        input (Tensor): the input.
        alpha (float): Default: 1.0.

    Example::

        >>> ember.celu(ember.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return _F().celu(input, alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        alpha (float): Default: 1.0.

    Example::

        >>> ember.celu_(ember.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return _F().celu_(input, alpha)


def selu(input):
    """SELU: ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))`` with torch's constants.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.selu(ember.tensor([1.0]))
        tensor([1.0507])
    """
    return _F().selu(input)


def selu_(input):
    """In-place :func:`selu`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.

    Example::

        >>> ember.selu_(ember.tensor([1.0]))
        tensor([1.0507])
    """
    return _F().selu_(input)


def rrelu(input, lower=0.125, upper=1.0 / 3, training=False):
    """Randomised leaky ReLU (negative slope drawn from ``[lower, upper]`` in training, their mean otherwise).

    Args:
        input (Tensor): the input.
        lower (float): Default: 1/8.
        upper (float): Default: 1/3.
        training (bool): draw random slopes. Default: ``False``.

    Example::

        >>> ember.rrelu(ember.tensor([-1.0, 2.0]))
        tensor([-0.2292,  2.0000])
    """
    return _F().rrelu(input, lower, upper, training)


def rrelu_(input, lower=0.125, upper=1.0 / 3, training=False):
    """In-place :func:`rrelu`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        lower (float): Default: 1/8.
        upper (float): Default: 1/3.
        training (bool): draw random slopes. Default: ``False``.

    Example::

        >>> ember.rrelu_(ember.tensor([-1.0, 2.0]))
        tensor([-0.2292,  2.0000])
    """
    return _F().rrelu_(input, lower, upper, training)


def threshold(input, threshold, value):
    """``x`` where ``x > threshold``, else ``value``.

    Args:
        input (Tensor): the input.
        threshold (float): the threshold.
        value (float): the replacement.

    Example::

        >>> ember.threshold(ember.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return _F().threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place :func:`threshold`; returns ``input``.

    Args:
        input (Tensor): the tensor to overwrite.
        threshold (float): the threshold.
        value (float): the replacement.

    Example::

        >>> ember.threshold_(ember.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return _F().threshold_(input, threshold, value)


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0 (also ``Tensor.hardshrink``).

    Args:
        input (Tensor): the input.
        lambd (float): Default: 0.5.

    Example::

        >>> ember.hardshrink(ember.tensor([0.2, -1.0]))
        tensor([ 0., -1.])
    """
    return _F().hardshrink(input, lambd)


def prelu(input, weight):
    """PReLU: ``max(0, x) + weight * min(0, x)`` with a learnable per-channel ``weight``.

    Args:
        input (Tensor): ``(N, C, ...)``.
        weight (Tensor): 1 or C slopes.

    Example::

        >>> ember.prelu(ember.tensor([-2.0, 2.0]), ember.tensor([0.25]))
        tensor([-0.5000,  2.0000])
    """
    return _F().prelu(input, weight)


def pixel_shuffle(input, upscale_factor):
    """Rearrange ``(*, C r^2, H, W)`` into ``(*, C, H r, W r)``.

    Args:
        input (Tensor): the input.
        upscale_factor (int): ``r``.

    Example::

        >>> ember.pixel_shuffle(ember.ones(1, 4, 2, 2), 2).shape
        torch.Size([1, 1, 4, 4])
    """
    return _F().pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    """Rearrange ``(*, C, H r, W r)`` into ``(*, C r^2, H, W)`` (inverse of :func:`pixel_shuffle`).

    Args:
        input (Tensor): the input.
        downscale_factor (int): ``r``.

    Example::

        >>> ember.pixel_unshuffle(ember.ones(1, 1, 4, 4), 2).shape
        torch.Size([1, 4, 2, 2])
    """
    return _F().pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input, groups):
    """Shuffle channels: ``(N, g * k, ...)`` viewed as ``(N, g, k, ...)``, transposed to ``(N, k, g, ...)``.

    Args:
        input (Tensor): ``(N, C, ...)``.
        groups (int): the number of groups (divides C).

    Example::

        >>> ember.channel_shuffle(ember.arange(4.0).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    return _F().channel_shuffle(input, groups)


def native_channel_shuffle(input, groups):
    """Same as :func:`channel_shuffle`.

    Args:
        input (Tensor): ``(N, C, ...)``.
        groups (int): the number of groups.

    Example::

        >>> ember.native_channel_shuffle(ember.arange(4.0).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    return _F().channel_shuffle(input, groups)


# ---------------------------------------------------------------- losses (reduction as int)


def kl_div(input, target, reduction=0, *, log_target=False):
    """KL divergence loss with log-probability ``input`` (``reduction``: 0 none, 1 elementwise mean, 2 sum).

    Args:
        input (Tensor): log-probabilities.
        target (Tensor): probabilities (log-probabilities with ``log_target``).
        reduction (int or str): 0/``'none'``, 1/``'mean'``, 2/``'sum'``. Default: 0 (what
            torch's top-level function does when it is omitted).
        log_target (bool): ``target`` is given as log-probabilities. Default: ``False``.

    Example::

        >>> ember.kl_div(ember.tensor([-1.0, -2.0]), ember.tensor([0.5, 0.5]), 1)
        tensor(0.4034)
    """
    import warnings
    with warnings.catch_warnings():
        # torch's top-level kl_div does not give nn.functional's 'mean' warning
        warnings.simplefilter("ignore", UserWarning)
        return _F().kl_div(input, target, reduction=_reduction(reduction),
                           log_target=log_target)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """``max(0, -target * (input1 - input2) + margin)``, reduced.

    Args:
        input1 (Tensor): the first scores.
        input2 (Tensor): the second scores.
        target (Tensor): 1 or -1 per pair.
        margin (float): Default: 0.
        reduction (int or str): 0 none, 1 mean, 2 sum. Default: 0 (what torch's
            top-level function does when it is omitted).

    Example::

        >>> ember.margin_ranking_loss(ember.tensor([1.0]), ember.tensor([2.0]), ember.tensor([1.0]))
        tensor([1.])
    """
    return _F().margin_ranking_loss(input1, input2, target, margin,
                                    reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    """Hinge embedding loss: ``x`` for target 1, ``max(0, margin - x)`` for target -1; reduced.

    Args:
        input (Tensor): distances.
        target (Tensor): 1 or -1.
        margin (float): Default: 1.
        reduction (int or str): 0 none, 1 mean, 2 sum. Default: 0 (what torch's
            top-level function does when it is omitted).

    Example::

        >>> ember.hinge_embedding_loss(ember.tensor([0.3, 0.3]), ember.tensor([1.0, -1.0]), 1.0, 1)
        tensor(0.5000)
    """
    return _F().hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """Cosine embedding loss: ``1 - cos`` for target 1, ``max(0, cos - margin)`` for -1; reduced.

    Args:
        input1 (Tensor): ``(N, D)``.
        input2 (Tensor): ``(N, D)``.
        target (Tensor): ``(N,)`` of 1 or -1.
        margin (float): Default: 0.
        reduction (int or str): 0 none, 1 mean, 2 sum. Default: 0 (what torch's
            top-level function does when it is omitted).

    Example::

        >>> ember.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[1.0, 0.0]]), ember.tensor([1.0]))
        tensor([0.])
    """
    return _F().cosine_embedding_loss(input1, input2, target, margin,
                                      reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False,
                        reduction=0):
    """Triplet loss ``max(d(a, p) - d(a, n) + margin, 0)`` with ``p``-norm distances; reduced.

    Args:
        anchor (Tensor): ``(N, D)``.
        positive (Tensor): ``(N, D)``.
        negative (Tensor): ``(N, D)``.
        margin (float): Default: 1.
        p (float): the norm order. Default: 2.
        eps (float): added to differences. Default: 1e-6.
        swap (bool): use the distance swap. Default: ``False``.
        reduction (int or str): 0 none, 1 mean, 2 sum. Default: 0 (what torch's
            top-level function does when it is omitted).

    Example::

        >>> a = ember.tensor([[0.0, 0.0]])
        >>> ember.triplet_margin_loss(a, a, ember.tensor([[3.0, 4.0]]))
        tensor([0.])
    """
    return _F().triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                    reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """Poisson negative log-likelihood loss (all arguments required, as torch's top-level function).

    Args:
        input (Tensor): the predicted rate (its log with ``log_input``).
        target (Tensor): the observed counts.
        log_input (bool): ``input`` is the log-rate.
        full (bool): add the Stirling term.
        eps (float): avoids ``log(0)`` when ``log_input`` is False.
        reduction (int or str): 0 none, 1 mean, 2 sum.

    Example::

        >>> ember.poisson_nll_loss(ember.tensor([0.0]), ember.tensor([1.0]), True, False, 1e-8, 1)
        tensor(1.)
    """
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps,
                                 reduction=_reduction(reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    """Binary cross entropy on logits (sigmoid folded in, stable); reduced.

    Args:
        input (Tensor): logits.
        target (Tensor): targets in ``[0, 1]``.
        weight (Tensor, optional): per-element weight (broadcastable).
        pos_weight (Tensor, optional): weight of the positive class (per class).
        reduction (int or str): 0 none, 1 mean, 2 sum. Default: 0 (what torch's
            top-level function does when it is omitted).

    Example::

        >>> ember.binary_cross_entropy_with_logits(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor([0.6931])
    """
    return _F().binary_cross_entropy_with_logits(input, target, weight,
                                                 reduction=_reduction(reduction),
                                                 pos_weight=pos_weight)


def constant_pad_nd(input, pad, value=0):
    """Pad with a constant: ``pad`` lists (left, right) amounts from the last dimension backwards.

    Negative amounts crop. Differentiable.

    Args:
        input (Tensor): the input.
        pad (sequence of int): ``(last_left, last_right, prev_left, prev_right, ...)``.
        value (number): the fill value. Default: 0.

    Example::

        >>> ember.constant_pad_nd(ember.tensor([1.0, 2.0]), [1, 2], 9.0)
        tensor([9., 1., 2., 9., 9.])
    """
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Length of pad should be no more than twice the number of dimensions "
                           f"of the input. Pad length is {len(pad)} while the input has "
                           f"{input.ndim} dimensions.")
    return _F().pad(input, list(pad), "constant", value)


del Tensor
