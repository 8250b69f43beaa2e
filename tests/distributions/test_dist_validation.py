"""validate_args errors (torch's ValueError texts), constraints, transforms, docstrings."""
import doctest
import importlib
import inspect
import warnings

import numpy as np
import pytest
import torch
import torch.distributions as TD

import ember
import ember.distributions as ED
from distributions_helpers import pair, compare_with_grads


def _messages(fn):
    """The ValueError texts raised by ``fn(ED, ember.tensor)`` and ``fn(TD, torch.tensor)``."""
    out = []
    for D, T in ((ED, ember.tensor), (TD, torch.tensor)):
        with pytest.raises(ValueError) as exc:
            fn(D, T)
        out.append(str(exc.value))
    return out


@pytest.mark.parametrize("case", [
    lambda D, T: D.Normal(T([0.0]), T([-1.0])),
    lambda D, T: D.Normal(T([0.0, 1.0]), T([1.0, 0.0])),
    lambda D, T: D.Bernoulli(probs=T([1.5])),
    lambda D, T: D.Categorical(probs=T([-0.5, 1.5])),
    lambda D, T: D.Gamma(T([1.0]), T([-2.0])),
    lambda D, T: D.Dirichlet(T([1.0, -1.0])),
    lambda D, T: D.Uniform(T([1.0]), T([0.0])),
    lambda D, T: D.Poisson(T([-1.0])),
    lambda D, T: D.Binomial(T([2.5]), T([0.5])),
    lambda D, T: D.Geometric(T([0.0])),
    lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), T([[1.0, 2.0], [2.0, 1.0]])),
    lambda D, T: D.MultivariateNormal(T([0.0, 0.0]), scale_tril=T([[1.0, 0.0], [1.0, -1.0]])),
    lambda D, T: D.Bernoulli(T([0.3])).log_prob(T([2.0])),
    lambda D, T: D.Normal(T([0.0, 0.0]), T([1.0, 1.0])).log_prob(T([0.0, 0.0, 0.0])),
    lambda D, T: D.Dirichlet(T([1.0, 1.0])).log_prob(T([0.0, 0.0, 1.0])),
    lambda D, T: D.Categorical(T([0.5, 0.5])).log_prob(T(2)),
    lambda D, T: D.Exponential(T([1.0])).log_prob(T([-1.0])),
    lambda D, T: D.Normal(0.0, 1.0).log_prob([0.0]),
    lambda D, T: D.Normal(T([0.0]), T([1.0]), validate_args=True).cdf(T([float("nan")])),
], ids=lambda f: "")
def test_dist_validation_messages_match_torch(case):
    e_msg, t_msg = _messages(case)
    assert e_msg == t_msg


@pytest.mark.parametrize("case", [
    lambda D, T: D.Bernoulli(probs=T([0.5]), logits=T([0.0])),
    lambda D, T: D.Bernoulli(),
    lambda D, T: D.Categorical(T(0.5)),
    lambda D, T: D.Categorical(logits=T(0.5)),
    lambda D, T: D.Dirichlet(T(1.0)),
    lambda D, T: D.MultivariateNormal(T(0.0), T([[1.0]])),
    lambda D, T: D.MultivariateNormal(T([0.0]), T([[1.0]]), scale_tril=T([[1.0]])),
    lambda D, T: D.MultivariateNormal(T([0.0]), T([1.0])),
    lambda D, T: D.Independent(D.Normal(T([0.0]), T([1.0])), 2),
], ids=lambda f: "")
def test_dist_constructor_errors_match_torch(case):
    e_msg, t_msg = _messages(case)
    assert e_msg == t_msg


def test_dist_validate_args_off():
    d = ED.Normal(ember.tensor([0.0]), ember.tensor([-1.0]), validate_args=False)
    with np.errstate(invalid="ignore"):   # log of the negative scale: NaN, as in torch
        assert d.log_prob(ember.tensor([0.0])).shape == (1,)
    ED.Bernoulli(ember.tensor([0.3]), validate_args=False).log_prob(ember.tensor([2.0]))
    ED.Distribution.set_default_validate_args(False)
    try:
        ED.Gamma(ember.tensor([-1.0]), 1.0)
        assert ED.Normal(0.0, 1.0)._validate_args is False
    finally:
        ED.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ED.Gamma(ember.tensor([-1.0]), 1.0)
    with pytest.raises(ValueError):
        ED.Distribution.set_default_validate_args("yes")


