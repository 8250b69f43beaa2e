"""CUDA tensors: device objects, moves, ops staying on the device, device-mismatch errors,
creation with ``device=``, printing, pinned memory, checkpoints, modules and optimizers.

Most tests run on the fake CUDA backend (``fake_cuda`` fixture, NumPy-backed); the
``real_cuda`` tests at the end run only where CuPy sees a GPU.
"""
import importlib.util
import io
import os
import sys

import numpy as np
import pytest

import ember
from ember._device import describe_mismatch, check_device_match

torch = pytest.importorskip("torch")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "core"))
from opinfo import OPS  # noqa: E402  (the shared registry of sample inputs per op)

MISMATCH = ("Expected all tensors to be on the same device, but found at least two devices, "
            "cuda:0 and cpu!")

real_cuda = importlib.util.find_spec("cupy") is not None and ember.cuda.is_available()
needs_gpu = pytest.mark.skipif(not real_cuda, reason="needs CuPy and a CUDA GPU")


# ---------------------------------------------------------------- device objects


DEVICE_SPECS = ["cpu", "cuda", "cuda:0", "cuda:1", "meta", ("cuda", 1), ("cpu", None), 0, 3]


@pytest.mark.parametrize("spec", DEVICE_SPECS, ids=str)
def test_device_object_prints_like_torch(spec):
    args = spec if isinstance(spec, tuple) else (spec,)
    e, t = ember.device(*args), torch.device(*args)
    assert repr(e) == repr(t)
    assert str(e) == str(t)
    assert (e.type, e.index) == (t.type, t.index)


def test_device_objects_compare_like_torch():
    names = ["cpu", "cuda", "cuda:0", "cuda:1"]
    for a in names:
        for b in names:
            assert (ember.device(a) == ember.device(b)) == (torch.device(a) == torch.device(b))
            if ember.device(a) == ember.device(b):
                assert hash(ember.device(a)) == hash(ember.device(b))
    assert ember.device(ember.device("cuda:1")) == ember.device("cuda", 1)


@pytest.mark.parametrize("bad", ["cuda:x", "cuda:-1", "gpu"])
def test_bad_device_strings_raise_like_torch(bad):
    with pytest.raises(RuntimeError) as t_err:
        torch.device(bad)
    with pytest.raises(RuntimeError) as e_err:
        ember.device(bad)
    # torch lists more device types in its message; start and end are the same
    e, t = str(e_err.value), str(t_err.value)
    assert e[:25] == t[:25] and e.split(":")[-1] == t.split(":")[-1]


def test_describe_mismatch_helper_for_layers():
    x, w = ember.zeros(1), ember.zeros(1)
    assert describe_mismatch("input", x, "the weight of Linear", w) is None
    assert describe_mismatch("input", "cpu", "the weight of Conv2d", "cuda") == \
        "input is on cpu but the weight of Conv2d is on cuda:0; move both with .to(device)"
    with pytest.raises(RuntimeError, match="input is on cuda:1 but the weight of Conv2d is on "
                                           "cpu; move both with .to\\(device\\)"):
        check_device_match("input", ember.device("cuda:1"), "the weight of Conv2d", w)


# ---------------------------------------------------------------- moving tensors


def test_move_both_ways_copies_values_and_memory(fake_cuda):
    a = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    x = ember.from_numpy(a)
    g = x.cuda()
    assert g.device == ember.device("cuda:0") and g.is_cuda and not g.is_cpu
    assert g.get_device() == 0 and x.get_device() == -1
    a[0, 0] = 100.0  # the GPU copy owns its memory
    assert g[0, 0].item() != 100.0
    back = g.cpu()
    assert back.device == ember.device("cpu") and type(back._data) is np.ndarray
    np.testing.assert_array_equal(back.numpy()[1:], a[1:])
    assert back.dtype == ember.float32


def test_to_returns_self_when_nothing_changes(fake_cuda):
    x = ember.ones(2)
    assert x.to("cpu") is x and x.cpu() is x
    g = x.to("cuda")
    assert g.to("cuda") is g and g.cuda() is g and g.to("cuda:0") is g
    assert g.to(ember.device("cuda", 0), ember.float32) is g
    c = g.to("cuda", copy=True)
    assert c is not g and ember.equal(c, g)


