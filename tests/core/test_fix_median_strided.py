"""median with NaN, out-of-place as_strided (storage offsets, views, gradients), the duplicate-dim
error text and data_ptr of empty tensors, with torch as the oracle."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

NAN = float("nan")
FLOATS = ["float16", "bfloat16", "float32", "float64"]


def _np(t):
    t = t.detach()
    if t.dtype == torch.bfloat16:
        t = t.float()
    return t.numpy()


def _enp(e):
    e = e.detach()
    if e.dtype == ember.bfloat16:
        e = e.float()
    return e.numpy()


def _pair(a, dtype="float32", requires_grad=False):
    a = np.asarray(a, dtype=np.float64)
    t = torch.tensor(a).to(getattr(torch, dtype)).requires_grad_(requires_grad)
    e = ember.tensor(a).to(getattr(ember, dtype)).requires_grad_(requires_grad)
    return t, e


def _same(t, e, check_stride=True):
    assert tuple(e.shape) == tuple(t.shape)
    assert str(e.dtype) == str(t.dtype)
    if check_stride:
        assert e.stride() == t.stride()
    np.testing.assert_allclose(_enp(e).astype(np.float64), _np(t).astype(np.float64),
                               rtol=1e-6, atol=1e-6, equal_nan=True)


def _nan_data(shape, seed):
    """Distinct values (no ties) with NaNs sprinkled in; some rows all-NaN, some NaN-free."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    a = rng.permutation(n).astype(np.float64).reshape(shape) - n / 2
    a[rng.random(shape) < 0.3] = np.nan
    return a


# ------------------------------------------------------------------ median


@pytest.mark.parametrize("dtype", FLOATS)
def test_median_row_with_nan_matches_torch(dtype):
    t, e = _pair([[1, NAN, 3], [4, 5, 6], [NAN, NAN, 1], [2, 7, NAN]], dtype)
    for d in (0, 1, -1):
        for keepdim in (False, True):
            rt, re = torch.median(t, d, keepdim=keepdim), ember.median(e, d, keepdim=keepdim)
            _same(rt.values, re.values)
            assert re.indices.tolist() == rt.indices.tolist()
            assert str(re.indices.dtype) == "torch.int64"
    _same(torch.median(t), ember.median(e))
    _same(t.median(), e.median())
    rt, re = t.median(1), e.median(dim=1)
    _same(rt.values, re.values)
    assert re.indices.tolist() == rt.indices.tolist()


@pytest.mark.parametrize("shape,dim", [((5,), 0), ((4, 6), 1), ((4, 6), 0), ((3, 4, 5), 1),
                                        ((2, 3, 4), -1)])
@pytest.mark.parametrize("seed", [0, 1])
def test_median_random_with_nan_matches_torch(shape, dim, seed):
    t, e = _pair(_nan_data(shape, seed), "float64")
    rt, re = torch.median(t, dim), ember.median(e, dim)
    _same(rt.values, re.values)
    assert re.indices.tolist() == rt.indices.tolist()
    _same(torch.median(t), ember.median(e))


def test_median_without_nan_and_integers_match_torch():
    t, e = _pair([[3, 1, 2, 8], [9, -1, 4, 0]])
    rt, re = torch.median(t, 1), ember.median(e, 1)
    _same(rt.values, re.values)
    assert re.indices.tolist() == rt.indices.tolist()
    ti, ei = torch.tensor([[5, 1, 3], [2, 8, 6]]), ember.tensor([[5, 1, 3], [2, 8, 6]])
    rt, re = torch.median(ti, 0), ember.median(ei, 0)
    assert re.values.tolist() == rt.values.tolist() and re.indices.tolist() == rt.indices.tolist()
    assert ember.median(ei).item() == torch.median(ti).item()
    t, e = _pair([1.0, float("inf"), -float("inf"), 2.0])
    _same(torch.median(t), ember.median(e))


