"""ember.optim: optimizers and learning-rate schedulers, as ``torch.optim``.

Example::

    >>> w = ember.randn(3, requires_grad=True)
    >>> opt = ember.optim.Adam([w], lr=1e-2)
    >>> sched = ember.optim.lr_scheduler.StepLR(opt, step_size=10)
    >>> for _ in range(3):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    ...     sched.step()
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD


def __getattr__(name):
    # swa_utils needs ember.nn; import it on first use
    if name == "swa_utils":
        import importlib
        mod = importlib.import_module(".swa_utils", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.optim' has no attribute '{name}'")


__all__ = ["ASGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "Muon",
           "NAdam",
           "Optimizer", "RAdam", "RMSprop", "Rprop", "SGD", "lr_scheduler", "swa_utils"]
