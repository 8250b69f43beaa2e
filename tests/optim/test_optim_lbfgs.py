"""LBFGS against torch on the Rosenbrock function (fixed step and strong Wolfe)."""
import numpy as np
import pytest

import ember
from optim_testutils import to_np

torch = pytest.importorskip("torch")


def rosenbrock(x):
    """A sum of 2-D Rosenbrock functions over consecutive pairs of ``x``."""
    a, b = x[0::2], x[1::2]
    return ((1 - a) ** 2 + 100 * (b - a * a) ** 2).sum()


X0 = np.array([-1.5, 2.0, 0.5, -0.5, 1.2, 1.0], dtype=np.float64)


def run(lib, dtype, steps, **kwargs):
    x = lib.from_numpy(X0.astype(dtype)).requires_grad_()
    opt = lib.optim.LBFGS([x], **kwargs)
    losses, history = [], []

    def closure():
        opt.zero_grad()
        loss = rosenbrock(x)
        loss.backward()
        return loss

    for _ in range(steps):
        losses.append(opt.step(closure).item())
        history.append(to_np(x))
    return history, losses, opt


CASES = [dict(), dict(line_search_fn="strong_wolfe"),
         dict(line_search_fn="strong_wolfe", history_size=3, max_iter=10),
         dict(lr=0.1, history_size=5), dict(lr=0.5, max_iter=5, tolerance_change=1e-12)]


@pytest.mark.parametrize("kwargs", CASES, ids=[str(c) for c in CASES])
def test_lbfgs_rosenbrock_float64_matches_torch(kwargs):
    # Rosenbrock is ill-conditioned: rounding differences (1e-16) grow over the ~60 L-BFGS
    # iterations of these 3 steps, to ~1e-7 at worst
    ours, our_losses, opt = run(ember, np.float64, 3, **kwargs)
    theirs, their_losses, topt = run(torch, np.float64, 3, **kwargs)
    assert np.abs(ours[-1] - X0).max() > 0.1  # it moved
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-6, atol=1e-9)
    s_ours = opt.state[opt.param_groups[0]["params"][0]]
    s_theirs = topt.state[topt.param_groups[0]["params"][0]]
    assert s_ours["func_evals"] == s_theirs["func_evals"]
    assert s_ours["n_iter"] == s_theirs["n_iter"]
    assert sorted(s_ours) == sorted(s_theirs)
    assert len(s_ours["old_dirs"]) == len(s_theirs["old_dirs"])


def test_lbfgs_strong_wolfe_converges_to_minimum():
    ours, losses, _ = run(ember, np.float64, 10, line_search_fn="strong_wolfe")
    np.testing.assert_allclose(ours[-1], 1.0, atol=1e-4)
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_rosenbrock_float32_matches_torch(line_search_fn):
    ours, _, _ = run(ember, np.float32, 2, line_search_fn=line_search_fn, max_iter=8)
    theirs, _, _ = run(torch, np.float32, 2, line_search_fn=line_search_fn, max_iter=8)
    assert ours[-1].dtype == np.float32
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-3)


def test_lbfgs_multiple_params_and_maximize_match_torch():
    def run2(lib):
        a = lib.from_numpy(np.array([-1.0, 0.5, 2.0])).requires_grad_()
        b = lib.from_numpy(np.array([[0.3, -0.7], [1.1, 0.2]])).requires_grad_()
        opt = lib.optim.LBFGS([a, b], line_search_fn="strong_wolfe", maximize=True, max_iter=7)

        def closure():
            opt.zero_grad()
            loss = -(((a - 1) ** 2).sum() + ((b * b - 0.5) ** 2).sum() + (a[0] * b[0, 1]) ** 2)
            loss.backward()
            return loss

        for _ in range(3):
            opt.step(closure)
        return to_np(a), to_np(b)

    for x, y in zip(run2(ember), run2(torch)):
        np.testing.assert_allclose(x, y, rtol=1e-7, atol=1e-9)


def test_lbfgs_errors_match_torch():
    x = ember.zeros(2, requires_grad=True)
    opt = ember.optim.LBFGS([x], line_search_fn="bogus")
    x2 = torch.zeros(2, requires_grad=True)
    topt = torch.optim.LBFGS([x2], line_search_fn="bogus")

    def closure_for(o, p):
        def closure():
            o.zero_grad()
            loss = ((p - 1) ** 2).sum()
            loss.backward()
            return loss
        return closure

    with pytest.raises(RuntimeError) as ours:
        opt.step(closure_for(opt, x))
    with pytest.raises(RuntimeError) as theirs:
        topt.step(closure_for(topt, x2))
    assert str(ours.value) == str(theirs.value)
