"""The v2 functionals added on top of the first set (invert, posterize, solarize, equalize,
autocontrast, sharpness, gamma, gaussian noise, five/ten crop, perspective, elastic, temporal
subsampling) against torchvision 0.29 on the same inputs: tensors (uint8, float32, float64,
batched), Image/Video/Mask/BoundingBoxes and PIL images."""
import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET

from test_v2_functional import FORMATS, _boxes, _check, assert_same, to_torch

torch = pytest.importorskip("torch")
tv = pytest.importorskip("torchvision")
from torchvision.transforms.v2 import functional as TF  # noqa: E402

from ember.vision.transforms.v2 import functional as F  # noqa: E402


def _images(seed, shape=(3, 9, 11)):
    rng = np.random.default_rng(seed)
    return [rng.random(shape, dtype=np.float32), rng.integers(0, 256, shape).astype(np.uint8),
            rng.random((2,) + shape)]


# ------------------------------------------------------------------------------ colour
COLOR_OPS = [
    ("invert", lambda f, x: f.invert(x)),
    ("posterize3", lambda f, x: f.posterize(x, 3)),
    ("posterize0", lambda f, x: f.posterize(x, 0)),
    ("posterize8", lambda f, x: f.posterize(x, 8)),
    ("solarize", lambda f, x: f.solarize(x, 0.4 if x.is_floating_point() else 100)),
    ("autocontrast", lambda f, x: f.autocontrast(x)),
    ("equalize", lambda f, x: f.equalize(x)),
    ("sharpness", lambda f, x: f.adjust_sharpness(x, 1.7)),
    ("sharpness_blur", lambda f, x: f.adjust_sharpness(x, 0.2)),
    ("gamma", lambda f, x: f.adjust_gamma(x, 0.6)),
    ("gamma_gain", lambda f, x: f.adjust_gamma(x, 1.8, gain=1.3)),
]


@pytest.mark.parametrize("name,op", COLOR_OPS, ids=[n for n, _ in COLOR_OPS])
def test_color_kernels_match(name, op):
    for arr in _images(1):
        tol = dict(atol=1e-6, rtol=1e-6) if arr.dtype != np.uint8 else {}
        if name.startswith("sharpness"):
            # ember sums the 3x3 kernel in float64; torch's conv2d in float32 (and uint8 values
            # then truncate, off by one right at an integer)
            tol = dict(atol=1) if arr.dtype == np.uint8 else dict(atol=1e-6)
        for wrap in (ET.Image, lambda t: t):
            _check(lambda x: op(F, x), lambda x: op(TF, x), wrap(ember.from_numpy(arr.copy())),
                   **tol)
    gray = ET.Image(ember.from_numpy(_images(2, (1, 6, 7))[1]))
    _check(lambda x: op(F, x), lambda x: op(TF, x), gray, atol=1 if "sharp" in name else 0)
    video = ET.Video(ember.from_numpy(np.random.default_rng(3).random((2, 2, 3, 6, 7),
                                                                       dtype=np.float32)))
    _check(lambda x: op(F, x), lambda x: op(TF, x), video, atol=1e-6)


def test_color_kernels_other_integer_dtypes_and_constant_images():
    rng = np.random.default_rng(4)
    for dtype in ("int16", "int32"):
        arr = rng.integers(0, 2 ** 14, (3, 5, 6)).astype(dtype)
        ops = [lambda f, x: f.invert(x), lambda f, x: f.posterize(x, 4),
               lambda f, x: f.equalize(x)]
        if dtype == "int16":  # int32's maximum is not a float32 value: the cast back overflows
            ops.append(lambda f, x: f.autocontrast(x))
        for op in ops:
            _check(lambda x: op(F, x), lambda x: op(TF, x), ET.Image(ember.from_numpy(arr)))
    const = ET.Image(ember.full((3, 4, 5), 77, dtype=ember.uint8))
    for op in (lambda f, x: f.autocontrast(x), lambda f, x: f.equalize(x),
               lambda f, x: f.adjust_sharpness(x, 3.0)):
        _check(lambda x: op(F, x), lambda x: op(TF, x), const)
    small = ET.Image(ember.from_numpy(rng.random((3, 2, 5), dtype=np.float32)))
    _check(lambda x: F.adjust_sharpness(x, 2.0), lambda x: TF.adjust_sharpness(x, 2.0), small)
    empty = ET.Image(ember.zeros(3, 0, 4))
    for op in (lambda f, x: f.autocontrast(x), lambda f, x: f.equalize(x),
               lambda f, x: f.invert(x)):
        _check(lambda x: op(F, x), lambda x: op(TF, x), empty)


