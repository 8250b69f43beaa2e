"""``ember.nn.functional``: the function forms of the layers, as ``torch.nn.functional``.

Activations, dropout, linear/bilinear, embedding, one_hot, distances and every loss. The
convolution / pooling / normalization family lives in ``functional_conv.py`` and is
re-exported here.
"""
import math
import warnings

import numpy as np

from .. import _dtype as D
from .. import functions as _F
from .._tensor import Tensor
from .._device import get_xp, on_device
from .._methods import _inplace
from ..autograd.grad_mode import no_grad
from ..ops import nn_ops as _ops
from ..ops import elementwise as _E
from ..ops._common import wrap as _wrap

# ---------------------------------------------------------------- reduction helpers


class _Reduction:
    """torch.nn._reduction: the legacy ``size_average``/``reduce`` flags."""

    @staticmethod
    def get_enum(reduction):
        if reduction == "none":
            return 0
        if reduction == "mean":
            return 1
        if reduction == "elementwise_mean":
            warnings.warn("reduction='elementwise_mean' is deprecated. Please use "
                          "reduction='mean' instead.", stacklevel=2)
            return 1
        if reduction == "sum":
            return 2
        raise ValueError(f"{reduction} is not a valid value for reduction")

    @staticmethod
    def legacy_get_string(size_average, reduce, emit_warning=True):
        warning = ("size_average and reduce args will be deprecated, please use "
                   "reduction='{}' instead.")
        if size_average is None:
            size_average = True
        if reduce is None:
            reduce = True
        if size_average and reduce:
            ret = "mean"
        elif reduce:
            ret = "sum"
        else:
            ret = "none"
        if emit_warning:
            warnings.warn(warning.format(ret), stacklevel=3)
        return ret


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _Reduction.legacy_get_string(size_average, reduce)
    return reduction


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _as_tensor(x, like=None):
    if isinstance(x, Tensor):
        return x
    return _F.as_tensor(x, device=None if like is None else like.device)


# ---------------------------------------------------------------- linear layers


