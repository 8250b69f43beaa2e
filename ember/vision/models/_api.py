"""The pretrained-weights API of ``ember.vision.models`` (torchvision's ``models._api``).

* :class:`Weights` -- url + preset transforms + metadata of one set of pretrained weights.
* :class:`WeightsEnum` -- base class of the per-model enums (``ResNet18_Weights`` ...); each member
  is a :class:`Weights` and ``DEFAULT`` is an alias of the recommended member.
* the model registry: :func:`register_model`, :func:`list_models`, :func:`get_model`,
  :func:`get_model_builder`, :func:`get_model_weights`, :func:`get_weight`.

Example::

    >>> from ember.vision import models
    >>> w = models.get_weight("ResNet18_Weights.IMAGENET1K_V1")
    >>> w.url
    'https://download.pytorch.org/models/resnet18-f37072fd.pth'
    >>> models.get_model_weights("resnet18").DEFAULT is w
    True
"""
import fnmatch
import importlib
import inspect
from dataclasses import dataclass
from enum import Enum
from functools import partial
from inspect import signature
from typing import Any, Callable, Dict, get_args

__all__ = ["WeightsEnum", "Weights", "get_model", "get_model_builder", "get_model_weights", "get_weight", "list_models"]


@dataclass
class Weights:
    """The information attached to one set of pretrained weights.

    Args:
        url (str): where the checkpoint is downloaded from (its file name carries the first
            hex digits of the file's SHA-256, checked after download).
        transforms (Callable): a callable that *builds* the preprocessing preset the weights
            expect (e.g. ``partial(ImageClassification, crop_size=224)``); call it to get the
            transform.
        meta (dict): metadata: ``categories`` (class names), ``num_params``, ``min_size``,
            ``recipe``, ``_metrics``, ``_docs`` ...

    Example::

        >>> from ember.vision.models import ResNet18_Weights
        >>> ResNet18_Weights.IMAGENET1K_V1.value.meta["num_params"]
        11689512
    """

    url: str
    transforms: Callable
    meta: Dict[str, Any]

    def __eq__(self, other):
        # NOTE: custom equality so that copies of a member (deepcopy, pickling) compare equal:
        # ``partial`` objects do not compare by content.
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        if isinstance(self.transforms, partial) and isinstance(other.transforms, partial):
            return (
                self.transforms.func == other.transforms.func
                and self.transforms.args == other.transforms.args
                and self.transforms.keywords == other.transforms.keywords
            )
        return self.transforms == other.transforms


class WeightsEnum(Enum):
    """Base class of the pretrained-weight enums (``ResNet18_Weights``, ``VGG16_Weights`` ...).

    Each member's value is a :class:`Weights`; ``member.url``, ``member.transforms`` and
    ``member.meta`` read through to it. ``DEFAULT`` names the recommended member.

    Example::

        >>> from ember.vision.models import ResNet50_Weights
        >>> ResNet50_Weights.DEFAULT
        ResNet50_Weights.IMAGENET1K_V2
        >>> ResNet50_Weights.verify("IMAGENET1K_V1")
        ResNet50_Weights.IMAGENET1K_V1
        >>> len(ResNet50_Weights.DEFAULT.meta["categories"])
        1000
    """

    @classmethod
    def verify(cls, obj):
        """Turn ``obj`` (None, a member, ``"NAME"`` or ``"Enum.NAME"``) into a member of ``cls``.

        Args:
            obj: ``None``, a member of this enum, or its name as a string (``"DEFAULT"``,
                ``"IMAGENET1K_V1"``, ``"ResNet18_Weights.IMAGENET1K_V1"``).

        Returns:
            the member, or ``None``.

        Raises:
            TypeError: when ``obj`` is a member of another weights enum (or another type).
            KeyError: when the string names no member.

        Example::

            >>> from ember.vision.models import ResNet18_Weights
            >>> ResNet18_Weights.verify("DEFAULT")
            ResNet18_Weights.IMAGENET1K_V1
        """
        if obj is not None:
            if type(obj) is str:
                obj = cls[obj.replace(cls.__name__ + ".", "")]
            elif not isinstance(obj, cls):
                raise TypeError(
                    f"Invalid Weight class provided; expected {cls.__name__} but received {obj.__class__.__name__}."
                )
        return obj

    def get_state_dict(self, *args, **kwargs):
        """Download (once) and load this member's checkpoint.

        Arguments are passed to :func:`ember.hub.load_state_dict_from_url` (``progress``,
        ``check_hash``, ``model_dir`` ...). Offline, the error names the URL and the path where
        the file can be placed by hand.

        Returns:
            dict: the state dict.

        Example::

            >>> from ember.vision.models import ResNet18_Weights
            >>> sd = ResNet18_Weights.DEFAULT.get_state_dict(progress=False)  # doctest: +SKIP
        """
        from ember.hub import load_state_dict_from_url

        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self):
        """The checkpoint URL."""
        return self.value.url

    @property
    def transforms(self):
        """Callable building the preprocessing preset (call it: ``weights.transforms()``)."""
        return self.value.transforms

    @property
    def meta(self):
        """The metadata dict (``categories``, ``num_params``, ``min_size``, ...)."""
        return self.value.meta


