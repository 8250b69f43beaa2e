"""Fused recurrent layers: one RNN / LSTM / GRU layer (one direction) as a single op.

The forward loops over time steps in raw array code (NumPy or CuPy through ``xp``); the
backward is a hand-written backpropagation-through-time loop. Sequences are always handled in
the *packed* layout used by ``PackedSequence`` (and cuDNN): ``x`` is ``(N, input_size)`` where
the rows of time step ``t`` are ``x[off[t]:off[t] + batch_sizes[t]]`` and ``batch_sizes`` is
non-increasing. A padded ``(T, B, I)`` input is the special case ``batch_sizes = (B,) * T``.

Speed (RNN, GRU): the input projection of every time step is ONE matmul ``x @ W_ih.T`` before
the loop, each step does ONE matmul ``h @ W_hh.T`` for all gates at once, and the backward
collects the gate gradients of all steps so that ``dW_ih``, ``dW_hh`` and ``dx`` are again one
matmul each. The LSTM goes further; its layout is described above ``_lstm_steps``.

# NOTE: fused, because composing ~15 ember ops per time step costs ~15 graph nodes per step;
# the hand-written BPTT loop is what keeps an LSTM training step within reach of torch.
# The backward is once-differentiable: it runs on raw arrays, so gradients of gradients
# (``create_graph=True`` through an RNN layer) are not recorded. The cells (``nn.LSTMCell``
# ...) are composed from ordinary ops and do support double backward.
"""
import numpy as np

from .._device import get_xp
from ..autograd.function import Function, once_differentiable
from ._common import wrap
from .conv import workspace

__all__ = ["RNNLayer", "rnn_layer"]

_MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")


def _sigmoid(xp, x):
    # 0.5 * tanh(x / 2) + 0.5: no overflow for large |x|, one transcendental call
    return xp.tanh(x * 0.5) * 0.5 + 0.5


def _steps(batch_sizes, reverse):
    """``(start_row, n_rows)`` per time step, in processing order."""
    out = []
    s = 0
    for n in batch_sizes:
        out.append((s, n))
        s += n
    if reverse:
        out.reverse()
    return out


def _mm(xp, a, b):
    return xp.matmul(a, b)


def _flat(a):
    """Rows of a (..., F) array as (N, F) (a padded (T, B, F) sequence is its packed form)."""
    return a if a.ndim == 2 else a.reshape(-1, a.shape[-1])


