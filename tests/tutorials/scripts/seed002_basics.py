# Seed 002 (pytorch学习): the toolbox (dir/help), reshape, accuracy by argmax, train/eval, and
# training on a device.
# The code is the tutorial's. Test substitutions (marked "[test]"): notebook-style expressions
# are printed; the model `lucien`, `Net` and the (input, label) batch that the text takes from
# its notebooks are defined here (a small nn.Linear regression trained through a DataLoader).
import torch
torch.cuda.is_available()

print(dir(torch))
print(dir(torch.cuda))
print(dir(torch.cuda.is_available))

print(help(torch.cuda.is_available))

import torch
a=torch.tensor([[[1,2,3],[4,5,6]],
                [[7,8,9],[10,11,12]]])
print("a的shape:",a.shape)
b=torch.reshape(a,((4,3,1)))
print("b:",b)
print("b的shape:",b.shape)

import torch

outputs = torch.tensor([[0.1, 0.2],
                        [0.3, 0.4]])
# 横向行最大
print(outputs.argmax(1))
# 纵向列最大
print(outputs.argmax(0))
preds = outputs.argmax(1)
targets = torch.tensor([0, 1])
print((preds == targets).sum())

lucien = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))  # [test]
lucien.train() 
print(lucien.training, lucien[1].training)  # [test]
lucien.eval()
print(lucien.training, lucien[1].training)  # [test]

import time
start_time = time.time()

device = torch.device("cpu")
device = torch.device("cuda:0") #0为第一张显卡
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

import torch
print(torch.cuda.is_available())

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
print(device)


# [test] the notebook's network and data: y = 3x - 1 + noise, learned by nn.Linear
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x)

x = torch.linspace(-1, 1, 64).unsqueeze(1)
y = 3 * x - 1 + 0.05 * torch.randn(64, 1)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True)

net = Net().to(device)

loss_fn = torch.nn.MSELoss().to(device)  # [test]
optimizer = torch.optim.SGD(net.parameters(), lr=0.1)  # [test]
for epoch in range(30):  # [test]
    for input, label in loader:
        input, label = input.to(device), label.to(device)
        loss = loss_fn(net(input), label)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 0 or epoch == 29:
        print(f"epoch {epoch} loss {loss.item():.6f}")
print("weight", round(net.linear.weight.item(), 2), "bias", round(net.linear.bias.item(), 2))
print("time > 0:", time.time() - start_time > 0)
