"""log_prob / entropy / moments / cdf / icdf and their parameter gradients against torch."""

import numpy as np
import pytest
import torch
import torch.distributions as TD

import ember
import ember.distributions as ED
from distributions_helpers import pair, e_from_t, compare_with_grads, assert_close

R = np.random.default_rng(0)


def U(lo, hi, *shape):
    return R.uniform(lo, hi, size=shape)


def N(*shape):
    return R.standard_normal(shape)


def spd(*batch, n=3):
    a = R.standard_normal(batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def tril(*batch, n=3):
    L = np.tril(R.standard_normal(batch + (n, n)))
    idx = np.arange(n)
    L[..., idx, idx] = np.abs(L[..., idx, idx]) + 0.5
    return L


ALL = ("log_prob", "entropy", "mean", "variance", "stddev", "mode")

# id: (constructor(lib, params), params, no-grad params, methods)
SPECS = {
    "normal": (lambda D, p: D.Normal(p["loc"], p["scale"]),
               {"loc": N(3, 1), "scale": U(0.5, 2, 4)}, (), ALL + ("cdf", "icdf")),
    "normal_0d": (lambda D, p: D.Normal(p["loc"], p["scale"]),
                  {"loc": np.array(0.3), "scale": np.array(1.7)}, (), ALL + ("cdf", "icdf")),
    "uniform": (lambda D, p: D.Uniform(p["low"], p["high"]),
                {"low": N(3, 1) - 3, "high": U(0, 1, 4)}, (), ALL + ("cdf", "icdf")),
    "laplace": (lambda D, p: D.Laplace(p["loc"], p["scale"]),
                {"loc": N(2, 3), "scale": U(0.5, 2, 3)}, (), ALL + ("cdf", "icdf")),
    "cauchy": (lambda D, p: D.Cauchy(p["loc"], p["scale"]),
               {"loc": N(2, 3), "scale": U(0.5, 2, 3)}, (), ALL + ("cdf", "icdf")),
    "exponential": (lambda D, p: D.Exponential(p["rate"]),
                    {"rate": U(0.5, 3, 2, 3)}, (), ALL + ("cdf", "icdf")),
    "gamma": (lambda D, p: D.Gamma(p["concentration"], p["rate"]),
              {"concentration": U(0.5, 3, 2, 1), "rate": U(0.5, 2, 3)}, (), ALL),
    "chi2": (lambda D, p: D.Chi2(p["df"]), {"df": U(0.5, 6, 2, 3)}, (), ALL),
    "beta": (lambda D, p: D.Beta(p["c1"], p["c0"]),
             {"c1": U(0.5, 3, 2, 1), "c0": U(0.5, 3, 3)}, (), ALL),
    "beta_numbers": (lambda D, p: D.Beta(2.0, 3.0), {}, (), ALL),
    "dirichlet": (lambda D, p: D.Dirichlet(p["conc"]), {"conc": U(0.5, 3, 2, 4)}, (), ALL),
    "student_t": (lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"]),
                  {"df": np.array([[0.7, 1.5, 2.5], [3.0, 5.0, 9.0]]), "loc": N(3),
                   "scale": U(0.5, 2, 3)}, (), ALL),
    "log_normal": (lambda D, p: D.LogNormal(p["loc"], p["scale"]),
                   {"loc": N(2, 3) * 0.5, "scale": U(0.3, 1, 3)}, (), ALL + ("cdf", "icdf")),
    "bernoulli_probs": (lambda D, p: D.Bernoulli(probs=p["probs"]),
                        {"probs": np.array([[0.1, 0.5, 0.9], [0.3, 0.6, 0.75]])}, (), ALL),
    "bernoulli_logits": (lambda D, p: D.Bernoulli(logits=p["logits"]),
                         {"logits": N(2, 3)}, (), ALL),
    "geometric_probs": (lambda D, p: D.Geometric(probs=p["probs"]),
                        {"probs": U(0.1, 0.9, 2, 3)}, (), ALL),
    "geometric_logits": (lambda D, p: D.Geometric(logits=p["logits"]),
                         {"logits": N(2, 3)}, (), ALL),
    "poisson": (lambda D, p: D.Poisson(p["rate"]), {"rate": U(0.5, 6, 2, 3)}, (),
                ("log_prob", "mean", "variance", "stddev", "mode")),
    "binomial_probs": (lambda D, p: D.Binomial(p["n"], probs=p["probs"]),
                       {"n": np.array([[3.0], [10.0]]), "probs": U(0.1, 0.9, 3)}, ("n",),
                       ("log_prob", "mean", "variance", "stddev", "mode")),
    "binomial_logits_entropy": (lambda D, p: D.Binomial(6, logits=p["logits"]),
                                {"logits": N(2, 3)}, (), ALL),
    "categorical_probs": (lambda D, p: D.Categorical(probs=p["probs"]),
                          {"probs": U(0.1, 1, 2, 4)}, (), ALL),
    "categorical_logits": (lambda D, p: D.Categorical(logits=p["logits"]),
                           {"logits": N(3, 5)}, (), ALL),
    "one_hot_categorical": (lambda D, p: D.OneHotCategorical(probs=p["probs"]),
                            {"probs": U(0.1, 1, 2, 4)}, (), ALL),
    "multinomial": (lambda D, p: D.Multinomial(5, probs=p["probs"]),
                    {"probs": U(0.1, 1, 2, 3)}, (),
                    ("log_prob", "entropy", "mean", "variance", "stddev")),
    "mvn_cov": (lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["cov"]),
                {"loc": N(3), "cov": spd(2)}, (), ALL),
    "mvn_tril": (lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["L"]),
                 {"loc": N(2, 3), "L": tril()}, (), ALL),
    "mvn_precision": (lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["P"]),
                      {"loc": N(2, 1, 3), "P": spd(4)}, (), ALL),
    "independent": (lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1),
                    {"loc": N(2, 3), "scale": U(0.5, 2, 3)}, (), ALL),
    "relaxed_bernoulli": (lambda D, p: D.RelaxedBernoulli(p["temp"], probs=p["probs"]),
                          {"temp": np.array(0.7), "probs": U(0.1, 0.9, 2, 3)}, (),
                          ("log_prob",)),
    "relaxed_one_hot": (lambda D, p: D.RelaxedOneHotCategorical(p["temp"], logits=p["logits"]),
                        {"temp": np.array(1.3), "logits": N(2, 4)}, (), ("log_prob",)),
    "tanh_affine": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]),
        [D.AffineTransform(p["shift"], p["mult"]), D.TanhTransform()]),
        {"loc": N(2, 3), "scale": U(0.5, 1, 3), "shift": N(3) * 0.1, "mult": U(0.3, 0.8, 3)},
        (), ("log_prob", "cdf", "icdf")),
    "sigmoid_transform": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]), D.SigmoidTransform()),
        {"loc": N(4), "scale": U(0.5, 1.5, 4)}, (), ("log_prob", "cdf", "icdf")),
    "negative_affine_exp": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]),
        D.ComposeTransform([D.ExpTransform(), D.AffineTransform(1.0, -2.0)])),
        {"loc": N(4) * 0.3, "scale": U(0.5, 1.0, 4)}, (), ("log_prob", "cdf", "icdf")),
    "affine_event_dim": (lambda D, p: D.TransformedDistribution(
        D.Normal(p["loc"], p["scale"]), D.AffineTransform(p["shift"], p["mult"], event_dim=1)),
        {"loc": N(2, 3), "scale": U(0.5, 1.5, 3), "shift": N(3), "mult": U(0.5, 2, 3)}, (),
        ("log_prob",)),
}

