# Seed 003 (Python中的PyTorch库), "torch.nn": a two-layer classifier with log_softmax + NLLLoss,
# batches from a DataLoader over a list of (x, y) pairs.
# The code is the tutorial's, unchanged.
import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data as data

# 定义神经网络类
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        x = self.fc1(x)
        x = nn.functional.relu(x)
        x = self.fc2(x)
        return nn.functional.log_softmax(x, dim=1)

# 准备数据
x_train = torch.randn(100, 10)
y_train = torch.randint(0, 2, (100,))

# 定义模型、优化器和损失函数
model = Net()
optimizer = optim.SGD(model.parameters(), lr=0.1)
criterion = nn.NLLLoss()

# 训练模型
for epoch in range(100):
    running_loss = 0.0

    # 使用DataLoader加载数据批次
    for x_batch, y_batch in data.DataLoader(list(zip(x_train, y_train)), batch_size=10, shuffle=True):
        optimizer.zero_grad()
        y_pred = model(x_batch)
        loss = criterion(y_pred, y_batch)
        loss.backward()
        optimizer.step()
        
        running_loss += loss.item()

    print(f"Epoch {epoch}: Loss = {running_loss}")
