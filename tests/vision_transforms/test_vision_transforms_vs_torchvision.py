"""ember.vision.transforms against torchvision: PIL inputs must match exactly (same Pillow calls), tensor
inputs up to interpolation rounding. Skipped when torchvision is not installed."""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
tv_transforms = pytest.importorskip("torchvision.transforms")
Image = pytest.importorskip("PIL.Image")

import torchvision.transforms.functional as TF  # noqa: E402

import ember.vision.transforms as T  # noqa: E402
import ember.vision.transforms.functional as F  # noqa: E402

H, W = 13, 17


# ------------------------------------------------------------------------------------------------
# inputs and comparison helpers
# ------------------------------------------------------------------------------------------------


def _rgb_array(seed=0, h=H, w=W, c=3):
    return np.random.default_rng(seed).integers(0, 256, size=(h, w, c), dtype=np.uint8)


def _pil(mode="RGB", seed=0):
    rng = np.random.default_rng(seed)
    if mode == "RGB":
        return Image.fromarray(_rgb_array(seed))
    if mode == "RGBA":
        return Image.fromarray(_rgb_array(seed, c=4))
    if mode == "L":
        return Image.fromarray(_rgb_array(seed)[..., 0])
    if mode == "1":
        return Image.fromarray(_rgb_array(seed)[..., 0]).convert("1")
    if mode == "P":
        return Image.fromarray(_rgb_array(seed)).convert("P")
    if mode == "I":
        return Image.fromarray(rng.integers(-70000, 70000, size=(H, W)).astype(np.int32))
    if mode == "F":
        return Image.fromarray(rng.standard_normal((H, W)).astype(np.float32))
    raise ValueError(mode)


def _float_chw(seed=0, shape=(3, H, W)):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def _u8_chw(seed=0, shape=(3, H, W)):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _pair(arr):
    """The same image as an ember tensor and a torch tensor."""
    return ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def _assert_pil_equal(ours, ref):
    assert ours.mode == ref.mode
    assert ours.size == ref.size
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def _assert_tensor_close(ours, ref, atol=2e-5):
    assert isinstance(ours, ember.Tensor), type(ours)
    got = ours.numpy()
    exp = ref.numpy()
    assert got.shape == exp.shape
    assert got.dtype == exp.dtype, (got.dtype, exp.dtype)
    if np.issubdtype(exp.dtype, np.integer):
        diff = np.abs(got.astype(np.int64) - exp.astype(np.int64))
        assert diff.max(initial=0) <= 1  # interpolation rounding ties
        assert (diff != 0).mean() <= 0.02
    else:
        np.testing.assert_allclose(got, exp, rtol=1e-5, atol=atol)


def _assert_same_output(ours, ref, atol=2e-5):
    if isinstance(ref, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(ref)
        for o, r in zip(ours, ref):
            _assert_same_output(o, r, atol)
    elif isinstance(ref, torch.Tensor):
        _assert_tensor_close(ours, ref, atol)
    else:
        _assert_pil_equal(ours, ref)


def _tv_interp(mode):
    return None if mode is None else getattr(TF.InterpolationMode, mode.name)


# ------------------------------------------------------------------------------------------------
# conversions
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "1", "P", "I", "F"])
def test_to_tensor_pil_modes_match(mode):
    img = _pil(mode)
    ours, ref = T.ToTensor()(img), tv_transforms.ToTensor()(img)
    _assert_tensor_close(ours, ref, atol=0)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64, np.int16])
@pytest.mark.parametrize("ndim", [2, 3])
def test_to_tensor_ndarray_matches(dtype, ndim):
    arr = (_rgb_array(3) if ndim == 3 else _rgb_array(3)[..., 0]).astype(dtype)
    ours, ref = F.to_tensor(arr), TF.to_tensor(arr)
    _assert_tensor_close(ours, ref, atol=0)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "1", "P", "I", "F"])
def test_pil_to_tensor_matches(mode):
    img = _pil(mode)
    _assert_tensor_close(T.PILToTensor()(img), tv_transforms.PILToTensor()(img), atol=0)


