"""ember.linalg: torch.linalg on NumPy/CuPy's LAPACK bindings.

Everything torch differentiates is differentiable here with torch's formulas (``inv``,
``det``, ``slogdet``, ``solve``, ``cholesky``, ``lu``, ``lu_factor``, ``lu_solve``,
``solve_triangular``, ``svd``, ``svdvals``, ``eigh``, ``eigvalsh``, ``qr``, ``pinv``,
``lstsq``, the matrix norms, ``matrix_exp``, ``householder_product`` ...); the primitives and
their backward live in ``ember/ops/linalg.py``. Failures on singular / non-positive-definite
input raise :class:`LinAlgError` with torch's messages; the ``*_ex`` variants return ``info``
instead.
"""
import math
from collections import namedtuple

import numpy as np

from . import _dtype as D
from ._device import get_xp
from .functions import (_writes_out, vector_norm, _linalg_det as _det, amax, amin,
                        _type_label)
from .functions import matmul as _matmul
from .ops import linalg as _L
from .ops._common import wrap

LinAlgError = _L.LinAlgError

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "det",
           "slogdet", "solve", "solve_ex", "solve_triangular", "cholesky", "cholesky_ex", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "svd", "svdvals", "qr", "eigh", "eigvalsh",
           "eig", "eigvals", "pinv", "matrix_rank", "lstsq", "matrix_power", "matrix_exp",
           "matrix_sqrth", "polar", "cond", "tensorinv", "tensorsolve", "vander",
           "householder_product", "ldl_factor", "ldl_factor_ex", "ldl_solve", "cross",
           "multi_dot", "vecdot", "diagonal", "matmul"]

_RT = {}


def _ret(name, fields, values):
    """A ``torch.return_types.<name>`` named tuple."""
    cls = _RT.get(name)
    if cls is None:
        base = namedtuple(name, fields)
        cls = _RT[name] = type(name, (base,), {"__slots__": (), "__module__": "torch.return_types"})
        cls.__repr__ = lambda self: (f"torch.return_types.{name}(\n" + ",\n".join(
            f"{f}={v!r}" for f, v in zip(fields, self)) + ")")
    return cls(*values)


def _check(A, name, square=True, ndim_name="A"):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor {ndim_name} must have at least 2 "
                           "dimensions.")
    if square and A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_type_label(A.dtype)}")



def _batched(*ts):
    return any(t.ndim > 2 for t in ts)


# ============================================================================ inverse / solve


