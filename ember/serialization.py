"""Saving and loading: ``ember.save`` / ``ember.load`` in PyTorch's own file format.

Files are byte-compatible with PyTorch in both directions:

* ``ember.save`` writes torch's zip archive (``<stem>/data.pkl``, ``<stem>/data/<key>``,
  ``version``, ``byteorder``, ... with every record aligned to 64 bytes the way torch's
  ``PyTorchStreamWriter`` pads them). The pickle names torch's globals
  (``torch._utils._rebuild_tensor_v2``, ``torch.FloatStorage``, ``torch.float32``,
  ``torch.Size``, ...), so real ``torch.load(..., weights_only=True)`` reads ember checkpoints.
* ``ember.load`` reads files written by ember and by torch: the zip format, and (read-only
  compatible, also writable with ``_use_new_zipfile_serialization=False``) the legacy
  pre-zip format. torch's global names are mapped onto ember's objects.

Safety
    ``ember.load`` defaults to ``weights_only=True``: the pickle is interpreted by a small
    allow-list unpickler (:class:`_WeightsUnpickler`) that builds containers, numbers,
    strings, tensors, dtypes, devices and ``Size`` and calls nothing else. Anything else is
    refused with :class:`UnpicklingError`; trust a class with :func:`add_safe_globals` /
    :class:`safe_globals`, or a whole file with ``weights_only=False``.

Robustness
    Saving to a path is atomic (temporary file in the same directory, fsync, ``os.replace``).
    A truncated, bit-flipped or foreign file raises :class:`CheckpointError` (a
    ``RuntimeError``) naming the file and the problem; every size, offset and stride read
    from a file is checked before any array is built.

Storage sharing
    Tensors that view one array are saved as one storage plus (offset, size, stride) per
    tensor and come back as views of one array, so they still share memory after loading.
"""
import contextlib
import io
import mmap as _mmap
import os
import pickle
import re
import secrets
import struct
import sys
import threading
import zipfile
import zlib
from collections import Counter, OrderedDict

import numpy as np

from . import _dtype as D
from ._device import CPU, device, get_xp

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "CheckpointError", "UnpicklingError", "save_safetensors",
           "load_safetensors", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
_FORMAT_VERSION = "3"          # the zip archive's `version` record (kProducedFileFormatVersion)
_ALIGNMENT = 64                # PyTorchStreamWriter's kFieldAlignment
_U32 = 0xFFFFFFFF
_U64 = (1 << 64) - 1
_CHUNK = 1 << 26               # bytes written / checksummed per step for big storages

UNSAFE_MESSAGE = (
    "Re-running `ember.load` with `weights_only` set to `False` will likely succeed, but it "
    "can result in arbitrary code execution. Do it only if you got the file from a trusted "
    "source.")


class CheckpointError(RuntimeError):
    """A file could not be read as a checkpoint: truncated, damaged, or not a checkpoint.

    The message names the file and what is wrong. Example::

        >>> import io
        >>> try:
        ...     ember.load(io.BytesIO(b"not a checkpoint"))
        ... except ember.serialization.CheckpointError as e:
        ...     print("bad file")
        bad file
    """


class UnpicklingError(pickle.UnpicklingError):
    """``weights_only=True`` refused something in a checkpoint (an unknown global, a call).

    Subclass of :class:`pickle.UnpicklingError`, as torch raises. The message names the
    rejected global and both ways forward: :func:`add_safe_globals` for a class you trust,
    or ``weights_only=False`` for a file you trust.

    Example::

        >>> try:
        ...     ember.load(path_to_untrusted_file)          # doctest: +SKIP
        ... except ember.serialization.UnpicklingError as e:
        ...     print(e)
    """


def _passthrough(err):
    """Mark an intentional error (device, unsupported feature) so load() does not rewrap it."""
    err._ember_passthrough = True
    return err


# ============================================================================ dtype tables
# torch's legacy storage class name <-> dtype name (torch/storage.py _dtype_to_storage_type_map)
_STORAGE_TO_DTYPE = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
    "LongStorage": "int64", "IntStorage": "int32", "ShortStorage": "int16",
    "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
    "BFloat16Storage": "bfloat16", "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64", "QInt8Storage": "qint8", "QInt32Storage": "qint32",
    "QUInt8Storage": "quint8", "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4",
}
_DTYPE_TO_STORAGE = {v: k for k, v in _STORAGE_TO_DTYPE.items()}
# bytes per element, as torch counts them (bfloat16 is 2 even though ember keeps float32)
_TORCH_ITEMSIZE = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8, "int32": 4,
    "int16": 2, "int8": 1, "uint8": 1, "bool": 1, "complex128": 16, "complex64": 8,
    "qint8": 1, "qint32": 4, "quint8": 1, "quint4x2": 1, "quint2x4": 1, "uint16": 2,
    "uint32": 4, "uint64": 8, "complex32": 4, "float8_e5m2": 1, "float8_e4m3fn": 1,
    "float8_e5m2fnuz": 1, "float8_e4m3fnuz": 1, "float8_e8m0fnu": 1,
}
# every dtype name torch may pickle as `torch.<name>`, with torch's aliases
_TORCH_DTYPE_NAMES = [
    "float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8",
    "bool", "complex128", "complex64", "complex32", "qint8", "qint32", "quint8", "quint4x2",
    "quint2x4", "uint16", "uint32", "uint64", "float8_e5m2", "float8_e4m3fn",
    "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2", "bits8",
    "bits16", "bits1x8", "bits2x4", "bits4x2", "bcomplex32", "int1", "int2", "int3", "int4",
    "int5", "int6", "int7", "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7",
]
_DTYPE_ALIASES = {"double": "float64", "float": "float32", "half": "float16", "long": "int64",
                  "int": "int32", "short": "int16", "cdouble": "complex128",
                  "cfloat": "complex64", "chalf": "complex32"}


class _UnsupportedDtype:
    """Stands for a torch dtype ember has no equivalent of (uint16, float8, ...)."""
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


_UNSUPPORTED_DTYPES = {}


def _dtype_from_name(name):
    """ember dtype (or an _UnsupportedDtype placeholder) for a torch dtype name."""
    name = _DTYPE_ALIASES.get(name, name)
    d = D._BY_NAME.get(name)
    if d is not None:
        return d
    if name not in _UNSUPPORTED_DTYPES:
        _UNSUPPORTED_DTYPES[name] = _UnsupportedDtype(name)
    return _UNSUPPORTED_DTYPES[name]


def _require_supported(dt):
    if isinstance(dt, _UnsupportedDtype):
        raise _passthrough(RuntimeError(
            f"The checkpoint holds a tensor of dtype torch.{dt.name}, which ember does not "
            "support. Convert it in PyTorch first (e.g. `t.to(torch.int64)` or "
            "`t.to(torch.float32)`) and save again."))
    return dt


class _StorageType:
    """Stands for a torch storage class (``torch.FloatStorage``, ``torch.UntypedStorage``)."""
    __slots__ = ("name", "dtype")

    def __init__(self, name, dtype_name):
        self.name = name
        self.dtype = _dtype_from_name(dtype_name)

    def __repr__(self):
        return f"StorageType(dtype={self.dtype!r})"


_STORAGE_TYPES = {n: _StorageType(n, d) for n, d in _STORAGE_TO_DTYPE.items()}
_UNTYPED_STORAGE = _StorageType("UntypedStorage", "uint8")


# ============================================================================ safe globals
_user_safe_globals = []


def add_safe_globals(safe_globals):
    """Mark globals as safe for ``ember.load(..., weights_only=True)``.

    Functions added may be called and classes instantiated (and have state set) while
    unpickling. Only add what you trust: this widens what a checkpoint can do.

    Args:
        safe_globals (list): functions/classes, or ``(obj, "module.qualname")`` pairs when the
            name in the file differs from ``obj.__module__ + "." + obj.__qualname__``.

    Example::

        >>> class Config:
        ...     pass
        >>> ember.serialization.add_safe_globals([Config])
        >>> ember.serialization.clear_safe_globals()
    """
    if not isinstance(safe_globals, (list, tuple, set)):
        raise TypeError("add_safe_globals expects a list of functions/classes, got "
                        f"{type(safe_globals).__name__}")
    for g in safe_globals:
        _check_safe_global_entry(g)
        if g not in _user_safe_globals:
            _user_safe_globals.append(g)


def _check_safe_global_entry(g):
    if isinstance(g, tuple):
        if len(g) != 2:
            raise ValueError("Expected tuple of length 2 (global, str of callable full path), "
                             f"but got tuple of length: {len(g)}")
        if type(g[1]) is not str:
            raise TypeError("Expected second item in tuple to be str of callable full path, "
                            f"but got: {type(g[1])}")


def get_safe_globals():
    """The globals added with :func:`add_safe_globals` (a new list).

    Example::

        >>> ember.serialization.get_safe_globals()
        []
    """
    return list(_user_safe_globals)


def clear_safe_globals():
    """Forget every global added with :func:`add_safe_globals`.

    Example::

        >>> ember.serialization.clear_safe_globals()
    """
    del _user_safe_globals[:]


class safe_globals:
    """Context manager: globals that are safe for ``weights_only`` load inside the block.

    Args:
        safe_globals (list): as for :func:`add_safe_globals`.

    Example::

        >>> class Config:
        ...     pass
        >>> with ember.serialization.safe_globals([Config]):
        ...     pass   # ember.load(f) may now rebuild Config objects
    """

    def __init__(self, safe_globals):
        if not isinstance(safe_globals, (list, tuple, set)):
            raise TypeError("safe_globals expects a list of functions/classes")
        for g in safe_globals:
            _check_safe_global_entry(g)
        self.safe_globals = list(safe_globals)
        self._added = []

    def __enter__(self):
        self._added = [g for g in self.safe_globals if g not in _user_safe_globals]
        _user_safe_globals.extend(self._added)
        return self

    def __exit__(self, *exc):
        for g in self._added:
            if g in _user_safe_globals:
                _user_safe_globals.remove(g)
        return False


def _user_allowed():
    rc = {}
    for g in _user_safe_globals:
        if isinstance(g, tuple):
            rc[g[1]] = g[0]
        else:
            rc[f"{g.__module__}.{g.__qualname__}"] = g
    return rc


# ============================================================================ ember objects
def _ember():
    import ember
    return ember


def _parameter_class():
    try:
        from .nn.parameter import Parameter
        return Parameter
    except (ImportError, AttributeError):
        try:
            from .nn import Parameter
            return Parameter
        except (ImportError, AttributeError):
            return None


def _tensor_class():
    from ._tensor import Tensor
    return Tensor


def _size_class():
    from ._tensor import Size
    return Size


def _layouts():
    """{layout object: torch name} for the layouts ember defines (ember.strided ...)."""
    out = {}
    try:
        em = _ember()
    except ImportError:  # pragma: no cover
        return out
    for n in ("strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr",
              "sparse_bsc", "_mkldnn", "jagged"):
        obj = getattr(em, n, None)
        if obj is not None and not isinstance(obj, (type(em), type)):
            out[obj] = "torch." + n
    return out


