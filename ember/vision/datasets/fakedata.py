"""FakeData: random images, reproducible per index (torchvision.datasets.FakeData)."""

import numpy as np

from .vision import VisionDataset, _pil_image

__all__ = ["FakeData"]

_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


class FakeData(VisionDataset):
    """A fake dataset of random PIL images and random class indices.

    Item ``i`` is generated from a NumPy generator seeded with ``i + random_offset``, so it is
    the same every time (the global random state is not touched). As torchvision does, the
    image is standard-normal noise converted like ``ToPILImage`` converts a float tensor
    (``x * 255`` cast to uint8). The values differ from torchvision's (different generator).

    Args:
        size (int, optional): number of items. Default: 1000.
        image_size (tuple, optional): ``(C, H, W)`` with C = 1 ('L'), 3 ('RGB') or 4 ('RGBA').
            Default: ``(3, 224, 224)``.
        num_classes (int, optional): number of classes. Default: 10.
        transform (callable, optional): applied to the PIL image.
        target_transform (callable, optional): applied to the target (an int).
        random_offset (int, optional): offset added to the index-based seed. Default: 0.

    Example::

        >>> from ember.vision.datasets import FakeData
        >>> ds = FakeData(size=4, image_size=(3, 8, 8))
        >>> img, target = ds[0]
        >>> img.size, img.mode, 0 <= target < 10
        ((8, 8), 'RGB', True)
    """

    def __init__(
        self,
        size=1000,
        image_size=(3, 224, 224),
        num_classes=10,
        transform=None,
        target_transform=None,
        random_offset=0,
    ):
        super().__init__(transform=transform, target_transform=target_transform)
        if len(image_size) != 3 or image_size[0] not in _MODES:
            raise ValueError(f"image_size must be (C, H, W) with C in (1, 3, 4), got {tuple(image_size)}")
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        """Return ``(image, target)`` for item ``index`` (the same on every call)."""
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)
        img = rng.standard_normal(self.image_size, dtype=np.float32)
        target = int(rng.integers(0, self.num_classes))
        # ToPILImage on a float tensor: mul(255) then a C cast to uint8 (truncate, wrap mod 256)
        pixels = (img * 255).astype(np.int64).astype(np.uint8).transpose(1, 2, 0)
        if pixels.shape[2] == 1:
            pixels = pixels[:, :, 0]
        img = _pil_image().fromarray(np.ascontiguousarray(pixels))
        return self._apply_transforms(img, target)

    def __len__(self):
        return self.size
