"""ember._tensor_str against torch's own repr, on the same values."""
import math

import numpy as np
import pytest

import ember
from ember import _tensor_str as ts

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _reset_printoptions():
    """Every test starts and ends with torch's and ember's default print options."""
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")
    default = torch.get_default_dtype()
    yield
    torch.set_printoptions(profile="default")
    ts.set_printoptions(profile="default")
    torch.set_default_dtype(default)


def _ember_repr(t, **kw):
    """Our repr of torch tensor ``t``, from its NumPy data and metadata only."""
    data = t.detach()
    if data.dtype == torch.bfloat16:
        arr = data.float().numpy()
    else:
        arr = data.cpu().resolve_conj().numpy()
    grad_fn = t.grad_fn
    return ts.tensor_repr(
        arr, str(t.dtype).split(".")[-1],
        device=str(t.device),
        requires_grad=t.requires_grad,
        grad_fn_name=None if grad_fn is None else type(grad_fn).__name__,
        is_parameter=isinstance(t, torch.nn.Parameter),
        default_dtype_name=str(torch.get_default_dtype()).split(".")[-1],
        **kw)


def check(t):
    expected = repr(t)
    got = _ember_repr(t)
    assert got == expected, f"\nexpected:\n{expected}\ngot:\n{got}"
    assert str(t) == expected  # torch's str is its repr


def _rand(seed, *shape, scale=1.0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)


# ---------------------------------------------------------------------------------- floats

@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e-5, 10.0, 123.0, 1e4, 1e7, 1e9, 1e12, 1e-9])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_repr_random_floats_by_magnitude(scale, shape):
    check(_rand(int(scale * 7) % 1000 + len(shape), *shape, scale=scale))


@pytest.mark.parametrize("values", [
    [1.0, 2.0, 3.0],
    [-1.0, 0.0, 100.0],
    [1e10, 1.0],
    [1.0, 1e-5],
    [0.1, 100.0],           # ratio exactly 1000: not sci
    [0.1, 100.1],           # ratio just above 1000: sci
    [1e8, 1.0],
    [1.5e8],
    [123456789.0, 2.0],
    [0.5, 0.25, 1e3],
    [1.23456, -7.891011],
    [9.99995, 0.00015],     # rounding changes the width
    [0.0001, 0.5],
    [0.00009999, 0.5],
    [3.0, -4.0, 5e9],        # int mode + sci mode
    [1e20, -1e-20],
    [2.0 ** 60, 1.0],
])
def test_repr_float_lists(values):
    check(torch.tensor(values))
    check(torch.tensor(values, dtype=torch.float64))


@pytest.mark.parametrize("values", [
    [float("nan")], [float("inf")], [-float("inf")], [float("nan"), 1.0],
    [float("nan"), 1.5], [float("inf"), -float("inf"), 0.0], [1e-7, float("nan"), float("inf")],
    [0.0], [-0.0], [0.0, -0.0], [-0.0, 1.5], [-0.0, 2.0], [-0.0, 1e-6], [-0.0, float("nan")],
    [100.0, float("-inf")], [1e12, float("nan"), -3.0],
])
def test_repr_nonfinite_and_zero(values):
    check(torch.tensor(values))


@pytest.mark.parametrize("value", [1.5, 0.0, -0.0, 1.0, -3.0, 1e-8, 1e10, 123.456, float("nan"),
                                   float("inf"), -float("inf"), 0.1])
def test_repr_zero_dim_float(value):
    check(torch.tensor(value))
    check(torch.tensor(value, dtype=torch.float64))


def test_repr_integral_floats():
    check(torch.arange(12.0).reshape(3, 4))
    check(torch.arange(-5.0, 5.0))
    check(torch.ones(2, 3))
    check(torch.zeros(4))
    check(torch.zeros(100))  # no non-zero values: width 1 decides the wrapping, not "0."
    check(torch.full((60,), float("nan")))
    check(torch.tensor([-0.0, 0.0] * 30))
    check(torch.tensor([[1.0, -20.0], [300.0, 4.0]]))


# ---------------------------------------------------------------------------------- ints/bools

@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.int16, torch.int8,
                                   torch.uint8])
def test_repr_integer_dtypes(dtype):
    g = torch.Generator().manual_seed(3)
    lo = 0 if dtype == torch.uint8 else -100
    check(torch.randint(lo, 100, (7,), generator=g, dtype=dtype))
    check(torch.randint(lo, 100, (3, 5), generator=g, dtype=dtype))
    check(torch.tensor(5, dtype=dtype))
    check(torch.arange(30, dtype=dtype))


def test_repr_large_and_negative_ints():
    check(torch.tensor([2 ** 62, -2 ** 63, 0, 7]))
    check(torch.tensor([[-1, 2], [300000, -4]]))
    check(torch.tensor([-2 ** 31, 2 ** 31 - 1], dtype=torch.int32))
    check(torch.tensor(-7))


