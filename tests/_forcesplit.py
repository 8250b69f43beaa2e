"""A pytest plugin that makes ember split every op it can over two threads.

Ordinary tests use small inputs, which never reach ``ember._parallel.MIN_WORK``; with this
plugin the whole suite runs through the split code paths (convolutions, pooling, batch norm,
elementwise ops, sums, matrix products). Run it after changing a split path::

    PYTHONPATH=tests python -m pytest -p _forcesplit -n 2 tests

One test fails by design under it (``test_parts_serial_cases_and_thread_count``: small work
must not split). ``tests/core/test_parallel_ops.py`` does the same per test with a fixture.
"""
import ember
from ember import _parallel

_parallel.MIN_WORK = 1
_parallel.MATMUL_MIN_WORK = 1
ember.set_num_threads(2)
_parallel.parts(2, 1 << 30)      # start the pool: matrix products never start it themselves