@pytest.mark.parametrize(
    "arr,mode",
    [
        (_float_chw(1), None),
        (_u8_chw(1), None),
        (_u8_chw(1, (1, H, W)), None),
        (_float_chw(1, (1, H, W)), None),
        (_float_chw(1, (1, H, W)), "F"),
        (_u8_chw(1, (4, H, W)), None),
        (_u8_chw(1, (2, H, W)), None),
        (_u8_chw(1, (3, H, W)), "HSV"),
        (np.random.default_rng(0).integers(-9, 9, (1, H, W)).astype(np.int32), None),
        (np.random.default_rng(0).integers(0, 999, (1, H, W)).astype(np.int16), None),
    ],
)
def test_to_pil_image_tensor_matches(arr, mode):
    e, t = _pair(arr)
    _assert_pil_equal(T.ToPILImage(mode)(e), tv_transforms.ToPILImage(mode)(t))


def test_to_pil_image_ndarray_and_2d_match():
    arr = _rgb_array(2)
    _assert_pil_equal(F.to_pil_image(arr), TF.to_pil_image(arr))
    e, t = _pair(_float_chw(2, (H, W)))
    _assert_pil_equal(F.to_pil_image(e), TF.to_pil_image(t))


@pytest.mark.parametrize(
    "src,dst",
    [
        ("uint8", "float32"),
        ("uint8", "float64"),
        ("float32", "uint8"),
        ("float64", "uint8"),
        ("uint8", "int32"),
        ("int32", "uint8"),
        ("float32", "int16"),
        ("int16", "float32"),
        ("float32", "float64"),
    ],
)
def test_convert_image_dtype_matches(src, dst):
    arr = _u8_chw(4) if src == "uint8" else (_float_chw(4) if "float" in src else None)
    if arr is None:
        info = np.iinfo(src)
        arr = np.random.default_rng(4).integers(0, info.max, (3, H, W)).astype(src)
    arr = arr.astype(src)
    e, t = _pair(arr)
    ours = T.ConvertImageDtype(getattr(ember, dst))(e)
    ref = tv_transforms.ConvertImageDtype(getattr(torch, dst))(t)
    _assert_tensor_close(ours, ref, atol=0)


def test_convert_image_dtype_unsafe_cast_raises_like_torchvision():
    e, t = _pair(_float_chw(0))
    with pytest.raises(RuntimeError) as ref_err:
        TF.convert_image_dtype(t, torch.int32)
    with pytest.raises(RuntimeError) as our_err:
        F.convert_image_dtype(e, ember.int32)
    assert str(our_err.value).replace("ember.", "torch.") == str(ref_err.value)


# ------------------------------------------------------------------------------------------------
# normalize
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, H, W), (2, 3, H, W)])
def test_normalize_matches(shape):
    e, t = _pair(_float_chw(5, shape))
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    _assert_tensor_close(T.Normalize(mean, std)(e), tv_transforms.Normalize(mean, std)(t))


# ------------------------------------------------------------------------------------------------
# geometry, PIL (exact) and tensors
# ------------------------------------------------------------------------------------------------

INTERPS = [
    T.InterpolationMode.NEAREST,
    T.InterpolationMode.NEAREST_EXACT,
    T.InterpolationMode.BILINEAR,
    T.InterpolationMode.BICUBIC,
]


@pytest.mark.parametrize("size", [7, [7], (6, 9), [26, 30], 40])
@pytest.mark.parametrize("interp", INTERPS + [T.InterpolationMode.LANCZOS, T.InterpolationMode.BOX])
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_resize_pil_matches(size, interp, mode):
    img = _pil(mode)
    ours = T.Resize(size, interpolation=interp)(img)
    ref = tv_transforms.Resize(size, interpolation=_tv_interp(interp))(img)
    _assert_pil_equal(ours, ref)


@pytest.mark.parametrize("size", [7, (6, 9), [26, 30], (13, 40), [5, 17]])
@pytest.mark.parametrize("interp", INTERPS)
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_resize_tensor_matches(size, interp, antialias, dtype):
    arr = _float_chw(6, (2, 3, H, W)) if dtype == "float32" else _u8_chw(6)
    e, t = _pair(arr)
    ours = F.resize(e, size, interp, antialias=antialias)
    ref = TF.resize(t, size, _tv_interp(interp), antialias=antialias)
    _assert_tensor_close(ours, ref)


def test_resize_max_size_matches():
    img = _pil("RGB")
    _assert_pil_equal(T.Resize(8, max_size=9)(img), tv_transforms.Resize(8, max_size=9)(img))
    e, t = _pair(_float_chw(0))
    _assert_tensor_close(F.resize(e, 8, max_size=9), TF.resize(t, 8, max_size=9))


