"""ember.utils.checkpoint against torch.utils.checkpoint (both variants) and against ember
without checkpointing: values and gradients, dropout (RNG restored), several inputs/outputs,
non-tensor and keyword arguments, inputs without grad, parameters inside the function,
checkpoint_sequential, warnings and errors."""
import doctest
import importlib
import warnings

import numpy as np
import pytest
import torch
import torch.utils.checkpoint as tcp

import ember
import ember.nn as nn
import ember.utils.checkpoint as ecp
from ember.utils.checkpoint import checkpoint, checkpoint_sequential
from nn_helpers import close, to_e

VARIANTS = [True, False]


def mlp(mod, p=0.0):
    return mod.Sequential(mod.Linear(4, 8), mod.Tanh(), mod.Dropout(p), mod.Linear(8, 8),
                          mod.ReLU(), mod.Linear(8, 3))


def twin_mlp(p=0.0):
    t = mlp(torch.nn, p).double()
    e = mlp(nn, p).double()
    e.load_state_dict({k: to_e(v, requires_grad=False) for k, v in t.state_dict().items()})
    return e, t


def grads_close(e_mod, t_mod):
    for (n, pe), (_, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        if pt.grad is None:
            assert pe.grad is None, n
        else:
            close(pe.grad, pt.grad, rtol=1e-9, atol=1e-12)


def test_import_paths():
    import ember.utils.checkpoint as m
    assert ember.utils.checkpoint is m and m.checkpoint is checkpoint
    assert callable(ember.utils.checkpoint.checkpoint_sequential)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_module_gradients_match_torch(use_reentrant):
    e, t = twin_mlp()
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    xe = to_e(x)
    ye = checkpoint(e, xe, use_reentrant=use_reentrant)
    yt = tcp.checkpoint(t, x, use_reentrant=use_reentrant)
    close(ye, yt, rtol=1e-12, atol=1e-12)
    assert ye.requires_grad and ye.grad_fn is not None
    ye.pow(2).sum().backward()
    yt.pow(2).sum().backward()
    close(xe.grad, x.grad, rtol=1e-9, atol=1e-12)
    grads_close(e, t)


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_dropout_masks_match_the_plain_run(use_reentrant):
    e, _ = twin_mlp(p=0.5)
    ref, _ = twin_mlp(p=0.5)
    ref.load_state_dict(e.state_dict())
    x = ember.randn(6, 4, dtype=ember.float64, requires_grad=True)
    xr = x.detach().clone().requires_grad_()
    ember.manual_seed(7)
    y = checkpoint(e, x, use_reentrant=use_reentrant)
    ember.rand(3)   # draws between forward and backward do not change the recomputation
    y.pow(2).sum().backward()
    after_ckpt = ember.rand(2)
    ember.manual_seed(7)
    yr = ref(xr)
    ember.rand(3)
    yr.pow(2).sum().backward()
    after_plain = ember.rand(2)
    np.testing.assert_array_equal(y.detach().numpy(), yr.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), xr.grad.numpy())
    for p, q in zip(e.parameters(), ref.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    # the recomputation leaves the global generator where the plain run leaves it
    np.testing.assert_array_equal(after_ckpt.numpy(), after_plain.numpy())


def test_without_preserve_rng_state_the_recomputation_draws_new_numbers():
    seen = []

    def f(x):
        noise = ember.rand(3, dtype=ember.float64)
        seen.append(noise.numpy().copy())
        return x * noise

    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    for preserve in (True, False):
        seen.clear()
        y = checkpoint(f, x, use_reentrant=False, preserve_rng_state=preserve)
        y.sum().backward()
        assert len(seen) == 2
        assert np.array_equal(seen[0], seen[1]) is preserve


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_forward_records_nothing_and_backward_recomputes(use_reentrant):
    calls = []
    lin = nn.Linear(3, 3)

    def f(x):
        calls.append(ember.is_grad_enabled())
        return lin(x).tanh().exp()

    x = ember.randn(2, 3, requires_grad=True)
    y = checkpoint(f, x, use_reentrant=use_reentrant)
    assert calls == [False]
    # one node stands for the whole function: its edges go straight to the leaves
    for node, _ in y.grad_fn.next_functions:
        assert node is None or node.name() == "torch::autograd::AccumulateGrad"
    y.sum().backward()
    assert calls == [False, True]


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_several_inputs_outputs_and_non_tensor_args_match_torch(use_reentrant):
    def f(lib):
        def fn(x, y, scale, flag, z):
            a = x * y * scale
            b = (x + y).sin() if flag else x
            return a, b, (z * 2).sum()
        return fn

    xt = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    yt = torch.randn(4, dtype=torch.float64, requires_grad=True)
    zt = torch.randn(2, dtype=torch.float64)        # needs no grad
    xe, ye, ze = to_e(xt), to_e(yt), to_e(zt)
    oe = checkpoint(f(ember), xe, ye, 1.5, True, ze, use_reentrant=use_reentrant)
    ot = tcp.checkpoint(f(torch), xt, yt, 1.5, True, zt, use_reentrant=use_reentrant)
    assert len(oe) == 3
    for a, b in zip(oe, ot):
        close(a, b, rtol=1e-12, atol=1e-12)
        # non-reentrant: ember cannot see (without recording) that the third output does not
        # depend on a tensor requiring grad; it requires grad and gets no gradient
        if use_reentrant or b.requires_grad:
            assert a.requires_grad == b.requires_grad
    (oe[0].sum() * 2 + oe[1].pow(2).sum()).backward()
    (ot[0].sum() * 2 + ot[1].pow(2).sum()).backward()
    close(xe.grad, xt.grad, rtol=1e-9, atol=1e-12)
    close(ye.grad, yt.grad, rtol=1e-9, atol=1e-12)
    assert ze.grad is None and zt.grad is None


def test_inputs_without_grad_reentrant_warns_like_torch():
    e, t = twin_mlp()
    x = torch.randn(5, 4, dtype=torch.float64)
    with warnings.catch_warnings(record=True) as we:
        warnings.simplefilter("always")
        ye = checkpoint(e, to_e(x), use_reentrant=True)
    with warnings.catch_warnings(record=True) as wt:
        warnings.simplefilter("always")
        yt = tcp.checkpoint(t, x, use_reentrant=True)
    assert [str(w.message) for w in we] == [str(w.message) for w in wt]
    assert ye.requires_grad == yt.requires_grad == False   # noqa: E712


def test_inputs_without_grad_non_reentrant_gives_parameter_gradients_like_torch():
    e, t = twin_mlp()
    x = torch.randn(5, 4, dtype=torch.float64)
    ye = checkpoint(e, to_e(x), use_reentrant=False)
    yt = tcp.checkpoint(t, x, use_reentrant=False)
    assert ye.requires_grad and yt.requires_grad
    ye.pow(2).mean().backward()
    yt.pow(2).mean().backward()
    grads_close(e, t)


def test_parameters_reached_through_closures_methods_partials_and_globals():
    import functools
    e, t = twin_mlp()
    x = torch.randn(4, 4, dtype=torch.float64)
    xe = to_e(x)
    t(x).pow(2).sum().backward()
    fns = [lambda v: e(v), e.forward, functools.partial(lambda m, v: m(v), e), _global_fn,
           _calls_helper]   # the last reaches the model only through another function
    global _GLOBAL_MODEL
    _GLOBAL_MODEL = e
    for fn in fns:
        e.zero_grad()
        y = checkpoint(fn, xe, use_reentrant=False)
        assert y.requires_grad
        y.pow(2).sum().backward()
        grads_close(e, t)


_GLOBAL_MODEL = None


def _global_fn(v):
    return _GLOBAL_MODEL(v)


def _helper(v):
    return _GLOBAL_MODEL(v)


def _calls_helper(v):
    return _helper(v)


def test_non_leaf_tensor_from_closure_gets_its_gradient_like_torch():
    for lib, cp in ((ember, checkpoint), (torch, tcp.checkpoint)):
        w = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        h = w * 3          # computed outside, used inside through the closure
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = cp(lambda v: (v * h).sin(), x, use_reentrant=False)
        y.sum().backward()
        if lib is ember:
            ge = (w.grad.numpy(), x.grad.numpy())
        else:
            gt = (w.grad.numpy(), x.grad.numpy())
    np.testing.assert_allclose(ge[0], gt[0], rtol=1e-12)
    np.testing.assert_allclose(ge[1], gt[1], rtol=1e-12)


def test_keyword_arguments_and_nested_outputs_match_torch():
    def fn(lib):
        def f(x, *, y, mode="sum"):
            return {"a": x * y, "b": [x.exp(), "tag"], "c": (x - y).sum() if mode == "sum"
                    else x}
        return f
    xt = torch.randn(3, dtype=torch.float64, requires_grad=True)
    yt = torch.randn(3, dtype=torch.float64, requires_grad=True)
    xe, ye = to_e(xt), to_e(yt)
    oe = checkpoint(fn(ember), xe, y=ye, mode="sum", use_reentrant=False)
    ot = tcp.checkpoint(fn(torch), xt, y=yt, mode="sum", use_reentrant=False)
    assert list(oe) == list(ot) and oe["b"][1] == "tag"
    (oe["a"].sum() + oe["b"][0].sum() * 3 + oe["c"]).backward()
    (ot["a"].sum() + ot["b"][0].sum() * 3 + ot["c"]).backward()
    close(xe.grad, xt.grad, rtol=1e-9, atol=1e-12)
    close(ye.grad, yt.grad, rtol=1e-9, atol=1e-12)


def test_autograd_grad_through_non_reentrant_matches_torch():
    e, t = twin_mlp()
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    xe = to_e(x)
    ge = ember.autograd.grad(checkpoint(e, xe, use_reentrant=False).sum(), [xe, e[0].weight])
    gt = torch.autograd.grad(tcp.checkpoint(t, x, use_reentrant=False).sum(), [x, t[0].weight])
    for a, b in zip(ge, gt):
        close(a, b, rtol=1e-9, atol=1e-12)
    assert e[0].weight.grad is None   # nothing accumulated


@pytest.mark.parametrize("use_reentrant", VARIANTS)
@pytest.mark.parametrize("segments", [1, 2, 3])
def test_checkpoint_sequential_matches_torch(use_reentrant, segments):
    e, t = twin_mlp()
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    xe = to_e(x)
    ye = checkpoint_sequential(e, segments, xe, use_reentrant=use_reentrant)
    yt = tcp.checkpoint_sequential(t, segments, x, use_reentrant=use_reentrant)
    close(ye, yt, rtol=1e-12, atol=1e-12)
    ye.pow(2).sum().backward()
    yt.pow(2).sum().backward()
    close(xe.grad, x.grad, rtol=1e-9, atol=1e-12)
    grads_close(e, t)
    # a plain list of modules works too, with preserve_rng_state passed through
    e.zero_grad()
    y2 = checkpoint_sequential(list(e), segments, xe.detach(), use_reentrant=False,
                               preserve_rng_state=False)
    close(y2, yt, rtol=1e-12, atol=1e-12)


def _messages(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category, str(x.message)) for x in w]


