"""The in-place functions of torch's namespace (``torch.abs_(x)``, ``torch.sigmoid_(x)``, ...):
each is the Tensor method of the same name (``x.abs_()``), generated from one table.
"""
import math  # noqa: F401  (used by the generated examples)

# name: (example input, extra example arguments, expected output)
_TABLE = {
    "abs_": ("[-1.0, 2.0]", "", "tensor([1., 2.])"),
    "acos_": ("[1.0]", "", "tensor([0.])"),
    "acosh_": ("[1.0]", "", "tensor([0.])"),
    "arccos_": ("[1.0]", "", "tensor([0.])"),
    "arccosh_": ("[1.0]", "", "tensor([0.])"),
    "arcsin_": ("[0.0]", "", "tensor([0.])"),
    "arcsinh_": ("[0.0]", "", "tensor([0.])"),
    "arctan_": ("[0.0]", "", "tensor([0.])"),
    "arctanh_": ("[0.0]", "", "tensor([0.])"),
    "asin_": ("[0.0]", "", "tensor([0.])"),
    "asinh_": ("[0.0]", "", "tensor([0.])"),
    "atan_": ("[0.0]", "", "tensor([0.])"),
    "atanh_": ("[0.0]", "", "tensor([0.])"),
    "ceil_": ("[0.5]", "", "tensor([1.])"),
    "clamp_": ("[-2.0, 2.0]", ", -1, 1", "tensor([-1.,  1.])"),
    "clamp_max_": ("[-2.0, 2.0]", ", 1", "tensor([-2.,  1.])"),
    "clamp_min_": ("[-2.0, 2.0]", ", 1", "tensor([1., 2.])"),
    "clip_": ("[-2.0, 2.0]", ", -1, 1", "tensor([-1.,  1.])"),
    "conj_physical_": ("[1.0]", "", "tensor([1.])"),
    "cos_": ("[0.0]", "", "tensor([1.])"),
    "cosh_": ("[0.0]", "", "tensor([1.])"),
    "deg2rad_": ("[180.0]", "", "tensor([3.1416])"),
    "erf_": ("[0.0]", "", "tensor([0.])"),
    "erfc_": ("[0.0]", "", "tensor([1.])"),
    "exp2_": ("[3.0]", "", "tensor([8.])"),
    "exp_": ("[0.0]", "", "tensor([1.])"),
    "expm1_": ("[0.0]", "", "tensor([0.])"),
    "fix_": ("[-1.5]", "", "tensor([-1.])"),
    "floor_": ("[-1.5]", "", "tensor([-2.])"),
    "frac_": ("[-1.5]", "", "tensor([-0.5000])"),
    "gcd_": ("[12]", ", ember.tensor([18])", "tensor([6])"),
    "i0_": ("[1.0]", "", "tensor([1.2661])"),
    "lcm_": ("[4]", ", ember.tensor([6])", "tensor([12])"),
    "ldexp_": ("[1.0]", ", ember.tensor([3])", "tensor([8.])"),
    "log10_": ("[1.0]", "", "tensor([0.])"),
    "log1p_": ("[0.0]", "", "tensor([0.])"),
    "log2_": ("[8.0]", "", "tensor([3.])"),
    "log_": ("[1.0]", "", "tensor([0.])"),
    "logit_": ("[0.5]", "", "tensor([0.])"),
    "nan_to_num_": ("[float('nan')]", "", "tensor([0.])"),
    "neg_": ("[1.0]", "", "tensor([-1.])"),
    "negative_": ("[1.0]", "", "tensor([-1.])"),
    "rad2deg_": ("[math.pi]", "", "tensor([180.])"),
    "reciprocal_": ("[4.0]", "", "tensor([0.2500])"),
    "relu_": ("[-1.0, 2.0]", "", "tensor([0., 2.])"),
    "round_": ("[1.4]", "", "tensor([1.])"),
    "rsqrt_": ("[4.0]", "", "tensor([0.5000])"),
    "sigmoid_": ("[0.0]", "", "tensor([0.5000])"),
    "sin_": ("[0.0]", "", "tensor([0.])"),
    "sinc_": ("[0.0]", "", "tensor([1.])"),
    "sinh_": ("[0.0]", "", "tensor([0.])"),
    "sqrt_": ("[4.0]", "", "tensor([2.])"),
    "square_": ("[3.0]", "", "tensor([9.])"),
    "tan_": ("[0.0]", "", "tensor([0.])"),
    "tanh_": ("[0.0]", "", "tensor([0.])"),
    "trunc_": ("[-1.5]", "", "tensor([-1.])"),
    "xlogy_": ("[2.0]", ", ember.tensor([1.0])", "tensor([0.])"),
    "addmv_": ("[1.0, 1.0]", ", ember.eye(2), ember.tensor([2.0, 3.0])", "tensor([3., 4.])"),
    "index_put_": ("[0.0, 0.0]", ", (ember.tensor([1]),), ember.tensor(5.0)",
                   "tensor([0., 5.])"),
    "detach_": ("[1.0]", "", "tensor([1.])"),
}

__all__ = sorted(_TABLE)


def _make(name, data, extra, expected):
    method = name

    def fn(input, *args, **kwargs):
        return getattr(input, method)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = __name__
    base = name[:-1]
    fn.__doc__ = (f"In-place :func:`ember.{base}`: ``ember.{name}(x, ...)`` is ``x.{name}(...)``; "
                  f"writes into ``x`` and returns it.\n\n"
                  f"    Args:\n        input (Tensor): the tensor to overwrite.\n"
                  f"        *args, **kwargs: the other arguments of ``ember.{base}``.\n\n"
                  f"    Example::\n\n"
                  f"        >>> ember.{name}(ember.tensor({data}){extra})\n"
                  f"        {expected}\n")
    return fn


for _name, _spec in _TABLE.items():
    globals()[_name] = _make(_name, *_spec)
del _name, _spec
