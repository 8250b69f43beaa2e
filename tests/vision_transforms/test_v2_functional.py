"""ember.vision.transforms.v2.functional against torchvision 0.29 on the same inputs: bounding-box
formats, clamping and geometry, mask and image kernels (tensor and PIL), dtype conversion, colour
and dispatch errors. Also the helpers test_v2_transforms.py uses."""

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET


def to_torch(x):
    """The torchvision twin of an ember value (recursively; TVTensors keep their class)."""
    import torch
    from torchvision import tv_tensors as TT
    if isinstance(x, dict):
        return {k: to_torch(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v) for v in x)
    if isinstance(x, ember.Tensor):
        t = torch.from_numpy(np.array(ember.Tensor.detach(x).numpy()))
        if isinstance(x, ET.BoundingBoxes):
            return TT.BoundingBoxes(t, format=x.format.name, canvas_size=tuple(x.canvas_size),
                                    clamping_mode=x.clamping_mode)
        for name in ("Image", "Video", "Mask"):
            if type(x).__name__ == name:
                return getattr(TT, name)(t)
        return t
    if isinstance(x, ember.dtype):
        return getattr(torch, x.name)
    return x


def assert_same(ours, theirs, atol=0.0, rtol=0.0, path="out"):
    """Same nesting, same (TV)tensor types and metadata, values equal within atol/rtol."""
    import torch
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and list(ours) == list(theirs), path
        for k in theirs:
            assert_same(ours[k], theirs[k], atol, rtol, f"{path}[{k!r}]")
        return
    if isinstance(theirs, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, atol, rtol, f"{path}[{i}]")
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ember.Tensor), path
        assert type(ours).__name__ == type(theirs).__name__, (path, type(ours), type(theirs))
        assert str(ours.dtype) == str(theirs.dtype), (path, ours.dtype, theirs.dtype)
        assert tuple(ours.shape) == tuple(theirs.shape), (path, ours.shape, theirs.shape)
        if type(theirs).__name__ == "BoundingBoxes":
            assert ours.format.name == theirs.format.name, path
            assert tuple(ours.canvas_size) == tuple(theirs.canvas_size), path
            assert ours.clamping_mode == theirs.clamping_mode, path
        a = np.asarray(ember.Tensor.detach(ours).numpy(), dtype=np.float64)
        b = theirs.detach().numpy().astype(np.float64)
        np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, err_msg=path)
        return
    if hasattr(theirs, "getbands"):  # PIL image
        assert hasattr(ours, "getbands") and ours.mode == theirs.mode and ours.size == theirs.size
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float),
                                   atol=atol, err_msg=path)
        return
    assert ours == theirs, path


torch = pytest.importorskip("torch")
tv = pytest.importorskip("torchvision")
from torchvision.transforms.v2 import functional as TF  # noqa: E402

from ember.vision.transforms.v2 import functional as F  # noqa: E402

FORMATS = ["XYXY", "XYWH", "CXCYWH"]


def _rand_boxes(seed, n=5, dtype=np.float32, canvas=(20, 30)):
    rng = np.random.default_rng(seed)
    h, w = canvas
    x1 = rng.uniform(-3, w - 2, n)
    y1 = rng.uniform(-3, h - 2, n)
    x2 = x1 + rng.uniform(0.5, 12, n)
    y2 = y1 + rng.uniform(0.5, 12, n)
    arr = np.stack([x1, y1, x2, y2], -1)
    if np.issubdtype(dtype, np.integer):
        arr = np.round(arr)
    return arr.astype(dtype)


def _boxes(seed, fmt, dtype=np.float32, canvas=(20, 30), n=5):
    """BoundingBoxes in ``fmt`` (converted from random XYXY boxes with torchvision)."""
    arr = _rand_boxes(seed, n, dtype, canvas)
    t = TF.convert_bounding_box_format(torch.from_numpy(arr), old_format="XYXY", new_format=fmt)
    return ET.BoundingBoxes(ember.from_numpy(t.numpy().copy()), format=fmt, canvas_size=canvas)


