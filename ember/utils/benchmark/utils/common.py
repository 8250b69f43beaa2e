"""Shared pieces of ``ember.utils.benchmark``: ``TaskSpec``, ``Measurement`` and unit helpers."""
import collections
import contextlib
import dataclasses
import math
import textwrap

import numpy as np

__all__ = ["TaskSpec", "Measurement", "select_unit", "unit_to_english", "trim_sigfig",
           "ordered_unique", "set_torch_threads"]

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9  # 25 ns
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What a ``Timer`` measures (everything but its globals): statement, setup and labels.

    Args:
        stmt (str): the timed statement.
        setup (str): the setup code.
        global_setup (str): C++ only in torch; empty here. Default: ``""``.
        label (str, optional): the table title in ``Compare``.
        sub_label (str, optional): the row name in ``Compare``.
        description (str, optional): the column name in ``Compare``.
        env (str, optional): an environment tag (shown when results differ in it).
        num_threads (int): the thread count used. Default: 1.

    Example::

        >>> from ember.utils.benchmark.utils.common import TaskSpec
        >>> TaskSpec("x + 1", "pass", label="add", sub_label="small").title
        'add: small'
    """
    stmt: str
    setup: str
    global_setup: str = ""
    label: str = None
    sub_label: str = None
    description: str = None
    env: str = None
    num_threads: int = 1

    @property
    def title(self):
        """The measurement's heading: ``label`` (or the statement) and ``sub_label``."""
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        head = f" ({self.sub_label})" if self.sub_label else ""
        return f"stmt:{head}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self):
        """The setup code as shown in a repr (empty for ``pass``)."""
        if self.setup == "pass" or not self.setup:
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self):
        """The heading lines of a Measurement repr: title, description, setup."""
        parts = [self.title, self.description or "", self.setup_str()]
        return "\n".join(p + "\n" if "\n" in p else p for p in parts if p)


_TASKSPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(init=True, repr=False)
class Measurement:
    """The result of a ``Timer`` run: the block times, with median, mean and IQR per run.

    ``raw_times`` holds the time of each block of ``number_per_run`` runs; ``times`` is per
    run. Fields of the task (``label``, ``stmt``, ``num_threads`` ...) read through.

    Args:
        number_per_run (int): runs of the statement per block.
        raw_times (list of float): seconds per block.
        task_spec (TaskSpec): what was measured.
        metadata (dict, optional): user data.

    Example::

        >>> from ember.utils.benchmark.utils.common import Measurement, TaskSpec
        >>> m = Measurement(10, [1e-3, 2e-3, 3e-3, 4e-3], TaskSpec("x", "pass"))
        >>> m.median, round(m.iqr, 7)
        (0.00025, 0.00015)
    """
    number_per_run: int
    raw_times: list
    task_spec: TaskSpec
    metadata: dict = None

    def __post_init__(self):
        self._sorted_times = ()
        self._warnings = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name):
        if name in _TASKSPEC_FIELDS:
            return getattr(self.task_spec, name)
        return super().__getattribute__(name)

    @property
    def times(self):
        """Seconds per run, one value per block."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self):
        """The median of ``times`` (seconds per run)."""
        self._lazy_init()
        return self._median

    @property
    def mean(self):
        """The mean of ``times`` (seconds per run)."""
        self._lazy_init()
        return self._mean

    @property
    def iqr(self):
        """The interquartile range of ``times`` (75th minus 25th percentile)."""
        self._lazy_init()
        return self._p75 - self._p25

    @property
    def significant_figures(self):
        """A rough count of trustworthy digits, from the spread of the middle half of ``times``."""
        self._lazy_init()
        n = len(self._sorted_times)
        mid = self._sorted_times[n // 4:int(math.ceil(3 * n / 4))]
        std = float(np.std(mid)) if mid else 0.0
        ci = max(1.645 * std / math.sqrt(len(mid)) if mid else 0.0, _MIN_CONFIDENCE_INTERVAL)
        digits = int(math.floor(math.log10(self._median / ci)))
        return min(max(digits, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def has_warnings(self):
        """Whether the spread (IQR / median) is high enough to warn about."""
        self._lazy_init()
        return bool(self._warnings)

    def _lazy_init(self):
        if self.raw_times and not self._sorted_times:
            self._sorted_times = tuple(sorted(self.times))
            a = np.asarray(self._sorted_times, dtype=np.float64)
            self._median = float(np.quantile(a, 0.5))
            self._mean = float(a.mean())
            self._p25 = float(np.quantile(a, 0.25))
            self._p75 = float(np.quantile(a, 0.75))

            def warn(msg):
                rel = self.iqr / self.median * 100
                self._warnings += (f"  WARNING: Interquartile range is {rel:.1f}% of the median "
                                   f"measurement.\n           {msg}",)
            if not self.meets_confidence(_IQR_GROSS_WARN_THRESHOLD):
                warn("This suggests significant environmental influence.")
            elif not self.meets_confidence(_IQR_WARN_THRESHOLD):
                warn("This could indicate system fluctuation.")

    def meets_confidence(self, threshold=_IQR_WARN_THRESHOLD):
        """Whether IQR / median is below ``threshold``.

        Args:
            threshold (float): the relative spread allowed. Default: 0.1.

        Example::

            >>> from ember.utils.benchmark.utils.common import Measurement, TaskSpec
            >>> Measurement(1, [1.0, 1.0, 1.0, 1.0], TaskSpec("x", "pass")).meets_confidence()
            True
        """
        return self.iqr / self.median < threshold

    @property
    def title(self):
        """The task's title (``label: sub_label``)."""
        return self.task_spec.title

    @property
    def env(self):
        """The ``env`` tag given to the Timer (None when none was given, as in torch)."""
        return self.task_spec.env

    @property
    def as_row_name(self):
        """The row name in ``Compare``: ``sub_label``, else the statement."""
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self):
        self._lazy_init()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}"]
        if n >= 4:
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({self._p25 / scale:.2f} to "
                         f"{self._p75 / scale:.2f})")
        threads = self.num_threads
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
                     f"{'per measurement,' if n > 1 else ','} {threads} "
                     f"thread{'s' if threads > 1 else ''}")
        lines.append("\n".join(self._warnings))
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements):
        """Combine replicate measurements of the same task into one (times per run, ``number_per_run=1``).

        Args:
            measurements (iterable of Measurement): the measurements.

        Example::

            >>> from ember.utils.benchmark.utils.common import Measurement, TaskSpec
            >>> t = TaskSpec("x", "pass")
            >>> [len(m.times) for m in Measurement.merge([Measurement(2, [2.0], t), Measurement(2, [4.0], t)])]
            [2]
        """
        groups = collections.defaultdict(list)
        for m in measurements:
            groups[m.task_spec].append(m)
        return [Measurement(number_per_run=1, raw_times=[t for m in g for t in m.times],
                            task_spec=spec, metadata=None) for spec, g in groups.items()]


