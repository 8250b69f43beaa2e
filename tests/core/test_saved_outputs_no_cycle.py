"""Ops that save their own output for backward (exp, relu, sigmoid, tanh, softmax, ...) keep
it without a reference cycle, as torch's saved outputs: a dropped result is freed at once,
and ``saved_tensors`` rebuilds the output (same values and memory, the node as grad_fn)."""
import gc
import weakref

import numpy as np
import pytest
import torch

import ember

OPS = {
    "exp": lambda m, x: x.exp(),
    "relu": lambda m, x: m.relu(x),
    "sigmoid": lambda m, x: x.sigmoid(),
    "tanh": lambda m, x: x.tanh(),
    "sqrt": lambda m, x: x.abs().sqrt(),
    "softmax": lambda m, x: m.softmax(x, dim=-1),
    "log_softmax": lambda m, x: m.log_softmax(x, dim=-1),
}


@pytest.fixture
def no_gc():
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.parametrize("name", sorted(OPS))
def test_dropped_output_is_freed_without_the_cycle_collector(no_gc, name):
    x = ember.randn(3, 5, requires_grad=True)
    y = OPS[name](ember, x)
    assert y.grad_fn is not None
    ref = weakref.ref(y)
    del y
    assert ref() is None, f"{name}: the output outlived its last reference (a reference cycle)"


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradients_and_double_backward_match_torch(name):
    a = np.random.default_rng(0).standard_normal((3, 5))
    xe = ember.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    ye, yt = OPS[name](ember, xe), OPS[name](torch, xt)
    ge, = ember.autograd.grad((ye * ye).sum(), xe, create_graph=True)
    gt, = torch.autograd.grad((yt * yt).sum(), xt, create_graph=True)
    np.testing.assert_allclose(ge.detach().numpy(), gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    gge, = ember.autograd.grad(ge.sum(), xe)
    ggt, = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(gge.numpy(), ggt.numpy(), rtol=1e-9, atol=1e-11)


def test_saved_output_is_rebuilt_on_the_same_memory_with_the_node_as_grad_fn():
    x = ember.randn(4, requires_grad=True)
    y = x.exp()
    saved = y.grad_fn.saved_tensors
    out = [t for t in saved if t is not None and t.shape == y.shape and
           np.array_equal(t.detach().numpy(), y.detach().numpy())]
    assert out, "exp saves its result"
    s = out[-1]
    assert s is not y                       # as torch: equal, a different tensor object
    assert s.grad_fn is y.grad_fn and s.requires_grad
    assert np.shares_memory(s.detach().numpy(), y.detach().numpy())


def test_modifying_a_saved_output_in_place_still_raises_as_torch():
    for m in (ember, torch):
        x = m.randn(4, requires_grad=True)
        y = x.exp()
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_multi_output_op_keeps_working():
    # max with dim returns (values, indices); values are differentiable
    a = np.random.default_rng(1).standard_normal((3, 4))
    xe, xt = ember.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    ve, _ = xe.max(1)
    vt, _ = xt.max(1)
    ve.sum().backward()
    vt.sum().backward()
    np.testing.assert_array_equal(xe.grad.numpy(), xt.grad.numpy())
