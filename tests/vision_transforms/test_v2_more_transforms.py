"""The v2 transform classes added on top of the first set against torchvision 0.29: colour
(RandomInvert ... RandomAdjustSharpness, GaussianNoise), geometry (FiveCrop, TenCrop,
RandomPerspective, ElasticTransform, RandomZoomOut, RandomIoUCrop, ScaleJitter,
RandomShortestSize, RandomResize), the auto-augment policies, MixUp / CutMix,
LinearTransformation and UniformTemporalSubsample. Random transforms get ember's
``make_params`` (or ember's recorded choices) fed to torchvision."""

import numpy as np
import pytest

import ember
from ember.vision import tv_tensors as ET
from ember.vision.transforms import v2

from test_v2_functional import assert_same, to_torch
from test_v2_transforms import _both, _params_to_torch, _sample

torch = pytest.importorskip("torch")
tv2 = pytest.importorskip("torchvision.transforms.v2")
TT = pytest.importorskip("torchvision.tv_tensors")


def _tv(m, name):
    return getattr(ET if m is v2 else TT, name)


# ------------------------------------------------------------------------------ colour
COLOR = [
    ("equalize", lambda m: m.RandomEqualize(p=1.0)),
    ("invert", lambda m: m.RandomInvert(p=1.0)),
    ("posterize", lambda m: m.RandomPosterize(3, p=1.0)),
    ("solarize", lambda m: m.RandomSolarize(0.5, p=1.0)),
    ("autocontrast", lambda m: m.RandomAutocontrast(p=1.0)),
    ("sharpness", lambda m: m.RandomAdjustSharpness(1.8, p=1.0)),
    ("not_applied", lambda m: m.RandomInvert(p=0.0)),
    ("noise_zero", lambda m: m.GaussianNoise(mean=0.1, sigma=0.0)),
]


@pytest.mark.parametrize("name,make", COLOR, ids=[n for n, _ in COLOR])
def test_color_transforms_match(name, make):
    for seed, dtype in ((0, np.uint8), (1, np.float32), (2, "pil")):
        if name.startswith("noise") and dtype == "pil":
            continue
        mk = make
        if name == "solarize" and dtype != np.float32:
            mk = lambda m: m.RandomSolarize(128, p=1.0)  # noqa: E731
        if dtype == "pil":
            Image = pytest.importorskip("PIL.Image")
            arr = np.random.default_rng(2).integers(0, 256, (6, 7, 3), dtype=np.uint8)
            _both(mk, Image.fromarray(arr))
            continue
        img, target = _sample(seed, dtype)
        tol = dict(atol=1) if name == "sharpness" else dict(atol=1e-6)
        out = _both(mk, (img, target), **tol)
        assert out[1]["masks"] is target["masks"] and out[1]["boxes"] is target["boxes"]
        _both(mk, ET.Video(ember.from_numpy(np.stack([img.numpy()] * 2))), **tol)


def test_gaussian_noise_transform_draws_per_call_and_keeps_types():
    img, target = _sample(3, np.float32)
    ember.manual_seed(0)
    a = v2.GaussianNoise(sigma=0.2)(img, target)
    b = v2.GaussianNoise(sigma=0.2)(img, target)
    assert type(a[0]) is ET.Image and a[1]["boxes"] is target["boxes"]
    assert not ember.equal(a[0], b[0])
    assert float(a[0].min()) >= 0.0 and float(a[0].max()) <= 1.0
    noise = ET._pure(a[0]) - ET._pure(img)
    assert abs(float(noise.mean())) < 0.05
    Image = pytest.importorskip("PIL.Image")
    for m in (v2, tv2):
        with pytest.raises(ValueError, match="not implemented for PIL images"):
            m.GaussianNoise()(Image.new("RGB", (3, 3)))


# ------------------------------------------------------------------------------ crops
@pytest.mark.parametrize("make", [lambda m: m.FiveCrop(5), lambda m: m.FiveCrop([4, 6]),
                                  lambda m: m.TenCrop(4), lambda m: m.TenCrop([3, 5], True)])
