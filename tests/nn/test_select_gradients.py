"""Backward passes that are selects in torch (clamp, hardtanh, threshold, hard/soft shrink,
relu, the elu family, hardsigmoid, hardswish, and the zero gradients of sign / floor / round):
outside the kept region the gradient is exactly 0 even when the incoming gradient is inf or
NaN (``g * mask`` would give NaN there), and a NaN input takes the branch torch's kernel
gives it."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

X = np.array([-3.0, -1.0, -0.5, 0.0, 0.05, 0.5, 1.0, 3.0, np.nan], np.float32)
G = np.array([np.inf, -np.inf, np.nan, np.nan, np.inf, 2.0, np.nan, -np.inf, 1.5], np.float32)

CASES = {
    "clamp": (lambda t: t.clamp(-1, 1), lambda t: t.clamp(-1, 1)),
    "clamp_min": (lambda t: t.clamp(min=0.0), lambda t: t.clamp(min=0.0)),
    "clamp_tensor_bounds": (lambda t: t.clamp(ember.tensor(-1.0), ember.tensor(1.0)),
                            lambda t: t.clamp(torch.tensor(-1.0), torch.tensor(1.0))),
    "hardtanh": (F.hardtanh, TF.hardtanh),
    "relu6": (F.relu6, TF.relu6),
    "threshold": (lambda t: F.threshold(t, 0.1, 2.0), lambda t: TF.threshold(t, 0.1, 2.0)),
    "hardshrink": (F.hardshrink, TF.hardshrink),
    "softshrink": (F.softshrink, TF.softshrink),
    "relu": (F.relu, TF.relu),
    "elu": (F.elu, TF.elu),
    "selu": (F.selu, TF.selu),
    "celu": (F.celu, TF.celu),
    "hardsigmoid": (F.hardsigmoid, TF.hardsigmoid),
    "hardswish": (F.hardswish, TF.hardswish),
    "sign": (ember.sign, torch.sign),
    "floor": (ember.floor, torch.floor),
    "round": (ember.round, torch.round),
}


@pytest.mark.parametrize("name", list(CASES))
def test_select_backward_matches_torch_for_nonfinite_gradients(name):
    fe, ft = CASES[name]
    e, t = ember.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    fe(e).backward(ember.tensor(G))
    ft(t).backward(torch.tensor(G))
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())


def test_clamp_tensor_bound_gradients_match_torch():
    lo_e, lo_t = ember.tensor([-1.0], requires_grad=True), torch.tensor([-1.0], requires_grad=True)
    hi_e, hi_t = ember.tensor([1.0], requires_grad=True), torch.tensor([1.0], requires_grad=True)
    x = X[np.isfinite(X)]
    g = np.where(np.abs(x) <= 1, np.inf, 1.0).astype(np.float32)   # inf only inside
    ember.tensor(x).clamp(lo_e, hi_e).backward(ember.tensor(g))
    torch.tensor(x).clamp(lo_t, hi_t).backward(torch.tensor(g))
    np.testing.assert_array_equal(lo_e.grad.numpy(), lo_t.grad.numpy())
    np.testing.assert_array_equal(hi_e.grad.numpy(), hi_t.grad.numpy())


@pytest.mark.parametrize("tensor_bounds", [False, True])
def test_clamp_gradient_at_ties_matches_torch(tensor_bounds):
    # torch 2.x: scalar bounds pass the gradient strictly inside; tensor bounds split it
    # half and half between the input and the bound it ties with
    x = np.array([-1.0, -0.5, 0.0, 1.0, 2.0], np.float32)
    g = np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32)
    grads = []
    for lib in (ember, torch):
        t = lib.tensor(x, requires_grad=True)
        if tensor_bounds:
            lo = lib.tensor(-1.0, requires_grad=True)
            hi = lib.tensor(1.0, requires_grad=True)
            y = t.clamp(lo, hi)
        else:
            y = t.clamp(-1.0, 1.0)
        y.backward(lib.tensor(g))
        grads.append([t.grad.numpy()] + ([lo.grad.numpy(), hi.grad.numpy()] if tensor_bounds
                                         else []))
        assert str(t.grad.dtype) == "torch.float32"
    for e, t in zip(*grads):
        np.testing.assert_array_equal(e, t)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_sign_matches_torch_for_nan_and_signed_zero(dtype):
    # torch's sign is (x > 0) - (x < 0): NaN and -0.0 give +0 (NumPy's sign keeps both)
    v = [-2, 0, 3] if dtype == "int64" else [np.nan, -2.0, 0.0, -0.0, 3.0, np.inf, -np.inf]
    e = ember.sign(ember.tensor(v, dtype=getattr(ember, dtype))).numpy()
    t = torch.sign(torch.tensor(v, dtype=getattr(torch, dtype))).numpy()
    np.testing.assert_array_equal(e, t)
    np.testing.assert_array_equal(np.signbit(e), np.signbit(t))
    assert e.dtype == t.dtype


def test_abs_gradient_at_nan_matches_torch():
    x = np.array([np.nan, -1.0, 0.0, 2.0], np.float32)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e.abs().sum().backward()
    t.abs().sum().backward()
    np.testing.assert_array_equal(e.grad.numpy(), t.grad.numpy())
