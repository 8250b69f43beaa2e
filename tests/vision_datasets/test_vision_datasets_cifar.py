import os
import pickle

import numpy as np
import pytest

import ember  # noqa: F401
from ember.vision import datasets
from ember.vision.datasets.cifar import _load_pickle

from vision_datasets_helpers import make_tar_gz, patch_cifar_md5s, write_cifar10_tree, write_cifar100_tree

PIL = pytest.importorskip("PIL.Image")


def _expected_hwc(rows):
    return rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


def test_cifar10_download_extract_parse(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    build = tmp_path / "build"
    folder, md5s, content, classes = write_cifar10_tree(str(build))
    tgz_md5 = make_tar_gz(folder, "cifar-10-batches-py", srv / "cifar-10-python.tar.gz")
    monkeypatch.setattr(datasets.CIFAR10, "url", url + "cifar-10-python.tar.gz")
    monkeypatch.setattr(datasets.CIFAR10, "tgz_md5", tgz_md5)
    patch_cifar_md5s(monkeypatch, datasets.CIFAR10, md5s)

    root = tmp_path / "data"
    train = datasets.CIFAR10(str(root), train=True, download=True)
    assert (root / "cifar-10-python.tar.gz").is_file() and (root / "cifar-10-batches-py" / "data_batch_3").is_file()
    test = datasets.CIFAR10(str(root), train=False)
    assert len(train) == 15 and len(test) == 3
    rows = np.concatenate([content[f"data_batch_{i}"][0] for i in range(1, 6)])
    assert isinstance(train.data, np.ndarray) and train.data.shape == (15, 32, 32, 3) and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data, _expected_hwc(rows))
    assert train.targets == sum((content[f"data_batch_{i}"][1] for i in range(1, 6)), [])
    assert train.classes == classes and train.class_to_idx["cat"] == 3
    img, y = test[1]
    assert isinstance(img, PIL.Image) and img.mode == "RGB" and img.size == (32, 32)
    assert type(y) is int and y == content["test_batch"][1][1]
    np.testing.assert_array_equal(np.asarray(img), _expected_hwc(content["test_batch"][0])[1])
    assert repr(test) == (f"Dataset CIFAR10\n    Number of datapoints: 3\n    Root location: {root}\n"
                          f"    Split: Test")


def test_cifar10_transforms(tmp_path, monkeypatch):
    folder, md5s, content, _ = write_cifar10_tree(str(tmp_path))
    patch_cifar_md5s(monkeypatch, datasets.CIFAR10, md5s)
    ds = datasets.CIFAR10(str(tmp_path), train=False, transform=lambda im: np.asarray(im).sum(),
                          target_transform=lambda y: (y, "label"))
    x, y = ds[0]
    assert x == int(content["test_batch"][0][0].astype(np.int64).sum())
    assert y == (content["test_batch"][1][0], "label")
    assert "StandardTransform" in repr(ds) and "Transform: <function" in repr(ds)


def test_cifar10_corrupted_and_missing(tmp_path, monkeypatch):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted. You can use download=True"):
        datasets.CIFAR10(str(tmp_path))
    folder, md5s, _, _ = write_cifar10_tree(str(tmp_path))
    # real torchvision md5s do not match our tiny files -> corrupted
    with pytest.raises(RuntimeError, match="corrupted"):
        datasets.CIFAR10(str(tmp_path))