@pytest.mark.parametrize("size", [5, (5, 9), (13, 17), (16, 21), (20, 3)])
def test_center_crop_matches(size):
    img = _pil("RGB")
    _assert_pil_equal(T.CenterCrop(size)(img), tv_transforms.CenterCrop(size)(img))
    e, t = _pair(_u8_chw(7))
    _assert_tensor_close(T.CenterCrop(size)(e), tv_transforms.CenterCrop(size)(t), atol=0)


@pytest.mark.parametrize("box", [(2, 3, 5, 7), (0, 0, H, W), (-2, -3, 8, 9), (10, 12, 6, 8)])
def test_crop_matches(box):
    img = _pil("RGB")
    _assert_pil_equal(F.crop(img, *box), TF.crop(img, *box))
    e, t = _pair(_float_chw(8))
    _assert_tensor_close(F.crop(e, *box), TF.crop(t, *box), atol=0)


@pytest.mark.parametrize("padding", [2, [1, 3], (1, 2, 3, 4), [3, -1, 0, 2]])
@pytest.mark.parametrize("padding_mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("mode", ["RGB", "L", "P"])
def test_pad_pil_matches(padding, padding_mode, mode):
    img = _pil(mode)
    fill = 7 if mode != "RGB" else (10, 20, 30)
    ours = T.Pad(padding, fill=fill, padding_mode=padding_mode)(img)
    ref = tv_transforms.Pad(padding, fill=fill, padding_mode=padding_mode)(img)
    _assert_pil_equal(ours, ref)


@pytest.mark.parametrize("padding", [2, [1, 3], (1, 2, 3, 4), [3, -1, 0, 2]])
@pytest.mark.parametrize("padding_mode", ["constant", "edge", "reflect", "symmetric"])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_pad_tensor_matches(padding, padding_mode, dtype):
    e, t = _pair(_float_chw(9) if dtype == "float32" else _u8_chw(9))
    ours = F.pad(e, padding, fill=5, padding_mode=padding_mode)
    ref = TF.pad(t, padding, fill=5, padding_mode=padding_mode)
    _assert_tensor_close(ours, ref, atol=0)


@pytest.mark.parametrize("fn", ["hflip", "vflip"])
def test_flips_match(fn):
    img = _pil("RGBA")
    _assert_pil_equal(getattr(F, fn)(img), getattr(TF, fn)(img))
    e, t = _pair(_float_chw(10, (2, 3, H, W)))
    _assert_tensor_close(getattr(F, fn)(e), getattr(TF, fn)(t), atol=0)
    cls = "RandomHorizontalFlip" if fn == "hflip" else "RandomVerticalFlip"
    _assert_pil_equal(getattr(T, cls)(p=1.0)(img), getattr(tv_transforms, cls)(p=1.0)(img))
    _assert_pil_equal(getattr(T, cls)(p=0.0)(img), getattr(tv_transforms, cls)(p=0.0)(img))


@pytest.mark.parametrize("size", [5, (4, 7), [13, 17]])
@pytest.mark.parametrize("vertical", [False, True])
def test_five_and_ten_crop_match(size, vertical):
    img = _pil("RGB")
    _assert_same_output(T.FiveCrop(size)(img), tv_transforms.FiveCrop(size)(img))
    _assert_same_output(T.TenCrop(size, vertical)(img), tv_transforms.TenCrop(size, vertical)(img))
    e, t = _pair(_float_chw(11))
    _assert_same_output(T.TenCrop(size, vertical)(e), tv_transforms.TenCrop(size, vertical)(t), atol=0)


@pytest.mark.parametrize("interp", INTERPS[2:])
def test_resized_crop_matches(interp):
    img = _pil("RGB")
    _assert_pil_equal(F.resized_crop(img, 2, 3, 8, 9, [5, 6], interp), TF.resized_crop(img, 2, 3, 8, 9, [5, 6], _tv_interp(interp)))
    e, t = _pair(_float_chw(12))
    _assert_tensor_close(
        F.resized_crop(e, 2, 3, 8, 9, [11, 6], interp), TF.resized_crop(t, 2, 3, 8, 9, [11, 6], _tv_interp(interp))
    )


ROTATIONS = [
    dict(angle=30.0),
    dict(angle=-45.5, expand=True),
    dict(angle=90.0, expand=True),
    dict(angle=17.0, center=[3, 4]),
    dict(angle=200.0, fill=[10, 20, 30]),
    dict(angle=12.0, fill=5, expand=True),
]


@pytest.mark.parametrize("kwargs", ROTATIONS)
@pytest.mark.parametrize("interp", [T.InterpolationMode.NEAREST, T.InterpolationMode.BILINEAR])
def test_rotate_pil_matches(kwargs, interp):
    img = _pil("RGB")
    _assert_pil_equal(F.rotate(img, interpolation=interp, **kwargs), TF.rotate(img, interpolation=_tv_interp(interp), **kwargs))


@pytest.mark.parametrize("kwargs", ROTATIONS)
@pytest.mark.parametrize("interp", [T.InterpolationMode.NEAREST, T.InterpolationMode.BILINEAR])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_rotate_tensor_matches(kwargs, interp, dtype):
    e, t = _pair(_float_chw(13) if dtype == "float32" else _u8_chw(13))
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("fill"), list) and dtype == "float32":
        kwargs["fill"] = [v / 255 for v in kwargs["fill"]]
    ours = F.rotate(e, interpolation=interp, **kwargs)
    ref = TF.rotate(t, interpolation=_tv_interp(interp), **kwargs)
    _assert_tensor_close(ours, ref)


