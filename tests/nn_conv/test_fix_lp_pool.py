"""lp_pool1d/2d/3d with norm_type = +-inf (max pooling of +-|x|) and 0 (an error), values and
gradients as torch."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("p", [float("inf"), float("-inf"), 2.0, 3])
def test_lp_pool_matches_torch(nd, p):
    rng = np.random.default_rng(nd)
    a = rng.standard_normal((2, 3) + (5,) * nd)
    res = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        y = getattr(m.nn.functional, f"lp_pool{nd}d")(x, p, 2, stride=2, ceil_mode=True)
        ok = ~m.isnan(y)
        (y[ok] * 1.5).sum().backward()
        res.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_lp_pool_norm_zero_is_an_error(nd):
    for m in (ember, torch):
        with pytest.raises(ValueError, match="norm_type must be a non-zero value, but got 0"):
            getattr(m.nn.functional, f"lp_pool{nd}d")(m.ones((1, 1) + (4,) * nd), 0, 2)
