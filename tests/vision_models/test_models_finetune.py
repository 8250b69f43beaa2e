"""Transfer learning as the tutorials write it: freeze a resnet18, replace ``fc``, fine-tune the
new head on a tiny generated ImageFolder; and the docstring examples of the package."""
import doctest
import importlib

import numpy as np
import pytest

import ember
from ember import nn
from ember.vision import models

Image = pytest.importorskip("PIL.Image")


def _make_image_folder(root, per_class=6, side=32):
    rs = np.random.RandomState(0)
    for label, (r, g, b) in {"ants": (200, 60, 40), "bees": (40, 80, 210)}.items():
        d = root / label
        d.mkdir(parents=True)
        for i in range(per_class):
            arr = np.empty((side, side, 3), dtype=np.float64)
            arr[...] = (r, g, b)
            arr += rs.randn(side, side, 3) * 30
            Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(d / f"img{i}.png")
    return root


def test_finetune_resnet18_head_on_image_folder(tmp_path):
    from ember.utils.data import DataLoader
    from ember.vision import datasets, transforms

    root = _make_image_folder(tmp_path / "train")
    tf = transforms.Compose([transforms.ToTensor(),
                             transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    data = datasets.ImageFolder(str(root), tf)
    assert data.classes == ["ants", "bees"] and len(data) == 12
    loader = DataLoader(data, batch_size=6, shuffle=True)

    ember.manual_seed(0)
    model = models.resnet18()
    for param in model.parameters():
        param.requires_grad = False
    num_features = model.fc.in_features
    model.fc = nn.Linear(num_features, 2)
    backbone_before = {n: p.detach().numpy().copy() for n, p in model.named_parameters() if not n.startswith("fc.")}
    fc_before = {n: p.detach().numpy().copy() for n, p in model.fc.named_parameters()}

    buffers_before = {n: b.numpy().copy() for n, b in model.named_buffers()}

    criterion = nn.CrossEntropyLoss()
    optimizer = ember.optim.Adam(model.fc.parameters(), lr=0.01)
    epoch_losses = []
    # the frozen backbone is a fixed feature extractor: eval mode keeps its BatchNorm statistics
    # (batches of 4 would make train-mode features jump from batch to batch)
    model.eval()
    for _ in range(5):
        total = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * inputs.size(0)
        epoch_losses.append(total / len(data))
    assert epoch_losses[-1] < 0.5 * epoch_losses[0], epoch_losses

    for n, p in model.named_parameters():
        if n.startswith("fc."):
            assert p.requires_grad and p.grad is not None
            assert not np.array_equal(p.detach().numpy(), fc_before[n[3:]])
        else:
            assert not p.requires_grad and p.grad is None
            np.testing.assert_array_equal(p.detach().numpy(), backbone_before[n])
    for n, b in model.named_buffers():
        np.testing.assert_array_equal(b.numpy(), buffers_before[n])

    correct = 0
    with ember.no_grad():
        for inputs, labels in DataLoader(data, batch_size=12):
            _, predicted = ember.max(model(inputs).data, 1)
            correct += (predicted == labels).sum().item()
    assert correct >= 10


_DOCTEST_MODULES = ["_api", "_utils", "_layers", "_presets", "_meta", "resnet", "densenet", "squeezenet",
                    "mobilenetv2", "mobilenetv3", "mobilenet", "shufflenetv2", "efficientnet", "googlenet",
                    "vision_transformer", "alexnet", "vgg"]


@pytest.mark.parametrize("mod", _DOCTEST_MODULES)
def test_docstring_examples_run(mod):
    module = importlib.import_module(f"ember.vision.models.{mod}")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module, module.__name__, globs=dict(vars(module), ember=ember))
             if t.examples]
    assert tests, f"{module.__name__} has no examples"
    for t in tests:
        ember.manual_seed(0)
        runner.run(t)
    assert runner.summarize(verbose=False).failed == 0
