"""Small, learnable stand-ins for the datasets the seed tutorials download, written in the real
on-disk formats so the tutorial programs read them unchanged:

* FashionMNIST: IDX files under ``<root>/FashionMNIST/raw/`` -- both the ``.gz`` downloads and
  the unpacked files, exactly the layout torchvision leaves after ``download=True``.
* CIFAR-10: ``<root>/cifar-10-batches-py/`` with the pickled ``data_batch_1..5``, ``test_batch``
  and ``batches.meta`` (protocol 2, latin1-readable, as the official archive).
* hymenoptera_data: an ImageFolder tree ``train|val/ants|bees/*.jpg`` of tiny JPEGs.
* one JPEG at ``dataset/train/ants_image/0013035.jpg`` (seed 001's transforms example).

Every image dataset is learnable: each class has its own colour/pattern template plus noise, so
a model trained for a few steps gets clearly above chance.

Run ``python tests/tutorials/tutorial_datagen.py DIR`` to build the whole tree in DIR (used to
check the tutorial scripts against real torch by hand).
"""
import gzip
import os
import pickle
import sys

import numpy as np

CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                   "truck"]


# ----------------------------------------------------------------------------- FashionMNIST
def _idx_bytes(arr):
    """IDX encoding of a uint8 array (type code 0x08, big-endian dimension sizes)."""
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    header = bytes([0, 0, 0x08, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return header + arr.tobytes()


def mnist_like_images(n, seed, size=28, num_classes=10, noise=30.0):
    """``n`` uint8 images (n, size, size) and labels: a fixed blob template per class + noise."""
    rng = np.random.default_rng(seed)
    trng = np.random.default_rng(1234)  # templates are the same for train and test
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    templates = []
    for _ in range(num_classes):
        img = np.zeros((size, size))
        for _ in range(3):  # three Gaussian blobs at class-specific places
            cy, cx = trng.uniform(0.15, 0.85, 2)
            img += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 0.03)
        templates.append(255 * img / img.max())
    labels = rng.integers(0, num_classes, n)
    images = np.stack([templates[k] for k in labels]) + rng.normal(0, noise, (n, size, size))
    return np.clip(images, 0, 255).astype(np.uint8), labels.astype(np.uint8)


def write_fashion_mnist(root, n_train=6000, n_test=1000):
    """Write FashionMNIST's four IDX files (``.gz`` + unpacked) under ``root/FashionMNIST/raw``."""
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for prefix, n, seed in (("train", n_train, 0), ("t10k", n_test, 1)):
        images, labels = mnist_like_images(n, seed)
        for name, arr in ((f"{prefix}-images-idx3-ubyte", images), (f"{prefix}-labels-idx1-ubyte", labels)):
            data = _idx_bytes(arr)
            with open(os.path.join(raw, name), "wb") as f:
                f.write(data)
            with gzip.open(os.path.join(raw, name + ".gz"), "wb") as f:
                f.write(data)
    return raw


# ----------------------------------------------------------------------------- CIFAR-10
def cifar_like_images(n, seed, num_classes=10, noise=30.0):
    """``n`` CHW uint8 32x32 images flattened to (n, 3072) + labels: class colour + stripes."""
    rng = np.random.default_rng(seed)
    trng = np.random.default_rng(4321)
    colours = trng.uniform(30, 225, (num_classes, 3))
    labels = rng.integers(0, num_classes, n)
    yy = np.arange(32)[:, None] * np.ones((1, 32))
    images = np.empty((n, 3, 32, 32))
    for i, k in enumerate(labels):
        stripes = 25 * np.sin(yy * (k + 1) * np.pi / 16)  # class-specific stripe frequency
        images[i] = colours[k][:, None, None] + stripes[None]
    images += rng.normal(0, noise, images.shape)
    return np.clip(images, 0, 255).astype(np.uint8).reshape(n, 3072), [int(v) for v in labels]


def write_cifar10(root, per_train_batch=20, n_test=128):
    """Write ``root/cifar-10-batches-py`` in the official pickled format; return the folder."""
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    names = [(f"data_batch_{i}", per_train_batch, 10 + i) for i in range(1, 6)] + [("test_batch", n_test, 99)]
    for name, n, seed in names:
        data, labels = cifar_like_images(n, seed)
        batch = {"batch_label": f"{name} (generated)", "labels": labels, "data": data,
                 "filenames": [f"generated_{seed}_{i}.png" for i in range(n)]}
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(batch, f, protocol=2)
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({"num_cases_per_batch": per_train_batch, "label_names": CIFAR10_CLASSES,
                     "num_vis": 3072}, f, protocol=2)
    return folder


# ----------------------------------------------------------------------------- images
def _insect_image(kind, rng, size):
    """An RGB uint8 image: 'ants' reddish with a dark blob, 'bees' yellow with stripes."""
    from PIL import Image

    h, w = size
    yy, xx = np.mgrid[0:h, 0:w]
    if kind == "ants":
        img = np.empty((h, w, 3))
        img[:] = (170, 60, 40)
        blob = ((yy - h / 2) ** 2 + (xx - w / 2) ** 2) < (min(h, w) / 4) ** 2
        img[blob] = (40, 20, 20)
    else:
        img = np.empty((h, w, 3))
        img[:] = (230, 200, 40)
        img[(yy // 4) % 2 == 0] = (30, 30, 30)
    img += rng.normal(0, 12, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def write_image(path, kind="ants", size=(48, 64), seed=0):
    """Save one tiny JPEG (or PNG, by extension) at ``path``, creating folders."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    _insect_image(kind, np.random.default_rng(seed), size).save(path)
    return path


def write_hymenoptera(root, per_class=4, size=(40, 48)):
    """``root/hymenoptera_data/{train,val}/{ants,bees}/*.jpg``; return the data folder."""
    base = os.path.join(root, "hymenoptera_data")
    seed = 0
    for split in ("train", "val"):
        for kind in ("ants", "bees"):
            for i in range(per_class):
                seed += 1
                write_image(os.path.join(base, split, kind, f"{kind}_{split}_{i}.jpg"), kind, size, seed)
    return base


def build_all(directory):
    """Build every data file the tutorial scripts read, inside ``directory`` (their cwd)."""
    write_fashion_mnist(os.path.join(directory, "drive", "MyDrive", "Data", "FashionMNIST"))
    write_cifar10(os.path.join(directory, "dataset"))
    write_cifar10(os.path.join(directory, "data"))
    write_hymenoptera(os.path.join(directory, "data"))
    write_image(os.path.join(directory, "dataset", "train", "ants_image", "0013035.jpg"), "ants", (96, 128))
    write_image(os.path.join(directory, "test.jpg"), "bees", (50, 60), seed=7)
    return directory


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tutorial_datagen.py DIR")
    print("wrote", build_all(sys.argv[1]))
