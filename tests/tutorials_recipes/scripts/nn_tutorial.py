# Official tutorial "What is torch.nn really?" (beginner_source/nn_tutorial.py): MNIST from
# scratch, refactored step by step into nn.Module, nn.Linear, optim, Dataset, DataLoader,
# fit()/loss_batch(), a CNN with a Lambda layer, nn.Sequential, WrappedDataLoader and
# AdaptiveAvgPool2d. The code is the tutorial's. Test substitutions (marked "[test]"):
#   * MNIST (downloaded from the network) -> a small generated "mnist.pkl.gz" of the same
#     format (gzip'd pickle of ((x_train, y_train), (x_valid, y_valid), _) float32 numpy
#     arrays of 784 pixels and int64 labels): 256 train / 128 valid images whose label is
#     which of ten pixel blocks is brightest, so it can be learnt in a few steps;
#   * matplotlib's imshow left out; epochs 2 -> 1 where marked, n = 50000 -> 256;
#   * the first run (real torch) saves each model's random initial weights to
#     ``nn_tut_init.pt``, the second run (ember) loads them;
#   * device "cuda" -> the CPU (the tutorial picks it with torch.cuda.is_available()).
import os  # [test]
from pathlib import Path
# import requests  # [test] the tutorial downloads MNIST with it; not needed on generated data
import pickle
import gzip
import math

import numpy as np
import torch

DATA_PATH = Path("data")
PATH = DATA_PATH / "mnist"

PATH.mkdir(parents=True, exist_ok=True)

FILENAME = "mnist.pkl.gz"

if not (PATH / FILENAME).exists():  # [test] generated instead of downloaded
    rs = np.random.RandomState(0)

    def make(n):
        y = rs.randint(0, 10, n).astype(np.int64)
        x = rs.rand(n, 784).astype(np.float32) * 0.3
        for i, lab in enumerate(y):
            x[i, lab * 78:(lab + 1) * 78] += 0.7
        return x, y
    with gzip.open((PATH / FILENAME).as_posix(), "wb") as f:
        pickle.dump((make(256), make(128), make(8)), f)

with gzip.open((PATH / FILENAME).as_posix(), "rb") as f:
    ((x_train, y_train), (x_valid, y_valid), _) = pickle.load(f, encoding="latin-1")

print(x_train.shape)

x_train, y_train, x_valid, y_valid = map(
    torch.tensor, (x_train, y_train, x_valid, y_valid)
)
n, c = x_train.shape
print(x_train, y_train)
print(x_train.shape)
print(y_train.min(), y_train.max())

INIT = "nn_tut_init.pt"  # [test] the same initial weights in both runs
_saved = torch.load(INIT) if os.path.exists(INIT) else {}
_new = {}


def same_init(name, model):  # [test]
    if name in _saved:
        model.load_state_dict(_saved[name])
    else:
        _new[name] = {k: v.clone() for k, v in model.state_dict().items()}
    return model


# Neural net from scratch (without torch.nn)
weights = torch.randn(784, 10) / math.sqrt(784)
if "scratch_w" in _saved:  # [test]
    weights = _saved["scratch_w"]
else:
    _new["scratch_w"] = weights.clone()
weights.requires_grad_()
bias = torch.zeros(10, requires_grad=True)


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


bs = 64  # batch size

xb = x_train[0:bs]  # a mini-batch from x
preds = model(xb)  # predictions
preds[0], preds.shape
print(preds[0], preds.shape)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


loss_func = nll

yb = y_train[0:bs]
print(loss_func(preds, yb))


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


print(accuracy(preds, yb))

lr = 0.5  # learning rate
epochs = 2  # how many epochs to train for

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

print(loss_func(model(xb), yb), accuracy(model(xb), yb))

# Using torch.nn.functional
import torch.nn.functional as F

loss_func = F.cross_entropy


def model(xb):
    return xb @ weights + bias


print(loss_func(model(xb), yb), accuracy(model(xb), yb))

# Refactor using nn.Module
from torch import nn


class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(784, 10) / math.sqrt(784))
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, xb):
        return xb @ self.weights + self.bias


model = same_init("logistic", Mnist_Logistic())  # [test] same_init
print(loss_func(model(xb), yb))


def fit():
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)

            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p -= p.grad * lr
                model.zero_grad()


fit()
print(loss_func(model(xb), yb))


