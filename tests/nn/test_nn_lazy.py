"""Lazy modules and uninitialized parameters/buffers against torch: placeholders and their
errors, shape inference at the first forward (class switch, same Parameter objects, so an
optimizer built before keeps working), state_dict save/load of lazy modules, repr."""
import copy
import doctest
import importlib
import pickle

import numpy as np
import pytest
import torch

import ember
import ember.nn as nn
from ember.nn.parameter import is_lazy
from nn_helpers import close, to_e


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error itself is what is compared
        return type(e), str(e)
    raise AssertionError("no error raised")


# ---------------------------------------------------------------- placeholders


def test_uninitialized_parameter_attributes_match_torch():
    e, t = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    assert repr(e) == repr(t) == "<UninitializedParameter>"
    assert str(e) == str(t)
    assert e.requires_grad is t.requires_grad is True
    assert str(e.dtype) == str(t.dtype) and e.device.type == t.device.type
    assert e.is_leaf and e.grad is None and e.ndim == t.ndim
    assert list(e.size()) == list(t.size())
    assert is_lazy(e) and torch.nn.parameter.is_lazy(t)
    assert isinstance(e, nn.Parameter) and isinstance(e, ember.Tensor)
    assert not is_lazy(nn.Parameter(ember.ones(1))) and not is_lazy(ember.ones(1))
    e2 = nn.UninitializedParameter(requires_grad=False, dtype=ember.float64)
    assert e2.requires_grad is False and e2.dtype is ember.float64
    assert e.is_floating_point() and not e.is_complex()
    # a parameter's conversion is a plain (empty) tensor, as in torch
    assert type(e.to(ember.float64)).__name__ == type(t.to(torch.float64)).__name__ == "Tensor"
    assert str(e.half().dtype) == str(t.half().dtype)


def test_uninitialized_parameter_errors_match_torch():
    e, t = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    assert _err(lambda: e.shape) == _err(lambda: t.shape)
    assert _err(lambda: e.share_memory_()) == _err(lambda: t.share_memory_())
    cases = [lambda p: p.sum(), lambda p: p.dim(), lambda p: p.numel(), lambda p: p.detach(),
             lambda p: p.clone(), lambda p: p.view(-1), lambda p: p.zero_(),
             lambda p: p.requires_grad_(), lambda p: p.tolist(), lambda p: p.numpy()]
    for case in cases:
        et, em = _err(lambda: case(e))
        tt, tm = _err(lambda: case(t))
        assert et is tt is ValueError
        # same text, with the same method named in it
        assert em == tm, (em, tm)
    for case in (lambda p: p + 1, lambda p: p * 2, lambda p: p[0], lambda p: len(p),
                 lambda p: bool(p), lambda p: p == p, lambda p: -p):
        et, em = _err(lambda: case(e))
        tt, tm = _err(lambda: case(t))
        assert et is tt is ValueError
        assert em.startswith("Attempted to use an uninitialized parameter in ")
        assert em.split(". ", 1)[1] == tm.split(". ", 1)[1]


def test_operations_on_placeholders_raise_torchs_value_error():
    e, t = nn.UninitializedParameter(), torch.nn.UninitializedParameter()
    cases = [(lambda p, lib: lib.add(p, 1), "add"),
             (lambda p, lib: lib.nn.functional.linear(lib.ones(2, 3), p), "linear"),
             (lambda p, lib: lib.exp(p), "")]
    for case, name in cases:
        et, em = _err(lambda: case(e, ember))
        tt, tm = _err(lambda: case(t, torch))
        assert et is tt is ValueError
        assert em.startswith(f"Attempted to use an uninitialized parameter in <function {name}")
        assert em.split(". ", 1)[1] == tm.split(". ", 1)[1]
    # an optimizer that builds per-parameter state at construction refuses, as torch's
    et, em = _err(lambda: ember.optim.Adagrad(nn.LazyLinear(2).parameters(), lr=0.1))
    tt, tm = _err(lambda: torch.optim.Adagrad(torch.nn.LazyLinear(2).parameters(), lr=0.1))
    assert et is tt is ValueError and em.split(". ", 1)[1] == tm.split(". ", 1)[1]


