"""ember.vision.transforms.v2 classes against torchvision 0.29: dispatch over nested samples
(the plain-tensor heuristic, pass-through), deterministic transforms end to end, random
transforms with the same parameters (ember's ``make_params`` fed to both), containers and
argument errors."""
import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET
from ember.vision.transforms import v2

from test_v2_functional import assert_same, to_torch

torch = pytest.importorskip("torch")
tv2 = pytest.importorskip("torchvision.transforms.v2")


def _sample(seed=0, dtype=np.uint8, h=12, w=16):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (3, h, w)).astype(dtype) if dtype == np.uint8 else \
        rng.random((3, h, w)).astype(dtype)
    boxes = np.array([[1., 2., 7., 9.], [4., 0., 15., 5.], [0., 6., 3., 11.]], dtype=np.float32)
    masks = rng.integers(0, 2, (3, h, w)).astype(np.uint8)
    return (ET.Image(ember.from_numpy(img)),
            {"boxes": ET.BoundingBoxes(ember.from_numpy(boxes), format="XYXY", canvas_size=(h, w)),
             "masks": ET.Mask(ember.from_numpy(masks)),
             "labels": ember.tensor([1, 2, 3]), "image_id": 7, "name": "x",
             "extra": [ember.ones(2), (3.5, None)]})


def _both(make, sample, **tol):
    """Run the ember transform and its torchvision twin (same constructor args) on one sample."""
    ours = make(v2)(*sample) if isinstance(sample, tuple) else make(v2)(sample)
    ts = to_torch(sample)
    theirs = make(tv2)(*ts) if isinstance(sample, tuple) else make(tv2)(ts)
    assert_same(ours, theirs, **tol)
    return ours


# ------------------------------------------------------------------------------ dispatch
def test_nested_sample_flip_transforms_every_known_type_and_passes_the_rest():
    out = _both(lambda m: m.RandomHorizontalFlip(p=1.0), _sample())
    img, target = out
    assert target["image_id"] == 7 and target["name"] == "x"
    assert target["extra"][0] is not None and type(target["extra"][0]) is ember.Tensor
    _both(lambda m: m.RandomVerticalFlip(p=1.0), {"a": [_sample(1)[0]], "b": (_sample(1)[1],)})
    _both(lambda m: m.RandomHorizontalFlip(p=0.0), _sample(2))


def test_plain_tensor_heuristic_matches():
    rng = np.random.default_rng(3)
    a = ember.from_numpy(rng.random((3, 4, 5), dtype=np.float32))
    b = ember.from_numpy(rng.random((3, 4, 5), dtype=np.float32))
    # no explicit image: only the first plain tensor is an image
    _both(lambda m: m.RandomHorizontalFlip(p=1.0), [a, b])
    _both(lambda m: m.RandomHorizontalFlip(p=1.0), {"x": a, "y": {"z": b}})
    # with an Image present plain tensors pass through
    _both(lambda m: m.RandomHorizontalFlip(p=1.0), (a, ET.Image(b)))
    _both(lambda m: m.RandomHorizontalFlip(p=1.0), a)


# ------------------------------------------------------------------------------ deterministic
DETERMINISTIC = [
    ("resize", lambda m: m.Resize([9, 20])),
    ("resize_int", lambda m: m.Resize(8, antialias=True)),
    ("resize_max", lambda m: m.Resize(None, max_size=10)),
    ("center_crop", lambda m: m.CenterCrop([8, 10])),
    ("center_crop_pad", lambda m: m.CenterCrop(20)),
    ("pad", lambda m: m.Pad([1, 2, 3, 4])),
    ("pad_fill_dict", lambda m: m.Pad(2, fill={tv_tensors_image(m): 9, "others": 0})),
    ("to_dtype", lambda m: m.ToDtype(dtype_of(m, "float32"), scale=True)),
    ("to_dtype_noscale", lambda m: m.ToDtype(dtype_of(m, "float64"))),
    ("to_dtype_dict", lambda m: m.ToDtype({tv_tensors_image(m): dtype_of(m, "float32"),
                                           tv_mask(m): dtype_of(m, "int64"),
                                           "others": None}, scale=True)),
    ("convert_image_dtype", lambda m: m.ConvertImageDtype(dtype_of(m, "float64"))),
    ("to_pure", lambda m: m.ToPureTensor()),
    ("clamp", lambda m: m.ClampBoundingBoxes()),
    ("convert_format", lambda m: m.ConvertBoundingBoxFormat("CXCYWH")),
    ("identity", lambda m: m.Identity()),
    ("grayscale", lambda m: m.Grayscale(3)),
    ("compose", lambda m: m.Compose([m.RandomHorizontalFlip(1.0), m.Resize(6),
                                     m.ToDtype(dtype_of(m, "float32"), scale=True),
                                     m.ToPureTensor()])),
    ("random_apply_1", lambda m: m.RandomApply([m.RandomVerticalFlip(1.0)], p=1.0)),
    ("random_apply_0", lambda m: m.RandomApply([m.RandomVerticalFlip(1.0)], p=0.0)),
    ("random_choice_1", lambda m: m.RandomChoice([m.CenterCrop(6)])),
    ("random_order", lambda m: m.RandomOrder([m.Pad(1), m.Pad(2)])),
    ("random_crop_full", lambda m: m.RandomCrop([12, 16])),
    ("random_rotation_fixed", lambda m: m.RandomRotation((90, 90), expand=True)),
    ("random_affine_identity", lambda m: m.RandomAffine(0)),
]


