"""Fused recurrent layers: one RNN / LSTM / GRU layer (one direction) as a single op.

The forward loops over time steps in raw array code (NumPy or CuPy through ``xp``); the
backward is a hand-written backpropagation-through-time loop. Sequences are always handled in
the *packed* layout used by ``PackedSequence`` (and cuDNN): ``x`` is ``(N, input_size)`` where
the rows of time step ``t`` are ``x[off[t]:off[t] + batch_sizes[t]]`` and ``batch_sizes`` is
non-increasing. A padded ``(T, B, I)`` input is the special case ``batch_sizes = (B,) * T``.

Speed: all three kinds share one layout (described above ``_lstm_steps``; what each choice
bought is in ``docs/performance.md``): the rows ``[h_{t-1} | x_t | 1]`` of every step are one
array ``U`` and each step is ONE batched matmul of its rows against per-gate, 64-byte aligned
weight slabs (input projection and biases ride along); every per-row quantity is a
contiguous slab; the forward writes per-row backward factors while the step's data is in
cache, so a backward step is a matmul and one to four elementwise calls (in place on the
factors); the weight gradients are one batched ``dz^T @ U`` after the loop.

# NOTE: fused, because composing ~15 ember ops per time step costs ~15 graph nodes per step;
# the hand-written BPTT loop is what keeps an LSTM training step within reach of torch.
# The backward is once-differentiable: it runs on raw arrays, so gradients of gradients
# (``create_graph=True`` through an RNN layer) are not recorded. The cells (``nn.LSTMCell``
# ...) are composed from ordinary ops and do support double backward.
"""
import numpy as np

from .. import _parallel
from .._device import get_xp
from ..autograd.function import Function, once_differentiable
from ._common import wrap
from .conv import workspace

__all__ = ["RNNLayer", "rnn_layer"]

_MODES = ("RNN_TANH", "RNN_RELU", "LSTM", "GRU")


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
        if mode == "LSTM":
            return _lstm_forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, batch_sizes,
                                 reverse)
        return _gru_rnn_forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mode, batch_sizes,
                                reverse)

    @staticmethod
    @once_differentiable
    def backward(ctx, gout, ghn, gcn=None):
        if ctx.meta[0] == "LSTM":
            return _lstm_backward(ctx, gout, ghn, gcn)
        return _gru_rnn_backward(ctx, gout, ghn)


# ------------------------------------------------------------------------------ shared
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


def _sum0(xp, a, out=None):
    """``a.sum(0)``; NumPy's ufunc reduce directly (a few µs less per call than ``sum``)."""
    return xp.add.reduce(a, axis=0, out=out) if xp is np else xp.sum(a, axis=0, out=out)


def _big_mm(xp, a, b):
    """``a @ b`` for the products over all time steps after the loop (weight and input
    gradients): split over ember's threads when its pool runs (NumPy; see
    ``_parallel.matmul``), else BLAS's own threads do it."""
    return _parallel.matmul(a, b) if xp is np else xp.matmul(a, b)


