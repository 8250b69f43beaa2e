"""Sums that meet inf + -inf (NaN) or overflow (inf) give torch's values without NumPy's
RuntimeWarnings (torch is silent). (Elementwise ops such as ``inf - inf`` still let NumPy's
warning through: not covered here.)"""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("values", [[float("inf"), -float("inf")], [3e38, 3e38],
                                    [float("nan"), 1.0]])
@pytest.mark.parametrize("fn", ["sum", "nansum", "var", "std", "mean"])
def test_reduction_of_special_values_is_silent_and_matches_torch(fn, values):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = getattr(ember.tensor(values), fn)()
    t = getattr(torch.tensor(values), fn)()
    np.testing.assert_array_equal(e.numpy(), t.numpy())
