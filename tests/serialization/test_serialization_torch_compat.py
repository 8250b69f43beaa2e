"""ember.save / ember.load against real torch.save / torch.load: dtypes, shapes, views,
containers, training state, the legacy format and the byte layout of the zip archive."""
import collections
import io
import struct
import zipfile

import numpy as np
import pytest
import torch

import ember
from serialization_helpers import (DTYPE_NAMES, assert_same_tensor, assert_same_tree,
                                   ember_from_np, ember_load_bytes, ember_np, ember_save_bytes,
                                   pickle_globals, random_array, torch_from_np, torch_load_bytes,
                                   torch_np, torch_save_bytes)

SHAPES = [(), (0,), (3, 0, 2), (7,), (2, 3, 4), (300, 301)]


# ------------------------------------------------------------------ dtype x shape matrix
@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_ember_to_torch_every_dtype_and_shape(name):
    rng = np.random.default_rng(DTYPE_NAMES.index(name))
    arrays = {f"s{i}": random_array(name, shape, rng) for i, shape in enumerate(SHAPES)}
    tensors = {k: ember_from_np(a, name) for k, a in arrays.items()}
    loaded = torch_load_bytes(ember_save_bytes(tensors))
    assert list(loaded) == list(arrays)
    for k, a in arrays.items():
        t = loaded[k]
        assert str(t.dtype) == f"torch.{name}"
        assert tuple(t.shape) == a.shape
        np.testing.assert_array_equal(torch_np(t), a)


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_torch_to_ember_every_dtype_and_shape(name):
    rng = np.random.default_rng(100 + DTYPE_NAMES.index(name))
    arrays = {f"s{i}": random_array(name, shape, rng) for i, shape in enumerate(SHAPES)}
    tensors = {k: torch_from_np(a, name) for k, a in arrays.items()}
    for weights_only in (True, False):
        loaded = ember_load_bytes(torch_save_bytes(tensors), weights_only=weights_only)
        for k in arrays:
            assert_same_tensor(loaded[k], tensors[k])


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_ember_round_trip_every_dtype(name):
    rng = np.random.default_rng(200 + DTYPE_NAMES.index(name))
    a = random_array(name, (4, 5), rng)
    x = ember_from_np(a, name)
    y = ember_load_bytes(ember_save_bytes(x))
    assert y.dtype == x.dtype and tuple(y.shape) == (4, 5)
    np.testing.assert_array_equal(ember_np(y), a)


def test_bfloat16_rounds_to_nearest_even_on_save():
    # float32 values that are not bfloat16-exact: the 16-bit patterns torch reads must be
    # round-to-nearest-even of the float32 bits (ember keeps bf16 values as float32 arrays)
    bits = np.array([0x3F808000, 0x3F818000, 0x3F80C000, 0x3F807FFF, 0x7F7FFFFF, 0xFF800000,
                     0x00000001, 0x80000000, 0x7FC00000], np.uint32)
    f = bits.view(np.float32)
    # write the raw float32 values as bfloat16 storage, bypassing any rounding in .to()
    x_bf = ember.Tensor._wrap(f.copy(), ember.bfloat16)
    loaded = torch_load_bytes(ember_save_bytes({"x": x_bf}))["x"]
    expect = torch.from_numpy(f.copy()).bfloat16()
    got_bits = loaded.view(torch.int16).numpy().view(np.uint16)
    exp_bits = expect.view(torch.int16).numpy().view(np.uint16)
    np.testing.assert_array_equal(got_bits[:-1], exp_bits[:-1])
    assert np.isnan(torch_np(loaded)[-1])


