"""``ember.testing``: torch.testing's ``assert_close`` and ``make_tensor``.

``assert_close`` compares tensors, Python numbers, and (nested) sequences / mappings of them with
torch's per-dtype default tolerances and torch's mismatch messages, so a test written against
``torch.testing`` runs unchanged. ``make_tensor`` draws random test inputs of any dtype.
"""
import cmath
import collections.abc
import contextlib
import dataclasses
import math
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["assert_close", "make_tensor", "assert_allclose"]

# {dtype: (rtol, atol)} -- torch's defaults; dtypes not listed compare exactly
_DTYPE_PRECISIONS = {
    D.float16: (0.001, 1e-5),
    D.bfloat16: (0.016, 1e-5),
    D.float32: (1.3e-6, 1e-5),
    D.float64: (1e-7, 1e-7),
    D.complex64: (1.3e-6, 1e-5),
    D.complex128: (1e-7, 1e-7),
}

# Python number types compare with the tolerances of these dtypes
_NUMBER_DTYPES = {int: D.int64, float: D.float64, complex: D.complex128}


class _Failure(Exception):
    """A comparison failure: the exception type to raise, its message, and the item path."""

    def __init__(self, exc_type, msg, path=()):
        super().__init__(msg)
        self.exc_type = exc_type
        self.msg = msg
        self.path = path

    def to_error(self, msg=None):
        if isinstance(msg, str):
            return self.exc_type(msg)
        text = self.msg
        if self.path:
            text += "\n\nThe failure occurred for item " + "".join(str([p]) for p in self.path)
        return self.exc_type(msg(text) if callable(msg) else text)


class _Unsupported(Exception):
    """Raised by a pair builder that cannot handle the given inputs (the next one is tried)."""


def _default_tolerances(dtypes):
    pairs = [_DTYPE_PRECISIONS.get(dt, (0.0, 0.0)) for dt in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _tolerances(dtypes, rtol, atol, path):
    if (rtol is None) != (atol is None):
        raise _Failure(ValueError, "Both 'rtol' and 'atol' must be either specified or omitted, "
                       f"but got no {'rtol' if rtol is None else 'atol'}.", path)
    if rtol is not None:
        return rtol, atol
    return _default_tolerances(dtypes)


def _mismatch_msg(identifier, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    exact = rtol == 0 and atol == 0
    lines = [f"{identifier} are not {'equal' if exact else 'close'}!", ""]
    if extra:
        lines.append(extra.strip())
    for kind, diff, idx, tol in (("absolute", abs_diff, abs_idx, atol),
                                 ("relative", rel_diff, rel_idx, rtol)):
        line = (f"{kind.title()} difference: {diff}" if idx is None
                else f"Greatest {kind} difference: {diff} at index {idx}")
        if not exact:
            line += f" (up to {tol} allowed)"
        lines.append(line)
    return "\n".join(lines).strip()


def _scalar_msg(actual, expected, rtol, atol, identifier="Scalars"):
    abs_diff = abs(actual - expected)
    rel_diff = math.inf if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg(identifier, f"Expected {expected} but got {actual}.", abs_diff, None,
                         atol, rel_diff, None, rtol)


# --------------------------------------------------------------------------- pairs


def _none_pair(actual, expected, path, opts):
    if actual is not None and expected is not None:
        raise _Unsupported
    if not (actual is None and expected is None):
        raise _Failure(AssertionError, f"None mismatch: {actual} is not {expected}", path)


def _bool_pair(actual, expected, path, opts):
    kinds = (bool, np.bool_)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)):
        raise _Unsupported
    a, e = bool(actual), bool(expected)
    if a is not e:
        raise _Failure(AssertionError, f"Booleans mismatch: {a} is not {e}", path)


def _number_pair(actual, expected, path, opts):
    kinds = (int, float, complex, np.number)
    if not (isinstance(actual, kinds) and isinstance(expected, kinds)) or \
            isinstance(actual, bool) or isinstance(expected, bool):
        raise _Unsupported
    a = actual.item() if isinstance(actual, np.number) else actual
    e = expected.item() if isinstance(expected, np.number) else expected
    rtol, atol = _tolerances([_NUMBER_DTYPES[type(a)], _NUMBER_DTYPES[type(e)]],
                             opts["rtol"], opts["atol"], path)
    if opts["check_dtype"] and type(a) is not type(e):
        raise _Failure(AssertionError,
                       f"The (d)types do not match: {type(a)} != {type(e)}.", path)
    if a == e:
        return
    if opts["equal_nan"] and cmath.isnan(a) and cmath.isnan(e):
        return
    diff = abs(a - e)
    if cmath.isfinite(diff) and diff <= atol + rtol * abs(e):
        return
    raise _Failure(AssertionError, _scalar_msg(a, e, rtol, atol), path)


