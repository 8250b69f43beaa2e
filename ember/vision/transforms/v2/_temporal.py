"""UniformTemporalSubsample."""
import ember

from . import functional as F
from ._transform import Transform

__all__ = ["UniformTemporalSubsample"]


class UniformTemporalSubsample(Transform):
    """Keep ``num_samples`` evenly spaced frames of videos ``[..., T, C, H, W]`` (frames repeat
    when ``num_samples > T``).

    Args:
        num_samples (int): number of frames to keep.

    Example::

        >>> from ember.vision import tv_tensors
        >>> video = tv_tensors.Video(ember.arange(5.).reshape(5, 1, 1, 1))
        >>> UniformTemporalSubsample(3)(video).flatten().tolist()
        [0.0, 2.0, 4.0]
    """
    _transformed_types = (ember.Tensor,)

    def __init__(self, num_samples):
        super().__init__()
        self.num_samples = num_samples

    def transform(self, inpt, params):
        return self._call_kernel(F.uniform_temporal_subsample, inpt, self.num_samples)
