"""nn.RNN / nn.LSTM / nn.GRU and the cells against torch (weights copied via state_dict)."""
import itertools
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-9, atol=1e-10)


def _copy_into(em, tm):
    em.load_state_dict({k: ember.from_numpy(v.detach().cpu().numpy().copy())
                        for k, v in tm.state_dict().items()})


def _pair(kind, *args, **kw):
    tm = getattr(torch.nn, kind)(*args, **kw).double()
    em = getattr(nn, kind)(*args, **kw).double()
    _copy_into(em, tm)
    return tm, em


def _leaf(arr):
    return torch.tensor(arr, requires_grad=True), ember.tensor(arr, requires_grad=True)


def _close(e, t, **tol):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), **(tol or TOL))


def _check_param_grads(em, tm):
    eparams = dict(em.named_parameters())
    assert list(eparams) == [n for n, _ in tm.named_parameters()]
    for n, p in tm.named_parameters():
        assert eparams[n].grad is not None, n
        np.testing.assert_allclose(eparams[n].grad.numpy(), p.grad.numpy(), **TOL, err_msg=n)


def _loss(lib, out, states):
    # weights every output entry differently so that each gradient path is checked
    w = lib.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)
    total = (out * w).sum()
    for k, s in enumerate(states):
        total = total + ((k + 2) * s * s).sum()
    return total


def _states(kind, h):
    return list(h) if kind == "LSTM" else [h]


CASES = list(itertools.product(["RNN", "LSTM", "GRU"], [1, 2], [False, True], [False, True]))


@pytest.mark.parametrize("kind,layers,bidir,batch_first", CASES)
def test_seq_rnn_matches_torch(kind, layers, bidir, batch_first):
    rng = np.random.default_rng(0)
    tm, em = _pair(kind, 3, 5, num_layers=layers, bidirectional=bidir, batch_first=batch_first)
    shape = (2, 4, 3) if batch_first else (4, 2, 3)
    tx, ex = _leaf(rng.standard_normal(shape))
    to, th = tm(tx)
    eo, eh = em(ex)
    _close(eo, to)
    for es, ts in zip(_states(kind, eh), _states(kind, th)):
        _close(es, ts)
    _loss(torch, to, _states(kind, th)).backward()
    _loss(ember, eo, _states(kind, eh)).backward()
    _close(ex.grad, tx.grad)
    _check_param_grads(em, tm)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_seq_rnn_initial_states_get_gradients(kind):
    rng = np.random.default_rng(1)
    tm, em = _pair(kind, 3, 4, num_layers=2, bidirectional=True)
    tx, ex = _leaf(rng.standard_normal((5, 2, 3)))
    th0, eh0 = _leaf(rng.standard_normal((4, 2, 4)))
    if kind == "LSTM":
        tc0, ec0 = _leaf(rng.standard_normal((4, 2, 4)))
        to, th = tm(tx, (th0, tc0))
        eo, eh = em(ex, (eh0, ec0))
    else:
        to, th = tm(tx, th0)
        eo, eh = em(ex, eh0)
    _close(eo, to)
    _loss(torch, to, _states(kind, th)).backward()
    _loss(ember, eo, _states(kind, eh)).backward()
    _close(eh0.grad, th0.grad)
    if kind == "LSTM":
        _close(ec0.grad, tc0.grad)
    _close(ex.grad, tx.grad)
    _check_param_grads(em, tm)