class RNNLayer(Function):
    """One recurrent layer in one direction over a packed sequence (see the module docstring).

    Inputs: ``x (N, I)`` (or a padded ``(T, B, I)``), ``h0 (B, P)``, ``c0 (B, H)`` or None,
    ``w_ih``, ``w_hh``, ``b_ih``, ``b_hh`` (or None), ``w_hr (P, H)`` or None (LSTM
    projection), then the non-tensor ``mode``, ``batch_sizes`` (tuple of ints) and
    ``reverse`` (bool).
    Outputs: ``(out (N, P) or (T, B, P), h_n (B, P))`` and, for LSTM, ``c_n (B, H)`` third.
    """

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, batch_sizes, reverse):
        xd = _flat(x._data)
        xp = get_xp(xd)
        wih, whh = w_ih._data, w_hh._data
        if mode == "LSTM":
            return _lstm_forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes,
                                 reverse)
        steps = _steps(batch_sizes, reverse)
        h = h0._data.copy()
        n_rows = xd.shape[0]
        dt = xd.dtype
        # NOTE: the per-sequence arrays come from the reusable workspace: fresh multi-MB
        # arrays page-fault on every training step (~15% of an LSTM step). They are handed
        # out again only once nothing (ctx, the caller) references them.
        out = workspace(xp, (n_rows, h.shape[1]), dt)
        hp = workspace(xp, (n_rows, h.shape[1]), dt)  # h_{t-1} of every row (for dW_hh)
        saved = {}
        # input projection of every time step at once (both biases folded in where possible)
        xw = _mm(xp, xd, wih.T)
        if b_ih is not None:
            if mode == "GRU":
                xw += b_ih._data
            else:
                xw += b_ih._data + b_hh._data
        whh_t = xp.ascontiguousarray(whh.T)     # NN-layout GEMM per step
        if mode == "GRU":
            H = whh.shape[0] // 3
            bhh = b_hh._data if b_hh is not None else None
            hwn = xp.empty((n_rows, H), dtype=dt)
            for s, n in steps:
                e = s + n
                hprev = h[:n]
                hp[s:e] = hprev
                hw = _mm(xp, hprev, whh_t)
                if bhh is not None:
                    hw += bhh
                g = xw[s:e]
                g[:, :2 * H] += hw[:, :2 * H]
                g[:, :2 * H] = _sigmoid(xp, g[:, :2 * H])          # r, z
                hwn[s:e] = hw[:, 2 * H:]
                g[:, 2 * H:] = xp.tanh(g[:, 2 * H:] + g[:, :H] * hw[:, 2 * H:])  # n
                z = g[:, H:2 * H]
                hn = g[:, 2 * H:] + z * (hprev - g[:, 2 * H:])   # (1 - z) * n + z * h
                h[:n] = hn
                out[s:e] = hn
            saved.update(act=xw, hwn=hwn)
        else:
            relu = mode == "RNN_RELU"
            for s, n in steps:
                e = s + n
                hprev = h[:n]
                hp[s:e] = hprev
                g = xw[s:e]
                g += _mm(xp, hprev, whh_t)
                if relu:
                    hn = xp.maximum(g, 0)
                else:
                    hn = xp.tanh(g)
                h[:n] = hn
                out[s:e] = hn
            saved["y"] = out.copy()  # the activation's derivative needs the outputs
        ctx.save_for_backward(x, w_ih, w_hh, w_hr)
        ctx.arrays = (hp, saved)
        ctx.meta = (mode, batch_sizes, reverse, b_ih is not None)
        return wrap(out.reshape(x.shape[:-1] + (h.shape[1],)), x._dtype), wrap(h, x._dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, gout, ghn, gcn=None):
        if ctx.meta[0] == "LSTM":
            return _lstm_backward(ctx, gout, ghn, gcn)
        x, w_ih, w_hh, w_hr = ctx.saved_tensors
        hp, saved = ctx.arrays
        mode, batch_sizes, reverse, has_bias = ctx.meta
        (nx, nh0, nc0, nwih, nwhh, nbih, nbhh, nwhr) = ctx.needs_input_grad[:8]
        xd, wih, whh = _flat(x._data), w_ih._data, w_hh._data
        xp = get_xp(xd)
        dt = xd.dtype
        gy = _flat(gout._data)
        dh = ghn._data.astype(dt, copy=True)
        steps = _steps(batch_sizes, not reverse)  # backward runs the other way round
        n_rows = xd.shape[0]
        G = whh.shape[0]
        dgates = xp.empty((n_rows, G), dtype=dt)     # d(pre-activation) of every step
        act = saved.get("act")
        g_whr = dc = None
        if mode == "GRU":
            H = G // 3
            hwn = saved["hwn"]
            dgx = xp.empty((n_rows, G), dtype=dt)    # grads w.r.t. the input projection
            for s, n in steps:
                e = s + n
                dht = dh[:n] + gy[s:e]
                a = act[s:e]
                r, z, nn = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
                hprev = hp[s:e]
                dn = dht * (1 - z) * (1 - nn * nn)
                dx_ = dgx[s:e]
                dx_[:, :H] = dn * hwn[s:e] * r * (1 - r)
                dx_[:, H:2 * H] = dht * (hprev - nn) * z * (1 - z)
                dx_[:, 2 * H:] = dn
                d = dgates[s:e]
                d[:, :2 * H] = dx_[:, :2 * H]
                d[:, 2 * H:] = dn * r
                dh[:n] = dht * z + _mm(xp, d, whh)
            dgh = dgates
        else:
            relu = mode == "RNN_RELU"
            ys = saved["y"]
            for s, n in steps:
                e = s + n
                dht = dh[:n] + gy[s:e]
                d = dgates[s:e]
                y = ys[s:e]
                if relu:
                    d[...] = dht * (y > 0)
                else:
                    d[...] = dht * (1 - y * y)
                dh[:n] = _mm(xp, d, whh)
            dgx = dgh = dgates
        gx = wrap(_mm(xp, dgx, wih).reshape(x.shape), x._dtype) if nx else None
        gwih = wrap(_mm(xp, dgx.T, xd), x._dtype) if nwih else None
        gwhh = wrap(_mm(xp, dgh.T, hp), x._dtype) if nwhh else None
        sx = dgx.sum(0) if (has_bias and (nbih or (nbhh and dgh is dgx))) else None
        gbih = wrap(sx, x._dtype) if (has_bias and nbih) else None
        if has_bias and nbhh:
            gbhh = wrap(sx.copy() if dgh is dgx else dgh.sum(0), x._dtype)
        else:
            gbhh = None
        gh0 = wrap(dh, x._dtype) if nh0 else None
        gc0 = wrap(dc, x._dtype) if (nc0 and dc is not None) else None
        gwhr = wrap(g_whr, x._dtype) if g_whr is not None else None
        return gx, gh0, gc0, gwih, gwhh, gbih, gbhh, gwhr, None, None, None


