"""``out=`` is honoured (never silently ignored): the result is written into the given
tensor(s), resized as torch does, and those same objects are returned."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

A = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]
B = [[1.0, 2.0], [0.0, 1.0], [3.0, 1.0]]

# name: (call(lib, *outs), number of out tensors)
CASES = {
    "max_all": (lambda m, o: m.max(m.tensor(A), out=o), 1),
    "max_dim": (lambda m, o: m.max(m.tensor(A), 1, out=o), 2),
    "min_dim": (lambda m, o: m.min(m.tensor(A), 0, keepdim=True, out=o), 2),
    "inverse": (lambda m, o: m.inverse(m.tensor(A), out=o), 1),
    "linalg_inv": (lambda m, o: m.linalg.inv(m.tensor(A), out=o), 1),
    "linalg_det": (lambda m, o: m.linalg.det(m.tensor(A), out=o), 1),
    "linalg_solve": (lambda m, o: m.linalg.solve(m.tensor(A), m.tensor(B), out=o), 1),
    "svd": (lambda m, o: m.svd(m.tensor(A), out=o), 3),
    "cholesky_solve": (lambda m, o: m.cholesky_solve(
        m.tensor(B), m.linalg.cholesky(m.tensor(A)), out=o), 1),
    "cholesky_inverse": (lambda m, o: m.cholesky_inverse(
        m.linalg.cholesky(m.tensor(A)), out=o), 1),
    "lu_unpack": (lambda m, o: m.lu_unpack(*m.lu(m.tensor(A)), out=o), 3),
    "triangular_solve": (lambda m, o: m.triangular_solve(
        m.tensor(B), m.tensor(A).triu(), out=o), 2),
    "tensordot": (lambda m, o: m.tensordot(m.tensor(A), m.tensor(B), dims=1, out=o), 1),
    "addr": (lambda m, o: m.addr(m.zeros(3, 2), m.tensor([1.0, 2.0, 3.0]),
                                 m.tensor([1.0, -1.0]), out=o), 1),
    "chain_matmul": (lambda m, o: m.chain_matmul(m.tensor(A), m.tensor(A), m.tensor(B),
                                                 out=o), 1),
    "range": (lambda m, o: m.range(0, 4, out=o), 1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_out_is_written_and_returned_like_torch(name):
    call, n = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = []
        for m in (ember, torch):
            ref = call(m, None)
            ref = ref if isinstance(ref, tuple) else (ref,)
            outs = [m.empty(0, dtype=r.dtype) for r in ref]
            got = call(m, outs[0] if n == 1 else tuple(outs))
            got_t = got if isinstance(got, tuple) else (got,)
            assert all(g is o for g, o in zip(got_t, outs)), "out tensors must be returned"
            results.append([o.numpy() for o in outs])
            if isinstance(got, tuple) and hasattr(got, "_fields"):
                results[-1].append(tuple(got._fields))
    for e, t in zip(*results):
        if isinstance(e, tuple):
            assert e == t
        else:
            np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_out_tuple_of_wrong_length_is_an_error():
    with pytest.raises(TypeError, match="tuple of 2 tensors"):
        ember.max(ember.tensor(A), 1, out=(ember.empty(0),))
