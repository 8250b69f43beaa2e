"""Every architecture against torchvision: state_dict keys/shapes, reprs, eval outputs with
torchvision's weights copied in, gradients, train-mode behaviour and initialisation schemes."""
import warnings

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

from vision_models_helpers import (  # noqa: E402
    keys_and_shapes, no_init, randomize_torch_, rel_err, to_ember_state_dict,
)

ALL_NAMES = models.list_models()

# model name -> (input side, batch); small inputs where the architecture allows
NUMERIC = {
    "alexnet": (64, 2),
    "vgg11": (32, 1),
    "vgg11_bn": (32, 2),
    "resnet18": (64, 2),
    "resnet34": (32, 2),
    "resnet50": (32, 2),
    "resnet101": (32, 1),
    "resnet152": (32, 1),
    "resnext50_32x4d": (32, 2),
    "wide_resnet50_2": (32, 1),
    "densenet121": (32, 2),
    "squeezenet1_0": (64, 2),
    "squeezenet1_1": (64, 2),
    "mobilenet_v2": (32, 2),
    "mobilenet_v3_small": (32, 2),
    "mobilenet_v3_large": (32, 2),
    "shufflenet_v2_x1_0": (32, 2),
    "efficientnet_b0": (32, 2),
    "googlenet": (64, 2),
    "vit_b_16": (224, 1),
}


def _kwargs(name):
    return {"init_weights": True} if name == "googlenet" else {}


def _pair(name, monkeypatch, **kwargs):
    """(torch model with randomised weights, ember model holding the same weights)."""
    kwargs = {**_kwargs(name), **kwargs}
    with no_init(monkeypatch, torch):
        tm = getattr(torchvision.models, name)(**kwargs)
        em = getattr(models, name)(**kwargs)
    randomize_torch_(tm, torch)
    em.load_state_dict(to_ember_state_dict(tm.state_dict()))
    return tm, em


@pytest.mark.parametrize("name", ALL_NAMES)
def test_state_dict_keys_shapes_and_repr_equal_torchvision(name, monkeypatch):
    with no_init(monkeypatch, torch):
        tm = getattr(torchvision.models, name)(**_kwargs(name))
        em = getattr(models, name)(**_kwargs(name))
    assert keys_and_shapes(em.state_dict()) == keys_and_shapes(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [type(m).__name__ for m in em.modules()] == [type(m).__name__ for m in tm.modules()]
    assert repr(em) == repr(tm)


def test_registry_covers_the_required_architectures():
    required = {"alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
                "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "wide_resnet50_2",
                "densenet121", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2", "mobilenet_v3_small",
                "mobilenet_v3_large", "shufflenet_v2_x1_0", "efficientnet_b0", "googlenet", "vit_b_16"}
    assert required <= set(ALL_NAMES)
    assert set(ALL_NAMES) <= set(torchvision.models.list_models())


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_eval_outputs_match_torchvision(name, monkeypatch):
    side, batch = NUMERIC[name]
    tm, em = _pair(name, monkeypatch)
    tm.eval()
    em.eval()
    x = np.random.RandomState(1).randn(batch, 3, side, side).astype(np.float32)
    with torch.no_grad():
        ref = tm(torch.from_numpy(x)).numpy()
    with ember.no_grad():
        out = em(ember.from_numpy(x))
    assert isinstance(out, ember.Tensor) and out.dtype == ember.float32
    assert tuple(out.shape) == ref.shape
    assert rel_err(out.numpy(), ref) < 1e-4


_GRAD_PARAM = {"resnet18": "conv1.weight", "mobilenet_v2": "features.0.0.weight",
               "densenet121": "features.conv0.weight"}


@pytest.mark.parametrize("name", sorted(_GRAD_PARAM))
def test_input_and_weight_gradients_match_torchvision(name, monkeypatch):
    tm, em = _pair(name, monkeypatch)
    tm.eval()
    em.eval()
    rs = np.random.RandomState(2)
    batch = 1 if name == "densenet121" else 2
    x = rs.randn(batch, 3, 32, 32).astype(np.float32)
    w = rs.randn(batch, 1000).astype(np.float32)

    tx = torch.from_numpy(x).requires_grad_()
    (tm(tx) * torch.from_numpy(w)).sum().backward()
    ex = ember.from_numpy(x.copy()).requires_grad_()
    (em(ex) * ember.from_numpy(w)).sum().backward()

    assert rel_err(ex.grad.numpy(), tx.grad.numpy()) < 1e-4
    pname = _GRAD_PARAM[name]
    tgrad = dict(tm.named_parameters())[pname].grad.numpy()
    egrad = dict(em.named_parameters())[pname].grad.numpy()
    assert rel_err(egrad, tgrad) < 1e-4


def _pair64(name, monkeypatch, **kwargs):
    # NOTE: train-mode BatchNorm over the 1x1 / 2x2 maps of small inputs amplifies float32
    # rounding to ~1e-3, so the training-mode comparisons run in float64 (and agree to ~1e-12)
    tm, em = _pair(name, monkeypatch, **kwargs)
    return tm.double(), em.double()


def test_resnet18_train_mode_step_matches_torchvision(monkeypatch):
    tm, em = _pair64("resnet18", monkeypatch, num_classes=5)
    tm.train()
    em.train()
    rs = np.random.RandomState(3)
    x = rs.randn(4, 3, 32, 32)
    y = rs.randint(0, 5, 4)
    tloss = torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y))
    eloss = ember.nn.functional.cross_entropy(em(ember.from_numpy(x)), ember.from_numpy(y))
    tloss.backward()
    eloss.backward()
    assert eloss.dtype == ember.float64
    assert abs(eloss.item() - tloss.item()) < 1e-9
    tparams = dict(tm.named_parameters())
    for n, p in em.named_parameters():
        assert rel_err(p.grad.numpy(), tparams[n].grad.numpy()) < 1e-8, n
    # batch statistics were folded into the running buffers, as in torch
    tbuf = dict(tm.named_buffers())
    for n, b in em.named_buffers():
        assert rel_err(b.numpy(), tbuf[n].numpy()) < 1e-9, n


