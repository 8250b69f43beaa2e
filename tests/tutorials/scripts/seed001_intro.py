# Seed 001 (pytorch 的使用), 一、前言: dir/help, and a first TensorBoard image.
# The code is the tutorial's. Test substitutions (marked "[test]"): the interactive-mode
# expressions dir(...) are printed; `img` ("a tensor image", left to the reader) is defined.
import torch
print(dir(torch))
print(dir(torch.zeros))
help(torch.zeros.__call__)

from torch.utils.tensorboard import SummaryWriter

img = torch.rand(3, 32, 32)  # [test] "img 是一个 tensor 的图像数据"

writer = SummaryWriter("logs")
# img 是一个 tensor 的图像数据
writer.add_image("Normalize", img, 0)
writer.close()
