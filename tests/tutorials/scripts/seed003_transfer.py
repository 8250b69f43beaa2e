# Seed 003 (Python中的PyTorch库), "迁移学习": fine-tune ResNet-18 on the ants/bees ImageFolder
# data, evaluate, predict one new image.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * models.resnet18(pretrained=True) downloads ImageNet weights: pretrained=False (same API);
#   * data/hymenoptera_data and test.jpg are a few tiny generated JPEGs; the crops are 64x64
#     instead of 224x224 (Resize 72 instead of 256) and there are 2 epochs instead of 10, so
#     it runs in seconds;
#   * `os` and `Image`, used but not imported in the text, are imported;
#   * the text evaluates on dataloaders['test'], which it never creates (a KeyError in real
#     torch too): the evaluation uses dataloaders['val'].
import os  # [test]
from PIL import Image  # [test]
import torch
import torch.nn as nn
import torch.optim as optim
from torchvision import models, datasets, transforms

# 定义模型
model = models.resnet18(pretrained=False)  # [test] pretrained=True in the text
num_features = model.fc.in_features
model.fc = nn.Linear(num_features, 2) # 这里假设我们只有二分类任务

# 准备数据
data_transforms = {
    'train': transforms.Compose([
        transforms.RandomResizedCrop(64),  # [test] 224 in the text
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    ]),
    'val': transforms.Compose([
        transforms.Resize(72),  # [test] 256 in the text
        transforms.CenterCrop(64),  # [test] 224 in the text
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    ]),
}

data_dir = 'data/hymenoptera_data'
image_datasets = {x: datasets.ImageFolder(os.path.join(data_dir, x), data_transforms[x]) for x in ['train', 'val']}
dataloaders = {x: torch.utils.data.DataLoader(image_datasets[x], batch_size=4, shuffle=True, num_workers=4) for x in ['train', 'val']}
dataset_sizes = {x: len(image_datasets[x]) for x in ['train', 'val']}

# 设置优化器和损失函数
criterion = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)

# 训练模型
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)
num_epochs = 2  # [test] 10 in the text
for epoch in range(num_epochs):
    for phase in ['train', 'val']:
        if phase == 'train':
            model.train(True)
        else:
            model.train(False)

        running_loss = 0.0
        running_corrects = 0

        for inputs, labels in dataloaders[phase]:
            inputs = inputs.to(device)
            labels = labels.to(device)

            optimizer.zero_grad()

            with torch.set_grad_enabled(phase == 'train'):
                outputs = model(inputs)
                _, preds = torch.max(outputs, 1)
                loss = criterion(outputs, labels)

                if phase == 'train':
                    loss.backward()
                    optimizer.step()

            running_loss += loss.item() * inputs.size(0)
            running_corrects += torch.sum(preds == labels.data)

        epoch_loss = running_loss / dataset_sizes[phase]
        epoch_acc = running_corrects.double() / dataset_sizes[phase]

        print('{} Loss: {:.4f} Acc: {:.4f}'.format(phase, epoch_loss, epoch_acc))

# 评估模型
correct = 0
total = 0
with torch.no_grad():
    for data in dataloaders['val']:  # [test] dataloaders['test'] in the text (never created)
        images, labels = data
        outputs = model(images)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()

print('Accuracy of the network on the test images: %d %%' % (100 * correct / total))

# 预测新数据
# 假设有一张新的图片，路径为test.jpg，需要预测它的类别
image = Image.open("test.jpg")
image_tensor = data_transforms['val'](image).to(device)
image_tensor = image_tensor.unsqueeze(0)
output = model(image_tensor)
_, pred = torch.max(output, 1)
print("预测结果：", pred.item())
