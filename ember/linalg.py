"""ember.linalg: torch.linalg on NumPy/CuPy's LAPACK bindings.

``inv``, ``det``, ``solve`` (and what is composed from them) are differentiable; the
decompositions return their factors without gradients.
"""
from collections import namedtuple

import numpy as np

from . import _dtype as D
from ._device import get_xp
from .functions import (_writes_out, vector_norm, _linalg_inv as _inv, _linalg_det as _det,
                        _linalg_solve as _solve, matmul, amax, amin)
from .ops._common import wrap

__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve", "svd",
           "svdvals", "qr", "eigh", "eigvalsh", "eig", "eigvals", "cholesky", "pinv",
           "matrix_rank", "lstsq", "matrix_power", "cross", "multi_dot", "vecdot", "diagonal"]


@_writes_out
def inv(A, *, out=None):
    """The inverse of a square matrix, or of each matrix in a batch; differentiable.

    Raises when a matrix is singular. To solve ``A x = b`` prefer :func:`solve` (faster and
    more accurate than ``inv(A) @ b``).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.inv(ember.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_square(A, "linalg.inv")
    return _inv(A)


@_writes_out
def det(A, *, out=None):
    """The determinant of a square matrix, or of each matrix in a batch; differentiable.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        out (Tensor, optional): write the result into this tensor.

    Example::

        >>> ember.linalg.det(ember.tensor([[2.0, 1.0], [1.0, 3.0]]))
        tensor(5.)
        >>> ember.linalg.det(ember.eye(3).expand(4, 3, 3))
        tensor([1., 1., 1., 1.])
    """
    _check_square(A, "linalg.det")
    return _det(A)


@_writes_out
def solve(A, B, *, left=True, out=None):
    """The solution ``X`` of ``A @ X = B`` (or ``X @ A = B`` with ``left=False``); differentiable.

    Batch dimensions broadcast. A ``B`` of shape ``(..., n)`` is treated as a (batch of)
    vector(s).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        B (Tensor): the right-hand sides, ``(..., n, k)``, or vectors ``(..., n)``.
        left (bool): solve ``A X = B`` (True) or ``X A = B`` (False). Default: ``True``.
        out (Tensor, optional): write the result into this tensor.

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
    """A matrix norm, computed over the two dimensions ``dim`` (batched over the rest).

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

    Example::

        >>> ember.linalg.matrix_norm(ember.ones(2, 2))
        tensor(2.)
        >>> ember.linalg.matrix_norm(ember.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
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


def _np(A):
    return A.detach()._data


def slogdet(A):
    """The sign and the log of the absolute value of the determinant, as a named tuple ``(sign, logabsdet)``.

    More stable than ``det(A).log()`` for large or tiny determinants; ``logabsdet`` is
    differentiable.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).

    Example::

        >>> sign, logabsdet = ember.linalg.slogdet(ember.tensor([[-2.0, 0.0], [0.0, 1.0]]))
        >>> sign, logabsdet
        (tensor(-1.), tensor(0.6931))
    """
    xp = get_xp(A._data)
    s, l = xp.linalg.slogdet(_np(A))
    r = namedtuple("slogdet", ["sign", "logabsdet"])
    logabs = (det(A).abs().log()) if A.requires_grad else wrap(l, A.dtype)
    return r(wrap(s, A.dtype), logabs)


def svd(A, full_matrices=True, *, driver=None):
    """The singular value decomposition ``A = U @ diag(S) @ Vh``, as a named tuple ``(U, S, Vh)``.

    ``S`` is real and in descending order. The factors are returned without gradients (no autograd through this decomposition).

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        full_matrices (bool): return full square ``U`` and ``Vh`` (True) or the reduced
            ones of shapes ``(m, k)`` and ``(k, n)``, ``k = min(m, n)`` (False).
            Default: ``True``.
        driver (str, optional): accepted for torch compatibility (CUDA-only in torch).

    Example::

        >>> A = ember.tensor([[3.0, 0.0], [0.0, -2.0]])
        >>> U, S, Vh = ember.linalg.svd(A)
        >>> S
        tensor([3., 2.])
        >>> ember.allclose(U @ ember.diag(S) @ Vh, A)
        True
    """
    xp = get_xp(A._data)
    u, s, vh = xp.linalg.svd(_np(A), full_matrices=full_matrices)
    r = namedtuple("svd", ["U", "S", "Vh"])
    return r(wrap(u, A.dtype), wrap(s, A.dtype.to_real()), wrap(vh, A.dtype))


def svdvals(A, *, driver=None):
    """The singular values of ``A``, in descending order (real).

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        driver (str, optional): accepted for torch compatibility.

    Example::

        >>> ember.linalg.svdvals(ember.tensor([[3.0, 0.0], [0.0, -2.0]]))
        tensor([3., 2.])
    """
    xp = get_xp(A._data)
    return wrap(xp.linalg.svd(_np(A), compute_uv=False), A.dtype.to_real())


def qr(A, mode="reduced"):
    """The QR decomposition ``A = Q @ R`` (``Q`` orthonormal columns, ``R`` upper triangular), as a named tuple.

    The factors are returned without gradients (no autograd through this decomposition).

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        mode (str): ``'reduced'`` (``Q`` is ``(m, k)``) or ``'complete'`` (``Q`` is
            ``(m, m)``), ``k = min(m, n)``. Default: ``'reduced'``.

    Example::

        >>> A = ember.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> Q, R = ember.linalg.qr(A)
        >>> Q.shape, R.shape, ember.allclose(Q @ R, A, atol=1e-5)
        (torch.Size([3, 2]), torch.Size([2, 2]), True)
    """
    xp = get_xp(A._data)
    q, r_ = xp.linalg.qr(_np(A), mode="complete" if mode == "complete" else "reduced")
    r = namedtuple("qr", ["Q", "R"])
    return r(wrap(q, A.dtype), wrap(r_, A.dtype))


def eigh(A, UPLO="L"):
    """Eigenvalues (ascending, real) and eigenvectors (columns) of symmetric / Hermitian matrices.

    Returns a named tuple ``(eigenvalues, eigenvectors)`` with ``A = V diag(w) V^H``; only
    one triangle of ``A`` is read. The factors are returned without gradients (no autograd through this decomposition).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        UPLO (str): use the lower (``'L'``) or upper (``'U'``) triangle of ``A``.
            Default: ``'L'``.

    Example::

        >>> w, V = ember.linalg.eigh(ember.tensor([[2.0, 1.0], [1.0, 2.0]]))
        >>> w
        tensor([1., 3.])
    """
    xp = get_xp(A._data)
    w, v = xp.linalg.eigh(_np(A), UPLO=UPLO)
    r = namedtuple("eigh", ["eigenvalues", "eigenvectors"])
    return r(wrap(w, A.dtype.to_real()), wrap(v, A.dtype))


def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending, real) of symmetric / Hermitian matrices.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        UPLO (str): use the lower (``'L'``) or upper (``'U'``) triangle of ``A``.
            Default: ``'L'``.

    Example::

        >>> ember.linalg.eigvalsh(ember.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    xp = get_xp(A._data)
    return wrap(xp.linalg.eigvalsh(_np(A), UPLO=UPLO), A.dtype.to_real())


def eig(A):
    """Eigenvalues and eigenvectors of general square matrices, as complex tensors.

    Returns a named tuple ``(eigenvalues, eigenvectors)``; the results are complex even for
    real input (complex64 for float32, complex128 for float64). The factors are returned without gradients (no autograd through this decomposition).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).

    Example::

        >>> ember.linalg.eig(ember.tensor([[2.0, 0.0], [0.0, 3.0]])).eigenvalues
        tensor([2.+0.j, 3.+0.j])
    """
    w, v = np.linalg.eig(A.detach().cpu()._data)
    ct = D.complex128 if A.dtype is D.float64 else D.complex64
    r = namedtuple("eig", ["eigenvalues", "eigenvectors"])
    return r(wrap(w, ct).to(A.device), wrap(v, ct).to(A.device))


def eigvals(A):
    """The eigenvalues of general square matrices, as a complex tensor.

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).

    Example::

        >>> ember.linalg.eigvals(ember.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    return eig(A).eigenvalues


def cholesky(A, *, upper=False):
    """The Cholesky factor ``L`` of symmetric (Hermitian) positive-definite matrices: ``A = L @ L^H``.

    Raises torch's error when a matrix is not positive-definite. Differentiable (the
    gradient is symmetric, as torch's).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        upper (bool): return the upper-triangular factor ``U = L^H`` instead.
            Default: ``False``.

    Example::

        >>> ember.linalg.cholesky(ember.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    from .ops.linalg import Cholesky
    _check_square(A, "linalg.cholesky")
    t = Cholesky.apply(A)
    return t.mH if upper else t


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse of ``A`` (via the SVD).

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        atol (float, optional): accepted for torch compatibility (not used by ember).
        rtol (float, optional): singular values below ``rtol * max(S)`` are treated as zero.
            Default: 1e-15.
        hermitian (bool): accepted for torch compatibility. Default: ``False``.

    Example::

        >>> ember.linalg.pinv(ember.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    xp = get_xp(A._data)
    return wrap(xp.linalg.pinv(_np(A), rcond=1e-15 if rtol is None else rtol), A.dtype)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False):
    """The numerical rank of ``A`` (the number of singular values above a tolerance), as int64.

    Args:
        A (Tensor): a matrix ``(m, n)`` or a batch of them ``(..., m, n)``.
        atol (float, optional): accepted for torch compatibility (ember uses NumPy's default
            tolerance).
        rtol (float, optional): accepted for torch compatibility.
        hermitian (bool): accepted for torch compatibility. Default: ``False``.

    Example::

        >>> ember.linalg.matrix_rank(ember.tensor([[1.0, 2.0], [2.0, 4.0]]))
        tensor(1)
    """
    xp = get_xp(A._data)
    return wrap(xp.asarray(xp.linalg.matrix_rank(_np(A))).astype(np.int64), D.int64)


def lstsq(A, B, rcond=None, *, driver=None):
    """The least-squares solution of ``A @ X = B``, as a named tuple ``(solution, residuals, rank, singular_values)``.

    Minimises ``||A X - B||``. Computed on the host with NumPy; not differentiable.

    Args:
        A (Tensor): the ``(m, n)`` matrix.
        B (Tensor): the right-hand side(s), ``(m, k)`` or ``(m,)``.
        rcond (float, optional): singular values below ``rcond * max(S)`` count as zero.
            Default: machine precision.
        driver (str, optional): accepted for torch compatibility.

    Example::

        >>> A = ember.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> ember.linalg.lstsq(A, ember.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.],
                [2.]])
    """
    x, res, rank, sv = np.linalg.lstsq(A.detach().cpu()._data, B.detach().cpu()._data,
                                       rcond=rcond)
    r = namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])
    return r(wrap(x, A.dtype), wrap(np.asarray(res), A.dtype),
             wrap(np.asarray(rank, dtype=np.int64), D.int64), wrap(sv, A.dtype))


def matrix_power(A, n):
    """``A`` multiplied by itself ``n`` times (``n = 0`` gives the identity, negative ``n`` uses the inverse).

    Args:
        A (Tensor): square matrices ``(..., n, n)`` (floating or complex).
        n (int): the exponent.

    Example::

        >>> ember.linalg.matrix_power(ember.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    if n < 0:
        A, n = inv(A), -n
    from .functions import eye
    result = eye(A.shape[-1], dtype=A.dtype, device=A.device).expand(A.shape)
    for _ in range(n):
        result = result @ A
    return result


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim`` (the last dimension by default).

    Args:
        input (Tensor): the first vectors (size 3 in ``dim``).
        other (Tensor): the second vectors (same shape).
        dim (int): the dimension holding the vectors. Default: -1.

    Example::

        >>> ember.linalg.cross(ember.tensor([[1.0, 0.0, 0.0]]), ember.tensor([[0.0, 1.0, 0.0]]))
        tensor([[0., 0., 1.]])
    """
    from .functions import cross as _cross
    return _cross(input, other, dim)


def multi_dot(tensors):
    """The product of a chain of matrices ``tensors[0] @ tensors[1] @ ...``.

    ember multiplies from left to right (torch picks the cheapest order; the result is the
    same up to rounding).

    Args:
        tensors (sequence of Tensor): the matrices (the first and last may be 1-D).

    Example::

        >>> ember.linalg.multi_dot([ember.ones(2, 3), ember.ones(3, 4), ember.ones(4)])
        tensor([12., 12.])
    """
    out = tensors[0]
    for t in tensors[1:]:
        out = matmul(out, t)
    return out


def vecdot(x, y, *, dim=-1):
    """The dot product of vectors along ``dim``: ``sum(x.conj() * y, dim)`` (broadcasting).

    Args:
        x (Tensor): the first vectors (conjugated when complex).
        y (Tensor): the second vectors.
        dim (int): the dimension holding the vectors. Default: -1.

    Example::

        >>> ember.linalg.vecdot(ember.tensor([[1.0, 2.0], [3.0, 4.0]]), ember.tensor([1.0, 1.0]))
        tensor([3., 7.])
    """
    return (x.conj() * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in ``A`` (over the last two dimensions by default).

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
