"""Run unmodified PyTorch programs on ember: ``import torch`` / ``import torchvision`` resolve
to ember.

``install()`` puts an import hook first on ``sys.meta_path`` that maps

* ``torch`` -> ``ember`` and ``torch.<sub>`` -> ``ember.<sub>`` (``torch.nn.functional`` ->
  ``ember.nn.functional``, ``torch.utils.data`` -> ``ember.utils.data``, ...)
* ``torchvision`` -> ``ember.vision`` and ``torchvision.<sub>`` -> ``ember.vision.<sub>``

The alias module *is* the ember module (``torch.nn is ember.nn``), so ``isinstance`` checks,
pickling and identity work. It wins over a real torch installation. A submodule ember lacks
raises ``ModuleNotFoundError: ember does not implement torch.X yet``; a missing attribute raises
``AttributeError: ember does not implement torch.X yet``.

Used by ``python -m ember run script.py`` and, in a notebook, by ``ember.compat.install()``.
"""
import importlib
import importlib.abc
import importlib.util
import os
import sys

__all__ = ["install", "uninstall", "is_installed", "ALIASES", "resolve"]

# top-level alias -> ember package
ALIASES = {"torch": "ember", "torchvision": "ember.vision"}

# torch submodules that live elsewhere in ember
_SPECIAL = {
    "torch.utils.data.dataloader": "ember.utils.data.dataloader",
    "torch._C": "ember._torch_c",
    "torchvision.io": "ember.vision.io",
}


def resolve(fullname):
    """The ember module name that stands for ``fullname`` (a torch or torchvision module name).

    Args:
        fullname (str): a module name starting with ``torch`` or ``torchvision``.

    Example::

        >>> resolve('torch.nn.functional')
        'ember.nn.functional'
        >>> resolve('torchvision.transforms')
        'ember.vision.transforms'
    """
    if fullname in _SPECIAL:
        return _SPECIAL[fullname]
    top, _, rest = fullname.partition(".")
    base = ALIASES[top]
    return base + ("." + rest if rest else "")


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        module = importlib.import_module(self.target)
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module):
        # the module object is ember's own and already executed; the import system has just
        # stamped the alias spec on it: give it its own spec back
        module.__spec__ = self._own_spec


class _TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch*`` / ``torchvision*`` and answers with the ember module."""

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top not in ALIASES:
            return None
        target_name = resolve(fullname)
        try:
            found = importlib.util.find_spec(target_name)
        except (ImportError, ValueError):
            found = None
        if found is None:
            parent_name, _, child = target_name.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and child in getattr(parent, "__dict__", {}) and \
                    isinstance(parent.__dict__[child], type(sys)):
                found = True
        if found is None:
            raise ModuleNotFoundError(f"ember does not implement {fullname} yet",
                                      name=fullname)
        spec = importlib.util.spec_from_loader(fullname, _AliasLoader(target_name))
        return spec


_FINDER = _TorchAliasFinder()


def install():
    """Make ``import torch`` and ``import torchvision`` (and their submodules) load ember.

    Call it before the program imports torch; modules of a real torch that were already
    imported are removed from ``sys.modules`` so later imports get ember. Undo with
    :func:`uninstall`. ``python -m ember run script.py`` does this for you.

    Args:
        (none)

    Example::

        >>> import sys, ember.compat
        >>> saved = {k: m for k, m in sys.modules.items()
        ...          if k.partition('.')[0] in ('torch', 'torchvision')}
        >>> ember.compat.install()
        >>> import torch
        >>> torch is ember, torch.tensor([1.0, 2.0]) * 2
        (True, tensor([2., 4.]))
        >>> ember.compat.uninstall(); sys.modules.update(saved)
    """
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    for name in list(sys.modules):
        top = name.partition(".")[0]
        if top in ALIASES:
            mod = sys.modules[name]
            if not getattr(mod, "__name__", "").startswith("ember"):
                del sys.modules[name]
    os.environ["EMBER_TORCH_ALIAS"] = "1"


def uninstall():
    """Remove the import hook and the ``torch``/``torchvision`` aliases from ``sys.modules``.

    Args:
        (none)

    Example::

        >>> import sys, ember.compat
        >>> saved = {k: m for k, m in sys.modules.items()
        ...          if k.partition('.')[0] in ('torch', 'torchvision')}
        >>> ember.compat.install(); ember.compat.uninstall(); sys.modules.update(saved)
        >>> ember.compat.is_installed()
        False
    """
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in list(sys.modules):
        if name.partition(".")[0] in ALIASES and \
                getattr(sys.modules[name], "__name__", "").startswith("ember"):
            del sys.modules[name]
    os.environ.pop("EMBER_TORCH_ALIAS", None)


def is_installed():
    """Whether the torch alias import hook is active.

    Args:
        (none)

    Example::

        >>> import ember.compat
        >>> ember.compat.is_installed()
        False
    """
    return _FINDER in sys.meta_path
