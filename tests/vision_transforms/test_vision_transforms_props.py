"""Properties of ember.vision.transforms that need neither torch nor torchvision: scaling, shapes,
crop coordinates, flips, padding, normalization math, grid layout and reproducibility."""

import numpy as np
import pytest

import ember
import ember.vision.transforms as T
import ember.vision.transforms.functional as F

H, W = 13, 17


def _img(seed=0, shape=(3, H, W)):
    return ember.from_numpy(np.random.default_rng(seed).random(shape, dtype=np.float32))


def _u8(seed=0, shape=(H, W, 3)):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


# ------------------------------------------------------------------------------------------------
# ToTensor / PILToTensor / ToPILImage
# ------------------------------------------------------------------------------------------------


def test_to_tensor_ndarray_scales_uint8_to_unit_float_chw():
    arr = _u8(1)
    t = T.ToTensor()(arr)
    assert t.dtype == ember.float32
    assert tuple(t.shape) == (3, H, W)
    np.testing.assert_allclose(t.numpy(), arr.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert 0.0 <= float(t.min()) and float(t.max()) <= 1.0


def test_to_tensor_ndarray_non_uint8_keeps_values_and_dtype():
    arr = np.random.default_rng(2).standard_normal((H, W)).astype(np.float64)
    t = F.to_tensor(arr)
    assert t.dtype == ember.float64
    assert tuple(t.shape) == (1, H, W)
    np.testing.assert_array_equal(t.numpy()[0], arr)


def test_to_tensor_rejects_bad_inputs():
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        F.to_tensor([1, 2, 3])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        F.to_tensor(np.zeros((1, 2, 3, 4), dtype=np.uint8))


def test_to_tensor_pil_modes_shapes_and_scaling():
    Image = pytest.importorskip("PIL.Image")
    rgb = _u8(3)
    cases = {
        "RGB": (Image.fromarray(rgb), 3, ember.float32),
        "RGBA": (Image.fromarray(_u8(3, (H, W, 4))), 4, ember.float32),
        "L": (Image.fromarray(rgb[..., 0]), 1, ember.float32),
        "1": (Image.fromarray(rgb[..., 0]).convert("1"), 1, ember.float32),
        "P": (Image.fromarray(rgb).convert("P"), 1, ember.float32),
        "I": (Image.fromarray(rgb[..., 0].astype(np.int32) * 1000), 1, ember.int32),
        "F": (Image.fromarray(rgb[..., 0].astype(np.float32) * 0.5), 1, ember.float32),
    }
    for mode, (img, channels, dtype) in cases.items():
        assert img.mode == mode
        t = T.ToTensor()(img)
        assert tuple(t.shape) == (channels, H, W), mode
        assert t.dtype == dtype, mode
    np.testing.assert_allclose(T.ToTensor()(cases["RGB"][0]).numpy(), rgb.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert set(np.unique(T.ToTensor()(cases["1"][0]).numpy())) <= {0.0, 1.0}
    np.testing.assert_array_equal(T.ToTensor()(cases["I"][0]).numpy()[0], rgb[..., 0].astype(np.int32) * 1000)
    np.testing.assert_array_equal(T.ToTensor()(cases["F"][0]).numpy()[0], rgb[..., 0].astype(np.float32) * 0.5)


def test_pil_round_trip_is_lossless():
    Image = pytest.importorskip("PIL.Image")
    arr = _u8(4)
    img = Image.fromarray(arr)
    t = T.PILToTensor()(img)
    assert t.dtype == ember.uint8 and tuple(t.shape) == (3, H, W)
    back = T.ToPILImage()(t)
    assert back.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(back), arr)
    gray = T.ToPILImage()(ember.from_numpy(arr[..., :1].transpose(2, 0, 1).copy()))
    assert gray.mode == "L"


# ------------------------------------------------------------------------------------------------
# Normalize
# ------------------------------------------------------------------------------------------------


def test_normalize_math_and_out_of_place():
    x = _img(5)
    before = x.numpy().copy()
    mean, std = [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]
    out = T.Normalize(mean, std)(x)
    expected = (before - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(x.numpy(), before)  # input untouched


def test_normalize_inplace_modifies_input_and_handles_batches():
    x = _img(6, (2, 3, H, W))
    expected = (x.numpy() - 0.5) / 0.5
    out = F.normalize(x, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5], inplace=True)
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-6)


