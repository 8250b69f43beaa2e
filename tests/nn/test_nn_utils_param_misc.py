"""nn.utils fusion, skip_init, conv weight memory format, stateless.functional_call (against
torch), and the docstring examples of the parametrize/norm/fusion modules."""
import doctest
import importlib
import sys
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn

import ember
import ember.nn as enn
from nn_helpers import to_e, close


def _copy_state(e_mod, t_mod):
    sd = {k: to_e(v, requires_grad=False) for k, v in t_mod.state_dict().items()}
    res = e_mod.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == []


def _bn_pair(lib_t, lib_e, cls, n, seed, affine=True):
    torch.manual_seed(seed)
    t = getattr(lib_t, cls)(n, affine=affine)
    with torch.no_grad():
        t.running_mean.normal_()
        t.running_var.uniform_(0.5, 2.0)
        if affine:
            t.weight.normal_()
            t.bias.normal_()
    e = getattr(lib_e, cls)(n, affine=affine)
    _copy_state(e, t)
    return t.eval(), e.eval()


# ---------------------------------------------------------------- fusion


@pytest.mark.parametrize("conv,bn,transpose,bias,affine", [
    ("Conv2d", "BatchNorm2d", False, True, True),
    ("Conv1d", "BatchNorm1d", False, False, True),
    ("Conv2d", "BatchNorm2d", False, True, False),
    ("ConvTranspose2d", "BatchNorm2d", True, True, True),
    ("Conv3d", "BatchNorm3d", False, True, True)])
def test_fuse_conv_bn_eval_matches_torch(conv, bn, transpose, bias, affine):
    torch.manual_seed(0)
    tc = getattr(tnn, conv)(3, 4, 3, bias=bias)
    ec = getattr(enn, conv)(3, 4, 3, bias=bias)
    _copy_state(ec, tc)
    tc.eval()
    ec.eval()
    tb, eb = _bn_pair(tnn, enn, bn, 4, seed=1, affine=affine)
    tf = tnn.utils.fuse_conv_bn_eval(tc, tb, transpose=transpose)
    ef = enn.utils.fuse_conv_bn_eval(ec, eb, transpose=transpose)
    assert type(ef) is type(ec) and ef is not ec
    assert isinstance(ef.weight, enn.Parameter) and isinstance(ef.bias, enn.Parameter)
    close(ef.weight, tf.weight, atol=1e-6)
    close(ef.bias, tf.bias, atol=1e-6)
    assert ef.weight.requires_grad == tf.weight.requires_grad
    assert ef.bias.requires_grad == tf.bias.requires_grad
    shape = {"Conv1d": (2, 3, 7), "Conv3d": (1, 3, 5, 5, 5)}.get(conv, (2, 3, 6, 6))
    x = torch.randn(*shape)
    close(ef(to_e(x)), eb(ec(to_e(x))), atol=1e-5)
    close(ef(to_e(x)), tf(x), atol=1e-5)
    close(ec.weight, tc.weight)   # the original conv is untouched


def test_fuse_linear_bn_eval_matches_torch():
    torch.manual_seed(2)
    tl, el = tnn.Linear(5, 4), enn.Linear(5, 4)
    _copy_state(el, tl)
    tl.eval()
    el.eval()
    tb, eb = _bn_pair(tnn, enn, "BatchNorm1d", 4, seed=3)
    tf = tnn.utils.fuse_linear_bn_eval(tl, tb)
    ef = enn.utils.fuse_linear_bn_eval(el, eb)
    close(ef.weight, tf.weight, atol=1e-6)
    close(ef.bias, tf.bias, atol=1e-6)
    x = torch.randn(3, 5)
    close(ef(to_e(x)), tf(x), atol=1e-5)
    # num_features == 1 broadcasts
    tb1, eb1 = _bn_pair(tnn, enn, "BatchNorm1d", 1, seed=4)
    close(enn.utils.fuse_linear_bn_eval(el, eb1).weight,
          tnn.utils.fuse_linear_bn_eval(tl, tb1).weight, atol=1e-6)


def test_fuse_weights_functions_and_dtypes():
    torch.manual_seed(5)
    args_t = [torch.randn(4, 3, 2, 2, dtype=torch.float64, requires_grad=True), None,
              torch.randn(4), torch.rand(4) + 0.5, 1e-5, None, torch.randn(4)]
    args_e = [to_e(a) if isinstance(a, torch.Tensor) else a for a in args_t]
    wt, bt = tnn.utils.fuse_conv_bn_weights(*args_t)
    we, be = enn.utils.fuse_conv_bn_weights(*args_e)
    close(we, wt)
    close(be, bt, atol=1e-6)
    assert we.requires_grad and not be.requires_grad
    lt = [torch.randn(4, 3), torch.randn(4), torch.randn(4), torch.rand(4) + 0.5, 1e-3,
          torch.randn(4), torch.randn(4)]
    le = [to_e(a) if isinstance(a, torch.Tensor) else a for a in lt]
    for et, tt in zip(enn.utils.fuse_linear_bn_weights(*le),
                      tnn.utils.fuse_linear_bn_weights(*lt)):
        close(et, tt, atol=1e-6)
        assert isinstance(et, enn.Parameter)
    assert enn.utils.fusion.fuse_linear_bn_weights is enn.utils.fuse_linear_bn_weights


