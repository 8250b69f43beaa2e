"""All ``nn`` layer classes (``ember.nn.modules``), gathered from one file per family."""
import importlib as _importlib

from .module import Module  # noqa: F401
from .container import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403

# families written separately (convolution, pooling, normalization, ...): import what exists
_OPTIONAL = ("conv", "pooling", "batchnorm", "normalization", "upsampling", "pixelshuffle",
             "padding", "fold", "rnn", "attention", "transformer", "embedding_bag", "channelshuffle",
             "activation_extra", "pooling_extra", "adaptive")
_OPTIONAL += ("lazy", "syncbn")  # lazy modules, SyncBatchNorm


def _import_optional(name):
    try:
        mod = _importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return []
        raise
    names = getattr(mod, "__all__", [n for n in dir(mod) if not n.startswith("_")])
    globals().update({n: getattr(mod, n) for n in names})
    return list(names)


_optional_names = []
for _name in _OPTIONAL:
    _optional_names += _import_optional(_name)
del _name
