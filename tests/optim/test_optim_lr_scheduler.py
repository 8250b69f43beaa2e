"""Learning-rate schedulers produce torch's lr (and momentum) sequences."""
import math
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def make_optimizer(lib, opt="SGD", two_groups=True, **kwargs):
    a = lib.zeros(2, requires_grad=True)
    b = lib.zeros(3, requires_grad=True)
    if two_groups:
        groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    else:
        groups = [a, b]
    kw = dict(lr=0.1, momentum=0.9) if opt == "SGD" else dict(lr=0.1)
    kw.update(kwargs)
    return getattr(lib.optim, opt)(groups, **kw)


def record(opt):
    out = []
    for g in opt.param_groups:
        out.append(float(g["lr"]))
        if "momentum" in g:
            out.append(float(g["momentum"]))
        if "betas" in g:
            out.append(float(g["betas"][0]))
    return out


def sequence(lib, build, steps=60, opt="SGD", two_groups=True, step_args=None, **opt_kw):
    """lr/momentum of every group after construction and after each scheduler step."""
    optimizer = make_optimizer(lib, opt, two_groups, **opt_kw)
    sched = build(lib.optim.lr_scheduler, optimizer)
    seq = [record(optimizer) + [float(x) for x in sched.get_last_lr()]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            optimizer.step()
            if step_args is None:
                sched.step()
            else:
                sched.step(step_args(i))
            seq.append(record(optimizer) + [float(x) for x in sched.get_last_lr()])
    return np.array(seq), sched


SCHEDULERS = {
    "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 0.97 ** e + 0.01 * (e % 3)),
    "LambdaLR-list": lambda L, o: L.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9 ** e]),
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95 if e % 2 else 1.02),
    "StepLR": lambda L, o: L.StepLR(o, step_size=7, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[5, 12, 12, 30], gamma=0.3),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=8),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=0.8, total_iters=17),
    "LinearLR-decay": lambda L, o: L.LinearLR(o, start_factor=1.0, end_factor=0.0,
                                              total_iters=40),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.93),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=35, power=2.0),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=13, eta_min=0.001),
    "CosineAnnealingLR-noeta": lambda L, o: L.CosineAnnealingLR(o, T_max=20),
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7),
    "CosineAnnealingWarmRestarts-mult": lambda L, o: L.CosineAnnealingWarmRestarts(
        o, T_0=3, T_mult=2, eta_min=0.002),
    "CyclicLR-triangular": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1,
                                                   step_size_up=5),
    "CyclicLR-triangular2": lambda L, o: L.CyclicLR(o, base_lr=[0.01, 0.02],
                                                    max_lr=[0.1, 0.3], step_size_up=4,
                                                    step_size_down=7, mode="triangular2",
                                                    base_momentum=0.7, max_momentum=0.95),
    "CyclicLR-exp_range": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6,
                                                  mode="exp_range", gamma=0.97),
    "CyclicLR-scale_fn": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                 scale_fn=lambda x: 1 / (1 + 0.1 * x),
                                                 scale_mode="iterations"),
    "CyclicLR-nomomentum": lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                   cycle_momentum=False),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=1.0, total_steps=60),
    "OneCycleLR-linear": lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.5], epochs=6,
                                                   steps_per_epoch=10, pct_start=0.25,
                                                   anneal_strategy="linear", div_factor=10.0,
                                                   final_div_factor=100.0),
    "OneCycleLR-three_phase": lambda L, o: L.OneCycleLR(o, max_lr=0.8, total_steps=60,
                                                        three_phase=True, base_momentum=0.8,
                                                        max_momentum=0.9),
    "OneCycleLR-nomomentum": lambda L, o: L.OneCycleLR(o, max_lr=0.8, total_steps=60,
                                                       cycle_momentum=False),
    "SequentialLR": lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.ExponentialLR(o, gamma=0.9),
            L.CosineAnnealingLR(o, T_max=10)], milestones=[5, 25]),
    "ChainedScheduler": lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=4), L.ExponentialLR(o, gamma=0.95),
         L.StepLR(o, step_size=9, gamma=0.5)]),
}


@pytest.mark.parametrize("name", list(SCHEDULERS))
def test_scheduler_sequence_matches_torch(name):
    build = SCHEDULERS[name]
    ours, _ = sequence(ember, build)
    theirs, _ = sequence(torch, build)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert np.ptp(ours[:, 0]) > 0  # the lr actually changes


@pytest.mark.parametrize("name", ["CyclicLR-triangular", "OneCycleLR",
                                  "OneCycleLR-three_phase"])
def test_momentum_cycling_with_adam_betas_matches_torch(name):
    build = SCHEDULERS[name]
    ours, _ = sequence(ember, build, opt="Adam")
    theirs, _ = sequence(torch, build, opt="Adam")
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert np.ptp(ours[:, 1]) > 0  # beta1 cycles


def test_cycle_momentum_requires_momentum_like_torch():
    def err(lib):
        o = make_optimizer(lib, "Adagrad")
        with pytest.raises(ValueError) as info:
            lib.optim.lr_scheduler.CyclicLR(o, base_lr=0.01, max_lr=0.1)
        return str(info.value)
    assert err(ember) == err(torch)


