"""NumPy kernels behind the tensor paths of ``ember.vision.transforms.functional``.

Every function here takes and returns plain NumPy arrays laid out like torchvision's tensor images,
``[..., C, H, W]``. The public functions in ``functional.py`` unwrap ember tensors, call these kernels
and wrap the result back. The arithmetic follows what torch does for the same torchvision call
(``interpolate``, ``grid_sample``, ``conv2d``, ``pad``), in float32 where torch computes in float32, so
results agree with torchvision up to floating-point rounding.
"""

import math

import numpy as np

_INT_MAX = {
    np.dtype(np.uint8): 255,
    np.dtype(np.int8): 127,
    np.dtype(np.int16): 32767,
    np.dtype(np.uint16): 65535,
    np.dtype(np.int32): 2147483647,
    np.dtype(np.int64): 9223372036854775807,
}


def max_value(dtype):
    """Largest value of an image of this dtype: 255 for uint8, ..., 1 for floating point."""
    return _INT_MAX.get(np.dtype(dtype), 1)


def is_float(arr):
    return np.issubdtype(arr.dtype, np.floating)


def to_nchw_float(arr, req=(np.float32, np.float64)):
    """torchvision's ``_cast_squeeze_in``: make the array 4-D and a float dtype from ``req``."""
    squeeze = arr.ndim < 4
    lead = arr.shape[:-3] if arr.ndim >= 4 else None
    if arr.ndim == 2:
        arr = arr[None, None]
    elif arr.ndim == 3:
        arr = arr[None]
    elif arr.ndim > 4:
        arr = arr.reshape((-1,) + arr.shape[-3:])
    out_dtype = arr.dtype
    cast = out_dtype not in [np.dtype(d) for d in req]
    if cast:
        arr = arr.astype(req[0])
    return arr, (squeeze, lead, cast, out_dtype)


def from_nchw_float(arr, info, ndim):
    """torchvision's ``_cast_squeeze_out``: undo :func:`to_nchw_float` (integers are rounded first)."""
    squeeze, lead, cast, out_dtype = info
    if ndim == 2:
        arr = arr[0, 0]
    elif ndim == 3:
        arr = arr[0]
    elif ndim > 4:
        arr = arr.reshape(lead + arr.shape[-3:])
    if cast:
        if np.issubdtype(out_dtype, np.integer):
            arr = np.round(arr)
        arr = arr.astype(out_dtype)
    return arr


# ------------------------------------------------------------------------------------------------
# dtype conversion
# ------------------------------------------------------------------------------------------------


