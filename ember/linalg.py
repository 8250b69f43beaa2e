"""ember.linalg: torch.linalg on NumPy/CuPy's LAPACK bindings.

``inv``, ``det``, ``solve`` (and what is composed from them) are differentiable; the
decompositions return their factors without gradients.
"""
from collections import namedtuple

import numpy as np

from . import _dtype as D
from ._device import get_xp
from .functions import (vector_norm, linalg_inv as _inv, linalg_det as _det,
                        linalg_solve as _solve, matmul, amax, amin)
from .ops._common import wrap

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "svd",
           "svdvals", "qr", "eigh", "eigvalsh", "eig", "eigvals", "cholesky", "pinv",
           "matrix_rank", "lstsq", "matrix_power", "cross", "multi_dot", "vecdot", "diagonal"]


def inv(A, *, out=None):
    """The inverse of square matrices (batched); differentiable.

    Args:
        A (Tensor): (..., n, n) invertible matrices.

    Example::

        >>> ember.linalg.inv(ember.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_square(A, "linalg.inv")
    return _inv(A)


def det(A, *, out=None):
    """The determinant of square matrices (batched); differentiable.

    Example::

        >>> ember.linalg.det(ember.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
    """
    _check_square(A, "linalg.det")
    return _det(A)


def solve(A, B, *, left=True, out=None):
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); differentiable.

    Args:
        A (Tensor): (..., n, n) coefficient matrices.
        B (Tensor): (..., n, k) right-hand sides, or (..., n) vectors.

    Example::

        >>> ember.linalg.solve(ember.eye(2) * 2, ember.tensor([2.0, 4.0]))
        tensor([1., 2.])
    """
    _check_square(A, "linalg.solve")
    return _solve(A, B, left=left)


def _check_square(A, name):
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are "
                           f"{A.shape[-2]} by {A.shape[-1]} matrices")
    if not (A.dtype.is_floating_point or A.dtype.is_complex):
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{A.dtype.name.capitalize()}")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """Matrix norm: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2.

    Example::

        >>> ember.linalg.matrix_norm(ember.ones(2, 2))
        tensor(2.)
    """
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = dim
    if ord == "fro":
        return vector_norm(A, 2, dim=dim, keepdim=keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        r = s.sum(-1) if ord == "nuc" else (s.amax(-1) if ord == 2 else s.amin(-1))
        if keepdim:
            r = r.unsqueeze(-1).unsqueeze(-1)
        return r
    if ord in (1, -1):
        col = A.abs().sum(d0, keepdim=True)
        r = amax(col, d1, keepdim=True) if ord == 1 else amin(col, d1, keepdim=True)
    elif ord in (float("inf"), -float("inf")):
        row = A.abs().sum(d1, keepdim=True)
        r = amax(row, d0, keepdim=True) if ord > 0 else amin(row, d0, keepdim=True)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    return r if keepdim else r.squeeze((d0, d1) if d0 >= 0 else (d0 % A.ndim, d1 % A.ndim))


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """Vector norm (1-D input or ``dim`` an int) or matrix norm (2-D / ``dim`` a pair).

    Example::

        >>> ember.linalg.norm(ember.tensor([3.0, 4.0]))
        tensor(5.)
    """
    if dim is None and ord is not None and A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if isinstance(dim, (tuple, list)) and len(dim) == 2 and ord is not None:
        return matrix_norm(A, ord, tuple(dim), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def _np(A):
    return A.detach()._data


def slogdet(A):
    """``(sign, logabsdet)`` of square matrices."""
    xp = get_xp(A._data)
    s, l = xp.linalg.slogdet(_np(A))
    r = namedtuple("slogdet", ["sign", "logabsdet"])
    logabs = (det(A).abs().log()) if A.requires_grad else wrap(l, A.dtype)
    return r(wrap(s, A.dtype), logabs)


def svd(A, full_matrices=True, *, driver=None):
    """``(U, S, Vh)`` with ``A = U diag(S) Vh``."""
    xp = get_xp(A._data)
    u, s, vh = xp.linalg.svd(_np(A), full_matrices=full_matrices)
    r = namedtuple("svd", ["U", "S", "Vh"])
    return r(wrap(u, A.dtype), wrap(s, A.dtype.to_real()), wrap(vh, A.dtype))


def svdvals(A, *, driver=None):
    """Singular values, descending."""
    xp = get_xp(A._data)
    return wrap(xp.linalg.svd(_np(A), compute_uv=False), A.dtype.to_real())


def qr(A, mode="reduced"):
    """``(Q, R)`` with ``A = Q R``."""
    xp = get_xp(A._data)
    q, r_ = xp.linalg.qr(_np(A), mode="complete" if mode == "complete" else "reduced")
    r = namedtuple("qr", ["Q", "R"])
    return r(wrap(q, A.dtype), wrap(r_, A.dtype))


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and eigenvectors of symmetric/Hermitian matrices."""
    xp = get_xp(A._data)
    w, v = xp.linalg.eigh(_np(A), UPLO=UPLO)
    r = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
    return r(wrap(w, A.dtype.to_real()), wrap(v, A.dtype))


