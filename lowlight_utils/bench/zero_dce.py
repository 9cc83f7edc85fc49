"""Zero-DCE and Zero-DCE++ inference speed at full resolution, with this run's matmul peak.

``python -m lowlight_utils.bench zero-dce``

Both models run through :func:`lowlight_utils.inference.enhance_image`, the path every
notebook and the CLI use (one traced function per model, no resizing of the photograph).

* Zero-DCE at 600x400 (LOL's size): images/s and the achieved GFLOP/s, counting DCE-Net's
  79,200 multiply-adds per pixel (``zero_dce.DCE_NET_MACS_PER_PIXEL``; 2 FLOPs each; the curve
  steps are not counted), next to the fp32 matmul peak measured in the same run. The
  network is seven dense 3x3 convolutions, so a good implementation runs near the matmul
  peak.
* Zero-DCE++ at 1200x900: images/s. The network runs on a 12x downscaled copy (100x75), so
  the cost is the full-resolution part: the bilinear upsampling of the curve map and the eight
  curve steps, which run as one fused XLA kernel.

Weights are random: speed does not depend on them. Each timing is the median of
``--repeats`` calls after warm-up. The matmul peak and the Zero-DCE timing alternate for
``--rounds`` rounds and the best round of each is reported, so that a burst of load from
other processes during one measurement does not distort the ratio; still, on a shared
machine, run it when the machine is quiet.
"""

from __future__ import annotations


def add_arguments(parser) -> None:
    """Options of ``python -m lowlight_utils.bench zero-dce``."""
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per model (median)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating peak/model rounds")
    parser.add_argument("--size", default="600x400", help="Zero-DCE image size WxH")
    parser.add_argument("--plusplus-size", default="1200x900", help="Zero-DCE++ size WxH")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"size must look like 600x400, got {text!r}") from None
    return w, h


def _image(w: int, h: int):
    import numpy as np

    return (np.random.default_rng(0).random((h, w, 3)) * 0.25).astype(np.float32)


def time_enhance(model, image, repeats: int) -> float:
    """Median seconds of ``enhance_image(model, image)`` after two warm-up calls."""
    from ..inference import enhance_image
    from .common import timeit

    return timeit(lambda: enhance_image(model, image), repeats=repeats, warmup=2)


def run(args) -> int:
    """Measure and print the two speed figures."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from .. import zero_dce
    from ..zero_dce import DCE_NET_MACS_PER_PIXEL  # taught in notebook 04, section 3
    from .common import matmul_peak_gflops

    w, h = _size(args.size)
    model, image = zero_dce.ZeroDCE(), _image(w, h)
    peaks, times = [], []
    for _ in range(max(1, args.rounds)):
        peaks.append(matmul_peak_gflops())
        times.append(time_enhance(model, image, args.repeats))
    peak, seconds = max(peaks), min(times)
    gflops = 2.0 * DCE_NET_MACS_PER_PIXEL * w * h / seconds / 1e9
    print(f"Zero-DCE   {w}x{h}: {1 / seconds:6.2f} images/s ({seconds * 1e3:.0f} ms), "
          f"{gflops:.1f} GFLOP/s at {DCE_NET_MACS_PER_PIXEL} MACs/pixel")
    print(f"fp32 matmul peak (this run): {peak:.1f} GFLOP/s; "
          f"Zero-DCE reaches {100 * gflops / peak:.0f} % of it "
          f"(best of {len(times)} alternating rounds; "
          f"peaks {', '.join(f'{p:.0f}' for p in peaks)})")

    w, h = _size(args.plusplus_size)
    plus = zero_dce.ZeroDCEPlusPlus()
    small = plus.small_curves(_image(w, h)[None]).shape
    seconds = time_enhance(plus, _image(w, h), args.repeats)
    print(f"Zero-DCE++ {w}x{h}: {1 / seconds:6.1f} images/s ({seconds * 1e3:.1f} ms), "
          f"curves estimated at {small[2]}x{small[1]}")
    return 0
