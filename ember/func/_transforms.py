"""grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian (``torch.func``) on ember's tape.

torch.func runs each transform at its own "level" with wrapper tensors. ember has one
reverse-mode tape, so a transform *lifts* its differentiated inputs instead:

* an input that does not require grad becomes a fresh leaf (``x.detach().requires_grad_()``),
  owned by this call;
* an input that already requires grad (it belongs to an enclosing transform or to the
  user's own autograd graph) is aliased through ``view_as``, so gradients are taken with
  respect to this argument only, while the alias stays connected to the outer graph.

Gradients are computed with ``ember.autograd.grad``. Whether they must themselves be
differentiable (``create_graph``) is decided by walking the output's graph: if it reaches a
leaf requiring grad that this call did not create (an outer transform's input, a model
parameter, ...), the results stay attached to that graph, so ``grad(grad(f))``,
``jacfwd(jacrev(f))`` and ordinary ``.backward()`` through a transform's result work. Otherwise
results are detached, as torch.func returns plain tensors in that case.

Forward-mode products (``jvp``, ``jacfwd``) use the double-vjp trick: with ``u`` a dummy
cotangent, ``g(u) = J^T u`` is linear in ``u``, and the vjp of ``g`` with respect to ``u`` in
the direction ``v`` is ``J v``.
"""
import functools

from .. import autograd as _autograd
from .._tensor import Tensor
from ..autograd.function import AccumulateGrad
from ..autograd.grad_mode import enable_grad, is_grad_enabled
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


# ---------------------------------------------------------------------------- helpers
class _Level:
    """The leaves one transform call created (to tell its own graph from outer graphs)."""

    def __init__(self):
        self.own = {}

    def lift(self, x):
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if x.requires_grad:
            return x.view_as(x)
        t = x.detach().requires_grad_(True)
        self.own[id(t)] = t
        return t

    def fresh(self, t):
        """Register ``t`` (a new leaf requiring grad) as owned by this level."""
        self.own[id(t)] = t
        return t

    def reaches_foreign(self, tensors):
        """Whether any of ``tensors`` depends on a leaf requiring grad that is not ours."""
        stack, seen = [], set()
        for t in tensors:
            if not isinstance(t, Tensor) or not t.requires_grad:
                continue
            if t.grad_fn is None:
                if id(t) not in self.own:
                    return True
            elif t.grad_fn not in seen:
                seen.add(t.grad_fn)
                stack.append(t.grad_fn)
        while stack:
            node = stack.pop()
            if type(node) is AccumulateGrad:
                if id(node.variable) not in self.own:
                    return True
                continue
            for e in node._edges:
                if e is not None and e[0] not in seen:
                    seen.add(e[0])
                    stack.append(e[0])
        return False

    def release(self, tree):
        """Detach the tensors of ``tree`` that only depend on this level's leaves."""
        def one(t):
            if isinstance(t, Tensor) and t.requires_grad and not self.reaches_foreign([t]):
                return t.detach()
            return t
        leaves, spec = tree_flatten(tree)
        return tree_unflatten([one(t) for t in leaves], spec)


def _zeros_like(x):
    from ..functions import zeros_like
    return zeros_like(x)


def _validate_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if 0 <= argnum < num_args:
        return argnum
    if -num_args <= argnum < 0:
        return argnum + num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _norm_argnums(argnums, num_args):
    """argnums validated and made non-negative (int stays int, tuple stays tuple)."""
    if isinstance(argnums, int):
        return _validate_argnum(argnums, num_args)
    if isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError("argnums must be non-empty")
        res = tuple(_validate_argnum(a, num_args) for a in argnums)
        if len(set(res)) != len(res):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")
        return res
    raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")


def _lift_argnums(level, args, argnums):
    """(new args with the differentiated ones lifted, the lifted part as a tree)."""
    args = list(args)
    picked = (argnums,) if isinstance(argnums, int) else argnums
    lifted = []
    for i in picked:
        leaves, spec = tree_flatten(args[i])
        args[i] = tree_unflatten([level.lift(x) for x in leaves], spec)
        lifted.append(args[i])
    diff = lifted[0] if isinstance(argnums, int) else tuple(lifted)
    return tuple(args), diff


