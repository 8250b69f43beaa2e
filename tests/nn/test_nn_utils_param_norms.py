"""nn.utils.parametrizations (weight_norm, spectral_norm, orthogonal) and the old-style
nn.utils.weight_norm / spectral_norm hooks, against torch (values, gradients, buffers, keys)."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.utils.parametrizations as TPZ

import ember
import ember.nn as enn
import ember.nn.utils.parametrizations as EPZ
import ember.nn.utils.parametrize as EP
from nn_helpers import to_e, close


def _copy_state(e_mod, t_mod):
    """Load torch's state (parameters, originals, power-iteration vectors, base) into ember."""
    sd = {k: to_e(v, requires_grad=False) for k, v in t_mod.state_dict().items()}
    res = e_mod.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []


def _same_layer(kind, seed, dtype=torch.float32):
    torch.manual_seed(seed)
    # ember's generator too: spectral_norm's random start vectors come from it, and with an
    # unseeded one ~5 % of start states (whatever tests ran before in the worker) left the
    # 15-iteration sigma estimate outside 5 % of torch's for the ConvTranspose2d case
    ember.manual_seed(seed)
    if kind == "linear":
        t, e = tnn.Linear(5, 4), enn.Linear(5, 4)
        x = torch.randn(3, 5, dtype=dtype)
    elif kind == "conv2d":
        t, e = tnn.Conv2d(3, 4, 3), enn.Conv2d(3, 4, 3)
        x = torch.randn(2, 3, 6, 6, dtype=dtype)
    elif kind == "convT2d":
        t, e = tnn.ConvTranspose2d(3, 4, 3), enn.ConvTranspose2d(3, 4, 3)
        x = torch.randn(2, 3, 4, 4, dtype=dtype)
    else:  # conv1d
        t, e = tnn.Conv1d(2, 3, 3), enn.Conv1d(2, 3, 3)
        x = torch.randn(2, 2, 7, dtype=dtype)
    t = t.to(dtype)
    e = e.to(ember.float64 if dtype == torch.float64 else ember.float32)
    _copy_state(e, t)
    return t, e, x


def _grads_close(e_params, t_params, atol=1e-5, rtol=1e-4):
    for (ne, pe), (nt, pt) in zip(e_params, t_params):
        assert ne == nt
        close(pe.grad, pt.grad, atol=atol, rtol=rtol)


# ---------------------------------------------------------------- weight_norm (parametrization)


@pytest.mark.parametrize("kind,dim", [("linear", 0), ("linear", 1), ("linear", None),
                                      ("conv2d", 0), ("conv2d", 2), ("conv2d", -1),
                                      ("conv1d", -2)])
def test_weight_norm_parametrization_matches_torch(kind, dim):
    t, e, x = _same_layer(kind, seed=1)
    TPZ.weight_norm(t, dim=dim)
    EPZ.weight_norm(e, dim=dim)
    assert type(e).__name__ == type(t).__name__
    assert list(e.state_dict()) == list(t.state_dict())
    pe, pt = e.parametrizations.weight, t.parametrizations.weight
    close(pe.original0, pt.original0)
    close(pe.original1, pt.original1)
    close(e.weight, t.weight, atol=1e-6)
    (t(x) ** 2).sum().backward()
    (e(to_e(x)) ** 2).sum().backward()
    _grads_close(list(e.named_parameters()), list(t.named_parameters()))


