"""ember.utils: helpers mirroring ``torch.utils``.

Submodules (``ember.utils.data``, ``ember.utils.tensorboard``, ...) are imported lazily on
first attribute access, so ``import ember`` never pulls in optional dependencies such as
tensorboard.

Example:
    >>> import ember
    >>> ember.utils.data.TensorDataset  # doctest: +ELLIPSIS
    <class 'ember.utils.data.dataset.TensorDataset'>
"""

import importlib as _importlib


def __getattr__(name):
    # Lazy submodule access: ember.utils.data, ember.utils.tensorboard, ...
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        return _importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
