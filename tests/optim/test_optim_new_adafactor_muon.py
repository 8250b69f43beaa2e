"""Adafactor and Muon follow torch's trajectories step by step; state dicts round-trip."""
import numpy as np
import pytest

import ember
from optim_testutils import to_ember, to_np

torch = pytest.importorskip("torch")

STEPS = 35
SHAPES = {"1d": [(7,)], "2d": [(5, 3)], "3d": [(2, 4, 3)], "mixed": [(5, 3), (5,), (2, 3, 4), ()]}


def _init(shapes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [np.asarray(rng.standard_normal(s) * 0.7).astype(dtype) for s in shapes]


def _loss(params):
    # a non-quadratic loss touching every element differently, with its minimum far enough
    # away that no element reaches it (there Adafactor's sign-like steps would amplify
    # rounding differences of the gradient)
    total = 0
    for i, p in enumerate(params):
        total = total + ((p - 4.0 - i) ** 2).sum() + 0.01 * (p ** 4).sum() \
            + (p.reshape(-1)[:1] * 2).sum()
    return total


def _trajectory(lib, name, kwargs, arrays, steps=STEPS, groups=None):
    params = [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]
    sign = -1.0 if kwargs.get("maximize") else 1.0
    spec = params if groups is None else groups(params)
    opt = getattr(lib.optim, name)(spec, **kwargs)
    hist = []
    for _ in range(steps):
        opt.zero_grad()
        (sign * _loss(params)).backward()
        opt.step()
        hist.append([to_np(p) for p in params])
    return hist, opt, params


def _same(ours, theirs, dtype, tol32=2e-5):
    tol = 1e-10 if dtype == np.float64 else tol32
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for pa, pb in zip(a, b):
            np.testing.assert_allclose(pa, pb, rtol=tol, atol=tol, err_msg=f"step {step}")


ADAFACTOR = [
    dict(),
    dict(lr=0.03, weight_decay=0.1),
    dict(lr=0.03, maximize=True),
    dict(lr=0.02, beta2_decay=-0.5, eps=(1e-30, 1e-2), d=2.0, weight_decay=0.05, maximize=True),
    dict(lr=0.03, eps=(1e-3, 1e-3)),
    dict(lr=0.03, foreach=True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", list(SHAPES))
@pytest.mark.parametrize("cfg", range(len(ADAFACTOR)))
def test_adafactor_trajectory_matches_torch(cfg, shapes, dtype):
    kwargs = ADAFACTOR[cfg]
    arrays = _init(SHAPES[shapes], dtype)
    ours, _, _ = _trajectory(ember, "Adafactor", kwargs, arrays)
    theirs, _, _ = _trajectory(torch, "Adafactor", kwargs, arrays)
    _same(ours, theirs, dtype)


def test_adafactor_groups_and_eps1_from_first_param_match_torch():
    # a float32 first parameter fixes eps1 for the float64 one too (torch's loop variable)
    arrays = _init([(4, 3), (6,)], np.float32)
    arrays[1] = arrays[1].astype(np.float64) * 1e-3

    def groups(ps):
        return [{"params": ps}, ]

    ours, _, _ = _trajectory(ember, "Adafactor", dict(lr=0.03), arrays, groups=groups)
    theirs, _, _ = _trajectory(torch, "Adafactor", dict(lr=0.03), arrays, groups=groups)
    _same(ours, theirs, np.float32)

    def two(ps):
        return [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.1, "weight_decay": 0.2}]

    ours, _, _ = _trajectory(ember, "Adafactor", dict(lr=0.03), arrays, groups=two)
    theirs, _, _ = _trajectory(torch, "Adafactor", dict(lr=0.03), arrays, groups=two)
    _same(ours, theirs, np.float32)


def test_adafactor_state_and_state_dict_round_trip():
    arrays = _init(SHAPES["mixed"], np.float64)
    _, opt_e, pe = _trajectory(ember, "Adafactor", dict(lr=0.05), arrays, steps=5)
    _, opt_t, pt = _trajectory(torch, "Adafactor", dict(lr=0.05), arrays, steps=5)
    sd_e, sd_t = opt_e.state_dict(), opt_t.state_dict()
    assert sd_e["param_groups"] == [{k: v for k, v in g.items()} for g in sd_t["param_groups"]]
    for i in sd_t["state"]:
        assert sorted(sd_e["state"][i]) == sorted(sd_t["state"][i])
        for k, v in sd_t["state"][i].items():
            assert tuple(sd_e["state"][i][k].shape) == tuple(v.shape), k
            assert sd_e["state"][i][k].dtype.is_floating_point
            np.testing.assert_allclose(to_np(sd_e["state"][i][k]), v.numpy(), rtol=1e-10)
    # a torch state dict loaded into ember continues torch's trajectory
    fresh = [ember.from_numpy(to_np(p)).requires_grad_() for p in pt]
    opt2 = ember.optim.Adafactor(fresh, lr=0.05)
    opt2.load_state_dict(to_ember(opt_t.state_dict()))
    for lib, ps, opt in ((ember, fresh, opt2), (torch, pt, opt_t)):
        for _ in range(3):
            opt.zero_grad()
            _loss(ps).backward()
            opt.step()
    for a, b in zip(fresh, pt):
        np.testing.assert_allclose(to_np(a), b.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_adafactor_errors_match_torch():
    w = [ember.zeros(2, requires_grad=True)]
    tw = [torch.zeros(2, requires_grad=True)]
    for kwargs in (dict(lr=-1.0), dict(beta2_decay=0.5), dict(eps=(-1.0, 1e-3)),
                   dict(eps=(None, -1.0)), dict(d=0.5), dict(weight_decay=-0.1)):
        with pytest.raises(ValueError) as te:
            torch.optim.Adafactor(tw, **kwargs)
        with pytest.raises(ValueError, match=str(te.value).replace("(", r"\(")
                           .replace(")", r"\)")):
            ember.optim.Adafactor(w, **kwargs)
    c = ember.zeros(2, dtype=ember.complex64, requires_grad=True)
    c.grad = ember.zeros(2, dtype=ember.complex64)
    with pytest.raises(RuntimeError, match="does not support complex parameters"):
        ember.optim.Adafactor([c]).step()


MUON = [
    dict(lr=0.02),
    dict(lr=0.02, nesterov=False, weight_decay=0.0),
    dict(lr=0.01, momentum=0.8, adjust_lr_fn="match_rms_adamw"),
    dict(lr=0.01, adjust_lr_fn="spectral_unclamped", ns_steps=3, eps=1e-5),
    dict(lr=0.01, ns_coefficients=(2.0, -1.5, 0.5), adjust_lr_fn="original"),
]


def _muon_loss_params(shapes, dtype):
    return _init(shapes, dtype, seed=3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cfg", range(len(MUON)))
def test_muon_trajectory_matches_torch(cfg, dtype):
    # small matrices (wide, tall, square): torch's bfloat16 Newton-Schulz is reproduced
    # bit for bit there
    arrays = _muon_loss_params([(3, 5), (6, 2), (4, 4)], dtype)
    kwargs = MUON[cfg]
    ours, _, _ = _trajectory(ember, "Muon", kwargs, arrays, steps=30)
    theirs, _, _ = _trajectory(torch, "Muon", kwargs, arrays, steps=30)
    _same(ours, theirs, dtype)


def test_muon_orthogonalisation_large_matrix_close_to_torch():
    # bigger matrices: torch's float32 accumulation inside bfloat16 matmuls can land on the
    # other side of a bfloat16 rounding boundary, so allow one bf16 ulp-scale difference
    from ember.optim.muon import _zeropower_via_newtonschulz
    from torch.optim._muon import _zeropower_via_newtonschulz as torch_ns
    rng = np.random.default_rng(5)
    for shape in [(48, 96), (96, 40)]:
        g = rng.standard_normal(shape).astype(np.float32)
        ours = _zeropower_via_newtonschulz(g, (3.4445, -4.7750, 2.0315), 5, 1e-7, np)
        theirs = torch_ns(torch.from_numpy(g), (3.4445, -4.7750, 2.0315), 5, 1e-7).float()
        np.testing.assert_allclose(ours, theirs.numpy(), atol=2e-2)
        assert (ours == theirs.numpy()).mean() > 0.5


def test_muon_state_dict_and_errors_match_torch():
    arrays = _muon_loss_params([(3, 5)], np.float32)
    _, opt_e, _ = _trajectory(ember, "Muon", dict(lr=0.02), arrays, steps=3)
    _, opt_t, _ = _trajectory(torch, "Muon", dict(lr=0.02), arrays, steps=3)
    sd_e, sd_t = opt_e.state_dict(), opt_t.state_dict()
    assert sd_e["param_groups"] == sd_t["param_groups"]
    assert list(sd_e["state"][0]) == list(sd_t["state"][0]) == ["momentum_buffer"]
    np.testing.assert_allclose(to_np(sd_e["state"][0]["momentum_buffer"]),
                               sd_t["state"][0]["momentum_buffer"].numpy(), rtol=1e-6)
    for lib in (ember, torch):
        with pytest.raises(ValueError, match=r"Muon only supports 2D parameters whereas we found "
                                             r"a parameter with size: torch.Size\(\[3\]\)"):
            lib.optim.Muon([lib.zeros(3, requires_grad=True)])
        with pytest.raises(ValueError, match="Adjust learning rate function foo is not"):
            lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)], adjust_lr_fn="foo")
        with pytest.raises(ValueError, match="momentum should be >= 0"):
            lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)], momentum=-1.0)
        w = lib.zeros(2, 2, requires_grad=True)
        w.grad = lib.ones(2, 2)
        with pytest.raises(ValueError, match="Number of steps must be less than 100"):
            lib.optim.Muon([w], ns_steps=100).step()
