"""Helpers of the v2 transform classes: argument checks, fill dictionaries, and the queries
that find the image size or the bounding boxes in a flattened sample."""
import collections.abc
import numbers
import warnings
from contextlib import suppress

from ember.vision import tv_tensors
from ember.vision.transforms import _functional_pil as F_pil
from ember.vision.transforms.transforms import (_check_sequence_input, _setup_angle,  # noqa: F401
                                                _setup_size)

from .functional import get_dimensions, get_size, is_pure_tensor

__all__ = ["check_type", "has_any", "has_all", "get_bounding_boxes", "query_chw", "query_size"]


def _is_pil(obj):
    return F_pil.is_pil_image(obj)


def _setup_number_or_seq(arg, name):
    if not isinstance(arg, (int, float, collections.abc.Sequence)):
        raise TypeError(f"{name} should be a number or a sequence of numbers. Got {type(arg)}")
    if isinstance(arg, collections.abc.Sequence) and len(arg) not in (1, 2):
        raise ValueError(f"If {name} is a sequence its length should be 1 or 2. Got {len(arg)}")
    if isinstance(arg, collections.abc.Sequence):
        for element in arg:
            if not isinstance(element, (int, float)):
                raise ValueError(f"{name} should be a sequence of numbers. Got {type(element)}")
    if isinstance(arg, (int, float)):
        return [float(arg), float(arg)]
    if len(arg) == 1:
        return [float(arg[0]), float(arg[0])]
    return [float(arg[0]), float(arg[1])]


def _check_fill_arg(fill):
    if isinstance(fill, dict):
        for value in fill.values():
            _check_fill_arg(value)
    elif fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg, only Numbers, tuples, lists and dicts are "
                        "allowed.")


def _convert_fill_arg(fill):
    if fill is None:
        return fill
    if not isinstance(fill, (int, float)):
        fill = [float(v) for v in list(fill)]
    return fill


def _setup_fill_arg(fill):
    _check_fill_arg(fill)
    if isinstance(fill, dict):
        for k, v in fill.items():
            fill[k] = _convert_fill_arg(v)
        return fill
    return {"others": _convert_fill_arg(fill)}


def _get_fill(fill_dict, inpt_type):
    if inpt_type in fill_dict:
        return fill_dict[inpt_type]
    if "others" in fill_dict:
        return fill_dict["others"]
    raise ValueError(f"No fill value was given for inputs of type {inpt_type.__name__}; add it to "
                     f"the fill dict or give an 'others' entry.")


def _check_padding_arg(padding):
    err_msg = f"Padding must be an int or a 1, 2, or 4 element of tuple or list, got {padding}."
    if isinstance(padding, (tuple, list)):
        if len(padding) not in [1, 2, 4] or not all(isinstance(p, int) for p in padding):
            raise ValueError(err_msg)
    elif not isinstance(padding, int):
        raise ValueError(err_msg)


def _check_padding_mode_arg(padding_mode):
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")


def _warn_passthrough(transform, inpt):
    """The warning of transforms that pass bounding boxes and masks through untouched."""
    if isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.Mask)):
        warnings.warn(f"{type(transform).__name__}() is currently passing through inputs of type "
                      f"tv_tensors.{type(inpt).__name__}. This will likely change in the future.")


def _find_labels_default_heuristic(inputs):
    if isinstance(inputs, (tuple, list)):
        inputs = inputs[1]
    if is_pure_tensor(inputs):
        return inputs
    if not isinstance(inputs, collections.abc.Mapping):
        raise ValueError(
            f"When using the default labels_getter, the input passed to forward must be a "
            f"dictionary or a two-tuple whose second item is a dictionary or a tensor, but got "
            f"{inputs} instead.")
    candidate_key = None
    with suppress(StopIteration):
        candidate_key = next(key for key in inputs.keys() if key.lower() == "labels")
    if candidate_key is None:
        with suppress(StopIteration):
            candidate_key = next(key for key in inputs.keys() if "label" in key.lower())
    if candidate_key is None:
        raise ValueError(
            "Could not infer where the labels are in the sample. Try passing a callable as the "
            "labels_getter parameter?If there are no labels in the sample by design, pass "
            "labels_getter=None.")
    return inputs[candidate_key]


