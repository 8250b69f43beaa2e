# Official tutorials "Extending torch.autograd" (notes/extending.rst), "Double Backward with
# Custom Functions" (intermediate_source/custom_function_double_backward_tutorial.rst) and
# "Fusing Convolution and Batch Norm using Custom Function"
# (intermediate_source/custom_function_conv_bn_tutorial.py). The code is the tutorials'.
# Test substitutions (marked "[test]"): random inputs (torch.rand/randn) -> fixed
# deterministic ones (so both runs see the same numbers); [test] prints of values and grads;
# the conv-bn memory measurement (CUDA-only) left out; fusion training: a few steps.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function
from torch.autograd.function import once_differentiable


def det(*shape, dtype=torch.double, requires_grad=False, s=1.0):  # [test] fixed "random"
    n = 1
    for d in shape:
        n *= d
    t = (torch.arange(n, dtype=dtype).reshape(shape) * 0.7311 * s).sin()
    return t.requires_grad_(requires_grad)


# ---------------------------------------------------------------- Extending torch.autograd
class LinearFunction(Function):
    @staticmethod
    def forward(input, weight, bias=None):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


linear = LinearFunction.apply


class MulConstant(Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant

    @staticmethod
    def setup_context(ctx, inputs, output):
        tensor, constant = inputs
        ctx.constant = constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        result = x ** 3
        dx = 3 * x ** 2
        return result, dx

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)

    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        result = grad_output * dx + grad_dx * 6 * x
        return result


def my_cube(x):
    result, dx = MyCube.apply(x)
    return result


from torch.autograd import gradcheck

input = (det(20, 20, requires_grad=True), det(30, 20, requires_grad=True, s=1.3))
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print("linear gradcheck:", test)
out = linear(*input, det(30, s=0.5, requires_grad=True))  # [test]
out.pow(2).sum().backward()
print("linear grads:", round(input[0].grad.sum().item(), 6), round(input[1].grad.sum().item(), 6))
x = det(5, requires_grad=True)
y = MulConstant.apply(x, 2.5)
y.sum().backward()
print("mulconstant:", x.grad.tolist())
x = det(4, requires_grad=True)
g, = torch.autograd.grad(my_cube(x).sum(), x, create_graph=True)
gg, = torch.autograd.grad(g.sum(), x)
print("my_cube:", [round(v, 6) for v in g.tolist()], [round(v, 6) for v in gg.tolist()])
print("my_cube gradgradcheck:", torch.autograd.gradgradcheck(my_cube, (x,)))


# mark_dirty, mark_non_differentiable, set_materialize_grads
class MulAdd_(Function):  # [test] an in-place Function, as in the notes' mark_dirty example
    @staticmethod
    def forward(ctx, x, y):
        ctx.mark_dirty(x)
        ctx.save_for_backward(y)
        return x.mul_(2).add_(y)

    @staticmethod
    def backward(ctx, grad):
        y, = ctx.saved_tensors
        return grad * 2, grad


a = det(3, requires_grad=True)
b = det(3, requires_grad=True, s=2.0)
a2 = a.clone()
r = MulAdd_.apply(a2, b)
print("mark_dirty:", r is a2, type(r.grad_fn).__name__ != "CloneBackward0")
r.sum().backward()
print("mark_dirty grads:", a.grad.tolist(), b.grad.tolist())


class SortFn(Function):  # [test] sort returns indices: non-differentiable
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return values, idx

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input


x = det(6, requires_grad=True)
v, i = SortFn.apply(x)
print("non_differentiable:", i.requires_grad, v.requires_grad, i.tolist())
(v * torch.arange(6.0, dtype=torch.double)).sum().backward()
print("sort grads:", x.grad.tolist())


class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(x)
        return x.clone(), x.clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, g1, g2):
        x, = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        if g1 is not None:
            grad_input += g1
        if g2 is not None:
            grad_input += g2 * 10
        return grad_input


x = torch.tensor(1., requires_grad=True)
y1, y2 = SimpleFunc.apply(x)
y1.backward()
print("materialize_grads:", x.grad.item())
try:
    (SimpleFunc.apply(x)[0] * 2).sum().backward(create_graph=True)
    z, _ = SimpleFunc.apply(x)
    gz, = torch.autograd.grad(z, x, create_graph=True)
    gz.backward()
    print("once_differentiable: no error")
