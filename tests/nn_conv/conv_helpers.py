"""Shared helpers for the nn_conv tests: run an op in ember and torch on the same inputs and
compare outputs and gradients."""
import numpy as np

import ember

TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-7, atol=1e-9)}


def rand(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def _torch():
    import torch
    return torch


def compare(ember_fn, torch_fn, arrays, dtype=np.float32, grad=True, out_index=None, tol=None):
    """Apply both fns to tensors made from ``arrays`` (None entries pass through as None).

    Compares the (first) output, then the gradients of all float inputs under a random
    upstream gradient. Returns the ember and torch outputs.
    """
    torch = _torch()
    tol = tol or TOL[dtype]
    e_in, t_in = [], []
    for a in arrays:
        if a is None:
            e_in.append(None)
            t_in.append(None)
            continue
        a = np.asarray(a)
        if a.dtype.kind == "f":
            a = a.astype(dtype)
        rg = grad and a.dtype.kind == "f"
        e_in.append(ember.tensor(a, requires_grad=rg))
        t_in.append(torch.tensor(a, requires_grad=rg))
    eo = ember_fn(*e_in)
    to = torch_fn(*t_in)
    e_all, t_all = eo, to
    if isinstance(eo, tuple):
        for e, t in zip(eo[1:], to[1:]):
            np.testing.assert_array_equal(e.numpy(), t.detach().numpy())
        eo, to = eo[0], to[0]
    assert tuple(eo.shape) == tuple(to.shape), (eo.shape, to.shape)
    assert eo.dtype.name == str(to.dtype).replace("torch.", ""), (eo.dtype, to.dtype)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), **tol)
    if grad and eo.requires_grad:
        g = np.random.default_rng(123).standard_normal(tuple(to.shape)).astype(dtype)
        eo.backward(ember.tensor(g))
        to.backward(torch.tensor(g))
        for e, t in zip(e_in, t_in):
            if e is None or not e.requires_grad:
                continue
            if t.grad is None:
                assert e.grad is None or np.all(e.grad.numpy() == 0)
                continue
            if e.grad is None:   # ember skipped a gradient that is identically zero
                assert np.all(t.grad.numpy() == 0)
                continue
            np.testing.assert_allclose(e.grad.numpy(), t.grad.numpy(), **tol)
    return e_all, t_all


def numeric_gradcheck(fn, arrays, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Float64 finite-difference check of fn's backward along random directions."""
    rng = np.random.default_rng(seed)
    ts = [ember.tensor(a.astype(np.float64), requires_grad=True) for a in arrays]
    out = fn(*ts)
    g = rng.standard_normal(tuple(out.shape))
    out.backward(ember.tensor(g))
    for i, t in enumerate(ts):
        d = rng.standard_normal(arrays[i].shape)
        plus = [a.astype(np.float64) for a in arrays]
        minus = [a.astype(np.float64) for a in arrays]
        plus[i] = plus[i] + eps * d
        minus[i] = minus[i] - eps * d
        fp = fn(*[ember.tensor(a) for a in plus]).numpy()
        fm = fn(*[ember.tensor(a) for a in minus]).numpy()
        numeric = float(np.sum(g * (fp - fm)) / (2 * eps))
        analytic = float(np.sum(t.grad.numpy() * d))
        assert abs(numeric - analytic) <= atol + rtol * abs(numeric), (i, numeric, analytic)
