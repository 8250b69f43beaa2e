"""ember.utils.benchmark, model_zoo and hooks against torch.utils."""
import os
import re

import numpy as np
import pytest
import torch
import torch.utils.benchmark as tb
from torch.utils.benchmark.utils import common as tcommon

import ember
import ember.utils.benchmark as eb
from ember.utils.benchmark.utils import common as ecommon


def _pair(raw, number=10, **spec):
    stmt = spec.pop("stmt", "x @ x")
    setup = spec.pop("setup", "pass")
    return (ecommon.Measurement(number, list(raw), ecommon.TaskSpec(stmt, setup, **spec)),
            tcommon.Measurement(number, list(raw), tcommon.TaskSpec(stmt, setup, **spec)))


def _body(r):
    """A Measurement repr without the first line (the object's address)."""
    return r.split("\n", 1)[1]


RAWS = [[1.5e-4], [1e-3, 1.1e-3, 0.9e-3], [2e-5, 2.1e-5, 1.9e-5, 2.05e-5, 2.2e-5],
        [1.0, 1.6, 0.7, 1.2, 2.5, 0.9], [3e-7, 3e-7, 3e-7, 3e-7]]


@pytest.mark.parametrize("raw", RAWS)
@pytest.mark.parametrize("spec", [dict(), dict(label="mm", sub_label="100", description="f32"),
                                  dict(stmt="y = x + 1\nz = y * 2", setup="x = 1",
                                       num_threads=4),
                                  dict(setup="a = 1\nb = 2", sub_label="s")])
def test_measurement_stats_and_repr_match_torch(raw, spec):
    e, t = _pair(raw, **spec)
    assert e.median == pytest.approx(t.median) and e.mean == pytest.approx(t.mean)
    assert e.iqr == pytest.approx(t.iqr)
    assert e.times == pytest.approx(t.times)
    assert e.has_warnings == t.has_warnings
    assert e.significant_figures == t.significant_figures
    assert e.meets_confidence(0.2) == t.meets_confidence(0.2)
    assert (e.title, e.env, e.as_row_name, e.num_threads, e.label) == \
        (t.title, t.env, t.as_row_name, t.num_threads, t.label)
    assert _body(repr(e)) == _body(repr(t))
    assert repr(e).startswith("<ember.utils.benchmark.utils.common.Measurement object at ")


def test_unit_helpers_match_torch():
    for v in (3e-10, 2.5e-8, 7e-6, 0.0042, 0.9, 12.0):
        assert ecommon.select_unit(v) == tcommon.select_unit(v)
    for v, n in ((3.14159, 2), (0.000123456, 3), (98765.4, 1), (1.05, 4)):
        assert ecommon.trim_sigfig(v, n) == pytest.approx(tcommon.trim_sigfig(v, n))
    assert ecommon.unit_to_english("us") == tcommon.unit_to_english("us")
    assert ecommon.ordered_unique([3, 1, 3, 2]) == tcommon.ordered_unique([3, 1, 3, 2])
    merged_e = ecommon.Measurement.merge(list(_pair([1e-3, 2e-3], 4)[:1]) * 2)
    assert len(merged_e) == 1 and merged_e[0].number_per_run == 1 and len(merged_e[0].times) == 4


def _grid(mod):
    """Measurements with fixed times over labels, rows, columns, threads and envs."""
    C = mod.Measurement
    S = mod.TaskSpec
    rng = np.random.default_rng(0)
    out = []
    for label in ("matmul", "add"):
        for threads in (1, 4):
            for n in (16, 256):
                for desc in ("float32", "float64"):
                    base = (n / 16) ** 1.5 * (2e-6 if desc == "float32" else 3e-6) / threads
                    raw = list(base * 10 * (1 + 0.3 * rng.random(6)))
                    out.append(C(10, raw, S("x @ x", "pass", label=label, sub_label=f"n={n}",
                                            description=desc, num_threads=threads)))
    noisy = [1e-3, 5e-3, 1e-3, 9e-3]
    out.append(C(1, noisy, S("y", "pass", label="noisy", sub_label="a", description="d",
                             env="env1")))
    out.append(C(1, [2e-3] * 4, S("y", "pass", label="noisy", sub_label="b", description="d",
                                  env="env2")))
    out.append(C(1, [3e-3] * 4, S("y", "pass", label="noisy", sub_label="b", description="e",
                                  env="env2")))
    return out


@pytest.mark.parametrize("opts", [(), ("trim",), ("colorize",), ("rowwise",),
                                  ("trim", "colorize", "warnings")])
def test_compare_output_identical_to_torch(opts, capsys):
    results = []
    for mod, C in ((ecommon, eb.Compare), (tcommon, tb.Compare)):
        c = C(_grid(mod))
        if "trim" in opts:
            c.trim_significant_figures()
        if "colorize" in opts:
            c.colorize()
        if "rowwise" in opts:
            c.colorize(rowwise=True)
        if "warnings" in opts:
            c.highlight_warnings()
        results.append(str(c))
    assert results[0] == results[1]
    assert "[" in results[0] and "Times are in" in results[0]
    with pytest.raises(ValueError, match="Expected an instance of `Measurement`"):
        eb.Compare([1.0])


