"""``sigmoid_focal_loss`` (RetinaNet, https://arxiv.org/abs/1708.02002)."""
import ember
import ember.nn.functional as F

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """Focal loss for dense detection: binary cross-entropy on logits, scaled by
    ``(1 - p_t) ** gamma`` and weighted by ``alpha`` for positives / ``1 - alpha`` for
    negatives.

    Args:
        inputs (Tensor): logits of any shape.
        targets (Tensor): same shape, binary labels (0 negative, 1 positive).
        alpha (float): weight of the positives in ``[0, 1]``; ``-1`` for no weighting.
            Default: 0.25
        gamma (float): focusing exponent. Default: 2
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``. Default: ``'none'``

    Returns:
        Tensor: the loss (same shape as ``inputs`` for ``'none'``, else a scalar).

    Example::

        >>> import ember
        >>> from ember.vision.ops import sigmoid_focal_loss
        >>> sigmoid_focal_loss(ember.tensor([2.0, -1.0]), ember.tensor([1.0, 0.0]), reduction='sum')
        tensor(0.0174)
    """
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    p = ember.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(
        f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
    )
