"""More torch-level functions (``ember.tensordot``, ``ember.isin``, ``ember.sinc``, the
``*_scatter`` family, ``ember.histogram`` ...), composed from the primitives in ``ember.ops``
like those of ``functions.py``, which re-exports them. Each one is also a Tensor method where
torch has one (see ``_methods.py``).
"""
import builtins
import itertools
import math
import warnings
from collections import namedtuple

import numpy as np

from . import _dtype as D
from . import functions as F
from ._device import get_xp
from ._tensor import Tensor, Size, _wrap_dim
from .autograd.function import Function
from .ops import elementwise as E, movement as M, reduce as R
from .ops._common import wrap, prep_binary, check_same_device

__all__ = [
    "is_signed", "is_same_size", "is_conj", "is_neg", "resolve_conj", "resolve_neg",
    "tensordot", "isin", "unravel_index", "combinations", "vander", "diagflat", "signbit",
    "sinc", "copysign", "gcd", "lcm", "ldexp", "logit", "i0", "deg2rad", "rad2deg",
    "nextafter", "frexp", "logaddexp2", "logcumsumexp", "renorm", "positive", "hsplit",
    "vsplit", "dsplit", "select_scatter", "slice_scatter", "diagonal_scatter",
    "as_strided_scatter", "as_strided", "index_reduce", "nanquantile", "histogram",
    "trapezoid", "trapz", "cumulative_trapezoid", "view_as_real", "view_as_complex",
    "frombuffer", "addr", "chain_matmul", "pairwise_distance", "pdist", "scalar_tensor",
    "range", "fill", "zero_", "fill_", "put", "adjoint",
    "conj_physical", "detach", "sum_to_size",
]

_pyrange = builtins.range


def _t(x, like=None):
    """``x`` as a tensor (a Python number becomes a 0-d tensor of its natural dtype)."""
    if isinstance(x, Tensor):
        return x
    return F.as_tensor(x, device=like.device if isinstance(like, Tensor) else None)


# ============================================================================ predicates


def is_signed(input):
    """Whether ``input``'s dtype can hold negative values (False for uint8 and bool).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.is_signed(ember.tensor([1.0])), ember.tensor([1], dtype=ember.uint8).is_signed()
        (True, False)
    """
    return input._dtype.is_signed


def is_same_size(input, other):
    """Whether two tensors have the same shape.

    Args:
        input (Tensor): the first tensor.
        other (Tensor): the second tensor.

    Example::

        >>> ember.is_same_size(ember.zeros(2, 3), ember.ones(2, 3))
        True
    """
    return tuple(input.shape) == tuple(other.shape)


def is_conj(input):
    """Whether ``input`` carries a lazy conjugation bit: always ``False`` in ember.

    ember conjugates eagerly (``conj()`` computes the values), so no tensor has the bit.

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.is_conj(ember.tensor([1 + 2j]).conj())
        False
    """
    return False


def is_neg(input):
    """Whether ``input`` carries a lazy negation bit: always ``False`` in ember (negation is eager).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.is_neg(ember.tensor([1.0]))
        False
    """
    return False


def resolve_conj(input):
    """Materialise a lazy conjugation: ``input`` itself in ember (conjugation is eager).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> x = ember.tensor([1 + 2j])
        >>> ember.resolve_conj(x) is x
        True
    """
    return input


def resolve_neg(input):
    """Materialise a lazy negation: ``input`` itself in ember (negation is eager).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> x = ember.tensor([1.0])
        >>> ember.resolve_neg(x) is x
        True
    """
    return input


def positive(input):
    """``input`` itself (the unary ``+``); raises for bool tensors as torch does.

    Args:
        input (Tensor): the tensor (not bool).

    Example::

        >>> x = ember.tensor([-1.0, 2.0])
        >>> ember.positive(x) is x
        True
    """
    if input._dtype is D.bool:
        raise NotImplementedError("The `+` operator, on a bool tensor is not supported.")
    return input


def adjoint(input):
    """The conjugate transpose of the last two dimensions (a view for real tensors).

    Args:
        input (Tensor): at least 2-D.

    Example::

        >>> ember.adjoint(ember.tensor([[1 + 1j, 2], [3, 4]]))
        tensor([[1.-1.j, 3.-0.j],
                [2.-0.j, 4.-0.j]])
    """
    if input.ndim < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           "matrices. Got 1-D tensor." if input.ndim == 1 else
                           "tensor.adjoint() is only supported on matrices or batches of "
                           "matrices. Got 0-D tensor.")
    t = input.transpose(-2, -1)
    return F.conj(t) if input._dtype.is_complex else t


def conj_physical(input):
    """The elementwise complex conjugate, computed (for real tensors: ``input`` itself).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.conj_physical(ember.tensor([1 + 2j]))
        tensor([1.-2.j])
    """
    from .ops.elementwise import ConjPhysical
    return ConjPhysical.apply(input) if input._dtype.is_complex else input


def detach(input):
    """A new tensor sharing ``input``'s data, cut out of the autograd graph (``input.detach()``).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.detach(ember.ones(2, requires_grad=True)).requires_grad
        False
    """
    return input.detach()


# ============================================================================ elementwise math


def sinc(input):
    """The normalised sinc function ``sin(pi x) / (pi x)`` (1 at 0); differentiable.

    Integer inputs give the default float dtype.

    Args:
        input (Tensor): the input.

    Example::

        >>> ember.sinc(ember.tensor([0.0, 0.5]))
        tensor([1.0000, 0.6366])
    """
    return E.unary("sinc", input)


def i0(input):
    """The modified Bessel function of the first kind, order 0, elementwise; differentiable.

    Args:
        input (Tensor): the input (integers give the default float dtype).

    Example::

        >>> ember.i0(ember.tensor([0.0, 1.0]))
        tensor([1.0000, 1.2661])
    """
    return E.unary("i0", input)


def _float_input(input):
    return input if (input._dtype.is_floating_point or input._dtype.is_complex) else \
        input.to(D.get_default_dtype())


def deg2rad(input):
    """Angles in degrees converted to radians (``x * pi / 180``).

    Args:
        input (Tensor): angles in degrees (integers give the default float dtype).

    Example::

        >>> ember.deg2rad(ember.tensor([180.0, 90.0]))
        tensor([3.1416, 1.5708])
    """
    if input._dtype.is_complex:
        raise RuntimeError("deg2rad is not supported for complex tensors.")
    return _float_input(input) * (math.pi / 180.0)


def rad2deg(input):
    """Angles in radians converted to degrees (``x * 180 / pi``).

    Args:
        input (Tensor): angles in radians (integers give the default float dtype).

    Example::

        >>> ember.rad2deg(ember.tensor([math.pi]))
        tensor([180.])
    """
    if input._dtype.is_complex:
        raise RuntimeError("rad2deg is not supported for complex tensors.")
    return _float_input(input) * (180.0 / math.pi)