def test_googlenet_train_returns_namedtuple_like_torchvision(monkeypatch):
    kw = dict(dropout=0.0, dropout_aux=0.0, num_classes=7)
    tm, em = _pair64("googlenet", monkeypatch, **kw)
    tm.train()
    em.train()
    x = np.random.RandomState(4).randn(2, 3, 32, 32)
    ref = tm(torch.from_numpy(x))
    out = em(ember.from_numpy(x))
    assert type(out).__name__ == "GoogLeNetOutputs" == type(ref).__name__
    assert isinstance(out, models.GoogLeNetOutputs)
    assert out._fields == ref._fields == ("logits", "aux_logits2", "aux_logits1")
    for o, r in zip(out, ref):
        assert rel_err(o.detach().numpy(), r.detach().numpy()) < 1e-8
    em.eval()
    assert isinstance(em(ember.from_numpy(x)), ember.Tensor)


def test_googlenet_transform_input_and_no_aux(monkeypatch):
    tm, em = _pair64("googlenet", monkeypatch, transform_input=True, aux_logits=False, dropout=0.0)
    assert em.aux1 is None and em.aux2 is None
    assert keys_and_shapes(em.state_dict()) == keys_and_shapes(tm.state_dict())
    tm.train()
    em.train()  # no aux heads: even training mode returns the logits tensor
    x = np.random.RandomState(5).rand(2, 3, 32, 32)
    ref = tm(torch.from_numpy(x)).detach().numpy()
    out = em(ember.from_numpy(x))
    assert isinstance(out, ember.Tensor)
    assert rel_err(out.detach().numpy(), ref) < 1e-8


def test_googlenet_default_init_warns_like_torchvision():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        models.googlenet(aux_logits=False)
    with warnings.catch_warnings(record=True) as trec:
        warnings.simplefilter("always")
        torchvision.models.googlenet(aux_logits=False)
    assert [(w.category, str(w.message)) for w in rec] == [(w.category, str(w.message)) for w in trec]


