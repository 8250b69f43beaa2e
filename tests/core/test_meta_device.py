"""The 'meta' device (shape, dtype and strides but no data) against real torch.

Every case runs the same code with torch and with ember on meta tensors and compares each
output's shape, dtype, strides and device; error cases compare the exception type and text.
"""
import copy
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import _meta


def _describe(out):
    """(shape, dtype, strides, device) of every tensor in a (nested) result."""
    if isinstance(out, (tuple, list)):
        return [_describe(o) for o in out]
    if isinstance(out, (torch.Tensor, ember.Tensor)):
        return (tuple(out.shape), str(out.dtype), tuple(out.stride()), str(out.device))
    return out


def _both(fn):
    """fn(lib) with torch and with ember; both descriptions."""
    return _describe(fn(torch)), _describe(fn(ember))


def _error(fn, lib):
    with pytest.raises(Exception) as info:
        fn(lib)
    return type(info.value).__name__, str(info.value)


M = "meta"

# (name, fn(lib)) -- every output must match torch's shape, dtype, strides and device
CASES = [
    # factories
    ("empty", lambda t: t.empty(2, 3, device=M)),
    ("zeros_int", lambda t: t.zeros((4,), dtype=t.int64, device=M)),
    ("ones_0d", lambda t: t.ones((), device=M)),
    ("full_int", lambda t: t.full((2, 2), 3, device=M)),
    ("full_float64", lambda t: t.full((2,), 1.5, dtype=t.float64, device=M)),
    ("randn", lambda t: t.randn(3, 4, device=M)),
    ("rand_f64", lambda t: t.rand(2, dtype=t.float64, device=M)),
    ("randint", lambda t: t.randint(0, 5, (3, 2), device=M)),
    ("randperm", lambda t: t.randperm(5, device=M)),
    ("arange_int", lambda t: t.arange(5, device=M)),
    ("arange_float", lambda t: t.arange(0, 1, 0.25, device=M)),
    ("linspace", lambda t: t.linspace(0, 1, 7, device=M)),
    ("eye", lambda t: t.eye(3, 2, device=M)),
    ("tensor", lambda t: t.tensor([[1, 2], [3, 4]], device=M)),
    ("empty_0", lambda t: t.empty(0, 3, device=M)),
    ("zeros_like_cpu", lambda t: t.zeros_like(t.ones(2, 3), device=M)),
    ("empty_like_meta", lambda t: t.empty_like(t.ones(2, 3, device=M))),
    ("full_like", lambda t: t.full_like(t.ones(2, 3, device=M), 7)),
    ("randn_like", lambda t: t.randn_like(t.ones(2, 3, device=M))),
    ("new_zeros", lambda t: t.ones(2, device=M).new_zeros(3, 4)),
    ("new_tensor", lambda t: t.ones(2, device=M).new_tensor([1, 2])),
    ("device_ctx", lambda t: _in_device_ctx(t)),
    # moves and casts
    ("to_meta", lambda t: t.ones(2, 3).to(M)),
    ("to_meta_transposed", lambda t: t.ones(2, 3).t().to(M)),
    ("to_meta_dtype", lambda t: t.ones(2, 3).to(M, t.float64)),
    ("cast", lambda t: t.ones(2, 3, device=M).t().double()),
    ("half", lambda t: t.ones(2, 3, device=M).half()),
    ("long", lambda t: t.ones(2, 3, device=M).long()),
    ("to_same", lambda t: t.ones(2, 3, device=M).to("meta")),
    # elementwise and broadcasting
    ("add_bcast", lambda t: t.ones(2, 1, 3, device=M) + t.ones(4, 3, device=M)),
    ("mul_scalar", lambda t: t.ones(2, 3, device=M) * 2.5),
    ("int_div", lambda t: t.ones(3, dtype=t.int64, device=M) / 2),
    ("int_plus_float", lambda t: t.ones(3, dtype=t.int32, device=M) + t.ones(3, device=M)),
    ("float64_promo", lambda t: t.ones(3, dtype=t.float64, device=M) * t.ones(3, device=M)),
    ("cpu_scalar_tensor", lambda t: t.ones(2, 3, device=M) * t.tensor(2.0)),
    ("pow", lambda t: t.ones(2, 3, device=M) ** 2),
    ("unary", lambda t: [f(t.ones(2, 3, device=M)) for f in
                         (t.exp, t.sigmoid, t.tanh, t.relu, t.abs, t.neg, t.sqrt, t.log)]),
    ("gelu_silu", lambda t: [t.nn.functional.gelu(t.ones(4, device=M)),
                             t.nn.functional.silu(t.ones(4, device=M))]),
    ("compare", lambda t: t.ones(2, 3, device=M) > 0),
    ("logical", lambda t: t.logical_and(t.ones(3, device=M) > 0, t.ones(3, device=M) < 1)),
    ("where", lambda t: t.where(t.ones(2, 3, device=M) > 0, t.ones(2, 3, device=M), 0.0)),
    ("clamp", lambda t: t.clamp(t.ones(2, 3, device=M), -1, 1)),
    ("maximum", lambda t: t.maximum(t.ones(2, 3, device=M), t.ones(3, device=M))),
    ("transposed_add", lambda t: t.ones(2, 3, device=M).t() + 1),
    ("expanded_mul", lambda t: t.ones(3, device=M).expand(2, 3) * 2),
    ("masked_fill", lambda t: t.ones(2, 3, device=M).masked_fill(t.ones(2, 3, device=M) > 0,
                                                                  1.0)),
    ("inplace", lambda t: t.ones(2, 3, device=M).add_(1).mul_(t.ones(3, device=M))),
    # linear algebra
    ("matmul", lambda t: t.ones(2, 3, device=M) @ t.ones(3, 4, device=M)),
    ("matmul_batched", lambda t: t.ones(5, 2, 3, device=M) @ t.ones(3, 4, device=M)),
    ("matmul_vec", lambda t: t.ones(3, device=M) @ t.ones(3, 4, device=M)),
    ("mv", lambda t: t.ones(2, 3, device=M) @ t.ones(3, device=M)),
    ("bmm", lambda t: t.bmm(t.ones(5, 2, 3, device=M), t.ones(5, 3, 4, device=M))),
    ("addmm", lambda t: t.addmm(t.ones(4, device=M), t.ones(2, 3, device=M),
                                t.ones(3, 4, device=M))),
    ("linear", lambda t: t.nn.functional.linear(t.ones(2, 5, 3, device=M),
                                                t.ones(4, 3, device=M), t.ones(4, device=M))),
    ("einsum", lambda t: t.einsum("ij,jk->ik", t.ones(2, 3, device=M), t.ones(3, 4, device=M))),
    # reductions
    ("sum_all", lambda t: t.ones(2, 3, device=M).sum()),
    ("sum_dim", lambda t: t.ones(2, 3, 4, device=M).sum(1, keepdim=True)),
    ("sum_int", lambda t: t.ones(2, 3, dtype=t.int32, device=M).sum(0)),
    ("mean", lambda t: t.ones(2, 3, device=M).mean((0, 1))),
    ("max_dim", lambda t: tuple(t.ones(2, 3, device=M).max(1))),
    ("max_all", lambda t: t.ones(2, 3, device=M).max()),
    ("argmax", lambda t: [t.ones(2, 3, device=M).argmax(), t.ones(2, 3, device=M).argmax(0)]),
    ("std_var", lambda t: [t.ones(2, 3, device=M).std(1), t.ones(2, 3, device=M).var()]),
    ("prod", lambda t: t.ones(2, 3, device=M).prod(1)),
    ("cumsum", lambda t: t.ones(2, 3, device=M).cumsum(1)),
    ("logsumexp", lambda t: t.logsumexp(t.ones(2, 3, device=M), 1)),
    ("softmax", lambda t: [t.softmax(t.ones(2, 3, device=M), 1),
                           t.log_softmax(t.ones(2, 3, device=M), 0)]),
    ("norm", lambda t: t.linalg.vector_norm(t.ones(2, 3, device=M), dim=1)),
    ("all_any", lambda t: [(t.ones(2, 3, device=M) > 0).all(), (t.ones(2, 3, device=M) > 0)
                           .any(1)]),
    # shapes and indexing
    ("reshape", lambda t: t.ones(2, 3, device=M).reshape(3, -1)),
    ("reshape_copy", lambda t: t.ones(2, 3, device=M).t().reshape(6)),
    ("view", lambda t: t.ones(2, 3, device=M).view(6, 1)),
    ("permute", lambda t: t.ones(2, 3, 4, device=M).permute(2, 0, 1)),
    ("transpose_contig", lambda t: t.ones(2, 3, device=M).t().contiguous()),
    ("flatten", lambda t: t.ones(2, 3, 4, device=M).flatten(1)),
    ("unsqueeze_squeeze", lambda t: t.ones(2, 1, 3, device=M).squeeze(1).unsqueeze(0)),
    ("expand", lambda t: t.ones(1, 3, device=M).expand(4, 3)),
    ("expand_contig", lambda t: t.ones(2, 3, device=M).expand(4, 2, 3).contiguous()),
    ("cat", lambda t: t.cat([t.ones(2, 3, device=M), t.ones(4, 3, device=M)])),
    ("cat_dim1_promote", lambda t: t.cat([t.ones(2, 3, device=M),
                                          t.ones(2, 1, dtype=t.float64, device=M)], 1)),
    ("stack", lambda t: t.stack([t.ones(2, 3, device=M)] * 3, 1)),
    ("split_chunk", lambda t: list(t.ones(5, 3, device=M).split(2)) +
     list(t.ones(5, 3, device=M).chunk(2, 1))),
    ("unbind", lambda t: list(t.ones(2, 3, device=M).unbind(1))),
    ("narrow_slice", lambda t: [t.ones(4, 5, device=M).narrow(1, 1, 2),
                                t.ones(4, 5, device=M)[1:, ::2], t.ones(4, 5, device=M)[1]]),
    ("index_tensor", lambda t: t.ones(4, 5, device=M)[t.tensor([0, 2], device=M)]),
    ("gather", lambda t: t.gather(t.ones(3, 4, device=M), 1,
                                  t.zeros(3, 2, dtype=t.int64, device=M))),
    ("flip_roll", lambda t: [t.ones(2, 3, device=M).flip(1), t.ones(2, 3, device=M).roll(1)]),
    ("repeat", lambda t: t.ones(2, 3, device=M).repeat(2, 2)),
    ("tril", lambda t: t.ones(3, 3, device=M).tril()),
    ("pad", lambda t: t.nn.functional.pad(t.ones(2, 3, device=M), (1, 2))),
    ("setitem", lambda t: _setitem(t)),
    # nn.functional
    ("conv1d", lambda t: t.nn.functional.conv1d(t.ones(2, 3, 10, device=M),
                                                t.ones(4, 3, 3, device=M), stride=2)),
    ("conv2d", lambda t: t.nn.functional.conv2d(t.ones(1, 3, 8, 8, device=M),
                                                t.ones(4, 3, 3, 3, device=M),
                                                t.ones(4, device=M), padding=1)),
    ("conv2d_groups", lambda t: t.nn.functional.conv2d(t.ones(2, 4, 7, 7, device=M),
                                                       t.ones(6, 2, 3, 3, device=M),
                                                       stride=2, groups=2)),
    ("pools", lambda t: [t.nn.functional.max_pool2d(t.ones(1, 2, 8, 8, device=M), 2),
                         t.nn.functional.avg_pool2d(t.ones(1, 2, 8, 8, device=M), 3, 2),
                         t.nn.functional.adaptive_avg_pool2d(t.ones(1, 2, 8, 8, device=M),
                                                             (2, 3))]),
    ("layer_norm", lambda t: t.nn.functional.layer_norm(t.ones(2, 5, device=M), (5,),
                                                        t.ones(5, device=M),
                                                        t.ones(5, device=M))),
    ("batch_norm", lambda t: t.nn.functional.batch_norm(
        t.ones(4, 3, 5, device=M), t.zeros(3, device=M), t.ones(3, device=M), training=True)),
    ("embedding", lambda t: t.nn.functional.embedding(t.zeros(2, 4, dtype=t.int64, device=M),
                                                      t.ones(10, 3, device=M))),
    ("dropout", lambda t: t.nn.functional.dropout(t.ones(2, 3, device=M), 0.5)),
    ("mse", lambda t: t.nn.functional.mse_loss(t.ones(2, 3, device=M), t.ones(2, 3, device=M))),
    # modules built on meta
    ("linear_module", lambda t: t.nn.Linear(3, 4, device=M)(t.ones(2, 3, device=M))),
    ("conv_module", lambda t: t.nn.Conv2d(3, 4, 3, device=M)(t.ones(1, 3, 6, 6, device=M))),
    ("mlp_params", lambda t: [p for p in _mlp(t).to(M).parameters()]),
    ("embedding_module", lambda t: t.nn.Embedding(10, 4, device=M)(
        t.zeros(2, 3, dtype=t.long, device=M))),
    ("layer_norm_module", lambda t: t.nn.LayerNorm(4, device=M)(t.ones(2, 4, device=M))),
    ("batch_norm2d_train", lambda t: t.nn.BatchNorm2d(3, device=M)(t.ones(2, 3, 4, 4,
                                                                            device=M))),
    ("batch_norm2d_eval", lambda t: t.nn.BatchNorm2d(3, device=M).eval()(
        t.ones(2, 3, 4, 4, device=M))),
    ("group_norm", lambda t: t.nn.GroupNorm(2, 4, device=M)(t.ones(2, 4, 3, device=M))),
    ("conv_transpose2d", lambda t: t.nn.ConvTranspose2d(3, 5, 3, stride=2, device=M)(
        t.ones(2, 3, 4, 4, device=M))),
    ("lstm", lambda t: list(t.nn.LSTM(4, 6, batch_first=True, device=M)(
        t.ones(2, 5, 4, device=M))[1])),
    ("gru", lambda t: t.nn.GRU(4, 6, device=M)(t.ones(5, 2, 4, device=M))[0]),
    ("multihead_attention", lambda t: list(t.nn.MultiheadAttention(
        8, 2, batch_first=True, device=M)(*[t.ones(2, 5, 8, device=M)] * 3))),
    ("transformer_layer", lambda t: t.nn.TransformerEncoderLayer(
        8, 2, 16, batch_first=True, device=M)(t.ones(2, 5, 8, device=M))),
    ("sdpa", lambda t: t.nn.functional.scaled_dot_product_attention(
        *[t.ones(2, 2, 5, 4, device=M)] * 3)),
    ("interpolate", lambda t: [t.nn.functional.interpolate(t.ones(1, 2, 4, 4, device=M),
                                                           scale_factor=2),
                               t.nn.functional.interpolate(t.ones(1, 2, 4, 4, device=M),
                                                           size=(5, 7), mode="bilinear")]),
    ("losses", lambda t: [
        t.nn.functional.cross_entropy(t.ones(4, 3, device=M),
                                      t.zeros(4, dtype=t.long, device=M)),
        t.nn.functional.cross_entropy(t.ones(4, 3, device=M),
                                      t.zeros(4, dtype=t.long, device=M), reduction="none"),
        t.nn.functional.nll_loss(t.ones(4, 3, device=M), t.zeros(4, dtype=t.long, device=M)),
        t.nn.functional.binary_cross_entropy_with_logits(t.ones(4, 3, device=M),
                                                         t.ones(4, 3, device=M))]),
    ("max_pool_indices", lambda t: list(t.nn.functional.max_pool2d(
        t.ones(1, 2, 6, 6, device=M), 2, return_indices=True))),
    ("adaptive_max_pool", lambda t: t.nn.functional.adaptive_max_pool2d(
        t.ones(1, 2, 7, 7, device=M), 3)),
    ("unfold_pixel_shuffle", lambda t: [
        t.nn.functional.unfold(t.ones(1, 2, 5, 5, device=M), 3),
        t.nn.functional.pixel_shuffle(t.ones(1, 8, 3, 3, device=M), 2)]),
    ("one_hot", lambda t: t.nn.functional.one_hot(t.zeros(3, dtype=t.long, device=M), 4)),
    ("sort_argsort", lambda t: list(t.ones(3, 5, device=M).sort(1)) +
     [t.ones(3, 5, device=M).argsort()]),
    ("scatter_add", lambda t: t.zeros(3, 5, device=M).scatter_add(
        1, t.zeros(3, 2, dtype=t.long, device=M), t.ones(3, 2, device=M))),
    ("index_put", lambda t: t.zeros(5, device=M).index_put_(
        (t.zeros(2, dtype=t.long, device=M),), t.ones(2, device=M))),
    ("var_mean", lambda t: list(t.var_mean(t.ones(3, 5, device=M), 1))),
    ("outer_kron_diag", lambda t: [t.outer(t.ones(3, device=M), t.ones(4, device=M)),
                                   t.kron(t.ones(2, 2, device=M), t.ones(2, 3, device=M)),
                                   t.diag(t.ones(3, device=M))]),
    ("linalg", lambda t: [t.linalg.norm(t.ones(3, 3, device=M)),
                          t.linalg.det(t.ones(2, 3, 3, device=M))]),
    ("fft", lambda t: t.fft.rfft(t.ones(8, device=M))),
    ("special", lambda t: [t.erf(t.ones(3, device=M)), t.lgamma(t.ones(3, device=M)),
                           t.atan2(t.ones(3, device=M), t.ones(3, device=M))]),
    ("int_ops", lambda t: [t.ones(3, dtype=t.int32, device=M) & 3,
                           t.ones(3, dtype=t.int64, device=M) % 2]),
    ("complex", lambda t: [t.ones(3, dtype=t.complex64, device=M) * 1j,
                           t.view_as_real(t.ones(3, dtype=t.complex64, device=M))]),
    ("bfloat16", lambda t: [t.ones(3, device=M).bfloat16() + 1,
                            t.ones(2, device=M, dtype=t.bfloat16)]),
    ("meshgrid", lambda t: list(t.meshgrid(t.ones(3, device=M), t.ones(4, device=M),
                                           indexing="ij"))),
    ("fills", lambda t: [t.ones(3, device=M).zero_(), t.ones(3, device=M).fill_(2),
                         t.ones(3, device=M).normal_(), t.ones(3, device=M).new_full((2,), 4),
                         t.ones(3, device=M).clamp_(min=0)]),
    ("bernoulli", lambda t: t.bernoulli(t.ones(3, device=M) * 0.5)),
    ("optimizers", lambda t: _optimizers(t)),
    ("conv_backward", lambda t: _conv_backward(t)),
]


