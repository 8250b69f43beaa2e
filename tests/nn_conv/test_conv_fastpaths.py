"""The fast paths of convolution, max pooling and batch norm (issue 12) against torch.

Each case is sized or shaped to reach one specific path in ``ember/ops``: pointwise (1x1)
convolutions, convolutions whose images are split into row blocks, the stride-1 input
gradient through the flipped weight matrix, separable max pooling (with and without the
flat last-dim pass, border windows, ties, -inf and NaN), and the fused training-mode batch
norm (uncentered and centered statistics).
"""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.ops import conv as _conv
from ember.ops import pool as _pool

from conv_helpers import compare, rand

torch = pytest.importorskip("torch")
TF = torch.nn.functional


# --------------------------------------------------------------------------- convolution

POINTWISE = [
    (2, (3, 8, 9), 5, dict()),
    (2, (3, 8, 9), 5, dict(stride=2)),
    (2, (4, 7, 10), 6, dict(stride=(3, 2))),
    (1, (4, 11), 3, dict(stride=2)),
    (3, (2, 5, 4, 6), 3, dict(stride=(1, 2, 2))),
    (2, (3, 6, 6), 4, dict(stride=2, dilation=3)),
    (2, (3, 6, 6), 4, dict(stride=2, padding=1)),     # padded 1x1: general path
    (2, (4, 6, 6), 4, dict(groups=2, stride=2)),      # grouped 1x1: general path
]


