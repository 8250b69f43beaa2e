"""Optimizer API against torch: state_dict layout, loading, param groups, errors, repr, hooks."""
import copy
import warnings

import numpy as np
import pytest

import ember
from optim_testutils import leaves, loss_fn, make_data, make_init, to_ember, to_np

torch = pytest.importorskip("torch")

OPTIMIZERS = [
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("Adagrad", dict(lr=0.05)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=0.01)),
    ("Adadelta", dict()),
    ("Adamax", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01)),
    ("Rprop", dict(lr=0.01)),
    ("ASGD", dict(lr=0.01, t0=1)),
]
IDS = [f"{n}-{'-'.join(map(str, kw.values()))}" for n, kw in OPTIMIZERS]


def run(lib, name, kwargs, steps=3, dtype=np.float64, groups=False):
    params = leaves(lib, make_init(dtype))
    X, Y = (lib.from_numpy(a) for a in make_data(dtype))
    spec = [{"params": params[:2]}, {"params": params[2:], "lr": 0.002}] if groups else params
    opt = getattr(lib.optim, name)(spec, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(lib, params, X, Y).backward()
        opt.step()
    return opt, params, (X, Y)


def _plain(v):
    """Group values compared across libraries (tensors become floats)."""
    if hasattr(v, "item") and hasattr(v, "dtype"):
        return float(v.item())
    return v


@pytest.mark.parametrize("cfg", OPTIMIZERS, ids=IDS)
def test_state_dict_layout_matches_torch(cfg):
    name, kwargs = cfg
    ours = run(ember, name, kwargs, groups=True)[0].state_dict()
    theirs = run(torch, name, kwargs, groups=True)[0].state_dict()
    assert list(ours) == list(theirs) == ["state", "param_groups"]
    assert len(ours["param_groups"]) == len(theirs["param_groups"])
    for g_ours, g_theirs in zip(ours["param_groups"], theirs["param_groups"]):
        assert list(g_ours) == list(g_theirs)  # same keys, same order
        assert {k: _plain(v) for k, v in g_ours.items()} == \
            {k: _plain(v) for k, v in g_theirs.items()}
    assert list(ours["state"]) == list(theirs["state"])
    for pid, s_theirs in theirs["state"].items():
        s_ours = ours["state"][pid]
        assert list(s_ours) == list(s_theirs)
        for key, t in s_theirs.items():
            e = s_ours[key]
            assert isinstance(e, ember.Tensor)
            assert tuple(e.shape) == tuple(t.shape)
            assert str(e.dtype) == str(t.dtype)
            np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cfg", OPTIMIZERS, ids=IDS)
def test_loading_torch_state_dict_gives_torch_next_step(cfg):
    name, kwargs = cfg
    topt, tparams, (X, Y) = run(torch, name, kwargs, steps=4)
    sd = to_ember(topt.state_dict())
    params = [ember.from_numpy(to_np(p)).requires_grad_() for p in tparams]
    opt = getattr(ember.optim, name)(params, **kwargs)
    opt.load_state_dict(sd)
    for lib, o, ps, data in [(torch, topt, tparams, (X, Y)),
                             (ember, opt, params, (ember.from_numpy(X.numpy()),
                                                   ember.from_numpy(Y.numpy())))]:
        for _ in range(2):
            o.zero_grad()
            loss_fn(lib, ps, *data).backward()
            o.step()
    for a, b in zip(params, tparams):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cfg", OPTIMIZERS, ids=IDS)
def test_state_dict_round_trip_continues_identically(cfg):
    name, kwargs = cfg
    opt, params, (X, Y) = run(ember, name, kwargs, steps=3)
    saved = copy.deepcopy(opt.state_dict())
    snapshot = [to_np(p) for p in params]
    # continue with the original optimizer
    opt.zero_grad()
    loss_fn(ember, params, X, Y).backward()
    opt.step()
    expected = [to_np(p) for p in params]
    # restart from the snapshot with a fresh optimizer loaded from the saved state
    params2 = [ember.from_numpy(a).requires_grad_() for a in snapshot]
    opt2 = getattr(ember.optim, name)(params2, lr=123.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]
    loss_fn(ember, params2, X, Y).backward()
    opt2.step()
    # (exact except NAdam: its float32 mu_product is cast to the param dtype on load, as
    # in torch)
    for a, b in zip(params2, expected):
        np.testing.assert_allclose(to_np(a), b, rtol=1e-9, atol=1e-11)


def test_load_state_dict_casts_to_param_dtype_but_keeps_step():
    p64 = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    opt64 = ember.optim.Adam([p64])
    p64.grad = ember.ones(3, dtype=ember.float64)
    opt64.step()
    p32 = ember.zeros(3, requires_grad=True)
    opt32 = ember.optim.Adam([p32])
    opt32.load_state_dict(opt64.state_dict())
    assert opt32.state[p32]["exp_avg"].dtype == ember.float32
    assert opt32.state[p32]["step"].dtype == ember.float32
    # torch does the same
    t64 = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.Adam([t64])
    t64.grad = torch.ones(3, dtype=torch.float64)
    topt.step()
    t32 = torch.zeros(3, requires_grad=True)
    topt32 = torch.optim.Adam([t32])
    topt32.load_state_dict(topt.state_dict())
    assert str(topt32.state[t32]["exp_avg"].dtype) == str(opt32.state[p32]["exp_avg"].dtype)


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - we compare type and text with torch
        return type(exc).__name__, str(exc)
    return None


def test_load_state_dict_errors_match_torch():
    def make(lib, n_groups, sizes):
        ps = [lib.zeros(2, requires_grad=True) for _ in range(sum(sizes))]
        it = iter(ps)
        groups = [{"params": [next(it) for _ in range(s)]} for s in sizes[:n_groups]]
        return lib.optim.SGD(groups, lr=0.1)
    for lib_sizes in [((1, 1), (2,)), ((1, 2), (2, 1))]:
        a, b = lib_sizes
        ours = _error(lambda: make(ember, len(b), b).load_state_dict(
            make(ember, len(a), a).state_dict()))
        theirs = _error(lambda: make(torch, len(b), b).load_state_dict(
            make(torch, len(a), a).state_dict()))
        assert ours == theirs and ours is not None


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "Adadelta",
                                  "Adamax", "NAdam", "RAdam", "LBFGS", "Rprop", "ASGD"])
