"""CTCLoss / F.ctc_loss and AdaptiveLogSoftmaxWithLoss against torch: values, gradients, errors."""
import doctest
import importlib
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.nn as enn
import ember.nn.functional as EF
from nn_helpers import to_e, close, copy_module


def _tol(dtype):
    return (1e-5, 1e-5) if dtype == torch.float32 else (1e-10, 1e-12)


def _lp(T, N, C, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    shape = (T, N, C) if N is not None else (T, C)
    return torch.randn(*shape, generator=g, dtype=dtype).log_softmax(-1).requires_grad_()


def _close_nan(e, t, rtol, atol):
    """Values equal where finite, NaN/inf in the same places."""
    en, tn = e.detach().numpy(), t.detach().numpy()
    assert en.shape == tn.shape and str(e.dtype) == str(t.dtype), (en.shape, tn.shape)
    np.testing.assert_array_equal(np.isnan(en), np.isnan(tn))
    np.testing.assert_array_equal(np.isinf(en), np.isinf(tn))
    ok = np.isfinite(tn)
    np.testing.assert_allclose(en[ok], tn[ok], rtol=rtol, atol=atol)


def _compare_ctc(lp_t, tg_t, il, tl, e_tg=None, e_il=None, e_tl=None, **kw):
    """Run torch and ember on the same inputs; compare loss and log_probs gradient."""
    rtol, atol = _tol(lp_t.dtype)
    to = TF.ctc_loss(lp_t, tg_t, il, tl, **kw)
    lp_e = to_e(lp_t)
    conv = lambda v: to_e(v) if isinstance(v, torch.Tensor) else v  # noqa: E731
    eo = EF.ctc_loss(lp_e, conv(tg_t) if e_tg is None else e_tg,
                     conv(il) if e_il is None else e_il, conv(tl) if e_tl is None else e_tl, **kw)
    _close_nan(eo, to, rtol, atol)
    gw = torch.rand_like(to) + 0.5
    to.backward(gw)
    eo.backward(to_e(gw))
    _close_nan(lp_e.grad, lp_t.grad, rtol, atol)
    return eo, to


@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_ctc_padded_targets_match_torch(dtype, reduction, zero_infinity):
    lp = _lp(12, 5, 6, dtype, seed=1)
    tg = torch.randint(1, 6, (5, 7), generator=torch.Generator().manual_seed(2))
    tg[0, :4] = torch.tensor([3, 3, 3, 2])  # repeats need blanks in between
    tg[4, 5:] = -1  # padding past the length is never read
    il = torch.tensor([12, 11, 3, 8, 12])  # sample 2 cannot fit its target: infinite loss
    tl = torch.tensor([4, 0, 5, 7, 5])
    _compare_ctc(lp, tg, il, tl, reduction=reduction, zero_infinity=zero_infinity)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_concatenated_targets_and_tuple_lengths(reduction):
    lp = _lp(9, 3, 5, torch.float64, seed=3)
    tl = (3, 1, 4)
    tg = torch.tensor([1, 2, 2, 4, 3, 3, 1, 2], dtype=torch.int64)
    il = (9, 7, 8)
    _compare_ctc(lp, tg, il, tl, e_il=il, e_tl=tl, reduction=reduction)
    lp2 = _lp(9, 3, 5, torch.float64, seed=3)
    _compare_ctc(lp2, tg, list(il), list(tl), e_il=list(il), e_tl=list(tl), reduction=reduction)


@pytest.mark.parametrize("tdtype", [torch.int32, torch.int64, torch.float32])
def test_ctc_target_and_length_dtypes(tdtype):
    lp = _lp(8, 2, 4, torch.float32, seed=4)
    tg = torch.tensor([[1, 2, 3], [3, 1, 0]]).to(tdtype)
    _compare_ctc(lp, tg, torch.tensor([8, 6], dtype=torch.int32), torch.tensor([3, 2]),
                 reduction="sum")


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_unbatched(reduction):
    lp = _lp(7, None, 4, torch.float64, seed=5)
    eo, to = _compare_ctc(lp, torch.tensor([1, 3, 3]), torch.tensor(7), torch.tensor(3),
                          reduction=reduction)
    assert eo.shape == to.shape == ()


def test_ctc_unbatched_with_2d_targets_and_tuple_lengths():
    lp = _lp(6, None, 5, torch.float32, seed=6)
    _compare_ctc(lp, torch.tensor([[4, 2]]), (6,), (2,), e_il=(6,), e_tl=(2,),
                 reduction="none")


def test_ctc_nonzero_blank_and_empty_targets():
    lp = _lp(6, 3, 5, torch.float64, seed=7)
    tg = torch.tensor([[0, 1, 0], [2, 2, 3], [1, 1, 1]])
    _compare_ctc(lp, tg, torch.tensor([6, 6, 5]), torch.tensor([3, 2, 0]), blank=4,
                 reduction="none")
    lp2 = _lp(5, 2, 3, torch.float64, seed=8)
    _compare_ctc(lp2, torch.zeros(0, dtype=torch.long), torch.tensor([5, 3]),
                 torch.tensor([0, 0]), reduction="mean")


def test_ctc_zero_input_length():
    lp = _lp(4, 3, 3, torch.float64, seed=9)
    tg = torch.tensor([[1, 2], [1, 2], [2, 1]])
    _compare_ctc(lp, tg, torch.tensor([0, 0, 4]), torch.tensor([0, 2, 2]), reduction="none",
                 zero_infinity=True)


def test_ctc_larger_random_batch_varied_lengths():
    g = torch.Generator().manual_seed(10)
    T, N, C = 30, 6, 8
    lp = _lp(T, N, C, torch.float32, seed=11)
    tl = torch.randint(0, 12, (N,), generator=g)
    il = torch.randint(14, T + 1, (N,), generator=g)
    tg = torch.randint(1, C, (N, 12), generator=g)
    _compare_ctc(lp, tg, il, tl, reduction="mean")


def test_ctc_gradient_through_log_softmax_logits():
    z_t = torch.randn(10, 2, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(12),
                      requires_grad=True)
    z_e = to_e(z_t)
    tg = torch.tensor([[1, 5, 5, 2], [3, 4, 0, 0]])
    args = (torch.tensor([10, 9]), torch.tensor([4, 2]))
    to = TF.ctc_loss(z_t.log_softmax(2), tg, *args)
    eo = EF.ctc_loss(z_e.log_softmax(2), to_e(tg), *(to_e(a) for a in args))
    close(eo, to, 1e-10, 1e-12)
    to.backward()
    eo.backward()
    close(z_e.grad, z_t.grad, 1e-9, 1e-11)


def test_ctc_module_and_grad_fn():
    lp = _lp(8, 2, 4, torch.float64, seed=13)
    tg = torch.tensor([[1, 2, 3], [2, 2, 0]])
    il, tl = torch.tensor([8, 7]), torch.tensor([3, 2])
    tm = tnn.CTCLoss(blank=0, reduction="none", zero_infinity=True)
    em = enn.CTCLoss(blank=0, reduction="none", zero_infinity=True)
    assert repr(em) == repr(tm) == "CTCLoss()"
    assert em.zero_infinity is True and em.reduction == "none" and em.blank == 0
    out = em(to_e(lp), to_e(tg), to_e(il), to_e(tl))
    close(out, tm(lp, tg, il, tl), 1e-10, 1e-12)
    assert type(out.grad_fn).__name__ == "CtcLossBackward0"
    assert enn.CTCLoss().reduction == "mean"


_CTC_T, _CTC_N, _CTC_C = 6, 2, 4


@pytest.mark.parametrize("case", [
    "float_lengths", "input_too_long", "targets_too_short", "negative_target_length",
    "negative_input_length", "input_lengths_size", "target_lengths_size", "blank_high",
    "blank_negative", "concat_size", "targets_3d", "log_probs_4d", "log_probs_long",
    "bad_reduction", "int_lengths", "empty_log_probs"])
def test_ctc_errors_match_torch(case):
    lp = torch.randn(_CTC_T, _CTC_N, _CTC_C).log_softmax(2)
    tg = torch.tensor([[1, 2, 2], [3, 1, 0]])
    il, tl = torch.tensor([6, 5]), torch.tensor([3, 2])
    kw = {}
    if case == "float_lengths":
        il = torch.tensor([6.0, 5.0])
    elif case == "input_too_long":
        il = torch.tensor([7, 5])
    elif case == "targets_too_short":
        tl = torch.tensor([4, 2])
    elif case == "negative_target_length":
        tl = torch.tensor([-1, 2])
    elif case == "negative_input_length":
        il = torch.tensor([-1, 5])
    elif case == "input_lengths_size":
        il = torch.tensor([6, 5, 4])
    elif case == "target_lengths_size":
        tl = torch.tensor([3, 2, 1])
    elif case == "blank_high":
        kw["blank"] = 4
    elif case == "blank_negative":
        kw["blank"] = -1
    elif case == "concat_size":
        tg = torch.tensor([1, 2, 2, 3])
    elif case == "targets_3d":
        tg = tg[None]
    elif case == "log_probs_4d":
        lp = lp[None]
    elif case == "log_probs_long":
        lp = lp.long()
    elif case == "bad_reduction":
        kw["reduction"] = "foo"
    elif case == "empty_log_probs":
        lp = lp[:0]
        il = torch.tensor([0, 0])
    elif case == "int_lengths":
        lp, tg, il, tl = lp[:, 0], tg[0], 6, 3
    conv = lambda v: to_e(v) if isinstance(v, torch.Tensor) else v  # noqa: E731
    with pytest.raises(Exception) as te:
        TF.ctc_loss(lp, tg, il, tl, **kw)
    with pytest.raises(type(te.value)) as ee:
        EF.ctc_loss(conv(lp), conv(tg), conv(il), conv(tl), **kw)
    if type(te.value) is not TypeError:
        assert str(ee.value) == str(te.value)


def test_ctc_out_of_range_target_is_a_clear_error():
    lp = ember.randn(5, 1, 3).log_softmax(2)
    with pytest.raises(RuntimeError, match=r"target value 7 is out of range .* \[0, 2\]"):
        EF.ctc_loss(lp, ember.tensor([[1, 7]]), (5,), (2,))


def test_ctc_half_is_not_implemented_like_torch():
    with pytest.raises(NotImplementedError, match="not implemented for 'Half'"):
        EF.ctc_loss(ember.zeros(3, 1, 2, dtype=ember.float16), ember.tensor([[1]]), (3,), (1,))


# =========================================================================== adaptive softmax


def _asm_pair(in_f, n_cls, cutoffs, div_value=4.0, head_bias=False, seed=0):
    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-sized tail projections warn in both
        tm = tnn.AdaptiveLogSoftmaxWithLoss(in_f, n_cls, cutoffs, div_value=div_value,
                                            head_bias=head_bias).double()
        em = enn.AdaptiveLogSoftmaxWithLoss(in_f, n_cls, cutoffs, div_value=div_value,
                                            head_bias=head_bias, dtype=ember.float64)
    assert list(em.state_dict()) == list(tm.state_dict())
    return copy_module(em, tm), tm


@pytest.mark.parametrize("cutoffs,div_value,head_bias", [
    ([4, 8], 4.0, False), ([2], 2.0, True), ([3, 6, 10], 1.5, False), ([5, 9], 3.0, True)])
def test_adaptive_softmax_forward_backward(cutoffs, div_value, head_bias):
    em, tm = _asm_pair(16, 12, cutoffs, div_value, head_bias)
    g = torch.Generator().manual_seed(1)
    x_t = torch.randn(9, 16, generator=g, dtype=torch.float64, requires_grad=True)
    y_t = torch.tensor([0, 11, 3, 4, 7, 8, 2, 10, 5])
    x_e = to_e(x_t)
    to = tm(x_t, y_t)
    eo = em(x_e, to_e(y_t))
    assert type(eo).__name__ == "_ASMoutput" and eo._fields == ("output", "loss")
    close(eo.output, to.output, 1e-10, 1e-12)
    close(eo.loss, to.loss, 1e-10, 1e-12)
    (to.loss + to.output.sum() * 0.3).backward()
    (eo.loss + eo.output.sum() * 0.3).backward()
    close(x_e.grad, x_t.grad, 1e-10, 1e-12)
    tp = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        close(p.grad, tp[name].grad, 1e-10, 1e-12)


def test_adaptive_softmax_unbatched_and_log_prob_predict():
    em, tm = _asm_pair(8, 10, [3, 6], div_value=2.0, seed=2)
    x_t = torch.randn(8, dtype=torch.float64)
    to = tm(x_t, torch.tensor(7))
    eo = em(to_e(x_t), ember.tensor(7))
    assert eo.output.shape == () and to.output.shape == ()
    close(eo.output, to.output, 1e-10, 1e-12)
    close(eo.loss, to.loss, 1e-10, 1e-12)
    xb_t = torch.randn(20, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    xb_e = to_e(xb_t)
    close(em.log_prob(xb_e), tm.log_prob(xb_t), 1e-10, 1e-12)
    np.testing.assert_array_equal(em.predict(xb_e).numpy(), tm.predict(xb_t).numpy())
    # predict's three paths: all in the shortlist, none, mixed
    with torch.no_grad():
        tm.head.weight.zero_()
        tm.head.weight[0] = 1.0
    copy_module(em, tm)
    np.testing.assert_array_equal(em.predict(xb_e.abs()).numpy(), tm.predict(xb_t.abs()).numpy())
    with torch.no_grad():
        tm.head.weight.zero_()
        tm.head.weight[4] = 1.0
    copy_module(em, tm)
    np.testing.assert_array_equal(em.predict(xb_e.abs()).numpy(), tm.predict(xb_t.abs()).numpy())
    np.testing.assert_array_equal(em.predict(xb_e).numpy(), tm.predict(xb_t).numpy())


@pytest.mark.parametrize("cutoffs", [[], [5, 3], [0, 4], [4, 10], [4, 4], [2.5]])
def test_adaptive_softmax_bad_cutoffs(cutoffs):
    with pytest.raises(ValueError) as te:
        tnn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    with pytest.raises(ValueError) as ee:
        enn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("case", ["target_range", "batch_mismatch", "target_2d", "input_3d",
                                  "unbatched_input_2d"])
def test_adaptive_softmax_forward_errors(case):
    em, tm = _asm_pair(8, 10, [3, 6], seed=4)
    x = torch.randn(4, 8, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 3])
    if case == "target_range":
        y = torch.tensor([0, 1, 12, 3])
    elif case == "batch_mismatch":
        y = torch.tensor([0, 1, 2])
    elif case == "target_2d":
        y = y[None]
    elif case == "input_3d":
        x = x[None].expand(4, 4, 8)
    elif case == "unbatched_input_2d":
        y = torch.tensor(1)
    with pytest.raises(RuntimeError) as te:
        tm(x, y)
    with pytest.raises(RuntimeError) as ee:
        em(to_e(x), to_e(y))
    if case != "input_3d" and case != "unbatched_input_2d":
        assert str(ee.value) == str(te.value)


# =========================================================================== docstrings


_DOC_OBJECTS = [
    ("ember.nn.functional_extra", None),
    ("ember.nn.modules.pooling_extra", None),
    ("ember.nn.modules.adaptive", None),
    ("ember.nn.modules.normalization", ("RMSNorm", "CrossMapLRN2d")),
    ("ember.nn.modules.loss", ("CTCLoss",)),
]


@pytest.mark.parametrize("modname,names", _DOC_OBJECTS)
def test_gap_docstring_examples_run(modname, names):
    mod = importlib.import_module(modname)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod), ember=ember, np=np, nn=enn, F=EF)
    ran = 0
    for test in finder.find(mod, modname, globs=globs):
        short = test.name[len(modname) + 1:].split(".")[0]
        if names is not None and short not in names:
            continue
        if test.examples:
            ember.manual_seed(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runner.run(test)
            ran += 1
    assert ran > 0
    assert runner.summarize(verbose=False).failed == 0


@pytest.mark.parametrize("name", ["CTCLoss", "RMSNorm", "CrossMapLRN2d", "FractionalMaxPool2d",
                                  "FractionalMaxPool3d", "LPPool3d",
                                  "AdaptiveLogSoftmaxWithLoss"])
def test_gap_classes_exported_with_docs(name):
    cls = getattr(enn, name)
    assert "Args:" in cls.__doc__ and "Example" in cls.__doc__


@pytest.mark.parametrize("name", ["ctc_loss", "rms_norm", "fractional_max_pool2d",
                                  "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
                                  "fractional_max_pool3d_with_indices", "lp_pool3d"])
def test_gap_functions_exported_with_docs(name):
    fn = getattr(EF, name)
    assert "Args:" in fn.__doc__ and "Example" in fn.__doc__
