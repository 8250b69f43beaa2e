"""Digits: the UCI optical handwritten digits (8x8), shipped inside ember -- no download needed."""

import os

import numpy as np

from .vision import VisionDataset, _as_tensor, _pil_image, _to_numpy

__all__ = ["Digits"]

_DATA_FILE = os.path.join(os.path.dirname(__file__), "_data", "digits.npz")
_cache = {}


def _load_arrays():
    if "arrays" not in _cache:
        with np.load(_DATA_FILE, allow_pickle=False) as z:
            _cache["arrays"] = {k: z[k] for k in ("images", "targets", "train_idx", "test_idx")}
    return _cache["arrays"]


class Digits(VisionDataset):
    """The UCI ML "Optical Recognition of Handwritten Digits" dataset, embedded in ember.

    1,797 grayscale 8x8 images of the digits 0-9 (about 180 per class) by E. Alpaydin and
    C. Kaynak, CC BY 4.0 (see ``ember/vision/datasets/_data/DIGITS_LICENSE.txt``); the same
    images as scikit-learn's ``load_digits``. The original pixel values 0..16 are stored as
    uint8 ``round(v * 255 / 16)`` (0..255), so the images behave like MNIST's.

    The data is part of the package: nothing is downloaded and ``root``/``download`` are
    accepted only so code written for MNIST works unchanged.

    The split is fixed and stratified: for each class c = 0..9 in turn,
    ``numpy.random.default_rng(0).permutation`` of that class's indices picks
    ``round(0.2 * n_c)`` test images; the rest are training images. This gives **1,438 train
    and 359 test** images, each split in the original order. The split is stored with the data,
    so it is the same on every machine and NumPy version.

    Items are ``(PIL.Image mode 'L' of size 8x8, int)`` like MNIST.

    Args:
        root (str, optional): ignored (the data is embedded). Shown in ``repr`` if given.
        train (bool, optional): the 1,438 training images if True, else the 359 test images.
            Default: True.
        transform (callable, optional): applied to the PIL image (e.g. ``transforms.ToTensor()``).
        target_transform (callable, optional): applied to the target.
        download (bool, optional): ignored (nothing to download).

    Attributes:
        data (Tensor): uint8, N x 8 x 8, values 0..255.
        targets (Tensor): int64, N.
        classes (list of str): ``['0', ..., '9']``.
        class_to_idx (dict): ``{'0': 0, ..., '9': 9}``.

    Example::

        >>> from ember.vision.datasets import Digits
        >>> train, test = Digits(train=True), Digits(train=False)
        >>> len(train), len(test)
        (1438, 359)
        >>> img, label = train[0]
        >>> img.size, img.mode, label
        ((8, 8), 'L', 0)
    """

    classes = [str(i) for i in range(10)]

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        arrays = _load_arrays()
        idx = arrays["train_idx"] if train else arrays["test_idx"]
        idx = idx.astype(np.intp)
        self.data = _as_tensor(arrays["images"][idx])
        self.targets = _as_tensor(arrays["targets"][idx].astype(np.int64))

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        """Return ``(image, target)``: an 8x8 PIL image (mode 'L') and the digit (int)."""
        img = _pil_image().fromarray(_to_numpy(self.data)[index])
        target = int(_to_numpy(self.targets)[index])
        return self._apply_transforms(img, target)

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"