def test_fusion_errors_match_torch():
    for lib in (tnn, enn):
        conv, bn = lib.Conv2d(2, 2, 1), lib.BatchNorm2d(2)
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.utils.fuse_conv_bn_eval(conv, bn)
        with pytest.raises(AssertionError, match="Fusion only for eval!"):
            lib.utils.fuse_linear_bn_eval(lib.Linear(2, 2), bn.eval())
        with pytest.raises(AssertionError, match="To fuse, linear.out_features"):
            lib.utils.fuse_linear_bn_eval(lib.Linear(2, 3).eval(), bn.eval())
        with pytest.raises(AssertionError, match="must not be None"):
            lib.utils.fuse_conv_bn_eval(conv.eval(),
                                        lib.BatchNorm2d(2, track_running_stats=False).eval())


# ---------------------------------------------------------------- skip_init


def test_skip_init_builds_module_without_touching_rng():
    ember.manual_seed(0)
    ref = ember.rand(3)
    ember.manual_seed(0)
    m = enn.utils.skip_init(enn.Linear, 10, 4, bias=True, dtype=ember.float64)
    after = ember.rand(3)
    assert ember.equal(ref, after)   # no random numbers drawn
    assert type(m) is enn.Linear
    assert m.weight.shape == (4, 10) and m.bias.shape == (4,)
    assert m.weight.dtype == ember.float64 and m.weight.device.type == "cpu"
    assert isinstance(m.weight, enn.Parameter) and m.weight.requires_grad
    enn.init.ones_(m.weight)   # the values are arbitrary until initialized
    enn.init.zeros_(m.bias)
    assert float(m(ember.ones(1, 10, dtype=ember.float64)).sum()) == 40.0


def test_skip_init_errors_match_torch():
    class NoDevice(tnn.Module):
        pass

    class ENoDevice(enn.Module):
        pass

    for lib, nodev in ((tnn, NoDevice), (enn, ENoDevice)):
        with pytest.raises(RuntimeError, match="Expected a Module"):
            lib.utils.skip_init(int)
        with pytest.raises(RuntimeError, match="Module must support a 'device' arg"):
            lib.utils.skip_init(nodev)


# ---------------------------------------------------------------- memory format


def test_convert_conv_weight_memory_format_keeps_values_and_parameters():
    torch.manual_seed(6)
    tnet = tnn.Sequential(tnn.Conv2d(3, 4, 3), tnn.ReLU(),
                          tnn.Sequential(tnn.ConvTranspose2d(4, 2, 3)))
    enet = enn.Sequential(enn.Conv2d(3, 4, 3), enn.ReLU(),
                          enn.Sequential(enn.ConvTranspose2d(4, 2, 3)))
    _copy_state(enet, tnet)
    params = list(enet.parameters())
    x = torch.randn(2, 3, 7, 7)
    before = enet(to_e(x)).detach()
    tnn.utils.convert_conv2d_weight_memory_format(tnet, torch.channels_last)
    out = enn.utils.convert_conv2d_weight_memory_format(enet, ember.channels_last)
    assert out is enet
    assert all(a is b for a, b in zip(params, enet.parameters()))
    assert ember.equal(enet(to_e(x)), before)
    close(enet(to_e(x)), tnet(x), atol=1e-5)
    net3 = enn.Sequential(enn.Conv3d(2, 2, 1))
    w = net3[0].weight.detach().clone()
    enn.utils.convert_conv3d_weight_memory_format(net3, ember.channels_last_3d)
    assert ember.equal(net3[0].weight, w)
    with pytest.raises(TypeError, match="memory_format"):
        enn.utils.convert_conv2d_weight_memory_format(enet, "channels_last")


# ---------------------------------------------------------------- stateless.functional_call


class _Nets:
    @staticmethod
    def make(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 4)
                self.bn = nn.BatchNorm1d(4)
                self.out = nn.Linear(4, 2)

            def forward(self, x, scale=1.0):
                return self.out(self.bn(self.fc(x)).relu()) * scale
        return Net()


