"""ember.vision.tv_tensors against torchvision.tv_tensors: construction, metadata, printing,
which operations keep the subclass, set_return_type, wrap, pickling and autograd."""
import copy
import pickle

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET

torch = pytest.importorskip("torch")
tvt = pytest.importorskip("torchvision.tv_tensors")


def _pair(arr):
    return ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def _boxes_pair(arr, **kw):
    e, t = _pair(arr)
    return ET.BoundingBoxes(e, **kw), tvt.BoundingBoxes(t, **kw)


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("arr", [
    RNG.random((2, 4), dtype=np.float32),
    RNG.integers(0, 10, (1, 4)),
    np.zeros((0, 4), dtype=np.float32),
    np.array([1.5, 2.0, 3.0, 4.0], dtype=np.float64),
])
@pytest.mark.parametrize("fmt", ["XYXY", "xywh", "CXCYWH"])
def test_bounding_boxes_repr_and_metadata_match(arr, fmt):
    e, t = _boxes_pair(arr, format=fmt, canvas_size=(7, 9))
    assert repr(e) == repr(t)
    assert str(e) == str(t)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.format.name == t.format.name and e.canvas_size == t.canvas_size
    assert e.clamping_mode == t.clamping_mode == "soft"


def test_image_video_mask_repr_match():
    for arr in [RNG.random((1, 2, 3), dtype=np.float32), RNG.integers(0, 255, (2, 3), dtype=np.uint8),
                RNG.random((3, 2, 2))]:
        e, t = _pair(arr)
        assert repr(ET.Image(e)) == repr(tvt.Image(t))
        assert repr(ET.Mask(e)) == repr(tvt.Mask(t))
    e, t = _pair(RNG.random((1, 1, 1, 2, 2), dtype=np.float32))
    assert repr(ET.Video(e)) == repr(tvt.Video(t))
    # requires_grad shows the alias node, as torch's as_subclass
    x = ET.Image(ember.ones(1, 1, 2, requires_grad=True))
    y = tvt.Image(torch.ones(1, 1, 2, requires_grad=True))
    assert repr(x) == repr(y)
    assert x.grad_fn.name() == y.grad_fn.name() == "AliasBackward0"


def test_constructors_shapes_dtypes_and_memory_sharing():
    base = ember.zeros(4, 5)
    img = ET.Image(base)
    assert tuple(img.shape) == (1, 4, 5)
    assert ET.Image([[1, 2], [3, 4]]).dtype == ember.int64
    assert ET.Image(ember.zeros(2, 2), dtype=ember.float64).dtype == ember.float64
    m = ET.Mask(base)
    base[0, 0] = 7  # Mask shares memory with its data
    assert float(m[0, 0]) == 7.0
    assert tuple(ET.BoundingBoxes([1, 2, 3, 4], format="XYXY", canvas_size=(5, 5)).shape) == (1, 4)
    with pytest.raises(ValueError, match="2D or higher"):
        ET.Image(ember.zeros(3))
    with pytest.raises(ValueError):
        ET.Video(ember.zeros(3, 2, 2))
    with pytest.raises(ValueError, match="Expected a 1D or 2D tensor, got 3D"):
        ET.BoundingBoxes(ember.zeros(2, 2, 4), format="XYXY", canvas_size=(1, 1))
    with pytest.raises(KeyError):
        ET.BoundingBoxes(ember.zeros(2, 4), format="XYZ", canvas_size=(1, 1))
    with pytest.raises(ValueError, match="clamping_mode must be None, hard or soft"):
        ET.BoundingBoxes(ember.zeros(2, 4), format="XYXY", canvas_size=(1, 1), clamping_mode="x")


