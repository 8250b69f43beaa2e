"""Pooling primitives: N-d max pooling (with indices) and average pooling.

Both walk the kernel offsets: for each offset the windows' elements form one strided slice of
the (padded) input, so a pool is ``prod(kernel)`` vectorised passes over output-sized arrays —
for stride == kernel this is exactly the reshape trick, and the same code covers padding,
dilation and ceil_mode. Max pooling keeps the winning offset per output (an int8/int16 array)
for backward, which scatters with strided adds (never ``np.add.at``).

Tiled windows (kernel == stride, no padding or dilation: ``MaxPool2d(2)``) take a faster
path that reduces one spatial dim at a time, last dim first (``_tiled_max``); it keeps the
per-stage winners (``TiledArg``) and backward expands the gradient stage by stage. With
``torch.no_grad()`` no winners are computed at all. Every other max pool whose windows all
hold an input position (overlapping, padded, dilated: ResNet's ``MaxPool2d(3, 2, 1)``) is
also reduced one dim at a time (``_sep_max``, ``SepArg``, ``_sep_expand``); the general
offset walk is left for NaN inputs and booleans.

Ties and NaN follow torch: the first maximum in window order wins, and a NaN always wins.

Functions close under differentiation (double backward exists, as in torch):
``MaxPoolNd`` -> ``MaxPoolScatter`` <-> ``MaxPoolGather``; ``AvgPoolNd`` <-> ``AvgPoolNdBackward``.
"""
import itertools

import numpy as np

from .. import _dtype as D
from .. import _parallel
from .._device import get_xp
from ..autograd.function import Function
from ._common import wrap


def pool_out_size(n, k, s, p, d, ceil_mode):
    """torch's pooling_output_shape along one dim."""
    num = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    o = num // s + 1
    if ceil_mode and (o - 1) * s >= n + p:
        o -= 1
    return o


class Geometry:
    """Where each kernel offset's slice lies in the padded input."""
    __slots__ = ("in_sp", "k", "s", "p", "d", "out", "hi", "offsets", "overlap")

    def __init__(self, in_sp, k, s, p, d, out):
        self.in_sp, self.k, self.s, self.p, self.d, self.out = in_sp, k, s, p, d, out
        # extra padding after the input so every window slice stays in bounds (ceil_mode)
        self.hi = tuple(max(0, (o - 1) * ss + dd * (kk - 1) + 1 - n - pp)
                        for n, kk, ss, pp, dd, o in zip(in_sp, k, s, p, d, out))
        self.offsets = list(itertools.product(*[range(kk) for kk in k]))
        self.overlap = any(dd * (kk - 1) + 1 > ss for kk, ss, dd in zip(k, s, d))

    def padded_shape(self, lead):
        return tuple(lead) + tuple(n + pp + h for n, pp, h in zip(self.in_sp, self.p, self.hi))

    def slice(self, offs):
        return (slice(None), slice(None)) + tuple(
            slice(o * dd, o * dd + ss * (n - 1) + 1, ss)
            for o, dd, ss, n in zip(offs, self.d, self.s, self.out))

    def interior(self):
        return (slice(None), slice(None)) + tuple(slice(pp, pp + n)
                                                  for n, pp in zip(self.in_sp, self.p))

    def pad(self, xp, x, fill):
        if not any(self.p) and not any(self.hi):
            return x
        buf = xp.full(self.padded_shape(x.shape[:2]), fill, dtype=x.dtype)
        buf[self.interior()] = x
        return buf


def _lowest(dtype):
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def _arg_dtype(n):
    return np.dtype(np.int8 if n < 127 else np.int16 if n < 32000 else np.int32)


def _tiled(geo):
    """True when the windows tile the input: kernel == stride, no padding, no dilation."""
    return (not any(geo.p) and not any(geo.hi) and all(d == 1 for d in geo.d)
            and tuple(geo.k) == tuple(geo.s))