# ============================================================================ devices
def _cuda_module():
    try:
        import importlib
        return importlib.import_module("ember.cuda")
    except Exception:
        return None


def _cuda_available():
    c = _cuda_module()
    try:
        return bool(c is not None and c.is_available())
    except Exception:
        return False


def _cuda_device_count():
    c = _cuda_module()
    try:
        return int(c.device_count())
    except Exception:
        return 1


def _location_of(arr):
    """torch's location tag of an array: 'cpu' or 'cuda:N'."""
    from ._device import device_of
    dev = device_of(arr)
    if dev.type == "cuda":
        return f"cuda:{dev.index or 0}"
    return str(dev)


def _validate_cuda(location):
    m = re.fullmatch(r"cuda(?::(\d+))?", location)
    if m is None:
        raise _passthrough(RuntimeError(f"Invalid device string: '{location}'"))
    if not _cuda_available():
        raise _passthrough(RuntimeError(
            "Attempting to deserialize object on a CUDA device but ember.cuda.is_available() "
            "is False. If you are running on a CPU-only machine, please use ember.load with "
            "map_location=ember.device('cpu') to map your storages to the CPU."))
    index = int(m.group(1) or 0)
    count = _cuda_device_count()
    if index >= count:
        raise _passthrough(RuntimeError(
            f"Attempting to deserialize object on CUDA device {index} but "
            f"ember.cuda.device_count() is {count}. Please use ember.load with map_location "
            "to map your storages to an existing device."))
    return device("cuda", index)


# ============================================================================ storages
class _Storage:
    """A deserialized storage: one flat array that tensors view, plus the device it goes to.

    This is what a ``map_location`` callable receives (first on the CPU) and may return
    moved with ``.cuda()``, ``.cpu()`` or ``.to(device)``, as with torch's storages.
    """
    __slots__ = ("_host", "dtype", "device", "_dev_cache", "_typed")

    def __init__(self, host, dtype, dev=CPU):
        self._host = host        # 1-D ndarray on the CPU, ember's storage dtype (bf16 -> f32)
        self.dtype = dtype       # ember dtype
        self.device = dev
        self._dev_cache = None
        self._typed = {}

    def _moved(self, dev):
        s = _Storage(self._host, self.dtype, dev)
        s._typed = self._typed
        return s

    def cpu(self):
        """This storage on the CPU."""
        return self if self.device.type == "cpu" else self._moved(CPU)

    def cuda(self, device=None, non_blocking=False):
        """This storage on a CUDA device (``device`` index or name, default 0)."""
        if device is None:
            loc = "cuda:0"
        elif isinstance(device, int):
            loc = f"cuda:{device}"
        else:
            loc = str(device)
            if loc == "cuda":
                loc = "cuda:0"
        return self._moved(_validate_cuda(loc))

    def to(self, device=None, non_blocking=False):
        """This storage on ``device`` ('cpu', 'cuda:N' or an ember.device)."""
        loc = str(device)
        if loc == "cpu":
            return self.cpu()
        if loc.startswith("cuda"):
            return self.cuda(loc)
        raise _passthrough(RuntimeError(
            f"don't know how to restore data location of storage (tagged with {loc})"))

    def size(self):
        """Number of elements."""
        return int(self._host.shape[0])

    __len__ = size

    def nbytes(self):
        """Number of bytes, as torch counts them."""
        return self.size() * _TORCH_ITEMSIZE[self.dtype.name]

    def element_size(self):
        """Bytes per element, as torch counts them."""
        return _TORCH_ITEMSIZE[self.dtype.name]

    def tolist(self):
        return self._host.tolist()

    def __repr__(self):
        return f"ember storage of {self.size()} {self.dtype!r} on {self.device}"

    # -- used by the rebuild functions
    def _as(self, dt):
        """The storage reinterpreted as dtype ``dt`` (UntypedStorage bytes -> typed, v3)."""
        if dt is self.dtype:
            return self
        if self.dtype is not D.uint8:
            raise CheckpointError(f"a tensor of dtype {dt!r} views a storage of dtype "
                                  f"{self.dtype!r}")
        s = self._typed.get(dt.name)
        if s is None:
            isz = _TORCH_ITEMSIZE[dt.name]
            if self._host.shape[0] % isz:
                raise CheckpointError(f"a storage of {self._host.shape[0]} bytes can't hold "
                                      f"whole elements of {dt!r}")
            s = _Storage(_bytes_to_array(self._host, dt.name, "little"), dt, self.device)
            self._typed[dt.name] = s
        return s if s.device == self.device else s._moved(self.device)

    def _device_flat(self):
        if self.device.type == "cpu":
            return self._host
        if self._dev_cache is None:
            Tensor = _tensor_class()
            self._dev_cache = Tensor._wrap(self._host, self.dtype).to(self.device)._data
        return self._dev_cache


def _bytes_to_array(buf, dtype_name, byteorder="little", copy=True):
    """A flat ndarray (ember storage dtype, native order) from raw torch storage bytes.

    With ``copy=False`` and a writable ``buf`` the result views ``buf`` where the dtype
    allows (everything but bfloat16 and non-native byte order)."""
    end = "<" if byteorder == "little" else ">"
    if dtype_name == "bfloat16":
        u16 = np.frombuffer(buf, dtype=end + "u2")
        return (u16.astype(np.uint32) << 16).view(np.float32)
    if dtype_name == "bool":
        u8 = np.frombuffer(buf, dtype=np.uint8)
        if copy or not u8.flags.writeable:
            return u8 != 0
        if u8.size and u8.max() > 1:  # only 0/1 are valid bools
            np.not_equal(u8, 0, out=u8)
        return u8.view(np.bool_)
    npd = D._BY_NAME[dtype_name].np
    arr = np.frombuffer(buf, dtype=npd.newbyteorder(end) if npd.itemsize > 1 else npd)
    if not copy and arr.dtype.isnative:
        return arr
    return arr.astype(npd, copy=True)


def _bf16_bits(f32):
    """uint16 bfloat16 bit patterns of a float32 array, rounding to nearest even."""
    f = np.ascontiguousarray(f32, dtype=np.float32).reshape(-1)
    bits = f.view(np.uint32)
    rounded = ((bits + (np.uint32(0x7FFF) + ((bits >> np.uint32(16)) & np.uint32(1))))
               >> np.uint32(16)).astype(np.uint16)
    nan = np.isnan(f)
    if nan.any():  # keep NaNs NaN with their top payload bits (never round into inf)
        top = (bits[nan] >> np.uint32(16)).astype(np.uint16)
        top[(top & 0x7F) == 0] |= np.uint16(0x40)
        rounded[nan] = top
    return rounded


# ============================================================================ rebuild functions
# These stand in for torch's functions of the same names when a file is loaded.
def _as_index_tuple(x, what):
    if not isinstance(x, (tuple, list)):
        raise CheckpointError(f"tensor {what} must be a tuple of ints, got {type(x).__name__}")
    out = []
    for v in x:
        if type(v) is not int:
            raise CheckpointError(f"tensor {what} must be a tuple of ints, got {x!r}")
        if v < 0:
            raise CheckpointError(f"tensor {what} must be non-negative, got {tuple(x)!r}")
        out.append(v)
    return tuple(out)


def _view_of_storage(storage, storage_offset, size, stride, dt=None):
    """An ndarray (on the storage's device) viewing ``storage`` as torch's set_() would."""
    if not isinstance(storage, _Storage):
        raise CheckpointError(f"tensor storage must be a storage, got {type(storage).__name__}")
    if dt is not None:
        storage = storage._as(_require_supported(dt))
    _require_supported(storage.dtype)
    if type(storage_offset) is not int or storage_offset < 0:
        raise CheckpointError(f"tensor storage offset must be a non-negative int, got "
                              f"{storage_offset!r}")
    size = _as_index_tuple(size, "size")
    stride = _as_index_tuple(stride, "stride")
    if len(size) != len(stride):
        raise CheckpointError(f"tensor size {size} and stride {stride} differ in length")
    if len(size) > 64:
        raise CheckpointError(f"tensor has {len(size)} dimensions (at most 64 are allowed)")
    n = storage.size()
    numel = 1
    for s in size:
        numel *= s
    if numel:
        last = storage_offset + sum((s - 1) * st for s, st in zip(size, stride))
        if last >= n:
            raise CheckpointError(
                f"tensor of size {size}, stride {stride} and offset {storage_offset} reaches "
                f"element {last}, beyond its storage of {n} elements")
    elif storage_offset > n:
        raise CheckpointError(f"tensor offset {storage_offset} is beyond its storage of "
                              f"{n} elements")
    flat = storage._device_flat()
    isz = flat.dtype.itemsize
    if isinstance(flat, np.ndarray):
        if numel == 0:
            return np.empty(size, dtype=flat.dtype)
        if storage_offset == 0 and numel == n and stride == _contiguous_strides(size):
            return flat.reshape(size)
        return np.ndarray(size, dtype=flat.dtype, buffer=flat, offset=storage_offset * isz,
                          strides=tuple(st * isz for st in stride))
    xp = get_xp(flat)
    if numel == 0:
        return xp.empty(size, dtype=flat.dtype)
    st_tricks = getattr(getattr(xp, "lib", None), "stride_tricks", None)
    if st_tricks is not None and hasattr(st_tricks, "as_strided"):
        return st_tricks.as_strided(flat[storage_offset:], shape=size,
                                    strides=tuple(st * isz for st in stride))
    host = _view_of_storage(storage.cpu(), storage_offset, size, stride)  # pragma: no cover
    Tensor = _tensor_class()
    return Tensor._wrap(host, storage.dtype).to(storage.device)._data


def _contiguous_strides(size):
    out, acc = [], 1
    for s in reversed(size):
        out.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(out))


def _finish_tensor(arr, dt, requires_grad, metadata=None):
    Tensor = _tensor_class()
    if type(requires_grad) is not bool:
        raise CheckpointError(f"tensor requires_grad must be a bool, got {requires_grad!r}")
    if metadata:
        if not isinstance(metadata, dict):
            raise CheckpointError(f"tensor metadata must be a dict, got {metadata!r}")
        if metadata.get("conj"):
            arr = arr.conj()
        if metadata.get("neg"):
            arr = -arr
    if requires_grad and not (dt.is_floating_point or dt.is_complex):
        raise _passthrough(RuntimeError(
            "only Tensors of floating point and complex dtype can require gradients"))
    return Tensor._wrap(arr, dt, requires_grad=requires_grad)


class _Deferred(threading.local):
    """While a legacy file loads, storages are filled only after the pickle (their data
    follows it), so device moves and conj/neg bits are applied afterwards (see fixup)."""
    tensors = None


_DEFERRED = _Deferred()


def _tensor_from_storage(storage, storage_offset, size, stride, dt, requires_grad, metadata):
    if _DEFERRED.tensors is None:
        arr = _view_of_storage(storage, storage_offset, size, stride, dt)
        return _finish_tensor(arr, dt or storage.dtype, requires_grad, metadata)
    if not isinstance(storage, _Storage):
        raise CheckpointError(f"tensor storage must be a storage, got {type(storage).__name__}")
    arr = _view_of_storage(storage.cpu(), storage_offset, size, stride, dt)
    t = _finish_tensor(arr, dt or storage.dtype, requires_grad)
    if metadata is not None and not isinstance(metadata, dict):
        raise CheckpointError(f"tensor metadata must be a dict, got {metadata!r}")
    _DEFERRED.tensors.append((t, storage.device, metadata))
    return t


