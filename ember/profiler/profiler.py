"""``ember.profiler.profile``: torch.profiler's profiler, with schedules and trace handlers.

Recording is done by ``ember.autograd.profiler`` (one range per op, per backward node and per
``record_function`` block). This module adds torch.profiler's interface on top: activities,
a ``schedule`` that says which training steps to record (``prof.step()`` marks step
boundaries and each recorded step appears as a ``ProfilerStep#N`` range), and
``on_trace_ready`` callbacks such as ``tensorboard_trace_handler``.
"""
import enum
import json
import os
import socket
import time
import warnings
from functools import partial

from ..autograd import profiler as _prof

__all__ = ["ProfilerActivity", "ProfilerAction", "schedule", "profile",
           "tensorboard_trace_handler", "supported_activities", "record_function"]

record_function = _prof.record_function


class ProfilerActivity(enum.Enum):
    """What a profiler records: ``CPU`` (host-side op times) and ``CUDA`` (GPU work).

    ember times ops on the host; with ``CUDA`` it also waits for the GPU at the start and end
    of every op, so the recorded times of CuPy ops include their GPU kernels.

    Args:
        value (int): the activity's number (torch's: CPU 0, XPU 1, CUDA 2, HPU 3, MTIA 4,
            PrivateUse1 5).

    Example::

        >>> from ember.profiler import ProfilerActivity
        >>> ProfilerActivity.CPU
        <ProfilerActivity.CPU: 0>
    """
    CPU = 0
    XPU = 1
    CUDA = 2
    HPU = 3
    MTIA = 4
    PrivateUse1 = 5

    def __str__(self):
        return f"ProfilerActivity.{self.name}"


class ProfilerAction(enum.Enum):
    """What the profiler does at a step, as returned by a ``schedule``.

    ``NONE``: not recording; ``WARMUP``: getting ready (not recorded); ``RECORD``: recording;
    ``RECORD_AND_SAVE``: the last recorded step of a cycle (``on_trace_ready`` runs after it).

    Args:
        value (int): the action's number.

    Example::

        >>> from ember.profiler import ProfilerAction, schedule
        >>> schedule(wait=1, warmup=1, active=1)(2)
        <ProfilerAction.RECORD_AND_SAVE: 3>
    """
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities():
    """The activities this installation can record: CPU, plus CUDA when a GPU is available.

    Args:
        (none)

    Example::

        >>> from ember.profiler import ProfilerActivity, supported_activities
        >>> ProfilerActivity.CPU in supported_activities()
        True
    """
    acts = {ProfilerActivity.CPU}
    try:
        from .. import cuda
        if cuda.is_available():
            acts.add(ProfilerActivity.CUDA)
    except Exception:
        pass
    return acts


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Which steps to record: skip ``skip_first``, then cycles of ``wait``, ``warmup``, ``active`` steps.

    Returns a function ``step -> ProfilerAction`` for ``profile(schedule=...)``. Each cycle
    ends with a ``RECORD_AND_SAVE`` step, after which ``on_trace_ready`` runs. ``repeat=0``
    repeats cycles until profiling stops.

    Args:
        wait (int): idle steps at the start of each cycle.
        warmup (int): warm-up steps (not recorded) before recording.
        active (int): recorded steps (at least 1).
        repeat (int): the number of cycles (0: no limit). Default: 0.
        skip_first (int): steps to skip before the first cycle. Default: 0.
        skip_first_wait (int): non-zero: the first cycle starts without its ``wait`` steps.
            Default: 0.

    Example::

        >>> from ember.profiler import schedule
        >>> s = schedule(wait=1, warmup=1, active=2, repeat=1)
        >>> [s(i).name for i in range(5)]
        ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE', 'NONE']
    """
    def schedule_fn(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return (ProfilerAction.RECORD if mod_step < num_steps - 1
                else ProfilerAction.RECORD_AND_SAVE)

    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), "
            f"warmup={warmup} (need >= 0), active={active} (need > 0), repeat={repeat} "
            f"(need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)
    return schedule_fn


def _default_schedule_fn(_):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An ``on_trace_ready`` handler that writes each trace into ``dir_name`` for TensorBoard.

    Files are named ``{worker_name}.{time_ns}.pt.trace.json`` (``.gz`` added with
    ``use_gzip``), the layout TensorBoard's profiler plugin reads.

    Args:
        dir_name (str): the log directory (created if missing).
        worker_name (str, optional): the file prefix. Default: ``"{hostname}_{pid}"``.
        use_gzip (bool): gzip the files. Default: ``False``.

    Example::

        >>> import os, tempfile
        >>> from ember.profiler import profile, tensorboard_trace_handler
        >>> d = tempfile.mkdtemp()
        >>> with profile(on_trace_ready=tensorboard_trace_handler(d, worker_name="w")):
        ...     y = ember.ones(2).exp()
        >>> [f.endswith(".pt.trace.json") and f.startswith("w.") for f in os.listdir(d)]
        [True]
    """
    def handler_fn(prof):
        nonlocal worker_name
        if not os.path.isdir(dir_name):
            try:
                os.makedirs(dir_name, exist_ok=True)
            except Exception as e:
                raise RuntimeError("Can't create directory: " + dir_name) from e
        if not worker_name:
            worker_name = f"{socket.gethostname()}_{os.getpid()}"
        file_name = f"{worker_name}.{time.time_ns()}.pt.trace.json"
        if use_gzip:
            file_name += ".gz"
        prof.export_chrome_trace(os.path.join(dir_name, file_name))
    return handler_fn


