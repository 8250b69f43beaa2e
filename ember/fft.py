"""``ember.fft``: torch.fft's discrete Fourier transforms on NumPy's / CuPy's ``xp.fft``.

Three primitives carry everything (forward on raw arrays, backward as ember ops, so higher
derivatives work):

* ``_C2C``: complex-to-complex (``fft``, ``ifft``, ``fftn`` ...); real inputs are accepted and
  their gradient is the real part of the complex one.
* ``_R2C``: real-to-complex, one-sided along the last transformed dim (``rfft*``, ``ihfft*``).
* ``_C2R``: complex-to-real from a one-sided spectrum (``irfft*``, ``hfft*``).

Gradients follow torch's conventions for complex tensors (the gradient of a real loss ``L``
with respect to ``z = x + iy`` is ``dL/dx + i dL/dy``): the adjoint of a transform with norm
``"backward"`` is the opposite transform with norm ``"forward"`` (and vice versa; ``"ortho"``
is its own), a zero-padded / cropped input gets its gradient cropped / zero-padded back, and
the backward of ``irfft`` is ``rfft`` with the non-self-conjugate bins doubled.

dtype rules (as torch): float32 -> complex64, float64 -> complex128, integer and bool inputs
are promoted to the default float dtype first; float16 and bfloat16 are not supported on the
CPU (``NotImplementedError``).
"""
import numpy as np

from . import _dtype as D
from ._device import get_xp
from ._tensor import Tensor, _wrap_dim
from .autograd.function import Function
from .ops._common import wrap

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
           "rfftn", "irfftn", "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn",
           "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


# --------------------------------------------------------------------------- argument checks


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _SWAP:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _label(dt):
    from .functions import _type_label
    return {"complex64": "ComplexFloat", "complex128": "ComplexDouble"}.get(
        dt.name, _type_label(dt))


def _real_compute_dtype(dt, name):
    """The real dtype a transform of a ``dt`` input computes in (ints -> default float)."""
    if dt in (D.float16, D.bfloat16):
        raise NotImplementedError(f"Unsupported dtype {_label(dt)}")
    if dt.is_complex:
        return dt.to_real()
    if dt.is_floating_point:
        return dt
    return D.get_default_dtype()


def _promote(x, name, real_only=False):
    """``x`` as a tensor of a supported dtype (ints -> default float); checks r2c inputs."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(x).__name__}")
    dt = x._dtype
    if real_only and dt.is_complex:
        if name in ("rfft", "ihfft"):
            raise TypeError(f"{name} expects a real input tensor, but got {_label(dt)}")
        if name in ("rfft2", "rfftn"):
            raise TypeError(f"rfftn expects a real-valued input tensor, but got {_label(dt)}")
        raise TypeError(f"Only supports floating-point dtypes, but found: {_label(dt)}")
    if dt in (D.float16, D.bfloat16) and _autocast_on(x):
        return x.to(D.float32)  # fft ops are on autocast's float32 list
    rd = _real_compute_dtype(dt, name)
    if not (dt.is_floating_point or dt.is_complex):
        x = x.to(rd)
    return x


def _autocast_on(x):
    from .amp.autocast_mode import _STATE
    return _STATE["cpu" if type(x._data) is np.ndarray else "cuda"][0]


def _check_n(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _dims_1d(x, n, dim):
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(int(dim), x.ndim)
    if n is not None:
        _check_n(int(n))
    return (d,), (None if n is None else int(n),)


def _dims_nd(x, s, dim):
    """torch's canonical (dims, sizes) for an n-d transform; sizes holds None for 'as is'."""
    ndim = x.ndim
    if dim is not None:
        if isinstance(dim, (int, np.integer)):
            dim = (dim,)
        if ndim == 0 and len(dim):
            raise IndexError(f"Dimension specified as {dim[0]} but tensor has no dimensions")
        dims = tuple(_wrap_dim(int(d), ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if isinstance(s, (int, np.integer)):
            s = (s,)
        if len(s) > ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has "
                               f"{ndim} dimensions.")
        dims = tuple(range(ndim - len(s), ndim))
    else:
        dims = tuple(range(ndim))
    if s is None:
        sizes = (None,) * len(dims)
    else:
        if isinstance(s, (int, np.integer)):
            s = (s,)
        sizes = []
        for n in s:
            n = int(n)
            if n == -1:
                sizes.append(None)
            else:
                _check_n(n)
                sizes.append(n)
        sizes = tuple(sizes)
    return dims, sizes


def _full_sizes(x, dims, sizes):
    """Concrete sizes: given ones, or the input's (which must be non-empty)."""
    out = []
    for d, n in zip(dims, sizes):
        n = x.shape[d] if n is None else n
        _check_n(n)
        out.append(n)
    return tuple(out)


def _finish(result, out, name):
    if out is None:
        return result
    if result._dtype.is_complex and not out._dtype.is_complex:
        raise RuntimeError(f"{name} expects a complex output tensor, but got "
                           f"{_label(out._dtype)}")
    if out._dtype is not result._dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {result._dtype}, but got "
                           f"{out._dtype} instead")
    from .functions import _out
    return _out(out, result.detach())


