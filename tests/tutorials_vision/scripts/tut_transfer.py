"""Transfer Learning for Computer Vision (beginner/transfer_learning_tutorial.py, the version
with ``copy.deepcopy(model.state_dict())`` for the best model), shrunk.

Changes, marked [test]: the generated ``data/hymenoptera_data`` (4 images per class and
split); 32-pixel crops instead of 224; 2 epochs with ``step_size=1``; ``weights=None``
instead of ImageNet weights (a download); the plots left out (their arrays are still
computed). At the end the ember run loads the torch run's fine-tuned weights and must score
the validation set as torch does.
"""
from __future__ import print_function, division

import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim import lr_scheduler
import torch.backends.cudnn as cudnn
import numpy as np
import torchvision
from torchvision import datasets, models, transforms
import time
import os
import copy
from PIL import Image

cudnn.benchmark = True

# Data augmentation and normalization for training
# Just normalization for validation
data_transforms = {
    'train': transforms.Compose([
        transforms.RandomResizedCrop(32),  # [test] 224
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    ]),
    'val': transforms.Compose([
        transforms.Resize(36),  # [test] 256
        transforms.CenterCrop(32),  # [test] 224
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    ]),
}

data_dir = 'data/hymenoptera_data'
image_datasets = {x: datasets.ImageFolder(os.path.join(data_dir, x),
                                          data_transforms[x])
                  for x in ['train', 'val']}
dataloaders = {x: torch.utils.data.DataLoader(image_datasets[x], batch_size=4,
                                             shuffle=True, num_workers=4)
              for x in ['train', 'val']}
dataset_sizes = {x: len(image_datasets[x]) for x in ['train', 'val']}
class_names = image_datasets['train'].classes

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
print("[test] classes:", class_names, dataset_sizes)


def imshow(inp, title=None):
    """Imshow for Tensor."""
    inp = inp.numpy().transpose((1, 2, 0))
    mean = np.array([0.485, 0.456, 0.406])
    std = np.array([0.229, 0.224, 0.225])
    inp = std * inp + mean
    inp = np.clip(inp, 0, 1)
    return inp  # [test] plt.imshow(inp); plt.title(title)


# Get a batch of training data
inputs, classes = next(iter(dataloaders['train']))

# Make a grid from batch
out = torchvision.utils.make_grid(inputs)

shown = imshow(out, title=[class_names[x] for x in classes])
print("[test] grid:", shown.shape, shown.dtype, len([class_names[x] for x in classes]))