def test_builder_argument_checks_match_torchvision():
    for fn, kwargs in [("wide_resnet50_2", {"width_per_group": 64}), ("resnext50_32x4d", {"groups": 8})]:
        with pytest.raises(ValueError) as ref:
            getattr(torchvision.models, fn)(**kwargs)
        with pytest.raises(ValueError) as got:
            getattr(models, fn)(**kwargs)
        assert str(got.value) == str(ref.value)
    with pytest.raises(ValueError, match="Unsupported SqueezeNet version 2_0"):
        models.SqueezeNet("2_0")
    with pytest.raises(ValueError, match="Unknown model resnet19"):
        models.get_model("resnet19")


def test_resnet_options_match_torchvision(monkeypatch):
    kw = dict(replace_stride_with_dilation=[False, True, True], zero_init_residual=True, num_classes=3)
    with no_init(monkeypatch, torch):
        tm = torchvision.models.resnet50(**kw)
        em = models.resnet50(**kw)
    assert repr(em) == repr(tm)
    randomize_torch_(tm, torch)
    em.load_state_dict(to_ember_state_dict(tm.state_dict()))
    tm.eval()
    em.eval()
    x = np.random.RandomState(6).randn(1, 3, 32, 32).astype(np.float32)
    with torch.no_grad():
        ref = tm(torch.from_numpy(x)).numpy()
    with ember.no_grad():
        out = em(ember.from_numpy(x)).numpy()
    assert rel_err(out, ref) < 1e-4


# ----------------------------------------------------------------------------- initialisation
def _std(t):
    return float(np.asarray(t.detach().numpy(), dtype=np.float64).std())


def test_resnet_init_scheme_like_torchvision():
    ember.manual_seed(0)
    torch.manual_seed(0)
    em, tm = models.resnet18(), torchvision.models.resnet18()
    for name in ("conv1.weight", "layer3.0.conv2.weight", "layer4.1.conv1.weight"):
        e, t = _std(em.get_parameter(name)), _std(tm.get_parameter(name))
        assert abs(e - t) / t < 0.05, name  # kaiming_normal_(mode="fan_out")
    for n, p in em.named_parameters():
        if ".bn" in n or n.startswith("bn") or "downsample.1" in n:
            expected = 1.0 if n.endswith("weight") else 0.0
            assert np.all(p.detach().numpy() == expected), n

    zm = models.resnet18(zero_init_residual=True)
    assert all(np.all(blk.bn2.weight.detach().numpy() == 0) for layer in (zm.layer1, zm.layer4) for blk in layer)
    assert np.all(zm.layer1[0].bn1.weight.detach().numpy() == 1)
    bm = models.ResNet(models.resnet.Bottleneck, [1, 1, 1, 1], zero_init_residual=True)
    assert np.all(bm.layer2[0].bn3.weight.detach().numpy() == 0)


def test_classifier_init_schemes_like_torchvision():
    ember.manual_seed(0)
    torch.manual_seed(0)
    pairs = [
        (models.mobilenet_v2(), torchvision.models.mobilenet_v2(), "classifier.1.weight"),
        (models.mobilenet_v3_small(), torchvision.models.mobilenet_v3_small(), "classifier.0.weight"),
        (models.squeezenet1_1(), torchvision.models.squeezenet1_1(), "classifier.1.weight"),
        (models.squeezenet1_1(), torchvision.models.squeezenet1_1(), "features.3.expand3x3.weight"),
        (models.efficientnet_b0(), torchvision.models.efficientnet_b0(), "classifier.1.weight"),
        (models.densenet121(), torchvision.models.densenet121(), "features.denseblock1.denselayer1.conv2.weight"),
        (models.shufflenet_v2_x1_0(), torchvision.models.shufflenet_v2_x1_0(), "fc.weight"),
    ]
    for em, tm, name in pairs:
        e, t = _std(em.get_parameter(name)), _std(tm.get_parameter(name))
        assert abs(e - t) / t < 0.1, name
        emax = float(em.get_parameter(name).detach().abs().max())
        tmax = float(tm.get_parameter(name).detach().abs().max())
        assert abs(emax - tmax) < 0.5 * tmax, name
    eff = models.efficientnet_b0()
    assert float(eff.classifier[1].weight.abs().max()) <= 1 / np.sqrt(1000)
    assert np.all(eff.classifier[1].bias.detach().numpy() == 0)
    dense = models.densenet121()
    assert np.all(dense.classifier.bias.detach().numpy() == 0)


