"""Shared helpers for the nn tests: copy tensors/modules between torch and ember, compare."""
import numpy as np
import torch

import ember


def to_e(t, requires_grad=None):
    """An ember tensor with the values (and dtype) of torch tensor ``t``."""
    e = ember.tensor(t.detach().cpu().numpy())
    rg = t.requires_grad if requires_grad is None else requires_grad
    if rg:
        e.requires_grad_(True)
    return e


def close(e, t, rtol=1e-5, atol=1e-6):
    """Assert ember tensor ``e`` matches torch tensor ``t`` (values, shape and dtype)."""
    assert e is not None and t is not None, (e, t)
    en = e.detach().numpy()
    tn = t.detach().cpu().numpy()
    assert en.shape == tn.shape, (en.shape, tn.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    np.testing.assert_allclose(en, tn, rtol=rtol, atol=atol)


def copy_module(e_mod, t_mod):
    """Load torch module ``t_mod``'s state into ember module ``e_mod`` (keys must match)."""
    sd = {k: to_e(v, requires_grad=False) for k, v in t_mod.state_dict().items()}
    res = e_mod.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []
    return e_mod


def pair(*shape, dtype=torch.float32, low=None, high=None, seed=None, requires_grad=True):
    """A torch tensor (random normal / uniform) and its ember copy, both requiring grad."""
    g = torch.Generator().manual_seed(seed if seed is not None else hash(shape) % 1000)
    if low is None:
        t = torch.randn(*shape, generator=g, dtype=dtype)
    else:
        t = torch.rand(*shape, generator=g, dtype=dtype) * (high - low) + low
    t.requires_grad_(requires_grad)
    return t, to_e(t)