@pytest.mark.parametrize("form", ["positional", "keywords", "tensor", "method"])
def test_to_with_dtype_and_device(fake_cuda, form):
    x = ember.tensor([1.5, -2.25, 3.0])
    ref = torch.tensor([1.5, -2.25, 3.0]).to(torch.float64)
    if form == "positional":
        y = x.to("cuda", ember.float64)
    elif form == "keywords":
        y = x.to(device="cuda:0", dtype=ember.float64, non_blocking=True)
    elif form == "tensor":
        y = x.to(ember.zeros(1, dtype=ember.float64, device="cuda"))
    else:
        y = x.cuda().double()
    assert y.device == ember.device("cuda:0") and y.dtype == ember.float64
    np.testing.assert_array_equal(y.cpu().numpy(), ref.numpy())
    z = y.to("cpu", ember.int32)
    np.testing.assert_array_equal(z.numpy(), ref.to(torch.int32).numpy())


def test_move_to_second_gpu_and_back(fake_cuda):
    x = ember.arange(4.0)
    y = x.to("cuda:1")
    assert y.device == ember.device("cuda:1")
    z = y.to("cuda:0")
    assert z.device == ember.device("cuda:0")
    assert y.cuda(1) is y and x.cuda(1).device == ember.device("cuda:1")
    with ember.cuda.device(1):
        w = (y * 2).to(ember.float64)
        assert w.device == ember.device("cuda:1")
    np.testing.assert_array_equal(w.cpu().numpy(), np.arange(4.0) * 2)
    np.testing.assert_array_equal(z.cpu().numpy(), np.arange(4.0))


def test_gradient_flows_back_across_devices(fake_cuda):
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x.cuda() * x.cuda()).sum()
    assert y.device.type == "cuda"
    y.backward()
    assert x.grad.device == ember.device("cpu")
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
    g = ember.tensor([1.0, -1.0], device="cuda", requires_grad=True)
    (g.cpu() ** 3).sum().backward()
    assert g.grad.device.type == "cuda"
    np.testing.assert_allclose(g.grad.cpu().numpy(), [3.0, 3.0])


def test_numpy_of_cuda_tensor_raises_torch_text(fake_cuda):
    g = ember.ones(2, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. Use "
                                        "Tensor.cpu\\(\\) to copy the tensor to host memory "
                                        "first."):
        g.numpy()
    assert g.tolist() == [1.0, 1.0] and g.sum().item() == 2.0
    np.testing.assert_array_equal(np.asarray(g), [1.0, 1.0])


# ---------------------------------------------------------------- ops stay on the device


def _run_on(dev, op, arrays):
    args = []
    for i, a in enumerate(arrays):
        t = ember.from_numpy(np.array(a)).to(dev)
        if op.grad and i not in op.int_args and t.dtype.is_floating_point:
            t.requires_grad_(True)
        args.append(t)
    with ember.device(dev):  # factory calls inside the op lambdas follow the device
        out = op.fn(ember, *args)
    return args, out[0] if isinstance(out, (tuple, list)) else out


@pytest.mark.parametrize("op", OPS, ids=[o.name for o in OPS])
def test_registry_op_stays_on_device_and_matches_cpu(fake_cuda, op):
    for arrays in op.samples("float32"):
        c_args, c_out = _run_on("cpu", op, arrays)
        g_args, g_out = _run_on("cuda", op, arrays)
        assert g_out.device == ember.device("cuda:0"), op.name
        assert g_out.dtype == c_out.dtype
        np.testing.assert_allclose(g_out.detach().cpu().numpy(), c_out.detach().numpy(),
                                   rtol=1e-5, atol=1e-6, err_msg=op.name)
        if not (op.grad and c_out.requires_grad and c_out.numel()):
            continue
        cot = np.random.default_rng(1).standard_normal(tuple(c_out.shape)).astype(np.float32)
        c_out.backward(ember.from_numpy(cot))
        g_out.backward(ember.from_numpy(cot.copy()).cuda())
        for ca, ga in zip(c_args, g_args):
            if ca.grad is None:
                continue
            assert ga.grad.device == ember.device("cuda:0"), op.name
            np.testing.assert_allclose(ga.grad.cpu().numpy(), ca.grad.numpy(), rtol=1e-5,
                                       atol=1e-6, err_msg=op.name)


