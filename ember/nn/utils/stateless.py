"""``nn.utils.stateless.functional_call``: run a module with other tensors as its state.

For the duration of one call the given tensors replace the module's parameters and buffers
(by dotted name), so the forward computes with them and gradients flow to them; the
original tensors are put back afterwards, also when the forward raises. In torch this is the
deprecated alias of ``torch.func.functional_call``; here it delegates to
:func:`ember.func.functional_call`, which implements the substitution.
"""
import warnings

__all__ = ["functional_call"]


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                     tie_weights=True, strict=False):
    from ...func import functional_call as _func_functional_call
    from ..parallel import DataParallel
    if isinstance(module, DataParallel):
        raise RuntimeError("The stateless API can't be used with nn.DataParallel module")
    return _func_functional_call(module, parameters_and_buffers, args, kwargs,
                                 tie_weights=tie_weights, strict=strict)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module`` with ``parameters_and_buffers`` in place of its own tensors.

    Each entry (a dotted name such as ``"fc.weight"`` or ``"bn.running_mean"``) replaces
    the module's parameter or buffer (or tensor attribute) of that name for this call only;
    names not given keep the module's tensors. Gradients of the output flow to the given
    tensors. The module's own tensors are restored afterwards, also when the forward
    raises. A buffer the forward re-assigns is written back into ``parameters_and_buffers``.
    Like torch, this alias of ``torch.func.functional_call`` emits a ``FutureWarning``.

    Args:
        module (nn.Module): the module to call.
        parameters_and_buffers (dict of str to Tensor): the tensors to use.
        args (Any or tuple, optional): positional arguments for the call (a non-tuple is a
            single argument).
        kwargs (dict, optional): keyword arguments for the call.
        tie_weights (bool, keyword-only): a value given for one name of a tied (shared)
            tensor is used for all its names. Default: ``True``.
        strict (bool, keyword-only): require exactly the module's parameter and buffer
            names. Default: ``False``.

    Returns:
        Any: the module's output.

    Raises:
        RuntimeError: with ``strict``, for missing or unexpected keys.
        ValueError: for different values given to tied names.

    Example::

        >>> import warnings
        >>> lin = ember.nn.Linear(2, 1)
        >>> w = ember.ones(1, 2, requires_grad=True)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     out = ember.nn.utils.stateless.functional_call(
        ...         lin, {"weight": w, "bias": ember.zeros(1)}, (ember.tensor([[1.0, 2.0]]),))
        >>> out
        tensor([[3.]], grad_fn=<AddmmBackward0>)
        >>> out.sum().backward(); w.grad
        tensor([[1., 2.]])
    """
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
