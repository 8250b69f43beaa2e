"""Lazy modules: layers whose input size is inferred at the first forward (torch.nn.Lazy*).

``LazyModuleMixin`` holds the mechanism; the layers (``LazyLinear``, ``LazyConv*d``,
``LazyConvTranspose*d``, ``LazyBatchNorm*d``, ``LazyInstanceNorm*d``) combine it with the
regular layer class:

* construction registers :class:`~ember.nn.UninitializedParameter` /
  :class:`~ember.nn.UninitializedBuffer` placeholders (no data) and two hooks;
* the first call runs a forward pre-hook that reads the input's size (``in_features``,
  ``in_channels`` or ``num_features``), ``materialize``\\ s the placeholders *in place* (the
  same Parameter objects, so an optimizer built earlier still works), calls
  ``reset_parameters()`` and switches the module's class to the regular one
  (``type(m) is nn.Linear`` afterwards);
* ``load_state_dict`` into a lazy module materializes the placeholders with the shapes of the
  loaded tensors (a load_state_dict pre-hook).
"""
import itertools

from ... import functions as _F
from ... import _dtype as D
from ...autograd.grad_mode import no_grad
from ..parameter import UninitializedParameter, UninitializedBuffer, is_lazy
from .module import Module, _EXTRA_STATE_KEY_SUFFIX
from .linear import Linear
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,
                   ConvTranspose3d)
from .batchnorm import _NormBase, BatchNorm1d, BatchNorm2d, BatchNorm3d
from .normalization import _InstanceNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d

# LazyModuleMixin stays in this module (ember.nn.modules.lazy), as in torch
__all__ = ["LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyModuleMixin:
    """A mixin for modules whose parameter shapes come from their first input ("lazy modules").

    Until the first forward the module holds ``UninitializedParameter``/``UninitializedBuffer``
    placeholders; the first call infers the shapes (``initialize_parameters``), materializes
    them in place and, when ``cls_to_become`` is set, turns the module into that class.
    Convert a lazy network's dtype/device *before* the first forward (``.double()``,
    ``.cuda()``): the placeholders take the conversion and materialize with it. The state_dict
    of an uninitialized module shows the placeholders; loading a regular state_dict into a
    lazy module materializes the parameters with the loaded shapes.

    Subclasses put the mixin first (``class LazyLinear(LazyModuleMixin, Linear)``) and define
    ``initialize_parameters(*args, **kwargs)``, which receives the forward's arguments.

    Args:
        *args, **kwargs: passed on to the next class's ``__init__``.

    Example::

        >>> net = ember.nn.Sequential(ember.nn.LazyLinear(8), ember.nn.ReLU(),
        ...                           ember.nn.LazyLinear(2))
        >>> net[0]
        LazyLinear(in_features=0, out_features=8, bias=True)
        >>> net(ember.randn(4, 5)).shape
        torch.Size([4, 2])
        >>> net[0]
        Linear(in_features=5, out_features=8, bias=True)
    """

    # modules inheriting from this switch their __class__ to this one once initialized
    cls_to_become = None

    def _lazy_weight_and_bias(self, bias, device, dtype):
        """Placeholders for ``weight`` (and ``bias``) until the first forward infers shapes."""
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._load_hook = self._register_load_state_dict_pre_hook(self._lazy_load_hook)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters,
                                                               with_kwargs=True)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        # placeholders are stored as they are (they have no data to detach)
        for name, param in self._parameters.items():
            if param is not None:
                if not (is_lazy(param) or keep_vars):
                    param = param.detach()
                destination[prefix + name] = param
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                if not (is_lazy(buf) or keep_vars):
                    buf = buf.detach()
                destination[prefix + name] = buf
        if getattr(type(self), "get_extra_state", Module.get_extra_state) is not \
                Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def _lazy_load_hook(self, state_dict, prefix, local_metadata, strict, missing_keys,
                        unexpected_keys, error_msgs):
        """load_state_dict pre-hook: materialize placeholders with the loaded tensors' shapes
        (a lazy module then loads an initialized state, and vice versa)."""
        for name, param in itertools.chain(self._parameters.items(), self._buffers.items()):
            key = prefix + name
            if key in state_dict and param is not None:
                input_param = state_dict[key]
                if is_lazy(param) and not is_lazy(input_param):
                    with no_grad():
                        param.materialize(input_param.shape)

    def initialize_parameters(self, *args, **kwargs):
        """Infer the parameter shapes from the forward's arguments and materialize them.

        Lazy layers override it; it receives exactly the arguments of ``forward``.

        Args:
            *args, **kwargs: the arguments of the first forward call.

        Example::

            >>> m = ember.nn.LazyLinear(3)
            >>> m.initialize_parameters(ember.randn(2, 4))
            >>> m.weight.shape
            torch.Size([3, 4])
        """
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {self.__class__.__name__}")

    def has_uninitialized_params(self):
        """Whether any parameter or buffer of this module (not its children) is still a placeholder.

        Example::

            >>> m = ember.nn.LazyLinear(3)
            >>> m.has_uninitialized_params()
            True
            >>> _ = m(ember.randn(2, 4))
            >>> ember.nn.parameter.is_lazy(m.weight)
            False
        """
        for param in itertools.chain(self._parameters.values(), self._buffers.values()):
            if is_lazy(param):
                return True
        return False

    def _infer_parameters(self, module, args, kwargs=None):
        """The forward pre-hook: initialize from the first input, then become the regular class."""
        kwargs = kwargs if kwargs else {}
        module.initialize_parameters(*args, **kwargs)
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        module._load_hook.remove()
        delattr(module, "_initialize_hook")
        delattr(module, "_load_hook")
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become

    def _replicate_for_data_parallel(self):
        raise RuntimeError("Modules with uninitialized parameters can't be used with "
                           "`DataParallel`. Run a dummy forward pass to correctly initialize "
                           "the modules")


