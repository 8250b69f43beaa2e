"""Official PyTorch tutorials/recipes (Learning PyTorch with Examples, What is torch.nn
really?, Saving and loading models, Extending torch.autograd / double backward / conv-bn
fusion), shrunk and run end to end: ``scripts/<name>.py`` is the tutorial's code on small
generated data (what changed is listed in each script's header and marked ``[test]``).

Each test runs the script twice in one fresh tmp directory: first with real torch in this
process (it saves the random initial weights to a ``*_init.pt`` file), then with
``python -m ember run``, which loads them; deterministic lines must match up to float
tolerance, the rest is checked by what the tutorial shows (the loss falls).
"""
import contextlib
import io
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
_NUM = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|-?inf|nan")


def run_torch(name, cwd, monkeypatch):
    """Run the script with real torch in this process: (stdout, its globals)."""
    import torch

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", [os.path.join(SCRIPTS, name)])
    buf = io.StringIO()
    rng_state = torch.get_rng_state()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with contextlib.redirect_stdout(buf):
            ns = runpy.run_path(os.path.join(SCRIPTS, name), run_name="__main__")
    finally:
        torch.set_default_device(None)
        torch.set_rng_state(rng_state)
        torch.set_num_threads(threads)
    return buf.getvalue(), ns


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
    def run(name):
        t, ns = run_torch(name, str(tmp_path), monkeypatch)
        run.ns = ns
        return t, run_ember(name, str(tmp_path))
    run.dir = str(tmp_path)
    return run


def line(prefix, text):
    for ln in text.splitlines():
        if ln.startswith(prefix):
            return ln
    raise AssertionError(f"no line starting with {prefix!r} in:\n{text}")


def nums(s):
    return [float(v) for v in _NUM.findall(s)]


def assert_same_line(a, b, rtol=1e-3, atol=1e-5):
    assert _NUM.sub("#", a) == _NUM.sub("#", b), f"\ntorch: {a}\nember: {b}"
    np.testing.assert_allclose(nums(b), nums(a), rtol=rtol, atol=atol, err_msg=f"\ntorch: {a}\nember: {b}")


def assert_same_text(t, e, skip=(), **tol):
    tl = [ln for ln in t.splitlines() if not ln.startswith(skip)]
    el = [ln for ln in e.splitlines() if not ln.startswith(skip)]
    if len(tl) != len(el):
        import difflib
        raise AssertionError("\n".join(difflib.unified_diff(tl, el, "torch", "ember", lineterm="")))
    for a, b in zip(tl, el):
        assert_same_line(a, b, **tol)


# ----------------------------------------------------------------------------- the tutorials
def test_pytorch_with_examples(both):
    t, e = both("pytorch_with_examples.py")
    # every version starts from torch's weights and is deterministic: the whole output matches
    assert_same_text(t, e, rtol=1e-4, atol=1e-5)
    assert "legendre grad_fn: AddBackward0 | LegendrePolynomial3Backward" in e
    assert "(1): Flatten(start_dim=0, end_dim=1)" in e
    assert "poly3 params: ['a', 'b', 'c', 'd']" in e
    for label in ("tensor:", "autograd:", "nn:", "optim:"):  # (short runs: others may rise)
        steps = [nums(ln)[-1] for ln in e.splitlines() if ln.startswith(label) and "Result" not in ln]
        assert steps[-1] < steps[0], label


def test_nn_tutorial(both):
    t, e = both("nn_tutorial.py")
    # up to the shuffled DataLoader everything is deterministic
    tl, el = t.splitlines(), e.splitlines()
    stop = next(i for i, ln in enumerate(tl) if ln.startswith("valid 0"))
    assert len(el) > stop
    for a, b in zip(tl[:stop], el[:stop]):
        assert_same_line(a, b, rtol=1e-4, atol=1e-5)
    for prefix in ("cnn initial", "seq initial", "wrapped initial", "Sequential(", "  (", "False"):
        assert_same_line(line(prefix, t), line(prefix, e), rtol=1e-5)
    fits = [nums(ln)[1] for ln in el if ln.startswith("fit ")]
    assert len(fits) == len([ln for ln in tl if ln.startswith("fit ")]) == 9
    assert fits[1] < fits[0] < 0.5 and fits[3] < nums(line("cnn initial", e))[0]
    assert nums(line("np on tensors:", e))[0] == pytest.approx(fits[1], rel=1e-5)


