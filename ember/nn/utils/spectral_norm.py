"""Old-style spectral normalization (``torch.nn.utils.spectral_norm``), kept for compatibility.

``spectral_norm(module)`` moves ``module.weight`` to the parameter ``weight_orig``, adds
the power-iteration buffers ``weight_u`` / ``weight_v`` and a forward pre-hook that sets
``module.weight = weight_orig / sigma`` before every forward (``sigma``: the largest singular
value of the weight reshaped to a matrix, estimated by power iteration; the iteration runs
only in training mode). New code should use
:func:`ember.nn.utils.parametrizations.spectral_norm`.
"""
from ... import functions as _F
from ... import linalg
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..parameter import Parameter, UninitializedParameter

__all__ = ["SpectralNorm", "SpectralNormLoadStateDictPreHook", "SpectralNormStateDictHook",
           "spectral_norm", "remove_spectral_norm"]


class SpectralNorm:
    """The forward pre-hook behind the old-style :func:`spectral_norm`.

    Args:
        name (str): the parameter's name. Default: ``"weight"``.
        n_power_iterations (int): power iterations per forward (training mode).
        dim (int): the dimension that becomes the rows of the matrix.
        eps (float): added to norms for numerical stability.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._forward_pre_hooks.values()]
        ['SpectralNorm']
    """
    _version = 1   # version 1: weight_v is a buffer, weight is not in the state_dict

    def __init__(self, name="weight", n_power_iterations=1, dim=0, eps=1e-12):
        self.name = name
        self.dim = dim
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.n_power_iterations = n_power_iterations
        self.eps = eps

    def reshape_weight_to_matrix(self, weight):
        """``weight`` as a matrix whose rows run along ``self.dim``.

        Args:
            weight (Tensor): the weight.

        Example::

            >>> SpectralNorm(dim=1).reshape_weight_to_matrix(ember.zeros(2, 3, 4)).shape
            torch.Size([3, 8])
        """
        weight_mat = weight
        if self.dim != 0:
            weight_mat = weight_mat.permute(
                self.dim, *[d for d in range(weight_mat.dim()) if d != self.dim])
        height = weight_mat.size(0)
        return weight_mat.reshape(height, -1)

    def compute_weight(self, module, do_power_iteration):
        """``weight_orig / sigma``, updating ``weight_u``/``weight_v`` in place first when
        ``do_power_iteration``.

        Args:
            module (nn.Module): the module holding ``<name>_orig``, ``<name>_u``,
                ``<name>_v``.
            do_power_iteration (bool): run the power iterations (training mode).

        Example::

            >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
            >>> fn = next(iter(m._forward_pre_hooks.values()))
            >>> fn.compute_weight(m, do_power_iteration=False).shape
            torch.Size([2, 3])
        """
        weight = getattr(module, self.name + "_orig")
        u = getattr(module, self.name + "_u")
        v = getattr(module, self.name + "_v")
        weight_mat = self.reshape_weight_to_matrix(weight)
        if do_power_iteration:
            with no_grad():
                for _ in range(self.n_power_iterations):
                    # in place: the buffers carry the estimate to the next forward
                    v = F.normalize(_F.mv(weight_mat.t(), u), dim=0, eps=self.eps, out=v)
                    u = F.normalize(_F.mv(weight_mat, v), dim=0, eps=self.eps, out=u)
                if self.n_power_iterations > 0:
                    # clones, so that later in-place updates do not disturb backward
                    u = u.clone()
                    v = v.clone()
        sigma = _F.dot(u, _F.mv(weight_mat, v))
        return weight / sigma

    def remove(self, module):
        """Turn ``module.<name>`` back into a plain Parameter (the current normalized value).

        Args:
            module (nn.Module): the module.

        Example::

            >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
            >>> next(iter(m._forward_pre_hooks.values())).remove(m)
            >>> sorted(n for n, _ in m.named_parameters())
            ['bias', 'weight']
        """
        with no_grad():
            weight = self.compute_weight(module, do_power_iteration=False)
        delattr(module, self.name)
        delattr(module, self.name + "_u")
        delattr(module, self.name + "_v")
        delattr(module, self.name + "_orig")
        module.register_parameter(self.name, Parameter(weight.detach()))

    def __call__(self, module, inputs):
        setattr(module, self.name,
                self.compute_weight(module, do_power_iteration=module.training))

    def _solve_v_and_rescale(self, weight_mat, u, target_sigma):
        # a v with u^T W v = target_sigma (for state_dicts of version 0, which had no v)
        v = linalg.multi_dot([weight_mat.t().mm(weight_mat).pinverse(), weight_mat.t(),
                              u.unsqueeze(1)]).squeeze(1)
        return v.mul_(target_sigma / _F.dot(u, _F.mv(weight_mat, v)))

    @staticmethod
    def apply(module, name, n_power_iterations, dim, eps):
        """Add spectral normalization to ``module.<name>`` (what :func:`spectral_norm` calls).

        Args:
            module (nn.Module): the module.
            name (str): the parameter's name.
            n_power_iterations (int): power iterations per training forward.
            dim (int): the dimension that becomes the matrix rows.
            eps (float): numerical-stability epsilon.

        Returns:
            SpectralNorm: the registered hook.

        Example::

            >>> fn = SpectralNorm.apply(ember.nn.Linear(3, 2), "weight", 1, 0, 1e-12)
            >>> fn.n_power_iterations
            1
        """
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, SpectralNorm) and hook.name == name:
                raise RuntimeError(f"Cannot register two spectral_norm hooks on the same "
                                   f"parameter {name}")
        fn = SpectralNorm(name, n_power_iterations, dim, eps)
        weight = module._parameters[name]
        if weight is None:
            raise ValueError(f"`SpectralNorm` cannot be applied as parameter `{name}` is None")
        if isinstance(weight, UninitializedParameter):
            raise ValueError(
                "The module passed to `SpectralNorm` can't have uninitialized parameters. "
                "Make sure to run the dummy forward before applying spectral normalization")
        with no_grad():
            weight_mat = fn.reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            # random unit vectors to start the power iteration
            u = F.normalize(weight.new_empty(h).normal_(0, 1), dim=0, eps=fn.eps)
            v = F.normalize(weight.new_empty(w).normal_(0, 1), dim=0, eps=fn.eps)
        delattr(module, fn.name)
        module.register_parameter(fn.name + "_orig", weight)
        # a plain attribute (not a parameter) until the first forward recomputes it
        setattr(module, fn.name, weight.data)
        module.register_buffer(fn.name + "_u", u)
        module.register_buffer(fn.name + "_v", v)
        module.register_forward_pre_hook(fn)
        module._register_state_dict_hook(SpectralNormStateDictHook(fn))
        module._register_load_state_dict_pre_hook(SpectralNormLoadStateDictPreHook(fn))
        return fn


