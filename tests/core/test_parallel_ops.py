"""ember's intra-op parallelism (``ember._parallel``) against torch, with every op split.

Ops below ``_parallel.MIN_WORK`` run serially, so the ordinary op tests never reach the code
that cuts a batch into parts. The ``split_everything`` fixture sets ``MIN_WORK`` to 1 and the
pool to 2 threads, so even the small inputs here run split (two parts, the second on a pool
worker), and it records every split through a spy on ``_parallel.run``; ``oracle`` checks
that the op really was split (no vacuous pass) and compares values and gradients with torch.

To cover a new split path: add a case to a parametrized list below (CONV_CASES, POOL_CASES,
``_other_cases`` for elementwise / norm / anything else), or write a test that calls
``oracle(split_everything, ember_fn, torch_fn, arrays, where)`` with ``where`` the module
whose ``_parallel.run`` call must have split (``"conv"``, ``"pool"``, ``"norm"``, or
``"_parallel"`` for the generic helpers such as ``_parallel.ufunc``).
"""
import multiprocessing
import os
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember import _blas, _parallel
from ember.ops import conv as _conv

torch = pytest.importorskip("torch")
TF = torch.nn.functional

TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}
WORKER = "ember-intraop-"      # the pool's worker threads are named ember-intraop-1, ...


# --------------------------------------------------------------------------- fixture, oracle


class SplitLog:
    """What the spy on ``_parallel.run`` saw, for the runs with more than one part:
    ``origins`` (per run, the module that called ``run``: ``conv`` for ops/conv.py, ...),
    ``threads`` (the name of the thread that ran each part of those runs)."""

    def __init__(self):
        self.origins = []
        self.threads = []

    @property
    def calls(self):
        return len(self.origins)

    def mark(self):
        return self.calls, len(self.threads)

    def split_since(self, mark, where=None, until=(None, None)):
        """A run with 2+ parts since ``mark`` (and before ``until``), asked for by module
        ``where`` if given."""
        return any(where is None or o == where for o in self.origins[mark[0]:until[0]])

    def worker_ran_since(self, mark, until=(None, None)):
        """A part of such a run ran on a pool worker since ``mark`` (before ``until``)."""
        return any(t.startswith(WORKER) for t in self.threads[mark[1]:until[1]])


def _origin():
    """The module (file name without .py) that called ``_parallel.run`` (or ``run_rows``):
    ``conv`` for the image splits in ops/conv.py, ``_parallel`` for its helpers (``ufunc``,
    ``copyto``, ...), which split the first axis of whatever they are given."""
    f = sys._getframe(2)
    if f.f_code.co_name == "run_rows":      # the generic block runner: its caller asked
        f = f.f_back
    return os.path.splitext(os.path.basename(f.f_code.co_filename))[0]


@pytest.fixture
def split_everything(monkeypatch):
    """Split every op that can be split: MIN_WORK = 1, a pool of 2 threads; yields a SplitLog."""
    if not _parallel.blas_single():
        pytest.skip("NumPy's BLAS cannot be made single-threaded here: ember never splits")
    old = ember.get_num_threads()
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", str(old)))
    monkeypatch.setattr(_parallel, "MIN_WORK", 1)
    monkeypatch.setattr(_parallel, "MATMUL_MIN_WORK", 1)
    log = SplitLog()
    real_run = _parallel.run

    def spy(fn, args_list):
        if len(args_list) < 2:
            return real_run(fn, args_list)
        log.origins.append(_origin())      # list.append: atomic under the GIL

        def part(*args):
            log.threads.append(threading.current_thread().name)
            return fn(*args)
        return real_run(part, args_list)

    monkeypatch.setattr(_parallel, "run", spy)
    ember.set_num_threads(2)
    assert len(_parallel.parts(2, 1 << 30)) == 2     # start the pool: matmuls never do
    try:
        yield log
    finally:
        ember.set_num_threads(old)


def _scaled(tol, ref):
    """``tol`` with atol scaled by the reference's magnitude."""
    ref = np.asarray(ref)
    finite = ref[np.isfinite(ref)] if ref.size else ref
    scale = max(1.0, float(np.abs(finite).max())) if finite.size else 1.0
    return dict(rtol=tol["rtol"], atol=tol["atol"] * scale)


def _close(e, t, tol, what):
    e = np.asarray(e)
    t = np.asarray(t)
    assert e.shape == t.shape, (what, e.shape, t.shape)
    if tol is None:
        np.testing.assert_array_equal(e, t, err_msg=what)
    else:
        np.testing.assert_allclose(e, t, err_msg=what, **_scaled(tol, t))


