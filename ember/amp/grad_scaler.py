"""``ember.amp.GradScaler``: dynamic loss scaling, torch's state machine step for step."""
import warnings
from collections import defaultdict
from enum import Enum

import numpy as np

from .. import _dtype as D
from .._device import get_xp
from .._tensor import Tensor

__all__ = ["GradScaler", "OptState"]


class OptState(Enum):
    """Where an optimizer is in the scaler's iteration: READY, UNSCALED (after ``unscale_``)
    or STEPPED (after ``step``)."""
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


class _PerDevice:
    """Copies of one tensor per device, made on first request (torch's replicator)."""

    def __init__(self, master):
        self.master = master
        self.per_device = {}

    def get(self, device):
        t = self.per_device.get(device)
        if t is None:
            t = self.master.to(device=device, copy=True)
            self.per_device[device] = t
        return t


class GradScaler:
    """Scale the loss so small float16/bfloat16 gradients do not flush to zero, and undo it.

    Each iteration: ``scaler.scale(loss).backward()``, then ``scaler.step(optimizer)``
    (unscales the gradients and skips ``optimizer.step()`` when any gradient is inf/NaN), then
    ``scaler.update()``: after an inf/NaN the scale is multiplied by ``backoff_factor``;
    after ``growth_interval`` clean iterations in a row by ``growth_factor``. The scale is a
    float32 tensor on the device of the first scaled output, as in torch.

    Args:
        device (str): ``'cuda'`` (default) or ``'cpu'``. With ``'cuda'`` and no GPU the scaler
            warns and disables itself (every method then passes through).
        init_scale (float): the initial scale. Default: ``2.0 ** 16``.
        growth_factor (float): multiplier after ``growth_interval`` clean steps (> 1).
        backoff_factor (float): multiplier after a step with inf/NaN gradients (< 1).
        growth_interval (int): clean steps between growths. Default: 2000.
        enabled (bool): False makes every method a no-op pass-through. Default: True.

    Example::

        >>> model = ember.nn.Linear(2, 1)
        >>> opt = ember.optim.SGD(model.parameters(), lr=0.1)
        >>> scaler = ember.amp.GradScaler("cpu", init_scale=4.0, growth_interval=1)
        >>> loss = model(ember.ones(3, 2)).sum()
        >>> scaler.scale(loss).backward()
        >>> scaler.step(opt)
        >>> scaler.update()
        >>> scaler.get_scale()
        8.0
    """

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0,
                 backoff_factor=0.5, growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if self._device == "cuda" and enabled:
            from .autocast_mode import _cuda_available
            if not _cuda_available():
                warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available."
                              "  Disabling.", stacklevel=2)
                self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = defaultdict(_fresh_state)

    # ------------------------------------------------------------------ internals

    def _check_scale_growth_tracker(self, funcname):
        fix = ("This may indicate your script did not use scaler.scale(loss or outputs) "
               "earlier in the iteration.")
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)
        return self._scale, self._growth_tracker

    def _lazy_init_scale_growth_tracker(self, dev):
        from ..functions import full
        self._scale = full((), self._init_scale, dtype=D.float32, device=dev)
        self._growth_tracker = full((), self._init_growth_tracker, dtype=D.int32, device=dev)

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        """Multiply every gradient by ``inv_scale``; record per device whether any was inf/NaN."""
        from ..autograd.grad_mode import no_grad
        inv = _PerDevice(inv_scale)
        found = _PerDevice(found_inf)
        with no_grad():
            for group in optimizer.param_groups:
                for param in group["params"]:
                    if not isinstance(param, Tensor):
                        raise AssertionError(
                            f"expected param to be torch.Tensor, got {type(param).__name__}")
                    g = param.grad
                    if g is None:
                        continue
                    if not allow_fp16 and g.dtype is D.float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    dev = g.device
                    fi = found.get(dev)
                    if not bool(get_xp(g._data).isfinite(g._data).all()):
                        fi.fill_(1.0)
                    g.mul_(inv.get(dev))
        return found.per_device

    # ------------------------------------------------------------------ public API

    def scale(self, outputs):
        """Multiply ``outputs`` (a tensor or nested list/tuple of tensors) by the scale.

        Args:
            outputs (Tensor or iterable of Tensors): the loss(es) to scale.

        Returns:
            The scaled outputs (unchanged when the scaler is disabled).

        Example::

            >>> s = ember.amp.GradScaler("cpu", init_scale=8.0)
            >>> s.scale(ember.tensor(0.5))
            tensor(4.)
        """
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._lazy_init_scale_growth_tracker(outputs.device)
            return outputs * self._scale.to(device=outputs.device)
        stash = []

        def apply_scale(val):
            if isinstance(val, Tensor):
                if not stash:
                    if self._scale is None:
                        self._lazy_init_scale_growth_tracker(val.device)
                    stash.append(_PerDevice(self._scale))
                return val * stash[0].get(val.device)
            if isinstance(val, (list, tuple)):
                return type(val)(map(apply_scale, val))
            if hasattr(val, "__iter__"):
                return map(apply_scale, val)
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")
        return apply_scale(outputs)

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by the scale, in place (e.g. before clipping).

        At most once per optimizer between ``update()`` calls, and before ``step()``.

        Args:
            optimizer (ember.optim.Optimizer): the optimizer whose gradients to unscale.

        Example::

            >>> p = ember.nn.Parameter(ember.ones(2))
            >>> opt = ember.optim.SGD([p], lr=0.1)
            >>> s = ember.amp.GradScaler("cpu", init_scale=4.0)
            >>> s.scale(p.sum()).backward()
            >>> s.unscale_(opt); p.grad
            tensor([1., 1.])
        """
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the "
                               "last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        from ..functions import full
        inv_scale = self._scale.double().reciprocal().float()
        found_inf = full((), 0.0, dtype=D.float32, device=self._scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, found_inf,
                                                             False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscale (if not done yet) and run ``optimizer.step()`` unless a gradient is inf/NaN.

        Args:
            optimizer (ember.optim.Optimizer): the optimizer to step.
            *args: passed to ``optimizer.step``.
            **kwargs: passed to ``optimizer.step`` (no ``closure`` while enabled).

        Returns:
            What ``optimizer.step`` returned, or None when the step was skipped.

        Example::

            >>> p = ember.nn.Parameter(ember.ones(1))
            >>> opt = ember.optim.SGD([p], lr=1.0)
            >>> s = ember.amp.GradScaler("cpu")
            >>> s.scale(p.sum() * float("inf")).backward()
            >>> s.step(opt); p      # skipped: the gradient is inf
            Parameter containing:
            tensor([1.], requires_grad=True)
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is "
                               "enabled.")
        self._check_scale_growth_tracker("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """Update the scale: back off after inf/NaN, grow after ``growth_interval`` clean steps.

        Args:
            new_scale (float or Tensor, optional): set this scale instead.

        Example::

            >>> s = ember.amp.GradScaler("cpu", init_scale=2.0)
            >>> _ = s.scale(ember.tensor(1.0))
            >>> s.update(16.0); s.get_scale()
            16.0
        """
        if not self._enabled:
            return
        scale, tracker = self._check_scale_growth_tracker("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                scale.fill_(new_scale)
            else:
                reason = ("new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                          "torch.FloatTensor with requires_grad=False.")
                if not isinstance(new_scale, Tensor) or new_scale.device.type != self._device:
                    raise AssertionError(reason)
                if new_scale.numel() != 1:
                    raise AssertionError(reason)
                if new_scale.requires_grad is True:
                    raise AssertionError(reason)
                scale.copy_(new_scale.reshape(()))
        else:
            found_infs = [fi.to(device=scale.device)
                          for st in self._per_optimizer_states.values()
                          for fi in st["found_inf_per_device"].values()]
            if len(found_infs) == 0:
                raise AssertionError("No inf checks were recorded prior to update.")
            found = sum(float(f.item()) for f in found_infs)
            _update_scale_(scale, tracker, found, self._growth_factor, self._backoff_factor,
                           self._growth_interval)
        self._per_optimizer_states = defaultdict(_fresh_state)

    def get_scale(self):
        """The current scale as a Python float (1.0 when disabled).

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu").get_scale()
            65536.0
        """
        if self._enabled:
            return self._init_scale if self._scale is None else float(self._scale.item())
        return 1.0

    def get_growth_factor(self):
        """The growth factor.

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu").get_growth_factor()
            2.0
        """
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        """Set the growth factor.

        Args:
            new_factor (float): the new factor.

        Example::

            >>> s = ember.amp.GradScaler("cpu"); s.set_growth_factor(3.0); s.get_growth_factor()
            3.0
        """
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        """The backoff factor.

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu").get_backoff_factor()
            0.5
        """
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        """Set the backoff factor.

        Args:
            new_factor (float): the new factor.

        Example::

            >>> s = ember.amp.GradScaler("cpu"); s.set_backoff_factor(0.25); s.get_backoff_factor()
            0.25
        """
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        """The growth interval.

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu").get_growth_interval()
            2000
        """
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        """Set the growth interval.

        Args:
            new_interval (int): clean steps between growths.

        Example::

            >>> s = ember.amp.GradScaler("cpu"); s.set_growth_interval(10); s.get_growth_interval()
            10
        """
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if self._enabled:
            return (self._init_growth_tracker if self._growth_tracker is None
                    else int(self._growth_tracker.item()))
        return 0

    def is_enabled(self):
        """Whether the scaler is enabled.

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu", enabled=False).is_enabled()
            False
        """
        return self._enabled

    def state_dict(self):
        """The scaler's state: scale, growth/backoff factors, growth interval, growth tracker
        (empty when disabled).

        Args:
            (none)

        Example::

            >>> ember.amp.GradScaler("cpu").state_dict()["scale"]
            65536.0
        """
        if self._enabled:
            return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                    "backoff_factor": self._backoff_factor,
                    "growth_interval": self._growth_interval,
                    "_growth_tracker": self._get_growth_tracker()}
        return {}

    def load_state_dict(self, state_dict):
        """Restore a state from :meth:`state_dict`.

        Args:
            state_dict (dict): the saved state.

        Example::

            >>> a = ember.amp.GradScaler("cpu", init_scale=4.0)
            >>> b = ember.amp.GradScaler("cpu"); b.load_state_dict(a.state_dict()); b.get_scale()
            4.0
        """
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved "
                               "from a disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])

    def __getstate__(self):
        state = self.__dict__.copy()
        if self._enabled:
            if len(self._per_optimizer_states) != 0:
                raise AssertionError("A GradScaler instance may only be pickled at the "
                                     "beginning of an iteration, or at the end after "
                                     "scaler.update().")
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)


def _update_scale_(scale, tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    """torch's ``_amp_update_scale_``: in place on the 0-d float32 ``scale`` and int32 ``tracker``."""
    cur = float(scale.item())
    if found_inf:
        scale.fill_(float(np.float32(cur * backoff_factor)))
        tracker.fill_(0)
        return
    successful = int(tracker.item()) + 1
    if successful == growth_interval:
        new = np.float32(cur * growth_factor)
        if np.isfinite(new):
            scale.fill_(float(new))
        tracker.fill_(0)
    else:
        tracker.fill_(successful)

