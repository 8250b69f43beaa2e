"""Losses against torch: values and input gradients for every option, float32 and float64."""
import warnings

import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from nn_helpers import to_e, close, pair

REDUCTIONS = ["mean", "sum", "none"]


def _run(e_fn, t_fn, e_args, t_args, grads, rtol=1e-5, atol=1e-6):
    """Compare a loss (value + gradients of the tensors in ``grads``) against torch."""
    to = t_fn(*t_args)
    eo = e_fn(*e_args)
    close(eo, to, rtol, atol)
    gt = torch.rand_like(to) + 0.5
    to.backward(gt)
    eo.backward(to_e(gt))
    for t, e in grads:
        close(e.grad, t.grad, rtol, atol)


def _tol(dtype):
    return (1e-5, 1e-6) if dtype == torch.float32 else (1e-10, 1e-12)


def _targets(shape, n_cls, ignore=None, seed=0):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(0, n_cls, shape, generator=g)
    if ignore is not None and t.numel() > 1:
        t.view(-1)[::3] = ignore
    return t, to_e(t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("shape", [(6, 5), (1, 5), (2, 5, 3), (2, 5, 3, 2), (5,)])
def test_cross_entropy_class_targets(reduction, dtype, shape):
    t, e = pair(*shape, dtype=dtype)
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    tt, et = _targets(tshape, 5)
    rtol, atol = _tol(dtype)
    _run(lambda x, y: EF.cross_entropy(x, y, reduction=reduction),
         lambda x, y: TF.cross_entropy(x, y, reduction=reduction),
         (e, et), (t, tt), [(t, e)], rtol, atol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_weight_ignore_smoothing(reduction, smoothing, weighted):
    t, e = pair(7, 4, 3, dtype=torch.float64)
    tt, et = _targets((7, 3), 4, ignore=2 if not weighted else -100, seed=1)
    wt = torch.rand(4, dtype=torch.float64) + 0.5 if weighted else None
    we = to_e(wt) if weighted else None
    ii = 2 if not weighted else -100
    _run(lambda x, y: EF.cross_entropy(x, y, weight=we, ignore_index=ii, reduction=reduction,
                                       label_smoothing=smoothing),
         lambda x, y: TF.cross_entropy(x, y, weight=wt, ignore_index=ii, reduction=reduction,
                                       label_smoothing=smoothing),
         (e, et), (t, tt), [(t, e)], 1e-10, 1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_cross_entropy_probability_targets(reduction, smoothing):
    t, e = pair(6, 5, 2)
    pt = torch.softmax(torch.randn(6, 5, 2), 1)
    wt = torch.rand(5) + 0.5
    _run(lambda x: EF.cross_entropy(x, to_e(pt), weight=to_e(wt), reduction=reduction,
                                    label_smoothing=smoothing),
         lambda x: TF.cross_entropy(x, pt, weight=wt, reduction=reduction,
                                    label_smoothing=smoothing),
         (e,), (t,), [(t, e)])


def test_cross_entropy_empty_batch_and_all_ignored():
    for reduction in REDUCTIONS:
        t = torch.randn(0, 5)
        eo = EF.cross_entropy(to_e(t), ember.zeros(0, dtype=ember.int64), reduction=reduction)
        to = TF.cross_entropy(t, torch.zeros(0, dtype=torch.long), reduction=reduction)
        close(eo, to, atol=0, rtol=0) if reduction != "mean" else None
        if reduction == "mean":
            assert bool(eo.isnan()) and bool(to.isnan())
    t, e = pair(3, 5)
    to = TF.cross_entropy(t, torch.full((3,), -100))
    eo = EF.cross_entropy(e, ember.full((3,), -100))
    assert bool(eo.isnan()) and bool(to.isnan())


def test_cross_entropy_is_stable_for_huge_logits():
    t = torch.tensor([[1000.0, -1000.0, 0.0], [-5e4, 5e4, 1.0]], requires_grad=True)
    e = to_e(t)
    tt = torch.tensor([1, 1])
    _run(EF.cross_entropy, TF.cross_entropy, (e, to_e(tt)), (t, tt), [(t, e)])


def test_cross_entropy_errors_match_torch():
    cases = [
        (torch.randn(3, 5), torch.rand(3), {}),
        (torch.randn(3, 5), torch.tensor([1, 2]), {}),
        (torch.randn(3, 5), torch.tensor([1, 2, 7]), {}),
        (torch.randn(3, 5, 4), torch.tensor([[1, 2, 3]] * 3), {}),
        (torch.randn(3, 5), torch.tensor([1, 2, 3]), dict(weight=torch.ones(3))),
        (torch.randn(3, 5), torch.tensor([1, 2, 3]), dict(label_smoothing=1.5)),
        (torch.randn(3, 5), torch.tensor([1, 2, 3], dtype=torch.int32), {}),
    ]
    for x, y, kw in cases:
        with pytest.raises(Exception) as ti:
            TF.cross_entropy(x, y, **kw)
        ekw = {k: to_e(v) if isinstance(v, torch.Tensor) else v for k, v in kw.items()}
        with pytest.raises(Exception) as ei:
            EF.cross_entropy(to_e(x), to_e(y), **ekw)
        assert type(ei.value) is type(ti.value)
        assert str(ei.value) == str(ti.value)


def test_cross_entropy_double_backward_matches_torch():
    t, e = pair(4, 3, dtype=torch.float64)
    tt, et = _targets((4,), 3)
    gt, = torch.autograd.grad(TF.cross_entropy(t, tt), t, create_graph=True)
    ge, = ember.autograd.grad(EF.cross_entropy(e, et), e, create_graph=True)
    close(ge, gt, 1e-10, 1e-12)
    (gt ** 2).sum().backward()
    (ge ** 2).sum().backward()
    close(e.grad, t.grad, 1e-10, 1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(6, 4), (2, 4, 3), (4,)])
def test_nll_loss_matches_torch(reduction, shape):
    t, e = pair(*shape, dtype=torch.float64)
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    tt, et = _targets(tshape, 4, seed=2)
    wt = torch.rand(4, dtype=torch.float64)
    _run(lambda x, y: EF.nll_loss(x, y, weight=to_e(wt), ignore_index=1, reduction=reduction),
         lambda x, y: TF.nll_loss(x, y, weight=wt, ignore_index=1, reduction=reduction),
         (e, et), (t, tt), [(t, e)], 1e-10, 1e-12)


def test_log_softmax_plus_nll_equals_cross_entropy():
    t, e = pair(5, 7)
    tt, et = _targets((5,), 7)
    close(EF.nll_loss(EF.log_softmax(e, 1), et), TF.nll_loss(TF.log_softmax(t, 1), tt))
    close(EF.nll_loss(EF.log_softmax(e, 1), et), EF.cross_entropy(e, et))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bce_matches_torch(reduction, dtype):
    t, e = pair(4, 3, dtype=dtype, low=0.02, high=0.98)
    (yt, ye) = pair(4, 3, dtype=dtype, low=0, high=1, seed=5)
    wt = torch.rand(3, dtype=dtype)
    rtol, atol = _tol(dtype)
    _run(lambda x, y: EF.binary_cross_entropy(x, y, weight=to_e(wt), reduction=reduction),
         lambda x, y: TF.binary_cross_entropy(x, y, weight=wt, reduction=reduction),
         (e, ye), (t, yt), [(t, e), (yt, ye)], rtol, atol)


def test_bce_clamps_log_at_minus_100_and_checks_range():
    t = torch.tensor([0.0, 1.0, 0.5], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 1.0])
    e = to_e(t)
    _run(EF.binary_cross_entropy, TF.binary_cross_entropy, (e, to_e(y)), (t, y), [(t, e)])
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        EF.binary_cross_entropy(ember.tensor([1.5]), ember.tensor([1.0]))
    with pytest.raises(ValueError) as ei:
        EF.binary_cross_entropy(ember.rand(3), ember.rand(3, 1))
    with pytest.raises(ValueError) as ti:
        TF.binary_cross_entropy(torch.rand(3), torch.rand(3, 1))
    assert str(ei.value) == str(ti.value)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [False, True])
