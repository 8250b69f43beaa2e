"""nn.init distributions (torch's formulas), default layer init, nn.utils against torch."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn

import ember
import ember.nn as enn
from nn_helpers import to_e, close


def _stats(t):
    a = t.detach().numpy().astype(np.float64)
    return a.mean(), a.std(), a.min(), a.max()


@pytest.mark.parametrize("shape", [(300, 200), (64, 32, 3, 3)])
def test_uniform_family_bounds_match_torch_formula(shape):
    fan_in = shape[1] * int(np.prod(shape[2:]))
    fan_out = shape[0] * int(np.prod(shape[2:]))
    cases = [
        (lambda w: enn.init.kaiming_uniform_(w, a=math.sqrt(5)), 1 / math.sqrt(fan_in)),
        (lambda w: enn.init.kaiming_uniform_(w, nonlinearity="relu"),
         math.sqrt(2) * math.sqrt(3 / fan_in)),
        (lambda w: enn.init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"),
         math.sqrt(2) * math.sqrt(3 / fan_out)),
        (lambda w: enn.init.xavier_uniform_(w, gain=2.0),
         2.0 * math.sqrt(6 / (fan_in + fan_out))),
        (lambda w: enn.init.uniform_(w, -0.3, 0.3), 0.3),
    ]
    for fn, bound in cases:
        w = ember.empty(*shape)
        assert fn(w) is w
        mean, std, lo, hi = _stats(w)
        assert -bound <= lo and hi <= bound
        assert hi > 0.98 * bound and lo < -0.98 * bound
        assert abs(std - bound / math.sqrt(3)) < 0.03 * bound
        assert abs(mean) < 0.03 * bound


def test_normal_family_std_matches_torch_formula():
    shape = (400, 300)
    fan_in, fan_out = 300, 400
    cases = [
        (lambda w: enn.init.kaiming_normal_(w, nonlinearity="relu"), math.sqrt(2 / fan_in)),
        (lambda w: enn.init.kaiming_normal_(w, a=0.2, mode="fan_out"),
         math.sqrt(2 / (1 + 0.04)) / math.sqrt(fan_out)),
        (lambda w: enn.init.xavier_normal_(w), math.sqrt(2 / (fan_in + fan_out))),
        (lambda w: enn.init.normal_(w, 0.5, 0.02), 0.02),
    ]
    for fn, std_expected in cases:
        w = fn(ember.empty(*shape))
        mean, std, _, _ = _stats(w)
        assert abs(std - std_expected) < 0.02 * std_expected
    assert abs(_stats(enn.init.normal_(ember.empty(*shape), 0.5, 0.02))[0] - 0.5) < 1e-3


def test_trunc_normal_respects_bounds_and_moments():
    w = enn.init.trunc_normal_(ember.empty(300, 300), mean=0.1, std=1.0, a=-1.0, b=2.0)
    mean, std, lo, hi = _stats(w)
    assert lo >= -1.0 and hi <= 2.0
    t = torch.nn.init.trunc_normal_(torch.empty(300, 300), mean=0.1, std=1.0, a=-1.0, b=2.0)
    tmean, tstd, _, _ = _stats(t)
    assert abs(mean - tmean) < 0.02 and abs(std - tstd) < 0.02


def test_deterministic_inits_match_torch():
    for fn in [lambda m, w: m.init.constant_(w, 0.25), lambda m, w: m.init.ones_(w),
               lambda m, w: m.init.zeros_(w), lambda m, w: m.init.eye_(w)]:
        close(fn(enn, ember.empty(3, 5)), fn(tnn, torch.empty(3, 5)))
    for shape, groups in [((4, 2, 3), 1), ((6, 3, 3, 3), 2), ((2, 2, 3, 3, 3), 1)]:
        close(enn.init.dirac_(ember.empty(*shape), groups),
              tnn.init.dirac_(torch.empty(*shape), groups))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        enn.init.eye_(ember.empty(2, 2, 2))


def test_orthogonal_and_sparse():
    for shape in [(5, 8), (8, 5), (4, 2, 3)]:
        w = enn.init.orthogonal_(ember.empty(*shape), gain=2.0).detach().numpy()
        m = w.reshape(shape[0], -1)
        g = m @ m.T if shape[0] <= m.shape[1] else m.T @ m
        np.testing.assert_allclose(g, 4.0 * np.eye(g.shape[0]), atol=1e-5)
    w = enn.init.sparse_(ember.empty(10, 6), sparsity=0.3).detach().numpy()
    assert ((w == 0).sum(0) == 3).all()


def test_calculate_gain_and_fans_match_torch():
    for args in [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("selu",),
                 ("leaky_relu",), ("leaky_relu", 0.2)]:
        assert enn.init.calculate_gain(*args) == tnn.init.calculate_gain(*args)
    for bad in [("foo",), ("leaky_relu", "x")]:
        with pytest.raises(ValueError) as ei:
            enn.init.calculate_gain(*bad)
        with pytest.raises(ValueError) as ti:
            tnn.init.calculate_gain(*bad)
        assert str(ei.value) == str(ti.value)
    for shape in [(3, 4), (8, 3, 5, 5), (2, 6, 4)]:
        assert enn.init._calculate_fan_in_and_fan_out(ember.empty(*shape)) == \
            tnn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        enn.init._calculate_fan_in_and_fan_out(ember.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        enn.init.kaiming_uniform_(ember.empty(3, 3), mode="fan_avg")


def test_deprecated_names_warn_like_torch():
    with pytest.warns(FutureWarning, match=r"`nn.init.xavier_uniform` is now deprecated in "
                                           r"favor of `nn.init.xavier_uniform_`."):
        enn.init.xavier_uniform(ember.empty(3, 3))
    for name in ["uniform", "normal", "constant", "eye", "dirac", "xavier_normal",
                 "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"]:
        assert callable(getattr(enn.init, name))


def test_init_writes_through_state_dict_and_keeps_grad_flag():
    lin = enn.Linear(4, 3)
    for v in lin.state_dict().values():
        enn.init.constant_(v, 1.5)
    assert float(lin.weight.sum()) == 18.0 and float(lin.bias.sum()) == 4.5
    enn.init.kaiming_uniform_(lin.weight)
    assert lin.weight.requires_grad and lin.weight.is_leaf and lin.weight.grad_fn is None


def test_default_linear_init_distribution():
    ember.manual_seed(0)
    lin = enn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    _, std, lo, hi = _stats(lin.weight)
    assert -bound <= lo and hi <= bound and abs(std - bound / math.sqrt(3)) < 0.02 * bound
    _, _, blo, bhi = _stats(lin.bias)
    assert -bound <= blo and bhi <= bound
    assert abs(float(enn.PReLU().weight) - 0.25) < 1e-7
    bil = enn.Bilinear(50, 7, 300)
    b2 = 1 / math.sqrt(50)
    _, _, lo, hi = _stats(bil.weight)
    assert -b2 <= lo and hi <= b2 and hi > 0.95 * b2


def test_manual_seed_makes_init_reproducible():
    ember.manual_seed(3)
    a = enn.Linear(5, 5).weight.detach().numpy().copy()
    ember.manual_seed(3)
    b = enn.Linear(5, 5).weight.detach().numpy().copy()
    np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- nn.utils


def _grads_pair(scale=1.0):
    torch.manual_seed(0)
    tps = [torch.nn.Parameter(torch.randn(3, 4)), torch.nn.Parameter(torch.randn(5)),
           torch.nn.Parameter(torch.randn(2))]
    eps = [enn.Parameter(to_e(p, requires_grad=False)) for p in tps]
    for tp, ep in zip(tps[:2], eps[:2]):
        tp.grad = torch.randn_like(tp) * scale
        ep.grad = to_e(tp.grad)
    return tps, eps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    tps, eps = _grads_pair()
    tn = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type=norm_type)
    en = enn.utils.clip_grad_norm_(eps, max_norm, norm_type=norm_type)
    close(en, tn, rtol=1e-5)
    for tp, ep in zip(tps, eps):
        if tp.grad is None:
            assert ep.grad is None
        else:
            close(ep.grad, tp.grad, rtol=1e-5)


def test_clip_grad_norm_nonfinite_and_empty():
    tps, eps = _grads_pair()
    eps[0].grad[0, 0] = float("inf")
    tps[0].grad[0, 0] = float("inf")
    with pytest.raises(RuntimeError) as ei:
        enn.utils.clip_grad_norm_(eps, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError) as ti:
        torch.nn.utils.clip_grad_norm_(tps, 1.0, error_if_nonfinite=True)
    assert str(ei.value) == str(ti.value)
    assert float(enn.utils.clip_grad_norm_([enn.Parameter(ember.ones(2))], 1.0)) == 0.0
    single = enn.Parameter(ember.ones(2))
    single.grad = ember.tensor([3.0, 4.0])
    assert float(enn.utils.clip_grad_norm_(single, 1.0)) == 5.0
    np.testing.assert_allclose(single.grad.numpy(), [0.6, 0.8], rtol=1e-5)


def test_clip_grad_value_matches_torch():
    tps, eps = _grads_pair(scale=3.0)
    torch.nn.utils.clip_grad_value_(tps, 1.2)
    enn.utils.clip_grad_value_(eps, 1.2)
    for tp, ep in zip(tps[:2], eps[:2]):
        close(ep.grad, tp.grad)


def test_parameters_vector_roundtrip_matches_torch():
    t_mod, e_mod = tnn.Linear(3, 2), enn.Linear(3, 2)
    e_mod.load_state_dict({k: to_e(v) for k, v in t_mod.state_dict().items()})
    close(enn.utils.parameters_to_vector(e_mod.parameters()),
          torch.nn.utils.parameters_to_vector(t_mod.parameters()))
    vec = torch.arange(8.0)
    torch.nn.utils.vector_to_parameters(vec, t_mod.parameters())
    w = e_mod.weight
    enn.utils.vector_to_parameters(to_e(vec), e_mod.parameters())
    assert e_mod.weight is w
    close(e_mod.weight, t_mod.weight)
    close(e_mod.bias, t_mod.bias)
    with pytest.raises(TypeError, match="expected torch.Tensor, but got"):
        enn.utils.vector_to_parameters([1.0], e_mod.parameters())


def test_mlp_training_step_matches_torch():
    """Seed-004 shape in miniature: Flatten-Linear-ReLU-Linear, CrossEntropy, manual SGD."""
    def build(m):
        return m.Sequential(m.Flatten(), m.Linear(12, 16), m.ReLU(), m.Linear(16, 16),
                            m.ReLU(), m.Linear(16, 4))
    t_mod, e_mod = build(tnn), build(enn)
    e_mod.load_state_dict({k: to_e(v) for k, v in t_mod.state_dict().items()})
    x = torch.randn(8, 1, 3, 4)
    y = torch.randint(0, 4, (8,))
    ex, ey = to_e(x), to_e(y)
    for _ in range(3):
        for lib, mod, xx, yy in ((torch, t_mod, x, y), (ember, e_mod, ex, ey)):
            mod.zero_grad()
            loss = (tnn if lib is torch else enn).CrossEntropyLoss()(mod(xx), yy)
            loss.backward()
            with lib.no_grad():
                for p in mod.parameters():
                    p -= 0.1 * p.grad
    for (n, tp), (_, ep) in zip(t_mod.named_parameters(), e_mod.named_parameters()):
        close(ep, tp, rtol=1e-4, atol=1e-5)
