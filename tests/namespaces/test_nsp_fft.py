"""ember.fft against torch.fft: values, dtypes, errors and gradients (torch is the oracle)."""
import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(1234)


def _pair(arr, requires_grad=False):
    return (ember.tensor(arr, requires_grad=requires_grad),
            torch.tensor(arr, requires_grad=requires_grad))


def _rand(shape, dtype=np.float64, complex_=False):
    a = RNG.standard_normal(shape)
    if complex_:
        a = a + 1j * RNG.standard_normal(shape)
        return a.astype(np.complex128 if dtype == np.float64 else np.complex64)
    return a.astype(dtype)


def _close(e, t, rtol=1e-6, atol=1e-6):
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    np.testing.assert_allclose(e.detach().numpy(), t.detach().resolve_conj().numpy(), rtol=rtol, atol=atol)


def _real_loss(lib, y, w):
    """A real scalar that depends on every real and imaginary part of ``y``."""
    if y.dtype.is_complex:
        return (y.real * w[..., 0]).sum() + (y.imag * w[..., 1]).sum()
    return (y * w).sum()


def _weights(y):
    shape = tuple(y.shape) + ((2,) if y.dtype.is_complex else ())
    return RNG.standard_normal(shape)


ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2",
       "ihfft2", "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("norm_n", [(None, None), ("backward", 8), ("ortho", 5),
                                    ("forward", 13), ("ortho", None)])
def test_fft_1d_values_and_grads(name, norm_n):
    norm, n = norm_n
    cplx = name not in REAL_ONLY
    for complex_input in ([False, True] if cplx else [False]):
        a = _rand((3, 10), complex_=complex_input)
        xe, xt = _pair(a, requires_grad=True)
        ye = getattr(ember.fft, name)(xe, n=n, dim=-1, norm=norm)
        yt = getattr(torch.fft, name)(xt, n=n, dim=-1, norm=norm)
        _close(ye, yt, rtol=1e-10, atol=1e-10)
        w = _weights(yt)
        _real_loss(ember, ye, ember.tensor(w)).backward()
        _real_loss(torch, yt, torch.tensor(w)).backward()
        _close(xe.grad, xt.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", N_D)
@pytest.mark.parametrize("s_dim_norm", [(None, None, None), ((4, 6), None, "ortho"),
                                        ((5, -1), (0, 2), "forward"), (None, (1, 2), "backward"),
                                        ((3, 4, 7), None, "ortho"), (None, (-1,), "forward")])
def test_fft_nd_values_and_grads(name, s_dim_norm):
    s, dim, norm = s_dim_norm
    kwargs = {"norm": norm}
    if s is not None:
        kwargs["s"] = s
    if dim is not None:
        kwargs["dim"] = dim
    elif name.endswith("2") and s is not None and len(s) == 3:
        kwargs["dim"] = (0, 1, 2)
    cplx = name not in REAL_ONLY
    for complex_input in ([False, True] if cplx else [False]):
        a = _rand((3, 4, 5), complex_=complex_input)
        xe, xt = _pair(a, requires_grad=True)
        ye = getattr(ember.fft, name)(xe, **kwargs)
        yt = getattr(torch.fft, name)(xt, **kwargs)
        _close(ye, yt, rtol=1e-10, atol=1e-10)
        w = _weights(yt)
        _real_loss(ember, ye, ember.tensor(w)).backward()
        _real_loss(torch, yt, torch.tensor(w)).backward()
        _close(xe.grad, xt.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", ONE_D + N_D)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool", "complex64",
                                   "complex128", "float16", "bfloat16"])
def test_fft_dtype_rules(name, dtype):
    a = RNG.standard_normal((4, 6)) * 3
    t = torch.tensor(a).to(getattr(torch, dtype))
    e = ember.tensor(a).to(getattr(ember, dtype))
    try:
        yt = getattr(torch.fft, name)(t)
    except Exception as exc:  # torch's error: ember raises the same type and text
        with pytest.raises(type(exc)) as info:
            getattr(ember.fft, name)(e)
        assert str(info.value) == str(exc)
        return
    ye = getattr(ember.fft, name)(e)
    tol = 1e-4 if yt.dtype in (torch.float32, torch.complex64) else 1e-9
    _close(ye, yt, rtol=tol, atol=tol * 10)


