"""``ember.backends.mps``: Apple's Metal backend, which ember does not have.

Example::

    >>> import ember
    >>> ember.backends.mps.is_available(), ember.backends.mps.is_built()
    (False, False)
"""

__all__ = ["is_available", "is_built"]


def is_available():
    """Always False: ember has no Metal (MPS) backend."""
    return False


def is_built():
    """Always False: ember is not built with MPS support."""
    return False
