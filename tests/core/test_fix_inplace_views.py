"""In-place view methods (t_, transpose_, swapdims_, swapaxes_, unsqueeze_, squeeze_,
as_strided_, resize_, resize_as_), Tensor.tile argument forms and square's dtype, with torch
as the oracle (values, shapes, strides, memory sharing, versions, gradients, errors)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16",
          "float32", "float64", "complex64", "complex128"]

# (name, args, kwargs, input shape)
CASES = [
    ("t_", (), {}, (2, 3)), ("t_", (), {}, (4,)), ("t_", (), {}, ()),
    ("transpose_", (0, 2), {}, (2, 3, 4)), ("transpose_", (-1, 0), {}, (2, 3)),
    ("transpose_", (), {"dim0": 1, "dim1": 0}, (2, 3)), ("transpose_", (0, -1), {}, ()),
    ("swapdims_", (0, 1), {}, (2, 3)), ("swapdims_", (), {"dim0": 0, "dim1": 2}, (2, 3, 1)),
    ("swapaxes_", (1, 0), {}, (2, 3)), ("swapaxes_", (), {"axis0": 0, "axis1": 1}, (2, 3)),
    ("unsqueeze_", (0,), {}, (2, 3)), ("unsqueeze_", (-1,), {}, (2, 3)),
    ("unsqueeze_", (1,), {}, (2, 3)), ("unsqueeze_", (), {"dim": 0}, ()),
    ("squeeze_", (), {}, (1, 2, 1, 3)), ("squeeze_", (2,), {}, (1, 2, 1, 3)),
    ("squeeze_", ((0, 2),), {}, (1, 2, 1, 3)), ("squeeze_", ([0, 1],), {}, (1, 2, 1, 3)),
    ("squeeze_", (0, 2), {}, (1, 2, 1, 3)), ("squeeze_", (), {"dim": 0}, (1, 2, 1, 3)),
    ("squeeze_", (1,), {}, (1, 2, 1, 3)), ("squeeze_", (), {}, ()),
    ("as_strided_", ((2, 2), (1, 2)), {}, (6,)),
    ("as_strided_", ((3,), (2,), 1), {}, (2, 3)),
    ("as_strided_", (), {"size": [2], "stride": [1], "storage_offset": 2}, (6,)),
    ("resize_", (2, 3), {}, (6,)), ("resize_", ((3, 1),), {}, (2, 2)),
    ("resize_", ([2, 2],), {}, (2, 2)),
]


def _pair(shape, seed=0, transposed=False):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    t, e = torch.tensor(a), ember.tensor(a)
    if transposed:
        t, e = t.t(), e.t()
    return t, e


def _same(t, e):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.stride() == t.stride()
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,args,kwargs,shape", CASES)
def test_inplace_view_matches_torch(name, args, kwargs, shape):
    t, e = _pair(shape)
    tv, ev = t._version, e._version
    ptr = e.data_ptr()
    rt, re_ = getattr(t, name)(*args, **kwargs), getattr(e, name)(*args, **kwargs)
    assert rt is t and re_ is e
    _same(t, e)
    assert e._version - ev == t._version - tv
    if name != "as_strided_":
        assert e.data_ptr() == ptr
    assert e.is_contiguous() == t.is_contiguous()


@pytest.mark.parametrize("name,args", [("t_", ()), ("transpose_", (1, 0)),
                                       ("unsqueeze_", (1,)), ("squeeze_", (0,)),
                                       ("swapaxes_", (0, 1))])
def test_inplace_view_on_noncontiguous_view_shares_memory(name, args):
    t0, e0 = _pair((3, 4))
    t, e = t0[:, ::2], e0[:, ::2]
    getattr(t, name)(*args)
    getattr(e, name)(*args)
    _same(t, e)
    assert e._version == t._version
    assert e0._version == t0._version  # the version is shared with the base
    e.mul_(0)
    t.mul_(0)
    np.testing.assert_array_equal(e0.numpy(), t0.numpy())  # writes reach the base


def test_unsqueeze_strides_on_noncontiguous_match_torch():
    for shp, perm in [((2, 3), (1, 0)), ((1, 2, 1, 3), (3, 1, 0, 2))]:
        for d in range(-len(shp) - 1, len(shp) + 1):
            t = torch.arange(int(np.prod(shp))).reshape(shp).permute(perm)
            e = ember.arange(int(np.prod(shp))).reshape(shp).permute(perm)
            assert e.unsqueeze(d).stride() == t.unsqueeze(d).stride()
            assert e.unsqueeze_(d).stride() == t.unsqueeze_(d).stride()


def test_earlier_views_keep_their_shape():
    t, e = _pair((2, 3))
    tv, ev = t[0], e[0]
    t.t_()
    e.t_()
    assert tuple(ev.shape) == tuple(tv.shape) and e._version == t._version


def _grad_run(lib, name, args, a_np, w_np):
    a = lib.tensor(a_np, requires_grad=True)
    x = a * 1
    getattr(x, name)(*args)
    (x * lib.tensor(w_np)).sum().backward()
    return a.grad


@pytest.mark.parametrize("name,args,shape,out_shape", [
    ("t_", (), (2, 3), (3, 2)), ("transpose_", (0, 2), (2, 3, 4), (4, 3, 2)),
    ("swapdims_", (0, 1), (2, 3), (3, 2)), ("swapaxes_", (0, 1), (2, 3), (3, 2)),
    ("unsqueeze_", (0,), (2, 3), (1, 2, 3)), ("unsqueeze_", (-1,), (3,), (3, 1)),
    ("squeeze_", (), (1, 3, 1), (3,)), ("squeeze_", (0,), (1, 3, 1), (3, 1)),
    ("as_strided_", ((2, 2), (1, 2)), (6,), (2, 2)),
    ("as_strided_", ((2,), (2,), 1), (6,), (2,)),
])
def test_inplace_view_gradients_match_torch(name, args, shape, out_shape):
    rng = np.random.default_rng(1)
    a_np = rng.standard_normal(shape)
    w_np = rng.standard_normal(out_shape)
    gt = _grad_run(torch, name, args, a_np, w_np)
    ge = _grad_run(ember, name, args, a_np, w_np)
    np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=1e-10)


def test_inplace_view_on_view_of_nonleaf_backprops():
    w = np.arange(1.0, 4.0)
    grads = []
    for lib in (torch, ember):
        a = lib.tensor(np.ones((2, 3)), requires_grad=True)
        b = a * 1
        v = b[0]
        v.unsqueeze_(0)
        assert tuple(v.shape) == (1, 3) and v.grad_fn is not None
        (v * lib.tensor(w)).sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("name,args", [("t_", ()), ("transpose_", (0, 1)),
                                       ("swapdims_", (0, 1)), ("swapaxes_", (0, 1)),
                                       ("unsqueeze_", (0,)), ("squeeze_", ()),
                                       ("as_strided_", ((2,), (1,)))])
def test_inplace_view_leaf_errors_match_torch(name, args):
    for lib in (torch, ember):
        a = lib.zeros(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            getattr(a, name)(*args)
        v = a[0:1]
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
            getattr(v, name)(*args)
        with lib.no_grad():
            getattr(a, name)(*args)  # allowed outside grad mode


@pytest.mark.parametrize("name,args,kwargs,shape", [
    ("t_", (), {}, (2, 3, 4)), ("transpose_", (0, 2), {}, (2, 3)),
    ("unsqueeze_", (5,), {}, (2, 3)), ("squeeze_", (3,), {}, (2, 3)),
    ("transpose_", (0,), {}, (2, 3)), ("unsqueeze_", (), {}, (2, 3)),
    ("as_strided_", ((2,), (1, 1)), {}, (4,)), ("as_strided_", ((2,), (-1,)), {}, (4,)),
    ("as_strided_", ((4,), (2,)), {}, (4,)), ("as_strided_", ((2,), (1,), 5), {}, (4,)),
])
def test_inplace_view_errors_match_torch(name, args, kwargs, shape):
    t, e = _pair(shape)
    with pytest.raises(Exception) as et:
        getattr(t, name)(*args, **kwargs)
    with pytest.raises(et.type) as ee:
        getattr(e, name)(*args, **kwargs)
    if et.type is not TypeError:
        assert str(ee.value) == str(et.value)


def test_as_strided_keeps_offset_of_a_view():
    t, e = torch.arange(6.0)[2:], ember.arange(6.0)[2:]
    t.as_strided_((2,), (1,))
    e.as_strided_((2,), (1,))
    _same(t, e)
    assert e.storage_offset() == t.storage_offset()
    t, e = torch.arange(6.0)[2:], ember.arange(6.0)[2:]
    t.as_strided_((2,), (1,), 0)
    e.as_strided_((2,), (1,), 0)
    _same(t, e)


@pytest.mark.parametrize("new", [(3, 2), (2, 3), (2,), (3, 3), (0,)])
def test_resize_matches_torch(new):
    t = torch.arange(6.0).reshape(2, 3).t()
    e = ember.arange(6.0).reshape(2, 3).t()
    tp, ep = t.data_ptr(), e.data_ptr()
    t.resize_(new)
    e.resize_(new)
    assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride()
    assert e._version == t._version
    n = min(6, int(np.prod(new)))  # torch leaves grown memory uninitialised
    np.testing.assert_array_equal(e.reshape(-1)[:n].numpy(), t.reshape(-1)[:n].numpy())
    if 0 < int(np.prod(new)) <= 6:  # (torch's data_ptr of an empty tensor is 0)
        assert (e.data_ptr() == ep) == (t.data_ptr() == tp)


def test_resize_as_and_errors_match_torch():
    t, e = torch.arange(4), ember.arange(4)
    t.resize_as_(torch.zeros(2, 2))
    e.resize_as_(ember.zeros(2, 2))
    _same(t, e)
    assert e._version == t._version
    for lib in (torch, ember):
        a = lib.zeros(3, requires_grad=True)
        for f in (lambda: a.resize_(2), lambda: (a * 1).resize_(2),
                  lambda: (a * 1).resize_as_(lib.zeros(3))):
            with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
                f()
    with pytest.raises(RuntimeError):
        torch.zeros(3).resize_(-1)
    with pytest.raises(RuntimeError):
        ember.zeros(3).resize_(-1)


@pytest.mark.parametrize("call", [
    lambda x: x.tile(1), lambda x: x.tile(2, 3), lambda x: x.tile((2,)),
    lambda x: x.tile([2, 1, 1]), lambda x: x.tile(dims=(2,)), lambda x: x.tile(2, 1, 3),
    lambda x: x.tile(()),
])
def test_tile_argument_forms_match_torch(call):
    a = np.arange(6).reshape(2, 3)
    t, e = call(torch.tensor(a)), call(ember.tensor(a))
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_tile_function_rejects_int_like_torch():
    with pytest.raises(TypeError):
        torch.tile(torch.zeros(2), 2)
    with pytest.raises(TypeError, match="must be tuple of ints"):
        ember.tile(ember.zeros(2), 2)


def test_squeeze_method_varargs_and_swap_kwargs_match_torch():
    t, e = torch.zeros(1, 2, 1), ember.zeros(1, 2, 1)
    assert tuple(e.squeeze(0, 2).shape) == tuple(t.squeeze(0, 2).shape)
    assert tuple(e.squeeze(dim=(0, 2)).shape) == tuple(t.squeeze(dim=(0, 2)).shape)
    assert tuple(e.swapaxes(axis0=0, axis1=1).shape) == tuple(t.swapaxes(axis0=0, axis1=1).shape)
    assert tuple(ember.swapdims(e, dim0=0, dim1=2).shape) == \
        tuple(torch.swapdims(t, dim0=0, dim1=2).shape)


@pytest.mark.parametrize("dt", DTYPES)
def test_square_dtype_matches_torch(dt):
    a = np.array([0, 1, 1, 0], dtype=bool) if dt == "bool" else np.array([-2, 0, 3, 1])
    t = torch.tensor(a).to(getattr(torch, dt))
    e = ember.tensor(a).to(getattr(ember, dt))
    rt, re_ = torch.square(t), ember.square(e)
    assert str(re_.dtype) == str(rt.dtype)
    assert str(e.square().dtype) == str(t.square().dtype)
    wide = "complex128" if dt.startswith("complex") else "float64"
    np.testing.assert_array_equal(re_.to(getattr(ember, wide)).numpy(),
                                  rt.to(getattr(torch, wide)).numpy())


def test_square_inplace_on_bool_errors_like_torch():
    with pytest.raises(RuntimeError) as et:
        torch.tensor([True]).square_()
    with pytest.raises(RuntimeError) as ee:
        ember.tensor([True]).square_()
    assert str(ee.value) == str(et.value)