def _check(fn_ours, fn_theirs, inpt, atol=0.0, rtol=0.0):
    assert_same(fn_ours(inpt), fn_theirs(to_torch(inpt)), atol=atol, rtol=rtol)


# ------------------------------------------------------------------------------ boxes
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("old", FORMATS)
@pytest.mark.parametrize("new", FORMATS)
def test_convert_bounding_box_format_matches(dtype, old, new):
    b = _boxes(1, old, dtype)
    _check(lambda x: F.convert_bounding_box_format(x, new_format=new),
           lambda x: TF.convert_bounding_box_format(x, new_format=new), b)
    plain = ember.Tensor.detach(b)._data
    ours = F.convert_bounding_box_format(ember.from_numpy(plain.copy()), old_format=old,
                                         new_format=new)
    theirs = TF.convert_bounding_box_format(torch.from_numpy(plain.copy()), old_format=old,
                                            new_format=new)
    assert_same(ours, theirs)


def test_convert_bounding_box_format_inplace_and_errors():
    b = ember.tensor([[1., 2., 5., 8.]])
    out = F.convert_bounding_box_format(b, old_format="XYXY", new_format="XYWH", inplace=True)
    assert out is b and b.tolist() == [[1., 2., 4., 6.]]
    bb = _boxes(0, "XYXY")
    with pytest.raises(ValueError, match="`old_format` must not be passed"):
        F.convert_bounding_box_format(bb, old_format="XYXY", new_format="XYWH")
    with pytest.raises(ValueError, match="`old_format` has to be passed"):
        F.convert_bounding_box_format(ember.zeros(1, 4), new_format="XYWH")
    with pytest.raises(TypeError, match="missing 1 required argument: 'new_format'"):
        F.convert_bounding_box_format(bb)
    with pytest.raises(TypeError, match="plain tensor or a bounding box"):
        F.convert_bounding_box_format(ET.Mask(ember.zeros(1, 4)), new_format="XYWH")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("mode", ["auto", "soft", "hard", None])
def test_clamp_bounding_boxes_matches(fmt, mode):
    for dtype in (np.float32, np.int64):
        b = _boxes(2, fmt, dtype, canvas=(10, 12))
        _check(lambda x: F.clamp_bounding_boxes(x, clamping_mode=mode),
               lambda x: TF.clamp_bounding_boxes(x, clamping_mode=mode), b)
    if mode != "auto":
        plain = ember.Tensor.detach(b)._data
        ours = F.clamp_bounding_boxes(ember.from_numpy(plain.copy()), format=fmt,
                                      canvas_size=(10, 12), clamping_mode=mode)
        theirs = TF.clamp_bounding_boxes(torch.from_numpy(plain.copy()), format=fmt,
                                         canvas_size=(10, 12), clamping_mode=mode)
        assert_same(ours, theirs)
    with pytest.raises(ValueError, match="have to be passed"):
        F.clamp_bounding_boxes(ember.zeros(1, 4))


BOX_OPS = [
    ("hflip", lambda f, x: f.horizontal_flip(x)),
    ("vflip", lambda f, x: f.vertical_flip(x)),
    ("resize_hw", lambda f, x: f.resize(x, [13, 41])),
    ("resize_int", lambda f, x: f.resize(x, 11)),
    ("resize_max", lambda f, x: f.resize(x, [10], max_size=14)),
    ("resize_none", lambda f, x: f.resize(x, None, max_size=25)),
    ("crop", lambda f, x: f.crop(x, 3, 4, 10, 12)),
    ("crop_outside", lambda f, x: f.crop(x, -2, -3, 30, 40)),
    ("center_crop", lambda f, x: f.center_crop(x, [9, 17])),
    ("center_crop_big", lambda f, x: f.center_crop(x, [25, 33])),
    ("resized_crop", lambda f, x: f.resized_crop(x, 2, 5, 12, 14, [7, 9])),
    ("pad", lambda f, x: f.pad(x, [1, 2, 3, 4])),
    ("pad2", lambda f, x: f.pad(x, [3, 1])),
    ("rotate", lambda f, x: f.rotate(x, 33.0)),
    ("rotate_expand", lambda f, x: f.rotate(x, -71.0, expand=True)),
    ("rotate_center", lambda f, x: f.rotate(x, 20.0, center=[3.0, 4.0])),
    ("rotate_90", lambda f, x: f.rotate(x, 90.0, expand=True)),
    ("affine", lambda f, x: f.affine(x, 15.0, [2, -3], 1.2, [5.0, 3.0])),
    ("affine_center", lambda f, x: f.affine(x, -10.0, [0, 1], 0.8, 4.0, center=[5, 6])),
]


