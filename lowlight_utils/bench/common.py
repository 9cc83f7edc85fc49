"""Shared measuring helpers for the benchmarks."""

from __future__ import annotations

import time


def timeit(fn, repeats: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def alternate(fns: dict, rounds: int = 5, warmup: int = 1,
              samples: dict | None = None) -> dict[str, float]:
    """Median wall-clock seconds of each of several functions, timed in alternation.

    Each round calls every function once, in the order of ``fns`` (A B A B ...), so that
    whatever else the machine does slows them alike; ``warmup`` untimed rounds come first.

    Parameters
    ----------
    fns : dict
        Name -> a function of no arguments that returns when its work is done.
    rounds : int
        Timed rounds.
    warmup : int
        Untimed rounds before them.
    samples : dict, optional
        Filled with name -> the seconds of each timed round, in round order (for ranges
        and per-round ratios).

    Returns
    -------
    dict
        Name -> the median seconds of its ``rounds`` calls.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    if samples is not None:
        samples.update(times)
    return {name: sorted(t)[len(t) // 2] for name, t in times.items()}


def update_difference(start, after_a, after_b) -> float:
    """How far apart two updates of the same variables are, relative to the size of one.

    Parameters
    ----------
    start, after_a, after_b : list of numpy.ndarray
        The variables' values before, and after each of the two updates; non-float ones
        (counters, random seeds) are skipped.

    Returns
    -------
    float
        ``||a - b|| / ||b - start||`` over all float variables together; infinite if
        ``b`` changed nothing (no update to compare). Not a per-weight maximum: a bias
        before a normalisation has a gradient of rounding noise, which Adam's first step
        scales to a whole learning-rate step either way.
    """
    import numpy as np

    floats = [(s, a, b) for s, a, b in zip(start, after_a, after_b, strict=True)
              if s.dtype.kind == "f"]
    change = np.sqrt(sum(np.sum(np.square(b - s)) for s, _, b in floats))
    apart = np.sqrt(sum(np.sum(np.square(a - b)) for _, a, b in floats))
    return float(apart / change) if change > 0 else float("inf")


def matmul_peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    """Measured fp32 matrix-multiply throughput of this machine, in GFLOP/s.

    A traced ``tf.matmul`` of two ``n x n`` float32 matrices; 2 n^3 flops per product. It is
    the reference against which the benchmarks report their share of peak, measured in the
    same run so that the ratio does not depend on what else the machine is doing.
    """
    import tensorflow as tf

    a = tf.random.normal([n, n])
    b = tf.random.normal([n, n])
    f = tf.function(lambda x, y: tf.reduce_sum(tf.matmul(x, y)))
    seconds = timeit(lambda: f(a, b).numpy(), repeats=repeats, warmup=2)
    return 2.0 * n**3 / seconds / 1e9
