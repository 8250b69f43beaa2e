"""``ember.autograd.Function``: the one mechanism behind every differentiable op.

A Function subclass defines ``forward(ctx, *args)`` and ``backward(ctx, *grad_outputs)`` as
static methods. ``Function.apply`` runs ``forward`` with gradient recording off, and, when an
input requires grad, makes ``ctx`` the graph node (``grad_fn``) of the outputs. The node class
is generated per Function (``MulBackward0`` for ``Mul``), so ``grad_fn`` prints as in torch.

Built-in ops (``ember/ops/``) use exactly this public API.
"""
import functools

from .._device import MULTI_GPU, device_guard
from .anomaly_mode import STATE as ANOMALY, record_trace
from .grad_mode import STATE

__all__ = ["Function", "FunctionCtx", "once_differentiable", "Node", "BackwardCFunction"]

# ember.amp installs its argument-casting hook here while an autocast region is enabled
AUTOCAST = [None]
# The active profiler's recorder (ember.autograd.profiler), checked the same way; kept here so
# that importing ember does not import the profiler.
PROFILER = [None]

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward.")


class Node:
    """A node of the autograd graph: what ``tensor.grad_fn`` returns (e.g. ``MulBackward0``).

    Each node holds what its op saved for backward and the edges to the nodes of its inputs;
    ``next_functions`` walks the graph towards the leaves (``AccumulateGrad`` nodes). Nodes
    are made by ``Function.apply``; users do not construct them.

    Args:
        (none)

    Attributes:
        next_functions: tuple of ``(node, output_nr)`` pairs, one per input of the op
            (``(None, 0)`` for inputs that need no gradient).

    Example::

        >>> x = ember.ones(2, requires_grad=True)
        >>> y = (x * 2).sum()
        >>> y.grad_fn.name()
        'SumBackward0'
        >>> y.grad_fn.next_functions[0][0].name()
        'MulBackward0'
    """
    __slots__ = ("_edges", "_tensor_args", "_saved", "_saved_versions", "needs_input_grad", "_in_meta",
                 "_out_meta", "_non_diff", "_materialize", "_hooks", "_pre_hooks",
                 "_tensor_hooks", "_freed", "_seq", "__dict__", "__weakref__")
    _forward_cls = None
    _builtin = False
    _seq_counter = [0]

    _qualified = None

    def name(self):
        """The node's name, e.g. ``'MulBackward0'``.

        Example::

            >>> (ember.ones(1, requires_grad=True) * 2).grad_fn.name()
            'MulBackward0'
        """
        return self._qualified or type(self).__name__

    @property
    def next_functions(self):
        """One ``(node, output_nr)`` pair per tensor input of the op (``(None, 0)`` if it needs no grad).

        Example::

            >>> x = ember.ones(1, requires_grad=True)
            >>> (x * 2).grad_fn.next_functions[0][0].name()
            'torch::autograd::AccumulateGrad'
        """
        return tuple((None, 0) if e is None else e
                     for e, is_t in zip(self._edges, self._tensor_args) if is_t)

    @property
    def metadata(self):
        """A dict for user annotations on this node (empty at first).

        Example::

            >>> (ember.ones(1, requires_grad=True) * 2).grad_fn.metadata
            {}
        """
        return self.__dict__.setdefault("_metadata", {})

    def register_hook(self, fn):
        """Register ``fn(grad_inputs, grad_outputs)`` to run after this node's backward.

        The hook may return a tuple of new ``grad_inputs`` to use instead. Returns a handle whose
        ``remove()`` unregisters the hook.

        Args:
            fn (callable): the hook.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> y = (x * 3).sum()
            >>> h = y.grad_fn.register_hook(lambda gi, go: None)
            >>> y.backward(); h.remove(); x.grad
            tensor([3., 3.])
        """
        if self._hooks is None:
            self._hooks = {}
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """Register ``fn(grad_outputs)`` to run before this node's backward (it may return new ones).

        Args:
            fn (callable): the hook.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> y = (x * 3).sum()
            >>> h = y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
            >>> y.backward(); x.grad
            tensor([6., 6.])
        """
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _Handle(self._pre_hooks, fn)

    def __call__(self, *grads):
        return self._forward_cls.backward(self, *grads)

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"


