"""Full-reference image quality metrics: PSNR, SSIM, UQI, MAE and CIEDE2000.

All functions take NumPy arrays or TensorFlow tensors (converted with ``np.asarray``) and
compute in float64. Shapes:

* ``(H, W)`` -- one grayscale image;
* ``(H, W, C)`` -- one image, channels last -> a Python ``float``;
* ``(N, H, W, C)`` -- a batch -> a NumPy array of ``N`` per-image values.

``pred`` and ``ref`` must have the same shape. The course's images are float32 in [0, 1],
hence ``data_range=1.0``.

**What the metrics refuse** (one rule, :func:`~lowlight_utils.metrics.pixel.as_float_image`):
float values outside ``[0, data_range]``, NaN or infinity raise a ``ValueError`` that
names the range found (nothing is clipped, :func:`ciede2000` included); unsigned-integer
images are scored as scikit-image scores them: ``uint8`` with ``data_range=1`` is divided
by 255, with ``data_range=255`` used as it is, and both give scikit-image's number. Other
dtypes, and integer images with any other ``data_range``, raise.

**Tables score what a user saves.** :func:`evaluate_pairs`, the one place the course's
tables are scored, rounds every prediction to 8-bit levels first (:func:`quantize_8bit`,
as :func:`lowlight_utils.data.io.save_image` does), so a learned model's float output
and a classical method's 8-bit output are scored alike.

**Two LOL protocols** (:data:`PROTOCOLS`): ``"rgb"`` scores the output as it is;
``"gt-mean"`` first scales it so that its mean grey level equals the reference's
(:func:`gt_mean`), as the test scripts of KinD, LLFlow and Retinexformer (``--GT_mean``)
do. Published LOL numbers use either; the two differ by several dB, so every
:class:`Evaluation` records its protocol.

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

The code is split by idea: :mod:`lowlight_utils.metrics.pixel` (PSNR, MAE, the input
rule), :mod:`lowlight_utils.metrics.window` (SSIM, UQI); this module holds the scoring
protocols and the tables (:func:`evaluate_pairs`) and re-exports the metrics, so
``metrics.psnr`` keeps working.

References
----------
Retinexformer's GT-mean, the one :func:`gt_mean` follows: ``Enhancement/test_from_dataset.py``
(``--GT_mean``) of https://github.com/caiyuanhao1998/Retinexformer (commit ad5c091);
LLFlow's: ``code/train.py`` of https://github.com/wyf0912/LLFlow (commit 115da16).
"""

from __future__ import annotations

import csv
import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .colour import ciede2000
from .pixel import as_float_image, mae, psnr
from .window import ssim, uqi

METRIC_NAMES = ("psnr", "ssim", "uqi", "mae", "ciede2000")

#: The LOL scoring protocols of :func:`evaluate_pairs` (see :func:`gt_mean`).
PROTOCOLS = ("rgb", "gt-mean")


# ----------------------------------------------------------------------------- scored as saved
def quantize_8bit(image, data_range: float = 1.0) -> np.ndarray:
    """``image`` rounded to the 256 levels of an 8-bit file: what a saved PNG holds.

    ``round(x * 255 / data_range)`` levels, computed in float32 with NumPy's round half to
    even as :func:`lowlight_utils.data.io.save_image` does, returned in the units of
    ``data_range``. With ``data_range=1`` the values are exactly those that
    :func:`lowlight_utils.data.io.load_image` reads back from the file ``save_image``
    writes (``float32(level) / 255``).

    Parameters
    ----------
    image : array_like
        Floats in ``[0, data_range]`` or unsigned integers (the metrics' rule; nothing is
        clipped, out-of-range values raise).
    data_range : float, default 1.0

    Returns
    -------
    numpy.ndarray
        float32, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> quantize_8bit(np.array([0.0, 0.1, 0.5, 1.0])).tolist() == [
    ...     np.float32(v) / np.float32(255) for v in (0, 26, 128, 255)]
    True
    """
    data_range = float(data_range)
    # in float32, as save_image computes it, so that the levels are the file's
    x = as_float_image(image, data_range, name="prediction").astype(np.float32)
    levels = np.round(x * np.float32(255.0 / data_range))
    if data_range == 1.0:
        return levels / np.float32(255.0)
    return (levels.astype(np.float64) * (data_range / 255.0)).astype(np.float32)


# ----------------------------------------------------------------------------- protocols
def _mean_grey(image: np.ndarray) -> float:
    """Retinexformer's mean grey level: ``cv2.cvtColor(x, COLOR_BGR2GRAY).mean()``, float32."""
    import cv2

    x = np.ascontiguousarray(image, dtype=np.float32)
    if x.ndim == 3 and x.shape[-1] == 3:
        x = cv2.cvtColor(x, cv2.COLOR_BGR2GRAY)
    return x.mean()


