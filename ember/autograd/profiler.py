"""``ember.autograd.profiler``: where the time of a model goes, op by op (torch.autograd.profiler).

How it works: while a profiler runs, ``PROFILER[0]`` holds the active recorder.
``Function.apply`` checks that one list slot before anything else (one list lookup per op when
no profiler runs) and, when set, times the op inside a range named like torch's operator
(``aten::addmm`` for a linear layer, ``aten::relu``, ``aten::conv2d`` ...; user Functions keep
their class name). The backward engine does the same for every graph node it runs
(``autograd::engine::evaluate_function: MulBackward0`` around ``MulBackward0``), and
``record_function`` adds named user ranges. Ranges nest per thread, which gives each event its
children, so "self" time is the event's time minus its children's.

The table (``key_averages().table()``) and the Chrome trace (``export_chrome_trace``) have
torch's layout. Times are host (CPU) times from ``time.perf_counter_ns``; memory (with
``profile_memory=True``) is the net bytes allocated during the op, measured with
``tracemalloc`` (NumPy reports its buffers there).

Example::

    >>> from ember.autograd.profiler import profile, record_function
    >>> net = ember.nn.Linear(4, 2)
    >>> with profile() as prof:
    ...     with record_function("forward"):
    ...         y = net(ember.randn(3, 4)).relu()
    >>> [e.key for e in prof.key_averages()]
    ['forward', 'aten::addmm', 'aten::relu']
"""
import contextlib
import enum
import gzip
import json
import os
import socket
import sys
import threading
import time
import tracemalloc
import uuid

__all__ = ["profile", "record_function", "EventList", "FunctionEvent", "FunctionEventAvg",
           "DeviceType", "format_time", "format_memory"]

# The active recorder, checked by Function.apply and the engine: `if PROFILER[0]:`.
from .function import PROFILER  # noqa: E402

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


class DeviceType(enum.IntEnum):
    """The device an event ran on (``torch.autograd.DeviceType``): ember records CPU events.

    Args:
        value (int): ``0`` for CPU, ``1`` for CUDA.

    Example::

        >>> from ember.autograd.profiler import DeviceType
        >>> DeviceType.CPU
        <DeviceType.CPU: 0>
    """
    CPU = 0
    CUDA = 1


# --------------------------------------------------------------------------- op names

_ATEN = {
    "Add": "aten::add", "Sub": "aten::sub", "Mul": "aten::mul", "Div": "aten::div",
    "Pow": "aten::pow", "Maximum": "aten::maximum", "Minimum": "aten::minimum",
    "Where": "aten::where", "Clamp": "aten::clamp", "Logsigmoid": "aten::log_sigmoid",
    "Linear": "aten::addmm", "LinearNoBias": "aten::mm", "Matmul": "aten::matmul",
    "Einsum": "aten::einsum", "Sum": "aten::sum", "SumDim": "aten::sum", "Mean": "aten::mean",
    "MeanDim": "aten::mean", "Prod": "aten::prod", "Cumsum": "aten::cumsum",
    "Cumprod": "aten::cumprod", "LogCumSumExp": "aten::logcumsumexp",
    "LogSumExp": "aten::logsumexp", "AmaxAmin": "aten::amax", "MaxMinDim": "aten::max",
    "Softmax": "aten::softmax", "LogSoftmax": "aten::log_softmax",
    "CrossEntropy": "aten::cross_entropy_loss", "NLLLoss": "aten::nll_loss",
    "BinaryCrossEntropy": "aten::binary_cross_entropy", "Embedding": "aten::embedding",
    "BatchNorm": "aten::batch_norm", "Gelu": "aten::gelu", "GeluTanh": "aten::gelu",
    "Silu": "aten::silu", "Elu": "aten::elu", "LeakyRelu": "aten::leaky_relu",
    "Hardtanh": "aten::hardtanh", "Hardswish": "aten::hardswish",
    "Hardsigmoid": "aten::hardsigmoid", "Hardshrink": "aten::hardshrink",
    "Softshrink": "aten::softshrink", "Mish": "aten::mish", "PRelu": "aten::prelu",
    "Threshold": "aten::threshold", "Reshape": "aten::reshape", "Permute": "aten::permute",
    "Expand": "aten::expand", "Cat": "aten::cat", "Flip": "aten::flip", "Roll": "aten::roll",
    "ConstantPad": "aten::constant_pad_nd", "Unfold": "aten::unfold",
    "AsStrided": "aten::as_strided", "ViewAsReal": "aten::view_as_real",
    "ViewAsComplex": "aten::view_as_complex", "GetItem": "aten::index",
    "Select": "aten::select", "Slice": "aten::slice", "Unsqueeze": "aten::unsqueeze",
    "Alias": "aten::alias", "Index": "aten::index",
    "Gather": "aten::gather", "Scatter": "aten::scatter", "IndexAdd": "aten::index_add",
    "IndexPut": "aten::index_put_", "Clone": "aten::clone", "Copy": "aten::copy_",
    "ToCopy": "aten::_to_copy", "Inv": "aten::linalg_inv", "Det": "aten::linalg_det",
    "Solve": "aten::linalg_solve", "Cholesky": "aten::linalg_cholesky",
    "LinalgVectorNorm": "aten::linalg_vector_norm", "Im2Col": "aten::im2col",
    "Col2Im": "aten::col2im", "ConvNdBackwardInput": "aten::convolution_backward",
    "ConvNdBackwardWeight": "aten::convolution_backward", "CtcLoss": "aten::ctc_loss",
    "Atan2": "aten::atan2", "Softplus": "aten::softplus",
}
_RNN = {"LSTM": "aten::lstm", "GRU": "aten::gru", "RNN_TANH": "aten::rnn_tanh",
        "RNN_RELU": "aten::rnn_relu"}
