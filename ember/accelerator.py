"""ember.accelerator: the device-agnostic accelerator API (torch.accelerator).

The only accelerator ember drives is CUDA (through CuPy); without it these report none.
"""
from ._device import device as _device

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "set_device_index", "synchronize", "device_index"]


def _cuda():
    from . import cuda
    return cuda


def is_available():
    """Whether an accelerator (a CUDA GPU through CuPy) is usable.

    Example::

        >>> isinstance(ember.accelerator.is_available(), bool)
        True
    """
    return _cuda().is_available()


def current_accelerator(check_available=False):
    """``device('cuda')`` when a GPU is present, else None."""
    return _device("cuda") if is_available() else None


def device_count():
    """Number of accelerator devices (0 without CUDA)."""
    return _cuda().device_count() if is_available() else 0


def current_device_index():
    """Index of the current accelerator device."""
    if not is_available():
        raise RuntimeError("ember.accelerator: no accelerator is available")
    return _cuda().current_device()


current_device_idx = current_device_index


def set_device_index(device):
    """Select the current accelerator device."""
    if not is_available():
        raise RuntimeError("ember.accelerator: no accelerator is available")
    _cuda().set_device(device)


set_device_idx = set_device_index


def synchronize(device=None):
    """Wait for all work on the accelerator to finish."""
    if is_available():
        _cuda().synchronize(device)


class device_index:
    """Context manager selecting an accelerator device index."""

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        if self.idx is not None and is_available():
            self.prev = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None and is_available():
            set_device_index(self.prev)
