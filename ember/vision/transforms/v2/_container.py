"""Containers of v2 transforms: Compose, RandomApply, RandomChoice, RandomOrder."""
from collections.abc import Sequence

import ember
from ember import nn
from ember.vision.transforms import transforms as _v1

from ._transform import Transform

__all__ = ["Compose", "RandomApply", "RandomChoice", "RandomOrder"]


def _check_transforms(transforms, allow_module_list=False):
    ok = (Sequence, nn.ModuleList) if allow_module_list else Sequence
    if not isinstance(transforms, ok):
        extra = " or a `nn.ModuleList`" if allow_module_list else ""
        raise TypeError(f"Argument transforms should be a sequence of callables{extra}")
    if not transforms:
        raise ValueError("Pass at least one transform")


def _run(transforms, inputs):
    needs_unpacking = len(inputs) > 1
    for transform in transforms:
        outputs = transform(*inputs)
        inputs = outputs if needs_unpacking else (outputs,)
    return outputs


class Compose(Transform):
    """Apply transforms one after the other. With several arguments (``t(img, target)``) each
    transform gets and returns all of them.

    Args:
        transforms (sequence of callables): the transforms.

    Example::

        >>> from ember.vision.transforms import v2
        >>> t = v2.Compose([v2.ToDtype(ember.float32, scale=True), v2.ToPureTensor()])
        >>> t(tv_tensors.Image(ember.full((1, 1, 1), 255, dtype=ember.uint8))).tolist()
        [[[1.0]]]
    """

    def __init__(self, transforms):
        super().__init__()
        _check_transforms(transforms)
        self.transforms = transforms

    def forward(self, *inputs):
        return _run(self.transforms, inputs)

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomApply(Transform):
    """Apply a list of transforms (in order) with probability ``p``, else nothing.

    Args:
        transforms (sequence of callables or nn.ModuleList): the transforms.
        p (float): the probability. Default: 0.5.

    Example::

        >>> from ember.vision.transforms import v2
        >>> v2.RandomApply([v2.RandomHorizontalFlip(1.0)], p=1.0)(ember.tensor([[[1, 2]]])).tolist()
        [[[2, 1]]]
    """
    _v1_transform_cls = _v1.RandomApply

    def __init__(self, transforms, p=0.5):
        super().__init__()
        _check_transforms(transforms, allow_module_list=True)
        self.transforms = transforms
        if not (0.0 <= p <= 1.0):
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        self.p = p

    def forward(self, *inputs):
        if float(ember.rand(1)) >= self.p:
            return inputs if len(inputs) > 1 else inputs[0]
        return _run(self.transforms, inputs)

    def extra_repr(self):
        return "\n".join(f"    {t}" for t in self.transforms)


class RandomChoice(Transform):
    """Apply one transform picked at random (with weights ``p``).

    Args:
        transforms (sequence of callables): the candidates.
        p (list of float, optional): their weights (normalised); default equal.

    Example::

        >>> from ember.vision.transforms import v2
        >>> v2.RandomChoice([v2.Identity()])(3)
        3
    """

    def __init__(self, transforms, p=None):
        _check_transforms(transforms)
        if p is None:
            p = [1] * len(transforms)
        elif len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != "
                             f"{len(transforms)}")
        super().__init__()
        self.transforms = transforms
        total = sum(p)
        self.p = [prob / total for prob in p]

    def forward(self, *inputs):
        idx = int(ember.multinomial(ember.tensor(self.p), 1))
        return self.transforms[idx](*inputs)


class RandomOrder(Transform):
    """Apply all transforms in a random order.

    Args:
        transforms (sequence of callables): the transforms.

    Example::

        >>> from ember.vision.transforms import v2
        >>> v2.RandomOrder([v2.Identity(), v2.Identity()])(3)
        3
    """

    def __init__(self, transforms):
        _check_transforms(transforms)
        super().__init__()
        self.transforms = transforms

    def forward(self, *inputs):
        needs_unpacking = len(inputs) > 1
        for idx in ember.randperm(len(self.transforms)).tolist():
            outputs = self.transforms[idx](*inputs)
            inputs = outputs if needs_unpacking else (outputs,)
        return outputs
