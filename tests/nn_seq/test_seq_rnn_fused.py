"""The fused LSTM kernel (ember/ops/rnn_ops.py) where its reused buffers make things delicate:
float32 training steps, a second backward (retain_graph), several graphs alive at once,
in-place changes to the outputs, no-grad forwards, partial gradients, packed + projection."""
import numpy as np
import pytest

import ember
import ember.nn as enn
from ember.nn.utils import rnn as eru

torch = pytest.importorskip("torch")
tru = torch.nn.utils.rnn

F32 = dict(rtol=2e-4, atol=2e-5)
F64 = dict(rtol=1e-9, atol=1e-10)


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


def test_seq_fused_lstm_float32_training_step_matches_torch():
    # the benchmark's shape of step (last output -> Linear -> cross entropy), float32
    rng = np.random.default_rng(0)
    tm, em = _pair("LSTM", 6, 16, dtype="float")
    th, eh = torch.nn.Linear(16, 4), enn.Linear(16, 4)
    eh.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in th.state_dict().items()})
    x = rng.standard_normal((9, 5, 6)).astype(np.float32)
    y = rng.integers(0, 4, 5)
    for _ in range(2):                      # the second step reuses the cached buffers
        to, _ = tm(torch.tensor(x))
        eo, _ = em(ember.tensor(x))
        _close(eo, to, F32)
        tl = torch.nn.functional.cross_entropy(th(to[-1]), torch.tensor(y))
        el = enn.functional.cross_entropy(eh(eo[-1]), ember.tensor(y))
        for p in list(tm.parameters()):
            p.grad = None
        for p in list(em.parameters()):
            p.grad = None
        tl.backward()
        el.backward()
        _grads_close(em, tm, F32)


@pytest.mark.parametrize("bidir,packed", [(False, False), (True, False), (True, True)])
def test_seq_fused_lstm_retain_graph_second_backward(bidir, packed):
    # the first backward consumes the saved gate factors in place; the second recomputes them
    rng = np.random.default_rng(1)
    tm, em = _pair("LSTM", 3, 5, bidirectional=bidir)
    x = rng.standard_normal((6, 3, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    if packed:
        tin = tru.pack_padded_sequence(tx, [6, 4, 2])
        ein = eru.pack_padded_sequence(ex, [6, 4, 2])
        tout, (th, tc) = tm(tin)
        eout, (eh, ec) = em(ein)
        tout, eout = tout.data, eout.data
    else:
        tout, (th, tc) = tm(tx)
        eout, (eh, ec) = em(ex)
    w = rng.standard_normal(tuple(tout.shape))
    tl = (tout * torch.tensor(w)).sum() + (th * tc).sum()
    el = (eout * ember.tensor(w)).sum() + (eh * ec).sum()
    tl.backward(retain_graph=True)
    el.backward(retain_graph=True)
    first = {n: p.grad.numpy().copy() for n, p in em.named_parameters()}
    tl.backward()
    el.backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)
    for n, p in em.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), 2 * first[n], rtol=1e-12, err_msg=n)


def test_seq_fused_lstm_two_graphs_alive_at_once():
    rng = np.random.default_rng(2)
    tm, em = _pair("LSTM", 4, 6, num_layers=2)
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


def test_seq_fused_lstm_outputs_changed_in_place_keep_gradients():
    # the output has its own buffer, so changing it cannot corrupt the h_{t-1} kept for
    # backward (torch's float64 path gives the same gradients; its float32 oneDNN path raises)
    tm, em = _pair("LSTM", 3, 4)
    x = np.random.default_rng(3).standard_normal((4, 2, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tout, (th, _) = tm(tx)
    eout, (eh, _) = em(ex)
    tout.mul_(2)
    eout.mul_(2)
    (tout.sum() + th.sum()).backward()
    (eout.sum() + eh.sum()).backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)


def test_seq_fused_lstm_no_grad_forward_and_partial_gradients():
    rng = np.random.default_rng(4)
    tm, em = _pair("LSTM", 3, 5, num_layers=2, bidirectional=True)
    x = rng.standard_normal((7, 2, 3))
    with torch.no_grad():
        to, (th, tc) = tm(torch.tensor(x))
    with ember.no_grad():
        eo, (eh, ec) = em(ember.tensor(x))
    assert eo.grad_fn is None
    for e, t in ((eo, to), (eh, th), (ec, tc)):
        _close(e, t)
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
    assert em.weight_hh_l0.grad is None


@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_fused_lstm_packed_with_projection(batch_first):
    rng = np.random.default_rng(5)
    tm, em = _pair("LSTM", 3, 6, proj_size=2, num_layers=2, bidirectional=True,
                   batch_first=batch_first)
    x = rng.standard_normal((3, 5, 3) if batch_first else (5, 3, 3))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    lengths = [2, 5, 3]
    tp = tru.pack_padded_sequence(tx, lengths, batch_first=batch_first, enforce_sorted=False)
    ep = eru.pack_padded_sequence(ex, lengths, batch_first=batch_first, enforce_sorted=False)
    tout, (th, tc) = tm(tp)
    eout, (eh, ec) = em(ep)
    _close(eout.data, tout.data)
    _close(eh, th)
    _close(ec, tc)
    w = rng.standard_normal(tuple(tout.data.shape))
    ((tout.data * torch.tensor(w)).sum() + (th ** 2).sum() + (tc ** 3).sum()).backward()
    ((eout.data * ember.tensor(w)).sum() + (eh ** 2).sum() + (ec ** 3).sum()).backward()
    _close(ex.grad, tx.grad)
    _grads_close(em, tm)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_seq_fused_empty_batch_and_empty_sequence(kind):
    tm, em = _pair(kind, 3, 4)
    to, _ = tm(torch.zeros(3, 0, 3, dtype=torch.float64))
    eo, _ = em(ember.zeros(3, 0, 3, dtype=ember.float64))
    assert tuple(eo.shape) == tuple(to.shape) == (3, 0, 4)
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        tm(torch.zeros(0, 2, 3, dtype=torch.float64))
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        em(ember.zeros(0, 2, 3, dtype=ember.float64))
