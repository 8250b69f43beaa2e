"""More of ``torch.nn.functional``: CTC loss, RMS norm, fractional max pooling, 3-D LP pooling.

``ember.nn.functional`` re-exports everything in ``__all__``. The primitives live in
``ember/ops/ctc.py`` (the CTC alpha/beta recursions) and ``ember/ops/nn_extra.py`` (fractional
pooling windows); this module parses torch's arguments and checks them with torch's messages.
"""
import numbers

import numpy as np

from .. import _dtype as D
from .. import functions as _F
from .._tensor import Tensor
from ..ops import ctc as _ctc
from ..ops import nn_extra as _nx
from ..ops.nn_ops import torch_type_name as _tname
from . import functional_conv as _FC

__all__ = ["ctc_loss", "rms_norm", "fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
           "lp_pool3d"]


def _host(arr):
    """A NumPy copy of a (NumPy or CuPy) array."""
    return arr if type(arr) is np.ndarray else arr.get()


def _shape_str(shape):
    return "[" + ", ".join(str(int(s)) for s in shape) + "]"


# =========================================================================== CTC loss

_CTC_CHECK = " (while checking arguments for ctc_loss_allocate_outputs)"


def _ctc_lengths(lengths, name):
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype.is_complex or \
                lengths.dtype is D.bool:
            raise RuntimeError(f"{name} must be integral")
        return _host(lengths._data).reshape(-1).astype(np.int64)
    if isinstance(lengths, (list, tuple)):
        if not all(isinstance(v, numbers.Integral) or
                   (isinstance(v, Tensor) and v.numel() == 1) for v in lengths):
            raise TypeError(f"ctc_loss(): argument '{name}' must be a tuple of ints or a "
                            f"Tensor, but got {type(lengths).__name__} with non-integer items")
        return np.array([int(v) for v in lengths], dtype=np.int64)
    raise TypeError(f"ctc_loss(): argument '{name}' must be a tuple of ints or a Tensor, not "
                    f"{type(lengths).__name__} (for one unbatched sample pass e.g. "
                    f"ember.tensor(5) or (5,))")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """The Connectionist Temporal Classification loss (sum over all alignments).

    The per-sample loss is ``-log p(target | log_probs)``; the gradient is torch's, i.e. it
    assumes ``log_probs`` came from ``log_softmax`` over the classes.

    Args:
        log_probs (Tensor): (T, N, C) or unbatched (T, C) log-probabilities, float32/float64.
        targets (Tensor): (N, S) padded (row ``n`` holds its target in the first
            ``target_lengths[n]`` entries) or 1-D, all targets concatenated. Class indices in
            [0, C), none equal to ``blank``.
        input_lengths (Tensor or tuple of ints): (N,) (or 0-d for unbatched) frames per
            sample, each <= T.
        target_lengths (Tensor or tuple of ints): (N,) (or 0-d) target length per sample.
        blank (int): the blank class (default 0).
        reduction (str): ``'none'`` (N,) | ``'mean'`` (each loss divided by its target length,
            then averaged over the batch) | ``'sum'``. Default ``'mean'``.
        zero_infinity (bool): replace infinite losses (inputs too short to align to the
            target) and their gradients by zero. Default False.

    Example::

        >>> lp = ember.full((2, 1, 2), 0.5).log()      # T=2, N=1, C=2 (blank 0), uniform
        >>> F.ctc_loss(lp, ember.tensor([[1]]), (2,), (1,), reduction='sum')  # 3 paths of 1/4
        tensor(0.2877)
    """
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    il = _ctc_lengths(input_lengths, "input_lengths")
    tl = _ctc_lengths(target_lengths, "target_lengths")
    if not isinstance(log_probs, Tensor) or not isinstance(targets, Tensor):
        raise TypeError("ctc_loss(): log_probs and targets must be Tensors")
    if log_probs.dtype not in (D.float32, D.float64):
        raise NotImplementedError(f'"ctc_loss_cpu" not implemented for '
                                  f"'{_tname(log_probs.dtype)}'")
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    if lp.ndim != 3:
        raise RuntimeError(f"Expected 3-dimensional tensor, but got {lp.ndim}-dimensional tensor "
                           f"for argument #1 'log_probs'{_CTC_CHECK}")
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"Expected 1 to 2 dimensions, but got {targets.ndim}-dimensional "
                           f"tensor for argument #2 'targets'{_CTC_CHECK}")
    T, N, C = lp.shape
    if lp.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    if il.shape[0] != N:
        raise RuntimeError("input_lengths must be of size batch_size")
    if tl.shape[0] != N:
        raise RuntimeError("target_lengths must be of size batch_size")
    for v in tl:
        if v < 0:
            raise RuntimeError(f"Expected target_lengths to have value at least 0, but got "
                               f"value {v}{_CTC_CHECK}")
    tg = _host(targets._data)
    if targets.dtype.is_complex:
        raise RuntimeError("ctc_loss(): targets must be integer class indices")
    tg = tg.astype(np.int64)
    lmax = int(tl.max()) if N else 0
    if targets.ndim == 1:
        total = int(tl.sum())
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got "
                               f"size {tg.shape[0]} for argument #2 'targets'{_CTC_CHECK}")
        padded = np.zeros((N, lmax), dtype=np.int64)
        offs = np.concatenate([[0], np.cumsum(tl)])
        for n in range(N):
            padded[n, :tl[n]] = tg[offs[n]:offs[n + 1]]
    else:
        if tg.shape[0] != N:
            raise RuntimeError(f"Expected tensor to have size {N} at dimension 0, but got size "
                               f"{tg.shape[0]} for argument #2 'targets'{_CTC_CHECK}")
        if tg.shape[1] < lmax:
            raise RuntimeError(f"Expected tensor to have size at least {lmax} at dimension 1, "
                               f"but got size {tg.shape[1]} for argument #2 "
                               f"'targets'{_CTC_CHECK}")
        padded = tg[:, :lmax]
    for v in il:
        if v < 0:
            raise RuntimeError(f"Expected input_lengths to have value at least 0, but got "
                               f"value {v}{_CTC_CHECK}")
        if v > T:
            raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got "
                               f"value {v}{_CTC_CHECK}")
    if lmax:
        used = padded[np.arange(lmax)[None, :] < tl[:, None]]
        if used.size and (used.min() < 0 or used.max() >= C):
            bad = used[(used < 0) | (used >= C)][0]
            raise RuntimeError(f"ctc_loss(): target value {bad} is out of range for log_probs "
                               f"with {C} classes; targets must be class indices in [0, {C - 1}]")
    res = _ctc.CtcLoss.apply(lp, padded, il, tl, int(blank), bool(zero_infinity))
    if reduction == "mean":
        denom = _F.tensor(np.maximum(tl, 1), dtype=res.dtype, device=res.device)
        return (res / denom).mean()
    if reduction == "sum":
        return res.sum()
    return res if batched else res.squeeze(0)


