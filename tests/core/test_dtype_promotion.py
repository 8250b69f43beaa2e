"""The promotion table against torch for every dtype pair, and tensor-scalar cases."""
import itertools

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
         "float64", "complex64", "complex128"]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch(a, b):
    expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
    got = ember.promote_types(getattr(ember, a), getattr(ember, b))
    assert str(got) == str(expected)


SCALARS = [True, 3, -2, 2.5, 1 + 2j]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", SCALARS, ids=["bool", "int", "negint", "float", "complex"])
@pytest.mark.parametrize("zero_dim", [False, True])
def test_tensor_scalar_result_type(name, scalar, zero_dim):
    if isinstance(scalar, complex) and name in ("float16", "bfloat16"):
        pytest.skip("ember has no complex32 (torch's result for half + complex scalar)")
    shape = () if zero_dim else (2,)
    t = torch.ones(shape, dtype=getattr(torch, name))
    e = ember.ones(shape, dtype=getattr(ember, name))
    assert str(ember.result_type(e, scalar)) == str(torch.result_type(t, scalar))


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES[:10], NAMES[:10])))
def test_dim_vs_zero_dim_tensor(a, b):
    t = torch.ones(2, dtype=getattr(torch, a)) + torch.ones((), dtype=getattr(torch, b))
    e = ember.ones(2, dtype=getattr(ember, a)) + ember.ones((), dtype=getattr(ember, b))
    assert str(e.dtype) == str(t.dtype)


@pytest.mark.parametrize("a,b", [("float32", "int32"), ("float64", "bool"), ("int32", "float16"),
                                 ("bool", "int8"), ("complex64", "float64"),
                                 ("int64", "uint8")])
def test_can_cast_matches_torch(a, b):
    assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == \
        torch.can_cast(getattr(torch, a), getattr(torch, b))


def test_python_scalars_are_weak():
    assert ember.tensor(1.5).dtype is ember.float32
    assert (ember.tensor([1, 2]) / 2).dtype is ember.float32
    assert (ember.tensor([1, 2], dtype=ember.uint8) + ember.tensor([1], dtype=ember.int8)).dtype \
        is ember.int16
    assert (ember.tensor([1.0], dtype=ember.float16) * 2.5).dtype is ember.float16
    assert ember.from_numpy(np.array([1.0])).dtype is ember.float64


def test_default_dtype_roundtrip():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.zeros(2).dtype is ember.float64
        assert (ember.tensor([1, 2]) / 2).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.tensor([1.0]).dtype is ember.float32


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8"])
def test_integer_division_and_rounding_conventions(name):
    vals = [-7, -3, 0, 3, 7]
    t = torch.tensor(vals, dtype=getattr(torch, name) if name != "uint8" else torch.int16)
    e = ember.tensor(vals, dtype=getattr(ember, name) if name != "uint8" else ember.int16)
    for mode in (None, "trunc", "floor"):
        tr = torch.div(t, 2, rounding_mode=mode)
        er = ember.div(e, 2, rounding_mode=mode)
        assert str(er.dtype) == str(tr.dtype)
        np.testing.assert_array_equal(er.numpy(), tr.numpy())
    np.testing.assert_array_equal((e // 2).numpy(), (t // 2).numpy())
    np.testing.assert_array_equal((e % 3).numpy(), (t % 3).numpy())


def test_rounding_half_to_even_like_torch():
    x = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4999]
    np.testing.assert_array_equal(ember.round(ember.tensor(x)).numpy(),
                                  torch.round(torch.tensor(x)).numpy())
    np.testing.assert_allclose(ember.round(ember.tensor([1.2345]), decimals=2).numpy(),
                               torch.round(torch.tensor([1.2345]), decimals=2).numpy())


def test_type_strings_and_casts():
    x = ember.tensor([1.7, -2.2])
    assert x.type() == "torch.FloatTensor"
    assert x.long().type() == "torch.LongTensor"
    np.testing.assert_array_equal(x.int().numpy(), torch.tensor([1.7, -2.2]).int().numpy())
    assert x.type("torch.DoubleTensor").dtype is ember.float64
    assert x.half().dtype is ember.float16 and x.bool().dtype is ember.bool
    b = x.bfloat16()
    np.testing.assert_array_equal(b.float().numpy(),
                                  torch.tensor([1.7, -2.2]).bfloat16().float().numpy())
