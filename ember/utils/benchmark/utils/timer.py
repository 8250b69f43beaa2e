"""``Timer``: time a Python statement torch.utils.benchmark's way (warm-up, blocks, replicates)."""
import enum
import textwrap
import timeit

from . import common

__all__ = ["Timer", "timer", "Language"]


def timer():
    """The clock ``Timer`` uses: ``timeit.default_timer``, after waiting for a GPU that is in use.

    Args:
        (none)

    Example::

        >>> from ember.utils.benchmark.utils.timer import timer
        >>> t0 = timer(); t1 = timer(); t1 >= t0
        True
    """
    import sys
    if "cupy" in sys.modules:
        try:
            sys.modules["cupy"].cuda.get_current_stream().synchronize()
        except Exception:
            pass
    return timeit.default_timer()


class Language(enum.Enum):
    """The language of a timed statement: ember times Python statements only.

    Args:
        value (int): 0 for Python, 1 for C++ (not supported by ember).

    Example::

        >>> from ember.utils.benchmark.utils.timer import Language
        >>> Language.PYTHON
        <Language.PYTHON: 0>
    """
    PYTHON = 0
    CPP = 1


class Timer:
    """Measure how long a statement takes (``torch.utils.benchmark.Timer``).

    Like ``timeit.Timer`` (the statement runs many times in a loop, after ``setup``), with
    torch's additions: a warm-up, the thread count fixed to ``num_threads`` while timing,
    replicate blocks whose median and IQR are reported (``blocked_autorange``,
    ``adaptive_autorange``), and labels that ``Compare`` arranges into a table. ``torch``
    and ``ember`` are both available to the statement as the ``ember`` module.

    Args:
        stmt (str): the statement to time. Default: ``"pass"``.
        setup (str): code run once before timing (define variables here). Default: ``"pass"``.
        global_setup (str): C++ only in torch; must be empty. Default: ``""``.
        timer (callable): the clock. Default: ``timer`` (waits for the GPU when in use).
        globals (dict, optional): the variables the statement sees.
        label (str, optional): what is measured (the ``Compare`` table title).
        sub_label (str, optional): the variant (the ``Compare`` row).
        description (str, optional): the column in ``Compare`` (e.g. the input size).
        env (str, optional): an environment tag, shown when measurements differ in it.
        num_threads (int): BLAS threads while timing. Default: 1.
        language (str or Language): ``"python"`` only. Default: ``Language.PYTHON``.

    Example::

        >>> from ember.utils.benchmark import Timer
        >>> x = ember.ones(8, 8)
        >>> t = Timer("x @ x", globals={"x": x}, label="matmul", sub_label="8x8")
        >>> m = t.timeit(100)
        >>> m.number_per_run, len(m.times), m.title
        (100, 1, 'matmul: 8x8')
    """
    _timer_cls = timeit.Timer

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1,
                 language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            if language in (Language.CPP, "cpp", "c++"):
                raise ValueError("ember's Timer times Python statements only (language="
                                 "'python'); C++ statements need torch's JIT-built timer.")
            raise ValueError(f"Invalid language `{language}`.")
        if global_setup:
            raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely "
                             "this code can simply be moved to `setup`.")
        if not isinstance(num_threads, int) or num_threads < 1:
            raise ValueError(f"num_threads must be a positive int, got {num_threads!r}")
        import ember
        self._globals = dict(globals or {})
        self._globals.setdefault("torch", ember)
        self._globals.setdefault("ember", ember)
        self._language = Language.PYTHON
        stmt = textwrap.dedent(stmt)
        stmt = (stmt[1:] if stmt and stmt[0] == "\n" else stmt).rstrip()
        setup = textwrap.dedent(setup)
        setup = (setup[1:] if setup and setup[0] == "\n" else setup).rstrip()
        self._timer = self._timer_cls(stmt=stmt, setup=setup, timer=timer,
                                      globals=self._globals)
        self._task_spec = common.TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup,
                                          label=label, sub_label=sub_label,
                                          description=description, env=env,
                                          num_threads=num_threads)

    def _timeit(self, number):
        # at least 1 ns: later steps divide by it
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number=1000000):
        """Run the statement ``number`` times (after a short warm-up) and time it as one block.

        Args:
            number (int): how many runs. Default: 1000000.

        Example::

            >>> from ember.utils.benchmark import Timer
            >>> m = Timer("sum(range(10))").timeit(1000)
            >>> m.number_per_run, m.median > 0
            (1000, True)
        """
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(number=max(int(number // 100), 2))  # warm-up
            return common.Measurement(number_per_run=number, raw_times=[self._timeit(number)],
                                      task_spec=self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        """Not provided (as in torch): use ``blocked_autorange``.

        Args:
            repeat (int): unused.
            number (int): unused.

        Example::

            >>> from ember.utils.benchmark import Timer
            >>> try:
            ...     Timer().repeat()
            ... except NotImplementedError as e:
            ...     print(e)
            See `Timer.blocked_autorange.`
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        """Not provided (as in torch): use ``blocked_autorange``.

        Args:
            callback (callable, optional): unused.

        Example::

            >>> from ember.utils.benchmark import Timer
            >>> try:
            ...     Timer().autorange()
            ... except NotImplementedError as e:
            ...     print(e)
            See `Timer.blocked_autorange.`
        """
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _measurement_loop(self, number, stop_hook, min_run_time, max_run_time=None,
                          callback=None):
        total = 0.0
        can_stop = False
        times = []
        with common.set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                can_stop = stop_hook(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def _estimate_block_size(self, min_run_time):
        """The number of runs per block: grown by 10x until the timer's own overhead is negligible."""
        import numpy as np
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = float(np.median([self._timeit(0) for _ in range(5)]))
            number = 1
            while True:
                taken = self._timeit(number)
                if overhead / taken <= 1e-4 and taken >= min_run_time / 1000:
                    break
                if taken > min_run_time or number * 10 > 2147483647:
                    break
                number *= 10
        return number

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Time blocks of runs until ``min_run_time`` seconds have passed; one replicate per block.

        The block size is chosen first (growing by 10x until the clock's overhead is below
        0.01 % of a block), which also warms up. The result's ``median``/``iqr`` are per run.

        Args:
            callback (callable, optional): called as ``callback(number, seconds)`` after each
                block.
            min_run_time (float): total seconds to spend timing. Default: 0.2.

        Example::

            >>> from ember.utils.benchmark import Timer
            >>> m = Timer("x + 1", setup="x = ember.ones(4)").blocked_autorange(min_run_time=0.01)
            >>> m.median > 0 and len(m.times) >= 1
            True
        """
        number = self._estimate_block_size(min_run_time)
        times = self._measurement_loop(number, lambda times: True, min_run_time,
                                       callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times,
                                  task_spec=self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0,
                           callback=None):
        """Like ``blocked_autorange``, but keep timing until IQR / median < ``threshold``.

        Stops once there are more than 3 blocks, ``min_run_time`` has passed and the spread is
        small enough, or when ``max_run_time`` is exceeded.

        Args:
            threshold (float): the IQR / median to reach. Default: 0.1.
            min_run_time (float): seconds before the spread is checked. Default: 0.01.
            max_run_time (float): seconds after which timing stops anyway. Default: 10.0.
            callback (callable, optional): called as ``callback(number, seconds)`` per block.

        Example::

            >>> from ember.utils.benchmark import Timer
            >>> m = Timer("sum(range(50))").adaptive_autorange(max_run_time=0.2)
            >>> len(m.times) >= 4 or m.median > 0
            True
        """
        number = self._estimate_block_size(min_run_time=0.05)

        def stop_hook(times):
            if len(times) > 3:
                return common.Measurement(number_per_run=number, raw_times=times,
                                          task_spec=self._task_spec).meets_confidence(threshold)
            return False
        times = self._measurement_loop(number, stop_hook, min_run_time, max_run_time,
                                       callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times,
                                  task_spec=self._task_spec)
