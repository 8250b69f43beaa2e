"""Identity, Linear and Bilinear layers."""
import math

from ... import functions as _F
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear"]


def _factory_kwargs(device, dtype):
    return {"device": device, "dtype": dtype}


class Identity(Module):
    """A placeholder that returns its input unchanged (arguments are ignored).

    Example::

        >>> ember.nn.Identity(54, unused="x")(ember.ones(2))
        tensor([1., 1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """Affine map ``y = x A^T + b``.

    Args:
        in_features (int): size of each input sample (last dimension).
        out_features (int): size of each output sample.
        bias (bool): learn an additive bias (default True).
        device, dtype: where and in which dtype to create the parameters.

    Shape:
        input ``(*, in_features)`` -> output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised U(-1/sqrt(in), 1/sqrt(in)).
        bias: ``(out_features,)``, same distribution.

    Example::

        >>> m = ember.nn.Linear(20, 30)
        >>> m(ember.randn(128, 20)).shape
        torch.Size([128, 30])
    """
    __constants__ = ["in_features", "out_features"]

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_F.empty((out_features, in_features), device=device,
                                         dtype=dtype))
        if bias:
            self.bias = Parameter(_F.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise weight and bias with torch's default distributions."""
        # kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as torch
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        try:
            return F.linear(input, self.weight, self.bias)
        except RuntimeError as exc:
            raise _explain_linear_error(self, input, exc) from None

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


def _explain_linear_error(layer, input, exc):
    """torch's error text plus which layer failed and what to do about it."""
    msg = str(exc)
    w = layer.weight
    if msg.startswith("mat1 and mat2 shapes cannot be multiplied"):
        got = input.shape[-1] if input.ndim else None
        hint = (f"{msg} (in {layer!r}: it expects inputs whose last dimension is "
                f"{layer.in_features}, got {got}.")
        hint += (" If the input is an image batch, flatten it first with x.flatten(1) or "
                 "nn.Flatten())")
        return RuntimeError(hint)
    if "must have the same dtype" in msg:
        cast = {"float32": ".float()", "float64": ".double()", "float16": ".half()",
                "bfloat16": ".bfloat16()"}.get(w.dtype.name, f".to({w.dtype})")
        return RuntimeError(f"{msg} (in {layer!r}: the input is {input.dtype} but the layer's "
                            f"weight is {w.dtype}; cast the input with x{cast}, or the model "
                            f"with model.to({input.dtype}))")
    if msg.startswith("Expected all tensors to be on the same device"):
        from ..._device import describe_mismatch
        plain = describe_mismatch("input", input, f"the weight of {type(layer).__name__}", w)
        if plain is not None:
            return RuntimeError(plain)
    return exc


class Bilinear(Module):
    """Bilinear map ``y = x1^T A x2 + b``.

    Args:
        in1_features (int): size of each first input sample.
        in2_features (int): size of each second input sample.
        out_features (int): size of each output sample.
        bias (bool): learn an additive bias (default True).

    Example::

        >>> m = ember.nn.Bilinear(20, 30, 40)
        >>> m(ember.randn(128, 20), ember.randn(128, 30)).shape
        torch.Size([128, 40])
    """
    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(_F.empty((out_features, in1_features, in2_features),
                                         device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(_F.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Re-initialise: U(-1/sqrt(in1_features), 1/sqrt(in1_features)) for all."""
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
