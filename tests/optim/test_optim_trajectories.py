"""Every optimizer, with each option combination, follows torch's trajectory step by step."""
import numpy as np
import pytest

import ember
from optim_testutils import leaves, loss_fn, make_data, make_init, to_np

torch = pytest.importorskip("torch")

STEPS = 50

# (optimizer name, constructor kwargs); 'maximize' configs minimize -loss by ascending.
CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True, maximize=True)),
    ("SGD", dict(lr=0.05, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, weight_decay=0.2, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("Adagrad", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.05, initial_accumulator_value=0.1, eps=1e-6, maximize=True)),
    ("RMSprop", dict(lr=0.005)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1, alpha=0.9)),
    ("RMSprop", dict(lr=0.005, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True)),
    ("Adamax", dict(lr=0.01)),
    ("Adamax", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-4, 0.05), maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1, maximize=True)),
]


def trajectory(lib, name, kwargs, dtype, groups=False, steps=STEPS):
    """Parameter values after each of ``steps`` optimizer steps."""
    params = leaves(lib, make_init(dtype))
    X, Y = (lib.from_numpy(a) for a in make_data(dtype))
    sign = -1.0 if kwargs.get("maximize") else 1.0
    if groups:  # a second group with its own lr and weight decay
        spec = [{"params": params[:2]}, {"params": params[2:], "lr": kwargs["lr"] * 0.5,
                                         "weight_decay": 0.05}]
    else:
        spec = params
    opt = getattr(lib.optim, name)(spec, **kwargs)
    history = []
    for _ in range(steps):
        opt.zero_grad()
        loss = sign * loss_fn(lib, params, X, Y)
        loss.backward()
        opt.step()
        history.append([to_np(p) for p in params])
    return history, opt


def assert_same_history(ours, theirs, dtype):
    tol = dict(rtol=1e-10, atol=1e-10) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for pa, pb in zip(a, b):
            assert pa.dtype == pb.dtype
            np.testing.assert_allclose(pa, pb, err_msg=f"step {step}", **tol)


def _id(cfg):
    name, kw = cfg
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("cfg", CONFIGS, ids=[_id(c) for c in CONFIGS])
def test_trajectory_matches_torch(cfg, dtype):
    name, kwargs = cfg
    ours, _ = trajectory(ember, name, dict(kwargs), dtype)
    theirs, _ = trajectory(torch, name, dict(kwargs), dtype)
    assert_same_history(ours, theirs, dtype)


GROUP_CONFIGS = [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(lr=0.01)),
                 ("AdamW", dict(lr=0.01)), ("Adagrad", dict(lr=0.05)),
                 ("RMSprop", dict(lr=0.005)), ("Adadelta", dict(lr=1.0)),
                 ("Adamax", dict(lr=0.01)), ("NAdam", dict(lr=0.01)), ("RAdam", dict(lr=0.01)),
                 ("Rprop", dict(lr=0.01)), ("ASGD", dict(lr=0.05))]


@pytest.mark.parametrize("cfg", GROUP_CONFIGS, ids=[c[0] for c in GROUP_CONFIGS])
def test_param_groups_trajectory_matches_torch(cfg):
    name, kwargs = cfg
    ours, _ = trajectory(ember, name, dict(kwargs), np.float64, groups=True, steps=20)
    theirs, _ = trajectory(torch, name, dict(kwargs), np.float64, groups=True, steps=20)
    assert_same_history(ours, theirs, np.float64)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_tensor_lr_matches_torch(name):
    def run(lib):
        kwargs = dict(lr=lib.tensor(0.01, dtype=lib.float64))
        if name == "SGD":
            kwargs["momentum"] = 0.9
        return trajectory(lib, name, kwargs, np.float64, steps=10)[0]
    assert_same_history(run(ember), run(torch), np.float64)


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad", "RMSprop", "NAdam"])
def test_params_without_grad_are_skipped_like_torch(name):
    def run(lib):
        params = leaves(lib, make_init(np.float64))
        frozen = lib.from_numpy(np.ones(3)).requires_grad_()
        X, Y = (lib.from_numpy(a) for a in make_data(np.float64))
        opt = getattr(lib.optim, name)(params + [frozen], lr=0.01)
        for _ in range(3):
            opt.zero_grad()
            loss_fn(lib, params, X, Y).backward()
            opt.step()
        return to_np(frozen), sorted(opt.state_dict()["state"].keys())
    ours, theirs = run(ember), run(torch)
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert ours[1] == theirs[1]


def test_step_keeps_float32_and_views():
    w = ember.zeros(4, 3, requires_grad=True)
    view_of_data = w.detach()
    opt = ember.optim.Adam([w], lr=0.1)
    (w.sum() * 2).backward()
    version = w._version
    opt.step()
    assert w.dtype == ember.float32 and w._data.dtype == np.float32
    assert opt.state[w]["exp_avg"].dtype == ember.float32
    assert opt.state[w]["step"].dtype == ember.float32
    np.testing.assert_allclose(view_of_data.numpy(), -0.1, rtol=1e-6)  # updated in place
    assert w._version > version
