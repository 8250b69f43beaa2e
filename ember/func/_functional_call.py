"""functional_call and stack_module_state (``torch.func``): modules as functions of their state."""
import contextlib
from collections.abc import Sequence

from .._tensor import Tensor

__all__ = ["functional_call", "stack_module_state"]

_MISSING = object()


def _submodule(module, cache, path):
    if not path:
        return module
    if path in cache:
        return cache[path]
    prefix, dot, attr = path.rpartition(".")
    parent = _submodule(module, cache, prefix) if dot else module
    try:
        sub = getattr(parent, attr)
    except AttributeError as ex:
        raise AttributeError(f"{parent._get_name()} has no attribute `{attr}`") from ex
    from ..nn import Module
    if not isinstance(sub, Module):
        raise TypeError(f"submodule `{path}`: {sub} is not an instance of torch.nn.Module")
    cache[path] = sub
    return sub


def _swap(module, name, tensor):
    """Put ``tensor`` at ``module.name`` (``_MISSING`` removes it); return what was there."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of torch.Tensor")
    if "." in name:
        raise KeyError('tensor name can\'t contain "."')
    if name == "":
        raise KeyError('tensor name can\'t be empty string ""')
    for store in (module._parameters, module._buffers):
        if name in store:
            orig = store[name]
            if tensor is _MISSING:
                del store[name]
            else:
                store[name] = tensor
            return orig
    orig = getattr(module, name) if hasattr(module, name) else _MISSING
    if orig is not _MISSING and orig is not None and not isinstance(orig, Tensor):
        raise TypeError(f"attribute `{name}`: {orig} is not an instance of torch.Tensor")
    if tensor is not _MISSING:
        setattr(module, name, tensor)
    elif hasattr(module, name):
        delattr(module, name)
    return orig


def _swap_all(module, cache, named):
    """Swap every ``path -> tensor`` of ``named`` in; returns the originals (undone on error)."""
    orig = {}
    try:
        for path, t in named.items():
            prefix, _, attr = path.rpartition(".")
            orig[path] = _swap(_submodule(module, cache, prefix), attr, t)
    except Exception:
        _swap_back(module, cache, orig)
        raise
    return orig


def _swap_back(module, cache, orig):
    # last in, first out: a submodule registered under two names (``self.b = self.a``) is
    # swapped twice, and only the reverse order puts its own tensor back (torch restores in
    # insertion order and leaves the substituted tensor behind in that case)
    new = {}
    for path, t in reversed(list(orig.items())):
        prefix, _, attr = path.rpartition(".")
        new[path] = _swap(_submodule(module, cache, prefix), attr, t)
    return new


def _untie(module, given):
    """Extend ``given`` to every name tied (the same tensor) to a given name (torch's rule)."""
    named = dict(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    by_tensor = {}
    for name, t in named.items():
        by_tensor.setdefault(id(t), set()).add(name)
    tied = {}
    for names in by_tensor.values():
        if len(names) > 1:
            for n in names:
                tied[n] = names
    given_tied = {n for n in given if n in tied}
    for n in given_tied:
        names = tied[n]
        if (len(names & given_tied) > 1
                and len({id(given[m]) for m in names if m in given}) != 1):
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
    out = dict(given)
    for n in given_tied:
        for m in tied[n]:
            out[m] = given[n]
    return out


@contextlib.contextmanager
def _reparametrize(module, given, tie_weights, strict):
    named = _untie(module, given) if tie_weights else given
    if strict:
        valid = {n for n, _ in module.named_parameters(remove_duplicate=False)}
        valid |= {n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing, unexpected = sorted(valid - set(named)), sorted(set(named) - valid)
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(msgs)))
    cache = {}
    orig = {}
    try:
        orig = _swap_all(module, cache, named)
        yield
    finally:
        new = _swap_back(module, cache, orig)
        # the module may have rebound a buffer (self.x = self.x + 1): report it back
        given.update({k: new[k] for k in given if k in new})


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module`` with the given tensors in place of its parameters and buffers, as
    ``torch.func.functional_call``.

    The tensors are substituted for this one call only and the module's own state is put
    back afterwards (also when the call raises). Gradients flow to the substituted tensors,
    so a model becomes a function of its parameters: ``grad(lambda p, x:
    functional_call(model, p, (x,)).sum())(params, x)``. Names are those of
    ``named_parameters()`` / ``named_buffers()``; names the dicts do not mention keep the
    module's own tensors. If the module rebinds a buffer (``self.b = self.b + 1``), the new
    tensor is written back into the dict; in-place updates (BatchNorm running statistics)
    change the passed tensors.

    Args:
        module (ember.nn.Module): the module to call.
        parameter_and_buffer_dicts (dict or sequence of dict): name -> tensor; several dicts
            (e.g. ``(params, buffers)``) must not share keys.
        args (Any or tuple, optional): positional arguments for the call; a non-tuple is one
            argument. Default: no arguments.
        kwargs (dict, optional): keyword arguments for the call.
        tie_weights (bool, optional): a tensor given for one of several tied names (the same
            parameter registered twice) replaces all of them; giving different tensors for
            tied names is an error. Default: ``True``.
        strict (bool, optional): require the names to match the module's parameters and
            buffers exactly. Default: ``False``.

    Returns:
        whatever ``module(*args, **kwargs)`` returns.

    Example::

        >>> lin = ember.nn.Linear(2, 1)
        >>> p = {'weight': ember.ones(1, 2), 'bias': ember.zeros(1)}
        >>> ember.func.functional_call(lin, p, (ember.tensor([[1., 2.]]),))
        tensor([[3.]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        given = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        given = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, given, tie_weights, strict):
        return module(*args, **kwargs)


def _stacked_leaf(tensors, name):
    from ..functions import stack
    all_rg = all(t.requires_grad for t in tensors)
    none_rg = all(not t.requires_grad for t in tensors)
    if not all_rg and not none_rg:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = stack([t.detach() for t in tensors])
    if all_rg:
        result = result.requires_grad_()
    return result


def stack_module_state(models):
    """Stack the parameters and buffers of ``M`` same-class modules for ensembling with
    :func:`vmap`, as ``torch.func.stack_module_state``.

    Returns ``(params, buffers)``: dicts name -> tensor with a new leading dimension of size
    ``M``. The stacked parameters are new leaves (requiring grad when the originals do), so
    they can be given to an optimizer.

    Args:
        models (sequence of ember.nn.Module): modules of one class, all in training mode or
            all in eval mode.

    Example::

        >>> models = [ember.nn.Linear(3, 2) for _ in range(4)]
        >>> params, buffers = ember.func.stack_module_state(models)
        >>> tuple(params['weight'].shape), buffers
        ((4, 2, 3), {})
    """
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    typ = type(models[0])
    if not all(type(m) is typ for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_params = [dict(m.named_parameters()) for m in models]
    params = {k: _stacked_leaf(tuple(p[k] for p in all_params), k) for k in all_params[0]}
    all_buffers = [dict(m.named_buffers()) for m in models]
    buffers = {k: _stacked_leaf(tuple(b[k] for b in all_buffers), k) for k in all_buffers[0]}
    return params, buffers