def test_one_cycle_too_many_steps_raises_like_torch():
    def err(lib):
        o = make_optimizer(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=3)
        with pytest.raises(ValueError) as info:
            for _ in range(4):
                o.step()
                s.step()
        return str(info.value)
    assert err(ember) == err(torch)


@pytest.mark.parametrize("name,step_args", [
    ("CosineAnnealingWarmRestarts", lambda i: i * 0.37),
    ("CosineAnnealingWarmRestarts-mult", lambda i: i * 0.61),
    ("CosineAnnealingWarmRestarts-mult", lambda i: (i // 5) + (i % 5) / 5),
    ("StepLR", lambda i: (i * 3) % 17),
    ("MultiStepLR", lambda i: i),
    ("ExponentialLR", lambda i: i // 2),
    ("CosineAnnealingLR", lambda i: i),
    ("LinearLR", lambda i: i // 3),
    ("PolynomialLR", lambda i: min(i, 30)),
    ("ConstantLR", lambda i: i),
])
def test_step_with_epoch_matches_torch(name, step_args):
    build = SCHEDULERS[name]
    ours, _ = sequence(ember, build, step_args=step_args)
    theirs, _ = sequence(torch, build, step_args=step_args)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.9, 0.89999, 0.91, 0.92, 0.93, 0.94, 0.8, 0.85,
           0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3,
           0.4, 0.41, 0.42, 0.43, 0.44, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5, 0.51]

PLATEAU = [
    dict(),
    dict(patience=2),
    dict(patience=1, factor=0.5, cooldown=2),
    dict(mode="max", patience=2, factor=0.5),
    dict(patience=0, threshold=0.05, threshold_mode="abs", factor=0.7),
    dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", cooldown=1),
    dict(patience=1, factor=0.5, min_lr=[0.02, 0.01]),
    dict(patience=0, factor=0.9, min_lr=0.06, eps=1e-3),
]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=[str(k) for k in PLATEAU])
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    def run(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in METRICS:
            opt.step()
            sched.step(m if lib is torch else ember.tensor(m, dtype=ember.float64))
            out.append(record(opt) + sched.get_last_lr()
                       + [sched.num_bad_epochs, sched.cooldown_counter, sched.best])
        return np.array(out, dtype=float)
    ours, theirs = run(ember), run(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_reduce_lr_on_plateau_errors_match_torch():
    for kwargs in [dict(factor=1.0), dict(mode="avg"), dict(threshold_mode="x"),
                   dict(min_lr=[0.1])]:
        errs = []
        for lib in (ember, torch):
            with pytest.raises(ValueError) as info:
                lib.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(lib), **kwargs)
            errs.append(str(info.value))
        assert errs[0] == errs[1]


def test_scheduler_step_before_optimizer_step_warns_like_torch():
    for lib in (ember, torch):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.StepLR(opt, 3)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()
    # and no warning in the right order
    opt = make_optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 3)
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sched.step()


def test_get_lr_outside_step_warns():
    sched = ember.optim.lr_scheduler.StepLR(make_optimizer(ember), 3)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()


def test_initial_lr_and_base_lrs_like_torch():
    for lib in (ember, torch):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
        assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
        assert sched.base_lrs == [0.1, 0.05]
        assert sched.last_epoch == 0
    with pytest.raises(KeyError, match="initial_lr"):
        ember.optim.lr_scheduler.StepLR(make_optimizer(ember), 3, last_epoch=4)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "CyclicLR-triangular2",
                                  "OneCycleLR", "SequentialLR", "ChainedScheduler",
                                  "LambdaLR", "CosineAnnealingWarmRestarts-mult"])
def test_scheduler_state_dict_keys_match_torch_and_resume(name):
    build = SCHEDULERS[name]
    _, ours = sequence(ember, build, steps=10)
    _, theirs = sequence(torch, build, steps=10)
    sd_ours, sd_theirs = ours.state_dict(), theirs.state_dict()
    assert set(sd_ours) == set(sd_theirs)
    # resume: a new scheduler loaded from the state continues identically
    full, _ = sequence(ember, build, steps=20)
    opt = make_optimizer(ember)
    sched = build(ember.optim.lr_scheduler, opt)
    sched.load_state_dict(ours.state_dict())
    for g, lr in zip(opt.param_groups, ours.get_last_lr()):
        g["lr"] = lr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(10):
            opt.step()
            sched.step()
            np.testing.assert_allclose(sched.get_last_lr(), full[11 + i][-2:], rtol=1e-12)


def test_tensor_lr_is_filled_in_place():
    w = ember.zeros(2, requires_grad=True)
    lr = ember.tensor(0.1, dtype=ember.float64)
    opt = ember.optim.Adam([w], lr=lr)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr
    assert math.isclose(lr.item(), 0.05)
    assert isinstance(sched.get_last_lr()[0], ember.Tensor)


def test_lr_scheduler_alias_and_type_error():
    L = ember.optim.lr_scheduler
    assert issubclass(L._LRScheduler, L.LRScheduler)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        L.StepLR(object(), 3)
