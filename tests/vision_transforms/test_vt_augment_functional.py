"""equalize, perspective and elastic_transform of ember.vision.transforms.functional against torchvision.

PIL images must be bit-identical (same Pillow calls); uint8 tensors too (the NumPy kernels follow torch's
grid construction and grid_sample arithmetic step by step); float tensors to float rounding.
"""

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")

import torchvision.transforms as TT  # noqa: E402
import torchvision.transforms.functional as TF  # noqa: E402

import ember.vision.transforms.functional as F  # noqa: E402

H, W = 19, 27


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_torch():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _u8(seed, shape):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _pil(seed, mode="RGB", h=H, w=W):
    img = Image.fromarray(_u8(seed, (h, w, 3)))
    return img if mode == "RGB" else img.convert(mode)


def _pair(arr):
    return ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def _same(ours, ref, atol=0.0):
    if isinstance(ref, torch.Tensor):
        got, exp = ours.numpy(), ref.numpy()
        assert got.shape == exp.shape and got.dtype == exp.dtype, (got.shape, exp.shape, got.dtype, exp.dtype)
        if atol == 0.0:
            np.testing.assert_array_equal(got, exp)
        else:
            np.testing.assert_allclose(got, exp, rtol=0, atol=atol)
    else:
        assert ours.mode == ref.mode and ours.size == ref.size
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def _tv(mode):
    return TT.InterpolationMode(mode.value)


