"""The NumPy floor: the SimpleCNN, MLP, LSTM and GRU training steps hand-written in plain NumPy,
timed next to ember and torch (interleaved, same thread settings).

ember is Python over NumPy, so a direct NumPy program doing the same arithmetic is the
reference for "how close to the metal" ember's ops are; torch is the reference for speed.

Usage::

    python -m benchmarks.numpy_floor                     # simplecnn, mlp, lstm, gru
    python -m benchmarks.numpy_floor lstm --threads 1    # one workload, one thread
    OMP_NUM_THREADS=1 python -m benchmarks.numpy_floor --threads 1 --json floor.json

``--threads N`` sets torch's thread count; NumPy's BLAS (OpenBLAS) follows the environment,
so set ``OMP_NUM_THREADS`` (or ``OPENBLAS_NUM_THREADS``) to the same N for a fair
single-thread comparison. The workloads are the same as ``simplecnn_step`` / ``mlp_step`` in
``benchmarks/workloads.py`` (seed-001 SimpleCNN, seed-004 MLP); ``lstm_step`` and
``gru_step`` are defined here (input 32, hidden 128, 50 steps, batch 32, a Linear head on the
last output, CrossEntropy, SGD) and are registered with the harness when this module is
imported.

The NumPy versions are written the fast way a NumPy programmer would write them (NHWC
``as_strided`` im2col + one matmul per conv, col2im by strided adds, fused softmax-CE
gradient, preallocation where it is natural), but without ember's extra tricks (chunked
im2col, channels-first first layer, torch-exact tie handling in max pooling).
"""
import argparse
import json
import statistics
import time

import numpy as np

from .run import workload

F32 = np.float32


# ----------------------------------------------------------------------------- helpers
def _ce_grad(logits, y):
    """Mean cross-entropy loss and its gradient w.r.t. the logits."""
    z = logits - logits.max(1, keepdims=True)
    e = np.exp(z)
    s = e.sum(1, keepdims=True)
    n = logits.shape[0]
    loss = float(np.log(s[:, 0]).sum() - z[np.arange(n), y].sum()) / n
    g = e / s
    g[np.arange(n), y] -= 1
    g *= F32(1.0 / n)
    return loss, g


def _uniform(rng, shape, fan_in):
    b = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-b, b, shape).astype(F32)


def _sgd(params, grads, lr):
    lr = F32(lr)
    for p, g in zip(params, grads):
        p -= lr * g


# ----------------------------------------------------------------------------- SimpleCNN
def _conv_nhwc(x, wm, b, k, p):
    """(N, H, W, C) -> (N, H, W, O) 'same' conv (stride 1): cols (N*H*W, k*k*C) @ wm."""
    N, H, W, C = x.shape
    xp = np.zeros((N, H + 2 * p, W + 2 * p, C), F32)
    xp[:, p:p + H, p:p + W] = x
    s = xp.strides
    win = np.lib.stride_tricks.as_strided(xp, (N, H, W, k, k, C), (s[0], s[1], s[2], s[1],
                                                                    s[2], s[3]))
    cols = win.reshape(N * H * W, k * k * C)         # one copy
    y = cols @ wm
    y += b
    return y.reshape(N, H, W, -1), cols


def _conv_nhwc_grad_input(gy, wm, k, p, C):
    """col2im: (N, H, W, O) gradient -> (N, H, W, C), one matmul and k*k strided adds."""
    N, H, W, O = gy.shape
    gc = (gy.reshape(-1, O) @ wm.T).reshape(N, H, W, k, k, C)
    gx = np.zeros((N, H + 2 * p, W + 2 * p, C), F32)
    for i in range(k):
        for j in range(k):
            gx[:, i:i + H, j:j + W] += gc[:, :, :, i, j]
    return gx[:, p:p + H, p:p + W]


