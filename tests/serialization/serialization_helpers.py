"""Shared helpers for the serialization tests (ember <-> real torch)."""
import io
import pickletools
import zipfile

import numpy as np
import torch

import ember

DTYPE_NAMES = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128", "int8",
               "int16", "int32", "int64", "uint8", "bool"]


def random_array(name, shape, rng):
    """Random values of dtype ``name`` as a NumPy array (bfloat16: float32 holding bf16 values)."""
    return np.asarray(_random_values(name, shape, rng))


def _random_values(name, shape, rng):
    if name in ("float16", "float32", "float64"):
        return rng.standard_normal(shape).astype(name) * 3
    if name == "bfloat16":
        f = (rng.standard_normal(shape) * 3).astype(np.float32)
        return torch.from_numpy(np.asarray(f, order="C")).bfloat16().float().numpy().reshape(shape)
    if name in ("complex64", "complex128"):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(name)
    if name == "bool":
        return rng.random(shape) < 0.5
    info = np.iinfo(name)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=name)


def ember_from_np(arr, name):
    """An ember tensor of dtype ``name`` sharing ``arr``'s memory where the dtype allows."""
    if name == "bfloat16":
        return ember.from_numpy(np.asarray(arr, np.float32, order="C")).to(ember.bfloat16)
    return ember.from_numpy(arr)


def torch_from_np(arr, name):
    t = torch.from_numpy(np.asarray(arr, order="C"))
    return t.bfloat16() if name == "bfloat16" else t


def ember_np(t):
    """Values of an ember tensor as NumPy (bfloat16 as float32)."""
    t = t.detach()
    if t.dtype == ember.bfloat16:
        t = t.to(ember.float32)
    return t.numpy()


def torch_np(t):
    t = t.detach().cpu()
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.resolve_conj().resolve_neg().numpy()


def assert_same_tensor(e, t):
    """ember tensor ``e`` equals torch tensor ``t``: dtype, shape, values (bit-exact)."""
    assert isinstance(e, ember.Tensor), type(e)
    assert isinstance(t, torch.Tensor), type(t)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    a, b = ember_np(e), torch_np(t)
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)
    assert bool(e.requires_grad) == bool(t.requires_grad)


def assert_same_tree(e, t):
    """Structural equality of an ember-loaded object and a torch object (tensors compared)."""
    if isinstance(t, torch.Tensor):
        assert_same_tensor(e, t)
    elif isinstance(t, dict):
        assert type(e).__name__ == type(t).__name__, (type(e), type(t))
        assert list(e.keys()) == list(t.keys())
        for k in t:
            assert_same_tree(e[k], t[k])
        if hasattr(t, "_metadata"):
            assert e._metadata == t._metadata
    elif isinstance(t, (list, tuple)) and not isinstance(t, torch.Size):
        assert type(e) is type(t), (type(e), type(t))
        assert len(e) == len(t)
        for a, b in zip(e, t):
            assert_same_tree(a, b)
    elif isinstance(t, torch.dtype):
        assert e is getattr(ember, str(t)[6:])
    elif isinstance(t, torch.device):
        assert isinstance(e, ember.device) and str(e) == str(t)
    elif isinstance(t, torch.Size):
        assert tuple(e) == tuple(t) and type(e).__name__ == "Size"
    else:
        assert type(e) is type(t) and e == t, (e, t)


def torch_save_bytes(obj, **kw):
    b = io.BytesIO()
    torch.save(obj, b, **kw)
    return b.getvalue()


def ember_save_bytes(obj, **kw):
    b = io.BytesIO()
    ember.save(obj, b, **kw)
    return b.getvalue()


def torch_load_bytes(data, **kw):
    kw.setdefault("weights_only", True)
    return torch.load(io.BytesIO(data), **kw)


def ember_load_bytes(data, **kw):
    return ember.load(io.BytesIO(data), **kw)


def pickle_globals(data):
    """The GLOBAL names in the data.pkl of a zip checkpoint (``module.name`` strings)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    name = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    out = set()
    for op, arg, _ in pickletools.genops(z.read(name)):
        if op.name == "GLOBAL":
            out.add(arg.replace(" ", "."))
    return out
