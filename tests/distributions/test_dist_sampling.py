"""Sample shapes, sample statistics, reproducibility and rsample gradients."""
import numpy as np
import pytest
import torch
import torch.distributions as TD

import ember
import ember.distributions as ED
from distributions_helpers import pair, to_np
from test_dist_values import SPECS, _build

SHAPE_CASES = [sid for sid in SPECS if sid not in ("negative_affine_exp",)]


@pytest.mark.parametrize("sid", SHAPE_CASES)
def test_dist_sample_shapes_match_torch(sid):
    ed, td, leaves, _ = _build(sid)
    assert ed.has_rsample == td.has_rsample
    for sample_shape in ((), (5,), (2, 3)):
        with torch.no_grad():
            ts = td.sample(sample_shape)
        es = ed.sample(sample_shape)
        assert tuple(es.shape) == tuple(ts.shape), (sid, sample_shape)
        assert not es.requires_grad
        assert es.dtype.is_floating_point == ts.dtype.is_floating_point
        assert bool(ed.support.check(es).all()), sid
        if ed.has_rsample:
            rs = ed.rsample(sample_shape)
            assert tuple(rs.shape) == tuple(ts.shape)
            assert rs.requires_grad == bool(leaves)


def test_dist_sampling_is_reproducible_with_manual_seed():
    d = ED.Gamma(ember.tensor([0.5, 2.0]), ember.tensor([1.0, 3.0]))
    ember.manual_seed(123)
    a = d.sample((4,))
    b = ED.Categorical(logits=ember.zeros(5)).sample((6,))
    ember.manual_seed(123)
    assert ember.equal(a, d.sample((4,)))
    assert ember.equal(b, ED.Categorical(logits=ember.zeros(5)).sample((6,)))
    assert not ember.equal(a, d.sample((4,)))


N_STAT = 20000

STAT_CASES = {
    "normal": lambda: ED.Normal(ember.tensor([0.5, -2.0]), ember.tensor([1.0, 3.0])),
    "uniform": lambda: ED.Uniform(ember.tensor([0.0, -1.0]), ember.tensor([1.0, 4.0])),
    "laplace": lambda: ED.Laplace(ember.tensor([1.0]), ember.tensor([0.5])),
    "exponential": lambda: ED.Exponential(ember.tensor([0.5, 4.0])),
    "gamma": lambda: ED.Gamma(ember.tensor([0.3, 2.0, 50.0]), ember.tensor([1.0, 2.0, 5.0])),
    "chi2": lambda: ED.Chi2(ember.tensor([3.0])),
    "beta": lambda: ED.Beta(ember.tensor([0.5, 2.0]), ember.tensor([0.5, 5.0])),
    "dirichlet": lambda: ED.Dirichlet(ember.tensor([0.5, 1.0, 3.0])),
    "student_t": lambda: ED.StudentT(ember.tensor([5.0]), ember.tensor([1.0]), 2.0),
    "log_normal": lambda: ED.LogNormal(ember.tensor([0.0]), ember.tensor([0.5])),
    "bernoulli": lambda: ED.Bernoulli(ember.tensor([0.2, 0.9])),
    "geometric": lambda: ED.Geometric(ember.tensor([0.3])),
    "poisson": lambda: ED.Poisson(ember.tensor([0.5, 7.0])),
    "binomial": lambda: ED.Binomial(ember.tensor([10.0, 3.0]), ember.tensor([0.3, 0.8])),
    "multinomial": lambda: ED.Multinomial(7, ember.tensor([0.2, 0.3, 0.5])),
    "one_hot": lambda: ED.OneHotCategorical(ember.tensor([0.2, 0.3, 0.5])),
    "mvn": lambda: ED.MultivariateNormal(ember.tensor([1.0, -1.0]),
                                         ember.tensor([[2.0, 0.6], [0.6, 1.0]])),
}


@pytest.mark.parametrize("sid", list(STAT_CASES))
def test_dist_sample_moments(sid):
    ember.manual_seed(0)
    d = STAT_CASES[sid]()
    x = np.asarray(d.sample((N_STAT,)).tolist(), dtype=np.float64)
    mean, var = to_np(d.mean), to_np(d.variance)
    # 6 standard errors for the mean; variance within 15%
    np.testing.assert_array_less(np.abs(x.mean(0) - mean), 6 * np.sqrt(var / N_STAT) + 1e-6)
    np.testing.assert_allclose(x.var(0), var, rtol=0.15, atol=1e-6)


def test_dist_mvn_sample_covariance():
    ember.manual_seed(1)
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, -0.3], [0.0, -0.3, 0.5]])
    d = ED.MultivariateNormal(ember.zeros(3, dtype=ember.float64),
                              precision_matrix=pair(np.linalg.inv(cov), False)[0])
    x = np.asarray(d.sample((N_STAT,)).tolist())
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.08)


