"""vmap (``torch.func.vmap``) by slicing: call the function once per batch element, stack.

torch implements vmap with batched tensors that carry the batch dimension through every
op. ember gets the same results by selecting element ``b`` of every batched input (a view,
so in-place updates reach the input as in torch), calling the function on those slices and
stacking each output along its ``out_dim``. Because each call is an ordinary ember
computation, vmap composes with every other transform and with autograd: ``vmap(grad(f))``
gives per-sample gradients, nested vmaps map over several dimensions, and gradients flow
back through ``stack`` and ``select`` to the inputs.

Randomness follows torch's ``randomness`` flag: ``'different'`` lets each element draw its
own numbers, ``'same'`` rewinds the random generators before every element so all elements
see the same numbers, and ``'error'`` raises if the function draws random numbers.
"""
import contextlib
import functools
import sys

import numpy as np

from .._tensor import Tensor
from ._pytree import broadcast_prefix, tree_flatten, tree_unflatten

__all__ = ["vmap"]


def _check_randomness_arg(randomness):
    if randomness not in ("error", "different", "same"):
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _get_name(func):
    if hasattr(func, "__name__"):
        return func.__name__
    if isinstance(func, functools.partial):
        return f"functools.partial({_get_name(func.func)}, ...)"
    return repr(func)


class _RngWatch:
    """Watches the default random generators across calls of the mapped function.

    ``mode='error'``: raise torch's error if a call drew random numbers; ``'same'``: rewind
    the generators to their state before the first call before every later call;
    ``'different'``: leave them alone. ``used`` records whether any call drew numbers."""

    _MSG = ("vmap: called random operation while in randomness error mode. Please either use "
            "the 'same' or 'different' randomness flags on vmap or perform the randomness "
            "operation out of vmap")

    def __init__(self, mode):
        self.mode = mode
        self.used = False
        self.start = None

    @staticmethod
    def _generators():
        from .. import random as _random
        gens = [_random.default_generator]
        cuda = sys.modules.get("ember.cuda")
        gens.extend(getattr(cuda, "_generators", {}).values())
        return gens

    def _snapshot(self):
        return [(g, g._rng, g._seed, g._rng.bit_generator.state) for g in self._generators()]

    @staticmethod
    def _changed(snap):
        return any(g._rng is not rng or g._seed != seed or g._rng.bit_generator.state != st
                   for g, rng, seed, st in snap)

    @staticmethod
    def _restore(snap):
        for g, _, seed, st in snap:
            g._seed = seed
            g._rng = np.random.Generator(np.random.PCG64())
            g._rng.bit_generator.state = st

    @contextlib.contextmanager
    def call(self):
        if self.mode == "same" and self.start is not None:
            self._restore(self.start)
            snap = self.start
        else:
            snap = self._snapshot()
            if self.mode == "same":
                self.start = snap
        yield
        if self._changed(snap):
            self.used = True
            if self.mode == "error":
                raise RuntimeError(self._MSG)


