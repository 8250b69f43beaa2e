"""gradcheck / gradgradcheck: compare autograd's gradients with finite differences.

Checks every input element (the full Jacobian, column by column), as torch's slow mode does.
Use float64 inputs.
"""
import numpy as np

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree.

    Args:
        *args: the message, as for any exception.

    Example::

        >>> issubclass(GradcheckError, RuntimeError)
        True
    """


def _as_tuple(x):
    from .._tensor import Tensor
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _real_flat(a):
    """A real float64 vector: complex values as (real, imag) pairs (view_as_real order)."""
    a = np.asarray(a)
    if np.iscomplexobj(a):
        return np.stack([a.real, a.imag], -1).astype(np.float64).reshape(-1)
    return a.astype(np.float64).reshape(-1)


def _numerical_jacobian(fn, inputs, eps):
    """Central differences; complex inputs are moved along 1 and 1j, complex outputs are
    compared as (real, imag) pairs."""
    from ..functions import from_numpy
    outs0 = _as_tuple(fn(*inputs))
    jac = []
    for i, x in enumerate(inputs):
        if not getattr(x, "requires_grad", False):
            jac.append(None)
            continue
        base = x.detach().numpy().copy()
        # a complex input is perturbed along its real and its imaginary axis
        dirs = (1.0, 1j) if np.iscomplexobj(base) else (1.0,)
        cols = []
        for k in range(base.size):
            for d in dirs:
                vals = []
                for sign in (1, -1):
                    pert = base.copy().reshape(-1)
                    pert[k] += sign * eps * d
                    moved = list(inputs)
                    moved[i] = from_numpy(pert.reshape(base.shape)).requires_grad_(True)
                    # (grad mode stays on: gradgradcheck's function differentiates inside)
                    vals.append([_real_flat(o.detach().numpy())
                                 for o in _as_tuple(fn(*moved))])
                cols.append(np.concatenate([(a - b) / (2 * eps) for a, b in zip(*vals)]))
        n_out = sum(_real_flat(o.detach().numpy()).size for o in outs0)
        jac.append(np.stack(cols, 0) if cols else np.zeros((0, n_out)))
    return jac


def _analytical_jacobian(fn, inputs):
    """Backward passes with one-hot cotangents (1 and 1j for complex outputs): torch's
    convention makes each complex input's gradient dL/dRe z + 1j dL/dIm z."""
    from . import grad
    from ..functions import zeros_like
    outs = _as_tuple(fn(*inputs))
    diff = [x for x in inputs if getattr(x, "requires_grad", False)]
    rows = {id(x): [] for x in diff}
    for o in outs:
        # torch's convention: the cotangent 1 (1j) at k gives the gradient of Re (Im) o[k];
        # each complex input's gradient dL/dRe z + 1j dL/dIm z is split into (re, im) pairs
        cots = (1.0, 1j) if o.dtype.is_complex else (1.0,)
        for k in range(o.numel()):
            for c in cots:
                cot = zeros_like(o)
                cot.view(-1)[k] = c
                gs = (grad(o, diff, cot, retain_graph=True, allow_unused=True)
                      if o.requires_grad else [None] * len(diff))
                for x, g in zip(diff, gs):
                    n = x.numel() * (2 if x.dtype.is_complex else 1)
                    rows[id(x)].append(np.zeros(n) if g is None else
                                       _real_flat(g.detach().numpy()))
    result = []
    for x in inputs:
        if not getattr(x, "requires_grad", False):
            result.append(None)
        elif rows[id(x)]:
            result.append(np.stack(rows[id(x)], 1))
        else:
            result.append(np.zeros((x.numel(), 0)))
    return result


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    """Check the gradients autograd computes for ``func`` against central finite differences.

    Use float64 inputs (float32 is too imprecise for the finite differences). Returns True
    when every Jacobian matches within ``atol + rtol * |numerical|``.

    Args:
        func (callable): takes tensors, returns a tensor or tuple of tensors.
        inputs (Tensor or tuple): the inputs; those with ``requires_grad=True`` are checked.
        eps (float): the finite-difference step. Default: 1e-06.
        atol (float): the absolute tolerance. Default: 1e-05.
        rtol (float): the relative tolerance. Default: 0.001.
        raise_exception (bool): raise ``GradcheckError`` on a mismatch instead of returning
            False. Default: ``True``.
        nondet_tol (float): accepted for torch compatibility (ember's ops are
            deterministic).
        check_undefined_grad (bool): accepted for torch compatibility.
        check_grad_dtypes (bool): accepted for torch compatibility.
        check_batched_grad (bool): accepted for torch compatibility (not checked).
        check_batched_forward_grad (bool): accepted for torch compatibility (not checked).
        check_forward_ad (bool): accepted for torch compatibility (ember has no forward AD).
        check_backward_ad (bool): accepted for torch compatibility (always checked).
        fast_mode (bool): accepted for torch compatibility (the full Jacobian is compared).
        masked (bool, optional): accepted for torch compatibility.

    Example::

        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
        True
    """
    inputs = _as_tuple(inputs)
    for x in inputs:
        if getattr(x, "requires_grad", False) and x.dtype.name not in ("float64", "complex128"):
            import warnings
            warnings.warn(f"Input #{inputs.index(x)} requires gradient and is not a double "
                          "precision floating point or complex. This check will likely fail if "
                          "all the inputs are not of double precision floating point or complex.",
                          UserWarning, stacklevel=2)
    numerical = _numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs)
    for i, (n, a) in enumerate(zip(numerical, analytical)):
        if n is None:
            continue
        if n.shape != a.shape or not np.allclose(a, n, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(
                    f"Jacobian mismatch for output 0 with respect to input {i},\n"
                    f"numerical:{n}\nanalytical:{a}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **kwargs):
    """Check second derivatives: ``gradcheck`` applied to the gradient of ``func``.

    Args:
        func (callable): takes tensors, returns a tensor or tuple of tensors.
        inputs (Tensor or tuple): inputs requiring grad (float64).
        grad_outputs (tuple, optional): the vectors for the outputs' gradients (random when
            None).
        eps (float): the finite-difference step. Default: 1e-06.
        atol (float): the absolute tolerance. Default: 1e-05.
        rtol (float): the relative tolerance. Default: 0.001.
        gen_non_contig_grad_outputs (bool): accepted for torch compatibility.
        raise_exception (bool): raise ``GradcheckError`` on a mismatch instead of returning
            False. Default: ``True``.
        **kwargs: further ``gradcheck`` options, accepted for torch compatibility.

    Example::

        >>> x = ember.randn(3, dtype=ember.float64, requires_grad=True)
        >>> ember.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
        True
    """
    from . import grad
    from ..functions import randn
    inputs = _as_tuple(inputs)
    outs = _as_tuple(func(*inputs))
    if grad_outputs is None:
        grad_outputs = tuple(randn(o.shape, dtype=o.dtype, requires_grad=True) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_grad(*args):
        xs, gos = args[:n_in], args[n_in:]
        o = _as_tuple(func(*xs))
        diff = [x for x in xs if getattr(x, "requires_grad", False)]
        gs = grad(o, diff, gos, create_graph=True, allow_unused=True)
        from ..functions import zeros_like
        return tuple(zeros_like(x) if g is None else g for x, g in zip(diff, gs))

    return gradcheck(first_grad, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
