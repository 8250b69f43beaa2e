"""The augmentation policies of ember.vision.transforms.autoaugment against torchvision 0.29.

Random streams differ from torch's, so (a) every operation and magnitude a policy can pick is compared
with torchvision's ``_apply_op`` for the same arguments, (b) whole ``forward`` calls are compared with the
random draws scripted identically on both sides, and (c) the magnitude tables are compared value by
value. uint8 tensors and PIL images must match exactly; float tensors to float32 rounding.
"""

import math

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision")
Image = pytest.importorskip("PIL.Image")

import torchvision.transforms as TT  # noqa: E402
import torchvision.transforms.autoaugment as tv_aa  # noqa: E402

import ember.vision.transforms as T  # noqa: E402
import ember.vision.transforms.autoaugment as aa  # noqa: E402

H, W = 20, 26


@pytest.fixture(autouse=True, scope="module")
def _single_threaded_torch():
    # torchvision's small-image kernels are far slower with threads on a shared machine
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _u8(seed, shape=(3, H, W)):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _pil(seed, mode="RGB"):
    arr = _u8(seed, (H, W, 3))
    img = Image.fromarray(arr)
    return img.convert(mode) if mode != "RGB" else img


def _tv_interp(mode):
    return TT.InterpolationMode(mode.value)


def _same(ours, ref, atol=0.0):
    if isinstance(ref, torch.Tensor):
        assert isinstance(ours, ember.Tensor)
        got, exp = ours.numpy(), ref.numpy()
        assert got.shape == exp.shape and got.dtype == exp.dtype, (got.shape, exp.shape, got.dtype, exp.dtype)
        if atol == 0.0:
            np.testing.assert_array_equal(got, exp)
        else:
            np.testing.assert_allclose(got, exp, rtol=0, atol=atol)
    else:
        assert ours.mode == ref.mode and ours.size == ref.size
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(ref))


def _both_apply(img_e, img_t, op, magnitude, interp, fill_e, fill_t, atol=0.0):
    """Run ember's and torchvision's ``_apply_op``; both must succeed and agree, or raise the same type."""
    try:
        ref = tv_aa._apply_op(img_t, op, magnitude, interpolation=_tv_interp(interp), fill=fill_t)
    except Exception as e:  # torchvision rejects this op for this input: so must we
        with pytest.raises(type(e)):
            aa._apply_op(img_e, op, magnitude, interpolation=interp, fill=fill_e)
        return False
    ours = aa._apply_op(img_e, op, magnitude, interpolation=interp, fill=fill_e)
    _same(ours, ref, atol)
    return True


def _space_pairs(space):
    """Every (op, magnitude) a magnitude table allows, both signs for signed ops."""
    pairs = []
    for op, (mags, signed) in space.items():
        values = [float(v) for v in mags.reshape(-1).tolist()] if mags.ndim > 0 else [0.0]
        for v in values:
            pairs.append((op, v))
            if signed and v != 0.0:
                pairs.append((op, -v))
    return pairs


# ------------------------------------------------------------------------------------------------
# (c) magnitude tables equal torchvision's
# ------------------------------------------------------------------------------------------------


def _compare_space(ours, ref):
    assert list(ours) == list(ref)
    for op in ref:
        (m_e, s_e), (m_t, s_t) = ours[op], ref[op]
        assert s_e == s_t, op
        got, exp = m_e.numpy(), m_t.numpy()
        assert got.shape == exp.shape and got.dtype == exp.dtype, (op, got.dtype, exp.dtype)
        np.testing.assert_array_equal(got, exp, err_msg=op)