def oracle(log, ember_fn, torch_fn, arrays, where, dtype=np.float32, tol="default",
           split_fwd=True, split_bwd=True, seed=123, batch=None, where_bwd="same"):
    """Run ``ember_fn`` and ``torch_fn`` on tensors made from ``arrays`` (None passes through;
    float arrays require grad), compare the output, then the gradients of every float input
    under one random upstream gradient.

    A tuple output's first item is the differentiable value; the others (e.g. max pooling's
    indices) must match exactly. ``tol=None`` asks for exact values and gradients.

    With a batch (``batch``, default ``arrays[0].shape[0]``) of 2 or more, the forward
    (``split_fwd``) must have split in module ``where`` (e.g. ``"conv"`` for ember/ops/conv.py)
    and the backward (``split_bwd``) in ``where_bwd`` (default: ``where``), each with a part
    on a pool worker; with a batch of 1, ``where`` must not split (it splits by images;
    other ops may split other axes).

    Returns the ember output (the first item of a tuple).
    """
    if tol == "default":
        tol = TOL[dtype]
    e_in, t_in = [], []
    for a in arrays:
        if a is None:
            e_in.append(None)
            t_in.append(None)
            continue
        a = np.asarray(a)
        if a.dtype.kind == "f":
            a = a.astype(dtype)
        rg = a.dtype.kind == "f"
        e_in.append(ember.tensor(a, requires_grad=rg))
        t_in.append(torch.tensor(a, requires_grad=rg))
    if batch is None:
        batch = np.asarray(arrays[0]).shape[0]

    m0 = log.mark()
    eo = ember_fn(*e_in)
    m1 = log.mark()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # torch: padding='same' with an even kernel
        to = torch_fn(*t_in)
    if isinstance(to, tuple):
        assert isinstance(eo, tuple) and len(eo) == len(to)
        for i, (e, t) in enumerate(zip(eo[1:], to[1:])):
            _close(e.numpy(), t.numpy(), None, "output %d" % (i + 1))
        eo, to = eo[0], to[0]
    assert str(eo.dtype) == str(to.dtype), (eo.dtype, to.dtype)
    _close(eo.detach().numpy(), to.detach().numpy(), tol, "output")

    g = np.random.default_rng(seed).standard_normal(tuple(to.shape)).astype(dtype)
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    m2 = log.mark()
    for i, (e, t) in enumerate(zip(e_in, t_in)):
        if e is None or not e.requires_grad:
            continue
        assert e.grad is not None, "no gradient for input %d" % i
        _close(e.grad.numpy(), t.grad.numpy(), tol, "gradient of input %d" % i)

    if batch >= 2:
        if split_fwd:
            assert log.split_since(m0, where, m1), "the forward did not split in " + where
            assert log.worker_ran_since(m0, m1), "no part of the forward ran on a pool worker"
        where_bwd = where if where_bwd == "same" else where_bwd
        if split_bwd:
            assert log.split_since(m1, where_bwd, m2), "the backward did not split in " + where_bwd
            assert log.worker_ran_since(m1, m2), "no part of the backward ran on a pool worker"
    else:
        assert not log.split_since(m0, where), "a batch of one image was split in " + where
    return eo


