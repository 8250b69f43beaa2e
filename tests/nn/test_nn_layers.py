"""Layers and activations: forward values and gradients against torch, reprs, conventions."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from nn_helpers import to_e, close, copy_module, pair


def _check_module(e_mod, t_mod, *inputs, rtol=1e-5, atol=1e-5):
    """Same outputs and gradients (inputs and parameters) for module pairs."""
    copy_module(e_mod, t_mod)
    t_out = t_mod(*[t for t, _ in inputs])
    e_out = e_mod(*[e for _, e in inputs])
    close(e_out, t_out, rtol, atol)
    if not t_out.requires_grad:
        return
    gt = torch.randn_like(t_out)
    t_out.backward(gt)
    e_out.backward(to_e(gt))
    for (t, e) in inputs:
        if t.requires_grad:
            close(e.grad, t.grad, rtol, atol)
    tp = dict(t_mod.named_parameters())
    for name, p in e_mod.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None
        else:
            close(p.grad, tp[name].grad, rtol, atol)


@pytest.mark.parametrize("shape", [(5, 7), (1, 7), (0, 7), (2, 3, 7), (7,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(shape, bias):
    t_mod = tnn.Linear(7, 4, bias=bias)
    e_mod = enn.Linear(7, 4, bias=bias)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())
    _check_module(e_mod, t_mod, pair(*shape))


def test_linear_float64_and_grad_fn_name():
    t_mod = tnn.Linear(3, 2).double()
    e_mod = enn.Linear(3, 2).double()
    assert e_mod.weight.dtype == ember.float64
    _check_module(e_mod, t_mod, pair(4, 3, dtype=torch.float64), rtol=1e-10, atol=1e-12)
    y = e_mod(ember.randn(4, 3, dtype=ember.float64))
    assert y.grad_fn.name() == "AddmmBackward0"


def test_linear_shape_error_names_layer_and_fix():
    model = enn.Linear(512, 10)
    with pytest.raises(RuntimeError) as ei:
        model(ember.randn(64, 784))
    msg = str(ei.value)
    with pytest.raises(RuntimeError) as ti:
        tnn.Linear(512, 10)(torch.randn(64, 784))
    assert msg.startswith(str(ti.value))
    assert "mat1 and mat2 shapes cannot be multiplied (64x784 and 512x10)" in msg
    assert "Linear(in_features=512, out_features=10, bias=True)" in msg
    assert "512" in msg and "784" in msg and "flatten" in msg


def test_linear_dtype_error_names_both_dtypes_and_cast():
    model = enn.Linear(3, 2)
    with pytest.raises(RuntimeError) as ei:
        model(ember.randn(4, 3, dtype=ember.float64))
    with pytest.raises(RuntimeError) as ti:
        tnn.Linear(3, 2)(torch.randn(4, 3, dtype=torch.float64))
    assert str(ei.value).startswith(str(ti.value))
    assert ".float()" in str(ei.value)


def test_functional_linear_errors_match_torch():
    cases = [((784,), (10, 512), None), ((2, 3, 784), (10, 512), None),
             ((2, 512), (10, 512), (7,))]
    for xs, ws, bs in cases:
        tb = torch.randn(*bs) if bs else None
        with pytest.raises(RuntimeError) as ti:
            TF.linear(torch.randn(*xs), torch.randn(*ws), tb)
        with pytest.raises(RuntimeError) as ei:
            EF.linear(ember.randn(*xs), ember.randn(*ws), ember.randn(*bs) if bs else None)
        assert str(ei.value) == str(ti.value)


def test_linear_double_backward():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(2, 4, dtype=ember.float64, requires_grad=True)
    tx, tw = torch.tensor(x.detach().numpy(), requires_grad=True), \
        torch.tensor(w.detach().numpy(), requires_grad=True)
    for lib, F_, a, b in ((ember, EF, x, w), (torch, TF, tx, tw)):
        y = (F_.linear(a, b) ** 2).sum()
        g, = lib.autograd.grad(y, a, create_graph=True)
        g.sum().backward()
    close(w.grad, tw.grad, 1e-10, 1e-12)


def test_bilinear_matches_torch():
    _check_module(enn.Bilinear(3, 4, 5), tnn.Bilinear(3, 4, 5), pair(6, 3), pair(6, 4, seed=3))
    _check_module(enn.Bilinear(3, 4, 5, bias=False), tnn.Bilinear(3, 4, 5, bias=False),
                  pair(2, 6, 3), pair(2, 6, 4, seed=3))


def test_identity_flatten_unflatten():
    t, e = pair(2, 3, 4, 5)
    assert enn.Identity(3, foo=1)(e) is e
    close(enn.Flatten()(e), tnn.Flatten()(t))
    close(enn.Flatten(0, 2)(e), tnn.Flatten(0, 2)(t))
    close(enn.Unflatten(1, (3, 1))(e), tnn.Unflatten(1, (3, 1))(t))
    assert repr(enn.Flatten()) == repr(tnn.Flatten())
    assert repr(enn.Unflatten(1, (3, 1))) == repr(tnn.Unflatten(1, (3, 1)))


# name: (ember module, torch module, input low/high or None for normal)
ACTIVATIONS = [
    ("ReLU", lambda m: m.ReLU(), None),
    ("ReLU6", lambda m: m.ReLU6(), (-3, 9)),
    ("LeakyReLU", lambda m: m.LeakyReLU(0.2), None),
    ("ELU", lambda m: m.ELU(0.7), None),
    ("SELU", lambda m: m.SELU(), None),
    ("CELU", lambda m: m.CELU(1.5), None),
    ("GELU", lambda m: m.GELU(), None),
    ("GELU-tanh", lambda m: m.GELU(approximate="tanh"), None),
    ("SiLU", lambda m: m.SiLU(), None),
    ("Mish", lambda m: m.Mish(), (-6, 6)),
    ("Sigmoid", lambda m: m.Sigmoid(), None),
    ("Tanh", lambda m: m.Tanh(), None),
    ("Hardtanh", lambda m: m.Hardtanh(-0.5, 0.8), None),
    ("Hardsigmoid", lambda m: m.Hardsigmoid(), (-5, 5)),
    ("Hardswish", lambda m: m.Hardswish(), (-5, 5)),
    ("Softplus", lambda m: m.Softplus(beta=2.0, threshold=3.0), (-4, 4)),
    ("Softsign", lambda m: m.Softsign(), None),
    ("Softmax", lambda m: m.Softmax(dim=1), None),
    ("LogSoftmax", lambda m: m.LogSoftmax(dim=-1), None),
    ("Softmin", lambda m: m.Softmin(dim=0), None),
    ("Threshold", lambda m: m.Threshold(0.1, -2.0), None),
    ("GLU", lambda m: m.GLU(dim=1), None),
    ("LogSigmoid", lambda m: m.LogSigmoid(), (-30, 30)),
    ("Tanhshrink", lambda m: m.Tanhshrink(), None),
    ("Softshrink", lambda m: m.Softshrink(0.3), None),
    ("Hardshrink", lambda m: m.Hardshrink(0.3), None),
    ("PReLU", lambda m: m.PReLU(), None),
    ("PReLU-channels", lambda m: m.PReLU(4, init=0.1), None),
    ("RReLU-eval", lambda m: m.RReLU(0.1, 0.3).eval(), None),
]


@pytest.mark.parametrize("name,make,rng", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_activation_matches_torch(name, make, rng, dtype):
    t_mod, e_mod = make(tnn), make(enn)
    assert repr(e_mod) == repr(t_mod)
    if dtype == torch.float64:
        t_mod, e_mod = t_mod.double(), e_mod.double()
    low, high = rng if rng else (None, None)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == torch.float32 else dict(rtol=1e-10,
                                                                         atol=1e-12)
    _check_module(e_mod, t_mod, pair(3, 4, 5, dtype=dtype, low=low, high=high), **tol)
    _check_module(e_mod, t_mod, pair(1, 4, dtype=dtype, low=low, high=high, seed=7), **tol)


@pytest.mark.parametrize("fn,args", [
    ("relu", ()), ("relu6", ()), ("leaky_relu", (0.3,)), ("elu", (1.0,)), ("hardtanh", ()),
    ("hardsigmoid", ()), ("hardswish", ()), ("threshold", (0.0, 5.0)), ("softplus", ()),
    ("hardshrink", (0.0,)), ("softshrink", (0.0,)), ("celu", ()), ("selu", ()), ("silu", ()),
    ("gelu", ()), ("mish", ()), ("softsign", ()), ("logsigmoid", ()), ("tanhshrink", ()),
])
def test_activation_gradient_conventions_at_kinks(fn, args):
    # exact kink points: 0, the hardtanh/relu6/hardswish bounds, thresholds
    vals = [-6.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0, 20.0]
    t = torch.tensor(vals, requires_grad=True)
    e = ember.tensor(vals, requires_grad=True)
    to, eo = getattr(TF, fn)(t, *args), getattr(EF, fn)(e, *args)
    close(eo, to)
    to.sum().backward()
    eo.sum().backward()
    close(e.grad, t.grad)


def test_inplace_activations_match_torch():
    for name in ["relu", "elu", "leaky_relu", "hardtanh", "relu6", "selu", "celu", "silu",
                 "mish", "hardswish", "hardsigmoid"]:
        t, e = pair(3, 4, requires_grad=False)
        t2, e2 = t.clone(), e.clone()
        rt = getattr(TF, name)(t2, inplace=True)
        re = getattr(EF, name)(e2, inplace=True)
        assert re is e2 and rt is t2
        close(e2, t2)
    for name in ["relu_", "elu_", "leaky_relu_", "hardtanh_", "selu_", "celu_"]:
        t, e = pair(5, requires_grad=False)
        getattr(TF, name)(t)
        getattr(EF, name)(e)
        close(e, t)
    t, e = pair(5, requires_grad=False)
    TF.threshold_(t, 0.2, 9.0)
    EF.threshold_(e, 0.2, 9.0)
    close(e, t)


def test_inplace_relu_in_graph_gives_torch_gradients():
    t, e = pair(4, 5)
    tl, el = tnn.Linear(5, 3), enn.Linear(5, 3)
    copy_module(el, tl)
    to = tnn.ReLU(inplace=True)(tl(t))
    eo = enn.ReLU(inplace=True)(el(e))
    close(eo, to)
    to.pow(2).sum().backward()
    eo.pow(2).sum().backward()
    close(e.grad, t.grad)
    close(el.weight.grad, tl.weight.grad)


def test_activation_reprs_match_torch():
    for make in [lambda m: m.ReLU(inplace=True), lambda m: m.LeakyReLU(),
                 lambda m: m.LeakyReLU(0.2, inplace=True), lambda m: m.ELU(alpha=0.5),
                 lambda m: m.Hardtanh(-2, 2, inplace=True), lambda m: m.ReLU6(inplace=True),
                 lambda m: m.Softmax(), lambda m: m.Softplus(), lambda m: m.RReLU(),
                 lambda m: m.Threshold(1, 2, True), lambda m: m.SiLU(True),
                 lambda m: m.Softmax2d(), lambda m: m.CELU(), lambda m: m.Hardswish()]:
        assert repr(make(enn)) == repr(make(tnn))


def test_softmax_without_dim_warns_and_picks_torch_dim():
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        t, e = pair(*shape, requires_grad=False)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            eo = enn.Softmax()(e)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            to = tnn.Softmax()(t)
        close(eo, to)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        EF.log_softmax(ember.randn(2, 3))


def test_softmax_dtype_and_softmax2d():
    t, e = pair(2, 3, 4, 4)
    close(EF.softmax(e, 1, dtype=ember.float64), TF.softmax(t, 1, dtype=torch.float64))
    close(enn.Softmax2d()(e), tnn.Softmax2d()(t))
    with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D"):
        enn.Softmax2d()(ember.randn(3, 4))


def test_glu_odd_dimension_error():
    with pytest.raises(RuntimeError, match="Halving dimension must be even, but dimension 1 is "
                                           "size 3"):
        EF.glu(ember.randn(3, 3), 1)


def test_prelu_parameter_and_state_dict():
    t_mod, e_mod = tnn.PReLU(3), enn.PReLU(3)
    assert list(e_mod.state_dict()) == ["weight"]
    close(e_mod.weight, t_mod.weight)
    _check_module(e_mod, t_mod, pair(2, 3, 4, low=-1, high=1))


# ----------------------------------------------------------------------------- dropout


def test_dropout_train_statistics_and_eval_identity():
    ember.manual_seed(0)
    x = ember.ones(200, 500)
    m = enn.Dropout(0.3)
    y = m(x)
    vals = np.unique(y.numpy())
    assert np.allclose(sorted(vals), [0.0, 1 / 0.7])
    frac = float((y == 0).to(ember.float32).mean())
    assert abs(frac - 0.3) < 0.01
    assert m.eval()(x) is x
    assert repr(m) == repr(tnn.Dropout(0.3)) == "Dropout(p=0.3, inplace=False)"


def test_dropout_gradient_uses_same_mask():
    x = ember.randn(50, 40, requires_grad=True)
    y = EF.dropout(x, 0.5, training=True)
    y.sum().backward()
    kept = (y != 0).to(ember.float32)
    np.testing.assert_allclose(x.grad.numpy(), kept.numpy() * 2.0)


def test_dropout_edge_probabilities_and_errors():
    x = ember.randn(10)
    assert EF.dropout(x, 0.0) is x
    assert float(EF.dropout(x, 1.0).abs().sum()) == 0.0
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but "
                                         "got 1.5"):
        EF.dropout(x, 1.5)
    with pytest.raises(ValueError, match="dropout probability"):
        enn.Dropout(-0.1)
    y = x.clone()
    out = EF.dropout(y, 0.5, inplace=True)
    assert out is y


@pytest.mark.parametrize("cls,shape", [("Dropout1d", (4, 6, 30)), ("Dropout2d", (4, 6, 5, 5)),
                                       ("Dropout3d", (2, 6, 3, 3, 3))])
def test_channel_dropout_zeroes_whole_channels(cls, shape):
    ember.manual_seed(1)
    y = getattr(enn, cls)(0.5)(ember.ones(*shape))
    flat = y.numpy().reshape(shape[0], shape[1], -1)
    for row in flat.reshape(-1, flat.shape[-1]):
        assert np.all(row == 0) or np.allclose(row, 2.0)
    assert (flat == 0).any() and (flat != 0).any()


def test_dropout1d_rejects_4d_and_dropout2d_warns_on_3d():
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a "
                                           "4D input"):
        EF.dropout1d(ember.ones(2, 2, 2, 2))
    with pytest.warns(UserWarning, match="dropout2d: Received a 3D input"):
        EF.dropout2d(ember.ones(2, 3, 4))


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(0)
    x = ember.randn(400, 500)
    y = EF.alpha_dropout(x, 0.2, training=True)
    assert abs(float(y.mean())) < 0.02
    assert abs(float(y.std()) - 1.0) < 0.02
    assert EF.alpha_dropout(x, 0.2, training=False) is x
    z = enn.FeatureAlphaDropout(0.5)(ember.randn(8, 16, 10)).numpy()
    assert z.shape == (8, 16, 10)


# ----------------------------------------------------------------------------- embedding


def test_embedding_matches_torch_with_repeated_indices():
    t_mod, e_mod = tnn.Embedding(10, 4), enn.Embedding(10, 4)
    idx = torch.tensor([[1, 2, 1, 9], [0, 1, 2, 1]])
    copy_module(e_mod, t_mod)
    to, eo = t_mod(idx), e_mod(to_e(idx))
    close(eo, to)
    g = torch.randn_like(to)
    to.backward(g)
    eo.backward(to_e(g))
    close(e_mod.weight.grad, t_mod.weight.grad)
    assert repr(e_mod) == repr(t_mod)


@pytest.mark.parametrize("kwargs", [dict(padding_idx=2), dict(padding_idx=-1),
                                    dict(scale_grad_by_freq=True),
                                    dict(padding_idx=0, scale_grad_by_freq=True),
                                    dict(max_norm=1.0), dict(max_norm=0.5, norm_type=1.0),
                                    dict(sparse=True)])
def test_embedding_options_match_torch(kwargs):
    torch.manual_seed(0)
    t_mod = tnn.Embedding(6, 3, **kwargs)
    e_mod = enn.Embedding(6, 3, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    copy_module(e_mod, t_mod)
    idx = torch.tensor([0, 2, 2, 5, 3, 2])
    to, eo = t_mod(idx), e_mod(to_e(idx))
    close(eo, to)
    close(e_mod.weight, t_mod.weight)  # max_norm renormalises in place
    to.pow(2).sum().backward()
    eo.pow(2).sum().backward()
    tg = t_mod.weight.grad.to_dense() if t_mod.weight.grad.is_sparse else t_mod.weight.grad
    close(e_mod.weight.grad, tg, atol=1e-5)


def test_embedding_padding_row_initialised_to_zero_and_from_pretrained():
    e = enn.Embedding(5, 3, padding_idx=1)
    assert float(e.weight[1].abs().sum()) == 0.0
    w = torch.randn(4, 2)
    t_mod = tnn.Embedding.from_pretrained(w, freeze=True)
    e_mod = enn.Embedding.from_pretrained(to_e(w), freeze=True)
    assert not e_mod.weight.requires_grad
    close(e_mod(ember.tensor([3, 0])), t_mod(torch.tensor([3, 0])))
    assert enn.Embedding.from_pretrained(to_e(w), freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="2-dimensional"):
        enn.Embedding.from_pretrained(ember.ones(3))


def test_embedding_errors_match_torch():
    w = ember.randn(4, 3)
    with pytest.raises(RuntimeError) as ei:
        EF.embedding(ember.tensor([1.0]), w)
    with pytest.raises(RuntimeError) as ti:
        TF.embedding(torch.tensor([1.0]), torch.randn(4, 3))
    assert str(ei.value) == str(ti.value)
    with pytest.raises(IndexError, match="index out of range in self"):
        EF.embedding(ember.tensor([7]), w)


def test_embedding_init_is_standard_normal():
    w = enn.Embedding(4000, 50).weight.detach().numpy()
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01


def test_one_hot_matches_torch():
    t = torch.tensor([[0, 3], [2, 1]])
    close(EF.one_hot(to_e(t)), TF.one_hot(t))
    close(EF.one_hot(to_e(t), 6), TF.one_hot(t, 6))
    for bad, kw in [(torch.tensor([1, 7]), dict(num_classes=3)),
                    (torch.tensor([1, -1]), {}), (torch.tensor([1.0]), {})]:
        with pytest.raises(RuntimeError) as ti:
            TF.one_hot(bad, **kw)
        with pytest.raises(RuntimeError) as ei:
            EF.one_hot(to_e(bad), **kw)
        assert str(ei.value) == str(ti.value)


# ----------------------------------------------------------------------------- distances


def test_distance_functions_match_torch():
    (t1, e1), (t2, e2) = pair(5, 6), pair(5, 6, seed=9)
    close(EF.cosine_similarity(e1, e2), TF.cosine_similarity(t1, t2))
    close(EF.cosine_similarity(e1, e2[:1], dim=1), TF.cosine_similarity(t1, t2[:1], dim=1))
    close(EF.pairwise_distance(e1, e2), TF.pairwise_distance(t1, t2))
    close(EF.pairwise_distance(e1, e2, p=1, keepdim=True),
          TF.pairwise_distance(t1, t2, p=1, keepdim=True))
    close(EF.normalize(e1), TF.normalize(t1))
    close(EF.normalize(e1, p=1, dim=0), TF.normalize(t1, p=1, dim=0))
    close(EF.pdist(e1), TF.pdist(t1))
    close(enn.CosineSimilarity(dim=0)(e1, e2), tnn.CosineSimilarity(dim=0)(t1, t2))
    close(enn.PairwiseDistance(p=3)(e1, e2), tnn.PairwiseDistance(p=3)(t1, t2))
    out_t = (TF.normalize(t1) * TF.pairwise_distance(t1, t2).unsqueeze(1)).sum()
    out_e = (EF.normalize(e1) * EF.pairwise_distance(e1, e2).unsqueeze(1)).sum()
    out_t.backward()
    out_e.backward()
    close(e1.grad, t1.grad)
    close(e2.grad, t2.grad)


def test_rrelu_training_draws_slopes_in_range():
    ember.manual_seed(0)
    x = (-ember.ones(1000)).requires_grad_()
    y = EF.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes, rtol=1e-6)
    pos = ember.ones(5)
    np.testing.assert_array_equal(enn.RReLU()(pos).numpy(), np.ones(5))


def test_gumbel_softmax_soft_and_hard():
    ember.manual_seed(0)
    logits = ember.randn(6, 4, requires_grad=True)
    soft = EF.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), np.ones(6), rtol=1e-5)
    hard = EF.gumbel_softmax(logits, hard=True)
    h = hard.detach().numpy()
    assert set(np.unique(h)) <= {0.0, 1.0} and (h.sum(-1) == 1).all()
    (hard * ember.arange(4.0)).sum().backward()
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0


@pytest.mark.parametrize("make", [lambda m: m.ReLU(), lambda m: m.GELU(), lambda m: m.SiLU(),
                                  lambda m: m.Softmax(dim=1), lambda m: m.LeakyReLU(),
                                  lambda m: m.Linear(4, 3), lambda m: m.Dropout(0.5),
                                  lambda m: m.ELU(), lambda m: m.Softplus()])
def test_modules_accept_empty_batch(make):
    t_mod, e_mod = make(tnn), make(enn)
    _check_module(e_mod, t_mod, pair(0, 4))