def test_uninitialized_buffer_matches_torch():
    e, t = nn.UninitializedBuffer(), torch.nn.UninitializedBuffer()
    assert repr(e) == repr(t) == "<UninitializedBuffer>"
    assert e.requires_grad is t.requires_grad is False
    assert isinstance(e, nn.Buffer) and isinstance(t, torch.nn.Buffer)
    assert e.persistent is t.persistent is True
    assert nn.UninitializedBuffer(persistent=False).persistent is False
    # conversions return placeholders of the new dtype, as torch's
    ed, td = e.double(), t.double()
    assert type(ed).__name__ == type(td).__name__ == "UninitializedBuffer"
    assert str(ed.dtype) == str(td.dtype) == "torch.float64"
    eh = e.to(ember.float16)
    assert is_lazy(eh) and eh.dtype is ember.float16
    assert _err(lambda: e.shape) == _err(lambda: t.shape)
    e.materialize((3,))
    t.materialize((3,))
    assert not is_lazy(e) and tuple(e.shape) == tuple(t.shape) == (3,)
    assert isinstance(e, ember.Tensor) and e.requires_grad is False


def test_materialize_in_place_keeps_identity_flags_and_takes_dtype():
    e = nn.UninitializedParameter(dtype=ember.float64)
    t = torch.nn.UninitializedParameter(dtype=torch.float64)
    ident = id(e)
    e.materialize((2, 3))
    t.materialize((2, 3))
    assert id(e) == ident and type(e) is nn.Parameter and type(t) is torch.nn.Parameter
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    assert e.requires_grad and e.is_leaf
    e2 = nn.UninitializedParameter(requires_grad=False)
    e2.materialize([4], dtype=ember.float16)
    assert e2.dtype is ember.float16 and tuple(e2.shape) == (4,) and not e2.requires_grad
    # a materialized parameter works in ops and autograd
    with ember.no_grad():
        e.fill_(2.0)
    e.sum().backward()
    np.testing.assert_array_equal(e.grad.numpy(), np.ones((2, 3)))


def test_placeholders_deepcopy_and_pickle():
    p = nn.UninitializedParameter(requires_grad=False, dtype=ember.float64)
    q = copy.deepcopy(p)
    assert q is not p and is_lazy(q) and q.dtype is ember.float64 and not q.requires_grad
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is nn.UninitializedParameter and r.requires_grad is False
    b = nn.UninitializedBuffer(persistent=False)
    b2 = copy.deepcopy(b)
    assert type(b2) is nn.UninitializedBuffer and b2.persistent is False


# ---------------------------------------------------------------- lazy layers

