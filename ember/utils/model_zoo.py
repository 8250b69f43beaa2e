"""``ember.utils.model_zoo``: the old home of ``load_url`` (``torch.utils.model_zoo``).

``load_url`` is ``ember.hub.load_state_dict_from_url``: download a checkpoint once into the
hub cache and load it.

Example::

    >>> from ember.utils import model_zoo
    >>> model_zoo.load_url is ember.hub.load_state_dict_from_url
    True
"""
from ..hub import load_state_dict_from_url  # noqa: F401

load_url = load_state_dict_from_url

__all__ = ["load_url"]
