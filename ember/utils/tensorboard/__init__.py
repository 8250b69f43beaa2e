"""TensorBoard logging for ember: ``from ember.utils.tensorboard import SummaryWriter``.

The same API as ``torch.utils.tensorboard``. Importing this package never needs the optional
``tensorboard`` package; creating a :class:`SummaryWriter` does (``pip install "ember[tensorboard]"``).

Example:
    >>> from ember.utils.tensorboard import SummaryWriter
    >>> writer = SummaryWriter("runs/demo")          # doctest: +SKIP
    >>> writer.add_scalar("loss", 0.25, global_step=1)  # doctest: +SKIP
    >>> writer.close()                                # doctest: +SKIP
"""

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]


def __getattr__(name):
    # torch re-exports TensorBoard's RecordWriter here; import it only when asked for.
    if name == "RecordWriter":
        from ._deps import require_tensorboard

        require_tensorboard()
        from tensorboard.summary.writer.record_writer import RecordWriter

        return RecordWriter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
