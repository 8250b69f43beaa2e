"""F.scaled_dot_product_attention and nn.MultiheadAttention against torch."""
import itertools
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = dict(rtol=1e-9, atol=1e-10)


def _np(t):
    return t.detach().cpu().numpy()


def _close(e, t):
    np.testing.assert_allclose(_np(e), _np(t), **TOL)


def _leaves(*arrays):
    return ([torch.tensor(a, requires_grad=True) for a in arrays],
            [ember.tensor(a, requires_grad=True) for a in arrays])


def _backward_same(tout, eout, tins, eins, seed=0):
    w = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    (tout * torch.tensor(w)).sum().backward()
    (eout * ember.tensor(w)).sum().backward()
    for t, e in zip(tins, eins):
        _close(e.grad, t.grad)


# ---------------------------------------------------------------- SDPA

def _masks(rng, L, S):
    boolm = rng.random((L, S)) > 0.3
    boolm[:, 0] = True
    floatm = rng.standard_normal((2, 1, L, S))
    return boolm, floatm


@pytest.mark.parametrize("mask_kind", ["none", "bool", "float", "causal", "float_neginf"])
@pytest.mark.parametrize("scale", [None, 0.3])
def test_seq_sdpa_matches_torch(mask_kind, scale):
    rng = np.random.default_rng(0)
    L, S = 4, 5 if mask_kind != "causal" else 4
    q, k, v = (rng.standard_normal((2, 3, L, 6)), rng.standard_normal((2, 3, S, 6)),
               rng.standard_normal((2, 3, S, 7)))
    (tq, tk, tv), (eq, ek, ev) = _leaves(q, k, v)
    kw = {"scale": scale}
    boolm, floatm = _masks(rng, L, S)
    if mask_kind == "bool":
        tkw, ekw = dict(attn_mask=torch.tensor(boolm)), dict(attn_mask=ember.tensor(boolm))
    elif mask_kind == "float":
        tkw, ekw = dict(attn_mask=torch.tensor(floatm)), dict(attn_mask=ember.tensor(floatm))
    elif mask_kind == "float_neginf":
        fm = np.where(boolm, 0.0, -np.inf)
        tkw, ekw = dict(attn_mask=torch.tensor(fm)), dict(attn_mask=ember.tensor(fm))
    elif mask_kind == "causal":
        tkw = ekw = dict(is_causal=True)
    else:
        tkw = ekw = {}
    to = TF.scaled_dot_product_attention(tq, tk, tv, **tkw, **kw)
    eo = F.scaled_dot_product_attention(eq, ek, ev, **ekw, **kw)
    _close(eo, to)
    _backward_same(to, eo, (tq, tk, tv), (eq, ek, ev))


def test_seq_sdpa_fully_masked_rows_give_zeros():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((1, 2, 3, 4))
    (tq,), (eq,) = _leaves(q)
    m = np.ones((3, 3), dtype=bool)
    m[0] = False
    to = TF.scaled_dot_product_attention(tq, tq, tq, attn_mask=torch.tensor(m))
    eo = F.scaled_dot_product_attention(eq, eq, eq, attn_mask=ember.tensor(m))
    _close(eo, to)
    assert np.all(_np(eo)[:, :, 0] == 0)
    _backward_same(to, eo, (tq,), (eq,))
    fm = np.where(m, 0.0, -np.inf)
    to = TF.scaled_dot_product_attention(tq, tq, tq, attn_mask=torch.tensor(fm))
    eo = F.scaled_dot_product_attention(eq, eq, eq, attn_mask=ember.tensor(fm))
    _close(eo, to)


def test_seq_sdpa_causal_rectangular_and_gqa():
    rng = np.random.default_rng(2)
    q, k, v = (rng.standard_normal((2, 4, 3, 5)), rng.standard_normal((2, 2, 6, 5)),
               rng.standard_normal((2, 2, 6, 5)))
    (tq, tk, tv), (eq, ek, ev) = _leaves(q, k, v)
    to = TF.scaled_dot_product_attention(tq, tk, tv, is_causal=True, enable_gqa=True)
    eo = F.scaled_dot_product_attention(eq, ek, ev, is_causal=True, enable_gqa=True)
    _close(eo, to)
    _backward_same(to, eo, (tq, tk, tv), (eq, ek, ev))


def test_seq_sdpa_3d_inputs_and_float32():
    rng = np.random.default_rng(3)
    q = rng.standard_normal((2, 5, 8)).astype(np.float32)
    to = TF.scaled_dot_product_attention(torch.tensor(q), torch.tensor(q), torch.tensor(q))
    eo = F.scaled_dot_product_attention(ember.tensor(q), ember.tensor(q), ember.tensor(q))
    assert eo.dtype == ember.float32
    np.testing.assert_allclose(_np(eo), _np(to), rtol=1e-5, atol=1e-6)