def test_five_ten_crop_transforms_match(make):
    for dtype in (np.uint8, np.float32):
        img, target = _sample(4, dtype)
        _both(make, (img, {"labels": target["labels"]}))
        _both(make, ember.from_numpy(img.numpy()))
    Image = pytest.importorskip("PIL.Image")
    _both(make, Image.fromarray(np.zeros((12, 16, 3), dtype=np.uint8)))
    img, target = _sample(5)
    for m in (v2, tv2):
        sample = to_torch((img, target)) if m is tv2 else (img, target)
        with pytest.raises(TypeError, match="BoundingBoxes'es and Mask's are not supported"):
            make(m)(*sample)


# ------------------------------------------------------------------------------ random geometry
RANDOM = [
    ("perspective", lambda m: m.RandomPerspective(0.6, p=1.0)),
    ("perspective_nearest_fill", lambda m: m.RandomPerspective(0.3, p=1.0,
                                                               interpolation="nearest", fill=7)),
    ("elastic", lambda m: m.ElasticTransform(alpha=8.0, sigma=2.0)),
    ("elastic_nosigma", lambda m: m.ElasticTransform(alpha=[3.0, 5.0], sigma=[0.0, 0.0], fill=3)),
    ("zoom_out", lambda m: m.RandomZoomOut(fill=5, side_range=(1.0, 2.0), p=1.0)),
    ("iou_crop", lambda m: m.RandomIoUCrop()),
    ("scale_jitter", lambda m: m.ScaleJitter((10, 14), scale_range=(0.5, 1.5))),
    ("shortest_size", lambda m: m.RandomShortestSize([5, 7, 9], max_size=12)),
    ("random_resize", lambda m: m.RandomResize(6, 14)),
    ("random_resize_nearest", lambda m: m.RandomResize(6, 14, interpolation="nearest")),
]


@pytest.mark.parametrize("name,make", RANDOM, ids=[n for n, _ in RANDOM])
def test_random_geometry_matches_with_the_same_params(name, make):
    for seed, dtype in ((0, np.uint8), (1, np.float32), (2, np.float32)):
        ember.manual_seed(seed)
        img, target = _sample(seed, dtype)
        te, tt = make(v2), make(tv2)
        flat = [img, target["boxes"], target["masks"]]
        params = te.make_params(flat)
        tol = dict(atol=1) if dtype == np.uint8 else dict(atol=1e-5, rtol=1e-5)
        for x in (img, target["masks"]):
            assert_same(te.transform(x, params),
                        tt.transform(to_torch(x), _params_to_torch(params)), **tol)
        assert_same(te.transform(target["boxes"], params),
                    tt.transform(to_torch(target["boxes"]), _params_to_torch(params)),
                    atol=1e-4, rtol=1e-5)
        out = te(img, target)
        assert type(out[0]) is ET.Image and type(out[1]["boxes"]) is ET.BoundingBoxes
        assert tuple(out[1]["boxes"].canvas_size) == tuple(out[0].shape[-2:])
        assert tuple(out[1]["masks"].shape[-2:]) == tuple(out[0].shape[-2:])


def test_random_geometry_param_ranges():
    ember.manual_seed(0)
    img = ET.Image(ember.zeros(3, 10, 20))
    for _ in range(20):
        p = v2.RandomZoomOut(side_range=(1.5, 3.0)).make_params([img])
        left, top, right, bottom = p["padding"]
        assert min(p["padding"]) >= 0
        assert 1.5 * 20 - 1 <= 20 + left + right <= 3.0 * 20
        size = v2.RandomShortestSize([4, 8], max_size=12).make_params([img])["size"]
        assert size in ((4, 8), (6, 12))
        assert 3 <= v2.RandomResize(3, 6).make_params([img])["size"][0] < 6
        h, w = v2.ScaleJitter((20, 10), scale_range=(1.0, 2.0)).make_params([img])["size"]
        assert 10 <= h <= 20 and abs(w - 2 * h) <= 1
    d = v2.ElasticTransform(sigma=2.0).make_params([img])["displacement"]
    assert tuple(d.shape) == (1, 10, 20, 2)
    coeffs = v2.RandomPerspective(0.0).make_params([img])["coefficients"]
    np.testing.assert_allclose(coeffs, [1, 0, 0, 0, 1, 0, 0, 0], atol=1e-6)


