"""ember.cuda / ember.backends / ember.version: API shape against torch, behaviour without CUDA,
and behaviour on the fake (NumPy-backed) CUDA backend."""
import gc
import subprocess
import sys

import pytest

import ember

torch = pytest.importorskip("torch")


# ---------------------------------------------------------------- API shape vs torch


def test_cuda_public_names_exist_in_torch():
    for name in ember.cuda.__all__:
        assert hasattr(ember.cuda, name), name
        assert hasattr(torch.cuda, name), f"ember.cuda.{name} is not a torch.cuda name"


def test_cuda_amp_is_the_real_deprecated_alias():
    # ember.cuda.amp (torch.cuda.amp): deprecated aliases of ember.amp, tested in
    # tests/namespaces/test_nsp_amp.py
    with pytest.warns(FutureWarning, match="torch.cuda.amp.autocast"):
        ctx = ember.cuda.amp.autocast(enabled=False)
    assert isinstance(ctx, ember.amp.autocast)


def test_backends_flags_have_torch_defaults():
    eb, tb = ember.backends, torch.backends
    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(eb.cudnn, name) == getattr(tb.cudnn, name), name
    for name in ("allow_tf32", "allow_fp16_reduced_precision_reduction",
                 "allow_bf16_reduced_precision_reduction"):
        assert getattr(eb.cuda.matmul, name) == getattr(tb.cuda.matmul, name), name
    assert eb.mps.is_available() is False and eb.mps.is_built() is False


def test_backends_flags_can_be_set_and_restored():
    cudnn = ember.backends.cudnn
    cudnn.benchmark = True
    try:
        assert cudnn.benchmark is True
        with cudnn.flags(enabled=True, deterministic=True):
            assert cudnn.deterministic is True and cudnn.benchmark is False
        assert cudnn.benchmark is True and cudnn.deterministic is False
    finally:
        cudnn.benchmark = False
    m = ember.backends.cuda.matmul
    m.allow_tf32 = True
    assert m.allow_tf32 is True
    m.allow_tf32 = False
    with pytest.raises(AttributeError, match="Unknown attribute allow_tf33"):
        m.allow_tf33 = True


def test_version_module_fields():
    v = ember.version
    assert v.__version__ == ember.__version__
    assert v.cuda is None or isinstance(v.cuda, str)
    assert isinstance(v.git_version, str) and v.git_version
    assert v.hip is None
    with pytest.raises(AttributeError):
        v.not_a_field


