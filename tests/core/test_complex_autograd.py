"""Complex autograd against torch: values, result dtypes and gradients of real losses.

torch's convention: for a real loss L the gradient stored for a complex input z is dL/dz*
(``dL/dRe z + 1j dL/dIm z``); a real input mixed with complex ones gets the real part.
Every case runs in complex64 and complex128; a complex128 finite-difference check (through
``complex(re, im)`` and ``view_as_real``) makes the gradients independent of torch too.
"""
import warnings

import numpy as np
import pytest
import torch

import ember

# a complex gradient cast to a real input must not warn (numpy's ComplexWarning or the
# "discards the imaginary part" UserWarning): every test here fails on either
pytestmark = [pytest.mark.filterwarnings("error::UserWarning"),
              pytest.mark.filterwarnings("error::numpy.exceptions.ComplexWarning")]

_RNG = np.random.default_rng(1234)


def _c(*shape):
    return _RNG.standard_normal(shape) + 1j * _RNG.standard_normal(shape)


def _r(*shape):
    return _RNG.standard_normal(shape)


def _with_zeros(a):
    a = a.copy()
    a.reshape(-1)[::2] = 0
    return a


# name: (function of (module, *tensors), input arrays). Complex arrays become complex
# tensors, real arrays real ones of the matching precision.
CASES = {
    "mul": (lambda m, a, b: a * b, [_c(3), _c(3)]),
    "mul_bcast": (lambda m, a, b: a * b, [_c(2, 3), _c(3)]),
    "div": (lambda m, a, b: a / b, [_c(3), _c(3)]),
    "add_sub": (lambda m, a, b: a + b * 2 - a * b, [_c(2, 3), _c(1, 3)]),
    "mul_real": (lambda m, a, b: a * b, [_c(3), _r(3)]),
    "div_real": (lambda m, a, b: b / a + a / b, [_c(3), _r(3)]),
    "sub_real_bcast": (lambda m, a, b: b - a, [_c(2, 3), _r(3)]),
    "scalars": (lambda m, a: a * (1 + 2j) + (2 - 1j) / a - a / (1 - 1j) + 0.5, [_c(3)]),
    "abs": (lambda m, a: a.abs(), [_c(2, 3)]),
    "abs_pow2": (lambda m, a: a.abs().pow(2), [_c(4)]),
    "angle": (lambda m, a: a.angle(), [_c(4)]),
    "angle_sgn_of_real": (lambda m, a, b: m.angle(b) * a + m.sgn(b), [_c(4), _r(4)]),
    "real_imag": (lambda m, a: a.real * 2 + a.imag * a.real, [_c(2, 3)]),
    "real_imag_fn": (lambda m, a: m.real(a) - 3 * m.imag(a), [_c(3)]),
    "real_imag_t": (lambda m, a: a.t().real + a.t().imag, [_c(2, 3)]),
    "conj": (lambda m, a, b: a.conj() * b, [_c(3), _c(3)]),
    "conj_physical": (lambda m, a, b: m.conj_physical(a) * b, [_c(3), _c(3)]),
    "complex": (lambda m, a, b: m.complex(a, b), [_r(3), _r(3)]),
    "complex_bcast": (lambda m, a, b: m.complex(a, b) * m.complex(b, a), [_r(2, 3), _r(3)]),
    "polar": (lambda m, a, b: m.polar(a, b), [np.abs(_r(4)) + 0.1, _r(4)]),
    # torch writes d/d abs as sgn(result): a negative abs flips it (matched, not "fixed")
    "polar_negative_abs": (lambda m, a, b: m.polar(a, b), [-np.abs(_r(4)), _r(4)]),
    "view_as_real": (lambda m, a: m.view_as_real(a), [_c(3)]),
    "view_as_complex": (lambda m, a: m.view_as_complex(a), [_r(3, 2)]),
    "sgn": (lambda m, a: m.sgn(a), [_c(4)]),
    "exp": (lambda m, a: a.exp(), [_c(3)]),
    "log": (lambda m, a: a.log(), [_c(3)]),
    "sqrt": (lambda m, a: a.sqrt(), [_c(3)]),
    "rsqrt": (lambda m, a: a.rsqrt(), [_c(3)]),
    "sin_cos": (lambda m, a: a.sin() + a.cos(), [_c(3)]),
    "tanh": (lambda m, a: a.tanh(), [_c(3)]),
    "sigmoid": (lambda m, a: a.sigmoid(), [_c(3)]),
    "reciprocal": (lambda m, a: a.reciprocal(), [_c(3)]),
    "logs": (lambda m, a: a.log10() + a.log2() + a.log1p(), [_c(3)]),
    "exps": (lambda m, a: a.exp2() + a.expm1(), [_c(3)]),
    "trig": (lambda m, a: a.tan() + a.asin() + a.acos() + a.atan(), [_c(4)]),
    "hyperbolic": (lambda m, a: a.sinh() + a.cosh() + a.asinh() + a.acosh() + a.atanh(),
                   [_c(4)]),
    "square_neg": (lambda m, a: a.square() - a.neg(), [_c(3)]),
    "pow_int": (lambda m, a: a.pow(2) + a ** 3, [_c(3)]),
    "pow_scalars": (lambda m, a: 2 ** a + (1 + 1j) ** a + a ** 2.5 + a ** (0.5 + 1j),
                    [_c(3)]),
    "pow_tensors": (lambda m, a, b: a.pow(b), [_c(3), _c(3)]),
    "pow_real_exp": (lambda m, a, b: a.pow(b), [_c(3), _r(3)]),
    "matmul": (lambda m, a, b: a @ b, [_c(2, 3), _c(3, 4)]),
    "matmul_vec": (lambda m, a, b: a @ b, [_c(2, 3), _c(3)]),
    "mm": (lambda m, a, b: m.mm(a, b), [_c(2, 3), _c(3, 2)]),
    "bmm": (lambda m, a, b: m.bmm(a, b), [_c(2, 2, 3), _c(2, 3, 4)]),
    "mv": (lambda m, a, b: m.mv(a, b), [_c(2, 3), _c(3)]),
    "dot": (lambda m, a, b: m.dot(a, b), [_c(3), _c(3)]),
    "vdot": (lambda m, a, b: m.vdot(a, b), [_c(3), _c(3)]),
    "inner_outer": (lambda m, a, b: m.inner(a, b).sum() + m.outer(a[0], b[1]),
                    [_c(2, 3), _c(4, 3)]),
    "einsum": (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [_c(2, 3), _c(3, 4)]),
    "sum": (lambda m, a: a.sum(0) + a.sum(), [_c(2, 3)]),
    "sum_keepdim": (lambda m, a: a.sum(dim=(0, 2), keepdim=True), [_c(2, 3, 2)]),
    "mean": (lambda m, a: a.mean(1) + a.mean(), [_c(2, 3)]),
    "prod": (lambda m, a: a.prod(1), [_c(2, 3)]),
    "prod_all": (lambda m, a: a.prod(), [_c(4)]),
    "cumsum_cumprod": (lambda m, a: a.cumsum(1) + a.cumprod(1), [_c(2, 3)]),
    "logsumexp": (lambda m, a: m.logsumexp(a, 0), [_c(3, 2)]),
    "vector_norm": (lambda m, a: m.linalg.vector_norm(a) + m.linalg.vector_norm(a, ord=3, dim=1)
                    .sum() + a.norm(), [_c(2, 3)]),
    "var_std": (lambda m, a: a.var(0) + a.std(0), [_c(3, 2)]),
    "where": (lambda m, a, b: m.where(a.real > 0, a, b), [_c(4), _c(4)]),
    "mixed_precision": (lambda m, a, b: a * b.double(), [_c(3), _r(3)]),
    "abs_at_zero": (lambda m, a: a.abs(), [_with_zeros(_c(4))]),
    "sgn_at_zero": (lambda m, a: m.sgn(a), [_with_zeros(_c(4))]),
    "angle_at_zero": (lambda m, a: m.angle(a), [_with_zeros(_c(4))]),
    "polar_zero_abs": (lambda m, a, b: m.polar(a, b), [_with_zeros(np.abs(_r(4))), _r(4)]),
    "rfft": (lambda m, a: m.fft.rfft(a), [_r(8)]),
    "fft_ifft": (lambda m, a: m.fft.ifft(m.fft.fft2(a) * 2), [_c(4, 4)]),
    "irfft": (lambda m, a: m.fft.irfft(a), [_c(5)]),
}