def _optimizers(t):
    out = []
    for make in (lambda ps: t.optim.Adam(ps), lambda ps: t.optim.SGD(ps, 0.1, momentum=0.9)):
        p = t.nn.Parameter(t.ones(3, device=M))
        opt = make([p])
        p.grad = t.ones(3, device=M)
        opt.step()
        out += [p] + [v for v in opt.state[p].values() if isinstance(v, t.Tensor)]
    return out


def _conv_backward(t):
    x = t.ones(2, 3, device=M, requires_grad=True)
    w = t.ones(4, 2, 2, device=M, requires_grad=True)
    t.nn.functional.conv1d(x.unsqueeze(0), w).sum().backward()
    return [x.grad, w.grad]


def _in_device_ctx(t):
    with t.device(M):
        return [t.ones(2), t.randn(2, 3)]


def _setitem(t):
    x = t.zeros(3, 4, device=M)
    x[0] = 1.0
    x[:, 1] = t.ones(3, device=M)
    return x


def _mlp(t):
    t.manual_seed(0)
    return t.nn.Sequential(t.nn.Linear(4, 8), t.nn.ReLU(), t.nn.Linear(8, 2),
                           t.nn.BatchNorm1d(2))


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_meta_matches_torch(name, fn):
    expected, got = _both(fn)
    assert got == expected