@pytest.mark.parametrize("num_bins", [2, 7, 10, 31, 32, 45, 64])
@pytest.mark.parametrize("size", [(20, 26), (224, 331), (7, 1000)])
def test_magnitude_tables_match_torchvision(num_bins, size):
    _compare_space(T.AutoAugment()._augmentation_space(num_bins, size),
                   TT.AutoAugment()._augmentation_space(num_bins, size))
    _compare_space(T.RandAugment()._augmentation_space(num_bins, size),
                   TT.RandAugment()._augmentation_space(num_bins, size))
    _compare_space(T.TrivialAugmentWide()._augmentation_space(num_bins),
                   TT.TrivialAugmentWide()._augmentation_space(num_bins))
    for all_ops in (True, False):
        _compare_space(T.AugMix(all_ops=all_ops)._augmentation_space(num_bins, size),
                       TT.AugMix(all_ops=all_ops)._augmentation_space(num_bins, size))


@pytest.mark.parametrize("policy", list(T.AutoAugmentPolicy))
def test_autoaugment_policy_tables_match_torchvision(policy):
    ours = T.AutoAugment(policy).policies
    ref = TT.AutoAugment(TT.AutoAugmentPolicy(policy.value)).policies
    assert ours == ref
    assert len(ours) == 25


# ------------------------------------------------------------------------------------------------
# (a) every op / magnitude a policy can pick equals torchvision's functional result
# ------------------------------------------------------------------------------------------------

NEAREST, BILINEAR = T.InterpolationMode.NEAREST, T.InterpolationMode.BILINEAR


def _check_pairs(pairs, interp, fill, seed):
    arr = _u8(seed, (2, 3, H, W))
    e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    pil = _pil(seed)
    fill_pil = None if fill is None else tuple(int(v) for v in fill)
    for op, mag in pairs:
        assert _both_apply(e, t, op, mag, interp, fill, fill, atol=0.0), (op, mag)
        assert _both_apply(pil, pil, op, mag, interp, fill_pil, fill_pil), (op, mag)


@pytest.mark.parametrize("policy", list(T.AutoAugmentPolicy))
def test_autoaugment_every_policy_op_matches_torchvision(policy):
    t = T.AutoAugment(policy)
    space = t._augmentation_space(10, (H, W))
    pairs = set()
    for sub in t.policies:
        for op, _, mag_id in sub:
            mags, signed = space[op]
            mag = float(mags[mag_id].item()) if mag_id is not None else 0.0
            pairs.add((op, mag))
            if signed:
                pairs.add((op, -mag))
    _check_pairs(sorted(pairs), NEAREST, None, seed=1)


@pytest.mark.parametrize("interp,fill", [(NEAREST, None), (BILINEAR, [10.0, 20.0, 30.0])])
def test_randaugment_every_op_and_bin_matches_torchvision(interp, fill):
    # RandAugment uses bin `magnitude` of its 31-bin table; every bin is reachable through that argument
    space = T.RandAugment()._augmentation_space(31, (H, W))
    pairs = [p for i, p in enumerate(_space_pairs(space)) if i % 2 == (interp == BILINEAR)]
    _check_pairs(pairs, interp, fill, seed=2)


@pytest.mark.parametrize("interp,fill", [(NEAREST, None), (BILINEAR, [5.0, 6.0, 7.0])])
def test_trivialaugment_every_op_and_bin_matches_torchvision(interp, fill):
    space = T.TrivialAugmentWide()._augmentation_space(31)
    pairs = [p for i, p in enumerate(_space_pairs(space)) if i % 2 == (interp == BILINEAR)]
    _check_pairs(pairs, interp, fill, seed=3)


def test_augmix_every_op_and_bin_matches_torchvision_on_tensors():
    # AugMix always works on tensors (PIL images are converted first), bilinear by default
    space = T.AugMix()._augmentation_space(10, (H, W))
    arr = _u8(4, (2, 3, H, W))
    e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
    for op, mag in _space_pairs(space):
        assert _both_apply(e, t, op, mag, BILINEAR, None, None), (op, mag)