# ---------------------------------------------------------------- linear


class LazyLinear(LazyModuleMixin, Linear):
    """A :class:`~ember.nn.Linear` whose ``in_features`` is inferred from ``input.shape[-1]``.

    ``weight`` and ``bias`` are ``UninitializedParameter``\\ s until the first forward, which
    materializes them, initializes them as ``Linear`` does, and turns the module into a
    regular ``Linear``.

    Args:
        out_features (int): size of each output sample.
        bias (bool): learn an additive bias. Default: ``True``.
        device, dtype: where and in which dtype to create the parameters.

    Example::

        >>> m = ember.nn.LazyLinear(3)
        >>> opt = ember.optim.SGD(m.parameters(), lr=0.1)   # before the first forward
        >>> m(ember.randn(2, 5)).shape
        torch.Size([2, 3])
        >>> type(m).__name__, m.in_features, m.weight.shape
        ('Linear', 5, torch.Size([3, 5]))
    """
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        # bias=False here avoids creating a tensor that is replaced right away
        super().__init__(0, 0, False)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_features = out_features

    def reset_parameters(self):
        """Initialize as ``Linear`` does (only once the parameters are materialized)."""
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Infer ``in_features`` from ``input.shape[-1]`` and materialize weight and bias.

        Args:
            input (Tensor): the first input, ``(*, in_features)``.

        Example::

            >>> m = ember.nn.LazyLinear(2)
            >>> m.initialize_parameters(ember.randn(4, 6))
            >>> m.in_features
            6
        """
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:
            # materialized by load_state_dict: take in_features from the loaded weight
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: {input.shape[-1]} "
                                     f"is not equal to in_features from self.weight: "
                                     f"{self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


# ---------------------------------------------------------------- convolution


class _LazyConvXdMixin(LazyModuleMixin):
    """Infers ``in_channels`` from the input's channel dim (dim 1, or 0 when unbatched)."""

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):
        """Infer ``in_channels`` from ``input`` and materialize weight and bias.

        Args:
            input (Tensor): the first input, ``(N, C_in, *spatial)`` or ``(C_in, *spatial)``.
            *args, **kwargs: the forward's other arguments (unused).

        Example::

            >>> m = ember.nn.LazyConv2d(4, 3)
            >>> m.initialize_parameters(ember.randn(1, 2, 5, 5))
            >>> m.weight.shape
            torch.Size([4, 2, 3, 3])
        """
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if self.transposed:
                self.weight.materialize((self.in_channels, self.out_channels // self.groups,
                                         *self.kernel_size))
            else:
                self.weight.materialize((self.out_channels, self.in_channels // self.groups,
                                         *self.kernel_size))
            if self.bias is not None:
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input):
        num_dims_no_batch = self._nd + 1  # + the channel dim
        num_dims_batch = num_dims_no_batch + 1
        if input.dim() not in (num_dims_no_batch, num_dims_batch):
            raise RuntimeError(f"Expected {num_dims_no_batch}D (unbatched) or {num_dims_batch}D "
                               f"(batched) input to {self.__class__.__name__}, but got input of "
                               f"size: {input.shape}")
        return input.shape[1] if input.dim() == num_dims_batch else input.shape[0]

    def _get_num_spatial_dims(self):
        return self._nd