def test_missing_use_reentrant_warns_like_torch():
    xe = ember.ones(2, requires_grad=True)
    xt = torch.ones(2, requires_grad=True)
    assert _messages(lambda: checkpoint(lambda v: v * 2, xe)) == \
        _messages(lambda: tcp.checkpoint(lambda v: v * 2, xt))
    e, t = twin_mlp()
    assert _messages(lambda: checkpoint_sequential(e, 2, to_e(torch.ones(1, 4,
                                                                     dtype=torch.float64)))) \
        == _messages(lambda: tcp.checkpoint_sequential(t, 2, torch.ones(1, 4,
                                                                      dtype=torch.float64)))
    # the warning points at the caller's line
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        checkpoint(lambda v: v * 2, xe)
    assert w[0].filename == __file__


def _err(fn):
    with pytest.raises(Exception) as info:
        fn()
    return info.type, str(info.value)


def test_argument_errors_match_torch():
    xe, xt = ember.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    f = lambda v, k=1: v * k   # noqa: E731
    assert _err(lambda: checkpoint(f, xe, k=2, use_reentrant=True)) == \
        _err(lambda: tcp.checkpoint(f, xt, k=2, use_reentrant=True))
    assert _err(lambda: checkpoint(f, xe, use_reentrant=True, debug=True)) == \
        _err(lambda: tcp.checkpoint(f, xt, use_reentrant=True, debug=True))
    assert _err(lambda: checkpoint(f, xe, use_reentrant=True, context_fn=lambda: None)) == \
        _err(lambda: tcp.checkpoint(f, xt, use_reentrant=True, context_fn=lambda: None))
    assert _err(lambda: checkpoint(f, xe, use_reentrant=False, determinism_check="x")) == \
        _err(lambda: tcp.checkpoint(f, xt, use_reentrant=False, determinism_check="x"))
    assert _err(lambda: checkpoint(use_reentrant=False, k=2)) == \
        _err(lambda: tcp.checkpoint(use_reentrant=False, k=2))
    assert _err(lambda: checkpoint_sequential([f], 1, xe, use_reentrant=True, foo=1)) == \
        _err(lambda: tcp.checkpoint_sequential([f], 1, xt, use_reentrant=True, foo=1))
    # debug with a custom context_fn
    from ember.utils.checkpoint import noop_context_fn
    assert _err(lambda: checkpoint(f, xe, use_reentrant=False, debug=True,
                                   context_fn=lambda: noop_context_fn()))[1] == \
        "debug=True is incompatible with non-default context_fn"
    # reentrant: an output that does not require grad in the recomputation
    ye = checkpoint(lambda v: v.detach() * 1 if ember.is_grad_enabled() else v * 1, xe,
                    use_reentrant=True)
    yt = tcp.checkpoint(lambda v: v.detach() * 1 if torch.is_grad_enabled() else v * 1, xt,
                        use_reentrant=True)
    assert _err(lambda: ye.sum().backward()) == _err(lambda: yt.sum().backward())