_DYNAMIC = {
    "ConvNd": lambda a: f"aten::conv{a[1].dim() - 2}d",
    "MaxPoolNd": lambda a: f"aten::max_pool{len(a[1].k)}d",
    "AvgPoolNd": lambda a: f"aten::avg_pool{len(a[1].k)}d",
    "AvgPoolNdBackward": lambda a: f"aten::avg_pool{len(a[1].k)}d_backward",
    "RNNLayer": lambda a: _RNN.get(a[8], "aten::rnn"),
}
_NAMES = {}


def _snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(c.lower())
    return "".join(out)


def _resolve_name(cls):
    name = cls.__name__
    mod = cls.__module__ or ""
    if not mod.startswith("ember."):
        return name  # a user's Function: its class name, as torch records it
    if name in _DYNAMIC:
        return _DYNAMIC[name]
    if name in _ATEN:
        return _ATEN[name]
    if mod == "ember.ops.elementwise" and not name.startswith("_"):
        return "aten::" + _snake(name)  # the unary table: Exp -> aten::exp, Log1p -> aten::log1p
    return name


def op_name(cls, args=()):
    """The name the profiler gives an ``ember.autograd.Function``: torch's operator name where one fits.

    Built-in ops map to torch's ``aten::`` names (``Linear`` -> ``aten::addmm``, ``ConvNd`` on
    a 4-d weight -> ``aten::conv2d``); other Functions keep their class name.

    Args:
        cls (type): the ``Function`` subclass.
        args (tuple): the arguments of the call (some names depend on them).

    Example::

        >>> from ember.ops.nn_ops import Linear
        >>> ember.autograd.profiler.op_name(Linear)
        'aten::addmm'
    """
    n = _NAMES.get(cls)
    if n is None:
        n = _NAMES[cls] = _resolve_name(cls)
    if callable(n):
        try:
            return n(args)
        except Exception:
            return cls.__name__
    return n


_CPP_TYPES = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int",
              "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
              "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


# --------------------------------------------------------------------------- recording


class _Raw:
    """One recorded range while the profiler runs (turned into a FunctionEvent at the end)."""
    __slots__ = ("name", "cat", "start", "end", "tid", "parent", "shapes", "types", "mem0",
                 "mem", "stack", "args", "marker")

    def __init__(self, name, cat, start, tid, parent):
        self.name, self.cat, self.start, self.tid, self.parent = name, cat, start, tid, parent
        self.end = None
        self.shapes = self.types = self.stack = self.args = None
        self.mem = 0
        self.mem0 = None
        self.marker = None


class _Range:
    """A context manager timing one range of the active recorder."""
    __slots__ = ("rec", "name", "cat", "args", "marker", "raw", "extra")

    def __init__(self, rec, name, cat, args=None, marker=None, extra=None):
        self.rec, self.name, self.cat, self.args, self.marker = rec, name, cat, args, marker
        self.extra = extra
        self.raw = None

    def __enter__(self):
        self.raw = self.rec._open(self.name, self.cat, self.args, self.marker, self.extra)
        return self

    def __exit__(self, *exc):
        if self.raw is not None:
            self.rec._close(self.raw, self.marker)
            self.raw = None
        return False


class _Recorder:
    """Collects the ranges of one profiling session (all threads)."""

    def __init__(self, record_shapes=False, profile_memory=False, with_stack=False,
                 sync_cuda=False):
        from .._tensor import Tensor
        self._Tensor = Tensor
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.sync_cuda = sync_cuda
        self.raws = []
        self.local = threading.local()
        self.own_tracemalloc = False
        self.t0 = time.perf_counter_ns()
        self.wall0 = time.time_ns()

    # hooks (called from Function.apply / the engine) --------------------------------------
    def op(self, cls, args):
        """A range for one forward op, or None when this call is the op's own re-entry.

        ``Function.apply`` re-enters itself (the recorded call, a device switch, argument
        casts): while the innermost open range on this thread is this op's, no new range is
        opened, so each op is recorded once.
        """
        st = getattr(self.local, "stack", None)
        if st and st[-1].marker is cls:
            return None
        return _Range(self, op_name(cls, args), "cpu_op", args, cls)

    def node(self, node):
        """A range for one backward node run by the engine (None on the engine's re-entry)."""
        st = getattr(self.local, "stack", None)
        if st and st[-1].marker is node:
            return None
        name = node.name()
        return _Range(self, "autograd::engine::evaluate_function: " + name, "cpu_op", None,
                      node, extra=name)

    # ranges -------------------------------------------------------------------------------
    def _stack(self):
        loc = self.local
        st = getattr(loc, "stack", None)
        if st is None:
            st = loc.stack = []
        return st

    def _open(self, name, cat, args, marker, inner=None):
        st = self._stack()
        if self.sync_cuda:
            _cuda_sync()
        raw = self._push(name, cat, args, st)
        raw.marker = marker
        if inner is not None:
            # the engine's evaluate_function range holds the node's own range
            raw_inner = self._push(inner, cat, None, st)
            raw_inner.parent = raw
            raw_inner.marker = marker
            return (raw, raw_inner)
        return raw

    def _push(self, name, cat, args, st):
        raw = _Raw(name, cat, 0, threading.get_native_id(), st[-1] if st else None)
        if args is not None:
            if cat == "user_annotation":
                raw.args = args
            elif self.record_shapes:
                T = self._Tensor
                shapes, types = [], []
                for a in args:
                    if isinstance(a, T):
                        shapes.append(list(a._data.shape))
                        types.append(_CPP_TYPES.get(a._dtype.name, a._dtype.name))
                    else:
                        shapes.append([])
                        types.append("Scalar" if isinstance(a, (int, float, complex)) else "")
                raw.shapes, raw.types = shapes, types
        if self.with_stack:
            raw.stack = _user_stack()
        if self.profile_memory:
            raw.mem0 = tracemalloc.get_traced_memory()[0]
        st.append(raw)
        self.raws.append(raw)
        raw.start = time.perf_counter_ns()
        return raw

    def _close(self, raw, marker):
        end = time.perf_counter_ns()
        if self.sync_cuda:
            _cuda_sync()
            end = time.perf_counter_ns()
        st = self._stack()
        pair = raw if isinstance(raw, tuple) else (raw,)
        for r in reversed(pair):
            r.end = end
            if r.mem0 is not None:
                r.mem = tracemalloc.get_traced_memory()[0] - r.mem0
            if st and st[-1] is r:
                st.pop()
            elif r in st:
                st.remove(r)

    def range(self, name, args=None):
        return _Range(self, name, "user_annotation", args, None)

    # session ------------------------------------------------------------------------------
    def start(self):
        if PROFILER[0] is not None:
            raise RuntimeError("Profiler is already enabled on this thread: nested profilers "
                               "are not supported; stop the outer one first.")
        if self.profile_memory and not tracemalloc.is_tracing():
            tracemalloc.start()
            self.own_tracemalloc = True
        self.t0 = time.perf_counter_ns()
        self.wall0 = time.time_ns()
        PROFILER[0] = self

    def stop(self):
        if PROFILER[0] is self:
            PROFILER[0] = None
        if self.own_tracemalloc:
            tracemalloc.stop()
            self.own_tracemalloc = False
        return self._events()

    def _events(self):
        """The finished ranges as FunctionEvents (start order), with parents and children."""
        done = [r for r in self.raws if r.end is not None]
        done.sort(key=lambda r: (r.start, -r.end))
        events = []
        by_raw = {}
        t0 = self.t0
        for i, r in enumerate(done):
            # numbered steps aggregate in tables as torch's "ProfilerStep*"; traces keep "#N"
            ev = FunctionEvent(
                id=i + 1, trace_name=r.name,
                name="ProfilerStep*" if r.name.startswith("ProfilerStep#") else r.name, thread=r.tid, start_us=(r.start - t0) / 1000.0,
                end_us=(r.end - t0) / 1000.0,
                input_shapes=r.shapes if r.shapes is not None else [], stack=r.stack or [],
                cpu_memory_usage=r.mem, is_user_annotation=r.cat == "user_annotation")
            ev._input_types = r.types
            ev._cat = r.cat
            ev._args = r.args
            by_raw[id(r)] = ev
            events.append(ev)
        for r, ev in zip(done, events):
            p = r.parent
            while p is not None and id(p) not in by_raw:
                p = p.parent
            if p is not None:
                parent = by_raw[id(p)]
                ev.cpu_parent = parent
                parent.cpu_children.append(ev)
        return EventList(events, profile_memory=self.profile_memory,
                         _wall0_ns=self.wall0)


