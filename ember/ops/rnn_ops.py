"""Fused recurrent layers: one RNN / LSTM / GRU layer (one direction) as a single op.

The forward loops over time steps in raw array code (NumPy or CuPy through ``xp``); the
backward is a hand-written backpropagation-through-time loop. Sequences are always handled in
the *packed* layout used by ``PackedSequence`` (and cuDNN): ``x`` is ``(N, input_size)`` where
the rows of time step ``t`` are ``x[off[t]:off[t] + batch_sizes[t]]`` and ``batch_sizes`` is
non-increasing. A padded ``(T, B, I)`` input is the special case ``batch_sizes = (B,) * T``.

Speed: the input projection of every time step is ONE matmul ``x @ W_ih.T`` before the loop,
each step does ONE matmul ``h @ W_hh.T`` for all gates at once, and the backward collects the
gate gradients of all steps so that ``dW_ih``, ``dW_hh`` and ``dx`` are again one matmul each.

# NOTE: fused, because composing ~15 ember ops per time step costs ~15 graph nodes per step;
# the hand-written BPTT loop is what keeps an LSTM training step within reach of torch.
# The backward is once-differentiable: it runs on raw arrays, so gradients of gradients
# (``create_graph=True`` through an RNN layer) are not recorded. The cells (``nn.LSTMCell``
# ...) are composed from ordinary ops and do support double backward.
"""
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


class RNNLayer(Function):
    """One recurrent layer in one direction over a packed sequence (see the module docstring).

    Inputs: ``x (N, I)``, ``h0 (B, P)``, ``c0 (B, H)`` or None, ``w_ih``, ``w_hh``, ``b_ih``,
    ``b_hh`` (or None), ``w_hr (P, H)`` or None (LSTM projection), then the non-tensor
    ``mode``, ``batch_sizes`` (tuple of ints) and ``reverse`` (bool).
    Outputs: ``(out (N, P), h_n (B, P))`` and, for LSTM, ``c_n (B, H)`` as a third output.
    """

    @staticmethod
    def forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, batch_sizes, reverse):
        xd = x._data
        xp = get_xp(xd)
        wih, whh = w_ih._data, w_hh._data
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
        if mode == "LSTM":
            return _lstm_forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps, h, out,
                                 hp, (mode, batch_sizes, reverse, b_ih is not None))
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
        return wrap(out, x._dtype), wrap(h, x._dtype)

    @staticmethod
    @once_differentiable
    def backward(ctx, gout, ghn, gcn=None):
        x, w_ih, w_hh, w_hr = ctx.saved_tensors
        hp, saved = ctx.arrays
        mode, batch_sizes, reverse, has_bias = ctx.meta
        (nx, nh0, nc0, nwih, nwhh, nbih, nbhh, nwhr) = ctx.needs_input_grad[:8]
        xd, wih, whh = x._data, w_ih._data, w_hh._data
        xp = get_xp(xd)
        dt = xd.dtype
        gy = gout._data
        dh = ghn._data.astype(dt, copy=True)
        steps = _steps(batch_sizes, not reverse)  # backward runs the other way round
        n_rows = xd.shape[0]
        G = whh.shape[0]
        dgates = xp.empty((n_rows, G), dtype=dt)     # d(pre-activation) of every step
        act = saved.get("act")
        g_whr = dc = None
        if mode == "LSTM":
            dgates, dc, g_whr = _lstm_backward(xp, saved, hp, gy, dh, gcn._data.astype(dt),
                                               whh, w_hr, steps, nwhr)
            dgx = dgh = dgates
        elif mode == "GRU":
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
        gx = wrap(_mm(xp, dgx, wih), x._dtype) if nx else None
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
# Internally the pre-activations of the sigmoid gates (i, f, o) are scaled by 1/2 before a
# single tanh over all four gates: sigmoid(z) = tanh(z / 2) / 2 + 1/2. Halving is exact in
# binary floating point, so this only saves array calls (one tanh instead of three slices).


