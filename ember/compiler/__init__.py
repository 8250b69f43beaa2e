"""``ember.compiler``: torch.compiler's user-facing functions.

ember has no graph compiler (``ember.compile`` runs eagerly, like ``backend="eager"``), so
``reset`` has nothing to clear and ``is_compiling`` is always False.

Example::

    >>> ember.compiler.reset()
    >>> ember.compiler.is_compiling()
    False
"""
from .._compile import compile  # noqa: F401
from .._dynamo import (reset, is_compiling, disable, list_backends,  # noqa: F401
                       allow_in_graph, assume_constant_result)

__all__ = ["compile", "reset", "is_compiling", "is_dynamo_compiling", "is_exporting",
           "disable", "list_backends", "allow_in_graph", "assume_constant_result",
           "cudagraph_mark_step_begin"]


def is_dynamo_compiling():
    """Whether the compiler's frame tracer is running: always False in ember.

    Args:
        (none)

    Example::

        >>> ember.compiler.is_dynamo_compiling()
        False
    """
    return False


def is_exporting():
    """Whether ``torch.export`` is tracing: always False in ember (there is no export).

    Args:
        (none)

    Example::

        >>> ember.compiler.is_exporting()
        False
    """
    return False


def cudagraph_mark_step_begin():
    """Mark the start of a training step for CUDA graphs; ember records no graphs, so it returns.

    Args:
        (none)

    Example::

        >>> ember.compiler.cudagraph_mark_step_begin()
    """
    return None