def _rand(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


# --------------------------------------------------------------------------- convolution

# (id, nd, N, C, spatial, O, kernel, kwargs, bias); comments name the paths in ops/conv.py
CONV_CASES = [
    # channels first (C*kw < 32, out_w >= 8); input grad: channels-first col2im
    ("cf", 2, 3, 3, (12, 12), 4, 5, {}, True),
    ("cf_stride2", 2, 2, 3, (19, 19), 4, 5, dict(stride=2), True),
    ("cf_dil2", 2, 2, 3, (14, 14), 4, 3, dict(dilation=2), False),
    ("cf_same_even", 2, 2, 2, (9, 10), 3, (3, 4), dict(padding="same"), True),
    # channels last; input grad through the flipped kernel (channels-first conv, O*kw < 32)
    ("cl_flip_cf", 2, 2, 16, (8, 8), 8, 3, dict(padding=1), True),
    # channels last; input grad through the flipped (K, C) matrix (_conv_cl)
    ("cl_flip_cl", 2, 3, 16, (7, 7), 16, 3, {}, True),
    ("cl_nobias", 2, 5, 16, (6, 6), 12, 3, dict(padding=1), False),
    ("cl_same", 2, 3, 8, (7, 9), 6, (3, 4), dict(padding="same"), True),
    ("cl_dil2", 2, 3, 16, (9, 9), 8, 3, dict(dilation=2, padding=2), True),
    # a large kernel (K*O >= SMALL_WEIGHT): the weight gradient as (O, K)
    ("cl_big_weight", 2, 2, 64, (4, 4), 128, 3, dict(padding=1), True),
    # images larger than a column chunk: row blocks, several products summed per part
    ("cl_row_blocks", 2, 2, 16, (48, 48), 8, 3, dict(padding=1), True),
    # stride 2 3x3: col2im channels last, output-gradient rows shared (_grad_rows_all)
    ("cl_stride2", 2, 5, 16, (9, 9), 8, 3, dict(stride=2, padding=1), True),
    # pointwise 1x1
    ("pw_s1", 2, 5, 6, (5, 5), 7, 1, {}, True),
    ("pw_s2", 2, 3, 6, (7, 6), 5, 1, dict(stride=2), False),
    # groups
    ("groups2", 2, 3, 8, (6, 6), 6, 3, dict(groups=2, padding=1), True),
    ("depthwise_x2", 2, 5, 6, (6, 6), 12, 3, dict(groups=6, stride=2, padding=1), True),
    ("depthwise", 2, 2, 4, (5, 7), 4, 3, dict(groups=4), False),
    # a single image: nothing to split
    ("batch1_cl", 2, 1, 16, (6, 6), 8, 3, dict(padding=1), True),
    ("batch1_cf", 2, 1, 3, (12, 12), 4, 5, {}, True),
    # conv1d
    ("1d_cf", 1, 3, 2, (20,), 4, 5, {}, True),
    ("1d_cl_stride2", 1, 5, 16, (10,), 8, 3, dict(stride=2), True),
    ("1d_pw", 1, 2, 4, (9,), 3, 1, {}, False),
    ("1d_depthwise", 1, 3, 4, (9,), 4, 3, dict(groups=4, padding="same"), True),
    # conv3d
    ("3d_cl", 3, 3, 8, (4, 5, 5), 4, 3, dict(padding=1), True),
    ("3d_cf", 3, 2, 2, (3, 4, 10), 3, (2, 2, 3), {}, True),
    ("3d_groups_s2", 3, 2, 4, (4, 4, 4), 4, 2, dict(groups=4, stride=2), True),
    ("3d_pw_s2", 3, 3, 4, (3, 4, 5), 2, 1, dict(stride=2), True),
]


def _conv_arrays(rng, nd, N, C, spatial, O, k, kw, bias):
    k = (k,) * nd if isinstance(k, int) else tuple(k)
    x = _rand(rng, N, C, *spatial)
    w = _rand(rng, O, C // kw.get("groups", 1), *k)
    b = _rand(rng, O) if bias else None
    return [x, w, b]


@pytest.mark.parametrize("case", CONV_CASES, ids=[c[0] for c in CONV_CASES])
def test_split_conv_matches_torch(split_everything, case):
    _, nd, N, C, spatial, O, k, kw, bias = case
    arrays = _conv_arrays(np.random.default_rng(0), nd, N, C, spatial, O, k, kw, bias)
    name = "conv%dd" % nd
    oracle(split_everything, lambda x, w, b: getattr(F, name)(x, w, b, **kw),
           lambda x, w, b: getattr(TF, name)(x, w, b, **kw), arrays, "conv")


@pytest.mark.parametrize("case", [c for c in CONV_CASES if c[0] in ("cf", "cl_stride2",
                                                                     "groups2")],
                         ids=lambda c: c[0])
def test_split_conv_float64_matches_torch_tightly(split_everything, case):
    _, nd, N, C, spatial, O, k, kw, bias = case
    arrays = _conv_arrays(np.random.default_rng(1), nd, N, C, spatial, O, k, kw, bias)
    arrays = [None if a is None else a.astype(np.float64) for a in arrays]
    eo = oracle(split_everything, lambda x, w, b: F.conv2d(x, w, b, **kw),
                lambda x, w, b: TF.conv2d(x, w, b, **kw), arrays, "conv", dtype=np.float64)
    assert eo.dtype == ember.float64


def test_split_conv_only_weight_or_only_input_grad(split_everything):
    """Backward with one of the two products needed (no shared gradient rows)."""
    rng = np.random.default_rng(2)
    x, w, b = _conv_arrays(rng, 2, 3, 16, (9, 9), 8, 3, dict(stride=2), True)
    g = _rand(rng, 3, 8, 4, 4)
    for need_x in (True, False):
        ex = ember.tensor(x, requires_grad=need_x)
        ew = ember.tensor(w, requires_grad=not need_x)
        tx = torch.tensor(x, requires_grad=need_x)
        tw = torch.tensor(w, requires_grad=not need_x)
        mark = split_everything.mark()
        F.conv2d(ex, ew, ember.tensor(b), stride=2).backward(ember.tensor(g))
        TF.conv2d(tx, tw, torch.tensor(b), stride=2).backward(torch.tensor(g))
        assert split_everything.split_since(mark, "conv")
        e, t = (ex, tx) if need_x else (ew, tw)
        _close(e.grad.numpy(), t.grad.numpy(), TOL[np.float32], "gradient")


# (id, N, C_in, spatial, C_out / groups, kernel, kwargs)
CONVT_CASES = [
    ("s1_flip_cf", 3, 8, (6, 6), 4, 3, dict(padding=1)),
    ("s1_flip_cl", 2, 8, (5, 5), 16, 3, {}),
    ("s1_cf_col2im", 2, 4, (8, 8), 3, 5, {}),
    ("s2_cl", 2, 16, (4, 5), 8, 3, dict(stride=2, padding=1, output_padding=1)),
    ("s2_cf", 3, 4, (5, 5), 3, 4, dict(stride=2)),
    ("groups2_s2", 3, 4, (4, 4), 3, 3, dict(stride=2, groups=2)),
    ("pw_s2", 5, 6, (4, 3), 4, 1, dict(stride=2)),
    ("dil2", 2, 6, (5, 5), 4, 3, dict(dilation=2, padding=1)),
    ("batch1", 1, 8, (4, 4), 6, 3, dict(stride=2)),
]


@pytest.mark.parametrize("case", CONVT_CASES, ids=[c[0] for c in CONVT_CASES])
@pytest.mark.parametrize("bias", [True, False])
def test_split_conv_transpose2d_matches_torch(split_everything, case, bias):
    _, N, C, spatial, og, k, kw = case
    rng = np.random.default_rng(3)
    x = _rand(rng, N, C, *spatial)
    w = _rand(rng, C, og, k, k)
    b = _rand(rng, og * kw.get("groups", 1)) if bias else None
    oracle(split_everything, lambda x, w, b: F.conv_transpose2d(x, w, b, **kw),
           lambda x, w, b: TF.conv_transpose2d(x, w, b, **kw), [x, w, b], "conv")


@pytest.mark.parametrize("kw", [dict(padding=1), dict(stride=2, padding=1),
                                dict(groups=2, padding=1)], ids=["s1", "s2", "groups2"])
def test_split_conv2d_double_backward_matches_torch(split_everything, kw):
    rng = np.random.default_rng(4)
    x, w, b = _conv_arrays(rng, 2, 3, 4, (6, 6), 6, 3, kw, True)
    mark = split_everything.mark()
    res = []
    for lib, fn in ((ember, F.conv2d), (torch, TF.conv2d)):
        tx, tw, tb = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = fn(tx, tw, tb, **kw)
        g = lib.tensor(np.random.default_rng(5).standard_normal(tuple(y.shape))
                       .astype(np.float32), requires_grad=True)
        gx, gw, gb = lib.autograd.grad(y, (tx, tw, tb), grad_outputs=g, create_graph=True)
        s = (gx * gx).sum() + (gw * gw.detach()).sum() + (gb * gb).sum()
        res.append([a.detach().numpy() for a in (gx, gw, gb)]
                   + [a.numpy() for a in lib.autograd.grad(s, (tx, tw, g))])
    assert split_everything.split_since(mark, "conv")
    assert len(res[0]) == len(res[1])
    for i, (e, t) in enumerate(zip(*res)):
        _close(e, t, dict(rtol=1e-4, atol=1e-4), "double backward result %d" % i)


def test_split_conv_weight_grad_is_deterministic(split_everything):
    """The parts' sums are added in part order: the same bits every run (for a thread count).
    (Split vs serial may differ in the last bits: the summation order differs.)"""
    rng = np.random.default_rng(6)
    x, w, b = _conv_arrays(rng, 2, 5, 16, (8, 8), 16, 3, dict(padding=1), True)
    g = _rand(rng, 5, 16, 8, 8)
    grads = []
    for _ in range(2):
        ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
        mark = split_everything.mark()
        F.conv2d(ex, ew, ember.tensor(b), padding=1).backward(ember.tensor(g))
        assert split_everything.split_since(mark, "conv")
        grads.append((ex.grad.numpy().copy(), ew.grad.numpy().copy()))
    assert np.array_equal(grads[0][1], grads[1][1])
    assert np.array_equal(grads[0][0], grads[1][0])
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    TF.conv2d(tx, tw, torch.tensor(b), padding=1).backward(torch.tensor(g))
    _close(grads[0][1], tw.grad.numpy(), TOL[np.float32], "weight gradient")


# --------------------------------------------------------------------------- max pooling

# (id, nd, shape, kwargs); kernel == stride (no stride given), no padding: the tiled path
POOL_CASES = [
    ("2d_k2", 2, (3, 2, 8, 8), dict(kernel_size=2)),
    ("2d_k3_uncovered", 2, (5, 3, 7, 10), dict(kernel_size=3)),
    ("2d_k1x2", 2, (2, 3, 5, 6), dict(kernel_size=(1, 2))),
    ("2d_batch1", 2, (1, 2, 6, 6), dict(kernel_size=2)),
    ("1d_k3", 1, (3, 4, 12), dict(kernel_size=3)),
    ("1d_k2_uncovered", 1, (2, 3, 11), dict(kernel_size=2)),
    ("3d_k2", 3, (3, 2, 4, 6, 6), dict(kernel_size=2)),
    ("3d_k232", 3, (2, 2, 5, 6, 4), dict(kernel_size=(2, 3, 2))),
]
# other geometries: the separable path (_sep_max / _sep_scatter); overlapping windows add
# gradients, so these compare within float tolerance
SEP_POOL_CASES = [
    ("2d_k3s2p1", 2, (3, 2, 9, 8), dict(kernel_size=3, stride=2, padding=1)),
    ("2d_k2s1", 2, (2, 3, 5, 6), dict(kernel_size=2, stride=1)),
    ("2d_k3s1_dil2", 2, (5, 2, 8, 7), dict(kernel_size=3, stride=1, dilation=2)),
    ("2d_k32_s21_p10", 2, (2, 2, 7, 6), dict(kernel_size=(3, 2), stride=(2, 1),
                                              padding=(1, 0))),
    ("2d_ceil", 2, (3, 2, 7, 7), dict(kernel_size=2, stride=2, ceil_mode=True)),
    ("2d_batch1", 2, (1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    ("1d_k3s2p1", 1, (3, 4, 11), dict(kernel_size=3, stride=2, padding=1)),
    ("3d_k3s2p1", 3, (2, 2, 5, 5, 6), dict(kernel_size=3, stride=2, padding=1)),
]


def _pool_fns(nd, kw, ret):
    name = "max_pool%dd" % nd
    return (lambda x: getattr(F, name)(x, return_indices=ret, **kw),
            lambda x: getattr(TF, name)(x, return_indices=ret, **kw))


def _pool_input(seed, shape, data):
    rng = np.random.default_rng(seed)
    if data == "ties":      # integer values: many equal maxima, torch takes the first
        return rng.integers(0, 3, size=shape).astype(np.float32)
    return _rand(rng, *shape)


# tiled pools (kernel == stride) must match exactly; the separable path within tolerance
_ALL_POOLS = ([("tiled",) + c for c in POOL_CASES] +
              [("separable",) + c for c in SEP_POOL_CASES])


@pytest.mark.parametrize("case", _ALL_POOLS, ids=["%s-%s" % (c[0], c[1]) for c in _ALL_POOLS])
@pytest.mark.parametrize("ret", [False, True], ids=["values", "indices"])
@pytest.mark.parametrize("data", ["random", "ties"])
def test_split_max_pool_matches_torch(split_everything, case, ret, data):
    path, _, nd, shape, kw = case
    ef, tf = _pool_fns(nd, kw, ret)
    tiled = path == "tiled"
    oracle(split_everything, ef, tf, [_pool_input(7 if tiled else 15, shape, data)], "pool",
           **({"tol": None} if tiled else {}))


@pytest.mark.parametrize("case", [c for c in POOL_CASES + SEP_POOL_CASES
                                  if c[0] in ("2d_k2", "1d_k3", "3d_k232", "2d_k3s2p1",
                                              "3d_k3s2p1")],
                         ids=lambda c: c[0])
@pytest.mark.parametrize("ret", [False, True], ids=["values", "indices"])
def test_split_max_pool_nan_in_one_image_matches_torch(split_everything, case, ret):
    _, nd, shape, kw = case
    x = _rand(np.random.default_rng(8), *shape)
    x[1, 0, 1] = np.nan         # one image: the split result holds NaN, ember falls back
    ef, tf = _pool_fns(nd, kw, ret)
    out = oracle(split_everything, ef, tf, [x], "pool", split_bwd=False)
    assert np.isnan(out.detach().numpy()[1, 0]).any()
    assert not np.isnan(out.detach().numpy()[0]).any()


def test_split_tiled_max_pool_float64_and_noncontiguous(split_everything):
    x = np.random.default_rng(9).standard_normal((3, 8, 8, 2)).transpose(0, 3, 1, 2)
    oracle(split_everything, lambda x: F.max_pool2d(x.permute(0, 1, 3, 2), 2),
           lambda x: TF.max_pool2d(x.permute(0, 1, 3, 2), 2), [x], "pool", dtype=np.float64,
           tol=None)


# --------------------------------------------------------------------------- other split ops

# (id, ember fn, torch fn, input arrays (seeded), module whose run call splits the forward
# / the backward (None: the backward need not split), batch (the split axis' length))
def _other_cases():
    r = np.random.default_rng(16)
    big = _rand(r, 4, 3, 5, 6)
    return [
        ("add_bcast_channel", lambda a, b: a + b, lambda a, b: a + b,
         [big, _rand(r, 3, 1, 1)], "_parallel", None, 4),
        ("sub_bcast_batch", lambda a, b: a - b, lambda a, b: a - b,
         [_rand(r, 1, 3, 5, 6), _rand(r, 4, 1, 1, 1)], "_parallel", None, 4),
        ("mul_same_shape", lambda a, b: a * b, lambda a, b: a * b,
         [_rand(r, 5, 2, 7), _rand(r, 5, 2, 7)], "_parallel", "_parallel", 5),
        ("mul_scalar", lambda a: a * 2.5, lambda a: a * 2.5, [big], "_parallel", "_parallel", 4),
        ("add_int64_float32", lambda a, b: a + b, lambda a, b: a + b,
         [r.integers(-5, 5, size=(3, 4, 6)), _rand(r, 3, 4, 6)], "_parallel", None, 3),
        ("relu", F.relu, TF.relu, [big], "_parallel", "elementwise", 4),
        ("batch_norm_2d", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         [big + 3.0, _rand(r, 3), _rand(r, 3)], "norm", "norm", 4),
        ("batch_norm_1d", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         [_rand(r, 5, 4, 9), _rand(r, 4), _rand(r, 4)], "norm", "norm", 5),
        ("linear_rows", F.linear, TF.linear,
         [_rand(r, 6, 5), _rand(r, 4, 5), _rand(r, 4)], "_parallel", "_parallel", 6),
        ("linear_transposed", F.linear, TF.linear,
         [_rand(r, 8, 130), _rand(r, 40, 130), _rand(r, 40)], "nn_ops", "_parallel", 8),
        ("linear_transposed_few_rows_bias1", F.linear, TF.linear,
         [_rand(r, 3, 130), _rand(r, 40, 130), _rand(r, 1)], "nn_ops", "_parallel", 3),
        ("linear_transposed_nobias", lambda x, w: F.linear(x, w),
         lambda x, w: TF.linear(x, w), [_rand(r, 40, 130), _rand(r, 70, 130)], "nn_ops",
         "_parallel", 40),
        ("matmul_batched", ember.matmul, torch.matmul,
         [_rand(r, 3, 6, 4), _rand(r, 4, 5)], "_parallel", "_parallel", 3),
        ("matmul_broadcast_batches", ember.matmul, torch.matmul,
         [_rand(r, 2, 1, 6, 4), _rand(r, 3, 4, 2)], "_parallel", "_parallel", 2),
        ("matmul_wide_splits_columns", ember.matmul, torch.matmul,
         [_rand(r, 2, 3), _rand(r, 3, 9)], "_parallel", "_parallel", 2),
        ("sum_over_batch_and_space", lambda a: a.sum((0, 2, 3)), lambda a: a.sum((0, 2, 3)),
         [big], "_parallel", None, 4),
        ("sum_all", lambda a: a.sum(), lambda a: a.sum(), [big], "_parallel", None, 4),
        ("sum_keeps_batch", lambda a: a.sum(1, keepdim=True), lambda a: a.sum(1, keepdim=True),
         [big], "_parallel", None, 4),
        ("batch_norm_one_channel", lambda x, w, b: F.batch_norm(x, None, None, w, b,
                                                                 training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         [_rand(r, 2, 1, 25), _rand(r, 1), _rand(r, 1)], "norm", "norm", 2),
        ("batch_norm_long_rows", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         [_rand(r, 3, 2, 32, 40), _rand(r, 2), _rand(r, 2)], "norm", "norm", 3),
        ("batch_norm_long_rows_offset",
         lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         [_rand(r, 3, 2, 32, 40) * 0.5 + 7.0, _rand(r, 2), _rand(r, 2)], "norm", "norm", 3),
        ("batch_norm_3d_nobias",
         lambda x, w: F.batch_norm(x, None, None, w, None, training=True),
         lambda x, w: TF.batch_norm(x, None, None, w, None, training=True),
         [_rand(r, 3, 2, 3, 4, 5), _rand(r, 2)], "norm", "norm", 3),
    ]


OTHER_IDS = [c[0] for c in _other_cases()]


@pytest.mark.parametrize("i", range(len(OTHER_IDS)), ids=OTHER_IDS)
def test_split_other_ops_match_torch(split_everything, i):
    _, ef, tf, arrays, where, where_bwd, batch = _other_cases()[i]
    oracle(split_everything, ef, tf, arrays, where, batch=batch, where_bwd=where_bwd,
           split_bwd=where_bwd is not None)


# --------------------------------------------------------------------------- _parallel itself


class PartFailed(Exception):
    pass


def test_run_reraises_a_worker_parts_error_and_the_pool_still_works(split_everything):
    ran = {}

    def fn(i):
        ran[i] = threading.current_thread().name
        if i == 1:
            raise PartFailed("part 1 failed")

    with pytest.raises(PartFailed, match="part 1 failed"):
        _parallel.run(fn, [(0,), (1,)])
    assert set(ran) == {0, 1}
    assert ran[1].startswith(WORKER) and ran[0] == threading.current_thread().name

    out = np.zeros(6)

    def fill(a, b):
        out[a:b] = np.arange(a, b) ** 2
    ps = _parallel.parts(6, 10 ** 9)
    assert ps == [(0, 3), (3, 6)]
    mark = split_everything.mark()
    _parallel.run(fill, ps)
    assert split_everything.worker_ran_since(mark)
    np.testing.assert_array_equal(out, np.arange(6.0) ** 2)
    # and an error in part 0 (the calling thread) is raised too, after the worker finished
    done = []

    def fn0(i):
        if i == 0:
            raise PartFailed("part 0 failed")
        done.append(i)
    with pytest.raises(PartFailed, match="part 0 failed"):
        _parallel.run(fn0, [(0,), (1,)])
    assert done == [1]
    # the pool is free again: a conv splits and is right
    x, w, b = _conv_arrays(np.random.default_rng(10), 2, 2, 16, (6, 6), 8, 3, {}, True)
    oracle(split_everything, lambda x, w, b: F.conv2d(x, w, b),
           lambda x, w, b: TF.conv2d(x, w, b), [x, w, b], "conv")


def test_nested_run_inside_a_part_is_serial_and_correct(split_everything):
    outer_names, inner = {}, {}
    out = np.zeros(8)
    nested_parts = {}
    x, w, b = _conv_arrays(np.random.default_rng(11), 2, 2, 16, (6, 6), 8, 3, {}, True)
    conf = ((1, 1), ((1, 1), (1, 1)), (1, 1), 1)      # stride, pads, dilation, groups
    convs = {}

    def inner_fn(i, a, b_):
        inner.setdefault(i, set()).add(threading.current_thread().name)
        out[a:b_] = np.arange(a, b_) + 100 * i

    def outer(i):
        outer_names[i] = threading.current_thread().name
        nested_parts[i] = _parallel.parts(64, 10 ** 12)
        _parallel.run(inner_fn, [(i, 4 * i, 4 * i + 2), (i, 4 * i + 2, 4 * i + 4)])
        # the raw op (no autograd Function): a split-sized conv inside a part runs serially
        convs[i] = _conv.conv_forward(x, w, b, conf)

    mark = split_everything.mark()
    _parallel.run(outer, [(0,), (1,)])
    # the outer run and the two explicit inner runs asked for 2 parts; the convs did not
    assert split_everything.origins[mark[0]:] == ["test_parallel_ops"] * 3
    assert outer_names[1].startswith(WORKER)
    for i in (0, 1):
        assert nested_parts[i] == [(0, 64)]
        assert inner[i] == {outer_names[i]}             # the inner parts ran on the same thread
    np.testing.assert_array_equal(out, np.arange(8) + 100 * (np.arange(8) >= 4))
    ref = TF.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), padding=1).numpy()
    for i in (0, 1):
        _close(convs[i], ref, TOL[np.float32], "conv inside part %d" % i)
    assert np.array_equal(convs[0], convs[1])
    # outside any part the same raw op splits again
    mark = split_everything.mark()
    _close(_conv.conv_forward(x, w, b, conf), ref, TOL[np.float32], "conv after the run")
    assert split_everything.split_since(mark, "conv") and split_everything.worker_ran_since(mark)


def test_parts_serial_cases_and_thread_count(monkeypatch):
    if not _parallel.blas_single():
        pytest.skip("NumPy's BLAS cannot be made single-threaded here: ember never splits")
    old = ember.get_num_threads()
    monkeypatch.setenv("OMP_NUM_THREADS", os.environ.get("OMP_NUM_THREADS", str(old)))
    try:
        ember.set_num_threads(2)
        assert ember.get_num_threads() == 2
        assert _parallel.parts(64, _parallel.MIN_WORK - 1) == [(0, 64)]     # small work
        assert _parallel.parts(1, 10 ** 12) == [(0, 1)]                     # one item
        assert _parallel.parts(0, 10 ** 12) == [(0, 0)]
        assert _parallel.parts(5, 10 ** 12) == [(0, 2), (2, 5)]             # uneven, contiguous
        # enough work for one part only
        assert _parallel.parts(64, _parallel.MIN_WORK + 1) == [(0, 64)]
        ember.set_num_threads(3)
        assert ember.get_num_threads() == 3
        assert _parallel.parts(7, 10 ** 12) == [(0, 2), (2, 4), (4, 7)]
        assert _parallel.parts(2, 10 ** 12) == [(0, 1), (1, 2)]              # at most n parts
        ember.set_num_threads(1)
        assert ember.get_num_threads() == 1
        assert _parallel.parts(64, 10 ** 12) == [(0, 64)]                   # one thread
        ran = []
        _parallel.run(lambda i: ran.append(threading.current_thread().name), [(0,), (1,)])
        assert ran == [threading.current_thread().name] * 2
        for bad in (0, -1):
            with pytest.raises(RuntimeError, match="positive"):
                ember.set_num_threads(bad)
        assert ember.get_num_threads() == 1
    finally:
        ember.set_num_threads(old)
    assert ember.get_num_threads() == old


def test_blas_is_single_threaded_after_a_split(split_everything):
    x, w, b = _conv_arrays(np.random.default_rng(12), 2, 2, 16, (6, 6), 8, 3, {}, True)
    mark = split_everything.mark()
    F.conv2d(ember.tensor(x), ember.tensor(w), ember.tensor(b))
    assert split_everything.split_since(mark, "conv")
    n = _blas.get_threads()
    assert n is None or n == 1


def _conv_job(seed, N=4):
    """Inputs of a stride-2 conv (col2im backward, shared gradient rows) and torch's output,
    input gradient and weight gradient for them."""
    rng = np.random.default_rng(seed)
    x, w, b = _conv_arrays(rng, 2, N, 16, (8, 8), 8, 3, dict(stride=2, padding=1), True)
    g = _rand(rng, N, 8, 4, 4)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y = TF.conv2d(tx, tw, torch.tensor(b), stride=2, padding=1)
    y.backward(torch.tensor(g))
    return (x, w, b, g), (y.detach().numpy(), tx.grad.numpy(), tw.grad.numpy())


def _ember_conv_job(x, w, b, g):
    ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    y = F.conv2d(ex, ew, ember.tensor(b), stride=2, padding=1)
    y.backward(ember.tensor(g))
    return y.detach().numpy(), ex.grad.numpy(), ew.grad.numpy()


def _check_job(outs, ref, what):
    for e, r, name in zip(outs, ref, ("output", "input grad", "weight grad")):
        _close(e, r, TOL[np.float32], "%s %s" % (what, name))


def test_conv_in_a_thread_while_the_pool_is_busy_runs_serially(split_everything):
    """While the main thread holds the pool (inside a part), a conv on another Python thread
    asks for 2 parts and gets them run on its own thread, with the right results."""
    inputs, ref = _conv_job(30)
    log = split_everything
    got, errors = {}, []

    def other():
        try:
            start = len(log.threads)
            got["outs"] = _ember_conv_job(*inputs)
            got["names"] = log.threads[start:]
        except BaseException as e:       # reported by the main thread
            errors.append(e)

    worker_started = threading.Event()

    def hold(i):
        if i == 1:
            worker_started.set()    # (after the spy logged this part's thread)
        else:                   # the calling thread, inside the pool's run: the pool is busy
            assert worker_started.wait(timeout=30)
            t = threading.Thread(target=other, name="other-thread")
            t.start()
            t.join(timeout=60)
            got["alive"] = t.is_alive()

    _parallel.run(hold, [(0,), (1,)])
    assert not got["alive"], "the other thread hung"
    assert not errors, errors
    # it asked to split (its parts are logged) but ran every part itself
    assert got["names"] and set(got["names"]) == {"other-thread"}
    _check_job(got["outs"], ref, "other thread")
    # the pool is free again: the same conv on the main thread splits onto a worker
    mark = log.mark()
    _check_job(_ember_conv_job(*inputs), ref, "main thread")
    assert log.worker_ran_since(mark)


def test_grad_mode_is_per_thread_as_in_torch():
    """torch's grad mode is thread-local: no_grad on one thread leaves another recording.
    (Two threads running ops at once rely on it: an op disables grad mode on its own thread
    while it runs.)"""
    seen = {}

    def probe(lib):
        t = lib.ones(2, requires_grad=True)
        seen[lib.__name__] = (lib.is_grad_enabled(), (t * 2).requires_grad)

    for lib in (torch, ember):
        with lib.no_grad():
            th = threading.Thread(target=probe, args=(lib,))
            th.start()
            th.join(timeout=30)
        assert lib.is_grad_enabled()
    assert seen["torch"] == (True, True)
    assert seen["ember"] == seen["torch"]


def test_conv_from_two_python_threads_at_once(split_everything):
    """Two Python threads run conv forward + backward at the same time (one gets the pool,
    the other runs serially); both get torch's results, and grad mode stays on."""
    jobs = [_conv_job(20), _conv_job(21)]
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def work(j, rounds=6):
        try:
            barrier.wait(timeout=30)
            results[j] = [_ember_conv_job(*jobs[j][0]) for _ in range(rounds)]
        except BaseException as e:       # reported by the main thread
            errors.append(e)

    t = threading.Thread(target=work, args=(1,))
    t.start()
    try:
        work(0)
        t.join(timeout=60)
        assert not t.is_alive(), "the second thread hung"
        enabled = ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)     # never leak a disabled grad mode to later tests
    assert not errors, errors
    assert enabled, "grad mode was left disabled by the other thread"
    assert "conv" in split_everything.origins
    for j in (0, 1):
        for outs in results[j]:
            _check_job(outs, jobs[j][1], "thread %d" % j)


def _child_conv(conn, x, w, b, log):
    try:
        before = log.calls
        y = F.conv2d(ember.tensor(x), ember.tensor(w), ember.tensor(b), padding=1).numpy()
        conn.send((y, log.origins[before:], list(log.threads)))
    except BaseException as e:
        conn.send(repr(e))
    finally:
        conn.close()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="no fork on this platform")
def test_split_conv_in_a_forked_child(split_everything):
    x, w, b = _conv_arrays(np.random.default_rng(14), 2, 3, 16, (6, 6), 8, 3,
                           dict(padding=1), True)
    ref = TF.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), padding=1).numpy()
    mark = split_everything.mark()
    F.conv2d(ember.tensor(x), ember.tensor(w), ember.tensor(b), padding=1)  # the pool exists
    assert split_everything.worker_ran_since(mark)
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)    # fork of a threaded process
        proc = ctx.Process(target=_child_conv, args=(send, x, w, b, split_everything))
        proc.start()
    send.close()
    try:
        if not recv.poll(60):
            pytest.fail("the forked child did not answer in 60 s (deadlock?)")
        msg = recv.recv()
    finally:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join()
    assert not isinstance(msg, str), "the child failed: " + str(msg)
    y, origins, names = msg
    assert "conv" in origins, "the conv in the child did not split"
    assert any(n.startswith(WORKER) for n in names[len(split_everything.threads):])
    _close(y, ref, TOL[np.float32], "conv in the forked child")
    assert proc.exitcode == 0


