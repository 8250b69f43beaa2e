"""ember.linalg's torch 2.x additions (lu*, *_ex, solve_triangular, cond, tensorinv/solve,
vander, householder_product, ldl*, matrix_exp/sqrth, polar) and LinAlgError, against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck

RNG = np.random.default_rng(99)


def _arr(shape, dtype=np.float64):
    a = RNG.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * RNG.standard_normal(shape)
    return a.astype(dtype)


def _pair(a, grad=True):
    return ember.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)


def _close(e, t, atol=1e-7, rtol=1e-6):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), atol=atol, rtol=rtol)


def _both(fn_name, *arrays, **kw):
    re = getattr(ember.linalg, fn_name)(*[ember.tensor(a) for a in arrays], **kw)
    rt = getattr(torch.linalg, fn_name)(*[torch.tensor(a) for a in arrays], **kw)
    return re, rt


SING = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])


def test_dir_matches_torch_linalg():
    missing = [n for n in dir(torch.linalg) if not n.startswith("_") and n != "common_notes"
               and not hasattr(ember.linalg, n)]
    assert missing == []
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


# ---------------------------------------------------------------- LU family


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (5, 3), (3, 5), (2, 1, 4, 2)])
def test_lu_factor_and_lu_match_torch_with_grads(shape):
    a = _arr(shape)
    e, t = _pair(a)
    LUe, pe, ie = ember.linalg.lu_factor_ex(e)
    LUt, pt, it = torch.linalg.lu_factor_ex(t)
    _close(LUe, LUt)
    np.testing.assert_array_equal(pe.numpy(), pt.numpy())
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    assert pe.dtype is ember.int32 and ie.dtype is ember.int32
    g = _arr(shape)
    _close(ember.autograd.grad(LUe, e, ember.tensor(g))[0],
           torch.autograd.grad(LUt, t, torch.tensor(g))[0], atol=1e-8)
    Pe, Le, Ue = ember.linalg.lu(e)
    Pt, Lt, Ut = torch.linalg.lu(t)
    for x, y in ((Pe, Pt), (Le, Lt), (Ue, Ut)):
        _close(x, y)
    gL, gU = _arr(tuple(Lt.shape)), _arr(tuple(Ut.shape))
    _close(ember.autograd.grad((Le, Ue), e, (ember.tensor(gL), ember.tensor(gU)))[0],
           torch.autograd.grad((Lt, Ut), t, (torch.tensor(gL), torch.tensor(gU)))[0], atol=1e-8)


def test_lu_singular_info_and_errors():
    LU, piv, info = ember.linalg.lu_factor_ex(ember.tensor(SING))
    LUt, pivt, infot = torch.linalg.lu_factor_ex(torch.tensor(SING))
    _close(LU, LUt)
    assert int(info) == int(infot) == 3
    batch = ember.tensor(np.stack([np.eye(3), SING]))
    with pytest.raises(RuntimeError) as ei:
        ember.linalg.lu_factor(batch)
    assert str(ei.value) == ("torch.linalg.lu_factor: (Batch element 1): U[3,3] is zero and using "
                             "it on lu_solve would result in a division by zero. If you still "
                             "want to perform the factorization, consider calling "
                             "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    with pytest.raises(RuntimeError, match="torch.linalg.lu_factor_ex: U"):
        ember.linalg.lu_factor_ex(ember.tensor(SING), check_errors=True)
    with pytest.raises(RuntimeError, match="LU without pivoting is not implemented on the CPU"):
        ember.linalg.lu(ember.tensor(SING), pivot=False)
    P, L, U = ember.linalg.lu(ember.tensor(SING))  # singular input is fine
    _close(P @ L @ U, torch.tensor(SING))


@pytest.mark.parametrize("left,adjoint", [(True, False), (True, True), (False, False),
                                          (False, True)])
def test_lu_solve_matches_torch_with_grads(left, adjoint):
    a = _arr((2, 3, 3))
    b = _arr((2, 3, 2) if left else (2, 2, 3))
    LUe, pe = ember.linalg.lu_factor(ember.tensor(a))
    LUt, pt = torch.linalg.lu_factor(torch.tensor(a))
    LUe.requires_grad_()
    LUt.requires_grad_()
    eb, tb = _pair(b)
    xe = ember.linalg.lu_solve(LUe, pe, eb, left=left, adjoint=adjoint)
    xt = torch.linalg.lu_solve(LUt, pt, tb, left=left, adjoint=adjoint)
    _close(xe, xt)
    g = _arr(b.shape)
    for x, y in zip(ember.autograd.grad(xe, (LUe, eb), ember.tensor(g)),
                    torch.autograd.grad(xt, (LUt, tb), torch.tensor(g))):
        _close(x, y, atol=1e-8)


def test_lu_solve_errors_and_legacy_functions():
    LU, piv = ember.linalg.lu_factor(ember.eye(2))
    with pytest.raises(RuntimeError, match="linalg.lu_solve: The input tensor B must have at "
                                           "least 2 dimensions."):
        ember.linalg.lu_solve(LU, piv, ember.ones(2))
    with pytest.raises(RuntimeError, match="pivots should be a Tensor of scalar type torch.int32"):
        ember.linalg.lu_solve(LU, piv.float(), ember.ones(2, 1))
    a = _arr((3, 3))
    with pytest.warns(UserWarning):
        LUe, pe = ember.lu(ember.tensor(a))
    P, L, U = ember.lu_unpack(LUe, pe)
    _close(P @ L @ U, torch.tensor(a))


@pytest.mark.parametrize("upper,left,unit", [(True, True, False), (False, True, True),
                                             (True, False, False), (False, False, False)])
def test_solve_triangular_matches_torch_with_grads(upper, left, unit):
    a = _arr((2, 1, 3, 3)) + 3 * np.eye(3)
    b = _arr((4, 3, 2) if left else (4, 2, 3))
    ea, ta = _pair(a)
    eb, tb = _pair(b)
    xe = ember.linalg.solve_triangular(ea, eb, upper=upper, left=left, unitriangular=unit)
    xt = torch.linalg.solve_triangular(ta, tb, upper=upper, left=left, unitriangular=unit)
    _close(xe, xt)
    g = _arr(tuple(xt.shape))
    for x, y in zip(ember.autograd.grad(xe, (ea, eb), ember.tensor(g)),
                    torch.autograd.grad(xt, (ta, tb), torch.tensor(g))):
        _close(x, y, atol=1e-8)


def test_solve_triangular_singular_and_errors():
    A = np.array([[0.0, 1], [0, 1]])
    re, rt = _both("solve_triangular", A, np.ones((2, 1)), upper=True)
    np.testing.assert_array_equal(np.isnan(re.numpy()), np.isnan(rt.numpy()))
    with pytest.raises(RuntimeError, match="Incompatible shapes of A and B for the equation AX = "
                                           r"B \(3x3 and 2x2\)"):
        ember.linalg.solve_triangular(ember.eye(3), ember.ones(2, 2), upper=True)
    with pytest.raises(RuntimeError, match="B must have at least 2 dimensions"):
        ember.linalg.solve_triangular(ember.eye(2), ember.ones(2), upper=True)
    with pytest.raises(TypeError):
        ember.linalg.solve_triangular(ember.eye(2), ember.ones(2, 1))
    x = ember.linalg.solve_triangular(ember.eye(3), ember.ones(3, 1, dtype=ember.float64),
                                      upper=True)
    assert x.dtype is ember.float64


# ---------------------------------------------------------------- *_ex and error texts


def _msg(fn):
    with pytest.raises(RuntimeError) as ei:
        fn()
    return type(ei.value), str(ei.value)


def test_errors_match_torch_type_and_text():
    batch = np.stack([np.eye(3), SING])
    notpd = np.array([[1.0, 2], [2, 1]])
    cases = [("inv", (SING,), {}), ("inv", (batch,), {}), ("inv_ex", (batch,),
             {"check_errors": True}), ("solve", (SING, np.ones(3)), {}),
             ("solve", (batch, np.ones(3)), {}), ("solve_ex", (batch, np.ones(3)),
                                                  {"check_errors": True}),
             ("cholesky", (notpd,), {}), ("cholesky", (np.stack([np.eye(2), notpd]),), {}),
             ("cholesky_ex", (notpd,), {"check_errors": True}), ("tensorinv", (np.zeros((2, 2, 2, 2)),), {}),
             ("inv", (np.ones((2, 3)),), {}), ("inv", (np.ones(3),), {}),
             ("cholesky", (np.ones((3, 2)),), {}), ("eigh", (np.ones((3, 2)),), {}),
             ("svd", (np.ones(3),), {})]
    for name, args, kw in cases:
        te, me = _msg(lambda: getattr(ember.linalg, name)(*[ember.tensor(a) for a in args], **kw))
        tt, mt = _msg(lambda: getattr(torch.linalg, name)(*[torch.tensor(a) for a in args], **kw))
        assert me == mt, name
        assert issubclass(te, ember.linalg.LinAlgError) == issubclass(tt, torch.linalg.LinAlgError)
    te, me = _msg(lambda: ember.linalg.inv(ember.ones(2, 2, dtype=ember.int64)))
    assert me == "linalg.inv: Expected a floating point or complex tensor as input. Got Long"


def test_ex_variants_return_info():
    batch = np.stack([np.eye(3), SING, 2 * np.eye(3)])
    for name, args in (("inv_ex", (batch,)), ("solve_ex", (batch, np.ones((3, 3, 2)))),
                       ("cholesky_ex", (np.stack([np.eye(2), [[1.0, 2], [2, 1]]]),))):
        re, rt = _both(name, *args)
        np.testing.assert_array_equal(re[1].numpy(), rt[1].numpy())
        ok = rt[1].numpy() == 0
        _close(re[0][ember.tensor(ok)], rt[0][torch.tensor(ok)])
    L, info = ember.linalg.cholesky_ex(ember.tensor([[1.0, 2], [2, 1]]))
    _close(L, torch.linalg.cholesky_ex(torch.tensor([[1.0, 2], [2, 1]])).L)
    a = _arr((3, 3))
    e, t = _pair(a)
    ember.linalg.inv_ex(e).inverse.sum().backward()
    torch.linalg.inv_ex(t).inverse.sum().backward()
    _close(e.grad, t.grad)
    r = ember.linalg.solve_ex(ember.eye(2), ember.ones(2))
    assert repr(r).startswith("torch.return_types.linalg_solve_ex(")


def test_out_arguments_are_honoured():
    out = ember.empty(0, dtype=ember.float64)
    a = _arr((3, 3)) + 3 * np.eye(3)
    res = ember.linalg.inv(ember.tensor(a), out=out)
    assert res is out
    _close(out, torch.linalg.inv(torch.tensor(a)))
    o1, o2 = ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.int32)
    ember.linalg.inv_ex(ember.tensor(a), out=(o1, o2))
    _close(o1, torch.linalg.inv(torch.tensor(a)))
    outs = (ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.float64),
            ember.empty(0, dtype=ember.float64))
    ember.linalg.svd(ember.tensor(a), out=outs)
    _close(outs[1], torch.linalg.svdvals(torch.tensor(a)))


# ---------------------------------------------------------------- the rest


def test_cond_matches_torch():
    a = _arr((2, 3, 3))
    for p in (None, 2, -2, 1, -1, float("inf"), -float("inf"), "fro", "nuc"):
        re, rt = _both("cond", a, p=p)
        _close(re, rt, rtol=1e-6)
        re, rt = _both("cond", SING, p=p)
        assert np.isinf(re.numpy()) == np.isinf(rt.numpy()) or re.numpy() > 1e15
    for p in ("fro", 2, "nuc", 1):
        re, rt = _both("cond", np.zeros((2, 2)), p=p)
        np.testing.assert_array_equal(re.numpy(), rt.numpy())  # inf / nan as torch
    re, rt = _both("cond", _arr((2, 3)))
    _close(re, rt)
    assert _msg(lambda: ember.linalg.cond(ember.ones(2, 3), 1))[1] == \
        "linalg.cond(ord=1): A must be batches of square matrices, but they are 2 by 3 matrices"
    with pytest.raises(ValueError, match="linalg.cond got an invalid norm type: 3"):
        ember.linalg.cond(ember.eye(2), 3)
    assert tuple(ember.linalg.cond(ember.zeros(2, 0, 0)).shape) == (2,)


def test_tensorinv_tensorsolve_match_torch_with_grads():
    a = _arr((4, 6, 8, 3))
    e, t = _pair(a)
    xe, xt = ember.linalg.tensorinv(e, ind=2), torch.linalg.tensorinv(t, ind=2)
    _close(xe, xt, atol=1e-6, rtol=1e-5)
    xe.sum().backward()
    xt.sum().backward()
    _close(e.grad, t.grad, atol=1e-5, rtol=1e-5)
    with pytest.raises(RuntimeError, match="Expected a strictly positive integer for 'ind'"):
        ember.linalg.tensorinv(e, ind=0)
    a, b = _arr((6, 4, 2, 3)), _arr((6, 2))
    re, rt = _both("tensorsolve", a, b, dims=(1,))
    _close(re, rt)
    re, rt = _both("tensorsolve", _arr((2, 3, 6)), _arr((2, 3)))
    _close(re, rt)
    assert _msg(lambda: ember.linalg.tensorsolve(ember.ones(2, 3, 6), ember.ones(2, 4)))[1] == \
        _msg(lambda: torch.linalg.tensorsolve(torch.ones(2, 3, 6), torch.ones(2, 4)))[1]


def test_vander_matches_torch():
    for x, N in ((np.array([1, 2, 3]), None), (_arr((2, 3)), 4), (_arr((3,), np.complex128), 2)):
        re = ember.linalg.vander(ember.tensor(x), N=N)
        rt = torch.linalg.vander(torch.tensor(x), N=N)
        assert re.dtype.name == str(rt.dtype).split(".")[1]
        _close(re, rt)
    e, t = _pair(np.array([0.0, 1.5, -2.0]))
    ember.linalg.vander(e, N=4).sum().backward()
    torch.linalg.vander(t, N=4).sum().backward()
    _close(e.grad, t.grad)
    for bad in (lambda m: m.linalg.vander(m.tensor([True, False])),
                lambda m: m.linalg.vander(m.tensor([1.0]), N=1)):
        assert _msg(lambda: bad(ember))[1] == _msg(lambda: bad(torch))[1]


@pytest.mark.parametrize("dt", [np.float64, np.complex128])
def test_householder_product_matches_torch_with_grads(dt):
    a, tau = _arr((2, 5, 3), dt), _arr((2, 2), dt)
    ea, ta = _pair(a)
    etau, ttau = _pair(tau)
    xe = ember.linalg.householder_product(ea, etau)
    xt = torch.linalg.householder_product(ta, ttau)
    _close(xe, xt)
    g = _arr((2, 5, 3), dt)
    for x, y in zip(ember.autograd.grad(xe, (ea, etau), ember.tensor(g)),
                    torch.autograd.grad(xt, (ta, ttau), torch.tensor(g))):
        _close(x, y, atol=1e-8)
    # geqrf output gives Q
    A = _arr((4, 3))
    qr_a, qr_tau = torch.geqrf(torch.tensor(A))
    Q = ember.linalg.householder_product(ember.tensor(qr_a.numpy()), ember.tensor(qr_tau.numpy()))
    _close(Q, torch.linalg.qr(torch.tensor(A)).Q)
    for bad in ((np.ones((3, 4)), np.ones(2)), (np.ones((4, 3)), np.ones(4)),
                (np.ones((4, 3)), np.ones((2, 2)))):
        assert _msg(lambda: ember.linalg.householder_product(*map(ember.tensor, bad)))[1] == \
            _msg(lambda: torch.linalg.householder_product(*map(torch.tensor, bad)))[1]


@pytest.mark.parametrize("dt,hermitian", [(np.float64, False), (np.complex128, False),
                                          (np.complex128, True)])
def test_ldl_factor_and_solve_match_torch(dt, hermitian):
    a = _arr((3, 5, 5), dt)
    a = a + (np.conj(np.swapaxes(a, -1, -2)) if hermitian else np.swapaxes(a, -1, -2))
    a[1] = np.array(a[1])
    a[1, 0, 0] = 0  # forces 2x2 pivots somewhere
    LDe, pe, ie = ember.linalg.ldl_factor_ex(ember.tensor(a), hermitian=hermitian)
    LDt, pt, it = torch.linalg.ldl_factor_ex(torch.tensor(a), hermitian=hermitian)
    np.testing.assert_array_equal(pe.numpy(), pt.numpy())
    np.testing.assert_array_equal(ie.numpy(), it.numpy())
    _close(LDe, LDt, atol=1e-10)
    b = _arr((3, 5, 2), dt)
    xe = ember.linalg.ldl_solve(LDe, pe, ember.tensor(b), hermitian=hermitian)
    xt = torch.linalg.ldl_solve(LDt, pt, torch.tensor(b), hermitian=hermitian)
    _close(xe, xt, atol=1e-10)
    np.testing.assert_allclose(a @ xe.numpy(), b, atol=1e-9)


def test_ldl_pivot_patterns_and_errors():
    for A in ([[0.0, 1], [1, 0]], np.zeros((2, 2)), [[4.0, 2, 0], [2, 3, 1], [0, 1, 2]]):
        re, rt = _both("ldl_factor_ex", np.array(A, dtype=np.float64))
        for x, y in zip(re, rt):
            _close(x, y)
    with pytest.raises(RuntimeError):
        ember.linalg.ldl_factor(ember.zeros(2, 2))
    assert _msg(lambda: ember.linalg.ldl_factor(ember.ones(3, 2)))[1] == \
        _msg(lambda: torch.linalg.ldl_factor(torch.ones(3, 2)))[1]
    LD, p = ember.linalg.ldl_factor(ember.eye(3))
    assert _msg(lambda: ember.linalg.ldl_solve(LD, p, ember.ones(2, 1)))[1] == \
        "Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is 3 by 3 but each " \
        "b matrix is 2 by 1"


def test_matrix_exp_sqrth_polar_match_torch():
    a = _arr((2, 3, 3))
    e, t = _pair(a)
    xe, xt = ember.linalg.matrix_exp(e), torch.linalg.matrix_exp(t)
    _close(xe, xt, rtol=1e-10)
    xe.sum().backward()
    xt.sum().backward()
    _close(e.grad, t.grad, rtol=1e-8)
    spd = a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3)
    re, rt = _both("matrix_sqrth", spd)
    _close(re, rt)
    e = ember.tensor(spd, requires_grad=True)
    assert gradcheck(lambda x: ember.linalg.matrix_sqrth(0.5 * (x + x.mT)), (e,))
    tall = _arr((4, 3))
    (Ue, He), (Ut, Ht) = _both("polar", tall)
    _close(Ue, Ut)
    _close(He, Ht)
    e = ember.tensor(tall, requires_grad=True)
    assert gradcheck(lambda x: tuple(ember.linalg.polar(x)), (e,))
    assert _msg(lambda: ember.linalg.polar(ember.ones(2, 3)))[1] == \
        _msg(lambda: torch.linalg.polar(torch.ones(2, 3)))[1]


def test_empty_and_float32_inputs():
    for name in ("svdvals", "eigvalsh", "inv", "det", "pinv", "matrix_rank"):
        re, rt = _both(name, np.zeros((2, 0, 0)))
        assert tuple(re.shape) == tuple(rt.shape), name
    a = _arr((3, 3)).astype(np.float32) + 3 * np.eye(3, dtype=np.float32)
    for name in ("inv", "svdvals", "pinv", "det", "matrix_exp"):
        re, rt = _both(name, a)
        assert re.dtype is ember.float32
        _close(re, rt, atol=1e-5, rtol=1e-4)
    re, rt = _both("qr", _arr((0, 3)))
    assert tuple(re.Q.shape) == tuple(rt.Q.shape) and tuple(re.R.shape) == tuple(rt.R.shape)
