"""Metrics: full-reference image quality and how to compare methods (taught in notebook 05).

=================  ==========================================================================
:mod:`.pixel`      PSNR (also per channel) and MAE
:mod:`.window`     SSIM (Gaussian 11x11 window) and UQI (8x8 box window)
:mod:`.colour`     RGB <-> YCrCb, CIEDE2000, hue and chroma
:mod:`.tables`     scoring folders of pairs, per-image tables, paired gaps with their spread
:mod:`.leakage`    what augmenting before splitting does to a validation score (notebook 01)
=================  ==========================================================================

The names below are the public API; import them from here
(``from lowlight_utils.metrics import psnr, evaluate_pairs``).
"""

from .colour import ciede2000
from .pixel import as_float_image, mae, psnr, psnr_per_channel
from .tables import (
    LOWER_IS_BETTER,
    METRIC_NAMES,
    PROTOCOLS,
    Evaluation,
    Gap,
    evaluate_pairs,
    gt_mean,
    paired_gap,
    quantize_8bit,
)
from .window import gaussian_taps, ssim, uqi

__all__ = [
    "Evaluation",
    "Gap",
    "LOWER_IS_BETTER",
    "METRIC_NAMES",
    "PROTOCOLS",
    "as_float_image",
    "ciede2000",
    "evaluate_pairs",
    "gaussian_taps",
    "gt_mean",
    "mae",
    "paired_gap",
    "psnr",
    "psnr_per_channel",
    "quantize_8bit",
    "ssim",
    "uqi",
]
