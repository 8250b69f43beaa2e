"""``randint``'s call forms as in torch: ``randint(high, size)``, ``randint(high, size=...)``,
``randint(low, high, size)`` and keyword forms; a missing bound or size is a TypeError."""
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("args,kwargs,lo,hi", [
    ((3, (2, 4)), {}, 0, 3),
    ((3,), {"size": (5,)}, 0, 3),
    ((2, 9, (3, 3)), {}, 2, 9),
    ((), {"low": -4, "high": 4, "size": (6,)}, -4, 4),
    ((), {"high": 5, "size": (2, 2)}, 0, 5),
])
def test_randint_forms_match_torch(args, kwargs, lo, hi):
    e = ember.randint(*args, **kwargs)
    t = torch.randint(*args, **kwargs)
    assert tuple(e.shape) == tuple(t.shape) and str(e.dtype) == str(t.dtype)
    assert bool(((e >= lo) & (e < hi)).all())


@pytest.mark.parametrize("args,kwargs", [((5,), {}), ((), {"size": (2,)})])
def test_randint_without_bound_or_size_is_a_type_error(args, kwargs):
    with pytest.raises(TypeError):
        torch.randint(*args, **kwargs)
    with pytest.raises(TypeError):
        ember.randint(*args, **kwargs)
