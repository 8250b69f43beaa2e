"""Stochastic Weight Averaging and EMA utilities, as ``torch.optim.swa_utils``.

``AveragedModel`` keeps a running (SWA) or exponential (EMA) average of a model's
parameters, ``SWALR`` anneals each group's lr to a constant ``swa_lr``, and ``update_bn``
recomputes batch-norm statistics for the averaged weights.
"""
import itertools
import math
import warnings
from copy import deepcopy

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from .lr_scheduler import LRScheduler, _format_param
from ..nn.modules.module import Module

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         "[0,1] range.")


def _is_float(t):
    return t.dtype.is_floating_point or t.dtype.is_complex


def get_ema_multi_avg_fn(decay=0.999):
    """An averaging function for lists of tensors: ``ema = decay*ema + (1-decay)*current``.

    Example::

        >>> fn = ember.optim.swa_utils.get_ema_multi_avg_fn(0.5)
        >>> a = [ember.zeros(2)]; fn(a, [ember.ones(2)], 1); a[0]
        tensor([0.5000, 0.5000])
    """
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with no_grad():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                if _is_float(p_ema):
                    p_ema.lerp_(p_model, 1 - decay)
                else:
                    p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """An averaging function for lists of tensors: the running mean over ``n + 1`` models.

    Example::

        >>> fn = ember.optim.swa_utils.get_swa_multi_avg_fn()
        >>> a = [ember.zeros(2)]; fn(a, [ember.ones(2)], 1); a[0]
        tensor([0.5000, 0.5000])
    """
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        n = float(num_averaged.item()) if isinstance(num_averaged, Tensor) else num_averaged
        with no_grad():
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                if _is_float(p_avg):
                    p_avg.lerp_(p_model, 1 / (n + 1))
                else:
                    p_avg.add_((p_model - p_avg) / (n + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """An averaging function for one tensor: returns ``decay*ema + (1-decay)*current``.

    Example::

        >>> ember.optim.swa_utils.get_ema_avg_fn(0.5)(ember.zeros(1), ember.ones(1), 1)
        tensor([0.5000])
    """
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """An averaging function for one tensor: returns the running mean over ``n + 1`` models.

    Example::

        >>> ember.optim.swa_utils.get_swa_avg_fn()(ember.zeros(1), ember.ones(1), 1)
        tensor([0.5000])
    """
    def swa_update(averaged_param, current_param, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of ``model`` whose parameters are the average of the models passed to
    :meth:`update_parameters` (SWA by default; EMA with ``get_ema_multi_avg_fn``).

    Args:
        model (Module): the model to average (deep-copied).
        device (device, optional): where to keep the averaged model.
        avg_fn (callable, optional): ``avg_fn(averaged, current, num_averaged)`` returning
            the new average of one tensor.
        multi_avg_fn (callable, optional): ``multi_avg_fn(averaged_list, current_list,
            num_averaged)`` updating lists in place.
        use_buffers (bool): also average the buffers (default: False: they are copied).

    Example::

        >>> model = ember.nn.Linear(2, 1)
        >>> swa = ember.optim.swa_utils.AveragedModel(model)
        >>> swa.update_parameters(model)
        >>> int(swa.n_averaged)
        1
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        from ..functions import tensor
        from .._dtype import int64
        self.register_buffer("n_averaged", tensor(0, dtype=int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """Run the averaged model."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average.

        Args:
            model (Module): a model with the same structure.
        """
        if self.use_buffers:
            self_params = itertools.chain(self.module.parameters(), self.module.buffers())
            model_params = itertools.chain(model.parameters(), model.buffers())
        else:
            self_params, model_params = self.parameters(), model.parameters()
        averaged, current = [], []
        first = int(self.n_averaged.item()) == 0
        with no_grad():
            for p_avg, p_model in zip(self_params, model_params):
                p_model = p_model.detach().to(p_avg.device)
                averaged.append(p_avg.detach())
                current.append(p_model)
                if first:
                    p_avg.detach().copy_(p_model)
            if not first:
                n = self.n_averaged
                if self.multi_avg_fn is not None:
                    self.multi_avg_fn(averaged, current, n)
                else:
                    avg_fn = self.avg_fn or get_swa_avg_fn()
                    for p_avg, p_model in zip(averaged, current):
                        p_avg.copy_(avg_fn(p_avg, p_model, n.to(p_avg.device)))
            if not self.use_buffers:
                # keep the buffers (e.g. batch-norm statistics) in sync with the model
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach().to(b_swa.device))
            self.n_averaged += 1


def _is_batchnorm(module):
    return (hasattr(module, "reset_running_stats") and hasattr(module, "momentum")
            and getattr(module, "running_mean", None) is not None)


def update_bn(loader, model, device=None):
    """Recompute the batch-norm running statistics of ``model`` with one pass over ``loader``.

    Args:
        loader (iterable): batches (tensors, or lists/tuples whose first item is the input).
        model (Module): the model (typically an :class:`AveragedModel`).
        device (device, optional): where to move each batch.

    Example::

        >>> model = ember.nn.Linear(2, 1)  # no batch norm: nothing to do
        >>> ember.optim.swa_utils.update_bn([ember.ones(4, 2)], model)
    """
    momenta = {}
    for module in model.modules():
        if _is_batchnorm(module):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None  # a cumulative average over the whole pass
    with no_grad():
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to a fixed ``swa_lr`` over ``anneal_epochs`` epochs, then keep it.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        swa_lr (float or list): the SWA learning rate, per group.
        anneal_epochs (int): the number of annealing epochs (default: 10).
        anneal_strategy (str): ``'cos'`` or ``'linear'`` (default: 'cos').
        last_epoch (int): the index of the last epoch (default: -1).

    Example::

        >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)], lr=1.0)
        >>> s = ember.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=1)
        >>> opt.step(); s.step(); s.get_last_lr()
        [0.1]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got "
                             f"{anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        """The next lr on the annealing path towards ``swa_lr``."""
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please "
                          "use `get_last_lr()`.", UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        # recover the lr the annealing started from, then move to this step's point
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else \
            self._linear_anneal

    def state_dict(self):
        """The scheduler's state (without the optimizer and the annealing function)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        """Load a state produced by :meth:`state_dict`."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
