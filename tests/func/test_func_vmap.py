"""ember.func.vmap against torch.func.vmap: in_dims/out_dims, nesting, composition, errors."""
import copy

import numpy as np
import pytest

import ember
import ember.func as ef
from test_func_grad import E, T, arr, close

torch = pytest.importorskip("torch")
tf = torch.func


def both(fn_builder, args_np, **kw):
    """Run vmap(fn) in both libraries on the same arrays (nests of arrays) and compare."""
    def conv(a, mk):
        if isinstance(a, np.ndarray):
            return mk(a)
        if isinstance(a, dict):
            return {k: conv(v, mk) for k, v in a.items()}
        if isinstance(a, (list, tuple)):
            return type(a)(conv(v, mk) for v in a)
        return a
    ours = ef.vmap(fn_builder(ember), **kw)(*conv(args_np, E))
    theirs = tf.vmap(fn_builder(torch), **kw)(*conv(args_np, T))
    close(ours, theirs)
    return ours


def test_vmap_in_dims_out_dims_match_torch():
    x, y, m = arr(4, 3), arr(3, 4, seed=1), arr(3, 5, seed=2)
    both(lambda lib: lambda a, b: a * b, (x, y), in_dims=(0, 1))
    both(lambda lib: lambda a, b: a @ b, (x, m), in_dims=(0, None))
    both(lambda lib: lambda a: a.sum(0), (y,), in_dims=-1)
    both(lambda lib: lambda a: (a, a.exp()), (x,), out_dims=(1, 0))
    both(lambda lib: lambda a: (a.outer(a), a.sum()), (x,), out_dims=-1)
    both(lambda lib: lambda a, s: a * s, (x, 3.0), in_dims=(0, None))
    # nested dict input with a prefix in_dims, dict output
    p = {"w": arr(4, 3, 2, seed=3), "b": arr(2, seed=4)}
    both(lambda lib: lambda p, a: {"o": a @ p["w"] + p["b"], "n": p["b"].sum()},
         (p, x), in_dims=({"w": 0, "b": None}, 0), out_dims={"o": 0, "n": None})
    # unbatched outputs are broadcast along out_dim
    both(lambda lib: lambda a: lib.ones(2), (x,), out_dims=1)
    # keyword arguments are not batched
    ours = ef.vmap(lambda a, scale=1.0: a * scale)(E(x), scale=2.0)
    np.testing.assert_allclose(ours.numpy(), x * 2)


def test_nested_vmap_matches_torch():
    x, y = arr(3, 4, 5), arr(4, 5, seed=1)
    both(lambda lib: lambda a, b: lib.func.vmap(lambda u, v: (u * v).sum())(a, b),
         (x, y), in_dims=(0, None))
    both(lambda lib: lib.func.vmap(lib.func.vmap(lambda u: u.softmax(0)), in_dims=1), (x,))


def test_vmap_composes_with_transforms_and_autograd():
    x, w = arr(6, 3), arr(3, seed=1)
    both(lambda lib: lib.func.jacrev(lambda a: (a * a.sum()).sin()), (x,))
    both(lambda lib: lib.func.grad(lambda w, a: (w * a).sum().tanh()), (w, x),
         in_dims=(None, 0))
    def outer_grad(lib, F, mk):
        return F.grad(lambda w, a: F.vmap(lambda r: (w * r).sum() ** 2)(a).sum())(mk(w), mk(x))
    close(outer_grad(ember, ef, E), outer_grad(torch, tf, T))
    # gradients flow through vmap's slicing and stacking to the inputs
    grads = []
    for lib, F, mk in ((ember, ef, E), (torch, tf, T)):
        xs, ws = mk(x).requires_grad_(), mk(w).requires_grad_()
        out = F.vmap(lambda r, s: (r * ws).sum() * s.exp(), in_dims=(0, 0))(xs, xs[:, 0])
        (out ** 2).sum().backward()
        grads.append((xs.grad, ws.grad))
    close(grads[0], grads[1])


def test_per_sample_gradients_tutorial_matches_torch():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((8, 1, 6, 6)).astype(np.float32)
    targets = rng.integers(0, 3, 8)
    results = []
    for lib, F in ((torch, tf), (ember, ef)):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(1, 2, 3), lib.nn.ReLU(), lib.nn.Flatten(),
                                  lib.nn.Linear(32, 3))
        if lib is ember:  # same weights as the torch model
            with ember.no_grad():
                for p, q in zip(model.parameters(), results[0][1]):
                    p.copy_(ember.from_numpy(q))
        params = {k: v.detach() for k, v in model.named_parameters()}
        buffers = {k: v.detach() for k, v in model.named_buffers()}

        def compute_loss(params, buffers, sample, target):
            batch = sample.unsqueeze(0)
            tgts = target.unsqueeze(0)
            predictions = F.functional_call(model, (params, buffers), (batch,))
            return lib.nn.functional.cross_entropy(predictions, tgts)

        ft_compute_sample_grad = F.vmap(F.grad(compute_loss), in_dims=(None, None, 0, 0))
        g = ft_compute_sample_grad(params, buffers, lib.from_numpy(data),
                                   lib.from_numpy(targets))
        # the per-sample gradients are the gradients of each sample's loss alone
        model.zero_grad()
        compute_loss(dict(model.named_parameters()), buffers, lib.from_numpy(data[3]),
                     lib.from_numpy(np.asarray(targets[3]))).backward()
        for k, p in model.named_parameters():
            np.testing.assert_allclose(g[k][3].detach().numpy(), p.grad.numpy(), atol=1e-6)
        results.append(({k: v.detach().numpy() for k, v in g.items()},
                        [p.detach().numpy().copy() for p in model.parameters()]))
    for k in results[0][0]:
        np.testing.assert_allclose(results[1][0][k], results[0][0][k], atol=1e-5, rtol=1e-5)


