# Seed 003 (Python中的PyTorch库), "Autograd": fit y = wx + b at x = 1 to 3.0 with Adam + MSELoss.
# The code is the tutorial's, unchanged.
import torch

x = torch.tensor([1.0], requires_grad=True) # 定义一个张量x并打开requires_grad
model = torch.nn.Linear(1, 1) # 定义一个线性模型，y = wx + b
optimizer = torch.optim.Adam(model.parameters(), lr=0.01) # 定义优化器
criterion = torch.nn.MSELoss() # 定义损失函数，均方误差

for i in range(100):
    optimizer.zero_grad() # 梯度清零
    output = model(x) # 计算模型的输出
    loss = criterion(output, torch.tensor([3.0])) # 计算损失
    loss.backward() # 反向传播，计算梯度
    optimizer.step() # 更新参数
print(model.state_dict()) # 输出优化后的参数值
