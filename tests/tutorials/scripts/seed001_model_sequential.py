# Seed 001 (pytorch 的使用), 四、模型定义: the same CNN in the Sequential style.
# The code is the tutorial's. Test substitutions (marked "[test]"): the CIFAR-10 files under
# ./data are small generated batches in the official format, so download=False (checksums
# registered first).
import tutorial_support; tutorial_support.accept_generated_cifar10("./data")  # [test]
import torch
import torch.nn as nn
import torchvision
from torch.nn import Conv2d, MaxPool2d, Linear, Dropout, Sequential, ReLU
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

dataset = torchvision.datasets.CIFAR10(root='./data', train=False, download=False, transform=torchvision.transforms.ToTensor())  # [test] download=True in the text

dataloader = DataLoader(dataset, batch_size=64, drop_last=True)

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=4096):
        super(SimpleCNN, self).__init__()
        self.features = Sequential(
            Conv2d(3, 32, kernel_size=3, padding=1),
            ReLU(),
            MaxPool2d(2, 2),

            Conv2d(32, 64, kernel_size=3, padding=1),
            ReLU(),
            MaxPool2d(2, 2),

            Conv2d(64, 3, kernel_size=3, padding=1),
            ReLU(),
        )

        self.classifier = Sequential(
            Linear(64 * 8 * 8, 128 * 32),
            ReLU(),
            Dropout(0.5),
            Linear(128 * 32, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        x = x.view(-1, 64 * 8 * 8)
        x = self.classifier(x)
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
