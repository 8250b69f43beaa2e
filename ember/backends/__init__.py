"""``ember.backends``: torch's backend switches (``cudnn``, ``cuda``, ``mps``).

ember computes with NumPy on the CPU and CuPy on CUDA GPUs. The flags here keep torch programs
working unchanged (``ember.backends.cudnn.benchmark = True``); they are recorded but ember's
kernels do not consult them (see each module).

Example::

    >>> import ember
    >>> ember.backends.mps.is_available()
    False
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
