"""ember.vision.io against torchvision.io on files the test writes."""
import numpy as np
import pytest

import ember
import ember.vision.io as eio

tvio = pytest.importorskip("torchvision.io")
Image = pytest.importorskip("PIL.Image")


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA"])
def test_read_image_matches_torchvision(tmp_path, mode):
    rng = np.random.default_rng(0)
    shape = (9, 7, 4) if mode == "RGBA" else (9, 7, 3) if mode == "RGB" else (9, 7)
    arr = rng.integers(0, 256, shape, dtype=np.uint8)
    path = str(tmp_path / "img.png")
    Image.fromarray(arr, mode=mode).save(path)
    e = eio.read_image(path)
    t = tvio.read_image(path)
    assert e.dtype is ember.uint8 and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    g = eio.read_image(path, eio.ImageReadMode.GRAY)
    tg = tvio.read_image(path, tvio.ImageReadMode.GRAY)
    assert tuple(g.shape) == tuple(tg.shape)
    assert np.abs(g.numpy().astype(int) - tg.numpy().astype(int)).max() <= 1


def test_png_roundtrip_and_torchvision_decodes_ours(tmp_path):
    img = ember.randint(0, 256, (3, 5, 6), dtype=ember.uint8)
    path = str(tmp_path / "out.png")
    eio.write_png(img, path)
    np.testing.assert_array_equal(tvio.read_image(path).numpy(), img.numpy())
    np.testing.assert_array_equal(eio.decode_image(eio.read_file(path)).numpy(), img.numpy())


def test_jpeg_encode_is_decodable(tmp_path):
    img = ember.full((3, 16, 16), 128, dtype=ember.uint8)
    data = eio.encode_jpeg(img, quality=95)
    back = eio.decode_image(data)
    assert np.abs(back.numpy().astype(int) - 128).max() <= 2


def test_set_num_threads_roundtrip():
    before = ember.get_num_threads()
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    ember.set_num_threads(before)
    assert ember.get_num_threads() == before
    with pytest.raises(RuntimeError):
        ember.set_num_threads(0)
