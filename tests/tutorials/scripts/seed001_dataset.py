# Seed 001 (pytorch 的使用), 三、数据准备: torchvision.datasets.CIFAR10 + TensorBoard.
# The code is the tutorial's. Test substitutions (marked "[test]"): the CIFAR-10 files under
# ./dataset are small generated batches in the official format, so download=False and their
# checksums are registered first (tutorial_support).
import tutorial_support; tutorial_support.accept_generated_cifar10("./dataset")  # [test]
# dataset
import torchvision
from torch.utils.tensorboard import SummaryWriter

dataset_transform = torchvision.transforms.Compose([
    torchvision.transforms.ToTensor()
])

# root 根目录，transform 转换为指定格式，download 如果本地没有数据集是否自动下载
train_set = torchvision.datasets.CIFAR10(root='./dataset', train=True, transform=dataset_transform, download=False)  # [test] download=True in the text
test_set = torchvision.datasets.CIFAR10(root='./dataset', train=False, transform=dataset_transform, download=False)  # [test] download=True in the text

writer = SummaryWriter("dataset")

for i in range(10):
    img, target = test_set[i]
    writer.add_image("test_set", img, i)

writer.close()

# [test] what the datasets hold
print(len(train_set), len(test_set), test_set.classes)
img, target = test_set[0]
print(img.shape, img.dtype, type(target).__name__, test_set.classes[target])
print(train_set)
