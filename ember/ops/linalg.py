"""Linear-algebra primitives: matmul (all rank cases via 2-D promotion), einsum, inv, det, solve.

Dense products go straight to BLAS through ``xp.matmul``.
"""
import numpy as np

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
        return wrap(get_xp(a._data).matmul(a._data, b._data), a._dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        na, nb = ctx.needs_input_grad
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


class Inv(Function):
    @staticmethod
    def forward(ctx, a):
        xp = get_xp(a._data)
        try:
            out = wrap(xp.linalg.inv(a._data), a._dtype)
        except np.linalg.LinAlgError:
            raise RuntimeError("linalg.inv: The diagonal element 1 is zero, the inversion could "
                               "not be completed because the input matrix is singular.") from None
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        inv, = ctx.saved_tensors
        it = inv.mT
        return -(it.matmul(g).matmul(it))


class Det(Function):
    @staticmethod
    def forward(ctx, a):
        xp = get_xp(a._data)
        out = wrap(xp.linalg.det(a._data), a._dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, det = ctx.saved_tensors
        from ..functions import _linalg_inv
        return (g * det).unsqueeze(-1).unsqueeze(-1) * _linalg_inv(a).mT


class Solve(Function):
    """X with A X = B (B is (..., n, k); vectors are handled by the public wrapper)."""

    @staticmethod
    def forward(ctx, a, b):
        xp = get_xp(a._data)
        try:
            x = wrap(xp.linalg.solve(a._data, b._data), a._dtype)
        except np.linalg.LinAlgError:
            raise RuntimeError("torch.linalg.solve: The solver failed because the input matrix "
                               "is singular.") from None
        ctx.save_for_backward(a, x)
        return x

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        from ..functions import _linalg_solve
        gb = _linalg_solve(a.mT, g)
        na, _ = ctx.needs_input_grad
        return (-gb.matmul(x.mT) if na else None), gb


class Cholesky(Function):
    """The Cholesky factor ``L`` (``A = L L^H``) with its gradient (Murray's formula, composed
    of ember ops so it can be differentiated again)."""

    @staticmethod
    def forward(ctx, A):
        xp = get_xp(A._data)
        try:
            L = xp.linalg.cholesky(A._data)
        except np.linalg.LinAlgError:
            raise RuntimeError("linalg.cholesky: The factorization could not be completed "
                               "because the input is not positive-definite.") from None
        out = wrap(L, A._dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, gL):
        from ..functions import diag_embed, diagonal, _linalg_inv
        L, = ctx.saved_tensors
        # gA = L^-H phi(L^H gL) L^-1, symmetrised; phi = lower triangle, diagonal halved
        P = L.mH @ gL
        P = P.tril() - 0.5 * diag_embed(diagonal(P, 0, -2, -1))
        Linv = _linalg_inv(L)
        S = Linv.mH @ P @ Linv
        return 0.5 * (S + S.mH)
