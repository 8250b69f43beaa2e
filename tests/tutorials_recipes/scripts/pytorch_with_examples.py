# Official tutorial "Learning PyTorch with Examples" (beginner_source/pytorch_with_examples.rst
# and examples_tensor/, examples_autograd/, examples_nn/): fit y = sin(x) with a third-order
# polynomial, seven ways. The code is the tutorials'. Test substitutions (marked "[test]"):
#   * 2000 points -> 200, 2000 iterations -> 100 (the dynamic net: 30000 -> 300 at lr 1e-8 ->
#     same lr), the "every 100 iterations" prints -> every 25;
#   * the random initial weights are drawn by the first run (real torch) and saved to
#     ``examples_init.pt``; the second run (ember) loads them, so both runs compute the same
#     numbers; the DynamicNet's random.randint is seeded;
#   * device "cuda:0" lines left out.
import math
import os  # [test]
import random

import numpy as np
import torch

random.seed(0)  # [test]
INIT = "examples_init.pt"  # [test]
_saved = torch.load(INIT) if os.path.exists(INIT) else {}  # [test]
_new = {}  # [test]


def init(name, fn):  # [test] the same initial values in both runs
    if name not in _saved:
        v = fn()
        _new[name] = {k: t.clone() for k, t in v.items()} if isinstance(v, dict) else v.clone()
        return v
    return _saved[name]


N = 200  # [test] 2000
STEPS = 100  # [test] 2000

# ---------------------------------------------------------------- numpy warm-up
x = np.linspace(-math.pi, math.pi, N)
y = np.sin(x)
a, b, c, d = (init("np" + k, lambda: torch.randn(())).item() for k in "abcd")
learning_rate = 1e-6
for t in range(STEPS):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = np.square(y_pred - y).sum()
    grad_y_pred = 2.0 * (y_pred - y)
    a -= learning_rate * grad_y_pred.sum()
    b -= learning_rate * (grad_y_pred * x).sum()
    c -= learning_rate * (grad_y_pred * x ** 2).sum()
    d -= learning_rate * (grad_y_pred * x ** 3).sum()
print(f"numpy: loss {loss:.6f} Result: y = {a:.6f} + {b:.6f} x + {c:.6f} x^2 + {d:.6f} x^3")

# ---------------------------------------------------------------- tensors, manual gradients
dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, N, device=device, dtype=dtype)
y = torch.sin(x)
a = init("ta", lambda: torch.randn((), device=device, dtype=dtype))
b = init("tb", lambda: torch.randn((), device=device, dtype=dtype))
c = init("tc", lambda: torch.randn((), device=device, dtype=dtype))
d = init("td", lambda: torch.randn((), device=device, dtype=dtype))
learning_rate = 1e-6
for t in range(STEPS):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    if t % 25 == 24:
        print("tensor:", t, f"{loss:.5f}")
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
print(f"tensor: Result: y = {a.item():.6f} + {b.item():.6f} x + {c.item():.6f} x^2 + {d.item():.6f} x^3")

# ---------------------------------------------------------------- autograd
a = init("aa", lambda: torch.randn((), dtype=dtype)).clone().requires_grad_(True)  # [test] clone()
b = init("ab", lambda: torch.randn((), dtype=dtype)).clone().requires_grad_(True)
c = init("ac", lambda: torch.randn((), dtype=dtype)).clone().requires_grad_(True)
d = init("ad", lambda: torch.randn((), dtype=dtype)).clone().requires_grad_(True)
learning_rate = 1e-6
for t in range(STEPS):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum()
    if t % 25 == 24:
        print("autograd:", t, f"{loss.item():.5f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"autograd: Result: y = {a.item():.6f} + {b.item():.6f} x + {c.item():.6f} x^2 + {d.item():.6f} x^3")
print("autograd grad after reset:", a.grad)  # [test]


# ---------------------------------------------------------------- a new autograd Function
class LegendrePolynomial3(torch.autograd.Function):
    """
    We can implement our own custom autograd Functions by subclassing
    torch.autograd.Function and implementing the forward and backward passes
    which operate on Tensors.
    """

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
for t in range(STEPS):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 25 == 24:
        print("legendre:", t, f"{loss.item():.5f}")
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f"legendre: Result: y = {a.item():.6f} + {b.item():.6f} * P3({c.item():.6f} + {d.item():.6f} x)")
print("legendre grad_fn:", type(y_pred.grad_fn).__name__, "|", P3(c + d * x).grad_fn.__class__.__name__)  # [test]

# ---------------------------------------------------------------- nn
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
print("xx:", tuple(xx.shape))  # [test]
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
model.load_state_dict(init("nn", lambda: model.state_dict()))  # [test]
print(model)  # [test]
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-6
for t in range(STEPS):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 25 == 24:
        print("nn:", t, f"{loss.item():.5f}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
print(f'nn: Result: y = {linear_layer.bias.item():.6f} + {linear_layer.weight[:, 0].item():.6f} x + {linear_layer.weight[:, 1].item():.6f} x^2 + {linear_layer.weight[:, 2].item():.6f} x^3')

# ---------------------------------------------------------------- optim
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
model.load_state_dict(init("optim", lambda: model.state_dict()))  # [test]
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-3
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
for t in range(STEPS):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    if t % 25 == 24:
        print("optim:", t, f"{loss.item():.5f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
linear_layer = model[0]
print(f'optim: Result: y = {linear_layer.bias.item():.6f} + {linear_layer.weight[:, 0].item():.6f} x + {linear_layer.weight[:, 1].item():.6f} x^2 + {linear_layer.weight[:, 2].item():.6f} x^3')


# ---------------------------------------------------------------- custom nn.Module
class Polynomial3(torch.nn.Module):
    def __init__(self):
        """
        In the constructor we instantiate four parameters and assign them as
        member parameters.
        """
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


model = Polynomial3()
model.load_state_dict(init("poly3", lambda: model.state_dict()))  # [test]
print("poly3 params:", [n for n, _ in model.named_parameters()])  # [test]
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(STEPS):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 25 == 24:
        print("module:", t, f"{loss.item():.5f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f'module: Result: {model.string()}')


# ---------------------------------------------------------------- control flow + weight sharing
class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'


model = DynamicNet()
model.load_state_dict(init("dyn", lambda: model.state_dict()))  # [test]
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(3 * STEPS):  # [test] 30000
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 75 == 74:
        print("dynamic:", t, f"{loss.item():.5f}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f'dynamic: Result: {model.string()}')

if _new:  # [test]
    torch.save(_new, INIT)