def test_repr_bools():
    check(torch.tensor([True, False, True]))
    check(torch.tensor([[True], [False]]))
    check(torch.tensor(True))
    check(torch.tensor(False))
    check(torch.ones(40, dtype=torch.bool))


# ---------------------------------------------------------------------------------- shapes

@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.int32,
                                   torch.bool, torch.float16, torch.uint8, torch.complex64])
def test_repr_empty(shape, dtype):
    check(torch.zeros(shape, dtype=dtype))


def test_repr_empty_requires_grad():
    check(torch.zeros(0, requires_grad=True))
    check(torch.zeros(0, 2, dtype=torch.float64, requires_grad=True))


@pytest.mark.parametrize("n", [10, 11, 16, 17, 30, 100, 999, 1000])
def test_repr_long_rows_wrap(n):
    check(_rand(n, n))
    check(torch.arange(n))
    check(torch.arange(n, dtype=torch.float32))
    check(_rand(n + 1, n, scale=1e6))


@pytest.mark.parametrize("shape", [(2, 3), (4, 1), (1, 4), (2, 3, 4), (2, 1, 3, 2),
                                   (1, 1, 1, 1), (2, 2, 2, 2, 2), (3, 25)])
def test_repr_multi_dim(shape):
    check(_rand(sum(shape), *shape))
    check(torch.arange(math.prod(shape)).reshape(shape))
    check(_rand(sum(shape), *shape, scale=1e-6))


@pytest.mark.parametrize("shape", [(1001,), (100, 100), (3, 400, 3), (2000, 1), (1, 2000),
                                   (10, 10, 11), (7, 7, 7, 7)])
def test_repr_summarised(shape):
    check(_rand(len(shape), *shape))
    check(torch.arange(math.prod(shape)).reshape(shape))
    check(torch.arange(math.prod(shape), dtype=torch.float64).reshape(shape) * 1e-3)


def test_repr_summary_formatter_uses_shown_values_only():
    t = torch.ones(2000)
    t[500] = 1e-9  # hidden by the summary: no sci mode
    check(t)
    t[1] = 0.5  # shown: not int mode any more
    check(t)


# ---------------------------------------------------------------------------------- dtypes

@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
@pytest.mark.parametrize("scale", [1.0, 1e-3, 300.0, 1e4])
def test_repr_low_and_double_precision(dtype, scale):
    check(_rand(5, 6, scale=scale, dtype=dtype))
    check(_rand(6, 2, 3, scale=scale, dtype=dtype))
    check(torch.tensor(2.5, dtype=dtype))
    check(torch.tensor([1.0, 2.0], dtype=dtype))


def test_repr_half_extremes():
    check(torch.tensor([65504.0, 6e-8, 1.0], dtype=torch.float16))
    check(torch.tensor([3.0e38, 1.0], dtype=torch.bfloat16))
    check(torch.tensor([float("inf"), 1.0], dtype=torch.float16))


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_repr_complex(dtype):
    check(torch.tensor([1 + 2j, -3.5 - 0.25j, 0j], dtype=dtype))
    check(torch.tensor([[1 + 1j, 2 - 2j], [0 - 0j, 1e5j]], dtype=dtype))
    check(torch.tensor(1.5 - 2j, dtype=dtype))
    check(torch.tensor([complex("nan+infj"), 1 - 1j], dtype=dtype))
    g = torch.Generator().manual_seed(0)
    check(torch.randn(30, generator=g, dtype=dtype))
    check(torch.randn(1200, generator=g, dtype=dtype))


def test_repr_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    check(torch.tensor([1.5, 2.0]))
    check(torch.tensor([1.5, 2.0], dtype=torch.float32))
    check(torch.tensor([1 + 1j]))
    check(torch.tensor([1 + 1j], dtype=torch.complex64))
    check(torch.zeros(0, dtype=torch.float32))
    check(torch.zeros(0))


# ---------------------------------------------------------------------------------- autograd

def test_repr_requires_grad_and_grad_fn():
    a = torch.tensor([1.5, -2.0], requires_grad=True)
    check(a)
    check(a + 1)
    check((a * a).sum())
    check(a.double())
    check(torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True) * 2)
    check(torch.arange(1000.0, requires_grad=True).reshape(10, 100))
    check(_rand(2, 16, 5).requires_grad_())  # wide rows push the suffix to its own line


