# Official recipe "PyTorch Profiler" (recipes_source/recipes/profiler_recipe.py): profile a
# torchvision ResNet-18 with record_function, key_averages().table, memory profiling, a
# Chrome trace, stacks and a schedule with on_trace_ready.
# The code is the recipe's. Test substitutions (marked "[test]"):
#   * the input is (1, 3, 64, 64) instead of (5, 3, 224, 224) so the CPU runs stay short;
#   * the CUDA/XPU sections are left out (no GPU); the scheduled loop runs 5 steps and the
#     trace handler writes into the working directory;
#   * [test] prints list what the tables hold (names, header), since timings differ per run.
import torch
import torchvision.models as models
from torch.profiler import profile, record_function, ProfilerActivity

model = models.resnet18()
inputs = torch.randn(1, 3, 64, 64)  # [test] (5, 3, 224, 224)

with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
    with record_function("model_inference"):
        model(inputs)

table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=10)
print(table)
print('header:', table.splitlines()[1].split())  # [test]
print('events:', sorted({e.key for e in prof.key_averages()} & {"model_inference", "aten::conv2d", "aten::batch_norm", "aten::max_pool2d", "aten::relu_", "aten::linear", "aten::add_"}))  # [test]
print('rows:', len(table.splitlines()))  # [test]

print(prof.key_averages(group_by_input_shape=True).table(sort_by="cpu_time_total", row_limit=10))
shapes = [e.input_shapes for e in prof.key_averages(group_by_input_shape=True) if e.key == "aten::conv2d"]  # [test]
print('conv2d input shapes:', sorted(str(s) for s in shapes)[:3])  # [test]

with profile(activities=[ProfilerActivity.CPU],
        profile_memory=True, record_shapes=True) as prof:
    model(inputs)

print(prof.key_averages().table(sort_by="self_cpu_memory_usage", row_limit=10))
print(prof.key_averages().table(sort_by="cpu_memory_usage", row_limit=10))
mem = {e.key: e.cpu_memory_usage for e in prof.key_averages()}  # [test]
print('conv2d allocates:', mem.get("aten::conv2d", 0) > 0)  # [test]

with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:  # [test] CUDA too
    model(inputs)

prof.export_chrome_trace("trace.json")

with profile(
    activities=[ProfilerActivity.CPU],  # [test] + ProfilerActivity.CUDA
    with_stack=True,
) as prof:
    model(inputs)

# Print aggregated stats
print(prof.key_averages(group_by_stack_n=5).table(sort_by="self_cpu_time_total", row_limit=2))  # [test] self_cuda_time_total

from torch.profiler import schedule

my_schedule = schedule(
    skip_first=10,
    wait=5,
    warmup=1,
    active=3,
    repeat=2)

def trace_handler(p):
    output = p.key_averages().table(sort_by="self_cpu_time_total", row_limit=10)  # [test] self_cuda_time_total
    print(output)
    p.export_chrome_trace("test_trace_" + str(p.step_num) + ".json")  # [test] /tmp/

with profile(
    activities=[ProfilerActivity.CPU],
    schedule=torch.profiler.schedule(
        wait=1,
        warmup=1,
        active=2),
    on_trace_ready=trace_handler
) as p:
    for idx in range(5):  # [test] 8
        model(inputs)
        p.step()