def test_bfloat16_bit_patterns_from_torch():
    # every 16-bit pattern torch can store comes back exactly (as float32 values)
    pats = np.arange(0, 65536, 7, dtype=np.uint16)
    t = torch.from_numpy(pats.view(np.int16).copy()).view(torch.bfloat16)
    e = ember_load_bytes(torch_save_bytes(t))
    assert e.dtype == ember.bfloat16
    np.testing.assert_array_equal(ember_np(e), t.float().numpy())
    back = torch_load_bytes(ember_save_bytes(e))
    np.testing.assert_array_equal(back.view(torch.int16).numpy(), t.view(torch.int16).numpy())


# ------------------------------------------------------------------ views / shared storage
def test_ember_views_share_one_storage_in_torch():
    base_np = np.arange(24, dtype=np.float32).reshape(4, 6)
    base = ember.from_numpy(base_np)
    views = {
        "base": base,
        "rows": ember.from_numpy(base_np[1:3]),
        "strided": ember.from_numpy(base_np[1:4, ::2]),
        "col": ember.from_numpy(base_np[:, 3]),
        "T": ember.from_numpy(base_np.T),
        "scalar": ember.from_numpy(base_np[2, 5]) if base_np[2, 5].ndim else
        ember.from_numpy(base_np[2:3, 5:6].reshape(())),
        "bcast": ember.from_numpy(np.broadcast_to(base_np[0], (3, 6))),
    }
    loaded = torch_load_bytes(ember_save_bytes(views))
    ptr = loaded["base"].untyped_storage().data_ptr()
    for k, t in loaded.items():
        assert t.untyped_storage().data_ptr() == ptr, k
        assert t.untyped_storage().nbytes() == 24 * 4
        np.testing.assert_array_equal(t.numpy(), ember_np(views[k]))
    assert loaded["strided"].stride() == (6, 2) and loaded["strided"].storage_offset() == 6
    assert loaded["col"].stride() == (6,) and loaded["col"].storage_offset() == 3
    assert loaded["T"].stride() == (1, 6)
    assert loaded["bcast"].stride() == (0, 1)
    loaded["base"][2, 2] = -100.0
    assert loaded["strided"][1, 1].item() == -100.0
    assert loaded["rows"][1, 2].item() == -100.0


def test_ember_tensor_views_made_by_indexing_share_storage():
    x = ember.arange(20, dtype=ember.float32).reshape(4, 5)
    parts = {"x": x, "row": x[1], "cols": x[:, 1:4], "t": x.t()}
    loaded = torch_load_bytes(ember_save_bytes(parts))
    ptr = loaded["x"].untyped_storage().data_ptr()
    for k, t in loaded.items():
        assert t.untyped_storage().data_ptr() == ptr, k
        np.testing.assert_array_equal(t.numpy(), ember_np(parts[k]))


def test_torch_views_come_back_sharing_memory_in_ember():
    base = torch.arange(30, dtype=torch.float64).reshape(5, 6)
    obj = {"base": base, "v": base[1:4, 1::2], "t": base.t(), "row": base[3],
           "exp": base[0:1].expand(4, 6)}
    for weights_only in (True, False):
        loaded = ember_load_bytes(torch_save_bytes(obj), weights_only=weights_only)
        for k in obj:
            assert_same_tensor(loaded[k], obj[k])
        with ember.no_grad():
            loaded["base"][2, 3] = -7.0
        assert ember_np(loaded["v"])[1, 1] == -7.0
        assert ember_np(loaded["t"])[3, 2] == -7.0
        assert np.shares_memory(loaded["row"].numpy(), loaded["base"].numpy())
        # and they share again when ember saves them: one storage in torch
        again = torch_load_bytes(ember_save_bytes(loaded))
        ptrs = {t.untyped_storage().data_ptr() for t in again.values()}
        assert len(ptrs) == 1
        assert again["v"][1, 1].item() == -7.0


def test_offset_and_noncontiguous_tensor_alone_from_torch():
    big = torch.randn(10, 10)
    t = big[2:5, 3:9:2]
    e = ember_load_bytes(torch_save_bytes(t))
    assert_same_tensor(e, t)
    e2 = ember_load_bytes(torch_save_bytes(big.t()[1:, 2]))
    assert_same_tensor(e2, big.t()[1:, 2])


