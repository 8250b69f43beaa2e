"""kl_divergence against torch (values and gradients), register_kl dispatch, errors."""

import numpy as np
import pytest
import torch
import torch.distributions as TD

import ember
import ember.distributions as ED
from distributions_helpers import pair, compare_with_grads, assert_close
from test_dist_values import N, U, spd, tril

KL_SPECS = {
    "normal": (lambda D, p: (D.Normal(p["a"], p["b"]), D.Normal(p["c"], p["d"])),
               {"a": N(3, 1), "b": U(0.5, 2, 4), "c": N(4), "d": U(0.5, 2, 3, 1)}),
    "bernoulli": (lambda D, p: (D.Bernoulli(p["a"]), D.Bernoulli(logits=p["b"])),
                  {"a": U(0.1, 0.9, 2, 3), "b": N(2, 3)}),  # torch cannot broadcast here
    "categorical": (lambda D, p: (D.Categorical(p["a"]), D.Categorical(logits=p["b"])),
                    {"a": U(0.1, 1, 2, 4), "b": N(4)}),
    "one_hot": (lambda D, p: (D.OneHotCategorical(p["a"]), D.OneHotCategorical(p["b"])),
                {"a": U(0.1, 1, 2, 4), "b": U(0.1, 1, 2, 4)}),
    "mvn": (lambda D, p: (D.MultivariateNormal(p["a"], covariance_matrix=p["b"]),
                          D.MultivariateNormal(p["c"], scale_tril=p["d"])),
            {"a": N(2, 3), "b": spd(), "c": N(3), "d": tril(2)}),
    "uniform": (lambda D, p: (D.Uniform(p["a"], p["b"]), D.Uniform(p["c"], p["d"])),
                {"a": U(-1, 0, 3), "b": U(1, 2, 3), "c": np.array([-3.0, -3.0, -0.5]),
                 "d": np.array([5.0, 5.0, 5.0])}),
    "beta": (lambda D, p: (D.Beta(p["a"], p["b"]), D.Beta(p["c"], p["d"])),
             {"a": U(0.5, 3, 3), "b": U(0.5, 3, 3), "c": U(0.5, 3, 2, 1), "d": U(0.5, 3, 3)}),
    "gamma": (lambda D, p: (D.Gamma(p["a"], p["b"]), D.Gamma(p["c"], p["d"])),
              {"a": U(0.5, 3, 3), "b": U(0.5, 3, 3), "c": U(0.5, 3, 2, 1), "d": U(0.5, 3, 3)}),
    "chi2_gamma": (lambda D, p: (D.Chi2(p["a"]), D.Gamma(p["c"], p["d"])),
                   {"a": U(0.5, 3, 3), "c": U(0.5, 3, 3), "d": U(0.5, 3, 3)}),
    "dirichlet": (lambda D, p: (D.Dirichlet(p["a"]), D.Dirichlet(p["b"])),
                  {"a": U(0.5, 3, 2, 4), "b": U(0.5, 3, 4)}),
    "exponential": (lambda D, p: (D.Exponential(p["a"]), D.Exponential(p["b"])),
                    {"a": U(0.5, 3, 2, 3), "b": U(0.5, 3, 3)}),
    "laplace": (lambda D, p: (D.Laplace(p["a"], p["b"]), D.Laplace(p["c"], p["d"])),
                {"a": N(3), "b": U(0.5, 2, 3), "c": N(2, 3), "d": U(0.5, 2, 3)}),
    "poisson": (lambda D, p: (D.Poisson(p["a"]), D.Poisson(p["b"])),
                {"a": U(0.5, 5, 3), "b": U(0.5, 5, 2, 3)}),
    "geometric": (lambda D, p: (D.Geometric(p["a"]), D.Geometric(p["b"])),
                  {"a": U(0.1, 0.9, 3), "b": U(0.1, 0.9, 3)}),
    "independent": (lambda D, p: (D.Independent(D.Normal(p["a"], p["b"]), 1),
                                  D.Independent(D.Normal(p["c"], p["d"]), 1)),
                    {"a": N(2, 3), "b": U(0.5, 2, 3), "c": N(3), "d": U(0.5, 2, 3)}),
    "log_normal": (lambda D, p: (D.LogNormal(p["a"], p["b"]), D.LogNormal(p["c"], p["d"])),
                   {"a": N(3), "b": U(0.5, 2, 3), "c": N(3), "d": U(0.5, 2, 3)}),
}


