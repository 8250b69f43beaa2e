"""``nn.utils.parametrizations``: ready-made parametrizations built on ``parametrize``.

* :func:`weight_norm`: ``w = g * v / ||v||`` (originals ``original0`` = g, ``original1`` = v).
* :func:`spectral_norm`: ``w / sigma(w)`` with a power-iteration estimate of ``sigma``
  (buffers ``_u`` / ``_v`` on the parametrization).
* :func:`orthogonal`: ``w`` constrained to (semi-)orthogonal matrices through the matrix
  exponential, the Cayley map or a product of Householder reflections.
"""
from enum import Enum, auto

from ... import functions as _F
from ... import linalg
from ..._device import get_xp
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .. import functional as F
from ..modules.module import Module
from . import parametrize
from .weight_norm import _norm_except_dim, _weight_norm

__all__ = ["orthogonal", "spectral_norm", "weight_norm"]


# ---------------------------------------------------------------- orthogonal


def _is_orthogonal(Q, eps=None):
    n, k = Q.size(-2), Q.size(-1)
    Id = _F.eye(k, dtype=Q.dtype, device=Q.device)
    # a reasonable eps, a bit larger than the accumulated rounding of Q^H Q
    eps = 10.0 * n * _F.finfo(Q.dtype).eps
    return _F.allclose(Q.mH @ Q, Id, atol=eps)


def _geqrf(A):
    """LAPACK's ``geqrf`` of a (batch of) matrix: (R above + reflectors below, tau)."""
    xp = get_xp(A._data)
    h, tau = xp.linalg.qr(A._data, mode="raw")   # h is returned transposed (Fortran order)
    h = xp.ascontiguousarray(xp.swapaxes(h, -1, -2))
    return Tensor._wrap(h, A.dtype), Tensor._wrap(xp.ascontiguousarray(tau), A.dtype)


def _make_orthogonal(A):
    """The Q of A's QR decomposition, with R's diagonal made positive (A full rank)."""
    Q, R = linalg.qr(A)
    return Q * R.diagonal(dim1=-2, dim2=-1).sgn().unsqueeze(-2)


def _householder_product(A, tau):
    """The first k columns of ``H_1 ... H_k``, ``H_i = I - tau_i v_i v_i^H``
    (``torch.linalg.householder_product``), composed from differentiable ops.

    ``v_i`` is column ``i`` of ``A`` below the diagonal, with an implicit 1 on it.
    """
    n, k = A.size(-2), A.size(-1)
    V = A.tril(-1) + _F.eye(n, k, dtype=A.dtype, device=A.device)
    Q = _F.eye(n, dtype=A.dtype, device=A.device).expand(*A.shape[:-2], n, n)
    for i in range(k):
        v = V[..., :, i:i + 1]
        t = tau[..., i:i + 1].unsqueeze(-1)
        Q = Q - ((Q @ v) * t) @ v.mH
    return Q[..., :, :k]


class _OrthMaps(Enum):
    matrix_exp = auto()
    cayley = auto()
    householder = auto()


