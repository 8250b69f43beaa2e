"""The programs of the seed tutorials (../shared/seeds/000..004), run through the torch-alias
runner: ``python -m ember run scripts/<script>.py`` in a directory holding small generated
datasets in the real formats (tutorial_datagen.py).

Each script is the tutorial's code; what a script changes (data paths, download=False, epochs,
pretrained weights) is listed in its header and marked ``[test]``. Every script also runs
under real torch 2.14.1 + torchvision 0.29.1 (checked by hand, not here).

For each script this checks what the tutorial shows: it finishes, losses fall, accuracy rises
above chance on the learnable data, saved models reload with equal outputs (and real torch
reads the checkpoints), TensorBoard event files appear with the logged tags, and printed
reprs/tensors are torch's (computed here with real torch on the same inputs).
"""
import ast
import os
import re
import shutil
import subprocess
import sys

import pytest

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(HERE, "scripts")
sys.path.insert(0, HERE)

import tutorial_datagen  # noqa: E402

try:
    import tensorboard  # noqa: F401
    HAS_TB = True
except ImportError:
    HAS_TB = False


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(scope="session")
def tutorial_data_dir(tmp_path_factory):
    """All generated datasets, built once per test worker."""
    return tutorial_datagen.build_all(str(tmp_path_factory.mktemp("tutorial_data")))


def run_script(name, cwd, timeout=240):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONWARNINGS"] = "ignore"
    # the suite runs two workers on two cores: one BLAS thread per script avoids
    # oversubscription (busy-waiting BLAS threads slow small-batch training several-fold)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return subprocess.run([sys.executable, "-m", "ember", "run", os.path.join(SCRIPTS, name)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def floats(pattern, text):
    """The numbers matched by ``pattern``'s group (or groups, flattened) in ``text``."""
    found = re.findall(pattern, text)
    return [float(v) for m in found for v in (m if isinstance(m, tuple) else (m,))]


def event_files(directory):
    return [os.path.join(d, f) for d, _, fs in os.walk(directory) for f in fs
            if f.startswith("events.out.tfevents.")]