AFFINES = [
    dict(angle=15.0, translate=[2, -1], scale=1.1, shear=[5.0]),
    dict(angle=-30.0, translate=[0, 0], scale=0.8, shear=[3.0, -7.0], fill=9),
    dict(angle=0.0, translate=[3, 2], scale=1.0, shear=0.0, center=[4, 5]),
]


@pytest.mark.parametrize("kwargs", AFFINES)
@pytest.mark.parametrize("interp", [T.InterpolationMode.NEAREST, T.InterpolationMode.BILINEAR])
def test_affine_matches(kwargs, interp):
    img = _pil("RGB")
    _assert_pil_equal(F.affine(img, interpolation=interp, **kwargs), TF.affine(img, interpolation=_tv_interp(interp), **kwargs))
    e, t = _pair(_u8_chw(14))
    _assert_tensor_close(F.affine(e, interpolation=interp, **kwargs), TF.affine(t, interpolation=_tv_interp(interp), **kwargs))


# ------------------------------------------------------------------------------------------------
# color
# ------------------------------------------------------------------------------------------------

COLOR_OPS = [
    ("adjust_brightness", 0.0),
    ("adjust_brightness", 1.6),
    ("adjust_contrast", 0.0),
    ("adjust_contrast", 0.4),
    ("adjust_contrast", 1.8),
    ("adjust_saturation", 0.0),
    ("adjust_saturation", 1.7),
    ("adjust_hue", -0.5),
    ("adjust_hue", -0.2),
    ("adjust_hue", 0.31),
    ("adjust_gamma", 0.6),
    ("adjust_sharpness", 0.3),
    ("adjust_sharpness", 2.0),
]


@pytest.mark.parametrize("name,factor", COLOR_OPS)
@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_color_ops_pil_match(name, factor, mode):
    img = _pil(mode)
    _assert_pil_equal(getattr(F, name)(img, factor), getattr(TF, name)(img, factor))


@pytest.mark.parametrize("name,factor", COLOR_OPS)
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
@pytest.mark.parametrize("channels", [1, 3])
def test_color_ops_tensor_match(name, factor, dtype, channels):
    shape = (2, channels, H, W)
    e, t = _pair(_float_chw(15, shape) if dtype == "float32" else _u8_chw(15, shape))
    _assert_tensor_close(getattr(F, name)(e, factor), getattr(TF, name)(t, factor))


@pytest.mark.parametrize("name,arg", [("invert", None), ("posterize", 3), ("solarize", 100), ("autocontrast", None)])
def test_simple_color_ops_match(name, arg):
    args = () if arg is None else (arg,)
    img = _pil("RGB")
    _assert_pil_equal(getattr(F, name)(img, *args), getattr(TF, name)(img, *args))
    e, t = _pair(_u8_chw(16))
    _assert_tensor_close(getattr(F, name)(e, *args), getattr(TF, name)(t, *args), atol=0)


