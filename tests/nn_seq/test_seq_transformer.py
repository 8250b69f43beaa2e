"""Transformer layers against torch (eval mode: dropout off; weights copied via state_dict)."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-8, atol=1e-9)


def _np(t):
    return t.detach().cpu().numpy()


def _close(e, t):
    np.testing.assert_allclose(_np(e), _np(t), **TOL)


def _build(make_t, make_e):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = make_t().double().eval()
        em = make_e().double().eval()
    assert list(em.state_dict()) == list(tm.state_dict())
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    return tm, em


def _grads_same(tm, em, tins, eins, tout, eout):
    w = np.random.default_rng(99).standard_normal(tuple(tout.shape))
    (tout * torch.tensor(w)).sum().backward()
    (eout * ember.tensor(w)).sum().backward()
    for t, e in zip(tins, eins):
        _close(e.grad, t.grad)
    ep = dict(em.named_parameters())
    for n, p in tm.named_parameters():
        np.testing.assert_allclose(ep[n].grad.numpy(), p.grad.numpy(), **TOL, err_msg=n)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_encoder_layer_matches_torch(norm_first, activation, batch_first):
    rng = np.random.default_rng(0)
    kw = dict(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1, activation=activation,
              batch_first=batch_first, norm_first=norm_first)
    tm, em = _build(lambda: torch.nn.TransformerEncoderLayer(**kw),
                    lambda: nn.TransformerEncoderLayer(**kw))
    x = rng.standard_normal((2, 5, 8) if batch_first else (5, 2, 8))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    pad = np.zeros((2, 5), dtype=bool)
    pad[1, 3:] = True
    to = tm(tx, src_key_padding_mask=torch.tensor(pad))
    eo = em(ex, src_key_padding_mask=ember.tensor(pad))
    _close(eo, to)
    _grads_same(tm, em, [tx], [ex], to, eo)


def test_seq_encoder_layer_callable_activation_and_no_bias():
    rng = np.random.default_rng(1)
    tm, em = _build(
        lambda: torch.nn.TransformerEncoderLayer(8, 2, 16, activation=torch.nn.functional.silu,
                                                 bias=False),
        lambda: nn.TransformerEncoderLayer(8, 2, 16, activation=F.silu, bias=False))
    assert em.activation_relu_or_gelu == tm.activation_relu_or_gelu == 0
    x = rng.standard_normal((4, 3, 8))
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    to = tm(torch.tensor(x), src_mask=mask)
    eo = em(ember.tensor(x), src_mask=ember.tensor(mask.numpy()))
    _close(eo, to)
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


@pytest.mark.parametrize("norm_first", [False, True])
def test_seq_encoder_stack_matches_torch(norm_first):
    rng = np.random.default_rng(2)

    def make(lib):
        layer = lib.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first, batch_first=True)
        return lib.TransformerEncoder(layer, num_layers=2, norm=lib.LayerNorm(8))
    tm, em = _build(lambda: make(torch.nn), lambda: make(nn))
    assert "layers.0.self_attn.in_proj_weight" in em.state_dict()
    assert "layers.1.linear2.bias" in em.state_dict() and "norm.weight" in em.state_dict()
    assert em.layers[0] is not em.layers[1]
    assert em.layers[0].linear1.weight is not em.layers[1].linear1.weight
    x = rng.standard_normal((2, 6, 8))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(6, dtype=torch.float64)
    to = tm(tx, mask=mask)
    eo = em(ex, mask=ember.tensor(mask.numpy()))
    _close(eo, to)
    _grads_same(tm, em, [tx], [ex], to, eo)


def test_seq_encoder_nested_tensor_warning_like_torch():
    for lib in (torch.nn, nn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.TransformerEncoder(lib.TransformerEncoderLayer(8, 2, 16), 1)
        msgs = [str(x.message) for x in w if "enable_nested_tensor" in str(x.message)]
        assert msgs == ["enable_nested_tensor is True, but self.use_nested_tensor is False "
                        "because encoder_layer.self_attn.batch_first was not True(use "
                        "batch_first for better inference performance)"]


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_decoder_layer_and_stack_match_torch(norm_first, batch_first):
    rng = np.random.default_rng(3)

    def make(lib):
        layer = lib.TransformerDecoderLayer(8, 2, 16, activation="gelu", norm_first=norm_first,
                                            batch_first=batch_first)
        return lib.TransformerDecoder(layer, num_layers=2, norm=lib.LayerNorm(8))
    tm, em = _build(lambda: make(torch.nn), lambda: make(nn))
    tgt = rng.standard_normal((2, 4, 8) if batch_first else (4, 2, 8))
    mem = rng.standard_normal((2, 6, 8) if batch_first else (6, 2, 8))
    tt, et = torch.tensor(tgt, requires_grad=True), ember.tensor(tgt, requires_grad=True)
    tmm, emm = torch.tensor(mem, requires_grad=True), ember.tensor(mem, requires_grad=True)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    mpad = np.zeros((2, 6), dtype=bool)
    mpad[0, 5] = True
    to = tm(tt, tmm, tgt_mask=mask, memory_key_padding_mask=torch.tensor(mpad))
    eo = em(et, emm, tgt_mask=ember.tensor(mask.numpy()),
            memory_key_padding_mask=ember.tensor(mpad))
    _close(eo, to)
    _grads_same(tm, em, [tt, tmm], [et, emm], to, eo)


@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_full_transformer_matches_torch(batch_first):
    rng = np.random.default_rng(4)
    kw = dict(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
              dim_feedforward=12, batch_first=batch_first)
    tm, em = _build(lambda: torch.nn.Transformer(**kw), lambda: nn.Transformer(**kw))
    src = rng.standard_normal((2, 5, 8) if batch_first else (5, 2, 8))
    tgt = rng.standard_normal((2, 3, 8) if batch_first else (3, 2, 8))
    ts, es = torch.tensor(src, requires_grad=True), ember.tensor(src, requires_grad=True)
    tmask = torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64)
    to = tm(ts, torch.tensor(tgt), tgt_mask=tmask)
    eo = em(es, ember.tensor(tgt), tgt_mask=ember.tensor(tmask.numpy()))
    _close(eo, to)
    _grads_same(tm, em, [ts], [es], to, eo)


def test_seq_transformer_defaults_keys_and_init():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm = torch.nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1,
                                  num_decoder_layers=1, dim_feedforward=8)
        em = nn.Transformer(d_model=16, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                            dim_feedforward=8)
    assert [(k, tuple(v.shape)) for k, v in em.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    # xavier-uniform init of every matrix
    w = em.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(w).max() <= np.sqrt(6 / (16 + 8)) and w.std() > 0
    m = nn.Transformer.generate_square_subsequent_mask(3)
    assert m.dtype == ember.float32
    np.testing.assert_array_equal(m.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(
        3).numpy())
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        em(ember.zeros(3, 2, 16), ember.zeros(3, 1, 16))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal"):
        em(ember.zeros(3, 2, 16), ember.zeros(3, 2, 8))


def test_seq_transformer_custom_encoder_decoder():
    enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 1)
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, batch_first=True), 1)
    model = nn.Transformer(d_model=8, nhead=2, custom_encoder=enc, custom_decoder=dec,
                           batch_first=True)
    assert model.encoder is enc and model.decoder is dec
    out = model(ember.randn(2, 5, 8), ember.randn(2, 3, 8))
    assert tuple(out.shape) == (2, 3, 8)


def test_seq_transformer_trains_in_train_mode():
    ember.manual_seed(0)
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    x = ember.randn(4, 5, 8)
    y = ember.randn(4, 5, 8)
    opt = ember.optim.Adam(layer.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = ((layer(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]
