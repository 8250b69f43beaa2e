"""The benchmark workloads. Each ``make(m)`` builds state with module ``m`` (ember or torch)
and returns the step to time. Written once against the shared torch API.
"""
from .run import workload


@workload("tiny_ops", repeat=100)
def tiny_ops(m):
    """200 tiny autograd ops (100 x ``y * 1.0001 + 0.0001``) plus backward."""
    x = m.ones(10, requires_grad=True)

    def step():
        y = x
        for _ in range(100):
            y = y * 1.0001 + 0.0001
        y.sum().backward()
    return step


@workload("mlp_step", repeat=100)
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


class _FakeImages:
    """A map-style dataset of 32x32 RGB PIL images (made once), for DataLoader throughput."""

    def __init__(self, n=512, transform=None):
        import numpy as np
        from PIL import Image
        rng = np.random.default_rng(0)
        self.images = [Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))
                       for _ in range(n)]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), i % 10


def _loader_step(m, num_workers):
    vision = __import__("torchvision" if m.__name__ == "torch" else "ember.vision",
                        fromlist=["transforms"])
    T = vision.transforms
    tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
                    T.Normalize((0.49, 0.48, 0.45), (0.25, 0.24, 0.26))])
    loader = m.utils.data.DataLoader(_FakeImages(transform=tf), batch_size=64, shuffle=True,
                                     num_workers=num_workers,
                                     persistent_workers=num_workers > 0)

    def step():  # one epoch of 512 images
        for _ in loader:
            pass
    return step


@workload("dataloader_512img_0workers", repeat=5, warmup=1)
def dataloader_0(m):
    """DataLoader epoch (512 CIFAR-size images, crop+flip+ToTensor+Normalize), in-process."""
    return _loader_step(m, 0)


@workload("dataloader_512img_2workers", repeat=5, warmup=1)
def dataloader_2(m):
    """The same epoch with 2 worker processes."""
    return _loader_step(m, 2)


def _checkpoint(m, load):
    import io
    m.manual_seed(0)
    state = {f"layer{i}.weight": m.randn(512, 512) for i in range(16)}  # 16 MB float32
    buf = io.BytesIO()
    m.save(state, buf)
    data = buf.getvalue()

    def save_step():
        m.save(state, io.BytesIO())

    def load_step():
        m.load(io.BytesIO(data), weights_only=True)
    return load_step if load else save_step


@workload("checkpoint_save_16MB", repeat=10)
def checkpoint_save(m):
    """``save`` of a 16 MB state dict to memory."""
    return _checkpoint(m, False)


@workload("checkpoint_load_16MB", repeat=10)
def checkpoint_load(m):
    """``load`` of a 16 MB state dict from memory."""
    return _checkpoint(m, True)


@workload("resnet18_fwd_bwd", repeat=5)
def resnet18_fwd_bwd(m):
    """torchvision's ResNet-18 (random weights, train mode): forward + backward, batch 8, 3x224x224."""
    vision = __import__("torchvision" if m.__name__ == "torch" else "ember.vision", fromlist=["models"])
    m.manual_seed(0)
    model = vision.models.resnet18()
    x = m.randn(8, 3, 224, 224)
    y = m.randint(0, 1000, (8,))
    loss_fn = m.nn.CrossEntropyLoss()

    def step():
        model.zero_grad()
        loss_fn(model(x), y).backward()
    return step


from . import numpy_floor  # noqa: E402,F401  (registers lstm_step)