PIL_OPS = [
    ("invert", lambda f, x: f.invert(x)),
    ("posterize", lambda f, x: f.posterize(x, 2)),
    ("solarize", lambda f, x: f.solarize(x, 120)),
    ("autocontrast", lambda f, x: f.autocontrast(x)),
    ("equalize", lambda f, x: f.equalize(x)),
    ("sharpness", lambda f, x: f.adjust_sharpness(x, sharpness_factor=1.8)),
    ("gamma", lambda f, x: f.adjust_gamma(x, 0.7, gain=1.1)),
    ("brightness_kw", lambda f, x: f.adjust_brightness(x, brightness_factor=1.3)),
    ("contrast_kw", lambda f, x: f.adjust_contrast(x, contrast_factor=0.7)),
    ("saturation_kw", lambda f, x: f.adjust_saturation(x, saturation_factor=1.4)),
    ("five_crop", lambda f, x: f.five_crop(x, [4, 5])),
    ("ten_crop", lambda f, x: f.ten_crop(x, 3, vertical_flip=True)),
    ("perspective", lambda f, x: f.perspective(x, [[0, 0], [15, 0], [15, 19], [0, 19]],
                                               [[2, 1], [14, 0], [15, 17], [1, 18]], fill=9)),
    ("perspective_nearest", lambda f, x: f.perspective(x, None, None, interpolation="nearest",
                                                       coefficients=[1.1, 0.1, -1, 0.05, 0.9, 2,
                                                                     0.001, 0.002])),
]


@pytest.mark.parametrize("name,op", PIL_OPS, ids=[n for n, _ in PIL_OPS])
def test_pil_kernels_match(name, op):
    Image = pytest.importorskip("PIL.Image")
    arr = np.random.default_rng(5).integers(0, 256, (20, 16, 3), dtype=np.uint8)
    assert_same(op(F, Image.fromarray(arr)), op(TF, Image.fromarray(arr)))
    assert_same(op(F, Image.fromarray(arr[..., 0])), op(TF, Image.fromarray(arr[..., 0])))


def test_color_kernel_errors_match():
    img = ember.rand(3, 4, 4)
    cases = [
        (lambda f, x: f.posterize(x, 9), TypeError, "bits must be a positive integer"),
        (lambda f, x: f.posterize(x, 2.0), TypeError, "bits must be a positive integer"),
        (lambda f, x: f.solarize(x, 1.5), TypeError, "Threshold should be less or equal"),
        (lambda f, x: f.adjust_sharpness(x, -1.0), ValueError, "is not non-negative"),
        (lambda f, x: f.adjust_gamma(x, -1.0), ValueError, "Gamma should be a non-negative"),
        (lambda f, x: f.gaussian_noise(x, sigma=-1.0), ValueError, "sigma shouldn't be negative"),
    ]
    for op, err, msg in cases:
        with pytest.raises(err, match=msg):
            op(TF, to_torch(img))
        with pytest.raises(err, match=msg):
            op(F, img)
    two = ember.rand(2, 4, 4)
    for op, err, msg in [(lambda f, x: f.adjust_sharpness(x, 1.0), TypeError, "1 or 3 channels"),
                         (lambda f, x: f.autocontrast(x), TypeError, "permitted channel values")]:
        with pytest.raises(err, match=msg):
            op(TF, to_torch(two))
        with pytest.raises(err, match=msg):
            op(F, two)
    with pytest.raises(ValueError, match="uint8 or float dtype"):
        F.gaussian_noise(ember.zeros(3, 2, 2, dtype=ember.int32))
    Image = pytest.importorskip("PIL.Image")
    with pytest.raises(ValueError, match="not implemented for PIL images"):
        F.gaussian_noise(Image.new("RGB", (2, 2)))


