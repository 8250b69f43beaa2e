import os

import numpy as np
import pytest

import ember
from ember.vision.datasets import Digits

PIL = pytest.importorskip("PIL.Image")


def test_digits_sizes_and_attributes():
    train, test = Digits(), Digits(train=False)
    assert len(train) == 1438 and len(test) == 359
    assert isinstance(train.data, ember.Tensor) and isinstance(train.targets, ember.Tensor)
    assert tuple(train.data.shape) == (1438, 8, 8) and train.data.dtype == ember.uint8
    assert tuple(test.targets.shape) == (359,) and test.targets.dtype == ember.int64
    assert train.classes == [str(i) for i in range(10)]
    assert train.class_to_idx == {str(i): i for i in range(10)}


def test_digits_pixel_range_and_scaling():
    data = np.concatenate([Digits().data.numpy(), Digits(train=False).data.numpy()])
    assert data.min() == 0 and data.max() == 255
    # every value is round(v * 255 / 16) of an original 0..16 value
    allowed = {int(round(v * 255 / 16)) for v in range(17)}
    assert set(np.unique(data).tolist()) <= allowed
    # digits have ink in the middle of the image and little at the left/right borders
    assert data[:, :, 3:5].mean() > 3 * data[:, :, 0].mean()


def test_digits_class_balance_and_disjoint_split():
    tr, te = Digits().targets.numpy(), Digits(train=False).targets.numpy()
    ctr, cte = np.bincount(tr, minlength=10), np.bincount(te, minlength=10)
    assert ctr.sum() + cte.sum() == 1797
    assert ctr.min() >= 135 and ctr.max() <= 150          # ~80% of ~180 per class
    assert cte.min() >= 33 and cte.max() <= 38            # ~20% per class (stratified)
    # no image is in both splits (compare whole images with their labels)
    rows_tr = {(bytes(x), int(y)) for x, y in zip(Digits().data.numpy(), tr)}
    dup = sum((bytes(x), int(y)) in rows_tr for x, y in zip(Digits(train=False).data.numpy(), te))
    assert dup <= 5  # the UCI set holds a handful of exact duplicate images


def test_digits_deterministic_and_items():
    a, b = Digits(train=False), Digits(train=False)
    np.testing.assert_array_equal(a.data.numpy(), b.data.numpy())
    np.testing.assert_array_equal(a.targets.numpy(), b.targets.numpy())
    img, target = a[5]
    assert isinstance(img, PIL.Image) and img.mode == "L" and img.size == (8, 8)
    assert isinstance(target, int) and target == int(a.targets.numpy()[5])
    np.testing.assert_array_equal(np.asarray(img), a.data.numpy()[5])
    img_last, _ = a[-1]
    np.testing.assert_array_equal(np.asarray(img_last), a.data.numpy()[-1])


def test_digits_transforms_and_ignored_root(tmp_path):
    ds = Digits(root=str(tmp_path), train=True, download=True,
                transform=lambda im: np.asarray(im, dtype=np.float32) / 255.0,
                target_transform=lambda y: y * 10)
    x, y = ds[3]
    assert x.dtype == np.float32 and x.shape == (8, 8) and 0.0 <= x.min() and x.max() <= 1.0
    assert y == 10 * int(ds.targets.numpy()[3])
    assert not os.listdir(tmp_path)  # nothing written: the data is embedded


def test_digits_repr():
    assert repr(Digits(train=False)) == "Dataset Digits\n    Number of datapoints: 359\n    Split: Test"
    r = repr(Digits(root="somewhere", transform=lambda x: x)).splitlines()
    assert r[:4] == ["Dataset Digits", "    Number of datapoints: 1438", "    Root location: somewhere",
                     "    Split: Train"]
    assert r[4] == "    StandardTransform" and r[5].startswith("Transform: <function")  # torchvision indents only the first line


def test_digits_matches_uci_statistics():
    # load_digits: 178/182/177/183/181/182/181/179/174/180 images of 0..9
    allt = np.concatenate([Digits().targets.numpy(), Digits(train=False).targets.numpy()])
    assert np.bincount(allt).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_works_with_ember_dataloader():
    data_mod = pytest.importorskip("ember.utils.data")
    if not hasattr(data_mod, "DataLoader"):
        pytest.skip("ember.utils.data.DataLoader not available yet")
    ds = Digits(train=False, transform=lambda im: ember.from_numpy(np.asarray(im, dtype=np.float32)[None] / 255))
    xb, yb = next(iter(data_mod.DataLoader(ds, batch_size=16)))
    assert tuple(xb.shape) == (16, 1, 8, 8) and tuple(yb.shape) == (16,)
    np.testing.assert_array_equal(yb.numpy(), ds.targets.numpy()[:16])