def _real_dtype(m, cdt):
    return m.float64 if cdt == "complex128" else m.float32


def _tensors(m, arrays, cdt):
    out = []
    for a in arrays:
        if np.iscomplexobj(a):
            out.append(m.tensor(a, dtype=getattr(m, cdt), requires_grad=True))
        else:
            out.append(m.tensor(a, dtype=_real_dtype(m, cdt), requires_grad=True))
    return out


def _loss(m, y, cdt):
    """A real loss: a weighted real part plus |y|^2 (both parts of a complex y matter)."""
    w = np.random.default_rng(7).standard_normal(tuple(y.shape))
    if y.is_complex():
        wt = m.tensor(w * (1 - 0.5j), dtype=getattr(m, cdt))
        return (y * wt).real.sum() + (y.abs() ** 2).sum()
    return (y * m.tensor(w, dtype=y.dtype)).sum() + (y ** 2).sum()


def _numpy(t):
    if isinstance(t, torch.Tensor):
        t = t.detach().resolve_conj()
    return t.detach().numpy()


def _run(m, fn, arrays, cdt):
    ts = _tensors(m, arrays, cdt)
    y = fn(m, *ts)
    _loss(m, y, cdt).backward()
    return y, ts


@pytest.mark.parametrize("cdt", ["complex64", "complex128"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_complex_op_value_and_grad_match_torch(name, cdt):
    fn, arrays = CASES[name]
    ty, tts = _run(torch, fn, arrays, cdt)
    ey, ets = _run(ember, fn, arrays, cdt)
    tol = dict(rtol=2e-4, atol=2e-4) if cdt == "complex64" else dict(rtol=1e-9, atol=1e-9)
    assert str(ey.dtype) == str(ty.dtype)
    np.testing.assert_allclose(_numpy(ey), _numpy(ty), **tol)
    for e, t in zip(ets, tts):
        assert str(e.grad.dtype) == str(t.grad.dtype)
        np.testing.assert_allclose(_numpy(e.grad), _numpy(t.grad), **tol)


# ----------------------------------------------------------------- finite differences

GRADCHECK = ["mul", "div", "mul_real", "abs", "angle", "real_imag", "conj", "complex",
             "polar", "sgn", "exp", "log", "sqrt", "tanh", "sigmoid", "reciprocal",
             "pow_tensors", "pow_scalars", "matmul", "bmm", "dot", "vdot", "einsum", "prod",
             "cumsum_cumprod", "logsumexp", "vector_norm", "var_std", "view_as_complex",
             "rfft", "hyperbolic", "trig"]


@pytest.mark.parametrize("name", GRADCHECK)
def test_complex_gradcheck_through_real_parts(name):
    """complex128 gradcheck: every complex input is complex(re, im) of two real leaves and a
    complex output is seen through view_as_real, so the finite differences of the real
    Jacobian check the conjugate-Wirtinger gradients."""
    fn, arrays = CASES[name]
    leaves, kinds = [], []
    for a in arrays:
        if np.iscomplexobj(a):
            leaves += [ember.tensor(a.real, dtype=ember.float64, requires_grad=True),
                       ember.tensor(a.imag, dtype=ember.float64, requires_grad=True)]
            kinds.append("c")
        else:
            leaves.append(ember.tensor(a, dtype=ember.float64, requires_grad=True))
            kinds.append("r")

    def f(*parts):
        it = iter(parts)
        args = [ember.complex(next(it), next(it)) if k == "c" else next(it) for k in kinds]
        y = fn(ember, *args)
        return ember.view_as_real(y.contiguous()) if y.is_complex() else y

    assert ember.autograd.gradcheck(f, tuple(leaves), eps=1e-6, atol=1e-6, rtol=1e-5)


def test_complex_second_order_gradient_matches_torch():
    a0, b0 = _c(3), _c(3)
    res = []
    for m in (torch, ember):
        a = m.tensor(a0, requires_grad=True)
        b = m.tensor(b0)
        loss = ((a * b).exp().abs() ** 2).sum() + (a.conj() * a.sin()).real.sum()
        g, = m.autograd.grad(loss, a, create_graph=True)
        ((g.abs() ** 2).sum() + (g * b).imag.sum()).backward()
        res.append((_numpy(g), _numpy(a.grad)))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-10)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-9)