def test_weight_norm_parametrization_loads_old_style_keys_and_removes():
    t_old = tnn.Linear(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_old = tnn.utils.weight_norm(t_old)
    sd = {k: to_e(v, requires_grad=False) for k, v in t_old.state_dict().items()}
    assert set(sd) == {"bias", "weight_g", "weight_v"}
    e = EPZ.weight_norm(enn.Linear(4, 3))
    e.load_state_dict(sd)   # the compat hook renames weight_g/v to original0/1
    close(e.weight, t_old.weight, atol=1e-6)
    w = e.weight.detach().clone()
    EP.remove_parametrizations(e, "weight")
    assert type(e) is enn.Linear and isinstance(e.weight, enn.Parameter)
    np.testing.assert_allclose(e.weight.detach().numpy(), w.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- spectral_norm (parametrization)


@pytest.mark.parametrize("kind,n_iter", [("linear", 1), ("conv2d", 2), ("convT2d", 1)])
def test_spectral_norm_parametrization_train_and_eval_match_torch(kind, n_iter):
    t, e, x = _same_layer(kind, seed=2)
    TPZ.spectral_norm(t, n_power_iterations=n_iter)
    EPZ.spectral_norm(e, n_power_iterations=n_iter)
    assert list(e.state_dict()) == list(t.state_dict())
    sn_t, sn_e = t.parametrizations.weight[0], e.parametrizations.weight[0]
    assert sn_e.dim == sn_t.dim == (1 if kind == "convT2d" else 0)
    assert sn_e._u.shape == sn_t._u.shape and sn_e._v.shape == sn_t._v.shape
    # ember's own start already estimates sigma well (15 iterations at registration)
    sigma_e = float(ember.vdot(sn_e._u, ember.mv(sn_e._reshape_weight_to_matrix(
        e.parametrizations.weight.original), sn_e._v)))
    sigma_t = float(torch.linalg.matrix_norm(sn_t._reshape_weight_to_matrix(
        t.parametrizations.weight.original.detach()), 2))
    assert abs(sigma_e - sigma_t) < 0.05 * sigma_t
    # the random start vectors differ: continue from torch's
    _copy_state(e, t)
    for step in range(3):   # training mode: every access runs the power iteration
        t.zero_grad()
        e.zero_grad()
        yt = t(x)
        ye = e(to_e(x))
        close(ye, yt, atol=1e-5, rtol=1e-4)
        close(sn_e._u, sn_t._u, atol=1e-5)
        close(sn_e._v, sn_t._v, atol=1e-5)
        (yt ** 2).sum().backward()
        (ye ** 2).sum().backward()
        _grads_close(list(e.named_parameters()), list(t.named_parameters()), atol=1e-4)
    t.eval()
    e.eval()
    u_before = sn_e._u.clone()
    close(e(to_e(x)), t(x), atol=1e-5, rtol=1e-4)
    assert ember.equal(sn_e._u, u_before)   # eval: no update


def test_spectral_norm_parametrization_one_dim_and_errors():
    torch.manual_seed(3)
    t, e = tnn.Linear(3, 4), enn.Linear(3, 4)
    _copy_state(e, t)
    TPZ.spectral_norm(t, name="bias")
    EPZ.spectral_norm(e, name="bias")
    close(e.bias, t.bias)   # a vector is just normalised
    assert list(e.state_dict()) == list(t.state_dict())
    for bad, exc in (dict(n_power_iterations=0), ValueError), (dict(dim=2), IndexError), \
            (dict(name="nope"), ValueError):
        with pytest.raises(exc) as te:
            TPZ.spectral_norm(tnn.Linear(2, 2), **bad)
        with pytest.raises(exc) as ee:
            EPZ.spectral_norm(enn.Linear(2, 2), **bad)
        assert str(ee.value).split("'")[-1] == str(te.value).split("'")[-1]


def test_spectral_norm_parametrization_bounds_spectral_norm():
    e = EPZ.spectral_norm(enn.Linear(6, 5), n_power_iterations=5)
    for _ in range(5):
        w = e.weight
    s = np.linalg.svd(w.detach().numpy(), compute_uv=False)
    assert abs(s[0] - 1.0) < 1e-3


# ---------------------------------------------------------------- orthogonal


class _Holder:
    """A module holding one parameter of a given shape, for both libraries."""

    @staticmethod
    def make(shape, seed, dtype=torch.float64):
        torch.manual_seed(seed)
        data = torch.randn(*shape, dtype=dtype)
        t, e = tnn.Module(), enn.Module()
        t.weight = tnn.Parameter(data.clone())
        e.weight = enn.Parameter(to_e(data, requires_grad=False))
        return t, e


@pytest.mark.parametrize("shape,omap", [((4, 4), None), ((4, 4), "cayley"),
                                        ((5, 3), None), ((3, 5), None),
                                        ((5, 3), "matrix_exp"), ((3, 5), "cayley"),
                                        ((4, 4), "householder"), ((2, 4, 3), None),
                                        ((2, 3, 3), "cayley")])
def test_orthogonal_matches_torch_values_and_gradients(shape, omap):
    t, e = _Holder.make(shape, seed=4)
    TPZ.orthogonal(t, orthogonal_map=omap)
    EPZ.orthogonal(e, orthogonal_map=omap)
    assert e.parametrizations.weight[0].orthogonal_map.name == \
        t.parametrizations.weight[0].orthogonal_map.name
    assert list(e.state_dict()) == list(t.state_dict())
    n, k = shape[-2:]
    if n == k:   # deterministic (QR of the weight): no random completion
        close(e.parametrizations.weight[0].base, t.parametrizations.weight[0].base,
              atol=1e-10)
        close(e.weight, t.weight, atol=1e-10)
    # move away from the identity point: random unconstrained values, torch's base
    with torch.no_grad():
        orig = t.parametrizations.weight.original
        noise = 0.3 * torch.randn_like(orig)
        if t.parametrizations.weight[0].orthogonal_map.name == "householder":
            tall = orig.mT if n < k else orig
            tall += 0.3 * torch.randn_like(tall).tril(-1)   # keep the +-1 diagonal
        else:
            orig += noise
    _copy_state(e, t)
    close(e.weight, t.weight, atol=1e-10)
    W = e.weight.detach().numpy()
    WtW = np.swapaxes(W, -1, -2) @ W if n >= k else W @ np.swapaxes(W, -1, -2)
    np.testing.assert_allclose(WtW, np.broadcast_to(np.eye(min(n, k)), WtW.shape), atol=1e-10)
    R = torch.randn(*shape, dtype=torch.float64)
    (t.weight * R).sum().backward()
    (e.weight * to_e(R)).sum().backward()
    close(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad,
          atol=1e-9, rtol=1e-7)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_orthogonal_householder_without_trivialization(shape):
    t, e = _Holder.make(shape, seed=5)
    TPZ.orthogonal(t, orthogonal_map="householder", use_trivialization=False)
    EPZ.orthogonal(e, orthogonal_map="householder", use_trivialization=False)
    assert list(e.state_dict()) == list(t.state_dict()) == ["parametrizations.weight.original"]
    close(e.parametrizations.weight.original, t.parametrizations.weight.original, atol=1e-10)
    close(e.weight, t.weight, atol=1e-10)
    R = torch.randn(*shape, dtype=torch.float64)
    (t.weight * R).sum().backward()
    (e.weight * to_e(R)).sum().backward()
    close(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad,
          atol=1e-9)


def test_orthogonal_without_trivialization_matrix_exp_keeps_weight():
    t, e = _Holder.make((3, 3), seed=6)
    TPZ.orthogonal(t, use_trivialization=False)
    EPZ.orthogonal(e, use_trivialization=False)
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)
    close(e.weight, t.weight, atol=1e-10)
    with pytest.raises(NotImplementedError) as te:
        t.weight = torch.eye(3, dtype=torch.float64)
    with pytest.raises(NotImplementedError) as ee:
        e.weight = ember.eye(3, dtype=ember.float64)
    assert str(ee.value) == str(te.value)


def test_orthogonal_assignment_and_errors():
    t, e = _Holder.make((4, 4), seed=7)
    TPZ.orthogonal(t)
    EPZ.orthogonal(e)
    Q = torch.linalg.qr(torch.randn(4, 4, dtype=torch.float64))[0]
    t.weight = Q
    e.weight = to_e(Q)
    close(e.weight, t.weight, atol=1e-10)
    np.testing.assert_allclose(e.weight.detach().numpy(), Q.numpy(), atol=1e-10)
    with pytest.raises(ValueError) as te:
        t.weight = torch.eye(3, dtype=torch.float64)
    with pytest.raises(ValueError) as ee:
        e.weight = ember.eye(3, dtype=ember.float64)
    assert str(ee.value) == str(te.value)
    for kwargs, make in ((dict(orthogonal_map="qr"), lambda lib: lib.nn.Linear(2, 2)),
                         (dict(name="bias"), lambda lib: lib.nn.Linear(2, 2)),
                         (dict(name="nope"), lambda lib: lib.nn.Linear(2, 2))):
        with pytest.raises(ValueError) as te:
            TPZ.orthogonal(make(torch), **kwargs)
        with pytest.raises(ValueError) as ee:
            EPZ.orthogonal(make(ember), **kwargs)
        assert str(ee.value).split("'")[-1] == str(te.value).split("'")[-1]


def test_orthogonal_linear_layer_trains_orthogonal():
    e = EPZ.orthogonal(enn.Linear(6, 6))
    opt = ember.optim.SGD(e.parameters(), lr=0.1)
    x = ember.randn(8, 6)
    for _ in range(3):
        opt.zero_grad()
        e(x).pow(2).sum().backward()
        opt.step()
    W = e.weight.detach().numpy()
    np.testing.assert_allclose(W.T @ W, np.eye(6), atol=1e-5)


# ---------------------------------------------------------------- old-style weight_norm


@pytest.mark.parametrize("kind,dim", [("linear", 0), ("conv2d", 1), ("conv2d", None)])
def test_old_weight_norm_matches_torch(kind, dim):
    t, e, x = _same_layer(kind, seed=8)
    with pytest.warns(FutureWarning) as rec_t:
        tnn.utils.weight_norm(t, dim=dim)
    with pytest.warns(FutureWarning) as rec_e:
        out = enn.utils.weight_norm(e, dim=dim)
    assert out is e
    assert str(rec_e[0].message) == str(rec_t[0].message)
    assert rec_e[0].filename == __file__   # points at the caller
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    close(e.weight_g, t.weight_g)
    close(e.weight, t.weight, atol=1e-6)
    # the hook recomputes the weight from g and v before each forward
    with torch.no_grad():
        t.weight_g.mul_(2.0)
    e.weight_g.data = to_e(t.weight_g, requires_grad=False)
    (t(x) ** 2).sum().backward()
    (e(to_e(x)) ** 2).sum().backward()
    close(e.weight, t.weight, atol=1e-5)
    _grads_close(list(e.named_parameters()), list(t.named_parameters()), atol=1e-4)
    tnn.utils.remove_weight_norm(t)
    enn.utils.remove_weight_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    assert isinstance(e.weight, enn.Parameter)
    close(e.weight, t.weight, atol=1e-5)
    assert not e._forward_pre_hooks


def test_old_weight_norm_errors_match_torch():
    for fn in (lambda nn: nn.utils.weight_norm(nn.utils.weight_norm(nn.Linear(2, 2))),
               lambda nn: nn.utils.remove_weight_norm(nn.Linear(2, 2))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises((RuntimeError, ValueError)) as te:
                fn(tnn)
            with pytest.raises((RuntimeError, ValueError)) as ee:
                fn(enn)
        assert type(ee.value) is type(te.value)
        assert str(ee.value).split("\n")[0].split(" in ")[0] == \
            str(te.value).split("\n")[0].split(" in ")[0]


# ---------------------------------------------------------------- old-style spectral_norm


@pytest.mark.parametrize("kind", ["linear", "convT2d"])
def test_old_spectral_norm_matches_torch(kind):
    t, e, x = _same_layer(kind, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # torch warns nothing here; neither does ember
        tnn.utils.spectral_norm(t, n_power_iterations=2)
        out = enn.utils.spectral_norm(e, n_power_iterations=2)
    assert out is e
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert e.state_dict()._metadata[""]["spectral_norm"] == \
        t.state_dict()._metadata[""]["spectral_norm"]
    _copy_state(e, t)   # torch's random u, v
    for _ in range(2):
        t.zero_grad()
        e.zero_grad()
        yt, ye = t(x), e(to_e(x))
        close(ye, yt, atol=1e-5, rtol=1e-4)
        close(e.weight_u, t.weight_u, atol=1e-5)
        close(e.weight_v, t.weight_v, atol=1e-5)
        (yt ** 2).sum().backward()
        (ye ** 2).sum().backward()
        _grads_close(list(e.named_parameters()), list(t.named_parameters()), atol=1e-4)
    t.eval()
    e.eval()
    u = e.weight_u.clone()
    close(e(to_e(x)), t(x), atol=1e-5, rtol=1e-4)
    assert ember.equal(u, e.weight_u)
    tnn.utils.remove_spectral_norm(t)
    enn.utils.remove_spectral_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    close(e.weight, t.weight, atol=1e-5)
    assert not e._forward_pre_hooks and not e._state_dict_hooks
    assert not e._load_state_dict_pre_hooks
    with pytest.raises(ValueError, match="spectral_norm of 'weight' not found in"):
        enn.utils.remove_spectral_norm(e)


def test_old_spectral_norm_loads_version0_state_dict_like_torch():
    torch.manual_seed(10)
    t = tnn.utils.spectral_norm(tnn.Linear(3, 5).double())
    e = enn.utils.spectral_norm(enn.Linear(3, 5).double())
    t(torch.randn(2, 3, dtype=torch.float64))
    sd = t.state_dict()
    # a version-0 checkpoint: holds `weight`, not `weight_v`, and no version metadata
    # (W^T W is invertible here, so the v solved for is well defined)
    old = {k: v.clone() for k, v in sd.items() if k != "weight_v"}
    old["weight"] = t.weight.detach().clone()
    t2 = tnn.utils.spectral_norm(tnn.Linear(3, 5).double())
    t2.load_state_dict(dict(old))
    e.load_state_dict({k: to_e(v, requires_grad=False) for k, v in old.items()})
    close(e.weight_v, t2.weight_v, atol=1e-8, rtol=1e-6)
    e.eval()
    t2.eval()
    x = torch.randn(2, 3, dtype=torch.float64)
    close(e(to_e(x)), t2(x), atol=1e-8, rtol=1e-6)


def test_old_spectral_norm_errors():
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        enn.utils.spectral_norm(enn.utils.spectral_norm(enn.Linear(2, 2)))
    with pytest.raises(ValueError, match="n_power_iterations"):
        enn.utils.spectral_norm(enn.Linear(2, 2), n_power_iterations=0)
    with pytest.raises(ValueError, match="cannot be applied as parameter `bias` is None"):
        enn.utils.spectral_norm(enn.Linear(2, 2, bias=False), name="bias")
