"""Classical low-light enhancement: the bar every learned model has to clear.

Every function takes one RGB image (H, W, 3) or a batch (N, H, W, 3), float in [0, 1]
(NumPy array or tensor), and returns float32 RGB in [0, 1] of the same shape. No learning,
no parameters fitted to data: gamma correction, histogram equalisation, CLAHE (OpenCV), and
the contrast stretch that the phone-to-DSLR report applies after its generator.

``BASELINES`` maps a name to a function ``image -> image``; :func:`enhance_baseline` looks
one up by name.

Examples
--------
>>> import numpy as np
>>> dark = np.full((8, 8, 3), 0.1, np.float32)
>>> out = enhance_baseline("gamma", dark)
>>> out.dtype, out.shape, round(float(out.mean()), 3)
(dtype('float32'), (8, 8, 3), 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
from skimage.util import img_as_float32

from ..metrics.colour import luminance

GAMMA_RANGE = (0.1, 10.0)
"""Smallest and largest exponent :func:`auto_gamma` may choose."""

_MEAN_EPS = 1e-6


# ----------------------------------------------------------------------------- helpers
def _as_rgb(image) -> np.ndarray:
    """float32 copy of an (H, W, 3) or (N, H, W, 3) image, clipped to [0, 1]."""
    arr = np.asarray(image)
    if arr.ndim not in (3, 4) or arr.shape[-1] != 3:
        raise ValueError(
            f"expected an RGB image (H, W, 3) or a batch (N, H, W, 3), got shape {arr.shape}"
        )
    if arr.size == 0:
        raise ValueError(f"empty image of shape {arr.shape}")
    return np.clip(arr.astype(np.float32), 0.0, 1.0)


def _per_image(fn: Callable[[np.ndarray], np.ndarray], image) -> np.ndarray:
    """Apply ``fn`` (one float32 (H, W, 3) image -> image) to an image or to each of a batch."""
    arr = _as_rgb(image)
    if arr.ndim == 4:
        return np.stack([fn(a) for a in arr]).astype(np.float32)
    return fn(arr).astype(np.float32)


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return np.round(image * 255.0).astype(np.uint8)


# ----------------------------------------------------------------------------- gamma
def auto_gamma(image) -> float:
    """The exponent that maps an image's mean luminance to 0.5.

    ``gamma = log(0.5) / log(mean)``, so that ``mean ** gamma == 0.5``: below 1 for a dark
    image (brightens), above 1 for a bright one. The mean is kept inside
    ``[1e-6, 1 - 1e-6]`` (an all-black or all-white image has no finite answer) and the
    result is clamped to :data:`GAMMA_RANGE`.

    Parameters
    ----------
    image : array_like
        RGB image (H, W, 3) in [0, 1].

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> round(auto_gamma(np.full((4, 4, 3), 0.25)), 6)
    0.5
    """
    mean = float(np.mean(luminance(_as_rgb(image))))
    mean = min(max(mean, _MEAN_EPS), 1.0 - _MEAN_EPS)
    gamma = math.log(0.5) / math.log(mean)
    return float(min(max(gamma, GAMMA_RANGE[0]), GAMMA_RANGE[1]))


def gamma_correction(image, gamma: float | None = None) -> np.ndarray:
    """Raise every channel to a power: ``out = image ** gamma``.

    Taught in notebook 01, section 'What a global curve can undo', and one of :data:`BASELINES`
    (notebook 01, section 'The bar to clear: classical baselines'); notebook 05, section 'Five
    metrics, one picture each', scores its output.

    Parameters
    ----------
    image : array_like
        RGB image (H, W, 3) or batch (N, H, W, 3) in [0, 1].
    gamma : float, optional
        The exponent (< 1 brightens). Default: automatic, :func:`auto_gamma`, chosen per
        image so that its mean luminance goes to 0.5. Because the curve is concave for
        gamma < 1, the mean of the output is close to, not exactly, 0.5 unless the image is
        flat.

    Returns
    -------
    numpy.ndarray
        float32, same shape, in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> out = gamma_correction(np.full((4, 4, 3), 0.25), gamma=0.5)
    >>> float(out[0, 0, 0])
    0.5
    """
    if gamma is not None and not gamma > 0:
        raise ValueError(f"gamma must be positive, got {gamma}")

    def apply(img: np.ndarray) -> np.ndarray:
        g = auto_gamma(img) if gamma is None else float(gamma)
        return np.power(img, g)

    return _per_image(apply, image)


# ----------------------------------------------------------------------------- histograms
def histogram_equalization(image) -> np.ndarray:
    """Global histogram equalisation of the luminance, chroma kept.

    The image is converted to 8-bit YCrCb, ``cv2.equalizeHist`` spreads Y over 0..255 so
    that its cumulative histogram becomes a straight line, and Cr/Cb are left as they were.
    Equalising R, G and B separately would shift hues; this does not.

    Parameters
    ----------
    image : array_like
        RGB image (H, W, 3) or batch (N, H, W, 3) in [0, 1].

    Returns
    -------
    numpy.ndarray
        float32, same shape, in [0, 1] (8-bit steps).

    Examples
    --------
    >>> import numpy as np
    >>> dark = np.linspace(0, 0.2, 64 * 64 * 3).reshape(64, 64, 3)
    >>> float(histogram_equalization(dark).max())
    1.0
    """

    def apply(img: np.ndarray) -> np.ndarray:
        ycrcb = cv2.cvtColor(_to_uint8(img), cv2.COLOR_RGB2YCrCb)
        ycrcb[..., 0] = cv2.equalizeHist(np.ascontiguousarray(ycrcb[..., 0]))
        return img_as_float32(cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2RGB))

    return _per_image(apply, image)


def clahe(image, clip_limit: float = 2.0, tile_grid: tuple[int, int] = (8, 8)) -> np.ndarray:
    """Contrast-limited adaptive histogram equalisation of the lightness L of CIE Lab.

    OpenCV's CLAHE equalises each tile of a ``tile_grid`` separately, clips every
    histogram bin at ``clip_limit`` times the average bin (which limits how much noise in
    dark, flat regions is amplified), and blends neighbouring tiles bilinearly. Only L is
    changed; a and b keep the colours.

    Parameters
    ----------
    image : array_like
        RGB image (H, W, 3) or batch (N, H, W, 3) in [0, 1].
    clip_limit : float, default 2.0
        Contrast limit (OpenCV's ``clipLimit``).
    tile_grid : (int, int), default (8, 8)
        Number of tiles (rows, columns) (OpenCV's ``tileGridSize``).

    Returns
    -------
    numpy.ndarray
        float32, same shape, in [0, 1] (8-bit steps).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> dark = (0.1 * rng.random((64, 64, 3))).astype(np.float32)
    >>> bool(clahe(dark).std() > dark.std())
    True
    """
    if not clip_limit > 0:
        raise ValueError(f"clip_limit must be positive, got {clip_limit}")
    tiles = tuple(int(t) for t in tile_grid)
    if len(tiles) != 2 or min(tiles) < 1:
        raise ValueError(f"tile_grid must be two positive integers, got {tile_grid}")
    op = cv2.createCLAHE(clipLimit=float(clip_limit), tileGridSize=tiles)

    def apply(img: np.ndarray) -> np.ndarray:
        lab = cv2.cvtColor(_to_uint8(img), cv2.COLOR_RGB2Lab)
        lab[..., 0] = op.apply(np.ascontiguousarray(lab[..., 0]))
        return img_as_float32(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB))

    return _per_image(apply, image)


# ----------------------------------------------------------------------------- stretch
def contrast_stretch(image, gmin: float = 10, gmax: float = 240) -> np.ndarray:
    """The phone-to-DSLR report's post-processing contrast stretch.

    In 0..255 units, values at or below ``gmin`` become 0, values at or above ``gmax``
    become 255, and values in between are mapped linearly:
    ``255 * (G - gmin) / (gmax - gmin)``. The report applies it to the generator's output
    with Gmin = 10 and Gmax = 240 because its outputs had slightly too little contrast.
    It is a post-processing step, not an enhancement method, so it is not in
    :data:`BASELINES`.

    Taught in notebook 01, section 'The bar to clear: classical baselines'; notebook 06, section
    'Exercises', applies it to deblurred images.

    Parameters
    ----------
    image : array_like
        RGB image (H, W, 3) or batch (N, H, W, 3) in [0, 1].
    gmin, gmax : float, default 10 and 240
        Thresholds in 0..255 units, ``0 <= gmin < gmax <= 255``.

    Returns
    -------
    numpy.ndarray
        float32, same shape, in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([5, 10, 125, 240, 250], np.float32).reshape(1, 5, 1).repeat(3, -1) / 255
    >>> contrast_stretch(x)[0, :, 0].round(6).tolist()
    [0.0, 0.0, 0.5, 1.0, 1.0]
    """
    if not 0 <= gmin < gmax <= 255:
        raise ValueError(f"need 0 <= gmin < gmax <= 255, got gmin={gmin}, gmax={gmax}")
    arr = _as_rgb(image).astype(np.float64) * 255.0
    return np.clip((arr - gmin) / (gmax - gmin), 0.0, 1.0).astype(np.float32)


# ----------------------------------------------------------------------------- registry
def identity(image) -> np.ndarray:
    """The low-light input itself, as float32 in [0, 1]: the "do nothing" baseline."""
    return _as_rgb(image)


BASELINES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": identity,
    "gamma": gamma_correction,
    "histeq": histogram_equalization,
    "clahe": clahe,
}
"""Name -> function(image) -> image, each with its default parameters."""


def enhance_baseline(name: str, image) -> np.ndarray:
    """Enhance ``image`` with the baseline called ``name`` (a key of :data:`BASELINES`).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.

    Examples
    --------
    >>> import numpy as np
    >>> enhance_baseline("identity", np.zeros((2, 2, 3))).dtype
    dtype('float32')
    """
    try:
        fn = BASELINES[name]
    except KeyError:
        valid = ", ".join(sorted(BASELINES))
        raise ValueError(f"unknown baseline {name!r}; valid names: {valid}") from None
    return fn(image)


def evaluate_baselines(pairs, names=None, *, protocol: str = "rgb") -> dict:
    """Score every baseline on ``pairs`` (a list of :class:`~lowlight_utils.data.Pair`).

    Each image is processed at its native size and scored against its reference with
    :func:`~lowlight_utils.metrics.evaluate_pairs`: rounded to 8-bit levels as a saved
    image, then scored by ``protocol``.

    Taught in notebook 01, section 'The bar to clear: classical baselines'; notebooks 02, 03 and 04
    score the bar their model must clear with it.

    Parameters
    ----------
    pairs : list of Pair
    names : list of str, optional
        Baselines to run; default all of :data:`BASELINES`.
    protocol : {"rgb", "gt-mean"}, default "rgb"
        The LOL scoring protocol (:data:`lowlight_utils.metrics.PROTOCOLS`); each
        Evaluation records it.

    Returns
    -------
    dict
        Baseline name -> ``(Evaluation, list of enhanced images)``.
    """
    from ..data import load_image
    from ..metrics import evaluate_pairs

    lows = [load_image(p.low) for p in pairs]
    highs = [load_image(p.high) for p in pairs]
    stems = [p.stem for p in pairs]
    out = {}
    for name in names or BASELINES:
        enhanced = [enhance_baseline(name, img) for img in lows]
        out[name] = (evaluate_pairs(enhanced, highs, names=stems, protocol=protocol), enhanced)
    return out


__all__ = [
    "evaluate_baselines",
    "BASELINES",
    "GAMMA_RANGE",
    "auto_gamma",
    "clahe",
    "contrast_stretch",
    "enhance_baseline",
    "gamma_correction",
    "histogram_equalization",
    "identity",
    "luminance",
]
