"""Image-grid helpers: ``ember.vision.utils`` (torchvision's ``utils.make_grid`` and ``utils.save_image``).

Example:
    >>> import ember
    >>> from ember.vision.utils import make_grid
    >>> tuple(make_grid(ember.rand(10, 3, 8, 8), nrow=5).shape)
    (3, 22, 52)
"""

import math

import numpy as np

import ember

__all__ = ["make_grid", "save_image"]


def _np(t):
    arr = t._data
    if not isinstance(arr, np.ndarray):
        arr = arr.get()  # cupy -> numpy
    return arr


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Make a grid of images.

    Args:
        tensor (Tensor or list of Tensor): a 4-D mini-batch ``(B, C, H, W)`` or a list of same-sized images.
            A 3-D tensor is one image; a 2-D tensor one grayscale image. Single-channel images are
            repeated to 3 channels.
        nrow (int): images per row of the grid. Default: 8.
        padding (int): padding between (and around) images. Default: 2.
        normalize (bool): shift the images to ``[0, 1]`` using the min and max of ``value_range`` (or of the
            data when ``value_range`` is ``None``). Default: ``False``.
        value_range (tuple, optional): ``(min, max)`` used to normalize.
        scale_each (bool): normalize each image separately instead of the whole batch. Default: ``False``.
        pad_value (float): value of the padding pixels. Default: 0.

    Returns:
        Tensor: the grid, ``(C, H', W')``.

    Example:
        >>> grid = make_grid([ember.rand(1, 4, 4) for _ in range(3)], nrow=2, padding=1)
        >>> tuple(grid.shape)
        (3, 11, 11)
    """
    if not isinstance(tensor, ember.Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, ember.Tensor):
                    raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")

    like = tensor if isinstance(tensor, ember.Tensor) else (tensor[0] if tensor else None)
    if isinstance(tensor, list):
        if not tensor:
            raise RuntimeError("stack expects a non-empty TensorList")
        arrays = [_np(t) for t in tensor]
        for k, a in enumerate(arrays[1:], 1):
            if a.shape != arrays[0].shape:
                raise RuntimeError(
                    "stack expects each tensor to be equal size, but got "
                    f"{list(arrays[0].shape)} at entry 0 and {list(a.shape)} at entry {k}"
                )
        arr = np.stack(arrays, axis=0)
    else:
        arr = _np(tensor)

    if arr.ndim == 2:  # single image H x W
        arr = arr[None]
    if arr.ndim == 3:  # single image
        if arr.shape[0] == 1:  # if single-channel, convert to 3-channel
            arr = np.concatenate((arr, arr, arr), axis=0)
        arr = arr[None]
    if arr.ndim == 4 and arr.shape[1] == 1:  # single-channel images
        arr = np.concatenate((arr, arr, arr), axis=1)

    if normalize is True:
        arr = arr.copy()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        dt = arr.dtype.type

        def norm_ip(img, low, high):
            np.clip(img, dt(low), dt(high), out=img)
            img -= dt(low)
            img /= dt(max(high - low, 1e-5))

        def norm_range(t, value_range):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each is True:
            for t in arr:  # loop over mini-batch dimension (views, normalized in place)
                norm_range(t, value_range)
        else:
            norm_range(arr, value_range)

    if arr.shape[0] == 1:
        return _wrap(arr[0], like)

    # make the mini-batch of images into a grid
    nmaps = arr.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(arr.shape[2] + padding), int(arr.shape[3] + padding)
    num_channels = arr.shape[1]
    grid = np.full((num_channels, height * ymaps + padding, width * xmaps + padding), pad_value, dtype=arr.dtype)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            top, left = y * height + padding, x * width + padding
            grid[:, top : top + height - padding, left : left + width - padding] = arr[k]
            k = k + 1
    return _wrap(grid, like)


def _wrap(arr, like):
    out = ember.from_numpy(np.ascontiguousarray(arr))
    if like is not None:
        if out.dtype != like.dtype:
            out = out.to(like.dtype)
        if like.device.type != "cpu":
            out = out.to(like.device)
    return out


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or a list of tensors) as an image file, laid out with :func:`make_grid`.

    Values are expected in ``[0, 1]``; they are scaled to ``[0, 255]`` and rounded.

    Args:
        tensor (Tensor or list of Tensor): image(s) to save; a batch is saved as a grid.
        fp (str, pathlib.Path or file object): file name or writable binary file.
        format (str, optional): image format (e.g. ``"PNG"``); required when ``fp`` is a file object,
            otherwise taken from the file extension.
        **kwargs: passed to :func:`make_grid` (``nrow``, ``padding``, ``normalize``, ...).

    Example:
        >>> import io
        >>> buf = io.BytesIO()
        >>> save_image(ember.rand(4, 3, 8, 8), buf, format="PNG", nrow=2)
        >>> buf.getvalue()[:4]
        b'\\x89PNG'
    """
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('save_image needs Pillow: pip install "ember[vision]" (or pip install pillow)') from e
    grid = _np(make_grid(tensor, **kwargs))
    dt = grid.dtype.type
    ndarr = np.clip(grid * dt(255) + dt(0.5), 0, 255).transpose(1, 2, 0).astype(np.uint8)
    im = Image.fromarray(np.ascontiguousarray(ndarr))
    im.save(fp, format=format)