def test_random_iou_crop_keeps_a_box_and_zeroes_boxes_outside():
    boxes = ET.BoundingBoxes([[1., 1., 4., 4.], [12., 8., 15., 11.], [0., 0., 16., 12.]],
                             format="XYXY", canvas_size=(12, 16))
    img = ET.Image(ember.rand(3, 12, 16))
    ember.manual_seed(1)
    t = v2.RandomIoUCrop(sampler_options=[0.3])
    for _ in range(5):
        params = t.make_params([img, boxes])
        out = t.transform(boxes, params)
        inside = params["is_within_crop_area"]
        assert bool(inside.any()) and out[~inside].abs().sum().item() == 0
    assert v2.RandomIoUCrop(sampler_options=[1.0]).make_params([img, boxes]) == {}
    out = v2.RandomIoUCrop(sampler_options=[2.0])(img, boxes)
    assert out[1] is boxes
    for m in (v2, tv2):
        with pytest.raises(TypeError, match="requires input sample to contain tensor or PIL"):
            m.RandomIoUCrop()(to_torch(img) if m is tv2 else img)


def test_elastic_and_perspective_with_pil_match():
    Image = pytest.importorskip("PIL.Image")
    pil = Image.fromarray(np.random.default_rng(6).integers(0, 256, (9, 11, 3), dtype=np.uint8))
    ember.manual_seed(2)
    for make in (lambda m: m.ElasticTransform(alpha=5.0, sigma=1.5),
                 lambda m: m.RandomPerspective(0.5, p=1.0, fill=(1, 2, 3))):
        te, tt = make(v2), make(tv2)
        params = te.make_params([pil])
        assert_same(te.transform(pil, params), tt.transform(pil, _params_to_torch(params)),
                    atol=1)


# ------------------------------------------------------------------------------ auto augment
def _record(transform):
    """Wrap ember's op application to record (op, magnitude, input) of every call."""
    calls = []
    original = transform._apply_image_or_video_transform

    def apply(image, transform_id, magnitude, interpolation, fill):
        calls.append((transform_id, magnitude))
        return original(image, transform_id, magnitude, interpolation=interpolation, fill=fill)
    transform._apply_image_or_video_transform = apply
    return calls


def _replay(tt, image, calls):
    for transform_id, magnitude in calls:
        image = tt._apply_image_or_video_transform(image, transform_id, magnitude,
                                                   interpolation=tt.interpolation, fill=tt._fill)
    return image


AUTO = [
    ("autoaugment_imagenet", lambda m: m.AutoAugment()),
    ("autoaugment_cifar", lambda m: m.AutoAugment(m.AutoAugmentPolicy.CIFAR10, fill=5)),
    ("autoaugment_svhn", lambda m: m.AutoAugment(m.AutoAugmentPolicy.SVHN,
                                                 interpolation="bilinear")),
    ("randaugment", lambda m: m.RandAugment(num_ops=4, magnitude=12, fill=[1, 2, 3])),
    ("trivial", lambda m: m.TrivialAugmentWide(num_magnitude_bins=11)),
]


