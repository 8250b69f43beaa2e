"""In-place ops under autograd on a tensor that is the sole owner of its memory.

``_methods._inplace_moved`` gives the old value the tensor's memory and the tensor the
result's memory (one pass instead of copy + compute + copy back). Everything a user can
observe must stay as torch has it: values, gradients, version counters, the "modified by an
inplace operation" errors, views and shared-memory tensors seeing the new values, strides.
torch is the oracle throughout.
"""
import numpy as np
import pytest

import ember
from ember import _methods
from ember.autograd import Function

torch = pytest.importorskip("torch")


def _pair(a, requires_grad=True):
    return (ember.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _close(e, t, **kw):
    np.testing.assert_allclose(np.asarray(e.detach().numpy()), t.detach().numpy(),
                               rtol=1e-5, atol=1e-6, **kw)


def _both_raise_version_error(ze, zt):
    """Backward of torch's ``zt`` and ember's ``ze`` both raise the in-place error."""
    for z in (zt, ze):
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            z.sum().backward()


@pytest.fixture
def moves(monkeypatch):
    """Count the in-place ops that took the moving path (so no test passes vacuously)."""
    calls = []
    real = _methods._inplace_moved

    def spy(self, fn, *args, **kwargs):
        calls.append(fn)
        return real(self, fn, *args, **kwargs)
    monkeypatch.setattr(_methods, "_inplace_moved", spy)
    return calls


RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4, 5)).astype(np.float32)
B = RNG.standard_normal((4, 5)).astype(np.float32)


@pytest.mark.parametrize("op", [
    lambda y, b: y.relu_(),
    lambda y, b: y.sigmoid_(),
    lambda y, b: y.exp_(),
    lambda y, b: y.sin_(),
    lambda y, b: y.tanh_(),
    lambda y, b: y.add_(b),
    lambda y, b: y.add_(b, alpha=-0.5),
    lambda y, b: y.mul_(b),
    lambda y, b: y.div_(b.abs() + 1),
    lambda y, b: y.clamp_(-0.5, 0.5),
    lambda y, b: y.__iadd__(b),
    lambda y, b: y.__imul__(2.0),
], ids=["relu_", "sigmoid_", "exp_", "sin_", "tanh_", "add_", "add_alpha", "mul_", "div_",
        "clamp_", "iadd", "imul_scalar"])
def test_inplace_op_values_grads_and_version_match_torch(moves, op):
    (xe, xt), (be, bt) = _pair(A), _pair(B)
    ye, yt = xe * 1.5, xt * 1.5
    ve, vt = ye._version, yt._version
    re, rt = op(ye, be), op(yt, bt)
    assert re is ye and rt is yt
    assert moves, "the in-place op did not take the moving path"
    assert ye._version - ve == yt._version - vt
    _close(ye, yt)
    assert ye.grad_fn.name().rstrip("01") == yt.grad_fn.name().rstrip("01")
    g = RNG.standard_normal(A.shape).astype(np.float32)
    (ye * ember.tensor(g)).sum().backward()
    (yt * torch.tensor(g)).sum().backward()
    _close(xe.grad, xt.grad)
    _close(be.grad if be.grad is not None else ember.zeros(4, 5),
           bt.grad if bt.grad is not None else torch.zeros(4, 5))


def test_chain_of_inplace_ops_matches_torch(moves):
    (xe, xt) = _pair(np.array([0.2, 0.4, 0.7], np.float32))
    ye, yt = xe * 1, xt * 1
    ye.logit_().sinc_().deg2rad_().relu_()
    yt.logit_().sinc_().deg2rad_().relu_()
    assert len(moves) == 4
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(xe.grad, xt.grad)


@pytest.mark.parametrize("first,then", [("relu_", "add_"), ("exp_", "mul_"),
                                        ("sigmoid_", "sub_")])