# =========================================================================== RMS norm


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square layer normalization over the trailing ``normalized_shape`` dims.

    ``y = x / sqrt(mean(x^2) + eps) * weight``, computed in float32 for half inputs and
    returned in the input's dtype.

    Args:
        input (Tensor): (*, *normalized_shape).
        normalized_shape (int or tuple of ints): the trailing shape to normalize over.
        weight (Tensor, optional): per-element scale of shape ``normalized_shape``.
        eps (float, optional): added to the mean square; ``None`` means the machine epsilon
            of the computation dtype (``finfo(float32).eps`` for float16/bfloat16/float32,
            ``finfo(float64).eps`` for float64).

    Example::

        >>> F.rms_norm(ember.tensor([[3.0, 4.0]]), (2,), eps=0.0)
        tensor([[0.8485, 1.1314]])
    """
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (int(normalized_shape),)
    ns = tuple(int(s) for s in normalized_shape)
    if len(ns) == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    if weight is not None and tuple(weight.shape) != ns:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {_shape_str(weight.shape)} and normalized_shape = "
                           f"{_shape_str(ns)}")
    k = len(ns)
    if input.ndim < k:
        raise ValueError(f"Input tensor must have at least {k} dimensions, but got "
                         f"{input.ndim}")
    if tuple(input.shape[-k:]) != ns:
        raise RuntimeError(f"Given normalized_shape={_shape_str(ns)}, expected input with shape "
                           f"[*{', '.join(map(str, ns))}], but got input of size"
                           f"{_shape_str(input.shape)}")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"rms_norm\" not implemented for '{_tname(input.dtype)}'")
    opmath = D.float64 if input.dtype is D.float64 else D.float32
    if eps is None:
        eps = float(np.finfo(opmath.np).eps)
    x = input if input.dtype is opmath else input.to(opmath)
    dims = tuple(range(input.ndim - k, input.ndim))
    y = x * (x * x).mean(dims, keepdim=True).add(eps).rsqrt()
    if weight is not None:
        y = y * weight
    return y if y.dtype is input.dtype else y.to(input.dtype)


# =========================================================================== fractional max pool


def _tuple_arg(v, nd, what, name):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(v) * nd
        if len(v) != nd:
            words = "Int or tuple of Ints" if nd == 2 else "Int or tuple of three Ints"
            raise RuntimeError(f"{name}: {what} must either be a single {words}")
        return tuple(v)
    return (v,) * nd


def _fractional(input, kernel_size, output_size, output_ratio, _random_samples, nd):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an "
                         "output_ratio")
    if input.ndim not in (nd + 1, nd + 2):
        where = "" if nd == 2 else "_out"
        raise RuntimeError(f"{name}{where}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{_shape_str(input.shape)}")
    if output_size is None:
        if isinstance(output_ratio, (list, tuple)) and len(output_ratio) > nd:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple "
                             "of Ints.")
        ratio = _tuple_arg(output_ratio, nd, "output_ratio", name)
        output_size = tuple(int(input.shape[input.ndim - nd + d] * ratio[d]) for d in range(nd))
    kernel = tuple(int(k) for k in _tuple_arg(kernel_size, nd, "kernel_size", name))
    out = tuple(int(o) for o in _tuple_arg(output_size, nd, "output_size", name))
    batched = input.ndim == nd + 2
    x = input if batched else input.unsqueeze(0)
    N, C = x.shape[:2]
    in_sp = tuple(x.shape[2:])
    for i in range(1, input.ndim):
        if input.shape[i] == 0:
            where = "" if nd == 2 else "_out"
            raise RuntimeError(f"{name}{where}(): Expected input to have non-zero size for "
                               f"non-batch dimensions, but got{_shape_str(input.shape)} with "
                               f"dimension {i} being empty.")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{name}(): kernel size should be greater than zero, but got "
                           f"{'x'.join(map(str, kernel))}")
    if any(o < 0 for o in out):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: "
                           f"{_shape_str((N, C) + out)}")
    words = ("height", "width") if nd == 2 else ("time", "height", "width")
    for d in range(nd):
        # torch's 3-D check is strict (an output of in - k + 1 is refused), the 2-D one not
        if out[d] + kernel[d] - 1 > in_sp[d] - (nd == 3):
            where = "" if nd == 2 else "_out"
            raise RuntimeError(f"{name}{where}(): pool {words[d]} {kernel[d]} too large relative "
                               f"to input {words[d]} {in_sp[d]}")
    if not input.dtype.is_floating_point:
        if _random_samples is None:
            raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for "
                                      f"'{_tname(input.dtype)}'")
        raise RuntimeError("Expect _random_samples to have the same dtype as input")
    if _random_samples is None:
        s = _F.rand(N, C, nd, dtype=input.dtype, device=input.device)
    else:
        s = _random_samples
        if s.dtype is not input.dtype:
            raise RuntimeError("Expect _random_samples to have the same dtype as input")
        if s.ndim != 3:
            raise RuntimeError(f"Expect _random_samples to have 3 dimensions, got {s.ndim}")
        if s.shape[2] != nd:
            raise RuntimeError(f"Expect _random_samples.size(2) equals to {nd}; got "
                               f"{s.shape[2]}.")
        if s.shape[0] < N:
            raise RuntimeError("Expect _random_samples.size(0) no less then input batch size.")
        if s.shape[1] != C:
            raise RuntimeError("Expect _random_samples.size(1) equals to input channel size.")
    idx = _nx.fractional_indices(x._data, s._data, kernel, out)
    fn = _nx.FractionalMaxPool2D if nd == 2 else _nx.FractionalMaxPool3D
    res = fn.apply(x, idx)
    ind = Tensor._wrap(idx, D.int64)
    if not batched:
        res, ind = res.squeeze(0), ind.squeeze(0)
    return res, ind


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """2-D fractional max pooling; returns ``(output, indices)``.

    Windows of ``kernel_size`` start at pseudo-random offsets chosen so the output has
    ``output_size`` (or ``output_ratio`` times the input size). ``indices`` are flat indices
    into each input plane (as ``max_pool2d``'s).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): the window (kH, kW).
        output_size (int or tuple, optional): (oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction of the input size.
        return_indices (bool): ignored here (the indices are always returned).
        _random_samples (Tensor, optional): (N, C, 2) samples in [0, 1) in the input's dtype
            (column 0 drives the width, column 1 the height); drawn with ``ember.rand`` if None.

    Example::

        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> s = ember.full((1, 1, 2), 0.5)
        >>> out, idx = F.fractional_max_pool2d_with_indices(x, 2, (2, 2), _random_samples=s)
        >>> out
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> idx
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """2-D fractional max pooling (Graham, 2014) over (N, C, H, W) or (C, H, W).

    Args:
        input (Tensor): (N, C, H, W) or (C, H, W).
        kernel_size (int or tuple): the window (kH, kW).
        output_size (int or tuple, optional): (oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction (0, 1) of the input.
        return_indices (bool): also return the flat indices of the maxima.
        _random_samples (Tensor, optional): (N, C, 2) samples in [0, 1) fixing the windows.

    Example::

        >>> F.fractional_max_pool2d(ember.randn(2, 3, 10, 9), 3, output_ratio=0.5).shape
        torch.Size([2, 3, 5, 4])
    """
    res = _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 2)
    return res if return_indices else res[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """3-D fractional max pooling; returns ``(output, indices)``.

    Args:
        input (Tensor): (N, C, T, H, W) or (C, T, H, W).
        kernel_size (int or tuple): the window (kT, kH, kW).
        output_size (int or tuple, optional): (oT, oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction of the input size.
        return_indices (bool): ignored here (the indices are always returned).
        _random_samples (Tensor, optional): (N, C, 3) samples in [0, 1) in the input's dtype
            (columns drive time, height, width).

    Example::

        >>> x = ember.randn(1, 2, 5, 5, 5)
        >>> out, idx = F.fractional_max_pool3d_with_indices(x, 2, output_size=3)
        >>> out.shape, idx.dtype
        (torch.Size([1, 2, 3, 3, 3]), torch.int64)
    """
    return _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """3-D fractional max pooling (Graham, 2014) over (N, C, T, H, W) or (C, T, H, W).

    Args:
        input (Tensor): (N, C, T, H, W) or (C, T, H, W).
        kernel_size (int or tuple): the window (kT, kH, kW).
        output_size (int or tuple, optional): (oT, oH, oW).
        output_ratio (float or tuple, optional): output size as a fraction (0, 1) of the input.
        return_indices (bool): also return the flat indices of the maxima.
        _random_samples (Tensor, optional): (N, C, 3) samples in [0, 1) fixing the windows.

    Example::

        >>> F.fractional_max_pool3d(ember.randn(1, 2, 8, 8, 8), 2, output_ratio=0.5).shape
        torch.Size([1, 2, 4, 4, 4])
    """
    res = _fractional(input, kernel_size, output_size, output_ratio, _random_samples, 3)
    return res if return_indices else res[0]


# =========================================================================== LP pool 3d


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """3-D power-average pooling: ``(sum x^p)^(1/p)`` over each window.

    Args:
        input (Tensor): (N, C, D, H, W) or (C, D, H, W).
        norm_type (float): p (non-zero; ``inf`` gives max pooling of ``|x|``).
        kernel_size (int or tuple): the window (kD, kH, kW).
        stride (int or tuple, optional): step (default ``kernel_size``).
        ceil_mode (bool): ceil instead of floor for the output shape.

    Example::

        >>> F.lp_pool3d(ember.ones(1, 1, 2, 2, 2), 2, 2)
        tensor([[[[[2.8284]]]]])
    """
    return _FC._lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)
