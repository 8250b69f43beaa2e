"""Start the real `tensorboard` server on our log dir and ask its HTTP API for our runs and tags."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

import ember
from ember.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboard")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


def test_tensorboard_server_lists_our_runs_and_tags(tmp_path):
    logdir = tmp_path / "logs"
    with SummaryWriter(str(logdir / "exp1")) as w:
        for i in range(5):
            w.add_scalar("loss/train", ember.tensor(1.0 / (i + 1)), i)
        w.add_scalars("acc", {"train": 0.5, "val": 0.4}, 0)
        w.add_histogram("weights", np.random.default_rng(0).standard_normal(100), 0)
    with SummaryWriter(str(logdir / "exp2")) as w:
        w.add_scalar("loss/val", 0.25, 3)

    exe = shutil.which("tensorboard")
    cmd = [exe] if exe else [sys.executable, "-m", "tensorboard.main"]
    port = _free_port()
    cmd += ["--logdir", str(logdir), "--host", "127.0.0.1", "--port", str(port),
            "--reload_interval", "1", "--load_fast", "false"]
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    log = open(tmp_path / "tensorboard.log", "w+b")  # a file, so a chatty server never blocks
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 25.0
        runs, tags, last_err = None, None, None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail("tensorboard exited early: " + log.read().decode()[-2000:])
            try:
                runs = _get_json(base + "/data/runs")
                tags = _get_json(base + "/data/plugin/scalars/tags")
                if {"exp1", "exp2", "exp1/acc_train", "exp1/acc_val"} <= set(runs) and \
                        "loss/val" in tags.get("exp2", {}):
                    break
            except (urllib.error.URLError, ConnectionError, OSError, ValueError) as e:
                last_err = e
            time.sleep(0.3)
        else:
            pytest.fail(f"tensorboard did not serve our runs in time: runs={runs} "
                        f"tags={tags} last error={last_err!r}")
        assert "loss/train" in tags["exp1"]
        assert "acc" in tags["exp1/acc_train"] and "acc" in tags["exp1/acc_val"]
        # the values themselves, through the same API the dashboard uses
        data = _get_json(base + "/data/plugin/scalars/scalars?run=exp1&tag=loss/train")
        assert [row[1] for row in data] == [0, 1, 2, 3, 4]
        np.testing.assert_allclose([row[2] for row in data], [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5],
                                   rtol=1e-6)
        hist_tags = _get_json(base + "/data/plugin/histograms/tags")
        assert "weights" in hist_tags["exp1"]
    finally:
        proc.kill()
        proc.wait(timeout=10)
        log.close()
