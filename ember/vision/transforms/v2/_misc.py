"""Miscellaneous v2 transforms: Identity, Lambda, Normalize, GaussianBlur, ToDtype,
ConvertImageDtype, SanitizeBoundingBoxes."""
import warnings

import ember
from ember.func._pytree import tree_flatten, tree_unflatten
from ember.vision import tv_tensors
from ember.vision.tv_tensors import _pure
from ember.vision.transforms import transforms as _v1

from . import functional as F
from ._transform import Transform
from ._utils import (_is_pil, _parse_labels_getter, _setup_number_or_seq, _setup_size,
                     get_bounding_boxes, has_any)
from .functional import is_pure_tensor

__all__ = ["Identity", "Lambda", "Normalize", "GaussianBlur", "ToDtype", "ConvertImageDtype",
           "SanitizeBoundingBoxes", "GaussianNoise", "LinearTransformation"]


class Identity(Transform):
    """Return the input unchanged.

    Args:
        (none)

    Example::

        >>> Identity()(ember.ones(1)).tolist()
        [1.0]
    """

    def transform(self, inpt, params):
        return inpt


class Lambda(Transform):
    """Apply ``lambd`` to every input of the given types (all inputs by default).

    Args:
        lambd (callable): the function.
        *types (type): the input types it applies to; default every type.

    Example::

        >>> Lambda(lambda x: x * 2, ember.Tensor)(ember.ones(1), 3)
        (tensor([2.]), 3)
    """
    _transformed_types = (object,)

    def __init__(self, lambd, *types):
        super().__init__()
        self.lambd = lambd
        self.types = types or self._transformed_types

    def transform(self, inpt, params):
        return self.lambd(inpt) if isinstance(inpt, self.types) else inpt

    def extra_repr(self):
        extras = []
        name = getattr(self.lambd, "__name__", None)
        if name:
            extras.append(name)
        extras.append(f"types={[t.__name__ for t in self.types]}")
        return ", ".join(extras)


class Normalize(Transform):
    """Normalize float images and videos channel-wise: ``(x - mean[c]) / std[c]``.

    Args:
        mean (sequence of float): per-channel means.
        std (sequence of float): per-channel standard deviations.
        inplace (bool): modify the input. Default: ``False``.

    Example::

        >>> Normalize([0.5], [0.5])(ember.ones(1, 1, 2)).tolist()
        [[[1.0, 1.0]]]
    """
    _v1_transform_cls = _v1.Normalize

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = list(mean)
        self.std = list(std)
        self.inplace = inplace

    def check_inputs(self, sample):
        if has_any(sample, _is_pil):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        return self._call_kernel(F.normalize, inpt, mean=self.mean, std=self.std,
                                 inplace=self.inplace)


class GaussianBlur(Transform):
    """Blur images and videos with a Gaussian kernel of random ``sigma``.

    Args:
        kernel_size (int or sequence): odd positive size(s).
        sigma (float or (min, max)): the range ``sigma`` is drawn from. Default: ``(0.1, 2.0)``.

    Example::

        >>> GaussianBlur(3)(ember.rand(3, 5, 5)).shape
        torch.Size([3, 5, 5])
    """
    _v1_transform_cls = _v1.GaussianBlur

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _setup_size(kernel_size,
                                       "Kernel size should be a tuple/list of two integers")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        self.sigma = _setup_number_or_seq(sigma, "sigma")
        if not 0.0 < self.sigma[0] <= self.sigma[1]:
            raise ValueError(f"sigma values should be positive and of the form (min, max). Got "
                             f"{self.sigma}")

    def make_params(self, flat_inputs):
        sigma = float(ember.empty(1).uniform_(self.sigma[0], self.sigma[1]).item())
        return dict(sigma=[sigma, sigma])

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_blur, inpt, self.kernel_size, **params)