CASES = [(sid, m) for sid, spec in SPECS.items() for m in spec[3]]


def _build(sid):
    make, params, nograd, _ = SPECS[sid]
    e_p, t_p, e_leaves, t_leaves = {}, {}, [], []
    for k, v in params.items():
        e, t = pair(v, requires_grad=k not in nograd)
        e_p[k], t_p[k] = e, t
        if k not in nograd:
            e_leaves.append(e)
            t_leaves.append(t)
    return make(ED, e_p), make(TD, t_p), e_leaves, t_leaves


def _tol(sid):
    # torch's own trigamma (digamma's derivative) is accurate to ~1e-10 only
    if sid == "beta_numbers":  # float32 parameters
        return 1e-5, 1e-6
    if sid in ("gamma", "chi2", "beta", "dirichlet", "student_t",
               "binomial_logits_entropy"):
        return 1e-6, 1e-8
    return 1e-7, 1e-9


@pytest.mark.parametrize("sid,method", CASES, ids=[f"{s}-{m}" for s, m in CASES])
def test_dist_against_torch(sid, method):
    ed, td, e_leaves, t_leaves = _build(sid)
    assert tuple(ed.batch_shape) == tuple(td.batch_shape)
    assert tuple(ed.event_shape) == tuple(td.event_shape)
    rtol, atol = _tol(sid)
    if method in ("log_prob", "cdf"):
        torch.manual_seed(0)
        with torch.no_grad():
            value = td.sample((2,))
        if method == "cdf" and sid == "uniform":
            value = value + 0.0
        e_out = getattr(ed, method)(e_from_t(value))
        t_out = getattr(td, method)(value)
    elif method == "icdf":
        q = torch.rand((2,) + tuple(td.batch_shape), dtype=torch.float64,
                       generator=torch.Generator().manual_seed(0)) * 0.98 + 0.01
        e_out = ed.icdf(e_from_t(q))
        t_out = td.icdf(q)
    elif method == "entropy":
        e_out, t_out = ed.entropy(), td.entropy()
    else:
        e_out, t_out = getattr(ed, method), getattr(td, method)
    if e_out.dtype is ember.int64:
        assert_close(e_out, t_out, what=f"{sid}.{method}")
        return
    compare_with_grads(e_out, t_out, e_leaves, t_leaves, rtol, atol, f"{sid}.{method}")


