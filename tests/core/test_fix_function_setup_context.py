"""Fixes found by the tutorial scripts: ``autograd.Function`` with a separate
``setup_context`` (forward without ctx), and ``torch.nn.grad.conv{1,2,3}d_{input,weight}``;
real torch is the oracle."""
import numpy as np
import pytest
import torch

import ember


def _make(lib):
    class LinearFunction(lib.autograd.Function):
        @staticmethod
        def forward(input, weight, bias=None, scale=2.0):
            out = input.mm(weight.t()) * scale
            return out + bias if bias is not None else out

        @staticmethod
        def setup_context(ctx, inputs, output):
            input, weight, bias, scale = inputs
            ctx.save_for_backward(input, weight)
            ctx.scale, ctx.has_bias = scale, bias is not None

        @staticmethod
        def backward(ctx, g):
            input, weight = ctx.saved_tensors
            return (g.mm(weight) * ctx.scale, g.t().mm(input) * ctx.scale,
                    g.sum(0) if ctx.has_bias else None, None)
    return LinearFunction


@pytest.mark.parametrize("with_bias", [True, False])
def test_setup_context_values_and_grads(with_bias):
    rs = np.random.RandomState(0)
    x, w, b = rs.randn(4, 3), rs.randn(5, 3), rs.randn(5)
    res = []
    for lib in (torch, ember):
        f = _make(lib)
        args = [lib.tensor(a, requires_grad=True) for a in (x, w, b)]
        out = f.apply(*args) if with_bias else f.apply(*args[:2])
        (out ** 2).sum().backward()
        res.append([out.detach().numpy()] + [a.grad.numpy() for a in args[:2]])
    for a, b_ in zip(*res):
        np.testing.assert_allclose(b_, a, rtol=1e-10)


def test_setup_context_kwargs_and_no_grad():
    f = _make(ember)
    x, w = ember.ones(2, 3), ember.ones(1, 3)
    assert f.apply(x, w, scale=3.0).tolist() == [[9.0], [9.0]]
    xr = ember.ones(2, 3, requires_grad=True)
    f.apply(xr, w, None, 0.5).sum().backward()
    assert xr.grad.tolist() == [[0.5] * 3] * 2


def test_setup_context_not_overridden_error():
    with pytest.raises(NotImplementedError):
        ember.autograd.Function.setup_context(None, (), None)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("kw", [{}, dict(stride=2, padding=1), dict(dilation=2, groups=2)])
def test_nn_grad_conv(n, kw):
    rs = np.random.RandomState(n)
    x = rs.randn(2, 4, *([7] * n))
    w = rs.randn(6, 4 // kw.get("groups", 1), *([3] * n))
    conv = getattr(torch.nn.functional, f"conv{n}d")
    go = rs.randn(*conv(torch.tensor(x), torch.tensor(w), **kw).shape)
    for which, args_t, args_e in (
            ("input", (x.shape, torch.tensor(w), torch.tensor(go)),
             (x.shape, ember.tensor(w), ember.tensor(go))),
            ("weight", (torch.tensor(x), w.shape, torch.tensor(go)),
             (ember.tensor(x), w.shape, ember.tensor(go)))):
        a = getattr(torch.nn.grad, f"conv{n}d_{which}")(*args_t, **kw)
        b = getattr(ember.nn.grad, f"conv{n}d_{which}")(*args_e, **kw)
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-9, atol=1e-9)


def test_nn_grad_conv_shape_mismatch():
    with pytest.raises(RuntimeError, match="grad_output has shape"):
        ember.nn.grad.conv2d_input((1, 1, 4, 4), ember.ones(1, 1, 2, 2), ember.ones(1, 1, 2, 2))


def _mul_add(lib):
    class MulAdd_(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.mark_dirty(x)
            return x.mul_(2).add_(y)

        @staticmethod
        def backward(ctx, g):
            return g * 2, g
    return MulAdd_


def test_mark_dirty_returns_the_input_itself():
    res = []
    for lib in (torch, ember):
        a = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        a2 = a * 3
        r = _mul_add(lib).apply(a2, b)
        assert r is a2 and a2.grad_fn is r.grad_fn
        assert type(r.grad_fn).__name__ == "MulAdd_Backward"
        (r * r).sum().backward()
        res.append((r.detach().numpy(), a.grad.numpy(), b.grad.numpy()))
    for x, y in zip(*res):
        np.testing.assert_allclose(y, x)
