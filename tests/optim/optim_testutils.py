"""Shared helpers of the optim tests: run the same problem in torch and in ember."""
import numpy as np

import ember


def make_init(dtype, seed=0):
    """Initial values of a small MLP-like problem's parameters (W1, b1, W2, v)."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) * 0.7 for s in [(5, 3), (5,), (2, 5), (4,)]]


def make_data(dtype, seed=1):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((8, 3)).astype(dtype), rng.standard_normal((8, 2)).astype(dtype)


def loss_fn(lib, params, X, Y):
    """The same deterministic loss in either library (``lib`` is torch or ember)."""
    W1, b1, W2, v = params
    h = lib.tanh(X @ W1.t() + b1)
    out = h @ W2.t()
    return ((out - Y) ** 2).mean() + 0.05 * (v ** 4).sum() + 0.1 * (v * v).sum()


def leaves(lib, arrays):
    return [lib.from_numpy(a.copy()).requires_grad_() for a in arrays]


def to_torch(t):
    import torch
    return torch.from_numpy(np.array(t.detach().numpy(), copy=True))


def to_ember(t):
    """A torch tensor (or a nested structure of them) converted to ember."""
    import torch
    if isinstance(t, torch.Tensor):
        return ember.from_numpy(t.detach().cpu().numpy().copy())
    if isinstance(t, dict):
        return {k: to_ember(v) for k, v in t.items()}
    if isinstance(t, (list, tuple)):
        return type(t)(to_ember(v) for v in t)
    return t


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)
