"""``ember.backends.cuda``: torch's CUDA backend switches.

``matmul.allow_tf32``, ``matmul.allow_fp16_reduced_precision_reduction`` and
``matmul.allow_bf16_reduced_precision_reduction`` have torch's defaults and can be set as in
torch. They are stored for compatibility: ember's GPU matmuls are CuPy's cuBLAS calls, whose
TF32 use CuPy controls (its ``CUPY_TF32`` environment variable).

Example::

    >>> import ember
    >>> ember.backends.cuda.matmul.allow_tf32
    False
    >>> ember.backends.cuda.matmul.allow_tf32 = True
    >>> ember.backends.cuda.matmul.allow_tf32 = False
"""
import importlib.util

__all__ = ["is_built", "matmul", "cuBLASModule"]


class cuBLASModule:
    """The ``matmul`` switches (a single instance, ``ember.backends.cuda.matmul``)."""

    _FLAGS = ("allow_tf32", "allow_fp16_reduced_precision_reduction",
              "allow_bf16_reduced_precision_reduction")

    def __init__(self):
        object.__setattr__(self, "allow_tf32", False)
        object.__setattr__(self, "allow_fp16_reduced_precision_reduction", True)
        object.__setattr__(self, "allow_bf16_reduced_precision_reduction", True)

    def __setattr__(self, name, value):
        if name not in self._FLAGS:
            raise AttributeError("Unknown attribute " + name)
        object.__setattr__(self, name, bool(value))


matmul = cuBLASModule()


def is_built():
    """Whether ember can use CUDA at all, i.e. CuPy is installed (torch: built with CUDA).

    Example::

        >>> ember.backends.cuda.is_built() in (True, False)
        True
    """
    return importlib.util.find_spec("cupy") is not None