def signbit(input):
    """Whether the sign bit is set, elementwise (True for negative numbers and -0.0), as bool.

    Args:
        input (Tensor): a real tensor.

    Example::

        >>> ember.signbit(ember.tensor([-1.0, -0.0, 2.0]))
        tensor([ True,  True, False])
    """
    if input._dtype.is_complex:
        raise RuntimeError("signbit is not implemented for complex tensors.")
    xp = get_xp(input._data)
    if input._dtype is D.bool or not input._dtype.is_signed:
        return wrap(xp.zeros(input._data.shape, dtype=bool), D.bool)
    return wrap(xp.signbit(input._data), D.bool)


class _CopySign(Function):
    @staticmethod
    def forward(ctx, a, b, dtype_):
        xp = get_xp(a._data)
        bd = b._data if isinstance(b, Tensor) else b
        out = wrap(xp.copysign(a._data, bd), dtype_)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        # d copysign(a, b) / da = sign agreement (0 at a == 0, torch's convention); b: none
        ratio = (out / a.masked_fill(a == 0, 1.0)).masked_fill(a == 0, 0.0)
        return g * ratio, None


def copysign(input, other):
    """``input``'s magnitudes with ``other``'s signs, elementwise (always floating).

    Differentiable in ``input`` (the gradient of the sign of ``other`` is zero).

    Args:
        input (Tensor): the magnitudes.
        other (Tensor or number): the signs (broadcastable).

    Example::

        >>> ember.copysign(ember.tensor([1.0, -2.0, 3.0]), -1.0)
        tensor([-1., -2., -3.])
    """
    a, b, rt = prep_binary(input, other)
    if not (rt.is_floating_point):
        rt = D.get_default_dtype()
    a = _t(a).to(rt)
    if isinstance(b, Tensor):
        b = b.to(rt)
        a, b = F.broadcast_tensors(a, b)
    return _CopySign.apply(a, b, dtype_=rt)


def _int_binary(name, npfn, input, other):
    a, b, rt = prep_binary(input, other)
    if rt.is_floating_point or rt.is_complex or rt is D.bool:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{F._type_label(rt)}\'')
    ta = _t(a)
    xp = get_xp(ta._data)
    bd = b._data if isinstance(b, Tensor) else b
    return wrap(npfn(xp, ta._data, bd), rt)


def gcd(input, other):
    """The greatest common divisor, elementwise (integer tensors; ``gcd(0, 0) = 0``).

    Args:
        input (Tensor): integers.
        other (Tensor): integers (broadcastable).

    Example::

        >>> ember.gcd(ember.tensor([12, 7, 0]), ember.tensor([18, 3, 0]))
        tensor([6, 1, 0])
    """
    return _int_binary("gcd", lambda xp, a, b: xp.gcd(a, b), input, other)


def lcm(input, other):
    """The least common multiple, elementwise (integer tensors).

    Args:
        input (Tensor): integers.
        other (Tensor): integers (broadcastable).

    Example::

        >>> ember.lcm(ember.tensor([4, 6]), ember.tensor([6, 4]))
        tensor([12, 12])
    """
    return _int_binary("lcm", lambda xp, a, b: xp.lcm(a, b), input, other)


def ldexp(input, other):
    """``input * 2 ** other`` elementwise (floating result); differentiable.

    Args:
        input (Tensor): the mantissas.
        other (Tensor): the exponents (usually integers; broadcastable).

    Example::

        >>> ember.ldexp(ember.tensor([1.0, 3.0]), ember.tensor([2, 1]))
        tensor([4., 6.])
    """
    input = _t(input)
    other = _t(other, input)
    return _float_input(input) * F.pow(2.0, other).to(
        D.promote_types(_float_input(input)._dtype, D.get_default_dtype())
        if not other._dtype.is_floating_point else other._dtype)


def logit(input, eps=None):
    """The log-odds ``log(p / (1 - p))``; with ``eps`` the input is first clamped to ``[eps, 1 - eps]``.

    Differentiable (zero gradient where ``eps`` clamps).

    Args:
        input (Tensor): probabilities.
        eps (float, optional): the clamping margin. Default: no clamping (0 and 1 give -inf
            and inf).

    Example::

        >>> ember.logit(ember.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
        >>> ember.logit(ember.tensor([0.0]), eps=1e-6)
        tensor([-13.8155])
    """
    from .ops import special_ops as S
    # one primitive (torch's gradient: 1 / (x (1 - x)), inf at 0 and 1; 0 where eps clamps)
    return S.Logit.apply(_float_input(input), None if eps is None else float(eps))


def nextafter(input, other):
    """The next floating-point value after ``input`` towards ``other``, elementwise.

    Not differentiable.

    Args:
        input (Tensor): floating-point values.
        other (Tensor): the directions (broadcastable).

    Example::

        >>> ember.nextafter(ember.tensor([1.0], dtype=ember.float64), ember.tensor([2.0], dtype=ember.float64)) - 1
        tensor([2.2204e-16], dtype=torch.float64)
    """
    a, b, rt = prep_binary(input, other)
    if not rt.is_floating_point:
        raise NotImplementedError(f'"nextafter_cpu" not implemented for \'{F._type_label(rt)}\'')
    ta = _t(a)
    xp = get_xp(ta._data)
    bd = b._data if isinstance(b, Tensor) else b
    return wrap(xp.nextafter(ta._data.astype(rt.np), xp.asarray(bd, dtype=rt.np)), rt)


_Frexp = namedtuple("frexp", ["mantissa", "exponent"])


def frexp(input):
    """Split floats into mantissa in ``[0.5, 1)`` (in absolute value) and int32 exponent: ``x = m * 2 ** e``.

    Args:
        input (Tensor): floating-point values.

    Returns:
        a named tuple ``(mantissa, exponent)``.

    Example::

        >>> ember.frexp(ember.tensor([8.0, 0.5]))
        frexp(mantissa=tensor([0.5000, 0.5000]), exponent=tensor([4, 0], dtype=torch.int32))
    """
    if not input._dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    xp = get_xp(input._data)
    m, e = xp.frexp(input.detach()._data)
    return _Frexp(wrap(m, input._dtype), wrap(e.astype(np.int32), D.int32))


def logaddexp2(input, other):
    """``log2(2 ** input + 2 ** other)`` elementwise, computed without overflow; differentiable.

    Args:
        input (Tensor): the first operand.
        other (Tensor): the second operand (broadcastable).

    Example::

        >>> ember.logaddexp2(ember.tensor([1.0, -100.0]), ember.tensor([1.0, -100.0]))
        tensor([  2., -99.])
    """
    m = F.maximum(input, other).detach()
    m = F.where(F.isfinite(m), m, F.zeros_like(m))
    return ((input - m).exp2() + (other - m).exp2()).log2() + m