@pytest.mark.parametrize("name,make", AUTO, ids=[n for n, _ in AUTO])
def test_auto_augment_matches_with_the_same_choices(name, make):
    te, tt = make(v2), make(tv2)
    magnitude_tables = {}
    for seed in range(6):
        ember.manual_seed(seed)
        dtype = np.uint8 if seed % 3 else np.float32
        img, target = _sample(seed, dtype)
        if seed == 5:
            img = ET.Video(ember.from_numpy(np.stack([img.numpy()] * 2)))
        calls = _record(te)
        out = te(img, {"labels": target["labels"]})
        assert type(out[0]) is type(img) and out[1]["labels"] is target["labels"]
        theirs = _replay(tt, to_torch(img), calls)
        tol = dict(atol=1) if dtype == np.uint8 else dict(atol=1e-5, rtol=1e-5)
        assert_same(out[0], theirs, **tol)
        for op, magnitude in calls:
            magnitude_tables.setdefault(op, set()).add(abs(magnitude))
    # every magnitude ember drew is in torchvision's table for that op
    h, w = 12, 16
    for op, values in magnitude_tables.items():
        fn, _ = tt._AUGMENTATION_SPACE[op]
        table = fn(10 if "autoaugment" in name else tt.num_magnitude_bins, h, w)
        allowed = {0.0} if table is None else {abs(float(v)) for v in table}
        assert values <= allowed, (op, values, allowed)


def test_auto_augment_pil_and_errors():
    Image = pytest.importorskip("PIL.Image")
    pil = Image.fromarray(np.random.default_rng(7).integers(0, 256, (12, 16, 3), dtype=np.uint8))
    te, tt = v2.RandAugment(num_ops=3), tv2.RandAugment(num_ops=3)
    ember.manual_seed(4)
    calls = _record(te)
    assert_same(te(pil), _replay(tt, pil, calls))
    img, target = _sample(8)
    for m in (v2, tv2):
        sample = to_torch((img, target)) if m is tv2 else (img, target)
        with pytest.raises(TypeError, match="Inputs of type BoundingBoxes are not supported"):
            m.AutoAugment()(*sample)
        with pytest.raises(TypeError, match="only properly defined for a single image"):
            m.TrivialAugmentWide()(*to_torch((img, img)) if m is tv2 else (img, img))
        with pytest.raises(TypeError, match="Found no image in the sample"):
            m.AugMix()({"a": 1})
        with pytest.raises(ValueError, match="num_ops should be a non-negative integer"):
            m.RandAugment(num_ops=-1)
        with pytest.raises(ValueError, match="The severity must be between"):
            m.AugMix(severity=11)


@pytest.mark.parametrize("all_ops", [True, False])
def test_augmix_matches_with_the_same_choices(all_ops, monkeypatch):
    for seed, dtype in ((0, np.uint8), (1, np.float32)):
        ember.manual_seed(seed)
        img, _ = _sample(seed, dtype)
        te = v2.AugMix(severity=4, mixture_width=2, chain_depth=2, all_ops=all_ops)
        tt = tv2.AugMix(severity=4, mixture_width=2, chain_depth=2, all_ops=all_ops)
        weights = []
        original_sample = te._sample_dirichlet

        def sample(params):
            out = original_sample(params)
            weights.append(out)
            return out
        te._sample_dirichlet = sample
        calls = _record(te)
        ours = te(img)
        # replay: the same Dirichlet draws and the same chains of ops in torchvision
        it_weights = iter(weights)
        tt._sample_dirichlet = lambda params: to_torch(next(it_weights)).to(params.dtype)
        it_calls = iter(calls)

        def apply(image, transform_id, magnitude, interpolation, fill):
            op, mag = next(it_calls)
            return tv2.AugMix._apply_image_or_video_transform(tt, image, op, mag, interpolation,
                                                              fill)
        tt._apply_image_or_video_transform = apply
        theirs = tt(to_torch(img))
        assert_same(ours, theirs, atol=1 if dtype == np.uint8 else 1e-5)
        assert len(calls) == 4


