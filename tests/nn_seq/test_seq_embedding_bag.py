"""nn.EmbeddingBag / F.embedding_bag against torch."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = dict(rtol=1e-10, atol=1e-12)


def _weights(rng, n=10, d=4):
    w = rng.standard_normal((n, d))
    return torch.tensor(w, requires_grad=True), ember.tensor(w, requires_grad=True)


def _compare(tw, ew, tout, eout, seed=0):
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), **TOL)
    g = np.random.default_rng(seed).standard_normal(tuple(tout.shape))
    (tout * torch.tensor(g)).sum().backward()
    (eout * ember.tensor(g)).sum().backward()
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), **TOL)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("include_last_offset", [False, True])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_seq_embedding_bag_1d_offsets(mode, include_last_offset, padding_idx):
    rng = np.random.default_rng(0)
    tw, ew = _weights(rng)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2, 2, 7])
    offsets = np.array([0, 4, 4, 8, 9])          # includes an empty bag and a padding-only bag
    if include_last_offset:
        offsets = np.append(offsets, len(idx))
    kw = dict(mode=mode, include_last_offset=include_last_offset, padding_idx=padding_idx)
    tout = TF.embedding_bag(torch.tensor(idx), tw, torch.tensor(offsets), **kw)
    eout = F.embedding_bag(ember.tensor(idx), ew, ember.tensor(offsets), **kw)
    assert tuple(eout.shape) == tuple(tout.shape)
    _compare(tw, ew, tout, eout)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_seq_embedding_bag_2d_input_module(mode):
    rng = np.random.default_rng(1)
    tm = torch.nn.EmbeddingBag(10, 3, mode=mode).double()
    em = nn.EmbeddingBag(10, 3, mode=mode).double()
    assert repr(em) == repr(tm)
    em.load_state_dict({"weight": ember.from_numpy(tm.weight.detach().numpy().copy())})
    idx = rng.integers(0, 10, (4, 5))
    tout = tm(torch.tensor(idx))
    eout = em(ember.tensor(idx))
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), **TOL)
    tout.pow(2).sum().backward()
    eout.pow(2).sum().backward()
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), **TOL)


def test_seq_embedding_bag_per_sample_weights():
    rng = np.random.default_rng(2)
    tw, ew = _weights(rng)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9])
    psw = rng.standard_normal(8)
    tp, ep = torch.tensor(psw, requires_grad=True), ember.tensor(psw, requires_grad=True)
    tout = TF.embedding_bag(torch.tensor(idx), tw, torch.tensor([0, 3]), mode="sum",
                            per_sample_weights=tp, padding_idx=4)
    eout = F.embedding_bag(ember.tensor(idx), ew, ember.tensor([0, 3]), mode="sum",
                           per_sample_weights=ep, padding_idx=4)
    _compare(tw, ew, tout, eout)
    np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), **TOL)


def test_seq_embedding_bag_module_options_and_repr():
    for kw in [dict(mode="sum"), dict(max_norm=1.0, norm_type=1.0), dict(padding_idx=0),
               dict(scale_grad_by_freq=True, mode="max")]:
        assert repr(nn.EmbeddingBag(10, 3, **kw)) == repr(torch.nn.EmbeddingBag(10, 3, **kw))
    bag = nn.EmbeddingBag(10, 3, padding_idx=-1)
    assert bag.padding_idx == 9 and np.all(bag.weight.detach().numpy()[9] == 0)
    w = ember.tensor([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    pre = nn.EmbeddingBag.from_pretrained(w)
    assert pre.weight.requires_grad is False
    np.testing.assert_allclose(pre(ember.tensor([[1, 0]])).numpy(), [[2.5, 3.7, 4.65]],
                               rtol=1e-6)


def test_seq_embedding_bag_scale_grad_by_freq_and_max_norm():
    rng = np.random.default_rng(3)
    tw, ew = _weights(rng)
    idx = np.array([1, 1, 4, 1, 4, 3])
    tout = TF.embedding_bag(torch.tensor(idx), tw, torch.tensor([0, 2]), mode="mean",
                            scale_grad_by_freq=True)
    eout = F.embedding_bag(ember.tensor(idx), ew, ember.tensor([0, 2]), mode="mean",
                           scale_grad_by_freq=True)
    _compare(tw, ew, tout, eout)
    w = rng.standard_normal((10, 4)) * 3
    tw2, ew2 = torch.tensor(w), ember.tensor(w)
    with torch.no_grad():
        tout = TF.embedding_bag(torch.tensor(idx), tw2, torch.tensor([0, 2]), max_norm=1.0)
    eout = F.embedding_bag(ember.tensor(idx), ew2, ember.tensor([0, 2]), max_norm=1.0)
    np.testing.assert_allclose(eout.numpy(), tout.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ew2.numpy(), tw2.numpy(), rtol=1e-6)


def test_seq_embedding_bag_errors_match_torch():
    w_t, w_e = torch.zeros(5, 2), ember.zeros(5, 2)
    cases = [
        lambda f, L, w: f(L.tensor([[1, 2]]), w, L.tensor([0])),
        lambda f, L, w: f(L.tensor([1, 2]), w),
        lambda f, L, w: f(L.tensor([1, 2]), w, L.tensor([0]), mode="prod"),
        lambda f, L, w: f(L.tensor([[[1]]]), w),
        lambda f, L, w: f(L.tensor([1, 2]), w, L.tensor([0]), per_sample_weights=L.ones(3),
                          mode="sum"),
    ]
    for c in cases:
        with pytest.raises(ValueError) as te:
            c(TF.embedding_bag, torch, w_t)
        with pytest.raises(ValueError) as ee:
            c(F.embedding_bag, ember, w_e)
        assert str(ee.value).replace(str(ember.Tensor), str(torch.Tensor)) == str(te.value)
    with pytest.raises(NotImplementedError) as te:
        TF.embedding_bag(torch.tensor([1, 2]), w_t, torch.tensor([0]), mode="mean",
                         per_sample_weights=torch.ones(2))
    with pytest.raises(NotImplementedError) as ee:
        F.embedding_bag(ember.tensor([1, 2]), w_e, ember.tensor([0]), mode="mean",
                        per_sample_weights=ember.ones(2))
    assert str(ee.value) == str(te.value)