def test_negative_stride_and_unaligned_views_are_saved_by_value():
    a = np.arange(12, dtype=np.float32)
    flipped = ember.from_numpy(a[::-1])
    raw = np.arange(20, dtype=np.uint8)
    odd = ember.from_numpy(raw[1:17].view(np.float32))  # byte offset 1 into a uint8 buffer
    loaded = torch_load_bytes(ember_save_bytes({"f": flipped, "o": odd, "raw": ember.from_numpy(raw)}))
    np.testing.assert_array_equal(loaded["f"].numpy(), a[::-1])
    np.testing.assert_array_equal(loaded["o"].numpy(), raw[1:17].view(np.float32))
    np.testing.assert_array_equal(loaded["raw"].numpy(), raw)


def test_same_tensor_twice_is_one_object_after_load():
    t = torch.ones(3)
    e = ember_load_bytes(torch_save_bytes([t, t, {"again": t}]))
    assert e[0] is e[1] is e[2]["again"]
    x = ember.ones(3)
    back = torch_load_bytes(ember_save_bytes([x, x]))
    assert back[0] is back[1]


def test_different_dtype_views_of_one_array_raise_torch_error():
    a = np.zeros(4, np.float32)
    x = ember.from_numpy(a)
    y = ember.from_numpy(a.view(np.int32))
    with pytest.raises(RuntimeError, match="view the same data as different types"):
        ember.save([x, y], io.BytesIO())


# ------------------------------------------------------------------ containers and objects
def _containers_torch():
    od = collections.OrderedDict([("w", torch.randn(2, 2)), ("b", torch.arange(3))])
    od._metadata = collections.OrderedDict([("", {"version": 1}), ("sub", {"version": 2})])
    return {
        "od": od,
        "list": [torch.tensor(1.5), 2, 3.25, "s", None, True, b"raw\x00bytes"],
        "tuple": (torch.zeros(0), (torch.ones(1, dtype=torch.int8), {"deep": [torch.eye(2)]})),
        "set": {1, 2, 3},
        "complex": 1 + 2j,
        "big": 2 ** 70,
        "dtype": torch.float16,
        "device": torch.device("cuda", 1),
        "cpu": torch.device("cpu"),
        "size": torch.Size([2, 3]),
        "neg": -5,
    }


def test_containers_torch_to_ember():
    obj = _containers_torch()
    for weights_only in (True, False):
        loaded = ember_load_bytes(torch_save_bytes(obj), weights_only=weights_only)
        assert_same_tree(loaded, obj)
        assert isinstance(loaded["od"], collections.OrderedDict)


def test_containers_ember_to_torch():
    od = collections.OrderedDict([("w", ember.randn(2, 2)), ("b", ember.arange(3))])
    od._metadata = collections.OrderedDict([("", {"version": 1})])
    obj = {"od": od, "list": [ember.tensor(1.5), 2, "s", None, b"\x00\x01"],
           "tuple": (ember.zeros(0), {"deep": [ember.eye(2)]}), "set": {4, 5},
           "dtype": ember.bfloat16, "device": ember.device("cuda", 1),
           "cpu": ember.device("cpu"), "size": ember.zeros(2, 3).shape, "c": 2 - 1j}
    data = ember_save_bytes(obj)
    loaded = torch_load_bytes(data)
    assert_same_tree(obj, loaded)
    assert loaded["od"]._metadata == {"": {"version": 1}}
    assert type(loaded["size"]) is torch.Size
    assert loaded["dtype"] is torch.bfloat16
    assert pickle_globals(data) <= {
        "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.LongStorage",
        "collections.OrderedDict", "torch.bfloat16", "torch.device", "torch.Size",
        "_codecs.encode", "builtins.set", "builtins.complex", "__builtin__.set",
        "__builtin__.complex"}