class _Orthogonal(Module):
    """The parametrization registered by :func:`orthogonal`.

    Args:
        weight (Tensor): the tensor being parametrized (its shape is recorded).
        orthogonal_map (_OrthMaps): the map from unconstrained matrices to orthogonal ones.
        use_trivialization (bool, keyword-only): keep a ``base`` orthogonal matrix and
            parametrize around it (the "dynamic trivialization" framework).

    Example::

        >>> m = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(3, 3))
        >>> type(m.parametrizations.weight[0]).__name__
        '_Orthogonal'
    """

    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        # complex householder would need an explicit sign convention torch does not have
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex "
                             "tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        # here n >= k and X is a tall matrix
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            # the lower triangle defines a skew-symmetric (skew-Hermitian) n x n matrix A
            X = X.tril()
            if n != k:
                X = _F.cat([X, X.new_zeros(n, n - k).expand(*X.shape[:-2], -1, -1)], dim=-1)
            A = X - X.mH
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = _F.matrix_exp(A)
            else:
                # Cayley: (I - A/2)^{-1} (I + A/2)
                Id = _F.eye(n, dtype=A.dtype, device=A.device)
                Q = linalg.solve(_F.add(Id, A, alpha=-0.5), _F.add(Id, A, alpha=0.5))
            if n != k:
                Q = Q[..., :k]
        else:
            # X is real here: the reflectors sit below the diagonal
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            # the diagonal of X holds the signs (+-1) of the columns
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        """An unconstrained tensor mapped to ``Q`` (which must have the recorded shape).

        With the trivialization, ``Q`` (orthogonalised by QR when it is not orthogonal;
        completed with random columns when it is not square) becomes ``base`` and the
        returned tensor maps to the identity. Without it, only ``householder`` can be
        inverted (through a QR decomposition).

        Args:
            Q (Tensor): the target (semi-)orthogonal matrix.

        Example::

            >>> P = ember.nn.utils.parametrizations
            >>> m = P.orthogonal(ember.nn.Linear(3, 3))
            >>> m.weight = ember.eye(3)
            >>> ember.allclose(m.weight, ember.eye(3), atol=1e-6)
            True
        """
        with no_grad():
            if Q.shape != self.shape:
                raise ValueError(f"Expected a matrix or batch of matrices of shape "
                                 f"{self.shape}. Got a tensor of shape {Q.shape}.")
            Q_init = Q
            n, k = Q.size(-2), Q.size(-1)
            transpose = n < k
            if transpose:
                Q = Q.mT
                n, k = k, n

            if not hasattr(self, "base"):
                if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                    raise NotImplementedError(
                        "It is not possible to assign to the matrix exponential or the Cayley "
                        "parametrizations when use_trivialization=False.")
                # householder: the reflectors of Q's QR, with the column signs on the diagonal
                A, tau = _geqrf(Q)
                d = A._data.diagonal(axis1=-2, axis2=-1)
                sign = get_xp(d).sign(d)
                sign[tau._data == 0.0] *= -1
                xp = get_xp(A._data)
                idx = xp.arange(k)
                A._data[..., idx, idx] = sign
                return A.mT if transpose else A

            if n == k:
                # not orthogonal (or not orthogonal enough): project it with a QR
                Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
            else:
                # complete Q to a square orthogonal matrix with random columns
                N = _F.randn(*(Q.size()[:-2] + (n, n - k)), dtype=Q.dtype, device=Q.device)
                Q = _make_orthogonal(_F.cat([Q, N], dim=-1))
            self.base = Q
            # forward maps -Id to Id (for every map); the -1's give householder's signs
            eye = _F.eye(Q_init.size(-2), Q_init.size(-1), dtype=Q_init.dtype,
                         device=Q_init.device)
            return (-eye).expand(Q_init.shape).clone()


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """Constrain a matrix (or batch of matrices) to be orthogonal / unitary.

    For a tall ``n x k`` matrix the columns become orthonormal, for a wide one the rows.
    The parametrized ``weight`` is ``map(original)`` (times ``base`` with the
    trivialization), with ``map`` one of:

    * ``"matrix_exp"``: ``exp(A)`` of the skew-symmetric ``A`` built from ``original``'s
      lower triangle;
    * ``"cayley"``: ``(I - A/2)^{-1}(I + A/2)``;
    * ``"householder"``: a product of Householder reflections.

    The default is ``"matrix_exp"`` for square or complex matrices and ``"householder"``
    otherwise (torch's choice). Registered with ``unsafe=True``.

    Args:
        module (nn.Module): the module.
        name (str, optional): the tensor's name. Default: ``"weight"``.
        orthogonal_map (str, optional): ``"matrix_exp"``, ``"cayley"`` or
            ``"householder"``. Default: chosen as above.
        use_trivialization (bool, keyword-only): use the "dynamic trivialization": keep
            the current orthogonal matrix in ``parametrizations.<name>[0].base`` and
            parametrize around it (allows assigning to the weight). Default: ``True``.

    Returns:
        nn.Module: ``module``.

    Raises:
        ValueError: if the tensor is missing or has fewer than 2 dimensions, or the map is
            unknown.

    Example::

        >>> lin = ember.nn.utils.parametrizations.orthogonal(ember.nn.Linear(20, 40))
        >>> Q = lin.weight
        >>> ember.dist(Q.T @ Q, ember.eye(20)) < 1e-4
        tensor(True)
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(f"Expected a matrix or batch of matrices. Got a tensor of "
                         f"{weight.ndim} dimensions.")
    if orthogonal_map is None:
        orthogonal_map = ("matrix_exp" if weight.size(-2) == weight.size(-1)
                          or weight.is_complex() else "householder")
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError('orthogonal_map has to be one of "matrix_exp", "cayley", '
                         f'"householder". Got: {orthogonal_map}')
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


# ---------------------------------------------------------------- weight norm


class _WeightNorm(Module):
    """The parametrization registered by :func:`weight_norm`: ``(g, v) -> v * g / ||v||``.

    Args:
        dim (int or None): the dimension kept by the norm; ``None``: the whole tensor.

    Example::

        >>> wn = ember.nn.utils.parametrizations._WeightNorm(0)
        >>> g, v = wn.right_inverse(ember.ones(2, 2))
        >>> ember.equal(wn(g, v), ember.ones(2, 2))
        True
    """

    def __init__(self, dim=0):
        super().__init__()
        if dim is None:
            dim = -1
        self.dim = dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        """``(g, v)`` with ``g = ||weight||`` (over every dim but ``dim``), ``v = weight``.

        Args:
            weight (Tensor): the weight.

        Example::

            >>> g, v = ember.nn.utils.parametrizations._WeightNorm(0).right_inverse(
            ...     ember.tensor([[3.0, 4.0]]))
            >>> g
            tensor([[5.]])
        """
        weight_g = _norm_except_dim(weight, 2, self.dim)
        weight_v = weight
        return weight_g, weight_v


def weight_norm(module, name="weight", dim=0):
    """Apply weight normalization to a parameter: ``w = g * v / ||v||``.

    Decouples the magnitude ``g`` from the direction ``v``. ``g`` is registered as
    ``module.parametrizations.<name>.original0`` and ``v`` as ``original1``; ``module.<name>``
    computes ``w`` at each access. state_dicts from the old
    :func:`ember.nn.utils.weight_norm` (keys ``<name>_g`` / ``<name>_v``) load into it.

    Args:
        module (nn.Module): the module.
        name (str, optional): the parameter's name. Default: ``"weight"``.
        dim (int or None, optional): the dimension kept by the norm (one magnitude per
            slice along it); ``None``: the whole tensor. Default: ``0``.

    Returns:
        nn.Module: ``module``.

    Example::

        >>> m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(20, 40))
        >>> m.parametrizations.weight.original0.size()
        torch.Size([40, 1])
        >>> m.parametrizations.weight.original1.size()
        torch.Size([40, 20])
    """
    _weight_norm_param = _WeightNorm(dim)
    parametrize.register_parametrization(module, name, _weight_norm_param, unsafe=True)

    def _weight_norm_compat_hook(state_dict, prefix, local_metadata, strict, missing_keys,
                                 unexpected_keys, error_msgs):
        g_key = f"{prefix}{name}_g"
        v_key = f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            original0 = state_dict.pop(g_key)
            original1 = state_dict.pop(v_key)
            state_dict[f"{prefix}parametrizations.{name}.original0"] = original0
            state_dict[f"{prefix}parametrizations.{name}.original1"] = original1

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


# ---------------------------------------------------------------- spectral norm


class _SpectralNorm(Module):
    """The parametrization registered by :func:`spectral_norm`: ``W -> W / sigma(W)``.

    Args:
        weight (Tensor): the weight (fixes the shapes of the buffers ``_u`` and ``_v``).
        n_power_iterations (int): power iterations per forward in training mode.
        dim (int): the dimension that becomes the matrix rows.
        eps (float): epsilon for numerical stability of the norms.

    Example::

        >>> sn = ember.nn.utils.parametrizations._SpectralNorm(ember.randn(4, 3))
        >>> sn._u.shape, sn._v.shape
        (torch.Size([4]), torch.Size([3]))
    """

    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[-{ndim}, {ndim - 1}] but got {dim})")
        if n_power_iterations <= 0:
            raise ValueError("Expected n_power_iterations to be positive, but got "
                             f"n_power_iterations={n_power_iterations}")
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            # a 1-D weight is simply normalised: no power iteration, no buffers
            self.n_power_iterations = n_power_iterations
            weight_mat = self._reshape_weight_to_matrix(weight)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # start from a good estimate of the top singular vectors
            self._power_method(weight_mat, 15)

    def _reshape_weight_to_matrix(self, weight):
        # the chosen dim first, the rest flattened
        if self.dim != 0:
            weight = weight.permute(self.dim, *(d for d in range(weight.dim()) if d != self.dim))
        return weight.flatten(1)

    def _power_method(self, weight_mat, n_power_iterations):
        # u, v are updated in place (the buffers carry the estimate between forwards)
        with no_grad():
            for _ in range(n_power_iterations):
                self._u = F.normalize(_F.mv(weight_mat, self._v), dim=0, eps=self.eps,
                                      out=self._u)
                self._v = F.normalize(_F.mv(weight_mat.mH, self._u), dim=0, eps=self.eps,
                                      out=self._v)

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = self._reshape_weight_to_matrix(weight)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        # clones: the buffers may be updated in place before backward runs
        u = self._u.clone()
        v = self._v.clone()
        sigma = _F.vdot(u, _F.mv(weight_mat, v))
        return weight / sigma

    def right_inverse(self, value):
        """The identity: assigning ``W`` stores ``W`` (its norm is taken at each access).

        Args:
            value (Tensor): the new weight.

        Example::

            >>> sn = ember.nn.utils.parametrizations._SpectralNorm(ember.randn(4, 3))
            >>> x = ember.ones(4, 3)
            >>> sn.right_inverse(x) is x
            True
        """
        return value


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """Apply spectral normalization to a parameter: ``W / sigma(W)``.

    ``sigma`` is the spectral norm (largest singular value) of ``W`` reshaped to a matrix
    with ``dim`` as rows, estimated by power iteration: the vectors ``u``, ``v`` live in the
    parametrization's buffers ``_u`` / ``_v`` (``module.parametrizations.<name>[0]._u``);
    each access in training mode runs ``n_power_iterations`` steps and updates them, eval
    mode reuses them. A 1-D tensor is simply divided by its norm. Registration runs 15
    iterations from random vectors.

    Args:
        module (nn.Module): the module.
        name (str, optional): the weight's name. Default: ``"weight"``.
        n_power_iterations (int, optional): power iterations per access. Default: ``1``.
        eps (float, optional): epsilon for numerical stability of the norms.
            Default: ``1e-12``.
        dim (int, optional): the dimension of output channels; default ``0``, except for
            ``ConvTranspose{1,2,3}d`` (``1``).

    Returns:
        nn.Module: ``module``.

    Example::

        >>> snm = ember.nn.utils.parametrizations.spectral_norm(ember.nn.Linear(20, 40))
        >>> snm.parametrizations.weight.original.shape
        torch.Size([40, 20])
        >>> float(ember.linalg.matrix_norm(snm.weight, 2)) < 1.05
        True
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if dim is None:
        from .spectral_norm import _default_dim
        dim = _default_dim(module)
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps))
    return module
