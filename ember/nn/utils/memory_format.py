"""``nn.utils.convert_conv{2,3}d_weight_memory_format``.

torch re-lays out convolution weights in ``channels_last`` memory so cuDNN can pick NHWC
kernels. ember stores every tensor row-major (there is no channels-last storage; a
``memory_format`` argument only ever yields a contiguous tensor), so these functions keep
each weight's *values* and the Parameter object, give it a fresh contiguous copy and walk
the module tree exactly as torch does. Outputs are identical with or without the call.
"""
from ..._tensor import Tensor

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _check_format(memory_format):
    from ... import memory_format as _memory_format
    if not isinstance(memory_format, _memory_format):
        raise TypeError(f"memory_format must be a torch.memory_format (e.g. "
                        f"torch.channels_last), not {type(memory_format).__name__}")


def _convert(module, memory_format, classes):
    if isinstance(module, classes):
        weight = module.weight
        if isinstance(weight, Tensor):
            # same values, new (contiguous) storage; the Parameter object stays
            weight.data = weight.detach().clone()
    for child in module.children():
        _convert(child, memory_format, classes)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Convert the ``memory_format`` of the weights of every ``Conv2d`` /
    ``ConvTranspose2d`` in ``module`` (recursively).

    In ember every tensor is stored contiguous (row-major): the weights keep their values
    and Parameter objects, so the module computes exactly what it computed before. The call
    is accepted so that torch code using ``channels_last`` runs unchanged.

    Args:
        module (nn.Module): the model (converted in place).
        memory_format (ember.memory_format): e.g. ``ember.channels_last``.

    Returns:
        nn.Module: ``module``.

    Example::

        >>> net = ember.nn.Sequential(ember.nn.Conv2d(3, 8, 3), ember.nn.ReLU())
        >>> net = ember.nn.utils.convert_conv2d_weight_memory_format(net, ember.channels_last)
        >>> net[0].weight.shape
        torch.Size([8, 3, 3, 3])
    """
    from ..modules.conv import Conv2d, ConvTranspose2d
    _check_format(memory_format)
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """Convert the ``memory_format`` of the weights of every ``Conv3d`` /
    ``ConvTranspose3d`` in ``module`` (recursively).

    As :func:`convert_conv2d_weight_memory_format`: ember keeps the values (row-major
    storage), so results are unchanged.

    Args:
        module (nn.Module): the model (converted in place).
        memory_format (ember.memory_format): e.g. ``ember.channels_last_3d``.

    Returns:
        nn.Module: ``module``.

    Example::

        >>> net = ember.nn.Sequential(ember.nn.Conv3d(2, 4, 3))
        >>> fmt = ember.channels_last_3d
        >>> net = ember.nn.utils.convert_conv3d_weight_memory_format(net, fmt)
        >>> net[0].weight.shape
        torch.Size([4, 2, 3, 3, 3])
    """
    from ..modules.conv import Conv3d, ConvTranspose3d
    _check_format(memory_format)
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
