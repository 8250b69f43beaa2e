"""ember.profiler / ember.autograd.profiler against torch.profiler."""
import gzip
import json
import os
import threading
import warnings

import numpy as np
import pytest
import torch
import torch.autograd.profiler_util as tpu

import ember
import ember.profiler as eprof
from ember.autograd import profiler as eap


def _conv_net(lib):
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 3 * 3, 5), nn.ReLU(), nn.Linear(5, 3))


def _counts(prof):
    return {e.key: e.count for e in prof.key_averages()}


def _profile_step(lib, prof_mod):
    net = _conv_net(lib)
    x = lib.randn(2, 2, 8, 8)
    with prof_mod.profile(activities=[prof_mod.ProfilerActivity.CPU], record_shapes=True) as p:
        with prof_mod.record_function("model_inference"):
            out = net(x)
        out.sum().backward()
    return p


def test_profiler_records_the_ops_torch_records_with_the_same_counts():
    ep = _profile_step(ember, eprof)
    tp = _profile_step(torch, torch.profiler)
    ec, tc = _counts(ep), _counts(tp)
    names = ["model_inference", "aten::conv2d", "aten::relu", "aten::max_pool2d",
             "aten::addmm",
             "autograd::engine::evaluate_function: AddmmBackward0", "AddmmBackward0",
             "autograd::engine::evaluate_function: ReluBackward0", "ReluBackward0",
             "autograd::engine::evaluate_function: SumBackward0", "SumBackward0"]
    for n in names:
        assert n in ec, n
        assert ec[n] == tc[n], (n, ec[n], tc[n])
    assert ec["aten::addmm"] == 2 and ec["aten::relu"] == 2 and ec["aten::conv2d"] == 1


def test_event_tree_self_and_total_times_are_consistent():
    p = _profile_step(ember, eprof)
    events = p.events()
    assert len(events) > 10
    for e in events:
        assert e.cpu_time_total >= e.self_cpu_time_total >= 0
        assert e.self_cpu_time_total == pytest.approx(
            e.cpu_time_total - sum(c.cpu_time_total for c in e.cpu_children))
        for c in e.cpu_children:
            assert c.cpu_parent is e
            assert e.time_range.start <= c.time_range.start <= c.time_range.end <= \
                e.time_range.end
    # the self times add up to the time of the top-level events
    top = [e for e in events if e.cpu_parent is None]
    assert sum(e.self_cpu_time_total for e in events) == pytest.approx(
        sum(e.cpu_time_total for e in top), rel=1e-9)
    # the forward ops are children of the record_function range
    mi = next(e for e in events if e.name == "model_inference")
    assert {c.name for c in mi.cpu_children} >= {"aten::conv2d", "aten::addmm", "aten::relu"}
    # each backward node sits inside its engine range
    for e in events:
        if e.name.startswith("autograd::engine::evaluate_function: "):
            node = e.name.split(": ", 1)[1]
            assert [c.name for c in e.cpu_children][:1] == [node]
    avg = p.key_averages()
    total = sum(a.self_cpu_time_total for a in avg)
    assert total == pytest.approx(avg.self_cpu_time_total)
    for a in avg:
        assert a.cpu_time_total >= a.self_cpu_time_total
        assert a.cpu_time == pytest.approx(a.cpu_time_total / a.count)


def test_nested_record_functions_and_decorator():
    @eprof.record_function("decorated")
    def work(t):
        return t.exp()

    x = ember.ones(10)
    with eap.profile() as p:
        with eprof.record_function("outer"):
            with eprof.record_function("inner"):
                x.sin()
            work(x)
            work(x)
    ev = {e.name: e for e in p.function_events}
    outer, inner = ev["outer"], ev["inner"]
    assert inner.cpu_parent is outer
    assert [c.name for c in inner.cpu_children] == ["aten::sin"]
    assert outer.cpu_time_total >= inner.cpu_time_total + sum(
        e.cpu_time_total for e in p.function_events if e.name == "decorated")
    assert _counts(p)["decorated"] == 2 and _counts(p)["aten::exp"] == 2
    for e in p.function_events:
        if e.name == "decorated":
            assert e.cpu_parent is outer and [c.name for c in e.cpu_children] == ["aten::exp"]
    # outside a profiler record_function costs nothing and records nothing
    with eprof.record_function("unprofiled"):
        x.sin()
    assert eap.PROFILER[0] is None
    assert work(x).shape == (10,)
    with pytest.raises(TypeError):
        eprof.record_function(3)