def test_saving_loading(both):
    import torch

    t, e = both("saving_loading.py")
    assert_same_text(t, e, skip=("torch file:",), rtol=1e-4, atol=1e-6)
    assert "state_dict round trip: True" in e and "entire model: TheModelClass True" in e
    assert "missing: ['head.weight', 'head.bias']" in e
    assert "unexpected: ['fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']" in e
    assert "strict: Error(s) in loading state_dict for NetB:" in e
    assert "torch file: TheModelClass ['param_groups', 'state'] (2, 3, 32, 32)" in e
    # what ember wrote, real torch reads (the pickled model's class lives in the script)
    main = sys.modules["__main__"]
    had = hasattr(main, "TheModelClass")
    setattr(main, "TheModelClass", both.ns["TheModelClass"])
    try:
        ck = torch.load(os.path.join(both.dir, "ember_written.pt"), weights_only=False)
        ref = torch.load(os.path.join(both.dir, "torch_written.pt"), weights_only=False)
    finally:
        if not had:
            delattr(main, "TheModelClass")
    whole = ck["whole"]
    assert isinstance(whole, torch.nn.Module) and isinstance(ck["out"], torch.Tensor)
    torch.testing.assert_close(whole(ref["x"]), ck["out"], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(whole(ref["x"]), ref["whole"](ref["x"]), rtol=1e-4, atol=1e-5)
    assert ck["opt"]["param_groups"][0]["momentum"] == 0.9
    assert set(ck["state"]) == set(ref["model_state_dict"])


def test_custom_function(both):
    t, e = both("custom_function.py")
    assert_same_text(t, e, rtol=1e-4, atol=1e-5)
    assert line("mark_dirty:", e) == "mark_dirty: True True"  # the dirty input is returned
    for check in ("linear gradcheck", "my_cube gradgradcheck", "square gradgradcheck",
                  "sinh gradgradcheck", "exp gradgradcheck", "cube gradgradcheck",
                  "conv2d gradcheck", "nn.grad conv2d_input", "nn.grad conv2d_weight",
                  "batchnorm gradcheck", "fused gradcheck"):
        assert f"{check}: True" in e, check
    assert "cube grad_fn: CubeBackwardBackward" in e


def _events(path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(path, size_guidance={"scalars": 0, "images": 0, "histograms": 0})
    acc.Reload()
    return acc


def test_basic_recipes(both):
    t, e = both("basic_recipes.py")
    # when both runs start in the same second they share SummaryWriter()'s default log_dir;
    # the second then prints torch's "warning: Embedding dir exists, ..." (as torch would)
    assert_same_text(t, e, skip=("warning: Embedding dir exists",), rtol=1e-4, atol=1e-6)
    assert "loader reproducible: True True" in e and "same after manual_seed: True" in e
    assert "tb files: True True True True True" in e
    # the event files: ember's (written by the subprocess) against torch's (this process)
    found = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(both.dir, "runs"))
             for f in fs if f.startswith("events.out.tfevents")]
    mine = f".{os.getpid()}."
    (tf,) = [f for f in found if mine in os.path.basename(f)]
    (ef,) = [f for f in found if mine not in os.path.basename(f)]
    ta, ea = _events(tf), _events(ef)
    for kind in ("scalars", "images", "histograms"):
        assert ea.Tags()[kind] == ta.Tags()[kind], kind
    assert ea.Tags()["graph"] and ta.Tags()["graph"]
    ts = [(s.step, s.value) for s in ta.Scalars("Loss/train")]
    es = [(s.step, s.value) for s in ea.Scalars("Loss/train")]
    assert [s for s, _ in es] == list(range(10))
    np.testing.assert_allclose([v for _, v in es], [v for _, v in ts], rtol=1e-4)
    (ti,), (ei,) = ta.Images("four_fashion_mnist_images"), ea.Images("four_fashion_mnist_images")
    assert (ei.width, ei.height) == (ti.width, ti.height) == (138, 36)