# ------------------------------------------------------------------------------ MixUp / CutMix
@pytest.mark.parametrize("cls", ["MixUp", "CutMix"])
def test_mixup_cutmix_match_with_the_same_params(cls):
    rng = np.random.default_rng(9)
    for labels_np, num_classes in ((np.array([0, 2, 1, 3]), 4),
                                   (rng.random((4, 5)).astype(np.float32), None)):
        ember.manual_seed(3)
        for images in (ember.from_numpy(rng.random((4, 3, 6, 7), dtype=np.float32)),
                       ET.Video(ember.from_numpy(rng.random((4, 2, 3, 6, 7), dtype=np.float32)))):
            te = getattr(v2, cls)(alpha=0.7, num_classes=num_classes)
            tt = getattr(tv2, cls)(alpha=0.7, num_classes=num_classes)
            labels = ember.from_numpy(labels_np.copy())
            labels_t = to_torch(labels)
            params = dict(labels=labels, batch_size=4, **te.make_params([images]))
            params_t = dict(_params_to_torch(params), labels=labels_t)
            assert_same(te.transform(images, params), tt.transform(to_torch(images), params_t),
                        atol=1e-6)
            assert_same(te.transform(labels, params), tt.transform(labels_t, params_t),
                        atol=1e-6)
            imgs_out, labels_out = te(images, labels)
            assert type(imgs_out) is type(images) and tuple(labels_out.shape) == (4, 5 if
                                                                                num_classes is None
                                                                                else 4)
            if labels.ndim == 1:  # one-hot rows mix into distributions
                np.testing.assert_allclose(labels_out.sum(1).numpy(), np.ones(4), rtol=1e-5)


def test_mixup_cutmix_inputs_and_errors_match():
    images = ember.rand(4, 3, 5, 5)
    labels = ember.tensor([0, 1, 2, 1])
    for cls in ("MixUp", "CutMix"):
        ember.manual_seed(0)
        out = getattr(v2, cls)(num_classes=3)({"img": images, "labels": labels, "id": 3})
        assert tuple(out["labels"].shape) == (4, 3) and out["id"] == 3
        out = getattr(v2, cls)(num_classes=3, labels_getter=lambda s: s[2])(images, "x", labels)
        assert tuple(out[2].shape) == (4, 3) and out[1] == "x"
        cases = [
            (dict(), (images, labels), "num_classes must be passed"),
            (dict(num_classes=3, labels_getter=lambda s: s[1]), (images, [0, 1, 2, 1]),
             "The labels must be a tensor"),
            (dict(num_classes=3), (images[0], labels), "Expected a batched input with 4"),
            (dict(num_classes=3), (images[:3], labels), "The batch size of the image"),
            (dict(num_classes=2), (images, ember.rand(4, 3)), "must match num_classes"),
            (dict(num_classes=3), (images, labels.reshape(2, 2, 1)), "should be index based"),
            (dict(num_classes=3), (images, labels, ET.Mask(ember.zeros(4, 5, 5))),
             "does not support PIL images, bounding boxes"),
        ]
        for kwargs, inputs, msg in cases:
            with pytest.raises(ValueError, match=msg):
                getattr(tv2, cls)(**kwargs)(*to_torch(inputs))
            with pytest.raises(ValueError, match=msg):
                getattr(v2, cls)(**kwargs)(*inputs)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        v2.MixUp(num_classes=3)(ember.zeros(4, 3, 2, 2, dtype=ember.uint8), labels)
    assert repr(v2.MixUp(num_classes=3)) == repr(tv2.MixUp(num_classes=3))


