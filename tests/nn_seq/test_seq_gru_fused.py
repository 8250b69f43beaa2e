"""The fused GRU and vanilla RNN kernels (ember/ops/rnn_ops.py) against torch: values and
gradients for every variant (bias, bidirectional, layers, packed, batch_first, unbatched,
given h_0), float32 training steps that reuse the cached buffers, a second backward
(retain_graph), several graphs alive at once, in-place changes to the outputs, no-grad
forwards, partial gradients, dropout between layers and empty batches."""
import numpy as np
import pytest

import ember
import ember.nn as enn
from ember.nn.utils import rnn as eru

torch = pytest.importorskip("torch")
tru = torch.nn.utils.rnn

F32 = dict(rtol=2e-4, atol=2e-5)
F64 = dict(rtol=1e-9, atol=1e-10)
# (module, extra constructor arguments): the GRU and both vanilla RNN nonlinearities
KINDS = [("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"})]
KIND_IDS = ["gru", "rnn_tanh", "rnn_relu"]


def _pair(kind, *args, dtype="double", **kw):
    tm = getattr(torch.nn, kind)(*args, **kw)
    em = getattr(enn, kind)(*args, **kw)
    if dtype == "double":
        tm, em = tm.double(), em.double()
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    return tm, em


def _close(e, t, tol=F64):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **tol)


def _grads_close(em, tm, tol=F64):
    ep = dict(em.named_parameters())
    for n, p in tm.named_parameters():
        assert ep[n].grad is not None, n
        np.testing.assert_allclose(ep[n].grad.numpy(), p.grad.numpy(), err_msg=n, **tol)


def _zero_grads(*mods):
    for m in mods:
        for p in m.parameters():
            p.grad = None


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_float32_training_step_matches_torch(kind, kw):
    # the benchmark's step (last output -> Linear -> cross entropy), float32, twice
    rng = np.random.default_rng(0)
    tm, em = _pair(kind, 6, 16, dtype="float", **kw)
    th, eh = torch.nn.Linear(16, 4), enn.Linear(16, 4)
    eh.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in th.state_dict().items()})
    for _ in range(2):                      # the second step reuses the cached buffers
        x = rng.standard_normal((9, 5, 6)).astype(np.float32)
        y = rng.integers(0, 4, 5)
        to, tn = tm(torch.tensor(x))
        eo, en = em(ember.tensor(x))
        _close(eo, to, F32)
        _close(en, tn, F32)
        tl = torch.nn.functional.cross_entropy(th(to[-1]), torch.tensor(y))
        el = enn.functional.cross_entropy(eh(eo[-1]), ember.tensor(y))
        _zero_grads(tm, em, th, eh)
        tl.backward()
        el.backward()
        _grads_close(em, tm, F32)
        _grads_close(eh, th, F32)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_gru_fused_padded_variants_with_h0(kind, kw, bias, batch_first):
    # two bidirectional layers, a given h_0, every output feeding the loss
    rng = np.random.default_rng(1)
    tm, em = _pair(kind, 3, 5, num_layers=2, bidirectional=True, bias=bias,
                   batch_first=batch_first, **kw)
    x = rng.standard_normal((4, 6, 3) if batch_first else (6, 4, 3))
    h = rng.standard_normal((4, 4, 5))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    th0, eh0 = torch.tensor(h, requires_grad=True), ember.tensor(h, requires_grad=True)
    to, tn = tm(tx, th0)
    eo, en = em(ex, eh0)
    assert tuple(eo.shape) == tuple(to.shape)
    _close(eo, to)
    _close(en, tn)
    w = rng.standard_normal(tuple(to.shape))
    ((to * torch.tensor(w)).sum() + (tn ** 2).sum()).backward()
    ((eo * ember.tensor(w)).sum() + (en ** 2).sum()).backward()
    _close(ex.grad, tx.grad)
    _close(eh0.grad, th0.grad)
    _grads_close(em, tm)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_gru_fused_packed_unsorted(kind, kw, batch_first):
    # shrinking batches (running states) in both directions, unsorted lengths, given h_0
    rng = np.random.default_rng(2)
    tm, em = _pair(kind, 3, 6, num_layers=2, bidirectional=True, batch_first=batch_first,
                   **kw)
    x = rng.standard_normal((3, 5, 3) if batch_first else (5, 3, 3))
    h = rng.standard_normal((4, 3, 6))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    th0, eh0 = torch.tensor(h, requires_grad=True), ember.tensor(h, requires_grad=True)
    lengths = [2, 5, 3]
    tp = tru.pack_padded_sequence(tx, lengths, batch_first=batch_first, enforce_sorted=False)
    ep = eru.pack_padded_sequence(ex, lengths, batch_first=batch_first, enforce_sorted=False)
    tout, tn = tm(tp, th0)
    eout, en = em(ep, eh0)
    _close(eout.data, tout.data)
    _close(en, tn)
    w = rng.standard_normal(tuple(tout.data.shape))
    ((tout.data * torch.tensor(w)).sum() + (tn ** 3).sum()).backward()
    ((eout.data * ember.tensor(w)).sum() + (en ** 3).sum()).backward()
    _close(ex.grad, tx.grad)
    _close(eh0.grad, th0.grad)
    _grads_close(em, tm)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_unbatched_input(kind, kw):
    rng = np.random.default_rng(3)
    tm, em = _pair(kind, 3, 4, **kw)
    x, h = rng.standard_normal((5, 3)), rng.standard_normal((1, 4))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, tn = tm(tx, torch.tensor(h))
    eo, en = em(ex, ember.tensor(h))
    assert tuple(eo.shape) == (5, 4) and tuple(en.shape) == (1, 4)
    _close(eo, to)
    _close(en, tn)
    (to.sum() + tn.sum()).backward()
    (eo.sum() + en.sum()).backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("bidir,packed", [(False, False), (True, False), (True, True)])