def test_normalize_is_differentiable():
    x = _img(24, (2, 3, 4, 5))
    x.requires_grad_(True)
    std = [0.5, 0.25, 2.0]
    out = F.normalize(x, [0.1, 0.2, 0.3], std)
    assert out.requires_grad
    np.testing.assert_allclose(
        out.detach().numpy(), F.normalize(x.detach(), [0.1, 0.2, 0.3], std).numpy(), rtol=1e-6, atol=1e-6
    )
    out.sum().backward()
    expected = np.broadcast_to((1 / np.array(std, np.float32))[:, None, None], (2, 3, 4, 5))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_normalize_errors():
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.5], [0.5])
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(_img(), [0.5], [0.0])
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image of size"):
        F.normalize(ember.zeros(2, 2), [0.5], [0.5])


# ------------------------------------------------------------------------------------------------
# geometry
# ------------------------------------------------------------------------------------------------


def test_crop_coordinates_and_zero_padding_outside():
    x = _img(7)
    arr = x.numpy()
    np.testing.assert_array_equal(F.crop(x, 2, 3, 5, 7).numpy(), arr[:, 2:7, 3:10])
    out = F.crop(x, -2, -1, 5, 4).numpy()
    assert out.shape == (3, 5, 4)
    assert not out[:, :2].any() and not out[:, :, :1].any()
    np.testing.assert_array_equal(out[:, 2:, 1:], arr[:, :3, :3])


def test_center_crop_location_and_padding():
    x = _img(8)
    arr = x.numpy()
    top, left = int(round((H - 5) / 2.0)), int(round((W - 8) / 2.0))
    np.testing.assert_array_equal(T.CenterCrop((5, 8))(x).numpy(), arr[:, top : top + 5, left : left + 8])
    big = T.CenterCrop((H + 4, W + 3))(x).numpy()
    assert big.shape == (3, H + 4, W + 3)
    np.testing.assert_array_equal(big[:, 2 : 2 + H, 1 : 1 + W], arr)
    assert big.sum() == pytest.approx(arr.sum(), rel=1e-5)


def test_flips_reverse_the_right_axis():
    x = _img(9, (2, 3, H, W))
    np.testing.assert_array_equal(F.hflip(x).numpy(), x.numpy()[..., ::-1])
    np.testing.assert_array_equal(F.vflip(x).numpy(), x.numpy()[..., ::-1, :])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(x).numpy(), x.numpy()[..., ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=0.0)(x).numpy(), x.numpy())


def test_pad_modes_on_a_row():
    x = ember.from_numpy(np.array([[[1.0, 2.0, 3.0, 4.0]]], dtype=np.float32))
    assert F.pad(x, [2, 0], padding_mode="reflect").numpy()[0, 0].tolist() == [3, 2, 1, 2, 3, 4, 3, 2]
    assert F.pad(x, [2, 0], padding_mode="symmetric").numpy()[0, 0].tolist() == [2, 1, 1, 2, 3, 4, 4, 3]
    assert F.pad(x, [2, 0], padding_mode="edge").numpy()[0, 0].tolist() == [1, 1, 1, 2, 3, 4, 4, 4]
    assert F.pad(x, [2, 0], fill=9).numpy()[0, 0].tolist() == [9, 9, 1, 2, 3, 4, 9, 9]
    assert tuple(T.Pad((1, 2, 3, 4))(_img()).shape) == (3, H + 6, W + 4)
    with pytest.raises(ValueError, match="Padding mode should be either"):
        T.Pad(1, padding_mode="wrap")


