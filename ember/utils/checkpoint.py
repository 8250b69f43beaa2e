"""Activation checkpointing (``torch.utils.checkpoint``): trade compute for memory.

``checkpoint(function, *args)`` runs ``function`` without recording a graph (no activations
are kept), and records one node instead. When backward reaches that node it runs
``function`` again with gradient recording on (restoring the random number generator state of
the forward, so dropout draws the same masks), back-propagates through that recomputed graph
and hands the gradients on. Gradients equal those of the plain (non-checkpointed) run.

Design (ember has no saved-tensor hooks, which torch's non-reentrant variant is built on),
so both variants are an ``autograd.Function`` whose backward recomputes:

* ``use_reentrant=True`` (torch's ``CheckpointFunction``, the default when the argument is
  omitted, with torch's warning): the node's inputs are the tensor arguments; backward calls
  ``ember.autograd.backward`` on the recomputed outputs, which accumulates the gradients of
  the parameters used inside ``function`` directly into their ``.grad`` (as torch's reentrant
  backward does). As in torch, if no tensor argument requires grad nothing is
  differentiated (a warning says so), and keyword arguments are refused.
* ``use_reentrant=False``: the node's inputs are the tensors found anywhere in ``args`` and
  ``kwargs`` (nested lists/tuples/dicts) *plus* the tensors that require grad which
  ``function`` can reach: an ``nn.Module``'s parameters (a module, a bound method of one, or
  one held in a closure, default, ``functools.partial`` or a global the code names). Their
  gradients flow through the normal engine, so parameters get gradients even when no input
  requires grad, ``autograd.grad`` works, keyword arguments and nested outputs (dicts, lists)
  are supported, and the recomputed outputs' shapes/dtypes/devices are checked
  (``determinism_check``). A parameter used but not found that way still receives its
  gradient: backward walks the recomputed graph and accumulates into any other leaf it
  reaches; if nothing found requires grad, the forward is run with recording to find what
  does.

Limitations: with ``use_reentrant=False`` every floating output requires grad when any
input of the node does (torch knows which outputs really depend on one; ember records nothing
in the forward): such an output just gets no gradient. Double backward
(``create_graph=True``) through a checkpointed region raises. With ``use_reentrant=True``
ember cannot detect an enclosing ``autograd.grad``/``backward(inputs=...)`` (torch raises
there): the parameters inside still get ``.grad``.
"""
import contextlib
import functools
import types
import warnings

from ..autograd.function import Function, Node, AccumulateGrad
from ..autograd.grad_mode import enable_grad, is_grad_enabled, STATE
from .._tensor import Tensor

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "noop_context_fn",
           "set_checkpoint_debug_enabled"]

_DEFAULT_DETERMINISM_MODE = "default"
_checkpoint_debug_enabled = None


class CheckpointError(RuntimeError):
    """Raised when the recomputation in backward does not reproduce the forward (a
    ``RuntimeError``, as torch's).

    Args:
        message (str): what differs.

    Example::

        >>> issubclass(ember.utils.checkpoint.CheckpointError, RuntimeError)
        True
    """


def noop_context_fn():
    """The default ``context_fn`` of :func:`checkpoint`: two do-nothing context managers.

    Args:
        (none)

    Example::

        >>> fwd, rec = ember.utils.checkpoint.noop_context_fn()
        >>> with fwd, rec:
        ...     pass
    """
    return contextlib.nullcontext(), contextlib.nullcontext()


class set_checkpoint_debug_enabled:
    """Context manager that sets ``debug`` for every :func:`checkpoint` call inside it (``None``
    leaves each call's own ``debug`` argument in charge).

    Args:
        enabled (bool or None): the debug setting to force.

    Example::

        >>> with ember.utils.checkpoint.set_checkpoint_debug_enabled(True):
        ...     pass
    """

    def __init__(self, enabled):
        self.enabled = enabled

    def __enter__(self):
        global _checkpoint_debug_enabled
        self.prev = _checkpoint_debug_enabled
        _checkpoint_debug_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        global _checkpoint_debug_enabled
        _checkpoint_debug_enabled = self.prev
        return False


