"""ember.compile / ember.compiler / ember._dynamo against torch.compile(backend="eager")."""
import copy
import io
import pickle

import numpy as np
import pytest
import torch

import ember
import ember._dynamo
import ember.compiler


def _pair():
    """The same small model (with buffers) in torch and ember, with identical weights."""
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                             torch.nn.Linear(8, 3))
    em = ember.nn.Sequential(ember.nn.Linear(6, 8), ember.nn.BatchNorm1d(8), ember.nn.ReLU(),
                             ember.nn.Linear(8, 3))
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return tm, em


def test_compiled_module_state_dict_keys_match_torch():
    tm, em = _pair()
    tc = torch.compile(tm, backend="eager")
    ec = ember.compile(em, backend="eager")
    assert list(ec.state_dict()) == list(tc.state_dict())
    assert list(ec.state_dict())[0].startswith("_orig_mod.")
    assert [n for n, _ in ec.named_parameters()] == [n for n, _ in tc.named_parameters()]
    assert [n for n, _ in ec.named_buffers()] == [n for n, _ in tc.named_buffers()]
    assert [n for n, _ in ec.named_modules()] == [n for n, _ in tc.named_modules()]
    assert repr(ec) == repr(tc)
    assert type(ec).__name__ == type(tc).__name__ == "OptimizedModule"
    assert type(ec).__module__ == type(tc).__module__.replace("torch", "ember")
    assert isinstance(ec, ember._dynamo.eval_frame.OptimizedModule)
    assert isinstance(ec, ember.nn.Module)


def test_compiled_outputs_and_grads_identical_to_uncompiled():
    tm, em = _pair()
    ec = ember.compile(em)
    x = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    out_c = ec(xe)
    out_c.sum().backward()
    g_c = xe.grad.numpy().copy()
    wg_c = em[0].weight.grad.numpy().copy()
    xe.grad = None
    em.zero_grad()
    tm.train(), em.train()
    out_p = em(xe)
    out_p.sum().backward()
    # the compiled module runs the original module: bit-identical results
    assert np.array_equal(out_c.detach().numpy(), out_p.detach().numpy())
    assert np.array_equal(g_c, xe.grad.numpy())
    assert np.array_equal(wg_c, em[0].weight.grad.numpy())
    # ... which are torch's results (torch.compile's eager backend = the uncompiled module)
    xt = torch.tensor(x, requires_grad=True)
    tm(xt).sum().backward()
    np.testing.assert_allclose(out_c.detach().numpy(), tm(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(g_c, xt.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_compiled_checkpoint_loads_into_plain_model_after_stripping_prefix(tmp_path):
    tm, em = _pair()
    ec = ember.compile(em)
    path = tmp_path / "ck.pt"
    ember.save(ec.state_dict(), path)
    sd = ember.load(path)
    plain = ember.nn.Sequential(ember.nn.Linear(6, 8), ember.nn.BatchNorm1d(8),
                                ember.nn.ReLU(), ember.nn.Linear(8, 3))
    with pytest.raises(RuntimeError, match="Unexpected key"):
        plain.load_state_dict(sd)
    stripped = {k.removeprefix("_orig_mod."): v for k, v in sd.items()}
    plain.load_state_dict(stripped)
    plain.eval(), em.eval()
    x = ember.randn(4, 6)
    assert ember.equal(plain(x), ec(x))
    # torch reads ember's compiled checkpoint, and ember reads torch's, after the same strip
    tplain = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.BatchNorm1d(8),
                                 torch.nn.ReLU(), torch.nn.Linear(8, 3))
    tsd = torch.load(path)
    tplain.load_state_dict({k.removeprefix("_orig_mod."): v for k, v in tsd.items()})
    tpath = tmp_path / "torch_ck.pt"
    torch.save(torch.compile(tm, backend="eager").state_dict(), tpath)
    esd = ember.load(tpath)
    assert list(esd) == list(sd)
    plain2 = copy.deepcopy(plain)
    plain2.load_state_dict({k.removeprefix("_orig_mod."): v for k, v in esd.items()})
    for k, v in plain2.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), tm.state_dict()[k].numpy())


def test_compiled_module_forwards_attributes_and_training_mode():
    net = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.Dropout(0.5))
    ec = ember.compile(net)
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout(0.5))
    tc = torch.compile(tnet, backend="eager")
    assert ec._orig_mod is net
    assert len(ec) == len(tc) == 2
    ec.eval(), tc.eval()
    assert (net.training, net[1].training, ec.training) == (tnet.training, tnet[1].training,
                                                            tc.training) == (False,) * 3
    ec.train(), tc.train()
    assert net.training and net[1].training and ec.training and tc.training
    net.training = False
    assert ec.training is False
    ec.custom_flag = 7            # written to the original module, as in torch
    tc.custom_flag = 7
    assert net.custom_flag == 7 == tnet.custom_flag
    assert "custom_flag" not in ec.__dict__
    del ec.custom_flag
    assert not hasattr(net, "custom_flag")
    assert ec.parameters is not None and len(list(ec.parameters())) == 2
    with pytest.raises(AttributeError):
        ec.no_such_attribute
    # hooks on the compiled module run around the original call
    seen = []
    h = ec.register_forward_hook(lambda m, i, o: seen.append(o.shape))
    ec(ember.ones(4, 3))
    h.remove()
    assert seen == [ember.Size([4, 2])]
    assert "forward" in dir(ec) and "_orig_mod" in dir(ec)


