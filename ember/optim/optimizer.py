"""The ``Optimizer`` base class, as ``torch.optim.Optimizer``.

An optimizer holds ``param_groups`` (a list of dicts: ``'params'`` plus the group's options)
and ``state`` (a ``defaultdict(dict)`` keyed by parameter). Subclasses implement ``step``
as a plain loop over the parameters that have a gradient, calling one update function
written on the raw arrays (``p._data``, ``p.grad._data``) with in-place array ops.

Update-function conventions (shared by every optimizer in this package):

* hyper-parameters arrive as Python floats, so NumPy 2 keeps float32 arrays float32;
* the parameter array is changed in place (never rebound, views stay views) and the
  parameter's version counter is bumped afterwards (``_bump``);
* the gradient array is never modified (``maximize`` / weight decay make new arrays);
* ``xp`` (numpy or cupy) is looked up from the array, so the same code runs on CUDA.
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .._device import MULTI_GPU, device_guard, get_xp
from .._dtype import float32, float64, get_default_dtype
from .._tensor import Tensor
from ..autograd.function import _Handle
from ..autograd.grad_mode import no_grad, enable_grad

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Singleton marking a default that every param group must supply."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run before every optimizer's ``step``.

    Args:
        hook (Callable): may return ``(new_args, new_kwargs)`` to replace the step's arguments.

    Returns:
        a handle with ``remove()``.

    Example::

        >>> h = ember.optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: None)
        >>> h.remove()
    """
    return _Handle(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Register ``hook(optimizer, args, kwargs)`` to run after every optimizer's ``step``.

    Example::

        >>> h = ember.optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: None)
        >>> h.remove()
    """
    return _Handle(_global_optimizer_post_hooks, hook)


def _typename(obj):
    """``torch.typename``: 'torch.FloatTensor' for tensors, 'module.Class' otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "__builtin__") else f"{module}.{name}"


def _use_no_grad(step):
    """Decorator for ``step``: run the update with gradient recording off, as torch does."""
    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        with no_grad():
            return step(*args, **kwargs)
    return wrapper


def _call_closure(closure):
    """Evaluate the loss closure with gradients enabled (None without closure)."""
    if closure is None:
        return None
    with enable_grad():
        return closure()


def _scalar(x):
    """A Python float from a float / 0-d Tensor hyper-parameter (keeps float32 float32)."""
    return float(x.item()) if isinstance(x, Tensor) else float(x)


def _zeros_like(p):
    """A zero state tensor with ``p``'s shape, dtype and device."""
    xp = p.device.xp
    return Tensor._wrap(xp.zeros(p._data.shape, dtype=p._data.dtype), p._dtype)


def _full_like(p, value):
    xp = p.device.xp
    return Tensor._wrap(xp.full(p._data.shape, value, dtype=p._data.dtype), p._dtype)


def _step_tensor(value=0.0):
    """A scalar state entry (the step counter): a 0-d CPU tensor of float32 (float64 when
    that is the default dtype), as torch keeps it."""
    dt = get_default_dtype()
    dt = dt if dt is float64 else float32
    return Tensor._wrap(np.array(value, dtype=dt.np), dt)


def _incr(step_t):
    """``step_t += 1`` in place; returns the new step as a Python float."""
    step_t._data += 1
    return float(step_t._data)


def _real(arr):
    """Complex arrays seen as interleaved real arrays (torch's ``view_as_real``)."""
    if arr.dtype.kind == "c":
        return arr.view(arr.real.dtype)
    return arr


def _lerp_(start, end, weight, diff=None):
    """``start.lerp_(end, weight)`` with torch's two-sided formula (scalar weight).

    ``diff`` is a scratch array for ``end - start`` (default: the shared one of
    :func:`_scratch_like`)."""
    if diff is None:
        diff = _scratch_like(start)
    get_xp(start).subtract(end, start, out=diff)
    if weight < 0.5:
        diff *= weight
        start += diff
    else:
        start[...] = end
        diff *= 1.0 - weight
        start -= diff
    return start


CHUNK = 65536