# ------------------------------------------------------------------------------ LSTM
# How the fused LSTM is laid out (what each choice bought is in docs/performance.md; costs
# below are NumPy + OpenBLAS single-threaded, LSTM(32, 128), batch 32):
#
# * Slot-major arrays: each per-row quantity of a step is its own contiguous (rows, H) slab
#   (``PF[k, s:e]``). NumPy runs an elementwise op over a few such slabs as long contiguous
#   loops; on the gate columns of a (rows, 4H) block (strided 2-D views) it is ~2x slower.
# * Each step is ONE batched matmul ``[h_{t-1} | x_t | 1] @ wu``, ``wu`` of shape (4, K, H)
#   (one weight slab per gate), writing the four gate slabs: the input projection and both
#   biases ride along. The rows ``[h_{t-1} | x_t | 1]`` of all steps are one array ``U``, so
#   the weight gradients [dW_hh | dW_ih | db] are also ONE batched matmul ``dz^T @ U``.
#   With 64-byte aligned slabs OpenBLAS runs the per-gate (32, K) @ (K, 128) products
#   without packing: 27 µs per step for K = 128 instead of 42 µs for one (32,128)@(128,512).
#   The backward step does ``dz (4, n, H) @ wb (4, H, P)`` and sums the four products.
# * Gates are kept in the internal order (o, f, i, g) (torch: i, f, g, o) so that the views
#   below line up; the weights are permuted once per call, their gradients once back.
# * sigmoid(z) = tanh(z / 2) / 2 + 1/2 with the halving folded into the weights (exact, a
#   power of two): ONE tanh per step covers all four gates.
# * ``Y`` = [o, f, i, g, c_prev, tanh(c)] is per-step scratch (two blocks in turn, c_t goes
#   into the other block's c_prev slot), so it stays in cache. With c_prev next to g, the
#   cell update's products (f * c_prev, i * g) are ONE call on ``Y[1:3]`` x ``Y[4:2:-1]``,
#   and the backward multipliers (tanh(c), c_prev, g, i) of (o, f, i, g) are ``Y[5:1:-1]``.
# * A training forward stores ``PF`` = [o*(1-tanh(c)^2), K_o, K_f, K_i, K_g, f] per row, K
#   turning dh (o) or dc (f, i, g) into the gradient of that gate's pre-activation, while
#   the step's data is hot. A backward step is then three elementwise calls (in place on PF,
#   which thereby becomes [., dz_o, dz_f, dz_i, dz_g, dc_{t-1}]) and the matmul.
# * Equal batch sizes (every padded input) copy no state per step: h_{t-1} is read from the
#   U row block the step before wrote. Packed batches that shrink keep running (B, H) states.