def test_gaussian_noise_matches_torchvision_formula_with_the_same_noise():
    rng = np.random.default_rng(6)
    for arr, mean, sigma, clip in [(rng.random((3, 5, 6), dtype=np.float32), 0.1, 0.3, True),
                                   (rng.random((2, 3, 5, 6)), 0.0, 0.2, False),
                                   (rng.integers(0, 256, (3, 5, 6)).astype(np.uint8), 0.05, 0.2,
                                    True),
                                   (rng.integers(0, 256, (3, 5, 6)).astype(np.uint8), 0.0, 0.5,
                                    False)]:
        img = ET.Image(ember.from_numpy(arr.copy()))
        ember.manual_seed(3)
        noise = ember.randn_like(img, dtype=img.dtype if img.is_floating_point() else ember.float32)
        ember.manual_seed(3)
        ours = F.gaussian_noise(img, mean=mean, sigma=sigma, clip=clip)
        t, n = to_torch(img).as_subclass(torch.Tensor), to_torch(noise)
        if arr.dtype == np.uint8:
            theirs = t + ((mean * 255) + n * (sigma * 255)).to(torch.int16)
            theirs = (theirs.clamp(0, 255) if clip else theirs).to(torch.uint8)
        else:
            theirs = t + (mean + n * sigma)
            theirs = theirs.clamp(0, 1) if clip else theirs
        assert type(ours) is ET.Image
        assert_same(ET._pure(ours), theirs, atol=1e-6)
    out = F.gaussian_noise(ET.Video(ember.zeros(2, 1, 3, 3)), sigma=0.5, clip=False)
    assert type(out) is ET.Video and float(out.std()) > 0.1


# ------------------------------------------------------------------------------ crops
@pytest.mark.parametrize("size", [3, [4, 5], (2,)])
def test_five_and_ten_crop_match(size):
    for arr in _images(7, (3, 8, 10)):
        for wrap in (ET.Image, lambda t: t):
            x = wrap(ember.from_numpy(arr.copy()))
            _check(lambda v: F.five_crop(v, size), lambda v: TF.five_crop(v, size), x)
            _check(lambda v: F.ten_crop(v, size), lambda v: TF.ten_crop(v, size), x)
            _check(lambda v: F.ten_crop(v, size, vertical_flip=True),
                   lambda v: TF.ten_crop(v, size, vertical_flip=True), x)
    video = ET.Video(ember.rand(2, 3, 8, 10))
    _check(lambda v: F.ten_crop(v, size), lambda v: TF.ten_crop(v, size), video)
    with pytest.raises(ValueError, match="Requested crop size"):
        F.five_crop(ember.zeros(3, 2, 2), 3)
    with pytest.raises(ValueError, match="Requested crop size"):
        TF.five_crop(torch.zeros(3, 2, 2), 3)


# ------------------------------------------------------------------------------ perspective
START = [[0, 0], [10, 0], [10, 8], [0, 8]]
END = [[1, 1], [9, 0], [10, 7], [2, 8]]
COEFFS = [1.05, 0.08, -1.3, 0.02, 0.93, 0.7, 0.004, -0.003]

PERSPECTIVE_OPS = [
    ("points", lambda f, x: f.perspective(x, START, END)),
    ("points_fill", lambda f, x: f.perspective(x, START, END, fill=[3, 2, 1]
                                               if getattr(x, "ndim", 0) >= 3 else 3)),
    ("coeffs_nearest", lambda f, x: f.perspective(x, None, None, interpolation="nearest",
                                                  coefficients=COEFFS)),
    ("coeffs_fill", lambda f, x: f.perspective(x, None, None, fill=7, coefficients=COEFFS)),
]


