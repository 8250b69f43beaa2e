"""Kernel dispatch of the v2 functionals: one kernel per input type (plain tensor, PIL image,
each TVTensor class), looked up along the input's MRO, as torchvision's ``_KERNEL_REGISTRY``."""
import functools

import ember
from ember.vision import tv_tensors
from ember.vision.tv_tensors import _pure
from ember.vision.transforms import _functional_pil as F_pil

__all__ = ["is_pure_tensor", "register_kernel"]


class _PILImage:
    """Registry key standing for ``PIL.Image.Image`` (Pillow is imported lazily)."""


def is_pure_tensor(inpt):
    """True for a plain tensor, False for TVTensors and non-tensors.

    Args:
        inpt: anything.

    Example::

        >>> is_pure_tensor(ember.zeros(1)), is_pure_tensor(tv_tensors.Mask(ember.zeros(1)))
        (True, False)
    """
    return isinstance(inpt, ember.Tensor) and not isinstance(inpt, tv_tensors.TVTensor)


# {functional: {input_type: kernel}}
_KERNEL_REGISTRY = {}


def _kernel_tv_tensor_wrapper(kernel):
    @functools.wraps(kernel)
    def wrapper(inpt, *args, **kwargs):
        output = kernel(_pure(inpt), *args, **kwargs)
        return tv_tensors.wrap(output, like=inpt)
    return wrapper


def _register_kernel_internal(functional, input_type, *, tv_tensor_wrapper=True):
    registry = _KERNEL_REGISTRY.setdefault(functional, {})
    if input_type in registry:
        raise ValueError(f"Functional {functional} already has a kernel registered for type "
                         f"{input_type}.")

    def decorator(kernel):
        wrap = (tv_tensor_wrapper and isinstance(input_type, type)
                and issubclass(input_type, tv_tensors.TVTensor))
        registry[input_type] = _kernel_tv_tensor_wrapper(kernel) if wrap else kernel
        return kernel
    return decorator


def _name_to_functional(name):
    from ember.vision.transforms.v2 import functional
    try:
        return getattr(functional, name)
    except AttributeError:
        raise ValueError(f"Could not find functional with name '{name}' in "
                         f"torchvision.transforms.v2.functional.") from None


_BUILTIN_TYPES = (tv_tensors.TVTensor, tv_tensors.Image, tv_tensors.Video, tv_tensors.Mask,
                  tv_tensors.BoundingBoxes)


def register_kernel(functional, tv_tensor_cls):
    """Decorate a kernel to register it for a v2 functional and a custom TVTensor class.

    The kernel gets the TVTensor itself (not unwrapped) and must return the result for it.

    Args:
        functional (callable or str): a functional of ``ember.vision.transforms.v2.functional``
            (or its name).
        tv_tensor_cls (type): a user-defined subclass of :class:`tv_tensors.TVTensor`.

    Example::

        >>> class Heat(tv_tensors.TVTensor):
        ...     pass
        >>> from ember.vision.transforms.v2 import functional as F
        >>> @register_kernel(F.horizontal_flip, Heat)
        ... def _flip_heat(h):
        ...     return tv_tensors.wrap(h.flip(-1), like=h)
        >>> h = tv_tensors.wrap(ember.tensor([[1., 2.]]), like=Heat.wrap(ember.zeros(1), None))
        >>> F.horizontal_flip(h).tolist()
        [[2.0, 1.0]]
    """
    if isinstance(functional, str):
        functional = _name_to_functional(name=functional)
    elif not (callable(functional) and getattr(functional, "__module__", "").startswith(
            "ember.vision.transforms.v2.functional")):
        raise ValueError(f"Kernels can only be registered on functionals from the "
                         f"torchvision.transforms.v2.functional namespace, but got {functional}.")
    if not (isinstance(tv_tensor_cls, type) and issubclass(tv_tensor_cls, tv_tensors.TVTensor)):
        raise ValueError(f"Kernels can only be registered for subclasses of "
                         f"torchvision.tv_tensors.TVTensor, but got {tv_tensor_cls}.")
    if tv_tensor_cls in _BUILTIN_TYPES:
        raise ValueError(f"Kernels cannot be registered for the builtin tv_tensor classes, but "
                         f"got {tv_tensor_cls}")
    return _register_kernel_internal(functional, tv_tensor_cls, tv_tensor_wrapper=False)


def _passthrough(inpt, *args, **kwargs):
    return inpt


def _get_kernel(functional, inpt, *, allow_passthrough=False):
    """The kernel of ``functional`` for ``inpt`` (an input, not its type: PIL images are
    recognised without importing Pillow)."""
    registry = _KERNEL_REGISTRY.get(functional)
    if not registry:
        raise ValueError(f"No kernel registered for functional {functional.__name__}.")
    input_type = type(inpt)
    if F_pil.is_pil_image(inpt):
        if _PILImage in registry:
            return registry[_PILImage]
    else:
        for cls in input_type.__mro__:
            if cls in registry:
                return registry[cls]
            elif cls is tv_tensors.TVTensor:
                # user-defined TVTensors do not fall back to the plain-tensor kernels
                break
    if allow_passthrough:
        return _passthrough
    names = ["PIL.Image.Image" if k is _PILImage else k.__name__ for k in registry]
    raise TypeError(f"Functional F.{functional.__name__} supports inputs of type {names}, but "
                    f"got {input_type} instead.")


def _dispatch(functional):
    """Make ``functional`` (whose body is only a docstring) call the kernel for its input."""
    @functools.wraps(functional)
    def call(inpt, *args, **kwargs):
        return _get_kernel(call, inpt)(inpt, *args, **kwargs)
    return call
