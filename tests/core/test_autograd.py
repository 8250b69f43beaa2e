"""Autograd semantics against torch: accumulation, hooks, errors, Function, higher order."""
import numpy as np
import pytest

import ember
from opinfo import OPS

torch = pytest.importorskip("torch")


def both(fn):
    """Run ``fn(m)`` with m = ember and m = torch; return both results."""
    return fn(ember), fn(torch)


def test_grad_accumulates_across_backward_calls():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (x * 3).sum().backward()
        (x * x).sum().backward()
        return x.grad.numpy()
    e, t = both(run)
    np.testing.assert_allclose(e, t)


def test_shared_gradient_is_not_aliased_between_leaves():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    (a + b).sum().backward()
    a.grad.mul_(5)
    np.testing.assert_allclose(b.grad.numpy(), [1, 1])


def test_error_texts_match_torch():
    for fn, needle in [
        (lambda m: m.ones(2).sum().backward(), "element 0 of tensors does not require grad"),
        (lambda m: (m.ones(2, requires_grad=True) * 2).backward(),
         "grad can be implicitly created only for scalar outputs"),
    ]:
        for m in (ember, torch):
            with pytest.raises(RuntimeError, match=needle):
                fn(m)


def test_second_backward_through_freed_graph_raises():
    for m in (ember, torch):
        x = m.ones(2, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.backward()


def test_retain_graph_allows_second_backward():
    def run(m):
        x = m.tensor([0.5, 1.5], requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad.numpy()
    e, t = both(run)
    np.testing.assert_allclose(e, t, rtol=1e-6)


def test_inplace_on_leaf_requiring_grad_raises():
    for m in (ember, torch):
        x = m.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            x.add_(1)


def test_inplace_modification_of_saved_tensor_raises():
    for m in (ember, torch):
        x = m.ones(3, requires_grad=True)
        y = x.sigmoid()
        z = y * 2
        w = y.sigmoid()
        y.mul_(3)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            w.sum().backward()
        del z


def test_inplace_ops_on_non_leaf_track_gradients():
    def run(m):
        x = m.tensor([1.0, -2.0, 3.0], requires_grad=True)
        y = x * 2
        y.add_(1)
        y.mul_(x)
        y[0] = 7.0
        y.relu_()
        y.sum().backward()
        return x.grad.numpy(), y.detach().numpy()
    (eg, ey), (tg, ty) = both(run)
    np.testing.assert_allclose(ey, ty)
    np.testing.assert_allclose(eg, tg)


def test_setitem_with_grad_value():
    def run(m):
        v = m.tensor([2.0, 3.0], requires_grad=True)
        out = m.zeros(2, 3)
        out[:, 1] = v * v
        (out * m.arange(6.0).reshape(2, 3)).sum().backward()
        return v.grad.numpy()
    e, t = both(run)
    np.testing.assert_allclose(e, t)


def test_version_counter_shared_by_views():
    x = ember.zeros(4)
    v = x[1:3]
    before = x._version
    v.fill_(2)
    assert x._version == before + 1 == v._version
    np.testing.assert_array_equal(x.numpy(), [0, 2, 2, 0])


def test_retain_grad_and_hooks():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        seen = []
        y.register_hook(lambda g: seen.append(g.clone()) or g * 2)
        x.register_hook(lambda g: g + 1)
        (y * y).sum().backward()
        return x.grad.numpy(), y.grad.numpy(), seen[0].numpy()
    e, t = both(run)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b)


def test_autograd_grad_and_allow_unused():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        z = m.tensor([1.0], requires_grad=True)
        y = (x ** 3).sum()
        (g,) = m.autograd.grad(y, x, create_graph=True)
        (h,) = m.autograd.grad(g.sum(), x)
        gu = m.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
        return g.detach().numpy(), h.numpy(), gu[1] is None
    e, t = both(run)
    np.testing.assert_allclose(e[0], t[0])
    np.testing.assert_allclose(e[1], t[1])
    assert e[2] and t[2]
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        x = ember.tensor([1.0], requires_grad=True)
        z = ember.tensor([1.0], requires_grad=True)
        ember.autograd.grad((x * 2).sum(), [x, z])


def test_backward_inputs_argument():
    def run(m):
        a = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor([3.0, 4.0], requires_grad=True)
        (a * b).sum().backward(inputs=[a])
        return a.grad.numpy(), b.grad
    (ea, eb), (ta, tb) = both(run)
    np.testing.assert_allclose(ea, ta)
    assert eb is None and tb is None


def test_grad_modes_context_and_decorator():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad

    @ember.no_grad()
    def f(t):
        return t * 2
    assert not f(x).requires_grad
    with ember.set_grad_enabled(False):
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)