@pytest.mark.parametrize("bidir,layers", [(False, 1), (True, 2)])
def test_seq_lstm_proj_size(bidir, layers):
    rng = np.random.default_rng(2)
    tm, em = _pair("LSTM", 3, 6, num_layers=layers, bidirectional=bidir, proj_size=2)
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert "weight_hr_l0" in dict(em.named_parameters())
    tx, ex = _leaf(rng.standard_normal((4, 3, 3)))
    d = 2 if bidir else 1
    th0, eh0 = _leaf(rng.standard_normal((layers * d, 3, 2)))
    tc0, ec0 = _leaf(rng.standard_normal((layers * d, 3, 6)))
    to, (th, tc) = tm(tx, (th0, tc0))
    eo, (eh, ec) = em(ex, (eh0, ec0))
    assert tuple(eo.shape) == tuple(to.shape)
    _close(eo, to)
    _close(eh, th)
    _close(ec, tc)
    _loss(torch, to, [th, tc]).backward()
    _loss(ember, eo, [eh, ec]).backward()
    _close(ex.grad, tx.grad)
    _close(eh0.grad, th0.grad)
    _close(ec0.grad, tc0.grad)
    _check_param_grads(em, tm)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_seq_rnn_unbatched_input(kind, batch_first):
    rng = np.random.default_rng(3)
    tm, em = _pair(kind, 3, 4, num_layers=2, batch_first=batch_first)
    tx, ex = _leaf(rng.standard_normal((5, 3)))
    h0 = rng.standard_normal((2, 4))
    if kind == "LSTM":
        c0 = rng.standard_normal((2, 4))
        to, th = tm(tx, (torch.tensor(h0), torch.tensor(c0)))
        eo, eh = em(ex, (ember.tensor(h0), ember.tensor(c0)))
    else:
        to, th = tm(tx, torch.tensor(h0))
        eo, eh = em(ex, ember.tensor(h0))
    assert tuple(eo.shape) == tuple(to.shape) == (5, 4)
    _close(eo, to)
    for es, ts in zip(_states(kind, eh), _states(kind, th)):
        assert tuple(es.shape) == tuple(ts.shape)
        _close(es, ts)
    to.sum().backward()
    eo.sum().backward()
    _close(ex.grad, tx.grad)


def test_seq_rnn_relu_nonlinearity():
    rng = np.random.default_rng(4)
    tm, em = _pair("RNN", 3, 5, 2, "relu")
    assert em.nonlinearity == "relu" and em.mode == "RNN_RELU"
    tx, ex = _leaf(rng.standard_normal((6, 2, 3)))
    to, th = tm(tx)
    eo, eh = em(ex)
    _close(eo, to)
    _loss(torch, to, [th]).backward()
    _loss(ember, eo, [eh]).backward()
    _close(ex.grad, tx.grad)
    _check_param_grads(em, tm)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_seq_rnn_no_bias(kind):
    rng = np.random.default_rng(5)
    tm, em = _pair(kind, 3, 4, bias=False, bidirectional=True)
    assert [n for n, _ in em.named_parameters()] == ["weight_ih_l0", "weight_hh_l0",
                                                     "weight_ih_l0_reverse",
                                                     "weight_hh_l0_reverse"]
    tx, ex = _leaf(rng.standard_normal((4, 2, 3)))
    to, _ = tm(tx)
    eo, _ = em(ex)
    _close(eo, to)
    to.sum().backward()
    eo.sum().backward()
    _check_param_grads(em, tm)


def test_seq_rnn_float32_default():
    rng = np.random.default_rng(6)
    tm = torch.nn.LSTM(4, 8, batch_first=True)
    em = nn.LSTM(4, 8, batch_first=True)
    _copy_into(em, tm)
    x = rng.standard_normal((3, 7, 4)).astype(np.float32)
    to, _ = tm(torch.tensor(x))
    eo, _ = em(ember.tensor(x))
    assert eo.dtype == ember.float32
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_seq_rnn_parameter_names_shapes_and_repr(kind):
    kw = dict(num_layers=2, bidirectional=True, batch_first=True)
    if kind == "LSTM":
        kw["proj_size"] = 3
    tm = getattr(torch.nn, kind)(5, 7, **kw)
    em = getattr(nn, kind)(5, 7, **kw)
    eshapes = [(n, tuple(p.shape)) for n, p in em.named_parameters()]
    tshapes = [(n, tuple(p.shape)) for n, p in tm.named_parameters()]
    assert eshapes == tshapes
    assert list(em.state_dict()) == list(tm.state_dict())
    assert repr(em) == repr(tm)
    assert [[tuple(w.shape) for w in ws] for ws in em.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in tm.all_weights]
    assert em.flatten_parameters() is None
    stdv = 1 / np.sqrt(7)
    for p in em.parameters():
        a = p.detach().numpy()
        assert a.min() >= -stdv and a.max() <= stdv and a.std() > 0


