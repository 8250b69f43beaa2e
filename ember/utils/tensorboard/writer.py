"""SummaryWriter: log scalars, images, histograms ... to TensorBoard event files.

Same API and defaults as ``torch.utils.tensorboard.writer``. Events are TensorBoard's own protobuf
messages (``tensorboard.compat.proto``) written by TensorBoard's ``EventFileWriter``: a background
thread appends each record whole (length, CRC, data, CRC), so a killed process leaves a file that
TensorBoard reads up to the last complete record. Writers are flushed and closed by ``close()``,
by ``with``, when they are garbage-collected, and at interpreter exit.
"""

import os
import socket
import time
import weakref
from datetime import datetime

from . import summary as _summary
from ._convert import figure_to_image, make_np
from ._deps import require_tensorboard

__all__ = ["FileWriter", "SummaryWriter"]


class FileWriter:
    """Writes ``Event`` protocol buffers to one event file in ``log_dir``.

    A thin layer over TensorBoard's ``EventFileWriter`` (which creates
    ``events.out.tfevents.<time>.<hostname>.<pid>.<n><filename_suffix>`` and writes it from a
    background thread). Most users want :class:`SummaryWriter`.

    Args:
        log_dir (str): directory of the event file (created if missing).
        max_queue (int): events queued before ``add_*`` blocks on the writer thread. Default: 10.
        flush_secs (float): how often the writer thread flushes to disk. Default: 120.
        filename_suffix (str): appended to the event file name. Default: ``""``.

    Example:
        >>> fw = FileWriter("/tmp/run")                       # doctest: +SKIP
        >>> fw.add_summary(summary.scalar("x", 1.0), 0)       # doctest: +SKIP
        >>> fw.close()                                        # doctest: +SKIP
    """

    def __init__(self, log_dir, max_queue=10, flush_secs=120, filename_suffix=""):
        require_tensorboard()
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        log_dir = str(log_dir)
        self._args = (log_dir, max_queue, flush_secs, filename_suffix)
        self.event_writer = EventFileWriter(log_dir, max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        """Return the directory the event file is written to.

        Example:
            >>> FileWriter("/tmp/run").get_logdir()   # doctest: +SKIP
            '/tmp/run'
        """
        return self.event_writer.get_logdir()

    def add_event(self, event, step=None, walltime=None):
        """Add an ``Event`` protobuf, stamping its wall time (now unless given) and step.

        Args:
            event: ``tensorboard.compat.proto.event_pb2.Event``.
            step (int, optional): global step.
            walltime (float, optional): seconds since the epoch. Default: ``time.time()``.

        Example:
            >>> fw.add_event(event_pb2.Event(), step=3)   # doctest: +SKIP
        """
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None):
        """Wrap a ``Summary`` protobuf in an ``Event`` and add it.

        Args:
            summary: ``tensorboard.compat.proto.summary_pb2.Summary``.
            global_step (int, optional): global step.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> fw.add_summary(summary.scalar("loss", 0.1), global_step=1)   # doctest: +SKIP
        """
        from tensorboard.compat.proto import event_pb2

        self.add_event(event_pb2.Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_profile, walltime=None):
        """Add a ``(GraphDef, RunMetadata)`` pair: the graph and its step stats.

        Args:
            graph_profile (tuple): ``(GraphDef, RunMetadata)`` protobufs.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> fw.add_graph((graph_def, run_metadata))   # doctest: +SKIP
        """
        from tensorboard.compat.proto import event_pb2

        graph, stepstats = graph_profile
        self.add_event(event_pb2.Event(graph_def=graph.SerializeToString()), None, walltime)
        trm = event_pb2.TaggedRunMetadata(tag="step1", run_metadata=stepstats.SerializeToString())
        self.add_event(event_pb2.Event(tagged_run_metadata=trm), None, walltime)

    def flush(self):
        """Write every pending event to disk (blocks until done).

        Example:
            >>> fw.flush()   # doctest: +SKIP
        """
        self.event_writer.flush()

    def close(self):
        """Flush, stop the writer thread and close the file. Safe to call twice.

        Example:
            >>> fw.close()   # doctest: +SKIP
        """
        self.event_writer.close()

    def reopen(self):
        """Start a new event file in the same directory after :meth:`close` (no-op otherwise).

        Example:
            >>> fw.reopen()   # doctest: +SKIP
        """
        if getattr(self.event_writer._async_writer, "_closed", False):
            self.event_writer = type(self.event_writer)(*self._args)