# name, constructor args, kwargs, input shape
LAYERS = [
    ("LazyLinear", (3,), {}, (4, 5)),
    ("LazyLinear", (3,), {"bias": False}, (2, 6, 5)),
    ("LazyConv1d", (4, 3), {"padding": 1}, (2, 3, 7)),
    ("LazyConv2d", (4, 3), {"stride": 2, "groups": 2}, (2, 6, 7, 7)),
    ("LazyConv2d", (4, 3), {"padding": "same", "bias": False}, (3, 6, 6)),
    ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2}, (2, 3, 5)),
    ("LazyConvTranspose2d", (6, 3), {"groups": 3, "output_padding": 1, "stride": 2},
     (2, 3, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (6, 4)),
    ("LazyBatchNorm1d", (), {"affine": False, "momentum": None}, (6, 4, 3)),
    ("LazyBatchNorm2d", (), {"eps": 1e-3}, (3, 4, 3, 3)),
    ("LazyBatchNorm3d", (), {"bias": False}, (2, 4, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 3, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", LAYERS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LAYERS)])
def test_lazy_layer_initializes_like_torch(name, args, kw, shape):
    e = getattr(nn, name)(*args, **kw)
    t = getattr(torch.nn, name)(*args, **kw)
    assert repr(e) == repr(t)
    assert e.has_uninitialized_params() == t.has_uninitialized_params()
    e_params = {n: p for n, p in e.named_parameters()}
    assert list(e_params) == [n for n, _ in t.named_parameters()]
    assert all(is_lazy(p) for p in e_params.values())
    assert list(e.state_dict()) == list(t.state_dict())
    x = torch.randn(*shape, dtype=torch.float32)
    xe = to_e(x, requires_grad=True)
    ye = e(xe)
    yt = t(x.clone().requires_grad_())
    # the module became the regular class, keeping the very same Parameter objects
    assert type(e).__name__ == type(t).__name__ == name[4:]
    assert type(e) is getattr(nn, name[4:])
    assert repr(e) == repr(t)
    for n, p in e.named_parameters():
        assert p is e_params[n] and type(p) is nn.Parameter
    assert not hasattr(e, "has_uninitialized_params")   # the lazy mixin is gone
    assert not any(is_lazy(v) for v in e.state_dict(keep_vars=True).values())
    assert not hasattr(e, "_initialize_hook") and len(e._forward_pre_hooks) == 0
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in e.state_dict().items()] == \
        [(k, tuple(v.shape), str(v.dtype)) for k, v in t.state_dict().items()]
    assert tuple(ye.shape) == tuple(yt.shape)
    # with torch's initial values the layer computes what torch's does, gradients too
    e.load_state_dict({k: to_e(v, requires_grad=False) for k, v in t.state_dict().items()})
    x2 = torch.randn(*shape, requires_grad=True)
    xe2 = to_e(x2)
    ye, yt = e(xe2), t(x2)
    close(ye, yt, rtol=1e-4, atol=1e-5)
    g = torch.randn(*yt.shape)
    yt.backward(g)
    ye.backward(to_e(g, requires_grad=False))
    close(xe2.grad, x2.grad, rtol=1e-4, atol=1e-4)
    for (n, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        close(pe.grad, pt.grad, rtol=1e-4, atol=1e-4)
    for (n, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        close(be, bt, rtol=1e-4, atol=1e-5)


def test_lazy_default_initialization_follows_the_regular_layer():
    ember.manual_seed(0)
    lin = nn.LazyLinear(50)
    lin(ember.randn(3, 16))
    bound = 1 / np.sqrt(16)
    assert np.abs(lin.weight.detach().numpy()).max() <= bound
    assert np.abs(lin.bias.detach().numpy()).max() <= bound
    assert lin.weight.detach().numpy().std() > bound / 4   # really initialized
    conv = nn.LazyConv2d(8, 3)
    conv(ember.randn(1, 4, 5, 5))
    bound = 1 / np.sqrt(4 * 9)
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    bn = nn.LazyBatchNorm2d()
    bn.eval()   # eval forward still initializes: weight 1, bias 0, running stats 0 / 1
    bn(ember.randn(2, 5, 3, 3))
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(5))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.zeros(5))
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(5))
    np.testing.assert_array_equal(bn.running_var.numpy(), np.ones(5))
    assert int(bn.num_batches_tracked) == 0


def test_lazy_instance_norm_defaults_are_torchs():
    e, t = nn.LazyInstanceNorm2d(), torch.nn.LazyInstanceNorm2d()
    assert (e.affine, e.track_running_stats) == (t.affine, t.track_running_stats) == \
        (True, True)
    assert repr(e) == repr(t)


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
def test_optimizer_built_before_first_forward_trains_like_torch(opt_name):
    kw = {"lr": 0.1, "momentum": 0.9} if opt_name == "SGD" else {"lr": 0.01}
    tm = torch.nn.Sequential(torch.nn.LazyLinear(6), torch.nn.Tanh(), torch.nn.LazyLinear(2))
    em = nn.Sequential(nn.LazyLinear(6), nn.Tanh(), nn.LazyLinear(2))
    topt = getattr(torch.optim, opt_name)(tm.parameters(), **kw)
    eopt = getattr(ember.optim, opt_name)(em.parameters(), **kw)
    eparams = list(em.parameters())
    rng = np.random.default_rng(0)
    for step in range(4):
        xn = rng.standard_normal((5, 3)).astype(np.float32)
        x, xe = torch.from_numpy(xn), ember.from_numpy(xn)
        yt = tm(x)
        ye = em(xe)
        if step == 0:   # first forward initialized both; start from the same values
            with ember.no_grad():
                for pe, pt in zip(em.parameters(), tm.parameters()):
                    pe.copy_(to_e(pt, requires_grad=False))
            ye = em(xe)
            assert [p is q for p, q in zip(em.parameters(), eparams)] == [True] * 4
            assert type(em[0]) is nn.Linear and type(tm[0]) is torch.nn.Linear
        topt.zero_grad()
        eopt.zero_grad()
        yt.pow(2).mean().backward()
        ye.pow(2).mean().backward()
        topt.step()
        eopt.step()
    for pe, pt in zip(em.parameters(), tm.parameters()):
        close(pe, pt, rtol=1e-4, atol=1e-5)


def test_conversion_before_first_forward_sets_dtype():
    e = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d()).double()
    t = torch.nn.Sequential(torch.nn.LazyLinear(3), torch.nn.LazyBatchNorm1d()).double()
    e(ember.randn(4, 2, dtype=ember.float64))
    t(torch.randn(4, 2, dtype=torch.float64))
    assert [str(v.dtype) for v in e.state_dict().values()] == \
        [str(v.dtype) for v in t.state_dict().values()]
    e2 = nn.LazyConv1d(2, 3, dtype=ember.float64)
    e2(ember.randn(1, 4, 6, dtype=ember.float64))
    assert e2.weight.dtype is ember.float64 and tuple(e2.weight.shape) == (2, 4, 3)