def test_repr_and_defaults_match_torch(name):
    ours = getattr(ember.optim, name)([ember.zeros(2, requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
    assert repr(ours) == repr(theirs)
    assert ours.defaults == theirs.defaults
    assert list(ours.defaults) == list(theirs.defaults)


def test_constructor_errors_match_torch():
    def cases(lib):
        p = lib.zeros(2, requires_grad=True)
        q = lib.zeros(2, requires_grad=True)
        O = lib.optim
        return [
            lambda: O.SGD([]),
            lambda: O.SGD(p),
            lambda: O.SGD([p * 2]),
            lambda: O.SGD([p, 1.0]),
            lambda: O.SGD({p, q}),
            lambda: O.SGD([{"params": {p}}]),
            lambda: O.SGD([{"params": [p]}, {"params": [p, q]}]),
            lambda: O.SGD([p], lr=-1.0),
            lambda: O.SGD([p], momentum=-0.5),
            lambda: O.SGD([p], weight_decay=-0.5),
            lambda: O.SGD([p], nesterov=True),
            lambda: O.SGD([p], momentum=0.9, dampening=0.1, nesterov=True),
            lambda: O.Adam([p], lr=-1.0),
            lambda: O.Adam([p], eps=-1.0),
            lambda: O.Adam([p], betas=(1.0, 0.9)),
            lambda: O.Adam([p], betas=(0.9, -0.1)),
            lambda: O.Adam([p], weight_decay=-1.0),
            lambda: O.Adagrad([p], lr_decay=-1.0),
            lambda: O.Adagrad([p], initial_accumulator_value=-1.0),
            lambda: O.RMSprop([p], alpha=-1.0),
            lambda: O.RMSprop([p], momentum=-1.0),
            lambda: O.Adadelta([p], rho=1.5),
            lambda: O.NAdam([p], momentum_decay=-1.0),
            lambda: O.LBFGS([{"params": [p]}, {"params": [q]}]),
            lambda: O.SGD([("a", p), q]),
            lambda: O.SGD([p], differentiable=False, lr=0.1).add_param_group([q]),
        ]
    ours, theirs = cases(ember), cases(torch)
    n_errors = 0
    for i, (a, b) in enumerate(zip(ours, theirs)):
        expected = _error(b)
        n_errors += expected is not None
        assert _error(a) == expected, i
    assert n_errors == len(theirs) - 1  # a set of tensors at the top level is accepted


def test_duplicate_parameter_warns_like_torch():
    p = ember.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p], lr=0.1)


def test_add_param_group_fills_defaults_and_steps():
    a, b = ember.ones(2, requires_grad=True), ember.ones(2, requires_grad=True)
    opt = ember.optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[1]["lr"] == 0.01
    assert opt.param_groups[1]["params"] == [b] or opt.param_groups[1]["params"][0] is b
    (a.sum() + b.sum()).backward()
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9, rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), 0.99, rtol=1e-6)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]