def tb_log(directory):
    """(image tags -> steps, scalar tags -> [(step, value)]) read by TensorBoard itself."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    files = event_files(directory)
    assert files, f"no TensorBoard event file under {directory}"
    images, scalars = {}, {}
    for f in files:
        ea = EventAccumulator(f, size_guidance={"images": 0, "scalars": 0})
        ea.Reload()
        for tag in ea.Tags()["images"]:
            images.setdefault(tag, []).extend(e.step for e in ea.Images(tag))
        for tag in ea.Tags()["scalars"]:
            scalars.setdefault(tag, []).extend((e.step, e.value) for e in ea.Scalars(tag))
    return images, scalars


def torch_module_repr(script, class_name, *args, namespace=None):
    """repr() of ``class_name`` defined in ``script``, built with real torch (on 'meta')."""
    import torch

    tree = ast.parse(open(os.path.join(SCRIPTS, script), encoding="utf-8").read())
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    ns = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    ns.update({k: getattr(torch.nn, k) for k in ("Conv2d", "MaxPool2d", "Linear", "Dropout",
                                                 "Sequential", "ReLU")})
    ns.update(namespace or {})
    exec(compile(ast.Module(body=classes, type_ignores=[]), script, "exec"), ns)
    with torch.device("meta"):
        return repr(ns[class_name](*args))


def torch_load_state_dict(path):
    """A checkpoint ember wrote, read by real torch (weights_only): {name: numpy array}."""
    import torch

    sd = torch.load(path, weights_only=True)
    return {k: v.numpy() for k, v in sd.items()}


def assert_state_dict_matches(path, ember_sd):
    import numpy as np

    ours = {k: v.numpy() for k, v in ember_sd.items()}
    theirs = torch_load_state_dict(path)
    assert list(theirs) == list(ours)
    for k in ours:
        np.testing.assert_array_equal(theirs[k], ours[k])


# ----------------------------------------------------------------------------- checks per script
def check_seed000_environment(out, cwd):
    assert out.count(ember.__version__) == 2
    assert f"torch.cuda.is_available() =  {ember.cuda.is_available()}" in out
    assert f"torch.cuda.device_count() =  {ember.cuda.device_count()}" in out
    assert "reproducible: True" in out


def check_seed000_example(out, cwd):
    import torch

    losses = floats(r"Loss: ([0-9.]+)", out)
    assert len(losses) == 6 and losses[-1] < 0.7 * losses[0], out
    m = re.search(r"Accuracy: (\d+)/200 \((\d+)%\)", out)
    assert m and int(m.group(1)) >= 100, out  # chance is 10 %
    assert "reloaded model gives equal outputs: True" in out
    opt = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.001)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)
    for _ in range(3):
        opt.step()
        sched.step()
    assert f"lr after the loop: {sched.get_last_lr()}" in out
    assert "Linear(in_features=512, out_features=2, bias=True)" in out
    assert "trainable: ['fc.weight', 'fc.bias']" in out
    sd = ember.load(os.path.join(cwd, "model.pth"))
    assert_state_dict_matches(os.path.join(cwd, "model.pth"), sd)
    if HAS_TB:
        _, scalars = tb_log(os.path.join(cwd, "runs"))
        assert [s for s, _ in scalars["Loss/train"]] == [0, 1, 2]
        assert scalars["Accuracy/train"][0][1] == pytest.approx(100.0 * int(m.group(1)) / 200)


def check_seed001_intro(out, cwd):
    listed = ast.literal_eval(out.splitlines()[0])
    for name in ("tensor", "zeros", "Tensor", "nn", "optim", "cuda", "utils", "save", "load",
                 "no_grad", "float32"):
        assert name in listed, f"dir(torch) lacks {name!r}"
    assert "'__call__'" in out.splitlines()[1]
    assert "Help on method-wrapper" in out and "__call__(*args, **kwargs)" in out
    if HAS_TB:
        images, _ = tb_log(os.path.join(cwd, "logs"))
        assert images == {"Normalize": [0]}


def check_seed001_transforms(out, cwd):
    from PIL import Image
    import torchvision.transforms as T

    img = Image.open(os.path.join(cwd, "dataset/train/ants_image/0013035.jpg"))
    t = T.ToTensor()(img)
    assert f"img: JpegImageFile {img.size} RGB" in out
    assert f"img_tensor: {t.shape} torch.float32 True True" in out
    assert f"img_norm: {t.shape} True" in out
    assert f"img_resize: {T.ToTensor()(T.Resize((512, 512))(img)).shape}" in out
    assert f"img_resize_2: {T.ToTensor()(T.Resize(512)(img)).shape}" in out
    if HAS_TB:
        images, _ = tb_log(os.path.join(cwd, "logs"))
        assert images == {"ToTensor": [0], "Normalize": [0], "Resize": [0, 1]}


def _torchvision_cifar10(root, monkeypatch, **kw):
    import torchvision
    sys.path.insert(0, SCRIPTS)
    try:
        import tutorial_support
    finally:
        sys.path.remove(SCRIPTS)
    cls = torchvision.datasets.CIFAR10
    for attr in ("train_list", "test_list", "meta"):
        monkeypatch.setattr(cls, attr, getattr(cls, attr))  # restored after the test
    tutorial_support.accept_generated_cifar10(root)
    return cls(root, **kw)


def check_seed001_dataset(out, cwd, monkeypatch):
    import torchvision

    root = os.path.join(cwd, "dataset")
    train = _torchvision_cifar10(root, monkeypatch, train=True,
                                 transform=torchvision.transforms.Compose([torchvision.transforms.ToTensor()]))
    test = _torchvision_cifar10(root, monkeypatch, train=False)
    assert f"{len(train)} {len(test)} {test.classes}" in out
    assert f"torch.Size([3, 32, 32]) torch.float32 int {test.classes[test[0][1]]}" in out
    assert repr(train).replace(root, "./dataset") in out
    if HAS_TB:
        images, _ = tb_log(root)
        assert images == {"test_set": list(range(10))}


def check_seed001_dataloader(out, cwd):
    assert "steps per epoch: 2 last batch: torch.Size([64, 3, 32, 32]) torch.Size([64]) torch.int64" in out
    if HAS_TB:
        images, _ = tb_log(os.path.join(cwd, "dataloader"))
        assert images == {"Epoch: 0": [0, 1], "Epoch: 1": [0, 1]}


def _check_simplecnn_forward(out, cwd, script):
    assert torch_module_repr(script, "SimpleCNN", 4096) in out
    # the text's view(-1, 64*8*8) of a 64x3x8x8 batch gives 3 rows -> 4 images of 3x32x32
    assert "steps: 2 output: torch.Size([4, 3, 32, 32]) True" in out
    if HAS_TB:
        images, _ = tb_log(os.path.join(cwd, "logs"))
        assert images == {"input": [0, 1], "output": [0, 1]}


def check_seed001_model(out, cwd):
    _check_simplecnn_forward(out, cwd, "seed001_model.py")


def check_seed001_model_sequential(out, cwd):
    _check_simplecnn_forward(out, cwd, "seed001_model_sequential.py")


def check_seed001_train(out, cwd):
    running = floats(r"tensor\(([0-9.]+), grad_fn=<AddBackward0>\)", out)
    assert len(running) == 10 and running[-1] < 0.8 * running[0], out
    assert "state_dict reload equal: True" in out
    assert "whole-model reload equal: True SimpleCNN" in out
    acc = floats(r"Test Accuracy: ([0-9.]+)%", out)
    assert acc and acc[0] > 25.0, out  # chance is 10 %
    device = "cuda" if ember.cuda.is_available() else "cpu"
    assert f"{device} cuda:0 cuda:1" in out  # device reprs, as torch prints them
    assert "SimpleCNN cpu" in out
    path = os.path.join(cwd, "simplecnn.pth")
    assert_state_dict_matches(path, ember.load(path))


def check_seed001_vgg16(out, cwd):
    import torch
    import torchvision

    with torch.device("meta"):
        true, false = torchvision.models.vgg16(weights=None), torchvision.models.vgg16(weights=None)
        false.add_module("new", torch.nn.Linear(in_features=1000, out_features=10, bias=True))
        false.classifier.add_module("7", torch.nn.Linear(in_features=1000, out_features=1000, bias=True))
        false.features[1] = torch.nn.Conv2d(3, 32, kernel_size=3, padding=1)
    assert out == f"{true!r}\n{true!r}\n{false!r}\n"


def check_seed002_basics(out, cwd):
    import torch

    lines = out.splitlines()
    listed = ast.literal_eval(lines[0])
    for name in ("tensor", "nn", "cuda", "optim", "reshape", "save", "load"):
        assert name in listed, f"dir(torch) lacks {name!r}"
    cuda_listed = ast.literal_eval(lines[1])
    for name in ("is_available", "device_count", "current_device", "manual_seed_all", "device"):
        assert name in cuda_listed, f"dir(torch.cuda) lacks {name!r}"
    assert "__call__" in ast.literal_eval(lines[2])
    assert "Help on function is_available in module" in out and "\nNone\n" in out
    a = torch.tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]])
    assert f"a的shape: {a.shape}\nb: {torch.reshape(a, (4, 3, 1))}\nb的shape: torch.Size([4, 3, 1])\n" in out
    outputs = torch.tensor([[0.1, 0.2], [0.3, 0.4]])
    preds = outputs.argmax(1)
    assert f"{outputs.argmax(1)!s}\n{outputs.argmax(0)!s}\n{(preds == torch.tensor([0, 1])).sum()!s}\n" in out
    assert "True True\nFalse False\n" in out
    device = "cuda:0" if ember.cuda.is_available() else "cpu"
    assert f"{ember.cuda.is_available()}\n{device}\n" in out
    losses = floats(r"loss ([0-9.]+)", out)
    assert len(losses) == 4 and losses[-1] < 0.05 and losses[-1] < losses[0]
    w, b = floats(r"weight (-?[0-9.]+) bias (-?[0-9.]+)", out)
    assert abs(w - 3) < 0.1 and abs(b + 1) < 0.1
    assert "time > 0: True" in out


def check_seed002_utils(out, cwd):
    import torch

    assert "Dropout(p=0.5, inplace=False)" in out
    assert "<All keys matched successfully>" in out
    m = torch.nn.Linear(2, 3)
    torch.nn.init.normal_(m.state_dict()["weight"], mean=7.0, std=0.0)
    assert f"OrderedDict([('weight', {m.weight.data}), ('bias', tensor([" in out
    assert "bias in [5, 6): True" in out
    opt = torch.optim.SGD(torch.nn.Linear(2, 3).parameters(), lr=100.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    expected = ["100.0"]
    for i in range(10):
        opt.step()
        sched.step()
        expected.append(f"{i} {opt.param_groups[-1]['lr']}")
    assert "\n".join(expected) in out
    text = torch.arange(2 * 2 * 5).reshape(2, 2, 5).float()
    image = torch.arange(2 * 1 * 5 * 5).reshape(2, 1, 5, 5).float()
    ln = torch.nn.LayerNorm(normalized_shape=5, elementwise_affine=False)(text)
    bn = torch.nn.BatchNorm2d(num_features=1, affine=False)(image)
    assert f"{ln}\n{bn}\n" in out
    path = os.path.join(cwd, "temp.model")
    assert_state_dict_matches(path, ember.load(path))


def check_seed003_autograd(out, cwd):
    m = re.fullmatch(r"OrderedDict\(\[\('weight', tensor\(\[\[(-?[0-9.]+)\]\]\)\), "
                     r"\('bias', tensor\(\[(-?[0-9.]+)\]\)\)\]\)\n", out)
    assert m, out
    # w and b start in U(-1, 1) (w + b > -2); x = 1 gives both the same gradient, so 100 Adam
    # steps of nearly lr = 0.01 each move w + b up by nearly 2, towards (not past) 3
    w, b = float(m.group(1)), float(m.group(2))
    assert -0.5 < w + b <= 3.05


def check_seed003_nn_module(out, cwd):
    losses = floats(r"Epoch \d+: Loss = ([0-9.]+)", out)
    assert len(losses) == 100
    assert sum(losses[-10:]) < sum(losses[:10])


def check_seed003_data(out, cwd):
    assert out == "torch.Size([10, 10]) torch.Size([10])\n" * 10


def check_seed003_lstm(out, cwd):
    losses = floats(r"Epoch \d+, Loss ([0-9.e-]+)", out)
    assert len(losses) == 100 and losses[-1] < losses[0] and losses[-1] < 0.05, out
    true, pred = floats(r"True value: (-?[0-9.e-]+), Predicted value: (-?[0-9.e-]+)", out)
    assert abs(true - pred) < 0.5
    assert torch_module_repr("seed003_lstm.py", "LSTMNet", 1, 2, 1, 1) in out


def check_seed003_transfer(out, cwd):
    rows = re.findall(r"^(train|val) Loss: ([0-9.]+) Acc: ([0-9.]+)$", out, re.M)
    assert [r[0] for r in rows] == ["train", "val"] * 2, out
    assert all(0.0 <= float(r[2]) <= 1.0 for r in rows)
    assert re.search(r"^Accuracy of the network on the test images: \d+ %$", out, re.M)
    assert re.search(r"^预测结果： [01]$", out, re.M)


def check_seed004_fashionmnist_quickstart(out, cwd):
    assert out.startswith("Shape of X [N, C, H, W]: torch.Size([64, 1, 28, 28])\n"
                          "Shape of y: torch.Size([64]) torch.int64\n")
    model_repr = torch_module_repr("seed004_fashionmnist_quickstart.py", "NeuralNetwork")
    assert f"\n{model_repr}\nEpoch 1\n" in out
    # the repr the tutorial prints
    assert "(flatten): Flatten(start_dim=1, end_dim=-1)" in model_repr
    assert len(re.findall(r"^loss: [0-9.]+  \[   64/ 6000\]$", out, re.M)) == 5, out
    acc = floats(r"Accuracy: ([0-9.]+)%", out)
    avg = floats(r"Avg loss: ([0-9.]+)", out)
    assert len(acc) == 5 and acc[-1] > acc[0] and acc[-1] >= 40.0, out  # chance is 10 %
    assert all(b < a for a, b in zip(avg, avg[1:])), out
    assert out.endswith("Done!\n")


CHECKS = {name[len("check_"):]: fn for name, fn in dict(globals()).items() if name.startswith("check_")}

# scripts that import torch.utils.tensorboard: like torch, ember needs the tensorboard package
TB_SCRIPTS = {"seed000_example", "seed001_intro", "seed001_transforms", "seed001_dataset",
              "seed001_dataloader", "seed001_model", "seed001_model_sequential"}


def test_tutorial_every_script_has_a_check():
    scripts = sorted(f[:-3] for f in os.listdir(SCRIPTS) if f.startswith("seed") and f.endswith(".py"))
    assert scripts == sorted(CHECKS)
    uses_tb = {s for s in scripts if "tensorboard" in open(os.path.join(SCRIPTS, s + ".py"), encoding="utf-8").read()}
    assert uses_tb == TB_SCRIPTS


@pytest.mark.parametrize("script", sorted(CHECKS))
def test_tutorial_script(script, tutorial_data_dir, tmp_path, monkeypatch):
    pytest.importorskip("PIL")
    pytest.importorskip("torch")
    pytest.importorskip("torchvision")
    if script in TB_SCRIPTS and not HAS_TB:
        pytest.skip("the script logs to TensorBoard: needs the tensorboard extra")
    cwd = tmp_path / "work"
    shutil.copytree(tutorial_data_dir, cwd)
    r = run_script(script + ".py", cwd)
    assert r.returncode == 0, f"{script} failed:\n{r.stdout[-3000:]}\n{r.stderr[-5000:]}"
    check = CHECKS[script]
    if "monkeypatch" in check.__code__.co_varnames[:check.__code__.co_argcount]:
        check(r.stdout, str(cwd), monkeypatch)
    else:
        check(r.stdout, str(cwd))


@pytest.mark.parametrize("item", [4, 0.5, True, None, "ab", [0.5], [[1.0], [2.0]], (2, 3)])
def test_tutorial_seed003_series_items_like_torch(item):
    """Seed 003's TimeSeries returns torch.Tensor(x), torch.Tensor(y) for items of its series:
    an int is a *size* (the text's int series gives uninitialised targets), a lone float/bool/
    None/str is a TypeError, lists are data -- as in torch (why the script uses [v] items)."""
    torch = pytest.importorskip("torch")
    try:
        expected = torch.Tensor(item)
    except TypeError as e:
        with pytest.raises(TypeError, match=re.escape(str(e))):
            ember.Tensor(item)
        return
    got = ember.Tensor(item)
    assert tuple(got.shape) == tuple(expected.shape) and got.dtype == ember.float32
    if not isinstance(item, int):
        assert got.tolist() == expected.tolist()