def linear(input, weight, bias=None):
    """``y = input @ weight.T + bias`` (one fused op).

    Args:
        input (Tensor): ``(*, in_features)``.
        weight (Tensor): ``(out_features, in_features)``.
        bias (Tensor, optional): ``(out_features,)``.

    Example::

        >>> ember.nn.functional.linear(ember.ones(2, 3), ember.ones(4, 3)).shape
        torch.Size([2, 4])
    """
    _ops.check_linear(input, weight, bias)
    if bias is None:
        return _ops.LinearNoBias.apply(input, weight, None)
    return _ops.Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """``y = x1^T A x2 + b`` for ``weight`` A of shape ``(out, in1, in2)``.

    Example::

        >>> ember.nn.functional.bilinear(ember.ones(2, 3), ember.ones(2, 4), ember.ones(5, 3, 4)).shape
        torch.Size([2, 5])
    """
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}")
    out_f, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {in2}")
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, in1)
    x2 = input2.reshape(-1, in2)
    t = x1.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2))  # (M, out*in2)
    y = (t.reshape(-1, out_f, in2) * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y.reshape(tuple(lead) + (out_f,))


# ---------------------------------------------------------------- activations


def _maybe_inplace(input, inplace, fn, *args):
    if inplace:
        return _inplace(input, fn, *args)
    return fn(input, *args)


def relu(input, inplace=False):
    """max(0, x) elementwise (gradient 0 at 0, as torch).

    Example::

        >>> ember.nn.functional.relu(ember.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """
    if inplace:
        return _inplace(input, _F.relu)
    return _F.relu(input)


def relu_(input):
    """In-place :func:`relu`."""
    return relu(input, inplace=True)


def relu6(input, inplace=False):
    """min(max(0, x), 6) elementwise.

    Example::

        >>> ember.nn.functional.relu6(ember.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Clamp to ``[min_val, max_val]`` (gradient 0 at and beyond the bounds).

    Example::

        >>> ember.nn.functional.hardtanh(ember.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("hardtanh", x,
                                                                      min_val, max_val))


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    """x if x > 0 else alpha * (exp(x) - 1).

    Example::

        >>> ember.nn.functional.elu(ember.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("elu", x, alpha, 1.0, 1.0))


def elu_(input, alpha=1.0):
    """In-place :func:`elu`."""
    return elu(input, alpha, inplace=True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants.

    Example::

        >>> ember.nn.functional.selu(ember.tensor([1.0]))
        tensor([1.0507])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation(
        "elu", x, _SELU_ALPHA, _SELU_SCALE, 1.0))


def selu_(input):
    """In-place :func:`selu`."""
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    Example::

        >>> ember.nn.functional.celu(ember.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _maybe_inplace(input, inplace, lambda x: _ops.activation(
        "elu", x, alpha, 1.0, 1.0 / alpha))


def celu_(input, alpha=1.0):
    """In-place :func:`celu`."""
    return celu(input, alpha, inplace=True)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x if x > 0 else negative_slope * x.

    Example::

        >>> ember.nn.functional.leaky_relu(ember.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("leaky_relu", x,
                                                                      negative_slope))


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, inplace=True)


def prelu(input, weight):
    """x if x > 0 else weight * x, with ``weight`` per channel (dim 1) or shared.

    Example::

        >>> ember.nn.functional.prelu(ember.tensor([-1.0, 2.0]), ember.tensor([0.25]))
        tensor([-0.2500,  2.0000])
    """
    if weight.numel() != 1:
        channels = input.shape[1] if input.ndim >= 2 else input.shape[0] if input.ndim else 1
        if weight.numel() != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
    return _ops.PRelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: slope ~ U(lower, upper) in training, (lower + upper) / 2 in eval.

    Example::

        >>> ember.nn.functional.rrelu(ember.tensor([-1.0, 2.0]))
        tensor([-0.2292,  2.0000])
    """
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ..random import _get
    xp = get_xp(input._data)
    slopes = _get(None)._rng.uniform(lower, upper, input._data.shape).astype(input._data.dtype)
    slope_t = _wrap(xp.asarray(slopes), input._dtype)

    def fn(x):
        neg = (x < 0).to(x.dtype)
        return x * (1 - neg) + x * neg * slope_t
    return _maybe_inplace(input, inplace, fn)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place :func:`rrelu`."""
    return rrelu(input, lower, upper, training, inplace=True)


def glu(input, dim=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``input`` along ``dim``.

    Example::

        >>> ember.nn.functional.glu(ember.tensor([[1.0, 0.0]]))
        tensor([[0.5000]])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


def gelu(input, approximate="none"):
    """Gaussian error linear unit, exact (erf) or ``approximate='tanh'``.

    Example::

        >>> ember.nn.functional.gelu(ember.tensor([1.0]))
        tensor([0.8413])
    """
    if approximate == "none":
        return _ops.activation("gelu", input)
    if approximate == "tanh":
        return _ops.activation("gelu_tanh", input)
    raise RuntimeError("approximate argument must be either none or tanh.")


def silu(input, inplace=False):
    """x * sigmoid(x) (swish).

    Example::

        >>> ember.nn.functional.silu(ember.tensor([1.0]))
        tensor([0.7311])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("silu", x))


def mish(input, inplace=False):
    """x * tanh(softplus(x)).

    Example::

        >>> ember.nn.functional.mish(ember.tensor([1.0]))
        tensor([0.8651])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("mish", x))


def hardsigmoid(input, inplace=False):
    """clamp(x / 6 + 1/2, 0, 1).

    Example::

        >>> ember.nn.functional.hardsigmoid(ember.tensor([0.0, 4.0]))
        tensor([0.5000, 1.0000])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("hardsigmoid", x))


def hardswish(input, inplace=False):
    """x * hardsigmoid(x).

    Example::

        >>> ember.nn.functional.hardswish(ember.tensor([1.0]))
        tensor([0.6667])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("hardswish", x))


def sigmoid(input):
    """1 / (1 + exp(-x)) (same as ``ember.sigmoid``)."""
    return input.sigmoid()


