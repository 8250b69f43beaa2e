"""Autocasting: torch's per-op mixed precision (``ember.autocast`` / ``ember.amp.autocast``).

One hook does the work: while any autocast region is enabled, ``Function.apply``
(``ember/autograd/function.py``) hands each op's Function class and arguments to
:func:`_cast_args`, which looks the class up in the policy table of the tensors' device type
and casts the floating (non-float64) tensor arguments differentiably with ``.to(dtype)``:

* "lower precision" ops (linear, matmul family, einsum, convolutions, prelu, recurrent
  layers) run in the autocast dtype (bfloat16 on the CPU, float16 on CUDA by default);
* "float32" ops (cross-entropy / nll / ctc losses, ``prod``, 3-d pooling, fft, linalg
  inverses on both device types; on CUDA also softmax / log_softmax / logsumexp, layer and
  group norm, exp / log / expm1 / log1p / ..., sum / cumsum / cumprod) run in float32;
  ``binary_cross_entropy`` raises on CUDA, as in torch.

When autocast is off the hook costs ``Function.apply`` one list lookup. The table follows
torch's CPU and CUDA op lists for the ops that ember implements as one Function; ops that
ember composes from primitives follow ordinary type promotion instead: ``mse_loss``,
``l1_loss``, ``kl_div``, ``binary_cross_entropy_with_logits``, ``cdist`` (float32 when any
input is float32, torch's result too), and ``addmm`` / ``addbmm`` / ``baddbmm`` /
``conv_transpose*d`` with a float32 bias or ``input`` (float32 here, the autocast dtype in
torch: the product runs in the autocast dtype, the bias add promotes). ``pow`` is not
autocast on CUDA. Run ``backward`` outside the region (backward formulas are ember ops and
would otherwise be autocast too).
"""
import functools
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import function as _function

__all__ = ["autocast", "custom_fwd", "custom_bwd", "is_autocast_available"]

# per device type: [enabled, dtype]
_STATE = {"cpu": [False, D.bfloat16], "cuda": [False, D.float16]}
_CACHE_ENABLED = [True]
_NESTING = [0]
_CACHE = {}   # id(leaf) -> (leaf, version, dtype, cast)

_LOWER, _FP32 = "lower", "fp32"
_POLICY = {}  # Function class -> (cpu policy, cuda policy); filled on first use


def _device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if device_type not in _STATE:
        raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
    return device_type


def _sync_hook():
    """Install the Function.apply hook while any device type has autocast enabled."""
    on = _STATE["cpu"][0] or _STATE["cuda"][0]
    if on and not _POLICY:
        _build_policy()
    _function.AUTOCAST[0] = _cast_args if on else None


def _pool3d(args, target):
    """3-d pooling only (torch's CPU list has avg_pool3d / max_pool3d, not the 1-d/2-d ones)."""
    x = args[0]
    if isinstance(x, Tensor) and x.ndim == 5:
        return tuple(_cast(a, target) for a in args)
    return args


def _result_dtype_arg(args, target):
    """Ops whose last argument is the result dtype (``Prod``): cast the input and, when that
    dtype was the input's own (no explicit ``dtype=``), the result dtype too."""
    x, dt = args[0], args[-1]
    if not isinstance(x, Tensor) or dt is not x._dtype:
        return args
    x = _cast(x, target)
    return (x,) + tuple(args[1:-1]) + (x._dtype,)


def _build_policy():
    """Fill ``_POLICY`` (op class -> (cpu rule, cuda rule)); all or nothing."""
    try:
        _fill_policy()
    except BaseException:
        _POLICY.clear()
        raise


