"""Gradient-recording switches: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator, as in torch. The state is one flag that
``Function.apply`` reads on every op, kept per thread (as torch's).
"""
import functools
import inspect
import threading

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _State(threading.local):
    """Grad mode and inference mode, per thread as in torch: a new thread starts with grad
    enabled whatever the thread that started it had (``threading.local`` runs ``__init__``
    once in every thread that touches it)."""

    def __init__(self):
        self.enabled = True
        self.inference = False


STATE = _State()


def is_grad_enabled():
    """Whether operations are currently recorded for autograd (False inside ``no_grad``).

    Args:
        (none)

    Example::

        >>> ember.is_grad_enabled()
        True
        >>> with ember.no_grad():
        ...     ember.is_grad_enabled()
        False
    """
    return STATE.enabled


def is_inference_mode_enabled():
    """Whether an ``inference_mode`` block is currently active.

    Args:
        (none)

    Example::

        >>> with ember.inference_mode():
        ...     ember.is_inference_mode_enabled()
        True
    """
    return STATE.inference


class _DecoratorContextManager:
    """Base: lets a context manager also decorate functions and generators."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError(f"{type(self).__name__} can't decorate a class")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as e:
                        with self.clone():
                            response = gen.throw(e)
                    else:
                        with self.clone():
                            response = gen.send(request)
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_DecoratorContextManager):
    """Context manager and decorator that turns off gradient recording.

    Inside the block no graph is built: results have ``requires_grad=False`` even when their
    inputs require grad, which saves memory and time. Use it for evaluation loops and for
    updating parameters by hand. The previous mode is restored on
    exit (also on an exception). Also works as ``@ember.no_grad()`` on functions and
    generators.

    Args:
        orig_func (callable, optional): only for the bare ``@ember.no_grad`` decorator form
            (no parentheses); normally omitted.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> with ember.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
        >>> @ember.no_grad()
        ... def double(t):
        ...     return t * 2
        >>> double(x).requires_grad
        False
    """

    def __init__(self, orig_func=None):
        # torch allows the misuse @no_grad without parentheses: support it
        self._prev = None
        if orig_func is not None:
            self._wrapped = _DecoratorContextManager.__call__(self, orig_func)
            functools.update_wrapper(self, orig_func)

    def __enter__(self):
        self._prev = STATE.enabled
        STATE.enabled = False

    def __exit__(self, *exc):
        STATE.enabled = self._prev

    def __call__(self, *args, **kwargs):
        if hasattr(self, "_wrapped"):
            return self._wrapped(*args, **kwargs)
        return super().__call__(*args)


class enable_grad(_DecoratorContextManager):
    """Context manager and decorator that turns gradient recording on (e.g. inside ``no_grad``).

    Args:
        (none)

    Example::

        >>> x = ember.ones(1, requires_grad=True)
        >>> with ember.no_grad():
        ...     with ember.enable_grad():
        ...         y = x * 2
        >>> y.requires_grad
        True
    """

    def __enter__(self):
        self._prev = STATE.enabled
        STATE.enabled = True

    def __exit__(self, *exc):
        STATE.enabled = self._prev


class set_grad_enabled(_DecoratorContextManager):
    """Turn gradient recording on or off: as a plain call, a context manager or a decorator.

    As a plain call (``ember.set_grad_enabled(False)``) the mode stays set until changed; as
    a context manager the previous mode is restored on exit. Handy to share one loop between
    training and evaluation: ``with ember.set_grad_enabled(is_train): ...``.

    Args:
        mode (bool): ``True`` to record operations, ``False`` not to.

    Example::

        >>> with ember.set_grad_enabled(False):
        ...     ember.is_grad_enabled()
        False
        >>> ember.is_grad_enabled()
        True
    """

    def __init__(self, mode):
        self._prev = STATE.enabled
        self.mode = bool(mode)
        STATE.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        STATE.enabled = self._prev

    def clone(self):
        return type(self)(self.mode)


class inference_mode(_DecoratorContextManager):
    """Context manager and decorator for inference code: like ``no_grad`` (nothing is recorded).

    torch additionally marks tensors made inside as inference tensors; ember records nothing
    inside either block, and ``is_inference_mode_enabled()`` reports the mode.

    Args:
        mode (bool): ``True`` to enable inference mode, ``False`` to leave the current mode
            as it is. Default: ``True``.

    Example::

        >>> with ember.inference_mode():
        ...     y = ember.ones(2, requires_grad=True) * 2
        >>> y.requires_grad
        False
    """

    def __init__(self, mode=True):
        self.mode = mode

    def __enter__(self):
        self._prev = (STATE.enabled, STATE.inference)
        if self.mode:
            STATE.enabled = False
            STATE.inference = True

    def __exit__(self, *exc):
        STATE.enabled, STATE.inference = self._prev

    def clone(self):
        return type(self)(self.mode)
