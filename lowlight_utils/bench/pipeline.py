"""Input pipeline throughput: images/s with and without prefetch and cache.

``python -m lowlight_utils.bench pipeline [--data DIR] [--crop 96] [--batch 4] [--work-ms 20]``

A simulated training step of ``--work-ms`` milliseconds per batch stands in for the model, so
that prefetching (preparing the next batch while the step runs) has something to overlap
with. All variants are measured in the same run and reported as ratios to the plain one.
"""

from __future__ import annotations

import time


def add_arguments(parser) -> None:
    parser.add_argument("--data", default=None, help="data folder (default: LOL or the sample)")
    parser.add_argument("--crop", type=int, default=96)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--work-ms", type=float, default=20.0,
                        help="simulated training step per batch, in ms")
    parser.add_argument("--epochs", type=int, default=3)


def measure(pairs, crop: int = 96, batch_size: int = 4, work_ms: float = 20.0,
            epochs: int = 3) -> dict[str, float]:
    """Images per second through ``make_dataset`` for three settings.

    Parameters
    ----------
    pairs : list of Pair
    crop, batch_size : int
        As in :func:`~lowlight_utils.data.make_dataset` (with augmentation on).
    work_ms : float
        Milliseconds of simulated work per batch (the "model").
    epochs : int
        Passes over the data; the first pass of a cached pipeline fills the cache.

    Returns
    -------
    dict
        ``{"plain": ips, "prefetch": ips, "cache+prefetch": ips}``.
    """
    from ..data import make_dataset

    settings = {
        "plain": dict(cache=False, prefetch=False),
        "prefetch": dict(cache=False, prefetch=True),
        "cache+prefetch": dict(cache=True, prefetch=True),
    }
    results = {}
    for name, kw in settings.items():
        ds = make_dataset(pairs, crop=crop, batch_size=batch_size, augment=True, shuffle=True,
                          **kw)
        n, t0 = 0, time.perf_counter()
        for _ in range(epochs):
            for low, _high in ds:
                time.sleep(work_ms / 1000.0)  # the training step we are feeding
                n += int(low.shape[0])
        results[name] = n / (time.perf_counter() - t0)
    return results


def run(args) -> int:
    from ..data import course_splits

    splits = course_splits(args.data)
    pairs = splits.train
    print(f"data: {splits}")
    print(f"crop {args.crop}, batch {args.batch}, simulated step {args.work_ms:.0f} ms/batch, "
          f"{args.epochs} epochs of {len(pairs)} pairs")
    res = measure(pairs, args.crop, args.batch, args.work_ms, args.epochs)
    base = res["plain"]
    for name, ips in res.items():
        print(f"  {name:15s} {ips:8.1f} images/s   x{ips / base:.2f} vs plain")
    return 0