def test_decorator_form():
    @checkpoint(use_reentrant=False)
    def f(x, *, k):
        return (x * k).sin()
    x = ember.tensor([0.1, 0.2], requires_grad=True)
    f(x, k=3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.cos(3 * np.array([0.1, 0.2])),
                               rtol=1e-6)


def test_determinism_check_and_debug():
    state = {"n": 0}

    def changes(x):
        state["n"] += 1
        return x * 2 if state["n"] == 1 else (x * 2).double()

    x = ember.ones(2, requires_grad=True)
    y = checkpoint(changes, x, use_reentrant=False)
    with pytest.raises(ecp.CheckpointError, match="Recomputed values for the following tensors "
                       "have different metadata") as info:
        y.sum().backward()
    assert isinstance(info.value, RuntimeError)
    assert "'dtype': torch.float32" in str(info.value) and "debug=True" in str(info.value)
    state["n"] = 0
    y = checkpoint(changes, x, use_reentrant=False, debug=True)
    with pytest.raises(ecp.CheckpointError, match="Outputs of the recomputation"):
        y.sum().backward()
    state["n"] = 0
    with ecp.set_checkpoint_debug_enabled(True):
        y = checkpoint(changes, x, use_reentrant=False)
    with pytest.raises(ecp.CheckpointError, match="Outputs of the recomputation"):
        y.sum().backward()
    state["n"] = 0
    y = checkpoint(changes, x, use_reentrant=False, determinism_check="none")
    y.sum().backward()   # the check is off; the float64 gradient is cast back
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_context_fn_runs_forward_and_recomputation_in_its_contexts():
    import contextlib
    log = []

    @contextlib.contextmanager
    def tag(name):
        log.append(f"enter {name}")
        yield
        log.append(f"exit {name}")

    def f(x):
        log.append("call")
        return x.exp()

    x = ember.ones(2, requires_grad=True)
    y = checkpoint(f, x, use_reentrant=False, context_fn=lambda: (tag("fwd"), tag("rec")))
    assert log == ["enter fwd", "call", "exit fwd"]
    y.sum().backward()
    assert log[3:] == ["enter rec", "call", "exit rec"]