def _apply_deferred(entries):
    """Move / conjugate the tensors of a legacy load once their storages hold data."""
    Tensor = _tensor_class()
    replaced = {}
    for t, dev, metadata in entries:
        if dev is None:
            continue
        arr = old = t._data
        if metadata:
            if metadata.get("conj"):
                arr = arr.conj()
            if metadata.get("neg"):
                arr = -arr
        if dev.type != "cpu":
            arr = Tensor._wrap(arr, t._dtype).to(dev)._data
        if arr is not old:
            replaced[id(old)] = (old, arr)
    if replaced:
        for t, _, _ in entries:
            hit = replaced.get(id(t._data))
            if hit is not None and hit[0] is t._data:
                t._data = hit[1]


def _rebuild_tensor(storage, storage_offset, size, stride):
    """torch._utils._rebuild_tensor"""
    return _tensor_from_storage(storage, storage_offset, size, stride, None, False, None)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    """torch._utils._rebuild_tensor_v2"""
    return _tensor_from_storage(storage, storage_offset, size, stride, None, requires_grad,
                                metadata)


def _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       dtype, metadata=None):
    """torch._utils._rebuild_tensor_v3 (dtypes pickled with an UntypedStorage)"""
    if not isinstance(dtype, (D.dtype, _UnsupportedDtype)):
        raise CheckpointError(f"tensor dtype must be a dtype, got {dtype!r}")
    return _tensor_from_storage(storage, storage_offset, size, stride, dtype, requires_grad,
                                metadata)


def _make_parameter(data, requires_grad):
    Tensor = _tensor_class()
    if not isinstance(data, Tensor):
        raise CheckpointError(f"Parameter data must be a tensor, got {type(data).__name__}")
    if type(requires_grad) is not bool:
        raise CheckpointError(f"Parameter requires_grad must be a bool, got {requires_grad!r}")
    P = _parameter_class()
    if P is None:  # ember.nn not available: a leaf tensor with the same flag
        data._requires_grad = requires_grad
        return data
    p = P(data, requires_grad)
    if _DEFERRED.tensors is not None:
        _DEFERRED.tensors.append((p, None, None))  # follows its data's fixup
    return p


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """torch._utils._rebuild_parameter"""
    return _make_parameter(data, requires_grad)


def _set_obj_state(obj, state):
    if isinstance(state, tuple):
        if len(state) != 2:
            raise CheckpointError(f"invalid object state {state!r}")
        dict_state, slots_state = state
    else:
        dict_state, slots_state = state, None
    for st in (dict_state, slots_state):
        if st:
            if not isinstance(st, dict):
                raise CheckpointError(f"invalid object state {st!r}")
            for k, v in st.items():
                if type(k) is not str:
                    raise CheckpointError(f"invalid attribute name {k!r}")
                try:
                    setattr(obj, k, v)
                except AttributeError:
                    raise _passthrough(RuntimeError(
                        f"ember can't restore attribute {k!r} on a {type(obj).__name__} "
                        "(ember tensors carry no Python attributes)")) from None
    return obj


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    """torch._utils._rebuild_parameter_with_state"""
    return _set_obj_state(_make_parameter(data, requires_grad), state)