def _pool_nhwc(y):
    """2x2 max pool of (N, H, W, C); returns the pooled values and the argmax mask."""
    N, H, W, C = y.shape
    v = y.reshape(N, H // 2, 2, W // 2, 2, C)
    m = np.maximum(np.maximum(v[:, :, 0, :, 0], v[:, :, 0, :, 1]),
                   np.maximum(v[:, :, 1, :, 0], v[:, :, 1, :, 1]))
    mask = v == m[:, :, None, :, None]               # ties would share the gradient
    return m, mask


def _unpool_nhwc(g, mask):
    N, h, _, w, _, C = mask.shape
    return (mask * g[:, :, None, :, None]).reshape(N, 2 * h, 2 * w, C)


def numpy_simplecnn(batch=64, lr=1e-2, seed=0):
    """The seed-001 SimpleCNN step (3 x conv5x5-pool, 2 Linear, CE, SGD) in NHWC NumPy."""
    rng = np.random.default_rng(seed)
    chans = [(3, 32), (32, 32), (32, 64)]
    convs = [(_uniform(rng, (25 * ci, co), 25 * ci), _uniform(rng, (co,), 25 * ci))
             for ci, co in chans]
    fc1 = (_uniform(rng, (1024, 64), 1024), _uniform(rng, (64,), 1024))
    fc2 = (_uniform(rng, (64, 10), 64), _uniform(rng, (10,), 64))
    x = rng.standard_normal((batch, 3, 32, 32), dtype=F32)
    y = rng.integers(0, 10, batch)

    def step():
        a = np.ascontiguousarray(x.transpose(0, 2, 3, 1))   # NCHW -> NHWC once
        saved = []
        for wm, b in convs:
            out, cols = _conv_nhwc(a, wm, b, 5, 2)
            a, mask = _pool_nhwc(out)
            saved.append((cols, mask, out.shape[-1]))
        flat = a.reshape(batch, -1)
        h1 = flat @ fc1[0] + fc1[1]
        logits = h1 @ fc2[0] + fc2[1]
        _, g = _ce_grad(logits, y)
        grads = [None] * 10
        grads[8], grads[9] = h1.T @ g, g.sum(0)
        gh1 = g @ fc2[0].T
        grads[6], grads[7] = flat.T @ gh1, gh1.sum(0)
        ga = (gh1 @ fc1[0].T).reshape(a.shape)
        for li in (2, 1, 0):
            cols, mask, O = saved[li]
            gy = _unpool_nhwc(ga, mask)
            g2 = gy.reshape(-1, O)
            grads[2 * li] = cols.T @ g2
            grads[2 * li + 1] = g2.sum(0)
            if li:
                ga = _conv_nhwc_grad_input(gy, convs[li][0], 5, 2, chans[li][0])
        params = [t for pair in convs + [fc1, fc2] for t in pair]
        _sgd(params, grads, lr)
    return step


# ----------------------------------------------------------------------------- MLP
def numpy_mlp(batch=64, lr=1e-3, seed=0):
    """The seed-004 MLP step: 784-512-512-10, ReLU, CE, SGD."""
    rng = np.random.default_rng(seed)
    sizes = [784, 512, 512, 10]
    layers = [(_uniform(rng, (i, o), i), _uniform(rng, (o,), i))
              for i, o in zip(sizes[:-1], sizes[1:])]
    x = rng.standard_normal((batch, 784), dtype=F32)
    y = rng.integers(0, 10, batch)

    def step():
        acts = [x]
        h = x
        for n, (w, b) in enumerate(layers):
            h = h @ w
            h += b
            if n < len(layers) - 1:
                np.maximum(h, 0, out=h)
            acts.append(h)
        _, g = _ce_grad(h, y)
        grads = []
        for n in reversed(range(len(layers))):
            w, _ = layers[n]
            a = acts[n]
            grads.append((a.T @ g, g.sum(0)))
            if n:
                g = g @ w.T
                g *= acts[n] > 0
        for (w, b), (gw, gb) in zip(layers, reversed(grads)):
            w -= F32(lr) * gw
            b -= F32(lr) * gb
    return step


# ----------------------------------------------------------------------------- LSTM
def _sig(z):
    return 0.5 * np.tanh(0.5 * z) + 0.5


def numpy_lstm(seq=50, batch=32, n_in=32, hidden=128, lr=1e-2, seed=0):
    """LSTM(32, 128) over 50 steps of a batch of 32, Linear(128, 10) on the last output."""
    rng = np.random.default_rng(seed)
    H, G = hidden, 4 * hidden
    wih = _uniform(rng, (n_in, G), H)          # stored transposed: x @ wih
    whh = _uniform(rng, (H, G), H)
    b = _uniform(rng, (G,), H) + _uniform(rng, (G,), H)
    wo, bo = _uniform(rng, (H, 10), H), _uniform(rng, (10,), H)
    x = rng.standard_normal((seq, batch, n_in), dtype=F32)
    y = rng.integers(0, 10, batch)
    acts = np.empty((seq, batch, G), F32)
    cs = np.empty((seq + 1, batch, H), F32)
    hs = np.empty((seq + 1, batch, H), F32)
    tcs = np.empty((seq, batch, H), F32)

    def step():
        xw = (x.reshape(-1, n_in) @ wih).reshape(seq, batch, G)
        xw += b
        hs[0] = 0
        cs[0] = 0
        for t in range(seq):
            a = acts[t]
            np.matmul(hs[t], whh, out=a)
            a += xw[t]
            a[:, :2 * H] = _sig(a[:, :2 * H])            # i, f
            a[:, 2 * H:3 * H] = np.tanh(a[:, 2 * H:3 * H])  # g
            a[:, 3 * H:] = _sig(a[:, 3 * H:])            # o
            np.multiply(a[:, H:2 * H], cs[t], out=cs[t + 1])
            cs[t + 1] += a[:, :H] * a[:, 2 * H:3 * H]
            np.tanh(cs[t + 1], out=tcs[t])
            np.multiply(a[:, 3 * H:], tcs[t], out=hs[t + 1])
        logits = hs[seq] @ wo + bo
        _, g = _ce_grad(logits, y)
        gwo, gbo = hs[seq].T @ g, g.sum(0)
        dh = g @ wo.T
        dc = np.zeros((batch, H), F32)
        dg = np.empty((seq, batch, G), F32)
        for t in reversed(range(seq)):
            a = acts[t]
            i, f, gg, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            tc = tcs[t]
            dc += dh * o * (1 - tc * tc)
            d = dg[t]
            d[:, :H] = dc * gg * i * (1 - i)
            d[:, H:2 * H] = dc * cs[t] * f * (1 - f)
            d[:, 2 * H:3 * H] = dc * i * (1 - gg * gg)
            d[:, 3 * H:] = dh * tc * o * (1 - o)
            dc *= f
            dh = d @ whh.T
        d2 = dg.reshape(-1, G)
        gwhh = hs[:seq].reshape(-1, H).T @ d2
        gwih = x.reshape(-1, n_in).T @ d2
        gb = d2.sum(0)
        _sgd([wih, whh, b, wo, bo], [gwih, gwhh, gb, gwo, gbo], lr)
    return step


def numpy_gru(seq=50, batch=32, n_in=32, hidden=128, lr=1e-2, seed=0):
    """GRU(32, 128) over 50 steps of a batch of 32, Linear(128, 10) on the last output."""
    rng = np.random.default_rng(seed)
    H, G = hidden, 3 * hidden
    wih = _uniform(rng, (n_in, G), H)          # stored transposed: x @ wih (gates r, z, n)
    whh = _uniform(rng, (H, G), H)
    bih, bhh = _uniform(rng, (G,), H), _uniform(rng, (G,), H)
    wo, bo = _uniform(rng, (H, 10), H), _uniform(rng, (10,), H)
    x = rng.standard_normal((seq, batch, n_in), dtype=F32)
    y = rng.integers(0, 10, batch)
    acts = np.empty((seq, batch, G), F32)      # r, z, n
    hwn = np.empty((seq, batch, H), F32)       # W_hn h + b_hn
    hs = np.empty((seq + 1, batch, H), F32)

    def step():
        xw = (x.reshape(-1, n_in) @ wih).reshape(seq, batch, G)
        xw += bih
        hs[0] = 0
        for t in range(seq):
            hw = hs[t] @ whh
            hw += bhh
            a = acts[t]
            a[:, :2 * H] = _sig(xw[t, :, :2 * H] + hw[:, :2 * H])         # r, z
            hwn[t] = hw[:, 2 * H:]
            a[:, 2 * H:] = np.tanh(xw[t, :, 2 * H:] + a[:, :H] * hwn[t])  # n
            z, n = a[:, H:2 * H], a[:, 2 * H:]
            hs[t + 1] = n + z * (hs[t] - n)
        logits = hs[seq] @ wo + bo
        _, g = _ce_grad(logits, y)
        gwo, gbo = hs[seq].T @ g, g.sum(0)
        dh = g @ wo.T
        dgx = np.empty((seq, batch, G), F32)   # d(pre-activation), input side
        dgh = np.empty((seq, batch, G), F32)   # d(pre-activation), hidden side
        for t in reversed(range(seq)):
            a = acts[t]
            r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
            dn = dh * (1 - z) * (1 - n * n)
            dx_ = dgx[t]
            dx_[:, :H] = dn * hwn[t] * r * (1 - r)
            dx_[:, H:2 * H] = dh * (hs[t] - n) * z * (1 - z)
            dx_[:, 2 * H:] = dn
            d = dgh[t]
            d[:, :2 * H] = dx_[:, :2 * H]
            d[:, 2 * H:] = dn * r
            dh = dh * z + d @ whh.T
        dx2, dh2 = dgx.reshape(-1, G), dgh.reshape(-1, G)
        gwih = x.reshape(-1, n_in).T @ dx2
        gwhh = hs[:seq].reshape(-1, H).T @ dh2
        _sgd([wih, whh, bih, bhh, wo, bo],
             [gwih, gwhh, dx2.sum(0), dh2.sum(0), gwo, gbo], lr)
    return step


# ----------------------------------------------------------------------------- harness
@workload("lstm_step", repeat=20)
def lstm_step(m):
    """LSTM(32, 128) training step: 50 steps of a batch of 32, Linear head, CE, SGD."""
    nn = m.nn
    m.manual_seed(0)
    lstm = nn.LSTM(32, 128)
    head = nn.Linear(128, 10)
    opt = m.optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    x = m.randn(50, 32, 32)
    y = m.randint(0, 10, (32,))

    def step():
        out, _ = lstm(x)
        loss = loss_fn(head(out[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


@workload("gru_step", repeat=20)
def gru_step(m):
    """GRU(32, 128) training step: 50 steps of a batch of 32, Linear head, CE, SGD."""
    nn = m.nn
    m.manual_seed(0)
    gru = nn.GRU(32, 128)
    head = nn.Linear(128, 10)
    opt = m.optim.SGD(list(gru.parameters()) + list(head.parameters()), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    x = m.randn(50, 32, 32)
    y = m.randint(0, 10, (32,))

    def step():
        out, _ = gru(x)
        loss = loss_fn(head(out[-1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


FLOORS = {"simplecnn": ("simplecnn_step", numpy_simplecnn, 10),
          "mlp": ("mlp_step", numpy_mlp, 30),
          "lstm": ("lstm_step", numpy_lstm, 20),
          "gru": ("gru_step", numpy_gru, 20)}


def floor_for(workload_name):
    """The NumPy-floor ``make()`` for a harness workload name (e.g. ``"mlp_step"``)."""
    for wl, make_np, _ in FLOORS.values():
        if wl == workload_name:
            return make_np
    raise KeyError(f"no NumPy floor for {workload_name!r}; floors: {sorted(FLOORS)}")


def main(argv=None):
    import importlib.util
    from .run import bench
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("names", nargs="*", help="simplecnn, mlp, lstm, gru (default: all)")
    ap.add_argument("--threads", type=int, default=None,
                    help="set_num_threads in every worker")
    ap.add_argument("--json", default=None, help="write the rows here")
    args = ap.parse_args(argv)
    libs = ["numpy", "ember"]
    if importlib.util.find_spec("torch") is not None:
        libs.append("torch")
    rows = []
    for name in args.names or list(FLOORS):
        med = {k: v * 1e3 for k, v in bench(FLOORS[name][0], libs, args.threads).items()}
        row = {"workload": name, **{k + "_ms": v for k, v in med.items()},
               "ember/numpy": med["ember"] / med["numpy"]}
        if "torch" in med:
            row["ember/torch"] = med["ember"] / med["torch"]
            row["numpy/torch"] = med["numpy"] / med["torch"]
        rows.append(row)
        tt = f"{med['torch']:8.2f}" if "torch" in med else "       -"
        et = f"{row['ember/torch']:5.2f}" if "torch" in med else "    -"
        print(f"{name:10s} numpy {med['numpy']:8.2f} ms  ember {med['ember']:8.2f} ms  "
              f"torch {tt} ms   ember/numpy {row['ember/numpy']:5.2f}  ember/torch {et}",
              flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"threads": args.threads, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