def _close_writers(writers):
    """Flush and close every FileWriter in ``writers`` (a dict); used by close, GC and atexit."""
    for fw in list(writers.values()):
        try:
            fw.flush()
        except Exception:  # already closed, or the disk went away: nothing more we can do
            pass
        try:
            fw.close()
        except Exception:
            pass
    writers.clear()


class SummaryWriter:
    """Writes entries to event files in ``log_dir`` for TensorBoard to display.

    The same class as ``torch.utils.tensorboard.SummaryWriter``: scalars, images, histograms,
    text, hyperparameters, PR curves, embeddings, audio, video, meshes and custom-scalar layouts.
    Inputs may be ember tensors (any device, with or without grad), NumPy arrays or Python numbers.
    Events are written asynchronously by a background thread and flushed every ``flush_secs``,
    on :meth:`flush`, on :meth:`close` / leaving a ``with`` block, when the writer is garbage
    collected, and at interpreter exit.

    Args:
        log_dir (str, optional): directory for the event files. Default:
            ``runs/<%b%d_%H-%M-%S>_<hostname><comment>``, e.g. ``runs/May04_22-14-54_s-MacBook``.
        comment (str): suffix for the default ``log_dir``; ignored when ``log_dir`` is given.
        purge_step (int, optional): when resuming a crashed run at step T, events with step >= T
            written earlier in the same ``log_dir`` are hidden by TensorBoard.
        max_queue (int): pending events before an ``add_*`` call waits for the disk. Default: 10.
        flush_secs (float): how often pending events are flushed to disk. Default: 120.
        filename_suffix (str): suffix for the event file names. Default: ``""``.

    Raises:
        ImportError: if the ``tensorboard`` package is not installed
            (``pip install "ember[tensorboard]"``).

    Example:
        >>> from ember.utils.tensorboard import SummaryWriter
        >>> with SummaryWriter("runs/exp1") as writer:              # doctest: +SKIP
        ...     for step in range(100):
        ...         writer.add_scalar("loss/train", 1.0 / (step + 1), step)
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        require_tensorboard()
        if not log_dir:
            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._finalizer = None
        self._get_file_writer()
        self.default_bins = _summary.default_bins()

    def _get_file_writer(self):
        """Return the main FileWriter, (re)creating it after :meth:`close`."""
        if self.all_writers is None or self.file_writer is None:
            from tensorboard.compat.proto.event_pb2 import Event, SessionLog

            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            # Closes the writers when this SummaryWriter is garbage-collected or, at the latest,
            # at interpreter exit (weakref.finalize registers itself with atexit). It holds only
            # the dict of FileWriters, never `self`, so the SummaryWriter can still be collected.
            self._finalizer = weakref.finalize(self, _close_writers, self.all_writers)
            if self.purge_step is not None:
                most_recent_step = self.purge_step
                self.file_writer.add_event(Event(step=most_recent_step,
                                                 file_version="brain.Event:2"))
                self.file_writer.add_event(Event(step=most_recent_step,
                                                 session_log=SessionLog(status=SessionLog.START)))
                self.purge_step = None
        return self.file_writer

    def get_logdir(self):
        """Return the directory event files are written to.

        Example:
            >>> SummaryWriter("runs/a").get_logdir()   # doctest: +SKIP
            'runs/a'
        """
        return self.log_dir

    # ------------------------------------------------------------------ scalars
    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """Add a scalar.

        Args:
            tag (str): data identifier, e.g. ``'loss/train'``.
            scalar_value (float, int, 1-element tensor or array): the value.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch. Default: ``time.time()``.
            new_style (bool): store as a tensor of the ``scalars`` plugin instead of the legacy
                ``simple_value`` field (faster to load). Default: False.
            double_precision (bool): with ``new_style``, keep float64 precision. Default: False.

        Example:
            >>> for i in range(100):                      # doctest: +SKIP
            ...     writer.add_scalar("y=2x", i * 2, i)
        """
        summ = _summary.scalar(tag, scalar_value, new_style=new_style,
                               double_precision=double_precision)
        self._get_file_writer().add_summary(summ, global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Add several scalars to one chart: each key gets its own run ``log_dir/<main_tag>_<key>``.

        Args:
            main_tag (str): the chart's tag (``/`` is replaced by ``_`` in the run names).
            tag_scalar_dict (dict): key -> scalar value.
            global_step (int, optional): step to record them at.
            walltime (float, optional): seconds since the epoch (one for all). Default: now.

        Example:
            >>> writer.add_scalars("run_14h", {"xsinx": 1.0, "xcosx": 0.5}, 0)   # doctest: +SKIP
        """
        walltime = time.time() if walltime is None else walltime
        fw_logdir = self._get_file_writer().get_logdir()
        for tag, scalar_value in tag_scalar_dict.items():
            fw_tag = fw_logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(fw_tag)
            if fw is None:
                fw = FileWriter(fw_tag, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[fw_tag] = fw
            fw.add_summary(_summary.scalar(main_tag, scalar_value), global_step, walltime)

    def add_tensor(self, tag, tensor, global_step=None, walltime=None):
        """Add a whole tensor (shown by TensorBoard's tensor-aware plugins).

        Args:
            tag (str): data identifier.
            tensor (ember.Tensor or numpy.ndarray): the data.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_tensor("x", ember.tensor([1, 2, 3]))   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(_summary.tensor_proto(tag, tensor), global_step,
                                            walltime)

    # --------------------------------------------------------------- histograms
    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        """Add a histogram of ``values``.

        Args:
            tag (str): data identifier.
            values (ember.Tensor, numpy.ndarray or list): the values (any shape).
            global_step (int, optional): step to record it at.
            bins (str, int or sequence): ``'tensorflow'`` (TensorBoard's exponential buckets,
                the default) or anything ``numpy.histogram`` accepts (``'auto'``, ``'fd'``, 30 ...).
            walltime (float, optional): seconds since the epoch.
            max_bins (int, optional): merge adjacent buckets to at most this many.

        Example:
            >>> writer.add_histogram("weights", np.random.randn(1000), 0)   # doctest: +SKIP
        """
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._get_file_writer().add_summary(
            _summary.histogram(tag, values, bins, max_bins=max_bins), global_step, walltime)

    def add_histogram_raw(self, tag, min, max, num, sum, sum_squares,  # noqa: A002
                          bucket_limits, bucket_counts, global_step=None, walltime=None):
        """Add a histogram given its statistics and buckets.

        Args:
            tag (str): data identifier.
            min, max (float): smallest and largest value.
            num (int): number of values.
            sum, sum_squares (float): sum of the values and of their squares.
            bucket_limits (list, array or tensor): upper edge of each bucket.
            bucket_counts (list, array or tensor): count of each bucket (same length).
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_histogram_raw("h", min=0, max=3, num=6, sum=10, sum_squares=20,
            ...                          bucket_limits=[1, 2, 3], bucket_counts=[1, 2, 3])  # doctest: +SKIP
        """
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        self._get_file_writer().add_summary(
            _summary.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits,
                                   bucket_counts), global_step, walltime)

    # ------------------------------------------------------------------- images
    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        """Add one image (PNG-encoded; needs Pillow).

        Float images are taken to be in [0, 1] (scaled by 255, clipped), uint8 images in
        [0, 255].

        Args:
            tag (str): data identifier.
            img_tensor (ember.Tensor or numpy.ndarray): the image, ``(3, H, W)`` by default.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.
            dataformats (str): layout: ``'CHW'`` (default), ``'HWC'``, ``'HW'``, ``'WH'`` ...

        Shape:
            img_tensor: ``(3, H, W)``, ``(1, H, W)``, ``(H, W)`` or ``(H, W, 3)``, matching
            ``dataformats``.

        Example:
            >>> writer.add_image("img", np.random.rand(3, 32, 32), 0)                 # doctest: +SKIP
            >>> writer.add_image("hwc", np.zeros((32, 32, 3)), 0, dataformats="HWC")  # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None, dataformats="NCHW"):
        """Add a batch of images, tiled into one grid image (8 per row, no padding).

        Args:
            tag (str): data identifier.
            img_tensor (ember.Tensor or numpy.ndarray): ``(N, 3, H, W)`` by default.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.
            dataformats (str): ``'NCHW'`` (default), ``'NHWC'`` (or any 2/3-letter image format).

        Example:
            >>> writer.add_images("batch", np.random.rand(16, 3, 8, 8), 0)   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.image(tag, img_tensor, dataformats=dataformats), global_step, walltime)

    def add_image_with_boxes(self, tag, img_tensor, box_tensor, global_step=None, walltime=None,
                             rescale=1, dataformats="CHW", labels=None):
        """Add an image with bounding boxes drawn on it.

        Args:
            tag (str): data identifier.
            img_tensor: the image in ``dataformats`` layout.
            box_tensor: ``(K, 4)`` boxes ``(xmin, ymin, xmax, ymax)`` in pixels.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.
            rescale (float): resize factor. Default: 1.
            dataformats (str): image layout. Default: ``'CHW'``.
            labels (list of str, optional): one label per box (ignored if the count differs).

        Example:
            >>> writer.add_image_with_boxes("det", np.zeros((3, 64, 64)),
            ...                             np.array([[4, 4, 30, 30]]), 0)   # doctest: +SKIP
        """
        if labels is not None:
            if isinstance(labels, str):
                labels = [labels]
            if len(labels) != make_np(box_tensor).shape[0]:
                labels = None
        self._get_file_writer().add_summary(
            _summary.image_boxes(tag, img_tensor, box_tensor, rescale=rescale,
                                 dataformats=dataformats, labels=labels), global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """Render a matplotlib figure (or a list of them) and add it as an image.

        Args:
            tag (str): data identifier.
            figure: ``matplotlib.figure.Figure`` or a list of figures (tiled like ``add_images``).
            global_step (int, optional): step to record it at.
            close (bool): close the figure(s) afterwards. Default: True.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> fig = plt.figure(); plt.plot([1, 2, 3])       # doctest: +SKIP
            >>> writer.add_figure("plot", fig, 0)             # doctest: +SKIP
        """
        if isinstance(figure, list):
            self.add_image(tag, figure_to_image(figure, close), global_step, walltime,
                           dataformats="NCHW")
        else:
            self.add_image(tag, figure_to_image(figure, close), global_step, walltime,
                           dataformats="CHW")

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None):
        """Add a video batch, tiled into one animated GIF (encoded with Pillow).

        Args:
            tag (str): data identifier.
            vid_tensor: ``(N, T, C, H, W)``; uint8 in [0, 255] or float in [0, 1].
            global_step (int, optional): step to record it at.
            fps (float): frames per second. Default: 4.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_video("clip", np.random.rand(1, 8, 3, 16, 16), 0)   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(_summary.video(tag, vid_tensor, fps), global_step,
                                            walltime)

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None):
        """Add a mono audio clip (16-bit WAV).

        Args:
            tag (str): data identifier.
            snd_tensor: samples in [-1, 1], shape ``(1, L)`` or ``(L,)``.
            global_step (int, optional): step to record it at.
            sample_rate (int): samples per second. Default: 44100.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_audio("tone", np.sin(np.arange(44100) / 20), 0)   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.audio(tag, snd_tensor, sample_rate=sample_rate), global_step, walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """Add a text string (rendered as Markdown). The stored tag is ``<tag>/text_summary``.

        Args:
            tag (str): data identifier.
            text_string (str): the text.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_text("lstm", "This is an lstm", 0)   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(_summary.text(tag, text_string), global_step,
                                            walltime)

    # ------------------------------------------------------------------ hparams
    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
                    global_step=None):
        """Add a set of hyperparameters and their metrics, for TensorBoard's HParams tab.

        As in torch, this writes to a sub-run ``<log_dir>/<run_name>`` (``run_name`` defaults to
        the current ``time.time()``): the plugin's experiment / session-start / session-end
        summaries, then each metric as a scalar.

        Args:
            hparam_dict (dict): name -> value (bool, str, int, float, 1-element tensor or None).
            metric_dict (dict): metric tag -> value. Use tags not used by ``add_scalar``.
            hparam_domain_discrete (dict, optional): name -> list of all values it can take.
            run_name (str, optional): name of the sub-run directory.
            global_step (int, optional): step to record it at.

        Example:
            >>> writer.add_hparams({"lr": 0.1, "bsize": 16},
            ...                    {"hparam/accuracy": 0.9, "hparam/loss": 0.3})   # doctest: +SKIP
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, ssi, sei = _summary.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name)
        with SummaryWriter(log_dir=logdir) as w_hp:
            w_hp.file_writer.add_summary(exp, global_step)
            w_hp.file_writer.add_summary(ssi, global_step)
            w_hp.file_writer.add_summary(sei, global_step)
            for k, v in metric_dict.items():
                w_hp.add_scalar(k, v, global_step)

    # ---------------------------------------------------------------- pr curves
    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127,
                     weights=None, walltime=None):
        """Add a precision-recall curve.

        Args:
            tag (str): data identifier.
            labels: binary ground truth (tensor, array or list).
            predictions: probability of the positive class, in [0, 1], same shape.
            global_step (int, optional): step to record it at.
            num_thresholds (int): thresholds on the curve (at most 127). Default: 127.
            weights (optional): weight of each example.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_pr_curve("pr", np.random.randint(2, size=100),
            ...                     np.random.rand(100), 0)   # doctest: +SKIP
        """
        labels, predictions = make_np(labels), make_np(predictions)
        self._get_file_writer().add_summary(
            _summary.pr_curve(tag, labels, predictions, num_thresholds, weights), global_step,
            walltime)

    def add_pr_curve_raw(self, tag, true_positive_counts, false_positive_counts,
                         true_negative_counts, false_negative_counts, precision, recall,
                         global_step=None, num_thresholds=127, weights=None, walltime=None):
        """Add a precision-recall curve from precomputed counts (one value per threshold).

        Args:
            tag (str): data identifier.
            true_positive_counts, false_positive_counts, true_negative_counts,
            false_negative_counts, precision, recall: 1-D arrays/tensors of equal length.
            global_step (int, optional): step to record it at.
            num_thresholds (int): number of thresholds (at most 127). Default: 127.
            weights: unused (torch's signature).
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_pr_curve_raw("pr", tp, fp, tn, fn, p, r, 0, num_thresholds=5)  # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.pr_curve_raw(tag, true_positive_counts, false_positive_counts,
                                  true_negative_counts, false_negative_counts, precision, recall,
                                  num_thresholds, weights), global_step, walltime)

    # ----------------------------------------------------------- custom scalars
    def add_custom_scalars_multilinechart(self, tags, category="default", title="untitled"):
        """Add a custom-scalars chart plotting several scalar tags on one set of axes.

        Args:
            tags (list of str): scalar tags (regexes allowed).
            category (str): dashboard section. Default: ``'default'``.
            title (str): chart title. Default: ``'untitled'``.

        Example:
            >>> writer.add_custom_scalars_multilinechart(["loss/train", "loss/val"])  # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.custom_scalars({category: {title: ["Multiline", tags]}}))

    def add_custom_scalars_marginchart(self, tags, category="default", title="untitled"):
        """Add a custom-scalars margin chart: ``tags`` = [value, lower bound, upper bound].

        Args:
            tags (list of str): exactly three scalar tags.
            category (str): dashboard section. Default: ``'default'``.
            title (str): chart title. Default: ``'untitled'``.

        Example:
            >>> writer.add_custom_scalars_marginchart(["acc", "acc_lo", "acc_hi"])   # doctest: +SKIP
        """
        if len(tags) != 3:
            raise AssertionError(f"Expected 3 tags, got {len(tags)}.")
        self._get_file_writer().add_summary(
            _summary.custom_scalars({category: {title: ["Margin", tags]}}))

    def add_custom_scalars(self, layout):
        """Add the layout of TensorBoard's Custom Scalars dashboard (call once per writer).

        Args:
            layout (dict): ``{category: {chart_title: [kind, tags]}}`` where kind is
                ``'Multiline'`` or ``'Margin'`` (then ``tags`` = [value, lower, upper]).

        Example:
            >>> writer.add_custom_scalars({"Taiwan": {"twse": ["Multiline", ["twse/0050"]]},
            ...                            "USA": {"dow": ["Margin", ["dow/a", "dow/b", "dow/c"]]}})  # doctest: +SKIP
        """
        self._get_file_writer().add_summary(_summary.custom_scalars(layout))

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None,
                 global_step=None, walltime=None):
        """Add a 3D mesh or point cloud (TensorBoard's Mesh plugin).

        Args:
            tag (str): data identifier.
            vertices: ``(B, N, 3)`` coordinates.
            colors: ``(B, N, 3)`` colours (uint8 0-255), optional.
            faces: ``(B, F, 3)`` vertex indices of triangles, optional.
            config_dict (dict, optional): ThreeJS configuration.
            global_step (int, optional): step to record it at.
            walltime (float, optional): seconds since the epoch.

        Example:
            >>> writer.add_mesh("pts", vertices=np.random.rand(1, 100, 3))   # doctest: +SKIP
        """
        self._get_file_writer().add_summary(
            _summary.mesh(tag, vertices, colors, faces, config_dict), global_step, walltime)

    # --------------------------------------------------------------- embeddings
    @staticmethod
    def _encode(rawstr):
        """Escape ``%``, ``/`` and ``\\`` so a tag can be used as a directory name."""
        return (rawstr.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c"))

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None):
        """Add data for TensorBoard's embedding projector.

        Writes ``<log_dir>/<step:05d>/<tag>/tensors.tsv`` (+ ``metadata.tsv``, ``sprite.png``)
        and rewrites ``<log_dir>/projector_config.pbtxt`` listing every embedding so far.

        Args:
            mat (ember.Tensor or numpy.ndarray): ``(N, D)``, one feature vector per point.
            metadata (list, optional): one label per point (or one list per point with
                ``metadata_header``).
            label_img (ember.Tensor or numpy.ndarray, optional): ``(N, C, H, W)`` images in
                [0, 1], one per point.
            global_step (int, optional): step (default 0); each step gets its own directory.
            tag (str): embedding name. Default: ``'default'``.
            metadata_header (list of str, optional): column names for multi-column metadata.

        Example:
            >>> writer.add_embedding(np.random.randn(100, 5), metadata=[str(i) for i in range(100)])  # doctest: +SKIP
        """
        from google.protobuf import text_format
        from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

        from . import _embedding

        mat = make_np(mat)
        if global_step is None:
            global_step = 0
        subdir = f"{str(global_step).zfill(5)}/{self._encode(tag)}"
        save_path = os.path.join(self._get_file_writer().get_logdir(), subdir)
        gfile = _embedding._gfile()
        if gfile.exists(save_path):
            if gfile.isdir(save_path):
                print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
            else:
                raise NotADirectoryError(
                    f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
        else:
            gfile.makedirs(save_path)

        if metadata is not None:
            if mat.shape[0] != len(metadata):
                raise AssertionError("#labels should equal with #data points")
            _embedding.make_tsv(metadata, save_path, metadata_header=metadata_header)
        if label_img is not None:
            label_img = _embedding.label_images(label_img)
            if mat.shape[0] != label_img.shape[0]:
                raise AssertionError("#images should equal with #data points")
            _embedding.make_sprite(label_img, save_path)
        if mat.ndim != 2:
            raise AssertionError(
                "mat should be 2D, where mat.size(0) is the number of data points")
        _embedding.make_mat(mat, save_path)

        # The config file is rewritten whole each time (filesystems may not append).
        if getattr(self, "_projector_config", None) is None:
            self._projector_config = ProjectorConfig()
        self._projector_config.embeddings.extend(
            [_embedding.get_embedding_info(metadata, label_img, subdir, global_step, tag)])
        _embedding.write_pbtxt(self._get_file_writer().get_logdir(),
                               text_format.MessageToString(self._projector_config))

    # ------------------------------------------------------------------- graph
    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Add the graph of an ember ``nn.Module`` (TensorBoard's Graphs tab).

        The graph is recorded by running ``model(*input_to_model)`` once with forward hooks on
        every submodule: each module call becomes a node named by its module path and scoped
        by its parents (``Net/Sequential[features]/Conv2d[0]``), with the module class as op,
        the input/output shapes as attributes, and an edge from the call that produced each
        input tensor. Ops are read from the autograd graph of one forward pass (ember has no
        JIT tracer), so ops autograd does not record (integer-only ops, ops under ``no_grad``,
        ``argmax``-like results) are not shown, and integer inputs (e.g. ``Embedding``
        indices) appear as unconnected input nodes.

        Args:
            model (ember.nn.Module): the model.
            input_to_model (ember.Tensor or tuple of Tensors): example input(s).
            verbose (bool): print the recorded nodes. Default: False.
            use_strict_trace (bool): accepted for torch compatibility; unused.

        Example:
            >>> writer.add_graph(model, ember.randn(1, 3, 32, 32))   # doctest: +SKIP
        """
        from ._graph import graph

        self._get_file_writer().add_graph(graph(model, input_to_model, verbose))

    # ------------------------------------------------------------- life cycle
    def flush(self):
        """Write all pending events of every run of this writer to disk.

        Example:
            >>> writer.flush()   # doctest: +SKIP
        """
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self):
        """Flush and close all event files. A later ``add_*`` call starts a new event file.

        Example:
            >>> writer.close()   # doctest: +SKIP
        """
        if self.all_writers is None:
            return  # double close is fine
        if self._finalizer is not None:
            self._finalizer()  # flushes and closes every FileWriter, then detaches
            self._finalizer = None
        else:
            _close_writers(self.all_writers)
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()

    def __repr__(self):
        return f"SummaryWriter(log_dir={self.log_dir!r})"
