"""ember.utils.tensorboard.SummaryWriter, read back with TensorBoard's own EventAccumulator and
compared with what torch.utils.tensorboard writes for the same data."""
import glob
import io
import os
import re
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboard")
PIL_Image = pytest.importorskip("PIL.Image")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

torch = pytest.importorskip("torch")
torch_tb = pytest.importorskip("torch.utils.tensorboard")
TorchWriter = torch_tb.SummaryWriter

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_GUIDANCE = {"scalars": 0, "images": 0, "histograms": 0, "tensors": 0, "audio": 0,
             "compressedHistograms": 0}


def load(path):
    acc = EventAccumulator(str(path), size_guidance=_GUIDANCE)
    acc.Reload()
    return acc


def png_pixels(encoded):
    return np.asarray(PIL_Image.open(io.BytesIO(encoded)))


def both(tmp_path, fn, **kwargs):
    """Run fn(writer, lib) with our writer and torch's; return both accumulators."""
    with SummaryWriter(str(tmp_path / "ember"), **kwargs) as w:
        fn(w, ember)
    with TorchWriter(str(tmp_path / "torch"), **kwargs) as w:
        fn(w, torch)
    return load(tmp_path / "ember"), load(tmp_path / "torch")


def to_lib(arr, lib):
    return lib.from_numpy(np.ascontiguousarray(arr))


# ----------------------------------------------------------------------------- scalars
def test_add_scalar_values_steps_and_walltime(tmp_path):
    rng = np.random.default_rng(0)
    vals = rng.standard_normal(6).astype(np.float32)
    with SummaryWriter(str(tmp_path)) as w:
        for i, v in enumerate(vals):
            w.add_scalar("loss/train", ember.tensor(float(v), requires_grad=True) * 1.0, 10 * i)
        w.add_scalar("np", np.float64(2.5), 3, walltime=1234.5)
        w.add_scalar("py_int", 7, 4)
        w.add_scalar("arr1", np.array([[4.25]]), 5)
    acc = load(tmp_path)
    evs = acc.Scalars("loss/train")
    assert [e.step for e in evs] == [0, 10, 20, 30, 40, 50]
    np.testing.assert_allclose([e.value for e in evs], vals, rtol=1e-6)
    (e,) = acc.Scalars("np")
    assert (e.step, e.value, e.wall_time) == (3, 2.5, 1234.5)
    assert acc.Scalars("py_int")[0].value == 7.0
    assert acc.Scalars("arr1")[0].value == 4.25


def test_add_scalar_new_style_matches_torch(tmp_path):
    def fn(w, lib):
        w.add_scalar("ns", lib.tensor(0.1, dtype=lib.float64), 1, new_style=True)
        w.add_scalar("nsd", lib.tensor(0.1, dtype=lib.float64), 2, new_style=True,
                     double_precision=True)
    ours, ref = both(tmp_path, fn)
    for tag in ("ns", "nsd"):
        a, b = ours.Tensors(tag)[0], ref.Tensors(tag)[0]
        assert a.step == b.step
        assert a.tensor_proto == b.tensor_proto
        assert ours.SummaryMetadata(tag) == ref.SummaryMetadata(tag)
    assert tensor_util.make_ndarray(ours.Tensors("nsd")[0].tensor_proto) == 0.1


def test_add_scalar_rejects_multi_element(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(AssertionError, match="one element"):
            w.add_scalar("bad", np.array([1.0, 2.0]))


def test_add_scalars_writes_one_subrun_per_key_like_torch(tmp_path):
    def fn(w, lib):
        for step in range(3):
            w.add_scalars("run/14h", {"xsinx": step * 1.5, "xcosx": lib.tensor(-step * 1.0)},
                          step)
    ours, ref = both(tmp_path, fn)
    sub_ours = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "ember" / "*"))
                      if os.path.isdir(p))
    sub_ref = sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "torch" / "*"))
                     if os.path.isdir(p))
    assert sub_ours == sub_ref == ["run_14h_xcosx", "run_14h_xsinx"]
    for key, expected in (("xsinx", [0.0, 1.5, 3.0]), ("xcosx", [0.0, -1.0, -2.0])):
        acc = load(tmp_path / "ember" / f"run_14h_{key}")
        assert acc.Tags()["scalars"] == ["run/14h"]
        evs = acc.Scalars("run/14h")
        assert [e.step for e in evs] == [0, 1, 2]
        assert [e.value for e in evs] == expected
    # one walltime per call, shared by all keys, as torch does
    a = load(tmp_path / "ember" / "run_14h_xsinx").Scalars("run/14h")
    b = load(tmp_path / "ember" / "run_14h_xcosx").Scalars("run/14h")
    assert [e.wall_time for e in a] == [e.wall_time for e in b]


