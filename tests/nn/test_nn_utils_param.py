"""nn.utils.parametrize against torch: class swap, properties, right_inverse, state_dict keys,
gradients to ``original``, removal, caching, transfer."""
import copy
import pickle

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.utils.parametrize as TP

import ember
import ember.nn as enn
import ember.nn.utils.parametrize as EP
from nn_helpers import to_e, close


def _pair_classes():
    """The same user parametrizations written for torch and for ember."""
    def make(nn, lib):
        class Symmetric(nn.Module):
            def forward(self, X):
                return X.triu() + X.triu(1).mT

            def right_inverse(self, A):
                return A.triu()

        class Double(nn.Module):
            def forward(self, X):
                return 2 * X

            def right_inverse(self, Y):
                return Y / 2

        class Square(nn.Module):   # no right_inverse
            def forward(self, X):
                return X * X

        class RankOne(nn.Module):
            def forward(self, x, y):
                return x.unsqueeze(-1) @ y.unsqueeze(-2)

            def right_inverse(self, Z):
                return Z[:, 0].clone(), Z[0, :].clone()

        class FirstRow(nn.Module):   # changes the shape: needs unsafe=True
            def forward(self, X):
                return X[0]

        class ToDouble(nn.Module):   # changes the dtype
            def forward(self, X):
                return X.double()

        return dict(Symmetric=Symmetric, Double=Double, Square=Square, RankOne=RankOne,
                    FirstRow=FirstRow, ToDouble=ToDouble)
    return make(tnn, torch), make(enn, ember)


T, E = _pair_classes()


def _linears(n_in=4, n_out=4, seed=0):
    torch.manual_seed(seed)
    t = tnn.Linear(n_in, n_out)
    e = enn.Linear(n_in, n_out)
    e.load_state_dict({k: to_e(v, requires_grad=False) for k, v in t.state_dict().items()})
    return t, e


def _copy_state(e_mod, t_mod):
    sd = {k: to_e(v, requires_grad=False) for k, v in t_mod.state_dict().items()}
    res = e_mod.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []


def test_register_swaps_class_and_matches_torch_values_keys_repr():
    t, e = _linears()
    w_param = e.weight
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    out = EP.register_parametrization(e, "weight", E["Symmetric"]())
    assert out is e
    assert type(e).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert isinstance(e, enn.Linear) and type(e).__bases__ == (enn.Linear,)
    # the Parameter object moved to original (same identity, new values)
    assert e.parametrizations.weight.original is w_param
    assert isinstance(e.parametrizations.weight, EP.ParametrizationList)
    assert isinstance(e.parametrizations, enn.ModuleDict)
    close(e.weight, t.weight)
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert repr(e) == repr(t)
    # the property is recomputed at each access, not cached
    assert e.weight is not e.weight


def test_gradients_flow_to_original_like_torch():
    t, e = _linears(3, 3, seed=1)
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    EP.register_parametrization(e, "weight", E["Symmetric"]())
    xt = torch.randn(5, 3, requires_grad=True)
    xe = to_e(xt)
    (t(xt) ** 2).sum().backward()
    (e(xe) ** 2).sum().backward()
    close(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad,
          rtol=1e-5, atol=1e-5)
    close(e.bias.grad, t.bias.grad, atol=1e-5)
    close(xe.grad, xt.grad, atol=1e-5)


def test_assignment_runs_right_inverse_like_torch():
    t, e = _linears(3, 3, seed=2)
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    EP.register_parametrization(e, "weight", E["Symmetric"]())
    A = torch.rand(3, 3)
    A = A + A.T
    orig = e.parametrizations.weight.original
    t.weight = A
    e.weight = to_e(A)
    assert e.parametrizations.weight.original is orig   # written in place
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    close(e.weight, t.weight)
    np.testing.assert_allclose(e.weight.detach().numpy(), A.numpy(), rtol=1e-6)