def _fixed_events(mod):
    """The same hand-made event tree in torch and ember (fixed times) for table comparisons."""
    F = mod.FunctionEvent
    spec = [  # id, name, start, end, parent, shapes
        (1, "model_inference", 0.0, 1500.0, None, []),
        (2, "aten::linear", 10.0, 400.0, 1, [[5, 8], [16, 8], [16]]),
        (3, "aten::addmm", 20.0, 390.0, 2, [[16], [5, 8], [8, 16]]),
        (4, "aten::relu", 410.0, 480.5, 1, [[5, 16]]),
        (5, "aten::linear", 500.0, 1200.25, 1, [[5, 16], [4, 16], [4]]),
        (6, "aten::addmm", 510.0, 1100.0, 5, [[4], [5, 16], [16, 4]]),
        (7, "a_rather_long_operator_name_that_is_going_to_be_truncated_in_the_table", 1210.0,
         1212.0, 1, [[1]]),
        (8, "aten::relu", 1300.0, 1333.0, 1, [[5, 4]]),
    ]
    events = {}
    for i, name, s, e, parent, shapes in spec:
        ev = F(id=i, name=name, thread=1, start_us=s, end_us=e, input_shapes=shapes, stack=[])
        events[i] = ev
        if parent is not None:
            ev.set_cpu_parent(events[parent])
            events[parent].append_cpu_child(ev)
    return list(events.values())


def _torch_list(events, **kw):
    out = tpu.EventList(events, **kw)
    out._tree_built = True  # the parents/children are linked by hand in _fixed_events
    return out


@pytest.mark.parametrize("kw", [dict(), dict(sort_by="cpu_time_total"),
                                dict(sort_by="self_cpu_time_total", row_limit=3),
                                dict(sort_by="count", header="HEADER", time_unit="ms"),
                                dict(top_level_events_only=True),
                                dict(max_name_column_width=30)])
@pytest.mark.parametrize("group_by_input_shape", [False, True])
def test_table_layout_identical_to_torch(kw, group_by_input_shape):
    t_events = _torch_list(_fixed_events(tpu))
    e_events = eap.EventList(_fixed_events(eap))
    t_tab = t_events.key_averages(group_by_input_shapes=group_by_input_shape).table(**kw)
    e_tab = e_events.key_averages(group_by_input_shapes=group_by_input_shape).table(**kw)
    assert e_tab == t_tab
    # the raw event list prints as torch's too
    assert e_events.table(**kw) == t_events.table(**kw)


def test_table_with_memory_columns_identical_to_torch():
    t_ev, e_ev = _fixed_events(tpu), _fixed_events(eap)
    for i, (a, b) in enumerate(zip(t_ev, e_ev)):
        a.cpu_memory_usage = b.cpu_memory_usage = (i * 37777) % 5000 - 1000
    t_tab = _torch_list(t_ev, profile_memory=True).key_averages().table(sort_by="cpu_memory_usage")
    e_tab = eap.EventList(e_ev, profile_memory=True).key_averages().table(sort_by="cpu_memory_usage")
    assert e_tab == t_tab
    assert "CPU Mem" in e_tab and "Self CPU Mem" in e_tab


def test_averages_and_reprs_match_torch_on_fixed_events():
    t_avg = _torch_list(_fixed_events(tpu)).key_averages()
    e_avg = eap.EventList(_fixed_events(eap)).key_averages()
    assert [(a.key, a.count, a.cpu_time_total, a.self_cpu_time_total, a.cpu_time)
            for a in e_avg] == [(a.key, a.count, a.cpu_time_total, a.self_cpu_time_total,
                                 a.cpu_time) for a in t_avg]
    assert [repr(a) for a in e_avg] == [repr(a) for a in t_avg]
    assert e_avg.self_cpu_time_total == pytest.approx(t_avg.self_cpu_time_total)
    ta, ea = _torch_list(_fixed_events(tpu)).total_average(), \
        eap.EventList(_fixed_events(eap)).total_average()
    assert (ea.key, ea.count, ea.cpu_time_total) == (ta.key, ta.count, ta.cpu_time_total)
    for v in (0.5, 999.9994, 1000.0, 123456.7, 2.5e6):
        assert eap.format_time(v) == tpu._format_time(v)
    for v in (0, 512, -2048, 5 * 1024 ** 2, 3 * 1024 ** 3):
        assert eap.format_memory(v) == tpu._format_memory(v)


