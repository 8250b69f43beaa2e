"""ember.vision.io: read and write images as uint8 CHW tensors (torchvision.io), via Pillow."""
import enum
import io as _io

import numpy as np

__all__ = ["ImageReadMode", "read_file", "write_file", "decode_image", "read_image",
           "encode_png", "write_png", "encode_jpeg", "write_jpeg", "decode_png", "decode_jpeg"]


class ImageReadMode(enum.Enum):
    """How to convert a decoded image: keep it, or force gray/gray+alpha/RGB/RGBA."""
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA",
             ImageReadMode.RGB: "RGB", ImageReadMode.RGB_ALPHA: "RGBA"}


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError('ember.vision.io needs Pillow: pip install "ember[vision]"') from None
    return Image


def read_file(path):
    """The bytes of a file as a 1-D uint8 tensor.

    Args:
        path (str): the file.

    Example::

        >>> # data = ember.vision.io.read_file("image.png")
    """
    from ..functions import from_numpy
    with open(path, "rb") as f:
        return from_numpy(np.frombuffer(f.read(), dtype=np.uint8).copy())


def write_file(filename, data):
    """Write a 1-D uint8 tensor's bytes to a file.

    Args:
        filename (str): the file.
        data (Tensor): uint8 bytes.

    Example::

        >>> # ember.vision.io.write_file("copy.png", data)
    """
    with open(filename, "wb") as f:
        f.write(np.asarray(data.detach().cpu()._data, dtype=np.uint8).tobytes())


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Decode PNG/JPEG/... bytes (a uint8 tensor, or a path) into a uint8 (C, H, W) tensor.

    Args:
        input (Tensor or str): encoded bytes as a 1-D uint8 tensor, or a file path.
        mode (ImageReadMode): output channels (UNCHANGED keeps the file's).
        apply_exif_orientation (bool): rotate according to the EXIF orientation tag.

    Example::

        >>> # img = ember.vision.io.decode_image(ember.vision.io.read_file("a.png"))
    """
    Image = _pil()
    if isinstance(input, str):
        img = Image.open(input)
    else:
        img = Image.open(_io.BytesIO(np.asarray(input.detach().cpu()._data,
                                                dtype=np.uint8).tobytes()))
    if apply_exif_orientation:
        from PIL import ImageOps
        img = ImageOps.exif_transpose(img)
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if mode in _PIL_MODE:
        img = img.convert(_PIL_MODE[mode])
    elif img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    arr = np.asarray(img, dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    from ..functions import from_numpy
    return from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


decode_png = decode_jpeg = decode_image


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    """Read an image file into a uint8 (C, H, W) tensor.

    Args:
        path (str): the image file.
        mode (ImageReadMode): output channels.
        apply_exif_orientation (bool): rotate according to EXIF.

    Example::

        >>> # img = ember.vision.io.read_image("photo.jpg")   # uint8, (3, H, W)
    """
    return decode_image(path, mode, apply_exif_orientation)


def _encode(input, fmt, **kw):
    Image = _pil()
    arr = np.asarray(input.detach().cpu()._data)
    if arr.dtype != np.uint8 or arr.ndim != 3:
        raise RuntimeError(f"Input tensor dtype should be uint8 with 3 dims (C, H, W), got "
                           f"{arr.dtype} with shape {list(arr.shape)}")
    hwc = arr.transpose(1, 2, 0)
    img = Image.fromarray(hwc[:, :, 0] if hwc.shape[2] == 1 else hwc)
    buf = _io.BytesIO()
    img.save(buf, format=fmt, **kw)
    from ..functions import from_numpy
    return from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):
    """Encode a uint8 (C, H, W) tensor as PNG bytes (a 1-D uint8 tensor).

    Args:
        input (Tensor): uint8 image, 1/3/4 channels.
        compression_level (int): 0 (none) to 9.

    Example::

        >>> data = ember.vision.io.encode_png(ember.zeros(3, 4, 4, dtype=ember.uint8))
        >>> bytes(data[:4].tolist())
        b'\\x89PNG'
    """
    return _encode(input, "PNG", compress_level=compression_level)


def write_png(input, filename, compression_level=6):
    """Write a uint8 (C, H, W) tensor as a PNG file.

    Args:
        input (Tensor): uint8 image.
        filename (str): where to write.
        compression_level (int): 0 to 9.

    Example::

        >>> # ember.vision.io.write_png(img, "out.png")
    """
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality=75):
    """Encode a uint8 (C, H, W) tensor as JPEG bytes.

    Args:
        input (Tensor): uint8 image, 1 or 3 channels.
        quality (int): 1 to 100.

    Example::

        >>> data = ember.vision.io.encode_jpeg(ember.zeros(3, 8, 8, dtype=ember.uint8))
        >>> bytes(data[:2].tolist())
        b'\\xff\\xd8'
    """
    return _encode(input, "JPEG", quality=quality)


def write_jpeg(input, filename, quality=75):
    """Write a uint8 (C, H, W) tensor as a JPEG file.

    Args:
        input (Tensor): uint8 image.
        filename (str): where to write.
        quality (int): 1 to 100.

    Example::

        >>> # ember.vision.io.write_jpeg(img, "out.jpg", quality=90)
    """
    write_file(filename, encode_jpeg(input, quality))
