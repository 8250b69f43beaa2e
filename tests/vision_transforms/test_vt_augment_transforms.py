"""RandomEqualize, RandomPerspective, ElasticTransform and LinearTransformation against torchvision.

Random parameters come from ember's generator, so outputs are compared with torchvision for the same
parameters (get_params patched on both sides), and the random parts are checked for range, determinism
and probability.
"""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")

import torchvision.transforms as TT  # noqa: E402

import ember.vision.transforms as T  # noqa: E402

H, W = 21, 30


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_torch():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _u8(seed, shape):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _pil(seed):
    return Image.fromarray(_u8(seed, (H, W, 3)))


def _same(ours, ref, atol=0.0):
    if isinstance(ref, torch.Tensor):
        got, exp = ours.detach().numpy(), ref.detach().numpy()
        assert got.shape == exp.shape and got.dtype == exp.dtype
        np.testing.assert_allclose(got, exp, rtol=0, atol=atol)
    else:
        assert ours.mode == ref.mode and ours.size == ref.size
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


# ------------------------------------------------------------------------------------------------
# RandomEqualize
# ------------------------------------------------------------------------------------------------


def test_random_equalize_p_one_equals_torchvision_and_p_zero_is_identity():
    arr = (_u8(1, (2, 3, H, W)) // 3).astype(np.uint8)
    e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    _same(T.RandomEqualize(p=1.0)(e), TT.RandomEqualize(p=1.0)(t))
    _same(T.RandomEqualize(p=1.0)(_pil(2)), TT.RandomEqualize(p=1.0)(_pil(2)))
    ember.manual_seed(0)
    for _ in range(20):
        assert T.RandomEqualize(p=0.0)(e) is e


def test_random_equalize_probability():
    arr = (_u8(3, (3, 32, 32)) // 3).astype(np.uint8)
    e = ember.from_numpy(arr)
    ember.manual_seed(5)
    t = T.RandomEqualize(p=0.3)
    changed = [not np.array_equal(t(e).numpy(), arr) for _ in range(400)]
    assert 0.2 < np.mean(changed) < 0.4
    assert repr(t) == repr(TT.RandomEqualize(p=0.3))


# ------------------------------------------------------------------------------------------------
# RandomPerspective
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [dict(), dict(distortion_scale=0.8, fill=[10, 20, 30]),
                                    dict(interpolation=T.InterpolationMode.NEAREST, fill=7)])
def test_random_perspective_matches_torchvision_for_the_same_corners(kwargs, monkeypatch):
    tv_kwargs = dict(kwargs)
    if "interpolation" in tv_kwargs:
        tv_kwargs["interpolation"] = TT.InterpolationMode(tv_kwargs["interpolation"].value)
    ember.manual_seed(1)
    start, end = T.RandomPerspective.get_params(W, H, kwargs.get("distortion_scale", 0.5))
    assert start == [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]] and end != start
    monkeypatch.setattr(TT.RandomPerspective, "get_params", staticmethod(lambda w, h, d: (start, end)))
    monkeypatch.setattr(T.RandomPerspective, "get_params", staticmethod(lambda w, h, d: (start, end)))
    ours, ref = T.RandomPerspective(p=1.0, **kwargs), TT.RandomPerspective(p=1.0, **tv_kwargs)
    arr = _u8(4, (2, 3, H, W))
    _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())))
    _same(ours(_pil(5)), ref(_pil(5)))


