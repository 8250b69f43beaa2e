# Seed 003 (Python中的PyTorch库), "时间序列预测": an LSTM predicting the next value of a series,
# trained with Adam + MSELoss.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * the series: the text's `data = [1, 2, ..., 10]` makes torch.Tensor(x) 1-D and
#     torch.Tensor(y) an *uninitialised* tensor of size y, which the LSTM (input_size=1,
#     batch_first) cannot take -- in real torch too. Each step is therefore a one-feature list
#     [v] of a sine-like series (so x is (sequence_length, 1) and y is (1,)), and the test
#     series continues it.
import math  # [test]
import torch
from torch.utils.data import Dataset, DataLoader

# 准备数据
class TimeSeries(Dataset):
    def __init__(self, data):
        self.data = data
        
    def __len__(self):
        return len(self.data) - sequence_length

    def __getitem__(self, idx):
        x = self.data[idx:idx+sequence_length]
        y = self.data[idx+sequence_length]
        return torch.Tensor(x), torch.Tensor(y)

# 创建数据集
data = [[math.sin(0.6 * t)] for t in range(24)]  # [test] [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] in the text
sequence_length = 3
dataset = TimeSeries(data)
dataloader = DataLoader(dataset, batch_size=1)

# 定义网络结构
class LSTMNet(torch.nn.Module):
    def __init__(self, input_size, hidden_size, num_layers, output_size):
        super(LSTMNet, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = torch.nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_size, output_size)
        
    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        out = self.fc(out[:, -1, :])
        return out

# 定义损失函数和优化器
input_size = 1
hidden_size = 2
num_layers = 1
output_size = 1
epochs = 100
lr = 0.01
net = LSTMNet(input_size, hidden_size, num_layers, output_size)
criterion = torch.nn.MSELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=lr)

# 训练网络
for epoch in range(epochs):
    for i, (x, y) in enumerate(dataloader):
        optimizer.zero_grad()
        output = net(x)
        loss = criterion(output, y)
        loss.backward()
        optimizer.step()
    print(f'Epoch {epoch+1}, Loss {loss.item()}')
    
# 测试网络与预测结果
test_data = [[math.sin(0.6 * t)] for t in range(24, 28)]  # [test] [11, 12, 13, 14] in the text
test_dataset = TimeSeries(test_data)
x_test, y_test = test_dataset[0]
net.eval()
with torch.no_grad():
    prediction = net(x_test.unsqueeze(0))
    print(f'True value: {y_test.item()}, Predicted value: {prediction.item()}')
print(net)  # [test]
