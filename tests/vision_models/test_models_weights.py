"""The weights API against torchvision's: enums, metadata, presets, registry, the deprecated
``pretrained=`` interface, and checkpoint download (127.0.0.1 only) with hash check and cache."""
import hashlib
import http.server
import math
import os
import threading
import warnings

import numpy as np
import pytest

import ember
import ember.hub
from ember.vision import models

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

from vision_models_helpers import no_init, param_count, rel_err  # noqa: E402

NAMES = models.list_models()


def _same_meta(a, b):
    """Equality that treats NaN == NaN (VGG16's feature-extractor weights have NaN metrics)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_meta(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


# ----------------------------------------------------------------------------- enums and metadata
@pytest.mark.parametrize("name", NAMES)
def test_weights_enum_matches_torchvision(name):
    enum = models.get_model_weights(name)
    tenum = torchvision.models.get_model_weights(name)
    assert enum.__name__ == tenum.__name__
    assert issubclass(enum, models.WeightsEnum)
    assert list(enum.__members__) == list(tenum.__members__)  # DEFAULT alias included
    assert enum.DEFAULT.name == tenum.DEFAULT.name
    assert enum.DEFAULT is enum[tenum.DEFAULT.name]
    for member in enum:
        tmember = tenum[member.name]
        assert repr(member) == repr(tmember)
        assert member.url == tmember.url
        assert _same_meta(member.meta, tmember.meta), member
        assert repr(member.transforms()) == repr(tmember.transforms())
        cats = member.meta["categories"]
        assert cats is None or len(cats) == 1000


def test_num_params_equal_the_models_parameter_count(monkeypatch):
    counts = {}  # one build per architecture configuration
    for name in NAMES:
        for member in models.get_model_weights(name):
            kwargs = {}
            if name.startswith("vit"):
                kwargs["image_size"] = member.meta["min_size"][0]
            if name == "googlenet":  # the pretrained model drops its (untrained) aux heads
                kwargs.update(aux_logits=False, init_weights=False)
            key = (name, tuple(sorted(kwargs.items())))
            if key not in counts:
                with no_init(monkeypatch):
                    counts[key] = param_count(models.get_model(name, **kwargs))
            assert counts[key] == member.meta["num_params"], member


def test_categories_are_torchvisions_imagenet_classes():
    from ember.vision.models._meta import _IMAGENET_CATEGORIES
    from torchvision.models._meta import _IMAGENET_CATEGORIES as ref
    assert _IMAGENET_CATEGORIES == ref
    assert models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"][:3] == ["tench", "goldfish", "great white shark"]


def test_weights_verify_and_lookup_like_torchvision():
    W, TW = models.ResNet50_Weights, torchvision.models.ResNet50_Weights
    for arg in ["DEFAULT", "IMAGENET1K_V1", "ResNet50_Weights.IMAGENET1K_V2", None]:
        got, ref = W.verify(arg), TW.verify(arg)
        assert (got is None and ref is None) or got.name == ref.name
    assert W.verify(W.IMAGENET1K_V1) is W.IMAGENET1K_V1
    with pytest.raises(TypeError) as ref:
        TW.verify(torchvision.models.ResNet18_Weights.DEFAULT)
    with pytest.raises(TypeError) as got:
        W.verify(models.ResNet18_Weights.DEFAULT)
    assert str(got.value) == str(ref.value)
    with pytest.raises(KeyError):
        W.verify("IMAGENET1K_V9")

    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is W.IMAGENET1K_V2
    assert models.get_weight("MobileNet_V3_Small_Weights.DEFAULT") is models.MobileNet_V3_Small_Weights.IMAGENET1K_V1
    for bad in ["ResNet50_Weights", "NoSuch_Weights.IMAGENET1K_V1"]:
        with pytest.raises(ValueError) as ref:
            torchvision.models.get_weight(bad)
        with pytest.raises(ValueError) as got:
            models.get_weight(bad)
        assert str(got.value) == str(ref.value)
    assert models.get_model_weights(models.resnet18) is models.ResNet18_Weights
    assert models.get_model_weights("VGG16") is models.VGG16_Weights  # names are case-insensitive


def test_weights_members_compare_and_copy():
    import copy
    import pickle
    w = models.ViT_B_16_Weights.IMAGENET1K_SWAG_E2E_V1
    assert copy.deepcopy(w) is w
    assert pickle.loads(pickle.dumps(w)) is w
    assert w.value == copy.copy(w.value)
    assert w.value != models.ViT_B_16_Weights.IMAGENET1K_V1.value


# ----------------------------------------------------------------------------- registry
def test_list_models_and_filters_match_torchvision():
    tv = set(torchvision.models.list_models())
    ours = models.list_models()
    assert ours == sorted(ours) and set(ours) <= tv
    assert models.list_models(module=models) == ours
    cases = [dict(include="resnet*"), dict(include=["vgg1?", "vit_*"]), dict(exclude="*_bn"),
             dict(include="efficientnet*", exclude=["*_v2_*", "efficientnet_b7"]), dict(include="nothing*")]
    for kw in cases:
        ref = [n for n in torchvision.models.list_models(module=torchvision.models, **kw) if n in ours]
        assert models.list_models(**kw) == ref, kw
    for name in ours:
        assert models.get_model_builder(name) is getattr(models, name)


def test_get_model_builds_with_config(monkeypatch):
    with no_init(monkeypatch):
        m = models.get_model("ResNet18", num_classes=7)
    assert isinstance(m, models.ResNet) and m.fc.out_features == 7
    with pytest.raises(ValueError, match="Unknown model"):
        models.get_model("resnet7")


# ----------------------------------------------------------------------------- presets
def test_preset_transforms_match_torchvision_on_pil_and_tensor():
    Image = pytest.importorskip("PIL.Image")
    rs = np.random.RandomState(0)
    arr = rs.randint(0, 256, (300, 400, 3), dtype=np.uint8)
    img = Image.fromarray(arr)
    for w in [models.ResNet50_Weights.IMAGENET1K_V2, models.ViT_B_16_Weights.IMAGENET1K_SWAG_LINEAR_V1,
              models.VGG16_Weights.IMAGENET1K_FEATURES]:
        preset = w.transforms()
        ref_preset = torchvision.models.get_weight(repr(w)).transforms()
        assert repr(preset) == repr(ref_preset)
        assert preset.describe() == ref_preset.describe()
        got = preset(img)
        ref = ref_preset(img)
        assert isinstance(got, ember.Tensor) and got.dtype == ember.float32
        assert tuple(got.shape) == tuple(ref.shape)
        assert np.abs(got.numpy() - ref.numpy()).max() < 1e-4
        # uint8 tensor batch
        t = np.ascontiguousarray(arr.transpose(2, 0, 1))[None]
        got = preset(ember.from_numpy(t.copy()))
        ref = ref_preset(torch.from_numpy(t.copy()))
        assert tuple(got.shape) == tuple(ref.shape)
        assert np.abs(got.numpy() - ref.numpy()).max() < 2e-2  # antialiased uint8 resize rounding


# ----------------------------------------------------------------------------- deprecated interface
def _warning_texts(fn, *args, **kwargs):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [(w.category, str(w.message)) for w in rec]


def test_pretrained_false_warnings_match_torchvision(monkeypatch):
    with no_init(monkeypatch, torch):
        for fn, args, kwargs in [("resnet18", (), {"pretrained": False}), ("mobilenet_v2", (False,), {}),
                                 ("squeezenet1_1", (), {"weights": None})]:
            model, got = _warning_texts(getattr(models, fn), *args, **kwargs)
            _, ref = _warning_texts(getattr(torchvision.models, fn), *args, **kwargs)
            assert got == ref
            assert type(model).__name__ == getattr(torchvision.models, fn).__annotations__["return"].__name__
    assert any("The parameter 'pretrained' is deprecated since 0.13" in m for _, m in
               _warning_texts(models.alexnet, pretrained=False)[1])


# ----------------------------------------------------------------------------- download (local server)
class _Server:
    """A tiny HTTP server on 127.0.0.1 serving one directory; counts GET requests."""

    def __init__(self, directory):
        requests = self.requests = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(directory), **k)

            def do_GET(self):
                requests.append(self.path)
                super().do_GET()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name):
        return f"http://127.0.0.1:{self.port}/{name}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served_resnet18(tmp_path, monkeypatch):
    """A real resnet18 checkpoint written by torch, named ``resnet18-<sha256 prefix>.pth`` and
    served on 127.0.0.1; ResNet18_Weights.IMAGENET1K_V1 points at it; caches go to tmp."""
    torch.manual_seed(0)
    ref = torchvision.models.resnet18()
    srv_dir = tmp_path / "srv"
    srv_dir.mkdir()
    raw = srv_dir / "raw.pth"
    torch.save(ref.state_dict(), raw)
    digest = hashlib.sha256(raw.read_bytes()).hexdigest()
    name = f"resnet18-{digest[:8]}.pth"
    os.replace(raw, srv_dir / name)
    (srv_dir / "resnet18-deadbeef.pth").write_bytes((srv_dir / name).read_bytes())  # wrong hash

    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "ember_home"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    server = _Server(srv_dir)
    monkeypatch.setattr(models.ResNet18_Weights.IMAGENET1K_V1.value, "url", server.url(name))
    yield ref, server, name, tmp_path
    server.close()


def _compare_with(ref, model, side=32):
    ref.eval()
    model.eval()
    x = np.random.RandomState(0).randn(2, 3, side, side).astype(np.float32)
    with torch.no_grad():
        r = ref(torch.from_numpy(x)).numpy()
    with ember.no_grad():
        o = model(ember.from_numpy(x)).numpy()
    return rel_err(o, r)


def test_download_hash_check_cache_and_outputs(served_resnet18, capsys):
    ref, server, name, tmp = served_resnet18
    model = models.resnet18(weights="DEFAULT", progress=False)
    cached = tmp / "ember_home" / "hub" / "checkpoints" / name
    assert cached.is_file()
    assert server.requests == [f"/{name}"]
    assert f'Downloading: "{server.url(name)}"' in capsys.readouterr().out
    assert _compare_with(ref, model) < 1e-5

    # second build: served from the cache, no request
    model2 = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1)
    assert server.requests == [f"/{name}"]
    assert _compare_with(ref, model2) < 1e-5
    sd = models.ResNet18_Weights.DEFAULT.get_state_dict(progress=False)
    assert set(sd) == set(ref.state_dict())


def test_download_rejects_a_wrong_hash(served_resnet18, monkeypatch):
    _, server, _, tmp = served_resnet18
    monkeypatch.setattr(models.ResNet18_Weights.IMAGENET1K_V1.value, "url", server.url("resnet18-deadbeef.pth"))
    with pytest.raises(RuntimeError, match="invalid hash value"):
        models.resnet18(weights="IMAGENET1K_V1", progress=False)
    assert not (tmp / "ember_home" / "hub" / "checkpoints" / "resnet18-deadbeef.pth").exists()


def test_offline_error_names_url_and_path(served_resnet18, monkeypatch):
    _, server, name, tmp = served_resnet18
    server.close()  # nothing listens any more
    with pytest.raises(RuntimeError) as err:
        models.resnet18(weights="DEFAULT", progress=False)
    msg = str(err.value)
    assert server.url(name) in msg
    assert str(tmp / "ember_home" / "hub" / "checkpoints" / name) in msg


def test_pretrained_true_warnings_and_weights_like_torchvision(served_resnet18, monkeypatch):
    ref, server, name, _ = served_resnet18
    model, got = _warning_texts(models.resnet18, pretrained=True, progress=False)
    # torchvision, offline: its enum returns the same state dict instead of downloading
    monkeypatch.setattr(torchvision.models.WeightsEnum, "get_state_dict",
                        lambda self, *a, **k: ref.state_dict())
    tmodel, expected = _warning_texts(torchvision.models.resnet18, pretrained=True)
    assert got == expected
    assert [m for _, m in got] == [
        "The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead.",
        "Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and may be "
        "removed in the future. The current behavior is equivalent to passing "
        "`weights=ResNet18_Weights.IMAGENET1K_V1`. You can also use `weights=ResNet18_Weights.DEFAULT` "
        "to get the most up-to-date weights.",
    ]
    assert all(c is UserWarning for c, _ in got)
    assert _compare_with(tmodel, model) < 1e-5


def test_pretrained_weights_fix_num_classes(served_resnet18):
    with pytest.raises(ValueError) as err:
        models.resnet18(weights="DEFAULT", num_classes=10)
    assert str(err.value) == "The parameter 'num_classes' expected value 1000 but got 10 instead."
    with pytest.raises(ValueError, match="No weights available for model vit_h_14"):
        models.vit_h_14(pretrained=True)