def test_dist_support_and_arg_constraints_reprs():
    pairs = [(ED.Normal(0.0, 1.0), TD.Normal(0.0, 1.0)),
             (ED.Gamma(1.0, 1.0), TD.Gamma(1.0, 1.0)),
             (ED.Beta(1.0, 1.0), TD.Beta(1.0, 1.0)),
             (ED.Dirichlet(ember.ones(2)), TD.Dirichlet(torch.ones(2))),
             (ED.Categorical(ember.ones(3)), TD.Categorical(torch.ones(3))),
             (ED.Bernoulli(0.5), TD.Bernoulli(0.5)),
             (ED.Poisson(1.0), TD.Poisson(1.0)),
             (ED.Uniform(0.0, 2.0), TD.Uniform(0.0, 2.0)),
             (ED.MultivariateNormal(ember.zeros(2), ember.eye(2)),
              TD.MultivariateNormal(torch.zeros(2), torch.eye(2))),
             (ED.LogNormal(0.0, 1.0), TD.LogNormal(0.0, 1.0)),
             (ED.Independent(ED.Normal(ember.zeros(2), 1.0), 1),
              TD.Independent(TD.Normal(torch.zeros(2), 1.0), 1))]
    for e, t in pairs:
        assert repr(e.support) == repr(t.support)
        assert {k: repr(v) for k, v in e.arg_constraints.items()} == {
            k: repr(v) for k, v in t.arg_constraints.items()}
        assert e.support.event_dim == t.support.event_dim
        assert e.support.is_discrete == t.support.is_discrete


CONSTRAINT_CASES = [
    ("real", lambda C: C.real, [[0.0, float("nan"), float("inf")]]),
    ("positive", lambda C: C.positive, [[1.0, 0.0, -1.0]]),
    ("nonnegative", lambda C: C.nonnegative, [[1.0, 0.0, -1.0]]),
    ("unit_interval", lambda C: C.unit_interval, [[0.0, 1.0, 1.5, -0.1]]),
    ("greater_than", lambda C: C.greater_than(2.0), [[3.0, 2.0]]),
    ("greater_than_eq", lambda C: C.greater_than_eq(2.0), [[3.0, 2.0, 1.0]]),
    ("less_than", lambda C: C.less_than(2.0), [[3.0, 1.0]]),
    ("interval", lambda C: C.interval(-1.0, 1.0), [[-1.0, 1.0, 2.0]]),
    ("half_open_interval", lambda C: C.half_open_interval(-1.0, 1.0), [[-1.0, 1.0, 0.0]]),
    ("integer_interval", lambda C: C.integer_interval(0, 3), [[0.0, 3.0, 1.5, 4.0]]),
    ("nonnegative_integer", lambda C: C.nonnegative_integer, [[0.0, 2.0, 1.5, -1.0]]),
    ("positive_integer", lambda C: C.positive_integer, [[0.0, 2.0]]),
    ("boolean", lambda C: C.boolean, [[0.0, 1.0, 0.5]]),
    ("simplex", lambda C: C.simplex, [[0.2, 0.8], [0.5, 0.6], [-0.5, 1.5]]),
    ("one_hot", lambda C: C.one_hot, [[0.0, 1.0], [1.0, 1.0]]),
    ("real_vector", lambda C: C.real_vector, [[0.0, 1.0], [float("nan"), 0.0]]),
    ("independent", lambda C: C.independent(C.positive, 1), [[1.0, 2.0], [1.0, -2.0]]),
    ("multinomial", lambda C: C.multinomial(3), [[1.0, 2.0], [2.0, 2.0]]),
    ("lower_cholesky", lambda C: C.lower_cholesky, [[[1.0, 0.0], [2.0, 1.0]],
                                                    [[1.0, 1.0], [0.0, 1.0]],
                                                    [[-1.0, 0.0], [0.0, 1.0]]]),
    ("lower_triangular", lambda C: C.lower_triangular, [[[1.0, 0.0], [2.0, 1.0]],
                                                        [[1.0, 1.0], [0.0, 1.0]]]),
    ("positive_definite", lambda C: C.positive_definite, [[[2.0, 1.0], [1.0, 2.0]],
                                                          [[1.0, 2.0], [2.0, 1.0]]]),
    ("positive_semidefinite", lambda C: C.positive_semidefinite, [[[1.0, 1.0], [1.0, 1.0]],
                                                                  [[1.0, 2.0], [2.0, 1.0]]]),
    ("symmetric", lambda C: C.symmetric, [[[1.0, 2.0], [2.0, 1.0]], [[1.0, 2.0], [0.0, 1.0]]]),
    ("square", lambda C: C.square, [[[1.0, 2.0], [2.0, 1.0]]]),
]


@pytest.mark.parametrize("name,make,value", CONSTRAINT_CASES, ids=[c[0] for c in CONSTRAINT_CASES])
def test_dist_constraints_against_torch(name, make, value):
    ec, tc = make(ED.constraints), make(TD.constraints)
    ev, tv = ember.tensor(value), torch.tensor(value)
    er, tr = ec.check(ev), tc.check(tv)
    assert er.dtype is ember.bool
    assert er.tolist() == tr.tolist()
    assert repr(ec) == repr(tc)
    assert ec.event_dim == tc.event_dim
    assert ec.is_discrete == tc.is_discrete


def test_dist_dependent_constraint():
    C = ED.constraints
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert C.is_dependent(ED.Uniform.support) and C.is_dependent(ED.Binomial.support)
    with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
        C.dependent.check(ember.zeros(1))
    assert C.dependent(is_discrete=True, event_dim=1).event_dim == 1


# ----------------------------------------------------------------------------- transforms

