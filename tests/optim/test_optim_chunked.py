"""Optimizer updates on parameters larger than one cache-sized piece (``optimizer.CHUNK``)
are computed piece by piece; they must still equal torch's, for contiguous and
non-contiguous parameters, float32 and float64, with every Adam option."""
import numpy as np
import pytest

import ember
from ember.optim import optimizer as _opt

torch = pytest.importorskip("torch")

CONFIGS = [
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.2)),
    ("AdamW", dict(lr=0.01, weight_decay=0.2, amsgrad=True)),
    ("RMSprop", dict(lr=0.005)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.05, lr_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_large_parameter_matches_torch(name, kwargs, dtype):
    rng = np.random.default_rng(0)
    shape = (3, _opt.CHUNK // 2 + 7)        # 1.5 pieces plus a ragged tail
    init = rng.standard_normal(shape).astype(dtype)
    grads = [rng.standard_normal(shape).astype(dtype) for _ in range(4)]
    small = rng.standard_normal(5).astype(dtype)   # and a small one, updated whole
    results = []
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.from_numpy(init.copy()))
        q = lib.nn.Parameter(lib.from_numpy(small.copy()))
        opt = getattr(lib.optim, name)([p, q], **kwargs)
        for g in grads:
            p.grad = lib.from_numpy(g.copy())
            q.grad = lib.from_numpy(g[0, :5].copy())
            opt.step()
        results.append((p.detach().numpy().copy(), q.detach().numpy().copy()))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == "float32" else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(results[0][0], results[1][0], **tol)
    np.testing.assert_allclose(results[0][1], results[1][1], **tol)


def test_chunks_split_and_cover_every_element():
    a = np.arange(_opt.CHUNK * 2 + 3, dtype=np.float32)
    b = a.copy()
    pieces = list(_opt._chunks(a, b, None))
    assert len(pieces) == 3
    assert all(p[2] is None for p in pieces)
    for pa, pb, _ in pieces:
        pa += 1          # views: writes reach the arrays
        pb *= 2
    np.testing.assert_array_equal(a, np.arange(a.size) + 1)
    np.testing.assert_array_equal(b, np.arange(b.size) * 2)
    # a non-contiguous array is handed over whole
    c = np.zeros((_opt.CHUNK, 4), np.float32)[:, ::2]
    assert [len(p) for p in _opt._chunks(c)] == [1] and next(_opt._chunks(c))[0] is c
