"""ember.func's derivative transforms against torch.func (values, structure, errors)."""
import doctest
import importlib

import numpy as np
import pytest

import ember
import ember.func as ef

torch = pytest.importorskip("torch")
tf = torch.func


def arr(*shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def E(a):
    return ember.from_numpy(np.array(a, copy=True))


def T(a):
    return torch.from_numpy(np.array(a, copy=True))


def close(a, b, tol=1e-10):
    """Compare nested ember / torch results (same structure, same values)."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, ember.Tensor), type(a)
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)
    elif isinstance(b, dict):
        assert isinstance(a, dict) and list(a) == list(b)
        for k in b:
            close(a[k], b[k], tol)
    elif isinstance(b, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), (type(a), type(b))
        for x, y in zip(a, b):
            close(x, y, tol)
    else:
        assert a == b


def f1(lib):
    return lambda x, y: (x.sin() * y).sum() + (x ** 3).mean()


def test_grad_matches_torch_for_argnums_and_aux():
    x, y = arr(3, 2), arr(3, 2, seed=1)
    for argnums in (0, 1, (0, 1), -1, (1, 0)):
        close(ef.grad(f1(ember), argnums)(E(x), E(y)), tf.grad(f1(torch), argnums)(T(x), T(y)))
    def aux(lib):
        return lambda x: ((x * 2).sum(), {"sq": x ** 2})
    close(ef.grad(aux(ember), has_aux=True)(E(x)), tf.grad(aux(torch), has_aux=True)(T(x)))
    close(ef.grad_and_value(f1(ember))(E(x), E(y)), tf.grad_and_value(f1(torch))(T(x), T(y)))
    close(ef.grad_and_value(aux(ember), has_aux=True)(E(x)),
          tf.grad_and_value(aux(torch), has_aux=True)(T(x)))


def test_grad_over_pytree_kwargs_and_unused_inputs():
    p = {"w": arr(3, 2), "b": arr(2, seed=1), "unused": arr(4, seed=2)}
    x = arr(5, 3, seed=3)

    def loss(lib):
        def f(params, x, scale=1.0):
            return ((x @ params["w"] + params["b"]).tanh() ** 2).sum() * scale
        return f
    ours = ef.grad(loss(ember))({k: E(v) for k, v in p.items()}, E(x), scale=0.5)
    theirs = tf.grad(loss(torch))({k: T(v) for k, v in p.items()}, T(x), scale=0.5)
    close(ours, theirs)
    assert not ours["w"].requires_grad
    # lists / tuples of tensors keep their structure
    close(ef.grad(lambda ts: (ts[0] * ts[1][0]).sum())([E(x[0]), (E(x[1]),)]),
          tf.grad(lambda ts: (ts[0] * ts[1][0]).sum())([T(x[0]), (T(x[1]),)]))


def test_nested_grad_and_higher_derivatives():
    x = arr(4)
    def f(lib):
        return lambda x: (x.sin() * x.exp()).sum()
    g2_e = ef.grad(lambda x: ef.grad(f(ember))(x).sum())(E(x))
    g2_t = tf.grad(lambda x: tf.grad(f(torch))(x).sum())(T(x))
    close(g2_e, g2_t)
    s = 0.7
    third_e = ef.grad(ef.grad(ef.grad(lambda x: x.sin() * x ** 3)))(ember.tensor(s))
    third_t = tf.grad(tf.grad(tf.grad(lambda x: x.sin() * x ** 3)))(torch.tensor(s))
    close(third_e, third_t, 1e-6)
    # the inner transform sees the outer variable as a constant (no perturbation confusion)
    def g(lib, F):
        return lambda x: F.grad(lambda y: (x * y).sum())(x * 2).sum() * x.sum()
    close(ef.grad(g(ember, ef))(E(x)), tf.grad(g(torch, tf))(T(x)))


def test_grad_result_stays_attached_to_outer_autograd():
    # a gradient penalty: grad w.r.t. x of a function of w, then backward to w
    x, w = arr(3), arr(3, seed=1)
    res = {}
    for lib, F in ((ember, ef), (torch, tf)):
        wt = (E if lib is ember else T)(w).requires_grad_()
        g = F.grad(lambda x: ((x * wt).sin()).sum())((E if lib is ember else T)(x))
        assert g.requires_grad
        (g ** 2).sum().backward()
        res[lib.__name__] = wt.grad
    close(res["ember"], res["torch"])
    # under no_grad nothing is attached
    wt = E(w).requires_grad_()
    with ember.no_grad():
        g = ef.grad(lambda x: (x * wt).sum())(E(x))
    assert not g.requires_grad


def test_grad_errors_match_torch():
    x = E(arr(3))
    cases = [
        (lambda x: x * 2, {}, "Expected f\\(\\*args\\) to return a scalar Tensor, got tensor "
                              "with 1 dims"),
        (lambda x: 1.0, {}, "Expected f\\(\\*args\\) to return a Tensor, got <class 'float'>"),
        (lambda x: x.sum(), dict(has_aux=True), "output of function f should be a tuple"),
        (lambda x: x.sum(), dict(argnums=3), "Got argnum=3, but only 1 positional inputs"),
        (lambda x: x.sum(), dict(argnums=(0, 0)), "argnums elements must be unique"),
        (lambda x: x.sum(), dict(argnums=1.0), "argnums must be int or Tuple"),
    ]
    for fn, kw, msg in cases:
        for F, xx in ((ef, x), (tf, T(arr(3)))):
            with pytest.raises(RuntimeError, match=msg):
                F.grad(fn, **kw)(xx)
    with pytest.raises(ValueError, match="Thing passed to transform API must be Tensor"):
        ef.grad(lambda x, n: x.sum())(3.0, 1)


def test_vjp_matches_torch():
    x, y = arr(3, 2), arr(2, seed=1)
    def f(lib):
        return lambda x, y: {"a": x @ y, "b": (x.exp(), y.sum())}
    out_e, fn_e = ef.vjp(f(ember), E(x), E(y))
    out_t, fn_t = tf.vjp(f(torch), T(x), T(y))
    close(out_e, out_t)
    ct = {"a": arr(3, seed=4), "b": (arr(3, 2, seed=5), np.array(0.5))}
    for _ in range(2):  # the vjp function may be called again
        close(fn_e({"a": E(ct["a"]), "b": (E(ct["b"][0]), E(ct["b"][1]))}),
              fn_t({"a": T(ct["a"]), "b": (T(ct["b"][0]), T(ct["b"][1]))}))
    # has_aux, and an output that does not depend on the input
    oe, fe, ae = ef.vjp(lambda x: (x * 0 + 1, x.sum()), E(x), has_aux=True)
    ot, ft, at = tf.vjp(lambda x: (x * 0 + 1, x.sum()), T(x), has_aux=True)
    close((oe, fe(E(x)), ae), (ot, ft(T(x)), at))
    with pytest.raises(RuntimeError, match="Expected pytree structure of cotangents"):
        fn_e(E(ct["a"]))
    with pytest.raises(RuntimeError, match="All outputs of f must be floating-point"):
        ef.vjp(lambda x: x.long(), E(x))


def test_jvp_matches_torch():
    x, y, v, u = arr(4), arr(4, seed=1), arr(4, seed=2), arr(4, seed=3)
    def f(lib):
        return lambda x, y: ((x * y).sin(), (x ** 2).sum() * y)
    close(ef.jvp(f(ember), (E(x), E(y)), (E(v), E(u))),
          tf.jvp(f(torch), (T(x), T(y)), (T(v), T(u))))
    def aux(lib):
        return lambda x: (x.tanh(), x.cos())
    close(ef.jvp(aux(ember), (E(x),), (E(v),), has_aux=True),
          tf.jvp(aux(torch), (T(x),), (T(v),), has_aux=True))
    # outputs independent of the inputs get zero tangents, or raise with strict=True
    close(ef.jvp(lambda x: E(y) * 2, (E(x),), (E(v),)),
          tf.jvp(lambda x: T(y) * 2, (T(x),), (T(v),)))
    for F, mk in ((ef, E), (tf, T)):
        with pytest.raises(RuntimeError, match="The output of f is independent of the inputs"):
            F.jvp(lambda x: mk(y) * 2, (mk(x),), (mk(v),), strict=True)
        with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
            F.jvp(lambda x: x, mk(x), (mk(v),))
        with pytest.raises(RuntimeError, match="Expected primals and tangents to have the same "
                                               "python structure"):
            F.jvp(lambda x: x, (mk(x),), (mk(v), mk(v)))


def test_jvp_of_grad_is_hessian_vector_product():
    x, v = arr(5), arr(5, seed=1)
    def f(lib):
        return lambda x: (x.sin() * x.roll(1)).sum() + (x ** 4).sum()
    close(ef.jvp(ef.grad(f(ember)), (E(x),), (E(v),)),
          tf.jvp(tf.grad(f(torch)), (T(x),), (T(v),)))


@pytest.mark.parametrize("which", ["jacrev", "jacfwd"])
def test_jacobians_match_torch(which):
    x, y = arr(3), arr(2, 3, seed=1)
    F_e, F_t = getattr(ef, which), getattr(tf, which)
    def f(lib):
        return lambda x, y: (y @ x).exp()
    for argnums in (0, 1, (0, 1)):
        close(F_e(f(ember), argnums)(E(x), E(y)), F_t(f(torch), argnums)(T(x), T(y)))
    # several outputs, dict input, 0-d output
    def g(lib):
        return lambda p: {"v": p["a"] * p["b"].sum(), "s": (p["a"] ** 2).sum()}
    pe, pt = {"a": E(x), "b": E(y)}, {"a": T(x), "b": T(y)}
    close(F_e(g(ember))(pe), F_t(g(torch))(pt))
    def aux(lib):
        return lambda x: (x.sin(), x.cos())
    close(F_e(aux(ember), has_aux=True)(E(x)), F_t(aux(torch), has_aux=True)(T(x)))


def test_hessian_and_jacobian_compositions_match_torch():
    x = arr(4)
    def f(lib):
        return lambda x: (x.sin() * x.exp()).sum() + (x[:2] * x[2:]).prod()
    close(ef.hessian(f(ember))(E(x)), tf.hessian(f(torch))(T(x)))
    close(ef.jacrev(ef.jacrev(f(ember)))(E(x)), tf.hessian(f(torch))(T(x)))
    close(ef.jacfwd(ef.jacfwd(f(ember)))(E(x)), tf.hessian(f(torch))(T(x)))
    def g(lib):
        return lambda x, y: (x * y).sum() ** 2
    y = arr(4, seed=1)
    close(ef.hessian(g(ember), argnums=(0, 1))(E(x), E(y)),
          tf.hessian(g(torch), argnums=(0, 1))(T(x), T(y)))


def test_jacobian_options_and_randomness():
    with pytest.raises(ValueError, match="`chunk_size` should be greater than 0"):
        ef.jacrev(lambda x: x, chunk_size=0)
    x = E(arr(3))
    close(ef.jacrev(lambda x: x.exp(), chunk_size=2)(x), tf.jacrev(lambda x: x.exp())(T(arr(3))))
    with pytest.raises(RuntimeError, match="randomness error mode"):
        ef.jacfwd(lambda x: x * ember.rand(3))(x)
    with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
        ef.jacfwd(lambda x: x, randomness="bad")
    same = ef.jacfwd(lambda x: x * ember.rand(3), randomness="same")(x)
    assert np.count_nonzero(same.numpy() - np.diag(np.diag(same.numpy()))) == 0
    diff = ef.jacfwd(lambda x: x.sum() * ember.rand(3), randomness="different")(x).numpy()
    same = ef.jacfwd(lambda x: x.sum() * ember.rand(3), randomness="same")(x).numpy()
    assert np.all(same == same[:, :1]) and not np.all(diff == diff[:, :1])


@pytest.mark.parametrize("name", ["ember.func", "ember.func._transforms", "ember.func._vmap",
                                  "ember.func._pytree", "ember.func._functional_call",
                                  "ember.optim.adafactor", "ember.optim.muon"])
def test_func_docstring_examples_run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod), ember=ember, np=np)
    n = 0
    for test in finder.find(mod, name, globs=globs):
        n += len(test.examples)
        ember.manual_seed(0)
        runner.run(test)
    assert n > 0 and runner.summarize(verbose=False).failed == 0
    for pub in getattr(mod, "__all__", []):
        doc = getattr(mod, pub).__doc__ or ""
        assert "Args" in doc and "Example" in doc, pub