def test_custom_function_api():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * 3 * x ** 2 * ctx.k, None

    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 24.0])


def test_function_mark_non_differentiable_and_once_differentiable():
    class SortVals(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            v, i = x.sort()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return v, i

        @staticmethod
        @ember.autograd.function.once_differentiable
        def backward(ctx, gv, gi):
            (i,) = ctx.saved_tensors
            return ember.zeros_like(gv).scatter(0, i, gv)

    x = ember.tensor([3.0, 1.0, 2.0], requires_grad=True)
    v, i = SortVals.apply(x)
    assert not i.requires_grad
    (v * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 1.0, 2.0])


def test_grad_fn_names_and_next_functions():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2 + 1).sum()
    assert y.grad_fn.name() == "SumBackward0"
    (add, _), = y.grad_fn.next_functions
    assert add.name() == "AddBackward0"
    mul = add.next_functions[0][0]
    assert mul.name() == "MulBackward0"
    acc = mul.next_functions[0][0]
    assert acc.variable is x
    assert repr(y) == "tensor(6., grad_fn=<SumBackward0>)"


def test_relu_gradient_at_zero_and_max_ties_follow_torch():
    def run(m):
        x = m.tensor([-1.0, 0.0, 2.0, 2.0], requires_grad=True)
        (x.relu().sum() + x.max() + x.amax()).backward()
        return x.grad.numpy()
    e, t = both(run)
    np.testing.assert_allclose(e, t)


def test_nan_propagation_like_torch():
    nan = float("nan")
    vals = [1.0, nan, 3.0]
    e = ember.tensor(vals)
    t = torch.tensor(vals)
    for fn in (lambda m, x: x.max(), lambda m, x: x.sum(), lambda m, x: m.maximum(x, x * 0),
               lambda m, x: x.max(0)[1], lambda m, x: x.sort()[0]):
        np.testing.assert_array_equal(np.asarray(fn(ember, e).numpy()),
                                      np.asarray(fn(torch, t).numpy()))


def test_detach_shares_memory_and_leaves_graph():
    x = ember.ones(2, requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    y = x.detach()
    y[0] = 5.0
    assert x[0].item() == 5.0


def test_numpy_error_when_grad_required():
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires "
                                               "grad"):
            m.ones(1, requires_grad=True).numpy()


def test_requires_grad_on_int_tensor_raises():
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="only Tensors of floating point"):
            m.ones(2, dtype=m.int64).requires_grad_()


HIGHER = [op for op in OPS if op.name in (
    "exp", "log", "sin", "tanh", "sigmoid", "sqrt", "mul", "div", "pow", "matmul_2d",
    "softmax", "log_softmax", "sum_dim", "mean_dim", "var_dim", "logsumexp", "cat",
    "getitem_adv", "gather", "where", "maximum", "prod_dim", "cumsum", "inv", "det", "solve",
    "einsum_mm", "norm_dim", "expand", "permute", "index_select")]


@pytest.mark.parametrize("op", HIGHER, ids=[o.name for o in HIGHER])
def test_gradgradcheck_through_primitives(op):
    arrays = next(op.samples("float64", seed=5))
    inputs = []
    for i, a in enumerate(arrays):
        t = ember.from_numpy(np.array(a))
        if i not in op.int_args:
            t.requires_grad_(True)
        inputs.append(t)

    def f(*xs):
        out = op.fn(ember, *xs)
        return out[0] if isinstance(out, tuple) else out
    assert ember.autograd.gradgradcheck(f, tuple(inputs), atol=1e-4)