def eigvalsh(A, UPLO="L"):
    """Eigenvalues (ascending) of symmetric/Hermitian matrices."""
    xp = get_xp(A._data)
    return wrap(xp.linalg.eigvalsh(_np(A), UPLO=UPLO), A.dtype.to_real())


def eig(A):
    """Eigenvalues and eigenvectors of general matrices (complex results)."""
    w, v = np.linalg.eig(A.detach().cpu()._data)
    ct = D.complex128 if A.dtype is D.float64 else D.complex64
    r = namedtuple("eig", ["eigenvalues", "eigenvectors"])
    return r(wrap(w, ct).to(A.device), wrap(v, ct).to(A.device))


def eigvals(A):
    """Eigenvalues of general matrices (complex)."""
    return eig(A).eigenvalues


def cholesky(A, *, upper=False):
    """The Cholesky factor of symmetric positive-definite matrices."""
    xp = get_xp(A._data)
    try:
        L = xp.linalg.cholesky(_np(A))
    except np.linalg.LinAlgError:
        raise RuntimeError("linalg.cholesky: The factorization could not be completed because "
                           "the input is not positive-definite.") from None
    t = wrap(L, A.dtype)
    return t.mT if upper else t


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """Moore-Penrose pseudo-inverse."""
    xp = get_xp(A._data)
    return wrap(xp.linalg.pinv(_np(A), rcond=1e-15 if rtol is None else rtol), A.dtype)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """Numerical rank."""
    xp = get_xp(A._data)
    return wrap(xp.asarray(xp.linalg.matrix_rank(_np(A))).astype(np.int64), D.int64)


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B``."""
    x, res, rank, sv = np.linalg.lstsq(A.detach().cpu()._data, B.detach().cpu()._data,
                                       rcond=rcond)
    r = namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])
    return r(wrap(x, A.dtype), wrap(np.asarray(res), A.dtype),
             wrap(np.asarray(rank, dtype=np.int64), D.int64), wrap(sv, A.dtype))


def matrix_power(A, n):
    """``A`` multiplied by itself ``n`` times (negative ``n`` uses the inverse)."""
    if n < 0:
        A, n = inv(A), -n
    from .functions import eye
    result = eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(A.shape)
    for _ in range(n):
        result = result @ A
    return result


def cross(input, other, *, dim=-1):
    """Cross product along ``dim`` (default last)."""
    from .functions import cross as _cross
    return _cross(input, other, dim)


def multi_dot(tensors):
    """Product of a chain of matrices."""
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def vecdot(x, y, *, dim=-1):
    """Dot product along ``dim``."""
    return (x.conj() * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """Diagonals of the matrices in ``A``."""
    from .functions import diagonal as _diag
    return _diag(A, offset, dim1, dim2)
