"""Shared helpers for the ember.distributions tests (torch is the oracle)."""
import numpy as np
import torch

import ember


def pair(arr, requires_grad=True):
    """The same float64 values as an ember tensor and a torch tensor (both leaves)."""
    arr = np.asarray(arr, dtype=np.float64)
    e = ember.tensor(arr.tolist(), dtype=ember.float64).reshape(arr.shape)
    t = torch.tensor(arr, dtype=torch.float64)
    if requires_grad:
        e.requires_grad_()
        t.requires_grad_()
    return e, t


def to_np(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x.detach().tolist(), dtype=np.float64 if x.dtype.is_floating_point
                      else np.int64).reshape(tuple(x.shape))


def e_from_t(t, dtype=None):
    """An ember tensor holding a torch tensor's values (same dtype where it matters)."""
    arr = t.detach().numpy()
    dt = dtype or (ember.float64 if arr.dtype == np.float64 else
                   ember.int64 if arr.dtype == np.int64 else ember.float32)
    return ember.tensor(arr.tolist(), dtype=dt).reshape(arr.shape)


def assert_close(a, b, rtol=1e-7, atol=1e-9, what=""):
    a, b = to_np(a), to_np(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def compare_with_grads(e_out, t_out, e_leaves, t_leaves, rtol=1e-7, atol=1e-9, what=""):
    """Compare values, then gradients of a random weighting of the outputs."""
    assert_close(e_out, t_out, rtol, atol, what)
    t_np = to_np(t_out)
    if not t_out.requires_grad or not np.isfinite(t_np).all():
        return
    rng = np.random.default_rng(1)
    w = rng.uniform(0.5, 1.5, size=t_np.shape)
    we, wt = pair(w, requires_grad=False)
    e_grads = ember.autograd.grad((e_out * we).sum(), e_leaves, allow_unused=True)
    t_grads = torch.autograd.grad((t_out * wt).sum(), t_leaves, allow_unused=True)
    for i, (ge, gt) in enumerate(zip(e_grads, t_grads)):
        if gt is None:
            assert ge is None or not to_np(ge).any(), f"{what}: grad {i} should be zero"
            continue
        assert ge is not None, f"{what}: missing grad for parameter {i}"
        assert_close(ge, gt, rtol, atol, f"{what} grad[{i}]")
