"""``ember.finfo`` / ``ember.iinfo``: the numerical limits of floating and integer dtypes.

The values are exactly torch's (bfloat16 included, which NumPy does not know); ``repr`` prints
them with six significant digits like torch.
"""
from . import _dtype as D

__all__ = ["finfo", "iinfo"]

# bits, eps, max, tiny (= smallest_normal), resolution (10 ** -digits10)
_FLOAT_INFO = {
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 1e-3),
    "bfloat16": (16, 2.0 ** -7, (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126, 1e-2),
    "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126, 1e-6),
    "float64": (64, 2.0 ** -52, 1.7976931348623157e+308, 2.2250738585072014e-308, 1e-15),
}

_INT_INFO = {"uint8": (8, 0, 255), "int8": (8, -128, 127), "int16": (16, -2 ** 15, 2 ** 15 - 1),
             "int32": (32, -2 ** 31, 2 ** 31 - 1), "int64": (64, -2 ** 63, 2 ** 63 - 1)}


class finfo:
    """The numerical properties of a floating-point dtype, as ``torch.finfo``.

    A complex dtype gives the properties of its real part (complex64 -> float32).

    Args:
        type (ember.dtype, optional): a floating or complex dtype. Default: the default dtype
            (``ember.get_default_dtype()``).

    Attributes:
        bits (int): the number of bits the type occupies.
        eps (float): the smallest ``e`` with ``1.0 + e != 1.0``.
        max (float): the largest finite value.
        min (float): the most negative finite value (``-max``).
        tiny (float): the smallest positive normal number (same as ``smallest_normal``).
        smallest_normal (float): the smallest positive normal number.
        resolution (float): the approximate decimal resolution, ``10 ** -precision``.
        dtype (str): the dtype's name, e.g. ``'float32'``.

    Raises:
        TypeError: for an integer or bool dtype (use :class:`iinfo`).

    Example::

        >>> ember.finfo(ember.float32).eps
        1.1920928955078125e-07
        >>> ember.finfo(ember.float16)
        finfo(resolution=0.001, min=-65504, max=65504, eps=0.000976562, smallest_normal=6.10352e-05, tiny=6.10352e-05, dtype=float16)
    """

    def __init__(self, type=None):  # noqa: A002  (torch's name)
        dt = D.get_default_dtype() if type is None else D.to_dtype(type)
        if not isinstance(dt, D.dtype) or not (dt.is_floating_point or dt.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        dt = dt.to_real()
        bits, eps, mx, tiny, res = _FLOAT_INFO[dt.name]
        self.bits = bits
        self.eps = eps
        self.max = mx
        self.min = -mx
        self.tiny = tiny
        self.smallest_normal = tiny
        self.resolution = res
        self.dtype = dt.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    __str__ = __repr__


class iinfo:
    """The numerical limits of an integer dtype, as ``torch.iinfo``.

    Args:
        type (ember.dtype): an integer dtype (uint8, int8, int16, int32, int64).

    Attributes:
        bits (int): the number of bits the type occupies.
        max (int): the largest value.
        min (int): the smallest value.
        dtype (str): the dtype's name, e.g. ``'int32'``.

    Raises:
        TypeError: for bool (not supported, as in torch) and floating dtypes.

    Example::

        >>> ember.iinfo(ember.uint8).max
        255
        >>> ember.iinfo(ember.int32)
        iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32)
    """

    def __init__(self, type):  # noqa: A002  (torch's name)
        dt = D.to_dtype(type)
        if dt is D.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(dt, D.dtype) or dt.name not in _INT_INFO:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        self.bits, self.min, self.max = _INT_INFO[dt.name]
        self.dtype = dt.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    __str__ = __repr__