def logcumsumexp(input, dim):
    """``log(cumsum(exp(input), dim))``, computed stably; differentiable.

    Args:
        input (Tensor): floating-point input.
        dim (int): the dimension to accumulate along.

    Example::

        >>> ember.logcumsumexp(ember.tensor([0.0, 0.0, 0.0]), 0)
        tensor([0.0000, 0.6931, 1.0986])
    """
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                                  f"'{F._type_label(input._dtype)}'")
    d = _wrap_dim(dim, input.ndim)
    return R.LogCumSumExp.apply(input, d)


def renorm(input, p, dim, maxnorm):
    """Rescale each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` to norm ``maxnorm``.

    A slice is ``input.select(dim, i)``; slices within the bound are unchanged.
    Differentiable.

    Args:
        input (Tensor): floating-point input.
        p (float): the norm's order.
        dim (int): the dimension whose slices are renormalised.
        maxnorm (float): the largest allowed norm.

    Example::

        >>> ember.renorm(ember.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0)
        tensor([[0.6000, 0.8000],
                [0.3000, 0.4000]])
    """
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {F._type_label(input._dtype)}")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = _wrap_dim(dim, input.ndim)
    others = tuple(i for i in _pyrange(input.ndim) if i != d)
    norms = F.vector_norm(input, p, dim=others, keepdim=True)
    factor = F.where(norms > maxnorm, maxnorm / (norms + 1e-7), F.ones_like(norms))
    return input * factor


# ============================================================================ linear algebra


