"""Temporal v2 functionals: ``uniform_temporal_subsample``."""
import ember
from ember.vision import tv_tensors

from ._utils import _dispatch, _register_kernel_internal

__all__ = ["uniform_temporal_subsample", "uniform_temporal_subsample_video"]


@_dispatch
def uniform_temporal_subsample(inpt, num_samples):
    """Pick ``num_samples`` evenly spaced frames of a video ``[..., T, C, H, W]`` (see
    :class:`~ember.vision.transforms.v2.UniformTemporalSubsample`).

    Args:
        inpt (Tensor or Video): the video.
        num_samples (int): number of frames to keep (more than ``T`` repeats frames).

    Example::

        >>> video = ember.arange(5).reshape(5, 1, 1, 1)
        >>> uniform_temporal_subsample(video, 3).flatten().tolist()
        [0, 2, 4]
    """


@_register_kernel_internal(uniform_temporal_subsample, ember.Tensor)
@_register_kernel_internal(uniform_temporal_subsample, tv_tensors.Video)
def uniform_temporal_subsample_video(video, num_samples):
    """Evenly spaced frames (indices ``linspace(0, T - 1, num_samples)`` truncated) of a video.

    Args:
        video (Tensor): ``[..., T, C, H, W]``.
        num_samples (int): number of frames to keep.

    Example::

        >>> video = ember.arange(4).reshape(4, 1, 1, 1)
        >>> uniform_temporal_subsample_video(video, 2).flatten().tolist()
        [0, 3]
    """
    t_max = video.shape[-4] - 1
    indices = ember.linspace(0, t_max, num_samples, device=video.device).long()
    return ember.index_select(video, -4, indices)