@pytest.mark.parametrize("nd,shape,out_ch,kw", POINTWISE)
@pytest.mark.parametrize("bias", [True, False])
def test_pointwise_conv_matches_torch(nd, shape, out_ch, kw, bias):
    rng = np.random.default_rng(0)
    assert _conv._pointwise((1,) * nd, ((1,) * nd, ((0, 0),) * nd, (1,) * nd, 1))
    groups = kw.get("groups", 1)
    x = rand(rng, 2, *shape)
    w = rand(rng, out_ch, shape[0] // groups, *([1] * nd))
    b = rand(rng, out_ch) if bias else None
    name = f"conv{nd}d"
    for dtype in (np.float32, np.float64):
        compare(lambda x, w, b: getattr(F, name)(x, w, b, **kw),
                lambda x, w, b: getattr(TF, name)(x, w, b, **kw), [x, w, b], dtype)


def test_pointwise_conv_noncontiguous_and_empty_batch_match_torch():
    rng = np.random.default_rng(1)
    x = rand(rng, 2, 9, 8, 3).transpose(0, 3, 1, 2)       # a non-contiguous NCHW view
    w = rand(rng, 4, 3, 1, 1)
    compare(lambda x, w: F.conv2d(x.permute(0, 3, 1, 2), w, stride=2),
            lambda x, w: TF.conv2d(x.permute(0, 3, 1, 2), w, stride=2),
            [x.transpose(0, 2, 3, 1), w])
    compare(lambda x, w: F.conv2d(x, w, stride=2), lambda x, w: TF.conv2d(x, w, stride=2),
            [np.zeros((0, 3, 5, 5), np.float32), w])


@pytest.mark.parametrize("kw", [dict(stride=2), dict(stride=2, output_padding=1),
                                dict(stride=(1, 3), output_padding=(0, 2))])
def test_pointwise_conv_transpose_matches_torch(kw):
    # ConvTranspose's forward is the input gradient of a convolution: the pointwise scatter
    rng = np.random.default_rng(2)
    compare(lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
            lambda x, w, b: TF.conv_transpose2d(x, w, b, **kw),
            [rand(rng, 2, 4, 5, 6), rand(rng, 4, 3, 1, 1), rand(rng, 3)], np.float64)


BLOCKED = [
    # (input shape, weight shape, kwargs): one image's columns exceed CHUNK_BYTES, so the
    # images are split into blocks of output rows
    ((2, 32, 40, 40), (16, 32, 3, 3), dict(padding=1)),                 # channels last
    ((2, 32, 80, 83), (16, 32, 3, 3), dict(stride=2, padding=(2, 1), dilation=2)),
    ((2, 3, 96, 90), (8, 3, 7, 7), dict(stride=2, padding=3)),          # channels first
    ((2, 2, 30000), (4, 2, 5), dict(padding=2)),                        # 1-d, channels first
]


@pytest.mark.parametrize("xs,ws,kw", BLOCKED)
def test_row_blocked_conv_matches_torch(xs, ws, kw):
    nd = len(xs) - 2
    name = f"conv{nd}d"
    out = tuple(getattr(TF, name)(torch.zeros(xs), torch.zeros(ws), **kw).shape[2:])
    blocks, _ = _conv._blocks(xs[0], out, ws[1] * int(np.prod(ws[2:])) * 4)
    assert any(r1 - r0 < out[0] for _, _, r0, r1 in blocks)    # the images are split
    rng = np.random.default_rng(3)
    compare(lambda x, w, b: getattr(F, name)(x, w, b, **kw),
            lambda x, w, b: getattr(TF, name)(x, w, b, **kw),
            [rand(rng, *xs), rand(rng, *ws) * 0.1, rand(rng, ws[0])], tol=dict(rtol=2e-4,
                                                                               atol=2e-4))


@pytest.mark.parametrize("cin,cout", [(16, 24), (24, 4), (4, 24)])
def test_stride1_input_grad_through_flipped_weights_matches_torch(cin, cout):
    # cout * kw >= 32: the flipped (K, C) weight matrix; cout * kw < 32: a flipped kernel
    rng = np.random.default_rng(4)
    for kw in (dict(padding=1), dict(padding=(2, 0), dilation=(2, 1)), dict(padding="same")):
        compare(lambda x, w: F.conv2d(x, w, **kw), lambda x, w: TF.conv2d(x, w, **kw),
                [rand(rng, 2, cin, 9, 7), rand(rng, cout, cin, 3, 3)], np.float64)


def test_conv_double_backward_through_fast_paths_matches_torch():
    rng = np.random.default_rng(5)
    xa, w1, w2 = (rand(rng, 2, 8, 6, 6, dtype=np.float64), rand(rng, 16, 8, 3, 3, dtype=np.float64),
                  rand(rng, 6, 16, 1, 1, dtype=np.float64))
    res = []
    for lib, fn in ((ember, F.conv2d), (torch, TF.conv2d)):
        x = lib.tensor(xa, requires_grad=True)
        a, b = lib.tensor(w1, requires_grad=True), lib.tensor(w2, requires_grad=True)
        y = fn(fn(x, a, padding=1), b, stride=2)
        gx, ga = lib.autograd.grad((y * y).sum(), (x, a), create_graph=True)
        (gx.pow(2).sum() + ga.pow(2).sum()).backward()
        res.append((gx.detach().numpy(), x.grad.numpy(), a.grad.numpy(), b.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-8, atol=1e-10)


# --------------------------------------------------------------------------- max pooling

SEPARABLE = [
    dict(kernel_size=3, stride=2, padding=1),                   # ResNet's stem pool
    dict(kernel_size=3, stride=1, padding=1),
    dict(kernel_size=2, stride=1),
    dict(kernel_size=4, stride=2, padding=2),
    dict(kernel_size=5, stride=3, padding=2, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, dilation=2),
    dict(kernel_size=(1, 3), stride=(2, 1), padding=(0, 1)),    # a size-1 kernel dim
    dict(kernel_size=(3, 2), stride=(2, 3), ceil_mode=True),
]


@pytest.mark.parametrize("kw", SEPARABLE)
@pytest.mark.parametrize("hw", [(10, 12), (9, 7)])      # even: flat last-dim pass
def test_separable_max_pool2d_matches_torch(kw, hw):
    rng = np.random.default_rng(6)
    x = rand(rng, 2, 3, *hw)
    for dtype in (np.float32, np.float64):
        compare(lambda a: F.max_pool2d(a, return_indices=True, **kw),
                lambda a: TF.max_pool2d(a, return_indices=True, **kw), [x], dtype)


@pytest.mark.parametrize("kw", SEPARABLE[:3])
def test_separable_max_pool_ties_and_relu_zeros_match_torch(kw):
    # integer-valued and relu'd inputs: ties everywhere; one winner per window, first one
    rng = np.random.default_rng(7)
    x = np.maximum(rng.integers(-3, 3, (2, 3, 8, 10)), 0).astype(np.float32)
    compare(lambda a: F.max_pool2d(a, return_indices=True, **kw),
            lambda a: TF.max_pool2d(a, return_indices=True, **kw), [x])
    xi = rng.integers(-5, 5, (2, 3, 8, 10))
    e, ei = F.max_pool2d(ember.tensor(xi), return_indices=True, **kw)
    t, ti = TF.max_pool2d(torch.tensor(xi), return_indices=True, **kw)
    assert e.dtype == ember.int64
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())


def test_separable_max_pool_border_of_minus_inf_matches_torch():
    # a border window holding only -inf: the winner is its first real element, as torch
    x = np.random.default_rng(8).standard_normal((1, 2, 6, 6)).astype(np.float32)
    x[:, :, :2, :] = -np.inf
    x[:, 1, :, :2] = -np.inf
    compare(lambda a: F.max_pool2d(a, 3, 2, 1, return_indices=True),
            lambda a: TF.max_pool2d(a, 3, 2, 1, return_indices=True), [x])


def test_separable_max_pool_nan_matches_torch():
    x = np.arange(64, dtype=np.float32).reshape(1, 1, 8, 8)
    x[0, 0, 3, 4] = np.nan
    x[0, 0, 0, 7] = np.nan
    e, ei = F.max_pool2d(ember.tensor(x), 3, 2, 1, return_indices=True)
    t, ti = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())


