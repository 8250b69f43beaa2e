"""nn layer classes against torch: weights copied through state_dict, forward, gradients,
running statistics, reprs and error texts."""
import numpy as np
import pytest

import ember
import ember.nn as nn

torch = pytest.importorskip("torch")
tnn = torch.nn


def _pair_modules(ctor_e, ctor_t):
    """Build both modules and copy torch's (random) state into ember via state_dict."""
    torch.manual_seed(0)
    tm = ctor_t()
    em = ctor_e()
    tsd = tm.state_dict()
    esd = em.state_dict()
    assert list(esd.keys()) == list(tsd.keys())
    for k in tsd:
        assert tuple(esd[k].shape) == tuple(tsd[k].shape), k
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tsd.items()})
    return em, tm


def _run(em, tm, x, dtype=np.float32, tol=None, seed=1):
    tol = tol or (dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-7,
                                                                              atol=1e-9))
    if dtype == np.float64:
        em.double()
        tm.double()
    xa = x.astype(dtype)
    xe = ember.tensor(xa, requires_grad=True)
    xt = torch.tensor(xa, requires_grad=True)
    ye, yt = em(xe), tm(xt)
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(ye[1].numpy(), yt[1].numpy())
        ye, yt = ye[0], yt[0]
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), **tol)
    g = np.random.default_rng(seed).standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), **tol)
    tp = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[name].grad.numpy(), **tol, err_msg=name)


CONV_MODULES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1), (2, 3, 9)),
    ("Conv1d", (4, 4, 3), dict(padding="same", padding_mode="circular", groups=2), (2, 4, 7)),
    ("Conv2d", (3, 8, 5), dict(padding=2), (2, 3, 8, 8)),
    ("Conv2d", (4, 6, (3, 2)), dict(stride=(2, 1), dilation=(1, 2), groups=2, bias=False),
     (1, 4, 7, 9)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"), (2, 3, 5, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=(2, 1), padding_mode="replicate"), (2, 3, 5, 6)),
    ("Conv2d", (3, 4, 4), dict(padding="same", padding_mode="circular"), (1, 3, 6, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=1), (3, 6, 5)),                      # unbatched
    ("Conv3d", (2, 3, 3), dict(padding=1, stride=2), (1, 2, 5, 4, 5)),
    ("ConvTranspose1d", (3, 2, 4), dict(stride=2, padding=1), (2, 3, 5)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2),
     (2, 4, 4, 5)),
    ("ConvTranspose2d", (3, 2, 3), dict(dilation=2, bias=False), (3, 4, 4)),  # unbatched
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2), (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("name,args,kw,shape", CONV_MODULES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_modules_match_torch(name, args, kw, shape, dtype):
    em, tm = _pair_modules(lambda: getattr(nn, name)(*args, **kw),
                           lambda: getattr(tnn, name)(*args, **kw))
    assert repr(em) == repr(tm)
    x = np.random.default_rng(0).standard_normal(shape)
    _run(em, tm, x, dtype)


def test_conv_transpose_output_size_argument():
    em, tm = _pair_modules(lambda: nn.ConvTranspose2d(3, 2, 3, stride=2),
                           lambda: tnn.ConvTranspose2d(3, 2, 3, stride=2))
    x = np.random.default_rng(1).standard_normal((1, 3, 4, 4)).astype(np.float32)
    ye = em(ember.tensor(x), output_size=[10, 10])
    yt = tm(torch.tensor(x), output_size=[10, 10])
    np.testing.assert_allclose(ye.detach().numpy(), yt.detach().numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError) as ei:
        em(ember.tensor(x), output_size=[20, 20])
    with pytest.raises(ValueError) as ti:
        tm(torch.tensor(x), output_size=[20, 20])
    assert str(ei.value) == str(ti.value)


def test_conv_default_init_bounds():
    m = nn.Conv2d(3, 16, 5)
    bound = 1 / np.sqrt(3 * 25)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert w.dtype == np.float32 and np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(b).max() <= bound and w.std() > 0.4 * bound
    mt = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert tuple(mt.weight.shape) == (4, 3, 3, 3)
    assert np.abs(mt.weight.detach().numpy()).max() <= 1 / np.sqrt(3 * 9)


def test_conv_module_errors_match_torch():
    for kw in (dict(padding="foo"), dict(stride=2, padding="same"), dict(groups=2),
               dict(padding_mode="zero")):
        with pytest.raises(ValueError) as ti:
            tnn.Conv2d(3, 4, 3, **kw)
        with pytest.raises(ValueError) as ei:
            nn.Conv2d(3, 4, 3, **kw)
        if "padding" in kw and kw["padding"] == "foo" or "padding_mode" in kw:
            continue   # these texts print a set, whose order depends on the hash seed
        assert str(ei.value) == str(ti.value)
    m = nn.Conv2d(1, 16, 3)
    with pytest.raises(RuntimeError) as ei:
        m(ember.randn(8, 3, 32, 32))
    assert str(ei.value) == ("Given groups=1, weight of size [16, 1, 3, 3], expected "
                             "input[8, 3, 32, 32] to have 1 channels, but got 3 channels instead")
    with pytest.raises(RuntimeError, match="should be the same; convert the input with"):
        m(ember.randn(8, 1, 32, 32, dtype=ember.float64))


POOL_MODULES = [
    ("MaxPool1d", (3,), dict(stride=2, padding=1, return_indices=True), (2, 3, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", (3,), dict(stride=2, ceil_mode=True, return_indices=True), (1, 2, 8, 7)),
    ("MaxPool3d", (2,), dict(padding=1), (1, 2, 4, 4, 3)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 9)),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 8, 7)),
    ("AvgPool2d", (2,), dict(divisor_override=3), (3, 6, 6)),
    ("AvgPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 5, 7)),
    ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 5, 4, 3)),
    ("AdaptiveMaxPool1d", (3,), dict(return_indices=True), (2, 3, 10)),
    ("AdaptiveMaxPool2d", (3,), {}, (2, 3, 7, 8)),
    ("AdaptiveMaxPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("LPPool1d", (2, 3), {}, (2, 3, 9)),
    ("LPPool2d", (3, 2), dict(stride=1), (2, 3, 5, 5)),
]


@pytest.mark.parametrize("name,args,kw,shape", POOL_MODULES)
def test_pool_modules_match_torch(name, args, kw, shape):
    em, tm = getattr(nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    x = np.abs(np.random.default_rng(2).standard_normal(shape)) + 0.1
    _run(em, tm, x, np.float64)


def test_max_unpool_modules_match_torch():
    rng = np.random.default_rng(3)
    for nd, shape in ((1, (2, 3, 8)), (2, (1, 2, 6, 6)), (3, (1, 1, 4, 4, 4))):
        tp = getattr(tnn, f"MaxPool{nd}d")(2, return_indices=True)
        tu, eu = getattr(tnn, f"MaxUnpool{nd}d")(2), getattr(nn, f"MaxUnpool{nd}d")(2)
        assert repr(tu) == repr(eu)
        v, i = tp(torch.tensor(rng.standard_normal(shape)))
        ve = ember.tensor(v.numpy(), requires_grad=True)
        ye = eu(ve, ember.tensor(i.numpy()))
        np.testing.assert_array_equal(ye.detach().numpy(), tu(v, i).numpy())
        ye.sum().backward()
        np.testing.assert_array_equal(ve.grad.numpy(), np.ones(v.shape))


@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (6, 4)), ("BatchNorm1d", (5, 4, 3)),
                                        ("BatchNorm2d", (3, 4, 3, 2)),
                                        ("BatchNorm3d", (2, 4, 2, 3, 2))])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_stats_match_torch(name, shape, momentum):
    em, tm = _pair_modules(lambda: getattr(nn, name)(4, momentum=momentum),
                           lambda: getattr(tnn, name)(4, momentum=momentum))
    with torch.no_grad():
        tm.weight.uniform_(0.5, 1.5)
        tm.bias.uniform_(-1, 1)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    assert repr(em) == repr(tm)
    rng = np.random.default_rng(4)
    for step in range(4):
        x = (rng.standard_normal(shape) * (step + 1) + step).astype(np.float32)
        _run(em, tm, x, np.float32, seed=step)
        for p in list(em.parameters()):
            p.grad = None
        tm.zero_grad()
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(em.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=k)
    em.eval()
    tm.eval()
    _run(em, tm, rng.standard_normal(shape).astype(np.float32), np.float32)