# ---------------------------------------------------------------- errors (type and text)

ERRORS = [
    ("item", lambda t: t.ones((), device=M).item()),
    ("item_many", lambda t: t.ones(2, device=M).item()),
    ("float", lambda t: float(t.ones(1, device=M))),
    ("int", lambda t: int(t.ones((), device=M))),
    ("bool_one", lambda t: bool(t.ones(1, device=M))),
    ("bool_many", lambda t: bool(t.ones(2, device=M))),
    ("tolist", lambda t: t.ones(2, device=M).tolist()),
    ("numpy", lambda t: t.ones(2, device=M).numpy()),
    ("numpy_force", lambda t: t.ones(2, device=M).numpy(force=True)),
    ("to_cpu", lambda t: t.ones(2, device=M).to("cpu")),
    ("cpu", lambda t: t.ones(2, device=M).cpu()),
    ("copy_into_cpu", lambda t: t.zeros(2).copy_(t.ones(2, device=M))),
    ("nonzero", lambda t: t.ones(2, device=M).nonzero()),
    ("mask_index", lambda t: t.ones(2, 3, device=M)[t.ones(2, 3, device=M) > 0]),
    ("view_error", lambda t: t.ones(2, 3, device=M).t().view(6)),
    ("allclose", lambda t: t.allclose(t.ones(2, device=M), t.ones(2, device=M))),
    ("module_to_cpu", lambda t: t.nn.Linear(2, 2, device=M).to("cpu")),
    ("module_cpu", lambda t: t.nn.Linear(2, 2, device=M).cpu()),
    ("format_1d", lambda t: f"{t.ones(2, device=M):>5}"),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[c[0] for c in ERRORS])