# ------------------------------------------------------------------------------------------------
# equalize
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, H, W), (1, H, W), (4, 3, H, W), (2, 1, 40, 35)])
@pytest.mark.parametrize("spread", ["full", "narrow", "two_levels", "constant"])
def test_equalize_tensor_matches_torchvision_exactly(shape, spread):
    arr = _u8(1, shape)
    if spread == "narrow":
        arr = (arr // 40 + 100).astype(np.uint8)
    elif spread == "two_levels":
        arr = np.where(arr > 200, 250, 3).astype(np.uint8)
    elif spread == "constant":
        arr = np.full(shape, 77, dtype=np.uint8)
    e, t = _pair(arr)
    _same(F.equalize(e), TF.equalize(t))


@pytest.mark.parametrize("mode", ["RGB", "L", "P"])
def test_equalize_pil_matches_torchvision(mode):
    img = _pil(2, mode)
    _same(F.equalize(img), TF.equalize(img))


def test_equalize_spreads_a_narrow_histogram():
    arr = (_u8(3, (1, 64, 64)) // 64 + 10).astype(np.uint8)  # values 10..13
    out = F.equalize(ember.from_numpy(arr)).numpy()
    assert sorted(np.unique(out).tolist()) == sorted(set(out.reshape(-1).tolist()))
    assert out.min() == 0 and out.max() >= 190
    # monotone: the order of the pixel values is kept
    order = np.argsort(arr.reshape(-1), kind="stable")
    assert (np.diff(out.reshape(-1)[order].astype(int)) >= 0).all()


def test_equalize_errors_match_torchvision():
    for bad in [ember.rand(3, 5, 5), ember.zeros(2, 2, 3, 5, 5, dtype=ember.uint8), ember.zeros(5, 5, dtype=ember.uint8),
                ember.zeros(2, 5, 5, dtype=ember.uint8)]:
        ref = torch.from_numpy(bad.numpy())
        with pytest.raises(TypeError) as exp:
            TF.equalize(ref)
        with pytest.raises(TypeError) as got:
            F.equalize(bad)
        assert str(got.value).replace("torch.", "") == str(exp.value).replace("torch.", "")


# ------------------------------------------------------------------------------------------------
# perspective
# ------------------------------------------------------------------------------------------------

START = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
ENDPOINTS = [
    [[3, 2], [W - 5, 1], [W - 1, H - 4], [2, H - 2]],
    [[0, 4], [W - 1, 0], [W - 7, H - 1], [5, H - 3]],
    [[-3, -2], [W + 2, 3], [W - 2, H + 4], [1, H - 1]],  # corners moving outwards
]


@pytest.mark.parametrize("end", ENDPOINTS)
@pytest.mark.parametrize("interp", [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR,
                                    F.InterpolationMode.BICUBIC])
@pytest.mark.parametrize("mode,fill", [("RGB", None), ("RGB", [10, 20, 30]), ("L", 200), ("RGBA", 5)])
def test_perspective_pil_matches_torchvision(end, interp, mode, fill):
    img = _pil(4, mode)
    _same(F.perspective(img, START, end, interp, fill), TF.perspective(img, START, end, _tv(interp), fill))


@pytest.mark.parametrize("end", ENDPOINTS)
@pytest.mark.parametrize("interp", [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR])
@pytest.mark.parametrize("shape,fill", [((3, H, W), None), ((2, 3, H, W), [10.0, 20.0, 30.0]),
                                        ((1, H, W), [7.0]), ((3, H, W), 255.0)])
def test_perspective_uint8_tensor_matches_torchvision_exactly(end, interp, shape, fill):
    e, t = _pair(_u8(5, shape))
    _same(F.perspective(e, START, end, interp, fill), TF.perspective(t, START, end, _tv(interp), fill))


@pytest.mark.parametrize("dtype,atol", [(np.float32, 2e-6), (np.float64, 1e-9)])
@pytest.mark.parametrize("interp", [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR])
def test_perspective_float_tensor_matches_torchvision(dtype, atol, interp):
    arr = np.random.default_rng(6).random((2, 3, H, W)).astype(dtype)
    e, t = _pair(arr)
    for end in ENDPOINTS:
        _same(F.perspective(e, START, end, interp, [0.5, 0.25, 1.0]),
              TF.perspective(t, START, end, _tv(interp), [0.5, 0.25, 1.0]), atol=atol)


def test_perspective_large_image_uses_the_same_grid_as_torchvision():
    # above 66 pixels torch builds the grid with BLAS (fused multiply-add); below with a plain loop
    h, w = 61, 83
    start = [[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]
    end = [[7, 3], [w - 11, 5], [w - 3, h - 9], [4, h - 2]]
    e, t = _pair(_u8(7, (3, h, w)))
    for interp in [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR]:
        _same(F.perspective(e, start, end, interp), TF.perspective(t, start, end, _tv(interp)))


def test_perspective_coefficients_match_torchvision():
    rng = np.random.default_rng(8)
    for _ in range(20):
        end = [[int(x) + int(rng.integers(-4, 5)), int(y) + int(rng.integers(-4, 5))] for x, y in START]
        ours = F._get_perspective_coeffs(START, end)
        ref = TF._get_perspective_coeffs(START, end)
        assert all(isinstance(c, float) for c in ours)
        np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-12)
        # they are float32 values, as torchvision rounds them
        assert [float(np.float32(c)) for c in ours] == ours


def test_perspective_identity_and_known_shift():
    arr = _u8(9, (3, H, W))
    e = ember.from_numpy(arr.copy())
    np.testing.assert_array_equal(F.perspective(e, START, START).numpy(), arr)
    # moving every corner 2 px right shifts the image right by 2 and fills the left columns
    shifted = [[x + 2, y] for x, y in START]
    out = F.perspective(e, START, shifted, F.InterpolationMode.NEAREST, fill=[1.0, 2.0, 3.0]).numpy()
    np.testing.assert_array_equal(out[:, :, 2:], arr[:, :, :-2])
    assert (out[:, :, :2] == np.array([1, 2, 3], dtype=np.uint8)[:, None, None]).all()


def test_perspective_errors_match_torchvision():
    e, t = _pair(_u8(10, (3, H, W)))
    with pytest.raises(ValueError, match="exactly four corners"):
        F.perspective(e, START[:3], ENDPOINTS[0])
    with pytest.raises(ValueError, match="unsupported with Tensor input"):
        F.perspective(e, START, ENDPOINTS[0], F.InterpolationMode.BICUBIC)
    with pytest.raises(ValueError, match="cannot broadcast"):
        F.perspective(e, START, ENDPOINTS[0], fill=[1.0, 2.0])
    with pytest.raises(TypeError, match="InterpolationMode"):
        F.perspective(e, START, ENDPOINTS[0], "bilinear")
    # Pillow integer constants work like the enum
    _same(F.perspective(e, START, ENDPOINTS[0], 0), TF.perspective(t, START, ENDPOINTS[0], 0))


# ------------------------------------------------------------------------------------------------
# elastic_transform
# ------------------------------------------------------------------------------------------------


def _displacement(h=H, w=W, alpha=30.0, sigma=3.0, dtype=torch.float32):
    torch.manual_seed(0)
    d = TT.ElasticTransform.get_params([alpha, alpha], [sigma, sigma], [h, w]).to(dtype)
    return ember.from_numpy(d.numpy().copy()), d


@pytest.mark.parametrize("dtype,atol", [(np.uint8, 0.0), (np.float32, 0.0), (np.float64, 1e-12)])
@pytest.mark.parametrize("interp", [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR])
@pytest.mark.parametrize("shape,fill", [((3, H, W), None), ((2, 3, H, W), [10.0, 20.0, 30.0]), ((1, H, W), [0.0])])
def test_elastic_transform_tensor_matches_torchvision(dtype, atol, interp, shape, fill):
    arr = _u8(11, shape)
    if dtype != np.uint8:
        arr = (arr / 255).astype(dtype)
        fill = None if fill is None else [v / 255 for v in fill]
    e, t = _pair(arr)
    de, dt = _displacement()
    _same(F.elastic_transform(e, de, interp, fill), TF.elastic_transform(t, dt, _tv(interp), fill), atol=atol)


def test_elastic_transform_large_image_and_float64_displacement():
    h, w = 50, 64
    e, t = _pair(_u8(12, (3, h, w)))
    de, dt = _displacement(h, w, alpha=50.0, sigma=5.0)
    _same(F.elastic_transform(e, de), TF.elastic_transform(t, dt))
    # a float64 field makes the grid float64, and torch then samples a float32 image in float64
    arr = np.random.default_rng(13).random((3, h, w)).astype(np.float32)
    e, t = _pair(arr)
    de, dt = _displacement(h, w, dtype=torch.float64)
    _same(F.elastic_transform(e, de), TF.elastic_transform(t, dt), atol=1e-7)


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_elastic_transform_pil_matches_torchvision(mode):
    img = _pil(14, mode)
    de, dt = _displacement()
    _same(F.elastic_transform(img, de), TF.elastic_transform(img, dt))
    _same(F.elastic_transform(img, de, F.InterpolationMode.NEAREST, fill=[9]),
          TF.elastic_transform(img, dt, TT.InterpolationMode.NEAREST, fill=[9]))


def test_elastic_transform_zero_and_constant_displacement():
    arr = _u8(15, (3, H, W))
    e = ember.from_numpy(arr.copy())
    np.testing.assert_array_equal(F.elastic_transform(e, ember.zeros(1, H, W, 2)).numpy(), arr)
    # a displacement of exactly one pixel (2 / W in normalized units) to the right reads the next column
    d = np.zeros((1, H, W, 2), dtype=np.float32)
    d[..., 0] = 2.0 / W
    out = F.elastic_transform(e, ember.from_numpy(d), F.InterpolationMode.NEAREST).numpy()
    np.testing.assert_array_equal(out[:, :, :-1], arr[:, :, 1:])
    assert (out[:, :, -1] == 0).all()


def test_elastic_transform_errors_match_torchvision():
    e, t = _pair(_u8(16, (3, H, W)))
    with pytest.raises(TypeError, match="displacement should be a Tensor"):
        F.elastic_transform(e, np.zeros((1, H, W, 2), dtype=np.float32))
    with pytest.raises(ValueError) as got:
        F.elastic_transform(e, ember.zeros(1, H, W + 1, 2))
    with pytest.raises(ValueError) as exp:
        TF.elastic_transform(t, torch.zeros(1, H, W + 1, 2))
    assert str(got.value) == str(exp.value)
    with pytest.raises(TypeError, match="PIL Image or Tensor"):
        F.elastic_transform(np.zeros((H, W, 3), dtype=np.uint8), ember.zeros(1, H, W, 2))
    with pytest.raises(ValueError, match="unsupported"):
        F.elastic_transform(e, ember.zeros(1, H, W, 2), F.InterpolationMode.BICUBIC)
    with pytest.warns(UserWarning, match="InterpolationMode"):
        out = F.elastic_transform(e, ember.zeros(1, H, W, 2), 0)
    np.testing.assert_array_equal(out.numpy(), e.numpy())


# ------------------------------------------------------------------------------------------------
# the grid kernels shared with rotate / affine are exact too
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(7, 9), (40, 60)])
@pytest.mark.parametrize("interp", [F.InterpolationMode.NEAREST, F.InterpolationMode.BILINEAR])
def test_rotate_and_affine_uint8_are_bit_exact(size, interp):
    e, t = _pair(_u8(17, (2, 3) + size))
    for angle in (-33.3, 12.0, 90.0, 181.5):
        _same(F.rotate(e, angle, interp, expand=angle > 100), TF.rotate(t, angle, _tv(interp), expand=angle > 100))
        _same(F.affine(e, angle, [2, -3], 0.9, [4.0, -6.0], interp, fill=[1.0, 2.0, 3.0]),
              TF.affine(t, angle, [2, -3], 0.9, [4.0, -6.0], _tv(interp), fill=[1.0, 2.0, 3.0]))


def test_autocontrast_uint8_rounds_like_torchvision():
    # a channel spanning 7 levels: torch computes 255 / 7 as reciprocal(7) * 255, and 7 times that is
    # 255.0, where 7 * (255 / 7) would be 254.99998 and truncate to 254
    arr = np.array([[[[10, 13, 17]]], [[[0, 1, 255]]]], dtype=np.uint8)
    e, t = _pair(arr)
    _same(F.autocontrast(e), TF.autocontrast(t))
    assert F.autocontrast(e).tolist() == [[[[0, 109, 255]]], [[[0, 1, 255]]]]