def test_functional_call_substitutes_and_restores_like_torch():
    torch.manual_seed(7)
    t, e = _Nets.make(tnn), _Nets.make(enn)
    _copy_state(e, t)
    t.eval()
    e.eval()
    w_t = torch.randn(4, 3, requires_grad=True)
    rm_t = torch.randn(4)
    w_e, rm_e = to_e(w_t), to_e(rm_t)
    x = torch.randn(5, 3)
    with pytest.warns(FutureWarning) as rec_t:
        yt = tnn.utils.stateless.functional_call(t, {"fc.weight": w_t, "bn.running_mean": rm_t},
                                                 (x,), {"scale": 2.0})
    with pytest.warns(FutureWarning) as rec_e:
        ye = enn.utils.stateless.functional_call(e, {"fc.weight": w_e, "bn.running_mean": rm_e},
                                                 (to_e(x),), {"scale": 2.0})
    assert str(rec_e[0].message) == str(rec_t[0].message)
    close(ye, yt, atol=1e-5)
    yt.pow(2).sum().backward()
    ye.pow(2).sum().backward()
    close(w_e.grad, w_t.grad, atol=1e-5)
    # the module's own tensors are back and received no gradient
    assert isinstance(e.fc.weight, enn.Parameter) and e.fc.weight.grad is None
    close(e.fc.weight, t.fc.weight)
    close(e.bn.running_mean, t.bn.running_mean)
    close(e(to_e(x)), t(x), atol=1e-5)


def test_functional_call_restores_after_error_and_checks_keys():
    e = enn.Linear(3, 2)
    w = e.weight
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError):
            enn.utils.stateless.functional_call(e, {"weight": ember.zeros(2, 5)},
                                                (ember.ones(1, 3),))
        assert e.weight is w and isinstance(e.weight, enn.Parameter)
        with pytest.raises(RuntimeError, match=r"Missing key\(s\): 'bias'"):
            enn.utils.stateless.functional_call(e, {"weight": ember.zeros(2, 3)},
                                                (ember.ones(1, 3),), strict=True)
        with pytest.raises(RuntimeError, match=r"Unexpected key\(s\): 'nope'"):
            enn.utils.stateless.functional_call(
                e, {"weight": ember.zeros(2, 3), "bias": ember.zeros(2), "nope": ember.zeros(1)},
                (ember.ones(1, 3),), strict=True)
        assert e.weight is w
        # a single non-tuple argument
        out = enn.utils.stateless.functional_call(
            e, {"weight": ember.ones(2, 3), "bias": ember.zeros(2)}, ember.ones(1, 3))
    assert out.tolist() == [[3.0, 3.0]]


def test_functional_call_tied_weights_like_torch():
    def make(nn):
        m = nn.Module()
        m.a = nn.Linear(2, 2, bias=False)
        m.b = nn.Linear(2, 2, bias=False)
        m.b.weight = m.a.weight
        m.forward = lambda x: m.b(m.a(x))
        return m
    t, e = make(tnn), make(enn)
    _copy_state(e, t)
    assert e.b.weight is e.a.weight
    W = torch.randn(2, 2)
    x = torch.randn(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for tie in (True, False):
            yt = tnn.utils.stateless.functional_call(t, {"a.weight": W}, (x,), tie_weights=tie)
            ye = enn.utils.stateless.functional_call(e, {"a.weight": to_e(W)}, (to_e(x),),
                                                     tie_weights=tie)
            close(ye, yt, atol=1e-5)
        for lib, m, w, xx in ((tnn, t, W, x), (enn, e, to_e(W), to_e(x))):
            with pytest.raises(ValueError, match="which are tied"):
                lib.utils.stateless.functional_call(m, {"a.weight": w, "b.weight": w * 2},
                                                    (xx,))


# ---------------------------------------------------------------- docstring examples

_DOC_MODULES = ["ember.nn.utils.parametrize", "ember.nn.utils.parametrizations",
                "ember.nn.utils.weight_norm", "ember.nn.utils.spectral_norm",
                "ember.nn.utils.fusion", "ember.nn.utils.init", "ember.nn.utils.memory_format",
                "ember.nn.utils.stateless"]


@pytest.mark.parametrize("name", _DOC_MODULES)
def test_docstring_examples_of_nn_utils_param_modules_run(name):
    importlib.import_module(name)
    mod = sys.modules[name]   # the module (the package attribute may be the function)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np)
    n_examples = 0
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            ember.manual_seed(0)
            runner.run(test)
            n_examples += len(test.examples)
    results = runner.summarize(verbose=False)
    assert n_examples > 0
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"


def test_public_functions_have_docstrings_with_args_and_example():
    import ember.nn.utils as U
    names = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
             "fuse_linear_bn_weights", "skip_init", "convert_conv2d_weight_memory_format",
             "convert_conv3d_weight_memory_format", "spectral_norm", "remove_spectral_norm",
             "weight_norm", "remove_weight_norm"]
    objs = [getattr(U, n) for n in names]
    objs += [getattr(U.parametrize, n) for n in U.parametrize.__all__]
    objs += [getattr(U.parametrizations, n) for n in U.parametrizations.__all__]
    objs += [U.stateless.functional_call]
    for obj in objs:
        doc = obj.__doc__ or ""
        assert "Args:" in doc and "Example::" in doc, obj