# ----------------------------------------------------------------- specific behaviour


@pytest.mark.parametrize("cdt,rdt", [("complex64", "float32"), ("complex128", "float64")])
def test_abs_angle_of_complex_are_real(cdt, rdt):
    z = ember.tensor([3 + 4j, -1j, 0j], dtype=getattr(ember, cdt))
    assert z.abs().dtype is getattr(ember, rdt)
    assert ember.abs(z).dtype is getattr(ember, rdt)
    assert z.angle().dtype is getattr(ember, rdt)
    np.testing.assert_allclose(z.abs().numpy(), [5, 1, 0])
    assert ember.tensor([-1, 2]).abs().dtype is ember.int64


def test_abs_inplace_of_complex_raises_like_torch():
    with pytest.raises(RuntimeError, match="In-place abs is not supported for complex tensors"):
        ember.tensor([1 + 1j]).abs_()
    with pytest.raises(RuntimeError, match="In-place abs is not supported for complex tensors"):
        ember.abs_(ember.tensor([1 + 1j]))
    x = ember.tensor([-1.5, 2.0])
    assert x.abs_() is x and x.tolist() == [1.5, 2.0]


def test_real_imag_are_views_that_write_through():
    z = ember.tensor([1 + 2j, 3 - 4j])
    r, i = z.real, z.imag
    assert r._base is z and i._base is z and r.dtype is ember.float32
    assert r.stride() == torch.tensor([1 + 2j, 3 - 4j]).real.stride()
    r.mul_(10)
    i.fill_(7)
    assert z.tolist() == [10 + 7j, 30 + 7j]
    z.real = ember.tensor([1.0, 2.0])
    z.imag = 5
    assert z.tolist() == [1 + 5j, 2 + 5j]
    x = ember.tensor([1.0, 2.0])
    assert x.real is x and ember.real(x) is x
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex"):
        x.imag


