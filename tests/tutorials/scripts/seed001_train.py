# Seed 001 (pytorch 的使用), 六、模型训练 + 七、模型评估 + 八、结尾: train the CNN with SGD, save
# and reload it two ways, evaluate it, and the GPU idioms.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * the CIFAR-10 files under ./data are small generated batches in the official format, so
#     download=False (checksums registered first);
#   * torch >= 2.6 loads with weights_only=True by default, which refuses a whole pickled
#     model, so the whole-model load passes weights_only=False (the text predates 2.6);
#   * evaluate_model uses a global `criterion` the text leaves to the reader; it is defined
#     and the function is called; "[test]" prints show that reloaded models agree.
import tutorial_support; tutorial_support.accept_generated_cifar10("./data")  # [test]
import torch
import torch.nn as nn
import torchvision
from torch.nn import Conv2d, MaxPool2d, Linear, Dropout, Sequential, ReLU
from torch.utils.data import DataLoader

dataset = torchvision.datasets.CIFAR10(root='./data', train=False, download=False, transform=torchvision.transforms.ToTensor())  # [test] download=True in the text

dataloader = DataLoader(dataset, batch_size=3, drop_last=True)

class SimpleCNN(nn.Module):
    def __init__(self, num_classes=10):
        super(SimpleCNN, self).__init__()
        self.features = Sequential(
            Conv2d(3, 32, kernel_size=3, padding=1),
            ReLU(),
            MaxPool2d(2, 2),

            Conv2d(32, 64, kernel_size=3, padding=1),
            ReLU(),
            MaxPool2d(2, 2),
        )

        self.classifier = Sequential(
            Linear(64 * 8 * 8, 128),
            ReLU(),
            Dropout(0.5),
            Linear(128, num_classes)
        )

    def forward(self, x):
        x = self.features(x)
        x = x.view(-1, 64 * 8 * 8)
        x = self.classifier(x)
        return x

# 创建模型实例
net = SimpleCNN(num_classes=10)

loss = nn.CrossEntropyLoss()
# lr 为学习率，一般模型训练前期学习率会设置较大，到训练后期调小学习率
optim = torch.optim.SGD(net.parameters(), lr=0.01)
for epoch in range(10):
    running_loss = 0.0
    net.train() # 设置为训练模型，只对于某些特定的层有影响
    for data in dataloader:
        imgs, targets = data
        output = net(imgs)
        result_loss = loss(output, targets)
        optim.zero_grad()
        result_loss.backward()
        optim.step()
        running_loss += result_loss
    print(running_loss)

# 模型保存与加载
# 方式一：只保存模型参数
torch.save(net.state_dict(), 'simplecnn.pth')
new_net = SimpleCNN(num_classes=10)
new_net.load_state_dict(torch.load('simplecnn.pth'))
# 方式二，保存模型参数和模型结构
torch.save(net, 'simplecnn2.pth')
new_net2 = torch.load('simplecnn2.pth', weights_only=False)  # [test] weights_only=False: see above

# [test] both reloaded models compute what the trained one does
net.eval(); new_net.eval(); new_net2.eval()
with torch.no_grad():
    print("state_dict reload equal:", torch.equal(new_net(imgs), net(imgs)))
    print("whole-model reload equal:", torch.equal(new_net2(imgs), net(imgs)), type(new_net2).__name__)

criterion = nn.CrossEntropyLoss()  # [test] evaluate_model uses a global `criterion`

def evaluate_model(model, test_loader):
    model.eval()  # 设置为评估模式，只对于某些特定的层有影响
    device = next(model.parameters()).device
    
    correct = 0
    total = 0
    test_loss = 0.0
    
    with torch.no_grad():  # 关闭梯度计算
        for inputs, labels in test_loader:
            inputs, labels = inputs.to(device), labels.to(device)
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            
            test_loss += loss.item()
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    
    accuracy = 100 * correct / total
    avg_loss = test_loss / len(test_loader)
    
    print(f'Test Loss: {avg_loss:.4f}, Test Accuracy: {accuracy:.2f}%')
    return accuracy

evaluate_model(new_net2, DataLoader(dataset, batch_size=64))  # [test] the text only defines it

# 方式一
if torch.cuda.is_available():
	net = net.cuda()
# 方式二
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
gpu0 = torch.device('cuda:0')
gpu1 = torch.device('cuda:1')
if torch.cuda.is_available():
	net = net.to(gpu0)
print(device, gpu0, gpu1)  # [test]

model = torch.load('simplecnn2.pth', map_location=torch.device('cpu'), weights_only=False)  # [test] weights_only=False: see above
print(type(model).__name__, next(model.parameters()).device)  # [test]
