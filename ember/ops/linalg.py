"""Linear-algebra primitives: matmul, einsum, inv, det, solve, cholesky, the LU / SVD / QR /
eigh decompositions, triangular solves, pinv, lstsq, with torch's backward formulas.

Dense products go straight to BLAS through ``xp.matmul``.
"""
import numpy as np

from .. import _parallel
from .._device import get_xp
from ..autograd.function import Function, AUTOCAST
from ._common import wrap

_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long",
          "int32": "int", "bfloat16": "c10::BFloat16", "int16": "short", "int8": "signed char",
          "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def check_matmul(a, b):
    """torch's errors for mismatched matmul operands."""
    if a._dtype is not b._dtype and AUTOCAST[0] is None:  # (autocast casts them)
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_NAMES[a._dtype.name]} != {_NAMES[b._dtype.name]}")
    sa, sb = a._data.shape, b._data.shape
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a._data.ndim}D and {b._data.ndim}D")
    ka = sa[-1]
    kb = sb[0] if b._data.ndim == 1 else sb[-2]
    if ka != kb:
        if a._data.ndim <= 2 and b._data.ndim <= 2:
            if a._data.ndim == 2 and b._data.ndim == 2:
                raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                                   f"({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})")
            if a._data.ndim == 1 and b._data.ndim == 1:
                raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                                   f"[{sb[0]}] to have the same number of elements, but got "
                                   f"{sa[0]} and {sb[0]} elements respectively")
            if a._data.ndim == 2:
                raise RuntimeError(f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), "
                                   f"vec ({sb[0]})")
            raise RuntimeError(f"size mismatch, got input ({sb[1]}), mat ({sb[1]}x{sb[0]}), vec "
                               f"({sa[0]})")
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sb[0] if b._data.ndim > 2 else 1}, {ka}] but got: "
                           f"[{sb[0] if b._data.ndim > 2 else 1}, {kb}].")