def test_assignment_without_right_inverse_raises_runtime_error():
    t, e = _linears(seed=3)
    TP.register_parametrization(t, "weight", T["Square"]())
    EP.register_parametrization(e, "weight", E["Square"]())
    close(e.weight, t.weight)
    with pytest.raises(RuntimeError) as te:
        t.weight = torch.ones(4, 4)
    with pytest.raises(RuntimeError) as ee:
        e.weight = ember.ones(4, 4)
    assert str(ee.value) == str(te.value)


def test_chained_parametrizations_apply_in_order():
    t, e = _linears(seed=4)
    for lib, m, P in ((TP, t, T), (EP, e, E)):
        lib.register_parametrization(m, "weight", P["Symmetric"]())
        lib.register_parametrization(m, "weight", P["Double"]())
    close(e.weight, t.weight)
    assert len(e.parametrizations.weight) == 2
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    # assignment inverts both (last registered first)
    A = torch.rand(4, 4)
    A = A + A.T
    t.weight = A
    e.weight = to_e(A)
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    close(e.weight, t.weight)
    assert repr(e) == repr(t)


def test_tuple_right_inverse_registers_original0_original1():
    t, e = _linears(seed=5)
    TP.register_parametrization(t, "weight", T["RankOne"]())
    EP.register_parametrization(e, "weight", E["RankOne"]())
    assert list(e.state_dict()) == list(t.state_dict())
    assert "parametrizations.weight.original0" in e.state_dict()
    assert isinstance(e.parametrizations.weight.original0, enn.Parameter)
    assert not hasattr(e.parametrizations.weight, "original")
    close(e.weight, t.weight)
    xt = torch.randn(2, 4)
    t(xt).sum().backward()
    e(to_e(xt)).sum().backward()
    for i in range(2):
        close(getattr(e.parametrizations.weight, f"original{i}").grad,
              getattr(t.parametrizations.weight, f"original{i}").grad, atol=1e-5)
    # assignment calls right_inverse and writes both
    Z = torch.randn(4, 4)
    t.weight = Z
    e.weight = to_e(Z)
    close(e.weight, t.weight)
    # leave_parametrized=False is impossible with several originals
    with pytest.raises(ValueError) as te:
        TP.remove_parametrizations(t, "weight", leave_parametrized=False)
    with pytest.raises(ValueError) as ee:
        EP.remove_parametrizations(e, "weight", leave_parametrized=False)
    assert str(ee.value) == str(te.value)
    TP.remove_parametrizations(t, "weight")
    EP.remove_parametrizations(e, "weight")
    assert type(e) is enn.Linear and isinstance(e.weight, enn.Parameter)
    close(e.weight, t.weight)


@pytest.mark.parametrize("leave", [True, False])
def test_remove_parametrizations_restores_class_and_parameter(leave):
    t, e = _linears(seed=6)
    TP.register_parametrization(t, "weight", T["Double"]())
    EP.register_parametrization(e, "weight", E["Double"]())
    orig = e.parametrizations.weight.original
    TP.remove_parametrizations(t, "weight", leave_parametrized=leave)
    out = EP.remove_parametrizations(e, "weight", leave_parametrized=leave)
    assert out is e and type(e) is enn.Linear
    assert not hasattr(e, "parametrizations")
    assert e.weight is orig and isinstance(e.weight, enn.Parameter)
    close(e.weight, t.weight)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert not hasattr(enn.Linear, "weight")   # the property lived on the subclass only


def test_remove_one_of_two_keeps_class_until_last():
    t, e = _linears(seed=7)
    for lib, m, P in ((TP, t, T), (EP, e, E)):
        lib.register_parametrization(m, "weight", P["Double"]())
        lib.register_parametrization(m, "bias", P["Double"]())
        lib.remove_parametrizations(m, "weight")
    assert type(e).__name__ == "ParametrizedLinear"
    assert EP.is_parametrized(e) and EP.is_parametrized(e, "bias")
    assert not EP.is_parametrized(e, "weight")
    assert list(e.state_dict()) == list(t.state_dict())
    close(e.bias, t.bias)
    EP.remove_parametrizations(e, "bias")
    assert type(e) is enn.Linear


