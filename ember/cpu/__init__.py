"""``ember.cpu`` (torch.cpu): the CPU device module -- availability, synchronisation, ``amp``."""
from . import amp

__all__ = ["amp", "is_available", "device_count", "current_device", "synchronize",
           "set_device"]


def is_available():
    """Whether the CPU device is available (always True).

    Args:
        (none)

    Example::

        >>> ember.cpu.is_available()
        True
    """
    return True


def device_count():
    """The number of CPU devices (always 1, as torch).

    Args:
        (none)

    Example::

        >>> ember.cpu.device_count()
        1
    """
    return 1


def current_device():
    """The current CPU device, ``'cpu'``.

    Args:
        (none)

    Example::

        >>> ember.cpu.current_device()
        'cpu'
    """
    return "cpu"


def synchronize(device=None):
    """Wait for all work on the CPU (a no-op: CPU ops complete when they return).

    Args:
        device (optional): ignored, as torch does for the CPU.

    Example::

        >>> ember.cpu.synchronize()
    """


def set_device(device):
    """Select the CPU device (a no-op: there is one).

    Args:
        device (str or ember.device): the device.

    Example::

        >>> ember.cpu.set_device("cpu")
    """