def test_changing_a_saved_result_afterwards_raises_like_torch(moves, first, then):
    # relu, exp and sigmoid keep their result for backward: changing it again in place
    # must be caught in backward (the saved result moved onto the tensor's version counter)
    (xe, xt) = _pair(A)
    ye, yt = xe * 1, xt * 1
    getattr(ye, first)()
    getattr(yt, first)()
    assert moves
    getattr(ye, then)(1.0)
    getattr(yt, then)(1.0)
    _both_raise_version_error(ye, yt)


def test_changing_an_input_only_op_result_afterwards_is_fine_like_torch(moves):
    # sin keeps its input, not its result: changing the result later is allowed
    (xe, xt) = _pair(A)
    ye, yt = xe * 1, xt * 1
    ye.sin_().mul_(2.0)
    yt.sin_().mul_(2.0)
    assert len(moves) == 2
    ye.sum().backward()
    yt.sum().backward()
    _close(xe.grad, xt.grad)


def test_a_tensor_saved_by_an_earlier_op_is_caught_like_torch(moves):
    (xe, xt) = _pair(A)
    ye, yt = xe * 1, xt * 1
    ze, zt = ye * ye, yt * yt           # mul saves y
    ye.relu_()
    yt.relu_()
    _both_raise_version_error(ze, zt)


def test_views_and_memory_sharers_see_the_new_values(moves):
    # a view, an indexed view or a detached alias shares the memory: the op must copy
    (xe, xt) = _pair(A)
    for make in (lambda y: y.view(-1), lambda y: y[1], lambda y: y.detach()):
        ye, yt = xe * 1, xt * 1
        se, st = make(ye), make(yt)
        n = len(moves)
        ye.relu_()
        yt.relu_()
        assert len(moves) == n, "a tensor whose memory is shared took the moving path"
        _close(se, st)
        _close(ye, yt)


def test_strides_are_kept(moves):
    # in-place ops keep the tensor's strides (torch): an F-ordered array the tensor owns
    # gets the result copied into memory of its own layout
    x = ember.tensor(A[0], requires_grad=True)
    y = x * 1
    y._data = np.asfortranarray(y._data)
    strides = y.stride()
    y.relu_()
    assert moves
    assert y.stride() == strides
    np.testing.assert_array_equal(y.detach().numpy(), np.maximum(A[0], 0))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (A[0] > 0).astype(np.float32))


def test_result_cast_to_the_tensors_dtype():
    # float32 tensor += float64 tensor: the result is cast back, as torch
    (xe, xt) = _pair(A)
    (be, bt) = _pair(B.astype(np.float64))
    ye, yt = xe * 1, xt * 1
    ye += be
    yt += bt
    assert str(ye.dtype) == str(yt.dtype) == "torch.float32"
    _close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    _close(xe.grad, xt.grad)
    _close(be.grad, bt.grad)


def test_an_op_that_keeps_its_raw_result_does_not_share_it(moves):
    # a Function that stashes its output array outside save_for_backward: the tensor must
    # not take that memory (a later in-place change would silently corrupt the stash)
    class Stash(Function):
        @staticmethod
        def forward(ctx, x):
            y = x * 2
            ctx.raw = y._data
            return y

        @staticmethod
        def backward(ctx, g):
            assert np.array_equal(ctx.raw, ctx.expected), "the stashed result was changed"
            return g * 2

    x = ember.tensor(A, requires_grad=True)
    y = x * 1
    _methods._inplace(y, Stash.apply)
    assert moves
    node = y.grad_fn
    node.expected = node.raw.copy()
    assert not np.shares_memory(y._data, node.raw)
    y.add_(100.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(A.shape, 2.0, np.float32))


def test_errors_leave_the_tensor_unchanged(moves):
    x = ember.tensor(A, requires_grad=True)
    y = x * 1
    before = y.detach().clone()
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        y.add_(ember.ones(2, 3, 4, 5))
    with pytest.raises(RuntimeError, match="can't be cast"):
        (x > 0).long().mul_(ember.tensor(0.5, requires_grad=True))
    assert y._version == 0
    _close(y, torch.tensor(before.numpy()))
