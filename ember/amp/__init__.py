"""``ember.amp``: automatic mixed precision -- :class:`autocast` and :class:`GradScaler`.

``ember.autocast`` is the same class; ``ember.cpu.amp`` and ``ember.cuda.amp`` hold torch's
deprecated device-specific aliases.
"""
from .autocast_mode import autocast, custom_fwd, custom_bwd, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["autocast", "custom_bwd", "custom_fwd", "is_autocast_available", "GradScaler"]
