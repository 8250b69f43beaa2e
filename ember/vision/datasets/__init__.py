"""ember.vision.datasets: torchvision's datasets on NumPy (``torchvision.datasets``).

* :class:`Digits` -- UCI handwritten digits (8x8), embedded in ember: works offline.
* :class:`MNIST`, :class:`FashionMNIST`, :class:`KMNIST`, :class:`EMNIST` -- gzip'd IDX files.
* :class:`CIFAR10`, :class:`CIFAR100` -- pickled batches (read with a restricted unpickler).
* :class:`SVHN` -- MATLAB ``.mat`` files (needs SciPy).
* :class:`ImageFolder`, :class:`DatasetFolder` -- one folder per class.
* :class:`FakeData` -- random images.

Items are ``(PIL image, int)`` as in torchvision (Pillow is needed: ``pip install "ember[vision]"``).
Downloads use torchvision's URLs and MD5s and the same folder layout under ``root``.
"""

from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .svhn import SVHN
from .vision import StandardTransform, VisionDataset

__all__ = (
    "Digits",
    "MNIST",
    "FashionMNIST",
    "KMNIST",
    "EMNIST",
    "CIFAR10",
    "CIFAR100",
    "SVHN",
    "ImageFolder",
    "DatasetFolder",
    "FakeData",
    "VisionDataset",
    "StandardTransform",
)