class TiledArg:
    """The winners of a tiled max pool, kept per reduction stage (see ``_tiled_max``).

    ``stages`` holds ``(dim, k, a)`` in forward order: ``a`` is the winning offset along
    spatial dim ``dim`` (0/1 int8 for k == 2), at that stage's shape. Backward expands the
    gradient stage by stage with 1-D friendly ops; ``array()`` builds (once) the combined
    kernel-offset number that ``flat_indices`` / ``gather_raw`` use.
    """
    __slots__ = ("stages", "geo", "shape", "_arg", "xp")

    def __init__(self, stages, geo, shape, xp=np):
        self.stages, self.geo, self.shape, self._arg = stages, geo, shape, None
        self.xp = xp    # the pooled array's module: no stage (every k == 1) still needs zeros

    def array(self):
        if self._arg is None:
            xp = self.xp
            adt = _arg_dtype(len(self.geo.offsets))
            arg = None
            inner = 1
            for i, kk, a in self.stages:
                a = a.astype(adt)
                if arg is not None:     # the inner dims' winner in the winning slice
                    lead = (slice(None),) * (2 + i)
                    prev = arg[lead + (slice(0, None, kk),)].copy()
                    for j in range(1, kk):
                        sel = a == j
                        prev += sel * (arg[lead + (slice(j, None, kk),)] - prev)
                    a = a * adt.type(inner) + prev
                arg = a
                inner *= kk
            self._arg = arg if arg is not None else xp.zeros(self.shape, dtype=adt)
        return self._arg


def _arr(arg):
    return arg.array() if isinstance(arg, (TiledArg, SepArg)) else arg


def _tiled_max(x, geo, need_arg):
    """Max pooling over non-overlapping tiles, one spatial dim at a time (last dim first).

    NOTE: reducing the last dim first turns the first (largest) pass into 1-D strided ops
    (the pair of a 2x2 window's columns are neighbours in memory); later passes work on
    the already shrunk array. Ties: reducing the inner dim first and then the outer ones
    with strict ``>`` picks the first maximum in window (row-major) order, as torch does.
    NaN is not handled here: the caller falls back when the result holds a NaN.
    Large batches are split over ember's threads by images (``ember._parallel``).
    Returns ``(values, TiledArg or None)``.
    """
    xp = get_xp(x)
    cur = x[(slice(None), slice(None)) + tuple(slice(0, o * kk) for o, kk in
                                               zip(geo.out, geo.k))]
    plan = []                      # (dim, k, shape after reducing it), last dim first
    shape = list(cur.shape)
    for i in reversed(range(len(geo.k))):
        if geo.k[i] != 1:
            shape[2 + i] //= geo.k[i]
            plan.append((i, geo.k[i], tuple(shape)))
    if not plan:                   # every kernel dim is 1: the values are the input
        cur = cur.copy()
        return cur, (TiledArg([], geo, cur.shape, xp) if need_arg else None)
    bests = [xp.empty(sh, dtype=x.dtype) for _, _, sh in plan]
    args = [xp.empty(sh, dtype=np.int8) for _, _, sh in plan] if need_arg else None

    def part(n0, n1):
        src = cur[n0:n1]
        for n, (i, kk, _) in enumerate(plan):
            lead = (slice(None),) * (2 + i)
            vs = [src[lead + (slice(j, None, kk),)] for j in range(kk)]
            best = bests[n][n0:n1]
            a = args[n][n0:n1] if need_arg else None
            for j in range(1, kk):
                prev = vs[0] if j == 1 else best
                if j == 1 and need_arg:
                    xp.greater(vs[1], prev, out=a.view(np.bool_))
                elif need_arg:          # offsets grow with j: the last strict improvement wins
                    step = xp.greater(vs[j], prev).view(np.int8)
                    xp.maximum(a, xp.multiply(step, np.int8(j), out=step), out=a)
                xp.maximum(prev, vs[j], out=best)
            src = best

    _parallel.run_rows(part, _parallel.parts_of(x, x.nbytes), x[:1].nbytes)
    stages = [(i, kk, args[n]) for n, (i, kk, _) in enumerate(plan)] if need_arg else None
    return bests[-1], (TiledArg(stages, geo, bests[-1].shape, xp) if need_arg else None)