@pytest.mark.parametrize("name,op", BOX_OPS, ids=[n for n, _ in BOX_OPS])
@pytest.mark.parametrize("fmt", FORMATS)
def test_bounding_box_geometry_matches(name, op, fmt):
    for seed, dtype in ((3, np.float32), (4, np.int64), (5, np.float64)):
        b = _boxes(seed, fmt, dtype)
        tol = dict(atol=1e-4, rtol=1e-5) if name.startswith(("rotate", "affine")) else {}
        if dtype == np.int64 and name.startswith(("rotate", "affine")):
            tol = dict(atol=1)  # float rounding before the cast to int may differ by one
        _check(lambda x: op(F, x), lambda x: op(TF, x), b, **tol)


def test_bounding_box_clamping_mode_none_and_empty_boxes():
    b = ET.BoundingBoxes(ember.tensor([[-5., -5., 40., 40.]]), format="XYXY", canvas_size=(20, 30),
                         clamping_mode=None)
    for op in (lambda f, x: f.crop(x, 2, 2, 5, 5), lambda f, x: f.pad(x, 2),
               lambda f, x: f.rotate(x, 10.0)):
        _check(lambda x: op(F, x), lambda x: op(TF, x), b, atol=1e-4)
    e = ET.BoundingBoxes(ember.zeros(0, 4), format="XYWH", canvas_size=(4, 4))
    for _, op in BOX_OPS:
        _check(lambda x: op(F, x), lambda x: op(TF, x), e)


def test_bounding_box_kernels_on_plain_tensors():
    arr = _rand_boxes(6)
    e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    assert_same(F.horizontal_flip_bounding_boxes(e, ET.BoundingBoxFormat.XYXY, (20, 30)),
                TF.horizontal_flip_bounding_boxes(t, tv.tv_tensors.BoundingBoxFormat.XYXY, (20, 30)))
    oe, ce = F.resize_bounding_boxes(e, (20, 30), [10, 10])
    ot, ct = TF.resize_bounding_boxes(t, (20, 30), [10, 10])
    assert_same(oe, ot) and ce == ct
    oe, ce = F.pad_bounding_boxes(e, ET.BoundingBoxFormat.XYXY, (20, 30), [2, 3])
    ot, ct = TF.pad_bounding_boxes(t, tv.tv_tensors.BoundingBoxFormat.XYXY, (20, 30), [2, 3])
    assert_same(oe, ot)
    assert ce == ct
    with pytest.raises(ValueError, match="not supported with bounding boxes"):
        F.pad(_boxes(0, "XYXY"), 2, padding_mode="edge")


# ------------------------------------------------------------------------------ masks
MASK_OPS = BOX_OPS[:13] + [
    ("pad_fill", lambda f, x: f.pad(x, [1, 2], fill=3)),
    ("pad_reflect", lambda f, x: f.pad(x, 2, padding_mode="reflect")),
    ("pad_edge", lambda f, x: f.pad(x, [1, 0, 2, 3], padding_mode="edge")),
    ("pad_symmetric", lambda f, x: f.pad(x, 2, padding_mode="symmetric")),
    ("rotate_90", lambda f, x: f.rotate(x, 90.0)),
    ("rotate_expand", lambda f, x: f.rotate(x, 30.0, expand=True, fill=5)),
    ("affine", lambda f, x: f.affine(x, 15.0, [2, -3], 1.2, [5.0, 3.0])),
    ("resize_nearest_exact", lambda f, x: f.resize(x, [7, 40], interpolation="nearest-exact")),
]