def test_requires_grad_and_parameters_round_trip():
    p = torch.nn.Parameter(torch.randn(3, 2))
    frozen = torch.nn.Parameter(torch.randn(2), requires_grad=False)
    leaf = torch.randn(2, requires_grad=True)
    loaded = ember_load_bytes(torch_save_bytes({"p": p, "f": frozen, "leaf": leaf}))
    Param = ember.nn.Parameter
    assert isinstance(loaded["p"], Param) and loaded["p"].requires_grad
    assert isinstance(loaded["f"], Param) and not loaded["f"].requires_grad
    assert loaded["leaf"].requires_grad and not isinstance(loaded["leaf"], Param)
    assert_same_tensor(loaded["p"], p)
    back = torch_load_bytes(ember_save_bytes(loaded))
    assert isinstance(back["p"], torch.nn.Parameter) and back["p"].requires_grad
    assert isinstance(back["f"], torch.nn.Parameter) and not back["f"].requires_grad
    assert back["leaf"].requires_grad and not isinstance(back["leaf"], torch.nn.Parameter)
    torch.testing.assert_close(back["p"], p, rtol=0, atol=0)


# ------------------------------------------------------------------ a whole training state
def _torch_training_state():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3),
                                torch.nn.BatchNorm1d(3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 4)).pow(2).mean().backward()
        opt.step()
    return model, opt


def test_training_state_torch_ember_torch():
    model, opt = _torch_training_state()
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
            "best": 0.25}
    loaded = ember_load_bytes(torch_save_bytes(ckpt))
    assert_same_tree(loaded, ckpt)
    assert loaded["model"]._metadata == ckpt["model"]._metadata
    # ember writes it back; real torch restores a model and optimizer from it
    back = torch_load_bytes(ember_save_bytes(loaded))
    model2, opt2 = _torch_training_state()
    with torch.no_grad():
        for p in model2.parameters():
            p.add_(1.0)
    model2.load_state_dict(back["model"])
    opt2.load_state_dict(back["optimizer"])
    for (k, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items()):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=k)
    x = torch.randn(5, 4)
    for m, o in ((model, opt), (model2, opt2)):
        o.zero_grad()
        m(x).pow(2).mean().backward()
        o.step()
    for a, b in zip(model.parameters(), model2.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert back["epoch"] == 3 and back["best"] == 0.25


def test_training_state_ember_modules_to_torch():
    nn, optim = ember.nn, ember.optim
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (model(ember.randn(5, 4)) ** 2).mean().backward()
        opt.step()
    data = ember_save_bytes({"model": model.state_dict(), "optimizer": opt.state_dict(),
                             "epoch": 2})
    back = torch_load_bytes(data)
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    tmodel.load_state_dict(back["model"])
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.9)
    topt.load_state_dict(back["optimizer"])
    for (k, v), tv in zip(model.state_dict().items(), tmodel.state_dict().values()):
        np.testing.assert_array_equal(ember_np(v), tv.numpy(), err_msg=k)
    assert back["epoch"] == 2
    # and ember reads it back into a fresh ember model
    again = ember_load_bytes(data)
    model2 = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    model2.load_state_dict(again["model"])
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(ember_np(a), ember_np(b))


def test_whole_module_weights_only_false(tmp_path):
    nn = ember.nn
    m = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
    path = tmp_path / "whole.pt"
    ember.save(m, path)
    with pytest.raises(ember.serialization.UnpicklingError, match="weights_only"):
        ember.load(path)
    m2 = ember.load(path, weights_only=False)
    assert type(m2) is type(m) and type(m2[0]) is nn.Linear
    x = ember.randn(4, 3)
    np.testing.assert_array_equal(ember_np(m(x)), ember_np(m2(x)))
    # the tensors inside use torch's rebuild functions and storages too
    names = pickle_globals(path.read_bytes())
    assert "torch._utils._rebuild_parameter" in names
    assert "torch.FloatStorage" in names


