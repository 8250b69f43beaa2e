import gzip
import os
import shutil
import zipfile

import numpy as np
import pytest

import ember
from ember.vision import datasets
from ember.vision.datasets.mnist import read_image_file, read_label_file, read_sn3_pascalvincent_tensor

from vision_datasets_helpers import idx_bytes, md5_of, write_mnist_gz

PIL = pytest.importorskip("PIL.Image")


def _serve_mnist(monkeypatch, cls, url, srv, **kw):
    md5s, arrays = write_mnist_gz(str(srv), **kw)
    monkeypatch.setattr(cls, "mirrors", [url])
    monkeypatch.setattr(cls, "resources", [(n, md5s[n]) for n, _ in cls.resources])
    return arrays


@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
def test_mnist_family_download_and_parse(cls, http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    arrays = _serve_mnist(monkeypatch, cls, url, srv)
    root = tmp_path / "data"
    train = cls(str(root), train=True, download=True)
    test = cls(str(root), train=False)
    raw = root / cls.__name__ / "raw"
    for name in arrays:
        assert (raw / name).is_file() and (raw / (name + ".gz")).is_file()
    assert len(train) == 7 and len(test) == 5
    assert isinstance(train.data, ember.Tensor) and train.data.dtype == ember.uint8
    assert tuple(train.data.shape) == (7, 28, 28)
    assert train.targets.dtype == ember.int64
    np.testing.assert_array_equal(train.data.numpy(), arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(test.targets.numpy(), arrays["t10k-labels-idx1-ubyte"].astype(np.int64))
    img, target = test[2]
    assert isinstance(img, PIL.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == int(arrays["t10k-labels-idx1-ubyte"][2])
    np.testing.assert_array_equal(np.asarray(img), arrays["t10k-images-idx3-ubyte"][2])
    assert train.class_to_idx == {c: i for i, c in enumerate(cls.classes)} and len(train.classes) == 10


def test_mnist_transforms_applied(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    arrays = _serve_mnist(monkeypatch, datasets.MNIST, url, srv)
    ds = datasets.MNIST(str(tmp_path), download=True,
                        transform=lambda im: np.asarray(im, dtype=np.float32) / 255.0,
                        target_transform=lambda y: -y)
    x, y = ds[1]
    np.testing.assert_allclose(x, arrays["train-images-idx3-ubyte"][1] / 255.0, rtol=1e-6)
    assert y == -int(arrays["train-labels-idx1-ubyte"][1])


def test_mnist_repr(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    _serve_mnist(monkeypatch, datasets.MNIST, url, srv)
    ds = datasets.MNIST(str(tmp_path), train=False, download=True)
    assert repr(ds) == f"Dataset MNIST\n    Number of datapoints: 5\n    Root location: {tmp_path}\n    Split: Test"


def test_mnist_reads_gz_placed_by_hand(tmp_path):
    _, arrays = write_mnist_gz(str(tmp_path / "MNIST" / "raw"), n_train=3, n_test=2)
    ds = datasets.MNIST(str(tmp_path), train=True)  # only .gz files present, no download
    np.testing.assert_array_equal(ds.data.numpy(), arrays["train-images-idx3-ubyte"])


def test_mnist_truncated_gz_is_a_clear_error(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    write_mnist_gz(str(raw), n_train=3, n_test=2)
    p = raw / "train-images-idx3-ubyte.gz"
    p.write_bytes(p.read_bytes()[:40])
    with pytest.raises(RuntimeError, match="corrupted gzip file"):
        datasets.MNIST(str(tmp_path), train=True)


def test_mnist_missing_without_download(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True to download it"):
        datasets.MNIST(str(tmp_path))


def test_mnist_download_wrong_md5(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    write_mnist_gz(str(srv))
    monkeypatch.setattr(datasets.MNIST, "mirrors", [url])
    monkeypatch.setattr(datasets.MNIST, "resources", [(n, "0" * 32) for n, _ in datasets.MNIST.resources])
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz") as ei:
        datasets.MNIST(str(tmp_path), download=True)
    assert "MD5" in str(ei.value)
    assert not (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").exists()


def test_mnist_offline_error_names_urls_and_path(http_server, dead_url, tmp_path, monkeypatch):
    url, srv, _ = http_server
    _serve_mnist(monkeypatch, datasets.MNIST, url, srv)
    # first mirror dead, second has no such file: both named; the manual path is given
    monkeypatch.setattr(datasets.MNIST, "mirrors", [dead_url, url + "nothing/"])
    with pytest.raises(RuntimeError) as ei:
        datasets.MNIST(str(tmp_path), download=True)
    msg = str(ei.value)
    assert dead_url + "train-images-idx3-ubyte.gz" in msg
    assert url + "nothing/train-images-idx3-ubyte.gz" in msg
    assert os.path.abspath(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte.gz") in msg


def test_mnist_second_mirror_used(http_server, dead_url, tmp_path, monkeypatch):
    url, srv, _ = http_server
    arrays = _serve_mnist(monkeypatch, datasets.MNIST, url, srv)
    monkeypatch.setattr(datasets.MNIST, "mirrors", [dead_url, url])
    ds = datasets.MNIST(str(tmp_path), train=False, download=True)
    np.testing.assert_array_equal(ds.targets.numpy(), arrays["t10k-labels-idx1-ubyte"])


def test_idx_reader_dtypes_and_checks(tmp_path):
    for code, dt in [(0x08, np.uint8), (0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32), (0x0D, np.float32),
                     (0x0E, np.float64)]:
        arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(dt)
        if dt == np.uint8:
            arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
        p = tmp_path / f"t{code}.idx"
        p.write_bytes(idx_bytes(arr, code))
        t = read_sn3_pascalvincent_tensor(str(p))
        assert t.numpy().dtype == dt
        np.testing.assert_array_equal(t.numpy(), arr)
    bad = tmp_path / "bad.idx"
    bad.write_bytes(b"\x01\x02\x08\x01" + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        read_sn3_pascalvincent_tensor(str(bad))
    short = tmp_path / "short.idx"
    short.write_bytes(idx_bytes(np.zeros((2, 3, 3), np.uint8))[:-4])
    with pytest.raises(RuntimeError, match="truncated"):
        read_image_file(str(short))
    lab = tmp_path / "lab.idx"
    lab.write_bytes(idx_bytes(np.zeros((2, 3), np.uint8)))
    with pytest.raises(ValueError, match="1 dimension"):
        read_label_file(str(lab))
    gz = tmp_path / "lab.gz"
    with gzip.open(gz, "wb") as f:
        f.write(idx_bytes(np.array([3, 1, 4], np.uint8)))
    lab_t = read_label_file(str(gz))
    assert lab_t.dtype == ember.int64 and lab_t.numpy().tolist() == [3, 1, 4]


def test_emnist_download_zip_and_splits(http_server, tmp_path, monkeypatch):
    url, srv, _ = http_server
    build = tmp_path / "build" / "gzip"
    build.mkdir(parents=True)
    rng = np.random.default_rng(7)
    arrays = {}
    for split in ("letters", "digits"):
        for part, n in (("train", 4), ("test", 3)):
            imgs = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            labs = rng.integers(1, 27, n, dtype=np.uint8)
            arrays[(split, part)] = (imgs, labs)
            for kind, arr in (("images-idx3", imgs), ("labels-idx1", labs)):
                with gzip.open(build / f"emnist-{split}-{part}-{kind}-ubyte.gz", "wb") as f:
                    f.write(idx_bytes(arr))
    with zipfile.ZipFile(srv / "gzip.zip", "w") as zf:
        for p in sorted(build.iterdir()):
            zf.write(p, f"gzip/{p.name}")
    monkeypatch.setattr(datasets.EMNIST, "url", url + "gzip.zip")
    monkeypatch.setattr(datasets.EMNIST, "md5", md5_of(srv / "gzip.zip"))
    ds = datasets.EMNIST(str(tmp_path / "root"), split="letters", train=False, download=True)
    assert not (tmp_path / "root" / "EMNIST" / "raw" / "gzip").exists()
    imgs, labs = arrays[("letters", "test")]
    np.testing.assert_array_equal(ds.data.numpy(), imgs)
    np.testing.assert_array_equal(ds.targets.numpy(), labs)
    assert ds.classes[:3] == ["N/A", "a", "b"] and len(ds.classes) == 27
    img, y = ds[0]
    assert img.mode == "L" and y == int(labs[0])
    dig = datasets.EMNIST(str(tmp_path / "root"), split="digits", train=True)
    assert len(dig) == 4 and dig.classes == [str(i) for i in range(10)]
    assert repr(dig).endswith("Split: Train")
    with pytest.raises(ValueError, match="Unknown value 'nope' for argument split"):
        datasets.EMNIST(str(tmp_path / "root"), split="nope")


# ----------------------------------------------------------------------------- torchvision oracle
@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST"])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_matches_torchvision(name, train, tmp_path):
    tvd = pytest.importorskip("torchvision.datasets")
    _, arrays = write_mnist_gz(str(tmp_path / name / "raw"), n_train=6, n_test=4, seed=11)
    for fname in list(os.listdir(tmp_path / name / "raw")):  # torchvision needs the unpacked files
        with gzip.open(tmp_path / name / "raw" / fname) as src, open(tmp_path / name / "raw" / fname[:-3], "wb") as dst:
            shutil.copyfileobj(src, dst)
    ours = getattr(datasets, name)(str(tmp_path), train=train)
    theirs = getattr(tvd, name)(str(tmp_path), train=train)
    assert len(ours) == len(theirs)
    assert ours.classes == theirs.classes and ours.class_to_idx == theirs.class_to_idx
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours.data.numpy(), theirs.data.numpy())
    np.testing.assert_array_equal(ours.targets.numpy(), theirs.targets.numpy())
    for i in range(len(ours)):
        (a, ya), (b, yb) = ours[i], theirs[i]
        assert a.mode == b.mode and a.size == b.size and ya == yb and type(ya) is type(yb)
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
