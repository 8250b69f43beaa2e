"""Ops that used to do deliberate host work (``.cpu()``, ``.item()``, ``np.asarray``) must stay
on their operands' array backend: on CUDA no host round trip of the data, on meta torch's shape,
dtype and device with nothing computed (and no error).

Each case runs on the fake CUDA backend (values compared with torch on the CPU, result must stay
on ``cuda``) and on the meta device (shape, dtype and device compared with torch on meta), in
the style of ``test_backend_leaks.py``.
"""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as EF
import torch.nn.functional as TF

_RNG = np.random.default_rng(1)
_F32 = _RNG.standard_normal((3, 5)).astype(np.float32)
_SEQ1 = np.sort(_RNG.standard_normal(6)).astype(np.float32)
_SEQ2 = np.sort(_RNG.standard_normal((3, 6)), axis=1).astype(np.float32)
_SORTER = np.argsort(_RNG.standard_normal(6)).astype(np.int64)
_UNSORTED = np.sort(_SEQ1)[np.argsort(_SORTER)].astype(np.float32)   # sorted by _SORTER
_INTS = _RNG.integers(0, 4, (4, 7)).astype(np.int64)
_NAN = _F32.copy()
_NAN[0, 1] = _NAN[1, 1:] = _NAN[2, 0] = _NAN[2, 3] = np.nan
_MAT = (_RNG.standard_normal((2, 3, 3)) * 0.7).astype(np.float32)
_BIGMAT = (_RNG.standard_normal((3, 3)) * 3).astype(np.float64)
_MLX = _RNG.standard_normal((3, 4)).astype(np.float32)
_MLT = np.array([[3, 0, -1, 1], [1, 2, 3, -1], [-1, 2, 0, 1]], dtype=np.int64)
_Q = _RNG.standard_normal((2, 3, 5, 8)).astype(np.float32)
_K = _RNG.standard_normal((2, 3, 6, 8)).astype(np.float32)
_V = _RNG.standard_normal((2, 3, 6, 4)).astype(np.float32)
_BOOLMASK = _RNG.random((5, 6)) > 0.4
_BOOLMASK[2] = False   # a row that may attend to nothing: zeros, as torch
_FLOATMASK = np.where(_RNG.random((2, 1, 5, 6)) > 0.3, _RNG.standard_normal((2, 1, 5, 6)),
                      -np.inf).astype(np.float32)
_FLOATMASK[0, 0, 1] = -np.inf
_ONEHOT = np.array([[0.0, 0.0, 2.0, 0.0], [1.0, 0.0, 0.0, 0.0]], dtype=np.float32)


def _F(lib):
    return TF if lib is torch else EF


def _unpool(lib, T, nd):
    x = T(_RNG_IMG[nd])
    pool = getattr(_F(lib), f"max_pool{nd}d")
    v, i = pool(x, 2, return_indices=True)
    return getattr(_F(lib), f"max_unpool{nd}d")(v, i, 2)


_RNG_IMG = {1: _RNG.standard_normal((2, 3, 8)).astype(np.float32),
            2: _RNG.standard_normal((2, 3, 4, 6)).astype(np.float32),
            3: _RNG.standard_normal((1, 2, 4, 4, 2)).astype(np.float32)}