def test_batchnorm_options_match_torch():
    rng = np.random.default_rng(5)
    for kw in (dict(affine=False), dict(track_running_stats=False), dict(bias=False),
               dict(affine=False, track_running_stats=False)):
        em, tm = _pair_modules(lambda: nn.BatchNorm2d(3, **kw), lambda: tnn.BatchNorm2d(3, **kw))
        assert repr(em) == repr(tm)
        for mode in ("train", "eval"):
            getattr(em, mode)()
            getattr(tm, mode)()
            x = rng.standard_normal((4, 3, 2, 2))
            if mode == "eval" and kw.get("affine", True) is False and \
                    kw.get("track_running_stats", True) is False:
                ye, yt = em(ember.tensor(x)), tm(torch.tensor(x))
                np.testing.assert_allclose(ye.numpy(), yt.numpy(), rtol=1e-7)
                continue
            _run(em, tm, x, np.float64)
    with pytest.raises(ValueError) as ei:
        nn.BatchNorm2d(3)(ember.randn(3, 3))
    with pytest.raises(ValueError) as ti:
        tnn.BatchNorm2d(3)(torch.randn(3, 3))
    assert str(ei.value) == str(ti.value)


def test_batchnorm_load_state_dict_without_num_batches_tracked():
    m = nn.BatchNorm1d(3)
    sd = {k: v for k, v in m.state_dict().items() if k != "num_batches_tracked"}
    res = m.load_state_dict(sd, strict=False)
    assert "num_batches_tracked" in res.missing_keys or int(m.num_batches_tracked) == 0


