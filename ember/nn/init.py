"""``ember.nn.init``: in-place parameter initialisation, as ``torch.nn.init``.

Every function fills its tensor in place under ``no_grad`` and returns it; tensors taken
from ``module.state_dict()`` share memory with the parameters, so initialising them
changes the module.
"""
import math
import warnings

import numpy as np

from .._device import get_xp
from .._methods import check_writable
from ..autograd.grad_mode import no_grad

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal", "constant",
           "eye", "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform",
           "kaiming_normal", "orthogonal", "sparse"]


def _rng(generator):
    from ..random import _get
    return _get(generator)._rng


def _draw_dtype(tensor):
    # draw float32 directly for float32/16 tensors: sampling float64 and casting doubles the
    # cost of initialising a large model (VGG16's 138M parameters)
    return np.float64 if tensor._data.dtype == np.float64 else np.float32


def _target(tensor):
    """The tensor's own array when random numbers can be drawn straight into it, else None."""
    d = tensor._data
    if tensor.dtype.name == "bfloat16":
        return None  # needs rounding to bfloat16 after the draw
    if type(d) is np.ndarray and d.dtype in (np.float32, np.float64) and \
            d.flags.c_contiguous and d.flags.writeable:
        return d
    return None


def _uniform(rng, a, b, tensor):
    if getattr(tensor._data, "_ember_meta", False):
        return tensor._data  # a meta tensor has no values to draw (and the RNG stays put)
    out = _target(tensor)
    u = rng.random(tuple(tensor.shape), dtype=_draw_dtype(tensor), out=out)
    u *= (b - a)
    u += a
    return u


def _normal(rng, mean, std, tensor):
    if getattr(tensor._data, "_ember_meta", False):
        return tensor._data  # a meta tensor has no values to draw (and the RNG stays put)
    out = _target(tensor)
    z = rng.standard_normal(tuple(tensor.shape), dtype=_draw_dtype(tensor), out=out)
    z *= std
    z += mean
    return z


