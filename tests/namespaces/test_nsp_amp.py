"""ember.autocast / ember.amp against torch's CPU autocast and GradScaler (torch is the oracle)."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(11)


def _t(lib, *shape, dtype="float32"):
    a = RNG.standard_normal(shape).astype(np.float32)
    return lib.tensor(a).to(getattr(lib, dtype))


def _both(*shape):
    a = RNG.standard_normal(shape).astype(np.float32)
    return a


# op name -> builder(lib, dtype, arrays) ; arrays are drawn once so both libraries see the same
OPS = {
    "linear": (lambda L, F, x: F.linear(x[0], x[1], x[2]), [(2, 3), (4, 3), (4,)]),
    "linear_nobias": (lambda L, F, x: F.linear(x[0], x[1]), [(2, 3), (4, 3)]),
    "matmul": (lambda L, F, x: L.matmul(x[0], x[1]), [(2, 3), (3, 4)]),
    "matmul_1d": (lambda L, F, x: L.matmul(x[0], x[1]), [(3,), (3, 4)]),
    "matmul_op": (lambda L, F, x: x[0] @ x[1], [(5, 2, 3), (3, 4)]),
    "mm": (lambda L, F, x: L.mm(x[0], x[1]), [(2, 3), (3, 4)]),
    "bmm": (lambda L, F, x: L.bmm(x[0], x[1]), [(2, 2, 3), (2, 3, 4)]),
    "einsum": (lambda L, F, x: L.einsum("ij,jk->ik", x[0], x[1]), [(2, 3), (3, 4)]),
    "conv1d": (lambda L, F, x: F.conv1d(x[0], x[1], x[2]), [(1, 2, 6), (3, 2, 2), (3,)]),
    "conv2d": (lambda L, F, x: F.conv2d(x[0], x[1], x[2], padding=1), [(1, 2, 5, 5),
                                                                       (3, 2, 2, 2), (3,)]),
    "conv3d": (lambda L, F, x: F.conv3d(x[0], x[1]), [(1, 2, 4, 4, 4), (3, 2, 2, 2, 2)]),
    "conv_transpose1d": (lambda L, F, x: F.conv_transpose1d(x[0], x[1]), [(1, 2, 5), (2, 3, 2)]),
    "conv_transpose2d": (lambda L, F, x: F.conv_transpose2d(x[0], x[1], stride=2),
                         [(1, 2, 4, 4), (2, 3, 2, 2)]),
    "conv_transpose3d": (lambda L, F, x: F.conv_transpose3d(x[0], x[1]),
                         [(1, 2, 3, 3, 3), (2, 3, 2, 2, 2)]),
    "prelu": (lambda L, F, x: F.prelu(x[0], x[1]), [(2, 3), (1,)]),
    "softmax": (lambda L, F, x: F.softmax(x[0], 1), [(2, 3)]),
    "log_softmax": (lambda L, F, x: F.log_softmax(x[0], 1), [(2, 3)]),
    "layer_norm": (lambda L, F, x: F.layer_norm(x[0], (3,), x[1], x[2]), [(2, 3), (3,), (3,)]),
    "group_norm": (lambda L, F, x: F.group_norm(x[0], 2), [(2, 4, 3)]),
    "exp": (lambda L, F, x: L.exp(x[0]), [(3,)]),
    "sum": (lambda L, F, x: L.sum(x[0]), [(3,)]),
    "prod": (lambda L, F, x: L.prod(x[0]), [(3,)]),
    "prod_dim": (lambda L, F, x: L.prod(x[0], 1), [(2, 3)]),
    "cross_entropy": (lambda L, F, x: F.cross_entropy(x[0], L.tensor([0, 2])), [(2, 3)]),
    "nll_loss": (lambda L, F, x: F.nll_loss(x[0], L.tensor([0, 2])), [(2, 3)]),
    "max_pool3d": (lambda L, F, x: F.max_pool3d(x[0], 2), [(1, 1, 4, 4, 4)]),
    "avg_pool3d": (lambda L, F, x: F.avg_pool3d(x[0], 2), [(1, 1, 4, 4, 4)]),
    "max_pool2d": (lambda L, F, x: F.max_pool2d(x[0], 2), [(1, 1, 4, 4)]),
    "avg_pool2d": (lambda L, F, x: F.avg_pool2d(x[0], 2), [(1, 1, 4, 4)]),
    "rfft": (lambda L, F, x: L.fft.rfft(x[0]), [(8,)]),
    "fft2": (lambda L, F, x: L.fft.fft2(x[0]), [(4, 4)]),
    "inv": (lambda L, F, x: L.linalg.inv(x[0] + 4 * L.eye(3)), [(3, 3)]),
    "relu": (lambda L, F, x: L.relu(x[0]), [(3,)]),
    "add": (lambda L, F, x: x[0] + x[1], [(3,), (3,)]),
    "mse_mixed": (lambda L, F, x: F.mse_loss(x[0], x[1].float()), [(3,), (3,)]),
    "lstm": (lambda L, F, x: _lstm(L, x), [(2, 1, 3)]),
    "embedding": (lambda L, F, x: F.embedding(L.tensor([0, 1]), x[0]), [(3, 4)]),
}


def _lstm(L, x):
    L.manual_seed(0)
    m = L.nn.LSTM(3, 4)
    return m(x[0])[0]


def _run(lib, name, dtype):
    fn, shapes = OPS[name]
    arrays = [RNG_FIXED[name][i] for i in range(len(shapes))]
    xs = [lib.tensor(a).to(getattr(lib, dtype)) for a in arrays]
    F = lib.nn.functional
    with lib.autocast("cpu"):
        return fn(lib, F, xs)


RNG_FIXED = {name: [np.random.default_rng(abs(hash(name)) % 2 ** 32).standard_normal(s)
                    .astype(np.float32) for s in shapes] for name, (_, shapes) in OPS.items()}


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_autocast_cpu_output_dtypes_match_torch(name, dtype):
    e = _run(ember, name, dtype)
    t = _run(torch, name, dtype)
    assert str(e.dtype) == str(t.dtype), (name, dtype, e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape)


@pytest.mark.parametrize("name", ["linear", "linear_nobias", "matmul", "matmul_op", "mm", "bmm",
                                  "einsum", "conv1d", "conv2d", "conv3d", "conv_transpose2d",
                                  "prelu", "cross_entropy", "nll_loss", "prod", "softmax",
                                  "max_pool3d", "rfft"])
def test_autocast_cpu_values_match_torch(name):
    e = _run(ember, name, "float32")
    t = _run(torch, name, "float32")
    ev = e.detach().to(ember.complex128 if e.dtype.is_complex else ember.float64).numpy()
    tv = t.detach().to(torch.complex128 if t.dtype.is_complex else torch.float64).numpy()
    # bfloat16 results: a few units of bfloat16 rounding (2^-8 relative)
    np.testing.assert_allclose(ev, tv, rtol=2e-2, atol=2e-2)


def _model(lib):
    lib.manual_seed(0)
    m = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU(), lib.nn.Linear(8, 3))
    with lib.no_grad():
        for p, a in zip(m.parameters(), PARAMS):
            p.copy_(lib.tensor(a))
    return m


PARAMS = [np.random.default_rng(3).standard_normal(s).astype(np.float32) * 0.5
          for s in [(8, 4), (8,), (3, 8), (3,)]]
X = np.random.default_rng(4).standard_normal((6, 4)).astype(np.float32)
Y = np.array([0, 2, 1, 1, 0, 2])


def test_autocast_gradients_reach_float32_parameters():
    grads = {}
    for lib in (torch, ember):
        m = _model(lib)
        with lib.autocast("cpu"):
            out = m(lib.tensor(X))
            assert out.dtype == lib.bfloat16
            loss = lib.nn.functional.cross_entropy(out, lib.tensor(Y))
            assert loss.dtype == lib.float32
        loss.backward()
        grads[lib.__name__] = [p.grad for p in m.parameters()]
        for p in m.parameters():
            assert p.dtype == lib.float32 and p.grad.dtype == lib.float32
    for ge, gt in zip(grads["ember"], grads["torch"]):
        np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=3e-2, atol=3e-3)


def test_autocast_nested_disabled_region_and_state():
    for lib in (torch, ember):
        a, b = lib.ones(2, 2), lib.ones(2, 2)
        assert not lib.is_autocast_enabled("cpu")
        with lib.autocast("cpu"):
            assert lib.is_autocast_enabled("cpu") and not lib.is_autocast_enabled()
            e16 = lib.mm(a, b)
            with lib.autocast("cpu", enabled=False):
                assert not lib.is_autocast_enabled("cpu")
                f32 = lib.mm(a, e16.float())
            assert lib.is_autocast_enabled("cpu")
            g16 = lib.mm(a, f32)
        assert (e16.dtype, f32.dtype, g16.dtype) == (lib.bfloat16, lib.float32, lib.bfloat16)
        assert not lib.is_autocast_enabled("cpu")
        with lib.autocast("cpu", dtype=lib.float16):
            assert lib.get_autocast_dtype("cpu") == lib.float16
            assert lib.mm(a, b).dtype == lib.float16
        assert lib.get_autocast_dtype("cpu") == lib.bfloat16
        assert lib.get_autocast_dtype("cuda") == lib.float16


def test_autocast_float64_inputs_are_not_cast():
    for lib in (torch, ember):
        with lib.autocast("cpu"):
            assert lib.mm(lib.ones(2, 2, dtype=lib.float64),
                          lib.ones(2, 2, dtype=lib.float64)).dtype == lib.float64


def test_autocast_decorator_form():
    results = []
    for lib in (torch, ember):
        @lib.autocast("cpu")
        def f(a, b):
            return a @ b, lib.is_autocast_enabled("cpu")

        out, on = f(lib.ones(2, 2), lib.ones(2, 2))
        results.append((str(out.dtype), on, lib.is_autocast_enabled("cpu")))
        with pytest.raises(TypeError, match="requires a callable"):
            lib.autocast("cpu")(3)
    assert results[0] == results[1] == ("torch.bfloat16", True, False)


def _warn_texts(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = fn()
    return res, [(x.category, str(x.message)) for x in w]


def test_autocast_unsupported_dtype_and_device_messages():
    for make in (lambda L: L.autocast("cpu", dtype=L.float64),):
        te, tw = _warn_texts(lambda: make(torch))
        ee, ew = _warn_texts(lambda: make(ember))
        assert ew == tw and te._enabled is ee._enabled is False
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="Invalid device string|unsupported autocast"):
            lib.autocast("tpu9")
        with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
            lib.autocast(3)


def test_autocast_deprecated_aliases_warn_like_torch():
    for make in (lambda L: L.cpu.amp.autocast(), lambda L: L.cpu.amp.autocast(enabled=False),
                 lambda L: L.cuda.amp.GradScaler(enabled=False),
                 lambda L: L.cpu.amp.GradScaler(init_scale=4.0)):
        _, tw = _warn_texts(lambda: make(torch))
        _, ew = _warn_texts(lambda: make(ember))
        assert [c for c, _ in ew] == [c for c, _ in tw]
        assert [m for _, m in ew] == [m for _, m in tw]
    for name in ("is_autocast_cpu_enabled", "get_autocast_cpu_dtype", "get_autocast_gpu_dtype"):
        tr, tw = _warn_texts(getattr(torch, name))
        er, ew = _warn_texts(getattr(ember, name))
        assert str(tr) == str(er)
        assert ew[0][0] is DeprecationWarning and ew[0][1] in tw[0][1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ember.cpu.amp.autocast():
            assert ember.mm(ember.ones(2, 2), ember.ones(2, 2)).dtype == ember.bfloat16


def test_autocast_set_functions_and_cache():
    ember.set_autocast_enabled("cpu", True)
    try:
        assert ember.is_autocast_enabled("cpu")
        assert ember.mm(ember.ones(2, 2), ember.ones(2, 2)).dtype == ember.bfloat16
    finally:
        ember.set_autocast_enabled("cpu", False)
    assert ember.mm(ember.ones(2, 2), ember.ones(2, 2)).dtype == ember.float32
    assert ember.is_autocast_cache_enabled() == torch.is_autocast_cache_enabled()
    # a weight used twice in one region is cast once; an in-place update invalidates the cast
    w = ember.nn.Parameter(ember.ones(2, 2))
    with ember.autocast("cpu"):
        a = ember.mm(ember.ones(2, 2), w)
        with ember.no_grad():
            w.mul_(3)
        b = ember.mm(ember.ones(2, 2), w)
    assert a[0, 0].item() == 2.0 and b[0, 0].item() == 6.0
    (a.float().sum() + b.float().sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), np.full((2, 2), 4.0))


def test_custom_fwd_bwd():
    for lib in (torch, ember):
        class Scale(lib.autograd.Function):
            @staticmethod
            @lib.amp.custom_fwd(device_type="cpu", cast_inputs=lib.float32)
            def forward(ctx, x):
                ctx.inner = lib.is_autocast_enabled("cpu")
                return lib.mm(x, x)

            @staticmethod
            @lib.amp.custom_bwd(device_type="cpu")
            def backward(ctx, g):
                return g * 2

        x = lib.ones(2, 2, dtype=lib.bfloat16, requires_grad=True)
        with lib.autocast("cpu"):
            y = Scale.apply(x)
        assert y.dtype == lib.float32
        y.sum().backward()
        assert x.grad.dtype == lib.bfloat16


# --------------------------------------------------------------------------- GradScaler


def _scaler_run(lib, inf_steps, steps=7, growth_interval=2, optim="SGD"):
    m = _model(lib)
    opt = getattr(lib.optim, optim)(m.parameters(), lr=0.05)
    scaler = lib.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_interval=growth_interval)
    log = []
    for step in range(steps):
        opt.zero_grad()
        with lib.autocast("cpu"):
            out = m(lib.tensor(X))
            loss = lib.nn.functional.cross_entropy(out, lib.tensor(Y))
        scaler.scale(loss).backward()
        if step in inf_steps:
            with lib.no_grad():
                next(iter(m.parameters())).grad[0, 0] = float("inf") if step % 2 else float(
                    "nan")
        before = [p.detach().clone() for p in m.parameters()]
        scaler.step(opt)
        skipped = all(bool((p.detach() == b).all()) for p, b in zip(m.parameters(), before))
        scaler.update()
        log.append((scaler.get_scale(), skipped, scaler.state_dict(),
                    [p.detach().numpy().copy() for p in m.parameters()]))
    return log


@pytest.mark.parametrize("optim", ["SGD", "Adam"])
def test_grad_scaler_matches_torch_step_by_step(optim):
    te = _scaler_run(torch, {1, 4, 5}, optim=optim)
    ee = _scaler_run(ember, {1, 4, 5}, optim=optim)
    for step, (t, e) in enumerate(zip(te, ee)):
        assert e[0] == t[0], (step, e[0], t[0])
        assert e[1] == t[1], step
        assert e[2] == t[2], step
        for pe, pt in zip(e[3], t[3]):
            np.testing.assert_allclose(pe, pt, rtol=2e-2, atol=2e-3)
    # the scale halves on each inf/NaN step and doubles after 2 clean steps
    assert [round(np.log2(x[0])) for x in ee] == [10, 9, 9, 10, 9, 8, 8]


def test_grad_scaler_unscale_and_errors():
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.amp.GradScaler("cpu", init_scale=8.0)
        with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
            s.step(opt)
        (s.scale(p * lib.tensor([1.0, 2.0, 3.0])).sum()).backward()
        assert p.grad.tolist() == [8.0, 16.0, 24.0]
        s.unscale_(opt)
        assert p.grad.tolist() == [1.0, 2.0, 3.0]
        with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
            s.unscale_(opt)
        s.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            s.step(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step"):
            s.unscale_(opt)
        s.update()
        assert s.get_scale() == 8.0 and s._get_growth_tracker() == 1
        s.update(2.0)
        assert s.get_scale() == 2.0
        with pytest.raises(AssertionError):
            lib.amp.GradScaler("cpu", growth_factor=0.5)
        with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
            s.step(opt, closure=lambda: 0.0)
        scaled = s.scale([p.sum(), (p.sum(), p.sum() * 2)])
        assert isinstance(scaled, list) and isinstance(scaled[1], tuple)
        assert scaled[1][1].item() == pytest.approx(p.sum().item() * 2 * s.get_scale())


def test_grad_scaler_state_dict_pickle_and_disabled():
    for lib in (torch, ember):
        s = lib.amp.GradScaler("cpu", init_scale=16.0, growth_interval=3)
        s.scale(lib.tensor(1.0))
        sd = s.state_dict()
        assert sd == {"scale": 16.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                      "growth_interval": 3, "_growth_tracker": 0}
        s2 = lib.amp.GradScaler("cpu")
        s2.load_state_dict(sd)
        assert s2.get_scale() == 16.0 and s2.get_growth_interval() == 3
        s3 = pickle.loads(pickle.dumps(s))
        assert s3.get_scale() == 16.0
        off = lib.amp.GradScaler("cpu", enabled=False)
        x = lib.tensor(3.0)
        assert off.scale(x) is x and off.get_scale() == 1.0 and off.state_dict() == {}
        with pytest.raises(RuntimeError, match="source state dict is empty"):
            s2.load_state_dict({})


def test_grad_scaler_fp16_gradients_refused():
    for lib in (torch, ember):
        p = lib.nn.Parameter(lib.ones(2, dtype=lib.float16))
        opt = lib.optim.SGD([p], lr=0.1)
        s = lib.amp.GradScaler("cpu")
        s.scale(p.float().sum()).backward()
        with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients"):
            s.unscale_(opt)


def test_autocast_cuda_policy_with_fake_gpu():
    # the CUDA table (float16, torch's CUDA float32 list) on ember's NumPy-backed stand-in
    from ember.cuda import _fake
    _fake.install(device_count=1)
    try:
        F = ember.nn.functional
        x = ember.randn(2, 3, device="cuda")
        w = ember.randn(4, 3, device="cuda")
        with ember.autocast("cuda"):
            assert ember.is_autocast_enabled() and ember.is_autocast_enabled("cuda")
            y = F.linear(x, w)
            assert y.dtype == ember.float16 and y.device.type == "cuda"
            assert F.softmax(y, 1).dtype == ember.float32
            assert ember.exp(y).dtype == ember.float32
            assert F.layer_norm(y, (4,)).dtype == ember.float32
            assert ember.sum(y).dtype == ember.float32
            assert F.relu(y).dtype == ember.float16
            # CPU tensors follow the (disabled) CPU state
            assert ember.mm(ember.ones(2, 2), ember.ones(2, 2)).dtype == ember.float32
            with pytest.raises(RuntimeError, match="unsafe to autocast"):
                F.binary_cross_entropy(ember.rand(3, device="cuda"),
                                       ember.rand(3, device="cuda"))
    finally:
        _fake.uninstall()
