"""Detection losses, stochastic depth, the ops.misc layers, docstrings and the torchvision alias."""
import doctest
import importlib

import numpy as np
import pytest
import torch
import torchvision.ops as tvo

import ember
import ember.vision.ops as evo
from ember.vision.models import _layers


def _close(t, e, tol=1e-10):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("alpha,gamma", [(0.25, 2), (-1, 0), (0.6, 1.5)])
def test_vops_sigmoid_focal_loss(reduction, alpha, gamma):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5))
    y = (rng.uniform(size=(4, 5)) > 0.7).astype(np.float64)
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    t = tvo.sigmoid_focal_loss(xt, torch.tensor(y), alpha, gamma, reduction)
    e = evo.sigmoid_focal_loss(xe, ember.tensor(y), alpha, gamma, reduction)
    _close(t, e)
    t.sum().backward()
    e.sum().backward()
    _close(xt.grad, xe.grad)


def test_vops_sigmoid_focal_loss_errors():
    with pytest.raises(ValueError, match=r"Invalid alpha value: 2. alpha must be in the range \[0,1\]"):
        evo.sigmoid_focal_loss(ember.zeros(2), ember.zeros(2), alpha=2)
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        evo.sigmoid_focal_loss(ember.zeros(2), ember.zeros(2), reduction="avg")


def _loss_boxes(rng, n):
    xy = rng.uniform(0, 10, (n, 2))
    b1 = np.concatenate([xy, xy + rng.uniform(0.5, 5, (n, 2))], 1)
    xy2 = xy + rng.uniform(-3, 3, (n, 2))
    b2 = np.concatenate([xy2, xy2 + rng.uniform(0.5, 5, (n, 2))], 1)
    b2[0] = b1[0] + 20  # disjoint pair
    b2[1] = b1[1]  # identical pair
    return b1, b2


@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_vops_box_iou_losses(name, reduction, dtype):
    rng = np.random.default_rng(1)
    b1, b2 = (b.astype(dtype) for b in _loss_boxes(rng, 6))
    t1, t2 = torch.tensor(b1, requires_grad=True), torch.tensor(b2, requires_grad=True)
    e1, e2 = ember.tensor(b1, requires_grad=True), ember.tensor(b2, requires_grad=True)
    t = getattr(tvo, name)(t1, t2, reduction=reduction)
    e = getattr(evo, name)(e1, e2, reduction=reduction)
    tol = 1e-5 if dtype == np.float32 else 1e-10
    _close(t, e, tol)
    assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1]
    t.sum().backward()
    e.sum().backward()
    _close(t1.grad, e1.grad, tol)
    _close(t2.grad, e2.grad, tol)