_LAZY_CONV_DOC = """A :class:`~ember.nn.Conv{nd}d` whose ``in_channels`` is inferred from the
    input's channel dimension (``input.size(1)``, or ``size(0)`` for an unbatched input).

    ``weight`` and ``bias`` are ``UninitializedParameter``\\ s until the first forward, which
    materializes and initializes them and turns the module into a regular ``Conv{nd}d``.

    Args:
        out_channels (int): channels produced by the convolution.
        kernel_size (int or tuple): size of the convolving kernel.
        stride (int or tuple): stride of the convolution. Default: 1.
        padding (int, tuple or str): padding on both sides, or 'valid' / 'same'. Default: 0.
        dilation (int or tuple): spacing between kernel elements. Default: 1.
        groups (int): blocked connections from input to output channels. Default: 1.
        bias (bool): add a learnable bias. Default: ``True``.
        padding_mode (str): 'zeros' | 'reflect' | 'replicate' | 'circular'. Default: 'zeros'.
        device, dtype: where and in which dtype to create the parameters.

    Example::

        >>> m = ember.nn.LazyConv{nd}d(8, 3, padding=1)
        >>> m(ember.randn(2, 3, {ex})).shape
        torch.Size([2, 8, {ex}])
        >>> type(m).__name__, m.in_channels
        ('Conv{nd}d', 3)
    """


class LazyConv1d(_LazyConvXdMixin, Conv1d):
    __doc__ = _LAZY_CONV_DOC.format(nd=1, ex="10")
    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


class LazyConv2d(_LazyConvXdMixin, Conv2d):
    __doc__ = _LAZY_CONV_DOC.format(nd=2, ex="6, 6")
    cls_to_become = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


class LazyConv3d(_LazyConvXdMixin, Conv3d):
    __doc__ = _LAZY_CONV_DOC.format(nd=3, ex="4, 4, 4")
    cls_to_become = Conv3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


_LAZY_CONVT_DOC = """A :class:`~ember.nn.ConvTranspose{nd}d` whose ``in_channels`` is inferred from
    the input's channel dimension (``input.size(1)``, or ``size(0)`` for an unbatched input).

    ``weight`` (``(in_channels, out_channels / groups, *kernel_size)``) and ``bias`` are
    ``UninitializedParameter``\\ s until the first forward, which materializes and initializes
    them and turns the module into a regular ``ConvTranspose{nd}d``.

    Args:
        out_channels (int): channels produced.
        kernel_size (int or tuple): size of the kernel.
        stride (int or tuple): stride. Default: 1.
        padding (int or tuple): ``dilation * (kernel_size - 1) - padding`` zero-padding on
            both sides of the input. Default: 0.
        output_padding (int or tuple): extra size added to one side of the output.
            Default: 0.
        groups (int): blocked connections. Default: 1.
        bias (bool): learnable bias. Default: ``True``.
        dilation (int or tuple): spacing between kernel elements. Default: 1.
        padding_mode (str): only 'zeros'.
        device, dtype: where and in which dtype to create the parameters.

    Example::

        >>> m = ember.nn.LazyConvTranspose{nd}d(2, 3, stride=2)
        >>> m(ember.randn(1, 4, {ex})).shape
        torch.Size([1, 2, {exo}])
        >>> type(m).__name__, m.in_channels
        ('ConvTranspose{nd}d', 4)
    """


class LazyConvTranspose1d(_LazyConvXdMixin, ConvTranspose1d):
    __doc__ = _LAZY_CONVT_DOC.format(nd=1, ex="5", exo="11")
    cls_to_become = ConvTranspose1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


class LazyConvTranspose2d(_LazyConvXdMixin, ConvTranspose2d):
    __doc__ = _LAZY_CONVT_DOC.format(nd=2, ex="5, 5", exo="11, 11")
    cls_to_become = ConvTranspose2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


class LazyConvTranspose3d(_LazyConvXdMixin, ConvTranspose3d):
    __doc__ = _LAZY_CONVT_DOC.format(nd=3, ex="3, 3, 3", exo="7, 7, 7")
    cls_to_become = ConvTranspose3d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, output_padding=0,
                 groups=1, bias=True, dilation=1, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device=device, dtype=dtype)
        self._lazy_weight_and_bias(bias, device, dtype)
        self.out_channels = out_channels