def _cuda_sync():
    cp = sys.modules.get("cupy")
    if cp is not None:
        try:
            cp.cuda.get_current_stream().synchronize()
        except Exception:
            pass


def _user_stack():
    """The caller's Python stack (innermost first), without ember's own frames."""
    f = sys._getframe(3)
    out = []
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_EMBER_DIR) and not fn.startswith("<frozen"):
            out.append(f"{fn}({f.f_lineno}): {f.f_code.co_name}")
        f = f.f_back
    return out


# --------------------------------------------------------------------------- events


def format_time(time_us):
    """Format a time in microseconds as torch's profiler does (``12.345us``, ``1.234ms``, ``1.000s``).

    Args:
        time_us (float): the time in microseconds.

    Example::

        >>> ember.autograd.profiler.format_time(1234.5)
        '1.234ms'
    """
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_time_share(time_us, total_us):
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def format_memory(nbytes):
    """Format a byte count as torch's profiler does (``512 B``, ``1.50 KB``, ``2.00 MB``, ``1.00 GB``).

    Args:
        nbytes (int): the number of bytes (may be negative: memory freed).

    Example::

        >>> ember.autograd.profiler.format_memory(1536)
        '1.50 KB'
    """
    KB, MB, GB = 1024, 1024 ** 2, 1024 ** 3
    if abs(nbytes) >= GB:
        return f"{nbytes / GB:.2f} GB"
    if abs(nbytes) >= MB:
        return f"{nbytes / MB:.2f} MB"
    if abs(nbytes) >= KB:
        return f"{nbytes / KB:.2f} KB"
    return f"{nbytes} B"


class Interval:
    """A time range in microseconds (``event.time_range``).

    Args:
        start (float): start, in microseconds from the start of profiling.
        end (float): end, in microseconds.

    Example::

        >>> ember.autograd.profiler.Interval(1.0, 3.5).elapsed_us()
        2.5
    """

    def __init__(self, start, end):
        self.start = start
        self.end = end

    def elapsed_us(self):
        """The length of the range in microseconds.

        Example::

            >>> ember.autograd.profiler.Interval(0.0, 2.0).elapsed_us()
            2.0
        """
        return self.end - self.start

    def __repr__(self):
        return f"Interval(start={self.start}, end={self.end})"


class _TimeStrings:
    @property
    def cpu_time_str(self):
        return format_time(self.cpu_time)

    @property
    def cpu_time_total_str(self):
        return format_time(self.cpu_time_total)

    @property
    def self_cpu_time_total_str(self):
        return format_time(self.self_cpu_time_total)

    @property
    def device_time_str(self):
        return format_time(self.device_time)

    @property
    def device_time_total_str(self):
        return format_time(self.device_time_total)

    @property
    def self_device_time_total_str(self):
        return format_time(self.self_device_time_total)

    @property
    def cpu_time(self):
        return 0.0 if self.count == 0 else self.cpu_time_total / self.count

    @property
    def device_time(self):
        return 0.0 if self.count == 0 else self.device_time_total / self.count

    # torch's older names
    cuda_time = device_time

    @property
    def self_cuda_time_total(self):
        return self.self_device_time_total

    @property
    def cuda_time_total(self):
        return self.device_time_total