def _fill_policy():
    from ..ops import nn_ops, linalg, conv, norm, reduce, pool, elementwise, rnn_ops, ctc
    from .. import fft as _fft
    lower = [nn_ops.Linear, nn_ops.LinearNoBias, nn_ops.PRelu, linalg.Matmul, linalg.Einsum,
             conv.ConvNd, conv.ConvNdBackwardInput, rnn_ops.RNNLayer]
    for cls in lower:
        _POLICY[cls] = (_LOWER, _LOWER)
    # float32 on both device types
    both = [nn_ops.CrossEntropy, nn_ops.NLLLoss, ctc.CtcLoss, linalg.Inv,
            linalg.Det, linalg.Solve, linalg.Cholesky, _fft._C2C, _fft._R2C, _fft._C2R]
    for cls in both:
        _POLICY[cls] = (_FP32, _FP32)
    _POLICY[nn_ops.BinaryCrossEntropy] = (_FP32, "banned")
    _POLICY[reduce.Prod] = ((_FP32, _result_dtype_arg), (_FP32, _result_dtype_arg))
    _POLICY[pool.AvgPoolNd] = ((_FP32, _pool3d), None)
    _POLICY[pool.MaxPoolNd] = ((_FP32, _pool3d), None)
    # CUDA-only float32 ops
    for cls in (reduce.Sum, reduce.SumDim, reduce.Cumsum, reduce.Cumprod):
        _POLICY[cls] = (None, (_FP32, _result_dtype_arg))
    cuda_fp32 = [reduce.Softmax, reduce.LogSoftmax, reduce.LogSumExp, norm.Normalize]
    cuda_fp32 += [elementwise.UNARY_FNS[n] for n in (
        "exp", "expm1", "log", "log2", "log10", "log1p", "acos", "asin", "cosh", "sinh", "tan",
        "rsqrt", "reciprocal", "erfinv", "softplus_")]
    for cls in cuda_fp32:
        _POLICY.setdefault(cls, (None, _FP32))


_BCE_MSG = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional."
    "binary_cross_entropy_with_logits\nor torch.nn.BCEWithLogitsLoss.  "
    "binary_cross_entropy_with_logits and BCEWithLogits are\nsafe to autocast.")


def _cast_args(cls, args):
    """The Function.apply hook: ``args`` cast by ``cls``'s autocast policy (or unchanged)."""
    policy = _POLICY.get(cls)
    if policy is None:
        return args
    for a in args:
        if isinstance(a, Tensor):
            dev = "cpu" if type(a._data) is np.ndarray else "cuda"
            break
    else:
        return args
    state = _STATE[dev]
    if not state[0]:
        return args
    pol = policy[0] if dev == "cpu" else policy[1]
    if pol is None:
        return args
    if pol == "banned":
        raise RuntimeError(_BCE_MSG)
    if isinstance(pol, tuple):  # (policy, argument adjuster)
        pol, adjust = pol
        return adjust(args, state[1] if pol == _LOWER else D.float32)
    target = state[1] if pol == _LOWER else D.float32
    return tuple(_cast(a, target) for a in args)


def _cast(a, dtype):
    if not isinstance(a, Tensor):
        return a
    dt = a._dtype
    if dt is dtype or not dt.is_floating_point or dt is D.float64:
        return a
    if _CACHE_ENABLED[0] and a._requires_grad and a.grad_fn is None and dtype is not D.float32:
        hit = _CACHE.get(id(a))
        if hit is not None and hit[0] is a and hit[1] == a._version_box[0] and hit[2] is dtype:
            return hit[3]
        out = a.to(dtype)
        _CACHE[id(a)] = (a, a._version_box[0], dtype, out)
        return out
    return a.to(dtype)


# --------------------------------------------------------------------------- state functions


def is_autocast_available(device_type):
    """Whether autocast supports ``device_type`` (``'cpu'`` and ``'cuda'`` in ember).

    Args:
        device_type (str): a device type, e.g. ``'cpu'``.

    Example::

        >>> ember.amp.is_autocast_available("cpu")
        True
    """
    return device_type in _STATE


