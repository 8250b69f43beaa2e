"""Page-locking batches before they go to an accelerator (``DataLoader(pin_memory=True)``).

On CPU-only machines pinning is a no-op: the DataLoader warns once and never calls ``_pin``.
When an accelerator is present the DataLoader passes every batch through :func:`_pin`, which
walks the batch structure and calls ``pin_memory()`` on every object that has one (ember
tensors do once the CUDA backend provides page-locked host memory); leaves without such a
method are returned unchanged. This is the single hook the CUDA backend fills in.
"""

import collections.abc
import copy


def _accelerator_available():
    """True when ember has a usable accelerator (CUDA via CuPy)."""
    try:
        import ember.cuda as cuda
        return bool(cuda.is_available())
    except Exception:
        return False


def _pin(batch):
    """Return ``batch`` with every pinnable leaf pinned, keeping the structure.

    Args:
        batch: a collated batch (tensors, mappings, named tuples, sequences, anything else).

    Example:
        >>> from ember.utils.data._utils.pin_memory import _pin
        >>> _pin({'ids': [1, 2], 'name': 'x'})
        {'ids': [1, 2], 'name': 'x'}
    """
    if isinstance(batch, (str, bytes)):
        return batch
    pin = getattr(batch, "pin_memory", None)
    if callable(pin):
        return pin()
    if isinstance(batch, collections.abc.Mapping):
        try:
            if isinstance(batch, collections.abc.MutableMapping):
                clone = copy.copy(batch)
                clone.update({k: _pin(v) for k, v in batch.items()})
                return clone
            return type(batch)({k: _pin(v) for k, v in batch.items()})
        except TypeError:
            return {k: _pin(v) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # namedtuple
        return type(batch)(*(_pin(sample) for sample in batch))
    if isinstance(batch, tuple):
        return [_pin(sample) for sample in batch]  # backwards compatibility, as torch
    if isinstance(batch, collections.abc.Sequence):
        try:
            if isinstance(batch, collections.abc.MutableSequence):
                clone = copy.copy(batch)
                for i, item in enumerate(batch):
                    clone[i] = _pin(item)
                return clone
            return type(batch)([_pin(sample) for sample in batch])
        except TypeError:
            return [_pin(sample) for sample in batch]
    return batch
