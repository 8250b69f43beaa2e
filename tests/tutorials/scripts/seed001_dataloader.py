# Seed 001 (pytorch 的使用), 三、数据准备: DataLoader over CIFAR10 with images to TensorBoard.
# The code is the tutorial's. Test substitutions (marked "[test]"): the CIFAR-10 files under
# ./dataset are small generated batches in the official format (checksums registered first).
import tutorial_support; tutorial_support.accept_generated_cifar10("./dataset")  # [test]
#dataloader
import torchvision
from torch.utils.data import DataLoader
from torch.utils.tensorboard import SummaryWriter

test_data = torchvision.datasets.CIFAR10("./dataset", train=False, transform=torchvision.transforms.ToTensor())

# batch_size 每次取出的数据量，shuffle 每次取出时是否重组，num_workers 取数据的线程数，drop_last 剩余数据小于 batch_size 时是否舍去
test_loader = DataLoader(dataset=test_data, batch_size=64, shuffle=True, num_workers=0, drop_last=True)

writer = SummaryWriter("dataloader")
for epoch in range(2):
    step = 0
    for data in test_loader:
        imgs, targets = data
        writer.add_images("Epoch: {}".format(epoch), imgs, step)
        step = step + 1

writer.close()

print("steps per epoch:", step, "last batch:", imgs.shape, targets.shape, targets.dtype)  # [test]