def test_median_zero_dim_and_empty_match_torch():
    t, e = _pair(NAN)
    _same(torch.median(t), ember.median(e))
    t, e = _pair(3.0)
    for d in (0, -1):
        for keepdim in (False, True):
            rt, re = torch.median(t, d, keepdim), ember.median(e, d, keepdim)
            _same(rt.values, re.values)
            assert tuple(re.indices.shape) == tuple(rt.indices.shape)
            assert re.indices.item() == rt.indices.item()
    with pytest.raises(IndexError) as et:
        torch.median(t, 1)
    with pytest.raises(IndexError) as ee:
        ember.median(e, 1)
    assert str(ee.value) == str(et.value)
    te, ee_ = torch.empty(0, 3), ember.empty(0, 3)
    _same(torch.median(te), ember.median(ee_))
    rt, re = torch.median(te, 1, keepdim=True), ember.median(ee_, 1, keepdim=True)
    _same(rt.values, re.values, check_stride=False)
    assert tuple(re.indices.shape) == tuple(rt.indices.shape) == (0, 1)
    for fn in (lambda m, x: m.median(x, 0), lambda m, x: m.nanmedian(x, 0)):
        with pytest.raises(IndexError) as et:
            fn(torch, te)
        with pytest.raises(IndexError) as ee:
            fn(ember, ee_)
        assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("call", [lambda m, x: m.median(x), lambda m, x: m.median(x, 0)])
@pytest.mark.parametrize("dtype", ["bool", "complex64"])
def test_median_unsupported_dtypes_match_torch(call, dtype):
    t = torch.tensor([1, 0, 1]).to(getattr(torch, dtype))
    e = ember.tensor([1, 0, 1]).to(getattr(ember, dtype))
    with pytest.raises(NotImplementedError) as et:
        call(torch, t)
    with pytest.raises(NotImplementedError) as ee:
        call(ember, e)
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("data", [
    [[1, NAN, 3, NAN], [4, 2, 6, 5]],
    [[2, 2, 1, 3], [2, 7, 2, 2]],
    [[NAN, 1, 2, 3], [0, 1, 2, NAN]],
])
def test_median_gradients_match_torch(data):
    t, e = _pair(data, "float64", requires_grad=True)
    w = np.arange(1.0, 3.0)
    for keepdim in (False, True):
        t.grad = e.grad = None
        vt, _ = torch.median(t, 1, keepdim=keepdim)
        ve, _ = ember.median(e, 1, keepdim=keepdim)
        (vt.reshape(-1) * torch.tensor(w)).sum().backward()
        (ve.reshape(-1) * ember.tensor(w)).sum().backward()
        _same(t.grad, e.grad)
    t.grad = e.grad = None
    torch.median(t).mul(3).backward()       # spread evenly over the tied elements / NaNs
    em = ember.median(e)
    em.mul(3).backward()
    _same(t.grad, e.grad)
    assert type(em.grad_fn).__name__ == type(torch.median(t).grad_fn).__name__


# ------------------------------------------------------------------ as_strided


def _strided_pair(kind):
    a = np.arange(24, dtype=np.float32)
    t, e = torch.tensor(a), ember.tensor(a)
    if kind == "slice":
        return t[5:], e[5:]
    if kind == "transposed":
        return t.view(4, 6).t(), e.view(4, 6).t()
    if kind == "strided":
        return t.view(4, 6)[1:, ::2], e.view(4, 6)[1:, ::2]
    return t, e


AS_STRIDED = [((2,), (1,), 0), ((2,), (1,), None), ((3, 2), (1, 3), 2), ((2, 2), (0, 1), 4),
              ((4,), (5,), None), ((), (), 7), ((0, 3), (1, 1), None), ((2, 3), (6, 1), 15)]


@pytest.mark.parametrize("kind", ["base", "slice", "transposed", "strided"])
@pytest.mark.parametrize("size,stride,offset", AS_STRIDED)
def test_as_strided_counts_offset_from_storage_like_torch(kind, size, stride, offset):
    t, e = _strided_pair(kind)
    args = (size, stride) if offset is None else (size, stride, offset)
    for rt, re in ((t.as_strided(*args), e.as_strided(*args)),
                   (torch.as_strided(t, *args), ember.as_strided(e, *args))):
        _same(rt, re)
        if rt.numel():
            assert re.storage_offset() == rt.storage_offset()
        base = e._base if e._base is not None else e
        assert re._base is base                      # a view of the same storage, not a copy
        if re.numel():   # writes through the view land where torch's do
            re.fill_(-1.0)
            rt.fill_(-1.0)
            _same(t, e)
            tb = t._base if t._base is not None else t
            _same(tb, base)
            assert float(base.min()) == -1.0


def test_as_strided_slice_example_and_memory_sharing():
    a = ember.arange(6.0)
    v = a[2:].as_strided((2,), (1,), 0)
    assert v.tolist() == [0.0, 1.0]
    assert v.data_ptr() == a.data_ptr() and v.storage_offset() == 0
    v[1] = 10.0
    assert a.tolist() == [0.0, 10.0, 2.0, 3.0, 4.0, 5.0]
    assert a[2:].as_strided((2,), (1,)).tolist() == [2.0, 3.0]