TRANSFORMS = [
    ("exp", lambda D, p: D.ExpTransform(), {}),
    ("sigmoid", lambda D, p: D.SigmoidTransform(), {}),
    ("tanh", lambda D, p: D.TanhTransform(), {}),
    ("affine", lambda D, p: D.AffineTransform(p["loc"], p["scale"]),
     {"loc": np.array([0.5, -1.0, 2.0]), "scale": np.array([2.0, -0.5, 1.5])}),
    ("affine_number", lambda D, p: D.AffineTransform(1.0, -3.0), {}),
    ("affine_event", lambda D, p: D.AffineTransform(p["loc"], p["scale"], event_dim=1),
     {"loc": np.array([0.5, -1.0, 2.0]), "scale": np.array([2.0, -0.5, 1.5])}),
    ("power", lambda D, p: D.PowerTransform(p["e"]), {"e": np.array(1.7)}),
    ("compose", lambda D, p: D.ComposeTransform(
        [D.AffineTransform(p["loc"], p["scale"]), D.TanhTransform(),
         D.AffineTransform(1.0, 2.0)]),
     {"loc": np.array([0.1, 0.2, -0.3]), "scale": np.array([0.5, 0.7, 0.3])}),
]


@pytest.mark.parametrize("tid,make,params", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_dist_transforms_against_torch(tid, make, params):
    e_p, t_p, el, tl = {}, {}, [], []
    for k, v in params.items():
        e_p[k], t_p[k] = pair(v)
        el.append(e_p[k])
        tl.append(t_p[k])
    et, tt = make(ED, e_p), make(TD, t_p)
    x = np.random.default_rng(0).uniform(0.1, 0.9, size=(2, 3))
    ex, tx = pair(x)
    ey, ty = et(ex), tt(tx)
    compare_with_grads(ey, ty, el + [ex], tl + [tx], what=f"{tid} forward")
    compare_with_grads(et.inv(ey.detach()), tt.inv(ty.detach()), el, tl, 1e-7, 1e-9,
                       f"{tid} inverse")
    compare_with_grads(et.log_abs_det_jacobian(ex, et(ex)), tt.log_abs_det_jacobian(tx, tt(tx)),
                       el + [ex], tl + [tx], 1e-7, 1e-9, f"{tid} log_abs_det_jacobian")
    assert et.bijective == tt.bijective
    assert repr(et.domain) == repr(tt.domain) and repr(et.codomain) == repr(tt.codomain)
    assert tuple(et.forward_shape((4, 2, 3))) == tuple(tt.forward_shape((4, 2, 3)))


def test_dist_transform_cache_and_inverse():
    t = ED.TanhTransform(cache_size=1)
    x = ember.tensor([25.0], dtype=ember.float64)   # tanh(x) rounds to 1.0
    y = t(x)
    assert t.inv(y) is x                              # cached pre-image, not atanh(1) = inf
    assert t.inv.inv is t
    assert ED.ExpTransform() == ED.ExpTransform() and ED.ExpTransform() != ED.TanhTransform()
    assert ED.AffineTransform(1.0, 2.0) == ED.AffineTransform(1.0, 2.0)
    assert ED.ExpTransform().inv == ED.ExpTransform().inv
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        ED.ExpTransform(cache_size=2)
    assert ED.AffineTransform(0.0, -2.0).sign == -1
    tanh_normal = ED.TransformedDistribution(ED.Normal(0.0, 1.0), ED.TanhTransform(cache_size=1))
    s = tanh_normal.rsample((3,))
    assert tuple(tanh_normal.log_prob(s).shape) == (3,)
    with pytest.raises(ValueError, match="transforms must be a Transform or"):
        ED.TransformedDistribution(ED.Normal(0.0, 1.0), "exp")


# ----------------------------------------------------------------------------- documentation


def _public_objects():
    for name in ED.__all__:
        obj = getattr(ED, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            yield name, obj


@pytest.mark.parametrize("name,obj", list(_public_objects()), ids=[n for n, _ in _public_objects()])
def test_dist_public_docstrings(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert "Args:" in doc, f"{name} docstring lacks Args"
    assert "Example" in doc, f"{name} docstring lacks an Example"


DOC_MODULES = ["ember.distributions"] + [f"ember.distributions.{m}" for m in (
    "utils", "constraints", "distribution", "normal", "uniform", "laplace", "cauchy",
    "exponential", "gamma", "chi2", "dirichlet", "beta", "studentT", "bernoulli", "categorical",
    "one_hot_categorical", "poisson", "binomial", "multinomial", "geometric",
    "multivariate_normal", "independent", "transforms", "transformed_distribution",
    "log_normal", "relaxed_bernoulli", "relaxed_categorical", "kl")]


@pytest.mark.parametrize("name", DOC_MODULES)
def test_dist_docstring_examples(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np)
    tests = [t for t in finder.find(mod, name, globs=globs) if t.examples]
    assert tests, f"{name} has no examples"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            ember.manual_seed(0)
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_dist_lazy_attribute_access():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", "import ember; print(ember.distributions.Normal"
                          "(0.0, 1.0).batch_shape)"], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "torch.Size([])", out.stderr
