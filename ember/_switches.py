"""Global switches with torch's names and semantics: the default device, deterministic
algorithms, float32 matmul precision, always-warn, and small helpers (``typename``,
``get_device``, ``set_default_tensor_type``, ``set_flush_denormal``).

The default device lives here (``DEFAULT_DEVICE``); ``functions._target_device`` consults it
after any ``with ember.device(...)`` block, so every factory function honours it.
"""
import warnings

from . import _dtype as D
from ._device import to_device, device as _device_cls, _default_device_stack
from ._tensor import Tensor

__all__ = ["set_default_device", "get_default_device", "use_deterministic_algorithms",
           "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_warn_always", "is_warn_always_enabled",
           "get_device", "typename", "set_flush_denormal", "set_default_tensor_type"]

DEFAULT_DEVICE = [None]          # set by set_default_device (None: cpu)
_DETERMINISTIC = {"mode": False, "warn_only": False}
_MATMUL_PRECISION = ["highest"]
_WARN_ALWAYS = [False]


def set_default_device(device):
    """Make ``device`` the default for factory functions (``zeros``, ``tensor``, ``rand`` ...).

    ``None`` restores cpu. A ``with ember.device(...)`` block still takes precedence inside
    it. Tensors passed explicitly keep their own device.

    Args:
        device (str, ember.device or None): the new default device.

    Example::

        >>> ember.set_default_device("cpu")
        >>> ember.zeros(2).device
        device(type='cpu')
        >>> ember.set_default_device(None)
    """
    d = to_device(device) if device is not None else None
    if d is not None and d.type == "cuda" and d.index is None:
        from . import cuda
        d = _device_cls("cuda", cuda.current_device() if cuda.is_available() else 0)
    DEFAULT_DEVICE[0] = d


def get_default_device():
    """The device factory functions use now: the innermost ``with ember.device(...)`` block, else the one set by :func:`set_default_device`, else cpu.

    Args:
        (none)

    Example::

        >>> ember.get_default_device()
        device(type='cpu')
    """
    if _default_device_stack:
        return _default_device_stack[-1]
    return DEFAULT_DEVICE[0] if DEFAULT_DEVICE[0] is not None else _device_cls("cpu")


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Require deterministic algorithms (torch's switch; ember's kernels are all deterministic).

    ember runs every op with a deterministic NumPy/CuPy algorithm, so no op raises or warns
    under this mode; the setting is recorded and reported by
    :func:`are_deterministic_algorithms_enabled` for code that checks it.

    Args:
        mode (bool): enable (True) or disable (False).
        warn_only (bool): warn instead of raising for nondeterministic ops. Default:
            ``False``.

    Example::

        >>> ember.use_deterministic_algorithms(True)
        >>> ember.are_deterministic_algorithms_enabled()
        True
        >>> ember.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' must be bool, not "
                        f"{type(mode).__name__}")
    _DETERMINISTIC["mode"] = mode
    _DETERMINISTIC["warn_only"] = bool(warn_only) and mode