# ------------------------------------------------------------------------------ misc
def test_linear_transformation_matches():
    rng = np.random.default_rng(10)
    d = 3 * 2 * 3
    mat = ember.from_numpy(rng.standard_normal((d, d)).astype(np.float32))
    mean = ember.from_numpy(rng.standard_normal(d).astype(np.float32))
    make = lambda m: m.LinearTransformation(mat if m is v2 else to_torch(mat),  # noqa: E731
                                            mean if m is v2 else to_torch(mean))
    img = ET.Image(ember.from_numpy(rng.random((3, 2, 3), dtype=np.float32)))
    _both(make, (img, {"masks": ET.Mask(ember.zeros(2, 3))}), atol=1e-5)
    _both(make, ember.from_numpy(rng.random((4, 3, 2, 3), dtype=np.float32)), atol=1e-5)
    _both(make, ET.Video(ember.from_numpy(rng.random((2, 3, 2, 3), dtype=np.float32))), atol=1e-5)
    x = ember.rand(3, 2, 3, requires_grad=True)
    v2.LinearTransformation(mat, mean)(x).sum().backward()
    np.testing.assert_allclose(x.grad.flatten().numpy(), mat.numpy().sum(1), rtol=1e-5)
    for args, msg in [((ember.zeros(3, 4), ember.zeros(3)), "should be square"),
                      ((ember.zeros(3, 3), ember.zeros(4)), "mean_vector should have the same"),
                      ((ember.zeros(3, 3), ember.zeros(3, dtype=ember.float64)), "same dtype")]:
        for m in (v2, tv2):
            with pytest.raises(ValueError, match=msg):
                m.LinearTransformation(*(to_torch(a) if m is tv2 else a for a in args))
    with pytest.raises(ValueError, match="incompatible shape"):
        v2.LinearTransformation(mat, mean)(ember.zeros(3, 3, 3))
    Image = pytest.importorskip("PIL.Image")
    with pytest.raises(TypeError, match="does not support PIL images"):
        v2.LinearTransformation(mat, mean)(Image.new("RGB", (3, 2)))


def test_uniform_temporal_subsample_transform_matches():
    video = ET.Video(ember.from_numpy(np.random.default_rng(11).random((6, 3, 2, 2),
                                                                      dtype=np.float32)))
    for n in (2, 4, 9):
        _both(lambda m: m.UniformTemporalSubsample(n), (video, {"labels": ember.tensor([1])}))
    _both(lambda m: m.UniformTemporalSubsample(3), ember.rand(5, 1, 2, 2))


def test_constructor_errors_and_reprs_match():
    cases = [
        (lambda m: m.RandomInvert(p=2.0), ValueError),
        (lambda m: m.RandomPerspective(distortion_scale=1.5), ValueError),
        (lambda m: m.RandomPerspective(fill="x"), TypeError),
        (lambda m: m.ElasticTransform(alpha={}), TypeError),
        (lambda m: m.ElasticTransform(alpha="x"), ValueError),
        (lambda m: m.ElasticTransform(sigma=[1.0, 2.0, 3.0]), ValueError),
        (lambda m: m.RandomZoomOut(side_range=(0.5, 2.0)), ValueError),
        (lambda m: m.RandomZoomOut(side_range=(1.0,)), ValueError),
        (lambda m: m.FiveCrop([1, 2, 3]), ValueError),
        (lambda m: m.TenCrop([1, 2, 3]), ValueError),
        (lambda m: m.AutoAugment(fill="x"), TypeError),
    ]
    for make, err in cases:
        with pytest.raises(err):
            make(tv2)
        with pytest.raises(err):
            make(v2)
    for make in [lambda m: m.RandomPosterize(3), lambda m: m.RandomSolarize(0.3, p=0.2),
                 lambda m: m.RandomAdjustSharpness(2.0), lambda m: m.GaussianNoise(0.1, 0.2),
                 lambda m: m.FiveCrop(3), lambda m: m.TenCrop(3, vertical_flip=True),
                 lambda m: m.RandomZoomOut(), lambda m: m.RandomIoUCrop(),
                 lambda m: m.RandomShortestSize([3, 4], 10), lambda m: m.RandomResize(2, 5),
                 lambda m: m.UniformTemporalSubsample(4)]:
        assert repr(make(v2)) == repr(make(tv2))


NEW_MODULES = ["ember.vision.transforms.v2._auto_augment", "ember.vision.transforms.v2._temporal",
               "ember.vision.transforms.v2.functional._temporal"]


@pytest.mark.parametrize("name", NEW_MODULES)
def test_new_module_docstring_examples_run(name):
    import doctest
    import importlib
    mod = importlib.import_module(name)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np, tv_tensors=ET)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for test in doctest.DocTestFinder(exclude_empty=True).find(mod, name, globs=globs):
        if test.examples and test.name.startswith(name):
            ember.manual_seed(0)
            runner.run(test)
            n += 1
    assert n > 0 and runner.summarize(verbose=False).failed == 0