def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    from ..functions import as_tensor
    try:
        return as_tensor(x)
    except Exception:
        raise _Unsupported from None


def _tensor_pair(actual, expected, path, opts):
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        raise _Unsupported
    if not opts["allow_subclasses"] and type(actual) is not type(expected):
        raise _Unsupported
    a, e = _as_tensor(actual), _as_tensor(expected)
    rtol, atol = _tolerances([a.dtype, e.dtype], opts["rtol"], opts["atol"], path)

    def attr_mismatch(name, x, y):
        raise _Failure(AssertionError,
                       f"The values for attribute '{name}' do not match: {x} != {y}.", path)

    if a.shape != e.shape:
        attr_mismatch("shape", a.shape, e.shape)
    if a.layout != e.layout:
        if opts["check_layout"]:
            attr_mismatch("layout", a.layout, e.layout)
    elif opts["check_stride"] and a.stride() != e.stride():
        attr_mismatch("stride()", a.stride(), e.stride())
    if opts["check_device"] and a.device != e.device:
        attr_mismatch("device", a.device, e.device)
    if opts["check_dtype"] and a.dtype != e.dtype:
        attr_mismatch("dtype", a.dtype, e.dtype)

    from ..autograd.grad_mode import no_grad
    with no_grad():
        a, e = a.detach(), e.detach()
        if a.device != e.device:
            a, e = a.cpu(), e.cpu()
        if a.dtype != e.dtype:
            common = D.promote_types(a.dtype, e.dtype)
            a, e = a.to(common), e.to(common)
        _compare_values(a, e, rtol, atol, opts["equal_nan"], path)


def _compare_values(a, e, rtol, atol, equal_nan, path):
    from ..functions import isclose
    matches = isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if a.ndim == 0:
        raise _Failure(AssertionError, _scalar_msg(a.item(), e.item(), rtol, atol), path)
    total = matches.numel()
    bad = total - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    af, ef, mf = a.flatten(), e.flatten(), matches.flatten()
    if not (a.dtype.is_floating_point or a.dtype.is_complex):
        af, ef = af.to(D.int64), ef.to(D.int64)
    abs_diff = (af - ef).abs()
    abs_diff[mf] = 0
    max_abs, abs_at = abs_diff.max(0)
    rel_diff = abs_diff / ef.abs()
    rel_diff[mf] = 0
    max_rel, rel_at = rel_diff.max(0)
    shape = tuple(a.shape)

    def unravel(flat):
        return tuple(int(i) for i in np.unravel_index(int(flat), shape))

    raise _Failure(AssertionError, _mismatch_msg(
        "Tensor-likes", extra, max_abs.item(), unravel(abs_at), atol, max_rel.item(),
        unravel(rel_at), rtol), path)


def _object_pair(actual, expected, path, opts):
    try:
        equal = actual == expected
    except Exception as exc:
        raise _Failure(ValueError, f"{actual} == {expected} failed with:\n{exc}.", path) from exc
    if not equal:
        raise _Failure(AssertionError, f"{actual} != {expected}", path)


_PAIRS = (_none_pair, _bool_pair, _number_pair, _tensor_pair)


