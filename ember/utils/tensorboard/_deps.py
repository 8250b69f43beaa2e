"""Lazy checks for the optional packages behind ``ember.utils.tensorboard``."""

_INSTALL_HINT = 'pip install "ember[tensorboard]"'


def require_tensorboard():
    """Import and return the ``tensorboard`` package, or raise an ImportError saying how to get it.

    Example:
        >>> require_tensorboard().__name__   # doctest: +SKIP
        'tensorboard'
    """
    try:
        import tensorboard
        from tensorboard.compat.proto import event_pb2  # noqa: F401  (the part we really use)
    except ImportError as e:
        raise ImportError(
            "ember.utils.tensorboard.SummaryWriter needs the 'tensorboard' package, which is not "
            f"installed (or failed to import: {e}). Install it with: {_INSTALL_HINT}"
        ) from e
    return tensorboard


def require_pillow():
    """Import and return ``PIL.Image``, or raise an ImportError saying how to get Pillow.

    Example:
        >>> require_pillow().__name__   # doctest: +SKIP
        'PIL.Image'
    """
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            "Writing images to TensorBoard needs the 'pillow' package, which is not installed. "
            f"Install it with: {_INSTALL_HINT}"
        ) from e
    return Image