# ------------------------------------------------------------------------------ images
def test_add_image_float_chw_pixels_match_torch(tmp_path):
    rng = np.random.default_rng(1)
    img = rng.uniform(-0.2, 1.2, size=(3, 10, 7)).astype(np.float32)  # some out of range

    def fn(w, lib):
        w.add_image("img", to_lib(img, lib), 4)
    ours, ref = both(tmp_path, fn)
    ev, tev = ours.Images("img")[0], ref.Images("img")[0]
    assert (ev.step, ev.width, ev.height) == (4, 7, 10)
    px = png_pixels(ev.encoded_image_string)
    np.testing.assert_array_equal(px, png_pixels(tev.encoded_image_string))
    expected = (img.transpose(1, 2, 0) * 255).clip(0, 255).astype(np.uint8)
    np.testing.assert_array_equal(px, expected)


@pytest.mark.parametrize("fmt,shape", [("HWC", (5, 6, 3)), ("HW", (5, 6)), ("CHW", (1, 5, 6)),
                                       ("WH", (6, 5)), ("HWC", (5, 6, 4))])
def test_add_image_dataformats_match_torch(tmp_path, fmt, shape):
    rng = np.random.default_rng(2)
    img = rng.random(shape).astype(np.float64)

    def fn(w, lib):
        w.add_image("img", to_lib(img, lib), 0, dataformats=fmt)
    ours, ref = both(tmp_path, fn)
    px = png_pixels(ours.Images("img")[0].encoded_image_string)
    np.testing.assert_array_equal(px, png_pixels(ref.Images("img")[0].encoded_image_string))
    assert px.shape == (5, 6, 4 if shape[-1] == 4 else 3)


def test_add_image_uint8_is_not_rescaled(tmp_path):
    img = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5) * 4
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image("u8", ember.from_numpy(img), 0)
        w.add_image("u8np", img.transpose(1, 2, 0), 0, dataformats="HWC")
    acc = load(tmp_path)
    for tag in ("u8", "u8np"):
        np.testing.assert_array_equal(png_pixels(acc.Images(tag)[0].encoded_image_string),
                                      img.transpose(1, 2, 0))


