"""dtypes and PyTorch's type-promotion rules.

Every ember tensor has an :class:`ember.dtype`. Each dtype maps to the NumPy dtype that stores
it (``dtype.np``). bfloat16 has no NumPy dtype: its values are kept in float32 arrays rounded
to bfloat16 precision (see :func:`round_bf16`).

Promotion follows torch exactly: ``promote_types`` is torch's lattice, and ``result_type``
implements torch's three-tier rule (dimensioned tensors > zero-dim tensors > Python scalars,
where a lower tier only matters when it brings a higher *category*: bool < int < float < complex).
"""
import builtins as _builtins

import numpy as np

_pybool = _builtins.bool

__all__ = ["dtype", "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
           "int8", "int16", "int32", "int64", "uint8", "bool", "promote_types", "result_type",
           "can_cast", "get_default_dtype", "set_default_dtype"]

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, e.g. ``ember.float32``; prints as ``torch.float32``.

    The dtypes are singletons (compare with ``is`` or ``==``): ``float16``, ``bfloat16``,
    ``float32`` (``float``), ``float64`` (``double``), ``complex64``, ``complex128``,
    ``int8``, ``int16`` (``short``), ``int32`` (``int``), ``int64`` (``long``), ``uint8`` and
    ``bool``. Arithmetic on mixed dtypes promotes (see ``ember.promote_types`` and
    ``ember.result_type``). Users never construct one; the constructor is internal.

    Args:
        name (str): the torch name, e.g. ``'float32'``.
        np_dtype (numpy dtype): the NumPy dtype that stores the values (``dtype.np``).
        itemsize (int): bytes per element as torch reports it (bfloat16: 2).
        cat (int): the promotion category (bool < integer < floating < complex).
        signed (bool): whether the type holds negative values. Default: ``True``.

    Attributes:
        is_floating_point (bool): True for float16, bfloat16, float32, float64.
        is_complex (bool): True for complex64 and complex128.
        is_signed (bool): whether the type can hold negative values.
        itemsize (int): bytes per element (as torch reports it; bfloat16 is 2).

    Example::

        >>> ember.float32.is_floating_point
        True
        >>> ember.tensor([1, 2]).dtype, ember.tensor([1.0]).dtype
        (torch.int64, torch.float32)
        >>> ember.int64.itemsize, ember.long is ember.int64
        (8, True)
    """
    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed", "_cat")

    def __init__(self, name, np_dtype, itemsize, cat, signed=True):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = itemsize
        self._cat = cat
        self.is_floating_point = cat == _FLOAT
        self.is_complex = cat == _COMPLEX
        self.is_signed = signed

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self):
        """The real counterpart of a complex dtype (complex64 -> float32); other dtypes unchanged.

        Args:
            (none)

        Example::

            >>> ember.complex64.to_real()
            torch.float32
        """
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self):
        """The complex counterpart of a floating dtype (float32 -> complex64, float64 -> complex128).

        Args:
            (none)

        Example::

            >>> ember.float64.to_complex()
            torch.complex128
        """
        return complex128 if self.name == "float64" else complex64 if self._cat == _FLOAT else self


float16 = dtype("float16", np.float16, 2, _FLOAT)
bfloat16 = dtype("bfloat16", np.float32, 2, _FLOAT)
float32 = dtype("float32", np.float32, 4, _FLOAT)
float64 = dtype("float64", np.float64, 8, _FLOAT)
complex64 = dtype("complex64", np.complex64, 8, _COMPLEX)
complex128 = dtype("complex128", np.complex128, 16, _COMPLEX)
int8 = dtype("int8", np.int8, 1, _INT)
int16 = dtype("int16", np.int16, 2, _INT)
int32 = dtype("int32", np.int32, 4, _INT)
int64 = dtype("int64", np.int64, 8, _INT)
uint8 = dtype("uint8", np.uint8, 1, _INT, signed=False)
bool = dtype("bool", np.bool_, 1, _BOOL, signed=False)  # noqa: A001  (torch's name)

ALL = (float16, bfloat16, float32, float64, complex64, complex128, int8, int16, int32, int64,
       uint8, bool)
_BY_NAME = {d.name: d for d in ALL}
_BY_NP = {d.np: d for d in ALL if d is not bfloat16}
# torch aliases
ALIASES = {"half": float16, "float": float32, "double": float64, "cfloat": complex64,
           "cdouble": complex128, "short": int16, "int": int32, "long": int64}


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_np(np_dtype):
    """The ember dtype stored as NumPy dtype ``np_dtype`` (numpy float32 -> ``ember.float32``).

    Args:
        np_dtype (numpy.dtype or type): a NumPy dtype that torch supports.

    Example::

        >>> from_np(np.dtype('float64'))
        torch.float64
    """
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _BY_NP:
        return _BY_NP[np_dtype]
    if np_dtype == np.uint16 or np_dtype == np.uint32 or np_dtype == np.uint64:
        raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported "
                        "types are: float64, float32, float16, complex64, complex128, int64, "
                        "int32, int16, int8, uint8, and bool.")
    raise TypeError(f"ember has no dtype for NumPy dtype {np_dtype}")


def to_dtype(d):
    """Normalise a dtype-like value to an ember dtype (None stays None).

    Accepts ember dtypes, Python types (``float`` is the default float dtype, ``int`` is
    int64), names (``'float32'``, ``'torch.long'``) and NumPy dtypes.

    Args:
        d: the dtype-like value.

    Example::

        >>> to_dtype(float), to_dtype('torch.long'), to_dtype(np.int32)
        (torch.float32, torch.int64, torch.int32)
    """
    if isinstance(d, dtype):
        return d
    if d is None:
        return None
    if d is float:
        return _default[0]
    if d is int:
        return int64
    if d is _pybool:
        return bool
    if d is complex:
        return complex64 if _default[0] is float32 else complex128
    if isinstance(d, str):
        name = d[6:] if d.startswith("torch.") else d
        if name in _BY_NAME:
            return _BY_NAME[name]
        if name in ALIASES:
            return ALIASES[name]
    try:
        return from_np(np.dtype(d))
    except TypeError:
        raise TypeError(f"{d!r} is not a dtype; pass e.g. ember.float32") from None

# ----------------------------------------------------------------------------- promotion

_default = [float32]


def get_default_dtype():
    """The default floating point dtype: what ``ember.tensor(1.5)``, ``ember.zeros(2)``... produce.

    float32 unless changed with ``ember.set_default_dtype``.

    Args:
        (none)

    Example::

        >>> ember.get_default_dtype()
        torch.float32
    """
    return _default[0]


def set_default_dtype(d):
    """Set the default floating point dtype (float32 at start).

    It is used by factory functions (``zeros``, ``rand``, ...), for Python floats in
    ``ember.tensor`` and for ``int -> float`` results such as true division. Python complex
    numbers then become the matching complex dtype.

    Args:
        d (ember.dtype): the new default, a floating dtype (float32, float64, float16 or
            bfloat16).

    Example::

        >>> ember.set_default_dtype(ember.float64)
        >>> ember.tensor([1.2]).dtype
        torch.float64
        >>> ember.set_default_dtype(ember.float32)
    """
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


_INT_ORDER = [int8, int16, int32, int64]


def _promote(a, b):
    if a is b:
        return a
    if a is bool:
        return b
    if b is bool:
        return a
    ca, cb = a._cat, b._cat
    if ca == _COMPLEX or cb == _COMPLEX:
        if ca == _COMPLEX and cb == _COMPLEX:
            return a if a.itemsize >= b.itemsize else b
        c, other = (a, b) if ca == _COMPLEX else (b, a)
        if other is float64 or c is complex128:
            return complex128
        return c
    if ca == _FLOAT or cb == _FLOAT:
        if ca == _FLOAT and cb == _FLOAT:
            if {a.name, b.name} == {"float16", "bfloat16"}:
                return float32
            return a if a.itemsize >= b.itemsize else b
        return a if ca == _FLOAT else b
    # both integral
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.itemsize >= b.itemsize else b


_PROMOTE = {(a, b): _promote(a, b) for a in ALL for b in ALL}


def promote_types(type1, type2):
    """The smallest dtype to which both ``type1`` and ``type2`` can be converted (torch's table).

    Symmetric; e.g. uint8 and int8 give int16, an integer and a floating type give the
    floating type, float16 and bfloat16 give float32.

    Args:
        type1 (ember.dtype): the first type.
        type2 (ember.dtype): the second type.

    Example::

        >>> ember.promote_types(ember.uint8, ember.int8)
        torch.int16
        >>> ember.promote_types(ember.int64, ember.float16)
        torch.float16
    """
    return _PROMOTE[(to_dtype(type1), to_dtype(type2))]


def _scalar_dtype(x):
    """dtype a Python scalar takes when it stands alone (weak typing handled by result_type)."""
    if isinstance(x, _pybool):
        return bool
    if isinstance(x, int):
        return int64
    if isinstance(x, float):
        return _default[0]
    if isinstance(x, complex):
        return complex128 if _default[0] is float64 else complex64
    if isinstance(x, np.generic):
        return from_np(x.dtype)
    raise TypeError(f"expected a Tensor or a Python number, got {type(x).__name__}")


def _combine(higher, lower):
    # torch's combine_categories
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._cat == _COMPLEX:
        return higher
    if lower._cat == _COMPLEX:
        return higher.to_complex() if higher._cat == _FLOAT else lower
    if higher._cat == _FLOAT:
        return higher
    if higher is bool or lower._cat == _FLOAT:
        return _PROMOTE[(higher, lower)]
    return higher


def result_type(*operands):
    """The dtype of an arithmetic op's result on ``operands`` (tensors and Python numbers).

    Follows torch: dimensioned tensors take precedence over zero-dim tensors, which take
    precedence over Python scalars; a lower tier only changes the result when it is of a higher
    category (bool < integer < floating < complex).

    Args:
        *operands (Tensor or number): the operands.

    Example::

        >>> result_type(ember.tensor([1, 2]), 1.0)
        torch.float32
        >>> result_type(ember.tensor([1], dtype=ember.int8), ember.tensor(1000))
        torch.int8
    """
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else _PROMOTE[(dim, d)]
            else:
                zero = d if zero is None else _PROMOTE[(zero, d)]
        else:
            d = _scalar_dtype(x)
            wrapped = d if wrapped is None else _PROMOTE[(wrapped, d)]
    return _combine(dim, _combine(zero, wrapped))


def can_cast(from_, to):
    """Whether torch's casting rules allow ``from_`` -> ``to`` in type promotion.

    A cast may not go down a category (float -> int, complex -> float, non-bool -> bool).
    This is what in-place ops check: ``int_tensor += 1.5`` raises.

    Args:
        from_ (ember.dtype): the source type.
        to (ember.dtype): the destination type.

    Example::

        >>> ember.can_cast(ember.float32, ember.int32)
        False
        >>> ember.can_cast(ember.int32, ember.float16)
        True
    """
    from_, to = to_dtype(from_), to_dtype(to)
    return from_._cat <= to._cat


# ----------------------------------------------------------------------------- bfloat16

def round_bf16(arr):
    """Round a float32 array to bfloat16 precision (round half to even), returned as float32.

    bfloat16 has no NumPy dtype; ember keeps bfloat16 values in float32 arrays.

    Args:
        arr (ndarray): a float32 NumPy (or CuPy) array.

    Example::

        >>> round_bf16(np.array([1.0, 1.00390625], dtype=np.float32))
        array([1., 1.], dtype=float32)
    """
    from ._device import get_xp
    xp = get_xp(arr)  # numpy, cupy, or the meta device's namespace
    a = xp.ascontiguousarray(arr, dtype=xp.float32)
    bits = a.view(xp.uint32)
    nan = xp.isnan(a)
    rounded = ((bits + (xp.uint32(0x7FFF) + ((bits >> 16) & 1))) & xp.uint32(0xFFFF0000))
    out = rounded.view(xp.float32)
    if nan.any():
        out = xp.where(nan, a, out)
    return out.reshape(arr.shape)
