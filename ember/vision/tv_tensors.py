"""``ember.vision.tv_tensors``: torchvision's TVTensors, tensor subclasses that tell the v2
transforms what a tensor holds.

* :class:`Image` (``[..., C, H, W]``), :class:`Video` (``[..., T, C, H, W]``), :class:`Mask`
  (``[..., H, W]``) and :class:`BoundingBoxes` (``[N, 4]`` with a :class:`BoundingBoxFormat`,
  the ``canvas_size`` of their image and a ``clamping_mode``).
* Operations on a TVTensor return plain tensors, as in torchvision (``img + 1`` is a
  ``Tensor``), except ``clone``, ``to``, ``detach``, ``requires_grad_`` and ``pin_memory``, which
  keep the subclass and its metadata. In-place methods change the TVTensor and return a plain
  tensor sharing its memory. Inside ``set_return_type("TVTensor")`` every tensor *method* and
  operator returns the subclass (module-level functions such as ``ember.add(img, 1)`` still
  return plain tensors in ember).
* :func:`wrap` turns a plain tensor into the subclass of another TVTensor, copying its
  metadata (the way transforms re-wrap the outputs of their kernels).

Example::

    >>> import ember
    >>> from ember.vision import tv_tensors
    >>> boxes = tv_tensors.BoundingBoxes([[0, 1, 4, 5]], format="XYXY", canvas_size=(8, 8))
    >>> boxes
    BoundingBoxes([[0, 1, 4, 5]], format=BoundingBoxFormat.XYXY, canvas_size=(8, 8), clamping_mode=soft)
    >>> type(boxes + 1).__name__
    'Tensor'
"""
import functools
from enum import Enum

import ember
from ember._tensor import Tensor
from ember.autograd.function import Function

__all__ = ["TVTensor", "Image", "Video", "Mask", "BoundingBoxes", "BoundingBoxFormat",
           "set_return_type", "wrap"]

# ---------------------------------------------------------------------------------- return type
_RETURN_SUBCLASS = [False]


class _ReturnTypeCM:
    def __init__(self, to_restore):
        self.to_restore = to_restore

    def __enter__(self):
        return self

    def __exit__(self, *args):
        _RETURN_SUBCLASS[0] = self.to_restore


def set_return_type(return_type):
    """Set what tensor operations on a TVTensor return: ``"Tensor"`` (the default, plain tensors)
    or ``"TVTensor"`` (the subclass of the input, with its metadata).

    Works as a global switch or, used in a ``with`` statement, for a block only. Transforms
    and the v2 functionals are not affected: they always return the type they were given.
    In ember the switch covers tensor methods and operators (``img + 2``, ``boxes.flip(0)``);
    module-level functions (``ember.add(img, 2)``) always return plain tensors.

    Args:
        return_type (str): ``"TVTensor"`` or ``"Tensor"`` (case-insensitive).

    Example::

        >>> img = Image(ember.zeros(3, 2, 2))
        >>> with set_return_type("TVTensor"):
        ...     type(img + 2).__name__
        'Image'
        >>> type(img + 2).__name__
        'Tensor'
    """
    to_restore = _RETURN_SUBCLASS[0]
    try:
        _RETURN_SUBCLASS[0] = {"tensor": False, "tvtensor": True}[str(return_type).lower()]
    except KeyError:
        raise ValueError(f"return_type must be 'TVTensor' or 'Tensor', got {return_type}") from None
    return _ReturnTypeCM(to_restore)


# ---------------------------------------------------------------------------------- as_subclass
class Alias(Function):
    """The identity with its own graph node (``AliasBackward0``), as torch's ``as_subclass``
    records when the tensor requires grad (used by the TVTensor constructors).

    Args:
        x (Tensor): the input; the output shares its memory.

    Example::

        >>> Alias.apply(ember.ones(1, requires_grad=True)).grad_fn.name()
        'AliasBackward0'
    """

    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, grad):
        return grad


