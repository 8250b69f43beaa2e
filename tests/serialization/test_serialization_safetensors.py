"""ember.serialization.save_safetensors / load_safetensors against the safetensors package."""
import numpy as np
import pytest
import torch

import ember
from serialization_helpers import DTYPE_NAMES, ember_from_np, ember_np, random_array

safetensors = pytest.importorskip("safetensors")
st_torch = pytest.importorskip("safetensors.torch")
S = ember.serialization

ST_DTYPES = [n for n in DTYPE_NAMES if n != "complex128"]  # safetensors has no C128


def test_ember_to_safetensors_torch(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {n: random_array(n, (3, 4), rng) for n in ST_DTYPES}
    arrays["scalar"] = np.array(2.5, np.float32)
    arrays["empty"] = np.zeros((0, 3), np.int64)
    tensors = {k: ember_from_np(a, k if k in ST_DTYPES else str(a.dtype))
               for k, a in arrays.items()}
    tensors["view"] = ember.from_numpy(arrays["float32"][:, ::2])   # non-contiguous
    path = tmp_path / "m.safetensors"
    S.save_safetensors(tensors, path, metadata={"format": "pt"})
    got = st_torch.load_file(str(path))
    assert set(got) == set(tensors)
    for k, t in tensors.items():
        assert str(got[k].dtype) == str(t.dtype), k
        ref = got[k].float() if got[k].dtype == torch.bfloat16 else got[k]
        np.testing.assert_array_equal(ref.numpy(), ember_np(t), err_msg=k)


def test_safetensors_torch_to_ember(tmp_path):
    rng = np.random.default_rng(1)
    tensors = {n: torch.from_numpy(np.ascontiguousarray(random_array(n, (2, 5), rng)))
               for n in ST_DTYPES}
    tensors["bfloat16"] = tensors["bfloat16"].bfloat16()
    path = tmp_path / "t.safetensors"
    st_torch.save_file(tensors, str(path))
    for got in (S.load_safetensors(path), ember.load(str(path))):
        for k, t in tensors.items():
            assert str(got[k].dtype) == str(t.dtype), k
            ref = t.float() if t.dtype == torch.bfloat16 else t
            np.testing.assert_array_equal(ember_np(got[k]), ref.numpy(), err_msg=k)


def test_safetensors_numpy_only_path_and_errors(tmp_path):
    path = tmp_path / "plain.safetensors"
    S.save_safetensors({"a": ember.arange(4), "b": ember.ones(2, 2)}, path)
    from safetensors.numpy import load_file
    got = load_file(str(path))
    np.testing.assert_array_equal(got["a"], np.arange(4))
    with pytest.raises(TypeError, match="complex128"):
        S.save_safetensors({"c": ember.zeros(2, dtype=ember.complex128)}, path)
    with pytest.raises(TypeError, match="tensors"):
        S.save_safetensors({"c": [1, 2]}, path)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(S.CheckpointError, match="bad.safetensors"):
        S.load_safetensors(bad)
