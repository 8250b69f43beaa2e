# Official recipe "Automatic Mixed Precision" (recipes_source/recipes/amp_recipe.py), on the
# CPU with bfloat16 as the recipe's CPU note describes.
# The code is the recipe's. Test substitutions (marked "[test]"):
#   * device 'cpu', dtype torch.bfloat16 for autocast, GradScaler("cpu"); `.cuda()` calls
#     become `.to(device)` and the torch.cuda timer/memory calls are guarded (they need a GPU
#     in real torch);
#   * sizes, batches and epochs are much smaller; the illustrative "range(0)" sections run
#     one epoch so their asserts and calls execute;
#   * the first run (real torch) saves the data and initial weights, a second run (ember)
#     loads them, so both train the same nets on the same data: [test] prints show losses.
import os  # [test]
import torch, time, gc

# Timing utilities
start_time = None

def start_timer():
    global start_time
    gc.collect()
    if torch.cuda.is_available():  # [test] guarded: CUDA-only calls
        torch.cuda.empty_cache()
        torch.cuda.reset_max_memory_allocated()
        torch.cuda.synchronize()
    start_time = time.time()

def end_timer_and_print(local_msg):
    if torch.cuda.is_available():  # [test] guarded
        torch.cuda.synchronize()
    end_time = time.time()
    print("\n" + local_msg)
    print("Total execution time = {:.3f} sec".format(end_time - start_time))
    if torch.cuda.is_available():  # [test] guarded
        print("Max memory used by tensors = {} bytes".format(torch.cuda.max_memory_allocated()))


def make_model(in_size, out_size, num_layers):
    layers = []
    for _ in range(num_layers - 1):
        layers.append(torch.nn.Linear(in_size, in_size))
        layers.append(torch.nn.ReLU())
    layers.append(torch.nn.Linear(in_size, out_size))
    return torch.nn.Sequential(*tuple(layers)).to(device)  # [test] .cuda()


batch_size = 16  # [test] 512
in_size = 64  # [test] 4096
out_size = 64  # [test] 4096
num_layers = 3
num_batches = 6  # [test] 50
epochs = 2  # [test] 3

device = 'cpu'  # [test] 'cuda' if torch.cuda.is_available() else 'cpu'
amp_dtype = torch.bfloat16  # [test] torch.float16 (CPU autocast supports bfloat16)
torch.set_default_device(device)
torch.manual_seed(0)  # [test]

# Creates data in default precision.
# The same data is used for both default and mixed precision trials below.
# You don't need to manually change inputs' ``dtype`` when enabling mixed precision.
data = [torch.randn(batch_size, in_size) for _ in range(num_batches)]
targets = [torch.randn(batch_size, out_size) for _ in range(num_batches)]

loss_fn = torch.nn.MSELoss().to(device)  # [test] .cuda()


net = make_model(in_size, out_size, num_layers)
print(net)  # [test]
INIT = "amp_init.pt"  # [test] the same data and weights in both runs
if os.path.exists(INIT):
    saved = torch.load(INIT)
    data, targets = saved["data"], saved["targets"]
    net.load_state_dict(saved["net"])
else:
    torch.save({"data": data, "targets": targets, "net": net.state_dict()}, INIT)
init_state = {k: v.clone() for k, v in net.state_dict().items()}  # [test]

opt = torch.optim.SGD(net.parameters(), lr=0.001)

start_timer()
for epoch in range(epochs):
    for input, target in zip(data, targets):
        output = net(input)
        loss = loss_fn(output, target)
        loss.backward()
        opt.step()
        opt.zero_grad() # set_to_none=True here can modestly improve performance
    print('default precision loss: %.6f' % loss.item())  # [test]
end_timer_and_print("Default precision:")