def _as_subclass(t, cls):
    """A ``cls`` instance sharing ``t``'s memory (and version counter); through an
    ``AliasBackward0`` node when ``t`` requires grad, like ``torch.Tensor.as_subclass``."""
    if t._requires_grad and ember.is_grad_enabled():
        t = Alias.apply(t)
    obj = object.__new__(cls)
    Tensor._init(obj, t._data, t._dtype, t._requires_grad)
    obj.grad_fn = t.grad_fn
    obj._output_nr = t._output_nr
    obj._version_box = t._version_box
    obj._base = t._base
    return obj


def _pure(t):
    """``t`` as a plain Tensor (sharing memory); plain tensors are returned as they are."""
    return t if type(t) is Tensor else _as_subclass(t, Tensor)


# ---------------------------------------------------------------------------------- TVTensor
_FORCE_SUBCLASS = frozenset({"clone", "to", "detach", "requires_grad_", "pin_memory"})
# methods and operators whose results are re-typed; everything else (shape, len, item, repr,
# conversions to Python numbers ...) is inherited untouched
_SKIP = frozenset({
    "__init__", "__new__", "__repr__", "__str__", "__format__", "__reduce__", "__reduce_ex__",
    "__deepcopy__", "__hash__", "__len__", "__bool__", "__float__", "__int__", "__complex__",
    "__index__", "__array__", "__array_wrap__", "__setattr__", "__getattribute__", "__delattr__",
    "__dir__", "__sizeof__", "__init_subclass__", "__subclasshook__", "__getstate__",
    "__setstate__", "__class__", "__setitem__", "__iter__", "__torch_function__",
    "__array_priority__",
    "tolist", "item", "numpy", "size", "dim", "numel", "nelement", "element_size", "stride",
    "storage_offset", "data_ptr", "is_contiguous", "is_floating_point", "is_complex", "type",
    "backward", "register_hook", "retain_grad", "get_device", "untyped_storage", "storage",
    "is_set_to", "equal", "allclose", "is_signed", "ndimension", "is_shared", "share_memory_",
    "register_post_accumulate_grad_hook", "is_pinned", "is_same_size", "is_nonzero",
    "is_inference", "apply_", "map_",
})


def _retype(self, name, out):
    """torchvision's ``__torch_function__`` rule for the result ``out`` of ``self.<name>()``."""
    if _RETURN_SUBCLASS[0] or name in _FORCE_SUBCLASS:
        return type(self)._wrap_output(out, self)
    if isinstance(out, TVTensor):  # an in-place method returned self: a plain alias of it
        return _pure(out)
    return out


def _method(name, fn):
    @functools.wraps(fn)
    def method(self, *args, **kwargs):
        return _retype(self, name, fn(self, *args, **kwargs))
    return method


def _prop(name, prop):
    def get(self):
        out = prop.fget(self)
        return type(self)._wrap_output(out, self) if _RETURN_SUBCLASS[0] else out
    return property(get, prop.fset, prop.fdel, prop.__doc__)


