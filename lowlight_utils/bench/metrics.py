"""Scoring test images: the course's ``evaluate_pairs`` against its one-image-at-a-time form.

``python -m lowlight_utils.bench metrics [--images 8] [--height 400] [--width 600] [--rounds 5]``

Two comparisons, each timed in alternation in one run on the same random pairs:

* the windowed filter under SSIM and UQI: OpenCV's ``sepFilter2D`` (what
  :mod:`lowlight_utils.metrics.window` uses) against the same separable correlation written
  as sums of shifted NumPy slices (what it used before), with the largest difference of the
  two results;
* :func:`lowlight_utils.metrics.evaluate_pairs` (PSNR, SSIM, UQI, MAE, CIEDE2000) with its
  images scored side by side, one thread per core, against ``workers=1``, checking that the
  scores are identical.
"""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--images", type=int, default=8)
    parser.add_argument("--height", type=int, default=400)
    parser.add_argument("--width", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)


def numpy_valid_filter(x, taps):
    """Separable 'valid' correlation of (N, H, W, C) by sums of shifted slices (reference)."""
    k = len(taps)
    h, w = x.shape[1] - k + 1, x.shape[2] - k + 1
    rows = sum(t * x[:, i:i + h] for i, t in enumerate(taps))
    return sum(t * rows[:, :, j:j + w] for j, t in enumerate(taps))


def run(args) -> int:
    import numpy as np

    from .._shared.parallel import usable_cores
    from ..metrics import evaluate_pairs
    from ..metrics.window import gaussian_taps, valid_filter
    from .common import alternate

    rng = np.random.default_rng(0)
    shape = (args.images, args.height, args.width, 3)
    refs = rng.random(shape)
    preds = np.clip(refs + 0.1 * rng.standard_normal(shape), 0, 1)
    taps = gaussian_taps()
    # the first calls, which check the results, are the warm-up of the timed rounds
    got, want = valid_filter(refs, taps), numpy_valid_filter(refs, taps)
    rounds = {}
    times = alternate({"opencv": lambda: valid_filter(refs, taps),
                       "numpy": lambda: numpy_valid_filter(refs, taps)},
                      rounds=args.rounds, warmup=0, samples=rounds)
    print(f"11-tap window filter of {args.images} images of {args.height}x{args.width}x3, "
          f"medians (ranges) of {args.rounds} alternated rounds:")
    print(f"  OpenCV sepFilter2D   {_ms(times, rounds, 'opencv')}")
    print(f"  NumPy shifted slices {_ms(times, rounds, 'numpy')}")
    print(f"  OpenCV is {_ratio(times, rounds, 'numpy', 'opencv')} as fast; largest "
          f"difference {float(np.abs(got - want).max()):.1e}")
    scores = {w: evaluate_pairs(list(preds), list(refs), workers=w).rows for w in (None, 1)}
    same = scores[None] == scores[1]
    times = alternate({"side by side": lambda: evaluate_pairs(list(preds), list(refs)),
                       "one at a time": lambda: evaluate_pairs(list(preds), list(refs),
                                                               workers=1)},
                      rounds=args.rounds, warmup=0, samples=rounds)
    print(f"evaluate_pairs of the same {args.images} pairs (PSNR, SSIM, UQI, MAE, CIEDE2000):")
    print(f"  {min(usable_cores(), args.images)} threads  {_ms(times, rounds, 'side by side')}")
    print(f"  1 thread   {_ms(times, rounds, 'one at a time')}")
    print(f"  side by side is {_ratio(times, rounds, 'one at a time', 'side by side')} as "
          f"fast; scores {'identical' if same else 'DIFFERENT'}")
    return 0 if same else 1


def _ms(medians: dict, rounds: dict, name: str) -> str:
    """``median ms (min-max)`` of one timed function."""
    return (f"{1000 * medians[name]:8.1f} ms ({1000 * min(rounds[name]):.1f}-"
            f"{1000 * max(rounds[name]):.1f})")


def _ratio(medians: dict, rounds: dict, slow: str, fast: str) -> str:
    """The ratio of the medians, and the range of the per-round ratios."""
    per_round = [a / b for a, b in zip(rounds[slow], rounds[fast], strict=True)]
    return (f"{medians[slow] / medians[fast]:.2f}x (per round {min(per_round):.2f}-"
            f"{max(per_round):.2f}x)")
