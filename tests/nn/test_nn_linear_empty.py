"""Linear with zero-sized dimensions (in_features=0, out_features=0, empty batches), forward
and backward, against torch -- e.g. AdaptiveLogSoftmaxWithLoss builds such layers."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("shape_in,in_f,out_f", [
    ((3, 0), 0, 4), ((2, 3, 0), 0, 4), ((0, 5), 5, 2), ((2, 0, 5), 5, 2), ((3, 5), 5, 0)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_with_zero_sized_dims_matches_torch(shape_in, in_f, out_f, bias):
    got = []
    for lib in (ember, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Initializing zero-element tensors is a no-op"
            lin = lib.nn.Linear(in_f, out_f, bias=bias)
        with lib.no_grad():
            lin.weight.copy_(lib.ones(out_f, in_f))
            if bias:
                lin.bias.copy_(lib.full((out_f,), 0.5))
        x = lib.ones(shape_in, requires_grad=True)
        y = lin(x)
        (y * 2).sum().backward()
        got.append([y.detach().numpy(), x.grad.numpy(), lin.weight.grad.numpy()] +
                   ([lin.bias.grad.numpy()] if bias else []))
    for a, b in zip(*got):
        assert a.shape == b.shape
        np.testing.assert_array_equal(a, b)