# (name, fn(lib, T)): T(numpy array) makes a tensor of `lib` on the device under test
CASES = [
    ("searchsorted_1d", lambda lib, T: lib.searchsorted(T(_SEQ1), T(_F32))),
    ("searchsorted_1d_right_int32", lambda lib, T: lib.searchsorted(
        T(_SEQ1), T(_F32), right=True, out_int32=True)),
    ("searchsorted_nd", lambda lib, T: lib.searchsorted(T(_SEQ2), T(_F32))),
    ("searchsorted_side_right", lambda lib, T: lib.searchsorted(
        T(_SEQ2), T(_F32), side="right")),
    ("searchsorted_scalar", lambda lib, T: lib.searchsorted(T(_SEQ1), 0.1)),
    ("searchsorted_sorter", lambda lib, T: lib.searchsorted(
        T(_UNSORTED), T(_F32), sorter=T(_SORTER))),
    ("bucketize", lambda lib, T: lib.bucketize(T(_F32), T(_SEQ1))),
    ("bucketize_right", lambda lib, T: lib.bucketize(T(_F32), T(_SEQ1), right=True)),
    ("histc_auto_range", lambda lib, T: lib.histc(T(_F32), bins=7)),
    ("histc_range", lambda lib, T: lib.histc(T(_F32), bins=5, min=-1, max=1)),
    ("histc_constant", lambda lib, T: lib.histc(T(np.full(4, 2.0, np.float32)), bins=4)),
    ("mode_int", lambda lib, T: lib.mode(T(_INTS), 1)),
    ("mode_int_dim0_keepdim", lambda lib, T: lib.mode(T(_INTS), 0, keepdim=True)),
    ("mode_float", lambda lib, T: lib.mode(T(np.round(_F32)), 0)),
    ("cummax", lambda lib, T: lib.cummax(T(_F32), 1)),
    ("cummin_int", lambda lib, T: lib.cummin(T(_INTS), 0)),
    ("cummax_nan", lambda lib, T: lib.cummax(T(_NAN), 1)),
    ("multinomial_replacement", lambda lib, T: lib.multinomial(T(_ONEHOT), 3, True)),
    ("multinomial_1d", lambda lib, T: lib.multinomial(T(_ONEHOT[0]), 4, replacement=True)),
    ("poisson_zero_rates", lambda lib, T: lib.poisson(T(np.zeros((3, 4), np.float32)))),
    ("nanmedian_all", lambda lib, T: lib.nanmedian(T(_NAN))),
    ("nanmedian_dim", lambda lib, T: lib.nanmedian(T(_NAN), 1)),
    ("nanmedian_dim0_keepdim", lambda lib, T: lib.nanmedian(T(_NAN), 0, keepdim=True)),
    ("matrix_exp", lambda lib, T: lib.matrix_exp(T(_MAT))),
    ("matrix_exp_scaled", lambda lib, T: lib.linalg.matrix_exp(T(_BIGMAT))),
    ("multilabel_margin_loss", lambda lib, T: _F(lib).multilabel_margin_loss(T(_MLX), T(_MLT))),
    ("multilabel_margin_loss_none", lambda lib, T: _F(lib).multilabel_margin_loss(
        T(_MLX), T(_MLT), reduction="none")),
    ("max_unpool1d", lambda lib, T: _unpool(lib, T, 1)),
    ("max_unpool2d", lambda lib, T: _unpool(lib, T, 2)),
    ("max_unpool3d", lambda lib, T: _unpool(lib, T, 3)),
    ("sdpa_bool_mask", lambda lib, T: _F(lib).scaled_dot_product_attention(
        T(_Q), T(_K), T(_V), attn_mask=T(_BOOLMASK))),
    ("sdpa_float_mask", lambda lib, T: _F(lib).scaled_dot_product_attention(
        T(_Q), T(_K), T(_V), attn_mask=T(_FLOATMASK))),
    ("sdpa_causal", lambda lib, T: _F(lib).scaled_dot_product_attention(
        T(_Q), T(_K), T(_V), is_causal=True)),
]

IDS = [c[0] for c in CASES]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