# ---------------------------------------------------------------- normalization


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """Lazy batch/instance norm: ``num_features`` is inferred from ``input.shape[1]``."""

    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None, *, bias=True):
        # affine/track_running_stats False here: nothing is created that is replaced below
        super().__init__(0, eps, momentum, False, False, device=device, dtype=dtype,
                         bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = _F.tensor(0, dtype=D.int64, device=device)

    def reset_parameters(self):
        """Reset as the regular norm layer does (only once materialized)."""
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        """Infer ``num_features`` from ``input.shape[1]`` and materialize parameters and buffers.

        Args:
            input (Tensor): the first input, ``(N, C, *)``.

        Example::

            >>> m = ember.nn.LazyBatchNorm1d()
            >>> m.initialize_parameters(ember.randn(4, 3))
            >>> m.num_features, m.running_mean.shape
            (3, torch.Size([3]))
        """
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


_LAZY_BN_DOC = """A :class:`~ember.nn.BatchNorm{nd}d` whose ``num_features`` is inferred from
    ``input.size(1)``.

    ``weight``/``bias`` (``UninitializedParameter``) and ``running_mean``/``running_var``
    (``UninitializedBuffer``) are materialized at the first forward, after which the module is
    a regular ``BatchNorm{nd}d``.

    Args:
        eps (float): added to the variance. Default: 1e-5.
        momentum (float or None): running-average factor (None: cumulative average).
            Default: 0.1.
        affine (bool): learnable weight and bias. Default: ``True``.
        track_running_stats (bool): keep running estimates. Default: ``True``.
        device, dtype: where and in which dtype to create parameters and buffers.
        bias (bool, keyword): learn a bias when affine. Default: ``True``.

    Example::

        >>> m = ember.nn.LazyBatchNorm{nd}d()
        >>> m(ember.randn({ex})).shape
        torch.Size([{ex}])
        >>> type(m).__name__, m.num_features
        ('BatchNorm{nd}d', 4)
    """


class LazyBatchNorm1d(_LazyNormBase, BatchNorm1d):
    __doc__ = _LAZY_BN_DOC.format(nd=1, ex="8, 4")
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyNormBase, BatchNorm2d):
    __doc__ = _LAZY_BN_DOC.format(nd=2, ex="2, 4, 3, 3")
    cls_to_become = BatchNorm2d


class LazyBatchNorm3d(_LazyNormBase, BatchNorm3d):
    __doc__ = _LAZY_BN_DOC.format(nd=3, ex="2, 4, 2, 2, 2")
    cls_to_become = BatchNorm3d


_LAZY_IN_DOC = """A :class:`~ember.nn.InstanceNorm{nd}d` whose ``num_features`` is inferred from
    ``input.size(1)``.

    As in torch, the lazy variant defaults to ``affine=True`` and
    ``track_running_stats=True`` (the regular ``InstanceNorm{nd}d`` defaults to False for
    both); its placeholders are materialized at the first forward, after which the module is
    a regular ``InstanceNorm{nd}d``.

    Args:
        eps (float): added to the variance. Default: 1e-5.
        momentum (float): running-average factor. Default: 0.1.
        affine (bool): learnable per-channel weight and bias. Default: ``True``.
        track_running_stats (bool): keep running estimates and use them in eval mode.
            Default: ``True``.
        device, dtype: where and in which dtype to create parameters and buffers.
        bias (bool, keyword): learn a bias when affine. Default: ``True``.

    Example::

        >>> m = ember.nn.LazyInstanceNorm{nd}d()
        >>> m(ember.randn({ex})).shape
        torch.Size([{ex}])
        >>> type(m).__name__, m.num_features
        ('InstanceNorm{nd}d', 3)
    """


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    __doc__ = _LAZY_IN_DOC.format(nd=1, ex="2, 3, 5")
    cls_to_become = InstanceNorm1d
    _no_batch_dim = 2


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    __doc__ = _LAZY_IN_DOC.format(nd=2, ex="2, 3, 4, 4")
    cls_to_become = InstanceNorm2d
    _no_batch_dim = 3


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    __doc__ = _LAZY_IN_DOC.format(nd=3, ex="1, 3, 2, 3, 3")
    cls_to_become = InstanceNorm3d
    _no_batch_dim = 4