@pytest.mark.parametrize("sid", list(KL_SPECS))
def test_dist_kl_against_torch(sid):
    make, params = KL_SPECS[sid]
    e_p, t_p, el, tl = {}, {}, [], []
    for k, v in params.items():
        e_p[k], t_p[k] = pair(v)
        el.append(e_p[k])
        tl.append(t_p[k])
    ep, eq = make(ED, e_p)
    tp, tq = make(TD, t_p)
    tol = (1e-6, 1e-8) if sid in ("beta", "gamma", "chi2_gamma", "dirichlet") else (1e-7, 1e-9)
    compare_with_grads(ED.kl_divergence(ep, eq), TD.kl_divergence(tp, tq), el, tl, *tol,
                       what=f"kl {sid}")


def test_dist_kl_infinite_cases():
    # q's support does not cover p's / q has zero mass where p has some
    ep = ED.Uniform(ember.tensor([0.0, 0.0]), ember.tensor([1.0, 2.0]))
    eq = ED.Uniform(ember.tensor([0.0, 0.5]), ember.tensor([3.0, 3.0]))
    tp = TD.Uniform(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 2.0]))
    tq = TD.Uniform(torch.tensor([0.0, 0.5]), torch.tensor([3.0, 3.0]))
    assert_close(ED.kl_divergence(ep, eq), TD.kl_divergence(tp, tq), 1e-6, 1e-7)
    pc = [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]
    qc = [[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]]
    assert_close(ED.kl_divergence(ED.Categorical(ember.tensor(pc)), ED.Categorical(ember.tensor(qc))),
                 TD.kl_divergence(TD.Categorical(torch.tensor(pc)), TD.Categorical(torch.tensor(qc))),
                 1e-6, 1e-7)
    assert_close(ED.kl_divergence(ED.Bernoulli(ember.tensor([0.0, 1.0, 0.3])),
                                  ED.Bernoulli(ember.tensor([0.5, 0.0, 1.0]))),
                 TD.kl_divergence(TD.Bernoulli(torch.tensor([0.0, 1.0, 0.3])),
                                  TD.Bernoulli(torch.tensor([0.5, 0.0, 1.0]))), 1e-6, 1e-7)


def test_dist_kl_errors():
    with pytest.raises(NotImplementedError, match="No KL\\(p \\|\\| q\\) is implemented for p "
                                                  "type Normal and q type Bernoulli"):
        ED.kl_divergence(ED.Normal(0.0, 1.0), ED.Bernoulli(0.5))
    with pytest.raises(ValueError, match="different event shapes"):
        ED.kl_divergence(ED.MultivariateNormal(ember.zeros(2), ember.eye(2)),
                         ED.MultivariateNormal(ember.zeros(3), ember.eye(3)))
    with pytest.raises(NotImplementedError, match="reinterpreted_batch_ndims"):
        ED.kl_divergence(ED.Independent(ED.Normal(ember.zeros(2, 2), 1.0), 1),
                         ED.Independent(ED.Normal(ember.zeros(2, 2), 1.0), 2))
    with pytest.raises(TypeError, match="Distribution subclass"):
        ED.register_kl(int, ED.Normal)


def test_dist_register_kl_most_specific_wins():
    class MyNormal(ED.Normal):
        pass

    calls = []

    @ED.register_kl(MyNormal, ED.Normal)
    def _kl(p, q):
        calls.append("mine")
        return ember.zeros(())

    try:
        assert float(ED.kl_divergence(MyNormal(0.0, 1.0), ED.Normal(3.0, 1.0))) == 0.0
        assert calls == ["mine"]
        # the base pair is still used for plain Normals and for (Normal, MyNormal)
        assert float(ED.kl_divergence(ED.Normal(0.0, 1.0), MyNormal(1.0, 1.0))) == pytest.approx(0.5)
    finally:
        from ember.distributions import kl as kl_module
        del kl_module._KL_REGISTRY[MyNormal, ED.Normal]
        kl_module._KL_MEMOIZE.clear()