def select_unit(t):
    """The unit ("ns", "us", "ms" or "s") and its scale in seconds for showing time ``t``.

    Args:
        t (float): a time in seconds.

    Example::

        >>> from ember.utils.benchmark.utils.common import select_unit
        >>> select_unit(2.5e-5)
        ('us', 1e-06)
    """
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(math.log10(t) // 3) if t > 0 else -4, "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u):
    """The English word of a time unit ("us" -> "microsecond").

    Args:
        u (str): "ns", "us", "ms" or "s".

    Example::

        >>> from ember.utils.benchmark.utils.common import unit_to_english
        >>> unit_to_english("ms")
        'millisecond'
    """
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x, n):
    """Round ``x`` to ``n`` significant figures (3.14159, 2 -> 3.1).

    Args:
        x (float): the value.
        n (int): the number of significant figures.

    Example::

        >>> from ember.utils.benchmark.utils.common import trim_sigfig
        >>> trim_sigfig(3.14159, 2)
        3.1
    """
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    magnitude = int(math.ceil(math.log10(abs(x))))
    scale = 10.0 ** (magnitude - n)
    return float(np.round(x / scale) * scale)


def ordered_unique(elements):
    """The distinct elements, in order of first appearance.

    Args:
        elements (iterable): hashable values.

    Example::

        >>> from ember.utils.benchmark.utils.common import ordered_unique
        >>> ordered_unique([3, 1, 3, 2, 1])
        [3, 1, 2]
    """
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n):
    """Run the block with ``ember.set_num_threads(n)``, restoring the previous count after.

    Args:
        n (int): the number of threads.

    Example::

        >>> from ember.utils.benchmark.utils.common import set_torch_threads
        >>> with set_torch_threads(1):
        ...     ember.get_num_threads()
        1
    """
    import ember
    prior = ember.get_num_threads()
    try:
        ember.set_num_threads(n)
        yield
    finally:
        ember.set_num_threads(prior)