def detach_variable(inputs):
    """Detach every tensor of the tuple ``inputs``, keeping its ``requires_grad`` flag.

    Args:
        inputs (tuple): tensors and other objects (returned unchanged).

    Returns:
        tuple: the detached tensors (new leaves) and the other objects.

    Example::

        >>> x = ember.ones(2, requires_grad=True) * 2
        >>> y, = ember.utils.checkpoint.detach_variable((x,))
        >>> y.is_leaf, y.requires_grad
        (True, True)
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for inp in inputs:
        if not isinstance(inp, Tensor):
            out.append(inp)
            continue
        x = inp.detach()
        x.requires_grad = inp.requires_grad
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    """Warn (as torch) when no tensor in ``inputs`` requires grad: nothing will get gradients.

    Args:
        inputs (iterable): the arguments of a checkpointed call.

    Example::

        >>> ember.utils.checkpoint.check_backward_validity([ember.ones(1, requires_grad=True)])
    """
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)


# ---------------------------------------------------------------- RNG state


class _RngState:
    """The CPU generator's state and those of the GPUs the tensors live on."""

    def __init__(self, tensors):
        from .. import random as _random
        self.cpu = _random.default_generator.get_state()
        self.cuda = {}
        for t in tensors:
            if isinstance(t, Tensor) and t.is_cuda:
                idx = t.device.index or 0
                if idx not in self.cuda:
                    from ..cuda import _default_generator
                    self.cuda[idx] = _default_generator(idx).get_state()

    def restore(self):
        from .. import random as _random
        _random.default_generator.set_state(self.cpu)
        if self.cuda:
            from ..cuda import _default_generator
            for idx, st in self.cuda.items():
                _default_generator(idx).set_state(st)


@contextlib.contextmanager
def _forked_rng(saved, tensors):
    """Run the block with the generators set to ``saved`` (None: untouched); restore after."""
    if saved is None:
        yield
        return
    now = _RngState(tensors)
    saved.restore()
    try:
        yield
    finally:
        now.restore()


# ---------------------------------------------------------------- use_reentrant=True


class CheckpointFunction(Function):
    """The ``use_reentrant=True`` checkpoint node (torch's ``CheckpointFunction``).

    ``forward(ctx, run_function, preserve_rng_state, *args)`` runs ``run_function(*args)``
    without recording; ``backward`` re-runs it with recording and calls
    ``ember.autograd.backward`` on the result. Use :func:`checkpoint`.

    Args:
        run_function (callable): the checkpointed function.
        preserve_rng_state (bool): restore the forward's RNG state for the recomputation.
        *args: its arguments.

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> y = ember.utils.checkpoint.CheckpointFunction.apply(lambda t: t * 3, True, x)
        >>> y.sum().backward(); x.grad
        tensor([3., 3.])
    """

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        ctx.rng = _RngState(args) if preserve_rng_state else None
        ctx.inputs = []
        ctx.tensor_indices = []
        tensor_inputs = []
        for i, arg in enumerate(args):
            if isinstance(arg, Tensor):
                tensor_inputs.append(arg)
                ctx.tensor_indices.append(i)
                ctx.inputs.append(None)
            else:
                ctx.inputs.append(arg)
        ctx.save_for_backward(*tensor_inputs)
        return run_function(*args)   # Function.apply runs forward without recording

    @staticmethod
    def backward(ctx, *grads):
        if STATE.enabled:
            raise RuntimeError(_DOUBLE_BACKWARD)
        inputs = list(ctx.inputs)
        tensors = ctx.saved_tensors
        for i, idx in enumerate(ctx.tensor_indices):
            inputs[idx] = tensors[i]
        with _forked_rng(ctx.rng, tensors):
            detached_inputs = detach_variable(tuple(inputs))
            with enable_grad():
                outputs = ctx.run_function(*detached_inputs)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        outputs_with_grad, args_with_grad = [], []
        for o, g in zip(outputs, grads):
            if isinstance(o, Tensor) and o.requires_grad:
                outputs_with_grad.append(o)
                args_with_grad.append(g)
        if not outputs_with_grad:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        from .. import autograd
        autograd.backward(outputs_with_grad, args_with_grad)
        return (None, None) + tuple(inp.grad if isinstance(inp, Tensor) else None
                                    for inp in detached_inputs)


_DOUBLE_BACKWARD = (
    "ember.utils.checkpoint: double backward (create_graph=True) through a checkpointed "
    "region is not supported; run this part of the model without checkpoint to take "
    "higher-order gradients")


# ---------------------------------------------------------------- use_reentrant=False


