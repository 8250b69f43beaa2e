"""Tensor printing, character for character the same as PyTorch's ``torch/_tensor_str.py``.

Everything here works on plain NumPy data, so the module depends on nothing else in ember:
the Tensor hands over its values (``t.numpy()``-style array; bfloat16 as float32), its dtype
name and its autograd metadata, and gets back the text torch would print::

    >>> tensor_repr(np.array([1.0, 2.5], dtype=np.float32), "float32")
    'tensor([1.0000, 2.5000])'

The rules, as torch applies them:

* Floats go through a :class:`_Formatter` built from all (or, when summarising, the shown)
  values. If every non-zero finite value is integral the tensor prints in *int mode*
  (``1.``); scientific notation is chosen when max/min of the non-zero finite magnitudes
  exceeds 1000, the max exceeds 1e8 or the min is below 1e-4 (unless ``sci_mode`` is forced
  with :func:`set_printoptions`). Every element is right-aligned to a common width.
* Rows are wrapped to ``linewidth``; tensors with more than ``threshold`` elements are
  summarised to ``edgeitems`` items per edge with ``...``.
* Suffixes: ``device='cuda:0'`` off the CPU, ``dtype=torch.X`` unless the dtype is the default
  float (or its complex partner), int64 or bool (empty tensors show any non-default-float
  dtype, and their size unless 1-d), then ``grad_fn=<...>`` or ``requires_grad=True``.
"""
import contextlib
import dataclasses
import math

import numpy as np

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr", "tensor_str"]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None  # None (automatic), True or False


