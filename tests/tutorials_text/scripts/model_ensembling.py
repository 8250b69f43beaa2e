# Official tutorial "Model ensembling" (intermediate_source/ensembling.py):
# torch.func.stack_module_state + functional_call on a 'meta' copy of the model + vmap.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * device 'cuda' -> the CPU; fewer models and smaller minibatches; the benchmark Timers
#     run twice instead of 100 times;
#   * the first run (real torch) saves the random data and initial weights, a second run
#     (ember) loads them, so both compute the same predictions; [test] prints show them.
import os  # [test]
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)

# Here's a simple MLP
class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 128)
        self.fc3 = nn.Linear(128, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x

device = 'cpu'  # [test] 'cuda'
num_models = 4  # [test] 10

data = torch.randn(10, 8, 1, 28, 28, device=device)  # [test] (100, 64, 1, 28, 28)
targets = torch.randint(10, (80,), device=device)  # [test] (6400,)

models = [SimpleMLP().to(device) for _ in range(num_models)]

ENS = "ensemble_init.pt"  # [test] the same data and weights in both runs
if os.path.exists(ENS):
    saved = torch.load(ENS)
    data, targets = saved["data"], saved["targets"]
    for m, sd in zip(models, saved["models"]):
        m.load_state_dict(sd)
else:
    torch.save({"data": data, "targets": targets, "models": [m.state_dict() for m in models]}, ENS)

minibatches = data[:num_models]
predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]

minibatch = data[0]
predictions2 = [model(minibatch) for model in models]

from torch.func import stack_module_state

params, buffers = stack_module_state(models)

from torch.func import functional_call
import copy

# Construct a "stateless" version of one of the models. It is "stateless" in
# the sense that the parameters are meta Tensors and do not have storage.
base_model = copy.deepcopy(models[0])
base_model = base_model.to('meta')

def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))

print([p.size(0) for p in params.values()]) # show the leading 'num_models' dimension

print(minibatches.shape) # verify minibatch has leading dimension of size 'num_models'

from torch import vmap

predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)

# verify the ``vmap`` predictions match the
assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)

predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)

assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)

print('params:', {k: (tuple(v.shape), v.requires_grad) for k, v in params.items()})  # [test]
print('base_model device:', next(base_model.parameters()).device)  # [test]
print('predictions1_vmap', tuple(predictions1_vmap.shape), ' '.join('%.6g' % v for v in predictions1_vmap[:, 0].flatten().tolist()))  # [test]
print('predictions2_vmap', tuple(predictions2_vmap.shape), ' '.join('%.6g' % v for v in predictions2_vmap[:, 1].flatten().tolist()))  # [test]

from torch.utils.benchmark import Timer
without_vmap = Timer(
    stmt="[model(minibatch) for model, minibatch in zip(models, minibatches)]",
    globals=globals())
with_vmap = Timer(
    stmt="vmap(fmodel)(params, buffers, minibatches)",
    globals=globals())
print(f'Predictions without vmap {without_vmap.timeit(2)}')  # [test] 100
print(f'Predictions with vmap {with_vmap.timeit(2)}')  # [test] 100