def is_autocast_enabled(device_type=None):
    """Whether autocast is enabled for ``device_type`` (CUDA when omitted, as torch).

    Args:
        device_type (str, optional): ``'cpu'`` or ``'cuda'``. Default: ``'cuda'``.

    Example::

        >>> with ember.autocast("cpu"):
        ...     ember.is_autocast_enabled("cpu")
        True
    """
    return _STATE[_device_type(device_type or "cuda")][0]


def set_autocast_enabled(device_type, enabled=None):
    """Turn autocast on or off for ``device_type`` (prefer the :class:`autocast` context).

    ``set_autocast_enabled(bool)`` (one argument) sets the CUDA state, as torch's old form.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        enabled (bool): the new state.

    Example::

        >>> ember.set_autocast_enabled("cpu", True)
        >>> ember.is_autocast_enabled("cpu")
        True
        >>> ember.set_autocast_enabled("cpu", False)
    """
    if enabled is None and isinstance(device_type, bool):
        device_type, enabled = "cuda", device_type
    _STATE[_device_type(device_type)][0] = bool(enabled)
    _sync_hook()


def get_autocast_dtype(device_type):
    """The dtype autocast uses for ``device_type`` (bfloat16 on the CPU, float16 on CUDA).

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.

    Example::

        >>> ember.get_autocast_dtype("cpu")
        torch.bfloat16
    """
    return _STATE[_device_type(device_type)][1]


def set_autocast_dtype(device_type, dtype):
    """Set the dtype autocast uses for ``device_type``.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        dtype (ember.dtype): the lower-precision dtype.

    Example::

        >>> ember.set_autocast_dtype("cpu", ember.float16)
        >>> ember.get_autocast_dtype("cpu")
        torch.float16
        >>> ember.set_autocast_dtype("cpu", ember.bfloat16)
    """
    _STATE[_device_type(device_type)][1] = dtype


def _deprecated(old, new):
    warnings.warn(f"torch.{old}() is deprecated. Please use torch.{new} instead.",
                  DeprecationWarning, stacklevel=3)


def is_autocast_cpu_enabled():
    """Deprecated: ``is_autocast_enabled('cpu')``.

    Args:
        (none)

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.is_autocast_cpu_enabled()
        False
    """
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return _STATE["cpu"][0]


def set_autocast_cpu_enabled(enabled):
    """Deprecated: ``set_autocast_enabled('cpu', enabled)``.

    Args:
        enabled (bool): the new state.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.set_autocast_cpu_enabled(False)
    """
    _deprecated("set_autocast_cpu_enabled", "set_autocast_enabled('cpu', enabled)")
    set_autocast_enabled("cpu", enabled)


def get_autocast_cpu_dtype():
    """Deprecated: ``get_autocast_dtype('cpu')``.

    Args:
        (none)

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.get_autocast_cpu_dtype()
        torch.bfloat16
    """
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return _STATE["cpu"][1]


def set_autocast_cpu_dtype(dtype):
    """Deprecated: ``set_autocast_dtype('cpu', dtype)``.

    Args:
        dtype (ember.dtype): the lower-precision dtype.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.set_autocast_cpu_dtype(ember.bfloat16)
    """
    _deprecated("set_autocast_cpu_dtype", "set_autocast_dtype('cpu', dtype)")
    _STATE["cpu"][1] = dtype


def get_autocast_gpu_dtype():
    """Deprecated: ``get_autocast_dtype('cuda')``.

    Args:
        (none)

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.get_autocast_gpu_dtype()
        torch.float16
    """
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return _STATE["cuda"][1]


def set_autocast_gpu_dtype(dtype):
    """Deprecated: ``set_autocast_dtype('cuda', dtype)``.

    Args:
        dtype (ember.dtype): the lower-precision dtype.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.set_autocast_gpu_dtype(ember.float16)
    """
    _deprecated("set_autocast_gpu_dtype", "set_autocast_dtype('cuda', dtype)")
    _STATE["cuda"][1] = dtype