def _process_batched_inputs(in_dims, args, func):
    name = _get_name(func)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` "
                         "to be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if len(args) == 0:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. "
                         "The latter is unsupported.")
    flat_args, spec = tree_flatten(args)
    flat_in_dims = broadcast_prefix(in_dims, spec)
    if flat_in_dims is None:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                         "compatible with the structure of `inputs`. in_dims has structure "
                         f"{tree_flatten(in_dims)[1]} but inputs has structure {spec}.")
    for i, (arg, d) in enumerate(zip(flat_args, flat_in_dims)):
        if d is not None and (not isinstance(d, int) or isinstance(d, bool)):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             "for an input but in_dim must be either an integer dimension or "
                             "None.")
        if isinstance(d, int) and not isinstance(arg, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(arg)}. We cannot "
                             "vmap over non-Tensor arguments, please use None as the "
                             "respective in_dim")
        if d is not None and (d < -arg.dim() or d >= arg.dim()):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             "for some input, but that input is a Tensor of dimensionality "
                             f"{arg.dim()} so expected in_dim to satisfy -{arg.dim()} <= "
                             f"in_dim < {arg.dim()}.")
        if d is not None and d < 0:
            flat_in_dims[i] = d % arg.dim()
    sizes = [a.shape[d] for a, d in zip(flat_args, flat_in_dims) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], flat_in_dims, flat_args, spec


def _check_out_dims(out_dims, func):
    if isinstance(out_dims, int):
        return
    for x in tree_flatten(out_dims)[0]:
        if x is not None and not isinstance(x, int):
            raise ValueError(f"vmap({_get_name(func)}, ..., out_dims={out_dims}): `out_dims` "
                             "must be an int, None or a python collection of ints representing "
                             "where in the outputs the vmapped dimension should appear.")


def _flat_out_dims(out_dims, output, ospec, func):
    def incompatible():
        raise ValueError(f"vmap({_get_name(func)}, ..., out_dims={out_dims})(<inputs>): "
                         "out_dims is not compatible with the structure of `outputs`. out_dims "
                         f"has structure {tree_flatten(out_dims)[1]} but outputs has structure "
                         f"{ospec}.")
    if isinstance(output, Tensor):
        if isinstance(out_dims, int) or out_dims is None:
            return [out_dims]
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            return list(out_dims)
        incompatible()
    flat = broadcast_prefix(out_dims, ospec)
    if flat is None:
        incompatible()
    return flat


def _same_everywhere(vals):
    first = vals[0]
    if all(v is first for v in vals):
        return True
    if not all(isinstance(v, Tensor) for v in vals):
        return all(v == first for v in vals)
    a0 = first.detach().cpu().numpy()
    return all(tuple(v.shape) == tuple(first.shape)
               and np.array_equal(v.detach().cpu().numpy(), a0, equal_nan=True) for v in vals)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorize ``func`` over a batch dimension of its inputs, as ``torch.func.vmap``.

    ``vmap(f)(x)`` computes ``f`` on every ``x[i]`` and stacks the results: ``f`` is written
    for one example and runs over a batch. Inputs may be nested tuples/lists/dicts of
    tensors; ``in_dims`` says which dimension of each input is the batch (``None``: not
    batched, passed whole to every call); ``out_dims`` where the batch dimension goes in each
    output. Transforms compose: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)``
    gives per-sample gradients, ``vmap(vmap(f))`` maps over two dimensions. Keyword arguments
    are passed to every call unbatched.

    ember runs ``func`` once per batch element on views of the inputs (see the module
    notes), so results and gradients equal torch's; the speed is that of a Python loop.

    Args:
        func (callable): the function to vectorize; returns a tensor or a nest of tensors
            (non-tensor outputs need ``out_dims=None``).
        in_dims (int, None or nested tuple, optional): the batch dimension of each input (a
            prefix of the inputs' structure: an int or None applies to a whole sub-nest).
            Default: 0.
        out_dims (int, None or nested tuple, optional): where to put the batch dimension in
            each output; ``None`` for outputs that do not depend on the batch. Default: 0.
        randomness (str, optional): ``'error'`` (random operations raise), ``'different'``
            (each element draws its own numbers) or ``'same'`` (every element sees the same
            numbers). Default: ``'error'``.
        chunk_size (int, optional): torch's memory knob (how many elements per inner vmap);
            must be None or positive. ember already processes one element at a time, so it
            does not change the result. Default: None.

    Example::

        >>> x, y = ember.tensor([[1., 2.], [3., 4.]]), ember.tensor([10., 20.])
        >>> ember.func.vmap(lambda a, b: a * b)(x, y)
        tensor([[10., 20.],
                [60., 80.]])
        >>> ember.func.vmap(ember.dot, in_dims=(0, None))(x, ember.tensor([1., 1.]))
        tensor([3., 7.])
    """
    _check_randomness_arg(randomness)
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    def wrapped(*args, **kwargs):
        _check_out_dims(out_dims, func)
        batch, flat_in_dims, flat_args, spec = _process_batched_inputs(in_dims, args, func)
        watch = _RngWatch(randomness)
        results = []
        if batch == 0:
            # no element to slice: run once on zeros shaped like one element, for the
            # output structure and shapes, and return empty batches
            sample = [a if d is None else
                      a.new_zeros(tuple(a.shape[:d]) + tuple(a.shape[d + 1:]))
                      for a, d in zip(flat_args, flat_in_dims)]
            with watch.call():
                results.append(func(*tree_unflatten(sample, spec), **kwargs))
        for b in range(batch):
            sl = [a if d is None else a.select(d, b) for a, d in zip(flat_args, flat_in_dims)]
            with watch.call():
                results.append(func(*tree_unflatten(sl, spec), **kwargs))
        flat0, ospec = tree_flatten(results[0])
        flats = [flat0]
        for r in results[1:]:
            f, s = tree_flatten(r)
            if s != ospec:
                raise ValueError(f"vmap({_get_name(func)}, ...): `{_get_name(func)}` returned "
                                 f"outputs of different structures for different batch "
                                 f"elements: {ospec} and {s}")
            flats.append(f)
        flat_od = _flat_out_dims(out_dims, results[0], ospec, func)
        from ..functions import stack
        outs = []
        name = _get_name(func)
        for j, od in enumerate(flat_od):
            vals = [f[j] for f in flats]
            if od is None:
                if batch > 1 and not _same_everywhere(vals):
                    raise ValueError(f"vmap({name}, ...): `{name}` can not return a "
                                     "BatchedTensor when out_dim is None")
                outs.append(vals[0])
                continue
            if not isinstance(vals[0], Tensor):
                raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got "
                                 f"type {type(vals[0])}. Did you mean to set out_dims= to None "
                                 "for output?")
            if batch == 0:
                o = vals[0]
                nd = o.dim() + 1
                if not -nd <= od < nd:
                    raise IndexError(f"Dimension out of range (expected to be in range of "
                                     f"[{-nd}, {nd - 1}], but got {od})")
                shape = list(o.shape)
                shape.insert(od % nd, 0)
                outs.append(o.detach().new_zeros(tuple(shape)))
            else:
                outs.append(stack(vals, dim=od))
        return tree_unflatten(outs, ospec)

    try:
        wrapped = functools.wraps(func)(wrapped)
    except (AttributeError, TypeError):
        pass
    return wrapped
