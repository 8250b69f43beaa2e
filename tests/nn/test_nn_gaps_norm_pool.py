"""RMSNorm, CrossMapLRN2d, FractionalMaxPool2d/3d and LPPool3d against torch."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from nn_helpers import to_e, close, pair


def _tol(dtype):
    return (1e-5, 1e-6) if dtype == torch.float32 else (1e-10, 1e-12)


def _backward_both(to, eo, seed=0):
    g = torch.randn(to.shape, generator=torch.Generator().manual_seed(seed), dtype=to.dtype)
    to.backward(g)
    eo.backward(to_e(g))


# =========================================================================== RMSNorm


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape,ns", [((4, 5), (5,)), ((5,), (5,)), ((2, 3, 4), (3, 4)),
                                      ((2, 3, 4), (4,)), ((0, 3), (3,)), ((1, 2, 2, 3), (2, 3))])
@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("affine", [True, False])
def test_rms_norm_functional(dtype, shape, ns, eps, affine):
    t, e = pair(*shape, dtype=dtype, seed=1)
    wt, we = pair(*ns, dtype=dtype, seed=2) if affine else (None, None)
    to = TF.rms_norm(t, ns, wt, eps)
    eo = EF.rms_norm(e, ns, we, eps)
    rtol, atol = _tol(dtype)
    close(eo, to, rtol, atol)
    _backward_both(to, eo)
    close(e.grad, t.grad, rtol, atol)
    if affine:
        close(we.grad, wt.grad, rtol, atol)


def test_rms_norm_tiny_values_use_finfo_eps():
    # with eps=None the epsilon dominates for tiny inputs: float32 vs float64 eps differ
    for dtype in (torch.float32, torch.float64):
        t, e = pair(3, 4, dtype=dtype, seed=3)
        t = (t.detach() * 1e-5).requires_grad_()
        e = to_e(t)
        to, eo = TF.rms_norm(t, (4,)), EF.rms_norm(e, (4,))
        close(eo, to, *_tol(dtype))
        _backward_both(to, eo)
        close(e.grad, t.grad, *_tol(dtype))


def test_rms_norm_half_and_mixed_weight_dtype():
    t, e = pair(3, 6, dtype=torch.float16, seed=4)
    to, eo = TF.rms_norm(t, (6,)), EF.rms_norm(e, (6,))
    close(eo, to, 1e-3, 1e-3)
    x_t, x_e = pair(3, 4, seed=5)
    w_t, w_e = pair(4, dtype=torch.float64, seed=6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        to = TF.rms_norm(x_t, (4,), w_t)
    eo = EF.rms_norm(x_e, (4,), w_e)
    close(eo, to, 1e-5, 1e-6)  # the output keeps the input's dtype (float32)
    _backward_both(to, eo)
    close(x_e.grad, x_t.grad, 1e-5, 1e-6)
    close(w_e.grad, w_t.grad, 1e-5, 1e-6)


@pytest.mark.parametrize("ns,eps,affine", [(4, None, True), ([3, 4], 1e-3, False),
                                           ((4,), 0.5, True)])
def test_rms_norm_module(ns, eps, affine):
    tm = tnn.RMSNorm(ns, eps=eps, elementwise_affine=affine)
    em = enn.RMSNorm(ns, eps=eps, elementwise_affine=affine)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    t, e = pair(2, 3, 4, seed=7)
    if affine:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
        em.weight.data = to_e(tm.weight.detach())
    to, eo = tm(t), em(e)
    close(eo, to)
    _backward_both(to, eo)
    close(e.grad, t.grad)
    if affine:
        close(em.weight.grad, tm.weight.grad)
    em2 = enn.RMSNorm(4, dtype=ember.float64)
    assert em2.weight.dtype == ember.float64 and bool((em2.weight == 1).all())


@pytest.mark.parametrize("case", ["bad_shape", "bad_weight", "empty_ns", "too_few_dims",
                                  "multi_bad_shape", "long_input"])
def test_rms_norm_errors_match_torch(case):
    x, ns, w = torch.randn(2, 3), (3,), None
    if case == "bad_shape":
        ns = (4,)
    elif case == "bad_weight":
        w = torch.ones(4)
    elif case == "empty_ns":
        ns = ()
    elif case == "too_few_dims":
        x, ns = torch.randn(4), (2, 4)
    elif case == "multi_bad_shape":
        x, ns = torch.randn(2, 3, 4), (2, 4)
    elif case == "long_input":
        x = x.long()
    with pytest.raises(Exception) as te:
        TF.rms_norm(x, ns, w)
    with pytest.raises(type(te.value)) as ee:
        EF.rms_norm(to_e(x), ns, None if w is None else to_e(w))
    assert str(ee.value) == str(te.value)


# =========================================================================== CrossMapLRN2d


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("size,C", [(2, 5), (3, 6), (5, 4), (4, 9), (3, 1), (7, 3)])
def test_cross_map_lrn2d_matches_torch(dtype, size, C):
    t, e = pair(2, C, 3, 4, dtype=dtype, seed=size * 10 + C)
    tm = tnn.CrossMapLRN2d(size, alpha=0.5, beta=0.8, k=1.5)
    em = enn.CrossMapLRN2d(size, alpha=0.5, beta=0.8, k=1.5)
    assert repr(em) == repr(tm)
    to, eo = tm(t), em(e)
    close(eo, to, *_tol(dtype))
    _backward_both(to, eo)
    close(e.grad, t.grad, *_tol(dtype))


def test_cross_map_lrn2d_defaults_and_size_one_forward():
    t, e = pair(1, 4, 2, 2, seed=8)
    close(enn.CrossMapLRN2d(3)(e), tnn.CrossMapLRN2d(3)(t))
    close(enn.CrossMapLRN2d(1, alpha=2.0)(e), tnn.CrossMapLRN2d(1, alpha=2.0)(t))


def test_cross_map_lrn2d_requires_4d():
    with pytest.raises(ValueError) as te:
        tnn.CrossMapLRN2d(3)(torch.randn(2, 3, 4))
    with pytest.raises(ValueError) as ee:
        enn.CrossMapLRN2d(3)(ember.randn(2, 3, 4))
    assert str(ee.value) == str(te.value)


# =========================================================================== fractional max pool


def _samples(n, c, nd, dtype, seed):
    return torch.rand(n, c, nd, generator=torch.Generator().manual_seed(seed), dtype=dtype)


_FRAC2 = [((2, 3, 10, 7), 3, (4, 5)), ((2, 3, 11, 13), (2, 3), (7, 9)), ((3, 9, 8), 2, (5, 6)),
          ((2, 2, 10, 10), 3, (8, 8)), ((1, 2, 25, 31), (2, 2), (12, 29)),
          ((2, 1, 6, 6), 1, (6, 6)), ((2, 2, 5, 5), 2, (1, 1)), ((0, 2, 5, 5), 2, (2, 2)),
          ((1, 2, 5, 6), 2, (0, 3))]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape,k,o", _FRAC2)
def test_fractional_max_pool2d_matches_torch(dtype, shape, k, o):
    t, e = pair(*shape, dtype=dtype, seed=9)
    s = _samples(shape[0] if len(shape) == 4 else 1, shape[-3], 2, dtype, seed=10)
    to, ti = TF.fractional_max_pool2d(t, k, output_size=o, return_indices=True,
                                      _random_samples=s)
    eo, ei = EF.fractional_max_pool2d(e, k, output_size=o, return_indices=True,
                                      _random_samples=to_e(s))
    close(eo, to, 0, 0)
    close(ei, ti, 0, 0)
    _backward_both(to, eo)
    close(e.grad, t.grad, *_tol(dtype))


_FRAC3 = [((2, 3, 6, 7, 8), 2, (3, 4, 5)), ((2, 2, 9, 8, 7), (2, 3, 2), (6, 5, 4)),
          ((3, 9, 8, 7), (1, 2, 3), (8, 5, 2)), ((1, 1, 4, 4, 4), 2, (2, 2, 2)),
          ((1, 2, 5, 4, 6), 2, (3, 2, 4))]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape,k,o", _FRAC3)
def test_fractional_max_pool3d_matches_torch(dtype, shape, k, o):
    t, e = pair(*shape, dtype=dtype, seed=11)
    s = _samples(shape[0] if len(shape) == 5 else 1, shape[-4], 3, dtype, seed=12)
    to, ti = TF.fractional_max_pool3d(t, k, output_size=o, return_indices=True,
                                      _random_samples=s)
    eo, ei = EF.fractional_max_pool3d(e, k, output_size=o, return_indices=True,
                                      _random_samples=to_e(s))
    close(eo, to, 0, 0)
    close(ei, ti, 0, 0)
    _backward_both(to, eo)
    close(e.grad, t.grad, *_tol(dtype))


def test_fractional_max_pool_ratio_ties_and_nan():
    # integer-valued input (many ties) and NaNs: same winners as torch
    g = torch.Generator().manual_seed(13)
    x = torch.randint(0, 3, (2, 3, 12, 11), generator=g).double()
    x[0, 0, 2, 3] = float("nan")
    x[0, 0, 2, 4] = float("nan")
    x[1, 2, 7, 7] = float("nan")
    s = _samples(2, 3, 2, torch.float64, seed=14)
    to, ti = TF.fractional_max_pool2d(x, 3, output_ratio=(0.5, 0.6), return_indices=True,
                                      _random_samples=s)
    eo, ei = EF.fractional_max_pool2d(to_e(x), 3, output_ratio=(0.5, 0.6), return_indices=True,
                                      _random_samples=to_e(s))
    np.testing.assert_array_equal(eo.numpy(), to.numpy())
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    assert eo.shape == (2, 3, 6, 6)


def test_fractional_max_pool_double_backward():
    t, e = pair(2, 2, 8, 9, dtype=torch.float64, seed=15)
    s = _samples(2, 2, 2, torch.float64, seed=16)
    to = TF.fractional_max_pool2d(t, 3, output_size=(5, 4), _random_samples=s)
    eo = EF.fractional_max_pool2d(e, 3, output_size=(5, 4), _random_samples=to_e(s))
    v_t = torch.randn(to.shape, dtype=torch.float64, requires_grad=True)
    v_e = to_e(v_t)
    (gt,) = torch.autograd.grad(to, t, v_t, create_graph=True)
    (ge,) = ember.autograd.grad(eo, e, v_e, create_graph=True)
    close(ge, gt, 0, 0)
    w = torch.randn(gt.shape, dtype=torch.float64)
    (gt * w).sum().backward()
    (ge * to_e(w)).sum().backward()
    close(v_e.grad, v_t.grad, 1e-12, 1e-12)
    assert type(eo.grad_fn).__name__ == type(to.grad_fn).__name__ == \
        "FractionalMaxPool2DBackward0"


def test_fractional_max_pool_modules():
    s2 = _samples(2, 3, 2, torch.float32, seed=17)
    tm = tnn.FractionalMaxPool2d(2, output_size=(4, 3), return_indices=True, _random_samples=s2)
    em = enn.FractionalMaxPool2d(2, output_size=(4, 3), return_indices=True,
                                 _random_samples=to_e(s2))
    assert repr(em) == repr(tm) == "FractionalMaxPool2d()"
    assert list(em.state_dict()) == list(tm.state_dict()) == ["_random_samples"]
    assert em.kernel_size == tm.kernel_size and em.output_size == tm.output_size
    t, e = pair(2, 3, 9, 7, seed=18)
    (to, ti), (eo, ei) = tm(t), em(e)
    close(eo, to, 0, 0)
    close(ei, ti, 0, 0)
    s3 = _samples(1, 2, 3, torch.float32, seed=19)
    tm3 = tnn.FractionalMaxPool3d((2, 2, 3), output_ratio=0.5, _random_samples=s3)
    em3 = enn.FractionalMaxPool3d((2, 2, 3), output_ratio=0.5, _random_samples=to_e(s3))
    assert em3.output_ratio == tm3.output_ratio == (0.5, 0.5, 0.5)
    t3, e3 = pair(1, 2, 8, 8, 9, seed=20)
    to3, eo3 = tm3(t3), em3(e3)
    close(eo3, to3, 0, 0)
    _backward_both(to3, eo3)
    close(e3.grad, t3.grad)


def test_fractional_max_pool_default_samples_are_random_windows():
    ember.manual_seed(0)
    x = ember.randn(4, 3, 20, 20)
    out, idx = EF.fractional_max_pool2d(x, 2, output_size=(10, 12), return_indices=True)
    assert out.shape == idx.shape == (4, 3, 10, 12) and idx.dtype == ember.int64
    # every output is the input value at its index, and is the max of a 2x2 window there
    flat = x.reshape(4, 3, -1)
    np.testing.assert_array_equal(flat.gather(2, idx.reshape(4, 3, -1)).numpy(),
                                  out.reshape(4, 3, -1).numpy())
    m = enn.FractionalMaxPool2d(2, output_ratio=(0.45, 0.6))
    a, b = m(x), m(x)
    assert a.shape == (4, 3, 9, 12) and not bool((a == b).all())
    ember.manual_seed(1)
    c = m(x)
    ember.manual_seed(1)
    np.testing.assert_array_equal(m(x).numpy(), c.numpy())


@pytest.mark.parametrize("case", [
    "no_size", "ratio_len", "too_large_h", "too_large_w", "bad_dim", "empty_channel",
    "kernel_zero", "kernel_len", "output_len", "samples_dim2", "samples_batch",
    "samples_channels", "samples_dtype", "samples_ndim", "long_input", "negative_output"])
def test_fractional_max_pool2d_errors_match_torch(case):
    x = torch.randn(2, 3, 10, 7)
    k, kw = 3, {"output_size": (4, 5), "_random_samples": torch.rand(2, 3, 2)}
    if case == "no_size":
        kw = {}
    elif case == "ratio_len":
        kw = {"output_ratio": (0.5, 0.5, 0.5)}
    elif case == "too_large_h":
        kw["output_size"] = (9, 5)
    elif case == "too_large_w":
        kw["output_size"] = (4, 6)
    elif case == "bad_dim":
        x = torch.randn(2, 3, 4, 5, 6)
    elif case == "empty_channel":
        x = torch.randn(2, 0, 5, 5)
        kw = {"output_size": 2}
    elif case == "kernel_zero":
        k = (3, 0)
    elif case == "kernel_len":
        k = (3, 2, 1)
    elif case == "output_len":
        kw["output_size"] = (4, 5, 6)
    elif case == "samples_dim2":
        kw["_random_samples"] = torch.rand(2, 3, 3)
    elif case == "samples_batch":
        kw["_random_samples"] = torch.rand(1, 3, 2)
    elif case == "samples_channels":
        kw["_random_samples"] = torch.rand(2, 2, 2)
    elif case == "samples_dtype":
        kw["_random_samples"] = torch.rand(2, 3, 2).double()
    elif case == "samples_ndim":
        kw["_random_samples"] = torch.rand(6, 2)
    elif case == "long_input":
        x = x.long()
        kw = {"output_size": 2}
    elif case == "negative_output":
        kw["output_size"] = -1
    with pytest.raises(Exception) as te:
        TF.fractional_max_pool2d(x, k, **kw)
    ekw = {n: to_e(v) if isinstance(v, torch.Tensor) else v for n, v in kw.items()}
    with pytest.raises(type(te.value)) as ee:
        EF.fractional_max_pool2d(to_e(x), k, **ekw)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("case", ["too_large_t", "boundary_t", "kernel_zero", "empty_channel",
                                  "output_len",
                                  "kernel_len", "samples_dim2"])
def test_fractional_max_pool3d_errors_match_torch(case):
    x = torch.randn(2, 3, 6, 7, 8)
    k, kw = 2, {"output_size": 3}
    if case == "too_large_t":
        kw["output_size"] = (6, 3, 3)
    elif case == "boundary_t":
        kw["output_size"] = (5, 3, 3)  # 5 + 2 - 1 == 6: refused in 3-D only
    elif case == "kernel_zero":
        k = (3, 0, 1)
    elif case == "empty_channel":
        x = torch.randn(2, 0, 5, 5, 5)
    elif case == "output_len":
        kw["output_size"] = (2, 2)
    elif case == "kernel_len":
        k = (2, 2)
    elif case == "samples_dim2":
        kw["_random_samples"] = torch.rand(2, 3, 2)
    with pytest.raises(Exception) as te:
        TF.fractional_max_pool3d(x, k, **kw)
    ekw = {n: to_e(v) if isinstance(v, torch.Tensor) else v for n, v in kw.items()}
    with pytest.raises(type(te.value)) as ee:
        EF.fractional_max_pool3d(to_e(x), k, **ekw)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("cls,args,kw", [
    ("FractionalMaxPool2d", (3,), {}), ("FractionalMaxPool2d", (3, 2, 0.5), {}),
    ("FractionalMaxPool2d", (3,), {"output_ratio": 1}),
    ("FractionalMaxPool3d", (0,), {"output_ratio": 0.5}),
    ("FractionalMaxPool3d", (2,), {"output_ratio": (0.5, 1.5, 0.5)})])
def test_fractional_max_pool_module_errors(cls, args, kw):
    with pytest.raises(ValueError) as te:
        getattr(tnn, cls)(*args, **kw)
    with pytest.raises(ValueError) as ee:
        getattr(enn, cls)(*args, **kw)
    assert str(ee.value) == str(te.value)


# =========================================================================== LPPool3d


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("norm_type,k,stride,ceil,shape", [
    (2, 2, None, False, (2, 3, 4, 4, 4)), (3, (2, 1, 2), 1, False, (1, 2, 3, 4, 5)),
    (1.5, 2, (1, 2, 1), True, (2, 2, 5, 5, 5)), (float("inf"), 2, None, False, (1, 2, 4, 4, 4)),
    (-float("inf"), (1, 2, 2), 1, False, (1, 1, 3, 4, 4)), (2, 2, 2, True, (3, 5, 5, 5)),
    (1, 3, None, False, (2, 6, 6, 6))])
def test_lp_pool3d_matches_torch(dtype, norm_type, k, stride, ceil, shape):
    t, e = pair(*shape, dtype=dtype, seed=21)
    if norm_type not in (1, 2, float("inf"), -float("inf")):
        with torch.no_grad():
            t.abs_().add_(0.1)
        e = to_e(t)
    to = TF.lp_pool3d(t, norm_type, k, stride, ceil)
    eo = EF.lp_pool3d(e, norm_type, k, stride, ceil)
    close(eo, to, *_tol(dtype))
    _backward_both(to, eo)
    close(e.grad, t.grad, *_tol(dtype))
    tm, em = tnn.LPPool3d(norm_type, k, stride, ceil), enn.LPPool3d(norm_type, k, stride, ceil)
    assert repr(em) == repr(tm)
    close(em(e), tm(t), *_tol(dtype))


def test_lp_pool3d_zero_norm_error():
    with pytest.raises(ValueError) as te:
        TF.lp_pool3d(torch.randn(1, 2, 4, 4, 4), 0, 2)
    with pytest.raises(ValueError) as ee:
        EF.lp_pool3d(ember.randn(1, 2, 4, 4, 4), 0, 2)
    assert str(ee.value) == str(te.value)


# =========================================================================== device (fake CUDA)


@pytest.fixture
def fake_cuda_backend():
    from ember.cuda import _fake
    _fake.install(device_count=1)
    try:
        yield _fake
    finally:
        _fake.uninstall()


def test_gap_ops_run_on_cuda_tensors(fake_cuda_backend):
    """Every new op keeps its arrays on the device (the NumPy-backed CuPy stand-in)."""
    def both(fn, *cpu_args):
        outs = []
        for dev in ("cpu", "cuda"):
            args = [a.detach().to(dev).requires_grad_(a.requires_grad)
                    if isinstance(a, ember.Tensor) else a for a in cpu_args]
            out = fn(*args)
            out = out[0] if isinstance(out, tuple) else out
            assert out.device.type == dev
            out.sum().backward()
            grads = [a.grad.to("cpu") for a in args
                     if isinstance(a, ember.Tensor) and a.requires_grad]
            outs.append((out.detach().to("cpu"), grads))
        (o1, g1), (o2, g2) = outs
        np.testing.assert_allclose(o2.numpy(), o1.numpy(), rtol=1e-6)
        for a, b in zip(g1, g2):
            np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6, atol=1e-7)

    ember.manual_seed(0)
    lp = ember.randn(8, 2, 5).log_softmax(2).requires_grad_()
    tg = ember.tensor([[1, 2, 2], [3, 4, 0]])
    both(lambda x, t: EF.ctc_loss(x, t, (8, 7), (3, 2)), lp, tg)
    both(lambda x, w: EF.rms_norm(x, (4,), w), ember.randn(3, 4).requires_grad_(),
         ember.rand(4).requires_grad_())
    s = ember.rand(2, 3, 2)
    both(lambda x, s: EF.fractional_max_pool2d(x, 2, output_size=(4, 3), _random_samples=s),
         ember.randn(2, 3, 7, 6).requires_grad_(), s)
    both(lambda x: enn.CrossMapLRN2d(3, alpha=0.3)(x), ember.randn(2, 4, 3, 3).requires_grad_())
    both(lambda x: EF.lp_pool3d(x, 2, 2), ember.randn(1, 2, 4, 4, 4).requires_grad_())