def _split_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) "
                           "if has_aux is True")
    return out


def _grads(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    """``autograd.grad`` over the outputs that require grad; zeros for unreached inputs."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
             if isinstance(o, Tensor) and o.requires_grad]
    if not pairs or not inputs:
        return [_zeros_like(x) for x in inputs]
    res = _autograd.grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                         retain_graph=retain_graph, create_graph=create_graph,
                         allow_unused=True)
    return [_zeros_like(x) if r is None else r for x, r in zip(inputs, res)]


def _check_out_tensors(flat, api):
    if len(flat) == 0:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat})")
    for o in flat:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors, got "
                               f"unsupported type {type(o)}")


def _check_float_outputs(flat, api="vjp(f, ...)"):
    for o in flat:
        if not (o.is_floating_point() or o.is_complex()):
            raise RuntimeError(f"{api}: All outputs of f must be floating-point or complex "
                               f"Tensors, got Tensor with dtype {o.dtype}")


def _wraps(func):
    try:
        return functools.wraps(func)
    except (AttributeError, TypeError):  # callables without __name__ etc.
        return lambda f: f


# ---------------------------------------------------------------------------- grad
def grad_and_value(func, argnums=0, has_aux=False):
    """A function computing the gradient of ``func`` with respect to the ``argnums`` inputs
    together with ``func``'s value, as ``torch.func.grad_and_value``.

    ``func`` must return a 0-dim tensor (or ``(tensor, aux)`` with ``has_aux=True``). The
    differentiated arguments may be nested tuples/lists/dicts of tensors; the gradient has
    the same structure. The returned function gives ``(grad, value)`` or, with ``has_aux``,
    ``(grad, (value, aux))``.

    Args:
        func (callable): the function to differentiate.
        argnums (int or Tuple[int], optional): which positional arguments to differentiate
            with respect to; a tuple gives a tuple of gradients. Default: 0.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``; ``aux`` is passed
            through undifferentiated. Default: ``False``.

    Example::

        >>> g, v = ember.func.grad_and_value(lambda x: (x ** 2).sum())(ember.tensor([1., 2.]))
        >>> g, v
        (tensor([2., 4.]), tensor(5.))
    """
    @_wraps(func)
    def wrapper(*args, **kwargs):
        api = "grad_and_value(f)(*args)"
        outer = is_grad_enabled()
        nums = _norm_argnums(argnums, len(args))
        level = _Level()
        with enable_grad():
            new_args, diff = _lift_argnums(level, args, nums)
            output, aux = _split_aux(func(*new_args, **kwargs), has_aux, api)
            if not isinstance(output, Tensor):
                raise RuntimeError(f"{api}: Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"{api}: Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use "
                                   "the vjp or jacrev APIs instead?")
            flat_diff, spec = tree_flatten(diff)
            keep = outer and level.reaches_foreign([output])
            gs = _grads([output], flat_diff, [None], create_graph=keep)
        if not keep:
            gs = [g.detach() for g in gs]
        g = tree_unflatten(gs, spec)
        if outer:
            output, aux = level.release(output), level.release(aux)
        else:
            output, aux = output.detach(), _detach_tree(aux)
        return (g, (output, aux)) if has_aux else (g, output)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function computing the gradient of ``func`` with respect to the ``argnums`` inputs,
    as ``torch.func.grad``.

    ``grad(f)(x)`` is ``df/dx`` for a ``f`` returning a 0-dim tensor. Transforms compose:
    ``grad(grad(f))`` is the second derivative, ``vmap(grad(loss), in_dims=(None, 0, 0))``
    gives per-sample gradients. Inputs the output does not depend on get zero gradients.

    Args:
        func (callable): the function to differentiate; returns a 0-dim tensor (or
            ``(tensor, aux)`` with ``has_aux=True``).
        argnums (int or Tuple[int], optional): which positional arguments to differentiate
            with respect to (each may be a nest of tensors, e.g. a dict of parameters).
            Default: 0.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``; the transform then
            returns ``(grad, aux)``. Default: ``False``.

    Example::

        >>> x = ember.tensor(2.0)
        >>> ember.func.grad(lambda x: x ** 3)(x)
        tensor(12.)
        >>> ember.func.grad(ember.func.grad(lambda x: x ** 3))(x)
        tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    @_wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


# ---------------------------------------------------------------------------- vjp
def vjp(func, *primals, has_aux=False):
    """``func(*primals)`` and a function computing vector-Jacobian products at ``primals``,
    as ``torch.func.vjp``.

    Returns ``(output, vjp_fn)`` (``(output, vjp_fn, aux)`` with ``has_aux``).
    ``vjp_fn(cotangents)`` takes cotangents with the structure and shapes of ``output`` and
    returns a tuple with one ``cotangents^T J`` per primal (each shaped like its primal).
    It may be called several times.

    Args:
        func (callable): a function of tensors (nests of tensors) returning a tensor or a
            nest of floating-point tensors.
        *primals: the point at which to evaluate; every leaf must be a tensor.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``. Default: ``False``.

    Example::

        >>> out, vjp_fn = ember.func.vjp(lambda x: x.sin(), ember.tensor([0.0, 1.0]))
        >>> vjp_fn(ember.ones(2))
        (tensor([1.0000, 0.5403]),)
    """
    api = "vjp(f, *primals)"
    outer = is_grad_enabled()
    level = _Level()
    with enable_grad():
        flat_p, pspec = tree_flatten(primals)
        lifted = [level.lift(x) for x in flat_p]
        output, aux = _split_aux(func(*tree_unflatten(lifted, pspec)), has_aux,
                                 "vjp(f, *primals)")
        flat_out, ospec = tree_flatten(output)
        _check_out_tensors(flat_out, api)
        _check_float_outputs(flat_out)
        foreign = outer and level.reaches_foreign(flat_out)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        """``cotangents^T J`` for each primal (a tuple, structured like the primals).

        Args:
            cotangents: tensors with the structure and shapes of the output.
            retain_graph (bool): keep the graph for further calls. Default: ``True``.
            create_graph (bool, optional): make the result differentiable (default: when
                grad mode is on and the result depends on tensors outside this call).

        Example::

            >>> _, f = ember.func.vjp(lambda x: 2 * x, ember.ones(2))
            >>> f(ember.ones(2))
            (tensor([2., 2.]),)
        """
        flat_ct, cspec = tree_flatten(cotangents)
        if cspec != ospec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function. "
                               f"cotangents: {cspec}, primal output: {ospec}")
        if create_graph is None:
            create_graph = is_grad_enabled()
        cg = create_graph and (foreign or any(isinstance(c, Tensor) and c.requires_grad
                                              for c in flat_ct))
        with enable_grad():
            gs = _grads(flat_out, lifted, flat_ct, create_graph=cg, retain_graph=retain_graph)
        gs = level.release(gs) if cg else [g.detach() for g in gs]
        return tree_unflatten(gs, pspec)

    results = level.release(output) if foreign else tree_unflatten(
        [o.detach() for o in flat_out], ospec)
    if has_aux:
        aux = level.release(aux) if outer else _detach_tree(aux)
        return results, vjp_fn, aux
    return results, vjp_fn


def _detach_tree(tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([t.detach() if isinstance(t, Tensor) else t for t in leaves], spec)


# ---------------------------------------------------------------------------- jvp
def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``func(*primals)`` and the Jacobian-vector product ``J @ tangents``, as
    ``torch.func.jvp``.

    ember has no forward-mode autograd: the product is computed with two reverse passes
    (the double-vjp trick), which gives the same values. Returns ``(output, jvp_out)``
    (``(output, jvp_out, aux)`` with ``has_aux``), ``jvp_out`` structured like ``output``.

    Args:
        func (callable): a function of the primals returning a tensor or a nest of tensors.
        primals (tuple): the arguments (tensors or nests of tensors); ``func(*primals)``.
        tangents (tuple): the direction, with the structure and shapes of ``primals``.
        strict (bool, optional): raise if an output does not depend on the inputs.
            Default: ``False``.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``. Default: ``False``.

    Example::

        >>> out, t = ember.func.jvp(lambda x: x ** 2, (ember.tensor([1., 2.]),),
        ...                         (ember.tensor([1., 0.]),))
        >>> t
        tensor([2., 0.])
    """
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{api}: Expected primals to be a tuple. E.g. it should be valid "
                           "to call f(*primals).")
    flat_p, pspec = tree_flatten(primals)
    flat_t, tspec = tree_flatten(tangents)
    if pspec != tspec:
        raise RuntimeError(f"{api}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, "
                           f"tangents also must be. Got primals with structure {pspec} and "
                           f"tangents with structure {tspec}")
    for argname, flat in (("primals", flat_p), ("tangents", flat_t)):
        if len(flat) == 0:
            raise RuntimeError(f"{api}: Expected {argname} to contain at least one Tensor.")
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(f"{api}: Expected {argname} to only contain Tensors, got "
                                   f"{type(x)}")
    for p, t in zip(flat_p, flat_t):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError("Trying to set a forward gradient that has a different size "
                               "than that of the original Tensor, this is not supported. "
                               f"Tensor is of size {list(p.shape)} while the given forward "
                               f"gradient is of size {list(t.shape)}.")
    outer = is_grad_enabled()
    level = _Level()
    with enable_grad():
        lifted = [level.lift(x) for x in flat_p]
        output, aux = _split_aux(func(*tree_unflatten(lifted, pspec)), has_aux, api)
        flat_out, ospec = tree_flatten(output)
        if len(flat_out) == 0:
            raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                               f"(got output = {output})")
        for o in flat_out:
            if not isinstance(o, Tensor):
                raise RuntimeError(f"{api}: expected f(*args) to return only tensors, got "
                                   f"unsupported type {type(o)}")
        foreign = outer and (level.reaches_foreign(flat_out)
                             or any(t.requires_grad for t in flat_t))
        tans = _jvp_from(_vjp_graph(level, flat_out, lifted), len(flat_out), flat_t, foreign)
    if strict and any(t is None for t in tans):
        raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is "
                           "independent of the inputs. This is not allowed with strict=True.")
    tans = [_zeros_like(o) if t is None else t for o, t in zip(flat_out, tans)]
    if foreign:
        outs, tans = level.release(flat_out), level.release(tans)
    else:
        outs, tans = [o.detach() for o in flat_out], [t.detach() for t in tans]
    res = tree_unflatten(outs, ospec), tree_unflatten(tans, ospec)
    if has_aux:
        aux = level.release(aux) if outer else _detach_tree(aux)
        return res + (aux,)
    return res