def test_cifar10_wrong_archive_md5(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    folder, md5s, _, _ = write_cifar10_tree(str(tmp_path / "build"))
    make_tar_gz(folder, "cifar-10-batches-py", srv / "cifar-10-python.tar.gz")
    monkeypatch.setattr(datasets.CIFAR10, "url", url + "cifar-10-python.tar.gz")
    patch_cifar_md5s(monkeypatch, datasets.CIFAR10, md5s)
    with pytest.raises(RuntimeError, match="MD5"):
        datasets.CIFAR10(str(tmp_path / "data"), download=True)  # tgz_md5 is torchvision's real one


def test_cifar10_offline_error(dead_url, tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.CIFAR10, "url", dead_url + "cifar-10-python.tar.gz")
    with pytest.raises(RuntimeError) as ei:
        datasets.CIFAR10(str(tmp_path), download=True)
    msg = str(ei.value)
    assert dead_url + "cifar-10-python.tar.gz" in msg
    assert os.path.abspath(tmp_path / "cifar-10-python.tar.gz") in msg
    assert datasets.CIFAR10.tgz_md5 in msg


def test_cifar100_fine_labels(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    folder, md5s, content, fine_names = write_cifar100_tree(str(tmp_path / "build"))
    tgz_md5 = make_tar_gz(folder, "cifar-100-python", srv / "c100.tar.gz")
    monkeypatch.setattr(datasets.CIFAR100, "url", url + "c100.tar.gz")
    monkeypatch.setattr(datasets.CIFAR100, "tgz_md5", tgz_md5)
    patch_cifar_md5s(monkeypatch, datasets.CIFAR100, md5s)
    ds = datasets.CIFAR100(str(tmp_path / "data"), train=True, download=True)
    assert len(ds) == 4 and ds.targets == content["train"][1]
    assert ds.classes == fine_names and len(ds.class_to_idx) == 100
    np.testing.assert_array_equal(ds.data, _expected_hwc(content["train"][0]))
    te = datasets.CIFAR100(str(tmp_path / "data"), train=False)
    img, y = te[3]
    assert img.mode == "RGB" and y == content["test"][1][3]


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_restricted_unpickler_refuses_code(tmp_path):
    p = tmp_path / "evil"
    with open(p, "wb") as f:
        pickle.dump({"data": _Evil(), "labels": [1]}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load global 'posix.system'|Refusing to load global"):
        _load_pickle(str(p))


def test_restricted_unpickler_refuses_other_globals(tmp_path):
    p = tmp_path / "odd"
    with open(p, "wb") as f:
        pickle.dump({"labels": {1, 2}, "x": complex(1, 2), "r": range(3)}, f, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match=r"Refusing to load global .(__builtin__|builtins)\.set"):
        _load_pickle(str(p))


def test_restricted_unpickler_accepts_arrays_and_containers(tmp_path):
    obj = {"data": np.arange(12, dtype=np.uint8).reshape(3, 4), "f": np.array([1.5, 2.5]), "labels": [1, 2],
           "name": "batch", "raw": b"\x00\xff", "t": (1, 2.0, None, True), "s": np.int64(5)}
    for proto in (2, 4, 5):
        p = tmp_path / f"ok{proto}"
        with open(p, "wb") as f:
            pickle.dump(obj, f, protocol=proto)
        out = _load_pickle(str(p))
        np.testing.assert_array_equal(out["data"], obj["data"])
        np.testing.assert_array_equal(out["f"], obj["f"])
        assert out["labels"] == [1, 2] and out["name"] == "batch" and out["t"] == (1, 2.0, None, True)
        assert out["s"] == 5


def test_restricted_unpickler_reads_python2_style_latin1(tmp_path):
    # CIFAR's files were written by Python 2: the module is numpy.core.multiarray and the array
    # payload is a byte 'str' that decodes (encoding='latin1') to a Python 3 str. Build that.
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy 1.x
        from numpy.core.multiarray import _reconstruct
    arr = np.arange(256, dtype=np.uint8)

    class Py2Array:
        def __reduce__(self):
            return (_reconstruct, (np.ndarray, (0,), b"b"),
                    (1, (256,), np.dtype("uint8"), False, arr.tobytes().decode("latin1")))

    data = pickle.dumps({"data": Py2Array(), "labels": [3]}, protocol=2)
    data = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert b"cnumpy.core.multiarray\n_reconstruct" in data
    (tmp_path / "py2").write_bytes(data)
    out = _load_pickle(str(tmp_path / "py2"))
    np.testing.assert_array_equal(out["data"], arr)
    assert out["labels"] == [3]


# ----------------------------------------------------------------------------- torchvision oracle
@pytest.mark.parametrize("train", [True, False])
def test_cifar10_matches_torchvision(train, tmp_path, monkeypatch):
    tvd = pytest.importorskip("torchvision.datasets")
    folder, md5s, _, _ = write_cifar10_tree(str(tmp_path), per_batch=2, seed=5)
    patch_cifar_md5s(monkeypatch, datasets.CIFAR10, md5s)
    patch_cifar_md5s(monkeypatch, tvd.CIFAR10, md5s)
    ours, theirs = datasets.CIFAR10(str(tmp_path), train=train), tvd.CIFAR10(str(tmp_path), train=train)
    assert len(ours) == len(theirs) and ours.targets == theirs.targets
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours.data, theirs.data)
    for i in range(len(ours)):
        (a, ya), (b, yb) = ours[i], theirs[i]
        assert a.mode == b.mode == "RGB" and ya == yb
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_cifar100_matches_torchvision(tmp_path, monkeypatch):
    tvd = pytest.importorskip("torchvision.datasets")
    folder, md5s, _, _ = write_cifar100_tree(str(tmp_path))
    patch_cifar_md5s(monkeypatch, datasets.CIFAR100, md5s)
    patch_cifar_md5s(monkeypatch, tvd.CIFAR100, md5s)
    ours, theirs = datasets.CIFAR100(str(tmp_path)), tvd.CIFAR100(str(tmp_path))
    assert ours.targets == theirs.targets and ours.classes == theirs.classes
    np.testing.assert_array_equal(ours.data, theirs.data)