def test_bce_with_logits_matches_torch(reduction, pos_weight):
    t, e = pair(5, 3, dtype=torch.float64)
    with torch.no_grad():
        t[0, 0] = 80.0
        t[1, 1] = -80.0
    e = to_e(t)
    yt, ye = pair(5, 3, dtype=torch.float64, low=0, high=1, seed=3)
    pw = torch.rand(3, dtype=torch.float64) * 3 if pos_weight else None
    wt = torch.rand(5, 1, dtype=torch.float64)
    _run(lambda x, y: EF.binary_cross_entropy_with_logits(
        x, y, weight=to_e(wt), reduction=reduction, pos_weight=to_e(pw) if pos_weight else None),
        lambda x, y: TF.binary_cross_entropy_with_logits(x, y, weight=wt, reduction=reduction,
                                                         pos_weight=pw),
        (e, ye), (t, yt), [(t, e), (yt, ye)], 1e-10, 1e-12)
    m_e = enn.BCEWithLogitsLoss(pos_weight=to_e(torch.ones(3)))
    m_t = tnn.BCEWithLogitsLoss(pos_weight=torch.ones(3))
    assert list(m_e.state_dict()) == list(m_t.state_dict())


ELEMENTWISE = [
    ("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", dict(beta=0.5)),
    ("smooth_l1_loss", dict(beta=0.0)), ("huber_loss", dict(delta=0.7)),
    ("soft_margin_loss", {}), ("poisson_nll_loss", {}),
    ("poisson_nll_loss", dict(log_input=False, full=True)),
    ("kl_div", dict(log_target=True)), ("kl_div", {}),
    ("multilabel_soft_margin_loss", {}),
]