_GATE_PERM = (3, 1, 0, 2)   # internal gate k is torch gate _GATE_PERM[k]  (o, f, i, g)
_GATE_INV = (2, 1, 3, 0)    # torch gate j is internal gate _GATE_INV[j]


def _aligned(xp, shape, dt):
    """Uninitialised scratch (see ``workspace``) whose data starts on a 64-byte boundary.

    NOTE: OpenBLAS's small-matrix sgemm path ran the LSTM's per-step products ~1.5x faster
    with a 64-byte aligned weight operand; NumPy only guarantees 16 bytes.
    """
    if xp is not np:
        return xp.empty(shape, dtype=dt)
    n = 1
    for d in shape:
        n *= d
    pad = 64 // np.dtype(dt).itemsize
    buf = workspace(xp, (n + pad,), dt)
    off = (-buf.__array_interface__["data"][0] % 64) // buf.itemsize
    return buf[off:off + n].reshape(shape)


def _gates(w, H):
    """A (4H, ...) LSTM parameter as (4, H, ...) in the internal gate order (a new array)."""
    return w.reshape((4, H) + w.shape[1:])[list(_GATE_PERM)]


def _sum0(xp, a, out=None):
    """``a.sum(0)``; NumPy's ufunc reduce directly (a few µs less per call than ``sum``)."""
    return xp.add.reduce(a, axis=0, out=out) if xp is np else xp.sum(a, axis=0, out=out)


def _torch_gates(xp, g4):
    """Inverse of :func:`_gates` for a (4, H, ...) gradient: a new (4H, ...) array."""
    out = xp.empty(g4.shape, dtype=g4.dtype)
    xp.take(g4, list(_GATE_INV), axis=0, out=out)
    return out.reshape((g4.shape[0] * g4.shape[1],) + g4.shape[2:])


def _lstm_plan(batch_sizes, reverse, uniform):
    """Per processed step: (row start, rows, state rows start, next state rows start)."""
    plan = []
    s = 0
    B = batch_sizes[0] if batch_sizes else 0
    for t, n in enumerate(batch_sizes):
        if uniform:    # T + 1 blocks of B state rows; the extra one holds h_0/c_0 or h_n/c_n
            ys, yn = ((t + 1) * B, t * B) if reverse else (t * B, (t + 1) * B)
        else:
            ys = yn = s
        plan.append((s, n, ys, yn))
        s += n
    if reverse:
        plan.reverse()
    return plan