PRINT_OPTS = _PrinterOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set options for printing tensors (same options and defaults as ``torch.set_printoptions``).

    Options left as ``None`` keep their value, except ``sci_mode``, which is always reset
    (``None`` means "chosen automatically"), exactly as in PyTorch.

    Args:
        precision (int, optional): digits after the decimal point for floats (default 4).
        threshold (float, optional): tensors with more elements than this are summarised
            (default 1000).
        edgeitems (int, optional): items shown at each end of a summarised dimension
            (default 3).
        linewidth (int, optional): characters per line before wrapping (default 80).
        profile (str, optional): ``'default'``, ``'short'`` or ``'full'``; sets the four
            options above, which explicit arguments then override.
        sci_mode (bool, optional): force (True) or forbid (False) scientific notation;
            ``None`` lets the formatter decide.

    Example::

        >>> ember.set_printoptions(precision=2)
        >>> ember.tensor([1.12345])
        tensor([1.12])
        >>> ember.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"profile must be one of 'default', 'short' or 'full', "
                             f"but got {profile!r}")
        for key, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, key, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Return the current print options as a dict that can be passed to :func:`set_printoptions`.

    Returns:
        dict: keys ``precision``, ``threshold``, ``edgeitems``, ``linewidth``, ``sci_mode``.

    Example::

        >>> ember.get_printoptions()["precision"]
        4
    """
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that changes the print options and restores them on exit.

    Args:
        **kwargs: the arguments of :func:`set_printoptions`.

    Example::

        >>> with ember.printoptions(precision=1):
        ...     print(ember.tensor([1.25]))
        tensor([1.2])
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ----------------------------------------------------------------------------------------------
# dtype names

_ALIASES = {
    "float": "float32", "double": "float64", "half": "float16", "cfloat": "complex64",
    "cdouble": "complex128", "long": "int64", "int": "int32", "short": "int16",
    "bool_": "bool", "complex": "complex64",
}
_FLOAT_NAMES = {"float16", "bfloat16", "float32", "float64"}
_COMPLEX_NAMES = {"complex64", "complex128"}
_ALL_NAMES = _FLOAT_NAMES | _COMPLEX_NAMES | {"int8", "int16", "int32", "int64", "uint8", "uint16",
                                              "uint32", "uint64", "bool"}


def _canonical(dtype_name):
    """'torch.float' / 'ember.float32' / ember.float32 / 'float' -> 'float32'."""
    name = getattr(dtype_name, "name", None)
    if not isinstance(name, str):
        name = str(dtype_name)
    name = name.rsplit(".", 1)[-1]
    return _ALIASES.get(name, name)


# ----------------------------------------------------------------------------------------------
# formatting


class _Formatter:
    """Decides how every element of one (real) array is written and how wide it is.

    ``values`` are the elements the width is computed from (the summarised data when the
    tensor is summarised); ``floating`` tells whether they are floats.
    """

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = np.asarray(values).reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        # abs/min/max are computed in float64 (torch: "HalfTensor overflows with 1e8")
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absvals = np.abs(vals.astype(np.float64))
        vmin, vmax = float(absvals.min()), float(absvals.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = bool(PRINT_OPTS.sci_mode)
        p = PRINT_OPTS.precision
        pyvals = vals.tolist()
        if self.sci_mode:
            width = max(len(f"{v:.{p}e}") for v in pyvals)
        elif self.int_mode:
            width = max(len(f"{v:.0f}") for v in pyvals) + 1  # + 1 for the trailing '.'
        else:
            width = max(len(f"{v:.{p}f}") for v in pyvals)
        self.max_width = max(self.max_width, width)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            p = PRINT_OPTS.precision
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _summarized(arr):
    """The elements a summarised tensor shows (torch's ``get_summarized_data``)."""
    e = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        # NOTE: with edgeitems == 0 torch concatenates self[:0] and self[-0:] (= everything)
        if arr.shape[0] > 2 * e:
            return np.concatenate((arr[:e], arr[arr.shape[0] - e:] if e else arr))
        return arr
    if not e:
        return arr[tuple(slice(0, 0) for _ in range(arr.ndim))]
    index = []
    for n in arr.shape:
        index.append(np.r_[0:e, n - e:n] if n > 2 * e else np.arange(n))
    return arr[np.ix_(*index)]


def _element_formatter(formatter1, formatter2):
    if formatter2 is None:
        return formatter1.format

    def fmt(val):
        real_str = formatter1.format(val.real)
        imag_str = (formatter2.format(val.imag) + "j").lstrip()
        # negative numbers, +0.0 and -0.0 already carry their sign
        if imag_str[0] in "+-":
            return real_str + imag_str
        return real_str + "+" + imag_str
    return fmt


def _vector_str(arr, indent, summarize, formatter1, formatter2):
    element_length = formatter1.width() + 2  # ", " between elements
    if formatter2 is not None:
        element_length += formatter2.width() + 1  # the imaginary part and its 'j'
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    fmt = _element_formatter(formatter1, formatter2)
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        data = ([fmt(v) for v in arr[:e].tolist()] + [" ..."]
                + [fmt(v) for v in arr[arr.shape[0] - e:].tolist()])
    else:
        data = [fmt(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(arr, indent, summarize, formatter1, formatter2):
    if arr.ndim == 0:
        return _element_formatter(formatter1, formatter2)(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, formatter1, formatter2)
    e = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * e:
        rows = list(range(e)) + [None] + list(range(n - e, n))
    else:
        rows = range(n)
    slices = ["..." if i is None else
              _nested_str(arr[i], indent + 1, summarize, formatter1, formatter2) for i in rows]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def tensor_str(arr, dtype_name, indent=0):
    """The bracketed contents of a tensor as torch prints them, without prefix or suffixes.

    Args:
        arr (numpy.ndarray): the values (bfloat16 data as float32).
        dtype_name (str): the ember/torch dtype name, e.g. ``'float32'``, ``'int64'``.
        indent (int): column at which the contents start (``len('tensor(')`` in a repr);
            wrapped lines and nested rows are indented to it.

    Returns:
        str: e.g. ``'[[1, 2],\\n [3, 4]]'`` for indent 0.

    Example::

        >>> tensor_str(np.array([1.0, 2.0]), "float64")
        '[1., 2.]'
    """
    arr = np.asarray(arr)
    name = _canonical(dtype_name)
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    if name in _COMPLEX_NAMES or np.iscomplexobj(arr):
        shown = _summarized(arr) if summarize else arr
        real_f = _Formatter(shown.real, True)
        imag_f = _Formatter(shown.imag, True)
        return _nested_str(arr, indent, summarize, real_f, imag_f)
    floating = name in _FLOAT_NAMES or (name not in _ALL_NAMES and arr.dtype.kind == "f")
    formatter = _Formatter(_summarized(arr) if summarize else arr, floating)
    return _nested_str(arr, indent, summarize, formatter, None)



def _add_suffixes(text, suffixes, indent):
    parts = [text]
    # NOTE: torch's own arithmetic (len - rfind + 1), kept so wrapping matches exactly
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(arr, dtype_name, *, device="cpu", requires_grad=False, grad_fn_name=None,
                is_parameter=False, default_dtype_name="float32", prefix="tensor("):
    """The text ``repr(tensor)`` (and ``str(tensor)``) gives, identical to PyTorch's.

    Args:
        arr (numpy.ndarray): the tensor's values on the host (bfloat16 data as float32).
        dtype_name (str): the ember/torch dtype name (``'float32'``, ``'int64'``,
            ``'bfloat16'`` ...); ``torch.``/``ember.`` prefixes and dtype objects are accepted.
        device (str): the device string; anything but CPU adds ``device='...'``.
        requires_grad (bool): adds ``requires_grad=True`` when there is no ``grad_fn``.
        grad_fn_name (str, optional): class name of the grad_fn, e.g. ``'AddBackward0'``.
        is_parameter (bool): prepend ``'Parameter containing:\\n'`` as ``nn.Parameter`` does.
        default_dtype_name (str): the current default float dtype (``get_default_dtype()``).
        prefix (str): opening text, ``'tensor('`` for plain tensors.

    Returns:
        str: the repr, e.g. ``"tensor([1., 2.], dtype=torch.float64, requires_grad=True)"``.

    Example::

        >>> tensor_repr(np.array([1.5, 2.0], dtype=np.float32), "float32",
        ...             grad_fn_name="MulBackward0")
        'tensor([1.5000, 2.0000], grad_fn=<MulBackward0>)'
    """
    arr = np.asarray(arr)
    name = _canonical(dtype_name)
    default = _canonical(default_dtype_name)
    indent = len(prefix)
    suffixes = []

    device = str(device)
    if device.split(":", 1)[0] != "cpu":
        if ":" not in device:
            device += ":0"
        suffixes.append(f"device='{device}'")

    default_complex = "complex128" if default == "float64" else "complex64"
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        # an empty tensor has no values to tell ints from floats, so any other dtype is shown
        if name != default:
            suffixes.append(f"dtype=torch.{name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        if name not in (default, default_complex, "int64", "bool"):
            suffixes.append(f"dtype=torch.{name}")
        body = tensor_str(arr, name, indent)

    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    text = _add_suffixes(prefix + body, suffixes, indent)
    if is_parameter:
        text = "Parameter containing:\n" + text
    return text