def test_meta_errors_match_torch(name, fn):
    assert _error(fn, ember) == _error(fn, torch)


def test_meta_errors_of_the_same_type_as_torch():
    # mixing devices: torch says "Tensor on device cpu is not on the expected device meta!",
    # ember's elementwise ops word the mismatch their own way (the RuntimeError of a CPU/GPU
    # mix); unique: torch has no meta kernel, ember cannot copy the values out
    for fn in (lambda t: t.ones(2, 3, device=M) + t.ones(2, 3),
               lambda t: t.ones(2, 3) * t.ones(2, 3, device=M),
               lambda t: t.cat([t.ones(2, 3, device=M), t.ones(2, 3)])):
        assert _error(fn, ember)[0] == _error(fn, torch)[0] == "RuntimeError"
    for fn in (lambda t: t.unique(t.ones(3, device=M)),
               lambda t: t.bincount(t.zeros(5, dtype=t.long, device=M)),
               lambda t: t.ones(3, device=M).masked_select(t.ones(3, device=M) > 0)):
        assert _error(fn, ember)[0] == _error(fn, torch)[0] == "NotImplementedError"


# ---------------------------------------------------------------- device, printing, attributes


def test_meta_device_object():
    d = ember.device("meta")
    assert (str(d), d.type, d.index, repr(d)) == (str(torch.device("meta")), "meta", None,
                                                 repr(torch.device("meta")))
    x = ember.ones(2, device=d)
    assert x.device == d and x.device.type == "meta" and x.is_meta
    assert not x.is_cpu and not x.is_cuda
    assert not ember.ones(2).is_meta


