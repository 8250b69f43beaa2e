# Seed 001 (pytorch 的使用), 四、模型定义: a CNN subclassing nn.Module, its outputs to TensorBoard.
# The code is the tutorial's. Test substitutions (marked "[test]"): the CIFAR-10 files under
# ./data are small generated batches in the official format, so download=False (checksums
# registered first).
import tutorial_support; tutorial_support.accept_generated_cifar10("./data")  # [test]
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

dataset = torchvision.datasets.CIFAR10(root='./data', train=False, download=False, transform=torchvision.transforms.ToTensor())  # [test] download=True in the text

dataloader = DataLoader(dataset, batch_size=64, drop_last=True)

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=4096):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(64, 3, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(64 * 8 * 8, 128 * 32)  # 假设输入 32x32
        self.fc2 = nn.Linear(128 * 32, num_classes)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = F.relu(self.conv3(x))
        x = x.view(-1, 64 * 8 * 8)  # 展平
        x = F.relu(self.fc1(x))
        x = self.dropout(x)
        x = self.fc2(x)
        return x

# 创建模型实例
net = SimpleCNN(num_classes=4096)

writer = SummaryWriter(log_dir='./logs')

step = 0
for data in dataloader:
    imgs, targets = data
    output = net(imgs)
    writer.add_images("input", imgs, step)
    output = torch.reshape(output, (-1, 3, 32, 32))
    writer.add_images("output", output, step)
    step = step + 1

writer.close()

print(net)  # [test]
print("steps:", step, "output:", output.shape, output.grad_fn is not None)  # [test]
