"""Gradients of ember.linalg's decompositions against torch (same inputs, same upstream
gradients) and against finite differences (ember's gradcheck, float64)."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck

RNG = np.random.default_rng(1234)


def _arr(shape, dtype=np.float64):
    a = RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * RNG.standard_normal(shape)
    return a.astype(dtype)


def _pair(a, grad=True):
    e = ember.tensor(a, requires_grad=grad)
    t = torch.tensor(a, requires_grad=grad)
    return e, t


def _close(e, t, atol=1e-7, rtol=1e-6):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), atol=atol, rtol=rtol)


def _spd(shape, dtype=np.float64):
    a = _arr(shape, dtype)
    n = shape[-1]
    return a @ np.conj(np.swapaxes(a, -1, -2)) + n * np.eye(n)


def _sym(shape):
    a = _arr(shape)
    return a + np.swapaxes(a, -1, -2)


# ---------------------------------------------------------------- svd


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3), (2, 1, 4, 2)])
def test_svd_grad_matches_torch(shape):
    a = _arr(shape)
    e, t = _pair(a)
    k = min(shape[-2:])
    w1, w2, w3 = _arr(shape[:-1] + (k,)), _arr(shape[:-2] + (k,)), _arr(shape[:-2] + (k, shape[-1]))

    def loss(mod, x, lib):
        U, S, Vh = mod.linalg.svd(x, full_matrices=False)
        # sign-invariant: squares of the singular vectors, S, and U @ Vh
        return ((U ** 2) * lib(w1)).sum() + (S * lib(w2)).sum() + ((Vh ** 2) * lib(w3)).sum() \
            + (U @ Vh).sum()

    loss(ember, e, ember.tensor).backward()
    loss(torch, t, torch.tensor).backward()
    _close(e.grad, t.grad, atol=1e-8)


def test_svd_full_matrices_grad_matches_torch():
    a = _arr((4, 2))
    e, t = _pair(a)
    for mod, x in ((ember, e), (torch, t)):
        U, S, Vh = mod.linalg.svd(x)
        ((U[:, :2] ** 2).sum(0) * S).sum().backward()
    _close(e.grad, t.grad)


def test_svd_gradcheck_float64():
    a = ember.tensor(_arr((3, 4)), requires_grad=True)
    assert gradcheck(lambda x: ember.linalg.svd(x, full_matrices=False).S, (a,))
    assert gradcheck(lambda x: (lambda r: (r.U @ r.Vh, r.U ** 2))(
        ember.linalg.svd(x, full_matrices=False)), (a,))


def test_svdvals_and_matrix_norms_grad_match_torch():
    a = _arr((2, 4, 3))
    e, t = _pair(a)
    for mod, x in ((ember, e), (torch, t)):
        L = mod.linalg.svdvals(x).sum()
        for o in ("nuc", 2, -2):
            L = L + mod.linalg.matrix_norm(x, ord=o).sum()
        L = L + mod.linalg.cond(x).sum()
        L.backward()
    _close(e.grad, t.grad, atol=1e-8)


def test_svd_complex_backward_matches_torch_and_checks_gauge():
    a = _arr((3, 3), np.complex128)
    e, t = _pair(a)
    Ue, Se, Vhe = ember.linalg.svd(e, full_matrices=False)
    Ut, St, Vht = torch.linalg.svd(t, full_matrices=False)
    # singular vectors agree up to a phase per column: transport the upstream gradient
    phase = np.diag(Ue.detach().numpy().conj().T @ Ut.detach().numpy())
    phase = phase / np.abs(phase)
    G = _arr((3, 3), np.complex128)
    # make it gauge invariant: zero imaginary diagonal of U^H G
    U = Ue.detach().numpy()
    G = G - U @ np.diag(1j * np.imag(np.diag(U.conj().T @ G)))
    gS = _arr((3,))
    ge, = ember.autograd.grad((Ue, Se), (e,), (ember.tensor(G), ember.tensor(gS)))
    gt, = torch.autograd.grad((Ut, St), (t,), (torch.tensor(G * phase[None, :]), torch.tensor(gS)))
    _close(ge, gt, atol=1e-8)
    # a loss that depends on the phase raises torch's error
    Ue, Se, Vhe = ember.linalg.svd(e, full_matrices=False)
    with pytest.raises(RuntimeError, match=r"svd_backward: The singular vectors in the complex "
                       r"case are specified up to multiplication by e\^\{i phi\}"):
        ember.autograd.grad(Ue, e, ember.tensor(np.eye(3) * 1j + 0.0))


# ---------------------------------------------------------------- eigh


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_grad_matches_torch(uplo):
    a = _sym((2, 4, 4))
    e, t = _pair(a)
    w = _arr((2, 4, 4))
    for mod, x, lib in ((ember, e, ember.tensor), (torch, t, torch.tensor)):
        L, V = mod.linalg.eigh(x, UPLO=uplo)
        ((V ** 2) * lib(w)).sum().backward(retain_graph=True)
        (L * L).sum().backward()
        mod.linalg.eigvalsh(x, UPLO=uplo).sum().backward()
    _close(e.grad, t.grad, atol=1e-8)


def test_eigh_gradcheck_and_complex_gauge_error():
    a = ember.tensor(_sym((3, 3)), requires_grad=True)
    assert gradcheck(lambda x: ember.linalg.eigh(x + x.mT).eigenvectors ** 2, (a,))
    c = ember.tensor(_spd((3, 3), np.complex128), requires_grad=True)
    L, V = ember.linalg.eigh(c)
    with pytest.raises(RuntimeError, match="linalg_eigh_backward: The eigenvectors in the "
                                           "complex case"):
        ember.autograd.grad(V, c, ember.tensor(np.eye(3) * 1j + 0.0))


def test_eigh_complex_backward_matches_torch():
    a = _spd((3, 3), np.complex128)
    e, t = _pair(a)
    Le, Ve = ember.linalg.eigh(e)
    Lt, Vt = torch.linalg.eigh(t)
    phase = np.diag(Ve.detach().numpy().conj().T @ Vt.detach().numpy())
    phase = phase / np.abs(phase)
    V = Ve.detach().numpy()
    G = _arr((3, 3), np.complex128)
    G = G - V @ np.diag(1j * np.imag(np.diag(V.conj().T @ G)))
    gL = _arr((3,))
    ge, = ember.autograd.grad((Le, Ve), (e,), (ember.tensor(gL), ember.tensor(G)))
    gt, = torch.autograd.grad((Lt, Vt), (t,), (torch.tensor(gL), torch.tensor(G * phase[None])))
    _close(ge, gt, atol=1e-8)


# ---------------------------------------------------------------- qr


@pytest.mark.parametrize("shape,mode", [((5, 3), "reduced"), ((3, 3), "reduced"),
                                        ((3, 5), "reduced"), ((2, 3, 5), "complete"),
                                        ((2, 4, 2), "reduced")])
def test_qr_grad_matches_torch(shape, mode):
    a = _arr(shape)
    e, t = _pair(a)
    Q0, R0 = torch.linalg.qr(t.detach(), mode=mode)
    gQ, gR = _arr(tuple(Q0.shape)), _arr(tuple(R0.shape))
    ge = ember.autograd.grad(ember.linalg.qr(e, mode=mode), (e,),
                             (ember.tensor(gQ), ember.tensor(gR)))[0]
    gt = torch.autograd.grad(torch.linalg.qr(t, mode=mode), (t,),
                             (torch.tensor(gQ), torch.tensor(gR)))[0]
    _close(ge, gt, atol=1e-8)
    # only one factor used
    ge = ember.autograd.grad(ember.linalg.qr(e, mode=mode).R, e, ember.tensor(gR))[0]
    gt = torch.autograd.grad(torch.linalg.qr(t, mode=mode).R, t, torch.tensor(gR))[0]
    _close(ge, gt, atol=1e-8)


def test_qr_complex_grad_matches_torch_and_errors():
    a = _arr((4, 3), np.complex128)
    e, t = _pair(a)
    gQ, gR = _arr((4, 3), np.complex128), _arr((3, 3), np.complex128)
    ge = ember.autograd.grad(ember.linalg.qr(e), (e,), (ember.tensor(gQ), ember.tensor(gR)))[0]
    gt = torch.autograd.grad(torch.linalg.qr(t), (t,), (torch.tensor(gQ), torch.tensor(gR)))[0]
    _close(ge, gt, atol=1e-8)
    x = ember.tensor(_arr((4, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable when mode='complete' and nrows"):
        ember.linalg.qr(x, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="depends on Q, which is not computed when mode='r'"):
        ember.linalg.qr(x, mode="r").R.sum().backward()
    assert gradcheck(lambda y: ember.linalg.qr(y), (x,))


# ---------------------------------------------------------------- pinv, lstsq, slogdet, rank


@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 3, 3)])
def test_pinv_grad_matches_torch_and_gradcheck(shape):
    a = _arr(shape)
    e, t = _pair(a)
    g = _arr(shape[:-2] + (shape[-1], shape[-2]))
    ge = ember.autograd.grad(ember.linalg.pinv(e), e, ember.tensor(g))[0]
    gt = torch.autograd.grad(torch.linalg.pinv(t), t, torch.tensor(g))[0]
    _close(ember.linalg.pinv(e), torch.linalg.pinv(t))
    _close(ge, gt, atol=1e-8)
    assert gradcheck(ember.linalg.pinv, (e,))


def test_pinv_hermitian_and_tolerances_match_torch():
    a = _sym((3, 3))
    for kw in ({}, {"hermitian": True}, {"rtol": 0.3}, {"atol": 1.0}, {"atol": 0.5, "rtol": 0.2}):
        _close(ember.linalg.pinv(ember.tensor(a), **kw), torch.linalg.pinv(torch.tensor(a), **kw))
        assert int(ember.linalg.matrix_rank(ember.tensor(a), **kw)) == \
            int(torch.linalg.matrix_rank(torch.tensor(a), **kw))
    low = np.diag([3.0, 1e-9, 1.0])
    assert int(ember.linalg.matrix_rank(ember.tensor(low))) == \
        int(torch.linalg.matrix_rank(torch.tensor(low)))
    atol = np.array([0.1, 100.0])
    b = _arr((2, 3, 3))
    np.testing.assert_array_equal(
        ember.linalg.matrix_rank(ember.tensor(b), atol=ember.tensor(atol)).numpy(),
        torch.linalg.matrix_rank(torch.tensor(b), atol=torch.tensor(atol)).numpy())
    assert int(ember.linalg.matrix_rank(ember.tensor(low), tol=0.5)) == 2


@pytest.mark.parametrize("driver", [None, "gelsd", "gelss", "gels"])
def test_lstsq_values_and_grads_match_torch(driver):
    a, b = _arr((2, 5, 3)), _arr((2, 5, 2))
    ea, ta = _pair(a)
    eb, tb = _pair(b)
    re = ember.linalg.lstsq(ea, eb, driver=driver)
    rt = torch.linalg.lstsq(ta, tb, driver=driver)
    for x, y in zip(re, rt):
        assert tuple(x.shape) == tuple(y.shape)
        _close(x, y, atol=1e-8)
    (re.solution.sum() + (re.residuals.sum() if re.residuals.numel() else 0)).backward()
    (rt.solution.sum() + (rt.residuals.sum() if rt.residuals.numel() else 0)).backward()
    _close(ea.grad, ta.grad, atol=1e-8)
    _close(eb.grad, tb.grad, atol=1e-8)


def test_lstsq_vector_rank_deficient_and_errors():
    a, b = np.ones((4, 2)), _arr((4,))
    re = ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver="gelsd")
    rt = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver="gelsd")
    _close(re.solution, rt.solution)
    assert int(re.rank) == int(rt.rank) == 1 and re.residuals.numel() == 0
    with pytest.raises(RuntimeError, match="parameter `driver` should be one of"):
        ember.linalg.lstsq(ember.tensor(a), ember.tensor(b), driver="foo")
    with pytest.raises(RuntimeError, match=r"input.size\(-2\) should match other.size\(-2\)"):
        ember.linalg.lstsq(ember.tensor(a), ember.ones(3, 2, dtype=ember.float64))


def test_slogdet_det_grads_match_torch():
    a = _arr((3, 4, 4))
    e, t = _pair(a)
    for mod, x in ((ember, e), (torch, t)):
        s, l = mod.linalg.slogdet(x)
        (l.sum() + (s * 0).sum() + mod.linalg.det(x).sum()).backward()
    _close(e.grad, t.grad, atol=1e-8)
    # det at a singular matrix: the adjugate
    sing = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    e, t = _pair(sing)
    ember.linalg.det(e).backward()
    torch.linalg.det(t).backward()
    _close(e.grad, t.grad, atol=1e-8)


def test_complex_slogdet_and_det_backward_match_torch():
    a = _arr((3, 3), np.complex128)
    e, t = _pair(a)
    gs, gl = _arr((), np.complex128), _arr(())
    ge = ember.autograd.grad(tuple(ember.linalg.slogdet(e)), e,
                             (ember.tensor(gs), ember.tensor(gl)))[0]
    gt = torch.autograd.grad(tuple(torch.linalg.slogdet(t)), t,
                             (torch.tensor(gs), torch.tensor(gl)))[0]
    _close(ge, gt, atol=1e-8)
    ge = ember.autograd.grad(ember.linalg.det(e), e, ember.tensor(gs))[0]
    gt = torch.autograd.grad(torch.linalg.det(t), t, torch.tensor(gs))[0]
    _close(ge, gt, atol=1e-8)
    b = _arr((3, 2), np.complex128)
    eb, tb = _pair(b)
    g = _arr((3, 2), np.complex128)
    ge = ember.autograd.grad(ember.linalg.solve(e, eb), (e, eb), ember.tensor(g))
    gt = torch.autograd.grad(torch.linalg.solve(t, tb), (t, tb), torch.tensor(g))
    for x, y in zip(ge, gt):
        _close(x, y, atol=1e-8)
    g3 = _arr((3, 3), np.complex128)
    ge = ember.autograd.grad(ember.linalg.inv(e), e, ember.tensor(g3))[0]
    gt = torch.autograd.grad(torch.linalg.inv(t), t, torch.tensor(g3))[0]
    _close(ge, gt, atol=1e-8)


def test_cholesky_grad_matches_torch_real_and_complex():
    for dt in (np.float64, np.complex128):
        a = _spd((2, 3, 3), dt)
        e, t = _pair(a)
        g = _arr((2, 3, 3), dt)
        for upper in (False, True):
            ge = ember.autograd.grad(ember.linalg.cholesky(e, upper=upper), e, ember.tensor(g))[0]
            gt = torch.autograd.grad(torch.linalg.cholesky(t, upper=upper), t, torch.tensor(g))[0]
            _close(ge, gt, atol=1e-8)


def test_matmul_complex_backward_matches_torch():
    a, b = _arr((2, 3), np.complex128), _arr((3, 4), np.complex128)
    ea, ta = _pair(a)
    eb, tb = _pair(b)
    g = _arr((2, 4), np.complex128)
    ge = ember.autograd.grad(ea @ eb, (ea, eb), ember.tensor(g))
    gt = torch.autograd.grad(ta @ tb, (ta, tb), torch.tensor(g))
    for x, y in zip(ge, gt):
        _close(x, y)


def test_second_order_through_svd_and_solve_triangular():
    a = ember.tensor(_arr((3, 3)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: ember.linalg.svdvals(x), (a,))
    u = ember.tensor(np.triu(_arr((3, 3))) + 3 * np.eye(3), requires_grad=True)
    b = ember.tensor(_arr((3, 2)), requires_grad=True)
    assert ember.autograd.gradgradcheck(
        lambda x, y: ember.linalg.solve_triangular(x, y, upper=True), (u, b))
