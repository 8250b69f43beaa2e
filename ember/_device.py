"""Devices. Each device carries its array module ``xp`` (numpy for cpu, cupy for cuda).

Op code is written once against ``xp``; there is no per-device code path. CuPy is imported
lazily, the first time a CUDA device's ``xp`` is needed.
"""
import numpy as np

__all__ = ["device", "get_xp"]


class device:
    """A device a tensor lives on, as ``torch.device``: ``cpu``, ``cuda`` (a GPU, via CuPy) or
    ``meta`` (shape, dtype and strides but no data; see ``ember/_meta.py``).

    ``ember.device('cuda:1')``, ``ember.device('cuda', 1)`` and ``ember.device(1)`` are the
    same device; plain ``'cuda'`` means the current GPU. Anywhere ember takes a device, a string
    works too (``x.to('cuda')``). Used as a context manager, a device becomes the default for
    factory functions inside the block. A device never compares equal to a string.

    Args:
        type (str, int or ember.device): ``'cpu'``, ``'cuda'``, ``'cuda:N'`` or ``'meta'``
            (``'mps'`` is accepted by name); an int N means ``'cuda:N'``.
        index (int, optional): the device ordinal, for ``cuda``.

    Attributes:
        type (str): the device type.
        index (int or None): the ordinal (None for cpu and plain ``'cuda'``).

    Example::

        >>> ember.device("cuda:1")
        device(type='cuda', index=1)
        >>> d = ember.device("cpu"); str(d), d.type, d.index
        ('cpu', 'cpu', None)
        >>> ember.zeros(2).device == ember.device("cpu")
        True
    """
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002  (torch's name)
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            # torch.device(0) means cuda:0
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        t, sep, idx = type.partition(":")
        if sep:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if t not in ("cpu", "cuda", "mps", "meta", "xpu"):
            raise RuntimeError(
                "Expected one of cpu, cuda, mps, meta device type at start of device string: "
                f"{type}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative")
        self.type = t
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # as torch: a device never equals a string (compare with ember.device("cpu"))
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        _default_device_stack.append(self)
        return self

    def __exit__(self, *exc):
        _default_device_stack.pop()

    @property
    def xp(self):
        """The array module (numpy or cupy) that holds this device's arrays.

        Example::

            >>> ember.device("cpu").xp is np
            True
        """
        if self.type == "cpu":
            return np
        if self.type == "cuda":
            return _cuda_xp()
        if self.type == "meta":
            from ._meta import xp  # shapes, dtypes and strides without data
            return xp
        raise RuntimeError(f"ember has no array backend for device type '{self.type}'")


_default_device_stack = []
CPU = device("cpu")
META = device("meta")

# The CUDA array module. It is cupy, imported on first use; tests may install a NumPy-backed
# stand-in through ember.cuda._fake (see tests) — the only place that knows about it.
_cuda_module = [None]


def _cuda_xp():
    if _cuda_module[0] is None:
        try:
            import cupy
        except ImportError:
            raise AssertionError(
                "Torch not compiled with CUDA enabled: ember needs CuPy for CUDA tensors; "
                'install it with pip install "ember[cuda]" (or use device="cpu")') from None
        from .cuda import _lazy_init
        _lazy_init()  # torch's error when no GPU/driver; sets _cuda_module[0] = cupy
        _cuda_module[0] = cupy
    return _cuda_module[0]


def device_of(arr):
    """The ember.device an array (numpy or cupy) lives on.

    Args:
        arr (ndarray): a NumPy or CuPy array.

    Example::

        >>> device_of(np.zeros(2))
        device(type='cpu')
    """
    if type(arr) is np.ndarray:
        return CPU
    if getattr(arr, "_ember_meta", False):  # ember._meta.MetaArray
        return META
    dev = getattr(arr, "device", None)
    if dev is not None and hasattr(dev, "id"):
        return device("cuda", dev.id)
    if isinstance(arr, np.ndarray):
        return CPU
    return device("cuda", 0)


def get_xp(arr):
    """The array module (numpy or cupy) of an array: the one to compute on it with.

    Args:
        arr (ndarray): a NumPy or CuPy array.

    Example::

        >>> get_xp(np.zeros(2)) is np
        True
    """
    if type(arr) is np.ndarray:
        return np
    meta_xp = getattr(arr, "_ember_meta_xp", None)  # ember._meta.MetaArray
    if meta_xp is not None:
        return meta_xp
    if isinstance(arr, np.ndarray) and not getattr(arr, "_ember_fake_cuda", False):
        return np  # ndarray subclasses (memmap ...); the test CUDA stand-in is one too
    return _cuda_xp()


class _NullCtx:
    __slots__ = ()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL_CTX = _NullCtx()


# Set once a GPU other than device 0 is used (a tensor on cuda:N, N > 0, or set_device):
# from then on ops, backward and optimizer steps make their operands' GPU current first.
# Before that, the check costs one list lookup per op.
MULTI_GPU = [False]


def device_guard(objs):
    """The CuPy ``Device`` to make current for an op on ``objs``, or None when nothing to do.

    CuPy launches kernels on the *current* GPU and refuses arrays that live on another one,
    while torch runs every op on its operands' device. The first CUDA tensor (or array) among
    ``objs`` (looking one level into lists and tuples, as for ``cat``) decides.

    Args:
        objs (iterable): an op's arguments.

    Example::

        >>> device_guard([ember.zeros(2)]) is None   # CPU tensors: nothing to switch
        True
    """
    for o in objs:
        if isinstance(o, (list, tuple)):
            found = device_guard(o)
            if found is not None:
                return found
            continue
        arr = getattr(o, "_data", o)
        if not isinstance(arr, np.ndarray):
            if not hasattr(arr, "device") or not hasattr(arr, "__cuda_array_interface__"):
                continue
        elif type(arr) is np.ndarray or not getattr(arr, "_ember_fake_cuda", False):
            continue
        dev = arr.device
        return dev if dev.id != _cuda_xp().cuda.runtime.getDevice() else None
    return None


def on_device(d):
    """A context manager that makes GPU ``d`` current while arrays are allocated on it.

    CuPy allocates on the current device; this is a no-op for cpu and for plain ``'cuda'``.

    Args:
        d (ember.device or None): the device.

    Example::

        >>> with on_device(ember.device("cpu")):
        ...     pass
    """
    if d is None or d.type != "cuda" or d.index is None:
        return _NULL_CTX
    if d.index:
        MULTI_GPU[0] = True
    return d.xp.cuda.Device(d.index)


def to_device(d):
    """Normalise a device-like value (None, str, int, ember.device) to an ember.device; None stays None.

    Args:
        d: the device-like value.

    Example::

        >>> to_device("cpu")
        device(type='cpu')
    """
    if d is None or isinstance(d, device):
        return d
    return device(d)


def describe_mismatch(what_a, a, what_b, b):
    """The message for two things that must share a device but don't, or None if they do.

    Args:
        what_a (str): how to name the first thing in the message (e.g. ``'input'``).
        a: a Tensor, an array, an ember.device or a device string.
        what_b (str): how to name the second thing (e.g. ``'the weight of Conv2d'``).
        b: like ``a``.

    Example::

        >>> describe_mismatch("input", ember.zeros(1), "the weight of Linear", ember.zeros(1))
        >>> describe_mismatch("input", "cpu", "the weight of Conv2d", "cuda:0")
        'input is on cpu but the weight of Conv2d is on cuda:0; move both with .to(device)'
    """
    da, db = _device_of_any(a), _device_of_any(b)
    if da == db:
        return None
    return f"{what_a} is on {da} but {what_b} is on {db}; move both with .to(device)"


def check_device_match(what_a, a, what_b, b):
    """Raise RuntimeError with :func:`describe_mismatch`'s message when the devices differ.

    Args:
        what_a (str): how to name the first thing in the message.
        a: a Tensor, an array, an ember.device or a device string.
        what_b (str): how to name the second thing.
        b: like ``a``.

    Example::

        >>> check_device_match("input", ember.zeros(1), "weight", "cpu")
    """
    msg = describe_mismatch(what_a, a, what_b, b)
    if msg is not None:
        raise RuntimeError(msg)


def _device_of_any(x):
    if isinstance(x, (str, int, device)):
        d = device(x)
        return device("cuda", 0) if d.type == "cuda" and d.index is None else d
    data = getattr(x, "_data", x)  # a Tensor's array
    return device_of(data)
