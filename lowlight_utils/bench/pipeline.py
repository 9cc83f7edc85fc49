"""Input pipeline throughput: images/s with and without prefetch and cache.

``python -m lowlight_utils.bench pipeline [--data DIR] [--crop 96] [--batch 4] [--work-ms 20]``

A simulated training step of ``--work-ms`` milliseconds per batch stands in for the model, so
that prefetching (preparing the next batch while the step runs) has something to overlap
with. All variants are measured in the same run and reported as ratios to the plain one.
The measurement is :func:`lowlight_utils.data.pipeline.throughput` (taught in notebook 01).
"""

from __future__ import annotations

from ..data.pipeline import throughput


def add_arguments(parser) -> None:
    parser.add_argument("--data", default=None, help="data folder (default: LOL or the sample)")
    parser.add_argument("--crop", type=int, default=96)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--work-ms", type=float, default=20.0,
                        help="simulated training step per batch, in ms")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3,
                        help="measure every setting this many times; medians are printed")


def run(args) -> int:
    from ..data import course_splits

    splits = course_splits(args.data)
    pairs = splits.train
    print(f"data: {splits}")
    print(f"crop {args.crop}, batch {args.batch}, simulated step {args.work_ms:.0f} ms/batch, "
          f"{args.epochs} epochs of {len(pairs)} pairs")
    runs = [throughput(pairs, args.crop, args.batch, args.work_ms, args.epochs)
            for _ in range(args.repeats)]
    print(f"medians of {args.repeats} runs (the ratios are taken within each run):")
    for name in runs[0]:
        ips = sorted(r[name] for r in runs)
        ratio = sorted(r[name] / r["plain"] for r in runs)
        print(f"  {name:15s} {ips[len(ips) // 2]:8.1f} images/s   "
              f"x{ratio[len(ratio) // 2]:.2f} vs plain   (range {ips[0]:.1f}-{ips[-1]:.1f})")
    print(f"  (a {args.work_ms:.0f} ms step alone would allow "
          f"{1000 * args.batch / args.work_ms:.0f} images/s)")
    return 0