def test_matrix_products_leave_blas_threads_until_a_split_op_starts_the_pool():
    # a fresh process: matrix products, even large ones, keep BLAS's own threads; only an
    # op ember splits itself (here a convolution) starts the pool and makes NumPy's BLAS
    # single-threaded
    code = textwrap.dedent("""
        import os
        os.environ.pop("OMP_NUM_THREADS", None)
        import numpy as np, ember
        from ember import _blas, _parallel
        ember.set_num_threads(2)
        before = _blas.get_threads()
        a = ember.tensor(np.ones((512, 512), np.float32))
        b = ember.nn.functional.linear(a, a)
        assert float(b[0, 0]) == 512 and float(ember.matmul(a, a)[-1, -1]) == 512
        after_matmul = (_parallel.active(), _blas.get_threads())
        x = ember.tensor(np.ones((8, 16, 32, 32), np.float32))
        w = ember.tensor(np.ones((16, 16, 3, 3), np.float32))
        ember.nn.functional.conv2d(x, w)
        print(before, after_matmul[0], after_matmul[1], _parallel.active(), _blas.get_threads())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    before, act0, blas0, act1, blas1 = out.stdout.split()
    if before == "None":
        pytest.skip("NumPy's BLAS is not a bundled OpenBLAS: its threads cannot be read")
    assert (before, act0, blas0) == ("2", "False", "2")
    assert (act1, blas1) == ("True", "1")


def test_ctrl_c_in_the_callers_part_waits_for_the_workers_part(split_everything):
    # a KeyboardInterrupt (Ctrl-C in a notebook) on the calling thread must not leave a part
    # running: it writes the caller's arrays, and its "done" would answer the next run
    done = []

    def fn(i):
        if i == 0:
            raise KeyboardInterrupt
        threading.Event().wait(0.2)
        done.append(i)

    with pytest.raises(KeyboardInterrupt):
        _parallel.run(fn, [(0,), (1,)])
    assert done == [1]
    out = np.zeros(4)

    def fill(a, b):
        threading.Event().wait(0.05 if a == 0 else 0.0)
        out[a:b] = 1
    _parallel.run(fill, [(0, 2), (2, 4)])
    assert out.tolist() == [1, 1, 1, 1]


# --------------------------------------------------------------------------- recurrent layers


@pytest.mark.parametrize("mode,proj", [("LSTM", 0), ("LSTM", 3), ("GRU", 0), ("RNN_TANH", 0)])
def test_rnn_layer_backward_splits_its_products_over_all_steps(split_everything, mode, proj):
    # the fused layers' weight and input gradients (one product over every time step, after
    # the loop) go through _parallel.matmul: split once the pool runs (e.g. a CNN before the
    # RNN started it), in part order, same values as torch
    from ember.ops.rnn_ops import rnn_layer
    rng = np.random.default_rng(5)
    T, B, I, H = 4, 3, 5, 6
    G = {"LSTM": 4, "GRU": 3}.get(mode, 1) * H
    P = proj or H
    arrays = [_rand(rng, T, B, I), _rand(rng, G, I), _rand(rng, G, P), _rand(rng, G),
              _rand(rng, G)] + ([_rand(rng, P, H)] if proj else [])

    def ember_fn(x, wih, whh, bih, bhh, whr=None):
        h0 = ember.zeros(B, P)
        c0 = ember.zeros(B, H) if mode == "LSTM" else None
        return rnn_layer(x, h0, c0, wih, whh, bih, bhh, whr, mode, (B,) * T)[0]

    def torch_fn(x, wih, whh, bih, bhh, whr=None):
        cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN_TANH": torch.nn.RNN}[mode]
        layer = cls(I, H, **({"proj_size": proj} if proj else {}))
        params = {"weight_ih_l0": wih, "weight_hh_l0": whh, "bias_ih_l0": bih,
                  "bias_hh_l0": bhh}
        if proj:
            params["weight_hr_l0"] = whr
        return torch.func.functional_call(layer, params, (x,))[0]

    oracle(split_everything, ember_fn, torch_fn, arrays, "_parallel", split_fwd=False)


# --------------------------------------------------------------------------- shared blocks


def test_run_rows_covers_every_row_once_and_a_slow_thread_takes_fewer_blocks(
        split_everything, monkeypatch):
    # blocks come from one shared iterator: the worker is made slow, so the caller ends up
    # doing most of them (fixed halves would leave it waiting for the worker's half)
    import time
    monkeypatch.setattr(_parallel, "BLOCK_BYTES", 8)
    done = []

    def fn(r0, r1):
        worker = threading.current_thread().name.startswith(WORKER)
        if worker:
            time.sleep(0.02)
        done.append((r0, r1, worker))

    ps = _parallel.parts(40, 1 << 30)
    assert len(ps) == 2
    _parallel.run_rows(fn, ps, 8)
    rows = sorted(r for r0, r1, _ in done for r in range(r0, r1))
    assert rows == list(range(40))
    by_worker = sum(r1 - r0 for r0, r1, w in done if w)
    assert by_worker < 20, "the slow worker did not leave blocks to the caller"
    assert split_everything.calls >= 1


def test_run_rows_with_one_part_is_one_call():
    calls = []
    _parallel.run_rows(lambda r0, r1: calls.append((r0, r1)), [(0, 7)], 1)
    assert calls == [(0, 7)]


# --------------------------------------------------------------------------- relu gradient


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_gradient_is_a_select_like_torch(request, split, dtype):
    # torch's threshold_backward: grad where not (result <= 0), else exactly 0 -- an inf or
    # NaN gradient of an inactive unit gives 0 (a multiply by the mask would give NaN), and
    # a NaN result lets the gradient through
    if split:
        request.getfixturevalue("split_everything")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5, 7)).astype(dtype)
    x[0, 0, :3] = [0.0, -0.0, np.nan]
    g = rng.standard_normal(x.shape).astype(dtype)
    g[x < 0] = np.inf
    g[1, 1, :2] = np.nan
    for inplace in (False, True):
        e_in, t_in = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ye = F.relu(e_in * 1, inplace=inplace)
        yt = TF.relu(t_in * 1, inplace=inplace)
        ye.backward(ember.tensor(g))
        yt.backward(torch.tensor(g))
        np.testing.assert_array_equal(e_in.grad.numpy(), t_in.grad.numpy())