def _chunks(*arrays):
    """Yield tuples of matching pieces of ``arrays`` (None entries stay None), ~256 KB each.

    An optimizer update is a dozen elementwise passes over parameter-sized arrays; run piece
    by piece, the pieces stay in the L2 cache between passes instead of streaming every
    array through memory a dozen times (Adam on the seed MLP: 2.2 -> 1.6 ms per step). Arrays
    that are not C-contiguous NumPy arrays of one size are yielded whole.
    """
    live = [a for a in arrays if a is not None]
    n = live[0].size
    if n <= CHUNK or not all(type(a) is np.ndarray and a.size == n and a.flags.c_contiguous
                             for a in live):
        yield arrays
        return
    flat = [None if a is None else a.reshape(-1) for a in arrays]
    for i in range(0, n, CHUNK):
        yield tuple(None if a is None else a[i:i + CHUNK] for a in flat)


_SCRATCH = {}


def _scratch_like(a):
    """A reusable buffer shaped like ``a`` for optimizer intermediates (a fresh multi-MB
    temporary per parameter per step costs page faults comparable to the update itself).

    One buffer per (shape, dtype, device): a caller must be done with it before calling
    anything else that uses it."""
    key = (a.shape, a.dtype.str, type(a), getattr(getattr(a, "device", None), "id", None))
    buf = _SCRATCH.get(key)
    if buf is None:
        if len(_SCRATCH) > 64:
            _SCRATCH.clear()
        buf = _SCRATCH[key] = get_xp(a).empty_like(a)
    return buf


def _grad_of(p, maximize):
    """The gradient array of ``p`` (negated, as a new array, when maximizing)."""
    g = p.grad._data
    return -g if maximize else g


def _check_differentiable(differentiable):
    if differentiable:
        raise RuntimeError("ember optimizers update parameters in place outside autograd; "
                           "differentiable=True is not supported (use differentiable=False)")


def _check_not_sparse(p, name):
    if getattr(p.grad, "is_sparse", False):
        raise RuntimeError(f"{name} does not support sparse gradients")