def convert_image_dtype(arr, np_dtype, out_is_float):
    """Scale-aware dtype conversion (``convert_image_dtype``) on a NumPy array."""
    in_float = is_float(arr)
    if in_float:
        if out_is_float:
            return arr.astype(np_dtype)
        if (arr.dtype == np.float32 and np_dtype in (np.int32, np.int64)) or (
            arr.dtype == np.float64 and np_dtype == np.int64
        ):
            return None  # caller raises torch's RuntimeError
        eps = 1e-3
        factor = arr.dtype.type(float(max_value(np_dtype)) + 1.0 - eps)
        return (arr * factor).astype(np_dtype)
    input_max = float(max_value(arr.dtype))
    if out_is_float:
        return arr.astype(np_dtype) / np.dtype(np_dtype).type(input_max)
    output_max = float(max_value(np_dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return (arr // factor).astype(np_dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return arr.astype(np_dtype) * np.dtype(np_dtype).type(factor)


# ------------------------------------------------------------------------------------------------
# padding and cropping
# ------------------------------------------------------------------------------------------------


def parse_padding(padding):
    """int / [p] / [lr, tb] / [l, t, r, b] -> (left, right, top, bottom)."""
    if isinstance(padding, int):
        return padding, padding, padding, padding
    padding = list(padding)
    if len(padding) == 1:
        p = padding[0]
        return p, p, p, p
    if len(padding) == 2:
        return padding[0], padding[0], padding[1], padding[1]
    return padding[0], padding[2], padding[1], padding[3]


def pad(arr, padding, fill=0, padding_mode="constant"):
    """Pad the last two dims. ``padding`` = (left, right, top, bottom); negative values crop."""
    left, right, top, bottom = padding
    # negative padding crops first (torch.nn.functional.pad and torchvision's symmetric pad both do)
    h, w = arr.shape[-2:]
    ct, cb, cl, cr = max(-top, 0), max(-bottom, 0), max(-left, 0), max(-right, 0)
    if ct or cb or cl or cr:
        arr = arr[..., ct : h - cb, cl : w - cr]
    left, right, top, bottom = max(left, 0), max(right, 0), max(top, 0), max(bottom, 0)
    widths = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        fill_value = np.array(fill).astype(arr.dtype) if np.issubdtype(arr.dtype, np.integer) else fill
        return np.pad(arr, widths, mode="constant", constant_values=fill_value)
    mode = {"edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}[padding_mode]
    if mode == "reflect":
        if top >= h or bottom >= h or left >= w or right >= w:
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input dimension, "
                f"but got: padding ({left}, {right}) at dimension 3 of input {list(arr.shape)}"
            )
    return np.pad(arr, widths, mode=mode)


def crop(arr, top, left, height, width):
    """Crop ``[..., top:top+height, left:left+width]``, zero-padding where the box leaves the image."""
    h, w = arr.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_lrtb = (
            max(-left + min(0, right), 0),
            max(right - max(w, left), 0),
            max(-top + min(0, bottom), 0),
            max(bottom - max(h, top), 0),
        )
        sub = arr[..., max(top, 0) : max(bottom, 0), max(left, 0) : max(right, 0)]
        return pad(sub, padding_lrtb, fill=0)
    return arr[..., top:bottom, left:right]


# ------------------------------------------------------------------------------------------------
# interpolation (torch.nn.functional.interpolate, align_corners=False)
# ------------------------------------------------------------------------------------------------


def _nearest_indices(in_size, out_size, exact):
    if out_size == in_size:
        return np.arange(out_size)
    if out_size == 2 * in_size and not exact:
        return np.arange(out_size) >> 1
    scale = np.float32(in_size) / np.float32(out_size)
    idx = np.arange(out_size)
    if exact:
        # torch: floorf((dst + 0.5) * scale) with the product in double
        src = np.floor(((idx + 0.5) * np.float64(scale)).astype(np.float32))
    else:
        src = np.floor(idx.astype(np.float32) * scale)
    return np.minimum(src.astype(np.int64), in_size - 1)


def _cubic1(x, a):
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cubic2(x, a):
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _linear_weights(in_size, out_size, dtype):
    """Indices and weights of torch's bilinear (align_corners=False) along one axis, as a dense matrix."""
    scale = dtype.type(in_size) / dtype.type(out_size)
    dst = np.arange(out_size, dtype=dtype)
    src = scale * (dst + dtype.type(0.5)) - dtype.type(0.5)
    src = np.maximum(src, dtype.type(0))
    i0 = src.astype(np.int64)
    lam1 = np.clip(src - i0.astype(dtype), 0, 1).astype(dtype)
    lam0 = (dtype.type(1) - lam1).astype(dtype)
    i1 = i0 + (i0 < in_size - 1)
    return [(i0, lam0), (i1, lam1)]


def _cubic_weights(in_size, out_size, dtype, a=-0.75):
    scale = dtype.type(in_size) / dtype.type(out_size)
    dst = np.arange(out_size, dtype=dtype)
    src = scale * (dst + dtype.type(0.5)) - dtype.type(0.5)
    i = np.floor(src)
    t = (src - i).astype(dtype)
    i = i.astype(np.int64)
    a = dtype.type(a)
    one = dtype.type(1)
    coeffs = [
        _cubic2(t + one, a),
        _cubic1(t, a),
        _cubic1(one - t, a),
        _cubic2((one - t) + one, a),
    ]
    return [(np.clip(i - 1 + k, 0, in_size - 1), coeffs[k].astype(dtype)) for k in range(4)]


def _aa_matrix(in_size, out_size, mode, dtype):
    """Antialiased (PIL-style) resampling weights as a dense (out, in) matrix, like torch's _aa kernels."""
    interp_size = 2 if mode == "bilinear" else 4
    scale = dtype.type(in_size) / dtype.type(out_size)
    support = dtype.type(interp_size * 0.5) * scale if scale >= 1.0 else dtype.type(interp_size * 0.5)
    invscale = dtype.type(1.0) / scale if scale >= 1.0 else dtype.type(1.0)
    max_interp = int(math.ceil(support)) * 2 + 1
    if mode == "bilinear":

        def filt(x):
            x = np.abs(x)
            return np.where(x < 1.0, 1.0 - x, 0.0).astype(dtype)

    else:
        a = dtype.type(-0.5)

        def filt(x):
            x = np.abs(x)
            return np.where(x < 1.0, _cubic1(x, a), np.where(x < 2.0, _cubic2(x, a), 0.0)).astype(dtype)

    # all output positions at once (float32 like torch's weight computation)
    center = scale * (np.arange(out_size, dtype=dtype) + dtype.type(0.5))
    # torch adds the 0.5 in double before truncating
    xmin = np.maximum(np.trunc((center - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    xmax = np.minimum(np.trunc((center + support).astype(np.float64) + 0.5).astype(np.int64), in_size)
    xsize = np.clip(xmax - xmin, 0, max_interp)
    j = np.arange(max_interp)
    valid = j[None, :] < xsize[:, None]
    offset = (j[None, :] + xmin[:, None]).astype(dtype) - center[:, None]
    w = filt(((offset.astype(np.float64) + 0.5) * np.float64(invscale)).astype(dtype))
    w = np.where(valid, w, dtype.type(0))
    total = w.sum(axis=1, dtype=dtype, keepdims=True)
    w = np.where(total != 0, w / np.where(total != 0, total, dtype.type(1)), w).astype(dtype)
    mat = np.zeros((out_size, in_size), dtype=dtype)
    rows = np.broadcast_to(np.arange(out_size)[:, None], w.shape)[valid]
    cols = (xmin[:, None] + j[None, :])[valid]
    mat[rows, cols] = w[valid]
    return mat


def _apply_taps(arr, axis, taps):
    out = None
    for idx, w in taps:
        shape = [1] * arr.ndim
        shape[axis] = -1
        term = np.take(arr, idx, axis=axis) * w.reshape(shape)
        out = term if out is None else out + term
    return out


def interpolate(arr, size, mode, antialias=False):
    """``torch.nn.functional.interpolate(arr, size, mode=mode, align_corners=False)`` for NCHW floats."""
    out_h, out_w = size
    in_h, in_w = arr.shape[-2:]
    dtype = arr.dtype
    if mode in ("nearest", "nearest-exact"):
        exact = mode == "nearest-exact"
        ih = _nearest_indices(in_h, out_h, exact)
        iw = _nearest_indices(in_w, out_w, exact)
        return arr[..., ih[:, None], iw[None, :]]
    if antialias and mode in ("bilinear", "bicubic"):
        out = arr
        # horizontal pass first, then vertical, like torch's separable AA kernel
        if out_w != in_w:
            out = np.matmul(out, _aa_matrix(in_w, out_w, mode, dtype).T)
        if out_h != in_h:
            out = np.matmul(_aa_matrix(in_h, out_h, mode, dtype), out)
        return out.astype(dtype, copy=False)
    if mode == "bilinear":
        taps_h = _linear_weights(in_h, out_h, dtype)
        taps_w = _linear_weights(in_w, out_w, dtype)
    elif mode == "bicubic":
        taps_h = _cubic_weights(in_h, out_h, dtype)
        taps_w = _cubic_weights(in_w, out_w, dtype)
    else:
        raise ValueError(f"Unsupported interpolation mode {mode!r}")
    out = _apply_taps(arr, arr.ndim - 1, taps_w)
    out = _apply_taps(out, arr.ndim - 2, taps_h)
    return out.astype(dtype, copy=False)


def resize(arr, size, interpolation="bilinear", antialias=True):
    """torchvision's tensor ``resize``: cast to float, interpolate, round back for integer images."""
    if antialias is None:
        antialias = False
    if antialias and interpolation not in ("bilinear", "bicubic"):
        antialias = False
    ndim = arr.ndim
    x, info = to_nchw_float(arr)
    x = interpolate(x, size, interpolation, antialias=antialias)
    if interpolation == "bicubic" and info[3] == np.uint8:
        x = np.clip(x, 0, 255)
    return from_nchw_float(x, info, ndim)


# ------------------------------------------------------------------------------------------------
# geometric transforms through a sampling grid (torch.nn.functional.grid_sample)
# ------------------------------------------------------------------------------------------------


def _fma(a, b, c, dtype):
    """``a * b + c`` rounded once, like the fused multiply-add torch's CPU kernels are compiled to.

    Exact for float32 (the float64 product of two float32 values is exact); float64 falls back to two
    roundings, which is within one ulp.
    """
    if dtype == np.float32:
        return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(dtype)
    return (np.asarray(a, dtype) * np.asarray(b, dtype) + np.asarray(c, dtype)).astype(dtype)


def _linspace(start, end, steps, dtype):
    """``torch.linspace`` on CPU, bit for bit: ``step = (end - start) / (steps - 1)`` in ``dtype``; the first
    half is ``fma(step, i, start)``, the second half ``fma(-step, steps - 1 - i, end)``."""
    dtype = np.dtype(dtype)
    start = dtype.type(start)
    end = dtype.type(end)
    if steps == 1:
        return np.array([start], dtype=dtype)
    step = dtype.type((end - start) / dtype.type(steps - 1))
    idx = np.arange(steps)
    half = steps // 2
    up = _fma(step, idx.astype(dtype), start, dtype)
    down = _fma(-step, (steps - 1 - idx).astype(dtype), end, dtype)
    return np.where(idx < half, up, down).astype(dtype)


def _bmm_base_grid(xs, ys, mat, dtype):
    """``base_grid.bmm(mat)`` for torchvision's base grids: rows ``[x, y, 1]`` times a (3, 2) matrix.

    torch multiplies small batches (``3 * rows * 2 < 400``) with a plain loop and larger ones with BLAS,
    whose kernel fuses the second product into the first sum; both are reproduced here.
    """
    oh, ow = ys.shape[0], xs.shape[0]
    x = np.broadcast_to(xs[None, :], (oh, ow))
    y = np.broadcast_to(ys[:, None], (oh, ow))
    mat = np.asarray(mat, dtype=dtype)
    naive = 3 * oh * ow * 2 < 400
    cols = []
    for j in range(2):
        first = (x * mat[0, j]).astype(dtype)
        if naive:
            acc = (first + (y * mat[1, j]).astype(dtype)).astype(dtype)
        else:
            acc = _fma(y, mat[1, j], first, dtype)
        cols.append((acc + mat[2, j]).astype(dtype))
    return np.stack(cols, axis=-1)


def affine_grid(theta, w, h, ow, oh, dtype):
    """torchvision's ``_gen_affine_grid``: normalized sampling coordinates (oh, ow, 2)."""
    dtype = np.dtype(dtype)
    theta = np.asarray(theta, dtype=dtype).reshape(2, 3)
    xs = _linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, np.float32).astype(dtype)
    ys = _linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, np.float32).astype(dtype)
    rescaled = (theta.T / np.array([0.5 * w, 0.5 * h], dtype=dtype)).astype(dtype)  # (3, 2)
    return _bmm_base_grid(xs, ys, rescaled, dtype)


def perspective_grid(coeffs, ow, oh, dtype):
    """torchvision's ``_perspective_grid``: where each output pixel samples the input, as (oh, ow, 2)
    normalized coordinates, for Pillow's coefficients ``(a, b, c, d, e, f, g, h)``."""
    dtype = np.dtype(dtype)
    c = [dtype.type(v) for v in coeffs]
    theta1 = np.array([[c[0], c[1], c[2]], [c[3], c[4], c[5]]], dtype=dtype)
    theta2 = np.array([[c[6], c[7], 1.0], [c[6], c[7], 1.0]], dtype=dtype)
    xs = _linspace(0.5, ow * 1.0 + 0.5 - 1.0, ow, np.float32).astype(dtype)
    ys = _linspace(0.5, oh * 1.0 + 0.5 - 1.0, oh, np.float32).astype(dtype)
    rescaled1 = (theta1.T / np.array([0.5 * ow, 0.5 * oh], dtype=dtype)).astype(dtype)
    grid1 = _bmm_base_grid(xs, ys, rescaled1, dtype)
    grid2 = _bmm_base_grid(xs, ys, theta2.T, dtype)
    return ((grid1 / grid2).astype(dtype) - dtype.type(1.0)).astype(dtype)


def identity_grid(h, w):
    """torchvision's ``_create_identity_grid``: float32 (1, h, w, 2) pixel-centre coordinates in [-1, 1]."""
    xs = _linspace((-w + 1) / w, (w - 1) / w, w, np.float32)
    ys = _linspace((-h + 1) / h, (h - 1) / h, h, np.float32)
    gx = np.broadcast_to(xs[None, :], (h, w))
    gy = np.broadcast_to(ys[:, None], (h, w))
    return np.stack([gx, gy], axis=-1)[None]


def grid_sample(arr, grid, mode):
    """``grid_sample(arr, grid, mode, padding_mode="zeros", align_corners=False)``; one grid for the batch.

    Follows torch's vectorized CPU kernel step by step (``(g + 1) * (size / 2) - 0.5`` fused, the weights
    from the distances to the four sides, the four products accumulated with fused multiply-adds), so
    float32 results are bit-identical to torch's.
    """
    n, c, h, w = arr.shape
    dtype = arr.dtype
    one = dtype.type(1)
    gx, gy = grid[..., 0].astype(dtype), grid[..., 1].astype(dtype)
    ix = _fma((gx + one).astype(dtype), dtype.type(w) / dtype.type(2), dtype.type(-0.5), dtype)
    iy = _fma((gy + one).astype(dtype), dtype.type(h) / dtype.type(2), dtype.type(-0.5), dtype)

    def gather(yy, xx):
        valid = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
        vals = arr[:, :, np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)]
        return np.where(valid, vals, dtype.type(0))

    if mode == "nearest":
        # round half to even, like the kernel's vector round
        with np.errstate(invalid="ignore"):
            xn = np.nan_to_num(np.rint(ix), nan=-1.0, posinf=-1.0, neginf=-1.0).astype(np.int64)
            yn = np.nan_to_num(np.rint(iy), nan=-1.0, posinf=-1.0, neginf=-1.0).astype(np.int64)
        return gather(yn, xn).astype(dtype, copy=False)
    x_w = np.floor(ix)
    y_n = np.floor(iy)
    dist_w = (ix - x_w).astype(dtype)
    dist_e = (one - dist_w).astype(dtype)
    dist_n = (iy - y_n).astype(dtype)
    dist_s = (one - dist_n).astype(dtype)
    w_nw = (dist_s * dist_e).astype(dtype)
    w_ne = (dist_s * dist_w).astype(dtype)
    w_sw = (dist_n * dist_e).astype(dtype)
    w_se = (dist_n * dist_w).astype(dtype)
    with np.errstate(invalid="ignore"):
        x0 = np.nan_to_num(x_w, nan=-2.0, posinf=-2.0, neginf=-2.0).astype(np.int64)
        y0 = np.nan_to_num(y_n, nan=-2.0, posinf=-2.0, neginf=-2.0).astype(np.int64)
    out = (gather(y0, x0) * w_nw).astype(dtype)
    out = _fma(gather(y0, x0 + 1), w_ne, out, dtype)
    out = _fma(gather(y0 + 1, x0), w_sw, out, dtype)
    out = _fma(gather(y0 + 1, x0 + 1), w_se, out, dtype)
    return out


def apply_grid_transform(arr, grid, mode, fill):
    """torchvision's ``_apply_grid_transform``: sample, then paint ``fill`` where nothing was sampled."""
    ndim = arr.ndim
    dtype = grid.dtype
    x, info = to_nchw_float(arr, req=(dtype,))
    if fill is not None:
        mask = np.ones((x.shape[0], 1) + x.shape[2:], dtype=x.dtype)
        x = np.concatenate([x, mask], axis=1)
    x = grid_sample(x, grid, mode)
    if fill is not None:
        mask = np.broadcast_to(x[:, -1:], x[:, :-1].shape)
        x = x[:, :-1]
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = np.broadcast_to(np.array(fill_list, dtype=x.dtype).reshape(1, -1, 1, 1), x.shape)
        if mode == "nearest":
            x = np.where(mask < 0.5, fill_img, x)
        else:
            x = x * mask + (x.dtype.type(1) - mask) * fill_img
    return from_nchw_float(x, info, ndim)


def affine_output_size(matrix, w, h):
    """torchvision's ``_compute_affine_output_size`` (the canvas of ``rotate(..., expand=True)``)."""
    pts = np.array(
        [[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]],
        dtype=np.float32,
    )
    theta = np.array(matrix, dtype=np.float32).reshape(2, 3)
    new_pts = pts @ theta.T
    min_vals = new_pts.min(axis=0) + np.array([w * 0.5, h * 0.5], dtype=np.float32)
    max_vals = new_pts.max(axis=0) + np.array([w * 0.5, h * 0.5], dtype=np.float32)
    tol = np.float32(1e-4)
    cmax = np.ceil(np.trunc(max_vals / tol) * tol)
    cmin = np.floor(np.trunc(min_vals / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def affine(arr, matrix, interpolation, fill, out_size=None):
    dtype = arr.dtype if is_float(arr) else np.dtype(np.float32)
    h, w = arr.shape[-2:]
    ow, oh = out_size if out_size is not None else (w, h)
    grid = affine_grid(matrix, w, h, ow, oh, dtype)
    return apply_grid_transform(arr, grid, interpolation, fill)


def perspective_coeffs(startpoints, endpoints):
    """torchvision's ``_get_perspective_coeffs``: solve the 8x8 system in float64, round to float32.

    Returns the eight Python floats ``(a, b, c, d, e, f, g, h)`` with which an output pixel ``(x, y)``
    samples the input at ``((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1))``.
    """
    a_matrix = np.zeros((2 * len(startpoints), 8), dtype=np.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        a_matrix[2 * i, :] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        a_matrix[2 * i + 1, :] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
    b_matrix = np.asarray(startpoints, dtype=np.float64).reshape(8)
    res = np.linalg.lstsq(a_matrix, b_matrix, rcond=None)[0]
    return [float(v) for v in res.astype(np.float32)]


def perspective(arr, coeffs, interpolation, fill):
    dtype = arr.dtype if is_float(arr) else np.dtype(np.float32)
    h, w = arr.shape[-2:]
    grid = perspective_grid(coeffs, w, h, dtype)
    return apply_grid_transform(arr, grid, interpolation, fill)


def elastic_transform(arr, displacement, interpolation, fill):
    """torchvision's tensor ``elastic_transform``: sample at identity grid + ``displacement`` (1, H, W, 2).

    The grid keeps the dtype ``float32 + displacement.dtype`` promotes to, and the image is sampled in
    that dtype (as torch does), whatever the image's own float dtype.
    """
    h, w = arr.shape[-2:]
    grid = identity_grid(h, w) + displacement
    return apply_grid_transform(arr, grid[0], interpolation, fill)


def _equalize_channel(chan):
    hist = np.bincount(chan.reshape(-1), minlength=256).astype(np.int64)
    nonzero_hist = hist[hist != 0]
    step = int(nonzero_hist[:-1].sum()) // 255
    if step == 0:
        return chan
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.concatenate([[0], lut[:-1]]).clip(0, 255)
    return lut[chan.astype(np.int64)].astype(np.uint8)


def equalize(arr):
    """torchvision's tensor ``equalize``: per image and channel, a 256-bin histogram and its LUT."""
    flat = arr.reshape((-1,) + arr.shape[-3:])
    out = np.stack([np.stack([_equalize_channel(img[c]) for c in range(img.shape[0])]) for img in flat])
    return out.reshape(arr.shape)


# ------------------------------------------------------------------------------------------------
# color
# ------------------------------------------------------------------------------------------------


def rgb_to_grayscale(arr, num_output_channels):
    if arr.shape[-3] == 3:
        compute = arr.dtype if is_float(arr) else np.dtype(np.float32)
        r, g, b = (arr[..., i, :, :].astype(compute, copy=False) for i in range(3))
        l_img = compute.type(0.2989) * r + compute.type(0.587) * g + compute.type(0.114) * b
        l_img = l_img.astype(arr.dtype)[..., None, :, :]
    else:
        l_img = arr.copy()
    if num_output_channels == 3:
        return np.broadcast_to(l_img, arr.shape[:-3] + (3,) + arr.shape[-2:]).copy()
    return l_img


def blend(img1, img2, ratio):
    """``(ratio * img1 + (1 - ratio) * img2).clamp(0, bound).to(img1.dtype)``."""
    compute = img1.dtype if is_float(img1) else np.dtype(np.float32)
    ratio = float(ratio)
    r = compute.type(ratio)
    r1 = compute.type(1.0 - ratio)
    out = r * img1.astype(compute, copy=False) + r1 * np.asarray(img2).astype(compute, copy=False)
    out = np.clip(out, 0, max_value(img1.dtype))
    return out.astype(img1.dtype)


def adjust_contrast(arr, factor):
    compute = arr.dtype if is_float(arr) else np.dtype(np.float32)
    if arr.shape[-3] == 3:
        gray = rgb_to_grayscale(arr, 1).astype(compute)
    else:
        gray = arr.astype(compute)
    mean = gray.mean(axis=(-3, -2, -1), keepdims=True, dtype=np.float64).astype(compute)
    return blend(arr, mean, factor)


def _rgb2hsv(img):
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc = img.max(axis=-3)
    minc = img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    cr_divisor = np.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    one = img.dtype.type(1)
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (img.dtype.type(2.0) + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (img.dtype.type(4.0) + gc - rc)
    h = (hr + hg + hb).astype(img.dtype)
    h = np.fmod(h / img.dtype.type(6.0) + one, one)
    return np.stack((h, s, maxc), axis=-3)


def _hsv2rgb(img):
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    one = img.dtype.type(1)
    i = np.floor(h * img.dtype.type(6.0))
    f = h * img.dtype.type(6.0) - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (one - s), 0.0, 1.0)
    q = np.clip(v * (one - s * f), 0.0, 1.0)
    t = np.clip(v * (one - s * (one - f)), 0.0, 1.0)
    table = (
        (v, q, p, p, t, v),
        (t, v, v, q, p, p),
        (p, p, t, v, v, q),
    )
    out = np.stack([np.choose(i, channel) for channel in table], axis=-3)
    return out.astype(img.dtype)


def adjust_hue(arr, hue_factor):
    orig_dtype = arr.dtype
    img = convert_image_dtype(arr, np.float32, True) if orig_dtype != np.float32 else arr
    hsv = _rgb2hsv(img)
    h = np.mod(hsv[..., 0, :, :] + np.float32(hue_factor), np.float32(1.0))
    hsv = np.stack((h, hsv[..., 1, :, :], hsv[..., 2, :, :]), axis=-3)
    rgb = _hsv2rgb(hsv)
    if orig_dtype == np.float32:
        return rgb
    return convert_image_dtype(rgb, orig_dtype, np.issubdtype(orig_dtype, np.floating))


# ------------------------------------------------------------------------------------------------
# filtering
# ------------------------------------------------------------------------------------------------


def gaussian_kernel1d(kernel_size, sigma, dtype):
    half = (kernel_size - 1) * 0.5
    x = _linspace(-half, half, kernel_size, dtype)
    pdf = np.exp(dtype.type(-0.5) * (x / dtype.type(sigma)) ** 2)
    return (pdf / pdf.sum(dtype=dtype)).astype(dtype)


def gaussian_blur(arr, kernel_size, sigma):
    ndim = arr.ndim
    dtype = arr.dtype if is_float(arr) else np.dtype(np.float32)
    kx = gaussian_kernel1d(kernel_size[0], sigma[0], dtype)
    ky = gaussian_kernel1d(kernel_size[1], sigma[1], dtype)
    kernel = (ky[:, None] * kx[None, :]).astype(np.float64)
    x, info = to_nchw_float(arr, req=(dtype,))
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    xp = pad(x, (px, px, py, py), padding_mode="reflect").astype(np.float64)
    h, w = x.shape[-2:]
    out = np.zeros(x.shape, dtype=np.float64)
    for i in range(kernel_size[1]):
        for j in range(kernel_size[0]):
            out += kernel[i, j] * xp[..., i : i + h, j : j + w]
    return from_nchw_float(out.astype(dtype), info, ndim)
