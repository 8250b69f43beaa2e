"""Files for TensorBoard's embedding projector: tensors.tsv, metadata.tsv, sprite.png, config.

The layout is the one ``torch.utils.tensorboard`` writes:

    <log_dir>/projector_config.pbtxt
    <log_dir>/<global_step:05d>/<tag>/tensors.tsv     one row per point, tab-separated
    <log_dir>/<global_step:05d>/<tag>/metadata.tsv    one label per line (or a header + columns)
    <log_dir>/<global_step:05d>/<tag>/sprite.png      label images tiled in a square
"""

import io
import math

import numpy as np

from ._convert import make_grid, make_np
from ._deps import require_pillow


def _gfile():
    from tensorboard.compat import tf

    return tf.io.gfile


def _join(a, b):
    gfile = _gfile()
    if hasattr(gfile, "join"):
        return gfile.join(a, b)
    return gfile.get_filesystem(a).join(a, b)


def _write_bytes(path, data):
    with _gfile().GFile(path, "wb") as f:
        f.write(data)


def make_tsv(metadata, save_path, metadata_header=None):
    """Write ``metadata.tsv``: one label per line, or a header row and tab-separated columns.

    Args:
        metadata (list): one entry per point (each converted with ``str``); with a header, each
            entry is a list with one value per column.
        save_path (str): directory to write into.
        metadata_header (list of str, optional): column names.

    Example:
        >>> make_tsv(["a", "b"], "/tmp/emb")   # doctest: +SKIP
    """
    if not metadata_header:
        lines = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        lines = ["\t".join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
    _write_bytes(_join(save_path, "metadata.tsv"), ("\n".join(lines) + "\n").encode("utf-8"))


def make_sprite(label_img, save_path):
    """Write ``sprite.png``: the label images ``(N, C, H, W)`` (floats in [0, 1]) in a square grid.

    As in torch, images are tiled ``ceil(sqrt(N))`` per row with no padding, the canvas is made
    square (side = grid width) and values are scaled by 255 and clipped.

    Args:
        label_img (numpy.ndarray): ``(N, 1 or 3, H, W)`` images.
        save_path (str): directory to write into.

    Example:
        >>> make_sprite(np.random.rand(4, 3, 8, 8), "/tmp/emb")   # doctest: +SKIP
    """
    image_module = require_pillow()
    nrow = math.ceil(label_img.shape[0] ** 0.5)
    grid_chw = make_grid(label_img, ncols=nrow)
    side = grid_chw.shape[2]
    square_hwc = np.zeros((side, side, 3))
    square_hwc[:grid_chw.shape[1], :, :] = grid_chw.transpose(1, 2, 0)
    im = image_module.fromarray(np.uint8((square_hwc * 255).clip(0, 255)))
    with io.BytesIO() as buf:
        im.save(buf, format="PNG")
        _write_bytes(_join(save_path, "sprite.png"), buf.getvalue())


def make_mat(matlist, save_path):
    """Write ``tensors.tsv``: one tab-separated row per point.

    Args:
        matlist (numpy.ndarray): ``(N, D)`` matrix.
        save_path (str): directory to write into.

    Example:
        >>> make_mat(np.eye(2), "/tmp/emb")   # doctest: +SKIP
    """
    lines = ["\t".join(str(v.item()) for v in row) + "\n" for row in matlist]
    _write_bytes(_join(save_path, "tensors.tsv"), "".join(lines).encode("utf-8"))


def get_embedding_info(metadata, label_img, subdir, global_step, tag):
    """The ``EmbeddingInfo`` entry of ``projector_config.pbtxt`` for one embedding.

    Args:
        metadata: the labels (or None).
        label_img (numpy.ndarray or None): ``(N, C, H, W)`` images.
        subdir (str): ``<step:05d>/<tag>`` relative to the log dir.
        global_step (int): the step.
        tag (str): the embedding name.

    Returns:
        ``tensorboard.plugins.projector.projector_config_pb2.EmbeddingInfo``.

    Example:
        >>> get_embedding_info(None, None, "00000/default", 0, "default")   # doctest: +SKIP
    """
    from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo

    info = EmbeddingInfo()
    info.tensor_name = f"{tag}:{str(global_step).zfill(5)}"
    info.tensor_path = _join(subdir, "tensors.tsv")
    if metadata is not None:
        info.metadata_path = _join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = _join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info


def write_pbtxt(save_path, contents):
    """Write ``projector_config.pbtxt`` (text-format ``ProjectorConfig``) into ``save_path``.

    Example:
        >>> write_pbtxt("/tmp/emb", "")   # doctest: +SKIP
    """
    _write_bytes(_join(save_path, "projector_config.pbtxt"), contents.encode("utf-8"))


def label_images(label_img):
    """NumPy ``(N, C, H, W)`` array from an ember tensor / array of label images."""
    arr = make_np(label_img)
    if arr.ndim != 4:
        raise ValueError(
            f"label_img should have shape (N, C, H, W), got shape {tuple(arr.shape)}")
    return arr
