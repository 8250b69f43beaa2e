"""Keep NumPy's mid-sized arrays on the heap instead of fresh ``mmap`` pages (glibc only).

glibc's ``malloc`` serves every block above ``M_MMAP_THRESHOLD`` (128 KB at start-up) with a
fresh ``mmap`` and unmaps it on ``free``. A training step allocates and frees the same
few-hundred-KB activations and gradients every iteration, so every step page-faults them in
again: for the seed-004 MLP that was ~750 faults and 30 % of the step (4.0 ms -> 2.8 ms with
the thresholds below). glibc raises the threshold by itself once a large mmapped block is
freed -- which is why the effect disappears when torch is imported in the same process --
but a plain ember program never gets there.

:func:`tune` sets the thresholds explicitly: blocks up to 32 MB come from the heap, and up to
64 MB of freed heap is kept for reuse instead of being returned to the OS. Peak memory is
unchanged; resident memory after a peak shrinks later. Set ``EMBER_MALLOC_TUNING=0`` in the
environment to keep glibc's defaults. Other C libraries (macOS, Windows, musl) are left alone.
"""
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024   # glibc's maximum on 64-bit systems
TRIM_THRESHOLD = 64 * 1024 * 1024


def tune():
    """Apply the thresholds once; return True when glibc accepted them."""
    if not sys.platform.startswith("linux") or os.environ.get("EMBER_MALLOC_TUNING") == "0":
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # musl & co: no glibc tunables
            return False
        ok = libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        ok = libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) and ok
        return bool(ok)
    except (OSError, AttributeError):
        return False


TUNED = tune()
