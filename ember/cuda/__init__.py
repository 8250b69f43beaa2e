"""``ember.cuda``: torch.cuda on top of CuPy.

CUDA tensors hold CuPy arrays; every op runs on them through the array module ``xp``
(``ember._device.get_xp``), so there is no GPU-specific op code. This module gives torch's
device-management API: availability, device selection, properties, synchronisation, memory
statistics, seeding, events and streams.

CuPy is optional (``pip install "ember[cuda]"``) and imported only when a CUDA function
actually needs it: ``import ember`` never touches it, and :func:`is_available` answers
``False`` quickly (and never raises) when CuPy or a GPU driver is missing.

Example::

    >>> import ember
    >>> device = "cuda" if ember.cuda.is_available() else "cpu"
    >>> x = ember.ones(3, device=device)
"""
import importlib.util
import sys

import numpy as np

from .. import _device as _dm
from .._device import device as _device_cls
from .._legacy import CUDA_TYPES as _CUDA_TYPES
from ..random import Generator as _Generator, _DEFAULT_SEED

__all__ = [
    "is_available", "device_count", "current_device", "set_device", "device", "device_of",
    "get_device_name", "get_device_properties", "get_device_capability", "synchronize",
    "memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved",
    "reset_peak_memory_stats", "reset_max_memory_allocated", "empty_cache", "mem_get_info",
    "manual_seed", "manual_seed_all", "seed", "seed_all", "initial_seed", "get_rng_state",
    "set_rng_state", "get_rng_state_all", "set_rng_state_all", "Event", "Stream",
    "StreamContext", "stream", "current_stream", "default_stream", "set_stream",
    "is_initialized", "init", "is_bf16_supported", "get_arch_list",
] + list(_CUDA_TYPES)

globals().update(_CUDA_TYPES)  # ember.cuda.FloatTensor ...

_NOT_COMPILED = ('Torch not compiled with CUDA enabled: ember needs CuPy for CUDA tensors; '
                 'install it with pip install "ember[cuda]" (or use device="cpu")')
_NO_DRIVER = ("Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU "
              "and installed a driver from http://www.nvidia.com/Download/index.aspx")
_NO_GPUS = "No CUDA GPUs are available"

_probe_cache = [None]      # (available, reason) for real CuPy, computed once
_init_done = [False]
_peak = {}                 # device index -> [peak allocated, peak reserved]


# ============================================================================ availability


def _fake_backend():
    """The fake backend module when tests installed it, else None."""
    m = _dm._cuda_module[0]
    return m if m is not None and getattr(m, "_ember_fake", False) else None


def _probe():
    """(available, error to raise when not) for real CuPy; cached."""
    if _probe_cache[0] is None:
        result = (False, AssertionError(_NOT_COMPILED))
        try:
            if importlib.util.find_spec("cupy") is not None:
                import cupy
                try:
                    n = cupy.cuda.runtime.getDeviceCount()
                    result = (True, None) if n > 0 else (False, RuntimeError(_NO_GPUS))
                except Exception:
                    result = (False, RuntimeError(_NO_DRIVER))
        except Exception:  # a broken CuPy install counts as no CUDA
            pass
        _probe_cache[0] = result
    return _probe_cache[0]


def is_available():
    """Whether CUDA can be used: CuPy is installed and sees at least one GPU.

    Never raises; the answer is computed once and cached (it costs nothing when CuPy is not
    installed).

    Returns:
        bool

    Example::

        >>> device = "cuda" if ember.cuda.is_available() else "cpu"
    """
    fake = _fake_backend()
    if fake is not None:
        return fake.cuda.runtime.getDeviceCount() > 0
    return _probe()[0]


def _xp():
    """The CUDA array module (cupy, or the test stand-in)."""
    return _dm._cuda_xp()


def _lazy_init():
    """Initialise CUDA on first use; raise torch's error when it cannot be used."""
    if _init_done[0]:
        return
    if not is_available():
        err = _probe()[1] if _fake_backend() is None else RuntimeError(_NO_GPUS)
        raise type(err)(*err.args)
    xp = _dm._cuda_module[0]
    if xp is None:
        import cupy as xp
        _dm._cuda_module[0] = xp
    _init_done[0] = True
    _install_peak_tracker(xp)