def test_fft_float32_precision_matches_torch():
    a = _rand((7, 33), np.float32)
    for name in ("fft", "rfft", "ifft"):
        ye = getattr(ember.fft, name)(ember.tensor(a))
        yt = getattr(torch.fft, name)(torch.tensor(a))
        _close(ye, yt, rtol=2e-5, atol=2e-5)
    ye = ember.fft.irfft(ember.fft.rfft(ember.tensor(a)), n=33)
    _close(ye, torch.fft.irfft(torch.fft.rfft(torch.tensor(a)), n=33), rtol=1e-5, atol=1e-5)


def test_fft_user_paths_real_input_real_loss():
    # what users write: spectra of a real signal reduced to a real loss
    a = _rand((2, 16), np.float32)
    for loss in (lambda L, y: (y.real ** 2 + y.imag ** 2).sqrt().sum(),
                 lambda L, y: y.real.sum() + 2 * y.imag.pow(2).sum(),
                 lambda L, y: L.view_as_real(y).pow(2).mean()):
        xe, xt = _pair(a, requires_grad=True)
        loss(ember, ember.fft.rfft(xe, norm="ortho")).backward()
        loss(torch, torch.fft.rfft(xt, norm="ortho")).backward()
        _close(xe.grad, xt.grad, rtol=1e-4, atol=1e-5)
    # a round trip through the spectrum (a low-pass filter)
    xe, xt = _pair(a, requires_grad=True)
    mask = np.zeros(9, dtype=np.float32)
    mask[:4] = 1
    ye = ember.fft.irfft(ember.fft.rfft(xe) * ember.tensor(mask), n=16)
    yt = torch.fft.irfft(torch.fft.rfft(xt) * torch.tensor(mask), n=16)
    _close(ye, yt, rtol=1e-5, atol=1e-5)
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    _close(xe.grad, xt.grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["fft", "rfft", "irfft", "ifft"])
def test_fft_double_backward(name):
    a = _rand((6,), complex_=name in ("irfft", "ifft"))
    xe, xt = _pair(a, requires_grad=True)
    outs = []
    for lib, x in ((ember, xe), (torch, xt)):
        y = getattr(lib.fft, name)(x, norm="ortho")
        # view_as_real: ember's Tensor.imag backward multiplies by 1j without conjugating
        loss = ((lib.view_as_real(y) if y.dtype.is_complex else y) ** 3).sum()
        g, = lib.autograd.grad(loss, x, create_graph=True)
        gl = ((lib.view_as_real(g) if g.dtype.is_complex else g) ** 2).sum()
        gg, = lib.autograd.grad(gl, x)
        outs.append((g, gg))
    _close(outs[0][0], outs[1][0], rtol=1e-9, atol=1e-9)
    _close(outs[0][1], outs[1][1], rtol=1e-9, atol=1e-9)


def test_fft_grad_fn_and_zero_dim():
    x = ember.randn(4, requires_grad=True)
    y = ember.fft.fft(x)
    assert y.requires_grad and y.grad_fn is not None
    _close(ember.fft.fftn(ember.tensor(2.5)), torch.fft.fftn(torch.tensor(2.5)))
    # an empty batch (torch's MKL backend refuses it; pocketfft gives an empty result)
    assert ember.fft.fft(ember.ones(0, 3), dim=1).shape == (0, 3)


@pytest.mark.parametrize("call", [
    lambda L: L.fft.fft(L.arange(6.0), n=0),
    lambda L: L.fft.fft(L.arange(6.0), n=-2),
    lambda L: L.fft.fft(L.tensor(1.0)),
    lambda L: L.fft.fft(L.arange(6.0), norm="bad"),
    lambda L: L.fft.fft(L.arange(6.0), dim=3),
    lambda L: L.fft.fft2(L.arange(6.0)),
    lambda L: L.fft.fftn(L.zeros(2, 3), s=(4,), dim=(0, 1)),
    lambda L: L.fft.fftn(L.zeros(2, 3), dim=(0, 0)),
    lambda L: L.fft.fftn(L.arange(6.0), s=(2, 3)),
    lambda L: L.fft.irfft(L.zeros(1)),
    lambda L: L.fft.rfft(L.zeros(3, dtype=L.complex64)),
    lambda L: L.fft.fft(L.zeros(0)),
    lambda L: L.fft.rfftn(L.zeros(2, 3), s=(0, 3)),
    lambda L: L.fft.fft(L.arange(6.0), out=L.empty(6)),
    lambda L: L.fft.fftfreq(-1),
    lambda L: L.fft.fftfreq(4, dtype=L.int64),
    lambda L: L.fft.rfftfreq(4, dtype=L.complex64),
])
def test_fft_errors_match_torch(call):
    with pytest.raises(Exception) as tinfo:
        call(torch)
    with pytest.raises(type(tinfo.value)) as einfo:
        call(ember)
    assert str(einfo.value) == str(tinfo.value)