def _parse_activities(activities):
    out = set()
    for a in activities:
        if isinstance(a, dict):
            out.update(a)
        elif isinstance(a, ProfilerActivity):
            out.add(a)
        else:
            raise TypeError(f"activities must be ProfilerActivity values, got {a!r}")
    return out


class _KinetoProfile:
    """The recording part of ``profile`` (torch's ``_KinetoProfile``): start/stop, exports.

    Args:
        activities (iterable of ProfilerActivity, optional): what to record.
            Default: ``supported_activities()``.
        record_shapes (bool): record input shapes. Default: ``False``.
        profile_memory (bool): record allocated bytes per op. Default: ``False``.
        with_stack (bool): record Python stacks. Default: ``False``.

    Example::

        >>> from ember.profiler.profiler import _KinetoProfile
        >>> p = _KinetoProfile(); p.start(); y = ember.ones(1).exp(); p.stop()
        >>> [e.key for e in p.key_averages()]
        ['aten::exp']
    """

    def __init__(self, *, activities=None, record_shapes=False, profile_memory=False,
                 with_stack=False):
        self.activities = (_parse_activities(activities) if activities is not None
                           else supported_activities())
        if len(self.activities) == 0:
            raise AssertionError("No valid profiler activities found")
        if ProfilerActivity.CPU not in self.activities and \
                ProfilerActivity.CUDA not in self.activities:
            raise ValueError(f"ember's profiler records ProfilerActivity.CPU and "
                             f"ProfilerActivity.CUDA; got {sorted(map(str, self.activities))}")
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.use_device = "cuda" if ProfilerActivity.CUDA in self.activities else None
        self.profiler = None
        self._metadata = {}

    def start(self):
        """Start recording (``prepare_trace`` then ``start_trace``).

        Example::

            >>> from ember.profiler import profile
            >>> p = profile(); p.start(); y = ember.ones(1).exp(); p.stop()
            >>> len(p.events())
            1
        """
        self.prepare_trace()
        self.start_trace()

    def stop(self):
        """Stop recording.

        Example::

            >>> from ember.profiler.profiler import _KinetoProfile
            >>> p = _KinetoProfile(); p.start(); p.stop(); len(p.events())
            0
        """
        self.stop_trace()

    def prepare_trace(self):
        """Make a fresh recorder for the next trace (recorded events are dropped).

        Example::

            >>> from ember.profiler.profiler import _KinetoProfile
            >>> p = _KinetoProfile(); p.prepare_trace(); p.profiler is not None
            True
        """
        self.profiler = _prof.profile(use_device=self.use_device,
                                      record_shapes=self.record_shapes,
                                      profile_memory=self.profile_memory,
                                      with_stack=self.with_stack)

    def start_trace(self):
        """Begin recording into the prepared recorder.

        Example::

            >>> from ember.profiler.profiler import _KinetoProfile
            >>> p = _KinetoProfile(); p.prepare_trace(); p.start_trace(); p.stop_trace()
        """
        if self.profiler is None:
            self.prepare_trace()
        self.profiler.__enter__()

    def stop_trace(self):
        """End recording; the events become available (``events()``, ``key_averages()``).

        Example::

            >>> from ember.profiler.profiler import _KinetoProfile
            >>> p = _KinetoProfile(); p.start_trace(); p.stop_trace(); len(p.events())
            0
        """
        if self.profiler is not None and self.profiler.entered:
            self.profiler.__exit__(None, None, None)

    def _finished(self):
        if self.profiler is None or self.profiler._function_events is None:
            raise AssertionError("Profiler must be initialized before exporting chrome trace"
                                 if self.profiler is None else
                                 "Profiler didn't finish running")
        return self.profiler

    def events(self):
        """The recorded events (an ``EventList``) of the last finished trace.

        Example::

            >>> from ember.profiler import profile
            >>> with profile() as p:
            ...     y = ember.ones(1).exp()
            >>> p.events()[0].name
            'aten::exp'
        """
        return self._finished().function_events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0,
                     group_by_overload_name=False):
        """The events added up per op name (and input shapes / stack frames when asked).

        Args:
            group_by_input_shape (bool): one row per op and input shapes (needs
                ``record_shapes=True``). Default: ``False``.
            group_by_stack_n (int): one row per op and top ``n`` frames (needs
                ``with_stack=True``). Default: 0.
            group_by_overload_name (bool): one row per overload name. Default: ``False``.

        Example::

            >>> from ember.profiler import profile
            >>> with profile() as p:
            ...     y = ember.ones(1).exp().exp()
            >>> [(e.key, e.count) for e in p.key_averages()]
            [('aten::exp', 2)]
        """
        return self._finished().key_averages(group_by_input_shape, group_by_stack_n,
                                             group_by_overload_name)

    def export_chrome_trace(self, path):
        """Write the last trace as Chrome trace JSON (``.gz``: gzipped), with added metadata.

        Args:
            path (str): the output file.

        Example::

            >>> import json, os, tempfile
            >>> from ember.profiler import profile
            >>> with profile() as p:
            ...     y = ember.ones(1).exp()
            >>> f = os.path.join(tempfile.mkdtemp(), "t.json"); p.export_chrome_trace(f)
            >>> "traceEvents" in json.load(open(f))
            True
        """
        events = self._finished().function_events
        events._metadata = dict(self._metadata)
        return events.export_chrome_trace(path)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        """Write folded stacks for flame graphs (needs ``with_stack=True``).

        Args:
            path (str): the output file.
            metric (str): ``"self_cpu_time_total"`` (or a device metric, 0 in ember).
                Default: ``"self_cpu_time_total"``.

        Example::

            >>> import os, tempfile
            >>> from ember.profiler import profile
            >>> with profile(with_stack=True) as p:
            ...     y = ember.ones(1).exp()
            >>> p.export_stacks(os.path.join(tempfile.mkdtemp(), "s.txt"))
        """
        return self._finished().export_stacks(path, metric)

    def add_metadata(self, key, value):
        """Add a string entry to the top level of exported traces.

        Args:
            key (str): the entry's name.
            value (str): its value.

        Example::

            >>> from ember.profiler import profile
            >>> p = profile(); p.add_metadata("run", "baseline")
        """
        self._metadata[key] = str(value)

    def add_metadata_json(self, key, value):
        """Add a JSON entry (given as JSON text) to the top level of exported traces.

        Args:
            key (str): the entry's name.
            value (str): JSON text.

        Example::

            >>> from ember.profiler import profile
            >>> p = profile(); p.add_metadata_json("cfg", '{"lr": 0.1}')
        """
        self._metadata[key] = json.loads(value)