def _tiled_scatter(g, targ, geo, covered):
    """Adjoint of ``_tiled_max``: expand the gradient one stage at a time (outer dim first);
    large batches split over ember's threads by images."""
    xp = get_xp(g)
    gx = xp.empty(g.shape[:2] + tuple(geo.in_sp), dtype=g.dtype)
    target = gx[(slice(None), slice(None)) + tuple(slice(0, o * kk) for o, kk in
                                                   zip(geo.out, geo.k))]
    stages = targ.stages[::-1]

    def part(n0, n1):
        if not covered:
            gx[n0:n1] = 0
        cur = g[n0:n1]
        if not stages:
            target[n0:n1] = cur
        for n, (i, kk, a) in enumerate(stages):
            a = a[n0:n1]
            shape = list(cur.shape)
            shape[2 + i] *= kk
            dst = target[n0:n1] if n == len(stages) - 1 else xp.empty(shape, dtype=g.dtype)
            lead = (slice(None),) * (2 + i)
            if kk == 2:      # a is 0/1: dst1 = g * a, dst0 = g - dst1
                d1 = xp.multiply(cur, a, out=dst[lead + (slice(1, None, 2),)])
                xp.subtract(cur, d1, out=dst[lead + (slice(0, None, 2),)])
            else:
                for j in range(kk):
                    xp.multiply(cur, a == j, out=dst[lead + (slice(j, None, kk),)])
            cur = dst

    _parallel.run_rows(part, _parallel.parts_of(g, gx.nbytes), gx[:1].nbytes)
    return gx


