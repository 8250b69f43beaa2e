"""``ember.compile``: torch.compile's interface, running eagerly.

ember has no graph compiler. ``ember.compile`` therefore behaves exactly like
``torch.compile(..., backend="eager")``: a module comes back wrapped in an ``OptimizedModule``
(``state_dict`` keys prefixed with ``_orig_mod.``, as in torch), a function comes back as a
wrapper that calls it. Arguments are checked as torch checks them, so code written for
``torch.compile`` runs unchanged and fails the same way on mistakes.
"""
import functools

__all__ = ["compile"]

_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,
            options=None, disable=False):
    """Optimise a module or function for speed — in ember, return it wrapped to run eagerly.

    ember has no graph compiler, so the result computes exactly what the original computes, as
    ``torch.compile(model, backend="eager")`` does; every backend name torch knows is accepted
    and runs eagerly. For an ``nn.Module`` the result is an ``OptimizedModule``: it keeps the
    module at ``_orig_mod`` (so ``state_dict()`` keys start with ``_orig_mod.`` — strip the
    prefix to load a checkpoint into a plain model), forwards attribute access to it and
    propagates ``train()``/``eval()``. For a function the result is a wrapper with the same
    name and ``__wrapped__``. Works as ``@ember.compile`` and ``@ember.compile(...)``.

    Args:
        model (nn.Module or callable, optional): what to compile; ``None`` returns a decorator.
        fullgraph (bool): require one graph (always satisfied: nothing is traced).
            Default: ``False``.
        dynamic (bool, optional): dynamic-shape tracing (no effect: nothing is specialised).
        backend (str or callable): one of ``ember._dynamo.list_backends(None)`` (torch's names)
            or a callable ``backend(graph_module, example_inputs)``, which is never called.
            An unknown name raises ``InvalidBackend`` as in torch. Default: ``"inductor"``.
        mode (str, optional): ``"default"``, ``"lite"``, ``"reduce-overhead"``,
            ``"max-autotune"`` or ``"max-autotune-no-cudagraphs"`` (checked for the inductor
            backend, as torch does; no effect on the result).
        options (dict, optional): backend options (may not be combined with ``mode``).
        disable (bool): return ``model`` itself (torch's switch for testing).
            Default: ``False``.

    Example::

        >>> net = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
        >>> opt = ember.compile(net)
        >>> list(opt.state_dict())
        ['_orig_mod.0.weight', '_orig_mod.0.bias']
        >>> x = ember.randn(4, 3)
        >>> ember.equal(opt(x), net(x))
        True
        >>> @ember.compile(backend="eager")
        ... def f(x):
        ...     return x.sin() + 1
        >>> f(ember.zeros(2))
        tensor([1., 1.])
    """
    if model is None:
        def fn(model):
            if model is None:
                raise RuntimeError("Model can't be None")
            return compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend,
                           mode=mode, options=options, disable=disable)
        return fn
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be "
                           "specified at the same time.")
    if mode is None and options is None:
        mode = "default"
    if options is not None and not isinstance(options, dict):
        raise TypeError(f"options must be a dict, got {type(options).__name__}")
    if backend is None:
        backend = "inductor"
    if isinstance(backend, str):
        from ._dynamo import _BACKENDS
        from ._dynamo.exc import InvalidBackend
        if backend not in _BACKENDS:
            raise InvalidBackend(backend)
        if backend == "inductor" and mode is not None and mode not in _MODES:
            raise RuntimeError(f"Unrecognized mode={mode}, should be one of: "
                               f"{', '.join(_MODES)}")
    elif not callable(backend):
        raise TypeError(f"backend must be a string or a callable, got {type(backend).__name__}")
    if disable:
        return model
    if not callable(model):
        raise AssertionError(f"A callable function is expected, but {type(model)} is provided.")
    from ._dynamo.eval_frame import OptimizedModule, _CompileContext
    from .nn.modules.module import Module
    ctx = _CompileContext(backend=backend, mode=mode, options=options, fullgraph=fullgraph,
                          dynamic=dynamic)
    if isinstance(model, Module):
        return OptimizedModule(model, ctx)

    @functools.wraps(model)
    def compiled(*args, **kwargs):
        return model(*args, **kwargs)
    compiled._torchdynamo_orig_callable = model
    compiled._ember_compile_context = ctx
    return compiled