def get_weight(name):
    """Return the weights enum member named ``"<Enum>.<MEMBER>"``.

    Args:
        name (str): e.g. ``"ResNet50_Weights.IMAGENET1K_V2"``.

    Returns:
        WeightsEnum: the member.

    Example::

        >>> from ember.vision import models
        >>> models.get_weight("ResNet50_Weights.IMAGENET1K_V2")
        ResNet50_Weights.IMAGENET1K_V2
    """
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.")

    base_module_name = ".".join(__name__.split(".")[:-1])
    base_module = importlib.import_module(base_module_name)
    model_modules = [base_module] + [
        m for _, m in inspect.getmembers(base_module, inspect.ismodule)
        if getattr(m, "__file__", None) and m.__file__.endswith("__init__.py")
    ]

    weights_enum = None
    for m in model_modules:
        candidate = m.__dict__.get(enum_name, None)
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            weights_enum = candidate
            break

    if weights_enum is None:
        raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")

    return weights_enum[value_name]


def get_model_weights(name):
    """Return the weights enum class of a model builder.

    Args:
        name (callable or str): the builder (``models.resnet18``) or its registered name.

    Returns:
        type: the :class:`WeightsEnum` subclass.

    Example::

        >>> from ember.vision import models
        >>> models.get_model_weights("resnet18")
        <enum 'ResNet18_Weights'>
    """
    model = get_model_builder(name) if isinstance(name, str) else name
    return _get_enum_from_fn(model)


def _get_enum_from_fn(fn):
    """The WeightsEnum named by the type annotation of ``fn``'s ``weights`` parameter."""
    sig = signature(fn)
    if "weights" not in sig.parameters:
        raise ValueError("The method is missing the 'weights' argument.")

    ann = sig.parameters["weights"].annotation
    weights_enum = None
    if isinstance(ann, type) and issubclass(ann, WeightsEnum):
        weights_enum = ann
    else:
        # Optional[T] == Union[T, None]
        for t in get_args(ann):
            if isinstance(t, type) and issubclass(t, WeightsEnum):
                weights_enum = t
                break

    if weights_enum is None:
        raise ValueError(
            "The WeightsEnum class for the specific method couldn't be retrieved. Make sure the typing info is correct."
        )
    return weights_enum


BUILTIN_MODELS = {}


def register_model(name=None):
    """Decorator registering a model builder under ``name`` (default: the function's name).

    Args:
        name (str, optional): the registry key.

    Example::

        >>> from ember.vision.models._api import register_model, BUILTIN_MODELS
        >>> @register_model("my_tiny_net")
        ... def my_tiny_net(*, weights=None, progress=True):
        ...     ...
        >>> "my_tiny_net" in BUILTIN_MODELS
        True
        >>> del BUILTIN_MODELS["my_tiny_net"]
    """

    def wrapper(fn):
        key = name if name is not None else fn.__name__
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn

    return wrapper


def list_models(module=None, include=None, exclude=None):
    """Return the sorted names of the registered models.

    Args:
        module (module, optional): only the models defined in this package
            (e.g. ``ember.vision.models``).
        include (str or iterable of str, optional): ``fnmatch`` patterns; the union of their
            matches is kept.
        exclude (str or iterable of str, optional): ``fnmatch`` patterns removed afterwards.

    Returns:
        list[str]: the model names.

    Example::

        >>> from ember.vision import models
        >>> models.list_models(include="resnet1*")
        ['resnet101', 'resnet152', 'resnet18']
    """
    all_models = {
        k for k, v in BUILTIN_MODELS.items() if module is None or v.__module__.rsplit(".", 1)[0] == module.__name__
    }
    if include:
        models = set()
        if isinstance(include, str):
            include = [include]
        for include_filter in include:
            models = models | set(fnmatch.filter(all_models, include_filter))
    else:
        models = all_models

    if exclude:
        if isinstance(exclude, str):
            exclude = [exclude]
        for exclude_filter in exclude:
            models = models - set(fnmatch.filter(all_models, exclude_filter))
    return sorted(models)


def get_model_builder(name):
    """Return the builder function registered under ``name`` (case-insensitive).

    Args:
        name (str): the model name, e.g. ``"resnet18"``.

    Example::

        >>> from ember.vision import models
        >>> models.get_model_builder("resnet18") is models.resnet18
        True
    """
    name = name.lower()
    try:
        fn = BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}")
    return fn


def get_model(name, **config):
    """Build the model registered under ``name``.

    Args:
        name (str): the model name, e.g. ``"resnet18"``.
        **config: arguments of the builder (``weights=``, ``num_classes=`` ...).

    Returns:
        Module: the model.

    Example::

        >>> from ember.vision import models
        >>> m = models.get_model("resnet18", num_classes=10)
        >>> m.fc
        Linear(in_features=512, out_features=10, bias=True)
    """
    fn = get_model_builder(name)
    return fn(**config)