@pytest.mark.parametrize("op,mag", [
    ("ShearX", 0.3), ("ShearY", -0.99), ("TranslateX", -7.6), ("TranslateY", 12.0), ("Rotate", 135.0),
    ("Rotate", -17.5), ("Brightness", 0.5), ("Color", -0.9), ("Contrast", 0.99), ("Sharpness", -0.5),
    ("Posterize", 3.0), ("Solarize", 0.5), ("Solarize", 226.66), ("AutoContrast", 0.0), ("Equalize", 0.0),
    ("Invert", 0.0), ("Identity", 0.0),
])
@pytest.mark.parametrize("kind", ["float32", "gray_u8", "pil_L", "single_u8"])
def test_apply_op_other_image_kinds_match_torchvision(op, mag, kind):
    if kind == "float32":
        arr = np.random.default_rng(5).random((2, 3, H, W), dtype=np.float32)
        e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
        _both_apply(e, t, op, mag, BILINEAR, [0.5, 0.25, 1.0], [0.5, 0.25, 1.0], atol=2e-6)
    elif kind == "gray_u8":
        arr = _u8(6, (1, H, W))
        e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
        assert _both_apply(e, t, op, mag, NEAREST, [9.0], [9.0])
    elif kind == "single_u8":
        arr = _u8(7, (3, H, W))
        e, t = ember.from_numpy(arr.copy()), torch.from_numpy(arr.copy())
        assert _both_apply(e, t, op, mag, BILINEAR, None, None)
    else:
        img = _pil(8, "L")
        assert _both_apply(img, img, op, mag, BILINEAR, 7, 7)


def test_float_images_are_rejected_where_torchvision_rejects_them():
    e = ember.rand(3, H, W)
    with pytest.raises(TypeError):
        aa._apply_op(e, "Solarize", 255.0, NEAREST, None)  # threshold above the float bound 1.0
    with pytest.raises(TypeError):
        aa._apply_op(e, "Posterize", 4.0, NEAREST, None)
    with pytest.raises(TypeError):
        aa._apply_op(e, "Equalize", 0.0, NEAREST, None)
    with pytest.raises(ValueError, match="not recognized"):
        aa._apply_op(e, "Blur", 0.0, NEAREST, None)


# ------------------------------------------------------------------------------------------------
# (b) whole forward passes with the same scripted random draws
# ------------------------------------------------------------------------------------------------


class _Script:
    """Deterministic stand-in for ``randint``: the k-th call returns ``low + seq[k] % (high - low)``."""

    def __init__(self, seed, make):
        self.seq = np.random.default_rng(seed).integers(0, 1 << 30, size=4096).tolist()
        self.k = 0
        self.make = make

    def __call__(self, *args, **kwargs):
        low, high = 0, None
        size = kwargs.get("size")
        if "low" in kwargs or "high" in kwargs:
            low, high = kwargs.get("low", 0), kwargs["high"]
        elif len(args) >= 2 and not isinstance(args[1], (tuple, list)):
            low, high = args[0], args[1]
            size = args[2] if len(args) > 2 else size
        else:
            high = args[0]
            size = args[1] if len(args) > 1 else size
        n = int(np.prod(size)) if size is not None else 1
        vals = []
        for _ in range(n):
            vals.append(low + self.seq[self.k] % (high - low))
            self.k += 1
        return self.make(vals)


def _script_both(monkeypatch, seed):
    monkeypatch.setattr(torch, "randint", _Script(seed, lambda v: torch.tensor(v, dtype=torch.long)))
    monkeypatch.setattr(ember, "randint", _Script(seed, lambda v: ember.tensor(v, dtype=ember.long)))


