"""``Transform``: the base of the v2 transforms (an ``nn.Module`` that flattens any nest of
tuples / lists / dicts, transforms the inputs it knows and passes the rest through)."""
import enum

import ember
from ember import nn
from ember.func._pytree import tree_flatten, tree_unflatten
from ember.vision import tv_tensors

from ._utils import _is_pil, check_type, has_any
from .functional import is_pure_tensor
from .functional._utils import _get_kernel

__all__ = ["Transform"]


class Transform(nn.Module):
    """Base class of the v2 transforms; subclass it to write your own.

    ``forward`` flattens its inputs (any nest of tuples, lists and dicts), calls
    ``make_params`` once with the inputs to transform and ``transform(inpt, params)`` on each
    of them; everything else passes through. A plain tensor counts as an image only when the
    sample holds no :class:`~ember.vision.tv_tensors.Image`, Video or PIL image, and then only
    the first one.

    Args:
        (none)

    Example::

        >>> class AddOne(Transform):
        ...     def transform(self, inpt, params):
        ...         return inpt + 1
        >>> AddOne()(ember.zeros(2), "text")
        (tensor([1., 1.]), 'text')
    """

    _transformed_types = (ember.Tensor, _is_pil)
    _v1_transform_cls = None

    def __init__(self):
        super().__init__()

    def check_inputs(self, flat_inputs):
        pass

    def make_params(self, flat_inputs):
        """The random (or input-dependent) parameters of one call, shared by all inputs.

        Args:
            flat_inputs (list): the inputs that will be transformed.

        Example::

            >>> Transform().make_params([])
            {}
        """
        return dict()

    def _call_kernel(self, functional, inpt, *args, **kwargs):
        kernel = _get_kernel(functional, inpt, allow_passthrough=True)
        return kernel(inpt, *args, **kwargs)

    def transform(self, inpt, params):
        """Transform one input with the call's ``params``; override it in subclasses.

        Args:
            inpt: one input that needs transforming.
            params (dict): from :meth:`make_params`.

        Example::

            >>> from ember.vision.transforms import v2
            >>> v2.Identity().transform(3, {})
            3
        """
        raise NotImplementedError(f"{type(self).__name__} must override transform()")

    def forward(self, *inputs):
        flat_inputs, spec = tree_flatten(inputs if len(inputs) > 1 else inputs[0])
        self.check_inputs(flat_inputs)
        needs_transform_list = self._needs_transform_list(flat_inputs)
        params = self.make_params(
            [inpt for inpt, needs in zip(flat_inputs, needs_transform_list) if needs])
        flat_outputs = [self.transform(inpt, params) if needs else inpt
                        for inpt, needs in zip(flat_inputs, needs_transform_list)]
        return tree_unflatten(flat_outputs, spec)

    def _needs_transform_list(self, flat_inputs):
        # Plain tensors are images only when the sample has no explicit image or video, and then
        # only the first one (depth-first order of the flattened sample).
        needs_transform_list = []
        transform_pure_tensor = not has_any(flat_inputs, tv_tensors.Image, tv_tensors.Video,
                                            _is_pil)
        for inpt in flat_inputs:
            needs = True
            if not check_type(inpt, self._transformed_types):
                needs = False
            elif is_pure_tensor(inpt):
                if transform_pure_tensor:
                    transform_pure_tensor = False
                else:
                    needs = False
            needs_transform_list.append(needs)
        return needs_transform_list

    def extra_repr(self):
        extra = []
        for name, value in self.__dict__.items():
            if name.startswith("_") or name == "training":
                continue
            if not isinstance(value, (bool, int, float, str, tuple, list, enum.Enum)):
                continue
            extra.append(f"{name}={value}")
        return ", ".join(extra)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # the v1 class's static get_params (e.g. RandomCrop.get_params) is available on v2 too
        if cls._v1_transform_cls is not None and hasattr(cls._v1_transform_cls, "get_params"):
            cls.get_params = staticmethod(cls._v1_transform_cls.get_params)


class _RandomApplyTransform(Transform):
    def __init__(self, p=0.5):
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__()
        self.p = p

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        flat_inputs, spec = tree_flatten(inputs)
        self.check_inputs(flat_inputs)
        if float(ember.rand(1)) >= self.p:
            return inputs
        needs_transform_list = self._needs_transform_list(flat_inputs)
        params = self.make_params(
            [inpt for inpt, needs in zip(flat_inputs, needs_transform_list) if needs])
        flat_outputs = [self.transform(inpt, params) if needs else inpt
                        for inpt, needs in zip(flat_inputs, needs_transform_list)]
        return tree_unflatten(flat_outputs, spec)