def _parse_labels_getter(labels_getter):
    if labels_getter == "default":
        return _find_labels_default_heuristic
    if callable(labels_getter):
        return labels_getter
    if labels_getter is None:
        return lambda _: None
    raise ValueError(f"labels_getter should either be 'default', a callable, or None, but got "
                     f"{labels_getter}.")


def check_type(obj, types_or_checks):
    """True when ``obj`` is an instance of one of the types or passes one of the checks.

    Args:
        obj: anything.
        types_or_checks (tuple): types and/or predicates.

    Example::

        >>> check_type(ember.zeros(1), (tv_tensors.Image, is_pure_tensor))
        True
    """
    for t in types_or_checks:
        if isinstance(obj, t) if isinstance(t, type) else t(obj):
            return True
    return False


def has_any(flat_inputs, *types_or_checks):
    """True when some input matches one of the types or checks.

    Args:
        flat_inputs (list): the flattened sample.
        *types_or_checks: types and/or predicates.

    Example::

        >>> has_any([1, tv_tensors.Mask(ember.zeros(1))], tv_tensors.Mask)
        True
    """
    return any(check_type(inpt, types_or_checks) for inpt in flat_inputs)


def has_all(flat_inputs, *types_or_checks):
    """True when every type or check is matched by some input.

    Args:
        flat_inputs (list): the flattened sample.
        *types_or_checks: types and/or predicates.

    Example::

        >>> has_all([ember.zeros(1), tv_tensors.Mask(ember.zeros(1))], tv_tensors.Mask, is_pure_tensor)
        True
    """
    for t in types_or_checks:
        if not any(isinstance(inpt, t) if isinstance(t, type) else t(inpt)
                   for inpt in flat_inputs):
            return False
    return True


def get_bounding_boxes(flat_inputs):
    """The (first) :class:`~ember.vision.tv_tensors.BoundingBoxes` of a flattened sample.

    Args:
        flat_inputs (list): the flattened sample.

    Example::

        >>> b = tv_tensors.BoundingBoxes([[0, 0, 1, 1]], format="XYXY", canvas_size=(2, 2))
        >>> get_bounding_boxes([ember.zeros(1), b]) is b
        True
    """
    try:
        return next(inpt for inpt in flat_inputs if isinstance(inpt, tv_tensors.BoundingBoxes))
    except StopIteration:
        raise ValueError("No bounding boxes were found in the sample") from None


def _seq_to_str(seq):
    seq = [f"'{item}'" if isinstance(item, str) else str(item) for item in seq]
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + f", and {seq[-1]}"


def query_chw(flat_inputs):
    """``(C, H, W)`` shared by the images and videos of a flattened sample.

    Args:
        flat_inputs (list): the flattened sample.

    Example::

        >>> query_chw([tv_tensors.Image(ember.zeros(3, 4, 5))])
        (3, 4, 5)
    """
    chws = {tuple(get_dimensions(inpt)) for inpt in flat_inputs
            if check_type(inpt, (is_pure_tensor, tv_tensors.Image, _is_pil, tv_tensors.Video))}
    if not chws:
        raise TypeError("No image or video was found in the sample")
    if len(chws) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: "
                         f"{_seq_to_str(sorted(chws))}")
    return chws.pop()


def query_size(flat_inputs):
    """``(H, W)`` shared by the images, videos, masks and boxes of a flattened sample.

    Args:
        flat_inputs (list): the flattened sample.

    Example::

        >>> query_size([tv_tensors.Mask(ember.zeros(4, 5))])
        (4, 5)
    """
    sizes = {tuple(get_size(inpt)) for inpt in flat_inputs
             if check_type(inpt, (is_pure_tensor, tv_tensors.Image, _is_pil, tv_tensors.Video,
                                  tv_tensors.Mask, tv_tensors.BoundingBoxes))}
    if not sizes:
        raise TypeError("No image, video, mask, bounding box of keypoint was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple HxW dimensions in the sample: "
                         f"{_seq_to_str(sorted(sizes))}")
    return sizes.pop()