def tanh(input):
    """tanh(x) (same as ``ember.tanh``)."""
    return input.tanh()


def logsigmoid(input):
    """log(sigmoid(x)), computed stably.

    Example::

        >>> ember.nn.functional.logsigmoid(ember.tensor([0.0]))
        tensor([-0.6931])
    """
    return _E.unary("logsigmoid", input)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * x)) / beta, linear where beta * x > threshold.

    Example::

        >>> ember.nn.functional.softplus(ember.tensor([0.0]))
        tensor([0.6931])
    """
    return _ops.activation("softplus", input, beta, threshold)


def softsign(input):
    """x / (1 + |x|).

    Example::

        >>> ember.nn.functional.softsign(ember.tensor([1.0]))
        tensor([0.5000])
    """
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x).

    Example::

        >>> ember.nn.functional.tanhshrink(ember.tensor([1.0]))
        tensor([0.2384])
    """
    return input - input.tanh()


def softshrink(input, lambd=0.5):
    """x - lambd if x > lambd, x + lambd if x < -lambd, else 0.

    Example::

        >>> ember.nn.functional.softshrink(ember.tensor([-1.0, 0.2, 1.0]))
        tensor([-0.5000,  0.0000,  0.5000])
    """
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return _ops.activation("softshrink", input, lambd)


def hardshrink(input, lambd=0.5):
    """x if |x| > lambd else 0.

    Example::

        >>> ember.nn.functional.hardshrink(ember.tensor([-1.0, 0.2, 1.0]))
        tensor([-1.,  0.,  1.])
    """
    return _ops.activation("hardshrink", input, lambd)


def threshold(input, threshold, value, inplace=False):
    """x if x > threshold else value.

    Example::

        >>> ember.nn.functional.threshold(ember.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return _maybe_inplace(input, inplace, lambda x: _ops.activation("threshold", x,
                                                                      threshold, value))


def threshold_(input, threshold, value):
    """In-place :func:`threshold`."""
    return globals()["threshold"](input, threshold, value, inplace=True)


def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``.

    Args:
        input (Tensor): the input.
        dim (int): the dimension to normalise (omitting it is deprecated, as in torch).
        dtype (ember.dtype, optional): cast the input to this dtype first.

    Example::

        >>> ember.nn.functional.softmax(ember.tensor([1.0, 1.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _get_softmax_dim("softmax", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``.

    Example::

        >>> ember.nn.functional.softmin(ember.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _get_softmax_dim("softmin", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return (-input).softmax(dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably.

    Example::

        >>> ember.nn.functional.log_softmax(ember.tensor([1.0, 1.0]), dim=0)
        tensor([-0.6931, -0.6931])
    """
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(dim)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Sample from the Gumbel-softmax distribution (optionally one-hot with ``hard=True``).

    Example::

        >>> ember.nn.functional.gumbel_softmax(ember.zeros(2, 3), hard=True).sum(-1)
        tensor([1., 1.])
    """
    from ..random import _get
    xp = get_xp(logits._data)
    e = _get(None)._rng.exponential(1.0, logits._data.shape).astype(logits._data.dtype)
    gumbels = -_wrap(xp.asarray(e), logits._dtype).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = _F.zeros_like(logits).scatter(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


# ---------------------------------------------------------------- dropout


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input, p, shape):
    """A float mask of ``shape`` with entries 1/(1-p) (kept) or 0, on input's device."""
    from ..random import _get
    xp = get_xp(input._data)
    dt = input._data.dtype
    keep = _get(None)._rng.random(shape, dtype=np.float32 if dt == np.float32
                                  else np.float64) >= p
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    mask = keep.astype(dt) * dt.type(scale)
    return _wrap(xp.asarray(mask), input._dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)`` (training
    only; identity otherwise).

    Example::

        >>> ember.nn.functional.dropout(ember.ones(4), p=0.5, training=False)
        tensor([1., 1., 1., 1.])
    """
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    mask = _keep_mask(input, p, input._data.shape)
    return _maybe_inplace(input, inplace, lambda x: x * mask)


def _feature_dropout(input, p, training, inplace, batched, name):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    shape = input.shape
    nb = 2 if batched else 1
    mshape = tuple(shape[:nb]) + (1,) * (input.ndim - nb)
    mask = _keep_mask(input, p, mshape)
    return _maybe_inplace(input, inplace, lambda x: x * mask)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p``.

    Example::

        >>> ember.nn.functional.dropout1d(ember.ones(2, 3, 4), training=False).shape
        torch.Size([2, 3, 4])
    """
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout "
                           "on inputs with 1 spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3, "dropout1d")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, H, W)`` input with probability ``p``.

    Example::

        >>> ember.nn.functional.dropout2d(ember.ones(2, 3, 4, 4), training=False).shape
        torch.Size([2, 3, 4, 4])
    """
    _check_p(p)
    inp_dim = input.ndim
    if inp_dim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {inp_dim}-D input to dropout2d, which is "
                      "deprecated and will result in an error in a future release. To retain "
                      "the behavior and silence this warning, please use dropout instead. Note "
                      "that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch "
                      "dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if inp_dim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim. This behavior will change "
                      "in a future release to interpret the input as one without a batch "
                      "dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout "
                      "behavior, please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, inp_dim >= 2, "dropout2d")


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input.

    Example::

        >>> ember.nn.functional.dropout3d(ember.ones(1, 2, 2, 2, 2), training=False).shape
        torch.Size([1, 2, 2, 2, 2])
    """
    _check_p(p)
    inp_dim = input.ndim
    if inp_dim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {inp_dim}-D input to dropout3d, which is "
                      "deprecated and will result in an error in a future release. To retain "
                      "the behavior and silence this warning, please use dropout instead. Note "
                      "that dropout3d exists to provide channel-wise dropout on inputs with 3 "
                      "spatial dimensions, a channel dimension, and an optional batch "
                      "dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, inp_dim == 5, "dropout3d")


