"""Numerical edge cases against torch: lgamma / digamma (with and without SciPy), xlogy,
logit, and the complex -> real cast in backward."""
import sys
import warnings

import numpy as np
import pytest
import torch

import ember


@pytest.fixture(params=["scipy", "no_scipy"])
def scipy_mode(request, monkeypatch):
    """Run a test with SciPy, and again as if it were not installed (ember's fallbacks)."""
    if request.param == "no_scipy":
        monkeypatch.setitem(sys.modules, "scipy", None)
        monkeypatch.setitem(sys.modules, "scipy.special", None)
        with pytest.raises(ImportError):
            import scipy.special  # noqa: F401
    return request.param


_SPECIAL = [-np.inf, -3.0, -2.0, -1.0, -0.0, 0.0, np.inf, np.nan]


def _grid():
    return np.concatenate([np.linspace(-12.25, 30.5, 701), np.logspace(-8, 12, 81),
                           -np.logspace(-6, 1.2, 40) + 0.0625, [1.0, 2.0, 0.5, 1e-300]])


def _close(e, t, rtol):
    e, t = np.asarray(e, np.float64), np.asarray(t, np.float64)
    assert np.array_equal(np.isnan(e), np.isnan(t))
    fin = np.isfinite(t)
    assert np.array_equal(e[~fin & ~np.isnan(t)], t[~fin & ~np.isnan(t)])
    np.testing.assert_allclose(e[fin], t[fin], rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lgamma_special_values_match_torch(scipy_mode, dtype):
    x = np.array(_SPECIAL)
    e = ember.lgamma(ember.tensor(x, dtype=getattr(ember, dtype)))
    t = torch.lgamma(torch.tensor(x, dtype=getattr(torch, dtype)))
    assert e.dtype is getattr(ember, dtype)
    _close(e.numpy(), t.numpy(), 0)
    assert float(ember.lgamma(ember.tensor(-float("inf")))) == float("inf")


def test_lgamma_values_match_torch(scipy_mode):
    x = _grid()
    _close(ember.lgamma(ember.from_numpy(x)).numpy(), torch.lgamma(torch.from_numpy(x)).numpy(),
           1e-13)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_digamma_values_match_torch(scipy_mode, dtype):
    x = np.concatenate([_grid(), _SPECIAL])
    e = ember.digamma(ember.tensor(x, dtype=getattr(ember, dtype)))
    t = torch.digamma(torch.tensor(x, dtype=getattr(torch, dtype)))
    assert e.dtype is getattr(ember, dtype)
    # float64: rounding level (torch's own algorithm); relative to max(1, |psi|), since
    # digamma has roots on the negative axis
    ev, tv = e.numpy().astype(np.float64), t.numpy().astype(np.float64)
    assert np.array_equal(np.isnan(ev), np.isnan(tv))
    inf = np.isinf(tv)
    assert np.array_equal(ev[inf], tv[inf])
    fin = np.isfinite(tv)
    err = np.abs(ev[fin] - tv[fin]) / np.maximum(1.0, np.abs(tv[fin]))
    assert err.max() < (1e-14 if dtype == "float64" else 1e-6)


def test_digamma_fallback_is_rounding_accurate_at_known_values():
    # psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2, psi(n + 1) = psi(n) + 1/n, reflection
    from ember.ops.elementwise import _digamma_numpy
    g = 0.57721566490153286061
    x = np.array([1.0, 0.5, 11.0, -0.5, 1e-3])
    ref = np.array([-g, -g - 2 * np.log(2.0), -g + sum(1.0 / k for k in range(1, 11)),
                    -g - 2 * np.log(2.0) + 2.0, torch.digamma(torch.tensor(1e-3,
                                                                          dtype=torch.float64))])
    # (the old fallback was ~1e-9 off; ~1e-16 is float64 rounding)
    np.testing.assert_allclose(_digamma_numpy(x), ref, rtol=1e-15, atol=2e-16)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_digamma_and_lgamma_gradients_match_torch(scipy_mode, dtype):
    x0 = np.array([0.3, 2.5, -2.5, 7.0, 12.0, -0.75, 40.0])
    res = []
    for m in (torch, ember):
        x = m.tensor(x0, dtype=getattr(m, dtype), requires_grad=True)
        g1, = m.autograd.grad(m.digamma(x).sum(), x)
        gl, = m.autograd.grad(m.lgamma(x).sum(), x, create_graph=True)
        g2, = m.autograd.grad(gl.sum(), x)  # lgamma'' = trigamma, through digamma's backward
        res.append([g1.detach().numpy(), gl.detach().numpy(), g2.numpy()])
    tol = 1e-12 if dtype == "float64" else 2e-6
    for e, t in zip(res[1], res[0]):
        np.testing.assert_allclose(e, t, rtol=tol)
    x = ember.tensor(x0, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(ember.digamma, (x,))
    assert ember.autograd.gradgradcheck(ember.lgamma, (x,))


# ----------------------------------------------------------------------------- xlogy


def _xlogy_grads(m, x0, y0, dtype="float64"):
    x = m.tensor(x0, dtype=getattr(m, dtype), requires_grad=True)
    y = m.tensor(y0, dtype=getattr(m, dtype), requires_grad=True)
    out = m.xlogy(x, y)
    out.sum().backward()
    return out.detach().numpy(), x.grad.numpy(), y.grad.numpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_xlogy_values_and_gradients_at_edges_match_torch(dtype):
    nan, inf = float("nan"), float("inf")
    x0 = [0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 0.0, -1.5, 0.0, 3.0]
    y0 = [0.0, 1.0, 0.0, nan, -1.0, 3.0, 2.0, 0.5, inf, inf]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # (numpy's, in the forward)
        e = _xlogy_grads(ember, x0, y0, dtype)
    t = _xlogy_grads(torch, x0, y0, dtype)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True)
    # the gradient w.r.t. input at (0, 0) is 0 (torch), not NaN
    assert e[1][0] == 0.0


def test_xlogy_accepts_python_scalars_like_torch():
    y0 = np.array([0.5, 2.0, 0.0])
    x0 = np.array([0.0, 1.5, 2.0])
    for a, b in [(lambda m: m.tensor(x0), 3.0), (2.0, lambda m: m.tensor(y0)),
                 (0, lambda m: m.tensor(y0)), (lambda m: m.tensor([0, 1, 2]), 3),
                 (lambda m: m.tensor(x0, dtype=m.float32), 2)]:
        res = [m.xlogy(a(m) if callable(a) else a, b(m) if callable(b) else b)
               for m in (torch, ember)]
        assert str(res[1].dtype) == str(res[0].dtype)
        np.testing.assert_allclose(res[1].numpy(), res[0].numpy(), rtol=1e-6)
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    ember.xlogy(x, 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.log(3.0), rtol=1e-6)
    y = ember.tensor([1.0, 4.0], requires_grad=True)
    ember.xlogy(2, y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [2.0, 0.5])
    assert ember.tensor([2.0]).xlogy(3).tolist() == pytest.approx([2 * np.log(3.0)])
    z = ember.tensor([0.0, 2.0])
    assert z.xlogy_(ember.tensor([0.0, 1.0])) is z and z.tolist() == [0.0, 0.0]
    with pytest.raises(TypeError):
        ember.xlogy(2.0, 3.0)


# ----------------------------------------------------------------------------- logit


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("eps", [None, 0.0, 1e-6, 0.25])
def test_logit_values_and_gradients_match_torch(dtype, eps):
    p0 = [0.0, 1.0, 0.5, 1e-8, 1 - 1e-7, 1e-6, 1 - 1e-6, 0.25, 0.75, 0.1, 0.9]
    res = []
    for m in (torch, ember):
        p = m.tensor(p0, dtype=getattr(m, dtype), requires_grad=True)
        y = m.logit(p) if eps is None else m.logit(p, eps=eps)
        y.sum().backward()
        res.append((y.detach().numpy(), p.grad.numpy()))
        # the method and ember.special spellings are the same op
        q = m.tensor(p0, dtype=getattr(m, dtype), requires_grad=True)
        m.special.logit(q, eps=eps).sum().backward()
        np.testing.assert_array_equal(q.grad.numpy(), p.grad.numpy())
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-6)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-6)
    if eps is None or eps == 0.0:
        assert np.isinf(res[1][1][:2]).all()  # inf at 0 and 1 (not NaN)


# ----------------------------------------------------------------------------- casts


@pytest.mark.filterwarnings("error")
def test_complex_to_real_cast_in_backward_does_not_warn():
    a0 = np.array([0.5, -1.0, 2.0])
    w0 = np.array([1 + 2j, -0.5j, 3.0])
    grads = []
    for m in (torch, ember):
        a = m.tensor(a0, requires_grad=True)
        b = m.tensor(a0, dtype=m.float32, requires_grad=True)
        w = m.tensor(w0, dtype=m.complex128)
        loss = (a.to(m.complex128) * w).real.sum() + (b.to(m.complex64) * w.to(m.complex64)) \
            .imag.sum() + (b.double() * w).abs().sum()
        loss.backward()
        grads.append((a.grad, b.grad))
    for e, t in zip(grads[1], grads[0]):
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