def test_import_ember_does_not_import_cupy():
    code = ("import sys, ember; x = ember.ones(2) * 2; "
            "print('cupy' in sys.modules, 'ember.cuda' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


# ---------------------------------------------------------------- without CUDA


def test_without_cuda_queries_answer_like_torch_cpu(no_cuda):
    c = ember.cuda
    assert c.is_available() is False and c.is_available() is False  # cached, never raises
    assert c.device_count() == 0
    assert c.is_initialized() is False
    assert c.memory_allocated() == 0 and c.max_memory_allocated() == 0
    assert c.memory_reserved() == 0
    c.empty_cache()
    c.manual_seed(1)
    c.manual_seed_all(1)
    assert repr(c.Event()) == repr(torch.cuda.Event()) == "<torch.cuda.Event uninitialized>"
    assert c.Event().query() is True
    assert ember.backends.cudnn.version() is None
    assert ember.backends.cudnn.is_available() is False
    assert c.get_arch_list() == [] and c.is_bf16_supported() is False


def test_without_cuda_device_use_raises(no_cuda):
    with pytest.raises((AssertionError, RuntimeError)) as info:
        ember.cuda.current_device()
    msg = str(info.value)
    assert "Torch not compiled with CUDA enabled" in msg or "NVIDIA driver" in msg or \
        "No CUDA GPUs" in msg
    with pytest.raises((AssertionError, RuntimeError)):
        ember.ones(2, device="cuda")
    with pytest.raises((AssertionError, RuntimeError)):
        ember.ones(2).cuda()
    with pytest.raises((AssertionError, RuntimeError)):
        ember.ones(2).pin_memory()
    assert ember.ones(2).is_pinned() is False
    ember.cuda.set_device(-1)  # ignored, as torch


def test_is_available_is_fast_when_cupy_missing():
    code = ("import time, ember, importlib.util; t=time.perf_counter(); "
            "a=ember.cuda.is_available();"
            " print(a, importlib.util.find_spec('cupy') is None, time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    if out[1] == "True":  # no CuPy: the answer must be False and cheap (no probing)
        assert out[0] == "False"
        assert float(out[2]) < 0.5


# ---------------------------------------------------------------- fake backend


def test_fake_install_and_uninstall_do_not_leak(fake_cuda):
    assert ember.cuda.is_available() is True
    assert ember.cuda.device_count() == 2
    fake_cuda.uninstall()
    assert not fake_cuda.installed()
    fake_cuda.install(2)
    assert ember.cuda.is_available()


def test_fake_device_selection(fake_cuda):
    c = ember.cuda
    assert c.current_device() == 0
    c.set_device(1)
    assert c.current_device() == 1
    assert ember.ones(1, device="cuda").device == ember.device("cuda:1")
    c.set_device("cuda:0")
    assert c.current_device() == 0
    with c.device(1):
        assert c.current_device() == 1
        assert ember.zeros(2, device="cuda").get_device() == 1
    assert c.current_device() == 0
    with c.device(None):
        assert c.current_device() == 0
    x = ember.ones(1, device="cuda:1")
    with c.device_of(x):
        assert c.current_device() == 1
    with c.device_of(ember.ones(1)):
        assert c.current_device() == 0
    assert c.is_initialized() is True
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        c.get_device_name("cpu")


def test_fake_device_properties(fake_cuda):
    c = ember.cuda
    p = c.get_device_properties(0)
    for field in ("name", "total_memory", "major", "minor", "multi_processor_count"):
        assert hasattr(p, field)
    assert isinstance(p.name, str) and p.name == c.get_device_name(0) == c.get_device_name()
    assert isinstance(p.total_memory, int) and p.total_memory > 0
    assert c.get_device_capability(1) == (p.major, p.minor)
    assert repr(p).startswith("_CudaDeviceProperties(name='")
    assert c.get_arch_list() == [f"sm_{p.major}{p.minor}"]
    free, total = c.mem_get_info()
    assert 0 <= free <= total
    c.synchronize()
    c.synchronize(1)
    c.synchronize("cuda:1")
    with pytest.raises(AssertionError, match="Invalid device id"):
        c.get_device_properties(5)


def test_fake_memory_statistics(fake_cuda):
    c = ember.cuda
    c.init()
    base = c.memory_allocated()
    x = ember.zeros(1024 * 256, device="cuda")  # 1 MiB
    assert c.memory_allocated() >= base + 2 ** 20
    assert c.memory_allocated(1) == 0  # nothing on the other GPU
    peak = c.max_memory_allocated()
    assert peak >= base + 2 ** 20
    del x
    gc.collect()
    assert c.memory_allocated() <= base + 1024
    assert c.max_memory_allocated() == peak  # the peak stays until reset
    c.reset_peak_memory_stats()
    assert c.max_memory_allocated() == c.memory_allocated()
    assert c.memory_reserved() >= c.memory_allocated()
    assert c.max_memory_reserved() >= c.memory_reserved()
    c.empty_cache()
    assert c.memory_reserved() == c.memory_allocated()


def test_fake_cuda_seeding_reproducible_and_separate_from_cpu(fake_cuda):
    ember.cuda.manual_seed(5)
    a = ember.randn(4, device="cuda")
    ember.cuda.manual_seed(5)
    b = ember.randn(4, device="cuda")
    assert ember.equal(a, b)
    assert ember.cuda.initial_seed() == 5
    # the CPU stream is not consumed by CUDA draws
    ember.manual_seed(1)
    c1 = ember.rand(3)
    ember.manual_seed(1)
    ember.rand(3, device="cuda")
    assert ember.equal(ember.rand(3), c1)
    # ember.manual_seed seeds the CUDA generators too, like torch.manual_seed
    ember.manual_seed(7)
    d1 = ember.rand(3, device="cuda")
    ember.manual_seed(7)
    assert ember.equal(ember.rand(3, device="cuda"), d1)
    # the state round-trips
    st = ember.cuda.get_rng_state()
    e1 = ember.randint(0, 100, (5,), device="cuda")
    ember.cuda.set_rng_state(st)
    assert ember.equal(ember.randint(0, 100, (5,), device="cuda"), e1)
    states = ember.cuda.get_rng_state_all()
    assert len(states) == 2
    ember.cuda.set_rng_state_all(states)
    assert len(ember.cuda.default_generators) == 2
    assert ember.cuda.default_generators[1].device == ember.device("cuda:1")
    ember.cuda.seed()
    ember.cuda.seed_all()


def test_fake_in_place_random_uses_cuda_generator(fake_cuda):
    x = ember.empty(5, device="cuda")
    ember.cuda.manual_seed(3)
    x.uniform_()
    y = ember.empty(5, device="cuda")
    ember.cuda.manual_seed(3)
    y.uniform_()
    assert ember.equal(x, y) and x.device.type == "cuda"


def test_fake_events_and_streams(fake_cuda):
    c = ember.cuda
    start, end = c.Event(enable_timing=True), c.Event(enable_timing=True)
    assert repr(start) == "<torch.cuda.Event uninitialized>"
    with pytest.raises(RuntimeError, match="Both events must be recorded"):
        start.elapsed_time(end)
    start.record()
    y = ember.ones(100, device="cuda") * 2
    end.record()
    end.synchronize()
    assert end.query() is True
    assert isinstance(start.elapsed_time(end), float) and start.elapsed_time(end) >= 0
    untimed = c.Event()
    untimed.record()
    with pytest.raises(RuntimeError, match="enable_timing=True"):
        untimed.elapsed_time(end)
    s = c.Stream()
    assert s.device == ember.device("cuda:0")
    assert c.current_stream() == c.default_stream()
    with c.stream(s):
        assert c.current_stream() == s
        z = y + 1
    assert c.current_stream() == c.default_stream()
    s.synchronize()
    assert s.query() is True
    s.wait_stream(c.default_stream())
    ev = s.record_event()
    assert ev.query()
    assert z.device.type == "cuda"
    with c.stream(None):
        pass


def test_fake_is_initialized_and_init(fake_cuda):
    assert ember.cuda.is_initialized() is False
    ember.cuda.init()
    assert ember.cuda.is_initialized() is True
    assert ember.cuda._initialized() is True


def test_fake_legacy_cuda_tensor_types(fake_cuda):
    t = ember.cuda.FloatTensor([1, 2])
    assert t.device.type == "cuda" and t.dtype == ember.float32
    assert isinstance(t, ember.cuda.FloatTensor)
    assert not isinstance(ember.ones(2), ember.cuda.FloatTensor)
    assert repr(ember.cuda.LongTensor) == repr(torch.cuda.LongTensor)
    assert t.type() == "torch.cuda.FloatTensor"
    assert ember.ones(2).type("torch.cuda.DoubleTensor").device.type == "cuda"


def test_fake_backend_has_no_cudnn(fake_cuda):
    assert ember.cuda.is_available() is True
    assert ember.backends.cudnn.version() is None
    assert ember.backends.cudnn.is_available() is False
