"""Helpers shared by the model builders (torchvision's ``models._utils``).

* :func:`handle_legacy_interface` -- maps the deprecated ``pretrained=True`` (and positional
  arguments) onto ``weights=`` with torchvision's warnings.
* :func:`_ovewrite_named_param` -- force a builder argument to the value the weights need.
* :func:`_make_divisible` -- channel rounding of the MobileNets / EfficientNets.
* :class:`IntermediateLayerGetter` -- return the outputs of chosen child modules.
"""
import functools
import inspect
import warnings
from collections import OrderedDict

from ember import nn

from ._api import WeightsEnum


def sequence_to_str(seq, separate_last=""):
    """Quote and join ``seq``: ``['a', 'b']`` -> ``"'a' and 'b'"`` (with ``separate_last='and '``)."""
    if not seq:
        return ""
    if len(seq) == 1:
        return f"'{seq[0]}'"
    head = "'" + "', '".join([str(item) for item in seq[:-1]]) + "'"
    tail = f"{'' if separate_last and len(seq) == 2 else ','} {separate_last}'{seq[-1]}'"
    return head + tail


class IntermediateLayerGetter(nn.ModuleDict):
    """Run a model's children in order and return the outputs of the chosen ones.

    Assumes the children are registered in the order ``forward`` uses them and are each used
    once; only direct children can be returned.

    Args:
        model (Module): the model.
        return_layers (dict[str, str]): child name -> name under which its output is returned.

    Example::

        >>> import ember
        >>> from ember.vision.models import resnet18
        >>> from ember.vision.models._utils import IntermediateLayerGetter
        >>> body = IntermediateLayerGetter(resnet18(), {"layer1": "feat1", "layer3": "feat2"})
        >>> out = body(ember.rand(1, 3, 64, 64))
        >>> [(k, tuple(v.shape)) for k, v in out.items()]
        [('feat1', (1, 64, 16, 16)), ('feat2', (1, 256, 4, 4))]
    """

    _version = 2

    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        orig_return_layers = return_layers
        return_layers = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            if name in return_layers:
                del return_layers[name]
            if not return_layers:
                break

        super().__init__(layers)
        self.return_layers = orig_return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out


def _make_divisible(v, divisor, min_value=None):
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``min_value``), never going
    more than 10% below ``v`` (the TensorFlow MobileNet rule)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def kwonly_to_pos_or_kw(fn):
    """Let keyword-only parameters of ``fn`` also be passed positionally, with a deprecation warning."""
    params = inspect.signature(fn).parameters
    try:
        keyword_only_start_idx = next(
            idx for idx, param in enumerate(params.values()) if param.kind == param.KEYWORD_ONLY
        )
    except StopIteration:
        raise TypeError(f"Found no keyword-only parameter on function '{fn.__name__}'") from None

    keyword_only_params = tuple(params)[keyword_only_start_idx:]

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        args, keyword_only_args = args[:keyword_only_start_idx], args[keyword_only_start_idx:]
        if keyword_only_args:
            keyword_only_kwargs = dict(zip(keyword_only_params, keyword_only_args))
            warnings.warn(
                f"Using {sequence_to_str(tuple(keyword_only_kwargs.keys()), separate_last='and ')} as positional "
                f"parameter(s) is deprecated since 0.13 and may be removed in the future. Please use keyword parameter(s) "
                f"instead."
            )
            kwargs.update(keyword_only_kwargs)
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights):
    """Decorate a builder so the pre-0.13 interface keeps working, with torchvision's warnings.

    ``pretrained=True`` becomes ``weights=<default member>``, ``pretrained=False`` becomes
    ``weights=None``, and positional arguments are accepted again.

    Args:
        **weights: ``weights_param=(legacy_param_name, default)`` where ``default`` is the member
            used for ``pretrained=True`` (or a callable taking the keyword arguments and
            returning it).
    """

    def outer_wrapper(builder):
        @kwonly_to_pos_or_kw
        @functools.wraps(builder)
        def inner_wrapper(*args, **kwargs):
            for weights_param, (pretrained_param, default) in weights.items():
                sentinel = object()
                weights_arg = kwargs.get(weights_param, sentinel)
                if (
                    (weights_param not in kwargs and pretrained_param not in kwargs)
                    or isinstance(weights_arg, WeightsEnum)
                    or (isinstance(weights_arg, str) and weights_arg != "legacy")
                    or weights_arg is None
                ):
                    continue

                # A positional ``pretrained`` arrives as ``weights`` (kwonly_to_pos_or_kw maps it by
                # the current signature).
                pretrained_positional = weights_arg is not sentinel
                if pretrained_positional:
                    kwargs[pretrained_param] = pretrained_arg = kwargs.pop(weights_param)
                else:
                    pretrained_arg = kwargs[pretrained_param]

                if pretrained_arg:
                    default_weights_arg = default(kwargs) if callable(default) else default
                    if not isinstance(default_weights_arg, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    default_weights_arg = None

                if not pretrained_positional:
                    warnings.warn(
                        f"The parameter '{pretrained_param}' is deprecated since 0.13 and may be removed in the future, "
                        f"please use '{weights_param}' instead."
                    )

                msg = (
                    f"Arguments other than a weight enum or `None` for '{weights_param}' are deprecated since 0.13 and "
                    f"may be removed in the future. "
                    f"The current behavior is equivalent to passing `{weights_param}={default_weights_arg}`."
                )
                if pretrained_arg:
                    msg = (
                        f"{msg} You can also use `{weights_param}={type(default_weights_arg).__name__}.DEFAULT` "
                        f"to get the most up-to-date weights."
                    )
                warnings.warn(msg)

                del kwargs[pretrained_param]
                kwargs[weights_param] = default_weights_arg

            return builder(*args, **kwargs)

        return inner_wrapper

    return outer_wrapper


def _ovewrite_named_param(kwargs, param, new_value):
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} instead.")
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    if actual is not None:
        if actual != expected:
            raise ValueError(f"The parameter '{param}' expected value {expected} but got {actual} instead.")
    return expected


def _builder_doc(title, enum, cls, run_example=True):
    """Decorator writing a model builder's docstring (Args + Example) in one place.

    Apply it directly above the ``def`` (inside ``handle_legacy_interface``) so that the
    wrapper copies the docstring.
    """

    def deco(fn):
        skip = "" if run_example else "  # doctest: +SKIP"
        fn.__doc__ = f"""{title}

    Args:
        weights (:class:`{enum}` or str, optional): the pretrained weights: ``None`` (random
            initialisation, the default), ``"DEFAULT"``, a member name such as
            ``"IMAGENET1K_V1"``, or a member of :class:`{enum}`. The checkpoint is downloaded once
            to ``$EMBER_HOME/hub/checkpoints`` and its SHA-256 prefix is checked. The deprecated
            ``pretrained=True`` still works (with a warning).
        progress (bool): show a download progress bar on stderr. Default: True
        **kwargs: passed to :class:`{cls}` (e.g. ``num_classes``).

    Returns:
        {cls}: the model.

    Example::

        >>> from ember.vision import models
        >>> model = models.{fn.__name__}(weights=None){skip}
        >>> type(model).__name__{skip}
        '{cls}'
        >>> model = models.{fn.__name__}(weights="DEFAULT")  # doctest: +SKIP
        >>> preprocess = models.{enum}.DEFAULT.transforms()
    """
        return fn

    return deco
