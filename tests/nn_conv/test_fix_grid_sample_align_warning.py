"""``F.affine_grid`` / ``F.grid_sample`` without ``align_corners`` warn as torch (the spatial
transformer tutorial calls both without it); an explicit value does not warn."""
import warnings

import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message)) for w in caught]


def _calls(lib, fn_mod, align):
    kw = {} if align == "default" else {"align_corners": align}
    theta = lib.tensor([[[0.9, 0.1, 0.0], [-0.1, 1.1, 0.05]]])
    x = lib.arange(16.).reshape(1, 1, 4, 4)
    grid = fn_mod.affine_grid(theta, x.size(), align_corners=False)
    return {"affine_grid": lambda: fn_mod.affine_grid(theta, x.size(), **kw),
            "grid_sample": lambda: fn_mod.grid_sample(x, grid, **kw)}


@pytest.mark.parametrize("align", ["default", False, True])
@pytest.mark.parametrize("which", ["affine_grid", "grid_sample"])
def test_align_corners_warning_matches_torch(which, align):
    expected = _warnings_of(_calls(torch, TF, align)[which])
    got = _warnings_of(_calls(ember, F, align)[which])
    assert got == expected
    assert (len(got) == 1) == (align == "default")


def test_default_align_corners_is_false_and_warning_points_at_the_caller():
    theta = ember.tensor([[[0.9, 0.1, 0.0], [-0.1, 1.1, 0.05]]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = F.affine_grid(theta, (1, 1, 3, 3))
    assert caught[0].filename == __file__
    ember.testing.assert_close(g, F.affine_grid(theta, (1, 1, 3, 3), align_corners=False))
