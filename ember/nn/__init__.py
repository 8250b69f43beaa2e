"""``ember.nn``: layers (Modules), Parameter, functional ops, init and utils, as ``torch.nn``.

Example::

    >>> import ember.nn as nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    >>> model(ember.randn(3, 4)).shape
    torch.Size([3, 2])
"""
from .parameter import Parameter, Buffer  # noqa: F401
from .parameter import UninitializedParameter, UninitializedBuffer  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules import Module  # noqa: F401
from .modules import _optional_names
from . import modules  # noqa: F401
from . import functional  # noqa: F401
from . import init  # noqa: F401
from . import utils  # noqa: F401
from . import parameter  # noqa: F401
from . import grad  # noqa: F401

globals().update({_n: getattr(modules, _n) for _n in _optional_names})
del _optional_names

try:  # torch.nn.parallel / nn.DataParallel (ember/nn/parallel, owned by the distributed area)
    from . import parallel  # noqa: F401
    from .parallel import DataParallel  # noqa: F401
except ImportError:  # pragma: no cover - keep ember.nn importable while parallel is edited
    pass
