"""ember.func: composable function transforms, as ``torch.func``.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``vmap`` transform functions of tensors into functions computing derivatives or batched
results; ``functional_call`` turns an ``nn.Module`` into a function of its parameters, and
``stack_module_state`` stacks several models' state for ensembling with ``vmap``.

They are built on ember's tape autograd (see ``_transforms.py``) and on per-element calls
(see ``_vmap.py``), and compose like torch's: ``grad(grad(f))``, ``jacfwd(jacrev(f))``,
``vmap(grad(loss), in_dims=(None, 0, 0))`` for per-sample gradients.

Example::

    >>> from ember.func import grad, vmap
    >>> w = ember.tensor([1., 2.])
    >>> xs = ember.tensor([[1., 0.], [0., 3.]])
    >>> vmap(grad(lambda w, x: (w * x).sum() ** 2), in_dims=(None, 0))(w, xs)
    tensor([[ 2.,  0.],
            [ 0., 36.]])
"""
from ._functional_call import functional_call, stack_module_state
from ._transforms import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, vjp
from ._vmap import vmap

__all__ = ["functional_call", "grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp",
           "stack_module_state", "vjp", "vmap"]