def test_image_from_pil_matches_torchvision():
    Image = pytest.importorskip("PIL.Image")
    arr = RNG.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    pil = Image.fromarray(arr)
    e, t = ET.Image(pil), tvt.Image(pil)
    assert type(e).__name__ == "Image"
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_operations_return_plain_tensors_except_the_documented_ones():
    e, t = _boxes_pair(np.array([[1., 2, 3, 4], [0, 0, 1, 1]], dtype=np.float32), format="XYXY",
                       canvas_size=(10, 10))
    cases = {
        "add": (lambda b: b + 1), "getitem": (lambda b: b[0]), "sum": (lambda b: b.sum()),
        "flip": (lambda b: b.flip(0)), "cpu": (lambda b: b.cpu()), "T": (lambda b: b.T),
        "clone": (lambda b: b.clone()), "to": (lambda b: b.to(b.dtype)),
        "to64": (lambda b: b.to(ember.float64) if isinstance(b, ember.Tensor) else b.to(torch.float64)),
        "detach": (lambda b: b.detach()), "requires_grad_": (lambda b: b.requires_grad_(False)),
    }
    for name, fn in cases.items():
        te, tt = type(fn(e)).__name__, type(fn(t)).__name__
        assert te == tt, name
    assert [type(x).__name__ for x in e] == [type(x).__name__ for x in t] == ["Tensor", "Tensor"]
    c = e.to(ember.float64)
    assert c.format == e.format and c.canvas_size == (10, 10) and c.dtype == ember.float64
    # in-place methods modify the TVTensor and return a plain alias
    j = e
    e += 1
    assert type(e) is ember.Tensor and type(j).__name__ == "BoundingBoxes"
    assert j.tolist() == [[2.0, 3.0, 4.0, 5.0], [1.0, 1.0, 2.0, 2.0]]


def test_set_return_type_tvtensor_keeps_subclass_and_metadata():
    e, t = _boxes_pair(np.array([[1., 2, 3, 4], [0, 0, 1, 1]], dtype=np.float32), format="XYWH",
                       canvas_size=(6, 8))
    with ET.set_return_type("TVTensor"), tvt.set_return_type("TVTensor"):
        for fn in [lambda b: b + 1, lambda b: b[0], lambda b: b.sum(), lambda b: b.T]:
            re, rt = fn(e), fn(t)
            assert type(re).__name__ == type(rt).__name__ == "BoundingBoxes"
            assert re.format.name == rt.format.name and re.canvas_size == rt.canvas_size
        assert [type(x).__name__ for x in e.unbind(0)] == ["BoundingBoxes"] * 2
        assert [type(x).__name__ for x in e] == ["BoundingBoxes"] * 2
        img = ET.Image(ember.zeros(1, 2, 2))
        assert type(img * 2).__name__ == "Image"
    assert type(e + 1) is ember.Tensor
    ET.set_return_type("TVTensor")
    try:
        assert type(ET.Mask(ember.zeros(2)) - 1).__name__ == "Mask"
    finally:
        ET.set_return_type("Tensor")
    assert type(ET.Mask(ember.zeros(2)) - 1) is ember.Tensor
    with pytest.raises(ValueError, match="return_type must be 'TVTensor' or 'Tensor', got foo"):
        ET.set_return_type("foo")


def test_wrap_copies_metadata_with_overrides():
    e, t = _boxes_pair(np.array([[1., 2, 3, 4]], dtype=np.float32), format="CXCYWH",
                       canvas_size=(5, 6))
    we = ET.wrap(ember.ones(2, 4), like=e, canvas_size=(3, 3))
    wt = tvt.wrap(torch.ones(2, 4), like=t, canvas_size=(3, 3))
    assert repr(we) == repr(wt)
    assert type(ET.wrap(ember.zeros(2, 2), like=ET.Mask(ember.zeros(1)))).__name__ == "Mask"
    assert isinstance(ET.Image(ember.zeros(1, 1)), ET.TVTensor)


def test_deepcopy_and_pickle_keep_class_and_metadata():
    e = ET.BoundingBoxes([[1., 2, 3, 4]], format="XYWH", canvas_size=(5, 6), clamping_mode=None)
    for c in (copy.deepcopy(e), pickle.loads(pickle.dumps(e))):
        assert type(c) is ET.BoundingBoxes and repr(c) == repr(e)
        assert c.data_ptr() != e.data_ptr()
    m = pickle.loads(pickle.dumps(ET.Mask(ember.ones(2, 2, dtype=ember.uint8))))
    assert type(m) is ET.Mask and m.dtype == ember.uint8


def test_gradient_flows_through_the_alias():
    x = ember.rand(1, 2, 2, requires_grad=True)
    img = ET.Image(x)
    assert img.requires_grad and not img.is_leaf
    (img * 3).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 2, 2), 3.0))
