"""``DataParallel``: torch's single-process multi-GPU wrapper. ember runs the module on one
device, so it is a pass-through that keeps torch's ``module.`` attribute and state_dict keys."""
from ..modules.module import Module

__all__ = ["DataParallel"]


class DataParallel(Module):
    r"""Wraps ``module`` the way ``torch.nn.DataParallel`` does; ``forward`` calls the module
    directly (ember does not split a batch over several GPUs inside one process — use
    :class:`~ember.nn.parallel.DistributedDataParallel` for data parallelism).

    Args:
        module (Module): the module to wrap.
        device_ids (list, optional): accepted for compatibility.
        output_device (optional): accepted for compatibility.
        dim (int): accepted for compatibility.

    Shape:
        Whatever ``module`` takes and returns.

    Example:
        >>> import ember.nn as nn
        >>> from ember.nn.parallel import DataParallel
        >>> dp = DataParallel(nn.Linear(3, 2))
        >>> dp(ember.ones(4, 3)).shape
        torch.Size([4, 2])
        >>> list(dp.state_dict())
        ['module.weight', 'module.bias']
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DataParallel expects an nn.Module, got {type(module).__name__}")
        self.module = module
        self.device_ids = [] if device_ids is None else list(device_ids)
        self.output_device = output_device
        self.dim = dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