def _lstm_steps(xp, U, wu, whr_t, h0, c0, batch_sizes, reverse, uniform, PF, mb):
    """The forward time loop. ``U`` holds [. | x_t | 1] in its rows and gets h_{t-1} written
    into its first P columns; ``PF`` (or None) receives the backward factors, ``mb`` (or
    None) the pre-projection hidden states. Returns ``(out (N, P), h_n, c_n)``."""
    mul, add, sub, tanh, mm = xp.multiply, xp.add, xp.subtract, xp.tanh, xp.matmul
    dt = U.dtype
    B, P = h0.shape
    H = wu.shape[2]
    n_rows = sum(batch_sizes)
    T = len(batch_sizes)
    train = PF is not None
    proj = whr_t is not None
    HS = U[:, :P]
    # Y is scratch for the step being computed (two blocks used in turn: c_t goes into the
    # c_prev slot of the other block), so it stays in cache; what backward needs goes to PF
    Y = _aligned(xp, (6, 2 * B, H), dt)       # o, f, i, g, c_prev, tanh(c)
    Ya, Ysig, Yo, Yc, Ytc = Y[:4], Y[:3], Y[0], Y[4], Y[5]
    Yfi, Ycg, Ymul, Yf = Y[1:3], Y[4:2:-1], Y[5:1:-1], Y[1]
    if train:
        PR, P0, PFf = PF[1:5], PF[0], PF[5]
        rsub = xp.ones((4, 1, 1), dtype=dt)
        rsub[:3] = 0.25    # sigmoid'(z) = 1/4 - (tanh(z/2)/2)^2;  tanh'(z) = 1 - tanh(z)^2
    if uniform:
        first = T * B if reverse else 0    # rows of h_0 (h_n ends up at the other end)
        last = 0 if reverse else T * B
        HS[first:first + B] = h0
        Yc[:B] = c0
    else:
        h_run = h0.copy()
        c_run = c0.copy()
    # the output has its own contiguous buffer (U's rows are [h | x | 1]), so in-place
    # changes to it cannot reach the h_{t-1} kept for backward either
    out = workspace(xp, (n_rows, P), dt)
    pair = xp.empty((2, B, H), dtype=dt)
    yb = 0
    for s, n, us, un in _lstm_plan(batch_sizes, reverse, uniform):
        e, ye = s + n, yb + n
        hnew = out[s:e]
        if uniform:
            yn = B - yb
            cnew = Yc[yn:yn + n]
            yb = yn
        else:
            Yc[:n] = c_run[:n]
            HS[s:e] = h_run[:n]
            cnew = c_run[:n]
        a = Ya[:, ye - n:ye]
        mm(U[us:us + n], wu, out=a)
        tanh(a, out=a)                     # o, f, i: tanh(z/2); g: tanh(z)
        sg = Ysig[:, ye - n:ye]
        mul(sg, 0.5, out=sg)
        if train:
            r = PR[:, s:e]
            mul(a, a, out=r)
            sub(rsub, r, out=r)            # the activations' derivatives
        add(sg, 0.5, out=sg)               # o, f, i: sigmoid(z)
        pr = mul(Yfi[:, ye - n:ye], Ycg[:, ye - n:ye], out=pair[:, :n])   # f*c_prev, i*g
        add(pr[0], pr[1], out=cnew)
        tc = Ytc[ye - n:ye]
        tanh(cnew, out=tc)
        o = Yo[ye - n:ye]
        if proj:
            m = mb[s:e]
            mul(o, tc, out=m)
            mm(m, whr_t, out=hnew)
        else:
            m = mul(o, tc, out=hnew)
        if train:
            mul(r, Ymul[:, ye - n:ye], out=r)  # K_o=o'*tc, K_f=f'*c_prev, K_i=i'*g, K_g=g'*i
            p0 = P0[s:e]
            mul(m, tc, out=p0)
            sub(o, p0, out=p0)             # o * (1 - tc^2) = o - (o * tc) * tc
            PFf[s:e] = Yf[ye - n:ye]
        if uniform:
            HS[un:un + n] = hnew
        else:
            h_run[:n] = hnew
    if not uniform:
        return out, h_run, c_run
    return out, HS[last:last + B].copy(), Yc[yb:yb + B].copy()


