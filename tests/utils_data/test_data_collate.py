"""default_collate / default_convert against torch.utils.data on many input structures."""

import collections
import types

import numpy as np
import pytest

import ember
from ember.utils.data import default_collate, default_convert
from ember.utils.data._utils.collate import collate as ember_collate
from ember.utils.data._utils.collate import default_collate_fn_map as ember_fn_map

import torch
import torch.utils.data as tud
from torch.utils.data._utils.collate import collate as torch_collate
from torch.utils.data._utils.collate import default_collate_fn_map as torch_fn_map

from utils_data_helpers import assert_same

Point = collections.namedtuple("Point", ["x", "y"])
rng = np.random.default_rng(0)
A = rng.standard_normal((3, 2, 3)).astype(np.float32)
I = rng.integers(-5, 5, size=(3, 4))
B = rng.random((3, 2)) > 0.5


def _tensor(lib, arr):
    return lib.from_numpy(np.array(arr, copy=True))


# Each case builds a batch (list of samples) using `lib` (ember or torch) for tensors.
CASES = {
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [0.5, -1.25, 3.0],
    "bools": lambda lib: [True, False, True],
    "int_then_float": lambda lib: [1, 2.5],
    "bool_then_int": lambda lib: [True, 2],
    "strings": lambda lib: ["a", "bb", "c"],
    "bytes": lambda lib: [b"a", b"b"],
    "np_float32": lambda lib: [A[0], A[1], A[2]],
    "np_int64": lambda lib: [I[0], I[1], I[2]],
    "np_bool": lambda lib: [B[0], B[1], B[2]],
    "np_0d": lambda lib: [np.array(1.5), np.array(2.5)],
    "np_scalar_f32": lambda lib: [np.float32(1.5), np.float32(-2)],
    "np_scalar_f64": lambda lib: [np.float64(1.5), np.float64(-2)],
    "np_scalar_i32": lambda lib: [np.int32(3), np.int32(-4)],
    "np_scalar_bool": lambda lib: [np.bool_(True), np.bool_(False)],
    "tensor_f32": lambda lib: [_tensor(lib, A[i]) for i in range(3)],
    "tensor_i64": lambda lib: [_tensor(lib, I[i]) for i in range(3)],
    "tensor_0d": lambda lib: [_tensor(lib, A[i, 0, 0]) for i in range(3)],
    "tuples": lambda lib: [(_tensor(lib, A[i]), i, "s%d" % i) for i in range(3)],
    "lists": lambda lib: [[float(i), i] for i in range(3)],
    "dicts": lambda lib: [{"x": _tensor(lib, A[i]), "y": i, "name": str(i)} for i in range(3)],
    "ordered_dict": lambda lib: [collections.OrderedDict(b=i, a=0.5 * i) for i in range(2)],
    "mapping_proxy": lambda lib: [types.MappingProxyType({"k": i}) for i in range(2)],
    "namedtuple": lambda lib: [Point(_tensor(lib, A[i]), i) for i in range(3)],
    "nested": lambda lib: [
        {"img": I[i], "meta": {"id": i, "tags": ("a", "b")}, "pts": [Point(1.0 * i, i), Point(2.0, 0)]}
        for i in range(3)
    ],
    "list_of_arrays_in_tuple": lambda lib: [([A[i], A[i]], np.int64(i)) for i in range(3)],
    "single_sample": lambda lib: [{"v": _tensor(lib, A[0])}],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_default_collate_matches_torch(name):
    out = default_collate(CASES[name](ember))
    ref = tud.default_collate(CASES[name](torch))
    assert_same(out, ref)


CONVERT_CASES = {
    "np_array": lambda lib: A[0],
    "np_int_array": lambda lib: I[1],
    "np_scalar": lambda lib: np.float32(2.5),
    "np_int_scalar": lambda lib: np.int64(7),
    "python_int": lambda lib: 3,
    "string": lambda lib: "abc",
    "string_array": lambda lib: np.array(["a", "b"]),
    "tuple": lambda lib: (A[0], 1, "x"),
    "list": lambda lib: [I[0], 2.0],
    "dict": lambda lib: {"a": A[1], "b": [np.float64(1.0), "s"]},
    "namedtuple": lambda lib: Point(I[0], np.int32(2)),
    "tensor": lambda lib: _tensor(lib, A[2]),
}


@pytest.mark.parametrize("name", sorted(CONVERT_CASES))
def test_default_convert_matches_torch(name):
    out = default_convert(CONVERT_CASES[name](ember))
    ref = tud.default_convert(CONVERT_CASES[name](torch))
    assert_same(out, ref)


def test_default_convert_returns_tensor_unchanged():
    t = ember.ones(3)
    assert default_convert(t) is t


def test_collate_dtypes_follow_torch_rules():
    assert default_collate([1, 2]).dtype == ember.int64
    assert default_collate([1.0, 2.0]).dtype == ember.float64
    assert default_collate([True, False]).dtype == ember.bool
    assert default_collate([np.float32(1.0)]).dtype == ember.float32
    assert default_collate(["x", "y"]) == ["x", "y"]


def _error(fn, batch):
    with pytest.raises(Exception) as info:
        fn(batch)
    return info.type, str(info.value)


@pytest.mark.parametrize("name", ["object", "none", "string_array", "uneven_lists", "set", "uneven_arrays"])
def test_collate_errors_match_torch(name):
    batches = {
        "object": lambda: [object(), object()],
        "none": lambda: [None, None],
        "string_array": lambda: [np.array(["a"]), np.array(["b"])],
        "uneven_lists": lambda: [[1, 2], [1]],
        "set": lambda: [{1}, {2}],
        "uneven_arrays": lambda: [np.zeros(3), np.zeros(2)],
    }
    e_type, e_msg = _error(default_collate, batches[name]())
    t_type, t_msg = _error(tud.default_collate, batches[name]())
    assert e_type is t_type
    if name != "uneven_arrays":
        assert e_msg == t_msg
    else:
        assert "stack expects each tensor to be equal size" in e_msg


def test_collate_uneven_tensors_raises_like_torch():
    with pytest.raises(RuntimeError) as e:
        default_collate([ember.zeros(3), ember.zeros(2)])
    with pytest.raises(RuntimeError) as t:
        tud.default_collate([torch.zeros(3), torch.zeros(2)])
    assert str(e.value) == str(t.value)


def test_collate_with_custom_collate_fn_map():
    def upper(batch, *, collate_fn_map=None):
        return [s.upper() for s in batch]

    batch = [("a", 1, {"k": "x"}), ("b", 2, {"k": "y"})]
    out = ember_collate(batch, collate_fn_map={**ember_fn_map, str: upper})
    ref = torch_collate(batch, collate_fn_map={**torch_fn_map, str: upper})
    assert_same(out, ref)
    assert out[0] == ["A", "B"]


def test_collate_preserves_custom_mapping_type():
    class Record(dict):
        pass

    out = default_collate([Record(a=1), Record(a=2)])
    assert type(out) is Record
    assert out["a"].tolist() == [1, 2]


def test_collate_sequence_type_without_list_constructor_falls_back_to_list():
    class Pair(collections.abc.Sequence):
        def __init__(self, a, b):
            self.items = (a, b)

        def __getitem__(self, i):
            return self.items[i]

        def __len__(self):
            return 2

    out = default_collate([Pair(1, 2.0), Pair(3, 4.0)])
    ref = tud.default_collate([Pair(1, 2.0), Pair(3, 4.0)])
    assert_same(out, ref)