# ------------------------------------------------------------------ legacy pre-zip format
def test_legacy_torch_file_to_ember(tmp_path):
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    obj = {"a": base, "v": base[1:, 1::2], "i": torch.tensor([1, 2], dtype=torch.int16),
           "b": torch.tensor([True, False]), "h": torch.randn(3).bfloat16(), "n": 5,
           "p": torch.nn.Parameter(torch.ones(2))}
    path = tmp_path / "legacy.pt"
    torch.save(obj, path, _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(path)
    for weights_only in (True, False):
        e = ember.load(path, weights_only=weights_only)
        assert_same_tree(e, obj)
        with ember.no_grad():
            e["a"][2, 3] = 99.0
        assert ember_np(e["v"])[1, 1] == 99.0


def test_legacy_ember_file_to_torch():
    base = ember.from_numpy(np.arange(10, dtype=np.float64))
    data = ember_save_bytes({"x": base, "v": ember.from_numpy(base.numpy()[2:8:3])},
                            _use_new_zipfile_serialization=False)
    assert data[:2] == b"\x80\x02"
    t = torch_load_bytes(data)
    np.testing.assert_array_equal(t["x"].numpy(), np.arange(10.0))
    np.testing.assert_array_equal(t["v"].numpy(), [2.0, 5.0])
    assert t["v"].untyped_storage().data_ptr() == t["x"].untyped_storage().data_ptr()
    e = ember_load_bytes(data)
    np.testing.assert_array_equal(ember_np(e["v"]), [2.0, 5.0])


# ------------------------------------------------------------------ the archive's byte layout
def _local_records(data):
    """(name, data_offset, extra) for every local file header of a zip."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = []
    for info in z.infolist():
        h = data[info.header_offset:info.header_offset + 30]
        assert h[:4] == b"PK\x03\x04"
        fnlen, extlen = struct.unpack("<HH", h[26:30])
        start = info.header_offset + 30
        name = data[start:start + fnlen].decode()
        extra = data[start + fnlen:start + fnlen + extlen]
        out.append((name, start + fnlen + extlen, extra))
    return out


def test_archive_layout_matches_torch(tmp_path):
    ember.save({"w": ember.ones(3)}, tmp_path / "my.model.pt")
    torch.save({"w": torch.ones(3)}, tmp_path / "ref.model.pt")
    ours = (tmp_path / "my.model.pt").read_bytes()
    ref = (tmp_path / "ref.model.pt").read_bytes()
    ours_recs = _local_records(ours)
    ref_recs = _local_records(ref)
    # archive folder = file stem, exactly as torch names it
    assert [n.replace("my.model/", "") for n, _, _ in ours_recs] == \
        [n.replace("ref.model/", "") for n, _, _ in ref_recs]
    assert ours_recs[0][0] == "my.model/data.pkl"
    for (name, off, extra), (_, roff, rextra) in zip(ours_recs, ref_recs):
        assert off % 64 == 0, name
        assert extra[:2] == b"FB" and set(extra[4:]) <= {ord("Z")}
    z = zipfile.ZipFile(io.BytesIO(ours))
    assert z.read("my.model/version") == b"3\n"
    assert z.read("my.model/byteorder") == b"little"
    assert z.read("my.model/.format_version") == b"1"
    assert z.read("my.model/.storage_alignment") == b"64"
    sid = z.read("my.model/.data/serialization_id")
    assert len(sid) == 40 and sid.isdigit()


def test_buffer_archive_bytes_equal_torch_except_serialization_id():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((3, 5)).astype(np.float32)
    i = rng.integers(0, 100, 7)
    ours = ember_save_bytes({"a": ember.from_numpy(a), "v": ember.from_numpy(a[1:, ::2]),
                             "i": ember.from_numpy(i), "n": 3})
    ta = torch.from_numpy(a)
    ref = torch_save_bytes({"a": ta, "v": ta[1:, ::2], "i": torch.from_numpy(i), "n": 3})
    assert len(ours) == len(ref)
    zo, zr = zipfile.ZipFile(io.BytesIO(ours)), zipfile.ZipFile(io.BytesIO(ref))
    assert zo.namelist() == zr.namelist() and zo.namelist()[0] == "archive/data.pkl"
    for name in zr.namelist():
        if name.endswith("serialization_id"):
            # the CRC half (last 20 digits) is computed exactly as torch does
            assert zo.read(name)[20:] == zr.read(name)[20:]
        else:
            assert zo.read(name) == zr.read(name), name
    diff = [k for k in range(len(ref)) if ours[k] != ref[k]]
    sid_info = zr.getinfo("archive/.data/serialization_id")
    # only the id itself and its CRC fields (descriptor + central directory) differ
    assert all(sid_info.header_offset < k for k in diff)
    assert len(diff) <= 20 + 8


def test_save_to_path_like_and_file_objects(tmp_path):
    x = ember.arange(5)
    p = tmp_path / "x.pt"
    ember.save(x, p)                      # pathlib
    ember.save(x, str(tmp_path / "y.pt"))  # str
    with open(tmp_path / "z.pt", "wb") as fh:
        ember.save(x, fh)                 # file object
    for name in ("x.pt", "y.pt", "z.pt"):
        np.testing.assert_array_equal(torch.load(tmp_path / name, weights_only=True).numpy(),
                                      np.arange(5))
        with open(tmp_path / name, "rb") as fh:
            np.testing.assert_array_equal(ember_np(ember.load(fh)), np.arange(5))
    assert zipfile.ZipFile(tmp_path / "z.pt").namelist()[0].startswith("archive/")


def test_save_errors_like_torch(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        ember.save(ember.ones(1), tmp_path / "missing" / "x.pt")
    with pytest.raises(AttributeError, match="has no callable attribute 'write'"):
        ember.save(ember.ones(1), object())


def test_pickle_protocol_4_round_trip():
    x = {"w": ember.ones(2, 2), "dt": ember.int8}
    data = ember_save_bytes(x, pickle_protocol=4)
    t = torch_load_bytes(data, weights_only=False)  # torch's weights_only reads protocol 2
    assert t["dt"] is torch.int8
    np.testing.assert_array_equal(t["w"].numpy(), np.ones((2, 2), np.float32))
    e = ember_load_bytes(data)
    assert e["dt"] is ember.int8


def test_mmap_load_and_buffer_at_offset(tmp_path):
    path = tmp_path / "m.pt"
    torch.save({"w": torch.arange(8, dtype=torch.float32), "b": torch.tensor([True, False]),
                "h": torch.ones(2).bfloat16()}, path)
    got = ember.load(path, mmap=True)
    np.testing.assert_array_equal(ember_np(got["w"]), np.arange(8, dtype=np.float32))
    np.testing.assert_array_equal(ember_np(got["b"]), [True, False])
    np.testing.assert_array_equal(ember_np(got["h"]), [1.0, 1.0])
    with ember.no_grad():
        got["w"][0] = 42.0  # copy-on-write: the file is not modified
    assert torch.load(path, weights_only=True)["w"][0].item() == 0.0
    with pytest.raises(ValueError, match="file path"):
        ember.load(io.BytesIO(path.read_bytes()), mmap=True)
    legacy = tmp_path / "l.pt"
    torch.save(torch.ones(1), legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        ember.load(legacy, mmap=True)
    # a checkpoint written after other bytes in the same buffer
    buf = io.BytesIO()
    buf.write(b"header!!")
    ember.save({"x": ember.arange(3)}, buf)
    buf.seek(8)
    np.testing.assert_array_equal(ember_np(ember.load(buf)["x"]), [0, 1, 2])
