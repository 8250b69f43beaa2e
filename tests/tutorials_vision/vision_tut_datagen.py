"""Small generated stand-ins, in the real on-disk formats, for the data the official PyTorch
vision tutorials download (the scripts in ``scripts/`` read them unchanged):

* ``data/MNIST/raw/`` -- MNIST's four IDX files (unpacked + ``.gz``), as ``download=True``
  leaves them (VAE, spatial transformer, FGSM);
* ``data/celeba/img_align_celeba/*.jpg`` -- an ImageFolder of tiny "faces" (DCGAN);
* ``data/hymenoptera_data/{train,val}/{ants,bees}/*.jpg`` (transfer learning);
* ``data/images/neural-style/{picasso,dancing}.jpg`` (neural style transfer);
* ``data/PennFudanPed/{PNGImages,PedMasks}/`` -- RGB PNGs and instance masks with ids
  0 (background), 1, 2, ... (object detection data handling).

``build_all(DIR)`` writes everything under ``DIR/data`` and returns DIR.
Run ``python tests/tutorials_vision/vision_tut_datagen.py DIR`` to build it by hand.
"""
import gzip
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tutorials"))
from tutorial_datagen import _idx_bytes, mnist_like_images, write_hymenoptera  # noqa: E402


def write_mnist(root, n_train=256, n_test=64):
    """MNIST's IDX files under ``root/MNIST/raw`` (both the ``.gz`` and the unpacked files)."""
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for prefix, n, seed in (("train", n_train, 10), ("t10k", n_test, 11)):
        images, labels = mnist_like_images(n, seed)
        for name, arr in ((f"{prefix}-images-idx3-ubyte", images),
                          (f"{prefix}-labels-idx1-ubyte", labels)):
            data = _idx_bytes(arr)
            with open(os.path.join(raw, name), "wb") as f:
                f.write(data)
            with gzip.open(os.path.join(raw, name + ".gz"), "wb") as f:
                f.write(data)
    return raw


def _save(arr, path, mode=None):
    from PIL import Image

    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode).save(path)


def write_celeba(root, n=16, size=(70, 60)):
    """``root/celeba/img_align_celeba/NNNNNN.jpg``: skin-coloured ovals with two dark eyes."""
    rng = np.random.default_rng(5)
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    for i in range(n):
        img = np.empty((h, w, 3))
        img[:] = rng.uniform(20, 90, 3)  # background
        cy, cx = 0.5 + rng.normal(0, 0.03, 2)
        face = ((yy - cy) / 0.38) ** 2 + ((xx - cx) / 0.3) ** 2 < 1
        img[face] = rng.uniform([180, 130, 100], [240, 190, 160])
        for ex in (-0.1, 0.1):
            eye = ((yy - cy + 0.08) ** 2 + (xx - cx - ex) ** 2) < 0.003
            img[eye] = (30, 30, 30)
        img += rng.normal(0, 8, img.shape)
        _save(img, os.path.join(root, "celeba", "img_align_celeba", f"{i + 1:06d}.jpg"))


def write_neural_style(root, size=(48, 64)):
    """``root/images/neural-style/picasso.jpg`` (strong diagonal stripes) and ``dancing.jpg``
    (smooth blobs), both ``size``."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(6)
    stripes = 127 + 120 * np.sin((yy + xx) / 3.0)
    style = np.stack([stripes, 255 - stripes, 0.5 * stripes], -1) + rng.normal(0, 5, (h, w, 3))
    blob = np.exp(-((yy - h / 2) ** 2 + (xx - w / 3) ** 2) / 150.0)
    content = np.stack([200 * blob + 30, 120 * blob + 60, 90 + 0 * blob], -1)
    folder = os.path.join(root, "images", "neural-style")
    _save(style, os.path.join(folder, "picasso.jpg"))
    _save(content, os.path.join(folder, "dancing.jpg"))


def write_penn_fudan(root, n=4, size=(60, 80)):
    """``root/PennFudanPed/PNGImages/FudanPedNNNNN.png`` and ``PedMasks/..._mask.png``: each
    image holds 1-3 upright "pedestrians" (rectangles), the mask their instance ids."""
    rng = np.random.default_rng(7)
    h, w = size
    for i in range(n):
        img = rng.uniform(90, 160, 3) + rng.normal(0, 10, (h, w, 3))
        mask = np.zeros((h, w), np.uint8)
        k = 1 + i % 3
        for obj in range(1, k + 1):
            x0 = int(rng.integers(0, w - 20))
            y0 = int(rng.integers(0, h - 30))
            bw, bh = int(rng.integers(8, 18)), int(rng.integers(20, 30))
            mask[y0:y0 + bh, x0:x0 + bw] = obj
            img[y0:y0 + bh, x0:x0 + bw] = rng.uniform(0, 255, 3)
        _save(img, os.path.join(root, "PennFudanPed", "PNGImages", f"FudanPed{i + 1:05d}.png"))
        _save(mask, os.path.join(root, "PennFudanPed", "PedMasks", f"FudanPed{i + 1:05d}_mask.png"),
              "L")


def build_all(directory):
    """Write every dataset the scripts read under ``directory/data``; return ``directory``."""
    data = os.path.join(directory, "data")
    write_mnist(data)
    write_celeba(data)
    write_hymenoptera(data, per_class=4, size=(40, 48))
    write_neural_style(data)
    write_penn_fudan(data)
    return directory


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python vision_tut_datagen.py DIR")
    print("wrote", build_all(sys.argv[1]))
