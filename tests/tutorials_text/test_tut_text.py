"""Official PyTorch tutorials beyond the seeds (text, RL, torch.func, AMP, profiler), shrunk
and run end to end: ``scripts/<name>.py`` is the tutorial's code on small generated data
(what changed is listed in each script's header and marked ``[test]``).

Each test runs the script twice in one fresh directory:

1. with real torch, in this process (``runpy``; real torch is already imported by the suite,
   which saves a second interpreter start-up), which also saves the initial weights (and the
   random data, where the tutorial draws it with torch) to a ``*_init.pt`` file;
2. with ember, ``python -m ember run scripts/<name>.py``, which loads that file.

Both runs therefore start from the same state. What is deterministic (eval-mode losses and
outputs before training, and whole training runs whose randomness comes only from Python's
``random`` / NumPy) must print the same numbers up to float tolerance; what depends on torch's
RNG streams (dropout, RandomSampler, Categorical.sample) is checked by what the tutorial
shows (the loss falls, the accuracy or reward rises).
"""
import contextlib
import io
import json
import os
import re
import runpy
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(HERE, "scripts")
sys.path.insert(0, HERE)

import text_tut_datagen as datagen  # noqa: E402

_NUM = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|-?inf|nan")


# ----------------------------------------------------------------------------- helpers
def run_torch(name, cwd, monkeypatch):
    """Run the script with real torch in this process; its stdout."""
    import torch

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", [os.path.join(SCRIPTS, name)])
    buf = io.StringIO()
    rng_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the ember run: tiny ops on two busy cores
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(os.path.join(SCRIPTS, name), run_name="__main__")
    finally:
        torch.set_default_device(None)  # amp_recipe_cpu sets one
        torch.set_rng_state(rng_state)
        torch.set_num_threads(threads)
    return buf.getvalue()


