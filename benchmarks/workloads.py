"""The benchmark workloads. Each ``make(m)`` builds state with module ``m`` (ember or torch)
and returns the step to time. Written once against the shared torch API.
"""
from .run import workload


@workload("tiny_ops", repeat=30)
def tiny_ops(m):
    """200 tiny autograd ops (100 x ``y * 1.0001 + 0.0001``) plus backward."""
    x = m.ones(10, requires_grad=True)

    def step():
        y = x
        for _ in range(100):
            y = y * 1.0001 + 0.0001
        y.sum().backward()
    return step


@workload("mlp_step", repeat=30)
def mlp_step(m):
    """Seed-004 MLP training step: 784-512-512-10, batch 64, ReLU, CrossEntropy, SGD."""
    nn = m.nn
    m.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                          nn.ReLU(), nn.Linear(512, 10))
    opt = m.optim.SGD(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = m.randn(64, 1, 28, 28)
    y = m.randint(0, 10, (64,))

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


@workload("simplecnn_step", repeat=10)
def simplecnn_step(m):
    """Seed-001 SimpleCNN training step: batch 64, 3x32x32, SGD."""
    nn = m.nn
    m.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))
    opt = m.optim.SGD(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    x = m.randn(64, 3, 32, 32)
    y = m.randint(0, 10, (64,))

    def step():
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step