def test_conj_is_free_for_real_tensors():
    from ember.ops.elementwise import conj_of
    x = ember.randn(3, requires_grad=True)
    assert x.conj() is x and ember.conj(x) is x and ember.conj_physical(x) is x
    assert conj_of(x) is x and conj_of(2.0) == 2.0 and conj_of(1 + 2j) == 1 - 2j


def test_grad_fn_names_match_torch():
    ops = {
        "real": lambda m, z: z.real, "imag": lambda m, z: z.imag,
        "conj": lambda m, z: z.conj(), "conj_physical": lambda m, z: m.conj_physical(z),
        "angle": lambda m, z: z.angle(), "sgn": lambda m, z: z.sgn(),
        "abs": lambda m, z: z.abs(), "complex": lambda m, z: m.complex(z.real, z.imag),
        "polar": lambda m, z: m.polar(z.real, z.imag),
    }
    for name, f in ops.items():
        t = f(torch, torch.tensor([1 + 2j], requires_grad=True))
        e = f(ember, ember.tensor([1 + 2j], requires_grad=True))
        assert type(e.grad_fn).__name__ == type(t.grad_fn).__name__, name


def test_complex_constructor_errors_and_infinities():
    with pytest.raises(RuntimeError, match="Expected both inputs to be Half, Float or Double "
                                           "tensors but got Long and Long"):
        ember.complex(ember.tensor([1]), ember.tensor([2]))
    with pytest.raises(RuntimeError, match="Expected object of scalar type Float but got scalar "
                                           "type Double for second argument"):
        ember.complex(ember.tensor([1.0]), ember.tensor([2.0], dtype=ember.float64))
    z = ember.complex(ember.tensor([1.0]), ember.tensor([float("inf")]))
    assert z.tolist() == torch.complex(torch.tensor([1.0]), torch.tensor([float("inf")])).tolist()
    assert ember.complex(ember.tensor([1.0], dtype=ember.float64),
                         ember.tensor([2.0], dtype=ember.float64)).dtype is ember.complex128


