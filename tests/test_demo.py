"""`python -m ember.demo`: the main demo trains its CNN on the embedded digits to >= 95 % test
accuracy, writes a checkpoint that reloads (in ember and in real torch) to the same accuracy,
and logs to TensorBoard when the extra is installed."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import ember

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import tensorboard  # noqa: F401
    HAS_TB = True
except ImportError:
    HAS_TB = False


def run_demo(tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    # the suite runs two workers on two cores: one BLAS thread each avoids oversubscription
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    r = subprocess.run([sys.executable, "-m", "ember.demo", "--epochs", "12", "--out", str(out)],
                       cwd=str(out.parent), env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    return r.stdout, out


def _percent(pattern, text):
    return [float(v) for v in re.findall(pattern, text)]


def check_reaches_95_percent(stdout):
    epochs = re.findall(r"epoch\s+(\d+)\s+loss ([0-9.]+)\s+test accuracy ([0-9.]+)%", stdout)
    assert [int(e) for e, _, _ in epochs] == list(range(1, 13)), stdout
    losses = [float(loss) for _, loss, _ in epochs]
    assert losses[-1] < losses[0] / 4
    assert float(epochs[-1][2]) >= 95.0, stdout
    assert "done in" in stdout.splitlines()[-1]


def check_checkpoint_reloads_with_the_same_accuracy(stdout, out):
    ckpt = out / "digits_cnn.pth"
    assert ckpt.is_file()
    (reported,) = _percent(r"and reloaded it: test accuracy ([0-9.]+)%", stdout)
    assert reported >= 95.0

    from ember.demo import DigitsCNN, evaluate
    from ember.utils.data import DataLoader
    from ember.vision import datasets, transforms

    state = ember.load(str(ckpt))
    assert state["epoch"] == 12 and set(state) == {"model", "optimizer", "epoch"}
    model = DigitsCNN()
    model.load_state_dict(state["model"])
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
    loader = DataLoader(datasets.Digits(train=False, transform=tf), batch_size=256)
    assert round(100 * evaluate(model, loader), 2) == pytest.approx(reported, abs=0.006)


def check_checkpoint_is_readable_by_torch(out):
    import torch

    theirs = torch.load(str(out / "digits_cnn.pth"), weights_only=True)
    ours = ember.load(str(out / "digits_cnn.pth"))
    assert list(theirs["model"]) == list(ours["model"])
    for k, v in ours["model"].items():
        np.testing.assert_array_equal(theirs["model"][k].numpy(), v.numpy())
    assert theirs["optimizer"]["param_groups"][0]["lr"] == ours["optimizer"]["param_groups"][0]["lr"]


def check_tensorboard_events(stdout, out):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = [f for f in os.listdir(out) if f.startswith("events.out.tfevents.")]
    assert files
    ea = EventAccumulator(str(out), size_guidance={"scalars": 0, "images": 0})
    ea.Reload()
    acc = ea.Scalars("test/accuracy")
    assert [e.step for e in acc] == list(range(1, 13))
    epochs = _percent(r"epoch\s+\d+\s+loss [0-9.]+\s+test accuracy ([0-9.]+)%", stdout)
    np.testing.assert_allclose([100 * e.value for e in acc], epochs, atol=0.006)
    assert len(ea.Scalars("train/loss")) == 12 * 45  # 1,438 images in batches of 32
    assert len(ea.Scalars("lr")) == 12
    assert "test_images" in ea.Tags()["images"]


def test_demo_trains_saves_and_logs(tmp_path):
    """One run (about 5-30 s on 2 cores), all the checks: each helper above is one claim."""
    pytest.importorskip("PIL")  # ToTensor on the embedded PIL digits needs the vision extra
    stdout, out = run_demo(tmp_path)
    check_reaches_95_percent(stdout)
    check_checkpoint_reloads_with_the_same_accuracy(stdout, out)
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        check_checkpoint_is_readable_by_torch(out)
    if HAS_TB:
        check_tensorboard_events(stdout, out)
    else:
        assert '(install "ember[tensorboard]" to log to TensorBoard)' in stdout
