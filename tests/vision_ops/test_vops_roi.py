"""roi_align / roi_pool (functions and modules) vs torchvision: forward, backward, errors."""
import numpy as np
import pytest
import torch
import torchvision.ops as tvo

import ember
import ember.vision.ops as evo


def _case(seed, k=7, n=2, c=3, h=10, w=12, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    xy = rng.uniform(-4, 14, (k, 2))
    wh = rng.uniform(-1, 8, (k, 2))  # some inverted (degenerate) boxes
    rois = np.concatenate([rng.integers(0, n, (k, 1)), xy, xy + wh], 1).astype(dtype)
    return rng, x, rois


def _run(fn_t, fn_e, x, rois, rng, list_boxes=False, **kw):
    xt = torch.tensor(x, requires_grad=True)
    xe = ember.tensor(x, requires_grad=True)
    if list_boxes:
        n = x.shape[0]
        bt = [torch.tensor(rois[rois[:, 0] == i, 1:]) for i in range(n)]
        be = [ember.tensor(rois[rois[:, 0] == i, 1:]) for i in range(n)]
    else:
        bt, be = torch.tensor(rois), ember.tensor(rois)
    t = fn_t(xt, bt, **kw)
    e = fn_e(xe, be, **kw)
    tol = 1e-5 if x.dtype == np.float32 else 1e-10
    assert tuple(e.shape) == tuple(t.shape) and e.dtype.__repr__().split(".")[1] == str(t.dtype).split(".")[1]
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(tuple(t.shape)).astype(x.dtype)
    t.backward(torch.tensor(g))
    e.backward(ember.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("sampling_ratio", [-1, 0, 1, 2])
@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize("spatial_scale", [1.0, 0.5])
def test_vops_roi_align_matches_torchvision(sampling_ratio, aligned, spatial_scale):
    rng, x, rois = _case(sampling_ratio + 2 + 10 * aligned)
    _run(tvo.roi_align, evo.roi_align, x, rois, rng, output_size=(3, 4), spatial_scale=spatial_scale,
         sampling_ratio=sampling_ratio, aligned=aligned)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vops_roi_align_list_boxes_and_dtypes(dtype):
    rng, x, rois = _case(3, dtype=dtype)
    _run(tvo.roi_align, evo.roi_align, x, rois, rng, list_boxes=True, output_size=2, spatial_scale=0.75,
         sampling_ratio=-1, aligned=True)


def test_vops_roi_align_empty_boxes_and_module():
    x = ember.randn(1, 2, 5, 5, requires_grad=True)
    out = evo.roi_align(x, ember.zeros(0, 5), (2, 2))
    assert tuple(out.shape) == (0, 2, 2, 2)
    out.sum().backward()
    assert float(x.grad.abs().sum()) == 0.0
    m, mt = evo.RoIAlign((2, 3), 0.5, 2, aligned=True), tvo.RoIAlign((2, 3), 0.5, 2, aligned=True)
    assert repr(m) == repr(mt)
    rng, xa, rois = _case(4)
    np.testing.assert_allclose(m(ember.tensor(xa), ember.tensor(rois)).numpy(),
                               mt(torch.tensor(xa), torch.tensor(rois)).numpy(), rtol=1e-10, atol=1e-10)


def test_vops_roi_align_double_backward():
    rng, x, rois = _case(5, k=3, n=1, c=2, h=5, w=6)
    xe = ember.tensor(x, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: evo.roi_align(t, ember.tensor(rois), 2, 1.0, 2), (xe,))
    assert ember.autograd.gradgradcheck(lambda t: evo.roi_align(t, ember.tensor(rois), 2, 1.0, 2) ** 2, (xe,))


@pytest.mark.parametrize("spatial_scale", [1.0, 0.5, 0.3])
@pytest.mark.parametrize("output_size", [(3, 4), 1, (5, 2)])
def test_vops_roi_pool_matches_torchvision(spatial_scale, output_size):
    rng, x, rois = _case(int(spatial_scale * 10))
    _run(tvo.roi_pool, evo.roi_pool, x, rois, rng, output_size=output_size, spatial_scale=spatial_scale)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vops_roi_pool_list_boxes_ties_and_module(dtype):
    rng, x, rois = _case(7, dtype=dtype)
    x = np.round(x).astype(dtype)  # many ties: the first maximum wins
    _run(tvo.roi_pool, evo.roi_pool, x, rois, rng, list_boxes=True, output_size=3, spatial_scale=0.8)
    m, mt = evo.RoIPool((2, 2), 0.5), tvo.RoIPool((2, 2), 0.5)
    assert repr(m) == repr(mt)
    np.testing.assert_array_equal(m(ember.tensor(x), ember.tensor(rois)).numpy(),
                                  mt(torch.tensor(x), torch.tensor(rois)).numpy())


def test_vops_roi_pool_empty_and_double_backward():
    out = evo.roi_pool(ember.randn(1, 2, 5, 5), ember.zeros(0, 5), 2)
    assert tuple(out.shape) == (0, 2, 2, 2)
    rng, x, rois = _case(8, k=3, n=1, c=2, h=5, w=6)
    xe = ember.tensor(x, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: evo.roi_pool(t, ember.tensor(rois), 2) ** 2, (xe,))


@pytest.mark.parametrize("fn", ["roi_align", "roi_pool"])
def test_vops_roi_errors(fn):
    fe, ft = getattr(evo, fn), getattr(tvo, fn)
    for mod, lib in [(ember, fe), (torch, ft)]:
        x = mod.zeros(1, 1, 4, 4)
        with pytest.raises(AssertionError, match=r"The boxes tensor shape is not correct as Tensor\[K, 5\]"):
            lib(x, mod.zeros(1, 4), 2)
        with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
            lib(x, [mod.zeros(1, 5)], 2)
        with pytest.raises(RuntimeError, match="input should have the same type as rois"):
            lib(x, mod.zeros(1, 5, dtype=mod.float64), 2)