class FunctionEvent(_TimeStrings):
    """One recorded range: an op, a backward node or a ``record_function`` block.

    ``cpu_time_total`` is the range's length; ``self_cpu_time_total`` subtracts the ranges
    nested directly inside it (``cpu_children``). Times are in microseconds.

    Args:
        id (int): the event's number.
        name (str): the op name (``aten::mm``) or range name.
        thread (int): the thread's native id.
        start_us (float): start, in microseconds from the start of profiling.
        end_us (float): end, in microseconds.
        input_shapes (list, optional): the argument shapes (``record_shapes=True``).
        stack (list of str, optional): the Python stack (``with_stack=True``).
        cpu_memory_usage (int): bytes allocated (net) during the range. Default: 0.
        is_user_annotation (bool): a ``record_function`` range. Default: ``False``.

    Example::

        >>> from ember.autograd.profiler import profile
        >>> with profile() as prof:
        ...     y = ember.ones(3).exp()
        >>> ev = prof.function_events[0]
        >>> ev.name, ev.count, ev.cpu_time_total >= ev.self_cpu_time_total
        ('aten::exp', 1, True)
    """

    def __init__(self, id, name, thread, start_us, end_us, input_shapes=None, stack=None,
                 cpu_memory_usage=0, is_user_annotation=False, fwd_thread=None, scope=0,
                 sequence_nr=-1, node_id=-1, device_memory_usage=0, is_async=False,
                 is_remote=False, overload_name="", trace_name=None):
        self.id = id
        self.node_id = node_id
        self.name = name
        self.overload_name = overload_name
        self.trace_name = trace_name if trace_name is not None else name
        self.time_range = Interval(start_us, end_us)
        self.thread = thread
        self.fwd_thread = fwd_thread
        self.kernels = []
        self.count = 1
        self.cpu_children = []
        self.cpu_parent = None
        self.input_shapes = input_shapes
        self.concrete_inputs = None
        self.stack = stack if stack is not None else []
        self.scope = scope
        self.use_device = None
        self.cpu_memory_usage = cpu_memory_usage
        self.device_memory_usage = device_memory_usage
        self.is_async = is_async
        self.is_remote = is_remote
        self.sequence_nr = sequence_nr
        self.device_type = DeviceType.CPU
        self.device_index = 0
        self.is_legacy = False
        self.flops = None
        self.is_user_annotation = is_user_annotation
        self._input_types = None
        self._cat = "user_annotation" if is_user_annotation else "cpu_op"
        self._args = None

    def append_cpu_child(self, child):
        """Add ``child`` as a range nested directly inside this one.

        Args:
            child (FunctionEvent): the nested event.

        Example::

            >>> from ember.autograd.profiler import FunctionEvent
            >>> a = FunctionEvent(1, "outer", 0, 0.0, 10.0)
            >>> a.append_cpu_child(FunctionEvent(2, "inner", 0, 2.0, 5.0))
            >>> a.self_cpu_time_total
            7.0
        """
        self.cpu_children.append(child)

    def set_cpu_parent(self, parent):
        """Set the range this one is nested directly inside.

        Args:
            parent (FunctionEvent): the enclosing event.

        Example::

            >>> from ember.autograd.profiler import FunctionEvent
            >>> a, b = FunctionEvent(1, "a", 0, 0.0, 9.0), FunctionEvent(2, "b", 0, 1.0, 2.0)
            >>> b.set_cpu_parent(a); b.cpu_parent.name
            'a'
        """
        self.cpu_parent = parent

    @property
    def key(self):
        return self.name

    @property
    def cpu_time_total(self):
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def self_cpu_memory_usage(self):
        return self.cpu_memory_usage - sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def device_time_total(self):
        return 0.0

    @property
    def self_device_time_total(self):
        return 0.0

    @property
    def self_device_memory_usage(self):
        return 0

    def __repr__(self):
        return (f"<FunctionEvent id={self.id} name={self.name} overload_name={self.overload_name} "
                f"device_type={self.device_type} node_id={self.node_id} "
                f"cpu_time={self.cpu_time_str} start_us={self.time_range.start} "
                f"end_us={self.time_range.end} "
                f"cpu_children={str([c.id for c in self.cpu_children])} "
                f"None_time={self.device_time_str} name={self.name} thread={self.thread} "
                f"input_shapes={str(self.input_shapes)} cpu_memory_usage={self.cpu_memory_usage} "
                f"None_memory_usage={self.device_memory_usage} is_async={self.is_async} "
                f"is_remote={self.is_remote} seq_nr={self.sequence_nr} "
                f"is_legacy={self.is_legacy}>")


class FunctionEventAvg(_TimeStrings):
    """The events of one key (op name, and input shapes / stack when grouped) added up.

    ``count`` is the number of calls; ``cpu_time`` the average total time per call.

    Args:
        (none; made by ``EventList.key_averages``, filled with ``add``)

    Example::

        >>> from ember.autograd.profiler import profile
        >>> with profile() as prof:
        ...     for _ in range(3):
        ...         y = ember.ones(2).exp()
        >>> avg = prof.key_averages()[0]
        >>> avg.key, avg.count
        ('aten::exp', 3)
    """

    def __init__(self):
        self.key = None
        self.count = 0
        self.node_id = 0
        self.is_async = False
        self.is_remote = False
        self.use_device = None
        self.cpu_time_total = 0.0
        self.device_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.self_device_time_total = 0.0
        self.input_shapes = None
        self.overload_name = None
        self.stack = None
        self.scope = None
        self.cpu_memory_usage = 0
        self.device_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.self_device_memory_usage = 0
        self.cpu_children = None
        self.cpu_parent = None
        self.device_type = DeviceType.CPU
        self.is_legacy = False
        self.flops = None
        self.is_user_annotation = False

    def add(self, other):
        """Add an event (or another average) into this one.

        Args:
            other (FunctionEvent or FunctionEventAvg): an event with the same key.

        Example::

            >>> from ember.autograd.profiler import FunctionEvent, FunctionEventAvg
            >>> avg = FunctionEventAvg()
            >>> avg.add(FunctionEvent(1, "op", 0, 0.0, 4.0)).add(FunctionEvent(2, "op", 0, 5.0, 7.0))
            <FunctionEventAvg key=op self_cpu_time=6.000us cpu_time=3.000us ...>
        """
        if self.key is None:
            self.key = other.key
            self.node_id = other.node_id
            self.is_async = other.is_async
            self.is_remote = other.is_remote
            self.cpu_parent = other.cpu_parent
            self.cpu_children = other.cpu_children
            self.overload_name = other.overload_name
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.scope = other.scope
            self.device_type = other.device_type
            self.is_legacy = other.is_legacy
            self.use_device = other.use_device
            self.is_user_annotation = other.is_user_annotation
        if not isinstance(other, (FunctionEvent, FunctionEventAvg)):
            raise AssertionError("Expected other to be a FunctionEvent or FunctionEventAvg")
        if other.key != self.key:
            raise AssertionError(f"Expected keys to match, but got {other.key} vs {self.key}")
        self.cpu_time_total += other.cpu_time_total
        self.device_time_total += other.device_time_total
        self.self_cpu_time_total += other.self_cpu_time_total
        self.self_device_time_total += other.self_device_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.device_memory_usage += other.device_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.self_device_memory_usage += other.self_device_memory_usage
        self.count += other.count
        return self

    def __iadd__(self, other):
        return self.add(other)

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={self.self_cpu_time_total_str} "
                f"cpu_time={self.cpu_time_str}  self_cuda_time={self.self_device_time_total_str} "
                f"cuda_time={self.device_time_str} input_shapes={str(self.input_shapes)} "
                f"cpu_memory_usage={self.cpu_memory_usage} "
                f"cuda_memory_usage={self.device_memory_usage}>")


