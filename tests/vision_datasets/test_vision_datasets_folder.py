import os

import numpy as np
import pytest

import ember  # noqa: F401
from ember.vision import datasets
from ember.vision.datasets.folder import IMG_EXTENSIONS, find_classes, has_file_allowed_extension, make_dataset

from vision_datasets_helpers import md5_of, write_png_tree

PIL = pytest.importorskip("PIL.Image")


def test_imagefolder_items_and_attributes(tmp_path):
    root = write_png_tree(str(tmp_path / "imgs"), classes=("dog", "cat", "bird"), per_class=3)
    ds = datasets.ImageFolder(root)
    assert ds.classes == ["bird", "cat", "dog"]
    assert ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert len(ds) == 9 and ds.imgs is ds.samples
    assert ds.targets == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert ds.samples[4] == (os.path.join(root, "cat", "1.png"), 1)
    for i in range(len(ds)):
        img, y = ds[i]
        assert isinstance(img, PIL.Image) and img.mode == "RGB" and img.size == (5, 4) and y == ds.targets[i]
        with PIL.open(ds.samples[i][0]) as ref:
            np.testing.assert_array_equal(np.asarray(img), np.asarray(ref.convert("RGB")))
    assert repr(ds) == f"Dataset ImageFolder\n    Number of datapoints: 9\n    Root location: {root}"


def test_imagefolder_transform_loader_and_is_valid_file(tmp_path):
    root = write_png_tree(str(tmp_path / "imgs"))
    ds = datasets.ImageFolder(root, transform=lambda im: im.size, target_transform=lambda y: y + 100,
                              loader=lambda p: PIL.open(p).convert("L"), is_valid_file=lambda p: p.endswith("0.png"))
    assert len(ds) == 2
    assert ds[0] == ((5, 4), 100) and ds[1] == ((5, 4), 101)


def test_datasetfolder_custom_loader(tmp_path):
    for c in ("a", "b"):
        os.makedirs(tmp_path / c / "nested")
        np.save(tmp_path / c / "x.npy", np.full(3, ord(c)))
        np.save(tmp_path / c / "nested" / "y.npy", np.full(2, ord(c)))
    (tmp_path / "a" / "skip.txt").write_text("-")
    ds = datasets.DatasetFolder(str(tmp_path), loader=np.load, extensions=(".npy",))
    assert len(ds) == 4 and ds.extensions == (".npy",) and ds.targets == [0, 0, 1, 1]
    x, y = ds[0]
    assert y == 0 and x.tolist() == [97, 97, 97]  # a/x.npy, then a/nested/y.npy (sorted os.walk)
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        datasets.DatasetFolder(str(tmp_path), loader=np.load)


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(tmp_path))
    (tmp_path / "empty_class").mkdir()
    write_png_tree(str(tmp_path), classes=("full",), per_class=1)
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty_class"):
        datasets.ImageFolder(str(tmp_path))
    ds = datasets.ImageFolder(str(tmp_path), allow_empty=True)
    assert ds.classes == ["empty_class", "full"] and ds.targets == [1]


def test_folder_helpers():
    assert has_file_allowed_extension("X.JPEG", IMG_EXTENSIONS) and not has_file_allowed_extension("x.gif", ".png")
    with pytest.raises(ValueError, match="'class_to_index' must have at least one entry"):
        make_dataset(".", class_to_idx={}, extensions=(".png",))


def test_imagefolder_matches_torchvision(tmp_path):
    tvd = pytest.importorskip("torchvision.datasets")
    root = write_png_tree(str(tmp_path / "imgs"), classes=("z", "a", "m"), per_class=4, seed=3)
    os.makedirs(os.path.join(root, "a", "deeper"))
    PIL.fromarray(np.zeros((3, 3), np.uint8)).save(os.path.join(root, "a", "deeper", "d.png"))
    ours, theirs = datasets.ImageFolder(root), tvd.ImageFolder(root)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert ours.samples == theirs.samples and ours.targets == theirs.targets
    assert repr(ours) == repr(theirs)
    for i in range(len(ours)):
        (a, ya), (b, yb) = ours[i], theirs[i]
        assert a.mode == b.mode and ya == yb
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    f1, f2 = find_classes(root), tvd.folder.find_classes(root)
    assert f1 == f2


