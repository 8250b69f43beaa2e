"""``ember.nn.utils``: gradient clipping and parameter/vector conversion."""
from . import clip_grad  # noqa: F401
from . import convert_parameters  # noqa: F401
from .clip_grad import clip_grad_norm_, clip_grad_norm, clip_grad_value_, get_total_norm, \
    clip_grads_with_norm_  # noqa: F401
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401

try:  # sequence packing lives in rnn.py (written separately)
    import importlib as _importlib
    rnn = _importlib.import_module(__name__ + ".rnn")
except ModuleNotFoundError as _exc:  # pragma: no cover - until that file exists
    if _exc.name != __name__ + ".rnn":
        raise
