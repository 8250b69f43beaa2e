"""The preprocessing presets attached to pretrained weights (torchvision's
``transforms._presets``). Build them through ``weights.transforms()``.
"""
from ember import nn
from ember.vision.transforms import functional as F
from ember.vision.transforms.functional import InterpolationMode

__all__ = ["ImageClassification"]


class ImageClassification(nn.Module):
    """Evaluation preprocessing of the ImageNet classifiers: resize, center crop, scale to
    ``[0, 1]`` floats, normalize.

    Accepts PIL images and ``(C, H, W)`` / ``(B, C, H, W)`` tensors (uint8 or float).

    Args:
        crop_size (int): side of the central crop.
        resize_size (int): the smaller image edge is resized to this first. Default: 256
        mean (tuple[float]): per-channel mean. Default: ImageNet's ``(0.485, 0.456, 0.406)``
        std (tuple[float]): per-channel std. Default: ImageNet's ``(0.229, 0.224, 0.225)``
        interpolation (InterpolationMode): resize interpolation. Default: ``BILINEAR``
        antialias (bool, optional): antialiased resize. Default: True

    Example::

        >>> import ember
        >>> from ember.vision.models import ResNet18_Weights
        >>> preprocess = ResNet18_Weights.DEFAULT.transforms()
        >>> preprocess(ember.randint(0, 256, (3, 300, 400), dtype=ember.uint8)).shape
        torch.Size([3, 224, 224])
    """

    def __init__(
        self,
        *,
        crop_size,
        resize_size=256,
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225),
        interpolation=InterpolationMode.BILINEAR,
        antialias=True,
    ):
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        import ember

        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, ember.float)
        img = F.normalize(img, mean=self.mean, std=self.std)
        return img

    def __repr__(self):
        format_string = self.__class__.__name__ + "("
        format_string += f"\n    crop_size={self.crop_size}"
        format_string += f"\n    resize_size={self.resize_size}"
        format_string += f"\n    mean={self.mean}"
        format_string += f"\n    std={self.std}"
        format_string += f"\n    interpolation={self.interpolation}"
        format_string += "\n)"
        return format_string

    def describe(self):
        """A sentence describing the preprocessing (used in the model docs)."""
        return (
            "Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image ``torch.Tensor`` objects. "
            f"The images are resized to ``resize_size={self.resize_size}`` using ``interpolation={self.interpolation}``, "
            f"followed by a central crop of ``crop_size={self.crop_size}``. Finally the values are first rescaled to "
            f"``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` and ``std={self.std}``."
        )