def test_resize_output_sizes():
    x = _img(10)
    assert tuple(T.Resize(6)(x).shape) == (3, 6, int(6 * W / H))
    assert tuple(T.Resize((5, 9))(x).shape) == (3, 5, 9)
    assert tuple(T.Resize(8, max_size=9)(x).shape) == (3, int(9 * 8 / int(8 * W / H)), 9)
    assert T.Resize((H, W))(x) is x  # same size: returned unchanged, as torchvision does
    u8 = ember.from_numpy(_u8(11, (3, H, W)))
    out = F.resize(u8, [20, 30], T.InterpolationMode.BICUBIC)
    assert out.dtype == ember.uint8 and tuple(out.shape) == (3, 20, 30)
    with pytest.raises(ValueError, match="max_size should only be passed"):
        F.resize(x, [5, 6], max_size=10)


def test_resize_nearest_upsample_by_two_repeats_pixels():
    x = _img(12, (1, 4, 5))
    out = F.resize(x, [8, 10], T.InterpolationMode.NEAREST).numpy()
    np.testing.assert_array_equal(out, np.repeat(np.repeat(x.numpy(), 2, axis=1), 2, axis=2))


def test_resize_bilinear_preserves_constant_images():
    x = ember.from_numpy(np.full((3, H, W), 0.375, dtype=np.float32))
    for antialias in (True, False):
        for size in ([5, 7], [30, 40]):
            out = F.resize(x, size, antialias=antialias).numpy()
            np.testing.assert_allclose(out, 0.375, rtol=1e-6)


def test_rotate_by_90_with_expand_is_a_transpose_flip():
    x = _img(13, (1, 4, 6))
    out = F.rotate(x, 90.0, expand=True).numpy()
    np.testing.assert_array_equal(out[0], np.rot90(x.numpy()[0]))


def test_five_crop_corners():
    x = _img(14)
    arr = x.numpy()
    tl, tr, bl, br, c = F.five_crop(x, (4, 5))
    np.testing.assert_array_equal(tl.numpy(), arr[:, :4, :5])
    np.testing.assert_array_equal(tr.numpy(), arr[:, :4, -5:])
    np.testing.assert_array_equal(bl.numpy(), arr[:, -4:, :5])
    np.testing.assert_array_equal(br.numpy(), arr[:, -4:, -5:])
    assert tuple(c.shape) == (3, 4, 5)
    ten = F.ten_crop(x, 4)
    np.testing.assert_array_equal(ten[5].numpy(), arr[:, :4, ::-1][:, :, :4])
    with pytest.raises(ValueError, match="Requested crop size"):
        F.five_crop(x, 20)


def test_grayscale_weights_and_channel_count():
    x = _img(15)
    r, g, b = x.numpy()
    out = F.rgb_to_grayscale(x).numpy()
    np.testing.assert_allclose(out[0], 0.2989 * r + 0.587 * g + 0.114 * b, rtol=1e-6)
    three = T.Grayscale(3)(x).numpy()
    assert three.shape == (3, H, W)
    np.testing.assert_array_equal(three[0], three[2])


def test_erase_fills_the_box_only():
    x = _img(16)
    out = F.erase(x, 2, 3, 4, 5, 0.0).numpy()
    assert not out[:, 2:6, 3:8].any()
    mask = np.ones((H, W), bool)
    mask[2:6, 3:8] = False
    np.testing.assert_array_equal(out[:, mask], x.numpy()[:, mask])
    assert x.numpy()[:, 2:6, 3:8].any()  # not in place by default
    F.erase(x, 0, 0, 1, 1, 0.0, inplace=True)
    assert x.numpy()[:, 0, 0].tolist() == [0.0, 0.0, 0.0]


def test_convert_image_dtype_scaling():
    u8 = ember.from_numpy(np.array([[[0, 128, 255]]], dtype=np.uint8))
    np.testing.assert_allclose(F.convert_image_dtype(u8).numpy(), [[[0, 128 / 255, 1]]], rtol=1e-6)
    f = ember.from_numpy(np.array([[[0.0, 0.5, 1.0]]], dtype=np.float32))
    assert F.convert_image_dtype(f, ember.uint8).numpy().tolist() == [[[0, 127, 255]]]
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(f, ember.int64)