def test_real_table_layout_and_input_shapes():
    p = _profile_step(ember, eprof)
    tab = p.key_averages().table(sort_by="cpu_time_total", row_limit=5)
    lines = tab.splitlines()
    assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%",
                                "CPU", "total", "CPU", "time", "avg", "#", "of", "Calls"]
    assert lines[-1].startswith("Self CPU time total: ")
    assert len(lines) == 3 + 5 + 2
    rows = p.key_averages()
    order = sorted(rows, key=lambda a: a.cpu_time_total, reverse=True)[:5]
    for line, a in zip(lines[3:8], order):
        assert line.split()[0] == a.key.split()[0] and line.split()[-1] == str(a.count)
    shaped = p.key_averages(group_by_input_shape=True)
    assert "Input Shapes" in shaped.table()
    t_shaped = _profile_step(torch, torch.profiler).key_averages(group_by_input_shape=True)
    relu_e = sorted(str(a.input_shapes) for a in shaped if a.key == "aten::relu")
    relu_t = sorted(str(a.input_shapes) for a in t_shaped if a.key == "aten::relu")
    assert relu_e == relu_t
    conv = [a for a in shaped if a.key == "aten::conv2d"][0]
    assert conv.input_shapes[:2] == [[2, 2, 8, 8], [4, 2, 3, 3]]


