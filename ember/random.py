"""Random number generation: ``Generator``, ``manual_seed``, the default generator.

ember draws from NumPy's PCG64 generator, so streams differ from torch's (mt19937), but
seeding works the same way: ``ember.manual_seed(0)`` makes a program reproducible.
"""
import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator", "fork_rng"]

_DEFAULT_SEED = 67280421310721  # torch's default_generator initial seed


class Generator:
    """A source of random numbers, as ``torch.Generator``; pass it as ``generator=``.

    Args:
        device (str or ember.device): where its numbers are used (``'cpu'`` default).

    Example::

        >>> g = ember.Generator().manual_seed(42)
        >>> a = ember.rand(2, generator=g)
        >>> _ = g.manual_seed(42)
        >>> bool((ember.rand(2, generator=g) == a).all())
        True
    """

    def __init__(self, device="cpu"):
        from ._device import to_device
        self.device = to_device(device)
        self._seed = _DEFAULT_SEED
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        """Seed the generator; returns it."""
        seed = int(seed)
        if seed < 0:
            seed = seed & 0xFFFFFFFFFFFFFFFF
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        """Seed from a non-deterministic source; returns the seed."""
        s = int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last set."""
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (pass it back to ``set_state``)."""
        import pickle
        from .functions import tensor
        from . import _dtype as D
        raw = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return tensor(list(raw), dtype=D.uint8)

    def set_state(self, new_state):
        """Restore a state returned by ``get_state``."""
        import pickle
        seed, st = pickle.loads(bytes(np.asarray(new_state).astype(np.uint8).tolist()))
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64())
        self._rng.bit_generator.state = st
        return self

    def __getstate__(self):
        return {"device": str(self.device), "seed": self._seed,
                "state": self._rng.bit_generator.state}

    def __setstate__(self, d):
        from ._device import to_device
        self.device = to_device(d["device"])
        self._seed = d["seed"]
        self._rng = np.random.Generator(np.random.PCG64())
        self._rng.bit_generator.state = d["state"]


default_generator = Generator()


def _get(generator, device=None):
    """The generator to draw from: ``generator``, else the default one of ``device`` (CUDA
    devices have their own, seeded by ``ember.cuda.manual_seed``; numbers are drawn on the
    host and moved)."""
    if generator is not None:
        return generator
    if device is not None and device.type == "cuda":
        from .cuda import _default_generator
        return _default_generator(device.index)
    return default_generator


def manual_seed(seed):
    """Seed the default generator (and CUDA's, when present); returns it.

    Args:
        seed (int): the seed.

    Example::

        >>> _ = ember.manual_seed(0)
    """
    default_generator.manual_seed(seed)
    try:
        from . import cuda
        if cuda._initialized():
            cuda.manual_seed_all(seed)
    except (ImportError, AttributeError):
        pass
    return default_generator


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator's state."""
    default_generator.set_state(new_state)


class fork_rng:
    """Context manager that restores the default generator's state on exit."""

    def __init__(self, devices=None, enabled=True, **kwargs):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self._state = default_generator.__getstate__()

    def __exit__(self, *exc):
        if self.enabled:
            default_generator.__setstate__(self._state)
