"""Higher-level autograd: jacobian, hessian, vjp, jvp, hvp, vhp (torch.autograd.functional).

All are built on ``ember.autograd.grad`` with ``create_graph`` where a second derivative is
needed (jvp uses the double-vjp trick).
"""
from . import grad as _grad
from .grad_mode import enable_grad

__all__ = ["jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"]


def _tup(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _prep(inputs):
    return tuple(x.detach().requires_grad_(True) for x in _tup(inputs))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``, with ``func(inputs)``.

    One backward pass; ``v`` has the shape of the output(s). Returns
    ``(func(inputs), vjp)``, the vjp shaped like ``inputs``.

    Args:
        func (callable): a function taking tensors (one per input) and returning a tensor or
            a tuple of tensors.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like the output(s); may be
            omitted when the output has one element.
        create_graph (bool): make the result differentiable (for higher derivatives).
            Default: ``False``.
        strict (bool): accepted for torch compatibility (ember does not check that outputs
            depend on the inputs; independent parts are zero). Default: ``False``.

    Example::

        >>> out, g = ember.autograd.functional.vjp(lambda x: x ** 2, ember.tensor([1., 2.]),
        ...                                        ember.ones(2))
        >>> g
        tensor([2., 4.])
    """
    single = not isinstance(inputs, (tuple, list))
    xs = _prep(inputs)
    with enable_grad():
        out = func(*xs)
        outs = _tup(out)
        vs = [None] * len(outs) if v is None else list(_tup(v))
        gs = _grad(outs, xs, vs, create_graph=create_graph, allow_unused=True)
    from ..functions import zeros_like
    gs = tuple(zeros_like(x) if g is None else g for x, g in zip(xs, gs))
    out = out if create_graph else (out.detach() if not isinstance(out, tuple) else
                                   tuple(o.detach() for o in out))
    return out, (gs[0] if single else gs)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Jacobian-vector product ``J v`` of ``func`` at ``inputs``, with ``func(inputs)``.

    Computed with two reverse-mode passes (the double-vjp trick). ``v`` has the shape of the
    inputs; the result has the shape of the output(s). Returns ``(func(inputs), jvp)``.

    Args:
        func (callable): a function taking tensors (one per input) and returning a tensor or
            a tuple of tensors.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        v (Tensor or tuple of Tensor, optional): the vector, shaped like the inputs.
            Default: ones.
        create_graph (bool): make the result differentiable (for higher derivatives).
            Default: ``False``.
        strict (bool): accepted for torch compatibility (ember does not check that outputs
            depend on the inputs; independent parts are zero). Default: ``False``.

    Example::

        >>> out, t = ember.autograd.functional.jvp(lambda x: x ** 2, ember.tensor([1., 2.]),
        ...                                        ember.ones(2))
        >>> t
        tensor([2., 4.])
    """
    from ..functions import zeros_like
    single = not isinstance(inputs, (tuple, list))
    xs = _prep(inputs)
    vs = _tup(v) if v is not None else tuple(x.new_ones(x.shape) for x in xs)
    with enable_grad():
        out = func(*xs)
        outs = _tup(out)
        us = tuple(zeros_like(o).requires_grad_(True) for o in outs)
        gs = _grad(outs, xs, us, create_graph=True, allow_unused=True)
        pairs = [(g, vv) for g, vv in zip(gs, vs) if g is not None]
        if not pairs:
            res = tuple(zeros_like(o) for o in outs)
        else:
            res = _grad([g for g, _ in pairs], us, [vv for _, vv in pairs],
                        create_graph=create_graph, allow_unused=True)
            res = tuple(zeros_like(o) if r is None else r for o, r in zip(outs, res))
    out_d = out.detach() if not isinstance(out, tuple) else tuple(o.detach() for o in out)
    res = res if create_graph else tuple(r.detach() for r in res)
    return out_d, (res[0] if not isinstance(out, tuple) else res)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``, of shape ``output.shape + input.shape``.

    Built row by row with reverse-mode passes. With several inputs (or outputs) the result is
    a tuple (of tuples) of Jacobians, one per (output, input) pair.

    Args:
        func (callable): a function taking tensors (one per input) and returning a tensor or
            a tuple of tensors.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        create_graph (bool): make the result differentiable. Default: ``False``.
        strict (bool): accepted for torch compatibility. Default: ``False``.
        vectorize (bool): accepted for torch compatibility (ember computes row by row).
            Default: ``False``.
        strategy (str): accepted for torch compatibility; ember uses ``'reverse-mode'``.

    Example::

        >>> ember.autograd.functional.jacobian(lambda x: x ** 2, ember.tensor([1., 2.]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    from ..functions import zeros_like, stack
    single_in = not isinstance(inputs, (tuple, list))
    xs = _prep(inputs)
    with enable_grad():
        out = func(*xs)
        outs = _tup(out)
        result = []
        for o in outs:
            rows = [[] for _ in xs]
            flat = o.reshape(-1)
            for k in range(flat.numel()):
                gs = _grad(flat[k], xs, retain_graph=True, create_graph=create_graph,
                           allow_unused=True)
                for j, (x, g) in enumerate(zip(xs, gs)):
                    rows[j].append(zeros_like(x) if g is None else g)
            per_in = []
            for j, x in enumerate(xs):
                if rows[j]:
                    jm = stack(rows[j]).reshape(tuple(o.shape) + tuple(x.shape))
                else:
                    jm = x.new_zeros(tuple(o.shape) + tuple(x.shape))
                per_in.append(jm if create_graph else jm.detach())
            result.append(per_in[0] if single_in else tuple(per_in))
    return result[0] if not isinstance(out, tuple) else tuple(result)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian (matrix of second derivatives) of a scalar ``func`` at ``inputs``.

    The Jacobian of the gradient; shape ``input.shape + input.shape`` for one input.

    Args:
        func (callable): a function taking tensors and returning a one-element tensor.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        create_graph (bool): make the result differentiable. Default: ``False``.
        strict (bool): accepted for torch compatibility. Default: ``False``.
        vectorize (bool): accepted for torch compatibility. Default: ``False``.
        outer_jacobian_strategy (str): accepted for torch compatibility; ember uses
            ``'reverse-mode'``.

    Example::

        >>> ember.autograd.functional.hessian(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    single_in = not isinstance(inputs, (tuple, list))

    def grad_fn(*xs):
        with enable_grad():
            out = func(*xs)
            gs = _grad(out, xs, create_graph=True, allow_unused=True)
        from ..functions import zeros_like
        gs = tuple(zeros_like(x) if g is None else g for x, g in zip(xs, gs))
        return gs[0] if single_in else gs

    return jacobian(grad_fn, inputs, create_graph=create_graph)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """The Hessian-vector product ``H v`` of a scalar ``func`` at ``inputs``, with ``func(inputs)``.

    The Hessian is symmetric, so this equals :func:`vhp`; computed without forming ``H``.

    Args:
        func (callable): a function taking tensors and returning a one-element tensor.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        v (Tensor or tuple of Tensor): the vector, shaped like the inputs.
        create_graph (bool): make the result differentiable (for higher derivatives).
            Default: ``False``.
        strict (bool): accepted for torch compatibility (ember does not check that outputs
            depend on the inputs; independent parts are zero). Default: ``False``.

    Example::

        >>> out, hv = ember.autograd.functional.hvp(lambda x: (x ** 3).sum(),
        ...                                         ember.tensor([1., 2.]), ember.ones(2))
        >>> out, hv
        (tensor(9.), tensor([ 6., 12.]))
    """
    return vhp(func, inputs, v, create_graph, strict)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """The vector-Hessian product ``v^T H`` of a scalar ``func`` at ``inputs``, with ``func(inputs)``.

    Args:
        func (callable): a function taking tensors and returning a one-element tensor.
        inputs (Tensor or tuple of Tensor): the point at which to evaluate.
        v (Tensor or tuple of Tensor): the vector, shaped like the inputs.
        create_graph (bool): make the result differentiable (for higher derivatives).
            Default: ``False``.
        strict (bool): accepted for torch compatibility (ember does not check that outputs
            depend on the inputs; independent parts are zero). Default: ``False``.

    Example::

        >>> out, vh = ember.autograd.functional.vhp(lambda x: (x ** 2).sum(),
        ...                                         ember.tensor([1., 2.]), ember.tensor([1., 0.]))
        >>> vh
        tensor([2., 0.])
    """
    single = not isinstance(inputs, (tuple, list))
    xs = _prep(inputs)
    vs = _tup(v)
    with enable_grad():
        out = func(*xs)
        gs = _grad(out, xs, create_graph=True, allow_unused=True)
        pairs = [(g, vv) for g, vv in zip(gs, vs) if g is not None]
        res = _grad([g for g, _ in pairs], xs, [vv for _, vv in pairs],
                    create_graph=create_graph, allow_unused=True)
    from ..functions import zeros_like
    res = tuple(zeros_like(x) if r is None else (r if create_graph else r.detach())
                for x, r in zip(xs, res))
    return out.detach(), (res[0] if single else res)