def test_seq_gru_fused_retain_graph_second_backward(kind, kw, bidir, packed):
    # the first backward consumes the saved factors in place; the second recomputes them
    rng = np.random.default_rng(4)
    tm, em = _pair(kind, 3, 5, bidirectional=bidir, **kw)
    x = rng.standard_normal((6, 3, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    if packed:
        tout, tn = tm(tru.pack_padded_sequence(tx, [6, 4, 2]))
        eout, en = em(eru.pack_padded_sequence(ex, [6, 4, 2]))
        tout, eout = tout.data, eout.data
    else:
        tout, tn = tm(tx)
        eout, en = em(ex)
    w = rng.standard_normal(tuple(tout.shape))
    tl = (tout * torch.tensor(w)).sum() + (tn ** 2).sum()
    el = (eout * ember.tensor(w)).sum() + (en ** 2).sum()
    tl.backward(retain_graph=True)
    el.backward(retain_graph=True)
    first = {n: p.grad.numpy().copy() for n, p in em.named_parameters()}
    first_x = ex.grad.numpy().copy()
    tl.backward()
    el.backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)
    np.testing.assert_allclose(ex.grad.numpy(), 2 * first_x, rtol=1e-12, atol=1e-15)
    for n, p in em.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), 2 * first[n], rtol=1e-12, atol=1e-15,
                                   err_msg=n)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_two_graphs_alive_at_once(kind, kw):
    rng = np.random.default_rng(5)
    tm, em = _pair(kind, 4, 6, num_layers=2, **kw)
    x1, x2 = rng.standard_normal((5, 2, 4)), rng.standard_normal((5, 2, 4))
    to1, _ = tm(torch.tensor(x1))
    to2, _ = tm(torch.tensor(x2))
    eo1, _ = em(ember.tensor(x1))
    eo2, _ = em(ember.tensor(x2))
    _close(eo1, to1)
    _close(eo2, to2)
    (to1 * to2).sum().backward()
    (eo1 * eo2).sum().backward()
    _grads_close(em, tm)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("packed", [False, True])