@pytest.mark.parametrize("make", [
    lambda t: t.randn(2, 3, device=M),
    lambda t: t.empty(0, device=M),
    lambda t: t.empty((), device=M),
    lambda t: t.zeros(3, dtype=t.int64, device=M),
    lambda t: t.zeros(3, dtype=t.float64, device=M),
    lambda t: t.zeros(2, dtype=t.bool, device=M),
    lambda t: t.zeros(2, dtype=t.complex64, device=M),
    lambda t: t.zeros(3, device=M, requires_grad=True),
    lambda t: t.zeros(3, device=M, requires_grad=True) * 2,
    lambda t: t.zeros(3, 4, device=M, requires_grad=True).sum(1),
    lambda t: t.nn.Parameter(t.empty(2, 3, device=M)),
    lambda t: t.nn.Linear(3, 4, device=M).weight,
    lambda t: t.zeros(*([2] * 12), device=M),
], ids=["randn", "empty0", "0d", "int64", "float64", "bool", "complex64", "requires_grad",
        "grad_fn", "sum_grad_fn", "parameter", "linear_weight", "long_size"])
def test_meta_printing_matches_torch(make):
    t, e = make(torch), make(ember)
    assert repr(e) == repr(t)
    assert str(e) == str(t)


def test_meta_format_and_state_dict_printing():
    assert f"{ember.ones((), device=M)}" == f"{torch.ones((), device=M)}"
    mt = torch.nn.Linear(3, 2, device=M)
    me = ember.nn.Linear(3, 2, device=M)
    assert repr(me.state_dict()).replace("ember", "torch") == repr(mt.state_dict())
    assert repr(me) == repr(mt)