def _lstm_forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes, reverse):
    xd = _flat(x._data)
    xp = get_xp(xd)
    dt = xd.dtype
    n_rows, I = xd.shape
    whh, wih = w_hh._data, w_ih._data
    G, P = whh.shape                          # P = proj_size or H
    H = G // 4
    B = h0._data.shape[0]
    train = True in ctx.needs_input_grad[:8]
    uniform = all(n == B for n in batch_sizes)
    has_b = b_ih is not None
    # every step is ONE batched matmul [h_{t-1} | x_t | 1] @ wu -> the four gate slabs:
    # the input projection and both biases ride along (no separate pass over the gates)
    K = P + I + (1 if has_b else 0)
    wu = _aligned(xp, (4, K, H), dt)
    if has_b:
        bias = b_ih._data + b_hh._data
    for k, j in enumerate(_GATE_PERM):
        sc = 0.5 if k < 3 else 1.0            # o, f, i: sigmoid via tanh(z / 2)
        rows = slice(j * H, (j + 1) * H)
        xp.multiply(whh[rows].T, sc, out=wu[k, :P])
        xp.multiply(wih[rows].T, sc, out=wu[k, P:P + I])
        if has_b:
            xp.multiply(bias[rows], sc, out=wu[k, P + I])
    whr_t = xp.ascontiguousarray(w_hr._data.T) if w_hr is not None else None
    # rows of U: [h_{t-1} | x_t | 1] for every step (uniform: T + 1 blocks of B rows)
    U = _aligned(xp, (n_rows + B if uniform else n_rows, K), dt)
    x0 = B if (uniform and reverse) else 0    # first row of x in U
    U[x0:x0 + n_rows, P:P + I] = xd
    if has_b:
        U[:, P + I] = 1
    PF = workspace(xp, (6, n_rows, H), dt) if train else None
    mb = workspace(xp, (n_rows, H), dt) if w_hr is not None else None
    h0d, c0d = h0._data, c0._data
    out, h_n, c_n = _lstm_steps(xp, U, wu, whr_t, h0d, c0d, batch_sizes, reverse, uniform,
                                PF, mb)
    outs = (wrap(out.reshape(x.shape[:-1] + (P,)), x._dtype), wrap(h_n, x._dtype),
            wrap(c_n, x._dtype))
    if train:
        ctx.save_for_backward(x, w_ih, w_hh, w_hr)
        # NOTE: backward turns PF into the gate gradients in place (no second 5 MB buffer
        # for an LSTM(32, 128) x 50 x 32). A second backward (retain_graph=True) finds it
        # spent and recomputes it from what is kept here (the copies of h_0 and c_0, U, wu).
        ctx.arrays = [U, x0, wu, whr_t, h0d.copy(), c0d.copy(), PF, mb, uniform]
    ctx.meta = ("LSTM", batch_sizes, reverse, has_b)
    return outs