class TVTensor(Tensor):
    """Base class of the TVTensors (:class:`Image`, :class:`Video`, :class:`Mask`,
    :class:`BoundingBoxes`); subclass it to define your own.

    Operations on a TVTensor return plain tensors except ``clone``, ``to``, ``detach``,
    ``requires_grad_`` and ``pin_memory`` (see :func:`set_return_type`).

    Args:
        (none: construct the concrete subclasses)

    Example::

        >>> class Heatmap(TVTensor):
        ...     pass
        >>> h = wrap(ember.zeros(2, 2), like=Image(ember.zeros(1, 2, 2)))
        >>> isinstance(h, TVTensor), type(h).__name__
        (True, 'Image')
    """

    @staticmethod
    def _to_tensor(data, dtype=None, device=None, requires_grad=None):
        if requires_grad is None:
            requires_grad = data.requires_grad if isinstance(data, Tensor) else False
        t = ember.as_tensor(data, dtype=dtype, device=device)
        if t._requires_grad != bool(requires_grad):
            t.requires_grad_(requires_grad)
        return t

    @classmethod
    def _wrap_output(cls, output, like=None):
        if isinstance(output, Tensor) and not isinstance(output, cls):
            output = _as_subclass(output, cls)
        elif isinstance(output, (tuple, list)):
            output = type(output)(cls._wrap_output(part, like) for part in output)
        return output

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        """``tensor`` as an instance of ``cls`` carrying ``like``'s metadata (overridden by
        ``kwargs``); see :func:`ember.vision.tv_tensors.wrap`.

        Args:
            tensor (Tensor): the tensor to wrap (memory is shared).
            like (TVTensor): where the metadata comes from.
            **kwargs: metadata overrides.

        Example::

            >>> Image.wrap(ember.zeros(1, 2, 2), like=None).shape
            torch.Size([1, 2, 2])
        """
        return _as_subclass(tensor, cls)

    def __repr__(self, *, tensor_contents=None):
        from ember._tensor_str import tensor_repr
        from ember import _dtype as D
        fn = self.grad_fn
        return tensor_repr(Tensor.detach(self).cpu()._data, self._dtype.name,
                           device=str(self.device),
                           requires_grad=self._requires_grad and fn is None,
                           grad_fn_name=None if fn is None else type(fn).__name__,
                           default_dtype_name=D.get_default_dtype().name,
                           prefix=f"{type(self).__name__}(")

    __str__ = __repr__

    def _make_repr(self, **kwargs):
        # torchvision's: the tensor repr with ", key=value, ..." before the closing parenthesis
        extra = ", ".join(f"{key}={value}" for key, value in kwargs.items())
        return f"{TVTensor.__repr__(self)[:-1]}, {extra})"

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        parts = Tensor.unbind(self, 0)
        if _RETURN_SUBCLASS[0]:
            parts = type(self)._wrap_output(tuple(parts), self)
        return iter(parts)

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        out = self.detach().clone().requires_grad_(self.requires_grad)
        memo[id(self)] = out
        return out

    def __reduce_ex__(self, proto):
        data = Tensor.detach(self).cpu()._data.copy()
        return (_rebuild_tv_tensor, (type(self), data, self._dtype.name, str(self.device),
                                     self._requires_grad, dict(self.__dict__)))


def _rebuild_tv_tensor(cls, data, dtype_name, device, requires_grad, state):
    from ember._tensor import _rebuild
    obj = _as_subclass(_rebuild(data, dtype_name, device, False), cls)
    obj.__dict__.update(state)
    if requires_grad:
        obj.requires_grad_(True)
    return obj


def _install_retyping():
    for name in dir(Tensor):
        if name in _SKIP or (name.startswith("_") and not name.startswith("__")):
            continue
        attr = getattr(Tensor, name, None)
        raw = Tensor.__dict__.get(name)
        if raw is None:
            for base in Tensor.__mro__:
                if name in base.__dict__:
                    raw = base.__dict__[name]
                    break
        if isinstance(raw, property):
            if name in ("T", "mT", "H", "mH", "real", "imag"):
                setattr(TVTensor, name, _prop(name, raw))
            continue
        if name in TVTensor.__dict__ or not callable(attr) or isinstance(raw, (staticmethod,
                                                                               classmethod)):
            continue
        if name.startswith("__") and getattr(object, name, None) is attr:
            continue
        setattr(TVTensor, name, _method(name, attr))


_install_retyping()


# ---------------------------------------------------------------------------------- subclasses
def _from_pil(data):
    from .transforms import _functional_pil as F_pil
    if F_pil.is_pil_image(data):
        from .transforms.functional import pil_to_tensor
        return pil_to_tensor(data)
    return data


