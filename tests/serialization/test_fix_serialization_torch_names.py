"""Fix found by the saving/loading tutorial: a whole model (or optimizer, or class) saved by
ember is pickled under torch's class names, so real torch loads working torch modules, and
ember still loads it back as ember objects."""
import io

import numpy as np
import torch

import ember


def _saved():
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Conv2d(1, 2, 3), ember.nn.ReLU(), ember.nn.Flatten(),
                            ember.nn.Linear(8, 3))
    mha = ember.nn.MultiheadAttention(4, 2)
    opt = ember.optim.Adam(m.parameters(), lr=0.01)
    buf = io.BytesIO()
    ember.save({"m": m, "mha": mha, "opt": opt, "cls": ember.nn.Linear}, buf)
    return m, mha, buf


def test_whole_model_saved_by_ember_runs_in_torch():
    m, mha, buf = _saved()
    buf.seek(0)
    d = torch.load(buf, weights_only=False)
    assert type(d["m"][0]) is torch.nn.Conv2d and type(d["m"][3]) is torch.nn.Linear
    assert d["cls"] is torch.nn.Linear and type(d["opt"]) is torch.optim.Adam
    assert type(d["mha"]) is torch.nn.MultiheadAttention
    x = np.linspace(-1, 1, 2 * 16).reshape(2, 1, 4, 4).astype(np.float32)
    np.testing.assert_allclose(d["m"](torch.tensor(x)).detach().numpy(),
                               m(ember.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    q = np.linspace(-1, 1, 12).reshape(3, 1, 4).astype(np.float32)
    out_t = d["mha"](*(torch.tensor(q),) * 3)[0].detach().numpy()
    out_e = mha(*(ember.tensor(q),) * 3)[0].detach().numpy()
    np.testing.assert_allclose(out_t, out_e, rtol=1e-5, atol=1e-6)


def test_whole_model_saved_by_ember_loads_in_ember():
    m, mha, buf = _saved()
    buf.seek(0)
    d = ember.load(buf, weights_only=False)
    assert type(d["m"][0]) is ember.nn.Conv2d and d["cls"] is ember.nn.Linear
    assert type(d["mha"]) is ember.nn.MultiheadAttention
    assert type(d["mha"].out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert type(d["opt"]) is ember.optim.Adam
    assert ember.equal(d["m"][3].weight, m[3].weight)