def test_real_leaf_mixed_with_complex_gets_real_gradient_without_warning():
    a0, b0 = _r(3), _c(3)
    grads = []
    for m in (torch, ember):
        a = m.tensor(a0, dtype=m.float32, requires_grad=True)
        b = m.tensor(b0, dtype=m.complex64)
        ((a * b).abs() ** 2).sum().backward()
        (a.to(m.complex64) * b).imag.sum().backward()
        grads.append(a.grad)
    assert grads[1].dtype is ember.float32
    np.testing.assert_allclose(grads[1].numpy(), grads[0].numpy(), rtol=1e-5)


def test_forward_complex_to_real_cast_still_warns_like_torch():
    with pytest.warns(UserWarning, match="Casting complex values to real discards the "
                                         "imaginary part"):
        y = ember.tensor([1 + 2j]).to(ember.float32)
    assert y.tolist() == [1.0]


def test_rfft_abs_sum_backward_matches_torch():
    x0 = _r(2, 9)
    out = []
    for m in (torch, ember):
        x = m.tensor(x0, requires_grad=True)
        m.fft.rfft(x).abs().sum().backward()
        out.append(x.grad.numpy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-10)


def test_pow_with_zero_base_matches_torch():
    base = np.array([0j, 0j, 1 + 1j, 0j])
    expo = np.array([2 + 0j, 0.5 + 1j, 0.5 - 1j, 0j])
    res = []
    for m in (torch, ember):
        a = m.tensor(base, requires_grad=True)
        b = m.tensor(expo, requires_grad=True)
        (a.pow(b) * m.tensor([1 + 1j] * 4, dtype=m.complex128)).real.sum().backward()
        # (torch's complex 0 ** 0j is nan + nanj, numpy's 1: that point is left out)
        s = m.tensor([2 + 0j, 0.5 + 1j, 0.5 - 1j, 3 - 0j], requires_grad=True)
        (m.pow(0, s) * (1 - 2j)).real.sum().backward()
        res.append([_numpy(a.grad), _numpy(b.grad), _numpy(s.grad)])
    for e, t in zip(res[1], res[0]):
        np.testing.assert_allclose(e, t, rtol=1e-12)


def test_complex_random_tensors_have_torchs_distribution():
    ember.manual_seed(0)
    z = ember.randn(20000, dtype=ember.complex64)
    assert z.dtype is ember.complex64 and z.shape == (20000,)
    # real and imaginary parts each have variance 1/2 (E|z|^2 = 1), as torch
    assert abs(float(z.real.var()) - 0.5) < 0.03 and abs(float(z.imag.var()) - 0.5) < 0.03
    assert abs(float(z.real.mean())) < 0.03 and abs(float(z.imag.mean())) < 0.03
    u = ember.rand(2, 3, dtype=ember.complex128)
    assert u.dtype is ember.complex128 and u.shape == (2, 3)
    assert bool(((u.real >= 0) & (u.real < 1) & (u.imag >= 0) & (u.imag < 1)).all())
    assert float(u.imag.abs().sum()) > 0
    ember.manual_seed(3)
    a = ember.randn(4, dtype=ember.complex128)
    ember.manual_seed(3)
    assert ember.equal(a, ember.randn(4, dtype=ember.complex128))


def test_inplace_on_real_imag_views_rewrites_the_complex_history_like_torch():
    z0 = np.array([[1 + 2j, 3 - 1j], [0.5j, -2 + 0j]])
    res = []
    for m in (torch, ember):
        w = m.tensor(z0, requires_grad=True)
        y = w * (1 + 1j)
        y.real.mul_(2)
        y[1].imag.add_(y[0].real)
        y.t().imag.mul_(3)
        ((y.abs() ** 2).sum() + (y * m.tensor(z0)).real.sum()).backward()
        res.append((_numpy(y), _numpy(w.grad)))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-12)
    np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-12)
    leaf = ember.tensor([1 + 2j], requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        leaf.real.mul_(2)
