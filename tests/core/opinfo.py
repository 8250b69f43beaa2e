"""The registry of sample inputs per op (after PyTorch's OpInfo), shared by the test layers.

Each ``Op`` names a callable written once against a module ``m`` (``ember`` or ``torch``), so
the same line runs on both libraries; ``shapes`` lists input shapes (broadcasting, 0-d, empty
and non-contiguous cases included); ``domain`` bounds the random inputs.
"""
import numpy as np


class Op:
    def __init__(self, name, fn, shapes, domain=(-2.0, 2.0), grad=True, dtypes=("float32",
                 "float64"), int_args=None, noncontig=True, gradcheck=True, atol=None):
        self.name = name
        self.fn = fn
        self.shapes = shapes
        self.domain = domain
        self.grad = grad
        self.dtypes = dtypes
        self.int_args = int_args or {}
        self.noncontig = noncontig
        self.gradcheck = gradcheck and grad
        self.atol = atol

    def samples(self, dtype, seed=0):
        """Yield lists of NumPy input arrays."""
        rng = np.random.default_rng(seed)
        lo, hi = self.domain
        for shapes in self.shapes:
            arrs = []
            for i, s in enumerate(shapes):
                if i in self.int_args:
                    a, b = self.int_args[i]
                    arrs.append(rng.integers(a, b, size=s).astype(np.int64))
                else:
                    arrs.append(rng.uniform(lo, hi, size=s).astype(dtype))
            yield arrs
        if self.noncontig:
            # one non-contiguous case: transposed 2-D views of the first shape set with 2-D args
            for shapes in self.shapes:
                if all(len(s) == 2 for s in shapes) and all(i not in self.int_args
                                                            for i in range(len(shapes))):
                    yield [rng.uniform(lo, hi, size=s[::-1]).astype(dtype).T for s in shapes]
                    break


U = [(3, 4)], [(2, 3, 4)], [()], [(0, 3)], [(5,)]
B = [(3, 4), (3, 4)], [(3, 4), (4,)], [(2, 1, 4), (3, 1)], [(), (3,)], [(3,), ()], \
    [(0, 4), (4,)], [(), ()]