def tv_tensors_image(m):
    return ET.Image if m is v2 else __import__("torchvision").tv_tensors.Image


def tv_mask(m):
    return ET.Mask if m is v2 else __import__("torchvision").tv_tensors.Mask


def dtype_of(m, name):
    return getattr(ember if m is v2 else torch, name)


@pytest.mark.filterwarnings("ignore:scale was set to True")
@pytest.mark.parametrize("name,make", DETERMINISTIC, ids=[n for n, _ in DETERMINISTIC])
def test_deterministic_transforms_match(name, make):
    for dtype in (np.uint8, np.float32):
        _both(make, _sample(4, dtype))
        _both(make, ember.from_numpy(_sample(5, dtype)[0].numpy()), atol=1e-6)


def test_normalize_and_lambda_match():
    img = ET.Image(ember.rand(3, 4, 5))
    _both(lambda m: m.Normalize([0.5, 0.4, 0.3], [0.2, 0.3, 0.4]), (img, {"labels": [1]}),
          rtol=1e-6)
    _both(lambda m: m.Lambda(lambda x: x * 2, ember.Tensor if m is v2 else torch.Tensor),
          (ember.ones(2), 3))
    assert repr(v2.Lambda(lambda x: x)) == repr(tv2.Lambda(lambda x: x))
    with pytest.raises(TypeError, match="does not support PIL images"):
        Image = pytest.importorskip("PIL.Image")
        v2.Normalize([0.5], [0.5])(Image.new("L", (2, 2)))


def test_type_conversions_match():
    Image = pytest.importorskip("PIL.Image")
    arr = np.random.default_rng(6).integers(0, 256, (5, 4, 3), dtype=np.uint8)
    for make in (lambda m: m.ToImage(), lambda m: m.PILToTensor()):
        ours = make(v2)(Image.fromarray(arr), "keep")
        theirs = make(tv2)(Image.fromarray(arr), "keep")
        assert_same(ours, theirs)
    assert_same(v2.ToImage()(arr), tv2.ToImage()(arr))
    pil_e = v2.ToPILImage()(ET.Image(ember.from_numpy(arr.transpose(2, 0, 1).copy())))
    pil_t = tv2.ToPILImage()(to_torch(ET.Image(ember.from_numpy(arr.transpose(2, 0, 1).copy()))))
    assert_same(pil_e, pil_t)
    # a whole PIL pipeline
    make = lambda m: m.Compose([m.RandomHorizontalFlip(1.0), m.Resize(3), m.CenterCrop(3),  # noqa
                                m.Pad(1, fill=5), m.PILToTensor()])
    assert_same(make(v2)(Image.fromarray(arr)), make(tv2)(Image.fromarray(arr)))


def test_sanitize_bounding_boxes_filters_boxes_masks_and_labels():
    img, target = _sample(7)
    boxes = ember.tensor([[1., 2., 7., 9.], [4., 0., 4.5, 5.], [-1., 6., 3., 11.]])
    target["boxes"] = ET.BoundingBoxes(boxes, format="XYXY", canvas_size=(12, 16))
    out = _both(lambda m: m.SanitizeBoundingBoxes(), (img, target))
    assert out[1]["labels"].tolist() == [1]
    _both(lambda m: m.SanitizeBoundingBoxes(labels_getter=None, min_size=2), (img, target))
    _both(lambda m: m.SanitizeBoundingBoxes(labels_getter=lambda s: s[1]["labels"]), (img, target))
    with pytest.raises(ValueError, match="Could not infer where the labels are"):
        v2.SanitizeBoundingBoxes()((img, {"boxes": target["boxes"]}))
    with pytest.raises(ValueError, match="No bounding boxes were found"):
        v2.SanitizeBoundingBoxes(labels_getter=None)(img)
    with pytest.raises(ValueError, match="min_size must be >= 1"):
        v2.SanitizeBoundingBoxes(min_size=0.5)