def test_fft_out_argument():
    a = _rand((5,), np.float32)
    out = ember.empty(5, dtype=ember.complex64)
    res = ember.fft.fft(ember.tensor(a), out=out)
    assert res is out
    _close(out, torch.fft.fft(torch.tensor(a)), rtol=1e-5, atol=1e-5)
    out = ember.empty(0)
    ember.fft.irfft(ember.tensor(a).to(ember.complex64), n=8, out=out)
    _close(out, torch.fft.irfft(torch.tensor(a).to(torch.complex64), n=8), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n", [0, 1, 4, 5, 10])
@pytest.mark.parametrize("d", [1.0, 0.1, 3])
@pytest.mark.parametrize("dtype", [None, "float64", "bfloat16", "float16"])
def test_fftfreq_rfftfreq(n, d, dtype):
    kw = {} if dtype is None else {"dtype": getattr(ember, dtype)}
    kt = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    for name in ("fftfreq", "rfftfreq"):
        e = getattr(ember.fft, name)(n, d, **kw)
        t = getattr(torch.fft, name)(n, d, **kt)
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.to(torch.float64 if not t.dtype.is_complex
                                                      else t.dtype).numpy().astype(
            e.numpy().dtype))
    f = ember.fft.fftfreq(4, requires_grad=True)
    assert f.requires_grad and f.is_leaf


@pytest.mark.parametrize("shape", [(5,), (4, 6), (3, 4, 5), ()])
@pytest.mark.parametrize("dim", [None, 0, -1, (0, -1)])
def test_fftshift_ifftshift(shape, dim):
    if shape == ():
        if dim is None:  # torch refuses a 0-d input
            for lib in (torch, ember):
                with pytest.raises(RuntimeError, match="`shifts` required"):
                    lib.fft.fftshift(lib.tensor(1.0))
        return
    a = np.arange(int(np.prod(shape))).reshape(shape).astype(np.float64)
    xe, xt = _pair(a, requires_grad=True)
    for name in ("fftshift", "ifftshift"):
        ye = getattr(ember.fft, name)(xe, dim=dim)
        yt = getattr(torch.fft, name)(xt, dim=dim)
        _close(ye, yt, rtol=0, atol=0)
    w = RNG.standard_normal(shape)
    (ember.fft.fftshift(xe, dim) * ember.tensor(w)).sum().backward()
    (torch.fft.fftshift(xt, dim) * torch.tensor(w)).sum().backward()
    _close(xe.grad, xt.grad, rtol=0, atol=0)


def test_fft_exports_match_torch():
    assert set(torch.fft.__all__) - {"Tensor"} <= set(ember.fft.__all__)


def test_fft_on_fake_gpu():
    # xp.fft: CuPy's FFT on CUDA tensors (here ember's NumPy-backed stand-in)
    from ember.cuda import _fake
    _fake.install(device_count=1)
    try:
        a = _rand((4, 6))
        x = ember.tensor(a, device="cuda", requires_grad=True)
        for name in ("fft", "rfft", "ifft2", "rfftn", "hfft"):
            y = getattr(ember.fft, name)(x)
            assert y.device.type == "cuda"
            _close(y.cpu(), getattr(torch.fft, name)(torch.tensor(a)), rtol=1e-10, atol=1e-10)
        ember.fft.irfft(ember.fft.rfft(x), n=6).pow(2).sum().backward()
        assert x.grad.device.type == "cuda"
        np.testing.assert_allclose(x.grad.cpu().numpy(), 2 * a, rtol=1e-10)
        assert ember.fft.fftfreq(4, device="cuda").device.type == "cuda"
    finally:
        _fake.uninstall()