@pytest.mark.parametrize("name", ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"])
def test_vops_box_iou_losses_empty_int_and_errors(name):
    fe, ft = getattr(evo, name), getattr(tvo, name)
    for red in ["none", "mean", "sum"]:
        _close(ft(torch.zeros(0, 4), torch.zeros(0, 4), reduction=red),
               fe(ember.zeros(0, 4), ember.zeros(0, 4), reduction=red))
    a = np.array([[0, 0, 4, 4], [1, 1, 3, 5]])
    b = np.array([[1, 1, 5, 5], [1, 1, 3, 5]])
    t = ft(torch.tensor(a), torch.tensor(b))
    e = fe(ember.tensor(a), ember.tensor(b))
    assert e.dtype == ember.float32
    _close(t, e, 1e-6)
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction'"):
        fe(ember.zeros(1, 4), ember.zeros(1, 4), reduction="avg")


def test_vops_stochastic_depth():
    assert evo.stochastic_depth is _layers.stochastic_depth and evo.StochasticDepth is _layers.StochasticDepth
    assert repr(evo.StochasticDepth(0.2, "row")) == repr(tvo.StochasticDepth(0.2, "row"))
    x = ember.ones(400, 3)
    ember.manual_seed(0)
    y = evo.stochastic_depth(x, 0.5, "row", training=True)
    rows = y[:, 0].numpy()
    assert set(np.unique(rows)) <= {0.0, 2.0} and 0.3 < (rows == 0).mean() < 0.7
    assert (y.numpy() == y[:, :1].numpy()).all()  # whole rows
    yb = evo.stochastic_depth(x, 0.5, "batch").numpy()
    assert len(np.unique(yb)) == 1
    assert evo.stochastic_depth(x, 0.5, "row", training=False) is x
    for bad, msg in [((x, 1.5, "row"), "drop probability has to be between 0 and 1, but got 1.5"),
                     ((x, 0.5, "col"), "mode has to be either 'batch' or 'row', but got col")]:
        with pytest.raises(ValueError, match=msg):
            evo.stochastic_depth(*bad)
        with pytest.raises(ValueError, match=msg):
            tvo.stochastic_depth(torch.ones(4, 3), *bad[1:])


def _copy_state(tmod, emod):
    sd = {k: ember.tensor(v.detach().numpy()) for k, v in tmod.state_dict().items()}
    emod.load_state_dict(sd)


@pytest.mark.parametrize("cls,args,shape", [
    ("Conv2dNormActivation", (3, 5), (2, 3, 7, 7)),
    ("Conv3dNormActivation", (2, 4), (1, 2, 4, 5, 5)),
    ("SqueezeExcitation", (6, 2), (2, 6, 4, 4)),
    ("MLP", (5, [7, 3]), (4, 5)),
    ("FrozenBatchNorm2d", (3,), (2, 3, 4, 4)),
])
def test_vops_misc_layers_match_torchvision(cls, args, shape):
    torch.manual_seed(0)
    tmod = getattr(tvo, cls)(*args).double().eval()
    if cls == "FrozenBatchNorm2d":
        for name in ["weight", "bias", "running_mean"]:
            getattr(tmod, name).normal_()
        tmod.running_var.uniform_(0.5, 2.0)
    emod = getattr(evo, cls)(*args).double().eval()
    assert list(emod.state_dict()) == list(tmod.state_dict())
    assert repr(emod) == repr(tmod)
    _copy_state(tmod, emod)
    x = np.random.default_rng(2).standard_normal(shape)
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    t, e = tmod(xt), emod(xe)
    _close(t, e)
    t.sum().backward()
    e.sum().backward()
    _close(xt.grad, xe.grad)


def test_vops_misc_reuse_models_classes_and_permute():
    assert evo.Conv2dNormActivation is _layers.Conv2dNormActivation
    assert evo.SqueezeExcitation is _layers.SqueezeExcitation and evo.MLP is _layers.MLP
    assert issubclass(evo.Conv3dNormActivation, _layers.ConvNormActivation)
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    _close(tvo.Permute([0, 2, 3, 1])(torch.tensor(x)), evo.Permute([0, 2, 3, 1])(ember.tensor(x)))
    # FrozenBatchNorm2d takes a BatchNorm2d state dict (num_batches_tracked dropped)
    bn = ember.nn.BatchNorm2d(3)
    fbn = evo.FrozenBatchNorm2d(3)
    fbn.load_state_dict(bn.state_dict())
    assert not list(fbn.parameters())
    c3 = evo.Conv3dNormActivation(2, 4, kernel_size=(3, 1, 3), norm_layer=None)
    assert c3[0].padding == (1, 0, 1) and c3[0].bias is not None and len(c3) == 2


MODULES = ["ember.vision.ops", "ember.vision.ops.boxes", "ember.vision.ops.roi_align", "ember.vision.ops.roi_pool",
           "ember.vision.ops.misc", "ember.vision.ops.focal_loss", "ember.vision.ops.giou_loss",
           "ember.vision.ops.diou_loss", "ember.vision.ops.ciou_loss", "ember.vision.ops._utils"]


@pytest.mark.parametrize("name", MODULES)
def test_vops_docstrings_and_examples(name):
    mod = importlib.import_module(name)
    for attr in getattr(mod, "__all__", []):
        obj = getattr(mod, attr)
        doc = obj.__doc__ or ""
        assert "Example" in doc, f"{name}.{attr} has no Example"
        if attr not in ("Permute",):
            assert "Args" in doc, f"{name}.{attr} has no Args"
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    n = 0
    for test in finder.find(mod, name, globs=dict(vars(mod))):
        if test.examples:
            runner.run(test)
            n += len(test.examples)
    assert n > 0
    assert runner.summarize(verbose=False).failed == 0


def test_vops_namespace_and_alias():
    import ember.vision
    assert ember.vision.ops is evo
    import ember.compat
    assert ember.compat.resolve("torchvision.ops") == "ember.vision.ops"
    assert set(evo.__all__) <= set(tvo.__all__)
