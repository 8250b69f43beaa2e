"""A writer process killed with SIGKILL leaves an event file TensorBoard reads up to the last
complete record."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import ember  # noqa: F401  (the package under test)

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkilled_writer_leaves_readable_event_file(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {REPO_ROOT!r})
        from ember.utils.tensorboard import SummaryWriter
        w = SummaryWriter({str(tmp_path)!r}, flush_secs=10_000)
        step = 0
        while True:
            w.add_scalar("loss", 1.0 / (step + 1), step)
            w.add_text("note", "x" * (step % 50), step)  # records of varying length
            if step % 10 == 9:
                w.flush()
                print(step, flush=True)  # everything up to `step` is on disk now
            step += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, proc.kill)  # bounds the blocking readline() below
    watchdog.start()
    try:
        flushed = -1
        deadline = time.monotonic() + 30
        while flushed < 300 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            flushed = int(line)
        assert flushed >= 9, "the writer subprocess produced no flush in time"
    finally:
        watchdog.cancel()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    acc = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "tensors": 0})
    acc.Reload()
    steps = [e.step for e in acc.Scalars("loss")]
    # every flushed step is there, in order, without gaps; anything after it is whole records
    assert steps[: flushed + 1] == list(range(flushed + 1))
    assert steps == list(range(len(steps)))
    assert [e.value for e in acc.Scalars("loss")][:3] == [1.0, 0.5, pytest.approx(1 / 3)]
