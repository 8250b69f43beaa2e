"""``ember._dynamo``: the parts of ``torch._dynamo`` that user code touches.

ember has no graph compiler: ``ember.compile`` returns wrappers that run eagerly (as
``torch.compile(..., backend="eager")``), so ``reset`` has no caches to clear and
``is_compiling`` is always False.

Example::

    >>> import ember._dynamo
    >>> ember._dynamo.reset()
    >>> ember._dynamo.is_compiling()
    False
"""
import functools

from . import config, exc  # noqa: F401
from .eval_frame import OptimizedModule  # noqa: F401

__all__ = ["reset", "is_compiling", "disable", "list_backends", "optimize", "OptimizedModule",
           "config", "exc", "mark_dynamic", "mark_static", "allow_in_graph",
           "assume_constant_result", "explain", "register_backend"]

# torch's registered backends and their tags (torch._dynamo.list_backends(exclude_tags=()))
_BACKENDS = {
    "inductor": (), "cudagraphs": (), "openxla": (), "tvm": (),
    "eager": ("debug",), "aot_eager": ("debug",), "aot_eager_decomp_partition": ("debug",),
    "aot_eager_decomp_partition_crossref": ("debug",),
    "aot_eager_decomp_partition_with_mode": ("debug",),
    "aot_eager_default_partitioner": ("debug",), "aot_ts": ("experimental",),
    "eager_debug": ("debug",), "eager_noexcept": ("debug",), "pre_dispatch_eager": ("debug",),
    "invoke_subgraph": ("debug",), "openxla_eval": ("experimental",), "ts": ("experimental",),
    "dynamo_minifier_backend": ("debug",), "dynamo_accuracy_minifier_backend": ("debug",),
}


def list_backends(exclude_tags=("debug", "experimental")):
    """The names of the backends ``ember.compile(backend=...)`` accepts (torch's names).

    ember runs every backend eagerly; the names are accepted so that torch code runs unchanged.

    Args:
        exclude_tags (tuple of str or None): leave out backends with these tags
            (``None`` or ``()``: list all). Default: ``("debug", "experimental")``.

    Example::

        >>> ember._dynamo.list_backends()
        ['cudagraphs', 'inductor', 'openxla', 'tvm']
        >>> 'eager' in ember._dynamo.list_backends(exclude_tags=None)
        True
    """
    excl = set(exclude_tags or ())
    return sorted(n for n, tags in _BACKENDS.items() if not excl.intersection(tags))


def register_backend(compiler_fn=None, name=None, tags=()):
    """Register a custom backend name so ``ember.compile(backend=name)`` accepts it.

    ember does not build graphs, so the backend function is never called: models compiled
    with it run eagerly. Usable as a decorator.

    Args:
        compiler_fn (callable, optional): the backend ``fn(graph_module, example_inputs)``.
        name (str, optional): the registered name. Default: ``compiler_fn.__name__``.
        tags (tuple of str): tags for ``list_backends``. Default: ``()``.

    Example::

        >>> @ember._dynamo.register_backend
        ... def my_backend(gm, example_inputs):
        ...     return gm.forward
        >>> ember.compile(lambda x: x + 1, backend="my_backend")(ember.ones(1))
        tensor([2.])
    """
    if compiler_fn is None:
        return functools.partial(register_backend, name=name, tags=tags)
    _BACKENDS[name or compiler_fn.__name__] = tuple(tags)
    return compiler_fn


def reset():
    """Clear the compilation caches (``torch._dynamo.reset``); ember has none, so this only returns.

    Args:
        (none)

    Example::

        >>> ember._dynamo.reset()
    """
    return None


def is_compiling():
    """Whether code is being traced by the compiler: always False in ember (nothing is traced).

    Args:
        (none)

    Example::

        >>> ember._dynamo.is_compiling()
        False
    """
    return False


def disable(fn=None, recursive=True, *, reason=None):
    """Exclude ``fn`` from compilation (``torch._dynamo.disable``); ember runs it as is.

    Usable as ``@disable`` or ``@disable(recursive=False)``. The returned function calls
    ``fn`` unchanged.

    Args:
        fn (callable, optional): the function or module to exclude.
        recursive (bool): also exclude what ``fn`` calls. Default: ``True``.
        reason (str, optional): a note on why (kept on the wrapper as
            ``_torchdynamo_disable_msg``).

    Example::

        >>> @ember.compiler.disable
        ... def f(x):
        ...     return x + 1
        >>> f(ember.ones(1))
        tensor([2.])
    """
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)
    if not callable(fn):
        raise AssertionError(f"A callable function is expected, but {type(fn)} is provided.")
    from ..nn.modules.module import Module
    if isinstance(fn, Module):
        return fn

    @functools.wraps(fn)
    def _fn(*args, **kwargs):
        return fn(*args, **kwargs)
    _fn._torchdynamo_disable = True
    _fn._torchdynamo_disable_recursive = recursive
    _fn._torchdynamo_disable_msg = reason
    return _fn


