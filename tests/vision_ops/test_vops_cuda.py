"""ember.vision.ops on (fake) CUDA tensors: same results as on the CPU, results stay on the device."""
import numpy as np
import pytest

import ember
import ember.vision.ops as evo
from ember.cuda import _fake


@pytest.fixture
def fake_gpu():
    _fake.install(device_count=2)
    try:
        yield
    finally:
        _fake.uninstall()
        ember._device.MULTI_GPU[0] = False


def test_vops_cuda_boxes_nms_roi(fake_gpu):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 20, (30, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(1, 8, (30, 2))], 1).astype(np.float32)
    scores = rng.uniform(size=30).astype(np.float32)
    idxs = rng.integers(0, 3, 30)
    bc, sc, ic = (ember.tensor(a, device="cuda") for a in (boxes, scores, idxs))
    b, s, i = (ember.tensor(a) for a in (boxes, scores, idxs))
    k = evo.nms(bc, sc, 0.3)
    assert k.device.type == "cuda" and k.cpu().tolist() == evo.nms(b, s, 0.3).tolist()
    assert evo.batched_nms(bc, sc, ic, 0.3).cpu().tolist() == evo.batched_nms(b, s, i, 0.3).tolist()
    np.testing.assert_allclose(evo.generalized_box_iou(bc, bc).cpu().numpy(),
                               evo.generalized_box_iou(b, b).numpy(), rtol=1e-6)

    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    rois = np.concatenate([rng.integers(0, 2, (5, 1)), boxes[:5] / 3], 1).astype(np.float32)
    g = rng.standard_normal((5, 3, 2, 3)).astype(np.float32)
    for fn, kw in [(evo.roi_align, dict(sampling_ratio=-1, aligned=True)), (evo.roi_pool, {})]:
        outs, grads = [], []
        for dev in ["cpu", "cuda"]:
            xt = ember.tensor(x, device=dev, requires_grad=True)
            out = fn(xt, ember.tensor(rois, device=dev), (2, 3), 0.9, **kw)
            assert out.device.type == dev
            out.backward(ember.tensor(g, device=dev))
            outs.append(out.detach().cpu().numpy())
            grads.append(xt.grad.cpu().numpy())
        np.testing.assert_allclose(outs[1], outs[0], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(grads[1], grads[0], rtol=1e-6, atol=1e-6)