@pytest.mark.parametrize("args", [
    ((7,), (1,)), ((2,), (1,), 5), ((2,), (-1,)), ((2, 3), (1,)), ((2,), (1,), -1),
    ((-1,), (1,)), ((2, 2), (3, 1), 2),
])
def test_as_strided_errors_match_torch(args):
    t, e = torch.arange(6.0)[1:], ember.arange(6.0)[1:]
    with pytest.raises(RuntimeError) as et:
        t.as_strided(*args)
    with pytest.raises(RuntimeError) as ee:
        e.as_strided(*args)
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("kind,size,stride,offset", [
    ("slice", (2, 2), (1, 2), 0),        # reaches storage before the view: no grad there
    ("slice", (4,), (1,), 3),
    ("transposed", (3,), (2,), 0),
    ("transposed", (2, 3), (1, 4), None),
    ("strided", (3, 2), (4, 1), 2),
    ("expanded", (3,), (2,), 1),          # the input overlaps itself: gradient divided
    ("base", (2, 2), (1, 1), 1),          # the output overlaps itself: gradients add up
    ("base", (0, 2), (1, 1), 1),
])
def test_as_strided_gradients_match_torch(kind, size, stride, offset):
    a = np.arange(12, dtype=np.float64)
    grads = []
    for lib in (torch, ember):
        b = lib.tensor(a, requires_grad=True)
        x = b * 1
        if kind == "slice":
            x = x[3:]
        elif kind == "transposed":
            x = x.view(3, 4).t()
        elif kind == "strided":
            x = x.view(3, 4)[:, 1::2]
        elif kind == "expanded":
            x = b[:6].expand(2, 6)
        args = (size, stride) if offset is None else (size, stride, offset)
        y = x.as_strided(*args)
        assert type(y.grad_fn).__name__ == "AsStridedBackward0"
        w = lib.arange(1.0, y.numel() + 1, dtype=lib.float64).reshape(size)
        (y * w).sum().backward()
        grads.append(b.grad)
    _same(*grads)


def test_as_strided_of_detached_and_dtype_views_match_torch():
    t, e = torch.arange(8.0), ember.arange(8.0)
    _same(t.detach()[2:].as_strided((3,), (2,), 1), e.detach()[2:].as_strided((3,), (2,), 1))
    tc = torch.tensor([1 + 2j, 3 + 4j, 5 + 6j])
    ec = ember.tensor([1 + 2j, 3 + 4j, 5 + 6j])
    rt, re = tc[1:].real.as_strided((2,), (2,)), ec[1:].real.as_strided((2,), (2,))
    _same(rt, re)
    assert re.storage_offset() == rt.storage_offset() == 2


# ------------------------------------------------------------------ duplicate dims, data_ptr


@pytest.mark.parametrize("call", [
    lambda m, x: x.squeeze((0, 0)), lambda m, x: x.sum((0, 0)), lambda m, x: x.mean((1, -1)),
    lambda m, x: x.amax((0, 0)), lambda m, x: x.amin((-1, 1)), lambda m, x: x.std((0, 0)),
    lambda m, x: x.var((1, 1)), lambda m, x: x.logsumexp((0, 0)), lambda m, x: x.nansum((0, 0)),
    lambda m, x: m.count_nonzero(x, (1, 0, 1)), lambda m, x: x.norm(dim=(0, 0)),
    lambda m, x: x.flip((0, 0)), lambda m, x: m.any(x, (1, 1)),
])
def test_duplicate_dims_error_text_matches_torch(call):
    t, e = torch.ones(2, 3), ember.ones(2, 3)
    with pytest.raises(RuntimeError) as et:
        call(torch, t)
    with pytest.raises(RuntimeError) as ee:
        call(ember, e)
    assert str(ee.value) == str(et.value)


def test_data_ptr_of_empty_tensors_is_zero_like_torch():
    for shape in ((0,), (2, 0), (0, 3)):
        assert ember.empty(shape).data_ptr() == torch.empty(shape).data_ptr() == 0
    a, t = ember.arange(6.0), torch.arange(6.0)
    assert a[6:].data_ptr() == t[6:].data_ptr() == 0
    assert a.data_ptr() != 0 and a[2:].data_ptr() == a.data_ptr() + 2 * a.element_size()
    x, y = ember.empty(0), ember.empty(0)
    tx, ty = torch.empty(0), torch.empty(0)
    assert x.is_set_to(y) == tx.is_set_to(ty) is False
    assert x.is_set_to(x.view(0)) == tx.is_set_to(tx.view(0)) is True