@F._writes_out
def tensordot(a, b, dims=2, out=None):
    """Contract ``a`` and ``b`` over the given dimensions (a generalised matrix product).

    ``dims=n`` contracts the last ``n`` dimensions of ``a`` with the first ``n`` of ``b``;
    ``dims=([i...], [j...])`` contracts ``a``'s dims ``i`` with ``b``'s dims ``j``.
    Differentiable.

    Args:
        a (Tensor): the left operand.
        b (Tensor): the right operand.
        dims (int, tuple of two lists, or Tensor): what to contract. Default: 2.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 4), dims=1).shape
        torch.Size([2, 4])
        >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 2), dims=([0, 1], [1, 0]))
        tensor(6.)
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        n = int(dims)
        if n < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={n}")
        if n > a.ndim or n > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={n}")
        da, db = list(_pyrange(a.ndim - n, a.ndim)), list(_pyrange(n))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    da = [_wrap_dim(d, a.ndim) for d in da]
    db = [_wrap_dim(d, b.ndim) for d in db]
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size "
                               f"{a.shape[i]} in dim {i} and second has size {b.shape[j]} in "
                               f"dim {j}")
    fa = [i for i in _pyrange(a.ndim) if i not in da]
    fb = [j for j in _pyrange(b.ndim) if j not in db]
    k = int(np.prod([a.shape[i] for i in da])) if da else 1
    am = a.permute(fa + da).reshape(-1, k)
    bm = b.permute(db + fb).reshape(k, -1)
    out_shape = [a.shape[i] for i in fa] + [b.shape[j] for j in fb]
    return (am @ bm).reshape(out_shape)


@F._writes_out
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``; differentiable.

    With ``beta=0``, ``input`` is ignored (its NaNs do not propagate).

    Args:
        input (Tensor): the matrix to add (broadcastable to ``(n, m)``).
        vec1 (Tensor): a vector of size ``n``.
        vec2 (Tensor): a vector of size ``m``.
        beta (number): the multiplier of ``input``. Default: 1.
        alpha (number): the multiplier of the outer product. Default: 1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.addr(ember.zeros(2, 2), ember.tensor([1.0, 2.0]), ember.tensor([1.0, 3.0]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
                           if vec1.ndim != 1 else
                           f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    rt = D.promote_types(D.promote_types(input._dtype, vec1._dtype), vec2._dtype)
    if not (rt.is_floating_point or rt.is_complex) and (
            isinstance(alpha, float) or isinstance(beta, float)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number." if isinstance(alpha, float) else
                           "For integral input tensors, argument beta must not be a floating "
                           "point number.")
    prod = F.outer(vec1, vec2)
    if alpha != 1:
        prod = prod * alpha
    shape = (vec1.shape[0], vec2.shape[0])
    if beta == 0:
        return F.broadcast_to(prod, shape).to(rt) + F.zeros(shape, dtype=rt,
                                                             device=input.device)
    base = input if beta == 1 else input * beta
    return F.broadcast_to((base + prod).to(rt), shape)


@F._writes_out
def chain_matmul(*matrices, out=None):
    """The product of 2-D matrices ``m1 @ m2 @ ...`` (deprecated in torch: use ``linalg.multi_dot``).

    Args:
        *matrices (Tensor): two or more 2-D tensors (one is returned as a copy).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 4), ember.ones(4, 1))
        tensor([[12.],
                [12.]])
    """
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    res = matrices[0]
    for m in matrices[1:]:
        res = res @ m
    return res


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D tensor: columns are powers of ``x``.

    Column ``i`` is ``x ** (N - 1 - i)`` (or ``x ** i`` with ``increasing=True``). Integer
    inputs give int64. Differentiable.

    Args:
        x (Tensor): a 1-D tensor.
        N (int, optional): the number of columns. Default: ``len(x)``.
        increasing (bool): powers increase left to right. Default: ``False``.

    Example::

        >>> ember.vander(ember.tensor([1, 2, 3]), N=3)
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = x._dtype
    if not (dt.is_floating_point or dt.is_complex):
        dt = D.int64
    x = x.to(dt)
    if n == 0:
        return F.zeros(x.shape[0], 0, dtype=dt, device=x.device)
    cols = [F.ones(x.shape[0], 1, dtype=dt, device=x.device)]
    if n > 1:
        cols.append(x.unsqueeze(1).expand(x.shape[0], n - 1))
    res = F.cat(cols, 1).cumprod(1)
    return res if increasing else res.flip(1)


def diagflat(input, offset=0):
    """A 2-D tensor with the flattened ``input`` on the ``offset``-th diagonal.

    Args:
        input (Tensor): any shape (flattened first).
        offset (int): 0 the main diagonal, > 0 above it, < 0 below it. Default: 0.

    Example::

        >>> ember.diagflat(ember.tensor([[1, 2], [3, 4]]))
        tensor([[1, 0, 0, 0],
                [0, 2, 0, 0],
                [0, 0, 3, 0],
                [0, 0, 0, 4]])
    """
    return F.diag(input.reshape(-1), offset)


def combinations(input, r=2, with_replacement=False):
    """All length-``r`` combinations of the elements of a 1-D tensor, as rows (like itertools).

    Differentiable (the rows gather ``input``'s elements).

    Args:
        input (Tensor): a 1-D tensor.
        r (int): the combination length. Default: 2.
        with_replacement (bool): allow repeated elements. Default: ``False``.

    Example::

        >>> ember.combinations(ember.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return F.empty(0, dtype=input._dtype, device=input.device)
    gen = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    idx = np.array(list(gen(_pyrange(input.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    it = F.as_tensor(idx, device=input.device)
    return input[it.reshape(-1)].reshape(idx.shape)


def unravel_index(indices, shape):
    """Convert flat indices into coordinates of a tensor of ``shape`` (C order), one tensor per dimension.

    Args:
        indices (Tensor or int): integer flat indices (negative ones count from the end).
        shape (int or sequence of int): the shape to index into.

    Returns:
        a tuple of int64 tensors, each of ``indices``' shape.

    Example::

        >>> ember.unravel_index(ember.tensor([5, 7]), (2, 4))
        (tensor([1, 1]), tensor([1, 3]))
    """
    if not isinstance(indices, Tensor):
        indices = F.as_tensor(indices)
    if indices._dtype.is_floating_point or indices._dtype.is_complex or \
            indices._dtype is D.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices._dtype}")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if builtins.any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    total = int(np.prod(shape)) if shape else 1
    xp = get_xp(indices._data)
    idx = indices._data.astype(np.int64)
    if idx.size and (idx.min() < -total or idx.max() >= total):
        raise RuntimeError("'indices' must be in range [-{0}, {1}), but got a value out of "
                           "range".format(total, total))
    idx = xp.where(idx < 0, idx + total, idx)
    out = []
    for s in reversed(shape):
        out.append(idx % s if s else idx * 0)
        idx = idx // s if s else idx
    return tuple(wrap(o, D.int64) for o in reversed(out))


# ============================================================================ membership / stats


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` occurs in ``test_elements``, as a bool tensor.

    Either argument may be a number (a number ``elements`` gives a 0-d result).

    Args:
        elements (Tensor or number): the values to look up.
        test_elements (Tensor or number): the values to look for.
        assume_unique (bool): accepted for torch compatibility (a speed hint). Default:
            ``False``.
        invert (bool): return "not in" instead. Default: ``False``.

    Example::

        >>> ember.isin(ember.tensor([[1, 2], [3, 4]]), ember.tensor([2, 3]))
        tensor([[False,  True],
                [ True, False]])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments - at least one "
                        "of elements and test_elements must be a Tensor")
    e = _t(elements, test_elements)
    t = _t(test_elements, e)
    check_same_device(e, t)
    xp = get_xp(e._data)
    rt = D.promote_types(e._dtype, t._dtype)
    res = xp.isin(e._data.astype(rt.np), t._data.astype(rt.np), invert=invert)
    return wrap(xp.asarray(res), D.bool)


_Histogram = namedtuple("histogram", ["hist", "bin_edges"])


@F._writes_out
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):  # noqa: A002
    """A histogram of the values of ``input``, as a named tuple ``(hist, bin_edges)``.

    ``bins`` equal-width bins span ``range`` (default: the data's min and max); a 1-D tensor
    ``bins`` gives the edges. The last bin includes its right edge. Values outside are
    ignored.

    Args:
        input (Tensor): floating-point values (flattened).
        bins (int or Tensor): the number of bins, or the increasing bin edges. Default: 100.
        range (tuple of 2 floats, optional): the lower and upper edge (``bins`` an int).
        weight (Tensor, optional): a weight per element of ``input`` (same shape).
        density (bool): normalise so the histogram integrates to 1. Default: ``False``.
        out (tuple, optional): write the result into these tensors.

    Example::

        >>> ember.histogram(ember.tensor([1.0, 2.0, 1.0]), bins=4, range=(0.0, 3.0))
        histogram(hist=tensor([0., 2., 1., 0.]), bin_edges=tensor([0.0000, 0.7500, 1.5000, 2.2500, 3.0000]))
    """
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"histogramdd" not implemented for '
                                  f"'{F._type_label(input._dtype)}'")
    data = input.detach().cpu()._data.reshape(-1)
    w = None if weight is None else weight.detach().cpu()._data.reshape(-1)
    if w is not None and w.shape != data.shape:
        raise RuntimeError("torch.histogram: if weight tensor is provided it should have the "
                           "same shape as the input tensor excluding its innermost dimension")
    if isinstance(bins, Tensor):
        edges = bins.detach().cpu()._data.astype(data.dtype)
    else:
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif data.size:
            lo, hi = float(data.min()), float(data.max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(f"torch.histogram: min should not exceed max, but got min {lo} "
                               f"max {hi}")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, int(bins) + 1).astype(data.dtype)
    h, _ = np.histogram(data, bins=edges.astype(np.float64), weights=w)
    h = h.astype(data.dtype)
    if density:
        total = h.sum()
        h = h / (total * np.diff(edges)) if total else h
    dev = input.device
    return _Histogram(F.as_tensor(h.astype(data.dtype), device=dev),
                      F.as_tensor(edges, device=dev))


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """Like :func:`ember.quantile`, ignoring NaNs (a slice of only NaNs gives NaN); differentiable.

    Args:
        input (Tensor): floating-point input.
        q (float or Tensor): quantile(s) in ``[0, 1]``.
        dim (int, optional): the dimension to reduce. Default: all elements (flattened).
        keepdim (bool): keep the reduced dimension with size 1. Default: ``False``.
        interpolation (str): ``'linear'``, ``'lower'``, ``'higher'``, ``'nearest'`` or
            ``'midpoint'``. Default: ``'linear'``.

    Example::

        >>> ember.nanquantile(ember.tensor([1.0, float('nan'), 3.0]), 0.5)
        tensor(2.)
    """
    if not input._dtype.is_floating_point:
        raise RuntimeError(f"nanquantile() input tensor must be either float or double dtype")
    if interpolation not in ("linear", "lower", "higher", "nearest", "midpoint"):
        raise ValueError("quantile() interpolation must be one of linear, lower, higher, "
                         f"midpoint or nearest. Got {interpolation}")
    x = input.reshape(-1) if dim is None else input
    if x.ndim == 0:
        x = x.reshape(1)
    d = 0 if dim is None else _wrap_dim(dim, x.ndim)
    qs = q if isinstance(q, Tensor) else F.as_tensor(q, dtype=input._dtype)
    qv = qs.detach().cpu()._data.reshape(-1).astype(np.float64)
    if qv.size and (qv.min() < 0 or qv.max() > 1):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    xm = x.movedim(d, -1)
    srt = F.sort(xm, -1).values  # NaNs sort last
    xp = get_xp(srt._data)
    n_valid = (~xp.isnan(srt.detach()._data)).sum(-1, keepdims=True)  # (..., 1)
    last = srt.shape[-1] - 1
    outs = []
    for qq in qv:
        pos = qq * (n_valid - 1).astype(np.float64)
        lo = xp.floor(pos)
        frac_ = pos - lo
        lo_i = xp.clip(lo, 0, last).astype(np.int64)
        hi_i = xp.clip(xp.minimum(lo + 1, n_valid - 1), 0, last).astype(np.int64)
        a = srt.gather(-1, wrap(lo_i, D.int64))
        b = srt.gather(-1, wrap(hi_i, D.int64))
        fr = wrap(frac_, input._dtype)
        if interpolation == "linear":
            v = a + (b - a) * fr
        elif interpolation == "lower":
            v = a
        elif interpolation == "higher":
            v = F.where(wrap(frac_ > 0, D.bool), b, a)
        elif interpolation == "nearest":
            # round half to even, as torch
            v = F.where(wrap(xp.round(pos) > lo, D.bool), b, a)
        else:
            v = F.where(wrap(frac_ > 0, D.bool), (a + b) / 2, a)
        v = F.where(wrap(n_valid == 0, D.bool), F.full_like(v, float("nan")), v)
        v = v.movedim(-1, d)
        if not keepdim or dim is None:
            v = v.squeeze(d) if x.ndim else v
        outs.append(v)
    if qs.ndim == 0:
        res = outs[0]
        if dim is None:
            res = res.reshape([1] * input.ndim) if keepdim else res.reshape(())
        return res
    res = F.stack(outs, 0)
    if dim is None:
        res = res.reshape([len(outs)] + ([1] * input.ndim if keepdim else []))
    return res


# ============================================================================ integration


def _trapz_dx(y, dx, dim):
    n = y.shape[dim]
    if n == 0:
        return F.zeros_like(y.sum(dim))
    return ((y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) * (dx / 2)).sum(dim)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoidal rule; differentiable.

    Sample points are ``x`` when given, else equally spaced by ``dx`` (default 1).

    Args:
        y (Tensor): the values.
        x (Tensor, optional): the sample points (1-D of ``y.shape[dim]`` or ``y``'s shape).
        dx (float, optional): the spacing when ``x`` is not given. Default: 1.
        dim (int): the dimension to integrate along. Default: -1.

    Example::

        >>> ember.trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
        >>> ember.trapezoid(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([0.0, 1.0, 3.0]))
        tensor(6.5000)
    """
    d = _wrap_dim(dim, y.ndim)
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments - got both "
                        "x and dx")
    if not (y._dtype.is_floating_point or y._dtype.is_complex):
        y = y.to(D.get_default_dtype())
    if x is None:
        return _trapz_dx(y, 1 if dx is None else dx, d)
    if not isinstance(x, Tensor):
        return _trapz_dx(y, x, d)
    n = y.shape[d]
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = n
        x = x.reshape(shape)
    if n == 0:
        return F.zeros_like(y.sum(d))
    dxs = F.diff(x, dim=d if x.ndim == y.ndim else -1)
    return (dxs * (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) / 2).sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`ember.trapezoid`.

    Args:
        y (Tensor): the values.
        x (Tensor, optional): the sample points.
        dx (float, optional): the spacing when ``x`` is not given. Default: 1.
        dim (int): the dimension to integrate along. Default: -1.

    Example::

        >>> ember.trapz(ember.tensor([1.0, 2.0, 3.0]), dx=2)
        tensor(8.)
    """
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral of ``y`` along ``dim`` (one element shorter); differentiable.

    Args:
        y (Tensor): the values.
        x (Tensor, optional): the sample points (1-D of ``y.shape[dim]`` or ``y``'s shape).
        dx (float, optional): the spacing when ``x`` is not given. Default: 1.
        dim (int): the dimension to integrate along. Default: -1.

    Example::

        >>> ember.cumulative_trapezoid(ember.tensor([1.0, 2.0, 3.0]))
        tensor([1.5000, 4.0000])
    """
    d = _wrap_dim(dim, y.ndim)
    if not (y._dtype.is_floating_point or y._dtype.is_complex):
        y = y.to(D.get_default_dtype())
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0)
    avg = (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) / 2
    if isinstance(x, Tensor):
        if x.ndim == 1:
            if x.shape[0] != n:
                raise RuntimeError("cumulative_trapezoid: There must be one `x` value for each "
                                   "sample point")
            shape = [1] * y.ndim
            shape[d] = n
            x = x.reshape(shape)
        avg = avg * F.diff(x, dim=d)
    else:
        step = x if x is not None else (1 if dx is None else dx)
        avg = avg * step
    return avg.cumsum(d)


# ============================================================================ splitting


def _split_dir(name, input, sections, dim, min_dim):
    if input.ndim < min_dim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, "
                           f"but got a tensor with {input.ndim} dimensions!")
    if isinstance(sections, (int, np.integer)):
        size = input.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the "
                               f"size of the dimension {size} is not divisible by the "
                               f"split_size {sections}!")
    return F.tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """Split horizontally: along dim 1 (dim 0 for 1-D tensors) into equal parts or at indices.

    Args:
        input (Tensor): at least 1-D.
        indices_or_sections (int or list of int): the number of equal parts (must divide
            the size), or the split indices.

    Example::

        >>> [t.shape for t in ember.hsplit(ember.zeros(2, 4), 2)]
        [torch.Size([2, 2]), torch.Size([2, 2])]
    """
    return _split_dir("hsplit", input, indices_or_sections, 0 if input.ndim == 1 else 1, 1)


def vsplit(input, indices_or_sections):
    """Split vertically: along dim 0 into equal parts or at indices (input at least 2-D).

    Args:
        input (Tensor): at least 2-D.
        indices_or_sections (int or list of int): the number of equal parts, or the indices.

    Example::

        >>> [t.shape for t in ember.vsplit(ember.zeros(4, 2), [1])]
        [torch.Size([1, 2]), torch.Size([3, 2])]
    """
    return _split_dir("vsplit", input, indices_or_sections, 0, 2)


def dsplit(input, indices_or_sections):
    """Split depth-wise: along dim 2 into equal parts or at indices (input at least 3-D).

    Args:
        input (Tensor): at least 3-D.
        indices_or_sections (int or list of int): the number of equal parts, or the indices.

    Example::

        >>> [t.shape for t in ember.dsplit(ember.zeros(1, 2, 4), 2)]
        [torch.Size([1, 2, 2]), torch.Size([1, 2, 2])]
    """
    return _split_dir("dsplit", input, indices_or_sections, 2, 3)


# ============================================================================ *_scatter


def _contig_strides(shape):
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= s
    return list(reversed(st))


def _view_scatter(input, src, size, stride, offset):
    if tuple(src.shape) != tuple(size):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src.shape)}, slice size = {list(size)}")
    check_same_device(input, src)
    if src._dtype is not input._dtype:
        src = src.to(input._dtype)
    return M.ViewScatter.apply(input, src, tuple(size), tuple(stride), offset)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` written into ``input[..., start:end:step, ...]`` (along ``dim``).

    Differentiable in both ``input`` and ``src``.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values; its shape must be the slice's shape.
        dim (int): the sliced dimension. Default: 0.
        start (int, optional): the first index. Default: 0.
        end (int, optional): the end index (exclusive). Default: the size.
        step (int): the step. Default: 1.

    Example::

        >>> ember.slice_scatter(ember.zeros(4), ember.ones(2), start=1, end=3)
        tensor([0., 1., 1., 0.])
    """
    d = _wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    idx = _pyrange(input.shape[d])[slice(start, end, step)]
    st = _contig_strides(input.shape)
    size = list(input.shape)
    size[d] = len(idx)
    offset = (idx.start if len(idx) else 0) * st[d]
    stride = list(st)
    stride[d] = st[d] * step
    return _view_scatter(input, src, size, stride, offset)


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``src`` written into ``input.select(dim, index)``; differentiable.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values; shape of ``input`` without ``dim``.
        dim (int): the dimension to select along.
        index (int): the position (negative counts from the end).

    Example::

        >>> ember.select_scatter(ember.zeros(2, 2), ember.ones(2), 0, 0)
        tensor([[1., 1.],
                [0., 0.]])
    """
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    index = index + n if index < 0 else index
    st = _contig_strides(input.shape)
    size = [s for i, s in enumerate(input.shape) if i != d]
    stride = [s for i, s in enumerate(st) if i != d]
    return _view_scatter(input, src, size, stride, index * st[d])


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` written into ``input.diagonal(offset, dim1, dim2)``; differentiable.

    Args:
        input (Tensor): at least 2-D.
        src (Tensor): the values; the diagonal's shape.
        offset (int): which diagonal (0 main, > 0 above, < 0 below). Default: 0.
        dim1 (int): the first dimension of the matrices. Default: 0.
        dim2 (int): the second dimension of the matrices. Default: 1.

    Example::

        >>> ember.diagonal_scatter(ember.zeros(3, 3), ember.ones(2), 1)
        tensor([[0., 1., 0.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    d1, d2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    st = _contig_strides(input.shape)
    n1, n2 = input.shape[d1], input.shape[d2]
    if offset >= 0:
        length = builtins.max(builtins.min(n1, n2 - offset), 0)
        start = offset * st[d2]
    else:
        length = builtins.max(builtins.min(n1 + offset, n2), 0)
        start = -offset * st[d1]
    if length == 0:
        start = 0
    size = [s for i, s in enumerate(input.shape) if i not in (d1, d2)] + [length]
    stride = [s for i, s in enumerate(st) if i not in (d1, d2)] + [st[d1] + st[d2]]
    return _view_scatter(input, src, size, stride, start)


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of ``input`` with ``src`` written into ``input.as_strided(size, stride, storage_offset)``.

    The strides address ``input``'s elements in C order (its contiguous layout).
    Differentiable.

    Args:
        input (Tensor): the tensor to copy.
        src (Tensor): the values, of shape ``size``.
        size (sequence of int): the view's shape.
        stride (sequence of int): the view's strides, in elements.
        storage_offset (int, optional): the view's first element. Default: 0.

    Example::

        >>> ember.as_strided_scatter(ember.zeros(4), ember.ones(2), (2,), (2,))
        tensor([1., 0., 1., 0.])
    """
    size, stride = [int(s) for s in size], [int(s) for s in stride]
    off = 0 if storage_offset is None else int(storage_offset)
    if size and builtins.all(s > 0 for s in size):
        last = off + builtins.sum((n - 1) * s for n, s in zip(size, stride))
        if last >= input.numel():
            raise RuntimeError(f"setStorage: sizes {size}, strides {stride}, storage offset "
                               f"{off} out of bounds for a storage of {input.numel()} elements")
    return _view_scatter(input, src, size, stride, off)


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s memory with the given shape, strides and first element (``input.as_strided``).

    ``storage_offset`` counts from the start of the underlying storage (the base tensor's
    memory), as torch.

    Args:
        input (Tensor): the tensor.
        size (sequence of int): the view's shape.
        stride (sequence of int): the strides, in elements.
        storage_offset (int, optional): the first element's position in the storage.
            Default: ``input.storage_offset()``.

    Example::

        >>> ember.as_strided(ember.arange(6), (2, 2), (3, 1))
        tensor([[0, 1],
                [3, 4]])
    """
    return input.as_strided(size, stride, storage_offset)


# ============================================================================ index_reduce


class _IndexReduce(Function):
    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        xp = get_xp(x._data)
        xm = xp.moveaxis(x._data, dim, 0)
        sm = xp.moveaxis(src._data, dim, 0)
        idx = index._data.astype(np.int64)
        out = xm.copy()
        cnt = xp.zeros(xm.shape[0], dtype=np.int64)
        np.add.at(cnt, idx, 1)
        hit = cnt > 0
        if not include_self:
            fill = {"prod": 1, "mean": 0, "amax": -np.inf, "amin": np.inf}[reduce]
            if reduce in ("amax", "amin") and not x._dtype.is_floating_point:
                info = np.iinfo(x._dtype.np) if x._dtype is not D.bool else None
                fill = info.min if reduce == "amax" else info.max
            out[hit] = fill
        if reduce == "prod":
            np.multiply.at(out, idx, sm)
        elif reduce == "mean":
            np.add.at(out, idx, sm)
            c = (cnt + (1 if include_self else 0)).reshape((-1,) + (1,) * (xm.ndim - 1))
            c = xp.maximum(c, 1)
            out = out / c if x._dtype.is_floating_point else out // c
        elif reduce == "amax":
            np.maximum.at(out, idx, sm)
        else:
            np.minimum.at(out, idx, sm)
        res = wrap(xp.moveaxis(out.astype(x._dtype.np), 0, dim), x._dtype)
        ctx.meta = (dim, reduce, include_self)
        ctx.save_for_backward(x, index, src, res)
        return res

    @staticmethod
    def backward(ctx, g):
        x, index, src, out = ctx.saved_tensors
        dim, reduce, include_self = ctx.meta
        xp = get_xp(g._data)
        idx = index._data.astype(np.int64)
        gm, xm = xp.moveaxis(g._data, dim, 0), xp.moveaxis(x._data, dim, 0)
        sm, om = xp.moveaxis(src._data, dim, 0), xp.moveaxis(out._data, dim, 0)
        cnt = xp.zeros(xm.shape[0], dtype=np.int64)
        np.add.at(cnt, idx, 1)
        hit = (cnt > 0).reshape((-1,) + (1,) * (xm.ndim - 1))
        if reduce == "mean":
            c = xp.maximum(cnt + (1 if include_self else 0), 1).reshape(hit.shape)
            gx = gm / c
            if not include_self:
                gx = xp.where(hit, 0, gm)
            gs = (gm / c)[idx]
        elif reduce == "prod":
            # product of everything at the position except the element itself; zeros counted
            # so that a single zero still passes a gradient (as torch)
            zs = (sm == 0).astype(np.int64)
            nz = xp.zeros(om.shape, dtype=np.int64)
            np.add.at(nz, idx, zs)
            prod_nz = xp.ones(om.shape, dtype=om.dtype)
            np.multiply.at(prod_nz, idx, xp.where(sm == 0, 1, sm))
            base = xm if include_self else xp.ones_like(xm)
            bz = (base == 0).astype(np.int64)
            tot_z = nz + bz
            prod_all_nz = prod_nz * xp.where(base == 0, 1, base)
            gx = xp.where(bz == 1, xp.where(tot_z == 1, prod_nz, 0), om / xp.where(base == 0, 1,
                                                                                     base))
            gx = gm * gx if include_self else xp.where(hit, 0, gm)
            if include_self:
                gx = xp.where(hit, gx, gm)
            tz, pa = tot_z[idx], prod_all_nz[idx]
            gs = xp.where(sm == 0, xp.where(tz == 1, pa, 0),
                          om[idx] / xp.where(sm == 0, 1, sm)) * gm[idx]
        else:
            # amax/amin: the gradient is shared evenly by all elements equal to the result
            sel_s = (sm == om[idx])
            sel_x = (xm == om) if include_self else xp.zeros(xm.shape, dtype=bool)
            n = sel_x.astype(np.int64)
            np.add.at(n, idx, sel_s.astype(np.int64))
            n = xp.maximum(n, 1)
            gx = xp.where(sel_x, gm / n, 0) if include_self else xp.where(hit, 0, gm)
            if include_self:
                gx = xp.where(hit, gx, gm)
            gs = xp.where(sel_s, (gm / n)[idx], 0)
        return (wrap(xp.moveaxis(gx, 0, dim), g._dtype), None, None,
                wrap(xp.moveaxis(gs, 0, dim), g._dtype), None, None)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """A copy of ``input`` with the slices of ``source`` reduced into the slices at ``index`` along ``dim``.

    Slice ``i`` of ``source`` (along ``dim``) is combined into slice ``index[i]`` of the
    result with ``reduce``. With ``include_self=False`` the existing values at indexed
    positions do not take part. Differentiable (``amax``/``amin`` share the gradient between
    ties, as torch).

    Args:
        input (Tensor): the input.
        dim (int): the dimension to index along.
        index (Tensor): 1-D int64 positions, one per slice of ``source``.
        source (Tensor): the values (``input``'s shape except ``len(index)`` along ``dim``).
        reduce (str): ``'prod'``, ``'mean'``, ``'amax'`` or ``'amin'``.
        include_self (bool): whether the existing values take part. Default: ``True``.

    Example::

        >>> ember.index_reduce(ember.ones(3), 0, ember.tensor([0, 0, 2]), ember.tensor([2.0, 3.0, 4.0]), 'prod')
        tensor([6., 1., 4.])
        >>> ember.index_reduce(ember.zeros(2), 0, ember.tensor([1, 1]), ember.tensor([2.0, 4.0]), 'mean', include_self=False)
        tensor([0., 3.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d = _wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if index._dtype not in (D.int64, D.int32):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{index._dtype}")
    index = index.reshape(-1)
    if source.ndim and source.shape[d] != index.shape[0]:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.shape[0]}) should be "
                           f"equal to source.size(dim) ({source.shape[d]})")
    if input._dtype is not source._dtype:
        raise RuntimeError(f"index_reduce_(): self ({input._dtype}) and source "
                           f"({source._dtype}) must have the same scalar type")
    check_same_device(input, source)
    if index.numel() and (int(index.max()) >= input.shape[d] or int(index.min()) < 0):
        raise IndexError(f"index out of range in self")
    x = input.reshape(1) if input.ndim == 0 else input
    s = source.reshape(1) if source.ndim == 0 else source
    return _IndexReduce.apply(x, d, index, s, reduce, include_self).reshape(input.shape)


# ============================================================================ complex views


def view_as_real(input):
    """A real view of a complex tensor, with a trailing dimension of 2 (real, imaginary); differentiable.

    Args:
        input (Tensor): a complex tensor.

    Example::

        >>> ember.view_as_real(ember.tensor([1 + 2j, 3 - 1j]))
        tensor([[ 1.,  2.],
                [ 3., -1.]])
    """
    if not input._dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return M.ViewAsReal.apply(input)


def view_as_complex(input):
    """A complex view of a real tensor whose last dimension is 2 (real, imaginary); differentiable.

    Args:
        input (Tensor): float32 or float64, last dimension of size 2 with stride 1.

    Example::

        >>> ember.view_as_complex(ember.tensor([[1.0, 2.0], [3.0, -1.0]]))
        tensor([1.+2.j, 3.-1.j])
    """
    if input._dtype not in (D.float32, D.float64):
        raise RuntimeError("view_as_complex is only supported for float and double tensors, but "
                           f"got a tensor of scalar type: {F._type_label(input._dtype)}")
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    data = input._data
    if data.strides[-1] != data.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if builtins.any(s % (2 * data.itemsize) for s in data.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return M.ViewAsComplex.apply(input)


# ============================================================================ creation


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing memory with an object that supports the buffer protocol.

    Warns (as torch) when the buffer is read-only: writing to the tensor is then undefined.

    Args:
        buffer (object): a ``bytes``, ``bytearray``, ``array.array``, ``memoryview`` ...
        dtype (ember.dtype): the element type.
        count (int): the number of elements (-1: all after ``offset``). Default: -1.
        offset (int): bytes to skip at the start. Default: 0.
        requires_grad (bool): record operations for autograd. Default: ``False``.

    Example::

        >>> import array
        >>> a = array.array('i', [1, 2, 3])
        >>> t = ember.frombuffer(a, dtype=ember.int32); a[0] = 7; t
        tensor([7, 2, 3], dtype=torch.int32)
    """
    dt = D.to_dtype(dtype)
    if dt is D.bfloat16:
        raise RuntimeError("ember stores bfloat16 as float32; frombuffer cannot share a "
                           "bfloat16 buffer's memory. Use ember.tensor on the decoded values.")
    mv = memoryview(buffer)
    nbytes = mv.nbytes
    if offset < 0 or offset >= nbytes and nbytes:
        raise ValueError(f"both buffer length ({nbytes}) and offset ({offset}) must be "
                         "non-negative and offset must be less than the buffer length")
    if count <= 0 and count != -1:
        raise ValueError(f"both buffer length ({nbytes}) and count ({count}) must not be 0")
    avail = (nbytes - offset) // dt.itemsize
    if count == -1:
        if (nbytes - offset) % dt.itemsize:
            raise ValueError(f"buffer length ({nbytes - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({dt.itemsize})")
        count = avail
    elif count > avail:
        raise ValueError(f"requested buffer length ({count} * {dt.itemsize} bytes) after "
                         f"offset ({offset} bytes) must not be greater than actual buffer "
                         f"length ({nbytes} bytes)")
    if mv.readonly:
        warnings.warn("The given buffer is not writable, and PyTorch does not support "
                      "non-writable tensors. This means you can write to the underlying "
                      "(supposedly non-writable) buffer using the tensor. You may want to copy "
                      "the buffer to protect its data or make it writable before converting it "
                      "to a tensor. This type of warning will be suppressed for the rest of "
                      "this program.", UserWarning, stacklevel=2)
    arr = np.frombuffer(buffer, dtype=dt.np, count=count, offset=offset)
    t = Tensor._wrap(arr, dt)
    if requires_grad:
        t.requires_grad_(True)
    return t


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """A 0-d tensor holding the number ``s``, of the default float dtype unless ``dtype`` is given.

    Args:
        s (number): the value.
        dtype (ember.dtype, optional): the element type. Default: the default dtype (even for
            ints, unlike ``ember.tensor``).
        layout (ember.layout, optional): accepted for torch compatibility.
        device (str or ember.device, optional): where to put it.
        requires_grad (bool): record operations for autograd. Default: ``False``.
        pin_memory (bool): accepted for torch compatibility.

    Example::

        >>> ember.scalar_tensor(3)
        tensor(3.)
    """
    return F.tensor(s, dtype=D.to_dtype(dtype) or D.get_default_dtype(), device=device,
                    requires_grad=requires_grad)


@F._writes_out
def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,  # noqa: A001
          requires_grad=False):
    """Deprecated: values from ``start`` to ``end`` *inclusive* in steps of ``step`` (use :func:`ember.arange`).

    Always the default float dtype unless ``dtype`` is given. Warns like torch.

    Args:
        start (number): the first value. Default: 0.
        end (number): the last value (included).
        step (number): the spacing. Default: 1.
        out (Tensor, optional): write the result into this tensor.
        dtype (ember.dtype, optional): the element type. Default: the default dtype.
        layout (ember.layout, optional): accepted for torch compatibility.
        device (str or ember.device, optional): where to put it.
        requires_grad (bool): record operations for autograd. Default: ``False``.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> ember.range(1, 4)
        tensor([1., 2., 3., 4.])
    """
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=3)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    n = int(math.floor((end - start) / step)) + 1
    vals = start + np.arange(n, dtype=np.float64) * step
    return F.tensor(vals, dtype=dt, device=device, requires_grad=requires_grad)


def fill(input, value):
    """A new tensor of ``input``'s shape and dtype filled with ``value`` (out-of-place ``fill_``).

    Differentiable in ``value`` when it is a tensor.

    Args:
        input (Tensor): gives the shape, dtype and device.
        value (number or 0-d Tensor): the fill value.

    Example::

        >>> ember.fill(ember.zeros(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        # where() gives ``input`` its (zero) gradient, as torch's fill does
        keep = F.ones(input.shape, dtype=D.bool, device=input.device)
        return F.where(keep, value.to(input._dtype), input)
    return F.full_like(input, value)


def fill_(input, value):
    """Fill ``input`` with ``value`` in place; returns ``input`` (``input.fill_(value)``).

    Args:
        input (Tensor): the tensor to overwrite.
        value (number or 0-d Tensor): the fill value.

    Example::

        >>> ember.fill_(ember.zeros(2), 7)
        tensor([7., 7.])
    """
    return input.fill_(value)


def zero_(input):
    """Fill ``input`` with zeros in place; returns ``input`` (``input.zero_()``).

    Args:
        input (Tensor): the tensor to overwrite.

    Example::

        >>> ember.zero_(ember.ones(2))
        tensor([0., 0.])
    """
    return input.zero_()


def put(input, index, source, accumulate=False):
    """A copy of ``input`` with ``source`` written at the flat (row-major) positions ``index``.

    Negative positions count from the end. With ``accumulate=True`` values are added
    (repeated positions add up). Differentiable.

    Args:
        input (Tensor): the input.
        index (Tensor): int64 flat positions.
        source (Tensor): the values (as many as ``index``).
        accumulate (bool): add instead of overwrite. Default: ``False``.

    Example::

        >>> ember.put(ember.zeros(2, 2), ember.tensor([0, 3]), ember.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    if index._dtype is not D.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{F._type_label(index._dtype)}")
    if input._dtype is not source._dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {F._type_label(input._dtype)} and source.dtype = "
                           f"{F._type_label(source._dtype)}")
    if index.numel() != source.numel():
        raise RuntimeError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source.numel()}, "
                           f"index.numel() = {index.numel()}")
    n = input.numel()
    if index.numel() and (int(index.max()) >= n or int(index.min()) < -n):
        raise IndexError(f"out of range: tried to access index "
                         f"{int(index.max()) if int(index.max()) >= n else int(index.min())} on "
                         f"a tensor of {n} elements.")
    flat = input.reshape(-1)
    return flat.index_put((index.reshape(-1),), source.reshape(-1),
                          accumulate).reshape(input.shape)


def sum_to_size(input, *size):
    """``input`` summed down to ``size``, the shape it could have been broadcast from.

    The inverse of broadcasting: dimensions where ``size`` has 1 are summed (keeping size 1),
    and leading extra dimensions are summed away. Differentiable.

    Args:
        input (Tensor): the tensor.
        *size (int or sequence of int): the target shape; ``input``'s shape must be expandable
            from it.

    Example::

        >>> ember.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
    if len(size) == 1 and isinstance(size[0], (list, tuple, Size)):
        size = tuple(size[0])
    size = tuple(int(s) for s in size)
    shape = tuple(input.shape)
    ok = len(size) <= len(shape) and builtins.all(
        s == t or s == 1 for s, t in zip(reversed(size), reversed(shape)))
    if not ok:
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    lead = len(shape) - len(size)
    dims = list(_pyrange(lead)) + [lead + i for i, s in enumerate(size)
                                   if s == 1 and shape[lead + i] != 1]
    out = input.sum(dims, keepdim=True) if dims else input
    return out.reshape(size)


# ============================================================================ aliases / nn


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm distance ``||x1 - x2 + eps||_p`` along the last dimension (``nn.functional.pairwise_distance``).

    Args:
        x1 (Tensor): the first vectors ``(..., D)``.
        x2 (Tensor): the second vectors (broadcastable).
        p (float): the norm order. Default: 2.
        eps (float): added to the difference to avoid a zero norm. Default: 1e-6.
        keepdim (bool): keep the last dimension with size 1. Default: ``False``.

    Example::

        >>> ember.pairwise_distance(ember.tensor([[0.0, 0.0]]), ember.tensor([[3.0, 4.0]]), eps=0)
        tensor([5.])
    """
    from .nn import functional as NF
    return NF.pairwise_distance(x1, x2, p, eps, keepdim)


def pdist(input, p=2):
    """The ``p``-norm distances between all pairs of rows of a 2-D tensor (upper triangle, row-major).

    Args:
        input (Tensor): ``(N, D)``.
        p (float): the norm order. Default: 2.

    Example::

        >>> ember.pdist(ember.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    from .nn import functional as NF
    return NF.pdist(input, p)