def _rebuild_from_type_v2(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2 (tensors with Python attributes / subclasses)"""
    if func not in (_rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                    _rebuild_parameter_with_state) or not isinstance(args, tuple):
        raise CheckpointError("invalid tensor rebuild arguments")
    ret = func(*args)
    Tensor = _tensor_class()
    if not (isinstance(new_type, type) and issubclass(new_type, Tensor)):
        raise CheckpointError(f"cannot rebuild a tensor as {new_type!r}")
    if type(ret) is not new_type:
        if not isinstance(ret, Tensor):
            raise CheckpointError("tensor rebuild did not produce a tensor")
        new = object.__new__(new_type)  # like torch's as_subclass: same data, new class
        Tensor._init(new, ret._data, ret._dtype, ret._requires_grad)
        ret = new
    setstate = getattr(type(ret), "__setstate__", None)
    if state and setstate is not None and setstate is not getattr(Tensor, "__setstate__", None):
        ret.__setstate__(state)
    elif state:
        _set_obj_state(ret, state)
    return ret


def _rebuild_device_tensor_from_cpu_tensor(data, dtype, device, requires_grad):
    """torch._utils._rebuild_device_tensor_from_cpu_tensor"""
    Tensor = _tensor_class()
    if not isinstance(data, Tensor):
        raise CheckpointError("invalid device tensor data")
    t = data.to(_require_supported(dtype))
    t = _restore_device_tensor(t, str(device))
    t._requires_grad = bool(requires_grad)
    return t


def _restore_device_tensor(t, location):  # location of a whole tensor, not a storage
    if location.startswith("cuda"):
        return t.to(_validate_cuda(location))
    return t


def _rebuild_unsupported(kind):
    def f(*args, **kwargs):
        raise _passthrough(RuntimeError(
            f"The checkpoint holds a {kind} tensor, which ember does not support."))
    f.__name__ = f"_rebuild_{kind}_unsupported"
    return f


def _get_layout(name):
    """torch.serialization._get_layout"""
    for obj, n in _layouts().items():
        if n == name:
            return obj
    raise _passthrough(RuntimeError(f"ember does not support layout {name}"))


def _load_from_bytes(b):
    """torch.storage._load_from_bytes: a storage pickled on its own (legacy format)."""
    return load(io.BytesIO(b), weights_only=False)


def _bytearray_ctor(*args):
    # bytearray(n) would allocate n bytes: only accept the forms pickle itself produces
    if args and isinstance(args[0], int):
        raise CheckpointError("bytearray(<int>) is not allowed in a checkpoint")
    return bytearray(*args)


def _encode(obj, encoding="utf-8", errors="strict"):
    import _codecs
    return _codecs.encode(obj, encoding, errors)


# ============================================================================ name tables
def _torch_globals():
    """{'module.name' in a torch/ember file: ember object} understood by both loaders."""
    Tensor = _tensor_class()
    table = {
        "collections.OrderedDict": OrderedDict,
        "collections.Counter": Counter,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._utils._rebuild_device_tensor_from_cpu_tensor":
            _rebuild_device_tensor_from_cpu_tensor,
        "torch._utils._rebuild_qtensor": _rebuild_unsupported("quantized"),
        "torch._utils._rebuild_sparse_tensor": _rebuild_unsupported("sparse"),
        "torch._utils._rebuild_nested_tensor": _rebuild_unsupported("nested"),
        "torch._utils._rebuild_meta_tensor_no_storage": _rebuild_unsupported("meta"),
        "torch._utils._rebuild_wrapper_subclass": _rebuild_unsupported("wrapper-subclass"),
        "torch._utils._rebuild_device_tensor_from_numpy": _rebuild_unsupported("numpy-device"),
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": _size_class(),
        "torch.Tensor": Tensor,
        "torch.device": device,
        "torch.storage.UntypedStorage": _UNTYPED_STORAGE,
        "torch.UntypedStorage": _UNTYPED_STORAGE,
        "_codecs.encode": _encode,
        "builtins.bytearray": _bytearray_ctor,
        "builtins.set": set,
        "builtins.complex": complex,
        # ember's own names (objects pickled outside ember.save, e.g. by copy/multiprocessing)
        "ember._tensor.Size": _size_class(),
        "ember._device.device": device,
        "ember._dtype._dtype_by_name": D._dtype_by_name,
    }
    for name in _TORCH_DTYPE_NAMES + list(_DTYPE_ALIASES):
        table["torch." + name] = _dtype_from_name(name)
    for n, st in _STORAGE_TYPES.items():
        table["torch." + n] = st
        table["torch.cuda." + n] = st
    P = _parameter_class()
    if P is not None:
        table["torch.nn.parameter.Parameter"] = P
        table[f"{P.__module__}.{P.__qualname__}"] = P
    return table


# ============================================================================ weights-only unpickler
def _refuse_global(full):
    shown = full[len("builtins."):] if full.startswith("builtins.") else full
    return UnpicklingError(
        "Weights only load failed. This file can still be loaded, to do so you have two "
        "options, do those steps only if you trust the source of the checkpoint. "
        f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` "
        "please check the recommended steps in the following error message.\n\t"
        f"WeightsUnpickler error: Unsupported global: GLOBAL {shown} was not an allowed global "
        f"by default. Please use `ember.serialization.add_safe_globals([{shown}])` or the "
        f"`ember.serialization.safe_globals([{shown}])` context manager to allowlist this "
        "global if you trust this class/function.")


def _refuse(message):
    return UnpicklingError(f"Weights only load failed. {UNSAFE_MESSAGE}\n\n"
                           f"WeightsUnpickler error: {message}")


class _WeightsUnpickler:
    """An allow-list pickle interpreter: builds data, tensors and allow-listed objects only.

    It understands the opcodes of pickle protocols 0-5 that build plain data, and resolves
    GLOBAL / STACK_GLOBAL against the allow-list; REDUCE / NEWOBJ / BUILD only run on
    allow-listed callables and classes. Everything else raises :class:`UnpicklingError`.
    Malformed data (stack underflow, bad memo index, truncation) raises
    :class:`CheckpointError`.
    """

    def __init__(self, file, persistent_load, encoding="utf-8"):
        self.read = file.read
        self.readline = file.readline
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.memo = {}
        self.proto = 0
        self.allowed = _torch_globals()
        self.user = _user_allowed()
        self._callable_ids = {id(v) for v in self.allowed.values()} | \
            {id(v) for v in self.user.values()}
        # allowed as names (e.g. as the type in _rebuild_from_type_v2) but never called or
        # instantiated directly: ember.Tensor(n) would allocate n elements
        self._no_new = (_tensor_class(),)

    def _readn(self, n):
        data = self.read(n)
        if len(data) != n:
            raise CheckpointError("pickle data was truncated")
        return data

    def _line(self):
        line = self.readline()
        if not line.endswith(b"\n"):
            raise CheckpointError("pickle data was truncated")
        return line[:-1]

    def _find(self, module, name):
        if self.proto < 3:
            import _compat_pickle
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        if module.split(".")[0] in ("sys", "os", "posix", "nt", "subprocess"):
            raise _refuse(f"Trying to load unsupported GLOBAL {full} whose module "
                          f"{module} is blocked.")
        if full in self.allowed:
            return self.allowed[full]
        if full in self.user:
            return self.user[full]
        raise _refuse_global(full)

    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def load(self):
        self.metastack = []
        self.stack = []
        dispatch = self._DISPATCH
        read = self.read
        while True:
            key = read(1)
            if not key:
                raise CheckpointError("pickle data was truncated")
            op = dispatch.get(key[0])
            if op is None:
                raise CheckpointError(f"invalid or unsupported pickle opcode {key!r}")
            if op(self):
                return self.stack.pop()

    # -- opcode handlers (return True on STOP)
    def _proto(self):
        self.proto = self._readn(1)[0]

    def _frame(self):
        self._readn(8)

    def _stop(self):
        return True

    def _mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def _pop(self):
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()

    def _pop_mark_op(self):
        self._pop_mark()

    def _dup(self):
        self.stack.append(self.stack[-1])

    def _push(value):
        def f(self):
            self.stack.append(value() if callable(value) else value)
        return f

    def _int(self):
        data = self._line()
        if data == b"00":
            val = False
        elif data == b"01":
            val = True
        else:
            val = int(data, 0)
        self.stack.append(val)

    def _binint(self):
        self.stack.append(struct.unpack("<i", self._readn(4))[0])

    def _binint1(self):
        self.stack.append(self._readn(1)[0])

    def _binint2(self):
        self.stack.append(struct.unpack("<H", self._readn(2))[0])

    def _long(self):
        val = self._line()
        if val.endswith(b"L"):
            val = val[:-1]
        self.stack.append(int(val, 0))

    def _long1(self):
        n = self._readn(1)[0]
        self.stack.append(pickle.decode_long(self._readn(n)))

    def _long4(self):
        n = struct.unpack("<i", self._readn(4))[0]
        if n < 0:
            raise CheckpointError("LONG pickle has negative byte count")
        self.stack.append(pickle.decode_long(self._readn(n)))

    def _float(self):
        self.stack.append(float(self._line()))

    def _binfloat(self):
        self.stack.append(struct.unpack(">d", self._readn(8))[0])

    def _decode_str(self, data):
        if self.encoding == "bytes":
            return data
        return data.decode(self.encoding, "strict")

    def _string(self):
        data = self._line()
        if len(data) >= 2 and data[0] == data[-1] and data[:1] in (b'"', b"'"):
            data = data[1:-1]
        else:
            raise CheckpointError("the STRING opcode argument must be quoted")
        import codecs
        self.stack.append(self._decode_str(codecs.escape_decode(data)[0]))

    def _binstring(self):
        n = struct.unpack("<i", self._readn(4))[0]
        if n < 0:
            raise CheckpointError("BINSTRING pickle has negative byte count")
        self.stack.append(self._decode_str(self._readn(n)))

    def _short_binstring(self):
        n = self._readn(1)[0]
        self.stack.append(self._decode_str(self._readn(n)))

    def _unicode(self):
        self.stack.append(str(self._line(), "raw-unicode-escape"))

    def _binunicode(self):
        n = struct.unpack("<I", self._readn(4))[0]
        self.stack.append(str(self._readn(n), "utf-8", "surrogatepass"))

    def _binunicode8(self):
        n = struct.unpack("<Q", self._readn(8))[0]
        self.stack.append(str(self._readn(n), "utf-8", "surrogatepass"))

    def _short_binunicode(self):
        n = self._readn(1)[0]
        self.stack.append(str(self._readn(n), "utf-8", "surrogatepass"))

    def _binbytes(self):
        n = struct.unpack("<I", self._readn(4))[0]
        self.stack.append(self._readn(n))

    def _binbytes8(self):
        n = struct.unpack("<Q", self._readn(8))[0]
        self.stack.append(self._readn(n))

    def _short_binbytes(self):
        n = self._readn(1)[0]
        self.stack.append(self._readn(n))

    def _bytearray8(self):
        n = struct.unpack("<Q", self._readn(8))[0]
        self.stack.append(bytearray(self._readn(n)))

    def _tuple(self):
        items = tuple(self._pop_mark())
        self.stack.append(items)

    def _tuple1(self):
        self.stack[-1] = (self.stack[-1],)

    def _tuple2(self):
        if len(self.stack) < 2:
            raise CheckpointError("pickle stack underflow")
        self.stack[-2:] = [(self.stack[-2], self.stack[-1])]

    def _tuple3(self):
        if len(self.stack) < 3:
            raise CheckpointError("pickle stack underflow")
        self.stack[-3:] = [(self.stack[-3], self.stack[-2], self.stack[-1])]

    def _list(self):
        items = self._pop_mark()
        self.stack.append(items)

    def _dict(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise CheckpointError("odd number of items for DICT")
        self.stack.append({items[i]: items[i + 1] for i in range(0, len(items), 2)})

    def _check_list(self, obj):
        if type(obj) is not list and not (isinstance(obj, list)
                                          and type(obj) in self.user.values()):
            raise _refuse(f"Can only append to lists, but got {type(obj)}")

    def _check_dict(self, obj, op):
        if type(obj) not in (dict, OrderedDict, Counter):
            raise _refuse(f"Can only {op} for dict, collections.OrderedDict, "
                          f"collections.Counter, but got {type(obj)}")

    def _append(self):
        item = self.stack.pop()
        self._check_list(self.stack[-1])
        self.stack[-1].append(item)

    def _appends(self):
        items = self._pop_mark()
        self._check_list(self.stack[-1])
        self.stack[-1].extend(items)

    def _setitem(self):
        v = self.stack.pop()
        k = self.stack.pop()
        self._check_dict(self.stack[-1], "SETITEM")
        self.stack[-1][k] = v

    def _setitems(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise CheckpointError("odd number of items for SETITEMS")
        target = self.stack[-1]
        self._check_dict(target, "SETITEMS")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _additems(self):
        items = self._pop_mark()
        target = self.stack[-1]
        if type(target) is not set:
            raise _refuse(f"Can only ADDITEMS to sets, but got {type(target)}")
        target.update(items)

    def _frozenset(self):
        items = frozenset(self._pop_mark())
        self.stack.append(items)

    def _get(self):
        self._memo_get(int(self._line()))

    def _binget(self):
        self._memo_get(self._readn(1)[0])

    def _long_binget(self):
        self._memo_get(struct.unpack("<I", self._readn(4))[0])

    def _memo_get(self, i):
        try:
            self.stack.append(self.memo[i])
        except KeyError:
            raise CheckpointError(f"pickle memo key {i} not found") from None

    def _put(self):
        i = int(self._line())
        if i < 0:
            raise CheckpointError("negative PUT argument")
        self.memo[i] = self.stack[-1]

    def _binput(self):
        self.memo[self._readn(1)[0]] = self.stack[-1]

    def _long_binput(self):
        self.memo[struct.unpack("<I", self._readn(4))[0]] = self.stack[-1]

    def _memoize(self):
        self.memo[len(self.memo)] = self.stack[-1]

    def _global(self):
        module = self._line().decode("utf-8")
        name = self._line().decode("utf-8")
        self.stack.append(self._find(module, name))

    def _stack_global(self):
        name = self.stack.pop()
        module = self.stack.pop()
        if type(name) is not str or type(module) is not str:
            raise CheckpointError("STACK_GLOBAL requires str")
        self.stack.append(self._find(module, name))

    def _is_allowed(self, obj):
        return id(obj) in self._callable_ids

    def _reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if not self._is_allowed(func) or func in self._no_new or isinstance(
                func, (_StorageType, _UnsupportedDtype, D.dtype)):
            msg = f"Trying to call reduce for unrecognized function {func!r}"
            raise _refuse(msg)
        if not isinstance(args, tuple):
            raise CheckpointError("REDUCE arguments must be a tuple")
        self.stack[-1] = func(*args)

    def _newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self._new(cls, args, {})

    def _newobj_ex(self):
        kwargs = self.stack.pop()
        args = self.stack.pop()
        cls = self.stack.pop()
        if not isinstance(kwargs, dict):
            raise CheckpointError("NEWOBJ_EX kwargs must be a dict")
        self._new(cls, args, kwargs)

    def _new(self, cls, args, kwargs):
        if not isinstance(args, tuple):
            raise CheckpointError("NEWOBJ arguments must be a tuple")
        P = _parameter_class()
        if P is not None and cls is P:
            self.stack.append(P(*args, **kwargs))
        elif isinstance(cls, type) and self._is_allowed(cls) and cls not in self._no_new:
            self.stack.append(cls.__new__(cls, *args, **kwargs))
        else:
            raise _refuse("Can only create new object for nn.Parameter or classes "
                          f"allowlisted via `add_safe_globals` but got {cls!r}")

    def _build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        P = _parameter_class()
        if type(inst) is OrderedDict:
            if not isinstance(state, dict):
                raise CheckpointError("OrderedDict state must be a dict")
            for k in state:
                if type(k) is not str:
                    raise CheckpointError("OrderedDict attribute names must be str")
            inst.__dict__.update(state)
        elif P is not None and type(inst) is P:
            _set_obj_state(inst, state)
        elif self._is_allowed(type(inst)) and type(inst) not in self._no_new:
            setstate = getattr(inst, "__setstate__", None)
            if setstate is not None:
                setstate(state)
            else:
                slotstate = None
                if isinstance(state, tuple) and len(state) == 2:
                    state, slotstate = state
                if state:
                    inst.__dict__.update(state)
                if slotstate:
                    for k, v in slotstate.items():
                        setattr(inst, k, v)
        else:
            raise _refuse("Can only build Tensor, Parameter, OrderedDict or types allowlisted "
                          f"via `add_safe_globals`, but got {type(inst)}")

    def _binpersid(self):
        pid = self.stack.pop()
        self.stack.append(self._persistent(pid))

    def _persid(self):
        self.stack.append(self._persistent(self._line().decode("ascii")))

    def _persistent(self, pid):
        if type(pid) is not tuple or not pid:
            raise CheckpointError(f"persistent id must be a non-empty tuple, got {pid!r}")
        tag = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if tag not in ("storage", "module"):
            raise _refuse(f"Only persistent_load of storage is allowed, but got {tag!r}")
        if tag == "module":
            raise _refuse("Only persistent_load of storage is allowed, but got a module "
                          "(whole-module checkpoints from old PyTorch need weights_only=False)")
        return self.persistent_load(pid)

    _DISPATCH = {}


def _build_dispatch():
    U = _WeightsUnpickler
    P = pickle
    table = {
        P.PROTO: U._proto, P.FRAME: U._frame, P.STOP: U._stop, P.MARK: U._mark, P.POP: U._pop,
        P.POP_MARK: U._pop_mark_op, P.DUP: U._dup,
        P.NONE: U._push(None), P.NEWTRUE: U._push(True), P.NEWFALSE: U._push(False),
        P.INT: U._int, P.BININT: U._binint, P.BININT1: U._binint1, P.BININT2: U._binint2,
        P.LONG: U._long, P.LONG1: U._long1, P.LONG4: U._long4,
        P.FLOAT: U._float, P.BINFLOAT: U._binfloat,
        P.STRING: U._string, P.BINSTRING: U._binstring, P.SHORT_BINSTRING: U._short_binstring,
        P.UNICODE: U._unicode, P.BINUNICODE: U._binunicode, P.BINUNICODE8: U._binunicode8,
        P.SHORT_BINUNICODE: U._short_binunicode, P.BINBYTES: U._binbytes,
        P.BINBYTES8: U._binbytes8, P.SHORT_BINBYTES: U._short_binbytes,
        P.BYTEARRAY8: U._bytearray8,
        P.EMPTY_TUPLE: U._push(()), P.TUPLE: U._tuple, P.TUPLE1: U._tuple1,
        P.TUPLE2: U._tuple2, P.TUPLE3: U._tuple3,
        P.EMPTY_LIST: U._push(list), P.LIST: U._list, P.APPEND: U._append,
        P.APPENDS: U._appends, P.EMPTY_DICT: U._push(dict), P.DICT: U._dict,
        P.SETITEM: U._setitem, P.SETITEMS: U._setitems, P.EMPTY_SET: U._push(set),
        P.ADDITEMS: U._additems, P.FROZENSET: U._frozenset,
        P.GET: U._get, P.BINGET: U._binget, P.LONG_BINGET: U._long_binget,
        P.PUT: U._put, P.BINPUT: U._binput, P.LONG_BINPUT: U._long_binput,
        P.MEMOIZE: U._memoize, P.GLOBAL: U._global, P.STACK_GLOBAL: U._stack_global,
        P.REDUCE: U._reduce, P.NEWOBJ: U._newobj, P.NEWOBJ_EX: U._newobj_ex,
        P.BUILD: U._build, P.BINPERSID: U._binpersid, P.PERSID: U._persid,
    }
    U._DISPATCH = {k[0]: v for k, v in table.items()}


_build_dispatch()


# ============================================================================ full unpickler
def _full_unpickler_class(pickle_module):
    base = pickle_module.Unpickler

    class _EmberUnpickler(base):
        def __init__(self, file, persistent_load, **kwargs):
            super().__init__(file, **kwargs)
            self._pl = persistent_load
            self._table = _torch_globals()

        def persistent_load(self, pid):
            if isinstance(pid, tuple) and pid and pid[0] in ("module", b"module"):
                return pid[1]  # legacy whole-module save: (tag, class, source_file, source)
            if type(pid) is not tuple:
                raise CheckpointError(f"invalid persistent id {pid!r}")
            return self._pl(pid)

        def find_class(self, module, name):
            full = f"{module}.{name}"
            if full in self._table:
                return self._table[full]
            if module == "torch.storage" and name == "_load_from_bytes":
                return _load_from_bytes
            if module == "torch" or module.startswith("torch."):
                # torch.nn.modules.linear.Linear -> ember.nn.modules.linear.Linear, ...
                import importlib
                own = [m for (m, n), t in _TORCH_MODULE_OF.items() if (t, n) == (module, name)]
                for cand in own + ["ember" + module[len("torch"):],
                                   "ember." + module.split(".")[1] if "." in module else "ember"]:
                    try:
                        obj = importlib.import_module(cand)
                        for part in name.split("."):
                            obj = getattr(obj, part)
                        return obj
                    except (ImportError, AttributeError):
                        continue
                raise _passthrough(RuntimeError(
                    f"The checkpoint refers to {full}, which ember has no equivalent of."))
            return super().find_class(module, name)

    return _EmberUnpickler


# ============================================================================ restore locations
def _default_restore(storage, location):
    if not isinstance(location, str):
        raise CheckpointError(f"storage location must be a string, got {location!r}")
    if location == "cpu":
        return storage.cpu()
    if location.startswith("cuda"):
        return storage._moved(_validate_cuda(location))
    raise _passthrough(RuntimeError(
        f"don't know how to restore data location of {type(storage).__name__} "
        f"(tagged with {location})"))


def _loc_str(x):
    if isinstance(x, bytes):
        x = x.decode("ascii")
    if isinstance(x, str):
        return x
    if hasattr(x, "type") and hasattr(x, "index"):  # ember.device or torch.device
        return str(x)
    raise TypeError(f"map_location values must be device strings or devices, got {x!r}")


def _restore_fn(map_location):
    if map_location is None:
        return _default_restore
    if isinstance(map_location, dict):
        def restore(storage, location):
            return _default_restore(storage, _loc_str(map_location.get(location, location)))
        return restore
    if isinstance(map_location, (str, bytes)) or (hasattr(map_location, "type")
                                                  and hasattr(map_location, "index")):
        loc = _loc_str(map_location)
        if loc == "cuda":
            loc = "cuda:0"

        def restore(storage, location):
            return _default_restore(storage, loc)
        return restore
    if callable(map_location):
        def restore(storage, location):
            result = map_location(storage, location)
            if result is None:
                return _default_restore(storage, location)
            if not isinstance(result, _Storage):
                raise _passthrough(TypeError(
                    "map_location callable must return None or the storage it was given "
                    f"(possibly moved with .cpu()/.cuda()), got {type(result).__name__}"))
            return result
        return restore
    raise TypeError("map_location should be a string, ember.device, dict or callable, got "
                    f"{type(map_location).__name__}")


# ============================================================================ zip writer
def _hash_combine(seed, value):
    """c10::hash_combine on 64-bit size_t."""
    return (seed ^ (value + 0x9E3779B9 + ((seed << 6) & _U64) + (seed >> 2))) & _U64


def _std_hash(b):
    """libstdc++'s std::hash<std::string> (64-bit _Hash_bytes, seed 0xc70f6907)."""
    mul = 0xC6A4A7935BD1E995

    def shift_mix(v):
        return v ^ (v >> 47)
    n = len(b)
    aligned = n & ~7
    h = (0xC70F6907 ^ (n * mul)) & _U64
    for i in range(0, aligned, 8):
        d = (shift_mix((int.from_bytes(b[i:i + 8], "little") * mul) & _U64) * mul) & _U64
        h = ((h ^ d) * mul) & _U64
    if n & 7:
        h = ((h ^ int.from_bytes(b[aligned:], "little")) * mul) & _U64
    return shift_mix((shift_mix(h) * mul) & _U64)


class _ZipWriter:
    """The zip archive PyTorchStreamWriter (miniz) writes: stored records, each record's data
    aligned to 64 bytes by an 'FB' extra field of 'Z' padding, data descriptors, zip64 end
    records."""

    def __init__(self, fileobj, archive_name):
        self._f = fileobj
        self._pos = 0
        self._prefix = archive_name + "/"
        self._entries = []
        self._written = []
        self._crc_combined = 0

    def _write(self, b):
        self._f.write(b)
        self._pos += len(b)

    def write_record(self, name, data):
        """Write record ``name``; ``data`` is bytes or a 1-D uint8 ndarray."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        full = (self._prefix + name).encode("utf-8")
        size = len(data) if not isinstance(data, np.ndarray) else int(data.nbytes)
        offset = self._pos
        big_size = size >= _U32
        big_off = offset >= _U32
        z64 = b""
        if big_size or big_off:
            payload = (struct.pack("<QQ", size, size) if big_size else b"") + \
                (struct.pack("<Q", offset) if big_off else b"")
            z64 = struct.pack("<HH", 1, len(payload)) + payload
        start = offset + 30 + len(full) + len(z64) + 4
        pad = (-start) % _ALIGNMENT
        extra = z64 + b"FB" + struct.pack("<H", pad) + b"Z" * pad
        hsize = _U32 if big_size else 0
        self._write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 0, 0x0808, 0, 0, 0, 0, hsize, hsize,
                                len(full), len(extra)) + full + extra)
        crc = 0
        if isinstance(data, np.ndarray):
            mv = memoryview(np.ascontiguousarray(data).reshape(-1).view(np.uint8))
            for i in range(0, size, _CHUNK):
                chunk = mv[i:i + _CHUNK]
                crc = zlib.crc32(chunk, crc)
                self._write(chunk)
        else:
            crc = zlib.crc32(data)
            self._write(data)
        if big_size or big_off:
            self._write(struct.pack("<IIQQ", 0x08074B50, crc, size, size))
        else:
            self._write(struct.pack("<IIII", 0x08074B50, crc, size, size))
        self._crc_combined = _hash_combine(self._crc_combined, crc)
        self._entries.append((full, crc, size, offset))
        self._written.append(name)

    def finish(self):
        # .data/serialization_id: 20 digits of a record-name hash + 20 of the combined CRC32s
        # (torch iterates a std::unordered_set here, so its name order is not reproducible;
        # the CRC half matches torch exactly)
        name_hash = 0
        for n in reversed(self._written):
            name_hash = _hash_combine(name_hash, _std_hash(n.encode("utf-8")))
        self.write_record(".data/serialization_id",
                          f"{name_hash:020d}{self._crc_combined:020d}")
        cd_offset = self._pos
        for full, crc, size, offset in self._entries:
            fields = []
            if size >= _U32:
                fields += [size, size]
            if offset >= _U32:
                fields.append(offset)
            extra = (struct.pack("<HH", 1, 8 * len(fields)) +
                     struct.pack(f"<{len(fields)}Q", *fields)) if fields else b""
            s = _U32 if size >= _U32 else size
            o = _U32 if offset >= _U32 else offset
            self._write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0, 0, 0x0808, 0, 0, 0,
                                    crc, s, s, len(full), len(extra), 0, 0, 0, 0, o)
                        + full + extra)
        cd_size = self._pos - cd_offset
        n = len(self._entries)
        z64_offset = self._pos
        self._write(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x031E, 0x002D, 0, 0, n, n,
                                cd_size, cd_offset))
        self._write(struct.pack("<IIQI", 0x07064B50, 0, z64_offset, 1))
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF), min(n, 0xFFFF),
                                min(cd_size, _U32), min(cd_offset, _U32), 0))


# ============================================================================ saving
class _TorchGlobal:
    """A global written into the pickle by name (``torch._utils._rebuild_tensor_v2``) without
    importing it: ember never imports torch."""
    __slots__ = ("module", "name")
    _cache = {}

    def __new__(cls, module, name):
        key = (module, name)
        obj = cls._cache.get(key)
        if obj is None:
            obj = object.__new__(cls)
            obj.module, obj.name = module, name
            cls._cache[key] = obj
        return obj

    def __call__(self, *args):  # pickle's save_reduce wants a callable; never called
        raise TypeError(f"{self.module}.{self.name} is a torch name written by ember.save")

    def __reduce__(self):  # only reached outside ember's pickler
        raise pickle.PicklingError(f"{self.module}.{self.name} can only be pickled by ember.save")


# ember classes that live in another torch module than ember's (pickled by their torch name)
_TORCH_MODULE_OF = {
    ("ember.nn.modules.attention", "MultiheadAttention"): "torch.nn.modules.activation",
    ("ember.nn.modules.attention", "NonDynamicallyQuantizableLinear"): "torch.nn.modules.linear",
}
_REBUILD_V2 = _TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAM = _TorchGlobal("torch._utils", "_rebuild_parameter")
_REBUILD_PARAM_STATE = _TorchGlobal("torch._utils", "_rebuild_parameter_with_state")
_REBUILD_FROM_TYPE = _TorchGlobal("torch._tensor", "_rebuild_from_type_v2")
_TORCH_DEVICE = _TorchGlobal("torch", "device")
_TORCH_SIZE = _TorchGlobal("torch", "Size")
_GET_LAYOUT = _TorchGlobal("torch.serialization", "_get_layout")


class _StorageRef:
    """One storage being saved; pickled as a persistent id."""
    __slots__ = ("key", "dtype", "location", "numel", "data", "root")

    def pid(self, legacy):
        st = _TorchGlobal("torch", _DTYPE_TO_STORAGE[self.dtype.name])
        if legacy:
            return ("storage", st, self.key, self.location, self.numel, None)
        return ("storage", st, self.key, self.location, self.numel)


def _byte_bounds(a):
    f = getattr(getattr(np.lib, "array_utils", None), "byte_bounds", None) or np.byte_bounds
    return f(a)


class _ArrayInterface:
    __slots__ = ("__array_interface__", "_keep")

    def __init__(self, iface, keep):
        self.__array_interface__ = iface
        self._keep = keep


def _raw_bytes(root, low, high):
    """A read-only uint8 ndarray over [low, high) of ``root``'s memory (no copy)."""
    if high <= low:
        return np.empty(0, np.uint8)
    return np.asarray(_ArrayInterface(
        {"data": (low, True), "shape": (high - low,), "typestr": "|u1", "version": 3}, root))


def _array_root(a):
    while True:
        b = getattr(a, "base", None)
        if b is None or not (hasattr(b, "shape") and hasattr(b, "strides")
                             and hasattr(b, "dtype")):
            return a
        a = b


class _StorageCollector:
    """Maps each tensor being saved onto a storage (shared by views of one array)."""

    def __init__(self):
        self.by_root = {}     # id(root) -> _StorageRef
        self.ordered = []     # _StorageRef in key order

    def _new(self, dt, location, numel, data, root):
        ref = _StorageRef()
        ref.key = str(len(self.ordered))
        ref.dtype, ref.location, ref.numel, ref.data, ref.root = dt, location, numel, data, root
        self.ordered.append(ref)
        return ref

    def tensor_args(self, t):
        """(storage_ref, offset, size, stride) for ember tensor ``t``."""
        arr = t._data
        dt = t._dtype
        location = _location_of(arr)
        size = tuple(int(s) for s in arr.shape)
        if isinstance(arr, np.ndarray):
            shared = self._shared_numpy(arr, dt, location)
        else:
            shared = self._shared_device(arr, dt, location)
        if shared is not None:
            return (shared[0], shared[1], size, shared[2])
        # a private contiguous copy (negative strides, odd byte offsets, non-native order...)
        host = arr if isinstance(arr, np.ndarray) else get_xp(arr).asnumpy(arr)
        host = np.ascontiguousarray(host, dtype=host.dtype.newbyteorder("="))
        ref = self._new(dt, location, int(host.size), self._storage_bytes(host.reshape(-1), dt),
                        host)
        return (ref, 0, size, _contiguous_strides(size))

    @staticmethod
    def _storage_bytes(flat, dt):
        if dt is D.bfloat16:
            return _bf16_bits(flat).view(np.uint8)
        return flat.view(np.uint8) if flat.size else np.empty(0, np.uint8)

    def _lookup(self, root, dt, location, make):
        ref = self.by_root.get(id(root))
        if ref is None:
            ref = make()
            if ref is None:
                return None
            self.by_root[id(root)] = ref
        elif ref.dtype is not dt:
            raise RuntimeError("Cannot save multiple tensors or storages that view the same "
                               "data as different types")
        return ref

    def _shared_numpy(self, arr, dt, location):
        if not arr.dtype.isnative:
            return None
        root = _array_root(arr)
        isz = arr.dtype.itemsize
        if any(s < 0 or s % isz for s in arr.strides):
            return None
        low, high = _byte_bounds(root)
        ptr = arr.__array_interface__["data"][0]
        if (high - low) % isz or (ptr - low) % isz or not low <= ptr <= high:
            return None

        def make():
            raw = _raw_bytes(root, low, high)
            if dt is D.bfloat16:
                raw = _bf16_bits(raw.view(np.float32)).view(np.uint8)
            return self._new(dt, location, (high - low) // isz, raw, root)

        ref = self._lookup(root, dt, location, make)
        if ref is None or ref.root is not root:
            return None
        return ref, (ptr - low) // isz, tuple(s // isz for s in arr.strides)

    def _shared_device(self, arr, dt, location):
        root = _array_root(arr)
        isz = arr.dtype.itemsize
        if not root.flags.c_contiguous or any(s < 0 or s % isz for s in arr.strides):
            return None
        low, ptr = root.data.ptr, arr.data.ptr
        if (ptr - low) % isz or not low <= ptr <= low + root.nbytes:
            return None

        def make():
            host = get_xp(root).asnumpy(root).reshape(-1)
            return self._new(dt, location, int(root.size), self._storage_bytes(host, dt), root)

        ref = self._lookup(root, dt, location, make)
        if ref is None:
            return None
        return ref, (ptr - low) // isz, tuple(s // isz for s in arr.strides)


def _make_pickler_class(pickle_module):
    base = getattr(pickle_module, "_Pickler", None) or pickle_module.Pickler
    if not hasattr(base, "dispatch"):  # pragma: no cover - exotic pickle modules
        base = pickle._Pickler

    class _EmberPickler(base):
        dispatch = dict(base.dispatch)

        def __init__(self, file, protocol, collector, legacy):
            super().__init__(file, protocol=protocol)
            self._collector = collector
            self._legacy = legacy
            self._Tensor = _tensor_class()
            self._Param = _parameter_class()
            self._Size = _size_class()
            self._layouts = {id(o): n for o, n in _layouts().items()}

        def persistent_id(self, obj):
            if type(obj) is _StorageRef:
                return obj.pid(self._legacy)
            return None

        def save_global(self, obj, name=None):
            # an ember class (a whole pickled model's nn.Conv2d, an optimizer) is written by
            # its torch name, so real torch can load the file; ember's loader maps it back
            mod = getattr(obj, "__module__", None) or ""
            qual = getattr(obj, "__qualname__", "")
            if (name is None and isinstance(obj, type) and "<" not in qual
                    and (mod == "ember" or mod.startswith("ember."))):
                self.save(_TorchGlobal(_TORCH_MODULE_OF.get((mod, qual), "torch" + mod[5:]), qual))
                return
            super().save_global(obj, name)

        def reducer_override(self, obj):
            t = type(obj)
            if t is device:
                args = (obj.type,) if obj.index is None else (obj.type, obj.index)
                return _TORCH_DEVICE, args
            if t is self._Size:
                return _TORCH_SIZE, (tuple(int(s) for s in obj),)
            if isinstance(obj, self._Tensor):
                return self._reduce_tensor(obj)
            name = self._layouts.get(id(obj))
            if name is not None:
                return _GET_LAYOUT, (name,)
            return NotImplemented

        def _reduce_tensor(self, obj):
            Tensor = self._Tensor
            if self._Param is not None and isinstance(obj, self._Param):
                data = Tensor._wrap(obj._data, obj._dtype)
                state = {k: v for k, v in getattr(obj, "__dict__", {}).items()}
                if state:
                    return _REBUILD_PARAM_STATE, (data, obj.requires_grad, OrderedDict(), state)
                return _REBUILD_PARAM, (data, obj.requires_grad, OrderedDict())
            ref, offset, size, stride = self._collector.tensor_args(obj)
            args = (ref, offset, size, stride, bool(obj._requires_grad), OrderedDict())
            if type(obj) is Tensor:
                return _REBUILD_V2, args
            state = dict(getattr(obj, "__dict__", {}))
            return _REBUILD_FROM_TYPE, (_REBUILD_V2, type(obj), args, state)

    def save_torch_global(self, obj):
        if self.proto >= 4:
            self.save(obj.module)
            self.save(obj.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + obj.module.encode("utf-8") + b"\n" +
                       obj.name.encode("utf-8") + b"\n")
        self.memoize(obj)

    def save_dtype(self, obj):  # torch pickles a dtype as the bare global torch.<name>
        save_torch_global(self, _TorchGlobal("torch", obj.name))

    _EmberPickler.dispatch[_TorchGlobal] = save_torch_global
    _EmberPickler.dispatch[D.dtype] = save_dtype
    return _EmberPickler


def _pickle_obj(obj, pickle_module, protocol, legacy):
    collector = _StorageCollector()
    buf = io.BytesIO()
    P = _make_pickler_class(pickle_module)
    P(buf, protocol, collector, legacy).dump(obj)
    return buf.getvalue(), collector


def _archive_name(path):
    base = os.path.basename(path)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    try:
        stem.encode("ascii")
    except UnicodeEncodeError:
        return "archive"  # torch writes through a Python stream for non-ascii names
    return stem or "archive"


def _write_zip(fileobj, archive_name, data_pkl, collector, disable_byteorder):
    w = _ZipWriter(fileobj, archive_name)
    w.write_record("data.pkl", data_pkl)
    w.write_record(".format_version", "1")
    w.write_record(".storage_alignment", str(_ALIGNMENT))
    if not disable_byteorder:
        w.write_record("byteorder", sys.byteorder)
    for ref in collector.ordered:
        w.write_record(f"data/{ref.key}", ref.data)
    w.write_record("version", _FORMAT_VERSION + "\n")
    w.finish()


def _write_legacy(fileobj, data_pkl, collector, pickle_module, protocol):
    def dump(x):
        fileobj.write(pickle.dumps(x, protocol=protocol))
    dump(MAGIC_NUMBER)
    dump(PROTOCOL_VERSION)
    dump({"protocol_version": PROTOCOL_VERSION, "little_endian": sys.byteorder == "little",
          "type_sizes": {"short": 2, "int": 4, "long": 4}})
    fileobj.write(data_pkl)
    dump([ref.key for ref in collector.ordered])
    for ref in collector.ordered:
        fileobj.write(struct.pack("<q", ref.numel))
        data = ref.data
        mv = memoryview(np.ascontiguousarray(data).reshape(-1).view(np.uint8))
        for i in range(0, mv.nbytes, _CHUNK):
            fileobj.write(mv[i:i + _CHUNK])


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save an object (tensors, state dicts, containers, whole modules) to a file, as torch.save.

    The file is PyTorch's own format: ``torch.load(path, weights_only=True)`` reads state
    dicts and containers of tensors written by ember, and ``ember.load`` reads them back.
    Tensors that view the same array are stored once and stay views of one array after
    loading. Saving to a path is atomic: the data goes to a temporary file in the same
    directory which replaces ``f`` only once complete, so an interrupted save never leaves a
    partial file and never destroys the previous one.

    Args:
        obj (object): what to save.
        f (str, os.PathLike or file object): a path, or a writable binary file object.
        pickle_module (module): module used for pickling metadata and objects
            (default ``pickle``).
        pickle_protocol (int): pickle protocol (default 2, as torch).
        _use_new_zipfile_serialization (bool): ``False`` writes the legacy pre-zip format.
        _disable_byteorder_record (bool): leave out the ``byteorder`` record.

    Example::

        >>> import io
        >>> x = ember.tensor([1., 2., 3.])
        >>> buf = io.BytesIO()
        >>> ember.save({"x": x, "step": 3}, buf)
        >>> _ = buf.seek(0)
        >>> ember.load(buf)["step"]
        3
    """
    if not _is_path(f) and not callable(getattr(f, "write", None)):
        raise AttributeError(f"Buffer of {str(type(f)).strip('<>')} has no callable "
                             "attribute 'write'")
    legacy = not _use_new_zipfile_serialization
    # pickle everything first: a pickling error leaves no output at all
    data_pkl, collector = _pickle_obj(obj, pickle_module, pickle_protocol, legacy)

    def write(fileobj, archive):
        if legacy:
            _write_legacy(fileobj, data_pkl, collector, pickle_module, pickle_protocol)
        else:
            _write_zip(fileobj, archive, data_pkl, collector, _disable_byteorder_record)

    if not _is_path(f):
        write(f, "archive")
        return
    path = os.fspath(f)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    _atomic_write(path, lambda fo: write(fo, _archive_name(path)))


def _atomic_write(path, writer):
    parent = os.path.dirname(path) or "."
    base = os.path.basename(path)
    tmp = os.path.join(parent, f".{base}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fo:
            writer(fo)
            fo.flush()
            os.fsync(fo.fileno())
        if os.path.exists(path):
            with contextlib.suppress(OSError):
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            dfd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)


# ============================================================================ loading
def _file_label(f):
    if _is_path(f):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    if isinstance(name, str):
        return repr(name)
    return f"<{type(f).__name__}>"


class _ZipReader:
    """Validated access to the records of a torch zip checkpoint."""

    def __init__(self, fileobj, size, mm=None):
        self.zf = zipfile.ZipFile(fileobj)
        self.size = size
        self.mm = mm
        names = self.zf.namelist()
        if not names:
            raise CheckpointError("archive does not contain any files")
        first = names[0]
        if "/" not in first:
            raise CheckpointError(f"file in archive is not in a subdirectory: {first}")
        self.prefix = first.split("/", 1)[0] + "/"
        self.infos = {}
        for info in self.zf.infolist():
            if info.filename.startswith(self.prefix):
                self.infos[info.filename[len(self.prefix):]] = info
        for rec, info in self.infos.items():
            if info.compress_type != zipfile.ZIP_STORED:
                raise CheckpointError(f"record {rec!r} is compressed; checkpoints store "
                                      "records uncompressed")
            if info.compress_size != info.file_size:
                raise CheckpointError(f"record {rec!r} has inconsistent sizes")
            if info.header_offset + 30 + info.file_size > size:
                raise CheckpointError(f"record {rec!r} extends beyond the end of the file")
            if info.flag_bits & 0x1:
                raise CheckpointError(f"record {rec!r} is encrypted")

    def has(self, name):
        return name in self.infos

    def size_of(self, name):
        return self.infos[name].file_size

    def read(self, name):
        info = self.infos.get(name)
        if info is None:
            raise CheckpointError(f"record {self.prefix + name!r} is missing")
        return self.zf.read(info)

    def read_array(self, name):
        """Record ``name`` as a new writable uint8 ndarray (read in chunks, CRC checked)."""
        info = self.infos[name]
        out = np.empty(info.file_size, np.uint8)
        if info.compress_type == zipfile.ZIP_STORED and hasattr(self.zf.fp, "readinto"):
            # the common case (torch stores records uncompressed): one read straight into the
            # array, then one CRC over it
            self.zf.fp.seek(self.data_offset(name))
            if self.zf.fp.readinto(memoryview(out)) != info.file_size:
                raise CheckpointError(f"record {self.prefix + name!r} is truncated")
            if zlib.crc32(out) != info.CRC:
                raise CheckpointError(f"record {self.prefix + name!r} is corrupt (CRC mismatch)")
            return out
        mv = memoryview(out)
        with self.zf.open(info) as fh:
            pos = 0
            while pos < info.file_size:
                chunk = fh.read(min(_CHUNK, info.file_size - pos))
                if not chunk:
                    raise CheckpointError(f"record {self.prefix + name!r} is truncated")
                mv[pos:pos + len(chunk)] = chunk
                pos += len(chunk)
            if fh.read(1):
                raise CheckpointError(f"record {self.prefix + name!r} is longer than stated")
        return out

    def data_offset(self, name):
        info = self.infos[name]
        self.zf.fp.seek(info.header_offset)
        hdr = self.zf.fp.read(30)
        if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
            raise CheckpointError(f"bad local header for record {name!r}")
        fnlen, extlen = struct.unpack("<HH", hdr[26:30])
        off = info.header_offset + 30 + fnlen + extlen
        if off + info.file_size > self.size:
            raise CheckpointError(f"record {name!r} extends beyond the end of the file")
        return off


def _load_zip(fileobj, size, map_location, pickle_module, weights_only, load_args, mm):
    zr = _ZipReader(fileobj, size, mm)
    if zr.has("constants.pkl") or zr.has("code/__torch__.py") and not zr.has("data.pkl"):
        raise _passthrough(RuntimeError(
            "This is a TorchScript archive (torch.jit.save); ember.load reads torch.save "
            "checkpoints only."))
    if not (zr.has("version") or zr.has(".data/version")):
        raise CheckpointError("the archive has no 'version' record")
    ver = zr.read("version" if zr.has("version") else ".data/version").strip()
    if not ver.isdigit():
        raise CheckpointError(f"invalid archive version {ver[:20]!r}")
    byteorder = "little"
    if zr.has("byteorder"):
        byteorder = zr.read("byteorder").decode("ascii", "replace")
        if byteorder not in ("little", "big"):
            raise CheckpointError(f"Unknown endianness type: {byteorder}")
    restore = _restore_fn(map_location)
    loaded = {}

    def persistent_load(pid):
        tag = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if tag != "storage" or len(pid) != 5:
            raise CheckpointError(f"invalid storage persistent id {pid!r}")
        _, storage_type, key, location, numel = pid
        if not isinstance(storage_type, _StorageType):
            raise CheckpointError(f"invalid storage type {storage_type!r}")
        if isinstance(location, bytes):
            location = location.decode("ascii")
        if type(key) is not str or type(location) is not str:
            raise CheckpointError(f"invalid storage key/location {key!r}, {location!r}")
        if type(numel) is not int or numel < 0:
            raise CheckpointError(f"invalid storage size {numel!r}")
        dt = storage_type.dtype
        if key in loaded:
            return loaded[key]
        _require_supported(dt)
        name = f"data/{key}"
        if not zr.has(name):
            raise CheckpointError(f"storage record {zr.prefix + name!r} is missing")
        nbytes = numel * _TORCH_ITEMSIZE[dt.name]
        have = zr.size_of(name)
        if have != nbytes:
            raise CheckpointError(
                f"storage record {zr.prefix + name!r} holds {have} bytes, but the tensor "
                f"metadata says {numel} elements of {dt!r} ({nbytes} bytes)")
        if mm is not None:
            off = zr.data_offset(name)
            buf = memoryview(mm)[off:off + nbytes]
            host = _bytes_to_array(buf, dt.name, byteorder, copy=False)
        else:
            host = _bytes_to_array(zr.read_array(name), dt.name, byteorder, copy=False)
        storage = restore(_Storage(host, dt), location)
        loaded[key] = storage
        return storage

    data = io.BytesIO(zr.read("data.pkl"))
    outer, _DEFERRED.tensors = _DEFERRED.tensors, None  # zip storages are filled up front
    try:
        if weights_only:
            return _WeightsUnpickler(data, persistent_load,
                                     encoding=load_args.get("encoding", "utf-8")).load()
        U = _full_unpickler_class(pickle_module)
        return U(data, persistent_load, **load_args).load()
    finally:
        _DEFERRED.tensors = outer


def _load_legacy(f, size, map_location, pickle_module, weights_only, load_args):
    start = f.tell()
    end_of_file = start + size
    head = f.read(512)
    f.seek(start)
    if len(head) >= 262 and head[257:262] == b"ustar":
        raise CheckpointError("this is the legacy tar checkpoint format of PyTorch < 0.4, "
                              "which ember does not read; re-save it with a current PyTorch")

    def plain(fileobj):
        try:
            return _WeightsUnpickler(fileobj, _no_persistent).load()
        except UnpicklingError:
            raise CheckpointError("not a zip archive and no legacy header") from None

    magic = plain(f)
    if magic != MAGIC_NUMBER:
        raise CheckpointError("Invalid magic number; corrupt file?")
    proto = plain(f)
    if proto != PROTOCOL_VERSION:
        raise CheckpointError(f"Invalid protocol version: {proto!r}")
    plain(f)  # sys_info
    restore = _restore_fn(map_location)
    roots = {}       # key -> (host array to fill, dtype)
    loaded = {}      # key (root or view) -> restored storage
    budget = [end_of_file - f.tell()]

    # The storages' bytes follow the pickle: allocate them now (sizes checked against what
    # the file can hold), fill them after unpickling.
    def persistent_load(pid):
        tag = pid[0].decode("ascii") if isinstance(pid[0], bytes) else pid[0]
        if tag != "storage" or len(pid) != 6:
            raise CheckpointError(f"invalid storage persistent id {pid!r}")
        _, storage_type, root_key, location, numel, view_metadata = pid
        if not isinstance(storage_type, _StorageType):
            raise CheckpointError(f"invalid storage type {storage_type!r}")
        if isinstance(location, bytes):
            location = location.decode("ascii")
        if type(root_key) is not str or type(location) is not str or type(numel) is not int \
                or numel < 0:
            raise CheckpointError(f"invalid storage persistent id {pid!r}")
        dt = _require_supported(storage_type.dtype)
        if root_key not in loaded:
            nbytes = numel * _TORCH_ITEMSIZE[dt.name]
            if nbytes > budget[0]:
                raise CheckpointError(f"storage {root_key!r} of {numel} elements is larger "
                                      "than the rest of the file")
            budget[0] -= nbytes
            host = np.empty(numel, dtype=dt.np)
            roots[root_key] = (host, dt)
            loaded[root_key] = restore(_Storage(host, dt), location)
        storage = loaded[root_key]
        if view_metadata is not None:
            if not (isinstance(view_metadata, tuple) and len(view_metadata) == 3):
                raise CheckpointError(f"invalid storage view {view_metadata!r}")
            view_key, offset, view_size = view_metadata
            if not (type(offset) is int and type(view_size) is int and offset >= 0
                    and view_size >= 0 and offset + view_size <= storage.size()):
                raise CheckpointError(f"invalid storage view {view_metadata!r}")
            if view_key not in loaded:
                loaded[view_key] = _Storage(storage._host[offset:offset + view_size],
                                            storage.dtype, storage.device)
            storage = loaded[view_key]
        return storage

    outer, _DEFERRED.tensors = _DEFERRED.tensors, []
    deferred = _DEFERRED.tensors
    try:
        if weights_only:
            result = _WeightsUnpickler(f, persistent_load,
                                       encoding=load_args.get("encoding", "utf-8")).load()
        else:
            U = _full_unpickler_class(pickle_module)
            result = U(f, persistent_load, **load_args).load()
    finally:
        _DEFERRED.tensors = outer
    keys = plain(f)
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise CheckpointError("invalid storage key list")
    for k in keys:
        if k not in roots:
            raise CheckpointError(f"storage {k!r} is listed but never used")
        host, dt = roots[k]
        hdr = f.read(8)
        if len(hdr) != 8:
            raise CheckpointError(f"storage {k!r} is truncated")
        (numel,) = struct.unpack("<q", hdr)
        if numel != host.shape[0]:
            raise CheckpointError(f"storage {k!r} holds {numel} elements, but the tensor "
                                  f"metadata says {host.shape[0]}")
        nbytes = numel * _TORCH_ITEMSIZE[dt.name]
        raw = f.read(nbytes)
        if len(raw) != nbytes:
            raise CheckpointError(f"storage {k!r} is truncated")
        host[...] = _bytes_to_array(raw, dt.name)
    missing = set(roots) - set(keys)
    if missing:
        raise CheckpointError(f"storage {sorted(missing)[0]!r} has no data in the file")
    _apply_deferred(deferred)
    return result


def _no_persistent(pid):
    raise CheckpointError("unexpected persistent id in checkpoint header")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load an object saved with :func:`ember.save` or ``torch.save``, as torch.load.

    Reads PyTorch's zip format (any dtype ember has, shared storages, strided views,
    ``OrderedDict`` with ``_metadata``, ``Parameter``, ``torch.Size``, ...) and the legacy
    pre-zip format. Files ending in ``.safetensors`` are read with :func:`load_safetensors`.

    With ``weights_only=True`` (the default) only tensors, containers, numbers, strings,
    dtypes, devices, ``Size`` and globals added with :func:`add_safe_globals` can come out
    of the file; nothing else is ever called. Use ``weights_only=False`` only for files you
    trust (e.g. a whole pickled module).

    Args:
        f (str, os.PathLike or file object): the file (file objects need read/seek/tell).
        map_location (str, ember.device, dict or callable, optional): where storages go:
            a device for all of them, a dict remapping saved locations
            (``{'cuda:1': 'cuda:0'}``), or ``fn(storage, location)`` returning a storage or
            None. Default: the device each storage was saved from.
        pickle_module (module, optional): unpickler module, only with ``weights_only=False``.
        weights_only (bool): restrict unpickling to tensors and plain data (default True).
        mmap (bool, optional): map the file's storages instead of reading them (zip files
            given by path only).
        **pickle_load_args: e.g. ``encoding='latin1'`` for files saved by Python 2.

    Raises:
        CheckpointError: the file is truncated, damaged or not a checkpoint.
        UnpicklingError: ``weights_only=True`` refused a global or call in the file.
        RuntimeError: a storage is on a CUDA device and CUDA is unavailable (use
            ``map_location``).

    Example::

        >>> import io
        >>> buf = io.BytesIO()
        >>> ember.save({"w": ember.ones(2)}, buf)
        >>> _ = buf.seek(0)
        >>> ember.load(buf, map_location="cpu")["w"]
        tensor([1., 1.])
    """
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    if pickle_module is None:
        pickle_module = pickle
    load_args = dict(pickle_load_args)
    load_args.setdefault("encoding", "utf-8")
    if weights_only and set(load_args) - {"encoding"}:
        import warnings
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    label = _file_label(f)
    _restore_fn(map_location)  # reject a bad map_location before touching the file
    if _is_path(f) and os.fsdecode(os.fspath(f)).endswith(".safetensors"):
        if isinstance(map_location, dict) or (callable(map_location)
                                               and not isinstance(map_location, device)):
            raise RuntimeError("Loading safetensors file with dict or callable map_location "
                               "is not supported. Use a device string or ember.device instead.")
        return load_safetensors(f, device=_loc_str(map_location) if map_location else "cpu")
    with contextlib.ExitStack() as stack:
        if _is_path(f):
            fileobj = stack.enter_context(open(f, "rb"))
        else:
            fileobj = f
            for attr in ("read", "seek", "tell"):
                if not callable(getattr(f, attr, None)):
                    raise AttributeError(f"ember.load needs a file object with '{attr}' "
                                         f"(got {type(f).__name__})")
        try:
            return _load_opened(fileobj, f, stack, map_location, pickle_module, weights_only,
                                load_args, mmap)
        except (CheckpointError, UnpicklingError) as e:
            if isinstance(e, CheckpointError) and not getattr(e, "_labelled", False):
                err = CheckpointError(f"Failed to load checkpoint {label}: {e}. The file is "
                                      "truncated, damaged or not a PyTorch/ember checkpoint.")
                err._labelled = True
                raise err from None
            raise
        except Exception as e:
            if getattr(e, "_ember_passthrough", False):
                raise
            if not weights_only and not isinstance(
                    e, (pickle.UnpicklingError, EOFError, zipfile.BadZipFile, struct.error,
                        ValueError, KeyError, IndexError)):
                raise  # user code run by a trusted pickle: its own error
            err = CheckpointError(f"Failed to load checkpoint {label}: "
                                  f"{type(e).__name__}: {e}. The file is truncated, damaged "
                                  "or not a PyTorch/ember checkpoint.")
            err._labelled = True
            raise err from e


def _load_opened(fileobj, f, stack, map_location, pickle_module, weights_only, load_args,
                 mmap):
    start = fileobj.tell()
    fileobj.seek(0, 2)
    size = fileobj.tell() - start
    fileobj.seek(start)
    head = fileobj.read(4)
    fileobj.seek(start)
    if not head:
        raise CheckpointError("the file is empty")
    if head == b"PK\x03\x04":
        mm = None
        if mmap:
            if not _is_path(f):
                raise _passthrough(ValueError(
                    "f must be a file path in order to use the mmap argument"))
            if size:
                mm = _mmap.mmap(fileobj.fileno(), 0, access=_mmap.ACCESS_COPY)
        sub = fileobj if start == 0 else _OffsetFile(fileobj, start, size)
        return _load_zip(sub, size, map_location, pickle_module, weights_only, load_args, mm)
    if mmap:
        raise _passthrough(RuntimeError(
            "mmap can only be used with files saved with "
            "`ember.save(_use_new_zipfile_serialization=True)`, please ember.save your "
            "checkpoint with this option in order to use mmap."))
    return _load_legacy(fileobj, size, map_location, pickle_module, weights_only, load_args)


class _OffsetFile(io.RawIOBase):
    """A read-only window onto a file object starting at ``start`` (zip at a non-zero
    position of a buffer)."""

    def __init__(self, f, start, size):
        self._f, self._start, self._size = f, start, size

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, pos, whence=0):
        if whence == 0:
            p = pos
        elif whence == 1:
            p = self._f.tell() - self._start + pos
        else:
            p = self._size + pos
        self._f.seek(self._start + p)
        return p

    def tell(self):
        return self._f.tell() - self._start

    def read(self, n=-1):
        return self._f.read(n)

    def readinto(self, b):
        data = self._f.read(len(b))
        b[:len(data)] = data
        return len(data)


# ============================================================================ safetensors
_ST_NAMES = {"float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16",
             "int64": "I64", "int32": "I32", "int16": "I16", "int8": "I8", "uint8": "U8",
             "bool": "BOOL", "complex64": "C64"}
_ST_FROM = {v: k for k, v in _ST_NAMES.items()}


def _import_safetensors():
    try:
        import safetensors
        import safetensors.numpy  # noqa: F401
    except ImportError:
        raise ImportError('safetensors support needs the safetensors package: '
                          'pip install "ember[safetensors]"') from None
    return safetensors


def save_safetensors(tensors, path, metadata=None):
    """Save a dict of tensors to a ``.safetensors`` file (the ``safetensors`` format).

    Needs the optional ``safetensors`` package (``pip install "ember[safetensors]"``).
    Tensors are written contiguous; shared memory is not preserved (safetensors has no
    views). bfloat16 is written as real 16-bit bfloat16.

    Args:
        tensors (dict[str, Tensor]): name -> tensor.
        path (str or os.PathLike): file to write.
        metadata (dict[str, str], optional): free-form text metadata for the header.

    Example::

        >>> ember.serialization.save_safetensors({"w": ember.ones(2)}, "w.safetensors")  # doctest: +SKIP
    """
    st = _import_safetensors()
    Tensor = _tensor_class()
    if not isinstance(tensors, dict):
        raise TypeError(f"save_safetensors expects a dict of tensors, got {type(tensors).__name__}")
    plain, special = {}, {}
    for k, t in tensors.items():
        if not isinstance(k, str):
            raise TypeError(f"safetensors keys must be str, got {k!r}")
        if not isinstance(t, Tensor):
            raise TypeError(f"safetensors values must be tensors, got {type(t).__name__} "
                            f"for {k!r}")
        name = t._dtype.name
        if name not in _ST_NAMES:
            raise TypeError(f"safetensors has no {t._dtype!r} (tensor {k!r}); convert it "
                            "first, e.g. t.to(ember.complex64)")
        arr = t._data if isinstance(t._data, np.ndarray) else get_xp(t._data).asnumpy(t._data)
        arr = np.asarray(arr, order="C")
        if name == "bfloat16":
            special[k] = (_bf16_bits(arr).reshape(arr.shape), list(arr.shape))
        else:
            plain[k] = arr
    if not special:
        st.numpy.save_file(plain, os.fspath(path), metadata=metadata)
        return
    keep = []
    flat = {}
    for k, arr in plain.items():
        if not arr.dtype.isnative or arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        keep.append(arr)
        flat[k] = (arr.dtype.name if arr.dtype != np.bool_ else "bool", list(arr.shape), arr)
    for k, (bits, shape) in special.items():
        keep.append(bits)
        flat[k] = ("bfloat16", shape, bits)
    if hasattr(st, "TensorSpec"):
        specs = {k: st.TensorSpec(dtype=d, shape=s, data_ptr=a.ctypes.data, data_len=a.nbytes)
                 for k, (d, s, a) in flat.items()}
    else:  # older safetensors: plain dicts with the bytes
        specs = {k: {"dtype": d, "shape": s, "data": a.tobytes()} for k, (d, s, a) in flat.items()}
    st.serialize_file(specs, os.fspath(path), metadata=metadata)
    del keep


def load_safetensors(path, device="cpu"):
    """Load a ``.safetensors`` file into a dict of ember tensors.

    Needs the optional ``safetensors`` package (``pip install "ember[safetensors]"``).

    Args:
        path (str or os.PathLike): the file.
        device (str or ember.device): where the tensors go (default ``'cpu'``).

    Example::

        >>> d = ember.serialization.load_safetensors("w.safetensors")  # doctest: +SKIP
    """
    st = _import_safetensors()
    Tensor = _tensor_class()
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        items = st.deserialize(data)
    except Exception as e:
        raise CheckpointError(f"Failed to load safetensors file {os.fspath(path)!r}: {e}") from e
    out = {}
    dev = _loc_str(device)
    for k, info in items:
        code = info["dtype"]
        if code not in _ST_FROM:
            raise RuntimeError(f"safetensors dtype {code} (tensor {k!r}) is not supported by "
                               "ember")
        name = _ST_FROM[code]
        arr = _bytes_to_array(bytes(info["data"]), name).reshape(info["shape"])
        t = Tensor._wrap(arr, D._BY_NAME[name])
        if dev != "cpu":
            t = t.to(dev)
        out[k] = t
    return out


save_file = save_safetensors
load_file = load_safetensors