class profile(_KinetoProfile):
    """Profile a block of code, optionally over chosen training steps (``torch.profiler.profile``).

    Records every op (torch's names: ``aten::addmm``, ``aten::relu`` ...), backward node and
    ``record_function`` range run inside. Without ``schedule`` everything in the block is
    recorded. With ``schedule``, call ``prof.step()`` at the end of each training step: the
    schedule decides which steps are recorded, each recorded step appears as a
    ``ProfilerStep#N`` range, and ``on_trace_ready(prof)`` runs at the end of each cycle
    (and at exit for an unfinished one).

    Args:
        activities (iterable of ProfilerActivity, optional): ``ProfilerActivity.CPU`` and/or
            ``ProfilerActivity.CUDA`` (then ember waits for the GPU around each op so CuPy
            work is included). Default: ``supported_activities()``.
        schedule (callable, optional): ``step -> ProfilerAction``, e.g. from ``schedule()``.
        on_trace_ready (callable, optional): called with the profiler when a trace is ready,
            e.g. ``tensorboard_trace_handler(dir)``.
        record_shapes (bool): record input shapes. Default: ``False``.
        profile_memory (bool): record allocated bytes per op. Default: ``False``.
        with_stack (bool): record Python stacks. Default: ``False``.

    Example::

        >>> from ember.profiler import profile, record_function, ProfilerActivity
        >>> net = ember.nn.Linear(4, 2)
        >>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        ...     with record_function("model_inference"):
        ...         y = net(ember.randn(3, 4))
        >>> [(e.key, e.count) for e in prof.key_averages()]
        [('model_inference', 1), ('aten::addmm', 1)]
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes=False, profile_memory=False, with_stack=False):
        super().__init__(activities=activities, record_shapes=record_shapes,
                         profile_memory=profile_memory, with_stack=with_stack)
        if schedule:
            self.schedule = schedule
            self.record_steps = True
        else:
            self.schedule = _default_schedule_fn
            self.record_steps = False
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self.current_action = self.schedule(self.step_num)
        self.step_rec_fn = None
        A = ProfilerAction
        self.action_map = {
            (A.NONE, A.NONE): [],
            (A.NONE, A.WARMUP): [self.prepare_trace],
            (A.NONE, A.RECORD): [self.prepare_trace, self.start_trace],
            (A.NONE, A.RECORD_AND_SAVE): [self.prepare_trace, self.start_trace],
            (A.WARMUP, A.NONE): [partial(warnings.warn,
                                         "Incorrect schedule: WARMUP followed by NONE"),
                                 self.start_trace, self.stop_trace],
            (A.WARMUP, A.WARMUP): [],
            (A.WARMUP, A.RECORD): [self.start_trace],
            (A.WARMUP, A.RECORD_AND_SAVE): [self.start_trace],
            (A.RECORD, A.NONE): [partial(warnings.warn,
                                         "Incorrect schedule: RECORD followed by NONE"),
                                 self.stop_trace],
            (A.RECORD, A.WARMUP): [partial(warnings.warn,
                                           "Incorrect schedule: RECORD followed by WARMUP"),
                                   self.stop_trace],
            (A.RECORD, A.RECORD): [],
            (A.RECORD, A.RECORD_AND_SAVE): [],
            (A.RECORD_AND_SAVE, A.NONE): [self.stop_trace, self._trace_ready],
            (A.RECORD_AND_SAVE, A.WARMUP): [self.stop_trace, self._trace_ready,
                                            self.prepare_trace],
            (A.RECORD_AND_SAVE, A.RECORD): [self.stop_trace, self._trace_ready,
                                            self.prepare_trace, self.start_trace],
            (A.RECORD_AND_SAVE, A.RECORD_AND_SAVE): [self.stop_trace, self._trace_ready,
                                                     self.prepare_trace, self.start_trace],
            (A.WARMUP, None): [self.start_trace, self.stop_trace],
            (A.RECORD, None): [self.stop_trace, self._trace_ready],
            (A.RECORD_AND_SAVE, None): [self.stop_trace, self._trace_ready],
        }

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.stop()
        return False

    def start(self):
        """Start profiling (what entering the ``with`` block does).

        Example::

            >>> from ember.profiler import profile
            >>> p = profile(); p.start(); y = ember.ones(1).exp(); p.stop()
            >>> p.key_averages()[0].key
            'aten::exp'
        """
        self._transit_action(ProfilerAction.NONE, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def stop(self):
        """Stop profiling (what leaving the ``with`` block does); a pending trace becomes ready.

        Example::

            >>> from ember.profiler import profile
            >>> p = profile(); p.start(); p.stop(); len(p.events())
            0
        """
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        self._transit_action(self.current_action, None)

    def step(self):
        """Mark the end of a training step; the schedule then decides what the next step records.

        Example::

            >>> from ember.profiler import profile, schedule
            >>> with profile(schedule=schedule(wait=0, warmup=1, active=1, repeat=1)) as p:
            ...     for _ in range(3):
            ...         y = ember.ones(1).exp()
            ...         p.step()
            >>> [e.key for e in p.key_averages()]
            ['ProfilerStep*', 'aten::exp']
        """
        if self.record_steps and self.step_rec_fn:
            self.step_rec_fn.__exit__(None, None, None)
            self.step_rec_fn = None
        prev_action = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        self._transit_action(prev_action, self.current_action)
        if self.record_steps:
            self.step_rec_fn = record_function("ProfilerStep#" + str(self.step_num))
            self.step_rec_fn.__enter__()

    def _trace_ready(self):
        if self.on_trace_ready:
            self.on_trace_ready(self)

    def _transit_action(self, prev_action, current_action):
        for action in self.action_map.get((prev_action, current_action), []):
            action()