def test_repr_parameter():
    check(torch.nn.Parameter(_rand(0, 3, 2)))
    check(torch.nn.Parameter(torch.zeros(3, dtype=torch.float64)))
    check(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    check(torch.nn.Parameter(torch.zeros(0, 4)))


def test_repr_suffix_wraps_at_linewidth():
    # the last row plus ", dtype=torch.float64" is just around 80 characters
    for n in range(5, 14):
        check(_rand(n, n, dtype=torch.float64))
        check(_rand(n, 2, n, dtype=torch.float64, scale=1e-7).requires_grad_())


def test_repr_suffix_wrap_boundary_every_line_length():
    # sweeps the last line's length through the wrap threshold for each suffix combination
    for digits in range(1, 10):
        for k in range(1, 30):
            value = 10 ** (digits - 1) * (-1) ** k
            check(torch.full((k,), value, dtype=torch.int32))
            check(torch.full((k,), value, dtype=torch.float32).requires_grad_())
            check(torch.full((2, k), value, dtype=torch.int32))


def test_repr_device_suffix():
    arr = np.array([1.0, 2.0], dtype=np.float32)
    assert ts.tensor_repr(arr, "float32", device="cuda:0") == \
        "tensor([1., 2.], device='cuda:0')"
    assert ts.tensor_repr(arr, "float32", device="cuda") == \
        "tensor([1., 2.], device='cuda:0')"
    assert ts.tensor_repr(arr, "float64", device="cuda:1", requires_grad=True) == \
        "tensor([1., 2.], device='cuda:1', dtype=torch.float64, requires_grad=True)"
    assert ts.tensor_repr(arr, "float32", device="cpu") == repr(torch.tensor([1.0, 2.0]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA for torch's device repr")
def test_repr_device_suffix_matches_torch_cuda():
    check(torch.tensor([1.0, 2.0], device="cuda"))
    check(torch.zeros(0, 3, device="cuda", dtype=torch.int32))
    check(torch.arange(100.0, device="cuda", dtype=torch.float64).requires_grad_())


# ---------------------------------------------------------------------------------- options

def _both(**kw):
    torch.set_printoptions(**kw)
    ts.set_printoptions(**kw)
    assert ts.get_printoptions() == {k: getattr(torch._tensor_str.PRINT_OPTS, k)
                                     for k in ts.get_printoptions()}


_OPTION_CASES = [
    lambda: torch.tensor([1.12345, 2.5, -3.14159]),
    lambda: _rand(1, 4, 5),
    lambda: _rand(2, 3, 4, scale=1e-6),
    lambda: _rand(3, 20, scale=1e5),
    lambda: torch.arange(10),
    lambda: torch.arange(24.0).reshape(2, 3, 4),
    lambda: torch.tensor([1 + 2.5j, 3 - 1j]),
    lambda: _rand(4, 50, dtype=torch.float64),
    lambda: torch.tensor([True, False] * 6),
    lambda: torch.tensor(3.14159),
    lambda: _rand(5, 2000),
]


@pytest.mark.parametrize("options", [
    dict(precision=2), dict(precision=0), dict(precision=8), dict(sci_mode=False),
    dict(sci_mode=True), dict(threshold=5), dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0), dict(edgeitems=0), dict(linewidth=40), dict(linewidth=10),
    dict(profile="short"), dict(profile="full"), dict(profile="short", precision=6),
    dict(precision=3, sci_mode=True, linewidth=60),
])
def test_repr_with_printoptions(options):
    _both(**options)
    for make in _OPTION_CASES:
        check(make())
    _both(profile="default")
    for make in _OPTION_CASES:
        check(make())


def test_set_printoptions_resets_sci_mode_and_keeps_others():
    ts.set_printoptions(precision=2, sci_mode=True)
    ts.set_printoptions(linewidth=50)
    opts = ts.get_printoptions()
    assert opts == dict(precision=2, threshold=1000, edgeitems=3, linewidth=50, sci_mode=None)
    for kw in (dict(profile="short", sci_mode=False), dict(threshold=7), dict(profile="full")):
        torch.set_printoptions(**kw)
        ts.set_printoptions(**kw)
        assert ts.get_printoptions() == {k: getattr(torch._tensor_str.PRINT_OPTS, k)
                                         for k in opts}


def test_printoptions_context_manager_restores():
    t = torch.tensor([1.12345])
    with ts.printoptions(precision=1):
        torch.set_printoptions(precision=1)
        check(t)
        torch.set_printoptions(profile="default")
    check(t)
    assert ts.get_printoptions()["precision"] == 4


def test_set_printoptions_bad_profile():
    with pytest.raises(ValueError, match="profile"):
        ts.set_printoptions(profile="huge")


def test_tensor_str_accepts_dtype_spellings():
    arr = np.array([1.0, 2.0])
    expected = repr(torch.tensor([1.0, 2.0], dtype=torch.float64))
    for name in ("float64", "torch.float64", "double", "ember.float64"):
        assert ts.tensor_repr(arr, name) == expected
    assert ts.tensor_str(arr, "float64") == "[1., 2.]"
    body = repr(torch.tensor([[1, 2], [3, 4]]))[len("tensor("):-1]
    assert ts.tensor_str(np.array([[1, 2], [3, 4]]), "int64", indent=7) == body


# ---------------------------------------------------------------------------------- ember.Tensor

def _ember_ready():
    try:
        return isinstance(ember.tensor([1.0]), ember.Tensor)
    except Exception:  # the core is still being written
        return False


_EMBER_CASES = [
    1.5, [1.0, 2.0, 3.0], [[1.5, -2.25], [1e-5, 3.0]], [1, 2, 3], [True, False],
    [[1e10, 1.0]], list(range(50)), [float("nan"), 1.0],
]


@pytest.mark.skipif(not _ember_ready(), reason="ember.tensor is not available yet")
@pytest.mark.parametrize("data", _EMBER_CASES)
def test_ember_tensor_repr_matches_torch(data):
    assert repr(ember.tensor(data)) == repr(torch.tensor(data))
    assert str(ember.tensor(data)) == str(torch.tensor(data))


@pytest.mark.skipif(not _ember_ready(), reason="ember.tensor is not available yet")
def test_ember_tensor_repr_suffixes_match_torch():
    e = ember.tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(e) == repr(t)
    assert repr(ember.tensor([1.0, 2.0], dtype=ember.float64)) == \
        repr(torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert repr(ember.zeros(0, 3)) == repr(torch.zeros(0, 3))
    assert repr(ember.arange(2000)) == repr(torch.arange(2000))


def test_repr_random_mix_matches_torch():
    """Seeded sweep over shapes, dtypes, magnitudes, non-finite values and options."""
    rng = np.random.default_rng(1234)
    dtypes = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64,
              torch.int32, torch.uint8, torch.bool, torch.complex64]
    options = [dict(), dict(precision=1), dict(sci_mode=False), dict(threshold=20, edgeitems=2),
               dict(linewidth=30), dict(precision=6, sci_mode=True)]
    for i in range(150):
        shape = tuple(int(rng.choice([1, 2, 3, 5, 9, 40])) for _ in range(rng.integers(0, 4)))
        dtype = dtypes[i % len(dtypes)]
        x = torch.from_numpy(np.asarray(rng.standard_normal(shape) * 10.0 ** rng.uniform(-9, 9)))
        if i % 3 == 0:
            x = x.round()
        if i % 5 == 0 and x.numel() > 1:
            x.view(-1)[0] = float(rng.choice([np.nan, np.inf, -np.inf, -0.0]))
        if dtype == torch.bool:
            x = x > 0
        elif not (dtype.is_floating_point or dtype.is_complex):
            x = torch.nan_to_num(x).clamp(0 if dtype == torch.uint8 else -100, 100)
        t = x.to(dtype)
        opts = options[i % len(options)]
        torch.set_printoptions(**opts)
        ts.set_printoptions(**opts)
        check(t)
        torch.set_printoptions(profile="default")
        ts.set_printoptions(profile="default")


@pytest.mark.skipif(not _ember_ready(), reason="ember.tensor is not available yet")
def test_ember_tensor_repr_grad_fn_dtypes_and_options_match_torch():
    for lib in (ember, torch):
        lib.manual_seed(0)
    pairs = []
    for lib in (ember, torch):
        a = lib.tensor([1.5, -2.0, 3.25], requires_grad=True)
        pairs.append([a + 1, a * a, (a * 2).sum(), lib.tensor(2.5),
                      lib.tensor([1, 2], dtype=lib.int32), lib.tensor([], dtype=lib.int64),
                      lib.tensor([0.5, 1.0], dtype=lib.float16), lib.arange(12.0).reshape(3, 4),
                      lib.tensor([[1e-6, 1.0]]), lib.zeros(2, 0, 3)])
    for e, t in zip(*pairs):
        assert repr(e) == repr(t)
    ember.set_printoptions(precision=2, threshold=5)
    torch.set_printoptions(precision=2, threshold=5)
    assert ember.get_printoptions() == ts.get_printoptions()
    assert repr(ember.tensor([1.23456] * 10)) == repr(torch.tensor([1.23456] * 10))
    ember.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    assert repr(ember.tensor([1.23456] * 10)) == repr(torch.tensor([1.23456] * 10))


@pytest.mark.skipif(not _ember_ready(), reason="ember.tensor is not available yet")
def test_ember_parameter_repr_matches_torch():
    if not hasattr(getattr(ember, "nn", None), "Parameter"):
        pytest.skip("ember.nn.Parameter is not available yet")
    e = ember.nn.Parameter(ember.tensor([[1.0, 2.5], [3.0, 4.0]]))
    t = torch.nn.Parameter(torch.tensor([[1.0, 2.5], [3.0, 4.0]]))
    assert repr(e) == repr(t)
    assert repr(ember.nn.Parameter(ember.ones(3), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(3), requires_grad=False))
