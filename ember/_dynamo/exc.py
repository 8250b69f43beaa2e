"""Exceptions of ``ember._dynamo`` (``torch._dynamo.exc``)."""

__all__ = ["TorchDynamoException", "InvalidBackend"]


class TorchDynamoException(RuntimeError):
    """Base class of the errors ``ember.compile`` raises (torch's ``TorchDynamoException``).

    Args:
        *args: the message, as for any exception.

    Example::

        >>> issubclass(ember._dynamo.exc.TorchDynamoException, RuntimeError)
        True
    """


class InvalidBackend(TorchDynamoException):
    """Raised by ``ember.compile`` for a backend name that torch does not know.

    Args:
        name (str): the backend name that was given.

    Example::

        >>> try:
        ...     ember.compile(lambda x: x, backend="no_such_backend")
        ... except ember._dynamo.exc.InvalidBackend as e:
        ...     print(e)
        Invalid backend: 'no_such_backend'. See `torch._dynamo.list_backends()` for available backends.
    """

    def __init__(self, name):
        super().__init__(f"Invalid backend: {name!r}. See `torch._dynamo.list_backends()` for "
                         "available backends.")