@pytest.mark.parametrize("fmt,n", [("NCHW", 11), ("NHWC", 3), ("NCHW", 8)])
def test_add_images_grid_matches_torch(tmp_path, fmt, n):
    rng = np.random.default_rng(3)
    shape = (n, 3, 4, 5) if fmt == "NCHW" else (n, 4, 5, 3)
    imgs = rng.random(shape).astype(np.float32)

    def fn(w, lib):
        w.add_images("batch", to_lib(imgs, lib), 2, dataformats=fmt)
    ours, ref = both(tmp_path, fn)
    ev = ours.Images("batch")[0]
    px = png_pixels(ev.encoded_image_string)
    np.testing.assert_array_equal(px, png_pixels(ref.Images("batch")[0].encoded_image_string))
    ncols = min(n, 8)
    nrows = -(-n // 8)
    assert (ev.height, ev.width) == (4 * nrows, 5 * ncols)
    # image k sits at row k // 8, column k % 8
    k = n - 1
    nchw = imgs if fmt == "NCHW" else imgs.transpose(0, 3, 1, 2)
    tile = px[4 * (k // 8):4 * (k // 8) + 4, 5 * (k % 8):5 * (k % 8) + 5]
    np.testing.assert_array_equal(tile, (nchw[k].transpose(1, 2, 0) * 255).astype(np.uint8))


def test_add_image_bad_format_raises(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(AssertionError, match="size of input tensor and input format"):
            w.add_image("x", np.zeros((3, 4, 5)), dataformats="HW")
        with pytest.raises(AssertionError, match="same dimension shorthand twice"):
            w.add_image("x", np.zeros((3, 4, 5)), dataformats="CHH")


def test_add_image_with_boxes_draws_on_image(tmp_path):
    img = np.zeros((3, 32, 32), np.float32)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_image_with_boxes("det", img, np.array([[4, 4, 20, 20]]), 0, labels=["cat"])
    ev = load(tmp_path).Images("det")[0]
    px = png_pixels(ev.encoded_image_string)
    assert (ev.width, ev.height) == (32, 32)
    assert px[4, 10, 0] == 255 and px[4, 10, 1] == 0  # red top edge of the box
    assert px[30, 30].sum() == 0                        # outside stays black


def test_add_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=20)
    plt.plot([0, 1], [0, 1])
    with SummaryWriter(str(tmp_path)) as w:
        w.add_figure("fig", fig, 0)
    ev = load(tmp_path).Images("fig")[0]
    assert (ev.width, ev.height) == (40, 20)


def test_add_video_is_an_animated_gif(tmp_path):
    rng = np.random.default_rng(4)
    vid = rng.random((2, 5, 3, 6, 6)).astype(np.float32)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_video("vid", ember.from_numpy(vid), 1, fps=5)
    ev = load(tmp_path).Images("vid")[0]
    gif = PIL_Image.open(io.BytesIO(ev.encoded_image_string))
    assert gif.format == "GIF" and gif.n_frames == 5
    assert gif.size == (12, 6)  # batch of 2 tiled side by side, as torch's _prepare_video does
    assert gif.info["duration"] == 200


# -------------------------------------------------------------------------- histograms
@pytest.mark.parametrize("bins,max_bins", [("tensorflow", None), ("auto", None), (7, None),
                                           ("fd", 5)])
def test_add_histogram_matches_torch(tmp_path, bins, max_bins):
    rng = np.random.default_rng(5)
    values = rng.standard_normal((40, 25)).astype(np.float32) * 3

    def fn(w, lib):
        w.add_histogram("h", to_lib(values, lib), 3, bins=bins, max_bins=max_bins)
    ours, ref = both(tmp_path, fn)
    h, t = ours.Histograms("h")[0], ref.Histograms("h")[0]
    assert h.step == t.step == 3
    assert h.histogram_value == t.histogram_value
    hv = h.histogram_value
    assert hv.num == values.size and sum(hv.bucket) == values.size
    np.testing.assert_allclose(hv.sum, values.astype(np.float64).sum(), rtol=1e-12)
    assert (hv.min, hv.max) == (float(values.min()), float(values.max()))


def test_add_histogram_raw_matches_torch(tmp_path):
    values = np.repeat(np.arange(10) + 0.001, np.arange(10))
    counts, limits = np.histogram(values, bins=np.arange(12))

    def fn(w, lib):
        w.add_histogram_raw("raw", min=values.min(), max=values.max(), num=len(values),
                            sum=values.sum(), sum_squares=values.dot(values),
                            bucket_limits=limits[1:].tolist(), bucket_counts=counts.tolist(),
                            global_step=0)
    ours, ref = both(tmp_path, fn)
    assert ours.Histograms("raw")[0].histogram_value == ref.Histograms("raw")[0].histogram_value
    with SummaryWriter(str(tmp_path / "bad")) as w:
        with pytest.raises(ValueError, match="len\\(bucket_limits\\) != len\\(bucket_counts\\)"):
            w.add_histogram_raw("raw", 0, 1, 2, 1, 1, [1, 2], [1])


def test_add_histogram_empty_raises(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(ValueError, match="no element"):
            w.add_histogram("h", np.array([]))


# ------------------------------------------------------------------ text, tensors, audio
def test_add_text_matches_torch(tmp_path):
    def fn(w, lib):
        w.add_text("notes", "**hello** wörld", 7)
    ours, ref = both(tmp_path, fn)
    ev = ours.Tensors("notes/text_summary")[0]
    assert ev.step == 7
    assert tensor_util.make_ndarray(ev.tensor_proto)[0].decode() == "**hello** wörld"
    assert ev.tensor_proto == ref.Tensors("notes/text_summary")[0].tensor_proto
    assert ours.SummaryMetadata("notes/text_summary") == ref.SummaryMetadata("notes/text_summary")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.float16, np.bool_])
def test_add_tensor_round_trips(tmp_path, dtype):
    arr = (np.arange(6).reshape(2, 3) % 4).astype(dtype)
    with SummaryWriter(str(tmp_path)) as w:
        w.add_tensor("t", ember.from_numpy(arr), 1)
    back = tensor_util.make_ndarray(load(tmp_path).Tensors("t")[0].tensor_proto)
    assert back.dtype == arr.dtype
    np.testing.assert_array_equal(back, arr)


def test_add_audio_matches_torch(tmp_path):
    snd = np.sin(np.arange(800) / 7.0).astype(np.float32)[None] * 0.9

    def fn(w, lib):
        w.add_audio("a", to_lib(snd, lib), 2, sample_rate=8000)
    ours, ref = both(tmp_path, fn)
    a, b = ours.Audio("a")[0], ref.Audio("a")[0]
    assert (a.sample_rate, a.length_frames, a.content_type) == (8000, 800, "audio/wav")
    assert a.encoded_audio_string == b.encoded_audio_string


def test_add_mesh_matches_torch(tmp_path):
    verts = np.array([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], np.float32)
    colors = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]], np.int32)
    faces = np.array([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], np.int32)

    def fn(w, lib):
        w.add_mesh("m", to_lib(verts, lib), to_lib(colors, lib), to_lib(faces, lib),
                   global_step=0)
    ours, ref = both(tmp_path, fn)
    assert sorted(ours.Tags()["tensors"]) == sorted(ref.Tags()["tensors"])
    for tag in ours.Tags()["tensors"]:
        np.testing.assert_array_equal(
            tensor_util.make_ndarray(ours.Tensors(tag)[0].tensor_proto),
            tensor_util.make_ndarray(ref.Tensors(tag)[0].tensor_proto))
        assert ours.SummaryMetadata(tag) == ref.SummaryMetadata(tag)


