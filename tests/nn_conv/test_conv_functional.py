"""Functional conv / transposed conv / unfold / fold against torch (forward and gradients)."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

from conv_helpers import compare, numeric_gradcheck, rand

torch = pytest.importorskip("torch")
TF = torch.nn.functional

CONV2D_CASES = [
    # (N, C, H, W, O, k, stride, padding, dilation, groups, bias)
    (2, 3, 8, 8, 4, 3, 1, 0, 1, 1, True),
    (1, 3, 7, 9, 5, (3, 2), 2, 1, 1, 1, True),
    (2, 4, 9, 7, 6, 3, (2, 1), (1, 2), (2, 1), 2, False),
    (3, 6, 6, 6, 6, 3, 1, 1, 1, 6, True),          # depthwise
    (2, 2, 5, 5, 3, 1, 1, 0, 1, 1, True),          # 1x1
    (1, 2, 6, 5, 2, 2, 3, 2, 1, 1, True),
    (2, 3, 8, 8, 4, 3, 1, "same", 2, 1, True),
    (2, 3, 8, 8, 4, 4, 1, "same", 1, 1, True),     # even kernel: asymmetric pad
    (2, 3, 8, 8, 4, 3, 1, "valid", 1, 1, False),
]


@pytest.mark.parametrize("case", CONV2D_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_matches_torch(case, dtype):
    N, C, H, W, O, k, s, p, d, g, bias = case
    rng = np.random.default_rng(0)
    kk = k if isinstance(k, tuple) else (k, k)
    arrs = [rand(rng, N, C, H, W), rand(rng, O, C // g, *kk), rand(rng, O) if bias else None]
    compare(lambda x, w, b: F.conv2d(x, w, b, s, p, d, g),
            lambda x, w, b: TF.conv2d(x, w, b, s, p, d, g), arrs, dtype)


@pytest.mark.parametrize("case", [(2, 3, 10, 4, 3, 1, 0, 1, 1), (1, 4, 9, 6, 2, 2, 1, 2, 2),
                                  (3, 2, 7, 2, 3, 1, "same", 3, 1)])
def test_conv1d_matches_torch(case):
    N, C, L, O, k, s, p, d, g = case
    rng = np.random.default_rng(1)
    arrs = [rand(rng, N, C, L), rand(rng, O, C // g, k), rand(rng, O)]
    compare(lambda x, w, b: F.conv1d(x, w, b, s, p, d, g),
            lambda x, w, b: TF.conv1d(x, w, b, s, p, d, g), arrs, np.float64)


@pytest.mark.parametrize("case", [(1, 2, 5, 4, 6, 3, 3, 1, 1, 1, 1), (2, 4, 4, 5, 3, 2, 2, 2, 1, 1, 2)])
def test_conv3d_matches_torch(case):
    N, C, D, H, W, O, k, s, p, d, g = case
    rng = np.random.default_rng(2)
    arrs = [rand(rng, N, C, D, H, W), rand(rng, O, C // g, k, k, k), rand(rng, O)]
    compare(lambda x, w, b: F.conv3d(x, w, b, s, p, d, g),
            lambda x, w, b: TF.conv3d(x, w, b, s, p, d, g), arrs, np.float32)


def test_conv2d_unbatched_input():
    rng = np.random.default_rng(3)
    compare(lambda x, w: F.conv2d(x, w, padding=1), lambda x, w: TF.conv2d(x, w, padding=1),
            [rand(rng, 3, 6, 5), rand(rng, 4, 3, 3, 3)])


TRANSPOSE_CASES = [
    # (N, Cin, H, W, Cout_per_group, k, stride, padding, output_padding, groups, dilation)
    (2, 4, 5, 5, 3, 3, 2, 1, 1, 1, 1),
    (1, 4, 4, 6, 2, (2, 3), (2, 1), 0, 0, 2, 1),
    (2, 2, 3, 3, 3, 3, 3, 1, 2, 1, 1),
    (1, 3, 4, 4, 2, 3, 2, 2, 1, 1, 2),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_transpose2d_matches_torch(case, dtype):
    N, C, H, W, og, k, s, p, op, g, d = case
    kk = k if isinstance(k, tuple) else (k, k)
    rng = np.random.default_rng(4)
    arrs = [rand(rng, N, C, H, W), rand(rng, C, og, *kk), rand(rng, og * g)]
    compare(lambda x, w, b: F.conv_transpose2d(x, w, b, s, p, op, g, d),
            lambda x, w, b: TF.conv_transpose2d(x, w, b, s, p, op, g, d), arrs, dtype)


def test_conv_transpose1d_and_3d_match_torch():
    rng = np.random.default_rng(5)
    compare(lambda x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1),
            lambda x, w, b: TF.conv_transpose1d(x, w, b, 2, 1, 1),
            [rand(rng, 2, 3, 6), rand(rng, 3, 2, 4), rand(rng, 2)], np.float64)
    compare(lambda x, w: F.conv_transpose3d(x, w, None, 2, 1),
            lambda x, w: TF.conv_transpose3d(x, w, None, 2, 1),
            [rand(rng, 1, 2, 3, 3, 3), rand(rng, 2, 2, 3, 3, 3)], np.float64)


def test_conv2d_numeric_gradcheck():
    rng = np.random.default_rng(6)
    numeric_gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
                      [rand(rng, 2, 4, 5, 6, dtype=np.float64), rand(rng, 4, 2, 3, 3, dtype=np.float64),
                       rand(rng, 4, dtype=np.float64)])
    numeric_gradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, output_padding=1),
                      [rand(rng, 1, 2, 3, 3, dtype=np.float64), rand(rng, 2, 3, 3, 3, dtype=np.float64)])


def test_conv2d_double_backward_matches_torch():
    rng = np.random.default_rng(7)
    xa, wa = rand(rng, 2, 2, 5, 5, dtype=np.float64), rand(rng, 3, 2, 3, 3, dtype=np.float64)
    res = []
    for lib, fn in ((ember, F.conv2d), (torch, TF.conv2d)):
        x = lib.tensor(xa, requires_grad=True)
        w = lib.tensor(wa, requires_grad=True)
        y = fn(x, w, stride=2, padding=1)
        gx, gw = lib.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        (gx.pow(2).sum() + (gw * gw).sum()).backward()
        res.append((gx.detach().numpy(), x.grad.numpy(), w.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_conv_float32_stays_float32():
    x = ember.randn(1, 2, 5, 5)
    w = ember.randn(3, 2, 3, 3)
    assert F.conv2d(x, w).dtype == ember.float32
    assert F.conv2d(x, w)._data.dtype == np.float32


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=(1, 2)),
                                dict(kernel_size=3, padding=1, dilation=2, stride=2)])
def test_unfold_fold_match_torch(kw):
    rng = np.random.default_rng(8)
    x = rand(rng, 2, 3, 7, 6)
    e, t = compare(lambda a: F.unfold(a, **kw), lambda a: TF.unfold(a, **kw), [x], np.float64)
    cols = rand(rng, *t.shape, dtype=np.float64)
    compare(lambda c: F.fold(c, (7, 6), **kw), lambda c: TF.fold(c, (7, 6), **kw), [cols],
            np.float64)


def test_conv_error_messages_match_torch():
    x = ember.randn(8, 3, 32, 32)
    with pytest.raises(RuntimeError) as ei:
        F.conv2d(x, ember.randn(16, 1, 3, 3))
    assert str(ei.value) == ("Given groups=1, weight of size [16, 1, 3, 3], expected "
                             "input[8, 3, 32, 32] to have 1 channels, but got 3 channels instead")
    with pytest.raises(RuntimeError) as ei:
        F.conv2d(ember.randn(2, 3), ember.randn(16, 1, 3, 3))
    assert str(ei.value) == ("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                             "input of size: [2, 3]")
    with pytest.raises(RuntimeError) as ei:
        F.conv2d(x.double(), ember.randn(16, 3, 3, 3))
    assert str(ei.value) == ("Input type (double) and weight type (float) should be the same; "
                             "convert the input with x.float() (or the model with "
                             "model.double())")
    for fn, args in ((F.conv2d, dict(stride=2, padding="same")), (F.conv2d, dict(padding="foo"))):
        with pytest.raises(RuntimeError) as ei:
            fn(x, ember.randn(4, 3, 3, 3), **args)
        with pytest.raises(RuntimeError) as ti:
            getattr(TF, fn.__name__)(torch.randn(8, 3, 32, 32), torch.randn(4, 3, 3, 3), **args)
        assert str(ei.value) == str(ti.value)
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(ember.randn(1, 3, 4, 4), ember.randn(2, 3, 5, 5))
    with pytest.raises(RuntimeError) as ei:
        F.conv_transpose2d(ember.randn(1, 3, 8, 8), ember.randn(4, 3, 3, 3))
    with pytest.raises(RuntimeError) as ti:
        TF.conv_transpose2d(torch.randn(1, 3, 8, 8), torch.randn(4, 3, 3, 3))
    assert str(ei.value) == str(ti.value)


def test_conv_two_forwards_before_backward_keep_their_columns():
    # scratch buffers for the column matrix are reused across calls: the first call's saved
    # columns must survive a second forward of the same shape (siamese / accumulation)
    rng = np.random.default_rng(9)
    xa, xb = rand(rng, 16, 8, 16, 16), rand(rng, 16, 8, 16, 16)   # columns > 1 MB
    wa = rand(rng, 16, 8, 3, 3)
    res = []
    for lib, fn in ((ember, F.conv2d), (torch, TF.conv2d)):
        w = lib.tensor(wa, requires_grad=True)
        ya = fn(lib.tensor(xa), w, padding=1)
        yb = fn(lib.tensor(xb), w, padding=1)
        (ya * 2 + yb * 3).sum().backward()
        res.append(w.grad.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-4, atol=1e-4)