def are_deterministic_algorithms_enabled():
    """Whether :func:`use_deterministic_algorithms` is on.

    Args:
        (none)

    Example::

        >>> ember.are_deterministic_algorithms_enabled()
        False
    """
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    """Whether deterministic mode is on with ``warn_only=True``.

    Args:
        (none)

    Example::

        >>> ember.is_deterministic_algorithms_warn_only_enabled()
        False
    """
    return _DETERMINISTIC["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    """Set deterministic mode by level: 0/``'default'`` off, 1/``'warn'`` warn only, 2/``'error'`` on.

    Args:
        debug_mode (int or str): the level.

    Example::

        >>> ember.set_deterministic_debug_mode("warn")
        >>> ember.get_deterministic_debug_mode()
        1
        >>> ember.set_deterministic_debug_mode(0)
    """
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError("debug_mode must be str or int, but got "
                        f"{type(debug_mode).__name__}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """The deterministic debug level: 0 (off), 1 (warn only) or 2 (error).

    Args:
        (none)

    Example::

        >>> ember.get_deterministic_debug_mode()
        0
    """
    if not _DETERMINISTIC["mode"]:
        return 0
    return 1 if _DETERMINISTIC["warn_only"] else 2


def set_float32_matmul_precision(precision):
    """Set the internal precision of float32 matrix products: ``'highest'``, ``'high'`` or ``'medium'``.

    ember's float32 products always run at full float32 precision (NumPy/CuPy BLAS without
    TF32), which ``'highest'`` describes; the lower settings are recorded and reported by
    :func:`get_float32_matmul_precision`. An unknown value warns and changes nothing, as in
    torch.

    Args:
        precision (str): ``'highest'``, ``'high'`` or ``'medium'``.

    Example::

        >>> ember.set_float32_matmul_precision("high")
        >>> ember.get_float32_matmul_precision()
        'high'
        >>> ember.set_float32_matmul_precision("highest")
    """
    if precision not in ("highest", "high", "medium"):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      f"setFloat32MatmulPrecision call has no effect.", UserWarning,
                      stacklevel=2)
        return
    _MATMUL_PRECISION[0] = precision


def get_float32_matmul_precision():
    """The float32 matmul precision setting (``'highest'`` at start).

    Args:
        (none)

    Example::

        >>> ember.get_float32_matmul_precision()
        'highest'
    """
    return _MATMUL_PRECISION[0]


def set_warn_always(b):
    """Make warnings that torch shows once per process show every time (a flag read by :func:`is_warn_always_enabled`).

    Args:
        b (bool): the new setting.

    Example::

        >>> ember.set_warn_always(True); ember.is_warn_always_enabled()
        True
        >>> ember.set_warn_always(False)
    """
    _WARN_ALWAYS[0] = bool(b)


def is_warn_always_enabled():
    """Whether :func:`set_warn_always` is on.

    Args:
        (none)

    Example::

        >>> ember.is_warn_always_enabled()
        False
    """
    return _WARN_ALWAYS[0]


def get_device(input):
    """The GPU index of a CUDA tensor, -1 for a cpu tensor (``input.get_device()``).

    Args:
        input (Tensor): the tensor.

    Example::

        >>> ember.get_device(ember.zeros(1))
        -1
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"get_device(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    return input.get_device()


def typename(obj):
    """A type name for ``obj``: the legacy tensor type for tensors (``'torch.FloatTensor'``), else ``module.QualName``.

    Args:
        obj (object): anything.

    Example::

        >>> ember.typename(ember.zeros(1)), ember.typename(1)
        ('torch.FloatTensor', 'int')
    """
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


def set_flush_denormal(mode):
    """Ask to flush denormal floats to zero; returns whether that is supported: always ``False`` in ember.

    NumPy offers no switch for the CPU's flush-to-zero mode, so nothing changes and the
    call reports ``False`` (as torch does on CPUs without the feature).

    Args:
        mode (bool): enable or disable flushing.

    Example::

        >>> ember.set_flush_denormal(True)
        False
    """
    return False


_LEGACY_NAMES = {"FloatTensor": D.float32, "DoubleTensor": D.float64,
                 "HalfTensor": D.float16, "BFloat16Tensor": D.bfloat16}


def set_default_tensor_type(t):
    """Deprecated: set the default floating dtype (and cuda device for ``torch.cuda.*`` types) from a legacy tensor type.

    Use :func:`ember.set_default_dtype` and :func:`set_default_device` instead.

    Args:
        t (type or str): ``ember.FloatTensor``, ``ember.DoubleTensor``, or a name such as
            ``'torch.DoubleTensor'`` / ``'torch.cuda.FloatTensor'``.

    Example::

        >>> import warnings; warnings.simplefilter("ignore")
        >>> ember.set_default_tensor_type(ember.DoubleTensor)
        >>> ember.tensor([1.0]).dtype
        torch.float64
        >>> ember.set_default_tensor_type("torch.FloatTensor")
    """
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    name = t if isinstance(t, str) else (getattr(t, "__module__", "") + "." +
                                          getattr(t, "__name__", ""))
    is_cuda = ".cuda." in name or name.startswith("cuda.")
    short = name.split(".")[-1]
    if short not in _LEGACY_NAMES:
        raise TypeError(f"invalid type: '{name}'" if isinstance(t, str) else
                        "only floating-point types are supported as the default type")
    D.set_default_dtype(_LEGACY_NAMES[short])
    set_default_device("cuda" if is_cuda else None)
