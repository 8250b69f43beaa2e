"""``ember.cuda.amp`` (torch.cuda.amp): deprecated aliases of ``ember.amp`` for CUDA."""
from ._device_amp import make as _make

autocast, GradScaler, custom_fwd, custom_bwd = _make("cuda")

__all__ = ["autocast", "GradScaler", "custom_fwd", "custom_bwd"]
