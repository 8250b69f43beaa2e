"""gradcheck on complex inputs/outputs (perturbing along 1 and 1j), and the engine's rule for
complex gradients of real inputs: the real part for built-in ops, an error for a user
Function, as torch."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def _z(seed):
    rng = np.random.default_rng(seed)
    return ember.tensor(rng.standard_normal(3) + 1j * rng.standard_normal(3),
                        dtype=ember.complex128, requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda t: (t * t.conj() * 2j).exp(),
    lambda t: t.abs(),
    lambda t: (t * t).sin(),
    lambda t: t.reciprocal() + t.angle(),
    lambda t: ember.view_as_real(t * (1 - 2j)),
])
def test_gradcheck_accepts_correct_complex_gradients(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ember.autograd.gradcheck(fn, (_z(0),))


def test_gradcheck_catches_a_missing_conjugate():
    class WrongMul(ember.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return 2 * g * a   # should be 2 * g * a.conj()

    assert not ember.autograd.gradcheck(WrongMul.apply, (_z(1),), raise_exception=False)


def test_real_input_gets_the_real_part_of_a_complex_gradient():
    a = np.array([0.5, -1.0, 2.0])
    grads = []
    for m in (ember, torch):
        y = m.tensor(a, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            (y.to(m.complex128) * (1 + 2j)).abs().sum().backward()
        grads.append(y.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_user_function_returning_a_complex_gradient_for_a_real_input_raises():
    for m in (ember, torch):
        class Bad(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * (1 + 1j)

        x = m.ones(2, dtype=m.float64, requires_grad=True)
        with pytest.raises(RuntimeError, match="input_is_complex == grad_is_complex"):
            Bad.apply(x).sum().backward()