@_writes_out
def inv(A, *, out=None):
    """The inverse of a square matrix, or of each matrix in a batch; differentiable.

    Raises :class:`LinAlgError` when a matrix is singular (see :func:`inv_ex` for a version
    that reports it instead). To solve ``A x = b`` prefer :func:`solve`.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.inv(ember.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check(A, "linalg.inv")
    return _L.InvEx.apply(A, "linalg.inv")[0]


@_writes_out
def inv_ex(A, *, check_errors=False, out=None):
    """The inverse and an ``info`` code per matrix, as ``(inverse, info)``; differentiable.

    ``info`` (int32, the batch shape) is 0 for an invertible matrix and ``i > 0`` when the
    ``i``-th diagonal element of its LU factor ``U`` is exactly zero (the matrix is singular;
    its ``inverse`` is then inf/nan garbage, as torch's).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        check_errors (bool): raise :class:`LinAlgError` instead for a singular matrix.
            Default: ``False``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> inverse, info = ember.linalg.inv_ex(ember.tensor([[1.0, 2.0], [2.0, 4.0]]))
        >>> info
        tensor(2, dtype=torch.int32)
    """
    _check(A, "linalg.inv_ex")
    r, info = _L.InvEx.apply(A, "linalg.inv_ex" if check_errors else None)
    return _ret("linalg_inv_ex", ["inverse", "info"], (r, info))


@_writes_out
def det(A, *, out=None):
    """The determinant of a square matrix, or of each matrix in a batch; differentiable
    (also at singular matrices, through the adjugate).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.det(ember.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
        >>> ember.linalg.det(ember.eye(3).expand(4, 3, 3))
        tensor([1., 1., 1., 1.])
    """
    _check(A, "linalg.det")
    return _det(A)


@_writes_out
def slogdet(A, *, out=None):
    """The sign and the log of the absolute value of the determinant, as ``(sign, logabsdet)``.

    More stable than ``det(A).log()`` for large or tiny determinants; differentiable (for
    complex input also through ``sign``). A singular matrix gives ``sign = 0`` and
    ``logabsdet = -inf``.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> ember.linalg.slogdet(ember.tensor([[-2.0, 0.0], [0.0, 1.0]]))
        torch.return_types.linalg_slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(0.6931))
    """
    _check(A, "linalg.slogdet")
    return _ret("linalg_slogdet", ["sign", "logabsdet"], _L.Slogdet.apply(A))


def _solve_args(A, B, left, name):
    _check(A, name)
    if B.ndim < 1:
        raise RuntimeError(f"{name}: The input tensor B must have at least 1 dimensions.")
    if B.dtype is not A.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of "
                           f"type {_type_label(A.dtype)} and B of type {_type_label(B.dtype)} "
                           "instead")
    n = A.shape[-1]
    # a vector right-hand side: B 1-D, or B with A's batch shape minus one dimension
    vec = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vec:
        Bm = B.unsqueeze(-1)
        if Bm.shape[-2] != n:
            raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                               f"({A.shape[-2]}x{n} and {B.shape[-1]}x1)")
        return A, Bm, True
    if not left:
        if B.shape[-1] != n:
            raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation XA = B "
                               f"({A.shape[-2]}x{n} and {B.shape[-2]}x{B.shape[-1]})")
        return A.mT, B.mT, False
    if B.shape[-2] != n:
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    return A, B, False


@_writes_out
def solve(A, B, *, left=True, out=None):
    """The solution ``X`` of ``A @ X = B`` (or ``X @ A = B`` with ``left=False``); differentiable.

    Batch dimensions broadcast. A ``B`` of shape ``(n,)`` (or ``A``'s batch shape + ``(n,)``)
    is treated as a (batch of) vector(s). Raises :class:`LinAlgError` for a singular ``A``.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        B (Tensor): the right-hand sides, ``(..., n, k)``, or vectors ``(..., n)``.
        left (bool): solve ``A X = B`` (True) or ``X A = B`` (False). Default: ``True``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.solve(ember.eye(2) * 2, ember.tensor([2.0, 4.0]))
        tensor([1., 2.])
    """
    return solve_ex(A, B, left=left, check_errors=True, _name="torch.linalg.solve")[0]


@_writes_out
def solve_ex(A, B, *, left=True, check_errors=False, out=None, _name=None):
    """:func:`solve` that reports singular matrices in ``info`` instead of raising: ``(result, info)``.

    ``info`` (int32, the broadcast batch shape) is 0 where ``A`` is invertible, ``> 0``
    where it is singular (that result is inf/nan garbage, as torch's).

    Args:
        A (Tensor): square matrices ``(..., n, n)``.
        B (Tensor): the right-hand sides ``(..., n, k)`` or vectors ``(..., n)``.
        left (bool): solve ``A X = B`` (True) or ``X A = B`` (False). Default: ``True``.
        check_errors (bool): raise :class:`LinAlgError` instead. Default: ``False``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> ember.linalg.solve_ex(ember.eye(2), ember.tensor([1.0, 2.0]))
        torch.return_types.linalg_solve_ex(
        result=tensor([1., 2.]),
        info=tensor(0, dtype=torch.int32))
    """
    name = _name or "torch.linalg.solve_ex"
    A2, B2, vec = _solve_args(A, B, left, name.replace("torch.", ""))
    X, info = _L.SolveEx.apply(A2, B2, name if check_errors else None)
    if vec:
        X = X.squeeze(-1)
    elif not left:
        X = X.mT
    return _ret("linalg_solve_ex", ["result", "info"], (X, info))


@_writes_out
def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):
    """The solution ``X`` of ``A @ X = B`` (``X @ A = B`` with ``left=False``) for triangular ``A``; differentiable.

    Only the upper (``upper=True``) or lower triangle of ``A`` is read; with
    ``unitriangular`` its diagonal is taken as ones. A zero on the diagonal gives inf/nan
    (no error), as in torch. Batch dimensions broadcast.

    Args:
        A (Tensor): triangular matrices ``(..., n, n)``.
        B (Tensor): right-hand sides ``(..., n, k)`` (``(..., k, n)`` with ``left=False``).
        upper (bool): ``A`` is upper (True) or lower (False) triangular. Required.
        left (bool): solve ``A X = B`` (True) or ``X A = B`` (False). Default: ``True``.
        unitriangular (bool): assume ones on the diagonal. Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.tensor([[1.0, 1.0], [0.0, 2.0]])
        >>> ember.linalg.solve_triangular(A, ember.tensor([[3.0], [2.0]]), upper=True)
        tensor([[2.],
                [1.]])
    """
    name = "linalg.solve_triangular"
    _check(A, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({A.shape[-2]}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    dt = D.promote_types(A.dtype, B.dtype)
    return _L.SolveTriangular.apply(A.to(dt), B.to(dt), bool(upper), bool(left),
                                    bool(unitriangular))


# ============================================================================ Cholesky


@_writes_out
def cholesky(A, *, upper=False, out=None):
    """The Cholesky factor ``L`` of symmetric (Hermitian) positive-definite matrices: ``A = L @ L^H``.

    Only the lower triangle of ``A`` is read. Raises :class:`LinAlgError` (naming the order
    of the leading minor that is not positive-definite) otherwise. Differentiable (the
    gradient is symmetric, as torch's).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        upper (bool): return the upper-triangular factor ``U = L^H`` instead.
            Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.cholesky(ember.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    _check(A, "linalg.cholesky")
    return _L.CholeskyEx.apply(A, bool(upper), "linalg.cholesky")[0]


@_writes_out
def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """:func:`cholesky` that reports failures in ``info`` instead of raising: ``(L, info)``.

    ``info`` (int32, the batch shape) is 0 for a positive-definite matrix, else the order of
    the first leading minor that is not positive-definite (``L`` is then LAPACK's partial
    result).

    Args:
        A (Tensor): square matrices ``(..., n, n)``.
        upper (bool): return ``U = L^H``. Default: ``False``.
        check_errors (bool): raise :class:`LinAlgError` instead. Default: ``False``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> L, info = ember.linalg.cholesky_ex(ember.tensor([[1.0, 2.0], [2.0, 1.0]]))
        >>> info
        tensor(2, dtype=torch.int32)
    """
    _check(A, "linalg.cholesky_ex")
    L, info = _L.CholeskyEx.apply(A, bool(upper), "linalg.cholesky_ex" if check_errors else None)
    return _ret("linalg_cholesky_ex", ["L", "info"], (L, info))


# ============================================================================ LU


def _no_pivot(name):
    raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


@_writes_out
def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """The packed LU factorisation with partial pivoting and an ``info`` code: ``(LU, pivots, info)``.

    ``LU`` holds ``L`` (unit diagonal, not stored) below the diagonal and ``U`` on and above
    it; ``pivots`` are LAPACK's 1-based int32 row swaps; ``info`` (int32) is ``i > 0`` when
    ``U[i-1, i-1]`` is exactly zero. Differentiable in ``A``.

    Args:
        A (Tensor): matrices ``(..., m, n)`` (floating or complex).
        pivot (bool): must be ``True`` (torch only supports ``False`` on CUDA).
            Default: ``True``.
        check_errors (bool): raise for a zero pivot instead. Default: ``False``.
        out (tuple, optional): write the results into these three tensors.

    Example::

        >>> LU, pivots, info = ember.linalg.lu_factor_ex(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> pivots, info
        (tensor([2, 2], dtype=torch.int32), tensor(0, dtype=torch.int32))
    """
    _check(A, "torch.linalg.lu_factor_ex", square=False)
    if not pivot:
        _no_pivot("linalg.lu_factor")
    LU, piv, info = _L.LuFactorEx.apply(A, "torch.linalg.lu_factor_ex" if check_errors else None)
    return _ret("linalg_lu_factor_ex", ["LU", "pivots", "info"], (LU, piv, info))


@_writes_out
def lu_factor(A, *, pivot=True, out=None):
    """The packed LU factorisation with partial pivoting, as ``(LU, pivots)``; differentiable.

    Use with :func:`lu_solve` to solve several systems with one factorisation. Raises when
    a matrix is singular (a zero pivot); :func:`lu_factor_ex` reports it instead.

    Args:
        A (Tensor): matrices ``(..., m, n)`` (floating or complex).
        pivot (bool): must be ``True`` (torch only supports ``False`` on CUDA).
            Default: ``True``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> LU
        tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]])
    """
    _check(A, "torch.linalg.lu_factor", square=False)
    if not pivot:
        _no_pivot("linalg.lu_factor")
    LU, piv, _ = _L.LuFactorEx.apply(A, "torch.linalg.lu_factor")
    return _ret("linalg_lu_factor", ["LU", "pivots"], (LU, piv))


@_writes_out
def lu(A, *, pivot=True, out=None):
    """The LU decomposition with partial pivoting ``A = P @ L @ U``, as ``(P, L, U)``; differentiable.

    ``P`` is a permutation matrix, ``L`` ``(m, k)`` unit lower triangular and ``U`` ``(k, n)``
    upper triangular, ``k = min(m, n)``. Singular matrices are fine (``U`` has zeros on its
    diagonal).

    Args:
        A (Tensor): matrices ``(..., m, n)`` (floating or complex).
        pivot (bool): must be ``True`` (torch only supports ``False`` on CUDA).
            Default: ``True``.
        out (tuple, optional): write the results into these three tensors.

    Example::

        >>> P, L, U = ember.linalg.lu(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> P
        tensor([[0., 1.],
                [1., 0.]])
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    _check(A, "linalg.lu", square=False)
    if not pivot:
        _no_pivot("linalg.lu_factor")
    LU, piv, _ = _L.LuFactorEx.apply(A, None)
    m, n = A.shape[-2], A.shape[-1]
    k = min(m, n)
    from .functions import eye
    L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=A.dtype, device=A.device)
    U = LU[..., :k, :].triu()
    P = _L.permutation_matrix(piv, m, A)
    return _ret("linalg_lu", ["P", "L", "U"], (P, L, U))


@_writes_out
def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """Solve ``A X = B`` given :func:`lu_factor`'s ``(LU, pivots)`` of ``A``; differentiable in ``LU`` and ``B``.

    Args:
        LU (Tensor): packed factors ``(..., n, n)``.
        pivots (Tensor): int32 pivots ``(..., n)``.
        B (Tensor): right-hand sides ``(..., n, k)`` (``(..., k, n)`` with ``left=False``).
        left (bool): solve ``A X = B`` (True) or ``X A = B`` (False). Default: ``True``.
        adjoint (bool): solve with ``A^H`` instead of ``A``. Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> LU, pivots = ember.linalg.lu_factor(A)
        >>> ember.linalg.lu_solve(LU, pivots, ember.tensor([[5.0], [11.0]]))
        tensor([[1.],
                [2.]])
    """
    name = "linalg.lu_solve"
    _check(LU, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    if pivots.dtype is not D.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    n = LU.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if B.dtype is not LU.dtype:
        raise RuntimeError(f"{name}: Expected LU and B to have the same dtype, but found LU of "
                           f"type {_type_label(LU.dtype)} and B of type "
                           f"{_type_label(B.dtype)} instead")
    P = _L.permutation_matrix(pivots, n, LU)
    tri = _L.solve_triangular
    # A = P L U
    if left and not adjoint:      # X = U^-1 L^-1 P^T B
        return tri(LU, tri(LU, P.mT @ B, False, unitriangular=True), True)
    if left:                       # A^H X = B: X = P L^-H U^-H B
        return P @ tri(LU.mH, tri(LU.mH, B, False), True, unitriangular=True)
    if not adjoint:                # X A = B: X = B U^-1 L^-1 P^T
        return tri(LU, tri(LU, B, True, left=False), False, left=False,
                   unitriangular=True) @ P.mT
    # X A^H = B: X = B P L^-H U^-H
    return tri(LU.mH, tri(LU.mH, B @ P, True, left=False, unitriangular=True), False,
               left=False)


# ============================================================================ SVD / eigen / QR


def _no_half(A, kernel):
    if A.dtype in (D.float16, D.bfloat16):
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{'Half' if A.dtype is D.float16 else 'BFloat16'}'")


@_writes_out
def svd(A, full_matrices=True, *, driver=None, out=None):
    """The singular value decomposition ``A = U @ diag(S) @ Vh``, as ``(U, S, Vh)``; differentiable.

    ``S`` is real and in descending order. Gradients follow torch's formula (through the
    reduced factors; with ``full_matrices=True`` the extra columns of ``U`` / rows of ``Vh``
    get no gradient). For complex input the loss must not depend on the phase of the singular
    vectors, else backward raises, as torch does.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        full_matrices (bool): return full square ``U`` and ``Vh`` (True) or the reduced
            ones of shapes ``(m, k)`` and ``(k, n)``, ``k = min(m, n)`` (False).
            Default: ``True``.
        driver (str, optional): accepted for torch compatibility (CUDA-only in torch).
        out (tuple, optional): write the results into these three tensors.

    Example::

        >>> A = ember.tensor([[3.0, 0.0], [0.0, -2.0]])
        >>> U, S, Vh = ember.linalg.svd(A)
        >>> S
        tensor([3., 2.])
        >>> ember.allclose(U @ ember.diag(S) @ Vh, A)
        True
    """
    _check(A, "linalg.svd", square=False)
    _no_half(A, "linalg_svd_cpu")
    return _ret("linalg_svd", ["U", "S", "Vh"], _L.Svd.apply(A, bool(full_matrices)))


@_writes_out
def svdvals(A, *, driver=None, out=None):
    """The singular values of ``A``, in descending order (real); differentiable.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        driver (str, optional): accepted for torch compatibility (CUDA-only in torch).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.svdvals(ember.tensor([[3.0, 0.0], [0.0, -2.0]]))
        tensor([3., 2.])
    """
    _check(A, "linalg.svd", square=False)
    _no_half(A, "linalg_svd_cpu")
    if A.requires_grad:
        return _L.Svd.apply(A, False)[1]
    xp = get_xp(A._data)
    if A._data.size == 0:
        return wrap(xp.zeros(A._data.shape[:-2] + (min(A.shape[-2:]),),
                             dtype=A.dtype.to_real().np), A.dtype.to_real())
    return wrap(xp.linalg.svd(A._data, compute_uv=False), A.dtype.to_real())


@_writes_out
def qr(A, mode="reduced", *, out=None):
    """The QR decomposition ``A = Q @ R`` (``Q`` orthonormal columns, ``R`` upper triangular), as ``(Q, R)``; differentiable.

    Gradients follow torch's formula; they exist for ``mode='reduced'`` and for
    ``'complete'`` when ``m <= n``.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        mode (str): ``'reduced'`` (``Q`` is ``(m, k)``, ``R`` ``(k, n)``), ``'complete'``
            (``Q`` is ``(m, m)``) or ``'r'`` (only ``R``; ``Q`` is empty),
            ``k = min(m, n)``. Default: ``'reduced'``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> A = ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> Q, R = ember.linalg.qr(A)
        >>> Q.shape, R.shape, ember.allclose(Q @ R, A, atol=1e-5)
        (torch.Size([3, 2]), torch.Size([2, 2]), True)
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _check(A, "linalg.qr", square=False)
    _no_half(A, "geqrf_cpu")
    return _ret("linalg_qr", ["Q", "R"], _L.Qr.apply(A, mode))


def _uplo(UPLO):
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


@_writes_out
def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending, real) and eigenvectors (columns) of symmetric / Hermitian matrices; differentiable.

    Returns ``(eigenvalues, eigenvectors)`` with ``A = V diag(w) V^H``; only one triangle of
    ``A`` is read. Gradients follow torch's formula (they blow up for repeated eigenvalues;
    for complex input the loss must not depend on the eigenvectors' phase).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        UPLO (str): use the lower (``'L'``) or upper (``'U'``) triangle of ``A``.
            Default: ``'L'``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> w, V = ember.linalg.eigh(ember.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w
        tensor([1., 3.])
    """
    _check(A, "linalg.eigh")
    _no_half(A, "linalg_eigh_cpu")
    return _ret("linalg_eigh", ["eigenvalues", "eigenvectors"], _L.Eigh.apply(A, _uplo(UPLO)))


@_writes_out
def eigvalsh(A, UPLO="L", *, out=None):
    """The eigenvalues (ascending, real) of symmetric / Hermitian matrices; differentiable.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        UPLO (str): use the lower (``'L'``) or upper (``'U'``) triangle of ``A``.
            Default: ``'L'``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.eigvalsh(ember.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    _check(A, "linalg.eigh")
    _no_half(A, "linalg_eigh_cpu")
    UPLO = _uplo(UPLO)
    if A.requires_grad:
        return _L.Eigh.apply(A, UPLO)[0]
    xp = get_xp(A._data)
    if A._data.size == 0:
        return wrap(xp.zeros(A._data.shape[:-1], dtype=A.dtype.to_real().np), A.dtype.to_real())
    return wrap(xp.linalg.eigvalsh(A._data, UPLO=UPLO), A.dtype.to_real())


@_writes_out
def eig(A, *, out=None):
    """Eigenvalues and eigenvectors of general square matrices, as complex tensors.

    Returns ``(eigenvalues, eigenvectors)``; the results are complex even for real input
    (complex64 for float32, complex128 for float64). Computed on the host; not
    differentiable in ember.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> ember.linalg.eig(ember.tensor([[2.0, 0.0], [0.0, 3.0]])).eigenvalues
        tensor([2.+0.j, 3.+0.j])
    """
    _check(A, "linalg.eig")
    w, v = np.linalg.eig(A.detach().cpu()._data)
    ct = D.complex128 if A.dtype in (D.float64, D.complex128) else D.complex64
    return _ret("linalg_eig", ["eigenvalues", "eigenvectors"],
                (wrap(w.astype(ct.np), ct).to(A.device), wrap(v.astype(ct.np), ct).to(A.device)))


@_writes_out
def eigvals(A, *, out=None):
    """The eigenvalues of general square matrices, as a complex tensor.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.eigvals(ember.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    return eig(A).eigenvalues


# ============================================================================ pinv / rank / lstsq


def _tols(A, atol, rtol, name):
    """torch's tolerances: ``max(atol, rtol * largest singular value)``, with rtol defaulting
    to ``eps * max(m, n)`` when neither is given (and to 0 when only ``atol`` > 0 is)."""
    xp = get_xp(A._data)
    real = A.dtype.to_real()

    def arr(v):
        if v is None:
            return None
        if hasattr(v, "_data"):
            return v._data.astype(real.np)
        return xp.asarray(float(v), dtype=real.np)

    a, r = arr(atol), arr(rtol)
    if r is None:
        if a is None or bool((xp.asarray(a) <= 0).all()):
            r = xp.asarray(_L.default_rtol(A.dtype, A.shape[-2], A.shape[-1]), dtype=real.np)
        else:
            r = xp.asarray(0.0, dtype=real.np)
    if a is None:
        a = xp.asarray(0.0, dtype=real.np)
    return a, r


@_writes_out
def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """The Moore-Penrose pseudo-inverse of ``A`` (through the SVD, or ``eigh`` with ``hermitian``); differentiable.

    Singular values ``<= max(atol, rtol * largest)`` are treated as zero. With neither
    given, ``rtol = eps * max(m, n)``; with only ``atol > 0``, ``rtol = 0``.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        atol (float or Tensor, optional): absolute tolerance (a Tensor broadcasts over the
            batch).
        rtol (float or Tensor, optional): relative tolerance.
        hermitian (bool): ``A`` is Hermitian (only its lower triangle is read).
            Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.pinv(ember.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    _check(A, "linalg.pinv", square=bool(hermitian))
    a, r = _tols(A, atol, rtol, "linalg.pinv")
    return _L.Pinv.apply(A, a, r, bool(hermitian))


@_writes_out
def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The numerical rank of ``A``: the number of singular values above ``max(atol, rtol * largest)``, as int64.

    Tolerances as in :func:`pinv`; ``tol`` is torch's older name for ``atol``.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        tol (float or Tensor, optional): same as ``atol`` (deprecated in torch).
        hermitian (bool): ``A`` is Hermitian (uses its eigenvalues). Default: ``False``.
        atol (float or Tensor, optional): absolute tolerance.
        rtol (float or Tensor, optional): relative tolerance.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.matrix_rank(ember.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    _check(A, "torch.linalg.matrix_rank", square=bool(hermitian))
    if tol is not None:
        atol = tol
    a, r = _tols(A, atol, rtol, "linalg.matrix_rank")
    xp = get_xp(A._data)
    if A._data.size == 0:
        return wrap(xp.zeros(A._data.shape[:-2], dtype=np.int64), D.int64)
    if hermitian:
        s = xp.abs(xp.linalg.eigvalsh(A._data))
        smax = s.max(-1, keepdims=True)
    else:
        s = xp.linalg.svd(A._data, compute_uv=False)
        smax = s[..., :1]
    tolv = xp.maximum(xp.asarray(a)[..., None], xp.asarray(r)[..., None] * smax)
    return wrap(xp.asarray((s > tolv).sum(-1)).astype(np.int64), D.int64)


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of ``A @ X = B``, as ``(solution, residuals, rank, singular_values)``; differentiable.

    Minimises ``||A X - B||`` (the minimum-norm solution when ``A`` is rank-deficient),
    through the SVD. What is filled in follows torch's ``driver`` rules: ``rank`` for all but
    ``'gels'``; ``singular_values`` for ``'gelsd'``/``'gelss'``; ``residuals`` (squared
    column norms of ``A X - B``) when ``m > n`` and, except for ``'gels'``, every matrix has
    full rank — never for the default ``'gelsy'``. Empty tensors otherwise. ``solution``
    and ``residuals`` are differentiable.

    Args:
        A (Tensor): ``(..., m, n)`` matrices.
        B (Tensor): right-hand sides ``(..., m, k)``, or ``(..., m)`` (batch dims broadcast).
        rcond (float, optional): singular values ``<= rcond * largest`` count as zero.
            Default: ``eps * max(m, n)``.
        driver (str, optional): ``'gelsy'`` (default), ``'gelsd'``, ``'gelss'`` or ``'gels'``.

    Example::

        >>> A = ember.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> ember.linalg.lstsq(A, ember.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.],
                [2.]])
    """
    name = "torch.linalg.lstsq"
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"{name}: parameter `driver` should be one of (gels, gelsy, gelsd, "
                           "gelss)")
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    _check(A, name, square=False)
    if B.dtype is not A.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A.dtype} and other's dtype {B.dtype}")
    if not (A.ndim >= B.ndim and A.ndim - B.ndim <= 1):
        raise RuntimeError(f"{name}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vec = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vec else B
    if Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    batch = tuple(np.broadcast_shapes(tuple(A.shape[:-2]), tuple(Bm.shape[:-2])))
    A2 = A.expand(batch + tuple(A.shape[-2:]))
    B2 = Bm.expand(batch + tuple(Bm.shape[-2:]))
    m, n = A.shape[-2], A.shape[-1]
    if rcond is None:
        rcond = _L.default_rtol(A.dtype, m, n)
    X, res, rank, sv = _L.Lstsq.apply(A2, B2, float(rcond), driver)
    if res.numel() and (A.requires_grad or B.requires_grad):
        res = ((_matmul(A2, X) - B2).abs() ** 2).sum(-2)
    if vec:
        X = X.squeeze(-1)
    return _ret("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"],
                (X, res, rank, sv))


# ============================================================================ norms, cond


@_writes_out
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """A matrix norm, computed over the two dimensions ``dim`` (batched over the rest); differentiable.

    ``'fro'``: Frobenius (sqrt of the sum of squares); ``'nuc'``: nuclear (sum of singular
    values); ``inf``/``-inf``: max/min absolute row sum; ``1``/``-1``: max/min absolute column
    sum; ``2``/``-2``: largest/smallest singular value.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        ord (str or number): ``'fro'``, ``'nuc'``, ``inf``, ``-inf``, 1, -1, 2 or -2.
            Default: ``'fro'``.
        dim (tuple of 2 ints): the matrix dimensions. Default: ``(-2, -1)``.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast ``A`` to this dtype first.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.matrix_norm(ember.ones(2, 2))
        tensor(2.)
        >>> ember.linalg.matrix_norm(ember.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    if dtype is not None:
        A = A.to(dtype)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    d0, d1 = (d % A.ndim for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, dim=(d0, d1), keepdim=keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    if ord in (1, -1):
        col = A.abs().sum(d0, keepdim=True)
        r = amax(col, d1, keepdim=True) if ord == 1 else amin(col, d1, keepdim=True)
    elif ord in (float("inf"), -float("inf")):
        row = A.abs().sum(d1, keepdim=True)
        r = amax(row, d0, keepdim=True) if ord > 0 else amin(row, d0, keepdim=True)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    return r if keepdim else r.squeeze((d0, d1))


@_writes_out
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """A vector or matrix norm, as ``torch.linalg.norm``.

    With ``dim`` an int (or ``A`` 1-D with ``ord`` given, or ``ord`` None) this is
    :func:`vector_norm` (``ord=None`` means the 2-norm of all elements); with ``dim`` a pair
    or a 2-D ``A`` and ``ord`` given it is :func:`matrix_norm`.

    Args:
        A (Tensor): the input (floating or complex).
        ord (str or number, optional): the order of the norm (see ``vector_norm`` and
            ``matrix_norm``). Default: None (2-norm / Frobenius).
        dim (int or tuple of ints, optional): the dimension(s) to reduce. Default: all.
        keepdim (bool): keep the reduced dimensions with size 1. Default: ``False``.
        dtype (ember.dtype, optional): cast ``A`` to this dtype first.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
        >>> ember.linalg.norm(ember.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=float('inf'))
        tensor(7.)
    """
    if dim is None and ord is not None and A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if isinstance(dim, (tuple, list)) and len(dim) == 2 and ord is not None:
        return matrix_norm(A, ord, tuple(dim), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


@_writes_out
def cond(A, p=None, *, out=None):
    """The condition number of ``A`` in the ``p``-norm: ``norm(A, p) * norm(inv(A), p)``.

    For ``p`` None, 2 or -2 it is the ratio of the largest to the smallest singular value (or
    its inverse for -2) and ``A`` may be rectangular; for ``'fro'``, ``'nuc'``, ``inf``,
    ``-inf``, 1 and -1 ``A`` must be square and a singular matrix gives ``inf``.
    Differentiable.

    Args:
        A (Tensor): matrices ``(..., m, n)``.
        p (int, inf, -inf, 'fro' or 'nuc', optional): the norm. Default: None (2-norm).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.cond(ember.tensor([[2.0, 0.0], [0.0, 0.5]]))
        tensor(4.)
    """
    valid = (None, 2, -2, 1, -1, float("inf"), -float("inf"), "fro", "nuc")
    if not any(p == v and type(p) is not bool for v in valid) and p is not None:
        raise ValueError(f"linalg.cond got an invalid norm type: {p}")
    _check(A, "linalg.cond", square=False)
    real = A.dtype.to_real()
    if p is None or p in (2, -2):
        if A.numel() == 0:
            from .functions import zeros
            return zeros(tuple(A.shape[:-2]), dtype=real, device=A.device)
        s = svdvals(A)
        smax, smin = s[..., 0], s[..., -1]
        return smin / smax if p == -2 else smax / smin
    label = p if isinstance(p, str) else (str(int(p)) if p in (1, -1) else
                                          ("inf" if p > 0 else "-inf"))
    _check(A, f"linalg.cond(ord={label})")
    if A.numel() == 0:
        from .functions import zeros
        return zeros(tuple(A.shape[:-2]), dtype=real, device=A.device)
    if p == "nuc":
        s = svdvals(A)
        return s.sum(-1) * (1 / s).sum(-1)
    Ainv, info = _L.InvEx.apply(A, None)
    from .functions import where
    Ainv = where((info > 0).unsqueeze(-1).unsqueeze(-1), float("inf"), Ainv)
    return where(info > 0, float("inf"), matrix_norm(A, p) * matrix_norm(Ainv, p))


# ============================================================================ matrix functions


@_writes_out
def matrix_power(A, n, *, out=None):
    """``A`` multiplied by itself ``n`` times (``n = 0`` gives the identity, negative ``n`` uses the inverse); differentiable.

    Args:
        A (Tensor): square matrices ``(..., m, m)``.
        n (int): the exponent.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.matrix_power(ember.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    from ._fn_linalg import matrix_power as _mp
    return _mp(A, n)


def matrix_exp(A):
    """The matrix exponential ``sum_k A^k / k!`` of square matrices; differentiable.

    Scaling and squaring with a degree-18 Taylor polynomial (accurate to working precision).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).

    Example::

        >>> ember.linalg.matrix_exp(ember.tensor([[0.0, 1.0], [0.0, 0.0]]))
        tensor([[1., 1.],
                [0., 1.]])
    """
    from ._fn_linalg import matrix_exp as _me
    return _me(A)


def matrix_sqrth(A):
    """The principal square root of symmetric (Hermitian) positive-definite matrices; differentiable.

    The unique symmetric positive-definite ``X`` with ``X @ X = A``, through :func:`eigh`
    (only the lower triangle of ``A`` is read).

    Args:
        A (Tensor): square matrices ``(..., n, n)``.

    Example::

        >>> ember.linalg.matrix_sqrth(ember.tensor([[4.0, 0.0], [0.0, 9.0]]))
        tensor([[2., 0.],
                [0., 3.]])
    """
    _check(A, "linalg.matrix_sqrth")
    w, V = eigh(A)
    return (V * w.sqrt().to(A.dtype).unsqueeze(-2)) @ V.mH


@_writes_out
def polar(A, *, out=None):
    """The polar decomposition ``A = U @ H`` (``U`` orthonormal columns, ``H`` positive-semidefinite), as ``(U, H)``; differentiable.

    Computed from the SVD ``A = W S V^H``: ``U = W V^H``, ``H = V S V^H``.

    Args:
        A (Tensor): matrices ``(..., m, n)`` with ``m >= n``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> U, H = ember.linalg.polar(ember.tensor([[0.0, -2.0], [3.0, 0.0]]))
        >>> H
        tensor([[3., 0.],
                [0., 2.]])
    """
    _check(A, "linalg.polar", square=False)
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError("linalg.polar: input must have at least as many rows as columns, "
                           f"but got {A.shape[-2]} by {A.shape[-1]} matrices")
    W, S, Vh = _L.Svd.apply(A, False)
    return _ret("linalg_polar", ["U", "H"],
                (W @ Vh, (Vh.mH * S.to(A.dtype).unsqueeze(-2)) @ Vh))


@_writes_out
def tensorinv(A, ind=2, *, out=None):
    """The inverse of ``A`` for :func:`ember.tensordot` over ``ind`` dimensions; differentiable.

    With ``prod(A.shape[:ind]) == prod(A.shape[ind:])``, the result has shape
    ``A.shape[ind:] + A.shape[:ind]`` and ``tensordot(tensorinv(A), A, ind)`` is the
    identity.

    Args:
        A (Tensor): the tensor to invert.
        ind (int): how many leading dimensions form the "rows". Default: 2.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.eye(4).reshape(4, 2, 2)
        >>> ember.linalg.tensorinv(A, ind=1).shape
        torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    pr, pc = math.prod(rows), math.prod(cols)
    if pr != pc:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {pc} != {pr}")
    _check(A.reshape(pr, pc), "inv")
    return _L.InvEx.apply(A.reshape(pr, pc), "inv")[0].reshape(cols + rows)


@_writes_out
def tensorsolve(A, B, dims=None, *, out=None):
    """The ``X`` with ``tensordot(A, X, X.ndim) == B``; differentiable.

    Args:
        A (Tensor): the coefficients; its leading dimensions match ``B``'s shape and
            ``prod(A.shape[B.ndim:]) == prod(B.shape)``.
        B (Tensor): the right-hand side.
        dims (tuple of ints, optional): dimensions of ``A`` moved to the end first.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.eye(6).reshape(2, 3, 6)
        >>> ember.linalg.tensorsolve(A, ember.ones(2, 3)).shape
        torch.Size([6])
    """
    if dims is not None:
        dims = [d % A.ndim for d in dims]
        A = A.movedim(dims, list(range(A.ndim - len(dims), A.ndim)))
    rest = tuple(A.shape[B.ndim:])
    pr, pc = B.numel(), math.prod(rest)
    if pr != pc:
        raise RuntimeError("Expected self to satisfy the requirement prod(self.shape[other.ndim:]) "
                           f"== prod(self.shape[:other.ndim]), but got {pc} != {pr}")
    X = solve(A.reshape(pr, pc), B.reshape(pr))
    return X.reshape(rest)


def vander(x, *, N=None):
    """The Vandermonde matrix of ``x``: columns ``x**0, x**1, ..., x**(N-1)``; differentiable.

    Args:
        x (Tensor): vectors ``(..., n)`` (integer, floating or complex).
        N (int, optional): the number of columns. Default: ``n``.

    Example::

        >>> ember.linalg.vander(ember.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    if x.dtype is D.bool:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                           "but got Bool")
    if x.ndim == 0:
        raise RuntimeError("N must be greater than 1.")
    N = x.shape[-1] if N is None else N
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    from .functions import stack, ones_like
    cols = [ones_like(x)]
    cur = x
    for _ in range(1, N):
        cols.append(cur)
        cur = cur * x
    return stack(cols, -1)


@_writes_out
def householder_product(A, tau, *, out=None):
    """The first ``n`` columns of the product of Householder reflections ``H_1 ... H_k``; differentiable.

    ``H_i = I - tau_i v_i v_i^H`` with ``v_i`` column ``i`` of ``A`` below the diagonal (a 1
    on it, zeros above) — LAPACK's ``orgqr``, e.g. ``Q`` from ``geqrf``'s output.

    Args:
        A (Tensor): ``(..., m, n)`` with ``m >= n``, the reflectors' vectors.
        tau (Tensor): ``(..., k)`` with ``k <= n``, their scales.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
        >>> ember.linalg.householder_product(A, ember.tensor([1.0, 0.0]))
        tensor([[ 0., -1.],
                [-1.,  0.],
                [ 0.,  0.]])
    """
    name = "torch.linalg.householder_product"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise RuntimeError(f"{name}: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(f"{name}: Expected tau to have one dimension less than input, but got "
                           f"tau.ndim equal to {tau.ndim} and input.ndim is equal to {A.ndim}")
    k = tau.shape[-1]
    if n < k:
        raise RuntimeError(f"{name}: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    if tau.dtype is not A.dtype:
        raise RuntimeError(f"{name}: tau dtype {tau.dtype} does not match input dtype {A.dtype}")
    _check(A, name, square=False)
    from .functions import eye, arange
    batch = tuple(np.broadcast_shapes(tuple(A.shape[:-2]), tuple(tau.shape[:-1])))
    Q = eye(m, n, dtype=A.dtype, device=A.device).expand(batch + (m, n))
    rows = arange(m, device=A.device)
    for i in range(k - 1, -1, -1):
        below = (rows > i).to(A.dtype)
        e = (rows == i).to(A.dtype)
        v = A[..., :, i] * below + e                                  # (..., m)
        w = _matmul(v.conj().unsqueeze(-2), Q)                        # v^H Q: (..., 1, n)
        Q = Q - tau[..., i].unsqueeze(-1).unsqueeze(-1) * (v.unsqueeze(-1) * w)
    return Q


# ============================================================================ LDL (Bunch-Kaufman)


def _cabs1(z):
    return np.abs(z.real) + np.abs(z.imag) if np.iscomplexobj(z) else np.abs(z)


def _sytf2(A, hermitian):
    """LAPACK's unblocked Bunch-Kaufman ``sytf2``/``hetf2`` (lower) on one matrix (NumPy);
    returns the overwritten matrix, 1-based pivots and info."""
    A = A.copy()
    n = A.shape[0]
    cx = np.iscomplexobj(A)
    herm = hermitian and cx
    conj = np.conj if herm else (lambda z: z)
    alpha = (1 + math.sqrt(17.0)) / 8
    ipiv = np.zeros(n, dtype=np.int32)
    info = 0

    def dabs(z):  # the diagonal's magnitude
        return abs(z.real) if herm else _cabs1(z)

    k = 0
    while k < n:
        kstep = 1
        absakk = dabs(A[k, k])
        if k < n - 1:
            imax = k + 1 + int(np.argmax(_cabs1(A[k + 1:, k])))
            colmax = _cabs1(A[imax, k])
        else:
            imax, colmax = k, 0.0
        if max(absakk, colmax) == 0 or np.isnan(absakk):
            if info == 0:
                info = k + 1
            kp = k
            if herm:
                A[k, k] = A[k, k].real
        else:
            if absakk >= alpha * colmax:
                kp = k
            else:
                row = _cabs1(A[imax, k:imax])
                rowmax = row.max()
                if imax < n - 1:
                    rowmax = max(rowmax, _cabs1(A[imax + 1:, imax]).max())
                if absakk >= alpha * colmax * (colmax / rowmax):
                    kp = k
                elif dabs(A[imax, imax]) >= alpha * rowmax:
                    kp = imax
                else:
                    kp, kstep = imax, 2
            kk = k + kstep - 1
            if kp != kk:
                if kp < n - 1:
                    t = A[kp + 1:, kk].copy()
                    A[kp + 1:, kk] = A[kp + 1:, kp]
                    A[kp + 1:, kp] = t
                for j in range(kk + 1, kp):
                    t = conj(A[j, kk])
                    A[j, kk] = conj(A[kp, j])
                    A[kp, j] = t
                if herm:
                    A[kp, kk] = np.conj(A[kp, kk])
                t = A[kk, kk]
                A[kk, kk] = A[kp, kp]
                A[kp, kp] = t
                if kstep == 2:
                    if herm:
                        A[k, k] = A[k, k].real
                    t = A[kk, k]
                    A[kk, k] = A[kp, k]
                    A[kp, k] = t
            elif herm:
                A[k, k] = A[k, k].real
                if kstep == 2:
                    A[k + 1, k + 1] = A[k + 1, k + 1].real
            if kstep == 1:
                if k < n - 1:
                    r1 = 1 / (A[k, k].real if herm else A[k, k])
                    x = A[k + 1:, k].copy()
                    A[k + 1:, k + 1:] -= r1 * np.outer(x, conj(x))
                    A[k + 1:, k] = x * r1
                    if herm:
                        idx = np.arange(k + 1, n)
                        A[idx, idx] = A[idx, idx].real
            elif k < n - 2:
                if herm:
                    d = abs(A[k + 1, k])
                    d11 = A[k + 1, k + 1].real / d
                    d22 = A[k, k].real / d
                    tt = 1 / (d11 * d22 - 1)
                    d21 = A[k + 1, k] / d
                    d = tt / d
                    wk = d * (d11 * A[k + 2:, k] - d21 * A[k + 2:, k + 1])
                    wkp1 = d * (d22 * A[k + 2:, k + 1] - np.conj(d21) * A[k + 2:, k])
                else:
                    d21 = A[k + 1, k]
                    d11 = A[k + 1, k + 1] / d21
                    d22 = A[k, k] / d21
                    t = 1 / (d11 * d22 - 1)
                    d21 = t / d21
                    wk = d21 * (d11 * A[k + 2:, k] - A[k + 2:, k + 1])
                    wkp1 = d21 * (d22 * A[k + 2:, k + 1] - A[k + 2:, k])
                A[k + 2:, k + 2:] -= (np.outer(A[k + 2:, k], conj(wk))
                                      + np.outer(A[k + 2:, k + 1], conj(wkp1)))
                A[k + 2:, k] = wk
                A[k + 2:, k + 1] = wkp1
                if herm:
                    idx = np.arange(k + 2, n)
                    A[idx, idx] = A[idx, idx].real
        if kstep == 1:
            ipiv[k] = kp + 1
        else:
            ipiv[k] = ipiv[k + 1] = -(kp + 1)
        k += kstep
    return np.tril(A), ipiv, info


@_writes_out
def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None, _name=None):
    """The compact LDL factorisation (Bunch-Kaufman pivoting, LAPACK's ``sytrf``) with ``info``: ``(LD, pivots, info)``.

    ``LD`` holds ``L`` (unit diagonal not stored) below the diagonal and the 1x1 / 2x2 blocks
    of ``D``; ``pivots`` (int32) are LAPACK's (negative for 2x2 blocks); ``info`` > 0 flags
    an exactly singular ``D``. Only the lower triangle of ``A`` is read. Computed on the host;
    not differentiable (as in torch).

    Args:
        A (Tensor): symmetric (or Hermitian) matrices ``(..., n, n)``.
        hermitian (bool): complex ``A`` is Hermitian (else complex symmetric).
            Default: ``False``.
        check_errors (bool): raise for a singular ``D`` instead. Default: ``False``.
        out (tuple, optional): write the results into these three tensors.

    Example::

        >>> LD, pivots, info = ember.linalg.ldl_factor_ex(ember.tensor([[4.0, 2.0], [2.0, 3.0]]))
        >>> LD, pivots
        (tensor([[4.0000, 0.0000],
                [0.5000, 2.0000]]), tensor([1, 2], dtype=torch.int32))
    """
    name = "torch.linalg.ldl_factor_ex"
    _check(A, name)
    a = A.detach().cpu()._data
    n = a.shape[-1]
    flat = a.reshape((-1, n, n))
    LD = np.empty_like(flat)
    piv = np.zeros((flat.shape[0], n), dtype=np.int32)
    info = np.zeros(flat.shape[0], dtype=np.int32)
    with np.errstate(all="ignore"):
        for b in range(flat.shape[0]):
            LD[b], piv[b], info[b] = _sytf2(np.tril(flat[b]), bool(hermitian))
    if check_errors:
        bad = np.flatnonzero(info)
        if bad.size:
            pre = f"(Batch element {bad[0]}): " if A.ndim > 2 else ""
            raise LinAlgError(f"{_name or name}: "
                              f"{pre}The factorization could not be completed because the "
                              f"block diagonal matrix D is exactly singular (D[{info[bad[0]]},"
                              f"{info[bad[0]]}] is zero).")
    batch = tuple(A.shape[:-2])
    dev = A.device
    return _ret("linalg_ldl_factor_ex", ["LD", "pivots", "info"],
                (wrap(LD.reshape(a.shape), A.dtype).to(dev),
                 wrap(piv.reshape(batch + (n,)), D.int32).to(dev),
                 wrap(info.reshape(batch), D.int32).to(dev)))


@_writes_out
def ldl_factor(A, *, hermitian=False, out=None):
    """The compact LDL factorisation of symmetric / Hermitian matrices, as ``(LD, pivots)``.

    See :func:`ldl_factor_ex`; raises :class:`LinAlgError` when ``D`` is exactly singular.
    Use with :func:`ldl_solve`. Not differentiable (as in torch).

    Args:
        A (Tensor): symmetric (or Hermitian) matrices ``(..., n, n)``.
        hermitian (bool): complex ``A`` is Hermitian. Default: ``False``.
        out (tuple, optional): write the results into these two tensors.

    Example::

        >>> LD, pivots = ember.linalg.ldl_factor(ember.tensor([[0.0, 1.0], [1.0, 0.0]]))
        >>> pivots
        tensor([-2, -2], dtype=torch.int32)
    """
    LD, piv, _ = ldl_factor_ex(A, hermitian=hermitian, check_errors=True,
                               _name="torch.linalg.ldl_factor")
    return _ret("linalg_ldl_factor", ["LD", "pivots"], (LD, piv))


def _sytrs(A, ipiv, B, hermitian):
    """LAPACK's ``sytrs``/``hetrs`` (lower) on one system (NumPy)."""
    B = B.copy()
    n = A.shape[0]
    herm = hermitian and np.iscomplexobj(A)
    conj = np.conj if herm else (lambda z: z)
    k = 0
    while k < n:
        if ipiv[k] > 0:
            kp = ipiv[k] - 1
            if kp != k:
                B[[k, kp]] = B[[kp, k]]
            B[k + 1:] -= np.outer(A[k + 1:, k], B[k])
            B[k] /= A[k, k].real if herm else A[k, k]
            k += 1
        else:
            kp = -ipiv[k] - 1
            if kp != k + 1:
                B[[k + 1, kp]] = B[[kp, k + 1]]
            B[k + 2:] -= np.outer(A[k + 2:, k], B[k]) + np.outer(A[k + 2:, k + 1], B[k + 1])
            akm1k = A[k + 1, k]
            akm1 = A[k, k] / conj(akm1k)
            ak = A[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1 = B[k] / conj(akm1k)
            bk = B[k + 1] / akm1k
            B[k] = (ak * bkm1 - bk) / denom
            B[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:
        if ipiv[k] > 0:
            B[k] -= conj(A[k + 1:, k]) @ B[k + 1:]
            kp = ipiv[k] - 1
            if kp != k:
                B[[k, kp]] = B[[kp, k]]
            k -= 1
        else:
            B[k] -= conj(A[k + 1:, k]) @ B[k + 1:]
            B[k - 1] -= conj(A[k + 1:, k - 1]) @ B[k + 1:]
            kp = -ipiv[k] - 1
            if kp != k:
                B[[k, kp]] = B[[kp, k]]
            k -= 2
    return B


@_writes_out
def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):
    """Solve ``A X = B`` from :func:`ldl_factor`'s ``(LD, pivots)`` of ``A`` (computed on the host; not differentiable, as in torch).

    Args:
        LD (Tensor): the compact factors ``(..., n, n)``.
        pivots (Tensor): int32 pivots ``(..., n)``.
        B (Tensor): right-hand sides ``(..., n, k)`` (batch dims broadcast).
        hermitian (bool): the factorisation was Hermitian. Default: ``False``.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> A = ember.tensor([[4.0, 2.0], [2.0, 3.0]])
        >>> LD, pivots = ember.linalg.ldl_factor(A)
        >>> ember.linalg.ldl_solve(LD, pivots, ember.tensor([[6.0], [5.0]]))
        tensor([[1.],
                [1.]])
    """
    name = "torch.linalg.ldl_solve"
    _check(LD, name)
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = LD.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is {n} by {n} "
                           f"but each b matrix is {B.shape[-2]} by {B.shape[-1]}")
    if pivots.dtype is not D.int32:
        raise RuntimeError(f"{name}: Expected pivots to be integers. Got {pivots.dtype}")
    if B.dtype is not LD.dtype:
        raise RuntimeError(f"{name}: Expected LD and B to have the same dtype, but found LD of "
                           f"type {_type_label(LD.dtype)} and B of type "
                           f"{_type_label(B.dtype)} instead")
    a, p, b = (t.detach().cpu()._data for t in (LD, pivots, B))
    batch = tuple(np.broadcast_shapes(a.shape[:-2], p.shape[:-1], b.shape[:-2]))
    a = np.broadcast_to(a, batch + a.shape[-2:]).reshape((-1, n, n))
    p = np.broadcast_to(p, batch + p.shape[-1:]).reshape((-1, n))
    bb = np.broadcast_to(b, batch + b.shape[-2:]).reshape((-1,) + b.shape[-2:])
    X = np.empty(bb.shape, dtype=np.result_type(a.dtype, bb.dtype))
    with np.errstate(all="ignore"):
        for i in range(a.shape[0]):
            X[i] = _sytrs(a[i], p[i], bb[i].astype(X.dtype), bool(hermitian))
    return wrap(X.reshape(batch + b.shape[-2:]), LD.dtype).to(LD.device)


# ============================================================================ products


@_writes_out
def cross(input, other, *, dim=-1, out=None):
    """The cross product of 3-vectors along ``dim`` (the last dimension by default); differentiable.

    Args:
        input (Tensor): the first vectors (size 3 in ``dim``).
        other (Tensor): the second vectors (broadcastable).
        dim (int): the dimension holding the vectors. Default: -1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.cross(ember.tensor([[1.0, 0.0, 0.0]]), ember.tensor([[0.0, 1.0, 0.0]]))
        tensor([[0., 0., 1.]])
    """
    from .functions import cross as _cross
    return _cross(input, other, dim)


@_writes_out
def multi_dot(tensors, *, out=None):
    """The product of a chain of matrices ``tensors[0] @ tensors[1] @ ...``; differentiable.

    ember multiplies from left to right (torch picks the cheapest order; the result is the
    same up to rounding). The first and last may be 1-D (a row / column vector).

    Args:
        tensors (sequence of Tensor): the matrices.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.multi_dot([ember.ones(2, 3), ember.ones(3, 4), ember.ones(4)])
        tensor([12., 12.])
    """
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    res = tensors[0]
    for t in tensors[1:]:
        res = _matmul(res, t)
    return res


@_writes_out
def vecdot(x, y, *, dim=-1, out=None):
    """The dot product of vectors along ``dim``: ``sum(x.conj() * y, dim)`` (broadcasting); differentiable.

    Args:
        x (Tensor): the first vectors (conjugated when complex).
        y (Tensor): the second vectors.
        dim (int): the dimension holding the vectors. Default: -1.
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.vecdot(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    return (x.conj() * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in ``A`` (over the last two dimensions by default), as a view.

    Args:
        A (Tensor): a matrix or a batch of matrices.
        offset (int): which diagonal: 0 the main one, > 0 above it, < 0 below it. Default: 0.
        dim1 (int): the first matrix dimension. Default: -2.
        dim2 (int): the second matrix dimension. Default: -1.

    Example::

        >>> ember.linalg.diagonal(ember.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    from .functions import diagonal as _diag
    return _diag(A, offset, dim1, dim2)


def matmul(input, other, *, out=None):
    """The matrix product ``input @ other`` (alias of :func:`ember.matmul`); differentiable.

    Args:
        input (Tensor): the first operand (at least 1-D).
        other (Tensor): the second operand (at least 1-D).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.matmul(ember.ones(2, 3), ember.ones(3))
        tensor([3., 3.])
    """
    return _matmul(input, other, out=out)
