"""ember.vision: torchvision's API on ember (datasets, transforms, models, utils).

The submodules are imported lazily on first use, so ``import ember.vision`` is cheap and does
not need Pillow.

Example::

    >>> import ember.vision
    >>> ds = ember.vision.datasets.Digits(train=False)
    >>> len(ds)
    359
"""

import importlib

_SUBMODULES = ("datasets", "transforms", "models", "utils", "io", "ops", "tv_tensors")

__all__ = list(_SUBMODULES)


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"ember does not implement torchvision.{name} yet")


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