def test_dist_categorical_frequencies():
    ember.manual_seed(2)
    p = np.array([[0.1, 0.0, 0.6, 0.3], [0.25, 0.25, 0.25, 0.25]])
    x = np.asarray(ED.Categorical(ember.tensor(p.tolist())).sample((N_STAT,)).tolist())
    for row in range(2):
        freq = np.bincount(x[:, row], minlength=4) / N_STAT
        np.testing.assert_allclose(freq, p[row], atol=0.02)
    assert (x[:, 0] != 1).all()


# ----------------------------------------------------------------------------- rsample grads


def _grads(out, leaves):
    return [np.asarray(g.tolist()) for g in ember.autograd.grad(out.sum(), leaves)]


def test_dist_rsample_grad_normal_laplace_cauchy():
    for cls in (ED.Normal, ED.Laplace, ED.Cauchy):
        loc, scale = pair([0.3, -1.0], True)[0], pair([0.5, 2.0], True)[0]
        x = cls(loc, scale).rsample((50,))
        gl, gs = _grads(x, [loc, scale])
        xs = np.asarray(x.tolist())
        np.testing.assert_allclose(gl, [50.0, 50.0])
        # x = loc + scale * eps  =>  dx/dscale = (x - loc) / scale
        np.testing.assert_allclose(gs, ((xs - [0.3, -1.0]) / [0.5, 2.0]).sum(0), rtol=1e-10)


def test_dist_rsample_grad_uniform_exponential_lognormal():
    low, high = pair([0.0, -2.0])[0], pair([1.0, 3.0])[0]
    x = ED.Uniform(low, high).rsample((40,))
    gl, gh = _grads(x, [low, high])
    np.testing.assert_allclose(gl + gh, [40.0, 40.0])
    assert (gl > 0).all() and (gh > 0).all()

    rate = pair([0.5, 3.0])[0]
    x = ED.Exponential(rate).rsample((40,))
    (gr,) = _grads(x, [rate])
    np.testing.assert_allclose(gr, (-np.asarray(x.tolist()) / [0.5, 3.0]).sum(0), rtol=1e-10)

    loc, scale = pair([0.1])[0], pair([0.4])[0]
    x = ED.LogNormal(loc, scale).rsample((30,))
    (gl,) = _grads(x, [loc])
    np.testing.assert_allclose(gl, np.asarray(x.tolist()).sum(0), rtol=1e-10)


def test_dist_rsample_grad_mvn():
    loc = pair([1.0, -1.0, 0.5])[0]
    L = pair([[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]])[0]
    x = ED.MultivariateNormal(loc, scale_tril=L).rsample((25,))
    gloc, gL = _grads(x, [loc, L])
    np.testing.assert_allclose(gloc, [25.0, 25.0, 25.0])
    Ln = np.asarray(L.tolist())
    eps = np.linalg.solve(Ln, (np.asarray(x.tolist()) - [1.0, -1.0, 0.5]).T).T
    # d sum(x) / dL[i, j] = sum_samples eps_j (a plain matmul, as torch: upper entries too)
    np.testing.assert_allclose(gL, np.ones((3, 1)) * eps.sum(0), rtol=1e-8, atol=1e-10)


def test_dist_gamma_implicit_gradient_matches_cdf_derivative():
    alpha = pair([0.2, 1.0, 4.5, 30.0])[0]
    ember.manual_seed(3)
    x = ED.Gamma(alpha, 1.0).rsample((50,))
    (g_sum,) = _grads(x, [alpha])
    xs = torch.tensor(x.tolist(), dtype=torch.float64)
    a = torch.tensor([0.2, 1.0, 4.5, 30.0], dtype=torch.float64)
    h = 1e-6 * a
    dF = (torch.special.gammainc(a + h, xs) - torch.special.gammainc(a - h, xs)) / (2 * h)
    pdf = TD.Gamma(a, 1.0).log_prob(xs).exp()
    expected = (-dF / pdf).sum(0).numpy()
    np.testing.assert_allclose(g_sum, expected, rtol=1e-5)