@pytest.mark.parametrize("policy", list(T.AutoAugmentPolicy))
def test_autoaugment_forward_matches_torchvision_for_every_subpolicy(policy, monkeypatch):
    ours = T.AutoAugment(policy)
    ref = TT.AutoAugment(TT.AutoAugmentPolicy(policy.value))
    arr = _u8(10, (3, H, W))
    pil = _pil(11)
    for pid in range(25):
        probs = [0.0, 0.0] if pid % 3 else [0.0, 1.0]  # apply both ops, or only the first
        signs = [pid % 2, (pid // 2) % 2]
        monkeypatch.setattr(T.AutoAugment, "get_params",
                            staticmethod(lambda n: (pid, ember.tensor(probs), ember.tensor(signs))))
        monkeypatch.setattr(TT.AutoAugment, "get_params",
                            staticmethod(lambda n: (pid, torch.tensor(probs), torch.tensor(signs))))
        _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())))
        _same(ours(pil), ref(pil))


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(num_ops=4, magnitude=20, interpolation=T.InterpolationMode.BILINEAR, fill=[1.0, 2.0, 3.0]),
    dict(num_ops=3, magnitude=3, num_magnitude_bins=10, fill=4),
])
def test_randaugment_forward_matches_torchvision_with_scripted_draws(kwargs, monkeypatch):
    tv_kwargs = dict(kwargs)
    if "interpolation" in tv_kwargs:
        tv_kwargs["interpolation"] = _tv_interp(tv_kwargs["interpolation"])
    ours, ref = T.RandAugment(**kwargs), TT.RandAugment(**tv_kwargs)
    arr = _u8(12, (2, 3, H, W))
    for seed in range(6):
        _script_both(monkeypatch, seed)
        _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())))
        _same(ours(_pil(seed)), ref(_pil(seed)))


def test_trivialaugment_forward_matches_torchvision_with_scripted_draws(monkeypatch):
    ours, ref = T.TrivialAugmentWide(fill=[3, 4, 5]), TT.TrivialAugmentWide(fill=[3, 4, 5])
    arr = _u8(13, (3, H, W))
    for seed in range(12):
        _script_both(monkeypatch, 100 + seed)
        _same(ours(ember.from_numpy(arr.copy())), ref(torch.from_numpy(arr.copy())))
        _same(ours(_pil(seed)), ref(_pil(seed)))


@pytest.mark.parametrize("kwargs", [dict(), dict(severity=10, mixture_width=2, chain_depth=2, all_ops=False),
                                    dict(severity=1, mixture_width=4, interpolation=T.InterpolationMode.NEAREST)])
@pytest.mark.parametrize("shape", [(3, H, W), (2, 3, H, W), "pil"])
def test_augmix_forward_matches_torchvision_with_fixed_weights(kwargs, shape, monkeypatch):
    tv_kwargs = dict(kwargs)
    if "interpolation" in tv_kwargs:
        tv_kwargs["interpolation"] = _tv_interp(tv_kwargs["interpolation"])
    ours, ref = T.AugMix(**kwargs), TT.AugMix(**tv_kwargs)
    rng = np.random.default_rng(14)

    def fixed(params_shape):
        w = rng.random(params_shape).astype(np.float32) + np.float32(0.1)
        return w / w.sum(axis=-1, keepdims=True)

    for seed in range(3):
        _script_both(monkeypatch, 200 + seed)
        weights = {}

        def ember_dirichlet(params):
            key = tuple(params.shape)
            weights.setdefault(key, fixed(key))
            return ember.from_numpy(weights[key].copy())

        def torch_dirichlet(params):
            return torch.from_numpy(weights[tuple(params.shape)].copy())

        monkeypatch.setattr(ours, "_sample_dirichlet", ember_dirichlet)
        monkeypatch.setattr(ref, "_sample_dirichlet", torch_dirichlet)
        if shape == "pil":
            img = _pil(seed)
            out_e = ours(img)
            out_t = ref(img)
        else:
            arr = _u8(seed, shape)
            out_e = ours(ember.from_numpy(arr.copy()))
            out_t = ref(torch.from_numpy(arr.copy()))
        _same(out_e, out_t)


# ------------------------------------------------------------------------------------------------
# (b) determinism, (c) shape / dtype / range, (d) distribution sanity
# ------------------------------------------------------------------------------------------------

POLICY_TRANSFORMS = [
    T.AutoAugment(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10), T.AutoAugment(T.AutoAugmentPolicy.SVHN),
    T.RandAugment(), T.TrivialAugmentWide(), T.AugMix(),
]