def _fill(tensor, arr):
    """Write host array ``arr`` into ``tensor`` in place (cast to its dtype)."""
    if arr is tensor._data:  # drawn in place already
        tensor._version_box[0] += 1
        return tensor
    xp = get_xp(tensor._data)
    arr = np.asarray(arr).astype(tensor._data.dtype, copy=False)
    from .. import _dtype as D
    if tensor._dtype is D.bfloat16:
        arr = D.round_bf16(arr)
    check_writable(tensor)
    tensor._data[...] = arr if xp is np else xp.asarray(arr)
    tensor._version_box[0] += 1
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for an activation function (torch's table).

    Args:
        nonlinearity (str): ``'linear'``, ``'conv2d'``, ``'sigmoid'``, ``'tanh'``, ``'relu'``,
            ``'leaky_relu'`` or ``'selu'`` (and the other conv names).
        param (float, optional): the negative slope for ``'leaky_relu'`` (default 0.01).

    Example::

        >>> ember.nn.init.calculate_gain("relu")
        1.4142135623730951
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    if dimensions > 2:
        for s in tensor.shape[2:]:
            receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values from U(a, b).

    Example::

        >>> w = ember.empty(3, 5)
        >>> _ = ember.nn.init.uniform_(w, -1, 1)
    """
    with no_grad():
        return _fill(tensor, _uniform(_rng(generator), a, b, tensor))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values from N(mean, std^2).

    Example::

        >>> w = ember.empty(3, 5)
        >>> _ = ember.nn.init.normal_(w, 0.0, 0.02)
    """
    with no_grad():
        return _fill(tensor, _normal(_rng(generator), mean, std, tensor))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std^2) values truncated to ``[a, b]`` (inverse-CDF sampling).

    Example::

        >>> w = ember.empty(3, 5)
        >>> bool((ember.nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04).abs() <= 0.04).all())
        True
    """
    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    from ..ops.elementwise import _special
    with no_grad():
        lo = norm_cdf((a - mean) / std)
        hi = norm_cdf((b - mean) / std)
        u = _rng(generator).uniform(2 * lo - 1, 2 * hi - 1, tensor.shape)
        vals = _special(np, "erfinv")(u) * (std * math.sqrt(2.0)) + mean
        return _fill(tensor, np.clip(vals, a, b))


def constant_(tensor, val):
    """Fill with the constant ``val``.

    Example::

        >>> ember.nn.init.constant_(ember.empty(2), 0.3)
        tensor([0.3000, 0.3000])
    """
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill with ones.

    Example::

        >>> ember.nn.init.ones_(ember.empty(2))
        tensor([1., 1.])
    """
    with no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor):
    """Fill with zeros.

    Example::

        >>> ember.nn.init.zeros_(ember.empty(2))
        tensor([0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix.

    Example::

        >>> ember.nn.init.eye_(ember.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Fill a 3/4/5-D (conv weight) tensor with the Dirac delta (identity convolution).

    Args:
        groups (int): number of groups in the conv layer.

    Example::

        >>> w = ember.nn.init.dirac_(ember.empty(2, 2, 3))
        >>> w[0, 0].tolist()
        [0.0, 1.0, 0.0]
    """
    dimensions = tensor.ndimension()
    if dimensions not in [3, 4, 5]:
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_chans_per_grp = sizes[0] // groups
    min_dim = min(out_chans_per_grp, sizes[1])
    arr = np.zeros(tuple(sizes))
    for g in range(groups):
        for d in range(min_dim):
            idx = (g * out_chans_per_grp + d, d) + tuple(s // 2 for s in sizes[2:])
            arr[idx] = 1
    with no_grad():
        return _fill(tensor, arr)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Example::

        >>> w = ember.nn.init.xavier_uniform_(ember.empty(3, 5), gain=ember.nn.init.calculate_gain("relu"))
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Example::

        >>> w = ember.nn.init.xavier_normal_(ember.empty(3, 5))
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-bound, bound), bound = gain * sqrt(3 / fan).

    Args:
        a (float): negative slope of the following leaky_relu.
        mode (str): ``'fan_in'`` (preserve forward variance) or ``'fan_out'``.
        nonlinearity (str): ``'relu'`` or ``'leaky_relu'`` (default).

    Example::

        >>> w = ember.nn.init.kaiming_uniform_(ember.empty(3, 5), mode="fan_in", nonlinearity="relu")
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2), std = gain / sqrt(fan).

    Example::

        >>> w = ember.nn.init.kaiming_normal_(ember.empty(3, 5), mode="fan_out", nonlinearity="relu")
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix (QR of a Gaussian matrix), scaled by ``gain``.

    Example::

        >>> w = ember.nn.init.orthogonal_(ember.empty(3, 5))
    """
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flattened = _rng(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flattened = flattened.T
    q, r = np.linalg.qr(flattened)
    d = np.sign(np.diag(r))
    q = q * d
    if rows < cols:
        q = q.T
    with no_grad():
        return _fill(tensor, (q * gain).reshape(tuple(tensor.shape)))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor as a sparse matrix: N(0, std^2) values, a fraction ``sparsity`` of
    each column set to zero.

    Example::

        >>> w = ember.nn.init.sparse_(ember.empty(4, 3), sparsity=0.5)
        >>> int((w == 0).sum())
        6
    """
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    rng = _rng(generator)
    arr = rng.normal(0, std, (rows, cols))
    for col_idx in range(cols):
        zero_indices = rng.permutation(rows)[:num_zeros]
        arr[zero_indices, col_idx] = 0
    with no_grad():
        return _fill(tensor, arr)


def _make_deprecate(meth):
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of "
                      f"`nn.init.{new_name}`.", FutureWarning, stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = f"""{old_name}(...)

    Deprecated: use :func:`ember.nn.init.{new_name}` (same arguments).

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     _ = ember.nn.init.{old_name}(ember.empty(3, 3))  # doctest: +SKIP
    """
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
