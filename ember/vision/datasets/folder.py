"""DatasetFolder and ImageFolder: one sub-directory per class (torchvision.datasets.folder)."""

import os

from .vision import VisionDataset, _pil_image

__all__ = [
    "DatasetFolder",
    "ImageFolder",
    "IMG_EXTENSIONS",
    "default_loader",
    "pil_loader",
    "find_classes",
    "make_dataset",
    "has_file_allowed_extension",
    "is_image_file",
]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename, extensions):
    """Return True if ``filename`` ends with one of ``extensions`` (case-insensitive).

    Args:
        filename (str): path to a file.
        extensions (str or tuple of str): lowercase extensions, e.g. ``(".png", ".jpg")``.

    Example::

        >>> from ember.vision.datasets.folder import has_file_allowed_extension
        >>> has_file_allowed_extension("cat.PNG", (".png",))
        True
    """
    return filename.lower().endswith(extensions if isinstance(extensions, str) else tuple(extensions))


def is_image_file(filename):
    """Return True if ``filename`` has one of :data:`IMG_EXTENSIONS`.

    Example::

        >>> from ember.vision.datasets.folder import is_image_file
        >>> is_image_file("a.jpeg"), is_image_file("a.txt")
        (True, False)
    """
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """Return the sorted class folder names of ``directory`` and a name -> index dict.

    Raises:
        FileNotFoundError: when ``directory`` has no sub-directories.

    Example::

        >>> from ember.vision.datasets.folder import find_classes
        >>> find_classes("data/train")  # doctest: +SKIP
        (['ants', 'bees'], {'ants': 0, 'bees': 1})
    """
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None, allow_empty=False):
    """List the samples ``(path, class_index)`` under ``directory/<class>/**``, sorted.

    Args:
        directory (str): root directory.
        class_to_idx (dict, optional): class name -> index; :func:`find_classes` if None.
        extensions (tuple of str, optional): allowed extensions. Exactly one of
            ``extensions`` and ``is_valid_file`` must be given.
        is_valid_file (callable, optional): ``path -> bool`` deciding which files are samples.
        allow_empty (bool, optional): if False, a class folder without samples is an error.

    Example::

        >>> from ember.vision.datasets.folder import make_dataset
        >>> make_dataset("data/train", extensions=(".jpg",))[:1]  # doctest: +SKIP
        [('data/train/ants/0013035.jpg', 0)]
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")

    both_none = extensions is None and is_valid_file is None
    both_something = extensions is not None and is_valid_file is not None
    if both_none or both_something:
        raise ValueError("Both extensions and is_valid_file cannot be None or not None at the same time")

    if extensions is not None:

        def is_valid_file(x):
            return has_file_allowed_extension(x, extensions)

    instances = []
    available_classes = set()
    for target_class in sorted(class_to_idx.keys()):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    available_classes.add(target_class)

    empty_classes = set(class_to_idx.keys()) - available_classes
    if empty_classes and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty_classes))}. "
        if extensions is not None:
            msg += f"Supported extensions are: {extensions if isinstance(extensions, str) else ', '.join(extensions)}"
        raise FileNotFoundError(msg)
    return instances


def pil_loader(path):
    """Open an image file with Pillow and convert it to RGB.

    Example::

        >>> from ember.vision.datasets.folder import pil_loader
        >>> pil_loader("data/train/ants/0013035.jpg").mode  # doctest: +SKIP
        'RGB'
    """
    Image = _pil_image()
    with open(path, "rb") as f:
        img = Image.open(f)
        return img.convert("RGB")


def default_loader(path):
    """The default image loader (:func:`pil_loader`: a PIL image in RGB mode).

    Example::

        >>> from ember.vision.datasets.folder import default_loader
        >>> default_loader("data/train/ants/0013035.jpg").size  # doctest: +SKIP
        (768, 512)
    """
    return pil_loader(path)


class DatasetFolder(VisionDataset):
    """A generic dataset whose samples are files arranged as ``root/<class>/.../<file>``.

    Args:
        root (str or pathlib.Path): root directory path.
        loader (callable): loads a sample given its path.
        extensions (tuple of str, optional): allowed extensions. Exactly one of ``extensions``
            and ``is_valid_file`` must be given.
        transform (callable, optional): applied to a loaded sample.
        target_transform (callable, optional): applied to the target.
        is_valid_file (callable, optional): ``path -> bool``, e.g. to skip corrupt files.
        allow_empty (bool, optional): if True, empty class folders are allowed. Default: False.

    Attributes:
        classes (list): class names sorted alphabetically.
        class_to_idx (dict): class name -> index.
        samples (list): ``(sample path, class_index)`` tuples.
        targets (list): the class index of each sample.

    Example::

        >>> import numpy as np
        >>> from ember.vision.datasets import DatasetFolder
        >>> ds = DatasetFolder("data/arrays", loader=np.load, extensions=(".npy",))  # doctest: +SKIP
        >>> x, y = ds[0]                                                            # doctest: +SKIP
    """

    def __init__(
        self,
        root,
        loader,
        extensions=None,
        transform=None,
        target_transform=None,
        is_valid_file=None,
        allow_empty=False,
    ):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(
            self.root,
            class_to_idx=class_to_idx,
            extensions=extensions,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False):
        """Generate the list of ``(path, class_index)`` samples (override to customise).

        Raises:
            ValueError: ``class_to_idx`` is None or empty, or ``extensions`` and
                ``is_valid_file`` are both None or both given.
            FileNotFoundError: a class has no valid file (unless ``allow_empty``).
        """
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(
            directory, class_to_idx, extensions=extensions, is_valid_file=is_valid_file, allow_empty=allow_empty
        )

    def find_classes(self, directory):
        """Find the class folders of ``directory`` (override to customise the layout).

        Returns:
            (list of str, dict): sorted class names and class name -> index.
        """
        return find_classes(directory)

    def __getitem__(self, index):
        """Return ``(sample, target)`` where target is the class index of the sample."""
        path, target = self.samples[index]
        sample = self.loader(path)
        return self._apply_transforms(sample, target)

    def __len__(self):
        return len(self.samples)


class ImageFolder(DatasetFolder):
    """Images arranged as ``root/<class>/.../<image>``; items are ``(PIL image in RGB, int)``.

    Files with one of :data:`IMG_EXTENSIONS` are used unless ``is_valid_file`` is given.

    Args:
        root (str or pathlib.Path): root directory path.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target.
        loader (callable, optional): loads an image given its path. Default: :func:`default_loader`.
        is_valid_file (callable, optional): ``path -> bool``, e.g. to skip corrupt files.
        allow_empty (bool, optional): if True, empty class folders are allowed. Default: False.

    Attributes:
        classes, class_to_idx, samples, targets: as :class:`DatasetFolder`.
        imgs (list): same as ``samples``.

    Example::

        >>> from ember.vision.datasets import ImageFolder
        >>> ds = ImageFolder("dataset/train")  # doctest: +SKIP
        >>> ds.classes                         # doctest: +SKIP
        ['ants', 'bees']
    """

    def __init__(
        self,
        root,
        transform=None,
        target_transform=None,
        loader=default_loader,
        is_valid_file=None,
        allow_empty=False,
    ):
        super().__init__(
            root,
            loader,
            IMG_EXTENSIONS if is_valid_file is None else None,
            transform=transform,
            target_transform=target_transform,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.imgs = self.samples
