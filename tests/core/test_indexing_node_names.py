"""``x[idx].grad_fn`` carries torch's node name for what the index did (Select / Slice /
Unsqueeze / Alias / Index), with torch's gradients; checked against real torch."""
import numpy as np
import pytest
import torch

import ember

# each case: (name, input shape, index builder taking the module (torch or ember) and the input)
CASES = [
    ("int", (4, 5, 6), lambda m, x: x[0]),
    ("neg_int", (4, 5, 6), lambda m, x: x[-1]),
    ("np_int", (4, 5, 6), lambda m, x: x[np.int64(2)]),
    ("int_0d_tensor", (4, 5, 6), lambda m, x: x[m.tensor(1)]),
    ("slice", (4, 5, 6), lambda m, x: x[1:3]),
    ("lone_full_slice", (4, 5, 6), lambda m, x: x[:]),
    ("step_slice", (4, 5, 6), lambda m, x: x[:, ::2]),
    ("slice_past_end", (4, 5, 6), lambda m, x: x[0:100]),
    ("neg_start_slice", (4, 5), lambda m, x: x[:, -5:]),
    ("empty_slice", (4, 5), lambda m, x: x[:, :0]),
    ("none", (4, 5, 6), lambda m, x: x[None]),
    ("none_none", (4, 5, 6), lambda m, x: x[None, None]),
    ("ellipsis", (4, 5, 6), lambda m, x: x[...]),
    ("ellipsis_0d", (), lambda m, x: x[...]),
    ("full_slices_tuple", (4, 5, 6), lambda m, x: x[:, :]),
    ("full_slices_clamped", (4, 5), lambda m, x: x[:, 0:100]),
    ("ellipsis_full_slice", (4, 5), lambda m, x: x[..., 0:5]),
    ("empty_tuple", (4, 5), lambda m, x: x[()]),
    ("index_tensor", (4, 5, 6), lambda m, x: x[m.tensor([0, 2])]),
    ("index_list", (4, 5, 6), lambda m, x: x[[0, 2]]),
    ("index_list_repeat", (4, 5, 6), lambda m, x: x[[0, 2, 0]]),
    ("index_one_list", (4, 5, 6), lambda m, x: x[[1]]),
    ("mask", (4, 5, 6), lambda m, x: x[x > 0]),
    ("mask_2d", (4, 5, 6), lambda m, x: x[x[:, :, 0] > 0]),
    ("bool_true", (4, 5), lambda m, x: x[True]),
    ("int_bool", (4, 5), lambda m, x: x[0, True]),
    ("int_then_slice", (4, 5, 6), lambda m, x: x[0, 1:3]),
    ("slice_then_int", (4, 5, 6), lambda m, x: x[1:3, 0]),
    ("int_full_slice", (4, 5, 6), lambda m, x: x[0, :]),
    ("slice_full_slice", (4, 5, 6), lambda m, x: x[1:3, :]),
    ("none_then_int", (4, 5, 6), lambda m, x: x[None, 0]),
    ("int_then_none", (4, 5, 6), lambda m, x: x[0, None]),
    ("none_then_slice", (4, 5, 6), lambda m, x: x[None, 1:3]),
    ("slice_then_none", (4, 5, 6), lambda m, x: x[1:3, None]),
    ("int_none_slice", (4, 5, 6), lambda m, x: x[0, None, 1:3]),
    ("ellipsis_int", (4, 5, 6), lambda m, x: x[..., 0]),
    ("int_ellipsis", (4, 5, 6), lambda m, x: x[0, ...]),
    ("ellipsis_none", (4, 5, 6), lambda m, x: x[..., None]),
    ("ints", (4, 5, 6), lambda m, x: x[0, 1, 2]),
    ("int_list", (4, 5, 6), lambda m, x: x[0, [1, 2]]),
    ("list_int", (4, 5, 6), lambda m, x: x[[1, 2], 0]),
    ("slice_list_slice", (4, 5, 6), lambda m, x: x[:, [0, 1], 1:3]),
    ("two_lists", (4, 5, 6), lambda m, x: x[[0, 1], [1, 2]]),
    ("vector_int", (4,), lambda m, x: x[0]),
    ("scalar_none", (), lambda m, x: x[None]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_getitem_node_name_and_grad_match_torch(case):
    _, shape, index = case
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tx = torch.tensor(data, requires_grad=True)
    ex = ember.tensor(data, requires_grad=True)
    ty, ey = index(torch, tx), index(ember, ex)
    assert type(ey.grad_fn).__name__ == type(ty.grad_fn).__name__
    assert ey.grad_fn.name() == ty.grad_fn.name()
    assert tuple(ey.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy())
    w = np.random.default_rng(1).standard_normal(tuple(ty.shape)).astype(np.float32)
    (ty * torch.tensor(w)).sum().backward()
    (ey * ember.tensor(w)).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_getitem_node_names_in_repr_and_graph():
    x = ember.arange(6.0, requires_grad=True)
    y = x[1:4]
    assert "grad_fn=<SliceBackward0>" in repr(y)
    z = y[0]
    assert type(z.grad_fn).__name__ == "SelectBackward0"
    assert z.grad_fn.next_functions[0][0] is y.grad_fn   # still one node per index


def test_getitem_without_grad_has_no_node_and_errors_unchanged():
    x = ember.arange(6.0)
    assert x[0].grad_fn is None and x[[1, 2]].grad_fn is None
    xg = ember.arange(6.0, requires_grad=True)
    with pytest.raises(IndexError, match="too many indices"):
        xg[0, 1:2]
    with pytest.raises(IndexError, match="out of bounds"):
        xg[[0, 9]]
    with ember.no_grad():
        assert xg[1:3].grad_fn is None


def test_getitem_double_backward_through_named_nodes():
    data = np.array([0.5, -1.0, 2.0, 3.0], dtype=np.float32)
    grads = []
    for m in (torch, ember):
        x = m.tensor(data, requires_grad=True)
        y = (x[1:3] ** 3).sum() + (x[[0, 3]] ** 3).sum()
        g, = m.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
        grads.append((g.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-6)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-6)
