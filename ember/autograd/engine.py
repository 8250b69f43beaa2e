"""The backward engine: an iterative walk of the graph in dependency order.

1. Count, for every node reachable from the roots, how many edges point at it.
2. Start from the roots with their gradients; a node runs once all its consumers have
   delivered their gradient (its count reaches zero). No recursion, so deep graphs are fine.
3. Each gradient a node returns is summed to its input's shape here, in ``sum_to`` — the one
   place where broadcasting is undone — and cast to the input's dtype.

``autograd.grad`` uses the same walk, capturing gradients at the requested inputs instead of
accumulating them into ``.grad``, and runs only the nodes that lead to those inputs.
"""
import sys

import numpy as np

from .function import AccumulateGrad, PROFILER

# references to an unshared gradient inside _accumulate: the engine's `grads` list, the
# parameter `g`, and getrefcount's own argument
_STEAL_REFS = 3
from .._device import MULTI_GPU, device_guard
from .anomaly_mode import STATE as ANOMALY, check_nan, warn_forward_trace
from .grad_mode import STATE

__all__ = ["run_backward", "sum_to"]


def sum_to(grad, shape):
    """Sum ``grad`` down to ``shape``, undoing broadcasting: the one place gradients are un-broadcast.

    Leading dimensions that broadcasting added are summed away; dimensions that were 1 in
    ``shape`` are summed with ``keepdim``.

    Args:
        grad (Tensor): the gradient, of the broadcast shape.
        shape (tuple of int): the shape of the input the gradient belongs to.

    Example::

        >>> sum_to(ember.ones(2, 3), (1, 3))
        tensor([[2., 2., 2.]])
        >>> sum_to(ember.ones(2, 3), ())
        tensor(6.)
    """
    gshape = grad.shape
    if tuple(gshape) == tuple(shape):
        return grad
    lead = len(gshape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gshape[lead + i] != 1:
            axes.append(lead + i)
    if axes:
        grad = grad.sum(dim=tuple(axes), keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    elif tuple(grad.shape) != tuple(shape):
        grad = grad.reshape(shape)
    return grad


def _collect(roots):
    """Dependency counts of every node reachable from ``roots``."""
    deps = {}
    stack = list(roots)
    seen = set(roots)
    while stack:
        node = stack.pop()
        for e in node._edges:
            if e is None:
                continue
            nxt = e[0]
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _leads_to(nodes, targets):
    """The nodes with a path of at least one edge to a node in ``targets``."""
    parents = {}
    for node in nodes:
        for e in node._edges:
            if e is not None:
                parents.setdefault(e[0], []).append(node)
    useful = set()
    stack = [p for t in targets for p in parents.get(t, ())]
    while stack:
        n = stack.pop()
        if n in useful:
            continue
        useful.add(n)
        stack.extend(parents.get(n, ()))
    return useful


def run_backward(tensors, grad_tensors, retain_graph=False, create_graph=False, inputs=None,
                 capture=False, allow_unused=False):
    """Backpropagate ``grad_tensors`` from ``tensors`` through the graph (the engine behind ``backward``/``grad``).

    An iterative walk in dependency order (no recursion). With ``capture=False`` gradients
    accumulate into the ``.grad`` of leaves (only those in ``inputs`` when it is given). With
    ``capture=True`` the gradients w.r.t. ``inputs`` are returned instead (``autograd.grad``)
    and nothing is accumulated. Users call ``Tensor.backward`` or ``ember.autograd.grad``.

    Args:
        tensors (sequence of Tensor): the roots.
        grad_tensors (sequence of Tensor): the gradient of each root.
        retain_graph (bool): keep saved tensors for another backward. Default: ``False``.
        create_graph (bool): record the backward computation. Default: ``False``.
        inputs (sequence of Tensor, optional): where to accumulate or capture.
        capture (bool): return the gradients of ``inputs`` instead of accumulating.
            Default: ``False``.
        allow_unused (bool): with ``capture``, give None for unreachable inputs instead of
            raising. Default: ``False``.

    Example::

        >>> x = ember.tensor([1.0, 2.0], requires_grad=True)
        >>> y = (x * x).sum()
        >>> run_backward([y], [ember.tensor(1.0)], inputs=[x], capture=True)
        (tensor([2., 4.]),)
    """
    from .._tensor import Tensor

    roots = []
    root_grads = {}
    for t, g in zip(tensors, grad_tensors):
        node = t.grad_fn
        if node is None:
            node = t._accumulator()
        key = (node, t._output_nr if t.grad_fn is not None else 0)
        root_grads[key] = g if key not in root_grads else root_grads[key] + g
        roots.append(node)

    deps, nodes = _collect(set(roots))

    # targets: (node, output_nr) -> index into inputs
    targets = None
    results = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            key = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
            targets.setdefault(key, []).append(i)
        results = [None] * len(inputs)
        useful = _leads_to(nodes, {k[0] for k in targets})
    else:
        useful = None

    buffers = {}
    root_ids = {id(g) for g in root_grads.values()}  # the caller's gradients: never stolen
    for (node, nr), g in root_grads.items():
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * max(1, len(node._out_meta or ()) or 1)
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    ready = [n for n in set(roots) if deps.get(n, 0) == 0]
    prev_mode = STATE.enabled
    STATE.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            grads = buffers.pop(node, None)
            if grads is None:
                grads = [None]
            # tensor hooks (register_hook / retain_grad on non-leaves) run first
            th = node._tensor_hooks
            if th:
                for nr, hooks in th.items():
                    if nr < len(grads) and grads[nr] is not None:
                        for _, h in sorted(hooks.items()):  # retain_grad's key sorts last
                            r = h(grads[nr])
                            if r is not None:
                                grads[nr] = r
            if targets is not None:
                for nr, g in enumerate(grads):
                    idx = targets.get((node, nr))
                    if idx is not None:
                        for i in idx:
                            results[i] = g if results[i] is None else results[i] + g
                if node not in useful:
                    _release(node, retain_graph)
                    continue
            if type(node) is AccumulateGrad:
                if not capture:
                    _accumulate(node, grads[0], create_graph, grads[0] is not None
                                and id(grads[0]) not in root_ids)
                continue
            if ANOMALY[0]:
                try:
                    in_grads = _call_node(node, grads)
                except Exception:
                    warn_forward_trace(node)
                    raise
                if ANOMALY[1]:
                    check_nan(node, in_grads)
            else:
                in_grads = _call_node(node, grads)
            _release(node, retain_graph)
            for e, g, meta in zip(node._edges, in_grads, node._in_meta):
                if e is None:
                    continue
                nxt, nr = e
                if g is not None:
                    shape, dt = meta
                    if g._data.shape != shape:
                        g = sum_to(g, shape)
                    if g._dtype is not dt:
                        g = _cast_grad(node, g, dt)
                    buf = buffers.get(nxt)
                    if buf is None:
                        om = nxt._out_meta
                        buf = buffers[nxt] = [None] * (len(om) if om else 1)
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    ready.append(nxt)
            # drop this frame's references to the gradients, so a leaf that receives one of
            # them can tell (by reference count) whether it is the only holder
            in_grads = g = grads = None
    finally:
        STATE.enabled = prev_mode

    if inputs is not None and not capture:
        # backward(inputs=...): accumulate into exactly those tensors' .grad
        for t, g in zip(inputs, results):
            if g is not None:
                _accumulate(t._accumulator() if t.grad_fn is None else _Sink(t), g, create_graph)
        return None
    if capture:
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
        return tuple(results)
    return None


def _cast_grad(node, g, dt):
    """A gradient in its input's dtype. A complex gradient for a real input is its real part
    for built-in ops (torch's convention); a user Function returning one is an error."""
    if g._dtype.is_complex and not dt.is_complex:
        if not node._builtin:
            raise RuntimeError("Expected isFloatingType(grad.scalar_type()) || (input_is_complex "
                               "== grad_is_complex) to be true, but got false.  (Could this "
                               f"error message be improved?  If so, please report an "
                               f"enhancement request to PyTorch.) [in {node.name()}]")
        from ..functions import real
        g = real(g)
        if g._dtype is dt:
            return g
    return g.to(dt)


def _release(node, retain_graph):
    """Free a node's saved tensors after it ran (unless the graph is retained)."""
    if not retain_graph and type(node) is not AccumulateGrad:
        node._saved = None
        node._freed = True


def _call_node(node, grads):
    """Run one node's backward with its pre/post hooks; returns one grad per input edge."""
    if PROFILER[0]:  # an active profiler times this node (ember.autograd.profiler)
        rec = PROFILER[0].node(node)
        if rec is not None:
            with rec:
                return _call_node(node, grads)
    if MULTI_GPU[0]:
        dev = device_guard(grads)
        if dev is not None:
            with dev:
                return _call_node(node, grads)
    meta = node._out_meta
    if node._materialize and meta is not None and any(g is None for g in grads):
        from .._tensor import Tensor
        from .._device import _cuda_xp
        for i, g in enumerate(grads):
            if g is None and i < len(meta) and meta[i] is not None:
                shape, dt, arr_type = meta[i]
                xp = np if arr_type is np.ndarray else (
                    getattr(arr_type, "_ember_meta_xp", None) or _cuda_xp())  # meta / cupy
                grads[i] = Tensor._wrap(xp.zeros(shape, dtype=dt.np), dt)
    if node._pre_hooks:
        for h in list(node._pre_hooks.values()):
            r = h(tuple(grads))
            if r is not None:
                grads = list(r)
    out = node._forward_cls.backward(node, *grads)
    if not isinstance(out, tuple):
        out = (out,)
    n_in = len(node._edges)
    if len(out) != n_in:
        if len(out) > n_in and all(g is None for g in out[n_in:]):
            out = out[:n_in]
        elif len(out) < n_in and node._builtin and all(e is None for e in node._edges[len(out):]):
            # built-in ops return gradients for their tensor inputs only; the trailing
            # arguments (dims, flags) get None
            out = out + (None,) * (n_in - len(out))
        else:
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {n_in}, got {len(out)})")
    if node._hooks:
        for h in list(node._hooks.values()):
            r = h(out, tuple(grads))
            if r is not None:
                out = tuple(r)
    return out


def _accumulate(node, g, create_graph, may_steal=False):
    """Add ``g`` into the leaf's ``.grad`` (never mutating a gradient someone else holds).

    A first gradient is taken over without a copy only when nobody else can see it: it was
    computed in this backward pass (``may_steal``), owns its memory, and the only references
    to it are the engine's (as torch checks the reference count).
    """
    from .._tensor import Tensor
    if g is None:
        return
    if MULTI_GPU[0]:
        dev = device_guard((g,))
        if dev is not None:
            with dev:
                return _accumulate(node, g, create_graph, may_steal)
    t = node.variable
    if node._tensor_hooks:
        for h in list(node._tensor_hooks.get(0, {}).values()):
            r = h(g)
            if r is not None:
                g = r
    if t._hooks:
        for h in list(t._hooks.values()):
            r = h(g)
            if r is not None:
                g = r
    if g._data.shape != t._data.shape:
        g = sum_to(g, t._data.shape)
    if g._dtype is not t._dtype:
        g = g.to(t._dtype)
    old = t._grad
    if old is None:
        if create_graph:
            t._grad = g
        elif (may_steal and type(g) is Tensor and g._base is None and g._data.base is None
              and sys.getrefcount(g) <= _STEAL_REFS):
            t._grad = g
        else:
            # copy: the gradient may be shared (AddBackward hands one tensor to both inputs,
            # a hook may keep it), and .grad is later modified in place
            t._grad = Tensor._wrap(g._data.copy(), g._dtype)
    elif create_graph:
        t._grad = old + g
    else:
        old._data += g._data
        old._version_box[0] += 1
    if t._post_acc_hooks:
        for h in list(t._post_acc_hooks.values()):
            h(t)


class _Sink:
    """Stands in for an AccumulateGrad node when backward(inputs=[non_leaf]) accumulates."""

    def __init__(self, t):
        self.variable = t
        self._tensor_hooks = None