@pytest.mark.parametrize("name,op", MASK_OPS, ids=[n for n, _ in MASK_OPS])
def test_mask_geometry_matches(name, op):
    rng = np.random.default_rng(7)
    for shape in [(20, 30), (2, 20, 30)]:
        mask = ET.Mask(ember.from_numpy(rng.integers(0, 4, shape).astype(np.uint8)))
        _check(lambda x: op(F, x), lambda x: op(TF, x), mask)
    with pytest.raises(ValueError, match="Non-scalar fill"):
        F.pad(ET.Mask(ember.zeros(2, 2)), 1, fill=[1, 2])


# ------------------------------------------------------------------------------ images
IMAGE_OPS = MASK_OPS + [
    ("resize_bicubic", lambda f, x: f.resize(x, [9, 41], interpolation="bicubic")),
    ("resize_noaa", lambda f, x: f.resize(x, [9, 11], antialias=False)),
    ("resize_bicubic_noaa", lambda f, x: f.resize(x, [23, 17], interpolation="bicubic",
                                                  antialias=False)),
    ("resized_crop_up", lambda f, x: f.resized_crop(x, 1, 2, 9, 8, [17, 19])),
    ("pad_vector", lambda f, x: f.pad(x, [1, 2, 0, 3], fill=[10, 20, 30])),
    ("rotate_bilinear", lambda f, x: f.rotate(x, 17.0, interpolation="bilinear", fill=[1, 2, 3])),
    ("rotate_center", lambda f, x: f.rotate(x, -40.0, center=[4, 5])),
    ("affine_bilinear", lambda f, x: f.affine(x, -12.0, [1, 1], 0.9, 0.0,
                                              interpolation="bilinear")),
    ("vflip_video", lambda f, x: f.vertical_flip(x)),
]


@pytest.mark.parametrize("name,op", IMAGE_OPS, ids=[n for n, _ in IMAGE_OPS])
def test_image_geometry_matches(name, op):
    rng = np.random.default_rng(8)
    smooth = name.startswith(("resize", "rotate_bilinear", "affine_bilinear", "resized_crop",
                              "rotate_center", "rotate_expand"))
    for arr in [rng.random((3, 20, 30), dtype=np.float32),
                rng.integers(0, 256, (3, 20, 30)).astype(np.uint8),
                rng.random((2, 3, 20, 30))]:
        tol = {}
        if smooth and name.startswith(("resize", "resized_crop", "rotate_bilinear",
                                       "affine_bilinear")):
            # torch resizes uint8 natively (AVX) where ember goes through float32
            tol = dict(atol=1e-5, rtol=1e-5)
            if arr.dtype == np.uint8:
                tol = {}
        _check(lambda x: op(F, x), lambda x: op(TF, x), ET.Image(ember.from_numpy(arr.copy())),
               **tol)
        # plain tensors take the image kernels too
        _check(lambda x: op(F, x), lambda x: op(TF, x), ember.from_numpy(arr.copy()), **tol)
    video = ET.Video(ember.from_numpy(rng.random((2, 2, 3, 20, 30), dtype=np.float32)))
    _check(lambda x: op(F, x), lambda x: op(TF, x), video, atol=1e-5, rtol=1e-5)