def test_seq_sdpa_dropout_is_applied():
    ember.manual_seed(0)
    q = ember.randn(1, 1, 6, 4)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    b = F.scaled_dot_product_attention(q, q, q)
    assert not np.allclose(a.numpy(), b.numpy())


def test_seq_sdpa_errors_match_torch():
    cases = [
        lambda f, L: f(L.zeros(2, 3, 4), L.zeros(2, 3, 4), L.zeros(2, 3, 4),
                       attn_mask=L.ones(3, 3, dtype=L.bool), is_causal=True),
        lambda f, L: f(L.zeros(2, 3, 4), L.zeros(2, 3, 4, dtype=L.float64), L.zeros(2, 3, 4)),
        lambda f, L: f(L.zeros(2, 3, 4), L.zeros(2, 3, 4), L.zeros(2, 3, 4),
                       attn_mask=L.ones(3, 3, dtype=L.int64)),
    ]
    for c in cases:
        with pytest.raises(RuntimeError) as te:
            c(TF.scaled_dot_product_attention, torch)
        with pytest.raises(RuntimeError) as ee:
            c(F.scaled_dot_product_attention, ember)
        assert str(ee.value) == str(te.value)


# ---------------------------------------------------------------- MHA

def _mha_pair(*args, **kw):
    tm = torch.nn.MultiheadAttention(*args, **kw).double()
    em = nn.MultiheadAttention(*args, **kw).double()
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    return tm, em