def run_ember(name, cwd, timeout=240):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONWARNINGS"] = "ignore"
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    r = subprocess.run([sys.executable, "-m", "ember", "run", os.path.join(SCRIPTS, name)],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{name} failed under ember:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    return r.stdout


@pytest.fixture
def both(tmp_path, monkeypatch):
    """run(name, prepare=None) -> (torch stdout, ember stdout), in one fresh directory."""
    def run(name, prepare=None):
        if prepare is not None:
            prepare(str(tmp_path))
        t = run_torch(name, str(tmp_path), monkeypatch)
        e = run_ember(name, str(tmp_path))
        return t, e
    run.dir = str(tmp_path)
    return run


def line(prefix, text):
    """The first line of ``text`` starting with ``prefix``."""
    for ln in text.splitlines():
        if ln.startswith(prefix):
            return ln
    raise AssertionError(f"no line starting with {prefix!r} in:\n{text}")


def lines(prefix, text):
    return [ln for ln in text.splitlines() if ln.startswith(prefix)]


def nums(s):
    return [float(v) for v in _NUM.findall(s)]


def assert_same_line(a, b, rtol=1e-3, atol=1e-5):
    """Equal text, numbers equal up to tolerance."""
    assert _NUM.sub("#", a) == _NUM.sub("#", b), f"\ntorch: {a}\nember: {b}"
    np.testing.assert_allclose(nums(b), nums(a), rtol=rtol, atol=atol, err_msg=f"\ntorch: {a}\nember: {b}")


def assert_same_lines(prefix, t, e, **tol):
    lt, le = lines(prefix, t), lines(prefix, e)
    assert len(lt) == len(le) and lt, (prefix, lt, le)
    for a, b in zip(lt, le):
        assert_same_line(a, b, **tol)


# ----------------------------------------------------------------------------- the tutorials
def test_char_rnn_classification(both):
    t, e = both("char_rnn_classification.py", datagen.make_names)
    # the whole run is deterministic (random is seeded, same start): every line but the clock
    tl = [re.sub(r"\(\d+m \d+s\)", "(T)", ln) for ln in t.splitlines()]
    el = [re.sub(r"\(\d+m \d+s\)", "(T)", ln) for ln in e.splitlines()]
    assert len(tl) == len(el), (t, e)
    for a, b in zip(tl, el):
        assert_same_line(a, b, rtol=2e-3, atol=2e-3)
    assert "Slusarski" in e and "torch.Size([5, 1, 57])" in e
    assert "grad_fn=<LogSoftmaxBackward0>" in e
    losses = nums(line("all_losses:", e))
    assert len(losses) == 6 and losses[-1] < losses[0]


def test_char_rnn_classification_v2(both):
    t, e = both("char_rnn_classification_v2.py", datagen.make_names)
    # everything up to training is deterministic (random_split draws from torch's RNG)
    tl, el = t.splitlines(), e.splitlines()
    stop = next(i for i, ln in enumerate(tl) if ln.startswith("training on data set"))
    assert len(el) > stop
    for a, b in zip(tl[:stop], el[:stop]):
        assert_same_line(a, b)
    assert_same_line(line("train examples", t), line("train examples", e))
    assert "Using device = cpu" in e and "grad_fn=<LogSoftmaxBackward0>" in e
    losses = nums(line("all_losses:", e))
    assert len(losses) == 8 and losses[-1] < 0.5 * losses[0]
    assert len(lines("confusion diagonal:", e)) == 1


def test_seq2seq_translation(both):
    t, e = both("seq2seq_translation.py", datagen.make_eng_fra)
    for prefix in ("Read ", "Trimmed", "fra ", "eng ", "['", "initial loss:", "shapes:",
                   "attention rows sum to 1:", "attention:"):
        assert_same_lines(prefix, t, e)
    assert "attention rows sum to 1: True" in e
    # training draws batches and dropout from torch's RNG: check that it learns
    first = nums(line("initial loss:", e))[0]
    losses = nums(line("plot_losses:", e))
    assert len(losses) == 4 and losses[-1] < 0.5 * losses[0] < first
    # (after 12 epochs the decoder may still emit only the padding id 0, "SOS", in torch too)
    outs = lines("< ", e)
    assert len(outs) == 3 and all(w in ("SOS", "EOS", "<EOS>", "i", "he", "she", "you", "we",
                                        "they", "am", "is", "are") or w.isalpha()
                                   for ln in outs for w in ln[2:].split())


def test_transformer_word_lm(both):
    t, e = both("transformer_word_lm.py")
    for prefix in ("train_data", "state_dict keys:", "mask equal:", "tensor(", "        [0.",
                   "initial valid loss"):
        assert_same_lines(prefix, t, e)
    assert "mask equal: True" in e
    initial = nums(line("initial valid loss", e))[0]
    best = nums(line("best valid loss", e))[0]
    assert best < 0.8 * initial
    assert len(lines("| epoch", e)) == len(lines("| epoch", t)) == 3
    assert len(lines("| end of epoch", e)) == 3 and "| End of training |" in e


def test_text_classification_embeddingbag(both):
    t, e = both("text_classification_embeddingbag.py")
    for prefix in ("(", "[", "TextClassificationModel(", "  (embedding)", "  (fc)", "batch:",
                   "logits:", "split:", "initial test accuracy"):
        assert_same_lines(prefix, t, e)
    assert "EmbeddingBag(" in e and "mode='mean'" in e
    assert nums(line("test accuracy", e.split("Checking the results")[1]))[0] >= 0.9
    assert "This is a Sports news" in e


def test_reinforce_policy_gradient(both):
    t, e = both("reinforce_policy_gradient.py")
    for prefix in ("probs:", "log_prob:", "entropy:", "sample:"):
        assert_same_lines(prefix, t, e)
    first, last = nums(line("mean reward", e))[-2:]
    assert last > first + 3, line("mean reward", e)
    assert lines("Episode 10\t", e)


def test_dqn_replay(both):
    t, e = both("dqn_replay.py")
    # Python's random and the environment drive every choice: the runs are the same
    for prefix in ("Complete", "durations:", "rewards:", "means:", "losses:", "n_losses:",
                   "q policy:", "q target:"):
        assert_same_lines(prefix, t, e, rtol=1e-3, atol=1e-4)
    losses = nums(line("losses:", e))
    assert np.mean(losses[-10:]) < np.mean(losses[:10])


def test_per_sample_grads(both):
    t, e = both("per_sample_grads.py")
    for prefix in ("loss:", "torch.Size", "ft grads:", "grad "):
        assert_same_lines(prefix, t, e)
    # torch.utils.benchmark's Measurement printing: the statement, a time, the run summary
    assert "compute_sample_grads(data, targets)" in e
    assert "ft_compute_sample_grad(params, buffers, data, targets)" in e
    assert len(lines("  1 measurement, 2 runs , 1 thread", e)) == 2
    assert "percent improvement with vmap" in e


def test_model_ensembling(both):
    t, e = both("model_ensembling.py")
    for prefix in ("[4, 4", "torch.Size", "params:", "base_model device:", "predictions1_vmap",
                   "predictions2_vmap"):
        assert_same_lines(prefix, t, e)


def test_amp_recipe_cpu(both):
    t, e = both("amp_recipe_cpu.py")
    for prefix in ("Sequential(", "  (", ")", "default precision loss:", "scale:",
                   "grad dtype after autocast backward:", "scaler state:", "optimizer state:"):
        assert_same_lines(prefix, t, e, rtol=1e-4, atol=1e-6)
    assert "torch.float32 torch.bfloat16 torch.float32" in e
    # bfloat16 matmuls: torch accumulates in float32 and rounds once, as ember does
    assert_same_lines("mixed precision loss:", t, e, rtol=2e-3)
    assert_same_lines("clipped loss:", t, e, rtol=2e-3)
    assert "Default precision:" in e and "Mixed precision:" in e


def test_profiler_recipe(both):
    t, e = both("profiler_recipe.py")
    assert line("header:", e) == line("header:", t)
    # ember records one event per ember op; these are torch's names for the same calls
    need = {"model_inference", "aten::conv2d", "aten::batch_norm", "aten::max_pool2d"}
    assert need <= set(eval(line("events:", e)[len("events:"):]))
    assert need <= set(eval(line("events:", t)[len("events:"):]))
    # record_shapes: the tensor arguments' shapes lead each conv2d entry, as in torch
    te = eval(line("conv2d input shapes:", t)[len("conv2d input shapes:"):])
    ee = eval(line("conv2d input shapes:", e)[len("conv2d input shapes:"):])
    assert [eval(s)[:2] for s in ee] == [eval(s)[:2] for s in te]
    assert "Input Shapes" in e and "Self CPU Mem" in e and "conv2d allocates: True" in e
    assert "ProfilerStep*" in e and "Self CPU time total:" in e
    for f in ("trace.json", "test_trace_4.json"):
        with open(os.path.join(both.dir, f)) as fh:
            events = json.load(fh)["traceEvents"]
        assert any(ev.get("name") == "aten::conv2d" for ev in events)