def _flatten(obj, leaves):
    """Append the leaves of a nested tuple/list/dict to ``leaves``; return the structure."""
    if isinstance(obj, Tensor):
        leaves.append(obj)
        return None
    if isinstance(obj, (tuple, list)):
        kids = [_flatten(v, leaves) for v in obj]
        return (type(obj), len(obj), kids)
    if isinstance(obj, dict):
        keys = list(obj)
        kids = [_flatten(obj[k], leaves) for k in keys]
        return (type(obj), keys, kids)
    leaves.append(obj)
    return None


def _unflatten(spec, it):
    if spec is None:
        return next(it)
    kind, meta, kids = spec
    if issubclass(kind, dict):
        d = kind() if kind is dict else kind.__new__(kind)
        for k, s in zip(meta, kids):
            d[k] = _unflatten(s, it)
        return d
    items = [_unflatten(s, it) for s in kids]
    if kind is tuple or kind is list:
        return kind(items)
    if hasattr(kind, "_fields"):   # namedtuple
        return kind(*items)
    return kind(items)


def _reachable_tensors(fn, found, seen, depth=0):
    """Collect the tensors requiring grad that ``fn`` can reach (see the module docstring)."""
    from ..nn.modules.module import Module
    if fn is None or id(fn) in seen or depth > 4:
        return
    seen.add(id(fn))
    if isinstance(fn, Tensor):
        if fn._requires_grad:
            found.setdefault(id(fn), fn)
        return
    if isinstance(fn, Module):
        for t in fn.parameters():
            if t._requires_grad:
                found.setdefault(id(t), t)
        for t in fn.buffers():
            if t._requires_grad:
                found.setdefault(id(t), t)
        return
    if isinstance(fn, (types.ModuleType, type, str, bytes, int, float, complex, bool)):
        return
    if isinstance(fn, (list, tuple, set, frozenset)):
        for v in fn:
            _reachable_tensors(v, found, seen, depth + 1)
        return
    if isinstance(fn, dict):
        for v in fn.values():
            _reachable_tensors(v, found, seen, depth + 1)
        return
    if isinstance(fn, functools.partial):
        _reachable_tensors(fn.func, found, seen, depth + 1)
        _reachable_tensors(fn.args, found, seen, depth + 1)
        _reachable_tensors(fn.keywords, found, seen, depth + 1)
        return
    if isinstance(fn, types.MethodType):
        _reachable_tensors(fn.__self__, found, seen, depth + 1)
        _reachable_tensors(fn.__func__, found, seen, depth + 1)
        return
    if isinstance(fn, types.FunctionType):
        for cell in fn.__closure__ or ():
            try:
                _reachable_tensors(cell.cell_contents, found, seen, depth + 1)
            except ValueError:   # an empty cell
                pass
        _reachable_tensors(fn.__defaults__, found, seen, depth + 1)
        _reachable_tensors(fn.__kwdefaults__, found, seen, depth + 1)
        g = fn.__globals__
        codes = [fn.__code__]
        while codes:
            code = codes.pop()
            for name in code.co_names:
                if name in g:
                    _reachable_tensors(g[name], found, seen, depth + 1)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
        return
    d = getattr(fn, "__dict__", None)   # a callable object holding modules/tensors
    if isinstance(d, dict) and callable(fn):
        _reachable_tensors(d, found, seen, depth + 1)


def _graph_boundary(outputs, seq0):
    """Walk the graph recorded after node number ``seq0`` back from ``outputs``: the leaf
    tensors it reaches and the (node, output_nr) edges into older nodes."""
    leaves, external = {}, set()
    stack = []
    for o in outputs:
        if o.grad_fn is not None:
            stack.append(o.grad_fn)
        elif o._requires_grad:
            leaves.setdefault(id(o), o)
    seen = set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for e in node._edges:
            if e is None:
                continue
            nxt, nr = e
            if type(nxt) is AccumulateGrad:
                leaves.setdefault(id(nxt.variable), nxt.variable)
            elif getattr(nxt, "_seq", seq0 + 1) <= seq0:
                external.add((nxt, nr))
            else:
                stack.append(nxt)
    return leaves, external


def _meta(t):
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