class AccumulateGrad(Node):
    """The node that receives a leaf tensor's gradient and adds it to ``tensor.grad``."""
    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable
        self._edges = self._tensor_args = ()
        self._out_meta = None
        self._hooks = self._pre_hooks = self._tensor_hooks = None
        self._saved = None
        self._freed = False

    def name(self):
        return "torch::autograd::AccumulateGrad"


class _Handle:
    """A removable hook handle (``handle.remove()``)."""
    _next_id = [0]

    def __init__(self, registry, fn):
        self._registry = registry
        self.id = _Handle._next_id[0]
        _Handle._next_id[0] += 1
        registry[self.id] = fn

    def remove(self):
        self._registry.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class FunctionCtx(Node):
    """The ``ctx`` object passed to ``forward`` and ``backward`` of an ``ember.autograd.Function``.

    Use it to save tensors for backward (``ctx.save_for_backward``), to stash other Python
    values as attributes (``ctx.dim = dim``), and to read ``ctx.needs_input_grad`` in
    backward. After ``apply`` it is also the graph node (the outputs' ``grad_fn``).

    Args:
        (none)

    Example::

        >>> class Scale(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x, k):
        ...         ctx.k = k
        ...         return x * k
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         return g * ctx.k, None
        >>> x = ember.ones(2, requires_grad=True)
        >>> Scale.apply(x, 3.0).sum().backward(); x.grad
        tensor([3., 3.])
    """
    __slots__ = ()

    def save_for_backward(self, *tensors):
        """Save tensors (or None) for backward; read them back from ``ctx.saved_tensors``.

        Only for tensors (inputs or outputs of forward); store other values as attributes of
        ``ctx``. Saved tensors are checked against in-place modification and freed after backward
        (unless ``retain_graph=True``).

        Args:
            *tensors (Tensor or None): the tensors to save.

        Example::

            >>> class Square(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x * x
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         x, = ctx.saved_tensors
            ...         return 2 * x * g
            >>> x = ember.tensor([3.0], requires_grad=True)
            >>> Square.apply(x).backward(); x.grad
            tensor([6.])
        """
        self._saved = tensors
        self._saved_versions = tuple(None if t is None else t._version_box[0] for t in tensors)

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``, as a tuple.

        Raises torch's errors when the graph was already freed or a saved tensor was modified in
        place since it was saved.

        Example::

            >>> x = ember.ones(2, requires_grad=True)
            >>> y = x.exp()
            >>> isinstance(y.grad_fn.saved_tensors, tuple)
            True
        """
        if self._freed:
            raise RuntimeError(_FREED_MSG)
        saved = self._saved
        if saved is None:
            return ()
        if self.__dict__.get("_saved_outputs"):
            saved = tuple(t.unpack(self) if type(t) is _SavedOutput else t for t in saved)
        for i, (t, v) in enumerate(zip(saved, self._saved_versions)):
            if t is not None and t._version_box[0] != v:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{t.type()} {list(t.shape)}], which is output {i} of "
                    f"{self.name()}, is at version {t._version_box[0]}; expected version {v} "
                    "instead. Hint: the backtrace further above can help, or replace the in-place "
                    "operation (e.g. x += 1 or x.relu_()) with its out-of-place form (x = x + 1).")
        return saved

    saved_variables = saved_tensors

    def mark_non_differentiable(self, *tensors):
        """Mark outputs that are not differentiable (e.g. indices); they get no ``grad_fn``.

        Args:
            *tensors (Tensor): outputs of ``forward``.

        Example::

            >>> class ArgMax(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         i = x.argmax()
            ...         ctx.mark_non_differentiable(i)
            ...         return x.max(), i
            ...     @staticmethod
            ...     def backward(ctx, g, gi):
            ...         return None
            >>> v, i = ArgMax.apply(ember.tensor([1.0, 3.0], requires_grad=True))
            >>> v.requires_grad, i.requires_grad
            (True, False)
        """
        self._non_diff = set(map(id, tensors))

    def mark_dirty(self, *tensors):
        """Declare inputs that ``forward`` modified in place.

        A dirty non-leaf input that ``forward`` returns is returned itself (the same object), its
        history now going through this node, as in torch.

        Args:
            *tensors (Tensor): the inputs modified in place.

        Example::

            >>> class AddOne_(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.mark_dirty(x)
            ...         return x.add_(1)
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return g
            >>> AddOne_.apply(ember.zeros(2))
            tensor([1., 1.])
        """
        self.__dict__["_dirty"] = tensors

    def set_materialize_grads(self, value):
        """Choose how backward receives the gradients of outputs that got none.

        By default (``True``) such gradients arrive as zero tensors; with ``False`` they arrive as
        None, which saves work when backward can skip them.

        Args:
            value (bool): whether to materialise missing gradients as zeros.

        Example::

            >>> class Two(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.set_materialize_grads(False)
            ...         return x * 1, x * 2
            ...     @staticmethod
            ...     def backward(ctx, g1, g2):
            ...         return g1 if g2 is None else g1 + 2 * g2
            >>> x = ember.ones(1, requires_grad=True)
            >>> a, b = Two.apply(x)
            >>> a.sum().backward(); x.grad
            tensor([1.])
        """
        self._materialize = value


BackwardCFunction = FunctionCtx


def _make_node_class(fn_cls):
    base_name = fn_cls.__name__
    builtin = fn_cls.__module__.startswith("ember.")
    name = fn_cls.__dict__.get("_node_name") or (base_name + "Backward0" if builtin
                                                 else base_name + "Backward")
    qualified = ("torch::autograd::" + name) if "_node_name" in fn_cls.__dict__ else None
    return type(name, (FunctionCtx,), {"__slots__": (), "_forward_cls": fn_cls,
                                       "_builtin": builtin, "_qualified": qualified,
                                       "__module__": fn_cls.__module__})


class Function:
    """Base class for differentiable operations with a custom forward and backward.

    Subclass it and write two static methods. ``forward(ctx, *args)`` computes the outputs
    (gradient recording is off inside); ``backward(ctx, *grad_outputs)`` receives one
    gradient per output and returns one gradient (or None) per input of ``forward``. Call the
    op with ``MyFn.apply(*args)`` (never ``MyFn()(...)``). Every built-in ember op uses this
    same mechanism. Non-tensor arguments get None as their gradient.

    Args:
        (none; subclasses are not instantiated: call ``apply``)

    Example::

        >>> class Exp(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         y = x.exp()
        ...         ctx.save_for_backward(y)
        ...         return y
        ...     @staticmethod
        ...     def backward(ctx, g):
        ...         y, = ctx.saved_tensors
        ...         return g * y
        >>> x = ember.tensor([0.0, 1.0], requires_grad=True)
        >>> Exp.apply(x).sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """
    _backward_cls = None
    _ctx_free = False   # forward written without ctx, with a separate setup_context

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._backward_cls = _make_node_class(cls)
        cls._ctx_free = cls.setup_context is not Function.setup_context

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method, and call it as MyFunction.apply(...)")

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Compute the op's outputs; override it as a ``@staticmethod`` taking ``ctx`` first.

        Args:
            ctx (FunctionCtx): the context, for ``save_for_backward`` and attributes.
            *args: the arguments given to ``apply``.
            **kwargs: keyword arguments given to ``apply``.

        Example::

            >>> class Double(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         return x * 2
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return g * 2
            >>> Double.apply(ember.ones(2))
            tensor([2., 2.])
        """
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Compute the gradients of the inputs from those of the outputs; override as a ``@staticmethod``.

        Return one value per input of ``forward`` (None for inputs without a gradient). Written
        with ember tensor ops, so it can itself be differentiated (``create_graph=True``).
        ``vjp`` is an alias.

        Args:
            ctx (FunctionCtx): the context given to ``forward``.
            *grad_outputs (Tensor): the gradient with respect to each output.

        Example::

            >>> class Cube(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x ** 3
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         x, = ctx.saved_tensors
            ...         return 3 * x ** 2 * g
            >>> x = ember.tensor([2.0], requires_grad=True)
            >>> Cube.apply(x).backward(); x.grad
            tensor([12.])
        """
        raise NotImplementedError("You must implement either the backward or vjp method for your "
                                  "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        """Optional: save what ``backward`` needs, for a ``forward`` written without ``ctx``.

        When a Function overrides ``setup_context``, ``apply`` calls ``forward(*args)`` (no
        ``ctx``) and then ``setup_context(ctx, inputs, output)``, as in torch.

        Args:
            ctx (FunctionCtx): the node's context.
            inputs (tuple): the arguments of ``forward``, defaults filled in.
            output: what ``forward`` returned.

        Example::

            >>> class Twice(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(x, k=2.0):
            ...         return x * k
            ...     @staticmethod
            ...     def setup_context(ctx, inputs, output):
            ...         ctx.k = inputs[1]
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return g * ctx.k, None
            >>> x = ember.ones(2, requires_grad=True)
            >>> Twice.apply(x).sum().backward(); x.grad
            tensor([2., 2.])
        """
        raise NotImplementedError("setup_context is not implemented.")

    @classmethod
    def _forward(cls, ctx, args, kwargs):
        """``forward`` without ``ctx``, then ``setup_context`` (Functions that define it)."""
        out = cls.forward(*args, **kwargs)
        import inspect
        bound = inspect.signature(cls.forward).bind(*args, **kwargs)
        bound.apply_defaults()
        cls.setup_context(ctx, tuple(bound.arguments.values()), out)
        return out

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run the op: call ``forward`` now and, when an input requires grad, record the graph node.

        Args:
            *args: the arguments of ``forward`` (after ``ctx``).
            **kwargs: keyword arguments of ``forward``.

        Returns:
            The outputs of ``forward``; floating outputs get ``grad_fn`` set when recording.

        Example::

            >>> class Neg(ember.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         return -x
            ...     @staticmethod
            ...     def backward(ctx, g):
            ...         return -g
            >>> Neg.apply(ember.ones(1, requires_grad=True))
            tensor([-1.], grad_fn=<NegBackward...>)
        """
        if PROFILER[0]:  # an active profiler times this op (ember.autograd.profiler)
            rec = PROFILER[0].op(cls, args)
            if rec is not None:
                with rec:
                    return cls.apply(*args, **kwargs)
        if MULTI_GPU[0]:
            dev = device_guard(args)
            if dev is not None:
                with dev:
                    return cls.apply(*args, **kwargs)
        if AUTOCAST[0] is not None:
            args = AUTOCAST[0](cls, args)
        ctx = cls._backward_cls()
        ctx._saved = None
        ctx._non_diff = None
        ctx._freed = False
        ctx._materialize = True
        ctx._hooks = ctx._pre_hooks = ctx._tensor_hooks = None
        record = False
        if STATE.enabled:
            needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
            record = True in needs
        else:
            needs = (False,) * len(args)
        ctx.needs_input_grad = needs
        if record:
            STATE.enabled = False
            try:
                out = (cls._forward(ctx, args, kwargs) if cls._ctx_free
                       else cls.forward(ctx, *args, **kwargs))
            finally:
                STATE.enabled = True
            return _attach(ctx, args, needs, out)
        prev = STATE.enabled
        STATE.enabled = False
        try:
            return (cls._forward(ctx, args, kwargs) if cls._ctx_free
                    else cls.forward(ctx, *args, **kwargs))
        finally:
            STATE.enabled = prev


def _rebase_dirty(ctx, a):
    """True when ``a``, an input marked dirty and returned by forward, becomes the output
    itself (its history now goes through ``ctx``, as in torch); views and leaves keep the
    old behaviour (a new alias is returned)."""
    dirty = ctx.__dict__.get("_dirty")
    return (dirty is not None and any(a is d for d in dirty) and a._base is None
            and a.grad_fn is not None)


class _SavedOutput:
    """An output of a node saved for the node's own backward, kept without the tensor.

    The output's ``grad_fn`` is the node, so saving the tensor itself makes a reference
    cycle (node -> saved output -> node) that only Python's cycle collector frees: a forward
    whose result is dropped without a backward (an evaluation loop that forgot
    ``no_grad``) kept every such output alive, and a loop of them page-faulted fresh memory
    each call (``relu`` of a 25 MB tensor: 45-65 ms instead of 2-7). As torch's saved
    outputs, it keeps the memory and the version counter and rebuilds the tensor, with the
    node as its ``grad_fn``, when ``saved_tensors`` is read.
    """
    __slots__ = ("_data", "_dtype", "_version_box", "_output_nr", "_base")

    def __init__(self, t):
        self._data, self._dtype, self._version_box = t._data, t._dtype, t._version_box
        self._output_nr, self._base = t._output_nr, t._base

    def unpack(self, node):
        """The saved output as a tensor of ``node`` (sharing memory and version)."""
        t = Tensor._wrap(self._data, self._dtype, requires_grad=True)
        t._version_box, t._output_nr, t._base = self._version_box, self._output_nr, self._base
        t.grad_fn = node
        return t


def _unlink_outputs(ctx, outs):
    """Replace the saved tensors that are ``ctx``'s own graph outputs by ``_SavedOutput``."""
    saved = ctx._saved
    new = None
    for i, t in enumerate(saved):
        if t is not None and t.grad_fn is ctx and type(t) is Tensor and any(t is o for o in outs):
            if new is None:
                new = list(saved)
            new[i] = _SavedOutput(t)
    if new is not None:
        ctx._saved = tuple(new)
        ctx._saved_outputs = True


def _attach(ctx, args, needs, out):
    """Connect ``ctx`` into the graph: edges to the inputs, grad_fn on the outputs."""
    if ANOMALY[0]:
        record_trace(ctx)
    edges = []
    in_meta = []
    is_tensor = []
    for a, n in zip(args, needs):
        if n:
            fn = a.grad_fn
            edges.append((fn, a._output_nr) if fn is not None else (a._accumulator(), 0))
            in_meta.append((a._data.shape, a._dtype))
            is_tensor.append(True)
        else:
            edges.append(None)
            in_meta.append(None)
            is_tensor.append(isinstance(a, Tensor))
    ctx._edges = edges
    ctx._tensor_args = is_tensor
    ctx._in_meta = in_meta
    seq = Node._seq_counter
    seq[0] += 1
    ctx._seq = seq[0]
    if type(out) is Tensor and ctx._non_diff is None:
        # the common case: one differentiable output
        for a in args:
            if out is a and not _rebase_dirty(ctx, a):
                out = Tensor._wrap(out._data, out._dtype)
                break
        ctx._out_meta = ((out._data.shape, out._dtype, type(out._data)),)
        if out._dtype._cat >= 2:  # floating or complex
            out.grad_fn = ctx
            out._requires_grad = True
            if ctx._saved is not None:
                _unlink_outputs(ctx, (out,))
        return out
    single = not isinstance(out, tuple)
    outs = (out,) if single else out
    non_diff = ctx._non_diff
    meta = []
    fixed = []
    for i, o in enumerate(outs):
        if isinstance(o, Tensor):
            if any(o is a for a in args) and not _rebase_dirty(ctx, o):
                # forward returned an input unchanged: the output is a new alias of it
                o = Tensor._wrap(o._data, o._dtype)
            if (non_diff is None or id(o) not in non_diff) and o._dtype._cat >= 2:
                o.grad_fn = ctx
                o._output_nr = i
                o._requires_grad = True
            meta.append((o._data.shape, o._dtype, type(o._data)))  # to materialise zeros
        else:
            meta.append(None)
        fixed.append(o)
    ctx._out_meta = meta
    if ctx._saved is not None:
        _unlink_outputs(ctx, fixed)
    return fixed[0] if single else tuple(fixed)


def once_differentiable(fn):
    """Decorator for ``backward``: run it without recording, so it cannot be differentiated again.

    Use it when backward is written with non-differentiable code (e.g. NumPy); a double
    backward through it then sees no graph.

    Args:
        fn (callable): the ``backward`` static method.

    Example::

        >>> class MyFn(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         return x * 2
        ...     @staticmethod
        ...     @ember.autograd.function.once_differentiable
        ...     def backward(ctx, g):
        ...         return g * 2
        >>> x = ember.ones(1, requires_grad=True)
        >>> MyFn.apply(x).backward(); x.grad
        tensor([2.])
    """
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = STATE.enabled
        STATE.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            STATE.enabled = prev
        return outputs
    return wrapper


from .._tensor import Tensor  # noqa: E402  (circular: Tensor needs nothing from here at import)