@pytest.mark.parametrize("transform", POLICY_TRANSFORMS, ids=repr)
def test_policies_are_deterministic_under_manual_seed_and_keep_shape_dtype(transform):
    arr = _u8(20, (2, 3, H, W))
    outs = []
    for _ in range(2):
        ember.manual_seed(1234)
        outs.append([transform(ember.from_numpy(arr.copy())).numpy() for _ in range(3)]
                    + [np.asarray(transform(_pil(21)))])
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)
    for o in outs[0][:3]:
        assert o.shape == arr.shape and o.dtype == np.uint8
    assert outs[0][3].shape == (H, W, 3)
    # a different seed gives a different stream of augmentations
    ember.manual_seed(99)
    other = [transform(ember.from_numpy(arr.copy())).numpy() for _ in range(3)]
    assert any(not np.array_equal(a, b) for a, b in zip(outs[0][:3], other))


def test_policies_keep_pil_mode_and_gray_tensors():
    ember.manual_seed(0)
    img_l = _pil(22, "L")
    for t in POLICY_TRANSFORMS:
        out = t(img_l)
        assert out.mode == "L" and out.size == img_l.size
        g = t(ember.from_numpy(_u8(23, (1, H, W))))
        assert tuple(g.shape) == (1, H, W) and g.dtype == ember.uint8


def test_augmix_float_images_stay_in_range_and_dtype():
    ember.manual_seed(3)
    img = ember.rand(2, 3, H, W, dtype=ember.float64)
    t = T.AugMix(all_ops=True)
    # float images work as long as no uint8-only op (posterize, equalize, solarize > 1) is drawn
    ok = 0
    for _ in range(20):
        try:
            out = t(img)
        except TypeError:
            continue
        ok += 1
        assert out.dtype == ember.float64 and tuple(out.shape) == (2, 3, H, W)
        assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0 + 1e-12
    assert ok > 0


def _record_ops(monkeypatch):
    calls = []

    def fake(img, op_name, magnitude, interpolation, fill):
        calls.append((op_name, magnitude))
        return img

    monkeypatch.setattr(aa, "_apply_op", fake)
    return calls


def test_randaugment_draws_every_op_uniformly_with_random_signs(monkeypatch):
    calls = _record_ops(monkeypatch)
    ember.manual_seed(0)
    t = T.RandAugment(num_ops=2, magnitude=9)
    img = ember.zeros(3, 8, 8, dtype=ember.uint8)
    for _ in range(700):
        t(img)
    assert len(calls) == 1400
    names = [c[0] for c in calls]
    space = t._augmentation_space(31, (8, 8))
    assert set(names) == set(space)
    counts = np.array([names.count(k) for k in space])
    assert counts.min() > 1400 / 14 * 0.5 and counts.max() < 1400 / 14 * 1.5
    shear = [m for n, m in calls if n == "ShearX"]
    expected = float(space["ShearX"][0][9])
    assert set(abs(m) for m in shear) == {expected}
    assert 0.25 < np.mean([m < 0 for m in shear]) < 0.75
    assert T.RandAugment(num_ops=0)(img) is img


def test_trivialaugment_draws_all_bins(monkeypatch):
    calls = _record_ops(monkeypatch)
    ember.manual_seed(1)
    t = T.TrivialAugmentWide(num_magnitude_bins=5)
    img = ember.zeros(3, 8, 8, dtype=ember.uint8)
    for _ in range(1000):
        t(img)
    space = t._augmentation_space(5)
    rot = {abs(m) for n, m in calls if n == "Rotate"}
    assert rot == {float(v) for v in space["Rotate"][0].tolist()}
    post = {m for n, m in calls if n == "Posterize"}
    assert post == {float(v) for v in space["Posterize"][0].tolist()}
    assert {n for n, _ in calls} == set(space)


