"""Turning ember tensors, NumPy arrays and Python numbers into NumPy arrays laid out for TensorBoard.

Everything here is plain NumPy (no TensorBoard import), so it can be tested and reused on its own.
The behaviour follows ``torch.utils.tensorboard`` (``_convert_np.make_np`` and ``_utils``).
"""

import numpy as np

__all__ = ["make_np", "convert_to_HWC", "make_grid", "prepare_video", "figure_to_image"]


def _ember_tensor_type():
    # ember is our parent package, so it is already imported when this runs; importing it lazily
    # keeps `ember.utils.tensorboard` importable in the middle of `import ember`.
    import ember

    return getattr(ember, "Tensor", None)


def make_np(x):
    """Convert an ember tensor, NumPy array or Python number into a NumPy array.

    Ember tensors are detached and copied to the CPU first (bfloat16 is widened to float32);
    a Python or NumPy scalar becomes a 1-element array, as in ``torch.utils.tensorboard``.

    Args:
        x: an ``ember.Tensor``, ``numpy.ndarray``, Python/NumPy scalar, or a (nested) list/tuple
            of numbers. Objects exposing ``__array__`` (or CuPy's ``.get()``) are accepted too.

    Returns:
        numpy.ndarray

    Example:
        >>> make_np(3.5)
        array([3.5])
        >>> make_np(np.zeros((2, 2))).shape
        (2, 2)
    """
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    tensor_type = _ember_tensor_type()
    if tensor_type is not None and isinstance(x, tensor_type):
        t = x.detach()
        if getattr(t.device, "type", "cpu") != "cpu":
            t = t.cpu()
        import ember

        if getattr(ember, "bfloat16", None) is not None and t.dtype == ember.bfloat16:
            t = t.float()
        return np.asarray(t.numpy())
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            return np.asarray(x)
        return np.stack([np.asarray(e) if np.isscalar(e) else make_np(e) for e in x])
    if hasattr(x, "get") and type(x).__module__.startswith("cupy"):
        return x.get()
    if hasattr(x, "__array__"):
        return np.asarray(x)
    raise NotImplementedError(
        f"Got {type(x)}, but numpy array or ember tensor are expected."
    )