def test_schedule_matches_torch():
    combos = [dict(wait=1, warmup=1, active=2), dict(wait=0, warmup=2, active=1, repeat=2),
              dict(wait=2, warmup=1, active=3, repeat=1, skip_first=3),
              dict(wait=3, warmup=1, active=1, skip_first=2, skip_first_wait=1)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kw in combos:
            es, ts = eprof.schedule(**kw), torch.profiler.schedule(**kw)
            assert [es(i).name for i in range(25)] == [ts(i).name for i in range(25)], kw
    with pytest.warns(UserWarning, match="warmup"):
        eprof.schedule(wait=1, warmup=0, active=1)
    with pytest.raises(AssertionError, match="Invalid profiler schedule arguments"):
        eprof.schedule(wait=1, warmup=1, active=0)
    assert eprof.ProfilerAction.RECORD_AND_SAVE.value == \
        torch.profiler.ProfilerAction.RECORD_AND_SAVE.value
    assert {a.name: a.value for a in eprof.ProfilerActivity} == \
        {a: v.value for a, v in torch.profiler.ProfilerActivity.__members__.items()}


def _scheduled_run(lib, prof_mod, n_steps=9):
    traces = []

    def ready(p):
        traces.append(sorted((e.key, e.count) for e in p.key_averages()
                             if e.key in ("ProfilerStep*", "aten::exp")))
    x = lib.ones(3)
    sched = prof_mod.schedule(wait=1, warmup=1, active=2, repeat=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with prof_mod.profile(activities=[prof_mod.ProfilerActivity.CPU], schedule=sched,
                              on_trace_ready=ready) as p:
            for _ in range(n_steps):
                x.exp()
                p.step()
    return traces, p.step_num


def test_schedule_steps_and_trace_ready_match_torch():
    e_traces, e_steps = _scheduled_run(ember, eprof)
    t_traces, t_steps = _scheduled_run(torch, torch.profiler)
    assert e_steps == t_steps == 9
    assert e_traces == t_traces
    assert e_traces == [[("ProfilerStep*", 2), ("aten::exp", 2)]] * 2


def test_unfinished_cycle_is_delivered_at_exit():
    def run(lib, prof_mod):
        calls = []
        x = lib.ones(2)
        with prof_mod.profile(schedule=prof_mod.schedule(wait=0, warmup=1, active=3),
                              on_trace_ready=lambda p: calls.append(
                                  {k: v for k, v in _counts(p).items()
                                   if k in ("ProfilerStep*", "aten::exp")})) as p:
            for _ in range(3):
                x.exp()
                p.step()
        return calls
    calls = run(ember, eprof)
    assert calls == run(torch, torch.profiler)
    assert calls == [{"ProfilerStep*": 3, "aten::exp": 2}]  # step 3 is open at exit
    x = ember.ones(2)
    with eprof.profile(on_trace_ready=lambda p: calls.append(_counts(p))):
        x.sin()
    assert calls[-1] == {"aten::sin": 1}


def test_chrome_trace_json_structure(tmp_path):
    p = _profile_step(ember, eprof)
    path = tmp_path / "trace.json"
    p.add_metadata("run", "unit-test")
    p.export_chrome_trace(str(path))
    data = json.loads(path.read_text())
    tpath = tmp_path / "torch_trace.json"
    _profile_step(torch, torch.profiler).export_chrome_trace(str(tpath))
    tdata = json.loads(tpath.read_text())
    assert {"schemaVersion", "traceEvents", "displayTimeUnit"} <= set(data) & set(tdata)
    assert data["run"] == "unit-test"
    xs = [e for e in data["traceEvents"] if e["ph"] == "X"]
    txs = [e for e in tdata["traceEvents"] if e["ph"] == "X" and e["cat"] in ("cpu_op",
                                                                              "user_annotation")]
    assert {k for e in xs for k in e} == {k for e in txs for k in e} == \
        {"ph", "cat", "name", "pid", "tid", "ts", "dur", "args"}
    assert len(xs) == len(p.events())
    assert {e["cat"] for e in xs} == {"cpu_op", "user_annotation"}
    names = [e["name"] for e in xs]
    assert "model_inference" in names and "aten::conv2d" in names
    mi = xs[names.index("model_inference")]
    assert mi["cat"] == "user_annotation"
    conv = xs[names.index("aten::conv2d")]
    assert mi["ts"] <= conv["ts"] and conv["ts"] + conv["dur"] <= mi["ts"] + mi["dur"] + 1e-3
    assert conv["args"]["Input Dims"][:2] == [[2, 2, 8, 8], [4, 2, 3, 3]]
    assert conv["args"]["Input type"][:2] == ["float", "float"]
    tconv = next(e for e in txs if e["name"] == "aten::conv2d")
    assert tconv["args"]["Input Dims"][:2] == conv["args"]["Input Dims"][:2]
    assert tconv["args"]["Input type"][:2] == conv["args"]["Input type"][:2]
    assert all(isinstance(e["ts"], (int, float)) and e["dur"] >= 0 for e in xs)
    meta = [e for e in data["traceEvents"] if e["ph"] == "M"]
    assert {"process_name", "thread_name"} <= {e["name"] for e in meta}
    gz = tmp_path / "trace.json.gz"
    p.export_chrome_trace(str(gz))
    with gzip.open(gz, "rt") as f:
        assert len([e for e in json.load(f)["traceEvents"] if e["ph"] == "X"]) == len(xs)


def test_chrome_trace_keeps_step_numbers(tmp_path):
    with eprof.profile(schedule=eprof.schedule(wait=0, warmup=1, active=2, repeat=1)) as p:
        for _ in range(4):
            ember.ones(2).exp()
            p.step()
    p.export_chrome_trace(str(tmp_path / "t.json"))
    names = [e["name"] for e in json.loads((tmp_path / "t.json").read_text())["traceEvents"]
             if e["ph"] == "X"]
    assert [n for n in names if n.startswith("ProfilerStep")] == ["ProfilerStep#1",
                                                                  "ProfilerStep#2"]
    assert _counts(p)["ProfilerStep*"] == 2


def test_tensorboard_trace_handler_writes_trace_files(tmp_path):
    d = tmp_path / "tb" / "run1"
    with eprof.profile(schedule=eprof.schedule(wait=0, warmup=1, active=1, repeat=2),
                       on_trace_ready=eprof.tensorboard_trace_handler(str(d), worker_name="w0")
                       ) as p:
        for _ in range(5):
            ember.ones(2).exp()
            p.step()
    files = sorted(os.listdir(d))
    assert len(files) == 2
    for f in files:
        assert f.startswith("w0.") and f.endswith(".pt.trace.json")
        data = json.loads((d / f).read_text())
        assert "aten::exp" in [e["name"] for e in data["traceEvents"]]
    gz_dir = tmp_path / "gz"
    with eprof.profile(on_trace_ready=eprof.tensorboard_trace_handler(str(gz_dir),
                                                                      use_gzip=True)):
        ember.ones(2).exp()
    (gzf,) = os.listdir(gz_dir)
    assert gzf.endswith(".pt.trace.json.gz")


def test_profile_memory_and_stack(tmp_path):
    x = ember.ones(256, 1024)
    with eprof.profile(profile_memory=True, with_stack=True) as p:
        y = x.exp()
    ev = next(e for e in p.events() if e.name == "aten::exp")
    assert ev.cpu_memory_usage >= y.numel() * 4  # the float32 result was allocated in the op
    assert any(__file__ in s or os.path.basename(__file__) in s for s in ev.stack)
    assert not any(os.sep + "ember" + os.sep + "ops" in s for s in ev.stack)
    tab = p.key_averages().table()
    assert "CPU Mem" in tab and "Self CPU Mem" in tab and "Mb" not in tab
    assert "Source Location" in p.key_averages(group_by_stack_n=2).table()
    out = tmp_path / "stacks.txt"
    p.export_stacks(str(out))
    lines = out.read_text().splitlines()
    assert lines and all(ln.rsplit(" ", 1)[1].isdigit() for ln in lines)
    with pytest.raises(ValueError, match="metric should be one of"):
        p.export_stacks(str(out), metric="bogus")


def test_custom_function_and_backward_names_like_torch():
    def run(lib, prof_mod):
        class MyFn(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        x = lib.ones(3, requires_grad=True)
        with prof_mod.profile() as p:
            MyFn.apply(x).sum().backward()
        return _counts(p)
    e, t = run(ember, eprof), run(torch, torch.profiler)
    for n in ("MyFn", "autograd::engine::evaluate_function: MyFnBackward", "MyFnBackward",
              "aten::sum", "SumBackward0"):
        assert e[n] == t[n], n
    assert e["aten::mul"] == 2  # inside MyFn.forward and MyFnBackward: nested, not lost


def test_profiler_state_is_cleared_and_errors():
    with pytest.raises(ValueError):
        with eap.profile():
            ember.ones(1).exp()
            raise ValueError("boom")
    assert eap.PROFILER[0] is None
    with eprof.profile():
        with pytest.raises(RuntimeError, match="already enabled"):
            with eprof.profile():
                pass
    assert eap.PROFILER[0] is None
    p = eap.profile()
    with pytest.raises(RuntimeError, match="didn't finish"):
        p.key_averages()
    with p:
        pass
    with pytest.raises(RuntimeError, match="not reentrant"):
        with p:
            pass
    with eap.profile(enabled=False) as off:
        ember.ones(1).exp()
    assert eap.PROFILER[0] is None and off._function_events is None
    with pytest.raises(TypeError):
        eprof.profile(activities=["cpu"])
    assert eprof.ProfilerActivity.CPU in eprof.supported_activities()
    assert ember.autograd.profiler is eap and ember.profiler.record_function is eap.record_function


def test_threads_get_their_own_nesting():
    x = ember.ones(4)

    def worker():
        with eprof.record_function("worker_range"):
            x.sin()

    with eap.profile() as p:
        with eprof.record_function("main_range"):
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            x.cos()
    ev = {e.name: e for e in p.function_events}
    assert ev["worker_range"].thread != ev["main_range"].thread
    assert ev["worker_range"].cpu_parent is None
    assert [c.name for c in ev["worker_range"].cpu_children] == ["aten::sin"]
    assert [c.name for c in ev["main_range"].cpu_children] == ["aten::cos"]


def test_profiling_does_not_change_results():
    net = _conv_net(ember)
    x = ember.randn(2, 2, 8, 8, requires_grad=True)
    ref = net(x)
    ref.sum().backward()
    g_ref = x.grad.numpy().copy()
    x.grad = None
    with eprof.profile(record_shapes=True, profile_memory=True, with_stack=True):
        out = net(x)
        out.sum().backward()
    assert np.array_equal(out.detach().numpy(), ref.detach().numpy())
    assert np.array_equal(x.grad.numpy(), g_ref)
    assert out.grad_fn.name() == ref.grad_fn.name()


def test_reentrant_apply_is_recorded_once():
    # Function.apply re-enters itself (device switches, autocast-style argument casts); work
    # done between the re-entries (a cast) nests inside the op, which is recorded once
    class Casting(ember.autograd.Function):
        calls = [0]

        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @classmethod
        def apply(cls, x):
            cls.calls[0] += 1
            if cls.calls[0] == 2:  # the profiler's re-entry: cast, then enter again
                x = x.to(ember.float64)
            return super(Casting, cls).apply(x)

    with eap.profile() as p:
        out = Casting.apply(ember.ones(3))
    assert out.dtype == ember.float64 and Casting.calls[0] == 2
    counts = _counts(p)
    assert counts["Casting"] == 1 and counts["aten::mul"] == 1
    ev = next(e for e in p.function_events if e.name == "Casting")
    assert [c.name for c in ev.cpu_children] == ["aten::_to_copy", "aten::mul"]