@pytest.mark.parametrize("name,kw", ELEMENTWISE, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(ELEMENTWISE)])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_elementwise_losses_match_torch(name, kw, reduction):
    dtype = torch.float64
    t, e = pair(4, 5, dtype=dtype, low=0.1, high=2.0)
    yt, ye = pair(4, 5, dtype=dtype, low=0.05, high=3.0, seed=11)
    if name == "soft_margin_loss":
        yt = torch.sign(torch.randn(4, 5, dtype=dtype))
        ye = to_e(yt)
    if name == "kl_div" and not kw:
        yt = torch.softmax(yt, 1).detach().requires_grad_()
        yt.data[0, 0] = 0.0
        ye = to_e(yt)
    if name == "multilabel_soft_margin_loss":
        yt = (torch.rand(4, 5) > 0.5).to(dtype)
        ye = to_e(yt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grads = [(t, e)] + ([(yt, ye)] if yt.requires_grad else [])
        _run(lambda x, y: getattr(EF, name)(x, y, reduction=reduction, **kw),
             lambda x, y: getattr(TF, name)(x, y, reduction=reduction, **kw),
             (e, ye), (t, yt), grads, 1e-10, 1e-12)


def test_kl_div_batchmean_and_mean_warning():
    t, e = pair(4, 5, dtype=torch.float64)
    yt = torch.softmax(torch.randn(4, 5, dtype=torch.float64), 1)
    close(EF.kl_div(e, to_e(yt), reduction="batchmean"),
          TF.kl_div(t, yt, reduction="batchmean"), 1e-10, 1e-12)
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the "
                                         "batch size and the support size"):
        EF.kl_div(e, to_e(yt))


def test_mse_warns_on_broadcasting_target():
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[3\]\)\) that is "
                                         r"different to the input size \(torch.Size\(\[3, 1\]\)\)"):
        EF.mse_loss(ember.randn(3, 1), ember.randn(3))


def test_legacy_size_average_reduce_flags_warn_and_map():
    t, e = pair(3, 4)
    y = torch.randn(3, 4)
    for sa, rd, expect in [(False, None, "sum"), (None, False, "none"), (True, True, "mean")]:
        with pytest.warns(UserWarning, match=f"size_average and reduce args will be deprecated, "
                                             f"please use reduction='{expect}' instead."):
            m = enn.MSELoss(size_average=sa, reduce=rd)
        assert m.reduction == expect
        with pytest.warns(UserWarning):
            out = EF.l1_loss(e, to_e(y), size_average=sa, reduce=rd)
        close(out, TF.l1_loss(t, y, reduction=expect))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        EF.mse_loss(e, e, reduction="foo")