def test_autoaugment_applies_each_op_with_its_probability(monkeypatch):
    calls = _record_ops(monkeypatch)
    t = T.AutoAugment(T.AutoAugmentPolicy.IMAGENET)
    picked = []
    real = T.AutoAugment.get_params

    def spy(n):
        out = real(n)
        picked.append((out[0], [float(v) for v in out[1].tolist()]))
        return out

    monkeypatch.setattr(T.AutoAugment, "get_params", staticmethod(spy))
    ember.manual_seed(2)
    img = ember.zeros(3, 8, 8, dtype=ember.uint8)
    n = 1500
    for _ in range(n):
        t(img)
    # each call applies op i exactly when probs[i] <= p_i
    expected_calls = sum(int(pr[i] <= t.policies[pid][i][1]) for pid, pr in picked for i in range(2))
    assert len(calls) == expected_calls
    applied = np.mean([pr[0] <= t.policies[pid][0][1] for pid, pr in picked])
    mean_p = np.mean([t.policies[pid][0][1] for pid, _ in picked])
    assert abs(applied - mean_p) < 0.05
    ids = [pid for pid, _ in picked]
    assert set(ids) == set(range(25))


def test_augmix_mixing_weights_and_identity_limits():
    img = ember.from_numpy(_u8(30, (2, 3, H, W)))
    ember.manual_seed(4)
    t = T.AugMix()
    w = t._sample_dirichlet(ember.tensor([1.0, 1.0, 1.0]).expand(5000, -1)).numpy()
    assert w.shape == (5000, 3) and w.dtype == np.float32
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)
    assert (w >= 0).all() and abs(w.mean() - 1 / 3) < 0.02
    # Dirichlet(1, 1) is uniform on [0, 1] for the first weight: variance 1/12
    b = t._sample_dirichlet(ember.tensor([1.0, 1.0]).expand(5000, -1)).numpy()[:, 0]
    assert abs(b.var() - 1 / 12) < 0.01

    # mixture_width=0 leaves m0 * img, which rounds down: with m0 weights fixed at 1 the image is unchanged
    t0 = T.AugMix(mixture_width=0)
    t0._sample_dirichlet = lambda p: ember.tensor([[1.0, 0.0]] * p.shape[0]) if p.shape[1] == 2 else ember.zeros(p.shape)
    np.testing.assert_array_equal(t0(img).numpy(), img.numpy())


def test_policy_constructor_errors_and_reprs_match_torchvision():
    with pytest.raises(ValueError, match="severity"):
        T.AugMix(severity=0)
    with pytest.raises(ValueError, match="severity"):
        TT.AugMix(severity=11)
    with pytest.raises(ValueError, match="severity"):
        T.AugMix(severity=11)
    with pytest.raises(ValueError, match="not recognized"):
        T.AutoAugment(policy="imagenet")
    pairs = [
        (T.AutoAugment(), TT.AutoAugment()),
        (T.AutoAugment(T.AutoAugmentPolicy.SVHN, fill=[1, 2, 3]), TT.AutoAugment(TT.AutoAugmentPolicy.SVHN, fill=[1, 2, 3])),
        (T.RandAugment(), TT.RandAugment()),
        (T.RandAugment(3, 5, 11, T.InterpolationMode.BILINEAR, 4), TT.RandAugment(3, 5, 11, TT.InterpolationMode.BILINEAR, 4)),
        (T.TrivialAugmentWide(), TT.TrivialAugmentWide()),
        (T.AugMix(), TT.AugMix()),
        (T.AugMix(2, 4, 3, 0.5, False), TT.AugMix(2, 4, 3, 0.5, False)),
    ]
    for ours, ref in pairs:
        assert repr(ours) == repr(ref)


def test_autoaugment_names_are_exposed_like_torchvision():
    for name in tv_aa.__all__:
        assert getattr(T, name) is getattr(aa, name)
        assert name in T.__all__
    assert T.autoaugment is aa
    assert [p.value for p in T.AutoAugmentPolicy] == [p.value for p in TT.AutoAugmentPolicy]
    assert math.isclose(float(T.AutoAugment()._augmentation_space(10, (H, W))["Rotate"][0][9]), 30.0)
