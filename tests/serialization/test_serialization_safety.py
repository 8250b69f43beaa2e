"""weights_only safety (allow-list unpickler, safe globals API, malicious pickles) and
device handling (cuda locations, map_location variants)."""
import contextlib
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
import torch

import ember
from serialization_helpers import (ember_load_bytes, ember_np, ember_save_bytes,
                                   torch_load_bytes, torch_save_bytes)

S = ember.serialization


# ------------------------------------------------------------------ malicious pickles
class _Evil:
    """Pickles as os.system('touch <marker>')."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _Config:
    """A harmless user class that is not allow-listed by default."""

    def __init__(self, lr=0.1):
        self.lr = lr

    def __eq__(self, other):
        return type(other) is _Config and other.lr == self.lr


@pytest.mark.parametrize("legacy", [False, True])
def test_malicious_reduce_is_refused_without_side_effect(tmp_path, legacy):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"w": torch.ones(2), "x": _Evil(marker)}, path,
               _use_new_zipfile_serialization=not legacy)
    with pytest.raises(pickle.UnpicklingError) as info:
        ember.load(path)
    assert isinstance(info.value, S.UnpicklingError)
    msg = str(info.value)
    assert "system" in msg and "weights_only" in msg and "Weights only load failed" in msg
    assert not marker.exists()
    # the same refusal for a file object, a path string, and with map_location
    with open(path, "rb") as fh, pytest.raises(S.UnpicklingError):
        ember.load(fh, map_location="cpu")
    with pytest.raises(S.UnpicklingError):
        ember.load(str(path))
    assert not marker.exists()
    # the payload is real: the unsafe path (trusted files only) does run it
    ember.load(path, weights_only=False)
    assert marker.exists()


def test_hand_crafted_reduce_and_builtins_are_refused(tmp_path):
    marker = tmp_path / "m"
    payloads = [
        b"\x80\x02cposix\nsystem\nX\x05\x00\x00\x00touch\x85R.",
        b"\x80\x02cbuiltins\neval\nX\x04\x00\x00\x001+1\x85R.",
        b"\x80\x02cbuiltins\ngetattr\n.",
        b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.",
        # REDUCE on an allow-listed *class* that would allocate memory
        b"\x80\x02ctorch\nTensor\nJ\x00\x00\x00\x7f\x85R.",
        # NEWOBJ of a non-allowed class
        b"\x80\x02c" + f"{__name__}\n_Config\n".encode() + b")\x81.",
    ]
    for p in payloads:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("archive/data.pkl", p)
            z.writestr("archive/version", "3\n")
        with pytest.raises((S.UnpicklingError, S.CheckpointError)):
            ember_load_bytes(buf.getvalue())
    assert not marker.exists()


def test_refusal_message_names_global_and_both_ways_forward():
    data = torch_save_bytes({"cfg": _Config(0.5), "w": torch.ones(1)})
    with pytest.raises(S.UnpicklingError) as info:
        ember_load_bytes(data)
    msg = str(info.value)
    name = f"{__name__}._Config"
    assert f"GLOBAL {name} was not an allowed global" in msg
    assert f"ember.serialization.add_safe_globals([{name}])" in msg
    assert "safe_globals" in msg
    assert "`weights_only` set to `False`" in msg and "ember.load" in msg
    # the same file, trusted two ways
    with S.safe_globals([_Config]):
        got = ember_load_bytes(data)
        assert got["cfg"] == _Config(0.5)
        assert S.get_safe_globals() == [_Config]
    assert S.get_safe_globals() == []
    with pytest.raises(S.UnpicklingError):
        ember_load_bytes(data)
    assert ember_load_bytes(data, weights_only=False)["cfg"] == _Config(0.5)


def test_add_get_clear_safe_globals():
    data = torch_save_bytes([_Config(2.0)])
    try:
        S.add_safe_globals([_Config])
        S.add_safe_globals([(_Config, f"{__name__}._Config")])
        assert _Config in S.get_safe_globals()
        assert ember_load_bytes(data) == [_Config(2.0)]
    finally:
        S.clear_safe_globals()
    assert S.get_safe_globals() == []
    with pytest.raises(S.UnpicklingError):
        ember_load_bytes(data)
    with pytest.raises(ValueError, match="length 2"):
        S.add_safe_globals([(_Config, "a", "b")])
    with pytest.raises(TypeError):
        S.add_safe_globals([(_Config, 3)])


def test_weights_only_refuses_explicit_pickle_module():
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        ember.load(io.BytesIO(ember_save_bytes(ember.ones(1))), pickle_module=pickle)
    x = ember.load(io.BytesIO(ember_save_bytes(ember.ones(1))), pickle_module=pickle,
                   weights_only=False)
    np.testing.assert_array_equal(ember_np(x), [1.0])


def test_setitem_on_non_dict_is_refused():
    # SETITEMS on a list object built by the pickle must not reach list.__setitem__ tricks
    p = b"\x80\x02](K\x00K\x01u."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", p)
        z.writestr("archive/version", "3\n")
    with pytest.raises(S.UnpicklingError, match="SETITEMS"):
        ember_load_bytes(buf.getvalue())


# ------------------------------------------------------------------ cuda locations
_FAKE_CUDA = {"on": False}


def _fake_cuda_tagger(storage):
    return "cuda:0" if _FAKE_CUDA["on"] else None


@contextlib.contextmanager
def _torch_tags_storages_as_cuda():
    """Make real torch.save tag CPU storages 'cuda:0' (a file as saved from a GPU)."""
    entry = (1, _fake_cuda_tagger, lambda storage, location: None)
    torch.serialization.register_package(*entry)
    _FAKE_CUDA["on"] = True
    try:
        yield
    finally:
        _FAKE_CUDA["on"] = False
        torch.serialization._package_registry.remove(entry)


def _cuda_file():
    base = torch.arange(6.0).reshape(2, 3)
    with _torch_tags_storages_as_cuda():
        return torch_save_bytes({"w": base, "v": base[:, 1], "n": 1}), base


def _cuda_available():
    try:
        return bool(ember.cuda.is_available())
    except Exception:
        return False


@pytest.mark.skipif(_cuda_available(), reason="checks the CPU-only error")
def test_cuda_location_without_cuda_raises_torch_error():
    data, _ = _cuda_file()
    assert b"cuda:0" in zipfile.ZipFile(io.BytesIO(data)).read("archive/data.pkl")
    with pytest.raises(RuntimeError) as info:
        ember_load_bytes(data)
    assert str(info.value) == (
        "Attempting to deserialize object on a CUDA device but ember.cuda.is_available() is "
        "False. If you are running on a CPU-only machine, please use ember.load with "
        "map_location=ember.device('cpu') to map your storages to the CPU.")
    with pytest.raises(RuntimeError, match="is_available"):
        ember_load_bytes(data, map_location="cuda")


@pytest.mark.parametrize("map_location", [
    "cpu", ember.device("cpu"), {"cuda:0": "cpu"}, {"cuda:0": ember.device("cpu")},
    lambda storage, loc: storage, lambda storage, loc: storage.cpu(),
    lambda storage, loc: None if loc == "cpu" else storage.to("cpu")])
def test_map_location_variants_bring_cuda_file_to_cpu(map_location):
    data, base = _cuda_file()
    got = ember_load_bytes(data, map_location=map_location)
    assert got["w"].device == ember.device("cpu")
    np.testing.assert_array_equal(ember_np(got["w"]), base.numpy())
    np.testing.assert_array_equal(ember_np(got["v"]), base[:, 1].numpy())
    assert np.shares_memory(got["w"].numpy(), got["v"].numpy())
    assert got["n"] == 1


def test_map_location_callable_sees_storage_and_location():
    data, _ = _cuda_file()
    seen = []

    def fn(storage, location):
        seen.append((location, storage.size(), storage.dtype, storage.device))
        return storage
    ember_load_bytes(data, map_location=fn)
    assert seen == [("cuda:0", 6, ember.float32, ember.device("cpu"))]


def test_map_location_errors():
    data = ember_save_bytes(ember.ones(2))
    with pytest.raises(TypeError, match="map_location"):
        ember_load_bytes(data, map_location=3.5)
    with pytest.raises(TypeError, match="map_location callable"):
        ember_load_bytes(data, map_location=lambda s, loc: "cpu")
    with pytest.raises(RuntimeError, match="don't know how to restore"):
        ember_load_bytes(data, map_location="mps")
    # a dict without the saved location leaves it alone
    x = ember_load_bytes(data, map_location={"cuda:3": "cpu"})
    np.testing.assert_array_equal(ember_np(x), [1.0, 1.0])


class _FakeCudaArray(np.ndarray):
    """A NumPy array that reports a CUDA device (so ember tags its storage 'cuda:N')."""
    _dev = type("dev", (), {"id": 0})()

    @property
    def device(self):
        return self._dev


def test_ember_saves_cuda_tensors_with_cuda_location():
    arr = np.arange(4.0, dtype=np.float32).view(_FakeCudaArray)
    x = ember.Tensor._wrap(arr)
    assert x.device == ember.device("cuda", 0)
    data = ember_save_bytes({"x": x})
    assert b"cuda:0" in zipfile.ZipFile(io.BytesIO(data)).read("archive/data.pkl")
    t = torch_load_bytes(data, map_location="cpu")
    np.testing.assert_array_equal(t["x"].numpy(), np.arange(4.0))
    seen = []
    torch_load_bytes(data, map_location=lambda s, loc: seen.append(loc) or s)
    assert seen == ["cuda:0"]
    e = ember_load_bytes(data, map_location={"cuda:0": "cpu"})
    np.testing.assert_array_equal(ember_np(e["x"]), np.arange(4.0))