def _valid_range(o, n, k, s, p, d, m):
    """Outputs j in [lo, hi) whose kernel offset ``o`` lands inside an input of length n."""
    return max(0, -(-(p - o * d) // s)), min(m, (n - 1 + p - o * d) // s + 1)


def _along(nd_, ax, sl):
    idx = [slice(None)] * nd_
    idx[ax] = sl
    return tuple(idx)


def _positions(o, j0, j1, s, p, d):
    """Input slice of kernel offset ``o`` for outputs j0..j1-1 (valid ones only)."""
    start = j0 * s - p + o * d
    return slice(start, start + s * (j1 - j0 - 1) + 1, s)


class SepArg:
    """The winners of a separable max pool (``_sep_max``), one array per reduced dim.

    ``stages`` holds ``(dim, k, s, p, d, n, a)`` in forward order (last dim first): ``a``
    is the winning kernel offset along spatial dim ``dim`` (input length ``n``) at that
    stage's shape, or None for a single offset. ``array()`` builds (once) the combined
    kernel-offset number that ``flat_indices`` / ``gather_raw`` use.
    """
    __slots__ = ("stages", "geo", "shape", "_arg", "xp")

    def __init__(self, stages, geo, shape, xp=np):
        self.stages, self.geo, self.shape, self._arg = stages, geo, shape, None
        self.xp = xp    # the pooled array's module (a stage with k == 1 keeps no array)

    def array(self):
        if self._arg is None:
            adt = _arg_dtype(len(self.geo.offsets))
            arg = None
            inner = 1
            xp = self.xp
            for i, k, s, p, d, n, a in self.stages:
                a = (xp.zeros(self._stage_shape(i), dtype=adt) if a is None
                     else a.astype(adt))
                if arg is not None:   # the inner dims' winner at the winning position
                    ax = 2 + i
                    m = a.shape[ax]
                    prev = xp.zeros(a.shape, dtype=adt)
                    for o in range(k):
                        lo, hi = _valid_range(o, n, k, s, p, d, m)
                        if lo < hi:
                            so = _along(a.ndim, ax, slice(lo, hi))
                            prev[so] += (a[so] == o) * arg[_along(a.ndim, ax,
                                                                   _positions(o, lo, hi, s, p, d))]
                    a = a * adt.type(inner) + prev
                arg = a
                inner *= k
            self._arg = arg if arg is not None else xp.zeros(self.shape, dtype=adt)
        return self._arg

    def _stage_shape(self, i):
        """Shape after reducing dim i (dims after i are reduced already)."""
        geo = self.geo
        lead = self.shape[:2]
        return tuple(lead) + tuple(geo.in_sp[:i]) + tuple(geo.out[i:])


def _sep_ok(geo):
    """Every output window holds at least one input position along every dim."""
    for n, k, s, p, d, m in zip(geo.in_sp, geo.k, geo.s, geo.p, geo.d, geo.out):
        covered = 0        # the offsets' valid output ranges must cover 0..m-1
        for lo, hi in sorted(_valid_range(o, n, k, s, p, d, m) for o in range(k)):
            if lo >= hi:
                continue
            if lo > covered:
                return False
            covered = max(covered, hi)
        if covered < m:
            return False
    return True


def _max_offsets(xp, vs, offs, best, a):
    """best = max over the views ``vs`` (kernel offsets ``offs``, increasing); a = the first
    offset holding the maximum (strict ``>``: earlier offsets win ties)."""
    if len(vs) == 1:
        xp.copyto(best, vs[0])
        if a is not None:
            a[...] = offs[0]
        return
    if a is not None:
        better = xp.greater(vs[1], vs[0])
        if offs[0] == 0 and offs[1] == 1:
            xp.copyto(a, better.view(np.int8))
        else:
            a[...] = offs[0]
            xp.maximum(a, better.view(np.int8) * np.int8(offs[1]), out=a)
    xp.maximum(vs[0], vs[1], out=best)
    for v, o in zip(vs[2:], offs[2:]):
        if a is not None:
            step = xp.greater(v, best).view(np.int8)
            xp.multiply(step, np.int8(o), out=step)
            xp.maximum(a, step, out=a)
        xp.maximum(best, v, out=best)


def _flat_ok(arr, ax, n, s, m):
    """A stage along the last dim of a C-contiguous array can run on its flat view.

    NOTE: views of a row's interior (e.g. 55 of 56 outputs) make NumPy loop over short
    strided rows, 2-4x slower per element than one long 1-D op.
    """
    return ax == arr.ndim - 1 and n == s * m and n > 0 and arr.flags.c_contiguous


def _sep_max(x, geo, need_arg):
    """Max pooling one spatial dim at a time (last dim first), for any geometry.

    NOTE: a k1 x k2 window costs k1 + k2 passes instead of k1 * k2 (MaxPool2d(3, 2, 1): 6
    instead of 9, the first over 1-D strided slices), and padding needs no padded copy of
    the input: the few outputs whose window crosses the border are reduced over their valid
    offsets only (so an all -inf window picks its first real element, as torch). Ties:
    inner dims first, then outer ones, each with strict ``>``: the first maximum in window
    (row-major) order wins, as torch. NaN is not handled here: the caller falls back.
    Returns ``(values, SepArg or None)``.
    """
    xp = get_xp(x)
    plan = []                   # (dim, k, s, p, d, n, m, shape after reducing it)
    shape = list(x.shape)
    for i in reversed(range(len(geo.k))):
        n, k, s, p, d, m = geo.in_sp[i], geo.k[i], geo.s[i], geo.p[i], geo.d[i], geo.out[i]
        if k == 1 and s == 1 and p == 0 and m == n:
            continue
        shape[2 + i] = m
        plan.append((i, k, s, p, d, n, m, tuple(shape)))
    if not plan:
        cur = x.copy()
        return cur, (SepArg([], geo, cur.shape, xp) if need_arg else None)
    bests = [xp.empty(sh, dtype=x.dtype) for *_, sh in plan]
    args = [xp.empty(st[-1], dtype=np.int8) if need_arg and st[1] > 1 else None for st in plan]

    def part(n0, n1):
        cur = x[n0:n1]
        for (i, k, s, p, d, n, m, _), best, a in zip(plan, bests, args):
            best = best[n0:n1]
            a = None if a is None else a[n0:n1]
            _sep_stage(xp, cur, best, a, 2 + i, k, s, p, d, n, m)
            cur = best

    _parallel.run_rows(part, _parallel.parts_of(x, x.nbytes), x[:1].nbytes)
    stages = [(i, k, s, p, d, n, a) for (i, k, s, p, d, n, *_), a in zip(plan, args)]
    return bests[-1], (SepArg(stages, geo, bests[-1].shape, xp) if need_arg else None)


def _sep_stage(xp, cur, best, a, ax, k, s, p, d, n, m):
    """One ``_sep_max`` stage: reduce ``cur`` along ``ax`` into ``best`` (winners into ``a``)."""
    ranges = [_valid_range(o, n, k, s, p, d, m) for o in range(k)]
    lo_all = max(r[0] for r in ranges)
    hi_all = max(lo_all, min(r[1] for r in ranges))
    spans = [(lo_all, hi_all)] if lo_all < hi_all else []
    if _flat_ok(cur, ax, n, s, m) and spans:
        # the last dim as one long 1-D strided op over all rows: output t = row*m + j
        # reads flat[s*t - p + o*d] (n == s*m), right for every interior j; the border
        # outputs (the only ones a row's neighbour leaks into) are redone below
        T = cur.size // n * m
        ta = -(-p // s)
        tb = min(T, (s * T - 1 + p - (k - 1) * d) // s + 1)
        flat = cur.reshape(-1)
        if ta < tb:
            _max_offsets(xp, [flat[_positions(o, ta, tb, s, p, d)] for o in range(k)],
                         list(range(k)), best.reshape(-1)[ta:tb],
                         None if a is None else a.reshape(-1)[ta:tb])
        spans = []
    spans += [(j, j + 1) for j in range(m) if not lo_all <= j < hi_all]
    for j0, j1 in spans:       # the interior in one go, then each border output
        offs = [o for o in range(k) if ranges[o][0] <= j0 and j1 <= ranges[o][1]]
        so = _along(cur.ndim, ax, slice(j0, j1))
        _max_offsets(xp, [cur[_along(cur.ndim, ax, _positions(o, j0, j1, s, p, d))]
                          for o in offs], offs, best[so], None if a is None else a[so])


def _sep_expand(xp, g, ax, k, s, p, d, n, a, into=None):
    """Adjoint of one ``_sep_max`` stage: spread ``g`` (length m along ``ax``) back over the
    input length ``n``, each output's gradient to its winning offset.

    NOTE: input positions are visited by residue class mod the stride: class ``r`` (positions
    r, r+s, ...) receives from the offsets o with (o*d - p) = r (mod s), each a shifted slice
    of the outputs. So the first contribution is written and the others added, with no zero
    fill and no scattered read-modify-write of the whole input.
    """
    m = g.shape[ax]
    shape = list(g.shape)
    shape[ax] = n
    gin = result = xp.empty(shape, dtype=g.dtype) if into is None else into
    nd_ = g.ndim

    def part(o, j0, j1, out=None):
        sl = _along(nd_, ax, slice(j0, j1))
        if a is None:
            if out is None:
                return g[sl]
            out[...] = g[sl]
            return out
        return xp.multiply(g[sl], xp.equal(a[sl], o), out=out)

    if _flat_ok(g, ax, n, s, m) and (a is None or a.flags.c_contiguous):
        # the last dim as one long 1-D op: output t = row*m + j; a slice shifted across a
        # row border only meets outputs whose offset there is padding, which never win
        g, gin, nd_, ax = g.reshape(-1), gin.reshape(-1), 1, 0
        a = None if a is None else a.reshape(-1)
        m = g.shape[0]
        n = gin.shape[0]
    for r in range(min(s, n)):
        nt = len(range(r, n, s))
        T = gin[_along(nd_, ax, slice(r, None, s))]
        contrib = []
        for o in range(k):
            if (r + p - o * d) % s:
                continue
            delta = (r + p - o * d) // s            # output j = t + delta
            t0, t1 = max(0, -delta), min(nt, m - delta)
            if t0 < t1:
                contrib.append((t1 - t0 < nt, o, delta, t0, t1))
        contrib.sort(key=lambda c: c[0])          # one covering the whole class first
        if not contrib:
            T[...] = 0
            continue
        for idx, (partial, o, delta, t0, t1) in enumerate(contrib):
            ts = T[_along(nd_, ax, slice(t0, t1))]
            if idx == 0:
                if partial:
                    T[...] = 0
                    ts += part(o, t0 + delta, t1 + delta)
                else:
                    part(o, t0 + delta, t1 + delta, out=ts)
            else:
                ts += part(o, t0 + delta, t1 + delta)
    return result


def _sep_scatter(g, sarg):
    """Adjoint of ``_sep_max``: expand the gradient one stage at a time (outer dim first);
    large batches split over ember's threads by images."""
    xp = get_xp(g)
    if not sarg.stages:
        return g.copy()
    gx = xp.empty(g.shape[:2] + tuple(sarg.geo.in_sp), dtype=g.dtype)
    last = len(sarg.stages) - 1

    def part(n0, n1):
        cur = g[n0:n1]
        for j, (i, k, s, p, d, n, a) in enumerate(reversed(sarg.stages)):
            cur = _sep_expand(xp, cur, 2 + i, k, s, p, d, n, None if a is None else a[n0:n1],
                              into=gx[n0:n1] if j == last else None)

    _parallel.run_rows(part, _parallel.parts_of(g, gx.nbytes), gx[:1].nbytes)
    return gx


def max_pool_raw(x, geo, need_arg=True):
    """Returns (values, arg): arg is the winning kernel-offset number per output (None when
    ``need_arg`` is false: inference needs no indices).

    NOTE: written with maximum / compare / integer max (vectorised, branch-free) rather than
    masked copies, which are several times slower on random data. Because offsets are visited
    in increasing order, ``arg = max(arg, better * n)`` records the last strict improvement,
    i.e. torch's first maximum.
    """
    xp = get_xp(x)
    if _tiled(geo) and x.dtype.kind in "fiu" and max(geo.k) < 128:
        best, arg = _tiled_max(x, geo, need_arg)
        # a NaN anywhere in a window makes its max NaN; a sum is the cheapest finite test
        if x.dtype.kind != "f" or best.size == 0 or bool(xp.isfinite(best.sum())) \
                or not bool(xp.isnan(best).any()):
            return best, arg
    elif x.dtype.kind in "fiu" and max(geo.k) < 128 and _sep_ok(geo):
        best, arg = _sep_max(x, geo, need_arg)
        if x.dtype.kind != "f" or best.size == 0 or bool(xp.isfinite(best.sum())) \
                or not bool(xp.isnan(best).any()):
            return best, arg
    buf = geo.pad(xp, x, _lowest(x.dtype))
    check_nan = x.dtype.kind == "f" and bool(xp.isnan(x).any())
    adt = _arg_dtype(len(geo.offsets))
    best = arg = None
    for n, offs in enumerate(geo.offsets):
        v = buf[geo.slice(offs)]
        if best is None:
            best = v.copy()
            if need_arg:
                arg = xp.zeros(best.shape, dtype=adt)
            continue
        if not need_arg and not check_nan:
            xp.maximum(best, v, out=best)
            continue
        better = xp.greater(v, best)
        if check_nan:
            better |= xp.isnan(v)
            best = xp.where(better, v, best)
        else:
            xp.maximum(best, v, out=best)
        if not need_arg:
            continue
        if adt == np.int8:       # reuse the mask's bytes: better * n, in place
            step = better.view(np.int8)
            xp.multiply(step, np.int8(n), out=step)
        else:
            step = better.astype(adt) * adt.type(n)
        xp.maximum(arg, step, out=arg)
    return best, arg


def flat_indices(arg, geo):
    """torch's return_indices: the flat position of each max within its (unpadded) plane."""
    arg = _arr(arg)
    xp = get_xp(arg)
    nd = len(geo.k)
    flat = None
    mult = 1
    rem = arg.astype(np.int64)
    strides_k = [int(np.prod(geo.k[i + 1:])) for i in range(nd)]
    for i in reversed(range(nd)):
        off_i = (rem // strides_k[i]) % geo.k[i]
        shape = [1] * (nd + 2)
        shape[2 + i] = geo.out[i]
        base = (xp.arange(geo.out[i], dtype=np.int64) * geo.s[i] - geo.p[i]).reshape(shape)
        pos = (base + off_i * geo.d[i]) * mult
        flat = pos if flat is None else flat + pos
        mult *= geo.in_sp[i]
    return flat


def scatter_raw(g, arg, geo):
    """Send each output's gradient to its winning input position (strided adds)."""
    xp = get_xp(g)
    covered = _tiled(geo) and all(o * kk == n for o, kk, n in zip(geo.out, geo.k, geo.in_sp))
    if isinstance(arg, TiledArg):
        return _tiled_scatter(g, arg, geo, covered)
    if isinstance(arg, SepArg):
        return _sep_scatter(g, arg)
    # tiles covering the input exactly: every position is written below, no zero fill needed
    buf = (xp.empty if covered else xp.zeros)(geo.padded_shape(g.shape[:2]), dtype=g.dtype)
    for n, offs in enumerate(geo.offsets):
        if geo.overlap:
            buf[geo.slice(offs)] += g * (arg == n)
        else:
            xp.multiply(g, arg == n, out=buf[geo.slice(offs)])
    return xp.ascontiguousarray(buf[geo.interior()])


def gather_raw(t, arg, geo):
    """The input values at each output's winning position (the adjoint of scatter_raw)."""
    xp = get_xp(t)
    arg = _arr(arg)
    buf = geo.pad(xp, t, 0)
    out = xp.zeros(arg.shape, dtype=t.dtype)
    for n, offs in enumerate(geo.offsets):
        out += buf[geo.slice(offs)] * (arg == n)
    return out


class MaxPoolNd(Function):
    """Max pooling over the trailing ``len(kernel)`` dims of a (N, C, *S) input."""

    @staticmethod
    def forward(ctx, x, geo, return_indices):
        need = bool(return_indices or ctx.needs_input_grad[0])
        vals, arg = max_pool_raw(x._data, geo, need_arg=need)
        ctx.geo = geo
        ctx.arg = arg
        out = wrap(vals, x._dtype)
        if return_indices:
            idx = wrap(flat_indices(arg, geo), D.int64)
            ctx.mark_non_differentiable(idx)
            return out, idx
        return out

    @staticmethod
    def backward(ctx, g, gi=None):
        return MaxPoolScatter.apply(g, ctx.arg, ctx.geo), None, None


class MaxPoolScatter(Function):
    """The input gradient of max pooling."""

    @staticmethod
    def forward(ctx, g, arg, geo):
        ctx.arg, ctx.geo = arg, geo
        return wrap(scatter_raw(g._data, arg, geo), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        return MaxPoolGather.apply(gg, ctx.arg, ctx.geo), None, None


class MaxPoolGather(Function):
    """Values at the max positions (the derivative of MaxPoolScatter)."""

    @staticmethod
    def forward(ctx, t, arg, geo):
        ctx.arg, ctx.geo = arg, geo
        return wrap(gather_raw(t._data, arg, geo), t._dtype)

    @staticmethod
    def backward(ctx, gg):
        return MaxPoolScatter.apply(gg, ctx.arg, ctx.geo), None, None


def avg_divisor(xp, geo, count_include_pad, divisor_override, dtype):
    """torch's per-output divisor, broadcastable to (N, C, *out)."""
    if divisor_override:
        return dtype.type(divisor_override)
    div = None
    nd = len(geo.k)
    for i in range(nd):
        n, kk, ss, pp, o = geo.in_sp[i], geo.k[i], geo.s[i], geo.p[i], geo.out[i]
        start = np.arange(o) * ss - pp
        end = np.minimum(start + kk, n + pp)
        size = end - start
        if not count_include_pad:
            size = np.minimum(end, n) - np.maximum(start, 0)
        shape = [1] * nd
        shape[i] = o
        size = size.reshape(shape)
        div = size if div is None else div * size
    return xp.asarray(div.astype(dtype))


def avg_pool_raw(x, geo, divisor):
    xp = get_xp(x)
    buf = geo.pad(xp, x, 0)
    acc = None
    for offs in geo.offsets:
        v = buf[geo.slice(offs)]
        if acc is None:
            acc = v.copy()
        else:
            acc += v
    acc /= divisor
    return acc


def avg_pool_backward_raw(g, geo, divisor):
    xp = get_xp(g)
    gd = g / divisor
    buf = xp.zeros(geo.padded_shape(g.shape[:2]), dtype=g.dtype)
    for offs in geo.offsets:
        buf[geo.slice(offs)] += gd
    return xp.ascontiguousarray(buf[geo.interior()])


class AvgPoolNd(Function):
    """Average pooling over the trailing ``len(kernel)`` dims of a (N, C, *S) input."""

    @staticmethod
    def forward(ctx, x, geo, divisor):
        ctx.geo, ctx.divisor = geo, divisor
        return wrap(avg_pool_raw(x._data, geo, divisor), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return AvgPoolNdBackward.apply(g, ctx.geo, ctx.divisor), None, None


class AvgPoolNdBackward(Function):
    """The input gradient of average pooling (a linear map; its adjoint is AvgPoolNd)."""

    @staticmethod
    def forward(ctx, g, geo, divisor):
        ctx.geo, ctx.divisor = geo, divisor
        return wrap(avg_pool_backward_raw(g._data, geo, divisor), g._dtype)

    @staticmethod
    def backward(ctx, gg):
        return AvgPoolNd.apply(gg, ctx.geo, ctx.divisor), None, None