def test_meta_default_dtype_changes_printing():
    old_t, old_e = torch.get_default_dtype(), ember.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        ember.set_default_dtype(ember.float64)
        for make in (lambda t: t.ones(2, device=M),
                     lambda t: t.ones(2, dtype=t.float32, device=M)):
            assert repr(make(ember)) == repr(make(torch))
    finally:
        torch.set_default_dtype(old_t)
        ember.set_default_dtype(old_e)


# ---------------------------------------------------------------- no data, no memory, no RNG


def test_meta_tensors_use_no_memory():
    # a 64 GiB tensor: only address space is reserved (nothing is ever touched)
    x = ember.empty(1 << 34, dtype=ember.float32, device=M)
    y = (x * 2 + 1).reshape(1 << 17, -1)
    z = y @ ember.empty(1 << 17, 8, device=M)
    assert (tuple(z.shape), z.is_meta) == ((1 << 17, 8), True)
    w = y.sum(1)
    assert tuple(w.shape) == (1 << 17,)


def test_meta_random_draws_leave_the_cpu_generator_alone():
    for lib in (torch, ember):
        lib.manual_seed(0)
        a = lib.randn(3)
        lib.manual_seed(0)
        lib.randn(3, device=M)
        lib.rand(4, device=M).uniform_()
        lib.nn.Linear(3, 4, device=M)  # kaiming_uniform_ / uniform_ on meta parameters
        b = lib.randn(3)
        assert lib.equal(a, b)


