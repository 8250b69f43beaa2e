"""Pooling (max/avg/adaptive/unpool/lp) against torch: forward, indices and gradients."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

from conv_helpers import compare, rand

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MAX2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=2, stride=2, padding=1, ceil_mode=True),
]


@pytest.mark.parametrize("kw", MAX2D)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool2d_matches_torch(kw, dtype):
    rng = np.random.default_rng(0)
    x = rand(rng, 2, 3, 7, 8)
    compare(lambda a: F.max_pool2d(a, return_indices=True, **kw),
            lambda a: TF.max_pool2d(a, return_indices=True, **kw), [x], dtype)
    compare(lambda a: F.max_pool2d(a, **kw), lambda a: TF.max_pool2d(a, **kw), [x], dtype)


def test_max_pool2d_ties_go_to_first_max_like_torch():
    # relu'd inputs: many all-zero windows; gradient must go to one element only
    rng = np.random.default_rng(1)
    x = np.maximum(rand(rng, 2, 2, 6, 6), 0) * (rng.random((2, 2, 6, 6)) > 0.5)
    x[0, 0, :2, :2] = 1.0
    compare(lambda a: F.max_pool2d(a, 2, return_indices=True),
            lambda a: TF.max_pool2d(a, 2, return_indices=True), [x], np.float32)
    compare(lambda a: F.max_pool2d(a, 3, 1, 1), lambda a: TF.max_pool2d(a, 3, 1, 1), [x])


def test_max_pool_nan_propagates_like_torch():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    x[0, 0, 1, 0] = np.nan
    e, i = F.max_pool2d(ember.tensor(x), 2, return_indices=True)
    t, ti = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    np.testing.assert_array_equal(i.numpy(), ti.numpy())


@pytest.mark.parametrize("nd,kw", [(1, dict(kernel_size=3, stride=2, padding=1)),
                                   (1, dict(kernel_size=2, dilation=2, ceil_mode=True)),
                                   (3, dict(kernel_size=2)),
                                   (3, dict(kernel_size=(2, 3, 2), stride=2, padding=1))])
def test_max_pool_1d_3d_match_torch(nd, kw):
    rng = np.random.default_rng(2)
    x = rand(rng, 2, 3, *([7] * nd if nd == 1 else [5, 6, 5]))
    name = f"max_pool{nd}d"
    compare(lambda a: getattr(F, name)(a, return_indices=True, **kw),
            lambda a: getattr(TF, name)(a, return_indices=True, **kw), [x], np.float64)


def test_max_pool2d_unbatched_and_with_indices_fn():
    rng = np.random.default_rng(3)
    x = rand(rng, 3, 6, 6)
    compare(lambda a: F.max_pool2d_with_indices(a, 2), lambda a: TF.max_pool2d(a, 2, return_indices=True), [x])


def test_max_pool2d_double_backward_matches_torch():
    rng = np.random.default_rng(4)
    xa = rand(rng, 1, 2, 5, 5, dtype=np.float64)
    res = []
    for lib, fn in ((ember, F.max_pool2d), (torch, TF.max_pool2d)):
        x = lib.tensor(xa, requires_grad=True)
        y = fn(x * x, 3, 2, 1)
        gx, = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        res.append((gx.detach().numpy(), x.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-7)


AVG2D = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(2, 3), stride=(2, 1), divisor_override=5),
]


@pytest.mark.parametrize("kw", AVG2D)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avg_pool2d_matches_torch(kw, dtype):
    rng = np.random.default_rng(5)
    x = rand(rng, 2, 3, 7, 8)
    compare(lambda a: F.avg_pool2d(a, **kw), lambda a: TF.avg_pool2d(a, **kw), [x], dtype)


def test_avg_pool_1d_3d_match_torch():
    rng = np.random.default_rng(6)
    compare(lambda a: F.avg_pool1d(a, 3, 2, 1, True, False),
            lambda a: TF.avg_pool1d(a, 3, 2, 1, True, False), [rand(rng, 2, 3, 8)], np.float64)
    compare(lambda a: F.avg_pool3d(a, 2, 1, 1, False, True, 3),
            lambda a: TF.avg_pool3d(a, 2, 1, 1, False, True, 3), [rand(rng, 1, 2, 4, 5, 3)],
            np.float64)


@pytest.mark.parametrize("size", [1, 3, (2, 5), (None, 2), (7, 7)])
def test_adaptive_pools_2d_match_torch(size):
    rng = np.random.default_rng(7)
    x = rand(rng, 2, 3, 7, 9)
    compare(lambda a: F.adaptive_avg_pool2d(a, size), lambda a: TF.adaptive_avg_pool2d(a, size),
            [x], np.float64)
    compare(lambda a: F.adaptive_max_pool2d(a, size, return_indices=True),
            lambda a: TF.adaptive_max_pool2d(a, size, return_indices=True), [x], np.float64)


def test_adaptive_pools_1d_3d_and_divisible_match_torch():
    rng = np.random.default_rng(8)
    x1 = rand(rng, 2, 3, 10)
    for s in (3, 5):
        compare(lambda a: F.adaptive_avg_pool1d(a, s), lambda a: TF.adaptive_avg_pool1d(a, s), [x1])
        compare(lambda a: F.adaptive_max_pool1d(a, s, True),
                lambda a: TF.adaptive_max_pool1d(a, s, True), [x1])
    x3 = rand(rng, 1, 2, 4, 5, 6)
    compare(lambda a: F.adaptive_avg_pool3d(a, (2, 3, 4)),
            lambda a: TF.adaptive_avg_pool3d(a, (2, 3, 4)), [x3], np.float64)
    compare(lambda a: F.adaptive_max_pool3d(a, 2, True),
            lambda a: TF.adaptive_max_pool3d(a, 2, True), [x3], np.float64)
    compare(lambda a: F.adaptive_avg_pool2d(a, 2), lambda a: TF.adaptive_avg_pool2d(a, 2),
            [rand(rng, 3, 4, 4)])


def test_max_unpool_matches_torch():
    rng = np.random.default_rng(9)
    x = rand(rng, 2, 3, 6, 7)
    v, i = TF.max_pool2d(torch.tensor(x), 2, return_indices=True)
    compare(lambda a, idx: F.max_unpool2d(a, idx, 2, output_size=(6, 7)),
            lambda a, idx: TF.max_unpool2d(a, idx, 2, output_size=(6, 7)),
            [v.numpy(), i.numpy()])
    x1 = rand(rng, 1, 2, 8)
    v, i = TF.max_pool1d(torch.tensor(x1), 2, return_indices=True)
    compare(lambda a, idx: F.max_unpool1d(a, idx, 2), lambda a, idx: TF.max_unpool1d(a, idx, 2),
            [v.numpy(), i.numpy()])


def test_lp_pool_matches_torch():
    rng = np.random.default_rng(10)
    x = np.abs(rand(rng, 2, 3, 6, 6)) + 0.1
    compare(lambda a: F.lp_pool2d(a, 2, 2), lambda a: TF.lp_pool2d(a, 2, 2), [x], np.float64)
    compare(lambda a: F.lp_pool1d(a, 3, 3, 2), lambda a: TF.lp_pool1d(a, 3, 3, 2),
            [x.reshape(2, 3, 36)], np.float64)


def test_pool_error_messages_match_torch():
    cases = [(F.max_pool2d, TF.max_pool2d, (1, 3, 8, 8), dict(kernel_size=3, padding=2)),
             (F.avg_pool2d, TF.avg_pool2d, (1, 3, 8, 8), dict(kernel_size=3, padding=2)),
             (F.max_pool2d, TF.max_pool2d, (1, 3, 2, 2), dict(kernel_size=3)),
             (F.max_pool2d, TF.max_pool2d, (3, 2), dict(kernel_size=3)),
             (F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, (3,), dict(output_size=2))]
    for ef, tf, shape, kw in cases:
        with pytest.raises(RuntimeError) as ti:
            tf(torch.randn(*shape), **kw)
        with pytest.raises(RuntimeError) as ei:
            ef(ember.randn(*shape), **kw)
        assert str(ei.value) == str(ti.value)
