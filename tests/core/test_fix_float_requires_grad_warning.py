"""``float(t)`` of a tensor that requires grad warns once per process, as torch (the DCGAN
tutorial's logging met it); int(), bool(), .item(), tensors without grad and float() under
no_grad (as LBFGS.step does) stay silent."""
import json
import os
import subprocess
import sys
import warnings

import pytest

import ember

SNIPPET = r"""
import json, sys, warnings
lib = __import__(sys.argv[1])
out = []
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    w = lib.ones(3, requires_grad=True)
    s = w.sum()

    def under_no_grad():
        with lib.no_grad():
            return float(s)  # LBFGS.step does this: silent
    for step, f in enumerate([lambda: w.sum().item(), lambda: int(w.sum()), lambda: bool(w.sum()),
                              lambda: float(w.sum().detach()), under_no_grad,
                              lambda: float(w.sum()), lambda: float(w[0]),
                              lambda: float(w.sum())]):
        before = len(caught)
        value = f()
        out.append([step, value, [(c.category.__name__, str(c.message).splitlines()[0],
                                   c.filename == "<string>") for c in caught[before:]]])
print(json.dumps(out))
"""


def _run(lib):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", SNIPPET, lib], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_float_of_grad_tensor_warns_once_like_torch():
    pytest.importorskip("torch")
    expected = _run("torch")
    got = _run("ember")
    assert got == expected
    assert [len(w) for _, _, w in got] == [0, 0, 0, 0, 0, 1, 0, 0]


def test_float_without_grad_is_silent(monkeypatch):
    monkeypatch.setattr(ember._tensor, "_FLOAT_OF_GRAD_WARNED", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(ember.tensor(2.5)) == 2.5
        with ember.no_grad():
            assert float(ember.ones(2, requires_grad=True).sum()) == 2.0
        x = ember.ones(3, requires_grad=True)
        opt = ember.optim.LBFGS([x], max_iter=2)

        def closure():
            opt.zero_grad()
            loss = (x ** 2).sum()
            loss.backward()
            return loss
        opt.step(closure)
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True"):
        float(ember.ones(2, requires_grad=True).sum())
