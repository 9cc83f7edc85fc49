"""Pixel-wise full-reference metrics: PSNR (also per channel) and MAE.

The shared input handling of :mod:`lowlight_utils.metrics.tables` lives here too: images
``(H, W)``, ``(H, W, C)`` or batches ``(N, H, W, C)``, computed in float64.
"""

from __future__ import annotations

import numpy as np


# ----------------------------------------------------------------------------- input handling
def _as_pair(pred, ref) -> tuple[np.ndarray, np.ndarray, bool]:
    """Float64 copies of ``pred`` and ``ref`` shaped (N, H, W, C), and whether it was a batch."""
    p, r = np.asarray(pred), np.asarray(ref)
    if p.shape != r.shape:
        raise ValueError(f"pred and ref must have the same shape, got {p.shape} and {r.shape}")
    if p.ndim not in (2, 3, 4):
        raise ValueError(
            f"expected an image (H, W), (H, W, C) or a batch (N, H, W, C), got shape {p.shape}"
        )
    if p.size == 0:
        raise ValueError(f"empty image of shape {p.shape}")
    batched = p.ndim == 4
    p, r = p.astype(np.float64), r.astype(np.float64)
    if p.ndim == 2:
        p, r = p[..., None], r[..., None]
    if not batched:
        p, r = p[None], r[None]
    return p, r, batched


def _check_range(data_range: float) -> float:
    data_range = float(data_range)
    if not data_range > 0:
        raise ValueError(f"data_range must be positive, got {data_range}")
    return data_range


def _output(values: np.ndarray, batched: bool):
    """Per-image values -> float (single image) or array (batch)."""
    return values if batched else float(values[0])


# ----------------------------------------------------------------------------- PSNR, MAE
def _psnr_from_mse(mse: np.ndarray, data_range: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(data_range**2 / mse)


def psnr(pred, ref, data_range: float = 1.0):
    """Peak signal-to-noise ratio in dB, over all pixels and channels jointly.

    Parameters
    ----------
    pred, ref : array_like
        Enhanced image(s) and reference(s), same shape: (H, W), (H, W, C) or (N, H, W, C).
    data_range : float, default 1.0
        Distance between the smallest and largest possible value (255 for 8-bit integers).

    Returns
    -------
    float or numpy.ndarray
        ``10 log10(data_range**2 / MSE)``; ``inf`` for identical images. One value per
        image for a batch.

    Examples
    --------
    >>> import numpy as np
    >>> ref = np.zeros((8, 8, 3))
    >>> round(psnr(ref + 0.01, ref), 4)
    40.0
    """
    p, r, batched = _as_pair(pred, ref)
    mse = np.mean((p - r) ** 2, axis=(1, 2, 3))
    return _output(_psnr_from_mse(mse, _check_range(data_range)), batched)


def psnr_per_channel(pred, ref, data_range: float = 1.0) -> np.ndarray:
    """PSNR of each channel separately (last axis).

    The phone-to-DSLR report computes PSNR per channel and averages the three numbers,
    ``psnr_per_channel(pred, ref).mean()``. That is not the joint :func:`psnr`: averaging
    logarithms weights the best channel more, so the per-channel mean is always greater
    than or equal to the joint value and the two must not be compared.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`; a 2-D image counts as one channel.
    data_range : float, default 1.0
        Distance between the smallest and largest possible value.

    Returns
    -------
    numpy.ndarray
        Shape (C,) for one image, (N, C) for a batch, in dB.

    Examples
    --------
    >>> import numpy as np
    >>> ref = np.zeros((8, 8, 3))
    >>> pred = ref + np.array([0.1, 0.01, 0.001])
    >>> psnr_per_channel(pred, ref).round(4)
    array([20., 40., 60.])
    """
    p, r, batched = _as_pair(pred, ref)
    mse = np.mean((p - r) ** 2, axis=(1, 2))
    values = _psnr_from_mse(mse, _check_range(data_range))
    return values if batched else values[0]


def mae(pred, ref):
    """Mean absolute error over all pixels and channels.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`.

    Returns
    -------
    float or numpy.ndarray
        ``mean(|pred - ref|)`` in the images' own units; one value per image for a batch.

    Examples
    --------
    >>> import numpy as np
    >>> round(mae(np.full((4, 4, 3), 0.25), np.zeros((4, 4, 3))), 4)
    0.25
    """
    p, r, batched = _as_pair(pred, ref)
    return _output(np.mean(np.abs(p - r), axis=(1, 2, 3)), batched)
