"""nn.Module / Parameter / containers semantics against torch: registration, state_dict,
load_state_dict (incl. error texts), hooks, modes, conversion, repr, copy and pickle."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as tnn

import ember
import ember.nn as enn
from nn_helpers import to_e, close, copy_module, pair


def _net(m):
    class Block(m.Module):
        def __init__(self):
            super().__init__()
            self.fc = m.Linear(3, 4)
            self.act = m.ReLU()
            self.register_buffer("steps", (torch if m is tnn else ember).zeros(2))
            self.register_buffer("scratch", (torch if m is tnn else ember).ones(1),
                                 persistent=False)

        def forward(self, x):
            return self.act(self.fc(x))

    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.seq = m.Sequential(m.Linear(4, 4), m.Tanh(), m.Sequential(m.Linear(4, 2)))
            self.heads = m.ModuleList([m.Linear(2, 2), m.Linear(2, 2), m.Linear(2, 1)])
            self.table = m.ModuleDict({"b": m.Identity(), "a": m.Dropout(0.1)})
            self.extra = m.Parameter((torch if m is tnn else ember).zeros(3))
            self.none_param = None

        def forward(self, x):
            y = self.seq(self.block(x))
            for h in self.heads[:2]:
                y = h(y)
            return self.heads[2](y) + self.extra.sum()
    return Net()


def test_nested_names_state_dict_and_repr_match_torch():
    e_net, t_net = _net(enn), _net(tnn)
    assert repr(e_net) == repr(t_net)
    assert [n for n, _ in e_net.named_parameters()] == [n for n, _ in t_net.named_parameters()]
    assert [n for n, _ in e_net.named_buffers()] == [n for n, _ in t_net.named_buffers()]
    assert [n for n, _ in e_net.named_modules()] == [n for n, _ in t_net.named_modules()]
    assert [n for n, _ in e_net.named_children()] == [n for n, _ in t_net.named_children()]
    e_sd, t_sd = e_net.state_dict(), t_net.state_dict()
    assert list(e_sd) == list(t_sd)
    assert [tuple(v.shape) for v in e_sd.values()] == [tuple(v.shape) for v in t_sd.values()]
    assert isinstance(e_sd, OrderedDict)
    assert dict(e_sd._metadata) == dict(t_sd._metadata)
    assert list(e_net.state_dict(prefix="p.")) == list(t_net.state_dict(prefix="p."))
    copy_module(e_net, t_net)
    t, e = pair(5, 3)
    close(e_net(e), t_net(t))
    assert sorted(dir(e_net)) == sorted(set(dir(e_net)))
    assert "block" in dir(e_net) and "extra" in dir(e_net)


def test_state_dict_values_share_memory_and_keep_vars():
    lin = enn.Linear(3, 2)
    sd = lin.state_dict()
    assert not sd["weight"].requires_grad and not isinstance(sd["weight"], enn.Parameter)
    enn.init.constant_(sd["weight"], 0.5)
    enn.init.zeros_(sd["bias"])
    assert float(lin.weight.sum()) == 3.0 and float(lin.bias.abs().sum()) == 0.0
    kv = lin.state_dict(keep_vars=True)
    assert kv["weight"] is lin.weight


def test_load_state_dict_error_texts_match_torch():
    for bad in [
        {"weight": torch.zeros(5, 4), "bias": torch.zeros(5)},
        {"weight": torch.zeros(2, 3)},
        {"weight": torch.zeros(2, 3), "bias": torch.zeros(2), "extra": torch.zeros(1)},
        {"weight": torch.zeros(2, 3), "bias": torch.zeros(3), "foo.bar": torch.zeros(1)},
    ]:
        t_lin, e_lin = tnn.Linear(3, 2), enn.Linear(3, 2)
        with pytest.raises(RuntimeError) as ti:
            t_lin.load_state_dict(bad)
        with pytest.raises(RuntimeError) as ei:
            e_lin.load_state_dict({k: to_e(v) for k, v in bad.items()})
        assert str(ei.value) == str(ti.value)
    t_res = tnn.Linear(3, 2).load_state_dict({"weight": torch.zeros(2, 3), "x": torch.ones(1)},
                                             strict=False)
    e_res = enn.Linear(3, 2).load_state_dict({"weight": ember.zeros(2, 3), "x": ember.ones(1)},
                                             strict=False)
    assert e_res.missing_keys == t_res.missing_keys == ["bias"]
    assert e_res.unexpected_keys == t_res.unexpected_keys == ["x"]
    assert repr(enn.Linear(1, 1).load_state_dict(enn.Linear(1, 1).state_dict())) == \
        "<All keys matched successfully>"
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        enn.Linear(1, 1).load_state_dict([1, 2])


def test_load_state_dict_copies_in_place_or_assigns():
    lin = enn.Linear(3, 2)
    w = lin.weight
    src = {"weight": ember.ones(2, 3, dtype=ember.float64), "bias": ember.zeros(2)}
    lin.load_state_dict(src)
    assert lin.weight is w and lin.weight.dtype == ember.float32
    assert float(lin.weight.sum()) == 6.0
    new_w = ember.full((2, 3), 2.0)
    lin.load_state_dict({"weight": new_w, "bias": ember.zeros(2)}, assign=True)
    assert isinstance(lin.weight, enn.Parameter) and lin.weight.requires_grad
    assert lin.weight is not w and float(lin.weight.sum()) == 12.0


def test_load_state_dict_hooks_and_buffers():
    calls = []

    class WithVersion(enn.Module):
        _version = 2

        def __init__(self):
            super().__init__()
            self.register_buffer("count", ember.tensor(0, dtype=ember.int64))
            self.p = enn.Parameter(ember.zeros(2))

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                                  missing_keys, unexpected_keys, error_msgs):
            calls.append(local_metadata.get("version"))
            key = prefix + "count"
            if key not in state_dict:  # old checkpoints: default it, as BatchNorm does
                state_dict[key] = ember.tensor(7, dtype=ember.int64)
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                          missing_keys, unexpected_keys, error_msgs)

    m = enn.Sequential(WithVersion())
    sd = m.state_dict()
    assert sd._metadata["0"] == {"version": 2}
    del sd["0.count"]
    m.load_state_dict(sd)
    assert calls == [2] and int(m[0].count) == 7
    seen = []
    m.register_load_state_dict_post_hook(lambda mod, keys: seen.append(list(keys.missing_keys)))
    m.load_state_dict(m.state_dict())
    assert seen == [[]]


def test_setattr_routing_and_errors_match_torch():
    for m, lib in ((enn, ember), (tnn, torch)):
        mod = m.Module()
        mod.w = m.Parameter(lib.ones(2))
        mod.sub = m.Linear(1, 1)
        mod.register_buffer("buf", lib.zeros(1))
        mod.plain = lib.zeros(1)
        assert set(mod._parameters) == {"w"} and set(mod._modules) == {"sub"}
        assert set(mod._buffers) == {"buf"} and "plain" in mod.__dict__
        mod.buf = lib.ones(3)
        assert mod._buffers["buf"].shape == (3,)
        del mod.w
        assert "w" not in mod._parameters
    errs = [
        lambda m, lib: setattr(m.Linear(1, 1), "weight", lib.zeros(1, 1)),
        lambda m, lib: setattr(m.Sequential(m.ReLU()), "0", 3),
        lambda m, lib: m.Module().register_parameter("a.b", None),
        lambda m, lib: m.Module().register_buffer("", None),
        lambda m, lib: m.Module().register_buffer("x", 3),
        lambda m, lib: m.Module().register_parameter("x", lib.zeros(1)),
        lambda m, lib: m.Module().add_module("x", 3),
        lambda m, lib: m.Module().add_module("a.b", m.ReLU()),
        lambda m, lib: getattr(m.Linear(1, 1), "foo"),
        lambda m, lib: m.Linear(1, 1).register_buffer("weight", lib.zeros(1)),
    ]
    for make in errs:
        with pytest.raises(Exception) as ti:
            make(tnn, torch)
        with pytest.raises(Exception) as ei:
            make(enn, ember)
        assert type(ei.value) is type(ti.value), (ei.value, ti.value)
        assert str(ei.value) == str(ti.value)


def test_setattr_before_init_raises_like_torch():
    class Bad(enn.Module):
        def __init__(self):
            self.fc = enn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) "
                                             "call"):
        Bad()


def test_get_submodule_parameter_buffer_match_torch():
    e_net, t_net = _net(enn), _net(tnn)
    assert e_net.get_submodule("seq.2.0").out_features == 2
    assert e_net.get_parameter("block.fc.weight") is e_net.block.fc.weight
    assert e_net.get_buffer("block.steps") is e_net.block.steps
    for call in [lambda n: n.get_submodule("seq.9"), lambda n: n.get_submodule("extra"),
                 lambda n: n.get_parameter("block.steps"), lambda n: n.get_buffer("extra"),
                 lambda n: n.get_parameter("block.nope")]:
        with pytest.raises(AttributeError) as ti:
            call(t_net)
        with pytest.raises(AttributeError) as ei:
            call(e_net)
        assert str(ei.value) == str(ti.value)


def test_shared_modules_and_parameters_are_deduplicated():
    shared = enn.Linear(2, 2)
    net = enn.Sequential(shared, enn.ReLU(), shared)
    assert len(list(net.parameters())) == 2
    assert len(list(net.modules())) == 3
    assert len(list(net.named_parameters(remove_duplicate=False))) == 4
    tshared = tnn.Linear(2, 2)
    tnet = tnn.Sequential(tshared, tnn.ReLU(), tshared)
    assert list(net.state_dict()) == list(tnet.state_dict())
    assert [n for n, _ in net.named_modules(remove_duplicate=False)] == \
        [n for n, _ in tnet.named_modules(remove_duplicate=False)]


def test_train_eval_requires_grad_zero_grad_apply():
    net = _net(enn)
    assert net.training and net.table["a"].training
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")
    net(ember.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-1] == "Net" and seen[0] == "Linear"


def test_to_dtype_keeps_parameter_objects_and_moves_grads():
    lin = enn.Linear(3, 2)
    w = lin.weight
    lin(ember.randn(4, 3)).sum().backward()
    assert lin.to(ember.float64) is lin
    assert lin.weight is w and w.dtype == ember.float64 and w.grad.dtype == ember.float64
    lin.float()
    assert w.dtype == ember.float32
    lin.half()
    assert w.dtype == ember.float16
    lin.to(dtype=ember.float32, device="cpu")
    assert w.dtype == ember.float32 and lin.cpu() is lin
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point or complex "
                                        "dtypes, but got desired dtype=torch.int64"):
        lin.to(ember.int64)
    m = enn.Module()
    m.register_buffer("idx", ember.tensor([1, 2]))
    m.register_buffer("f", ember.zeros(2))
    m.double()
    assert m.idx.dtype == ember.int64 and m.f.dtype == ember.float64
    m.to(ember.zeros(1, dtype=ember.float32))
    assert m.f.dtype == ember.float32


def test_forward_hooks_match_torch_semantics():
    for m, lib in ((enn, ember), (tnn, torch)):
        lin = m.Linear(2, 2)
        log = []
        h1 = lin.register_forward_pre_hook(lambda mod, args: log.append("pre") or (args[0] * 0,))
        h2 = lin.register_forward_hook(lambda mod, args, out: log.append("post") or out + 1)
        h3 = lin.register_forward_hook(lambda mod, args, out: log.append("first"), prepend=True)
        h4 = lin.register_forward_pre_hook(
            lambda mod, args, kwargs: log.append(("kw", sorted(kwargs))), with_kwargs=True)
        out = lin(lib.ones(1, 2))
        assert log == ["pre", ("kw", []), "first", "post"]
        assert np.allclose(out.detach().numpy(), lin.bias.detach().numpy() + 1)
        for h in (h1, h2, h3, h4):
            h.remove()
        log.clear()
        lin(lib.ones(1, 2))
        assert log == []
        with lin.register_forward_hook(lambda *a: log.append("ctx")):
            lin(lib.ones(1, 2))
        lin(lib.ones(1, 2))
        assert log == ["ctx"]


def test_forward_hook_with_kwargs_and_always_call():
    class Add(enn.Module):
        def forward(self, x, *, scale=1.0):
            if scale < 0:
                raise ValueError("negative")
            return x * scale

    m = Add()
    got = []
    m.register_forward_hook(lambda mod, args, kwargs, out: got.append(kwargs["scale"]),
                            with_kwargs=True)
    m(ember.ones(1), scale=3.0)
    assert got == [3.0]
    always = []
    m.register_forward_hook(lambda mod, args, out: always.append(out), always_call=True)
    with pytest.raises(ValueError):
        m(ember.ones(1), scale=-1.0)
    assert always == [None]


def test_full_backward_hooks_match_torch():
    results = {}
    for m, lib in ((enn, ember), (tnn, torch)):
        torch.manual_seed(0)
        t_lin = tnn.Linear(3, 2)
        lin = m.Linear(3, 2)
        if m is enn:
            copy_module(lin, t_lin)
        else:
            lin = t_lin
        log = []

        def hook(mod, gin, gout):
            log.append(("hook", [None if g is None else g.detach().numpy().copy() for g in gin],
                        [g.detach().numpy().copy() for g in gout]))
            return (gin[0] * 2,)

        def pre(mod, gout):
            log.append(("pre", [g.detach().numpy().copy() for g in gout]))
            return (gout[0] * 3,)

        lin.register_full_backward_hook(hook)
        lin.register_full_backward_pre_hook(pre)
        x = lib.tensor(np.arange(6.0).reshape(2, 3).astype(np.float32), requires_grad=True)
        (lin(x) ** 2).sum().backward()
        results[m] = (log, x.grad.numpy().copy(), lin.weight.grad.numpy().copy())
    (le, xe, we), (lt, xt, wt) = results[enn], results[tnn]
    assert [entry[0] for entry in le] == [entry[0] for entry in lt] == ["pre", "hook"]
    np.testing.assert_allclose(le[0][1][0], lt[0][1][0], rtol=1e-5)
    np.testing.assert_allclose(le[1][1][0], lt[1][1][0], rtol=1e-5)
    np.testing.assert_allclose(le[1][2][0], lt[1][2][0], rtol=1e-5)
    np.testing.assert_allclose(xe, xt, rtol=1e-5)
    np.testing.assert_allclose(we, wt, rtol=1e-5)


def test_full_backward_hook_when_input_needs_no_grad():
    for m, lib in ((enn, ember), (tnn, torch)):
        lin = m.Linear(3, 2)
        log = []
        lin.register_full_backward_hook(lambda mod, gin, gout: log.append((gin, len(gout))))
        lin(lib.ones(4, 3)).sum().backward()
        assert len(log) == 1 and log[0][0] == (None,) and log[0][1] == 1


def test_module_deepcopy_and_pickle_roundtrip():
    net = _net(enn)
    x = ember.randn(2, 3)
    dup = copy.deepcopy(net)
    close_out = net(x).detach().numpy()
    np.testing.assert_allclose(dup(x).detach().numpy(), close_out)
    assert dup.block.fc.weight is not net.block.fc.weight
    assert isinstance(dup.block.fc.weight, enn.Parameter)
    seq = enn.Sequential(enn.Linear(3, 4), enn.ReLU(), enn.ModuleList([enn.Linear(4, 1)]))
    seq.register_forward_hook(_pickleable_hook)
    loaded = pickle.loads(pickle.dumps(seq))
    np.testing.assert_allclose(loaded[2][0](loaded[:2](x)).detach().numpy(),
                               seq[2][0](seq[:2](x)).detach().numpy())
    assert list(loaded.state_dict()) == list(seq.state_dict())
    assert len(loaded._forward_hooks) == 1
    assert loaded.share_memory() is loaded


def _pickleable_hook(module, args, out):
    return None


def test_parameter_basics_match_torch():
    p_e = enn.Parameter(ember.tensor([1.0, 2.0]))
    p_t = tnn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p_e) == repr(p_t)
    assert repr(enn.Parameter(ember.ones(2, dtype=ember.float64), requires_grad=False)) == \
        repr(tnn.Parameter(torch.ones(2, dtype=torch.float64), requires_grad=False))
    assert isinstance(p_e, ember.Tensor) and p_e.requires_grad and p_e.is_leaf
    assert repr(enn.Parameter()) == repr(tnn.Parameter())
    base = ember.zeros(3)
    p = enn.Parameter(base)
    base.add_(1.0)
    assert float(p.sum()) == 3.0  # shares memory with its data
    q = copy.deepcopy(p)
    assert isinstance(q, enn.Parameter) and q is not p and float(q.sum()) == 3.0
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, enn.Parameter) and r.requires_grad
    assert type(p * 2) is ember.Tensor
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        enn.Parameter(ember.tensor([1, 2]))
    assert not enn.Parameter(ember.tensor([1, 2]), requires_grad=False).requires_grad


def test_buffer_class_registers_as_buffer():
    m = enn.Module()
    m.a = enn.Buffer(ember.ones(2))
    m.b = enn.Buffer(ember.ones(2), persistent=False)
    assert set(m._buffers) == {"a", "b"} and list(m.state_dict()) == ["a"]


def test_sequential_container_operations_match_torch():
    def make(m):
        return m.Sequential(m.Linear(1, 2), m.ReLU(), m.Linear(2, 3), m.Tanh())
    e, t = make(enn), make(tnn)
    assert repr(e[1:3]) == repr(t[1:3]) and repr(e[-1]) == repr(t[-1])
    assert len(e) == 4 and isinstance(e[::2], enn.Sequential)
    for s in (e, t):
        s.append(type(s[1])())
        s.insert(0, type(s[1])())
        s.insert(-1, type(s[-1])())
        del s[2]
        s[0] = type(s[-1])()
        s.pop(1)
    assert repr(e) == repr(t)
    assert repr(e + e[:2]) == repr(t + t[:2])
    assert repr(e.extend(e[:1])) == repr(t.extend(t[:1]))
    with pytest.raises(IndexError) as ei:
        e[10]
    with pytest.raises(IndexError) as ti:
        t[10]
    assert str(ei.value) == str(ti.value)
    od = enn.Sequential(OrderedDict([("conv", enn.Identity()), ("act", enn.ReLU())]))
    todd = tnn.Sequential(OrderedDict([("conv", tnn.Identity()), ("act", tnn.ReLU())]))
    assert repr(od) == repr(todd) and od.act is od[1]
    assert [type(x).__name__ for x in od] == ["Identity", "ReLU"]


def test_module_list_dict_and_parameter_containers_match_torch():
    def make(m, lib):
        return m.ModuleDict({
            "layers": m.ModuleList([m.Linear(2, 2) for _ in range(3)] + [m.ReLU(), m.ReLU()]),
            "plist": m.ParameterList([m.Parameter(lib.ones(2, 3)), lib.zeros(4)]),
            "pdict": m.ParameterDict({"b": m.Parameter(lib.ones(1)), "a": lib.zeros(2, 2)}),
            "empty": m.ModuleList(),
        })
    e, t = make(enn, ember), make(tnn, torch)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    ml = e["layers"]
    assert len(ml) == 5 and isinstance(ml[-1], enn.ReLU) and len(ml[1:3]) == 2
    ml.append(enn.Tanh())
    ml.insert(0, enn.Sigmoid())
    del ml[1]
    assert [type(x).__name__ for x in ml] == ["Sigmoid", "Linear", "Linear", "ReLU", "ReLU",
                                             "Tanh"]
    pl = e["plist"]
    pl.append(ember.ones(1))
    assert len(pl) == 3 and isinstance(pl[2], enn.Parameter)
    pd = e["pdict"]
    assert "a" in pd and isinstance(pd["a"], enn.Parameter) and list(pd.keys()) == ["a", "b"]
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl(1)
    md = enn.ModuleDict([("x", enn.ReLU())])
    md.update({"y": enn.Tanh()})
    assert list(md.keys()) == ["x", "y"] and "y" in md and len(md) == 2
    assert isinstance(md.pop("x"), enn.ReLU) and list(md) == ["y"]


def test_module_getattr_error_and_forward_missing():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'foo'"):
        enn.Linear(1, 1).foo
    with pytest.raises(NotImplementedError, match=r'Module \[Module\] is missing the required '
                                                  r'"forward" function'):
        enn.Module()(1)


def test_state_dict_hooks_run():
    lin = enn.Linear(2, 2)
    seen = []
    lin.register_state_dict_pre_hook(lambda m, prefix, keep: seen.append(("pre", prefix)))
    lin.register_state_dict_post_hook(lambda m, sd, prefix, meta: seen.append(("post",
                                                                               list(sd))))
    lin.state_dict(prefix="x.")
    assert seen == [("pre", "x."), ("post", ["x.weight", "x.bias"])]


def test_global_forward_hook():
    from ember.nn.modules.module import register_module_forward_hook
    seen = []
    h = register_module_forward_hook(lambda m, i, o: seen.append(type(m).__name__))
    try:
        enn.Sequential(enn.ReLU())(ember.ones(1))
    finally:
        h.remove()
    assert seen == ["ReLU", "Sequential"]
    enn.ReLU()(ember.ones(1))
    assert len(seen) == 2