def test_graph_is_freed_after_backward_unless_retained():
    x = ember.ones(2, requires_grad=True)
    y = checkpoint(lambda v: v.exp(), x, use_reentrant=False)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.e * np.ones(2), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_inplace_change_of_a_saved_input_is_detected(use_reentrant):
    xe = ember.ones(2, requires_grad=True) * 1
    xt = torch.ones(2, requires_grad=True) * 1
    ye = checkpoint(lambda v: v.exp(), xe, use_reentrant=use_reentrant)
    yt = tcp.checkpoint(lambda v: v.exp(), xt, use_reentrant=use_reentrant)
    with ember.no_grad():
        xe.add_(1)
    with torch.no_grad():
        xt.add_(1)
    te, me = _err(lambda: ye.sum().backward())
    tt, mt = _err(lambda: yt.sum().backward())
    assert te is tt is RuntimeError
    assert "modified by an inplace operation" in me and "modified by an inplace operation" in mt


def test_double_backward_is_refused_clearly():
    x = ember.ones(2, requires_grad=True)
    y = checkpoint(lambda v: v.pow(3), x, use_reentrant=False)
    with pytest.raises(RuntimeError, match="double backward"):
        ember.autograd.grad(y.sum(), x, create_graph=True)


def test_under_no_grad_it_just_runs():
    e, t = twin_mlp()
    x = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    with ember.no_grad():
        ye = checkpoint(e, to_e(x), use_reentrant=False)
        ye2 = checkpoint(e, to_e(x), use_reentrant=True)
    with torch.no_grad():
        yt = tcp.checkpoint(t, x, use_reentrant=False)
    close(ye, yt, rtol=1e-12, atol=1e-12)
    close(ye2, yt, rtol=1e-12, atol=1e-12)
    assert not ye.requires_grad and not ye2.requires_grad