def test_random_perspective_params_respect_the_distortion_bounds():
    ember.manual_seed(2)
    for d in (0.0, 0.3, 1.0):
        dw, dh = int(d * (W // 2)), int(d * (H // 2))
        for _ in range(100):
            start, end = T.RandomPerspective.get_params(W, H, d)
            assert start == [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
            (tlx, tly), (trx, try_), (brx, bry), (blx, bly) = end
            assert 0 <= tlx <= dw and 0 <= tly <= dh
            assert W - dw - 1 <= trx <= W - 1 and 0 <= try_ <= dh
            assert W - dw - 1 <= brx <= W - 1 and H - dh - 1 <= bry <= H - 1
            assert 0 <= blx <= dw and H - dh - 1 <= bly <= H - 1
            assert all(isinstance(v, int) for pt in end for v in pt)
        if d == 0.0:
            assert end == start


def test_random_perspective_probability_determinism_and_repr():
    arr = _u8(6, (3, H, W))
    e = ember.from_numpy(arr)
    t0 = T.RandomPerspective(p=0.0)
    assert all(t0(e) is e for _ in range(10))
    t1 = T.RandomPerspective(distortion_scale=0.9, p=1.0)
    ember.manual_seed(3)
    first = [t1(e).numpy() for _ in range(5)]
    ember.manual_seed(3)
    second = [t1(e).numpy() for _ in range(5)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.uint8 and a.shape == arr.shape
    assert sum(not np.array_equal(a, arr) for a in first) >= 4
    assert repr(t1) == repr(TT.RandomPerspective(distortion_scale=0.9, p=1.0))
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number"):
        TT.RandomPerspective(fill={1})
    with pytest.raises(TypeError, match="Fill should be either a sequence or a number"):
        T.RandomPerspective(fill={1})


# ------------------------------------------------------------------------------------------------
# ElasticTransform
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [dict(), dict(alpha=[20.0, 40.0], sigma=[2.0, 4.0], fill=[1, 2, 3]),
                                    dict(interpolation=T.InterpolationMode.NEAREST, fill=5)])
@pytest.mark.parametrize("kind", ["uint8", "float32", "pil"])
def test_elastic_transform_matches_torchvision_for_the_same_field(kwargs, kind, monkeypatch):
    tv_kwargs = dict(kwargs)
    if "interpolation" in tv_kwargs:
        tv_kwargs["interpolation"] = TT.InterpolationMode(tv_kwargs["interpolation"].value)
    ours, ref = T.ElasticTransform(**kwargs), TT.ElasticTransform(**tv_kwargs)
    assert ours.alpha == ref.alpha and ours.sigma == ref.sigma and ours.fill == ref.fill
    ember.manual_seed(4)
    field = T.ElasticTransform.get_params(ours.alpha, ours.sigma, [H, W])
    monkeypatch.setattr(T.ElasticTransform, "get_params", staticmethod(lambda a, s, size: field))
    monkeypatch.setattr(TT.ElasticTransform, "get_params",
                        staticmethod(lambda a, s, size: torch.from_numpy(field.numpy().copy())))
    if kind == "pil":
        _same(ours(_pil(7)), ref(_pil(7)))
        return
    arr = _u8(8, (2, 3, H, W))
    if kind == "float32":
        arr = (arr / 255).astype(np.float32)
    _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())))


def test_elastic_transform_field_statistics_and_blur():
    ember.manual_seed(5)
    field = T.ElasticTransform.get_params([30.0, 10.0], [0.0, 0.0], [H, W])
    assert tuple(field.shape) == (1, H, W, 2) and field.dtype == ember.float32
    d = field.numpy()
    # without blur: uniform in [-alpha / W, alpha / W] for x and [-alpha / H, alpha / H] for y
    assert np.abs(d[..., 0]).max() <= 30.0 / W and np.abs(d[..., 0]).max() > 0.9 * 30.0 / W
    assert np.abs(d[..., 1]).max() <= 10.0 / H
    assert abs(d[..., 0].mean()) < 0.1 * 30.0 / W
    # blurring averages the random offsets: much smaller and smoother than without
    blurred = T.ElasticTransform.get_params([30.0, 10.0], [3.0, 3.0], [H, W]).numpy()
    assert blurred[..., 0].std() < 0.5 * d[..., 0].std()
    assert np.abs(np.diff(blurred[0, :, :, 0], axis=1)).mean() < 0.3 * np.abs(np.diff(d[0, :, :, 0], axis=1)).mean()
    # the same seed gives the same field
    ember.manual_seed(9)
    a = T.ElasticTransform.get_params([5.0, 5.0], [1.0, 1.0], [H, W]).numpy()
    ember.manual_seed(9)
    b = T.ElasticTransform.get_params([5.0, 5.0], [1.0, 1.0], [H, W]).numpy()
    np.testing.assert_array_equal(a, b)


