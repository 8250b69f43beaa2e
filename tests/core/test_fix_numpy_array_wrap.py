"""NumPy functions applied to a tensor give a tensor back, as torch (``Tensor.__array_wrap__``):
``np.transpose(img, (1, 2, 0))`` in the DCGAN tutorial, ``np.exp(t)`` and other ufuncs."""
import warnings

import numpy as np
import pytest
import torch

import ember

# torch's own hook has the old signature: NumPy warns about torch, not ember (checked below)
pytestmark = pytest.mark.filterwarnings("ignore:__array_wrap__ must accept:DeprecationWarning")

CASES = {
    "exp": lambda t: np.exp(t),
    "add_scalar": lambda t: np.add(t, 1),
    "multiply_tensors": lambda t: np.multiply(t, t),
    "transpose_axes": lambda t: np.transpose(t, (1, 0)),
    "transpose_default": lambda t: np.transpose(t),
    "squeeze": lambda t: np.squeeze(t[None]),
    "zero_dim": lambda t: np.exp(t[0, 0]),
    "bool_result": lambda t: np.isnan(t),
    "comparison": lambda t: np.greater(t, 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_numpy_functions_return_tensors_like_torch(name, dtype):
    f = CASES[name]
    arr = np.arange(6).reshape(2, 3).astype(dtype)
    expected = f(torch.from_numpy(arr.copy()))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy DeprecationWarning about the hook's signature
        got = f(ember.from_numpy(arr.copy()))
    assert isinstance(expected, torch.Tensor)
    assert isinstance(got, ember.Tensor)
    assert str(got.dtype) == str(expected.dtype)
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)


def test_numpy_transpose_of_image_grid_is_a_tensor_view_like_torch():
    img = np.random.default_rng(0).random((3, 4, 5), dtype=np.float32)
    t_out = np.transpose(torch.from_numpy(img.copy()), (1, 2, 0))
    e_out = np.transpose(ember.from_numpy(img.copy()), (1, 2, 0))
    assert isinstance(e_out, ember.Tensor) and e_out.shape == ember.Size([4, 5, 3])
    np.testing.assert_array_equal(e_out.numpy(), t_out.numpy())
    # the grid can still be shown: matplotlib converts it back with np.asarray
    assert np.asarray(e_out).shape == (4, 5, 3)