@pytest.mark.parametrize("num_output_channels", [1, 3])
def test_grayscale_matches(num_output_channels):
    for mode in ["RGB", "RGBA", "P", "L"]:
        img = _pil(mode)
        _assert_pil_equal(
            T.Grayscale(num_output_channels)(img), tv_transforms.Grayscale(num_output_channels)(img)
        )
        _assert_pil_equal(F.to_grayscale(img, num_output_channels), TF.to_grayscale(img, num_output_channels))
    for arr in (_float_chw(17, (2, 3, H, W)), _u8_chw(17)):
        e, t = _pair(arr)
        _assert_tensor_close(
            T.Grayscale(num_output_channels)(e), tv_transforms.Grayscale(num_output_channels)(t), atol=1e-6
        )
    # p=1 RandomGrayscale keeps the channel count
    e, t = _pair(_u8_chw(18))
    _assert_tensor_close(T.RandomGrayscale(p=1.0)(e), tv_transforms.RandomGrayscale(p=1.0)(t))


# ------------------------------------------------------------------------------------------------
# blur and erase
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kernel_size,sigma", [(3, None), ((5, 3), (1.2, 0.7)), (7, 2.0)])
def test_gaussian_blur_matches(kernel_size, sigma):
    img = _pil("RGB")
    ours = np.asarray(F.gaussian_blur(img, kernel_size, sigma)).astype(int)
    ref = np.asarray(TF.gaussian_blur(img, kernel_size, sigma)).astype(int)
    assert np.abs(ours - ref).max() <= 1 and (ours != ref).mean() < 0.01  # conv summation order
    for arr in (_float_chw(19, (2, 3, H, W)), _u8_chw(19)):
        e, t = _pair(arr)
        _assert_tensor_close(F.gaussian_blur(e, kernel_size, sigma), TF.gaussian_blur(t, kernel_size, sigma))


def test_gaussian_blur_transform_fixed_sigma_matches():
    e, t = _pair(_float_chw(20))
    _assert_tensor_close(T.GaussianBlur(5, sigma=1.5)(e), tv_transforms.GaussianBlur(5, sigma=1.5)(t))


@pytest.mark.parametrize("value", [0.0, [0.1, 0.2, 0.3]])
def test_erase_matches(value):
    e, t = _pair(_float_chw(21))
    v_e = value if isinstance(value, float) else ember.tensor(value).view(3, 1, 1)
    v_t = value if isinstance(value, float) else torch.tensor(value).view(3, 1, 1)
    _assert_tensor_close(F.erase(e, 2, 3, 4, 5, v_e), TF.erase(t, 2, 3, 4, 5, v_t), atol=0)


# ------------------------------------------------------------------------------------------------
# pipelines and reprs
# ------------------------------------------------------------------------------------------------