def _lstm_forward(ctx, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, steps, h, out, hp, meta):
    xd = x._data
    xp = get_xp(xd)
    dt = xd.dtype
    whh = w_hh._data
    G = whh.shape[0]
    H = G // 4
    n_rows = xd.shape[0]
    half = xp.full(G, 0.5, dtype=dt)
    half[2 * H:3 * H] = 1.0                  # g uses tanh itself
    shift = xp.full(G, 0.5, dtype=dt)
    shift[2 * H:3 * H] = 0.0
    # input projection of every step at once, the halving folded into the weights and the
    # biases (exact: a power of two) so the (N, 4H) result is written once
    xw = workspace(xp, (n_rows, G), dt)
    xp.matmul(xd, (w_ih._data * half[:, None]).T, out=xw)
    if b_ih is not None:
        xw += (b_ih._data + b_hh._data) * half
    whh_t = xp.ascontiguousarray((whh * half[:, None]).T)   # NN-layout GEMM per step
    c = c0._data.copy()
    cp = workspace(xp, (n_rows, H), dt)       # c_{t-1} of every row
    tc = workspace(xp, (n_rows, H), dt)       # tanh(c_t) of every row
    proj = w_hr is not None
    m = xp.empty((n_rows, H), dtype=dt) if proj else None
    whr_t = xp.ascontiguousarray(w_hr._data.T) if proj else None
    tmp = xp.empty((h.shape[0], G), dtype=dt)
    for s, n in steps:
        e = s + n
        hprev = h[:n]
        hp[s:e] = hprev
        g = xw[s:e]                             # (n, 4H): i, f, g, o
        xp.matmul(hprev, whh_t, out=tmp[:n])
        g += tmp[:n]
        xp.tanh(g, out=g)
        g *= half
        g += shift
        cn = c[:n]
        cp[s:e] = cn
        cn *= g[:, H:2 * H]
        cn += g[:, :H] * g[:, 2 * H:3 * H]
        t = tc[s:e]
        xp.tanh(cn, out=t)
        if proj:
            xp.multiply(g[:, 3 * H:], t, out=m[s:e])
            xp.matmul(m[s:e], whr_t, out=out[s:e])
        else:
            xp.multiply(g[:, 3 * H:], t, out=out[s:e])
        h[:n] = out[s:e]
    ctx.save_for_backward(x, w_ih, w_hh, w_hr)
    ctx.arrays = (hp, {"act": xw, "cp": cp, "tc": tc, "m": m})
    ctx.meta = meta
    return wrap(out, x._dtype), wrap(h, x._dtype), wrap(c, x._dtype)


def _lstm_backward(xp, saved, hp, gy, dh, dc, whh, w_hr, steps, need_whr):
    act, cp, tc, m = saved["act"], saved["cp"], saved["tc"], saved["m"]
    n_rows, G = act.shape
    H = G // 4
    dt = act.dtype
    a3 = act.reshape(n_rows, 4, H)
    i, f, gg, o = a3[:, 0], a3[:, 1], a3[:, 2], a3[:, 3]
    # per-row factors of every step, computed at once outside the time loop:
    #   dc_t = dc_{t+1} + dh_t * OT;  d(pre-activation) = [dc_t * K[:3], dh_t * K[3]]
    # NOTE: scratch comes from the reusable workspace and every op writes with out=: fresh
    # multi-MB temporaries page-fault on each training step (~2 ms of a 13 ms LSTM step).
    K = workspace(xp, (n_rows, 4, H), dt)
    xp.subtract(1, act, out=K.reshape(n_rows, G))
    K3 = K.reshape(n_rows, G)
    xp.multiply(K3, act, out=K3)                      # s * (1 - s) for all four gates
    xp.multiply(K[:, 0], gg, out=K[:, 0])
    xp.multiply(K[:, 1], cp, out=K[:, 1])
    xp.multiply(K[:, 3], tc, out=K[:, 3])
    xp.multiply(gg, gg, out=K[:, 2])                  # the g gate is a tanh: i * (1 - g^2)
    xp.subtract(1, K[:, 2], out=K[:, 2])
    xp.multiply(K[:, 2], i, out=K[:, 2])
    OT = workspace(xp, (n_rows, H), dt)
    xp.multiply(tc, tc, out=OT)
    xp.subtract(1, OT, out=OT)
    xp.multiply(OT, o, out=OT)
    F = workspace(xp, (n_rows, H), dt)
    xp.copyto(F, f)
    dgates = workspace(xp, (n_rows, 4, H), dt)
    proj = w_hr is not None
    whr = w_hr._data if proj else None
    dhs = xp.empty_like(gy) if proj else None
    B = dh.shape[0]
    dht_buf = xp.empty((B, dh.shape[1]), dtype=dt)
    tmp = xp.empty((B, H), dtype=dt)
    for s, n in steps:
        e = s + n
        dht = xp.add(dh[:n], gy[s:e], out=dht_buf[:n])
        if proj:
            dhs[s:e] = dht
            dht = xp.matmul(dht, whr)
        dct = dc[:n]
        dct += xp.multiply(dht, OT[s:e], out=tmp[:n])
        d = dgates[s:e]
        xp.multiply(K[s:e, :3], dct[:, None, :], out=d[:, :3])
        xp.multiply(K[s:e, 3], dht, out=d[:, 3])
        dct *= F[s:e]                           # dc_{t-1}
        xp.matmul(d.reshape(n, G), whh, out=dh[:n])
    g_whr = xp.matmul(dhs.T, m) if (proj and need_whr) else None
    return dgates.reshape(n_rows, G), dc, g_whr


def rnn_layer(x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode, batch_sizes, reverse=False):
    """Run one fused recurrent layer; see :class:`RNNLayer`. Returns ``(out, h_n[, c_n])``.

    Args:
        x (Tensor): packed rows ``(N, input_size)``.
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
