"""Random number generation: ``Generator``, ``manual_seed``, the default generator.

ember draws from NumPy's PCG64 generator, so streams differ from torch's (mt19937), but
seeding works the same way: ``ember.manual_seed(0)`` makes a program reproducible.
"""
import numpy as np

__all__ = ["Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator", "fork_rng"]

_DEFAULT_SEED = 67280421310721  # torch's default_generator initial seed


class Generator:
    """A source of random numbers, as ``torch.Generator``; pass it to sampling functions as ``generator=``.

    A generator owns its own stream, independent of the global one that ``ember.manual_seed``
    seeds, so one part of a program (e.g. data shuffling) can be made reproducible on its
    own. ember draws from NumPy's PCG64, so the numbers differ from torch's for the same seed.

    Args:
        device (str or ember.device): the device whose sampling it serves. Default: ``'cpu'``.

    Example::

        >>> g = ember.Generator().manual_seed(42)
        >>> a = ember.rand(2, generator=g)
        >>> _ = g.manual_seed(42)
        >>> bool((ember.rand(2, generator=g) == a).all())
        True
        >>> g.initial_seed()
        42
    """

    def __init__(self, device="cpu"):
        from ._device import to_device
        self.device = to_device(device)
        self._seed = _DEFAULT_SEED
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        """Seed the generator, restarting its stream; returns the generator itself.

        Args:
            seed (int): the seed (negative values wrap modulo 2**64, as torch).

        Example::

            >>> g = ember.Generator().manual_seed(0)
            >>> g.initial_seed()
            0
        """
        seed = int(seed)
        if seed < 0:
            seed = seed & 0xFFFFFFFFFFFFFFFF
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        """Seed the generator from a non-deterministic source (OS entropy); returns the seed.

        Args:
            (none)

        Example::

            >>> g = ember.Generator()
            >>> s = g.seed()
            >>> g.initial_seed() == s
            True
        """
        s = int(np.random.SeedSequence().entropy) & 0xFFFFFFFFFFFFFFFF
        self.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed the generator was last seeded with.

        Args:
            (none)

        Example::

            >>> ember.Generator().manual_seed(7).initial_seed()
            7
        """
        return self._seed

    def get_state(self):
        """The generator's full state as a uint8 tensor (pass it to ``set_state`` to rewind).

        Args:
            (none)

        Example::

            >>> g = ember.Generator()
            >>> state = g.get_state()
            >>> a = ember.rand(3, generator=g)
            >>> _ = g.set_state(state)
            >>> ember.equal(a, ember.rand(3, generator=g))
            True
        """
        import pickle
        from .functions import tensor
        from . import _dtype as D
        raw = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return tensor(list(raw), dtype=D.uint8)

    def set_state(self, new_state):
        """Restore a state returned by ``get_state``; returns the generator.

        Args:
            new_state (Tensor): a uint8 tensor from ``get_state``.

        Example::

            >>> g = ember.Generator()
            >>> state = g.get_state()
            >>> a = ember.randn(2, generator=g)
            >>> ember.equal(a, ember.randn(2, generator=g.set_state(state)))
            True
        """
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
    if device is not None and device.type == "meta":
        from ._meta import generator  # draws nothing, as torch on meta
        return generator
    return default_generator


def manual_seed(seed):
    """Seed the global random number generator (and CUDA's, when in use); returns it.

    Call it once at the start of a program to make its random numbers (initial weights,
    shuffling, dropout) the same on every run.

    Args:
        seed (int): the seed.

    Returns:
        ember.Generator: the default generator.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> a = ember.rand(3)
        >>> _ = ember.manual_seed(0)
        >>> ember.equal(a, ember.rand(3))
        True
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
    """Seed the global generator from a non-deterministic source; returns the seed used.

    Args:
        (none)

    Example::

        >>> s = ember.seed()
        >>> ember.initial_seed() == s
        True
    """
    return default_generator.seed()


def initial_seed():
    """The seed of the global generator (the last value given to ``manual_seed``/``seed``).

    Args:
        (none)

    Example::

        >>> _ = ember.manual_seed(123)
        >>> ember.initial_seed()
        123
    """
    return default_generator.initial_seed()


def get_rng_state():
    """The global generator's state, as a uint8 tensor (for ``set_rng_state``).

    Args:
        (none)

    Example::

        >>> state = ember.get_rng_state()
        >>> a = ember.rand(2)
        >>> ember.set_rng_state(state)
        >>> ember.equal(a, ember.rand(2))
        True
    """
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the global generator's state from a tensor returned by ``get_rng_state``.

    Args:
        new_state (Tensor): a uint8 tensor from ``ember.get_rng_state()``.

    Example::

        >>> state = ember.get_rng_state()
        >>> a = ember.randn(2)
        >>> ember.set_rng_state(state)
        >>> ember.equal(a, ember.randn(2))
        True
    """
    default_generator.set_state(new_state)


class fork_rng:
    """A context manager that restores the global generator's state when the block exits.

    Random numbers drawn inside the block do not disturb the stream seen outside it.

    Args:
        devices (list, optional): accepted for torch compatibility.
        enabled (bool): when ``False`` the context manager does nothing. Default: ``True``.
        **kwargs: accepted for torch compatibility (e.g. ``device_type``).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> with ember.random.fork_rng():
        ...     _ = ember.rand(5)
        >>> a = ember.rand(1)
        >>> _ = ember.manual_seed(0)
        >>> ember.equal(a, ember.rand(1))
        True
    """

    def __init__(self, devices=None, enabled=True, **kwargs):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            self._state = default_generator.__getstate__()

    def __exit__(self, *exc):
        if self.enabled:
            default_generator.__setstate__(self._state)