_ALPHA_PRIME = 1.7580993408473766


def _alpha_dropout_impl(input, p, training, inplace, feature):
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        return _maybe_inplace(input, inplace, lambda x: x * 0.0)
    from ..random import _get
    xp = get_xp(input._data)
    dt = input._data.dtype
    shape = input._data.shape
    if feature:
        if input.ndim < 2:
            raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
        shape = shape[:2] + (1,) * (len(shape) - 2)
    keep = (_get(None)._rng.random(shape) >= p).astype(dt)
    a = 1.0 / math.sqrt((_ALPHA_PRIME ** 2 * p + 1) * (1 - p))
    b = (keep - 1) * (_ALPHA_PRIME * a) + _ALPHA_PRIME * a * p
    mul = _wrap(xp.asarray(keep * dt.type(a)), input._dtype)
    add = _wrap(xp.asarray(b.astype(dt)), input._dtype)
    return _maybe_inplace(input, inplace, lambda x: x * mul + add)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's zero mean / unit variance (training only).

    Example::

        >>> ember.nn.functional.alpha_dropout(ember.ones(3), 0.5, training=False)
        tensor([1., 1., 1.])
    """
    return _alpha_dropout_impl(input, p, training, inplace, False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (dim 1).

    Example::

        >>> ember.nn.functional.feature_alpha_dropout(ember.ones(2, 3), 0.5, training=False).shape
        torch.Size([2, 3])
    """
    return _alpha_dropout_impl(input, p, training, inplace, True)


