"""Helpers shared by the distributions (torch.distributions.utils).

``broadcast_all`` turns parameters into broadcast tensors, ``logits_to_probs`` /
``probs_to_logits`` convert between the two parameterisations, ``lazy_property`` caches a
derived parameter on first access, and the private helpers draw raw NumPy samples from
ember's generator and wrap them as tensors on the parameters' device.
"""
import numbers

import numpy as np

import ember
from .. import _dtype as D
from .._tensor import Tensor
from ..random import _get as _get_generator

__all__ = ["broadcast_all", "logits_to_probs", "probs_to_logits", "clamp_probs", "lazy_property",
           "tril_matrix_to_vec", "vec_to_tril_matrix"]

euler_constant = 0.57721566490153286060  # Euler Mascheroni Constant


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape, as ``torch.distributions.utils.broadcast_all``.

    Numbers become tensors with the dtype and device of the first tensor argument (or the
    default dtype when there is none).

    Args:
        *values (Tensor or number): the parameters.

    Returns:
        tuple of Tensor: the broadcast tensors.

    Example::

        >>> from ember.distributions.utils import broadcast_all
        >>> a, b = broadcast_all(ember.zeros(2, 1), 1.0)
        >>> a.shape, b.shape
        (torch.Size([2, 1]), torch.Size([2, 1]))
    """
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    if not all(isinstance(v, Tensor) for v in values):
        ref = next((v for v in values if isinstance(v, Tensor)), None)
        dtype = ref.dtype if ref is not None else D.get_default_dtype()
        device = ref.device if ref is not None else None
        values = [v if isinstance(v, Tensor) else ember.tensor(v, dtype=dtype, device=device)
                  for v in values]
    return tuple(ember.broadcast_tensors(*values))


def _eps(dtype):
    return float(np.finfo(dtype.np).eps)


def _tiny(dtype):
    return float(np.finfo(dtype.np).tiny)


def clamp_probs(probs):
    """Clamp probabilities into ``[eps, 1 - eps]`` (eps of their dtype).

    Args:
        probs (Tensor): probabilities.

    Example::

        >>> from ember.distributions.utils import clamp_probs
        >>> bool(clamp_probs(ember.tensor([0.0, 1.0]))[0] > 0)
        True
    """
    eps = _eps(probs.dtype)
    return probs.clamp(min=eps, max=1 - eps)


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: a sigmoid when ``is_binary``, else a softmax over the last dim.

    Args:
        logits (Tensor): the logits.
        is_binary (bool): Bernoulli-style logits (sigmoid). Default: ``False``.

    Example::

        >>> from ember.distributions.utils import logits_to_probs
        >>> logits_to_probs(ember.tensor([0.0, 0.0]))
        tensor([0.5000, 0.5000])
    """
    if is_binary:
        return ember.sigmoid(logits)
    return ember.softmax(logits, dim=-1)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities (clamped away from 0 and 1 first).

    Args:
        probs (Tensor): probabilities.
        is_binary (bool): return ``log(p) - log1p(-p)`` (Bernoulli) instead of ``log(p)``.
            Default: ``False``.

    Example::

        >>> from ember.distributions.utils import probs_to_logits
        >>> probs_to_logits(ember.tensor([0.5]), is_binary=True)
        tensor([0.])
    """
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    """A property computed on first access and then stored on the instance (torch's helper).

    Used for the parameter a distribution was not given (``probs`` of a distribution built
    from ``logits`` and vice versa).

    Args:
        wrapped (callable): the method computing the value.

    Example::

        >>> from ember.distributions.utils import lazy_property
        >>> class A:
        ...     @lazy_property
        ...     def x(self):
        ...         return 3
        >>> A().x
        3
    """

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__
        self.__name__ = wrapped.__name__

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    """Makes ``Class.attr`` a property (for documentation tools) while keeping laziness."""

    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    """The lower-triangular entries of (a batch of) square matrices, row by row, as vectors.

    Args:
        mat (Tensor): matrices ``(..., n, n)``.
        diag (int): the highest diagonal kept (0: main diagonal). Default: 0.

    Example::

        >>> from ember.distributions.utils import tril_matrix_to_vec
        >>> tril_matrix_to_vec(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([1., 3., 4.])
    """
    n = mat.shape[-1]
    if not (-n <= diag < n):
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = np.tril_indices(n, k=diag)
    return mat[..., ember.tensor(rows.tolist(), dtype=D.int64),
               ember.tensor(cols.tolist(), dtype=D.int64)]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of :func:`tril_matrix_to_vec`: vectors back into lower-triangular matrices.

    Args:
        vec (Tensor): vectors ``(..., m)`` with ``m = n (n + 1) / 2`` for ``diag=0``.
        diag (int): the highest diagonal filled. Default: 0.

    Example::

        >>> from ember.distributions.utils import vec_to_tril_matrix
        >>> vec_to_tril_matrix(ember.tensor([1.0, 3.0, 4.0]))
        tensor([[1., 0.],
                [3., 4.]])
    """
    m = vec.shape[-1]
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * m + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    eps = float(np.finfo(vec.dtype.np).eps)
    if round(n) - n > eps:
        raise ValueError(f"The size of last dimension is {m} which cannot be expressed as "
                         "the lower triangular part of a square D x D matrix.")
    n = int(round(n))
    rows, cols = np.tril_indices(n, k=diag)
    flat_index = ember.tensor((rows * n + cols).tolist(), dtype=D.int64, device=vec.device)
    out = vec.new_zeros(tuple(vec.shape[:-1]) + (n * n,))
    out = out.index_add(-1, flat_index, vec)
    return out.reshape(tuple(vec.shape[:-1]) + (n, n))


# ----------------------------------------------------------------------------- sampling helpers


def _rng(ref=None):
    """The NumPy generator behind ember's default generator for ``ref``'s device."""
    dev = ref.device if isinstance(ref, Tensor) else None
    return _get_generator(None, dev)._rng


def _host(t):
    """A detached tensor's values as a NumPy array (copied from the GPU when needed)."""
    arr = t.detach()._data
    return arr.get() if hasattr(arr, "get") else np.asarray(arr)


def _wrap(arr, ref, dtype=None):
    """Wrap the NumPy array ``arr`` as a tensor with ``ref``'s dtype (or ``dtype``) and device."""
    dt = dtype or ref.dtype
    arr = np.asarray(arr).astype(dt.np, copy=False)
    if dt is D.bfloat16:
        arr = D.round_bf16(arr)
    dev = ref.device
    if dev.type != "cpu":
        from ..functions import _place
        arr = _place(arr, dev)
    return Tensor._wrap(arr, dt)


def _standard_normal(shape, ref):
    """Standard normal noise of ``shape`` with ``ref``'s dtype and device (no grad)."""
    np_dt = np.float64 if ref.dtype is D.float64 else np.float32
    return _wrap(_rng(ref).standard_normal(tuple(shape), dtype=np_dt), ref)


def _uniform(shape, ref):
    """Uniform ``[0, 1)`` noise of ``shape`` with ``ref``'s dtype and device (no grad)."""
    np_dt = np.float64 if ref.dtype is D.float64 else np.float32
    return _wrap(_rng(ref).random(tuple(shape), dtype=np_dt), ref)


def _sum_rightmost(value, dim):
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)