def is_autocast_cache_enabled():
    """Whether casts of leaf tensors (weights) are cached inside autocast regions.

    Args:
        (none)

    Example::

        >>> ember.is_autocast_cache_enabled()
        True
    """
    return _CACHE_ENABLED[0]


def set_autocast_cache_enabled(enabled):
    """Enable or disable the autocast weight-cast cache.

    Args:
        enabled (bool): the new state.

    Example::

        >>> ember.set_autocast_cache_enabled(True)
    """
    _CACHE_ENABLED[0] = bool(enabled)


def clear_autocast_cache():
    """Drop the cached casts of leaf tensors (done when the outermost autocast region exits).

    Args:
        (none)

    Example::

        >>> ember.clear_autocast_cache()
    """
    _CACHE.clear()


def autocast_increment_nesting():
    """Count one more entered autocast region; returns the new depth.

    Args:
        (none)

    Example::

        >>> ember.autocast_increment_nesting(); ember.autocast_decrement_nesting()
        1
        0
    """
    _NESTING[0] += 1
    return _NESTING[0]


def autocast_decrement_nesting():
    """Count one less autocast region; returns the new depth.

    Args:
        (none)

    Example::

        >>> ember.autocast_increment_nesting(); ember.autocast_decrement_nesting()
        1
        0
    """
    _NESTING[0] -= 1
    return _NESTING[0]


# --------------------------------------------------------------------------- autocast


def _cuda_available():
    try:
        from .. import cuda
        return bool(cuda.is_available())
    except Exception:  # pragma: no cover - no CuPy at all
        return False