def make_grid(images, ncols=8):
    """Tile a batch of images ``(N, C, H, W)`` into one ``(3, H * nrows, W * ncols)`` image.

    This is TensorBoard's own tiling (as in ``torch.utils.tensorboard._utils.make_grid``):
    no padding, at most ``ncols`` images per row, the last row filled with black. Single-channel
    images are repeated to RGB.

    Args:
        images (numpy.ndarray): array of shape ``(N, 1, H, W)`` or ``(N, 3, H, W)``.
        ncols (int): maximum number of images per row. Default: 8.

    Returns:
        numpy.ndarray of shape ``(3, H * ceil(N / ncols), W * min(N, ncols))`` and the input dtype.

    Example:
        >>> make_grid(np.ones((10, 1, 2, 2)), ncols=4).shape
        (3, 6, 8)
    """
    if not isinstance(images, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if images.ndim == 4 and images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    nimg, _, height, width = images.shape
    ncols = min(nimg, ncols)
    nrows = int(np.ceil(float(nimg) / ncols))
    canvas = np.zeros((3, height * nrows, width * ncols), dtype=images.dtype)
    for i in range(nimg):
        y, x = divmod(i, ncols)
        canvas[:, y * height:(y + 1) * height, x * width:(x + 1) * width] = images[i]
    return canvas


def convert_to_HWC(tensor, input_format):  # noqa: N802 (torch's name)
    """Rearrange an image array described by ``input_format`` into ``(H, W, C)`` with C = 3 or 4.

    4-letter formats (``NCHW``, ``NHWC``, ...) are tiled with :func:`make_grid`; 3-letter formats
    are transposed (1 channel is repeated to RGB); 2-letter formats (``HW``, ``WH``) become
    grayscale RGB.

    Args:
        tensor (numpy.ndarray): image data.
        input_format (str): one letter per dimension of ``tensor`` among N, C, H, W.

    Returns:
        numpy.ndarray laid out as ``(H, W, C)``.

    Example:
        >>> convert_to_HWC(np.zeros((3, 4, 5)), "CHW").shape
        (4, 5, 3)
    """
    if len(set(input_format)) != len(input_format):
        raise AssertionError(
            "You can not use the same dimension shorthand twice. "
            f"input_format: {input_format}"
        )
    if len(tensor.shape) != len(input_format):
        raise AssertionError(
            "size of input tensor and input format are different. "
            f"tensor shape: {tensor.shape}, input_format: {input_format}"
        )
    input_format = input_format.upper()
    for c in input_format:
        if c not in "NCHW":
            raise AssertionError(
                f"unknown dimension shorthand {c!r} in input_format {input_format!r}; "
                "use the letters N, C, H and W (e.g. 'CHW', 'HWC', 'HW', 'NCHW')"
            )

    if len(input_format) == 4:
        index = [input_format.find(c) for c in "NCHW"]
        tensor_nchw = tensor.transpose(index)
        return make_grid(tensor_nchw).transpose(1, 2, 0)

    if len(input_format) == 3:
        index = [input_format.find(c) for c in "HWC"]
        tensor_hwc = tensor.transpose(index)
        if tensor_hwc.shape[2] == 1:
            tensor_hwc = np.concatenate([tensor_hwc, tensor_hwc, tensor_hwc], 2)
        return tensor_hwc

    if len(input_format) == 2:
        index = [input_format.find(c) for c in "HW"]
        tensor = tensor.transpose(index)
        return np.stack([tensor, tensor, tensor], 2)

    raise AssertionError(
        f"input_format must have 2, 3 or 4 letters (HW, CHW, NCHW ...), got {input_format!r}"
    )


def prepare_video(video):
    """Turn a video batch ``(N, T, C, H, W)`` into frames ``(T, H', W', C)`` with the batch tiled.

    As in torch, the batch is padded with black clips up to a power of two and laid out on a
    ``2**k x 2**j`` grid; uint8 input is rescaled to [0, 1] floats.

    Args:
        video (numpy.ndarray): array of shape ``(N, T, C, H, W)``.

    Returns:
        numpy.ndarray of shape ``(T, rows * H, cols * W, C)``.

    Example:
        >>> prepare_video(np.zeros((4, 2, 3, 8, 8))).shape
        (2, 16, 16, 3)
    """
    if video.ndim != 5:
        raise ValueError(
            f"video tensor must have 5 dimensions (N, T, C, H, W), got shape {tuple(video.shape)}"
        )
    b, t, c, h, w = video.shape
    if video.dtype == np.uint8:
        video = np.float32(video) / 255.0

    def is_power2(num):
        return num != 0 and (num & (num - 1)) == 0

    if not is_power2(video.shape[0]):
        len_addition = int(2 ** video.shape[0].bit_length() - video.shape[0])
        video = np.concatenate((video, np.zeros(shape=(len_addition, t, c, h, w))), axis=0)

    n_rows = 2 ** ((b.bit_length() - 1) // 2)
    n_cols = video.shape[0] // n_rows
    video = np.reshape(video, (n_rows, n_cols, t, c, h, w))
    video = np.transpose(video, axes=(2, 0, 4, 1, 5, 3))
    return np.reshape(video, (t, n_rows * h, n_cols * w, c))


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (or a list of figures) to a uint8 ``CHW`` (or ``NCHW``) array.

    Args:
        figures: a ``matplotlib.figure.Figure`` or a list of them (all the same size).
        close (bool): close each figure after rendering. Default: True.

    Returns:
        numpy.ndarray of dtype uint8, ``(3, H, W)`` or ``(N, 3, H, W)``.

    Example:
        >>> import matplotlib.pyplot as plt            # doctest: +SKIP
        >>> figure_to_image(plt.figure(figsize=(2, 1), dpi=10)).shape  # doctest: +SKIP
        (3, 10, 20)
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.backends import backend_agg
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "add_figure requires matplotlib: pip install matplotlib"
        ) from e

    def render_to_rgb(figure):
        canvas = backend_agg.FigureCanvasAgg(figure)
        canvas.draw()
        data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = figure.canvas.get_width_height()
        image_chw = np.moveaxis(data.reshape([h, w, 4])[:, :, 0:3], source=2, destination=0)
        if close:
            plt.close(figure)
        return image_chw

    if isinstance(figures, list):
        return np.stack([render_to_rgb(f) for f in figures])
    return render_to_rgb(figures)