# ----------------------------------------------------------------------------- hparams
def test_add_hparams_writes_subrun_with_plugin_data_like_torch(tmp_path):
    from tensorboard.plugins.hparams import plugin_data_pb2

    hp = {"lr": 0.01, "bsize": 16, "opt": "adam", "dropout": None}
    metrics = {"hparam/accuracy": 0.75, "hparam/loss": 0.5}

    def fn(w, lib):
        w.add_hparams(hp, metrics, hparam_domain_discrete={"opt": ["adam", "sgd"]},
                      run_name="trial1")
    both(tmp_path, fn)
    ours, ref = load(tmp_path / "ember" / "trial1"), load(tmp_path / "torch" / "trial1")
    content = ours.PluginTagToContent("hparams")
    assert content == ref.PluginTagToContent("hparams")
    ssi = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/session_start_info"]).session_start_info
    assert ssi.hparams["lr"].number_value == 0.01
    assert ssi.hparams["opt"].string_value == "adam"
    assert "dropout" not in ssi.hparams
    exp = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in exp.metric_infos] == list(metrics)
    assert ours.Scalars("hparam/accuracy")[0].value == 0.75


def test_add_hparams_default_run_name_and_type_errors(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_hparams({"lr": ember.tensor(0.5)}, {"hp/m": 1.0})
        with pytest.raises(TypeError, match="should be dictionary"):
            w.add_hparams([("lr", 1)], {"m": 1})
        with pytest.raises(ValueError, match="value should be one of"):
            w.add_hparams({"lr": [1, 2]}, {"m": 1})
    (sub,) = [d for d in os.listdir(tmp_path) if os.path.isdir(tmp_path / d)]
    float(sub)  # run name defaults to str(time.time())
    assert load(tmp_path / sub).Scalars("hp/m")[0].value == 1.0


# ---------------------------------------------------------------------------- pr curve
def test_add_pr_curve_matches_torch(tmp_path):
    rng = np.random.default_rng(6)
    labels = rng.integers(0, 2, size=200)
    preds = rng.random(200)

    def fn(w, lib):
        w.add_pr_curve("pr", to_lib(labels, lib), to_lib(preds, lib), 5, num_thresholds=50)
        w.add_pr_curve("pr_default", labels, preds, 6)
    ours, ref = both(tmp_path, fn)
    for tag in ("pr", "pr_default"):
        assert ours.Tensors(tag)[0].tensor_proto == ref.Tensors(tag)[0].tensor_proto
        assert ours.SummaryMetadata(tag) == ref.SummaryMetadata(tag)
    data = tensor_util.make_ndarray(ours.Tensors("pr")[0].tensor_proto)
    assert data.shape == (6, 50)
    assert data[0, 0] == labels.sum() and data[1, 0] == (1 - labels).sum()  # tp, fp at 0


def test_add_pr_curve_raw_matches_torch(tmp_path):
    tp = np.array([5.0, 3, 1]); fp = np.array([5.0, 2, 0]); tn = 5 - fp; fn_ = 5 - tp
    p = tp / np.maximum(tp + fp, 1); r = tp / 5

    def fn(w, lib):
        w.add_pr_curve_raw("raw", tp, fp, tn, fn_, p, r, 0, num_thresholds=3)
    ours, ref = both(tmp_path, fn)
    assert ours.Tensors("raw")[0].tensor_proto == ref.Tensors("raw")[0].tensor_proto


# ---------------------------------------------------------------------- custom scalars
def test_add_custom_scalars_matches_torch(tmp_path):
    from tensorboard.plugins.custom_scalar import layout_pb2

    layout = {"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
              "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]]}}

    def fn(w, lib):
        w.add_custom_scalars(layout)
        w.add_custom_scalars_multilinechart(["a", "b"], category="c2", title="t2")
    ours, ref = both(tmp_path, fn)
    evs, tevs = ours.Tensors("custom_scalars__config__"), ref.Tensors("custom_scalars__config__")
    assert [e.tensor_proto for e in evs] == [e.tensor_proto for e in tevs]
    parsed = layout_pb2.Layout.FromString(evs[0].tensor_proto.string_val[0])
    assert [c.title for c in parsed.category] == ["Taiwan", "USA"]
    assert parsed.category[1].chart[0].margin.series[0].upper == "dow/ccc"
    with SummaryWriter(str(tmp_path / "x")) as w:
        with pytest.raises(AssertionError, match="Expected 3 tags"):
            w.add_custom_scalars_marginchart(["a", "b"])


# --------------------------------------------------------------------------- embedding
def test_add_embedding_files_match_torch(tmp_path):
    rng = np.random.default_rng(7)
    mat = rng.standard_normal((10, 4)).astype(np.float32)
    meta = [f"pt{i}" for i in range(10)]
    label_img = rng.random((10, 3, 6, 5)).astype(np.float32)

    def fn(w, lib):
        w.add_embedding(to_lib(mat, lib), metadata=meta, label_img=to_lib(label_img, lib),
                        global_step=3, tag="feat/a")
        w.add_embedding(to_lib(mat[:, :2], lib), metadata=[[i, i % 2] for i in range(10)],
                        metadata_header=["idx", "parity"])
    both(tmp_path, fn)
    e, t = tmp_path / "ember", tmp_path / "torch"
    for rel in ("projector_config.pbtxt", "00003/feat%2fa/tensors.tsv",
                "00003/feat%2fa/metadata.tsv", "00000/default/tensors.tsv",
                "00000/default/metadata.tsv"):
        assert (e / rel).read_bytes() == (t / rel).read_bytes(), rel
    np.testing.assert_array_equal(png_pixels((e / "00003/feat%2fa/sprite.png").read_bytes()),
                                  png_pixels((t / "00003/feat%2fa/sprite.png").read_bytes()))
    rows = (e / "00003/feat%2fa/tensors.tsv").read_text().splitlines()
    np.testing.assert_array_equal(np.array([r.split("\t") for r in rows], np.float32), mat)
    assert (e / "00003/feat%2fa/metadata.tsv").read_text().splitlines() == meta
    sprite = png_pixels((e / "00003/feat%2fa/sprite.png").read_bytes())
    assert sprite.shape == (20, 20, 3)  # 4 x 4 grid of 5-wide images, made square
    cfg = (e / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "feat/a:00003"' in cfg and "single_image_dim: 5" in cfg


def test_add_embedding_checks_sizes(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(AssertionError, match="#labels should equal"):
            w.add_embedding(np.zeros((3, 2)), metadata=["a"])
        with pytest.raises(AssertionError, match="mat should be 2D"):
            w.add_embedding(np.zeros((3,)), global_step=1)


# ----------------------------------------------------------- files, names, life cycle
def test_default_log_dir_follows_torch_pattern(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    tw = TorchWriter(comment="_lr0.1")
    w.close(); tw.close()
    pattern = (r"runs" + re.escape(os.sep) + r"[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_"
               + re.escape(socket.gethostname()) + r"_lr0\.1")
    assert re.fullmatch(pattern, w.get_logdir()), w.get_logdir()
    assert re.fullmatch(pattern, tw.get_logdir())
    assert os.path.isdir(w.get_logdir())


def test_event_file_name_and_suffix(tmp_path):
    with SummaryWriter(str(tmp_path), filename_suffix=".v2") as w:
        w.add_scalar("x", 1.0, 0)
    (name,) = os.listdir(tmp_path)
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\." + re.escape(socket.gethostname())
                        + rf"\.{os.getpid()}\.\d+\.v2", name), name


def test_purge_step_hides_later_events(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        for i in range(10):
            w.add_scalar("x", float(i), i)
    with SummaryWriter(str(tmp_path), purge_step=5) as w:
        for i in range(5, 8):
            w.add_scalar("x", 100.0 + i, i)
    evs = load(tmp_path).Scalars("x")
    assert [e.step for e in evs] == list(range(8))
    assert [e.value for e in evs][5:] == [105.0, 106.0, 107.0]


def test_close_flushes_and_reopen_starts_new_file(tmp_path):
    w = SummaryWriter(str(tmp_path), flush_secs=10_000, max_queue=1000)
    assert w.get_logdir() == str(tmp_path)
    w.add_scalar("x", 1.0, 0)
    w.close()
    w.close()  # double close is fine
    assert [e.value for e in load(tmp_path).Scalars("x")] == [1.0]
    w.add_scalar("x", 2.0, 1)  # reopens a new event file, as torch does
    w.flush()
    assert len(glob.glob(str(tmp_path / "events.out.tfevents.*"))) == 2
    assert [e.value for e in load(tmp_path).Scalars("x")] == [1.0, 2.0]
    w.close()


def test_flush_makes_data_visible_without_close(tmp_path):
    w = SummaryWriter(str(tmp_path), flush_secs=10_000, max_queue=1000)
    w.add_scalars("m", {"a": 1.0}, 0)
    w.add_scalar("x", 3.0, 0)
    w.flush()
    assert load(tmp_path).Scalars("x")[0].value == 3.0
    assert load(tmp_path / "m_a").Scalars("m")[0].value == 1.0
    w.close()


def test_background_thread_writes_without_flush_or_close(tmp_path):
    import time

    w = SummaryWriter(str(tmp_path), flush_secs=1)
    w.add_scalar("x", 4.0, 0)
    deadline = time.monotonic() + 10.0
    seen = []
    while time.monotonic() < deadline and not seen:
        acc = load(tmp_path)
        seen = acc.Scalars("x") if "x" in acc.Tags()["scalars"] else []
        time.sleep(0.05)
    w.close()
    assert [e.value for e in seen] == [4.0]


def test_garbage_collected_writer_is_flushed_and_closed(tmp_path):
    import gc
    import weakref

    w = SummaryWriter(str(tmp_path), flush_secs=10_000, max_queue=1000)
    w.add_scalar("x", 5.0, 0)
    ref = weakref.ref(w)
    event_writer = w.file_writer.event_writer
    del w
    gc.collect()
    assert ref() is None  # nothing (no thread, no atexit hook) keeps the writer alive
    assert event_writer._async_writer._closed
    assert load(tmp_path).Scalars("x")[0].value == 5.0


def test_data_flushed_at_interpreter_exit_without_close(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {REPO_ROOT!r})
        from ember.utils.tensorboard import SummaryWriter
        w = SummaryWriter({str(tmp_path)!r}, flush_secs=10_000, max_queue=1000)
        for i in range(50):
            w.add_scalar("x", float(i), i)
        w.add_scalars("m", {{"a": 1.0}}, 0)
        # no flush, no close: the writer is still referenced when the interpreter exits
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert [e.step for e in load(tmp_path).Scalars("x")] == list(range(50))
    assert load(tmp_path / "m_a").Scalars("m")[0].value == 1.0


def test_import_error_without_tensorboard(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=re.escape('pip install "ember[tensorboard]"')):
        SummaryWriter(str(tmp_path))


def test_package_import_does_not_need_tensorboard():
    code = ("import sys; sys.modules['tensorboard'] = None; "
            f"sys.path.insert(0, {REPO_ROOT!r}); "
            "import ember.utils.tensorboard as tb; print(tb.SummaryWriter.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "SummaryWriter"
