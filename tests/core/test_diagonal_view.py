"""``diagonal`` returns a view (writes through it reach the input, as in torch), with values,
gradients and in-place-through-view gradients equal to torch's."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -2, 0, 1), ((2, 3, 4), 1, 2, 0),
         ((2, 3, 4), -1, -1, 1), ((3, 3), 5, 0, 1), ((3, 3), -5, 1, 0), ((0, 3), 0, 0, 1),
         ((2, 5, 5), 0, 1, 2)]


@pytest.mark.parametrize("shape,offset,d1,d2", CASES)
def test_diagonal_values_and_grads_match_torch(shape, offset, d1, d2):
    a = np.random.default_rng(0).random(shape)
    w = None
    res = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        d = x.diagonal(offset, d1, d2)
        if w is None:
            w = np.random.default_rng(1).random(tuple(d.shape))
        (d * m.tensor(w)).sum().backward()
        res.append((d.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0])
    np.testing.assert_allclose(res[0][1], res[1][1])


def test_writes_through_the_diagonal_reach_the_input():
    for m in (ember, torch):
        x = m.zeros(2, 3, 3)
        x.diagonal(dim1=1, dim2=2).fill_(-1)
        assert x.sum().item() == -6.0
        assert np.array_equal(x[1].numpy(), -np.eye(3))


def test_inplace_on_diagonal_of_a_graph_tensor_matches_torch():
    a = np.random.default_rng(2).random((3, 3))
    grads = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 1
        y.diagonal().mul_(3)
        (y * y).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_double_backward_through_diagonal():
    x = ember.tensor(np.random.default_rng(3).random((3, 3)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: t.diagonal(1) ** 2, (x,))


def test_identical_dims_is_an_error():
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical"):
        ember.zeros(3, 3).diagonal(0, 1, 1)
    with pytest.raises(RuntimeError, match="diagonal dimensions cannot be identical"):
        torch.zeros(3, 3).diagonal(0, 1, 1)