def test_compiled_module_pickle_and_deepcopy():
    net = ember.nn.Linear(3, 2)
    ec = ember.compile(net, mode="max-autotune")
    for clone in (pickle.loads(pickle.dumps(ec)), copy.deepcopy(ec)):
        assert type(clone).__name__ == "OptimizedModule"
        assert clone._orig_mod is not net
        assert list(clone.state_dict()) == ["_orig_mod.weight", "_orig_mod.bias"]
        x = ember.randn(2, 3)
        assert ember.equal(clone(x), net(x))
        assert clone.get_compiler_config().mode == "max-autotune"
    buf = io.BytesIO()
    ember.save(ec.state_dict(), buf)
    buf.seek(0)
    assert list(ember.load(buf)) == ["_orig_mod.weight", "_orig_mod.bias"]


def test_compile_functions_and_decorator_forms():
    def f(x, y=1.0):
        """doc of f"""
        return (x * y).sin()

    tf = torch.compile(f, backend="eager")
    ef = ember.compile(f)
    assert ef.__name__ == tf.__name__ == "f" and ef.__doc__ == tf.__doc__
    assert ef.__wrapped__ is f and ef._torchdynamo_orig_callable is f
    x = ember.tensor([0.5, 1.0], requires_grad=True)
    y = ef(x, y=2.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (2 * np.cos(2 * np.array([0.5, 1.0]))),
                               rtol=1e-6)

    @ember.compile
    def g(x):
        return x + 1

    @ember.compile(backend="eager", fullgraph=True, dynamic=True)
    def h(x):
        return x * 3

    @ember.compile()
    def k(x):
        return x - 1

    assert g(ember.ones(1)).item() == 2 and h(ember.ones(1)).item() == 3 and k(ember.ones(1)).item() == 0
    assert g.__name__ == "g" and h.__name__ == "h"
    deco = ember.compile(None, backend="eager")
    assert callable(deco)
    with pytest.raises(RuntimeError, match="Model can't be None"):
        deco(None)
    # a bound method and a lambda compile too
    lin = ember.nn.Linear(2, 2)
    assert ember.equal(ember.compile(lin.forward)(ember.ones(1, 2)), lin(ember.ones(1, 2)))
    assert ember.compile(lambda t: t * 0)(ember.ones(2)).sum().item() == 0


def _torch_error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e), str(e)
    return None, None


@pytest.mark.parametrize("kwargs", [dict(mode="fast"), dict(mode="max-autotune", options={"a": 1}),
                                    dict(backend="no_such_backend")])
def test_compile_argument_errors_match_torch(kwargs):
    t_type, t_msg = _torch_error(lambda: torch.compile(torch.nn.Linear(2, 2), **kwargs))
    assert t_type is not None
    with pytest.raises(RuntimeError) as ei:
        ember.compile(ember.nn.Linear(2, 2), **kwargs)
    assert str(ei.value) == t_msg
    assert type(ei.value).__name__ == t_type.__name__


def test_compile_non_callable_and_disable_like_torch():
    t_type, t_msg = _torch_error(lambda: torch.compile(3))
    with pytest.raises(AssertionError) as ei:
        ember.compile(3)
    assert t_type is AssertionError and str(ei.value) == t_msg
    net = ember.nn.Linear(2, 2)
    tnet = torch.nn.Linear(2, 2)
    assert (ember.compile(net, disable=True) is net) == (torch.compile(tnet, disable=True) is tnet)
    # every backend torch registers is accepted (all run eagerly), and modes with backend=eager
    # are not validated (torch ignores them there)
    for b in ember._dynamo.list_backends(exclude_tags=None):
        assert ember.compile(lambda x: x + 1, backend=b)(ember.ones(1)).item() == 2
    ember.compile(net, backend="eager", mode="anything")
    assert ember._dynamo.list_backends() == torch._dynamo.list_backends()
    assert set(ember._dynamo.list_backends(exclude_tags=())) <= \
        set(torch._dynamo.list_backends(exclude_tags=()))
    with pytest.raises(TypeError, match="backend"):
        ember.compile(net, backend=3)


def test_dynamo_and_compiler_namespaces():
    assert ember._dynamo.reset() is None and ember.compiler.reset() is None
    assert ember.compiler.is_compiling() is torch.compiler.is_compiling() is False
    assert ember._dynamo.is_compiling() is False
    assert ember.compiler.is_dynamo_compiling() is False and ember.compiler.is_exporting() is False
    assert ember.compiler.compile is ember.compile

    @ember.compiler.disable
    def f(x):
        return x + 1

    @ember.compiler.disable(recursive=False, reason="python side effects")
    def g(x):
        return x * 2

    assert f(ember.ones(1)).item() == 2 and f.__name__ == "f"
    assert g(ember.ones(1)).item() == 2 and g._torchdynamo_disable_msg == "python side effects"
    ember._dynamo.config.suppress_errors = True
    assert ember._dynamo.config.suppress_errors is True
    ember._dynamo.config.suppress_errors = False
    assert ember._dynamo.optimize("eager")(lambda x: x * 5)(ember.ones(1)).item() == 5
    x = ember.ones(3, 4)
    ember._dynamo.mark_dynamic(x, 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        ember._dynamo.mark_dynamic(x, 2)
    assert ember._dynamo.explain(lambda t: t + 1)(x).graph_break_count == 0
    assert "compiler" in dir(ember) and "compile" in dir(ember)


def test_register_backend_makes_name_valid():
    with pytest.raises(ember._dynamo.exc.InvalidBackend):
        ember.compile(lambda x: x, backend="tools_test_backend")

    @ember._dynamo.register_backend(name="tools_test_backend")
    def my_backend(gm, example_inputs):
        return gm.forward

    assert ember.compile(lambda x: x * 2, backend="tools_test_backend")(ember.ones(1)).item() == 2
    assert ember.compile(lambda x: x * 2, backend=my_backend)(ember.ones(1)).item() == 2
    ember._dynamo._BACKENDS.pop("tools_test_backend")
