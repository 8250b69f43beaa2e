"""torch's deprecated ``torch.cpu.amp`` / ``torch.cuda.amp`` classes, shared by both namespaces."""
import functools
import warnings

from .. import _dtype as D
from .autocast_mode import autocast as _autocast, custom_fwd as _custom_fwd, \
    custom_bwd as _custom_bwd
from .grad_scaler import GradScaler as _GradScaler


def make(device_type):
    """The ``autocast``, ``GradScaler``, ``custom_fwd``, ``custom_bwd`` of ``device_type``.amp."""
    label = f"torch.{device_type}.amp"

    class autocast(_autocast):
        __doc__ = f"""Deprecated: ``ember.amp.autocast("{device_type}", ...)`` ({label}.autocast).

        Warns (FutureWarning) and otherwise behaves as :class:`ember.amp.autocast` for
        ``device_type="{device_type}"``.

        Args:
            enabled (bool): whether autocasting is on in the region. Default: True.
            dtype (ember.dtype): the lower-precision dtype. Default:
                {"ember.float16" if device_type == "cuda" else "ember.bfloat16"}.
            cache_enabled (bool): cache casts of leaf tensors. Default: True.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     ctx = ember.{device_type}.amp.autocast(enabled=False)
            >>> ctx._enabled
            False
        """

        def __init__(self, enabled=True, dtype=None, cache_enabled=True):
            warnings.warn(f"`{label}.autocast(args...)` is deprecated. Please use "
                          f"`torch.amp.autocast('{device_type}', args...)` instead.",
                          FutureWarning, stacklevel=2)
            if dtype is None:
                dtype = D.bfloat16 if device_type == "cpu" else D.float16
            super().__init__(device_type, enabled=enabled, dtype=dtype,
                             cache_enabled=cache_enabled)

        def __call__(self, func):
            @functools.wraps(func)
            def decorate(*args, **kwargs):
                with _autocast(self.device, self.fast_dtype, self._enabled,
                               self._cache_enabled):
                    return func(*args, **kwargs)
            return decorate

    class GradScaler(_GradScaler):
        __doc__ = f"""Deprecated: ``ember.amp.GradScaler("{device_type}", ...)`` ({label}.GradScaler).

        Args:
            init_scale (float): the initial scale. Default: ``2.0 ** 16``.
            growth_factor (float): growth multiplier. Default: 2.0.
            backoff_factor (float): backoff multiplier. Default: 0.5.
            growth_interval (int): clean steps between growths. Default: 2000.
            enabled (bool): whether scaling is on. Default: True.

        Example::

            >>> import warnings
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter("ignore")
            ...     s = ember.{device_type}.amp.GradScaler(enabled=False)
            >>> s.is_enabled()
            False
        """

        def __init__(self, init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                     growth_interval=2000, enabled=True):
            warnings.warn(f"`{label}.GradScaler(args...)` is deprecated. Please use "
                          f"`torch.amp.GradScaler('{device_type}', args...)` instead.",
                          FutureWarning, stacklevel=2)
            super().__init__(device_type, init_scale=init_scale, growth_factor=growth_factor,
                             backoff_factor=backoff_factor, growth_interval=growth_interval,
                             enabled=enabled)

    def custom_fwd(fwd=None, *, cast_inputs=None):
        warnings.warn(f"`{label}.custom_fwd(args...)` is deprecated. Please use "
                      f"`torch.amp.custom_fwd(args..., device_type='{device_type}')` instead.",
                      FutureWarning, stacklevel=2)
        return _custom_fwd(fwd, device_type=device_type, cast_inputs=cast_inputs)

    def custom_bwd(bwd=None):
        warnings.warn(f"`{label}.custom_bwd(args...)` is deprecated. Please use "
                      f"`torch.amp.custom_bwd(args..., device_type='{device_type}')` instead.",
                      FutureWarning, stacklevel=2)
        return _custom_bwd(bwd, device_type=device_type)

    for fn, base in ((custom_fwd, _custom_fwd), (custom_bwd, _custom_bwd)):
        fn.__doc__ = (f"Deprecated: ``ember.amp.{base.__name__}(..., device_type="
                      f"\"{device_type}\")`` ({label}.{base.__name__}); warns.\n\n"
                      + base.__doc__.split("\n", 1)[1])
    for obj in (autocast, GradScaler, custom_fwd, custom_bwd):
        obj.__qualname__ = obj.__name__
        obj.__module__ = f"ember.{device_type}.amp"
    return autocast, GradScaler, custom_fwd, custom_bwd