def test_seq_mha_parameters_match_torch():
    for kw in [{}, dict(bias=False), dict(add_bias_kv=True), dict(kdim=3, vdim=5),
               dict(kdim=3, vdim=5, add_bias_kv=True, bias=False)]:
        tm = torch.nn.MultiheadAttention(8, 2, **kw)
        em = nn.MultiheadAttention(8, 2, **kw)
        assert [(n, tuple(p.shape)) for n, p in em.named_parameters()] == \
            [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
        assert list(em.state_dict()) == list(tm.state_dict())
        assert repr(em) == repr(tm)
        assert type(em.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
        assert isinstance(em.out_proj, nn.Linear)
    em = nn.MultiheadAttention(8, 2)
    assert np.all(em.in_proj_bias.detach().numpy() == 0)
    bound = np.sqrt(6 / (8 + 24))
    assert np.abs(em.in_proj_weight.detach().numpy()).max() <= bound
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(7, 2)
    with pytest.raises(ValueError) as te:
        torch.nn.MultiheadAttention(0, 2)
    with pytest.raises(ValueError) as ee:
        nn.MultiheadAttention(0, 2)
    assert str(ee.value) == str(te.value)


MHA_CASES = list(itertools.product(
    ["none", "bool", "float", "bool3d"],      # attn_mask
    [False, True],                           # key_padding_mask
    [(True, True), (True, False), (False, True)],  # (need_weights, average)
))


@pytest.mark.parametrize("mask,kpm,weights", MHA_CASES)
def test_seq_mha_self_attention_masks(mask, kpm, weights):
    need_weights, average = weights
    rng = np.random.default_rng(4)
    tm, em = _mha_pair(8, 2)
    L, N = 5, 3
    x = rng.standard_normal((L, N, 8))
    (tx,), (ex,) = _leaves(x)
    tkw, ekw = {}, {}
    if mask == "bool":
        m = rng.random((L, L)) > 0.6
        np.fill_diagonal(m, False)
        tkw["attn_mask"], ekw["attn_mask"] = torch.tensor(m), ember.tensor(m)
    elif mask == "float":
        m = rng.standard_normal((L, L))
        tkw["attn_mask"], ekw["attn_mask"] = torch.tensor(m), ember.tensor(m)
    elif mask == "bool3d":
        m = rng.random((N * 2, L, L)) > 0.6
        m[:, :, 0] = False
        tkw["attn_mask"], ekw["attn_mask"] = torch.tensor(m), ember.tensor(m)
    if kpm:
        p = np.zeros((N, L), dtype=bool)
        p[0, 3:] = True
        p[2, 4] = True
        if mask == "float":  # same dtype as attn_mask, avoiding torch's mismatch warning
            p = np.where(p, -np.inf, 0.0)
        tkw["key_padding_mask"], ekw["key_padding_mask"] = torch.tensor(p), ember.tensor(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to, tw = tm(tx, tx, tx, need_weights=need_weights, average_attn_weights=average, **tkw)
    eo, ew = em(ex, ex, ex, need_weights=need_weights, average_attn_weights=average, **ekw)
    _close(eo, to)
    assert (ew is None) == (tw is None)
    if tw is not None:
        assert tuple(ew.shape) == tuple(tw.shape)
        _close(ew, tw)
    _backward_same(to, eo, (tx,), (ex,))
    ep = dict(em.named_parameters())
    for n, p in tm.named_parameters():
        np.testing.assert_allclose(ep[n].grad.numpy(), p.grad.numpy(), **TOL, err_msg=n)


@pytest.mark.parametrize("kw", [dict(kdim=3, vdim=5), dict(add_bias_kv=True),
                                dict(add_zero_attn=True), dict(bias=False),
                                dict(kdim=3, vdim=5, add_bias_kv=True, add_zero_attn=True)])
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_mha_cross_attention_options(kw, batch_first):
    rng = np.random.default_rng(5)
    tm, em = _mha_pair(8, 4, batch_first=batch_first, **kw)
    L, S, N = 3, 6, 2
    kd, vd = kw.get("kdim", 8), kw.get("vdim", 8)
    shp = (lambda T, E: (N, T, E)) if batch_first else (lambda T, E: (T, N, E))
    q, k, v = (rng.standard_normal(shp(L, 8)), rng.standard_normal(shp(S, kd)),
               rng.standard_normal(shp(S, vd)))
    (tq, tk, tv), (eq, ek, ev) = _leaves(q, k, v)
    p = np.zeros((N, S), dtype=bool)
    p[1, 4:] = True
    to, tw = tm(tq, tk, tv, key_padding_mask=torch.tensor(p))
    eo, ew = em(eq, ek, ev, key_padding_mask=ember.tensor(p))
    _close(eo, to)
    _close(ew, tw)
    _backward_same(to, eo, (tq, tk, tv), (eq, ek, ev))
    ep = dict(em.named_parameters())
    for n, prm in tm.named_parameters():
        np.testing.assert_allclose(ep[n].grad.numpy(), prm.grad.numpy(), **TOL, err_msg=n)


def test_seq_mha_unbatched_and_is_causal():
    rng = np.random.default_rng(6)
    tm, em = _mha_pair(6, 3)
    x = rng.standard_normal((4, 6))
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    emask = nn.Transformer.generate_square_subsequent_mask(4, dtype=ember.float64)
    _close(emask, mask)
    for need in (True, False):
        to, tw = tm(torch.tensor(x), torch.tensor(x), torch.tensor(x), attn_mask=mask,
                    is_causal=True, need_weights=need)
        eo, ew = em(ember.tensor(x), ember.tensor(x), ember.tensor(x), attn_mask=emask,
                    is_causal=True, need_weights=need)
        assert tuple(eo.shape) == (4, 6)
        _close(eo, to)
        if need:
            _close(ew, tw)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        em(ember.tensor(x), ember.tensor(x), ember.tensor(x), is_causal=True)


def test_seq_mha_dropout_train_vs_eval():
    ember.manual_seed(0)
    em = nn.MultiheadAttention(8, 2, dropout=0.5)
    x = ember.randn(5, 2, 8)
    a, _ = em(x, x, x)
    b, _ = em(x, x, x)
    assert not np.allclose(_np(a), _np(b))
    em.eval()
    c, _ = em(x, x, x)
    d, _ = em(x, x, x)
    np.testing.assert_array_equal(_np(c), _np(d))


def test_seq_mha_shape_errors_match_torch():
    tm, em = _mha_pair(8, 2)
    cases = [
        lambda m, L: m(L.zeros(5, 2, 8, dtype=L.float64), L.zeros(5, 8, dtype=L.float64),
                       L.zeros(5, 8, dtype=L.float64)),
        lambda m, L: m(L.zeros(5, 2, 8, dtype=L.float64), L.zeros(5, 2, 8, dtype=L.float64),
                       L.zeros(5, 2, 8, dtype=L.float64), attn_mask=L.zeros(4, 5)),
        lambda m, L: m(L.zeros(5, 2, 8, dtype=L.float64), L.zeros(5, 2, 8, dtype=L.float64),
                       L.zeros(5, 2, 8, dtype=L.float64), key_padding_mask=L.zeros(2, 5, 1)),
        lambda m, L: m(L.zeros(5, 2, 8, dtype=L.float64), L.zeros(5, 2, 8, dtype=L.float64),
                       L.zeros(5, 2, 8, dtype=L.float64),
                       key_padding_mask=L.zeros(2, 5, dtype=L.int64)),
    ]
    for c in cases:
        with pytest.raises(Exception) as te:
            c(tm, torch)
        with pytest.raises(type(te.value)) as ee:
            c(em, ember)
        assert str(ee.value) == str(te.value)
