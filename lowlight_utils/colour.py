"""RGB <-> YCrCb for [0, 1] float images (BT.601 luma, OpenCV's ``COLOR_RGB2YCrCb``).

Y carries brightness and most of the structure; Cr and Cb carry colour as offsets around
0.5. Working on Y alone makes brightening easier to learn, but whatever is wrong in the
low image's chroma (noise, lost saturation) is then kept.
"""

from __future__ import annotations

import numpy as np

_Y = np.array([0.299, 0.587, 0.114])
# OpenCV's definition: Cr = 0.713 (R - Y) + 0.5, Cb = 0.564 (B - Y) + 0.5
_TO = np.stack([_Y, 0.713 * (np.array([1.0, 0, 0]) - _Y), 0.564 * (np.array([0, 0, 1.0]) - _Y)])
_FROM = np.linalg.inv(_TO)


def rgb_to_ycrcb(image: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] -> (..., 3) Y, Cr, Cb with Cr and Cb centred on 0.5.

    Examples
    --------
    >>> rgb_to_ycrcb(np.array([1.0, 1.0, 1.0])).round(6).tolist()
    [1.0, 0.5, 0.5]
    """
    out = np.asarray(image, dtype=np.float64) @ _TO.T
    out[..., 1:] += 0.5
    return out.astype(np.float32)


def ycrcb_to_rgb(image: np.ndarray) -> np.ndarray:
    """Inverse of :func:`rgb_to_ycrcb`, clipped to [0, 1]."""
    x = np.asarray(image, dtype=np.float64).copy()
    x[..., 1:] -= 0.5
    return np.clip(x @ _FROM.T, 0.0, 1.0).astype(np.float32)