def test_brightness_and_contrast_math():
    x = _img(17)
    np.testing.assert_allclose(F.adjust_brightness(x, 0.5).numpy(), x.numpy() * 0.5, rtol=1e-6)
    np.testing.assert_allclose(F.adjust_brightness(x, 3.0).numpy(), np.clip(x.numpy() * 3, 0, 1), rtol=1e-6)
    flat = F.adjust_contrast(x, 0.0).numpy()
    np.testing.assert_allclose(flat, flat.mean(), rtol=1e-5)
    np.testing.assert_allclose(F.adjust_hue(x, 0.0).numpy(), x.numpy(), atol=1e-6)


def test_gaussian_blur_preserves_constant_and_shape():
    x = ember.from_numpy(np.full((3, H, W), 0.25, dtype=np.float32))
    out = F.gaussian_blur(x, [5, 3], [1.0, 2.0])
    assert tuple(out.shape) == (3, H, W)
    np.testing.assert_allclose(out.numpy(), 0.25, rtol=1e-5)
    with pytest.raises(ValueError, match="kernel_size should have odd and positive integers"):
        F.gaussian_blur(x, 4)


def test_tensor_ops_reject_non_images():
    with pytest.raises(TypeError, match="Tensor is not a torch image."):
        F.hflip(ember.zeros(3))
    with pytest.raises(TypeError, match="img should be PIL Image"):
        F.hflip(np.zeros((3, 3)))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.erase(np.zeros((3, 3, 3)), 0, 0, 1, 1, 0)


# ------------------------------------------------------------------------------------------------
# random transforms: properties and reproducibility under ember.manual_seed
# ------------------------------------------------------------------------------------------------

RANDOM_TRANSFORMS = [
    T.RandomCrop(8, padding=2),
    T.RandomCrop((15, 20), pad_if_needed=True, padding_mode="reflect"),
    T.RandomResizedCrop(8),
    T.RandomHorizontalFlip(),
    T.RandomVerticalFlip(),
    T.RandomRotation(30, interpolation=T.InterpolationMode.BILINEAR),
    T.RandomAffine(20, translate=(0.2, 0.2), scale=(0.8, 1.2), shear=10),
    T.ColorJitter(0.4, 0.4, 0.4, 0.1),
    T.RandomGrayscale(p=0.5),
    T.GaussianBlur(3),
    T.RandomErasing(p=1.0, value="random"),
    T.RandomApply([T.ColorJitter(0.5)], p=0.5),
    T.RandomChoice([T.CenterCrop(8), T.Resize((8, 8))]),
    T.RandomOrder([T.RandomHorizontalFlip(), T.ColorJitter(0.3)]),
]


@pytest.mark.parametrize("transform", RANDOM_TRANSFORMS, ids=lambda t: type(t).__name__)
def test_random_transform_is_reproducible_under_manual_seed(transform):
    x = _img(18)
    ember.manual_seed(123)
    first = [transform(x).numpy() for _ in range(4)]
    ember.manual_seed(123)
    second = [transform(x).numpy() for _ in range(4)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "transform",
    [t for t in RANDOM_TRANSFORMS if not isinstance(t, (T.RandomChoice,))],
    ids=lambda t: type(t).__name__,
)
def test_random_transform_varies_across_draws(transform):
    x = _img(19)
    ember.manual_seed(7)
    outs = [transform(x).numpy() for _ in range(12)]
    assert any(o.shape != outs[0].shape or not np.array_equal(o, outs[0]) for o in outs[1:])