def test_functional_jacobian_hessian_match_torch():
    from torch.autograd import functional as TF
    from ember.autograd import functional as EF
    a = np.array([0.3, -1.2, 2.0])

    def f(m):
        return lambda x: (x.sin() * x ** 2).sum()

    def g(m):
        return lambda x: x.exp() * x.sum()
    et, tt = ember.from_numpy(a.copy()), torch.from_numpy(a.copy())
    np.testing.assert_allclose(EF.hessian(f(ember), et).numpy(),
                               TF.hessian(f(torch), tt).numpy(), rtol=1e-10)
    np.testing.assert_allclose(EF.jacobian(g(ember), et).numpy(),
                               TF.jacobian(g(torch), tt).numpy(), rtol=1e-10)
    v = np.array([1.0, 0.5, -2.0])
    for name in ("jvp", "vjp"):
        eo = getattr(EF, name)(g(ember), et, ember.from_numpy(v.copy()))[1]
        to = getattr(TF, name)(g(torch), tt, torch.from_numpy(v.copy()))[1]
        np.testing.assert_allclose(eo.numpy(), to.numpy(), rtol=1e-10)
    eo = EF.hvp(f(ember), et, ember.from_numpy(v.copy()))[1]
    to = TF.hvp(f(torch), tt, torch.from_numpy(v.copy()))[1]
    np.testing.assert_allclose(eo.numpy(), to.numpy(), rtol=1e-10)


def test_gradcheck_detects_wrong_backward():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: t * 2, (x,))
    assert not ember.autograd.gradcheck(Bad.apply, (x,), raise_exception=False)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(Bad.apply, (x,))


def test_deep_graph_does_not_recurse():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** 5000], rtol=1e-4)


def test_saved_tensors_released_after_backward():
    import gc
    import weakref
    x = ember.ones(3, requires_grad=True)
    y = x.exp()
    z = (y * y).sum()
    ref = weakref.ref(y)
    node = z.grad_fn
    del y
    z.backward()
    gc.collect()
    assert ref() is None
    assert node is not None


def test_inplace_on_views_rewrites_base_history_like_torch():
    def run(m):
        x = m.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        y = x * 2
        y[:, 1].mul_(x[:, 0])
        y[0].mul_(3)
        v = y.t()[2]
        v.add_(10)
        v.mul_(x[:, 0])
        z = y.sum(0)
        (z * m.arange(3.0)).sum().backward()
        return y.detach().numpy(), x.grad.numpy(), y.grad_fn.name()
    (ey, eg, en), (ty, tg, tn) = both(run)
    np.testing.assert_allclose(ey, ty)
    np.testing.assert_allclose(eg, tg)
    assert en == tn == "torch::autograd::CopySlices"
    for m in (ember, torch):
        leaf = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            leaf[1:].mul_(2)


def test_leaf_grad_never_aliases_a_gradient_someone_else_holds():
    # a gradient kept by a hook is copied into .grad, not shared
    w = ember.ones(3, requires_grad=True)
    kept = []
    h = (w * 2)
    h.register_hook(lambda g: kept.append(g))
    (h * 3).sum().backward()
    w.grad.mul_(0)
    np.testing.assert_allclose(kept[0].numpy(), [3.0, 3.0, 3.0])
    # the caller's gradient passed to backward() on a leaf is copied
    x = ember.zeros(2, requires_grad=True)
    g = ember.tensor([1.0, 2.0])
    x.backward(g)
    x.grad.add_(10)
    np.testing.assert_allclose(g.numpy(), [1.0, 2.0])
    # a fresh, unshared gradient (matmul result) is taken over without a copy, and later
    # accumulation stays correct
    a = ember.randn(4, 3, requires_grad=True)
    b = ember.randn(3, 2)
    (a @ b).sum().backward()
    first = a.grad.clone()
    (a @ b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), 2 * first.numpy(), rtol=1e-6)
