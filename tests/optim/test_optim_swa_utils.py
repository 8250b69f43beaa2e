"""swa_utils (AveragedModel, SWALR, EMA/SWA averaging functions) against torch."""
import warnings

import numpy as np
import pytest

import ember
from optim_testutils import to_np

torch = pytest.importorskip("torch")


def _linear_pair():
    try:
        ember.nn.Linear
    except (ImportError, AttributeError):
        pytest.skip("ember.nn.Linear is not available yet")
    rng = np.random.default_rng(0)
    w, b = rng.standard_normal((2, 3)), rng.standard_normal(2)
    models = []
    for lib in (ember, torch):
        m = lib.nn.Linear(3, 2).double()
        with lib.no_grad():
            m.weight.copy_(lib.from_numpy(w.copy()))
            m.bias.copy_(lib.from_numpy(b.copy()))
        models.append(m)
    return models


@pytest.mark.parametrize("mode", ["swa", "ema", "ema_avg_fn"])
def test_averaged_model_matches_torch(mode):
    models = _linear_pair()
    results = []
    for lib, model in zip((ember, torch), models):
        su = lib.optim.swa_utils
        kwargs = {"swa": {}, "ema": {"multi_avg_fn": su.get_ema_multi_avg_fn(0.9)},
                  "ema_avg_fn": {"avg_fn": su.get_ema_avg_fn(0.8)}}[mode]
        avg = su.AveragedModel(model, **kwargs)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x = lib.from_numpy(np.linspace(-1, 1, 12).reshape(4, 3))
        for _ in range(5):
            opt.zero_grad()
            (model(x) ** 2).sum().backward()
            opt.step()
            avg.update_parameters(model)
        results.append(([to_np(p) for p in avg.parameters() if p.dim() > 0],
                        int(avg.n_averaged), to_np(avg(x))))
    (ours, n_ours, out_ours), (theirs, n_theirs, out_theirs) = results
    assert n_ours == n_theirs == 5
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out_ours, out_theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05), dict(swa_lr=[0.01, 0.2], anneal_epochs=4,
                                                            anneal_strategy="linear"),
                                    dict(swa_lr=0.3, anneal_epochs=0)])
def test_swalr_sequence_matches_torch(kwargs):
    seqs = []
    for lib in (ember, torch):
        a, b = lib.zeros(1, requires_grad=True), lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=1.0)
        sched = lib.optim.swa_utils.SWALR(opt, **kwargs)
        seq = [sched.get_last_lr()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(15):
                opt.step()
                sched.step()
                seq.append(sched.get_last_lr())
        seqs.append(np.array(seq, dtype=float))
    np.testing.assert_allclose(seqs[0], seqs[1], rtol=1e-12)


def test_avg_fn_helpers_match_torch():
    for name, args in [("get_ema_avg_fn", (0.7,)), ("get_swa_avg_fn", ())]:
        outs = []
        for lib in (ember, torch):
            fn = getattr(lib.optim.swa_utils, name)(*args)
            out = fn(lib.tensor([1.0, 2.0], dtype=lib.float64),
                     lib.tensor([3.0, -1.0], dtype=lib.float64), 3)
            outs.append(to_np(out))
        np.testing.assert_allclose(outs[0], outs[1], rtol=1e-14)
    with pytest.raises(ValueError, match="Invalid decay"):
        ember.optim.swa_utils.get_ema_multi_avg_fn(1.5)
