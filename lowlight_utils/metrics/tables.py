"""Full-reference image quality metrics: PSNR, SSIM, UQI, MAE and CIEDE2000.

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

The code is split by idea: :mod:`lowlight_utils.metrics.pixel` (PSNR, MAE),
:mod:`lowlight_utils.metrics.window` (SSIM, UQI); this module holds the tables
(:func:`evaluate_pairs`) and re-exports the metrics, so ``metrics.psnr`` keeps working.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .colour import ciede2000
from .pixel import mae, psnr
from .window import ssim, uqi

METRIC_NAMES = ("psnr", "ssim", "uqi", "mae", "ciede2000")


# ----------------------------------------------------------------------------- tables
@dataclasses.dataclass
class Evaluation:
    """Per-image metric rows and their means, as returned by :func:`evaluate_pairs`.

    Attributes
    ----------
    rows : list of dict
        One dict per image with keys ``name``, ``psnr``, ``ssim``, ``uqi``, ``mae`` and
        ``ciede2000`` (NaN for grey images, which have no colour to compare).
    """

    rows: list[dict]

    @property
    def means(self) -> dict[str, float]:
        """Mean of each metric over the rows (PSNR is ``inf`` if any image is exact)."""
        return {k: float(np.mean([row[k] for row in self.rows])) for k in METRIC_NAMES}

    @property
    def stds(self) -> dict[str, float]:
        """Spread of each metric over the rows: sample standard deviation (0 for one row)."""
        return {k: float(np.std([row[k] for row in self.rows], ddof=1)) if len(self.rows) > 1
                else 0.0 for k in METRIC_NAMES}

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
        lines = ["| image | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 |",
                 "|---|---:|---:|---:|---:|---:|"]
        rows = [*self.rows, {"name": "**mean**", **self.means}] if means else self.rows
        for row in rows:
            lines.append(
                f"| {row['name']} | {row['psnr']:.2f} | {row['ssim']:.4f} "
                f"| {row['uqi']:.4f} | {row['mae']:.4f} | {row['ciede2000']:.2f} |"
            )
        return "\n".join(lines) + "\n"


def _load(item) -> np.ndarray:
    if isinstance(item, (str, os.PathLike)):
        from ..data.io import load_image

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
    workers: int | None = None,
) -> Evaluation:
    """PSNR, SSIM, UQI, MAE and CIEDE2000 of each (prediction, reference) pair.

    Parameters
    ----------
    preds, refs : sequence of array_like or paths
        Images of shape (H, W, C) or (H, W); sizes may differ from one pair to the next but
        not within a pair. Paths are read with :func:`lowlight_utils.data.pairs.load_image`.
    names : sequence of str, optional
        Row names; default: the reference's (else the prediction's) file stem for paths,
        ``image_0000``, ``image_0001``, ... otherwise.
    data_range : float, default 1.0
        Passed to :func:`psnr` and :func:`ssim`.
    workers : int, optional
        Images scored side by side (threads); default one per core this process may use.
        The scores do not depend on it.

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
    # Images are scored side by side, one thread per core (lowlight_utils._shared.parallel); the rows
    # keep the input order, and a bad item raises as it would in a loop: the first one.
    from .._shared.parallel import thread_map

    items = list(zip(names, preds, refs, strict=True))
    return Evaluation(thread_map(lambda item: _score_item(item, data_range), items, workers))


def _score_item(item: tuple, data_range: float) -> dict:
    """Load one ``(name, prediction, reference)`` item, check its shapes and score it."""
    name, pred, ref = item
    p, r = _load(pred), _load(ref)
    if p.ndim == 4 or p.shape != r.shape:
        raise ValueError(
            f"item {name!r}: prediction shape {p.shape} does not match reference shape "
            f"{r.shape} (each item must be one image)"
        )
    try:
        return _score(name, p, r, data_range)
    except ValueError as err:
        raise ValueError(f"item {name!r}: {err}") from err