def test_meta_module_init_on_huge_shapes_is_free():
    # torch's "initialise on meta" recipe: nothing is drawn or allocated for the weights
    lin = ember.nn.Linear(1 << 16, 1 << 16, device=M)  # 16 GiB of float32 weights
    assert lin.weight.is_meta and tuple(lin.weight.shape) == (1 << 16, 1 << 16)
    assert lin.weight.stride() == (1 << 16, 1)


def test_meta_array_backend():
    a = _meta.empty((2, 3), np.float32)
    assert ember._device.get_xp(a) is _meta.xp
    assert ember.device("meta").xp is _meta.xp
    b = np.exp(a) @ a.T
    assert isinstance(b, _meta.MetaArray) and b.shape == (2, 2) and b.dtype == np.float32
    f = _meta.empty((2, 3), np.float64, perm=(1, 0))
    assert f.strides == (8, 16) and f.flags.f_contiguous
    assert (f + 1).strides == f.strides  # NumPy's K order for the result
    assert _meta.xp.zeros((4, 5)).flags.c_contiguous
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        np.matmul(a, a)
    assert isinstance(np.add(a, np.ones((2, 3))), _meta.MetaArray)  # e.g. a host-drawn array
    assert (a + np.float64(2)).dtype == np.float64  # a 0-d CPU array is a scalar
    assert copy.deepcopy(a).shape == a.shape
    import pickle
    assert pickle.loads(pickle.dumps(a)).shape == a.shape


_NUMPY_FUNCS = [
    lambda a, m: np.diag(a), lambda a, m: np.roll(m, 1), lambda a, m: np.tile(a, 2),
    lambda a, m: np.triu(m), lambda a, m: np.std(m, 0), lambda a, m: np.sort(m),
    lambda a, m: np.argsort(m), lambda a, m: np.clip(m, 0, 1), lambda a, m: np.hstack([m, m]),
    lambda a, m: np.pad(m, 1), lambda a, m: np.einsum("ij,j->i", m, a[:4]),
    lambda a, m: np.take_along_axis(m, np.zeros((3, 1), np.int64), 1),
    lambda a, m: m[np.array([0, 2])], lambda a, m: m[0, 1], lambda a, m: m.sum(),
    lambda a, m: np.isclose(m, m), lambda a, m: np.cumsum(m, 1), lambda a, m: m.argmax(1),
    lambda a, m: np.fft.rfft(a), lambda a, m: m.T.reshape(-1), lambda a, m: m.astype(np.int8),
    lambda a, m: np.maximum.reduce(m, axis=1, keepdims=True), lambda a, m: np.add.outer(a, a),
    lambda a, m: (np if type(m) is np.ndarray else _meta.xp).ascontiguousarray(m.T),
    lambda a, m: np.concatenate([m, m], 1),
    lambda a, m: np.stack([a, a], -1), lambda a, m: np.where(m > 0, m, 1.0),
    lambda a, m: np.broadcast_to(a[:4], (2, 4)), lambda a, m: np.linalg.inv(m[:, :3]),
]


@pytest.mark.parametrize("i", range(len(_NUMPY_FUNCS)))
def test_meta_array_results_match_numpy(i):
    # NumPy on meta arrays: the result is a meta array of NumPy's own shape and dtype
    fn = _NUMPY_FUNCS[i]
    rng = np.random.default_rng(0)
    args = [rng.standard_normal(6).astype(np.float32), rng.standard_normal((3, 4))]
    ref = fn(*args)
    res = fn(*[_meta.xp.asarray(x) for x in args])
    assert type(res) is _meta.MetaArray
    assert (res.shape, res.dtype) == (np.shape(ref), np.asarray(ref).dtype)