def test_seq_rnn_repr_cases():
    for args, kw in [((10, 20), dict(num_layers=2, batch_first=True)),
                     ((3, 4), dict(bias=False, dropout=0.5, num_layers=3)),
                     ((3, 4), dict(bidirectional=True))]:
        for kind in ("RNN", "LSTM", "GRU"):
            assert repr(getattr(nn, kind)(*args, **kw)) == repr(getattr(torch.nn, kind)(*args,
                                                                                          **kw))
    assert repr(nn.LSTM(10, 20, num_layers=2, batch_first=True)) == \
        "LSTM(10, 20, num_layers=2, batch_first=True)"


def test_seq_rnn_torch_state_dict_loads_and_runs():
    tm = torch.nn.GRU(4, 6, num_layers=2)
    em = nn.GRU(4, 6, num_layers=2)
    em.load_state_dict({k: ember.from_numpy(v.numpy().copy()) for k, v in tm.state_dict().items()})
    x = np.random.default_rng(7).standard_normal((3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(x))[0].detach().numpy(),
                               tm(torch.tensor(x))[0].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_seq_rnn_dropout_between_layers():
    ember.manual_seed(0)
    em = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    x = ember.randn(5, 2, 3)
    em.train()
    a, _ = em(x)
    b, _ = em(x)
    assert not np.allclose(a.detach().numpy(), b.detach().numpy())
    em.eval()
    c, _ = em(x)
    d, _ = em(x)
    np.testing.assert_array_equal(c.detach().numpy(), d.detach().numpy())


def test_seq_rnn_constructor_errors_match_torch():
    for kind in ("RNN", "LSTM", "GRU"):
        for args, kw in [((3, 4), dict(dropout=2.0)), ((3, 0), {}), ((3, 4), dict(num_layers=0)),
                         ((0, 4), {}), ((3, 4.0), {}), ((3, 4), dict(bias=1))]:
            with pytest.raises(Exception) as te:
                getattr(torch.nn, kind)(*args, **kw)
            with pytest.raises(type(te.value), match=None) as ee:
                getattr(nn, kind)(*args, **kw)
            assert str(ee.value) == str(te.value)
    for kw in (dict(proj_size=4), dict(proj_size=-1)):
        with pytest.raises(ValueError) as te:
            torch.nn.LSTM(3, 4, **kw)
        with pytest.raises(ValueError) as ee:
            nn.LSTM(3, 4, **kw)
        assert str(ee.value) == str(te.value)
    with pytest.raises(ValueError, match="only supported for LSTM"):
        nn.GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'sigmoid'"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        nn.LSTM(3, 4, dropout=0.3)
    assert any("dropout option adds dropout" in str(x.message) for x in w)


def test_seq_rnn_forward_errors_match_torch():
    tm, em = _pair("LSTM", 3, 4)
    bad = [lambda m, L: m(L.zeros(5, 2, 2, dtype=L.float64)),
           lambda m, L: m(L.zeros(5, 2, 3, 1, dtype=L.float64)),
           lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float64),
                          (L.zeros(1, 3, 4, dtype=L.float64), L.zeros(1, 2, 4, dtype=L.float64))),
           lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float64),
                          (L.zeros(1, 2, 4, dtype=L.float64), L.zeros(1, 2, 5, dtype=L.float64))),
           lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float64),
                          (L.zeros(2, 4, dtype=L.float64), L.zeros(2, 4, dtype=L.float64))),
           lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float32))]
    for f in bad:
        with pytest.raises(Exception) as te:
            f(tm, torch)
        with pytest.raises(type(te.value)) as ee:
            f(em, ember)
        assert str(ee.value) == str(te.value)
    tg, eg = _pair("GRU", 3, 4)
    for f in [lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float64), L.zeros(2, 4, dtype=L.float64)),
              lambda m, L: m(L.zeros(5, 3, dtype=L.float64), L.zeros(1, 2, 4, dtype=L.float64)),
              lambda m, L: m(L.zeros(5, 2, 3, dtype=L.float64), L.zeros(2, 2, 4, dtype=L.float64))]:
        with pytest.raises(Exception) as te:
            f(tg, torch)
        with pytest.raises(type(te.value)) as ee:
            f(eg, ember)
        assert str(ee.value) == str(te.value)


