"""SGD's one-pass update goes through NumPy's own BLAS (``ember._blas.axpy``), never a second
BLAS library: SciPy's bundled OpenBLAS has its own thread pool, whose spinning threads made
default-thread training 3-5x slower on a 2-core machine. The plain-NumPy fallback must give
torch's results too."""
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import _blas

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 7, 70_001])
def test_axpy_matches_numpy(dtype, n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(dtype)
    y = rng.standard_normal(n).astype(dtype)
    expected = y + dtype(-0.25) * x
    if not _blas.axpy(-0.25, x, y):
        pytest.skip("NumPy's BLAS is not a bundled OpenBLAS here")
    np.testing.assert_allclose(y, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_axpy_declines_what_it_cannot_do():
    a = np.ones(8, np.float32)
    assert _blas.axpy(1.0, np.ones(8, np.float64), a.copy()) is False      # dtype mismatch
    assert _blas.axpy(1.0, np.ones(16, np.float32)[::2], a.copy()) is False  # strided
    assert _blas.axpy(1.0, np.ones(8, np.float16), np.ones(8, np.float16)) is False
    assert _blas.axpy(1.0, a, a) is False                                  # same memory
    assert _blas.axpy(1.0, np.ones(7, np.float32), a.copy()) is False      # sizes differ
    ro = np.ones(8, np.float32)
    ro.flags.writeable = False
    assert _blas.axpy(1.0, a, ro) is False
    np.testing.assert_array_equal(ro, 1)   # untouched


def _sgd_run(lib, init, grads, **kw):
    p = lib.nn.Parameter(lib.from_numpy(init.copy()))
    opt = lib.optim.SGD([p], lr=0.1, **kw)
    for g in grads:
        p.grad = lib.from_numpy(g.copy())
        opt.step()
    return p.detach().numpy().copy()


@pytest.mark.parametrize("kw", [{}, dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                dict(momentum=0.5, dampening=0.3, weight_decay=0.01)])
@pytest.mark.parametrize("use_blas", [True, False])
def test_sgd_with_and_without_blas_matches_torch(monkeypatch, kw, use_blas):
    if not use_blas:
        monkeypatch.setattr(_blas, "_FUNCS", {})   # as on a NumPy without a bundled OpenBLAS
    rng = np.random.default_rng(1)
    init = rng.standard_normal((300, 70)).astype(np.float32)
    grads = [rng.standard_normal(init.shape).astype(np.float32) for _ in range(3)]
    np.testing.assert_allclose(_sgd_run(ember, init, grads, **kw),
                               _sgd_run(torch, init, grads, **kw), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_sgd_step_loads_no_second_blas():
    prog = """
import ember
p = ember.nn.Parameter(ember.ones(300, 70))
opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
for _ in range(2):
    p.grad = ember.ones(300, 70)
    opt.step()
libs = {line.split()[-1] for line in open('/proc/self/maps')
        if 'blas' in line.lower() and line.split()[-1].startswith('/')}
print(len(libs), sorted(libs))
"""
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) <= 1, out


def test_set_num_threads_reaches_numpys_blas_without_threadpoolctl():
    if _blas.get_threads() is None:
        pytest.skip("NumPy's BLAS is not a bundled OpenBLAS here")
    prog = """
import sys, warnings
sys.modules['threadpoolctl'] = None          # as if it were not installed
import ember
from ember import _blas
before = _blas.get_threads()
with warnings.catch_warnings():
    warnings.simplefilter('error')
    ember.set_num_threads(1)
print(before, _blas.get_threads(), ember.get_num_threads())
"""
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[1:] == ["1", "1"], out
