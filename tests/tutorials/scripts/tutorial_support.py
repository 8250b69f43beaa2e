"""Test-only support for the tutorial scripts (not part of any tutorial text).

The CIFAR-10 files the tests generate are small stand-ins in the official pickled format, so
their MD5 sums differ from the official ones that ``torchvision.datasets.CIFAR10`` (and ember's)
checks with ``download=False``. ``accept_generated_cifar10`` records the generated files' sums in
the class, exactly as if they were the official files. It works under real torch and under
``python -m ember run`` alike (there ``import torchvision`` is ember.vision).
"""
import hashlib
import os


def _md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def accept_generated_cifar10(root):
    """Make ``torchvision.datasets.CIFAR10`` accept the generated batches under ``root``."""
    import torchvision

    cls = torchvision.datasets.CIFAR10
    folder = os.path.join(root, cls.base_folder)
    cls.train_list = [[name, _md5(os.path.join(folder, name))] for name, _ in cls.train_list]
    cls.test_list = [[name, _md5(os.path.join(folder, name))] for name, _ in cls.test_list]
    cls.meta = dict(cls.meta, md5=_md5(os.path.join(folder, cls.meta["filename"])))