OPS = [
    # --- elementwise unary
    Op("neg", lambda m, x: m.neg(x), U),
    Op("exp", lambda m, x: m.exp(x), U),
    Op("expm1", lambda m, x: m.expm1(x), U),
    Op("exp2", lambda m, x: m.exp2(x), U),
    Op("log", lambda m, x: m.log(x), U, domain=(0.1, 3.0)),
    Op("log2", lambda m, x: m.log2(x), U, domain=(0.1, 3.0)),
    Op("log10", lambda m, x: m.log10(x), U, domain=(0.1, 3.0)),
    Op("log1p", lambda m, x: m.log1p(x), U, domain=(-0.5, 3.0)),
    Op("sqrt", lambda m, x: m.sqrt(x), U, domain=(0.1, 3.0)),
    Op("rsqrt", lambda m, x: m.rsqrt(x), U, domain=(0.2, 3.0)),
    Op("reciprocal", lambda m, x: m.reciprocal(x), U, domain=(0.2, 3.0)),
    Op("sin", lambda m, x: m.sin(x), U),
    Op("cos", lambda m, x: m.cos(x), U),
    Op("tan", lambda m, x: m.tan(x), U, domain=(-1.0, 1.0)),
    Op("asin", lambda m, x: m.asin(x), U, domain=(-0.9, 0.9)),
    Op("acos", lambda m, x: m.acos(x), U, domain=(-0.9, 0.9)),
    Op("atan", lambda m, x: m.atan(x), U),
    Op("sinh", lambda m, x: m.sinh(x), U),
    Op("cosh", lambda m, x: m.cosh(x), U),
    Op("tanh", lambda m, x: m.tanh(x), U),
    Op("asinh", lambda m, x: m.asinh(x), U),
    Op("acosh", lambda m, x: m.acosh(x), U, domain=(1.1, 3.0)),
    Op("atanh", lambda m, x: m.atanh(x), U, domain=(-0.9, 0.9)),
    Op("sigmoid", lambda m, x: m.sigmoid(x), U),
    Op("relu", lambda m, x: m.relu(x), U),
    Op("abs", lambda m, x: m.abs(x), U),
    Op("erf", lambda m, x: m.erf(x), U),
    Op("erfc", lambda m, x: m.erfc(x), U),
    Op("erfinv", lambda m, x: m.erfinv(x), U, domain=(-0.9, 0.9)),
    Op("lgamma", lambda m, x: m.lgamma(x), U, domain=(0.5, 3.0)),
    Op("square", lambda m, x: m.square(x), U),
    Op("floor", lambda m, x: m.floor(x), U, gradcheck=False),
    Op("ceil", lambda m, x: m.ceil(x), U, gradcheck=False),
    Op("round", lambda m, x: m.round(x), U, gradcheck=False),
    Op("trunc", lambda m, x: m.trunc(x), U, gradcheck=False),
    Op("frac", lambda m, x: m.frac(x), U, gradcheck=False),
    Op("sign", lambda m, x: m.sign(x), U, gradcheck=False),
    Op("pow_scalar", lambda m, x: x ** 3, U),
    Op("pow_frac", lambda m, x: x ** 0.5, U, domain=(0.2, 3.0)),
    Op("rpow", lambda m, x: 2.0 ** x, U),
    Op("clamp", lambda m, x: m.clamp(x, -0.5, 0.7), U, gradcheck=False),
    Op("clamp_min", lambda m, x: x.clamp(min=0.1), U, gradcheck=False),
    Op("softmax", lambda m, x: m.softmax(x, -1), [[(3, 4)], [(2, 3, 4)], [(5,)]]),
    Op("log_softmax", lambda m, x: m.log_softmax(x, 0), [[(3, 4)], [(2, 3, 4)], [(5,)]]),
    Op("nan_to_num", lambda m, x: m.nan_to_num(x), U),
    # --- binary
    Op("add", lambda m, a, b: a + b, B),
    Op("add_alpha", lambda m, a, b: m.add(a, b, alpha=2.5), B),
    Op("sub", lambda m, a, b: a - b, B),
    Op("mul", lambda m, a, b: a * b, B),
    Op("div", lambda m, a, b: a / b, B, domain=(0.5, 2.0)),
    Op("pow", lambda m, a, b: a ** b, B, domain=(0.5, 2.0)),
    Op("maximum", lambda m, a, b: m.maximum(a, b), B),
    Op("minimum", lambda m, a, b: m.minimum(a, b), B),
    Op("atan2", lambda m, a, b: m.atan2(a, b), B, domain=(0.3, 2.0)),
    Op("remainder", lambda m, a, b: m.remainder(a, b), B, domain=(0.3, 2.0), gradcheck=False),
    Op("fmod", lambda m, a, b: m.fmod(a, b), B, domain=(0.3, 2.0), gradcheck=False),
    Op("scalar_ops", lambda m, a: (2 - a) * 3 / (a + 4) + 1.5, U),
    Op("lerp", lambda m, a, b: m.lerp(a, b, 0.3), B),
    Op("where", lambda m, a, b: m.where(a > 0, a, b), B),
    Op("hypot", lambda m, a, b: m.hypot(a, b), B, domain=(0.3, 2.0)),
    Op("logaddexp", lambda m, a, b: m.logaddexp(a, b), B),
    # --- reductions
    Op("sum", lambda m, x: x.sum(), U),
    Op("sum_dim", lambda m, x: x.sum(-1), [[(3, 4)], [(2, 3, 4)], [(5,)], [(0, 3)]]),
    Op("sum_dims_keep", lambda m, x: x.sum((0, 2), keepdim=True), [[(2, 3, 4)]]),
    Op("mean", lambda m, x: x.mean(), [[(3, 4)], [(2, 3, 4)], [()]]),
    Op("mean_dim", lambda m, x: x.mean(1, keepdim=True), [[(3, 4)], [(2, 3, 4)]]),
    Op("prod", lambda m, x: x.prod(), [[(3, 4)], [(5,)]]),
    Op("prod_dim", lambda m, x: x.prod(1), [[(3, 4)], [(2, 3, 4)]]),
    Op("var", lambda m, x: x.var(), [[(3, 4)], [(5,)]]),
    Op("var_dim", lambda m, x: x.var(0, correction=0), [[(3, 4)], [(2, 3, 4)]]),
    Op("std_dim", lambda m, x: x.std(1, keepdim=True), [[(3, 4)], [(2, 3, 4)]]),
    Op("max_all", lambda m, x: x.max(), [[(3, 4)], [(5,)], [()]]),
    Op("max_dim", lambda m, x: x.max(1)[0], [[(3, 4)], [(2, 3, 4)]]),
    Op("min_dim_keep", lambda m, x: x.min(0, keepdim=True)[0], [[(3, 4)], [(2, 3, 4)]]),
    Op("amax", lambda m, x: x.amax((0, 1)), [[(3, 4)], [(2, 3, 4)]]),
    Op("amin", lambda m, x: x.amin(-1), [[(3, 4)], [(2, 3, 4)]]),
    Op("logsumexp", lambda m, x: x.logsumexp(1), [[(3, 4)], [(2, 3, 4)]]),
    Op("cumsum", lambda m, x: x.cumsum(0), [[(3, 4)], [(5,)], [(2, 3, 4)]]),
    Op("cumprod", lambda m, x: x.cumprod(1), [[(3, 4)], [(2, 3, 4)]]),
    Op("norm", lambda m, x: x.norm(), [[(3, 4)], [(5,)]]),
    Op("norm_dim", lambda m, x: x.norm(p=3, dim=1), [[(3, 4)], [(2, 3, 4)]], domain=(0.2, 2.0)),
    Op("vector_norm_inf", lambda m, x: m.linalg.vector_norm(x, float("inf"), dim=0),
       [[(3, 4)]]),
    Op("median", lambda m, x: x.median(), [[(3, 5)], [(7,)]]),
    Op("median_dim", lambda m, x: x.median(1)[0], [[(3, 5)]]),
    Op("sort", lambda m, x: x.sort(1)[0], [[(3, 5)], [(2, 3, 4)]]),
    Op("sort_desc", lambda m, x: x.sort(0, descending=True)[0], [[(3, 5)]]),
    Op("topk", lambda m, x: x.topk(2, dim=1)[0], [[(3, 5)], [(2, 3, 4)]]),
    Op("kthvalue", lambda m, x: x.kthvalue(2, dim=1)[0], [[(3, 5)]]),
    # --- movement
    Op("reshape", lambda m, x: x.reshape(4, -1), [[(2, 6)], [(4, 3)]]),
    Op("view", lambda m, x: x.view(-1), [[(2, 6)], [(2, 3, 4)]], noncontig=False),
    Op("permute", lambda m, x: x.permute(2, 0, 1), [[(2, 3, 4)]]),
    Op("transpose", lambda m, x: x.transpose(0, 1) * 2, [[(3, 4)], [(2, 3, 4)]]),
    Op("t", lambda m, x: x.t(), [[(3, 4)], [(5,)]]),
    Op("mT", lambda m, x: x.mT, [[(2, 3, 4)]]),
    Op("expand", lambda m, x: x.expand(3, 2, 4), [[(2, 1)], [(1, 4)]]),
    Op("unsqueeze_squeeze", lambda m, x: x.unsqueeze(1).squeeze(), [[(3, 4)], [(5,)]]),
    Op("flatten", lambda m, x: x.flatten(1), [[(2, 3, 4)]]),
    Op("unflatten", lambda m, x: x.unflatten(1, (2, 2)), [[(3, 4)]]),
    Op("cat", lambda m, a, b: m.cat([a, b], 1), [[(3, 4), (3, 2)], [(2, 0), (2, 3)]]),
    Op("cat0", lambda m, a, b: m.cat([a, b]), [[(3, 4), (2, 4)], [(5,), (3,)]]),
    Op("stack", lambda m, a, b: m.stack([a, b], -1), [[(3, 4), (3, 4)], [(), ()]]),
    Op("hstack", lambda m, a, b: m.hstack([a, b]), [[(3, 4), (3, 2)]]),
    Op("vstack", lambda m, a, b: m.vstack([a, b]), [[(4,), (4,)], [(3, 4), (2, 4)]]),
    Op("flip", lambda m, x: x.flip(0, 1), [[(3, 4)], [(2, 3, 4)]]),
    Op("roll", lambda m, x: m.roll(x, (1, -2), (0, 1)), [[(3, 4)]]),
    Op("roll_flat", lambda m, x: m.roll(x, 2), [[(3, 4)]]),
    Op("repeat", lambda m, x: x.repeat(2, 1, 3), [[(3, 4)], [(2,)]]),
    Op("tile", lambda m, x: m.tile(x, (2,)), [[(3, 4)]]),
    Op("repeat_interleave", lambda m, x: x.repeat_interleave(2, dim=0), [[(3, 4)]]),
    Op("tril", lambda m, x: m.tril(x, -1), [[(4, 4)], [(2, 3, 5)]]),
    Op("triu", lambda m, x: m.triu(x, 1), [[(4, 4)], [(3, 5)]]),
    Op("diag", lambda m, x: m.diag(x), [[(4, 4)], [(3,)]]),
    Op("diagonal", lambda m, x: m.diagonal(x, 1, 0, 1), [[(4, 5)], [(3, 4, 5)]]),
    Op("narrow", lambda m, x: x.narrow(1, 1, 2), [[(3, 4)]]),
    Op("select", lambda m, x: x.select(0, -1), [[(3, 4)]]),
    Op("unbind", lambda m, x: x.unbind(1)[1] * 2, [[(3, 4)]]),
    Op("chunk", lambda m, x: x.chunk(3, 1)[-1], [[(3, 7)]]),
    Op("split", lambda m, x: x.split([1, 3], 1)[1], [[(3, 4)]]),
    Op("split_size", lambda m, x: x.split(2)[1], [[(5, 4)]]),
    Op("clone", lambda m, x: x.clone(), U),
    Op("contiguous", lambda m, x: x.t().contiguous(), [[(3, 4)]]),
    # --- indexing
    Op("getitem_basic", lambda m, x: x[1:, None, ..., ::2], [[(3, 4)], [(2, 3, 4)]]),
    Op("getitem_int", lambda m, x: x[-1], [[(3, 4)]]),
    Op("getitem_adv", lambda m, x: x[[0, 2, 0]], [[(3, 4)]]),
    Op("getitem_adv2", lambda m, x: x[:, [1, 1, 3]], [[(3, 4)]]),
    Op("getitem_bool", lambda m, x: x[x > 0], [[(3, 4)]]),
    Op("gather", lambda m, x, i: x.gather(1, i), [[(3, 4), (3, 5)]], int_args={1: (0, 4)}),
    Op("scatter", lambda m, x, i, s: x.scatter(0, i, s), [[(3, 4), (2, 4), (2, 4)]],
       int_args={1: (0, 3)}, gradcheck=False),
    Op("scatter_add", lambda m, x, i, s: x.scatter_add(1, i, s), [[(3, 4), (3, 6), (3, 6)]],
       int_args={1: (0, 4)}),
    Op("index_select", lambda m, x, i: x.index_select(1, i), [[(3, 4), (5,)]],
       int_args={1: (0, 4)}),
    Op("index_add", lambda m, x, i, s: x.index_add(0, i, s), [[(4, 3), (5,), (5, 3)]],
       int_args={1: (0, 4)}),
    Op("take", lambda m, x, i: m.take(x, i), [[(3, 4), (5,)]], int_args={1: (0, 12)}),
    Op("masked_fill", lambda m, x: x.masked_fill(x > 0.5, -1.0), U),
    Op("masked_select", lambda m, x: m.masked_select(x, x > 0), [[(3, 4)]]),
    Op("index_put", lambda m, x, v: x.index_put((m.tensor([0, 2]),), v), [[(3, 4), (4,)]]),
    # --- linear algebra
    Op("matmul_2d", lambda m, a, b: a @ b, [[(3, 4), (4, 5)]]),
    Op("matmul_vec", lambda m, a, b: a @ b, [[(4,), (4,)], [(3, 4), (4,)], [(4,), (4, 5)]]),
    Op("matmul_batch", lambda m, a, b: a @ b, [[(2, 3, 4), (4, 5)], [(2, 1, 3, 4),
                                                                     (3, 4, 2)]]),
    Op("mm", lambda m, a, b: m.mm(a, b), [[(3, 4), (4, 2)]]),
    Op("bmm", lambda m, a, b: m.bmm(a, b), [[(2, 3, 4), (2, 4, 2)]], noncontig=False),
    Op("mv", lambda m, a, b: m.mv(a, b), [[(3, 4), (4,)]]),
    Op("dot", lambda m, a, b: m.dot(a, b), [[(4,), (4,)]]),
    Op("outer", lambda m, a, b: m.outer(a, b), [[(3,), (4,)]]),
    Op("addmm", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=2.0),
       [[(3, 5), (3, 4), (4, 5)], [(5,), (3, 4), (4, 5)]]),
    Op("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b), [[(2, 3, 5), (2, 3, 4), (2, 4, 5)]],
       noncontig=False),
    Op("einsum_mm", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [[(3, 4), (4, 5)]]),
    Op("einsum_batch", lambda m, a, b: m.einsum("bij,bjk->bik", a, b),
       [[(2, 3, 4), (2, 4, 5)]], noncontig=False),
    Op("einsum_trace", lambda m, a: m.einsum("ii", a), [[(4, 4)]]),
    Op("einsum_outer_sum", lambda m, a, b: m.einsum("i,j->", a, b), [[(3,), (4,)]]),
    Op("einsum_ellipsis", lambda m, a, b: m.einsum("...ij,...jk", a, b),
       [[(2, 3, 4), (2, 4, 5)]], noncontig=False),
    Op("inv", lambda m, a: m.linalg.inv(a + 4 * m.eye(4, dtype=a.dtype)), [[(4, 4)],
                                                                             [(2, 4, 4)]]),
    Op("det", lambda m, a: m.linalg.det(a + 3 * m.eye(3, dtype=a.dtype)), [[(3, 3)],
                                                                            [(2, 3, 3)]]),
    Op("solve", lambda m, a, b: m.linalg.solve(a + 4 * m.eye(4, dtype=a.dtype), b),
       [[(4, 4), (4, 2)], [(4, 4), (4,)]]),
    Op("cross", lambda m, a, b: m.cross(a, b, dim=1), [[(2, 3), (2, 3)]]),
    Op("kron", lambda m, a, b: m.kron(a, b), [[(2, 3), (3, 2)]]),
    Op("cdist", lambda m, a, b: m.cdist(a, b), [[(3, 4), (5, 4)]]),
]

BY_NAME = {op.name: op for op in OPS}
assert len(BY_NAME) == len(OPS), "duplicate op names in the registry"