class _Run:
    """What the non-reentrant checkpoint node needs: the function, how to rebuild its
    arguments and output, the RNG state and the contexts."""

    def __init__(self, function, spec, flat, tensor_pos, preserve, recompute_ctx, check,
                 debug):
        self.function = function
        self.spec = spec
        self.flat = flat
        self.tensor_pos = tensor_pos
        self.preserve = preserve
        self.recompute_ctx = recompute_ctx
        self.check = check
        self.debug = debug
        self.rng = None
        self.precomputed = None
        self.out_spec = None
        self.out_flat = None
        self.out_meta = None

    def call(self, tensors):
        flat = list(self.flat)
        for pos, t in zip(self.tensor_pos, tensors):
            flat[pos] = t
        args, kwargs = _unflatten(self.spec, iter(flat))
        return self.function(*args, **kwargs)


class _CheckpointNonReentrant(Function):
    @staticmethod
    def forward(ctx, run, *tensors):
        ctx.run = run
        ctx.set_materialize_grads(False)
        if run.precomputed is not None:
            out, run.precomputed = run.precomputed, None
        else:
            out = run.call(tensors[:len(run.tensor_pos)])
        # saved after the call: a lazy module inside materializes (and initializes in place)
        # its parameters during this first forward
        ctx.save_for_backward(*tensors)
        flat = []
        run.out_spec = _flatten(out, flat)
        run.out_flat = flat
        pos = [i for i, v in enumerate(flat) if isinstance(v, Tensor)]
        run.out_pos = pos
        run.out_meta = [_meta(flat[i]) for i in pos]
        return tuple(flat[i] for i in pos)

    @staticmethod
    def backward(ctx, *grads):
        if STATE.enabled:
            raise RuntimeError(_DOUBLE_BACKWARD)
        run = ctx.run
        tensors = ctx.saved_tensors
        n_in = len(run.tensor_pos)
        detached = [t.detach().requires_grad_(t._requires_grad) for t in tensors[:n_in]]
        captured = tensors[n_in:]
        seq0 = Node._seq_counter[0]
        with _forked_rng(run.rng, tensors), enable_grad(), run.recompute_ctx:
            out = run.call(detached)
        flat = []
        _flatten(out, flat)
        outs = [v for v in flat if isinstance(v, Tensor)]
        if run.check:
            _check_recomputed(run, outs)
        pairs = [(o, g) for o, g in zip(outs, grads) if g is not None and o._requires_grad]
        result = [None] * len(tensors)
        if not pairs:
            return (None, *result)
        targets = [(i, t) for i, t in enumerate(detached) if t._requires_grad]
        targets += [(n_in + i, t) for i, t in enumerate(captured) if t._requires_grad]
        known = {id(t) for _, t in targets}
        known_edges = {(t.grad_fn, t._output_nr) for _, t in targets if t.grad_fn is not None}
        leaves, external = _graph_boundary([o for o, _ in pairs], seq0)
        extras = [t for k, t in leaves.items() if k not in known]
        missing = external - known_edges
        if missing:
            raise RuntimeError(
                "ember.utils.checkpoint(use_reentrant=False): the checkpointed function uses a "
                "tensor that requires grad and is the result of an earlier operation, but is "
                "neither an argument nor reachable from the function; pass it as an argument "
                "of checkpoint(...)")
        from .. import autograd
        outs_g = [o for o, _ in pairs]
        grads_g = [g for _, g in pairs]
        if extras:   # leaves the function reached on its own: accumulate into their .grad
            autograd.backward(outs_g, grads_g, retain_graph=True, inputs=extras)
        if targets:
            got = autograd.grad(outs_g, [t for _, t in targets], grads_g, retain_graph=True,
                                allow_unused=True)
            for (i, _), g in zip(targets, got):
                result[i] = g
        return (None, *result)


def _check_recomputed(run, outs):
    if len(outs) != len(run.out_meta):
        raise CheckpointError(
            "torch.utils.checkpoint: A different number of tensors was output during the "
            "original forward and recomputation.\n"
            f"Number of tensors output during forward: {len(run.out_meta)}\n"
            f"Number of tensors output during recomputation: {len(outs)}.\n"
            + _debug_text(run, outs))
    bad = ""
    for idx, (m, o) in enumerate(zip(run.out_meta, outs)):
        r = _meta(o)
        if m != r:
            bad += (f"tensor at position {idx}:\nsaved metadata: {m}\n"
                    f"recomputed metadata: {r}\n")
    if bad:
        raise CheckpointError(
            "torch.utils.checkpoint: Recomputed values for the following tensors have "
            f"different metadata than during the forward pass.\n{bad}.\n"
            + _debug_text(run, outs))


