"""Mul / Sub / Div backward compute on raw arrays when no graph is recorded (the usual
``loss.backward()``) for real float gradients with a Python-scalar or same-dtype operand, and
fall back to Tensor ops otherwise (mixed dtypes, complex, ``create_graph=True``). Every path
must give torch's gradients and dtypes."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

OPERANDS = [  # (description, factory(lib, dtype) -> second operand)
    ("py_float", lambda lib, dt: 1.7),
    ("py_int", lambda lib, dt: 3),
    ("py_bool", lambda lib, dt: True),
    ("same_dtype_broadcast", lambda lib, dt: lib.tensor(np.linspace(0.5, 2, 3).astype(dt))),
    ("zero_dim_float64", lambda lib, dt: lib.tensor(2.5, dtype=lib.float64)),
    ("int_tensor", lambda lib, dt: lib.tensor([1, 2, 3])),
]


def _grads(lib, op, x, other_fn, dt, create_graph=False):
    a = lib.tensor(x, requires_grad=True)
    other = other_fn(lib, dt)
    out = {"mul": lambda: a * other, "rmul": lambda: other * a, "sub": lambda: other - a,
           "div": lambda: a / other}[op]()
    (g,) = lib.autograd.grad((out * out).sum(), a, create_graph=create_graph)
    return g


@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("name,other_fn", OPERANDS, ids=[o[0] for o in OPERANDS])
@pytest.mark.parametrize("op", ["mul", "rmul", "sub", "div"])
def test_backward_matches_torch(op, name, other_fn, dt):
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(dt)
    try:
        t = _grads(torch, op, x, other_fn, dt)
    except Exception as exc:  # e.g. ``True - tensor``: torch refuses, ember must too
        with pytest.raises(type(exc)):
            _grads(ember, op, x, other_fn, dt)
        return
    e = _grads(ember, op, x, other_fn, dt)
    assert str(e.dtype) == str(t.dtype)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6 if dt == "float32" else 1e-12)


@pytest.mark.parametrize("op", ["mul", "sub", "div"])
def test_double_backward_takes_the_tensor_path(op):
    x = np.array([0.5, -1.5, 2.0])
    res = []
    for lib in (ember, torch):
        a = lib.tensor(x, requires_grad=True)
        y = {"mul": a * 1.5, "sub": 1.5 - a, "div": a / 1.5}[op]
        (g1,) = lib.autograd.grad((y * y * y).sum(), a, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), a)
        res.append((g1.detach().numpy(), g2.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-12)


def test_complex_operand_falls_back():
    x = np.array([1.0 + 2.0j, -0.5 + 0.25j])
    res = []
    for lib in (ember, torch):
        a = lib.tensor(x, requires_grad=True)
        y = a * (2.0 - 1.0j) / (0.5 + 0.5j)
        (g,) = lib.autograd.grad(y.abs().sum(), a)
        res.append(g.numpy())
    np.testing.assert_allclose(res[0], res[1], rtol=1e-12)


def test_division_by_zero_scalar_gives_inf_without_warning():
    import warnings
    res = []
    for lib in (ember, torch):
        a = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (a / 0.0).backward(lib.ones(2, dtype=lib.float64))
        res.append(a.grad.numpy())
    np.testing.assert_array_equal(res[0], res[1])