def gt_mean(pred, ref, data_range: float = 1.0) -> np.ndarray:
    """The "GT-mean" correction: ``pred`` scaled so its mean grey level is the reference's.

    Exactly Retinexformer's ``--GT_mean`` step (``Enhancement/test_from_dataset.py``)::

        mean_restored = cv2.cvtColor(restored.astype(np.float32), cv2.COLOR_BGR2GRAY).mean()
        mean_target = cv2.cvtColor(target.astype(np.float32), cv2.COLOR_BGR2GRAY).mean()
        restored = np.clip(restored * (mean_target / mean_restored), 0, 1)

    Retinexformer's arrays are RGB, so its "grey" weights R by 0.114 and B by 0.299 (OpenCV's
    BGR weights on RGB data); this function does the same so that its numbers are
    comparable. (LLFlow's ``train.py`` applies the same lines to BGR arrays, i.e. true
    BT.601 luma; KinD, which those scripts cite, scales by a ratio from its own decomposed
    illumination instead.) The clip to ``[0, data_range]`` is part of the protocol. A
    prediction whose mean is 0 is black everywhere and is returned as it is. Grey images
    ((H, W) or one channel) use their plain mean.

    The correction hands the method the reference's global brightness, which is exactly
    what a low-light enhancer has to find: it flatters methods that get the brightness
    wrong (a dark input gains many dB). Report which protocol a number used.

    Taught in notebook 05, section 'How a score can lie: each pitfall measured'; the table of
    notebook 05, section 'Every method on one table, scored both ways', uses it as a protocol.

    Parameters
    ----------
    pred, ref : array_like
        One image each, same shape; values as the metrics accept them.
    data_range : float, default 1.0

    Returns
    -------
    numpy.ndarray
        float32, same shape as ``pred``, in ``[0, data_range]``.

    Examples
    --------
    >>> import numpy as np
    >>> ref = np.full((4, 4, 3), 0.5)
    >>> gt_mean(ref * 0.5, ref).max()
    np.float32(0.5)
    """
    p = as_float_image(pred, data_range, name="pred").astype(np.float32)
    r = as_float_image(ref, data_range, name="ref").astype(np.float32)
    if p.shape != r.shape:
        raise ValueError(f"pred and ref must have the same shape, got {p.shape} and {r.shape}")
    mean_pred = _mean_grey(p)
    if mean_pred == 0:
        return p
    return np.clip(p * (_mean_grey(r) / mean_pred), 0, np.float32(data_range))


def _check_protocol(protocol: str) -> str:
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    return protocol