class ToDtype(Transform):
    """Convert dtypes; ``scale=True`` rescales image and video values to the new range.

    With one dtype only images, videos and plain tensors treated as images are converted.
    A dict maps input types (or ``"others"``) to dtypes (``None`` passes through), e.g.
    ``{tv_tensors.Image: ember.float32, tv_tensors.Mask: ember.int64, "others": None}``.

    Args:
        dtype (ember.dtype or dict): the target dtype(s).
        scale (bool): rescale image/video values. Default: ``False``.

    Example::

        >>> img = tv_tensors.Image(ember.full((1, 1, 1), 255, dtype=ember.uint8))
        >>> ToDtype(ember.float32, scale=True)(img).tolist()
        [[[1.0]]]
    """
    _transformed_types = (ember.Tensor,)

    def __init__(self, dtype, scale=False):
        super().__init__()
        if not isinstance(dtype, (dict, ember.dtype)):
            raise ValueError(f"dtype must be a dict or a torch.dtype, got {type(dtype)} instead")
        if (isinstance(dtype, dict) and ember.Tensor in dtype
                and any(cls in dtype for cls in [tv_tensors.Image, tv_tensors.Video])):
            warnings.warn(
                "Got `dtype` values for `torch.Tensor` and either `tv_tensors.Image` or "
                "`tv_tensors.Video`. Note that a plain `torch.Tensor` will *not* be transformed by "
                "this (or any other transformation) in case a `tv_tensors.Image` or "
                "`tv_tensors.Video` is present in the input.")
        self.dtype = dtype
        self.scale = scale

    def transform(self, inpt, params):
        if isinstance(self.dtype, ember.dtype):
            if not is_pure_tensor(inpt) and not isinstance(inpt, (tv_tensors.Image,
                                                                  tv_tensors.Video)):
                return inpt
            dtype = self.dtype
        elif type(inpt) in self.dtype:
            dtype = self.dtype[type(inpt)]
        elif "others" in self.dtype:
            dtype = self.dtype["others"]
        else:
            raise ValueError(
                f"No dtype was specified for type {type(inpt)}. If you only need to convert the "
                "dtype of images or videos, you can just pass e.g. dtype=torch.float32. If you're "
                "passing a dict as dtype, you can use \"others\" as a catch-all key e.g. "
                "dtype={tv_tensors.Mask: torch.int64, \"others\": None} to pass-through the rest "
                "of the inputs.")
        supports_scaling = is_pure_tensor(inpt) or isinstance(inpt, (tv_tensors.Image,
                                                                     tv_tensors.Video))
        if dtype is None:
            if self.scale and supports_scaling:
                warnings.warn("scale was set to True but no dtype was specified for images or "
                              "videos: no scaling will be done.")
            return inpt
        return self._call_kernel(F.to_dtype, inpt, dtype=dtype, scale=self.scale)


class ConvertImageDtype(Transform):
    """Convert images and videos to ``dtype``, rescaling their values
    (``ToDtype(dtype, scale=True)``).

    Args:
        dtype (ember.dtype): the target dtype. Default: float32.

    Example::

        >>> ConvertImageDtype()(ember.tensor([[[255]]], dtype=ember.uint8)).tolist()
        [[[1.0]]]
    """
    _v1_transform_cls = _v1.ConvertImageDtype

    def __init__(self, dtype=ember.float32):
        super().__init__()
        self.dtype = dtype

    def transform(self, inpt, params):
        return self._call_kernel(F.to_dtype, inpt, dtype=self.dtype, scale=True)