def test_lazy_module_operations_before_initialization_match_torch():
    e, t = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    assert _err(lambda: e.requires_grad_(False)) == _err(lambda: t.requires_grad_(False))
    assert _err(lambda: e.share_memory()) == _err(lambda: t.share_memory())
    e.zero_grad()
    t.zero_grad()
    c = copy.deepcopy(e)
    assert c.weight is not e.weight and is_lazy(c.weight)
    c(ember.randn(2, 7))
    assert tuple(c.weight.shape) == (4, 7) and is_lazy(e.weight)   # the original is untouched
    e(ember.randn(2, 3))
    assert tuple(e.weight.shape) == (4, 3)


def test_state_dict_of_uninitialized_modules_matches_torch():
    e = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d())
    t = torch.nn.Sequential(torch.nn.LazyLinear(3), torch.nn.LazyBatchNorm1d())
    es, ts = e.state_dict(), t.state_dict()
    assert list(es) == list(ts)
    assert [repr(v) for v in es.values()] == [repr(v) for v in ts.values()]
    # keep_vars returns the placeholder objects themselves
    assert e.state_dict(keep_vars=True)["0.weight"] is e[0].weight


def test_load_state_dict_into_lazy_module_infers_shapes():
    t = torch.nn.Sequential(torch.nn.Linear(5, 3), torch.nn.BatchNorm1d(3),
                            torch.nn.Conv1d(3, 2, 2))
    t.train()
    t[:2](torch.randn(6, 5))   # non-trivial running statistics
    e = nn.Sequential(nn.LazyLinear(3), nn.LazyBatchNorm1d(), nn.LazyConv1d(2, 2))
    tl = torch.nn.Sequential(torch.nn.LazyLinear(3), torch.nn.LazyBatchNorm1d(),
                             torch.nn.LazyConv1d(2, 2))
    sd = t.state_dict()
    res_e = e.load_state_dict({k: to_e(v, requires_grad=False) for k, v in sd.items()})
    res_t = tl.load_state_dict(sd)
    assert repr(res_e) == repr(res_t)
    # as in torch: materialized, but still the lazy class until the first forward
    assert [type(m).__name__ for m in e] == [type(m).__name__ for m in tl]
    assert not any(m.has_uninitialized_params() for m in e)
    assert e[0].in_features == tl[0].in_features == 0
    for k, v in e.state_dict().items():
        close(v, sd[k])
    e.eval()
    t.eval()
    x = torch.randn(4, 5)
    out_t = t[2](t[:2](x).unsqueeze(-1).expand(4, 3, 3))
    out_e = e[2](e[:2](to_e(x)).unsqueeze(-1).expand(4, 3, 3))
    close(out_e, out_t, rtol=1e-4, atol=1e-5)
    assert type(e[0]) is nn.Linear and e[0].in_features == 5