def test_timer_timeit_and_labels():
    x = ember.ones(8, 8)
    t = eb.Timer("x @ x", globals={"x": x}, label="mm", sub_label="8", description="f32")
    m = t.timeit(50)
    assert isinstance(m, eb.Measurement)
    assert m.number_per_run == 50 and len(m.raw_times) == 1 and m.median > 0
    assert m.title == "mm: 8" and m.description == "f32" and m.stmt == "x @ x"
    lines = repr(m).splitlines()
    assert lines[1:3] == ["mm: 8", "f32"]
    assert re.fullmatch(r"  \d+\.\d\d (ns|us|ms|s)", lines[3])
    assert lines[4] == "  1 measurement, 50 runs , 1 thread"
    # torch's repr for the same kind of run has the same shape
    tm = tb.Timer("x @ x", globals={"x": torch.ones(8, 8)}, label="mm", sub_label="8",
                  description="f32").timeit(50)
    def shape(r):
        return re.sub(r"\d+\.\d\d (ns|us|ms|s)", "T", r.split("\n", 1)[1])
    assert shape(repr(tm)) == shape(repr(m))


def test_timer_setup_globals_and_torch_name():
    t = eb.Timer("y = torch.ones(3) + a", setup="a = torch.ones(3)\nb = 2")
    assert t.timeit(5).number_per_run == 5
    t2 = eb.Timer("""
        z = ember.zeros(2)
        z + k
        """, globals={"k": 1.0})
    assert t2._task_spec.stmt == "z = ember.zeros(2)\nz + k"
    counter = {"n": 0}

    def bump():
        counter["n"] += 1
    eb.Timer("f()", globals={"f": bump}).timeit(20)
    assert counter["n"] == 20 + 2  # the warm-up runs max(20 // 100, 2) times, as torch's


def test_blocked_and_adaptive_autorange():
    seen = []
    t = eb.Timer("x.sum()", setup="x = ember.ones(100)", num_threads=1)
    m = t.blocked_autorange(callback=lambda n, s: seen.append((n, s)), min_run_time=0.02)
    assert m.number_per_run >= 1 and len(m.raw_times) == len(seen) >= 1
    assert sum(m.raw_times) >= 0.02
    assert all(n == m.number_per_run for n, _ in seen)
    assert m.median == pytest.approx(float(np.median(m.times)))
    a = t.adaptive_autorange(threshold=0.5, min_run_time=0.01, max_run_time=0.5)
    assert len(a.raw_times) >= 4 or sum(a.raw_times) > 0.5
    if len(a.raw_times) >= 4 and sum(a.raw_times) <= 0.5:
        assert a.meets_confidence(0.5)


def test_timer_threads_restored_and_errors_match_torch():
    before = ember.get_num_threads()
    eb.Timer("1 + 1", num_threads=1).timeit(10)
    assert ember.get_num_threads() == before
    for kw in (dict(stmt=lambda: None), dict(global_setup="#include <x>")):
        with pytest.raises(ValueError) as ee:
            eb.Timer(**kw)
        with pytest.raises(ValueError) as te:
            tb.Timer(**kw)
        assert str(ee.value) == str(te.value)
    with pytest.raises(ValueError, match="Python statements only"):
        eb.Timer("x", language="cpp")
    with pytest.raises(NotImplementedError, match="blocked_autorange"):
        eb.Timer().repeat()
    with pytest.raises(NameError):
        eb.Timer("undefined_name + 1").timeit(1)


def test_model_zoo_load_url_is_hub_loader(tmp_path):
    from ember.utils import model_zoo
    import ember.hub
    import torch.utils.model_zoo
    assert model_zoo.load_url is ember.hub.load_state_dict_from_url
    # a file:// URL exercises the real download-and-cache path without a network
    src = tmp_path / "src" / "weights-abc.pt"
    src.parent.mkdir()
    sd = {"w": ember.arange(6.0).reshape(2, 3)}
    ember.save(sd, src)
    cache = tmp_path / "cache"
    loaded = model_zoo.load_url(src.as_uri(), model_dir=str(cache), progress=False)
    assert ember.equal(loaded["w"], sd["w"])
    assert os.listdir(cache) == ["weights-abc.pt"]
    t_loaded = torch.utils.model_zoo.load_url(src.as_uri(), model_dir=str(tmp_path / "tc"),
                                              progress=False)
    assert np.array_equal(t_loaded["w"].numpy(), loaded["w"].numpy())


def test_hooks_removable_handle_reexport():
    from ember.utils import hooks
    from ember.nn.modules.module import RemovableHandle
    assert hooks.RemovableHandle is RemovableHandle
    net = ember.nn.Linear(2, 2)
    calls = []
    h = net.register_forward_hook(lambda m, i, o: calls.append(1))
    assert isinstance(h, hooks.RemovableHandle)
    net(ember.ones(1, 2))
    h.remove()
    net(ember.ones(1, 2))
    assert calls == [1]
    with hooks.RemovableHandle(net._forward_hooks) as h2:
        net._forward_hooks[h2.id] = lambda m, i, o: calls.append(2)
        net(ember.ones(1, 2))
    net(ember.ones(1, 2))
    assert calls == [1, 2]
    x = ember.ones(2, requires_grad=True)
    x.register_hook(hooks.unserializable_hook(lambda g: g))
    hooks.warn_if_has_hooks(x)  # the only hook is marked: no warning
    x.register_hook(lambda g: g)
    with pytest.warns(UserWarning, match="will not be serialized"):
        hooks.warn_if_has_hooks(x)
