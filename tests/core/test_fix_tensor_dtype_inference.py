"""``torch.tensor(data)`` on nested Python data: torch infers one dtype per leaf (a NumPy
scalar keeps its own dtype, a Python float is the default dtype ...) and promotes them with
``promote_types``; any Python sequence is data, not only lists and tuples (the REINFORCE
example calls ``torch.tensor(returns)`` on a ``collections.deque``)."""
from collections import deque

import numpy as np
import pytest
import torch

import ember

CASES = {
    "np_float64": lambda m: [np.float64(1.5)],
    "np_float64_then_float": lambda m: [np.float64(1.5), 2.0],
    "float_then_np_float64": lambda m: [2.0, np.float64(1.5)],
    "np_float64_and_int": lambda m: [np.float64(1.0), 3],
    "np_float32": lambda m: [np.float32(1.5), 2.0],
    "np_float32_and_float64": lambda m: [np.float32(1.5), np.float64(1.0)],
    "np_float16": lambda m: [np.float16(1.0)],
    "np_int32": lambda m: [np.int32(1), np.int32(-4)],
    "np_int32_and_int": lambda m: [np.int32(1), 2],
    "np_int32_and_float": lambda m: [np.int32(1), 2.5],
    "np_int8_and_int16": lambda m: [np.int8(1), np.int16(2)],
    "np_uint8": lambda m: [np.uint8(3), np.uint8(200)],
    "np_bool": lambda m: [np.bool_(True), np.bool_(False)],
    "np_int64_and_float32": lambda m: [np.int64(1), np.float32(2.5)],
    "np_complex128": lambda m: [np.complex128(1 + 2j)],
    "python_complex": lambda m: [1 + 2j, 3.0],
    "nested_np_float64": lambda m: [[np.float64(1.0)], [2.0]],
    "arrays_in_list": lambda m: [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
    "tensor_float64_and_float": lambda m: [m.tensor(1.0, dtype=m.float64), 2.0],
    "tensor_int32_and_int": lambda m: [m.tensor(1, dtype=m.int32), 2],
    "tensor_float16_and_float": lambda m: [m.tensor(1.0, dtype=m.float16), 2.5],
    "bools_and_ints": lambda m: [True, 2],
    "empty_nested": lambda m: [[], []],
    "deque_floats": lambda m: deque([1.0, 0.5, 0.25]),
    "deque_ints": lambda m: deque([1, 2, 3]),
    "deque_of_deques": lambda m: deque([deque([1, 2]), deque([3, 4])]),
    "list_of_deques": lambda m: [deque([1.5, 2.0]), deque([3.0, 4.0])],
    "deque_of_tensors": lambda m: deque([m.tensor(1.0), m.tensor(2.0)]),
    "range": lambda m: range(5),
    "range_in_list": lambda m: [range(2), range(2, 4)],
    "deque_np_float64": lambda m: deque([np.float64(0.1), np.float64(0.2)]),
}


@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("name", sorted(CASES))
def test_tensor_infers_dtype_like_torch(name):
    make = CASES[name]
    expected = torch.tensor(make(torch))
    got = ember.tensor(make(ember))
    assert str(got.dtype) == str(expected.dtype)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_reinforce_returns_from_deque_normalise_like_torch():
    # the REINFORCE example's finish_episode(): a deque of discounted returns, normalised
    rewards = [1.0, 0.0, 1.0, 1.0]
    out = {}
    for m in (torch, ember):
        R, returns = 0, deque()
        for r in rewards[::-1]:
            R = r + 0.99 * R
            returns.appendleft(R)
        returns = m.tensor(returns)
        eps = np.finfo(np.float32).eps.item()
        out[m.__name__] = ((returns - returns.mean()) / (returns.std() + eps)).numpy()
    np.testing.assert_allclose(out["ember"], out["torch"], rtol=1e-6)
    assert out["ember"].dtype == np.float32


def test_default_dtype_float64_applies_to_python_floats_only():
    for m in (torch, ember):
        m.set_default_dtype(m.float64)
    try:
        for data in ([1.5, 2], [np.float32(1.5), 2.0], [1 + 1j], [np.float32(1.0)]):
            assert str(ember.tensor(data).dtype) == str(torch.tensor(data).dtype), data
    finally:
        for m in (torch, ember):
            m.set_default_dtype(m.float32)


@pytest.mark.parametrize("bad", ["abc", b"ab", [[1.0], [b"x"]], [1.0, b"x"], [[1.0], ["x"]]])
def test_strings_are_not_data_type_error(bad):
    with pytest.raises(TypeError) as et:
        torch.tensor(bad)
    with pytest.raises(TypeError, match="new\\(\\): invalid data type") as ee:
        ember.tensor(bad)
    assert str(ee.value).split("'")[0] == str(et.value).split("'")[0]


@pytest.mark.parametrize("bad", [["a", "b"], [np.str_("x")], [["x"], [1.0]]])
def test_strings_inside_data_value_error(bad):
    with pytest.raises(ValueError) as et:
        torch.tensor(bad)
    with pytest.raises(ValueError) as ee:
        ember.tensor(bad)
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("bad", [{1: 2}, {1, 2}, None, object(), [1, None]])
def test_uninferable_objects_runtime_error(bad):
    with pytest.raises(RuntimeError) as et:
        torch.tensor(bad)
    with pytest.raises(RuntimeError, match="Could not infer dtype of") as ee:
        ember.tensor(bad)
    assert str(ee.value) == str(et.value)
