"""Namespace-parity ops (sinc, logit, tensordot, *_scatter, unfold, legacy linalg ...): forward
and gradients against real torch in float32/float64, plus float64 numeric gradcheck, through
the opinfo machinery of test_ops_oracle."""
import warnings

import numpy as np
import pytest

import ember
from opinfo import Op
from test_ops_oracle import TOL, _run, _first, _to_np, numeric_gradcheck

torch = pytest.importorskip("torch")

U = [(3, 4)], [(2, 3, 4)], [()], [(0, 3)], [(5,)]
B = [(3, 4), (3, 4)], [(3, 4), (4,)], [(2, 1, 4), (3, 1)], [(), (3,)], [(0, 4), (4,)]


def _spd(m, a):
    return a @ a.mT + a.shape[-1] * m.eye(a.shape[-1], dtype=a.dtype)


def _lu(m, a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.lu(a)


def _lu_solve(m, b, a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.lu_solve(b, *m.lu(a))


def _chol(m, a):
    return m.linalg.cholesky(_spd(m, a))


NS_OPS = [
    # --- elementwise
    Op("sinc", lambda m, x: m.sinc(x), U),
    Op("i0", lambda m, x: m.i0(x), U, domain=(-3.0, 3.0)),
    Op("i0_large", lambda m, x: m.i0(x), [[(6,)]], domain=(15.0, 30.0), atol=1e-3),
    Op("deg2rad", lambda m, x: m.deg2rad(x), U),
    Op("rad2deg", lambda m, x: x.rad2deg(), U),
    Op("logit", lambda m, x: m.logit(x), U, domain=(0.05, 0.95)),
    Op("logit_eps", lambda m, x: x.logit(eps=0.2), U, domain=(0.01, 0.99), gradcheck=False),
    Op("copysign", lambda m, a, b: m.copysign(a, b), B),
    Op("copysign_scalar", lambda m, a: m.copysign(a, -1.0), U),
    Op("ldexp", lambda m, a, b: m.ldexp(a, b), [[(3, 4), (3, 4)], [(4,), (2, 4)]],
       int_args={1: (-3, 4)}),
    Op("logaddexp2", lambda m, a, b: m.logaddexp2(a, b), B),
    Op("positive", lambda m, x: m.positive(x) * 2, U),
    # --- reductions / scans
    Op("logcumsumexp", lambda m, x: m.logcumsumexp(x, -1), [[(3, 4)], [(2, 3, 4)], [(5,)],
                                                            [()]], domain=(-5.0, 5.0)),
    Op("logcumsumexp0", lambda m, x: x.logcumsumexp(0), [[(4, 3)]], domain=(-30.0, 30.0)),
    Op("renorm", lambda m, x: m.renorm(x, 2, 0, 1.5), [[(3, 4)], [(2, 3, 4)]]),
    Op("renorm_p1", lambda m, x: x.renorm(1, 1, 2.0), [[(3, 4)]]),
    Op("nanquantile", lambda m, x: m.nanquantile(x, 0.3), [[(3, 4)], [(5,)]]),
    Op("nanquantile_dim", lambda m, x: m.nanquantile(x, m.tensor([0.2, 0.9], dtype=x.dtype),
                                                     dim=1, keepdim=True), [[(3, 5)]]),
    Op("nanquantile_nearest", lambda m, x: x.nanquantile(0.5, dim=0,
                                                         interpolation="midpoint"),
       [[(4, 3)]]),
    Op("trapezoid", lambda m, y: m.trapezoid(y), [[(3, 4)], [(5,)]]),
    Op("trapezoid_x", lambda m, y, x: m.trapezoid(y, x, dim=0), [[(4, 3), (4,)]]),
    Op("trapz_dx", lambda m, y: m.trapz(y, dx=0.5, dim=0), [[(4, 3)]]),
    Op("cumulative_trapezoid", lambda m, y: m.cumulative_trapezoid(y), [[(3, 4)], [(5,)]]),
    Op("cumulative_trapezoid_x", lambda m, y, x: m.cumulative_trapezoid(y, x),
       [[(3, 4), (3, 4)]]),
    # --- linear algebra
    Op("tensordot", lambda m, a, b: m.tensordot(a, b, dims=2), [[(2, 3, 4), (3, 4, 5)]],
       noncontig=False),
    Op("tensordot_lists", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [2, 0])),
       [[(2, 3, 4), (4, 5, 2)]], noncontig=False),
    Op("tensordot_0", lambda m, a, b: m.tensordot(a, b, dims=0), [[(2, 3), (3,)]]),
    Op("addr", lambda m, c, a, b: m.addr(c, a, b, beta=0.5, alpha=2.0),
       [[(3, 4), (3,), (4,)], [(4,), (3,), (4,)]]),
    Op("addr_method", lambda m, c, a, b: c.addr(a, b), [[(3, 4), (3,), (4,)]]),
    Op("chain_matmul", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]) if False else
       _quiet(m.chain_matmul, a, b, c), [[(2, 3), (3, 4), (4, 2)]]),
    # torch's own vander backward fails (an in-place cumprod), so values only here; the
    # gradient is checked numerically in test_ns_misc
    Op("vander", lambda m, x: m.vander(x, N=4), [[(3,)], [(5,)]], grad=False),
    Op("vander_inc", lambda m, x: m.vander(x, increasing=True), [[(3,)]], grad=False),
    Op("diagflat", lambda m, x: m.diagflat(x, -1), [[(2, 2)], [(3,)]]),
    Op("combinations", lambda m, x: m.combinations(x, 2), [[(4,)]]),
    Op("combinations_rep", lambda m, x: m.combinations(x, 3, with_replacement=True), [[(3,)]]),
    Op("inverse", lambda m, a: m.inverse(a + 4 * m.eye(3, dtype=a.dtype)), [[(3, 3)],
                                                                             [(2, 3, 3)]]),
    Op("det_top", lambda m, a: a.det(), [[(3, 3)], [(2, 3, 3)]]),
    Op("logdet", lambda m, a: m.logdet(_spd(m, a)), [[(3, 3)], [(2, 3, 3)]]),
    Op("slogdet_top", lambda m, a: m.slogdet(a + 3 * m.eye(3, dtype=a.dtype))[1],
       [[(3, 3)]]),
    Op("matrix_power", lambda m, a: m.matrix_power(a, 5), [[(3, 3)], [(2, 3, 3)]],
       domain=(-0.7, 0.7)),
    Op("matrix_power_neg", lambda m, a: a.matrix_power(-2) if True else None,
       [[(3, 3)]], domain=(0.5, 1.5), atol=1e-4),
    Op("matrix_exp", lambda m, a: m.matrix_exp(a), [[(3, 3)], [(2, 3, 3)], [(1, 1)]]),
    Op("matrix_exp_big", lambda m, a: a.matrix_exp(), [[(3, 3)]], domain=(-3.0, 3.0),
       atol=1e-3),
    Op("linalg_cholesky", lambda m, a: _chol(m, a), [[(3, 3)], [(2, 3, 3)]]),
    Op("linalg_cholesky_upper", lambda m, a: m.linalg.cholesky(_spd(m, a), upper=True),
       [[(3, 3)]]),
    Op("cholesky_solve", lambda m, b, a: m.cholesky_solve(b, _spd(m, a).tril()),
       [[(3, 2), (3, 3)]]),
    Op("cholesky_inverse", lambda m, a: m.cholesky_inverse(a.tril() + 3 * m.eye(3,
                                                           dtype=a.dtype), upper=False),
       [[(3, 3)]]),
    Op("cholesky_inverse_upper", lambda m, a: a.triu().add(3 * m.eye(3, dtype=a.dtype))
       .cholesky_inverse(upper=True), [[(3, 3)]]),
    Op("triangular_solve", lambda m, b, a: m.triangular_solve(b, a + 3 * m.eye(3,
                                                              dtype=a.dtype))[0],
       [[(3, 2), (3, 3)], [(2, 3, 1), (2, 3, 3)]]),
    Op("triangular_solve_opts", lambda m, b, a: m.triangular_solve(
        b, a + 3 * m.eye(3, dtype=a.dtype), upper=False, transpose=True,
        unitriangular=True)[0], [[(3, 2), (3, 3)]]),
    Op("lu_packed", lambda m, a: _lu(m, a)[0], [[(3, 3)], [(2, 4, 4)]]),
    Op("lu_solve", lambda m, b, a: _lu_solve(m, b, a), [[(3, 2), (3, 3)]]),
    # --- movement / scatter
    Op("unfold", lambda m, x: x.unfold(1, 2, 1), [[(3, 4)], [(2, 5, 3)]]),
    Op("unfold_step", lambda m, x: x.unfold(0, 2, 3) * 2, [[(8,)], [(7, 2)]]),
    Op("unfold_0d", lambda m, x: x.unfold(0, 1, 1), [[()]]),
    Op("slice_scatter", lambda m, x, s: m.slice_scatter(x, s, 1, 1, 4, 2),
       [[(3, 5), (3, 2)]]),
    Op("slice_scatter_0", lambda m, x, s: x.slice_scatter(s, start=-2), [[(4, 3), (2, 3)]]),
    Op("select_scatter", lambda m, x, s: m.select_scatter(x, s, 0, -1), [[(3, 4), (4,)]]),
    Op("diagonal_scatter", lambda m, x, s: m.diagonal_scatter(x, s, 1), [[(3, 4), (3,)]]),
    Op("diagonal_scatter_neg", lambda m, x, s: x.diagonal_scatter(s, -1, 1, 2),
       [[(2, 3, 3), (2, 2)]]),
    # torch's as_strided_scatter gradient for ``input`` with a storage offset is wrong (it
    # zeroes the wrong elements): values here, the gradient numerically in test_ns_misc
    Op("as_strided_scatter", lambda m, x, s: m.as_strided_scatter(x, s, (2, 2), (1, 2), 1),
       [[(3, 3), (2, 2)]], noncontig=False, grad=False),
    Op("put", lambda m, x, v: m.put(x, m.tensor([0, 5, -1]), v), [[(3, 4), (3,)]]),
    Op("put_acc", lambda m, x, v: x.put(m.tensor([1, 1, 2]), v, accumulate=True),
       [[(2, 2), (3,)]]),
    Op("index_reduce_prod", lambda m, x, s: m.index_reduce(x, 0, m.tensor([0, 2, 0]), s,
                                                           "prod"), [[(3, 4), (3, 4)]]),
    Op("index_reduce_mean", lambda m, x, s: x.index_reduce(1, m.tensor([0, 0, 3]), s, "mean",
                                                           include_self=False),
       [[(3, 4), (3, 3)]]),
    Op("index_reduce_amax", lambda m, x, s: x.index_reduce(0, m.tensor([1, 1]), s, "amax"),
       [[(3, 4), (2, 4)]]),
    Op("index_reduce_amin", lambda m, x, s: x.index_reduce(0, m.tensor([2, 0]), s, "amin",
                                                           include_self=False),
       [[(3, 4), (2, 4)]]),
    Op("hsplit", lambda m, x: m.hsplit(x, 2)[1] * 3, [[(3, 4)], [(4,)]]),
    Op("vsplit", lambda m, x: m.vsplit(x, [1, 2])[2], [[(4, 3)]]),
    Op("dsplit", lambda m, x: x.dsplit(2)[0], [[(2, 3, 4)]]),
    Op("sum_to_size", lambda m, x: x.sum_to_size(1, 4), [[(3, 4)], [(2, 3, 4)]]),
    Op("where_method", lambda m, x, y: x.where(x > 0, y), B),
    Op("view_as_real", lambda m, x: m.view_as_real(m.view_as_complex(x)) * 2,
       [[(3, 2)], [(2, 3, 2)]], noncontig=False),
    Op("pairwise_distance", lambda m, a, b: m.pairwise_distance(a, b), [[(3, 4), (3, 4)]]),
    Op("pdist", lambda m, a: m.pdist(a), [[(4, 3)]]),
    Op("fill_tensor", lambda m, x, v: m.fill(x, v.sum()), [[(3,), (2,)]]),
]


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


