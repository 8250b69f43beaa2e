"""Namespace parity beyond the op registry: finfo/iinfo, predicates, integer and bool ops,
histogram, creation helpers, views, in-place variants, legacy linear algebra, global switches
and the nn functions at top level -- values, dtypes and errors against real torch."""
import array
import math
import warnings

import numpy as np
import pytest

import ember
from test_ops_oracle import numeric_gradcheck

torch = pytest.importorskip("torch")


def same(e, t, **tol):
    """An ember result equals a torch one: shape, dtype and values."""
    if isinstance(t, (tuple, list)):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            same(a, b, **tol)
        return
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), equal_nan=True,
                               **(tol or dict(rtol=1e-6, atol=1e-6)))


def pair(a, dtype=None):
    a = np.asarray(a) if dtype is None else np.asarray(a, dtype=dtype)
    return ember.from_numpy(a.copy()), torch.from_numpy(a.copy())


def both_raise(fn, exc=RuntimeError, match=None):
    for m in (ember, torch):
        with pytest.raises(exc, match=match):
            fn(m)


# ---------------------------------------------------------------- finfo / iinfo


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64", "complex64",
                                  "complex128"])
def test_finfo_matches_torch(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
        assert type(getattr(e, attr)) is type(getattr(t, attr)), attr
    assert repr(e) == repr(t) and str(e) == str(t)


def test_finfo_default_and_errors():
    assert ember.finfo() == ember.finfo(ember.float32)
    assert ember.finfo().eps == torch.finfo().eps
    for m in (ember, torch):
        with pytest.raises(TypeError, match="requires a floating point input type"):
            m.finfo(m.int32)
        with pytest.raises(TypeError, match="requires an integer input type"):
            m.iinfo(m.float32)
        with pytest.raises(TypeError, match="torch.bool is not supported"):
            m.iinfo(m.bool)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(e, attr) == getattr(t, attr)
    assert type(e.max) is int and repr(e) == repr(t)


# ---------------------------------------------------------------- predicates


def test_predicates():
    for dt in ("float32", "int64", "uint8", "bool", "complex64"):
        e = ember.zeros(2, dtype=getattr(ember, dt))
        t = torch.zeros(2, dtype=getattr(torch, dt))
        assert ember.is_signed(e) == torch.is_signed(t) == e.is_signed() == t.is_signed()
    assert ember.is_same_size(ember.zeros(2, 3), ember.ones(2, 3))
    assert not ember.zeros(2, 3).is_same_size(ember.zeros(3, 2))
    z = ember.tensor([1 + 2j])
    assert not ember.is_conj(z.conj()) and not z.is_neg()
    assert ember.resolve_conj(z) is z and z.resolve_neg() is z
    x = ember.tensor([1.0])
    assert ember.positive(x) is x and x.positive() is x
    both_raise(lambda m: m.positive(m.tensor([True])), NotImplementedError,
               "on a bool tensor is not supported")


# ---------------------------------------------------------------- integer / bool ops


def test_gcd_lcm_match_torch():
    a = np.array([12, -18, 0, 7, 0], dtype=np.int32)
    b = np.array([18, 12, 5, 0, 0], dtype=np.int64)
    for fn in ("gcd", "lcm"):
        same(getattr(ember, fn)(*pair(a)[:1], pair(b)[0]),
             getattr(torch, fn)(pair(a)[1], pair(b)[1]))
    e, t = pair(a.astype(np.int64))
    e.gcd_(ember.tensor([4]))
    t.gcd_(torch.tensor([4]))
    same(e, t)
    both_raise(lambda m: m.gcd(m.tensor([1.0]), m.tensor([2.0])), NotImplementedError,
               '"gcd_cpu" not implemented for \'Float\'')


def test_signbit_nextafter_frexp():
    v = np.array([-1.0, -0.0, 0.0, 2.0, -np.inf], dtype=np.float32)
    same(ember.signbit(pair(v)[0]), torch.signbit(pair(v)[1]))
    same(ember.signbit(ember.tensor([-1, 2])), torch.signbit(torch.tensor([-1, 2])))
    same(ember.tensor([1, 2], dtype=ember.uint8).signbit(),
         torch.tensor([1, 2], dtype=torch.uint8).signbit())
    a, b = np.array([1.0, 2.0, 0.0]), np.array([2.0, 1.0, -1.0])
    same(ember.nextafter(pair(a)[0], pair(b)[0]), torch.nextafter(pair(a)[1], pair(b)[1]),
         rtol=0, atol=0)
    for dt in (np.float32, np.float64):
        v = np.array([8.0, 0.5, -3.0, 0.0, 1e-30], dtype=dt)
        e, t = ember.frexp(pair(v)[0]), torch.frexp(pair(v)[1])
        same(e.mantissa, t.mantissa)
        same(e.exponent, t.exponent)
    both_raise(lambda m: m.frexp(m.tensor([1, 2])), RuntimeError, "floating-point dtypes")


def test_elementwise_dtypes_match_torch():
    ints = np.array([1, 2, 180])
    for fn in ("deg2rad", "rad2deg", "sinc", "i0", "logit"):
        same(getattr(ember, fn)(pair(ints)[0]), getattr(torch, fn)(pair(ints)[1]), rtol=1e-5)
    same(ember.copysign(ember.tensor([1, 2]), -1), torch.copysign(torch.tensor([1, 2]), -1))
    same(ember.copysign(ember.tensor([1.0], dtype=ember.float16), ember.tensor([-2.0])),
         torch.copysign(torch.tensor([1.0], dtype=torch.float16), torch.tensor([-2.0])))
    same(ember.ldexp(ember.tensor([1, 2]), ember.tensor([2, 3])),
         torch.ldexp(torch.tensor([1, 2]), torch.tensor([2, 3])))
    same(ember.ldexp(ember.tensor([1.0], dtype=ember.float64), ember.tensor([2])),
         torch.ldexp(torch.tensor([1.0], dtype=torch.float64), torch.tensor([2])))
    same(ember.logit(ember.tensor([0.0, 1.0, 0.5])), torch.logit(torch.tensor([0.0, 1.0, 0.5])))
    same(ember.logaddexp2(ember.tensor([-math.inf, 1e4]), ember.tensor([-math.inf, 1e4])),
         torch.logaddexp2(torch.tensor([-math.inf, 1e4]), torch.tensor([-math.inf, 1e4])))
    both_raise(lambda m: m.logcumsumexp(m.tensor([1, 2]), 0), NotImplementedError,
               "logcumsumexp")
    both_raise(lambda m: m.nextafter(m.tensor([1, 2]), m.tensor([2, 3])), NotImplementedError)


def test_logcumsumexp_extremes_and_sinc_grad_at_zero():
    v = np.array([-1000.0, 0.0, -math.inf, 1000.0])
    same(ember.logcumsumexp(pair(v)[0], 0), torch.logcumsumexp(pair(v)[1], 0))
    e = ember.tensor([0.0, 0.5], dtype=ember.float64, requires_grad=True)
    t = torch.tensor([0.0, 0.5], dtype=torch.float64, requires_grad=True)
    ember.sinc(e).sum().backward()
    torch.sinc(t).sum().backward()
    same(e.grad, t.grad)


# ---------------------------------------------------------------- isin / unravel / combos


def test_isin_matches_torch():
    a = np.array([[1, 2], [3, 4]])
    b = np.array([2, 3, 9])
    same(ember.isin(pair(a)[0], pair(b)[0]), torch.isin(pair(a)[1], pair(b)[1]))
    same(ember.isin(pair(a)[0], pair(b)[0], invert=True),
         torch.isin(pair(a)[1], pair(b)[1], invert=True))
    same(ember.isin(pair(a)[0], 2), torch.isin(pair(a)[1], 2))
    same(ember.isin(3, pair(b)[0]), torch.isin(3, pair(b)[1]))
    same(ember.isin(ember.tensor([1.0, 2.5]), ember.tensor([1, 2])),
         torch.isin(torch.tensor([1.0, 2.5]), torch.tensor([1, 2])))
    same(ember.isin(ember.zeros(0), ember.tensor([1.0])),
         torch.isin(torch.zeros(0), torch.tensor([1.0])))


def test_unravel_index_matches_torch():
    for idx, shape in [([5, 7, -1], (2, 4)), (9, (2, 4, 3)), ([[0, 11], [3, 4]], (3, 4))]:
        same(ember.unravel_index(ember.tensor(idx), shape),
             torch.unravel_index(torch.tensor(idx), shape))
    same(ember.unravel_index(ember.tensor(3), 5), torch.unravel_index(torch.tensor(3), 5))
    both_raise(lambda m: m.unravel_index(m.tensor([1.0]), (2, 4)), TypeError,
               "expected 'indices' to be integer dtype")
    with pytest.raises(RuntimeError):
        ember.unravel_index(ember.tensor([8]), (2, 4))


def test_combinations_and_vander():
    for r, rep in [(2, False), (3, False), (0, False), (4, False), (2, True)]:
        same(ember.combinations(ember.tensor([1, 2, 3]), r, rep),
             torch.combinations(torch.tensor([1, 2, 3]), r, rep))
    both_raise(lambda m: m.combinations(m.tensor([[1, 2]])), RuntimeError, "Expect a 1D vector")
    same(ember.vander(ember.tensor([1, 2, 3], dtype=ember.int32)),
         torch.vander(torch.tensor([1, 2, 3], dtype=torch.int32)))
    same(ember.vander(ember.tensor([2.0, -1.0]), N=0), torch.vander(torch.tensor([2.0, -1.0]),
                                                                  N=0))
    both_raise(lambda m: m.vander(m.ones(2, 2)), RuntimeError, "one-dimensional")
    x = ember.tensor([0.5, -1.5, 2.0], dtype=ember.float64, requires_grad=True)
    numeric_gradcheck(lambda v: ember.vander(v, N=4), [x])


# ---------------------------------------------------------------- histogram


@pytest.mark.parametrize("kwargs", [dict(bins=4, range=(0.0, 3.0)), dict(bins=5),
                                    dict(bins=3, density=True),
                                    dict(bins=4, range=(0.0, 3.0), weight=True)])
def test_histogram_matches_torch(kwargs):
    v = np.array([1.0, 2.0, 1.0, 0.2, 2.9, 3.5, -1.0], dtype=np.float32)
    w = np.arange(7, dtype=np.float32)
    ke, kt = dict(kwargs), dict(kwargs)
    if kwargs.get("weight"):
        ke["weight"], kt["weight"] = pair(w)
    e, t = ember.histogram(pair(v)[0], **ke), torch.histogram(pair(v)[1], **kt)
    same(e.hist, t.hist)
    same(e.bin_edges, t.bin_edges)


def test_histogram_edges_tensor_and_constant_input():
    v = np.array([1.0, 1.0, 1.0])
    e = ember.histogram(pair(v)[0], ember.tensor([0.0, 0.5, 2.0], dtype=ember.float64))
    t = torch.histogram(pair(v)[1], torch.tensor([0.0, 0.5, 2.0], dtype=torch.float64))
    same(e, t)
    same(ember.histogram(pair(v)[0], 4), torch.histogram(pair(v)[1], 4))
    both_raise(lambda m: m.histogram(m.tensor([1, 2])), NotImplementedError)


# ---------------------------------------------------------------- creation helpers


def test_scalar_tensor_range_fill():
    same(ember.scalar_tensor(3), torch.scalar_tensor(3))
    same(ember.scalar_tensor(3, dtype=ember.int32), torch.scalar_tensor(3, dtype=torch.int32))
    for args, kw in [((1, 4), {}), ((0, 1, 0.25), {}), ((1, 4), dict(dtype="int64")),
                     ((5, 1, -2), {})]:
        with pytest.warns(UserWarning, match="torch.range is deprecated"):
            e = ember.range(*args, **{k: getattr(ember, v) for k, v in kw.items()})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = torch.range(*args, **{k: getattr(torch, v) for k, v in kw.items()})
        same(e, t)
    same(ember.fill(ember.zeros(2, 2), 3), torch.fill(torch.zeros(2, 2), 3))
    x = ember.ones(3)
    assert ember.fill_(x, 2.0) is x and x.tolist() == [2.0, 2.0, 2.0]
    assert ember.zero_(x) is x and x.tolist() == [0.0, 0.0, 0.0]
    both_raise(lambda m: m.fill(m.zeros(2), m.ones(2)), RuntimeError,
               "only supports 0-dimension value tensor")


def test_frombuffer_shares_memory():
    a = array.array("i", [1, 2, 3, 4])
    e = ember.frombuffer(a, dtype=ember.int32, count=2, offset=4)
    t = torch.frombuffer(a, dtype=torch.int32, count=2, offset=4)
    same(e, t)
    a[1] = 9
    assert e.tolist() == t.tolist() == [9, 3]
    with pytest.warns(UserWarning, match="not writable"):
        ember.frombuffer(b"\x01\x00", dtype=ember.uint8)
    with pytest.raises(ValueError):
        ember.frombuffer(bytearray(3), dtype=ember.int16)


# ---------------------------------------------------------------- views


def test_view_as_real_complex_share_memory_and_errors():
    x = ember.tensor([[1.0, 2.0], [3.0, -1.0]])
    c = ember.view_as_complex(x)
    assert c.dtype is ember.complex64 and c.tolist() == [1 + 2j, 3 - 1j]
    x[0, 0] = 7.0
    assert c[0].item() == 7 + 2j
    r = ember.view_as_real(c)
    assert r.dtype is ember.float32 and r.shape == (2, 2)
    same(ember.view_as_real(ember.tensor(1 + 2j, dtype=ember.complex128)),
         torch.view_as_real(torch.tensor(1 + 2j, dtype=torch.complex128)))
    both_raise(lambda m: m.view_as_complex(m.ones(3)), RuntimeError,
               "last dimension of size 2")
    both_raise(lambda m: m.view_as_real(m.ones(3)), RuntimeError, "only supported for complex")
    both_raise(lambda m: m.view_as_complex(m.ones(2, 4)[:, ::2]), RuntimeError, "stride 1")


def test_unfold_is_a_view_and_errors():
    x = ember.arange(6.0)
    w = x.unfold(0, 3, 2)
    x[2] = 100.0
    assert w[0, 2].item() == 100.0 and w[1, 0].item() == 100.0
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 0 is 5"):
            m.ones(5).unfold(0, 6, 1)
        with pytest.raises(RuntimeError, match="step is 0 but must be > 0"):
            m.ones(5).unfold(0, 2, 0)
    same(ember.ones(3, 4).t().unfold(0, 2, 1), torch.ones(3, 4).t().unfold(0, 2, 1))


def test_split_and_scatter_errors():
    for fn, x, msg in [("hsplit", (2, 4), "not divisible by the split_size 3"),
                       ("vsplit", (4,), "at least 2 dimension"),
                       ("dsplit", (2, 4), "at least 3 dimension")]:
        both_raise(lambda m: getattr(m, fn)(m.zeros(*x), 3), RuntimeError, msg)
    both_raise(lambda m: m.slice_scatter(m.zeros(4, 4), m.ones(2, 4), start=1, end=2),
               RuntimeError, r"src size = \[2, 4\], slice size = \[1, 4\]")
    both_raise(lambda m: m.select_scatter(m.zeros(4, 4), m.ones(3), 0, 0), RuntimeError,
               "slice size")
    both_raise(lambda m: m.diagonal_scatter(m.zeros(3, 3), m.ones(2)), RuntimeError,
               "slice size")
    both_raise(lambda m: m.index_reduce(m.ones(3), 0, m.tensor([0]), m.tensor([2.0]), "sum"),
               RuntimeError, "Expected reduce to be one of prod, mean, amax or amin")
    both_raise(lambda m: m.ones(2, 3).sum_to_size(3, 3), RuntimeError, "is not expandable")


def test_as_strided_scatter_gradient_numerically():
    x = ember.rand(3, 3, dtype=ember.float64, requires_grad=True)
    s = ember.rand(2, 2, dtype=ember.float64, requires_grad=True)
    numeric_gradcheck(lambda a, b: ember.as_strided_scatter(a, b, (2, 2), (1, 2), 1), [x, s])
    g = ember.autograd.grad(ember.as_strided_scatter(x, s, (2, 2), (1, 2), 1).sum(), x)[0]
    assert g.reshape(-1).tolist() == [1, 0, 0, 0, 0, 1, 1, 1, 1]


# ---------------------------------------------------------------- linear-algebra helpers


def test_tensordot_addr_chain_matmul_errors():
    both_raise(lambda m: m.tensordot(m.ones(2, 3), m.ones(3, 2), dims=([1], [0, 1])),
               RuntimeError, "same length")
    both_raise(lambda m: m.tensordot(m.ones(2, 3), m.ones(4, 2), dims=1), RuntimeError,
               "contracted dimensions need to match")
    same(ember.tensordot(ember.ones(2, 3), ember.ones(3, 2), dims=ember.tensor(1)),
         torch.tensordot(torch.ones(2, 3), torch.ones(3, 2), dims=torch.tensor(1)))
    both_raise(lambda m: m.addr(m.ones(2, 2, dtype=m.int64), m.tensor([1, 2]),
                                m.tensor([1, 2]), alpha=2.5), RuntimeError,
               "argument alpha must not be a floating point number")
    same(ember.addr(ember.ones(2, 2, dtype=ember.int64), ember.tensor([1, 2]),
                    ember.tensor([1, 2]), alpha=2),
         torch.addr(torch.ones(2, 2, dtype=torch.int64), torch.tensor([1, 2]),
                    torch.tensor([1, 2]), alpha=2))
    nan = ember.full((2, 2), float("nan"))
    assert not ember.addr(nan, ember.ones(2), ember.ones(2), beta=0).isnan().any()
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        ember.chain_matmul(ember.ones(2, 3), ember.ones(3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both_raise(lambda m: m.chain_matmul(m.ones(2, 3), m.ones(3)), RuntimeError,
                   "Tensor dimension is 1, expected 2 instead.")


def test_legacy_svd_matches_torch():
    a = np.random.default_rng(0).standard_normal((2, 4, 3))
    e, t = ember.svd(pair(a)[0]), torch.svd(pair(a)[1])
    same(e.S, t.S)
    assert e.U.shape == t.U.shape and e.V.shape == t.V.shape
    rec = e.U @ ember.diag_embed(e.S) @ e.V.mT
    np.testing.assert_allclose(rec.numpy(), a, atol=1e-12)
    e2, t2 = pair(a)[0].svd(some=False), torch.svd(pair(a)[1], some=False)
    assert e2.U.shape == t2.U.shape and e2.V.shape == t2.V.shape
    same(ember.svd(pair(a)[0], compute_uv=False), torch.svd(pair(a)[1], compute_uv=False))


def test_lu_family_matches_torch():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 4, 4))
    b = rng.standard_normal((2, 4, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = ember.lu(pair(a)[0]), torch.lu(pair(a)[1])
        same(e, t, rtol=1e-10, atol=1e-12)
        same(ember.lu_unpack(*e), torch.lu_unpack(*t), rtol=1e-10, atol=1e-12)
        same(ember.lu_solve(pair(b)[0], *e), torch.lu_solve(pair(b)[1], *t), rtol=1e-9,
             atol=1e-10)
        same(pair(a)[0].lu(get_infos=True), pair(a)[1].lu(get_infos=True), rtol=1e-10,
             atol=1e-12)
        rect = rng.standard_normal((3, 5))
        same(ember.lu(pair(rect)[0]), torch.lu(pair(rect)[1]), rtol=1e-10, atol=1e-12)
        same(ember.lu_unpack(*ember.lu(pair(rect)[0])), torch.lu_unpack(*torch.lu(
            pair(rect)[1])), rtol=1e-10, atol=1e-12)
        sing = np.array([[1.0, 2.0], [2.0, 4.0]])
        same(ember.lu(pair(sing)[0], get_infos=True)[2],
             torch.lu(pair(sing)[1], get_infos=True)[2])


def test_legacy_linalg_values_and_errors():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    for fn in ("inverse", "det", "logdet", "pinverse", "matrix_exp"):
        same(getattr(ember, fn)(pair(a)[0]), getattr(torch, fn)(pair(a)[1]), rtol=1e-10)
    same(ember.logdet(-ember.eye(3)), torch.logdet(-torch.eye(3)))
    same(ember.logdet(ember.zeros(2, 2)), torch.logdet(torch.zeros(2, 2)))
    same(ember.matrix_power(pair(a)[0], 0), torch.matrix_power(pair(a)[1], 0))
    same(ember.slogdet(pair(a)[0]), torch.slogdet(pair(a)[1]))
    same(ember.matrix_exp(ember.full((2, 2), 50.0, dtype=ember.float64)),
         torch.matrix_exp(torch.full((2, 2), 50.0, dtype=torch.float64)), rtol=1e-10)
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="at least 2 dimensions"):
            m.inverse(m.ones(3))
        with pytest.raises(RuntimeError, match="square matrices"):
            m.det(m.ones(2, 3))
    assert not hasattr(ember, "qr") and not hasattr(ember.Tensor, "cholesky")


# ---------------------------------------------------------------- in-place variants


_INPLACE_CASES = {
    "abs_": ([-1.5, 2.0], ()), "acos_": ([0.5], ()), "acosh_": ([1.5], ()),
    "arccos_": ([0.5], ()), "arccosh_": ([1.5], ()), "arcsin_": ([0.5], ()),
    "arcsinh_": ([0.5], ()), "arctan_": ([0.5], ()), "arctanh_": ([0.5], ()),
    "asin_": ([0.5], ()), "asinh_": ([0.5], ()), "atan_": ([0.5], ()), "atanh_": ([0.5], ()),
    "ceil_": ([0.5], ()), "clamp_": ([-2.0, 2.0], (-1, 1)), "clamp_max_": ([-2.0, 2.0], (1,)),
    "clamp_min_": ([-2.0, 2.0], (1,)), "clip_": ([-2.0, 2.0], (-1, 1)),
    "conj_physical_": ([1.0], ()), "cos_": ([0.3], ()), "cosh_": ([0.3], ()),
    "deg2rad_": ([90.0], ()), "erf_": ([0.3], ()), "erfc_": ([0.3], ()),
    "exp2_": ([1.5], ()), "exp_": ([0.3], ()), "expm1_": ([0.3], ()), "fix_": ([-1.5], ()),
    "floor_": ([-1.5], ()), "frac_": ([-1.25], ()), "i0_": ([0.7], ()),
    "ldexp_": ([1.5], ("T", [3.0])), "log10_": ([3.0], ()), "log1p_": ([0.3], ()),
    "log2_": ([3.0], ()), "log_": ([3.0], ()), "logit_": ([0.3], ()),
    "nan_to_num_": ([float("nan"), float("inf")], ()), "neg_": ([1.0], ()),
    "negative_": ([1.0], ()), "rad2deg_": ([1.0], ()), "reciprocal_": ([4.0], ()),
    "relu_": ([-1.0, 2.0], ()), "round_": ([1.5, 2.5], ()), "rsqrt_": ([4.0], ()),
    "sigmoid_": ([0.3], ()), "sin_": ([0.3], ()), "sinc_": ([0.3], ()), "sinh_": ([0.3], ()),
    "sqrt_": ([4.0], ()), "square_": ([3.0], ()), "tan_": ([0.3], ()), "tanh_": ([0.3], ()),
    "trunc_": ([-1.5], ()), "xlogy_": ([2.0], ("T", [3.0])),
    "celu_": ([-1.0, 1.0], ()), "selu_": ([-1.0, 1.0], ()), "rrelu_": ([-1.0, 1.0], ()),
    "threshold_": ([0.5, 2.0], (1.0, -1.0)), "dropout_": ([1.0, 2.0], (0.5, False)),
    "alpha_dropout_": ([1.0, 2.0], (0.5, False)),
    "feature_alpha_dropout_": ([[1.0, 2.0]], (0.5, False)),
    "feature_dropout_": ([[1.0, 2.0]], (0.5, False)),
}


@pytest.mark.parametrize("name", sorted(_INPLACE_CASES))
def test_inplace_function_matches_torch(name):
    data, args = _INPLACE_CASES[name]
    e, t = pair(np.array(data, dtype=np.float32))
    if args and args[0] == "T":
        ea, ta = pair(np.array(args[1], dtype=np.float32))
        ea, ta = (ea,), (ta,)
    else:
        ea = ta = args
    re, rt = getattr(ember, name)(e, *ea), getattr(torch, name)(t, *ta)
    assert re is e and rt is t
    same(e, t, rtol=1e-5, atol=1e-6)


def test_integer_inplace_functions():
    for name in ("gcd_", "lcm_"):
        e, t = pair(np.array([4, 6]))
        getattr(ember, name)(e, ember.tensor([6, 4]))
        getattr(torch, name)(t, torch.tensor([6, 4]))
        same(e, t)
    e, t = ember.zeros(3), torch.zeros(3)
    ember.index_put_(e, (ember.tensor([0, 0]),), ember.tensor(1.0), True)
    torch.index_put_(t, (torch.tensor([0, 0]),), torch.tensor(1.0), True)
    same(e, t)
    e, t = ember.ones(2), torch.ones(2)
    ember.addmv_(e, ember.eye(2), ember.tensor([2.0, 3.0]), alpha=2)
    torch.addmv_(t, torch.eye(2), torch.tensor([2.0, 3.0]), alpha=2)
    same(e, t)


def test_tensor_inplace_methods_match_torch():
    rng = np.random.default_rng(2)
    m = rng.uniform(0.1, 0.9, (3, 3)).astype(np.float32)
    v = rng.uniform(0.1, 0.9, 3).astype(np.float32)
    outs = {}
    for mod in (ember, torch):
        def T(a):
            return mod.from_numpy(np.array(a))
        r = {}
        r["addmm_"] = T(m).addmm_(T(m), T(m), beta=0.5, alpha=2)
        r["addr_"] = T(m).addr_(T(v), T(v), alpha=3)
        r["arccos_"] = T(m).arccos_()
        r["erfc_"] = T(m).erfc_()
        r["copysign_"] = T(m).copysign_(-1.0)
        r["fill_diagonal_"] = T(m).fill_diagonal_(5.0)
        r["fill_diagonal_wrap"] = mod.zeros(7, 3).fill_diagonal_(2.0, wrap=True)
        r["put_"] = T(m).put_(mod.tensor([0, 4, -1]), T(v), accumulate=True)
        r["renorm_"] = T(m).renorm_(2, 0, 0.5)
        r["index_reduce_"] = T(m).index_reduce_(0, mod.tensor([0, 0, 2]), T(m), "amax")
        r["scatter_reduce_"] = T(m).scatter_reduce_(1, mod.tensor([[0, 0, 1]] * 3), T(m),
                                                    "sum")
        r["divide_"] = T(m).divide_(T(v), rounding_mode="floor")
        r["subtract_"] = T(m).subtract_(T(v), alpha=2)
        r["multiply_"] = T(m).multiply_(2)
        r["greater_"] = T(m).greater_(0.5)
        r["less_equal_"] = T(m).less_equal_(T(v))
        r["not_equal_"] = T(m).not_equal_(T(v))
        r["logical_xor_"] = T(m).logical_xor_(T(m) > 0.5)
        r["heaviside_"] = (T(m) - 0.5).heaviside_(T(v))
        r["swapaxes_"] = T(m).swapaxes_(0, 1)
        r["float_power_"] = T(m.astype(np.float64)).float_power_(2)
        r["bitwise_left_shift_"] = mod.tensor([1, 2]).bitwise_left_shift_(2)
        r["nextafter_"] = T(v.astype(np.float64)).nextafter_(mod.tensor(2.0,
                                                                        dtype=mod.float64))
        r["absolute_"] = (T(m) - 0.5).absolute_()
        r["sum_to_size"] = T(m).sum_to_size(1, 3)
        r["where"] = T(m).where(T(m) > 0.5, T(v))
        r["vdot"] = T(v).vdot(T(v))
        outs[mod.__name__] = r
    for k in outs["ember"]:
        same(outs["ember"][k], outs["torch"][k], rtol=1e-5, atol=1e-6)
    for mod in (ember, torch):
        with pytest.raises(RuntimeError, match="float_power_ has dtype Long"):
            mod.tensor([1, 2]).float_power_(2)


def test_inplace_records_autograd():
    e = ember.tensor([0.2, 0.4], requires_grad=True)
    t = torch.tensor([0.2, 0.4], requires_grad=True)
    ye, yt = e * 1, t * 1
    ye.logit_().sinc_().deg2rad_()
    yt.logit_().sinc_().deg2rad_()
    ye.sum().backward()
    yt.sum().backward()
    same(e.grad, t.grad, rtol=1e-5)


# ---------------------------------------------------------------- switches


def test_default_device_switch():
    try:
        ember.set_default_device("cpu")
        assert ember.get_default_device() == ember.device("cpu")
        assert ember.zeros(2).device.type == "cpu" and ember.tensor([1]).device.type == "cpu"
        with ember.device("cpu"):
            assert ember.get_default_device() == ember.device("cpu")
    finally:
        ember.set_default_device(None)
    assert str(ember.get_default_device()) == str(torch.get_default_device())
    if ember.cuda.is_available():
        try:
            ember.set_default_device("cuda")
            assert ember.arange(3).device.type == "cuda"
            assert ember.tensor([1.0]).device.type == "cuda"
        finally:
            ember.set_default_device(None)


def test_deterministic_and_precision_switches():
    try:
        for mode in (0, 1, 2, "default", "warn", "error"):
            ember.set_deterministic_debug_mode(mode)
            torch.set_deterministic_debug_mode(mode)
            assert ember.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
            assert ember.are_deterministic_algorithms_enabled() == \
                torch.are_deterministic_algorithms_enabled()
            assert ember.is_deterministic_algorithms_warn_only_enabled() == \
                torch.is_deterministic_algorithms_warn_only_enabled()
        ember.use_deterministic_algorithms(True, warn_only=True)
        assert ember.get_deterministic_debug_mode() == 1
    finally:
        ember.use_deterministic_algorithms(False)
        torch.use_deterministic_algorithms(False)
    both_raise(lambda m: m.set_deterministic_debug_mode("x"), RuntimeError,
               "invalid value of debug_mode")
    both_raise(lambda m: m.set_deterministic_debug_mode(5), RuntimeError, "expected 0, 1, or 2")
    try:
        ember.set_float32_matmul_precision("medium")
        assert ember.get_float32_matmul_precision() == "medium"
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            ember.set_float32_matmul_precision("foo")
        assert ember.get_float32_matmul_precision() == "medium"
    finally:
        ember.set_float32_matmul_precision("highest")
    assert ember.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    ember.set_warn_always(True)
    assert ember.is_warn_always_enabled()
    ember.set_warn_always(False)
    assert ember.is_warn_always_enabled() == torch.is_warn_always_enabled()


def test_small_helpers_match_torch():
    assert ember.get_device(ember.zeros(1)) == torch.get_device(torch.zeros(1)) == -1
    for e, t in [(ember.zeros(1), torch.zeros(1)), (ember.zeros(1, dtype=ember.int64),
                                                    torch.zeros(1, dtype=torch.int64)),
                 (1, 1), ("s", "s")]:
        assert ember.typename(e) == torch.typename(t)
    assert ember.typename(ember.nn.Linear).endswith("Linear")
    assert ember.set_flush_denormal(False) is False
    with pytest.warns(UserWarning, match="set_default_tensor_type"):
        ember.set_default_tensor_type(ember.DoubleTensor)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64 and ember.zeros(1).dtype is \
            ember.float64
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ember.set_default_tensor_type("torch.FloatTensor")
    assert ember.get_default_dtype() is ember.float32


# ---------------------------------------------------------------- nn functions at top level


def test_nn_functions_at_top_level_match_torch():
    rng = np.random.default_rng(3)

    def R(*shape):
        return pair(rng.standard_normal(shape).astype(np.float32))
    x, tx = R(2, 4, 6)
    w, tw = R(3, 4, 3)
    same(ember.conv1d(x, w, None, 1, 1), torch.conv1d(tx, tw, None, 1, 1), rtol=1e-5,
         atol=1e-5)
    x2, tx2 = R(1, 2, 5, 5)
    w2, tw2 = R(3, 2, 3, 3)
    same(ember.conv2d(x2, w2, padding="same"), torch.conv2d(tx2, tw2, padding="same"),
         rtol=1e-5, atol=1e-5)
    wt, twt = R(2, 3, 2, 2)
    same(ember.conv_transpose2d(x2, wt, None, 2), torch.conv_transpose2d(tx2, twt, None, 2),
         rtol=1e-5, atol=1e-5)
    same(ember.avg_pool1d(x, 2), torch.avg_pool1d(tx, 2))
    same(ember.max_pool1d(x, 3, 2), torch.max_pool1d(tx, 3, 2))
    same(ember.max_pool2d(x2, 2), torch.max_pool2d(tx2, 2))
    same(ember.max_pool1d_with_indices(x, 2), torch.max_pool1d_with_indices(tx, 2))
    same(ember.adaptive_avg_pool1d(x, 4), torch.adaptive_avg_pool1d(tx, 4), rtol=1e-5)
    same(ember.adaptive_max_pool1d(x, 3), torch.adaptive_max_pool1d(tx, 3))
    same(ember.dropout(x, 0.5, False), torch.dropout(tx, 0.5, False))
    d = ember.dropout(ember.ones(1000), 0.5, True)
    assert set(np.unique(d.numpy()).tolist()) <= {0.0, 2.0}
    same(ember.alpha_dropout(x, 0.5, False), torch.alpha_dropout(tx, 0.5, False))
    emb, temb = R(5, 3)
    same(ember.embedding(emb, ember.tensor([1, 4])), torch.embedding(temb, torch.tensor([1, 4])))
    same(ember.layer_norm(x, [6]), torch.layer_norm(tx, [6]), rtol=1e-5, atol=1e-5)
    same(ember.group_norm(x, 2), torch.group_norm(tx, 2), rtol=1e-5, atol=1e-5)
    same(ember.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
         torch.instance_norm(tx, None, None, None, None, True, 0.1, 1e-5, False), rtol=1e-5,
         atol=1e-5)
    rm, trm = pair(np.zeros(4, np.float32))
    rv, trv = pair(np.ones(4, np.float32))
    same(ember.batch_norm(x, None, None, rm, rv, True, 0.1, 1e-5, False),
         torch.batch_norm(tx, None, None, trm, trv, True, 0.1, 1e-5, False), rtol=1e-5,
         atol=1e-5)
    same(rm, trm, rtol=1e-5, atol=1e-6)
    bw, tbw = R(2, 6, 6)
    same(ember.bilinear(x[0], x[0], bw), torch.bilinear(tx[0], tx[0], tbw), rtol=1e-4,
         atol=1e-4)
    for fn, args in [("celu", (0.7,)), ("selu", ()), ("rrelu", ()), ("threshold", (0.1, -2.0)),
                     ("hardshrink", (0.3,))]:
        same(getattr(ember, fn)(x, *args), getattr(torch, fn)(tx, *args), rtol=1e-5)
    same(x.hardshrink(0.3), tx.hardshrink(0.3))
    same(ember.prelu(x, ember.tensor([0.25])), torch.prelu(tx, torch.tensor([0.25])))
    p4, tp4 = R(1, 4, 2, 2)
    same(ember.pixel_shuffle(p4, 2), torch.pixel_shuffle(tp4, 2))
    same(ember.pixel_unshuffle(x2[:, :, :4, :4], 2), torch.pixel_unshuffle(tx2[:, :, :4, :4], 2))
    same(ember.channel_shuffle(p4, 2), torch.channel_shuffle(tp4, 2))
    same(ember.constant_pad_nd(x, [1, -2, 0, 1], 3.0), torch.constant_pad_nd(tx, [1, -2, 0, 1],
                                                                            3.0))


@pytest.mark.parametrize("reduction", [None, 0, 1, 2])
def test_losses_at_top_level_match_torch(reduction):
    rng = np.random.default_rng(4)
    a, ta = pair(rng.standard_normal((3, 4)).astype(np.float32))
    b, tb = pair(rng.standard_normal((3, 4)).astype(np.float32))
    p, tp = pair(rng.uniform(0, 1, (3, 4)).astype(np.float32))
    s, ts = pair(np.array([1.0, -1.0, 1.0], np.float32))
    r = () if reduction is None else (reduction,)
    kw = {} if reduction is None else dict(reduction=reduction)
    same(ember.kl_div(a, p, *r), torch.kl_div(ta, tp, *r), rtol=1e-5, atol=1e-6)
    same(ember.margin_ranking_loss(a[:, 0], b[:, 0], s, 0.1, *r),
         torch.margin_ranking_loss(ta[:, 0], tb[:, 0], ts, 0.1, *r), rtol=1e-5)
    same(ember.hinge_embedding_loss(a, ember.sign(b), 1.0, *r),
         torch.hinge_embedding_loss(ta, torch.sign(tb), 1.0, *r), rtol=1e-5)
    same(ember.cosine_embedding_loss(a, b, s, 0.0, *r),
         torch.cosine_embedding_loss(ta, tb, ts, 0.0, *r), rtol=1e-5, atol=1e-6)
    same(ember.triplet_margin_loss(a, b, p, **kw), torch.triplet_margin_loss(ta, tb, tp, **kw),
         rtol=1e-5)
    same(ember.binary_cross_entropy_with_logits(a, p, **kw),
         torch.binary_cross_entropy_with_logits(ta, tp, **kw), rtol=1e-5)
    red = 1 if reduction is None else reduction
    same(ember.poisson_nll_loss(a, p, True, False, 1e-8, red),
         torch.poisson_nll_loss(ta, tp, True, False, 1e-8, red), rtol=1e-5)