def _install_peak_tracker(xp):
    """Route CuPy's allocations through the default pool while noting peak usage (CuPy keeps
    no peak statistics of its own; torch's max_memory_allocated needs them)."""
    pool = xp.get_default_memory_pool()
    rt = xp.cuda.runtime

    def malloc(size):
        mem = pool.malloc(size)
        st = _peak.setdefault(rt.getDevice(), [0, 0])
        used, total = pool.used_bytes(), pool.total_bytes()
        if used > st[0]:
            st[0] = used
        if total > st[1]:
            st[1] = total
        return mem

    xp.cuda.set_allocator(malloc)


def _reset_state():
    """Forget initialisation (used when the test backend is switched on or off)."""
    _init_done[0] = False
    _peak.clear()
    _generators.clear()


def init():
    """Initialise CUDA now (it otherwise happens on first use). Raises when CUDA is missing.

    Example::

        >>> if ember.cuda.is_available(): ember.cuda.init()
    """
    _lazy_init()


def is_initialized():
    """Whether CUDA has been initialised in this process.

    Example::

        >>> ember.cuda.is_initialized() in (True, False)
        True
    """
    return _init_done[0]


def _initialized():
    """Whether ``ember.manual_seed`` should seed the CUDA generators too.

    Always True: ember keeps the CUDA generators on the host, so seeding them never needs the
    GPU (torch defers the seeding until CUDA starts; the effect is the same).
    """
    return True


# ============================================================================ devices


def _get_device_index(device, optional=True):
    """torch's ``_get_device_index``: int / 'cuda:N' / ember.device / None -> an index."""
    if device is None:
        return current_device() if optional else -1
    if isinstance(device, str):
        device = _device_cls(device)
    if isinstance(device, _device_cls):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        return device.index if device.index is not None else (
            current_device() if optional else -1)
    if isinstance(device, (int, np.integer)) and not isinstance(device, bool):
        return int(device)
    raise ValueError(f"Expected a torch.device with a specified index or an integer, but got:"
                     f"{device}")


def _checked_index(device):
    _lazy_init()
    idx = _get_device_index(device)
    n = device_count()
    if not 0 <= idx < n:
        raise AssertionError("Invalid device id")
    return idx


def device_count():
    """The number of GPUs CuPy sees (0 without CUDA).

    Example::

        >>> ember.cuda.device_count() >= 0
        True
    """
    if not is_available():
        return 0
    return int(_xp().cuda.runtime.getDeviceCount())


def current_device():
    """The index of the currently selected GPU.

    Example::

        >>> if ember.cuda.is_available(): index = ember.cuda.current_device()
    """
    _lazy_init()
    return int(_xp().cuda.runtime.getDevice())


def set_device(device):
    """Select the GPU that ``'cuda'`` means. Negative indices are ignored, as in torch.

    Args:
        device (int, str or ember.device): the GPU.

    Example::

        >>> if ember.cuda.is_available(): ember.cuda.set_device(0)
    """
    idx = _get_device_index(device, optional=False)
    if idx >= 0:
        _lazy_init()
        if idx:
            from .._device import MULTI_GPU
            MULTI_GPU[0] = True
        _xp().cuda.runtime.setDevice(idx)