# ---------------------------------------------------------------- embeddings


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` at the integer indices ``input``.

    Args:
        input (LongTensor): indices, any shape.
        weight (Tensor): ``(num_embeddings, embedding_dim)``.
        padding_idx (int, optional): this row gets no gradient.
        max_norm (float, optional): rows looked up are renormalised in place to this norm.
        norm_type (float): the p of the norm for ``max_norm``.
        scale_grad_by_freq (bool): divide gradients by the index frequency in the batch.
        sparse (bool): accepted for compatibility; ember's gradient is dense.

    Example::

        >>> ember.nn.functional.embedding(ember.tensor([1, 0]), ember.eye(2))
        tensor([[0., 1.],
                [1., 0.]])
    """
    if not isinstance(input, Tensor) or input._dtype not in (D.int64, D.int32):
        tn = input.type() if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {tn} instead (while "
                           "checking arguments for embedding)")
    from ..ops._common import check_same_device
    check_same_device(weight, input)
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    if max_norm is not None:
        _embedding_renorm_(weight, input, max_norm, norm_type)
    return _ops.Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)


def _embedding_renorm_(weight, input, max_norm, norm_type):
    with no_grad():
        xp = get_xp(weight._data)
        idx = xp.unique(input._data.reshape(-1))
        if idx.size == 0:
            return
        rows = weight._data[idx]
        if norm_type == math.inf:
            norms = xp.abs(rows).max(1)
        else:
            norms = (xp.abs(rows) ** norm_type).sum(1) ** (1.0 / norm_type)
        big = norms > max_norm
        if big.any():
            scale = (max_norm / (norms[big] + 1e-7)).astype(rows.dtype)
            weight._data[idx[big]] = rows[big] * scale[:, None]
            weight._version_box[0] += 1


def one_hot(tensor, num_classes=-1):
    """One-hot encode int64 class indices into a trailing dimension (int64 result).

    Args:
        tensor (LongTensor): class values.
        num_classes (int): the number of classes; -1 infers ``max + 1``.

    Example::

        >>> ember.nn.functional.one_hot(ember.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if tensor._dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp = get_xp(tensor._data)
    data = tensor._data
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if int(data.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(data.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = (data[..., None] == xp.arange(num_classes)).astype(np.int64)
    return _wrap(out, D.int64)


# ---------------------------------------------------------------- distances


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``.

    Example::

        >>> ember.nn.functional.normalize(ember.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """
    denom = _F.vector_norm(input, p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    res = input / denom
    if out is not None:
        out.copy_(res)
        return out
    return res


cosine_similarity = _F.cosine_similarity


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` along the last dimension.

    Example::

        >>> ember.nn.functional.pairwise_distance(ember.tensor([[0.0, 0.0]]), ember.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """
    out_dim = max(x1.ndim, x2.ndim)
    if out_dim == 0:
        return _F.vector_norm(x1 - x2 + eps, p, keepdim=keepdim)
    return _F.vector_norm(x1 - x2 + eps, p, -1, keepdim=keepdim)


def pdist(input, p=2):
    """Distances between all pairs of rows of a 2-D input (upper triangle, row-major).

    Example::

        >>> ember.nn.functional.pdist(ember.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    n = input.shape[0]
    iu = np.triu_indices(n, 1)  # host row/column numbers, moved to the input's device
    xp = get_xp(input._data)
    i = _wrap(xp.asarray(iu[0].astype(np.int64)), D.int64)
    j = _wrap(xp.asarray(iu[1].astype(np.int64)), D.int64)
    diff = input.index_select(0, i) - input.index_select(0, j)
    return _F.vector_norm(diff, p, -1)


# ---------------------------------------------------------------- losses


def _warn_size(input, target, stacklevel=3):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.",
                      stacklevel=stacklevel)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum) absolute error.

    Example::

        >>> ember.nn.functional.l1_loss(ember.tensor([1.0, 2.0]), ember.tensor([0.0, 0.0]))
        tensor(1.5000)
    """
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean (or sum) squared error.

    Example::

        >>> ember.nn.functional.mse_loss(ember.tensor([1.0, 2.0]), ember.tensor([0.0, 0.0]))
        tensor(2.5000)
    """
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    d = input - target
    loss = d * d
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _check_class_target(input, target, weight, label_smoothing=0.0):
    # (raw shape tuples: this runs on every loss call, Size objects cost ~10 us here)
    if type(input._data) is not type(target._data) or (
            weight is not None and type(weight._data) is not type(input._data)):
        from ..ops._common import check_same_device
        check_same_device(input, target)
        if weight is not None:
            check_same_device(input, weight)
    xs, ts = input._data.shape, target._data.shape
    if not xs:
        raise ValueError("Expected input to have at least 1 dimension, got 0")
    n_cls = xs[0] if len(xs) == 1 else xs[1]
    if not (0.0 <= label_smoothing <= 1.0):
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != n_cls):
        raise RuntimeError(f"weight tensor should be defined either for all {n_cls} classes or "
                           f"no classes but got weight tensor of shape: {list(weight.shape)}")
    if target._dtype.is_floating_point and ts == xs:
        return True
    if target._dtype not in (D.int64, D.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_ops.torch_type_name(target._dtype)}")
    if len(xs) == 1:
        if ts:
            raise RuntimeError("1D target tensor expected, multi-target not supported" if
                               len(ts) > 1 else "0D or 1D target tensor expected, "
                               "multi-target not supported")
        return False
    if not ts or ts[0] != xs[0]:
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target "
                         f"batch_size ({ts[0] if ts else 1}).")
    expected = (xs[0],) + tuple(xs[2:])
    if tuple(ts) != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(ts)}")
    return False


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits ``input`` and class indices or class probabilities.

    One fused, numerically stable op (log-softmax + nll).

    Args:
        input (Tensor): logits ``(N, C)``, ``(C,)`` or ``(N, C, d1, ..., dk)``.
        target (Tensor): class indices (int64, shape without C) or probabilities (float,
            same shape as input).
        weight (Tensor, optional): per-class weights ``(C,)``.
        ignore_index (int): target value that contributes nothing (class-index targets).
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``.
        label_smoothing (float): in ``[0, 1]``, mixes the target with the uniform distribution.

    Example::

        >>> ember.nn.functional.cross_entropy(ember.tensor([[0.0, 0.0]]), ember.tensor([1]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    prob = _check_class_target(input, target, weight, label_smoothing)
    if weight is not None and weight._dtype is not input._dtype:
        weight = weight.to(input._dtype)
    if not (input._dtype.is_floating_point):
        raise RuntimeError(f'"log_softmax_lastdim_kernel_impl" not implemented for '
                           f"'{_ops.torch_type_name(input._dtype)}'")
    if prob and target._dtype is not input._dtype:
        target = target.to(input._dtype)
    return _ops.CrossEntropy.apply(input, target, weight, ignore_index, reduction,
                                   float(label_smoothing))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input`` at the ``target`` classes.

    Example::

        >>> ember.nn.functional.nll_loss(ember.tensor([[-1.0, -2.0]]), ember.tensor([1]))
        tensor(2.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input.ndim == 0:
        raise ValueError("Expected input to have at least 1 dimension, got 0")
    if target._dtype.is_floating_point:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_ops.torch_type_name(target._dtype)}")
    _check_class_target(input, target, weight)
    if weight is not None and weight._dtype is not input._dtype:
        weight = weight.to(input._dtype)
    return _ops.NLLLoss.apply(input, target, weight, ignore_index, reduction)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities ``input`` (logs clamped at -100, as torch).

    Example::

        >>> ember.nn.functional.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    if weight is not None:
        new_size = _F.broadcast_shapes(input.shape, weight.shape)
        weight = weight.expand(new_size)
    if target._dtype is not input._dtype:
        target = target.to(input._dtype)
    loss = _ops.BinaryCrossEntropy.apply(input, target, weight)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + binary cross-entropy in one numerically stable expression.

    Args:
        pos_weight (Tensor, optional): weight of positive examples, broadcast over classes.

    Example::

        >>> ember.nn.functional.binary_cross_entropy_with_logits(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    # loss = (1 - t) x + lw * softplus(-x), softplus(-x) = -logsigmoid(x) (stable)
    neg_logsig = -_E.unary("logsigmoid", input)
    if pos_weight is not None:
        lw = (pos_weight - 1) * target + 1
        loss = (1 - target) * input + lw * neg_logsig
    else:
        loss = (1 - target) * input + neg_logsig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target).

    Example::

        >>> ember.nn.functional.smooth_l1_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    _warn_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = (input - target).abs()
    if beta == 0:
        return _reduce(d, reduction)
    loss = _F.where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).

    Example::

        >>> ember.nn.functional.huber_loss(ember.tensor([0.5, 3.0]), ember.tensor([0.0, 0.0]))
        tensor(1.3125)
    """
    _warn_size(input, target)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = (input - target).abs()
    loss = _F.where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence with ``input`` given as log-probabilities.

    Args:
        reduction (str): ``'batchmean'`` (the KL definition) | ``'mean'`` | ``'sum'`` |
            ``'none'``.
        log_target (bool): whether ``target`` is also given as log-probabilities.

    Example::

        >>> ember.nn.functional.kl_div(ember.tensor([0.5, 0.5]).log(), ember.tensor([0.5, 0.5]),
        ...          reduction="batchmean")
        tensor(0.)
    """
    if size_average is not None or reduce is not None:
        reduction_enum = _Reduction.legacy_get_string(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                          "the support size.'batchmean' divides only by the batch size, and "
                          "aligns with the KL div math definition.'mean' will be changed to "
                          "behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        if reduction == "batchmean":
            reduction_enum = "sum"
        else:
            reduction_enum = reduction
    if reduction_enum not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _F.xlogy(target, target) - target * input
    out = _reduce(loss, reduction_enum)
    if reduction == "batchmean" and input.ndim != 0:
        out = out / input.shape[0]
    return out


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1.

    Example::

        >>> ember.nn.functional.cosine_embedding_loss(ember.tensor([[1.0, 0.0]]), ember.tensor([[1.0, 0.0]]),
        ...                         ember.tensor([1]))
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"cosine_embedding_loss : expected input1 and input2 to have the "
                           f"same number of dimensions, but got {input1.ndim} and {input2.ndim}")
    if input1.ndim not in (1, 2):
        raise RuntimeError(f"cosine_embedding_loss : 1D or 2D inputs are expected, but got "
                           f"{input1.ndim}D")
    if input1.ndim == 2 and target.ndim != 1:
        raise RuntimeError("1D target tensor expected, multi-target not supported")
    d = input1.ndim - 1
    eps = 1e-12
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = _F.zeros_like(cos)
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    loss = _F.where(target == 1, pos, zeros) + _F.where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (x1 - x2) + margin).

    Example::

        >>> ember.nn.functional.margin_ranking_loss(ember.tensor([1.0]), ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {input1.shape}, input2: "
                           f"{input2.shape}, target: {target.shape} ")
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x for target 1, max(0, margin - x) for target -1.

    Example::

        >>> ember.nn.functional.hinge_embedding_loss(ember.tensor([0.3, 2.0]), ember.tensor([1, -1]))
        tensor(0.1500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    zeros = _F.zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    loss = _F.where(target != 1, margin_clamp, zeros) + _F.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Multi-label one-versus-all loss based on max-entropy, averaged over classes.

    Example::

        >>> ember.nn.functional.multilabel_soft_margin_loss(ember.tensor([[0.0, 0.0]]), ember.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    return _reduce(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: sum_j max(0, margin - x[y] + x[j])^p / C over j != y.

    Example::

        >>> ember.nn.functional.multi_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]), ember.tensor([3]))
        tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    t = target.reshape(-1)
    n, c = x.shape
    if t.shape[0] != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got "
                           f"{list(target.shape)}")
    if t.numel() and (int(t.min()) < 0 or int(t.max()) >= c):
        raise RuntimeError("target out of range")
    xy = x.gather(1, t.unsqueeze(1))
    z = (margin - xy + x).clamp_min(0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight.index_select(0, t).unsqueeze(1)
    notself = (_F.arange(c, device=x.device).unsqueeze(0) != t.unsqueeze(1)).to(x.dtype)
    loss = (z * notself).sum(1) / c
    if input.ndim != 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss; ``target`` holds class indices padded with -1.

    Example::

        >>> ember.nn.functional.multilabel_margin_loss(ember.tensor([[0.1, 0.2, 0.4, 0.8]]),
        ...                          ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    x = input if input.ndim == 2 else input.reshape(1, -1)
    t = target if target.ndim == 2 else target.reshape(1, -1)
    n, c = x.shape
    # the target masks, computed on the target's backend (no host round trip)
    td = t.detach()._data.astype(np.int64)
    xp = get_xp(td)
    tmask = xp.cumsum(td < 0, axis=1) == 0   # which target slots are used (before the first -1)
    if not getattr(td, "_ember_meta", False) and bool(xp.any(tmask & (td >= c))):
        raise RuntimeError("target out of range")
    safe_t = xp.where(tmask, td, 0)
    # is_target[i, k]: class k is one of row i's targets
    with on_device(t.device):
        classes = xp.arange(c)
    is_target = xp.any(tmask[:, :, None] & (safe_t[:, :, None] == classes), axis=1)
    xt = x.gather(1, _wrap(safe_t, D.int64))  # (n, c): x at each target slot
    # hinge for every (target slot j, class k): max(0, 1 - (x[y_j] - x[k]))
    h = (1 - (xt.unsqueeze(2) - x.unsqueeze(1))).clamp_min(0)
    w = (tmask[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype)
    loss = (h * _wrap(w, x._dtype)).sum((1, 2)) / c
    if input.ndim != 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), the two-class logistic loss.

    Example::

        >>> ember.nn.functional.soft_margin_loss(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    loss = -logsigmoid(target * input)
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Negative log-likelihood of a Poisson target.

    Args:
        log_input (bool): ``input`` is the log-rate (loss exp(x) - t x) or the rate
            (loss x - t log(x + eps)).
        full (bool): add the Stirling term t log t - t + 0.5 log(2 pi t) for t > 1.

    Example::

        >>> ember.nn.functional.poisson_nll_loss(ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of a Gaussian with predicted mean ``input`` and variance ``var``.

    Example::

        >>> ember.nn.functional.gaussian_nll_loss(ember.tensor([0.0]), ember.tensor([0.0]), ember.tensor([1.0]))
        tensor(0.)
    """
    if isinstance(var, (int, float)):
        var = _F.full_like(input, float(var))
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        elif input.shape[:-1] == var.shape[:-1] and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    # clamp for stability without affecting the gradient (torch's no_grad in-place clamp)
    var = var + (var.detach().clamp(min=eps) - var.detach())
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(a, p) - d(a, n) + margin) with d the pairwise p-norm distance.

    Example::

        >>> a = ember.tensor([[0.0, 0.0]])
        >>> ember.nn.functional.triplet_margin_loss(a, a, a + 3.0)
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    a_dim, p_dim, n_dim = anchor.ndim, positive.ndim, negative.ndim
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {a_dim}D, positive "
                           f"{p_dim}D, and negative {n_dim}D inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = _F.minimum(d_neg, d_swap)
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """Triplet margin loss with a custom ``distance_function`` (pairwise_distance default).

    Example::

        >>> a = ember.tensor([[0.0, 0.0]])
        >>> ember.nn.functional.triplet_margin_with_distance_loss(a, a, a + 3.0)
        tensor(0.)
    """
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, "
                         f"got {margin} instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _F.minimum(d_neg, dist(positive, negative))
    loss = (margin + d_pos - d_neg).clamp_min(0)
    return _reduce(loss, reduction)


# the convolution / pooling / normalization half, written separately
try:
    from .functional_conv import *  # noqa: F401,F403
except ModuleNotFoundError as _exc:  # pragma: no cover - until that file exists
    if _exc.name != __name__.rsplit(".", 1)[0] + ".functional_conv":
        raise

# attention and embedding bags (functional_seq.py, written separately)
try:
    from .functional_seq import *  # noqa: F401,F403
    from .functional_seq import _canonical_mask, _none_or_dtype  # noqa: F401
except ModuleNotFoundError as _exc:  # pragma: no cover - until that file exists
    if _exc.name != __name__.rsplit(".", 1)[0] + ".functional_seq":
        raise

# CTC loss, RMS norm, fractional max pooling, lp_pool3d (functional_extra.py)
from .functional_extra import *  # noqa: F401,F403,E402