def _lstm_backward(ctx, gout, ghn, gcn):
    x, w_ih, w_hh, w_hr = ctx.saved_tensors
    U, x0, wu, whr_t, h0d, c0d, PF, mb, uniform = ctx.arrays
    _, batch_sizes, reverse, has_b = ctx.meta
    (nx, nh0, nc0, nwih, nwhh, nbih, nbhh, nwhr) = ctx.needs_input_grad[:8]
    xd, whh = _flat(x._data), w_hh._data
    xp = get_xp(xd)
    dt = xd.dtype
    n_rows, I = xd.shape
    G, P = whh.shape
    H = G // 4
    if PF is None:                            # spent by an earlier backward: recompute
        PF = workspace(xp, (6, n_rows, H), dt)
        _lstm_steps(xp, U, wu, whr_t, h0d, c0d, batch_sizes, reverse, uniform, PF, mb)
    ctx.arrays[6] = None
    U = U[x0:x0 + n_rows]                     # rows [h_{t-1} | x_t | 1] of every step
    mul, add, mm = xp.multiply, xp.add, xp.matmul
    gy = _flat(gout._data)
    dh = ghn._data.astype(dt, copy=True)
    dc = gcn._data.astype(dt, copy=True)
    B = dh.shape[0]
    wb = _aligned(xp, (4, H, P), dt)
    for k, j in enumerate(_GATE_PERM):         # dh_{t-1} = sum_k dz[k] @ wb[k]
        wb[k] = whh[j * H:(j + 1) * H]
    # PF per row: [o*(1-tc^2), K_o, K_f, K_i, K_g, f] becomes, in place,
    # [dh*o*(1-tc^2), dz_o, dz_f, dz_i, dz_g, dc_t*f]: the gradients of the gates'
    # pre-activations and the cell gradient carried to the step before
    dz = PF[1:5]
    P01, P25, P0, P5 = PF[0:2], PF[2:], PF[0], PF[5]
    prod = _aligned(xp, (4, B, P), dt)
    proj = w_hr is not None
    if proj:
        whr = w_hr._data
        dhs = xp.empty((n_rows, P), dtype=dt)
        dhm = xp.empty((B, H), dtype=dt)
    dht_buf = xp.empty((B, P), dtype=dt)
    dct = xp.empty((B, H), dtype=dt)
    carry = dc                                   # dc_t before adding this step's dh part
    # steps whose output gradient is all zero (e.g. only the last output feeds the loss)
    # skip adding it: one pass over gy instead of one call per step
    gy_nz = None
    if uniform and n_rows:
        gy_nz = (gy.reshape(len(batch_sizes), -1) != 0).any(1).tolist()
    for s, n, _, _ in reversed(_lstm_plan(batch_sizes, reverse, uniform)):
        e = s + n
        if gy_nz is not None and not gy_nz[s // n]:
            dht = dh[:n]
        else:
            dht = add(dh[:n], gy[s:e], out=dht_buf[:n])
        if proj:
            dhs[s:e] = dht
            dht = mm(dht, whr, out=dhm[:n])
        p = P01[:, s:e]
        mul(p, dht, out=p)                       # dh * o * (1 - tc^2), dz_o
        dcn = add(carry[:n], P0[s:e], out=dct[:n])  # dc_t
        p = P25[:, s:e]
        mul(p, dcn, out=p)                       # dz_f, dz_i, dz_g, dc_t * f
        if uniform:
            carry = P5[s:e]
        else:                  # rows of sequences that end earlier keep their incoming dc
            dc[:n] = P5[s:e]
        pk = mm(dz[:, s:e], wb, out=prod[:, :n])
        _sum0(xp, pk, out=dh[:n])
    if uniform:
        dc = carry.copy()
    wrap_ = x._dtype
    gx = gwhh = gwih = gbih = gbhh = None
    if nx:
        gx = _sum0(xp, mm(dz, _gates(w_ih._data, H)))
        gx = wrap(gx.reshape(x.shape), wrap_)
    if nwhh or nwih or (has_b and (nbih or nbhh)):
        gu = _torch_gates(xp, mm(dz.transpose(0, 2, 1), U))   # (4H, K): [dW_hh | dW_ih | db]
        if nwhh:
            gwhh = wrap(gu[:, :P].copy(), wrap_)
        if nwih:
            gwih = wrap(gu[:, P:P + I].copy(), wrap_)
        if has_b and nbih:
            gbih = wrap(gu[:, P + I].copy(), wrap_)
        if has_b and nbhh:
            gbhh = wrap(gu[:, P + I].copy(), wrap_)
    gwhr = wrap(mm(dhs.T, mb), wrap_) if (proj and nwhr) else None
    gh0 = wrap(dh, wrap_) if nh0 else None
    gc0 = wrap(dc, wrap_) if nc0 else None
    return gx, gh0, gc0, gwih, gwhh, gbih, gbhh, gwhr, None, None, None


def rnn_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, batch_sizes, reverse=False):
    """Run one fused recurrent layer; see :class:`RNNLayer`. Returns ``(out, h_n[, c_n])``.

    Args:
        x (Tensor): packed rows ``(N, input_size)``, or a padded ``(T, B, input_size)``
            (then ``out`` is ``(T, B, P)``).
        h0 (Tensor): ``(B, P)`` initial hidden state; ``c0`` ``(B, H)`` (LSTM) or None.
        w_ih, w_hh, b_ih, b_hh, w_hr: the layer's parameters (biases / w_hr may be None).
        mode (str): ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'``.
        batch_sizes (sequence of int): rows per time step (non-increasing).
        reverse (bool): run from the last time step to the first.

    Example::

        >>> from ember.ops.rnn_ops import rnn_layer
        >>> lstm = ember.nn.LSTM(3, 4)
        >>> x = ember.randn(5 * 2, 3)                      # 5 steps of a batch of 2
        >>> out, h, c = rnn_layer(x, ember.zeros(2, 4), ember.zeros(2, 4), lstm.weight_ih_l0,
        ...                       lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, None,
        ...                       "LSTM", (2,) * 5)
        >>> out.shape, h.shape
        (torch.Size([10, 4]), torch.Size([2, 4]))
    """
    if mode not in _MODES:
        raise ValueError("Unrecognized RNN mode: " + str(mode))
    return RNNLayer.apply(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode,
                          tuple(int(b) for b in batch_sizes), bool(reverse))