class Image(TVTensor):
    """A tensor holding images, ``[..., C, H, W]`` (a 2-D input gets a channel dimension).

    Args:
        data (tensor-like or PIL Image): anything :func:`ember.as_tensor` accepts, or a PIL image.
        dtype (ember.dtype, optional): the dtype; default inferred from ``data``.
        device (ember.device, optional): the device; default ``data``'s (or the CPU).
        requires_grad (bool, optional): default ``data.requires_grad`` for tensors, else False.

    Example::

        >>> Image(ember.zeros(2, 3)).shape
        torch.Size([1, 2, 3])
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        data = _from_pil(data)
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if tensor.ndim < 2:
            raise ValueError(f"Tensor must be 2D or higher, got {tensor.ndim}D tensor.")
        elif tensor.ndim == 2:
            tensor = tensor.unsqueeze(0)
        return _as_subclass(tensor, cls)

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr()

    __str__ = __repr__


class Video(TVTensor):
    """A tensor holding videos, ``[..., T, C, H, W]``.

    Args:
        data (tensor-like): anything :func:`ember.as_tensor` accepts (4-D or more).
        dtype (ember.dtype, optional): the dtype; default inferred from ``data``.
        device (ember.device, optional): the device; default ``data``'s (or the CPU).
        requires_grad (bool, optional): default ``data.requires_grad`` for tensors, else False.

    Example::

        >>> Video(ember.zeros(2, 3, 4, 4)).shape
        torch.Size([2, 3, 4, 4])
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        if tensor.ndim < 4:
            raise ValueError(f"Video must be 4D or higher ([..., T, C, H, W]), got {tensor.ndim}D "
                             f"tensor.")
        return _as_subclass(tensor, cls)

    def __init__(self, *args, **kwargs):
        pass

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr()

    __str__ = __repr__


class Mask(TVTensor):
    """A tensor holding segmentation or detection masks, ``[..., H, W]``.

    Args:
        data (tensor-like or PIL Image): anything :func:`ember.as_tensor` accepts, or a PIL image.
        dtype (ember.dtype, optional): the dtype; default inferred from ``data``.
        device (ember.device, optional): the device; default ``data``'s (or the CPU).
        requires_grad (bool, optional): default ``data.requires_grad`` for tensors, else False.

    Example::

        >>> Mask(ember.zeros(2, 3, dtype=ember.uint8))
        Mask([[0, 0, 0],
              [0, 0, 0]], dtype=torch.uint8)
    """

    def __new__(cls, data, *, dtype=None, device=None, requires_grad=None):
        data = _from_pil(data)
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        return _as_subclass(tensor, cls)

    def __init__(self, *args, **kwargs):
        pass


class BoundingBoxFormat(Enum):
    """Coordinate format of bounding boxes.

    * ``XYXY``: the corners ``x1, y1`` (top left) and ``x2, y2`` (bottom right).
    * ``XYWH``: the top-left corner ``x1, y1``, the width and the height.
    * ``CXCYWH``: the centre ``cx, cy``, the width and the height.

    (torchvision's rotated formats ``XYWHR``, ``CXCYWHR`` and ``XYXYXYXY`` are not implemented
    in ember.)

    Example::

        >>> BoundingBoxFormat["XYWH"]
        <BoundingBoxFormat.XYWH: 'XYWH'>
    """
    XYXY = "XYXY"
    XYWH = "XYWH"
    CXCYWH = "CXCYWH"


_ROTATED = ("XYWHR", "CXCYWHR", "XYXYXYXY")


def _parse_format(format):
    if isinstance(format, BoundingBoxFormat):
        return format
    if isinstance(format, str):
        key = format.upper()
        if key in _ROTATED:
            raise NotImplementedError(
                f"ember does not implement rotated bounding boxes (format {key}) yet; use XYXY, "
                f"XYWH or CXCYWH")
        return BoundingBoxFormat[key]
    raise ValueError(f"format should be str or BoundingBoxFormat, got {type(format)}")