# Refactor using nn.Linear
class Mnist_Logistic(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(784, 10)

    def forward(self, xb):
        return self.lin(xb)


model = same_init("linear", Mnist_Logistic())  # [test] same_init
print(loss_func(model(xb), yb))
fit()
print(loss_func(model(xb), yb))

# Refactor using torch.optim
from torch import optim


def get_model():
    model = Mnist_Logistic()
    return model, optim.SGD(model.parameters(), lr=lr)


model, opt = get_model()
same_init("optim", model)  # [test]
print(loss_func(model(xb), yb))

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

# Refactor using Dataset
from torch.utils.data import TensorDataset

train_ds = TensorDataset(x_train, y_train)

model, opt = get_model()
same_init("dataset", model)  # [test]

for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        xb, yb = train_ds[i * bs: i * bs + bs]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

# Refactor using DataLoader
from torch.utils.data import DataLoader

train_ds = TensorDataset(x_train, y_train)
train_dl = DataLoader(train_ds, batch_size=bs)

model, opt = get_model()
same_init("dataloader", model)  # [test]

for epoch in range(epochs):
    for xb, yb in train_dl:
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

print(loss_func(model(xb), yb))

# Add validation
train_ds = TensorDataset(x_train, y_train)
train_dl = DataLoader(train_ds, batch_size=bs, shuffle=True)

valid_ds = TensorDataset(x_valid, y_valid)
valid_dl = DataLoader(valid_ds, batch_size=bs * 2)

model, opt = get_model()
same_init("valid", model)  # [test]
for epoch in range(epochs):
    model.train()
    for xb, yb in train_dl:
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

    model.eval()
    with torch.no_grad():
        valid_loss = sum(loss_func(model(xb), yb) for xb, yb in valid_dl)

    print("valid", epoch, valid_loss / len(valid_dl))  # [test] "valid" label


# Create fit() and get_data()
def loss_batch(model, loss_func, xb, yb, opt=None):
    loss = loss_func(model(xb), yb)

    if opt is not None:
        loss.backward()
        opt.step()
        opt.zero_grad()

    return loss.item(), len(xb)


def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
    for epoch in range(epochs):
        model.train()
        for xb, yb in train_dl:
            loss_batch(model, loss_func, xb, yb, opt)

        model.eval()
        with torch.no_grad():
            losses, nums = zip(
                *[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl]
            )
        val_loss = np.sum(np.multiply(losses, nums)) / np.sum(nums)

        print("fit", epoch, val_loss)  # [test] "fit" label


def get_data(train_ds, valid_ds, bs):
    return (
        DataLoader(train_ds, batch_size=bs, shuffle=True),
        DataLoader(valid_ds, batch_size=bs * 2),
    )


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
model, opt = get_model()
same_init("fit", model)  # [test]
fit(epochs, model, loss_func, opt, train_dl, valid_dl)

# numpy on tensors, as the tutorial's loss_batch relies on when .item() is left out  [test]
_l = [loss_func(model(xb), yb).detach() for xb, yb in valid_dl]
print("np on tensors:", np.sum(np.multiply(_l, [len(xb) for xb, _ in valid_dl])) / np.sum([128]))


# Switch to CNN
class Mnist_CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1)

    def forward(self, xb):
        xb = xb.view(-1, 1, 28, 28)
        xb = F.relu(self.conv1(xb))
        xb = F.relu(self.conv2(xb))
        xb = F.relu(self.conv3(xb))
        xb = F.avg_pool2d(xb, 4)
        return xb.view(-1, xb.size(1))


lr = 0.1
model = same_init("cnn", Mnist_CNN())  # [test] same_init
opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
with torch.no_grad():  # [test]
    print("cnn initial valid loss:", loss_func(model(x_valid), y_valid).item())
fit(epochs, model, loss_func, opt, train_dl, valid_dl)


# Using nn.Sequential
class Lambda(nn.Module):
    def __init__(self, func):
        super().__init__()
        self.func = func

    def forward(self, x):
        return self.func(x)


def preprocess(x):
    return x.view(-1, 1, 28, 28)


model = nn.Sequential(
    Lambda(preprocess),
    nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.AvgPool2d(4),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
same_init("seq", model)  # [test]
print(model)  # [test]

opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
with torch.no_grad():  # [test]
    print("seq initial valid loss:", loss_func(model(x_valid), y_valid).item())
fit(epochs, model, loss_func, opt, train_dl, valid_dl)


# Wrapping DataLoader
def preprocess(x, y):
    return x.view(-1, 1, 28, 28), y


class WrappedDataLoader:
    def __init__(self, dl, func):
        self.dl = dl
        self.func = func

    def __len__(self):
        return len(self.dl)

    def __iter__(self):
        for b in self.dl:
            yield (self.func(*b))


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
train_dl = WrappedDataLoader(train_dl, preprocess)
valid_dl = WrappedDataLoader(valid_dl, preprocess)

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    Lambda(lambda x: x.view(x.size(0), -1)),
)
same_init("wrapped", model)  # [test]

opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
with torch.no_grad():  # [test]
    print("wrapped initial valid loss:", loss_func(model(x_valid.view(-1, 1, 28, 28)), y_valid).item())
fit(epochs, model, loss_func, opt, train_dl, valid_dl)

# Using your GPU
print(torch.cuda.is_available())
dev = torch.device(
    "cuda") if torch.cuda.is_available() else torch.device("cpu")
dev = torch.device("cpu")  # [test] the same device in both runs


def preprocess(x, y):
    return x.view(-1, 1, 28, 28).to(dev), y.to(dev)


train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
train_dl = WrappedDataLoader(train_dl, preprocess)
valid_dl = WrappedDataLoader(valid_dl, preprocess)
model.to(dev)
opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
fit(1, model, loss_func, opt, train_dl, valid_dl)  # [test] epochs -> 1

if _new:  # [test]
    torch.save(_new, INIT)