class SanitizeBoundingBoxes(Transform):
    """Remove degenerate bounding boxes (too small, or outside the canvas) together with the
    matching masks and labels.

    Args:
        min_size (float): minimum width and height. Default: 1.
        min_area (float): minimum area. Default: 1.
        labels_getter (callable, "default" or None): finds the labels to filter; the default
            looks for a ``"labels"`` key (or one containing "label") in the sample's dict.

    Example::

        >>> boxes = tv_tensors.BoundingBoxes([[0, 0, 4, 4], [2, 2, 2, 5]], format="XYXY",
        ...                                  canvas_size=(8, 8))
        >>> out = SanitizeBoundingBoxes()({"boxes": boxes, "labels": ember.tensor([1, 2])})
        >>> out["boxes"].tolist(), out["labels"].tolist()
        ([[0, 0, 4, 4]], [1])
    """

    def __init__(self, min_size=1.0, min_area=1.0, labels_getter="default"):
        super().__init__()
        if min_size < 1:
            raise ValueError(f"min_size must be >= 1, got {min_size}.")
        self.min_size = min_size
        if min_area < 1:
            raise ValueError(f"min_area must be >= 1, got {min_area}.")
        self.min_area = min_area
        self.labels_getter = labels_getter
        self._labels_getter = _parse_labels_getter(labels_getter)

    def forward(self, *inputs):
        inputs = inputs if len(inputs) > 1 else inputs[0]
        labels = self._labels_getter(inputs)
        if labels is not None:
            msg = "The labels in the input to forward() must be a tensor or None, got {type} instead."
            if isinstance(labels, ember.Tensor):
                labels = (labels,)
            elif isinstance(labels, (tuple, list)):
                for entry in labels:
                    if not isinstance(entry, ember.Tensor):
                        raise ValueError(msg.format(type=type(entry)))
            else:
                raise ValueError(msg.format(type=type(labels)))
        flat_inputs, spec = tree_flatten(inputs)
        boxes = get_bounding_boxes(flat_inputs)
        if labels is not None:
            for label in labels:
                if boxes.shape[0] != label.shape[0]:
                    raise ValueError(
                        f"Number of boxes (shape={boxes.shape}) and must match the number of "
                        f"labels.Found labels with shape={label.shape}).")
        valid = F._misc._get_sanitize_bounding_boxes_mask(
            boxes, format=boxes.format, canvas_size=boxes.canvas_size, min_size=self.min_size,
            min_area=self.min_area)
        params = dict(valid=valid, labels=labels)
        return tree_unflatten([self.transform(inpt, params) for inpt in flat_inputs], spec)

    def transform(self, inpt, params):
        is_label = params["labels"] is not None and any(inpt is label
                                                        for label in params["labels"])
        is_boxes_or_mask = isinstance(inpt, (tv_tensors.BoundingBoxes, tv_tensors.Mask))
        if not (is_label or is_boxes_or_mask):
            return inpt
        try:
            output = _pure(inpt)[params["valid"]]
        except IndexError:
            return inpt
        return output if is_label else tv_tensors.wrap(output, like=inpt)


class GaussianNoise(Transform):
    """Add Gaussian noise to float images in [0, 1] and uint8 images (``mean`` and ``sigma``
    are in units of the full range either way); every image or frame gets its own noise.

    Args:
        mean (float): mean of the noise. Default: 0.
        sigma (float): standard deviation. Default: 0.1.
        clip (bool): clamp to the valid range afterwards. Default: ``True``.

    Example::

        >>> out = GaussianNoise(sigma=0.05)(ember.full((3, 8, 8), 0.5))
        >>> bool((out - 0.5).abs().max() < 0.5), bool(out.std() > 0)
        (True, True)
    """

    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        super().__init__()
        self.mean = mean
        self.sigma = sigma
        self.clip = clip

    def transform(self, inpt, params):
        return self._call_kernel(F.gaussian_noise, inpt, mean=self.mean, sigma=self.sigma,
                                 clip=self.clip)


class LinearTransformation(Transform):
    """Flatten each image or video frame ``[C, H, W]`` to ``D = C * H * W`` values, subtract
    ``mean_vector`` and multiply by ``transformation_matrix`` (e.g. ZCA whitening computed
    offline); differentiable. PIL images are not supported.

    Args:
        transformation_matrix (Tensor): ``[D, D]``.
        mean_vector (Tensor): ``[D]``.

    Example::

        >>> t = LinearTransformation(2 * ember.eye(12), ember.ones(12))
        >>> t(ember.full((3, 2, 2), 3.0)).flatten().tolist()[:3]
        [4.0, 4.0, 4.0]
    """
    _v1_transform_cls = _v1.LinearTransformation
    _transformed_types = (is_pure_tensor, tv_tensors.Image, tv_tensors.Video)

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        _v1.LinearTransformation(transformation_matrix, mean_vector)  # validates the arguments
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def check_inputs(self, flat_inputs):
        if has_any(flat_inputs, _is_pil):
            raise TypeError(f"{type(self).__name__}() does not support PIL images.")

    def transform(self, inpt, params):
        # the v1 transform's forward only reads the matrix and the mean vector
        output = _v1.LinearTransformation.forward(self, _pure(inpt))
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)):
            output = tv_tensors.wrap(output, like=inpt)
        return output