def _walk(actual, expected, path, opts, out):
    """Compare ``actual`` and ``expected`` recursively; append failures to ``out``.

    Structural mismatches (lengths, keys, unsupported types) raise immediately."""
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and isinstance(expected, seq) and \
            not isinstance(actual, str) and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Failure(AssertionError, "The length of the sequences mismatch: "
                           f"{len(actual)} != {len(expected)}", path)
        for i in range(len(actual)):
            _walk(actual[i], expected[i], path + (i,), opts, out)
        return
    if isinstance(actual, collections.abc.Mapping) and \
            isinstance(expected, collections.abc.Mapping):
        ka, ke = set(actual.keys()), set(expected.keys())
        if ka != ke:
            raise _Failure(AssertionError, (
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(ke - ka)}\n"
                f"Additional keys in the actual mapping: {sorted(ka - ke)}"), path)
        keys = ka
        with contextlib.suppress(Exception):
            keys = sorted(ka)
        for k in keys:
            _walk(actual[k], expected[k], path + (k,), opts, out)
        return
    if not isinstance(actual, (type, Tensor, np.ndarray, np.generic)) and \
            dataclasses.is_dataclass(actual) and dataclasses.is_dataclass(expected) and \
            type(actual) is type(expected):
        for f in dataclasses.fields(actual):
            if f.compare:
                _walk(getattr(actual, f.name), getattr(expected, f.name), path + (f.name,),
                      opts, out)
        return
    for pair in _PAIRS:
        try:
            pair(actual, expected, path, opts)
            return
        except _Unsupported:
            continue
        except _Failure as failure:
            out.append(failure)
            return
    raise _Failure(TypeError, "No comparison pair was able to handle inputs of type "
                   f"{type(actual)} and {type(expected)}.", path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Assert that ``actual`` and ``expected`` are close, as ``torch.testing.assert_close``.

    Real values are close when ``|actual - expected| <= atol + rtol * |expected|``; ``inf``
    only matches the same ``inf``; NaNs match only with ``equal_nan=True``. Tensors must also
    agree in shape and (unless disabled) device, dtype, layout and stride. Inputs may be
    tensors, Python/NumPy numbers, arrays, or nested sequences and mappings of them (compared
    element by element; the failing item is named in the message). Default tolerances by dtype:
    float16 ``(rtol 1e-3, atol 1e-5)``, bfloat16 ``(1.6e-2, 1e-5)``, float32 / complex64
    ``(1.3e-6, 1e-5)``, float64 / complex128 ``(1e-7, 1e-7)``, other dtypes exact; the
    looser of the two inputs' dtypes applies.

    Args:
        actual: the value under test.
        expected: the reference value.
        allow_subclasses (bool): allow inputs of directly related types (e.g. a Parameter and
            a Tensor). Default: True.
        rtol (float, optional): relative tolerance; give ``atol`` too.
        atol (float, optional): absolute tolerance; give ``rtol`` too.
        equal_nan (bool): treat two NaNs as equal. Default: False.
        check_device (bool): require the same device (else both move to the CPU).
        check_dtype (bool): require the same dtype (else both are promoted).
        check_layout (bool): require the same layout.
        check_stride (bool): require the same strides. Default: False.
        msg (str or callable, optional): replaces the message, or (callable) receives the
            generated message and returns the one to raise.

    Raises:
        AssertionError: when the inputs are not close (message in torch's format).
        ValueError: when only one of ``rtol`` / ``atol`` is given.
        TypeError: when the inputs cannot be compared.

    Example::

        >>> ember.testing.assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
        >>> ember.testing.assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.5]))
        Traceback (most recent call last):
        ...
        AssertionError: Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 2 (50.0%)
        Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    opts = dict(allow_subclasses=allow_subclasses, rtol=rtol, atol=atol, equal_nan=equal_nan,
                check_device=check_device, check_dtype=check_dtype, check_layout=check_layout,
                check_stride=check_stride)
    failures = []
    try:
        _walk(actual, expected, (), opts, failures)
    except _Failure as failure:
        raise failure.to_error() from None
    if failures:
        raise failures[0].to_error(msg)


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated form of :func:`assert_close` (torch.testing.assert_allclose); warns.

    Non-tensors are turned into tensors (``expected`` with ``actual``'s dtype), dtypes need
    not match, NaNs compare equal by default, and the default tolerances are float16
    ``(1e-3, 1e-3)``, float32 ``(1e-4, 1e-5)``, float64 ``(1e-5, 1e-8)``.

    Args:
        actual: the value under test.
        expected: the reference value.
        rtol (float, optional): relative tolerance (give ``atol`` too).
        atol (float, optional): absolute tolerance (give ``rtol`` too).
        equal_nan (bool): treat two NaNs as equal. Default: True.
        msg (str): message to raise instead of the generated one.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     ember.testing.assert_allclose(ember.tensor([1.0]), [1.00001])
    """
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a "
        "future release. Please use `torch.testing.assert_close()` instead. You can find "
        "detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.",
        FutureWarning, stacklevel=2)
    from ..functions import tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        table = {D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)}
        pairs = [table.get(t.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)


# --------------------------------------------------------------------------- make_tensor

_INTEGRAL = (D.uint8, D.int8, D.int16, D.int32, D.int64)
_FLOATING = (D.float16, D.bfloat16, D.float32, D.float64)
_COMPLEX = (D.complex64, D.complex128)


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of ``shape`` filled with values drawn uniformly from ``[low, high)``.

    Defaults for the range: bool ``[0, 2)``, uint8 ``[0, 10)``, signed integers ``[-9, 10)``,
    floating and complex ``[-9, 9)`` (both parts for complex). Bounds outside the dtype's
    finite range are clamped to it.

    Args:
        *shape (int or sequence of ints): the shape (``make_tensor(2, 3, ...)`` or
            ``make_tensor((2, 3), ...)``).
        dtype (ember.dtype): the dtype (keyword-only).
        device (str or ember.device): the device (keyword-only).
        low (number, optional): inclusive lower bound.
        high (number, optional): exclusive upper bound.
        requires_grad (bool): make the result a leaf that requires grad (floating/complex
            dtypes only).
        noncontiguous (bool): return a non-contiguous view (every other element of a twice as
            long last dimension); ignored for tensors of fewer than two elements.
        exclude_zero (bool): replace zeros with 1 (bool/integers) or the dtype's smallest
            normal number (``finfo(dtype).tiny``).
        memory_format (ember.memory_format, optional): ``ember.channels_last`` for 4-d
            results, or ``ember.contiguous_format``; exclusive with ``noncontiguous``.

    Raises:
        ValueError: for ``low >= high``, NaN bounds, ``requires_grad`` with an integral dtype,
            or ``noncontiguous`` together with ``memory_format``.
        TypeError: for a dtype make_tensor does not support.

    Example::

        >>> t = ember.testing.make_tensor(2, 3, dtype=ember.float32, device="cpu", low=-1, high=1)
        >>> t.shape, bool(((t >= -1) & (t < 1)).all())
        (torch.Size([2, 3]), True)
        >>> ember.testing.make_tensor((4,), dtype=ember.int64, device="cpu", low=0, high=1)
        tensor([0, 0, 0, 0])
    """
    from .. import functions as F
    from .._finfo import finfo, iinfo

    if len(shape) == 1 and isinstance(shape[0], collections.abc.Sequence):
        shape = shape[0]
    shape = tuple(int(s) for s in shape)
    if noncontiguous and memory_format is not None:
        raise ValueError("The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    integral = dtype is D.bool or dtype in _INTEGRAL
    if requires_grad and integral:
        raise ValueError("`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = (*shape[:-1], 2 * shape[-1])

    def bounds(lo_incl, hi_excl, d_lo, d_hi):
        lo = d_lo if low is None else low
        hi = d_hi if high is None else high
        if any(isinstance(v, float) and math.isnan(v) for v in (lo, hi)):
            raise ValueError(f"`low` and `high` cannot be NaN, but got low={lo} and high={hi}")
        if lo == hi and not integral:
            warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or "
                          "complex types is deprecated since 2.1 and will be removed in 2.3. "
                          "Use `torch.full(...)` instead.", FutureWarning, stacklevel=3)
        elif lo >= hi:
            raise ValueError(f"`low` must be less than `high`, but got {lo} >= {hi}")
        elif hi < lo_incl or lo >= hi_excl:
            raise ValueError(f"The value interval specified by `low` and `high` is [{lo}, "
                             f"{hi}), but {dtype} only supports [{lo_incl}, {hi_excl})")
        lo = min(max(lo, lo_incl), hi_excl)
        hi = min(max(hi, lo_incl), hi_excl)
        if integral:
            return math.ceil(lo), math.ceil(hi)
        return lo, hi

    if dtype is D.bool:
        lo, hi = bounds(0, 2, 0, 2)
        result = F.randint(lo, hi, shape, device=device, dtype=dtype)
    elif dtype in _INTEGRAL:
        info = iinfo(dtype)
        lo, hi = bounds(info.min, info.max + (1 if dtype is not D.int64 else 0), -9, 10)
        result = F.randint(lo, hi, shape, device=device, dtype=dtype)
    elif dtype in _FLOATING or dtype in _COMPLEX:
        info = finfo(dtype)
        lo, hi = bounds(info.min, info.max, -9, 9)
        result = F.empty(shape, device=device, dtype=dtype)
        target = F.view_as_real(result) if dtype in _COMPLEX else result
        if hi - lo >= info.max:
            target.uniform_(lo / 2, hi / 2).mul_(2)
        else:
            target.uniform_(lo, hi)
    else:
        raise TypeError(f"The requested dtype '{dtype}' is not supported by "
                        "torch.testing.make_tensor(). To request support, file an issue at: "
                        "https://github.com/pytorch/pytorch/issues")
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = _to_memory_format(result, memory_format)
    if exclude_zero:
        result[result == 0] = 1 if integral else finfo(dtype).tiny
    if not integral:
        result.requires_grad = requires_grad
    return result


def _to_memory_format(t, memory_format):
    import ember
    if memory_format is ember.channels_last:
        if t.ndim != 4:
            raise RuntimeError("required rank 4 tensor to use channels_last format")
        return t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    if memory_format is ember.contiguous_format or memory_format is ember.preserve_format:
        return t.clone()
    raise ValueError(f"unsupported memory_format {memory_format}")