PIL_OPS = [
    ("hflip", lambda f, x: f.horizontal_flip(x)),
    ("vflip", lambda f, x: f.vertical_flip(x)),
    ("resize", lambda f, x: f.resize(x, [9, 13])),
    ("resize_max", lambda f, x: f.resize(x, 8, max_size=10, interpolation="nearest")),
    ("crop", lambda f, x: f.crop(x, 2, 3, 6, 7)),
    ("center_crop", lambda f, x: f.center_crop(x, [25, 9])),
    ("resized_crop", lambda f, x: f.resized_crop(x, 2, 2, 8, 8, [5, 5])),
    ("pad", lambda f, x: f.pad(x, [1, 2], fill=7)),
    ("rotate", lambda f, x: f.rotate(x, 25.0, expand=True)),
    ("affine", lambda f, x: f.affine(x, 15.0, [2, -3], 1.2, [5.0, 3.0])),
    ("gray", lambda f, x: f.rgb_to_grayscale(x, 3)),
    ("bright", lambda f, x: f.adjust_brightness(x, 1.3)),
    ("contrast", lambda f, x: f.adjust_contrast(x, 0.6)),
    ("saturation", lambda f, x: f.adjust_saturation(x, 1.7)),
    ("hue", lambda f, x: f.adjust_hue(x, 0.2)),
    ("permute", lambda f, x: f.permute_channels(x, [2, 0, 1])),
    ("blur", lambda f, x: f.gaussian_blur(x, [3, 5], [1.0, 0.7])),
    ("get_size", lambda f, x: f.get_size(x)),
    ("get_dimensions", lambda f, x: f.get_dimensions(x)),
]


@pytest.mark.parametrize("name,op", PIL_OPS, ids=[n for n, _ in PIL_OPS])
def test_pil_kernels_match(name, op):
    Image = pytest.importorskip("PIL.Image")
    arr = np.random.default_rng(9).integers(0, 256, (20, 16, 3), dtype=np.uint8)
    assert_same(op(F, Image.fromarray(arr)), op(TF, Image.fromarray(arr)),
                atol=1 if name == "blur" else 0)


COLOR_OPS = [
    ("gray1", lambda f, x: f.rgb_to_grayscale(x)),
    ("gray3", lambda f, x: f.rgb_to_grayscale(x, num_output_channels=3)),
    ("bright", lambda f, x: f.adjust_brightness(x, 1.4)),
    ("bright_dark", lambda f, x: f.adjust_brightness(x, 0.3)),
    ("contrast", lambda f, x: f.adjust_contrast(x, 0.55)),
    ("contrast_hi", lambda f, x: f.adjust_contrast(x, 1.8)),
    ("saturation", lambda f, x: f.adjust_saturation(x, 0.3)),
    ("saturation_hi", lambda f, x: f.adjust_saturation(x, 1.6)),
    ("hue", lambda f, x: f.adjust_hue(x, 0.13)),
    ("hue_neg", lambda f, x: f.adjust_hue(x, -0.42)),
    ("permute", lambda f, x: f.permute_channels(x, [1, 2, 0])),
    ("blur", lambda f, x: f.gaussian_blur(x, [3, 5], [0.8, 1.5])),
    ("blur_default_sigma", lambda f, x: f.gaussian_blur(x, 3)),
    ("erase", lambda f, x: f.erase(x, 2, 3, 4, 5, (ember if f is F else torch).tensor(0.5))),
]


@pytest.mark.parametrize("name,op", COLOR_OPS, ids=[n for n, _ in COLOR_OPS])
def test_color_kernels_match(name, op):
    rng = np.random.default_rng(10)
    for arr in [rng.random((3, 9, 11), dtype=np.float32),
                rng.integers(0, 256, (3, 9, 11)).astype(np.uint8),
                rng.random((2, 3, 9, 11))]:
        tol = dict(atol=1e-5, rtol=1e-5)
        if arr.dtype == np.uint8:
            tol = dict(atol=1)  # float32 rounding right at a .5 boundary
        _check(lambda x: op(F, x), lambda x: op(TF, x), ET.Image(ember.from_numpy(arr.copy())),
               **tol)
    gray = ET.Image(ember.from_numpy(rng.random((1, 9, 11), dtype=np.float32)))
    if name not in ("permute", "erase"):
        _check(lambda x: op(F, x), lambda x: op(TF, x), gray, atol=1e-6)