def test_elastic_transform_constructor_errors_and_repr_match_torchvision():
    for bad, err in [(dict(alpha=50), TypeError), (dict(alpha=[1.0, 2.0, 3.0]), ValueError),
                     (dict(alpha=[1, 2]), TypeError), (dict(sigma=5), TypeError),
                     (dict(sigma=[1.0]), ValueError), (dict(fill="x"), TypeError)]:
        with pytest.raises(err):
            TT.ElasticTransform(**bad)
        with pytest.raises(err):
            T.ElasticTransform(**bad)
    for kwargs in [dict(), dict(alpha=[3.0, 4.0], sigma=(1.0, 2.0), fill=(1, 2, 3)),
                   dict(interpolation=T.InterpolationMode.NEAREST)]:
        tv_kwargs = dict(kwargs)
        if "interpolation" in tv_kwargs:
            tv_kwargs["interpolation"] = TT.InterpolationMode.NEAREST
        assert repr(T.ElasticTransform(**kwargs)) == repr(TT.ElasticTransform(**tv_kwargs))


# ------------------------------------------------------------------------------------------------
# LinearTransformation
# ------------------------------------------------------------------------------------------------


def _whitening(d, seed):
    rng = np.random.default_rng(seed)
    m = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
    mean = rng.standard_normal(d).astype(np.float32)
    return m, mean


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5), (2, 2, 1, 4, 5)])
def test_linear_transformation_matches_torchvision(shape):
    d = int(np.prod(shape[-3:]))
    m, mean = _whitening(d, 10)
    x = np.random.default_rng(11).random(shape).astype(np.float32)
    ours = T.LinearTransformation(ember.from_numpy(m.copy()), ember.from_numpy(mean.copy()))
    ref = TT.LinearTransformation(torch.from_numpy(m.copy()), torch.from_numpy(mean.copy()))
    _same(ours(ember.from_numpy(x.copy())), ref(torch.from_numpy(x.copy())), atol=1e-5)
    assert repr(ours) == repr(ref)


def test_linear_transformation_gradients_match_torch():
    m, mean = _whitening(12, 12)
    x = np.random.default_rng(13).random((2, 3, 2, 2)).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out_e = T.LinearTransformation(ember.from_numpy(m.copy()), ember.from_numpy(mean.copy()))(xe)
    out_t = TT.LinearTransformation(torch.from_numpy(m.copy()), torch.from_numpy(mean.copy()))(xt)
    w = np.random.default_rng(14).standard_normal(x.shape).astype(np.float32)
    (out_e * ember.from_numpy(w)).sum().backward()
    (out_t * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_linear_transformation_uint8_input_and_errors_match_torchvision():
    m, mean = _whitening(6, 15)
    arr = _u8(16, (1, 2, 3))
    ours = T.LinearTransformation(ember.from_numpy(m), ember.from_numpy(mean))
    ref = TT.LinearTransformation(torch.from_numpy(m), torch.from_numpy(mean))
    _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())), atol=1e-3)

    cases = [
        ((ember.zeros(4, 5), ember.zeros(4)), (torch.zeros(4, 5), torch.zeros(4))),
        ((ember.zeros(4, 4), ember.zeros(5)), (torch.zeros(4, 4), torch.zeros(5))),
        ((ember.zeros(4, 4), ember.zeros(4, dtype=ember.float64)), (torch.zeros(4, 4), torch.zeros(4, dtype=torch.float64))),
    ]
    for args_e, args_t in cases:
        with pytest.raises(ValueError) as exp:
            TT.LinearTransformation(*args_t)
        with pytest.raises(ValueError) as got:
            T.LinearTransformation(*args_e)
        assert str(got.value).replace("torch.", "") == str(exp.value).replace("torch.", "")
    with pytest.raises(ValueError) as exp:
        ref(torch.zeros(3, 2, 2))
    with pytest.raises(ValueError) as got:
        ours(ember.zeros(3, 2, 2))
    assert str(got.value) == str(exp.value)


def test_new_transforms_are_exported():
    for name in ["RandomEqualize", "RandomPerspective", "ElasticTransform", "LinearTransformation"]:
        assert name in T.__all__ and hasattr(T, name)
    for name in ["equalize", "perspective", "elastic_transform"]:
        assert name in T.functional.__all__