def test_imagenet_pipeline_matches():
    img = Image.fromarray(_rgb_array(22, 40, 52))
    ours = T.Compose([T.Resize(20), T.CenterCrop(16), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    ref = tv_transforms.Compose(
        [
            tv_transforms.Resize(20),
            tv_transforms.CenterCrop(16),
            tv_transforms.ToTensor(),
            tv_transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]
    )
    _assert_tensor_close(ours(img), ref(img))


def _repr_pairs():
    def both(name, *args, **kwargs):
        def conv(v):
            if isinstance(v, T.InterpolationMode):
                return _tv_interp(v)
            if isinstance(v, ember.dtype):
                return getattr(torch, str(v).split(".")[-1])
            return v

        ours = getattr(T, name)(*args, **kwargs)
        ref = getattr(tv_transforms, name)(*[conv(a) for a in args], **{k: conv(v) for k, v in kwargs.items()})
        return ours, ref

    return [
        both("ToTensor"),
        both("PILToTensor"),
        both("ToPILImage"),
        both("ToPILImage", mode="RGB"),
        both("Normalize", [0.5], [0.5]),
        both("Normalize", (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
        both("Resize", 256),
        both("Resize", (32, 48), interpolation=T.InterpolationMode.NEAREST, antialias=False),
        both("Resize", [64], max_size=100),
        both("CenterCrop", 224),
        both("CenterCrop", (10, 20)),
        both("RandomCrop", 32, padding=4),
        both("RandomCrop", (8, 9)),
        both("RandomResizedCrop", 224),
        both("RandomResizedCrop", (5, 6), scale=(0.5, 1.0), ratio=(0.5, 2.0), interpolation=T.InterpolationMode.BICUBIC),
        both("RandomHorizontalFlip"),
        both("RandomVerticalFlip", p=0.3),
        both("RandomRotation", 10),
        both("RandomRotation", (-5, 20), expand=True, center=(1, 2), fill=3),
        both("RandomAffine", 10),
        both("RandomAffine", (-5, 5), translate=(0.1, 0.2), scale=(0.9, 1.1), shear=(1, 2, 3, 4), interpolation=T.InterpolationMode.BILINEAR, fill=1, center=(2, 3)),
        both("ColorJitter"),
        both("ColorJitter", brightness=0.4, contrast=(0.5, 1.5), saturation=0.2, hue=0.1),
        both("Grayscale", num_output_channels=3),
        both("RandomGrayscale"),
        both("Pad", 4),
        both("Pad", (1, 2), fill=(1, 2, 3), padding_mode="reflect"),
        both("GaussianBlur", 3),
        both("GaussianBlur", (3, 5), sigma=0.7),
        both("RandomErasing"),
        both("RandomErasing", p=0.2, value="random", inplace=True),
        both("FiveCrop", 4),
        both("TenCrop", (4, 5), vertical_flip=True),
        both("RandomInvert"),
        both("RandomPosterize", 3),
        both("RandomSolarize", 128),
        both("RandomAdjustSharpness", 2.0),
        both("RandomAutocontrast"),
        (T.Lambda(lambda x: x), tv_transforms.Lambda(lambda x: x)),
    ]


def test_reprs_match_torchvision():
    for ours, ref in _repr_pairs():
        assert repr(ours) == repr(ref)


def test_container_reprs_match_torchvision():
    ours = T.Compose([T.ToTensor(), T.Normalize(mean=[0.5], std=[0.5])])
    ref = tv_transforms.Compose([tv_transforms.ToTensor(), tv_transforms.Normalize(mean=[0.5], std=[0.5])])
    assert repr(ours) == repr(ref)
    assert repr(T.RandomApply([T.CenterCrop(3), T.RandomHorizontalFlip()], p=0.3)) == repr(
        tv_transforms.RandomApply([tv_transforms.CenterCrop(3), tv_transforms.RandomHorizontalFlip()], p=0.3)
    )
    assert repr(T.RandomChoice([T.CenterCrop(3)], p=[1.0])) == repr(tv_transforms.RandomChoice([tv_transforms.CenterCrop(3)], p=[1.0]))
    assert repr(T.RandomOrder([T.CenterCrop(3), T.Pad(1)])) == repr(tv_transforms.RandomOrder([tv_transforms.CenterCrop(3), tv_transforms.Pad(1)]))
    assert repr(T.ConvertImageDtype(ember.float32)) == repr(tv_transforms.ConvertImageDtype(torch.float32))


# ------------------------------------------------------------------------------------------------
# random transforms: the same parameters give torchvision's output
# ------------------------------------------------------------------------------------------------


def test_random_resized_crop_params_reproduce_torchvision_output():
    img = _pil("RGB")
    ember.manual_seed(3)
    for _ in range(5):
        i, j, h, w = T.RandomResizedCrop.get_params(img, [0.08, 1.0], [3 / 4, 4 / 3])
        assert 0 <= i <= H - h and 0 <= j <= W - w
        _assert_pil_equal(F.resized_crop(img, i, j, h, w, [8, 8]), TF.resized_crop(img, i, j, h, w, [8, 8]))


def test_random_affine_params_reproduce_torchvision_output():
    img = _pil("RGB")
    ember.manual_seed(4)
    params = T.RandomAffine.get_params([-20.0, 20.0], [0.2, 0.2], [0.8, 1.2], [-5.0, 5.0, -3.0, 3.0], [W, H])
    angle, translate, scale, shear = params
    _assert_pil_equal(F.affine(img, angle, list(translate), scale, list(shear)), TF.affine(img, angle, list(translate), scale, list(shear)))


def test_transforms_compose_inside_nn_sequential_like_torchvision():
    seq = ember.nn.Sequential(T.CenterCrop(10), T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)))
    ref = torch.nn.Sequential(
        tv_transforms.CenterCrop(10), tv_transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    )
    assert repr(seq) == repr(ref)
    e, t = _pair(_float_chw(23, (2, 3, H, W)))
    _assert_tensor_close(seq(e), ref(t))