# ---------------------------------------------------------------- cells

@pytest.mark.parametrize("kind,kw", [("RNNCell", {}), ("RNNCell", dict(nonlinearity="relu")),
                                     ("LSTMCell", {}), ("GRUCell", {}),
                                     ("LSTMCell", dict(bias=False)), ("GRUCell", dict(bias=False))])
def test_seq_cells_match_torch(kind, kw):
    rng = np.random.default_rng(8)
    tm, em = _pair(kind, 3, 4, **kw)
    assert repr(em) == repr(tm)
    tx, ex = _leaf(rng.standard_normal((2, 3)))
    th, eh = _leaf(rng.standard_normal((2, 4)))
    if kind == "LSTMCell":
        tc, ec = _leaf(rng.standard_normal((2, 4)))
        th1, tc1 = tm(tx, (th, tc))
        th2, tc2 = tm(tx * 0.5, (th1, tc1))
        eh1, ec1 = em(ex, (eh, ec))
        eh2, ec2 = em(ex * 0.5, (eh1, ec1))
        _close(eh2, th2)
        _close(ec2, tc2)
        (th2 * 2 + tc2 ** 2).sum().backward()
        (eh2 * 2 + ec2 ** 2).sum().backward()
        _close(ec.grad, tc.grad)
    else:
        th2 = tm(tx * 0.5, tm(tx, th))
        eh2 = em(ex * 0.5, em(ex, eh))
        _close(eh2, th2)
        (th2 ** 2).sum().backward()
        (eh2 ** 2).sum().backward()
    _close(ex.grad, tx.grad)
    _close(eh.grad, th.grad)
    _check_param_grads(em, tm)


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_seq_cells_unbatched_and_default_state(kind):
    rng = np.random.default_rng(9)
    tm, em = _pair(kind, 3, 4)
    x = rng.standard_normal(3)
    to = tm(torch.tensor(x))
    eo = em(ember.tensor(x))
    if kind == "LSTMCell":
        assert tuple(eo[0].shape) == (4,)
        _close(eo[0], to[0])
        _close(eo[1], to[1])
    else:
        assert tuple(eo.shape) == (4,)
        _close(eo, to)
    with pytest.raises(ValueError) as te:
        tm(torch.zeros(1, 2, 3, dtype=torch.float64))
    with pytest.raises(ValueError) as ee:
        em(ember.zeros(1, 2, 3, dtype=ember.float64))
    assert str(ee.value) == str(te.value)


def test_seq_cell_double_backward():
    # the cells are composed of ordinary ops: gradients of gradients work
    cell = nn.GRUCell(2, 3).double()
    x = ember.randn(2, 2, dtype=ember.float64, requires_grad=True)
    h = cell(x)
    g, = ember.autograd.grad(h.pow(2).sum(), x, create_graph=True)
    g.sum().backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
    # numeric check of the second derivative along one direction
    eps = 1e-6
    d = np.random.default_rng(0).standard_normal((2, 2))

    def gsum(xv):
        xt = ember.tensor(xv, requires_grad=True)
        gg, = ember.autograd.grad(cell(xt).pow(2).sum(), xt)
        return gg.sum().item()
    num = (gsum(x.detach().numpy() + eps * d) - gsum(x.detach().numpy() - eps * d)) / (2 * eps)
    np.testing.assert_allclose((x.grad.numpy() * d).sum(), num, rtol=1e-5, atol=1e-7)