def test_seq_gru_fused_outputs_changed_in_place_keep_gradients(kind, kw, packed):
    # the outputs have their own buffers: changing them cannot corrupt the saved h_{t-1}
    tm, em = _pair(kind, 3, 4, **kw)
    x = np.random.default_rng(6).standard_normal((4, 2, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    if packed:
        tout, tn = tm(tru.pack_padded_sequence(tx, [4, 3]))
        eout, en = em(eru.pack_padded_sequence(ex, [4, 3]))
        tout, eout = tout.data, eout.data
    else:
        tout, tn = tm(tx)
        eout, en = em(ex)
    tout.mul_(2)
    eout.mul_(2)
    tn.add_(1)
    en.add_(1)
    (tout.sum() + (tn ** 2).sum()).backward()
    (eout.sum() + (en ** 2).sum()).backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_no_grad_forward_and_partial_gradients(kind, kw):
    rng = np.random.default_rng(7)
    tm, em = _pair(kind, 3, 5, num_layers=2, bidirectional=True, **kw)
    x = rng.standard_normal((7, 2, 3))
    with torch.no_grad():
        to, tn = tm(torch.tensor(x))
    with ember.no_grad():
        eo, en = em(ember.tensor(x))
    assert eo.grad_fn is None and en.grad_fn is None
    _close(eo, to)
    _close(en, tn)
    # frozen weights: only the input and one bias get gradients
    for (n, tp), ep in zip(tm.named_parameters(), em.parameters()):
        keep = n == "bias_hh_l1_reverse"
        tp.requires_grad_(keep)
        ep.requires_grad_(keep)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tm(tx)[0].pow(2).sum().backward()
    em(ex)[0].pow(2).sum().backward()
    _close(ex.grad, tx.grad)
    _close(em.bias_hh_l1_reverse.grad, tm.bias_hh_l1_reverse.grad)
    assert em.weight_hh_l0.grad is None and em.bias_ih_l1_reverse.grad is None


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
@pytest.mark.parametrize("name", ["weight_ih_l0", "bias_ih_l0", "weight_hh_l0", "bias_hh_l0"])
def test_seq_gru_fused_single_parameter_gradient(kind, kw, name):
    # each parameter alone (the GRU assembles dW_ih / db_ih from two separate products)
    rng = np.random.default_rng(8)
    tm, em = _pair(kind, 3, 4, **kw)
    for (n, tp), ep in zip(tm.named_parameters(), em.parameters()):
        tp.requires_grad_(n == name)
        ep.requires_grad_(n == name)
    x = rng.standard_normal((5, 2, 3))
    to, tn = tm(torch.tensor(x))
    eo, en = em(ember.tensor(x))
    (to.pow(2).sum() + tn.sum()).backward()
    (eo.pow(2).sum() + en.sum()).backward()
    _close(getattr(em, name).grad, getattr(tm, name).grad)


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_dropout_between_layers(kind, kw):
    # p = 1 zeroes the first layer's output (deterministic, compared with torch) ...
    rng = np.random.default_rng(9)
    x = rng.standard_normal((5, 3, 4))
    tm, em = _pair(kind, 4, 6, num_layers=2, dropout=1.0, **kw)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, tn = tm(tx)
    eo, en = em(ex)
    _close(eo, to)
    _close(en, tn)
    (to.sum() + tn.sum()).backward()
    (eo.sum() + en.sum()).backward()
    _grads_close(em, tm)
    _close(ex.grad, tx.grad)
    # (only layer 0's h_n depends on x: layer 1 gets zeros)
    np.testing.assert_array_equal(em.weight_ih_l1.grad.numpy(), 0)
    # ... and p = 0.5 equals the layers run one by one with the same dropout mask
    em = getattr(enn, kind)(4, 6, num_layers=2, dropout=0.5, **kw).double()
    l0 = getattr(enn, kind)(4, 6, **kw).double()
    l1 = getattr(enn, kind)(6, 6, **kw).double()
    sd = em.state_dict()
    l0.load_state_dict({k: v for k, v in sd.items() if k.endswith("l0")})
    l1.load_state_dict({k.replace("l1", "l0"): v for k, v in sd.items() if k.endswith("l1")})
    ex = ember.tensor(x, requires_grad=True)
    ember.manual_seed(3)
    eo, en = em(ex)
    (eo.sum() + en.sum()).backward()
    rx = ember.tensor(x, requires_grad=True)
    ember.manual_seed(3)
    o0, h0 = l0(rx)
    o1, h1 = l1(enn.functional.dropout(o0, 0.5, True))
    (o1.sum() + h0.sum() + h1.sum()).backward()
    _close(eo, o1)
    _close(en, ember.cat([h0, h1]))
    _close(ex.grad, rx.grad)
    np.testing.assert_allclose(em.weight_hh_l1.grad.numpy(), l1.weight_hh_l0.grad.numpy(),
                               **F64)
    # in eval mode no dropout is applied
    em.eval()
    tm2, _ = _pair(kind, 4, 6, num_layers=2, **kw)
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm2.state_dict().items()})
    _close(em(ember.tensor(x))[0], tm2(torch.tensor(x))[0])


@pytest.mark.parametrize("kind,kw", KINDS, ids=KIND_IDS)
def test_seq_gru_fused_empty_batch_backward(kind, kw):
    tm, em = _pair(kind, 3, 4, num_layers=2, bidirectional=True, **kw)
    tx = torch.zeros(3, 0, 3, dtype=torch.float64, requires_grad=True)
    ex = ember.zeros(3, 0, 3, dtype=ember.float64, requires_grad=True)
    to, tn = tm(tx)
    eo, en = em(ex)
    assert tuple(eo.shape) == tuple(to.shape) == (3, 0, 8)
    assert tuple(en.shape) == tuple(tn.shape) == (4, 0, 4)
    (to.sum() + tn.sum()).backward()
    (eo.sum() + en.sum()).backward()
    assert tuple(ex.grad.shape) == (3, 0, 3)
    _grads_close(em, tm)


def test_seq_gru_fused_saturated_gates_stay_finite():
    # large pre-activations: sigmoid via tanh(z / 2) does not overflow, gradients match
    rng = np.random.default_rng(10)
    tm, em = _pair("GRU", 3, 4)
    x = 40 * rng.standard_normal((6, 2, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    to, tn = tm(tx)
    eo, en = em(ex)
    _close(eo, to)
    (to.sum() + tn.sum()).backward()
    (eo.sum() + en.sum()).backward()
    assert np.isfinite(ex.grad.numpy()).all()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)