def optimize(backend="inductor", *, nopython=False, dynamic=None, disable=False, **kwargs):
    """The old spelling of ``ember.compile``: ``optimize(backend)(fn)`` (``torch._dynamo.optimize``).

    Args:
        backend (str or callable): the backend name. Default: ``"inductor"``.
        nopython (bool): the old name of ``fullgraph``. Default: ``False``.
        dynamic (bool, optional): as for ``ember.compile``.
        disable (bool): return the function unchanged. Default: ``False``.
        **kwargs: other torch options (``guard_filter_fn`` ...), accepted and unused.

    Example::

        >>> ember._dynamo.optimize("eager")(lambda x: x * 2)(ember.ones(1))
        tensor([2.])
    """
    from .._compile import compile as _compile

    def wrap(model):
        return _compile(model, fullgraph=nopython, dynamic=dynamic, backend=backend,
                        disable=disable)
    return wrap


def mark_dynamic(t, index, *, min=None, max=None):
    """Mark dimension(s) ``index`` of ``t`` as dynamic; ember never specialises shapes, so it only checks ``index``.

    Args:
        t (Tensor): the tensor.
        index (int or list of int): the dimension(s).
        min (int, optional): the smallest size the dimension takes.
        max (int, optional): the largest size the dimension takes.

    Example::

        >>> x = ember.ones(4, 3)
        >>> ember._dynamo.mark_dynamic(x, 0)
    """
    _check_dims(t, index)
    return None


def mark_static(t, index=None):
    """Mark dimension(s) of ``t`` as static (no effect in ember, which never specialises).

    Args:
        t (Tensor or nn.Module): the tensor (or module).
        index (int or list of int, optional): the dimension(s).

    Example::

        >>> ember._dynamo.mark_static(ember.ones(4, 3), 1)
    """
    if index is not None:
        _check_dims(t, index)
    return None


def _check_dims(t, index):
    idx = index if isinstance(index, (list, tuple)) else [index]
    nd = t.dim()
    for i in idx:
        if not -nd <= i < nd:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-nd}, {nd - 1}], but got {i})")


def allow_in_graph(fn):
    """Let the compiler put ``fn`` into the graph as is; ember has no graph, so ``fn`` is returned.

    Args:
        fn (callable): the function.

    Example::

        >>> f = ember.compiler.allow_in_graph(ember.relu)
        >>> f is ember.relu
        True
    """
    return fn


def assume_constant_result(fn):
    """Tell the compiler ``fn``'s result is constant; ember has no graph, so ``fn`` is returned.

    Args:
        fn (callable): the function.

    Example::

        >>> f = ember.compiler.assume_constant_result(len)
        >>> f([1, 2])
        2
    """
    return fn


def explain(f, *extra_args, **extra_kwargs):
    """Report graph breaks of ``f`` (``torch._dynamo.explain``): ember builds no graphs, so there are none.

    Returns a function that runs ``f`` on the given inputs and returns an ``ExplainOutput``
    with ``graph_count = 0`` and no breaks.

    Args:
        f (callable): the function or module.

    Example::

        >>> out = ember._dynamo.explain(lambda x: x + 1)(ember.ones(1))
        >>> out.graph_break_count
        0
    """
    def inner(*args, **kwargs):
        f(*args, **kwargs)
        return ExplainOutput()
    if extra_args or extra_kwargs:
        return inner(*extra_args, **extra_kwargs)
    return inner


class ExplainOutput:
    """The result of ``explain``: ember builds no graphs, so every count is 0.

    Args:
        (none)

    Example::

        >>> ember._dynamo.ExplainOutput().graph_count
        0
    """

    def __init__(self):
        self.graphs = []
        self.graph_count = 0
        self.graph_break_count = 0
        self.break_reasons = []
        self.op_count = 0
        self.ops_per_graph = []
        self.out_guards = []
        self.compile_times = ""

    def __str__(self):
        return ("Graph Count: 0\nGraph Break Count: 0\nOp Count: 0\n"
                "(ember runs eagerly: no graphs are built)\n")
