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
    """Whether an accelerator (a CUDA GPU, through CuPy) is usable.

    Args:
        (none)

    Example::

        >>> isinstance(ember.accelerator.is_available(), bool)
        True
    """
    return _cuda().is_available()


def current_accelerator(check_available=False):
    """The accelerator device type, ``device(type='cuda')``, when a GPU is usable; else None.

    A device-agnostic program picks its device with
    ``acc = ember.accelerator.current_accelerator(); device = acc if acc else 'cpu'``.

    Args:
        check_available (bool): accepted for torch compatibility (ember always checks).
            Default: ``False``.

    Example::

        >>> acc = ember.accelerator.current_accelerator()
        >>> acc is None or acc.type == 'cuda'
        True
    """
    return _device("cuda") if is_available() else None


def device_count():
    """The number of accelerator devices (0 without CUDA).

    Args:
        (none)

    Example::

        >>> ember.accelerator.device_count() >= 0
        True
    """
    return _cuda().device_count() if is_available() else 0


def current_device_index():
    """The index of the current accelerator device (raises RuntimeError without one).

    ``current_device_idx`` is an alias.

    Args:
        (none)

    Example::

        >>> if ember.accelerator.is_available():
        ...     i = ember.accelerator.current_device_index()
    """
    if not is_available():
        raise RuntimeError("ember.accelerator: no accelerator is available")
    return _cuda().current_device()


current_device_idx = current_device_index


def set_device_index(device):
    """Make ``device`` the current accelerator device (raises RuntimeError without one).

    ``set_device_idx`` is an alias.

    Args:
        device (int or ember.device): the device index (or a device with an index).

    Example::

        >>> if ember.accelerator.is_available():
        ...     ember.accelerator.set_device_index(0)
    """
    if not is_available():
        raise RuntimeError("ember.accelerator: no accelerator is available")
    _cuda().set_device(device)


set_device_idx = set_device_index


def synchronize(device=None):
    """Wait until all queued work on the accelerator has finished (a no-op without one).

    GPU work runs asynchronously; synchronize before timing code.

    Args:
        device (int or ember.device, optional): the device to wait for. Default: the
            current device.

    Example::

        >>> ember.accelerator.synchronize()
    """
    if is_available():
        _cuda().synchronize(device)


class device_index:
    """A context manager that makes accelerator ``device`` current inside the block.

    The previous device is restored on exit. Does nothing when ``device`` is None or no
    accelerator is available.

    Args:
        device (int or None): the device index.

    Example::

        >>> with ember.accelerator.device_index(0):
        ...     pass
    """

    def __init__(self, device):
        self.idx = device

    def __enter__(self):
        if self.idx is not None and is_available():
            self.prev = current_device_index()
            set_device_index(self.idx)

    def __exit__(self, *exc):
        if self.idx is not None and is_available():
            set_device_index(self.prev)