def _vjp_graph(level, flat_out, inputs):
    """The recorded vjp ``g(u) = J^T u`` with fresh dummy cotangents ``u`` (one per
    differentiable output): returns (indices of those outputs, us, gs)."""
    diff = [i for i, o in enumerate(flat_out)
            if o.requires_grad and (o.is_floating_point() or o.is_complex())]
    us = [level.fresh(_zeros_like(flat_out[i]).requires_grad_(True)) for i in diff]
    if diff:
        gs = _autograd.grad([flat_out[i] for i in diff], list(inputs), us, create_graph=True,
                            retain_graph=True, allow_unused=True)
    else:
        gs = [None] * len(inputs)
    return diff, us, gs


def _jvp_from(graph, n_out, v, create_graph):
    """``J @ v`` from a :func:`_vjp_graph`: one tangent per output (None where the output
    does not depend on the inputs)."""
    diff, us, gs = graph
    pairs = [(g, t) for g, t in zip(gs, v) if g is not None and g.requires_grad]
    tans = [None] * n_out
    if pairs:
        res = _autograd.grad([g for g, _ in pairs], us, [t for _, t in pairs],
                             retain_graph=True, create_graph=create_graph, allow_unused=True)
        for i, r in zip(diff, res):
            tans[i] = r
    return tans