NORM_MODULES = [
    ("LayerNorm", (5,), {}, (3, 5)),
    ("LayerNorm", ((3, 4),), dict(bias=False), (2, 3, 4)),
    ("LayerNorm", ([4],), dict(elementwise_affine=False, eps=1e-3), (2, 3, 4)),
    ("GroupNorm", (2, 6), {}, (3, 6, 4)),
    ("GroupNorm", (3, 3), dict(affine=False), (2, 3, 2, 2)),
    ("InstanceNorm1d", (3,), {}, (2, 3, 5)),
    ("InstanceNorm2d", (3,), dict(affine=True), (2, 3, 4, 4)),
    ("InstanceNorm2d", (3,), dict(affine=True), (3, 4, 4)),               # unbatched
    ("InstanceNorm3d", (2,), dict(track_running_stats=True), (2, 2, 2, 3, 3)),
    ("LocalResponseNorm", (3,), dict(alpha=0.1, k=2.0), (2, 5, 3, 3)),
]


@pytest.mark.parametrize("name,args,kw,shape", NORM_MODULES)
def test_norm_modules_match_torch(name, args, kw, shape):
    em, tm = _pair_modules(lambda: getattr(nn, name)(*args, **kw),
                           lambda: getattr(tnn, name)(*args, **kw))
    assert repr(em) == repr(tm)
    rng = np.random.default_rng(6)
    with torch.no_grad():
        for p in tm.parameters():
            p.uniform_(0.5, 1.5)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tm.state_dict().items()})
    _run(em, tm, rng.standard_normal(shape) * 2 + 1, np.float64)
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(em.state_dict()[k].numpy(), v.numpy(), rtol=1e-7, err_msg=k)
    em.eval()
    tm.eval()
    _run(em, tm, rng.standard_normal(shape), np.float64)


RESHAPE_MODULES = [
    ("Upsample", (), dict(scale_factor=2), (1, 2, 3, 4)),
    ("Upsample", (), dict(size=(5, 7), mode="bilinear", align_corners=True), (1, 2, 3, 4)),
    ("Upsample", (), dict(scale_factor=(2, 1.5), mode="bicubic"), (1, 2, 3, 4)),
    ("Upsample", (), dict(scale_factor=2, mode="linear"), (2, 3, 5)),
    ("Upsample", (), dict(size=4, mode="trilinear"), (1, 2, 2, 3, 3)),
    ("UpsamplingNearest2d", (), dict(scale_factor=3), (1, 2, 2, 3)),
    ("UpsamplingBilinear2d", (), dict(size=(4, 5)), (1, 2, 2, 3)),
    ("PixelShuffle", (2,), {}, (1, 8, 2, 3)),
    ("PixelUnshuffle", (2,), {}, (1, 2, 4, 6)),
    ("ChannelShuffle", (2,), {}, (2, 4, 2, 2)),
    ("ZeroPad1d", ((1, 2),), {}, (2, 3, 4)),
    ("ZeroPad2d", (2,), {}, (1, 2, 3, 3)),
    ("ZeroPad3d", (1,), {}, (1, 1, 2, 2, 2)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 4)),
    ("ConstantPad2d", ((1, 0, 2, 1), -1.0), {}, (1, 2, 3, 3)),
    ("ConstantPad3d", (1, 2.0), {}, (1, 2, 2, 2)),
    ("ReflectionPad1d", (2,), {}, (2, 3, 4)),
    ("ReflectionPad2d", ((1, 2, 2, 0),), {}, (1, 2, 3, 4)),
    ("ReflectionPad3d", (1,), {}, (1, 1, 2, 3, 3)),
    ("ReplicationPad1d", (3,), {}, (2, 3, 4)),
    ("ReplicationPad2d", (2,), {}, (2, 3, 3)),
    ("ReplicationPad3d", ((1, 0, 2, 1, 0, 1),), {}, (1, 1, 2, 3, 3)),
    ("CircularPad1d", (2,), {}, (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 0, 1),), {}, (1, 2, 3, 4)),
    ("CircularPad3d", (1,), {}, (1, 1, 2, 3, 3)),
    ("Unfold", (2,), dict(stride=2, padding=1), (2, 3, 5, 4)),
    ("Fold", ((4, 5), 2), {}, (2, 12, 12)),
]


@pytest.mark.parametrize("name,args,kw,shape", RESHAPE_MODULES)
def test_resampling_and_padding_modules_match_torch(name, args, kw, shape):
    em, tm = getattr(nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(em) == repr(tm)
    _run(em, tm, np.random.default_rng(7).standard_normal(shape), np.float64)


def test_circular_pad_module_error_matches_torch():
    with pytest.raises(ValueError) as ei:
        nn.CircularPad2d(1)(ember.randn(2, 2))
    with pytest.raises(ValueError) as ti:
        tnn.CircularPad2d(1)(torch.randn(2, 2))
    assert str(ei.value) == str(ti.value)
