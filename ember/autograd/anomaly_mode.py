"""Anomaly detection for autograd, as ``torch.autograd.detect_anomaly``.

While enabled, every graph node remembers the stack of the forward call that created it;
when a backward function fails, a warning shows that stack before the error propagates, and
(with ``check_nan``) a backward function that returns NaN raises at once, naming the node.
It slows everything down: use it for debugging only.
"""
import warnings

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "set_anomaly_enabled"]

# [enabled, check_nan]; read by Function.apply (to record traces) and by the engine
STATE = [False, True]


def is_anomaly_enabled():
    """Whether anomaly detection is on.

    Example::

        >>> ember.is_anomaly_enabled()
        False
    """
    return STATE[0]


def is_anomaly_check_nan_enabled():
    """Whether anomaly detection also checks backward outputs for NaN.

    Example::

        >>> ember.is_anomaly_check_nan_enabled()
        True
    """
    return STATE[1]


def set_anomaly_enabled(enabled, check_nan=True):
    """Switch anomaly detection on or off globally (``torch.set_anomaly_enabled``).

    Args:
        enabled (bool): record forward traces and check backward results.
        check_nan (bool): also raise when a backward function returns NaN. Default: True.

    Example::

        >>> ember.set_anomaly_enabled(False)
    """
    STATE[0], STATE[1] = bool(enabled), bool(check_nan)


class detect_anomaly:
    """Context manager (or decorator) that enables anomaly detection for its block.

    Args:
        check_nan (bool): raise as soon as a backward function returns NaN, naming it.
            Default: True.

    Example::

        >>> import warnings
        >>> x = ember.tensor([0.0], requires_grad=True)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     with ember.autograd.detect_anomaly():
        ...         y = (x / x).sum()       # 0/0: NaN gradient
        ...         try:
        ...             y.backward()
        ...         except RuntimeError as e:
        ...             print(e)
        Function 'DivBackward0' returned nan values in its 1th output.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan
        self._prev = None
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self):
        self._prev = (STATE[0], STATE[1])
        STATE[0], STATE[1] = True, self.check_nan

    def __exit__(self, *exc):
        STATE[0], STATE[1] = self._prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Context manager that sets anomaly detection on or off for its block.

    Args:
        mode (bool): on or off.
        check_nan (bool): also check backward outputs for NaN. Default: True.

    Example::

        >>> with ember.autograd.set_detect_anomaly(False):
        ...     ember.is_anomaly_enabled()
        False
    """

    def __init__(self, mode, check_nan=True):
        self._prev = (STATE[0], STATE[1])
        STATE[0], STATE[1] = bool(mode), bool(check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        STATE[0], STATE[1] = self._prev
        return False


def record_trace(node):
    """Remember the forward stack on ``node`` (called by Function.apply while enabled)."""
    import traceback
    node._anomaly_trace = "".join(traceback.format_stack()[:-3])


def warn_forward_trace(node):
    """Show the forward stack of the node whose backward failed."""
    trace = getattr(node, "_anomaly_trace", None)
    if trace is None:
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the "
                  f"error:\n{trace}", UserWarning, stacklevel=3)


def check_nan(node, grads):
    """Raise when one of ``grads`` (a backward function's results) contains NaN."""
    from .._device import get_xp
    for i, g in enumerate(grads):
        if g is not None and g._data.dtype.kind in "fc" and bool(get_xp(g._data).isnan(
                g._data).any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               "output.")