class autocast:
    """A context manager / decorator that runs a region in mixed precision (``torch.autocast``).

    Inside an enabled region, ops of torch's "lower precision" list (``linear``,
    ``matmul``/``mm``/``bmm``, ``einsum``, ``conv*d``, ``conv_transpose*d``, ``prelu``,
    recurrent layers) run in ``dtype`` and ops of its "float32" list (cross-entropy/nll
    losses, ``prod``, fft, ... and on CUDA also softmax, layer/group norm, exp/log/pow, sums)
    run in float32; other ops run in their inputs' dtype. Casts are differentiable, so
    gradients reach float32 parameters as float32. Regions nest; ``enabled=False`` turns
    autocast off inside an enabled region. Run ``backward`` outside the region.

    Args:
        device_type (str): ``'cpu'`` or ``'cuda'``.
        dtype (ember.dtype, optional): the lower-precision dtype. Default:
            ``get_autocast_dtype(device_type)`` (bfloat16 on the CPU, float16 on CUDA).
        enabled (bool): whether autocasting is on in the region. Default: True.
        cache_enabled (bool, optional): cache the casts of leaf tensors (weights) within
            the region. Default: ``is_autocast_cache_enabled()``.

    Example::

        >>> lin = ember.nn.Linear(3, 2)
        >>> with ember.autocast("cpu"):
        ...     y = lin(ember.ones(4, 3))
        >>> y.dtype
        torch.bfloat16
        >>> @ember.autocast("cpu")
        ... def f(a, b):
        ...     return a @ b
        >>> f(ember.ones(2, 2), ember.ones(2, 2)).dtype
        torch.bfloat16
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        device_type = _device_type(device_type)
        self.device = device_type
        self.fast_dtype = get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = (is_autocast_cache_enabled() if cache_enabled is None
                               else bool(cache_enabled))
        enabled = bool(enabled)
        if enabled:
            if device_type == "cuda":
                if not _cuda_available():
                    warnings.warn("CUDA is not available or torch_xla is imported. Disabling "
                                  "autocast.", stacklevel=2)
                    enabled = False
            elif self.fast_dtype not in (D.bfloat16, D.float16):
                warnings.warn("In CPU autocast, but the target dtype is not supported. "
                              "Disabling autocast.\nCPU Autocast only supports dtypes of "
                              "torch.bfloat16, torch.float16 currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        if self._enabled and not _POLICY:
            _build_policy()  # before any state changes: a failure leaves autocast off
        self.prev_cache_enabled = _CACHE_ENABLED[0]
        self.prev = _STATE[self.device][0]
        self.prev_fastdtype = _STATE[self.device][1]
        _STATE[self.device][0] = self._enabled
        _STATE[self.device][1] = self.fast_dtype
        autocast_increment_nesting()
        _CACHE_ENABLED[0] = self._cache_enabled
        _sync_hook()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if autocast_decrement_nesting() == 0:
            clear_autocast_cache()
        _STATE[self.device][0] = self.prev
        _STATE[self.device][1] = self.prev_fastdtype
        _CACHE_ENABLED[0] = self.prev_cache_enabled
        _sync_hook()
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got "
                            f"{type(func).__name__}. Did you mean to use autocast as a context "
                            "manager? For example:\n    with torch.autocast(device_type=...):\n"
                            "        output = model(input)")

        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled, self._cache_enabled):
                return func(*args, **kwargs)
        decorate_autocast.__script_unsupported = "@autocast() decorator is not supported in script mode"
        return decorate_autocast

    def __repr__(self):
        return (f"autocast(device_type={self.device!r}, dtype={self.fast_dtype}, "
                f"enabled={self._enabled})")


# --------------------------------------------------------------------------- custom_fwd/bwd


def _cast_tree(value, device_type, dtype):
    if isinstance(value, Tensor):
        dev = "cpu" if type(value._data) is np.ndarray else "cuda"
        if dev == device_type and value._dtype.is_floating_point and value._dtype is not \
                D.float64:
            return value.to(dtype)
        return value
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, dict):
        return {k: _cast_tree(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_tree(v, device_type, dtype) for v in value)
    return value


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorator for the ``forward`` of a custom ``autograd.Function`` under autocast.

    Records whether autocast was on so :func:`custom_bwd` can run backward in the same state;
    with ``cast_inputs``, floating inputs are cast to that dtype and forward runs with
    autocast off (when called inside an enabled region).

    Args:
        fwd (callable): the forward static method (decorator use without parentheses is an
            error in torch 2.x: give ``device_type``).
        device_type (str): ``'cpu'`` or ``'cuda'``.
        cast_inputs (ember.dtype, optional): the dtype to run forward in.

    Example::

        >>> class Mul2(ember.autograd.Function):
        ...     @staticmethod
        ...     @ember.amp.custom_fwd(device_type="cpu", cast_inputs=ember.float32)
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     @ember.amp.custom_bwd(device_type="cpu")
        ...     def backward(ctx, g):
        ...         return g * 2
        >>> with ember.autocast("cpu"):
        ...     Mul2.apply(ember.ones(2, dtype=ember.bfloat16)).dtype
        torch.float32
    """
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        autocast_context = is_autocast_enabled(device_type)
        args[0]._fwd_used_autocast = False
        if autocast_context:
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast_tree(args, device_type, cast_inputs),
                           **_cast_tree(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorator for the ``backward`` of a custom ``autograd.Function``: runs it with the
    autocast state (and dtype) that :func:`custom_fwd` recorded.

    Args:
        bwd (callable): the backward static method.
        device_type (str): ``'cpu'`` or ``'cuda'``.

    Example::

        >>> class Ident(ember.autograd.Function):
        ...     @staticmethod
        ...     @ember.amp.custom_fwd(device_type="cpu")
        ...     def forward(ctx, x):
        ...         return x.clone()
        ...     @staticmethod
        ...     @ember.amp.custom_bwd(device_type="cpu")
        ...     def backward(ctx, g):
        ...         return g
        >>> x = ember.ones(2, requires_grad=True)
        >>> Ident.apply(x).sum().backward(); x.grad
        tensor([1., 1.])
    """
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        ctx = args[0]
        with autocast(device_type=device_type, enabled=getattr(ctx, "_fwd_used_autocast", False),
                      dtype=getattr(ctx, "_dtype", None)):
            return bwd(*args, **kwargs)
    return decorate_bwd