def test_pair_losses_match_torch():
    dtype = torch.float64
    (a, ae), (b, be) = pair(6, 4, dtype=dtype), pair(6, 4, dtype=dtype, seed=4)
    (c, ce) = pair(6, 4, dtype=dtype, seed=8)
    y = torch.tensor([1, -1, 1, -1, -1, 1])
    for reduction in REDUCTIONS:
        for x in (a, b, c):
            x.grad = None
        for x in (ae, be, ce):
            x.grad = None
        _run(lambda p, q: EF.cosine_embedding_loss(p, q, to_e(y), margin=0.2,
                                                   reduction=reduction),
             lambda p, q: TF.cosine_embedding_loss(p, q, y, margin=0.2, reduction=reduction),
             (ae, be), (a, b), [(a, ae), (b, be)], 1e-10, 1e-12)
    (s1, s1e), (s2, s2e) = pair(7, dtype=dtype), pair(7, dtype=dtype, seed=1)
    yr = torch.sign(torch.randn(7, dtype=dtype))
    _run(lambda p, q: EF.margin_ranking_loss(p, q, to_e(yr), margin=0.3),
         lambda p, q: TF.margin_ranking_loss(p, q, yr, margin=0.3),
         (s1e, s2e), (s1, s2), [(s1, s1e), (s2, s2e)], 1e-10, 1e-12)
    h, he = pair(8, dtype=dtype, seed=6)
    yh = torch.tensor([1, -1, 1, -1, 1, -1, -1, 1], dtype=dtype)
    _run(lambda p: EF.hinge_embedding_loss(p, to_e(yh), margin=0.5),
         lambda p: TF.hinge_embedding_loss(p, yh, margin=0.5), (he,), (h,), [(h, he)],
         1e-10, 1e-12)
    for swap in (False, True):
        for x in (a, b, c):
            x.grad = None
        for x in (ae, be, ce):
            x.grad = None
        _run(lambda p, q, r: EF.triplet_margin_loss(p, q, r, margin=2.0, p=1.5, swap=swap),
             lambda p, q, r: TF.triplet_margin_loss(p, q, r, margin=2.0, p=1.5, swap=swap),
             (ae, be, ce), (a, b, c), [(a, ae), (b, be), (c, ce)], 1e-10, 1e-12)
    close(enn.TripletMarginWithDistanceLoss(margin=3.0)(ae, be, ce),
          tnn.TripletMarginWithDistanceLoss(margin=3.0)(a, b, c), 1e-10, 1e-12)


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_and_multilabel_margin_match_torch(p, reduction):
    t, e = pair(5, 4, dtype=torch.float64)
    tt, et = _targets((5,), 4, seed=3)
    wt = torch.rand(4, dtype=torch.float64)
    _run(lambda x, y: EF.multi_margin_loss(x, y, p=p, margin=0.8, weight=to_e(wt),
                                           reduction=reduction),
         lambda x, y: TF.multi_margin_loss(x, y, p=p, margin=0.8, weight=wt,
                                           reduction=reduction),
         (e, et), (t, tt), [(t, e)], 1e-10, 1e-12)
    t.grad = None
    e.grad = None
    ml = torch.tensor([[3, 0, -1, 1], [1, 2, 3, 0], [0, -1, 2, 2], [2, 1, -1, -1],
                       [-1, 0, 0, 0]])
    _run(lambda x: EF.multilabel_margin_loss(x, to_e(ml), reduction=reduction),
         lambda x: TF.multilabel_margin_loss(x, ml, reduction=reduction),
         (e,), (t,), [(t, e)], 1e-10, 1e-12)


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", [(4, 3), (4, 1), (4,)])
def test_gaussian_nll_loss_matches_torch(full, var_shape):
    t, e = pair(4, 3, dtype=torch.float64)
    yt = torch.randn(4, 3, dtype=torch.float64)
    vt, ve = pair(*var_shape, dtype=torch.float64, low=1e-8, high=2.0, seed=2)
    for reduction in REDUCTIONS:
        for x in (t, vt, e, ve):
            x.grad = None
        _run(lambda x, v: EF.gaussian_nll_loss(x, to_e(yt), v, full=full, reduction=reduction),
             lambda x, v: TF.gaussian_nll_loss(x, yt, v, full=full, reduction=reduction),
             (e, ve), (t, vt), [(t, e), (vt, ve)], 1e-10, 1e-12)


LOSS_MODULES = [
    lambda m: m.L1Loss(), lambda m: m.MSELoss(reduction="sum"), lambda m: m.CrossEntropyLoss(),
    lambda m: m.CrossEntropyLoss(ignore_index=3, label_smoothing=0.1), lambda m: m.NLLLoss(),
    lambda m: m.BCELoss(), lambda m: m.BCEWithLogitsLoss(), lambda m: m.SmoothL1Loss(beta=2),
    lambda m: m.HuberLoss(delta=0.5), lambda m: m.KLDivLoss(reduction="batchmean"),
    lambda m: m.CosineEmbeddingLoss(margin=0.1), lambda m: m.MarginRankingLoss(),
    lambda m: m.TripletMarginLoss(), lambda m: m.HingeEmbeddingLoss(),
    lambda m: m.MultiLabelSoftMarginLoss(), lambda m: m.MultiMarginLoss(),
    lambda m: m.PoissonNLLLoss(), lambda m: m.GaussianNLLLoss(), lambda m: m.SoftMarginLoss(),
    lambda m: m.MultiLabelMarginLoss(), lambda m: m.TripletMarginWithDistanceLoss(),
]


@pytest.mark.parametrize("make", LOSS_MODULES)
def test_loss_module_repr_attributes_and_state_dict(make):
    e_mod, t_mod = make(enn), make(tnn)
    assert repr(e_mod) == repr(t_mod)
    assert e_mod.reduction == t_mod.reduction
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())


def test_cross_entropy_module_with_weight_buffer_matches_torch():
    wt = torch.rand(5)
    t_mod, e_mod = tnn.CrossEntropyLoss(weight=wt), enn.CrossEntropyLoss(weight=to_e(wt))
    assert list(e_mod.state_dict()) == list(t_mod.state_dict()) == ["weight"]
    t, e = pair(4, 5)
    tt, et = _targets((4,), 5)
    _run(e_mod, t_mod, (e, et), (t, tt), [(t, e)])
    assert EF.cross_entropy(e, et).grad_fn.name() == "NllLossBackward0"
