"""ember.autograd: reverse-mode automatic differentiation, as torch.autograd.

``backward`` and ``grad`` drive the engine; ``Function`` is the extension point every
built-in op uses too.
"""
from .function import Function, FunctionCtx, once_differentiable, Node
from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled)
from .engine import run_backward
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from . import function, grad_mode, engine, anomaly_mode

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "Variable", "functional", "gradcheck", "gradgradcheck",
           "once_differentiable", "detect_anomaly", "set_detect_anomaly"]


def _make_grads(outputs, grad_outputs, create_graph):
    from .._tensor import Tensor
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out._requires_grad:
                if out._data.size != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                if not out._dtype.is_floating_point:
                    raise RuntimeError(f"grad can be implicitly created only for real scalar "
                                       f"outputs but got {out._dtype}")
                from .._device import on_device
                with on_device(out.device):
                    g = Tensor._wrap(out.device.xp.ones(out._data.shape, dtype=out._dtype.np),
                                     out._dtype)
            grads.append(g)
        else:
            if not isinstance(g, Tensor):
                from ..functions import as_tensor
                g = as_tensor(g, dtype=out._dtype, device=out.device)
            if tuple(g.shape) != tuple(out.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{g.shape} and output[0] has a shape of {out.shape}.")
            grads.append(g if create_graph else g.detach())
    return grads


def _tensors(x):
    from .._tensor import Tensor
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Compute the gradients of ``tensors`` and accumulate them into the ``.grad`` of the graph leaves.

    ``ember.autograd.backward(loss)`` is ``loss.backward()``. Gradients *accumulate*: call
    ``optimizer.zero_grad()`` (or set ``.grad = None``) between steps. The graph is freed
    afterwards unless ``retain_graph=True``; a second backward through it raises.

    Args:
        tensors (Tensor or sequence of Tensor): the outputs to differentiate.
        grad_tensors (Tensor or sequence, optional): the gradient with respect to each
            output (the "vector" of the vector-Jacobian product); may be omitted for
            one-element outputs (it is then 1).
        retain_graph (bool, optional): keep the graph for another backward.
            Default: ``create_graph``.
        create_graph (bool): record the backward pass, so the gradients themselves can be
            differentiated (higher-order derivatives). Default: ``False``.
        grad_variables (sequence, optional): the deprecated name of ``grad_tensors``
            (ignored by ember).
        inputs (Tensor or sequence of Tensor, optional): accumulate only into these tensors'
            ``.grad``; other leaves are left alone.

    Example::

        >>> x = ember.tensor(3.0, requires_grad=True)
        >>> ember.autograd.backward(x * x)
        >>> x.grad
        tensor(6.)
        >>> y = ember.tensor([1.0, 2.0], requires_grad=True)
        >>> ember.autograd.backward(y * 3, grad_tensors=ember.tensor([1.0, 0.5]))
        >>> y.grad
        tensor([3.0000, 1.5000])
    """
    tensors = _tensors(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    else:
        grad_tensors = list(_tensors(grad_tensors)) if not isinstance(grad_tensors, list) else \
            grad_tensors
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(tensors, grad_tensors, create_graph)
    if inputs is not None:
        inputs = _tensors(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` is not touched).

    Returns a tuple with one gradient per input. With ``create_graph=True`` the gradients
    are themselves differentiable (e.g. for gradient penalties or Hessian-vector products).

    Args:
        outputs (Tensor or sequence of Tensor): the outputs to differentiate.
        inputs (Tensor or sequence of Tensor): the tensors to differentiate with respect to.
        grad_outputs (Tensor or sequence, optional): the gradient with respect to each
            output; may be omitted for one-element outputs.
        retain_graph (bool, optional): keep the graph for another backward.
            Default: ``create_graph``.
        create_graph (bool): record the backward pass (higher-order derivatives).
            Default: ``False``.
        only_inputs (bool): deprecated and ignored, as in torch. Default: ``True``.
        allow_unused (bool, optional): return None for inputs the outputs do not depend on,
            instead of raising. Default: ``materialize_grads``.
        is_grads_batched (bool): accepted for torch compatibility (batched grad_outputs are
            not supported). Default: ``False``.
        materialize_grads (bool): return zeros instead of None for unused inputs.
            Default: ``False``.

    Example::

        >>> x = ember.tensor(2.0, requires_grad=True)
        >>> ember.autograd.grad(x ** 3, x)
        (tensor(12.),)
        >>> g, = ember.autograd.grad(x ** 3, x, create_graph=True)
        >>> ember.autograd.grad(g, x)
        (tensor(12.),)
    """
    outputs = _tensors(outputs)
    inputs = _tensors(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = list(_tensors(grad_outputs)) if not isinstance(grad_outputs, list) else \
            grad_outputs
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_outputs, create_graph)
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, capture=True,
                       allow_unused=allow_unused)
    out = []
    for r, inp in zip(res, inputs):
        if r is None and materialize_grads:
            from ..functions import zeros_like
            r = zeros_like(inp)
        elif r is not None and not create_graph:
            r = r.detach()
        elif r is not None and r is inp:
            r = r * 1
        out.append(r)
    return tuple(out)


def Variable(data, requires_grad=False, volatile=False):
    """Deprecated: returns ``data`` itself (with ``requires_grad`` set), as torch does since 0.4.

    Tensors and Variables are one type; just use tensors.

    Args:
        data (Tensor): the tensor.
        requires_grad (bool): set ``data.requires_grad``. Default: ``False``.
        volatile (bool): removed in torch; warns and has no effect. Default: ``False``.

    Example::

        >>> x = ember.autograd.Variable(ember.ones(2), requires_grad=True)
        >>> x.requires_grad, type(x).__name__
        (True, 'Tensor')
    """
    import warnings
    if volatile:
        warnings.warn("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                      "instead.", UserWarning, stacklevel=2)
    if requires_grad:
        data.requires_grad_(True)
    return data


def __getattr__(name):
    if name in ("functional", "forward_ad", "profiler", "graph"):
        import importlib
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'ember.autograd' has no attribute '{name}' (ember "
                                 f"does not implement torch.autograd.{name} yet)") from None
    if name in ("gradcheck", "gradgradcheck"):
        from . import _gradcheck
        return getattr(_gradcheck, name)
    raise AttributeError(f"module 'ember.autograd' has no attribute '{name}'")