def _score(name: str, pred: np.ndarray, ref: np.ndarray, data_range: float) -> dict:
    return {
        "name": name,
        "psnr": psnr(pred, ref, data_range),
        "ssim": ssim(pred, ref, data_range),
        "uqi": uqi(pred, ref),
        "mae": mae(pred, ref),
        "ciede2000": ciede2000(pred / data_range, ref / data_range)
        if pred.ndim == 3 and pred.shape[-1] == 3
        else float("nan"),
    }


#: Metrics where a lower score is better (the rest: higher is better).
LOWER_IS_BETTER = frozenset({"mae", "ciede2000"})


@dataclasses.dataclass(frozen=True)
class Gap:
    """A paired difference: mean of ``a - b`` over the items, its spread, the verdict.

    Attributes
    ----------
    mean, spread : float
        Mean and sample standard deviation (ddof=1) of the per-item differences.
    n : int
        Number of items (images or scenes).
    verdict : {"better", "worse", "no result"}
        "no result" when ``|mean| <= spread``; else whether ``a`` is better than ``b``.
    unit : str
        Printed after the numbers (``" dB"`` for PSNR).
    """

    mean: float
    spread: float
    n: int
    verdict: str
    unit: str = ""

    @property
    def is_result(self) -> bool:
        """True when the mean difference is larger than its spread."""
        return self.verdict != "no result"

    def __str__(self) -> str:
        digits = 2 if self.unit == " dB" or abs(self.mean) >= 1 else 4
        text = f"{self.mean:+.{digits}f} ± {self.spread:.{digits}f}{self.unit} over {self.n}"
        return text + (" (no result: smaller than its spread)" if not self.is_result
                       else f" ({self.verdict})")


def paired_gap(a, b, metric: str = "psnr", higher_is_better: bool | None = None) -> Gap:
    """How much better ``a`` scores than ``b`` on the same items, and whether that is a result.

    The course's rule for every comparison: take the difference item by item (the same test
    images, or the same held-out scenes), report its mean and sample standard deviation, and
    call it no result when the mean is not larger than that spread.

    Parameters
    ----------
    a, b : Evaluation or sequence of float
        Scores of two methods on the same items in the same order (Evaluations: their
        ``rows``' ``metric``).
    metric : str
        Read from Evaluations; also decides the direction and the unit.
    higher_is_better : bool, optional
        Default: False for :data:`LOWER_IS_BETTER` metrics, else True.

    Returns
    -------
    Gap

    Raises
    ------
    ValueError
        If the two differ in length, have fewer than 2 items, or hold a non-finite score.

    Examples
    --------
    >>> str(paired_gap([21.0, 22.0, 23.0], [20.0, 20.5, 21.0]))
    '+1.50 ± 0.50 dB over 3 (better)'
    >>> paired_gap([5.0, 9.0], [6.0, 6.0], "ciede2000").verdict
    'no result'
    """
    xs = [r[metric] for r in a.rows] if isinstance(a, Evaluation) else list(a)
    ys = [r[metric] for r in b.rows] if isinstance(b, Evaluation) else list(b)
    if len(xs) != len(ys):
        raise ValueError(f"paired_gap needs the same items: got {len(xs)} and {len(ys)} scores")
    if len(xs) < 2:
        raise ValueError(f"paired_gap needs at least 2 items for a spread, got {len(xs)}")
    d = np.asarray(xs, dtype=float) - np.asarray(ys, dtype=float)
    if not np.isfinite(d).all():
        raise ValueError(f"paired_gap: non-finite {metric} scores at items "
                         f"{np.flatnonzero(~np.isfinite(d)).tolist()}")
    if higher_is_better is None:
        higher_is_better = metric not in LOWER_IS_BETTER
    mean, spread = float(d.mean()), float(d.std(ddof=1))
    verdict = ("no result" if abs(mean) <= spread
               else "better" if (mean > 0) == higher_is_better else "worse")
    return Gap(mean, spread, len(d), verdict, " dB" if metric == "psnr" else "")

