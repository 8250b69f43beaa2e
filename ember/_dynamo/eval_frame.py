"""``OptimizedModule``: what ``ember.compile(module)`` returns (``torch._dynamo.eval_frame``).

ember has no graph compiler, so a compiled module runs its original module eagerly — exactly
what ``torch.compile(module, backend="eager")`` does. What users see is torch's wrapper: the
original module sits at ``_orig_mod`` (so ``state_dict()`` keys start with ``_orig_mod.``),
other attribute reads and writes go to the original module, and ``train()``/``eval()``
switch the original module.
"""
import warnings

from ..nn.modules import module as _module_mod
from ..nn.modules.module import Module

__all__ = ["OptimizedModule"]


class _CompileContext:
    """The settings a ``compile`` call was made with (torch's ``dynamo_ctx``)."""

    def __init__(self, backend="inductor", mode=None, options=None, fullgraph=False,
                 dynamic=None):
        self.backend = backend
        self.mode = mode
        self.options = options
        self.fullgraph = fullgraph
        self.dynamic = dynamic

    def __repr__(self):
        return (f"_CompileContext(backend={self.backend!r}, mode={self.mode!r}, "
                f"fullgraph={self.fullgraph}, dynamic={self.dynamic})")


def _has_any_global_hook():
    m = _module_mod
    return bool(m._global_forward_pre_hooks or m._global_forward_hooks
                or m._global_backward_hooks or m._global_backward_pre_hooks)


class OptimizedModule(Module):
    """The wrapper ``ember.compile(module)`` returns; it runs the original module eagerly.

    Behaves as torch's ``torch._dynamo.eval_frame.OptimizedModule``: the wrapped module is
    ``_orig_mod`` (a registered child, so ``state_dict()`` keys carry the ``_orig_mod.``
    prefix, as in torch), other attributes are read from and written to the original module,
    calling it runs the original module's ``__call__`` (hooks included), and ``training``
    mirrors the original module's flag.

    Args:
        mod (nn.Module): the module to wrap.
        dynamo_ctx: the compile settings (kept for pickling and inspection).

    Example::

        >>> net = ember.nn.Linear(3, 2)
        >>> opt = ember.compile(net)
        >>> type(opt).__name__, opt._orig_mod is net
        ('OptimizedModule', True)
        >>> list(opt.state_dict())
        ['_orig_mod.weight', '_orig_mod.bias']
        >>> opt.in_features
        3
    """

    _opt_mod_attributes = {"_orig_mod", "dynamo_ctx", "_torchdynamo_orig_callable",
                           "get_compiler_config", "forward", "_forward", "__dict__",
                           "_super_module_initialized"}

    def __init__(self, mod, dynamo_ctx=None):
        if not isinstance(mod, Module):
            raise TypeError(f"OptimizedModule expects an nn.Module, got {type(mod).__name__}")
        # _orig_mod first: attribute reads and writes of `self` go through it
        object.__setattr__(self, "_orig_mod", mod)
        self._super_module_initialized = False
        super().__init__()
        self._super_module_initialized = True
        self._orig_mod = mod  # registers the child module (state_dict prefix `_orig_mod.`)
        self.dynamo_ctx = dynamo_ctx if dynamo_ctx is not None else _CompileContext()
        self._initialize()

    def _initialize(self):
        self.forward = self._orig_mod.__call__
        self._torchdynamo_orig_callable = self._orig_mod.__call__

    def get_compiler_config(self):
        """The compile settings of this module (backend, mode, options, fullgraph, dynamic).

        Args:
            (none)

        Example::

            >>> ember.compile(ember.nn.ReLU(), mode="max-autotune").get_compiler_config().mode
            'max-autotune'
        """
        return self.__dict__["dynamo_ctx"]

    def __call__(self, *args, **kwargs):
        if _has_any_global_hook():
            warnings.warn(
                "Using `torch.compile(module)` when there are global hooks on modules (e.g., "
                "from `register_module_forward_hook`); this will cause the hooks to fire an "
                "extra time for the `OptimizedModule` created by `torch.compile(module)`. If "
                "this causes undesired behavior, please try using `module.compile()`, or use "
                "the per-module hooks instead", stacklevel=2)
        return Module._call_impl(self, *args, **kwargs)

    def __len__(self):
        mod = self._orig_mod
        if hasattr(type(mod), "__len__"):
            return len(mod)
        raise TypeError(f"{type(mod).__name__} does not support len()")

    def __reduce__(self):
        return (self.__class__, (self._orig_mod, self.dynamo_ctx))

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("forward", None)
        state.pop("_torchdynamo_orig_callable", None)
        return state

    def __setstate__(self, state):
        self.__dict__ = state
        self._initialize()

    @property
    def training(self):
        return self._orig_mod.training

    @training.setter
    def training(self, value):
        # Module.__init__ sets the default; the flag lives on the original module
        if self.__dict__.get("_super_module_initialized"):
            self._orig_mod.training = value

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self.__dict__["_modules"]["_orig_mod"]
        return getattr(self._orig_mod, name)

    def __setattr__(self, name, value):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__setattr__(name, value)
        return setattr(self._orig_mod, name, value)

    def __delattr__(self, name):
        if hasattr(type(self), name) or name in OptimizedModule._opt_mod_attributes:
            return super().__delattr__(name)
        return delattr(self._orig_mod, name)

    def __dir__(self):
        orig = self._orig_mod.__dir__()
        return orig + [a for a in super().__dir__() if a not in orig]
