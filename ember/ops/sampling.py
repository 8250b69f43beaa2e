"""Resampling: interpolate (nearest, nearest-exact, linear family, bicubic, area), grid_sample,
affine_grid.

Every interpolation mode torch has is separable, so resizing applies one small matrix per
spatial dim (``A @ x`` along that dim) with torch's exact source-index math; the matrices are
built here on the host, the products are ordinary differentiable ember matmuls (gradients and
double backward come from matmul). Nearest modes select indices instead (an exact copy, and
2x upsampling is a broadcast). grid_sample gathers the 4 (or 1) neighbours with ember ops.
"""
import math

import numpy as np

from .._device import get_xp


# --------------------------------------------------------------------------- index math


def scale_value(scale, in_size, out_size, np_dtype):
    """torch's compute_scales_value: 1/scale_factor when given, else in/out (in np_dtype)."""
    if scale is not None and scale > 0:
        return np_dtype.type(1.0 / scale)
    return np_dtype.type(in_size) / np_dtype.type(out_size)


def nearest_indices(in_size, out_size, scale, exact):
    """Source index of each output for mode 'nearest' / 'nearest-exact' (float32 math)."""
    f32 = np.dtype(np.float32)
    dst = np.arange(out_size, dtype=np.float32)
    if not exact:
        if out_size == in_size:
            return np.arange(out_size)
        if out_size == 2 * in_size:
            return np.arange(out_size) >> 1
    s = scale_value(scale, in_size, out_size, f32)
    src = np.floor((dst + np.float32(0.5)) * s if exact else dst * s).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _area_scale(in_size, out_size, align_corners, scale, dt):
    if align_corners:
        return dt.type(in_size - 1) / dt.type(out_size - 1) if out_size > 1 else dt.type(0)
    return scale_value(scale, in_size, out_size, dt)


def _source_index(sc, out_size, align_corners, cubic, dt):
    dst = np.arange(out_size, dtype=dt)
    if align_corners:
        return sc * dst
    src = sc * (dst + dt.type(0.5)) - dt.type(0.5)
    return src if cubic else np.maximum(src, dt.type(0))


def _cubic_coeffs(t, A=-0.75):
    def c1(x):
        return ((A + 2) * x - (A + 3)) * x * x + 1

    def c2(x):
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A
    return [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)]


def linear_matrix(in_size, out_size, align_corners, scale, dt):
    """(out, in) matrix of torch's linear interpolation along one dim."""
    dt = np.dtype(dt)
    sc = _area_scale(in_size, out_size, align_corners, scale, dt)
    src = _source_index(sc, out_size, align_corners, False, dt)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    l1 = np.clip(src - i0.astype(dt), 0, 1).astype(dt)
    l0 = (dt.type(1) - l1).astype(dt)
    i1 = i0 + (i0 < in_size - 1)
    m = np.zeros((out_size, in_size), dtype=dt)
    rows = np.arange(out_size)
    np.add.at(m, (rows, i0), l0)   # tiny host-side matrix build, not a hot path
    np.add.at(m, (rows, i1), l1)
    return m


def cubic_matrix(in_size, out_size, align_corners, scale, dt):
    """(out, in) matrix of torch's bicubic interpolation (A=-0.75, clamped taps)."""
    dt = np.dtype(dt)
    sc = _area_scale(in_size, out_size, align_corners, scale, dt)
    src = _source_index(sc, out_size, align_corners, True, dt)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    t = np.clip(src - i0.astype(dt), 0, 1).astype(dt)
    coeffs = _cubic_coeffs(t)
    m = np.zeros((out_size, in_size), dtype=dt)
    rows = np.arange(out_size)
    for j in range(4):
        idx = np.clip(i0 - 1 + j, 0, in_size - 1)
        np.add.at(m, (rows, idx), coeffs[j].astype(dt))
    return m


def aa_matrix(in_size, out_size, align_corners, scale, dt, cubic):
    """(out, in) matrix of torch's antialiased bilinear / bicubic resampling."""
    dt = np.dtype(dt)
    sc = float(_area_scale(in_size, out_size, align_corners, scale, np.dtype(np.float64)))
    interp = 4 if cubic else 2
    support = interp * 0.5 * sc if sc >= 1.0 else interp * 0.5
    invscale = 1.0 / sc if sc >= 1.0 else 1.0
    m = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        center = sc * (i + 0.5 - (0.5 if align_corners else 0.0)) + (0.5 if align_corners else 0.0)
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        j = np.arange(xmin, xmax)
        x = (j - center + 0.5) * invscale
        if cubic:
            a = -0.5
            ax = np.abs(x)
            w = np.where(ax < 1, ((a + 2) * ax - (a + 3)) * ax * ax + 1,
                         np.where(ax < 2, (((ax - 5) * ax + 8) * ax - 4) * a, 0.0))
        else:
            w = np.maximum(1.0 - np.abs(x), 0.0)
        total = w.sum()
        if total != 0:
            w = w / total
        m[i, xmin:xmax] = w
    return m.astype(dt)


def area_matrix(in_size, out_size, dt):
    """(out, in) averaging matrix of adaptive average pooling along one dim."""
    m = np.zeros((out_size, in_size), dtype=dt)
    for i in range(out_size):
        start = (i * in_size) // out_size
        end = -((-(i + 1) * in_size) // out_size)
        m[i, start:end] = 1.0 / (end - start)
    return m


def adaptive_windows(in_size, out_size):
    """torch's adaptive pooling windows: (starts, ends) along one dim."""
    i = np.arange(out_size)
    return (i * in_size) // out_size, -((-(i + 1) * in_size) // out_size)


# --------------------------------------------------------------------------- applying


def apply_along(x, dim, mat):
    """``mat @ x`` along ``dim`` of tensor x (mat is a (out, in) ndarray), differentiably."""
    from .._tensor import Tensor
    from ._common import wrap
    xp = get_xp(x._data)
    m = mat if isinstance(mat, Tensor) else wrap(xp.asarray(mat), x._dtype)
    shape = tuple(x.shape)
    if dim == x.ndim - 1:
        return x.matmul(m.mT)
    pre = int(np.prod(shape[:dim]))
    post = int(np.prod(shape[dim + 1:]))
    y = m.matmul(x.reshape(pre, shape[dim], post))
    return y.reshape(shape[:dim] + (mat.shape[0],) + shape[dim + 1:])


def select_along(x, dim, idx):
    """``x`` indexed by the int array ``idx`` along ``dim`` (2x repeat via broadcast)."""
    from .. import _dtype as D
    from ._common import wrap
    n = x.shape[dim]
    if len(idx) == n and np.array_equal(idx, np.arange(n)):
        return x
    for r in (2, 3, 4):
        if len(idx) == r * n and np.array_equal(idx, np.arange(r * n) // r):
            shape = tuple(x.shape)
            y = x.unsqueeze(dim + 1).expand(shape[:dim + 1] + (r,) + shape[dim + 1:])
            return y.reshape(shape[:dim] + (r * n,) + shape[dim + 1:])
    xp = get_xp(x._data)
    return x.index_select(dim, wrap(xp.asarray(idx.astype(np.int64)), D.int64))


def reflect_coordinates(c, twice_low, twice_high):
    """torch's reflect_coordinates on a tensor of coordinates (differentiable)."""
    if twice_low == twice_high:
        return c * 0
    mn = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (c - mn).abs()
    extra = c.fmod(span)
    flips = (c / span).floor()
    from ..functions import where
    return where(flips.remainder(2) == 0, extra + mn, span - extra + mn)


def grid_coords(c, size, padding_mode, align_corners):
    """Unnormalize grid coordinates in [-1, 1] to pixel space and apply the padding mode."""
    if align_corners:
        c = (c + 1) / 2 * (size - 1)
    else:
        c = ((c + 1) * size - 1) / 2
    if padding_mode == "border":
        c = c.clamp(0, size - 1)
    elif padding_mode == "reflection":
        if align_corners:
            c = reflect_coordinates(c, 0, 2 * (size - 1))
        else:
            c = reflect_coordinates(c, -1, 2 * size - 1)
        c = c.clamp(0, size - 1)
    return c


def math_floor_size(n, s):
    return int(math.floor(float(n) * s))