def test_is_parametrized_and_type_before_parametrizations():
    e = enn.Linear(2, 2)
    assert not EP.is_parametrized(e) and not EP.is_parametrized(e, "weight")
    assert EP.type_before_parametrizations(e) is enn.Linear
    EP.register_parametrization(e, "weight", E["Double"]())
    assert EP.is_parametrized(e) and EP.is_parametrized(e, "weight")
    assert not EP.is_parametrized(e, "bias")
    assert EP.type_before_parametrizations(e) is enn.Linear
    assert type(e) is not enn.Linear


def test_error_messages_match_torch():
    cases = [
        (lambda lib, P, m: lib.register_parametrization(m, "nope", P["Double"]()), ValueError),
        (lambda lib, P, m: lib.register_parametrization(m, "weight", P["FirstRow"]()),
         ValueError),
        (lambda lib, P, m: lib.register_parametrization(m, "weight", P["ToDouble"]()),
         ValueError),
        (lambda lib, P, m: lib.remove_parametrizations(m, "weight"), ValueError),
    ]
    for fn, exc in cases:
        t, e = _linears(seed=8)
        with pytest.raises(exc) as te:
            fn(TP, T, t)
        with pytest.raises(exc) as ee:
            fn(EP, E, e)
        # the module's repr is part of some texts: compare the part after it
        assert str(ee.value).split("\n")[-1] == str(te.value).split("\n")[-1]
        assert type(e) is enn.Linear   # a failed registration leaves the module alone


def test_chained_parametrization_shape_check_matches_torch():
    t, e = _linears(seed=9)
    TP.register_parametrization(t, "weight", T["Double"]())
    EP.register_parametrization(e, "weight", E["Double"]())
    with pytest.raises(ValueError) as te:
        TP.register_parametrization(t, "weight", T["FirstRow"]())
    with pytest.raises(ValueError) as ee:
        EP.register_parametrization(e, "weight", E["FirstRow"]())
    assert str(ee.value) == str(te.value)


def test_unsafe_allows_shape_change():
    t, e = _linears(seed=10)
    TP.register_parametrization(t, "weight", T["FirstRow"](), unsafe=True)
    EP.register_parametrization(e, "weight", E["FirstRow"](), unsafe=True)
    assert e.weight.shape == t.weight.shape == (4,)
    close(e.weight, t.weight)
    assert e.parametrizations.weight.unsafe is True
    EP.remove_parametrizations(e, "weight")
    TP.remove_parametrizations(t, "weight")
    close(e.weight, t.weight)


def test_cached_computes_once_per_block():
    e = enn.Linear(3, 3)
    calls = []

    class Counting(enn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 3

    EP.register_parametrization(e, "weight", Counting())
    calls.clear()
    with EP.cached():
        w1 = e.weight
        with EP.cached():   # nesting keeps the cache
            w2 = e.weight
        w3 = e.weight
    assert w1 is w2 is w3 and len(calls) == 1
    w4 = e.weight
    assert w4 is not w1 and len(calls) == 2
    assert EP._cache == {}
    # a cached tensor still carries the graph to original
    e.parametrizations.weight.original.grad = None
    with EP.cached():
        (e.weight.sum() + e.weight.sum()).backward()
    np.testing.assert_allclose(e.parametrizations.weight.original.grad.numpy(),
                               np.full((3, 3), 6.0))


def test_parametrize_buffer_registers_original_as_buffer():
    torch.manual_seed(0)
    tb, eb = tnn.BatchNorm1d(3), enn.BatchNorm1d(3)
    tb.running_var.uniform_(0.5, 2.0)
    _copy_state(eb, tb)
    TP.register_parametrization(tb, "running_var", T["Double"]())
    EP.register_parametrization(eb, "running_var", E["Double"]())
    assert list(eb.state_dict()) == list(tb.state_dict())
    assert "original" in dict(eb.parametrizations.running_var.named_buffers())
    assert not isinstance(eb.parametrizations.running_var.original, enn.Parameter)
    eb.eval()
    tb.eval()
    x = torch.randn(4, 3)
    close(eb(to_e(x)), tb(x), atol=1e-5)


def test_state_dict_roundtrip_with_torch():
    t, e = _linears(seed=11)
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    EP.register_parametrization(e, "weight", E["Symmetric"]())
    with torch.no_grad():
        t.parametrizations.weight.original.normal_()
    _copy_state(e, t)   # torch's keys load into ember
    close(e.weight, t.weight)
    t2, e2 = _linears(seed=12)
    TP.register_parametrization(t2, "weight", T["Symmetric"]())
    t2.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                        for k, v in e.state_dict().items()})
    close(e.weight, t2.weight)


