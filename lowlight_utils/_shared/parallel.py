"""Work that is independent image by image, side by side: one thread per core.

NumPy, OpenCV, SciPy, scikit-image and Pillow release Python's global lock inside their
loops, so the threads of one process share the cores for such work: scoring test images
(:func:`lowlight_utils.metrics.evaluate_pairs`), classical restorations
(:func:`lowlight_utils.classical.restoration.restore_all`) and writing the embedded samples
(:func:`lowlight_utils.data.synthetic.sample_dataset`). ``python -m lowlight_utils.bench metrics``
measures what it gains.

Examples
--------
>>> thread_map(lambda x: x * x, [1, 2, 3])
[1, 4, 9]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable


def usable_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def thread_map(fn: Callable, items: Iterable, workers: int | None = None) -> list:
    """``[fn(item) for item in items]``, computed in up to ``workers`` threads.

    Parameters
    ----------
    fn : callable
        Called once per item; must not depend on the order of the calls.
    items : iterable
    workers : int, optional
        Threads; default :func:`usable_cores`. One worker (or one item) runs a plain loop.

    Returns
    -------
    list
        The results in the order of ``items``. An exception is raised as the loop would
        raise it: the first failing item's, in that order.
    """
    items = list(items)
    workers = min(len(items), usable_cores() if workers is None else int(workers))
    if workers <= 1:
        return [fn(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))