def test_load_state_dict_errors_match_torch():
    # an uninitialized state into an initialized module: the shape error
    assert _err(lambda: nn.Linear(3, 4).load_state_dict(nn.LazyLinear(4).state_dict())) == \
        _err(lambda: torch.nn.Linear(3, 4).load_state_dict(torch.nn.LazyLinear(4).state_dict()))
    # lazy into lazy: nothing to copy, stays uninitialized
    e = nn.LazyLinear(4)
    assert repr(e.load_state_dict(nn.LazyLinear(4).state_dict())) == \
        repr(torch.nn.LazyLinear(4).load_state_dict(torch.nn.LazyLinear(4).state_dict()))
    assert is_lazy(e.weight)
    # a missing key: torch's message; the present one is materialized anyway
    e, t = nn.LazyLinear(4), torch.nn.LazyLinear(4)
    w = torch.randn(4, 3)
    assert _err(lambda: e.load_state_dict({"weight": to_e(w)})) == \
        _err(lambda: t.load_state_dict({"weight": w}))
    assert tuple(e.weight.shape) == (4, 3) and is_lazy(e.bias)
    # after a load, an input of another width is refused
    e = nn.LazyLinear(2)
    e.load_state_dict({"weight": ember.zeros(2, 3), "bias": ember.zeros(2)})
    with pytest.raises(AssertionError, match="in_features inferred from input: 5"):
        e(ember.randn(1, 5))


def test_lazy_input_errors_match_torch():
    e, t = nn.LazyConv2d(4, 3), torch.nn.LazyConv2d(4, 3)
    assert _err(lambda: e(ember.randn(2, 3))) == _err(lambda: t(torch.randn(2, 3)))
    e, t = nn.LazyConv1d(4, 3, groups=2), torch.nn.LazyConv1d(4, 3, groups=2)
    assert _err(lambda: e(ember.randn(1, 3, 5))) == _err(lambda: t(torch.randn(1, 3, 5)))
    # still lazy after the failed call
    assert is_lazy(e.weight) and type(e) is nn.LazyConv1d


def test_unbatched_conv_input_infers_from_dim_0():
    e = nn.LazyConvTranspose2d(2, 3)
    t = torch.nn.LazyConvTranspose2d(2, 3)
    x = torch.randn(5, 4, 4)
    e.weight  # noqa: B018
    ye, yt = e(to_e(x)), t(x)
    assert e.in_channels == t.in_channels == 5 and tuple(ye.shape) == tuple(yt.shape)


def test_lazy_mlp_repr_before_and_after_matches_torch():
    def build(mod):
        return mod.Sequential(mod.LazyLinear(10), mod.ReLU(), mod.LazyLinear(1))
    e, t = build(nn), build(torch.nn)
    assert repr(e) == repr(t)
    e(ember.ones(10, 10))
    t(torch.ones(10, 10))
    assert repr(e) == repr(t)


@pytest.mark.parametrize("name", ["ember.nn.modules.lazy", "ember.nn.parameter"])
def test_lazy_docstring_examples_run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod), ember=ember, np=np, nn=nn)
    n = 0
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            ember.manual_seed(0)
            runner.run(test)
            n += 1
    assert n >= 5 and runner.summarize(verbose=False).failed == 0
    for cls_name in ("LazyLinear", "LazyConv2d", "LazyConvTranspose3d", "LazyBatchNorm1d",
                     "LazyInstanceNorm2d"):
        doc = getattr(nn, cls_name).__doc__
        assert "Args:" in doc and "Example::" in doc