NAMES = [o.name for o in NS_OPS]
assert len(set(NAMES)) == len(NAMES)
CASES = [(op, dt) for op in NS_OPS for dt in op.dtypes]


@pytest.mark.parametrize("op,dtype", CASES, ids=[f"{o.name}-{d}" for o, d in CASES])
def test_ns_forward_and_grad_match_torch(op, dtype):
    tol = TOL[dtype]
    if op.atol:
        tol = dict(tol, atol=op.atol)
    if dtype == "float32":
        tol = dict(tol, rtol=max(tol["rtol"], 1e-4), atol=max(tol["atol"], 1e-4))
    for arrays in op.samples(dtype):
        e_args, e_out = _run(ember, op, arrays, op.grad)
        t_args, t_out = _run(torch, op, arrays, op.grad)
        assert tuple(e_out.shape) == tuple(t_out.shape), op.name
        assert str(e_out.dtype) == str(t_out.dtype), (op.name, e_out.dtype, t_out.dtype)
        np.testing.assert_allclose(_to_np(e_out), _to_np(t_out), **tol, err_msg=op.name)
        if not op.grad or not t_out.requires_grad or t_out.numel() == 0:
            continue
        cot = np.random.default_rng(1).standard_normal(tuple(t_out.shape)).astype(dtype)
        t_out.backward(torch.from_numpy(cot))
        e_out.backward(ember.from_numpy(cot.copy()))
        for ea, ta in zip(e_args, t_args):
            if ta.grad is None:
                continue
            assert ea.grad is not None, f"{op.name}: missing gradient"
            np.testing.assert_allclose(_to_np(ea.grad), _to_np(ta.grad), **tol,
                                       err_msg=f"{op.name} grad")


GC = [op for op in NS_OPS if op.gradcheck and "float64" in op.dtypes]


@pytest.mark.parametrize("op", GC, ids=[o.name for o in GC])
def test_ns_numeric_gradcheck_float64(op):
    for arrays in op.samples("float64", seed=3):
        inputs = []
        for i, a in enumerate(arrays):
            t = ember.from_numpy(np.array(a))
            if i not in op.int_args:
                t.requires_grad_(True)
            inputs.append(t)
        numeric_gradcheck(lambda *xs: _first(op.fn(ember, *xs)), inputs)