# ---------------------------------------------------------------- autograd


def test_meta_backward_gives_meta_gradients():
    def run(t):
        x = t.ones(2, 3, device=M, requires_grad=True)
        lin = t.nn.Linear(3, 4, device=M)
        (lin(x).relu() * 2).sum().backward()
        return [x.grad, lin.weight.grad, lin.bias.grad]
    expected, got = _both(run)
    assert got == expected


# ---------------------------------------------------------------- modules


def test_module_to_meta_and_to_empty():
    def run(t):
        m = _mlp(t).to(M)
        params = _describe(list(m.parameters()) + list(m.buffers()))
        assert all(p.is_meta for p in m.parameters()) and all(b.is_meta for b in m.buffers())
        out = m(t.ones(5, 4, device=M))
        m.to_empty(device="cpu")
        assert all(not p.is_meta for p in m.parameters())
        assert all(not b.is_meta for b in m.buffers())
        return [params, out] + list(m.parameters()) + list(m.buffers())
    expected, got = _both(run)
    assert got == expected


def test_module_to_empty_to_meta_and_deepcopy():
    def run(t):
        m = _mlp(t)
        m.to_empty(device=M)
        c = copy.deepcopy(m)
        return [p for p in m.parameters()] + [p for p in c.parameters()]
    expected, got = _both(run)
    assert got == expected


def test_state_dict_of_meta_model_and_assign_load():
    def run(t):
        t.manual_seed(0)
        src = t.nn.Linear(3, 2)
        with t.device(M):
            m = t.nn.Linear(3, 2)
        sd = m.state_dict()
        keys = list(sd)
        res = m.load_state_dict(src.state_dict(), assign=True)
        same = t.equal(m.weight, src.weight) and m.weight.requires_grad
        y = m(t.ones(1, 3))
        return [keys, str(res), same, type(m.weight).__name__, list(sd.values()), y,
                m.weight, m.bias]
    expected, got = _both(run)
    assert got == expected


def test_load_state_dict_without_assign_into_meta_warns():
    src_t, src_e = torch.nn.Linear(3, 2), ember.nn.Linear(3, 2)
    with warnings.catch_warnings(record=True) as wt:
        warnings.simplefilter("always")
        torch.nn.Linear(3, 2, device=M).load_state_dict(src_t.state_dict())
    with warnings.catch_warnings(record=True) as we:
        warnings.simplefilter("always")
        m = ember.nn.Linear(3, 2, device=M)
        res = m.load_state_dict(src_e.state_dict())
    assert [str(w.message) for w in we] == [str(w.message) for w in wt]
    assert str(res) == "<All keys matched successfully>" and m.weight.is_meta


# ---------------------------------------------------------------- torch.func with a meta model


def test_functional_call_vmap_with_meta_base_model():
    def run(t):
        t.manual_seed(0)
        models = [t.nn.Sequential(t.nn.Linear(4, 5), t.nn.ReLU(), t.nn.Linear(5, 3))
                  for _ in range(3)]
        params, buffers = t.func.stack_module_state(models)
        base = copy.deepcopy(models[0]).to(M)

        def f(p, b, x):
            return t.func.functional_call(base, (p, b), (x,))
        x = t.randn(3, 2, 4)
        out = t.vmap(f)(params, buffers, x)
        loop = t.stack([m(xi) for m, xi in zip(models, x)])
        meta_out = f({k: v[0].to(M) for k, v in params.items()}, {}, t.ones(2, 4, device=M))
        return [out, t.allclose(out, loop, atol=1e-6), str(next(base.parameters()).device),
                meta_out]
    expected, got = _both(run)
    assert got == expected


def test_meta_and_the_cuda_backend():
    from ember.cuda import _fake
    with _fake.installed_for(1):
        x = ember.ones(2, 3, device="cuda").t()
        m = x.to(M)
        assert (m.device.type, m.stride(), m.dtype) == ("meta", (1, 3), ember.float32)
        with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor"):
            m.to("cuda")
        assert ember.ones(3, device="cuda").bfloat16().device.type == "cuda"


def test_meta_backward_through_multi_output_ops():
    def run(t):
        x = t.ones(2, 3, 4, device=M, requires_grad=True)
        (t.nn.LayerNorm(4, device=M)(x).sum() + x.max(1)[0].sum()).backward()
        return x.grad
    expected, got = _both(run)
    assert got == expected