@pytest.mark.parametrize("name,op", PERSPECTIVE_OPS, ids=[n for n, _ in PERSPECTIVE_OPS])
def test_perspective_matches(name, op):
    for arr in _images(8, (3, 9, 11)):
        tol = dict(atol=1e-5, rtol=1e-5) if arr.dtype != np.uint8 else dict(atol=1)
        _check(lambda x: op(F, x), lambda x: op(TF, x), ET.Image(ember.from_numpy(arr.copy())),
               **tol)
    rng = np.random.default_rng(9)
    for shape in [(9, 11), (2, 9, 11)]:
        mask = ET.Mask(ember.from_numpy(rng.integers(0, 4, shape).astype(np.uint8)))
        if "fill" in name and len(shape) == 2:
            mask_op = lambda f, x: f.perspective(x, START, END, fill=3)  # noqa: E731
        else:
            mask_op = op
        if name != "points_fill" or len(shape) == 2:
            _check(lambda x: mask_op(F, x), lambda x: mask_op(TF, x), mask)
    video = ET.Video(ember.from_numpy(rng.random((2, 2, 3, 9, 11), dtype=np.float32)))
    _check(lambda x: op(F, x), lambda x: op(TF, x), video, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("fmt", FORMATS)
def test_perspective_bounding_boxes_match(fmt):
    for seed, dtype in ((10, np.float32), (11, np.float64), (12, np.int64)):
        b = _boxes(seed, fmt, dtype)
        tol = dict(atol=1) if dtype == np.int64 else dict(atol=1e-4, rtol=1e-5)
        for kwargs in (dict(startpoints=START, endpoints=END),
                       dict(startpoints=None, endpoints=None, coefficients=COEFFS)):
            _check(lambda x: F.perspective(x, **kwargs), lambda x: TF.perspective(x, **kwargs), b,
                   **tol)
    e = ET.BoundingBoxes(ember.zeros(0, 4), format=fmt, canvas_size=(4, 4))
    _check(lambda x: F.perspective(x, START, END), lambda x: TF.perspective(x, START, END), e)
    plain = ember.Tensor.detach(_boxes(13, fmt))._data
    assert_same(F.perspective_bounding_boxes(ember.from_numpy(plain.copy()), fmt, (20, 30), START,
                                             END, clamping_mode=None),
                TF.perspective_bounding_boxes(torch.from_numpy(plain.copy()),
                                              getattr(tv.tv_tensors.BoundingBoxFormat, fmt),
                                              (20, 30), START, END, clamping_mode=None),
                atol=1e-4, rtol=1e-5)


def test_perspective_errors_match():
    img = ember.rand(3, 4, 4)
    cases = [(lambda f, x: f.perspective(x, None, None), "Either the startpoints/endpoints"),
             (lambda f, x: f.perspective(x, START, END, coefficients=COEFFS), "concurrently"),
             (lambda f, x: f.perspective(x, None, None, coefficients=[1.0]), "8 float values"),
             (lambda f, x: f.perspective(x, START, END, fill=[1, 2]), "cannot broadcast"),
             (lambda f, x: f.perspective(x, START, END, interpolation="bicubic"),
              "is unsupported with Tensor input")]
    for op, msg in cases:
        with pytest.raises(ValueError, match=msg):
            op(TF, to_torch(img))
        with pytest.raises(ValueError, match=msg):
            op(F, img)
    b = ET.BoundingBoxes([[0., 0., 1., 1.]], format="XYXY", canvas_size=(4, 4))
    degenerate = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="Denominator is zero"):
        F.perspective(b, None, None, coefficients=degenerate)