def test_dist_gamma_beta_dirichlet_expected_gradients():
    # d/dparam E[x] estimated from rsample gradients matches the analytic derivative
    ember.manual_seed(4)
    n = 4000
    conc, rate = pair([0.7, 3.0])[0], pair([2.0, 0.5])[0]
    gc, gr = _grads(ED.Gamma(conc, rate).rsample((n,)), [conc, rate])
    np.testing.assert_allclose(gc / n, 1 / np.array([2.0, 0.5]), rtol=0.05)
    np.testing.assert_allclose(gr / n, -np.array([0.7, 3.0]) / np.array([2.0, 0.5]) ** 2,
                               rtol=0.05)

    a, b = pair([1.5])[0], pair([2.5])[0]
    ga, gb = _grads(ED.Beta(a, b).rsample((n,)), [a, b])
    np.testing.assert_allclose(ga / n, 2.5 / 16, rtol=0.1)
    np.testing.assert_allclose(gb / n, -1.5 / 16, rtol=0.1)

    c = pair([1.0, 2.0, 3.0])[0]
    x = ED.Dirichlet(c).rsample((n,))
    (gc0,) = [np.asarray(g.tolist()) for g in ember.autograd.grad(x[:, 0].sum(), [c])]
    # E[x_0] = c_0 / sum(c)
    np.testing.assert_allclose(gc0 / n, [5 / 36, -1 / 36, -1 / 36], atol=0.01)


def test_dist_student_t_and_chi2_rsample_grad():
    ember.manual_seed(5)
    df = pair([4.0])[0]
    (g,) = _grads(ED.Chi2(df).rsample((3000,)), [df])
    np.testing.assert_allclose(g / 3000, [1.0], rtol=0.1)   # E[x] = df
    df, loc, scale = pair([3.0])[0], pair([0.5])[0], pair([2.0])[0]
    x = ED.StudentT(df, loc, scale).rsample((20,))
    gd, gl, gs = _grads(x, [df, loc, scale])
    np.testing.assert_allclose(gl, [20.0])
    np.testing.assert_allclose(gs, ((np.asarray(x.tolist()) - 0.5) / 2.0).sum(0), rtol=1e-10)
    assert np.isfinite(gd).all()


def test_dist_relaxed_rsample_grad():
    logits = pair([[0.1, -0.4, 1.0]])[0]
    x = ED.RelaxedOneHotCategorical(ember.tensor(0.5, dtype=ember.float64),
                                    logits=logits).rsample((4,))
    assert tuple(x.shape) == (4, 1, 3)
    np.testing.assert_allclose(np.asarray(x.sum(-1).tolist()), 1.0, rtol=1e-12)
    (g,) = ember.autograd.grad((x[..., 0]).sum(), [logits])
    assert np.abs(np.asarray(g.tolist())).sum() > 0
    p = pair([0.3, 0.6])[0]
    x = ED.RelaxedBernoulli(0.4, probs=p).rsample((5,))
    (g,) = _grads(x, [p])
    assert (g > 0).all()   # raising p raises every relaxed sample


def test_dist_straight_through_gradient():
    probs = pair([0.2, 0.3, 0.5])[0]
    d = ED.OneHotCategoricalStraightThrough(probs)
    x = d.rsample((3,))
    assert set(np.asarray(x.tolist()).ravel()) <= {0.0, 1.0}
    w = ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)
    (g,) = ember.autograd.grad((x * w).sum(), [probs])
    assert np.abs(np.asarray(g.tolist())).sum() > 0


def test_dist_expand():
    for make in (lambda D, T: D.Normal(T([0.0]), T([1.0])),
                 lambda D, T: D.Categorical(logits=T([0.1, 0.2, 0.7])),
                 lambda D, T: D.Dirichlet(T([1.0, 2.0])),
                 lambda D, T: D.MultivariateNormal(T([0.0, 1.0]), T([[1.0, 0.0], [0.0, 2.0]])),
                 lambda D, T: D.Beta(T([1.0]), T([2.0])),
                 lambda D, T: D.LogNormal(T([0.0]), T([1.0])),
                 lambda D, T: D.Independent(D.Normal(T([[0.0, 1.0]]), T([1.0, 1.0])), 1),
                 lambda D, T: D.StudentT(T([3.0])),
                 lambda D, T: D.Binomial(4, T([0.5])),
                 lambda D, T: D.Chi2(T([2.0]))):
        ed = make(ED, lambda v: ember.tensor(v, dtype=ember.float64)).expand((4, 3))
        td = make(TD, lambda v: torch.tensor(v, dtype=torch.float64)).expand((4, 3))
        assert type(ed).__name__ == type(td).__name__
        assert tuple(ed.batch_shape) == tuple(td.batch_shape)
        assert tuple(ed.event_shape) == tuple(td.event_shape)
        assert tuple(ed.sample().shape) == tuple(td.sample().shape)
        v = td.sample((2,))
        np.testing.assert_allclose(np.asarray(ed.log_prob(ember.tensor(v.tolist(),
                                                                       dtype=v.dtype == torch.int64 and ember.int64 or ember.float64)).tolist()),
                                   td.log_prob(v).numpy(), rtol=1e-10)