def test_color_kernels_errors():
    img = ember.rand(3, 4, 4)
    for fn, arg, msg in [(F.adjust_brightness, -1.0, "is not non-negative"),
                         (F.adjust_contrast, -1.0, "is not non-negative"),
                         (F.adjust_saturation, -1.0, "is not non-negative"),
                         (F.adjust_hue, 0.7, r"is not in \[-0.5, 0.5\]")]:
        with pytest.raises(ValueError, match=msg):
            fn(img, arg)
    with pytest.raises(TypeError, match="permitted channel values are 1 or 3, but found 2"):
        F.adjust_brightness(ember.rand(2, 4, 4), 1.0)
    with pytest.raises(ValueError, match="num_output_channels must be 1 or 3"):
        F.rgb_to_grayscale(img, 2)
    with pytest.raises(ValueError, match="Length of permutation does not match"):
        F.permute_channels(img, [0, 1])


DTYPES = ["uint8", "int8", "int16", "int32", "int64", "float32", "float64"]


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
@pytest.mark.parametrize("scale", [True, False])
def test_to_dtype_matches(src, dst, scale):
    rng = np.random.default_rng(11)
    if src.startswith("float"):
        arr = rng.random((2, 3, 4)).astype(src)
    else:
        info = np.iinfo(src)
        arr = rng.integers(0, min(info.max, 2 ** 20), (2, 3, 4)).astype(src)
    img = ET.Image(ember.from_numpy(arr))
    dt = getattr(ember, dst)
    try:
        theirs = TF.to_dtype(to_torch(img), getattr(torch, dst), scale=scale)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match="cannot be performed safely"):
            F.to_dtype(img, dt, scale=scale)
        assert "cannot be performed safely" in str(e)
        return
    assert_same(F.to_dtype(img, dt, scale=scale), theirs, rtol=1e-7)


def test_to_dtype_boxes_and_masks_are_cast_without_scaling():
    b = _boxes(12, "XYXY")
    m = ET.Mask(ember.tensor([[0, 255]], dtype=ember.uint8))
    for x in (b, m):
        _check(lambda v: F.to_dtype(v, ember.float64, scale=True),
               lambda v: TF.to_dtype(v, torch.float64, scale=True), x)
    assert_same(F.convert_image_dtype(ember.tensor([[[255]]], dtype=ember.uint8)),
                TF.convert_image_dtype(torch.tensor([[[255]]], dtype=torch.uint8)))


def test_normalize_matches_and_validates():
    arr = np.random.default_rng(13).random((2, 3, 4, 5), dtype=np.float32)
    for x in (ember.from_numpy(arr.copy()), ET.Image(ember.from_numpy(arr.copy()))):
        _check(lambda v: F.normalize(v, [0.4, 0.5, 0.6], [0.2, 0.3, 0.25]),
               lambda v: TF.normalize(v, [0.4, 0.5, 0.6], [0.2, 0.3, 0.25]), x, rtol=1e-6)
    with pytest.raises(TypeError, match="should be a float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(ember.zeros(3, 2, 2), [0.5], [0.0])
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image"):
        F.normalize(ember.zeros(2, 2), [0.5], [0.5])
    x = ember.rand(3, 2, 2, requires_grad=True)
    F.normalize(x, [0.5] * 3, [0.5] * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 2, 2), 2.0))