@pytest.mark.parametrize("nd,kw", [(1, dict(kernel_size=3, stride=2, padding=1)),
                                   (1, dict(kernel_size=4, stride=1, padding=2)),
                                   (3, dict(kernel_size=3, stride=2, padding=1)),
                                   (3, dict(kernel_size=(2, 3, 1), stride=(1, 2, 2)))])
def test_separable_max_pool_1d_3d_match_torch(nd, kw):
    rng = np.random.default_rng(9)
    x = rand(rng, 2, 3, *([12] if nd == 1 else [6, 8, 5]))
    name = f"max_pool{nd}d"
    compare(lambda a: getattr(F, name)(a, return_indices=True, **kw),
            lambda a: getattr(TF, name)(a, return_indices=True, **kw), [x], np.float64)


def test_separable_max_pool_double_backward_and_module_match_torch():
    rng = np.random.default_rng(10)
    xa = rand(rng, 2, 2, 8, 6, dtype=np.float64)
    res = []
    for lib in (ember, torch):
        x = lib.tensor(xa, requires_grad=True)
        y = lib.nn.MaxPool2d(3, 2, 1)(x * x)
        gx, = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gx * gx).sum().backward()
        res.append((y.detach().numpy(), gx.detach().numpy(), x.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-10)


def test_separable_max_pool_is_used_for_overlapping_windows():
    geo = _pool.Geometry((8, 8), (3, 3), (2, 2), (1, 1), (1, 1), (4, 4))
    x = np.random.default_rng(11).standard_normal((1, 1, 8, 8)).astype(np.float32)
    vals, arg = _pool.max_pool_raw(x, geo)
    assert isinstance(arg, _pool.SepArg)
    ref = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1)
    np.testing.assert_array_equal(vals, ref.numpy())


# --------------------------------------------------------------------------- batch norm

@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 7), (1, 4, 3, 5), (3, 2, 2, 3, 4),
                                   (2, 3, 32, 40)])      # rows of 1280: walked row by row
@pytest.mark.parametrize("offset", [0.0, 50.0])          # 50: the centered statistics
def test_batch_norm_train_fast_path_matches_torch(shape, offset):
    rng = np.random.default_rng(12)
    C = shape[1]
    x = rand(rng, *shape) * 2 + offset
    for dtype in (np.float32, np.float64):
        tol = dict(rtol=2e-4, atol=1e-4) if dtype == np.float32 else None
        ed = ember.float32 if dtype == np.float32 else ember.float64
        td = torch.float32 if dtype == np.float32 else torch.float64
        rm_e, rv_e = ember.zeros(C, dtype=ed), ember.ones(C, dtype=ed)
        rm_t, rv_t = torch.zeros(C, dtype=td), torch.ones(C, dtype=td)
        compare(lambda x, w, b: F.batch_norm(x, rm_e, rv_e, w, b, True, 0.2, 1e-4),
                lambda x, w, b: TF.batch_norm(x, rm_t, rv_t, w, b, True, 0.2, 1e-4),
                [x, rand(rng, C), rand(rng, C)], dtype, tol=tol)
        np.testing.assert_allclose(rm_e.numpy(), rm_t.numpy(), rtol=1e-5)
        np.testing.assert_allclose(rv_e.numpy(), rv_t.numpy(), rtol=1e-5)
        compare(lambda x: F.batch_norm(x, None, None, training=True),
                lambda x: TF.batch_norm(x, None, None, training=True), [x], dtype, tol=tol)


