"""Turning a list of samples into a batch: ``default_collate`` and ``default_convert``.

The rules are torch's (``torch/utils/data/_utils/collate.py``):

* ember tensors are stacked along a new first dimension;
* NumPy arrays become tensors and are stacked (string/object arrays are refused);
* NumPy scalars become a 1-d tensor of their dtype;
* Python ``float`` -> float64 tensor, ``int`` -> int64 tensor, ``bool`` -> bool tensor;
* ``str`` / ``bytes`` are left as they are (the batch is returned unchanged);
* mappings, named tuples and sequences are collated field by field, recursively.

``collate(batch, collate_fn_map=...)`` is the extensible core: ``collate_fn_map`` maps an
element type (or a tuple of types) to a function ``fn(batch, *, collate_fn_map)``.
"""

import collections.abc
import copy
import re

import numpy as np

import ember
from ember._tensor import Tensor

__all__ = ["collate", "default_collate", "default_convert", "default_collate_fn_map",
           "collate_tensor_fn", "collate_numpy_array_fn", "collate_numpy_scalar_fn",
           "collate_float_fn", "collate_int_fn", "collate_str_fn"]

# dtype.str kinds that cannot become a tensor: byte strings, unicode, void, objects
np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}"
)


def default_convert(data):
    """Convert NumPy arrays and scalars inside ``data`` to ember tensors, keeping the structure.

    This is the ``collate_fn`` the DataLoader uses when automatic batching is off
    (``batch_size=None``). Tensors are returned unchanged, NumPy arrays/scalars become tensors
    (string and object arrays are left alone), and mappings, named tuples and sequences are
    converted element by element (plain tuples come back as lists, as in torch). Anything else
    is returned as is.

    Args:
        data: a single sample.

    Example:
        >>> import numpy as np
        >>> from ember.utils.data import default_convert
        >>> default_convert(np.array([0, 1]))
        tensor([0, 1])
        >>> default_convert({'x': np.float64(1.5), 'name': 'a'})
        {'x': tensor(1.5000, dtype=torch.float64), 'name': 'a'}
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        # np.asarray: a NumPy scalar keeps its dtype (np.float64 -> float64, np.int32 -> int32)
        return ember.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({key: default_convert(data[key]) for key in data})
                return clone
            return elem_type({key: default_convert(data[key]) for key in data})
        except TypeError:
            # the mapping type may not accept a plain dict in its constructor
            return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            # the sequence type may not accept a list in its constructor
            return [default_convert(d) for d in data]
    return data


def collate(batch, *, collate_fn_map=None):
    """Collate a list of samples, dispatching on the type of the first element.

    ``collate_fn_map`` maps a type (or tuple of types) to ``fn(batch, *, collate_fn_map)``;
    an exact type match wins, then the first ``isinstance`` match in insertion order. Containers
    (mappings, named tuples, sequences) are handled here and recurse with the same map.

    Args:
        batch (list): the samples to merge.
        collate_fn_map (dict, optional): type -> collate function.

    Example:
        >>> from ember.utils.data._utils.collate import collate, default_collate_fn_map
        >>> def collate_str_upper(batch, *, collate_fn_map=None):
        ...     return [s.upper() for s in batch]
        >>> fn_map = {**default_collate_fn_map, str: collate_str_upper}
        >>> collate([('a', 1), ('b', 2)], collate_fn_map=fn_map)
        [['A', 'B'], tensor([1, 2])]
    """
    elem = batch[0]
    elem_type = type(elem)

    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)

    if isinstance(elem, collections.abc.Mapping):
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                # copy keeps the mapping's type and any extra attributes it carries
                clone = copy.copy(elem)
                clone.update({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
                return clone
            return elem_type({key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
                              for key in elem})
        except TypeError:
            return {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            # tuples come back as lists (torch's behaviour)
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, samples in enumerate(transposed):
                    clone[i] = collate(samples, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(samples, collate_fn_map=collate_fn_map) for samples in transposed])
        except TypeError:
            return [collate(samples, collate_fn_map=collate_fn_map) for samples in transposed]

    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    """Stack a list of equally shaped tensors along a new dimension 0.

    Example:
        >>> import ember
        >>> collate_tensor_fn([ember.zeros(2), ember.ones(2)]).shape
        torch.Size([2, 2])
    """
    return ember.stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    """Convert NumPy arrays to tensors and collate them (string/object arrays raise TypeError).

    Example:
        >>> import numpy as np
        >>> collate_numpy_array_fn([np.zeros(2), np.ones(2)], collate_fn_map=default_collate_fn_map).shape
        torch.Size([2, 2])
    """
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([ember.as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    """Turn a list of NumPy scalars into a 1-d tensor of their dtype.

    Example:
        >>> import numpy as np
        >>> collate_numpy_scalar_fn([np.float32(1), np.float32(2)]).dtype
        torch.float32
    """
    return ember.as_tensor(np.asarray(list(batch)))


def collate_float_fn(batch, *, collate_fn_map=None):
    """Python floats -> float64 tensor (torch's rule).

    Example:
        >>> collate_float_fn([0.5, 1.5]).dtype
        torch.float64
    """
    return ember.tensor(list(batch), dtype=ember.float64)


def collate_int_fn(batch, *, collate_fn_map=None):
    """Python ints -> int64 tensor (bools -> bool tensor), inferred like ``ember.tensor``.

    Example:
        >>> collate_int_fn([1, 2]).dtype
        torch.int64
    """
    return ember.tensor(list(batch))


def collate_str_fn(batch, *, collate_fn_map=None):
    """Strings and bytes are not collated: the batch is returned unchanged.

    Example:
        >>> collate_str_fn(['a', 'b'])
        ['a', 'b']
    """
    return batch


default_collate_fn_map = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch):
    """Merge a list of samples into a batch, following torch's rules.

    Used by :class:`DataLoader` when ``batch_size`` is not None. The output keeps the structure
    of a sample with each leaf batched:

    * ``Tensor`` -> ``Tensor`` with an added outer dimension (``ember.stack``)
    * NumPy array -> ``Tensor`` (stacked); NumPy scalar -> 1-d ``Tensor``
    * ``float`` -> float64 ``Tensor``; ``int`` -> int64 ``Tensor``; ``bool`` -> bool ``Tensor``
    * ``str`` / ``bytes`` -> unchanged (the batch itself)
    * ``Mapping[K, V]`` -> same mapping type with collated values
    * ``NamedTuple`` -> same named tuple with collated fields
    * ``tuple`` -> ``list`` of collated fields; other ``Sequence`` -> same type

    Args:
        batch (list): a list of samples.

    Raises:
        TypeError: for element types it does not know (``default_collate: batch must contain
            tensors, numpy arrays, numbers, dicts or lists; found ...``).
        RuntimeError: when sequences in the batch have different lengths, or tensors
            different shapes.

    Example:
        >>> import ember
        >>> from ember.utils.data import default_collate
        >>> default_collate([0, 1, 2, 3])
        tensor([0, 1, 2, 3])
        >>> default_collate(['a', 'b', 'c'])
        ['a', 'b', 'c']
        >>> default_collate([{'A': 0, 'B': 1}, {'A': 100, 'B': 100}])
        {'A': tensor([  0, 100]), 'B': tensor([  1, 100])}
        >>> default_collate([(1.5, 'x'), (2.5, 'y')])
        [tensor([1.5000, 2.5000], dtype=torch.float64), ('x', 'y')]
        >>> default_collate([ember.ones(3), ember.zeros(3)]).shape
        torch.Size([2, 3])
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
