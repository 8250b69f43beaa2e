"""Shared helpers of the ember.vision.models tests: build the same architecture in torchvision and
ember, copy torchvision's weights into ember, randomise weights so every layer matters."""
import contextlib
import math

import numpy as np

import ember
import ember.nn.init as ember_init

_INIT_FNS = ("kaiming_normal_", "kaiming_uniform_", "normal_", "uniform_", "constant_", "zeros_", "ones_",
             "trunc_normal_", "xavier_uniform_", "xavier_normal_")


@contextlib.contextmanager
def no_init(monkeypatch, torch=None):
    """Skip the random initialisation (ember's, and torch's when given) while building models
    whose values are overwritten anyway, or whose values do not matter (keys, shapes, reprs)."""
    with monkeypatch.context() as mp:
        for name in _INIT_FNS:
            mp.setattr(ember_init, name, lambda t, *a, **k: t)
            if torch is not None:
                mp.setattr(torch.nn.init, name, lambda t, *a, **k: t)
        yield


def randomize_torch_(model, torch, seed=0):
    """Give every parameter and buffer of a torch model random values of a sensible scale, so
    each layer influences the output (BatchNorm statistics included)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if not p.is_floating_point():
                continue
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "running_var":
                p.uniform_(0.5, 1.5, generator=g)
            elif leaf == "running_mean":
                p.uniform_(-0.2, 0.2, generator=g)
            elif p.dim() >= 2 and leaf in ("weight", "in_proj_weight"):
                p.normal_(0.0, math.sqrt(2.0 / math.prod(p.shape[1:])), generator=g)
            elif p.dim() == 1 and leaf == "weight":  # norm layers
                p.uniform_(0.5, 1.5, generator=g)
            elif p.dim() == 1:  # biases
                p.uniform_(-0.1, 0.1, generator=g)
            else:  # class token, position embedding
                p.normal_(0.0, 0.5, generator=g)
    return model


def to_ember_state_dict(torch_state_dict):
    """torch state dict -> {name: ember tensor} through NumPy (sharing memory with torch's
    tensors: ``load_state_dict`` copies them into the model)."""
    return {k: ember.from_numpy(v.detach().cpu().numpy()) for k, v in torch_state_dict.items()}


def keys_and_shapes(state_dict):
    return [(k, tuple(v.shape)) for k, v in state_dict.items()]


def rel_err(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def param_count(model):
    return sum(p.numel() for p in model.parameters())