def _gates(w, H, perm):
    """A (G*H, ...) parameter as (len(perm), H, ...): slab k is torch gate ``perm[k]``."""
    return w.reshape((w.shape[0] // H, H) + w.shape[1:])[list(perm)]


def _torch_gates(xp, g4, inv):
    """Inverse of :func:`_gates` (``inv[j]`` = slab of torch gate j): a new (G*H, ...) array."""
    out = xp.empty((len(inv),) + g4.shape[1:], dtype=g4.dtype)
    xp.take(g4, list(inv), axis=0, out=out)
    return out.reshape((out.shape[0] * out.shape[1],) + out.shape[2:])


def _plan(batch_sizes, reverse, uniform):
    """Per processed step: (row start, rows, state rows start, next state rows start).

    The state rows are the rows of ``U`` (see :func:`_rows_u`) that hold h_{t-1} for the
    step and receive h_t for the next one."""
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


def _rows_u(xp, xd, B, P, has_b, uniform, reverse):
    """``U`` with rows ``[. | x_t | 1]`` (the first P columns get h_{t-1} in the loop) and
    the first row of x in it. Equal batch sizes: T + 1 blocks of B rows, so each step writes
    h_t straight into the next step's rows and the extra block holds h_0 (or h_n)."""
    n_rows, I = xd.shape
    K = P + I + (1 if has_b else 0)
    U = _aligned(xp, (n_rows + B if uniform else n_rows, K), xd.dtype)
    x0 = B if (uniform and reverse) else 0    # first row of x in U
    U[x0:x0 + n_rows, P:P + I] = xd
    if has_b:
        U[:, P + I] = 1
    return U, x0


def _slab_weights(xp, whh, wih, bias, H, slabs, dt):
    """The per-gate weights of ``U``'s rows: (len(slabs), K, H), 64-byte aligned, slab k =
    ``sc * [W_hh[j]^T; W_ih[j]^T; bias[j]]`` for ``(j, sc, with_x) = slabs[k]`` (j a torch
    gate; ``with_x=False``: zeros instead of W_ih, i.e. the hidden part alone)."""
    P, I = whh.shape[1], wih.shape[1]
    K = P + I + (0 if bias is None else 1)
    wu = _aligned(xp, (len(slabs), K, H), dt)
    for k, (j, sc, with_x) in enumerate(slabs):
        rows = slice(j * H, (j + 1) * H)
        xp.multiply(whh[rows].T, sc, out=wu[k, :P])
        if with_x:
            xp.multiply(wih[rows].T, sc, out=wu[k, P:P + I])
        else:
            wu[k, P:P + I] = 0
        if bias is not None:
            xp.multiply(bias[rows], sc, out=wu[k, P + I])
    return wu


def _hidden_slabs(xp, whh, H, perm):
    """``W_hh`` as aligned (len(perm), H, P) slabs (torch gate ``perm[k]`` in slab k): the
    backward step's ``dh_{t-1} = sum_k dz[k] @ wb[k]``."""
    wb = _aligned(xp, (len(perm), H, whh.shape[1]), whh.dtype)
    for k, j in enumerate(perm):
        wb[k] = whh[j * H:(j + 1) * H]
    return wb


def _gy_nonzero(gy, batch_sizes, uniform):
    """Per time step (uniform batches): whether its output gradient has a nonzero, or None.
    Steps whose output gradient is all zero (e.g. only the last output feeds the loss) skip
    adding it: one pass over gy instead of one call per step."""
    if uniform and gy.shape[0]:
        return (gy.reshape(len(batch_sizes), -1) != 0).any(1).tolist()
    return None


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
    for s, n, us, un in _plan(batch_sizes, reverse, uniform):
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
    # the input projection and both biases ride along (no separate pass over the gates);
    # o, f, i are halved: sigmoid via tanh(z / 2)
    bias = b_ih._data + b_hh._data if has_b else None
    wu = _slab_weights(xp, whh, wih, bias, H,
                       [(j, 0.5 if k < 3 else 1.0, True) for k, j in enumerate(_GATE_PERM)],
                       dt)
    whr_t = xp.ascontiguousarray(w_hr._data.T) if w_hr is not None else None
    # rows of U: [h_{t-1} | x_t | 1] for every step (uniform: T + 1 blocks of B rows)
    U, x0 = _rows_u(xp, xd, B, P, has_b, uniform, reverse)
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
    wb = _hidden_slabs(xp, whh, H, _GATE_PERM)    # dh_{t-1} = sum_k dz[k] @ wb[k]
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
    gy_nz = _gy_nonzero(gy, batch_sizes, uniform)
    for s, n, _, _ in reversed(_plan(batch_sizes, reverse, uniform)):
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
        gx = _sum0(xp, _big_mm(xp, dz, _gates(w_ih._data, H, _GATE_PERM)))
        gx = wrap(gx.reshape(x.shape), wrap_)
    if nwhh or nwih or (has_b and (nbih or nbhh)):
        # (4H, K): [dW_hh | dW_ih | db]
        gu = _torch_gates(xp, _big_mm(xp, dz.transpose(0, 2, 1), U), _GATE_INV)
        if nwhh:
            gwhh = wrap(gu[:, :P].copy(), wrap_)
        if nwih:
            gwih = wrap(gu[:, P:P + I].copy(), wrap_)
        if has_b and nbih:
            gbih = wrap(gu[:, P + I].copy(), wrap_)
        if has_b and nbhh:
            gbhh = wrap(gu[:, P + I].copy(), wrap_)
    gwhr = wrap(_big_mm(xp, dhs.T, mb), wrap_) if (proj and nwhr) else None
    gh0 = wrap(dh, wrap_) if nh0 else None
    gc0 = wrap(dc, wrap_) if nc0 else None
    return gx, gh0, gc0, gwih, gwhh, gbih, gbhh, gwhr, None, None, None


# ------------------------------------------------------------------------------ GRU, RNN
# The GRU (torch's formulation, gates r, z, n):
#     r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
#     n = tanh(W_in x + b_in + r * (W_hn h + b_hn))      h' = (1 - z) * n + z * h
# runs on the LSTM's layout. The hidden part of n is multiplied by r, so it cannot share a
# product with the input part:
#
# * The step's matmul ``[h_{t-1} | x_t | 1] @ wu``, ``wu`` (3, K, H), writes the slabs
#   (z, r, nh): z and r with both biases and halved (sigmoid via tanh(z / 2), as the LSTM);
#   ``nh = W_hn h + b_hn`` has zeros in its x rows. The input part of n, ``XN = [x | 1] @
#   [W_in^T; b_in]``, is ONE matmul over all rows before the loop.
# * ``Y`` = [n, tanh(z/2)/2, tanh(r/2)/2, nh, h_{t-1} - n] is per-step scratch. The sigmoids
#   go straight into the factor slabs that keep them, ``(1 - n^2, z', r')`` is one
#   multiply + one subtract on ``Y[0:3]`` (z' = 1/4 - (tanh(z/2)/2)^2), and ``Y[4:2:-1]``
#   = (h - n, nh) are the multipliers that turn (z', r') into K_z and r' * nh.
# * A training forward stores ``PF`` = [K_n, K_z, K_r, K_nh, z] per row with
#   K_n = (1 - z)(1 - n^2), K_z = z'(h - n), K_r = K_n r' nh, K_nh = K_n r: ONE multiply by
#   dh turns it, in place, into [dn_pre, dz_z, dz_r, d(nh), dh z] (dn_pre is also the
#   gradient of XN). The backward step is that multiply, ``PF[1:4] (3, n, H) @ wb (3, H,
#   H)``, the sum over the three products and the add of dh z.
# * After the loop: [dW_hz | dW_iz | db_z], [dW_hr | dW_ir | db_r] and [dW_hn | . | db_hn]
#   are one batched ``PF[1:4]^T @ U``; [dW_in | db_in] is ``dn_pre^T @ [x | 1]``; dx is one
#   batched ``PF[0:3] @ W_ih`` slabs summed.
#
# The vanilla RNN is the one-gate case: ``h' = act([h | x | 1] @ [W_hh^T; W_ih^T; b])``
# per step, PF = act'(.) (1 - h'^2 or h' > 0), a backward step is ``(dh * PF) @ W_hh``.

_GRU_U = ((1, 0.5, True), (0, 0.5, True), (2, 1.0, False))  # step matmul slabs z, r, nh
_GRU_WB = (1, 0, 2)     # PF[1:4] (dz_z, dz_r, d(nh)) times these W_hh gates: dh_{t-1}
_GRU_WI = (2, 1, 0)     # PF[0:3] (dn_pre, dz_z, dz_r) times these W_ih gates: dx
_RNN_U = ((0, 1.0, True),)


def _gru_steps(xp, U, wu, XN, h0, batch_sizes, reverse, uniform, PF):
    """The GRU forward time loop (layout: the comment above). ``U`` gets h_{t-1} written
    into its first H columns; ``PF`` (or None) receives the backward factors.
    Returns ``(out (N, H), h_n)``."""
    mul, add, sub, tanh, mm = xp.multiply, xp.add, xp.subtract, xp.tanh, xp.matmul
    dt = U.dtype
    B, H = h0.shape
    n_rows = sum(batch_sizes)
    T = len(batch_sizes)
    train = PF is not None
    HS = U[:, :H]
    Y = _aligned(xp, (5, B, H), dt)         # n, tanh(z/2)/2, tanh(r/2)/2, nh, h_{t-1} - n
    omz = xp.empty((B, H), dtype=dt)
    if train:
        rsub = xp.full((3, 1, 1), 0.25, dtype=dt)
        rsub[0] = 1
        Fd, Fkn, Fkz, Fkr, Frz, Fr, Fz = PF[0:3], PF[0], PF[1:3], PF[2:4], PF[3:5], PF[3], PF[4]
    else:
        Q = xp.empty((2, B, H), dtype=dt)    # r, z
    if uniform:
        first = T * B if reverse else 0      # rows of h_0 in U
        HS[first:first + B] = h0
        hprev = h0
    else:
        h_run = h0.copy()
    out = workspace(xp, (n_rows, H), dt)
    nv = -1
    for s, n, us, un in _plan(batch_sizes, reverse, uniform):
        e = s + n
        if n != nv:     # views of the step scratch, made again only when the batch shrinks
            nv = n
            Yg, Ysg, Yrz, Yn, Ynh, Yd = (Y[1:4, :n], Y[1:3, :n], Y[2:0:-1, :n], Y[0, :n],
                                         Y[3, :n], Y[4, :n])
            Y03, Yz, Ydnh, omzn = Y[0:3, :n], Y[1, :n], Y[4:2:-1, :n], omz[:n]
            if not train:
                rz, r, z = Q[:, :n], Q[0, :n], Q[1, :n]
        hnew = out[s:e]
        if uniform:
            hp = hprev
        else:
            hp = h_run[:n]
            HS[s:e] = hp
        mm(U[us:us + n], wu, out=Yg)                 # z/2, r/2, nh
        tanh(Ysg, out=Ysg)
        mul(Ysg, 0.5, out=Ysg)
        if train:
            rz, r, z = Frz[:, s:e], Fr[s:e], Fz[s:e]
        add(Yrz, 0.5, out=rz)                        # r, z (sigmoids)
        mul(r, Ynh, out=Yn)
        add(Yn, XN[s:e], out=Yn)
        tanh(Yn, out=Yn)                             # n
        sub(hp, Yn, out=Yd)
        mul(z, Yd, out=hnew)
        add(hnew, Yn, out=hnew)                      # h' = n + z * (h - n)
        if train:
            D = Fd[:, s:e]
            mul(Y03, Y03, out=D)
            sub(rsub, D, out=D)                      # 1 - n^2, z', r'
            sub(0.5, Yz, out=omzn)                   # 1 - z
            kn = mul(Fkn[s:e], omzn, out=Fkn[s:e])   # K_n
            p = Fkz[:, s:e]
            mul(p, Ydnh, out=p)                      # K_z = z' (h - n), r' nh
            p = Fkr[:, s:e]
            mul(p, kn, out=p)                        # K_r, K_nh
        if uniform:
            HS[un:un + n] = hnew
            hprev = hnew
        else:
            h_run[:n] = hnew
    if not uniform:
        return out, h_run
    return out, hprev.copy()


def _rnn_steps(xp, U, w, h0, batch_sizes, reverse, uniform, PF, relu):
    """The vanilla RNN forward time loop; ``w`` (K, H) is ``[W_hh^T; W_ih^T; b]``, ``PF``
    (or None) receives act'(.) per row. Returns ``(out (N, H), h_n)``."""
    mul, sub, mm = xp.multiply, xp.subtract, xp.matmul
    B, H = h0.shape
    n_rows = sum(batch_sizes)
    T = len(batch_sizes)
    HS = U[:, :H]
    if uniform:
        first = T * B if reverse else 0
        HS[first:first + B] = h0
        hnew = h0
    else:
        h_run = h0.copy()
    out = workspace(xp, (n_rows, H), U.dtype)
    for s, n, us, un in _plan(batch_sizes, reverse, uniform):
        e = s + n
        if not uniform:
            HS[s:e] = h_run[:n]
        hnew = mm(U[us:us + n], w, out=out[s:e])
        if relu:
            xp.maximum(hnew, 0, out=hnew)
        else:
            xp.tanh(hnew, out=hnew)
        if PF is not None:
            f = PF[0, s:e]
            if relu:
                xp.greater(hnew, 0, out=f)
            else:
                mul(hnew, hnew, out=f)
                sub(1, f, out=f)                      # 1 - h'^2
        if uniform:
            HS[un:un + n] = hnew
        else:
            h_run[:n] = hnew
    if not uniform:
        return out, h_run
    return out, hnew.copy()


def _gru_rnn_run(xp, arrays, mode, batch_sizes, reverse, PF):
    U, _, wu, XN, h0d, _, uniform = arrays
    if mode == "GRU":
        return _gru_steps(xp, U, wu, XN, h0d, batch_sizes, reverse, uniform, PF)
    return _rnn_steps(xp, U, wu[0], h0d, batch_sizes, reverse, uniform, PF,
                      mode == "RNN_RELU")


def _gru_rnn_forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, mode, batch_sizes, reverse):
    xd = _flat(x._data)
    xp = get_xp(xd)
    dt = xd.dtype
    n_rows, I = xd.shape
    whh, wih = w_hh._data, w_ih._data
    H = whh.shape[1]
    h0d = h0._data
    B = h0d.shape[0]
    train = True in ctx.needs_input_grad[:8]
    uniform = all(n == B for n in batch_sizes)
    has_b = b_ih is not None
    U, x0 = _rows_u(xp, xd, B, H, has_b, uniform, reverse)
    gru = mode == "GRU"
    if gru:
        bias = None
        if has_b:
            bih, bhh = b_ih._data, b_hh._data
            bias = xp.concatenate([bih[:2 * H] + bhh[:2 * H], bhh[2 * H:]])
        wu = _slab_weights(xp, whh, wih, bias, H, _GRU_U, dt)
        win = xp.empty((I + (1 if has_b else 0), H), dtype=dt)   # [W_in^T; b_in]
        win[:I] = wih[2 * H:].T
        if has_b:
            win[I] = bih[2 * H:]
        XN = workspace(xp, (n_rows, H), dt)
        xp.matmul(U[x0:x0 + n_rows, H:], win, out=XN)
    else:
        bias = b_ih._data + b_hh._data if has_b else None
        wu = _slab_weights(xp, whh, wih, bias, H, _RNN_U, dt)
        XN = None
    PF = workspace(xp, (5 if gru else 1, n_rows, H), dt) if train else None
    arrays = [U, x0, wu, XN, h0d, PF, uniform]
    out, h_n = _gru_rnn_run(xp, arrays, mode, batch_sizes, reverse, PF)
    if train:
        ctx.save_for_backward(x, w_ih, w_hh)
        # NOTE: backward turns PF into the gate gradients in place; a second backward
        # (retain_graph=True) finds it spent and recomputes it (from a copy of h_0).
        arrays[4] = h0d.copy()
        ctx.arrays = arrays
    ctx.meta = (mode, batch_sizes, reverse, has_b)
    return wrap(out.reshape(x.shape[:-1] + (H,)), x._dtype), wrap(h_n, x._dtype)


def _gru_rnn_backward(ctx, gout, ghn):
    x, w_ih, w_hh = ctx.saved_tensors
    U, x0, wu, XN, h0d, PF, uniform = ctx.arrays
    mode, batch_sizes, reverse, has_b = ctx.meta
    (nx, nh0, _, nwih, nwhh, nbih, nbhh) = ctx.needs_input_grad[:7]
    xd, whh, wih = _flat(x._data), w_hh._data, w_ih._data
    xp = get_xp(xd)
    dt = xd.dtype
    n_rows, I = xd.shape
    H = whh.shape[1]
    gru = mode == "GRU"
    if PF is None:                            # spent by an earlier backward: recompute
        PF = workspace(xp, (5 if gru else 1, n_rows, H), dt)
        _gru_rnn_run(xp, ctx.arrays, mode, batch_sizes, reverse, PF)
    ctx.arrays[5] = None
    U = U[x0:x0 + n_rows]                     # rows [h_{t-1} | x_t | 1] of every step
    mul, add, mm = xp.multiply, xp.add, xp.matmul
    gy = _flat(gout._data)
    dh = ghn._data.astype(dt, copy=True)
    B = dh.shape[0]
    dht_buf = xp.empty((B, H), dtype=dt)
    gy_nz = _gy_nonzero(gy, batch_sizes, uniform)
    if gru:
        wb = _hidden_slabs(xp, whh, H, _GRU_WB)
        prod = _aligned(xp, (3, B, H), dt)
    else:
        wb = _hidden_slabs(xp, whh, H, (0,))[0]
    for s, n, _, _ in reversed(_plan(batch_sizes, reverse, uniform)):
        e = s + n
        if gy_nz is not None and not gy_nz[s // n]:
            dht = dh[:n]
        else:
            dht = add(dh[:n], gy[s:e], out=dht_buf[:n])
        if gru:
            F = PF[:, s:e]
            mul(F, dht, out=F)                # dn_pre, dz_z, dz_r, d(nh), dh * z
            pk = mm(F[1:4], wb, out=prod[:, :n])
            _sum0(xp, pk, out=dh[:n])
            add(dh[:n], F[4], out=dh[:n])
        else:
            f = PF[0, s:e]
            mul(f, dht, out=f)
            mm(f, wb, out=dh[:n])
    wrap_ = x._dtype
    gx = gwhh = gwih = gbih = gbhh = None
    K = U.shape[1]
    need_u = nwhh or nwih or (has_b and (nbih or nbhh))
    if gru:
        if nx:
            gx = wrap(_sum0(xp, _big_mm(xp, PF[0:3], _gates(wih, H, _GRU_WI))).reshape(x.shape),
                          wrap_)
        if need_u:
            gu = _big_mm(xp, PF[1:4].transpose(0, 2, 1), U)      # (3, H, K): z, r, nh
            cat = xp.concatenate
            if nwhh:
                gwhh = wrap(cat([gu[1, :, :H], gu[0, :, :H], gu[2, :, :H]]), wrap_)
            if nwih or (has_b and nbih):
                gn = _big_mm(xp, PF[0].T, U[:, H:])      # (H, I + 1): [dW_in | db_in]
                if nwih:
                    gwih = wrap(cat([gu[1, :, H:H + I], gu[0, :, H:H + I], gn[:, :I]]),
                                wrap_)
                if has_b and nbih:
                    gbih = wrap(cat([gu[1, :, K - 1], gu[0, :, K - 1], gn[:, I]]), wrap_)
            if has_b and nbhh:
                gbhh = wrap(cat([gu[1, :, K - 1], gu[0, :, K - 1], gu[2, :, K - 1]]), wrap_)
    else:
        dz = PF[0]
        if nx:
            gx = wrap(_big_mm(xp, dz, wih).reshape(x.shape), wrap_)
        if need_u:
            gu = _big_mm(xp, dz.T, U)                     # (H, K): [dW_hh | dW_ih | db]
            if nwhh:
                gwhh = wrap(gu[:, :H].copy(), wrap_)
            if nwih:
                gwih = wrap(gu[:, H:H + I].copy(), wrap_)
            if has_b and nbih:
                gbih = wrap(gu[:, K - 1].copy(), wrap_)
            if has_b and nbhh:
                gbhh = wrap(gu[:, K - 1].copy(), wrap_)
    gh0 = wrap(dh, wrap_) if nh0 else None
    return gx, gh0, None, gwih, gwhh, gbih, gbhh, None, None, None, None


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