def test_indexing_and_nn_functions_stay_on_device(fake_cuda):
    import ember.nn.functional as F
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    img = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    idx = np.array([[0, 2], [1, 3], [4, 0], [2, 2]])
    cases = {
        "cat": lambda m: ember.cat([m(x), m(x)], 1),
        "where": lambda m: ember.where(m(x) > 0, m(x), 0.0),
        "gather": lambda m: ember.gather(m(x), 1, m(idx)),
        "scatter_add": lambda m: m(x).scatter_add(1, m(idx), m(x)[:, :2]),
        "index_select": lambda m: ember.index_select(m(x), 1, m(np.array([0, 3]))),
        "bool_index": lambda m: m(x)[m(x) > 0],
        "sort": lambda m: ember.sort(m(x), 1)[1],
        "topk": lambda m: ember.topk(m(x), 2).values,
        "unique": lambda m: ember.unique(m(np.array([3, 1, 3])), return_counts=True)[1],
        "cross_entropy": lambda m: F.cross_entropy(m(x), m(np.array([0, 1, 4, 2]))),
        "conv2d": lambda m: F.conv2d(m(img), m(w), padding=1, stride=2),
        "max_pool2d": lambda m: F.max_pool2d(m(img), 2),
        "softmax": lambda m: F.softmax(m(x), 1),
    }
    for name, fn in cases.items():
        c = fn(lambda a: ember.from_numpy(np.array(a)))
        g = fn(lambda a: ember.from_numpy(np.array(a)).cuda())
        assert g.device == ember.device("cuda:0"), name
        np.testing.assert_allclose(g.cpu().numpy(), c.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_inplace_ops_and_setitem_on_device(fake_cuda):
    g = ember.zeros(2, 3, device="cuda")
    g[0, 1:] = 5.0
    g[1] = ember.tensor([1.0, 2.0, 3.0])  # a cpu value is copied in, as torch's copy_
    g += 1
    g.mul_(2).clamp_(max=10.0)
    assert g.device.type == "cuda"
    np.testing.assert_array_equal(g.cpu().numpy(), [[2, 10, 10], [4, 6, 8]])
    h = ember.empty(2, device="cuda").copy_(ember.tensor([7.0, 8.0]))
    assert h.device.type == "cuda" and h.tolist() == [7.0, 8.0]
    cpu_dst = ember.zeros(2).copy_(h)
    assert cpu_dst.device.type == "cpu" and cpu_dst.tolist() == [7.0, 8.0]


def test_cpu_scalar_tensor_mixes_with_cuda_like_torch(fake_cuda):
    g = ember.tensor([1.0, 2.0], device="cuda")
    r = g * ember.tensor(3.0) + ember.tensor(1.0)
    assert r.device.type == "cuda" and r.tolist() == [4.0, 7.0]
    r2 = ember.tensor(2.0) - g
    assert r2.device.type == "cuda" and r2.tolist() == [1.0, 0.0]


def test_cuda_tensor_indexed_by_cpu_indices(fake_cuda):
    g = ember.arange(10.0, device="cuda")
    out = g[ember.tensor([1, 3])]
    assert out.device.type == "cuda" and out.tolist() == [1.0, 3.0]
    assert g[ember.tensor([True, False] * 5)].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    with pytest.raises(RuntimeError, match="indices should be either on cpu or on the same "
                                           "device as the indexed tensor \\(cpu\\)"):
        ember.arange(10.0)[ember.tensor([1, 3], device="cuda")]


# ---------------------------------------------------------------- device mismatch errors


MIXES = {
    "add": lambda g, c: g + c,
    "radd": lambda g, c: c + g,
    "mul_promoting": lambda g, c: g * c.double(),
    "eq": lambda g, c: g == c,
    "maximum": lambda g, c: ember.maximum(c, g),
    "matmul": lambda g, c: g @ c,
    "rmatmul": lambda g, c: c @ g,
    "mm": lambda g, c: ember.mm(c, g),
    "cat": lambda g, c: ember.cat([g, c]),
    "stack": lambda g, c: ember.stack([c, g]),
    "where_condition": lambda g, c: ember.where(c > 0, g, g),
    "where_values": lambda g, c: ember.where(g > 0, c, g),
    "gather": lambda g, c: ember.gather(g, 1, ember.zeros(3, 3, dtype=ember.int64)),
    "index_select": lambda g, c: ember.index_select(g, 0, ember.tensor([0, 1])),
    "scatter": lambda g, c: g.scatter(1, ember.zeros(3, 3, dtype=ember.int64), g),
    "index_add": lambda g, c: g.index_add(0, ember.tensor([0, 1, 2]), g),
    "masked_fill": lambda g, c: g.masked_fill(c > 0, 0.0),
    "masked_select": lambda g, c: g.masked_select(c > 0),
    "lerp": lambda g, c: ember.lerp(g, c, 0.5),
}


@pytest.mark.parametrize("name", list(MIXES))
def test_mixing_devices_raises_torch_error(fake_cuda, name):
    g = ember.randn(3, 3, device="cuda")
    c = ember.randn(3, 3)
    with pytest.raises(RuntimeError) as info:
        MIXES[name](g, c)
    # torch may append "(when checking argument ...)"; the sentence itself is identical
    assert str(info.value).startswith(MISMATCH)


def test_two_gpus_mismatch(fake_cuda):
    a = ember.ones(2, device="cuda:0")
    b = ember.ones(2, device="cuda:1")
    with pytest.raises(RuntimeError, match="found at least two devices, cuda:0 and cuda:1!"):
        a + b
    with pytest.raises(RuntimeError, match="found at least two devices, cuda:0 and cuda:1!"):
        ember.cat([b, a])


# ---------------------------------------------------------------- creation with device=


CREATORS = {
    "zeros": lambda d: ember.zeros(2, 3, device=d),
    "ones": lambda d: ember.ones((2,), device=d),
    "empty": lambda d: ember.empty(2, device=d),
    "full": lambda d: ember.full((2, 2), 1.5, device=d),
    "arange": lambda d: ember.arange(5, device=d),
    "linspace": lambda d: ember.linspace(0, 1, 5, device=d),
    "logspace": lambda d: ember.logspace(0, 1, 3, device=d),
    "eye": lambda d: ember.eye(3, device=d),
    "tensor": lambda d: ember.tensor([[1, 2]], device=d),
    "as_tensor": lambda d: ember.as_tensor(np.arange(3.0), device=d),
    "rand": lambda d: ember.rand(2, device=d),
    "randn": lambda d: ember.randn(2, 2, device=d),
    "randint": lambda d: ember.randint(0, 5, (3,), device=d),
    "randperm": lambda d: ember.randperm(4, device=d),
    "normal": lambda d: ember.normal(0.0, 1.0, size=(2,), device=d),
    "tril_indices": lambda d: ember.tril_indices(3, 3, device=d),
}


@pytest.mark.parametrize("name", list(CREATORS))
def test_creation_functions_place_on_device(fake_cuda, name):
    for dev, want in (("cuda", "cuda:0"), (ember.device("cuda", 0), "cuda:0")):
        assert str(CREATORS[name](dev).device) == want, (name, dev)
    # ops on a GPU other than the current one need it selected (see docs/cuda.md)
    with ember.cuda.device(1):
        assert str(CREATORS[name]("cuda:1").device) == "cuda:1"
        assert str(CREATORS[name]("cuda").device) == "cuda:1"
    c = CREATORS[name]("cpu")
    g = CREATORS[name]("cuda")
    assert g.dtype == c.dtype and g.shape == c.shape
    if name not in ("empty", "rand", "randn", "randint", "randperm", "normal"):
        np.testing.assert_array_equal(g.cpu().numpy(), c.numpy())


def test_like_and_new_functions_follow_the_source_device(fake_cuda):
    g = ember.ones(2, 2, device="cuda:1")
    for t in (ember.zeros_like(g), ember.ones_like(g), ember.full_like(g, 2.0),
              ember.rand_like(g), ember.randn_like(g), g.new_zeros(3), g.new_ones(1),
              g.new_full((2,), 3.0), g.new_tensor([1.0]), g.new_empty(2)):
        assert t.device == ember.device("cuda:1")
    assert ember.zeros_like(g, device="cpu").device.type == "cpu"


def test_default_device_context(fake_cuda):
    with ember.device("cuda"):
        t = ember.zeros(2)
        r = ember.randn(2)
    assert t.device.type == "cuda" and r.device.type == "cuda"
    assert ember.zeros(2).device.type == "cpu"


# ---------------------------------------------------------------- printing


def _with_device(torch_cpu_repr, dev="cuda:0"):
    """torch's repr of the same tensor on ``dev``: the device goes before dtype/grad flags."""
    for key in (", dtype=", ", requires_grad=", ", grad_fn="):
        if key in torch_cpu_repr:
            i = torch_cpu_repr.index(key)
            return torch_cpu_repr[:i] + f", device='{dev}'" + torch_cpu_repr[i:]
    return torch_cpu_repr[:-1] + f", device='{dev}')"


REPR_CASES = {
    "float": lambda m, **k: m.tensor([1.0, 2.5], **k),
    "int32": lambda m, **k: m.tensor([1, 2], dtype=m.int32, **k),
    "grad": lambda m, **k: m.ones(2, requires_grad=True, **k),
    "scalar": lambda m, **k: m.tensor(3.0, **k),
    "empty": lambda m, **k: m.zeros(0, **k),
    "float64_2d": lambda m, **k: m.tensor([[1.0, -2.0], [3.5, 4.0]], dtype=m.float64, **k),
}


@pytest.mark.parametrize("name", list(REPR_CASES))
def test_repr_shows_device_like_torch(fake_cuda, name):
    make = REPR_CASES[name]
    assert repr(make(ember, device="cuda")) == _with_device(repr(make(torch)))
    with ember.cuda.device(1):
        assert repr(make(ember, device="cuda:1")) == _with_device(repr(make(torch)), "cuda:1")


def test_repr_of_computed_cuda_tensor(fake_cuda):
    x = ember.ones(2, device="cuda", requires_grad=True)
    t = torch.ones(2, requires_grad=True)
    assert repr(x * 2) == _with_device(repr(t * 2))


# ---------------------------------------------------------------- pinned memory


def test_pin_memory_with_cuda(fake_cuda):
    x = ember.arange(6.0).reshape(2, 3)
    assert x.is_pinned() is False
    p = x.pin_memory()
    assert p is not x and p.is_pinned() is True and p.device.type == "cpu"
    assert ember.equal(p, x) and p.dtype == x.dtype and p.shape == x.shape
    assert p.pin_memory() is p
    assert p[1].is_pinned() is True  # views of pinned memory are pinned
    assert x.is_pinned() is False
    g = p.cuda(non_blocking=True)
    assert g.device.type == "cuda" and ember.equal(g.cpu(), x)
    with pytest.raises(RuntimeError, match="only dense CPU tensors can be pinned"):
        g.pin_memory()
    assert g.is_pinned() is False
    for dt in (ember.int64, ember.bool, ember.float16, ember.bfloat16):
        q = ember.ones(3, dtype=dt).pin_memory()
        assert q.is_pinned() and q.dtype == dt and q.tolist() == ember.ones(3, dtype=dt).tolist()
    e = ember.zeros(0).pin_memory()
    assert e.numel() == 0


def test_dataloader_pin_memory_pins_batches(fake_cuda):
    import warnings
    from ember.utils.data import DataLoader, TensorDataset
    ds = TensorDataset(ember.arange(10.0).reshape(5, 2), ember.arange(5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches = list(DataLoader(ds, batch_size=2, pin_memory=True))
    assert len(batches) == 3
    for xb, yb in batches:
        assert xb.is_pinned() and yb.is_pinned()
    assert batches[0][0].tolist() == [[0.0, 1.0], [2.0, 3.0]]
    unpinned = next(iter(DataLoader(ds, batch_size=2)))
    assert not unpinned[0].is_pinned()


# ---------------------------------------------------------------- checkpoints, modules, optim


def test_checkpoint_round_trip_keeps_devices(fake_cuda):
    sd = {"w": ember.randn(2, 3, device="cuda"), "b": ember.ones(3), "i": ember.tensor(
        [1, 2], device="cuda:1")}
    buf = io.BytesIO()
    ember.save(sd, buf)
    buf.seek(0)
    back = ember.load(buf)
    assert str(back["w"].device) == "cuda:0" and str(back["i"].device) == "cuda:1"
    assert back["b"].device.type == "cpu"
    assert ember.equal(back["w"].cpu(), sd["w"].cpu())
    buf.seek(0)
    on_cpu = ember.load(buf, map_location="cpu")
    assert all(v.device.type == "cpu" for v in on_cpu.values())
    buf.seek(0)
    remapped = ember.load(buf, map_location={"cuda:1": "cuda:0"})
    assert str(remapped["i"].device) == "cuda:0"


def test_module_moves_and_trains_on_gpu(fake_cuda):
    import ember.nn as nn
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    ref = [p.detach().clone() for p in model.parameters()]
    model.cuda()
    assert all(p.device.type == "cuda" for p in model.parameters())
    opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = ember.randn(6, 4, device="cuda")
    y = ember.randint(0, 3, (6,), device="cuda")
    for _ in range(2):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    assert loss.device.type == "cuda"
    assert all(p.device.type == "cuda" and p.grad.device.type == "cuda"
               for p in model.parameters())
    assert any(not ember.equal(p.cpu(), r) for p, r in zip(model.parameters(), ref))
    model.cpu()
    assert all(p.device.type == "cpu" for p in model.parameters())
    model.to("cuda:0", ember.float64)
    assert all(p.device.type == "cuda" and p.dtype == ember.float64
               for p in model.parameters())
    model.to(ember.device("cpu"))
    with pytest.raises(RuntimeError, match="input is on cuda:0 but the weight of Linear is on cpu; move both"):
        model(ember.randn(2, 4, dtype=ember.float64, device="cuda"))


# ---------------------------------------------------------------- a real GPU


SAMPLE_OPS = {
    "add": (lambda m, a, b: m.add(a, b), lambda a, b: a + b),
    "mul": (lambda m, a, b: m.mul(a, b), lambda a, b: a * b),
    "matmul": (lambda m, a, b: m.matmul(a, b.T), lambda a, b: a @ b.T),
    "exp": (lambda m, a, b: m.exp(a), lambda a, b: np.exp(a)),
    "tanh": (lambda m, a, b: m.tanh(a), lambda a, b: np.tanh(a)),
    "sum": (lambda m, a, b: m.sum(a, 1), lambda a, b: a.sum(1)),
    "max": (lambda m, a, b: m.amax(a, 0), lambda a, b: a.max(0)),
    "softmax": (lambda m, a, b: m.softmax(a, 1),
                lambda a, b: np.exp(a) / np.exp(a).sum(1, keepdims=True)),
    "where": (lambda m, a, b: m.where(a > 0, a, b), lambda a, b: np.where(a > 0, a, b)),
    "cat": (lambda m, a, b: m.cat([a, b], 0), lambda a, b: np.concatenate([a, b], 0)),
}


@needs_gpu
@pytest.mark.parametrize("device", ["cpu", "cuda"])
@pytest.mark.parametrize("name", list(SAMPLE_OPS))
def test_real_gpu_ops_match_numpy(device, name):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 5)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    fn, ref = SAMPLE_OPS[name]
    out = fn(ember, ember.tensor(a, device=device), ember.tensor(b, device=device))
    assert out.device.type == device
    np.testing.assert_allclose(out.cpu().numpy(), ref(a, b), rtol=1e-5, atol=1e-5)


@needs_gpu
def test_real_gpu_backward_and_moves():
    x = ember.randn(8, 3, device="cuda", requires_grad=True)
    w = ember.randn(3, 2, device="cuda", requires_grad=True)
    loss = (x @ w).relu().sum()
    loss.backward()
    assert x.grad.device.type == "cuda" and w.grad.device.type == "cuda"
    xc, wc = x.detach().cpu().requires_grad_(), w.detach().cpu().requires_grad_()
    (xc @ wc).relu().sum().backward()
    np.testing.assert_allclose(w.grad.cpu().numpy(), wc.grad.numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        x + xc
    p = ember.ones(4).pin_memory()
    assert p.is_pinned()
    assert ember.cuda.memory_allocated() > 0
    assert ember.cuda.max_memory_allocated() >= ember.cuda.memory_allocated()
    assert isinstance(ember.version.cuda, str)


def test_losses_and_embedding_check_devices(fake_cuda):
    import ember.nn.functional as F
    logits = ember.randn(4, 3)
    target = ember.tensor([0, 1, 2, 0]).cuda()
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        F.cross_entropy(logits, target)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        F.embedding(ember.tensor([0, 1]).cuda(), ember.randn(3, 2))


def test_linear_says_plainly_which_is_where(fake_cuda):
    lin = ember.nn.Linear(3, 2).cuda()
    with pytest.raises(RuntimeError, match=r"^input is on cpu but the weight of Linear is on "
                                           r"cuda:0; move both with \.to\(device\)$"):
        lin(ember.randn(4, 3))
