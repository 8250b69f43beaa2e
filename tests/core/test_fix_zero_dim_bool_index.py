"""Boolean indexing of 0-d tensors and Python-bool indices, as torch: ``s[s > 0]`` has shape
(1,) or (0,), ``x[True]`` / ``x[False]`` add a dim of size 1 / 0; gradients as torch."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [
    ("mask_true", lambda lib, s: s[s > 0]),
    ("mask_false", lambda lib, s: s[s < 0]),
    ("tensor_true", lambda lib, s: s[lib.tensor(True)]),
    ("py_true", lambda lib, s: s[True]),
    ("py_false", lambda lib, s: s[False]),
    ("none", lambda lib, s: s[None]),
]


@pytest.mark.parametrize("shape", [(), (2, 3)])
@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_bool_index_shapes_values_grads_match_torch(name, fn, shape):
    x = np.arange(1, 1 + int(np.prod(shape)), dtype=np.float64).reshape(shape)
    res = []
    for lib in (ember, torch):
        s = lib.tensor(x, requires_grad=True)
        out = fn(lib, s)
        (out * 3).sum().backward()
        res.append((tuple(out.shape), out.detach().numpy(), s.grad.numpy(),
                    type(out.grad_fn).__name__))
    assert res[0][0] == res[1][0] and res[0][3] == res[1][3]
    np.testing.assert_array_equal(res[0][1], res[1][1])
    np.testing.assert_array_equal(res[0][2], res[1][2])