def test_named_parameters_are_recorded_like_torch():
    def make(lib):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)
        return lib.optim.Adam([("a", a), ("b", b)]).state_dict()["param_groups"][0]
    ours, theirs = make(ember), make(torch)
    assert ours["param_names"] == theirs["param_names"] == ["a", "b"]
    assert ours["params"] == theirs["params"]


def test_adagrad_state_exists_before_first_step_like_torch():
    ours = ember.optim.Adagrad([ember.zeros(3, requires_grad=True)],
                               initial_accumulator_value=0.5).state_dict()["state"]
    theirs = torch.optim.Adagrad([torch.zeros(3, requires_grad=True)],
                                 initial_accumulator_value=0.5).state_dict()["state"]
    assert list(ours[0]) == list(theirs[0]) == ["step", "sum"]
    np.testing.assert_array_equal(ours[0]["sum"].numpy(), theirs[0]["sum"].numpy())


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_matches_torch(set_to_none):
    results = []
    for lib in (ember, torch):
        p = lib.ones(3, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1)
        (p * 2).sum().backward()
        opt.zero_grad(set_to_none=set_to_none)
        results.append(None if p.grad is None else p.grad.numpy().tolist())
    assert results[0] == results[1]
    assert (results[0] is None) == set_to_none


def test_closure_runs_with_grad_enabled_and_loss_is_returned():
    p = ember.tensor([1.0, 2.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    seen = []

    def closure():
        seen.append(ember.is_grad_enabled())
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)


def test_step_hooks_run_in_order_and_can_be_removed():
    p = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.Adam([p])
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", o is opt)))
    g = ember.optim.optimizer.register_optimizer_step_pre_hook(
        lambda o, args, kwargs: calls.append(("global", True)))
    p.grad = ember.tensor([1.0])
    opt.step()
    assert calls == [("global", True), ("pre", True), ("post", True)]
    h1.remove(), h2.remove(), g.remove()
    opt.step()
    assert len(calls) == 3


def test_state_dict_hooks():
    p = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
    assert opt.state_dict()["extra"] == 1
    loaded = []
    opt.register_load_state_dict_post_hook(lambda o: loaded.append(True))
    opt.load_state_dict({"state": {}, "param_groups": opt.state_dict()["param_groups"]})
    assert loaded == [True]


def test_optimizer_pickles_with_state():
    import pickle
    opt, params, _ = run(ember, "Adam", dict(lr=0.01), steps=2)
    clone = pickle.loads(pickle.dumps(opt))
    assert len(clone.state) == len(opt.state)
    assert clone.param_groups[0]["lr"] == 0.01


def test_optimizer_with_nn_parameters():
    try:
        from ember import nn
        nn.Linear
    except (ImportError, AttributeError):
        pytest.skip("ember.nn.Linear is not available yet")
    ember.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    before = [to_np(p) for p in model.parameters()]
    model(ember.ones(4, 3)).sum().backward()
    opt.step()
    after = [to_np(p) for p in model.parameters()]
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))


def test_differentiable_true_is_rejected_with_clear_error():
    with pytest.raises(RuntimeError, match="differentiable"):
        ember.optim.SGD([ember.zeros(1, requires_grad=True)], differentiable=True)


def test_complex_params_match_torch():
    rng = np.random.default_rng(3)
    init = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex128)
    target = (rng.standard_normal(4) + 1j * rng.standard_normal(4)).astype(np.complex128)
    for name in ["Adam", "RMSprop", "Adagrad", "SGD"]:
        out = []
        for lib in (ember, torch):
            p = lib.from_numpy(init.copy()).requires_grad_()
            opt = getattr(lib.optim, name)([p], lr=0.05)
            for _ in range(5):
                grad = (p.detach().numpy() - target)  # gradient of |p - target|^2 / 2
                p.grad = lib.from_numpy(np.array(grad, copy=True))
                opt.step()
            out.append(to_np(p))
        np.testing.assert_allclose(out[0], out[1], rtol=1e-10, atol=1e-12, err_msg=name)


def test_warning_free_step():
    p = ember.zeros(2, requires_grad=True)
    opt = ember.optim.Adam([p])
    p.grad = ember.ones(2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
