# Seed 000 (ML | PyTorch): the environment checks -- version, CUDA queries, reproducibility.
# The code is the tutorial's. Test substitutions (marked "[test]"): the GPU-only queries
# (current_device, get_device_name, cudnn.version) raise on a machine without a GPU in torch too,
# so they run under `if torch.cuda.is_available():`; `import numpy as np`, which the text uses
# without importing, is added.
import torch

print(torch.__version__)
print("torch.cuda.is_available() = ", torch.cuda.is_available())
print("torch.cuda.device_count() = ", torch.cuda.device_count())
if torch.cuda.is_available():  # [test] guard: these need a GPU
    print("torch.cuda.current_device() =", torch.cuda.current_device())
    print("torch.cuda.device(0) = ", torch.cuda.device(0))
    print("torch.cuda.get_device_name(0) = ", torch.cuda.get_device_name(0))

# 导⼊包和版本查询
import torch 
import torch.nn as nn 
import torchvision 
import numpy as np  # [test] used below but not imported in the text

print(torch.__version__) 
print(torch.version.cuda) 
if torch.cuda.is_available():  # [test] guard: these need a GPU
    print(torch.backends.cudnn.version()) 
    print(torch.cuda.get_device_name(0))


# 可复现性在硬件设备（CPU、GPU）不同时，完全的可复现性⽆法保证，即使随机种⼦相同。但是，在同⼀个设备上，应该保证可复现性。具体做法是，在程序开始的时候固定torch的随机种⼦，同时也把numpy的随机种⼦固定。

np.random.seed(0) 
torch.manual_seed(0) 
torch.cuda.manual_seed_all(0) 
torch.backends.cudnn.deterministic = True 
torch.backends.cudnn.benchmark = False

# [test] what the seeding buys: the same draws after re-seeding
a = torch.rand(3)
torch.manual_seed(0)
print("reproducible:", torch.equal(a, torch.rand(3)))