def test_random_crop_output_is_a_window_of_the_input():
    x = _img(20)
    arr = x.numpy()
    ember.manual_seed(0)
    for _ in range(10):
        i, j, h, w = T.RandomCrop.get_params(x, (5, 6))
        assert 0 <= i <= H - 5 and 0 <= j <= W - 6 and (h, w) == (5, 6)
        np.testing.assert_array_equal(F.crop(x, i, j, h, w).numpy(), arr[:, i : i + 5, j : j + 6])
    with pytest.raises(ValueError, match="Required crop size"):
        T.RandomCrop.get_params(x, (H + 1, W))


def test_random_resized_crop_params_respect_bounds():
    x = _img(21)
    ember.manual_seed(1)
    for _ in range(30):
        i, j, h, w = T.RandomResizedCrop.get_params(x, [0.08, 1.0], [3 / 4, 4 / 3])
        assert 0 < h <= H and 0 < w <= W and 0 <= i <= H - h and 0 <= j <= W - w
    out = T.RandomResizedCrop((6, 7))(x)
    assert tuple(out.shape) == (3, 6, 7)


def test_random_flip_probability_is_roughly_p():
    x = _img(22, (1, 2, 2))
    flip = T.RandomHorizontalFlip(p=0.3)
    ember.manual_seed(5)
    flipped = sum(not np.array_equal(flip(x).numpy(), x.numpy()) for _ in range(400))
    assert 80 < flipped < 160


def test_color_jitter_params_in_range():
    ember.manual_seed(2)
    for _ in range(20):
        fn_idx, b, c, s, h = T.ColorJitter.get_params((0.5, 1.5), (0.9, 1.1), None, (-0.1, 0.1))
        assert sorted(fn_idx.tolist()) == [0, 1, 2, 3]
        assert 0.5 <= b <= 1.5 and 0.9 <= c <= 1.1 and s is None and -0.1 <= h <= 0.1
    assert T.ColorJitter().brightness is None
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.7)


def test_random_erasing_erases_a_rectangle_with_value():
    x = ember.ones(3, H, W)
    ember.manual_seed(3)
    out = T.RandomErasing(p=1.0, value=(0.0, 0.5, 0.25))(x).numpy()
    erased = out[0] == 0.0
    assert erased.any() and not erased.all()
    np.testing.assert_array_equal(out[1][erased], 0.5)
    np.testing.assert_array_equal(out[2][erased], 0.25)
    rows, cols = np.nonzero(erased)
    assert erased[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].all()


def test_random_rotation_angle_range_and_fill():
    ember.manual_seed(4)
    angles = [T.RandomRotation.get_params([-10.0, 25.0]) for _ in range(50)]
    assert min(angles) >= -10.0 and max(angles) <= 25.0 and max(angles) - min(angles) > 10
    x = ember.zeros(3, H, W)
    out = T.RandomRotation((45, 45), fill=0.5)(x).numpy()
    assert out[:, 0, 0].tolist() == [0.5, 0.5, 0.5]  # corner comes from outside the image


def test_compose_and_lambda_and_transform_errors():
    pipeline = T.Compose([T.Lambda(lambda t: t * 2), T.Normalize([1.0], [2.0])])
    x = _img(23, (1, H, W))
    np.testing.assert_allclose(pipeline(x).numpy(), (x.numpy() * 2 - 1) / 2, rtol=1e-6)
    with pytest.raises(TypeError, match="Argument lambd should be callable, got 'int'"):
        T.Lambda(3)
    with pytest.raises(TypeError, match="Argument transforms should be a sequence"):
        T.RandomOrder(T.CenterCrop(3))
    with pytest.raises(ValueError, match="If size is a sequence, it should have 1 or 2 values"):
        T.Resize([1, 2, 3])


def test_reprs():
    assert repr(T.Compose([T.ToTensor(), T.Normalize(mean=[0.5], std=[0.5])])) == (
        "Compose(\n    ToTensor()\n    Normalize(mean=[0.5], std=[0.5])\n)"
    )
    assert repr(T.Resize(32)) == "Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)"
    assert repr(T.RandomResizedCrop(8)) == (
        "RandomResizedCrop(size=(8, 8), scale=(0.08, 1.0), ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)"
    )
    assert repr(T.RandomRotation(10)) == "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)"
