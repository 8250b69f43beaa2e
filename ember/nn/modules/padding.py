"""Padding layers: ZeroPad*, ConstantPad*, ReflectionPad*, ReplicationPad*, CircularPad*
(torch.nn)."""
from .. import functional_conv as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _expand(padding, n):
    if isinstance(padding, (list, tuple)):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    __constants__ = ["padding"]
    _nd = 1
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _expand(padding, self._nd)

    def _check_input_dim(self, input):
        pass

    def forward(self, input):
        self._check_input_dim(input)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _CircularPadNd(_PadNd):
    _mode = "circular"

    def _check_input_dim(self, input):
        n = self._nd
        if input.dim() != n + 1 and input.dim() != n + 2:
            raise ValueError(f"expected {n + 1}D or {n + 2}D input (got {input.dim()}D input)")


_DOC = """Pads the last {nd} dim(s) of the input {how}.

    Args:
        padding (int or tuple): the same amount on every side, or
            {tup}.{extra}

    Example::

        >>> m = nn.{name}({ex_args})
        >>> m(ember.ones({ex_in})).shape
        torch.Size([{ex_out}])
    """
_TUP = {1: "(left, right)", 2: "(left, right, top, bottom)",
        3: "(left, right, top, bottom, front, back)"}
_EX = {1: ("1, 2, 3", "1, 2, 5"), 2: ("1, 2, 3, 3", "1, 2, 5, 5"),
       3: ("1, 1, 3, 3, 3", "1, 1, 5, 5, 5")}


def _make(name, base, nd, how, extra="", ex_args="1"):
    ex_in, ex_out = _EX[nd]
    doc = _DOC.format(nd=nd, how=how, tup=_TUP[nd], extra=extra, name=name, ex_args=ex_args,
                      ex_in=ex_in, ex_out=ex_out)
    return type(name, (base,), {"__doc__": doc, "_nd": nd, "__module__": __name__})


ReflectionPad1d = _make("ReflectionPad1d", _PadNd, 1, "by reflecting it at the border")
ReflectionPad2d = _make("ReflectionPad2d", _PadNd, 2, "by reflecting it at the border")
ReflectionPad3d = _make("ReflectionPad3d", _PadNd, 3, "by reflecting it at the border")
for _cls in (ReflectionPad1d, ReflectionPad2d, ReflectionPad3d):
    _cls._mode = "reflect"
ReplicationPad1d = _make("ReplicationPad1d", _PadNd, 1, "by repeating the border values")
ReplicationPad2d = _make("ReplicationPad2d", _PadNd, 2, "by repeating the border values")
ReplicationPad3d = _make("ReplicationPad3d", _PadNd, 3, "by repeating the border values")
for _cls in (ReplicationPad1d, ReplicationPad2d, ReplicationPad3d):
    _cls._mode = "replicate"
CircularPad1d = _make("CircularPad1d", _CircularPadNd, 1, "circularly (wrapping around)")
CircularPad2d = _make("CircularPad2d", _CircularPadNd, 2, "circularly (wrapping around)")
CircularPad3d = _make("CircularPad3d", _CircularPadNd, 3, "circularly (wrapping around)")
del _cls

_VALUE = "\n        value (float): the fill value."


class ConstantPad1d(_ConstantPadNd):
    __doc__ = _DOC.format(nd=1, how="with a constant value", tup=_TUP[1], extra=_VALUE,
                          name="ConstantPad1d", ex_args="1, 3.5", ex_in=_EX[1][0],
                          ex_out=_EX[1][1])
    _nd = 1


class ConstantPad2d(_ConstantPadNd):
    __doc__ = _DOC.format(nd=2, how="with a constant value", tup=_TUP[2], extra=_VALUE,
                          name="ConstantPad2d", ex_args="1, 3.5", ex_in=_EX[2][0],
                          ex_out=_EX[2][1])
    _nd = 2


class ConstantPad3d(_ConstantPadNd):
    __doc__ = _DOC.format(nd=3, how="with a constant value", tup=_TUP[3], extra=_VALUE,
                          name="ConstantPad3d", ex_args="1, 3.5", ex_in=_EX[3][0],
                          ex_out=_EX[3][1])
    _nd = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    __doc__ = _DOC.format(nd=1, how="with zeros", tup=_TUP[1], extra="", name="ZeroPad1d",
                          ex_args="1", ex_in=_EX[1][0], ex_out=_EX[1][1])
    _nd = 1


class ZeroPad2d(_ZeroPadNd):
    __doc__ = _DOC.format(nd=2, how="with zeros", tup=_TUP[2], extra="", name="ZeroPad2d",
                          ex_args="1", ex_in=_EX[2][0], ex_out=_EX[2][1])
    _nd = 2


class ZeroPad3d(_ZeroPadNd):
    __doc__ = _DOC.format(nd=3, how="with zeros", tup=_TUP[3], extra="", name="ZeroPad3d",
                          ex_args="1", ex_in=_EX[3][0], ex_out=_EX[3][1])
    _nd = 3
