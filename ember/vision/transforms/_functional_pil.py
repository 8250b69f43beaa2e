"""Pillow implementations behind ``ember.vision.transforms.functional`` (the same Pillow calls torchvision
makes, so PIL results are identical to torchvision's). Pillow is imported lazily."""

import numbers
import sys

import numpy as np


def pil():
    """Import Pillow's modules, or raise ImportError naming the extra to install."""
    try:
        from PIL import Image, ImageEnhance, ImageOps
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            'ember.vision.transforms needs Pillow for PIL images: pip install "ember[vision]" (or pip install pillow)'
        ) from e
    return Image, ImageEnhance, ImageOps


def is_pil_image(img):
    # A PIL image can only exist if PIL.Image was imported, so never import Pillow just to check.
    mod = sys.modules.get("PIL.Image")
    return mod is not None and isinstance(img, mod.Image)


def check(img):
    if not is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def image_fromarray(arr, mode):
    """``Image.fromarray(arr, mode)`` without Pillow's deprecated ``mode`` argument."""
    Image = pil()[0]
    arr = np.ascontiguousarray(arr)
    size = (1 if arr.ndim == 1 else arr.shape[1], arr.shape[0])
    return Image.frombuffer(mode, size, arr.tobytes(), "raw", mode, 0, 1)


def get_dimensions(img):
    check(img)
    width, height = img.size
    return [len(img.getbands()), height, width]


def get_image_size(img):
    check(img)
    return list(img.size)


def get_image_num_channels(img):
    check(img)
    return len(img.getbands())


def hflip(img):
    check(img)
    Image = pil()[0]
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    check(img)
    Image = pil()[0]
    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def _enhance(img, name, factor):
    check(img)
    ImageEnhance = pil()[1]
    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, factor):
    return _enhance(img, "Brightness", factor)


def adjust_contrast(img, factor):
    return _enhance(img, "Contrast", factor)


def adjust_saturation(img, factor):
    return _enhance(img, "Color", factor)


def adjust_sharpness(img, factor):
    return _enhance(img, "Sharpness", factor)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    check(img)
    Image = pil()[0]
    input_mode = img.mode
    if input_mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.int32(hue_factor * 255).astype(np.uint8)  # wraps around, as intended
    h = image_fromarray(np_h, "L")
    return Image.merge("HSV", (h, s, v)).convert(input_mode)


def adjust_gamma(img, gamma, gain=1.0):
    check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    input_mode = img.mode
    img = img.convert("RGB")
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
    return img.point(gamma_map).convert(input_mode)


def parse_fill(fill, img, name="fillcolor"):
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * num_channels
        elif len(fill) != num_channels:
            msg = "The number of elements in 'fill' does not match the number of channels of the image ({} != {})"
            raise ValueError(msg.format(len(fill), num_channels))
        fill = tuple(fill)
    if img.mode != "F":
        if isinstance(fill, (list, tuple)):
            fill = tuple(int(x) for x in fill)
        else:
            fill = int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    check(img)
    Image, _, ImageOps = pil()
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")

    if padding_mode == "constant":
        opts = parse_fill(fill, img, name="fill")
        if img.mode == "P":
            palette = img.getpalette()
            image = ImageOps.expand(img, border=padding, **opts)
            image.putpalette(palette)
            return image
        return ImageOps.expand(img, border=padding, **opts)

    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)
    cropping = -np.minimum(p, 0)
    if cropping.any():
        crop_left, crop_top, crop_right, crop_bottom = (int(c) for c in cropping)
        img = img.crop((crop_left, crop_top, img.width - crop_right, img.height - crop_bottom))
    pad_left, pad_top, pad_right, pad_bottom = (int(v) for v in np.maximum(p, 0))

    if img.mode == "P":
        palette = img.getpalette()
        arr = np.pad(np.asarray(img), ((pad_top, pad_bottom), (pad_left, pad_right)), mode=padding_mode)
        out = Image.fromarray(arr)
        out.putpalette(palette)
        return out
    arr = np.asarray(img)
    if arr.ndim == 3:
        arr = np.pad(arr, ((pad_top, pad_bottom), (pad_left, pad_right), (0, 0)), padding_mode)
    else:
        arr = np.pad(arr, ((pad_top, pad_bottom), (pad_left, pad_right)), padding_mode)
    return Image.fromarray(arr)


def crop(img, top, left, height, width):
    check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size, interpolation):
    check(img)
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix, interpolation=0, fill=None):
    check(img)
    Image = pil()[0]
    opts = parse_fill(fill, img)
    return img.transform(img.size, Image.Transform.AFFINE, matrix, interpolation, **opts)


def perspective(img, perspective_coeffs, interpolation=3, fill=None):
    check(img)
    Image = pil()[0]
    opts = parse_fill(fill, img)
    return img.transform(img.size, Image.Transform.PERSPECTIVE, perspective_coeffs, interpolation, **opts)


def rotate(img, angle, interpolation=0, expand=False, center=None, fill=None):
    check(img)
    opts = parse_fill(fill, img)
    return img.rotate(angle, interpolation, expand, center, **opts)


def to_grayscale(img, num_output_channels):
    check(img)
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        gray = np.array(img.convert("L"), dtype=np.uint8)
        return image_fromarray(np.dstack([gray, gray, gray]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


def invert(img):
    check(img)
    return pil()[2].invert(img)


def posterize(img, bits):
    check(img)
    return pil()[2].posterize(img, bits)


def solarize(img, threshold):
    check(img)
    return pil()[2].solarize(img, threshold)


def autocontrast(img):
    check(img)
    return pil()[2].autocontrast(img)


def equalize(img):
    check(img)
    return pil()[2].equalize(img)
