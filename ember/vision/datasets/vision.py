"""VisionDataset: the common base of the vision datasets (torchvision.datasets.VisionDataset)."""

import os

import numpy as np

try:  # ember.utils.data is the natural base; keep datasets usable while it is missing
    from ember.utils.data import Dataset as _Base
except ImportError:  # pragma: no cover - only while ember.utils.data is not there
    _Base = object

__all__ = ["VisionDataset", "StandardTransform"]


def _pil_image():
    """Import PIL.Image lazily with an error that names the extra to install."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            'Vision datasets return PIL images and need Pillow: pip install "ember[vision]" (or pip install pillow)'
        ) from e
    return Image


def _to_numpy(x):
    """An ember Tensor, NumPy array or list as a NumPy array (no copy for CPU tensors)."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy"):
        return x.numpy()
    return np.asarray(x)


def _as_tensor(arr):
    """Wrap a NumPy array as an ember Tensor without copying (ember imported lazily)."""
    import ember

    return ember.from_numpy(np.ascontiguousarray(arr))


class VisionDataset(_Base):
    """Base class for datasets compatible with ember.vision (torchvision's ``VisionDataset``).

    Subclasses override ``__getitem__`` and ``__len__``.

    Args:
        root (str or pathlib.Path, optional): root directory of the dataset; ``~`` is expanded.
        transforms (callable, optional): a function/transform that takes an image and a label
            and returns the transformed versions of both.
        transform (callable, optional): a function/transform applied to the image
            (e.g. ``transforms.ToTensor()``).
        target_transform (callable, optional): a function/transform applied to the target.

    .. note:: ``transforms`` and the pair ``transform``/``target_transform`` are mutually exclusive.

    Example::

        >>> from ember.vision.datasets import VisionDataset
        >>> class Squares(VisionDataset):
        ...     def __getitem__(self, i):
        ...         return i * i, i
        ...     def __len__(self):
        ...         return 4
        >>> print(Squares(root="data"))
        Dataset Squares
            Number of datapoints: 4
            Root location: data
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root

        has_transforms = transforms is not None
        has_separate_transform = transform is not None or target_transform is not None
        if has_transforms and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")

        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def _apply_transforms(self, img, target):
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self):
        head = "Dataset " + self.__class__.__name__
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body += [repr(self.transforms)]
        lines = [head] + [" " * self._repr_indent + line for line in body]
        return "\n".join(lines)

    def _format_transform_repr(self, transform, head):
        lines = transform.__repr__().splitlines()
        return [f"{head}{lines[0]}"] + ["{}{}".format(" " * len(head), line) for line in lines[1:]]

    def extra_repr(self):
        """Extra lines for ``repr`` (e.g. ``"Split: Train"``); empty by default."""
        return ""


class StandardTransform:
    """Apply ``transform`` to the input and ``target_transform`` to the target.

    Args:
        transform (callable, optional): applied to the input.
        target_transform (callable, optional): applied to the target.

    Example::

        >>> from ember.vision.datasets import StandardTransform
        >>> t = StandardTransform(lambda x: x * 2, lambda y: y + 1)
        >>> t(3, 4)
        (6, 5)
    """

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def _format_transform_repr(self, transform, head):
        lines = transform.__repr__().splitlines()
        return [f"{head}{lines[0]}"] + ["{}{}".format(" " * len(head), line) for line in lines[1:]]

    def __repr__(self):
        body = [self.__class__.__name__]
        if self.transform is not None:
            body += self._format_transform_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._format_transform_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)