@pytest.mark.parametrize("name", ["covariance_matrix", "precision_matrix", "scale_tril"])
@pytest.mark.parametrize("sid", ["mvn_cov", "mvn_tril", "mvn_precision"])
def test_dist_mvn_derived_matrices(sid, name):
    ed, td, e_leaves, t_leaves = _build(sid)
    compare_with_grads(getattr(ed, name), getattr(td, name), e_leaves, t_leaves,
                       1e-7, 1e-9, f"{sid}.{name}")


def test_dist_gamma_cdf():
    conc, rate = U(0.3, 5, 2, 1), U(0.5, 2, 3)
    x = U(0.01, 6, 4, 2, 3)
    ec, tc = pair(conc)
    er, tr = pair(rate)
    ex, tx = pair(x, requires_grad=False)
    e_out = ED.Gamma(ec, er).cdf(ex)
    # torch has no gradient of gammainc in its first argument: compare the rate gradient
    t_out = TD.Gamma(tc.detach(), tr).cdf(tx)
    compare_with_grads(e_out, t_out, [er], [tr], 1e-9, 1e-11, "gamma.cdf")
    # and the concentration gradient against a central finite difference of torch's gammainc
    g_e, = ember.autograd.grad(ED.Gamma(ec, er).cdf(ex).sum(), [ec])
    h = 1e-6
    up = TD.Gamma(torch.tensor(conc + h), torch.tensor(rate)).cdf(tx).sum((0, 2))
    dn = TD.Gamma(torch.tensor(conc - h), torch.tensor(rate)).cdf(tx).sum((0, 2))
    fd = ((up - dn) / (2 * h)).numpy().reshape(conc.shape)
    np.testing.assert_allclose(np.asarray(g_e.tolist()), fd, rtol=1e-5, atol=1e-8)


def test_dist_log_prob_broadcasts_value():
    loc, scale = N(3), U(0.5, 2, 3)
    el, tl = pair(loc, requires_grad=False)
    es, ts = pair(scale, requires_grad=False)
    v = N(4, 1)
    ev, tv = pair(v, requires_grad=False)
    assert_close(ED.Normal(el, es).log_prob(ev), TD.Normal(tl, ts).log_prob(tv))
    assert_close(ED.Normal(el, es).log_prob(ember.tensor(0.5, dtype=ember.float64)),
                 TD.Normal(tl, ts).log_prob(torch.tensor(0.5, dtype=torch.float64)))


def test_dist_value_gradient_of_log_prob():
    ed = ED.Normal(ember.tensor([0.5, -1.0], dtype=ember.float64), 2.0)
    td = TD.Normal(torch.tensor([0.5, -1.0], dtype=torch.float64), 2.0)
    ev, tv = pair(N(3, 2))
    compare_with_grads(ed.log_prob(ev), td.log_prob(tv), [ev], [tv])


def test_dist_float32_parameters_keep_dtype():
    d = ED.Normal(ember.zeros(2), ember.ones(2))
    assert d.sample().dtype is ember.float32
    assert d.log_prob(ember.zeros(2)).dtype is ember.float32
    assert ED.Normal(0.0, 1.0).loc.dtype is ember.float32
    assert ED.Categorical(logits=ember.zeros(3)).sample().dtype is ember.int64


def test_dist_enumerate_support():
    for name, make in [("Bernoulli", lambda D, T: D.Bernoulli(T([0.2, 0.7]))),
                       ("Categorical", lambda D, T: D.Categorical(T([[0.2, 0.8], [0.5, 0.5]]))),
                       ("OneHot", lambda D, T: D.OneHotCategorical(T([[0.2, 0.8, 0.0]]))),
                       ("Binomial", lambda D, T: D.Binomial(3, T([0.2, 0.7])))]:
        ed = make(ED, lambda v: ember.tensor(v))
        td = make(TD, lambda v: torch.tensor(v))
        for expand in (True, False):
            es, ts = ed.enumerate_support(expand), td.enumerate_support(expand)
            assert tuple(es.shape) == tuple(ts.shape), name
            assert es.tolist() == ts.tolist(), name
        assert ed.has_enumerate_support
    with pytest.raises(NotImplementedError, match="cartesian product"):
        ED.Independent(ED.Bernoulli(ember.tensor([0.2, 0.7])), 1).enumerate_support()


def test_dist_perplexity_and_repr():
    ed = ED.Categorical(probs=ember.tensor([0.2, 0.3, 0.5], dtype=ember.float64))
    td = TD.Categorical(probs=torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64))
    assert_close(ed.perplexity(), td.perplexity())
    assert repr(ED.Normal(ember.tensor(0.0), ember.tensor(1.0))) == repr(
        TD.Normal(torch.tensor(0.0), torch.tensor(1.0)))
    assert repr(ED.Normal(ember.zeros(2), ember.ones(2))) == repr(
        TD.Normal(torch.zeros(2), torch.ones(2)))
    assert repr(ED.Independent(ED.Normal(ember.zeros(2), ember.ones(2)), 1)) == repr(
        TD.Independent(TD.Normal(torch.zeros(2), torch.ones(2)), 1))