class SpectralNormLoadStateDictPreHook:
    """Load-state-dict pre-hook: upgrades state_dicts saved before ``weight_v`` existed.

    A version-0 state_dict holds ``weight``, ``weight_orig`` and ``weight_u``; ``weight_v``
    is solved for so that ``u^T W v`` equals the saved ``sigma``.

    Args:
        fn (SpectralNorm): the hook whose parameter this concerns.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> [type(h).__name__ for h in m._load_state_dict_pre_hooks.values()]
        ['SpectralNormLoadStateDictPreHook']
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, state_dict, prefix, local_metadata, strict, missing_keys,
                 unexpected_keys, error_msgs):
        fn = self.fn
        version = local_metadata.get("spectral_norm", {}).get(fn.name + ".version", None)
        if version is None or version < 1:
            weight_key = prefix + fn.name
            if version is None and all(weight_key + s in state_dict
                                       for s in ("_orig", "_u", "_v")) \
                    and weight_key not in state_dict:
                # a state_dict without metadata but with the new keys: nothing to do
                return
            has_missing_keys = False
            for suffix in ("_orig", "", "_u"):
                key = weight_key + suffix
                if key not in state_dict:
                    has_missing_keys = True
                    if strict:
                        missing_keys.append(key)
            if has_missing_keys:
                return
            with no_grad():
                weight_orig = state_dict[weight_key + "_orig"]
                weight = state_dict.pop(weight_key)
                sigma = (weight_orig / weight).mean()
                weight_mat = fn.reshape_weight_to_matrix(weight_orig)
                u = state_dict[weight_key + "_u"]
                v = fn._solve_v_and_rescale(weight_mat, u, sigma)
                state_dict[weight_key + "_v"] = v


class SpectralNormStateDictHook:
    """State-dict hook: records the spectral-norm version in the state_dict's metadata.

    Args:
        fn (SpectralNorm): the hook whose parameter this concerns.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(3, 2))
        >>> m.state_dict()._metadata[""]["spectral_norm"]
        {'weight.version': 1}
    """

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, module, state_dict, prefix, local_metadata):
        if "spectral_norm" not in local_metadata:
            local_metadata["spectral_norm"] = {}
        key = self.fn.name + ".version"
        if key in local_metadata["spectral_norm"]:
            raise RuntimeError(f"Unexpected key in metadata['spectral_norm']: {key}")
        local_metadata["spectral_norm"][key] = self.fn._version


def _default_dim(module):
    from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
    # transposed convolutions store the output channels along dim 1
    return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Apply spectral normalization to a parameter (old-style hook version).

    ``W_SN = W / sigma(W)``, ``sigma`` the spectral norm (largest singular value) of the
    weight reshaped to a matrix with ``dim`` as rows, estimated by power iteration
    (``n_power_iterations`` steps per forward in training mode; eval mode reuses the
    stored vectors). The parameter moves to ``name + '_orig'``; the buffers ``name + '_u'``
    and ``name + '_v'`` hold the power-iteration vectors. Prefer
    :func:`ember.nn.utils.parametrizations.spectral_norm` in new code.

    Args:
        module (nn.Module): the module.
        name (str, optional): the weight parameter's name. Default: ``"weight"``.
        n_power_iterations (int, optional): power iterations per forward. Default: ``1``.
        eps (float, optional): epsilon for numerical stability of the norms.
            Default: ``1e-12``.
        dim (int, optional): the dimension of output channels; default ``0``, except for
            ``ConvTranspose{1,2,3}d`` (``1``).

    Returns:
        nn.Module: ``module``, with the hook registered.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(20, 40))
        >>> m.weight_u.size(), m.weight_v.size()
        (torch.Size([40]), torch.Size([20]))
    """
    if dim is None:
        dim = _default_dim(module)
    SpectralNorm.apply(module, name, n_power_iterations, dim, eps)
    return module


def remove_spectral_norm(module, name="weight"):
    """Remove the old-style spectral normalization from ``module.<name>``.

    The parameter becomes a plain Parameter holding ``weight_orig / sigma`` (no further
    power iteration); the hooks and buffers are removed.

    Args:
        module (nn.Module): the module.
        name (str, optional): the parameter's name. Default: ``"weight"``.

    Returns:
        nn.Module: ``module``.

    Raises:
        ValueError: if ``module.<name>`` has no spectral normalization.

    Example::

        >>> m = ember.nn.utils.spectral_norm(ember.nn.Linear(40, 10))
        >>> m = ember.nn.utils.remove_spectral_norm(m)
        >>> hasattr(m, "weight_orig")
        False
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, SpectralNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            break
    else:
        raise ValueError(f"spectral_norm of '{name}' not found in {module}")
    for k, hook in module._state_dict_hooks.items():
        if isinstance(hook, SpectralNormStateDictHook) and hook.fn.name == name:
            del module._state_dict_hooks[k]
            break
    for k, hook in module._load_state_dict_pre_hooks.items():
        if isinstance(hook, SpectralNormLoadStateDictPreHook) and hook.fn.name == name:
            del module._load_state_dict_pre_hooks[k]
            break
    return module
