"""Full-reference image quality metrics: PSNR, SSIM, UQI, MAE.

All functions take NumPy arrays or TensorFlow tensors (converted with ``np.asarray``) and
compute in float64. Shapes:

* ``(H, W)`` -- one grayscale image;
* ``(H, W, C)`` -- one image, channels last -> a Python ``float``;
* ``(N, H, W, C)`` -- a batch -> a NumPy array of ``N`` per-image values.

``pred`` and ``ref`` must have the same shape. Pixel values are assumed to lie in
``[0, data_range]``; the course's images are float32 in [0, 1], hence ``data_range=1.0``.

The definitions follow the references the course tests against:

* :func:`psnr` equals ``skimage.metrics.peak_signal_noise_ratio``;
* :func:`ssim` equals ``skimage.metrics.structural_similarity`` with
  ``gaussian_weights=True, sigma=1.5, use_sample_covariance=False`` and ``tf.image.ssim``;
* :func:`uqi` is the universal quality index of Wang & Bovik (2002), computed like Wang's
  ``img_qi.m`` (8x8 sliding window). The ``uqi`` of the popular *sewar* package is a
  different quantity, so numbers from it are not comparable.

Examples
--------
>>> import numpy as np
>>> ref = np.full((16, 16, 3), 0.5)
>>> round(psnr(ref + 0.1, ref), 4)
20.0
>>> ssim(ref, ref)
1.0
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

METRIC_NAMES = ("psnr", "ssim", "uqi", "mae")


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


# ----------------------------------------------------------------------------- windows
def _valid_filter(x: np.ndarray, taps: np.ndarray) -> np.ndarray:
    """Separable correlation of (N, H, W, C) with ``taps`` along H and W, 'valid' region."""
    k = len(taps)
    h, w = x.shape[1] - k + 1, x.shape[2] - k + 1
    rows = sum(t * x[:, i : i + h] for i, t in enumerate(taps))
    return sum(t * rows[:, :, j : j + w] for j, t in enumerate(taps))


def _valid_reduce(x: np.ndarray, k: int, op: Callable) -> np.ndarray:
    """Running ``op`` (np.maximum / np.minimum) over k x k windows, 'valid' region."""
    h, w = x.shape[1] - k + 1, x.shape[2] - k + 1
    rows = x[:, :h].copy()
    for i in range(1, k):
        op(rows, x[:, i : i + h], out=rows)
    out = rows[:, :, :w].copy()
    for j in range(1, k):
        op(out, rows[:, :, j : j + w], out=out)
    return out


def _check_window(shape: tuple[int, ...], win: int, name: str) -> None:
    if shape[1] < win or shape[2] < win:
        raise ValueError(
            f"{name} needs images of at least {win}x{win} pixels, got {shape[1]}x{shape[2]}"
        )


# ----------------------------------------------------------------------------- SSIM
def gaussian_taps(sigma: float = 1.5, truncate: float = 3.5) -> np.ndarray:
    """Normalised 1-D Gaussian window, radius ``int(truncate * sigma + 0.5)`` (11 taps).

    The same window as ``scipy.ndimage.gaussian_filter`` (used by scikit-image) and
    ``tf.image.ssim``.

    Examples
    --------
    >>> gaussian_taps().shape
    (11,)
    """
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def ssim(
    pred,
    ref,
    data_range: float = 1.0,
    *,
    sigma: float = 1.5,
    truncate: float = 3.5,
    k1: float = 0.01,
    k2: float = 0.03,
    return_map: bool = False,
):
    """Structural similarity (Wang et al. 2004) with an 11x11 Gaussian window.

    Means, variances and covariance are Gaussian-weighted (``sigma=1.5``, population
    covariance); SSIM is computed per channel on the window positions that fit inside the
    image (a border of ``(win - 1) // 2`` pixels is left out, as scikit-image does) and
    averaged over positions and channels. Equal to scikit-image's ``structural_similarity(
    ..., data_range=1, channel_axis=-1, gaussian_weights=True, sigma=1.5,
    use_sample_covariance=False)`` and to ``tf.image.ssim(..., max_val=1)``.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`; at least 11x11 pixels.
    data_range : float, default 1.0
        Distance between the smallest and largest possible value.
    sigma, truncate : float
        Gaussian window; the defaults give the standard 11x11 window.
    k1, k2 : float
        Stabilising constants, ``C1 = (k1 * data_range)**2``, ``C2 = (k2 * data_range)**2``.
    return_map : bool, default False
        Also return the SSIM map.

    Returns
    -------
    float or numpy.ndarray
        Mean SSIM (one per image for a batch); 1 for identical images.
    numpy.ndarray, optional
        With ``return_map=True``: the map, shape (H - win + 1, W - win + 1, C) for one image
        (channel axis kept, also for a 2-D input: C = 1) or (N, ..., C) for a batch.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.random((32, 32, 3))
    >>> ssim(ref, ref)
    1.0
    >>> value, smap = ssim(ref * 0.5, ref, return_map=True)
    >>> smap.shape, value < 1
    ((22, 22, 3), True)
    """
    p, r, batched = _as_pair(pred, ref)
    taps = gaussian_taps(sigma, truncate)
    _check_window(p.shape, len(taps), "ssim")
    c1 = (k1 * _check_range(data_range)) ** 2
    c2 = (k2 * data_range) ** 2

    mu_p, mu_r = _valid_filter(p, taps), _valid_filter(r, taps)
    var_p = _valid_filter(p * p, taps) - mu_p**2
    var_r = _valid_filter(r * r, taps) - mu_r**2
    cov = _valid_filter(p * r, taps) - mu_p * mu_r
    smap = ((2 * mu_p * mu_r + c1) * (2 * cov + c2)) / (
        (mu_p**2 + mu_r**2 + c1) * (var_p + var_r + c2)
    )
    values = smap.mean(axis=(1, 2, 3))
    out = _output(values, batched)
    if return_map:
        return out, (smap if batched else smap[0])
    return out


# ----------------------------------------------------------------------------- UQI
def uqi(pred, ref, window: int = 8, *, return_map: bool = False):
    """Universal image quality index Q of Wang & Bovik (2002).

    On every ``window x window`` block (stride 1, blocks fully inside the image)::

        Q = 4 cov(x, y) mean(x) mean(y) / ((var(x) + var(y)) (mean(x)**2 + mean(y)**2))

    with population (co)variances; Q is averaged over blocks, per channel, then over
    channels. It combines loss of correlation, luminance distortion and contrast
    distortion; it lies in [-1, 1] and is 1 only for identical blocks. Flat blocks follow
    Wang's reference code ``img_qi.m``: where both blocks are flat (zero variances), Q is
    ``2 mean(x) mean(y) / (mean(x)**2 + mean(y)**2)`` (1 when the means are also zero);
    where only one block is flat, the covariance is zero and so is Q. Flatness is tested
    exactly (block maximum == block minimum), so round-off cannot turn a flat block into
    noise.

    Not the same quantity as the ``uqi`` of the *sewar* package.

    Parameters
    ----------
    pred, ref : array_like
        Same shapes as for :func:`psnr`; at least ``window`` pixels each way. Q does not
        depend on the data range.
    window : int, default 8
        Block size (8 in the paper).
    return_map : bool, default False
        Also return the Q map, shape (H - window + 1, W - window + 1, C) (batch: leading N).

    Returns
    -------
    float or numpy.ndarray
        Mean Q (one per image for a batch).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> ref = rng.random((16, 16, 3))
    >>> uqi(ref, ref)
    1.0
    >>> uqi(1.0 - ref, ref) < 0
    True
    """
    p, r, batched = _as_pair(pred, ref)
    window = int(window)
    if window < 2:
        raise ValueError(f"uqi window must be at least 2, got {window}")
    _check_window(p.shape, window, "uqi")
    qmap = _uqi_map(p, r, window)
    out = _output(qmap.mean(axis=(1, 2, 3)), batched)
    if return_map:
        return out, (qmap if batched else qmap[0])
    return out


def _uqi_map(p: np.ndarray, r: np.ndarray, window: int) -> np.ndarray:
    """Q on every block of (N, H, W, C) inputs, with the flat-block rules of img_qi.m."""
    taps = np.full(window, 1.0 / window)
    mu_p, mu_r = _valid_filter(p, taps), _valid_filter(r, taps)
    flat_p = _valid_reduce(p, window, np.maximum) == _valid_reduce(p, window, np.minimum)
    flat_r = _valid_reduce(r, window, np.maximum) == _valid_reduce(r, window, np.minimum)
    var_p = np.where(flat_p, 0.0, np.maximum(_valid_filter(p * p, taps) - mu_p**2, 0.0))
    var_r = np.where(flat_r, 0.0, np.maximum(_valid_filter(r * r, taps) - mu_r**2, 0.0))
    cov = np.where(flat_p | flat_r, 0.0, _valid_filter(p * r, taps) - mu_p * mu_r)

    mean_term = mu_p**2 + mu_r**2
    var_term = var_p + var_r
    denominator = var_term * mean_term
    qmap = np.ones_like(mu_p)
    only_var_zero = (var_term == 0) & (mean_term != 0)
    qmap[only_var_zero] = 2 * mu_p[only_var_zero] * mu_r[only_var_zero] / mean_term[only_var_zero]
    ok = denominator != 0
    qmap[ok] = 4 * cov[ok] * mu_p[ok] * mu_r[ok] / denominator[ok]
    return qmap


# ----------------------------------------------------------------------------- tables
@dataclasses.dataclass
class Evaluation:
    """Per-image metric rows and their means, as returned by :func:`evaluate_pairs`.

    Attributes
    ----------
    rows : list of dict
        One dict per image with keys ``name``, ``psnr``, ``ssim``, ``uqi``, ``mae``.
    """

    rows: list[dict]

    @property
    def means(self) -> dict[str, float]:
        """Mean of each metric over the rows (PSNR is ``inf`` if any image is exact)."""
        return {k: float(np.mean([row[k] for row in self.rows])) for k in METRIC_NAMES}

    def __len__(self) -> int:
        return len(self.rows)

    def to_csv(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the rows (no mean row) as CSV with a header; returns the path.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False.
        """
        path = Path(path)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w" if overwrite else "x", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["name", *METRIC_NAMES])
            writer.writeheader()
            for row in self.rows:
                writer.writerow({k: (row[k] if k == "name" else repr(float(row[k]))) for k in row})
        return path

    def to_markdown(self, means: bool = True) -> str:
        """A markdown table, one row per image, plus a final **mean** row if ``means``."""
        lines = ["| image | PSNR (dB) | SSIM | UQI | MAE |", "|---|---:|---:|---:|---:|"]
        rows = [*self.rows, {"name": "**mean**", **self.means}] if means else self.rows
        for row in rows:
            lines.append(
                f"| {row['name']} | {row['psnr']:.2f} | {row['ssim']:.4f} "
                f"| {row['uqi']:.4f} | {row['mae']:.4f} |"
            )
        return "\n".join(lines) + "\n"


def _load(item) -> np.ndarray:
    if isinstance(item, (str, os.PathLike)):
        from lowlight_utils.data import load_image

        return load_image(item)
    return np.asarray(item)


def _default_name(i: int, pred, ref) -> str:
    for item in (ref, pred):
        if isinstance(item, (str, os.PathLike)):
            return Path(item).stem
    return f"image_{i:04d}"


def evaluate_pairs(
    preds: Sequence,
    refs: Sequence,
    names: Sequence[str] | None = None,
    data_range: float = 1.0,
) -> Evaluation:
    """PSNR, SSIM, UQI and MAE of each (prediction, reference) pair.

    Parameters
    ----------
    preds, refs : sequence of array_like or paths
        Images of shape (H, W, C) or (H, W); sizes may differ from one pair to the next but
        not within a pair. Paths are read with :func:`lowlight_utils.data.load_image`.
    names : sequence of str, optional
        Row names; default: the reference's (else the prediction's) file stem for paths,
        ``image_0000``, ``image_0001``, ... otherwise.
    data_range : float, default 1.0
        Passed to :func:`psnr` and :func:`ssim`.

    Returns
    -------
    Evaluation
        ``.rows``, ``.means``, ``.to_csv(path)``, ``.to_markdown()``.

    Raises
    ------
    ValueError
        If the sequences differ in length, or a pair differs in shape or is too small; the
        message names the item.

    Examples
    --------
    >>> import numpy as np
    >>> ref = np.full((16, 16, 3), 0.5)
    >>> ev = evaluate_pairs([ref + 0.1], [ref], names=["grey"])
    >>> ev.rows[0]["name"], round(ev.means["psnr"], 2)
    ('grey', 20.0)
    """
    preds, refs = list(preds), list(refs)
    if len(preds) != len(refs):
        raise ValueError(f"got {len(preds)} predictions but {len(refs)} references")
    if names is None:
        names = [_default_name(i, p, r) for i, (p, r) in enumerate(zip(preds, refs, strict=True))]
    names = [str(n) for n in names]
    if len(names) != len(refs):
        raise ValueError(f"got {len(names)} names for {len(refs)} image pairs")
    rows = []
    for name, pred, ref in zip(names, preds, refs, strict=True):
        p, r = _load(pred), _load(ref)
        if p.ndim == 4 or p.shape != r.shape:
            raise ValueError(
                f"item {name!r}: prediction shape {p.shape} does not match reference shape "
                f"{r.shape} (each item must be one image)"
            )
        try:
            rows.append(_score(name, p, r, data_range))
        except ValueError as err:
            raise ValueError(f"item {name!r}: {err}") from err
    return Evaluation(rows)


def _score(name: str, pred: np.ndarray, ref: np.ndarray, data_range: float) -> dict:
    return {
        "name": name,
        "psnr": psnr(pred, ref, data_range),
        "ssim": ssim(pred, ref, data_range),
        "uqi": uqi(pred, ref),
        "mae": mae(pred, ref),
    }


__all__ = [
    "Evaluation",
    "METRIC_NAMES",
    "evaluate_pairs",
    "gaussian_taps",
    "mae",
    "psnr",
    "psnr_per_channel",
    "ssim",
    "uqi",
]
