"""nn.utils.rnn (PackedSequence and friends) and packed inputs to RNN / LSTM / GRU vs torch."""
import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn.utils import rnn as eru

torch = pytest.importorskip("torch")
tru = torch.nn.utils.rnn

TOL = dict(rtol=1e-9, atol=1e-10)


def _np(t):
    return t.detach().cpu().numpy()


def _close(e, t):
    np.testing.assert_allclose(_np(e), _np(t), **TOL)


def _same_packed(ep, tp):
    _close(ep.data, tp.data)
    np.testing.assert_array_equal(_np(ep.batch_sizes), _np(tp.batch_sizes))
    for a, b in ((ep.sorted_indices, tp.sorted_indices),
                 (ep.unsorted_indices, tp.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(_np(a), _np(b))


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_seq_pad_sequence(batch_first, padding_side):
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((n, 2)) for n in (3, 5, 1)]
    t = tru.pad_sequence([torch.tensor(s) for s in seqs], batch_first=batch_first,
                         padding_value=-1.5, padding_side=padding_side)
    e = eru.pad_sequence([ember.tensor(s) for s in seqs], batch_first=batch_first,
                         padding_value=-1.5, padding_side=padding_side)
    assert tuple(e.shape) == tuple(t.shape)
    _close(e, t)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("as_tensor", [False, True])
def test_seq_pack_pad_roundtrip(batch_first, enforce_sorted, as_tensor):
    rng = np.random.default_rng(1)
    lengths = [5, 3, 2, 1] if enforce_sorted else [2, 5, 1, 3]
    shape = (4, 5, 3) if batch_first else (5, 4, 3)
    x = rng.standard_normal(shape)
    tl = torch.tensor(lengths) if as_tensor else lengths
    el = ember.tensor(lengths) if as_tensor else lengths
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    tp = tru.pack_padded_sequence(tx, tl, batch_first=batch_first, enforce_sorted=enforce_sorted)
    ep = eru.pack_padded_sequence(ex, el, batch_first=batch_first, enforce_sorted=enforce_sorted)
    assert isinstance(ep, eru.PackedSequence) and isinstance(ep, tuple)
    _same_packed(ep, tp)
    for total in (None, 7):
        tpad, tlen = tru.pad_packed_sequence(tp, batch_first=batch_first, padding_value=0.25,
                                             total_length=total)
        epad, elen = eru.pad_packed_sequence(ep, batch_first=batch_first, padding_value=0.25,
                                             total_length=total)
        _close(epad, tpad)
        np.testing.assert_array_equal(_np(elen), _np(tlen))
        assert elen.dtype == ember.int64
    w = rng.standard_normal(tuple(tpad.shape))
    (tpad * torch.tensor(w)).sum().backward()
    (epad * ember.tensor(w)).sum().backward()
    _close(ex.grad, tx.grad)


def test_seq_pack_sequence_unpack_and_unpad():
    rng = np.random.default_rng(2)
    seqs = [rng.standard_normal((n, 2)) for n in (2, 4, 3)]
    tp = tru.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    ep = eru.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False)
    _same_packed(ep, tp)
    for a, b in zip(eru.unpack_sequence(ep), tru.unpack_sequence(tp)):
        _close(a, b)
    padded = rng.standard_normal((4, 3, 2))
    lens = [4, 2, 3]
    for a, b in zip(eru.unpad_sequence(ember.tensor(padded), ember.tensor(lens)),
                    tru.unpad_sequence(torch.tensor(padded), torch.tensor(lens))):
        _close(a, b)
    ints = eru.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5]), ember.tensor([6])])
    assert repr(ints) == repr(tru.pack_sequence([torch.tensor([1, 2, 3]), torch.tensor([4, 5]),
                                                  torch.tensor([6])]))


def test_seq_packed_sequence_methods():
    ep = eru.pack_sequence([ember.tensor([1.0, 2.0]), ember.tensor([3.0])], enforce_sorted=False)
    assert ep.to(ember.float32) is ep
    d = ep.to(ember.float64)
    assert d.data.dtype == ember.float64 and d.batch_sizes is ep.batch_sizes
    assert ep.double().data.dtype == ember.float64
    assert ep.is_cuda is False
    data, batch_sizes, sorted_indices, unsorted_indices = ep
    assert data is ep.data and ep._fields == ("data", "batch_sizes", "sorted_indices",
                                              "unsorted_indices")
    np.testing.assert_array_equal(eru.invert_permutation(ember.tensor([2, 0, 1])).numpy(),
                                  [1, 2, 0])


