"""SVHN (Street View House Numbers), read from the original MATLAB ``.mat`` files."""

import os

import numpy as np

from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset, _pil_image

__all__ = ["SVHN"]


def _loadmat(path):
    try:
        import scipy.io as sio
    except ImportError as e:
        raise ImportError(
            "SVHN is stored as MATLAB .mat files and reading them needs SciPy: pip install scipy"
        ) from e
    return sio.loadmat(path)


class SVHN(VisionDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_ cropped digits (32x32 colour).

    The files are the original MATLAB ``.mat`` files directly in ``root``
    (``root/train_32x32.mat``, ``test_32x32.mat``, ``extra_32x32.mat``); reading them needs SciPy.
    As in torchvision, the digit 0 (label 10 in the files) gets the label 0, so targets are
    0..9. Items are ``(PIL.Image mode 'RGB', int)``.

    Args:
        root (str or pathlib.Path): directory holding the ``.mat`` files.
        split (str, optional): ``'train'``, ``'test'`` or ``'extra'``. Default: ``'train'``.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        download (bool, optional): download the split's file (MD5-checked) if it is not there.

    Attributes:
        data (numpy.ndarray): uint8, N x 3 x 32 x 32 (as torchvision).
        labels (numpy.ndarray): int64, N (``targets`` is the same array).
        classes (list of str), class_to_idx (dict): ``'0'`` ... ``'9'``.
        split_list (dict): split -> [url, file name, md5]; overwrite to use another server.

    Example::

        >>> from ember.vision import datasets
        >>> test = datasets.SVHN("data", split="test", download=True)  # doctest: +SKIP
        >>> img, label = test[0]                                        # doctest: +SKIP
        >>> img.size, label                                             # doctest: +SKIP
        ((32, 32), 5)
    """

    split_list = {
        "train": [
            "http://ufldl.stanford.edu/housenumbers/train_32x32.mat",
            "train_32x32.mat",
            "e26dedcc434d2e4c54c9b2d4a06d8373",
        ],
        "test": [
            "http://ufldl.stanford.edu/housenumbers/test_32x32.mat",
            "test_32x32.mat",
            "eb5a983be6a315427106f1b164d9cef3",
        ],
        "extra": [
            "http://ufldl.stanford.edu/housenumbers/extra_32x32.mat",
            "extra_32x32.mat",
            "a93ce644f1a588dc4d68dda5feec44a7",
        ],
    }
    classes = [str(i) for i in range(10)]

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list.keys()))
        self.url = self.split_list[split][0]
        self.filename = self.split_list[split][1]
        self.file_md5 = self.split_list[split][2]

        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(
                "Dataset not found or corrupted. You can use download=True to download it "
                f"(or download {self.url} and put it at {os.path.abspath(os.path.join(self.root, self.filename))})"
            )

        loaded_mat = _loadmat(os.path.join(self.root, self.filename))
        if "X" not in loaded_mat or "y" not in loaded_mat:
            raise RuntimeError(f"{self.filename} has no 'X'/'y' arrays; it is not an SVHN cropped-digits file")
        # X is stored H x W x C x N; torchvision keeps N x C x H x W.
        self.data = np.transpose(np.asarray(loaded_mat["X"], dtype=np.uint8), (3, 2, 0, 1))
        labels = loaded_mat["y"].astype(np.int64).reshape(-1)
        np.place(labels, labels == 10, 0)
        self.labels = labels

    @property
    def targets(self):
        """The labels (same array as :attr:`labels`)."""
        return self.labels

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        """Return ``(image, target)``: a PIL image (mode 'RGB') and the digit (int)."""
        img, target = self.data[index], int(self.labels[index])
        img = _pil_image().fromarray(np.ascontiguousarray(np.transpose(img, (1, 2, 0))))
        return self._apply_transforms(img, target)

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.split_list[self.split][2])

    def download(self):
        """Download this split's ``.mat`` file into ``root`` (MD5-checked)."""
        download_url(self.url, self.root, self.filename, self.split_list[self.split][2])

    def extra_repr(self):
        return f"Split: {self.split}"