except RuntimeError as e:
    print("once_differentiable:", "trying to differentiate twice" in str(e))


# ---------------------------------------------------------------- double backward
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


x = det(3, 3, requires_grad=True)
print("square gradcheck:", torch.autograd.gradcheck(Square.apply, x))
print("square gradgradcheck:", torch.autograd.gradgradcheck(Square.apply, x))


class Sinh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def sinh(x):
    return Sinh.apply(x)[0]


x = det(3, 3, requires_grad=True)
print("sinh gradcheck:", torch.autograd.gradcheck(sinh, x))
print("sinh gradgradcheck:", torch.autograd.gradgradcheck(sinh, x))


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        result, = ctx.saved_tensors
        return result * grad_out


x = det(3, 3, requires_grad=True)
print("exp gradgradcheck:", torch.autograd.gradgradcheck(Exp.apply, x))


def cube_forward(x):
    return x ** 3


def cube_backward(grad_out, x):
    return grad_out * 3 * x ** 2


def cube_backward_backward(grad_out, sav_grad_out, x):
    return grad_out * sav_grad_out * 6 * x


def cube_backward_backward_grad_out(grad_out, x):
    return grad_out * 3 * x ** 2


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return cube_forward(x)

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return CubeBackward.apply(grad_out, x)


class CubeBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, grad_out, x):
        ctx.save_for_backward(x, grad_out)
        return cube_backward(grad_out, x)

    @staticmethod
    def backward(ctx, grad_out):
        x, sav_grad_out = ctx.saved_tensors
        dx = cube_backward_backward(grad_out, sav_grad_out, x)
        dgrad_out = cube_backward_backward_grad_out(grad_out, x)
        return dgrad_out, dx


x = det(2, 2, requires_grad=True)
print("cube gradcheck:", torch.autograd.gradcheck(Cube.apply, x))
print("cube gradgradcheck:", torch.autograd.gradgradcheck(Cube.apply, x))
g, = torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
print("cube grad_fn:", type(g.grad_fn).__name__)


# ---------------------------------------------------------------- fusing conv and batch norm
def convolution_backward(grad_out, X, weight):
    grad_input = F.conv2d(X.transpose(0, 1), grad_out.transpose(0, 1)).transpose(0, 1)
    grad_X = F.conv_transpose2d(grad_out, weight)
    return grad_X, grad_input


class Conv2D(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, weight):
        ctx.save_for_backward(X, weight)
        return F.conv2d(X, weight)

    @staticmethod
    def backward(ctx, grad_out):
        X, weight = ctx.saved_tensors
        return convolution_backward(grad_out, X, weight)


weight = det(5, 3, 3, 3, requires_grad=True)
X = det(10, 3, 7, 7, requires_grad=True, s=1.7)
print("conv2d gradcheck:", torch.autograd.gradcheck(Conv2D.apply, (X, weight)))

# [test] torch.nn.grad computes the same two gradients
go = det(10, 5, 5, 5, s=0.3)
gX, gW = convolution_backward(go, X.detach(), weight.detach())
print("nn.grad conv2d_input:", torch.allclose(torch.nn.grad.conv2d_input(X.shape, weight.detach(), go), gX))
print("nn.grad conv2d_weight:", torch.allclose(torch.nn.grad.conv2d_weight(X.detach(), weight.shape, go), gW))


def unsqueeze_all(t):
    return t[None, :, None, None]


def batch_norm_backward(grad_out, X, sum, sqrt_var, N, eps):
    tmp = ((X - unsqueeze_all(sum) / N) * grad_out).sum(dim=(0, 2, 3))
    tmp *= -1
    d_denom = tmp / (sqrt_var + eps)**2
    d_var = d_denom / (2 * sqrt_var)
    d_mean_dx = grad_out / unsqueeze_all(sqrt_var + eps)
    d_mean_dx = unsqueeze_all(-d_mean_dx.sum(dim=(0, 2, 3)) / N)
    grad_input = X * unsqueeze_all(d_var * N)
    grad_input += unsqueeze_all(-d_var * sum)
    grad_input *= 2 / ((N - 1) * N)
    grad_input += d_mean_dx
    grad_input *= unsqueeze_all(sqrt_var + eps)
    grad_input += grad_out
    grad_input /= unsqueeze_all(sqrt_var + eps)
    return grad_input


class BatchNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, eps=1e-3):
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.save_for_backward(X)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        X, = ctx.saved_tensors
        return batch_norm_backward(grad_out, X, ctx.sum, ctx.sqrt_var, ctx.N, ctx.eps)


a = det(1, 2, 3, 4, requires_grad=True)
print("batchnorm gradcheck:", torch.autograd.gradcheck(BatchNorm.apply, (a,), fast_mode=False))


class FusedConvBN2DFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, conv_weight, eps=1e-3):
        assert X.ndim == 4
        ctx.save_for_backward(X, conv_weight)
        X = F.conv2d(X, conv_weight)
        sum = X.sum(dim=(0, 2, 3))
        var = X.var(unbiased=True, dim=(0, 2, 3))
        N = X.numel() / X.size(1)
        sqrt_var = torch.sqrt(var)
        ctx.eps = eps
        ctx.sum = sum
        ctx.N = N
        ctx.sqrt_var = sqrt_var
        mean = sum / N
        denom = sqrt_var + eps
        out = X - unsqueeze_all(mean)
        out /= unsqueeze_all(denom)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        X, conv_weight, = ctx.saved_tensors
        X_conv_out = F.conv2d(X, conv_weight)
        grad_out = batch_norm_backward(grad_out, X_conv_out, ctx.sum, ctx.sqrt_var,
                                       ctx.N, ctx.eps)
        grad_X, grad_input = convolution_backward(grad_out, X, conv_weight)
        return grad_X, grad_input, None, None, None, None, None


weight = det(5, 3, 3, 3, requires_grad=True)
X = det(2, 3, 4, 4, requires_grad=True, s=1.7)
print("fused gradcheck:", torch.autograd.gradcheck(FusedConvBN2DFunction.apply, (X, weight)))

import torch.optim as optim
import math


class FusedConvBN(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, exp_avg_factor=0.1,
                 eps=1e-3, device=None, dtype=None):
        super(FusedConvBN, self).__init__()
        factory_kwargs = {'device': device, 'dtype': dtype}
        weight_shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.conv_weight = nn.Parameter(torch.empty(*weight_shape, **factory_kwargs))
        stdv = 1. / math.sqrt(self.conv_weight.size(1))
        self.conv_weight.data.uniform_(-stdv, stdv)
        self.eps = eps

    def forward(self, X):
        return FusedConvBN2DFunction.apply(X, self.conv_weight, self.eps)


class Net(nn.Module):
    def __init__(self, fused=True):
        super(Net, self).__init__()
        self.fused = fused
        if fused:
            self.convbn1 = FusedConvBN(1, 32, 3)
            self.convbn2 = FusedConvBN(32, 64, 3)
        else:
            self.conv1 = nn.Conv2d(1, 32, 3, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(32, affine=False, track_running_stats=False)
            self.conv2 = nn.Conv2d(32, 64, 3, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(64, affine=False, track_running_stats=False)
        self.fc1 = nn.Linear(1600, 128)  # [test] 9216: 28x28 -> 14x14 images
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        if self.fused:
            x = self.convbn1(x)
        else:
            x = self.conv1(x)
            x = self.bn1(x)
        F.relu_(x)
        if self.fused:
            x = self.convbn2(x)
        else:
            x = self.conv2(x)
            x = self.bn2(x)
        F.relu_(x)
        x = F.max_pool2d(x, 2)
        F.relu_(x)
        x = x.flatten(1)
        x = self.fc1(x)
        x = self.dropout(x)
        F.relu_(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


torch.manual_seed(0)  # [test]
data = det(8, 1, 14, 14, dtype=torch.float, s=0.37)  # [test] instead of MNIST
target = torch.arange(8) % 10
for fused in (True, False):  # [test] the fused and unfused nets agree (same weights)
    model = Net(fused=fused)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(det(*p.shape, dtype=torch.float, s=0.11) * 0.1)
    model.eval()  # [test] no dropout: deterministic
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    losses = []
    for step in range(3):
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        losses.append(round(loss.item(), 5))
    print("fused" if fused else "unfused", "losses:", losses)