# ------------------------------------------------------------------------------ random, same params
def _params_to_torch(params):
    return {k: (to_torch(v) if isinstance(v, ember.Tensor) else v) for k, v in params.items()}


RANDOM = [
    ("random_crop", lambda m: m.RandomCrop([7, 9], padding=[1, 2], padding_mode="constant")),
    ("random_crop_pad_if_needed", lambda m: m.RandomCrop([14, 20], pad_if_needed=True, fill=3)),
    ("random_resized_crop", lambda m: m.RandomResizedCrop([6, 7], scale=(0.2, 0.9))),
    ("random_resized_crop_fallback", lambda m: m.RandomResizedCrop(5, ratio=(10.0, 12.0))),
    ("random_rotation", lambda m: m.RandomRotation(40)),
    ("random_rotation_expand", lambda m: m.RandomRotation((-30, 60), expand=True, fill=7)),
    ("random_affine", lambda m: m.RandomAffine(25, translate=(0.2, 0.1), scale=(0.8, 1.2),
                                               shear=(-5, 5, -3, 3))),
    ("color_jitter", lambda m: m.ColorJitter(0.4, 0.4, 0.4, 0.1)),
    ("photometric", lambda m: m.RandomPhotometricDistort(p=0.7)),
    ("gaussian_blur", lambda m: m.GaussianBlur(5, sigma=(0.3, 1.5))),
    ("random_erasing", lambda m: m.RandomErasing(p=1.0, value=3)),
    ("random_erasing_random", lambda m: m.RandomErasing(p=1.0, value="random")),
    ("random_grayscale", lambda m: m.RandomGrayscale(p=1.0)),
    ("channel_permutation", lambda m: m.RandomChannelPermutation()),
]


@pytest.mark.parametrize("name,make", RANDOM, ids=[n for n, _ in RANDOM])
def test_random_transforms_match_with_the_same_params(name, make):
    import warnings
    for seed, dtype in ((0, np.uint8), (1, np.float32), (2, np.float32)):
        ember.manual_seed(seed)
        img, target = _sample(seed, dtype)
        if name.startswith(("color", "photo", "gaussian", "random_erasing", "random_gray",
                            "channel")):
            target = {"labels": target["labels"]}  # image-only transforms
        te, tt = make(v2), make(tv2)
        flat = [img] + [v for v in target.values() if isinstance(v, ET.TVTensor)]
        params = te.make_params(flat)
        ours_img = te.transform(img, params)
        theirs_img = tt.transform(to_torch(img), _params_to_torch(params))
        tol = dict(atol=1) if dtype == np.uint8 else dict(atol=1e-5, rtol=1e-5)
        if name.startswith(("random_rotation", "random_affine")) or name == "random_crop":
            tol = {} if dtype == np.uint8 else dict(atol=1e-6)
        assert_same(ours_img, theirs_img, **tol)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # RandomErasing warns about passing masks/boxes through
            for key in ("boxes", "masks"):
                if key in target:
                    assert_same(te.transform(target[key], params),
                                tt.transform(to_torch(target[key]), _params_to_torch(params)),
                                atol=1e-4)
        out = te(img, target)  # the whole forward keeps structure and types
        assert type(out[0]) is ET.Image and set(out[1]) == set(target)


@pytest.mark.filterwarnings("ignore:RandomErasing\\(\\) is currently passing through")
def test_random_transforms_are_reproducible_under_manual_seed():
    t = v2.Compose([v2.RandomResizedCrop(8), v2.RandomHorizontalFlip(), v2.ColorJitter(0.3, 0.3),
                    v2.RandomRotation(20), v2.RandomErasing(p=0.7)])
    img, target = _sample(8, np.float32)
    outs = []
    for _ in range(2):
        ember.manual_seed(123)
        outs.append(t(img, target))
    assert_same(outs[0][0], to_torch(outs[1][0]))
    assert outs[0][1]["boxes"].tolist() == outs[1][1]["boxes"].tolist()
    # the flip probability is honoured
    ember.manual_seed(0)
    flips = [v2.RandomHorizontalFlip(0.3)(ember.tensor([[[0., 1.]]]))[0, 0, 0].item()
             for _ in range(400)]
    assert 0.2 < np.mean(flips) < 0.4


def test_v1_get_params_are_exposed():
    ember.manual_seed(0)
    i, j, h, w = v2.RandomCrop.get_params(ember.zeros(3, 10, 10), (4, 5))
    assert (h, w) == (4, 5) and 0 <= i <= 6 and 0 <= j <= 5
    assert -10 <= v2.RandomRotation.get_params([-10, 10]) <= 10