class Matmul(Function):
    """``a @ b`` for operands with at least 2 dims (batch dims broadcast)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if type(a._data) is np.ndarray:     # large products split over ember's threads
            return wrap(_parallel.matmul(a._data, b._data), a._dtype)
        return wrap(get_xp(a._data).matmul(a._data, b._data), a._dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
        if a._dtype.is_complex:  # torch's convention: the conjugate (Wirtinger) gradient
            return (g.matmul(b.mH) if na else None, a.mH.matmul(g) if nb else None)
        return (g.matmul(b.mT) if na else None,
                a.mT.matmul(g) if nb else None)


class Einsum(Function):
    @staticmethod
    def forward(ctx, equation, *operands):
        xp = get_xp(operands[0]._data)
        ctx.equation = equation
        ctx.save_for_backward(*operands)
        out = xp.einsum(equation, *[o._data for o in operands], optimize=len(operands) > 2)
        return wrap(xp.asarray(out), operands[0]._dtype)

    @staticmethod
    def backward(ctx, g):
        ops = ctx.saved_tensors
        lhs, out_sub = ctx.equation.split("->")
        subs = lhs.split(",")
        from ..functions import einsum
        grads = [None]
        for i, (sub, op) in enumerate(zip(subs, ops)):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(subs) if j != i]
            other_ops = [o for j, o in enumerate(ops) if j != i]
            # letters of this operand missing from the others and the output are summed away:
            # their gradient is broadcast back
            avail = set(out_sub) | set("".join(others))
            target = "".join(c for c in sub if c in avail)
            eq = ",".join([out_sub] + others) + "->" + target
            if g._dtype.is_complex:  # torch's convention: g times the conjugated operands
                from .elementwise import conj_of
                other_ops = [conj_of(o) for o in other_ops]
            gi = einsum(eq, g, *other_ops)
            if target != sub:
                # re-insert summed-away letters (broadcast) and repeated letters (diagonals)
                gi = _expand_subscripts(gi, target, sub, op.shape)
            grads.append(gi)
        return tuple(grads)


def _expand_subscripts(gi, have, want, shape):
    from ..functions import zeros
    sizes = dict(zip(want, shape))
    if len(set(want)) == len(want):
        # only missing letters: unsqueeze and expand
        order = [c for c in want if c in have]
        cur = gi.permute([have.index(c) for c in order]) if order else gi
        for pos, c in enumerate(want):
            if c not in have:
                cur = cur.unsqueeze(pos)
        return cur.expand(shape)
    # repeated letters (e.g. 'ii'): scatter onto the diagonal via einsum with an identity
    from ..functions import eye, einsum
    letters = "".join(dict.fromkeys(want))
    base = _expand_subscripts(gi, have, letters, [sizes[c] for c in letters]) \
        if have != letters else gi
    eqs = [letters]
    mats = [base]
    seen = {}
    out = ""
    fresh = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for c in want:
        if c in seen:
            n = next(fresh)
            eqs.append(c + n)
            mats.append(eye(sizes[c], dtype=gi.dtype, device=gi.device))
            out += n
        else:
            seen[c] = True
            out += c
    del zeros
    return einsum(",".join(eqs) + "->" + out, *mats)


# ============================================================================ errors

from .. import _dtype as D  # noqa: E402


class _LinAlgError(RuntimeError):
    """torch's ``linalg.LinAlgError``: a linear-algebra routine failed on its input (a singular
    matrix for ``inv``/``solve``, a matrix that is not positive-definite for ``cholesky`` ...).

    A subclass of ``RuntimeError``, so ``except RuntimeError`` catches it too.

    Args:
        *args: the message.

    Example::

        >>> try:
        ...     ember.linalg.inv(ember.zeros(2, 2))
        ... except ember.linalg.LinAlgError as e:
        ...     print(e)
        linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.
    """


_LinAlgError.__module__ = "torch._C"
LinAlgError = _LinAlgError


def _host(a):
    return a.get() if hasattr(a, "get") else np.asarray(a)


def check_errors(info, name, kind, batched):
    """Raise torch's error for the first failing matrix of a batch (``info`` > 0)."""
    h = _host(info).reshape(-1)
    bad = np.flatnonzero(h)
    if bad.size == 0:
        return
    b, v = int(bad[0]), int(h[bad[0]])
    pre = f"{name}: " + (f"(Batch element {b}): " if batched else "")
    if kind == "inv":
        raise LinAlgError(pre + f"The diagonal element {v} is zero, the inversion could not be "
                          "completed because the input matrix is singular.")
    if kind == "solve":
        raise LinAlgError(pre + "The solver failed because the input matrix is singular.")
    if kind == "cholesky":
        raise LinAlgError(pre + "The factorization could not be completed because the input is "
                          f"not positive-definite (the leading minor of order {v} is not "
                          "positive-definite).")
    raise RuntimeError(pre + f"U[{v},{v}] is zero and using it on lu_solve would result in a "
                       "division by zero. If you still want to perform the factorization, "
                       "consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


# ============================================================================ raw kernels
# These work on raw arrays (NumPy or CuPy) and never raise for singular input: they return
# LAPACK-style ``info`` (1-based index of the failing pivot / minor, 0 when none) instead.


def lu_factor_raw(a):
    """Partial-pivoting LU (LAPACK's getrf) of ``(..., m, n)``: the packed factors, 1-based int32
    row swaps ``(..., min(m, n))`` and int32 ``info`` (first exactly-zero pivot, 1-based)."""
    xp = get_xp(a)
    shape = a.shape
    m, n = shape[-2], shape[-1]
    k = min(m, n)
    A = xp.array(a.reshape((-1, m, n)), copy=True)
    B = A.shape[0]
    piv = xp.zeros((B, k), dtype=np.int32)
    info = xp.zeros(B, dtype=np.int32)
    rows = xp.arange(B)
    with np.errstate(all="ignore"):
        for j in range(k):
            p = j + xp.argmax(xp.abs(A[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            rj = A[rows, j, :].copy()
            A[rows, j, :] = A[rows, p, :]
            A[rows, p, :] = rj
            d = A[:, j, j]
            zero = d == 0
            info = xp.where(zero & (info == 0), j + 1, info).astype(np.int32)
            if j + 1 < m:
                col = A[:, j + 1:, j] / xp.where(zero, 1, d)[:, None]
                A[:, j + 1:, j] = xp.where(zero[:, None], A[:, j + 1:, j], col)
                if j + 1 < n:
                    A[:, j + 1:, j + 1:] -= A[:, j + 1:, j:j + 1] * A[:, j:j + 1, j + 1:]
    return (A.reshape(shape), piv.reshape(shape[:-2] + (k,)), info.reshape(shape[:-2]))


def perm_from_pivots(piv, m):
    """The row order ``perm`` of ``P^T A = L U`` (``(P^T A)[i] = A[perm[i]]``) from 1-based
    sequential row swaps ``(..., k)``."""
    xp = get_xp(piv)
    batch = piv.shape[:-1]
    p = piv.reshape((-1, piv.shape[-1])).astype(np.int64) - 1
    B = p.shape[0]
    perm = xp.tile(xp.arange(m), (B, 1))
    rows = xp.arange(B)
    for j in range(p.shape[1]):
        tmp = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p[:, j]]
        perm[rows, p[:, j]] = tmp
    return perm.reshape(batch + (m,))


def _bcast(T, Bm):
    xp = get_xp(T)
    batch = np.broadcast_shapes(T.shape[:-2], Bm.shape[:-2])
    return (xp.broadcast_to(T, batch + T.shape[-2:]), xp.broadcast_to(Bm, batch + Bm.shape[-2:]))


def substitute(T, Bm, upper, unit):
    """Forward / back substitution for triangular ``T`` (only its triangle is read), row by
    row, so zero pivots give inf / nan as LAPACK's trsm does."""
    xp = get_xp(T)
    T, Bm = _bcast(T, Bm)
    n = T.shape[-1]
    X = xp.empty(Bm.shape, dtype=np.result_type(T.dtype, Bm.dtype))
    with np.errstate(all="ignore"):
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            if upper:
                s = Bm[..., i, :] - xp.matmul(T[..., i:i + 1, i + 1:], X[..., i + 1:, :])[..., 0, :]
            else:
                s = Bm[..., i, :] - xp.matmul(T[..., i:i + 1, :i], X[..., :i, :])[..., 0, :]
            X[..., i, :] = s if unit else s / T[..., i, i][..., None]
    return X


def tri_solve_raw(T, Bm, upper, unit):
    """``T^-1 B`` for triangular ``T`` (the other triangle ignored; unit diagonal if ``unit``)."""
    xp = get_xp(T)
    n = T.shape[-1]
    T = xp.triu(T) if upper else xp.tril(T)
    if unit:
        eye = xp.eye(n, dtype=bool)
        T = xp.where(eye, xp.ones((), dtype=T.dtype), T)
    elif n and not bool((xp.diagonal(T, axis1=-2, axis2=-1) != 0).all()):
        return substitute(T, Bm, upper, unit)
    if T.size == 0 or Bm.size == 0:
        return substitute(T, Bm, upper, unit)
    T2, B2 = _bcast(T, Bm)
    try:
        with np.errstate(all="ignore"):
            return xp.linalg.solve(T2, B2)
    except np.linalg.LinAlgError:
        return substitute(T, Bm, upper, unit)


def lu_solve_raw(lu, piv, b):
    """Solve ``A X = B`` from the packed LU of ``A`` (``P^T A = L U``)."""
    xp = get_xp(lu)
    lu, b = _bcast(lu, b)
    piv = xp.broadcast_to(piv, lu.shape[:-2] + piv.shape[-1:])
    perm = perm_from_pivots(piv, lu.shape[-2])
    pb = xp.take_along_axis(b, perm[..., None], axis=-2)
    y = substitute(lu, pb, upper=False, unit=True)
    return substitute(lu, y, upper=True, unit=False)


def _no_info(a, batch):
    return get_xp(a).zeros(batch, dtype=np.int32)


def inv_raw(a):
    """``(inverse, info)``; a singular matrix gets LAPACK's inf / nan garbage and info > 0."""
    xp = get_xp(a)
    try:
        with np.errstate(all="ignore"):
            r = xp.linalg.inv(a)
        if xp is np or bool(xp.isfinite(r).all()):  # (CuPy does not raise by default)
            return r, _no_info(a, a.shape[:-2])
    except np.linalg.LinAlgError:
        pass
    lu, piv, info = lu_factor_raw(a)
    eye = xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape)
    return lu_solve_raw(lu, piv, eye).astype(a.dtype, copy=False), info


def solve_raw(a, b):
    """``(A^-1 B, info)`` with batch dimensions broadcast (``B`` is ``(..., n, k)``)."""
    xp = get_xp(a)
    a, b = _bcast(a, b)
    try:
        with np.errstate(all="ignore"):
            r = xp.linalg.solve(a, b)
        if xp is np or bool(xp.isfinite(r).all()):
            return r, _no_info(a, a.shape[:-2])
    except np.linalg.LinAlgError:
        pass
    lu, piv, info = lu_factor_raw(a)
    return lu_solve_raw(lu, piv, b).astype(r_dtype(a, b), copy=False), info


def r_dtype(a, b):
    return np.result_type(a.dtype, b.dtype)


def cholesky_raw(a):
    """``(L, info)``: the lower Cholesky factor; for a matrix that is not positive-definite,
    LAPACK's partial result (the failing minor's pivot on the diagonal) and info = its order."""
    xp = get_xp(a)
    n = a.shape[-1]
    try:
        with np.errstate(all="ignore"):
            L = xp.linalg.cholesky(a)
        if xp is np or not bool(xp.isnan(L).any()):
            return L, _no_info(a, a.shape[:-2])
    except np.linalg.LinAlgError:
        pass
    shape = a.shape
    A = a.reshape((-1, n, n))
    L = xp.tril(A).copy()
    info = xp.zeros(A.shape[0], dtype=np.int32)
    with np.errstate(all="ignore"):
        for j in range(n):
            alive = info == 0
            lj = L[:, j, :j]
            ajj = xp.real(A[:, j, j]) - xp.sum(xp.abs(lj) ** 2, axis=-1)
            bad = alive & ~(ajj > 0)
            info = xp.where(bad, j + 1, info).astype(np.int32)
            ok = alive & ~bad
            d = xp.sqrt(xp.where(ok, ajj, 1))
            L[:, j, j] = xp.where(ok, d, xp.where(bad, ajj, L[:, j, j]))
            if j + 1 < n:
                below = (A[:, j + 1:, j] - xp.matmul(L[:, j + 1:, :j],
                                                    xp.conj(lj)[..., None])[..., 0]) / d[:, None]
                L[:, j + 1:, j] = xp.where(ok[:, None], below, L[:, j + 1:, j])
    return L.reshape(shape), info.reshape(shape[:-2])


# ============================================================================ helpers (ember ops)


def _H(t):
    """The conjugate transpose (a plain transpose for real tensors)."""
    return t.mH if t._dtype.is_complex else t.mT


def _eye(m, n, like):
    from ..functions import eye
    return eye(m, n, dtype=like._dtype, device=like.device)


def _set_diag(M, d):
    """``M`` with its diagonal replaced by ``d`` (differentiable in both)."""
    from ..functions import diag_embed
    from ..functions import eye
    n = M.shape[-1]
    off = 1 - eye(n, dtype=M._dtype.to_real(), device=M.device)
    return M * off + diag_embed(d)


def solve_triangular(A, B, upper, left=True, unitriangular=False):
    return SolveTriangular.apply(A, B, upper, left, unitriangular)


def _allclose(a, b, rtol=1e-2, atol=1e-2):
    xp = get_xp(a._data)
    return bool(xp.all(xp.abs(a._data - b._data) <= atol + rtol * xp.abs(b._data)))


# ============================================================================ solve / inv / det


class SolveTriangular(Function):
    """``A^-1 B`` (or ``B A^-1``) for triangular ``A``; only its triangle is read."""
    _node_name = "LinalgSolveTriangularBackward0"

    @staticmethod
    def forward(ctx, A, B, upper, left, unit):
        xp = get_xp(A._data)
        if left:
            x = tri_solve_raw(A._data, B._data, upper, unit)
        else:  # X A = B  <=>  A^T X^T = B^T
            x = xp.swapaxes(tri_solve_raw(xp.swapaxes(A._data, -1, -2),
                                          xp.swapaxes(B._data, -1, -2), not upper, unit), -1, -2)
        X = wrap(xp.ascontiguousarray(x), A._dtype)
        ctx.save_for_backward(A, X)
        ctx.args = (upper, left, unit)
        return X

    @staticmethod
    def backward(ctx, g):
        A, X = ctx.saved_tensors
        upper, left, unit = ctx.args
        gB = solve_triangular(_H(A), g, not upper, left, unit)
        gA = None
        if ctx.needs_input_grad[0]:
            gA = -(gB @ _H(X)) if left else -(_H(X) @ gB)
            gA = gA.triu(1 if unit else 0) if upper else gA.tril(-1 if unit else 0)
        return gA, (gB if ctx.needs_input_grad[1] else None), None, None, None


class InvEx(Function):
    """``(inverse, info)``; raises torch's LinAlgError named ``check`` unless it is None."""
    _node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, A, check):
        r, info = inv_raw(A._data)
        if check:
            check_errors(info, check, "inv", A._data.ndim > 2)
        out = wrap(r, A._dtype)
        info = wrap(info, D.int32)
        ctx.mark_non_differentiable(info)
        ctx.save_for_backward(out)
        return out, info

    @staticmethod
    def backward(ctx, g, ginfo=None):
        inv, = ctx.saved_tensors
        it = _H(inv)
        return -(it @ g @ it), None


class Inv:
    """``linalg.inv`` as one output (raises for singular input)."""

    @staticmethod
    def apply(A):
        return InvEx.apply(A, "linalg.inv")[0]


class SolveEx(Function):
    """``(A^-1 B, info)`` for ``B`` of shape ``(..., n, k)`` (batch dimensions broadcast)."""
    _node_name = "LinalgSolveExBackward0"

    @staticmethod
    def forward(ctx, A, B, check):
        x, info = solve_raw(A._data, B._data)
        if check:
            check_errors(info, check, "solve", x.ndim > 2)
        X = wrap(x, A._dtype)
        info = wrap(info, D.int32)
        ctx.mark_non_differentiable(info)
        ctx.save_for_backward(A, X)
        return X, info

    @staticmethod
    def backward(ctx, g, ginfo=None):
        A, X = ctx.saved_tensors
        gB = SolveEx.apply(_H(A), g, "torch.linalg.solve")[0]
        gA = -(gB @ _H(X)) if ctx.needs_input_grad[0] else None
        return gA, gB, None


class Solve:
    """``linalg.solve`` for ``(..., n, k)`` right-hand sides (raises for singular input)."""

    @staticmethod
    def apply(A, B):
        return SolveEx.apply(A, B, "torch.linalg.solve")[0]


class Det(Function):
    _node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        xp = get_xp(a._data)
        out = wrap(xp.asarray(xp.linalg.det(a._data)), a._dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        A, det = ctx.saved_tensors
        gd = (g * det.conj() if A._dtype.is_complex else g * det).unsqueeze(-1).unsqueeze(-1)
        if bool(get_xp(det._data).all(det._data != 0)):
            return gd * _H(InvEx.apply(A, "linalg.det")[0])
        # singular somewhere: g * adj(A)^H with the adjugate from the SVD A = U S V^H,
        # adj(A) = det(U) det(V^H) V diag(prod_{j != i} s_j) U^H (valid for every matrix)
        U, S, Vh = Svd.apply(A, False)
        n = S.shape[-1]
        eye = _eye(n, n, S)
        pi = (S.unsqueeze(-2) * (1 - eye) + eye).prod(-1)
        phase = (Det.apply(U) * Det.apply(Vh)).unsqueeze(-1).unsqueeze(-1)
        adj = phase * ((_H(Vh) * pi.unsqueeze(-2)) @ _H(U))
        return g.unsqueeze(-1).unsqueeze(-1) * _H(adj)


class Slogdet(Function):
    _node_name = "LinalgSlogdetBackward0"

    @staticmethod
    def forward(ctx, A):
        xp = get_xp(A._data)
        s, l = xp.linalg.slogdet(A._data)
        sign = wrap(xp.asarray(s), A._dtype)
        logabs = wrap(xp.asarray(l), A._dtype.to_real())
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(A, sign)
        return sign, logabs

    @staticmethod
    def backward(ctx, gsign, glog):
        A, sign = ctx.saved_tensors
        g = glog
        if A._dtype.is_complex and gsign is not None:
            t = (gsign * sign.conj()).imag * 1j
            g = t if g is None else g + t
        if g is None:
            return None
        return g.unsqueeze(-1).unsqueeze(-1) * _H(InvEx.apply(A, "linalg.slogdet")[0])


# ============================================================================ cholesky


class CholeskyEx(Function):
    """``(L, info)`` (or ``(U, info)`` with ``upper``); raises when ``check`` names the op."""
    _node_name = "LinalgCholeskyExBackward0"

    @staticmethod
    def forward(ctx, A, upper, check):
        L, info = cholesky_raw(A._data)
        if check:
            check_errors(info, check, "cholesky", A._data.ndim > 2)
        Lt = wrap(L, A._dtype)
        info = wrap(info, D.int32)
        ctx.mark_non_differentiable(info)
        ctx.save_for_backward(Lt)
        ctx.upper = upper
        if upper:
            xp = get_xp(L)
            return wrap(xp.ascontiguousarray(xp.conj(xp.swapaxes(L, -1, -2))), A._dtype), info
        return Lt, info

    @staticmethod
    def backward(ctx, gL, ginfo=None):
        # torch's formula (Murray 2016): P = tril(L^H gL); gA = L^-H (P + tril(P, -1)^H) / 2 L^-1
        L, = ctx.saved_tensors
        if ctx.upper:
            gL = _H(gL)
        P = (_H(L) @ gL).tril()
        P = 0.5 * (P + _H(P.tril(-1)))
        return solve_triangular(L, solve_triangular(_H(L), P, True), False, left=False), None, None


class Cholesky:
    @staticmethod
    def apply(A, upper=False):
        return CholeskyEx.apply(A, upper, "linalg.cholesky")[0]


# ============================================================================ SVD / eigh / QR


def _svd_raw(a, full_matrices):
    xp = get_xp(a)
    m, n = a.shape[-2], a.shape[-1]
    if a.size == 0:  # LAPACK has nothing to do: identity-like factors, no singular values
        batch = a.shape[:-2]
        k = min(m, n)
        mu, nv = (m, n) if full_matrices else (k, k)
        u = xp.broadcast_to(xp.eye(m, mu, dtype=a.dtype), batch + (m, mu)).copy()
        vh = xp.broadcast_to(xp.eye(nv, n, dtype=a.dtype), batch + (nv, n)).copy()
        return u, xp.zeros(batch + (k,), dtype=a.real.dtype), vh
    return xp.linalg.svd(a, full_matrices=full_matrices)


def svd_backward(gU, gS, gVh, U, S, Vh):
    """torch's ``svd_backward`` for the reduced factors (``U (m, k)``, ``Vh (k, n)``)."""
    from ..functions import diag_embed
    if gU is None and gS is None and gVh is None:
        return None
    m, n = U.shape[-2], Vh.shape[-1]
    if gU is None and gVh is None:
        return U @ (gS.unsqueeze(-1) * Vh) if m >= n else (U * gS.unsqueeze(-2)) @ Vh
    is_complex = U._dtype.is_complex
    V = _H(Vh)
    gV = _H(gVh) if gVh is not None else None

    def skew(X):
        return X - _H(X)

    UhgU = skew(_H(U) @ gU) if gU is not None else None
    VhgV = skew(_H(V) @ gV) if gV is not None else None
    if is_complex:
        from ..functions import zeros_like
        im_u = UhgU.diagonal(0, -2, -1).imag if gU is not None else zeros_like(S)
        im_v = VhgV.diagonal(0, -2, -1).imag if gV is not None else zeros_like(S)
        if not _allclose(im_u, -im_v):
            raise RuntimeError("svd_backward: The singular vectors in the complex case are "
                               "specified up to multiplication by e^{i phi}. The specified loss "
                               "function depends on this phase term, making it ill-defined.")
    S2 = S * S
    k = S.shape[-1]
    E = _set_diag(S2.unsqueeze(-2) - S2.unsqueeze(-1), S.new_ones(S.shape))
    if gU is not None:
        if gV is not None:
            gA = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
        else:
            gA = (UhgU / E) * S.unsqueeze(-2)
    else:
        gA = S.unsqueeze(-1) * (VhgV / E)
    if gS is not None:
        gA = gA + diag_embed(gS)
    del k
    if m > n and gU is not None:
        gA = U @ gA
        gUSinv = gU / S.unsqueeze(-2)
        gA = gA + gUSinv - U @ (_H(U) @ gUSinv)
        gA = gA @ Vh
    elif m < n and gV is not None:
        gA = gA @ Vh
        SinvgVh = gVh / S.unsqueeze(-1)
        gA = gA + SinvgVh - (SinvgVh @ V) @ Vh
        gA = U @ gA
    else:
        gA = U @ (gA @ Vh) if m >= n else (U @ gA) @ Vh
    return gA


class Svd(Function):
    """``(U, S, Vh)``; differentiable (torch's formula, through the reduced factors)."""
    _node_name = "LinalgSvdBackward0"

    @staticmethod
    def forward(ctx, A, full_matrices):
        u, s, vh = _svd_raw(A._data, full_matrices)
        U, S, Vh = wrap(u, A._dtype), wrap(s, A._dtype.to_real()), wrap(vh, A._dtype)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(U, S, Vh)
        ctx.full = full_matrices
        return U, S, Vh

    @staticmethod
    def backward(ctx, gU, gS, gVh):
        U, S, Vh = ctx.saved_tensors
        if ctx.full:
            k = S.shape[-1]
            U, Vh = U[..., :, :k], Vh[..., :k, :]
            gU = gU[..., :, :k] if gU is not None else None
            gVh = gVh[..., :k, :] if gVh is not None else None
        return svd_backward(gU, gS, gVh, U, S, Vh), None


class Eigh(Function):
    """``(eigenvalues, eigenvectors)`` of Hermitian matrices; differentiable (torch's formula)."""
    _node_name = "LinalgEighBackward0"

    @staticmethod
    def forward(ctx, A, UPLO):
        xp = get_xp(A._data)
        if A._data.size == 0:
            w = xp.zeros(A._data.shape[:-1], dtype=A._data.real.dtype)
            v = xp.zeros(A._data.shape, dtype=A._data.dtype)
        else:
            w, v = xp.linalg.eigh(A._data, UPLO=UPLO)
        L, V = wrap(w, A._dtype.to_real()), wrap(v, A._dtype)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(L, V)
        return L, V

    @staticmethod
    def backward(ctx, gL, gV):
        L, V = ctx.saved_tensors
        if gV is None:
            if gL is None:
                return None, None
            return (V * gL.unsqueeze(-2)) @ _H(V), None
        VhgV = _H(V) @ gV
        if V._dtype.is_complex:
            im = VhgV.diagonal(0, -2, -1).imag
            if not _allclose(im, im * 0):
                raise RuntimeError("linalg_eigh_backward: The eigenvectors in the complex case "
                                   "are specified up to multiplication by e^{i phi}. The "
                                   "specified loss function depends on this quantity, so it is "
                                   "ill-defined.")
        VhgV = 0.5 * (VhgV - _H(VhgV))
        E = _set_diag(L.unsqueeze(-2) - L.unsqueeze(-1), L.new_ones(L.shape))
        ret = VhgV / E
        if gL is not None:
            ret = _set_diag(ret, gL.to(ret._dtype))
        return V @ (ret @ _H(V)), None


def _copyltu(M):
    """tril(M, -1) + tril(M, -1)^H + diag(Re diag M): the Hermitian matrix from M's lower part."""
    from ..functions import diag_embed
    low = M.tril(-1)
    d = M.diagonal(0, -2, -1)
    d = d.real if M._dtype.is_complex else d
    return low + _H(low) + diag_embed(d).to(M._dtype)


def _qr_backward_tall(gQ, gR, Q, R):
    # m >= n (reduced): gA = (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q
    if gR is not None:
        M = R @ _H(gR)
        if gQ is not None:
            M = M - _H(gQ) @ Q
    else:
        M = -(_H(gQ) @ Q)
    b = Q @ _copyltu(M)
    if gQ is not None:
        b = b + gQ
    return solve_triangular(_H(R), b, False, left=False)


class Qr(Function):
    """``(Q, R)`` for mode ``'reduced'``, ``'complete'`` or ``'r'`` (``Q`` empty)."""
    _node_name = "LinalgQrBackward0"

    @staticmethod
    def forward(ctx, A, mode):
        xp = get_xp(A._data)
        a = A._data
        m, n = a.shape[-2], a.shape[-1]
        k = min(m, n)
        if a.size == 0:
            mq = m if mode == "complete" else k
            q = xp.broadcast_to(xp.eye(m, mq, dtype=a.dtype), a.shape[:-2] + (m, mq)).copy()
            r = xp.zeros(a.shape[:-2] + (mq, n), dtype=a.dtype)
        else:
            q, r = xp.linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        if mode == "r":
            q = xp.zeros((0,), dtype=a.dtype)
        Q, R = wrap(xp.ascontiguousarray(q), A._dtype), wrap(xp.ascontiguousarray(r), A._dtype)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(Q, R)
        ctx.mode = mode
        return Q, R

    @staticmethod
    def backward(ctx, gQ, gR):
        Q, R = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                               "going to differentiate through linalg.qr.")
        m, n = Q.shape[-2], R.shape[-1]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if gQ is None and gR is None:
            return None, None
        if m >= n:
            return _qr_backward_tall(gQ, gR, Q, R), None
        # wide: A = Q [R1 | R2], the left block X = Q R1 is square, Y = Q R2
        from ..functions import cat, zeros
        R1, R2 = R[..., :, :m], R[..., :, m:]
        Y = Q @ R2
        gR1 = gR[..., :, :m] if gR is not None else None
        gQ2 = Y @ _H(gR[..., :, m:]) if gR is not None else None
        gQe = gQ if gQ2 is None else (gQ2 if gQ is None else gQ + gQ2)
        gX = _qr_backward_tall(gQe, gR1, Q, R1)
        gY = Q @ gR[..., :, m:] if gR is not None else \
            zeros(tuple(Y.shape), dtype=Y.dtype, device=Y.device)
        return cat([gX, gY], -1), None


# ============================================================================ pinv / lstsq


def default_rtol(dtype, m, n):
    return float(np.finfo(dtype.to_real().np).eps) * max(m, n)


def _pinv_raw(a, atol, rtol, hermitian):
    """The pseudo-inverse through the SVD (or eigh); ``atol``/``rtol`` raw arrays of the batch
    shape (broadcastable) or Python floats."""
    xp = get_xp(a)
    m, n = a.shape[-2], a.shape[-1]
    if a.size == 0:
        return xp.zeros(a.shape[:-2] + (n, m), dtype=a.dtype)
    with np.errstate(all="ignore"):
        if hermitian:
            w, v = xp.linalg.eigh(a)
            s = xp.abs(w)
            smax = s.max(-1, keepdims=True)
            tol = xp.maximum(xp.asarray(atol)[..., None], xp.asarray(rtol)[..., None] * smax)
            winv = xp.where(s > tol, 1 / xp.where(w == 0, 1, w), 0).astype(a.dtype)
            return xp.matmul(v * winv[..., None, :], xp.conj(xp.swapaxes(v, -1, -2)))
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        smax = s[..., :1]
        tol = xp.maximum(xp.asarray(atol)[..., None], xp.asarray(rtol)[..., None] * smax)
        sinv = xp.where(s > tol, 1 / xp.where(s == 0, 1, s), 0).astype(a.dtype)
        return xp.matmul(xp.conj(xp.swapaxes(vh, -1, -2)) * sinv[..., None, :],
                         xp.conj(xp.swapaxes(u, -1, -2)))


def pinv_backward(g, P, A):
    """torch's ``pinv_backward`` (valid where the rank is locally constant)."""
    m, n = A.shape[-2], A.shape[-1]
    Ph = _H(P)
    gh = _H(g)
    if m <= n:
        K = gh @ P
        KPh = K @ Ph
        return -_H(P @ K) + KPh - (A @ P) @ KPh + (Ph @ P) @ (gh - K @ A)
    K = P @ gh
    PhK = Ph @ K
    return -_H(K @ P) + ((gh - A @ K) @ P) @ Ph + PhK - (PhK @ P) @ A


class Pinv(Function):
    _node_name = "LinalgPinvBackward0"

    @staticmethod
    def forward(ctx, A, atol, rtol, hermitian):
        out = wrap(get_xp(A._data).ascontiguousarray(_pinv_raw(A._data, atol, rtol, hermitian)),
                   A._dtype)
        ctx.save_for_backward(A, out)
        return out

    @staticmethod
    def backward(ctx, g):
        A, P = ctx.saved_tensors
        return pinv_backward(g, P, A), None, None, None


class Lstsq(Function):
    """``(solution, residuals, rank, singular_values)`` through the SVD; ``B`` is
    ``(..., m, k)`` with batch dimensions already broadcast. The solution is differentiable
    (torch's formula through the pseudo-inverse)."""
    _node_name = "LinalgLstsqBackward0"

    @staticmethod
    def forward(ctx, A, B, rcond, driver):
        xp = get_xp(A._data)
        a, b = A._data, B._data
        m, n = a.shape[-2], a.shape[-1]
        batch = a.shape[:-2]
        real = A._dtype.to_real()
        if a.size == 0:
            x = xp.zeros(batch + (n, b.shape[-1]), dtype=a.dtype)
            s = xp.zeros(batch + (min(m, n),), dtype=real.np)
            rank = xp.zeros(batch, dtype=np.int64)
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            cutoff = rcond * s[..., :1]
            keep = s > cutoff
            with np.errstate(all="ignore"):
                sinv = xp.where(keep, 1 / xp.where(s == 0, 1, s), 0).astype(a.dtype)
            x = xp.matmul(xp.conj(xp.swapaxes(vh, -1, -2)),
                          sinv[..., :, None] * xp.matmul(xp.conj(xp.swapaxes(u, -1, -2)), b))
            rank = keep.sum(-1).astype(np.int64)
        empty = xp.zeros((0,), dtype=real.np)
        res = empty
        full_rank = bool((rank == n).all()) if driver != "gels" else True
        if m > n and driver != "gelsy" and full_rank:
            r = xp.matmul(a, x) - b
            res = (xp.abs(r) ** 2).sum(-2).astype(real.np)
        sv = s if driver in ("gelsd", "gelss") else empty
        rk = xp.zeros((0,), dtype=np.int64) if driver == "gels" else rank
        out = (wrap(xp.ascontiguousarray(x), A._dtype), wrap(xp.asarray(res), real),
               wrap(xp.asarray(rk), D.int64), wrap(xp.ascontiguousarray(sv), real))
        ctx.mark_non_differentiable(out[1], out[2], out[3])
        ctx.save_for_backward(A, B)
        return out

    @staticmethod
    def backward(ctx, gX, *_):
        A, B = ctx.saved_tensors
        P = Pinv.apply(A, 0.0, default_rtol(A._dtype, A.shape[-2], A.shape[-1]), False)
        gA = pinv_backward(gX @ _H(B), P, A) if ctx.needs_input_grad[0] else None
        gB = _H(P) @ gX if ctx.needs_input_grad[1] else None
        return gA, gB, None, None


# ============================================================================ LU


def permutation_matrix(piv, m, like):
    """``P`` (``A = P L U``) from 1-based pivots, as a constant tensor like ``like``."""
    xp = get_xp(piv._data)
    perm = perm_from_pivots(piv._data, m)
    batch = perm.shape[:-1]
    P = xp.zeros(batch + (m, m), dtype=like._dtype.np)
    # P[perm[i], i] = 1
    eye = xp.eye(m, dtype=like._dtype.np)
    P = xp.ascontiguousarray(xp.swapaxes(eye[perm], -1, -2)) if m else P
    return wrap(P, like._dtype)


def lu_backward(gL, gU, P, L, U):
    """torch's ``linalg_lu_backward`` for ``A = P L U`` (L ``(m, k)`` unit-lower, U ``(k, n)``)."""
    from ..functions import cat
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if gL is None and gU is None:
        return None
    if m == n:
        phi = 0
        if gL is not None:
            phi = (_H(L) @ gL).tril(-1)
        if gU is not None:
            phi = phi + (gU @ _H(U)).triu()
        X = solve_triangular(_H(L), phi, True, unitriangular=True)
        return P @ solve_triangular(_H(U), X, False, left=False)
    if m < n:  # wide: U = [U1 | U2]
        U1, U2 = U[..., :, :k], U[..., :, k:]
        phi = 0
        if gL is not None:
            phi = _H(L) @ gL
        if gU is not None:
            gU1, gU2 = gU[..., :, :k], gU[..., :, k:]
            phi = phi - gU2 @ _H(U2)
            phi = phi.tril(-1) + (gU1 @ _H(U1)).triu()
        else:
            phi = phi.tril(-1)
        X = solve_triangular(_H(L), phi, True, unitriangular=True)
        gA1 = solve_triangular(_H(U1), X, False, left=False)
        if gU is not None:
            gA2 = solve_triangular(_H(L), gU2, True, unitriangular=True)
        else:
            gA2 = (L[..., :, :1] * 0) * U2[..., :1, :]
        return P @ cat([gA1, gA2], -1)
    # tall: L = [L1; L2]
    L1, L2 = L[..., :k, :], L[..., k:, :]
    phi = 0
    if gU is not None:
        phi = gU @ _H(U)
    if gL is not None:
        gL1, gL2 = gL[..., :k, :], gL[..., k:, :]
        phi = phi - _H(L2) @ gL2
        phi = (_H(L1) @ gL1).tril(-1) + phi.triu()
    else:
        phi = phi.triu()
    X = solve_triangular(_H(L1), phi, True, unitriangular=True)
    gA1 = solve_triangular(_H(U), X, False, left=False)
    if gL is not None:
        gA2 = solve_triangular(_H(U), gL2, False, left=False)
    else:
        gA2 = L2 * 0 @ U
    return P @ cat([gA1, gA2], -2)


class LuFactorEx(Function):
    """``(LU, pivots, info)`` (packed LU with partial pivoting); differentiable in ``A``."""
    _node_name = "LinalgLuFactorExBackward0"

    @staticmethod
    def forward(ctx, A, check):
        lu, piv, info = lu_factor_raw(A._data)
        if check:
            check_errors(info, check, "lu", A._data.ndim > 2)
        LU = wrap(lu, A._dtype)
        piv = wrap(piv, D.int32)
        info = wrap(info, D.int32)
        ctx.mark_non_differentiable(piv, info)
        ctx.save_for_backward(LU)
        ctx.piv = piv
        return LU, piv, info

    @staticmethod
    def backward(ctx, gLU, gpiv=None, ginfo=None):
        LU, = ctx.saved_tensors
        m, n = LU.shape[-2], LU.shape[-1]
        k = min(m, n)
        L = LU[..., :, :k].tril(-1) + _eye(m, k, LU)
        U = LU[..., :k, :].triu()
        P = permutation_matrix(ctx.piv, m, LU)
        return lu_backward(gLU[..., :, :k].tril(-1), gLU[..., :k, :].triu(), P, L, U), None
