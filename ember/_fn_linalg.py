"""torch's older top-level linear algebra (``torch.inverse``, ``torch.svd`` returning ``V``,
``torch.lu``/``lu_unpack``/``lu_solve``, ``torch.triangular_solve``, ``torch.matrix_exp`` ...),
built on ``ember.linalg`` and the differentiable primitives (inverse, determinant, solve,
matmul). Each one is also a Tensor method where torch has one.
"""
import math
import warnings
from collections import namedtuple


from . import _dtype as D
from . import functions as F
from ._tensor import Tensor

# torch 2 removed torch.qr / torch.cholesky / torch.solve / torch.lstsq / torch.eig /
# torch.symeig / torch.matrix_rank (they only raise there): use ember.linalg.*
__all__ = ["inverse", "det", "logdet", "slogdet", "pinverse", "matrix_power", "matrix_exp",
           "svd", "cholesky_solve", "cholesky_inverse", "lu", "lu_unpack", "lu_solve",
           "triangular_solve"]


def _linalg():
    from . import linalg
    return linalg


def _check_matrix(A, name, square=True):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not (A._dtype.is_floating_point or A._dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{F._type_label(A._dtype)}")


@F._writes_out
def inverse(input, *, out=None):
    """The inverse of a square matrix or of each matrix in a batch (``linalg.inv``); differentiable.

    Args:
        input (Tensor): ``(..., n, n)`` invertible matrices.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.inverse(ember.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_matrix(input, "linalg.inv")
    return F._linalg_inv(input)


def det(input):
    """The determinant of a square matrix or of each matrix in a batch (``linalg.det``); differentiable.

    Args:
        input (Tensor): ``(..., n, n)`` matrices.

    Example::

        >>> ember.det(ember.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
    """
    _check_matrix(input, "linalg.det")
    return F._linalg_det(input)


def slogdet(input):
    """The sign and log-absolute-value of the determinant, as a named tuple ``(sign, logabsdet)``.

    Args:
        input (Tensor): ``(..., n, n)`` matrices.

    Example::

        >>> ember.slogdet(ember.tensor([[-2.0, 0.0], [0.0, 1.0]]))
        torch.return_types.slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(0.6931))
    """
    _check_matrix(input, "linalg.slogdet")
    lin = _linalg()
    return lin._ret("slogdet", ["sign", "logabsdet"], tuple(lin.slogdet(input)))


def logdet(input):
    """The log of the determinant: NaN where the determinant is negative, -inf where it is 0; differentiable.

    Args:
        input (Tensor): ``(..., n, n)`` matrices.

    Example::

        >>> ember.logdet(ember.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
    """
    _check_matrix(input, "linalg.slogdet")
    sign, logabs = slogdet(input)
    if input._dtype.is_complex:
        return sign.log() + logabs
    return F.where(sign < 0, F.full_like(logabs, float("nan")), logabs)


def pinverse(input, rcond=1e-15):
    """The Moore-Penrose pseudo-inverse (``linalg.pinv`` with ``rtol=rcond``); differentiable.

    Args:
        input (Tensor): ``(..., m, n)`` matrices.
        rcond (float): singular values below ``rcond * max(S)`` count as zero. Default: 1e-15.

    Example::

        >>> ember.pinverse(ember.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    _check_matrix(input, "linalg.pinv", square=False)
    return _linalg().pinv(input, rtol=rcond)


def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (0: identity, negative: powers of the inverse); differentiable.

    Args:
        input (Tensor): ``(..., m, m)`` matrices.
        n (int): the exponent.

    Example::

        >>> ember.matrix_power(ember.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    if input.ndim < 2 or input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {input.shape[-2] if input.ndim > 1 else 1} by "
                           f"{input.shape[-1] if input.ndim else 1} matrices")
    if n == 0:
        return F.eye(input.shape[-1], dtype=input._dtype, device=input.device).expand(
            input.shape).clone()
    A, k = (inverse(input), -n) if n < 0 else (input, n)
    # binary exponentiation: O(log n) products
    result = None
    base = A
    while k:
        if k & 1:
            result = base if result is None else result @ base
        k >>= 1
        if k:
            base = base @ base
    return result


def matrix_exp(input):
    """The matrix exponential ``sum_k A^k / k!`` of square matrices; differentiable.

    Computed by scaling and squaring with a degree-18 Taylor polynomial (accurate to working
    precision), composed of matrix products, so gradients of any order follow.

    Args:
        input (Tensor): ``(..., n, n)`` floating or complex matrices.

    Example::

        >>> ember.matrix_exp(ember.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
        >>> ember.matrix_exp(ember.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    _check_matrix(input, "linalg.matrix_exp")
    n = input.shape[-1]
    if input.numel() == 0:
        return input.clone()
    if getattr(input._data, "_ember_meta", False):
        norm = 0.0   # meta: no values, no scaling; the products give the shape and dtype
    else:
        norm = float(F.amax(input.detach().abs().sum(-2))) if n else 0.0  # the 1-norm
    if not math.isfinite(norm):
        return F.full_like(input, float("nan"))
    s = max(0, int(math.ceil(math.log2(norm / 0.5)))) if norm > 0.5 else 0
    A = input / (2 ** s) if s else input
    eye = F.eye(n, dtype=input._dtype, device=input.device).expand(input.shape)
    # Horner: I + A (I + A/2 (I + A/3 (...)))
    deg = 18
    acc = eye
    for k in range(deg, 0, -1):
        acc = eye + (A @ acc) / k
    for _ in range(s):
        acc = acc @ acc
    return acc


_SVD = namedtuple("svd", ["U", "S", "V"])


@F._writes_out
def svd(input, some=True, compute_uv=True, *, out=None):
    """The singular value decomposition ``input = U diag(S) V^H``, as a named tuple ``(U, S, V)``.

    Unlike ``linalg.svd`` it returns ``V`` (not ``V^H``) and, with ``some=True`` (default),
    the reduced factors. With ``compute_uv=False``, ``U`` and ``V`` are zero-filled.
    Differentiable (as ``linalg.svd``).

    Args:
        input (Tensor): ``(..., m, n)`` matrices.
        some (bool): reduced (True) or full (False) ``U`` and ``V``. Default: ``True``.
        compute_uv (bool): compute ``U`` and ``V``. Default: ``True``.
        out (tuple, optional): write the result into these tensors.

    Example::

        >>> U, S, V = ember.svd(ember.tensor([[3.0, 0.0], [0.0, -2.0], [0.0, 0.0]]))
        >>> S, U.shape, V.shape
        (tensor([3., 2.]), torch.Size([3, 2]), torch.Size([2, 2]))
    """
    _check_matrix(input, "linalg.svd", square=False)
    m, n = input.shape[-2], input.shape[-1]
    if not compute_uv:
        S = _linalg().svdvals(input)
        batch = tuple(input.shape[:-2])
        return _SVD(F.zeros(batch + (m, m), dtype=input._dtype, device=input.device), S,
                    F.zeros(batch + (n, n), dtype=input._dtype, device=input.device))
    U, S, Vh = _linalg().svd(input, full_matrices=not some)
    return _SVD(U, S, Vh.mH.contiguous() if Vh.ndim else Vh)


@F._writes_out
def cholesky_solve(B, L, upper=False, *, out=None):
    """Solve ``A X = B`` given the Cholesky factor of ``A`` (``A = L L^H``, or ``U^H U`` with ``upper``); differentiable.

    Args:
        B (Tensor): ``(..., n, k)`` right-hand sides.
        L (Tensor): ``(..., n, n)`` the triangular factor.
        upper (bool): ``L`` is the upper factor. Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> L = ember.tensor([[2.0, 0.0], [1.0, 1.0]])
        >>> ember.cholesky_solve(ember.tensor([[4.0], [2.0]]), L)
        tensor([[1.],
                [0.]])
    """
    if B.ndim < 2 or L.ndim < 2:
        raise RuntimeError("b should have at least 2 dimensions, but has "
                           f"{B.ndim} dimensions instead" if B.ndim < 2 else
                           f"u should have at least 2 dimensions, but has {L.ndim} dimensions "
                           "instead")
    _check_matrix(L, "cholesky_solve")
    T = L.triu() if upper else L.tril()
    A = T.mH @ T if upper else T @ T.mH
    return F._linalg_solve(A, B)


@F._writes_out
def cholesky_inverse(L, upper=False, *, out=None):
    """The inverse of ``A`` from its Cholesky factor (``A = L L^H``, or ``U^H U`` with ``upper``); differentiable.

    Args:
        L (Tensor): ``(..., n, n)`` the triangular factor.
        upper (bool): ``L`` is the upper factor. Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.cholesky_inverse(ember.tensor([[2.0, 0.0], [0.0, 1.0]]))
        tensor([[0.2500, 0.0000],
                [0.0000, 1.0000]])
    """
    _check_matrix(L, "cholesky_inverse")
    T = L.triu() if upper else L.tril()
    A = T.mH @ T if upper else T @ T.mH
    return F._linalg_inv(A)


# ---------------------------------------------------------------- LU


@F._writes_out
def lu(A, pivot=True, get_infos=False, out=None):
    """The LU factorisation with partial pivoting, packed: ``(LU, pivots)`` (plus ``infos`` with ``get_infos``).

    ``LU`` holds ``L`` (unit diagonal, not stored) below and ``U`` on and above the
    diagonal; ``pivots`` are LAPACK's 1-based int32 row swaps (see :func:`lu_unpack`).
    Differentiable in ``A`` (square matrices). Deprecated in torch for
    ``linalg.lu_factor``; warns like torch.

    Args:
        A (Tensor): ``(..., m, n)`` matrices.
        pivot (bool): must be ``True`` on the CPU (as in torch). Default: ``True``.
        get_infos (bool): also return, per matrix, the 1-based index of the first zero pivot
            (0 when none) instead of raising for singular input. Default: ``False``.
        out (tuple, optional): write the result into these tensors.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> LU, piv = ember.lu(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> LU, piv
        (tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]]), tensor([2, 2], dtype=torch.int32))
    """
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                  "torch.linalg.lu_factor_ex and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    _check_matrix(A, "linalg.lu_factor", square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    from .ops.linalg import LuFactorEx
    LU, piv, info = LuFactorEx.apply(A, None)
    if get_infos:
        return LU, piv, info
    return LU, piv


_LUUnpack = namedtuple("lu_unpack", ["P", "L", "U"])


@F._writes_out
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """Unpack :func:`lu`'s result into the permutation ``P``, unit-lower ``L`` and upper ``U`` (``A = P L U``).

    Differentiable in ``LU_data``. Disabled parts come back as empty tensors, as in torch.

    Args:
        LU_data (Tensor): ``(..., m, n)`` packed factors.
        LU_pivots (Tensor): ``(..., min(m, n))`` 1-based int32 pivots.
        unpack_data (bool): compute ``L`` and ``U``. Default: ``True``.
        unpack_pivots (bool): compute ``P``. Default: ``True``.
        out (tuple, optional): write the result into these tensors.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> A = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> P, L, U = ember.lu_unpack(*ember.lu(A))
        >>> ember.allclose(P @ L @ U, A)
        True
    """
    m, n = LU_data.shape[-2], LU_data.shape[-1]
    k = min(m, n)
    empty = F.empty(0, dtype=LU_data._dtype, device=LU_data.device)
    Lm = Um = P = empty
    if unpack_data:
        eye_mk = F.eye(m, k, dtype=LU_data._dtype, device=LU_data.device)
        Lm = LU_data[..., :, :k].tril(-1) + eye_mk
        Um = LU_data[..., :k, :].triu()
    if unpack_pivots:
        if LU_pivots._dtype is not D.int32:
            raise RuntimeError("lu_unpack: LU_pivots is expected to be a contiguous tensor of "
                               "torch.int32 dtype.")
        from .ops.linalg import permutation_matrix
        P = permutation_matrix(LU_pivots, m, LU_data)
    return _LUUnpack(P, Lm, Um)


@F._writes_out
def lu_solve(b, LU_data, LU_pivots, *, out=None):
    """Solve ``A x = b`` from :func:`lu`'s factorisation of ``A``; differentiable in ``b`` and ``LU_data``.

    Args:
        b (Tensor): ``(..., n, k)`` right-hand sides.
        LU_data (Tensor): ``(..., n, n)`` packed factors.
        LU_pivots (Tensor): ``(..., n)`` int32 pivots.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> A = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> ember.lu_solve(ember.tensor([[5.0], [11.0]]), *ember.lu(A))
        tensor([[1.],
                [2.]])
    """
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    if b.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {b.ndim} dimensions "
                           "instead")
    return _linalg().lu_solve(LU_data, LU_pivots, b)


_TriSolve = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


@F._writes_out
def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """Solve ``A X = b`` for triangular ``A`` (deprecated in torch for ``linalg.solve_triangular``); differentiable.

    Only the ``upper`` (or lower) triangle of ``A`` is read; with ``unitriangular`` its
    diagonal is taken as ones.

    Args:
        b (Tensor): ``(..., m, k)`` right-hand sides.
        A (Tensor): ``(..., m, m)`` triangular matrices.
        upper (bool): ``A`` is upper triangular. Default: ``True``.
        transpose (bool): solve ``A^T X = b``. Default: ``False``.
        unitriangular (bool): assume a unit diagonal. Default: ``False``.
        out (tuple, optional): write the result into these tensors.

    Returns:
        a named tuple ``(solution, cloned_coefficient)`` (the latter a copy of ``A``).

    Example::

        >>> ember.triangular_solve(ember.tensor([[3.0], [2.0]]), ember.tensor([[1.0, 1.0], [0.0, 2.0]])).solution
        tensor([[2.],
                [1.]])
    """
    if b.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions, "
                           f"but it has {b.ndim} dimensions instead")
    if A.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions, "
                           f"but it has {A.ndim} dimensions instead")
    _check_matrix(A, "triangular_solve")
    from .ops.linalg import SolveTriangular
    T, up = (A.mT, not upper) if transpose else (A, upper)
    return _TriSolve(SolveTriangular.apply(T, b, bool(up), True, bool(unitriangular)), A.clone())


del Tensor