def train_model(model, criterion, optimizer, scheduler, num_epochs=25):
    since = time.time()

    best_model_wts = copy.deepcopy(model.state_dict())
    best_acc = 0.0

    for epoch in range(num_epochs):
        print('Epoch {}/{}'.format(epoch, num_epochs - 1))
        print('-' * 10)

        # Each epoch has a training and validation phase
        for phase in ['train', 'val']:
            if phase == 'train':
                model.train()  # Set model to training mode
            else:
                model.eval()   # Set model to evaluate mode

            running_loss = 0.0
            running_corrects = 0

            # Iterate over data.
            for inputs, labels in dataloaders[phase]:
                inputs = inputs.to(device)
                labels = labels.to(device)

                # zero the parameter gradients
                optimizer.zero_grad()

                # forward
                # track history if only in train
                with torch.set_grad_enabled(phase == 'train'):
                    outputs = model(inputs)
                    _, preds = torch.max(outputs, 1)
                    loss = criterion(outputs, labels)

                    # backward + optimize only if in training phase
                    if phase == 'train':
                        loss.backward()
                        optimizer.step()

                # statistics
                running_loss += loss.item() * inputs.size(0)
                running_corrects += torch.sum(preds == labels.data)
            if phase == 'train':
                scheduler.step()

            epoch_loss = running_loss / dataset_sizes[phase]
            epoch_acc = running_corrects.double() / dataset_sizes[phase]

            print('{} Loss: {:.4f} Acc: {:.4f}'.format(
                phase, epoch_loss, epoch_acc))

            # deep copy the model
            if phase == 'val' and epoch_acc > best_acc:
                best_acc = epoch_acc
                best_model_wts = copy.deepcopy(model.state_dict())
                print("[test] best epoch:", epoch, repr(epoch_acc))

        print()

    time_elapsed = time.time() - since
    print('Training complete in {:.0f}m {:.0f}s'.format(
        time_elapsed // 60, time_elapsed % 60))
    print('Best val Acc: {:4f}'.format(best_acc))

    # load best model weights
    model.load_state_dict(best_model_wts)
    print("[test] reloaded the best weights:",  # [test] best_model_wts is a real copy
          all(torch.equal(v, model.state_dict()[k]) for k, v in best_model_wts.items()),
          best_model_wts['fc.weight'] is not model.fc.weight)
    return model


def visualize_model(model, num_images=6):
    was_training = model.training
    model.eval()
    images_so_far = 0
    shown = []  # [test] the titles the plot shows

    with torch.no_grad():
        for i, (inputs, labels) in enumerate(dataloaders['val']):
            inputs = inputs.to(device)
            labels = labels.to(device)

            outputs = model(inputs)
            _, preds = torch.max(outputs, 1)

            for j in range(inputs.size()[0]):
                images_so_far += 1
                shown.append('predicted: {}'.format(class_names[preds[j]]))
                imshow(inputs.cpu().data[j])

                if images_so_far == num_images:
                    model.train(mode=was_training)
                    return shown
        model.train(mode=was_training)
    return shown


model_ft = models.resnet18(weights=None)  # [test] weights='IMAGENET1K_V1'
num_ftrs = model_ft.fc.in_features
# Here the size of each output sample is set to 2.
# Alternatively, it can be generalized to nn.Linear(num_ftrs, len(class_names)).
model_ft.fc = nn.Linear(num_ftrs, 2)

model_ft = model_ft.to(device)

criterion = nn.CrossEntropyLoss()

# Observe that all parameters are being optimized
optimizer_ft = optim.SGD(model_ft.parameters(), lr=0.001, momentum=0.9)

# Decay LR by a factor of 0.1 every 7 epochs
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=1, gamma=0.1)  # [test] 7

model_ft = train_model(model_ft, criterion, optimizer_ft, exp_lr_scheduler,
                       num_epochs=2)  # [test] 25
print("[test] lr after training:", exp_lr_scheduler.get_last_lr())
titles = visualize_model(model_ft)
print("[test] visualized:", len(titles), model_ft.training)



# (from the current version of the tutorial)
def visualize_model_predictions(model,img_path):
    was_training = model.training
    model.eval()

    img = Image.open(img_path)
    img = data_transforms['val'](img)
    img = img.unsqueeze(0)
    img = img.to(device)

    with torch.no_grad():
        outputs = model(img)
        _, preds = torch.max(outputs, 1)

        title = f'Predicted: {class_names[preds[0]]}'  # [test] ax.set_title(...)
        imshow(img.cpu().data[0])

        model.train(mode=was_training)
    return title


title = visualize_model_predictions(
    model_ft,
    img_path='data/hymenoptera_data/val/bees/bees_val_0.jpg'  # [test] 72100438_73de9f17af.jpg
)
print("[test] prediction:", title.split(": ")[1] in class_names, model_ft.training)

# ConvNet as fixed feature extractor
model_conv = torchvision.models.resnet18(weights=None)  # [test] weights='IMAGENET1K_V1'
for param in model_conv.parameters():
    param.requires_grad = False

# Parameters of newly constructed modules have requires_grad=True by default
num_ftrs = model_conv.fc.in_features
model_conv.fc = nn.Linear(num_ftrs, 2)

model_conv = model_conv.to(device)

criterion = nn.CrossEntropyLoss()

# Observe that only parameters of final layer are being optimized as
# opposed to before.
optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.001, momentum=0.9)

# Decay LR by a factor of 0.1 every 7 epochs
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=1, gamma=0.1)  # [test] 7

frozen_before = copy.deepcopy(model_conv.layer1[0].conv1.weight)  # [test]
model_conv = train_model(model_conv, criterion, optimizer_conv,
                         exp_lr_scheduler, num_epochs=2)  # [test] 25
print("[test] trainable:", [n for n, p in model_conv.named_parameters() if p.requires_grad])
print("[test] frozen unchanged:", torch.equal(frozen_before, model_conv.layer1[0].conv1.weight),
      model_conv.layer1[0].conv1.weight.grad is None)

# [test] the torch run's fine-tuned model scores the validation set alike under ember
# (the order of a shuffled epoch does not change the summed loss or the count)
if os.path.exists("model_ft.pt"):
    model_ft.load_state_dict(torch.load("model_ft.pt", weights_only=True))
else:
    torch.save(model_ft.state_dict(), "model_ft.pt")
model_ft.eval()
total, correct = 0.0, 0
with torch.no_grad():
    for inputs, labels in dataloaders['val']:
        outputs = model_ft(inputs)
        total += criterion(outputs, labels).item() * inputs.size(0)
        correct += (outputs.argmax(1) == labels).sum().item()
print("[test] val with torch's weights:", total / dataset_sizes['val'], correct)