# ----------------------------------------------------------------------------- tables
@dataclasses.dataclass
class Evaluation:
    """Per-image metric rows and their means, as returned by :func:`evaluate_pairs`.

    Attributes
    ----------
    rows : list of dict
        One dict per image with keys ``name``, ``psnr``, ``ssim``, ``uqi``, ``mae`` and
        ``ciede2000`` (NaN for grey images, which have no colour to compare).
    protocol : {"rgb", "gt-mean"}
        How the rows were scored (:data:`PROTOCOLS`); written into the CSV and under the
        markdown table.
    quantized : bool
        Whether the predictions were rounded to 8-bit levels before scoring.
    """

    rows: list[dict]
    protocol: str = "rgb"
    quantized: bool = True

    @property
    def scoring(self) -> str:
        """How the rows were scored, in words: ``"protocol rgb, outputs at 8-bit levels"``."""
        return (f"protocol {self.protocol}, outputs "
                + ("at 8-bit levels" if self.quantized else "as given (not rounded)"))

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

        Columns: ``name``, the :data:`METRIC_NAMES`, then ``protocol`` (the same on every
        row: :attr:`protocol`).

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
            writer = csv.DictWriter(f, fieldnames=["name", *METRIC_NAMES, "protocol"])
            writer.writeheader()
            for row in self.rows:
                writer.writerow({"name": row["name"], "protocol": self.protocol,
                                 **{k: repr(float(row[k])) for k in METRIC_NAMES}})
        return path

    def to_markdown(self, means: bool = True) -> str:
        """A markdown table, one row per image, plus a final **mean** row if ``means``.

        A line under the table says how it was scored (:attr:`scoring`).
        """
        lines = ["| image | PSNR (dB) | SSIM | UQI | MAE | CIEDE2000 |",
                 "|---|---:|---:|---:|---:|---:|"]
        rows = [*self.rows, {"name": "**mean**", **self.means}] if means else self.rows
        for row in rows:
            lines.append(
                f"| {row['name']} | {row['psnr']:.2f} | {row['ssim']:.4f} "
                f"| {row['uqi']:.4f} | {row['mae']:.4f} | {row['ciede2000']:.2f} |"
            )
        return "\n".join(lines) + f"\n\nScored with {self.scoring}.\n"


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
    *,
    protocol: str = "rgb",
    quantize: bool = True,
) -> Evaluation:
    """PSNR, SSIM, UQI, MAE and CIEDE2000 of each (prediction, reference) pair.

    The course's one scoring entry point for tables. Each prediction is (1) corrected by the
    ``protocol`` (``"gt-mean"``: :func:`gt_mean`), then (2) rounded to 8-bit levels
    (:func:`quantize_8bit`), the image a user would save, then scored against its
    reference as it is. (Retinexformer saves the GT-mean-corrected output as 8 bits and
    scores SSIM on it too; its PSNR is on the unrounded floats, a difference of rounding
    noise only.)

    Taught in notebook 05, section 'Every method on one table, scored both ways'; every notebook
    scores its tables with it, first notebook 01, section 'The bar to clear: classical
    baselines'.

    Parameters
    ----------
    preds, refs : sequence of array_like or paths
        Images of shape (H, W, C) or (H, W); sizes may differ from one pair to the next but
        not within a pair. Paths are read with :func:`lowlight_utils.data.load_image`.
    names : sequence of str, optional
        Row names; default: the reference's (else the prediction's) file stem for paths,
        ``image_0000``, ``image_0001``, ... otherwise.
    data_range : float, default 1.0
        Passed to every metric; predictions and references must lie in
        ``[0, data_range]`` (see the module docstring).
    workers : int, optional
        Images scored side by side (threads); default one per core this process may use.
        The scores do not depend on it.
    protocol : {"rgb", "gt-mean"}, default "rgb"
        ``"rgb"``: the prediction as it is; ``"gt-mean"``: scaled to the reference's mean
        grey level first (:func:`gt_mean`), as KinD, LLFlow and Retinexformer report.
    quantize : bool, default True
        Round predictions to 8-bit levels before scoring. Turn it off only to show what
        the rounding changes; the course's tables keep it on.

    Returns
    -------
    Evaluation
        ``.rows``, ``.means``, ``.protocol``, ``.to_csv(path)``, ``.to_markdown()``.

    Raises
    ------
    ValueError
        If the sequences differ in length, a pair differs in shape or is too small, or its
        values break the metrics' rule (the message names the item and the range found);
        or for an unknown ``protocol``.

    Examples
    --------
    >>> import numpy as np
    >>> ref = np.full((16, 16, 3), 0.5)
    >>> ev = evaluate_pairs([ref + 0.1], [ref], names=["grey"])
    >>> ev.rows[0]["name"], round(ev.means["psnr"], 2), ev.protocol
    ('grey', 20.0, 'rgb')
    >>> dark = [ref * 0.5]  # right structure, half the brightness
    >>> [round(evaluate_pairs(dark, [ref], protocol=p).means["psnr"], 1) for p in PROTOCOLS]
    [12.1, 54.2]
    """
    _check_protocol(protocol)
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
    rows = thread_map(lambda item: _score_item(item, data_range, protocol, quantize), items,
                      workers)
    return Evaluation(rows, protocol=protocol, quantized=quantize)


def _score_item(item: tuple, data_range: float, protocol: str = "rgb",
                quantize: bool = True) -> dict:
    """Load one ``(name, prediction, reference)`` item, check its shapes and score it."""
    name, pred, ref = item
    p, r = _load(pred), _load(ref)
    if p.ndim == 4 or p.shape != r.shape:
        raise ValueError(
            f"item {name!r}: prediction shape {p.shape} does not match reference shape "
            f"{r.shape} (each item must be one image)"
        )
    try:
        if protocol == "gt-mean":
            p = gt_mean(p, r, data_range)
        if quantize:
            p = quantize_8bit(p, data_range)
        return _score(name, p, r, data_range)
    except ValueError as err:
        raise ValueError(f"item {name!r}: {err}") from err


def _score(name: str, pred: np.ndarray, ref: np.ndarray, data_range: float) -> dict:
    return {
        "name": name,
        "psnr": psnr(pred, ref, data_range),
        "ssim": ssim(pred, ref, data_range),
        "uqi": uqi(pred, ref, data_range=data_range),
        "mae": mae(pred, ref, data_range),
        "ciede2000": ciede2000(pred, ref, data_range)
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

    Taught in notebook 05, section 'Every method on one table, scored both ways'; notebooks 02,
    03, 04 and 06 read their comparisons with it.

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