@pytest.mark.parametrize("shape", [(8, 3, 6, 6), (2, 3, 40, 30)])   # short and long rows
def test_batch_norm_large_offset_keeps_precision(shape):
    # mean 1000x the spread: the uncentered sums would lose every digit
    rng = np.random.default_rng(13)
    x = (rand(rng, *shape) * 0.01 + 1000).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    y = F.batch_norm(xe, None, None, training=True)
    x64 = x.astype(np.float64)
    m, v = x64.mean((0, 2, 3), keepdims=True), x64.var((0, 2, 3), keepdims=True)
    xhat = (x64 - m) / np.sqrt(v + 1e-5)
    np.testing.assert_allclose(y.detach().numpy(), xhat, atol=1e-4)
    # backward too: gx = invstd * (g - mean(g) - xhat * mean(g * xhat)), float64 reference
    g = rand(rng, *shape)
    y.backward(ember.tensor(g))
    g64 = g.astype(np.float64)
    ref = (g64 - g64.mean((0, 2, 3), keepdims=True)
           - xhat * (g64 * xhat).mean((0, 2, 3), keepdims=True)) / np.sqrt(v + 1e-5)
    np.testing.assert_allclose(xe.grad.numpy(), ref, rtol=1e-3, atol=1e-3 * np.abs(ref).max())


@pytest.mark.parametrize("momentum", [None, 0.1])
@pytest.mark.parametrize("affine,track", [(True, True), (False, True), (True, False)])
def test_batchnorm2d_module_train_eval_match_torch(momentum, affine, track):
    rng = np.random.default_rng(14)
    em = nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track)
    tm = torch.nn.BatchNorm2d(3, momentum=momentum, affine=affine, track_running_stats=track)
    if affine:
        wa, ba = rand(rng, 3), rand(rng, 3)
        for m, lib in ((em, ember), (tm, torch)):
            with lib.no_grad():
                m.weight.copy_(lib.tensor(wa))
                m.bias.copy_(lib.tensor(ba))
    for step in range(3):
        xa = rand(rng, 4, 3, 5, 3) * (step + 1) + step
        ga = rand(rng, 4, 3, 5, 3)
        xe, xt = ember.tensor(xa, requires_grad=True), torch.tensor(xa, requires_grad=True)
        ye, yt = em(xe), tm(xt)
        ye.backward(ember.tensor(ga))
        yt.backward(torch.tensor(ga))
        np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)
        if affine:
            np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-4,
                                       atol=1e-5)
            np.testing.assert_allclose(em.bias.grad.numpy(), tm.bias.grad.numpy(), rtol=1e-4,
                                       atol=1e-5)
        if track:
            np.testing.assert_allclose(em.running_mean.numpy(), tm.running_mean.numpy(),
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(em.running_var.numpy(), tm.running_var.numpy(),
                                       rtol=1e-5, atol=1e-6)
            assert int(em.num_batches_tracked) == int(tm.num_batches_tracked)
    em.eval()
    tm.eval()
    xa = rand(rng, 2, 3, 4, 4)
    np.testing.assert_allclose(em(ember.tensor(xa)).detach().numpy(),
                               tm(torch.tensor(xa)).detach().numpy(), rtol=1e-4, atol=1e-5)


def test_batch_norm_fast_path_double_backward_matches_torch():
    rng = np.random.default_rng(15)
    xa, wa, ba = (rand(rng, 4, 3, 2, 2, dtype=np.float64), rand(rng, 3, dtype=np.float64),
                  rand(rng, 3, dtype=np.float64))
    res = []
    for lib, fn in ((ember, F.batch_norm), (torch, TF.batch_norm)):
        x = lib.tensor(xa, requires_grad=True)
        w, b = lib.tensor(wa, requires_grad=True), lib.tensor(ba, requires_grad=True)
        y = fn(x, None, None, w, b, True)
        gx, gw, gb = lib.autograd.grad((y * y * y).sum(), (x, w, b), create_graph=True)
        (gx.pow(2).sum() + gw.pow(2).sum() + gb.pow(2).sum()).backward()
        res.append((gx.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()))
    for e, t in zip(*res):
        np.testing.assert_allclose(e, t, rtol=1e-6, atol=1e-9)