def test_seq_pack_errors_match_torch():
    cases = [lambda m, L: m.pack_padded_sequence(L.zeros(3, 2, 1), [1, 2]),
             lambda m, L: m.pack_padded_sequence(L.zeros(3, 2, 1), [0, 0]),
             lambda m, L: m.pack_padded_sequence(L.zeros(3, 2, 1), [1, 2, 3])]
    for f in cases:
        with pytest.raises(RuntimeError) as te:
            f(tru, torch)
        with pytest.raises(RuntimeError) as ee:
            f(eru, ember)
        assert str(ee.value) == str(te.value)
    tp = tru.pack_sequence([torch.zeros(3), torch.zeros(2)])
    ep = eru.pack_sequence([ember.zeros(3), ember.zeros(2)])
    with pytest.raises(ValueError) as te:
        tru.pad_packed_sequence(tp, total_length=2)
    with pytest.raises(ValueError) as ee:
        eru.pad_packed_sequence(ep, total_length=2)
    assert str(ee.value) == str(te.value)


def _pair(kind, *args, **kw):
    tm = getattr(torch.nn, kind)(*args, **kw).double()
    em = getattr(nn, kind)(*args, **kw).double()
    em.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                        for k, v in tm.state_dict().items()})
    return tm, em


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("bidir,layers", [(False, 1), (True, 2)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_seq_rnn_packed_input(kind, enforce_sorted, bidir, layers, with_h0):
    rng = np.random.default_rng(3)
    tm, em = _pair(kind, 3, 4, num_layers=layers, bidirectional=bidir, batch_first=True)
    lengths = [5, 4, 2, 1] if enforce_sorted else [2, 5, 1, 4]
    x = rng.standard_normal((4, 5, 3))
    tx = torch.tensor(x, requires_grad=True)
    ex = ember.tensor(x, requires_grad=True)
    tp = tru.pack_padded_sequence(tx, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    ep = eru.pack_padded_sequence(ex, lengths, batch_first=True, enforce_sorted=enforce_sorted)
    d = 2 if bidir else 1
    th = eh = None
    if with_h0:
        h0 = rng.standard_normal((layers * d, 4, 4))
        th, eh = torch.tensor(h0, requires_grad=True), ember.tensor(h0, requires_grad=True)
        if kind == "LSTM":
            c0 = rng.standard_normal((layers * d, 4, 4))
            tc, ec = torch.tensor(c0, requires_grad=True), ember.tensor(c0, requires_grad=True)
            tout, thn = tm(tp, (th, tc))
            eout, ehn = em(ep, (eh, ec))
        else:
            tout, thn = tm(tp, th)
            eout, ehn = em(ep, eh)
    else:
        tout, thn = tm(tp)
        eout, ehn = em(ep)
    assert isinstance(eout, eru.PackedSequence)
    _same_packed(eout, tout)
    tstates = list(thn) if kind == "LSTM" else [thn]
    estates = list(ehn) if kind == "LSTM" else [ehn]
    for a, b in zip(estates, tstates):     # final states of each sequence's last valid step
        _close(a, b)
    tpad, _ = tru.pad_packed_sequence(tout, batch_first=True)
    epad, _ = eru.pad_packed_sequence(eout, batch_first=True)
    _close(epad, tpad)
    w = rng.standard_normal(tuple(tpad.shape))
    tl = (tpad * torch.tensor(w)).sum() + sum((k + 2) * (s ** 2).sum()
                                              for k, s in enumerate(tstates))
    el = (epad * ember.tensor(w)).sum() + sum((k + 2) * (s ** 2).sum()
                                              for k, s in enumerate(estates))
    tl.backward()
    el.backward()
    _close(ex.grad, tx.grad)
    if with_h0:
        _close(eh.grad, th.grad)
        if kind == "LSTM":
            _close(ec.grad, tc.grad)
    ep_ = dict(em.named_parameters())
    for n, p in tm.named_parameters():
        np.testing.assert_allclose(ep_[n].grad.numpy(), p.grad.numpy(), **TOL, err_msg=n)


def test_seq_packed_hidden_size_error():
    tm, em = _pair("GRU", 3, 4)
    tp = tru.pack_sequence([torch.zeros(3, 3, dtype=torch.float64),
                            torch.zeros(2, 3, dtype=torch.float64)])
    ep = eru.pack_sequence([ember.zeros(3, 3, dtype=ember.float64),
                            ember.zeros(2, 3, dtype=ember.float64)])
    with pytest.raises(RuntimeError) as te:
        tm(tp, torch.zeros(1, 3, 4, dtype=torch.float64))
    with pytest.raises(RuntimeError) as ee:
        em(ep, ember.zeros(1, 3, 4, dtype=ember.float64))
    assert str(ee.value) == str(te.value)
