"""Ops must stay on their operands' array backend (the xp module of the data), never fall back
to NumPy on the host.

Each case runs on the fake CUDA backend (values compared with torch on the CPU, result must stay
on ``cuda``) and on the meta device (shape, dtype and device compared with torch on meta).
"""
import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as EF
import torch.nn.functional as TF

_RNG = np.random.default_rng(0)
_F32 = _RNG.standard_normal((3, 4)).astype(np.float32)
_F32B = _RNG.standard_normal((3, 4)).astype(np.float32)
_I64 = _RNG.integers(-7, 8, (3, 4)).astype(np.int64)
_I64NZ = (_RNG.integers(1, 5, (3, 4)) * _RNG.choice([-1, 1], (3, 4))).astype(np.int64)
_IMG = _RNG.standard_normal((2, 3, 4, 4)).astype(np.float32)
_SEQ = _RNG.standard_normal((2, 3, 6)).astype(np.float32)


def _F(lib):
    return TF if lib is torch else EF


# (name, fn(lib, T)): T(numpy array) makes a tensor of `lib` on the device under test
CASES = [
    # integer division with a rounding mode (was: np.floor_divide / np.where / np.asarray)
    ("div_floor_int", lambda lib, T: lib.div(T(_I64), T(_I64NZ), rounding_mode="floor")),
    ("div_trunc_int", lambda lib, T: lib.div(T(_I64), T(_I64NZ), rounding_mode="trunc")),
    ("div_floor_int_scalar", lambda lib, T: lib.div(T(_I64), 3, rounding_mode="floor")),
    ("div_trunc_scalar_int", lambda lib, T: lib.div(-17, T(_I64NZ), rounding_mode="trunc")),
    ("floor_divide_int", lambda lib, T: lib.floor_divide(T(_I64), T(_I64NZ))),
    ("floordiv_operator", lambda lib, T: T(_I64) // 2),
    ("rfloordiv_operator", lambda lib, T: 9 // T(_I64NZ)),
    ("div_trunc_float", lambda lib, T: lib.div(T(_F32), T(_F32B), rounding_mode="trunc")),
    ("div_true_int", lambda lib, T: lib.div(T(_I64), T(_I64NZ))),
    ("pow_int", lambda lib, T: lib.pow(T(_I64), T(np.abs(_I64NZ)))),
    ("remainder_int", lambda lib, T: lib.remainder(T(_I64), T(_I64NZ))),
    ("fmod_int", lambda lib, T: lib.fmod(T(_I64), T(_I64NZ))),
    # max pooling with a kernel of 1 (was: host np.zeros indices)
    ("max_pool1d_k1_indices", lambda lib, T: _F(lib).max_pool1d(
        T(_SEQ), 1, return_indices=True)),
    ("max_pool1d_with_indices_2d", lambda lib, T: lib.max_pool1d_with_indices(T(_F32), 1)),
    ("max_pool2d_k1_indices", lambda lib, T: _F(lib).max_pool2d(
        T(_IMG), 1, return_indices=True)),
    ("max_pool2d_k1_s2_indices", lambda lib, T: _F(lib).max_pool2d(
        T(_IMG), 1, stride=2, return_indices=True)),
    ("max_pool2d_k2_indices", lambda lib, T: _F(lib).max_pool2d(
        T(_IMG), 2, return_indices=True)),
    ("max_pool2d_k3_pad_indices", lambda lib, T: _F(lib).max_pool2d(
        T(_IMG), 3, stride=1, padding=1, return_indices=True)),
    # pdist (was: host index tensors)
    ("pdist", lambda lib, T: _F(lib).pdist(T(_F32))),
    ("pdist_p1", lambda lib, T: lib.pdist(T(_F32), p=1)),
    # bernoulli_ with a tensor of probabilities (was: .cpu() of p, refused on meta); 0/1
    # probabilities make the draw deterministic
    ("bernoulli_tensor_p", lambda lib, T: T(_F32).bernoulli_(T((_F32B > 0).astype(np.float32)))),
    ("pow_int_scalar_exp", lambda lib, T: lib.pow(T(_I64), 3)),
    # neighbours that must stay on the backend too
    ("cdist", lambda lib, T: lib.cdist(T(_F32), T(_F32B))),
    ("where", lambda lib, T: lib.where(T(_F32) > 0, T(_F32), T(_F32B))),
    ("clamp_tensor", lambda lib, T: lib.clamp(T(_F32), min=T(_F32B))),
    ("nan_to_num", lambda lib, T: lib.nan_to_num(T(_F32) / 0.0)),
    ("cumsum_int", lambda lib, T: lib.cumsum(T(_I64), 1)),
    ("topk", lambda lib, T: lib.topk(T(_F32), 2)),
    ("sort", lambda lib, T: lib.sort(T(_F32), dim=0)),
    ("argmax", lambda lib, T: lib.argmax(T(_F32), 1)),
    ("one_hot", lambda lib, T: _F(lib).one_hot(T(np.abs(_I64) % 5), 5)),
    ("cross_entropy", lambda lib, T: _F(lib).cross_entropy(T(_F32), T(np.array([0, 3, 1])))),
    ("interpolate_bilinear", lambda lib, T: _F(lib).interpolate(
        T(_IMG), scale_factor=2, mode="bilinear", align_corners=False)),
    ("avg_pool2d", lambda lib, T: _F(lib).avg_pool2d(T(_IMG), 2)),
    ("tril_indices", lambda lib, T: lib.tril_indices(3, 4, device=T(_F32).device)),
    ("triu", lambda lib, T: lib.triu(T(_F32), 1)),
    ("masked_fill", lambda lib, T: T(_F32).masked_fill(T(_F32B) > 0, 2.0)),
    ("scatter_add", lambda lib, T: lib.zeros(3, 5, device=T(_F32).device).scatter_add(
        1, T(np.abs(_I64) % 5), T(_F32))),
]

IDS = [c[0] for c in CASES]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flat(o)]
    return [out]


@pytest.mark.parametrize("name,fn", CASES, ids=IDS)
def test_stays_on_fake_cuda(fake_cuda, name, fn):
    expect = _flat(fn(torch, lambda a: torch.from_numpy(a.copy())))
    got = _flat(fn(ember, lambda a: ember.tensor(a, device="cuda")))
    assert len(got) == len(expect)
    for e, g in zip(expect, got):
        assert g.device == ember.device("cuda", 0), (name, g.device)
        assert type(g._data).__name__ == "FakeCudaArray", type(g._data)
        assert (tuple(g.shape), str(g.dtype)) == (tuple(e.shape), str(e.dtype))
        np.testing.assert_allclose(g.cpu().numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,fn", CASES, ids=IDS)
def test_stays_on_meta(name, fn):
    expect = _flat(fn(torch, lambda a: torch.from_numpy(a.copy()).to("meta")))
    got = _flat(fn(ember, lambda a: ember.tensor(a, device="meta")))
    assert len(got) == len(expect)
    for e, g in zip(expect, got):
        assert g.device == ember.device("meta"), (name, g.device)
        assert (tuple(g.shape), str(g.dtype)) == (tuple(e.shape), str(e.dtype))


def test_div_by_zero_still_raises_on_fake_cuda(fake_cuda):
    # the zero check moved onto the device arrays; it must still fire there, as on the CPU
    x = ember.tensor(_I64, device="cuda")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.div(x, ember.zeros(3, 4, dtype=ember.int64, device="cuda"), rounding_mode="floor")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        x // 0


def test_div_by_zero_raises_on_cpu():
    x = ember.tensor(_I64)
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.div(x, ember.zeros(4, dtype=ember.int64), rounding_mode="trunc")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ember.floor_divide(x, 0)


def test_max_pool_k1_backward_on_fake_cuda(fake_cuda):
    x = ember.tensor(_IMG, device="cuda", requires_grad=True)
    v, i = EF.max_pool2d(x, 1, stride=2, return_indices=True)
    (v * i.to(v.dtype)).sum().backward()
    xt = torch.from_numpy(_IMG.copy()).requires_grad_()
    vt, it = TF.max_pool2d(xt, 1, stride=2, return_indices=True)
    (vt * it.to(vt.dtype)).sum().backward()
    assert x.grad.device == ember.device("cuda", 0)
    np.testing.assert_allclose(x.grad.cpu().numpy(), xt.grad.numpy())
