"""ember.func.functional_call against torch.func.functional_call."""
import numpy as np
import pytest

import ember
import ember.func as ef
from test_func_grad import E, T, arr, close

torch = pytest.importorskip("torch")
tf = torch.func


def make_net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lib.nn.Linear(3, 3)
            self.out = lib.nn.Linear(3, 2)
            self.out2 = lib.nn.Linear(3, 2)
            self.out2.weight = self.out.weight  # tied: out.weight and out2.weight are one
            self.register_buffer("count", lib.zeros(()))

        def forward(self, x, shift=0.0):
            self.count = self.count + 1  # rebinds a buffer
            return self.out2(self.lin(x).tanh()) + self.out.bias + shift
    lib.manual_seed(0)
    net = Net()
    with lib.no_grad():
        for i, p in enumerate(net.parameters()):
            p.copy_(lib.from_numpy(np.random.default_rng(i).standard_normal(tuple(p.shape))))
    return net.double()


def test_functional_call_substitutes_restores_and_differentiates():
    x = arr(4, 3)
    new = {"lin.weight": arr(3, 3, seed=5), "out.bias": arr(2, seed=6)}
    res = []
    for lib, F, mk in ((ember, ef, E), (torch, tf, T)):
        net = make_net(lib)
        before = {k: v.detach().numpy().copy() for k, v in net.state_dict().items()}
        params = {k: mk(v).requires_grad_() for k, v in new.items()}
        bufs = {"count": mk(np.array(5.0))}
        state = dict(params, **bufs)  # one dict: a rebound buffer is written back into it
        out = F.functional_call(net, state, mk(x), {"shift": 1.0})
        assert float(bufs["count"]) == 5.0 and float(state["count"]) == 6.0
        F.functional_call(net, (params, bufs), mk(x))  # a tuple of dicts: not written back
        out.sum().backward()
        # the module's own state is back; the rebound buffer was written into the dict
        after = {k: v.detach().numpy() for k, v in net.state_dict().items()}
        for k in before:
            np.testing.assert_array_equal(before[k], after[k])
        assert float(bufs["count"]) == 5.0
        assert net.lin.weight.grad is None and net.out.weight.grad is not None
        res.append((out.detach(), params["lin.weight"].grad, params["out.bias"].grad,
                    net.out.weight.grad))
    close(res[0], res[1])


def test_functional_call_tie_weights_and_strict_match_torch():
    x = arr(2, 3)
    for lib, F, mk in ((ember, ef, E), (torch, tf, T)):
        net = make_net(lib)
        w = mk(arr(2, 3, seed=9))
        tied = F.functional_call(net, {"out.weight": w}, (mk(x),))
        untied = F.functional_call(net, {"out.weight": w}, (mk(x),), tie_weights=False)
        direct = net(mk(x))
        # forward uses out2: with tying the new weight is used there too
        assert not np.allclose(tied.detach().numpy(), direct.detach().numpy())
        np.testing.assert_allclose(untied.detach().numpy(), direct.detach().numpy())
        with pytest.raises(ValueError, match=r"functional_call got multiple values for keys "
                                             r"\['out.weight', 'out2.weight'\], which are tied"):
            F.functional_call(net, {"out.weight": w, "out2.weight": w * 2}, (mk(x),))
        with pytest.raises(RuntimeError, match=r"Error\(s\) in reparametrizing for Net:\n\t"
                                               r"Unexpected key\(s\): 'bogus'.\n\tMissing "
                                               r"key\(s\): 'count', 'lin.bias'"):
            F.functional_call(net, {"bogus": w, "lin.weight": w, "out.weight": w,
                                    "out.bias": w}, (mk(x),), strict=True)
        with pytest.raises(ValueError, match=r"\['a'\] appeared in multiple dictionaries"):
            F.functional_call(net, ({"a": w}, {"a": w}), (mk(x),))
        with pytest.raises(ValueError, match="Expected parameter_and_buffer_dicts to be a dict"):
            F.functional_call(net, 3, (mk(x),))


def test_functional_call_restores_state_after_an_error():
    net = make_net(ember)
    w0 = net.lin.weight
    with pytest.raises(RuntimeError):
        ef.functional_call(net, {"lin.weight": ember.zeros(3, 5)}, (ember.zeros(2, 3),))
    assert net.lin.weight is w0 and "weight" in net.lin._parameters
    # an unknown name is set as a plain attribute for the call and removed afterwards
    seen = {}

    class M(ember.nn.Module):
        def forward(self, x):
            seen["extra"] = self.extra
            return x
    m = M()
    ef.functional_call(m, {"extra": ember.ones(1)}, ember.zeros(1))
    assert float(seen["extra"]) == 1.0 and not hasattr(m, "extra")
    # a submodule registered under two names gets its own tensors back
    seq = ember.nn.Sequential(ember.nn.Linear(2, 2))
    seq.add_module("again", seq[0])
    b0 = seq[0].bias
    ef.functional_call(seq, {"0.bias": ember.zeros(2)}, ember.zeros(1, 2))
    assert seq[0].bias is b0 and seq.again.bias is b0


def test_grad_through_functional_call_matches_torch():
    x, t = arr(5, 3), arr(5, 2, seed=1)
    res = []
    for lib, F, mk in ((ember, ef, E), (torch, tf, T)):
        net = make_net(lib)

        def compute_loss(params, x, t):
            y = F.functional_call(net, params, x)
            return lib.nn.functional.mse_loss(y, t)
        detached = {k: v.detach() for k, v in net.named_parameters()}
        g = F.grad(compute_loss)(detached, mk(x), mk(t))
        assert all(v.grad_fn is None for v in g.values())
        attached = F.grad(compute_loss)(dict(net.named_parameters()), mk(x), mk(t))
        assert all(v.requires_grad for v in attached.values())
        res.append(g)
    close(res[0], res[1])