def test_helpers_match_torch():
    xt = torch.ones(2, requires_grad=True) * 2
    xe = ember.ones(2, requires_grad=True) * 2
    dt, de = tcp.detach_variable((xt, 3)), ecp.detach_variable((xe, 3))
    assert (de[0].is_leaf, de[0].requires_grad, de[1]) == (dt[0].is_leaf, dt[0].requires_grad,
                                                           dt[1])
    assert _err(lambda: ecp.detach_variable([xe])) == _err(lambda: tcp.detach_variable([xt]))


def test_checkpoint_docstring_examples_run():
    name = "ember.utils.checkpoint"
    mod = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for test in doctest.DocTestFinder(exclude_empty=True).find(
            mod, name, globs=dict(vars(mod), ember=ember, nn=nn)):
        if test.examples:
            runner.run(test)
            n += 1
    assert n >= 8 and runner.summarize(verbose=False).failed == 0
    for obj in (checkpoint, checkpoint_sequential, ecp.CheckpointFunction,
                ecp.detach_variable):
        assert "Args:" in obj.__doc__ and "Example::" in obj.__doc__


@pytest.mark.parametrize("use_reentrant", VARIANTS)
def test_lazy_modules_initialized_inside_the_checkpoint(use_reentrant):
    m = nn.Sequential(nn.LazyLinear(4), nn.Tanh(), nn.LazyLinear(2))
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    x = ember.randn(3, 5, requires_grad=True)
    y = checkpoint(m, x, use_reentrant=use_reentrant)
    ref = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
    ref.load_state_dict(m.state_dict())
    y.pow(2).sum().backward()
    xr = x.detach().clone().requires_grad_()
    ref(xr).pow(2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xr.grad.numpy(), rtol=1e-5, atol=1e-6)
    for p, q in zip(m.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-6)
    opt.step()   # the optimizer built before the first forward updates the parameters
    np.testing.assert_allclose(m[0].weight.detach().numpy(),
                               (ref[0].weight - 0.1 * ref[0].weight.grad).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
