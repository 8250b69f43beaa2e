"""Several GPUs in one process: ops, backward and optimizer steps on ``cuda:1`` tensors run
without ``with ember.cuda.device(1)``, as in torch (CuPy itself computes on the current GPU
only; ember makes the operands' GPU current). Runs on the NumPy-backed stand-in with two
fake GPUs, which refuses arrays from a GPU other than the current one, as CuPy does."""
import numpy as np
import pytest

import ember
from ember import nn


def _train(device_a, device_b, steps=3, opt_cls=ember.optim.SGD, **opt_kw):
    ember.manual_seed(0)
    first = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.0)).to(device_a)
    second = nn.Sequential(nn.Linear(8, 3), nn.LogSoftmax(1)).to(device_b)
    params = list(first.parameters()) + list(second.parameters())
    opt = opt_cls(params, **opt_kw)
    x = ember.arange(20, dtype=ember.float32).reshape(5, 4).div(20).to(device_a)
    y = ember.tensor([0, 1, 2, 0, 1]).to(device_b)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out = second(first(x).to(device_b))
        loss = nn.functional.nll_loss(out, y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, [p.detach().cpu().numpy() for p in params], params


def test_model_on_second_gpu_trains_like_cpu(fake_cuda):
    ref, ref_params, _ = _train("cpu", "cpu", opt_cls=ember.optim.Adam, lr=0.01)
    got, got_params, params = _train("cuda:1", "cuda:1", opt_cls=ember.optim.Adam, lr=0.01)
    assert ember.cuda.current_device() == 0
    assert all(p.device == ember.device("cuda:1") for p in params)
    assert all(p.grad.device == ember.device("cuda:1") for p in params)
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    for a, b in zip(got_params, ref_params):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_model_parallel_over_two_gpus_trains_like_cpu(fake_cuda):
    ref, ref_params, _ = _train("cpu", "cpu", lr=0.1, momentum=0.9)
    got, got_params, params = _train("cuda:0", "cuda:1", lr=0.1, momentum=0.9)
    assert [p.device.index for p in params] == [0, 0, 1, 1]
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    for a, b in zip(got_params, ref_params):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_ops_and_factories_on_second_gpu(fake_cuda):
    a = ember.ones(3, device="cuda:1", requires_grad=True)
    b = ember.cat([a, a * 2]).sum()
    b.backward()
    assert b.device == ember.device("cuda:1") and b.item() == 9.0
    assert a.grad.device == ember.device("cuda:1")
    np.testing.assert_array_equal(a.grad.cpu().numpy(), [3.0, 3.0, 3.0])
    z = ember.zeros_like(a)
    assert z.device == ember.device("cuda:1")


def test_closure_with_parameters_on_two_gpus_is_a_clear_error(fake_cuda):
    p0 = nn.Parameter(ember.ones(2, device="cuda:0"))
    p1 = nn.Parameter(ember.ones(2, device="cuda:1"))
    opt = ember.optim.SGD([p0, p1], lr=0.1)

    def closure():
        return (p0.sum() + p1.sum().to("cuda:0"))

    with pytest.raises(RuntimeError, match="several GPUs"):
        opt.step(closure)


def test_mixing_gpus_in_one_op_still_names_both_devices(fake_cuda):
    a = ember.ones(2, device="cuda:0")
    b = ember.ones(2, device="cuda:1")
    with pytest.raises(RuntimeError, match="cuda:0 and cuda:1|cuda:1 and cuda:0"):
        a + b
