# Seed 001 (pytorch 的使用), 六、模型训练: torchvision's VGG16 and modifying its structure.
# The code is the tutorial's. Test substitution (marked "[test]"): weights='DEFAULT' downloads
# the ImageNet weights, so vgg16_true is built with weights=None too (same architecture, so
# the printed structure is the same).
import torchvision
from torch import nn

vgg16_true = torchvision.models.vgg16(weights=None)  # [test] weights='DEFAULT' in the text
vgg16_false = torchvision.models.vgg16(weights=None)

print(vgg16_true)
print(vgg16_false)

# 修改模型结构
vgg16_false.add_module('new', nn.Linear(in_features=1000, out_features=10, bias=True))
vgg16_false.classifier.add_module('7', nn.Linear(in_features=1000, out_features=1000, bias=True))
vgg16_false.features[1] = nn.Conv2d(3, 32, kernel_size=3, padding=1)
print(vgg16_false)