# --------------------------------------------------------------------------- primitives


def _resize_array(xp, a, dims, sizes):
    """Crop or zero-pad array ``a`` along ``dims`` to ``sizes``."""
    if all(a.shape[d] == n for d, n in zip(dims, sizes)):
        return a
    crop = [slice(None)] * a.ndim
    pad = [(0, 0)] * a.ndim
    for d, n in zip(dims, sizes):
        if n < a.shape[d]:
            crop[d] = slice(0, n)
        else:
            pad[d] = (0, n - a.shape[d])
    a = a[tuple(crop)]
    if any(p[1] for p in pad):
        a = xp.pad(a, pad)
    return a


class _Resize(Function):
    """Crop / zero-pad along some dims (the adjoint of one is the other)."""

    @staticmethod
    def forward(ctx, x, dims, sizes):
        ctx.dims = dims
        ctx.in_sizes = tuple(x.shape[d] for d in dims)
        return wrap(_resize_array(get_xp(x._data), x._data, dims, sizes).copy(), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return _resize(g, ctx.dims, ctx.in_sizes), None, None


def _resize(x, dims, sizes):
    if all(x.shape[d] == n for d, n in zip(dims, sizes)):
        return x
    return _Resize.apply(x, dims, sizes)


def _real_part(g):
    from .functions import real
    return real(g) if g._dtype.is_complex else g


class _C2C(Function):
    """Complex-to-complex n-d transform over ``dims`` (the input already has the sizes)."""

    @staticmethod
    def forward(ctx, x, dims, norm, inverse):
        xp = get_xp(x._data)
        cdt = (x._dtype if x._dtype.is_complex else x._dtype.to_complex())
        ctx.dims, ctx.norm, ctx.inverse, ctx.real_in = dims, norm, inverse, not x._dtype.is_complex
        if not dims:
            return wrap(x._data.astype(cdt.np), cdt)
        fn = xp.fft.ifftn if inverse else xp.fft.fftn
        return wrap(fn(x._data, axes=dims, norm=norm), cdt)

    @staticmethod
    def backward(ctx, g):
        gi = _C2C.apply(g, ctx.dims, _SWAP[ctx.norm], not ctx.inverse)
        return (_real_part(gi) if ctx.real_in else gi), None, None, None


class _R2C(Function):
    """Real-to-complex n-d transform, one-sided (``n // 2 + 1`` bins) along the last dim."""

    @staticmethod
    def forward(ctx, x, dims, norm):
        xp = get_xp(x._data)
        ctx.dims, ctx.norm = dims, norm
        ctx.last = x.shape[dims[-1]]
        cdt = x._dtype.to_complex()
        return wrap(xp.fft.rfftn(x._data, axes=dims, norm=norm), cdt)

    @staticmethod
    def backward(ctx, g):
        full = _resize(g, ctx.dims[-1:], (ctx.last,))
        return _real_part(_C2C.apply(full, ctx.dims, _SWAP[ctx.norm], True)), None, None


class _C2R(Function):
    """Complex-to-real n-d transform from a one-sided spectrum; ``last`` is the output size of
    the last dim (the input's last dim already has ``last // 2 + 1`` entries)."""

    @staticmethod
    def forward(ctx, x, dims, last, norm):
        xp = get_xp(x._data)
        ctx.dims, ctx.last, ctx.norm, ctx.real_in = dims, last, norm, not x._dtype.is_complex
        s = [x.shape[d] for d in dims[:-1]] + [last]
        rdt = x._dtype.to_real()
        return wrap(xp.fft.irfftn(x._data, s=s, axes=dims, norm=norm), rdt)

    @staticmethod
    def backward(ctx, g):
        gi = _R2C.apply(g, ctx.dims, _SWAP[ctx.norm])
        n = ctx.last
        double = n - (n // 2 + 1)  # bins standing for two (conjugate) bins of the full signal
        if double > 0:
            xp = get_xp(g._data)
            w = xp.ones(n // 2 + 1, dtype=g._dtype.np)
            w[1:1 + double] = 2
            shape = [1] * g.ndim
            shape[ctx.dims[-1]] = n // 2 + 1
            gi = gi * wrap(w.reshape(shape), g._dtype)
        return (_real_part(gi) if ctx.real_in else gi), None, None, None


class _Conj(Function):
    """Complex conjugate (differentiable: the gradient is conjugated back)."""

    @staticmethod
    def forward(ctx, x):
        if not x._dtype.is_complex:
            return wrap(x._data.copy(), x._dtype)
        return wrap(get_xp(x._data).conj(x._data), x._dtype)

    @staticmethod
    def backward(ctx, g):
        return _Conj.apply(g)


# --------------------------------------------------------------------------- composed ops


def _c2c(input, dims, sizes, norm, inverse, name, out):
    x = _promote(input, name)
    norm = _norm(norm)
    sizes = _full_sizes(x, dims, sizes)
    x = _resize(x, dims, sizes)
    return _finish(_C2C.apply(x, dims, norm, inverse), out, name)


def _r2c(input, dims, sizes, norm, name, out, conj=False):
    x = _promote(input, name, real_only=True)
    norm = _norm(norm)
    sizes = _full_sizes(x, dims, sizes)
    x = _resize(x, dims, sizes)
    if conj:
        res = _Conj.apply(_R2C.apply(x, dims, _SWAP[norm]))
    else:
        res = _R2C.apply(x, dims, norm)
    return _finish(res, out, name)


def _c2r(input, dims, sizes, norm, name, out, conj=False):
    x = _promote(input, name)
    norm = _norm(norm)
    last = sizes[-1]
    if last is None:
        last = 2 * (x.shape[dims[-1]] - 1)
    _check_n(last)
    head = _full_sizes(x, dims[:-1], sizes[:-1])
    x = _resize(x, dims, head + (last // 2 + 1,))
    if conj:
        res = _C2R.apply(_Conj.apply(x), dims, last, _SWAP[norm])
    else:
        res = _C2R.apply(x, dims, last, norm)
    return _finish(res, out, name)


def fft(input, n=None, dim=-1, norm=None, *, out=None):
    """The one-dimensional discrete Fourier transform of ``input`` along ``dim``.

    Real inputs give a complex result (float32 -> complex64, float64 -> complex128; integers
    are promoted to the default float dtype). Differentiable.

    Args:
        input (Tensor): the input.
        n (int, optional): signal length: the input is zero-padded or cropped to ``n``
            along ``dim`` first. Default: the input's size.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default, no scaling), ``"ortho"`` (scale by
            ``1/sqrt(n)``) or ``"forward"`` (scale by ``1/n``).
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.fft(ember.tensor([1.0, 0.0, 0.0, 0.0]))
        tensor([1.+0.j, 1.+0.j, 1.+0.j, 1.+0.j])
        >>> ember.fft.fft(ember.arange(4))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _c2c(input, dims, sizes, norm, False, "fft", out)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    """The one-dimensional inverse discrete Fourier transform of ``input`` along ``dim``.

    Args:
        input (Tensor): the input (real or complex).
        n (int, optional): signal length (zero-pad or crop first). Default: the input's size.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"ortho"``
            (``1/sqrt(n)``) or ``"forward"`` (no scaling).
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ifft(ember.fft.fft(ember.tensor([1.0, 2.0, 3.0]))).real
        tensor([1., 2., 3.])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _c2c(input, dims, sizes, norm, True, "ifft", out)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional discrete Fourier transform (``fftn`` over the last two dims).

    Args:
        input (Tensor): the input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep).
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.fft2(ember.ones(2, 2))
        tensor([[4.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2c(input, dims, sizes, norm, False, "fft2", out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional inverse discrete Fourier transform.

    Args:
        input (Tensor): the input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep).
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"ortho"`` or
            ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ifft2(ember.fft.fft2(ember.eye(2))).real
        tensor([[1., 0.],
                [0., 1.]])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2c(input, dims, sizes, norm, True, "ifft2", out)


def fftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional discrete Fourier transform.

    Args:
        input (Tensor): the input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep). Without
            ``dim``, the last ``len(s)`` dims are transformed.
        dim (sequence of ints, optional): the dimensions to transform. Default: all (or the
            last ``len(s)``).
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.fftn(ember.ones(2, 2, 2)).abs().sum()
        tensor(8.)
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2c(input, dims, sizes, norm, False, "fftn", out)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional inverse discrete Fourier transform.

    Args:
        input (Tensor): the input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep).
        dim (sequence of ints, optional): the dimensions to transform. Default: all.
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"ortho"`` or
            ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ifftn(ember.fft.fftn(ember.ones(2, 3))).real
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2c(input, dims, sizes, norm, True, "ifftn", out)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The one-dimensional Fourier transform of a real input: the ``n // 2 + 1`` non-negative
    frequency bins (the rest are their complex conjugates).

    Args:
        input (Tensor): a real input (complex raises ``TypeError``).
        n (int, optional): signal length (zero-pad or crop first). Default: the input's size.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.rfft(ember.arange(4.0))
        tensor([ 6.+0.j, -2.+2.j, -2.+0.j])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _r2c(input, dims, sizes, norm, "rfft", out)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of :func:`rfft`: a real signal from its one-sided spectrum.

    Args:
        input (Tensor): the one-sided spectrum (real inputs count as complex).
        n (int, optional): output length; the input is cropped / zero-padded to
            ``n // 2 + 1`` bins. Default: ``2 * (input.size(dim) - 1)``.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"ortho"`` or
            ``"forward"``.
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.irfft(ember.fft.rfft(ember.arange(4.0)))
        tensor([0., 1., 2., 3.])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _c2r(input, dims, sizes, norm, "irfft", out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional Fourier transform of a real input (one-sided along the last dim).

    Args:
        input (Tensor): a real input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep).
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.rfft2(ember.ones(2, 4)).shape
        torch.Size([2, 3])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _r2c(input, dims, sizes, norm, "rfft2", out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The inverse of :func:`rfft2`.

    Args:
        input (Tensor): the one-sided spectrum.
        s (sequence of ints, optional): output size per transformed dim; the last defaults to
            ``2 * (input.size(dim[-1]) - 1)``.
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.irfft2(ember.fft.rfft2(ember.ones(2, 4)))
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2r(input, dims, sizes, norm, "irfft2", out)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional Fourier transform of a real input (one-sided along the last dim).

    Args:
        input (Tensor): a real input.
        s (sequence of ints, optional): signal size per transformed dim (-1: keep).
        dim (sequence of ints, optional): the dimensions to transform. Default: all.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.rfftn(ember.ones(2, 3, 4)).shape
        torch.Size([2, 3, 3])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _r2c(input, dims, sizes, norm, "rfftn", out)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of :func:`rfftn`.

    Args:
        input (Tensor): the one-sided spectrum.
        s (sequence of ints, optional): output size per transformed dim; the last defaults to
            ``2 * (input.size(dim[-1]) - 1)``.
        dim (sequence of ints, optional): the dimensions to transform. Default: all.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.irfftn(ember.fft.rfftn(ember.ones(2, 2, 4))).shape
        torch.Size([2, 2, 4])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2r(input, dims, sizes, norm, "irfftn", out)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The Fourier transform of a Hermitian-symmetric signal given by its first half; the
    result is real (the forward counterpart of :func:`irfft`).

    Args:
        input (Tensor): the half signal.
        n (int, optional): output length. Default: ``2 * (input.size(dim) - 1)``.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default, no scaling), ``"ortho"`` or
            ``"forward"`` (scale by ``1/n``).
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.hfft(ember.tensor([1.0, 0.0, 0.0]))
        tensor([1., 1., 1., 1.])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _c2r(input, dims, sizes, norm, "hfft", out, conj=True)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    """The inverse of :func:`hfft`: the one-sided inverse transform of a real signal.

    Args:
        input (Tensor): a real input.
        n (int, optional): signal length (zero-pad or crop first). Default: the input's size.
        dim (int): the dimension to transform. Default: -1.
        norm (str, optional): ``"backward"`` (default, scale by ``1/n``), ``"ortho"`` or
            ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ihfft(ember.tensor([1.0, 1.0, 1.0, 1.0]))
        tensor([1.-0.j, 0.-0.j, 0.-0.j])
    """
    dims, sizes = _dims_1d(input, n, dim)
    return _r2c(input, dims, sizes, norm, "ihfft", out, conj=True)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional :func:`hfftn`.

    Args:
        input (Tensor): the half (along the last dim) Hermitian signal.
        s (sequence of ints, optional): output size per transformed dim.
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.hfft2(ember.ones(2, 3)).shape
        torch.Size([2, 4])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2r(input, dims, sizes, norm, "hfft2", out, conj=True)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    """The two-dimensional :func:`ihfftn`.

    Args:
        input (Tensor): a real input.
        s (sequence of ints, optional): signal size per transformed dim.
        dim (sequence of ints): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ihfft2(ember.ones(2, 4)).shape
        torch.Size([2, 3])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _r2c(input, dims, sizes, norm, "ihfft2", out, conj=True)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The n-dimensional Fourier transform of a Hermitian-symmetric signal given by its half
    along the last dim; the result is real.

    Args:
        input (Tensor): the half signal.
        s (sequence of ints, optional): output size per transformed dim; the last defaults to
            ``2 * (input.size(dim[-1]) - 1)``.
        dim (sequence of ints, optional): the dimensions to transform. Default: all.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a real tensor to write the result into.

    Example::

        >>> ember.fft.hfftn(ember.ones(2, 2, 3)).shape
        torch.Size([2, 2, 4])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _c2r(input, dims, sizes, norm, "hfftn", out, conj=True)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    """The inverse of :func:`hfftn` for a real input (one-sided along the last dim).

    Args:
        input (Tensor): a real input.
        s (sequence of ints, optional): signal size per transformed dim.
        dim (sequence of ints, optional): the dimensions to transform. Default: all.
        norm (str, optional): ``"backward"`` (default), ``"ortho"`` or ``"forward"``.
        out (Tensor, optional): a complex tensor to write the result into.

    Example::

        >>> ember.fft.ihfftn(ember.ones(2, 4)).shape
        torch.Size([2, 3])
    """
    dims, sizes = _dims_nd(input, s, dim)
    return _r2c(input, dims, sizes, norm, "ihfftn", out, conj=True)


# --------------------------------------------------------------------------- helpers


def _freq_tensor(ks, span, out, dtype, layout, device, requires_grad, name):
    from .functions import _target_device, _out
    dt = D.to_dtype(dtype) or D.get_default_dtype()
    if not (dt.is_floating_point or dt.is_complex):
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if dt.is_complex:
        raise NotImplementedError(f'"arange_cpu" not implemented for \'{_label(dt)}\'')
    dev = _target_device(device)
    calc = np.dtype(dt.np)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.asarray(np.divide(1.0, np.float64(span)), dtype=calc)
        if dt is D.bfloat16:  # torch multiplies by the scale rounded to the result dtype
            scale = D.round_bf16(scale)
        arr = (ks.astype(calc) * scale).astype(calc)
    if dt is D.bfloat16:
        arr = D.round_bf16(arr)
    t = Tensor._wrap(arr, dt)
    if dev is not None and dev.type != "cpu":
        t = t.to(dev)
    if requires_grad:
        t.requires_grad_()
    return _out(out, t)


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an ``n``-point :func:`fft` with sample spacing ``d``:
    ``[0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (d * n)``.

    Args:
        n (int): the signal length.
        d (float): the sample spacing (inverse of the sampling rate). Default: 1.0.
        out (Tensor, optional): a tensor to write the result into.
        dtype (ember.dtype, optional): a floating dtype. Default: the default float dtype.
        layout (ember.layout, optional): only ``ember.strided``.
        device (str or ember.device, optional): where to allocate the result.
        requires_grad (bool): whether the result requires grad. Default: False.

    Example::

        >>> ember.fft.fftfreq(5, d=0.1)
        tensor([ 0.,  2.,  4., -4., -2.])
    """
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    ks = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)])
    return _freq_tensor(ks, n * d, out, dtype, layout, device, requires_grad, "fftfreq")


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an ``n``-point :func:`rfft`: ``[0, 1, ..., n // 2] / (d * n)``.

    Args:
        n (int): the signal length.
        d (float): the sample spacing. Default: 1.0.
        out (Tensor, optional): a tensor to write the result into.
        dtype (ember.dtype, optional): a floating dtype. Default: the default float dtype.
        layout (ember.layout, optional): only ``ember.strided``.
        device (str or ember.device, optional): where to allocate the result.
        requires_grad (bool): whether the result requires grad. Default: False.

    Example::

        >>> ember.fft.rfftfreq(6)
        tensor([0.0000, 0.1667, 0.3333, 0.5000])
    """
    n = int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    ks = np.arange(n // 2 + 1)
    return _freq_tensor(ks, n * d, out, dtype, layout, device, requires_grad, "rfftfreq")


def _shift_dims(input, dim):
    if dim is None:
        return tuple(range(input.ndim))
    if isinstance(dim, (int, np.integer)):
        return (int(dim),)
    return tuple(int(d) for d in dim)


def fftshift(input, dim=None):
    """Move the zero-frequency bin of an :func:`fftn` result to the centre (a roll by
    ``n // 2`` along each dim). Differentiable.

    Args:
        input (Tensor): a tensor in FFT order.
        dim (int or sequence of ints, optional): the dims to shift. Default: all.

    Example::

        >>> ember.fft.fftshift(ember.fft.fftfreq(5))
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000])
    """
    from .functions import roll
    dims = _shift_dims(input, dim)
    if not dims:
        raise RuntimeError("`shifts` required")
    return roll(input, [input.shape[d] // 2 for d in dims], dims)


def ifftshift(input, dim=None):
    """The inverse of :func:`fftshift` (a roll by ``-(n // 2)`` along each dim).

    Args:
        input (Tensor): a tensor in centred order.
        dim (int or sequence of ints, optional): the dims to shift. Default: all.

    Example::

        >>> ember.fft.ifftshift(ember.fft.fftshift(ember.arange(5)))
        tensor([0, 1, 2, 3, 4])
    """
    from .functions import roll
    dims = _shift_dims(input, dim)
    if not dims:
        raise RuntimeError("`shifts` required")
    return roll(input, [(input.shape[d] + 1) // 2 for d in dims], dims)
