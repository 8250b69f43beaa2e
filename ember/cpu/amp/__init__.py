"""``ember.cpu.amp`` (torch.cpu.amp): deprecated aliases of ``ember.amp`` for the CPU."""
from ...amp._device_amp import make as _make

autocast, GradScaler, custom_fwd, custom_bwd = _make("cpu")

__all__ = ["autocast", "GradScaler"]
