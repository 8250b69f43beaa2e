"""ember.vision.utils.make_grid / save_image: layout properties (no torch needed) and torchvision parity."""

import io

import numpy as np
import pytest

import ember
from ember.vision.utils import make_grid, save_image


def _batch(seed=0, shape=(5, 3, 4, 6)):
    return np.random.default_rng(seed).random(shape, dtype=np.float32)


def test_make_grid_layout_places_each_image():
    arr = _batch(1)
    grid = make_grid(ember.from_numpy(arr), nrow=3, padding=2, pad_value=0.5).numpy()
    assert grid.shape == (3, 2 * (4 + 2) + 2, 3 * (6 + 2) + 2)
    for k in range(5):
        y, x = divmod(k, 3)
        top, left = y * 6 + 2, x * 8 + 2
        np.testing.assert_array_equal(grid[:, top : top + 4, left : left + 6], arr[k])
    # the empty sixth cell and the borders hold pad_value
    np.testing.assert_array_equal(grid[:, 8:12, 18:24], 0.5)
    np.testing.assert_array_equal(grid[:, :2], 0.5)


def test_make_grid_single_channel_and_single_image():
    one = _batch(2, (4, 6))
    out = make_grid(ember.from_numpy(one)).numpy()
    assert out.shape == (3, 4, 6)
    for c in range(3):
        np.testing.assert_array_equal(out[c], one)
    gray = _batch(3, (2, 1, 4, 6))
    out = make_grid(ember.from_numpy(gray), padding=0).numpy()
    assert out.shape == (3, 4, 12)
    np.testing.assert_array_equal(out[1, :, 6:], gray[1, 0])


def test_make_grid_normalize_and_value_range():
    arr = _batch(4) * 4 - 1
    out = make_grid(ember.from_numpy(arr), normalize=True, padding=0, nrow=5).numpy()
    assert out.min() == pytest.approx(0.0) and out.max() == pytest.approx(1.0)
    out = make_grid(ember.from_numpy(arr), normalize=True, value_range=(0.0, 1.0), padding=0, nrow=5).numpy()
    np.testing.assert_allclose(out[:, :, :6], np.clip(arr[0], 0, 1), rtol=1e-6)
    each = make_grid(ember.from_numpy(arr), normalize=True, scale_each=True, padding=0, nrow=5).numpy()
    for k in range(5):
        cell = each[:, :, 6 * k : 6 * k + 6]
        assert cell.min() == pytest.approx(0.0) and cell.max() == pytest.approx(1.0)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(ember.from_numpy(arr), normalize=True, value_range=[0, 1])


def test_make_grid_type_errors():
    with pytest.raises(TypeError, match="tensor or list of tensors expected, got <class 'numpy.ndarray'>"):
        make_grid(_batch())
    with pytest.raises(TypeError, match="got a list containing"):
        make_grid([ember.zeros(3, 2, 2), np.zeros((3, 2, 2))])


def test_save_image_writes_rounded_grid(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    arr = _batch(5)
    path = tmp_path / "grid.png"
    save_image(ember.from_numpy(arr), str(path), nrow=2, padding=1)
    img = np.asarray(Image.open(path))
    grid = make_grid(ember.from_numpy(arr), nrow=2, padding=1).numpy()
    expected = np.clip(grid * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(img, expected)
    buf = io.BytesIO()
    save_image([ember.from_numpy(a) for a in arr], buf, format="PNG")
    assert buf.getvalue()[:4] == b"\x89PNG"


# ------------------------------------------------------------------------------------------------
# torchvision parity
# ------------------------------------------------------------------------------------------------

GRID_CASES = [
    dict(),
    dict(nrow=2, padding=1, pad_value=0.3),
    dict(nrow=4, padding=0),
    dict(normalize=True),
    dict(normalize=True, value_range=(0.2, 0.8)),
    dict(normalize=True, scale_each=True, nrow=3),
    dict(normalize=True, scale_each=True, value_range=(-1.0, 2.0)),
]

GRID_SHAPES = [(5, 3, 4, 6), (1, 3, 4, 6), (3, 1, 4, 6), (1, 4, 6), (3, 4, 6), (4, 6), (7, 2, 3, 3), (2, 4, 5, 5)]


@pytest.mark.parametrize("kwargs", GRID_CASES)
@pytest.mark.parametrize("shape", GRID_SHAPES)
def test_make_grid_matches_torchvision(kwargs, shape):
    torch = pytest.importorskip("torch")
    tv_utils = pytest.importorskip("torchvision.utils")
    arr = _batch(6, shape) * 3 - 1
    ours = make_grid(ember.from_numpy(arr.copy()), **kwargs)
    ref = tv_utils.make_grid(torch.from_numpy(arr.copy()), **kwargs)
    assert tuple(ours.shape) == tuple(ref.shape)
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6, atol=1e-6)


def test_make_grid_list_input_and_uint8_match_torchvision():
    torch = pytest.importorskip("torch")
    tv_utils = pytest.importorskip("torchvision.utils")
    arr = _batch(7, (3, 3, 4, 4))
    ours = make_grid([ember.from_numpy(a.copy()) for a in arr], nrow=2)
    ref = tv_utils.make_grid([torch.from_numpy(a.copy()) for a in arr], nrow=2)
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())
    u8 = (arr * 255).astype(np.uint8)
    ours = make_grid(ember.from_numpy(u8), pad_value=255)
    ref = tv_utils.make_grid(torch.from_numpy(u8), pad_value=255)
    assert ours.dtype == ember.uint8
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())


@pytest.mark.parametrize("shape", [(5, 3, 4, 6), (1, 4, 6), (2, 1, 3, 3)])
def test_save_image_matches_torchvision(tmp_path, shape):
    torch = pytest.importorskip("torch")
    tv_utils = pytest.importorskip("torchvision.utils")
    Image = pytest.importorskip("PIL.Image")
    arr = _batch(8, shape)
    save_image(ember.from_numpy(arr.copy()), tmp_path / "ours.png", nrow=3)
    tv_utils.save_image(torch.from_numpy(arr.copy()), tmp_path / "ref.png", nrow=3)
    a, b = Image.open(tmp_path / "ours.png"), Image.open(tmp_path / "ref.png")
    assert a.mode == b.mode and a.size == b.size
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
