"""Pixel-wise full-reference metrics: PSNR (also per channel) and MAE.

The shared input handling of :mod:`lowlight_utils.metrics` lives here too: images
``(H, W)``, ``(H, W, C)`` or batches ``(N, H, W, C)``, computed in float64, and the one rule
on the values every metric applies (:func:`as_float_image`):

* **Floats** must lie in ``[0, data_range]`` (and be finite). Anything else raises a
  ``ValueError`` that names the range found: a 0-255 float image scored with
  ``data_range=1`` would give a PSNR around -21 dB, a clipped one a wrong colour error.
  Nothing is clipped silently; clip an output yourself if that is what you mean to score.
* **Unsigned integers** (``uint8``, ``uint16``) are put in the units of ``data_range`` as
  scikit-image does: with ``data_range`` equal to the dtype's maximum (255 for ``uint8``,
  scikit-image's default for integer images) the values are used as they are; with the
  default ``data_range=1`` they are divided by that maximum
  (:func:`skimage.util.img_as_float`). Both give scikit-image's score. Any other
  ``data_range`` raises, and so do signed integers, booleans and complex numbers.

Examples
--------
>>> import numpy as np
>>> ref = np.full((8, 8, 3), 128, np.uint8)
>>> round(psnr(ref + np.uint8(2), ref), 2), round(psnr(ref + np.uint8(2), ref, 255), 2)
(42.11, 42.11)
>>> psnr(np.full((8, 8), 200.0), np.zeros((8, 8)))
Traceback (most recent call last):
...
ValueError: pred values lie in [200, 200], outside [0, 1] (data_range=1): for 0-255 floats pass data_range=255 or divide by 255
"""

from __future__ import annotations

import numpy as np


# ----------------------------------------------------------------------------- input handling
def as_float_image(image, data_range: float = 1.0, *, name: str = "image") -> np.ndarray:
    """``image`` as float64 in ``[0, data_range]``, or a ``ValueError`` saying why not.

    The metrics' one rule on pixel values (see the module docstring): floats must already
    lie in ``[0, data_range]``; unsigned integers are put in the units of ``data_range``
    (used as they are when ``data_range`` is the dtype's maximum, divided by it when
    ``data_range`` is 1), as scikit-image does.

    Parameters
    ----------
    image : array_like
        Any shape; NumPy arrays and TensorFlow tensors.
    data_range : float, default 1.0
        Distance between the smallest and largest possible value; positive.
    name : str
        How the error messages call the image (``"pred"``, ``"ref"``).

    Returns
    -------
    numpy.ndarray
        float64, same shape.

    Raises
    ------
    ValueError
        For a dtype that is not an image's, an integer image with a ``data_range`` that is
        neither 1 nor its dtype's maximum, non-finite values, or floats outside
        ``[0, data_range]``; the message names the image and the range found.

    Examples
    --------
    >>> import numpy as np
    >>> as_float_image(np.array([0, 51, 255], np.uint8)).tolist()
    [0.0, 0.2, 1.0]
    >>> as_float_image(np.array([0, 51, 255], np.uint8), 255).tolist()
    [0.0, 51.0, 255.0]
    """
    data_range = _check_range(data_range)
    x = np.asarray(image)
    kind = x.dtype.kind
    if kind == "u":
        top = float(np.iinfo(x.dtype).max)
        if data_range not in (1.0, top):
            raise ValueError(
                f"{name} is {x.dtype}: integer images are scored in [0, 1] (data_range=1, "
                f"divided by {top:g}) or in their own units (data_range={top:g}), as "
                f"scikit-image does; got data_range={data_range:g}")
        x = x.astype(np.float64)
        return x / top if data_range == 1.0 else x
    if kind != "f":
        raise ValueError(
            f"{name} has dtype {x.dtype}, which the metrics do not score: pass floats in "
            f"[0, data_range] or unsigned integers (uint8, uint16)")
    x = x.astype(np.float64)
    if x.size == 0:
        return x
    if not np.isfinite(x).all():
        raise ValueError(f"{name} holds {np.count_nonzero(~np.isfinite(x))} NaN or "
                         "infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0.0 or hi > data_range:
        hint = ("for 0-255 floats pass data_range=255 or divide by 255"
                if data_range == 1.0 and lo >= 0.0 and hi <= 255.0 else
                f"clip it to [0, {data_range:g}] first if that is the image you mean to "
                "score")
        raise ValueError(f"{name} values lie in [{lo:.6g}, {hi:.6g}], outside "
                         f"[0, {data_range:g}] (data_range={data_range:g}): {hint}")
    return x


def _as_pair(pred, ref, data_range: float = 1.0) -> tuple[np.ndarray, np.ndarray, bool]:
    """Float64 copies of ``pred`` and ``ref`` shaped (N, H, W, C), and whether it was a batch.

    Both pass :func:`as_float_image` with ``data_range``.
    """
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
    p = as_float_image(p, data_range, name="pred")
    r = as_float_image(r, data_range, name="ref")
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

    Taught in notebook 05, section 'Five metrics, one picture each'; used from notebook 01,
    section 'What a global curve can undo', on.

    Parameters
    ----------
    pred, ref : array_like
        Enhanced image(s) and reference(s), same shape: (H, W), (H, W, C) or (N, H, W, C).
    data_range : float, default 1.0
        Distance between the smallest and largest possible value. Floats must lie in
        ``[0, data_range]``; 8-bit integers are scored with 1 or 255 alike (module rule).

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
    p, r, batched = _as_pair(pred, ref, data_range)
    mse = np.mean((p - r) ** 2, axis=(1, 2, 3))
    return _output(_psnr_from_mse(mse, _check_range(data_range)), batched)


def psnr_per_channel(pred, ref, data_range: float = 1.0) -> np.ndarray:
    """PSNR of each channel separately (last axis).

    The phone-to-DSLR report computes PSNR per channel and averages the three numbers,
    ``psnr_per_channel(pred, ref).mean()``. That is not the joint :func:`psnr`: averaging
    logarithms weights the best channel more, so the per-channel mean is always greater
    than or equal to the joint value and the two must not be compared.

    Taught in notebook 05, section 'Five metrics, one picture each'.

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
    p, r, batched = _as_pair(pred, ref, data_range)
    mse = np.mean((p - r) ** 2, axis=(1, 2))
    values = _psnr_from_mse(mse, _check_range(data_range))
    return values if batched else values[0]


def mae(pred, ref, data_range: float = 1.0):
    """Mean absolute error over all pixels and channels.

    Taught in notebook 05, section 'Five metrics, one picture each'.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`.
    data_range : float, default 1.0
        Distance between the smallest and largest possible value: the values must lie in
        ``[0, data_range]`` (the module's rule); it does not rescale the result.

    Returns
    -------
    float or numpy.ndarray
        ``mean(|pred - ref|)`` in the units of ``data_range`` (an 8-bit integer image
        with ``data_range=1`` is scored in [0, 1]); one value per image for a batch.

    Examples
    --------
    >>> import numpy as np
    >>> round(mae(np.full((4, 4, 3), 0.25), np.zeros((4, 4, 3))), 4)
    0.25
    """
    p, r, batched = _as_pair(pred, ref, data_range)
    return _output(np.mean(np.abs(p - r), axis=(1, 2, 3)), batched)