class EventList(list):
    """A list of profiler events with torch's summaries: ``table``, ``key_averages``, exports.

    Args:
        events (iterable): the events (``FunctionEvent`` or ``FunctionEventAvg``).
        use_device (str, optional): the device name of device columns (unused: ember records
            host times).
        profile_memory (bool): show the memory columns in ``table``. Default: ``False``.
        with_flops (bool): accepted for torch compatibility; ember computes no FLOPs.

    Example::

        >>> from ember.autograd.profiler import profile
        >>> with profile() as prof:
        ...     y = ember.ones(2, 2).mm(ember.ones(2, 2))
        >>> type(prof.function_events).__name__, len(prof.function_events)
        ('EventList', 1)
    """

    def __init__(self, *args, use_device=None, profile_memory=False, with_flops=False,
                 _wall0_ns=None):
        super().__init__(*args)
        self._use_device = use_device
        self._profile_memory = profile_memory
        self._with_flops = False
        self._wall0_ns = _wall0_ns if _wall0_ns is not None else time.time_ns()
        self._metadata = {}

    @property
    def self_cpu_time_total(self):
        """The sum of the events' self CPU times (microseconds): the table's "Self CPU time total".

        Example::

            >>> ember.autograd.profiler.EventList().self_cpu_time_total
            0.0
        """
        return float(sum(e.self_cpu_time_total for e in self))

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False, time_unit=None):
        """The events as torch's text table (Name, Self CPU %, Self CPU, CPU total %, ...).

        Args:
            sort_by (str, optional): an event attribute to sort by, largest first:
                ``"cpu_time_total"``, ``"self_cpu_time_total"``, ``"cpu_time"``, ``"count"``,
                ``"cpu_memory_usage"``, ``"self_cpu_memory_usage"`` ... Default: list order.
            row_limit (int): the most rows to print. Default: 100.
            max_src_column_width (int): width of the "Source Location" column. Default: 75.
            max_name_column_width (int): width of the "Name" column. Default: 55.
            max_shapes_column_width (int): width of the "Input Shapes" column. Default: 80.
            header (str, optional): a line printed above the table.
            top_level_events_only (bool): only events with no parent. Default: ``False``.
            time_unit (str, optional): ``"s"``, ``"ms"`` or ``"us"`` for every time; default:
                chosen per value.

        Example::

            >>> from ember.autograd.profiler import profile
            >>> with profile() as prof:
            ...     y = ember.ones(4).relu()
            >>> print(prof.key_averages().table())  # doctest: +ELLIPSIS
            ---------...
                  Name    Self CPU %      Self CPU   CPU total %     CPU total  CPU time avg    # of Calls  
            ---------...
            aten::relu       100.00%...
        """
        return _build_table(self, sort_by=sort_by, header=header, row_limit=row_limit,
                            max_src_column_width=max_src_column_width,
                            max_name_column_width=max_name_column_width,
                            max_shapes_column_width=max_shapes_column_width,
                            profile_memory=self._profile_memory,
                            top_level_events_only=top_level_events_only, time_unit=time_unit)

    def __str__(self):
        return self.table()

    def key_averages(self, group_by_input_shapes=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        """Add up the events per op name (and input shapes / top stack frames when asked).

        Args:
            group_by_input_shapes (bool): separate rows per input shapes (needs
                ``record_shapes=True``); also shows the "Input Shapes" column.
                Default: ``False``.
            group_by_stack_n (int): separate rows per top ``n`` stack frames (needs
                ``with_stack=True``). Default: 0.
            group_by_overload_name (bool): separate rows per overload name (ember's events
                have none). Default: ``False``.

        Example::

            >>> from ember.autograd.profiler import profile
            >>> with profile(record_shapes=True) as prof:
            ...     a = ember.ones(2).exp(); b = ember.ones(3).exp()
            >>> [(e.key, e.count) for e in prof.key_averages()]
            [('aten::exp', 2)]
            >>> [e.input_shapes for e in prof.key_averages(group_by_input_shape=True)]
            [[[2]], [[3]]]
        """
        stats = {}
        for evt in self:
            key = [str(evt.key), str(evt.node_id), str(evt.device_type), str(evt.is_legacy),
                   str(evt.is_user_annotation)]
            if group_by_overload_name:
                key.append(evt.overload_name)
            if group_by_input_shapes:
                key.append(str(evt.input_shapes))
            if group_by_stack_n > 0:
                key += (evt.stack or [])[:group_by_stack_n]
            key = tuple(key)
            avg = stats.get(key)
            if avg is None:
                avg = stats[key] = FunctionEventAvg()
            avg.add(evt)
        out = EventList(stats.values(), use_device=self._use_device,
                        profile_memory=self._profile_memory, _wall0_ns=self._wall0_ns)
        for evt in out:
            evt.stack = (evt.stack or [])[:group_by_stack_n]
            if not group_by_input_shapes:
                evt.input_shapes = ""
        return out

    def total_average(self):
        """All events added into one ``FunctionEventAvg`` (key ``"Total"``).

        Example::

            >>> from ember.autograd.profiler import profile
            >>> with profile() as prof:
            ...     y = ember.ones(2).exp().sin()
            >>> prof.total_average().count
            2
        """
        total = FunctionEventAvg()
        for evt in self:
            total.add(evt)
            total.key = None
        total.key = "Total"
        return total

    def supported_export_stacks_metrics(self):
        """The metrics ``export_stacks`` can write.

        Example::

            >>> ember.autograd.profiler.EventList().supported_export_stacks_metrics()
            ['self_cpu_time_total', 'self_cuda_time_total', 'self_xpu_time_total', 'self_privateuse1_time_total']
        """
        return ["self_cpu_time_total", "self_cuda_time_total", "self_xpu_time_total",
                "self_privateuse1_time_total"]

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write the recorded stacks in the folded format flame-graph tools read.

        One line per event with a stack (needs ``with_stack=True``): frames outermost first,
        separated by ``;``, then the metric in whole microseconds.

        Args:
            path (str): the output file.
            metric (str): one of ``supported_export_stacks_metrics()``.
                Default: ``"self_cpu_time_total"``.

        Example::

            >>> import os, tempfile
            >>> from ember.autograd.profiler import profile
            >>> with profile(with_stack=True) as prof:
            ...     y = ember.ones(1000).exp()
            >>> p = os.path.join(tempfile.mkdtemp(), "stacks.txt")
            >>> prof.export_stacks(p)
        """
        if metric not in self.supported_export_stacks_metrics():
            raise ValueError("metric should be one of: "
                             + str(self.supported_export_stacks_metrics()))
        table = str.maketrans(" ;\t\n", "____")
        attr = metric.replace("cuda", "device").replace("xpu", "device").replace(
            "privateuse1", "device")
        with open(path, "w") as f:
            for evt in self:
                if evt.stack:
                    value = getattr(evt, attr)
                    if int(value) > 0:
                        frames = ";".join(e.translate(table) for e in reversed(evt.stack))
                        f.write(f"{frames} {int(value)}\n")

    def export_chrome_trace(self, path):
        """Write the events as a Chrome trace (open in chrome://tracing or Perfetto).

        A JSON object with ``traceEvents``: one complete event (``"ph": "X"``) per range with
        ``ts``/``dur`` in microseconds, ``cat`` ``"cpu_op"`` or ``"user_annotation"``, and the
        input shapes and types in ``args`` when recorded; a ``.gz`` path is gzipped.

        Args:
            path (str): the output file.

        Example::

            >>> import json, os, tempfile
            >>> from ember.autograd.profiler import profile
            >>> with profile() as prof:
            ...     y = ember.ones(2).exp()
            >>> p = os.path.join(tempfile.mkdtemp(), "trace.json")
            >>> prof.export_chrome_trace(p)
            >>> [e["name"] for e in json.load(open(p))["traceEvents"] if e["ph"] == "X"]
            ['aten::exp']
        """
        data = self._chrome_trace()
        text = json.dumps(data, indent=1)
        if str(path).endswith(".gz"):
            with gzip.open(path, "wt") as f:
                f.write(text)
        else:
            with open(path, "w") as f:
                f.write(text)

    def _chrome_trace(self):
        pid = os.getpid()
        base_us = self._wall0_ns / 1000.0
        threads = sorted({e.thread for e in self if isinstance(e, FunctionEvent)})
        ts0 = round(base_us, 3)
        events = [
            {"ph": "M", "name": "process_name", "ts": ts0, "pid": pid, "tid": 0,
             "args": {"name": "python"}},
            {"ph": "M", "name": "process_labels", "ts": ts0, "pid": pid, "tid": 0,
             "args": {"labels": "CPU"}},
            {"ph": "M", "name": "process_sort_index", "ts": ts0, "pid": pid, "tid": 0,
             "args": {"sort_index": pid}},
        ]
        for tid in threads:
            events.append({"ph": "M", "name": "thread_name", "ts": ts0, "pid": pid, "tid": tid,
                           "args": {"name": f"thread {tid} (python)"}})
            events.append({"ph": "M", "name": "thread_sort_index", "ts": ts0, "pid": pid,
                           "tid": tid, "args": {"sort_index": tid}})
        for i, e in enumerate(self):
            if not isinstance(e, FunctionEvent):
                continue
            args = {"External id": e.id, "Ev Idx": i}
            if e.input_shapes is not None and e._cat == "cpu_op":
                args["Input Dims"] = e.input_shapes
                if e._input_types is not None:
                    args["Input type"] = e._input_types
            if e._args is not None:
                args["args"] = str(e._args)
            if e.cpu_memory_usage:
                args["Allocated bytes"] = e.cpu_memory_usage
            events.append({"ph": "X", "cat": e._cat, "name": e.trace_name, "pid": pid,
                           "tid": e.thread, "ts": round(base_us + e.time_range.start, 3),
                           "dur": round(e.time_range.elapsed_us(), 3), "args": args})
        out = {"schemaVersion": 1, "deviceProperties": [],
               "trace_id": uuid.uuid4().hex.upper(),
               "record_shapes": int(any(e.input_shapes for e in self
                                        if isinstance(e, FunctionEvent))),
               "host_name": socket.gethostname(), "displayTimeUnit": "ms",
               "baseTimeNanoseconds": int(self._wall0_ns // 1_000_000_000 * 1_000_000_000),
               "traceEvents": events, "traceName": ""}
        out.update(self._metadata)
        return out


def _build_table(events, sort_by=None, header=None, row_limit=100, max_src_column_width=75,
                 max_name_column_width=55, max_shapes_column_width=80, profile_memory=False,
                 top_level_events_only=False, time_unit=None):
    """torch's profiler table (``torch.autograd.profiler_util._build_table``), CPU columns."""
    if len(events) == 0:
        return ""
    has_input_shapes = any(e.input_shapes is not None and len(e.input_shapes) > 0
                           for e in events)
    if sort_by is not None:
        attr = sort_by.replace("cuda", "device").replace("xpu", "device").replace(
            "privateuse1", "device")
        events = sorted(events, key=lambda e: getattr(e, attr), reverse=True)
    name_w = max(len(e.key) for e in events) + 4
    if max_name_column_width is not None:
        name_w = min(name_w, max_name_column_width)
    shapes_w = max(len(str(e.input_shapes)) for e in events) + 4
    if max_shapes_column_width is not None:
        shapes_w = min(shapes_w, max_shapes_column_width)
    W = 12
    stacks = [e.stack for e in events if e.stack]
    has_stack = len(stacks) > 0
    src_w = None
    if has_stack:
        src_w = max(max(len(x) for x in s) for s in stacks) + 4
        if max_src_column_width is not None:
            src_w = min(src_w, max_src_column_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    fmt = [""]
    sep = [""]
    length = [-2]

    def add_column(pad, direction=">"):
        fmt[0] += "{: " + direction + str(pad) + "}" + "  "
        sep[0] += "-" * pad + "  "
        length[0] += pad + 2

    add_column(name_w)
    for _ in headers[1:]:
        add_column(W)
    if has_input_shapes:
        headers.append("Input Shapes")
        add_column(shapes_w)
    if has_stack:
        headers.append("Source Location")
        add_column(src_w, "<")
    row_format, header_sep, line_length = fmt[0], sep[0], length[0]

    def unit(t, default):
        if time_unit == "s":
            return f"{t / 1e6:.3f}s"
        if time_unit == "ms":
            return f"{t / 1e3:.3f}ms"
        if time_unit == "us":
            return f"{t:.3f}us"
        return default

    def trim_path(path, width):
        if len(path) > width:
            path = path[len(path) - width:]
            if len(path) > 3:
                path = "..." + path[3:]
        return path

    total = sum(e.self_cpu_time_total for e in events)
    out = []

    def append(s):
        out.append(s)
        out.append("\n")

    if header is not None:
        append("=" * line_length)
        append(header)
    if top_level_events_only:
        append("=" * line_length)
        append("This report only display top-level ops statistics")
    append(header_sep)
    append(row_format.format(*headers))
    append(header_sep)
    n = 0
    for e in events:
        if n == row_limit:
            break
        if top_level_events_only and e.cpu_parent is not None:
            continue
        n += 1
        name = e.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        row = [name, _format_time_share(e.self_cpu_time_total, total),
               unit(e.self_cpu_time_total, e.self_cpu_time_total_str),
               _format_time_share(e.cpu_time_total, total) if not e.is_async else 0,
               unit(e.cpu_time_total, e.cpu_time_total_str), unit(e.cpu_time, e.cpu_time_str)]
        if profile_memory:
            row += [format_memory(e.cpu_memory_usage), format_memory(e.self_cpu_memory_usage)]
        row.append(e.count)
        if has_input_shapes:
            row.append(str(e.input_shapes)[:shapes_w])
        if has_stack:
            row.append(trim_path(e.stack[0], src_w) if e.stack else "")
        append(row_format.format(*row))
        if has_stack:
            blanks = [""] * (len(headers) - 1)
            for entry in e.stack[1:]:
                append(row_format.format(*(blanks + [trim_path(entry, src_w)])))
            append(row_format.format(*(blanks + [""])))
    append(header_sep)
    append(f"Self CPU time total: {unit(total, format_time(total))}")
    return "".join(out)


# --------------------------------------------------------------------------- public API


class record_function(contextlib.ContextDecorator):
    """Label a block of code: it appears as one row (and one trace range) in the profile.

    Use as a context manager or a decorator. Ops run inside are nested in the range, so its
    "CPU total" covers them and its "Self CPU" is the time outside them. Costs almost nothing
    when no profiler runs.

    Args:
        name (str): the label shown in the table and the trace.
        args (str, optional): extra text stored with the range (shown in the trace's args).

    Example::

        >>> from ember.autograd.profiler import profile, record_function
        >>> with profile() as prof:
        ...     with record_function("preprocess"):
        ...         y = ember.ones(3).exp()
        >>> [(e.name, [c.name for c in e.cpu_children]) for e in prof.function_events][:1]
        [('preprocess', ['aten::exp'])]
    """

    def __init__(self, name, args=None):
        if not isinstance(name, str):
            raise TypeError(f"record_function(): name must be a str, got {type(name).__name__}")
        self.name = name
        self.args = args
        self._range = None

    def _recreate_cm(self):
        # a fresh range per decorated call (so recursion and threads nest correctly)
        return record_function(self.name, self.args)

    def __enter__(self):
        rec = PROFILER[0]
        if rec is not None:
            r = rec.range(self.name, self.args)
            r.__enter__()
            self._range = r
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        r = self._range
        if r is not None:
            self._range = None
            r.__exit__(exc_type, exc_value, traceback)
        return False


class profile:
    """Record the time of every op run inside the block (``torch.autograd.profiler.profile``).

    After the block, ``prof.key_averages().table(sort_by="cpu_time_total")`` prints torch's
    summary table and ``prof.export_chrome_trace(path)`` writes a trace. Forward ops carry
    torch's operator names (``aten::addmm``, ``aten::relu`` ...), backward nodes appear as
    ``autograd::engine::evaluate_function: <Node>`` around ``<Node>``.

    Args:
        enabled (bool): record; with ``False`` the block runs unprofiled. Default: ``True``.
        use_cuda (bool): deprecated name for ``use_device="cuda"``. Default: ``False``.
        use_device (str, optional): ``"cuda"``: wait for the GPU at the start and end of
            every op so that host times include the GPU work of CuPy ops.
        record_shapes (bool): record input shapes (``key_averages(group_by_input_shape=True)``,
            "Input Shapes" column, trace args). Default: ``False``.
        profile_memory (bool): record the net bytes allocated in each op (via
            ``tracemalloc``; adds the "CPU Mem" columns). Default: ``False``.
        with_stack (bool): record the Python stack of each op ("Source Location" column,
            ``export_stacks``). Default: ``False``.
        use_cpu (bool): must be ``True`` (ember records host times). Default: ``True``.

    Example::

        >>> from ember.autograd.profiler import profile
        >>> net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU())
        >>> with profile(record_shapes=True) as prof:
        ...     net(ember.randn(2, 4)).sum().backward()
        >>> [e.key for e in prof.key_averages()][:3]
        ['aten::addmm', 'aten::relu', 'aten::sum']
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 profile_memory=False, with_stack=False, use_cpu=True):
        if not use_cpu:
            raise ValueError("ember's profiler records host (CPU) times: use_cpu=False would "
                             "record nothing; leave use_cpu=True.")
        if use_cuda:
            use_device = "cuda"
        if use_device is not None and use_device not in ("cuda", "cpu"):
            raise ValueError(f"use_device must be None, 'cpu' or 'cuda', got {use_device!r}")
        self.enabled = enabled
        self.use_device = use_device if use_device != "cpu" else None
        self.use_cuda = self.use_device == "cuda"
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.use_cpu = use_cpu
        self.entered = False
        self._recorder = None
        self._function_events = None

    def __enter__(self):
        if not self.enabled:
            return self
        if self.entered:
            raise RuntimeError("Profiler context manager is not reentrant")
        self.entered = True
        self._recorder = _Recorder(self.record_shapes, self.profile_memory, self.with_stack,
                                   sync_cuda=self.use_cuda)
        self._recorder.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not self.enabled:
            return False
        if self._recorder is not None:
            self._function_events = self._recorder.stop()
            self._recorder = None
        return False

    def _check_finish(self):
        if self._function_events is None:
            raise RuntimeError("Profiler didn't finish running")

    @property
    def function_events(self):
        """All recorded events (an ``EventList``), in start order.

        Example::

            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp()
            >>> prof.function_events[0].name
            'aten::exp'
        """
        self._check_finish()
        return self._function_events

    def __repr__(self):
        if self._function_events is None:
            return "<unfinished torch.autograd.profile>"
        return repr(self._function_events)

    def __str__(self):
        if self._function_events is None:
            return "<unfinished torch.autograd.profile>"
        return str(self._function_events)

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75,
              max_name_column_width=55, max_shapes_column_width=80, header=None,
              top_level_events_only=False, time_unit=None):
        """The table of all events (see ``EventList.table``; usually called on ``key_averages()``).

        Args:
            sort_by (str, optional): the attribute to sort by, largest first.
            row_limit (int): the most rows. Default: 100.
            max_src_column_width (int): Default: 75.
            max_name_column_width (int): Default: 55.
            max_shapes_column_width (int): Default: 80.
            header (str, optional): a line above the table.
            top_level_events_only (bool): only events without a parent. Default: ``False``.
            time_unit (str, optional): ``"s"``, ``"ms"`` or ``"us"``.

        Example::

            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp()
            >>> "aten::exp" in prof.table()
            True
        """
        self._check_finish()
        return self._function_events.table(
            sort_by=sort_by, row_limit=row_limit, max_src_column_width=max_src_column_width,
            max_name_column_width=max_name_column_width,
            max_shapes_column_width=max_shapes_column_width, header=header,
            top_level_events_only=top_level_events_only, time_unit=time_unit)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        """The events added up per op name (see ``EventList.key_averages``).

        Args:
            group_by_input_shape (bool): one row per op and input shapes. Default: ``False``.
            group_by_stack_n (int): one row per op and top ``n`` frames. Default: 0.
            group_by_overload_name (bool): one row per overload. Default: ``False``.

        Example::

            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp().exp()
            >>> prof.key_averages()[0].count
            2
        """
        self._check_finish()
        return self._function_events.key_averages(group_by_input_shape, group_by_stack_n,
                                                  group_by_overload_name)

    def total_average(self):
        """All events added into one average (see ``EventList.total_average``).

        Example::

            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp()
            >>> prof.total_average().count
            1
        """
        self._check_finish()
        return self._function_events.total_average()

    @property
    def self_cpu_time_total(self):
        """The sum of all events' self CPU times, in microseconds.

        Example::

            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp()
            >>> prof.self_cpu_time_total > 0
            True
        """
        self._check_finish()
        return self._function_events.self_cpu_time_total

    def export_chrome_trace(self, path):
        """Write the Chrome trace JSON (see ``EventList.export_chrome_trace``).

        Args:
            path (str): the output file (``.gz``: gzipped).

        Example::

            >>> import os, tempfile
            >>> with ember.autograd.profiler.profile() as prof:
            ...     y = ember.ones(1).exp()
            >>> prof.export_chrome_trace(os.path.join(tempfile.mkdtemp(), "t.json"))
        """
        self._check_finish()
        return self._function_events.export_chrome_trace(path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write folded stacks for flame graphs (see ``EventList.export_stacks``).

        Args:
            path (str): the output file.
            metric (str): Default: ``"self_cpu_time_total"``.

        Example::

            >>> import os, tempfile
            >>> with ember.autograd.profiler.profile(with_stack=True) as prof:
            ...     y = ember.ones(1).exp()
            >>> prof.export_stacks(os.path.join(tempfile.mkdtemp(), "s.txt"))
        """
        self._check_finish()
        return self._function_events.export_stacks(path, metric)