def test_sanitize_bounding_boxes_matches():
    b = ET.BoundingBoxes(ember.tensor([[0., 0., 4., 4.], [1., 1., 1.5, 3.], [-1., 0., 2., 2.],
                                       [3., 3., 9., 9.], [2., 2., 5., 5.]]), format="XYXY",
                         canvas_size=(8, 8))
    oe, ve = F.sanitize_bounding_boxes(b)
    ot, vt = TF.sanitize_bounding_boxes(to_torch(b))
    assert_same(oe, ot)
    assert ve.tolist() == vt.tolist()
    oe, ve = F.sanitize_bounding_boxes(ember.Tensor.detach(b), format="XYXY", canvas_size=(8, 8),
                                       min_size=2, min_area=9)
    ot, vt = TF.sanitize_bounding_boxes(to_torch(ember.Tensor.detach(b)), format="XYXY",
                                        canvas_size=(8, 8), min_size=2, min_area=9)
    assert_same(oe, ot)
    with pytest.raises(ValueError, match="cannot be None if bounding_boxes is a pure tensor"):
        F.sanitize_bounding_boxes(ember.zeros(1, 4))
    with pytest.raises(ValueError, match="must be None when bounding_boxes is a"):
        F.sanitize_bounding_boxes(b, format="XYXY")


def test_sizes_and_type_conversions():
    b = _boxes(0, "XYWH", canvas=(5, 7))
    assert F.get_size(b) == TF.get_size(to_torch(b)) == [5, 7]
    for x in (ember.zeros(2, 3), ET.Image(ember.zeros(3, 4, 5)), ET.Mask(ember.zeros(4, 6)),
              ET.Video(ember.zeros(2, 3, 4, 5))):
        assert F.get_size(x) == TF.get_size(to_torch(x))
    for x in (ember.zeros(3, 4, 5), ET.Video(ember.zeros(2, 3, 4, 5))):
        assert F.get_dimensions(x) == TF.get_dimensions(to_torch(x))
        assert F.get_num_channels(x) == TF.get_num_channels(to_torch(x))
    assert F.get_num_frames(ET.Video(ember.zeros(6, 3, 2, 2))) == 6
    arr = np.random.default_rng(1).integers(0, 256, (4, 5, 3), dtype=np.uint8)
    assert_same(F.to_image(arr), TF.to_image(arr))
    assert_same(F.to_image(arr[..., 0]), TF.to_image(arr[..., 0]))
    assert_same(F.to_image(ember.zeros(3, 2, 2)), TF.to_image(torch.zeros(3, 2, 2)))
    with pytest.raises(TypeError, match="pure Tensor, a numpy array, or a PIL image"):
        F.to_image([1, 2])


def test_dispatch_errors_and_register_kernel():
    with pytest.raises(TypeError, match=r"Functional F.horizontal_flip supports inputs of type"):
        F.horizontal_flip("not an image")
    with pytest.raises(TypeError, match="Functional F.get_size supports inputs of type"):
        F.get_size(3)

    class Heat(ET.TVTensor):
        pass

    h = ET.wrap(ember.tensor([[1., 2., 3.]]), like=ET.Mask(ember.zeros(1))).clone()
    h = Heat.wrap(ember.tensor([[1., 2., 3.]]), like=None)
    with pytest.raises(TypeError, match="supports inputs of type"):
        F.horizontal_flip(h)  # custom TVTensors do not fall back to plain-tensor kernels

    @F.register_kernel(F.horizontal_flip, Heat)
    def _flip_heat(x):
        return ET.wrap(ember.Tensor.flip(x, -1), like=x)

    out = F.horizontal_flip(h)
    assert type(out) is Heat and out.tolist() == [[3.0, 2.0, 1.0]]
    assert type(F.register_kernel("vertical_flip", Heat)(lambda x: x)(h)) is Heat
    with pytest.raises(ValueError, match="builtin tv_tensor classes"):
        F.register_kernel(F.resize, ET.Image)
    with pytest.raises(ValueError, match="subclasses of torchvision.tv_tensors.TVTensor"):
        F.register_kernel(F.resize, ember.Tensor)
    with pytest.raises(ValueError, match="Could not find functional with name"):
        F.register_kernel("nope", Heat)
    with pytest.raises(ValueError, match="only be registered on functionals"):
        F.register_kernel(len, Heat)