def test_vit_init_scheme_like_torchvision():
    kw = dict(image_size=32, patch_size=16, num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=128)
    em = models.VisionTransformer(**kw)
    tm = torchvision.models.VisionTransformer(**kw)
    assert np.all(em.heads.head.weight.detach().numpy() == 0)
    assert np.all(em.class_token.detach().numpy() == 0)
    for name in ("conv_proj.weight", "encoder.pos_embedding", "encoder.layers.encoder_layer_0.mlp.0.weight"):
        e, t = _std(em.get_parameter(name)), _std(tm.get_parameter(name))
        assert abs(e - t) / t < 0.1, name
    assert float(em.encoder.layers[0].mlp[0].bias.abs().max()) < 1e-4


# ----------------------------------------------------------------------------- transfer learning edits
def test_transfer_learning_edits_like_torchvision(monkeypatch):
    with no_init(monkeypatch, torch):
        models_pair = [(torchvision.models.vgg11(), torch.nn), (models.vgg11(), nn)]
    for model, tnn in models_pair:
        for p in model.parameters():
            p.requires_grad = False
        model.classifier[6] = tnn.Linear(4096, 10)
        model.classifier.add_module("7", tnn.Linear(in_features=10, out_features=5, bias=True))
        model.features[0] = tnn.Conv2d(3, 64, kernel_size=3, padding=1)
        model.add_module("new", tnn.Linear(in_features=5, out_features=2))
    (tm, _), (em, _) = models_pair
    assert repr(em) == repr(tm)
    assert keys_and_shapes(em.state_dict()) == keys_and_shapes(tm.state_dict())
    trainable = [n for n, p in em.named_parameters() if p.requires_grad]
    assert trainable == [n for n, p in tm.named_parameters() if p.requires_grad]
    assert trainable == ["features.0.weight", "features.0.bias", "classifier.6.weight", "classifier.6.bias",
                         "classifier.7.weight", "classifier.7.bias", "new.weight", "new.bias"]


def test_densenet_memory_efficient_matches_torchvision(monkeypatch):
    kw = dict(growth_rate=8, block_config=(2, 2, 2, 2), num_init_features=16, num_classes=4,
              memory_efficient=True, drop_rate=0.0)
    with no_init(monkeypatch, torch):
        tm = torchvision.models.DenseNet(**kw)
        em = models.DenseNet(**kw)
    assert repr(em) == repr(tm)
    randomize_torch_(tm, torch)
    em.load_state_dict(to_ember_state_dict(tm.state_dict()))
    tm, em = tm.double(), em.double()
    x = np.random.RandomState(7).randn(2, 3, 32, 32)
    tx = torch.from_numpy(x).requires_grad_()
    ex = ember.from_numpy(x.copy()).requires_grad_()
    tm(tx).pow(2).sum().backward()
    em(ex).pow(2).sum().backward()
    assert rel_err(ex.grad.numpy(), tx.grad.numpy()) < 1e-8
    tgrads = {n: p.grad.numpy() for n, p in tm.named_parameters()}
    for n, p in em.named_parameters():
        assert rel_err(p.grad.numpy(), tgrads[n]) < 1e-8, n


def test_intermediate_layer_getter_like_torchvision(monkeypatch):
    from ember.vision.models._utils import IntermediateLayerGetter
    from torchvision.models._utils import IntermediateLayerGetter as TGetter
    tm, em = _pair("resnet18", monkeypatch)
    tm.eval()
    em.eval()
    layers = {"layer1": "feat1", "layer3": "feat2"}
    tg, eg = TGetter(tm, layers), IntermediateLayerGetter(em, layers)
    assert list(eg.keys()) == list(tg.keys())
    x = np.random.RandomState(8).randn(1, 3, 32, 32).astype(np.float32)
    with torch.no_grad():
        ref = tg(torch.from_numpy(x))
    with ember.no_grad():
        out = eg(ember.from_numpy(x))
    assert list(out) == list(ref) == ["feat1", "feat2"]
    for k in out:
        assert rel_err(out[k].numpy(), ref[k].numpy()) < 1e-4
    with pytest.raises(ValueError, match="return_layers are not present in model"):
        IntermediateLayerGetter(em, {"layer9": "x"})