# ----------------------------------------------------------------------------- SVHN
def _write_svhn(path, n, seed=0):
    sio = pytest.importorskip("scipy.io")
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
    y = rng.integers(1, 11, (n, 1)).astype(np.uint8)
    y[0, 0] = 10  # the digit 0 is stored as 10
    sio.savemat(path, {"X": X, "y": y})
    return X, y


def test_svhn_download_and_parse(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    X, y = _write_svhn(str(srv / "test_32x32.mat"), 5)
    split_list = dict(datasets.SVHN.split_list)
    split_list["test"] = [url + "test_32x32.mat", "test_32x32.mat", md5_of(srv / "test_32x32.mat")]
    monkeypatch.setattr(datasets.SVHN, "split_list", split_list)
    ds = datasets.SVHN(str(tmp_path / "svhn"), split="test", download=True)
    assert (tmp_path / "svhn" / "test_32x32.mat").is_file()
    assert len(ds) == 5 and ds.data.shape == (5, 3, 32, 32) and ds.data.dtype == np.uint8
    expected = y[:, 0].astype(np.int64)
    expected[expected == 10] = 0
    np.testing.assert_array_equal(ds.labels, expected)
    np.testing.assert_array_equal(ds.targets, expected)
    assert ds.labels[0] == 0 and ds.labels.dtype == np.int64
    img, t = ds[2]
    assert isinstance(img, PIL.Image) and img.mode == "RGB" and img.size == (32, 32) and t == int(expected[2])
    np.testing.assert_array_equal(np.asarray(img), X[:, :, :, 2])
    assert ds.classes == [str(i) for i in range(10)] and ds.class_to_idx["7"] == 7
    assert repr(ds).endswith("Split: test")
    ds2 = datasets.SVHN(str(tmp_path / "svhn"), split="test", transform=lambda im: np.asarray(im).shape,
                        target_transform=str)
    assert ds2[1] == ((32, 32, 3), str(int(expected[1])))


def test_svhn_errors(tmp_path, dead_url, monkeypatch):
    with pytest.raises(ValueError, match="Unknown value 'val' for argument split"):
        datasets.SVHN(str(tmp_path), split="val")
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        datasets.SVHN(str(tmp_path), split="train")
    split_list = dict(datasets.SVHN.split_list)
    split_list["train"] = [dead_url + "train_32x32.mat", "train_32x32.mat", "f" * 32]
    monkeypatch.setattr(datasets.SVHN, "split_list", split_list)
    with pytest.raises(RuntimeError) as ei:
        datasets.SVHN(str(tmp_path), download=True)
    assert dead_url + "train_32x32.mat" in str(ei.value)
    assert os.path.abspath(tmp_path / "train_32x32.mat") in str(ei.value)


def test_svhn_matches_torchvision(tmp_path, monkeypatch):
    tvd = pytest.importorskip("torchvision.datasets")
    _write_svhn(str(tmp_path / "train_32x32.mat"), 4, seed=9)
    md5 = md5_of(tmp_path / "train_32x32.mat")
    for cls in (datasets.SVHN, tvd.SVHN):
        sl = dict(cls.split_list)
        sl["train"] = [sl["train"][0], "train_32x32.mat", md5]
        monkeypatch.setattr(cls, "split_list", sl)
    ours, theirs = datasets.SVHN(str(tmp_path)), tvd.SVHN(str(tmp_path))
    np.testing.assert_array_equal(ours.data, theirs.data)
    np.testing.assert_array_equal(ours.labels, theirs.labels)
    assert repr(ours) == repr(theirs)
    for i in range(4):
        (a, ya), (b, yb) = ours[i], theirs[i]
        assert ya == yb
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


# ----------------------------------------------------------------------------- FakeData
def test_fakedata_deterministic_items():
    ds = datasets.FakeData(size=6, image_size=(3, 7, 5), num_classes=4, random_offset=2)
    assert len(ds) == 6
    img, y = ds[3]
    assert isinstance(img, PIL.Image) and img.mode == "RGB" and img.size == (5, 7) and 0 <= y < 4
    img2, y2 = ds[3]
    np.testing.assert_array_equal(np.asarray(img), np.asarray(img2))
    assert y == y2
    other = datasets.FakeData(size=6, image_size=(3, 7, 5), num_classes=4, random_offset=3)
    np.testing.assert_array_equal(np.asarray(other[2][0]), np.asarray(img))  # seed = index + offset
    assert not np.array_equal(np.asarray(ds[0][0]), np.asarray(ds[1][0]))
    labels = [datasets.FakeData(size=200, num_classes=4, image_size=(1, 2, 2))[i][1] for i in range(200)]
    assert set(labels) == {0, 1, 2, 3}
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[6]


def test_fakedata_modes_transforms_repr():
    g = datasets.FakeData(size=2, image_size=(1, 4, 4), transform=lambda im: im.mode, target_transform=lambda y: -1)
    assert g[0] == ("L", -1)
    assert datasets.FakeData(size=1, image_size=(4, 2, 2))[0][0].mode == "RGBA"
    assert repr(datasets.FakeData(size=3)) == "Dataset FakeData\n    Number of datapoints: 3"
    with pytest.raises(ValueError, match="image_size"):
        datasets.FakeData(image_size=(2, 4, 4))


def test_vision_dataset_base_rules():
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform can be passed as argument"):
        datasets.VisionDataset("r", transforms=lambda a, b: (a, b), transform=lambda a: a)
    st = datasets.StandardTransform(None, lambda y: y * 2)
    assert st("img", 4) == ("img", 8)
    tv = pytest.importorskip("torchvision.datasets.vision")
    f = lambda x: x  # noqa: E731
    assert repr(datasets.StandardTransform(f, f)) == repr(tv.StandardTransform(f, f))


def test_ember_vision_lazy_submodules():
    import importlib
    import sys

    import ember.vision

    assert "datasets" in dir(ember.vision)
    assert ember.vision.datasets is importlib.import_module("ember.vision.datasets")
    assert "ember.vision.datasets" in sys.modules
    with pytest.raises(AttributeError, match="ember does not implement torchvision.nope yet"):
        ember.vision.nope


def _block_import(monkeypatch, prefix):
    import builtins

    real_import = builtins.__import__

    def guarded(name, *a, **k):
        if name == prefix or name.startswith(prefix + "."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", guarded)


def test_missing_pillow_names_the_extra(monkeypatch):
    ds = datasets.Digits(train=False)
    _block_import(monkeypatch, "PIL")
    with pytest.raises(ImportError, match=r'pip install "ember\[vision\]"'):
        ds[0]
    assert tuple(ds.data.shape) == (359, 8, 8)  # the tensors need no Pillow


def test_svhn_missing_scipy_message(tmp_path, monkeypatch):
    (tmp_path / "test_32x32.mat").write_bytes(b"whatever")
    sl = dict(datasets.SVHN.split_list)
    sl["test"] = [sl["test"][0], "test_32x32.mat", md5_of(tmp_path / "test_32x32.mat")]
    monkeypatch.setattr(datasets.SVHN, "split_list", sl)
    _block_import(monkeypatch, "scipy")
    with pytest.raises(ImportError, match="needs SciPy: pip install scipy"):
        datasets.SVHN(str(tmp_path), split="test")
