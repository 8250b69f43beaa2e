"""CIFAR-10 and CIFAR-100, read from the original pickled "python version" batches.

The batches are Python pickles. They are read with :class:`_RestrictedUnpickler`, which can
only build NumPy arrays, dtypes and plain containers/strings/numbers; a pickle asking for any
other global (the way a malicious pickle runs code) is refused with ``pickle.UnpicklingError``.
"""

import codecs
import os
import pickle

import numpy as np

from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset, _pil_image

__all__ = ["CIFAR10", "CIFAR100"]


def _numpy_attr(names):
    """First importable ``module:attr`` of ``names`` (numpy 2 moved numpy.core to numpy._core)."""
    import importlib

    for name in names:
        module, attr = name.split(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
    return None


def _latin1_encode(obj, encoding="latin1", errors="strict"):
    # Python 3 writes bytes into protocol-2 pickles as _codecs.encode(str, 'latin1').
    if not isinstance(obj, str) or codecs.lookup(encoding).name not in ("iso8859-1", "latin-1"):
        raise pickle.UnpicklingError("only _codecs.encode(str, 'latin1') is allowed in dataset pickles")
    return codecs.encode(obj, encoding, errors)


def _plain_bytes(*args):
    if args and not isinstance(args[0], (bytes, bytearray, str)):
        raise pickle.UnpicklingError("only bytes() of bytes/str is allowed in dataset pickles")
    return bytes(*args)


def _allowed_globals():
    reconstruct = _numpy_attr(["numpy._core.multiarray:_reconstruct", "numpy.core.multiarray:_reconstruct"])
    scalar = _numpy_attr(["numpy._core.multiarray:scalar", "numpy.core.multiarray:scalar"])
    frombuffer = _numpy_attr(["numpy._core.numeric:_frombuffer", "numpy.core.numeric:_frombuffer"])
    allowed = {
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        ("_codecs", "encode"): _latin1_encode,
        ("builtins", "bytes"): _plain_bytes,
        ("__builtin__", "bytes"): _plain_bytes,
    }
    for mod in ("numpy.core", "numpy._core"):
        allowed[(f"{mod}.multiarray", "_reconstruct")] = reconstruct
        allowed[(f"{mod}.multiarray", "scalar")] = scalar
        allowed[(f"{mod}.numeric", "_frombuffer")] = frombuffer
    # numpy scalar types appear as numpy.<type> in some pickles (e.g. numpy.int64 labels)
    for t in ("uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64", "float32", "float64", "bool_"):
        allowed[("numpy", t)] = getattr(np, t)
    return {k: v for k, v in allowed.items() if v is not None}


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that only builds NumPy arrays/dtypes, lists, dicts, tuples, strings and numbers."""

    _allowed = None

    def find_class(self, module, name):
        if _RestrictedUnpickler._allowed is None:
            _RestrictedUnpickler._allowed = _allowed_globals()
        obj = self._allowed.get((module, name))
        if obj is None:
            raise pickle.UnpicklingError(
                f"Refusing to load global '{module}.{name}' from a dataset pickle: only NumPy arrays, "
                f"lists, dicts, strings and numbers are allowed in CIFAR batch files. The file is not a "
                f"genuine CIFAR batch (delete it and download again)."
            )
        return obj


def _load_pickle(path):
    with open(path, "rb") as f:
        try:
            return _RestrictedUnpickler(f, encoding="latin1").load()
        except pickle.UnpicklingError:
            raise
        except Exception as e:
            raise RuntimeError(f"Could not read the pickled batch {path}: {e}") from e


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 60,000 32x32 colour images in
    10 classes (50,000 train in five batches / 10,000 test).

    The files live where torchvision keeps them: ``root/cifar-10-batches-py/data_batch_1`` ...
    ``data_batch_5``, ``test_batch`` and ``batches.meta`` (each MD5-checked). Items are
    ``(PIL.Image mode 'RGB', int)``.

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``cifar-10-batches-py``).
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download and extract :attr:`url` if the files are not there
            yet. Default: False.

    Attributes:
        data (numpy.ndarray): uint8, N x 32 x 32 x 3 (HWC), as in torchvision.
        targets (list of int): class indices.
        classes (list of str), class_to_idx (dict): read from the meta file.
        url, filename, tgz_md5, train_list, test_list, meta: the download and its checksums.

    Example::

        >>> from ember.vision import datasets
        >>> test = datasets.CIFAR10("./data", train=False, download=True)  # doctest: +SKIP
        >>> img, label = test[0]                                          # doctest: +SKIP
        >>> img.mode, img.size, test.classes[label]                       # doctest: +SKIP
        ('RGB', (32, 32), 'cat')
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [
        ["test_batch", "40351d587109b95175f43aff81a1287e"],
    ]
    meta = {
        "filename": "batches.meta",
        "key": "label_names",
        "md5": "5ff9c542aee3614f3951f8cda6e48888",
    }

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(
                "Dataset not found or corrupted. You can use download=True to download it "
                f"(or extract {self.filename} from {self.url} into {os.path.abspath(os.fspath(self.root))})"
            )

        downloaded_list = self.train_list if self.train else self.test_list
        data, self.targets = [], []
        for file_name, _checksum in downloaded_list:
            file_path = os.path.join(self.root, self.base_folder, file_name)
            entry = _load_pickle(file_path)
            data.append(np.asarray(entry["data"], dtype=np.uint8))
            labels = entry["labels"] if "labels" in entry else entry["fine_labels"]
            self.targets.extend(int(t) for t in labels)
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))  # to HWC
        self._load_meta()

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to download it")
        data = _load_pickle(path)
        self.classes = data[self.meta["key"]]
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        """Return ``(image, target)``: a PIL image (mode 'RGB') and the class index (int)."""
        img, target = self.data[index], self.targets[index]
        img = _pil_image().fromarray(np.ascontiguousarray(img))
        return self._apply_transforms(img, target)

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        for filename, md5 in self.train_list + self.test_list:
            fpath = os.path.join(self.root, self.base_folder, filename)
            if not check_integrity(fpath, md5):
                return False
        return True

    def download(self):
        """Download :attr:`url` into ``root`` (MD5-checked) and extract it."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self):
        split = "Train" if self.train is True else "Test"
        return f"Split: {split}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 60,000 32x32 colour images in
    100 fine classes (50,000 train / 10,000 test); targets are the fine labels.

    Files: ``root/cifar-100-python/train``, ``test`` and ``meta``. Same arguments and attributes
    as :class:`CIFAR10`.

    Args:
        root (str or pathlib.Path): root directory of the dataset (holds ``cifar-100-python``).
        train (bool, optional): the training set if True, else the test set. Default: True.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download and extract the archive if needed. Default: False.

    Example::

        >>> from ember.vision import datasets
        >>> ds = datasets.CIFAR100("./data", train=True, download=True)  # doctest: +SKIP
        >>> len(ds.classes)                                             # doctest: +SKIP
        100
    """

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [
        ["train", "16019d7e3df5f24257cddd939b257f8d"],
    ]
    test_list = [
        ["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"],
    ]
    meta = {
        "filename": "meta",
        "key": "fine_label_names",
        "md5": "7973b15100ade9c7d40fb424638fde48",
    }
