# Official recipes "Zeroing out gradients in PyTorch" (recipes/recipes/zeroing_out_gradients.py),
# "Changing default device" (recipes/recipes/changing_default_device.py), the "Reproducibility"
# notes (notes/randomness.rst) and "How to use TensorBoard with PyTorch"
# (recipes/recipes/tensorboard_with_pytorch.py) with the SummaryWriter calls of the
# "Visualizing Models, Data, and Training with TensorBoard" tutorial. The code is the
# recipes'. Test substitutions (marked "[test]"): CIFAR10 -> 8 generated 3x32x32 images,
# 2 epochs of 4 batches; the first run (real torch) saves the initial weights and the data to
# ``recipes_init.pt``, the second (ember) loads them; 'cuda' lines guarded; SummaryWriter
# writes into ./runs (the test's tmp dir); [test] prints.
import os  # [test]
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision

INIT = "recipes_init.pt"  # [test]
FIRST = not os.path.exists(INIT)

# ---------------------------------------------------------------- zeroing out gradients
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
if FIRST:  # [test] the data and weights of the torch run, in both runs
    images = torch.rand(8, 3, 32, 32) * 2 - 1
    labels = torch.randint(0, 10, (8,))
    torch.save({"net": net.state_dict(), "images": images, "labels": labels}, INIT)
else:
    saved = torch.load(INIT)
    net.load_state_dict(saved["net"])
    images, labels = saved["images"], saved["labels"]
trainloader = [(images[i:i + 2], labels[i:i + 2]) for i in range(0, 8, 2)]  # [test]

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

for epoch in range(2):  # loop over the dataset multiple times
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels_ = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels_)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 2 == 1:  # [test] every 2000 mini-batches -> 2
            print('[%d, %5d] loss: %.5f' % (epoch + 1, i + 1, running_loss / 2))
            running_loss = 0.0
print('Finished Training')
print("grad after zero_grad:", [p.grad for p in net.parameters()][:1] == [None])  # [test]
optimizer.zero_grad(set_to_none=False)  # [test] the other variant: zero tensors
print("zeros:", all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in net.parameters()))
net.zero_grad()
print("module zero_grad:", all(p.grad is None for p in net.parameters()))

# ---------------------------------------------------------------- changing default device
if torch.cuda.is_available():  # [test] guarded, as the recipe's device is "cuda"
    torch.set_default_device('cuda')
    print(torch.tensor([1.2, 3]).device)
torch.set_default_device('cpu')
print(torch.tensor([1.2, 3]).device)
torch.set_default_device(None)
with torch.device('cpu'):
    mod = torch.nn.Linear(20, 30)
    print(mod.weight.device)
    print(mod(torch.randn(128, 20)).device)
print("default device:", torch.get_default_device())  # [test]
dev_t = torch.device("cpu")  # [test]
print("device:", dev_t, dev_t.type, dev_t.index, torch.device("cpu", 0) == torch.device("cpu:0"))

# ---------------------------------------------------------------- reproducibility
torch.manual_seed(0)
random.seed(0)
np.random.seed(0)
a = torch.rand(3)  # [test]
torch.manual_seed(0)
print("same after manual_seed:", torch.equal(a, torch.rand(3)))
torch.backends.cudnn.benchmark = False
torch.use_deterministic_algorithms(True)
print("deterministic:", torch.are_deterministic_algorithms_enabled(),
      torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(False)
torch.backends.cudnn.deterministic = True
print("cudnn:", torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)


def seed_worker(worker_id):
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


g = torch.Generator()
g.manual_seed(0)
train_dataset = torch.utils.data.TensorDataset(torch.arange(10.0))  # [test]
runs = []
for _ in range(2):  # [test] the same generator seed gives the same shuffled order
    g.manual_seed(0)
    DataLoader = torch.utils.data.DataLoader
    train_loader = DataLoader(
        train_dataset,
        batch_size=4,  # [test] batch_size
        num_workers=0,  # [test] num_workers: 2 subprocesses in a test
        worker_init_fn=seed_worker,
        generator=g,
        shuffle=True,  # [test]
    )
    runs.append([b[0].tolist() for b in train_loader])
print("loader reproducible:", runs[0] == runs[1], sorted(sum(runs[0], [])) == list(range(10)))

# ---------------------------------------------------------------- TensorBoard
from torch.utils.tensorboard import SummaryWriter
writer = SummaryWriter()

x = torch.arange(-5, 5, 0.1).view(-1, 1)
y = -5 * x + 0.1 * torch.linspace(-1, 1, 100).view(-1, 1)  # [test] torch.randn -> linspace
model = torch.nn.Linear(1, 1)
with torch.no_grad():  # [test] the same start
    model.weight.fill_(0.5)
    model.bias.fill_(-0.2)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)


def train_model(iter):
    for epoch in range(iter):
        y1 = model(x)
        loss = criterion(y1, y)
        writer.add_scalar("Loss/train", loss, epoch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()  # [test]


print("tb final loss: %.5f" % train_model(10))
writer.flush()
img_grid = torchvision.utils.make_grid(images[:4] / 2 + 0.5)  # [test] the tutorial's grid
print("grid:", tuple(img_grid.shape))
writer.add_image('four_fashion_mnist_images', img_grid)
writer.add_graph(net, images[:2])
writer.add_histogram("fc3.weight", net.fc3.weight, 0)
features = images.view(-1, 3 * 32 * 32)
writer.add_embedding(features, metadata=[str(int(v)) for v in labels], label_img=images)
probs = F.softmax(net(images), dim=1)
writer.add_pr_curve("class 0", labels == 0, probs[:, 0], global_step=0)
writer.close()
files = sorted(f for d, _, fs in os.walk(writer.log_dir) for f in fs)  # [test]
print("log_dir:", os.path.dirname(writer.log_dir))
print("tb files:", any(f.startswith("events.out.tfevents") for f in files),
      "projector_config.pbtxt" in files, "tensors.tsv" in files, "metadata.tsv" in files,
      "sprite.png" in files)