@pytest.mark.parametrize("name,fn", CASES, ids=IDS)
def test_host_op_stays_on_fake_cuda(fake_cuda, name, fn):
    expect = _flat(fn(torch, lambda a: torch.from_numpy(a.copy())))
    got = _flat(fn(ember, lambda a: ember.tensor(a, device="cuda")))
    assert len(got) == len(expect)
    for e, g in zip(expect, got):
        assert g.device == ember.device("cuda", 0), (name, g.device)
        assert type(g._data).__name__ == "FakeCudaArray", type(g._data)
        assert (tuple(g.shape), str(g.dtype)) == (tuple(e.shape), str(e.dtype))
        np.testing.assert_allclose(g.cpu().numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,fn", CASES, ids=IDS)
def test_host_op_stays_on_meta(name, fn):
    expect = _flat(fn(torch, lambda a: torch.from_numpy(a.copy()).to("meta")))
    got = _flat(fn(ember, lambda a: ember.tensor(a, device="meta")))
    assert len(got) == len(expect)
    for e, g in zip(expect, got):
        assert g.device == ember.device("meta"), (name, g.device)
        assert (tuple(g.shape), str(g.dtype)) == (tuple(e.shape), str(e.dtype))


@pytest.mark.parametrize("name,fn", CASES, ids=IDS)
def test_host_op_cpu_matches_torch(name, fn):
    expect = _flat(fn(torch, lambda a: torch.from_numpy(a.copy())))
    got = _flat(fn(ember, lambda a: ember.tensor(a)))
    assert len(got) == len(expect)
    for e, g in zip(expect, got):
        assert (tuple(g.shape), str(g.dtype)) == (tuple(e.shape), str(e.dtype))
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


def test_random_ops_on_meta_do_not_draw():
    state = ember.get_rng_state().clone()
    w = ember.empty(3, 5, device="meta")
    a = ember.multinomial(w, 4)
    b = ember.poisson(w)
    assert (a.shape, a.dtype, a.device.type) == ((3, 4), ember.int64, "meta")
    assert (b.shape, b.dtype, b.device.type) == ((3, 5), ember.float32, "meta")
    assert ember.equal(ember.get_rng_state(), state)


def test_multinomial_without_replacement_on_fake_cuda(fake_cuda):
    w = ember.tensor([[1.0, 0.0, 3.0, 2.0], [0.0, 5.0, 1.0, 0.0]], device="cuda")
    ember.cuda.manual_seed(0)
    s = ember.multinomial(w, 2)
    assert s.device == ember.device("cuda", 0) and s.dtype == ember.int64
    rows = s.cpu().tolist()
    assert all(len(set(r)) == 2 for r in rows)
    assert set(rows[1]) == {1, 2}                 # only the non-zero weights can be drawn
    assert all(w[0, i].item() > 0 for i in rows[0])
    with pytest.raises(RuntimeError, match="element < 0"):
        ember.multinomial(ember.tensor([1.0, -1.0], device="cuda"), 1)
    with pytest.raises(RuntimeError, match="sum of probabilities"):
        ember.multinomial(ember.zeros(2, 3, device="cuda"), 1, True)


def test_value_checks_still_fire_on_fake_cuda(fake_cuda):
    v, i = EF.max_pool2d(ember.randn(1, 1, 4, 4, device="cuda"), 2, return_indices=True)
    with pytest.raises(RuntimeError, match="invalid max index"):
        EF.max_unpool2d(v, i + 100, 2)
    with pytest.raises(RuntimeError, match="target out of range"):
        EF.multilabel_margin_loss(ember.zeros(1, 3, device="cuda"),
                                  ember.tensor([[0, 5, -1]], device="cuda"))


def test_value_checks_skipped_on_meta():
    # torch's meta kernels do not look at values: neither does ember
    v = ember.empty(1, 1, 2, 2, device="meta")
    i = ember.empty(1, 1, 2, 2, dtype=ember.int64, device="meta")
    assert EF.max_unpool2d(v, i, 2).shape == (1, 1, 4, 4)
    loss = EF.multilabel_margin_loss(ember.empty(2, 3, device="meta"),
                                     ember.empty(2, 3, dtype=ember.int64, device="meta"))
    assert (loss.shape, loss.device.type) == ((), "meta")


def test_mode_and_nanmedian_edge_cases_match_torch():
    for lib in (torch, ember):
        with pytest.raises(IndexError, match="non-zero size"):
            lib.mode(lib.zeros(2, 0), 1)
    data = [[1.0, np.nan, np.nan, 2.0], [np.nan, np.nan, np.nan, np.nan]]
    e = ember.nanmedian(ember.tensor(data), 1)
    t = torch.nanmedian(torch.tensor(data), 1)
    np.testing.assert_array_equal(e.values.numpy(), t.values.numpy())   # an all-NaN row: NaN
    assert e.indices[0].item() == t.indices[0].item()   # (torch's index for all-NaN is arbitrary)
    e, t = ember.mode(ember.tensor(3.0)), torch.mode(torch.tensor(3.0))
    assert (e.values.item(), e.indices.item(), e.values.shape) == \
        (t.values.item(), t.indices.item(), t.values.shape)


def test_mode_and_cummax_gradients_match_torch():
    x = _RNG.integers(0, 3, (3, 6)).astype(np.float64)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    (ember.mode(xe, 1).values.sum() + ember.cummax(xe, 1).values.sum()).backward()
    (torch.mode(xt, 1).values.sum() + torch.cummax(xt, 1).values.sum()).backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy())
