"""torch's legacy typed-tensor classes: ``FloatTensor``, ``LongTensor``, ``cuda.FloatTensor`` ...

``ember.FloatTensor([1, 2])`` builds a float32 tensor, ``ember.FloatTensor(2, 3)`` an
uninitialised (zero) 2x3 one, and ``isinstance(t, ember.FloatTensor)`` checks the dtype (and
device), as in torch.
"""
from . import _dtype as D

_NAMES = {"FloatTensor": D.float32, "DoubleTensor": D.float64, "HalfTensor": D.float16,
          "BFloat16Tensor": D.bfloat16, "LongTensor": D.int64, "IntTensor": D.int32,
          "ShortTensor": D.int16, "CharTensor": D.int8, "ByteTensor": D.uint8,
          "BoolTensor": D.bool}


def parse_legacy_args(args):
    """Read the arguments of a legacy constructor (``Tensor(...)``, ``FloatTensor(...)``) as torch
    does: ``("size", shape)`` for sizes (ints, a ``Size``, or nothing: shape ``(0,)``), else
    ``("data", obj)``. A lone scalar is not data: torch raises ``TypeError``."""
    import numpy as np
    from ._tensor import Size
    if not args:
        return "size", (0,)
    if len(args) > 1:
        return "size", args
    x = args[0]
    if isinstance(x, Size):
        return "size", tuple(x)
    if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        return "size", (int(x),)
    if isinstance(x, str):
        raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
    if x is None or isinstance(x, (bool, float, complex, np.generic)):
        name = type(x).__name__
        name = name if type(x).__module__ == "builtins" else f"{type(x).__module__}.{name}"
        raise TypeError(f"new(): data must be a sequence (got {name})")
    return "data", x


class _TypedTensorMeta(type):
    def __instancecheck__(cls, obj):
        from ._tensor import Tensor
        return (isinstance(obj, Tensor) and obj.dtype is cls._ember_dtype
                and (obj.device.type == "cuda") == cls._is_cuda)

    def __call__(cls, *args, device=None):
        from .functions import tensor, zeros
        dt = cls._ember_dtype
        dev = "cuda" if cls._is_cuda else device
        kind, val = parse_legacy_args(args)
        if kind == "data":
            return tensor(val, dtype=dt, device=dev)
        return zeros(*val, dtype=dt, device=dev)

    def __repr__(cls):
        return f"<class 'torch.{'cuda.' if cls._is_cuda else ''}{cls.__name__}'>"


def _make(name, is_cuda):
    return _TypedTensorMeta(name, (), {"_ember_dtype": _NAMES[name], "_is_cuda": is_cuda,
                                       "__doc__": f"Legacy constructor for "
                                                  f"{_NAMES[name].name} tensors."})


CPU_TYPES = {name: _make(name, False) for name in _NAMES}
CUDA_TYPES = {name: _make(name, True) for name in _NAMES}
