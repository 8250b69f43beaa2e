"""Functional batch/layer/group/instance/local-response norm against torch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

from conv_helpers import compare, rand

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5), (2, 3, 4, 5), (2, 2, 3, 2, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_batch_norm_training_matches_torch(shape, dtype):
    rng = np.random.default_rng(0)
    C = shape[1]
    rm_e, rv_e = ember.zeros(C, dtype=ember.float64 if dtype == np.float64 else ember.float32), None
    rv_e = ember.ones(C, dtype=rm_e.dtype)
    rm_t = torch.zeros(C, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    rv_t = torch.ones(C, dtype=rm_t.dtype)
    arrs = [rand(rng, *shape) * 3 + 1, rand(rng, C), rand(rng, C)]
    compare(lambda x, w, b: F.batch_norm(x, rm_e, rv_e, w, b, True, 0.3, 1e-3),
            lambda x, w, b: TF.batch_norm(x, rm_t, rv_t, w, b, True, 0.3, 1e-3), arrs, dtype)
    tol = dict(rtol=1e-5) if dtype == np.float32 else dict(rtol=1e-10)
    np.testing.assert_allclose(rm_e.numpy(), rm_t.numpy(), **tol)
    np.testing.assert_allclose(rv_e.numpy(), rv_t.numpy(), **tol)
    # evaluation mode with the updated statistics
    compare(lambda x, w, b: F.batch_norm(x, rm_e, rv_e, w, b, False),
            lambda x, w, b: TF.batch_norm(x, rm_t, rv_t, w, b, False), arrs, dtype)


def test_batch_norm_no_affine_no_running_matches_torch():
    rng = np.random.default_rng(1)
    compare(lambda x: F.batch_norm(x, None, None, training=True),
            lambda x: TF.batch_norm(x, None, None, training=True), [rand(rng, 4, 3, 5)], np.float64)
    with pytest.raises(ValueError) as ei:
        F.batch_norm(ember.randn(1, 3), None, None, training=True)
    with pytest.raises(ValueError) as ti:
        TF.batch_norm(torch.randn(1, 3), None, None, training=True)
    assert str(ei.value) == str(ti.value)


def test_batch_norm_double_backward_matches_torch():
    rng = np.random.default_rng(2)
    xa, wa = rand(rng, 4, 3, 2, dtype=np.float64), rand(rng, 3, dtype=np.float64)
    res = []
    for lib, fn in ((ember, F.batch_norm), (torch, TF.batch_norm)):
        x = lib.tensor(xa, requires_grad=True)
        w = lib.tensor(wa, requires_grad=True)
        y = fn(x, None, None, w, None, True)
        gx, gw = lib.autograd.grad((y * y * y).sum(), (x, w), create_graph=True)
        (gx.pow(2).sum() + gw.pow(2).sum()).backward()
        res.append((gx.detach().numpy(), x.grad.numpy(), w.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("shape,ns", [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((3, 5), 5)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_matches_torch(shape, ns, affine):
    rng = np.random.default_rng(3)
    nsz = (ns,) if isinstance(ns, int) else ns
    arrs = [rand(rng, *shape) * 2 + 0.5, rand(rng, *nsz) if affine else None,
            rand(rng, *nsz) if affine else None]
    for dtype in (np.float32, np.float64):
        compare(lambda x, w, b: F.layer_norm(x, ns, w, b, 1e-5),
                lambda x, w, b: TF.layer_norm(x, nsz, w, b, 1e-5), arrs, dtype)


def test_layer_norm_error_matches_torch():
    with pytest.raises(RuntimeError) as ei:
        F.layer_norm(ember.randn(1, 3, 8, 8), [7])
    with pytest.raises(RuntimeError) as ti:
        TF.layer_norm(torch.randn(1, 3, 8, 8), [7])
    assert str(ei.value) == str(ti.value)


@pytest.mark.parametrize("shape,groups", [((2, 6, 5), 3), ((3, 4, 2, 3), 2), ((2, 4), 4)])
def test_group_norm_matches_torch(shape, groups):
    rng = np.random.default_rng(4)
    C = shape[1]
    compare(lambda x, w, b: F.group_norm(x, groups, w, b),
            lambda x, w, b: TF.group_norm(x, groups, w, b),
            [rand(rng, *shape), rand(rng, C), rand(rng, C)], np.float64)
    with pytest.raises(RuntimeError) as ei:
        F.group_norm(ember.randn(1, 3, 8, 8), 2)
    with pytest.raises(RuntimeError) as ti:
        TF.group_norm(torch.randn(1, 3, 8, 8), 2)
    assert str(ei.value) == str(ti.value)


def test_instance_norm_matches_torch():
    rng = np.random.default_rng(5)
    x = rand(rng, 3, 4, 5, 6)
    compare(lambda a: F.instance_norm(a), lambda a: TF.instance_norm(a), [x], np.float64)
    rm_e, rv_e = ember.zeros(4), ember.ones(4)
    rm_t, rv_t = torch.zeros(4), torch.ones(4)
    compare(lambda a, w, b: F.instance_norm(a, rm_e, rv_e, w, b, True, 0.2),
            lambda a, w, b: TF.instance_norm(a, rm_t, rv_t, w, b, True, 0.2),
            [x, rand(rng, 4), rand(rng, 4)])
    np.testing.assert_allclose(rm_e.numpy(), rm_t.numpy(), rtol=1e-5)
    np.testing.assert_allclose(rv_e.numpy(), rv_t.numpy(), rtol=1e-5)
    compare(lambda a: F.instance_norm(a, rm_e, rv_e, use_input_stats=False),
            lambda a: TF.instance_norm(a, rm_t, rv_t, use_input_stats=False), [x])


@pytest.mark.parametrize("shape", [(2, 6, 5), (2, 5, 3, 4), (1, 4, 2, 3, 2)])
def test_local_response_norm_matches_torch(shape):
    rng = np.random.default_rng(6)
    compare(lambda x: F.local_response_norm(x, 3, 1e-2, 0.75, 2.0),
            lambda x: TF.local_response_norm(x, 3, 1e-2, 0.75, 2.0), [rand(rng, *shape)],
            np.float64)