def test_optimizer_updates_original_like_torch():
    t, e = _linears(3, 3, seed=13)
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    EP.register_parametrization(e, "weight", E["Symmetric"]())
    ot = torch.optim.SGD(t.parameters(), lr=0.1)
    oe = ember.optim.SGD(e.parameters(), lr=0.1)
    x = torch.randn(4, 3)
    for _ in range(3):
        ot.zero_grad()
        oe.zero_grad()
        t(x).pow(2).mean().backward()
        e(to_e(x)).pow(2).mean().backward()
        ot.step()
        oe.step()
    close(e.weight, t.weight, atol=1e-5)
    assert ember.allclose(e.weight, e.weight.T)


def test_to_dtype_converts_originals():
    e = enn.Linear(2, 2)
    EP.register_parametrization(e, "weight", E["Double"]())
    e.double()
    assert e.parametrizations.weight.original.dtype == ember.float64
    assert e.weight.dtype == ember.float64
    assert e(ember.ones(1, 2, dtype=ember.float64)).dtype == ember.float64


def test_deepcopy_works_and_pickle_refuses():
    t, e = _linears(seed=14)
    TP.register_parametrization(t, "weight", T["Double"]())
    EP.register_parametrization(e, "weight", E["Double"]())
    e2 = copy.deepcopy(e)
    assert type(e2) is type(e)
    assert e2.parametrizations.weight.original is not e.parametrizations.weight.original
    close(e2.weight, t.weight)
    with pytest.raises(RuntimeError) as te:
        pickle.dumps(t)
    with pytest.raises(RuntimeError) as ee:
        pickle.dumps(e)
    assert str(ee.value) == str(te.value)


def test_transfer_parametrizations_and_params_like_torch():
    t, e = _linears(seed=15)
    TP.register_parametrization(t, "weight", T["Symmetric"]())
    EP.register_parametrization(e, "weight", E["Symmetric"]())
    t_to, e_to = tnn.Linear(4, 4), enn.Linear(4, 4)
    TP.transfer_parametrizations_and_params(t, t_to)
    out = EP.transfer_parametrizations_and_params(e, e_to)
    assert out is e_to
    assert type(e_to).__name__ == "ParametrizedLinear"
    assert e_to.parametrizations.weight.original is e.parametrizations.weight.original
    close(e_to.weight, t_to.weight)
    assert list(e_to.state_dict()) == list(t_to.state_dict())
    # a tensor missing from the target is created; tuple originals are shared too
    t3, e3 = _linears(seed=16)
    TP.register_parametrization(t3, "weight", T["RankOne"]())
    EP.register_parametrization(e3, "weight", E["RankOne"]())
    t_new, e_new = tnn.Module(), enn.Module()
    TP.transfer_parametrizations_and_params(t3, t_new, "weight")
    EP.transfer_parametrizations_and_params(e3, e_new, "weight")
    assert list(e_new.state_dict()) == list(t_new.state_dict())
    close(e_new.weight, t_new.weight)
    assert e_new.parametrizations.weight.original1 is e3.parametrizations.weight.original1
    # from an unparametrized module: nothing happens
    plain = enn.Linear(2, 2)
    assert EP.transfer_parametrizations_and_params(enn.Linear(2, 2), plain) is plain
    assert type(plain) is enn.Linear


def test_parametrization_list_requires_modules():
    with pytest.raises(ValueError, match="requires one or more modules"):
        EP.ParametrizationList([], ember.zeros(2))


def test_parametrization_follows_training_mode():
    e = enn.Linear(2, 2).eval()
    p = E["Double"]()
    assert p.training
    EP.register_parametrization(e, "weight", p)
    assert not p.training
    e.train()
    assert p.training   # a child of the module: train() reaches it