def _debug_text(run, outs):
    if not run.debug:
        return ("\nTip: To see a more detailed error message, pass `debug=True` to "
                "`ember.utils.checkpoint.checkpoint(...)`.")
    fwd = "\n".join(f"  {i}: {m}" for i, m in enumerate(run.out_meta))
    rec = "\n".join(f"  {i}: {_meta(o)}" for i, o in enumerate(outs))
    return (f"\nCheckpointed function: {run.function!r}\nOutputs of the original forward:\n"
            f"{fwd}\nOutputs of the recomputation:\n{rec}")


def _checkpoint_non_reentrant(function, args, kwargs, preserve, context_fn, determinism_check,
                              debug):
    if _checkpoint_debug_enabled if _checkpoint_debug_enabled is not None else debug:
        if context_fn is not noop_context_fn:
            raise ValueError("debug=True is incompatible with non-default context_fn")
        debug = True
    if determinism_check not in (_DEFAULT_DETERMINISM_MODE, "none"):
        raise ValueError(f"determinism_check should be one of "
                         f"{[_DEFAULT_DETERMINISM_MODE, 'none']}, but got {determinism_check}")
    forward_ctx, recompute_ctx = context_fn()
    if not is_grad_enabled():   # nothing is recorded anyway: just run it
        with forward_ctx:
            return function(*args, **kwargs)
    flat = []
    spec = _flatten((tuple(args), dict(kwargs)), flat)
    tensor_pos = [i for i, v in enumerate(flat) if isinstance(v, Tensor)]
    inputs = [flat[i] for i in tensor_pos]
    found, seen = {}, set()
    _reachable_tensors(function, found, seen)
    in_ids = {id(t) for t in inputs}
    captured = [t for k, t in found.items() if k not in in_ids]
    run = _Run(function, spec, flat, tensor_pos, preserve, recompute_ctx,
               determinism_check != "none", debug)
    if preserve:
        run.rng = _RngState(inputs)
    if not any(t._requires_grad for t in inputs) and not captured:
        # nothing visibly requires grad: run with recording to see whether something does
        seq0 = Node._seq_counter[0]
        with forward_ctx:
            out = function(*args, **kwargs)
        leaves_out = []
        out_spec = _flatten(out, leaves_out)
        outs = [v for v in leaves_out if isinstance(v, Tensor) and v._requires_grad]
        if not outs:
            return out
        leaves, external = _graph_boundary(outs, seq0)
        if external:   # cannot re-root this graph: keep it (correct, just not checkpointed)
            return out
        run.precomputed = _unflatten(out_spec, iter([v.detach() if isinstance(v, Tensor) else v
                                                     for v in leaves_out]))
        captured = list(leaves.values())
        res = _CheckpointNonReentrant.apply(run, *inputs, *captured)
    else:
        with forward_ctx:
            res = _CheckpointNonReentrant.apply(run, *inputs, *captured)
    if isinstance(res, Tensor):
        res = (res,)
    it = iter(res)
    flat_out = [next(it) if isinstance(v, Tensor) else v for v in run.out_flat]
    run.out_flat = None
    return _unflatten(run.out_spec, iter(flat_out))


# ---------------------------------------------------------------- public entry points


def _make_checkpoint_wrapper(function, **checkpoint_kwargs):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return checkpoint(function, *args, **checkpoint_kwargs, **kwargs)
    return wrapper


