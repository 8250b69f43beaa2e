"""MNIST, FashionMNIST, KMNIST and EMNIST, read from the original gzip'd IDX files."""

import gzip
import os
import shutil
import string
import warnings

import numpy as np

from .utils import download_and_extract_archive, extract_archive, verify_str_arg
from .vision import VisionDataset, _as_tensor, _pil_image, _to_numpy

__all__ = [
    "MNIST",
    "FashionMNIST",
    "KMNIST",
    "EMNIST",
    "read_sn3_pascalvincent_tensor",
    "read_image_file",
    "read_label_file",
]

# IDX ("SN3 Pascal Vincent") type codes -> big-endian NumPy dtypes.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path):
    """File contents; gzip'd files (by magic number, whatever the name) are decompressed."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise RuntimeError(f"{path} is a corrupted gzip file ({e}); delete it and download it again") from e
    return data


def _read_idx(path, strict=True):
    """Parse an IDX file into a NumPy array of native byte order.

    Header: two zero bytes, a type code (0x08 uint8 ... 0x0E float64), the number of
    dimensions, then one big-endian uint32 per dimension, then the data (big-endian).
    """
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise RuntimeError(f"{path} is not an IDX file: bad magic number {data[:4]!r} (expected 00 00 <type> <ndim>)")
    ty, nd = data[2], data[3]
    if ty not in _IDX_DTYPES:
        raise RuntimeError(f"{path}: unknown IDX data type code 0x{ty:02x}")
    if not 1 <= nd <= 4:
        raise RuntimeError(f"{path}: IDX file with {nd} dimensions is not supported")
    header = 4 + 4 * nd
    if len(data) < header:
        raise RuntimeError(f"{path}: IDX header is truncated")
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(nd)]
    dtype = _IDX_DTYPES[ty]
    count = int(np.prod(dims))
    available = (len(data) - header) // dtype.itemsize
    if available < count or (strict and available != count):
        raise RuntimeError(
            f"{path}: IDX header announces shape {tuple(dims)} ({count} values) but the file holds "
            f"{available}; the file is truncated or corrupted (delete it and download again)"
        )
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="))


def read_sn3_pascalvincent_tensor(path, strict=True):
    """Read an IDX ("SN3 Pascal Vincent") file, plain or gzip'd, as an ember Tensor.

    Args:
        path (str): the file.
        strict (bool, optional): require the data size to match the header exactly.

    Example::

        >>> from ember.vision.datasets.mnist import read_sn3_pascalvincent_tensor
        >>> tuple(read_sn3_pascalvincent_tensor("MNIST/raw/t10k-labels-idx1-ubyte").shape)  # doctest: +SKIP
        (10000,)
    """
    return _as_tensor(_read_idx(path, strict=strict))


def _check_image_array(x, path):
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype uint8 instead of {x.dtype} (file {path})")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim} (file {path})")
    return x


def _check_label_array(x, path):
    if x.dtype != np.uint8:
        raise TypeError(f"x should be of dtype uint8 instead of {x.dtype} (file {path})")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim} (file {path})")
    return x.astype(np.int64)


def read_image_file(path):
    """Read an IDX image file (uint8, N x H x W) as an ember uint8 Tensor.

    Example::

        >>> from ember.vision.datasets.mnist import read_image_file
        >>> tuple(read_image_file("MNIST/raw/t10k-images-idx3-ubyte").shape)  # doctest: +SKIP
        (10000, 28, 28)
    """
    return _as_tensor(_check_image_array(_read_idx(path), path))


def read_label_file(path):
    """Read an IDX label file (uint8, N) as an ember int64 Tensor.

    Example::

        >>> from ember.vision.datasets.mnist import read_label_file
        >>> read_label_file("MNIST/raw/t10k-labels-idx1-ubyte").dtype == ember.int64  # doctest: +SKIP
        True
    """
    return _as_tensor(_check_label_array(_read_idx(path), path))


def _raw_or_gz(path):
    """``path`` if it exists, else ``path + '.gz'`` if that exists, else None."""
    if os.path.isfile(path):
        return path
    if os.path.isfile(path + ".gz"):
        return path + ".gz"
    return None


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_ handwritten digits (60,000 train / 10,000 test,
    28x28 grayscale).

    The files live where torchvision keeps them: ``root/MNIST/raw/train-images-idx3-ubyte`` (the
    ``.gz`` files are read directly when the uncompressed ones are missing). Items are
    ``(PIL.Image mode 'L', int)``.

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``MNIST/raw``).
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download the files (from :attr:`mirrors`, MD5-checked) if they
            are not there yet. Default: False.

    Attributes:
        data (Tensor): uint8, N x 28 x 28.
        targets (Tensor): int64, N.
        classes (list of str), class_to_idx (dict): class names and their indices.
        mirrors (list of str), resources (list of (file name, md5)): where downloads come from;
            overwrite them to use another server.

    Example::

        >>> from ember.vision import datasets
        >>> train = datasets.MNIST("data", train=True, download=True)  # doctest: +SKIP
        >>> img, label = train[0]                                      # doctest: +SKIP
        >>> img.size, label                                            # doctest: +SKIP
        ((28, 28), 5)
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(
                f"Dataset not found. You can use download=True to download it "
                f"(or put the files {', '.join(self._raw_file_names())} in {self.raw_folder})"
            )
        self.data, self.targets = self._load_data()

    # torchvision's deprecated aliases
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, self.__class__.__name__, "processed")

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def _raw_file_names(self):
        return [os.path.splitext(name)[0] for name, _ in self.resources]

    def _split_files(self):
        prefix = "train" if self.train else "t10k"
        return (
            os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"),
            os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte"),
        )

    def _check_exists(self):
        return all(_raw_or_gz(os.path.join(self.raw_folder, name)) for name in self._raw_file_names())

    def _load_data(self):
        images_file, labels_file = self._split_files()
        images = _check_image_array(_read_idx(_raw_or_gz(images_file)), images_file)
        labels = _check_label_array(_read_idx(_raw_or_gz(labels_file)), labels_file)
        if len(images) != len(labels):
            raise RuntimeError(f"{images_file} holds {len(images)} images but {labels_file} {len(labels)} labels")
        return _as_tensor(images), _as_tensor(labels)

    def __getitem__(self, index):
        """Return ``(image, target)``: a PIL image (mode 'L') and the class index (int)."""
        img = _pil_image().fromarray(_to_numpy(self.data)[index])
        target = int(_to_numpy(self.targets)[index])
        return self._apply_transforms(img, target)

    def __len__(self):
        return len(self.data)

    def download(self):
        """Download the gzip'd IDX files into :attr:`raw_folder` (trying each mirror) and unpack them."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            if os.path.isfile(os.path.join(self.raw_folder, os.path.splitext(filename)[0])):
                continue
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    download_and_extract_archive(url, download_root=self.raw_folder, filename=filename, md5=md5)
                except RuntimeError as e:
                    errors.append((url, e))
                    continue
                break
            else:
                s = f"Error downloading {filename}:\n"
                for url, err in errors:
                    s += f"Tried {url}, got:\n{str(err).splitlines()[0]}\n"
                s += (
                    f"Download the file by hand from one of these URLs and put it at\n"
                    f"    {os.path.abspath(os.path.join(self.raw_folder, filename))}\n"
                    f"(expected MD5: {md5})"
                )
                raise RuntimeError(s)

    def extra_repr(self):
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: Zalando article images
    (60,000 train / 10,000 test, 28x28 grayscale, 10 classes) in MNIST's format.

    Files: ``root/FashionMNIST/raw/*-idx?-ubyte[.gz]``. Same arguments and attributes as
    :class:`MNIST`.

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``FashionMNIST/raw``).
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download the files if they are not there yet. Default: False.

    Example::

        >>> from ember.vision import datasets
        >>> test = datasets.FashionMNIST("data", train=False, download=True)  # doctest: +SKIP
        >>> test.classes[test[0][1]]                                          # doctest: +SKIP
        'Ankle boot'
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: cursive Japanese characters
    (60,000 train / 10,000 test, 28x28 grayscale, 10 classes) in MNIST's format.

    Files: ``root/KMNIST/raw/*-idx?-ubyte[.gz]``. Same arguments and attributes as :class:`MNIST`.

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``KMNIST/raw``).
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download the files if they are not there yet. Default: False.

    Example::

        >>> from ember.vision import datasets
        >>> ds = datasets.KMNIST("data", download=True)  # doctest: +SKIP
        >>> len(ds)                                       # doctest: +SKIP
        60000
    """

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.nist.gov/itl/products-and-services/emnist-dataset>`_: handwritten
    letters and digits in MNIST's format, in six splits.

    The download is NIST's ``gzip.zip``; its ``emnist-<split>-<train|test>-*-idx?-ubyte.gz``
    files are unpacked into ``root/EMNIST/raw``. As in torchvision the images are returned as
    stored (transposed relative to MNIST).

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``EMNIST/raw``).
        split (str): one of ``'byclass'``, ``'bymerge'``, ``'balanced'``, ``'letters'``,
            ``'digits'``, ``'mnist'``.
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download the archive if the files are not there yet.

    Example::

        >>> from ember.vision import datasets
        >>> letters = datasets.EMNIST("data", split="letters", download=True)  # doctest: +SKIP
        >>> letters.classes[:3]                                                 # doctest: +SKIP
        ['N/A', 'a', 'b']
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(list(_all_classes)),
        "bymerge": sorted(list(_all_classes - _merged_classes)),
        "balanced": sorted(list(_all_classes - _merged_classes)),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self):
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _raw_file_names(self):
        return [os.path.basename(self.images_file), os.path.basename(self.labels_file)]

    def _split_files(self):
        return self.images_file, self.labels_file

    def _check_exists(self):
        return all(_raw_or_gz(f) for f in (self.images_file, self.labels_file))

    def download(self):
        """Download NIST's ``gzip.zip`` and unpack all split files into :attr:`raw_folder`."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for gzip_file in os.listdir(gzip_folder):
            if gzip_file.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, gzip_file), self.raw_folder)
        shutil.rmtree(gzip_folder)
