"""``ember.nn.utils``: gradient clipping, parameter/vector conversion, parametrizations,
weight/spectral norm, conv-BatchNorm fusion, ``skip_init`` and ``stateless.functional_call``."""
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

from . import parametrize  # noqa: F401,E402
from . import parametrizations  # noqa: F401,E402
from . import stateless  # noqa: F401,E402
from . import fusion  # noqa: F401,E402
from .fusion import fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, \
    fuse_linear_bn_weights  # noqa: F401,E402
from .init import skip_init  # noqa: F401,E402
from .memory_format import convert_conv2d_weight_memory_format, \
    convert_conv3d_weight_memory_format  # noqa: F401,E402
from .spectral_norm import spectral_norm, remove_spectral_norm  # noqa: F401,E402
from .weight_norm import weight_norm, remove_weight_norm  # noqa: F401,E402