def checkpoint(function=None, *args, use_reentrant=None, preserve_rng_state=True,
               context_fn=noop_context_fn, determinism_check=_DEFAULT_DETERMINISM_MODE,
               debug=False, early_stop=True, respect_saved_tensors_hooks=None, **kwargs):
    """Checkpoint a part of a model: keep no activations, recompute them in backward.

    The forward runs ``function(*args, **kwargs)`` without recording a graph; backward runs
    it again with recording (with the random number generator state of the forward, so
    dropout masks match) and back-propagates through it. Gradients are the same as without
    checkpointing; memory for ``function``'s intermediate tensors is saved at the cost of a
    second forward. See the module docstring for how the two variants work in ember.

    ``checkpoint(use_reentrant=False)`` without a function returns a decorator.

    Args:
        function (callable): the part of the model to checkpoint (a module or function).
        *args: its arguments (tensors and other objects).
        use_reentrant (bool): which variant. Pass it explicitly: when omitted torch's
            warning is given and ``True`` is used. ``False`` is recommended (keyword
            arguments, ``autograd.grad``, parameters get gradients even when no input
            requires grad, nested outputs).
        preserve_rng_state (bool): restore the forward's RNG state for the recomputation.
            Default: ``True``.
        context_fn (callable): returns two context managers; the forward runs in the
            first, the recomputation in the second (``use_reentrant=False`` only).
        determinism_check (str): ``"default"`` checks that the recomputed outputs have the
            forward's shapes, dtypes and devices (``CheckpointError`` otherwise); ``"none"``
            skips it (``use_reentrant=False``).
        debug (bool): make determinism errors list every output of both runs
            (``use_reentrant=False`` only).
        early_stop (bool): accepted for torch compatibility; ember always recomputes the
            whole function, there is no partial recomputation to stop.
        respect_saved_tensors_hooks (bool, optional): accepted for torch compatibility;
            ember has no saved-tensor hooks (``use_reentrant=False`` only).
        **kwargs: keyword arguments for ``function`` (``use_reentrant=False`` only).

    Returns:
        What ``function`` returns.

    Example::

        >>> from ember.utils.checkpoint import checkpoint
        >>> lin = ember.nn.Linear(4, 4)
        >>> x = ember.randn(2, 4, requires_grad=True)
        >>> y = checkpoint(lin, x, use_reentrant=False)
        >>> y.sum().backward()
        >>> lin.weight.grad.shape, x.grad.shape
        (torch.Size([4, 4]), torch.Size([2, 4]))
    """
    if function is None and not args:
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return functools.partial(_make_checkpoint_wrapper, use_reentrant=use_reentrant,
                                 preserve_rng_state=preserve_rng_state, context_fn=context_fn,
                                 determinism_check=determinism_check, debug=debug,
                                 early_stop=early_stop,
                                 respect_saved_tensors_hooks=respect_saved_tensors_hooks)
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. "
            "Starting in PyTorch 2.9, calling checkpoint without use_reentrant will raise an "
            "exception. use_reentrant=False is recommended, but if you need to preserve the "
            "current default behavior, you can pass use_reentrant=True. Refer to docs for more "
            "details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False or \
                respect_saved_tensors_hooks is not None:
            raise ValueError("Passing `context_fn`, `debug`, or `respect_saved_tensors_hooks` "
                             "is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    return _checkpoint_non_reentrant(function, args, kwargs, preserve_rng_state, context_fn,
                                     determinism_check, debug)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Checkpoint a sequential model in ``segments`` chunks.

    The modules run in order; every chunk but the last is run through :func:`checkpoint`
    (only the chunk inputs are kept; the activations inside are recomputed in backward).

    Args:
        functions (nn.Sequential or list): the modules/functions to run in order.
        segments (int): the number of chunks.
        input (Tensor): the input of the first module.
        use_reentrant (bool): the :func:`checkpoint` variant; pass it explicitly (torch's
            warning is given and ``True`` used when omitted).
        preserve_rng_state (bool, keyword): restore the RNG state for each recomputation.
            Default: ``True``.

    Returns:
        The output of the last module.

    Example::

        >>> from ember.utils.checkpoint import checkpoint_sequential
        >>> model = ember.nn.Sequential(ember.nn.Linear(3, 8), ember.nn.ReLU(),
        ...                             ember.nn.Linear(8, 8), ember.nn.ReLU(),
        ...                             ember.nn.Linear(8, 1))
        >>> x = ember.randn(4, 3, requires_grad=True)
        >>> out = checkpoint_sequential(model, 2, x, use_reentrant=False)
        >>> out.sum().backward()
        >>> x.grad.shape
        torch.Size([4, 3])
    """
    if use_reentrant is None:
        warnings.warn(
            "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should "
            "be passed explicitly. In version 2.9 we will raise an exception if use_reentrant "
            "is not passed. use_reentrant=False is recommended, but if you need to preserve "
            "the current default behavior, you can pass use_reentrant=True. Refer to docs for "
            "more details on the differences between the two variants.", stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    from ..nn.modules.container import Sequential
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input,
                           use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