for epoch in range(1): # [test] range(0): 0 epochs, this section is for illustration only
    for input, target in zip(data, targets):
        # Runs the forward pass under ``autocast``.
        with torch.autocast(device_type=device, dtype=amp_dtype):
            output = net(input)
            # output is float16 because linear layers ``autocast`` to float16.
            assert output.dtype is amp_dtype, output.dtype

            loss = loss_fn(output, target)
            # loss is float32 because ``mse_loss`` layers ``autocast`` to float32.
            assert loss.dtype is torch.float32, loss.dtype

        # Exits ``autocast`` before backward().
        # Backward passes under ``autocast`` are not recommended.
        # Backward ops run in the same ``dtype`` ``autocast`` chose for corresponding forward ops.
        loss.backward()
        opt.step()
        opt.zero_grad() # set_to_none=True here can modestly improve performance
print('grad dtype after autocast backward:', net[0].weight.dtype, output.dtype, loss.dtype)  # [test]


# Constructs a ``scaler`` once, at the beginning of the convergence run, using default arguments.
# If your network fails to converge with default ``GradScaler`` arguments, please file an issue.
# The same ``GradScaler`` instance should be used for the entire convergence run.
# If you perform multiple convergence runs in the same script, each run should use
# a dedicated fresh ``GradScaler`` instance. ``GradScaler`` instances are lightweight.
scaler = torch.amp.GradScaler(device)  # [test] "cuda"

for epoch in range(1): # [test] range(0): 0 epochs, this section is for illustration only
    for input, target in zip(data, targets):
        with torch.autocast(device_type=device, dtype=amp_dtype):
            output = net(input)
            loss = loss_fn(output, target)

        # Scales loss. Calls ``backward()`` on scaled loss to create scaled gradients.
        scaler.scale(loss).backward()

        # ``scaler.step()`` first unscales the gradients of the optimizer's assigned parameters.
        # If these gradients do not contain ``inf``s or ``NaN``s, optimizer.step() is then called,
        # otherwise, optimizer.step() is skipped.
        scaler.step(opt)

        # Updates the scale for next iteration.
        scaler.update()

        opt.zero_grad() # set_to_none=True here can modestly improve performance
print('scale:', scaler.get_scale())  # [test]


use_amp = True

net = make_model(in_size, out_size, num_layers)
net.load_state_dict(init_state)  # [test] the same start as the default-precision run
opt = torch.optim.SGD(net.parameters(), lr=0.001)
scaler = torch.amp.GradScaler(device, enabled=use_amp)  # [test] "cuda"

start_timer()
for epoch in range(epochs):
    for input, target in zip(data, targets):
        with torch.autocast(device_type=device, dtype=amp_dtype, enabled=use_amp):
            output = net(input)
            loss = loss_fn(output, target)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        opt.zero_grad() # set_to_none=True here can modestly improve performance
    print('mixed precision loss: %.6f' % loss.item())  # [test]
end_timer_and_print("Mixed precision:")


for epoch in range(1): # [test] range(0): 0 epochs, this section is for illustration only
    for input, target in zip(data, targets):
        with torch.autocast(device_type=device, dtype=amp_dtype):
            output = net(input)
            loss = loss_fn(output, target)
        scaler.scale(loss).backward()

        # Unscales the gradients of optimizer's assigned parameters in-place
        scaler.unscale_(opt)

        # Since the gradients of optimizer's assigned parameters are now unscaled, clips as usual.
        # You may use the same value for max_norm here as you would without gradient scaling.
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=0.1)

        scaler.step(opt)
        scaler.update()
        opt.zero_grad() # set_to_none=True here can modestly improve performance
print('clipped loss: %.6f' % loss.item())  # [test]


checkpoint = {"model": net.state_dict(),
              "optimizer": opt.state_dict(),
              "scaler": scaler.state_dict()}
# Write checkpoint as desired, e.g.,
torch.save(checkpoint, "filename")  # [test] commented out in the text

checkpoint = torch.load("filename",
                        map_location = lambda storage, loc: storage)  # [test] storage.cuda(dev)
net.load_state_dict(checkpoint["model"])
opt.load_state_dict(checkpoint["optimizer"])
scaler.load_state_dict(checkpoint["scaler"])
print('scaler state:', scaler.state_dict())  # [test]
print('optimizer state:', opt.state_dict()['param_groups'][0]['lr'], len(opt.state_dict()['param_groups'][0]['params']))  # [test]
