"""interpolate / grid_sample / affine_grid / pad / pixel_shuffle against torch."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

from conv_helpers import compare, rand

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area"])
@pytest.mark.parametrize("kw", [dict(size=(5, 11)), dict(scale_factor=2), dict(size=(3, 2)),
                                dict(scale_factor=(1.7, 0.6)),
                                dict(scale_factor=(2.5, 1.3), recompute_scale_factor=True)])
def test_interpolate_nearest_area_match_torch(mode, kw):
    rng = np.random.default_rng(0)
    x = rand(rng, 2, 3, 6, 7)
    compare(lambda a: F.interpolate(a, mode=mode, **kw),
            lambda a: TF.interpolate(a, mode=mode, **kw), [x], np.float32)


@pytest.mark.parametrize("mode,shape", [("linear", (2, 3, 7)), ("bilinear", (2, 3, 6, 7)),
                                        ("bicubic", (1, 2, 6, 7)), ("trilinear", (1, 2, 3, 4, 5))])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("kind", ["up", "down", "scale", "odd_scale"])
def test_interpolate_linear_modes_match_torch(mode, shape, align_corners, kind):
    rng = np.random.default_rng(1)
    nd = len(shape) - 2
    x = rand(rng, *shape)
    kw = {"up": dict(size=tuple(s * 2 + 1 for s in shape[2:])),
          "down": dict(size=tuple(max(1, s // 2) for s in shape[2:])),
          "scale": dict(scale_factor=2.0),
          "odd_scale": dict(scale_factor=(1.5,) * nd)}[kind]
    for dtype in (np.float32, np.float64):
        compare(lambda a: F.interpolate(a, mode=mode, align_corners=align_corners, **kw),
                lambda a: TF.interpolate(a, mode=mode, align_corners=align_corners, **kw),
                [x], dtype)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("size", [(3, 4), (9, 5)])
def test_interpolate_antialias_matches_torch(mode, size):
    rng = np.random.default_rng(2)
    x = rand(rng, 1, 2, 8, 10)
    compare(lambda a: F.interpolate(a, size=size, mode=mode, antialias=True),
            lambda a: TF.interpolate(a, size=size, mode=mode, antialias=True), [x], np.float64)


def test_interpolate_errors_match_torch():
    x = ember.randn(1, 3, 8, 8)
    t = torch.randn(1, 3, 8, 8)
    for kw in (dict(scale_factor=2, align_corners=True), dict(), dict(size=3, scale_factor=2),
               dict(mode="linear", scale_factor=2)):
        with pytest.raises(Exception) as ti:
            TF.interpolate(t, **kw)
        with pytest.raises(type(ti.value)) as ei:
            F.interpolate(x, **kw)
        assert str(ei.value) == str(ti.value)


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_matches_torch(mode, padding_mode, align_corners):
    rng = np.random.default_rng(3)
    x = rand(rng, 2, 3, 5, 6, dtype=np.float64)
    grid = (rng.random((2, 4, 7, 2)) * 3 - 1.5)   # includes out-of-range locations
    compare(lambda a, g: F.grid_sample(a, g, mode, padding_mode, align_corners),
            lambda a, g: TF.grid_sample(a, g, mode, padding_mode, align_corners),
            [x, grid], np.float64, tol=dict(rtol=1e-6, atol=1e-8))


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_torch(align_corners):
    rng = np.random.default_rng(4)
    compare(lambda th: F.affine_grid(th, (2, 3, 4, 5), align_corners),
            lambda th: TF.affine_grid(th, (2, 3, 4, 5), align_corners),
            [rand(rng, 2, 2, 3)], np.float64)
    compare(lambda th: F.affine_grid(th, (1, 1, 2, 3, 4), align_corners),
            lambda th: TF.affine_grid(th, (1, 1, 2, 3, 4), align_corners),
            [rand(rng, 1, 3, 4)], np.float64)


PADS = [
    ("constant", (2, 3, 8), (1, 2)),
    ("constant", (2, 3, 8), (-1, 2, 1, 1, 0, 1)),
    ("reflect", (2, 3, 8), (3, 2)),
    ("reflect", (3, 5, 6), (1, 2, 3, 4)),
    ("reflect", (1, 2, 3, 4, 5), (1, 2, 1, 0, 2, 1)),
    ("replicate", (2, 5), (3, 4)),
    ("replicate", (1, 2, 4, 5), (2, 1, 0, 3)),
    ("replicate", (2, 3, 3, 4), (1, 1, 1, 1, 2, 2)),
    ("circular", (2, 3, 6), (2, 3)),
    ("circular", (1, 2, 4, 5), (1, 2, 3, 1)),
    ("circular", (1, 2, 4, 5), (-1, 2, 3, -1)),
    ("circular", (1, 1, 3, 3, 3), (1, 1, 1, 1, 1, 1)),
]


@pytest.mark.parametrize("mode,shape,pads", PADS)
def test_pad_matches_torch(mode, shape, pads):
    rng = np.random.default_rng(5)
    compare(lambda a: F.pad(a, pads, mode=mode), lambda a: TF.pad(a, pads, mode=mode),
            [rand(rng, *shape)], np.float64)


def test_pad_value_and_errors_match_torch():
    rng = np.random.default_rng(6)
    compare(lambda a: F.pad(a, (1, 1, 2, 0), value=3.5), lambda a: TF.pad(a, (1, 1, 2, 0), value=3.5),
            [rand(rng, 2, 3, 4)])
    cases = [((1, 2, 2), (2, 2), "reflect"), ((1, 2, 2), (3, 3), "circular"),
             ((2, 2), (1, 1, 1, 1), "reflect"), ((1, 2, 2), (1, 1, 1), "constant"),
             ((1, 2, 2), (1,) * 8, "constant")]
    for shape, pads, mode in cases:
        with pytest.raises(Exception) as ti:
            TF.pad(torch.randn(*shape), pads, mode=mode)
        with pytest.raises(type(ti.value)) as ei:
            F.pad(ember.randn(*shape), pads, mode=mode)
        assert str(ei.value) == str(ti.value)


def test_pixel_shuffle_unshuffle_channel_shuffle_match_torch():
    rng = np.random.default_rng(7)
    compare(lambda a: F.pixel_shuffle(a, 2), lambda a: TF.pixel_shuffle(a, 2), [rand(rng, 2, 8, 3, 4)])
    compare(lambda a: F.pixel_shuffle(a, 3), lambda a: TF.pixel_shuffle(a, 3), [rand(rng, 9, 2, 2)])
    compare(lambda a: F.pixel_unshuffle(a, 2), lambda a: TF.pixel_unshuffle(a, 2),
            [rand(rng, 2, 3, 4, 6)])
    compare(lambda a: F.channel_shuffle(a, 3), lambda a: TF.channel_shuffle(a, 3),
            [rand(rng, 2, 6, 2, 3)])
    with pytest.raises(RuntimeError) as ei:
        F.pixel_shuffle(ember.randn(1, 3, 8, 8), 2)
    with pytest.raises(RuntimeError) as ti:
        TF.pixel_shuffle(torch.randn(1, 3, 8, 8), 2)
    assert str(ei.value) == str(ti.value)