# ------------------------------------------------------------------------------ elastic
def _displacement(seed, h, w, scale=0.15, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return ember.from_numpy((rng.standard_normal((1, h, w, 2)) * scale).astype(dtype))


def test_elastic_images_masks_and_videos_match():
    d = _displacement(14, 9, 11)
    for arr in _images(15, (3, 9, 11)):
        tol = dict(atol=1e-5, rtol=1e-5) if arr.dtype != np.uint8 else dict(atol=1)
        for kwargs in (dict(), dict(interpolation="nearest", fill=5),
                       dict(fill=[1, 2, 3])):
            _check(lambda x: F.elastic(x, d, **kwargs),
                   lambda x: TF.elastic(x, to_torch(d), **kwargs),
                   ET.Image(ember.from_numpy(arr.copy())), **tol)
    d64 = _displacement(16, 9, 11, dtype=np.float64)
    img64 = ember.from_numpy(_images(17, (3, 9, 11))[2])
    _check(lambda x: F.elastic_transform(x, d64), lambda x: TF.elastic_transform(x, to_torch(d64)),
           img64, atol=1e-12)
    rng = np.random.default_rng(18)
    for shape in [(9, 11), (2, 9, 11)]:
        mask = ET.Mask(ember.from_numpy(rng.integers(0, 4, shape).astype(np.uint8)))
        _check(lambda x: F.elastic(x, d, fill=2), lambda x: TF.elastic(x, to_torch(d), fill=2),
               mask)
    video = ET.Video(ember.from_numpy(rng.random((2, 2, 3, 9, 11), dtype=np.float32)))
    _check(lambda x: F.elastic(x, d), lambda x: TF.elastic(x, to_torch(d)), video, atol=1e-5)
    Image = pytest.importorskip("PIL.Image")
    pil = Image.fromarray(rng.integers(0, 256, (9, 11, 3), dtype=np.uint8))
    assert_same(F.elastic(pil, d), TF.elastic(pil, to_torch(d)), atol=1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_elastic_bounding_boxes_match(fmt):
    d = _displacement(19, 20, 30, scale=0.05)
    for seed, dtype in ((20, np.float32), (21, np.float64), (22, np.int64)):
        b = _boxes(seed, fmt, dtype)
        _check(lambda x: F.elastic(x, d), lambda x: TF.elastic(x, to_torch(d)), b, atol=1e-4,
               rtol=1e-5)


def test_elastic_errors_match():
    img = ember.rand(3, 4, 5)
    with pytest.raises(TypeError, match="displacement should be a Tensor"):
        F.elastic(img, np.zeros((1, 4, 5, 2)))
    for d in (ember.zeros(1, 5, 4, 2), ember.zeros(4, 5, 2)):
        with pytest.raises(ValueError, match="Argument displacement shape should be"):
            TF.elastic(to_torch(img), to_torch(d))
        with pytest.raises(ValueError, match="Argument displacement shape should be"):
            F.elastic(img, d)
    b = ET.BoundingBoxes([[0., 0., 1., 1.]], format="XYXY", canvas_size=(4, 4))
    with pytest.raises(ValueError, match="Argument displacement shape should be"):
        F.elastic(b, ember.zeros(1, 4, 5, 2))


# ------------------------------------------------------------------------------ temporal
def test_uniform_temporal_subsample_matches():
    video = ET.Video(ember.from_numpy(np.random.default_rng(23).random((7, 3, 2, 2),
                                                                      dtype=np.float32)))
    for n in (1, 3, 7, 10):
        _check(lambda x: F.uniform_temporal_subsample(x, n),
               lambda x: TF.uniform_temporal_subsample(x, n), video)
    batched = ember.rand(2, 5, 1, 2, 2)
    _check(lambda x: F.uniform_temporal_subsample(x, 3),
           lambda x: TF.uniform_temporal_subsample(x, 3), batched)
    with pytest.raises(TypeError, match="supports inputs of type"):
        F.uniform_temporal_subsample(ET.Image(ember.zeros(3, 2, 2)), 2)