class device:
    """Context manager that selects a GPU for its block (``with ember.cuda.device(1):``).

    Args:
        device (int, str or ember.device): the GPU; ``None`` or a negative index does nothing.

    Example::

        >>> if ember.cuda.device_count() > 1:
        ...     with ember.cuda.device(1):
        ...         x = ember.ones(2, device="cuda")   # on cuda:1
    """

    def __init__(self, device):
        self.idx = _get_device_index(device, optional=True) if device is not None else -1
        self.prev_idx = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev_idx = current_device()
            if self.prev_idx != self.idx:
                set_device(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            set_device(self.prev_idx)
        return False


class device_of(device):
    """Context manager that selects the GPU ``obj`` (a tensor) lives on; no-op for cpu tensors.

    Example::

        >>> with ember.cuda.device_of(ember.zeros(1)):
        ...     pass
    """

    def __init__(self, obj):
        idx = obj.get_device() if getattr(obj, "is_cuda", False) else -1
        super().__init__(idx)


def _current_index(device=None):
    """The index meant by ``device`` (None / 'cuda' = the current device)."""
    return _checked_index(device)


class _CudaDeviceProperties:
    """Properties of a GPU, as ``torch.cuda.get_device_properties`` returns them."""

    def __init__(self, name, total_memory, major, minor, multi_processor_count):
        self.name = name
        self.total_memory = total_memory
        self.major = major
        self.minor = minor
        self.multi_processor_count = multi_processor_count
        self.is_integrated = 0
        self.is_multi_gpu_board = 0

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // (1024 * 1024)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    """The properties of a GPU: ``name``, ``total_memory`` (bytes), ``major``, ``minor``
    (compute capability) and ``multi_processor_count``.

    Args:
        device (int, str or ember.device, optional): the GPU (default: the current one).

    Example::

        >>> if ember.cuda.is_available():
        ...     total_bytes = ember.cuda.get_device_properties(0).total_memory
    """
    idx = _current_index(device)
    p = _xp().cuda.runtime.getDeviceProperties(idx)

    def get(key):
        return p[key] if key in p else p[key.encode()]
    name = get("name")
    if isinstance(name, bytes):
        name = name.split(b"\0", 1)[0].decode()
    return _CudaDeviceProperties(name, int(get("totalGlobalMem")), int(get("major")),
                                 int(get("minor")), int(get("multiProcessorCount")))


def get_device_name(device=None):
    """The name of a GPU (e.g. ``'NVIDIA A100-SXM4-40GB'``).

    Args:
        device (int, str or ember.device, optional): the GPU (default: the current one).

    Example::

        >>> if ember.cuda.is_available(): name = ember.cuda.get_device_name()
    """
    return get_device_properties(device).name


def get_device_capability(device=None):
    """The compute capability ``(major, minor)`` of a GPU.

    Example::

        >>> if ember.cuda.is_available(): major, minor = ember.cuda.get_device_capability()
    """
    p = get_device_properties(device)
    return p.major, p.minor


def get_arch_list():
    """The CUDA architectures ember's kernels are built for: CuPy compiles for the device at
    run time, so this is ``['sm_XY']`` for each visible GPU ([] without CUDA).

    Example::

        >>> isinstance(ember.cuda.get_arch_list(), list)
        True
    """
    if not is_available():
        return []
    return sorted({"sm_%d%d" % get_device_capability(i) for i in range(device_count())})


def is_bf16_supported(including_emulation=True):
    """Whether bfloat16 works on the current GPU (ember stores bfloat16 in float32 arrays, so
    it works wherever CUDA does).

    Example::

        >>> ember.cuda.is_bf16_supported() in (True, False)
        True
    """
    if not is_available():
        return False
    return bool(including_emulation) or get_device_capability()[0] >= 8


def synchronize(device=None):
    """Wait until all queued GPU work on a device has finished.

    Args:
        device (int, str or ember.device, optional): the GPU (default: the current one).

    Example::

        >>> if ember.cuda.is_available(): ember.cuda.synchronize()
    """
    idx = _current_index(device)
    xp = _xp()
    with xp.cuda.Device(idx):
        xp.cuda.runtime.deviceSynchronize()


# ============================================================================ memory


def _stat_index(device):
    """The device to report on, or None when CUDA was never started (stats are then 0)."""
    if not _init_done[0]:
        return None
    return _checked_index(device)


def _pool_value(device, what):
    idx = _stat_index(device)
    if idx is None:
        return 0
    xp = _xp()
    with xp.cuda.Device(idx):
        pool = xp.get_default_memory_pool()
        return int(pool.used_bytes() if what == "used" else pool.total_bytes())


def memory_allocated(device=None):
    """Bytes currently occupied by tensors on a GPU (CuPy's memory pool, in 512-byte blocks).

    Args:
        device (int, str or ember.device, optional): the GPU (default: the current one).

    Example::

        >>> ember.cuda.memory_allocated() >= 0
        True
    """
    return _pool_value(device, "used")


def memory_reserved(device=None):
    """Bytes held by the caching allocator (CuPy's memory pool) on a GPU.

    Example::

        >>> ember.cuda.memory_reserved() >= 0
        True
    """
    return _pool_value(device, "total")


def max_memory_allocated(device=None):
    """The peak of :func:`memory_allocated` since start or :func:`reset_peak_memory_stats`.

    Example::

        >>> ember.cuda.max_memory_allocated() >= ember.cuda.memory_allocated()
        True
    """
    idx = _stat_index(device)
    if idx is None:
        return 0
    return max(_peak.get(idx, [0, 0])[0], memory_allocated(idx))


def max_memory_reserved(device=None):
    """The peak of :func:`memory_reserved` since start or :func:`reset_peak_memory_stats`.

    Example::

        >>> ember.cuda.max_memory_reserved() >= 0
        True
    """
    idx = _stat_index(device)
    if idx is None:
        return 0
    return max(_peak.get(idx, [0, 0])[1], memory_reserved(idx))


def reset_peak_memory_stats(device=None):
    """Start peak tracking afresh: the peaks become the current values.

    Example::

        >>> ember.cuda.reset_peak_memory_stats() if ember.cuda.is_available() else None
    """
    idx = _stat_index(device)
    if idx is None:
        return
    _peak[idx] = [memory_allocated(idx), memory_reserved(idx)]


def reset_max_memory_allocated(device=None):
    """Deprecated alias of :func:`reset_peak_memory_stats`, as in torch."""
    reset_peak_memory_stats(device)


def empty_cache():
    """Return the cached, unused GPU memory blocks (and pinned host blocks) to the driver.

    Example::

        >>> ember.cuda.empty_cache()
    """
    if not _init_done[0]:
        return
    xp = _xp()
    xp.get_default_memory_pool().free_all_blocks()
    xp.get_default_pinned_memory_pool().free_all_blocks()


def mem_get_info(device=None):
    """``(free, total)`` bytes of a GPU's memory, as the driver reports them.

    Example::

        >>> if ember.cuda.is_available(): free, total = ember.cuda.mem_get_info()
    """
    idx = _current_index(device)
    xp = _xp()
    with xp.cuda.Device(idx):
        free, total = xp.cuda.runtime.memGetInfo()
    return int(free), int(total)


# ============================================================================ pinned memory


def _pin_array(arr):
    """A page-locked host copy of the NumPy array ``arr``."""
    _lazy_init()
    xp = _xp()
    mem = xp.cuda.alloc_pinned_memory(max(arr.nbytes, 1))
    out = np.frombuffer(mem, arr.dtype, arr.size).reshape(arr.shape)
    out[...] = arr
    return out


def _is_pinned_array(arr):
    """Whether a host array lives in page-locked memory."""
    if not _init_done[0] or type(arr) is not np.ndarray or arr.size == 0:
        return False
    rt = _xp().cuda.runtime
    try:
        attrs = rt.pointerGetAttributes(arr.__array_interface__["data"][0])
    except Exception:  # older CUDA: unregistered host memory is an error
        return False
    kind = getattr(attrs, "type", getattr(attrs, "memoryType", 0))
    return kind == getattr(rt, "memoryTypeHost", 1)


# ============================================================================ random

_generators = {}          # device index -> ember.Generator
_all_seed = [None]        # the last manual_seed_all seed (applies to generators made later)


def _default_generator(index=None):
    """The default generator of CUDA device ``index`` (random ops on that device use it)."""
    if index is None:
        index = current_device() if is_available() else 0
    g = _generators.get(index)
    if g is None:
        g = _Generator(f"cuda:{index}")
        g.manual_seed(_DEFAULT_SEED if _all_seed[0] is None else _all_seed[0])
        _generators[index] = g
    return g


def __getattr__(name):
    if name == "default_generators":
        return tuple(_default_generator(i) for i in range(device_count()))
    raise AttributeError(f"module 'ember.cuda' has no attribute '{name}'")


def manual_seed(seed):
    """Seed the random numbers of the current GPU.

    Args:
        seed (int): the seed.

    Example::

        >>> ember.cuda.manual_seed(0)
    """
    _default_generator().manual_seed(int(seed))


def manual_seed_all(seed):
    """Seed the random numbers of every GPU (``ember.manual_seed`` calls this).

    Example::

        >>> ember.cuda.manual_seed_all(0)
    """
    seed = int(seed)
    _all_seed[0] = seed
    for g in _generators.values():
        g.manual_seed(seed)


def seed():
    """Seed the current GPU's random numbers from a non-deterministic source.

    Example::

        >>> ember.cuda.seed()
    """
    _default_generator().seed()


def seed_all():
    """Seed every GPU's random numbers with one non-deterministic seed.

    Example::

        >>> ember.cuda.seed_all()
    """
    s = int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF
    manual_seed_all(s)


def initial_seed():
    """The seed of the current GPU's generator.

    Example::

        >>> ember.cuda.manual_seed(3); ember.cuda.initial_seed()
        3
    """
    return _default_generator().initial_seed()


def get_rng_state(device="cuda"):
    """A GPU generator's state as a uint8 tensor.

    Example::

        >>> s = ember.cuda.get_rng_state()
    """
    d = _device_cls(device) if not isinstance(device, int) else _device_cls("cuda", device)
    return _default_generator(d.index).get_state()


def set_rng_state(new_state, device="cuda"):
    """Restore a GPU generator's state from :func:`get_rng_state`.

    Example::

        >>> ember.cuda.set_rng_state(ember.cuda.get_rng_state())
    """
    d = _device_cls(device) if not isinstance(device, int) else _device_cls("cuda", device)
    _default_generator(d.index).set_state(new_state)


def get_rng_state_all():
    """The states of every GPU's generator, as a list."""
    return [_default_generator(i).get_state() for i in range(device_count())]


def set_rng_state_all(new_states):
    """Restore every GPU's generator from :func:`get_rng_state_all`."""
    for i, st in enumerate(new_states):
        _default_generator(i).set_state(st)


# ============================================================================ events and streams


class Event:
    """A CUDA event: a marker in a stream, for timing and synchronisation.

    Args:
        enable_timing (bool): allow :meth:`elapsed_time` (default False).
        blocking (bool): :meth:`synchronize` blocks the thread instead of spinning.
        interprocess (bool): shareable between processes.

    Example::

        >>> if ember.cuda.is_available():
        ...     start = ember.cuda.Event(enable_timing=True)
        ...     end = ember.cuda.Event(enable_timing=True)
        ...     start.record(); y = ember.ones(1000, device="cuda") * 2; end.record()
        ...     end.synchronize(); ms = start.elapsed_time(end)
    """

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self.enable_timing = bool(enable_timing)
        self.blocking = bool(blocking)
        self.interprocess = bool(interprocess)
        self._ev = None  # created on first record, as torch's events

    def record(self, stream=None):
        """Record the event in ``stream`` (default: the current stream)."""
        _lazy_init()
        xp = _xp()
        if self._ev is None:
            self._ev = xp.cuda.Event(block=self.blocking, disable_timing=not self.enable_timing,
                                     interprocess=self.interprocess)
        s = (stream or current_stream())._stream
        self._ev.record(s)

    def wait(self, stream=None):
        """Make ``stream`` (default: the current one) wait for this event."""
        if self._ev is not None:
            (stream or current_stream())._stream.wait_event(self._ev)

    def query(self):
        """Whether all work captured by the event has completed."""
        return True if self._ev is None else bool(self._ev.done)

    def synchronize(self):
        """Block until the work captured by the event has completed."""
        if self._ev is not None:
            self._ev.synchronize()

    def elapsed_time(self, end_event):
        """Milliseconds between this event's record and ``end_event``'s."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._ev is None or end_event._ev is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return float(_xp().cuda.get_elapsed_time(self._ev, end_event._ev))

    def __repr__(self):
        if self._ev is None:
            return "<torch.cuda.Event uninitialized>"
        return f"<torch.cuda.Event {id(self._ev):#x}>"


class Stream:
    """A CUDA stream: an ordered queue of GPU work.

    Args:
        device (int, str or ember.device, optional): the GPU (default: the current one).
        priority (int): lower numbers mean higher priority (0 default).

    Example::

        >>> if ember.cuda.is_available():
        ...     s = ember.cuda.Stream()
        ...     with ember.cuda.stream(s):
        ...         y = ember.ones(3, device="cuda") + 1
        ...     s.synchronize()
    """

    def __init__(self, device=None, priority=0, **kwargs):
        if kwargs.get("_wrap") is not None:
            self._stream, self.device_index = kwargs["_wrap"]
            self.priority = 0
            return
        idx = _current_index(device)
        xp = _xp()
        with xp.cuda.Device(idx):
            self._stream = (xp.cuda.Stream(non_blocking=True, priority=priority) if priority
                            else xp.cuda.Stream(non_blocking=True))
        self.device_index = idx
        self.priority = priority

    @property
    def device(self):
        return _device_cls("cuda", self.device_index)

    @property
    def cuda_stream(self):
        """The raw ``cudaStream_t`` pointer."""
        return int(self._stream.ptr)

    def synchronize(self):
        """Wait until all work queued on the stream has finished."""
        self._stream.synchronize()

    def query(self):
        """Whether all work queued on the stream has finished."""
        return bool(self._stream.done)

    def wait_event(self, event):
        """Make later work on this stream wait for ``event``."""
        event.wait(self)

    def wait_stream(self, stream):
        """Make later work on this stream wait for the work queued so far on ``stream``."""
        self.wait_event(stream.record_event())

    def record_event(self, event=None):
        """Record ``event`` (a new one by default) on this stream; returns it."""
        event = event or Event()
        event.record(self)
        return event

    def __enter__(self):
        self._ctx = StreamContext(self)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)

    def __eq__(self, other):
        return isinstance(other, Stream) and other.cuda_stream == self.cuda_stream and \
            other.device_index == self.device_index

    def __hash__(self):
        return hash((self.cuda_stream, self.device_index))

    def __repr__(self):
        return (f"<torch.cuda.Stream device=cuda:{self.device_index} "
                f"cuda_stream={self.cuda_stream:#x}>")


def current_stream(device=None):
    """The stream GPU work on ``device`` is queued on now.

    Example::

        >>> if ember.cuda.is_available(): ember.cuda.current_stream().synchronize()
    """
    idx = _current_index(device)
    xp = _xp()
    with xp.cuda.Device(idx):
        s = xp.cuda.get_current_stream()
    return Stream(_wrap=(s, idx))


def default_stream(device=None):
    """The default (null) stream of ``device``.

    Example::

        >>> if ember.cuda.is_available(): ember.cuda.default_stream().synchronize()
    """
    idx = _current_index(device)
    return Stream(_wrap=(_xp().cuda.Stream.null, idx))


def set_stream(stream):
    """Make ``stream`` the current stream of its device."""
    if stream is not None:
        stream._stream.use()


class StreamContext:
    """Context manager that queues GPU work on ``stream`` in its block (``None``: no-op).

    Example::

        >>> if ember.cuda.is_available():
        ...     with ember.cuda.StreamContext(ember.cuda.Stream()):
        ...         pass
    """

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        if self.stream is not None:
            self._dev = device(self.stream.device_index)
            self._dev.__enter__()
            self.stream._stream.__enter__()
        return self.stream

    def __exit__(self, *exc):
        if self.stream is not None:
            self.stream._stream.__exit__(*exc)
            self._dev.__exit__(*exc)
        return False


def stream(stream):
    """``with ember.cuda.stream(s):`` queues the block's GPU work on ``s``.

    Args:
        stream (Stream or None): the stream (None does nothing).

    Example::

        >>> with ember.cuda.stream(None):
        ...     pass
    """
    return StreamContext(stream)


from ..amp import _cuda_amp as amp  # noqa: E402  (torch.cuda.amp: deprecated aliases)
sys.modules.setdefault(__name__ + ".amp", amp)