def test_model_ensembling_with_stack_module_state_matches_torch():
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((4, 5, 3)).astype(np.float32)
    outs = []
    for lib, F in ((torch, tf), (ember, ef)):
        models = [lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Tanh())
                  for _ in range(4)]
        with lib.no_grad():
            for i, m in enumerate(models):
                for j, p in enumerate(m.parameters()):
                    p.copy_(lib.from_numpy(np.random.default_rng(10 * i + j)
                                           .standard_normal(tuple(p.shape)).astype(np.float32)))
        for m in models:
            m.eval()
        params, buffers = F.stack_module_state(models)
        assert params["0.weight"].shape == (4, 4, 3) and params["0.weight"].is_leaf
        assert params["0.weight"].requires_grad and "1.running_mean" in buffers
        base = copy.deepcopy(models[0])

        def fmodel(params, buffers, x):
            return F.functional_call(base, (params, buffers), (x,))
        same_batch = F.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, lib.from_numpy(xs[0]))
        own_batch = F.vmap(fmodel)(params, buffers, lib.from_numpy(xs))
        own_batch.sum().backward()
        outs.append((same_batch.detach(), own_batch.detach(), params["0.weight"].grad))
    close(outs[1], outs[0], 1e-5)
    with pytest.raises(RuntimeError, match="Expected at least one model, got 0"):
        ef.stack_module_state([])
    a, b = ember.nn.Linear(2, 2), ember.nn.Linear(2, 2).eval()
    with pytest.raises(RuntimeError, match="same training/eval mode"):
        ef.stack_module_state([a, b])
    with pytest.raises(RuntimeError, match="same class"):
        ef.stack_module_state([a, ember.nn.Bilinear(2, 2, 2)])


def test_vmap_errors_match_torch():
    x, y = arr(3, 2), arr(4, 2, seed=1)
    cases = [
        (dict(), (x, y), lambda a, b: a + b,
         r"Expected all tensors to have the same size in the mapped dimension, got sizes "
         r"\[3, 4\]"),
        (dict(in_dims=None), (x,), lambda a: a, "expected `in_dims` to be int or a"),
        (dict(in_dims=(None,)), (x,), lambda a: a, "Expected at least one Tensor to vmap over"),
        (dict(in_dims=(0, 0)), (x,), lambda a: a, "in_dims is not compatible with the structure"),
        (dict(in_dims=(0, 0)), (x, 2.0), lambda a, b: a, "We cannot vmap over non-Tensor"),
        (dict(in_dims=2), (x,), lambda a: a, "expected in_dim to satisfy -2 <= in_dim < 2"),
        (dict(in_dims=(0.5,)), (x,), lambda a: a, "in_dim must be either an integer"),
        (dict(), (x,), lambda a: 1.0, "must only return Tensors, got type <class 'float'>"),
        (dict(out_dims=None), (x,), lambda a: a * 2, "can not return a BatchedTensor when "
                                                     "out_dim is None"),
        (dict(out_dims=(0, 0)), (x,), lambda a: (a, a, a), "out_dims is not compatible"),
        (dict(out_dims="x"), (x,), lambda a: a, "`out_dims` must be an int, None or a python "
                                                "collection of ints"),
        (dict(), (), lambda: 1, "got no inputs"),
    ]
    for kw, args, fn, msg in cases:
        for F, mk in ((ef, E), (tf, T)):
            with pytest.raises(ValueError, match=msg):
                F.vmap(fn, **kw)(*[mk(a) if isinstance(a, np.ndarray) else a for a in args])
    for F in (ef, tf):
        with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
            F.vmap(lambda a: a, randomness="bad")
        with pytest.raises(ValueError, match="chunk_size should be None or greater than 0"):
            F.vmap(lambda a: a, chunk_size=0)


def test_vmap_randomness_modes_and_edge_cases():
    x = E(arr(4, 3))
    with pytest.raises(RuntimeError, match="called random operation while in randomness error"):
        ef.vmap(lambda a: a + ember.rand(3))(x)
    ember.manual_seed(0)
    same = ef.vmap(lambda a: a * 0 + ember.rand(3), randomness="same")(x).numpy()
    assert np.all(same == same[:1])
    ember.manual_seed(0)
    first = ember.rand(3).numpy()
    np.testing.assert_array_equal(same[0], first)  # 'same': the numbers of one draw
    diff = ef.vmap(lambda a: a * 0 + ember.rand(3), randomness="different")(x).numpy()
    assert len({tuple(r) for r in diff}) == 4
    # dropout in eval mode draws nothing: fine in 'error' mode
    drop = ember.nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(ef.vmap(drop)(x).numpy(), x.numpy())
    # chunk_size does not change results; empty batches give empty outputs
    np.testing.assert_array_equal(ef.vmap(lambda a: a.exp(), chunk_size=3)(x).numpy(),
                                  x.exp().numpy())
    for F, mk in ((ef, E), (tf, T)):
        out = F.vmap(lambda a: (a.sum(), a.outer(a)), out_dims=(0, 1))(mk(np.zeros((0, 3))))
        assert [tuple(o.shape) for o in out] == [(0,), (3, 0, 3)]
    # in-place updates of a batched input reach the input, as in torch
    for mk in (E, T):
        z = mk(np.zeros((3, 2)))
        (ef if mk is E else tf).vmap(lambda r: r.add_(1))(z)
        np.testing.assert_array_equal(z.numpy(), np.ones((3, 2)))
    assert ember.vmap is ef.vmap