class BoundingBoxes(TVTensor):
    """A tensor holding bounding boxes, ``[N, 4]``, with their coordinate format and the size
    of the image they belong to.

    Args:
        data (tensor-like): the boxes (a 1-D tensor is one box).
        format (BoundingBoxFormat or str): ``"XYXY"``, ``"XYWH"`` or ``"CXCYWH"``.
        canvas_size (two ints): ``(height, width)`` of the image or video.
        clamping_mode (str or None): how transforms clamp boxes that leave the canvas:
            ``"soft"`` (the default) or ``"hard"`` (the same for these formats), or ``None``
            to never clamp.
        dtype (ember.dtype, optional): the dtype; default inferred from ``data``.
        device (ember.device, optional): the device; default ``data``'s (or the CPU).
        requires_grad (bool, optional): default ``data.requires_grad`` for tensors, else False.

    Example::

        >>> b = BoundingBoxes([1., 2., 3., 4.], format="XYWH", canvas_size=(10, 10))
        >>> b.shape, b.format, b.canvas_size
        (torch.Size([1, 4]), <BoundingBoxFormat.XYWH: 'XYWH'>, (10, 10))
    """

    @classmethod
    def _wrap(cls, tensor, *, format, canvas_size, clamping_mode="soft", check_dims=True):
        if check_dims:
            if tensor.ndim == 1:
                tensor = tensor.unsqueeze(0)
            elif tensor.ndim != 2:
                raise ValueError(f"Expected a 1D or 2D tensor, got {tensor.ndim}D")
        if clamping_mode is not None and clamping_mode not in ("hard", "soft"):
            raise ValueError(f"clamping_mode must be None, hard or soft, got {clamping_mode}.")
        format = _parse_format(format)
        boxes = _as_subclass(tensor, cls)
        boxes.format = format
        boxes.canvas_size = canvas_size
        boxes.clamping_mode = clamping_mode
        return boxes

    @classmethod
    def wrap(cls, tensor, like, **kwargs):
        """``tensor`` as BoundingBoxes with ``like``'s format, canvas_size and clamping_mode
        (each overridable by keyword).

        Args:
            tensor (Tensor): the boxes.
            like (BoundingBoxes): where the metadata comes from.
            **kwargs: ``format``, ``canvas_size`` or ``clamping_mode`` overrides.

        Example::

            >>> b = BoundingBoxes([[0, 0, 2, 2]], format="XYXY", canvas_size=(4, 4))
            >>> BoundingBoxes.wrap(ember.ones(1, 4), like=b, canvas_size=(8, 8)).canvas_size
            (8, 8)
        """
        return cls._wrap(tensor, format=kwargs.get("format", like.format),
                         canvas_size=kwargs.get("canvas_size", like.canvas_size),
                         clamping_mode=kwargs.get("clamping_mode", like.clamping_mode))

    def __new__(cls, data, *, format, canvas_size, clamping_mode="soft", dtype=None, device=None,
                requires_grad=None):
        tensor = cls._to_tensor(data, dtype=dtype, device=device, requires_grad=requires_grad)
        return cls._wrap(tensor, format=format, canvas_size=canvas_size,
                         clamping_mode=clamping_mode)

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def _wrap_output(cls, output, like=None):
        meta = dict(format=like.format, canvas_size=like.canvas_size,
                    clamping_mode=like.clamping_mode, check_dims=False)
        if isinstance(output, Tensor) and not isinstance(output, BoundingBoxes):
            output = BoundingBoxes._wrap(output, **meta)
        elif isinstance(output, (tuple, list)):  # chunk(), unbind()
            output = type(output)(BoundingBoxes._wrap(part, **meta) for part in output)
        return output

    def __repr__(self, *, tensor_contents=None):
        return self._make_repr(format=self.format, canvas_size=self.canvas_size,
                               clamping_mode=self.clamping_mode)

    __str__ = __repr__


def wrap(wrappee, *, like, **kwargs):
    """Make ``wrappee`` (a tensor) the same TVTensor subclass as ``like``, copying its metadata
    (``format``, ``canvas_size``, ...) unless overridden by ``kwargs``. Memory is shared.

    Args:
        wrappee (Tensor): the tensor to convert.
        like (TVTensor): the reference.
        **kwargs: metadata overrides passed to ``type(like).wrap``.

    Example::

        >>> b = BoundingBoxes([[0, 0, 2, 2]], format="XYXY", canvas_size=(4, 4))
        >>> wrap(ember.tensor([[1, 1, 3, 3]]), like=b)
        BoundingBoxes([[1, 1, 3, 3]], format=BoundingBoxFormat.XYXY, canvas_size=(4, 4), clamping_mode=soft)
    """
    wrap_method = getattr(type(like), "wrap", None)
    if wrap_method is not None:
        return wrap_method(wrappee, like, **kwargs)
    return _as_subclass(wrappee, type(like))
