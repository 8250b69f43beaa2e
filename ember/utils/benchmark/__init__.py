"""``ember.utils.benchmark``: measure and compare the speed of statements (torch.utils.benchmark).

``Timer`` times a statement (``timeit``, ``blocked_autorange``, ``adaptive_autorange``) and
returns a ``Measurement`` (median, mean, IQR, per-run ``times``); ``Compare`` prints many
measurements as a table.

Example::

    >>> from ember.utils.benchmark import Timer
    >>> x = ember.randn(16, 16)
    >>> m = Timer("x @ x", globals={"x": x}).blocked_autorange(min_run_time=0.01)
    >>> m.median > 0
    True
"""
from .utils.common import Measurement, TaskSpec, select_unit  # noqa: F401
from .utils.timer import Timer, Language, timer  # noqa: F401
from .utils.compare import Compare, Colorize  # noqa: F401

__all__ = ["Timer", "Measurement", "Compare", "Colorize", "TaskSpec", "Language",
           "select_unit", "timer"]
