"""Tensor methods taking sizes/dims as varargs also accept torch's keyword form
(``x.flip(dims=[1])``, ``x.view(size=...)``, ``x.split(split_size=...)``)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

CASES = [("flip", dict(dims=[1])), ("permute", dict(dims=(1, 0))), ("reshape", dict(shape=(3, 2))),
         ("view", dict(size=(3, 2))), ("repeat", dict(repeats=(2, 1))),
         ("expand", dict(size=(2, 2, 3))), ("split", dict(split_size=1, dim=0)),
         ("split", dict(split_size=[1, 2], dim=1))]


@pytest.mark.parametrize("name,kw", CASES)
def test_keyword_forms_match_torch(name, kw):
    got = getattr(ember.arange(6.0).view(2, 3), name)(**kw)
    want = getattr(torch.arange(6.0).view(2, 3), name)(**kw)
    got, want = (got, want) if isinstance(want, tuple) else ((got,), (want,))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'x'"):
        ember.zeros(2, 3).permute(dims=(1, 0), x=1)
