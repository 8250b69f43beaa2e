"""``ember.profiler``: where the time of a model goes (torch.profiler).

``profile`` records every op (under torch's ``aten::`` names), every backward node and every
``record_function`` block; ``prof.key_averages().table(...)`` prints torch's table and
``prof.export_chrome_trace(path)`` writes a trace for chrome://tracing, Perfetto or
TensorBoard (``tensorboard_trace_handler``). ``schedule`` picks which training steps to record.

Example::

    >>> from ember.profiler import profile, record_function, ProfilerActivity
    >>> net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU())
    >>> with profile(activities=[ProfilerActivity.CPU]) as prof:
    ...     with record_function("model_inference"):
    ...         y = net(ember.randn(2, 4))
    >>> print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=5))  # doctest: +SKIP
"""
from .profiler import (ProfilerActivity, ProfilerAction, schedule, profile,  # noqa: F401
                       tensorboard_trace_handler, supported_activities, _KinetoProfile)
from ..autograd.profiler import record_function, EventList, FunctionEvent  # noqa: F401
from . import profiler  # noqa: F401

__all__ = ["profile", "record_function", "schedule", "ProfilerActivity", "ProfilerAction",
           "tensorboard_trace_handler", "supported_activities"]