def test_constructor_errors_match_torchvision():
    cases = [
        (lambda m: m.Compose([]), ValueError),
        (lambda m: m.Compose(3), TypeError),
        (lambda m: m.RandomHorizontalFlip(p=1.5), ValueError),
        (lambda m: m.Resize([1, 2, 3]), ValueError),
        (lambda m: m.Resize(None), ValueError),
        (lambda m: m.Pad([1, 2, 3]), ValueError),
        (lambda m: m.Pad(1, padding_mode="wrap"), ValueError),
        (lambda m: m.Pad(1, fill="red"), TypeError),
        (lambda m: m.RandomResizedCrop(4, scale=3), TypeError),
        (lambda m: m.RandomAffine(10, translate=(2, 0)), ValueError),
        (lambda m: m.RandomAffine(10, scale=(0, 1)), ValueError),
        (lambda m: m.RandomRotation(-5), ValueError),
        (lambda m: m.ColorJitter(brightness=-1), ValueError),
        (lambda m: m.ColorJitter(hue=0.7), ValueError),
        (lambda m: m.ColorJitter(contrast=[1, 2, 3]), TypeError),
        (lambda m: m.GaussianBlur(4), ValueError),
        (lambda m: m.GaussianBlur(3, sigma=(2.0, 1.0)), ValueError),
        (lambda m: m.RandomErasing(value="zero"), ValueError),
        (lambda m: m.RandomErasing(scale=(0.5, 2.0)), ValueError),
        (lambda m: m.ToDtype("float32"), ValueError),
        (lambda m: m.RandomChoice([m.Identity()], p=[0.5, 0.5]), ValueError),
    ]
    for make, err in cases:
        with pytest.raises(err):
            make(tv2)
        with pytest.raises(err):
            make(v2)


def test_runtime_errors_match_torchvision():
    img = ET.Image(ember.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="Required crop size"):
        v2.RandomCrop(6)(img)
    with pytest.raises(ValueError, match="Found multiple HxW dimensions"):
        v2.RandomCrop(2)(img, ET.Mask(ember.zeros(5, 5)))
    with pytest.raises(TypeError, match="No image, video, mask, bounding box"):
        v2.RandomResizedCrop(2)({"a": 1})
    with pytest.raises(ValueError, match="No dtype was specified for type"):
        v2.ToDtype({ET.Image: ember.float32})(img, ET.Mask(ember.zeros(4, 4)))
    with pytest.warns(UserWarning, match="no scaling will be done"):
        v2.ToDtype({"others": None}, scale=True)(img)
    with pytest.raises(ValueError, match="Padding mode 'edge' is not supported with bounding"):
        v2.Pad(1, padding_mode="edge")(ET.BoundingBoxes([[0, 0, 1, 1]], format="XYXY",
                                                        canvas_size=(4, 4)))


def test_repr_matches_torchvision():
    for make in [lambda m: m.Compose([m.RandomHorizontalFlip(0.5), m.Resize(4),
                                      m.CenterCrop([2, 3]), m.Normalize([0.5], [0.5])]),
                 lambda m: m.RandomCrop(4, padding=2), lambda m: m.ColorJitter(0.2, hue=0.1),
                 lambda m: m.RandomApply([m.Pad(1)], p=0.3), lambda m: m.RandomErasing(),
                 lambda m: m.SanitizeBoundingBoxes()]:
        assert repr(make(v2)) == repr(make(tv2))


def test_transform_is_module_and_custom_transforms_work():
    class AddOne(v2.Transform):
        def transform(self, inpt, params):
            return inpt + 1

    out = AddOne()(ember.zeros(2), {"k": ember.zeros(1)}, "s")
    assert out[0].tolist() == [1.0, 1.0] and out[1]["k"].tolist() == [0.0] and out[2] == "s"
    assert isinstance(AddOne(), ember.nn.Module)
    with pytest.raises(NotImplementedError):
        v2.Transform()(ember.zeros(1))


DOC_MODULES = ["ember.vision.tv_tensors", "ember.vision.transforms.v2",
               "ember.vision.transforms.v2.functional"] + [
    f"ember.vision.transforms.v2.{m}" for m in (
        "_transform", "_container", "_geometry", "_color", "_misc", "_meta", "_augment",
        "_type_conversion", "_utils", "functional._utils", "functional._meta",
        "functional._geometry", "functional._color", "functional._misc")]


@pytest.mark.parametrize("name", DOC_MODULES)
def test_v2_docstring_examples_run(name):
    import doctest
    import importlib
    mod = importlib.import_module(name)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np, tv_tensors=ET)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for test in finder.find(mod, name, globs=globs):
        if test.examples and test.name.startswith(name):
            ember.manual_seed(0)
            runner.run(test)
            n += 1
    results = runner.summarize(verbose=False)
    assert n > 0 and results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"