# ---------------------------------------------------------------------------- jacobians
def _check_chunk_size(chunk_size, api):
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"{api}: `chunk_size` should be greater than 0.")


def _assemble(per_out_per_in, ospec, diff):
    """Jacobians nested as torch.func does: the output's structure, each leaf holding the
    structure of the differentiated argument(s)."""
    _, dspec = tree_flatten(diff)
    return tree_unflatten([tree_unflatten(row, dspec) for row in per_out_per_in], ospec)


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """A function computing the Jacobian of ``func`` with reverse-mode autodiff, as
    ``torch.func.jacrev``.

    For an output of shape ``O`` and an input of shape ``I`` the Jacobian has shape
    ``O + I``. Nested outputs/inputs give nested Jacobians (the output's structure, each
    leaf holding the structure of the differentiated argument(s)). Computed row by row: one
    backward pass per output element (torch's ``chunk_size=1`` behaviour).

    Args:
        func (callable): the function.
        argnums (int or Tuple[int], optional): the argument(s) to differentiate with respect
            to. Default: 0.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``; the transform returns
            ``(jacobian, aux)``. Default: ``False``.
        chunk_size (int, optional): torch's memory knob for how many rows are computed at
            once; must be None or positive. ember computes rows one at a time, so it does not
            change the result. Default: None.

    Example::

        >>> ember.func.jacrev(lambda x: x ** 2)(ember.tensor([1., 2.]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    _check_chunk_size(chunk_size, "jacrev")

    @_wraps(func)
    def wrapper(*args, **kwargs):
        outer = is_grad_enabled()
        nums = _norm_argnums(argnums, len(args))
        level = _Level()
        with enable_grad():
            new_args, diff = _lift_argnums(level, args, nums)
            output, aux = _split_aux(func(*new_args, **kwargs), has_aux, "vjp(f, *primals)")
            flat_out, ospec = tree_flatten(output)
            _check_out_tensors(flat_out, "vjp(f, *primals)")
            _check_float_outputs(flat_out)
            flat_in, _ = tree_flatten(diff)
            keep = outer and level.reaches_foreign(flat_out)
            rows_all = []
            for o in flat_out:
                n = o.numel()
                rows = [[] for _ in flat_in]
                if o.requires_grad:
                    basis = o.new_zeros((n,) + tuple(o.shape)).reshape(n, -1)
                    for k in range(n):
                        basis[k, k] = 1
                    for k in range(n):
                        gs = _grads([o], flat_in, [basis[k].reshape(o.shape)],
                                    create_graph=keep, retain_graph=True)
                        for j, g in enumerate(gs):
                            rows[j].append(g)
                per_in = []
                for j, x in enumerate(flat_in):
                    shape = tuple(o.shape) + tuple(x.shape)
                    if rows[j]:
                        from ..functions import stack
                        jm = stack(rows[j]).reshape(shape)
                    else:
                        jm = x.new_zeros(shape)
                    per_in.append(jm if keep else jm.detach())
                rows_all.append(per_in)
        jac = _assemble(rows_all, ospec, diff)
        if keep:
            jac = level.release(jac)
        if has_aux:
            return jac, (level.release(aux) if outer else _detach_tree(aux))
        return jac

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """A function computing the Jacobian of ``func`` column by column, as
    ``torch.func.jacfwd``.

    Same values and layout as :func:`jacrev`. torch uses forward-mode AD; ember computes each
    column ``J e_j`` (one per input element) as a Jacobian-vector product with the
    double-vjp trick: one forward and one recorded backward pass, then one reverse pass
    through the (linear) vjp per column.

    Args:
        func (callable): the function.
        argnums (int or Tuple[int], optional): the argument(s) to differentiate with respect
            to. Default: 0.
        has_aux (bool, optional): ``func`` returns ``(output, aux)``; the transform returns
            ``(jacobian, aux)``. Default: ``False``.
        randomness (str, optional): ``'error'`` (raise if ``func`` draws random numbers),
            ``'same'`` (one draw shared by all columns) or ``'different'`` (a fresh draw, and
            forward pass, per column). Default: ``'error'``.

    Example::

        >>> ember.func.jacfwd(lambda x: x.sum() * x)(ember.tensor([1., 2.]))
        tensor([[4., 1.],
                [2., 5.]])
    """
    from ._vmap import _check_randomness_arg, _RngWatch
    _check_randomness_arg(randomness)

    @_wraps(func)
    def wrapper(*args, **kwargs):
        outer = is_grad_enabled()
        nums = _norm_argnums(argnums, len(args))
        watch = _RngWatch(randomness)

        def forward():
            level = _Level()
            new_args, diff = _lift_argnums(level, args, nums)
            with watch.call():
                output, aux = _split_aux(func(*new_args, **kwargs), has_aux,
                                         "jvp(f, primals, tangents)")
            flat_out, ospec = tree_flatten(output)
            for o in flat_out:
                if not isinstance(o, Tensor):
                    raise RuntimeError("jvp(f, primals, tangents): expected f(*args) to "
                                       f"return only tensors, got unsupported type {type(o)}")
            return level, diff, output, aux, flat_out, ospec

        with enable_grad():
            level, diff, output, aux, flat_out, ospec = forward()
            flat_in, _ = tree_flatten(diff)
            keep = outer and level.reaches_foreign(flat_out)
            rerun = randomness == "different" and watch.used
            graph = _vjp_graph(level, flat_out, flat_in)
            # columns[i][o]: list of J_o e_j over the elements j of input i
            cols = [[[] for _ in flat_out] for _ in flat_in]
            for i, x in enumerate(flat_in):
                n = x.numel()
                for j in range(n):
                    if rerun and (i, j) != (0, 0):
                        level, diff, _, _, flat_out, _ = forward()
                        flat_in = tree_flatten(diff)[0]
                        graph = _vjp_graph(level, flat_out, flat_in)
                    e = [_zeros_like(y) for y in flat_in]
                    e[i] = e[i].reshape(-1)
                    e[i][j] = 1
                    e[i] = e[i].reshape(flat_in[i].shape)
                    tans = _jvp_from(graph, len(flat_out), e, keep)
                    for k, (o, t) in enumerate(zip(flat_out, tans)):
                        cols[i][k].append(_zeros_like(o) if t is None else t)
            from ..functions import stack
            rows_all = []
            for k, o in enumerate(flat_out):
                per_in = []
                for i, x in enumerate(flat_in):
                    shape = tuple(o.shape) + tuple(x.shape)
                    if cols[i][k]:
                        jm = stack(cols[i][k], dim=-1).reshape(shape)
                    else:
                        jm = o.new_zeros(shape)
                    per_in.append(jm if keep else jm.detach())
                rows_all.append(per_in)
        jac = _assemble(rows_all, ospec, diff)
        if keep:
            jac = level.release(jac)
        if has_aux:
            return jac, (level.release(aux) if outer else _detach_tree(aux))
        return jac

    return wrapper


def hessian(func, argnums=0):
    """A function computing the Hessian of a scalar ``func``, as ``torch.func.hessian``:
    ``jacfwd(jacrev(func, argnums), argnums)``.

    For one input of shape ``I`` the Hessian has shape ``I + I``.

    Args:
        func (callable): a function returning a 0-dim (or one-element) tensor.
        argnums (int or Tuple[int], optional): the argument(s) to differentiate with respect
            to. Default: 0.

    Example::

        >>> ember.func.hessian(lambda x: (x ** 3).sum())(ember.tensor([1., 2.]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
