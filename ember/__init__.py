"""ember: PyTorch's public API in readable Python on NumPy (CPU) and CuPy (CUDA).

Write ordinary PyTorch code against ``ember`` (or run a torch script unchanged with
``python -m ember run script.py``)::

    import ember as torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    print(x.grad)   # tensor([2., 4.])
"""
__version__ = "2.5.0+ember0.1.0"  # the torch API version ember follows, and ember's own

from . import _malloc  # noqa: F401  (glibc malloc thresholds, see its docstring)
from . import _dtype
from ._dtype import (dtype, float16, bfloat16, float32, float64, complex64, complex128, int8,
                     int16, int32, int64, uint8, promote_types, result_type, can_cast,
                     get_default_dtype, set_default_dtype)
from ._dtype import bool  # noqa: A004  (torch's name)
from ._device import device
from ._tensor import Tensor, Size
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                 is_grad_enabled, is_inference_mode_enabled)
from . import autograd
from .autograd.anomaly_mode import (is_anomaly_enabled, is_anomaly_check_nan_enabled,
                                    set_anomaly_enabled)
from . import functions as _functions
from . import _methods  # noqa: F401  (attaches Tensor methods)
from .functions import *  # noqa: F401,F403
from .functions import (abs, all, any, max, min, sum, round, pow, complex,  # noqa: A004
                        tensor, as_tensor, from_numpy)
from .random import (Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state,
                     default_generator)
from ._tensor_str import set_printoptions, get_printoptions  # noqa: F401
from ._threads import (set_num_threads, get_num_threads, set_num_interop_threads,
                       get_num_interop_threads)

from ._legacy import CPU_TYPES as _CPU_TYPES

globals().update(_CPU_TYPES)  # FloatTensor, LongTensor, ... (legacy constructors)

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128
chalf = complex64
uint16 = uint32 = uint64 = None


class _Layout:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


strided = _Layout("strided")
sparse_coo = _Layout("sparse_coo")


class _MemoryFormat(_Layout):
    pass


layout, memory_format = _Layout, _MemoryFormat  # the types of ember.strided, ember.channels_last
contiguous_format = _MemoryFormat("contiguous_format")
channels_last = _MemoryFormat("channels_last")
channels_last_3d = _MemoryFormat("channels_last_3d")
preserve_format = _MemoryFormat("preserve_format")

import math as _math

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan

__all__ = list(_functions.__all__) + [
    "dtype", "device", "Tensor", "Size", "Generator", "no_grad", "enable_grad",
    "set_grad_enabled", "inference_mode", "is_grad_enabled", "manual_seed", "seed",
    "initial_seed", "get_rng_state", "set_rng_state", "promote_types", "result_type",
    "can_cast", "get_default_dtype", "set_default_dtype", "set_printoptions", "autograd",
    "set_num_threads", "get_num_threads", "set_num_interop_threads", "get_num_interop_threads"]

# lazily imported subpackages and heavier names (keeps `import ember` fast)
_LAZY_MODULES = {"nn", "optim", "utils", "linalg", "cuda", "backends", "distributed", "vision",
                 "serialization", "hub", "special", "fft", "testing", "compat", "multiprocessing",
                 "accelerator", "version", "jit", "amp", "mps", "overrides", "types", "onnx",
                 "distributions", "profiler", "futures", "library", "func", "compiler",
                 "_dynamo", "cpu"}
_LAZY_ATTRS = {"save": "serialization", "load": "serialization", "compile": "_compile",
               "vmap": "func"}
# torch.autocast and the autocast state functions live in ember.amp
_LAZY_ATTRS.update(dict.fromkeys((
    "autocast", "is_autocast_enabled", "set_autocast_enabled", "get_autocast_dtype",
    "set_autocast_dtype", "is_autocast_cpu_enabled", "set_autocast_cpu_enabled",
    "get_autocast_cpu_dtype", "set_autocast_cpu_dtype", "get_autocast_gpu_dtype",
    "set_autocast_gpu_dtype", "is_autocast_cache_enabled", "set_autocast_cache_enabled",
    "clear_autocast_cache", "autocast_increment_nesting", "autocast_decrement_nesting"),
    "amp.autocast_mode"))


def __getattr__(name):
    import importlib
    if name in _LAZY_MODULES:
        try:
            mod = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                raise AttributeError(f"ember does not implement torch.{name} yet") from None
            raise
        globals()[name] = mod
        return mod
    if name in _LAZY_ATTRS:
        mod = importlib.import_module(f".{_LAZY_ATTRS[name]}", __name__)
        val = getattr(mod, name)
        globals()[name] = val
        return val
    raise AttributeError(f"ember does not implement torch.{name} yet")


def __dir__():
    # dir(torch) lists nn, optim, cuda, save, load ... too: add the lazy names that exist
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    present = {n for n in _LAZY_MODULES
               if os.path.exists(os.path.join(here, n)) or os.path.exists(os.path.join(here, n + ".py"))}
    return sorted(set(globals()) | present | set(_LAZY_ATTRS))
