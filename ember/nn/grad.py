"""Gradients of convolutions with respect to their input and weight (``torch.nn.grad``).

Each function returns what ``autograd`` would give for ``F.convNd`` at the given
``grad_output``; they are computed through ember's own convolution backward.
"""
from .. import autograd as _autograd
from .. import functions as _fn
from . import functional as F

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight",
           "conv3d_input", "conv3d_weight"]


def _grad(conv, which, input, weight, grad_output, stride, padding, dilation, groups):
    input = input.detach().requires_grad_(which == 0)
    weight = weight.detach().requires_grad_(which == 1)
    with _autograd.enable_grad():
        out = conv(input, weight, None, stride, padding, dilation, groups)
        if tuple(out.shape) != tuple(grad_output.shape):
            raise RuntimeError(f"grad_output has shape {tuple(grad_output.shape)}, but the "
                               f"convolution's output has shape {tuple(out.shape)}: check "
                               "input_size/weight_size, stride, padding and dilation")
        g, = _autograd.grad(out, (input, weight)[which], grad_output)
    return g


def _input(conv):
    def fn(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
        x = _fn.zeros(tuple(input_size), dtype=grad_output.dtype, device=grad_output.device)
        return _grad(conv, 0, x, weight, grad_output, stride, padding, dilation, groups)
    return fn


def _weight(conv):
    def fn(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
        w = _fn.zeros(tuple(weight_size), dtype=grad_output.dtype, device=grad_output.device)
        return _grad(conv, 1, input, w, grad_output, stride, padding, dilation, groups)
    return fn


_DOC_IN = """Gradient of ``F.conv{n}d`` with respect to its input.

    Args:
        input_size (tuple): shape of the input.
        weight (Tensor): the convolution weight.
        grad_output (Tensor): gradient of the convolution's output.
        stride, padding, dilation, groups: as for ``F.conv{n}d``.

    Example::

        >>> w = ember.ones(1, 1, {k})
        >>> ember.nn.grad.conv{n}d_input({ins}, w, ember.ones({outs})).shape
        torch.Size([{insl}])
    """
_DOC_W = """Gradient of ``F.conv{n}d`` with respect to its weight.

    Args:
        input (Tensor): the convolution input.
        weight_size (tuple): shape of the weight.
        grad_output (Tensor): gradient of the convolution's output.
        stride, padding, dilation, groups: as for ``F.conv{n}d``.

    Example::

        >>> x = ember.ones({ins})
        >>> ember.nn.grad.conv{n}d_weight(x, (1, 1, {k}), ember.ones({outs})).shape
        torch.Size([1, 1, {kl}])
    """

for _n, _conv in ((1, F.conv1d), (2, F.conv2d), (3, F.conv3d)):
    _k = ", ".join(["2"] * _n)
    _ins = "(1, 1, " + ", ".join(["3"] * _n) + ")"
    _outs = "1, 1, " + ", ".join(["2"] * _n)
    _fmt = dict(n=_n, k=_k, ins=_ins, outs=_outs, insl=_ins[1:-1], kl=_k)
    _f = _input(_conv)
    _f.__name__ = _f.__qualname__ = f"conv{_n}d_input"
    _f.__doc__ = _DOC_IN.format(**_fmt)
    globals()[_f.__name__] = _f
    _f = _weight(_conv)
    _f.__name__ = _f.__qualname__ = f"conv{_n}d_weight"
    _f.__doc__ = _DOC_W.format(**_fmt)
    globals()[_f.__name__] = _f

del _n, _conv, _k, _ins, _outs, _fmt, _f