class Optimizer:
    r"""Base class for all optimizers, as ``torch.optim.Optimizer``.

    Args:
        params (iterable): an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts
            (parameter groups: ``{'params': [...], 'lr': ...}`` with per-group options).
        defaults (dict): default values of the optimization options, used by groups that
            don't specify them.

    Example::

        >>> w = ember.randn(3, requires_grad=True)
        >>> opt = ember.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step(); opt.zero_grad()
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ------------------------------------------------------------------ pickling / repr
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ------------------------------------------------------------------ step hooks
    def _patch_step_function(self):
        """Wrap the class's ``step`` once so the step pre/post hooks run around it."""
        cls = self.__class__
        if getattr(cls.step, "hooked", False):
            return
        cls.step = _with_step_hooks(cls.step)

    def register_step_pre_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs)`` to run before ``step``.

        The hook may return ``(new_args, new_kwargs)``. Returns a handle with ``remove()``.

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_step_pre_hook(lambda o, a, k: None); h.remove()
        """
        return _Handle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs)`` to run after ``step``.

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_step_post_hook(lambda o, a, k: None); h.remove()
        """
        return _Handle(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run before :meth:`state_dict`.

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_state_dict_pre_hook(lambda o: None); h.remove()
        """
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict)`` to run after :meth:`state_dict` (it may
        return a new dict).

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_state_dict_post_hook(lambda o, sd: None); h.remove()
        """
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict)`` (may return a new dict) before loading.

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_load_state_dict_pre_hook(lambda o, sd: None); h.remove()
        """
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run after :meth:`load_state_dict`.

        Example::

            >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)])
            >>> h = opt.register_load_state_dict_post_hook(lambda o: None); h.remove()
        """
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------------ state dict
    def state_dict(self):
        """The optimizer state as a dict, in torch's layout.

        ``{'state': {0: {...}, 1: {...}}, 'param_groups': [{..., 'params': [0, 1]}]}``:
        parameters are replaced by integer ids, numbered in group order. State tensors are
        returned as they are held (not copied), like torch.

        Example::

            >>> w = ember.zeros(2, requires_grad=True)
            >>> ember.optim.SGD([w], lr=0.1).state_dict()['param_groups'][0]['params']
            [0]
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _cast_state_value(param, value, key, group):
        """Move a loaded state tensor to ``param``'s device (and float dtype, except 'step')."""
        if key == "step":
            if group.get("capturable", False) or group.get("fused", False):
                return value.to(dtype=float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Load an optimizer state produced by :meth:`state_dict`.

        Parameters are matched with the saved ids by position; the groups must have the same
        sizes. State tensors are moved to each parameter's device and (floating point) dtype,
        except ``'step'`` counters.

        Args:
            state_dict (dict): the optimizer state.

        Example::

            >>> w = ember.zeros(2, requires_grad=True)
            >>> a, b = ember.optim.Adam([w]), ember.optim.Adam([w])
            >>> b.load_state_dict(a.state_dict())
        """
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        group_of = {pid: g for g in state_dict["param_groups"] for pid in g["params"]}

        def cast(param, value, group, key=None):
            if isinstance(value, Tensor):
                return Optimizer._cast_state_value(param, value, key, group)
            if isinstance(value, dict):
                return {k: cast(param, v, group, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, group) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, group_of.get(k, {}))
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ------------------------------------------------------------------ grads and groups
    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors.

        Args:
            set_to_none (bool): set ``.grad`` to None (default) instead of filling it with
                zeros. Optimizers skip parameters whose ``.grad`` is None.

        Example::

            >>> w = ember.ones(2, requires_grad=True)
            >>> opt = ember.optim.SGD([w]); (w * w).sum().backward()
            >>> opt.zero_grad(); print(w.grad)
            None
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g.zero_()

    def step(self, closure=None):
        """Perform a single optimization step (implemented by each optimizer).

        Args:
            closure (Callable, optional): re-evaluates the model and returns the loss.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def add_param_group(self, param_group):
        """Add a parameter group (a dict with ``'params'`` and optional options).

        Options missing from the group take the optimizer's defaults. Useful to start
        training layers that were frozen.

        Args:
            param_group (dict): the group's parameters and options.

        Example::

            >>> a, b = ember.zeros(1, requires_grad=True), ember.zeros(1, requires_grad=True)
            >>> opt = ember.optim.SGD([a], lr=0.1)
            >>> opt.add_param_group({'params': [b], 'lr': 0.01})
            >>> [g['lr'] for g in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names

        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        if len(tensors) != len({id(p) for p in tensors}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(id(p) for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _register(registry, hook, prepend):
    handle = _Handle(registry, hook)
    if prepend:
        registry.move_to_end(handle.id, last=False)
    return handle


def _step_on_devices(step, opt, args, kwargs):
    """Run ``step`` with each parameter's GPU current (CuPy computes on the current GPU only).

    Parameters on one GPU: one step under that GPU. Parameters on several GPUs (model
    parallelism): one step per GPU over that GPU's parameters, the groups' hyper-parameters
    unchanged (optimizer state is kept per parameter, so the split is exact).
    """
    by_dev = {}
    for g in opt.param_groups:
        for p in g["params"]:
            dev = device_guard((p,))
            by_dev.setdefault(None if dev is None else dev.id, dev)
    if len(by_dev) <= 1:
        dev = next(iter(by_dev.values()), None)
        if dev is None:
            return step(opt, *args, **kwargs)
        with dev:
            return step(opt, *args, **kwargs)
    if args or kwargs.get("closure") is not None:
        raise RuntimeError("optimizer.step(closure) with parameters on several GPUs is not "
                           "supported: the closure would run once per GPU. Use one optimizer "
                           "per GPU, or call step() without a closure.")
    groups = opt.param_groups
    out = None
    try:
        for key, dev in by_dev.items():
            opt.param_groups = [
                dict(g, params=[p for p in g["params"]
                                if getattr(device_guard((p,)), "id", None) == key])
                for g in groups]
            if dev is None:
                out = step(opt, *args, **kwargs)
            else:
                with dev:
                    out = step(opt, *args, **kwargs)
    finally:
        opt.param_groups = groups
    return out


def _with_step_hooks(step):
    """Wrap an optimizer class's ``step`` so global and per-instance hooks run around it."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                              self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
        out = (_step_on_devices(step, self, args, kwargs) if MULTI_GPU[0]
               else step(self, *args, **kwargs))
        for post_hook in chain(self._optimizer_step_post_hooks.values(),
                               _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper
