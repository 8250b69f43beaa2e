"""Builders for TensorBoard ``Summary`` protocol buffers (the messages SummaryWriter writes).

Each function returns a ``tensorboard.compat.proto.summary_pb2.Summary`` built with TensorBoard's
own protobuf classes, following ``torch.utils.tensorboard.summary`` value for value. The
``tensorboard`` package is imported inside the functions, so importing this module never needs it.
"""

import io
import json
import wave

import numpy as np

from ._convert import convert_to_HWC, make_np, prepare_video
from ._deps import require_pillow, require_tensorboard

__all__ = [
    "scalar", "tensor_proto", "histogram_raw", "histogram", "make_histogram", "image",
    "image_boxes", "make_image", "video", "make_video", "audio", "custom_scalars", "text",
    "pr_curve_raw", "pr_curve", "compute_curve", "hparams", "mesh", "default_bins",
]


def _pb():
    """The summary protobuf module (imported lazily)."""
    require_tensorboard()
    from tensorboard.compat.proto import summary_pb2

    return summary_pb2


def _plugin_metadata(plugin_name, content=b""):
    pb = _pb()
    return pb.SummaryMetadata(
        plugin_data=pb.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content)
    )


def _shape(dims):
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in dims])


_DEFAULT_BINS = None


def default_bins():
    """The bucket edges TensorFlow/TensorBoard use for ``bins='tensorflow'`` histograms.

    Edges grow geometrically by a factor 1.1 from 1e-12 to 1e20, mirrored for negative values
    around 0 (exactly the list ``torch.utils.tensorboard.SummaryWriter.default_bins`` holds).

    Returns:
        list of float (computed once, then cached; do not modify it).

    Example:
        >>> len(default_bins())
        1549
    """
    global _DEFAULT_BINS
    if _DEFAULT_BINS is None:
        v = 1e-12
        buckets = []
        while v < 1e20:
            buckets.append(v)
            v *= 1.1
        _DEFAULT_BINS = [-b for b in reversed(buckets)] + [0] + buckets
    return _DEFAULT_BINS


def scalar(name, tensor, new_style=False, double_precision=False):
    """A Summary holding one scalar value.

    Args:
        name (str): the tag.
        tensor: a number, or a tensor/array with exactly one element.
        new_style (bool): store it as a 0-d tensor of the ``scalars`` plugin (faster to load)
            instead of the legacy ``simple_value`` field. Default: False.
        double_precision (bool): with ``new_style``, store a float64 instead of a float32.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> scalar("loss", 0.5).value[0].simple_value   # doctest: +SKIP
        0.5
    """
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto

    arr = make_np(tensor).squeeze()
    if arr.ndim != 0:
        raise AssertionError(
            f"Tensor should contain one element (0 dimensions). Was given size: {arr.size} "
            f"and {arr.ndim} dimensions."
        )
    value = float(arr)
    if not new_style:
        return pb.Summary(value=[pb.Summary.Value(tag=name, simple_value=value)])
    if double_precision:
        proto = TensorProto(double_val=[value], dtype="DT_DOUBLE")
    else:
        proto = TensorProto(float_val=[value], dtype="DT_FLOAT")
    return pb.Summary(value=[pb.Summary.Value(
        tag=name, tensor=proto, metadata=_plugin_metadata("scalars"))])


# numpy dtype -> (TensorProto dtype, TensorProto field)
_TENSOR_FIELDS = {
    np.dtype(np.float16): ("DT_HALF", "half_val"),
    np.dtype(np.float32): ("DT_FLOAT", "float_val"),
    np.dtype(np.float64): ("DT_DOUBLE", "double_val"),
    np.dtype(np.int8): ("DT_INT8", "int_val"),
    np.dtype(np.uint8): ("DT_UINT8", "int_val"),
    np.dtype(np.int16): ("DT_INT16", "int_val"),
    np.dtype(np.int32): ("DT_INT32", "int_val"),
    np.dtype(np.int64): ("DT_INT64", "int64_val"),
    np.dtype(np.bool_): ("DT_BOOL", "bool_val"),
    np.dtype(np.complex64): ("DT_COMPLEX64", "scomplex_val"),
    np.dtype(np.complex128): ("DT_COMPLEX128", "dcomplex_val"),
}


def tensor_proto(tag, tensor):
    """A Summary holding a whole tensor (the ``tensor`` plugin), as ``SummaryWriter.add_tensor``.

    Args:
        tag (str): the tag.
        tensor: ember tensor or NumPy array of a float, int, bool or complex dtype.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> tensor_proto("x", np.array([1.0, 2.0], np.float32))   # doctest: +SKIP
    """
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto

    arr = np.asarray(make_np(tensor))
    if arr.nbytes >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    if arr.dtype not in _TENSOR_FIELDS:
        raise ValueError(f"{tag} has unsupported tensor dtype {arr.dtype}")
    dtype, field = _TENSOR_FIELDS[arr.dtype]
    flat = arr.reshape(-1)
    if field == "half_val":  # TensorFlow stores each half as its 16-bit pattern
        values = flat.view(np.uint16).astype(np.int64).tolist()
    elif field in ("scomplex_val", "dcomplex_val"):  # real/imaginary pairs
        values = np.stack([flat.real, flat.imag], -1).reshape(-1).tolist()
    else:
        values = flat.tolist()
    proto = TensorProto(dtype=dtype, tensor_shape=_shape(arr.shape), **{field: values})
    return pb.Summary(value=[pb.Summary.Value(
        tag=tag, metadata=_plugin_metadata("tensor"), tensor=proto)])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):  # noqa: A002
    """A Summary holding a histogram given by its statistics and buckets.

    Args:
        name (str): the tag.
        min, max (float): smallest and largest value.
        num (int): number of values.
        sum, sum_squares (float): sum of the values and of their squares.
        bucket_limits (sequence of float): upper edge of each bucket.
        bucket_counts (sequence of float): number of values in each bucket.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> histogram_raw("h", 0, 2, 3, 3, 5, [1, 2], [1, 2])   # doctest: +SKIP
    """
    pb = _pb()
    hist = pb.HistogramProto(
        min=float(min), max=float(max), num=float(num), sum=float(sum),
        sum_squares=float(sum_squares),
        bucket_limit=[float(b) for b in make_np(bucket_limits).reshape(-1)],
        bucket=[float(c) for c in make_np(bucket_counts).reshape(-1)],
    )
    return pb.Summary(value=[pb.Summary.Value(tag=name, histo=hist)])


def make_histogram(values, bins, max_bins=None):
    """Build a ``HistogramProto`` from values, the way TensorFlow's ``histogram.cc`` does.

    ``np.histogram(values, bins)`` is computed, optionally merged down to at most ``max_bins``
    buckets, and the empty buckets at both ends are trimmed (keeping one empty bucket on the left
    so TensorBoard knows where the data starts).

    Args:
        values (numpy.ndarray): float64 values (any shape; flattened).
        bins: anything ``numpy.histogram`` accepts (an int, a list of edges, 'auto', 'fd', ...).
        max_bins (int, optional): merge adjacent buckets so there are at most this many.

    Returns:
        ``HistogramProto``.

    Example:
        >>> make_histogram(np.arange(4.0), bins=2).num   # doctest: +SKIP
        4.0
    """
    pb = _pb()
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:
        subsampling = num_bins // max_bins
        remainder = num_bins % subsampling
        if remainder != 0:
            counts = np.pad(counts, pad_width=[[0, subsampling - remainder]],
                            mode="constant", constant_values=0)
        counts = counts.reshape(-1, subsampling).sum(axis=-1)
        new_limits = np.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:subsampling]
        new_limits[-1] = limits[-1]
        limits = new_limits

    # Trim the empty buckets at both ends (first/last nonzero bucket), keeping one empty bucket
    # before the data.
    cum_counts = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start = int(start)
    end = int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError(
            "The histogram is empty: no value falls inside the bins (are the values finite and "
            "inside the bin range?)"
        )
    return pb.HistogramProto(
        min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
        sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist(),
    )


def histogram(name, values, bins, max_bins=None):
    """A Summary holding the histogram of ``values``.

    Args:
        name (str): the tag.
        values: ember tensor, NumPy array or numbers (any shape).
        bins: ``'tensorflow'`` for TensorBoard's default buckets, or anything ``numpy.histogram``
            accepts.
        max_bins (int, optional): merge buckets down to at most this many.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> histogram("w", np.random.randn(100), "tensorflow")   # doctest: +SKIP
    """
    pb = _pb()
    if isinstance(bins, str) and bins == "tensorflow":
        bins = default_bins()
    values = make_np(values)
    hist = make_histogram(values.astype(float), bins, max_bins)
    return pb.Summary(value=[pb.Summary.Value(tag=name, histo=hist)])


def _to_uint8_hwc(tensor, dataformats):
    """Array in ``dataformats`` -> uint8 HWC: floats are taken as [0, 1] and scaled by 255."""
    arr = convert_to_HWC(make_np(tensor), dataformats)
    scale_factor = 1 if arr.dtype == np.uint8 else 255
    return (arr.astype(np.float32) * scale_factor).clip(0, 255).astype(np.uint8)


def make_image(tensor, rescale=1, rois=None, labels=None):
    """PNG-encode a uint8 ``(H, W, C)`` array into a ``Summary.Image``.

    Args:
        tensor (numpy.ndarray): uint8 array of shape ``(H, W, 3)`` or ``(H, W, 4)``.
        rescale (float): resize factor applied before encoding (Lanczos). Default: 1.
        rois (numpy.ndarray, optional): ``(K, 4)`` boxes ``(xmin, ymin, xmax, ymax)`` to draw.
        labels (list of str, optional): one label per box.

    Returns:
        ``Summary.Image`` (height/width are those of the input array, as in torch).

    Example:
        >>> make_image(np.zeros((2, 3, 3), np.uint8)).width   # doctest: +SKIP
        3
    """
    pb = _pb()
    image_module = require_pillow()
    height, width, channel = tensor.shape
    img = image_module.fromarray(tensor)
    if rois is not None:
        img = _draw_boxes(img, rois, labels=labels)
    if rescale != 1:
        img = img.resize((int(width * rescale), int(height * rescale)),
                         image_module.Resampling.LANCZOS)
    with io.BytesIO() as output:
        img.save(output, format="PNG")
        data = output.getvalue()
    return pb.Summary.Image(height=height, width=width, colorspace=channel,
                            encoded_image_string=data)


def _draw_boxes(img, boxes, labels=None):
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    for i in range(boxes.shape[0]):
        left, top, right, bottom = (float(v) for v in boxes[i, :4])
        draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)],
                  width=2, fill="Red")
        if labels is not None:
            text = str(labels[i])
            x0, y0, x1, y1 = font.getbbox(text)
            text_w, text_h = x1 - x0, y1 - y0
            margin = np.ceil(0.05 * text_h)
            draw.rectangle([(left, bottom - text_h - 2 * margin), (left + text_w, bottom)],
                           fill="Red")
            draw.text((left + margin, bottom - text_h - margin), text, fill="black", font=font)
    return img


def image(tag, tensor, rescale=1, dataformats="NCHW"):
    """A Summary holding one PNG image (a batch is tiled into a grid, 8 images per row).

    Float images are taken to be in [0, 1] and multiplied by 255; uint8 images are used as they
    are; values are clipped to [0, 255] and truncated to uint8 (as torch does).

    Args:
        tag (str): the tag.
        tensor: image data (ember tensor or NumPy array).
        rescale (float): resize factor. Default: 1.
        dataformats (str): layout of ``tensor``: ``NCHW``, ``NHWC``, ``CHW``, ``HWC``, ``HW``...

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> image("img", np.random.rand(3, 8, 8), dataformats="CHW")   # doctest: +SKIP
    """
    pb = _pb()
    img = make_image(_to_uint8_hwc(tensor, dataformats), rescale=rescale)
    return pb.Summary(value=[pb.Summary.Value(tag=tag, image=img)])


def image_boxes(tag, tensor_image, tensor_boxes, rescale=1, dataformats="CHW", labels=None):
    """A Summary holding one image with bounding boxes drawn on it.

    Args:
        tag (str): the tag.
        tensor_image: image data in ``dataformats`` layout.
        tensor_boxes: ``(K, 4)`` boxes ``(xmin, ymin, xmax, ymax)`` in pixels.
        rescale (float): resize factor. Default: 1.
        dataformats (str): layout of the image. Default: ``'CHW'``.
        labels (list of str, optional): one label per box.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> image_boxes("b", np.zeros((3, 8, 8)), np.array([[1, 1, 5, 5]]))   # doctest: +SKIP
    """
    pb = _pb()
    img = make_image(_to_uint8_hwc(tensor_image, dataformats), rescale=rescale,
                     rois=make_np(tensor_boxes), labels=labels)
    return pb.Summary(value=[pb.Summary.Value(tag=tag, image=img)])


def make_video(tensor, fps):
    """Encode uint8 frames ``(T, H, W, C)`` as an animated GIF inside a ``Summary.Image``.

    torch uses moviepy for this; we write the GIF with Pillow, which TensorBoard's image
    dashboard shows the same way.

    Args:
        tensor (numpy.ndarray): uint8 frames ``(T, H, W, C)`` with C = 1, 3 or 4.
        fps (float): frames per second.

    Returns:
        ``Summary.Image`` holding the GIF.

    Example:
        >>> make_video(np.zeros((2, 4, 4, 3), np.uint8), fps=4)   # doctest: +SKIP
    """
    pb = _pb()
    image_module = require_pillow()
    t, h, w, c = tensor.shape
    frames = [image_module.fromarray(f[:, :, 0] if c == 1 else f[:, :, :3]) for f in tensor]
    with io.BytesIO() as out:
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:],
                       duration=int(round(1000.0 / fps)), loop=0)
        data = out.getvalue()
    return pb.Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=data)


def video(tag, tensor, fps=4):
    """A Summary holding a video batch ``(N, T, C, H, W)`` as an animated GIF.

    Args:
        tag (str): the tag.
        tensor: uint8 in [0, 255] or float in [0, 1], shape ``(N, T, C, H, W)``.
        fps (float): frames per second. Default: 4.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> video("v", np.random.rand(1, 3, 3, 8, 8))   # doctest: +SKIP
    """
    pb = _pb()
    frames = prepare_video(make_np(tensor))
    scale_factor = 1 if frames.dtype == np.uint8 else 255
    frames = (frames.astype(np.float32) * scale_factor).clip(0, 255).astype(np.uint8)
    return pb.Summary(value=[pb.Summary.Value(tag=tag, image=make_video(frames, fps))])


def audio(tag, tensor, sample_rate=44100):
    """A Summary holding a mono clip encoded as 16-bit WAV.

    Args:
        tag (str): the tag.
        tensor: samples in [-1, 1], shape ``(L,)`` or ``(1, L)``; out-of-range values are clipped.
        sample_rate (int): samples per second. Default: 44100.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> audio("a", np.sin(np.linspace(0, 100, 4410)), 44100)   # doctest: +SKIP
    """
    pb = _pb()
    array = make_np(tensor).squeeze()
    if abs(array).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        array = array.clip(-1, 1)
    if array.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    array = (array * np.iinfo(np.int16).max).astype("<i2")
    with io.BytesIO() as fio:
        with wave.open(fio, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(array.tobytes())
        data = fio.getvalue()
    clip = pb.Summary.Audio(sample_rate=sample_rate, num_channels=1,
                            length_frames=array.shape[-1], encoded_audio_string=data,
                            content_type="audio/wav")
    return pb.Summary(value=[pb.Summary.Value(tag=tag, audio=clip)])


def custom_scalars(layout):
    """A Summary holding a custom-scalars dashboard layout.

    Args:
        layout (dict): ``{category: {chart_title: [kind, tags]}}`` where kind is ``'Multiline'``
            (``tags`` a list of scalar tags or regexes) or ``'Margin'`` (``tags`` = [value,
            lower, upper]).

    Returns:
        ``Summary`` protobuf with tag ``custom_scalars__config__``.

    Example:
        >>> custom_scalars({"loss": {"both": ["Multiline", ["loss/train", "loss/val"]]}})  # doctest: +SKIP
    """
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.plugins.custom_scalar import layout_pb2

    categories = []
    for category, charts_spec in layout.items():
        charts = []
        for chart_name, chart_metadata in charts_spec.items():
            kind, tags = chart_metadata[0], chart_metadata[1]
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                content = layout_pb2.MarginChartContent(series=[
                    layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1],
                                                         upper=tags[2])])
                chart = layout_pb2.Chart(title=chart_name, margin=content)
            else:
                content = layout_pb2.MultilineChartContent(tag=tags)
                chart = layout_pb2.Chart(title=chart_name, multiline=content)
            charts.append(chart)
        categories.append(layout_pb2.Category(title=category, chart=charts))
    layout_proto = layout_pb2.Layout(category=categories)
    proto = TensorProto(dtype="DT_STRING", string_val=[layout_proto.SerializeToString()],
                        tensor_shape=_shape([]))
    return pb.Summary(value=[pb.Summary.Value(
        tag="custom_scalars__config__", tensor=proto,
        metadata=_plugin_metadata("custom_scalars"))])


def text(tag, text):  # noqa: A002 (torch's signature)
    """A Summary holding a (Markdown) text string; the tag gets ``/text_summary`` appended.

    Args:
        tag (str): the tag.
        text (str): the text.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> text("notes", "hello")   # doctest: +SKIP
    """
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

    smd = _plugin_metadata("text", TextPluginData(version=0).SerializeToString())
    proto = TensorProto(dtype="DT_STRING", string_val=[text.encode(encoding="utf_8")],
                        tensor_shape=_shape([1]))
    return pb.Summary(value=[pb.Summary.Value(tag=tag + "/text_summary", metadata=smd,
                                              tensor=proto)])


def _pr_summary(tag, data, num_thresholds):
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData

    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    proto = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(),
                        tensor_shape=_shape(data.shape[:2]))
    return pb.Summary(value=[pb.Summary.Value(
        tag=tag, metadata=_plugin_metadata("pr_curves", content), tensor=proto)])


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    """A Summary holding a precision-recall curve given by its counts per threshold.

    Args:
        tag (str): the tag.
        tp, fp, tn, fn: true/false positive/negative counts, one per threshold.
        precision, recall: one value per threshold.
        num_thresholds (int): number of thresholds (at most 127). Default: 127.
        weights: unused (kept for torch's signature).

    Returns:
        ``Summary`` protobuf with a ``(6, num_thresholds)`` float tensor.

    Example:
        >>> z = np.zeros(3)
        >>> pr_curve_raw("pr", z, z, z, z, z, z, num_thresholds=3)   # doctest: +SKIP
    """
    num_thresholds = min(num_thresholds, 127)
    data = np.stack([make_np(a).reshape(-1) for a in (tp, fp, tn, fn, precision, recall)])
    return _pr_summary(tag, data, num_thresholds)


def compute_curve(labels, predictions, num_thresholds=None, weights=None):
    """Counts (tp, fp, tn, fn) and precision/recall at ``num_thresholds`` evenly spaced thresholds.

    Args:
        labels (numpy.ndarray): binary ground truth.
        predictions (numpy.ndarray): scores in [0, 1].
        num_thresholds (int): number of thresholds.
        weights (numpy.ndarray or float, optional): weight of each example. Default: 1.

    Returns:
        numpy.ndarray of shape ``(6, num_thresholds)``: tp, fp, tn, fn, precision, recall.

    Example:
        >>> compute_curve(np.array([0, 1]), np.array([0.2, 0.9]), num_thresholds=3).shape
        (6, 3)
    """
    minimum_count = 1e-7
    if weights is None:
        weights = 1.0
    bucket_indices = np.int32(np.floor(predictions * (num_thresholds - 1)))
    float_labels = labels.astype(np.float64)
    histogram_range = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(bucket_indices, bins=num_thresholds, range=histogram_range,
                                 weights=float_labels * weights)
    fp_buckets, _ = np.histogram(bucket_indices, bins=num_thresholds, range=histogram_range,
                                 weights=(1.0 - float_labels) * weights)
    # counts at or above each threshold
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(minimum_count, tp + fp)
    recall = tp / np.maximum(minimum_count, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    """A Summary holding the precision-recall curve of ``predictions`` against ``labels``.

    Args:
        tag (str): the tag.
        labels: binary ground truth (tensor, array or list).
        predictions: scores in [0, 1], same shape as ``labels``.
        num_thresholds (int): number of thresholds (capped at 127). Default: 127.
        weights (optional): weight of each example.

    Returns:
        ``Summary`` protobuf.

    Example:
        >>> pr_curve("pr", np.array([0, 1, 1]), np.array([0.1, 0.8, 0.4]))   # doctest: +SKIP
    """
    num_thresholds = min(num_thresholds, 127)
    labels, predictions = make_np(labels), make_np(predictions)
    if weights is not None:
        weights = make_np(weights)
    data = compute_curve(labels, predictions, num_thresholds=num_thresholds, weights=weights)
    return _pr_summary(tag, data, num_thresholds)


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The three Summaries the HParams plugin reads: experiment, session start and session end.

    Args:
        hparam_dict (dict): hyperparameter name -> value (bool, str, int, float, one-element
            tensor or None; None values are skipped).
        metric_dict (dict): metric tag -> value (the values themselves are logged separately as
            scalars by ``SummaryWriter.add_hparams``).
        hparam_domain_discrete (dict, optional): hyperparameter name -> list of all the values
            it can take.

    Returns:
        tuple ``(experiment, session_start_info, session_end_info)`` of ``Summary`` protobufs.

    Example:
        >>> exp, ssi, sei = hparams({"lr": 0.1}, {"hparam/acc": 0.9})   # doctest: +SKIP
    """
    pb = _pb()
    from google.protobuf import struct_pb2
    from tensorboard.plugins.hparams.api_pb2 import (
        DataType, Experiment, HParamInfo, MetricInfo, MetricName, Status,
    )
    from tensorboard.plugins.hparams.metadata import (
        EXPERIMENT_TAG, PLUGIN_DATA_VERSION, PLUGIN_NAME, SESSION_END_INFO_TAG,
        SESSION_START_INFO_TAG,
    )
    from tensorboard.plugins.hparams.plugin_data_pb2 import (
        HParamsPluginData, SessionEndInfo, SessionStartInfo,
    )

    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError(
            "parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if (k not in hparam_dict or not isinstance(v, list)
                or not all(isinstance(d, type(hparam_dict[k])) for d in v)):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                f"hparam_dict[{k}]."
            )

    def domain(k, field):
        if k not in hparam_domain_discrete:
            return None
        return struct_pb2.ListValue(
            values=[struct_pb2.Value(**{field: d}) for d in hparam_domain_discrete[k]])

    tensor_type = _convert_tensor_type()
    hps = []
    ssi = SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        # NOTE: bool is an int, so (as in torch) booleans are logged as numbers 0/1.
        if isinstance(v, (int, float)):
            ssi.hparams[k].number_value = v
            hps.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_FLOAT64"),
                                  domain_discrete=domain(k, "number_value")))
        elif isinstance(v, str):
            ssi.hparams[k].string_value = v
            hps.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_STRING"),
                                  domain_discrete=domain(k, "string_value")))
        elif (tensor_type is not None and isinstance(v, tensor_type)) or isinstance(
                v, (np.ndarray, np.generic)):
            ssi.hparams[k].number_value = float(make_np(v).reshape(-1)[0])
            hps.append(HParamInfo(name=k, type=DataType.Value("DATA_TYPE_FLOAT64")))
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")

    def wrap(tag, **content):
        data = HParamsPluginData(version=PLUGIN_DATA_VERSION, **content).SerializeToString()
        return pb.Summary(value=[pb.Summary.Value(
            tag=tag, metadata=_plugin_metadata(PLUGIN_NAME, data))])

    ssi_summary = wrap(SESSION_START_INFO_TAG, session_start_info=ssi)
    experiment = Experiment(hparam_infos=hps,
                            metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    exp_summary = wrap(EXPERIMENT_TAG, experiment=experiment)
    sei = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))
    sei_summary = wrap(SESSION_END_INFO_TAG, session_end_info=sei)
    return exp_summary, ssi_summary, sei_summary


def _convert_tensor_type():
    from ._convert import _ember_tensor_type

    return _ember_tensor_type()


def mesh(tag, vertices, colors, faces, config_dict, display_name=None, description=None):
    """A Summary holding a 3D mesh or point cloud for the Mesh plugin.

    Args:
        tag (str): the tag.
        vertices: ``(B, N, 3)`` vertex coordinates.
        colors: ``(B, N, 3)`` colours (uint8 0-255) or None.
        faces: ``(B, F, 3)`` vertex indices of each triangle, or None.
        config_dict (dict, optional): ThreeJS configuration.
        display_name (str, optional), description (str, optional): shown in TensorBoard.

    Returns:
        ``Summary`` protobuf with one value per component given.

    Example:
        >>> mesh("m", np.random.rand(1, 4, 3), None, None, None)   # doctest: +SKIP
    """
    pb = _pb()
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.plugins.mesh import metadata
    from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData

    json_config = "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)
    parts = [(vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
             (colors, MeshPluginData.COLOR)]
    parts = [(make_np(t), kind) for t, kind in parts if t is not None]
    components = metadata.get_components_bitmask([kind for _, kind in parts])
    values = []
    for arr, kind in parts:
        if arr.ndim != 3:
            raise ValueError(f"mesh tensors must have shape (B, N, 3), got {tuple(arr.shape)}")
        smd = metadata.create_summary_metadata(tag, display_name, kind, components, arr.shape,
                                               description, json_config=json_config)
        proto = TensorProto(dtype="DT_FLOAT", float_val=arr.astype(np.float32).reshape(-1).tolist(),
                            tensor_shape=_shape(arr.shape))
        values.append(pb.Summary.Value(tag=metadata.get_instance_name(tag, kind), tensor=proto,
                                       metadata=smd))
    return pb.Summary(value=values)
