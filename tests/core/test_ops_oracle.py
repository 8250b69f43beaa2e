"""Layer (a): every op in the registry, forward and gradient, against real torch.

Layer (b): float64 numeric gradcheck along random directions, independent of torch.
"""
import numpy as np
import pytest

import ember
from opinfo import OPS

torch = pytest.importorskip("torch")

TOL = {"float32": dict(rtol=2e-5, atol=2e-5), "float64": dict(rtol=1e-7, atol=1e-9)}


def _first(out):
    if isinstance(out, (tuple, list)):
        return out[0]
    return out


def _to_np(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def _run(mod, op, arrays, requires_grad):
    args = []
    for i, a in enumerate(arrays):
        if mod is torch:
            t = torch.from_numpy(np.array(a))
            if a.ndim == 2 and not a.flags.c_contiguous:
                t = torch.from_numpy(np.ascontiguousarray(a.T)).T
        else:
            t = ember.from_numpy(np.array(a)) if a.flags.c_contiguous or a.ndim != 2 else \
                ember.from_numpy(np.ascontiguousarray(a.T)).T
        if requires_grad and i not in op.int_args and t.dtype.is_floating_point:
            t.requires_grad_(True)
        args.append(t)
    return args, _first(op.fn(mod, *args))


CASES = [(op, dt) for op in OPS for dt in op.dtypes]


@pytest.mark.parametrize("op,dtype", CASES, ids=[f"{o.name}-{d}" for o, d in CASES])
def test_forward_and_grad_match_torch(op, dtype):
    tol = TOL[dtype]
    if op.atol:
        tol = dict(tol, atol=op.atol)
    for arrays in op.samples(dtype):
        e_args, e_out = _run(ember, op, arrays, op.grad)
        t_args, t_out = _run(torch, op, arrays, op.grad)
        assert tuple(e_out.shape) == tuple(t_out.shape), op.name
        assert str(e_out.dtype) == str(t_out.dtype), (op.name, e_out.dtype, t_out.dtype)
        np.testing.assert_allclose(_to_np(e_out), _to_np(t_out), **tol, err_msg=op.name)
        if not op.grad or not t_out.requires_grad or t_out.numel() == 0:
            continue
        cot = np.random.default_rng(1).standard_normal(tuple(t_out.shape)).astype(dtype)
        t_out.backward(torch.from_numpy(cot))
        e_out.backward(ember.from_numpy(cot.copy()))
        for ea, ta in zip(e_args, t_args):
            if ta.grad is None:
                assert ea.grad is None or not ea.requires_grad or \
                    np.allclose(_to_np(ea.grad), 0), op.name
                continue
            assert ea.grad is not None, f"{op.name}: missing gradient"
            np.testing.assert_allclose(_to_np(ea.grad), _to_np(ta.grad), **tol,
                                       err_msg=f"{op.name} grad")


def numeric_gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-4, n_dirs=3, seed=0):
    """Compare the autograd directional derivative with central differences (float64)."""
    rng = np.random.default_rng(seed)
    out = fn(*inputs)
    if out.numel() == 0:
        return
    cot = ember.from_numpy(np.asarray(rng.standard_normal(tuple(out.shape))))
    grads = ember.autograd.grad(out, [x for x in inputs if x.requires_grad], cot,
                                allow_unused=True)
    diff_inputs = [x for x in inputs if x.requires_grad]
    for _ in range(n_dirs):
        dirs = [rng.standard_normal(tuple(x.shape)) for x in diff_inputs]
        analytic = sum(float((g.numpy() * d).sum()) for g, d in zip(grads, dirs)
                       if g is not None)
        with ember.no_grad():
            def shifted(sign):
                moved = []
                k = 0
                for x in inputs:
                    if x.requires_grad:
                        moved.append(ember.from_numpy(np.asarray(x.detach().numpy() + sign * eps * dirs[k])))
                        k += 1
                    else:
                        moved.append(x)
                return float((fn(*moved).numpy() * cot.numpy()).sum())
            numeric = (shifted(1) - shifted(-1)) / (2 * eps)
        assert abs(analytic - numeric) <= atol + rtol * abs(numeric), (analytic, numeric)


GC = [op for op in OPS if op.gradcheck and "float64" in op.dtypes]


@pytest.mark.parametrize("op", GC, ids=[o.name for o in GC])
def test_numeric_gradcheck_float64(op):
    for arrays in op.samples("float64", seed=3):
        inputs = []
        for i, a in enumerate(arrays):
            t = ember.from_numpy(np.array(a))
            if i not in op.int_args:
                t.requires_grad_(True)
            inputs.append(t)
        numeric_gradcheck(lambda *xs: _first(op.fn(ember, *xs)), inputs)
